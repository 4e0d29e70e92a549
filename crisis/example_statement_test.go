package crisis_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/crisis"
	"github.com/cmkit/cmkit/roles"
)

// publishNow stands for a calendar's "publish now": it posts at once,
// once per idempotency key.
type publishNow struct{ done map[string]string }

func (p publishNow) Publish(_ context.Context, brand, channel, language, text, id string) (string, error) {
	if receipt, ok := p.done[id]; ok {
		return receipt, nil
	}
	fmt.Printf("calendar: publish now on %s/%s (%s): %s\n", brand, channel, language, text)
	p.done[id] = "post-1"
	return "post-1", nil
}

// silent sends no page.
type silent struct{}

func (silent) Page(context.Context, crisis.Page) error { return nil }

// A junior drafts a statement from the level's holding statement; the
// social media manager, then legal approve it (the level's two-step
// chain, judged by roles); a senior CM publishes it through the
// calendar's "publish now".
func Example_statement() {
	ctx := context.Background()
	clock := cmkittest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock),
		roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	acme := roles.Scope{Brand: "acme"}
	if err := team.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "jon"}, {ID: "sam"}, {ID: "lea"}, {ID: "bea"}},
		Grants: []roles.Grant{{Member: "jon", Role: roles.JuniorCM, Scope: acme},
			{Member: "sam", Role: roles.SocialMediaManager, Scope: acme},
			{Member: "lea", Role: roles.Legal, Scope: acme},
			{Member: "bea", Role: roles.SeniorCM, Scope: acme}},
	}); err != nil {
		panic(err)
	}
	plan := crisis.Plan{ID: "acme-crisis", Brand: "acme", Version: 1, Levels: []crisis.Level{{
		Name:       "major",
		Entry:      crisis.Criteria{MinVolumeRatio: 4},
		Responders: []crisis.Responder{{Role: roles.SocialMediaManager}},
		AckWithin:  crisis.Delay(10 * time.Minute),
		Statements: []crisis.Statement{{Language: "es", Text: "Estamos revisando lo ocurrido."}},
		Approvals: []roles.Step{{Name: "smm", Roles: []string{roles.SocialMediaManager}},
			{Name: "legal", Roles: []string{roles.Legal}}},
	}}}
	svc, err := crisis.New(crisis.NewMemoryStore(), crisis.WithPlan(plan), crisis.WithTeam(team),
		crisis.WithClock(clock), crisis.WithNotifier(silent{}),
		crisis.WithStatementPublisher(publishNow{done: map[string]string{}}))
	if err != nil {
		panic(err)
	}
	inc, err := svc.Declare(roles.WithActor(ctx, "sam"), "major", "recall rumour")
	if err != nil {
		panic(err)
	}

	st, err := svc.DraftStatement(roles.WithActor(ctx, "jon"), inc.ID, "es", "acme-x", "")
	if err != nil {
		panic(err)
	}
	fmt.Println("drafted:", st.Text, st.State)
	for _, who := range []string{"sam", "lea"} {
		if st, err = svc.ApproveStatement(roles.WithActor(ctx, who), inc.ID, st.ID, st.Version); err != nil {
			panic(err)
		}
		fmt.Println("approved by", who+":", st.State)
	}
	st, err = svc.PublishStatement(roles.WithActor(ctx, "bea"), inc.ID, st.ID, st.Version)
	if err != nil {
		panic(err)
	}
	fmt.Println(st.State, st.Receipt)
	// Output:
	// drafted: Estamos revisando lo ocurrido. drafted
	// approved by sam: drafted
	// approved by lea: approved
	// calendar: publish now on acme/acme-x (es): Estamos revisando lo ocurrido.
	// published post-1
}
