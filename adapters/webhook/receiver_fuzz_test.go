package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cmkit/cmkit/adapters/webhook"
	"github.com/cmkit/cmkit/cmkittest"
)

// FuzzReceiver sends the receiver arbitrary bodies, timestamps and
// signature headers: it never panics, and the handler runs only for a
// request that carries the v1 signature of its own timestamp and body.
func FuzzReceiver(f *testing.F) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	ts := strconv.FormatInt(now.Unix(), 10)
	good := `{"version":1,"kind":"post","post":{"id":"01937e8a-0000-7000-8000-000000000001","text":"hola"}}`
	f.Add(good, ts, webhook.Sign(secret, now, []byte(good)))
	f.Add(good, ts, "v1="+strings.Repeat("0", 64))
	f.Add(good, "+"+ts, webhook.Sign(secret, now, []byte(good)))
	f.Add("", ts, "v1=,v1=zz,,v2=")
	f.Add(good, "99999999999999999999", "v1")
	rc, err := webhook.NewReceiver(webhook.ReceiverConfig{Secrets: []string{secret, oldSecret},
		Clock: cmkittest.NewClock(now), MaxBody: 4096})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body, tsHeader, sigHeader string) {
		ran := false
		h := rc.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ran = true }))
		r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
		r.Header.Set(webhook.HeaderTimestamp, tsHeader)
		r.Header.Set(webhook.HeaderSignature, sigHeader)
		h.ServeHTTP(httptest.NewRecorder(), r)
		if !ran {
			return
		}
		n, err := strconv.ParseInt(tsHeader, 10, 64)
		if err != nil {
			t.Fatalf("the handler ran for the timestamp %q", tsHeader)
		}
		signed := false
		for _, s := range []string{secret, oldSecret} {
			signed = signed || strings.Contains(sigHeader, webhook.Sign(s, time.Unix(n, 0), []byte(body)))
		}
		if !signed {
			t.Fatalf("the handler ran for a request without its signature: %q %q %q", body, tsHeader, sigHeader)
		}
	})
}

// TestMemorySeenExpiry: a key is seen until its instant, and new again
// after it.
func TestMemorySeenExpiry(t *testing.T) {
	clock := cmkittest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
	m := &webhook.MemorySeen{Clock: clock}
	ctx := context.Background()
	until := clock.Now().Add(time.Minute)
	for i := range 200 { // enough keys to sweep
		seen, _ := m.Seen(ctx, "k"+strconv.Itoa(i), until)
		if seen {
			t.Fatalf("key %d seen before it was recorded", i)
		}
	}
	if seen, _ := m.Seen(ctx, "k7", until); !seen {
		t.Fatal("k7 was recorded and has not expired")
	}
	clock.Advance(time.Minute)
	for i := range 200 {
		if seen, _ := m.Seen(ctx, "k"+strconv.Itoa(i), clock.Now().Add(time.Minute)); seen {
			t.Fatalf("key %d expired but is still seen", i)
		}
	}
}
