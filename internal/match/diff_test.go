package match

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/cmkit/cmkit/internal/testbudget"
	"github.com/cmkit/cmkit/internal/textnorm"
	"github.com/stretchr/testify/require"
)

// The differential tests compare Matcher with the frozen reference
// (ref_test.go): the same terms, the same texts, the same matches in the
// same order.

// diffPair is a Matcher and the reference compiled from the same terms.
type diffPair struct {
	name string
	m    *Matcher
	r    *refMatcher
}

func newDiffPair(t testing.TB, name string, terms []Term, opts textnorm.Options, budget int64) diffPair {
	t.Helper()
	m, err := compileBudget(terms, opts, budget)
	if err != nil {
		t.Fatal(err)
	}
	r, err := refCompileBudget(terms, opts, budget)
	if budget == denseBudget {
		r, err = refCompile(terms, opts)
	}
	if err != nil {
		t.Fatal(err)
	}
	return diffPair{name, m, r}
}

// diff finds text with both and returns the first difference, or "".
func (p diffPair) diff(buf, rbuf *textnorm.Buffer, text string) string {
	got := p.m.Find(nil, buf, text)
	want := p.r.Find(nil, rbuf, text)
	if len(got) != len(want) {
		return fmt.Sprintf("%d matches %+v, want %d %+v", len(got), got, len(want), want)
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Sprintf("match %d: %+v, want %+v (all: %+v)", i, got[i], want[i], want)
		}
	}
	// Scan of a buffer normalized once answers the same; so does Find
	// appending to a slice that holds matches already.
	again := p.m.Scan([]Match{{ID: -99}}, buf)
	if len(again) != len(want)+1 || again[0].ID != -99 {
		return fmt.Sprintf("Scan after a match: %+v", again)
	}
	for i := range want {
		if again[i+1] != want[i] {
			return fmt.Sprintf("Scan after a match, match %d: %+v, want %+v", i, again[i+1], want[i])
		}
	}
	return ""
}

// diffPieces are pieces of adversarial text (see textnorm's diff_test.go
// for the full set).
var diffPieces = []string{
	"a", "b", "i", "l", "o", "s", "e", "t", "d", "A", "I", "L", "O", "S", "aaa", "ooo", "ss", "sss", "ll", "ana",
	"0", "1", "3", "4", "5", "7", "11", "2024", "$", "@", "!", " ", " ", " ", "  ", "\t", ".", "-", "_", "·", ",", "?",
	"é", "e\u0301", "ñ", "ó", "ł", "Ł", "ż", "ś", "ć", "ß", "İ", "ı", "ﬁ", "ｉ", "Ｉ", "𝐢", "і", "о", "Ι", "\u200b",
	"\u00ad", "\ufe0f", "👍🏽", "日", "\x00", "\xff", "\xc3", "idiota", "głupi", "estafa", "hell", "he11", "1d10t4",
	"i.d.i.o.t.a", "es-ta-fa", "i-dio-ta", "pu-ta", "gówno", "perro", "pero", "lluvia", "class", "mañana", "zaż",
	"ka", "ro", "mi", "ña", "ło", "ży", "ść", "ęk", "ół", "ją", "pri", "stra", "glo", "wer", "fen",
}

func randomDiffText(rng *rand.Rand, max int) string {
	var sb strings.Builder
	last := ""
	for n := rng.Intn(max + 1); n > 0; n-- {
		p := diffPieces[rng.Intn(len(diffPieces))]
		switch rng.Intn(6) {
		case 0:
			if last != "" {
				p = last
			}
		case 1:
			p = vocabulary[rng.Intn(len(vocabulary))]
		case 2:
			p = strings.ToUpper(p)
		}
		sb.WriteString(p)
		last = p
	}
	return sb.String()
}

// diffPairs are the term lists and options the tests compare on: the
// moderation benchmark's, the evasion table's and short lists of
// adversarial terms, each with a dense table and with a sparse one.
func diffPairs(t testing.TB) []diffPair {
	moderation := append(benchTerms(10000), Term{ID: -1, Text: "idiota", WholeWord: true}, Term{ID: -2, Text: "estafa", WholeWord: true},
		Term{ID: -3, Text: "hell", WholeWord: true}, Term{ID: -4, Text: "głupi", WholeWord: true})
	small := []Term{{ID: 0, Text: "a"}, {ID: 1, Text: "ab"}, {ID: 2, Text: "bab"}, {ID: 3, Text: "abab", WholeWord: true},
		{ID: 4, Text: "ñ"}, {ID: 5, Text: "zaż"}, {ID: 6, Text: "b a"}, {ID: 7, Text: "aaa"}, {ID: 8, Text: "s"}, {ID: 9, Text: "ss", WholeWord: true},
		{ID: 10, Text: "l"}, {ID: 11, Text: "il", WholeWord: true}, {ID: 12, Text: "ana", WholeWord: true}, {ID: 13, Text: "i"}}
	rng := rand.New(rand.NewSource(77))
	var random []Term
	for len(random) < 300 {
		s := strings.Trim(randomDiffText(rng, 3), " ")
		if n := textnorm.New(allOn).String(s); strings.Trim(n, " ") == "" || len(s) > 1000 {
			continue
		}
		if textnorm.New(textnorm.Options{}).String(s) == "" || strings.Trim(textnorm.New(textnorm.Options{}).String(s), " ") == "" {
			continue
		}
		random = append(random, Term{ID: len(random), Text: s, WholeWord: rng.Intn(2) == 0})
	}
	var out []diffPair
	for _, l := range []struct {
		name  string
		terms []Term
		opts  []textnorm.Options
	}{
		{"moderation", moderation, []textnorm.Options{allOn}},
		{"evasion", evasionTerms, []textnorm.Options{allOn, tricks, {}}},
		{"small", small, []textnorm.Options{allOn, {}}},
		{"random", random, []textnorm.Options{allOn, tricks, {}, {Leet: true}, {CollapseRepeats: true}, {JoinSyllables: true}}},
	} {
		for _, o := range l.opts {
			out = append(out, newDiffPair(t, fmt.Sprintf("%s %+v dense", l.name, o), l.terms, o, denseBudget))
			out = append(out, newDiffPair(t, fmt.Sprintf("%s %+v sparse", l.name, o), l.terms, o, 1+int64(len(l.terms))))
		}
	}
	return out
}

// diffTexts are the texts the tests compare on but the random ones: under
// the race detector, with an eighth of the mentions.
func diffTexts() []string {
	n := 1024
	if testbudget.Race {
		n = 128
	}
	var out []string
	out = append(out, mentions(n)...)
	out = append(out, benchText(1<<12), benchText(300), benchText(2100), strings.Repeat("abc", 700), strings.Repeat("b c cab ", 400))
	out = append(out, diffPieces...)
	// Texts of a post's length with more matches than the buffers of the
	// interleaved scans hold, in each half and across the middle.
	for _, n := range []int{60, 64, 70, 100, 127, 128, 129, 200, 255, 256, 257, 300} {
		out = append(out, strings.Repeat("a", n), strings.Repeat("ab ", n/3), strings.Repeat("x", n/2)+strings.Repeat("ba", n/4),
			strings.Repeat("b a ", n/4), strings.Repeat("x", n/2-3)+"abab"+strings.Repeat("y", n/2))
	}
	for _, tc := range []string{"eres un IDIOTA.", "eres un ídiota", "eres un i\u0301diota", "eres un 1d10t4!", "eres un i.d.i.o.t.a",
		"eres un id\u200biota", "ＩＤＩＯＴＡ", "eres un іdiota", "ty głupi", "TY GŁUPI", "ty glupi i GLUPI", "es una es-ta-fa!",
		"eres un i-dio-ta", "ES.TÁ.FA", "es_taaaa_fa", "go to he11", "go to hel1", "eres un idiiiiota", "GÓÓÓWNO", "gooowno",
		"a class act", "asss", "ass", "perrrro pero perro", "hi-ja-de-pu-ta", "pu-tas", "es-ta-fa-dor", "e-mail", "mañana Ana",
		"Straße ss", "aaaa", "ushers", "x\u0301y\u200b", "es-ta-fa he11 asss perrrro i-dio-ta", "a-b a.b", "zażółć zaz", "ñañaña"} {
		out = append(out, tc, strings.ToUpper(tc), "x "+tc+" y")
	}
	return out
}

func TestFindAgreesWithReference(t *testing.T) {
	var buf, rbuf textnorm.Buffer
	texts := diffTexts()
	for _, p := range diffPairs(t) {
		for _, s := range texts {
			if d := p.diff(&buf, &rbuf, s); d != "" {
				t.Fatalf("%s, %q: %s", p.name, s, d)
			}
		}
		rng := rand.New(rand.NewSource(3))
		rounds := 1500
		if testing.Short() {
			rounds = 200
		}
		if testbudget.Race {
			rounds /= 10
		}
		for k := 0; k < rounds; k++ {
			s := randomDiffText(rng, 1+k%80)
			if d := p.diff(&buf, &rbuf, s); d != "" {
				t.Fatalf("%s, %q: %s", p.name, s, d)
			}
		}
	}
}

// FuzzFindAgainstReference: for any list of terms, options and text,
// Matcher finds what the reference finds.
func FuzzFindAgainstReference(f *testing.F) {
	f.Add("idiota,głupi,ana", "Eres un ÍDIOTA y GŁUPI, mañana Ana", uint8(15), false)
	f.Add("s,ss,ß", "Straße ss", uint8(0), true)
	f.Add("a,aa,aaa", "aaaa", uint8(2), false)
	f.Add("he,she,hers", "ushers", uint8(0), false)
	f.Add("estafa,hell,ass,pero,perro", "es-ta-fa he11 asss perrrro i-dio-ta", uint8(15), false)
	f.Add("a-b,ab,puta", "a-b a.b hi-ja-de-pu-ta", uint8(15), true)
	for _, s := range mentions(8) {
		f.Add("idiota,estafa,hell,głupi,się,mañana", s, uint8(15), false)
	}
	f.Fuzz(func(t *testing.T, list, text string, o uint8, sparse bool) {
		opts := textnorm.Options{Leet: o&1 != 0, CollapseRepeats: o&2 != 0, JoinSeparated: o&4 != 0, JoinSyllables: o&8 != 0}
		var terms []Term
		for i, s := range strings.Split(list, ",") {
			n := textnorm.New(opts).String(s)
			if len(s) > 1000 || strings.Trim(n, " ") == "" {
				continue
			}
			terms = append(terms, Term{ID: i, Text: s, WholeWord: o&16 != 0 || i%2 == 1})
		}
		if len(terms) == 0 {
			return
		}
		budget := int64(denseBudget)
		if sparse {
			budget = 2
		}
		p := newDiffPair(t, "fuzz", terms, opts, budget)
		var buf, rbuf textnorm.Buffer
		if d := p.diff(&buf, &rbuf, text); d != "" {
			t.Fatalf("%q in %q: %s", list, text, d)
		}
	})
}

// TestCrossSaturated: with the depths in the table saturated at 2 (as
// they are, at 127 or more, in a table of 2^25 entries), the scan of a
// part still goes on past its border for as long as needed.
func TestCrossSaturated(t *testing.T) {
	depthCap = 2
	defer func() { depthCap = 1 << 31 }()
	moderation := append(benchTerms(2000), Term{ID: -1, Text: "idiota", WholeWord: true}, Term{ID: -3, Text: "hell", WholeWord: true})
	long := []Term{{ID: 1, Text: strings.Repeat("ab", 40)}, {ID: 2, Text: "b" + strings.Repeat("a", 70) + "c"}, {ID: 3, Text: "aaa"}}
	var buf, rbuf textnorm.Buffer
	for _, p := range []diffPair{
		newDiffPair(t, "moderation", moderation, allOn, denseBudget),
		newDiffPair(t, "long", long, textnorm.Options{}, denseBudget),
	} {
		require.Equal(t, uint(2), p.m.maxDepth)
		texts := append(diffTexts(), strings.Repeat("ab", 100), strings.Repeat("ab", 33)+strings.Repeat("ab", 60),
			"b"+strings.Repeat("a", 70)+"c"+strings.Repeat("x", 100), strings.Repeat("x", 20)+"b"+strings.Repeat("a", 70)+"c"+strings.Repeat("x", 40))
		for _, s := range texts {
			if d := p.diff(&buf, &rbuf, s); d != "" {
				t.Fatalf("%s, %q: %s", p.name, s, d)
			}
		}
	}
}
