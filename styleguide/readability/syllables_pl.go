package readability

import "unicode"

// plSyllables counts the syllables of one part of a Polish word by its
// vowel letters (a, ą, e, ę, i, o, ó, u, y), with three rules:
//
//   - i before another vowel marks a soft consonant and is not a nucleus
//     (nie, sia-no, zie-mia, hi-sto-rii), except in words that begin with
//     bio- (bi-o-lo-gia) or kli- (kli-ent);
//   - au and eu are one nucleus (au-to, Eu-ro-pa, pau-za), except after
//     the prefixes na- and za- (na-u-ka, za-u-fa-nie) and in a final -eum
//     (mu-ze-um);
//   - a part with no vowel letter (the prepositions w, z) has no syllable.
func plSyllables(p string) int {
	var buf [maxPart]rune
	n := 0
	for _, r := range p {
		if isApostrophe(r) {
			continue
		}
		if n == maxPart {
			return genericSyllables(p)
		}
		buf[n] = unicode.ToLower(r)
		n++
	}
	return plCount(buf[:n])
}

// plCount counts a part given its letters in lower case, as runes or, for
// an ASCII part, as bytes.
func plCount[T rune | byte](w []T) int {
	n := len(w)
	prefix := func(s string) bool {
		i := 0
		for _, r := range s {
			if i >= n || rune(w[i]) != r {
				return false
			}
			i++
		}
		return true
	}
	iNucleus := -1 // index of an i that is a nucleus before a vowel
	switch {
	case prefix("bio"):
		iNucleus = 1
	case prefix("kli"):
		iNucleus = 2
	}
	prefixed := prefix("nau") || prefix("zau")
	count := 0
	for i := 0; i < n; i++ {
		if !plVowel(rune(w[i])) {
			continue
		}
		next := i + 1
		if w[i] == 'i' && next < n && plVowel(rune(w[next])) && i != iNucleus {
			continue // a softening i
		}
		if w[i] == 'u' && i > 0 && (w[i-1] == 'a' || w[i-1] == 'e') {
			eum := w[i-1] == 'e' && i+2 == n && w[i+1] == 'm'
			if !eum && !(prefixed && i == 2) {
				continue // second half of au, eu
			}
		}
		count++
	}
	return count
}

func plVowel(r rune) bool {
	switch r {
	case 'a', 'ą', 'e', 'ę', 'i', 'o', 'ó', 'u', 'y':
		return true
	}
	return false
}
