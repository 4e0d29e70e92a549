package mastodon_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/mastodon"
	"github.com/cmkit/cmkit/adapters/mastodon/mastodontest"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/internal/testbudget"
)

// monday is Monday 23 November 2026, 08:00 UTC, where the simulations start.
var monday = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// TestReliability runs cmkittest.TestPublishReliability over this adapter
// and mastodontest: 3,000 posts (1,000 under the race detector) published by
// four publishers sharing one store, one of them stopped mid-run and
// restarted under the same name, while the server fails 20% of status
// creations with 503, 5% by creating the status and dropping the
// connection, 2% with 422 and 1% by never answering until the call times
// out, and answers 429 past 40 creations a minute. The server forgets an
// Idempotency-Key after two minutes instead of an hour, so that most
// retries after an ambiguous failure come after the window and depend on
// FindPost. Afterwards every post is out exactly once, under a status with
// its text, or failed with its reason; none is lost, doubled, or left for
// a person.
func TestReliability(t *testing.T) {
	// This run used to stop at 300 posts: at 3,000 it never finished. The
	// clock moved 5 s per millisecond of real time whatever the calls
	// did, so a lookup reading dozens of pages over HTTP ran out of its
	// simulated call timeout, and with it every retry. Now the clock waits
	// for the calls (settle, below), and the run takes about 17 s.
	n, perMinute := 3_000, 40
	pace := 100 * time.Microsecond // real time per 5 s step of the clock
	if testbudget.Race {
		// The race detector slows the run about fourfold (65 s at 3,000
		// posts): 1,000 keep the module's go test -race well within CI's
		// budget.
		n = 1_000
	}
	const window = 2 * time.Minute
	clock := cmkittest.NewClock(monday)
	h := newHarness(t, mastodontest.Config{Clock: clock, Seed: 7, RateLimit: perMinute, RateWindow: time.Minute,
		ReadRateLimit: 1 << 30, IdempotencyWindow: window,
		Rates: cmkittest.FaultRates{Transient: 0.20, LostResponse: 0.05, Permanent: 0.02, Timeout: 0.01}},
		func(c *mastodon.Config) {
			// Lookups come up to hours after the first send, on an account
			// posting 40 statuses a minute: past DefaultLookupLimit, FindPost
			// says it cannot tell and the post goes to a person (as
			// documented), which this run must not need.
			c.LookupLimit = 20_000
		})
	// The clock moves only once no Publish or FindPost is in flight but
	// those whose status creation a timeout fault holds: a lookup reads
	// many pages over HTTP, in real time, and must not run out of its
	// simulated call timeout while doing so.
	ch := &counted{Channel: h.ch}
	settle := func() {
		for wait := 0; wait < 100_000 && ch.n.Load() > int64(h.srv.Held()); wait++ {
			time.Sleep(20 * time.Microsecond)
		}
	}

	res := cmkittest.TestPublishReliability(t, cmkittest.ReliabilityConfig{
		Clock: clock, Posts: n, Pace: pace, Settle: settle,
		Spread:    time.Duration(n) * 600 * time.Millisecond, // 100 a minute: past 40 a minute
		Publisher: func(c *calendar.PublisherConfig) { c.CallTimeout = time.Minute },
		Channels: []cmkittest.ReliabilityChannel{{
			Channel:   ch,
			Published: func(id uuid.UUID) int { return h.srv.Count(id.String()) },
			Check: func(v calendar.Variant, out int) error {
				if v.State != calendar.Sent {
					return nil
				}
				text, ok := h.srv.Text(v.Receipt.PlatformID)
				if !ok || text != v.Post.Text {
					return fmt.Errorf("its receipt names status %s, which holds %q (live: %t), not the post's text %q",
						v.Receipt.PlatformID, text, ok, v.Post.Text)
				}
				return nil
			},
		}},
	})
	late := res.LookupsAfter(window)
	t.Logf("%d lookups, %d of them past the idempotency window; %d status creations", res.Lookups, late, h.srv.Attempts())
	assert.Greater(t, res.States[calendar.Failed], 0, "2% permanent errors")
	assert.Greater(t, res.RateLimited, 0, "the server answered 429")
	assert.Greater(t, late, 0, "some lookups came after the idempotency window")
}

// counted is a channel that counts its Publish and FindPost calls in
// flight.
type counted struct {
	*mastodon.Channel
	n atomic.Int64
}

func (c *counted) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	c.n.Add(1)
	defer c.n.Add(-1)
	return c.Channel.Publish(ctx, p)
}

func (c *counted) FindPost(ctx context.Context, id uuid.UUID) (cmkit.Receipt, error) {
	c.n.Add(1)
	defer c.n.Add(-1)
	return c.Channel.FindPost(ctx, id)
}
