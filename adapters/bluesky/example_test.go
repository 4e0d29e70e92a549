package bluesky_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/bluesky"
	"github.com/cmkit/cmkit/adapters/bluesky/blueskytest"
)

// Example publishes a post with a mention and a hashtag to the bundled
// fake PDS, retries it (nothing doubles), and reads a mention. Against
// Bluesky itself, open the channel with bluesky.New(bluesky.FromEnv()),
// with BLUESKY_HANDLE and BLUESKY_APP_PASSWORD set.
func Example() {
	srv := blueskytest.NewServer(blueskytest.ServerConfig{Handle: "acme.bsky.social"})
	defer srv.Close()
	srv.AddHandle("alice.bsky.social")

	ch, err := bluesky.New(bluesky.Config{ID: "acme-bsky", Handle: srv.Handle(), AppPassword: srv.AppPassword(), PDS: srv.URL()})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	post := cmkit.Post{ID: cmkit.NewID(), Language: "es", Text: "¡Hola @alice.bsky.social! 🇪🇸 #café"}
	first, err := ch.Publish(ctx, post)
	if err != nil {
		fmt.Println(err)
		return
	}
	again, err := ch.Publish(ctx, post) // a retry: the same record, confirmed with getRecord
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("retry returns the same record:", again.PlatformID == first.PlatformID, "- posts on the PDS:", srv.Posts())

	raw, _ := srv.Record(first.PlatformID)
	var rec struct {
		Facets []struct {
			Index    struct{ ByteStart, ByteEnd int }
			Features []map[string]string
		}
	}
	if err := json.Unmarshal(raw, &rec); err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range rec.Facets {
		fmt.Printf("facet [%d, %d) %q: %s\n", f.Index.ByteStart, f.Index.ByteEnd,
			post.Text[f.Index.ByteStart:f.Index.ByteEnd], f.Features[0]["$type"])
	}

	if _, err := srv.AddMention("fan.bsky.social", "mention", "@acme.bsky.social ¿hay envíos a Polonia?", ""); err != nil {
		fmt.Println(err)
		return
	}
	page, err := ch.ReadMentions(ctx, "", 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range page.Mentions {
		fmt.Printf("%s from @%s: %s\n", m.Kind, m.Author.Handle, m.Text)
	}
	// Output:
	// retry returns the same record: true - posts on the PDS: 1
	// facet [7, 25) "@alice.bsky.social": app.bsky.richtext.facet#mention
	// facet [36, 42) "#café": app.bsky.richtext.facet#tag
	// mention from @fan.bsky.social: @acme.bsky.social ¿hay envíos a Polonia?
}

// ExampleFromEnv opens the channel from BLUESKY_HANDLE,
// BLUESKY_APP_PASSWORD and BLUESKY_PDS, and, when they are not set, says so
// and opens it on the bundled fake PDS instead. (It has no Output: with the
// variables set it would talk to Bluesky.)
func ExampleFromEnv() {
	cfg := bluesky.FromEnv()
	if cfg.Handle == "" || cfg.AppPassword == "" {
		srv := blueskytest.NewServer(blueskytest.ServerConfig{})
		defer srv.Close()
		fmt.Println("BLUESKY_HANDLE and BLUESKY_APP_PASSWORD are not set: publishing to the bundled fake PDS")
		cfg = bluesky.Config{Handle: srv.Handle(), AppPassword: srv.AppPassword(), PDS: srv.URL()}
	}
	ch, err := bluesky.New(cfg)
	if err != nil {
		fmt.Println(err) // names the missing or malformed field
		return
	}
	fmt.Println(ch.Info().ID, ch.Info().RetrySafety, cmkit.Capabilities(ch))
}
