package bluesky_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/bluesky"
	"github.com/cmkit/cmkit/adapters/bluesky/blueskytest"
	"github.com/cmkit/cmkit/cmkittest"
)

var ctx = context.Background()

func TestPublishWritesTheRecord(t *testing.T) {
	h := newHarness(t, blueskytest.ServerConfig{})
	alice := h.srv.AddHandle("alice.bsky.social")
	p := cmkit.Post{ID: cmkit.NewID(), Language: "es", Text: "¡Hola @alice.bsky.social! 🇪🇸 #café https://acme.com/es"}
	rc, err := h.ch.Publish(ctx, p)
	require.NoError(t, err)
	key, _ := bluesky.RecordKey(p.ID)
	assert.Equal(t, "at://"+h.srv.DID()+"/app.bsky.feed.post/"+key, rc.PlatformID)
	assert.Equal(t, "https://bsky.app/profile/"+h.srv.DID()+"/post/"+key, rc.URL)
	raw, ok := h.srv.Record(rc.PlatformID)
	require.True(t, ok)
	var rec struct {
		Type   string   `json:"$type"`
		Text   string   `json:"text"`
		Langs  []string `json:"langs"`
		Facets []struct {
			Index    map[string]int      `json:"index"`
			Features []map[string]string `json:"features"`
		} `json:"facets"`
	}
	require.NoError(t, json.Unmarshal(raw, &rec))
	assert.Equal(t, "app.bsky.feed.post", rec.Type)
	assert.Equal(t, []string{"es"}, rec.Langs)
	require.Len(t, rec.Facets, 3)
	// ¡ is 2 bytes: @ at 7, the handle ends at 25; "! " is 25..27; 🇪🇸 is 8 bytes (27..35), a space, # at 36.
	assert.Equal(t, map[string]int{"byteStart": 7, "byteEnd": 25}, rec.Facets[0].Index)
	assert.Equal(t, map[string]string{"$type": "app.bsky.richtext.facet#mention", "did": alice}, rec.Facets[0].Features[0])
	assert.Equal(t, map[string]int{"byteStart": 36, "byteEnd": 42}, rec.Facets[1].Index)
	assert.Equal(t, "café", rec.Facets[1].Features[0]["tag"])
	assert.Equal(t, "https://acme.com/es", rec.Facets[2].Features[0]["uri"])
	assert.Equal(t, "https://acme.com/es", p.Text[rec.Facets[2].Index["byteStart"]:rec.Facets[2].Index["byteEnd"]])
}

func TestPublishReplyNamesRootAndParent(t *testing.T) {
	h := newHarness(t, blueskytest.ServerConfig{})
	first, err := h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "1/3"})
	require.NoError(t, err)
	second, err := h.ch.PublishReply(ctx, first, cmkit.Post{ID: cmkit.NewID(), Text: "2/3"})
	require.NoError(t, err)
	third, err := h.ch.PublishReply(ctx, second, cmkit.Post{ID: cmkit.NewID(), Text: "3/3"})
	require.NoError(t, err)
	raw, _ := h.srv.Record(third.PlatformID)
	var rec struct {
		Reply struct{ Root, Parent struct{ URI, CID string } } `json:"reply"`
	}
	require.NoError(t, json.Unmarshal(raw, &rec))
	assert.Equal(t, first.PlatformID, rec.Reply.Root.URI, "the root is the thread's first post")
	assert.Equal(t, second.PlatformID, rec.Reply.Parent.URI)
	assert.NotEmpty(t, rec.Reply.Root.CID)
}

func TestRetryIsConfirmedByGetRecord(t *testing.T) {
	h := newHarness(t, blueskytest.ServerConfig{})
	p := cmkit.Post{ID: cmkit.NewID(), Text: "once"}
	h.srv.Inject(cmkittest.FaultLostResponse)
	_, err := h.ch.Publish(ctx, p)
	require.Equal(t, cmkit.Ambiguous, cmkit.Classify(err), "%v", err)
	rc, err := h.ch.Publish(ctx, p)
	require.NoError(t, err, "the PDS refuses the second record; getRecord confirms the first")
	assert.Equal(t, 1, h.srv.Creates())
	found, err := h.ch.FindPost(ctx, p.ID)
	require.NoError(t, err)
	assert.Equal(t, rc.PlatformID, found.PlatformID)

	p.Text = "edited after the first attempt"
	_, err = h.ch.Publish(ctx, p)
	assert.ErrorIs(t, err, cmkit.ErrConflict, "the key holds another text")
	assert.Equal(t, 1, h.srv.Posts())
}

func TestExpiredTokenIsRefreshedAndTheCallKept(t *testing.T) {
	h := newHarness(t, blueskytest.ServerConfig{})
	_, err := h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "first"})
	require.NoError(t, err)
	h.srv.ExpireTokens()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: fmt.Sprintf("after expiry %d", i)})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	created, refreshed := h.srv.Sessions()
	assert.Equal(t, 1, created)
	assert.Equal(t, 1, refreshed, "eight calls met one expired token and refreshed it once")
	assert.Equal(t, 9, h.srv.Posts())

	h.srv.RevokeSessions() // the refresh token is gone too: log in again
	_, err = h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "after revocation"})
	require.NoError(t, err)
	created, _ = h.srv.Sessions()
	assert.Equal(t, 2, created)
}

func TestRateLimitHeaders(t *testing.T) {
	clock := cmkittest.NewClock(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
	srv := blueskytest.NewServer(blueskytest.ServerConfig{Clock: clock, RateLimit: 1, RateWindow: time.Minute})
	defer srv.Close()
	ch, err := bluesky.New(bluesky.Config{Handle: srv.Handle(), AppPassword: srv.AppPassword(), PDS: srv.URL(), Clock: clock})
	require.NoError(t, err)
	_, err = ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "one"})
	require.NoError(t, err)
	clock.Advance(20 * time.Second)
	_, err = ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "two"})
	var rl *cmkit.RateLimitError
	require.True(t, errors.As(err, &rl), "%v", err)
	assert.Equal(t, 40*time.Second, rl.RetryAfter, "RateLimit-Reset is 40 s away")
	assert.Contains(t, err.Error(), "RateLimit-Policy 1;w=60", "the error names the limit")
	assert.Equal(t, cmkit.Transient, cmkit.Classify(err))
	clock.Advance(41 * time.Second)
	_, err = ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "three"})
	require.NoError(t, err)
}

func TestLimitsCheckedBeforeAnyCall(t *testing.T) {
	h := newHarness(t, blueskytest.ServerConfig{})
	// 300 flags are 300 graphemes (2,400 bytes): fine; one more is not.
	_, err := h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: strings.Repeat("🇵🇱", 300)})
	require.NoError(t, err)
	_, err = h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: strings.Repeat("👨‍👩‍👧", 301)})
	var ve *cmkit.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, "post.text", ve.Field)
	_, err = h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "with a picture",
		Media: []cmkit.Media{{Kind: cmkit.MediaImage, URL: "https://cdn.example/a.png"}}})
	assert.ErrorIs(t, err, cmkit.ErrUnsupported, "never published without its media")
	assert.Equal(t, 1, h.srv.Attempts(), "the over-long post and the one with media never reached the PDS")
}

func TestMentionKinds(t *testing.T) {
	h := newHarness(t, blueskytest.ServerConfig{})
	post, err := h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "our post"})
	require.NoError(t, err)
	comment, err := h.srv.AddMention("fan.bsky.social", "reply", "nice", post.PlatformID)
	require.NoError(t, err)
	ours, err := h.ch.Reply(ctx, comment, cmkit.Post{ID: cmkit.NewID(), Text: "thanks"})
	require.NoError(t, err)
	reply, err := h.srv.AddMention("fan.bsky.social", "reply", "you're welcome", ours.PlatformID)
	require.NoError(t, err)
	quote, err := h.srv.AddMention("critic.bsky.social", "quote", "hmm", "")
	require.NoError(t, err)
	page, err := h.ch.ReadMentions(ctx, "", 0)
	require.NoError(t, err)
	require.Len(t, page.Mentions, 3)
	assert.Equal(t, []string{comment, reply, quote}, []string{page.Mentions[0].ID, page.Mentions[1].ID, page.Mentions[2].ID})
	assert.Equal(t, cmkit.KindComment, page.Mentions[0].Kind)
	assert.Equal(t, post.PlatformID, page.Mentions[0].ThreadID)
	assert.Equal(t, cmkit.KindReply, page.Mentions[1].Kind)
	assert.Equal(t, post.PlatformID, page.Mentions[1].ThreadID)
	assert.Equal(t, ours.PlatformID, page.Mentions[1].InReplyTo)
	assert.Equal(t, cmkit.KindMention, page.Mentions[2].Kind)
	assert.Equal(t, "critic.bsky.social", page.Mentions[2].Author.Handle)
	_, err = h.ch.ReadMentions(ctx, "not a cursor", 1)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}

func TestInsightsAndFollowers(t *testing.T) {
	h := newHarness(t, blueskytest.ServerConfig{})
	rc, err := h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "counted"})
	require.NoError(t, err)
	require.True(t, h.srv.SetCounts(rc.PlatformID, 12, 3, 4, 2))
	in, err := h.ch.Insights(ctx, rc.PlatformID)
	require.NoError(t, err)
	assert.Equal(t, int64(12), in.Reactions)
	assert.Equal(t, int64(4), in.Comments)
	assert.Equal(t, int64(5), in.Shares, "reposts and quotes")
	assert.Contains(t, in.Missing, cmkit.MetricImpressions)
	h.srv.SetFollowers(1234)
	n, err := h.ch.FollowerCount(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(1234), n)
	other, err := h.srv.AddMention("fan.bsky.social", "mention", "hi", "")
	require.NoError(t, err)
	assert.ErrorIs(t, h.ch.Delete(ctx, other), cmkit.ErrUnsupported, "another account's post")
}

func TestConfig(t *testing.T) {
	t.Setenv(bluesky.EnvHandle, "acme.bsky.social")
	t.Setenv(bluesky.EnvAppPassword, "xxxx-xxxx-xxxx-xxxx")
	t.Setenv(bluesky.EnvPDS, "")
	cfg := bluesky.FromEnv()
	assert.Equal(t, "acme.bsky.social", cfg.Handle)
	ch, err := bluesky.New(cfg)
	require.NoError(t, err)
	assert.Equal(t, "bluesky:acme.bsky.social", ch.Info().ID)
	for field, c := range map[string]bluesky.Config{
		"Handle":      {AppPassword: "p"},
		"AppPassword": {Handle: "a.bsky.social"},
		"PDS":         {Handle: "a.bsky.social", AppPassword: "p", PDS: "ftp://x"},
	} {
		_, err := bluesky.New(c)
		var ve *cmkit.ValidationError
		require.True(t, errors.As(err, &ve), field)
		assert.Equal(t, field, ve.Field)
	}
	_, err = bluesky.New(bluesky.Config{Handle: "no dots", AppPassword: "p"})
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}

// leakyTransport fails every request with an error that quotes its
// Authorization header and body, as a careless proxy or a debugging
// transport might.
type leakyTransport struct{ next http.RoundTripper }

func (l leakyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "createRecord") {
		return nil, fmt.Errorf("proxy refused %s with %q", r.URL, r.Header.Get("Authorization"))
	}
	if strings.HasSuffix(r.URL.Path, "createSession") {
		resp, err := l.next.RoundTrip(r)
		if err == nil {
			return resp, nil
		}
		return nil, fmt.Errorf("login failed: %w", err)
	}
	return l.next.RoundTrip(r)
}

// TestNoSecretsInErrorsOrLogs publishes, fails and logs with a server that
// echoes credentials into its errors and a transport that quotes the
// bearer token, with debug logging captured: neither the app password nor
// any token appears in an error or a log line.
func TestNoSecretsInErrorsOrLogs(t *testing.T) {
	srv := blueskytest.NewServer(blueskytest.ServerConfig{LeakSecrets: true, ExpireAfter: 1})
	defer srv.Close()
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ch, err := bluesky.New(bluesky.Config{Handle: srv.Handle(), AppPassword: srv.AppPassword(), PDS: srv.URL(), Logger: log})
	require.NoError(t, err)
	leaky, err := bluesky.New(bluesky.Config{Handle: srv.Handle(), AppPassword: srv.AppPassword(), PDS: srv.URL(), Logger: log,
		HTTPClient: &http.Client{Transport: leakyTransport{http.DefaultTransport}}})
	require.NoError(t, err)
	wrong, err := bluesky.New(bluesky.Config{Handle: srv.Handle(), AppPassword: srv.AppPassword() + "-wrong", PDS: srv.URL(), Logger: log})
	require.NoError(t, err)

	var errs []error
	for _, f := range cmkittest.Faults() {
		srv.Inject(f)
		c, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		_, err := ch.Publish(c, cmkit.Post{ID: cmkit.NewID(), Text: "fault " + f.String()})
		cancel()
		errs = append(errs, err)
	}
	srv.ExpireTokens()
	_, err = ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "after expiry"})
	require.NoError(t, err)
	_, err = leaky.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "through a leaky proxy"})
	require.Error(t, err)
	errs = append(errs, err)
	_, err = wrong.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "wrong password"})
	require.ErrorIs(t, err, cmkit.ErrForbidden)
	errs = append(errs, err, ch.Delete(ctx, "at://"+srv.DID()+"/app.bsky.feed.post/3aaaaaaaaaaaa"))
	_, err = ch.Insights(ctx, "at://"+srv.DID()+"/app.bsky.feed.post/3aaaaaaaaaaaa")
	errs = append(errs, err)

	secrets := append(srv.Secrets(), srv.AppPassword()+"-wrong")
	for _, err := range errs {
		require.Error(t, err)
		// Not in the message, nor in any error it wraps.
		for e := range unwrapAll(err) {
			for _, s := range secrets {
				assert.False(t, strings.Contains(e.Error(), s), "a wrapped error carries a credential")
			}
		}
		for _, s := range secrets {
			// Report without printing the secret itself.
			assert.False(t, strings.Contains(err.Error(), s), "an error carries a credential: %s",
				strings.ReplaceAll(err.Error(), s, "[SECRET]"))
		}
	}
	for _, s := range secrets {
		assert.False(t, strings.Contains(logs.String(), s), "the log carries a credential")
	}
	assert.Contains(t, logs.String(), "session refreshed")
}

// TestReadMentionsWalksBackThroughPages reads more notifications than one
// listNotifications page holds (100): ReadMentions walks the PDS's pages
// back to its cursor and delivers the oldest first, each once.
func TestReadMentionsWalksBackThroughPages(t *testing.T) {
	h := newHarness(t, blueskytest.ServerConfig{})
	var want []string
	add := func(n int) {
		for i := range n {
			uri, err := h.srv.AddMention("fan.bsky.social", "mention", fmt.Sprintf("hi %d", i), "")
			require.NoError(t, err)
			want = append(want, uri)
		}
	}
	add(250)
	var got []string
	var cur cmkit.Cursor
	for {
		page, err := h.ch.ReadMentions(ctx, cur, 0)
		require.NoError(t, err)
		if len(page.Mentions) == 0 {
			assert.Equal(t, cur, page.Next)
			break
		}
		require.LessOrEqual(t, len(page.Mentions), 100)
		for _, m := range page.Mentions {
			got = append(got, m.ID)
		}
		cur = page.Next
		if len(got) == 150 {
			add(120) // more arrive while reading
		}
	}
	assert.Equal(t, want, got)
}

func TestSensitiveBecomesASelfLabel(t *testing.T) {
	h := newHarness(t, blueskytest.ServerConfig{})
	rc, err := h.ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "a photo from the scene", Sensitive: true})
	require.NoError(t, err)
	raw, _ := h.srv.Record(rc.PlatformID)
	var rec struct {
		Labels struct {
			Type   string              `json:"$type"`
			Values []map[string]string `json:"values"`
		} `json:"labels"`
	}
	require.NoError(t, json.Unmarshal(raw, &rec))
	assert.Equal(t, "com.atproto.label.defs#selfLabels", rec.Labels.Type)
	assert.Equal(t, []map[string]string{{"val": "graphic-media"}}, rec.Labels.Values)
}

// unwrapAll yields err and every error it wraps, depth first.
func unwrapAll(err error) func(func(error) bool) {
	return func(yield func(error) bool) {
		var walk func(error) bool
		walk = func(e error) bool {
			if e == nil {
				return true
			}
			if !yield(e) {
				return false
			}
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				return walk(u.Unwrap())
			case interface{ Unwrap() []error }:
				for _, x := range u.Unwrap() {
					if !walk(x) {
						return false
					}
				}
			}
			return true
		}
		walk(err)
	}
}
