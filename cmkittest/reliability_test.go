package cmkittest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
)

// reliabilityRates is the calendar's fault mix.
var reliabilityRates = cmkittest.FaultRates{Transient: 0.20, LostResponse: 0.05, Permanent: 0.02}

// reliabilityFake makes a fake platform for a reliability run on clock.
func reliabilityFake(t *testing.T, clock *cmkittest.Clock, id string, seed uint64, rs cmkit.RetrySafety) *cmkittest.FakeChannel {
	t.Helper()
	return newFake(t, cmkittest.FakeConfig{Clock: clock, Seed: seed, Rates: reliabilityRates, RateLimit: 40, RateWindow: time.Minute,
		Info: cmkit.ChannelInfo{ID: id, Platform: cmkit.Mastodon, Brand: "acme", RetrySafety: rs}})
}

// An honest fake of each kind passes, and the result counts what the run
// saw: every entry is in Entries and in States, the platforms answered
// 429, and the channel with neither capability left posts for a person.
func TestPublishReliabilityPassesHonestChannels(t *testing.T) {
	clock := cmkittest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
	var chans []cmkittest.ReliabilityChannel
	for i, rs := range []cmkit.RetrySafety{cmkit.RetryIdempotent, cmkit.RetryAfterLookup, cmkit.RetryUnsafe} {
		f := reliabilityFake(t, clock, "rel-"+rs.String(), uint64(i+7), rs)
		chans = append(chans, cmkittest.ReliabilityChannel{Channel: f, Published: f.Count,
			Total: func() int { return len(f.Posts()) }})
	}
	res := cmkittest.TestPublishReliability(t, cmkittest.ReliabilityConfig{Clock: clock, Posts: 600, Channels: chans})
	require.Len(t, res.Entries, 600)
	sum := 0
	for _, n := range res.States {
		sum += n
	}
	assert.Equal(t, 600, sum)
	assert.Greater(t, res.States[calendar.Published], 480)
	assert.Greater(t, res.States[calendar.Failed], 0)
	assert.Greater(t, res.States[calendar.Verify], 0)
	assert.Greater(t, res.RateLimited, 0)
	assert.Greater(t, res.Lookups, 0, "the lookup channel was asked")
	assert.GreaterOrEqual(t, res.Steps, 699, "the restart comes at step 600")
	assert.LessOrEqual(t, res.LookupsAfter(0), res.Lookups)
	assert.Equal(t, 0, res.LookupsAfter(365*24*time.Hour))
}

// Deliberately broken channels, each wrong in one way, to show that
// TestPublishReliability fails them.

// dropsSome answers one post in sixteen with a receipt without publishing
// it: lost.
type dropsSome struct{ *cmkittest.FakeChannel }

func (d dropsSome) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	if p.ID[15]%16 == 0 {
		return cmkit.Receipt{PostID: p.ID, ChannelID: d.Info().ID, PlatformID: "nowhere"}, nil
	}
	return d.FakeChannel.Publish(ctx, p)
}

// strays publishes, with one post in sixteen, a second copy under a fresh
// ID: the post itself is out once, but the platform holds one too many.
type strays struct{ *cmkittest.FakeChannel }

func (s strays) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	rc, err := s.FakeChannel.Publish(ctx, p)
	if err == nil && p.ID[15]%16 == 0 {
		extra := p
		extra.ID = uuid.New()
		_, _ = s.FakeChannel.Publish(ctx, extra)
	}
	return rc, err
}

// failsAll refuses every post: nothing is lost or doubled, but nothing is
// published either.
type failsAll struct{ *cmkittest.FakeChannel }

func (f failsAll) Publish(context.Context, cmkit.Post) (cmkit.Receipt, error) {
	return cmkit.Receipt{}, cmkit.Errorf(cmkit.ErrPermanent, "refused")
}

// refusesAfterPublishing publishes one post in sixteen and then reports
// a permanent refusal: failed, but out.
type refusesAfterPublishing struct{ *cmkittest.FakeChannel }

func (r refusesAfterPublishing) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	rc, err := r.FakeChannel.Publish(ctx, p)
	if err == nil && p.ID[15]%16 == 0 {
		return cmkit.Receipt{}, cmkit.Errorf(cmkit.ErrPermanent, "refused")
	}
	return rc, err
}

// wrongReceipt answers one post in sixteen with a receipt for another
// post ID.
type wrongReceipt struct{ *cmkittest.FakeChannel }

func (w wrongReceipt) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	rc, err := w.FakeChannel.Publish(ctx, p)
	if err == nil && p.ID[15]%16 == 0 {
		rc.PostID = uuid.New()
	}
	return rc, err
}

// lookupFails claims lookups (RetryAfterLookup) but every lookup fails, so
// every ambiguous failure ends with a person, on a channel that promised
// not to need one.
type lookupFails struct{ *cmkittest.FakeChannel }

func (l lookupFails) FindPost(context.Context, uuid.UUID) (cmkit.Receipt, error) {
	return cmkit.Receipt{}, cmkit.Errorf(cmkit.ErrAmbiguous, "cannot tell")
}

var brokenReliability = map[string]struct {
	safety cmkit.RetrySafety // of the fake underneath
	wrap   func(*cmkittest.FakeChannel) cmkit.Channel
	want   string // in the failure
}{
	"double-poster":            {cmkit.RetryUnsafe, func(f *cmkittest.FakeChannel) cmkit.Channel { return doublePoster{f} }, "doubled"},
	"drops-some":               {cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return dropsSome{f} }, "marked sent but not on the platform: lost"},
	"strays":                   {cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return strays{f} }, "a post was published under another ID"},
	"refuses-after-publishing": {cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return refusesAfterPublishing{f} }, "marked failed but out on the platform"},
	"wrong-receipt":            {cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return wrongReceipt{f} }, "the receipt is for post"},
	"lookup-fails":             {cmkit.RetryAfterLookup, func(f *cmkittest.FakeChannel) cmkit.Channel { return lookupFails{f} }, "waits for a person on a channel that must not need one"},
	"fails-all":                {cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return failsAll{f} }, "0 of 300 posts published, want at least 240"},
}

const brokenReliabilityEnv = "CMKITTEST_BROKEN_RELIABILITY"

// TestPublishReliabilityCatchesBrokenChannels runs TestPublishReliability
// on each broken channel in a child process and checks that it fails, and
// says why.
func TestPublishReliabilityCatchesBrokenChannels(t *testing.T) {
	if name := os.Getenv(brokenReliabilityEnv); name != "" {
		b := brokenReliability[name]
		clock := cmkittest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
		f := reliabilityFake(t, clock, "broken", 7, b.safety)
		cmkittest.TestPublishReliability(t, cmkittest.ReliabilityConfig{Clock: clock, Posts: 300,
			Channels: []cmkittest.ReliabilityChannel{{Channel: b.wrap(f), Published: f.Count,
				Total: func() int { return len(f.Posts()) }}}})
		return
	}
	for name, b := range brokenReliability {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out, err := runChild("^TestPublishReliabilityCatchesBrokenChannels$", brokenReliabilityEnv, name)
			require.Error(t, err, "the harness passed a broken channel:\n%s", out)
			assert.Contains(t, string(out), "--- FAIL: TestPublishReliabilityCatchesBrokenChannels ")
			assert.Contains(t, string(out), b.want)
			assert.NotContains(t, string(out), "panic:")
		})
	}
}

// A config the harness cannot run fails the test with the field named.
func TestPublishReliabilityRejectsBadConfig(t *testing.T) {
	if name := os.Getenv(badReliabilityEnv); name != "" {
		clock := cmkittest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
		f := reliabilityFake(t, clock, "ok", 7, cmkit.RetryIdempotent)
		ok := cmkittest.ReliabilityChannel{Channel: f, Published: f.Count}
		cfg := map[string]cmkittest.ReliabilityConfig{
			"no-clock":     {Posts: 1, Channels: []cmkittest.ReliabilityChannel{ok}},
			"no-channels":  {Clock: clock, Posts: 1},
			"no-posts":     {Clock: clock, Channels: []cmkittest.ReliabilityChannel{ok}},
			"no-published": {Clock: clock, Posts: 1, Channels: []cmkittest.ReliabilityChannel{{Channel: f}}},
			"same-id":      {Clock: clock, Posts: 1, Channels: []cmkittest.ReliabilityChannel{ok, ok}},
			"min-above-1":  {Clock: clock, Posts: 1, Channels: []cmkittest.ReliabilityChannel{ok}, MinPublished: 2},
		}[name]
		cmkittest.TestPublishReliability(t, cfg)
		return
	}
	for name, want := range map[string]string{
		"no-clock": "ReliabilityConfig.Clock is required", "no-channels": "ReliabilityConfig.Channels: at least one",
		"no-posts": "ReliabilityConfig.Posts must be positive, not 0", "no-published": "Channels[0]: Channel and Published are required",
		"same-id": `Channels[1]: channel ID "ok" is used twice`, "min-above-1": "MinPublished must be within [0, 1], not 2",
	} {
		t.Run(name, func(t *testing.T) {
			out, err := runChild("^TestPublishReliabilityRejectsBadConfig$", badReliabilityEnv, name)
			require.Error(t, err, "the harness ran a bad config:\n%s", out)
			assert.Contains(t, string(out), want)
			assert.False(t, strings.Contains(string(out), "steps:"), "nothing ran")
		})
	}
}

const badReliabilityEnv = "CMKITTEST_BAD_RELIABILITY_CONFIG"

// SettleHTTP's settle waits while more requests are in flight through its
// transport than held says a fault holds, and returns once they are not.
func TestSettleHTTP(t *testing.T) {
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	}))
	defer srv.Close()
	var heldNow, polls atomic.Int64
	transport, settle := cmkittest.SettleHTTP(nil, func() int {
		if polls.Add(1) == 3 {
			close(release) // settle polled three times with the request in flight: answer it
		}
		return int(heldNow.Load())
	})
	client := &http.Client{Transport: transport}

	settle() // nothing in flight
	assert.Equal(t, int64(1), polls.Load(), "nothing in flight: one look")

	done := make(chan error, 1)
	go func() {
		resp, err := client.Get(srv.URL)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-entered
	heldNow.Store(1)
	polls.Store(-100) // no release while the request counts as held
	settle()
	assert.Equal(t, int64(-99), polls.Load(), "the one request in flight is held: one look")

	heldNow.Store(0)
	polls.Store(0)
	settle()
	assert.GreaterOrEqual(t, polls.Load(), int64(3), "settle waited for the request")
	require.NoError(t, <-done)
}
