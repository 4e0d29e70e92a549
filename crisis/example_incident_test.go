package crisis_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/crisis"
	"github.com/cmkit/cmkit/crisis/detect"
	"github.com/cmkit/cmkit/roles"
)

// calendar stands for a content calendar: it pauses and resumes
// scheduled publishing.
type calendar struct{}

func (calendar) Pause(_ context.Context, brand string, channels []string, _ string) (string, error) {
	fmt.Printf("calendar: pause %s %v\n", brand, channels)
	return "pause-1", nil
}

func (calendar) Resume(_ context.Context, id string, missed crisis.MissedPosts) error {
	fmt.Printf("calendar: resume %s, missed posts: %s\n", id, missed)
	return nil
}

// pager prints pages.
type pager struct{}

func (pager) Page(_ context.Context, p crisis.Page) error {
	fmt.Printf("page: %s%s\n", p.To.Role, p.To.Member)
	return nil
}

// A spike in negative mentions opens an incident: publishing on the
// brand's channel is paused through the Publishing interface and the
// responders are paged; nobody acknowledges in ten minutes, so the senior
// CMs are paged next.
func Example_incidentFromSpike() {
	ctx := context.Background()
	clock := cmkittest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	plan := crisis.Plan{ID: "acme-crisis", Brand: "acme", Version: 1, Levels: []crisis.Level{{
		Name:       "major",
		Entry:      crisis.Criteria{MinVolumeRatio: 4},
		Responders: []crisis.Responder{{Role: roles.SocialMediaManager}},
		AckWithin:  crisis.Delay(10 * time.Minute),
		Escalation: []crisis.EscalationStep{{Responder: crisis.Responder{Role: roles.SeniorCM},
			After: crisis.Delay(10 * time.Minute), Repeat: crisis.Delay(15 * time.Minute)}},
		Approvals: []roles.Step{{Name: "smm", Roles: []string{roles.SocialMediaManager}}},
		OnEntry: crisis.EntryActions{PausePublishing: &crisis.PublishingPause{
			Channels: []string{"acme-x"}, Missed: crisis.HoldMissedPosts}},
	}}}
	svc, err := crisis.New(crisis.NewMemoryStore(), crisis.WithPlan(plan), crisis.WithClock(clock),
		crisis.WithNotifier(pager{}), crisis.WithPublishing(calendar{}))
	if err != nil {
		panic(err)
	}

	spike := detect.Breakout{Seq: 1, Key: "acme/x", Kind: detect.BreakoutVolume, PeakTotal: 60, PeakExpected: 10}
	inc, opened, err := svc.Open(ctx, spike)
	if err != nil {
		panic(err)
	}
	fmt.Println("opened:", opened, inc.Level, inc.State, "paused:", inc.Undo.Pauses[0].ID)

	clock.Advance(10 * time.Minute)
	n, err := svc.Step(ctx)
	if err != nil {
		panic(err)
	}
	fmt.Println("escalation pages:", n)
	// Output:
	// calendar: pause acme [acme-x]
	// page: smm
	// opened: true major detected paused: pause-1
	// page: senior_cm
	// escalation pages: 1
}
