package bluesky

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/cmkit/cmkit"
)

// BenchmarkPreparePost measures the adapter's own work for one publish,
// without the network: the limits check, the record key, the facets (with
// a resolver that answers from memory) and the JSON of the createRecord
// input.
func BenchmarkPreparePost(b *testing.B) {
	limits, _ := cmkit.PlatformLimits(cmkit.Bluesky)
	post := cmkit.Post{ID: cmkit.NewID(), Language: "es",
		Text: "Nuevo catálogo 🇪🇸 con @alice.bsky.social #café https://acme.com/es"}
	resolve := func(context.Context, string) (string, error) { return "did:plc:alice", nil }
	ctx := context.Background()
	b.ReportAllocs()
	for range b.N {
		if err := limits.ValidatePost(post); err != nil {
			b.Fatal(err)
		}
		rkey, err := RecordKey(post.ID)
		if err != nil {
			b.Fatal(err)
		}
		fs, err := facets(ctx, post.Text, resolve)
		if err != nil {
			b.Fatal(err)
		}
		rec := postRecord{Type: postCollection, Text: post.Text, CreatedAt: "2026-12-02T10:00:00.000Z",
			Langs: []string{post.Language}, Facets: fs}
		if _, err := json.Marshal(createInput{"did:plc:acme", postCollection, rkey, rec}); err != nil {
			b.Fatal(err)
		}
	}
}
