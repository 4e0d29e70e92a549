package kpi_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/kpi"
)

// printRecorder prints what the Collector records.
type printRecorder struct{}

func (printRecorder) AddCount(seg kpi.Segment, m kpi.Measure, at time.Time, delta float64) error {
	fmt.Printf("%s %s on %s: %+g\n", seg, m, at.Format("2006-01-02"), delta)
	return nil
}

func (printRecorder) RecordSnapshot(seg kpi.Segment, m kpi.Measure, at time.Time, v float64) error {
	fmt.Printf("%s %s at %s: %g\n", seg, m, at.Format("15:04"), v)
	return nil
}

func (printRecorder) KeepPostInsights(kpi.TrackedPost, cmkit.Insights) error { return nil }

// posts lists fixed posts.
type posts []kpi.TrackedPost

func (p posts) PublishedSince(context.Context, time.Time) ([]kpi.TrackedPost, error) { return p, nil }

// Two polls of a channel: the second records only what changed since the
// first, on the post's publish day.
func ExampleCollector_Poll() {
	ctx := context.Background()
	clock := cmkittest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	ch, _ := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "ig", Brand: "acme"}, Clock: clock})
	r, _ := ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: "Spring is here"})
	tracked := posts{{Channel: "ig", PlatformID: r.PlatformID, PublishedAt: time.Date(2026, 3, 1, 18, 0, 0, 0, time.UTC),
		Segment: kpi.SegmentOf(ch.Info())}}
	c, err := kpi.NewCollector(kpi.CollectorConfig{Channels: []cmkit.Channel{ch}, Posts: tracked, Recorder: printRecorder{}, Clock: clock})
	if err != nil {
		fmt.Println(err)
		return
	}
	ch.SetFollowers(1200)
	ch.SetInsights(cmkit.Insights{PlatformID: r.PlatformID, Impressions: 500, Reactions: 40})
	_ = c.Poll(ctx)
	clock.Advance(time.Hour)
	ch.SetInsights(cmkit.Insights{PlatformID: r.PlatformID, Impressions: 650, Reactions: 40})
	_ = c.Poll(ctx)
	// Output:
	// brand=acme platform=fake channel=ig posts on 2026-03-01: +1
	// brand=acme platform=fake channel=ig followers at 09:00: 1200
	// brand=acme platform=fake channel=ig impressions on 2026-03-01: +500
	// brand=acme platform=fake channel=ig reactions on 2026-03-01: +40
	// brand=acme platform=fake channel=ig followers at 10:00: 1200
	// brand=acme platform=fake channel=ig impressions on 2026-03-01: +150
}
