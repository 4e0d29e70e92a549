package langid

import (
	"math/rand/v2"
	"testing"
)

// benchCorpus builds a deterministic mix of en, es and pl mentions of 40 to
// 280 bytes from the test sets: single texts, and runs of texts of one
// language joined until the next would pass 280 bytes.
func benchCorpus(b testing.TB) []string {
	rng := rand.New(rand.NewPCG(13, 6))
	var corpus []string
	for _, name := range []string{"en", "es", "pl"} {
		set := loadSet(b, name)
		for i, l := range set {
			text := l.text
			if len(text) >= 40 {
				corpus = append(corpus, text)
			}
			// A longer mention: this text and the following ones.
			long := text
			for j := i + 1; j < len(set) && len(long)+1+len(set[j].text) <= 280; j++ {
				long += " " + set[j].text
			}
			if len(long) >= 40 && long != text {
				corpus = append(corpus, long)
			}
		}
	}
	rng.Shuffle(len(corpus), func(i, j int) { corpus[i], corpus[j] = corpus[j], corpus[i] })
	return corpus
}

func BenchmarkDetectLanguage(b *testing.B) {
	corpus := benchCorpus(b)
	bytes := 0
	for _, text := range corpus {
		bytes += len(text)
	}
	d := New()
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		for _, text := range corpus {
			d.Detect(text)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*len(corpus)), "ns/mention")
	b.ReportMetric(float64(bytes)/float64(len(corpus)), "bytes/mention")
	b.ReportMetric(float64(bytes*n)/b.Elapsed().Seconds()/1e6, "MB/s")
}
