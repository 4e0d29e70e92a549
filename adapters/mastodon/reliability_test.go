package mastodon_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/mastodon/mastodontest"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/internal/testbudget"
	"github.com/cmkit/cmkit/roles"
)

// monday is Monday 23 November 2026, 08:00 UTC, where the simulations start.
var (
	monday = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	quiet  = slog.New(slog.DiscardHandler)
)

// TestReliability is calendar/reliability_test.go over this adapter and
// mastodontest instead of cmkittest's fake channel: 300 posts (150 under
// the race detector) published by four publishers sharing one store, one
// of them stopped mid-run and restarted under the same name, while the
// server fails 20% of status creations with 503, 5% by creating the status
// and dropping the connection, 2% with 422 and 1% by never answering until
// the call times out, and answers 429 past 40 creations a minute. The
// server forgets an Idempotency-Key after two minutes instead of an hour,
// so that most retries after an ambiguous failure come after the window
// and depend on FindPost. Afterwards every post is out exactly once or
// failed with its reason; none is lost, doubled, or left for a person.
func TestReliability(t *testing.T) {
	// 300 posts: at 3,000 the run did not finish within the test timeout
	// (not yet investigated; see the report of issue 18).
	n, perMinute := 300, 40
	// Each step is slower in real time than in the original, because
	// every call here is a real HTTP round trip, and a lookup reads
	// several pages: 60 s of simulated call timeout must be enough real
	// time for one.
	pace := time.Millisecond // real time per 5 s step of the clock
	if testbudget.Race {
		n, perMinute, pace = 150, 10, 4*time.Millisecond
	}
	ctx := context.Background()
	clock := cmkittest.NewClock(monday)
	h := newHarness(t, mastodontest.Config{Clock: clock, Seed: 7, RateLimit: perMinute, RateWindow: time.Minute,
		ReadRateLimit: 1 << 30, IdempotencyWindow: 2 * time.Minute,
		Rates: cmkittest.FaultRates{Transient: 0.20, LostResponse: 0.05, Permanent: 0.02, Timeout: 0.01}})

	store := calendar.NewMemoryStore()
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
	require.NoError(t, err)
	acme := roles.Scope{Brand: "acme"}
	require.NoError(t, dir.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "sam"}, {ID: "bea"}},
		Grants: []roles.Grant{{Member: "sam", Role: roles.SocialMediaManager, Scope: acme},
			{Member: "bea", Role: roles.SeniorCM, Scope: acme}}}))
	cal, err := calendar.New(store, calendar.WithTeam(dir), calendar.WithClock(clock),
		calendar.WithChannels(h.ch), calendar.WithLogger(quiet))
	require.NoError(t, err)

	entries := make([]calendar.Entry, n)
	for i := range n {
		at := monday.Add(time.Duration(i) * 600 * time.Millisecond) // 100 a minute: past 40 a minute
		e := calendar.Entry{ID: cmkit.NewID(), Title: "post", Author: "bea", Brand: "acme", State: calendar.Scheduled,
			At: at, DueAt: at, Variants: []calendar.Variant{{Channel: h.ch.Info().ID, State: calendar.Pending,
				Post: cmkit.Post{ID: cmkit.NewID(), Text: fmt.Sprintf("post %d", i)}}}}
		_, err := store.Put(ctx, e)
		require.NoError(t, err)
		entries[i] = e
	}

	newPub := func(name string, seed uint64) *calendar.Publisher {
		cfg := calendar.DefaultPublisherConfig()
		cfg.Name, cfg.Seed, cfg.Batch, cfg.Lease = name, seed, 25, 2*time.Minute
		cfg.MaxAttempts, cfg.Backoff, cfg.MaxBackoff = 12, 10*time.Second, 10*time.Minute
		cfg.MaxLate, cfg.CallTimeout = 0, time.Minute
		p, err := calendar.NewPublisher(cal, cfg)
		require.NoError(t, err)
		return p
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	run := func(ctx context.Context, p *calendar.Publisher) {
		defer wg.Done()
		for !stop.Load() && ctx.Err() == nil {
			if n, err := p.RunOnce(ctx); err != nil || n == 0 {
				time.Sleep(50 * time.Microsecond)
			}
		}
	}
	for i := range 3 {
		wg.Add(1)
		go run(ctx, newPub(fmt.Sprintf("p%d", i+1), uint64(i)))
	}
	p4ctx, stopP4 := context.WithCancel(ctx)
	defer stopP4()
	wg.Add(1)
	go run(p4ctx, newPub("p4", 4))

	pending := func() int {
		c := 0
		for _, err := range store.Query(ctx, calendar.Query{States: []calendar.State{calendar.Scheduled, calendar.Publishing}}) {
			require.NoError(t, err)
			c++
		}
		return c
	}
	restarted := false
	for step := 0; ; step++ {
		time.Sleep(pace)
		clock.Advance(5 * time.Second)
		if step == 300 && !restarted {
			stopP4() // stopped mid-run...
		}
		if step == 600 && !restarted {
			restarted = true // ...and restarted under the same name
			wg.Add(1)
			go run(ctx, newPub("p4", 44))
		}
		if step%100 == 99 && restarted && pending() == 0 {
			break
		}
		require.Less(t, step, 200_000, "the publishers never finished")
	}
	stop.Store(true)
	wg.Wait()

	counts := map[calendar.State]int{}
	limited, found, late := 0, 0, 0
	for _, want := range entries {
		e, err := store.Get(ctx, want.ID)
		require.NoError(t, err)
		counts[e.State]++
		v := e.Variants[0]
		first := time.Time{}
		for _, a := range v.Attempts {
			if a.RetryAfter > 0 {
				limited++
			}
			if first.IsZero() {
				first = a.At
			}
			if a.Outcome == calendar.OutcomeFound || a.Outcome == calendar.OutcomeAbsent {
				found++
				if a.At.Sub(first) > 2*time.Minute {
					late++
				}
			}
		}
		out := h.srv.Count(v.Post.ID.String())
		require.LessOrEqual(t, out, 1, "entry %s was doubled: %d posts", e.ID, out)
		switch v.State {
		case calendar.Sent:
			require.Equal(t, calendar.Published, e.State)
			require.Equal(t, 1, out, "entry %s is marked sent but is not on the platform", e.ID)
			require.Equal(t, v.Post.ID, v.Receipt.PostID)
			text, ok := h.srv.Text(v.Receipt.PlatformID)
			require.True(t, ok, "entry %s: its receipt names no live status", e.ID)
			require.Equal(t, v.Post.Text, text, "entry %s: its receipt names another post's status", e.ID)
		case calendar.Rejected, calendar.Dead:
			require.Equal(t, calendar.Failed, e.State)
			require.Equal(t, 0, out, "entry %s is marked failed but is out: %+v", e.ID, v.Attempts)
			require.NotEmpty(t, v.Error, "a failure says why")
		default:
			t.Fatalf("entry %s ended %s/%s (%+v): lost or left for a person", e.ID, e.State, v.State, v.Attempts)
		}
	}
	t.Logf("outcomes: %v; %d attempts rate-limited; %d lookups, %d of them past the idempotency window; %d status creations",
		counts, limited, found, late, h.srv.Attempts())
	assert.Greater(t, counts[calendar.Published], n*8/10)
	assert.Greater(t, counts[calendar.Failed], 0, "2% permanent errors")
	assert.Greater(t, limited, 0, "the server answered 429")
	assert.Greater(t, late, 0, "some lookups came after the idempotency window")
}
