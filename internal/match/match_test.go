package match

import (
	"errors"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/textnorm"
)

var tricks = textnorm.Options{Leet: true, CollapseRepeats: true, JoinSeparated: true}

// allOn is every option.
var allOn = textnorm.Options{Leet: true, CollapseRepeats: true, JoinSeparated: true, JoinSyllables: true}

// loose folds what a match may differ from its term in: an "l" read from
// a "1" (written "i"), a double read from a run of three or more (written
// once), and the separators of joined syllables.
func loose(s string) string {
	var b []rune
	for _, r := range s {
		if r == 'l' {
			r = 'i'
		}
		if strings.ContainsRune(".-_*/|+~:·", r) {
			continue
		}
		if len(b) > 0 && b[len(b)-1] == r && unicode.IsLetter(r) {
			continue
		}
		b = append(b, r)
	}
	return string(b)
}

type hit struct {
	ID   int
	Text string
}

func find(t *testing.T, m *Matcher, text string) []hit {
	t.Helper()
	var buf textnorm.Buffer
	var out []hit
	for _, x := range m.Find(nil, &buf, text) {
		require.True(t, x.Start >= 0 && x.Start < x.End && x.End <= len(text), "%+v in %q", x, text)
		out = append(out, hit{x.ID, text[x.Start:x.End]})
	}
	return out
}

func TestFindTricks(t *testing.T) {
	m, err := Compile([]Term{
		{ID: 1, Text: "idiota", WholeWord: true},
		{ID: 2, Text: "idiot", WholeWord: true},
		{ID: 3, Text: "głupi", WholeWord: true},
		{ID: 4, Text: "spam", WholeWord: true},
	}, tricks)
	require.NoError(t, err)
	tests := []struct {
		in   string
		want []hit
	}{
		{"Eres un IDIOTA.", []hit{{1, "IDIOTA"}}},
		{"eres un ídiota", []hit{{1, "ídiota"}}},
		{"eres un i\u0301diota", []hit{{1, "i\u0301diota"}}},
		{"eres un 1d10t4!", []hit{{1, "1d10t4"}}},
		{"eres un i.d.i.o.t.a", []hit{{1, "i.d.i.o.t.a"}}},
		{"eres un id\u200biota", []hit{{1, "id\u200biota"}}},
		{"you іdiot", []hit{{2, "іdiot"}}}, // Cyrillic і
		{"you IDIOOOOT", []hit{{2, "IDIOOOOT"}}},
		{"ty głupi", []hit{{3, "głupi"}}},
		{"TY GLUPI!", []hit{{3, "GLUPI"}}},
		{"TY GŁUPI", []hit{{3, "GŁUPI"}}},
		{"no s.p.a.m here", []hit{{4, "s.p.a.m"}}},
		{"idiotas e idiotez", nil},
		{"ｉｄｉｏｔａ", []hit{{1, "ｉｄｉｏｔａ"}}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, find(t, m, tc.in))
		})
	}
}

func TestWholeWord(t *testing.T) {
	m, err := Compile([]Term{
		{ID: 1, Text: "ana", WholeWord: true},
		{ID: 2, Text: "ass", WholeWord: true},
		{ID: 3, Text: "ass"},
		{ID: 4, Text: "c++", WholeWord: true},
		{ID: 5, Text: "Nueva York", WholeWord: true},
	}, textnorm.Options{})
	require.NoError(t, err)
	tests := []struct {
		in   string
		want []hit
	}{
		{"mañana", nil},
		{"Ana y mañana", []hit{{1, "Ana"}}},
		{"a class act", []hit{{3, "ass"}}},
		{"ass.", []hit{{2, "ass"}, {3, "ass"}}},
		{"c++, c+++", []hit{{4, "c++"}, {4, "c++"}}},
		{"viaje a NUEVA   YORK!", []hit{{5, "NUEVA   YORK"}}},
		{"nuevayork", nil},
		{"ana\u0301", []hit{{1, "ana\u0301"}}}, // the accent belongs to the last a
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			assert.Equal(t, tc.want, find(t, m, tc.in))
		})
	}
}

func TestOverlapsAndSharedIDs(t *testing.T) {
	m, err := Compile([]Term{{ID: 1, Text: "he"}, {ID: 2, Text: "she"}, {ID: 3, Text: "hers"}, {ID: 4, Text: "his"}, {ID: 1, Text: "HE"}}, textnorm.Options{})
	require.NoError(t, err)
	assert.Equal(t, []hit{{2, "she"}, {1, "he"}, {1, "he"}, {3, "hers"}}, find(t, m, "ushers"))
}

func TestSharp(t *testing.T) {
	m, err := Compile([]Term{{ID: 1, Text: "s"}, {ID: 2, Text: "strasse"}}, textnorm.Options{})
	require.NoError(t, err)
	assert.Equal(t, []hit{{2, "Straße"}, {1, "S"}}[1:], find(t, m, "Straße")[:1], "no s inside ß")
}

func TestCompileErrors(t *testing.T) {
	for i, terms := range [][]Term{
		{{ID: 1, Text: "ok"}, {ID: 2, Text: " \u200b "}},
		{{ID: 1, Text: ""}},
		{{ID: 1, Text: strings.Repeat("a", 1001)}},
	} {
		_, err := Compile(terms, textnorm.Options{})
		require.Error(t, err, i)
		assert.True(t, errors.Is(err, cmkit.ErrInvalid))
		var ve *cmkit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Contains(t, ve.Field, "terms[")
	}
	m, err := Compile(nil, textnorm.Options{})
	require.NoError(t, err)
	assert.Empty(t, find(t, m, "anything"))
}

// naive finds the terms in the normalized text by brute force.
func naive(m *Matcher, buf *textnorm.Buffer, normed []string) []Match {
	var out []Match
	text := string(buf.Text)
	for end := 1; end <= len(text); end++ {
		for ti, s := range normed {
			start := end - len(s)
			if start < 0 || text[start:end] != s {
				continue
			}
			t := m.terms[ti]
			one := &Matcher{terms: []term{t}, outStart: []int32{0, 0, 1}, outTerms: []int32{0}, dict: []int32{-1, -1}}
			out = one.report(out, buf, 1, end)
		}
	}
	return out
}

func TestAgainstBruteForce(t *testing.T) {
	terms := []Term{{ID: 0, Text: "a"}, {ID: 1, Text: "ab"}, {ID: 2, Text: "bab"}, {ID: 3, Text: "abab", WholeWord: true},
		{ID: 4, Text: "ñ"}, {ID: 5, Text: "zaż"}, {ID: 6, Text: "b a"}, {ID: 7, Text: "aaa"}}
	texts := []string{"abababab", "bab abab ab a", "zażółć zaz", "aaaa aa", "ñañaña", ""}
	for _, dense := range []bool{true, false} {
		m, err := Compile(terms, textnorm.Options{})
		require.NoError(t, err)
		if !dense {
			m = forceSparse(t, terms)
		}
		var normed []string
		for _, tt := range terms {
			normed = append(normed, m.norm.String(tt.Text))
		}
		for _, text := range texts {
			var buf textnorm.Buffer
			got := m.Find(nil, &buf, text)
			want := naive(m, &buf, normed)
			sortMatches(got)
			sortMatches(want)
			assert.Equal(t, want, got, "dense=%v %q", dense, text)
		}
	}
}

func sortMatches(ms []Match) {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].NormEnd != ms[j].NormEnd {
			return ms[i].NormEnd < ms[j].NormEnd
		}
		return ms[i].ID < ms[j].ID
	})
}

// forceSparse compiles terms with a dense table of one state only.
func forceSparse(t *testing.T, terms []Term) *Matcher {
	t.Helper()
	m, err := compileBudget(terms, textnorm.Options{}, 1)
	require.NoError(t, err)
	require.True(t, m.sparse)
	return m
}

func TestConcurrentFind(t *testing.T) {
	m, err := Compile([]Term{{ID: 1, Text: "idiota", WholeWord: true}, {ID: 2, Text: "głupi"}}, tricks)
	require.NoError(t, err)
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf textnorm.Buffer
			dst := make([]Match, 0, 8)
			for i := 0; i < 200; i++ {
				dst = m.Find(dst[:0], &buf, "Ty GŁUPI 1d10t4!")
				if len(dst) != 2 {
					t.Errorf("got %v", dst)
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestFindDoesNotAllocate(t *testing.T) {
	m, err := Compile(benchTerms(2000), tricks)
	require.NoError(t, err)
	text := benchText(1 << 14)
	var buf textnorm.Buffer
	dst := make([]Match, 0, 4096)
	dst = m.Find(dst[:0], &buf, text)
	assert.Zero(t, testing.AllocsPerRun(20, func() { dst = m.Find(dst[:0], &buf, text) }))
}

// FuzzFind: every match lies in the text and, normalized, equals its term
// (terms and texts normalized without context-dependent options); the
// dense and sparse automata agree.
func FuzzFind(f *testing.F) {
	f.Add("idiota,głupi,ana", "Eres un ÍDIOTA y GŁUPI, mañana Ana")
	f.Add("s,ss,ß", "Straße ss")
	f.Add("a,aa,aaa", "aaaa")
	f.Add("he,she,hers", "ushers")
	f.Add("x\u0301,y", "x\u0301y\u200b")
	f.Add("estafa,hell,ass,pero,perro", "es-ta-fa he11 asss perrrro i-dio-ta")
	f.Add("a-b,ab", "a-b a.b")
	f.Fuzz(func(t *testing.T, list, text string) {
		var terms []Term
		byID := map[int]string{}
		for i, s := range strings.Split(list, ",") {
			if textnorm.New(textnorm.Options{}).String(strings.TrimSpace(s)) == "" || len(s) > 1000 {
				continue
			}
			terms = append(terms, Term{ID: i, Text: s, WholeWord: i%2 == 1})
			byID[i] = s
		}
		m, err := Compile(terms, textnorm.Options{})
		if err != nil {
			// Terms normalizing to spaces only are rejected, never a panic.
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatal(err)
			}
			return
		}
		sm, err := compileBudget(terms, textnorm.Options{}, 1)
		if err != nil {
			t.Fatal(err)
		}
		norm := textnorm.New(textnorm.Options{})
		var buf textnorm.Buffer
		got := m.Find(nil, &buf, text)
		for _, x := range got {
			if x.Start < 0 || x.End > len(text) || x.Start >= x.End {
				t.Fatalf("span %+v outside %q", x, text)
			}
			if !utf8.RuneStart(text[x.Start]) || x.End < len(text) && !utf8.RuneStart(text[x.End]) {
				t.Fatalf("span %+v of %q splits a character", x, text)
			}
			want := strings.Trim(norm.String(byID[x.ID]), " ")
			if g := norm.String(text[x.Start:x.End]); g != want {
				t.Fatalf("%q: span %q normalizes to %q, term %q to %q", text, text[x.Start:x.End], g, byID[x.ID], want)
			}
		}
		var buf2 textnorm.Buffer
		if other := sm.Find(nil, &buf2, text); len(other) != len(got) {
			t.Fatalf("dense found %d, sparse %d", len(got), len(other))
		}
		// With every trick on, matches still lie inside the text, in order
		// of their end, and their normalized bytes are the term's but for
		// what a variant may differ in (see loose).
		if mt, err := Compile(terms, allOn); err == nil {
			tn := textnorm.New(allOn)
			var tb textnorm.Buffer
			prev := 0
			for _, x := range mt.Find(nil, &tb, text) {
				if x.Start < 0 || x.End > len(text) || x.Start >= x.End || x.NormEnd < prev {
					t.Fatalf("%q: bad match %+v", text, x)
				}
				if !utf8.RuneStart(text[x.Start]) || x.End < len(text) && !utf8.RuneStart(text[x.End]) {
					t.Fatalf("span %+v of %q splits a character", x, text)
				}
				prev = x.NormEnd
				if got, want := loose(string(tb.Text[x.NormStart:x.NormEnd])), loose(strings.Trim(tn.String(byID[x.ID]), " ")); got != want {
					t.Fatalf("%q: matched %q for term %q (%q)", text, got, byID[x.ID], want)
				}
			}
		}
		// A long text is scanned in interleaved parts: the same matches,
		// in the same order, as one plain scan.
		for _, size := range []int{twoMin, 256, 2048} {
			long := strings.Repeat(text+" ", size/(len(text)+1)+1)
			m.Normalizer().Normalize(&buf, long)
			parts := m.Scan(nil, &buf)
			plain, _ := m.scanRange(nil, &buf, &hits{}, 0, 0, len(buf.Text))
			if len(parts) != len(plain) {
				t.Fatalf("%q: interleaved scan found %d, plain %d", long, len(parts), len(plain))
			}
			for i := range plain {
				if parts[i] != plain[i] {
					t.Fatalf("%q: match %d: interleaved %+v, plain %+v", long, i, parts[i], plain[i])
				}
			}
		}
	})
}

// TestTwoHalves checks the two-chain scan of long texts against a plain
// scan: matches across the middle, and more matches in the second half
// than the pending buffer holds.
func TestTwoHalves(t *testing.T) {
	m, err := Compile([]Term{{ID: 1, Text: "a"}, {ID: 2, Text: "abcabc"}, {ID: 3, Text: "cab", WholeWord: true}, {ID: 4, Text: "b c"}}, textnorm.Options{})
	require.NoError(t, err)
	for _, text := range []string{
		strings.Repeat("abc", 700),
		strings.Repeat("x", 1000) + "abcabc" + strings.Repeat("y", 1000),
		strings.Repeat("xyz ", 300) + strings.Repeat("a", 2000),
		strings.Repeat("b c cab ", 400),
		// Just long enough to be scanned in parts, with matches across
		// their bounds.
		strings.Repeat("abc", 256/3+1),
		strings.Repeat("b c cab ", 256/8+1),
		strings.Repeat("x", 256/2) + "abcabc" + strings.Repeat("y", 256/2),
		strings.Repeat("abc", twoMin/3+1),
		strings.Repeat("b c cab ", twoMin/8+1),
		strings.Repeat("x", twoMin/2-3) + "abcabc" + strings.Repeat("y", twoMin/2),
	} {
		var buf textnorm.Buffer
		m.Normalizer().Normalize(&buf, text)
		got := m.Scan(nil, &buf)
		want, _ := m.scanRange(nil, &buf, &hits{}, 0, 0, len(buf.Text))
		require.Equal(t, len(want), len(got), "%d bytes", len(text))
		for i := range want {
			require.Equal(t, want[i], got[i], "%d bytes, match %d", len(text), i)
		}
		require.NotEmpty(t, got)
	}
}

// FuzzFindInserted: with every option on, a term put into any text between
// spaces and dashes is always found there, whole word or not.
func FuzzFindInserted(f *testing.F) {
	f.Add("idiota", "eres un", 3, false)
	f.Add("he11", "go to hell", 0, true)
	f.Add("assss", "a class act", 2, true)
	f.Add("es-ta-fa", "es ta fa", 5, true)
	f.Add("i.d.i.o.t.a", "x y", 1, true)
	f.Add("góóówno", "mañana", 4, false)
	f.Fuzz(func(t *testing.T, term, text string, at int, whole bool) {
		if len(term) > 1000 || textnorm.New(allOn).String(term) == "" || strings.Trim(textnorm.New(allOn).String(term), " ") == "" {
			return
		}
		m, err := Compile([]Term{{ID: 7, Text: term, WholeWord: whole}}, allOn)
		if err != nil {
			t.Fatal(err)
		}
		k := 0
		if len(text) > 0 {
			k = (at%len(text) + len(text)) % len(text)
		}
		for k > 0 && !utf8.RuneStart(text[k]) {
			k--
		}
		ins := text[:k] + " — " + term + " — " + text[k:]
		lo, hi := k, k+len(" — "+term+" — ")
		var buf textnorm.Buffer
		for _, x := range m.Find(nil, &buf, ins) {
			if x.Start < 0 || x.End > len(ins) || x.Start >= x.End {
				t.Fatalf("%q: span %+v outside", ins, x)
			}
			if x.Start >= lo && x.End <= hi {
				return
			}
		}
		t.Fatalf("term %q not found in %q (%q)", term, ins, buf.Text)
	})
}
