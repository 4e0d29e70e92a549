package listen

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sexpr writes e fully parenthesized, so that a test sees the tree.
func sexpr(e *expr) string {
	switch e.op {
	case opTerm, opPhrase, opLang, opPlatform, opChannel:
		return e.String()
	case opNear:
		return fmt.Sprintf("(NEAR/%d %s %s)", e.n, sexpr(e.kids[0]), sexpr(e.kids[1]))
	}
	name := map[op]string{opNot: "NOT", opAnd: "AND", opOr: "OR"}[e.op]
	parts := []string{name}
	for _, k := range e.kids {
		parts = append(parts, sexpr(k))
	}
	return "(" + strings.Join(parts, " ") + ")"
}

func TestPrecedence(t *testing.T) {
	cases := []struct{ query, tree string }{
		// OR is the loosest, then AND (written or implied), then NEAR,
		// then NOT.
		{"a OR b AND c", "(OR a (AND b c))"},
		{"a AND b OR c", "(OR (AND a b) c)"},
		{"a b OR c", "(OR (AND a b) c)"},
		{"a OR b c", "(OR a (AND b c))"},
		{"NOT a b", "(AND (NOT a) b)"},
		{"a NOT b", "(AND a (NOT b))"},
		{"a AND NOT b OR c", "(OR (AND a (NOT b)) c)"},
		{"a -b", "(AND a (NOT b))"},
		{"a -\"b c\"", `(AND a (NOT "b c"))`},
		{"a -(b OR c)", "(AND a (NOT (OR b c)))"},
		{"--a b", "(AND (NOT (NOT a)) b)"},
		{"NOT NOT a", "(NOT (NOT a))"},
		{"a NEAR/2 b c", "(AND (NEAR/2 a b) c)"},
		{"c a NEAR/2 b", "(AND c (NEAR/2 a b))"},
		{"a OR b NEAR/1 c", "(OR a (NEAR/1 b c))"},
		{"(a OR b) NEAR/3 \"c d\"", `(NEAR/3 (OR a b) "c d")`},
		{"NOT (a NEAR/3 b) c", "(AND (NOT (NEAR/3 a b)) c)"},
		{"NOT (a OR b) c", "(AND (NOT (OR a b)) c)"},
		// Groups of one operator flatten.
		{"a AND b AND c", "(AND a b c)"},
		{"(a b) (c d)", "(AND a b c d)"},
		{"a OR (b OR c)", "(OR a b c)"},
		{"((a))", "a"},
		{"(a OR (b OR c)) NEAR/0 x", "(NEAR/0 (OR a b c) x)"},
		// Operators are upper case; in lower case they are words.
		{"a and b", "(AND a and b)"},
		{"not or", "(AND not or)"},
		{"near/3 a", "(AND near/3 a)"},
		// Filters, wildcards, and a word glued to a phrase or a group.
		{"refund* lang:ES -platform:twitter channel:c-1", "(AND refund* lang:es (NOT platform:x) channel:c-1)"},
		{`channel:"my channel" a`, `(AND channel:"my channel" a)`},
		{`a"b c"(d)`, `(AND a "b c" d)`},
		{"10:30 café-bar l'oréal", "(AND 10:30 café-bar l'oréal)"},
		{"a-b -c", "(AND a-b (NOT c))"},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			e, err := parse(c.query, "")
			require.NoError(t, err)
			assert.Equal(t, c.tree, sexpr(e))
			// The canonical form parses to the same tree.
			again, err := parse(e.String(), "")
			require.NoError(t, err)
			assert.Equal(t, c.tree, sexpr(again))
		})
	}
}

func TestFormat(t *testing.T) {
	cases := []struct{ query, want string }{
		{"  Reembolso   NEAR/2  \"tardío\" ", `Reembolso NEAR/2 "tardío"`},
		{"a b OR c", "a AND b OR c"},
		{"(a OR b) c", "(a OR b) AND c"},
		{"-a b", "NOT a AND b"},
		{"NOT (a b) c", "NOT (a AND b) AND c"},
		{"(a OR b) NEAR/1 (c)", "(a OR b) NEAR/1 c"},
		{"lang:ES platform:Twitter acme", "lang:es AND platform:x AND acme"},
		{"a (b (c OR d))", "a AND b AND (c OR d)"},
	}
	for _, c := range cases {
		got, err := Format(c.query)
		require.NoError(t, err, c.query)
		assert.Equal(t, c.want, got, c.query)
		again, err := Format(got)
		require.NoError(t, err)
		assert.Equal(t, got, again, "Format is idempotent")
	}
}

func TestSyntaxErrorsPointAtTheColumn(t *testing.T) {
	long := strings.Repeat("a", MaxTermLen+1)
	cases := []struct {
		query  string
		column int
		msg    string
	}{
		{"", 1, "empty query"},
		{"   ", 1, "empty query"},
		{"acme OR globex)", 15, `")" without "("`},
		{`"ñandú" )`, 9, `")" without "("`}, // columns count characters, not bytes
		{"(acme OR globex", 1, `"(" without ")"`},
		{"a (b (c)", 3, `"(" without ")"`},
		{"()", 1, "empty parentheses"},
		{"acme AND", 6, "AND needs a term after it"},
		{"acme OR", 6, "OR needs a term after it"},
		{"acme (b OR)", 9, "OR needs a term after it"},
		{"OR acme", 1, "OR needs a term before it"},
		{"AND acme", 1, "AND needs a term before it"},
		{"acme AND OR b", 10, "OR cannot follow AND"},
		{"acme NOT", 6, "NOT needs a term after it"},
		{"NOT AND a", 5, "AND cannot follow NOT"},
		{"acme - b", 6, `"-" must be followed`},
		{"acme -", 6, `"-" must be followed`},
		{"a NEAR b", 3, "NEAR needs a distance"},
		{"a NEAR/x b", 3, "whole number"},
		{"a NEAR/-1 b", 3, "whole number"},
		{"a NEAR/101 b", 3, "the largest distance is 100"},
		{"NEAR/3 b", 1, "NEAR/3 needs a term before it"},
		{"a NEAR/3", 3, "NEAR/3 needs a term after it"},
		{"a NEAR/3 b NEAR/2 c", 12, "NEAR/2 cannot follow NEAR/3"},
		{"NOT a NEAR/3 b", 1, "NEAR/3 joins words and phrases"},
		{"a NEAR/3 (b c)", 10, "NEAR/3 joins words and phrases"},
		{"(a NEAR/1 b) NEAR/3 c", 1, "NEAR/3 joins words and phrases"},
		{"a NEAR/3 (b OR lang:es)", 10, "NEAR/3 joins words and phrases"},
		{`acme "refund`, 6, `'"' without its closing '"'`},
		{`""`, 1, "empty phrase"},
		{"\" \u200b \"", 1, "empty phrase"},
		{`a "!!"`, 3, "a phrase needs a letter or a digit"},
		{"a ¡!", 3, "a term needs a letter or a digit"},
		{"a re*", 3, "at least 3 letters"},
		{"a e-m*", 3, "at least 3 letters"},
		{"a acme-*", 3, "at least 3 letters"},
		{"a ac*me", 5, `"*" is a wildcard only at the end`},
		{"a *acme", 3, `"*" is a wildcard only at the end`},
		{"a langs:es", 3, `unknown filter "langs"`},
		{"a http://acme.com", 3, `unknown filter "http"`},
		{"a lang:spanish", 8, "not a language tag"},
		{"a lang:", 8, "not a language tag"},
		{"a platform:X!", 12, "not a platform name"},
		{"a channel:", 11, "needs a channel ID"},
		{"a " + long, 3, "the limit is 256"},
		{"a \"" + long + "\"", 3, "the limit is 256"},
		{"a " + strings.Repeat("\ufdfa", 40), 3, "normalizes to 1320 bytes; the limit is 1000"}, // regression: was an error of internal/match
		{strings.Repeat("(", MaxDepth+1) + "a" + strings.Repeat(")", MaxDepth+1), MaxDepth + 1, "nested more than 32 levels"},
		{strings.Repeat("NOT ", MaxDepth+1) + "a", 4*MaxDepth + 1, "nested more than 32 levels"},
		{strings.Repeat("a ", MaxQueryLen/2+1), 1, "the limit is 8192"},
		{"a \xff b", 3, "invalid UTF-8"},
		// Queries that could match a mention with none of their terms.
		{"-acme", 1, "without any of its terms"},
		{"NOT acme NOT globex", 1, "without any of its terms"},
		{"lang:es", 1, "without any of its terms"},
		{"acme OR lang:es", 1, "without any of its terms"},
		{"acme OR NOT acme", 1, "without any of its terms"},
		{"NOT (acme AND globex)", 1, "without any of its terms"},
		{"lang:es AND NOT lang:es", 1, "without any of its terms"},
	}
	for _, c := range cases {
		t.Run(c.query[:min(len(c.query), 40)], func(t *testing.T) {
			_, err := Format(c.query)
			require.Error(t, err)
			assert.ErrorIs(t, err, cmkit.ErrInvalid)
			var se *QuerySyntaxError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, c.column, se.Column, err.Error())
			assert.Contains(t, se.Msg, c.msg)
			assert.Equal(t, fmt.Sprintf("listen: column %d: %s", se.Column, se.Msg), err.Error())
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "query", ve.Field)
			assert.Equal(t, "syntax", ve.Rule)
		})
	}
}

func TestQueriesThatNeedATermAreAccepted(t *testing.T) {
	// The absence check refuses only what can match without a term.
	for _, q := range []string{
		"acme -globex", "acme lang:es", "acme OR globex -spam", "NOT NOT acme", "NOT (NOT acme OR lang:es)",
		"(acme OR globex) NEAR/3 refund -lang:en", "acme AND (lang:es OR lang:pl)",
	} {
		_, err := Format(q)
		assert.NoError(t, err, q)
	}
}

func TestLimitsAtTheEdge(t *testing.T) {
	ok := []string{
		"a NEAR/100 b", "a NEAR/0 b",
		strings.Repeat("(", MaxDepth) + "a" + strings.Repeat(")", MaxDepth),
		"a " + strings.Repeat("b", MaxTermLen),
		strings.Repeat("ab ", MaxQueryLen/3-1) + "ab",
		"ref*",
	}
	for _, q := range ok {
		_, err := Format(q)
		assert.NoError(t, err, q[:min(len(q), 40)])
	}
}

func TestSyntaxErrorUnwrapsToValidationError(t *testing.T) {
	err := &QuerySyntaxError{Field: "queries[3].query", Column: 5, Msg: "x"}
	assert.Equal(t, "listen: queries[3].query: column 5: x", err.Error())
	var ve *cmkit.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "queries[3].query", ve.Field)
	assert.Equal(t, "column 5: x", ve.Detail)
}

// TestRegressionTermThatExpandsPastTheMatcherLimit: a term of 40 "ﷺ"
// (120 bytes, under MaxTermLen) normalizes to 1,320 bytes, over what
// internal/match takes; Compile returned the matcher's error, naming
// "terms[0].text", instead of a syntax error naming the query.
func TestRegressionTermThatExpandsPastTheMatcherLimit(t *testing.T) {
	_, err := Compile([]SavedQuery{{ID: "ok", Query: "acme"}, {ID: "long", Query: "acme " + strings.Repeat("\ufdfa", 40)}})
	var se *QuerySyntaxError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, "queries[1].query", se.Field)
	assert.Equal(t, 6, se.Column)
}
