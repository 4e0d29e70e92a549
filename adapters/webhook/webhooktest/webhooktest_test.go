package webhooktest_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/webhook"
	"github.com/cmkit/cmkit/adapters/webhook/webhooktest"
	"github.com/cmkit/cmkit/cmkittest"
)

const secret = "whsec_webhooktest_0123456789"

func open(t *testing.T, cfg webhooktest.ServerConfig) (*webhooktest.Server, *webhook.Channel) {
	t.Helper()
	cfg.Secrets = []string{secret}
	s, err := webhooktest.NewServer(cfg)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	ch, err := webhook.New(webhook.Config{Info: cmkit.ChannelInfo{ID: "c", Platform: "intranet"}, URL: s.URL(),
		Secret: secret, Clock: cfg.Clock})
	require.NoError(t, err)
	return s, ch
}

func TestServer(t *testing.T) {
	s, ch := open(t, webhooktest.ServerConfig{MaxLength: 10})
	ctx := context.Background()
	p := cmkit.Post{ID: cmkit.NewID(), Text: "hola"}
	rc, err := ch.Publish(ctx, p)
	require.NoError(t, err)
	_, err = ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "far too long a text"})
	assert.ErrorIs(t, err, cmkit.ErrPermanent)
	posts := s.Posts()
	require.Len(t, posts, 1)
	assert.Equal(t, "hola", posts[0].Payload.Post.Text)
	assert.Equal(t, rc.PlatformID, posts[0].Published.PlatformID)
	posts[0].Payload.Post.Text = "changed"
	assert.Equal(t, "hola", s.Posts()[0].Payload.Post.Text, "Posts returns copies")
	require.NoError(t, ch.Delete(ctx, rc.PlatformID))
	assert.Empty(t, s.Posts())
	assert.Equal(t, 0, s.Count(p.ID))
	var methods []string
	for _, d := range s.Deliveries() {
		methods = append(methods, d.Method)
	}
	assert.Equal(t, []string{http.MethodPost, http.MethodPost, http.MethodDelete}, methods)
	assert.Equal(t, 2, s.Attempts())
}

func TestServerFaults(t *testing.T) {
	for _, f := range cmkittest.Faults() {
		s, ch := open(t, webhooktest.ServerConfig{})
		s.Inject(f)
		ctx, cancel := context.WithTimeout(context.Background(), cmkittest.DefaultFaultDeadline)
		p := cmkit.Post{ID: cmkit.NewID(), Text: "x"}
		_, err := ch.Publish(ctx, p)
		cancel()
		assert.Error(t, err, f.String())
		want := 0
		if f == cmkittest.FaultLostResponse {
			want = 1
		}
		assert.Equal(t, want, s.Count(p.ID), "%s publishes %d", f, want)
		assert.Eventually(t, func() bool { return s.Held() == 0 }, 10*time.Second, time.Millisecond,
			"a held request is released when its client gives up")
	}
}

func TestServerRateLimit(t *testing.T) {
	clock := cmkittest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC))
	_, ch := open(t, webhooktest.ServerConfig{RateLimit: 1, Clock: clock})
	ctx := context.Background()
	_, err := ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "1"})
	require.NoError(t, err)
	_, err = ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "2"})
	var rl *cmkit.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, time.Minute, rl.RetryAfter)
	clock.Advance(time.Minute)
	_, err = ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "3"})
	assert.NoError(t, err, "a new window")
}

// The bundled endpoint, as a test or an example uses it.
func ExampleNewServer() {
	s, err := webhooktest.NewServer(webhooktest.ServerConfig{Secrets: []string{secret}})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	ch, _ := webhook.New(webhook.Config{Info: cmkit.ChannelInfo{ID: "c", Platform: "intranet"}, URL: s.URL(), Secret: secret})
	post := cmkit.Post{ID: cmkit.NewID(), Text: "hola"}
	rc, err := ch.Publish(context.Background(), post)
	fmt.Println(rc.PlatformID, err, s.Count(post.ID), s.Posts()[0].Payload.Post.Text)
	// Output: 1 <nil> 1 hola
}
