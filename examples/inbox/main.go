// Command inbox shows a community team's day in the inbox, on in-memory
// defaults and a simulated clock: comments and messages arrive on two
// fake platforms, the rules hide the spam and route the complaint to
// customer service, agents get conversations round-robin by country, an
// answer goes out as a canned response in Spanish, an unanswered message
// breaches its SLA on business hours, and listening reports share of
// voice against a competitor.
//
//	go run ./examples/inbox
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
	_ "time/tzdata" // business hours in Europe/Madrid without a system tz database

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/moderation/hours"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/moderation/listen"
	"github.com/cmkit/cmkit/roles"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "inbox:", err)
		os.Exit(1)
	}
}

const rules = `{
  "builtin": ["spam", "insults", "complaints"],
  "rules": [
    {"id": "spam", "when": {"lexicon": "spam"}, "then": {"hide": true, "flag": ["spam"]}},
    {"id": "insults", "when": {"lexicon": "insults"}, "then": {"hide": true, "flag": ["insult"]}},
    {"id": "complaint", "when": {"lexicon": "complaints"}, "then": {"support": true, "queue": "care", "priority": 2}}
  ]}`

func run(ctx context.Context, out io.Writer) error {
	// Monday 2 March 2026, 9:00 in Madrid.
	clock := cmkittest.NewClock(time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC))
	quiet := slog.New(slog.DiscardHandler)

	// The team: Sam runs the brand, Ana answers for Spain, Ola for Poland.
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
	if err != nil {
		return err
	}
	if err := team.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "ana"}, {ID: "ola"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
			{Member: "ana", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "ES"}},
			{Member: "ola", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "PL"}},
		}}); err != nil {
		return err
	}

	set, err := moderation.ParseRules([]byte(rules))
	if err != nil {
		return err
	}
	engine, err := moderation.Compile(set, moderation.WithClock(clock), moderation.WithAnnotations())
	if err != nil {
		return err
	}
	es, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: "acme-es-ig", Platform: cmkit.Instagram, Handle: "acme_es", Brand: "acme", Country: "ES", Languages: []string{"es"}}})
	if err != nil {
		return err
	}
	pl, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: "acme-pl-fb", Platform: cmkit.Facebook, Handle: "acme_pl", Brand: "acme", Country: "PL", Languages: []string{"pl"}}})
	if err != nil {
		return err
	}
	madrid, err := hours.Parse([]byte(`{"zone": "Europe/Madrid", "week": {"mon-fri": ["09:00-18:00"]}, "holidays": ["2026-03-19"]}`))
	if err != nil {
		return err
	}
	queries, err := listen.Compile([]listen.SavedQuery{
		{ID: "acme", Query: `acme OR "acme shoes"`, Side: listen.SideBrand},
		{ID: "rival", Query: `rival -"rival bank"`, Side: listen.SideCompetitor},
	})
	if err != nil {
		return err
	}
	tally, err := listen.NewTally(queries, listen.TallyConfig{Bucket: 24 * time.Hour, Location: time.UTC, Retain: 30})
	if err != nil {
		return err
	}
	helpdesk := inbox.NewMemoryHandoff()
	ib, err := inbox.New(inbox.NewMemoryStore(),
		inbox.WithTeam(team), inbox.WithEngine(engine), inbox.WithClock(clock), inbox.WithLogger(quiet),
		inbox.WithChannels(es, pl), inbox.WithHandoff(helpdesk), inbox.WithListening(queries, tally),
		inbox.WithSLA(madrid, inbox.SLAPolicy{Name: "standard", FirstResponse: 4 * time.Hour, WarnBefore: time.Hour}),
		inbox.WithCannedResponses(inbox.CannedResponse{ID: "sizes", Name: "Size guide", Texts: map[string]string{
			"es": "¡Hola {author}! Tienes la guía de tallas en acme.example/tallas.",
			"pl": "Cześć {author}! Tabela rozmiarów: acme.example/rozmiary.",
			"*":  "Hi {author}! The size guide is at acme.example/sizes.",
		}}),
		inbox.WithHook(func(e inbox.InboxEvent) {
			switch e.Kind {
			case inbox.EventHidden:
				fmt.Fprintf(out, "  event %s: %s on the platform\n", e.Kind, e.Message.Mention.ID)
			case inbox.EventSLAWarning, inbox.EventSLABreached:
				fmt.Fprintf(out, "  event %s: %s, %s\n", e.Kind, e.Conversation.Author.Handle, e.Text)
			}
		}))
	if err != nil {
		return err
	}
	asSam, asAna := roles.WithActor(ctx, "sam"), roles.WithActor(ctx, "ana")
	for _, m := range []string{"ana", "ola"} {
		if _, err := ib.SetAgent(asSam, inbox.Agent{Member: m, Queues: []string{"", "care"}, Capacity: 10, Available: true}); err != nil {
			return err
		}
	}

	who := func(h string, followers int64) cmkit.Author {
		return cmkit.Author{ID: h, Handle: h, Followers: followers}
	}
	if _, err := es.Feed(
		cmkit.Mention{ID: "c1", Kind: cmkit.KindComment, Author: who("lucia", 300), Text: "¿Qué talla de Acme Shoes pido si uso un 38?", InReplyTo: "p1"},
		cmkit.Mention{ID: "c2", Kind: cmkit.KindComment, Author: who("promo4u", 3), Text: "free followers, click here", InReplyTo: "p1"},
		cmkit.Mention{ID: "c3", Kind: cmkit.KindComment, Author: who("pepe", 120), Text: "Mis Acme no funcionan, quiero un reembolso", InReplyTo: "p1"},
		cmkit.Mention{ID: "c4", Kind: cmkit.KindMention, Author: who("runner_marta", 95000), Text: "Acme o Rival para maratón? Me quedo con acme"},
	); err != nil {
		return err
	}
	if _, err := pl.Feed(
		cmkit.Mention{ID: "d1", Kind: cmkit.KindDirectMessage, Author: who("kasia", 80), Text: "Jaki rozmiar Acme wybrać?"},
	); err != nil {
		return err
	}

	fmt.Fprintln(out, "09:00 the Run loop's first step: pull, moderate, assign, hand off")
	if err := ib.Step(ctx); err != nil {
		return err
	}
	if err := show(ctx, out, ib, asSam); err != nil {
		return err
	}
	fmt.Fprintln(out, "tickets in customer service:", len(helpdesk.Keys()))

	clock.Advance(30 * time.Minute)
	q, _, err := ib.Item(asAna, "acme-es-ig", "c1")
	if err != nil {
		return err
	}
	sent, err := ib.Reply(asAna, q.ID, q.Version, inbox.ReplyRequest{Canned: "sizes"})
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "09:30 ana answers lucia:", sent.Mention.Text)
	_, err = ib.Reply(asSam, q.ID, q.Version, inbox.ReplyRequest{Text: "¡Un 38!"})
	fmt.Fprintln(out, "09:30 sam answers the same version:", err)

	fmt.Fprintln(out, "nobody else is answered before noon:")
	for range 10 * 4 {
		clock.Advance(15 * time.Minute)
		if _, err := ib.SLATimers(ctx); err != nil {
			return err
		}
	}

	day := clock.Now().Truncate(24 * time.Hour)
	shares, err := tally.ShareOfVoice("acme", []string{"rival"}, day, day.Add(24*time.Hour))
	if err != nil {
		return err
	}
	for _, s := range shares {
		fmt.Fprintf(out, "share of voice %s: %d mentions, %.0f%%\n", s.QueryID, s.Count, 100*s.Share)
	}
	leaders, err := ib.Leaders(asSam, inbox.LeaderQuery{Brand: "acme", Limit: 2})
	if err != nil {
		return err
	}
	for _, l := range leaders {
		fmt.Fprintf(out, "opinion leader: %s (%d followers, %d mentions)\n", l.Author.Handle, l.Author.Followers, l.Mentions)
	}
	return nil
}

func show(ctx context.Context, out io.Writer, ib *inbox.Inbox, as context.Context) error {
	for c, err := range ib.Conversations(as, inbox.Filter{}) {
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %-13s %-9s lang=%-2s assignee=%-3s labels=%v handoff=%s\n",
			c.Author.Handle, c.Status, c.Language, c.Assignee, c.Labels, c.Handoff.Status)
	}
	return nil
}
