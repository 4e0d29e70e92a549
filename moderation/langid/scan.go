package langid

import (
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

// asciiClass maps a byte below 0x80 to its letter code (1..26), or to one of
// the classes below.
var asciiClass = func() (t [128]uint8) {
	for i := range t {
		t[i] = clsOther
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
	clsSpace = 0x40 // ASCII white space: ends a token
	clsOther = 0x80 // anything else: ends a word, not a token
)

// latinLetter describes a letter in U+00C0..U+017F: its folded code and the
// mask of modelled languages that write it. A zero mask means no modelled
// language uses it (č, ř, ő, å, ...), which counts as foreign evidence.
type latinLetter struct {
	code uint8
	mask uint8
}

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
	set := func(mask uint8, letters string) {
		for _, r := range letters {
			t[r-latinBase].mask = mask
		}
	}
	set(mES, "ñÑ")
	set(mES|mPT, "áÁ")
	set(mES|mPT|mIT|mFR|mCA, "éÉ")
	set(mES|mPT|mIT|mCA, "íÍúÚ")
	set(mES|mPL|mPT|mIT|mCA, "óÓ")
	set(mES|mPT|mFR|mDE|mCA, "üÜ")
	set(mPT|mIT|mFR|mCA, "àÀ")
	set(mIT|mFR|mCA, "èÈòÒ")
	set(mIT|mFR, "ìÌùÙ")
	set(mPT|mFR, "âÂêÊôÔ")
	set(mFR, "îÎûÛëËœŒÿ")
	set(mFR|mCA, "ïÏ")
	set(mPT, "ãÃõÕ")
	set(mPT|mFR|mCA, "çÇ")
	set(mDE, "äÄöÖß")
	set(mPL, "ąĄćĆęĘłŁńŃśŚźŹżŻ")
	return t
}()

// scanner walks a text and emits the indexes of its letter trigrams into a
// buffer. It is the single tokenizer behind both detection and training, so
// the tables always see text cut the same way.
//
// Rules: tokens are separated by ASCII white space; a token that starts with
// '@' or '#', or with "http://", "https://" or "www.", is skipped whole. In
// other tokens, letters are case- and accent-folded to a..z; any other
// character ends the current word. Each word w yields the trigrams of " w "
// (a one-letter word yields one). Accented letters add per-language
// penalties, and letters outside the Latin script are counted as foreign.
type scanner struct {
	text     string
	i        int
	p2, p1   uint8 // the two previous codes; p1 == 0 means outside a word
	letters  int   // Latin letters seen
	foreign  int   // letters that no modelled language writes
	words    int
	penalty  [numLangs]uint32
	tokStart bool
}

func newScanner(text string) scanner {
	return scanner{text: text, tokStart: true}
}

// fill writes up to len(buf) trigram indexes and reports how many it wrote.
// It returns 0 only at the end of the text.
func (s *scanner) fill(buf *[64]uint16) int {
	n := 0
	text := s.text
	i := s.i
	p2, p1 := s.p2, s.p1
	for i < len(text) && n < len(buf)-1 {
		b := text[i]
		var code uint8
		if b < utf8.RuneSelf {
			c := asciiClass[b]
			if s.tokStart {
				if skipToken(text[i:]) {
					for i < len(text) && (text[i] >= utf8.RuneSelf || asciiClass[text[i]] != clsSpace) {
						i++
					}
					continue
				}
				s.tokStart = false
			}
			i++
			if c&(clsSpace|clsOther) != 0 {
				if c == clsSpace {
					s.tokStart = true
				}
				if p1 != 0 {
					buf[n] = uint16(p2)*alphabet*alphabet + uint16(p1)*alphabet
					n++
					p2, p1 = 0, 0
				}
				continue
			}
			code = c
		} else {
			s.tokStart = false
			r, size := utf8.DecodeRuneInString(text[i:])
			i += size
			if r >= latinBase && r < 0x180 {
				e := latinTable[r-latinBase]
				code = e.code
				if e.mask == 0 {
					s.foreign++
				} else {
					s.mark(e.mask)
				}
			} else if r == '¿' || r == '¡' {
				s.mark(mES)
			} else if unicode.IsLetter(r) {
				s.foreign++
			}
			if code == 0 {
				if p1 != 0 {
					buf[n] = uint16(p2)*alphabet*alphabet + uint16(p1)*alphabet
					n++
					p2, p1 = 0, 0
				}
				continue
			}
		}
		s.letters++
		if p1 == 0 {
			s.words++
			p2, p1 = 0, code
			continue
		}
		buf[n] = uint16(p2)*alphabet*alphabet + uint16(p1)*alphabet + uint16(code)
		n++
		p2, p1 = p1, code
	}
	if i >= len(text) && p1 != 0 {
		buf[n] = uint16(p2)*alphabet*alphabet + uint16(p1)*alphabet
		n++
		p2, p1 = 0, 0
	}
	s.i, s.p2, s.p1 = i, p2, p1
	return n
}

// mark adds the penalty of one accented letter (or ¿ ¡) to every modelled
// language outside mask.
func (s *scanner) mark(mask uint8) {
	for l := range s.penalty {
		if mask&(1<<l) == 0 {
			s.penalty[l] += markPenalty
		}
	}
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
