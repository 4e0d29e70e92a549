package bluesky_test

import (
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/bluesky"
	"github.com/cmkit/cmkit/adapters/bluesky/blueskytest"
)

// BenchmarkPublish publishes distinct posts (a mention to resolve, a
// hashtag, a link) to the fake PDS over loopback HTTP: one resolveHandle
// and one createRecord per post. The figures include the fake server's
// own work in the same process.
func BenchmarkPublish(b *testing.B) {
	srv := blueskytest.NewServer(blueskytest.ServerConfig{})
	defer srv.Close()
	srv.AddHandle("alice.bsky.social")
	ch, err := bluesky.New(bluesky.Config{Handle: srv.Handle(), AppPassword: srv.AppPassword(), PDS: srv.URL(), HTTPClient: srv.Client()})
	if err != nil {
		b.Fatal(err)
	}
	const text = "Nuevo catálogo 🇪🇸 con @alice.bsky.social #café https://acme.com/es"
	ids := make([]cmkit.Post, b.N)
	for i := range ids {
		ids[i] = cmkit.Post{ID: cmkit.NewID(), Text: text, Language: "es"}
	}
	if _, err := ch.Publish(b.Context(), cmkit.Post{ID: cmkit.NewID(), Text: "warm up"}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if _, err := ch.Publish(b.Context(), ids[i]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordKey derives the record key of a post ID.
func BenchmarkRecordKey(b *testing.B) {
	id := cmkit.NewID()
	b.ReportAllocs()
	for range b.N {
		if _, err := bluesky.RecordKey(id); err != nil {
			b.Fatal(err)
		}
	}
}
