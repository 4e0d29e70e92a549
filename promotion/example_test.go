package promotion_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
)

// A giveaway loaded from JSON: answer the post on X with #sorteo and tag a
// friend, in Warsaw time. Four comments arrive; two are entries.
func Example() {
	p, warnings, err := promotion.ParsePromotion([]byte(`{
		"id": "acme-autumn-26",
		"kind": "giveaway",
		"brand": "acme",
		"channels": [{"id": "acme-x", "platform": "x", "post": "P1"}],
		"zone": "Europe/Warsaw",
		"start": "2026-10-24T12:00",
		"end": "2026-10-26T12:00",
		"prizes": [{"name": "Weekend for two in Kraków", "quantity": 1}],
		"terms_url": "https://acme.example/terms",
		"countries": ["PL"],
		"mechanics": {"hashtags": ["#sorteo"], "mention_accounts": 1, "own_handles": ["acme"]}
	}`), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, w := range warnings {
		fmt.Println("warning:", w.Code, w.Country)
	}

	entries, err := promotion.NewEntries(p, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	comment := func(id, handle, text string, at time.Time) cmkit.Mention {
		return cmkit.Mention{ID: id, ChannelID: "acme-x", Kind: cmkit.KindComment, InReplyTo: "P1",
			Author: cmkit.Author{ID: "u-" + handle, Handle: handle}, Text: text, CreatedAt: at}
	}
	sunday := time.Date(2026, 10, 25, 9, 0, 0, 0, time.UTC)
	err = entries.AddBatch(context.Background(), []cmkit.Mention{
		comment("101", "ana", "Me encanta! #Sorteo @marta", sunday),
		comment("102", "bob", "Pick me @acme", sunday),
		comment("103", "ana", "Otra vez #sorteo @luis", sunday.Add(time.Hour)),
		comment("104", "cy", "#sorteo @dee", sunday.Add(time.Minute)),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for s := range entries.All() {
		if s.Accepted {
			fmt.Printf("%-12s accepted\n", s.Key())
		} else {
			fmt.Printf("%-12s %s: %s\n", s.Key(), s.Reason, s.Detail)
		}
	}
	fmt.Println("frozen list:", entries.Keys())
	entries.WriteCSV(os.Stdout)
	// Output:
	// warning: chance_permit PL
	// x:ana:101    accepted
	// x:bob:102    missing_hashtag: no #sorteo
	// x:ana:103    duplicate: one entry per person, and this person already has one
	// x:cy:104     accepted
	// frozen list: [x:ana:101 x:cy:104]
	// key,accepted,reason,detail,platform,channel_id,mention_id,author_id,author_handle,person,at,text,url
	// x:ana:101,true,,,x,acme-x,101,u-ana,ana,,2026-10-25T09:00:00Z,Me encanta! #Sorteo @marta,
	// x:bob:102,false,missing_hashtag,no #sorteo,x,acme-x,102,u-bob,bob,,2026-10-25T09:00:00Z,Pick me @acme,
	// x:ana:103,false,duplicate,"one entry per person, and this person already has one",x,acme-x,103,u-ana,ana,,2026-10-25T10:00:00Z,Otra vez #sorteo @luis,
	// x:cy:104,true,,,x,acme-x,104,u-cy,cy,,2026-10-25T09:01:00Z,#sorteo @dee,
}
