package cmkit

import (
	"math/rand"
	"strings"
	"testing"
)

// TestFitTailMatchesTheWalk compares fit, which cuts a long text from a
// split point when the counting is additive (fitTail), with fitOnce, which
// walks the text from its start, on random text full of what counts
// specially: links (some that stop being links when cut), mentions,
// hashtags, emoji, wide characters and combining marks.
func TestFitTailMatchesTheWalk(t *testing.T) {
	var lims []Limits
	for _, p := range Platforms() {
		if l, _ := PlatformLimits(p); l.additive() && l.MaxLength > 0 {
			lims = append(lims, l)
		}
	}
	for _, c := range []Counting{"", CountCodePoints, CountUTF16, CountBytes} {
		for _, max := range []int{130, 200, 333, 1000} {
			lims = append(lims, Limits{MaxLength: max, Counting: c}, Limits{MaxLength: max, Counting: c, LinksNeedScheme: true})
		}
	}
	pieces := []string{
		"word", "Word", "a", "the", "community", " ", " ", " ", " ", "  ", "\n", "\t", ".", ",", "!",
		"https://acme.com/x?utm_source=y", "acme.com", "a.co", "a.co0", "www.example.org/path", "x.y",
		"@ana", "@ana@mastodon.social", "#tag", "#SpringSale", "$AAPL", "e-mail",
		"🎉", "👍🏽", "👨‍👩‍👧", "❤️", "🇪🇸", "中文", "日本語", "é", "e\u0301", "\u0301", "ą", "\u200d", "\r\n", "\u0600",
	}
	rng := rand.New(rand.NewSource(1))
	split := 0 // how many times fitTail found the cut
	const texts = 400
	for range texts {
		var b strings.Builder
		for n := 200 + rng.Intn(6000); b.Len() < n; {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		text := b.String()
		for _, l := range lims {
			want := l.fitOnce(text, l.MaxLength, 0)
			if got := l.fit(text, l.MaxLength, 0); got != want {
				t.Fatalf("%+v\naround %q|%q\nfit %d, the walk %d", l, text[max(want-60, 0):want], text[want:min(want+60, len(text))], got, want)
			}
			if l.Count(text) > l.MaxLength {
				if _, ok := l.fitTail(text, l.MaxLength); ok {
					split++
				}
			}
		}
	}
	if split < texts {
		t.Errorf("fitTail found the cut %d times for %d texts", split, texts)
	}
}
