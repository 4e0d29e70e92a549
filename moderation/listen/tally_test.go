package listen

import (
	"fmt"
	"math/rand"
	"sync"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func tallyListener(t *testing.T, n int) *Listener {
	t.Helper()
	qs := make([]SavedQuery, n)
	for i := range qs {
		qs[i] = SavedQuery{ID: fmt.Sprint("q", i), Query: fmt.Sprint("w", i)}
	}
	l, err := Compile(qs)
	require.NoError(t, err)
	return l
}

type bucketCount struct {
	start time.Time
	n     int64
}

func collect(t *testing.T, tl *Tally, id string, from, to time.Time) []bucketCount {
	t.Helper()
	seq, err := tl.Counts(id, from, to)
	require.NoError(t, err)
	var out []bucketCount
	for s, n := range seq {
		out = append(out, bucketCount{s, n})
	}
	return out
}

func TestTallyHours(t *testing.T) {
	tl, err := NewTally(tallyListener(t, 2), TallyConfig{})
	require.NoError(t, err)
	h := func(hour, min int) time.Time { return time.Date(2026, 3, 1, hour, min, 0, 0, time.UTC) }
	for _, c := range []struct {
		at time.Time
		qs []int
	}{{h(9, 0), []int{0}}, {h(9, 59), []int{0, 1}}, {h(10, 0), []int{1}}, {h(12, 30), []int{0, 0}}} {
		ok, err := tl.Add(c.at, c.qs)
		require.NoError(t, err)
		require.True(t, ok)
	}
	assert.Equal(t, []bucketCount{{h(9, 0), 2}, {h(10, 0), 0}, {h(11, 0), 0}, {h(12, 0), 2}},
		collect(t, tl, "q0", h(9, 0), h(23, 0)), "empty buckets are reported, future ones are not")
	assert.Len(t, collect(t, tl, "q0", time.Time{}, h(23, 0)), 720, "the retained buckets, the ones before the first mention empty")
	assert.Equal(t, []bucketCount{{h(10, 0), 1}, {h(11, 0), 0}}, collect(t, tl, "q1", h(9, 30), h(12, 0)),
		"buckets that start in [from, to)")
	assert.Empty(t, collect(t, tl, "q1", h(12, 0), h(12, 0)))
	assert.Empty(t, collect(t, tl, "q1", h(13, 0), h(11, 0)), "to before from")

	// Early stop.
	seq, err := tl.Counts("q0", h(0, 0), h(23, 0))
	require.NoError(t, err)
	seen := 0
	for range seq {
		seen++
		break
	}
	assert.Equal(t, 1, seen)

	_, err = tl.Counts("nope", h(0, 0), h(1, 0))
	assert.ErrorIs(t, err, cmkit.ErrNotFound)
}

func TestTallyDaysFollowTheLocation(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	require.NoError(t, err)
	tl, err := NewTally(tallyListener(t, 1), TallyConfig{Bucket: 24 * time.Hour, Location: madrid, Retain: 10})
	require.NoError(t, err)
	// 2026-03-29 is 23 hours long in Madrid (02:00 becomes 03:00).
	for _, at := range []time.Time{
		time.Date(2026, 3, 28, 23, 59, 0, 0, madrid),
		time.Date(2026, 3, 29, 0, 0, 0, 0, madrid),
		time.Date(2026, 3, 29, 23, 59, 0, 0, madrid),
		time.Date(2026, 3, 29, 22, 30, 0, 0, time.UTC), // 00:30 on the 30th in Madrid
	} {
		_, err := tl.Add(at, []int{0})
		require.NoError(t, err)
	}
	got := collect(t, tl, "q0", time.Date(2026, 3, 28, 0, 0, 0, 0, madrid), time.Date(2026, 3, 31, 0, 0, 0, 0, madrid))
	require.Len(t, got, 3)
	assert.Equal(t, []int64{1, 2, 1}, []int64{got[0].n, got[1].n, got[2].n})
	assert.True(t, got[1].start.Equal(time.Date(2026, 3, 29, 0, 0, 0, 0, madrid)))
	assert.Equal(t, 23*time.Hour, got[2].start.Sub(got[1].start), "the day the clocks change is 23 hours long")
}

func TestTallyRetention(t *testing.T) {
	tl, err := NewTally(tallyListener(t, 1), TallyConfig{Bucket: time.Hour, Retain: 3})
	require.NoError(t, err)
	h := func(hour int) time.Time { return time.Date(2026, 3, 1, hour, 0, 0, 0, time.UTC) }
	add := func(at time.Time) bool {
		ok, err := tl.Add(at, []int{0})
		require.NoError(t, err)
		return ok
	}
	assert.True(t, add(h(5)))
	assert.True(t, add(h(3)), "within the 3 retained buckets")
	assert.False(t, add(h(2)), "older than the retained buckets")
	assert.True(t, add(h(6)))
	assert.Equal(t, []bucketCount{{h(4), 0}, {h(5), 1}, {h(6), 1}}, collect(t, tl, "q0", h(0), h(24)),
		"the bucket of 03:00 left the window")
	assert.True(t, add(h(20)))
	assert.Equal(t, []bucketCount{{h(18), 0}, {h(19), 0}, {h(20), 1}}, collect(t, tl, "q0", h(0), h(24)),
		"a jump clears everything")
}

func TestTallyBeforeTheEpoch(t *testing.T) {
	tl, err := NewTally(tallyListener(t, 1), TallyConfig{Bucket: time.Hour, Retain: 5})
	require.NoError(t, err)
	t0 := time.Date(1969, 12, 31, 22, 30, 0, 0, time.UTC)
	for _, at := range []time.Time{t0, t0.Add(time.Hour), t0.Add(2 * time.Hour)} {
		_, err := tl.Add(at, []int{0})
		require.NoError(t, err)
	}
	got := collect(t, tl, "q0", t0.Add(-30*time.Minute), t0.Add(3*time.Hour))
	assert.Equal(t, []bucketCount{
		{time.Date(1969, 12, 31, 22, 0, 0, 0, time.UTC), 1},
		{time.Date(1969, 12, 31, 23, 0, 0, 0, time.UTC), 1},
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), 1},
	}, utc(got))
}

func utc(bs []bucketCount) []bucketCount {
	for i := range bs {
		bs[i].start = bs[i].start.UTC()
	}
	return bs
}

func TestTallyConfigErrors(t *testing.T) {
	l := tallyListener(t, 2)
	for _, c := range []struct {
		cfg   TallyConfig
		field string
	}{
		{TallyConfig{Bucket: 7 * time.Minute}, "Bucket"},
		{TallyConfig{Bucket: 30 * time.Second}, "Bucket"},
		{TallyConfig{Bucket: 48 * time.Hour}, "Bucket"},
		{TallyConfig{Bucket: 90 * time.Second}, "Bucket"},
		{TallyConfig{Retain: -1}, "Retain"},
		{TallyConfig{Retain: maxCounters}, "Retain"},
	} {
		_, err := NewTally(l, c.cfg)
		var ve *cmkit.ValidationError
		require.ErrorAs(t, err, &ve, "%+v", c.cfg)
		assert.Equal(t, c.field, ve.Field)
	}
	for _, b := range []time.Duration{time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour} {
		_, err := NewTally(l, TallyConfig{Bucket: b})
		assert.NoError(t, err, b)
	}
	tl, err := NewTally(l, TallyConfig{})
	require.NoError(t, err)
	ok, err := tl.Add(time.Now(), []int{0, 2})
	assert.False(t, ok)
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "matched[1]", ve.Field)
	assert.Empty(t, collectAll(t, tl, "q0"), "nothing was counted")
}

func collectAll(t *testing.T, tl *Tally, id string) []bucketCount {
	var out []bucketCount
	for _, b := range collect(t, tl, id, time.Time{}, time.Date(3000, 1, 1, 0, 0, 0, 0, time.UTC)) {
		if b.n != 0 {
			out = append(out, b)
		}
	}
	return out
}

func TestShareOfVoice(t *testing.T) {
	tl, err := NewTally(tallyListener(t, 4), TallyConfig{})
	require.NoError(t, err)
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	from, to := t0, t0.Add(24*time.Hour)

	// No mention yet: every share is 0.
	got, err := tl.ShareOfVoice("q0", []string{"q1", "q2"}, from, to)
	require.NoError(t, err)
	assert.Equal(t, []Share{{QueryID: "q0"}, {QueryID: "q1"}, {QueryID: "q2"}}, got)

	for i, qs := range [][]int{{0}, {0}, {0, 1}, {1}, {2}, {3}, {0}} {
		_, err := tl.Add(t0.Add(time.Duration(i)*time.Hour), qs)
		require.NoError(t, err)
	}
	_, err = tl.Add(t0.Add(30*time.Hour), []int{1, 1, 1}) // outside [from, to)
	require.NoError(t, err)
	got, err = tl.ShareOfVoice("q0", []string{"q1", "q2"}, from, to)
	require.NoError(t, err)
	// q0 4, q1 2, q2 1: the mention matched by q0 and q1 counts for both.
	assert.Equal(t, []Share{{"q0", 4, 4.0 / 7}, {"q1", 2, 2.0 / 7}, {"q2", 1, 1.0 / 7}}, got)
	sum := 0.0
	for _, s := range got {
		sum += s.Share
	}
	assert.InDelta(t, 1, sum, 1e-12)

	// Alone, the brand has all of the voice.
	got, err = tl.ShareOfVoice("q3", nil, from, to)
	require.NoError(t, err)
	assert.Equal(t, []Share{{"q3", 1, 1}}, got)

	_, err = tl.ShareOfVoice("q0", []string{"q1", "nope"}, from, to)
	assert.ErrorIs(t, err, cmkit.ErrNotFound)
	_, err = tl.ShareOfVoice("q0", []string{"q1", "q0"}, from, to)
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "competitorQueries[1]", ve.Field)
	assert.Equal(t, "duplicate", ve.Rule)
}

// TestTallySimulation adds mentions at random instants (mostly forward,
// sometimes late, sometimes far ahead) to a Tally and to a model that
// keeps every count, and after every step checks that what the Tally
// reports is the model's count for each retained bucket, and that the
// shares add up.
func TestTallySimulation(t *testing.T) {
	for seed := int64(1); seed <= 30; seed++ {
		rng := rand.New(rand.NewSource(seed))
		nq := 1 + rng.Intn(4)
		retain := 1 + rng.Intn(6)
		bucket := []time.Duration{time.Minute, 15 * time.Minute, time.Hour}[rng.Intn(3)]
		tl, err := NewTally(tallyListener(t, nq), TallyConfig{Bucket: bucket, Retain: retain})
		require.NoError(t, err)
		model := map[[2]int64]int64{} // (query, bucket) -> count
		var head int64
		started := false
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(-time.Duration(rng.Intn(1e6)) * time.Second)
		for step := 0; step < 300; step++ {
			switch r := rng.Intn(20); {
			case r < 14:
				now = now.Add(time.Duration(rng.Intn(int(2 * bucket))))
			case r < 18:
				now = now.Add(-time.Duration(rng.Intn(int(bucket) * (retain + 2))))
			default:
				now = now.Add(time.Duration(rng.Intn(int(bucket) * (retain + 5))))
			}
			var qs []int
			for k := rng.Intn(3); k >= 0; k-- {
				qs = append(qs, rng.Intn(nq))
			}
			b := floorDiv(now.Unix(), int64(bucket/time.Second))
			ok, err := tl.Add(now, qs)
			require.NoError(t, err)
			if !started || b > head {
				head, started = b, true
			}
			wantOK := b > head-int64(retain)
			require.Equal(t, wantOK, ok, "seed %d step %d", seed, step)
			if ok {
				for _, q := range qs {
					model[[2]int64{int64(q), b}]++
				}
			}
			// Invariants: every retained bucket holds the model's count;
			// buckets are consecutive and end at head; shares add up.
			far := now.Add(1000 * bucket)
			var ids []string
			var total int64
			for q := 0; q < nq; q++ {
				id := fmt.Sprint("q", q)
				ids = append(ids, id)
				got := collect(t, tl, id, time.Time{}, far)
				require.Len(t, got, retain, "seed %d step %d", seed, step)
				for k, bc := range got {
					bi := head - int64(retain) + 1 + int64(k)
					require.True(t, bc.start.Equal(time.Unix(bi*int64(bucket/time.Second), 0)), "seed %d step %d", seed, step)
					require.Equal(t, model[[2]int64{int64(q), bi}], bc.n, "seed %d step %d query %d bucket %d", seed, step, q, bi)
					total += bc.n
				}
			}
			shares, err := tl.ShareOfVoice(ids[0], ids[1:], time.Time{}, far)
			require.NoError(t, err)
			sum := 0.0
			var counted int64
			for _, s := range shares {
				sum += s.Share
				counted += s.Count
			}
			require.Equal(t, total, counted)
			if total > 0 {
				require.InDelta(t, 1, sum, 1e-9)
			} else {
				require.Zero(t, sum)
			}
		}
	}
}

func TestTallyConcurrentAdds(t *testing.T) {
	tl, err := NewTally(tallyListener(t, 3), TallyConfig{Bucket: time.Minute, Retain: 100})
	require.NoError(t, err)
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				_, err := tl.Add(t0.Add(time.Duration(i%50)*time.Minute), []int{g % 3})
				assert.NoError(t, err)
				if i%100 == 0 {
					_, err := tl.ShareOfVoice("q0", []string{"q1", "q2"}, t0, t0.Add(time.Hour))
					assert.NoError(t, err)
				}
			}
		}()
	}
	wg.Wait()
	shares, err := tl.ShareOfVoice("q0", []string{"q1", "q2"}, t0, t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, []int64{1000, 500, 500}, []int64{shares[0].Count, shares[1].Count, shares[2].Count})
}
