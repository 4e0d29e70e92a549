package kpi_test

import (
	"os"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/kpi"
)

// Producing a Markdown report: events recorded into an Aggregator, two
// KPIs with weekly targets, a scorecard built for a week against the one
// before, with the built-in recommendations.
func ExampleBuildScorecard() {
	agg := kpi.NewAggregator(time.UTC)
	channel := cmkit.ChannelInfo{ID: "acme-x", Platform: cmkit.X, Brand: "acme"}
	seg := kpi.SegmentOf(channel)
	record := func(m kpi.Measure, s kpi.Segment, day int, v float64) {
		h, err := agg.Series(m, s)
		if err == nil {
			err = agg.Add(h, time.Date(2026, 11, day, 12, 0, 0, 0, time.UTC), v)
		}
		if err != nil {
			panic(err)
		}
	}
	// Week 48 (November 23 to 29), then week 49 (November 30 to December 6).
	for _, week := range []struct {
		day                                   int
		impressions, reactions, comments, own float64
		competitor                            float64
	}{
		{23, 10000, 400, 100, 300, 200},
		{30, 12000, 300, 60, 300, 100},
	} {
		record(kpi.Impressions, seg, week.day, week.impressions)
		record(kpi.Reactions, seg, week.day+1, week.reactions)
		record(kpi.Comments, seg, week.day+2, week.comments)
		record(kpi.Mentions, seg, week.day+3, week.own)
		record(kpi.Mentions, kpi.Segment{Brand: "Globex"}, week.day+3, week.competitor)
	}
	defs, err := kpi.ParseDefinitions([]byte(`{"kpis": [
		{"id": "engagement_rate", "name": "Engagement rate", "formula": "engagement_rate_impressions",
		 "targets": [{"segment": {"brand": "acme"}, "period": "week", "value": 4}]},
		{"id": "share_of_voice", "name": "Share of voice", "formula": "share_of_voice", "competitors": ["Globex"],
		 "targets": [{"segment": {"brand": "acme"}, "period": "week", "value": 60}]}
	]}`))
	if err != nil {
		panic(err)
	}
	card, err := kpi.BuildScorecard(kpi.ScorecardInput{
		Title:        "Acme weekly",
		Definitions:  defs,
		Totals:       agg,
		Segment:      kpi.Segment{Brand: "acme"},
		Period:       kpi.PeriodOfDate(kpi.PeriodWeek, 2026, 11, 30),
		Language:     "en",
		TrendPeriods: 2,
		Channels:     []cmkit.ChannelInfo{channel},
		Recommenders: []kpi.Recommender{kpi.BelowTargetFor(2), kpi.EngagementDrop(0.25)},
	})
	if err != nil {
		panic(err)
	}
	if err := card.WriteMarkdown(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// # Acme weekly
	//
	// - Period: 2026-W49 (Nov 30, 2026 – Dec 6, 2026)
	// - Segment: brand=acme
	//
	// ## KPI summary
	//
	// | KPI             | Value | Target | Attainment |   Change | Change % | Status   |
	// | --------------- | ----: | -----: | ---------: | -------: | -------: | -------- |
	// | Engagement rate |  3.0% |   4.0% |      75.0% |  -2.0 pp |   -40.0% | ✘ Missed |
	// | Share of voice  | 75.0% |  60.0% |     125.0% | +15.0 pp |   +25.0% | ✔ Met    |
	//
	// ## Recommendations
	//
	// - **! Warning**: Engagement on acme-x fell by 28.0% against the previous period.
	//
	// ## Share of voice
	//
	// | Brand                | Mentions | Share |
	// | -------------------- | -------: | ----: |
	// | **acme** (own brand) |      300 | 75.0% |
	// | Globex               |      100 | 25.0% |
}
