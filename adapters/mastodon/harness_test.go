package mastodon_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/mastodon"
	"github.com/cmkit/cmkit/adapters/mastodon/mastodontest"
	"github.com/cmkit/cmkit/cmkittest"
)

// harness connects cmkittest.TestChannel to a channel over a fake server.
type harness struct {
	srv *mastodontest.Server
	ch  *mastodon.Channel
}

var _ cmkittest.SearchHarness = (*harness)(nil)

// newHarness starts a fake server with cfg and opens a channel on it.
func newHarness(t testing.TB, cfg mastodontest.Config, tune ...func(*mastodon.Config)) *harness {
	t.Helper()
	srv := mastodontest.NewServer(cfg)
	t.Cleanup(srv.Close)
	c := mastodon.Config{Server: srv.URL(), Token: srv.Token(), ChannelID: "acme-mastodon", Brand: "acme",
		Handle: "@acme", Languages: []string{"en", "es"}, HTTPClient: srv.Client(), Clock: cfg.Clock}
	for _, f := range tune {
		f(&c)
	}
	ch, err := mastodon.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return &harness{srv: srv, ch: ch}
}

func (h *harness) Channel() cmkit.Channel { return h.ch }

func (h *harness) Published(_ context.Context, id uuid.UUID) (int, error) {
	return h.srv.Count(id.String()), nil
}

func (h *harness) AddMentions(_ context.Context, n int) ([]string, error) {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = h.srv.AddMention("fan", fmt.Sprintf("conformance mention %d", i+1), "")
	}
	return ids, nil
}

func (h *harness) AddPublic(_ context.Context, n int, word string) ([]string, error) {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = h.srv.AddPublic("listener", fmt.Sprintf("conformance public post %d about %s!", i+1, word))
	}
	return ids, nil
}

func (h *harness) InjectFault(_ context.Context, f cmkittest.Fault) error {
	m := map[cmkittest.Fault]cmkittest.Fault{
		cmkittest.FaultTransient: cmkittest.FaultTransient, cmkittest.FaultRateLimit: cmkittest.FaultRateLimit,
		cmkittest.FaultPermanent: cmkittest.FaultPermanent, cmkittest.FaultTimeout: cmkittest.FaultTimeout,
		cmkittest.FaultLostResponse: cmkittest.FaultLostResponse,
	}
	mf, ok := m[f]
	if !ok {
		return fmt.Errorf("%w: fault %s", cmkit.ErrUnsupported, f)
	}
	h.srv.Inject(mf)
	return nil
}

func (h *harness) Secrets() []string { return []string{h.srv.Token()} }

func TestChannel(t *testing.T) {
	cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
		return newHarness(t, mastodontest.Config{Token: "s3cr3t-" + uuid.NewString(), LeakToken: true})
	})
}
