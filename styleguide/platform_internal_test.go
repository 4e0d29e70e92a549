package styleguide

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/entity"
	"github.com/cmkit/cmkit/internal/testbudget"
)

// TestCountWithMatchesCmkit compares countWith, which counts with the
// entities the check already found, with cmkit.Limits.Count, for every
// platform whose links the default rules find (the platform rule does not
// use countWith when only links with a scheme count) and for small limits
// with every counting method, on random text full of what counts
// specially: links, mentions, hashtags, emoji, wide characters and
// combining marks.
func TestCountWithMatchesCmkit(t *testing.T) {
	var lims []cmkit.Limits
	for _, p := range cmkit.Platforms() {
		if l, ok := cmkit.PlatformLimits(p); ok && !l.LinksNeedScheme {
			lims = append(lims, l)
		}
	}
	for _, c := range []cmkit.Counting{cmkit.CountCodePoints, cmkit.CountGraphemes, cmkit.CountWeighted,
		cmkit.CountUTF16, cmkit.CountBytes, cmkit.CountEmojiBytes} {
		for _, max := range []int{130, 200, 333} {
			lims = append(lims, cmkit.Limits{MaxLength: max, Counting: c},
				cmkit.Limits{MaxLength: max, Counting: c, URLLength: 23, MentionLocalPart: true, MaxHashtags: 3, MaxLinks: 2})
		}
	}
	pieces := []string{
		"word", "Word", "a", "the", "community", " ", " ", " ", " ", "  ", "\n", "\t", ".", ",", "!",
		"https://acme.com/x?utm_source=y", "acme.com", "a.co", "a.co0", "www.example.org/path", "x.y",
		"@ana", "@ana@mastodon.social", "#tag", "#SpringSale", "$AAPL", "e-mail",
		"🎉", "👍🏽", "👨‍👩‍👧", "❤️", "🇪🇸", "中文", "日本語", "é", "e\u0301", "\u0301", "ą", "\u200d", "\r\n", "\u0600",
	}
	rng := rand.New(rand.NewSource(1))
	texts := 500
	if testbudget.Race || testing.Short() {
		texts = 50
	}
	for range texts {
		var b strings.Builder
		for n := 200 + rng.Intn(4000); b.Len() < n; {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		p := cmkit.Post{Text: b.String()}
		ents := entity.Extract(nil, p.Text)
		for _, lim := range lims {
			if got, want := countWith(lim, p.Text, ents), lim.Count(p.Text); got != want {
				t.Fatalf("%+v\ntext %q\ncountWith %d, Count %d", lim, p.Text, got, want)
			}
		}
	}
}
