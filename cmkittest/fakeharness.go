package cmkittest

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// FakeHarness returns a ChannelHarness whose sandbox is fake. ch is the
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

func (h fakeHarness) Channel() cmkit.Channel { return h.ch }

func (h fakeHarness) Published(_ context.Context, id uuid.UUID) (int, error) {
	return h.fake.Count(id), nil
}

func (h fakeHarness) AddMentions(_ context.Context, n int) ([]string, error) {
	ms := make([]cmkit.Mention, n)
	for i := range ms {
		ms[i] = cmkit.Mention{
			Kind:   cmkit.KindComment,
			Author: cmkit.Author{ID: "u1", Handle: "conformance"},
			Text:   fmt.Sprintf("conformance mention %d", i+1),
		}
	}
	fed, err := h.fake.Feed(ms...)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(fed))
	for i, m := range fed {
		out[i] = m.ID
	}
	return out, nil
}

func (h fakeHarness) InjectFault(_ context.Context, f Fault) error {
	h.fake.Inject(f)
	return nil
}

func (h fakeHarness) Secrets() []string { return []string{h.fake.Token()} }
