package spell

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tokens splits text into the words that the hunspell program checks:
// runs of letters and of the dictionary's WORDCHARS, with an apostrophe
// (' or ’) inside a word kept when the dictionary counts apostrophes as
// word characters (en_US does; es_ES and pl_PL do not, so "l'amour" is
// two words there). Hyphens split words unless WORDCHARS has them.
func Tokens(d *Dictionary, text string) []string {
	var out []string
	isWord := func(r rune) bool {
		return unicode.IsLetter(r) || strings.ContainsRune(d.wordChars, r)
	}
	apos := strings.ContainsRune(d.wordChars, '\'') || strings.ContainsRune(d.wordChars, '’')
	start := -1
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case isWord(r):
			if start < 0 {
				start = i
			}
		case start >= 0 && apos && (r == '\'' || r == '’') && i+n < len(text):
			next, _ := utf8.DecodeRuneInString(text[i+n:])
			if !isWord(next) {
				out = append(out, text[start:i])
				start = -1
			}
		default:
			if start >= 0 {
				out = append(out, text[start:i])
				start = -1
			}
		}
		i += n
	}
	if start >= 0 {
		out = append(out, text[start:])
	}
	return out
}
