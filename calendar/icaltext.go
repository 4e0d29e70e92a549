package calendar

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// RFC 5545 text helpers for the iCalendar export: escaping TEXT values
// (section 3.3.11) and folding content lines (section 3.1). A property is
// written as foldLine(name + params + ":" + escapeText(value)).

// maxLineOctets is the longest a physical iCalendar line may be, in octets,
// not counting its CRLF.
const maxLineOctets = 75

// textEscaper escapes what a TEXT value may not hold as is. Line breaks
// of every kind become \n, because TEXT has no way to write a carriage
// return.
var textEscaper = strings.NewReplacer(
	`\`, `\\`,
	`;`, `\;`,
	`,`, `\,`,
	"\r\n", `\n`,
	"\n", `\n`,
	"\r", `\n`,
)

// escapeText escapes s for use as an iCalendar TEXT value (SUMMARY,
// DESCRIPTION, one CATEGORIES item): backslash, semicolon and comma get a
// backslash, and line breaks (LF, CRLF or a lone CR) become the two
// characters \n. Whatever RFC 5545 does not allow in a file never reaches
// it, wherever the text came from: other control characters (C0 but tab,
// DEL and C1) are dropped, and each byte that is not part of valid UTF-8
// becomes U+FFFD. unescapeText reverses it, up to these changes.
func escapeText(s string) string {
	return textEscaper.Replace(cleanText(s, "\t\n\r"))
}

// cleanText returns s without control characters other than those in
// keep, and with each byte that is not part of valid UTF-8 replaced by
// U+FFFD; it returns s itself when there is nothing to change.
func cleanText(s, keep string) string {
	bad := func(r rune) bool { return unicode.IsControl(r) && !strings.ContainsRune(keep, r) }
	if utf8.ValidString(s) && !strings.ContainsFunc(s, bad) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if bad(r) {
			return -1
		}
		return r // an invalid byte arrives, and stays, as U+FFFD
	}, s)
}

// cleanLine returns a content line as the file may hold it: without
// control characters but tabs, bytes that are not UTF-8 replaced as in
// escapeText. The writer passes every line through it, after escapeText
// and paramValue have done the same to each value, so that a value that
// missed them still cannot put a control character in the file.
func cleanLine(s string) string { return cleanText(s, "\t") }

// paramValue returns s as an iCalendar parameter value (TZID=...): without
// control characters or double quotes, which no parameter value may hold,
// invalid UTF-8 replaced as in escapeText, and in double quotes when it
// holds a colon, a semicolon or a comma.
func paramValue(s string) string {
	s = strings.ReplaceAll(cleanText(s, ""), `"`, "")
	if strings.ContainsAny(s, ":;,") {
		return `"` + s + `"`
	}
	return s
}

// unescapeText reverses escapeText: \\ \; \, give the character, \n and \N
// a line feed. A backslash before anything else, or at the end, is kept as
// it is, so text written by lax producers survives.
func unescapeText(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			b.WriteByte(c)
			continue
		}
		switch next := s[i+1]; next {
		case '\\', ';', ',':
			b.WriteByte(next)
			i++
		case 'n', 'N':
			b.WriteByte('\n')
			i++
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// foldLine returns one content line (a property with its parameters and
// value, without line breaks: escape the value first) as physical lines
// of at most 75 octets, each ended by CRLF; every line after the first
// starts with a space, which counts toward the 75. It never splits a UTF-8
// sequence (an invalid byte counts as a character of its own), so a
// multi-byte character moves whole to the next line.
func foldLine(line string) string {
	var b strings.Builder
	b.Grow(len(line) + 3*(len(line)/(maxLineOctets-1)+1))
	width := 0 // octets on the current physical line
	for i := 0; i < len(line); {
		_, n := utf8.DecodeRuneInString(line[i:])
		if width+n > maxLineOctets {
			b.WriteString("\r\n ")
			width = 1
		}
		b.WriteString(line[i : i+n])
		width += n
		i += n
	}
	b.WriteString("\r\n")
	return b.String()
}

// unfoldLines reverses folding: it removes every CRLF that is followed by a
// space or a horizontal tab, together with that one whitespace character
// (RFC 5545, 3.1).
func unfoldLines(s string) string {
	if !strings.Contains(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r\n ", "", "\r\n\t", "").Replace(s)
}
