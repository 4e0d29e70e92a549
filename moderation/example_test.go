package moderation_test

import (
	"fmt"
	"slices"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation"
)

// A rule set written in JSON: built-in insults hidden, complaints routed
// to customer service with a reply in the author's language.
func ExampleParseRules() {
	set, err := moderation.ParseRules([]byte(`{
	  "builtin": ["insults", "complaints"],
	  "rules": [
	    {"id": "insults", "when": {"lexicon": "insults"}, "then": {"hide": true, "flag": ["insult"]}},
	    {"id": "complaint", "when": {"all": [{"lexicon": "complaints"}, {"not": {"kinds": ["review"]}}]},
	     "then": {"support": true, "queue": "care", "reply": {"es": "Hola {author}, te escribimos por privado.", "*": "Hi {author}, we'll DM you."}}}
	  ]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	e, err := moderation.Compile(set)
	if err != nil {
		fmt.Println(err)
		return
	}
	m := cmkit.Mention{Kind: cmkit.KindComment, Language: "es", Author: cmkit.Author{Handle: "ana_g"},
		Text: "Mi pedido NUNCA LLEGÓ, sois unos 1nút1l3s"}
	var v moderation.Verdict // reuse one per goroutine
	e.Evaluate(&v, m)
	fmt.Println(v.Summary())
	fmt.Println(v.ReplyText(v.Replies[0], m))

	// A mistake names the rule and the field.
	_, err = moderation.ParseRules([]byte(`{"builtin": ["insults"], "rules": [
	  {"id": "x", "when": {"any": [{"kinds": ["comment"]}, {"lexicon": "insultos"}]}, "then": {"hide": true}}]}`))
	fmt.Println(err)
	// Output:
	// hide flag=insult queue=care support reply=complaint/es
	// Hola @ana_g, te escribimos por privado.
	// cmkit: invalid rules[0].when.any[1].lexicon: unknown: rule "x": no lexicon "insultos"
}

// A verdict explains itself: every rule that fired, with the terms and
// where they are in the original text.
func ExampleEngine_Evaluate() {
	e, err := moderation.Compile(moderation.RuleSet{
		Builtin:  []string{"insults"},
		Lexicons: []moderation.TermList{{Name: "product", Terms: []string{"RoboMop"}}},
		Rules: []moderation.ModRule{
			{ID: "insults", When: moderation.Cond{Lexicon: "insults"}, Then: moderation.Actions{Hide: true}},
			{ID: "product-talk", When: moderation.Cond{Lexicon: "product"}, Then: moderation.Actions{Queue: "product", Priority: 1}},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	text := "Mój ROBOMOP znowu stoi, i.d.i.o.c.i z serwisu 🙄"
	var v moderation.Verdict
	e.Evaluate(&v, cmkit.Mention{Text: text, Language: "pl"})
	for _, f := range v.Fired {
		for _, h := range f.Hits {
			fmt.Printf("%s: %s %q at [%d:%d] %q\n", f.Rule, h.Lexicon, h.Term, h.Start, h.End, text[h.Start:h.End])
		}
	}
	fmt.Println(v.Summary())
	// Output:
	// insults: insults "idioci" at [25:36] "i.d.i.o.c.i"
	// product-talk: product "RoboMop" at [5:12] "ROBOMOP"
	// hide priority=1 queue=product
}

// A dry run of a new rule set over past mentions, compared with the
// current one, before enabling it.
func ExampleCompare() {
	current := moderation.RuleSet{Builtin: []string{"insults"}, Rules: []moderation.ModRule{
		{ID: "insults", When: moderation.Cond{Lexicon: "insults"}, Then: moderation.Actions{Hide: true}},
	}}
	proposed := current
	proposed.Builtin = []string{"insults", "spam"}
	proposed.Rules = append(slices.Clone(current.Rules), moderation.ModRule{ID: "spam-links",
		When: moderation.Cond{Lexicon: "spam", Shortened: ptr(true)}, Then: moderation.Actions{Delete: true}})

	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	past := []cmkit.Mention{
		{ID: "1", Text: "Love it!", CreatedAt: at},
		{ID: "2", Text: "Free followers, click here bit.ly/3fRe3", CreatedAt: at.Add(time.Minute)},
		{ID: "3", Text: "You IDIOTS broke it", CreatedAt: at.Add(2 * time.Minute)},
		{ID: "4", Text: "Click here for the manual: acme.com/manual", CreatedAt: at.Add(3 * time.Minute)},
	}
	c, err := moderation.Compare(current, proposed, slices.Values(past))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range c.After.Rules {
		fmt.Printf("%s fired on %d %v\n", r.Rule, r.Fired, r.Examples)
	}
	fmt.Println("deleted:", c.After.Actions["delete"], "untouched:", c.After.Actions["none"])
	for _, ch := range c.Changed {
		fmt.Printf("mention %s: %s -> %s\n", ch.Mention, ch.Before, ch.After)
	}
	// Output:
	// insults fired on 1 [3]
	// spam-links fired on 1 [2]
	// deleted: 1 untouched: 2
	// mention 2: none -> delete
}

// A spam wave gated by links: the wave's memory holds only the mentions
// with a link, so the ordinary comments in between, many more than the
// memory holds, do not push the first copies out of it.
func ExampleWaveCond() {
	clock := cmkittest.NewClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	e, err := moderation.Compile(moderation.RuleSet{Rules: []moderation.ModRule{{
		ID: "wave",
		When: moderation.Cond{Links: &moderation.Range{Min: ptr(1.0)}, Wave: &moderation.WaveCond{
			Within: moderation.Duration(time.Hour), MinCount: 3, MinAuthors: 3}},
		Then: moderation.Actions{Delete: true},
	}}}, moderation.WithWaveMemory(100), moderation.WithClock(clock))
	if err != nil {
		fmt.Println(err)
		return
	}
	spam := "Get 10k real followers today at https://bit.ly/f0ll0w, limited offer"
	var v moderation.Verdict
	for i, author := range []string{"bot1", "bot2", "bot3"} {
		e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: author}, Text: spam})
		fmt.Println(author, v.Summary())
		for k := 0; k < 500 && i < 2; k++ {
			clock.Advance(time.Second)
			e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: fmt.Sprint("fan", k)},
				Text: fmt.Sprintf("order %d arrived today, thank you so much", 500*i+k)})
		}
	}
	// Output:
	// bot1 none
	// bot2 none
	// bot3 delete
}

func ptr[T any](v T) *T { return &v }
