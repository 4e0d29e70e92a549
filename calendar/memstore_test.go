package calendar_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"

	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
)

func TestMemoryStore(t *testing.T) {
	cmkittest.TestCalendarStore(t, func(*testing.T) calendar.Store { return calendar.NewMemoryStore() })
}

// Period queries walk the day index; they must select exactly what a scan
// selects, at day edges and after entries move.
func TestMemoryStorePeriodIndexMatchesAScan(t *testing.T) {
	ctx := context.Background()
	s := calendar.NewMemoryStore()
	rng := rand.New(rand.NewPCG(3, 4))
	var all []calendar.Entry
	for range 500 {
		at := benchT0.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour)))).Truncate(time.Hour)
		if rng.IntN(10) == 0 {
			at = at.Truncate(24 * time.Hour) // exactly midnight UTC
		}
		e, err := s.Put(ctx, calendar.Entry{ID: cmkit.NewID(), Title: "e", At: at,
			Variants: []calendar.Variant{{Channel: "c"}}})
		require.NoError(t, err)
		all = append(all, e)
	}
	for i := 0; i < len(all); i += 7 { // move some entries to another day
		all[i].At = all[i].At.Add(-36 * time.Hour)
		e, err := s.Put(ctx, all[i])
		require.NoError(t, err)
		all[i] = e
	}
	for range 50 {
		from := benchT0.Add(time.Duration(rng.Int64N(int64(400 * 24 * time.Hour))))
		to := from.Add(time.Duration(rng.Int64N(int64(60 * 24 * time.Hour))))
		if rng.IntN(4) == 0 {
			from, to = from.Truncate(24*time.Hour), to.Truncate(24*time.Hour)
		}
		want := 0
		for _, e := range all {
			if !e.At.Before(from) && e.At.Before(to) {
				want++
			}
		}
		got := 0
		for _, err := range s.Query(ctx, calendar.Query{From: from, To: to}) {
			require.NoError(t, err)
			got++
		}
		assert.Equal(t, want, got, "[%s, %s)", from, to)
	}
}
