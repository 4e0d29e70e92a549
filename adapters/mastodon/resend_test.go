package mastodon_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/mastodon"
	"github.com/cmkit/cmkit/adapters/mastodon/mastodontest"
	"github.com/cmkit/cmkit/cmkittest"
)

// TestNoNetHTTPResend: a status creation sent on a kept-alive connection
// that breaks after Mastodon created the status, before any byte of the
// answer, is not sent again by net/http (it would be: the request carries
// an Idempotency-Key, but the channel clears Request.GetBody), so the
// server receives it once and the channel reports the outcome unknown.
// Had net/http resent it, the copy (same Idempotency-Key) would have
// returned the same status within the window, as the channel's own retry
// does: one status either way.
func TestNoNetHTTPResend(t *testing.T) {
	ctx := context.Background()
	srv := mastodontest.NewServer(mastodontest.Config{})
	defer srv.Close()
	trap := cmkittest.NewResendTrap(srv.URL(), func(r *http.Request) bool {
		return r.Method == http.MethodPost && r.URL.Path == "/api/v1/statuses"
	})
	defer trap.Close()
	ch, err := mastodon.New(mastodon.Config{Server: trap.URL(), Token: srv.Token(), ChannelID: "acme-mastodon", HTTPClient: trap.Client()})
	require.NoError(t, err)
	_, err = ch.FollowerCount(ctx) // the connection is kept alive, and reused below
	require.NoError(t, err)

	post := cmkit.Post{ID: cmkit.NewID(), Text: "Hello, fediverse!"}
	_, err = ch.Publish(ctx, post)
	require.ErrorIs(t, err, cmkit.ErrAmbiguous)
	require.True(t, trap.Dropped(), "the trap broke the connection after the server created the status")
	assert.Equal(t, 1, trap.Received(), "net/http did not send the POST again")
	assert.Equal(t, 1, srv.Count(post.ID.String()))

	resp, err := trap.Replay() // what net/http's resend would have sent
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	var st struct{ ID string }
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	assert.Equal(t, 1, srv.Count(post.ID.String()), "the copy returned the status the key names")

	rc, err := ch.Publish(ctx, post) // the publisher's retry, within the window
	require.NoError(t, err)
	assert.Equal(t, st.ID, rc.PlatformID)
	assert.Equal(t, 1, srv.Count(post.ID.String()))
}
