package listen

import (
	"slices"
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

// appendWordStarts appends to dst the offsets in t where a word (a run of
// letters and digits) starts.
func appendWordStarts(dst []int32, t []byte) []int32 {
	in := false
	for i := 0; i < len(t); {
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
			dst = append(dst, int32(i))
		}
		in = w
		i += size
	}
	return dst
}

// wordsBefore returns how many of the word starts (sorted) are before p.
func wordsBefore(starts []int32, p int) int32 {
	n, _ := slices.BinarySearch(starts, int32(p))
	return int32(n)
}
