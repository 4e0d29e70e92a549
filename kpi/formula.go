package kpi

import (
	"slices"
)

// Unit says what a KPI's value measures, for display and for checking a
// definition.
type Unit string

// The units.
const (
	// UnitPercent values are percentages: 2.5 means 2.5 %.
	UnitPercent Unit = "percent"
	// UnitRatio values are plain ratios (net sentiment, from -1 to 1).
	UnitRatio Unit = "ratio"
	// UnitCount values are counts (reach, impressions).
	UnitCount Unit = "count"
	// UnitSeconds values are durations in seconds (response times).
	UnitSeconds Unit = "seconds"
	// UnitCurrency values are amounts of money in the segment's currency
	// units (costs per click).
	UnitCurrency Unit = "currency"
)

// units lists the valid units in the order of the constants.
var units = []Unit{UnitPercent, UnitRatio, UnitCount, UnitSeconds, UnitCurrency}

// Valid reports whether u is one of the units above.
func (u Unit) Valid() bool { return slices.Contains(units, u) }

// FormulaInput is what a formula reads: the segment's own Totals over the
// period and, for share of voice, one Totals per named competitor (keyed
// by the competitor's name, usually the Brand of its segment) over the
// same period.
//
// A nil Own, or a competitor absent from Competitors, is a segment with no
// data: a formula that needs it has no value. A competitor present with
// nothing recorded counts as zero mentions.
type FormulaInput struct {
	// Own is the segment the KPI is computed for.
	Own Totals
	// Competitors holds the competitors' totals, by name.
	Competitors map[string]Totals
}

// BuiltinFormula is one of the standard KPI formulas: a name a definition
// refers to, what it computes, its unit and which way it should move.
//
// # No value
//
// Every formula returns (value, true), or (0, false) when it has no value:
// when a denominator is zero (no impressions, no followers, no posts, no
// clicks), when a reading it needs is absent (no follower reading in the
// period), and for an empty period (nothing recorded, or a nil
// FormulaInput.Own). The plain totals (reach, impressions) have no value
// when no event of their measure was recorded, and a numerator with
// nothing recorded counts as zero when the denominator is there. A
// missing value is never reported as 0.
type BuiltinFormula struct {
	// Name identifies the formula in a KPI definition ("engagement_rate_reach").
	Name string
	// Title is a short human name.
	Title string
	// Expression is the exact formula, in terms of measures.
	Expression string
	// Unit is the unit of the value.
	Unit Unit
	// Goal says which way the value should move.
	Goal Goal
	eval func(FormulaInput) (float64, bool)
}

// Eval computes the formula over in. See BuiltinFormula for when it has no
// value.
func (f *BuiltinFormula) Eval(in FormulaInput) (float64, bool) {
	if in.Own == nil {
		return 0, false
	}
	return f.eval(in)
}

// ratio returns num/den*scale, or false when den is zero.
func ratio(num, den, scale float64) (float64, bool) {
	if den == 0 {
		return 0, false
	}
	return num / den * scale, true
}

// engagements sums reactions, comments, shares and saves.
func engagements(t Totals) float64 {
	return t.Sum(Reactions) + t.Sum(Comments) + t.Sum(Shares) + t.Sum(Saves)
}

// followersAtEnd returns the last follower reading, false without one.
func followersAtEnd(t Totals) (float64, bool) { return t.Last(Followers) }

// perPostPerFollower returns (num / posts) / followers at the period's end
// × 100, the shape of Avinash Kaushik's conversation, amplification and
// applause rates.
func perPostPerFollower(t Totals, num Measure) (float64, bool) {
	f, ok := followersAtEnd(t)
	if !ok {
		return 0, false
	}
	posts := t.Sum(Posts)
	if posts == 0 || f == 0 {
		return 0, false
	}
	return t.Sum(num) / posts / f * 100, true
}

// simpleRatio builds the formula num/den×scale over the segment's sums.
func simpleRatio(num, den Measure, scale float64) func(FormulaInput) (float64, bool) {
	return func(in FormulaInput) (float64, bool) { return ratio(in.Own.Sum(num), in.Own.Sum(den), scale) }
}

// total builds the formula "sum of m", with no value when nothing was
// recorded.
func total(m Measure) func(FormulaInput) (float64, bool) {
	return func(in FormulaInput) (float64, bool) {
		if in.Own.Count(m) == 0 {
			return 0, false
		}
		return in.Own.Sum(m), true
	}
}

// quantile builds the formula "q-quantile of response_time".
func quantile(q float64) func(FormulaInput) (float64, bool) {
	return func(in FormulaInput) (float64, bool) { return in.Own.Quantile(ResponseTime, q) }
}

// The built-in formulas. Each one's Expression is the exact formula; sums
// are over the period, "followers at end" is the period's last follower
// reading, "followers at start" its first.
var (
	// EngagementRateReach is (reactions + comments + shares + saves) /
	// reach × 100, in percent.
	EngagementRateReach = &BuiltinFormula{Name: "engagement_rate_reach", Title: "Engagement rate by reach",
		Expression: "(reactions + comments + shares + saves) / reach × 100", Unit: UnitPercent,
		eval: func(in FormulaInput) (float64, bool) { return ratio(engagements(in.Own), in.Own.Sum(Reach), 100) }}
	// EngagementRateImpressions is (reactions + comments + shares + saves)
	// / impressions × 100, in percent.
	EngagementRateImpressions = &BuiltinFormula{Name: "engagement_rate_impressions", Title: "Engagement rate by impressions",
		Expression: "(reactions + comments + shares + saves) / impressions × 100", Unit: UnitPercent,
		eval: func(in FormulaInput) (float64, bool) { return ratio(engagements(in.Own), in.Own.Sum(Impressions), 100) }}
	// EngagementRateFollowers is (reactions + comments + shares + saves) /
	// followers at the period's end × 100, in percent.
	EngagementRateFollowers = &BuiltinFormula{Name: "engagement_rate_followers", Title: "Engagement rate by followers",
		Expression: "(reactions + comments + shares + saves) / followers at end × 100", Unit: UnitPercent,
		eval: func(in FormulaInput) (float64, bool) {
			f, ok := followersAtEnd(in.Own)
			if !ok {
				return 0, false
			}
			return ratio(engagements(in.Own), f, 100)
		}}
	// AmplificationRate is Avinash Kaushik's amplification rate, shares
	// per post per follower: shares / posts / followers at end × 100, in
	// percent. Kaushik ("Best Social Media Metrics: Conversation,
	// Amplification, Applause, Economic Value", Occam's Razor, 2011,
	// https://www.kaushik.net/avinash/best-social-media-metrics-conversation-amplification-applause-economic-value/)
	// counts amplification, applause and conversation per post (shares,
	// likes, comments per post) and compares accounts by dividing by the
	// followers; these three formulas do both, so that a week with more
	// posts or a larger audience does not look better by volume alone.
	AmplificationRate = &BuiltinFormula{Name: "amplification_rate", Title: "Amplification rate",
		Expression: "shares / posts / followers at end × 100", Unit: UnitPercent,
		eval: func(in FormulaInput) (float64, bool) { return perPostPerFollower(in.Own, Shares) }}
	// ApplauseRate is Kaushik's applause rate, reactions per post per
	// follower: reactions / posts / followers at end × 100, in percent.
	ApplauseRate = &BuiltinFormula{Name: "applause_rate", Title: "Applause rate",
		Expression: "reactions / posts / followers at end × 100", Unit: UnitPercent,
		eval: func(in FormulaInput) (float64, bool) { return perPostPerFollower(in.Own, Reactions) }}
	// ConversationRate is Kaushik's conversation rate, comments per post
	// per follower: comments / posts / followers at end × 100, in percent.
	ConversationRate = &BuiltinFormula{Name: "conversation_rate", Title: "Conversation rate",
		Expression: "comments / posts / followers at end × 100", Unit: UnitPercent,
		eval: func(in FormulaInput) (float64, bool) { return perPostPerFollower(in.Own, Comments) }}
	// ViralityRate is shares / impressions × 100, in percent.
	ViralityRate = &BuiltinFormula{Name: "virality_rate", Title: "Virality rate",
		Expression: "shares / impressions × 100", Unit: UnitPercent, eval: simpleRatio(Shares, Impressions, 100)}
	// ClickThroughRate is clicks / impressions × 100, in percent.
	ClickThroughRate = &BuiltinFormula{Name: "click_through_rate", Title: "Click-through rate",
		Expression: "clicks / impressions × 100", Unit: UnitPercent, eval: simpleRatio(Clicks, Impressions, 100)}
	// FollowerGrowthRate is (followers at end − followers at start) /
	// followers at start × 100, in percent.
	FollowerGrowthRate = &BuiltinFormula{Name: "follower_growth_rate", Title: "Follower growth rate",
		Expression: "(followers at end − followers at start) / followers at start × 100", Unit: UnitPercent,
		eval: func(in FormulaInput) (float64, bool) {
			first, ok1 := in.Own.First(Followers)
			last, ok2 := in.Own.Last(Followers)
			if !ok1 || !ok2 {
				return 0, false
			}
			return ratio(last-first, first, 100)
		}}
	// ReachTotal is the sum of reach, a count.
	ReachTotal = &BuiltinFormula{Name: "reach", Title: "Reach", Expression: "reach", Unit: UnitCount, eval: total(Reach)}
	// ImpressionsTotal is the sum of impressions, a count.
	ImpressionsTotal = &BuiltinFormula{Name: "impressions", Title: "Impressions", Expression: "impressions", Unit: UnitCount, eval: total(Impressions)}
	// VideoCompletionRate is video_completions / video_views × 100, in
	// percent.
	VideoCompletionRate = &BuiltinFormula{Name: "video_completion_rate", Title: "Video completion rate",
		Expression: "video_completions / video_views × 100", Unit: UnitPercent, eval: simpleRatio(VideoCompletions, VideoViews, 100)}
	// ResponseRate is responses / inbound × 100, in percent.
	ResponseRate = &BuiltinFormula{Name: "response_rate", Title: "Response rate",
		Expression: "responses / inbound × 100", Unit: UnitPercent, eval: simpleRatio(Responses, Inbound, 100)}
	// FirstResponseTimeMean is sum(response_time) / count(response_time),
	// in seconds.
	FirstResponseTimeMean = &BuiltinFormula{Name: "first_response_time_mean", Title: "First-response time (mean)",
		Expression: "sum(response_time) / count(response_time)", Unit: UnitSeconds, Goal: LowerIsBetter,
		eval: func(in FormulaInput) (float64, bool) {
			return ratio(in.Own.Sum(ResponseTime), float64(in.Own.Count(ResponseTime)), 1)
		}}
	// FirstResponseTimeMedian is the 0.5-quantile of response_time, in
	// seconds, as Totals.Quantile estimates it.
	FirstResponseTimeMedian = &BuiltinFormula{Name: "first_response_time_median", Title: "First-response time (median)",
		Expression: "quantile(response_time, 0.5)", Unit: UnitSeconds, Goal: LowerIsBetter, eval: quantile(0.5)}
	// FirstResponseTimeP90 is the 0.9-quantile of response_time, in
	// seconds, as Totals.Quantile estimates it.
	FirstResponseTimeP90 = &BuiltinFormula{Name: "first_response_time_p90", Title: "First-response time (90th percentile)",
		Expression: "quantile(response_time, 0.9)", Unit: UnitSeconds, Goal: LowerIsBetter, eval: quantile(0.9)}
	// ShareOfVoice is mentions / (mentions + the sum of each named
	// competitor's mentions) × 100, in percent. It reads the competitors
	// from FormulaInput.Competitors; the KPI definition names them. It has
	// no value when a named competitor's totals are absent, or when there
	// are no mentions at all.
	ShareOfVoice = &BuiltinFormula{Name: "share_of_voice", Title: "Share of voice",
		Expression: "mentions / (mentions + Σ competitor mentions) × 100", Unit: UnitPercent,
		eval: shareOfVoice}
	// SentimentPositiveShare is mentions_positive / mentions × 100, in
	// percent.
	SentimentPositiveShare = &BuiltinFormula{Name: "sentiment_positive_share", Title: "Positive sentiment share",
		Expression: "mentions_positive / mentions × 100", Unit: UnitPercent, eval: simpleRatio(MentionsPositive, Mentions, 100)}
	// SentimentNegativeShare is mentions_negative / mentions × 100, in
	// percent.
	SentimentNegativeShare = &BuiltinFormula{Name: "sentiment_negative_share", Title: "Negative sentiment share",
		Expression: "mentions_negative / mentions × 100", Unit: UnitPercent, Goal: LowerIsBetter,
		eval: simpleRatio(MentionsNegative, Mentions, 100)}
	// SentimentNeutralShare is mentions_neutral / mentions × 100, in
	// percent.
	SentimentNeutralShare = &BuiltinFormula{Name: "sentiment_neutral_share", Title: "Neutral sentiment share",
		Expression: "mentions_neutral / mentions × 100", Unit: UnitPercent, eval: simpleRatio(MentionsNeutral, Mentions, 100)}
	// NetSentiment is (mentions_positive − mentions_negative) /
	// (mentions_positive + mentions_negative), a ratio from −1 to 1.
	NetSentiment = &BuiltinFormula{Name: "net_sentiment", Title: "Net sentiment",
		Expression: "(mentions_positive − mentions_negative) / (mentions_positive + mentions_negative)", Unit: UnitRatio,
		eval: func(in FormulaInput) (float64, bool) {
			p, n := in.Own.Sum(MentionsPositive), in.Own.Sum(MentionsNegative)
			return ratio(p-n, p+n, 1)
		}}
	// CostPerClick is spend / paid_clicks, in currency units.
	CostPerClick = &BuiltinFormula{Name: "cost_per_click", Title: "Cost per click",
		Expression: "spend / paid_clicks", Unit: UnitCurrency, Goal: LowerIsBetter, eval: simpleRatio(Spend, PaidClicks, 1)}
	// CostPerMille is spend / paid_impressions × 1000, in currency units.
	CostPerMille = &BuiltinFormula{Name: "cost_per_mille", Title: "Cost per mille",
		Expression: "spend / paid_impressions × 1000", Unit: UnitCurrency, Goal: LowerIsBetter,
		eval: simpleRatio(Spend, PaidImpressions, 1000)}
	// CostPerEngagement is spend / paid_engagements, in currency units.
	CostPerEngagement = &BuiltinFormula{Name: "cost_per_engagement", Title: "Cost per engagement",
		Expression: "spend / paid_engagements", Unit: UnitCurrency, Goal: LowerIsBetter,
		eval: simpleRatio(Spend, PaidEngagements, 1)}
	// ConversionRate is conversions / clicks × 100, in percent.
	ConversionRate = &BuiltinFormula{Name: "conversion_rate", Title: "Conversion rate",
		Expression: "conversions / clicks × 100", Unit: UnitPercent, eval: simpleRatio(Conversions, Clicks, 100)}
)

// shareOfVoice computes ShareOfVoice over the competitors in.Competitors
// holds; Definition.Eval passes exactly the competitors it names.
func shareOfVoice(in FormulaInput) (float64, bool) {
	own := in.Own.Sum(Mentions)
	all := own
	for _, t := range in.Competitors {
		if t == nil {
			return 0, false
		}
		all += t.Sum(Mentions)
	}
	return ratio(own, all, 100)
}

// builtins lists the built-in formulas in a fixed order.
var builtins = []*BuiltinFormula{
	EngagementRateReach, EngagementRateImpressions, EngagementRateFollowers,
	AmplificationRate, ApplauseRate, ConversationRate, ViralityRate, ClickThroughRate,
	FollowerGrowthRate, ReachTotal, ImpressionsTotal, VideoCompletionRate, ResponseRate,
	FirstResponseTimeMean, FirstResponseTimeMedian, FirstResponseTimeP90, ShareOfVoice,
	SentimentPositiveShare, SentimentNegativeShare, SentimentNeutralShare, NetSentiment,
	CostPerClick, CostPerMille, CostPerEngagement, ConversionRate,
}

// BuiltinFormulas returns the built-in formulas, in a fixed order.
func BuiltinFormulas() []*BuiltinFormula { return slices.Clone(builtins) }

// LookupFormula returns the built-in formula named name, false when there
// is none.
func LookupFormula(name string) (*BuiltinFormula, bool) {
	for _, f := range builtins {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}
