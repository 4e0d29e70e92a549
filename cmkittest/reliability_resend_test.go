package cmkittest_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit/cmkittest"
)

// countingServer counts the POSTs it receives and answers each with its
// number.
func countingServer(t *testing.T) (*httptest.Server, func() int) {
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			mu.Lock()
			n++
			mu.Unlock()
		}
		_, _ = io.Copy(io.Discard, r.Body)
		_, _ = w.Write([]byte("ok"))
	}))
	t.Cleanup(srv.Close)
	return srv, func() int { mu.Lock(); defer mu.Unlock(); return n }
}

// The trap works: net/http's Transport sends a POST with an
// Idempotency-Key (or X-Idempotency-Key) and a rewindable body twice,
// and its caller sees only the second answer; without the header, or
// without GetBody, the POST is sent once and the caller gets an error.
func TestResendTrapProvokesNetHTTPResend(t *testing.T) {
	for _, c := range []struct {
		name    string
		header  string
		getBody bool
		sent    int // POSTs the server received
	}{
		{"Idempotency-Key", "Idempotency-Key", true, 2},
		{"X-Idempotency-Key", "X-Idempotency-Key", true, 2},
		{"no key", "", true, 1},
		{"key without GetBody", "Idempotency-Key", false, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv, posts := countingServer(t)
			trap := cmkittest.NewResendTrap(srv.URL, func(r *http.Request) bool { return r.Method == http.MethodPost })
			defer trap.Close()
			client := trap.Client()

			resp, err := client.Get(trap.URL() + "/warm") // the connection is now reused
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()

			req, err := http.NewRequest(http.MethodPost, trap.URL()+"/posts", bytes.NewReader([]byte(`{"text":"hello"}`)))
			require.NoError(t, err)
			if c.header != "" {
				req.Header.Set(c.header, "3f1c0c7e-5d0b-4b7e-9d43-3c1d5f0d3a11")
			}
			if !c.getBody {
				req.GetBody = nil
			}
			resp, err = client.Do(req)
			if c.sent == 2 {
				require.NoError(t, err, "net/http resent the POST and got the second answer")
				resp.Body.Close()
			} else {
				require.Error(t, err, "the answer was lost, and net/http did not resend")
			}
			assert.True(t, trap.Dropped())
			assert.Equal(t, c.sent, trap.Received())
			assert.Equal(t, c.sent, posts(), "the server applied every copy")
		})
	}
}

// Replay sends the dropped request again, with its headers and body, and
// fails when nothing was dropped; a request on a fresh connection is never
// dropped.
func TestResendTrapReplay(t *testing.T) {
	var got []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("X-Sig")+" "+string(b))
		mu.Unlock()
	}))
	defer srv.Close()
	trap := cmkittest.NewResendTrap(srv.URL, func(r *http.Request) bool { return r.Method == http.MethodPost })
	defer trap.Close()
	_, err := trap.Replay()
	require.ErrorContains(t, err, "no request was dropped")

	client := trap.Client()
	post := func() error {
		req, err := http.NewRequest(http.MethodPost, trap.URL()+"/hook?a=1", strings.NewReader("body"))
		require.NoError(t, err)
		req.Header.Set("X-Sig", "v1=abc")
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	require.NoError(t, post(), "a fresh connection: passed on")
	assert.False(t, trap.Dropped())
	require.Error(t, post(), "a reused connection: the answer is dropped")
	require.True(t, trap.Dropped())
	resp, err := trap.Replay()
	require.NoError(t, err)
	resp.Body.Close()
	require.NoError(t, post(), "only the first is dropped")
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"POST /hook?a=1 v1=abc body", "POST /hook?a=1 v1=abc body", "POST /hook?a=1 v1=abc body", "POST /hook?a=1 v1=abc body"}, got)
	assert.Equal(t, 3, trap.Received(), "Replay bypasses the trap")
}
