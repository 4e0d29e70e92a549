package cmkittest

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// FakeHarness returns a ChannelHarness whose sandbox is fake; it is a
// SearchHarness (through FeedPublic) and an EditHarness (through Edit) as
// well. ch is the
// channel under test: fake itself (pass nil), or a wrapper around it (a
// rate-limited, scoped or logging decorator), so that decorators run the
// same conformance suite as the channel they wrap:
//
//	cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
//		fake, _ := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: info})
//		return cmkittest.FakeHarness(fake, myDecorator(fake))
//	})
func FakeHarness(fake *FakeChannel, ch cmkit.Channel) ChannelHarness {
	if ch == nil {
		ch = fake
	}
	return fakeHarness{fake: fake, ch: ch}
}

type fakeHarness struct {
	fake *FakeChannel
	ch   cmkit.Channel
}

var (
	_ SearchHarness = fakeHarness{}
	_ EditHarness   = fakeHarness{}
)

func (h fakeHarness) Channel() cmkit.Channel { return h.ch }

func (h fakeHarness) Published(_ context.Context, id uuid.UUID) (int, error) {
	return h.fake.Count(id), nil
}

func (h fakeHarness) AddMentions(_ context.Context, n int) ([]string, error) {
	return h.add(n, h.fake.Feed, func(i int) cmkit.Mention {
		return cmkit.Mention{Kind: cmkit.KindComment, Author: cmkit.Author{ID: "u1", Handle: "conformance"},
			Text: fmt.Sprintf("conformance mention %d", i+1)}
	})
}

func (h fakeHarness) AddPublic(_ context.Context, n int, word string) ([]string, error) {
	return h.add(n, h.fake.FeedPublic, func(i int) cmkit.Mention {
		return cmkit.Mention{Author: cmkit.Author{ID: "u2", Handle: "listener"},
			Text: fmt.Sprintf("conformance public post %d about %s!", i+1, word)}
	})
}

// add feeds n items made by item through feed, and returns their IDs.
func (h fakeHarness) add(n int, feed func(...cmkit.Mention) ([]cmkit.Mention, error), item func(i int) cmkit.Mention) ([]string, error) {
	ms := make([]cmkit.Mention, n)
	for i := range ms {
		ms[i] = item(i)
	}
	fed, err := feed(ms...)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(fed))
	for i, m := range fed {
		out[i] = m.ID
	}
	return out, nil
}

func (h fakeHarness) Edit(_ context.Context, id, text string) error {
	_, err := h.fake.Edit(id, text, time.Time{})
	return err
}

func (h fakeHarness) InjectFault(_ context.Context, f Fault) error {
	h.fake.Inject(f)
	return nil
}

func (h fakeHarness) Secrets() []string { return []string{h.fake.Token()} }
