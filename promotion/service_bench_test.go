package promotion_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/cmkit/cmkit/promotion"
	"github.com/cmkit/cmkit/roles"
)

// benchService returns a service over store for a team where "sam" may do
// everything, with its audit log in memory.
func benchService(b *testing.B, store promotion.Store) *promotion.Service {
	b.Helper()
	ctx := context.Background()
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	if err := dir.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "sam"}},
		Grants: []roles.Grant{{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}}}}); err != nil {
		b.Fatal(err)
	}
	s, err := promotion.New(store, promotion.WithAuthorizer(dir), promotion.WithSeedSource(&countingSeeds{}),
		promotion.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// benchOpened creates and opens a promotion like BenchmarkCollect's, with
// ID id, on s.
func benchOpened(b *testing.B, s *promotion.Service, id string) {
	b.Helper()
	p := giveaway()
	p.ID = id
	p.BotChecks.NearDuplicateAccounts = 3
	if _, _, err := s.Create(as("sam"), p); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Open(as("sam"), id, nil); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkServiceAddEntries measures Service.AddEntries per mention, in
// calls of 1,000 mentions (one store write and one audit record each),
// over BenchmarkCollect's pool of 100,000 mentions, a new promotion each
// time round. Compare it with BenchmarkCollect, Entries.Add alone.
func BenchmarkServiceAddEntries(b *testing.B) {
	const pool, batch = 100_000, 1000
	ms := benchPool(pool)
	s := benchService(b, promotion.NewMemoryStore())
	round := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i += batch {
		if i%pool == 0 {
			b.StopTimer()
			round++
			benchOpened(b, s, fmt.Sprint("p", round))
			b.StartTimer()
		}
		from := i % pool
		to := min(from+batch, pool, from+b.N-i)
		if _, err := s.AddEntries(as("sam"), fmt.Sprint("p", round), ms[from:to]...); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServiceRestart measures what a restarted service pays, per
// stored submission, to rebuild a promotion's entries from the store
// before it checks the next mention: 100,000 submissions replayed.
func BenchmarkServiceRestart(b *testing.B) {
	const n = 100_000
	ms := benchPool(n)
	store := promotion.NewMemoryStore()
	s := benchService(b, store)
	benchOpened(b, s, "p")
	for i := 0; i < n; i += 1000 {
		if _, err := s.AddEntries(as("sam"), "p", ms[i:i+1000]...); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		fresh := benchService(b, store)
		b.StartTimer()
		// No mentions: the call replays the store and writes nothing.
		if _, err := fresh.AddEntries(as("sam"), "p"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/submission")
}
