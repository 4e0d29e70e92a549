package listen

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
)

// The sieve turns a query away only when a term it cannot match without
// is missing: queries whose needs are spread over OR branches, NEAR sides
// and NOTs still match exactly when their programs say so.
func TestSieveRejectsOnlyWhatCannotMatch(t *testing.T) {
	for _, tt := range []struct {
		query, text string
		want        bool
	}{
		{`(alpha beta) OR gamma`, "gamma only", true},
		{`(alpha beta) OR gamma`, "alpha and beta", true},
		{`(alpha beta) OR gamma`, "alpha alone", false},
		{`(alpha beta) OR (gamma delta)`, "beta delta", false},
		{`(alpha beta) OR (gamma delta)`, "delta then gamma", true},
		{`(alpha OR beta) NEAR/2 (gamma OR delta)`, "beta x delta", true},
		{`(alpha OR beta) NEAR/2 (gamma OR delta)`, "beta x y z delta", false},
		{`alpha -beta`, "alpha", true},
		{`alpha -beta`, "alpha beta", false},
		{`alpha OR -beta`, "gamma", false}, // refused: it matches without a term
		{`(alpha lang:es) OR beta`, "beta", true},
		{`((alpha OR beta) gamma) OR (delta (epsilon OR alpha))`, "alpha delta", true},
		{`((alpha OR beta) gamma) OR (delta (epsilon OR alpha))`, "beta epsilon", false},
		{`"alpha beta" OR gamma*`, "gammas", true},
	} {
		l, err := Compile([]SavedQuery{{ID: "q", Query: tt.query}})
		if err != nil {
			// A query that can match without any term is refused at
			// compile time; the sieve never sees it.
			require.ErrorIs(t, err, cmkit.ErrInvalid, tt.query)
			continue
		}
		var got Matches
		l.Match(&got, cmkit.Mention{Text: tt.text, Language: "es"})
		assert.Equal(t, tt.want, len(got.Queries) == 1, "%s on %q", tt.query, tt.text)
	}
}

// With more than 64 terms, terms share the signature's bits: the sieve
// lets more queries through to their programs, never fewer.
func TestSieveWithSharedBits(t *testing.T) {
	var qs []SavedQuery
	for i := range 200 {
		qs = append(qs, SavedQuery{ID: fmt.Sprint("q", i), Query: fmt.Sprintf("w%d w%d", i, i+1)})
	}
	l, err := Compile(qs)
	require.NoError(t, err)
	var got Matches
	for i := range 200 {
		l.Match(&got, cmkit.Mention{Text: fmt.Sprintf("w%d and w%d, also w%d", i, i+1, i+65)})
		// w(i+65) shares a bit with w(i+1), and query i+64 needs
		// w(i+64) and w(i+65): its sieve may pass, its program refuses.
		assert.Equal(t, []int{i}, got.Queries, "text %d", i)
	}
}
