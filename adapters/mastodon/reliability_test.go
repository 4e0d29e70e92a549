package mastodon_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/cmkit/cmkit/adapters/mastodon/mastodontest"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/internal/testbudget"
)

// monday is Monday 23 November 2026, 08:00 UTC, where the simulations start.
var monday = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// TestReliability runs cmkittest.TestPublishReliability over this adapter
// and mastodontest: 300 posts (150 under the race detector) published by
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
	const window = 2 * time.Minute
	clock := cmkittest.NewClock(monday)
	h := newHarness(t, mastodontest.Config{Clock: clock, Seed: 7, RateLimit: perMinute, RateWindow: time.Minute,
		ReadRateLimit: 1 << 30, IdempotencyWindow: window,
		Rates: cmkittest.FaultRates{Transient: 0.20, LostResponse: 0.05, Permanent: 0.02, Timeout: 0.01}})

	res := cmkittest.TestPublishReliability(t, cmkittest.ReliabilityConfig{
		Clock: clock, Posts: n, Pace: pace,
		Spread:    time.Duration(n) * 600 * time.Millisecond, // 100 a minute: past 40 a minute
		Publisher: func(c *calendar.PublisherConfig) { c.CallTimeout = time.Minute },
		Channels: []cmkittest.ReliabilityChannel{{
			Channel:   h.ch,
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
