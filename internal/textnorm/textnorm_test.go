package textnorm

import (
	"fmt"
	"math/rand"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var all = Options{Leet: true, CollapseRepeats: true, JoinSeparated: true}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		in   string
		want string
	}{
		{"en upper", Options{}, "IDIOT", "idiot"},
		{"es upper", Options{}, "IDIOTA", "idiota"},
		{"es accent", Options{}, "ídiota", "idiota"},
		{"es decomposed accent", Options{}, "i\u0301diota", "idiota"},
		{"es ñ", Options{}, "Mañana", "manana"},
		{"pl", Options{}, "głupi GŁUPI Zażółć gęślą jaźń", "glupi glupi zazolc gesla jazn"},
		{"other letters without decomposition", Options{}, "Øre đak ħ ŧ Æsir Œuvre ð þ", "ore dak h t aesir oeuvre d th"},
		{"german", Options{}, "Straße STRASSE ẞ", "strasse strasse ss"},
		{"turkish", Options{}, "İSTANBUL ıstanbul Istanbul", "istanbul istanbul istanbul"},
		{"zero width", Options{}, "id\u200biota i\u200d\u2060d\u00adi\u202eota\ufeff", "idiota idiota"},
		{"cyrillic look-alike", Options{}, "іdiot, Сlаss", "idiot, class"},
		{"greek look-alike", Options{}, "ΙDΙΟΤ", "idiot"},
		{"full-width", Options{}, "ＩＤＩＯＴＡ １２３", "idiota 123"},
		{"math letters", Options{}, "𝐢𝐝𝐢𝐨𝐭𝐚 ①", "idiota 1"},
		{"ligature", Options{}, "ﬁesta", "fiesta"},
		{"white space", Options{}, "  a \t\n b\u00a0\u3000c ", " a b c "},
		{"cjk kept", Options{}, "日本語", "日本語"},
		{"emoji kept, selector dropped", Options{}, "❤️", "❤"},
		{"invalid utf8 dropped", Options{}, "a\xffb", "ab"},
		{"leet", Options{Leet: true}, "1d10t4 and 2024 and @ana, a$$ sh!t $hit hola!", "idiota and 2024 and @ana, ass shit shit hola!"},
		{"leet off", Options{}, "1d10t4", "1d10t4"},
		{"repeats: three or more read once, doubles stay", Options{CollapseRepeats: true}, "sooooo idiiiioota class", "so idioota class"},
		{"repeats: doubles tell words apart", Options{CollapseRepeats: true}, "ass asss pero perro perrrro lluvia gooowno", "ass as pero perro pero lluvia gowno"},
		{"repeats of accented letters", Options{CollapseRepeats: true}, "ééé łłł", "e l"},
		{"repeats of mixed forms of a letter", Options{CollapseRepeats: true}, "ée\u0301E", "e"},
		{"joined", Options{JoinSeparated: true}, "i.d.i.o.t.a s p a m s-p-a-m e.g. a b", "idiota spam spam e.g. a b"},
		{"joined and leet", all, "1.d.1.0.t.4 and i d 1 0 t a", "idiota and idiota"},
		{"all on es", all, "¡Eres un IDIOOOTA!", "¡eres un idiota!"},
		{"all on pl", all, "GŁUUUPI g.ł.u.p.i", "glupi glupi"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, New(tc.opts).String(tc.in))
		})
	}
}

func TestSpans(t *testing.T) {
	tests := []struct {
		opts       Options
		in, norm   string
		wantOrig   string
		normSearch string
	}{
		{Options{}, "Eres un ÍDIOTA, ¿vale?", "eres un idiota, ¿vale?", "ÍDIOTA", "idiota"},
		{Options{}, "ty GŁUPI człowieku", "ty glupi czlowieku", "GŁUPI", "glupi"},
		{Options{}, "un id\u200biota más", "un idiota mas", "id\u200biota", "idiota"},
		{Options{}, "cafe\u0301 au lait", "cafe au lait", "cafe\u0301", "cafe"},
		{all, "eres 1d10t4!!", "eres idiota!!", "1d10t4", "idiota"},
		{all, "eres i.d.i.o.t.a.", "eres idiota.", "i.d.i.o.t.a", "idiota"},
		{all, "so idiooooota", "so idiota", "idiooooota", "idiota"},
		{Options{}, "Straße", "strasse", "ß", "ss"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			var b Buffer
			New(tc.opts).Normalize(&b, tc.in)
			require.Equal(t, tc.norm, string(b.Text))
			i := strings.Index(string(b.Text), tc.normSearch)
			require.GreaterOrEqual(t, i, 0)
			s, e := b.Span(i, i+len(tc.normSearch))
			assert.Equal(t, tc.wantOrig, tc.in[s:e])
		})
	}
}

// TestRepeatedMarks: the letter left for a run of three or more is
// marked, and only it; doubles are not marked.
func TestRepeatedMarks(t *testing.T) {
	var b Buffer
	New(all).Normalize(&b, "asss ass GOOOWNO idiIIiota perro")
	require.Equal(t, "as ass gowno idiota perro", string(b.Text))
	var marked []int
	for i := range b.Text {
		if b.Repeated(i) {
			marked = append(marked, i)
		}
	}
	assert.Equal(t, []int{1, 8, 15}, marked) // the s of "as", the o of "gowno", the second i of "idiota"
	s, e := b.Span(13, 19)
	assert.Equal(t, "idiIIiota", "asss ass GOOOWNO idiIIiota perro"[s:e])
}

// TestAmbiguous: an "i" read from a "1" is marked, a typed "i" and a "1"
// of a number are not.
func TestAmbiguous(t *testing.T) {
	var b Buffer
	New(Options{Leet: true}).Normalize(&b, "he11 1d10t4 il 2021")
	require.Equal(t, "heii idiota il 2021", string(b.Text))
	var marked []int
	for i := range b.Text {
		if b.Ambiguous(i) {
			marked = append(marked, i)
		}
	}
	assert.Equal(t, []int{2, 3, 5, 7}, marked)
	New(Options{}).Normalize(&b, "he11")
	assert.False(t, b.Ambiguous(2), "without Leet")
}

// TestJoined: words of short chunks joined by one separator are joined
// besides Text; words with a long chunk, mixed separators, spaces or no
// letter are not.
func TestJoined(t *testing.T) {
	tests := []struct {
		name, in, joined string
	}{
		{"syllables", "una es-ta-fa, i-dio-ta", "estafa idiota"},
		{"dots and underscores", "es.ta.fa es_ta_fa", "estafa estafa"},
		{"single letters", "s.p.a.m", "spam"},
		{"a long chunk is an ordinary word", "e-mail well-known state-of-the-art", ""},
		{"mixed separators", "es-ta.fa", ""},
		{"spaces do not join", "es ta fa", ""},
		{"numbers only", "12-30 1.2.3", ""},
		{"accents and repeats inside chunks", "Ę-ŚTA-faaaa", "estafa"},
		{"no separator", "estafa", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b Buffer
			New(Options{JoinSyllables: true, CollapseRepeats: true}).Normalize(&b, tc.in)
			j, at := b.Joined()
			assert.Equal(t, tc.joined, string(j))
			require.Len(t, at, len(j))
			for k, x := range at {
				if x >= 0 {
					assert.Equal(t, b.Text[x], j[k], "byte %d", k)
				} else {
					assert.Equal(t, byte(' '), j[k])
				}
			}
			New(Options{}).Normalize(&b, tc.in)
			j, _ = b.Joined()
			assert.Empty(t, j, "without the option")
		})
	}
}

func TestWhole(t *testing.T) {
	var b Buffer
	New(Options{}).Normalize(&b, "ßa")
	assert.Equal(t, "ssa", string(b.Text))
	assert.True(t, b.Whole(0, 2))
	assert.False(t, b.Whole(1, 3), "starts inside ß")
	assert.False(t, b.Whole(0, 1), "ends inside ß")
}

// TestRuns shows what the offset map holds: one run for a stretch that
// maps byte for byte, a new one only where that stops, whatever the
// options, and Start and WholeSpan reading them.
func TestRuns(t *testing.T) {
	all := Options{Leet: true, CollapseRepeats: true, JoinSeparated: true, JoinSyllables: true}
	for _, tc := range []struct {
		opts Options
		in   string
		text string
		runs []run
	}{
		// ASCII written as it is, lower-cased: one run.
		{Options{}, "Hello World, this is PLAIN text.", "hello world, this is plain text.", []run{{0, 0}}},
		{all, "Hello World, this is plain text.", "hello world, this is plain text.", []run{{0, 0}}},
		// A space collapsed and a leading control character dropped.
		{Options{}, "\x01ab  cd", "ab cd", []run{{0, 1}, {3, 5}}},
		// "é" (two bytes) written as "e": the bytes after it start a run.
		{all, "café ok", "cafe ok", []run{{0, 0}, {4, 5}}},
		// "ß" written as "ss": the second "s" comes from the same byte.
		{Options{}, "aßb", "assb", []run{{0, 0}, {2, 1}, {3, 3}}},
		// A run of letters collapsed, and separated letters joined.
		{all, "soooo i.d.i.o.t.a", "so idiota", []run{{0, 0}, {2, 5}, {4, 8}, {5, 10}, {6, 12}, {7, 14}, {8, 16}}},
		// An emoji kept as it is maps byte for byte; its bytes share one
		// start through their first.
		{Options{}, "a🔥b", "a🔥b", []run{{0, 0}}},
	} {
		var b Buffer
		New(tc.opts).Normalize(&b, tc.in)
		require.Equal(t, tc.text, string(b.Text), "%q", tc.in)
		assert.Equal(t, tc.runs, b.runs, "%q", tc.in)
	}
	var b Buffer
	New(Options{}).Normalize(&b, "aßb")
	assert.Equal(t, []int{0, 1, 1, 3}, starts(&b))
	s, e, whole := b.WholeSpan(1, 3)
	assert.Equal(t, []any{1, 3, true}, []any{s, e, whole}, "ß as a whole")
	s, e, whole = b.WholeSpan(2, 4)
	assert.Equal(t, []any{1, 4, false}, []any{s, e, whole}, "starts inside ß")
	New(Options{}).Normalize(&b, "a🔥b")
	assert.Equal(t, []int{0, 1, 1, 1, 1, 5}, starts(&b))
	s, e, whole = b.WholeSpan(2, 5)
	assert.Equal(t, []any{1, 5, false}, []any{s, e, whole}, "starts inside the emoji")
}

func TestVersion(t *testing.T) {
	assert.Equal(t, unicode.Version, UnicodeVersion)
}

func TestNormalizeDoesNotAllocate(t *testing.T) {
	src := strings.Repeat("Zażółć gęślą jaźń, ¡ÍDIOTA! 1d10t4 i.d.i.o.t.a 👍🏽 ", 20)
	var b Buffer
	n := New(all)
	n.Normalize(&b, src)
	assert.Zero(t, testing.AllocsPerRun(50, func() { n.Normalize(&b, src) }))
}

// FuzzNormalize: the output is valid UTF-8, every byte maps into the
// original, and the spans are monotonic.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "IDIOTA", "ídiota", "1d10t4", "i.d.i.o.t.a", "id\u200biota", "іdiot", "GŁUPI", "ß\xff", "a . b . c", "s.p.a.m.", "··a·b·c"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(7))
		f.Add(s, uint8(15))
	}
	f.Fuzz(func(t *testing.T, s string, o uint8) {
		n := New(Options{Leet: o&1 != 0, CollapseRepeats: o&2 != 0, JoinSeparated: o&4 != 0, JoinSyllables: o&8 != 0})
		var b Buffer
		n.Normalize(&b, s)
		if !utf8.Valid(b.Text) {
			t.Fatalf("%q: output %q is not valid UTF-8", s, b.Text)
		}
		for k := 1; k < len(b.runs); k++ {
			if b.runs[k].n <= b.runs[k-1].n || int(b.runs[k].n) > len(b.Text) {
				t.Fatalf("%q: runs %v out of order or outside %q", s, b.runs, b.Text)
			}
		}
		for i := 0; i < len(b.Text); {
			j := i + 1 // the end of the unit that starts at i
			for j < len(b.Text) && b.Start(j) == b.Start(i) {
				j++
			}
			if !b.Whole(i, j) {
				t.Fatalf("%q: unit [%d,%d) is not whole", s, i, j)
			}
			st, en := b.Span(i, j)
			if st < 0 || en > len(s) || st >= en {
				t.Fatalf("%q: bytes [%d,%d) map to [%d,%d)", s, i, j, st, en)
			}
			if i > 0 && b.Start(i) < b.Start(i-1) {
				t.Fatalf("%q: spans not monotonic at %d", s, i)
			}
			i = j
		}
		for _, l := range [][]int32{b.long, b.ones} {
			for k, x := range l {
				if x < 0 || int(x) >= len(b.Text) || k > 0 && l[k-1] >= x {
					t.Fatalf("%q: marks %v out of order or outside %q", s, l, b.Text)
				}
			}
		}
		j, at := b.Joined()
		if len(j) != len(at) {
			t.Fatalf("%q: joined %q has %d indexes", s, j, len(at))
		}
		for k, x := range at {
			if x >= 0 && (int(x) >= len(b.Text) || b.Text[x] != j[k]) || x < 0 && j[k] != ' ' {
				t.Fatalf("%q: joined %q byte %d maps to %d in %q", s, j, k, x, b.Text)
			}
		}
		// Normalizing again changes nothing more (without options, which
		// read context).
		if o == 0 {
			if again := n.String(string(b.Text)); again != string(b.Text) {
				t.Fatalf("%q: not idempotent: %q then %q", s, b.Text, again)
			}
		}
	})
}

// normalizeBoth normalizes s with and without fastRun and reports the
// first difference between the two buffers, or "".
func normalizeBoth(n Normalizer, s string) string {
	var fast, slow Buffer
	n.Normalize(&fast, s)
	noFast = true
	n.Normalize(&slow, s)
	noFast = false
	fj, fa := fast.Joined()
	sj, sa := slow.Joined()
	switch {
	case string(fast.Text) != string(slow.Text):
		return "text " + strconv.Quote(string(fast.Text)) + " != " + strconv.Quote(string(slow.Text))
	case !slices.Equal(starts(&fast), starts(&slow)):
		return fmt.Sprint("starts ", starts(&fast), " != ", starts(&slow))
	case !slices.Equal(fast.long, slow.long):
		return fmt.Sprint("repeats ", fast.long, " != ", slow.long)
	case !slices.Equal(fast.ones, slow.ones):
		return fmt.Sprint("ones ", fast.ones, " != ", slow.ones)
	case string(fj) != string(sj) || !slices.Equal(fa, sa):
		return fmt.Sprintf("joined %q %v != %q %v", fj, fa, sj, sa)
	}
	return ""
}

var fastSeeds = []string{"", "IDIOTA", "ídiota", "1d10t4", "i.d.i.o.t.a", "id\u200biota", "іdiot", "GŁUPI", "ß\xff", "a . b . c", "s.p.a.m.", "··a·b·c",
	"sooooo idiiiioota class", "ass asss pero perro perrrro lluvia gooowno", "ééé łłł ée\u0301E", "i d i o t a s p a m  x y z",
	"1.d.1.0.t.4 and i d 1 0 t a", "¡Eres un IDIOOOTA!", "GŁUUUPI g.ł.u.p.i", "es-ta-fa i-dio-ta e-mail h.e.l.l", "y a w o u  a, b, c!",
	"he11 a$$ sh!t $hit hola! @ana 2024 x1 1x 11 111 l1l1", "Zażółć gęślą jaźń, ¡ÍDIOTA! 1d10t4 i.d.i.o.t.a 👍🏽 ", "aaa\u200baa ńńńń ż ż ż",
	"ab\tcd\n\nef  g\u00a0h", "a,b,c a-b-c a b c,d", "x.y.z. abc. d e f! g h i?", "\x01a\x7fb\x00c"}

func TestFastRunAgrees(t *testing.T) {
	for o := 0; o < 16; o++ {
		n := New(Options{Leet: o&1 != 0, CollapseRepeats: o&2 != 0, JoinSeparated: o&4 != 0, JoinSyllables: o&8 != 0})
		for _, s := range fastSeeds {
			if d := normalizeBoth(n, s); d != "" {
				t.Errorf("options %04b, %q: %s", o, s, d)
			}
		}
		rng := rand.New(rand.NewSource(int64(o)))
		alphabet := []string{"a", "b", "i", "l", "o", "A", "1", "0", "4", "$", "@", "!", " ", " ", ".", "-", "·", ",", "é", "ł", "e\u0301", "\u200b", "ß", "👍", "\t", "ｉ", "ﬁ"}
		for k := 0; k < 20000; k++ {
			var sb strings.Builder
			for l := rng.Intn(16); l > 0; l-- {
				sb.WriteString(alphabet[rng.Intn(len(alphabet))])
			}
			if d := normalizeBoth(n, sb.String()); d != "" {
				t.Fatalf("options %04b, %q: %s", o, sb.String(), d)
			}
		}
	}
}

// FuzzFastRun: fastRun writes what the general path writes.
func FuzzFastRun(f *testing.F) {
	for _, s := range fastSeeds {
		f.Add(s, uint8(15))
		f.Add(s, uint8(7))
	}
	f.Fuzz(func(t *testing.T, s string, o uint8) {
		n := New(Options{Leet: o&1 != 0, CollapseRepeats: o&2 != 0, JoinSeparated: o&4 != 0, JoinSyllables: o&8 != 0})
		if d := normalizeBoth(n, s); d != "" {
			t.Fatalf("%q: %s", s, d)
		}
	})
}

// starts returns Start for every byte of b.Text.
func starts(b *Buffer) []int {
	s := make([]int, len(b.Text))
	for i := range s {
		s[i] = b.Start(i)
	}
	return s
}
