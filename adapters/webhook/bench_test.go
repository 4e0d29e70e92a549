package webhook_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/webhook"
	"github.com/cmkit/cmkit/adapters/webhook/webhooktest"
)

// BenchmarkPublish publishes over loopback HTTP to the bundled endpoint:
// the channel, net/http both ways, the receiver's checks and the
// in-memory platform.
func BenchmarkPublish(b *testing.B) {
	s := newServer(b, webhooktest.ServerConfig{})
	ch := newChannel(b, s, nil)
	benchPublish(b, ch)
}

// BenchmarkPublishInProcess is the channel and the receiver without the
// network: the request goes to the receiver through an in-process
// RoundTripper, which answers like the endpoint (201 and a receipt).
func BenchmarkPublishInProcess(b *testing.B) {
	rc, err := webhook.NewReceiver(webhook.ReceiverConfig{Secrets: []string{secret}})
	if err != nil {
		b.Fatal(err)
	}
	h := rc.Wrap(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		webhook.WritePublished(w, http.StatusCreated, webhook.Published{PlatformID: "1", PublishedAt: time.Unix(1, 0)})
	}))
	ch, err := webhook.New(webhook.Config{Info: info("acme-intranet"), URL: "https://hooks.example/cmkit",
		Secret: secret, Client: &http.Client{Transport: inProcess{h}}})
	if err != nil {
		b.Fatal(err)
	}
	benchPublish(b, ch)
}

func benchPublish(b *testing.B, ch cmkit.Channel) {
	ctx := context.Background()
	post := cmkit.Post{Text: "Our winter menu is out! https://acme.example/menu #winter", Language: "en"}
	b.ReportAllocs()
	for b.Loop() {
		post.ID = cmkit.NewID()
		if _, err := ch.Publish(ctx, post); err != nil {
			b.Fatal(err)
		}
	}
}

// inProcess serves requests with a handler, in the caller's goroutine.
type inProcess struct{ h http.Handler }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	w := httptest.NewRecorder()
	t.h.ServeHTTP(w, r)
	return w.Result(), nil
}

// BenchmarkSign signs a 300-byte body.
func BenchmarkSign(b *testing.B) {
	body := make([]byte, 300)
	ts := time.Unix(1764681600, 0)
	b.ReportAllocs()
	for b.Loop() {
		webhook.Sign(secret, ts, body)
	}
}
