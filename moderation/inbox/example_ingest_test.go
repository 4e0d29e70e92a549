package inbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/roles"
)

// Mentions come in (here pushed, as a webhook delivers them), the rules
// judge each, and the inbox groups them into conversations: an insult is
// hidden on the platform at once, a complaint goes to customer service,
// and a reply joins the thread it answers.
func Example_ingest() {
	ctx := context.Background()
	clock := cmkittest.NewClock(time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC))
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := team.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "sam"}},
		Grants: []roles.Grant{{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}}}}); err != nil {
		fmt.Println(err)
		return
	}
	rules, err := moderation.ParseRules([]byte(`{
	  "builtin": ["insults", "complaints"],
	  "rules": [
	    {"id": "insults", "when": {"lexicon": "insults"}, "then": {"hide": true, "flag": ["insult"]}},
	    {"id": "complaint", "when": {"lexicon": "complaints"}, "then": {"support": true, "queue": "care", "priority": 2}}
	  ]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	engine, err := moderation.Compile(rules, moderation.WithClock(clock))
	if err != nil {
		fmt.Println(err)
		return
	}
	page, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock,
		Info: cmkit.ChannelInfo{ID: "acme-es-fb", Platform: cmkit.Facebook, Brand: "acme", Country: "ES"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	ib, err := inbox.New(inbox.NewMemoryStore(), inbox.WithTeam(team), inbox.WithEngine(engine), inbox.WithClock(clock),
		inbox.WithChannels(page), inbox.WithHook(func(e inbox.InboxEvent) {
			fmt.Printf("event: %s %s\n", e.Kind, e.Message.Mention.ID)
		}))
	if err != nil {
		fmt.Println(err)
		return
	}

	author := func(id string) cmkit.Author { return cmkit.Author{ID: id, Handle: id} }
	mentions, err := page.Feed(
		cmkit.Mention{ID: "c1", Kind: cmkit.KindComment, Author: author("ana"), Text: "Does it come in red?", InReplyTo: "post1"},
		cmkit.Mention{ID: "c2", Kind: cmkit.KindComment, Author: author("troll"), Text: "you are all idiots", InReplyTo: "post1"},
		cmkit.Mention{ID: "d1", Kind: cmkit.KindDirectMessage, Author: author("bob"), Text: "My order never arrived, I want a refund"},
		cmkit.Mention{ID: "r1", Kind: cmkit.KindReply, Author: author("cy"), Text: "Same question!", InReplyTo: "c1"},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := ib.Push(ctx, mentions...); err != nil {
		fmt.Println(err)
		return
	}
	if err := ib.Push(ctx, mentions[0]); err != nil { // the webhook again: a duplicate
		fmt.Println(err)
		return
	}

	for c, err := range ib.Conversations(roles.WithActor(ctx, "sam"), inbox.Filter{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s: %s, %d message(s), priority %d, queue %q, labels %v, handoff %q\n",
			c.Key, c.Status, c.Messages, c.Priority, c.Queue, c.Labels, c.Handoff.Status)
	}
	fmt.Println("c2 hidden on the platform:", page.Hidden("c2"))
	fmt.Printf("%+v\n", ib.IngestCounts())
	// Output:
	// event: ingested c1
	// event: ingested c2
	// event: ingested d1
	// event: ingested r1
	// event: hidden c2
	// thread/acme-es-fb/c1: new, 2 message(s), priority 0, queue "", labels [], handoff ""
	// thread/acme-es-fb/c2: hidden, 1 message(s), priority 0, queue "", labels [insult], handoff ""
	// dm/acme-es-fb/bob: escalated, 1 message(s), priority 2, queue "care", labels [], handoff "pending"
	// c2 hidden on the platform: true
	// {Ingested:4 Edited:0 Duplicates:1 Skipped:0 ActionsSent:1 ActionsFailed:0}
}
