package calendar

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

func TestEscapeText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{`a\b;c,d`, `a\\b\;c\,d`},
		{"one\ntwo\r\nthree\rfour", `one\ntwo\nthree\nfour`},
		{"Lanzamiento: ¡50% dto.!, hoy", `Lanzamiento: ¡50% dto.!\, hoy`},
		{`\n is not a newline`, `\\n is not a newline`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := escapeText(tt.in)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(tt.in), unescapeText(got))
		})
	}
	assert.Equal(t, "a\nb\\x\\", unescapeText(`a\Nb\x\`), "lax input is kept")
}

// escapeText keeps tabs, drops other control characters and writes
// U+FFFD for each byte that is not UTF-8; paramValue drops control
// characters and double quotes, and quotes a value with : ; or ,.
func TestICalTextDropsControlCharacters(t *testing.T) {
	assert.Equal(t, "a\tbc\\n", escapeText("a\tb\x00c\n"))
	assert.Equal(t, "[1mred done", escapeText("\x1b[1mred\x7f done\u0085"))
	assert.Equal(t, "caf\uFFFD\uFFFD(", escapeText("caf\xc3\xff("))
	same := "Zażółć, gęślą"
	assert.Equal(t, unsafe.StringData(same), unsafe.StringData(cleanText(same, "")), "clean text is not copied")
	assert.Equal(t, "Europe/Madrid", paramValue("Europe/Madrid"))
	assert.Equal(t, `"a;b:c,d"`, paramValue("a;b:c,d"))
	assert.Equal(t, "ab\uFFFD", paramValue("a\"\x00b\xff"))
}

func TestFoldLine(t *testing.T) {
	short := "SUMMARY:Hello"
	assert.Equal(t, short+"\r\n", foldLine(short))

	exact := "DESCRIPTION:" + strings.Repeat("a", maxLineOctets-len("DESCRIPTION:"))
	assert.Equal(t, exact+"\r\n", foldLine(exact), "75 octets fit on one line")

	long := "DESCRIPTION:" + strings.Repeat("x", 200)
	lines := strings.Split(strings.TrimSuffix(foldLine(long), "\r\n"), "\r\n")
	assert.Len(t, lines, 3)
	assert.Len(t, lines[0], 75)
	assert.Len(t, lines[1], 75)
	assert.True(t, strings.HasPrefix(lines[1], " "))

	// Multi-byte characters (Polish, emoji) move whole to the next line.
	for _, s := range []string{"ł", "€", "😀", "ą😀"} {
		line := "SUMMARY:" + strings.Repeat(s, 60)
		folded := foldLine(line)
		for _, l := range strings.Split(strings.TrimSuffix(folded, "\r\n"), "\r\n") {
			assert.LessOrEqual(t, len(l), maxLineOctets)
			assert.True(t, utf8.ValidString(l), "%q", l)
		}
		assert.Equal(t, line, strings.TrimSuffix(unfoldLines(folded), "\r\n"))
	}
	assert.Equal(t, "ab", unfoldLines("a\r\n\tb"))
}

func FuzzICalText(f *testing.F) {
	for _, s := range []string{"", "hello, world; \\ done\n", strings.Repeat("ż😀", 40), "\r\n\r", "\xff\xfe" + strings.Repeat("a", 80),
		"nul\x00 esc\x1b[0m del\x7f nel\u0085 tab\t", "\xc3\x28\xe2\x82"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line := "DESCRIPTION:" + escapeText(s)
		if strings.ContainsAny(line, "\r\n") {
			t.Fatalf("escaped %q still has a line break", s)
		}
		folded := foldLine(line)
		if !strings.HasSuffix(folded, "\r\n") {
			t.Fatalf("folded line does not end in CRLF: %q", folded)
		}
		for _, l := range strings.Split(strings.TrimSuffix(folded, "\r\n"), "\r\n") {
			if len(l) > maxLineOctets {
				t.Fatalf("line of %d octets: %q", len(l), l)
			}
			if utf8.ValidString(s) && !utf8.ValidString(l) {
				t.Fatalf("a UTF-8 sequence was split: %q", l)
			}
		}
		if !utf8.ValidString(folded) || strings.ContainsFunc(strings.ReplaceAll(folded, "\r\n", ""), func(r rune) bool { return unicode.IsControl(r) && r != '\t' }) {
			t.Fatalf("escaped %q holds invalid UTF-8 or a control character other than a tab: %q", s, folded)
		}
		back := strings.TrimPrefix(strings.TrimSuffix(unfoldLines(folded), "\r\n"), "DESCRIPTION:")
		want := strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(cleanText(s, "\t\n\r"))
		if got := unescapeText(back); got != want {
			t.Fatalf("round trip of %q gave %q", want, got)
		}
	})
}
