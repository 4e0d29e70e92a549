package textnorm

// This file freezes the normalizer as it was before the 8-bytes-at-a-time
// rewrite (commit f9bc578), renamed with a "ref" prefix, as the reference
// that the differential tests (diff_test.go) compare Normalizer with. Do
// not optimize it.

import (
	"unicode"
	"unicode/utf8"
)

// Normalizer folds text as its Options say. The zero value folds case,
// accents, invisible characters, look-alikes and white space only.
type refNormalizer struct {
	opts Options
}

// New returns a Normalizer with opts.
func refNew(opts Options) refNormalizer { return refNormalizer{opts: opts} }

// Options returns the options n was built with.
func (n refNormalizer) Options() Options { return n.opts }

// Buffer receives a normalized text and its offset map. Reuse one per
// goroutine: Normalize resets it and grows it only when a text is longer
// than any before.
type refBuffer struct {
	// Text is the normalized text, valid UTF-8.
	Text []byte
	// Starts gives, for each byte of Text, the offset in the original of
	// the character it came from. It is non-decreasing; the bytes that one
	// original character became share its offset.
	Starts []int32
	// srcLen is the length of the original.
	srcLen int
	// long holds, in order, the indexes in Text of the letters written
	// once for a run of three or more (CollapseRepeats).
	long []int32
	// ones holds, in order, the indexes in Text of the "i"s read from a
	// "1" (Leet).
	ones []int32
	// sylFrom is the index in Text of the first separator written after
	// a letter or digit, or -1 (JoinSyllables).
	sylFrom int
	// joined and joinedAt are the words joined from syllables and, per
	// byte, its index in Text (-1 for the space between words).
	joined   []byte
	joinedAt []int32
}

// Repeated reports whether the letter at Text[i] was written once for a
// run of three or more of it (Options.CollapseRepeats): "ooo" in
// "gooowno".
func (b *refBuffer) Repeated(i int) bool { return refHas(b.long, i) }

// Ambiguous reports whether Text[i] is an "i" read from a "1"
// (Options.Leet), which may as well stand for an "l".
func (b *refBuffer) Ambiguous(i int) bool { return refHas(b.ones, i) }

// Joined returns the words of Text made of short chunks joined by
// separators (Options.JoinSyllables), with the separators dropped and one
// space between words, and for each of its bytes the index in Text it was
// copied from (-1 for those spaces). Both are empty without the option
// and when Text has no such word. A chunk starts where index jumps.
func (b *refBuffer) Joined() (text []byte, index []int32) { return b.joined, b.joinedAt }

// has reports whether the sorted list l holds i.
func refHas(l []int32, i int) bool {
	lo, hi := 0, len(l)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if l[m] < int32(i) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(l) && l[lo] == int32(i)
}

// Span returns the original byte range that the normalized range
// Text[i:j] came from (0 <= i < j <= len(Text)): from the first original
// character written at i up to the next one written after j-1, so that
// the characters dropped inside or right after the range (accents typed
// as combining marks, zero-width characters, repeated letters, joined
// separators) belong to it.
func (b *refBuffer) Span(i, j int) (start, end int) {
	if j < len(b.Text) {
		return int(b.Starts[i]), int(b.Starts[j])
	}
	return int(b.Starts[i]), b.srcLen
}

// Whole reports whether Text[i:j] covers whole units of the original:
// it neither starts nor ends inside the expansion of one original
// character ("s" in the "ss" of "ß").
func (b *refBuffer) Whole(i, j int) bool {
	return (i == 0 || b.Starts[i] != b.Starts[i-1]) && (j == len(b.Text) || b.Starts[j] != b.Starts[j-1])
}

// Byte classes of ASCII.
const (
	refCOther  = iota // punctuation and symbols: end a word
	refCLetter        // a-z after folding
	refCDigit
	refCSpace
	refCDrop // control characters other than white space
)

var (
	refAsciiFold  [128]byte
	refAsciiClass [128]uint8
	refLeetMap    = [128]byte{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', '$': 's', '!': 'i'}
	refSeparator  = [128]bool{'.': true, '-': true, '_': true, '*': true, '/': true, '|': true, '+': true, '~': true, ':': true, ' ': true}
)

func init() {
	for c := 0; c < 128; c++ {
		b := byte(c)
		switch {
		case b >= 'A' && b <= 'Z':
			refAsciiFold[c], refAsciiClass[c] = b+'a'-'A', refCLetter
		case b >= 'a' && b <= 'z':
			refAsciiFold[c], refAsciiClass[c] = b, refCLetter
		case b >= '0' && b <= '9':
			refAsciiFold[c], refAsciiClass[c] = b, refCDigit
		case b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r':
			refAsciiFold[c], refAsciiClass[c] = ' ', refCSpace
		case b < 0x20 || b == 0x7f:
			refAsciiClass[c] = refCDrop
		default:
			refAsciiFold[c], refAsciiClass[c] = b, refCOther
		}
	}
}

// fold returns the replacement of the non-ASCII rune r: keep reports that r
// is written as it is; otherwise s replaces it ("" drops it).
func refFold(r rune) (s string, keep bool) {
	if uint32(r) >= 0x110000 {
		return "", true
	}
	v := foldValues[int(foldIndex[r>>foldShift])<<foldShift|int(r&(1<<foldShift-1))]
	switch v {
	case 0:
		return "", true
	case 1:
		return "", false
	}
	return foldData[v>>8 : v>>8+v&0xff], false
}

// state is the running state of one Normalize call.
type refState struct {
	b         *refBuffer
	unitStart int  // index in Text of the last unit written
	tokStart  int  // index in Text of the current word, -1 outside words
	tokLetter bool // the current word has a letter
	tokLeet   bool // the current word has a l33t candidate
	joinUntil int  // JoinSeparated: separators before this source offset are dropped
}

// Normalize resets b and writes the normalization of src into it.
func (n refNormalizer) Normalize(b *refBuffer, src string) {
	b.Text, b.Starts, b.srcLen = b.Text[:0], b.Starts[:0], len(src)
	b.long, b.ones, b.sylFrom, b.joined, b.joinedAt = b.long[:0], b.ones[:0], -1, b.joined[:0], b.joinedAt[:0]
	if cap(b.Text) < len(src) || cap(b.Starts) < len(src) {
		// Most texts keep or shrink their length; grow once for them.
		b.Text = make([]byte, 0, len(src)+len(src)/4)
		b.Starts = make([]int32, 0, cap(b.Text))
	}
	st := refState{b: b, unitStart: -1, tokStart: -1}
	opts := n.opts
	plain := !opts.Leet && !opts.CollapseRepeats && !opts.JoinSeparated && !opts.JoinSyllables
	i := 0
	if !plain && !refNoFast {
		n.optsRun(&st, src)
		i = len(src)
	}
	for i < len(src) {
		c := src[i]
		if c < utf8.RuneSelf {
			if plain {
				i = st.asciiRun(src, i)
				continue
			}
			if refAsciiClass[c] == refCLetter {
				i = n.letterRun(&st, src, i)
				continue
			}
			n.ascii(&st, src, i, c, refAsciiClass[c])
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if r == utf8.RuneError && size == 1 {
			// Invalid UTF-8: dropped, so that Text stays valid.
			i++
			continue
		}
		rep, keep := refFold(r)
		if keep {
			rep = src[i : i+size]
		}
		if plain {
			// Without options only white space needs a second look.
			if rep != "" && (rep != " " || len(b.Text) == 0 || b.Text[len(b.Text)-1] != ' ') {
				st.write(i, rep)
			}
		} else {
			n.unit(&st, src, i, i+size, rep)
		}
		i += size
	}
	n.endWord(&st)
	if opts.JoinSyllables && b.sylFrom >= 0 {
		b.joinSyllables(min(b.sylFrom, len(b.Text)))
	}
}

// asciiRun writes the run of ASCII bytes that starts at src[i], without
// options, and returns where the run ends. It is the hot loop: one table
// lookup per byte, and the buffers are grown once for the whole run.
func (st *refState) asciiRun(src string, i int) int {
	b := st.b
	w := len(b.Text)
	if need := w + len(src) - i; cap(b.Text) < need || cap(b.Starts) < need {
		st.grow(need)
	}
	t, s := b.Text[:cap(b.Text)], b.Starts[:cap(b.Starts)]
	unit := st.unitStart
	n := min(len(t), len(s))
	t, s = t[:n], s[:n]
	j := i
	for ; j < len(src); j++ {
		c := src[j]
		if c >= utf8.RuneSelf {
			break
		}
		f := refAsciiFold[c]
		if f == ' ' && w > 0 && t[w-1] == ' ' || f == 0 {
			continue // white space collapses; control characters drop
		}
		if w >= n {
			panic("textnorm: buffer sized wrong") // unreachable: grown above
		}
		t[w] = f
		s[w] = int32(j)
		unit = w
		w++
	}
	b.Text, b.Starts = t[:w], s[:w]
	st.unitStart = unit
	return j
}

// letterRun writes the run of ASCII letters that starts at src[i] when
// options are on, and returns where the run ends: the letters of a word
// need no more than case folding and, with CollapseRepeats, a look at the
// letter before. It is asciiRun's loop specialized for options on purpose:
// one loop with both cases measured about 20% slower without options.
func (n refNormalizer) letterRun(st *refState, src string, i int) int {
	b := st.b
	w := len(b.Text)
	if need := w + len(src) - i; cap(b.Text) < need || cap(b.Starts) < need {
		st.grow(need)
	}
	t, s := b.Text[:cap(b.Text)], b.Starts[:cap(b.Starts)]
	m := min(len(t), len(s))
	t, s = t[:m], s[:m]
	if st.tokStart < 0 {
		st.tokStart = w
	}
	st.tokLetter = true
	collapse := n.opts.CollapseRepeats
	unit := st.unitStart
	j := i
	for ; j < len(src); j++ {
		c := src[j]
		if c >= utf8.RuneSelf || refAsciiClass[c] != refCLetter {
			break
		}
		f := refAsciiFold[c]
		if collapse && unit >= 0 && unit == w-1 && t[unit] == f && unit >= st.tokStart {
			if nl := len(b.long); nl > 0 && b.long[nl-1] == int32(unit) {
				continue // the fourth or later of a run
			}
			if p := unit - 1; p >= st.tokStart && t[p] == f && (p == 0 || s[p-1] != s[p]) {
				// The third of a run: the second is taken back, and the
				// first stands for all of them.
				w--
				unit = p
				b.long = append(b.long, int32(p))
				continue
			}
		}
		if w >= m {
			panic("textnorm: buffer sized wrong") // unreachable: grown above
		}
		t[w] = f
		s[w] = int32(j)
		unit = w
		w++
	}
	b.Text, b.Starts = t[:w], s[:w]
	st.unitStart = unit
	return j
}

// Classes of ASCII bytes for optsRun, with options on.
const (
	refFSlow   = iota // needs a look at its context: ascii
	refFLetter        // a letter
	refFDigit         // a digit
	refFSpace         // white space
	refFPunct         // punctuation that is no separator and no l33t symbol
)

var refFastClass [128]uint8

// fold2 gives, for each character of two bytes in UTF-8 (U+0080 to
// U+07FF, by code point), the ASCII letter it folds to, drop2 when it is
// dropped, or 0 when it needs fold.
var refFold2 [0x800]byte

const refDrop2 = 0xff

func init() {
	for c := 0; c < 128; c++ {
		switch refAsciiClass[c] {
		case refCLetter:
			refFastClass[c] = refFLetter
		case refCDigit:
			refFastClass[c] = refFDigit
		case refCSpace:
			refFastClass[c] = refFSpace
		case refCOther:
			if !refSeparator[c] && refLeetMap[c] == 0 {
				refFastClass[c] = refFPunct
			}
		}
	}
	for r := rune(0); r < 0x800; r++ {
		if r < utf8.RuneSelf {
			refAlnum2[r] = refAsciiClass[r] == refCLetter || refAsciiClass[r] == refCDigit
			continue
		}
		refAlnum2[r] = unicode.IsLetter(r) || unicode.IsDigit(r)
		rep, keep := refFold(r)
		switch {
		case keep:
		case rep == "":
			refFold2[r] = refDrop2
		case len(rep) == 1 && refAsciiClass[rep[0]] == refCLetter:
			refFold2[r] = rep[0]
		}
	}
}

// noFast turns optsRun off, for tests that compare it with the general
// path.
var refNoFast = false

// optsRun writes the normalization of src with options on. The
// characters that need no look beyond the current word (letters, digits,
// white space between words, punctuation other than separators and l33t
// symbols, and characters of two bytes that fold to one ASCII letter or
// to nothing) it writes itself, with the state in local variables and no
// call per character; the others go to ascii and unit.
func (n refNormalizer) optsRun(st *refState, src string) {
	b := st.b
	collapse, leet, joinSep := n.opts.CollapseRepeats, n.opts.Leet, n.opts.JoinSeparated
	for j := 0; j < len(src); {
		w := len(b.Text)
		if need := w + len(src) - j; cap(b.Text) < need || cap(b.Starts) < need {
			st.grow(need)
		}
		t, s := b.Text[:cap(b.Text)], b.Starts[:cap(b.Starts)]
		m := min(len(t), len(s))
		t, s = t[:m], s[:m]
		unit, tokStart, tokLetter, tokLeet := st.unitStart, st.tokStart, st.tokLetter, st.tokLeet
		// an counts the letters and digits right before src[j], up to two.
		an := 0
	fast:
		for j < len(src) {
			c := src[j]
			k := j // the start of the character
			var f byte
			if c < utf8.RuneSelf {
				switch refFastClass[c] {
				case refFLetter:
					f = refAsciiFold[c]
					j++
				case refFDigit:
					if tokStart < 0 {
						tokStart = w
					}
					if leet && refLeetMap[c] != 0 {
						tokLeet = true
					}
					if w >= m {
						panic("textnorm: buffer sized wrong") // unreachable: grown above
					}
					t[w], s[w], unit = c, int32(j), w
					w++
					j++
					an++
					continue
				case refFSpace:
					if joinSep && (an < 2 || j < st.joinUntil) {
						// Separated letters, or the end of a word of one
						// letter or of none: join has a look.
						break fast
					}
					an = 0
					if tokStart >= 0 {
						if leet && tokLeet && tokLetter {
							b.Text, b.Starts, st.unitStart = t[:w], s[:w], unit
							st.tokStart, st.tokLetter, st.tokLeet = tokStart, tokLetter, tokLeet
							n.endWord(st)
						}
						tokStart, tokLetter, tokLeet = -1, false, false
					}
					if w == 0 || t[w-1] != ' ' {
						if w >= m {
							panic("textnorm: buffer sized wrong") // unreachable: grown above
						}
						t[w], s[w], unit = ' ', int32(j), w
						w++
					}
					j++
					continue
				case refFPunct:
					an = 0
					if tokStart >= 0 {
						if leet && tokLeet && tokLetter {
							b.Text, b.Starts, st.unitStart = t[:w], s[:w], unit
							st.tokStart, st.tokLetter, st.tokLeet = tokStart, tokLetter, tokLeet
							n.endWord(st)
						}
						tokStart, tokLetter, tokLeet = -1, false, false
					}
					if w >= m {
						panic("textnorm: buffer sized wrong") // unreachable: grown above
					}
					t[w], s[w], unit = c, int32(j), w
					w++
					j++
					continue
				default:
					break fast
				}
			} else if c >= 0xc2 && c <= 0xdf && j+1 < len(src) && src[j+1]&0xc0 == 0x80 {
				// A character of two bytes: Latin, Greek, Cyrillic.
				r := int(c&0x1f)<<6 | int(src[j+1]&0x3f)
				v := refFold2[r]
				if v == 0 {
					break fast
				}
				j += 2
				if v == refDrop2 {
					an = 0
					continue
				}
				if !refAlnum2[r] {
					an = -1 // counts up to 0 below
				}
				f = v
			} else {
				break fast
			}
			// A letter f, for the character at src[k].
			an++
			if tokStart < 0 {
				tokStart = w
			}
			tokLetter = true
			if collapse && unit >= 0 && unit == w-1 && t[unit] == f && unit >= tokStart {
				if nl := len(b.long); nl > 0 && b.long[nl-1] == int32(unit) {
					continue // the fourth or later of a run
				}
				if p := unit - 1; p >= tokStart && t[p] == f && (p == 0 || s[p-1] != s[p]) {
					// The third of a run: the second is taken back, and the
					// first stands for all of them.
					w--
					unit = p
					b.long = append(b.long, int32(p))
					continue
				}
			}
			if w >= m {
				panic("textnorm: buffer sized wrong") // unreachable: grown above
			}
			t[w], s[w], unit = f, int32(k), w
			w++
		}
		b.Text, b.Starts = t[:w], s[:w]
		st.unitStart, st.tokStart, st.tokLetter, st.tokLeet = unit, tokStart, tokLetter, tokLeet
		if j >= len(src) {
			break
		}
		// A character for the general path.
		if c := src[j]; c < utf8.RuneSelf {
			n.ascii(st, src, j, c, refAsciiClass[c])
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(src[j:])
		if r == utf8.RuneError && size == 1 {
			j++ // invalid UTF-8: dropped
			continue
		}
		rep, keep := refFold(r)
		if keep {
			rep = src[j : j+size]
		}
		n.unit(st, src, j, j+size, rep)
		j += size
	}
}

// grow makes room for need bytes in both slices of the buffer.
func (st *refState) grow(need int) {
	b := st.b
	n := need + need/4 + 16
	t := make([]byte, len(b.Text), n)
	copy(t, b.Text)
	s := make([]int32, len(b.Starts), n)
	copy(s, b.Starts)
	b.Text, b.Starts = t, s
}

// space handles the white-space character at src[i]: it ends a word,
// collapses into a space just written, and may separate single letters.
func (n refNormalizer) space(st *refState, src string, i int) {
	if n.opts.JoinSeparated && i < st.joinUntil {
		return
	}
	n.endWord(st)
	if t := st.b.Text; len(t) > 0 && t[len(t)-1] == ' ' {
		return
	}
	st.write(i, " ")
	if n.opts.JoinSeparated {
		n.join(st, src, i)
	}
}

// ascii handles one ASCII byte at src[i].
func (n refNormalizer) ascii(st *refState, src string, i int, c byte, cls uint8) {
	b := st.b
	switch cls {
	case refCDrop:
		return
	case refCSpace:
		n.space(st, src, i)
		return
	case refCOther:
		if n.opts.JoinSeparated && i < st.joinUntil && refSeparator[c] {
			return
		}
		if n.opts.Leet && refLeetMap[c] != 0 && n.leetSymbol(st, src, i, c) {
			if st.tokStart < 0 {
				st.tokStart = len(b.Text)
			}
			st.writeByte(i, c)
			st.tokLeet = true
			return
		}
		n.endWord(st)
		if n.opts.JoinSyllables && refSeparator[c] {
			st.separatorAfter()
		}
		st.writeByte(i, c)
		if n.opts.JoinSeparated && refSeparator[c] {
			n.join(st, src, i)
		}
		return
	}
	// A letter or digit.
	f := refAsciiFold[c]
	if n.opts.CollapseRepeats && cls == refCLetter && st.collapse(string(refAsciiFold[c:c+1])) {
		return
	}
	if st.tokStart < 0 {
		st.tokStart = len(b.Text)
	}
	if cls == refCLetter {
		st.tokLetter = true
	} else if n.opts.Leet && refLeetMap[c] != 0 {
		st.tokLeet = true
	}
	st.writeByte(i, f)
}

// leetSymbol reports whether the symbol c at src[i] is a l33t letter: "@"
// and "$" inside a word or "$" before a letter, "!" between letters.
func (n refNormalizer) leetSymbol(st *refState, src string, i int, c byte) bool {
	inWord := st.tokStart >= 0
	nextLetter := i+1 < len(src) && src[i+1] < utf8.RuneSelf && refAsciiClass[src[i+1]] == refCLetter
	switch c {
	case '@':
		return inWord
	case '$':
		return inWord || nextLetter
	case '!':
		return inWord && nextLetter
	}
	return false
}

// unit writes the replacement rep of the original src[i:j] (a non-ASCII
// rune).
func (n refNormalizer) unit(st *refState, src string, i, j int, rep string) {
	b := st.b
	if rep == "" {
		return
	}
	r, _ := utf8.DecodeRuneInString(rep)
	switch {
	case r == ' ':
		n.space(st, src, i)
	case r < utf8.RuneSelf && refAsciiClass[r] == refCOther || r >= utf8.RuneSelf && !refIsAlnum(r):
		if n.opts.JoinSeparated && i < st.joinUntil && r == '·' {
			return
		}
		n.endWord(st)
		if n.opts.JoinSyllables && r == '·' {
			st.separatorAfter()
		}
		st.write(i, rep)
		if n.opts.JoinSeparated && r == '·' {
			n.join(st, src, i)
		}
	default:
		if n.opts.CollapseRepeats && unicode.IsLetter(r) && st.collapse(rep) {
			return
		}
		if st.tokStart < 0 {
			st.tokStart = len(b.Text)
		}
		if unicode.IsLetter(r) {
			st.tokLetter = true
		}
		if n.opts.Leet {
			for k := 0; k < len(rep); k++ {
				if refLeetMap[rep[k]&0x7f] != 0 && rep[k] < utf8.RuneSelf {
					st.tokLeet = true
				}
			}
		}
		st.write(i, rep)
	}
}

// endWord closes the current word, reading its l33t characters as letters
// when it has a letter.
func (n refNormalizer) endWord(st *refState) {
	if st.tokStart < 0 {
		return
	}
	if n.opts.Leet && st.tokLeet && st.tokLetter {
		t := st.b.Text
		for k := st.tokStart; k < len(t); k++ {
			if c := t[k]; c < utf8.RuneSelf && refLeetMap[c] != 0 {
				t[k] = refLeetMap[c]
				if c == '1' {
					st.b.ones = append(st.b.ones, int32(k))
				}
			}
		}
	}
	st.tokStart, st.tokLetter, st.tokLeet = -1, false, false
}

// join looks, at the separator src[i] just written, for three or more
// single letters or digits separated by one and the same separator each,
// starting with the letter before src[i], and if it finds them drops the
// separators up to the last letter and reopens the word before src[i].
func (n refNormalizer) join(st *refState, src string, i int) {
	if i >= 2 && refAsciiAlnum(src[i-1]) && refAsciiAlnum(src[i-2]) {
		return // the common case: the end of a word of two ASCII letters or more
	}
	sep0, _ := utf8.DecodeRuneInString(src[i:])
	// The separator must follow a single letter that follows the start,
	// white space or punctuation other than separators.
	r, rs := utf8.DecodeLastRuneInString(src[:i])
	if !refIsAlnum(r) {
		return
	}
	if k := i - rs; k > 0 {
		if p, _ := utf8.DecodeLastRuneInString(src[:k]); refIsAlnum(p) || unicode.IsMark(p) || p != ' ' && refIsSeparator(p) {
			return
		}
	}
	count, end := 1, i
	for k := i; k < len(src); {
		sep, ss := utf8.DecodeRuneInString(src[k:])
		if sep != sep0 || k+ss >= len(src) {
			break
		}
		l, ls := utf8.DecodeRuneInString(src[k+ss:])
		if !refIsAlnum(l) {
			break
		}
		after := k + ss + ls
		if after < len(src) {
			a, _ := utf8.DecodeRuneInString(src[after:])
			if refIsAlnum(a) || unicode.IsMark(a) || a != sep0 && a != ' ' && refIsSeparator(a) {
				break
			}
		}
		count++
		end = after
		k = after
	}
	if count < 3 {
		return
	}
	st.joinUntil = end
	// Undo the separator just written and reopen the word before it.
	b := st.b
	u := st.unitStart
	b.Text, b.Starts = b.Text[:u], b.Starts[:u]
	st.unitStart = refLastUnit(b, u)
	st.reopen()
}

// lastUnit returns where the unit that ends Text[:u] starts.
func refLastUnit(b *refBuffer, u int) int {
	if u == 0 {
		return -1
	}
	k := u - 1
	for k > 0 && b.Starts[k-1] == b.Starts[u-1] {
		k--
	}
	return k
}

func refAsciiAlnum(c byte) bool {
	return c < utf8.RuneSelf && (refAsciiClass[c] == refCLetter || refAsciiClass[c] == refCDigit)
}

func refIsAlnum(r rune) bool {
	if r < int32(len(refAlnum2)) {
		return r >= 0 && refAlnum2[r]
	}
	if r >= refSymbols0 && r < refSymbols1 && refNoAlnumSymbols {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// alnum2 says, for each character of one or two bytes in UTF-8, whether
// it is a letter or a digit (isAlnum).
var refAlnum2 [0x800]bool

// symbols0 and symbols1 delimit the blocks of emoji and other pictographs,
// where isAlnum answers at once when noAlnumSymbols (checked at init) says
// that they hold no letter or digit.
const refSymbols0, refSymbols1 = 0x1f000, 0x1fb00

var refNoAlnumSymbols = func() bool {
	for r := rune(refSymbols0); r < refSymbols1; r++ {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}()

func refIsSeparator(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && refSeparator[r]
	}
	return r == '·'
}

// reopen makes the last written unit the current word again (after a
// separator was undone), so that l33t and repeats see one word.
func (st *refState) reopen() {
	t := st.b.Text
	k := len(t)
	for k > 0 {
		r, size := utf8.DecodeLastRune(t[:k])
		if !refIsAlnum(r) {
			break
		}
		k -= size
	}
	st.tokStart = k
	st.tokLetter, st.tokLeet = false, false
	for _, r := range string(t[k:]) {
		if unicode.IsLetter(r) {
			st.tokLetter = true
		}
		if r < utf8.RuneSelf && refLeetMap[r] != 0 {
			st.tokLeet = true
		}
	}
}

// collapse reports whether the letter rep, about to be written inside a
// word, is the third or a later one of a run (CollapseRepeats), and then
// leaves the first of the run, marked, for all of them.
func (st *refState) collapse(rep string) bool {
	b := st.b
	u := st.unitStart
	if st.tokStart < 0 || u < st.tokStart || string(b.Text[u:]) != rep {
		return false
	}
	if nl := len(b.long); nl > 0 && b.long[nl-1] == int32(u) {
		return true
	}
	p := refLastUnit(b, u)
	if p < st.tokStart || string(b.Text[p:u]) != rep {
		return false
	}
	b.Text, b.Starts = b.Text[:u], b.Starts[:u]
	st.unitStart = p
	b.long = append(b.long, int32(p))
	return true
}

// separatorAfter notes a separator about to be written after a letter or
// digit: the first one is where joinSyllables starts looking.
func (st *refState) separatorAfter() {
	b := st.b
	if b.sylFrom >= 0 || len(b.Text) == 0 {
		return
	}
	if r, _ := utf8.DecodeLastRune(b.Text); refIsAlnum(r) {
		b.sylFrom = len(b.Text)
	}
}

// joinSyllables writes into b.joined the words of Text, from the one
// before Text[from], made of two or more chunks of one to three letters
// or digits (at least one letter) joined by one and the same separator
// other than space, without the separators.
func (b *refBuffer) joinSyllables(from int) {
	t := b.Text
	i := from
	for i > 0 {
		r, size := utf8.DecodeLastRune(t[:i])
		if !refIsAlnum(r) {
			break
		}
		i -= size
	}
	for i < len(t) {
		a := i
		j, n, letter := refAlnumRun(t, i)
		if n == 0 {
			_, size := utf8.DecodeRune(t[i:])
			i += size
			continue
		}
		chunks, ok, sep := 1, n <= 3, rune(-1)
		for j < len(t) {
			r, size := utf8.DecodeRune(t[j:])
			if r == ' ' || !refIsSeparator(r) {
				break
			}
			k, n2, l2 := refAlnumRun(t, j+size)
			if n2 == 0 {
				break
			}
			if sep >= 0 && r != sep {
				ok = false
			}
			sep = r
			chunks++
			ok = ok && n2 <= 3
			letter = letter || l2
			j = k
		}
		if ok && chunks >= 2 && letter {
			if len(b.joined) > 0 {
				b.joined = append(b.joined, ' ')
				b.joinedAt = append(b.joinedAt, -1)
			}
			for k := a; k < j; {
				r, size := utf8.DecodeRune(t[k:])
				if refIsAlnum(r) {
					b.joined = append(b.joined, t[k:k+size]...)
					for q := k; q < k+size; q++ {
						b.joinedAt = append(b.joinedAt, int32(q))
					}
				}
				k += size
			}
		}
		i = j
	}
}

// alnumRun returns the end of the run of letters and digits at t[i], its
// length in characters, and whether it has a letter.
func refAlnumRun(t []byte, i int) (end, n int, letter bool) {
	for i < len(t) {
		r, size := utf8.DecodeRune(t[i:])
		if !refIsAlnum(r) {
			break
		}
		if r >= utf8.RuneSelf && unicode.IsLetter(r) || r < utf8.RuneSelf && refAsciiClass[r] == refCLetter {
			letter = true
		}
		n++
		i += size
	}
	return i, n, letter
}

// write appends rep for the original character at src[i].
func (st *refState) write(i int, rep string) {
	b := st.b
	st.unitStart = len(b.Text)
	b.Text = append(b.Text, rep...)
	for k := 0; k < len(rep); k++ {
		b.Starts = append(b.Starts, int32(i))
	}
}

func (st *refState) writeByte(i int, c byte) {
	b := st.b
	st.unitStart = len(b.Text)
	b.Text = append(b.Text, c)
	b.Starts = append(b.Starts, int32(i))
}

// String returns the normalization of s; it allocates, and is meant for
// terms and tests rather than hot paths.
func (n refNormalizer) String(s string) string {
	var b refBuffer
	n.Normalize(&b, s)
	return string(b.Text)
}
