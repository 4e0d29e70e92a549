package langid

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/testbudget"
)

// The differential tests compare Profiles with refProfiles (ref_test.go),
// the detector as it was before the performance work: every Guess must be
// exactly the same, Confidence to the last bit.

func checkSame(t testing.TB, d *Profiles, ref *refProfiles, text string) {
	t.Helper()
	got, want := d.Detect(text), ref.Detect(text)
	if got != want {
		t.Fatalf("Detect(%q)\n got %+v\nwant %+v", text, got, want)
	}
}

// diffTexts returns the texts of the test sets, the benchmark corpus and
// the other tests of the package.
func diffTexts(t testing.TB) []string {
	var texts []string
	for _, name := range []string{"en", "es", "pl", "other"} {
		for _, l := range loadSet(t, name) {
			texts = append(texts, l.text)
		}
	}
	texts = append(texts, benchCorpus(t)...)
	for _, tag := range langTags {
		texts = append(texts, readLines(t, "data/train/"+tag+".txt")...)
	}
	texts = append(texts,
		"", "ok", "@", "#", "h", "w", "www.", "http://", "https://", " ", "\t\n",
		"señor, mañana sí, por favor", "żółć, źdźbło, łąka i ślęża",
		strings.Repeat("the delivery was fast and the staff were kind ", 2000),
		strings.Repeat("dostawa była szybka, a obsługa bardzo miła ", 2000),
		strings.Repeat("qzx jqv wkz ", 5000),
		strings.Repeat("a", 10000), strings.Repeat("ą", 10000),
		"http\x1a//x.y gracias por todo amigos", "HTTPS://X.Y WWW.Z gracias por todo amigos",
	)
	return texts
}

func TestDetectSameAsReference(t *testing.T) {
	d, ref := New(), refNew()
	for _, text := range diffTexts(t) {
		checkSame(t, d, ref, text)
	}
}

// pieces are the material randomText joins: words of each language, every
// kind of separator, skipped tokens and their near misses, accented and
// foreign letters, and broken UTF-8.
var pieces = []string{
	"the", "and", "what", "have", "with", "how", "who", "www", "http", "https", "hello",
	"que", "gracias", "mañana", "señor", "pedido", "está", "¿Cuándo", "¡Ya", "niño",
	"dziękuję", "bardzo", "łąka", "że", "się", "jest", "Źdźbło", "nie", "w", "i", "a", "o",
	"grazie", "merci", "für", "çà", "ãõ", "straße", "ß", "ſ", "œ", "Ÿ",
	"@acme", "#promo", "http://x.y", "https://x.y/z?q=1", "www.x.y", "HTTP://X", "hTtPs://", "WWW.", "wwW.",
	"http:/", "https:", "www", "ww.", "htt", "@", "#", "h", "w", "H", "W", "\x1a", "http\x1a//", "www\x0e",
	" ", "  ", "\t", "\n", "\r", "\v", "\f", "\u00a0", "\u3000", "\u2028",
	",", ".", "!", "?", "'", "-", "_", "0", "42", "10/10", "😂", "👍🏽", "❤️", "\u200d", "\u00ad",
	"спасибо", "ευχαριστώ", "日本語", "ș", "ı", "ř", "å", "ø", "č", "ő", "×", "÷",
	"\xff", "\xfe", "\xc3", "\xc5", "\xe2\x82", "\xf0\x9f", "\xc3\xc3", "\x80", "\xc0\x80", "\xed\xa0\x80",
}

// randomText joins random pieces, runes and bytes, with or without white
// space between them, sometimes far beyond 280 bytes.
func randomText(rng *rand.Rand) string {
	var b strings.Builder
	n := rng.IntN(40)
	if rng.IntN(10) == 0 {
		n = rng.IntN(600)
	}
	for range n {
		switch rng.IntN(12) {
		case 0:
			b.WriteRune(rune(0x80 + rng.IntN(0x200)))
		case 1:
			b.WriteRune(rune(rng.IntN(0x3000)))
		case 2:
			b.WriteByte(byte(rng.IntN(256)))
		case 3:
			for k := rng.IntN(12); k >= 0; k-- {
				b.WriteByte(byte('a' + rng.IntN(26)))
			}
		default:
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		if rng.IntN(3) > 0 {
			b.WriteString([]string{" ", " ", " ", "\t", "\n", "  "}[rng.IntN(6)])
		}
	}
	return b.String()
}

func TestDetectSameAsReferenceRandom(t *testing.T) {
	d, ref := New(), refNew()
	rng := rand.New(rand.NewPCG(13, 1))
	texts := diffTexts(t)
	rounds := 40000
	if testing.Short() || testbudget.Race {
		rounds = 10000
	}
	for range rounds {
		var text string
		switch rng.IntN(4) {
		case 0:
			// A text of the sets, cut and spliced at random bytes.
			a, b := texts[rng.IntN(len(texts))], texts[rng.IntN(len(texts))]
			text = a[:rng.IntN(len(a)+1)] + randomText(rng) + b[rng.IntN(len(b)+1):]
		case 1:
			a := texts[rng.IntN(len(texts))]
			text = a + randomText(rng)
		default:
			text = randomText(rng)
		}
		checkSame(t, d, ref, text)
		if utf8.ValidString(text) {
			checkSame(t, d, ref, strings.ToUpper(text))
		}
	}
}

// TestScannerSameAsReference checks the trigrams, letters and marks of the
// training tokenizer, and TestCostsSameAsTrigrams those of costs.
func TestScannerSameAsReference(t *testing.T) {
	for _, text := range scanTexts(t) {
		if got, want := scanAll(text), refScanAll(text); !equalScan(got, want) {
			t.Fatalf("scan(%q)\n got %+v\nwant %+v", text, got, want)
		}
	}
}

func TestCostsSameAsTrigrams(t *testing.T) {
	for _, text := range scanTexts(t) {
		checkCosts(t, text)
	}
}

func scanTexts(t testing.TB) []string {
	rng := rand.New(rand.NewPCG(13, 2))
	texts := diffTexts(t)
	n := 20000
	if testing.Short() || testbudget.Race {
		n = 3000
	}
	for range n {
		texts = append(texts, randomText(rng))
	}
	return texts
}

// checkCosts checks the sums, the number of trigrams, the letters and the
// marks of scanner.costs against the trigrams of the training tokenizer.
func checkCosts(t testing.TB, text string) {
	t.Helper()
	idxs, want := trigrams(text)
	var wantSums [numLangs]uint32
	for _, idx := range idxs {
		for l := range wantSums {
			wantSums[l] += uint32(profileTable[idx*numLangs+l])
		}
	}
	s := scanner{text: text}
	loadCosts()
	sums, total := s.costs()
	if sums != wantSums || total != len(idxs) || s.letters != want.letters || s.marks != want.marks {
		t.Fatalf("costs(%q) = %v, %d trigrams, %d letters, marks %v\nwant %v, %d, %d, %v",
			text, sums, total, s.letters, s.marks, wantSums, len(idxs), want.letters, want.marks)
	}
}

type scanResult struct {
	trigrams []int
	letters  int
	marks    [numClasses]uint32
}

func equalScan(a, b scanResult) bool {
	if len(a.trigrams) != len(b.trigrams) || a.letters != b.letters || a.marks != b.marks {
		return false
	}
	for i := range a.trigrams {
		if a.trigrams[i] != b.trigrams[i] {
			return false
		}
	}
	return true
}

func scanAll(text string) scanResult {
	idxs, s := trigrams(text)
	return scanResult{idxs, s.letters, s.marks}
}

func refScanAll(text string) scanResult {
	var r scanResult
	var buf [64]uint16
	s := refNewScanner(text)
	for {
		n := s.fill(&buf)
		if n == 0 {
			break
		}
		for _, idx := range buf[:n] {
			r.trigrams = append(r.trigrams, int(idx))
		}
	}
	r.letters = s.letters
	r.marks = s.marks
	return r
}

func FuzzDetectSameAsReference(f *testing.F) {
	for _, s := range []string{
		"", "ok", "dziekuje bardzo, swietna obsluga", "que buena onda, gracias",
		"@a #b https://x.y www.z", "\xff\xfe\xc3", "ñ¿¡ąę", "спасибо", "日本語",
		"http", "www", "@", "#", " \t\n", "a\u00ad-b'c", "x http\x1a//y h w",
		"the staff were lovely and the food was great, gracias amigos",
	} {
		f.Add(s)
	}
	d, ref := New(), refNew()
	f.Fuzz(func(t *testing.T, text string) {
		checkSame(t, d, ref, text)
		if got, want := scanAll(text), refScanAll(text); !equalScan(got, want) {
			t.Fatalf("scan(%q)\n got %+v\nwant %+v", text, got, want)
		}
		checkCosts(t, text)
	})
}
