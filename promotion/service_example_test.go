package promotion_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/promotion"
	"github.com/cmkit/cmkit/roles"
)

// A giveaway run through the Service, from open to a verified draw: the
// community manager creates it, opens it (the commitment goes into the
// announcement post), collects the comments and closes it; the social
// media manager draws with the beacon round named at open and reveals the
// seed; anyone then checks the draw with Verify. Every step is in the
// audit log.
func ExampleService() {
	ctx := context.Background()
	clock := cmkittest.NewClock(time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC))
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = team.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "cora"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
			{Member: "cora", Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme"}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// A fixed seed, so that this example prints the same every time; a
	// real service reads crypto/rand, the default.
	seed := make([]byte, 32)
	for i := range seed {
		seed[i] = byte(i)
	}
	audit := roles.NewAuditLog(roles.NewMemoryAuditStore(), clock)
	svc, err := promotion.New(promotion.NewMemoryStore(), promotion.WithAuthorizer(team), promotion.WithAuditLog(audit),
		promotion.WithClock(clock), promotion.WithSeedSource(bytes.NewReader(seed)))
	if err != nil {
		fmt.Println(err)
		return
	}
	cora, sam := roles.WithActor(ctx, "cora"), roles.WithActor(ctx, "sam")

	_, _, err = svc.Create(cora, promotion.Promotion{
		ID: "acme-autumn-26", Kind: promotion.KindGiveaway, Brand: "acme",
		Channels: []promotion.ChannelRef{{ID: "acme-x", Platform: cmkit.X, Post: "P1"}},
		Zone:     "Europe/Warsaw", Start: "2026-10-24T12:00", End: "2026-10-26T12:00",
		Prizes:    []promotion.Prize{{Name: "Weekend for two in Kraków", Quantity: 1}},
		TermsURL:  "https://acme.example/terms",
		Countries: []string{"ES"},
		Mechanics: promotion.Mechanics{Hashtags: []string{"#sorteo"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	beacon := &promotion.Beacon{Name: "drand quicknet", Round: 5000000}
	commitment, err := svc.Open(cora, "acme-autumn-26", beacon)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("announce: commitment", commitment, "beacon round", beacon.Round)

	comment := func(id, handle, text string, hour int) cmkit.Mention {
		return cmkit.Mention{ID: id, ChannelID: "acme-x", Kind: cmkit.KindComment, InReplyTo: "P1",
			Author: cmkit.Author{ID: "u-" + handle, Handle: handle}, Text: text,
			CreatedAt: time.Date(2026, 10, 25, hour, 0, 0, 0, time.UTC)}
	}
	subs, err := svc.AddEntries(cora, "acme-autumn-26",
		comment("101", "ana", "¡Me encanta! #sorteo", 9),
		comment("102", "bob", "Quiero ganar", 9),
		comment("103", "cy", "#sorteo por favor", 10),
		comment("104", "ana", "Otra vez #sorteo", 11),
		comment("105", "dee", "#Sorteo 🙌", 12),
		comment("106", "eve", "#sorteo", 13))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range subs {
		if s.Accepted {
			fmt.Printf("%-11s accepted\n", s.Key())
		} else {
			fmt.Printf("%-11s %s\n", s.Key(), s.Reason)
		}
	}

	closed, err := svc.Close(cora, "acme-autumn-26")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("closed:", closed.EntryCount, "entries, hash", closed.EntriesHash)

	// The beacon's round is out: its value goes into the draw.
	drawn, err := svc.Draw(sam, "acme-autumn-26", 2, []byte{0xde, 0xad, 0xbe, 0xef})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("winner:", drawn.Draw.Winners, "alternates:", drawn.Draw.Alternates)
	fmt.Println("seed shown before the reveal:", drawn.Draw.Seed != promotion.Seed{})

	record, err := svc.Reveal(sam, "acme-autumn-26")
	if err != nil {
		fmt.Println(err)
		return
	}
	list, err := svc.FrozenEntries(cora, "acme-autumn-26")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("published entry list:")
	list.WriteTo(os.Stdout)
	var keys []string
	for k := range list.Keys() {
		keys = append(keys, k)
	}
	fmt.Println("verify:", promotion.Verify(record, keys))

	for r, err := range audit.Records(ctx, roles.AuditFilter{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("audit:", r.Actor, r.Action)
	}
	// Output:
	// announce: commitment d297df669fb4fa8fa959b9422e0e3ffe654a2e9f3c36d5d03613a20aa2ee04f8 beacon round 5000000
	// x:ana:101   accepted
	// x:bob:102   missing_hashtag
	// x:cy:103    accepted
	// x:ana:104   duplicate
	// x:dee:105   accepted
	// x:eve:106   accepted
	// closed: 4 entries, hash 14e81ba82ccdb14e813df25056ebb05f545135a88286fc77fd44e129fc6354ae
	// winner: [x:eve:106] alternates: [x:cy:103 x:ana:101]
	// seed shown before the reveal: false
	// published entry list:
	// x:ana:101
	// x:cy:103
	// x:dee:105
	// x:eve:106
	// verify: <nil>
	// audit: cora promotion.create
	// audit: cora promotion.open
	// audit: cora promotion.entries
	// audit: cora promotion.close
	// audit: sam promotion.draw
	// audit: sam promotion.reveal
}
