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

// byteClass describes a byte in the fields below: its letter code, its
// class, the classes of the byte before it that it sends to the slow path
// of costs, and, for a letter, a count and a mask that carries the letter
// into the next trigram index. The fields are placed so that the inner loop
// of costs (ascii) gets each with one operation, and so that the sum of up
// to 256 byteClasses holds the number of letters in bits 40-48.
var byteClass = func() (t [256]uint64) {
	for i := range t {
		t[i] = nextAny
		if i >= utf8.RuneSelf {
			t[i] |= clsHigh
		}
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= uint64(c-'a'+1) | isLetter | keepMask
		t[c-'a'+'A'] = t[c]
	}
	for _, c := range " \t\n\r\v\f" {
		t[c] |= clsSpace
	}
	for _, c := range "@#hHwW" {
		t[c] |= nextSkip
	}
	return t
}()

// The fields of a byteClass x. Bits 0-14 hold the letter code alone, so
// that x & (1<<tableBits-1) is the code.
const (
	// Bits 0-4: the letter code, 1..26 for an ASCII letter, 0 otherwise.
	codeMask = 0x1f

	// Bits 24-25: the class of a byte that is neither a letter nor another
	// ASCII character, which only ends a word.
	clsSpace = 1 << 24 // ASCII white space: ends a token
	clsHigh  = 1 << 25 // a byte of a multi-byte UTF-8 sequence (or invalid)

	// Bit 40: set for a letter.
	isLetter = 1 << 40

	// Bits 50-51: shifted right by nextShift, the classes of the byte
	// before that go to the slow path: any byte before a non-ASCII one, and
	// white space before '@', '#', 'h' and 'w', which may start a token
	// skipTokens passes over. y>>nextShift has no other bit in common with
	// any byteClass x.
	nextShift = 26
	nextAny   = clsHigh << nextShift
	nextSkip  = clsSpace << nextShift

	// Bits 54-63, set for a letter: shifted right by keepShift, the bits
	// 5-14 of a trigram index (its first two letter codes) as a mask, and
	// nothing above them.
	keepShift = 49
	keepMask  = (1<<tableBits - 1<<5) << keepShift
)

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

// scanner walks a text, adds the costs of its letter trigrams and counts
// its letters and marks. It is the single tokenizer behind detection; the
// training test reads the same trigrams one by one (trigrams in train_test.go; TestCostsSameAsTrigrams).
//
// Rules: tokens are separated by ASCII white space; a token that starts with
// '@' or '#', or with "http://", "https://" or "www.", is skipped whole. In
// other tokens, letters are case- and accent-folded to a..z; any other
// character ends the current word. Each word w yields the trigrams of "  w "
// (so a one-letter word yields two). Accented letters add per-language
// penalties, and letters outside the Latin script are counted as foreign.
type scanner struct {
	text    string
	letters int // letters seen, Latin-script
	marks   [numClasses]uint32
}

// tableBits is the number of bits of a trigram index in a costTable: five
// for each letter code, a<<10 | b<<5 | c for the trigram abc.
const tableBits = 15

// costTable holds, for each trigram index a<<10 | b<<5 | c, the costs of the
// trigram abc in its numLangs bytes, in the order of langTags (byte 0 is
// English). Index 0, three boundaries, is never a trigram and costs 0.
type costTable [1 << tableBits]uint64

// costs scans the text and returns the sums of the costs of its trigrams
// per language (in trigramCosts, which must be loaded), and their number.
//
// Each word w yields the trigrams of "  w " (two boundaries before, one
// after): the first letter alone counts too, as the start of a word.
func (s *scanner) costs() (sums [numLangs]uint32, total int) {
	text := s.text
	i := skipTokens(text, 0)
	var (
		r       run
		pending int // trigrams, at most, in the lanes of r
	)
	// The lanes of r hold 16 bits each, and a trigram adds at most 255 to
	// each: add them to sums before more than 256 trigrams are in them.
	const lanes = 256
	for i < len(text) {
		if pending >= lanes-2 {
			r = r.flush(&sums, &total, &s.letters)
			pending = 0
		}
		// At most one trigram per byte, and text[stop] exists.
		stop := i + min(lanes-2-pending, len(text)-1-i)
		var n int
		n, r.lo, r.hi, r.counts, r.prev = ascii(text[i:stop+1], r.lo, r.hi, r.counts, r.prev)
		i += n
		pending += n + 1
		if i == stop && i != len(text)-1 {
			continue
		}
		// A non-ASCII byte, white space that may precede a skipped token,
		// or the last byte: one step, the slow way.
		x := byteClass[text[i]]
		next := i + 1
		if x&clsHigh != 0 {
			if e, ok := latin2(text, i); ok {
				// rune's common case, inlined.
				s.marks[e.class]++
				x, next = letterClass(e.code), i+2
			} else {
				var code uint8
				code, next = s.rune(text, i)
				x = letterClass(code)
			}
		} else if x&clsSpace != 0 && next < len(text) && skipToken(text[next:]) {
			next = skipTokens(text, next)
		}
		i = next
		r = r.add(x)
	}
	// The end of the last word.
	r = r.add(letterClass(0))
	r.flush(&sums, &total, &s.letters)
	return sums, total
}

// run is the state of costs between its loops.
type run struct {
	// lo + hi<<8 is the sum of the costs as 64-bit words, and hi holds the
	// costs of languages 1, 3, 5 and 7 in 16-bit lanes: so lo - hi<<8 holds
	// those of languages 0, 2, 4 and 6.
	lo, hi uint64
	// The sum of the byteClasses taken, plus trigramUnit for each trigram:
	// the letters in bits 40-48 (isLetter), the trigrams in bits 15-23.
	counts uint64
	// The trigram index of the previous two letter codes a and b and a
	// next code 0, a<<10 | b<<5; 0 outside a word.
	prev uint64
}

// trigramUnit counts a trigram in run.counts: bits 15-23 of a sum of up to
// 256 byteClasses are 0, as its bits 0-12 hold the sum of letter codes.
const trigramUnit = 1 << tableBits

// letterClass returns the byteClass of the ASCII letter with code c, or
// for 0 that of '`', a byte that only ends a word.
func letterClass(c uint8) uint64 {
	return byteClass['a'-1+c]
}

// add takes the byteClass x of a byte that is a letter or ends a word.
//
// Without a branch, since whether a byte ends a word is as random as word
// lengths: idx is x's letter code after the previous two, which is the first
// trigram of a word when r.prev is 0, a word's end when the code is 0, and
// index 0, which costs nothing, when both are 0 (outside a word).
func (r run) add(x uint64) run {
	r.lo, r.hi, r.counts, r.prev = add(r.lo, r.hi, r.counts, r.prev, x)
	return r
}

// add is run.add on the fields of a run, for the inner loop.
func add(lo, hi, counts, prev, x uint64) (uint64, uint64, uint64, uint64) {
	u := prev | x
	idx := u & (1<<tableBits - 1)
	e := trigramCosts[idx]
	lo += e
	hi += (e >> 8) & 0x00ff00ff00ff00ff
	counts += x
	counts += (idx + trigramUnit - 1) & trigramUnit // trigramUnit unless idx is 0
	// The second letter code becomes the first, x's code the second, or
	// both 0 when x is not a letter.
	prev = (u << 5) & (x >> keepShift)
	return lo, hi, counts, prev
}

// ascii steps through the bytes of t, as run.add with lo, hi, counts and
// prev, and returns how many it took and the new values: it stops at a
// non-ASCII byte, at white space before '@', '#', 'h' or 'w', and at the
// last byte of t.
func ascii(t string, lo, hi, counts, prev uint64) (int, uint64, uint64, uint64, uint64) {
	if len(t) < 2 {
		return 0, lo, hi, counts, prev
	}
	x := byteClass[t[0]]
	j := 0
	// Two bytes a step while both go (half the loop's overhead), then
	// one.
	for ; j < len(t)-2; j += 2 {
		y, z := byteClass[t[j+1]], byteClass[t[j+2]]
		if x&(y>>nextShift) != 0 || y&(z>>nextShift) != 0 {
			break
		}
		lo, hi, counts, prev = add(lo, hi, counts, prev, x)
		lo, hi, counts, prev = add(lo, hi, counts, prev, y)
		x = z
	}
	for ; j < len(t)-1; j++ {
		y := byteClass[t[j+1]]
		if x&(y>>nextShift) != 0 {
			break
		}
		lo, hi, counts, prev = add(lo, hi, counts, prev, x)
		x = y
	}
	return j, lo, hi, counts, prev
}

// flush adds the lanes and counts of r to sums, total and letters and
// returns r emptied.
func (r run) flush(sums *[numLangs]uint32, total, letters *int) run {
	even := r.lo - r.hi<<8
	for l := range numLangs / 2 {
		sums[2*l] += uint32(even>>(16*l)) & 0xffff
		sums[2*l+1] += uint32(r.hi>>(16*l)) & 0xffff
	}
	*letters += int(r.counts>>40) & 0x1ff
	*total += int(r.counts>>tableBits) & 0x1ff
	return run{prev: r.prev}
}

// rune decodes the non-ASCII character at text[j] and returns its letter
// code (0 when it is not a letter of the Latin alphabet) and the position
// after it. It records marks and foreign letters on the way.
func (s *scanner) rune(text string, j int) (uint8, int) {
	if e, ok := latin2(text, j); ok {
		s.marks[e.class]++
		return e.code, j + 2
	}
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
	if r == '¿' || r == '¡' {
		s.marks[classES]++
	} else if unicode.IsLetter(r) {
		s.marks[classForeign]++
	}
	return 0, next
}

// latin2 returns the latinTable entry of the character at text[j] when
// it is one of U+00C0..U+017F, which take two bytes from 0xC3 0x80 to
// 0xC5 0xBF. It is small enough to inline, so that costs calls rune only
// for the other characters.
func latin2(text string, j int) (latinLetter, bool) {
	if j+1 < len(text) {
		if b, c := text[j], text[j+1]; b-0xC3 <= 0xC5-0xC3 && c&0xC0 == 0x80 {
			return latinTable[int(b&0x1F)<<6|int(c&0x3F)-latinBase], true
		}
	}
	return latinLetter{}, false
}

// skipTokens returns the position of the next token at or after i that is
// worth reading: it passes white space and whole tokens that are mentions,
// hashtags or links, which say nothing about the language.
func skipTokens(text string, i int) int {
	for i < len(text) {
		b := text[i]
		if byteClass[b]&clsSpace != 0 {
			i++
			continue
		}
		if b != '@' && b != '#' && b|0x20 != 'h' && b|0x20 != 'w' || !skipToken(text[i:]) {
			return i
		}
		for i < len(text) && byteClass[text[i]]&clsSpace == 0 {
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
