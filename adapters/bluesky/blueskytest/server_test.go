package blueskytest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit/adapters/bluesky/blueskytest"
	"github.com/cmkit/cmkit/cmkittest"
)

// xrpc makes a raw XRPC call and returns the status, the body decoded as a
// JSON object and the headers.
func xrpc(t *testing.T, srv *blueskytest.Server, method, nsid, token string, q url.Values, in any) (int, map[string]any, http.Header) {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		require.NoError(t, err)
		body = bytes.NewReader(b)
	}
	u := srv.URL() + "/xrpc/" + nsid
	if q != nil {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequest(method, u, body)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, resp.Header
}

func login(t *testing.T, srv *blueskytest.Server) (access, refresh string) {
	t.Helper()
	status, out, _ := xrpc(t, srv, "POST", "com.atproto.server.createSession", "", nil,
		map[string]string{"identifier": srv.Handle(), "password": srv.AppPassword()})
	require.Equal(t, 200, status)
	return out["accessJwt"].(string), out["refreshJwt"].(string)
}

func post(rkey, text string) map[string]any {
	return map[string]any{"collection": "app.bsky.feed.post", "rkey": rkey,
		"record": map[string]any{"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-12-02T10:00:00.000Z"}}
}

// TestServerAnswersAsThePDS checks the fake's documented answers: a
// second record under one key is a 500 InternalServerError, a missing
// record a 400 RecordNotFound, an expired token a 400 ExpiredToken, a
// refresh token works once, a bad password is a 401.
func TestServerAnswersAsThePDS(t *testing.T) {
	srv := blueskytest.NewServer(blueskytest.ServerConfig{})
	defer srv.Close()
	access, refresh := login(t, srv)
	in := post("3kaaaaaaaaaaa", "hello")
	in["repo"] = srv.DID()
	status, _, _ := xrpc(t, srv, "POST", "com.atproto.repo.createRecord", access, nil, in)
	require.Equal(t, 200, status)
	status, out, _ := xrpc(t, srv, "POST", "com.atproto.repo.createRecord", access, nil, in)
	assert.Equal(t, 500, status)
	assert.Equal(t, "InternalServerError", out["error"])
	assert.Equal(t, 1, srv.Posts())

	q := url.Values{"repo": {srv.DID()}, "collection": {"app.bsky.feed.post"}, "rkey": {"3kbbbbbbbbbbb"}}
	status, out, _ = xrpc(t, srv, "GET", "com.atproto.repo.getRecord", "", q, nil)
	assert.Equal(t, 400, status)
	assert.Equal(t, "RecordNotFound", out["error"])

	srv.ExpireTokens()
	status, out, _ = xrpc(t, srv, "GET", "app.bsky.actor.getProfile", access, url.Values{"actor": {srv.DID()}}, nil)
	assert.Equal(t, 400, status)
	assert.Equal(t, "ExpiredToken", out["error"])
	status, _, _ = xrpc(t, srv, "POST", "com.atproto.server.refreshSession", refresh, nil, nil)
	assert.Equal(t, 200, status)
	status, out, _ = xrpc(t, srv, "POST", "com.atproto.server.refreshSession", refresh, nil, nil)
	assert.Equal(t, 400, status, "a refresh token is used once")
	assert.Equal(t, "ExpiredToken", out["error"])

	status, out, _ = xrpc(t, srv, "POST", "com.atproto.server.createSession", "", nil,
		map[string]string{"identifier": srv.Handle(), "password": "wrong"})
	assert.Equal(t, 401, status)
	assert.Equal(t, "AuthenticationRequired", out["error"])
}

func TestServerRateLimitHeaders(t *testing.T) {
	clock := cmkittest.NewClock(time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC))
	srv := blueskytest.NewServer(blueskytest.ServerConfig{Clock: clock, RateLimit: 2, RateWindow: time.Minute})
	defer srv.Close()
	access, _ := login(t, srv)
	for i, rkey := range []string{"3kaaaaaaaaaaa", "3kaaaaaaaaaab", "3kaaaaaaaaaac"} {
		in := post(rkey, "x")
		in["repo"] = srv.DID()
		status, out, h := xrpc(t, srv, "POST", "com.atproto.repo.createRecord", access, nil, in)
		assert.Equal(t, "2", h.Get("RateLimit-Limit"))
		assert.Equal(t, strconv.FormatInt(clock.Now().Add(time.Minute).Unix(), 10), h.Get("RateLimit-Reset"))
		if i < 2 {
			assert.Equal(t, 200, status)
			assert.Equal(t, strconv.Itoa(1-i), h.Get("RateLimit-Remaining"))
			continue
		}
		assert.Equal(t, 429, status)
		assert.Equal(t, "RateLimitExceeded", out["error"])
		assert.Equal(t, "0", h.Get("RateLimit-Remaining"))
	}
	assert.Equal(t, 2, srv.Posts())
}

func TestServerNotificationsPageNewestFirst(t *testing.T) {
	srv := blueskytest.NewServer(blueskytest.ServerConfig{})
	defer srv.Close()
	access, _ := login(t, srv)
	var want []string
	for range 5 {
		uri, err := srv.AddMention("fan.bsky.social", "mention", "hi", "")
		require.NoError(t, err)
		want = append([]string{uri}, want...) // newest first
	}
	var got []string
	q := url.Values{"limit": {"2"}}
	for {
		status, out, _ := xrpc(t, srv, "GET", "app.bsky.notification.listNotifications", access, q, nil)
		require.Equal(t, 200, status)
		for _, n := range out["notifications"].([]any) {
			got = append(got, n.(map[string]any)["uri"].(string))
		}
		c, ok := out["cursor"].(string)
		if !ok {
			break
		}
		q.Set("cursor", c)
	}
	assert.Equal(t, want, got)
}

func TestServerInjectsFaults(t *testing.T) {
	srv := blueskytest.NewServer(blueskytest.ServerConfig{})
	defer srv.Close()
	access, _ := login(t, srv)
	srv.Inject(cmkittest.FaultTransient, cmkittest.FaultPermanent, cmkittest.FaultLostResponse)
	in := post("3kaaaaaaaaaaa", "x")
	in["repo"] = srv.DID()
	status, _, _ := xrpc(t, srv, "POST", "com.atproto.repo.createRecord", access, nil, in)
	assert.Equal(t, 503, status)
	status, _, _ = xrpc(t, srv, "POST", "com.atproto.repo.createRecord", access, nil, in)
	assert.Equal(t, 400, status)
	assert.Equal(t, 0, srv.Posts())
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest("POST", srv.URL()+"/xrpc/com.atproto.repo.createRecord", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+access)
	_, err := srv.Client().Do(req)
	assert.Error(t, err, "the answer is lost")
	assert.Equal(t, 1, srv.Posts(), "after the record was made")
}
