package cmkittest_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

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
					cmkit.CapHide, cmkit.CapDelete, cmkit.CapInsights, cmkit.CapFollowerCount, cmkit.CapSearch},
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
	f.Inject(0, cmkittest.FaultTransient)
	_, err = f.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "x"})
	assert.NoError(t, err, "a zero Fault lets its call succeed")
	_, err = f.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "x"})
	assert.ErrorIs(t, err, cmkit.ErrTransient)
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

// readPage is ReadMentions or Search of one query, for tests that treat
// both streams alike.
type readPage func(ctx context.Context, after cmkit.Cursor, limit int) (cmkit.MentionPage, error)

func searchFor(f *cmkittest.FakeChannel, q string) readPage {
	return func(ctx context.Context, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
		return f.Search(ctx, q, after, limit)
	}
}

// drain reads pages of limit from cur until an empty page, failing the
// test on an error, and returns the items and the final cursor.
func drain(t *testing.T, read readPage, cur cmkit.Cursor, limit int) ([]cmkit.Mention, cmkit.Cursor) {
	t.Helper()
	var all []cmkit.Mention
	for range 1000 {
		page, err := read(t.Context(), cur, limit)
		require.NoError(t, err)
		if len(page.Mentions) == 0 {
			require.Equal(t, cur, page.Next, "an empty page keeps the cursor")
			return all, cur
		}
		all = append(all, page.Mentions...)
		cur = page.Next
	}
	t.Fatal("no empty page after 1000 reads")
	return nil, ""
}

func mentionIDs(ms []cmkit.Mention) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// Feed keeps what it does not default: ThreadID, Reactions and EditedAt
// come back from Feed and from ReadMentions as given.
func TestFakeFeedKeepsThreadReactionsAndEdits(t *testing.T) {
	c := cmkittest.NewClock(t0)
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, Clock: c})
	in := cmkit.Mention{ID: "r1", Kind: cmkit.KindReply, Text: "+1", InReplyTo: "m0", ThreadID: "t-9",
		Reactions: 42, CreatedAt: t0.Add(-time.Hour), EditedAt: t0.Add(-time.Minute), Rating: 4.5, Language: "pl"}
	fed, err := f.Feed(in)
	require.NoError(t, err)
	want := in
	want.ChannelID = "c"
	assert.Equal(t, []cmkit.Mention{want}, fed)
	got, _ := drain(t, f.ReadMentions, "", 0)
	assert.Equal(t, []cmkit.Mention{want}, got)
}

func TestFakeFeedRejectsBadItems(t *testing.T) {
	tests := []struct {
		name        string
		public      bool
		items       []cmkit.Mention
		field, rule string
	}{
		{"edited before created", false, []cmkit.Mention{{ID: "ok"}, {ID: "e", CreatedAt: t0, EditedAt: t0.Add(-time.Second)}},
			"mentions[1].edited_at", "after_created"},
		{"edited before a defaulted CreatedAt", false, []cmkit.Mention{{EditedAt: t0.Add(-time.Second)}}, "mentions[0].edited_at", "after_created"},
		{"repeated id in one call", false, []cmkit.Mention{{ID: "a"}, {ID: "a"}}, "mentions[1].id", "unique"},
		{"id fed before", false, []cmkit.Mention{{ID: "x"}, {ID: "old"}}, "mentions[1].id", "unique"},
		{"public: not a mention", true, []cmkit.Mention{{ID: "p"}, {ID: "q", Kind: cmkit.KindComment}}, "mentions[1].kind", "value"},
		{"public: id fed before", true, []cmkit.Mention{{ID: "pold"}}, "mentions[0].id", "unique"},
		{"public: edited before created", true, []cmkit.Mention{{CreatedAt: t0, EditedAt: t0.Add(-1)}}, "mentions[0].edited_at", "after_created"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, Clock: cmkittest.NewClock(t0)})
			_, err := f.Feed(cmkit.Mention{ID: "old"})
			require.NoError(t, err)
			_, err = f.FeedPublic(cmkit.Mention{ID: "pold", Text: "acme"})
			require.NoError(t, err)
			feed := f.Feed
			if tc.public {
				feed = f.FeedPublic
			}
			_, err = feed(tc.items...)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, tc.rule, ve.Rule)
			mentions, _ := drain(t, f.ReadMentions, "", 0)
			assert.Equal(t, []string{"old"}, mentionIDs(mentions), "a refused Feed adds nothing")
			public, _ := drain(t, searchFor(f, "acme"), "", 0)
			assert.Equal(t, []string{"pold"}, mentionIDs(public), "a refused FeedPublic adds nothing")
		})
	}
}

// Public posts are searched, not read as mentions; they become
// KindMention on the fake's channel, with IDs of their own, and one ID may
// be both a mention and a public post.
func TestFakeFeedPublic(t *testing.T) {
	ctx := t.Context()
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, Clock: cmkittest.NewClock(t0)})
	fed, err := f.FeedPublic(cmkit.Mention{Text: "acme rocks"}, cmkit.Mention{ID: "both", Kind: cmkit.KindMention, Text: "@acme hi"})
	require.NoError(t, err)
	assert.Equal(t, "c-p1", fed[0].ID)
	for _, m := range fed {
		assert.Equal(t, cmkit.KindMention, m.Kind)
		assert.Equal(t, "c", m.ChannelID)
		assert.Equal(t, t0, m.CreatedAt)
	}
	_, err = f.Feed(cmkit.Mention{ID: "both", Kind: cmkit.KindMention, Text: "@acme hi"})
	require.NoError(t, err, "a post that names the account is a mention and a public post")
	page, err := f.ReadMentions(ctx, "", 0)
	require.NoError(t, err)
	assert.Equal(t, []string{"both"}, mentionIDs(page.Mentions), "ReadMentions does not see public posts")
	got, _ := drain(t, searchFor(f, "acme"), "", 0)
	assert.Equal(t, []string{"c-p1", "both"}, mentionIDs(got))
	assert.ErrorIs(t, f.Delete(ctx, "c-p1"), cmkit.ErrNotFound, "Delete does not reach public posts")
	assert.ErrorIs(t, f.SetHidden(ctx, "c-p1", true), cmkit.ErrNotFound, "nor SetHidden")
	_, err = f.Reply(ctx, "c-p1", cmkit.Post{ID: cmkit.NewID(), Text: "hola"})
	assert.ErrorIs(t, err, cmkit.ErrNotFound, "nor Reply")
}

// Search finds the posts that hold every word of the query, as whole
// words compared with strings.EqualFold.
func TestFakeSearchMatchesWholeWords(t *testing.T) {
	texts := map[string]string{
		"plain":      "I love my Acme phone",
		"punct":      "#acme, the best! (phone)",
		"handle":     "@acme_es responded fast",
		"prefix":     "acmeville is a town",
		"polish":     "Kupiłem telefon w ŁÓDŹ",
		"accent":     "un café con acme",
		"kelvin":     "5 \u212a is cold", // KELVIN SIGN folds to k
		"digits":     "order 12345 late",
		"decomposed": "cafe\u0301 (decomposed)",
	}
	tests := []struct {
		query string
		want  []string
	}{
		{"acme", []string{"plain", "punct", "accent"}},
		{"ACME PHONE", []string{"plain", "punct"}},
		{"phone acme acme", []string{"plain", "punct"}},
		{"acme_es", []string{"handle"}},
		{"acme es", nil},
		{"acmeville", []string{"prefix"}},
		{"acm", nil},
		{"łódź", []string{"polish"}},
		{"cafe", nil},
		{"café", []string{"accent"}},
		{"cafe\u0301", []string{"decomposed"}},
		{"k", []string{"kelvin"}},
		{"12345", []string{"digits"}},
		{"  acme,,, phone!  ", []string{"plain", "punct"}},
	}
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}})
	for id, text := range texts {
		_, err := f.FeedPublic(cmkit.Mention{ID: id, Text: text})
		require.NoError(t, err)
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			got, _ := drain(t, searchFor(f, tc.query), "", 1)
			assert.ElementsMatch(t, tc.want, mentionIDs(got))
		})
	}
}

// Search pages like ReadMentions; its cursors belong to their query.
func TestFakeSearchCursors(t *testing.T) {
	ctx := t.Context()
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}})
	var want []string
	for i := range 60 {
		text := "acme news"
		if i%3 == 0 {
			text = "other news"
		} else {
			want = append(want, "p"+strconv.Itoa(i))
		}
		_, err := f.FeedPublic(cmkit.Mention{ID: "p" + strconv.Itoa(i), Text: text})
		require.NoError(t, err)
	}
	page, err := f.Search(ctx, "acme", "", 0)
	require.NoError(t, err)
	assert.Len(t, page.Mentions, 40, "40 match, fewer than the default page of 50")
	for _, limit := range []int{1, 3, 7, 100} {
		got, end := drain(t, searchFor(f, "acme"), "", limit)
		assert.Equal(t, want, mentionIDs(got), "limit %d", limit)
		page, err := f.Search(ctx, "ACME acme", end, limit)
		require.NoError(t, err, "the same query in other words takes the cursor")
		assert.Empty(t, page.Mentions)
		assert.Equal(t, end, page.Next)
	}
	page, err = f.Search(ctx, "news", "", 0)
	require.NoError(t, err)
	assert.Len(t, page.Mentions, 50, "the default page size")
	_, end := drain(t, searchFor(f, "acme"), "", 0)
	_, err = f.FeedPublic(cmkit.Mention{ID: "late", Text: "acme again"})
	require.NoError(t, err)
	got, _ := drain(t, searchFor(f, "acme"), end, 0)
	assert.Equal(t, []string{"late"}, mentionIDs(got), "a stored cursor resumes with what is new")

	mentionsCursor := func() cmkit.Cursor {
		_, err := f.Feed(cmkit.Mention{ID: "m"})
		require.NoError(t, err)
		page, err := f.ReadMentions(ctx, "", 0)
		require.NoError(t, err)
		return page.Next
	}()
	bad := []struct {
		name   string
		query  string
		cursor cmkit.Cursor
		field  string
		rule   string
	}{
		{"another query's cursor", "news", end, "cursor", "query"},
		{"a ReadMentions cursor", "acme", mentionsCursor, "cursor", "format"},
		{"garbage", "acme", "bogus", "cursor", "format"},
		{"a cursor without its query", "acme", "s3", "cursor", "format"},
		{"a signed number", "acme", cmkit.Cursor(strings.Replace(string(end), "s", "s+", 1)), "cursor", "format"},
		{"a negative number", "acme", "s-1" + cmkit.Cursor(strings.TrimLeft(string(end), "s0123456789")), "cursor", "format"},
		{"an empty query", "", "", "query", "required"},
		{"a query of punctuation", " ¡!,. ", "", "query", "required"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Search(ctx, tc.query, tc.cursor, 0)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, tc.rule, ve.Rule)
		})
	}
	_, err = f.ReadMentions(ctx, end, 0)
	assert.ErrorIs(t, err, cmkit.ErrInvalid, "ReadMentions refuses a Search cursor")
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = f.Search(canceled, "acme", "", 0)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, cmkit.Transient, cmkit.Classify(err), "a search that was never sent")
	off := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "off"}, Unsupported: []cmkit.Capability{cmkit.CapSearch}})
	_, err = off.Search(ctx, "acme", "", 0)
	assert.ErrorIs(t, err, cmkit.ErrUnsupported)
}

// Regression: ReadMentions moved the cursor of an empty page past deleted
// mentions, though an empty page must keep it.
func TestFakeEmptyPageKeepsCursorAfterDeletedMentions(t *testing.T) {
	ctx := t.Context()
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}})
	_, err := f.Feed(cmkit.Mention{ID: "a"}, cmkit.Mention{ID: "b"})
	require.NoError(t, err)
	require.NoError(t, f.Delete(ctx, "a"))
	require.NoError(t, f.Delete(ctx, "b"))
	page, err := f.ReadMentions(ctx, "", 0)
	require.NoError(t, err)
	assert.Empty(t, page.Mentions)
	assert.Equal(t, cmkit.Cursor(""), page.Next)
}

// An edit is delivered again at the end of the stream, with the same ID and
// a later EditedAt; what was delivered before replays unchanged.
func TestFakeEditRedelivers(t *testing.T) {
	c := cmkittest.NewClock(t0)
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, Clock: c})
	ctx := t.Context()
	_, err := f.Feed(cmkit.Mention{ID: "a", Text: "first", ThreadID: "t"}, cmkit.Mention{ID: "b", Text: "other"})
	require.NoError(t, err)
	_, end := drain(t, f.ReadMentions, "", 0)
	require.NoError(t, f.SetHidden(ctx, "a", true))

	c.Advance(time.Minute)
	edited, err := f.Edit("a", "first, edited", time.Time{})
	require.NoError(t, err)
	assert.Equal(t, "first, edited", edited.Text)
	assert.Equal(t, t0.Add(time.Minute), edited.EditedAt)
	assert.Equal(t, t0, edited.CreatedAt)
	assert.Equal(t, "t", edited.ThreadID)
	got, end := drain(t, f.ReadMentions, end, 0)
	assert.Equal(t, []cmkit.Mention{edited}, got)
	assert.True(t, f.Hidden("a"), "an edit keeps the item hidden")

	// The clock stands still: each edit is a millisecond after the last.
	second, err := f.Edit("a", "second", time.Time{})
	require.NoError(t, err)
	third, err := f.Edit("a", "third", time.Time{})
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Minute+time.Millisecond), second.EditedAt)
	assert.Equal(t, t0.Add(time.Minute+2*time.Millisecond), third.EditedAt)
	got, _ = drain(t, f.ReadMentions, end, 1)
	assert.Equal(t, []cmkit.Mention{second, third}, got)

	all, _ := drain(t, f.ReadMentions, "", 2)
	texts := make([]string, len(all))
	for i, m := range all {
		texts[i] = m.ID + ":" + m.Text
	}
	assert.Equal(t, []string{"a:first", "b:other", "a:first, edited", "a:second", "a:third"}, texts,
		"each delivery replays as it was")

	explicit, err := f.Edit("b", "later", t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Hour), explicit.EditedAt)
}

func TestFakeEditRejects(t *testing.T) {
	ctx := t.Context()
	tests := []struct {
		name  string
		id    string
		at    time.Time
		check func(t *testing.T, err error)
	}{
		{"unknown id", "nope", time.Time{}, func(t *testing.T, err error) { assert.ErrorIs(t, err, cmkit.ErrNotFound) }},
		{"deleted", "gone", time.Time{}, func(t *testing.T, err error) { assert.ErrorIs(t, err, cmkit.ErrNotFound) }},
		{"at the creation time", "a", t0, func(t *testing.T, err error) {
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "at", ve.Field)
			assert.Equal(t, "after_last_version", ve.Rule)
		}},
		{"before the given EditedAt", "e", t0.Add(time.Minute), func(t *testing.T, err error) { assert.ErrorIs(t, err, cmkit.ErrInvalid) }},
		{"before the public copy's CreatedAt", "both", t0.Add(time.Second), func(t *testing.T, err error) { assert.ErrorIs(t, err, cmkit.ErrInvalid) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, Clock: cmkittest.NewClock(t0)})
			_, err := f.Feed(cmkit.Mention{ID: "a", Text: "acme"}, cmkit.Mention{ID: "gone"},
				cmkit.Mention{ID: "e", Text: "acme", EditedAt: t0.Add(time.Hour)}, cmkit.Mention{ID: "both", Text: "acme"})
			require.NoError(t, err)
			_, err = f.FeedPublic(cmkit.Mention{ID: "both", Text: "acme", CreatedAt: t0.Add(time.Minute)})
			require.NoError(t, err)
			require.NoError(t, f.Delete(ctx, "gone"))
			beforeM, _ := drain(t, f.ReadMentions, "", 0)
			beforeP, _ := drain(t, searchFor(f, "acme"), "", 0)
			_, err = f.Edit(tc.id, "changed", tc.at)
			tc.check(t, err)
			afterM, _ := drain(t, f.ReadMentions, "", 0)
			afterP, _ := drain(t, searchFor(f, "acme"), "", 0)
			assert.Equal(t, beforeM, afterM, "a refused edit changes nothing")
			assert.Equal(t, beforeP, afterP, "a refused edit changes nothing")
		})
	}
}

// An edited public post is found again when its new text still matches,
// and a post in both streams is delivered again in both.
func TestFakeEditPublicPosts(t *testing.T) {
	c := cmkittest.NewClock(t0)
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, Clock: c})
	_, err := f.FeedPublic(cmkit.Mention{ID: "p", Text: "acme is ok"}, cmkit.Mention{ID: "both", Text: "@acme help"})
	require.NoError(t, err)
	_, err = f.Feed(cmkit.Mention{ID: "both", Kind: cmkit.KindMention, Text: "@acme help"})
	require.NoError(t, err)
	_, sEnd := drain(t, searchFor(f, "acme"), "", 0)
	_, mEnd := drain(t, f.ReadMentions, "", 0)

	c.Advance(time.Second)
	_, err = f.Edit("p", "acme is great", time.Time{})
	require.NoError(t, err)
	_, err = f.Edit("both", "@acme never mind", time.Time{})
	require.NoError(t, err)
	got, sEnd := drain(t, searchFor(f, "acme"), sEnd, 0)
	assert.Equal(t, []string{"p", "both"}, mentionIDs(got))
	got, _ = drain(t, f.ReadMentions, mEnd, 0)
	require.Len(t, got, 1)
	assert.Equal(t, "@acme never mind", got[0].Text)
	assert.Equal(t, cmkit.KindMention, got[0].Kind)

	_, err = f.Edit("p", "nothing to see", time.Time{})
	require.NoError(t, err)
	got, _ = drain(t, searchFor(f, "acme"), sEnd, 0)
	assert.Empty(t, got, "an edit that no longer matches is not found")
	got, _ = drain(t, searchFor(f, "nothing see"), "", 0)
	assert.Equal(t, []string{"p"}, mentionIDs(got), "but a search for its new words finds it")
}

// Injected read faults fail reads one by one, classified as a correct
// adapter classifies them, and change nothing: the same cursor then reads
// the same page. Write faults and read faults never take each other's place.
func TestFakeInjectedReadFaults(t *testing.T) {
	ctx := t.Context()
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}})
	_, err := f.Feed(cmkit.Mention{ID: "a"}, cmkit.Mention{ID: "b"})
	require.NoError(t, err)
	_, err = f.FeedPublic(cmkit.Mention{ID: "p", Text: "acme"})
	require.NoError(t, err)
	f.Inject(cmkittest.FaultPermanent) // for the next write only
	want := map[cmkittest.Fault]cmkit.Failure{
		cmkittest.FaultTransient: cmkit.Transient, cmkittest.FaultRateLimit: cmkit.Transient,
		cmkittest.FaultPermanent: cmkit.Permanent, cmkittest.FaultTimeout: cmkit.Ambiguous,
		cmkittest.FaultLostResponse: cmkit.Ambiguous,
	}
	for _, read := range []struct {
		name string
		read readPage
		ids  []string
	}{{"ReadMentions", f.ReadMentions, []string{"a", "b"}}, {"Search", searchFor(f, "acme"), []string{"p"}}} {
		t.Run(read.name, func(t *testing.T) {
			f.InjectRead(cmkittest.Faults()...)
			for _, fault := range cmkittest.Faults() {
				page, err := read.read(ctx, "", 0)
				require.Error(t, err, fault.String())
				assert.Equal(t, want[fault], cmkit.Classify(err), fault.String())
				assert.Empty(t, page.Mentions, "a failed read returns no page")
				assert.Contains(t, err.Error(), `fake channel "c"`)
				if fault == cmkittest.FaultRateLimit {
					var rl *cmkit.RateLimitError
					require.ErrorAs(t, err, &rl)
					assert.Equal(t, time.Minute, rl.RetryAfter)
				}
			}
			got, _ := drain(t, read.read, "", 0)
			assert.Equal(t, read.ids, mentionIDs(got), "nothing was lost or consumed by the faults")
		})
	}
	assert.Equal(t, 14, f.ReadAttempts(), "5 faults and 2 reads, twice")
	_, err = f.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "x"})
	assert.Equal(t, cmkit.Permanent, cmkit.Classify(err), "reads left the write fault queued")
	f.InjectRead(cmkittest.FaultTransient)
	_, err = f.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "x"})
	assert.NoError(t, err, "a write does not take a read fault")
	_, err = f.ReadMentions(ctx, "", 0)
	assert.ErrorIs(t, err, cmkit.ErrTransient)

	// Refused before reaching the platform: not an attempt, no fault used.
	f.InjectRead(cmkittest.FaultTransient)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = f.ReadMentions(canceled, "", 0)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = f.Search(ctx, "acme", "bogus", 0)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = f.Search(ctx, "!", "", 0)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	assert.Equal(t, 15, f.ReadAttempts())
	off := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "off"}, Unsupported: []cmkit.Capability{cmkit.CapReadMentions}})
	_, err = off.ReadMentions(ctx, "", 0)
	assert.ErrorIs(t, err, cmkit.ErrUnsupported)
	assert.Zero(t, off.ReadAttempts())
	_, err = f.Search(ctx, "acme", "", 0)
	assert.ErrorIs(t, err, cmkit.ErrTransient, "the queued fault waited for a read that reached the platform")
}

// ReadCycle fails every nth read, counting ReadMentions and Search
// together; InjectRead comes first, and a zero entry leaves the read to
// ReadRates.
func TestFakeReadCycle(t *testing.T) {
	ctx := t.Context()
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"},
		ReadCycle: []cmkittest.Fault{0, 0, cmkittest.FaultTransient}})
	_, err := f.FeedPublic(cmkit.Mention{Text: "acme"})
	require.NoError(t, err)
	var got []string
	for i := range 9 {
		var err error
		if i%2 == 0 {
			_, err = f.ReadMentions(ctx, "", 0)
		} else {
			_, err = f.Search(ctx, "acme", "", 0)
		}
		got = append(got, cmkit.Classify(err).String())
	}
	assert.Equal(t, []string{"none", "none", "transient", "none", "none", "transient", "none", "none", "transient"}, got)

	f.InjectRead(cmkittest.FaultPermanent, 0)
	_, err = f.ReadMentions(ctx, "", 0) // read 10: injected
	assert.Equal(t, cmkit.Permanent, cmkit.Classify(err))
	_, err = f.ReadMentions(ctx, "", 0) // read 11: injected zero
	assert.NoError(t, err)
	_, err = f.ReadMentions(ctx, "", 0) // read 12: the cycle again
	assert.ErrorIs(t, err, cmkit.ErrTransient)

	// A zero entry of the cycle leaves the read to ReadRates.
	always := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"},
		ReadCycle: []cmkittest.Fault{0, cmkittest.FaultPermanent}, ReadRates: cmkittest.FaultRates{Timeout: 1}})
	for _, want := range []cmkit.Failure{cmkit.Ambiguous, cmkit.Permanent, cmkit.Ambiguous} {
		_, err := always.ReadMentions(ctx, "", 0)
		assert.Equal(t, want, cmkit.Classify(err))
	}
}

// ReadRates are repeatable with a seed, and drawn apart from write faults:
// interleaving reads leaves the write faults of a seed as they were.
func TestFakeReadRatesAreRepeatableAndApart(t *testing.T) {
	cfg := cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, Seed: 7,
		Rates:     cmkittest.FaultRates{Transient: 0.3},
		ReadRates: cmkittest.FaultRates{Transient: 0.2, RateLimit: 0.05, Timeout: 0.05, LostResponse: 0.1}}
	run := func(reads bool) (writes, readClasses []string) {
		f := newFake(t, cfg)
		for range 300 {
			_, err := f.Publish(t.Context(), cmkit.Post{ID: cmkit.NewID(), Text: "x"})
			writes = append(writes, cmkit.Classify(err).String())
			if reads {
				_, err := f.ReadMentions(t.Context(), "", 0)
				readClasses = append(readClasses, cmkit.Classify(err).String())
			}
		}
		return writes, readClasses
	}
	w1, r1 := run(true)
	w2, r2 := run(true)
	w3, _ := run(false)
	assert.Equal(t, r1, r2, "the same seed gives the same read faults")
	assert.Equal(t, w1, w2)
	assert.Equal(t, w1, w3, "reads do not shift the write faults")
	counts := map[string]int{}
	for _, c := range r1 {
		counts[c]++
	}
	// 300 draws: 25% transient (with rate limits), 15% ambiguous.
	assert.InDelta(t, 75, counts["transient"], 30)
	assert.InDelta(t, 45, counts["ambiguous"], 25)
	assert.Zero(t, counts["permanent"])
	assert.Greater(t, counts["none"], 150)
}

// ReadRateLimit counts reads in RateWindow, apart from writes.
func TestFakeReadRateLimit(t *testing.T) {
	c := cmkittest.NewClock(t0)
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, Clock: c,
		RateLimit: 1, ReadRateLimit: 2, RateWindow: 15 * time.Minute})
	ctx := t.Context()
	_, err := f.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "x"})
	require.NoError(t, err, "the write window is its own")
	_, err = f.ReadMentions(ctx, "", 0)
	require.NoError(t, err)
	c.Advance(5 * time.Minute)
	_, err = f.Search(ctx, "acme", "", 0)
	require.NoError(t, err)
	_, err = f.ReadMentions(ctx, "", 0)
	var rl *cmkit.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 10*time.Minute, rl.RetryAfter)
	c.Advance(rl.RetryAfter)
	_, err = f.Search(ctx, "acme", "", 0)
	assert.NoError(t, err, "a new window")
	assert.Equal(t, 4, f.ReadAttempts(), "a rate-limited read counts")

	g := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, Clock: c,
		RateLimit: 1, ReadRateLimit: 1, RateWindow: time.Minute})
	_, err = g.ReadMentions(ctx, "", 0)
	require.NoError(t, err)
	_, err = g.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "x"})
	assert.NoError(t, err, "reads do not use up the write window")
}

func TestFakeRejectsBadReadConfig(t *testing.T) {
	for name, tc := range map[string]struct {
		cfg   cmkittest.FakeConfig
		field string
	}{
		"negative read rate limit":    {cmkittest.FakeConfig{ReadRateLimit: -1}, "ReadRateLimit"},
		"read rate limit w/o window":  {cmkittest.FakeConfig{ReadRateLimit: 3}, "RateWindow"},
		"read rate over 1":            {cmkittest.FakeConfig{ReadRates: cmkittest.FaultRates{Timeout: 2}}, "ReadRates"},
		"read rates sum over 1":       {cmkittest.FakeConfig{ReadRates: cmkittest.FaultRates{Timeout: 0.5, Transient: 0.6}}, "ReadRates"},
		"negative read rate":          {cmkittest.FakeConfig{ReadRates: cmkittest.FaultRates{LostResponse: -0.1}}, "ReadRates"},
		"unknown fault in the cycle":  {cmkittest.FakeConfig{ReadCycle: []cmkittest.Fault{0, 9}}, "ReadCycle[1]"},
		"negative fault in the cycle": {cmkittest.FakeConfig{ReadCycle: []cmkittest.Fault{-1}}, "ReadCycle[0]"},
	} {
		t.Run(name, func(t *testing.T) {
			tc.cfg.Info.ID = "c"
			_, err := cmkittest.NewFakeChannel(tc.cfg)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
		})
	}
	cycle := []cmkittest.Fault{cmkittest.FaultTransient}
	f := newFake(t, cmkittest.FakeConfig{ReadCycle: cycle})
	cycle[0] = 0
	_, err := f.ReadMentions(t.Context(), "", 0)
	assert.ErrorIs(t, err, cmkit.ErrTransient, "the fake keeps its own copy of ReadCycle")
}

// A seeded simulation of the fake's two streams: mentions and public posts
// fed, cross-posted, edited and deleted at random, while a reader of
// ReadMentions and a reader of Search keep their cursor until a page
// arrives and reads fail at random. After every read: each item is the
// delivery the model says, in stream order, never twice, never deleted,
// matching the query; after every empty page, every live delivery has
// been read. Every edit has a later EditedAt than the last version.
func TestFakeStreamsSimulation(t *testing.T) {
	st := &simStats{edits: map[string]int{}}
	for seed := range uint64(60) {
		t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) { simulateStreams(t, seed, st) })
	}
	t.Logf("%d read faults, %d times caught up, edited deliveries read: %v", st.faults, st.caughtUp, st.edits)
	assert.Greater(t, st.faults, 1000)
	assert.Greater(t, st.caughtUp, 500)
	assert.Greater(t, st.edits["ReadMentions"], 100)
	assert.Greater(t, st.edits["Search"], 20)
}

// simStream is the model of one stream: every delivery, in order.
type simStream struct {
	log  []cmkit.Mention
	at   map[string]int  // "ID@EditedAt" -> index in log
	live map[string]bool // IDs the stream holds, not deleted
	last map[string]int  // ID -> index of its latest delivery
	dead map[string]bool // deleted IDs
	ids  []string        // IDs in feed order
	_    struct{}        // keep the literal keyed
}

func newSimStream() *simStream {
	return &simStream{at: map[string]int{}, live: map[string]bool{}, last: map[string]int{}, dead: map[string]bool{}}
}

func deliveryKey(m cmkit.Mention) string { return m.ID + "@" + m.EditedAt.Format(time.RFC3339Nano) }

func (s *simStream) add(m cmkit.Mention) {
	if !s.live[m.ID] && !s.dead[m.ID] {
		s.ids = append(s.ids, m.ID)
	}
	s.live[m.ID] = true
	s.at[deliveryKey(m)] = len(s.log)
	s.last[m.ID] = len(s.log)
	s.log = append(s.log, m)
}

// simReader reads one stream with a checkpointed cursor.
type simReader struct {
	name   string
	read   readPage
	model  *simStream
	match  func(text string) bool
	cursor cmkit.Cursor
	seen   map[int]bool
	lastAt int // index of the last delivery read, -1 before any
}

// step reads one page of up to limit items and checks it; it reports
// whether the reader has caught up (an empty page).
func (r *simReader) step(t *testing.T, limit int, st *simStats) bool {
	t.Helper()
	page, err := r.read(t.Context(), r.cursor, limit)
	if err != nil {
		c := cmkit.Classify(err)
		require.Truef(t, c == cmkit.Transient || c == cmkit.Ambiguous, "%s: a random read fault is transient or ambiguous, got %v", r.name, err)
		require.Empty(t, page.Mentions)
		st.faults++
		return false
	}
	require.LessOrEqual(t, len(page.Mentions), limit)
	if len(page.Mentions) == 0 {
		require.Equal(t, r.cursor, page.Next, "%s: an empty page keeps the cursor", r.name)
		for i, m := range r.model.log {
			if !r.model.dead[m.ID] && r.match(m.Text) {
				require.Truef(t, r.seen[i], "%s: caught up, but delivery %d (%s %q) was never read", r.name, i, m.ID, m.Text)
			}
		}
		st.caughtUp++
		return true
	}
	for _, m := range page.Mentions {
		i, ok := r.model.at[deliveryKey(m)]
		require.Truef(t, ok, "%s: read %s, which was never delivered", r.name, deliveryKey(m))
		require.Equal(t, r.model.log[i], m, "%s: a delivery as it was made", r.name)
		require.Greaterf(t, i, r.lastAt, "%s: delivery %d after %d: out of order or twice", r.name, i, r.lastAt)
		require.False(t, r.model.dead[m.ID], "%s: read deleted %s", r.name, m.ID)
		require.True(t, r.match(m.Text), "%s: %q does not match", r.name, m.Text)
		r.seen[i], r.lastAt = true, i
		if !m.EditedAt.IsZero() {
			st.edits[r.name]++
		}
	}
	r.cursor = page.Next
	return false
}

// simStats counts what the simulations exercised, so that a test can
// check they did.
type simStats struct {
	faults, caughtUp int
	edits            map[string]int // edited deliveries read, by reader
}

func simulateStreams(t *testing.T, seed uint64, st *simStats) {
	rng := rand.New(rand.NewPCG(seed, 99))
	clock := cmkittest.NewClock(t0)
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "sim"}, Clock: clock, Seed: seed,
		ReadRates: cmkittest.FaultRates{Transient: 0.15, RateLimit: 0.05, Timeout: 0.05, LostResponse: 0.1}})
	vocab := []string{"acme", "Acme", "ACME", "phone", "Phone", "łódź", "ŁÓDŹ", "news", "acmes", "phones"}
	seps := []string{" ", ", ", "! ", " #", " (", ") "}
	text := func() string {
		var b strings.Builder
		for i := range 1 + rng.IntN(5) {
			if i > 0 {
				b.WriteString(seps[rng.IntN(len(seps))])
			}
			b.WriteString(vocab[rng.IntN(len(vocab))])
		}
		return b.String()
	}
	// The model's own matcher: lower-cased runs of letters.
	matchAll := func(words ...string) func(string) bool {
		return func(s string) bool {
			have := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
			for _, w := range words {
				if !slices.Contains(have, w) {
					return false
				}
			}
			return true
		}
	}
	mentions, public := newSimStream(), newSimStream()
	readers := []*simReader{
		{name: "ReadMentions", read: f.ReadMentions, model: mentions, match: func(string) bool { return true }},
		{name: "Search", read: searchFor(f, "acme PHONE"), model: public, match: matchAll("acme", "phone")},
	}
	for _, r := range readers {
		r.seen, r.lastAt = map[int]bool{}, -1
	}
	feed := func(s *simStream, feed func(...cmkit.Mention) ([]cmkit.Mention, error), ms ...cmkit.Mention) {
		fed, err := feed(ms...)
		require.NoError(t, err)
		for _, m := range fed {
			s.add(m)
		}
	}
	for range 400 {
		switch op := rng.IntN(20); {
		case op < 2:
			ms := make([]cmkit.Mention, 1+rng.IntN(3))
			for i := range ms {
				ms[i] = cmkit.Mention{Text: text()}
			}
			feed(mentions, f.Feed, ms...)
		case op < 4:
			ms := make([]cmkit.Mention, 1+rng.IntN(3))
			for i := range ms {
				ms[i] = cmkit.Mention{Text: text()}
			}
			feed(public, f.FeedPublic, ms...)
		case op < 5 && len(mentions.ids) > 0: // a mention that is a public post too
			id := mentions.ids[rng.IntN(len(mentions.ids))]
			if _, in := public.last[id]; !in {
				m := mentions.log[mentions.last[id]]
				feed(public, f.FeedPublic, cmkit.Mention{ID: id, Kind: cmkit.KindMention, Text: m.Text, CreatedAt: m.CreatedAt})
			}
		case op < 8 && len(mentions.ids)+len(public.ids) > 0:
			all := append(slices.Clone(mentions.ids), public.ids...)
			id := all[rng.IntN(len(all))]
			var last time.Time
			var holders []*simStream
			for _, s := range []*simStream{mentions, public} {
				if s.live[id] {
					holders = append(holders, s)
					m := s.log[s.last[id]]
					for _, v := range []time.Time{m.CreatedAt, m.EditedAt} {
						if v.After(last) {
							last = v
						}
					}
				}
			}
			newText := text()
			edited, err := f.Edit(id, newText, time.Time{})
			if len(holders) == 0 {
				require.ErrorIs(t, err, cmkit.ErrNotFound, "editing deleted %s", id)
				break
			}
			require.NoError(t, err)
			wantAt := clock.Now()
			if !wantAt.After(last) {
				wantAt = last.Add(time.Millisecond)
			}
			require.Equal(t, wantAt, edited.EditedAt)
			require.Equal(t, newText, edited.Text)
			for _, s := range holders {
				m := s.log[s.last[id]]
				m.Text, m.EditedAt = newText, edited.EditedAt
				s.add(m)
			}
		case op < 9 && len(mentions.ids) > 0:
			id := mentions.ids[rng.IntN(len(mentions.ids))]
			err := f.Delete(t.Context(), id)
			if !mentions.live[id] {
				require.ErrorIs(t, err, cmkit.ErrNotFound)
				break
			}
			require.NoError(t, err)
			mentions.live[id], mentions.dead[id] = false, true
		case op < 11:
			clock.Advance(time.Duration(rng.IntN(3)) * time.Second)
		default:
			readers[op%2].step(t, 1+rng.IntN(4), st)
		}
	}
	// Drain both: each ends on an empty page, which checks that nothing
	// live was missed.
	for _, r := range readers {
		caughtUp := false
		for range 10000 {
			if caughtUp = r.step(t, 5, st); caughtUp {
				break
			}
		}
		require.True(t, caughtUp, "%s never caught up", r.name)
	}
}

// FuzzFakeSearch feeds Search any query and cursor over one post. A bad
// query or cursor is a *cmkit.ValidationError; otherwise the post is found
// exactly when every word of the query equals a word of its text as
// strings.EqualFold decides, and the cursor after it reads an empty page.
func FuzzFakeSearch(f *testing.F) {
	f.Add("acme phone", "", "My ACME phone!")
	f.Add("łódź", "", "ŁÓDŹ, Poland")
	f.Add("\u212a", "", "k")
	f.Add("ǅ", "", "ǆ ǅ Ǆ")
	f.Add("acme", "s1.abc", "acme")
	f.Add("", "bogus", "x")
	f.Add("ß", "s-1", "SS ß ẞ")
	f.Fuzz(func(t *testing.T, q string, cursor string, text string) {
		fake := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}})
		_, err := fake.FeedPublic(cmkit.Mention{ID: "p", Text: text})
		require.NoError(t, err)
		page, err := fake.Search(t.Context(), q, cmkit.Cursor(cursor), 0)
		if err != nil {
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			return
		}
		if cursor != "" {
			return
		}
		isWord := func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '_'
		}
		have := strings.FieldsFunc(text, isWord)
		want := true
		for _, w := range strings.FieldsFunc(q, isWord) {
			want = want && slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, w) })
		}
		if !want {
			assert.Empty(t, page.Mentions)
			assert.Equal(t, cmkit.Cursor(""), page.Next)
			return
		}
		require.Equal(t, []string{"p"}, mentionIDs(page.Mentions))
		next, err := fake.Search(t.Context(), q, page.Next, 0)
		require.NoError(t, err)
		assert.Empty(t, next.Mentions)
		assert.Equal(t, page.Next, next.Next)
	})
}

// Reads, feeds and edits at once, under -race.
func TestFakeStreamsAreSafeForConcurrentUse(t *testing.T) {
	f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "c"}, ReadRates: cmkittest.FaultRates{Transient: 0.3}})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				id := fmt.Sprintf("w%d-%d", w, i)
				_, err := f.Feed(cmkit.Mention{ID: id, Text: "acme"})
				assert.NoError(t, err)
				_, err = f.FeedPublic(cmkit.Mention{ID: id, Text: "acme"})
				assert.NoError(t, err)
				_, err = f.Edit(id, "acme edited", time.Time{})
				assert.NoError(t, err)
			}
		}()
	}
	for _, read := range []readPage{f.ReadMentions, searchFor(f, "acme")} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var cur cmkit.Cursor
			for range 300 {
				if page, err := read(t.Context(), cur, 3); err == nil {
					cur = page.Next
				}
			}
		}()
	}
	wg.Wait()
	var got []cmkit.Mention
	var cur cmkit.Cursor
	for range 10000 {
		page, err := f.ReadMentions(t.Context(), cur, 0)
		if err != nil {
			continue
		}
		if len(page.Mentions) == 0 {
			break
		}
		got, cur = append(got, page.Mentions...), page.Next
	}
	assert.Len(t, got, 400, "200 mentions, each edited once")
}
