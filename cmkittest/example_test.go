package cmkittest_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
)

// The nasty failure: the platform publishes, then the answer is lost. On a
// channel without retry safety, a blind retry double-posts; Count shows it.
func ExampleFakeChannel() {
	ctx := context.Background()
	fake, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: cmkit.ChannelInfo{
		ID: "acme-es-fb", Platform: cmkit.Facebook, RetrySafety: cmkit.RetryUnsafe,
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	post := cmkit.Post{ID: cmkit.NewID(), Text: "¡Sorteo de verano! Comenta para participar."}

	fake.Inject(cmkittest.FaultLostResponse)
	_, err = fake.Publish(ctx, post)
	fmt.Println(cmkit.Classify(err), "failure; copies on the platform:", fake.Count(post.ID))

	// What a careless scheduler does: it publishes again.
	if _, err := fake.Publish(ctx, post); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after a blind retry:", fake.Count(post.ID))
	// Output:
	// ambiguous failure; copies on the platform: 1
	// after a blind retry: 2
}

// A simulated clock moves only when the test says so; a rate limit window
// passes in no time.
func ExampleClock() {
	clock := cmkittest.NewClock(time.Date(2026, 10, 25, 0, 0, 0, 0, time.UTC))
	fake, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{
		Info:  cmkit.ChannelInfo{ID: "acme-x", Platform: cmkit.X},
		Clock: clock, RateLimit: 1, RateWindow: 15 * time.Minute,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	publish := func() error {
		_, err := fake.Publish(context.Background(), cmkit.Post{ID: cmkit.NewID(), Text: "hi"})
		return err
	}
	fmt.Println(publish())
	fmt.Println(publish())
	clock.Advance(15 * time.Minute)
	fmt.Println(publish())
	// Output:
	// <nil>
	// fake channel "acme-x": publish: cmkit: rate limited, retry after 15m0s
	// <nil>
}
