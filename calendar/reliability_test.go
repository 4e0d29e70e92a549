package calendar_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/internal/testbudget"
)

// TestReliability publishes 10,000 entries (2,000 under the race detector) over three channels (idempotent,
// lookup-only, neither) that fail 20% of calls transiently, 5% ambiguously
// after publishing, 2% permanently, and answer 429 past 40 posts a minute,
// with four publishers sharing one store, one of them stopped mid-run and
// restarted. Afterwards every post is out exactly once, or failed with its
// reason, or (only on the channel with neither capability) waits for a
// person to verify it. None is lost, none doubled.
func TestReliability(t *testing.T) {
	// The simulated clock moves 5 s per step whatever the publishers do;
	// the race detector slows them down, so under it the test publishes
	// fewer posts, waits longer per step and lowers the platforms' rate
	// limit, so that the platforms still answer 429.
	n, perMinute := 10_000, 40
	pace := 200 * time.Microsecond // real time per 5 s step of the clock
	if testbudget.Race {
		n, perMinute, pace = 2_000, 10, 2*time.Millisecond
	}
	ctx := context.Background()
	f := newFixture(t)
	rates := cmkittest.FaultRates{Transient: 0.20, LostResponse: 0.05, Permanent: 0.02}
	fakes := map[string]*cmkittest.FakeChannel{}
	var chans []cmkit.Channel
	for i, c := range []struct {
		id string
		rs cmkit.RetrySafety
	}{{"rel-idem", cmkit.RetryIdempotent}, {"rel-lookup", cmkit.RetryAfterLookup}, {"rel-neither", cmkit.RetryUnsafe}} {
		fake, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: f.clock, Seed: uint64(i + 7), Rates: rates,
			RateLimit: perMinute, RateWindow: time.Minute,
			Info: cmkit.ChannelInfo{ID: c.id, Platform: cmkit.Mastodon, Brand: "acme", RetrySafety: c.rs}})
		require.NoError(t, err)
		fakes[c.id] = fake
		chans = append(chans, fake)
	}
	cal, err := calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(chans...), calendar.WithLogger(quiet))
	require.NoError(t, err)

	ids := []string{"rel-idem", "rel-lookup", "rel-neither"}
	entries := make([]calendar.Entry, n)
	for i := range n {
		at := monday.Add(time.Duration(i%(n*18/100)) * time.Second) // half an hour for 10,000: past 40 a minute per channel
		e := calendar.Entry{ID: cmkit.NewID(), Title: "post", Author: "bea", Brand: "acme", State: calendar.Scheduled,
			At: at, DueAt: at, Variants: []calendar.Variant{{Channel: ids[i%3], State: calendar.Pending,
				Post: cmkit.Post{ID: cmkit.NewID(), Text: fmt.Sprintf("post %d", i)}}}}
		_, err := f.store.Put(ctx, e)
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
		for _, err := range f.store.Query(ctx, calendar.Query{States: []calendar.State{calendar.Scheduled, calendar.Publishing}}) {
			require.NoError(t, err)
			c++
		}
		return c
	}
	restarted := false
	for step := 0; ; step++ {
		time.Sleep(pace)
		f.clock.Advance(5 * time.Second)
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
	limited := 0
	for _, want := range entries {
		e, err := f.store.Get(ctx, want.ID)
		require.NoError(t, err)
		counts[e.State]++
		v := e.Variants[0]
		for _, a := range v.Attempts {
			if a.RetryAfter > 0 {
				limited++
			}
		}
		out := fakes[v.Channel].Count(v.Post.ID)
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
			require.Equal(t, "rel-neither", v.Channel, "only the channel with neither capability needs a person")
		default:
			t.Fatalf("entry %s ended %s/%s: lost", e.ID, e.State, v.State)
		}
	}
	t.Logf("outcomes: %v; %d attempts rate-limited; platform calls: idem %d, lookup %d, neither %d", counts, limited,
		fakes["rel-idem"].Attempts(), fakes["rel-lookup"].Attempts(), fakes["rel-neither"].Attempts())
	assert.Greater(t, counts[calendar.Published], n*8/10)
	assert.Greater(t, counts[calendar.Failed], 0, "2% permanent errors")
	assert.Greater(t, counts[calendar.Verify], 0, "5% ambiguous on the unsafe channel")
	assert.Greater(t, limited, 0, "the platforms answered 429")
}
