package readability

import (
	"unicode"
	"unicode/utf8"
)

// enExceptions holds English words the rules get wrong that are common in
// posts, with their dictionary syllable counts. Keys are lower case, with
// apostrophes dropped.
var enExceptions = map[string]int{
	"people": 2, "maybe": 2, "someone": 2, "something": 2, "sometimes": 2,
	"somewhere": 2, "everyone": 3, "anyone": 3, "everything": 3,
	"whatever": 3, "recipe": 3, "recipes": 3, "apostrophe": 4,
	"catastrophe": 4, "idea": 3, "ideas": 3, "area": 3, "areas": 3,
	"create": 2, "created": 3, "creates": 2, "creating": 3, "creative": 3,
	"creator": 3, "creators": 3, "react": 2, "reality": 4, "real": 1,
	"really": 2, "business": 2, "businesses": 3, "every": 2, "evening": 2,
	"interesting": 3, "different": 3, "family": 3, "chocolate": 3,
	"camera": 3, "cameras": 3, "favorite": 3, "favourite": 3,
	"several": 3, "general": 3, "natural": 3, "beautiful": 3,
	"literally": 4, "naturally": 4, "cooperate": 4, "coordinate": 4,
	"poem": 2, "poet": 2, "poetry": 3, "quiet": 2, "diet": 2, "science": 2,
	"client": 2, "clients": 2, "society": 4, "being": 2, "lion": 2,
	"giant": 2, "theater": 3, "theatre": 3, "cafe": 2, "fire": 1,
	"hour": 1, "hours": 1, "our": 1, "ours": 1, "naive": 2, "queue": 1,
	"vehicle": 3, "whole": 1, "wednesday": 2, "forever": 3, "however": 3,
	"everybody": 4, "somebody": 3, "nobody": 3, "anybody": 4,
	"lifetime": 2, "someday": 2, "likes": 1, "liked": 1, "lives": 1,
	"loved": 1, "lovely": 2, "used": 1, "uses": 2, "user": 2, "users": 2,
}

// enSyllables counts one part of an English word with rules: groups of
// vowel letters (y counts after the first letter), less a silent final
// e, a silent e before -ly, -ment, -ful, -less and -ness, and a silent
// -es or -ed ending; plus splits for vowel pairs read as two syllables
// (radio, media, actual, stadium, influence, being, easier) and -ism; then
// the exception list. The package documentation gives its measured error.
func enSyllables(p string) int {
	var buf [maxPart]byte
	n := 0
	nt := false // the part ends in n't
	for i, r := range p {
		if isApostrophe(r) {
			if n > 0 && buf[n-1] == 'n' && p[i+utf8.RuneLen(r):] == "t" {
				nt = true
			}
			continue
		}
		if n == maxPart {
			return genericSyllables(p)
		}
		buf[n] = enFold(r)
		n++
	}
	if n == 0 {
		return 0
	}
	return enCount(buf[:n], nt)
}

// enExceptionLens has bit k of [first][last] set when enExceptions holds
// a word of k letters that starts and ends with those letters: most words
// skip the map lookup.
var enExceptionLens = func() (t [256][256]uint32) {
	for w := range enExceptions {
		if len(w) >= 32 {
			panic("readability: long exception " + w)
		}
		t[w[0]][w[len(w)-1]] |= 1 << len(w)
	}
	return t
}()

// isEnException reports whether w may be in enExceptions.
func isEnException(w []byte) bool {
	return enExceptionLens[w[0]][w[len(w)-1]]&(1<<(len(w)&31)) != 0
}

// enCount counts the part w folded by enFold (not empty, apostrophes
// dropped); nt is whether it ended in n't.
func enCount(w []byte, nt bool) int {
	n := len(w)
	if isEnException(w) {
		if c, ok := enExceptions[string(w)]; ok {
			return c
		}
	}
	// Bit i of vowels is enVowel(w, i); a part has at most maxPart letters.
	var vowels uint64
	count := 0
	prev := false
	for i, c := range w {
		v := enPlainVowel(c) || c == 'y' && enVowel(w, i)
		if v {
			vowels |= 1 << i
			if !prev || c < 'a' || enSplit(w, i) {
				count++
			}
		}
		prev = v
	}
	last := n - 1
	cons := func(i int) bool { return i >= 0 && vowels&(1<<i) == 0 }
	switch {
	case count > 1 && w[last] == 'e' && cons(last-1):
		// Silent final e, but not in -le or -re after a consonant
		// (table, acre).
		if !((w[last-1] == 'l' || w[last-1] == 'r') && cons(last-2)) {
			count--
		}
	case count > 1 && n >= 3 && w[last] == 's' && w[last-1] == 'e' && cons(last-2):
		// -es is silent except after a sibilant (boxes, horses, wishes,
		// changes, pieces) and in -les, -res after a consonant (tables).
		c := w[last-2]
		sib := c == 's' || c == 'x' || c == 'z' || c == 'g' || c == 'c' ||
			(c == 'h' && n >= 4 && (w[last-3] == 's' || w[last-3] == 'c'))
		if !sib && !((c == 'l' || c == 'r') && cons(last-3)) {
			count--
		}
	case count > 1 && n >= 3 && w[last] == 'd' && w[last-1] == 'e' && cons(last-2):
		// -ed is silent except after t or d, and in -led, -red after a
		// consonant (handled, hundred).
		c := w[last-2]
		if c != 't' && c != 'd' && !((c == 'l' || c == 'r') && cons(last-3)) {
			count--
		}
	}
	// A silent e inside the word, before a suffix: lonely, safety,
	// announcement, hopeful, careless, likeness, awesome.
	if count > 1 {
		if k := n - enSuffix(w); k < n && k >= 3 && w[k-1] == 'e' && cons(k-2) {
			count--
		}
	}
	// A final -que or -gue is silent: unique, league.
	if count > 1 && n >= 4 && w[last] == 'e' && w[last-1] == 'u' && (w[last-2] == 'q' || w[last-2] == 'g') {
		count--
	}
	if n >= 4 && string(w[n-3:]) == "ism" {
		count++
	}
	if nt && n >= 3 && cons(n-3) {
		count++ // couldn't, didn't, isn't
	}
	if count == 0 {
		count = 1
	}
	return count
}

// enSuffix returns the length of the suffix -ly, -ty, -ment, -ments, -ful,
// -less, -ness or -some that ends w, or 0.
func enSuffix(w []byte) int {
	n := len(w)
	has := func(s string) bool { return n >= len(s) && string(w[n-len(s):]) == s }
	switch w[n-1] {
	case 'y':
		if has("ly") || has("ty") {
			return 2
		}
	case 't':
		if has("ment") {
			return 4
		}
	case 's':
		if has("ments") {
			return 5
		}
		if has("less") || has("ness") {
			return 4
		}
	case 'l':
		if has("ful") {
			return 3
		}
	case 'e':
		if has("some") {
			return 4
		}
	}
	return 0
}

// enFold maps a letter to lower-case ASCII: a vowel with a diaeresis, or
// é, to an upper-case vowel that starts its own group (naïve, café), other
// accented vowels to their base letter, and letters of other scripts to x.
func enFold(r rune) byte {
	if r < 0x80 {
		return byte(unicode.ToLower(r))
	}
	switch unicode.ToLower(r) {
	case 'ä':
		return 'A'
	case 'ë', 'é':
		return 'E'
	case 'ï':
		return 'I'
	case 'ö':
		return 'O'
	case 'ü':
		return 'U'
	case 'ç':
		return 'c'
	case 'ñ':
		return 'n'
	}
	if v := foldVowel(r); v != 0 {
		return v
	}
	return 'x'
}

// enVowel reports whether w[i] is a vowel: a, e, i, o, u (either case) or
// y, except a y that is first or stands between two vowels (beyond,
// player).
func enVowel(w []byte, i int) bool {
	switch w[i] {
	case 'a', 'e', 'i', 'o', 'u', 'A', 'E', 'I', 'O', 'U':
		return true
	case 'y':
		if i == 0 {
			return false
		}
		return !(i+1 < len(w) && enPlainVowel(w[i-1]) && enPlainVowel(w[i+1]))
	}
	return false
}

func enPlainVowel(c byte) bool { return enPlainVowels[c] }

var enPlainVowels = [256]bool{'a': true, 'e': true, 'i': true, 'o': true, 'u': true,
	'A': true, 'E': true, 'I': true, 'O': true, 'U': true}

// enSplit reports whether the vowels w[i-1] and w[i] are read apart.
func enSplit(w []byte, i int) bool {
	a, b := w[i-1], w[i]
	var before byte
	if i >= 2 {
		before = w[i-2]
	}
	after := func(k int) byte {
		if i+k < len(w) {
			return w[i+k]
		}
		return 0
	}
	switch {
	case a == 'i' && b == 'a': // media, trial; not social, Asia
		return before != 'c' && before != 't' && before != 's' && before != 'x' && before != 0
	case a == 'i' && b == 'o': // radio, period; not nation, fashion, region, million
		switch before {
		case 'c', 't', 's', 'x', 'h', 'g', 'l', 'n', 0:
			return false
		}
		return true
	case a == 'i' && b == 'u': // stadium, medium
		return true
	case a == 'u' && b == 'a': // actual, usual; not equal, language
		return before != 'q' && before != 'g'
	case a == 'u' && b == 'e': // influence, cruel, duet; not blue, tuesday, question
		c := after(1)
		return (c == 'n' || c == 'l' || c == 't') && before != 'q' && before != 'g'
	case a == 'u' && b == 'i': // ruin, fluid; not build, fruit, guide, liquid
		c := after(1)
		return (c == 'n' || c == 'd') && before != 'q' && before != 'g' && before != 0
	case a == 'e' && b == 'o': // video, theory; not pigeon, George
		return before != 'g'
	case a == 'i' && b == 'e': // easier, client-like -ient
		if i+2 == len(w) && after(1) == 'r' {
			return true
		}
		if i+3 == len(w) && after(1) == 's' && after(2) == 't' {
			return true
		}
		if after(1) == 'n' && (after(2) == 't' || after(2) == 'c') {
			return before != 'c' && before != 't' && before != 's'
		}
		return false
	case b == 'i' && after(1) == 'n' && after(2) == 'g' && (i+3 == len(w) || i+4 == len(w) && after(3) == 's'):
		return true // going, seeing, crying
	}
	return false
}
