package readability

import "unicode"

// maxPart is the longest part of a word (letters between hyphens) that the
// language rules look at; a longer part (no dictionary word is) is counted
// by vowel groups alone, so that counting needs no heap.
const maxPart = 64

// Syllables counts the syllables of one word in lang ("en", "es", "pl";
// region subtags ignored; any other language is counted by groups of
// vowel letters). Apostrophes are dropped ("don't" is "dont") and hyphens,
// dots and any other non-letters split the word into parts counted one by
// one ("well-known" is 1 + 1). In English and Spanish a part with letters
// has at least one syllable; in Polish a part with no vowel letter has
// none (the prepositions "w" and "z" are read with the next word). A word
// with no letters has no syllables.
func Syllables(word, lang string) int {
	return syllables(word, parseLang(lang))
}

func syllables(word string, lang language) int {
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
			total += partSyllables(word[start:i], lang)
			start = -1
		}
	}
	if start >= 0 {
		total += partSyllables(word[start:], lang)
	}
	return total
}

// isLetter reports whether r belongs inside a word: a letter, or a
// combining mark (which may follow a letter in decomposed text).
func isLetter(r rune) bool {
	return unicode.IsLetter(r) || unicode.Is(unicode.Mn, r)
}

func isApostrophe(r rune) bool {
	return r == '\'' || r == '’' || r == 'ʼ'
}

// partSyllables counts one part: letters and apostrophes only.
func partSyllables(p string, lang language) int {
	switch lang {
	case langEN:
		return enSyllables(p)
	case langES:
		return esSyllables(p)
	case langPL:
		return plSyllables(p)
	}
	return genericSyllables(p)
}

// genericSyllables counts groups of vowel letters (Latin vowels with or
// without diacritics, and y), at least one for a part with letters.
func genericSyllables(p string) int {
	n, prev, letters := 0, false, false
	for _, r := range p {
		if isApostrophe(r) {
			continue
		}
		letters = true
		v := foldVowel(r) != 0
		if v && !prev {
			n++
		}
		prev = v
	}
	if n == 0 && letters {
		return 1
	}
	return n
}

// foldVowel maps a Latin vowel letter with or without diacritics (either
// case) to its base letter, and anything else to 0.
func foldVowel(r rune) byte {
	switch unicode.ToLower(r) {
	case 'a', 'à', 'á', 'â', 'ã', 'ä', 'å', 'ą':
		return 'a'
	case 'e', 'è', 'é', 'ê', 'ë', 'ę':
		return 'e'
	case 'i', 'ì', 'í', 'î', 'ï':
		return 'i'
	case 'o', 'ò', 'ó', 'ô', 'õ', 'ö':
		return 'o'
	case 'u', 'ù', 'ú', 'û', 'ü':
		return 'u'
	case 'y', 'ý', 'ÿ':
		return 'y'
	}
	return 0
}
