package inbox_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/roles"
)

// A day's work: conversations go round-robin to the agents whose grants
// cover them, an agent answers in Spanish with a canned response, and a
// complaint goes to customer service.
func Example_teamWork() {
	ctx := context.Background()
	clock := cmkittest.NewClock(time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC))
	quiet := slog.New(slog.DiscardHandler)

	// The team: Ana answers for Spain, Ola for Poland, Sam runs the brand.
	team, _ := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
	_ = team.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "ana"}, {ID: "ola"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
			{Member: "ana", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "ES"}},
			{Member: "ola", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "PL"}},
		},
	})
	es, _ := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: "acme-es", Platform: cmkit.X, Handle: "acme_es", Brand: "acme", Country: "ES", Languages: []string{"es"}}})
	pl, _ := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: "acme-pl", Platform: cmkit.Facebook, Handle: "acme_pl", Brand: "acme", Country: "PL", Languages: []string{"pl"}}})
	engine, _ := moderation.Compile(moderation.RuleSet{})
	helpdesk := inbox.NewMemoryHandoff()
	store := inbox.NewMemoryStore()
	ib, err := inbox.New(store, inbox.WithTeam(team), inbox.WithEngine(engine), inbox.WithClock(clock),
		inbox.WithChannels(es, pl), inbox.WithHandoff(helpdesk), inbox.WithLogger(quiet),
		inbox.WithCannedResponses(inbox.CannedResponse{ID: "dm", Name: "Ask for a DM", Texts: map[string]string{
			"es": "Hola {author}, soy {agent}. Escríbenos por privado y lo revisamos.",
			"*":  "Hi {author}, please send us a DM.",
		}}))
	if err != nil {
		fmt.Println(err)
		return
	}

	// Three customers write (ingest would store these; here they are
	// committed directly).
	arrive := func(ch *cmkittest.FakeChannel, handle, text string) inbox.Conversation {
		info := ch.Info()
		fed, _ := ch.Feed(cmkit.Mention{Author: cmkit.Author{ID: handle, Handle: handle}, Text: text, Language: info.Languages[0]})
		c := inbox.Conversation{ID: cmkit.NewID(), Kind: inbox.KindThread, Channel: info.ID, Resource: roles.ResourceOf(info),
			Author: fed[0].Author, Language: info.Languages[0], Status: inbox.StatusNew, Messages: 1, CreatedAt: clock.Now()}
		m := inbox.Message{ID: cmkit.NewID(), Conversation: c.ID, Seq: 1, Direction: inbox.Inbound, Mention: fed[0], ReceivedAt: clock.Now()}
		_ = store.Commit(ctx, inbox.Write{Conversations: []inbox.Conversation{c}, Messages: []inbox.Message{m}})
		clock.Advance(time.Minute)
		c.Version = 1
		return c
	}
	question := arrive(es, "lucia_g", "¿Hacéis envíos a Canarias?")
	complaint := arrive(es, "pepe", "Mi pedido nunca llegó")
	polish := arrive(pl, "kasia", "Kiedy otwieracie sklep?")

	// Sam sets up the agents; each step of the Run loop assigns.
	asSam := roles.WithActor(ctx, "sam")
	for _, m := range []string{"ana", "ola"} {
		if _, err := ib.SetAgent(asSam, inbox.Agent{Member: m, Queues: []string{""}, Capacity: 5, Available: true}); err != nil {
			fmt.Println(err)
			return
		}
	}
	n, _ := ib.AutoAssign(ctx)
	fmt.Println("assigned:", n)
	for _, c := range []inbox.Conversation{question, complaint, polish} {
		c, _ = store.Conversation(ctx, c.ID)
		fmt.Printf("  %s -> %s\n", c.Author.Handle, c.Assignee)
	}

	// Ana answers the question with the canned response, in Spanish.
	asAna := roles.WithActor(ctx, "ana")
	question, _ = store.Conversation(ctx, question.ID)
	sent, err := ib.Reply(asAna, question.ID, question.Version, inbox.ReplyRequest{Canned: "dm", Values: map[string]string{"agent": "Ana"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("sent:", sent.Mention.Text)

	// Sam read the same version: his answer would be a second one.
	_, err = ib.Reply(asSam, question.ID, question.Version, inbox.ReplyRequest{Text: "¡Sí!"})
	var collision *inbox.ReplyConflict
	if errors.As(err, &collision) {
		fmt.Printf("sam's answer: conflict=%t, already answered by %s at %s (%s)\n", errors.Is(err, cmkit.ErrConflict),
			collision.By, collision.At.Format("15:04"), collision.Delivery)
	}

	// Ana routes the complaint; the Run loop's next step delivers it.
	complaint, _ = store.Conversation(ctx, complaint.ID)
	if _, err := ib.Route(asAna, complaint.ID, complaint.Version, "order lost"); err != nil {
		fmt.Println(err)
		return
	}
	n, _ = ib.Handoffs(ctx)
	complaint, _ = store.Conversation(ctx, complaint.ID)
	ticket, _, _ := helpdesk.Ticket(complaint.Handoff.Key)
	fmt.Printf("handed off: %d, %s %s, ticket %s: %q (%s)\n", n, complaint.Status, complaint.Handoff.Status,
		complaint.Handoff.Ref, ticket.Subject, ticket.Reason)
	// Output:
	// assigned: 3
	//   lucia_g -> ana
	//   pepe -> ana
	//   kasia -> ola
	// sent: Hola @lucia_g, soy Ana. Escríbenos por privado y lo revisamos.
	// sam's answer: conflict=true, already answered by ana at 09:03 (sent)
	// handed off: 1, escalated done, ticket T-1: "Mi pedido nunca llegó" (order lost)
}
