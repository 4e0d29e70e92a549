package listen

import (
	"errors"
	"slices"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/testbudget"
)

// FuzzParse: no query makes the parser panic; an accepted query's
// canonical form parses to the same tree and formats to itself; a
// refused one gets a *QuerySyntaxError whose column is in the query (or
// one past its end).
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`"Reembolso" NEAR/2 "tardío"`, `(acme OR "acme corp") -spam lang:es platform:twitter`,
		`refund* NEAR/0 (late OR tarde)`, `a b OR c AND NOT d`, `--a b`, `channel:"x y" a`, `((a))`,
		`a )`, `(a`, `a NEAR/3 b NEAR/2 c`, `lang:es`, `a*b`, `"unterminated`, `NOT`, "a \xff", `ñandú)`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		defer testbudget.CheckFuzz(t, time.Now(), q)
		e, err := parse(q, "")
		if err != nil {
			var se *QuerySyntaxError
			if !errors.As(err, &se) || !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("%q: error %v is not a syntax error", q, err)
			}
			if se.Column < 1 || se.Column > utf8.RuneCountInString(q)+1 {
				t.Fatalf("%q: column %d out of range", q, se.Column)
			}
			return
		}
		canon := e.String()
		again, err := parse(canon, "")
		if err != nil {
			t.Fatalf("%q: canonical %q does not parse: %v", q, canon, err)
		}
		if sexpr(again) != sexpr(e) {
			t.Fatalf("%q: tree %s, canonical %q parses to %s", q, sexpr(e), canon, sexpr(again))
		}
		if again.String() != canon {
			t.Fatalf("%q: Format is not idempotent: %q then %q", q, canon, again.String())
		}
	})
}

// FuzzMatch: no query and text make Match panic, and what it reports
// are query indexes in increasing order.
func FuzzMatch(f *testing.F) {
	f.Add(`"Reembolso" NEAR/2 "tardío"`, "el REEMBOLSO fue tardio", "es")
	f.Add(`refund* -spam`, "nonrefundable refunds", "en")
	f.Add(`(a OR "b c") NEAR/0 #d`, "b c #d a\u200b", "")
	f.Add(`ß NEAR/1 ss*`, "ẞ ss ß\xff", "de")
	f.Fuzz(func(t *testing.T, q, text, lang string) {
		defer testbudget.CheckFuzz(t, time.Now(), q+text)
		qs := []SavedQuery{{ID: "fuzz", Query: q}, {ID: "fixed", Query: `(acme OR reembolso*) NEAR/1 tard*`}}
		l, err := Compile(qs, WithChannels(func(string) cmkit.Platform { return cmkit.X }))
		if err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("%q: %v", q, err)
			}
			return
		}
		var m Matches
		for range 2 {
			l.Match(&m, cmkit.Mention{Text: text, Language: lang, ChannelID: "c"})
			if !slices.IsSorted(m.Queries) || slices.ContainsFunc(m.Queries, func(i int) bool { return i < 0 || i >= len(qs) }) {
				t.Fatalf("%q in %q: %v", q, text, m.Queries)
			}
		}
	})
}
