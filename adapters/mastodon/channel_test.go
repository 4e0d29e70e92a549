package mastodon_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/mastodon"
	"github.com/cmkit/cmkit/adapters/mastodon/mastodontest"
	"github.com/cmkit/cmkit/cmkittest"
)

// TestRetryAfterIdempotencyWindow: within the window the server answers a
// retry with the first status; after it (the fake clock moved past one
// hour) a blind retry would post twice, and FindPost finds the post, so
// the publisher's lookup-then-retry never doubles.
func TestRetryAfterIdempotencyWindow(t *testing.T) {
	ctx := context.Background()
	clock := cmkittest.NewClock(monday)
	h := newHarness(t, mastodontest.Config{Clock: clock})

	p := cmkit.Post{ID: cmkit.NewID(), Text: "Winter catalogue is out"}
	h.srv.Inject(cmkittest.FaultLostResponse)
	_, err := h.ch.Publish(ctx, p)
	require.Error(t, err)
	assert.Equal(t, cmkit.Ambiguous, cmkit.Classify(err))
	assert.Equal(t, 1, h.srv.Count(p.ID.String()), "the lost response created the status")

	clock.Advance(59 * time.Minute) // inside the window: the key answers
	rc, err := h.ch.Publish(ctx, p)
	require.NoError(t, err)
	assert.Equal(t, 1, h.srv.Count(p.ID.String()))

	q := cmkit.Post{ID: cmkit.NewID(), Text: "Spring catalogue is out"}
	h.srv.Inject(cmkittest.FaultLostResponse)
	_, err = h.ch.Publish(ctx, q)
	require.Error(t, err)
	clock.Advance(mastodontest.IdempotencyWindow + time.Minute) // past the window
	found, err := h.ch.FindPost(ctx, q.ID)
	require.NoError(t, err, "after the window the lookup finds the post")
	assert.Equal(t, q.ID, found.PostID)
	assert.NotEqual(t, rc.PlatformID, found.PlatformID)
	assert.Equal(t, 1, h.srv.Count(q.ID.String()), "the lookup-then-retry does not double")

	// Without the lookup, the expired key no longer protects: what FindPost is for.
	_, err = h.ch.Publish(ctx, q)
	require.NoError(t, err)
	assert.Equal(t, 2, h.srv.Count(q.ID.String()), "the fake forgets keys after the window, as Mastodon does")
}

// TestFindPostSameText: two posts with the same text never claim one status.
func TestFindPostSameText(t *testing.T) {
	ctx := context.Background()
	clock := cmkittest.NewClock(monday)
	h := newHarness(t, mastodontest.Config{Clock: clock})
	a := cmkit.Post{ID: cmkit.NewID(), Text: "Same words"}
	b := cmkit.Post{ID: cmkit.NewID(), Text: "Same words"}
	_, err := h.ch.Publish(ctx, a)
	require.NoError(t, err)
	h.srv.Inject(cmkittest.FaultTransient)
	_, err = h.ch.Publish(ctx, b)
	require.Error(t, err)
	clock.Advance(2 * time.Hour)
	_, err = h.ch.FindPost(ctx, b.ID)
	assert.ErrorIs(t, err, cmkit.ErrNotFound, "a's status is a's, not b's")
	_, err = h.ch.FindPost(ctx, cmkit.NewID())
	assert.ErrorIs(t, err, cmkit.ErrNotFound)
}

// TestRateLimitHeaders: a 429 becomes a *cmkit.RateLimitError whose wait is
// X-RateLimit-Reset minus now.
func TestRateLimitHeaders(t *testing.T) {
	ctx := context.Background()
	clock := cmkittest.NewClock(monday.Add(90 * time.Second))
	h := newHarness(t, mastodontest.Config{Clock: clock, RateLimit: 1, RateWindow: 5 * time.Minute})
	_, err := h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "one"})
	require.NoError(t, err)
	_, err = h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "two"})
	var rl *cmkit.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 210*time.Second, rl.RetryAfter, "the window resets at 08:05:00")
	assert.Equal(t, cmkit.Transient, cmkit.Classify(err))
}

// TestPublishChecksLimitsFirst: a post over Mastodon's count (a link counts
// 23) or with a media reference of another kind calls nothing.
func TestPublishChecksLimitsFirst(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, mastodontest.Config{})
	long := strings.Repeat("a", 478) + " https://example.com/" + strings.Repeat("x", 40) // 478+1+23 = 502
	_, err := h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: long})
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "pic", Media: []cmkit.Media{{Kind: cmkit.MediaImage, URL: "https://cdn/x.png"}}})
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "post.media[0].url", ve.Field)
	assert.Equal(t, 0, h.srv.Attempts(), "nothing was sent")
	fits := strings.Repeat("a", 476) + " https://example.com/" + strings.Repeat("x", 40) // 500
	_, err = h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: fits})
	assert.NoError(t, err)
}

// leakyTransport fails every request with an error that quotes the
// Authorization header, as a misbehaving proxy might.
type leakyTransport struct{}

func (leakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return nil, errors.New("proxy refused " + r.URL.String() + " with " + r.Header.Get("Authorization"))
}

// TestNoSecrets: neither errors (error bodies and transport errors quoting
// the token) nor log records carry the token.
func TestNoSecrets(t *testing.T) {
	ctx := context.Background()
	const token = "tok-SECRET-123"
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := newHarness(t, mastodontest.Config{Token: token, LeakToken: true}, func(c *mastodon.Config) { c.Logger = logger })
	var errs []error
	h.srv.Inject(cmkittest.FaultPermanent, cmkittest.FaultTransient)
	for range 2 {
		_, err := h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "x"})
		errs = append(errs, err)
	}
	errs = append(errs, h.ch.Delete(ctx, "999"))
	_, err := h.ch.Insights(ctx, "999")
	errs = append(errs, err)
	leaky, err := mastodon.New(mastodon.Config{Server: h.srv.URL(), Token: token, Logger: logger,
		HTTPClient: &http.Client{Transport: leakyTransport{}}})
	require.NoError(t, err)
	_, err = leaky.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "x"})
	errs = append(errs, err)
	_, err = leaky.FollowerCount(ctx)
	errs = append(errs, err)
	for _, err := range errs {
		require.Error(t, err)
		assert.NotContains(t, err.Error(), token)
	}
	assert.Contains(t, errs[0].Error(), "[REDACTED]")
	assert.NotEmpty(t, logs.String())
	assert.NotContains(t, logs.String(), token)
}

func TestConfig(t *testing.T) {
	for _, c := range []struct {
		cfg   mastodon.Config
		field string
	}{
		{mastodon.Config{Token: "t"}, "Server"},
		{mastodon.Config{Server: "mastodon.social", Token: "t"}, "Server"},
		{mastodon.Config{Server: "https://u:p@mastodon.social", Token: "t"}, "Server"},
		{mastodon.Config{Server: "https://mastodon.social"}, "Token"},
		{mastodon.Config{Server: "https://mastodon.social", Token: "a b"}, "Token"},
		{mastodon.Config{Server: "https://mastodon.social", Token: "t", Hide: 7}, "Hide"},
		{mastodon.Config{Server: "https://mastodon.social", Token: "t", LookupLimit: -1}, "LookupLimit"},
	} {
		_, err := mastodon.New(c.cfg)
		var ve *cmkit.ValidationError
		require.ErrorAs(t, err, &ve, "%+v", c.cfg)
		assert.Equal(t, c.field, ve.Field)
	}
	t.Setenv(mastodon.EnvServer, "https://mastodon.example")
	t.Setenv(mastodon.EnvToken, "abc")
	ch, err := mastodon.New(mastodon.FromEnv())
	require.NoError(t, err)
	assert.Equal(t, "mastodon:mastodon.example", ch.Info().ID)
	assert.Equal(t, cmkit.RetryAfterLookup, ch.Info().RetrySafety)
}

// TestHideAndReport: SetHidden mutes (or blocks) the author; Report files
// a report.
func TestHideAndReport(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, mastodontest.Config{})
	id := h.srv.AddMention("troll", "rude words", "")
	st, err := h.ch.ReadMentions(ctx, "", 10)
	require.NoError(t, err)
	require.Len(t, st.Mentions, 1)
	author := st.Mentions[0].Author.ID
	require.NoError(t, h.ch.SetHidden(ctx, id, true))
	assert.True(t, h.srv.Muted(author))
	require.NoError(t, h.ch.SetHidden(ctx, id, false))
	assert.False(t, h.srv.Muted(author))
	require.NoError(t, h.ch.Report(ctx, id, "abuse"))
	assert.Len(t, h.srv.Reports(), 1)
	b := newHarness(t, mastodontest.Config{}, func(c *mastodon.Config) { c.Hide = mastodon.HideBlock })
	id = b.srv.AddMention("troll", "rude", "")
	require.NoError(t, b.ch.SetHidden(ctx, id, true))
	st, err = b.ch.ReadMentions(ctx, "", 10)
	require.NoError(t, err)
	assert.True(t, b.srv.Blocked(st.Mentions[0].Author.ID))
}
