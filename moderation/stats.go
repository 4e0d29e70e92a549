package moderation

import (
	"math/bits"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/grapheme"
)

// textFacts are what the caps_ratio, length and emoji conditions read.
type textFacts struct {
	letters, upper, runes, emoji int
}

// The bits of charClass.
const (
	// cLetter: unicode.IsLetter.
	cLetter = 1 << iota
	// cUpper: a letter that unicode.IsUpper or unicode.IsTitle.
	cUpper
	// cJoins: after an ASCII letter, in the same grapheme cluster (an
	// Extend, ZWJ or SpacingMark character, as grapheme.NextEmoji reads
	// it).
	cJoins
	// cEmoji: © and ®, the only characters below U+0800 that start an
	// emoji (with U+FE0F).
	cEmoji
)

// charClass classifies the characters below U+0800 (one or two bytes of
// UTF-8), computed from the unicode and grapheme packages so that it
// agrees with them by construction.
var charClass = func() (t [0x800]uint8) {
	for r := rune(0); r < 0x800; r++ {
		var letter bool
		switch {
		case r < utf8.RuneSelf:
			letter = r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
		case r < 0x250:
			letter = latinLetter(r)
		default:
			letter = unicode.IsLetter(r)
		}
		if letter {
			t[r] |= cLetter
			if unicode.IsUpper(r) || unicode.IsTitle(r) {
				t[r] |= cUpper
			}
		}
		if r >= utf8.RuneSelf {
			if n, _ := grapheme.NextEmoji("a" + string(r)); n != 1 {
				t[r] |= cJoins
			}
		}
		if r == 0xA9 || r == 0xAE {
			t[r] |= cEmoji
		}
	}
	return t
}()

// latinLetter is unicode.IsLetter for r from U+0080 to U+024F.
func latinLetter(r rune) bool {
	return r >= 0xC0 && r != 0xD7 && r != 0xF7 || r == 0xAA || r == 0xB5 || r == 0xBA
}

const (
	lanes8 = 0x0101010101010101
	high8  = 0x8080808080808080
)

// asciiRange returns the high bit of each byte of x (all bytes below
// 0x80) that is from lo to hi.
func asciiRange(x uint64, lo, hi byte) uint64 {
	ge := x + (0x80-uint64(lo))*lanes8   // high bit: byte >= lo
	gt := x + (0x80-uint64(hi)-1)*lanes8 // high bit: byte > hi
	return ge &^ gt & high8
}

// add8 counts the letters and upper-case letters of the ASCII bytes of x
// (zero bytes count as nothing). Setting bit 5 of a byte maps A-Z onto
// a-z and no other ASCII byte into a-z, so one range test finds letters.
func (f *textFacts) add8(x uint64) {
	f.upper += bits.OnesCount64(asciiRange(x, 'A', 'Z'))
	f.letters += bits.OnesCount64(asciiRange(x|0x20*lanes8, 'a', 'z'))
}

// addRune counts one character.
func (f *textFacts) addRune(r rune) {
	f.runes++
	if r < 0x800 {
		c := charClass[r]
		f.letters += int(c & cLetter)
		f.upper += int(c&cUpper) >> 1
		return
	}
	if unicode.IsLetter(r) {
		f.letters++
		if unicode.IsUpper(r) || unicode.IsTitle(r) {
			f.upper++
		}
	}
}

// textStats counts, in one pass, the letters, the upper-case (or
// title-case) letters, the characters and the emoji of text. Letters and
// characters are code points as utf8.DecodeRuneInString reads them (an
// invalid byte is one character, no letter). Emoji are counted as the
// engine always did: ASCII, and characters below U+2000 other than © and
// ®, start no emoji, and every other place is asked of
// grapheme.NextEmoji, which reads one cluster. ASCII text is read eight
// bytes at a time; an ASCII byte followed by another character is asked
// of NextEmoji only when that character may join its cluster (charClass).
func textStats(text string) textFacts {
	var f textFacts
	n := len(text)
	// afterASCII: text[i-1] is an ASCII byte that is a cluster of its own
	// unless text[i] joins it (the other characters of a cluster are
	// counted with it).
	afterASCII := false
	for i := 0; i < n; {
		if i+8 <= n {
			x := grapheme.Load64(text, i)
			other := x & high8
			if other == 0 {
				f.add8(x)
				f.runes += 8
				i += 8
				afterASCII = true
				continue
			}
			// The ASCII bytes below the first other one (little-endian:
			// the low bytes).
			if k := bits.TrailingZeros64(other) >> 3; k > 0 {
				f.add8(x & (1<<(8*k) - 1))
				f.runes += k
				i += k
				afterASCII = true
			}
		}
		b := text[i]
		if b < utf8.RuneSelf {
			f.addRune(rune(b))
			i++
			afterASCII = true
			continue
		}
		if b >= 0xC2 && b < 0xE0 && i+1 < n && text[i+1]&0xC0 == 0x80 {
			// Below U+0800: no emoji but © and ®.
			cl := charClass[rune(b&0x1F)<<6|rune(text[i+1]&0x3F)]
			if cl&cEmoji == 0 && (!afterASCII || cl&cJoins == 0) {
				f.runes++
				f.letters += int(cl & cLetter)
				f.upper += int(cl&cUpper) >> 1
				i += 2
				afterASCII = false
				continue
			}
		} else if !afterASCII {
			if r, size := utf8.DecodeRuneInString(text[i:]); r < 0x2000 && r != 0xA9 && r != 0xAE {
				// Letters, marks and punctuation below U+2000 start no
				// emoji.
				f.addRune(r)
				i += size
				continue
			}
		}
		if afterASCII {
			i = f.cluster(text, i-1, i)
		} else {
			i = f.cluster(text, i, i)
		}
		afterASCII = false
	}
	return f
}

// cluster counts the grapheme cluster that starts at text[i], whose
// characters from text[from] on are not counted yet, and returns where it
// ends.
func (f *textFacts) cluster(text string, i, from int) int {
	size, emoji := grapheme.NextEmoji(text[i:])
	if emoji {
		f.emoji++
	}
	end := i + size
	for from < end {
		b := text[from]
		if b < utf8.RuneSelf {
			f.addRune(rune(b))
			from++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[from:])
		f.addRune(r)
		from += n
	}
	return end
}

// textBounds are what one cheap pass over the bytes of a text tells of
// its textFacts, to decide most caps_ratio, length and emoji conditions
// without textStats.
type textBounds struct {
	// n is the length in bytes.
	n int
	// upperASCII and lettersASCII count the ASCII letters (each ASCII
	// byte is a character of its own).
	upperASCII, lettersASCII int
	// lead counts the bytes from 0xC0 up: every character above ASCII,
	// letter or not, starts with one (invalid bytes are no letters).
	lead int
	// high counts the bytes from 0x80 up. The others, and the bytes
	// from 0xC0 up, each start a character, so there are at least
	// n-high+lead characters.
	high int
	// big counts the bytes from 0xE0 up, and 0xC2. Every emoji holds a
	// character from U+0800 up, or © or ® (0xC2 0xA9 and 0xC2 0xAE; see
	// charClass), and the emoji of a text are disjoint clusters, so
	// there are at most big emoji.
	big int
	// capsLo and capsHi are capsRange.
	capsLo, capsHi float64
}

// textBoundsOf reads text eight bytes at a time. marks counts the kinds
// of bytes of a word in per-byte counters of four bits, which textBounds
// sums every 15 words, before one could exceed 15.
func textBoundsOf(text string) textBounds {
	b := textBounds{n: len(text)}
	i := 0
	for i+8 <= len(text) {
		end := min(len(text), i+15*8)
		var letters, high, big uint64
		for ; i+8 <= end; i += 8 {
			x := grapheme.Load64(text, i)
			// marks, through its inlined parts: the loop calls nothing,
			// and has no branch on ASCII, which mixed texts mispredict.
			h, g := highMarks(x)
			letters += letterMarks(x)
			high += h
			big += g
		}
		b.add(letters, high, big)
	}
	if i < len(text) {
		b.add(marks(grapheme.LoadTail(text, i)))
	}
	return b
}

// marks returns per-byte counts (one or zero) of the bytes of x: in
// letters, ASCII letters in the low four bits and ASCII upper-case letters
// in the high four; in high, bytes from 0x80 in the low four bits and
// from 0xC0 in the high four; in big, bytes from 0xE0 and 0xC2.
func marks(x uint64) (letters, high, big uint64) {
	// Bit 7 of x<<k is bit 7-k of the same byte. Setting bit 5 maps A-Z
	// onto a-z and no other ASCII byte into a-z; the upper-case letters
	// are the letters without bit 5.
	if x&high8 == 0 {
		l := asciiRange(x|0x20*lanes8, 'a', 'z')
		return l>>7 | (l&^(x<<2))>>3, 0, 0
	}
	h, g := highMarks(x)
	return letterMarks(x), h, g
}

// letterMarks is marks' letters for any x. Clearing bit 7 keeps the sums
// of asciiRange inside each byte; the bytes that had it are then dropped.
func letterMarks(x uint64) uint64 {
	l := asciiRange(x&^high8|0x20*lanes8, 'a', 'z') &^ x
	return l>>7 | (l&^(x<<2))>>3
}

// highMarks is marks' high and big.
func highMarks(x uint64) (high, big uint64) {
	h := x & high8
	lead := h & (x << 1)
	// t has a zero byte where x has 0xC2; (t-lanes8)&^t marks each zero
	// byte (and may mark more above one, which only loosens the bound).
	t := x ^ 0xC2*lanes8
	return h>>7 | lead>>3, (lead&(x<<2) | (t-lanes8)&^t&high8) >> 7
}

// add adds the counts of marks into b.
func (b *textBounds) add(letters, high, big uint64) {
	const low4 = 0x0F * lanes8
	// Multiplying by lanes8 sums the bytes into the top byte.
	sum := func(c uint64) int { return int(c * lanes8 >> 56) }
	b.lettersASCII += sum(letters & low4)
	b.upperASCII += sum(letters >> 4 & low4)
	b.high += sum(high & low4)
	b.lead += sum(high >> 4 & low4)
	b.big += sum(big)
}

// emojiMax returns the bound on the emoji (see big).
func (b *textBounds) emojiMax() int { return b.big }

// runesMin returns the bound below the characters (see high).
func (b *textBounds) runesMin() int { return b.n - b.high + b.lead }

// capsRange returns bounds of the caps ratio (upper / letters, 0 without
// letters), as float64 divisions round them: the non-ASCII letters, and
// upper-case letters among them, are at most lead.
func (b *textBounds) capsRange() (lo, hi float64) {
	ua, la, nl := float64(b.upperASCII), float64(b.lettersASCII), float64(b.lead)
	switch {
	case b.lead == 0:
		if b.lettersASCII == 0 {
			return 0, 0
		}
		r := ua / la
		return r, r
	case b.lettersASCII == 0:
		return 0, 1
	}
	// With u ≤ l ≤ lead non-ASCII letters of which u upper case, the
	// ratio (ua+u)/(la+l) is at least ua/(la+lead) and at most
	// (ua+l)/(la+l) ≤ (ua+lead)/(la+lead) (ua ≤ la). Rounding is
	// monotonic, so the float64 ratio keeps within the rounded bounds.
	return ua / (la + nl), (ua + nl) / (la + nl)
}

// decide reports whether x, known to be from lo to hi, is in n's range
// (ok), or that it cannot tell (!known).
func decide(lo, hi float64, n *node) (ok, known bool) {
	if lo >= n.lo && hi <= n.hi {
		return true, true
	}
	if hi < n.lo || lo > n.hi {
		return false, true
	}
	return false, false
}
