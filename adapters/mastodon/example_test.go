package mastodon_test

import (
	"context"
	"fmt"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/mastodon"
	"github.com/cmkit/cmkit/adapters/mastodon/mastodontest"
	"github.com/cmkit/cmkit/cmkittest"
)

// Example opens a channel on the bundled fake server (in production:
// mastodon.New(mastodon.FromEnv()) with MASTODON_SERVER and
// MASTODON_TOKEN), publishes, loses an answer, and finds the post.
func Example() {
	srv := mastodontest.NewServer(mastodontest.Config{Followers: 42})
	defer srv.Close()
	ch, err := mastodon.New(mastodon.Config{Server: srv.URL(), Token: srv.Token(), ChannelID: "acme-mastodon"})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	post := cmkit.Post{ID: cmkit.NewID(), Text: "Hello, fediverse!", Language: "en"}
	srv.Inject(cmkittest.FaultLostResponse)
	_, err = ch.Publish(ctx, post)
	fmt.Println("publish:", cmkit.Classify(err))
	rc, err := ch.FindPost(ctx, post.ID)
	fmt.Println("found:", err == nil && rc.PostID == post.ID, "posts:", srv.Count(post.ID.String()))
	n, _ := ch.FollowerCount(ctx)
	fmt.Println("followers:", n)
	// Output:
	// publish: ambiguous
	// found: true posts: 1
	// followers: 42
}
