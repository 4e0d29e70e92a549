package sketch

import (
	"math"
	"math/rand/v2"
	"testing"
)

// benchValues are 4,096 log-normal response times (median 20 s).
func benchValues() []float64 {
	r := rand.New(rand.NewPCG(1, 2))
	vs := make([]float64, 4096)
	for i := range vs {
		vs[i] = math.Exp(r.NormFloat64()*1.5 + 3)
	}
	return vs
}

// BenchmarkAdd: one Add into a default sketch whose buckets already cover
// the values (the steady state).
func BenchmarkAdd(b *testing.B) {
	vs := benchValues()
	s := Default()
	for _, v := range vs {
		_ = s.Add(v)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = s.Add(vs[i&4095])
	}
}

// BenchmarkQuantile: one Quantile on a default sketch of 100,000 values.
func BenchmarkQuantile(b *testing.B) {
	vs := benchValues()
	s := Default()
	for i := range 100_000 {
		_ = s.Add(vs[i&4095] * (1 + float64(i)/1e6))
	}
	qs := []float64{0.5, 0.9, 0.95, 0.99}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_, _ = s.Quantile(qs[i&3])
	}
}

// BenchmarkMerge: merging a default sketch of 4,096 values into another
// whose buckets cover it.
func BenchmarkMerge(b *testing.B) {
	vs := benchValues()
	part, into := Default(), Default()
	for _, v := range vs {
		_ = part.Add(v)
		_ = into.Add(v)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = into.Merge(part)
	}
}
