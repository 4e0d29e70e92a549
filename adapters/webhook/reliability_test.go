package webhook_test

import (
	"fmt"
	"net/http"
	"slices"
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
)

// TestReliability runs cmkittest.TestPublishReliability over webhook
// channels and their endpoints: it publishes 10,000 entries (2,000 under
// the race detector) over three channels whose endpoints promise
// idempotency, lookups only, or neither (the last two publish a repeated
// key twice), and fail 20% of POSTs with a 503, 5% by losing the answer
// after publishing, 2% with a 422 and 2% by holding the request, received
// and never applied, until the publisher's call times out; they answer 429
// with Retry-After past 40 posts a minute. Four publishers share one store,
// one of them stopped mid-run and restarted. Afterwards every post is out
// exactly once, or failed with its reason, or waits for a person to verify
// it: on the channel with neither promise after any ambiguous attempt, on
// the others only after a held request (then it is not out) or a lookup
// that failed (then it may be out, once). None is lost, none doubled.
func TestReliability(t *testing.T) {
	n, perMinute := 10_000, 40
	pace := 200 * time.Microsecond // real time per 5 s step of the clock
	if testbudget.Race {
		n, perMinute, pace = 2_000, 10, 2*time.Millisecond
	}
	clock := cmkittest.NewClock(time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC))
	rates := cmkittest.FaultRates{Transient: 0.20, LostResponse: 0.05, Permanent: 0.02, Timeout: 0.02}
	// HTTP calls take real time, and the publisher's call timeout is 30 s
	// of the simulated clock, a few steps: the clock moves only once no
	// call is in flight but those an injected timeout holds, which end
	// only when the clock moves.
	servers := map[string]*webhooktest.Server{}
	transport, settle := cmkittest.SettleHTTP(nil, func() int { return held(servers) })
	client := &http.Client{Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var chans []cmkittest.ReliabilityChannel
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
		chans = append(chans, cmkittest.ReliabilityChannel{Channel: ch, Published: s.Count,
			// Unlike the calendar's, this mix holds requests until they
			// time out: an attempt the endpoint received and never applied,
			// which the publisher cannot tell from one it applied. A
			// refusal after it leaves the post for a person on any channel;
			// on the safe ones it is not out, unless a lookup failed (it
			// timed out, on a loaded machine), which proves nothing either
			// way and also leaves the post for a person.
			MayVerify: true,
			Check: func(v calendar.Variant, out int) error {
				lookupFailed := slices.ContainsFunc(v.Attempts, func(a calendar.Attempt) bool {
					return a.Outcome == calendar.OutcomeLookupFailed
				})
				if v.State == calendar.Unknown && c.promise != webhook.PromiseNone && out != 0 && !lookupFailed {
					return fmt.Errorf("waits for a person but is out: %+v", v.Attempts)
				}
				return nil
			}})
	}
	res := cmkittest.TestPublishReliability(t, cmkittest.ReliabilityConfig{Clock: clock, Posts: n, Pace: pace, Channels: chans,
		Settle: settle})
	t.Logf("endpoint POSTs: idem %d, lookup %d, neither %d",
		servers["rel-idem"].Attempts(), servers["rel-lookup"].Attempts(), servers["rel-neither"].Attempts())
	assert.Greater(t, res.States[calendar.Failed], 0, "2% permanent errors")
	assert.Greater(t, res.States[calendar.Verify], 0, "ambiguous failures on the unsafe channel")
	assert.Greater(t, res.RateLimited, 0, "the endpoints answered 429")
}

// held counts the requests the servers hold for a timeout fault.
func held(servers map[string]*webhooktest.Server) int {
	n := 0
	for _, s := range servers {
		n += s.Held()
	}
	return n
}
