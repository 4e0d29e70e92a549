package hours

import (
	"math"
	"slices"
	"time"
)

// This file turns a Schedule into the instants it is open, as a walk over
// days: each day's spans become intervals of Unix seconds, [start, end),
// in increasing order and never overlapping. Open, NextOpen, Add and
// Between all read the same walk, so they agree with each other.

// The calendar runs over the years 1 to 9999, the years time.Time writes
// in RFC 3339 and JSON: [calStart, calEnd) in Unix seconds, days
// [firstDay, endDay) counted from 1970-01-01.
const (
	calStart int64 = -62135596800 // 0001-01-01T00:00:00Z
	calEnd   int64 = 253402300800 // 10000-01-01T00:00:00Z
	firstDay       = calStart / day
	endDay         = calEnd / day
	noDay    int64 = math.MaxInt64 // no dated entry ahead
	// maxOffset bounds the distance between a wall reading and its
	// instant: no zone is two days off UTC.
	maxOffset = 2 * day
)

// End is the first instant after the calendar: 10000-01-01T00:00:00Z. Add
// and NextOpen return it (or t, if t is later) when what they look for does
// not come before it.
var End = time.Unix(calEnd, 0).UTC()

// zone maps wall readings to instants in one location, remembering the
// zone period (a stretch with one UTC offset) it last looked at, so that
// a walk asks the location only near the period's ends.
type zone struct {
	loc      *time.Location
	off      int64 // seconds east of UTC in the period
	start    int64 // the period's first instant, math.MinInt64 if it has none
	end      int64 // the instant after its last, math.MaxInt64 if it has none
	fastFrom int64 // from fastFrom to end, the wall reading w is the instant w-off
}

// load makes the period holding instant u the current one.
func (z *zone) load(u int64) {
	t := time.Unix(u, 0).In(z.loc)
	_, off := t.Zone()
	s, e := t.ZoneBounds()
	z.off = int64(off)
	z.start, z.end, z.fastFrom = math.MinInt64, math.MaxInt64, math.MinInt64
	if !s.IsZero() {
		z.start = s.Unix()
		// After a fall-back the first readings of the period were read
		// once already, in the period before: they are not w-off.
		_, prev := time.Unix(z.start-1, 0).In(z.loc).Zone()
		z.fastFrom = z.start + max(0, int64(prev)-z.off)
	}
	if !e.IsZero() {
		z.end = e.Unix()
	}
}

// inst returns the first instant at which the zone's clock reads w (wall
// seconds since 1970-01-01 00:00) or later. A reading the clock shows
// twice (the hour repeated at fall-back) is its first showing; a reading
// it skips (the hour lost at spring-forward) is the instant of the jump.
// inst never decreases as w grows.
func (z *zone) inst(w int64) int64 {
	if c := w - z.off; c >= z.fastFrom && c < z.end {
		return c
	}
	// Scan the periods from one whose readings are all before w; the
	// first that reaches w holds the instant.
	u := w - maxOffset
	for range 64 {
		z.load(u)
		if z.end == math.MaxInt64 || z.end+z.off > w {
			return max(z.start, w-z.off)
		}
		if z.end <= u {
			break // a location whose periods do not advance
		}
		u = z.end
	}
	return w - z.off
}

// walker reads a schedule's open intervals day by day.
type walker struct {
	s     *Schedule
	z     zone
	week  int64  // open seconds in a week, from the weekday spans
	day   int64  // the day being read, in days since 1970-01-01
	base  int64  // its midnight, in wall seconds
	spans []Span // its spans
	next  int    // the index in spans of the next span to read
	last  int64  // the end of the last interval returned
	hi    int    // Holidays[hi] is the first holiday not before day
	ei    int    // Exceptions[ei] is the first exception not before day
	hDay  int64  // the day of Holidays[hi], or noDay
	eDay  int64  // the day of Exceptions[ei], or noDay
}

// init starts a walk on the day before the one t reads in the zone: no
// interval of an earlier day reaches t.
func (w *walker) init(s *Schedule, t time.Time) {
	w.s = s
	w.z.loc = s.Zone
	if w.z.loc == nil {
		w.z.loc = time.UTC
	}
	u := min(max(t.Unix(), calStart-maxOffset), calEnd+maxOffset)
	w.z.load(u)
	d := floorDiv(u+w.z.off, day) - 1
	w.week = 0
	for _, spans := range s.Week {
		for _, sp := range spans {
			w.week += max(0, sod(sp.End)-sod(sp.Start))
		}
	}
	w.last = math.MinInt64
	date := DateOf(time.Unix(d*day, 0).UTC())
	w.hi, _ = slices.BinarySearchFunc(s.Holidays, date, func(h Holiday, c CivilDate) int { return h.Date.compare(c) })
	w.ei, _ = slices.BinarySearchFunc(s.Exceptions, date, func(e Exception, c CivilDate) int { return e.Date.compare(c) })
	w.hDay, w.eDay = w.holiday(), w.exception()
	w.enter(d)
}

func (w *walker) holiday() int64 {
	if w.hi >= len(w.s.Holidays) {
		return noDay
	}
	return w.s.Holidays[w.hi].Date.days()
}

func (w *walker) exception() int64 {
	if w.ei >= len(w.s.Exceptions) {
		return noDay
	}
	return w.s.Exceptions[w.ei].Date.days()
}

// enter makes d the day being read.
func (w *walker) enter(d int64) {
	w.day, w.base, w.next = d, d*day, 0
	for w.hDay < d {
		w.hi++
		w.hDay = w.holiday()
	}
	for w.eDay < d {
		w.ei++
		w.eDay = w.exception()
	}
	switch {
	case d < firstDay || d >= endDay, w.hDay == d:
		w.spans = nil
	case w.eDay == d:
		w.spans = w.s.Exceptions[w.ei].Spans
	default:
		w.spans = w.s.Week[weekday(d)]
	}
}

// nextDay moves to the next day that may be open; it reports false after
// the calendar's last day. When no weekday has spans (Validate refuses
// such a schedule) only exceptions open, and it goes straight to the next
// one rather than read every day to year 9999.
func (w *walker) nextDay() bool {
	d := w.day + 1
	if w.week <= 0 {
		d = max(d, w.eDay)
	}
	if d >= endDay {
		return false
	}
	w.enter(d)
	return true
}

// span returns the next open interval of the day being read, if any.
func (w *walker) span() (start, end int64, ok bool) {
	for w.next < len(w.spans) {
		sp := w.spans[w.next]
		w.next++
		a, b := sod(sp.Start), sod(sp.End)
		if b <= a {
			continue
		}
		start = max(w.z.inst(w.base+a), w.last, calStart)
		end = min(w.z.inst(w.base+b), calEnd)
		if end <= start {
			continue
		}
		w.last = end
		return start, end, true
	}
	return 0, 0, false
}

// clearWeeks returns how many whole weeks, from the start of the day being
// read, hold exactly w.week open seconds each, and so may be skipped
// without reading them: weeks with no holiday or exception, inside one
// zone period (so every reading w is the instant w-off) and inside the
// calendar, that start after the instant after and end by the instant
// until. This is what makes a walk over years cost the number of zone
// periods and dated entries it crosses, not the number of days.
func (w *walker) clearWeeks(after, until int64) int64 {
	if w.week <= 0 || w.next != 0 {
		return 0
	}
	c := w.base - w.z.off
	if c < w.z.start || c >= w.z.end {
		w.z.load(c)
		c = w.base - w.z.off
	}
	if c < w.z.fastFrom || c >= w.z.end || c <= after || c < calStart || w.last > c {
		return 0
	}
	n := min(w.hDay, w.eDay, endDay) - w.day
	last := min(until, calEnd) // the last midnight skipped is an instant <= last
	if w.z.end != math.MaxInt64 {
		last = min(last, w.z.end-1)
	}
	n = min(n, floorDiv(last+w.z.off, day)-w.day)
	if n < 7 {
		return 0
	}
	return n / 7
}

// skip moves k weeks ahead; clearWeeks said they may be skipped.
func (w *walker) skip(k int64) {
	w.enter(w.day + 7*k)
	w.last = w.base - w.z.off
}

// sod returns an offset from midnight in seconds, within the day.
func sod(d time.Duration) int64 {
	return min(max(int64(d/time.Second), 0), day)
}

// weekday returns the weekday of a day counted from 1970-01-01, a Thursday.
func weekday(d int64) time.Weekday {
	return time.Weekday((d%7 + 7 + 4) % 7)
}

// end returns End, or t if t is later, in t's location.
func end(t time.Time) time.Time {
	if t.Unix() >= calEnd {
		return t
	}
	return time.Unix(calEnd, 0).In(t.Location())
}

// Open reports whether the team is open at t: t is in one of the spans of
// its day (from the opening, included, to the closing, excluded).
func (s *Schedule) Open(t time.Time) bool {
	if s == nil {
		return true
	}
	var w walker
	w.init(s, t)
	ts, stop := t.Unix(), w.day+2 // the days before, of and after t
	for {
		a, b, ok := w.span()
		switch {
		case !ok:
			if w.day >= stop || !w.nextDay() {
				return false
			}
		case a > ts:
			return false
		case ts < b:
			return true
		}
	}
}

// NextOpen returns the first instant at or after t at which the team is
// open: t itself when it is open, else the next opening. It looks through
// a run of closed days one day at a time, which Validate bounds (at most
// 10,000 holidays and exceptions, and some weekday open).
func (s *Schedule) NextOpen(t time.Time) time.Time {
	if s == nil {
		return t
	}
	var w walker
	w.init(s, t)
	ts := t.Unix()
	for {
		a, b, ok := w.span()
		switch {
		case !ok:
			if !w.nextDay() {
				return end(t)
			}
		case b > ts && a <= ts:
			return t
		case b > ts:
			return time.Unix(a, 0).In(t.Location())
		}
	}
}

// Add returns the instant at which d of business time has elapsed counting
// from t: the earliest instant x with s.Between(t, x) == d. When t is
// closed the count starts at the next opening; when d runs out exactly at
// a closing, x is that closing (17:00), not the next opening. A d of zero
// or less returns t. The result is in t's location.
//
// Add reads the days one at a time only around holidays, exceptions and
// daylight-saving changes, and skips whole weeks elsewhere, so its cost
// grows with the number of those it crosses, not with d. Business time
// that does not fit before the end of year 9999 returns End.
func (s *Schedule) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	if s == nil {
		return t.Add(d)
	}
	var w walker
	w.init(s, t)
	ts := t.Unix()
	sec, ns := int64(d/time.Second), int64(d%time.Second)
	for {
		a, b, ok := w.span()
		if !ok {
			if !w.nextDay() {
				return end(t)
			}
			if k := w.clearWeeks(ts, math.MaxInt64); k > 0 {
				need := sec // the weeks skipped must leave some time to count
				if ns == 0 {
					need--
				}
				if k = min(k, need/w.week); k > 0 {
					w.skip(k)
					sec -= k * w.week
				}
			}
			continue
		}
		if b <= ts {
			continue
		}
		if a <= ts {
			// t is open: count whole seconds from the one t is in, and add
			// the part of it before t to what is left to count.
			a, ns = ts, ns+int64(t.Nanosecond())
			if ns >= int64(time.Second) {
				sec, ns = sec+1, ns-int64(time.Second)
			}
		}
		if n := b - a; n > sec || n == sec && ns == 0 {
			return time.Unix(a+sec, ns).In(t.Location())
		}
		sec -= b - a
	}
}

// Between returns the business time in [a, b): how much of it the team is
// open. It is 0 when b is not after a, and saturates at the largest
// time.Duration (about 292 years). Its cost grows like Add's.
func (s *Schedule) Between(a, b time.Time) time.Duration {
	if !a.Before(b) {
		return 0
	}
	if s == nil {
		return b.Sub(a)
	}
	var w walker
	w.init(s, a)
	as, bs := a.Unix(), b.Unix()
	af, bf := int64(a.Nanosecond()), int64(b.Nanosecond())
	stop := floorDiv(bs, day) + 3 // later days open after b
	var sec, ns int64
	for {
		x, y, ok := w.span()
		if !ok {
			if w.day >= stop || !w.nextDay() {
				break
			}
			if k := w.clearWeeks(as, bs); k > 0 {
				w.skip(k)
				sec += k * w.week
			}
			continue
		}
		if x > bs {
			break
		}
		// Whole seconds in [as, bs), then the parts of the seconds a and b
		// are in: before a (not counted), before b (counted).
		if lo, hi := max(x, as), min(y, bs); hi > lo {
			sec += hi - lo
		}
		if x <= as && as < y {
			ns -= af
		}
		if x <= bs && bs < y {
			ns += bf
		}
	}
	return saturate(sec, ns)
}

// saturate returns sec seconds and ns nanoseconds (|ns| < 1s) as a
// Duration, or the largest Duration if they are more.
func saturate(sec, ns int64) time.Duration {
	const maxSec, maxNs = math.MaxInt64 / int64(time.Second), math.MaxInt64 % int64(time.Second)
	if ns < 0 {
		sec, ns = sec-1, ns+int64(time.Second)
	}
	if sec > maxSec || sec == maxSec && ns > maxNs {
		return math.MaxInt64
	}
	return time.Duration(sec*int64(time.Second) + ns)
}
