package calendar_test

import (
	"context"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
)

var benchT0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// BenchmarkDue: a memory store holding 1,000,000 scheduled entries (one a
// second); each op claims the next 100 due. The clock moves 100 s per op,
// so every op finds exactly 100 newly due entries (and, once all have been
// claimed, the entries whose hour-long leases ran out).
func BenchmarkDue(b *testing.B) {
	ctx := context.Background()
	s := calendar.NewMemoryStore()
	for i := range 1_000_000 {
		at := benchT0.Add(time.Duration(i) * time.Second)
		e := calendar.Entry{ID: cmkit.NewID(), Title: "post", State: calendar.Scheduled, At: at, DueAt: at,
			Variants: []calendar.Variant{{Channel: "acme-x", State: calendar.Pending,
				Post: cmkit.Post{ID: cmkit.NewID(), Text: "Hello"}}}}
		if _, err := s.Put(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
	now := benchT0.Add(99 * time.Second)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		got, err := s.Claim(ctx, calendar.ClaimRequest{Now: now, Limit: 100, Owner: "p1", Lease: time.Hour})
		if err != nil || len(got) != 100 {
			b.Fatalf("claimed %d, %v", len(got), err)
		}
		now = now.Add(100 * time.Second)
	}
}
