package bluesky_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/bluesky"
	"github.com/cmkit/cmkit/adapters/bluesky/blueskytest"
	"github.com/cmkit/cmkit/cmkittest"
)

// harness runs the conformance suite against a Channel on a fresh fake PDS.
type harness struct {
	srv *blueskytest.Server
	ch  *bluesky.Channel
}

func newHarness(t *testing.T, cfg blueskytest.ServerConfig) harness {
	t.Helper()
	srv := blueskytest.NewServer(cfg)
	t.Cleanup(srv.Close)
	ch, err := bluesky.New(bluesky.Config{ID: "acme-bsky", Handle: srv.Handle(), AppPassword: srv.AppPassword(),
		PDS: srv.URL(), Brand: "acme", Languages: []string{"en", "es"}, HTTPClient: srv.Client()})
	require.NoError(t, err)
	return harness{srv, ch}
}

func (h harness) Channel() cmkit.Channel { return h.ch }

// Published counts the live posts under the record key of id. The fake
// PDS holds at most one record per key, so the tests that can double-post
// under another key also compare Server.Posts with what they published.
func (h harness) Published(_ context.Context, id uuid.UUID) (int, error) {
	rkey, err := bluesky.RecordKey(id)
	if err != nil {
		return 0, err
	}
	return h.srv.Published(rkey), nil
}

func (h harness) AddMentions(_ context.Context, n int) ([]string, error) {
	var ids []string
	for i := range n {
		uri, err := h.srv.AddMention("fan.bsky.social", "mention", fmt.Sprintf("@%s conformance mention %d", h.srv.Handle(), i+1), "")
		if err != nil {
			return nil, err
		}
		ids = append(ids, uri)
	}
	return ids, nil
}

func (h harness) InjectFault(_ context.Context, f cmkittest.Fault) error {
	h.srv.Inject(f)
	return nil
}

func (h harness) Secrets() []string { return h.srv.Secrets() }

// faultDeadline is the deadline of a Publish after an injected fault. A
// publish here is up to four HTTP calls (a session created or refreshed,
// the record written, a read back), and on a loaded machine the default
// 200 ms ran out before the call that carried the fault: the retry then
// met the lost response meant for the first call and failed (seen about
// once in 28 runs under -race).
const faultDeadline = 2 * time.Second

func TestChannel(t *testing.T) {
	cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
		return newHarness(t, blueskytest.ServerConfig{})
	}, cmkittest.FaultDeadline(faultDeadline))
}

// TestChannelLeakyServer runs the suite against a PDS whose error messages
// echo the token or password they were sent, with every access token
// expiring after two calls, so that sessions are refreshed throughout.
func TestChannelLeakyServer(t *testing.T) {
	cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
		return newHarness(t, blueskytest.ServerConfig{LeakSecrets: true, ExpireAfter: 2})
	}, cmkittest.FaultDeadline(faultDeadline))
}

func TestHTTPStatus(t *testing.T) {
	cmkittest.TestHTTPStatus(t, func(status int, retryAfter string, now time.Time) error {
		return bluesky.ClassifyForTest(status, retryAfter, now)
	})
}
