package listen

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The reference evaluator below is deliberately naive: it normalizes the
// text with the same normalizer, splits it on white space
// (strings.Fields), splits each field into words and single punctuation
// characters, and finds every term and phrase by comparing tokens at
// every position; NEAR compares every pair of occurrences. It shares
// nothing with the Listener but the parser and the normalizer.

// refToken is a word or a punctuation character of a normalized text.
type refToken struct {
	text  string
	word  bool
	space bool // white space before it
	idx   int  // for a word, its number among the words
}

func refTokenize(norm string) []refToken {
	var out []refToken
	words := 0
	for _, field := range strings.Fields(norm) {
		first := true
		rs := []rune(field)
		for i := 0; i < len(rs); {
			j := i + 1
			w := isWordRune(rs[i])
			if w {
				for j < len(rs) && isWordRune(rs[j]) {
					j++
				}
			}
			t := refToken{text: string(rs[i:j]), word: w, space: first}
			if w {
				t.idx = words
				words++
			}
			out = append(out, t)
			first = false
			i = j
		}
	}
	return out
}

type refSpan struct{ first, last int }

// refFind returns the word spans of the occurrences of the term or
// phrase e in toks.
func refFind(toks []refToken, e *expr) []refSpan {
	pat := refTokenize(plain.String(e.text))
	var out []refSpan
	for i := 0; i+len(pat) <= len(toks); i++ {
		ok := true
		for k, p := range pat {
			t := toks[i+k]
			if k > 0 && t.space != p.space {
				ok = false
				break
			}
			if e.prefix && k == len(pat)-1 {
				ok = t.word && strings.HasPrefix(t.text, p.text)
			} else {
				ok = t.text == p.text
			}
			if !ok {
				break
			}
		}
		if !ok {
			continue
		}
		s := refSpan{-1, -1}
		for _, t := range toks[i : i+len(pat)] {
			if t.word {
				if s.first < 0 {
					s.first = t.idx
				}
				s.last = t.idx
			}
		}
		out = append(out, s)
	}
	return out
}

type refMention struct {
	toks     []refToken
	lang     string
	channel  string
	platform string
}

func refEval(e *expr, m *refMention) bool {
	switch e.op {
	case opTerm, opPhrase:
		return len(refFind(m.toks, e)) > 0
	case opNot:
		return !refEval(e.kids[0], m)
	case opAnd:
		for _, k := range e.kids {
			if !refEval(k, m) {
				return false
			}
		}
		return true
	case opOr:
		for _, k := range e.kids {
			if refEval(k, m) {
				return true
			}
		}
		return false
	case opNear:
		side := func(x *expr) []refSpan {
			if x.op != opOr {
				return refFind(m.toks, x)
			}
			var all []refSpan
			for _, k := range x.kids {
				all = append(all, refFind(m.toks, k)...)
			}
			return all
		}
		for _, a := range side(e.kids[0]) {
			for _, b := range side(e.kids[1]) {
				if a.last < b.first && b.first-a.last-1 <= e.n || b.last < a.first && a.first-b.last-1 <= e.n {
					return true
				}
			}
		}
		return false
	case opLang:
		tag := strings.ToLower(strings.ReplaceAll(m.lang, "_", "-"))
		return tag == e.text || strings.HasPrefix(tag, e.text+"-")
	case opPlatform:
		return m.platform == e.text
	}
	return m.channel == e.text
}

// Vocabulary of the random texts and queries: brands, products and
// everyday words of English, Spanish and Polish, with accents, case,
// look-alikes and punctuation that the normalizer folds or keeps.
var (
	diffWords = strings.Fields(`acme Acme ACME globex Globex reembolso Reembolso REEMBOLSO tardío tardio TARDÍO
refund refunds refunded nonrefundable late zwrot pieniędzy PIENIEDZY pieniedzy łódź lodz Łódź año ano mañana manana ana
Ana niño café cafe bar café-bar l'oréal #acme @globex spam ok no the el w się iphone15 15 ñandú ｓｐａｍ аcme
prefer preferred zamówienie zamowienie przesyłka acme-corp`)
	diffPunct = []string{",", ".", "!", "?", ":", ")", "…"}
	diffSpace = []string{" ", " ", " ", "  ", "\t", "\n", " \u200b"}
)

func diffText(rng *rand.Rand) string {
	var b strings.Builder
	n := rng.Intn(25)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(diffSpace[rng.Intn(len(diffSpace))])
		}
		if rng.Intn(8) == 0 {
			b.WriteString(diffPunct[rng.Intn(len(diffPunct))])
		}
		b.WriteString(diffWords[rng.Intn(len(diffWords))])
		if rng.Intn(5) == 0 {
			b.WriteString(diffPunct[rng.Intn(len(diffPunct))])
		}
	}
	return b.String()
}

// diffAtom returns a random term, wildcard or phrase.
func diffAtom(rng *rand.Rand) *expr {
	w := diffWords[rng.Intn(len(diffWords))]
	switch rng.Intn(5) {
	case 0:
		return &expr{op: opPhrase, text: w + " " + diffWords[rng.Intn(len(diffWords))]}
	case 1:
		if r := []rune(w); wordRunes(plain.String(w)) > MinPrefix {
			cut := MinPrefix + rng.Intn(len(r)-MinPrefix+1)
			if p := string(r[:cut]); isWordRune(r[cut-1]) && wordRunes(plain.String(p)) >= MinPrefix {
				return &expr{op: opTerm, text: p, prefix: true}
			}
		}
	case 2:
		return &expr{op: opPhrase, text: w}
	}
	if strings.ContainsAny(w, `"()`) || w[0] == '-' {
		return &expr{op: opPhrase, text: w}
	}
	return &expr{op: opTerm, text: w}
}

// diffExpr returns a random query tree of at most depth levels.
func diffExpr(rng *rand.Rand, depth int) *expr {
	if depth == 0 {
		switch rng.Intn(12) {
		case 0:
			return &expr{op: opLang, text: []string{"es", "pl", "en", "es-mx"}[rng.Intn(4)]}
		case 1:
			return &expr{op: opPlatform, text: []string{"x", "mastodon"}[rng.Intn(2)]}
		case 2:
			return &expr{op: opChannel, text: []string{"c1", "c2"}[rng.Intn(2)]}
		}
		return diffAtom(rng)
	}
	switch rng.Intn(6) {
	case 0:
		return &expr{op: opNot, kids: []*expr{diffExpr(rng, depth-1)}}
	case 1, 2:
		e := &expr{op: opAnd}
		for k := 2 + rng.Intn(2); k > 0; k-- {
			e.add(diffExpr(rng, depth-1))
		}
		return e
	case 3, 4:
		e := &expr{op: opOr}
		for k := 2 + rng.Intn(2); k > 0; k-- {
			e.add(diffExpr(rng, depth-1))
		}
		return e
	}
	side := func() *expr {
		if rng.Intn(3) > 0 {
			return diffAtom(rng)
		}
		e := &expr{op: opOr}
		for k := 2 + rng.Intn(2); k > 0; k-- {
			e.add(diffAtom(rng))
		}
		return e
	}
	return &expr{op: opNear, n: rng.Intn(5), kids: []*expr{side(), side()}}
}

// diffQueries returns n random queries that parse, as canonical text.
func diffQueries(rng *rand.Rand, n int) []SavedQuery {
	var qs []SavedQuery
	for len(qs) < n {
		text := diffExpr(rng, 1+rng.Intn(3)).String()
		if _, err := parse(text, ""); err != nil {
			continue
		}
		qs = append(qs, SavedQuery{ID: fmt.Sprint("q", len(qs)), Query: text})
	}
	return qs
}

func TestListenerAgreesWithNaiveReference(t *testing.T) {
	rng := rand.New(rand.NewSource(20260101))
	platforms := map[string]cmkit.Platform{"c1": cmkit.X, "c2": cmkit.Mastodon, "c3": cmkit.Bluesky}
	for round := 0; round < 4; round++ {
		qs := diffQueries(rng, 150)
		l, err := Compile(qs, WithChannels(func(id string) cmkit.Platform { return platforms[id] }))
		require.NoError(t, err)
		trees := make([]*expr, len(qs))
		for i, q := range qs {
			trees[i], err = parse(q.Query, "")
			require.NoError(t, err)
		}
		var got Matches
		matched := 0
		for n := 0; n < 1500; n++ {
			m := cmkit.Mention{Text: diffText(rng), Language: []string{"es", "es-MX", "pl", "en", "", "ES_es"}[rng.Intn(6)],
				ChannelID: []string{"c1", "c2", "c3", "c4"}[rng.Intn(4)]}
			rm := &refMention{toks: refTokenize(plain.String(m.Text)), lang: m.Language, channel: m.ChannelID,
				platform: string(platforms[m.ChannelID])}
			want := []int{}
			for i, e := range trees {
				if refEval(e, rm) {
					want = append(want, i)
				}
			}
			l.Match(&got, m)
			if !assert.Equal(t, want, append([]int{}, got.Queries...), "text %q lang %q channel %q", m.Text, m.Language, m.ChannelID) {
				for _, i := range symmetricDiff(want, got.Queries) {
					t.Logf("query %d: %s", i, qs[i].Query)
				}
				return
			}
			matched += len(want)
		}
		// The corpus exercises the queries: a good share of them match.
		assert.Greater(t, matched, 1500, "round %d", round)
	}
}

func symmetricDiff(a, b []int) []int {
	var out []int
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}
