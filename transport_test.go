package cmkit_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
)

// post sends a POST with client to url and returns the error of a request
// that got no answer.
func post(t *testing.T, client *http.Client, url string) error {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(`{"text":"hi"}`))
	require.NoError(t, err)
	resp, err := client.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("POST %s got an answer: %s", url, resp.Status)
	}
	return err
}

// countingServer answers with handle, and counts the requests that reached
// it.
func countingServer(t *testing.T, tlsServer bool, handle http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		handle(w, r)
	})
	var srv *httptest.Server
	if tlsServer {
		srv = httptest.NewUnstartedServer(h)
		srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake errors the tests cause
		srv.StartTLS()
	} else {
		srv = httptest.NewServer(h)
	}
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestClassifyTransportRefusedIsTransient(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	err = cmkit.ClassifyTransport(post(t, http.DefaultClient, "http://"+addr+"/statuses"))
	assert.Equal(t, cmkit.Transient, cmkit.Classify(err), "%v", err)
	var op *net.OpError
	assert.ErrorAs(t, err, &op, "the cause is kept")
}

func TestClassifyTransportDNSFailureIsTransient(t *testing.T) {
	resolver := &net.Resolver{PreferGo: true, Dial: func(context.Context, string, string) (net.Conn, error) {
		return nil, errors.New("no name server in this test")
	}}
	dialer := &net.Dialer{Resolver: resolver}
	client := &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}

	err := cmkit.ClassifyTransport(post(t, client, "http://api.platform.invalid/statuses"))
	assert.Equal(t, cmkit.Transient, cmkit.Classify(err), "%v", err)
	var dns *net.DNSError
	assert.ErrorAs(t, err, &dns)
}

// A server whose certificate the client does not trust never sees the
// request.
func TestClassifyTransportBadCertificateIsTransient(t *testing.T) {
	srv, reached := countingServer(t, true, func(http.ResponseWriter, *http.Request) {})

	err := cmkit.ClassifyTransport(post(t, &http.Client{}, srv.URL+"/statuses"))
	assert.Equal(t, cmkit.Transient, cmkit.Classify(err), "%v", err)
	assert.Zero(t, reached.Load(), "the request reached the server")
}

// A TLS client that gets an answer that is not TLS has sent only its
// handshake.
func TestClassifyTransportAnswerNotTLSIsTransient(t *testing.T) {
	srv, reached := countingServer(t, false, func(http.ResponseWriter, *http.Request) {})
	_, err := tls.Dial("tcp", srv.Listener.Addr().String(), &tls.Config{InsecureSkipVerify: true})
	require.Error(t, err)

	err = cmkit.ClassifyTransport(err)
	assert.Equal(t, cmkit.Transient, cmkit.Classify(err), "%v", err)
	assert.Zero(t, reached.Load())
}

// A server that reads the request and then closes the connection may have
// acted on it.
func TestClassifyTransportConnectionClosedAfterTheRequestIsAmbiguous(t *testing.T) {
	srv, reached := countingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	})

	err := cmkit.ClassifyTransport(post(t, srv.Client(), srv.URL+"/statuses"))
	assert.Equal(t, cmkit.Ambiguous, cmkit.Classify(err), "%v", err)
	assert.ErrorIs(t, err, io.EOF)
	assert.Equal(t, int32(1), reached.Load())
}

// A client timeout while waiting for the answer leaves the outcome unknown.
func TestClassifyTransportTimeoutWaitingForTheAnswerIsAmbiguous(t *testing.T) {
	release := make(chan struct{})
	srv, reached := countingServer(t, false, func(http.ResponseWriter, *http.Request) { <-release })
	t.Cleanup(func() { close(release) }) // before the server closes: cleanups run last first
	client := srv.Client()
	client.Timeout = 50 * time.Millisecond

	err := cmkit.ClassifyTransport(post(t, client, srv.URL+"/statuses"))
	assert.Equal(t, cmkit.Ambiguous, cmkit.Classify(err), "%v", err)
	var timeout interface{ Timeout() bool }
	require.ErrorAs(t, err, &timeout)
	assert.True(t, timeout.Timeout())
	assert.Equal(t, int32(1), reached.Load())
}

// The errors that prove nothing was sent, as net/http wraps them, are
// transient; the same kinds of error after a connection was made are
// ambiguous.
func TestClassifyTransportByCause(t *testing.T) {
	wrap := func(err error) error { return &url.Error{Op: "Post", URL: "https://api.invalid/statuses", Err: err} }
	refused := errors.New("connect: connection refused")
	for _, c := range []struct {
		err  error
		want cmkit.Failure
	}{
		{wrap(&net.OpError{Op: "dial", Net: "tcp", Err: refused}), cmkit.Transient},
		{wrap(&net.OpError{Op: "dial", Net: "tcp", Err: context.Canceled}), cmkit.Transient},
		{wrap(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "api.invalid", IsNotFound: true}}), cmkit.Transient},
		{wrap(x509.HostnameError{Certificate: &x509.Certificate{}, Host: "api.invalid"}), cmkit.Transient},
		{wrap(x509.CertificateInvalidError{Cert: &x509.Certificate{}, Reason: x509.Expired}), cmkit.Transient},
		{wrap(x509.UnknownAuthorityError{}), cmkit.Transient},
		{wrap(&tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}), cmkit.Transient},
		{wrap(tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}), cmkit.Transient},
		{wrap(&net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}), cmkit.Ambiguous},
		{wrap(&net.OpError{Op: "write", Net: "tcp", Err: errors.New("broken pipe")}), cmkit.Ambiguous},
		{wrap(io.EOF), cmkit.Ambiguous},
		{wrap(io.ErrUnexpectedEOF), cmkit.Ambiguous},
		{errors.New("http: server gave HTTP response to HTTPS client"), cmkit.Ambiguous},
	} {
		got := cmkit.ClassifyTransport(c.err)
		assert.Equal(t, c.want, cmkit.Classify(got), "%v", c.err)
		assert.ErrorIs(t, got, c.err, "the cause is kept")
	}
}

// A context that ended cannot tell, from the error alone, whether the
// request left: ambiguous, with the context's error kept.
func TestClassifyTransportEndedContextIsAmbiguous(t *testing.T) {
	for _, cause := range []error{context.Canceled, context.DeadlineExceeded} {
		err := cmkit.ClassifyTransport(fmt.Errorf("Post %q: %w", "https://api.invalid", cause))
		assert.Equal(t, cmkit.Ambiguous, cmkit.Classify(err))
		assert.ErrorIs(t, err, cause)
	}
}

func TestClassifyTransportKeepsAClassifiedError(t *testing.T) {
	assert.NoError(t, cmkit.ClassifyTransport(nil))
	for _, err := range []error{
		fmt.Errorf("%w: 503", cmkit.ErrTransient),
		&cmkit.RateLimitError{RetryAfter: time.Minute},
		fmt.Errorf("%w: reset", cmkit.ErrAmbiguous),
		fmt.Errorf("%w: refused", cmkit.ErrPermanent),
		cmkit.NotSent(canceledCtx()),
	} {
		assert.Same(t, err, cmkit.ClassifyTransport(err))
	}
	// A dial error that an adapter already called ambiguous stays so.
	dial := fmt.Errorf("%w: %w", cmkit.ErrAmbiguous, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("refused")})
	assert.Equal(t, cmkit.Ambiguous, cmkit.Classify(cmkit.ClassifyTransport(dial)))
}

func canceledCtx() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// The fact ClassifyTransport's documentation warns about: net/http sends a
// POST that carries an Idempotency-Key header a second time, without
// telling the caller, when the kept-alive connection it was written on
// breaks; without the header the caller gets the error.
func TestNetHTTPRetriesAPostWithAnIdempotencyKey(t *testing.T) {
	for _, withKey := range []bool{false, true} {
		var posts atomic.Int32
		srv, _ := countingServer(t, false, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && posts.Add(1) == 1 {
				_, _ = io.ReadAll(r.Body)
				if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
					conn.Close() // the request was read; the answer is lost
				}
				return
			}
			w.WriteHeader(http.StatusCreated)
		})
		client := srv.Client()
		resp, err := client.Get(srv.URL) // the connection is now kept alive and reused
		require.NoError(t, err)
		resp.Body.Close()

		req, err := http.NewRequest(http.MethodPost, srv.URL+"/statuses", strings.NewReader(`{"text":"hi"}`))
		require.NoError(t, err)
		if withKey {
			req.Header.Set("Idempotency-Key", "post-1")
		}
		resp, err = client.Do(req)
		if withKey {
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, int32(2), posts.Load(), "with the header, the POST was sent twice and the caller got one answer")
		} else {
			assert.Error(t, err)
			assert.Equal(t, int32(1), posts.Load())
		}
	}
}

// A request to a port nobody listens on never left, so a retry cannot
// double-post; a request whose connection closed after it was written may
// have been applied.
func ExampleClassifyTransport() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil { // nobody listens there now
		fmt.Println(err)
		return
	}
	_, err = http.Post("http://"+addr+"/statuses", "application/json", strings.NewReader(`{"text":"hi"}`))
	fmt.Println(cmkit.Classify(cmkit.ClassifyTransport(err)))

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	_, err = http.Post(srv.URL+"/statuses", "application/json", strings.NewReader(`{"text":"hi"}`))
	fmt.Println(cmkit.Classify(cmkit.ClassifyTransport(err)))
	// Output:
	// transient
	// ambiguous
}
