package cmkit_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/entity"
)

// Units of text and what each counts on each platform.
const (
	skinTone   = "👍🏽"                               // 2 code points, 8 bytes, 4 UTF-16 units
	family     = "👨‍👩‍👧‍👦"                          // 7 code points, 25 bytes, 11 UTF-16 units
	flag       = "🇪🇸"                               // 2 code points, 8 bytes, 4 UTF-16 units
	decomposed = "e\u0301"                          // 2 code points, 3 bytes
	cjk        = "日"                                // 1 code point, 3 bytes
	link       = "https://example.com/ofertas?x=1 " // 31 + a space
	remote     = "@ana@mastodon.social "
)

var unitCounts = map[cmkit.Platform]map[string]int{
	cmkit.X:         {"a": 1, skinTone: 2, family: 2, flag: 2, decomposed: 1, cjk: 2, link: 24, remote: 21},
	cmkit.Bluesky:   {"a": 1, skinTone: 1, family: 1, flag: 1, decomposed: 1, cjk: 1, link: 32, remote: 21},
	cmkit.Mastodon:  {"a": 1, skinTone: 1, family: 1, flag: 1, decomposed: 1, cjk: 1, link: 24, remote: 5},
	cmkit.Threads:   {"a": 1, skinTone: 8, family: 25, flag: 8, decomposed: 2, cjk: 1, link: 32, remote: 21},
	cmkit.Instagram: {"a": 1, skinTone: 4, family: 11, flag: 4, decomposed: 2, cjk: 1, link: 32, remote: 21},
	cmkit.LinkedIn:  {"a": 1, skinTone: 4, family: 11, flag: 4, decomposed: 2, cjk: 1, link: 32, remote: 21},
	cmkit.TikTok:    {"a": 1, skinTone: 4, family: 11, flag: 4, decomposed: 2, cjk: 1, link: 32, remote: 21},
	cmkit.Pinterest: {"a": 1, skinTone: 4, family: 11, flag: 4, decomposed: 2, cjk: 1, link: 32, remote: 21},
	cmkit.Facebook:  {"a": 1, skinTone: 4, family: 11, flag: 4, decomposed: 2, cjk: 1, link: 32, remote: 21},
	cmkit.YouTube:   {"a": 1, skinTone: 2, family: 7, flag: 2, decomposed: 2, cjk: 1, link: 32, remote: 21},
}

// build returns k units and enough "a" to count target on a platform where
// unit counts w.
func build(unit string, w, target int) string {
	k := target / w
	return strings.Repeat(unit, k) + strings.Repeat("a", target-k*w)
}

func TestCountPerPlatform(t *testing.T) {
	for p, units := range unitCounts {
		l, ok := cmkit.PlatformLimits(p)
		require.True(t, ok, p)
		require.NoError(t, l.Validate())
		for unit, w := range units {
			t.Run(string(p)+"/"+unit, func(t *testing.T) {
				assert.Equal(t, w, l.Count(unit), "one unit")
				assert.Equal(t, 3*w, l.Count(unit+unit+unit), "three units")
			})
		}
	}
}

func TestCheckTextAtTheLimit(t *testing.T) {
	for p, units := range unitCounts {
		l, _ := cmkit.PlatformLimits(p)
		for unit, w := range units {
			t.Run(string(p)+"/"+unit, func(t *testing.T) {
				for _, delta := range []int{-1, 0, 1} {
					text := build(unit, w, l.MaxLength+delta)
					require.Equal(t, l.MaxLength+delta, l.Count(text))
					var found *cmkit.Finding
					for _, f := range l.CheckText(nil, text) {
						if f.Rule == "max_length" {
							found = &f
						}
					}
					if delta <= 0 {
						assert.Nil(t, found, "%+d", delta)
						continue
					}
					require.NotNil(t, found, "one over")
					assert.Equal(t, 1, found.Over())
					assert.Equal(t, l.MaxLength, found.Limit)
					assert.LessOrEqual(t, l.Count(text[:found.Cut]), l.MaxLength, "the cut prefix fits")
					assert.Greater(t, l.Count(text[:found.Cut]), l.MaxLength-w-1, "the cut is as late as it can be")
					assert.True(t, utf8.ValidString(text[:found.Cut]))
					cut := l.Truncate(text, "…")
					for _, f := range l.CheckText(nil, cut) {
						assert.NotEqual(t, "max_length", f.Rule, "truncated text %q", cut)
						assert.NotEqual(t, "max_bytes", f.Rule, "truncated text %q", cut)
					}
					assert.True(t, strings.HasSuffix(cut, "…"))
				}
			})
		}
	}
}

func TestCheckTextBytesAndEntities(t *testing.T) {
	bsky, _ := cmkit.PlatformLimits(cmkit.Bluesky)
	fs := bsky.CheckText(nil, strings.Repeat(family, 121)) // 121 graphemes, 3025 bytes
	require.Len(t, fs, 1)
	assert.Equal(t, cmkit.Finding{Field: "post.text", Rule: "max_bytes", Limit: 3000, Got: 3025, Cut: 120 * len(family)}, fs[0])

	ig, _ := cmkit.PlatformLimits(cmkit.Instagram)
	text := strings.Repeat("#uno ", 30) + "#treintayuno y @a @b" // 30 allowed: see TestPlatformFigures
	fs = ig.CheckText(nil, text)
	require.Len(t, fs, 1)
	assert.Equal(t, "max_hashtags", fs[0].Rule)
	assert.Equal(t, 31, fs[0].Got)
	assert.Equal(t, strings.Index(text, "#treintayuno"), fs[0].Cut)

	th, _ := cmkit.PlatformLimits(cmkit.Threads)
	fs = th.CheckPost(nil, cmkit.Post{Text: "#a #b", Media: make([]cmkit.Media, 21)})
	require.Len(t, fs, 2)
	assert.Equal(t, "max_hashtags", fs[0].Rule)
	assert.Equal(t, cmkit.Finding{Field: "post.media", Rule: "max_media", Limit: 20, Got: 21, Cut: 20}, fs[1])

	err := th.ValidatePost(cmkit.Post{Text: "#a #b", Media: make([]cmkit.Media, 21)})
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "post.text", ve.Field)
	assert.Equal(t, "max_hashtags", ve.Rule)
	assert.Contains(t, err.Error(), "post.media: max_media")
	assert.NoError(t, th.ValidateText("hola"))
}

func TestCheckTextDoesNotAllocate(t *testing.T) {
	x, _ := cmkit.PlatformLimits(cmkit.X)
	text := strings.Repeat("Oferta 🇪🇸 en https://ejemplo.es/a #Promoción @tienda ", 20)
	dst := make([]cmkit.Finding, 0, 8)
	assert.Zero(t, testing.AllocsPerRun(50, func() { dst = x.CheckText(dst[:0], text) }))
	assert.Zero(t, testing.AllocsPerRun(50, func() { x.Count(text) }))
}

func TestCountWeightedComposes(t *testing.T) {
	x, _ := cmkit.PlatformLimits(cmkit.X)
	tests := []struct {
		in   string
		want int
	}{
		{"e\u0301", 1},                       // é
		{"Zaz\u0307o\u0301\u0142c\u0301", 6}, // Zażółć, decomposed
		{"q\u0301", 2},                       // no precomposed q with acute
		{"e\u0323\u0302", 2},                 // ệ is U+1EC7, beyond 4351: 2 on X
		{"\u1100\u1161\u11a8", 2},            // one Hangul syllable, CJK weight
		{"\uac01", 2},
		{"\u0915\u093c", 2}, // excluded from composition: stays two
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, x.Count(tc.in), "%+q", tc.in)
	}
}

func TestCustomCounter(t *testing.T) {
	// A product's platform that counts words.
	words := cmkit.Limits{MaxLength: 3, Counter: cmkit.CounterFunc(func(s string) int { return len(strings.Fields(s)) })}
	require.NoError(t, words.Validate())
	assert.Equal(t, 4, words.Count("uno dos tres cuatro"))
	fs := words.CheckText(nil, "uno dos tres cuatro")
	require.Len(t, fs, 1)
	assert.Equal(t, "uno dos tres", strings.TrimSpace("uno dos tres cuatro"[:fs[0].Cut]))
	assert.Equal(t, "uno dos…", words.Truncate("uno dos tres cuatro", "…"))

	err := cmkit.Limits{Counting: "words"}.Validate()
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "limits.counting", ve.Field)
	assert.Equal(t, "unknown", ve.Rule)
	assert.NoError(t, cmkit.Limits{Counting: "words", Counter: words.Counter}.Validate())
}

func TestPlatformLimits(t *testing.T) {
	for _, p := range cmkit.Platforms() {
		l, ok := cmkit.PlatformLimits(p)
		assert.True(t, ok, p)
		assert.NoError(t, l.Validate(), p)
	}
	_, ok := cmkit.PlatformLimits("acme-forum")
	assert.False(t, ok)
}

func TestTruncate(t *testing.T) {
	l := cmkit.Limits{MaxLength: 10, Counting: cmkit.CountGraphemes}
	tests := []struct{ in, want string }{
		{"corto", "corto"},
		{"exactly 10", "exactly 10"},
		{"Zażółć gęślą jaźń", "Zażółć gę…"},
		{"hola     mundo cruel", "hola…"},
		{"👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦", "👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦👨‍👩‍👧‍👦…"},
		{"ver e.com/abcdefgh", "ver…"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, l.Truncate(tc.in, "…"), tc.in)
	}
}

func TestSplitThread(t *testing.T) {
	long := strings.Repeat("Nuestra #Promoción de otoño llega con descuentos 🇪🇸👍🏽 en https://ejemplo.es/ofertas/otoño-2024?utm=x "+
		"y también en zniżki.pl dla @klienci@mastodon.social, ¡no te lo pierdas! 日本語も ", 12)
	for _, p := range []cmkit.Platform{cmkit.X, cmkit.Bluesky, cmkit.Mastodon, cmkit.Threads} {
		t.Run(string(p), func(t *testing.T) {
			l, _ := cmkit.PlatformLimits(p)
			if p == cmkit.Threads {
				// One hashtag and five links per post: this text breaks them
				// whatever the split, which SplitThread reports.
				_, err := l.SplitThread(long)
				require.ErrorIs(t, err, cmkit.ErrInvalid)
				l.MaxHashtags, l.MaxLinks = 0, 0
			}
			parts, err := l.SplitThread(long)
			require.NoError(t, err)
			require.Greater(t, len(parts), 1)
			var words []string
			for i, part := range parts {
				assert.Empty(t, l.CheckText(nil, part), "part %d: %q", i+1, part)
				suffix := " " + itoa(i+1) + "/" + itoa(len(parts))
				require.True(t, strings.HasSuffix(part, suffix), part)
				words = append(words, strings.Fields(strings.TrimSuffix(part, suffix))...)
			}
			assert.Equal(t, strings.Fields(long), words, "no word, link or entity is broken or lost")
			// Every link of the text is whole in some part.
			for _, e := range entity.Extract(nil, long) {
				found := false
				for _, part := range parts {
					found = found || strings.Contains(part, long[e.Start:e.End])
				}
				assert.True(t, found, long[e.Start:e.End])
			}
		})
	}
}

func TestSplitThreadEdges(t *testing.T) {
	l := cmkit.Limits{MaxLength: 12, Counting: cmkit.CountCodePoints}
	parts, err := l.SplitThread("  fits here  ")
	require.NoError(t, err)
	assert.Equal(t, []string{"fits here"}, parts)

	parts, err = l.SplitThread("a supercalifragilistic word")
	require.NoError(t, err)
	assert.Equal(t, []string{"a 1/5", "supercal 2/5", "ifragili 3/5", "stic 4/5", "word 5/5"}, parts,
		"only a word longer than a post is cut")
	for _, p := range parts {
		assert.LessOrEqual(t, l.Count(p), 12, p)
	}

	_, err = l.SplitThread("see https://example.com/a/very/long/path now")
	assert.True(t, errors.Is(err, cmkit.ErrInvalid), "a link longer than a post: %v", err)

	unlimited, _ := cmkit.PlatformLimits(cmkit.Blog)
	parts, err = unlimited.SplitThread(strings.Repeat("word ", 1000))
	require.NoError(t, err)
	assert.Len(t, parts, 1)
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestSplitThreadLongText(t *testing.T) {
	x, _ := cmkit.PlatformLimits(cmkit.X)
	text := strings.Repeat("Zniżki w sklepie https://sklep.pl/promocje/zimowe #Zniżki2024 dla @klienci ", 4000) // 300 KB
	parts, err := x.SplitThread(text)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(parts), 1000)
	assert.Equal(t, strings.Fields(text)[:3], strings.Fields(parts[0])[:3])
	for _, p := range parts {
		require.LessOrEqual(t, x.Count(p), 280)
	}
}

// FuzzLimits: counting, checking, truncating and splitting any text on any
// well-known platform (LinksNeedScheme flipped when max has its top bit)
// never panics, and what they return keeps the limits.
func FuzzLimits(f *testing.F) {
	for _, s := range []string{"", "hola", family + flag + skinTone, link + remote, "#a #b #c @d $E e.com", "\xff\xfe", strings.Repeat("palabra ", 100)} {
		f.Add(s, uint8(0), uint16(0))
		f.Add(s, uint8(2), uint16(12))
		f.Add(s, uint8(7), uint16(0x8000|200))
	}
	platforms := cmkit.Platforms()
	f.Fuzz(func(t *testing.T, text string, p uint8, max uint16) {
		l, _ := cmkit.PlatformLimits(platforms[int(p)%len(platforms)])
		l.LinksNeedScheme = l.LinksNeedScheme != (max&0x8000 != 0)
		if max > 0 {
			l.MaxLength = int(max%500) + 1
		}
		n := l.Count(text)
		if n < 0 {
			t.Fatalf("Count(%q) = %d", text, n)
		}
		for _, fd := range l.CheckText(nil, text) {
			if fd.Cut < 0 || fd.Cut > len(text) || fd.Over() <= 0 {
				t.Fatalf("%q: finding %+v", text, fd)
			}
			if fd.Rule == "max_length" && l.Count(text[:fd.Cut]) > l.MaxLength {
				t.Fatalf("%q: cut %d does not fit", text, fd.Cut)
			}
		}
		keeps := func(s string) bool {
			return (l.MaxLength == 0 || l.Count(s) <= l.MaxLength) && (l.MaxBytes == 0 || len(s) <= l.MaxBytes)
		}
		if tr := l.Truncate(text, "…"); !keeps(tr) {
			t.Fatalf("Truncate(%q) = %q does not fit", text, tr)
		}
		if tr := l.TruncateWords(text, "…"); !keeps(tr) {
			t.Fatalf("TruncateWords(%q) = %q does not fit", text, tr)
		}
		parts, err := l.SplitThread(text)
		if err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("SplitThread(%q): %v", text, err)
			}
			return
		}
		for _, part := range parts {
			if !keeps(part) {
				t.Fatalf("SplitThread(%q): part %q does not fit", text, part)
			}
		}
	})
}

// TestEveryLimitAtTheEdge checks every nonzero limit of every well-known
// platform with a post exactly at it, one under and one over.
func TestEveryLimitAtTheEdge(t *testing.T) {
	type maker func(n int) cmkit.Post
	words := func(n int, w func(i int) string) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = w(i)
		}
		return strings.Join(parts, " ")
	}
	for _, p := range cmkit.Platforms() {
		l, _ := cmkit.PlatformLimits(p)
		for _, c := range []struct {
			rule  string
			limit int
			make  maker
		}{
			{"max_bytes", l.MaxBytes, func(n int) cmkit.Post {
				// Two-byte letters counted as one: the byte cap breaks first.
				return cmkit.Post{Text: strings.Repeat("ñ", n/2) + strings.Repeat("a", n%2)}
			}},
			{"max_hashtags", l.MaxHashtags, func(n int) cmkit.Post {
				return cmkit.Post{Text: words(n, func(i int) string { return "#Promoción" + strconv.Itoa(i) })}
			}},
			{"max_mentions", l.MaxMentions, func(n int) cmkit.Post {
				return cmkit.Post{Text: words(n, func(i int) string { return "@cliente_" + strconv.Itoa(i) })}
			}},
			{"max_links", l.MaxLinks, func(n int) cmkit.Post {
				return cmkit.Post{Text: words(n, func(i int) string { return "sklep.pl/" + strconv.Itoa(i) })}
			}},
			{"max_media", l.MaxMedia, func(n int) cmkit.Post {
				return cmkit.Post{Text: "ok", Media: make([]cmkit.Media, n)}
			}},
		} {
			if c.limit == 0 {
				continue
			}
			t.Run(string(p)+"/"+c.rule, func(t *testing.T) {
				for _, delta := range []int{-1, 0, 1} {
					post := c.make(c.limit + delta)
					var got *cmkit.Finding
					for _, f := range l.CheckPost(nil, post) {
						if f.Rule == c.rule {
							got = &f
						}
					}
					if delta <= 0 {
						assert.Nil(t, got, "%+d", delta)
						continue
					}
					require.NotNil(t, got, "one over")
					assert.Equal(t, c.limit+1, got.Got)
					assert.Equal(t, 1, got.Over())
					if c.rule != "max_media" {
						// The text cut at Cut keeps the limit.
						for _, f := range l.CheckText(nil, post.Text[:got.Cut]) {
							assert.NotEqual(t, c.rule, f.Rule, "cut at %d", got.Cut)
						}
					}
				}
			})
		}
	}
}

func TestTruncateWords(t *testing.T) {
	l := cmkit.Limits{MaxLength: 10, Counting: cmkit.CountGraphemes}
	tests := []struct{ in, want string }{
		{"corto", "corto"},
		{"Zażółć gęślą jaźń", "Zażółć…"},
		{"hola     mundo cruel", "hola…"},
		{"uno dos tres", "uno dos…"},
		{"supercalifragilistic", "supercali…"},
		{"ab supercalifragilistic", "ab…"},
		{"ver e.com/abcdefgh", "ver…"},
	}
	for _, tc := range tests {
		got := l.TruncateWords(tc.in, "…")
		assert.Equal(t, tc.want, got, tc.in)
		assert.LessOrEqual(t, l.Count(got), 10, tc.in)
	}
	assert.Equal(t, "uno dos [...]", cmkit.Limits{MaxLength: 13}.TruncateWords("uno dos tres cuatro", " [...]"),
		"any ellipsis, counted against the limit")
}

func TestTruncateWordsDoesNotCutWords(t *testing.T) {
	x, _ := cmkit.PlatformLimits(cmkit.X)
	text := strings.Repeat("Zniżki w sklepie https://sklep.pl/promocje/zimowe #Zniżki2024 dla @klienci ", 20)
	got := x.TruncateWords(text, "…")
	require.LessOrEqual(t, x.Count(got), 280)
	body := strings.TrimSuffix(got, "…")
	assert.True(t, strings.HasPrefix(text, body))
	next := text[len(body):]
	assert.True(t, next == "" || next[0] == ' ', "the cut falls at white space: %q", next[:10])
}

func TestSplitThreadWithNumberingFormat(t *testing.T) {
	l := cmkit.Limits{MaxLength: 16}
	parts, err := l.SplitThreadWith("uno dos tres cuatro cinco seis", cmkit.SplitOptions{Numbering: " (%d/%d)"})
	require.NoError(t, err)
	assert.Equal(t, []string{"uno dos (1/4)", "tres (2/4)", "cuatro (3/4)", "cinco seis (4/4)"}, parts)
	for _, p := range parts {
		assert.LessOrEqual(t, l.Count(p), 16, p)
	}
}

func TestSplitThreadWithNumberFirst(t *testing.T) {
	l := cmkit.Limits{MaxLength: 16}
	parts, err := l.SplitThreadWith("uno dos tres cuatro cinco seis", cmkit.SplitOptions{Numbering: "%d/%d ", NumberFirst: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"1/3 uno dos tres", "2/3 cuatro cinco", "3/3 seis"}, parts)
}

func TestSplitThreadWithUnnumbered(t *testing.T) {
	l := cmkit.Limits{MaxLength: 12}
	parts, err := l.SplitThreadWith("uno dos tres cuatro cinco seis", cmkit.SplitOptions{Unnumbered: true})
	require.NoError(t, err)
	assert.Equal(t, []string{"uno dos tres", "cuatro cinco", "seis"}, parts)
	assert.Equal(t, strings.Fields("uno dos tres cuatro cinco seis"), strings.Fields(strings.Join(parts, " ")))
}

func TestSplitThreadWithBadNumbering(t *testing.T) {
	l := cmkit.Limits{MaxLength: 12}
	for _, f := range []string{"%d", " %d/%d/%d", " %s/%d", "%d/%", " %v of %v", "%[2]d/%[1]d"} {
		_, err := l.SplitThreadWith("uno dos tres cuatro cinco seis", cmkit.SplitOptions{Numbering: f})
		var ve *cmkit.ValidationError
		require.ErrorAs(t, err, &ve, f)
		assert.Equal(t, "numbering", ve.Field, f)
		assert.Equal(t, "format", ve.Rule, f)
	}
	parts, err := l.SplitThreadWith("a text of 100%", cmkit.SplitOptions{Numbering: " %d%%/%02d"})
	require.NoError(t, err)
	assert.Equal(t, []string{"a text 1%/03", "of 2%/03", "100% 3%/03"}, parts, "%% is a literal percent sign")
}

func TestSplitThreadWithZeroOptionsIsSplitThread(t *testing.T) {
	x, _ := cmkit.PlatformLimits(cmkit.X)
	text := strings.Repeat("Zniżki w sklepie https://sklep.pl/promocje/zimowe #Zniżki2024 dla @klienci ", 40)
	a, errA := x.SplitThread(text)
	b, errB := x.SplitThreadWith(text, cmkit.SplitOptions{})
	require.NoError(t, errA)
	require.NoError(t, errB)
	assert.Equal(t, a, b)
}

// FuzzSplitThreadWith: any numbering format is either refused as invalid
// or gives parts that keep the limits and lose no word.
func FuzzSplitThreadWith(f *testing.F) {
	for _, s := range []string{" %d/%d", "%d/%d ", " (%d/%d)", "%d", "%%", " %05d of %-3d", "%", "%!d%d", " %d%%%d"} {
		f.Add(s, "uno dos tres cuatro cinco seis siete ocho nueve diez", uint8(0), uint16(20))
		f.Add(s, strings.Repeat("Zniżki https://sklep.pl/x #Tag ", 10), uint8(1), uint16(60))
	}
	f.Fuzz(func(t *testing.T, format, text string, flags uint8, max uint16) {
		l := cmkit.Limits{MaxLength: int(max%300) + 1}
		opts := cmkit.SplitOptions{Numbering: format, NumberFirst: flags&1 != 0, Unnumbered: flags&2 != 0}
		parts, err := l.SplitThreadWith(text, opts)
		if err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("SplitThreadWith(%q, %+v): %v", text, opts, err)
			}
			return
		}
		for _, part := range parts {
			if l.Count(part) > l.MaxLength {
				t.Fatalf("SplitThreadWith(%q, %+v): part %q does not fit", text, opts, part)
			}
		}
		if opts.Unnumbered && utf8.ValidString(text) {
			if got, want := strings.Fields(strings.Join(parts, " ")), strings.Fields(text); len(parts) > 0 && len(got) < len(want) {
				t.Fatalf("SplitThreadWith(%q): lost words: %q", text, parts)
			}
		}
	})
}
