package readability

import (
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/testbudget"
)

func TestCountEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		name, text, lang string
		want             Stats
	}{
		{"empty", "", "en", Stats{}},
		{"spaces", " \t\n\n ", "en", Stats{}},
		{"only emoji", "🎉🔥 👍🏽 ❤️ 👨‍👩‍👧", "en", Stats{}},
		{"only hashtags", "#summer #sale\n#BlackFriday #2024", "en", Stats{}},
		{"only mentions and a link", "@ana @bob@mastodon.social https://cmkit.dev/x", "es", Stats{}},
		{"only numbers", "19.99 19,99 10:30 2024", "es", Stats{}},
		{"one word", "Hello", "en", Stats{Sentences: 1, Words: 1, Syllables: 2, Letters: 5}},
		{"no punctuation", "thanks for the follow", "en",
			Stats{Sentences: 1, Words: 4, Syllables: 5, Letters: 18}},
		{"final fragment", "Big news. More soon", "en",
			Stats{Sentences: 2, Words: 4, Syllables: 4, Letters: 15}},
		{"line breaks end sentences", "New post\nLink in bio\n\n#ad", "en",
			Stats{Sentences: 2, Words: 5, Syllables: 6, Letters: 16}},
		{"runs of terminators", "Wow!!! Really?! Yes... ok…", "en",
			Stats{Sentences: 4, Words: 4, Syllables: 5, Letters: 14}},
		{"hashtags and emoji are not words", "Love it 😍 #summer #sale!", "en",
			Stats{Sentences: 1, Words: 2, Syllables: 2, Letters: 6}},
		{"link keeps the closing dot", "Read https://cmkit.dev/a. Then reply", "en",
			Stats{Sentences: 2, Words: 3, Syllables: 4, Letters: 13}},
		{"email and mention", "Write to ana@example.com or @ana. Thanks", "en",
			Stats{Sentences: 2, Words: 4, Syllables: 4, Letters: 15}},
		{"decimals en", "It costs 19.99 today. Buy now", "en",
			Stats{Sentences: 2, Words: 5, Syllables: 6, Letters: 18}},
		{"decimals es", "Cuesta 19,99 euros. O 19.99 dólares.", "es",
			Stats{Sentences: 2, Words: 4, Syllables: 8, Letters: 19}},
		{"cashtag and price", "Buy $AAPL at $199.", "en",
			Stats{Sentences: 1, Words: 2, Syllables: 2, Letters: 5}},
		{"abbreviations en", "Dr. Smith likes e.g. tea, coffee etc. and more. Mr. Brown too.", "en",
			// e.g. is one word of two syllables (e + g).
			Stats{Sentences: 2, Words: 12, Syllables: 14, Letters: 43}},
		{"etc. before a capital ends", "Tea, coffee etc. We have it all.", "en",
			Stats{Sentences: 2, Words: 7, Syllables: 8, Letters: 23}},
		{"abbreviations es", "El Sr. Pérez y la Sra. Gómez compran fruta, p.ej. peras. Bien.", "es",
			// p.ej. is one word of two syllables (p + ej).
			Stats{Sentences: 2, Words: 12, Syllables: 18, Letters: 44}},
		{"abbreviations pl", "Mamy np. kawę, herbatę itd. Zapraszamy. Dr. Nowak też.", "pl",
			// np and Dr have no vowel, so no syllable; Za-pra-sza-my is hard.
			Stats{Sentences: 3, Words: 9, Syllables: 15, Letters: 40, Complex: 1}},
		{"initials", "J. K. Rowling wrote it.", "en",
			Stats{Sentences: 1, Words: 5, Syllables: 6, Letters: 16}},
		{"apostrophes and hyphens", "Don't miss our well-known state-of-the-art app's launch", "en",
			// state-of-the-art is one word of 4 syllables, so hard.
			Stats{Sentences: 1, Words: 7, Syllables: 11, Letters: 43, Complex: 1}},
		{"other scripts are words", "Привет мир", "en",
			Stats{Sentences: 1, Words: 2, Syllables: 2, Letters: 9}},
		{"polish vowelless words", "W domu i w pracy", "pl",
			Stats{Sentences: 1, Words: 5, Syllables: 5, Letters: 12}},
		{"region subtag", "¿Qué tal? Bien.", "es-MX",
			Stats{Sentences: 2, Words: 3, Syllables: 3, Letters: 10}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Count(tc.text, tc.lang); got != tc.want {
				t.Errorf("Count(%q, %q) = %+v, want %+v", tc.text, tc.lang, got, tc.want)
			}
		})
	}
}

func TestSyllablesWords(t *testing.T) {
	for _, tc := range []struct {
		word, lang string
		want       int
	}{
		{"", "en", 0}, {"123", "en", 0}, {"well-known", "en", 2}, {"don't", "en", 1},
		{"couldn’t", "en", 2}, {"HELLO", "en", 2}, {"hmm", "en", 1}, {"Sr", "es", 1},
		{"w", "pl", 0}, {"NIE", "pl", 1}, {"Ziemia", "pl", 2}, {"prohibir", "es-ES", 2},
		{"banana", "de", 3}, {"día", "xx", 1},
	} {
		if got := Syllables(tc.word, tc.lang); got != tc.want {
			t.Errorf("Syllables(%q, %q) = %d, want %d", tc.word, tc.lang, got, tc.want)
		}
	}
	long := strings.Repeat("ba", 100) // longer than maxPart letters
	for _, lang := range []string{"en", "es", "pl", ""} {
		if got := Syllables(long, lang); got != 100 {
			t.Errorf("Syllables(200 letters, %q) = %d, want 100", lang, got)
		}
	}
}

func TestCountAllocatesNothing(t *testing.T) {
	for _, lang := range []string{"en", "es", "pl", "de"} {
		text := benchText(t, lang)
		if n := testing.AllocsPerRun(50, func() { Count(text, lang) }); n != 0 {
			t.Errorf("Count(%s) allocates %v times per run", lang, n)
		}
	}
}

func FuzzCount(f *testing.F) {
	for _, s := range []string{
		"", "Hello world. How are you?", "¿Qué tal? Sr. Pérez, p.ej. 19,99 €.",
		"Nie wiem, np. w domu itd. Dobrze!", "#tag @user https://x.y/z. 🎉", "a.b.c. 1.2.3",
		"\xff\xfe.", "don't-stop'n'go", "e.g.\n\n\u2028!", strings.Repeat("x-", 80),
	} {
		f.Add(s, "en")
		f.Add(s, "es")
		f.Add(s, "pl")
	}
	f.Fuzz(func(t *testing.T, text, lang string) {
		defer testbudget.CheckFuzz(t, time.Now(), text)
		s := Count(text, lang)
		if s.Sentences < 0 || s.Words < 0 || s.Syllables < 0 || s.Letters < 0 || s.Complex < 0 {
			t.Fatalf("negative count %+v", s)
		}
		if s.Complex > s.Words || s.Sentences > s.Words || s.Letters < s.Words {
			t.Fatalf("inconsistent counts %+v", s)
		}
		if s.Words > 0 && s.Sentences == 0 {
			t.Fatalf("words but no sentence: %+v", s)
		}
		// Every word has a syllable, except Polish words with no vowel
		// letter (w, z).
		if parseLang(lang) != langPL && s.Syllables < s.Words {
			t.Fatalf("fewer syllables than words: %+v", s)
		}
		if s.Letters > utf8.RuneCountInString(text) {
			t.Fatalf("more letters than runes: %+v", s)
		}
		for _, f := range []Formula{FleschReadingEase, FernandezHuerta, SzigrisztPazos, Pisarek} {
			score, ok := s.Score(f)
			if ok != (s.Words > 0) || math.IsNaN(score) || math.IsInf(score, 0) {
				t.Fatalf("%+v.Score(%s) = %v, %v", s, f, score, ok)
			}
			if ok && f.Band(score) == "" {
				t.Fatalf("no band for %s %v", f, score)
			}
		}
	})
}
