package moderation

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/cmkit/cmkit/internal/testbudget"
)

// TestTextStatsMatchesReference compares the one-pass textStats with the
// frozen textStats and countEmoji on texts that mix ASCII runs of every
// length with accents, combining marks, keycaps, ZWJ sequences, flags, ©
// and ®, controls and invalid bytes.
func TestTextStatsMatchesReference(t *testing.T) {
	pieces := []string{"a", "Z", "1", "#", "*", " ", "\r", "\n", "\x00", "\x7f", "é", "Ł", "ż", "ß", "ǅ", "Σ", "я",
		"\u0301", "\u0483", "\u05bf", "\u0903", "\u200d", "\u200c", "\ufe0f", "\u20e3", "©", "®", "🔥", "😡", "👍🏽",
		"🇵", "🇱", "\u0600", "\u00ad", "\xff", "\xc3", "\xe2\x82", "\xf0\x9f", "ａ", "Ａ", "ﬁ", "\u1100", "\u1161", "\u11a8",
		"abcdefgh", "ABCDEFGHIJ", "hello world ", "\u2122", "\u2764", "\u00a0", "\u0378", "\u07ff", "\u0800"}
	check := func(s string) {
		t.Helper()
		got := textStats(s)
		l, u, r := rtextStats(s)
		e := rcountEmoji(s)
		if got != (textFacts{l, u, r, e}) {
			t.Fatalf("%q: got %+v, want letters %d upper %d runes %d emoji %d", s, got, l, u, r, e)
		}
	}
	for _, m := range benchMentions(2000) {
		check(m.Text)
	}
	for _, s := range diffTexts {
		check(s)
	}
	rng := rand.New(rand.NewSource(1))
	rounds := 200000
	if testbudget.Race {
		rounds = 20000
	}
	for k := 0; k < rounds; k++ {
		var b strings.Builder
		for j := rng.Intn(12); j >= 0; j-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		check(b.String())
	}
	// Every character below U+0800, and a sample above, after ASCII and
	// alone.
	for r := rune(0); r < 0x3000; r++ {
		if r >= 0x800 && r%7 != 0 {
			continue
		}
		c := string(r)
		for _, s := range []string{c, "a" + c, "1" + c + "\u20e3", "abcdefgh" + c + "x", c + c + "\u0301"} {
			check(s)
		}
	}
}

func FuzzTextStats(f *testing.F) {
	for _, s := range diffTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := textStats(s)
		l, u, r := rtextStats(s)
		e := rcountEmoji(s)
		if got != (textFacts{l, u, r, e}) {
			t.Fatalf("%q: got %+v, want letters %d upper %d runes %d emoji %d", s, got, l, u, r, e)
		}
	})
}
