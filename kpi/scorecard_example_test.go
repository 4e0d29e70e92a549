package kpi_test

import (
	"os"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/kpi"
)

// A Markdown report from a scorecard filled by hand, with the built-in
// recommendations.
func ExampleScorecard_WriteMarkdown() {
	week := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	card := &kpi.Scorecard{
		Title:    "Acme weekly",
		Language: "en",
		Period:   "2026-W49",
		Start:    week,
		End:      week.AddDate(0, 0, 7),
		Segment:  kpi.Segment{Brand: "acme"},
		Lines: []kpi.ScoreLine{
			{ID: "engagement_rate", Name: "Engagement rate", Unit: kpi.UnitPercent, Goal: kpi.HigherIsBetter,
				Value: kpi.FigureOf(0.031), Target: kpi.FigureOf(0.04), Previous: kpi.FigureOf(0.035),
				Trend: []kpi.ScorePoint{
					{Period: "2026-W48", Value: kpi.FigureOf(0.035), Target: kpi.FigureOf(0.04)},
					{Period: "2026-W49", Value: kpi.FigureOf(0.031), Target: kpi.FigureOf(0.04)},
				}},
			{ID: "first_response", Name: "First response", Unit: kpi.UnitSeconds, Goal: kpi.LowerIsBetter,
				Value: kpi.FigureOf(1500), Target: kpi.FigureOf(1800), Previous: kpi.FigureOf(2400)},
		},
		Channels: []kpi.ChannelScore{
			{Channel: "acme-tiktok", Platform: cmkit.TikTok, Engagements: kpi.FigureOf(600), Previous: kpi.FigureOf(1000)},
		},
		Voice: []kpi.VoiceShare{{Brand: "Acme", Own: true, Mentions: 300}, {Brand: "Globex", Mentions: 100}},
	}
	card.Recommend(nil, kpi.BelowTargetFor(2), kpi.EngagementDrop(0.25))
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
	// | KPI             |  Value | Target | Attainment |  Change | Change % | Status   |
	// | --------------- | -----: | -----: | ---------: | ------: | -------: | -------- |
	// | Engagement rate |   3.1% |   4.0% |      77.5% | -0.4 pp |   -11.4% | ✘ Missed |
	// | First response  | 25 min | 30 min |     120.0% | -15 min |   -37.5% | ✔ Met    |
	//
	// ## Recommendations
	//
	// - **‼ Critical**: Engagement rate has been below target for 2 periods in a row.
	// - **! Warning**: Engagement on acme-tiktok fell by 40.0% against the previous period.
	//
	// ## Share of voice
	//
	// | Brand                | Mentions | Share |
	// | -------------------- | -------: | ----: |
	// | **Acme** (own brand) |      300 | 75.0% |
	// | Globex               |      100 | 25.0% |
}
