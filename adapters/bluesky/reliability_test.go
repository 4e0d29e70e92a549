package bluesky_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/bluesky"
	"github.com/cmkit/cmkit/adapters/bluesky/blueskytest"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/internal/testbudget"
	"github.com/cmkit/cmkit/roles"
)

// TestReliability is calendar's TestReliability (calendar/reliability_test.go)
// run over this adapter and the fake PDS instead of cmkittest's fake
// channels: createRecord fails 20% of calls with a 503, 5% by losing the
// answer after the record was made, 2% timeout after the request arrived
// (the PDS never answers; the publisher's CallTimeout ends the call), 2%
// permanently, and answers 429 with RateLimit-* headers past 40 posts a
// minute; every access token expires after 25 calls, so sessions are
// refreshed throughout. Four publishers share one store, one of them is
// stopped mid-run and restarted. Afterwards every post is out exactly once
// (the PDS holds exactly as many posts as the calendar marked sent, plus
// those waiting for a person, each under its key with its text), or failed
// with its reason and absent, or waits for a person (the calendar hands a
// refusal after an unknown outcome to a person, even on an idempotent
// channel); none is lost, none doubled.
func TestReliability(t *testing.T) {
	n, perMinute := 1_500, 40
	pace := 300 * time.Microsecond // real time per 5 s step of the clock
	if testbudget.Race {
		n, perMinute, pace = 400, 10, 2*time.Millisecond
	}
	ctx := context.Background()
	madrid, err := time.LoadLocation("Europe/Madrid")
	require.NoError(t, err)
	monday := time.Date(2026, 11, 23, 8, 0, 0, 0, madrid)
	quiet := slog.New(slog.DiscardHandler)
	clock := cmkittest.NewClock(monday)
	store := calendar.NewMemoryStore()
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
	require.NoError(t, err)
	require.NoError(t, dir.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "bea"}},
		Grants: []roles.Grant{{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
			{Member: "bea", Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme"}}},
	}))

	srv := blueskytest.NewServer(blueskytest.ServerConfig{Clock: clock, Seed: 7,
		Rates:     cmkittest.FaultRates{Transient: 0.20, LostResponse: 0.05, Timeout: 0.02, Permanent: 0.02},
		RateLimit: perMinute, RateWindow: time.Minute, ExpireAfter: 25})
	defer srv.Close()
	ch, err := bluesky.New(bluesky.Config{ID: "rel-bsky", Handle: srv.Handle(), AppPassword: srv.AppPassword(),
		PDS: srv.URL(), Brand: "acme", Clock: clock, Logger: quiet, HTTPClient: srv.Client()})
	require.NoError(t, err)
	cal, err := calendar.New(store, calendar.WithTeam(dir), calendar.WithClock(clock),
		calendar.WithChannels(ch), calendar.WithLogger(quiet))
	require.NoError(t, err)

	entries := make([]calendar.Entry, n)
	for i := range n {
		at := monday.Add(time.Duration(i%(n*18/100)) * time.Second)
		e := calendar.Entry{ID: cmkit.NewID(), Title: "post", Author: "bea", Brand: "acme", State: calendar.Scheduled,
			At: at, DueAt: at, Variants: []calendar.Variant{{Channel: "rel-bsky", State: calendar.Pending,
				Post: cmkit.Post{ID: cmkit.NewID(), Text: fmt.Sprintf("post %d #reliability", i)}}}}
		_, err := store.Put(ctx, e)
		require.NoError(t, err)
		entries[i] = e
	}

	newPub := func(name string, seed uint64) *calendar.Publisher {
		cfg := calendar.DefaultPublisherConfig()
		cfg.Name, cfg.Seed, cfg.Batch, cfg.Lease = name, seed, 25, 2*time.Minute
		cfg.MaxAttempts, cfg.Backoff, cfg.MaxBackoff = 12, 10*time.Second, 10*time.Minute
		cfg.MaxLate = 0
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
	limited, sent, verify := 0, 0, 0
	for _, want := range entries {
		e, err := store.Get(ctx, want.ID)
		require.NoError(t, err)
		counts[e.State]++
		v := e.Variants[0]
		for _, a := range v.Attempts {
			if a.RetryAfter > 0 {
				limited++
			}
		}
		key, err := bluesky.RecordKey(v.Post.ID)
		require.NoError(t, err)
		out := srv.Published(key)
		switch v.State {
		case calendar.Sent:
			sent++
			require.Equal(t, calendar.Published, e.State)
			require.Equal(t, 1, out, "entry %s is marked sent but is not on the platform", e.ID)
			require.Equal(t, v.Post.ID, v.Receipt.PostID)
			raw, ok := srv.Record(v.Receipt.PlatformID)
			require.True(t, ok, "the receipt names the record")
			var rec struct{ Text string }
			require.NoError(t, json.Unmarshal(raw, &rec))
			require.Equal(t, v.Post.Text, rec.Text)
		case calendar.Rejected, calendar.Dead:
			require.Equal(t, calendar.Failed, e.State)
			require.Equal(t, 0, out, "entry %s is marked failed but is out: %+v", e.ID, v.Attempts)
			require.NotEmpty(t, v.Error, "a failure says why")
		case calendar.Unknown:
			// The calendar's own rule: a refusal after an attempt that may
			// have published goes to a person, even on an idempotent
			// channel, and so does a post still unknown when its attempts
			// run out. Nothing is lost (a person verifies what the PDS
			// holds) and nothing doubled.
			verify++
			require.Equal(t, calendar.Verify, e.State)
			require.LessOrEqual(t, out, 1, "entry %s was doubled", e.ID)
			if out == 1 {
				t.Logf("entry %s waits for a person and is out (the person will find it): %+v", e.ID, v.Attempts)
			}
		default:
			t.Fatalf("entry %s ended %s/%s: lost (or waiting for a person on an idempotent channel): %s %+v", e.ID, e.State, v.State, v.Error, v.Attempts)
		}
	}
	require.LessOrEqual(t, srv.Posts(), sent+verify, "the PDS holds only the posts marked sent or waiting for a person: nothing doubled under another key")
	require.GreaterOrEqual(t, srv.Posts(), sent)
	created, refreshed := srv.Sessions()
	t.Logf("outcomes: %v (%d wait for a person); %d attempts rate-limited; createRecord calls %d, records made %d; sessions created %d, refreshed %d",
		counts, verify, limited, srv.Attempts(), srv.Creates(), created, refreshed)
	assert.Greater(t, counts[calendar.Published], n*8/10)
	assert.Greater(t, counts[calendar.Failed], 0, "2% permanent errors")
	assert.Greater(t, limited, 0, "the PDS answered 429")
	assert.Greater(t, refreshed, 0, "tokens expired mid-run")
}
