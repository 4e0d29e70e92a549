package webhook_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/webhook"
	"github.com/cmkit/cmkit/adapters/webhook/webhooktest"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/internal/testbudget"
	"github.com/cmkit/cmkit/roles"
)

// TestReliability is the calendar's TestReliability (calendar/
// reliability_test.go) over webhook channels and their endpoints: it
// publishes 10,000 entries (2,000 under the race detector) over three
// channels whose endpoints promise idempotency, lookups only, or neither
// (the last two publish a repeated key twice), and fail 20% of POSTs with
// a 503, 5% by losing the answer after publishing, 2% with a 422 and 2% by
// holding the request, received and never applied, until the publisher's
// call times out; they answer 429 with Retry-After past 40 posts a minute.
// Four publishers share one store, one of them stopped mid-run and
// restarted. Afterwards every post is out exactly once, or failed with its
// reason, or (only on the channel with neither promise) waits for a person
// to verify it. None is lost, none doubled.
func TestReliability(t *testing.T) {
	n, perMinute := 10_000, 40
	pace := 200 * time.Microsecond // real time per 5 s step of the clock
	if testbudget.Race {
		n, perMinute, pace = 2_000, 10, 2*time.Millisecond
	}
	ctx := context.Background()
	monday := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	clock := cmkittest.NewClock(monday)
	quiet := slog.New(slog.DiscardHandler)
	store := calendar.NewMemoryStore()
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
	require.NoError(t, err)
	acme := roles.Scope{Brand: "acme"}
	require.NoError(t, dir.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "sam"}, {ID: "bea"}},
		Grants: []roles.Grant{{Member: "sam", Role: roles.SocialMediaManager, Scope: acme},
			{Member: "bea", Role: roles.SeniorCM, Scope: acme}}}))

	rates := cmkittest.FaultRates{Transient: 0.20, LostResponse: 0.05, Permanent: 0.02, Timeout: 0.02}
	// HTTP calls take real time, and the publisher's call timeout is 30 s
	// of the simulated clock, a few steps: the clock moves only once no
	// call is in flight but those an injected timeout holds, which end
	// only when the clock moves.
	var inflight atomic.Int64
	client := &http.Client{Transport: countingTransport{&inflight, http.DefaultTransport},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	servers := map[string]*webhooktest.Server{}
	var chans []cmkit.Channel
	for i, c := range []struct {
		id      string
		promise webhook.Promise
	}{{"rel-idem", webhook.PromiseIdempotent}, {"rel-lookup", webhook.PromiseLookup}, {"rel-neither", webhook.PromiseNone}} {
		s := newServer(t, webhooktest.ServerConfig{Clock: clock, Seed: uint64(i + 7), Rates: rates,
			RateLimit: perMinute, RateWindow: time.Minute, Double: c.promise != webhook.PromiseIdempotent,
			Seen: &webhook.MemorySeen{Clock: clock}})
		servers[c.id] = s
		ch, err := webhook.New(webhook.Config{Info: cmkit.ChannelInfo{ID: c.id, Platform: "intranet", Brand: "acme"},
			Promise: c.promise, URL: s.URL(), Secret: secret, Clock: clock, Client: client})
		require.NoError(t, err)
		chans = append(chans, ch)
	}
	cal, err := calendar.New(store, calendar.WithTeam(dir), calendar.WithClock(clock),
		calendar.WithChannels(chans...), calendar.WithLogger(quiet))
	require.NoError(t, err)

	ids := []string{"rel-idem", "rel-lookup", "rel-neither"}
	entries := make([]calendar.Entry, n)
	for i := range n {
		at := monday.Add(time.Duration(i%(n*18/100)) * time.Second)
		e := calendar.Entry{ID: cmkit.NewID(), Title: "post", Author: "bea", Brand: "acme", State: calendar.Scheduled,
			At: at, DueAt: at, Variants: []calendar.Variant{{Channel: ids[i%3], State: calendar.Pending,
				Post: cmkit.Post{ID: cmkit.NewID(), Text: fmt.Sprintf("post %d", i)}}}}
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
		for wait := 0; wait < 20_000 && inflight.Load() > int64(held(servers)); wait++ {
			time.Sleep(50 * time.Microsecond)
		}
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
	limited, heldThenRefused := 0, 0
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
		out := servers[v.Channel].Count(v.Post.ID)
		require.LessOrEqual(t, out, 1, "entry %s was doubled: %d posts", e.ID, out)
		switch v.State {
		case calendar.Sent:
			require.Equal(t, calendar.Published, e.State)
			require.Equal(t, 1, out, "entry %s is marked sent but is not on the platform", e.ID)
			require.Equal(t, v.Post.ID, v.Receipt.PostID)
		case calendar.Rejected, calendar.Dead:
			require.Equal(t, calendar.Failed, e.State)
			require.Equal(t, 0, out, "entry %s on %s is marked failed but is out: %+v", e.ID, v.Channel, v.Attempts)
			require.NotEmpty(t, v.Error, "a failure says why")
			require.NotEmpty(t, v.Attempts)
		case calendar.Unknown:
			require.Equal(t, calendar.Verify, e.State)
			if v.Channel != "rel-neither" {
				// Unlike the original's, this mix holds requests until they
				// time out: an attempt the endpoint received and never
				// applied, which the publisher cannot tell from one it
				// applied. A refusal after it leaves the post for a person
				// on any channel; it is not out.
				require.Equal(t, 0, out, "entry %s waits for a person but is out", e.ID)
				require.True(t, slices.ContainsFunc(v.Attempts, func(a calendar.Attempt) bool {
					return a.Outcome == calendar.OutcomeAmbiguous
				}), "entry %s on %s needs a person without an ambiguous attempt: %s %+v", e.ID, v.Channel, v.Error, v.Attempts)
				heldThenRefused++
			}
		default:
			t.Fatalf("entry %s ended %s/%s: lost", e.ID, e.State, v.State)
		}
	}
	t.Logf("outcomes: %v (%d to verify on the safe channels); %d attempts rate-limited; endpoint POSTs: idem %d, lookup %d, neither %d", counts, heldThenRefused, limited,
		servers["rel-idem"].Attempts(), servers["rel-lookup"].Attempts(), servers["rel-neither"].Attempts())
	assert.Greater(t, counts[calendar.Published], n*8/10)
	assert.Greater(t, counts[calendar.Failed], 0, "2% permanent errors")
	assert.Greater(t, counts[calendar.Verify], 0, "ambiguous failures on the unsafe channel")
	assert.Greater(t, limited, 0, "the endpoints answered 429")
}

// countingTransport counts the requests in flight.
type countingTransport struct {
	n    *atomic.Int64
	base http.RoundTripper
}

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.n.Add(1)
	defer t.n.Add(-1)
	return t.base.RoundTrip(r)
}

// held counts the requests the servers hold for a timeout fault.
func held(servers map[string]*webhooktest.Server) int {
	n := 0
	for _, s := range servers {
		n += s.Held()
	}
	return n
}
