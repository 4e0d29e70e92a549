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
	inSentence := false          // the current sentence has a word
	wordStart, wordEnd := -1, -1 // the last word, for abbreviations
	tokenStart := true           // at the start of a space-separated token
	at := atCache{pos: -1}
	for i := 0; i < len(text); {
		b := text[i]
		if b < utf8.RuneSelf {
			// The ASCII fast path: the same cases as below, read from a
			// byte table.
			f := asciiFlags[b]
			if f&fSpace != 0 {
				if f&fBreak != 0 && inSentence {
					s.Sentences++
					inSentence = false
				}
				tokenStart = true
				i++
				continue
			}
			if tokenStart {
				tokenStart = false
				// Only a token that starts with h or w, or holds an @, may
				// be skipped.
				if b|0x20 == 'h' || b|0x20 == 'w' || at.pos < i || at.token == i {
					if j := skipToken(text, i, &at); j > i {
						i = j
						continue
					}
				}
			}
			switch {
			case f&fLetter != 0:
				j, letters, syl, digit, ok := scanASCIIWord(text, i, l)
				if !ok {
					j, letters, digit = scanWord(text, i)
					if !digit {
						syl = syllables(text[i:j], l)
					}
				}
				if !digit {
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
			case f&fDigit != 0:
				i = scanNumber(text, i)
			case b == '.':
				i++
				if i-1 == wordEnd && !dotEnds(text, wordStart, wordEnd, l) {
					continue
				}
				if i < len(text) && text[i] < utf8.RuneSelf {
					if asciiFlags[text[i]]&(fLetter|fDigit) != 0 {
						continue
					}
				} else if next := firstRune(text[i:]); unicode.IsLetter(next) || unicode.IsDigit(next) {
					continue
				}
				if inSentence {
					s.Sentences++
					inSentence = false
				}
			case b == '!' || b == '?':
				if inSentence {
					s.Sentences++
					inSentence = false
				}
				i++
			case b == '#' && isTagRune(firstRune(text[i+1:])),
				b == '$' && unicode.IsLetter(firstRune(text[i+1:])):
				i = skipTag(text, i+1)
			default:
				i++
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			if isLineBreak(r) && inSentence {
				s.Sentences++
				inSentence = false
			}
			tokenStart = true
			i += size
			continue
		}
		if tokenStart {
			tokenStart = false
			if j := skipToken(text, i, &at); j > i {
				i = j
				continue
			}
		}
		switch {
		case isWordStart(r):
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
		case isTerminator(r):
			if inSentence {
				s.Sentences++
				inSentence = false
			}
			i += size
		default:
			i += size
		}
	}
	if inSentence {
		s.Sentences++
	}
	return s
}

// ASCII character classes, for the fast paths.
const (
	fSpace  = 1 << iota // white space (unicode.IsSpace)
	fBreak              // a line break (isLineBreak)
	fLetter             // a letter
	fDigit              // a digit
	fJoin               // joins two letters into one word (isJoiner)
	fVowel              // a, e, i, o, u, y in either case (foldVowel)
)

var asciiFlags = func() (t [utf8.RuneSelf]uint8) {
	for b := range t {
		r := rune(b)
		switch {
		case isLineBreak(r):
			t[b] = fSpace | fBreak
		case unicode.IsSpace(r):
			t[b] = fSpace
		case isLetter(r):
			t[b] = fLetter
			if foldVowel(r) != 0 {
				t[b] |= fVowel
			}
		case unicode.IsDigit(r):
			t[b] = fDigit
		case isJoiner(r):
			t[b] = fJoin
		}
	}
	return t
}()

// asciiFold maps an ASCII letter to what each language's counter reads:
// its lower case (enFold, and plSyllables and genericSyllables), or its
// esClass for Spanish.
var asciiFold = func() (t [langPL + 1][utf8.RuneSelf]byte) {
	for b := range utf8.RuneSelf {
		r := rune(b)
		if !isLetter(r) {
			continue
		}
		lower := byte(unicode.ToLower(r))
		t[langOther][b], t[langEN][b], t[langPL][b] = lower, enFold(r), lower
		t[langES][b] = esClass(r)
	}
	return t
}()

// scanASCIIWord is scanWord and syllables in one pass for a word of ASCII
// letters and digits: it folds each letter as it reads it and counts each
// part at its end. ok is false when it meets a byte that is not ASCII,
// before the word has ended; the caller then reads the word again with
// scanWord.
func scanASCIIWord(text string, i int, l language) (end, letters, syl int, digit, ok bool) {
	var buf [maxPart]byte
	fold := &asciiFold[l]
	n, part := 0, i
scan:
	for ; i < len(text); i++ {
		b := text[i]
		if b >= utf8.RuneSelf {
			return 0, 0, 0, false, false
		}
		f := asciiFlags[b]
		switch {
		case f&fLetter != 0:
			letters++
			if n < maxPart {
				buf[n] = fold[b]
			}
			n++
			continue
		case f&fDigit != 0:
			digit = true
			continue
		case f&fJoin != 0 && i+1 < len(text):
			next := text[i+1]
			if next >= utf8.RuneSelf {
				return 0, 0, 0, false, false
			}
			if asciiFlags[next]&fLetter == 0 {
				break scan
			}
			if b != '\'' {
				// A hyphen or a dot ends a part; an apostrophe is inside one.
				if !digit {
					syl += asciiPartSyllables(text[part:i], &buf, n, l)
				}
				n, part = 0, i+1
			}
			continue
		}
		break
	}
	if !digit {
		syl += asciiPartSyllables(text[part:i], &buf, n, l)
	}
	return i, letters, syl, digit, true
}

// asciiPartSyllables is partSyllables(p, l) for an ASCII part p of n
// letters, given the first maxPart of them folded by asciiFold.
func asciiPartSyllables(p string, buf *[maxPart]byte, n int, l language) int {
	if n > maxPart {
		return genericSyllables(p)
	}
	w := buf[:n]
	switch l {
	case langEN:
		// n't: an apostrophe after an n, then a t that ends the part.
		k := len(p)
		nt := n >= 2 && k >= 2 && p[k-2] == '\'' && p[k-1] == 't' && w[n-2] == 'n'
		return enCount(w, nt)
	case langES:
		return esCount(w)
	case langPL:
		return plCount(w)
	}
	count, prev := 0, false
	for _, c := range w {
		v := asciiFlags[c]&fVowel != 0
		if v && !prev {
			count++
		}
		prev = v
	}
	return max(count, 1)
}

// skipTag returns the end of the run of tag runes (letters, digits and _)
// at text[i:].
func skipTag(text string, i int) int {
	for i < len(text) {
		if b := text[i]; b < utf8.RuneSelf {
			if asciiFlags[b]&(fLetter|fDigit) == 0 && b != '_' {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if !isTagRune(r) {
			return i
		}
		i += size
	}
	return i
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

// isWordStart reports whether a word may start with r: a letter, but not
// a combining mark or a letter used as an apostrophe (ʼ).
func isWordStart(r rune) bool {
	return isLetter(r) && !isMark(r) && !isApostrophe(r)
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
		case isJoiner(r):
			if !isWordStart(firstRune(text[i+size:])) {
				return i, letters, digit
			}
		case isLetter(r):
			if !isMark(r) {
				letters++
			}
		case unicode.IsDigit(r):
			digit = true
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
// (which Count then reads as usual), or i if it is not. at remembers where
// the next @ is, so that a token is read again only when it holds one.
func skipToken(text string, i int, at *atCache) int {
	switch text[i] {
	case 'h', 'H', 'w', 'W':
		if hasPrefixFold(text[i:], "http://") || hasPrefixFold(text[i:], "https://") ||
			hasPrefixFold(text[i:], "www.") {
			break
		}
		fallthrough
	default:
		if !at.inToken(text, i) {
			return i
		}
	}
	j := i
	for j < len(text) {
		if text[j] < utf8.RuneSelf {
			if asciiFlags[text[j]]&fSpace != 0 {
				break
			}
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[j:])
		if unicode.IsSpace(r) {
			break
		}
		j += size
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

// atCache is the next @ of a text and the start of its token.
type atCache struct {
	pos, token int // pos is -1 before the first look, len(text) when none is left
}

// inToken reports whether the token that starts at text[i] (after white
// space, or at 0) holds an @.
func (a *atCache) inToken(text string, i int) bool {
	if a.pos < i {
		k := strings.IndexByte(text[i:], '@')
		if k < 0 {
			a.pos = len(text)
			return false
		}
		a.pos = i + k
		// The token of the @ starts after the last white space before it;
		// no token starts between i and a.pos if there is none.
		a.token = i
		for j := a.pos; j > i; {
			r, size := rune(text[j-1]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeLastRuneInString(text[i:j])
			}
			if unicode.IsSpace(r) {
				a.token = j
				break
			}
			j -= size
		}
	}
	return a.pos < len(text) && a.token == i
}

// hasPrefixFold reports whether s starts with prefix, ASCII lower case,
// in any case. (strings.EqualFold would also fold "ſ" to "s" and "K" to "k", but
// those take more bytes than the letters they fold to, so they cannot
// match a prefix of the same length.)
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if c := s[i]; c != prefix[i] && !('A' <= c && c <= 'Z' && c+'a'-'A' == prefix[i]) {
			return false
		}
	}
	return true
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

// maxAbbreviation is at least the length in bytes of every abbreviation
// (which are in lower case; TestAbbreviations checks both).
const maxAbbreviation = 8

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
	ascii := true
	for i := 0; i < len(word); i++ {
		if word[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	switch {
	case !ascii:
		for _, a := range list {
			if strings.EqualFold(word, a.word) {
				kind = a.kind
				break
			}
		}
	case len(word) <= maxAbbreviation:
		// An ASCII word longer than that is no abbreviation; a shorter
		// one is compared in lower case without strings.EqualFold.
		var buf [maxAbbreviation]byte
		for i := 0; i < len(word); i++ {
			c := word[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		for _, a := range list {
			if string(buf[:len(word)]) == a.word {
				kind = a.kind
				break
			}
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
