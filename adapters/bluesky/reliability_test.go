package bluesky_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit/adapters/bluesky"
	"github.com/cmkit/cmkit/adapters/bluesky/blueskytest"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/internal/testbudget"
)

// TestReliability runs cmkittest.TestPublishReliability over this adapter
// and the fake PDS: createRecord fails 20% of calls with a 503, 5% by
// losing the answer after the record was made, 2% timeout after the
// request arrived (the PDS never answers; the publisher's CallTimeout ends
// the call), 2% permanently, and answers 429 with RateLimit-* headers past
// 40 posts a minute; every access token expires after 25 calls, so
// sessions are refreshed throughout. Four publishers share one store, one
// of them is stopped mid-run and restarted. Afterwards every post is out
// exactly once (the PDS holds exactly as many posts as the calendar marked
// sent, plus those waiting for a person, each under its key with its
// text), or failed with its reason and absent, or waits for a person (the
// calendar hands a refusal after an unknown outcome to a person, even on an
// idempotent channel); none is lost, none doubled.
func TestReliability(t *testing.T) {
	n, perMinute := 1_500, 40
	pace := 300 * time.Microsecond // real time per 5 s step of the clock
	if testbudget.Race {
		n, perMinute, pace = 400, 10, 2*time.Millisecond
	}
	madrid, err := time.LoadLocation("Europe/Madrid")
	require.NoError(t, err)
	clock := cmkittest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, madrid))
	srv := blueskytest.NewServer(blueskytest.ServerConfig{Clock: clock, Seed: 7,
		Rates:     cmkittest.FaultRates{Transient: 0.20, LostResponse: 0.05, Timeout: 0.02, Permanent: 0.02},
		RateLimit: perMinute, RateWindow: time.Minute, ExpireAfter: 25})
	defer srv.Close()
	ch, err := bluesky.New(bluesky.Config{ID: "rel-bsky", Handle: srv.Handle(), AppPassword: srv.AppPassword(),
		PDS: srv.URL(), Brand: "acme", Clock: clock, Logger: slog.New(slog.DiscardHandler), HTTPClient: srv.Client()})
	require.NoError(t, err)

	res := cmkittest.TestPublishReliability(t, cmkittest.ReliabilityConfig{
		Clock: clock, Posts: n, Pace: pace,
		Text: func(i int) string { return fmt.Sprintf("post %d #reliability", i) },
		Channels: []cmkittest.ReliabilityChannel{{
			Channel: ch,
			Published: func(id uuid.UUID) int {
				key, err := bluesky.RecordKey(id)
				require.NoError(t, err)
				return srv.Published(key)
			},
			Total: srv.Posts,
			// The calendar's own rule: a refusal after an attempt that may
			// have published goes to a person, even on an idempotent
			// channel. Nothing is lost (a person verifies what the PDS
			// holds) and nothing doubled.
			MayVerify: true,
			Check: func(v calendar.Variant, _ int) error {
				if v.State != calendar.Sent {
					return nil
				}
				raw, ok := srv.Record(v.Receipt.PlatformID)
				var rec struct{ Text string }
				if !ok || json.Unmarshal(raw, &rec) != nil || rec.Text != v.Post.Text {
					return fmt.Errorf("its receipt names record %s, which holds %s, not the post's text %q", v.Receipt.PlatformID, raw, v.Post.Text)
				}
				return nil
			},
		}},
	})
	created, refreshed := srv.Sessions()
	t.Logf("createRecord calls %d, records made %d; sessions created %d, refreshed %d", srv.Attempts(), srv.Creates(), created, refreshed)
	assert.Greater(t, res.States[calendar.Failed], 0, "2% permanent errors")
	assert.Greater(t, res.RateLimited, 0, "the PDS answered 429")
	assert.Greater(t, refreshed, 0, "tokens expired mid-run")
}
