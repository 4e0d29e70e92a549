package readability

// This file keeps the first, simple implementation of Count and of the
// per-language syllable counters, before their fast paths, as a reference
// for TestCountMatchesReference: it decodes every rune, scans each token
// twice and folds each word into a buffer again per part.

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// refCount is the reference for Count.
func refCount(text, lang string) Stats {
	l := parseLang(lang)
	var s Stats
	inSentence := false // the current sentence has a word
	end := func() {
		if inSentence {
			s.Sentences++
			inSentence = false
		}
	}
	wordStart, wordEnd := -1, -1 // the last word, for abbreviations
	tokenStart := true           // at the start of a space-separated token
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			if isLineBreak(r) {
				end()
			}
			tokenStart = true
			i += size
			continue
		}
		if tokenStart {
			tokenStart = false
			if j := refSkipToken(text, i); j > i {
				i = j
				continue
			}
		}
		switch {
		case r == '#' && isTagRune(firstRune(text[i+size:])),
			r == '$' && unicode.IsLetter(firstRune(text[i+size:])):
			i += size
			for i < len(text) {
				r, size := utf8.DecodeRuneInString(text[i:])
				if !isTagRune(r) {
					break
				}
				i += size
			}
		case isWordStart(r):
			j, letters, digit := scanWord(text, i)
			if !digit {
				syl := refSyllables(text[i:j], l)
				s.Words++
				s.Letters += letters
				s.Syllables += syl
				if syl >= 4 {
					s.Complex++
				}
				inSentence = true
				wordStart, wordEnd = i, j
			}
			i = j
		case unicode.IsDigit(r):
			i = scanNumber(text, i)
		case r == '.':
			if i == wordEnd && !dotEnds(text, wordStart, wordEnd, l) {
				i += size
				continue
			}
			if next := firstRune(text[i+size:]); unicode.IsLetter(next) || unicode.IsDigit(next) {
				i += size
				continue
			}
			end()
			i += size
		case isTerminator(r):
			end()
			i += size
		default:
			i += size
		}
	}
	end()
	return s
}

// refSkipToken is the reference for skipToken.
func refSkipToken(text string, i int) int {
	j := i
	for j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if unicode.IsSpace(r) {
			break
		}
		j += size
	}
	tok := text[i:j]
	if !strings.Contains(tok, "@") && !hasPrefixFold(tok, "http://") &&
		!hasPrefixFold(tok, "https://") && !hasPrefixFold(tok, "www.") {
		return i
	}
	for j > i {
		r, size := utf8.DecodeLastRuneInString(text[i:j])
		if !strings.ContainsRune(".,;:!?…)]}\"'»”’", r) {
			break
		}
		j -= size
	}
	return j
}

// refSyllables is the reference for syllables.
func refSyllables(word string, lang language) int {
	total := 0
	start := -1 // byte offset where the current part starts
	for i, r := range word {
		if isLetter(r) || isApostrophe(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			total += refPartSyllables(word[start:i], lang)
			start = -1
		}
	}
	if start >= 0 {
		total += refPartSyllables(word[start:], lang)
	}
	return total
}

// refPartSyllables is the reference for partSyllables.
func refPartSyllables(p string, lang language) int {
	switch lang {
	case langEN:
		return refEnSyllables(p)
	case langES:
		return refEsSyllables(p)
	case langPL:
		return refPlSyllables(p)
	}
	return genericSyllables(p)
}

// refEnSyllables is the reference for enSyllables.
func refEnSyllables(p string) int {
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
	w := buf[:n]
	if c, ok := enExceptions[string(w)]; ok {
		return c
	}
	count := 0
	prev := false
	for i := 0; i < n; i++ {
		v := enVowel(w, i)
		switch {
		case v && !prev:
			count++
		case v && prev && (w[i] < 'a' || enSplit(w, i)):
			count++
		}
		prev = v
	}
	last := n - 1
	cons := func(i int) bool { return i >= 0 && !enVowel(w, i) }
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
	for _, suf := range [...]string{"ly", "ty", "ment", "ments", "ful", "less", "ness", "some"} {
		k := n - len(suf)
		if k >= 3 && string(w[k:]) == suf && w[k-1] == 'e' && cons(k-2) && count > 1 {
			count--
			break
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

// refEsSyllables is the reference for esSyllables.
func refEsSyllables(p string) int {
	var cls [maxPart]uint8
	n := 0
	for _, r := range p {
		if isApostrophe(r) {
			continue
		}
		if n == maxPart {
			return genericSyllables(p)
		}
		cls[n] = esClass(r)
		n++
	}
	if n == 0 {
		return 0
	}
	c := cls[:n]
	vowel := func(i int) (ok, strong bool) {
		switch c[i] {
		case esStrong:
			return true, true
		case esWeak:
			return true, false
		case esY:
			next := i + 1
			return next == n || (c[next] != esStrong && c[next] != esWeak), false
		}
		return false, false
	}
	count := 0
	for i := 0; i < n; {
		if ok, _ := vowel(i); !ok {
			i++
			continue
		}
		strong := 0
		for i < n {
			if ok, s := vowel(i); ok {
				if s {
					strong++
				}
				i++
				continue
			}
			if c[i] == esH && i+1 < n {
				if ok, _ := vowel(i + 1); ok {
					i++
					continue
				}
			}
			break
		}
		if strong == 0 {
			strong = 1
		}
		count += strong
	}
	if count == 0 {
		count = 1
	}
	return count
}

// refPlSyllables is the reference for plSyllables.
func refPlSyllables(p string) int {
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
	w := buf[:n]
	prefix := func(s string) bool {
		i := 0
		for _, r := range s {
			if i >= n || w[i] != r {
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
		if !plVowel(w[i]) {
			continue
		}
		next := i + 1
		if w[i] == 'i' && next < n && plVowel(w[next]) && i != iNucleus {
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
