package kpi_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/kpi"
)

// BenchmarkBuildScorecard builds a weekly scorecard of 6 KPIs with 8
// periods of trend and 20 channels, over an Aggregator holding 90 days
// of 7 measures on 20 channels and mentions of 2 competitors.
func BenchmarkBuildScorecard(b *testing.B) {
	agg := kpi.NewAggregator(time.UTC)
	start := time.Date(2026, 1, 5, 12, 0, 0, 0, time.UTC)
	var channels []cmkit.ChannelInfo
	for c := range 20 {
		info := cmkit.ChannelInfo{ID: fmt.Sprintf("ch%d", c), Platform: cmkit.X, Brand: "acme"}
		channels = append(channels, info)
		for _, m := range []kpi.Measure{kpi.Posts, kpi.Impressions, kpi.Reach, kpi.Reactions, kpi.Comments, kpi.Shares, kpi.Mentions} {
			h, _ := agg.Series(m, kpi.SegmentOf(info))
			for d := range 90 {
				_ = agg.Add(h, start.AddDate(0, 0, d), float64(10+d+c))
			}
		}
	}
	for _, comp := range []string{"globex", "initech"} {
		h, _ := agg.Series(kpi.Mentions, kpi.Segment{Brand: comp})
		for d := range 90 {
			_ = agg.Add(h, start.AddDate(0, 0, d), float64(50+d))
		}
	}
	defs, err := kpi.ParseDefinitions([]byte(`{"kpis": [
		{"id": "er", "name": "ER", "formula": "engagement_rate_impressions", "targets": [{"segment": {}, "value": 4}]},
		{"id": "err", "name": "ER reach", "formula": "engagement_rate_reach"},
		{"id": "vir", "name": "Virality", "formula": "virality_rate"},
		{"id": "reach", "name": "Reach", "formula": "reach"},
		{"id": "imp", "name": "Impressions", "formula": "impressions"},
		{"id": "sov", "name": "SOV", "formula": "share_of_voice", "competitors": ["globex", "initech"]}
	]}`))
	if err != nil {
		b.Fatal(err)
	}
	in := kpi.ScorecardInput{Definitions: defs, Totals: agg, Segment: kpi.Segment{Brand: "acme"},
		Period: kpi.PeriodOf(kpi.PeriodWeek, start.AddDate(0, 0, 80), nil), Language: "en", Channels: channels,
		Recommenders: []kpi.Recommender{kpi.BelowTargetFor(2), kpi.EngagementDrop(0.25)}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := kpi.BuildScorecard(in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPostKeeper keeps the latest insights of 1,000 posts over and
// over, and ranks the top and bottom 5 of a week every 1,000 updates.
func BenchmarkPostKeeper(b *testing.B) {
	k := kpi.NewPostKeeper(1000, 0)
	start := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	recs := make([]kpi.PostRecord, 1000)
	for i := range recs {
		recs[i] = kpi.PostRecord{Channel: fmt.Sprintf("ch%d", i%20), PlatformID: fmt.Sprint(i), PublishedAt: start.Add(time.Duration(i) * 10 * time.Minute),
			Engagements: int64(i % 97), Impressions: int64(1000 + i)}
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := &recs[i%len(recs)]
		r.Engagements++
		if err := k.Keep(*r); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 {
			k.Rank(kpi.Segment{}, start, start.AddDate(0, 0, 7), 5, kpi.ByEngagementRate)
		}
		i++
	}
}
