package spell

import (
	"unicode"
	"unicode/utf8"
)

// Capitalization types, as hunspell names them.
const (
	noCap      = iota // "word", "1st"
	initCap           // "Word"
	allCap            // "WORD", "NASA's" is not: that is huhCap
	huhCap            // "wOrD"
	huhInitCap        // "WoRd"
)

// captype classifies the capitalization of w the way hunspell does: a
// letter counts as capital when lowering changes it, and a character
// without case counts as neutral.
func captype(w []byte) int {
	ncap, nneutral, n := 0, 0, 0
	first := false
	for i := 0; i < len(w); {
		r, size := utf8.DecodeRune(w[i:])
		lr := unicode.ToLower(r)
		if r != lr {
			ncap++
			if i == 0 {
				first = true
			}
		}
		if unicode.ToUpper(r) == lr {
			nneutral++
		}
		n++
		i += size
	}
	switch {
	case ncap == 0:
		return noCap
	case ncap == 1 && first:
		return initCap
	case ncap == n || ncap+nneutral == n:
		return allCap
	case ncap > 1 && first:
		return huhInitCap
	}
	return huhCap
}

func appendLower(dst, w []byte) []byte {
	for i := 0; i < len(w); {
		if c := w[i]; c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(w[i:])
		dst = utf8.AppendRune(dst, unicode.ToLower(r))
		i += n
	}
	return dst
}

func appendUpper(dst, w []byte) []byte {
	for i := 0; i < len(w); {
		r, n := utf8.DecodeRune(w[i:])
		dst = utf8.AppendRune(dst, unicode.ToUpper(r))
		i += n
	}
	return dst
}

// appendInitCap appends w with its first letter upper-cased (title-cased
// for the few digraph letters that have a title case).
func appendInitCap(dst, w []byte) []byte {
	if len(w) == 0 {
		return dst
	}
	r, n := utf8.DecodeRune(w)
	dst = utf8.AppendRune(dst, unicode.ToTitle(r))
	return append(dst, w[n:]...)
}
