package kpi_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/kpi"
)

var (
	acmeX  = cmkit.ChannelInfo{ID: "acme-x", Platform: cmkit.X, Brand: "acme"}
	acmeIG = cmkit.ChannelInfo{ID: "acme-ig", Platform: cmkit.Instagram, Brand: "acme"}
)

// twoWeeks records two ISO weeks of Madrid events: 2026-W13 (March 23 to
// 29, when Spain moves to summer time on the Sunday) and 2026-W14, over
// two channels, with mentions of acme and of the competitor globex.
//
// W13: impressions 1000 (x) + 1000 (ig); engagements x 40+10, ig 30+20
// = 100; mentions acme 60, globex 40.
// W14: impressions 2000 (x) + 1000 (ig); engagements x 20+10, ig 40+10
// = 80; mentions acme 30, globex 90.
//
// Monday 00:30 of each week is still Sunday in UTC, so a UTC aggregation
// would put those events in the week before.
func twoWeeks(t *testing.T) (*kpi.AggregatorRecorder, *time.Location) {
	t.Helper()
	mad, err := time.LoadLocation("Europe/Madrid")
	require.NoError(t, err)
	rec := kpi.NewAggregatorRecorder(kpi.NewAggregator(mad), kpi.NewPostKeeper(0, 0))
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 3, day, hour, minute, 0, 0, mad) }
	x, ig := kpi.SegmentOf(acmeX), kpi.SegmentOf(acmeIG)
	for _, e := range []struct {
		seg kpi.Segment
		m   kpi.Measure
		at  time.Time
		v   float64
	}{
		// W13.
		{x, kpi.Impressions, at(23, 0, 30), 1000},
		{x, kpi.Reactions, at(25, 12, 0), 40},
		{x, kpi.Comments, at(25, 12, 0), 10},
		{ig, kpi.Impressions, at(26, 9, 0), 1000},
		{ig, kpi.Reactions, at(29, 12, 0), 30},
		{ig, kpi.Shares, at(29, 12, 0), 20},
		{x, kpi.Mentions, at(24, 10, 0), 60},
		{kpi.Segment{Brand: "globex"}, kpi.Mentions, at(24, 10, 0), 40},
		// W14.
		{x, kpi.Impressions, at(30, 0, 30), 2000},
		{x, kpi.Reactions, at(30, 0, 30), 20},
		{x, kpi.Comments, at(32, 8, 0), 10},
		{ig, kpi.Impressions, at(33, 8, 0), 1000},
		{ig, kpi.Reactions, at(36, 23, 0), 40},
		{ig, kpi.Saves, at(36, 23, 0), 10},
		{ig, kpi.Mentions, at(31, 10, 0), 30},
		{kpi.Segment{Brand: "globex", Platform: cmkit.X}, kpi.Mentions, at(31, 10, 0), 90},
	} {
		require.NoError(t, rec.AddCount(e.seg, e.m, e.at, e.v))
	}
	return rec, mad
}

func definitions(t *testing.T) []kpi.Definition {
	t.Helper()
	defs, err := kpi.ParseDefinitions([]byte(`{"kpis": [
		{"id": "er", "name": "Engagement rate", "formula": "engagement_rate_impressions",
		 "targets": [{"segment": {"brand": "acme"}, "period": "week", "value": 5}]},
		{"id": "sov", "name": "Share of voice", "formula": "share_of_voice", "competitors": ["globex"],
		 "targets": [{"segment": {}, "value": 50}]},
		{"id": "vcr", "name": "Video completion", "formula": "video_completion_rate"}
	]}`))
	require.NoError(t, err)
	return defs
}

func near(t *testing.T, want float64, got kpi.Figure, msg string) {
	t.Helper()
	if assert.True(t, got.Set, "%s has no value", msg) {
		assert.InDelta(t, want, got.Value, 1e-9, msg)
	}
}

func TestBuildScorecardTwoWeeksAcrossDST(t *testing.T) {
	rec, mad := twoWeeks(t)
	w14 := kpi.PeriodOfDate(kpi.PeriodWeek, 2026, 3, 30)
	manualCalls := 0
	card, err := kpi.BuildScorecard(kpi.ScorecardInput{
		Title:        "Acme weekly",
		Definitions:  definitions(t),
		Totals:       rec,
		Segment:      kpi.Segment{Brand: "acme"},
		Period:       w14,
		Language:     "en",
		TrendPeriods: 3,
		Channels:     []cmkit.ChannelInfo{acmeX, acmeIG},
		Manual: func(id string, seg kpi.Segment, p kpi.Period) (float64, bool) {
			manualCalls++
			if p == w14 && (id == "vcr" || id == "er") {
				return 40, true // er is computed in W14: its manual value is not used
			}
			return 0, false
		},
		Recommenders: []kpi.Recommender{kpi.BelowTargetFor(1), kpi.EngagementDrop(0.25)},
	})
	require.NoError(t, err)

	assert.Equal(t, "2026-W14", card.Period)
	// The week starts at Madrid's midnight in summer time, and W13 lasts
	// 167 hours.
	assert.Equal(t, time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC), card.Start.UTC())
	assert.Equal(t, time.Date(2026, 4, 5, 22, 0, 0, 0, time.UTC), card.End.UTC())
	require.Len(t, card.Lines, 3)

	er := card.Lines[0]
	assert.Equal(t, kpi.UnitPercent, er.Unit)
	near(t, 80.0/3000, er.Value, "er W14")
	near(t, 0.05, er.Target, "er target")
	near(t, 100.0/2000, er.Previous, "er W13")
	require.Len(t, er.Trend, 3)
	assert.Equal(t, []string{"2026-W12", "2026-W13", "2026-W14"}, []string{er.Trend[0].Period, er.Trend[1].Period, er.Trend[2].Period})
	assert.False(t, er.Trend[0].Value.Set, "nothing was recorded in W12")
	near(t, 0.05, er.Trend[0].Target, "er W12 target")
	near(t, 0.05, er.Trend[1].Value, "er W13 in the trend")
	assert.Equal(t, time.Date(2026, 3, 23, 0, 0, 0, 0, mad), er.Trend[1].Start)
	assert.Equal(t, kpi.ScoreMissed, er.Status())
	near(t, (80.0/3000)/0.05, er.Attainment(), "er attainment")

	sov := card.Lines[1]
	near(t, 30.0/120, sov.Value, "sov W14")
	near(t, 60.0/100, sov.Previous, "sov W13")
	near(t, 0.5, sov.Target, "sov target")

	vcr := card.Lines[2]
	near(t, 0.40, vcr.Value, "vcr W14, entered by hand")
	assert.False(t, vcr.Previous.Set, "no manual value for W13")
	assert.False(t, vcr.Target.Set)
	assert.Positive(t, manualCalls)

	assert.Equal(t, []kpi.VoiceShare{{Brand: "acme", Own: true, Mentions: 30}, {Brand: "globex", Mentions: 90}}, card.Voice)
	assert.Equal(t, []kpi.ChannelScore{
		{Channel: "acme-x", Platform: cmkit.X, Engagements: kpi.FigureOf(30), Previous: kpi.FigureOf(50)},
		{Channel: "acme-ig", Platform: cmkit.Instagram, Engagements: kpi.FigureOf(50), Previous: kpi.FigureOf(50)},
	}, card.Channels)

	// er and sov missed their targets (critical, in definition order);
	// acme-x fell by 40% (a warning, not above twice 25%).
	require.Len(t, card.Recommendations, 3)
	assert.Equal(t, []string{"er", "sov", ""}, []string{card.Recommendations[0].KPI, card.Recommendations[1].KPI, card.Recommendations[2].KPI})
	assert.Equal(t, []kpi.Urgency{kpi.UrgencyCritical, kpi.UrgencyCritical, kpi.UrgencyWarning},
		[]kpi.Urgency{card.Recommendations[0].Urgency, card.Recommendations[1].Urgency, card.Recommendations[2].Urgency})
	assert.Contains(t, card.Recommendations[2].Text, "acme-x")
}

// In UTC the Monday 00:30 events of W14 fall in W13: the periods are
// read in the zone of the Aggregator's days.
func TestBuildScorecardReadsPeriodsInTheAggregatorsZone(t *testing.T) {
	rec, _ := twoWeeks(t)
	utc := kpi.NewAggregator(nil)
	h, err := utc.Series(kpi.Impressions, kpi.SegmentOf(acmeX))
	require.NoError(t, err)
	require.NoError(t, utc.Add(h, time.Date(2026, 3, 29, 22, 30, 0, 0, time.UTC), 2000)) // Monday 00:30 in Madrid
	imp := kpi.Definition{ID: "imp", Name: "Impressions", Formula: "impressions"}
	require.NoError(t, imp.Validate())
	w14 := kpi.PeriodOfDate(kpi.PeriodWeek, 2026, 3, 30)
	build := func(src kpi.TotalsSource) *kpi.Scorecard {
		card, err := kpi.BuildScorecard(kpi.ScorecardInput{Definitions: []kpi.Definition{imp}, Totals: src,
			Segment: kpi.Segment{Brand: "acme"}, Period: w14, Language: "en"})
		require.NoError(t, err)
		return card
	}
	mad := build(rec)
	near(t, 3000, mad.Lines[0].Value, "W14 in Madrid")
	near(t, 2000, mad.Lines[0].Previous, "W13 in Madrid")
	assert.Len(t, mad.Lines[0].Trend, 8, "the default trend")
	inUTC := build(utc)
	assert.False(t, inUTC.Lines[0].Value.Set, "nothing in W14 in UTC")
	near(t, 2000, inUTC.Lines[0].Previous, "W13 in UTC holds the event")
	assert.Equal(t, time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC), inUTC.Start)
}

func TestBuildScorecardRefusesBadInput(t *testing.T) {
	rec, _ := twoWeeks(t)
	w14 := kpi.PeriodOfDate(kpi.PeriodWeek, 2026, 3, 30)
	cpc := kpi.Definition{ID: "cpc", Name: "Cost per click", Formula: "cost_per_click"}
	require.NoError(t, cpc.Validate())
	for name, c := range map[string]struct {
		in    kpi.ScorecardInput
		field string
	}{
		"no totals":   {kpi.ScorecardInput{Period: w14, Language: "en"}, "totals"},
		"no period":   {kpi.ScorecardInput{Totals: rec, Language: "en"}, "period"},
		"language":    {kpi.ScorecardInput{Totals: rec, Period: w14, Language: "fr"}, "language"},
		"trend":       {kpi.ScorecardInput{Totals: rec, Period: w14, Language: "en", TrendPeriods: 1000}, "trend_periods"},
		"unvalidated": {kpi.ScorecardInput{Totals: rec, Period: w14, Language: "en", Definitions: []kpi.Definition{{ID: "x"}}}, "definitions[0]"},
		"no currency": {kpi.ScorecardInput{Totals: rec, Period: w14, Language: "en", Definitions: []kpi.Definition{cpc}}, "currency"},
		"bad urgency": {kpi.ScorecardInput{Totals: rec, Period: w14, Language: "en", Recommenders: []kpi.Recommender{
			kpi.RecommenderFunc(func(*kpi.Scorecard, []*kpi.Scorecard) []kpi.Recommendation {
				return []kpi.Recommendation{{Urgency: "soon"}}
			})}}, "recommendations.urgency"},
	} {
		t.Run(name, func(t *testing.T) {
			card, err := kpi.BuildScorecard(c.in)
			require.ErrorIs(t, err, cmkit.ErrInvalid)
			assert.Contains(t, err.Error(), c.field)
			assert.Nil(t, card)
		})
	}
}

func TestBuildScorecardPassesSourceErrors(t *testing.T) {
	boom := errors.New("boom")
	w14 := kpi.PeriodOfDate(kpi.PeriodWeek, 2026, 3, 30)
	_, err := kpi.BuildScorecard(kpi.ScorecardInput{Definitions: definitions(t), Language: "en", Period: w14,
		Totals: kpi.TotalsFunc(func(kpi.Segment, kpi.Period) (kpi.Totals, error) { return nil, boom })})
	require.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "2026-W")

	rec, _ := twoWeeks(t)
	_, err = kpi.BuildScorecard(kpi.ScorecardInput{Language: "en", Period: w14, Totals: rec,
		Leaders: leadersFunc(func(kpi.Segment, time.Time, time.Time, int) ([]kpi.OpinionLeader, error) { return nil, boom })})
	require.ErrorIs(t, err, boom)
}

type leadersFunc func(seg kpi.Segment, from, to time.Time, limit int) ([]kpi.OpinionLeader, error)

func (f leadersFunc) OpinionLeaders(seg kpi.Segment, from, to time.Time, limit int) ([]kpi.OpinionLeader, error) {
	return f(seg, from, to, limit)
}

func TestBuildScorecardPostsAndLeaders(t *testing.T) {
	rec, mad := twoWeeks(t)
	posts := kpi.NewPostKeeper(0, 0)
	w14 := kpi.PeriodOfDate(kpi.PeriodWeek, 2026, 3, 30)
	for i, eng := range []int64{5, 50, 20, 0} {
		require.NoError(t, posts.Keep(kpi.PostRecord{Channel: "acme-x", Platform: cmkit.X, PlatformID: string(rune('a' + i)),
			PublishedAt: time.Date(2026, 3, 31+i, 12, 0, 0, 0, mad), Segment: kpi.SegmentOf(acmeX), Engagements: eng, Impressions: 1000}))
	}
	// A post of W13 is not ranked in W14.
	require.NoError(t, posts.Keep(kpi.PostRecord{Channel: "acme-x", PlatformID: "old", PublishedAt: time.Date(2026, 3, 29, 23, 0, 0, 0, mad),
		Segment: kpi.SegmentOf(acmeX), Engagements: 999}))
	var gotFrom, gotTo time.Time
	var gotLimit int
	card, err := kpi.BuildScorecard(kpi.ScorecardInput{Language: "en", Period: w14, Totals: rec, Segment: kpi.Segment{Brand: "acme"},
		Posts: posts, PostCount: 2,
		Leaders: leadersFunc(func(_ kpi.Segment, from, to time.Time, limit int) ([]kpi.OpinionLeader, error) {
			gotFrom, gotTo, gotLimit = from, to, limit
			return []kpi.OpinionLeader{{Handle: "@ana", Platform: cmkit.X, Followers: 12000, Mentions: 3}}, nil
		})})
	require.NoError(t, err)
	ids := func(ps []kpi.RankedPost) (out []string) {
		for _, p := range ps {
			out = append(out, p.PlatformID)
		}
		return out
	}
	assert.Equal(t, []string{"b", "c"}, ids(card.TopPosts))
	assert.Equal(t, []string{"d", "a"}, ids(card.BottomPosts))
	near(t, 0.05, card.TopPosts[0].EngagementRate, "b's rate")
	assert.Equal(t, card.Start, gotFrom)
	assert.Equal(t, card.End, gotTo)
	assert.Equal(t, 5, gotLimit)
	assert.Equal(t, "@ana", card.Leaders[0].Handle)
}

func TestAggregatorRecorderChecksMeasureKinds(t *testing.T) {
	rec := kpi.NewAggregatorRecorder(kpi.NewAggregator(nil), nil)
	at := time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC)
	seg := kpi.SegmentOf(acmeX)
	require.ErrorIs(t, rec.AddCount(seg, kpi.Followers, at, 1), cmkit.ErrInvalid)
	require.ErrorIs(t, rec.RecordSnapshot(seg, kpi.Impressions, at, 1), cmkit.ErrInvalid)
	require.ErrorIs(t, rec.AddCount(seg, "Bad", at, 1), cmkit.ErrInvalid)
	require.ErrorIs(t, rec.AddCount(seg, kpi.Impressions, at, math.NaN()), cmkit.ErrInvalid)
	require.NoError(t, rec.RecordSnapshot(seg, kpi.Followers, at, 1200))
	require.NoError(t, rec.RecordSnapshot(seg, kpi.Followers, at.Add(time.Hour), 1250))
	require.NoError(t, rec.KeepPostInsights(kpi.TrackedPost{Channel: "acme-x", PlatformID: "p"}, cmkit.Insights{}), "no keeper: dropped")
	tot, err := rec.Totals(seg, kpi.PeriodOf(kpi.PeriodDay, at, nil))
	require.NoError(t, err)
	first, _ := tot.First(kpi.Followers)
	last, _ := tot.Last(kpi.Followers)
	assert.Equal(t, [2]float64{1200, 1250}, [2]float64{first, last})
	assert.Zero(t, tot.Count(kpi.Impressions), "refused values recorded nothing")
	require.NoError(t, rec.Do(func(a *kpi.Aggregator) error { return a.Flush(t.Context(), kpi.NewMemoryStore()) }))
}

func TestAggregatorRecorderKeepsPostInsights(t *testing.T) {
	posts := kpi.NewPostKeeper(0, 0)
	rec := kpi.NewAggregatorRecorder(kpi.NewAggregator(nil), posts)
	at := time.Date(2026, 3, 30, 12, 0, 0, 0, time.UTC)
	require.NoError(t, posts.Keep(kpi.PostRecord{Channel: "acme-x", PlatformID: "p", PublishedAt: at, URL: "https://x.com/acme/1", Excerpt: "Hello"}))
	post := kpi.TrackedPost{Channel: "acme-x", PlatformID: "p", PublishedAt: at, Segment: kpi.SegmentOf(acmeX)}
	require.NoError(t, rec.KeepPostInsights(post, cmkit.Insights{PlatformID: "p", Impressions: 400, Reach: 300, Reactions: 10, Comments: 5, Shares: 3, Saves: 2, Clicks: 50}))
	top, _ := posts.Rank(kpi.Segment{}, at, at.Add(time.Hour), 1, kpi.ByEngagements)
	require.Len(t, top, 1)
	assert.Equal(t, kpi.RankedPost{Channel: "acme-x", Platform: cmkit.X, PlatformID: "p", URL: "https://x.com/acme/1", Excerpt: "Hello",
		PublishedAt: at, Engagements: 20, EngagementRate: kpi.FigureOf(0.05)}, top[0])
}

// Share of voice on one channel: the competitors' segment keeps the
// platform but drops the channel, since competitors' mentions are not on
// the team's channel.
func TestBuildScorecardCompetitorsDropTheChannel(t *testing.T) {
	rec, _ := twoWeeks(t)
	sov := definitions(t)[1]
	card, err := kpi.BuildScorecard(kpi.ScorecardInput{Definitions: []kpi.Definition{sov}, Totals: rec,
		Segment: kpi.SegmentOf(acmeX), Period: kpi.PeriodOfDate(kpi.PeriodWeek, 2026, 3, 30), Language: "en"})
	require.NoError(t, err)
	// W14: acme's 30 mentions are on Instagram, globex's 90 on X.
	near(t, 0, card.Lines[0].Value, "sov on acme-x in W14")
	// W13: acme 60 on acme-x; globex's 40 name no platform, so the X
	// segment of globex does not cover them.
	near(t, 1, card.Lines[0].Previous, "sov on acme-x in W13")
	assert.Equal(t, []kpi.VoiceShare{{Brand: "acme", Own: true, Mentions: 0}, {Brand: "globex", Mentions: 90}}, card.Voice)
}

// A Collector writes through an AggregatorRecorder, and the scorecard
// reads the same recorder while nothing else locks the Aggregator.
func TestCollectorThroughAggregatorRecorder(t *testing.T) {
	ctx := t.Context()
	clock := cmkittest.NewClock(time.Date(2026, 3, 31, 9, 0, 0, 0, time.UTC))
	ch, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "ig", Brand: "acme"}, Clock: clock})
	require.NoError(t, err)
	var tracked posts
	for i, text := range []string{"Spring is here", "New shop in Madrid"} {
		r, err := ch.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: text})
		require.NoError(t, err)
		tracked = append(tracked, kpi.TrackedPost{Channel: "ig", PlatformID: r.PlatformID,
			PublishedAt: time.Date(2026, 3, 30+i, 18, 0, 0, 0, time.UTC), Segment: kpi.SegmentOf(ch.Info())})
	}
	keeper := kpi.NewPostKeeper(0, 0)
	rec := kpi.NewAggregatorRecorder(kpi.NewAggregator(nil), keeper)
	c, err := kpi.NewCollector(kpi.CollectorConfig{Channels: []cmkit.Channel{ch}, Posts: tracked, Recorder: rec, Clock: clock})
	require.NoError(t, err)
	ch.SetFollowers(1000)
	ch.SetInsights(cmkit.Insights{PlatformID: tracked[0].PlatformID, Impressions: 500, Reactions: 40, Comments: 10})
	ch.SetInsights(cmkit.Insights{PlatformID: tracked[1].PlatformID, Impressions: 1000, Reactions: 20})
	require.NoError(t, c.Poll(ctx))
	clock.Advance(time.Hour)
	ch.SetFollowers(1100)
	require.NoError(t, c.Poll(ctx))

	er := kpi.Definition{ID: "er", Name: "Engagement rate", Formula: "engagement_rate_impressions"}
	growth := kpi.Definition{ID: "growth", Name: "Follower growth", Formula: "follower_growth_rate"}
	require.NoError(t, er.Validate())
	require.NoError(t, growth.Validate())
	card, err := kpi.BuildScorecard(kpi.ScorecardInput{Definitions: []kpi.Definition{er, growth}, Totals: rec,
		Segment: kpi.Segment{Brand: "acme"}, Period: kpi.PeriodOfDate(kpi.PeriodWeek, 2026, 3, 30), Language: "en",
		Posts: keeper, PostCount: 1, PostOrder: kpi.ByEngagementRate})
	require.NoError(t, err)
	near(t, 70.0/1500, card.Lines[0].Value, "er")
	near(t, 0.10, card.Lines[1].Value, "follower growth")
	require.Len(t, card.TopPosts, 1)
	assert.Equal(t, tracked[0].PlatformID, card.TopPosts[0].PlatformID)
	near(t, 0.1, card.TopPosts[0].EngagementRate, "top post's rate")
	require.Len(t, card.BottomPosts, 1)
	assert.Equal(t, tracked[1].PlatformID, card.BottomPosts[0].PlatformID)
}

// Without a Location or a source that has one, periods are UTC's; a
// Location is used as given. Without a brand the own share of voice is
// "own", and a channel with nothing recorded has no engagement.
func TestBuildScorecardDefaults(t *testing.T) {
	var asked []kpi.Segment
	src := kpi.TotalsFunc(func(seg kpi.Segment, p kpi.Period) (kpi.Totals, error) {
		asked = append(asked, seg)
		return kpi.NewAggregator(nil).Totals(seg, p)
	})
	w14 := kpi.PeriodOfDate(kpi.PeriodWeek, 2026, 3, 30)
	in := kpi.ScorecardInput{Totals: src, Period: w14, Language: "es", Competitors: []string{"globex"},
		Channels: []cmkit.ChannelInfo{acmeX}}
	card, err := kpi.BuildScorecard(in)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC), card.Start)
	assert.Equal(t, []kpi.VoiceShare{{Brand: "own", Own: true}, {Brand: "globex"}}, card.Voice)
	assert.Equal(t, []kpi.ChannelScore{{Channel: "acme-x", Platform: cmkit.X}}, card.Channels)
	assert.Contains(t, asked, kpi.Segment{Channel: "acme-x", Platform: cmkit.X})

	tokyo := time.FixedZone("JST", 9*3600)
	in.Location = tokyo
	card, err = kpi.BuildScorecard(in)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 3, 30, 0, 0, 0, 0, tokyo), card.Start)
}
