package kpi

import (
	"reflect"
	"testing"
)

func trendOf(goal Goal, pairs ...[2]float64) ScoreLine {
	l := ScoreLine{ID: "k", Name: "K", Goal: goal}
	for _, p := range pairs {
		l.Trend = append(l.Trend, ScorePoint{Value: FigureOf(p[0]), Target: FigureOf(p[1])})
	}
	return l
}

func TestBelowTargetFor(t *testing.T) {
	cases := []struct {
		name string
		line ScoreLine
		want []Recommendation
	}{
		{"three missed in a row", trendOf(HigherIsBetter, [2]float64{10, 5}, [2]float64{1, 5}, [2]float64{2, 5}, [2]float64{3, 5}),
			[]Recommendation{{KPI: "k", Urgency: UrgencyCritical, Text: "K has been below target for 3 periods in a row."}}},
		{"one only close", trendOf(HigherIsBetter, [2]float64{1, 5}, [2]float64{4.6, 5}, [2]float64{3, 5}),
			[]Recommendation{{KPI: "k", Urgency: UrgencyWarning, Text: "K has been below target for 3 periods in a row."}}},
		{"met in between", trendOf(HigherIsBetter, [2]float64{1, 5}, [2]float64{5, 5}, [2]float64{3, 5}), nil},
		{"lower is better, over target", trendOf(LowerIsBetter, [2]float64{90, 60}, [2]float64{80, 60}, [2]float64{70, 60}),
			[]Recommendation{{KPI: "k", Urgency: UrgencyCritical, Text: "K has been below target for 3 periods in a row."}}},
		{"lower is better, under target", trendOf(LowerIsBetter, [2]float64{50, 60}, [2]float64{40, 60}, [2]float64{30, 60}), nil},
		{"too short", trendOf(HigherIsBetter, [2]float64{1, 5}, [2]float64{1, 5}), nil},
		{"no target", ScoreLine{ID: "k", Trend: []ScorePoint{{Value: FigureOf(1)}, {Value: FigureOf(1)}, {Value: FigureOf(1)}}}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &Scorecard{Language: "en", Lines: []ScoreLine{tc.line}}
			if got := BelowTargetFor(3).Recommend(c, nil); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestEngagementDrop(t *testing.T) {
	c := &Scorecard{Language: "en", Channels: []ChannelScore{
		{Channel: "fell-35", Engagements: FigureOf(650), Previous: FigureOf(1000)},
		{Channel: "fell-30", Engagements: FigureOf(700), Previous: FigureOf(1000)},
		{Channel: "fell-70", Engagements: FigureOf(300), Previous: FigureOf(1000)},
		{Channel: "rose", Engagements: FigureOf(2000), Previous: FigureOf(1000)},
		{Channel: "new", Engagements: FigureOf(10)},
		{Channel: "was-zero", Engagements: FigureOf(0), Previous: FigureOf(0)},
		{Channel: "no-data", Previous: FigureOf(1000)},
	}}
	want := []Recommendation{
		{Urgency: UrgencyWarning, Text: "Engagement on fell-35 fell by 35.0% against the previous period."},
		{Urgency: UrgencyCritical, Text: "Engagement on fell-70 fell by 70.0% against the previous period."},
	}
	if got := EngagementDrop(0.3).Recommend(c, nil); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	c.Language = "pl"
	if got := EngagementDrop(0.3).Recommend(c, nil); len(got) != 2 || got[0].Text != "Interakcje w kanale fell-35 spadły o 35,0% względem poprzedniego okresu." {
		t.Errorf("pl: got %+v", got)
	}
}

func TestScorecardRecommendOrdersAndPassesHistory(t *testing.T) {
	c := sampleScorecard("es")
	prev := sampleScorecard("es")
	var seen []*Scorecard
	custom := RecommenderFunc(func(card *Scorecard, history []*Scorecard) []Recommendation {
		seen = history
		return []Recommendation{{KPI: "followers", Urgency: UrgencyInfo, Text: "Publicad más vídeos."}}
	})
	c.Recommend([]*Scorecard{prev}, custom, BelowTargetFor(4), EngagementDrop(0.3))
	if len(seen) != 1 || seen[0] != prev {
		t.Errorf("history not passed on: %v", seen)
	}
	want := []Recommendation{
		{KPI: "engagement_rate", Urgency: UrgencyCritical, Text: "Tasa de interacción lleva 4 periodos seguidos por debajo del objetivo."},
		{KPI: "followers", Urgency: UrgencyWarning, Text: "Seguidores lleva 4 periodos seguidos por debajo del objetivo."},
		{Urgency: UrgencyWarning, Text: "Las interacciones en acme-ig cayeron un 35,0\u00a0% frente al periodo anterior."},
		{KPI: "followers", Urgency: UrgencyInfo, Text: "Publicad más vídeos."},
	}
	if !reflect.DeepEqual(c.Recommendations, want) {
		t.Errorf("got  %+v\nwant %+v", c.Recommendations, want)
	}
}
