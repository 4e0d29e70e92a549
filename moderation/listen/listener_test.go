package listen

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/testbudget"
	"github.com/cmkit/cmkit/internal/textnorm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// matchOne reports whether query matches m, compiled alone.
func matchOne(t *testing.T, query string, m cmkit.Mention, opts ...Option) bool {
	t.Helper()
	l, err := Compile([]SavedQuery{{ID: "q", Query: query}}, opts...)
	require.NoError(t, err, query)
	var got Matches
	l.Match(&got, m)
	return len(got.Queries) == 1
}

func TestMatchTable(t *testing.T) {
	cases := []struct {
		name, query, text string
		want              bool
	}{
		// NEAR/n: at most n words between, either order, across case and
		// accents.
		{"near accents and case", `"Reembolso" NEAR/2 "tardío"`, "el REEMBOLSO fue tardio", true},
		{"near reversed", `reembolso NEAR/2 tardío`, "Tardío, el reembolso", true},
		{"near too far", `reembolso NEAR/2 tardío`, "el reembolso fue muy, muy tardío", false},
		{"near counts words of any script", `reembolso NEAR/1 tardío`, "reembolso ñandú żółw tardío", false},
		{"near counts words of any script, within", `reembolso NEAR/2 tardío`, "reembolso ñandú żółw tardío", true},
		{"near exactly n between", `reembolso NEAR/3 tardío`, "el reembolso fue muy, muy tardío", true},
		{"near/0 adjacent", `acme NEAR/0 refund`, "refund acme please", true},
		{"near/0 one between", `acme NEAR/0 refund`, "refund my acme", false},
		{"near punctuation is no word", `acme NEAR/0 refund`, "acme -- !! refund", true},
		{"near phrase operand", `"zwrot pieniędzy" NEAR/1 acme`, "ACME: zwrot pieniedzy", true},
		{"near phrase counts its words", `"zwrot pieniędzy" NEAR/0 acme`, "zwrot pieniędzy acme", true},
		{"near needs two occurrences", `acme NEAR/3 acme`, "acme is here", false},
		{"near two occurrences", `acme NEAR/3 acme`, "acme, oh acme", true},
		{"near overlapping occurrences", `"a b" NEAR/1 "b c"`, "a b c", false},
		{"near adjacent occurrences", `"a b" NEAR/0 "b c"`, "a b b c", true},
		{"near OR operand", `(refund OR reembolso) NEAR/1 (late OR tardío)`, "mi reembolso llega tarde, tardío", false},
		{"near OR operand hit", `(refund OR reembolso) NEAR/1 (late OR tardío)`, "reembolso muy tardío", true},
		{"near wildcard", `refund* NEAR/1 late`, "refunds are late", true},
		{"near other occurrence", `acme NEAR/1 refund`, "acme says hi and later acme refund", true},
		// Phrases: the words in order, punctuation as written, any white
		// space.
		{"phrase", `"zwrot pieniędzy"`, "Chcę ZWROT\n  PIENIEDZY!", true},
		{"phrase order", `"zwrot pieniędzy"`, "pieniędzy zwrot", false},
		{"phrase not across punctuation", `"zwrot pieniędzy"`, "zwrot, pieniędzy", false},
		{"phrase with punctuation", `"acme, inc"`, "ACME, Inc.", true},
		{"phrase whole words", `"acme corp"`, "acme corporation", false},
		// Whole words.
		{"ana is not in mañana", `ana`, "hasta mañana", false},
		{"ana not in banana", `ana`, "banana split", false},
		{"ana alone", `ana`, "¡Ana!", true},
		{"hashtag", `acme`, "love #acme", true},
		{"handle", `acme`, "@acme help", true},
		{"possessive", `acme`, "acme's support", true},
		{"inside a word", `acme`, "acmecorp", false},
		{"hyphenated word is words", `acme`, "acme-corp", true},
		{"term with hyphen", `café-bar`, "CAFE-BAR", true},
		{"term with hyphen is not the phrase", `café-bar`, "cafe bar", false},
		{"digits", `iphone15`, "my iPhone15 broke", true},
		{"digits whole", `15`, "iphone15", false},
		// Spanish and Polish: ñ and ł fold to n and l, and missing
		// diacritics match.
		{"ñ", `niño`, "NINO", true},
		{"ñ folds: año is ano", `año`, "ano", true},
		{"ł", `łódź`, "LODZ", true},
		{"polish without diacritics", `"zamówienie przesyłka"`, "zamowienie przesylka", true},
		{"polish upper", `przesyłka`, "PRZESYŁKA", true},
		{"look-alike", `acme`, "аcme", true}, // Cyrillic а
		{"full width", `spam`, "ｓｐａｍ", true},
		{"invisible", `spam`, "sp\u200bam", true},
		{"combining accent", `café`, "cafe\u0301", true},
		// Wildcards: a word that starts so.
		{"wildcard", `refund*`, "two REFUNDS", true},
		{"wildcard exact", `refund*`, "refund", true},
		{"wildcard not inside", `refund*`, "nonrefundable", false},
		{"wildcard not after a letter", `refund*`, "żrefunds", false},
		{"wildcard after punctuation", `refund*`, "¿refunds?", true},
		{"wildcard accents", `reembols*`, "reembolsó", true},
		{"wildcard phrase-like", `acme-co*`, "acme-corp", true},
		// Boolean.
		{"and", `acme refund`, "refund from acme", true},
		{"and missing", `acme refund`, "refund", false},
		{"or", `acme OR globex`, "globex", true},
		{"not", `acme -refund`, "acme refund", false},
		{"not absent", `acme -refund`, "acme rocks", true},
		{"not group", `acme NOT (refund OR late)`, "acme late", false},
		{"double not", `NOT NOT acme`, "acme", true},
		{"precedence", `acme OR globex refund`, "globex", false},
		{"precedence or side", `acme OR globex refund`, "acme", true},
		{"empty text", `acme`, "", false},
		// No evasion folds: digits stay digits.
		{"A1 is not ai", `A1`, "ai", false},
		{"3M is not em", `3M`, "em", false},
		{"S3 is not se", `"galaxy s3"`, "Galaxy SE", false},
		{"A1", `A1`, "the A1 router", true},
		// A quoted URL.
		{"url", `"http://acme.com"`, "see HTTP://ACME.COM now", true},
		// Scripts without spaces read as one word per run.
		{"no spaces between words", `東京`, "東京タワー", false},
		{"no spaces, whole run", `東京`, "東京 タワー", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, matchOne(t, c.query, cmkit.Mention{Text: c.text}), "%s in %q", c.query, c.text)
		})
	}
}

func TestModerationFoldsWouldMergeProductNames(t *testing.T) {
	// What the package doc says of moderation's folds, which listen
	// does not use.
	leet := textnorm.New(textnorm.Options{Leet: true})
	assert.Equal(t, "ai em se", leet.String("A1 3M S3"))
	assert.Equal(t, "a1 3m s3", plain.String("A1 3M S3"))
}

func TestFilters(t *testing.T) {
	platforms := WithChannels(func(id string) cmkit.Platform {
		return map[string]cmkit.Platform{"m1": cmkit.Mastodon, "x1": cmkit.X}[id]
	})
	cases := []struct {
		query, lang, channel string
		want                 bool
	}{
		{"acme lang:es", "es", "", true},
		{"acme lang:es", "ES-mx", "", true},
		{"acme lang:es", "es_ES", "", true},
		{"acme lang:es", "est", "", false},
		{"acme lang:es", "en", "", false},
		{"acme lang:es", "", "", false},
		{"acme lang:es-mx", "es", "", false},
		{"acme lang:es-mx", "es-MX", "", true},
		{"acme -lang:en", "", "", true},
		{"acme platform:mastodon", "", "m1", true},
		{"acme platform:mastodon", "", "x1", false},
		{"acme platform:twitter", "", "x1", true},
		{"acme platform:mastodon", "", "other", false},
		{"acme -platform:x", "", "other", true},
		{"acme channel:m1", "", "m1", true},
		{"acme channel:m1", "", "M1", false},
		{"acme (lang:es OR platform:x)", "pl", "x1", true},
		{"acme (lang:es OR platform:x)", "pl", "m1", false},
	}
	for _, c := range cases {
		m := cmkit.Mention{Text: "ACME!", Language: c.lang, ChannelID: c.channel}
		assert.Equal(t, c.want, matchOne(t, c.query, m, platforms), "%s with lang %q channel %q", c.query, c.lang, c.channel)
	}
	// The platform is asked at most once per mention, and only when a
	// platform: filter is read.
	calls := 0
	l, err := Compile([]SavedQuery{{ID: "a", Query: "acme platform:x"}, {ID: "b", Query: "acme platform:mastodon"}, {ID: "c", Query: "globex"}},
		WithChannels(func(string) cmkit.Platform { calls++; return cmkit.Mastodon }))
	require.NoError(t, err)
	var m Matches
	l.Match(&m, cmkit.Mention{Text: "acme"})
	assert.Equal(t, []int{1}, m.Queries)
	assert.Equal(t, 1, calls)
	l.Match(&m, cmkit.Mention{Text: "globex"})
	assert.Equal(t, 1, calls)
	// Without WithChannels the platform is unknown: platform: never holds.
	assert.False(t, matchOne(t, "acme platform:x", cmkit.Mention{Text: "acme", ChannelID: "x1"}))
	assert.True(t, matchOne(t, "acme -platform:x", cmkit.Mention{Text: "acme", ChannelID: "x1"}))
}

func TestCompileErrorsNameTheQuery(t *testing.T) {
	ok := SavedQuery{ID: "ok", Query: "acme"}
	cases := []struct {
		name  string
		qs    []SavedQuery
		field string
		rule  string
	}{
		{"syntax", []SavedQuery{ok, {ID: "a", Query: "b"}, {ID: "c", Query: "d"}, {ID: "e", Query: "acme )"}}, "queries[3].query", "syntax"},
		{"no id", []SavedQuery{{Query: "acme"}}, "queries[0].id", "required"},
		{"bad id", []SavedQuery{{ID: "a b", Query: "acme"}}, "queries[0].id", "format"},
		{"long id", []SavedQuery{{ID: string(make([]byte, 65)), Query: "acme"}}, "queries[0].id", "max_length"},
		{"duplicate id", []SavedQuery{ok, ok}, "queries[1].id", "duplicate"},
		{"side", []SavedQuery{ok, {ID: "x", Query: "y", Side: "ours"}}, "queries[1].side", "unknown"},
		{"name", []SavedQuery{{ID: "x", Query: "y", Name: "\xff"}}, "queries[0].name", "format"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Compile(c.qs)
			require.Error(t, err)
			assert.ErrorIs(t, err, cmkit.ErrInvalid)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, c.field, ve.Field)
			assert.Equal(t, c.rule, ve.Rule)
		})
	}
	_, err := Compile([]SavedQuery{ok, {ID: "a", Query: "b"}, {ID: "c", Query: "d"}, {ID: "e", Query: "acme OR globex)"}})
	assert.EqualError(t, err, `listen: queries[3].query: column 15: ")" without "("`)
	_, err = Compile([]SavedQuery{ok}, WithChannels(nil))
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}

func TestListenerAccessors(t *testing.T) {
	qs := []SavedQuery{{ID: "acme", Name: "Acme", Query: "acme", Side: SideBrand}, {ID: "globex", Query: "globex", Side: SideCompetitor}}
	l, err := Compile(qs)
	require.NoError(t, err)
	qs[0].Query = "changed" // Compile kept a copy
	assert.Equal(t, 2, l.Len())
	assert.Equal(t, SavedQuery{ID: "acme", Name: "Acme", Query: "acme", Side: SideBrand}, l.Query(0))
	i, ok := l.Index("globex")
	assert.True(t, ok)
	assert.Equal(t, 1, i)
	_, ok = l.Index("initech")
	assert.False(t, ok)
}

func TestMatchReportsQueriesInOrderAndResets(t *testing.T) {
	l, err := Compile([]SavedQuery{
		{ID: "a", Query: "acme"}, {ID: "b", Query: "globex"}, {ID: "c", Query: "acme OR globex"},
		{ID: "d", Query: `acme NEAR/1 globex`}, {ID: "e", Query: "acme -globex"},
	})
	require.NoError(t, err)
	var m Matches
	l.Match(&m, cmkit.Mention{Text: "globex and acme"})
	assert.Equal(t, []int{0, 1, 2, 3}, m.Queries)
	l.Match(&m, cmkit.Mention{Text: "acme only"})
	assert.Equal(t, []int{0, 2, 4}, m.Queries)
	l.Match(&m, cmkit.Mention{Text: "nothing here"})
	assert.Empty(t, m.Queries)
	// The same Matches works with another Listener.
	l2, err := Compile(nil)
	require.NoError(t, err)
	assert.Equal(t, 0, l2.Len())
	l2.Match(&m, cmkit.Mention{Text: "acme"})
	assert.Empty(t, m.Queries)
	l.Match(&m, cmkit.Mention{Text: "acme globex"})
	assert.Equal(t, []int{0, 1, 2, 3}, m.Queries)
}

func TestMatchAllocatesNothing(t *testing.T) {
	l, err := Compile(benchQueries(500), WithChannels(func(string) cmkit.Platform { return cmkit.Mastodon }))
	require.NoError(t, err)
	ms := benchMentions(64)
	var m Matches
	i := 0
	testbudget.NoAllocs(t, 1000, func() {
		l.Match(&m, ms[i%len(ms)])
		i++
	})
}

func TestMatchConcurrently(t *testing.T) {
	l, err := Compile(benchQueries(200), WithChannels(func(string) cmkit.Platform { return cmkit.X }))
	require.NoError(t, err)
	ms := benchMentions(300)
	want := make([][]int, len(ms))
	var m Matches
	total := 0
	for i, x := range ms {
		l.Match(&m, x)
		want[i] = append([]int{}, m.Queries...)
		total += len(m.Queries)
	}
	require.Greater(t, total, len(ms)/2)
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var m Matches
			for k := range ms {
				i := (k*7 + g*31) % len(ms)
				l.Match(&m, ms[i])
				if fmt.Sprint(m.Queries) != fmt.Sprint(want[i]) {
					errs <- fmt.Sprintf("goroutine %d, mention %d: %v, want %v", g, i, m.Queries, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestProgramsAgreeWithTheFormula runs queries whose programs nest ANDs,
// ORs and NOTs (jumps out of one operator landing on the jumps of
// another, threaded at compile time) on every combination of their five
// words, against the formula written in Go.
func TestProgramsAgreeWithTheFormula(t *testing.T) {
	cases := []struct {
		query string
		want  func(a, b, c, d, e bool) bool
	}{
		{"(a OR b) (c OR d) -e", func(a, b, c, d, e bool) bool { return (a || b) && (c || d) && !e }},
		{"a b OR c d OR e", func(a, b, c, d, e bool) bool { return a && b || c && d || e }},
		{"(a OR b c) NOT (d OR NOT e)", func(a, b, c, d, e bool) bool { return (a || b && c) && !(d || !e) }},
		{"((a OR b) c OR d) (e OR a)", func(a, b, c, d, e bool) bool { return ((a || b) && c || d) && (e || a) }},
		{"NOT (a b) (c OR NOT (d OR e)) (a OR e)", func(a, b, c, d, e bool) bool { return !(a && b) && (c || !(d || e)) && (a || e) }},
		{"a OR (b (c OR (d -e)))", func(a, b, c, d, e bool) bool { return a || b && (c || d && !e) }},
	}
	words := []string{"a", "b", "c", "d", "e"}
	for _, c := range cases {
		l, err := Compile([]SavedQuery{{ID: "q", Query: c.query}})
		require.NoError(t, err)
		var m Matches
		for set := 0; set < 32; set++ {
			var text []string
			has := make([]bool, 5)
			for k := range words {
				if set&(1<<k) != 0 {
					text = append(text, words[k])
					has[k] = true
				}
			}
			l.Match(&m, cmkit.Mention{Text: fmt.Sprint(text)})
			assert.Equal(t, c.want(has[0], has[1], has[2], has[3], has[4]), len(m.Queries) == 1, "%s with %v", c.query, text)
		}
	}
}

// TestTriggersPickTheOperandFewerQueriesUse: a query is evaluated only
// when one of its trigger terms is found; for an AND, the operand whose
// terms the fewest queries need.
func TestTriggersPickTheOperandFewerQueriesUse(t *testing.T) {
	l, err := Compile([]SavedQuery{
		{ID: "brand", Query: "acme"},
		{ID: "refunds", Query: "acme (refund OR reembolso)"},
		{ID: "late", Query: "acme NEAR/3 late"},
		{ID: "negated", Query: "acme -refund"},
		{ID: "either", Query: "(acme refund) OR late"},
	})
	require.NoError(t, err)
	triggers := func(q int) []string {
		var out []string
		for a := range l.prefix {
			for _, x := range l.atomQ[l.atomQAt[a]:l.atomQAt[a+1]] {
				if int(x) == q {
					out = append(out, l.texts[a])
				}
			}
		}
		return out
	}
	assert.Equal(t, []string{"acme"}, triggers(0))
	assert.Equal(t, []string{"refund", "reembolso"}, triggers(1))
	assert.Equal(t, []string{"late"}, triggers(2))
	assert.Equal(t, []string{"acme"}, triggers(3), "a NOT is no trigger")
	assert.ElementsMatch(t, []string{"refund", "late"}, triggers(4))
	assert.Equal(t, []bool{true, false, false, false, false}, l.direct)
}

// TestLangIsBytewise checks langIs, which compares bytes, against the
// definition it replaced, strings.EqualFold on the tag's prefix.
func TestLangIsBytewise(t *testing.T) {
	ref := func(tag, lang string) bool {
		return len(tag) >= len(lang) && strings.EqualFold(tag[:len(lang)], lang) &&
			(len(tag) == len(lang) || tag[len(lang)] == '-' || tag[len(lang)] == '_')
	}
	tags := []string{"", "e", "es", "ES", "Es-MX", "es_mx", "esp", "es-", "pl", "\u212a", "\u212ay", "k",
		"\u017fv", "sv", "SV-fi", "zh-hant", "ZH-HANT-tw", "e\xe2", "\xc5\xbf", "es\x00", "@s", "`s"}
	langs := []string{"es", "es-mx", "k", "ky", "sv", "zh-hant", "pl", "e"}
	for _, tag := range tags {
		for _, lang := range langs {
			assert.Equal(t, ref(tag, lang), langIs(tag, lang), "langIs(%q, %q)", tag, lang)
		}
	}
}
