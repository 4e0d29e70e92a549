package sentiment

import (
	"math"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/testbudget"
)

// The differential tests compare Lexicon with refLexicon (ref_test.go),
// the analyzer as it was before the performance work: every Result must
// be the same, scores and proportions within 1e-9.

var diffTags = []string{"", "en", "es-MX", "pl", "PL", "de", "es_ES"}

func sameResult(got, want Result) bool {
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9 }
	return got.Label == want.Label && got.Lang == want.Lang && got.Hits == want.Hits &&
		near(got.Score, want.Score) && near(got.Positive, want.Positive) &&
		near(got.Neutral, want.Neutral) && near(got.Negative, want.Negative)
}

func checkSame(t testing.TB, l *Lexicon, ref *refLexicon, text, tag string) {
	t.Helper()
	got, want := l.Analyze(text, tag), ref.Analyze(text, tag)
	if !sameResult(got, want) {
		t.Fatalf("Analyze(%q, %q)\n got %+v\nwant %+v", text, tag, got, want)
	}
}

// lexiconWords returns the keys of the embedded lexicons as written in
// the files (stems without their "*").
func lexiconWords(t testing.TB) []string {
	var words []string
	for _, name := range dataFiles {
		b, err := dataFS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			if line == "" || line[0] == '#' {
				continue
			}
			k, _, _ := strings.Cut(line, "\t")
			words = append(words, strings.TrimSuffix(k, "*"))
		}
	}
	return words
}

// randomText returns a text of lexicon words, stems with endings, emoji,
// emoticons, punctuation, odd runes and spacing, in random case, with
// elongations and accents: material for every path of the scanner.
func randomText(rng *rand.Rand, words []string) string {
	var b strings.Builder
	n := rng.Intn(12)
	if rng.Intn(8) == 0 {
		n = rng.Intn(400) // longer than a window
	}
	odd := []string{"!", "!!", "?", "??", "????", "...", ",", ";", ".", ":", "-", "(", ")", ":)", ":-(", ":D", "xD", "<3", "</3", ":P", ";)", "=)", ":'(",
		"¡", "¿", "’", "'", "ʼ", "‘", "\u200d", "\ufe0f", "\U0001F3FB", "👍🏽", "😡", "❤️", "🤷\u200d♂️", "—", "«", "»", "“", "”",
		"\t", "\n", "\r", "  ", "\u00a0", "\u3000", "\xff", "\xe2\x82", "ﬁ", "İ", "ß", "ẞ", "Σ", "ς", "ǅ", "Ⅻ", "١٢", "日本", "ÀÉÎÕÜ", "ŁŻŚĆŃ",
		"n't", "isimo", "ísima", "ísimos", "isimas", "a", "e", "y", "ie", "em", "ych", "ość", "ing", "ed", "ly"}
	for i := 0; i < n; i++ {
		var w string
		switch rng.Intn(10) {
		case 0, 1, 2:
			w = odd[rng.Intn(len(odd))]
		case 3:
			// a random word of random runes
			var rb strings.Builder
			for k := rng.Intn(8); k >= 0; k-- {
				switch rng.Intn(5) {
				case 0:
					rb.WriteRune(rune(0xC0 + rng.Intn(0xC0)))
				case 1:
					rb.WriteRune(rune(rng.Intn(0x3000)))
				default:
					rb.WriteByte(byte('a' + rng.Intn(26)))
				}
			}
			w = rb.String()
		default:
			w = words[rng.Intn(len(words))]
		}
		switch rng.Intn(12) {
		case 0:
			w = strings.ToUpper(w)
		case 1:
			if r, size := utf8.DecodeRuneInString(w); size > 0 {
				w = strings.ToUpper(string(r)) + w[size:]
			}
		case 2:
			// elongate a letter
			if len(w) > 0 {
				k := rng.Intn(len(w))
				if c := w[k]; c < utf8.RuneSelf {
					w = w[:k] + strings.Repeat(string(c), 2+rng.Intn(5)) + w[k+1:]
				}
			}
		case 3:
			w += odd[len(odd)-14+rng.Intn(14)]
		case 4:
			w = strings.Repeat(w, 1+rng.Intn(20)) // long words
		case 5:
			w = strings.NewReplacer("a", "á", "e", "é", "o", "ó", "s", "ś", "z", "ż", "l", "ł", "n", "ñ").Replace(w)
		}
		b.WriteString(w)
		switch rng.Intn(6) {
		case 0:
		case 1:
			b.WriteString(odd[rng.Intn(len(odd))])
		default:
			b.WriteByte(' ')
		}
	}
	return b.String()
}

func TestDifferential(t *testing.T) {
	l, ref := New(), refNew()
	var texts []string
	for _, set := range []string{"en", "es", "pl", "holdout_en", "holdout_es", "holdout_pl"} {
		for _, s := range readSamples(t, set) {
			texts = append(texts, s.text, strings.ToUpper(s.text), strings.ToLower(s.text))
		}
	}
	texts = append(texts, mentions(t, 1000)...)
	texts = append(texts, "", " ", "!", "?!?!", "NOT GOOD", "not GOOD", "goooood", "buenísimo", "don't like it", "ʼ", "aʼ", "ʼa", "ʼʼ!", "dontʼ")
	// Every term of the lexicons, alone, in a sentence and negated.
	for _, w := range lexiconWords(t) {
		texts = append(texts, w, "this is "+w+"!", "not very "+w, strings.ToUpper(w)+" really", w+"ing "+w+"ość")
	}
	// Under the race detector, which slows this test about sevenfold, each
	// fixed text meets two of the tags in turn instead of all of them, and a
	// tenth of the random texts are drawn.
	for i, text := range texts {
		for k, tag := range diffTags {
			if testbudget.Race && k != i%len(diffTags) && k != 0 {
				continue
			}
			checkSame(t, l, ref, text, tag)
		}
	}
	rng := rand.New(rand.NewSource(1))
	words := lexiconWords(t)
	n := 200000
	if testing.Short() || testbudget.Race {
		n = 20000
	}
	for i := 0; i < n; i++ {
		checkSame(t, l, ref, randomText(rng, words), diffTags[rng.Intn(len(diffTags))])
	}
}

// TestDifferentialBuild compares the analyzers built from other lexicons
// than the embedded ones, each lexicon's text scored with both.
func TestDifferentialBuild(t *testing.T) {
	for _, data := range []string{
		"good\t2\nnot\tneg\nvery\tboost\nkind of\tdamp\nbut\tbut\nswietn*\t2.5\n:)\t2\n",
		"a b\t1\na\t-1\nabc*\t1\nabcd*\t-2\n",
		"",
		// Keys with a 0 byte: only punctuation can hold one.
		":\x00)\t2\n\x00\x00\t-1\nx\x00y\t1\n",
	} {
		read := func(lang int) (string, error) {
			if lang == langEN {
				return data, nil
			}
			return "", nil
		}
		l, err := build(read)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := refBuild(read)
		if err != nil {
			t.Fatal(err)
		}
		for _, text := range []string{data, "very good but not swietny :)", "a b abcde abcx A B", "kind of good", "hi :\x00) \x00\x00 x\x00y"} {
			for _, tag := range diffTags {
				checkSame(t, l, ref, text, tag)
			}
		}
	}
}

var fuzzDiff struct {
	l   *Lexicon
	ref *refLexicon
}

func FuzzDifferential(f *testing.F) {
	fuzzDiff.l, fuzzDiff.ref = New(), refNew()
	for i, m := range mentions(f, 40) {
		f.Add(m, diffTags[i%len(diffTags)])
	}
	rng := rand.New(rand.NewSource(2))
	words := lexiconWords(f)
	for i := 0; i < 40; i++ {
		f.Add(randomText(rng, words), diffTags[i%len(diffTags)])
	}
	f.Add("Not GOOOOD at all!!! 😡 :-( buenísimo, nie polecam", "")
	f.Fuzz(func(t *testing.T, text, tag string) {
		checkSame(t, fuzzDiff.l, fuzzDiff.ref, text, tag)
	})
}

// FuzzDifferentialLexicon builds both analyzers from a fuzzed lexicon and
// compares them on a fuzzed text.
func FuzzDifferentialLexicon(f *testing.F) {
	f.Add("good\t2\nnot\tneg\nvery\tboost\nkind of\tdamp\nbut\tbut\nswietn*\t2.5\n:)\t2\n", "very good but not swietny :)")
	f.Add("a b\t1\na\t-1\nabc*\t1\nabcd*\t-2\n", "a b abcde abcx A B")
	f.Fuzz(func(t *testing.T, data, text string) {
		read := func(lang int) (string, error) {
			if lang == langEN {
				return data, nil
			}
			return "", nil
		}
		l, err := build(read)
		ref, refErr := refBuild(read)
		if (err == nil) != (refErr == nil) {
			t.Fatalf("build: %v, reference: %v", err, refErr)
		}
		if err != nil {
			return
		}
		for _, tag := range []string{"", "en", "es"} {
			checkSame(t, l, ref, text, tag)
		}
	})
}

// TestLoneModifierApostrophe: "ʼ" (U+02BC, a letter) with no letter after
// it used to start a word that read nothing, and Analyze never returned.
func TestLoneModifierApostrophe(t *testing.T) {
	l := New()
	for _, text := range []string{"ʼ", "ʼ!", "bad ʼ", "ʼ ʼ good"} {
		r := l.Analyze(text, "")
		if text == "ʼ" && r != (Result{Label: Neutral}) {
			t.Errorf("Analyze(%q) = %+v", text, r)
		}
	}
}

// TestDifferentialEdges compares the analyzers on the edges of the
// scanner's fast paths: words of every length up to past 16 bytes, with
// and without Latin letters, at the end of the text and before each kind
// of byte; texts shorter than 8 bytes; lone and repeated marks.
func TestDifferentialEdges(t *testing.T) {
	l, ref := New(), refNew()
	var texts []string
	words := []string{"good", "bad", "GOOD", "Good", "gooood", "świetny", "ŚWIETNY", "Łódź", "buenísimo", "no", "nie", "not", "kind", "sin"}
	for n := 1; n <= 20; n++ {
		words = append(words, strings.Repeat("a", n), strings.Repeat("ab", n)[:n], strings.Repeat("Z", n), strings.Repeat("ż", n), strings.Repeat("xé", n), strings.Repeat("9", n))
	}
	after := []string{"", " ", "  ", ",", ", ", "!", "! ", "!!", "?", "? ", "?!", ".", ";", ":", ":)", "'", "'s", "’", "’s", "é", "é ", "×", "😀", "\u200d", "\ufe0f", "\x00", "\t", "\xff", "ʼ", "-", "a"}
	for _, w := range words {
		for _, a := range after {
			texts = append(texts, w+a, "x "+w+a, "not "+w+a, "This is "+w+a+" indeed, "+w+a)
		}
	}
	texts = append(texts, "a", "ab", "abc", "abcdefg", "abcdefgh", "é", "×a", "a×b", "good ×", "no es", "kind of", "kind of good", "nie działa", "nie działa!", "sin embargo,", "KIND OF GOOD", "kind  of", "kind, of")
	for _, text := range texts {
		for _, tag := range diffTags {
			checkSame(t, l, ref, text, tag)
		}
	}
}
