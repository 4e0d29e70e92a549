package match

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/textnorm"
)

// Words of English, Spanish and Polish for the benchmark text.
var vocabulary = strings.Fields(`the of and to in is you that it he was for on are as with his they at be this
have from or one had by word but not what all were we when your can said there use an each which she do how
el la de que y en un ser se no haber por con su para como estar tener le lo todo pero más hacer o poder decir
este ir otro ese si me ya ver porque dar cuando muy sin vez mucho saber qué sobre mañana también niño corazón
canción árbol año último después según jamás próximo aquí allí será está búsqueda promoción envío gratis oferta
się nie jest to że na w z do co jak ale tak już jeszcze tylko może być który bardzo wszystko dzięki żeby kiedy
gdzie teraz zniżki dziś sklep klient zamówienie przesyłka łódź źródło gęś żółw świetny ciekawy głupi ważny`)

// benchTerms returns n distinct made-up terms of 4 to 12 letters, with
// accents and Polish letters, one in ten whole-word.
func benchTerms(n int) []Term {
	rng := rand.New(rand.NewSource(42))
	syll := strings.Fields("ka ro mi ta ne so lu pe di ga zo ve ri no ba che ña ło ży ść ęk ół ją pri stra glo wer fen")
	seen := map[string]bool{}
	terms := make([]Term, 0, n)
	for len(terms) < n {
		var b strings.Builder
		for k := 2 + rng.Intn(4); k > 0; k-- {
			b.WriteString(syll[rng.Intn(len(syll))])
		}
		s := b.String()
		if seen[s] {
			continue
		}
		seen[s] = true
		terms = append(terms, Term{ID: len(terms), Text: s, WholeWord: len(terms)%10 == 0})
	}
	return terms
}

// benchText returns about size bytes of mixed English, Spanish and Polish
// text, with punctuation, capitals and an emoji now and then.
func benchText(size int) string {
	rng := rand.New(rand.NewSource(7))
	var b strings.Builder
	for b.Len() < size {
		w := vocabulary[rng.Intn(len(vocabulary))]
		switch rng.Intn(20) {
		case 0:
			w = strings.ToUpper(w[:1]) + w[1:]
		case 1:
			w += ","
		case 2:
			w += "."
		case 3:
			w += " 👍🏽"
		}
		b.WriteString(w)
		b.WriteByte(' ')
	}
	return b.String()
}

func BenchmarkMatch(b *testing.B) {
	m, err := Compile(benchTerms(10000), textnorm.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var buf textnorm.Buffer
	m.Normalizer().Normalize(&buf, benchText(1<<16))
	dst := make([]Match, 0, 1<<12)
	b.SetBytes(int64(len(buf.Text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = m.Scan(dst[:0], &buf)
	}
}

// BenchmarkMatchNaive is the baseline: strings.Contains per term over the
// same normalized text (and it only says whether, not where).
func BenchmarkMatchNaive(b *testing.B) {
	terms := benchTerms(10000)
	norm := textnorm.New(textnorm.Options{})
	normed := make([]string, len(terms))
	for i, t := range terms {
		normed[i] = norm.String(t.Text)
	}
	text := norm.String(benchText(1 << 16))
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := 0
		for _, t := range normed {
			if strings.Contains(text, t) {
				n++
			}
		}
		_ = n
	}
}

// BenchmarkFind normalizes (with every trick on) and scans.
func BenchmarkFind(b *testing.B) {
	m, err := Compile(benchTerms(10000), tricks)
	if err != nil {
		b.Fatal(err)
	}
	text := benchText(1 << 16)
	var buf textnorm.Buffer
	dst := make([]Match, 0, 1<<12)
	dst = m.Find(dst, &buf, text) // grow buf once, outside the timing
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = m.Find(dst[:0], &buf, text)
	}
}

// BenchmarkScanShort scans texts of a post's length with a table of 2,000
// terms, where each step of one chain of lookups waits on the last.
func BenchmarkScanShort(b *testing.B) {
	m, err := Compile(benchTerms(2000), textnorm.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{128, 280, 1000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			var buf textnorm.Buffer
			m.Normalizer().Normalize(&buf, benchText(n)[:n])
			dst := m.Scan(nil, &buf)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				dst = m.Scan(dst[:0], &buf)
			}
		})
	}
}

func BenchmarkCompile100k(b *testing.B) {
	terms := benchTerms(100000)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Compile(terms, textnorm.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// mentions returns n mentions of 40 to 280 bytes of mixed English, Spanish
// and Polish, one in eight with an evasion (l33t, a run of letters,
// syllables or letters split by separators).
func mentions(n int) []string {
	rng := rand.New(rand.NewSource(11))
	tricks := []string{"1d10t4", "idiiiiota", "es-ta-fa", "i.d.i.o.t.a", "he11", "GŁUUUPI", "ＩＤＩＯＴＡ", "e-mail"}
	out := make([]string, n)
	for i := range out {
		size := 40 + rng.Intn(241)
		var b strings.Builder
		for b.Len() < size {
			w := vocabulary[rng.Intn(len(vocabulary))]
			if rng.Intn(64) == 0 {
				w = tricks[rng.Intn(len(tricks))]
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

// BenchmarkFindModeration is the moderation engine's case: 10,000 terms
// with every option on, one Find per mention of 40 to 280 bytes; it
// reports ns per mention.
func BenchmarkFindModeration(b *testing.B) {
	terms := benchTerms(10000)
	terms = append(terms, Term{ID: -1, Text: "idiota", WholeWord: true}, Term{ID: -2, Text: "estafa", WholeWord: true},
		Term{ID: -3, Text: "hell", WholeWord: true}, Term{ID: -4, Text: "głupi", WholeWord: true})
	m, err := Compile(terms, textnorm.Options{Leet: true, CollapseRepeats: true, JoinSeparated: true, JoinSyllables: true})
	if err != nil {
		b.Fatal(err)
	}
	ms := mentions(1024)
	var buf textnorm.Buffer
	dst := make([]Match, 0, 64)
	bytes := 0
	for _, s := range ms {
		dst = m.Find(dst[:0], &buf, s)
		bytes += len(s)
	}
	b.SetBytes(int64(bytes / len(ms)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = m.Find(dst[:0], &buf, ms[i%len(ms)])
	}
}

// BenchmarkModerationParts splits BenchmarkFindModeration into its
// normalization and its scan.
func BenchmarkModerationParts(b *testing.B) {
	terms := benchTerms(10000)
	m, err := Compile(terms, textnorm.Options{Leet: true, CollapseRepeats: true, JoinSeparated: true, JoinSyllables: true})
	if err != nil {
		b.Fatal(err)
	}
	ms := mentions(1024)
	b.Run("normalize", func(b *testing.B) {
		var buf textnorm.Buffer
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.Normalizer().Normalize(&buf, ms[i%len(ms)])
		}
	})
	b.Run("scan", func(b *testing.B) {
		bufs := make([]textnorm.Buffer, len(ms))
		for i, s := range ms {
			m.Normalizer().Normalize(&bufs[i], s)
		}
		dst := make([]Match, 0, 64)
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			dst = m.Scan(dst[:0], &bufs[i%len(bufs)])
		}
	})
}
