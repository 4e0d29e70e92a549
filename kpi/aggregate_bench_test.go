package kpi_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/cmkit/cmkit/kpi"
)

// BenchmarkIngest adds b.N events, round-robin over 1,000 series (900
// counts and 100 follower snapshots, 10 measures of 100 channels), at
// instants spread evenly over 28 days of Europe/Madrid (one of them the
// 23-hour day of 2026-03-29), so the buckets are the same for any b.N:
// bytes-held (the heap the Aggregator holds after ingest) is independent
// of the event count. Run with -benchtime 10000000x.
func BenchmarkIngest(b *testing.B) {
	benchIngest(b, []kpi.Measure{kpi.Posts, kpi.Impressions, kpi.Reach, kpi.Reactions, kpi.Comments,
		kpi.Shares, kpi.Saves, kpi.Clicks, kpi.Mentions, kpi.Followers}, 100)
}

// BenchmarkIngestResponseTimes is BenchmarkIngest with 1,000 series of
// response times (a distribution each, with its quantile sketch).
func BenchmarkIngestResponseTimes(b *testing.B) {
	benchIngest(b, []kpi.Measure{kpi.ResponseTime}, 1000)
}

// benchIngest adds b.N events to the measures of channels series each,
// values from 1 to 3,600 (seconds, for response times).
func benchIngest(b *testing.B, measures []kpi.Measure, channels int) {
	loc, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		b.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	a := kpi.NewAggregator(loc)
	handles := make([]kpi.SeriesHandle, 0, len(measures)*channels)
	for c := range channels {
		seg := kpi.Segment{Brand: "acme", Platform: "mastodon", Channel: fmt.Sprintf("ch%04d", c)}
		for _, m := range measures {
			h, err := a.Series(m, seg)
			if err != nil {
				b.Fatal(err)
			}
			handles = append(handles, h)
		}
	}
	start := time.Date(2026, 3, 16, 0, 0, 0, 0, loc).UnixNano()
	step := int64(28 * 24 * time.Hour / time.Duration(max(b.N, 1)))
	b.ReportAllocs()
	b.ResetTimer()
	h := 0
	for i := range b.N {
		if err := a.Add(handles[h], time.Unix(0, start+int64(i)*step), float64(1+i%3600)); err != nil {
			b.Fatal(err)
		}
		if h++; h == len(handles) {
			h = 0
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(after.HeapAlloc)-float64(before.HeapAlloc), "bytes-held")
	runtime.KeepAlive(a)
}
