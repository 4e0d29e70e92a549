package match

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit/internal/textnorm"
)

// evasionTerms are whole-word terms of English, Spanish and Polish, and
// one term that may sit inside words.
var evasionTerms = []Term{
	{ID: 1, Text: "idiota", WholeWord: true},
	{ID: 2, Text: "głupi", WholeWord: true},
	{ID: 3, Text: "estafa", WholeWord: true},
	{ID: 4, Text: "hell", WholeWord: true},
	{ID: 5, Text: "ass", WholeWord: true},
	{ID: 6, Text: "ana", WholeWord: true},
	{ID: 7, Text: "zwrot", WholeWord: true},
	{ID: 8, Text: "pero", WholeWord: true},
	{ID: 9, Text: "perro", WholeWord: true},
	{ID: 10, Text: "gówno", WholeWord: true},
	{ID: 11, Text: "lluvia", WholeWord: true},
	{ID: 12, Text: "puta"},
	{ID: 13, Text: "xray", WholeWord: true},
	{ID: 14, Text: "wierc", WholeWord: true},
	{ID: 15, Text: "ćwierć", WholeWord: true},
}

// TestEvasions is the acceptance table of issue 13: each case names what
// it proves, with every option on; the hits are the original text each
// match spans.
func TestEvasions(t *testing.T) {
	m, err := Compile(evasionTerms, allOn)
	require.NoError(t, err)
	tests := []struct {
		name string
		in   string
		want []hit
	}{
		{"upper case", "eres un IDIOTA.", []hit{{1, "IDIOTA"}}},
		{"precomposed accent", "eres un ídiota", []hit{{1, "ídiota"}}},
		{"combining accent", "eres un i\u0301diota", []hit{{1, "i\u0301diota"}}},
		{"leet digits", "eres un 1d10t4!", []hit{{1, "1d10t4"}}},
		{"separated letters", "eres un i.d.i.o.t.a", []hit{{1, "i.d.i.o.t.a"}}},
		{"zero-width space", "eres un id\u200biota", []hit{{1, "id\u200biota"}}},
		{"full-width letters", "ＩＤＩＯＴＡ", []hit{{1, "ＩＤＩＯＴＡ"}}},
		{"Cyrillic і", "eres un іdiota", []hit{{1, "іdiota"}}},
		{"Polish ł", "ty głupi", []hit{{2, "głupi"}}},
		{"Polish upper case", "TY GŁUPI", []hit{{2, "GŁUPI"}}},
		{"Polish without diacritics", "ty glupi i GLUPI", []hit{{2, "glupi"}, {2, "GLUPI"}}},
		{"syllables with hyphens", "es una es-ta-fa!", []hit{{3, "es-ta-fa"}}},
		{"syllables of one to three letters", "eres un i-dio-ta", []hit{{1, "i-dio-ta"}}},
		{"syllables with dots and accents", "ES.TÁ.FA", []hit{{3, "ES.TÁ.FA"}}},
		{"syllables with underscores and repeats", "es_taaaa_fa", []hit{{3, "es_taaaa_fa"}}},
		{"1 read as l", "go to he11", []hit{{4, "he11"}}},
		{"1 read as l next to a typed l", "go to hel1", []hit{{4, "hel1"}}},
		{"run of three or more read once", "eres un idiiiiota", []hit{{1, "idiiiiota"}}},
		{"run read as a double", "you assss", []hit{{5, "assss"}}},
		{"run of an accented letter read once", "to góóówno", []hit{{10, "góóówno"}}},
		{"run read once, Polish", "to gooowno", []hit{{10, "gooowno"}}},
		{"a double letter is a double", "la lluvia", []hit{{11, "lluvia"}}},
		{"pero is pero", "pero no", []hit{{8, "pero"}}},
		{"perro is perro", "un perro", []hit{{9, "perro"}}},
		{"a long run may be either", "un perrrro", []hit{{8, "perrrro"}, {9, "perrrro"}}},
		{"syllables inside a word, term inside words", "hi-ja-de-pu-ta", []hit{{12, "pu-ta"}}},
		{"a joined word is found when it is a term", "an x-ray", []hit{{13, "x-ray"}}},
		{"whole word with Polish letters", "Ćwierć zwrotu, ćwierć!", []hit{{15, "Ćwierć"}, {15, "ćwierć"}}},
		{"combining mark at the end of a word", "zwrot\u0301 ana\u0303", []hit{{7, "zwrot\u0301"}, {6, "ana\u0303"}}},
		{"matches in joined words in order", "es-ta-fa e idiota", []hit{{3, "es-ta-fa"}, {1, "idiota"}}},

		{"no hit: class is not ass", "a class act", nil},
		{"no hit: as is not ass", "as good as it gets", nil},
		{"no hit: asss has no double to spare for as", "asss", []hit{{5, "asss"}}},
		{"no hit: Hello is not hell", "Hello there", nil},
		{"no hit: a run inside hello", "hellllo", nil},
		{"no hit: a typed i is not an l", "heli heii", nil},
		{"no hit: mañana is not ana", "mañana", nil},
		{"no hit: decomposed mañana", "man\u0303ana", nil},
		{"no hit: zwrotnica is not zwrot", "zwrotnica", nil},
		{"no hit: Ćwierć is not wierc", "Ćwierć", []hit{{15, "Ćwierć"}}},
		{"no hit: pero is not perro, perro not pero", "pero perro", []hit{{8, "pero"}, {9, "perro"}}},
		{"no hit: e-mail", "my e-mail", nil},
		{"no hit: well-known", "a well-known hell-raiser", []hit{{4, "hell"}}},
		{"no hit: a joined word longer than the term", "es-ta-fa-dor", nil},
		{"no hit: syllables separated by spaces", "es ta fa", nil},
		{"no hit: mixed separators", "es-ta.fa", nil},
		{"no hit: a whole-word term inside a joined word", "ma-ña-na", nil},
		{"no hit: a term that ends inside a chunk", "pu-tas", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, find(t, m, tc.in), "%q", tc.in)
		})
	}
}

// TestEvasionsSparse: the automaton that follows edges and failure links
// finds the same.
func TestEvasionsSparse(t *testing.T) {
	m, err := Compile(evasionTerms, allOn)
	require.NoError(t, err)
	sm, err := compileBudget(evasionTerms, allOn, 1)
	require.NoError(t, err)
	require.True(t, sm.sparse)
	for _, text := range []string{"es-ta-fa e idiota he11 perrrro", "assss hi-ja-de-pu-ta gooowno", "class hellllo e-mail"} {
		assert.Equal(t, find(t, m, text), find(t, sm, text), text)
	}
}

// TestVariantsLen: a term with d doubles is 2^d variants, d at most six,
// and variants are not counted as terms.
func TestVariantsLen(t *testing.T) {
	m, err := Compile([]Term{{ID: 1, Text: "mississippi"}, {ID: 2, Text: "ass"}, {ID: 3, Text: "aabbccddeeffgghh"}}, allOn)
	require.NoError(t, err)
	assert.Equal(t, 3, m.Len())
	assert.Len(t, m.terms, 8+2+64)
	assert.Equal(t, []hit{{3, "aaabbbcccdddeeefffgghh"}}, find(t, m, "aaabbbcccdddeeefffgghh"))
	assert.Empty(t, find(t, m, "aabbccddeeffggghhh"), "the seventh and eighth doubles are not read as runs")
}

// TestJoinedNormSpan: a match in joined syllables spans its chunks and
// the separators between them in the normalized text.
func TestJoinedNormSpan(t *testing.T) {
	m, err := Compile(evasionTerms, allOn)
	require.NoError(t, err)
	var buf textnorm.Buffer
	ms := m.Find(nil, &buf, "Es-Ta-Fa!")
	require.Len(t, ms, 1)
	assert.Equal(t, "es-ta-fa", string(buf.Text[ms[0].NormStart:ms[0].NormEnd]))
	assert.Equal(t, Match{ID: 3, Start: 0, End: 8, NormStart: 0, NormEnd: 8}, ms[0])
}
