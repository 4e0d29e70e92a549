package bluesky_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/bluesky"
	"github.com/cmkit/cmkit/adapters/bluesky/blueskytest"
	"github.com/cmkit/cmkit/cmkittest"
)

// TestNoNetHTTPResend: a createRecord sent on a kept-alive connection that
// breaks after the PDS made the record, before any byte of the answer, is
// not sent again by net/http (it carries no Idempotency-Key), so the PDS
// receives it once and the channel reports the outcome unknown. Had
// net/http resent it, the copy would have named the same record key and
// been refused, as the channel's own retry is, which then confirms the
// record: one record either way.
func TestNoNetHTTPResend(t *testing.T) {
	ctx := context.Background()
	srv := blueskytest.NewServer(blueskytest.ServerConfig{})
	defer srv.Close()
	trap := cmkittest.NewResendTrap(srv.URL(), func(r *http.Request) bool {
		return r.Method == http.MethodPost && r.URL.Path == "/xrpc/com.atproto.repo.createRecord"
	})
	defer trap.Close()
	ch, err := bluesky.New(bluesky.Config{Handle: srv.Handle(), AppPassword: srv.AppPassword(), PDS: trap.URL(),
		HTTPClient: trap.Client(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	_, err = ch.FollowerCount(ctx) // logs in; the connection is kept alive, and reused below
	require.NoError(t, err)

	post := cmkit.Post{ID: cmkit.NewID(), Text: "Hello, Bluesky! #cmkit"}
	key, err := bluesky.RecordKey(post.ID)
	require.NoError(t, err)
	_, err = ch.Publish(ctx, post)
	require.ErrorIs(t, err, cmkit.ErrAmbiguous)
	require.True(t, trap.Dropped(), "the trap broke the connection after the PDS made the record")
	assert.Equal(t, 1, trap.Received(), "net/http did not send the POST again")
	assert.Equal(t, 1, srv.Published(key))

	resp, err := trap.Replay() // what net/http's resend would have sent
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode, "the PDS refuses a second record under the key: %s", body)
	assert.Equal(t, 1, srv.Published(key))

	rc, err := ch.Publish(ctx, post) // the publisher's retry
	require.NoError(t, err)
	assert.Equal(t, post.ID, rc.PostID)
	assert.Equal(t, 1, srv.Published(key))
	assert.Equal(t, 1, srv.Posts())
}
