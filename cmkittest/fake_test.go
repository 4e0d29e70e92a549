package cmkittest_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
)

func newFake(t *testing.T, cfg cmkittest.FakeConfig) *cmkittest.FakeChannel {
	t.Helper()
	if cfg.Info.ID == "" {
		cfg.Info.ID = "acme-es-x"
	}
	f, err := cmkittest.NewFakeChannel(cfg)
	require.NoError(t, err)
	return f
}

// The fake passes the conformance suite in each retry-safety mode, with
// every capability switched off, and behind a decorator that hides nothing.
func TestFakeChannelConformance(t *testing.T) {
	for _, rs := range []cmkit.RetrySafety{cmkit.RetryIdempotent, cmkit.RetryAfterLookup, cmkit.RetryUnsafe} {
		t.Run(rs.String(), func(t *testing.T) {
			cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
				f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{
					ID: "acme-" + rs.String(), Platform: cmkit.Mastodon, Languages: []string{"es", "en"},
					Limits: cmkit.Limits{MaxLength: 500, URLLength: 23}, RetrySafety: rs}})
				return cmkittest.FakeHarness(f, nil)
			})
		})
	}
	t.Run("capabilities-switched-off", func(t *testing.T) {
		cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
			f := newFake(t, cmkittest.FakeConfig{
				Info: cmkit.ChannelInfo{ID: "acme-off", Platform: cmkit.Blog, RetrySafety: cmkit.RetryIdempotent},
				Unsupported: []cmkit.Capability{cmkit.CapFindPost, cmkit.CapReadMentions, cmkit.CapReply, cmkit.CapThread,
					cmkit.CapHide, cmkit.CapDelete, cmkit.CapInsights, cmkit.CapFollowerCount},
			})
			return cmkittest.FakeHarness(f, nil)
		})
	})
}

func TestFakeRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]cmkittest.FakeConfig{
		"no id":            {},
		"bad platform":     {Info: cmkit.ChannelInfo{ID: "a", Platform: "Not Valid"}},
		"negative limit":   {Info: cmkit.ChannelInfo{ID: "a", Limits: cmkit.Limits{MaxMedia: -1}}},
		"rate w/o window":  {Info: cmkit.ChannelInfo{ID: "a"}, RateLimit: 10},
		"negative rate":    {Info: cmkit.ChannelInfo{ID: "a"}, RateLimit: -1},
		"rate over 1":      {Info: cmkit.ChannelInfo{ID: "a"}, Rates: cmkittest.FaultRates{Transient: 1.5}},
		"rates sum over 1": {Info: cmkit.ChannelInfo{ID: "a"}, Rates: cmkittest.FaultRates{Transient: 0.6, Timeout: 0.6}},
		"unknown safety":   {Info: cmkit.ChannelInfo{ID: "a", RetrySafety: 7}},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := cmkittest.NewFakeChannel(cfg)
			require.Error(t, err)
			assert.ErrorIs(t, err, cmkit.ErrInvalid)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.NotEmpty(t, ve.Field)
			assert.NotEmpty(t, ve.Rule)
		})
	}
}

func TestFakeRetrySafetyModes(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		rs         cmkit.RetrySafety
		wantCopies int
		findErr    error
	}{
		{cmkit.RetryIdempotent, 1, nil},
		{cmkit.RetryAfterLookup, 2, nil},
		{cmkit.RetryUnsafe, 2, cmkit.ErrUnsupported},
	}
	for _, tc := range tests {
		t.Run(tc.rs.String(), func(t *testing.T) {
			f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c", RetrySafety: tc.rs}})
			p := cmkit.Post{ID: cmkit.NewID(), Text: "Hola"}
			f.Inject(cmkittest.FaultLostResponse)
			_, err := f.Publish(ctx, p)
			require.ErrorIs(t, err, cmkit.ErrAmbiguous)
			assert.Equal(t, 1, f.Count(p.ID), "a lost response still publishes")
			_, err = f.Publish(ctx, p)
			require.NoError(t, err)
			assert.Equal(t, tc.wantCopies, f.Count(p.ID), "a blind retry")
			_, err = f.FindPost(ctx, p.ID)
			if tc.findErr == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tc.findErr)
				assert.ErrorIs(t, err, errors.ErrUnsupported)
			}
		})
	}
}

func TestFakeInjectedFaults(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}})
	f.Inject(cmkittest.Faults()...)
	want := []cmkit.Failure{cmkit.Transient, cmkit.Transient, cmkit.Permanent, cmkit.Ambiguous, cmkit.Ambiguous}
	wantPublished := []int{0, 0, 0, 0, 1}
	for i, fault := range cmkittest.Faults() {
		p := cmkit.Post{ID: cmkit.NewID(), Text: "x"}
		_, err := f.Publish(ctx, p)
		require.Error(t, err, fault.String())
		assert.Equal(t, want[i], cmkit.Classify(err), fault.String())
		assert.Equal(t, wantPublished[i], f.Count(p.ID), fault.String())
		assert.NotContains(t, err.Error(), f.Token())
		assert.Contains(t, err.Error(), `"c"`, "errors name the channel")
	}
	_, err := f.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "x"})
	assert.NoError(t, err, "the queue is used up")
	assert.Equal(t, 6, f.Attempts())
}

func TestFakeRandomFaultsAreRepeatable(t *testing.T) {
	run := func() []string {
		f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, Seed: 42,
			Rates: cmkittest.FaultRates{Transient: 0.2, LostResponse: 0.05, Permanent: 0.02}})
		var out []string
		for range 400 {
			_, err := f.Publish(context.Background(), cmkit.Post{ID: cmkit.NewID(), Text: "x"})
			out = append(out, cmkit.Classify(err).String())
		}
		return out
	}
	a, b := run(), run()
	assert.Equal(t, a, b, "the same seed gives the same faults")
	counts := map[string]int{}
	for _, c := range a {
		counts[c]++
	}
	// 400 draws at 20% / 5% / 2%: loose bounds, but each class must occur.
	assert.InDelta(t, 80, counts["transient"], 40)
	assert.Greater(t, counts["ambiguous"], 3)
	assert.Greater(t, counts["permanent"], 0)
	assert.Greater(t, counts["none"], 250)
}

func TestFakeRateLimitFollowsTheClock(t *testing.T) {
	c := cmkittest.NewClock(t0)
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, Clock: c,
		RateLimit: 2, RateWindow: 15 * time.Minute})
	ctx := context.Background()
	pub := func() error {
		_, err := f.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "x"})
		return err
	}
	require.NoError(t, pub())
	c.Advance(5 * time.Minute)
	require.NoError(t, pub())
	err := pub()
	var rl *cmkit.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 10*time.Minute, rl.RetryAfter, "the rest of the window")
	assert.ErrorIs(t, err, cmkit.ErrRateLimited)
	assert.Equal(t, cmkit.Transient, cmkit.Classify(err))
	c.Advance(rl.RetryAfter)
	assert.NoError(t, pub(), "a new window")
	c.Set(t0.Add(-time.Hour))
	assert.NoError(t, pub(), "a clock that went back starts a new window rather than waiting an hour")
	assert.Len(t, f.Posts(), 4)
}

func TestFakeCountsLikeItsPlatform(t *testing.T) {
	x, _ := cmkit.PlatformLimits(cmkit.X)
	bsky, _ := cmkit.PlatformLimits(cmkit.Bluesky)
	link := "https://example.com/" + strings.Repeat("a", 300) // counts 23 on X
	family := "👨‍👩‍👧‍👦"                                       // X: 2, Bluesky: 1
	tests := []struct {
		name   string
		limits cmkit.Limits
		count  func(string) int
		text   string
		rule   string
	}{
		{"x: a long link counts 23", x, nil, link, ""},
		{"x: 140 families weigh 280", x, nil, strings.Repeat(family, 140), ""},
		{"x: 141 families weigh 282", x, nil, strings.Repeat(family, 141), "max_length"},
		{"bluesky: 300 graphemes", bsky, nil, strings.Repeat("é", 300), ""},
		{"bluesky: 301 graphemes", bsky, nil, strings.Repeat("é", 301), "max_length"},
		{"bluesky: 120 families are 3000 bytes", bsky, nil, strings.Repeat(family, 120), ""},
		{"bluesky: 121 families break the byte cap", bsky, nil, strings.Repeat(family, 121), "max_bytes"},
		{"override: bytes", x, func(s string) int { return len(s) }, strings.Repeat(family, 12), "max_length"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c", Limits: tc.limits}, Count: tc.count})
			_, err := f.Publish(context.Background(), cmkit.Post{ID: cmkit.NewID(), Text: tc.text})
			if tc.rule == "" {
				assert.NoError(t, err)
				return
			}
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.rule, ve.Rule)
		})
	}
}

func TestFakeValidatesAgainstItsLimits(t *testing.T) {
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c",
		Limits: cmkit.Limits{MaxLength: 5, MaxBytes: 8, MaxMedia: 1}}})
	ctx := context.Background()
	tests := []struct {
		name  string
		post  cmkit.Post
		field string
		rule  string
	}{
		{"no id", cmkit.Post{Text: "hi"}, "post.id", "required"},
		{"too long", cmkit.Post{ID: cmkit.NewID(), Text: "abcdef"}, "post.text", "max_length"},
		{"too many bytes", cmkit.Post{ID: cmkit.NewID(), Text: "żółć!"}, "post.text", "max_bytes"},
		{"too much media", cmkit.Post{ID: cmkit.NewID(), Text: "a", Media: make([]cmkit.Media, 2)}, "post.media", "max_media"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Publish(ctx, tc.post)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, tc.rule, ve.Rule)
			assert.Equal(t, cmkit.Permanent, cmkit.Classify(err))
		})
	}
	assert.Empty(t, f.Posts(), "nothing rejected is published")
	_, err := f.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "żółw"})
	assert.NoError(t, err, "4 code points and 7 bytes fit")
}

func TestFakeMentionsAndModeration(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}})
	fed, err := f.Feed(
		cmkit.Mention{Text: "¡Me encanta!", Author: cmkit.Author{Handle: "ana"}},
		cmkit.Mention{ID: "dm-1", Kind: cmkit.KindDirectMessage, Text: "Zamówienie nie dotarło"},
	)
	require.NoError(t, err)
	require.Len(t, fed, 2)
	assert.Equal(t, "c", fed[0].ChannelID)
	assert.Equal(t, cmkit.KindComment, fed[0].Kind)
	assert.False(t, fed[0].CreatedAt.IsZero())

	_, err = f.Feed(cmkit.Mention{ID: "new"}, cmkit.Mention{ID: "dm-1"})
	assert.ErrorIs(t, err, cmkit.ErrInvalid, "a repeated ID")
	page, err := f.ReadMentions(ctx, "", 0)
	require.NoError(t, err)
	assert.Len(t, page.Mentions, 2, "a failed Feed adds nothing")

	require.NoError(t, f.SetHidden(ctx, fed[0].ID, true))
	assert.True(t, f.Hidden(fed[0].ID))
	rc, err := f.Reply(ctx, "dm-1", cmkit.Post{ID: cmkit.NewID(), Text: "Lo sentimos"})
	require.NoError(t, err)
	assert.Equal(t, "dm-1", f.Posts()[0].Post.InReplyTo)

	require.NoError(t, f.Delete(ctx, "dm-1"))
	page, err = f.ReadMentions(ctx, "", 0)
	require.NoError(t, err)
	assert.Len(t, page.Mentions, 1, "deleted mentions are not read")
	_, err = f.Reply(ctx, "dm-1", cmkit.Post{ID: cmkit.NewID(), Text: "?"})
	assert.ErrorIs(t, err, cmkit.ErrNotFound)

	_, err = f.ReadMentions(ctx, "bogus", 0)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)

	f.SetInsights(cmkit.Insights{PlatformID: rc.PlatformID, Impressions: 1200, Reactions: 40,
		Missing: []cmkit.Metric{cmkit.MetricSaves}})
	in, err := f.Insights(ctx, rc.PlatformID)
	require.NoError(t, err)
	assert.EqualValues(t, 1200, in.Impressions)
	assert.Equal(t, []cmkit.Metric{cmkit.MetricSaves}, in.Missing)
	f.SetFollowers(15300)
	n, err := f.FollowerCount(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 15300, n)
}

func TestFakeCopiesInAndOut(t *testing.T) {
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c", Languages: []string{"pl"}}})
	media := []cmkit.Media{{Kind: cmkit.MediaImage, URL: "https://cdn.invalid/a.png"}}
	p := cmkit.Post{ID: cmkit.NewID(), Text: "x", Media: media}
	_, err := f.Publish(context.Background(), p)
	require.NoError(t, err)
	media[0].URL = "mutated"
	got := f.Posts()
	assert.Equal(t, "https://cdn.invalid/a.png", got[0].Post.Media[0].URL, "the fake keeps its own copy")
	got[0].Post.Media[0].URL = "mutated"
	assert.Equal(t, "https://cdn.invalid/a.png", f.Posts()[0].Post.Media[0].URL, "Posts returns a copy")
	info := f.Info()
	info.Languages[0] = "mutated"
	assert.Equal(t, "pl", f.Info().Languages[0])
}

func TestFakeIsSafeForConcurrentUse(t *testing.T) {
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c", RetrySafety: cmkit.RetryIdempotent}})
	p := cmkit.Post{ID: cmkit.NewID(), Text: "once"}
	errs := make(chan error, 16)
	for range 16 {
		go func() {
			_, err := f.Publish(context.Background(), p)
			errs <- err
		}()
	}
	for range 16 {
		require.NoError(t, <-errs)
	}
	assert.Equal(t, 1, f.Count(p.ID), "16 concurrent publishes of one ID on an idempotent channel")
}

func TestFakeErrorsNeverCarryTheToken(t *testing.T) {
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, Token: "s3cr3t-token"})
	f.Inject(cmkittest.Faults()...)
	for range cmkittest.Faults() {
		_, err := f.Publish(context.Background(), cmkit.Post{ID: cmkit.NewID(), Text: "x"})
		require.Error(t, err)
		assert.False(t, strings.Contains(err.Error(), "s3cr3t-token"))
	}
}

func TestFakeRateWindowIsAtMostMaxRetryAfter(t *testing.T) {
	_, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{RateLimit: 1, RateWindow: cmkit.MaxRetryAfter + time.Second,
		Info: cmkit.ChannelInfo{ID: "x", Platform: cmkit.Mastodon}})
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "RateWindow", ve.Field)
}

func TestFakePublishReplyRecordsParent(t *testing.T) {
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "acme-x", RetrySafety: cmkit.RetryIdempotent}})
	ctx := t.Context()
	first := cmkit.Post{ID: cmkit.NewID(), Text: "1/2"}
	parent, err := f.Publish(ctx, first)
	require.NoError(t, err)
	second := cmkit.Post{ID: cmkit.NewID(), Text: "2/2"}
	rc, err := f.PublishReply(ctx, parent, second)
	require.NoError(t, err)
	posts := f.Posts()
	require.Len(t, posts, 2)
	assert.Equal(t, "", posts[0].Post.InReplyTo)
	assert.Equal(t, parent.PlatformID, posts[1].Post.InReplyTo)
	assert.Equal(t, rc, posts[1].Receipt)

	_, err = f.PublishReply(ctx, cmkit.Receipt{PlatformID: "nope"}, cmkit.Post{ID: cmkit.NewID(), Text: "x"})
	require.ErrorIs(t, err, cmkit.ErrNotFound)
}

// The fake carries a post's title, content warning, sensitivity and
// visibility as published, and refuses them where its limits do.
func TestFakeCarriesContentWarningAndVisibility(t *testing.T) {
	ctx := context.Background()
	mastodon, _ := cmkit.PlatformLimits(cmkit.Mastodon)
	m := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "acme-es-mastodon", Platform: cmkit.Mastodon, Limits: mastodon}})
	post := cmkit.Post{ID: cmkit.NewID(), Text: "El final de la serie", ContentWarning: "Spoilers",
		Sensitive: true, Visibility: cmkit.VisibilityUnlisted}
	_, err := m.Publish(ctx, post)
	require.NoError(t, err)
	require.Len(t, m.Posts(), 1)
	got := m.Posts()[0].Post
	assert.Equal(t, "Spoilers", got.ContentWarning)
	assert.True(t, got.Sensitive)
	assert.Equal(t, cmkit.VisibilityUnlisted, got.Visibility)

	// 500 graphemes in all: the warning counts with the text.
	_, err = m.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), ContentWarning: strings.Repeat("c", 250), Text: strings.Repeat("t", 251)})
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "max_length", ve.Rule)

	x, _ := cmkit.PlatformLimits(cmkit.X)
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "acme-es-x", Platform: cmkit.X, Limits: x}})
	for _, p := range []cmkit.Post{
		{ID: cmkit.NewID(), Text: "hola", ContentWarning: "Spoilers"},
		{ID: cmkit.NewID(), Text: "hola", Visibility: cmkit.VisibilityFollowers},
		{ID: cmkit.NewID(), Text: "hola", Title: "Título"},
	} {
		_, err := f.Publish(ctx, p)
		assert.ErrorIs(t, err, cmkit.ErrInvalid)
		assert.Equal(t, cmkit.Permanent, cmkit.Classify(err))
	}
	assert.Empty(t, f.Posts(), "nothing refused is published")
}
