package kpi

import (
	"cmp"
	"fmt"
	"slices"
)

// Recommender adds advice to a scorecard. It reads the scorecard and the
// scorecards of earlier periods (oldest first; possibly none) and returns
// the recommendations to add, in the scorecard's Language. A product
// plugs in its own next to the built-in BelowTargetFor and
// EngagementDrop.
type Recommender interface {
	Recommend(card *Scorecard, history []*Scorecard) []Recommendation
}

// RecommenderFunc is a function used as a Recommender.
type RecommenderFunc func(card *Scorecard, history []*Scorecard) []Recommendation

// Recommend calls f.
func (f RecommenderFunc) Recommend(card *Scorecard, history []*Scorecard) []Recommendation {
	return f(card, history)
}

// Recommend asks each recommender in turn and appends what they return to
// c.Recommendations, then orders them most urgent first (keeping the
// order of equally urgent ones).
func (c *Scorecard) Recommend(history []*Scorecard, rs ...Recommender) {
	for _, r := range rs {
		c.Recommendations = append(c.Recommendations, r.Recommend(c, history)...)
	}
	slices.SortStableFunc(c.Recommendations, func(a, b Recommendation) int {
		return cmp.Compare(urgencyRank(b.Urgency), urgencyRank(a.Urgency))
	})
}

func urgencyRank(u Urgency) int {
	switch u {
	case UrgencyCritical:
		return 2
	case UrgencyWarning:
		return 1
	}
	return 0
}

// BelowTargetFor recommends looking at each KPI whose last n trend points
// (n >= 1; ScoreLine.Trend, oldest first) all have a value short of their
// target (status close or missed). The advice is critical when all n
// missed, a warning otherwise. Lines with fewer than n points are
// skipped.
func BelowTargetFor(n int) Recommender {
	n = max(n, 1)
	return RecommenderFunc(func(card *Scorecard, _ []*Scorecard) []Recommendation {
		loc := localeFor(card.Language)
		var out []Recommendation
		for i := range card.Lines {
			l := &card.Lines[i]
			if len(l.Trend) < n {
				continue
			}
			below, missed := true, true
			for _, p := range l.Trend[len(l.Trend)-n:] {
				switch status(l.Goal, p.Value, p.Target) {
				case ScoreClose:
					missed = false
				case ScoreMissed:
				default:
					below = false
				}
			}
			if !below {
				continue
			}
			u := UrgencyWarning
			if missed {
				u = UrgencyCritical
			}
			name := cmp.Or(l.Name, l.ID)
			out = append(out, Recommendation{KPI: l.ID, Urgency: u, Text: fmt.Sprintf(loc.belowTarget, name, n)})
		}
		return out
	})
}

// EngagementDrop recommends looking at each channel whose engagements fell
// by more than percent (a fraction: 0.3 is 30%) against the previous
// period. The advice is critical when they fell by more than twice
// percent, a warning otherwise. Channels without a previous count, or
// with a previous count of 0, are skipped.
func EngagementDrop(percent float64) Recommender {
	return RecommenderFunc(func(card *Scorecard, _ []*Scorecard) []Recommendation {
		loc := localeFor(card.Language)
		var out []Recommendation
		for _, ch := range card.Channels {
			if !ch.Engagements.Set || !ch.Previous.Set || ch.Previous.Value <= 0 {
				continue
			}
			drop := (ch.Previous.Value - ch.Engagements.Value) / ch.Previous.Value
			if drop <= percent {
				continue
			}
			u := UrgencyWarning
			if drop > 2*percent {
				u = UrgencyCritical
			}
			out = append(out, Recommendation{Urgency: u, Text: fmt.Sprintf(loc.engagementDrop, ch.Channel, loc.percent(drop, 1))})
		}
		return out
	})
}
