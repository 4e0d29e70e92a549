package kpi

import (
	"math"
	"sort"
	"testing"
)

// testTotals is a Totals over literal values: sums, counts, follower
// readings and response-time samples.
type testTotals struct {
	sums      map[Measure]float64
	counts    map[Measure]int64
	snapshots map[Measure][]float64
	samples   map[Measure][]float64
}

func (t *testTotals) Sum(m Measure) float64 {
	if s, ok := t.samples[m]; ok {
		var sum float64
		for _, v := range s {
			sum += v
		}
		return sum
	}
	return t.sums[m]
}

func (t *testTotals) Count(m Measure) int64 {
	if s, ok := t.samples[m]; ok {
		return int64(len(s))
	}
	if s, ok := t.snapshots[m]; ok {
		return int64(len(s))
	}
	if c, ok := t.counts[m]; ok {
		return c
	}
	if _, ok := t.sums[m]; ok {
		return 1
	}
	return 0
}

func (t *testTotals) First(m Measure) (float64, bool) {
	s := t.snapshots[m]
	if len(s) == 0 {
		return 0, false
	}
	return s[0], true
}

func (t *testTotals) Last(m Measure) (float64, bool) {
	s := t.snapshots[m]
	if len(s) == 0 {
		return 0, false
	}
	return s[len(s)-1], true
}

// Quantile is the nearest-rank quantile: the sample at rank ceil(q×n).
func (t *testTotals) Quantile(m Measure, q float64) (float64, bool) {
	s := append([]float64(nil), t.samples[m]...)
	if len(s) == 0 {
		return 0, false
	}
	sort.Float64s(s)
	r := int(math.Ceil(q*float64(len(s)))) - 1
	if r < 0 {
		r = 0
	}
	return s[r], true
}

// sums builds a testTotals from measure sums.
func sums(kv map[Measure]float64) *testTotals { return &testTotals{sums: kv} }

// withFollowers adds follower readings.
func (t *testTotals) withFollowers(r ...float64) *testTotals {
	t.snapshots = map[Measure][]float64{Followers: r}
	return t
}

type formulaCase struct {
	name string
	f    *BuiltinFormula
	in   FormulaInput
	want float64
	ok   bool
}

// engaged is a week of one channel: 40 reactions, 10 comments, 6 shares,
// 4 saves (60 engagements), reach 1200, impressions 3000, 5 posts,
// followers 2000 at the start and 2500 at the end.
func engaged() *testTotals {
	return sums(map[Measure]float64{Reactions: 40, Comments: 10, Shares: 6, Saves: 4, Reach: 1200,
		Impressions: 3000, Posts: 5, Clicks: 90}).withFollowers(2000, 2200, 2500)
}

func TestBuiltinFormulasHandComputed(t *testing.T) {
	own := func(t Totals) FormulaInput { return FormulaInput{Own: t} }
	noReach := sums(map[Measure]float64{Reactions: 40})
	cases := []formulaCase{
		// 60 / 1200 × 100 = 5
		{"engagement by reach", EngagementRateReach, own(engaged()), 5, true},
		{"engagement by reach, no reach", EngagementRateReach, own(noReach), 0, false},
		// 60 / 3000 × 100 = 2
		{"engagement by impressions", EngagementRateImpressions, own(engaged()), 2, true},
		{"engagement by impressions, zero impressions", EngagementRateImpressions, own(sums(map[Measure]float64{Reactions: 1, Impressions: 0})), 0, false},
		// 60 / 2500 (the last reading) × 100 = 2.4
		{"engagement by followers", EngagementRateFollowers, own(engaged()), 2.4, true},
		{"engagement by followers, no reading", EngagementRateFollowers, own(noReach), 0, false},
		{"engagement by followers, zero followers", EngagementRateFollowers, own(sums(map[Measure]float64{Reactions: 1}).withFollowers(0)), 0, false},
		// 6 shares / 5 posts / 2500 × 100 = 1.2 / 2500 × 100 = 0.048
		{"amplification", AmplificationRate, own(engaged()), 0.048, true},
		{"amplification, no posts", AmplificationRate, own(sums(map[Measure]float64{Shares: 6}).withFollowers(2500)), 0, false},
		{"amplification, zero followers", AmplificationRate, own(sums(map[Measure]float64{Shares: 6, Posts: 5}).withFollowers(0)), 0, false},
		{"amplification, no follower reading", AmplificationRate, own(sums(map[Measure]float64{Shares: 6, Posts: 5})), 0, false},
		// 40 / 5 / 2500 × 100 = 8 / 2500 × 100 = 0.32
		{"applause", ApplauseRate, own(engaged()), 0.32, true},
		{"applause, no posts", ApplauseRate, own(sums(map[Measure]float64{Reactions: 40}).withFollowers(2500)), 0, false},
		// 10 / 5 / 2500 × 100 = 2 / 2500 × 100 = 0.08
		{"conversation", ConversationRate, own(engaged()), 0.08, true},
		{"conversation, zero followers", ConversationRate, own(sums(map[Measure]float64{Comments: 10, Posts: 5}).withFollowers(0)), 0, false},
		// 6 / 3000 × 100 = 0.2
		{"virality", ViralityRate, own(engaged()), 0.2, true},
		{"virality, no impressions", ViralityRate, own(noReach), 0, false},
		// 90 / 3000 × 100 = 3
		{"click-through", ClickThroughRate, own(engaged()), 3, true},
		{"click-through, no impressions", ClickThroughRate, own(sums(map[Measure]float64{Clicks: 3})), 0, false},
		// (2500 − 2000) / 2000 × 100 = 25
		{"follower growth", FollowerGrowthRate, own(engaged()), 25, true},
		// (1900 − 2000) / 2000 × 100 = −5
		{"follower loss", FollowerGrowthRate, own(sums(nil).withFollowers(2000, 1900)), -5, true},
		{"follower growth from zero", FollowerGrowthRate, own(sums(nil).withFollowers(0, 10)), 0, false},
		{"follower growth, no reading", FollowerGrowthRate, own(noReach), 0, false},
		{"reach", ReachTotal, own(engaged()), 1200, true},
		{"reach recorded as zero", ReachTotal, own(sums(map[Measure]float64{Reach: 0})), 0, true},
		{"reach, none recorded", ReachTotal, own(noReach), 0, false},
		{"impressions", ImpressionsTotal, own(engaged()), 3000, true},
		{"impressions, none recorded", ImpressionsTotal, own(noReach), 0, false},
		// 150 / 600 × 100 = 25
		{"video completion", VideoCompletionRate, own(sums(map[Measure]float64{VideoCompletions: 150, VideoViews: 600})), 25, true},
		{"video completion, no views", VideoCompletionRate, own(sums(map[Measure]float64{VideoCompletions: 0, VideoViews: 0})), 0, false},
		// 45 / 60 × 100 = 75
		{"response rate", ResponseRate, own(sums(map[Measure]float64{Responses: 45, Inbound: 60})), 75, true},
		{"response rate, no inbound", ResponseRate, own(sums(map[Measure]float64{Responses: 3})), 0, false},
		// 120 / 80 = 1.5
		{"cost per click", CostPerClick, own(sums(map[Measure]float64{Spend: 120, PaidClicks: 80})), 1.5, true},
		{"cost per click, no clicks", CostPerClick, own(sums(map[Measure]float64{Spend: 120})), 0, false},
		// 120 / 40000 × 1000 = 3
		{"cost per mille", CostPerMille, own(sums(map[Measure]float64{Spend: 120, PaidImpressions: 40000})), 3, true},
		{"cost per mille, no impressions", CostPerMille, own(sums(map[Measure]float64{Spend: 120})), 0, false},
		// 120 / 300 = 0.4
		{"cost per engagement", CostPerEngagement, own(sums(map[Measure]float64{Spend: 120, PaidEngagements: 300})), 0.4, true},
		{"cost per engagement, none", CostPerEngagement, own(sums(map[Measure]float64{Spend: 120})), 0, false},
		// 9 / 90 × 100 = 10
		{"conversion", ConversionRate, own(sums(map[Measure]float64{Conversions: 9, Clicks: 90})), 10, true},
		{"conversion, no clicks", ConversionRate, own(sums(map[Measure]float64{Conversions: 9})), 0, false},
		// 50 / 200 × 100 = 25; 30 / 200 × 100 = 15; 120 / 200 × 100 = 60
		{"positive share", SentimentPositiveShare, own(sentiment()), 25, true},
		{"negative share", SentimentNegativeShare, own(sentiment()), 15, true},
		{"neutral share", SentimentNeutralShare, own(sentiment()), 60, true},
		{"positive share, no mentions", SentimentPositiveShare, own(sums(map[Measure]float64{MentionsPositive: 0})), 0, false},
		{"negative share, no mentions", SentimentNegativeShare, own(sums(nil)), 0, false},
		{"neutral share, no mentions", SentimentNeutralShare, own(sums(nil)), 0, false},
		// (50 − 30) / (50 + 30) = 20 / 80 = 0.25
		{"net sentiment", NetSentiment, own(sentiment()), 0.25, true},
		{"net sentiment, only neutral", NetSentiment, own(sums(map[Measure]float64{Mentions: 5, MentionsNeutral: 5})), 0, false},
	}
	runFormulaCases(t, cases)
}

// sentiment is 200 mentions: 50 positive, 30 negative, 120 neutral.
func sentiment() *testTotals {
	return sums(map[Measure]float64{Mentions: 200, MentionsPositive: 50, MentionsNegative: 30, MentionsNeutral: 120})
}

func TestResponseTimeFormulas(t *testing.T) {
	// ten samples, in seconds: 10 20 30 40 50 60 70 80 90 1000.
	// mean = (10+20+…+90 + 1000) / 10 = (450 + 1000) / 10 = 145
	// median (nearest rank ceil(0.5×10) = 5th) = 50
	// p90 (nearest rank ceil(0.9×10) = 9th) = 90
	rt := &testTotals{samples: map[Measure][]float64{ResponseTime: {1000, 10, 20, 30, 40, 50, 60, 70, 80, 90}}}
	none := &testTotals{samples: map[Measure][]float64{ResponseTime: nil}}
	in := FormulaInput{Own: rt}
	runFormulaCases(t, []formulaCase{
		{"mean", FirstResponseTimeMean, in, 145, true},
		{"median", FirstResponseTimeMedian, in, 50, true},
		{"p90", FirstResponseTimeP90, in, 90, true},
		{"mean, no samples", FirstResponseTimeMean, FormulaInput{Own: none}, 0, false},
		{"median, no samples", FirstResponseTimeMedian, FormulaInput{Own: none}, 0, false},
		{"p90, no samples", FirstResponseTimeP90, FormulaInput{Own: none}, 0, false},
	})
}

func TestShareOfVoice(t *testing.T) {
	brand := sums(map[Measure]float64{Mentions: 300})
	rivals := map[string]Totals{"globex": sums(map[Measure]float64{Mentions: 500}), "initech": sums(map[Measure]float64{Mentions: 200})}
	runFormulaCases(t, []formulaCase{
		// 300 / (300 + 500 + 200) × 100 = 30
		{"two competitors", ShareOfVoice, FormulaInput{Own: brand, Competitors: rivals}, 30, true},
		// a competitor with nothing recorded counts as 0: 300 / 300 × 100 = 100
		{"silent competitor", ShareOfVoice, FormulaInput{Own: brand, Competitors: map[string]Totals{"globex": sums(nil)}}, 100, true},
		{"competitor without data", ShareOfVoice, FormulaInput{Own: brand, Competitors: map[string]Totals{"globex": nil}}, 0, false},
		{"nobody mentioned", ShareOfVoice, FormulaInput{Own: sums(nil), Competitors: map[string]Totals{"globex": sums(nil)}}, 0, false},
	})
}

// Every formula has no value for an empty period (nothing recorded) and
// for a segment with no totals at all.
func TestBuiltinFormulasEmptyPeriod(t *testing.T) {
	for _, f := range BuiltinFormulas() {
		empty := &testTotals{}
		if v, ok := f.Eval(FormulaInput{Own: empty, Competitors: map[string]Totals{"globex": &testTotals{}}}); ok {
			t.Errorf("%s over an empty period = %v, want no value", f.Name, v)
		}
		if v, ok := f.Eval(FormulaInput{}); ok {
			t.Errorf("%s with no totals = %v, want no value", f.Name, v)
		}
	}
}

func TestBuiltinFormulasAreDescribed(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range BuiltinFormulas() {
		if f.Name == "" || f.Title == "" || f.Expression == "" || !f.Unit.Valid() || seen[f.Name] {
			t.Errorf("formula %+v: want a unique name, a title, an expression and a valid unit", f)
		}
		seen[f.Name] = true
		if g, ok := LookupFormula(f.Name); !ok || g != f {
			t.Errorf("LookupFormula(%q) = %v, %v", f.Name, g, ok)
		}
	}
	if len(seen) != 25 {
		t.Errorf("%d built-in formulas, want 25", len(seen))
	}
	if _, ok := LookupFormula("nope"); ok {
		t.Error(`LookupFormula("nope") found a formula`)
	}
}

func runFormulaCases(t *testing.T, cases []formulaCase) {
	t.Helper()
	for _, c := range cases {
		got, ok := c.f.Eval(c.in)
		if ok != c.ok || math.Abs(got-c.want) > 1e-9 {
			t.Errorf("%s (%s): got %v, %v; want %v, %v", c.name, c.f.Name, got, ok, c.want, c.ok)
		}
	}
}
