package textnorm

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/testbudget"
)

// The differential tests compare Normalizer with the frozen reference
// (ref_test.go) through everything a Buffer answers: Text, Span, Whole,
// Repeated, Ambiguous and Joined.

// diffBuffers returns the first difference between the answers of the
// buffers b (Normalizer) and r (reference), or "".
func diffBuffers(b *Buffer, r *refBuffer) string {
	if string(b.Text) != string(r.Text) {
		return fmt.Sprintf("text %q != %q", b.Text, r.Text)
	}
	n := len(r.Text)
	for i := 0; i < n; i++ {
		if s, e := b.Span(i, i+1); s != int(r.Starts[i]) || e != refEnd(r, i+1) {
			rs, re := r.Span(i, i+1)
			return fmt.Sprintf("Span(%d,%d) = %d,%d, want %d,%d", i, i+1, s, e, rs, re)
		}
		if b.Whole(i, i+1) != r.Whole(i, i+1) {
			return fmt.Sprintf("Whole(%d,%d) = %v", i, i+1, b.Whole(i, i+1))
		}
		if b.Whole(0, i+1) != r.Whole(0, i+1) || b.Whole(i, n) != r.Whole(i, n) {
			return fmt.Sprintf("Whole(0,%d) or Whole(%d,%d) differs", i+1, i, n)
		}
	}
	// Every range of a short text, and the ranges of up to 24 bytes of a
	// long one.
	span := n
	if n > 64 {
		span = 24
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j <= n && j <= i+span; j++ {
			s, e := b.Span(i, j)
			rs, re := r.Span(i, j)
			if s != rs || e != re {
				return fmt.Sprintf("Span(%d,%d) = %d,%d, want %d,%d", i, j, s, e, rs, re)
			}
			if b.Whole(i, j) != r.Whole(i, j) {
				return fmt.Sprintf("Whole(%d,%d) = %v", i, j, b.Whole(i, j))
			}
			if ws, we, ww := b.WholeSpan(i, j); ws != rs || we != re || ww != r.Whole(i, j) {
				return fmt.Sprintf("WholeSpan(%d,%d) = %d,%d,%v, want %d,%d,%v", i, j, ws, we, ww, rs, re, r.Whole(i, j))
			}
		}
	}
	for i := -1; i <= n+1; i++ {
		if b.Repeated(i) != r.Repeated(i) {
			return fmt.Sprintf("Repeated(%d) = %v", i, b.Repeated(i))
		}
		if b.Ambiguous(i) != r.Ambiguous(i) {
			return fmt.Sprintf("Ambiguous(%d) = %v", i, b.Ambiguous(i))
		}
	}
	bj, ba := b.Joined()
	rj, ra := r.Joined()
	if string(bj) != string(rj) || !slices.Equal(ba, ra) {
		return fmt.Sprintf("Joined %q %v != %q %v", bj, ba, rj, ra)
	}
	return ""
}

// refEnd is the end Span gives for a range ending at j in r.
func refEnd(r *refBuffer, j int) int {
	_, e := r.Span(j-1, j)
	return e
}

// diffNormalize normalizes src with both normalizers of opts, into the
// reused buffers b and r, and returns the first difference or "".
func diffNormalize(opts Options, b *Buffer, r *refBuffer, src string) string {
	New(opts).Normalize(b, src)
	refNew(opts).Normalize(r, src)
	return diffBuffers(b, r)
}

// allOptions are the 16 combinations of Options.
func allOptions() []Options {
	var out []Options
	for o := 0; o < 16; o++ {
		out = append(out, Options{Leet: o&1 != 0, CollapseRepeats: o&2 != 0, JoinSeparated: o&4 != 0, JoinSyllables: o&8 != 0})
	}
	return out
}

// Words of English, Spanish and Polish, as in internal/match's benchmarks.
var diffVocabulary = strings.Fields(`the of and to in is you that it he was for on are as with his they at be this
have from or one had by word but not what all were we when your can said there use an each which she do how
el la de que y en un ser se no haber por con su para como estar tener le lo todo pero más hacer o poder decir
este ir otro ese si me ya ver porque dar cuando muy sin vez mucho saber qué sobre mañana también niño corazón
canción árbol año último después según jamás próximo aquí allí será está búsqueda promoción envío gratis oferta
się nie jest to że na w z do co jak ale tak już jeszcze tylko może być który bardzo wszystko dzięki żeby kiedy
gdzie teraz zniżki dziś sklep klient zamówienie przesyłka łódź źródło gęś żółw świetny ciekawy głupi ważny
order shipping package delivery store love great thanks awesome product support help question price color size`)

// benchMentions returns n mentions of 40 to 280 bytes of mixed English,
// Spanish and Polish like the moderation and match benchmarks' (seeded
// alike), one word in sixteen an evasion, spam or link.
func benchMentions(n int, seed int64) []string {
	rng := rand.New(rand.NewSource(seed))
	spice := []string{"1d10t4", "idiiiiota", "es-ta-fa", "i.d.i.o.t.a", "he11", "GŁUUUPI", "ＩＤＩＯＴＡ", "e-mail",
		"idiota", "1d10t", "GŁUPI", "click here", "free followers", "https://bit.ly/3xYz", "https://acme.com/shop",
		"no funciona", "nie działa", "refund", "🔥🔥", "😡", "URGENT", "verify your account", "kurwa", "a$$", "sh!t", "@ana"}
	out := make([]string, n)
	for i := range out {
		size := 40 + rng.Intn(241)
		var b strings.Builder
		for b.Len() < size {
			w := diffVocabulary[rng.Intn(len(diffVocabulary))]
			if rng.Intn(16) == 0 {
				w = spice[rng.Intn(len(spice))]
			}
			switch rng.Intn(20) {
			case 0:
				w = strings.ToUpper(w[:1]) + w[1:]
			case 1:
				w += ","
			case 2:
				w += "!"
			case 3:
				w += " 👍🏽"
			case 4:
				w = strings.ToUpper(w)
			case 5:
				w += "."
			}
			b.WriteString(w)
			b.WriteByte(' ')
		}
		s := b.String()
		for len(s) > size {
			_, n := utf8.DecodeLastRuneInString(s)
			s = s[:len(s)-n]
		}
		out[i] = s
	}
	return out
}

// adversarial are pieces of text that exercise every path: ASCII letters
// and their runs, l33t digits and symbols, separators, white space,
// accents precomposed and combining, Polish, German, Turkish, full-width
// and mathematical letters, Cyrillic and Greek look-alikes, invisible
// characters, emoji, CJK, control characters and invalid UTF-8.
var adversarial = []string{
	"a", "b", "i", "l", "o", "s", "e", "A", "I", "L", "O", "S", "z", "Z", "x", "abc", "ABCDEFGHIJ", "idiota", "IDIOTA",
	"aaa", "ooooo", "ss", "sss", "ll", "lll", "OOO", "aA", "AaA", "ee", "eee",
	"0", "1", "3", "4", "5", "7", "8", "9", "11", "2024", "$", "@", "!", "$$", "!!",
	" ", " ", " ", "  ", "\t", "\n", "\r\n", "\v", "\f",
	".", "-", "_", "*", "/", "|", "+", "~", ":", "·", ",", ";", "?", "'", "\"", "(", ")", "#", "&", "%", "^", "=",
	"é", "É", "e\u0301", "\u0301", "ñ", "Ñ", "ó", "ú", "ü", "ł", "Ł", "ż", "Ż", "ś", "ć", "ę", "ą", "ń", "ź", "ó",
	"ß", "ẞ", "İ", "ı", "ø", "æ", "œ", "þ", "ð", "đ", "ħ", "ﬁ", "ﬀ", "ｉ", "Ｉ", "ｄ", "１", "０", "𝐢", "𝐝", "①", "²",
	"і", "І", "а", "о", "с", "е", "р", "х", "Α", "Ο", "Ι", "ο", "ι", "ж", "я", "λ", "ω",
	"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\ufe0f", "\U000e0041", "\u00a0", "\u3000", "\u2028",
	"👍", "🏽", "👍🏽", "🔥", "😡", "❤️", "日", "本語", "’", "…", "—", "«", "»", "¡", "¿",
	"\x00", "\x01", "\x1f", "\x7f", "\xff", "\xc3", "\xe2\x80", "\xf0\x9f", "\x80", "\xc0\xaf", "\xed\xa0\x80",
	"s.p.a.m", "i d i o t a", "es-ta-fa", "1d10t4", "he11", "a$$", "sh!t", "$hit", "@ana", "e.g.", "x-y", "a b c",
	"https://bit.ly/3xYz", "GŁUUUPI", "idiiiiota", "ﬁﬁﬁ", "ßßß",
}

// randomText returns a text of up to max pieces of adversarial, with
// pieces often repeated so that runs and separated letters appear.
func randomText(rng *rand.Rand, max int) string {
	var sb strings.Builder
	last := ""
	for n := rng.Intn(max + 1); n > 0; n-- {
		p := adversarial[rng.Intn(len(adversarial))]
		switch rng.Intn(6) {
		case 0:
			if last != "" {
				p = last
			}
		case 1:
			// A letter or a word: the common case of real text.
			p = diffVocabulary[rng.Intn(len(diffVocabulary))]
		case 2:
			// A single character between separators.
			p = adversarial[rng.Intn(20)] + []string{".", "-", " ", "·", "_"}[rng.Intn(5)]
		}
		sb.WriteString(p)
		last = p
	}
	return sb.String()
}

// diffCorpus is every text the differential tests use but the random
// ones: the benchmark corpora, the other tests' inputs and the pieces.
func diffCorpus() []string {
	var out []string
	out = append(out, fastSeeds...)
	out = append(out, adversarial...)
	// Under the race detector, which slows this test about fiftyfold, a
	// tenth of the generated mentions; every fixed text stays.
	n := 2000
	if testbudget.Race {
		n = 200
	}
	out = append(out, benchMentions(n, 11)...)
	out = append(out, benchMentions(n, 13)...)
	out = append(out, mixedText(1<<12), strings.Repeat("Zażółć gęślą jaźń, ¡ÍDIOTA! 1d10t4 i.d.i.o.t.a 👍🏽 ", 20))
	out = append(out, "IDIOT", "IDIOTA", "ídiota", "i\u0301diota", "Mañana", "głupi GŁUPI Zażółć gęślą jaźń", "Øre đak ħ ŧ Æsir Œuvre ð þ",
		"Straße STRASSE ẞ", "İSTANBUL ıstanbul Istanbul", "id\u200biota i\u200d\u2060d\u00adi\u202eota\ufeff", "іdiot, Сlаss",
		"ΙDΙΟΤ", "ＩＤＩＯＴＡ １２３", "𝐢𝐝𝐢𝐨𝐭𝐚 ①", "ﬁesta", "  a \t\n b\u00a0\u3000c ", "日本語", "❤️", "a\xffb",
		"1d10t4 and 2024 and @ana, a$$ sh!t $hit hola!", "sooooo idiiiioota class", "ass asss pero perro perrrro lluvia gooowno",
		"ééé łłł", "ée\u0301E", "i.d.i.o.t.a s p a m s-p-a-m e.g. a b", "1.d.1.0.t.4 and i d 1 0 t a", "¡Eres un IDIOOOTA!",
		"GŁUUUPI g.ł.u.p.i", "Eres un ÍDIOTA, ¿vale?", "ty GŁUPI człowieku", "un id\u200biota más", "cafe\u0301 au lait",
		"eres 1d10t4!!", "eres i.d.i.o.t.a.", "so idiooooota", "Straße", "asss ass GOOOWNO idiIIiota perro", "he11 1d10t4 il 2021",
		"una es-ta-fa, i-dio-ta", "es.ta.fa es_ta_fa", "s.p.a.m", "e-mail well-known state-of-the-art", "es-ta.fa", "es ta fa",
		"12-30 1.2.3", "Ę-ŚTA-faaaa", "estafa", "ßa", "ES.TÁ.FA", "es_taaaa_fa", "hel1", "go to he11", "hi-ja-de-pu-ta",
		"pu-tas", "es-ta-fa-dor", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "abcdefghabcdefghaabbccddeeffgghh",
		"AAAbbbCCCdddEEE", "xxAAAxx", "a.b.c.d.e.f.g.h.i.j.k.l.m.n", "a b c d e f g h i j k l m n o p", "ab cd ef gh ij kl")
	return out
}

func TestNormalizeAgreesWithReference(t *testing.T) {
	var b Buffer
	var r refBuffer
	corpus := diffCorpus()
	for _, opts := range allOptions() {
		for _, s := range corpus {
			if d := diffNormalize(opts, &b, &r, s); d != "" {
				t.Fatalf("%+v, %q: %s", opts, s, d)
			}
			// Upper case and each prefix of a short text, for the ends of
			// eight-byte blocks.
			if d := diffNormalize(opts, &b, &r, strings.ToUpper(s)); d != "" {
				t.Fatalf("%+v, %q: %s", opts, strings.ToUpper(s), d)
			}
			if len(s) <= 40 {
				for k := 0; k < len(s); k++ {
					if d := diffNormalize(opts, &b, &r, s[:k]); d != "" {
						t.Fatalf("%+v, %q: %s", opts, s[:k], d)
					}
				}
			}
		}
	}
}

func TestNormalizeAgreesWithReferenceRandom(t *testing.T) {
	var b Buffer
	var r refBuffer
	rounds := 4000
	if testing.Short() || testbudget.Race {
		rounds = 500
	}
	for o, opts := range allOptions() {
		rng := rand.New(rand.NewSource(int64(o) + 100))
		for k := 0; k < rounds; k++ {
			s := randomText(rng, 1+k%60)
			if d := diffNormalize(opts, &b, &r, s); d != "" {
				t.Fatalf("%+v, %q: %s", opts, s, d)
			}
		}
	}
}

// TestNormalizeAgreesAfterReuse: a buffer reused after a longer text, or
// after other options, answers as a fresh one.
func TestNormalizeAgreesAfterReuse(t *testing.T) {
	var b Buffer
	var r refBuffer
	rng := rand.New(rand.NewSource(5))
	opts := allOptions()
	for k := 0; k < 3000; k++ {
		o := opts[rng.Intn(len(opts))]
		s := randomText(rng, rng.Intn(80))
		if d := diffNormalize(o, &b, &r, s); d != "" {
			t.Fatalf("%+v, %q: %s", o, s, d)
		}
		var fresh Buffer
		New(o).Normalize(&fresh, s)
		if d := diffBuffers(&fresh, &r); d != "" {
			t.Fatalf("fresh buffer, %+v, %q: %s", o, s, d)
		}
	}
}

// FuzzNormalizeAgainstReference: Normalizer answers as the reference for
// any text and options.
func FuzzNormalizeAgainstReference(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s, uint8(15))
		f.Add(s, uint8(7))
		f.Add(s, uint8(0))
	}
	for _, s := range benchMentions(20, 11) {
		f.Add(s, uint8(15))
	}
	rng := rand.New(rand.NewSource(9))
	for k := 0; k < 40; k++ {
		f.Add(randomText(rng, 30), uint8(k%16))
	}
	f.Fuzz(func(t *testing.T, s string, o uint8) {
		opts := Options{Leet: o&1 != 0, CollapseRepeats: o&2 != 0, JoinSeparated: o&4 != 0, JoinSyllables: o&8 != 0}
		var b Buffer
		var r refBuffer
		if d := diffNormalize(opts, &b, &r, s); d != "" {
			t.Fatalf("%+v, %q: %s", opts, s, d)
		}
	})
}
