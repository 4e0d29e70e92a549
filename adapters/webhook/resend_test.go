package webhook_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/webhook"
	"github.com/cmkit/cmkit/adapters/webhook/webhooktest"
	"github.com/cmkit/cmkit/cmkittest"
)

// TestNoNetHTTPResend: a publish sent on a kept-alive connection that
// breaks after the endpoint published, before any byte of the answer, is
// not sent again by net/http (it would be: the request carries an
// Idempotency-Key, but the channel clears Request.GetBody), so the
// endpoint receives it once and the channel reports the outcome unknown.
// Had net/http resent it, the receiver would have seen a byte-for-byte
// copy: the same Idempotency-Key, timestamp, delivery ID and signature.
// With a SeenStore the receiver refuses it, 409 "replayed", before the
// handler; without one it verifies, and the endpoint answers the known key
// with 409 and the first post. One post either way, and the publisher's
// own retry, signed anew, gets the first post's receipt.
func TestNoNetHTTPResend(t *testing.T) {
	for _, c := range []struct {
		name string
		seen webhook.SeenStore
		code string // of the 409 to the copy
	}{
		{"with a SeenStore", &webhook.MemorySeen{}, webhook.CodeReplayed},
		{"without one", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			srv := newServer(t, webhooktest.ServerConfig{Seen: c.seen})
			trap := cmkittest.NewResendTrap(srv.URL(), func(r *http.Request) bool { return r.Method == http.MethodPost })
			defer trap.Close()
			ch, err := webhook.New(webhook.Config{Info: info("acme-intranet"), URL: trap.URL(), Secret: secret, Client: trap.Client()})
			require.NoError(t, err)
			post := cmkit.Post{ID: cmkit.NewID(), Text: "hola"}
			_, err = ch.FindPost(ctx, post.ID) // a GET: the connection is kept alive, and reused below
			require.ErrorIs(t, err, cmkit.ErrNotFound)

			_, err = ch.Publish(ctx, post)
			require.ErrorIs(t, err, cmkit.ErrAmbiguous)
			require.True(t, trap.Dropped(), "the trap broke the connection after the endpoint published")
			assert.Equal(t, 1, trap.Received(), "net/http did not send the POST again")
			assert.Equal(t, 1, srv.Count(post.ID))
			posts := func() int { // the POSTs that reached the handler
				n := 0
				for _, d := range srv.Deliveries() {
					if d.Method == http.MethodPost {
						n++
					}
				}
				return n
			}
			require.Equal(t, 1, posts())

			resp, err := trap.Replay() // what net/http's resend would have sent
			require.NoError(t, err)
			defer resp.Body.Close()
			assert.Equal(t, http.StatusConflict, resp.StatusCode)
			var answer struct {
				Code       string `json:"error"`
				PlatformID string `json:"platform_id"`
			}
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&answer))
			assert.Equal(t, c.code, answer.Code)
			first := srv.Posts()[0].Published.PlatformID
			if c.seen == nil {
				assert.Equal(t, first, answer.PlatformID, "the endpoint answers the key with the first post")
				assert.Equal(t, 2, posts(), "the copy reached the handler")
			} else {
				assert.Equal(t, 1, posts(), "the copy never reached the handler")
			}
			assert.Equal(t, 1, srv.Count(post.ID))

			rc, err := ch.Publish(ctx, post) // the publisher's retry
			require.NoError(t, err)
			assert.Equal(t, first, rc.PlatformID)
			assert.Equal(t, 1, srv.Count(post.ID))
		})
	}
}
