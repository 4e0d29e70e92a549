package listen_test

import (
	"fmt"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation/listen"
)

// Share of voice: one query for the brand, one per competitor, and one
// for a topic; the mentions are matched and counted per day, then
// compared.
func Example() {
	l, err := listen.Compile([]listen.SavedQuery{
		{ID: "acme", Query: `acme OR "acme corp" OR robomop`, Side: listen.SideBrand},
		{ID: "globex", Query: `(globex OR aquabot) -giveaway`, Side: listen.SideCompetitor},
		{ID: "initech", Query: `initech OR smartvac`, Side: listen.SideCompetitor},
		{ID: "late-refunds", Query: `(refund* OR reembolso OR zwrot) NEAR/4 (late OR tarde OR "nie dotarł")`},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	day := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	tally, err := listen.NewTally(l, listen.TallyConfig{Bucket: 24 * time.Hour, Retain: 30})
	if err != nil {
		fmt.Println(err)
		return
	}
	mentions := []string{
		"My ROBOMOP is great, thanks @acme!",
		"El reembolso de Acme Corp llega tarde otra vez",
		"Globex or Acme? Asking for a friend",
		"Globex aquabot giveaway, RT to win", // excluded by -giveaway
		"Zwrot pieniędzy od initech? Nadal nie dotarł.",
		"smartvac > robomop",
	}
	var m listen.Matches // reuse one per goroutine
	for i, text := range mentions {
		l.Match(&m, cmkit.Mention{Text: text, CreatedAt: day.Add(time.Duration(i) * time.Hour)})
		if _, err := tally.Add(day.Add(time.Duration(i)*time.Hour), m.Queries); err != nil {
			fmt.Println(err)
			return
		}
		var ids []string
		for _, q := range m.Queries {
			ids = append(ids, l.Query(q).ID)
		}
		fmt.Printf("%-48q %v\n", text, ids)
	}
	shares, err := tally.ShareOfVoice("acme", []string{"globex", "initech"}, day, day.AddDate(0, 0, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range shares {
		fmt.Printf("%-8s %d mentions, %.0f%%\n", s.QueryID, s.Count, 100*s.Share)
	}
	// Output:
	// "My ROBOMOP is great, thanks @acme!"             [acme]
	// "El reembolso de Acme Corp llega tarde otra vez" [acme late-refunds]
	// "Globex or Acme? Asking for a friend"            [acme globex]
	// "Globex aquabot giveaway, RT to win"             []
	// "Zwrot pieniędzy od initech? Nadal nie dotarł."  [initech late-refunds]
	// "smartvac > robomop"                             [acme initech]
	// acme     4 mentions, 57%
	// globex   1 mentions, 14%
	// initech  2 mentions, 29%
}

// Format checks a query as a person types it, and shows how it is read:
// the precedence made explicit where it matters.
func ExampleFormat() {
	for _, q := range []string{
		`acme OR globex refund*  -spam`,
		`"Reembolso" NEAR/2 "tardío" lang:ES`,
		`(acme OR globex))`,
		`-spam`,
	} {
		s, err := listen.Format(q)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(s)
	}
	// Output:
	// acme OR globex AND refund* AND NOT spam
	// "Reembolso" NEAR/2 "tardío" AND lang:es
	// listen: column 17: ")" without "("
	// listen: column 1: the query can match a mention without any of its terms: it needs a term or phrase that must be present (NOT and filters only narrow a query)
}
