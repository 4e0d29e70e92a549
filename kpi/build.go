package kpi

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/cmkit/cmkit"
)

// TotalsSource gives the Totals of a segment over a period. *Aggregator
// and *AggregatorRecorder implement it.
type TotalsSource interface {
	Totals(seg Segment, p Period) (Totals, error)
}

// TotalsFunc is a function used as a TotalsSource.
type TotalsFunc func(seg Segment, p Period) (Totals, error)

// Totals calls f.
func (f TotalsFunc) Totals(seg Segment, p Period) (Totals, error) { return f(seg, p) }

// LeaderSource lists the opinion leaders of a segment between two
// instants, at most limit of them, most influential first. The moderation
// inbox is the usual source; kpi does not import it, so the product (or
// an example) wires it.
type LeaderSource interface {
	OpinionLeaders(seg Segment, from, to time.Time, limit int) ([]OpinionLeader, error)
}

// ScorecardInput is what BuildScorecard reads. Totals, Period and
// Language are required.
type ScorecardInput struct {
	// Title heads the report.
	Title string
	// Definitions are the KPIs, in the order the report shows them; each
	// must have been validated (Validate, ParseDefinitions).
	Definitions []Definition
	// Totals gives the measures of a segment over a period.
	Totals TotalsSource
	// Segment is what the scorecard is about.
	Segment Segment
	// Period is the scorecard's period.
	Period Period
	// Location is the time zone the periods are read in. When nil, the
	// Totals source's zone if it has a Location method (an Aggregator's
	// days), otherwise UTC.
	Location *time.Location
	// Language is the report's language: "en", "es" or "pl".
	Language string
	// Currency is the ISO 4217 code of currency KPIs' amounts; required
	// when a definition's unit is currency.
	Currency string
	// TrendPeriods is how many periods each KPI's trend shows, ending with
	// Period. Default 8; at most 520.
	TrendPeriods int
	// Channels are the channels whose engagement the scorecard compares
	// with the previous period, in this order.
	Channels []cmkit.ChannelInfo
	// Manual gives the value entered by hand (the KPI sheet) for a KPI,
	// segment and period, in the definition's unit; nil for none. A
	// computed value wins: Manual is read only where the KPI has no
	// computed value.
	Manual func(kpiID string, seg Segment, p Period) (float64, bool)
	// Competitors are the brands share of voice compares against, in this
	// order. When empty, those the share_of_voice definitions name, in
	// the order first named.
	Competitors []string
	// Posts, when set, gives the top and bottom posts.
	Posts *PostKeeper
	// PostCount is how many posts each of the top and bottom lists holds.
	// Default 5.
	PostCount int
	// PostOrder ranks the posts. Default ByEngagements.
	PostOrder PostOrder
	// Leaders, when set, gives the opinion leaders.
	Leaders LeaderSource
	// LeaderCount is how many opinion leaders to list. Default 5.
	LeaderCount int
	// Recommenders are run over the filled scorecard, with History.
	Recommenders []Recommender
	// History are the scorecards of earlier periods, oldest first, as
	// the Recommenders read them.
	History []*Scorecard
}

// The defaults and bounds of ScorecardInput.
const (
	defaultTrendPeriods = 8
	maxTrendPeriods     = 520
	defaultPostCount    = 5
	defaultLeaderCount  = 5
)

// BuildScorecard computes a Scorecard from recorded data; it changes
// nothing it reads.
//
// Each definition gives one line: its value is Definition.Eval over the
// segment's Totals for the period, with, for share of voice, each
// competitor's Totals (the segment with Brand set to the competitor's
// name and no Channel or Campaign, since competitors' mentions are not on
// the team's channels nor in its campaigns). Where Eval has no value,
// the Manual value is used, if any. The target is Definition.TargetFor
// at the period's start; Previous is the value of the period before; the
// trend is the last TrendPeriods periods' values and targets, oldest
// first, ending with Period. A definition in percent (2.5 means 2.5%)
// gives a line holding the fraction 0.025 (see ScoreLine.Unit), and so do its targets
// and manual values.
//
// Voice is the own brand (Segment.Brand, or "own" without one) and each
// competitor, with their Mentions in the period; it is empty without
// competitors. Each of Channels gives a ChannelScore over the segment
// narrowed to the channel's ID and platform: engagements (reactions,
// comments, shares and saves) in the period and the previous one, with
// no value in a period where none of posts, impressions, reactions,
// comments, shares or saves was recorded. Posts and Leaders fill the
// top and bottom posts and the opinion leaders, over [Start, End) of the
// period. Then the Recommenders run (Scorecard.Recommend).
//
// Missing required fields, an unvalidated definition, a currency KPI
// without Currency, or a card the renderers would refuse is an error
// wrapping cmkit.ErrInvalid; an error of the Totals or Leaders source is
// returned as is, wrapped with what was being read.
func BuildScorecard(in ScorecardInput) (*Scorecard, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	loc := in.Location
	if loc == nil {
		if z, ok := in.Totals.(interface{ Location() *time.Location }); ok {
			loc = z.Location()
		}
	}
	loc = zoneOrUTC(loc)
	nTrend := in.TrendPeriods
	if nTrend <= 0 {
		nTrend = defaultTrendPeriods
	}
	competitors := in.Competitors
	if len(competitors) == 0 {
		for i := range in.Definitions {
			for _, c := range in.Definitions[i].Competitors {
				if !slices.Contains(competitors, c) {
					competitors = append(competitors, c)
				}
			}
		}
	}
	b := &builder{in: &in, loc: loc, competitors: competitors, inputs: map[Period]FormulaInput{}}

	// The periods of the trend, oldest first, ending with in.Period.
	periods := make([]Period, 0, nTrend+1)
	for p := in.Period; len(periods) < nTrend && !p.IsZero(); p = p.Prev() {
		periods = append(periods, p)
	}
	slices.Reverse(periods)
	prev := in.Period.Prev()

	card := &Scorecard{
		Title:    in.Title,
		Language: in.Language,
		Period:   in.Period.String(),
		Start:    in.Period.Start(loc),
		End:      in.Period.End(loc),
		Segment:  in.Segment,
	}
	for i := range in.Definitions {
		d := &in.Definitions[i]
		line := ScoreLine{ID: d.ID, Name: d.Name, Unit: d.Unit, Goal: *d.Goal}
		if line.Unit == UnitCurrency {
			line.Currency = in.Currency
		}
		for _, p := range periods {
			v, err := b.value(d, p)
			if err != nil {
				return nil, err
			}
			line.Trend = append(line.Trend, ScorePoint{Period: p.String(), Start: p.Start(loc), Value: v, Target: b.target(d, p)})
		}
		last := line.Trend[len(line.Trend)-1]
		line.Value, line.Target = last.Value, last.Target
		if !prev.IsZero() {
			v, err := b.value(d, prev)
			if err != nil {
				return nil, err
			}
			line.Previous = v
		}
		card.Lines = append(card.Lines, line)
	}
	if err := b.voice(card); err != nil {
		return nil, err
	}
	if err := b.channels(card, prev); err != nil {
		return nil, err
	}
	if in.Posts != nil {
		card.TopPosts, card.BottomPosts = in.Posts.Rank(in.Segment, card.Start, card.End, cmp.Or(max(in.PostCount, 0), defaultPostCount), in.PostOrder)
	}
	if in.Leaders != nil {
		leaders, err := in.Leaders.OpinionLeaders(in.Segment, card.Start, card.End, cmp.Or(max(in.LeaderCount, 0), defaultLeaderCount))
		if err != nil {
			return nil, fmt.Errorf("kpi: opinion leaders of %s in %s: %w", in.Segment, in.Period, err)
		}
		card.Leaders = leaders
	}
	card.Recommend(in.History, in.Recommenders...)
	if err := card.Validate(); err != nil {
		return nil, err
	}
	return card, nil
}

// check validates in's required fields and definitions.
func (in *ScorecardInput) check() error {
	switch {
	case in.Totals == nil:
		return cmkit.Invalid("totals", "required", "no source of totals")
	case in.Period.IsZero():
		return cmkit.Invalid("period", "required", "the zero Period")
	case in.TrendPeriods > maxTrendPeriods:
		return cmkit.Invalid("trend_periods", "range", "%d: at most %d", in.TrendPeriods, maxTrendPeriods)
	}
	if _, ok := locales[in.Language]; !ok {
		return cmkit.Invalid("language", "known", "%q: want en, es or pl", in.Language)
	}
	for i := range in.Definitions {
		d := &in.Definitions[i]
		if d.Goal == nil || d.builtin == nil && d.custom == nil {
			return cmkit.Invalid(fmt.Sprintf("definitions[%d]", i), "validated", "KPI %q was not validated (Definition.Validate)", d.ID)
		}
		if d.Unit == UnitCurrency && !isCurrencyCode(in.Currency) {
			return cmkit.Invalid("currency", "iso4217", "KPI %q is in currency; currency %q: want three upper-case letters", d.ID, in.Currency)
		}
	}
	return nil
}

// scoreFigure converts a value in a definition's unit to the scorecard's:
// percentages become fractions.
func scoreFigure(u Unit, v float64) Figure {
	if u == UnitPercent {
		v /= 100
	}
	return FigureOf(v)
}

// builder holds what BuildScorecard reads, and the totals it already
// read, by period.
type builder struct {
	in          *ScorecardInput
	loc         *time.Location
	competitors []string
	inputs      map[Period]FormulaInput
}

// totals returns seg's Totals over p, wrapping a source's error.
func (b *builder) totals(seg Segment, p Period) (Totals, error) {
	t, err := b.in.Totals.Totals(seg, p)
	if err != nil {
		return nil, fmt.Errorf("kpi: totals of %s in %s: %w", seg, p, err)
	}
	return t, nil
}

// competitorSegment is the segment of competitor c's mentions.
func (b *builder) competitorSegment(c string) Segment { return competitorOf(b.in.Segment, c) }

// competitorOf is the segment of competitor c's mentions matching seg: its
// platform and country, with Brand c and no channel or campaign, since
// competitors' mentions are on no channel or campaign of the team's. The
// sheet and the scorecard both read share of voice through it.
func competitorOf(seg Segment, c string) Segment {
	seg.Brand, seg.Channel, seg.Campaign = c, "", ""
	return seg
}

// input returns the formula input of period p: the segment's totals and
// the competitors'.
func (b *builder) input(p Period) (FormulaInput, error) {
	if fi, ok := b.inputs[p]; ok {
		return fi, nil
	}
	own, err := b.totals(b.in.Segment, p)
	if err != nil {
		return FormulaInput{}, err
	}
	fi := FormulaInput{Own: own}
	if len(b.competitors) > 0 {
		fi.Competitors = make(map[string]Totals, len(b.competitors))
		for _, c := range b.competitors {
			if fi.Competitors[c], err = b.totals(b.competitorSegment(c), p); err != nil {
				return FormulaInput{}, err
			}
		}
	}
	b.inputs[p] = fi
	return fi, nil
}

// value returns d's value in p: computed, else manual, else none.
func (b *builder) value(d *Definition, p Period) (Figure, error) {
	fi, err := b.input(p)
	if err != nil {
		return Figure{}, err
	}
	if v, ok := d.Eval(fi); ok {
		return scoreFigure(d.Unit, v), nil
	}
	if b.in.Manual != nil {
		if v, ok := b.in.Manual(d.ID, b.in.Segment, p); ok {
			return scoreFigure(d.Unit, v), nil
		}
	}
	return Figure{}, nil
}

// target returns d's target for the segment in p.
func (b *builder) target(d *Definition, p Period) Figure {
	t, ok := d.TargetFor(b.in.Segment, p.Kind(), p.Start(b.loc))
	if !ok {
		return Figure{}
	}
	return scoreFigure(d.Unit, t.Value)
}

// voice fills card.Voice: the own brand's and each competitor's mentions.
func (b *builder) voice(card *Scorecard) error {
	if len(b.competitors) == 0 {
		return nil
	}
	fi, err := b.input(b.in.Period)
	if err != nil {
		return err
	}
	card.Voice = append(card.Voice, VoiceShare{Brand: cmp.Or(b.in.Segment.Brand, "own"), Own: true, Mentions: int64(fi.Own.Sum(Mentions))})
	for _, c := range b.competitors {
		card.Voice = append(card.Voice, VoiceShare{Brand: c, Mentions: int64(fi.Competitors[c].Sum(Mentions))})
	}
	return nil
}

// channels fills card.Channels: each channel's engagements in the period
// and in prev.
func (b *builder) channels(card *Scorecard, prev Period) error {
	for _, ch := range b.in.Channels {
		seg := b.in.Segment
		seg.Channel, seg.Platform = ch.ID, ch.Platform
		score := ChannelScore{Channel: ch.ID, Platform: ch.Platform}
		var err error
		if score.Engagements, err = b.engagements(seg, b.in.Period); err != nil {
			return err
		}
		if !prev.IsZero() {
			if score.Previous, err = b.engagements(seg, prev); err != nil {
				return err
			}
		}
		card.Channels = append(card.Channels, score)
	}
	return nil
}

// engagements returns seg's engagements in p, with no value when none of
// the measures a post's activity shows was recorded.
func (b *builder) engagements(seg Segment, p Period) (Figure, error) {
	t, err := b.totals(seg, p)
	if err != nil {
		return Figure{}, err
	}
	for _, m := range [...]Measure{Posts, Impressions, Reactions, Comments, Shares, Saves} {
		if t.Count(m) > 0 {
			return FigureOf(engagements(t)), nil
		}
	}
	return Figure{}, nil
}
