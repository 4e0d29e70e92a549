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

// Listening beyond the account's mentions: public posts are searched by
// keyword, every word of the query as a whole word, and a stored cursor
// resumes with what is new.
func ExampleFakeChannel_Search() {
	ctx := context.Background()
	fake, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "acme-es-x", Platform: cmkit.X}})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = fake.FeedPublic(
		cmkit.Mention{ID: "p1", Text: "El nuevo teléfono de #Acme es genial"},
		cmkit.Mention{ID: "p2", Text: "Acmeville: fiestas de verano"},
		cmkit.Mention{ID: "p3", Text: "Mi teléfono Acme no carga"},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	page, err := fake.Search(ctx, "acme teléfono", "", 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range page.Mentions {
		fmt.Println(m.ID, m.Kind, m.Text)
	}
	if _, err := fake.FeedPublic(cmkit.Mention{ID: "p4", Text: "ACME: teléfono nuevo, ¿alguien lo tiene?"}); err != nil {
		fmt.Println(err)
		return
	}
	page, err = fake.Search(ctx, "acme teléfono", page.Next, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("since then:", page.Mentions[0].ID)
	// Output:
	// p1 mention El nuevo teléfono de #Acme es genial
	// p3 mention Mi teléfono Acme no carga
	// since then: p4
}

// An inbox's reader checkpoints its cursor and keeps it when a read
// fails, so a fault loses nothing; an edited mention comes again, with the
// same ID and a later EditedAt.
func ExampleFakeChannel_Edit() {
	ctx := context.Background()
	clock := cmkittest.NewClock(time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC))
	fake, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{
		Info:  cmkit.ChannelInfo{ID: "acme-pl-fb", Platform: cmkit.Facebook},
		Clock: clock,
		// Every second read fails: the platform served it, the answer was lost.
		ReadCycle: []cmkittest.Fault{0, cmkittest.FaultLostResponse},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	if _, err := fake.Feed(cmkit.Mention{ID: "c1", Text: "Kiedy wysyłka?"}); err != nil {
		fmt.Println(err)
		return
	}
	var checkpoint cmkit.Cursor
	read := func() {
		page, err := fake.ReadMentions(ctx, checkpoint, 10)
		if err != nil {
			fmt.Println("read failed:", cmkit.Classify(err), "- the checkpoint stays")
			return
		}
		for _, m := range page.Mentions {
			fmt.Printf("%s %q edited=%v\n", m.ID, m.Text, !m.EditedAt.IsZero())
		}
		checkpoint = page.Next
	}
	read()
	clock.Advance(time.Minute)
	if _, err := fake.Edit("c1", "Kiedy wysyłka? Czekam od tygodnia!", time.Time{}); err != nil {
		fmt.Println(err)
		return
	}
	read()
	read()
	// Output:
	// c1 "Kiedy wysyłka?" edited=false
	// read failed: ambiguous - the checkpoint stays
	// c1 "Kiedy wysyłka? Czekam od tygodnia!" edited=true
}
