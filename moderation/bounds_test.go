package moderation

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/cmkit/cmkit/internal/testbudget"
)

// checkBounds fails unless the facts of s are within its bounds.
func checkBounds(t *testing.T, s string) {
	t.Helper()
	f := textStats(s)
	b := textBoundsOf(s)
	lo, hi := b.capsRange()
	ratio := 0.0
	if f.letters > 0 {
		ratio = float64(f.upper) / float64(f.letters)
	}
	if b.n != len(s) || f.runes < b.runesMin() || f.runes > b.n || f.emoji > b.emojiMax() || ratio < lo || ratio > hi {
		t.Fatalf("%q: facts %+v (caps %v) outside bounds %+v (caps %v..%v)", s, f, ratio, b, lo, hi)
	}
}

// marksBounds is textBoundsOf written plainly: marks of each word of
// eight bytes (zeros past the end), summed.
func marksBounds(text string) textBounds {
	b := textBounds{n: len(text)}
	for i := 0; i < len(text); i += 8 {
		var w [8]byte
		copy(w[:], text[i:])
		var x uint64
		for k := 7; k >= 0; k-- {
			x = x<<8 | uint64(w[k])
		}
		b.add(marks(x))
	}
	return b
}

func TestTextBoundsAreTheMarksSummed(t *testing.T) {
	texts := append([]string{strings.Repeat("Ñandú ÉLAN 🔥© ", 40)}, diffTexts...)
	for _, m := range benchMentions(2000) {
		texts = append(texts, m.Text)
	}
	for _, s := range texts {
		for k := 0; k <= len(s) && k < 20; k++ {
			if got, want := textBoundsOf(s[k:]), marksBounds(s[k:]); got != want {
				t.Fatalf("%q: %+v, want %+v", s[k:], got, want)
			}
		}
	}
}

func TestTextBoundsHoldTheFacts(t *testing.T) {
	pieces := []string{"a", "Z", "1", "#", "*", " ", "\x00", "\x7f", "é", "É", "Ł", "ż", "ß", "ǅ", "Σ", "я", "Я",
		"\u0301", "\u200d", "\ufe0f", "\u20e3", "©", "®", "\u00a0", "🔥", "😡", "👍🏽", "🇵", "🇱", "\xff", "\xc3", "\xc2",
		"\xe2\x82", "\xf0\x9f", "ａ", "Ａ", "abcdefgh", "ABCDEFGHIJ", "HELLO WORLD ", "\u2122", "\u2764", "\u07ff", "\u0800"}
	for _, m := range benchMentions(2000) {
		checkBounds(t, m.Text)
	}
	for _, s := range diffTexts {
		checkBounds(t, s)
	}
	rng := rand.New(rand.NewSource(2))
	rounds := 200000
	if testbudget.Race {
		rounds = 20000
	}
	for k := 0; k < rounds; k++ {
		var b strings.Builder
		for j := rng.Intn(40); j >= 0; j-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		checkBounds(t, b.String())
	}
	// Long texts flush the per-byte counters.
	for _, p := range pieces {
		checkBounds(t, strings.Repeat(p, 300))
	}
	for r := rune(0); r < 0x3000; r++ {
		c := string(r)
		checkBounds(t, c)
		checkBounds(t, "1"+c+"\u20e3")
	}
}

func FuzzTextBounds(f *testing.F) {
	for _, s := range diffTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkBounds(t, s)
		if got, want := textBoundsOf(s), marksBounds(s); got != want {
			t.Fatalf("%q: %+v, want %+v", s, got, want)
		}
	})
}
