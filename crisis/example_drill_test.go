package crisis_test

import (
	"context"
	"os"
	"time"

	"github.com/cmkit/cmkit/crisis"
	"github.com/cmkit/cmkit/roles"
)

// A team rehearses its plan: on a quiet Tuesday morning a product recall
// sends mentions to six times their usual level. The social media manager
// is paged when the detector catches it; nobody acknowledges within the
// plan's ten minutes, so the senior community managers are paged; Bea
// acknowledges, and resolves the incident an hour later, which resumes
// publishing with the missed posts held for review.
func Example_drillReport() {
	plan := crisis.Plan{ID: "acme-crisis", Brand: "acme", Version: 3, Levels: []crisis.Level{{
		Name:       "major",
		Entry:      crisis.Criteria{MinVolumeRatio: 3},
		Responders: []crisis.Responder{{Role: roles.SocialMediaManager}},
		AckWithin:  crisis.Delay(10 * time.Minute),
		Escalation: []crisis.EscalationStep{{Responder: crisis.Responder{Role: roles.SeniorCM},
			After: crisis.Delay(10 * time.Minute), Repeat: crisis.Delay(15 * time.Minute)}},
		Approvals: []roles.Step{{Name: "smm", Roles: []string{roles.SocialMediaManager}}},
		OnEntry: crisis.EntryActions{
			PausePublishing: &crisis.PublishingPause{Missed: crisis.HoldMissedPosts},
			ModerationRules: "crisis-strict",
		},
	}}}
	scenario := crisis.Scenario{
		Name:          "product recall",
		Start:         time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC),
		Length:        crisis.Delay(2 * time.Hour),
		Series:        "acme/all",
		Mentions:      12,
		NegativeShare: 0.1,
		Surges:        []crisis.Surge{{At: crisis.Delay(20 * time.Minute), For: crisis.Delay(40 * time.Minute), Volume: 6, NegativeShare: 0.5}},
		Actions: []crisis.DrillAction{
			{At: crisis.Delay(34 * time.Minute), Member: "bea", Do: crisis.DrillAcknowledge},
			{At: crisis.Delay(40 * time.Minute), Member: "bea", Do: crisis.DrillAdvance, State: crisis.IncidentResponding, Text: "holding statement out"},
			{At: crisis.Delay(95 * time.Minute), Member: "bea", Do: crisis.DrillResolve, Text: "recall explained, volume back to normal"},
		},
		Seed: 7,
	}
	report, err := crisis.Drill{Plan: plan, Scenario: scenario}.Run(context.Background())
	if err != nil {
		panic(err)
	}
	report.WriteTo(os.Stdout)
	// Output:
	// Drill "product recall", plan acme-crisis version 3, 2026-03-03 09:00 UTC for 2h
	// Surge from +20m, detected in the bucket at +20m (bucket 1 of the surge)
	// Incident "volume+negative+combined breakout on acme/all" opened +21m at level major, acknowledged +34m by bea after 13m, resolved +1h35m; resolved at the end
	// Pages:
	//   +21m     role smm (major, responders)
	//   +31m     role senior_cm (major, escalation step 1)
	// Actions:
	//   +21m     pause publishing of acme on every channel (pause-1)
	//   +21m     switch moderation of acme to crisis-strict (was usual)
	//   +1h35m   resume pause-1, missed posts: hold
	//   +1h35m   switch moderation of acme to usual (was crisis-strict)
	// Permissions: not checked (no team)
	// Problems:
	//   +34m: acknowledged 13m after the incident entered major; the plan allows 10m
}
