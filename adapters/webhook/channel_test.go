package webhook_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/webhook"
	"github.com/cmkit/cmkit/adapters/webhook/webhooktest"
	"github.com/cmkit/cmkit/cmkittest"
)

const (
	secret     = "whsec_current_0123456789abcdef"
	oldSecret  = "whsec_previous_fedcba9876543210"
	urlToken   = "tok_in_the_url_5f3a9c"
	testMaxLen = 500
)

func info(id string) cmkit.ChannelInfo {
	return cmkit.ChannelInfo{ID: id, Platform: "intranet", Brand: "acme", Languages: []string{"es", "en"},
		Limits: cmkit.Limits{MaxLength: testMaxLen, Counting: cmkit.CountCodePoints}}
}

// newServer starts an in-memory endpoint that is closed with the test.
func newServer(t testing.TB, cfg webhooktest.ServerConfig) *webhooktest.Server {
	t.Helper()
	if cfg.Secrets == nil {
		cfg.Secrets = []string{secret}
	}
	s, err := webhooktest.NewServer(cfg)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// newChannel opens a channel on s, with a token in the URL's query, as
// some endpoints take one.
func newChannel(t testing.TB, s *webhooktest.Server, edit func(*webhook.Config)) *webhook.Channel {
	t.Helper()
	cfg := webhook.Config{Info: info("acme-intranet"), URL: s.URL() + "/hook?token=" + urlToken, Secret: secret}
	if edit != nil {
		edit(&cfg)
	}
	ch, err := webhook.New(cfg)
	require.NoError(t, err)
	return ch
}

// stub opens a channel on an endpoint that answers with h, closed with the
// test.
func stub(t *testing.T, h http.HandlerFunc) *webhook.Channel {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	ch, err := webhook.New(webhook.Config{Info: info("c"), URL: srv.URL, Secret: secret})
	require.NoError(t, err)
	return ch
}

// TestConformance runs cmkittest.TestChannel for each promise an endpoint
// may make, and during a key rotation.
func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name    string
		promise webhook.Promise
		double  bool
		rotate  bool
	}{
		{"idempotent", webhook.PromiseIdempotent, false, false},
		{"lookup", webhook.PromiseLookup, true, false},
		{"none", webhook.PromiseNone, true, false},
		{"rotation", webhook.PromiseIdempotent, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
				srvSecrets := []string{secret}
				if tc.rotate { // the receiver still knows only the old secret
					srvSecrets = []string{oldSecret}
				}
				s := newServer(t, webhooktest.ServerConfig{Secrets: srvSecrets, MaxLength: testMaxLen, Double: tc.double,
					Seen: &webhook.MemorySeen{}})
				ch := newChannel(t, s, func(c *webhook.Config) {
					c.Promise = tc.promise
					if tc.rotate {
						c.PreviousSecret = oldSecret
					}
				})
				return s.Harness(ch, secret, oldSecret, urlToken)
			})
		})
	}
}

// TestStatusCodes checks the channel's reading of every answer in
// cmkittest.HTTPStatusCases to a publish (a 2xx with a platform_id).
func TestStatusCodes(t *testing.T) {
	var status int
	var retryAfter string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if retryAfter != "" {
			w.Header().Set("Retry-After", retryAfter)
		}
		if status >= 200 && status < 300 && status != http.StatusNoContent {
			webhook.WritePublished(w, status, webhook.Published{PlatformID: "p1"})
			return
		}
		webhook.WriteError(w, status, "some_error", "")
	}))
	defer srv.Close()
	clock := cmkittest.NewClock(time.Now())
	ch, err := webhook.New(webhook.Config{Info: info("acme-intranet"), URL: srv.URL, Secret: secret, Clock: clock})
	require.NoError(t, err)
	cmkittest.TestHTTPStatus(t, func(st int, ra string, now time.Time) error {
		status, retryAfter = st, ra
		clock.Set(now)
		ctx := context.Background()
		_, err := ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "hi"})
		if st != http.StatusNoContent && st != http.StatusConflict {
			return err
		}
		// A 204 to a publish names no post, and a 409 without platform_id
		// names a post that exists but not which: the channel cannot
		// return a receipt, and the post may be out, so the outcome is
		// unknown (see the status table), never a success nor a refusal.
		if cmkit.Classify(err) != cmkit.Ambiguous {
			t.Errorf("%d to a publish: got %v, want an ambiguous error", st, err)
		}
		// A delete creates nothing, and reads them as the table does.
		return ch.Delete(ctx, "p1")
	})
}

// TestPublishAnswers covers the rows of the status table that are the
// webhook contract's own.
func TestPublishAnswers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(w http.ResponseWriter)
		check func(t *testing.T, rc cmkit.Receipt, err error)
	}{
		{"409 with the first post", func(w http.ResponseWriter) {
			webhook.WritePublished(w, http.StatusConflict, webhook.Published{PlatformID: "first", URL: "https://x/first"})
		}, func(t *testing.T, rc cmkit.Receipt, err error) {
			require.NoError(t, err)
			assert.Equal(t, "first", rc.PlatformID)
			assert.Equal(t, "https://x/first", rc.URL)
			assert.False(t, rc.PublishedAt.IsZero(), "without published_at, the time of the answer")
		}},
		{"409 replayed", func(w http.ResponseWriter) {
			webhook.WriteError(w, http.StatusConflict, webhook.CodeReplayed, "")
		}, func(t *testing.T, _ cmkit.Receipt, err error) {
			assert.Equal(t, cmkit.Ambiguous, cmkit.Classify(err), "%v", err)
		}},
		{"200 without platform_id", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusOK)
			w.Write([]byte(`{"ok":true}`))
		}, func(t *testing.T, _ cmkit.Receipt, err error) {
			assert.Equal(t, cmkit.Ambiguous, cmkit.Classify(err), "%v", err)
		}},
		{"501", func(w http.ResponseWriter) {
			webhook.WriteError(w, http.StatusNotImplemented, "unsupported", "")
		}, func(t *testing.T, _ cmkit.Receipt, err error) {
			assert.Equal(t, cmkit.Permanent, cmkit.Classify(err), "%v", err)
		}},
		{"302 is not followed", func(w http.ResponseWriter) {
			w.Header().Set("Location", "https://elsewhere.example/")
			w.WriteHeader(http.StatusFound)
		}, func(t *testing.T, _ cmkit.Receipt, err error) {
			assert.Equal(t, cmkit.Ambiguous, cmkit.Classify(err), "%v", err)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ch := stub(t, func(w http.ResponseWriter, _ *http.Request) { tc.write(w) })
			rc, err := ch.Publish(context.Background(), cmkit.Post{ID: cmkit.NewID(), Text: "hi"})
			tc.check(t, rc, err)
		})
	}
}

// TestLookupAndDeleteUnsupported: an endpoint that serves only POST
// answers lookups and deletes with a router's 404, a 405 or a 501, and the
// channel reads each as unsupported, never as "not found" (which would let
// the publisher publish again).
func TestLookupAndDeleteUnsupported(t *testing.T) {
	for _, status := range []int{http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented} {
		ch := stub(t, func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "nope", status) })
		_, err := ch.FindPost(context.Background(), cmkit.NewID())
		assert.ErrorIs(t, err, cmkit.ErrUnsupported, "FindPost after %d", status)
		assert.NotErrorIs(t, err, cmkit.ErrNotFound)
		err = ch.Delete(context.Background(), "1")
		assert.ErrorIs(t, err, cmkit.ErrUnsupported, "Delete after %d", status)
	}
}

// TestNoSecretsAnywhere: an endpoint that echoes the secret and the URL
// in its error body, a transport error whose URL carries the token, and a
// logger that logs every error: none shows a secret.
func TestNoSecretsAnywhere(t *testing.T) {
	var url string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		webhook.WriteError(w, http.StatusBadRequest, "echo",
			"secret "+secret+" previous "+oldSecret+" url "+url+" sig "+r.Header.Get(webhook.HeaderSignature))
	}))
	defer srv.Close()
	url = srv.URL + "/hooks/" + urlToken + "?token=" + urlToken
	ch, err := webhook.New(webhook.Config{Info: info("c"), URL: url, Secret: secret, PreviousSecret: oldSecret})
	require.NoError(t, err)
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	ctx := context.Background()
	_, err1 := ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "hi"})
	require.Error(t, err1)
	// Nothing listens here: the transport error names the URL.
	dead, err := webhook.New(webhook.Config{Info: info("c"), URL: "http://127.0.0.1:1/hooks/" + urlToken + "?token=" + urlToken,
		Secret: secret})
	require.NoError(t, err)
	_, err2 := dead.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "hi"})
	require.Error(t, err2)
	assert.Equal(t, cmkit.Transient, cmkit.Classify(err2), "a refused connection never sent the request: %v", err2)
	_, err3 := dead.FindPost(ctx, cmkit.NewID())
	err4 := dead.Delete(ctx, urlToken)
	for _, err := range []error{err1, err2, err3, err4} {
		log.Error("webhook failed", "err", err)
	}
	// Bad configuration names the field, never the value.
	_, err5 := webhook.New(webhook.Config{Info: info("c"), URL: "ftp://h/" + urlToken, Secret: secret})
	_, err6 := webhook.New(webhook.Config{Info: info("c"), URL: url, Secret: secret, PreviousSecret: secret})
	_, err7 := webhook.New(webhook.Config{Info: info("c"), URL: url, Secret: secret[:10]})
	for _, err := range []error{err5, err6, err7} {
		require.ErrorIs(t, err, cmkit.ErrInvalid)
		log.Error("config", "err", err)
	}
	out := logs.String()
	// Failures name the secret by its length only: the logs, which would
	// show it, are never printed.
	for _, s := range []string{secret, oldSecret, urlToken, secret[:10]} {
		if strings.Contains(out, s) {
			t.Errorf("the logs hold a secret (%d bytes)", len(s))
		}
	}
	if !strings.Contains(out, "[REDACTED]") {
		t.Errorf("the echoed body must be kept, with the secrets replaced by [REDACTED]")
	}
}

// TestNewValidates: each bad field gives a *cmkit.ValidationError naming
// it.
func TestNewValidates(t *testing.T) {
	ok := webhook.Config{Info: info("c"), URL: "https://hooks.example/cmkit", Secret: secret}
	for field, edit := range map[string]func(*webhook.Config){
		"URL":              func(c *webhook.Config) { c.URL = "" },
		"Secret":           func(c *webhook.Config) { c.Secret = "short" },
		"PreviousSecret":   func(c *webhook.Config) { c.PreviousSecret = "short" },
		"Timeout":          func(c *webhook.Config) { c.Timeout = -time.Second },
		"Promise":          func(c *webhook.Config) { c.Promise = 7 },
		"Info.RetrySafety": func(c *webhook.Config) { c.Info.RetrySafety = cmkit.RetryAfterLookup },
		"id":               func(c *webhook.Config) { c.Info.ID = "" },
	} {
		cfg := ok
		edit(&cfg)
		_, err := webhook.New(cfg)
		var ve *cmkit.ValidationError
		if assert.True(t, errors.As(err, &ve), "%s: %v", field, err) {
			assert.Equal(t, field, ve.Field)
		}
	}
	for _, u := range []string{"http://hooks.example/x", "https://user:pw@hooks.example/x", "/relative", "https://h/x#frag"} {
		cfg := ok
		cfg.URL = u
		_, err := webhook.New(cfg)
		assert.ErrorIs(t, err, cmkit.ErrInvalid, u)
	}
	_, err := webhook.New(ok)
	assert.NoError(t, err)
}

// TestFromEnv reads the three variables.
func TestFromEnv(t *testing.T) {
	t.Setenv("WEBHOOK_URL", "https://hooks.example/cmkit")
	t.Setenv("WEBHOOK_SECRET", secret)
	t.Setenv("WEBHOOK_SECRET_PREVIOUS", oldSecret)
	cfg := webhook.FromEnv(info("c"))
	assert.Equal(t, "https://hooks.example/cmkit", cfg.URL)
	assert.Equal(t, secret, cfg.Secret)
	assert.Equal(t, oldSecret, cfg.PreviousSecret)
	ch, err := webhook.New(cfg)
	require.NoError(t, err)
	assert.Equal(t, cmkit.RetryIdempotent, ch.Info().RetrySafety)
	assert.True(t, strings.HasPrefix(string(ch.Info().Platform), "intranet"))
}

// TestTimeout: a request the endpoint received and holds ends after
// Config.Timeout, ambiguous, even under a context without a deadline.
func TestTimeout(t *testing.T) {
	s := newServer(t, webhooktest.ServerConfig{})
	ch := newChannel(t, s, func(c *webhook.Config) { c.Timeout = 20 * time.Millisecond })
	s.Inject(cmkittest.FaultTimeout)
	_, err := ch.Publish(context.Background(), cmkit.Post{ID: cmkit.NewID(), Text: "held"})
	assert.Equal(t, cmkit.Ambiguous, cmkit.Classify(err), "%v", err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

// TestNoSecretAcrossTheCut: an error body is cut to 200 bytes after the
// secrets are replaced, so a secret that straddles the cut leaves no
// prefix behind.
func TestNoSecretAcrossTheCut(t *testing.T) {
	ch := stub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(strings.Repeat("x", 190) + secret))
	})
	_, err := ch.Publish(context.Background(), cmkit.Post{ID: cmkit.NewID(), Text: "hi"})
	require.Error(t, err)
	if strings.Contains(err.Error(), secret[:8]) || !strings.Contains(err.Error(), "[REDACTED]") {
		t.Errorf("the error keeps a part of the secret, or lost its [REDACTED] (error withheld)")
	}
}

// TestRepliesUnsupported: an endpoint that answers a reply or a thread's
// next part with 501 does not publish them, and says so.
func TestRepliesUnsupported(t *testing.T) {
	ch := stub(t, func(w http.ResponseWriter, _ *http.Request) {
		webhook.WriteError(w, http.StatusNotImplemented, "unsupported", "no replies here")
	})
	ctx := context.Background()
	_, err := ch.Reply(ctx, "m1", cmkit.Post{ID: cmkit.NewID(), Text: "thanks"})
	assert.ErrorIs(t, err, cmkit.ErrUnsupported)
	_, err = ch.PublishReply(ctx, cmkit.Receipt{PlatformID: "1"}, cmkit.Post{ID: cmkit.NewID(), Text: "2/2"})
	assert.ErrorIs(t, err, cmkit.ErrUnsupported)
	assert.Equal(t, []cmkit.Capability{cmkit.CapFindPost, cmkit.CapReply, cmkit.CapThread, cmkit.CapDelete},
		cmkit.Capabilities(ch))
}

// recordingTransport records whether each request could be rewound, and
// answers 201 with a receipt.
type recordingTransport struct {
	mu        sync.Mutex
	rewinds   []bool
	keyHeader []bool
}

func (rt *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rt.mu.Lock()
	rt.rewinds = append(rt.rewinds, r.GetBody != nil)
	rt.keyHeader = append(rt.keyHeader, r.Header.Get(webhook.HeaderIdempotencyKey) != "")
	rt.mu.Unlock()
	w := httptest.NewRecorder()
	webhook.WritePublished(w, http.StatusCreated, webhook.Published{PlatformID: "1"})
	return w.Result(), nil
}

// TestRequestsCannotBeResent: no request has a GetBody, so net/http's
// Transport cannot send it a second time by itself; only a publish to an
// idempotent endpoint carries an Idempotency-Key.
func TestRequestsCannotBeResent(t *testing.T) {
	for _, p := range []webhook.Promise{webhook.PromiseIdempotent, webhook.PromiseLookup, webhook.PromiseNone} {
		rt := &recordingTransport{}
		ch, err := webhook.New(webhook.Config{Info: info("c"), URL: "https://hooks.example/x", Secret: secret,
			Promise: p, Client: &http.Client{Transport: rt}})
		require.NoError(t, err)
		ctx := context.Background()
		_, err = ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "hi"})
		require.NoError(t, err)
		_, err = ch.FindPost(ctx, cmkit.NewID())
		require.NoError(t, err)
		assert.Equal(t, []bool{false, false}, rt.rewinds)
		assert.Equal(t, []bool{p == webhook.PromiseIdempotent, false}, rt.keyHeader)
	}
}

// TestFindPostWithoutPlatformID: a 200 to a lookup that names no post
// cannot tell, and is neither a receipt nor "not found".
func TestFindPostWithoutPlatformID(t *testing.T) {
	ch := stub(t, func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte(`{}`)) })
	_, err := ch.FindPost(context.Background(), cmkit.NewID())
	assert.Equal(t, cmkit.Ambiguous, cmkit.Classify(err), "%v", err)
	assert.NotErrorIs(t, err, cmkit.ErrNotFound)
}
