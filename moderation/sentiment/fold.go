package sentiment

import (
	"unicode"
	"unicode/utf8"
)

// latinFold maps the letters of Latin-1 and Latin Extended-A (U+00C0 to
// U+017F) to their lower-case ASCII base letter, so that "Świetny",
// "swietny" and "ŚWIETNY" are one key, and so are "está" and "esta". It
// covers every letter of Spanish and Polish; other scripts are only
// lower-cased.
var latinFold [0x180 - 0xC0]byte

// latinUpper tells which letters of latinFold are upper case
// (unicode.IsUpper, looked up once).
var latinUpper [0x180 - 0xC0]bool

func init() {
	ranges := []struct {
		from, to rune
		base     byte
	}{
		{0xC0, 0xC5, 'a'}, {0xC7, 0xC7, 'c'}, {0xC8, 0xCB, 'e'}, {0xCC, 0xCF, 'i'},
		{0xD0, 0xD0, 'd'}, {0xD1, 0xD1, 'n'}, {0xD2, 0xD6, 'o'}, {0xD8, 0xD8, 'o'},
		{0xD9, 0xDC, 'u'}, {0xDD, 0xDD, 'y'}, {0xDF, 0xDF, 's'},
		{0xE0, 0xE5, 'a'}, {0xE7, 0xE7, 'c'}, {0xE8, 0xEB, 'e'}, {0xEC, 0xEF, 'i'},
		{0xF0, 0xF0, 'd'}, {0xF1, 0xF1, 'n'}, {0xF2, 0xF6, 'o'}, {0xF8, 0xF8, 'o'},
		{0xF9, 0xFC, 'u'}, {0xFD, 0xFD, 'y'}, {0xFF, 0xFF, 'y'},
		{0x100, 0x105, 'a'}, {0x106, 0x10D, 'c'}, {0x10E, 0x111, 'd'}, {0x112, 0x11B, 'e'},
		{0x11C, 0x123, 'g'}, {0x124, 0x127, 'h'}, {0x128, 0x133, 'i'}, {0x134, 0x135, 'j'},
		{0x136, 0x138, 'k'}, {0x139, 0x142, 'l'}, {0x143, 0x14B, 'n'}, {0x14C, 0x153, 'o'},
		{0x154, 0x159, 'r'}, {0x15A, 0x161, 's'}, {0x162, 0x167, 't'}, {0x168, 0x173, 'u'},
		{0x174, 0x175, 'w'}, {0x176, 0x178, 'y'}, {0x179, 0x17E, 'z'}, {0x17F, 0x17F, 's'},
	}
	for _, r := range ranges {
		for c := r.from; c <= r.to; c++ {
			latinFold[c-0xC0] = r.base
			latinUpper[c-0xC0] = unicode.IsUpper(c)
		}
	}
}

// isIgnorable reports whether r is dropped from keys and texts: the emoji
// variation selectors, the zero-width joiner and skin-tone modifiers.
func isIgnorable(r rune) bool {
	return r == 0xFE0E || r == 0xFE0F || r == 0x200D || r == 0x200B || (r >= 0x1F3FB && r <= 0x1F3FF)
}

// appendFolded appends the folded form of the letter or digit r to dst and
// reports whether r was upper case.
func appendFolded(dst []byte, r rune) ([]byte, bool) {
	if r < utf8.RuneSelf {
		c := byte(r)
		if 'A' <= c && c <= 'Z' {
			return append(dst, c+'a'-'A'), true
		}
		return append(dst, c), false
	}
	if r == '’' || r == 'ʼ' || r == '‘' {
		return append(dst, '\''), false
	}
	if r >= 0xC0 && r < 0x180 {
		if b := latinFold[r-0xC0]; b != 0 {
			return append(dst, b), latinUpper[r-0xC0]
		}
	}
	l := unicode.ToLower(r)
	return utf8.AppendRune(dst, l), l != r
}

// foldTerm returns the key of a lexicon term: words folded as the scanner
// folds them, emoticons lower-cased, emoji without variation selectors,
// joiners and skin tones, runs of spaces as one space.
func foldTerm(s string) string {
	b := make([]byte, 0, len(s))
	space := false
	for _, r := range s {
		switch {
		case isIgnorable(r):
			continue
		case unicode.IsSpace(r):
			space = len(b) > 0
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b, _ = appendFolded(b, r)
	}
	return string(b)
}
