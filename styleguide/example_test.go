package styleguide_test

import (
	"fmt"
	"strings"

	"github.com/cmkit/cmkit/styleguide"
	"github.com/cmkit/cmkit/styleguide/spell"
)

// A guide written in JSON, compiled and run on a draft.
func Example() {
	layer, err := styleguide.ParseLayer([]byte(`{
	  "name": "acme",
	  "settings": {"person": "we", "address": {"es": "informal"}},
	  "rules": [
	    {"id": "no-cheap", "kind": "banned", "severity": "error", "terms": ["cheap", "barato", "tani"]},
	    {"id": "max-bangs", "kind": "count", "count": "exclamations", "max": 1},
	    {"id": "voice", "kind": "voice"},
	    {"id": "tags", "kind": "hashtags", "camel_case": true}
	  ]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	guide, err := styleguide.Compile([]styleguide.Layer{layer})
	if err != nil {
		fmt.Println(err)
		return
	}
	draft := styleguide.Draft{Text: "¡Usted lo verá! Todo barato!! #ofertasdeverano", Language: "es"}
	for _, a := range guide.Check(nil, draft) {
		fmt.Printf("%d:%d %s %s: %s\n", a.Line, a.Column, a.Severity, a.RuleID, a.Message)
	}
	// Output:
	// 1:2 warning voice: Tuteamos: evita «Usted».
	// 1:22 error no-cheap: Evita «barato».
	// 1:28 warning max-bangs: Signos de exclamación: 3, como máximo 1.
	// 1:31 warning tags: «#ofertasdeverano»: escribe con mayúscula cada palabra de un hashtag de varias palabras, para los lectores de pantalla.
}

// A substitution keeps the case of what it replaces; ApplyFixes applies
// the automatic fixes.
func ExampleApplyFixes() {
	layer, _ := styleguide.ParseLayer([]byte(`{"name": "es", "rules": [
	  {"id": "correo", "kind": "substitution", "scope": {"languages": ["es"]},
	   "replace": [{"avoid": ["email", "e-mail"], "use": "correo", "avoid_gender": "m", "avoid_number": "sg"}]}]}`))
	guide, _ := styleguide.Compile([]styleguide.Layer{layer})
	text := "Email: escríbenos un EMAIL o un e-mail."
	alerts := guide.Check(nil, styleguide.Draft{Text: text, Language: "es"})
	for _, a := range alerts {
		fmt.Printf("%q → %q auto=%v\n", text[a.Start:a.End], a.Fixes[0].Replacement, a.Fixes[0].Auto)
	}
	fixed, _ := styleguide.ApplyFixes(text, alerts)
	fmt.Println(fixed)
	// Output:
	// "Email" → "Correo" auto=true
	// "EMAIL" → "CORREO" auto=true
	// "e-mail" → "correo" auto=true
	// Correo: escríbenos un CORREO o un correo.
}

// A promotion must disclose that it is one.
func Example_disclosure() {
	layer, _ := styleguide.ParseLayer([]byte(`{"name": "legal", "rules": [
	  {"id": "disclosure", "kind": "conditional", "severity": "error",
	   "when": {"campaign_kinds": ["promotion"], "labels": ["sponsored"]},
	   "require": {"terms": ["#ad", "#publi", "#reklama"]}}]}`))
	guide, _ := styleguide.Compile([]styleguide.Layer{layer})
	for _, d := range []styleguide.Draft{
		{Text: "Nowa kolekcja już w sklepie!", Language: "pl", CampaignKind: "promotion"},
		{Text: "Nowa kolekcja już w sklepie! #reklama", Language: "pl", CampaignKind: "promotion"},
	} {
		alerts := guide.Check(nil, d)
		fmt.Println(len(alerts), "alerts")
		for _, a := range alerts {
			fmt.Printf("%s %s: %s (suggested: %q)\n", a.Severity, a.RuleID, a.Message, a.Fixes[0].Replacement)
		}
	}
	// Output:
	// 1 alerts
	// error disclosure: Ten wpis musi zawierać #ad / #publi / #reklama. (suggested: " #ad")
	// 0 alerts
}

// Spelling with a Hunspell dictionary from package spell (here a tiny one
// written inline); the brand's accept list is never flagged.
func ExampleWithSpeller() {
	dict, err := spell.Load(strings.NewReader("SET UTF-8\nTRY esianrtolcdugmphbyfvkwz\n"),
		strings.NewReader("8\nwe\nship\nto\nyour\nhome\nfast\nfree\nshop\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	layer, _ := styleguide.ParseLayer([]byte(`{"name": "en", "settings": {"accept": ["Acme"]},
	  "rules": [{"id": "spelling", "kind": "spelling", "severity": "suggestion"}]}`))
	guide, _ := styleguide.Compile([]styleguide.Layer{layer}, styleguide.WithSpeller("en", dict))
	for _, a := range guide.Check(nil, styleguide.Draft{Text: "Acme: we shpi to your home fast", Language: "en"}) {
		var sugg []string
		for _, f := range a.Fixes {
			sugg = append(sugg, f.Replacement)
		}
		fmt.Printf("%s: %s %v\n", a.RuleID, a.Message, sugg)
	}
	// Output:
	// spelling: “shpi” may be misspelled. [ship shop]
}
