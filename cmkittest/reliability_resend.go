package cmkittest

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
)

// ResendTrap is an HTTP proxy in front of a fake platform server that sets
// the trap in which Go's http.Transport sends a request a second time by
// itself: a kept-alive connection that breaks after the request was
// written and before any byte of the answer. The Transport then resends
// the request on a new connection when it deems it replayable: a GET,
// HEAD, OPTIONS or TRACE, or any method carrying an Idempotency-Key or
// X-Idempotency-Key header, with a body it can rewind (Request.GetBody);
// see isReplayable in net/http's request.go and shouldRetryRequest in its
// transport.go. An adapter whose POST creates a post could thus publish
// twice without knowing.
//
// The first request that match accepts, arriving on a connection that
// carried a request before, is passed on to the server, which applies it,
// and then the connection is closed without an answer. Every other request
// is passed on as it is. Received counts the matching requests, so a test
// sees whether net/http sent the dropped one again; Replay sends it again
// byte for byte, as the Transport would have, so a test sees what the
// platform makes of such a copy.
type ResendTrap struct {
	srv    *httptest.Server
	proxy  *httputil.ReverseProxy
	target *url.URL
	match  func(*http.Request) bool

	mu       sync.Mutex
	conns    map[string]int // requests per client connection (remote address)
	received int
	dropped  *http.Request // a copy of the dropped request, body included
	body     []byte
}

// NewResendTrap starts a trap in front of target, a fake server's base URL
// (its scheme and host). It panics when target is not an absolute URL, as
// httptest.NewServer panics when it cannot listen. Close it when done.
func NewResendTrap(target string, match func(*http.Request) bool) *ResendTrap {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		panic("cmkittest: NewResendTrap: target must be an absolute URL")
	}
	t := &ResendTrap{proxy: httputil.NewSingleHostReverseProxy(u), target: u, match: match, conns: map[string]int{}}
	t.srv = httptest.NewServer(http.HandlerFunc(t.serve))
	return t
}

// URL is the trap's base address, to configure the channel with instead
// of the fake server's.
func (t *ResendTrap) URL() string { return t.srv.URL }

// Client returns a client with a Transport of its own that keeps
// connections alive (http.DefaultTransport's settings), for the channel.
func (t *ResendTrap) Client() *http.Client {
	return &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
}

// Close shuts the trap down.
func (t *ResendTrap) Close() { t.srv.Close() }

// Received counts the requests match accepted, the dropped one included.
func (t *ResendTrap) Received() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.received
}

// Dropped reports whether the trap has dropped its one answer.
func (t *ResendTrap) Dropped() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.dropped != nil
}

// Replay sends the dropped request to the server again, with the same
// method, path, query, headers and body, as http.Transport resends it, and
// returns the server's answer, which the caller closes. It returns an
// error when nothing was dropped.
func (t *ResendTrap) Replay() (*http.Response, error) {
	t.mu.Lock()
	r, body := t.dropped, t.body
	t.mu.Unlock()
	if r == nil {
		return nil, errNothingDropped
	}
	u := *t.target
	u.Path, u.RawQuery = r.URL.Path, r.URL.RawQuery
	req, err := http.NewRequest(r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	return http.DefaultClient.Do(req)
}

type trapError string

func (e trapError) Error() string { return string(e) }

const errNothingDropped = trapError("cmkittest: ResendTrap.Replay: no request was dropped")

func (t *ResendTrap) serve(w http.ResponseWriter, r *http.Request) {
	t.mu.Lock()
	reused := t.conns[r.RemoteAddr] > 0
	t.conns[r.RemoteAddr]++
	matched := t.match(r)
	drop := matched && reused && t.dropped == nil
	if matched {
		t.received++
	}
	t.mu.Unlock()
	if !drop {
		t.proxy.ServeHTTP(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "cmkittest: ResendTrap: reading the request: "+err.Error(), http.StatusBadGateway)
		return
	}
	t.mu.Lock()
	t.dropped, t.body = r.Clone(r.Context()), body
	t.mu.Unlock()
	r.Body = io.NopCloser(bytes.NewReader(body))
	t.proxy.ServeHTTP(httptest.NewRecorder(), r) // the server applies it; its answer is lost
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic("cmkittest: ResendTrap: " + err.Error()) // an HTTP/1 server's writers can hijack
	}
	conn.Close()
}
