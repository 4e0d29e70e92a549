package listen

import (
	"fmt"
	"testing"

	"github.com/cmkit/cmkit"
)

func TestSmoke(t *testing.T) {
	qs := []SavedQuery{
		{ID: "a", Query: `"Reembolso" NEAR/2 "tardío"`},
		{ID: "b", Query: `ana`},
		{ID: "c", Query: `refund* -spam lang:en`},
		{ID: "d", Query: `(acme OR "acme corp") NOT (competitor OR rival)`},
	}
	l, err := Compile(qs)
	if err != nil {
		t.Fatal(err)
	}
	var m Matches
	for _, txt := range []string{"el REEMBOLSO fue tardio", "mañana", "Ana dijo", "refunded yes", "nonrefundable", "ACME corp rocks", "acme rival"} {
		l.Match(&m, cmkit.Mention{Text: txt, Language: "en"})
		fmt.Println(txt, m.Queries)
	}
	for _, q := range []string{"a b OR c", "a OR b c", "NOT a b", "a NEAR/3 (b OR c) d", "(a OR (b OR c)) NEAR/0 \"x y\"", "-a", "a )", "(a", "a AND", "OR a", "a NEAR b", "lang:es", "a OR lang:es", "lang:ES platform:twitter a", "re*", "a*b", "x:y", "channel:\"a b\" a", "()", "\"\"", "NOT a NEAR/3 b", "a NEAR/3 b NEAR/3 c", "a - b", "café-bar l'oréal"} {
		s, err := Format(q)
		fmt.Printf("%-40q -> %q %v\n", q, s, err)
	}
}
