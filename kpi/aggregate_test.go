package kpi_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/kpi"
)

var (
	acmeES  = kpi.Segment{Brand: "acme", Platform: "mastodon", Channel: "es", Country: "ES"}
	acmePL  = kpi.Segment{Brand: "acme", Platform: "mastodon", Channel: "pl", Country: "PL"}
	otherES = kpi.Segment{Brand: "other", Platform: "bluesky", Channel: "o", Country: "ES"}
)

// add records v of m in seg at at, failing the test on error.
func add(t *testing.T, a *kpi.Aggregator, m kpi.Measure, seg kpi.Segment, at time.Time, v float64) {
	t.Helper()
	h, err := a.Series(m, seg)
	require.NoError(t, err)
	require.NoError(t, a.Add(h, at, v))
}

func totals(t *testing.T, a *kpi.Aggregator, seg kpi.Segment, p string) kpi.Totals {
	t.Helper()
	tot, err := a.Totals(seg, mustPeriod(t, p))
	require.NoError(t, err)
	return tot
}

// A brand's totals are the sum of its channels', and everything's the sum
// of the brands', for every kind of measure.
func TestAggregatorRollUpIsTheSumOfItsParts(t *testing.T) {
	loc := mustZone(t, "Europe/Warsaw")
	a := kpi.NewAggregator(loc)
	day := func(d, h int) time.Time { return time.Date(2026, 5, d, h, 0, 0, 0, loc) }
	add(t, a, kpi.Impressions, acmeES, day(4, 9), 100)
	add(t, a, kpi.Impressions, acmeES, day(5, 9), 50)
	add(t, a, kpi.Impressions, acmePL, day(6, 9), 30)
	add(t, a, kpi.Impressions, otherES, day(7, 9), 7)
	add(t, a, kpi.Followers, acmeES, day(4, 9), 1000)
	add(t, a, kpi.Followers, acmeES, day(10, 9), 1010)
	add(t, a, kpi.Followers, acmePL, day(5, 9), 500)
	add(t, a, kpi.Followers, acmePL, day(6, 9), 490)
	add(t, a, kpi.Followers, otherES, day(8, 9), 70)
	for _, v := range []float64{60, 120, 600} {
		add(t, a, kpi.ResponseTime, acmeES, day(4, 10), v)
	}
	add(t, a, kpi.ResponseTime, acmePL, day(9, 10), 30)

	es, pl, other := totals(t, a, acmeES, "2026-W19"), totals(t, a, acmePL, "2026-W19"), totals(t, a, otherES, "2026-W19")
	acme, all := totals(t, a, kpi.Segment{Brand: "acme"}, "2026-W19"), totals(t, a, kpi.Segment{}, "2026-W19")
	spain := totals(t, a, kpi.Segment{Country: "ES"}, "2026-W19")

	assert.Equal(t, 150.0, es.Sum(kpi.Impressions))
	assert.Equal(t, 180.0, acme.Sum(kpi.Impressions))
	assert.Equal(t, 187.0, all.Sum(kpi.Impressions))
	assert.Equal(t, 157.0, spain.Sum(kpi.Impressions))
	for _, m := range []kpi.Measure{kpi.Impressions, kpi.Followers, kpi.ResponseTime} {
		assert.Equal(t, es.Sum(m)+pl.Sum(m), acme.Sum(m), "%s", m)
		assert.Equal(t, es.Count(m)+pl.Count(m), acme.Count(m), "%s", m)
		assert.Equal(t, acme.Sum(m)+other.Sum(m), all.Sum(m), "%s", m)
		assert.Equal(t, acme.Count(m)+other.Count(m), all.Count(m), "%s", m)
	}
	// Snapshots: each series' first and last reading in the week, summed.
	// Week 19 is May 4 to 10: acme/es reads 1000 then 1010, acme/pl 500
	// then 490.
	first, ok := acme.First(kpi.Followers)
	assert.True(t, ok)
	assert.Equal(t, 1500.0, first)
	last, _ := acme.Last(kpi.Followers)
	assert.Equal(t, 1500.0, last)
	last, _ = all.Last(kpi.Followers)
	assert.Equal(t, 1570.0, last)
	assert.Equal(t, int64(5), all.Count(kpi.Followers))
	// Distributions: count, sum, extremes and the median.
	assert.Equal(t, int64(4), acme.Count(kpi.ResponseTime))
	assert.Equal(t, 810.0, acme.Sum(kpi.ResponseTime))
	// The sketch answers within 1% (sketch.DefaultAlpha) for the sample
	// of rank floor(q·(n-1)); the extremes are exact.
	for q, want := range map[float64]float64{0.5: 60, 0.75: 120} {
		v, ok := acme.Quantile(kpi.ResponseTime, q)
		assert.True(t, ok)
		assert.InEpsilon(t, want, v, 0.01, "q=%v", q)
	}
	for q, want := range map[float64]float64{0: 30, 1: 600} {
		v, ok := acme.Quantile(kpi.ResponseTime, q)
		assert.True(t, ok)
		assert.Equal(t, want, v, "q=%v", q)
	}
	_, ok = acme.Quantile(kpi.ResponseTime, 1.5)
	assert.False(t, ok, "q outside [0,1]")
	_, ok = acme.Quantile(kpi.Impressions, 0.5)
	assert.False(t, ok, "not a distribution")
	_, ok = acme.First(kpi.Impressions)
	assert.False(t, ok, "not a snapshot")
	// A day inside the week: only its buckets.
	assert.Equal(t, 100.0, totals(t, a, acmeES, "2026-05-04").Sum(kpi.Impressions))
	// The month holds the same as the week here.
	assert.Equal(t, all.Sum(kpi.Impressions), totals(t, a, kpi.Segment{}, "2026-05").Sum(kpi.Impressions))
}

// Readings arrive out of order: the first and last are by time, not by
// arrival.
func TestAggregatorSnapshotsByTime(t *testing.T) {
	a := kpi.NewAggregator(time.UTC)
	at := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	add(t, a, kpi.Followers, acmeES, at, 10)
	add(t, a, kpi.Followers, acmeES, at.Add(-time.Hour), 9)
	add(t, a, kpi.Followers, acmeES, at.Add(time.Hour), 12)
	add(t, a, kpi.Followers, acmeES, at.Add(30*time.Minute), 11)
	tot := totals(t, a, acmeES, "2026-06-01")
	first, _ := tot.First(kpi.Followers)
	last, _ := tot.Last(kpi.Followers)
	assert.Equal(t, [2]float64{9, 12}, [2]float64{first, last})
}

// Events around Madrid's 23-hour day fall in the day of their local
// date, and the day's totals are those of its 23 hours.
func TestAggregatorAcrossDST(t *testing.T) {
	for _, tc := range []struct {
		zone, day string
		hours     int
	}{
		{"Europe/Madrid", "2026-03-29", 23},
		{"Europe/Madrid", "2026-10-25", 25},
		{"Europe/Warsaw", "2026-03-29", 23},
		{"America/New_York", "2026-03-08", 23},
		{"America/New_York", "2026-11-01", 25},
		{"America/Havana", "2026-03-08", 23}, // no midnight that day
		{"America/Santiago", "2026-09-06", 23},
	} {
		loc := mustZone(t, tc.zone)
		a := kpi.NewAggregator(loc)
		assert.Equal(t, loc, a.Location())
		p := mustPeriod(t, tc.day)
		// One impression per hour from an hour before the day to an hour
		// after it: 1 + hours + 1 events.
		for at := p.Start(loc).Add(-time.Hour); at.Before(p.End(loc).Add(time.Hour)); at = at.Add(time.Hour) {
			add(t, a, kpi.Impressions, acmeES, at, 1)
		}
		assert.Equal(t, float64(tc.hours), totals(t, a, acmeES, tc.day).Sum(kpi.Impressions), "%s in %s", tc.day, tc.zone)
		assert.Equal(t, 1.0, totals(t, a, acmeES, p.Prev().String()).Sum(kpi.Impressions))
		assert.Equal(t, 1.0, totals(t, a, acmeES, p.Next().String()).Sum(kpi.Impressions))
		week := kpi.PeriodOf(kpi.PeriodWeek, p.Start(loc), loc)
		// Every change is on a Sunday: the hour after it is next week's.
		assert.Equal(t, float64(tc.hours+1), totals(t, a, kpi.Segment{}, week.String()).Sum(kpi.Impressions))
	}
}

// ISO week 53 of 2026 runs from Monday 2026-12-28 to Sunday 2027-01-03:
// it takes days from two months, quarters and years.
func TestAggregatorISOWeek53(t *testing.T) {
	loc := mustZone(t, "Europe/Madrid")
	a := kpi.NewAggregator(loc)
	for _, d := range []struct {
		y    int
		m    time.Month
		d    int
		v    float64
		hour int
	}{{2026, 12, 27, 1, 23}, {2026, 12, 28, 10, 0}, {2026, 12, 31, 20, 23}, {2027, 1, 1, 30, 0}, {2027, 1, 3, 40, 23}, {2027, 1, 4, 500, 0}} {
		add(t, a, kpi.Posts, acmeES, time.Date(d.y, d.m, d.d, d.hour, 30, 0, 0, loc), d.v)
	}
	assert.Equal(t, 100.0, totals(t, a, kpi.Segment{}, "2026-W53").Sum(kpi.Posts))
	assert.Equal(t, 1.0, totals(t, a, kpi.Segment{}, "2026-W52").Sum(kpi.Posts))
	assert.Equal(t, 500.0, totals(t, a, kpi.Segment{}, "2027-W01").Sum(kpi.Posts))
	assert.Equal(t, 31.0, totals(t, a, kpi.Segment{}, "2026-12").Sum(kpi.Posts))
	assert.Equal(t, 31.0, totals(t, a, kpi.Segment{}, "2026-Q4").Sum(kpi.Posts))
	assert.Equal(t, 570.0, totals(t, a, kpi.Segment{}, "2027-Q1").Sum(kpi.Posts))
}

// A period, segment or measure with nothing recorded reads as zero and
// "no value".
func TestAggregatorEmptyPeriods(t *testing.T) {
	a := kpi.NewAggregator(nil)
	assert.Equal(t, time.UTC, a.Location())
	add(t, a, kpi.Followers, acmeES, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), 3)
	add(t, a, kpi.ResponseTime, acmeES, time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC), 3)
	for _, tot := range []kpi.Totals{
		totals(t, a, acmeES, "2026-W03"),
		totals(t, a, otherES, "2026-W02"),
		totals(t, a, acmeES, "2025-Q4"),
	} {
		for _, m := range []kpi.Measure{kpi.Followers, kpi.ResponseTime, kpi.Posts} {
			assert.Zero(t, tot.Sum(m))
			assert.Zero(t, tot.Count(m))
			_, ok := tot.First(m)
			assert.False(t, ok)
			_, ok = tot.Last(m)
			assert.False(t, ok)
			_, ok = tot.Quantile(m, 0.5)
			assert.False(t, ok)
		}
	}
}

func TestAggregatorRefusesBadInput(t *testing.T) {
	a := kpi.NewAggregator(time.UTC)
	_, err := a.Series("Bad Name", acmeES)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	h, err := a.Series(kpi.Posts, acmeES)
	require.NoError(t, err)
	h2, err := a.Series(kpi.Posts, acmeES)
	require.NoError(t, err)
	assert.Equal(t, h, h2, "one handle per series")
	at := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	for _, err := range []error{
		a.Add(h+1, at, 1),
		a.Add(h, at, math.NaN()),
		a.Add(h, at, math.Inf(1)),
		a.Add(h, time.Date(1699, 12, 31, 23, 0, 0, 0, time.UTC), 1),
		a.Add(h, time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), 1),
	} {
		assert.ErrorIs(t, err, cmkit.ErrInvalid)
	}
	rt, err := a.Series(kpi.ResponseTime, acmeES)
	require.NoError(t, err)
	assert.ErrorIs(t, a.Add(rt, at, -1), cmkit.ErrInvalid, "a negative sample")
	assert.Zero(t, totals(t, a, acmeES, "2026-01-05").Count(kpi.ResponseTime), "the refused sample was counted")
	_, err = a.Totals(kpi.Segment{}, kpi.Period{})
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}

// Add allocates nothing while its instants stay in days already seen.
func TestAggregatorAddDoesNotAllocate(t *testing.T) {
	a := kpi.NewAggregator(mustZone(t, "Europe/Madrid"))
	at := time.Date(2026, 3, 29, 12, 0, 0, 0, time.UTC)
	hs := make([]kpi.SeriesHandle, 0, 3)
	for _, m := range []kpi.Measure{kpi.Posts, kpi.Followers, kpi.ResponseTime} {
		h, err := a.Series(m, acmeES)
		require.NoError(t, err)
		require.NoError(t, a.Add(h, at, 1))
		hs = append(hs, h)
	}
	allocs := testing.AllocsPerRun(100, func() {
		_ = a.Add(hs[0], at, 1)
		_ = a.Add(hs[1], at.Add(-time.Hour), 1)
		_ = a.Add(hs[0], at.Add(-13*time.Hour), 1) // the day before
	})
	assert.Zero(t, allocs)
}
