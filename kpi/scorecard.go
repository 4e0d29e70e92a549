package kpi

import (
	"math"
	"time"

	"github.com/cmkit/cmkit"
)

// Figure is a number that may be missing: a KPI with no data in the
// period, a target nobody set. The zero Figure is "no value". In JSON it
// is a number or null.
type Figure struct {
	// Value is the number; meaningless unless Set.
	Value float64
	// Set says whether there is a value.
	Set bool
}

// FigureOf returns the Figure holding v.
func FigureOf(v float64) Figure { return Figure{Value: v, Set: true} }

// ScoreStatus says how a KPI's value compares with its target.
type ScoreStatus string

// The statuses, by ScoreLine.Status's rule.
const (
	// ScoreMet: the value meets the target (value >= target when higher
	// is better, value <= target when lower is better).
	ScoreMet ScoreStatus = "met"
	// ScoreClose: not met, but attainment is at least CloseAttainment.
	ScoreClose ScoreStatus = "close"
	// ScoreMissed: attainment is below CloseAttainment.
	ScoreMissed ScoreStatus = "missed"
	// ScoreUnknown: no value or no target.
	ScoreUnknown ScoreStatus = "none"
)

// CloseAttainment is the attainment from which a target that is not met
// counts as close (ScoreClose) rather than missed: 90% of the target.
const CloseAttainment = 0.9

// ScorePoint is one period of a KPI's trend.
type ScorePoint struct {
	// Period is the period's label ("2026-W48", "2026-11").
	Period string
	// Start is when the period starts.
	Start time.Time
	// Value is the KPI's value in the period.
	Value Figure
	// Target is the period's target.
	Target Figure
}

// ScoreLine is one KPI in a scorecard. The code that computes the numbers
// fills the fields; the methods derive attainment, change and status from
// them, so the derived numbers never disagree with the filled ones.
type ScoreLine struct {
	// ID is the KPI's identifier ("engagement_rate").
	ID string
	// Name is the KPI's name for people, in the scorecard's language.
	Name string
	// Unit says what the numbers are, and so how reports write them:
	// UnitPercent values are held here as fractions (0.042 is written
	// "4.2%", as RelativeChange and RankedPost.EngagementRate are;
	// BuildScorecard converts a definition's percentages), UnitRatio
	// with two decimals, UnitCount without decimals when whole,
	// UnitSeconds as "42 s", "12 min 5 s" or "3 h 20 min", UnitCurrency
	// with two decimals and the ISO 4217 code ("1,234.50 EUR").
	Unit Unit
	// Currency is the ISO 4217 code when Unit is UnitCurrency.
	Currency string
	// Goal says which way the KPI should move.
	Goal Goal
	// Value is the KPI's value in the period.
	Value Figure
	// Target is the period's target, if any.
	Target Figure
	// Previous is the KPI's value in the previous period.
	Previous Figure
	// Trend is the KPI over the last periods, oldest first, usually
	// ending with the scorecard's period.
	Trend []ScorePoint
}

// Attainment returns how much of the target the value reaches: value /
// target when higher is better, target / value when lower is better (a
// response time of 30 s against a 60 s target attains 2, that is 200%).
// It has no value without a value or a target, or when the divisor is
// not positive or the dividend is negative.
func (l *ScoreLine) Attainment() Figure {
	return attainment(l.Goal, l.Value, l.Target)
}

func attainment(g Goal, value, target Figure) Figure {
	if !value.Set || !target.Set {
		return Figure{}
	}
	num, den := value.Value, target.Value
	if g == LowerIsBetter {
		num, den = den, num
	}
	if den <= 0 || num < 0 {
		return Figure{}
	}
	return FigureOf(num / den)
}

// Change returns value - previous, without a value when either is
// missing.
func (l *ScoreLine) Change() Figure {
	if !l.Value.Set || !l.Previous.Set {
		return Figure{}
	}
	return FigureOf(l.Value.Value - l.Previous.Value)
}

// RelativeChange returns (value - previous) / |previous|, without a value
// when either is missing or previous is 0.
func (l *ScoreLine) RelativeChange() Figure {
	if !l.Value.Set || !l.Previous.Set || l.Previous.Value == 0 {
		return Figure{}
	}
	return FigureOf((l.Value.Value - l.Previous.Value) / math.Abs(l.Previous.Value))
}

// Status returns ScoreMet when the value meets the target, ScoreClose
// when it does not but Attainment is at least CloseAttainment, ScoreMissed
// otherwise, and ScoreUnknown without a value or a target.
func (l *ScoreLine) Status() ScoreStatus {
	return status(l.Goal, l.Value, l.Target)
}

func status(g Goal, value, target Figure) ScoreStatus {
	if !value.Set || !target.Set {
		return ScoreUnknown
	}
	if g == LowerIsBetter && value.Value <= target.Value || g != LowerIsBetter && value.Value >= target.Value {
		return ScoreMet
	}
	if a := attainment(g, value, target); a.Set && a.Value >= CloseAttainment {
		return ScoreClose
	}
	return ScoreMissed
}

// ChannelScore is one channel's engagement in the period and the one
// before, which the EngagementDrop recommendation reads.
type ChannelScore struct {
	// Channel is the channel ID.
	Channel string
	// Platform is the channel's platform.
	Platform cmkit.Platform
	// Engagements counts reactions, comments, shares and saves in the
	// period.
	Engagements Figure
	// Previous counts them in the previous period.
	Previous Figure
}

// RankedPost is a post in a scorecard's top or bottom list.
type RankedPost struct {
	// Channel is the channel ID.
	Channel string
	// Platform is the post's platform.
	Platform cmkit.Platform
	// PlatformID is the platform's ID of the post.
	PlatformID string
	// URL links to the post.
	URL string
	// Excerpt is the beginning of the post's text.
	Excerpt string
	// PublishedAt is when the post was published.
	PublishedAt time.Time
	// Engagements counts reactions, comments, shares and saves.
	Engagements int64
	// EngagementRate is engagements per impression, as a fraction.
	EngagementRate Figure
}

// OpinionLeader is an author whose mentions carried weight in the period.
type OpinionLeader struct {
	// Handle is the author's handle on the platform.
	Handle string
	// Platform is the platform.
	Platform cmkit.Platform
	// Followers is the author's follower count.
	Followers int64
	// Mentions counts the author's mentions in the period.
	Mentions int64
	// Sentiment is the mean sentiment of those mentions, from -1 to 1.
	Sentiment Figure
}

// VoiceShare is one brand's mentions in a share-of-voice comparison. A
// brand's share is its mentions over all the scorecard's VoiceShare
// mentions (Scorecard.Shares).
type VoiceShare struct {
	// Brand is the brand's or competitor's name.
	Brand string
	// Own marks the scorecard's own brand.
	Own bool
	// Mentions counts the brand's mentions in the period.
	Mentions int64
}

// Urgency says how soon a recommendation calls for action.
type Urgency string

// The urgencies, least urgent first.
const (
	// UrgencyInfo is worth knowing.
	UrgencyInfo Urgency = "info"
	// UrgencyWarning calls for a look this period.
	UrgencyWarning Urgency = "warning"
	// UrgencyCritical calls for action now.
	UrgencyCritical Urgency = "critical"
)

// Recommendation is advice attached to a scorecard.
type Recommendation struct {
	// KPI is the ID of the KPI it is about, empty when about none.
	KPI string
	// Urgency says how soon to act.
	Urgency Urgency
	// Text is the advice, in the scorecard's language.
	Text string
}

// Scorecard is a report's content: the KPIs of one segment over one
// period, with the posts, people and competitors behind them, and
// recommendations. The code computing the numbers fills it; the Write
// methods render it as JSON, CSV, Markdown or HTML. Only Language,
// Period, Start and End are required.
type Scorecard struct {
	// Title heads the report.
	Title string
	// Language is the report's language: "en", "es" or "pl". It sets the
	// labels, number and date formats of the Markdown and HTML forms.
	Language string
	// Period is the period's label ("2026-W48").
	Period string
	// Start is when the period starts.
	Start time.Time
	// End is when the period ends (exclusive: the next period's Start).
	End time.Time
	// Segment is what the numbers are about.
	Segment Segment
	// Lines are the KPIs, in the order the report shows them.
	Lines []ScoreLine
	// Channels are the channels' engagement.
	Channels []ChannelScore
	// TopPosts are the period's best posts, best first.
	TopPosts []RankedPost
	// BottomPosts are the period's weakest posts, weakest first.
	BottomPosts []RankedPost
	// Leaders are the opinion leaders, when a source is wired.
	Leaders []OpinionLeader
	// Voice is the share-of-voice comparison, own brand and competitors.
	Voice []VoiceShare
	// Recommendations are the advice, most urgent first after Recommend.
	Recommendations []Recommendation
}

// Shares returns each Voice entry's share of all their mentions, as
// fractions in Voice's order (all 0 when there are no mentions).
func (c *Scorecard) Shares() []float64 {
	var total int64
	for _, v := range c.Voice {
		total += v.Mentions
	}
	out := make([]float64, len(c.Voice))
	if total > 0 {
		for i, v := range c.Voice {
			out[i] = float64(v.Mentions) / float64(total)
		}
	}
	return out
}

// Validate returns nil for a scorecard the renderers accept, and otherwise
// an error wrapping cmkit.ErrInvalid naming the field and the rule: a
// known Language, a Period label, a Start, End after Start, lines with an ID, a
// known Unit (and a three-letter Currency for UnitCurrency), finite
// numbers, and no negative counts.
func (c *Scorecard) Validate() error {
	if _, ok := locales[c.Language]; !ok {
		return cmkit.Invalid("language", "known", "%q: want en, es or pl", c.Language)
	}
	if c.Period == "" {
		return cmkit.Invalid("period", "required", "the period has no label")
	}
	if c.Start.IsZero() {
		return cmkit.Invalid("start", "required", "the period has no start")
	}
	if !c.End.After(c.Start) {
		return cmkit.Invalid("end", "after_start", "end %s is not after start %s", c.End.Format(time.RFC3339), c.Start.Format(time.RFC3339))
	}
	for i := range c.Lines {
		l := &c.Lines[i]
		if l.ID == "" {
			return cmkit.Invalid("kpis.id", "required", "line %d has no ID", i+1)
		}
		switch l.Unit {
		case UnitPercent, UnitRatio, UnitCount, UnitSeconds:
		case UnitCurrency:
			if !isCurrencyCode(l.Currency) {
				return cmkit.Invalid("kpis.currency", "iso4217", "KPI %q: currency %q: want three upper-case letters", l.ID, l.Currency)
			}
		default:
			return cmkit.Invalid("kpis.unit", "known", "KPI %q: unit %q: want percent, ratio, count, seconds or currency", l.ID, l.Unit)
		}
		if !finite(l.Value, l.Target, l.Previous) {
			return cmkit.Invalid("kpis.value", "finite", "KPI %q has a NaN or infinite number", l.ID)
		}
		for _, p := range l.Trend {
			if !finite(p.Value, p.Target) {
				return cmkit.Invalid("kpis.trend", "finite", "KPI %q, period %q has a NaN or infinite number", l.ID, p.Period)
			}
		}
	}
	for _, ch := range c.Channels {
		if !finite(ch.Engagements, ch.Previous) {
			return cmkit.Invalid("channels.engagements", "finite", "channel %q has a NaN or infinite number", ch.Channel)
		}
	}
	for _, posts := range [][]RankedPost{c.TopPosts, c.BottomPosts} {
		for _, p := range posts {
			if p.Engagements < 0 || !finite(p.EngagementRate) {
				return cmkit.Invalid("posts.engagements", "non_negative", "post %q: engagements %d, rate must be finite", p.PlatformID, p.Engagements)
			}
		}
	}
	for _, ld := range c.Leaders {
		if ld.Followers < 0 || ld.Mentions < 0 || !finite(ld.Sentiment) {
			return cmkit.Invalid("opinion_leaders", "non_negative", "leader %q: negative count or non-finite sentiment", ld.Handle)
		}
	}
	for _, v := range c.Voice {
		if v.Mentions < 0 {
			return cmkit.Invalid("share_of_voice.mentions", "non_negative", "brand %q: %d mentions", v.Brand, v.Mentions)
		}
	}
	for _, r := range c.Recommendations {
		switch r.Urgency {
		case UrgencyInfo, UrgencyWarning, UrgencyCritical:
		default:
			return cmkit.Invalid("recommendations.urgency", "known", "%q: want info, warning or critical", r.Urgency)
		}
	}
	return nil
}

func finite(fs ...Figure) bool {
	for _, f := range fs {
		if f.Set && (math.IsNaN(f.Value) || math.IsInf(f.Value, 0)) {
			return false
		}
	}
	return true
}

func isCurrencyCode(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// lastDay returns the period's last day: the day of the instant before
// End.
func (c *Scorecard) lastDay() time.Time { return c.End.Add(-time.Nanosecond) }
