package langid

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The languages the built-in profiles model, in table order. Only the first
// three are ever reported; the others are rejection classes: a text that
// scores best as Portuguese, Italian, French, German or Catalan is reported
// as unknown rather than as its nearest neighbour among en, es and pl.
const (
	langEN = iota
	langES
	langPL
	langPT
	langIT
	langFR
	langDE
	langCA
	numLangs
)

// langTags holds the tag of each modelled language, in table order.
var langTags = [numLangs]string{"en", "es", "pl", "pt", "it", "fr", "de", "ca"}

// numReported is how many of the modelled languages Detect reports.
const numReported = 3

// alphabet is the number of letter codes: 0 is a word boundary and 1..26 are
// the letters a..z after case and accent folding (ł is l, ß is s).
const alphabet = 27

// numTrigrams is the size of the dense trigram table.
const numTrigrams = alphabet * alphabet * alphabet

// markPenalty is the cost, in table units (1/costScale nat), that one
// language-marking character adds to every language that does not use it.
const markPenalty = 40

// costScale is the number of table units per nat of log-probability.
const costScale = 16

// Language masks for the marks.
const (
	mEN = 1 << langEN
	mES = 1 << langES
	mPL = 1 << langPL
	mPT = 1 << langPT
	mIT = 1 << langIT
	mFR = 1 << langFR
	mDE = 1 << langDE
	mCA = 1 << langCA
)

// byteClass maps a byte to its letter code (1..26) when it is an ASCII
// letter, to 0 when it is any other ASCII byte, or to one of the flags
// below. The low five bits are always the letter code: 0 for the flags.
var byteClass = func() (t [256]uint8) {
	for i := utf8.RuneSelf; i < len(t); i++ {
		t[i] = clsHigh
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = uint8(c-'a') + 1
		t[c-'a'+'A'] = uint8(c-'a') + 1
	}
	for _, c := range " \t\n\r\v\f" {
		t[c] = clsSpace
	}
	return t
}()

const (
	clsHigh  = 0x80 // a byte of a multi-byte UTF-8 sequence (or invalid)
	clsSpace = 0x40 // ASCII white space: ends a token
)

// follows holds, for each byte, the flags of byteClass that send the byte
// before it to the slow path of fill: clsHigh always, and clsSpace when the
// byte can start a token skipTokens passes over ('@', '#', 'h', 'w').
var follows = func() (t [256]uint8) {
	for i := range t {
		t[i] = clsHigh
	}
	for _, c := range "@#hHwW" {
		t[c] |= clsSpace
	}
	return t
}()

// latinLetter describes a letter in U+00C0..U+017F: its folded code and the
// mask of modelled languages that write it. A zero mask means no modelled
// language uses it (č, ř, ő, å, ...), which counts as foreign evidence.
type latinLetter struct {
	code  uint8
	class uint8 // index in markMasks; 0 for unmarked letters
}

// markMasks lists the language masks of the mark classes. Class 0 is "no
// mark"; class 1 is a letter no modelled language writes.
var markMasks = [...]uint8{
	0,                           // unmarked
	0,                           // foreign: č ř ő å ...
	mES,                         // ñ, and the marks ¿ ¡
	mES | mPT,                   // á
	mES | mPT | mIT | mFR | mCA, // é
	mES | mPT | mIT | mCA,       // í ú
	mES | mPL | mPT | mIT | mCA, // ó
	mES | mPT | mFR | mDE | mCA, // ü
	mPT | mIT | mFR | mCA,       // à
	mIT | mFR | mCA,             // è ò
	mIT | mFR,                   // ì ù
	mPT | mFR,                   // â ê ô
	mFR,                         // î û ë œ ÿ
	mFR | mCA,                   // ï
	mPT,                         // ã õ
	mPT | mFR | mCA,             // ç
	mDE,                         // ä ö ß
	mPL,                         // ą ć ę ł ń ś ź ż
}

const (
	classForeign = 1
	classES      = 2
	numClasses   = len(markMasks)
)

const latinBase = 0xC0

// latinTable covers U+00C0..U+017F (Latin-1 Supplement letters and Latin
// Extended-A).
var latinTable = func() (t [0x180 - latinBase]latinLetter) {
	// Base letters of U+00C0..U+00FF, "." for ×, ÷; then Extended-A in pairs
	// (upper, lower), so each base letter appears twice.
	const latin1 = "aaaaaaaceeeeiiiidnooooo.ouuuuyts" + "aaaaaaaceeeeiiiidnooooo.ouuuuyty"
	const extA = "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiiijjkkkllllllllllnnnnnnnnnoooooooorrrrrrssssssssttttttuuuuuuuuuuuuwwyyyzzzzzzs"
	for i := 0; i < len(latin1); i++ {
		if latin1[i] != '.' {
			t[i].code = latin1[i] - 'a' + 1
		}
	}
	for i := 0; i < len(extA); i++ {
		t[0x100-latinBase+i].code = extA[i] - 'a' + 1
	}
	// Every accented letter of Extended-A is foreign unless listed below;
	// so are the Latin-1 letters no modelled language writes.
	for i := range t {
		if r := rune(i + latinBase); r >= 0x100 || strings.ContainsRune("åÅæÆøØýÝðÐþÞ", r) {
			t[i].class = classForeign
		}
	}
	set := func(class uint8, letters string) {
		for _, r := range letters {
			t[r-latinBase].class = class
		}
	}
	set(classES, "ñÑ")
	set(3, "áÁ")
	set(4, "éÉ")
	set(5, "íÍúÚ")
	set(6, "óÓ")
	set(7, "üÜ")
	set(8, "àÀ")
	set(9, "èÈòÒ")
	set(10, "ìÌùÙ")
	set(11, "âÂêÊôÔ")
	set(12, "îÎûÛëËœŒÿ")
	set(13, "ïÏ")
	set(14, "ãÃõÕ")
	set(15, "çÇ")
	set(16, "äÄöÖß")
	set(17, "ąĄćĆęĘłŁńŃśŚźŹżŻ")
	return t
}()

// scanner walks a text and emits the indexes of its letter trigrams into a
// buffer. It is the single tokenizer behind both detection and training, so
// the tables always see text cut the same way.
//
// Rules: tokens are separated by ASCII white space; a token that starts with
// '@' or '#', or with "http://", "https://" or "www.", is skipped whole. In
// other tokens, letters are case- and accent-folded to a..z; any other
// character ends the current word. Each word w yields the trigrams of "  w "
// (so a one-letter word yields two). Accented letters add per-language
// penalties, and letters outside the Latin script are counted as foreign.
type scanner struct {
	text    string
	i       int
	w       uint16 // the previous two codes as a bigram index p2*alphabet+p1
	p1      uint8  // the previous code; 0 means outside a word
	letters int    // letters seen, Latin-script
	marks   [numClasses]uint32
}

func newScanner(text string) scanner {
	s := scanner{text: text}
	s.i = skipTokens(text, 0)
	return s
}

// fill writes up to len(buf) trigram indexes and reports how many it wrote.
// It returns 0 only at the end of the text.
//
// Each word w yields the trigrams of "  w " (two boundaries before, one
// after): the first letter alone counts too, as the start of a word.
//
// The inner loop takes ASCII letters, white space and other ASCII bytes
// without a branch on the byte, since whether a byte ends a word is as
// random as word lengths: every byte writes an index to buf, and n advances
// only when it is a trigram. It stops at a non-ASCII byte, at white space
// before '@', '#', 'h' or 'w', and before the last byte of the text; the
// outer loop takes that byte.
func (s *scanner) fill(buf *[64]uint16) int {
	n := 0
	text := s.text
	i, w, p1, letters := s.i, uint(s.w), uint(s.p1), s.letters
	for i < len(text) && n < len(buf)-1 {
		// At most one trigram per byte: stop before the buffer is full and
		// before the last byte, so that text[i+1] exists.
		stop := i + min(len(buf)-1-n, len(text)-1-i)
		for ; i < stop; i++ {
			x := byteClass[text[i]]
			if x&follows[text[i+1]] != 0 {
				break
			}
			c := uint(x & 31) // the letter code, 0 for anything else
			// isLetter is 1 for a letter code (1..26) and 0 for 0; so is
			// open for p1, the previous code, when a word is open.
			isLetter, open := (c+31)>>5, (p1+31)>>5
			buf[n&63] = uint16(w*alphabet + c) // w*alphabet when c ends the word
			n += int(isLetter | open)
			letters += int(isLetter)
			w = (p1*alphabet + c) & -isLetter // 0 outside a word
			p1 = c
		}
		if i == stop && (i != len(text)-1 || n == len(buf)-1) {
			continue
		}
		// A non-ASCII byte, white space that may precede a skipped token,
		// or the last byte.
		x := byteClass[text[i]]
		c := uint(x & 31)
		next := i + 1
		if x == clsHigh {
			var r uint8
			r, next = s.rune(text, i)
			c = uint(r)
		} else if x == clsSpace && next < len(text) && skipToken(text[next:]) {
			next = skipTokens(text, next)
		}
		i = next
		isLetter, open := (c+31)>>5, (p1+31)>>5
		buf[n&63] = uint16(w*alphabet + c)
		n += int(isLetter | open)
		letters += int(isLetter)
		w = (p1*alphabet + c) & -isLetter
		p1 = c
	}
	if i >= len(text) && p1 != 0 {
		buf[n] = uint16(w * alphabet)
		n++
		w, p1 = 0, 0
	}
	s.i, s.w, s.p1, s.letters = i, uint16(w), uint8(p1), letters
	return n
}

// rune decodes the non-ASCII character at text[j] and returns its letter
// code (0 when it is not a letter of the Latin alphabet) and the position
// after it. It records marks and foreign letters on the way.
func (s *scanner) rune(text string, j int) (uint8, int) {
	b := text[j]
	var r rune
	next := j + 2
	if b >= 0xC2 && b < 0xE0 && j+1 < len(text) && text[j+1]&0xC0 == 0x80 {
		r = rune(b&0x1F)<<6 | rune(text[j+1]&0x3F)
	} else {
		var size int
		r, size = utf8.DecodeRuneInString(text[j:])
		next = j + size
	}
	if r >= latinBase && r < 0x180 {
		e := latinTable[r-latinBase]
		s.marks[e.class]++
		return e.code, next
	}
	if r == '¿' || r == '¡' {
		s.marks[classES]++
	} else if unicode.IsLetter(r) {
		s.marks[classForeign]++
	}
	return 0, next
}

// skipTokens returns the position of the next token at or after i that is
// worth reading: it passes white space and whole tokens that are mentions,
// hashtags or links, which say nothing about the language.
func skipTokens(text string, i int) int {
	for i < len(text) {
		b := text[i]
		if byteClass[b] == clsSpace {
			i++
			continue
		}
		if b != '@' && b != '#' && b|0x20 != 'h' && b|0x20 != 'w' || !skipToken(text[i:]) {
			return i
		}
		for i < len(text) && byteClass[text[i]] != clsSpace {
			i++
		}
	}
	return i
}

// penalties returns the cost the marks add to each language: markPenalty
// for each mark the language does not write.
func (s *scanner) penalties() (p [numLangs]uint32) {
	for c := classES; c < numClasses; c++ {
		k := s.marks[c]
		if k == 0 {
			continue
		}
		for l := range p {
			if markMasks[c]&(1<<l) == 0 {
				p[l] += k * markPenalty
			}
		}
	}
	return p
}

// foreign returns the number of letters that no modelled language writes.
func (s *scanner) foreign() int {
	return int(s.marks[classForeign])
}

// skipToken reports whether the token at the start of t is a mention, a
// hashtag or a link, which say nothing about the language.
func skipToken(t string) bool {
	switch t[0] {
	case '@', '#':
		return true
	case 'h', 'H':
		return hasPrefixFold(t, "http://") || hasPrefixFold(t, "https://")
	case 'w', 'W':
		return hasPrefixFold(t, "www.")
	}
	return false
}

func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if s[i]|0x20 != prefix[i] && s[i] != prefix[i] {
			return false
		}
	}
	return true
}
