package inbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/moderation/hours"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/moderation/listen"
	"github.com/cmkit/cmkit/roles"
)

// exampleTeam is Sam, the social media manager of acme, and Ana, a
// community manager for Spain.
func exampleTeam(clock cmkit.Clock) *roles.Directory {
	ctx := context.Background()
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		panic(err)
	}
	if err := team.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "sam"}, {ID: "ana"}}, Grants: []roles.Grant{
		{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
		{Member: "ana", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "ES"}},
	}}); err != nil {
		panic(err)
	}
	return team
}

// exampleEngine hides spam and routes complaints to customer service, and
// detects every message's language.
func exampleEngine(clock cmkit.Clock) *moderation.Engine {
	rules, err := moderation.ParseRules([]byte(`{
	  "builtin": ["spam", "complaints"],
	  "rules": [
	    {"id": "spam", "when": {"lexicon": "spam"}, "then": {"hide": true, "flag": ["spam"]}},
	    {"id": "complaint", "when": {"lexicon": "complaints"}, "then": {"support": true, "queue": "care", "priority": 2}}
	  ]}`))
	if err != nil {
		panic(err)
	}
	// WithAnnotations: every message gets its language and sentiment,
	// which the inbox uses to pick canned responses and rank leaders.
	e, err := moderation.Compile(rules, moderation.WithClock(clock), moderation.WithAnnotations())
	if err != nil {
		panic(err)
	}
	return e
}

// A round trip through the inbox: the Run loop's step pulls the Spanish
// account's comments, hides the spam on the platform, assigns the rest
// to Ana and hands the complaint to customer service; Ana answers the
// question with the team's canned response, in Spanish.
func Example() {
	ctx := context.Background()
	clock := cmkittest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	account, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: "acme-es", Platform: cmkit.Instagram, Handle: "acme_es", Brand: "acme", Country: "ES", Languages: []string{"es"}}})
	if err != nil {
		panic(err)
	}
	helpdesk := inbox.NewMemoryHandoff()
	ib, err := inbox.New(inbox.NewMemoryStore(), inbox.WithTeam(exampleTeam(clock)), inbox.WithEngine(exampleEngine(clock)),
		inbox.WithClock(clock), inbox.WithChannels(account), inbox.WithHandoff(helpdesk),
		inbox.WithLogger(slog.New(slog.DiscardHandler)),
		inbox.WithCannedResponses(inbox.CannedResponse{ID: "shipping", Name: "Shipping times", Texts: map[string]string{
			"es": "¡Hola {author}! Enviamos en 24-48 h laborables.",
			"*":  "Hi {author}! We ship within 1-2 business days.",
		}}))
	if err != nil {
		panic(err)
	}
	asSam, asAna := roles.WithActor(ctx, "sam"), roles.WithActor(ctx, "ana")
	if _, err := ib.SetAgent(asSam, inbox.Agent{Member: "ana", Queues: []string{"", "care"}, Capacity: 10, Available: true}); err != nil {
		panic(err)
	}

	who := func(h string) cmkit.Author { return cmkit.Author{ID: h, Handle: h} }
	if _, err := account.Feed(
		cmkit.Mention{ID: "c1", Kind: cmkit.KindComment, Author: who("lucia"), Text: "¿Cuánto tarda el envío a Sevilla?", InReplyTo: "p1"},
		cmkit.Mention{ID: "c2", Kind: cmkit.KindComment, Author: who("promo4u"), Text: "free followers, click here", InReplyTo: "p1"},
		cmkit.Mention{ID: "c3", Kind: cmkit.KindComment, Author: who("pepe"), Text: "El producto no funciona, quiero un reembolso", InReplyTo: "p1"},
	); err != nil {
		panic(err)
	}
	if err := ib.Step(ctx); err != nil {
		panic(err)
	}
	for c, err := range ib.Conversations(asSam, inbox.Filter{}) {
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-6s %-9s assignee=%-3q labels=%v handoff=%s\n", c.Author.Handle, c.Status, c.Assignee, c.Labels, c.Handoff.Status)
	}
	fmt.Println("spam hidden on Instagram:", account.Hidden("c2"))
	fmt.Println("tickets in customer service:", len(helpdesk.Keys()))

	question, _, err := ib.Item(asAna, "acme-es", "c1")
	if err != nil {
		panic(err)
	}
	sent, err := ib.Reply(asAna, question.ID, question.Version, inbox.ReplyRequest{Canned: "shipping"})
	if err != nil {
		panic(err)
	}
	fmt.Println("answered:", sent.Mention.Text)
	// Output:
	// lucia  new       assignee="ana" labels=[] handoff=
	// promo4u hidden    assignee=""  labels=[spam] handoff=
	// pepe   escalated assignee="ana" labels=[] handoff=done
	// spam hidden on Instagram: true
	// tickets in customer service: 1
	// answered: ¡Hola @lucia! Enviamos en 24-48 h laborables.
}

// An SLA on business hours: the Madrid team works Monday to Friday, 9:00
// to 18:00, and owes a first answer within 4 business hours. A message on
// Friday at 17:00 is due on Monday at 12:00 (one hour on Friday, three on
// Monday); the warning comes an hour before, the breach at noon.
func ExampleWithSLA() {
	ctx := context.Background()
	clock := cmkittest.NewClock(time.Date(2026, 1, 2, 16, 0, 0, 0, time.UTC)) // Friday, 17:00 in Madrid
	madrid, err := hours.Parse([]byte(`{"zone": "Europe/Madrid", "week": {"mon-fri": ["09:00-18:00"]}}`))
	if err != nil {
		panic(err)
	}
	account, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: "acme-es", Platform: cmkit.X, Brand: "acme", Country: "ES"}})
	if err != nil {
		panic(err)
	}
	ib, err := inbox.New(inbox.NewMemoryStore(), inbox.WithTeam(exampleTeam(clock)), inbox.WithEngine(exampleEngine(clock)),
		inbox.WithClock(clock), inbox.WithChannels(account),
		inbox.WithSLA(madrid, inbox.SLAPolicy{Name: "standard", FirstResponse: 4 * time.Hour, WarnBefore: time.Hour}),
		inbox.WithHook(func(e inbox.InboxEvent) {
			if e.Kind == inbox.EventSLAWarning || e.Kind == inbox.EventSLABreached {
				fmt.Printf("%s %s: %s\n", e.At.In(madrid.Zone).Format("Mon 15:04"), e.Kind, e.Text)
			}
		}))
	if err != nil {
		panic(err)
	}
	fed, err := account.Feed(cmkit.Mention{Kind: cmkit.KindDirectMessage, Author: cmkit.Author{ID: "u1"}, Text: "¿Abrís el sábado?"})
	if err != nil {
		panic(err)
	}
	if err := ib.Push(ctx, fed...); err != nil {
		panic(err)
	}
	c, _, err := ib.Item(roles.WithActor(ctx, "sam"), fed[0].ChannelID, fed[0].ID)
	if err != nil {
		panic(err)
	}
	fmt.Println("first answer due:", c.SLA.FirstResponseDue.In(madrid.Zone).Format("Mon 2 Jan 15:04"))
	for range 4 * 24 * 4 { // the Run loop, every 15 minutes until Tuesday
		clock.Advance(15 * time.Minute)
		if _, err := ib.SLATimers(ctx); err != nil {
			panic(err)
		}
	}
	// Output:
	// first answer due: Mon 5 Jan 12:00
	// Mon 11:00 sla-warning: standard: first response due 2026-01-05T11:00:00Z is near
	// Mon 12:00 sla-breached: standard: first response due 2026-01-05T11:00:00Z passed
}

// Listening for share of voice: two saved queries, the brand and a
// competitor, count every new message the inbox ingests; the tally gives
// each one's share of the conversation.
func ExampleWithListening() {
	ctx := context.Background()
	clock := cmkittest.NewClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	l, err := listen.Compile([]listen.SavedQuery{
		{ID: "acme", Query: `acme OR "acme shoes"`, Side: listen.SideBrand},
		{ID: "rival", Query: `rival -"rival bank"`, Side: listen.SideCompetitor},
	})
	if err != nil {
		panic(err)
	}
	tally, err := listen.NewTally(l, listen.TallyConfig{Bucket: 24 * time.Hour, Location: time.UTC, Retain: 30})
	if err != nil {
		panic(err)
	}
	account, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: "acme-en", Platform: cmkit.Mastodon, Brand: "acme"}})
	if err != nil {
		panic(err)
	}
	ib, err := inbox.New(inbox.NewMemoryStore(), inbox.WithTeam(exampleTeam(clock)), inbox.WithEngine(exampleEngine(clock)),
		inbox.WithClock(clock), inbox.WithChannels(account), inbox.WithListening(l, tally))
	if err != nil {
		panic(err)
	}
	var ms []cmkit.Mention
	for i, text := range []string{"@acme_en love my ACME shoes", "Acme or Rival for running?", "rival's soles last longer, sorry acme",
		"Rival Bank raised its fees", "acme!!!"} {
		ms = append(ms, cmkit.Mention{ID: fmt.Sprint("m", i), ChannelID: "acme-en", Kind: cmkit.KindMention,
			Author: cmkit.Author{ID: fmt.Sprint("u", i)}, Text: text, CreatedAt: clock.Now()})
	}
	if err := ib.Push(ctx, ms...); err != nil {
		panic(err)
	}
	day := clock.Now().Truncate(24 * time.Hour)
	shares, err := tally.ShareOfVoice("acme", []string{"rival"}, day, day.Add(24*time.Hour))
	if err != nil {
		panic(err)
	}
	for _, s := range shares {
		fmt.Printf("%s: %d mentions, %.0f%%\n", s.QueryID, s.Count, 100*s.Share)
	}
	// Output:
	// acme: 4 mentions, 67%
	// rival: 2 mentions, 33%
}
