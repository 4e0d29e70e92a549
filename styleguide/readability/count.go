package readability

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Count measures text in language lang (BCP 47: "en", "es", "pl"; region
// subtags ignored; any other language is counted with the generic vowel
// rule of Syllables). It allocates nothing.
//
// Words are runs of letters of any script, joined by an apostrophe, a
// hyphen or a dot between two letters ("don't", "well-known", "p.ej").
// What is not a word:
//   - a hashtag (# and the letters, digits and _ after it) is skipped
//     whole, and so is a cashtag ($ and a letter: $AAPL);
//   - a token (a run of text between spaces) holding an @ is a mention or
//     an e-mail address and is skipped whole, and so is one that starts
//     with http://, https:// or www. (a URL);
//   - emoji, symbols and punctuation only separate words;
//   - numbers, and any run of letters and digits that holds a digit
//     ("19.99", "2nd", "mp3"), are skipped.
//
// A sentence ends at . ! ? … (a run of them ends one sentence) or at a
// line break, and a final fragment with no punctuation is a sentence; a
// sentence with no word in it (a line of hashtags) is not counted. A dot
// does not end a sentence between digits (19.99) or before a letter, after
// a title ("Dr.", "Sr.", "prof.") or a single capital letter (an initial),
// or after an abbreviation that does not close a sentence ("e.g.",
// "p.ej.", "np.", "m.in."); "etc.", "itd." and the like end one only when
// a capital letter follows.
func Count(text, lang string) Stats {
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
			if j := skipToken(text, i); j > i {
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
		case isLetter(r) && !unicode.Is(unicode.Mn, r):
			j, letters, digit := scanWord(text, i)
			if !digit {
				syl := syllables(text[i:j], l)
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

// firstRune returns the first rune of s, or utf8.RuneError when s is empty.
func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func isLineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// isTerminator reports whether r ends a sentence (the dot has its own
// rules in Count).
func isTerminator(r rune) bool {
	switch r {
	case '!', '?', '…', '‼', '⁇', '⁈', '⁉', '。', '！', '？', '｡':
		return true
	}
	return false
}

func isTagRune(r rune) bool {
	return isLetter(r) || unicode.IsDigit(r) || r == '_'
}

// isJoiner reports whether r joins two letters into one word.
func isJoiner(r rune) bool {
	return isApostrophe(r) || r == '-' || r == '‐' || r == '‑' || r == '.'
}

// scanWord scans the word or letter-and-digit run at text[i:], which
// starts with a letter, and returns its end, its letter count and whether
// it holds a digit.
func scanWord(text string, i int) (end, letters int, digit bool) {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isLetter(r):
			if !unicode.Is(unicode.Mn, r) {
				letters++
			}
		case unicode.IsDigit(r):
			digit = true
		case isJoiner(r) && isLetter(firstRune(text[i+size:])) && !unicode.Is(unicode.Mn, firstRune(text[i+size:])):
		default:
			return i, letters, digit
		}
		i += size
	}
	return i, letters, digit
}

// scanNumber scans a number at text[i:]: digits and letters, joined by
// . , : / - between two of them (19.99, 19,99, 10:30, 1/2, 2nd).
func scanNumber(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case unicode.IsDigit(r) || isLetter(r):
		case (r == '.' || r == ',' || r == ':' || r == '/' || r == '-') && isAlnum(firstRune(text[i+size:])):
		default:
			return i
		}
		i += size
	}
	return i
}

func isAlnum(r rune) bool { return unicode.IsDigit(r) || unicode.IsLetter(r) }

// skipToken returns the end of the token at text[i:] if it is a URL, a
// mention or an e-mail address, less any closing punctuation at its end
// (which Count then reads as usual), or i if it is not.
func skipToken(text string, i int) int {
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

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// Abbreviation kinds.
const (
	abbrTitle = iota + 1 // never ends a sentence: Dr. García
	abbrInner            // never ends a sentence: e.g. this
	abbrList             // ends one when a capital letter follows: etc. Then
)

type abbreviation struct {
	word string
	kind uint8
}

var (
	abbrEN = []abbreviation{
		{"mr", abbrTitle}, {"mrs", abbrTitle}, {"ms", abbrTitle}, {"dr", abbrTitle},
		{"prof", abbrTitle}, {"st", abbrTitle}, {"jr", abbrTitle}, {"sr", abbrTitle},
		{"mt", abbrTitle}, {"vs", abbrInner}, {"e.g", abbrInner}, {"i.e", abbrInner},
		{"approx", abbrInner}, {"fig", abbrInner}, {"vol", abbrInner},
		{"etc", abbrList}, {"inc", abbrList}, {"ltd", abbrList},
	}
	abbrES = []abbreviation{
		{"sr", abbrTitle}, {"sra", abbrTitle}, {"srta", abbrTitle}, {"dr", abbrTitle},
		{"dra", abbrTitle}, {"d", abbrTitle}, {"dña", abbrTitle}, {"lic", abbrTitle},
		{"ing", abbrTitle}, {"prof", abbrTitle}, {"sto", abbrTitle}, {"sta", abbrTitle},
		{"p.ej", abbrInner}, {"ej", abbrInner}, {"pág", abbrInner}, {"págs", abbrInner},
		{"aprox", abbrInner}, {"tel", abbrInner}, {"núm", abbrInner}, {"vol", abbrInner},
		{"cap", abbrInner}, {"e.g", abbrInner}, {"etc", abbrList},
	}
	abbrPL = []abbreviation{
		{"dr", abbrTitle}, {"prof", abbrTitle}, {"mgr", abbrTitle}, {"inż", abbrTitle},
		{"hab", abbrTitle}, {"ks", abbrTitle}, {"św", abbrTitle}, {"gen", abbrTitle},
		{"płk", abbrTitle}, {"red", abbrTitle}, {"np", abbrInner}, {"m.in", abbrInner},
		{"tj", abbrInner}, {"tzn", abbrInner}, {"ok", abbrInner}, {"ul", abbrInner},
		{"al", abbrInner}, {"nr", abbrInner}, {"tel", abbrInner}, {"wg", abbrInner},
		{"zob", abbrInner}, {"por", abbrInner}, {"godz", abbrInner}, {"im", abbrInner},
		{"itd", abbrList}, {"itp", abbrList}, {"r", abbrList}, {"tys", abbrList},
		{"mln", abbrList}, {"mld", abbrList}, {"e.g", abbrInner},
	}
)

// dotEnds reports whether a dot right after the word text[start:end] ends
// a sentence.
func dotEnds(text string, start, end int, l language) bool {
	word := text[start:end]
	var list []abbreviation
	switch l {
	case langEN:
		list = abbrEN
	case langES:
		list = abbrES
	case langPL:
		list = abbrPL
	}
	kind := uint8(0)
	for _, a := range list {
		if strings.EqualFold(word, a.word) {
			kind = a.kind
			break
		}
	}
	if kind == 0 {
		if r, size := utf8.DecodeRuneInString(word); size == len(word) && unicode.IsUpper(r) {
			kind = abbrTitle // an initial: J. K. Rowling
		}
	}
	switch kind {
	case abbrTitle, abbrInner:
		return false
	case abbrList:
		rest := text[end+1:]
		for _, r := range rest {
			if isLineBreak(r) {
				return true
			}
			if unicode.IsSpace(r) || strings.ContainsRune("\"'«»“”„", r) {
				continue
			}
			return unicode.IsUpper(r)
		}
		return true
	}
	return true
}
