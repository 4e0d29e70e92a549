package webhook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/webhook"
	"github.com/cmkit/cmkit/adapters/webhook/webhooktest"
)

// A company's endpoint (here the bundled in-memory one) gets the post,
// signed; the channel returns the receipt it answers with, finds the post
// again by its ID, and deletes it.
func Example() {
	const secret = "whsec_example_current_secret"
	srv, err := webhooktest.NewServer(webhooktest.ServerConfig{Secrets: []string{secret}})
	if err != nil {
		panic(err)
	}
	defer srv.Close()

	ch, err := webhook.New(webhook.Config{
		Info:   cmkit.ChannelInfo{ID: "acme-intranet", Platform: "intranet", Brand: "acme"},
		URL:    srv.URL() + "/cmkit",
		Secret: secret,
	})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	post := cmkit.Post{ID: cmkit.NewID(), Text: "Our winter menu is out!"}
	rc, err := ch.Publish(ctx, post)
	fmt.Println(rc.PlatformID, rc.URL, err)

	again, err := ch.Publish(ctx, post) // a retry: the endpoint answers 409 with the first post
	fmt.Println(again.PlatformID, err, srv.Count(post.ID))

	found, err := ch.FindPost(ctx, post.ID)
	fmt.Println(found.PlatformID, err)

	fmt.Println(ch.Delete(ctx, rc.PlatformID))
	_, err = ch.FindPost(ctx, post.ID)
	fmt.Println(errors.Is(err, cmkit.ErrNotFound))
	// Output:
	// 1 https://intranet.example/posts/1 <nil>
	// 1 <nil> 1
	// 1 <nil>
	// <nil>
	// true
}

// Sign's output for one request, as openssl computes it by hand:
//
//	printf '%s' '1764681600.{"a":1}' | openssl dgst -sha256 -hmac whsec_example_current_secret
func ExampleSign() {
	fmt.Println(webhook.Sign("whsec_example_current_secret", time.Unix(1764681600, 0), []byte(`{"a":1}`)))
	// Output:
	// v1=2d646c0cff2ca2332fe549f2d73bfdf05a57b460dede16783021e6586d40910e
}

// The company's side: Verify checks each request before the handler runs,
// and the handler reads the verified post with DeliveryOf. During a key
// rotation both secrets are active.
func ExampleVerify() {
	published := map[string]webhook.Published{} // by idempotency key; a real endpoint keeps it in its database
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, _ := webhook.DeliveryOf(r)
		key := d.IdempotencyKey.String()
		switch d.Method {
		case http.MethodPost:
			if p, ok := published[key]; ok {
				webhook.WritePublished(w, http.StatusConflict, p) // published before: the same post
				return
			}
			// ... publish d.Payload.Post on the platform ...
			p := webhook.Published{PlatformID: fmt.Sprint(len(published) + 1)}
			published[key] = p
			webhook.WritePublished(w, http.StatusCreated, p)
		default: // no lookups nor deletes here
			webhook.WriteError(w, http.StatusNotImplemented, "unsupported", "")
		}
	})
	h, err := webhook.Verify([]string{"whsec_example_current_secret", "whsec_example_previous_secret"}, handler)
	fmt.Println(err)
	_ = h // http.Handle("/cmkit", h)
	// Output:
	// <nil>
}

// FromEnv reads WEBHOOK_URL, WEBHOOK_SECRET and WEBHOOK_SECRET_PREVIOUS.
// Without them New names the missing field, and a program can say what it
// would do instead.
func ExampleFromEnv() {
	os.Unsetenv(webhook.EnvURL)
	info := cmkit.ChannelInfo{ID: "acme-intranet", Platform: "intranet"}
	_, err := webhook.New(webhook.FromEnv(info))
	if errors.Is(err, cmkit.ErrInvalid) {
		fmt.Println("not configured:", err)
		fmt.Println("would publish to the bundled webhooktest server instead")
	}
	// Output:
	// not configured: cmkit: invalid URL: required
	// would publish to the bundled webhooktest server instead
}
