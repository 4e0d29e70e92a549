package grapheme

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// breakTestFile returns the path of GraphemeBreakTest.txt: Debian's copy
// when the unicode-data package is installed, else the copy in testdata.
// The test fails when neither exists.
func breakTestFile(t *testing.T) string {
	t.Helper()
	for _, p := range []string{
		"/usr/share/unicode/auxiliary/GraphemeBreakTest.txt",
		"testdata/GraphemeBreakTest.txt",
	} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("GraphemeBreakTest.txt not found: install unicode-data or restore testdata/GraphemeBreakTest.txt")
	return ""
}

func TestVersionsAgree(t *testing.T) {
	assert.Equal(t, unicode.Version, UnicodeVersion,
		"the generated tables and Go's unicode package must name the same Unicode version")
}

func TestGraphemeBreakTest(t *testing.T) {
	path := breakTestFile(t)
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	sc := bufio.NewScanner(f)
	first := true
	cases := 0
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if first {
			first = false
			require.Contains(t, text, "GraphemeBreakTest-"+UnicodeVersion+".txt",
				"%s is not of Unicode %s", path, UnicodeVersion)
		}
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		var s strings.Builder
		var want []string
		var cur strings.Builder
		for _, f := range fields {
			switch f {
			case "÷":
				if cur.Len() > 0 {
					want = append(want, cur.String())
					cur.Reset()
				}
			case "×":
			default:
				cp, err := strconv.ParseUint(f, 16, 32)
				require.NoError(t, err, "line %d", line)
				cur.WriteRune(rune(cp))
				s.WriteRune(rune(cp))
			}
		}
		var got []string
		Boundaries(s.String(), func(a, b int) bool {
			got = append(got, s.String()[a:b])
			return true
		})
		assert.Equal(t, want, got, "line %d: %s", line, sc.Text())
		assert.Equal(t, len(want), Count(s.String()), "line %d", line)
		cases++
	}
	require.NoError(t, sc.Err())
	assert.Greater(t, cases, 600)
}

func TestCount(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"empty", "", 0},
		{"ascii", "hello", 5},
		{"crlf", "a\r\nb", 3},
		{"decomposed accent", "cafe\u0301", 4},
		{"skin tone", "👍🏽", 1},
		{"family", "👨‍👩‍👧‍👦", 1},
		{"flags", "🇪🇸🇵🇱", 2},
		{"odd indicators", "🇪🇸🇵", 2},
		{"keycap", "1️⃣", 1},
		{"hangul jamo", "\u1100\u1161\u11a8", 1},
		{"cjk", "日本語", 3},
		{"invalid utf8", "a\xffb\xc3", 4},
		{"ascii then mark", "e\u0301e", 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Count(tc.in))
		})
	}
}

func TestIsEmoji(t *testing.T) {
	for c, want := range map[string]bool{
		"👍🏽": true, "🇪🇸": true, "1️⃣": true, "❤️": true, "a": false, "é": false, "日": false, "": false,
	} {
		assert.Equal(t, want, IsEmoji(c), "%q", c)
	}
}

func TestCountDoesNotAllocate(t *testing.T) {
	s := strings.Repeat("Zażółć gęślą jaźń 👨‍👩‍👧‍👦 🇵🇱 ", 10)
	assert.Zero(t, testing.AllocsPerRun(100, func() { Count(s) }))
}

func TestDecodeAgreesWithUTF8(t *testing.T) {
	for _, s := range []string{"a", "é", "日", "👍", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf0\x80\x80\x80", "\xe0\x80\x80",
		"\xc0\x80", "\xc2", "\xf0\x9f", "\xf8\x88\x80\x80", "\xff", "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf"} {
		r, n := decode(s)
		wr, wn := utf8.DecodeRuneInString(s)
		assert.Equal(t, [2]int{int(wr), wn}, [2]int{int(r), n}, "%q", s)
	}
}

// FuzzNext: the clusters of any input are non-empty and concatenate back to
// it; Count agrees with the loop over Next.
func FuzzNext(f *testing.F) {
	for _, s := range []string{"", "a", "\r\n", "👨‍👩‍👧‍👦🇪🇸🇵", "cafe\u0301", "\xff\xfe", "\u1100\u1161\u11a8", "e\u200d👍"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		n := 0
		valid := utf8.ValidString(s)
		for rest := s; rest != ""; {
			k := Next(rest)
			if k <= 0 || k > len(rest) {
				t.Fatalf("Next(%q) = %d", rest, k)
			}
			if valid && !utf8.ValidString(rest[:k]) {
				t.Fatalf("cluster %q splits a rune", rest[:k])
			}
			b.WriteString(rest[:k])
			rest = rest[k:]
			n++
		}
		if b.String() != s {
			t.Fatalf("clusters of %q concatenate to %q", s, b.String())
		}
		if r, k := decode(s + "\x00\x00\x00"); s != "" {
			if wr, wk := utf8.DecodeRuneInString(s + "\x00\x00\x00"); r != wr || k != wk {
				t.Fatalf("decode(%q) = %U, %d; utf8 says %U, %d", s, r, k, wr, wk)
			}
		}
		if c := Count(s); c != n {
			t.Fatalf("Count(%q) = %d, loop over Next = %d", s, c, n)
		}
	})
}

func TestCompose(t *testing.T) {
	tests := []struct {
		a, b rune
		want rune
		ok   bool
	}{
		{'e', 0x301, 'é', true},
		{'A', 0x30A, 'Å', true},
		{'z', 0x307, 'ż', true},
		{'q', 0x301, 0, false},
		{0x1100, 0x1161, 0xAC00, true}, // Hangul L V
		{0xAC00, 0x11A8, 0xAC01, true}, // Hangul LV T
		{0x0915, 0x093C, 0, false},     // excluded: DEVANAGARI QA
		{'a', 'b', 0, false},
	}
	for _, tc := range tests {
		got, ok := Compose(tc.a, tc.b)
		assert.Equal(t, tc.ok, ok, "%U %U", tc.a, tc.b)
		assert.Equal(t, tc.want, got, "%U %U", tc.a, tc.b)
	}
}

func TestNFC(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"e\u0301", "é"},
		{"é", "é"},
		{"\u2126", "\u03a9"},               // singleton: OHM SIGN is GREEK CAPITAL OMEGA
		{"A\ufb2c", "A\u05e9\u05bc\u05c1"}, // composition exclusion, decomposed twice
		{"\u0958", "\u0915\u093c"},         // excluded: DEVANAGARI QA
		{"e\u0323\u0302", "\u1ec7"},        // ệ
		{"e\u0302\u0323", "\u1ec7"},        // ệ, marks reordered first
		{"q\u0307\u0323", "q\u0323\u0307"}, // no composite: reordered only
		{"\u1100\u1161\u11a8", "\uac01"},   // Hangul L V T
		{"\uac01", "\uac01"},
		{"\u212b", "\u00c5"},              // ANGSTROM SIGN
		{"\u0301e", "\u0301e"},            // a mark with no starter before it
		{"a\u0308\u0301", "\u00e4\u0301"}, // the second mark is blocked by nothing but has no composite
	}
	for _, tc := range tests {
		var buf [MaxNFC]rune
		n, ok := NFC(&buf, tc.in)
		require.True(t, ok, "%+q", tc.in)
		assert.Equal(t, tc.want, string(buf[:n]), "%+q", tc.in)
	}
	var buf [MaxNFC]rune
	_, ok := NFC(&buf, strings.Repeat("\u0301", MaxNFC+1))
	assert.False(t, ok, "too long")
	assert.Zero(t, testing.AllocsPerRun(100, func() { NFC(&buf, "A\ufb2c e\u0302\u0323") }))
}
