package kpi

import (
	"context"
	"fmt"
	"time"

	"github.com/cmkit/cmkit"
)

// Flush writes every bucket that changed since a's last Flush or Load to
// st, in one PutBuckets, so a restart that Loads st loses nothing
// flushed. On error nothing is marked written, and a later Flush writes
// the same buckets again. cmkit.ErrConflict means another writer changed
// one of them since a read it: a flushes over nothing it did not read,
// and keeps conflicting on those buckets (one writer per series is the
// intended use).
//
// The buckets' days are those of a's zone: Load them into an Aggregator
// of the same zone.
func (a *Aggregator) Flush(ctx context.Context, st Store) error {
	var out []DayBucket
	for i := range a.series {
		s := &a.series[i]
		for j := range s.buckets {
			if b := &s.buckets[j]; b.dirty {
				d, err := s.stored(b)
				if err != nil {
					return err
				}
				out = append(out, d)
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	if err := st.PutBuckets(ctx, out); err != nil {
		return err
	}
	for i := range a.series {
		s := &a.series[i]
		for j := range s.buckets {
			if b := &s.buckets[j]; b.dirty {
				b.dirty = false
				b.version++
			}
		}
	}
	return nil
}

// stored returns b as a Store keeps it.
func (s *series) stored(b *dayBucket) (DayBucket, error) {
	d := DayBucket{Measure: s.key.m, Segment: s.key.s, Day: Period{kind: PeriodDay, first: b.day}, Version: b.version, Count: b.n, Sum: b.sum}
	switch s.kind {
	case MeasureSnapshot:
		d.First, d.Last = b.a, b.b
		d.FirstAt, d.LastAt = time.Unix(0, b.ta).UTC(), time.Unix(0, b.tb).UTC()
	case MeasureDistribution:
		d.Min, d.Max = b.a, b.b
		if b.sk != nil {
			sk, err := b.sk.MarshalBinary()
			if err != nil {
				return DayBucket{}, fmt.Errorf("kpi: the sketch of %s of %s on %s: %w", s.key.m, s.key.s, d.Day, err)
			}
			d.Sketch = sk
		}
	}
	return d, nil
}

// Load reads every bucket of st into a, as last flushed: a bucket a
// already holds is an error wrapping cmkit.ErrConflict, a bucket that
// fails DayBucket.Validate or whose sketch does not decode one wrapping
// cmkit.ErrInvalid, and on any error a is unchanged. Handles a returned
// before stay valid.
func (a *Aggregator) Load(ctx context.Context, st Store) error {
	type loaded struct {
		key seriesKey
		b   dayBucket
	}
	var in []loaded
	seen := map[bucketID]bool{}
	for d, err := range st.Buckets(ctx) {
		if err != nil {
			return err
		}
		if err := d.Validate(); err != nil {
			return fmt.Errorf("kpi: loading %s of %s on %s: %w", d.Measure, d.Segment, d.Day, err)
		}
		k := seriesKey{d.Measure, d.Segment}
		if d.Day.first < minAggDay || d.Day.first > maxAggDay {
			return cmkit.Invalid("day", "range", "%s of %s on %s is outside the years 1700 to 2199", d.Measure, d.Segment, d.Day)
		}
		if seen[idOf(d)] {
			return cmkit.Invalid("buckets", "unique", "the store yields %s of %s on %s twice", d.Measure, d.Segment, d.Day)
		}
		seen[idOf(d)] = true
		if h, ok := a.handle[k]; ok {
			if _, dup := a.series[h].index[d.Day.first]; dup {
				return cmkit.Errorf(cmkit.ErrConflict, "kpi: loading %s of %s on %s, which this Aggregator already holds", d.Measure, d.Segment, d.Day)
			}
		}
		b := dayBucket{day: d.Day.first, version: d.Version, n: d.Count, sum: d.Sum}
		switch k.m.Kind() {
		case MeasureSnapshot:
			b.a, b.b, b.ta, b.tb = d.First, d.Last, d.FirstAt.UnixNano(), d.LastAt.UnixNano()
		case MeasureDistribution:
			b.a, b.b = d.Min, d.Max
			if d.Sketch != nil {
				sk, err := sketches.unmarshal(d.Sketch)
				if err != nil {
					return fmt.Errorf("kpi: loading %s of %s on %s: %w", d.Measure, d.Segment, d.Day, err)
				}
				b.sk = sk
			}
		}
		in = append(in, loaded{k, b})
	}
	for _, l := range in {
		h, ok := a.handle[l.key]
		if !ok {
			h = a.intern(l.key)
		}
		s := &a.series[h]
		s.index[l.b.day] = int32(len(s.buckets))
		s.buckets = append(s.buckets, l.b)
	}
	return nil
}
