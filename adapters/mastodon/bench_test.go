package mastodon_test

import (
	"context"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/mastodon/mastodontest"
)

// BenchmarkPublish measures one Publish against the fake server over
// loopback HTTP: the adapter's overhead plus the round trip.
func BenchmarkPublish(b *testing.B) {
	h := newHarness(b, mastodontest.Config{RateLimit: 1 << 30})
	ctx := context.Background()
	post := cmkit.Post{Text: "Winter catalogue is out https://example.com/winter #sale", Language: "en"}
	b.ReportAllocs()
	for b.Loop() {
		post.ID = cmkit.NewID()
		if _, err := h.ch.Publish(ctx, post); err != nil {
			b.Fatal(err)
		}
	}
}
