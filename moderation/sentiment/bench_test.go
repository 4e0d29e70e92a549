package sentiment

import (
	"math/rand"
	"strings"
	"testing"
)

// mentions returns n deterministic mentions of 40 to 280 bytes, mixed
// English, Spanish and Polish, built from the test sets' phrases.
func mentions(tb testing.TB, n int) []string {
	var parts []string
	for _, lang := range []string{"en", "es", "pl"} {
		for _, s := range readSamples(tb, lang) {
			parts = append(parts, s.text)
		}
	}
	rng := rand.New(rand.NewSource(13))
	out := make([]string, 0, n)
	for len(out) < n {
		var b strings.Builder
		target := 40 + rng.Intn(241)
		for b.Len() < target {
			p := parts[rng.Intn(len(parts))]
			if b.Len() > 0 && b.Len()+1+len(p) > 280 {
				break
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(p)
		}
		if s := b.String(); len(s) >= 40 && len(s) <= 280 {
			out = append(out, s)
		}
	}
	return out
}

func BenchmarkSentiment(b *testing.B) {
	l := New()
	ms := mentions(b, 1000)
	tags := []string{"", "en", "es-MX", "pl"}
	bytes := 0
	for _, m := range ms {
		bytes += len(m)
	}
	b.SetBytes(int64(bytes / len(ms)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Analyze(ms[i%len(ms)], tags[i%len(tags)])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/mention")
}

func TestAnalyzeDoesNotAllocate(t *testing.T) {
	l := New()
	ms := mentions(t, 50)
	allocs := testing.AllocsPerRun(20, func() {
		for _, m := range ms {
			l.Analyze(m, "")
		}
	})
	if allocs != 0 {
		t.Errorf("Analyze allocates %v times per 50 mentions", allocs)
	}
}
