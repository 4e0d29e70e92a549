package textnorm

import (
	"math/rand"
	"strings"
	"testing"
)

// mixedText returns about size bytes of English, Spanish and Polish text
// with capitals, punctuation and some emoji.
func mixedText(size int) string {
	words := strings.Fields(`The community manager answered every comment before noon, and the brand's
reply was kind. Mañana habrá una promoción con envío gratis: ¡no te la pierdas! Las canciones del año
están aquí. Dziękujemy za zamówienie; przesyłka dotrze jutro. Zniżki do 50% tylko dziś w naszym sklepie!
Żółw i gęś idą przez łąkę. Great news 🎉 for everyone who asked about the next release 👍🏽.`)
	rng := rand.New(rand.NewSource(3))
	var b strings.Builder
	for b.Len() < size {
		b.WriteString(words[rng.Intn(len(words))])
		b.WriteByte(' ')
	}
	return b.String()
}

func benchNormalize(b *testing.B, opts Options) {
	text := mixedText(1 << 16)
	n := New(opts)
	var buf Buffer
	n.Normalize(&buf, text)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n.Normalize(&buf, text)
	}
}

func BenchmarkNormalize(b *testing.B) { benchNormalize(b, Options{}) }

func BenchmarkNormalizeAllOptions(b *testing.B) {
	benchNormalize(b, Options{Leet: true, CollapseRepeats: true, JoinSeparated: true})
}
