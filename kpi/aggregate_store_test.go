package kpi_test

import (
	"context"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/kpi"
)

// What was flushed survives a restart: a new Aggregator that Loads the
// store reads the same totals, and keeps adding to them.
func TestAggregatorFlushAndLoad(t *testing.T) {
	ctx := t.Context()
	loc := mustZone(t, "Europe/Madrid")
	st := kpi.NewMemoryStore()
	a := kpi.NewAggregator(loc)
	at := time.Date(2026, 3, 29, 10, 0, 0, 0, loc)
	add(t, a, kpi.Impressions, acmeES, at, 100)
	add(t, a, kpi.Followers, acmeES, at, 1000)
	add(t, a, kpi.Followers, acmeES, at.Add(time.Hour), 1002)
	add(t, a, kpi.ResponseTime, acmePL, at, 60)
	add(t, a, kpi.ResponseTime, acmePL, at.Add(24*time.Hour), 120)
	require.NoError(t, a.Flush(ctx, st))
	require.NoError(t, a.Flush(ctx, st), "nothing changed: nothing to write")
	add(t, a, kpi.Impressions, acmeES, at, 1)
	require.NoError(t, a.Flush(ctx, st), "a second flush writes the changed bucket at its version")
	add(t, a, kpi.Impressions, acmeES, at, 1000) // not flushed: lost

	b := kpi.NewAggregator(loc)
	h, err := b.Series(kpi.Posts, otherES)
	require.NoError(t, err)
	require.NoError(t, b.Load(ctx, st))
	require.NoError(t, b.Add(h, at, 1), "a handle from before Load")
	for _, p := range []string{"2026-W13", "2026-03", "2026-03-29"} {
		got, want := totals(t, b, kpi.Segment{Brand: "acme"}, p), totals(t, a, kpi.Segment{Brand: "acme"}, p)
		assert.Equal(t, want.Sum(kpi.Impressions)-1000, got.Sum(kpi.Impressions), p)
		for _, m := range []kpi.Measure{kpi.Followers, kpi.ResponseTime} {
			assert.Equal(t, want.Sum(m), got.Sum(m), "%s %s", p, m)
			assert.Equal(t, want.Count(m), got.Count(m), "%s %s", p, m)
		}
		wf, _ := want.First(kpi.Followers)
		gf, _ := got.First(kpi.Followers)
		wl, _ := want.Last(kpi.Followers)
		gl, _ := got.Last(kpi.Followers)
		assert.Equal(t, [2]float64{wf, wl}, [2]float64{gf, gl}, p)
		wq, _ := want.Quantile(kpi.ResponseTime, 0.5)
		gq, _ := got.Quantile(kpi.ResponseTime, 0.5)
		assert.Equal(t, wq, gq, p)
	}
	// The loaded Aggregator writes on at the stored versions; the first
	// one, now behind, conflicts and changes nothing.
	add(t, b, kpi.Impressions, acmeES, at, 5)
	require.NoError(t, b.Flush(ctx, st))
	assert.ErrorIs(t, a.Flush(ctx, st), cmkit.ErrConflict)
	c := kpi.NewAggregator(loc)
	require.NoError(t, c.Load(ctx, st))
	assert.Equal(t, 106.0, totals(t, c, acmeES, "2026-03-29").Sum(kpi.Impressions))
	// Loading twice is a conflict and changes nothing.
	assert.ErrorIs(t, c.Load(ctx, st), cmkit.ErrConflict)
	assert.Equal(t, 106.0, totals(t, c, acmeES, "2026-03-29").Sum(kpi.Impressions))
}

// badStore yields what it is given, as a broken store might.
type badStore struct {
	kpi.Store
	yield []kpi.DayBucket
}

func (s badStore) Buckets(context.Context) iter.Seq2[kpi.DayBucket, error] {
	return func(yield func(kpi.DayBucket, error) bool) {
		for _, b := range s.yield {
			if !yield(b, nil) {
				return
			}
		}
	}
}

func TestAggregatorLoadRefusesBadBuckets(t *testing.T) {
	day := mustPeriod(t, "2026-03-29")
	good := kpi.DayBucket{Measure: kpi.Posts, Segment: acmeES, Day: day, Version: 1, Count: 1, Sum: 1}
	for name, bs := range map[string][]kpi.DayBucket{
		"twice":        {good, good},
		"not a day":    {good, {Measure: kpi.Posts, Segment: acmeES, Day: mustPeriod(t, "2026-03"), Version: 1}},
		"bad measure":  {good, {Measure: "Posts", Segment: acmeES, Day: day, Version: 1}},
		"bad sketch":   {good, {Measure: kpi.ResponseTime, Segment: acmeES, Day: day, Version: 1, Count: 1, Sketch: []byte{1}}},
		"out of range": {good, {Measure: kpi.Posts, Segment: acmeES, Day: mustPeriod(t, "1066-10-14"), Version: 1}},
	} {
		a := kpi.NewAggregator(time.UTC)
		assert.ErrorIs(t, a.Load(t.Context(), badStore{yield: bs}), cmkit.ErrInvalid, name)
		assert.Zero(t, totals(t, a, kpi.Segment{}, "2026-03-29").Count(kpi.Posts), "%s: half loaded", name)
	}
}
