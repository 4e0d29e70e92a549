package styleguide

import (
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/entity"
	"github.com/cmkit/cmkit/internal/testbudget"
)

// TestCheckPostMatchesCmkit compares countWith with cmkit.Limits.Count, and
// checkPost, which fits a long text from
// a split point, to cmkit.Limits.CheckPost, which walks it from the start,
// for every platform and for small limits with every counting method, on
// random text full of what counts specially: links (some that stop being
// links when cut), mentions, hashtags, emoji, wide characters and
// combining marks.
func TestCheckPostMatchesCmkit(t *testing.T) {
	var lims []cmkit.Limits
	for _, p := range cmkit.Platforms() {
		if l, ok := cmkit.PlatformLimits(p); ok {
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
	split := 0 // how many times fitTail found the cut
	var got, want [8]cmkit.Finding
	for range texts {
		var b strings.Builder
		for n := 200 + rng.Intn(4000); b.Len() < n; {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		p := cmkit.Post{Text: b.String()}
		if rng.Intn(4) == 0 {
			p.Title = "A title"
		}
		ents := entity.Extract(nil, p.Text)
		for _, lim := range lims {
			if got, want := countWith(lim, p.Text, ents), lim.Count(p.Text); got != want {
				t.Fatalf("%+v\ntext %q\ncountWith %d, Count %d", lim, p.Text, got, want)
			}
			g := checkPost(got[:0], lim, p)
			w := lim.CheckPost(want[:0], p)
			if len(w) > 0 && w[0].Rule == "max_length" && additive(lim) {
				if _, ok := fitTail(lim, p.Text); ok {
					split++
				}
			}
			if !slices.Equal(g, w) {
				c := w[0].Cut
				t.Fatalf("%+v\naround %q|%q\ncheckPost  %+v\nCheckPost %+v", lim, p.Text[max(c-60, 0):c], p.Text[c:min(c+60, len(p.Text))], g, w)
			}
		}
	}
	if split < texts/4 {
		t.Errorf("fitTail found the cut %d times in %d texts", split, texts)
	}
}
