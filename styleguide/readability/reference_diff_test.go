package readability

import (
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cmkit/cmkit/internal/testbudget"
)

var refLangs = []string{"en", "es", "pl", "de"}

// TestCountMatchesReference compares Count and Syllables, with their ASCII
// fast paths, to the simple implementation in reference_test.go: on every
// word of the testdata lists, alone and in running text, on the benchmark
// posts and on random text built from the pieces that steer Count.
func TestCountMatchesReference(t *testing.T) {
	check := func(text string) {
		t.Helper()
		for _, lang := range refLangs {
			if got, want := Count(text, lang), refCount(text, lang); got != want {
				t.Fatalf("Count(%q, %q) = %+v, reference %+v", text, lang, got, want)
			}
		}
	}
	paths, err := filepath.Glob("testdata/syllables_*.tsv")
	if err != nil || len(paths) == 0 {
		t.Fatal("no word lists", err)
	}
	var words []string
	for _, path := range paths {
		for _, wc := range readWordList(t, path) {
			words = append(words, wc.word)
			for _, lang := range refLangs {
				l := parseLang(lang)
				if got, want := syllables(wc.word, l), refSyllables(wc.word, l); got != want {
					t.Errorf("Syllables(%q, %q) = %d, reference %d", wc.word, lang, got, want)
				}
			}
			check(wc.word)
			check(strings.ToUpper(wc.word) + ".")
		}
	}
	check(strings.Join(words, " "))
	check(strings.Join(words, "-"))
	for _, lang := range refLangs {
		check(benchText(t, lang))
	}
	rng := rand.New(rand.NewSource(1))
	pieces := []string{
		" ", " ", " ", "\n", "\t", "\r\n", "\u00a0", "\u2028", "\v",
		".", ".", ",", "!", "?", "…", "...", "-", "‐", "'", "’", "ʼ", "_", ":", "/", "(", ")", "\"", "»", "。",
		"#", "$", "@", "http://", "HTTPS://", "www.", "Www.", "httpſ://", "\x1a", "\xff", "\xe2\x80", "\xc2\x85",
		"a", "e", "y", "t", "n't", "N'T", "q", "ue", "ism", "ly", "es", "ed", "ing", "io", "ia",
		"the", "people", "don", "dr", "Dr", "e.g", "etc", "np", "m.in", "itd", "p.ej", "Sr", "J", "K",
		"bio", "kli", "nau", "eum", "hoy", "prohibir", "muy", "nie", "w", "z",
		"é", "ï", "ñ", "ą", "ż", "ó", "ü", "Ł", "ß", "й", "мир", "\u0301", "中文",
		"0", "7", "19.99", "2nd", "mp3",
		"🎉", "👍🏽", "❤️", "👨‍👩‍👧",
		strings.Repeat("ba", 40), strings.Repeat("x", 70),
	}
	texts := 30000
	if testbudget.Race || testing.Short() {
		texts = 3000
	}
	for range texts {
		var b strings.Builder
		for k := rng.Intn(40); k >= 0; k-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		check(b.String())
	}
	// The seed corpus of the fuzz targets.
	fuzz, _ := filepath.Glob("testdata/fuzz/*/*")
	for _, path := range fuzz {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		check(string(data))
	}
}

func FuzzCountReference(f *testing.F) {
	for _, s := range []string{
		"", "Hello world. How are you?", "¿Qué tal? Sr. Pérez, p.ej. 19,99 €.",
		"Nie wiem, np. w domu itd. Dobrze!", "#tag @user https://x.y/z. 🎉", "a.b.c. 1.2.3",
		"\xff\xfe.", "don't-stop'n'go", "e.g.\n\n\u2028!", strings.Repeat("x-", 80),
	} {
		f.Add(s, "en")
		f.Add(s, "es")
		f.Add(s, "pl")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		defer testbudget.CheckFuzz(t, time.Now(), text)
		if got, want := Count(text, lang), refCount(text, lang); got != want {
			t.Fatalf("Count(%q, %q) = %+v, reference %+v", text, lang, got, want)
		}
	})
}

func TestAbbreviations(t *testing.T) {
	for _, list := range [][]abbreviation{abbrEN, abbrES, abbrPL} {
		for _, a := range list {
			if len(a.word) > maxAbbreviation || strings.ToLower(a.word) != a.word {
				t.Errorf("abbreviation %q: longer than maxAbbreviation (%d) or not in lower case", a.word, maxAbbreviation)
			}
		}
	}
}
