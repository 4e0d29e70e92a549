package textnorm

import (
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
		{"repeats", Options{CollapseRepeats: true}, "sooooo idiiiioota class", "so idiota clas"},
		{"repeats of accented letters", Options{CollapseRepeats: true}, "ééé łłł", "e l"},
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

func TestWhole(t *testing.T) {
	var b Buffer
	New(Options{}).Normalize(&b, "ßa")
	assert.Equal(t, "ssa", string(b.Text))
	assert.True(t, b.Whole(0, 2))
	assert.False(t, b.Whole(1, 3), "starts inside ß")
	assert.False(t, b.Whole(0, 1), "ends inside ß")
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
	}
	f.Fuzz(func(t *testing.T, s string, o uint8) {
		n := New(Options{Leet: o&1 != 0, CollapseRepeats: o&2 != 0, JoinSeparated: o&4 != 0})
		var b Buffer
		n.Normalize(&b, s)
		if !utf8.Valid(b.Text) {
			t.Fatalf("%q: output %q is not valid UTF-8", s, b.Text)
		}
		if len(b.Starts) != len(b.Text) {
			t.Fatalf("%q: %d bytes, %d starts", s, len(b.Text), len(b.Starts))
		}
		for i := 0; i < len(b.Text); {
			j := i + 1 // the end of the unit that starts at i
			for j < len(b.Text) && b.Starts[j] == b.Starts[i] {
				j++
			}
			if !b.Whole(i, j) {
				t.Fatalf("%q: unit [%d,%d) is not whole", s, i, j)
			}
			st, en := b.Span(i, j)
			if st < 0 || en > len(s) || st >= en {
				t.Fatalf("%q: bytes [%d,%d) map to [%d,%d)", s, i, j, st, en)
			}
			if i > 0 && b.Starts[i] < b.Starts[i-1] {
				t.Fatalf("%q: spans not monotonic at %d", s, i)
			}
			i = j
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
