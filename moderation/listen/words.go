package listen

import (
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/textnorm"
)

// plain normalizes queries and mentions alike: case, accents, look-alike
// letters, invisible characters and white space are folded, and nothing
// else (see the package documentation for why not the evasion folds of
// moderation's lexicons).
var plain = textnorm.New(textnorm.Options{})

// asciiWord marks the ASCII letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return t
}()

// isWordRune reports whether r is a letter or a digit: what words are
// made of, as internal/match reads whole words.
func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && asciiWord[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// hasWord reports whether s has a letter or a digit.
func hasWord(s string) bool { return wordRunes(s) > 0 }

// wordRunes counts the letters and digits of s.
func wordRunes(s string) int {
	n := 0
	for _, r := range s {
		if isWordRune(r) {
			n++
		}
	}
	return n
}

// wordBefore reports whether the character before t[i] is a letter or a
// digit.
func wordBefore(t []byte, i int) bool {
	if i == 0 {
		return false
	}
	if c := t[i-1]; c < utf8.RuneSelf {
		return asciiWord[c]
	}
	r, _ := utf8.DecodeLastRune(t[:i])
	return isWordRune(r)
}

// wordStarts counts the words (runs of letters and digits) of t that
// start in t[from:to], up to limit.
func wordStarts(t []byte, from, to, limit int) int {
	n := 0
	in := wordBefore(t, from)
	for i := from; i < to; {
		c := t[i]
		w, size := false, 1
		if c < utf8.RuneSelf {
			w = asciiWord[c]
		} else {
			var r rune
			r, size = utf8.DecodeRune(t[i:])
			w = isWordRune(r)
		}
		if w && !in {
			if n++; n >= limit {
				return n
			}
		}
		in = w
		i += size
	}
	return n
}
