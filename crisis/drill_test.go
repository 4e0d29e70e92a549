package crisis_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/crisis"
	"github.com/cmkit/cmkit/roles"
)

var drillStart = time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)

// drillPlan has one level entered at 3x volume: it pages the social media
// manager, escalates to the senior CMs after 10 minutes and every 15
// after, pauses publishing and tightens moderation.
func drillPlan() crisis.Plan {
	return crisis.Plan{ID: "acme-crisis", Brand: "acme", Version: 3, Levels: []crisis.Level{{
		Name:       "major",
		Entry:      crisis.Criteria{MinVolumeRatio: 3},
		Responders: []crisis.Responder{{Role: roles.SocialMediaManager}},
		AckWithin:  crisis.Delay(10 * time.Minute),
		Escalation: []crisis.EscalationStep{{Responder: crisis.Responder{Role: roles.SeniorCM},
			After: crisis.Delay(10 * time.Minute), Repeat: crisis.Delay(15 * time.Minute)}},
		Approvals: []roles.Step{{Name: "smm", Roles: []string{roles.SocialMediaManager}}},
		OnEntry: crisis.EntryActions{PausePublishing: &crisis.PublishingPause{Missed: crisis.HoldMissedPosts},
			ModerationRules: "crisis-strict"},
	}, {
		Name:       "critical",
		Entry:      crisis.Criteria{Manual: true},
		Responders: []crisis.Responder{{Member: "ceo"}},
		AckWithin:  crisis.Delay(5 * time.Minute),
		Approvals:  []roles.Step{{Name: "ceo", Members: []string{"ceo"}}},
		OnEntry:    crisis.EntryActions{StyleGuideCrisis: true},
	}}}
}

// recall is a 6x surge of mostly negative mentions from +20m for 40m.
func recall(actions ...crisis.DrillAction) crisis.Scenario {
	return crisis.Scenario{Name: "product recall", Start: drillStart, Length: crisis.Delay(2 * time.Hour),
		Series: "acme/all", Mentions: 12, NegativeShare: 0.1,
		Surges:  []crisis.Surge{{At: crisis.Delay(20 * time.Minute), For: crisis.Delay(40 * time.Minute), Volume: 6, NegativeShare: 0.5}},
		Actions: actions, Seed: 7}
}

func at(m int) crisis.Delay { return crisis.Delay(time.Duration(m) * time.Minute) }

func runDrill(t *testing.T, d crisis.Drill) crisis.DrillReport {
	t.Helper()
	rep, err := d.Run(context.Background())
	require.NoError(t, err)
	return rep
}

func minutes(rep crisis.DrillReport, t time.Time) time.Duration { return t.Sub(rep.Start) }

// TestDrillReportsTheResponse: the report says when the surge was
// detected, who was paged when (the escalation at the plan's deadline to
// the second), when it was acknowledged, what was paused and switched,
// and what was resumed at resolution.
func TestDrillReportsTheResponse(t *testing.T) {
	rep := runDrill(t, crisis.Drill{Plan: drillPlan(), Scenario: recall(
		crisis.DrillAction{At: at(34), Member: "bea", Do: crisis.DrillAcknowledge},
		crisis.DrillAction{At: at(95), Member: "bea", Do: crisis.DrillResolve, Text: "over"},
	)})
	assert.Equal(t, drillStart.Add(20*time.Minute), rep.SurgeAt)
	require.False(t, rep.DetectedAt.IsZero())
	assert.LessOrEqual(t, rep.DetectedAt.Sub(rep.SurgeAt), time.Minute, "detected within two buckets")
	require.Len(t, rep.Incidents, 1)
	inc := rep.Incidents[0]
	opened := minutes(rep, inc.OpenedAt)
	assert.Equal(t, rep.DetectedAt.Add(time.Minute), inc.OpenedAt, "opened when the bucket closed")
	assert.Equal(t, time.UTC, rep.DetectedAt.Location(), "in the scenario's zone")
	assert.Equal(t, crisis.IncidentResolved, inc.State)
	assert.Equal(t, "bea", inc.AckedBy)
	assert.Equal(t, 34*time.Minute, minutes(rep, inc.AckedAt))

	require.Len(t, rep.Pages, 2)
	assert.Equal(t, opened, minutes(rep, rep.Pages[0].At))
	assert.Equal(t, roles.SocialMediaManager, rep.Pages[0].To.Role)
	assert.Equal(t, -1, rep.Pages[0].Step)
	assert.Equal(t, opened+10*time.Minute, minutes(rep, rep.Pages[1].At), "escalated at the deadline")
	assert.Equal(t, roles.SeniorCM, rep.Pages[1].To.Role)
	assert.Equal(t, 0, rep.Pages[1].Step)

	var calls []string
	for _, c := range rep.Calls {
		calls = append(calls, c.What)
	}
	assert.Equal(t, []string{
		"pause publishing of acme on every channel (pause-1)",
		"switch moderation of acme to crisis-strict (was usual)",
		"resume pause-1, missed posts: hold",
		"switch moderation of acme to usual (was crisis-strict)",
	}, calls)
	assert.Equal(t, inc.OpenedAt, rep.Calls[0].At)
	assert.Equal(t, drillStart.Add(95*time.Minute), rep.Calls[2].At)
	assert.Equal(t, []string{"+34m: acknowledged 13m after the incident entered major; the plan allows 10m"}, rep.Problems)
	assert.False(t, rep.TeamChecked)
}

// TestDrillRepeatsUntilAcknowledged: with nobody acknowledging, the
// escalation repeats on the plan's grid, exact to the second, to the end,
// and the report says the incident was never acknowledged.
func TestDrillRepeatsUntilAcknowledged(t *testing.T) {
	rep := runDrill(t, crisis.Drill{Plan: drillPlan(), Scenario: recall()})
	require.Len(t, rep.Incidents, 1)
	opened := rep.Incidents[0].OpenedAt
	var want, got []time.Time
	for p := opened.Add(10 * time.Minute); p.Before(rep.End); p = p.Add(15 * time.Minute) {
		want = append(want, p)
	}
	for _, p := range rep.Pages[1:] {
		got = append(got, p.At)
	}
	assert.Equal(t, want, got)
	require.Len(t, rep.Problems, 1)
	assert.True(t, strings.HasSuffix(rep.Problems[0], ": the incident opened then was never acknowledged"), rep.Problems[0])
}

// TestDrillChecksTheTeam: with a team, a member without the permission is
// refused, and the refusal is a problem in the report; the one allowed
// then acts.
func TestDrillChecksTheTeam(t *testing.T) {
	team := newRig(t).team // sam: smm, bea: senior CM, ana: intern, on acme
	rep := runDrill(t, crisis.Drill{Plan: drillPlan(), Team: team, Scenario: recall(
		crisis.DrillAction{At: at(25), Member: "ana", Do: crisis.DrillAcknowledge},
		crisis.DrillAction{At: at(26), Member: "sam", Do: crisis.DrillAcknowledge},
		crisis.DrillAction{At: at(90), Member: "ana", Do: crisis.DrillResolve},
		crisis.DrillAction{At: at(91), Member: "sam", Do: crisis.DrillResolve},
	)})
	assert.True(t, rep.TeamChecked)
	require.Len(t, rep.Problems, 2, "%q", rep.Problems)
	assert.True(t, strings.HasPrefix(rep.Problems[0], "+25m: ana could not acknowledge: "), rep.Problems[0])
	assert.True(t, strings.HasPrefix(rep.Problems[1], "+1h30m: ana could not resolve: "), rep.Problems[1])
	inc := rep.Incidents[0]
	assert.Equal(t, "sam", inc.AckedBy)
	assert.Equal(t, crisis.IncidentResolved, inc.State)
}

// TestDrillScriptAheadOfTheStorm: a step scripted before any incident is
// open is reported, not run.
func TestDrillScriptAheadOfTheStorm(t *testing.T) {
	rep := runDrill(t, crisis.Drill{Plan: drillPlan(), Scenario: recall(
		crisis.DrillAction{At: at(5), Member: "bea", Do: crisis.DrillAcknowledge},
		crisis.DrillAction{At: at(30), Member: "bea", Do: crisis.DrillAcknowledge},
		crisis.DrillAction{At: at(100), Member: "bea", Do: crisis.DrillResolve},
	)})
	assert.Equal(t, []string{"+5m: bea was to acknowledge, but no incident was open"}, rep.Problems)
}

// TestDrillAnnouncedCampaignDoesNotPage: an announced campaign tripling
// the mentions opens nothing; a surge too small to break out is reported
// as not detected.
func TestDrillAnnouncedCampaignDoesNotPage(t *testing.T) {
	sc := recall()
	sc.Surges = []crisis.Surge{{At: at(10), For: at(60), Volume: 3, Announced: true}}
	rep := runDrill(t, crisis.Drill{Plan: drillPlan(), Scenario: sc})
	assert.Empty(t, rep.Alerts)
	assert.Empty(t, rep.Incidents)
	assert.Empty(t, rep.Problems)
	assert.True(t, rep.SurgeAt.IsZero())

	sc.Surges = []crisis.Surge{{At: at(10), For: at(60), Volume: 1.05}}
	rep = runDrill(t, crisis.Drill{Plan: drillPlan(), Scenario: sc})
	assert.Empty(t, rep.Incidents)
	assert.Equal(t, []string{"+10m: the surge opened no incident"}, rep.Problems)
}

// TestDrillNoLevelApplies: a breakout under every level's criteria opens
// no incident, and the report says so.
func TestDrillNoLevelApplies(t *testing.T) {
	p := drillPlan()
	p.Levels[0].Entry.MinVolumeRatio = 20
	rep := runDrill(t, crisis.Drill{Plan: p, Scenario: recall()})
	require.NotEmpty(t, rep.Alerts)
	assert.Empty(t, rep.Incidents)
	require.Len(t, rep.Problems, 2, "%q", rep.Problems)
	assert.Contains(t, rep.Problems[0], "no level of the plan applies to the")
	assert.Equal(t, "+20m: the surge opened no incident", rep.Problems[1])
}

// TestDrillDeclaredAndRaised: a drill with no surge at all: a member
// declares, raises the level by hand (its actions run, its responder is
// paged) and resolves, which undoes both levels' actions.
func TestDrillDeclaredAndRaised(t *testing.T) {
	sc := recall(
		crisis.DrillAction{At: at(3), Member: "sam", Do: crisis.DrillDeclare, Level: "major", Text: "leaked memo"},
		crisis.DrillAction{At: at(4), Member: "sam", Do: crisis.DrillAcknowledge},
		crisis.DrillAction{At: at(10), Member: "sam", Do: crisis.DrillChangeLevel, Level: "critical", Text: "press picked it up"},
		crisis.DrillAction{At: at(12), Member: "sam", Do: crisis.DrillNote, Text: "statement drafted"},
		crisis.DrillAction{At: at(60), Member: "sam", Do: crisis.DrillResolve, Text: "calm"},
	)
	sc.Surges = nil
	rep := runDrill(t, crisis.Drill{Plan: drillPlan(), Scenario: sc})
	assert.Empty(t, rep.Alerts)
	assert.True(t, rep.DetectedAt.IsZero())
	require.Len(t, rep.Incidents, 1)
	inc := rep.Incidents[0]
	assert.Equal(t, "critical", inc.Level)
	assert.Equal(t, crisis.IncidentResolved, inc.State)
	require.Len(t, rep.Pages, 2)
	assert.Equal(t, 3*time.Minute, minutes(rep, rep.Pages[0].At))
	assert.Equal(t, crisis.Responder{Member: "ceo"}, rep.Pages[1].To)
	assert.Equal(t, 10*time.Minute, minutes(rep, rep.Pages[1].At))
	var calls []string
	for _, c := range rep.Calls {
		calls = append(calls, c.What)
	}
	assert.Equal(t, []string{
		"pause publishing of acme on every channel (pause-1)",
		"switch moderation of acme to crisis-strict (was usual)",
		"style guide crisis mode on for acme",
		"resume pause-1, missed posts: hold",
		"switch moderation of acme to usual (was crisis-strict)",
		"style guide crisis mode off for acme",
	}, calls)
	// Entering the critical level asked for a new acknowledgement, and
	// nobody gave it before the resolution.
	assert.Equal(t, []string{"+10m: the incident entered critical and was resolved 50m later without an acknowledgement; " +
		"the plan asks for one within 5m"}, rep.Problems)
	var notes int
	for _, e := range rep.Timeline {
		if e.Kind == crisis.TimelineNote {
			notes++
		}
	}
	assert.Equal(t, 1, notes)
}

// TestDrillIsRepeatable: the same plan, scenario and seed give the same
// report; another seed draws other counts.
func TestDrillIsRepeatable(t *testing.T) {
	text := func(seed uint64) string {
		sc := recall(crisis.DrillAction{At: at(34), Member: "bea", Do: crisis.DrillAcknowledge})
		sc.Seed = seed
		rep := runDrill(t, crisis.Drill{Plan: drillPlan(), Scenario: sc})
		var b strings.Builder
		_, err := rep.WriteTo(&b)
		require.NoError(t, err)
		fmt.Fprint(&b, rep.Alerts)
		return b.String()
	}
	assert.Equal(t, text(7), text(7))
	assert.NotEqual(t, text(7), text(8))
}

// TestDrillRejectsBadScenarios: each mistake is an ErrInvalid naming the
// field, and the drill does not run.
func TestDrillRejectsBadScenarios(t *testing.T) {
	cases := []struct {
		field, rule string
		change      func(sc *crisis.Scenario)
	}{
		{"scenario.name", "required", func(sc *crisis.Scenario) { sc.Name = " " }},
		{"scenario.start", "required", func(sc *crisis.Scenario) { sc.Start = time.Time{} }},
		{"scenario.start", "bucket", func(sc *crisis.Scenario) { sc.Start = sc.Start.Add(time.Second) }},
		{"scenario.length", "range", func(sc *crisis.Scenario) { sc.Length = 0 }},
		{"scenario.length", "range", func(sc *crisis.Scenario) { sc.Length = crisis.Delay(8 * 24 * time.Hour) }},
		{"scenario.series", "required", func(sc *crisis.Scenario) { sc.Series = "" }},
		{"scenario.mentions_per_minute", "range", func(sc *crisis.Scenario) { sc.Mentions = 0 }},
		{"scenario.negative_share", "range", func(sc *crisis.Scenario) { sc.NegativeShare = 1.5 }},
		{"scenario.hourly", "length", func(sc *crisis.Scenario) { sc.Hourly = []float64{1, 2} }},
		{"scenario.surges[0].at", "range", func(sc *crisis.Scenario) { sc.Surges[0].At = at(120) }},
		{"scenario.surges[0].for", "range", func(sc *crisis.Scenario) { sc.Surges[0].For = 0 }},
		{"scenario.surges[0].volume", "range", func(sc *crisis.Scenario) { sc.Surges[0].Volume = -1 }},
		{"scenario.surges[0].volume", "announced", func(sc *crisis.Scenario) { sc.Surges[0].Volume, sc.Surges[0].Announced = 0.5, true }},
		{"scenario.actions[0].at", "range", func(sc *crisis.Scenario) { sc.Actions[0].At = at(-1) }},
		{"scenario.actions[0].member", "required", func(sc *crisis.Scenario) { sc.Actions[0].Member = "" }},
		{"scenario.actions[0].do", "oneof", func(sc *crisis.Scenario) { sc.Actions[0].Do = "panic" }},
		{"scenario.actions[0].level", "unknown", func(sc *crisis.Scenario) {
			sc.Actions[0].Do, sc.Actions[0].Level, sc.Actions[0].Text = crisis.DrillDeclare, "apocalypse", "x"
		}},
		{"scenario.actions[0].state", "oneof", func(sc *crisis.Scenario) {
			sc.Actions[0].Do, sc.Actions[0].State = crisis.DrillAdvance, crisis.IncidentResolved
		}},
	}
	for _, c := range cases {
		sc := recall(crisis.DrillAction{At: at(30), Member: "bea", Do: crisis.DrillAcknowledge})
		c.change(&sc)
		_, err := crisis.Drill{Plan: drillPlan(), Scenario: sc}.Run(context.Background())
		require.ErrorIs(t, err, cmkit.ErrInvalid, c.field)
		var ve *cmkit.ValidationError
		require.True(t, errors.As(err, &ve), "%v", err)
		assert.Equal(t, c.field, ve.Field, "%v", err)
		assert.Equal(t, c.rule, ve.Rule, "%v", err)
	}
	_, err := crisis.Drill{Scenario: recall()}.Run(context.Background())
	assert.ErrorIs(t, err, cmkit.ErrInvalid, "no plan")
}

// TestParseScenario reads a scenario from JSON, strictly.
func TestParseScenario(t *testing.T) {
	sc, err := crisis.ParseScenario([]byte(`{"name":"product recall","start":"2026-03-03T09:00:00Z","length":"2h",
		"series":"acme/all","mentions_per_minute":12,"negative_share":0.1,
		"surges":[{"at":"20m","for":"40m","volume":6,"negative_share":0.5}],
		"actions":[{"at":"34m","member":"bea","do":"acknowledge"}],"seed":7}`))
	require.NoError(t, err)
	assert.Equal(t, recall(crisis.DrillAction{At: at(34), Member: "bea", Do: crisis.DrillAcknowledge}), sc)

	for _, c := range []struct{ json, field string }{
		{`{"name":"x","nme":"y"}`, "scenario.nme"},
		{`{"name":"x","Name":"y"}`, "Name"},
		{`{"name":"x","surges":[{"at":"soon"}]}`, "scenario.start"},
		{`{"name":"x","start":"2026-03-03T09:00:00Z","length":"1h","series":"s","mentions_per_minute":1,"surges":[{"at":"soon","for":"1m","volume":2}]}`, "scenario.surges[0].at"},
		{`{"name":3}`, "scenario.name"},
		{`{"name":"x"} {}`, "scenario"},
	} {
		_, err := crisis.ParseScenario([]byte(c.json))
		var ve *cmkit.ValidationError
		require.True(t, errors.As(err, &ve), "%s: %v", c.json, err)
		assert.Equal(t, c.field, ve.Field, "%s: %v", c.json, err)
	}
}
