package detect

import (
	"math/rand/v2"
	"runtime"
	"strconv"
	"testing"
	"time"
)

var benchSeries = 10000

// BenchmarkObserve feeds 10,000 series one bucket each in turn, minute
// after minute, with ordinary traffic drawn ahead of time (gamma-Poisson
// around 10 mentions a bucket, 10% negative, with a 5× burst every 2,000
// draws); one op is one Observe. The warm-up is one hour, so after the
// first 600,000 ops the tests and breakouts run too. It reports the heap
// held per series after the run, and the size of one series' state.
func BenchmarkObserve(b *testing.B) {
	n := benchSeries
	w, err := NewWatcher(WatcherConfig{Warmup: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	hs := make([]WatchHandle, n)
	for i := range hs {
		hs[i], _ = w.Intern("series/"+strconv.Itoa(i), "brand/"+strconv.Itoa(i%50))
	}
	r := rand.New(rand.NewPCG(1, 2))
	totals := make([]uint32, 4096)
	negs := make([]uint32, len(totals))
	for i := range totals {
		mu := 10.0
		if i%2000 < 3 {
			mu = 50
		}
		totals[i] = uint32(poisson(r, gammaDraw(r, noiseShape)*mu/noiseShape))
		for range totals[i] {
			if r.Float64() < 0.1 {
				negs[i]++
			}
		}
	}
	t := streamStart
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	b.ResetTimer()
	j, k := 0, 0
	for range b.N {
		if _, err := w.Observe(hs[j], t, totals[k], negs[k]); err != nil {
			b.Fatal(err)
		}
		k = (k + 1) & (len(totals) - 1)
		if j++; j == n {
			j = 0
			t = t.Add(time.Minute)
		}
	}
	b.StopTimer()
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(w)
	b.ReportMetric(float64(after.HeapAlloc)/float64(n), "heap-B/series")
	b.ReportMetric(float64(w.seriesBytes()), "state-B/series")
}
