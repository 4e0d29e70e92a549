package kpi

import (
	"time"

	"github.com/cmkit/cmkit"
)

// Aggregator adds up measures as they are recorded, into one bucket per
// series and calendar day in one time zone; weeks, months and quarters
// are read from whole days, so they are exact in that zone. A series is
// one Measure of one Segment, named once (Series) by a SeriesHandle that
// Add then takes. Memory grows with series × days, never with events.
//
// An Aggregator is not safe for concurrent use: callers serialize Add,
// Totals, Flush and Load.
type Aggregator struct {
	loc    *time.Location
	handle map[seriesKey]SeriesHandle
	series []series

	// The day last seen: [start, end) in Unix seconds, and its number.
	curStart, curEnd int64
	curDay           int32
}

// SeriesHandle names one series (a Measure of a Segment) of one
// Aggregator.
type SeriesHandle uint32

type seriesKey struct {
	m Measure
	s Segment
}

// series is one measure of one segment: its day buckets, indexed by day
// number, and the last one written.
type series struct {
	key     seriesKey
	kind    MeasureKind
	lastDay int32
	last    int32 // index of lastDay's bucket in buckets, -1 for none
	index   map[int32]int32
	buckets []dayBucket
}

// dayBucket is one series' values on one day.
type dayBucket struct {
	day     int32
	dirty   bool // changed since loaded or flushed
	version int64
	n       int64
	sum     float64
	a, b    float64 // snapshot: first and last reading; distribution: min and max
	ta, tb  int64   // snapshot: the first and last readings' Unix nanoseconds
	sk      quantileSketch
}

// The days an Aggregator keeps: wide enough for any event, narrow enough
// that every instant in them has Unix nanoseconds.
var (
	minAggDay = int32(daysFromCivil(1700, 1, 1))
	maxAggDay = int32(daysFromCivil(2199, 12, 31))
)

// NewAggregator returns an empty Aggregator whose days are those of loc
// (UTC when loc is nil).
func NewAggregator(loc *time.Location) *Aggregator {
	return &Aggregator{loc: zoneOrUTC(loc), handle: map[seriesKey]SeriesHandle{}}
}

// Location returns the time zone of a's days.
func (a *Aggregator) Location() *time.Location { return a.loc }

// Series returns the handle of measure m of segment s, naming the series
// the first time. An invalid measure name is an error wrapping
// cmkit.ErrInvalid.
func (a *Aggregator) Series(m Measure, s Segment) (SeriesHandle, error) {
	k := seriesKey{m, s}
	if h, ok := a.handle[k]; ok {
		return h, nil
	}
	if err := m.Validate(); err != nil {
		return 0, err
	}
	return a.intern(k), nil
}

func (a *Aggregator) intern(k seriesKey) SeriesHandle {
	h := SeriesHandle(len(a.series))
	a.series = append(a.series, series{key: k, kind: k.m.Kind(), last: -1, index: map[int32]int32{}})
	a.handle[k] = h
	return h
}

// Add records value v of series h at instant t: a count adds v to its
// day, a snapshot is a reading at t (the day keeps its first and last),
// a distribution a sample (the day keeps count, sum, minimum, maximum and
// a quantile sketch). A handle a did not return, a NaN or infinite v, or
// t outside the years 1700 to 2199 is an error wrapping cmkit.ErrInvalid,
// and records nothing.
//
// Add does not allocate while t stays in days already seen.
func (a *Aggregator) Add(h SeriesHandle, t time.Time, v float64) error {
	if int(h) >= len(a.series) {
		return cmkit.Invalid("series", "unknown", "handle %d was not returned by this Aggregator's Series", h)
	}
	if v-v != 0 { // NaN or ±Inf
		return cmkit.Invalid("value", "finite", "%v is not a finite number", v)
	}
	if sec := t.Unix(); sec < a.curStart || sec >= a.curEnd {
		if err := a.seekDay(t); err != nil {
			return err
		}
	}
	s := &a.series[h]
	var b *dayBucket
	if s.last >= 0 && s.lastDay == a.curDay {
		b = &s.buckets[s.last]
	} else {
		b = s.bucket(a.curDay)
	}
	if s.kind != MeasureCount {
		return b.addReading(s.kind, t, v)
	}
	b.dirty = true
	b.n++
	b.sum += v
	return nil
}

// addReading adds a snapshot's reading or a distribution's sample.
func (b *dayBucket) addReading(kind MeasureKind, t time.Time, v float64) error {
	if kind == MeasureDistribution {
		if b.sk == nil {
			b.sk = sketches.new()
		}
		if err := b.sk.Add(v); err != nil {
			// The sketch refused what it cannot hold.
			return cmkit.Invalid("value", "sketch", "%v: %v", v, err)
		}
		if b.n == 0 || v < b.a {
			b.a = v
		}
		if b.n == 0 || v > b.b {
			b.b = v
		}
	} else {
		ns := t.UnixNano()
		if b.n == 0 || ns < b.ta {
			b.a, b.ta = v, ns
		}
		if b.n == 0 || ns >= b.tb {
			b.b, b.tb = v, ns
		}
	}
	b.dirty = true
	b.n++
	b.sum += v
	return nil
}

// seekDay makes t's day the current one.
func (a *Aggregator) seekDay(t time.Time) error {
	y, m, d := t.In(a.loc).Date()
	day := daysFromCivil(y, int(m), d)
	if day < int(minAggDay) || day > int(maxAggDay) {
		return cmkit.Invalid("at", "range", "%v is outside the years 1700 to 2199", t)
	}
	a.curDay = int32(day)
	start, end := dayStart(day, a.loc).Unix(), dayStart(day+1, a.loc).Unix()
	if sec := t.Unix(); sec >= start && sec < end {
		a.curStart, a.curEnd = start, end
	} else {
		// Not expected (the day's bounds come from the same zone), but
		// never cache a day that does not hold t.
		a.curStart, a.curEnd = 0, 0
	}
	return nil
}

// bucket returns s's bucket of day, adding it, and makes it the last.
func (s *series) bucket(day int32) *dayBucket {
	i, ok := s.index[day]
	if !ok {
		i = int32(len(s.buckets))
		s.buckets = append(s.buckets, dayBucket{day: day})
		s.index[day] = i
	}
	s.lastDay, s.last = day, i
	return &s.buckets[i]
}

// Totals returns the measures of segment seg over period p, in a's zone:
// every series whose segment seg Covers adds up, so a brand's totals are
// the sum of its channels'. For a snapshot measure, First and Last are
// the sums of each series' first and last reading in p (series without a
// reading in p add nothing). A zero p is an error wrapping
// cmkit.ErrInvalid.
func (a *Aggregator) Totals(seg Segment, p Period) (Totals, error) {
	if p.IsZero() {
		return nil, cmkit.Invalid("period", "required", "the zero Period")
	}
	out := periodTotals{}
	first, last := int32(p.first), int32(p.lastDay())
	for i := range a.series {
		s := &a.series[i]
		if !seg.Covers(s.key.s) {
			continue
		}
		var t *measureTotals
		var firstSeen, lastSeen *dayBucket
		for day := first; day <= last; day++ {
			j, ok := s.index[day]
			if !ok {
				continue
			}
			b := &s.buckets[j]
			if t == nil {
				t = out.get(s.key.m)
			}
			t.add(s.kind, b)
			if firstSeen == nil {
				firstSeen = b
			}
			lastSeen = b
		}
		if s.kind == MeasureSnapshot && firstSeen != nil {
			t.first += firstSeen.a
			t.last += lastSeen.b
		}
	}
	return out, nil
}

// periodTotals implements Totals over the buckets a query added up.
type periodTotals map[Measure]*measureTotals

// measureTotals is one measure's buckets added up.
type measureTotals struct {
	n           int64
	sum         float64
	first, last float64
	min, max    float64
	sk          quantileSketch
}

func (pt periodTotals) get(m Measure) *measureTotals {
	t := pt[m]
	if t == nil {
		t = &measureTotals{}
		pt[m] = t
	}
	return t
}

// add adds one day bucket.
func (t *measureTotals) add(kind MeasureKind, b *dayBucket) {
	if kind == MeasureDistribution && b.n > 0 {
		if t.n == 0 || b.a < t.min {
			t.min = b.a
		}
		if t.n == 0 || b.b > t.max {
			t.max = b.b
		}
		if b.sk != nil {
			if t.sk == nil {
				t.sk = sketches.new()
			}
			_ = sketches.merge(t.sk, b.sk) // sketches of one implementation merge
		}
	}
	t.n += b.n
	t.sum += b.sum
}

// Sum returns the sum of m's values.
func (pt periodTotals) Sum(m Measure) float64 {
	if t := pt[m]; t != nil {
		return t.sum
	}
	return 0
}

// Count returns how many values of m were added.
func (pt periodTotals) Count(m Measure) int64 {
	if t := pt[m]; t != nil {
		return t.n
	}
	return 0
}

// First returns the sum of the series' first readings of m.
func (pt periodTotals) First(m Measure) (float64, bool) {
	if t := pt[m]; t != nil && m.Kind() == MeasureSnapshot {
		return t.first, true
	}
	return 0, false
}

// Last returns the sum of the series' last readings of m.
func (pt periodTotals) Last(m Measure) (float64, bool) {
	if t := pt[m]; t != nil && m.Kind() == MeasureSnapshot {
		return t.last, true
	}
	return 0, false
}

// Quantile returns the q-quantile of m's samples: exactly the minimum for
// q = 0 and the maximum for q = 1, otherwise the sketch's estimate.
func (pt periodTotals) Quantile(m Measure, q float64) (float64, bool) {
	t := pt[m]
	if t == nil || t.n == 0 || m.Kind() != MeasureDistribution || !(q >= 0 && q <= 1) {
		return 0, false
	}
	switch {
	case q == 0:
		return t.min, true
	case q == 1:
		return t.max, true
	case t.sk == nil:
		return 0, false
	}
	v, ok := t.sk.Quantile(q)
	return min(max(v, t.min), t.max), ok
}
