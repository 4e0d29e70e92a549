package calendar_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
)

// BenchmarkPublishPipeline: one op is one entry taken all the way: claimed,
// checked (approval, pauses, the channel's limits), its attempt recorded,
// published to a fake channel, and completed, with three store writes. No
// rate limit, no faults. Reports entries/s.
func BenchmarkPublishPipeline(b *testing.B) {
	for _, n := range []int{1, 4} {
		b.Run(fmt.Sprintf("concurrency=%d", n), func(b *testing.B) { benchPipeline(b, n) })
	}
}

func benchPipeline(b *testing.B, concurrency int) {
	ctx := context.Background()
	clock := cmkittest.NewClock(monday)
	dir, _ := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
	_ = dir.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "bea"}},
		Grants: []roles.Grant{{Member: "bea", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}}}})
	var chans []cmkit.Channel
	for _, id := range []string{"a", "b", "c"} {
		l, _ := cmkit.PlatformLimits(cmkit.Mastodon)
		f, _ := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{ID: id,
			Platform: cmkit.Mastodon, Brand: "acme", Limits: l, RetrySafety: cmkit.RetryIdempotent}})
		chans = append(chans, f)
	}
	store := calendar.NewMemoryStore()
	cal, err := calendar.New(store, calendar.WithTeam(dir), calendar.WithClock(clock), calendar.WithChannels(chans...),
		calendar.WithLogger(quiet))
	if err != nil {
		b.Fatal(err)
	}
	cfg := calendar.DefaultPublisherConfig()
	cfg.Name, cfg.Batch, cfg.Concurrency = "bench", 100, concurrency
	pub, err := calendar.NewPublisher(cal, cfg)
	if err != nil {
		b.Fatal(err)
	}
	ids := []string{"a", "b", "c"}
	for i := range b.N {
		e := calendar.Entry{ID: cmkit.NewID(), Title: "post", Author: "bea", Brand: "acme", State: calendar.Scheduled,
			At: monday, DueAt: monday, Variants: []calendar.Variant{{Channel: ids[i%3], State: calendar.Pending,
				Post: cmkit.Post{ID: cmkit.NewID(), Text: "¡Nuevo catálogo de invierno! https://acme.example/es #Promoción"}}}}
		if _, err := store.Put(ctx, e); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	done := 0
	for done < b.N {
		n, err := pub.RunOnce(ctx)
		if err != nil || n == 0 {
			b.Fatalf("round: %d, %v", n, err)
		}
		done += n
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "entries/s")
}
