package calendar_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/internal/testbudget"
)

// TestReliability runs cmkittest.TestPublishReliability over cmkittest's
// fake channels: it publishes 10,000 entries (2,000 under the race
// detector) over three channels (idempotent, lookup-only, neither) that
// fail 20% of calls transiently, 5% ambiguously after publishing, 2%
// permanently, and answer 429 past 40 posts a minute, with four publishers
// sharing one store, one of them stopped mid-run and restarted. Afterwards every post is out exactly once, or failed with its
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
	clock := cmkittest.NewClock(monday)
	rates := cmkittest.FaultRates{Transient: 0.20, LostResponse: 0.05, Permanent: 0.02}
	fakes := map[string]*cmkittest.FakeChannel{}
	var chans []cmkittest.ReliabilityChannel
	for i, c := range []struct {
		id string
		rs cmkit.RetrySafety
	}{{"rel-idem", cmkit.RetryIdempotent}, {"rel-lookup", cmkit.RetryAfterLookup}, {"rel-neither", cmkit.RetryUnsafe}} {
		fake, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Seed: uint64(i + 7), Rates: rates,
			RateLimit: perMinute, RateWindow: time.Minute,
			Info: cmkit.ChannelInfo{ID: c.id, Platform: cmkit.Mastodon, Brand: "acme", RetrySafety: c.rs}})
		require.NoError(t, err)
		fakes[c.id] = fake
		// Only the channel with neither capability may leave posts for a
		// person (the harness allows that on a RetryUnsafe channel only,
		// unless MayVerify is set).
		chans = append(chans, cmkittest.ReliabilityChannel{Channel: fake, Published: fake.Count,
			Total: func() int { return len(fake.Posts()) }})
	}
	// Half an hour for 10,000 (180 ms a post, the harness's default
	// spread): past 40 a minute per channel.
	res := cmkittest.TestPublishReliability(t, cmkittest.ReliabilityConfig{Clock: clock, Posts: n, Pace: pace, Channels: chans})
	t.Logf("platform calls: idem %d, lookup %d, neither %d",
		fakes["rel-idem"].Attempts(), fakes["rel-lookup"].Attempts(), fakes["rel-neither"].Attempts())
	assert.Greater(t, res.States[calendar.Failed], 0, "2% permanent errors")
	assert.Greater(t, res.States[calendar.Verify], 0, "5% ambiguous on the unsafe channel")
	assert.Greater(t, res.RateLimited, 0, "the platforms answered 429")
}
