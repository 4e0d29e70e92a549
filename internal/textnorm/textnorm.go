// Package textnorm normalizes text for matching: one pass that folds case,
// strips accents, drops invisible characters and undoes the tricks people
// use to slip past filters, and remembers, for every byte it writes, which
// bytes of the original text it came from.
//
// # Concepts
//
// A Normalizer is built once with its Options and is safe for concurrent
// use. Normalize writes into a Buffer that the caller owns and reuses, so
// the steady state allocates nothing: Buffer.Text is the normalized text,
// and Buffer.Span maps any range of it back to the original bytes.
//
// # What it folds
//
// Always, from a table generated from the Unicode Character Database
// (gen.go; UnicodeVersion names the version):
//
//   - case: Unicode simple case folding, plus "ß" and "ẞ" to "ss". Turkish
//     is folded the language-neutral way: "I" and "İ" (U+0130) both become
//     "i", and so does the dotless "ı" (U+0131), so "IDIOTA", "İDİOTA" and
//     "ıdıota" all read "idiota".
//   - accents and other diacritics: the compatibility decomposition with
//     combining marks dropped ("é", "e" + U+0301 and "ę" become "e"), and
//     for Latin letters that have no decomposition the base letter named by
//     Unicode ("ł" is l, "ø" o, "đ" d, "ħ" h, "ŧ" t, "æ" ae, "œ" oe,
//     "ð" d, "þ" th). Combining marks of other scripts are dropped too.
//   - compatibility forms: full-width letters and digits, ligatures,
//     mathematical, circled and superscript letters and digits.
//   - invisible characters: zero-width spaces and joiners, bidirectional
//     controls, the soft hyphen, variation selectors and tags are dropped.
//   - look-alikes: Cyrillic and Greek letters that look like a Latin
//     letter become it ("іdiot" with a Cyrillic і reads "idiot").
//   - white space: every run of white space becomes one " ".
//
// On request (Options): l33t digits and symbols inside words ("1d10t4"
// reads "idiota"; an "i" read from a "1" is marked, see Buffer.Ambiguous,
// because it may stand for an "l": "he11"), runs of three or more of a
// letter ("soooo" reads "so", the letter marked, see Buffer.Repeated,
// while a double stays: "perro" is not "pero", "class" is not "clas"),
// separators between single letters ("s.p.a.m", "i d i o t a") and,
// besides the text, words split into short syllables ("es-ta-fa" and
// "i-dio-ta" are joined in Buffer.Joined, Text keeps them as written).
// The marks and the joined words are for a matcher (internal/match) that
// reads a text more than one way; Text alone is one reading.
//
// Terms and texts must be normalized with the same Options to be compared.
package textnorm

//go:generate go run gen.go -ucd /usr/share/unicode

import (
	"encoding/binary"
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// Options turns on the folds that change the letters of a word. Each can
// merge words that differ, so they are per use: a moderation list wants
// them, a style guide's preferred terms may not.
type Options struct {
	// Leet reads the digits 0 1 3 4 5 7 8 as the letters o i e a s t b, and
	// "@" "$" "!" as a s i, inside a word that has at least one letter:
	// "1d10t4" is "idiota", "a$$" is "ass"; "2024" and "@ana" stay. A "1"
	// may as well stand for an "l" ("he11"): it is written "i", and
	// Buffer.Ambiguous tells it from a typed "i", so that a matcher can
	// read it both ways.
	Leet bool
	// CollapseRepeats writes a run of three or more of the same letter
	// once, and Buffer.Repeated marks that letter: "soooo" is "so". A
	// letter typed twice stays twice, because doubles tell words apart
	// ("perro" and "pero", "ass" and "as", "lluvia"): "class" stays
	// "class". A matcher reads a marked letter as one or two of it.
	CollapseRepeats bool
	// JoinSeparated drops the separators (. - _ * · / | + ~ : and space)
	// of three or more single letters or digits separated by one such
	// character each: "s.p.a.m", "i d i o t a" and "i.d.i.o.t.a" read
	// "spam" and "idiota".
	JoinSeparated bool
	// JoinSyllables leaves Text as it is and writes, besides it, the words
	// made of two or more chunks of one to three letters or digits joined
	// by one and the same separator other than space ("es-ta-fa",
	// "i-dio-ta", "h.e.l.l"), with the separators dropped: see
	// Buffer.Joined. A matcher reports a term found there only when it
	// covers whole chunks and spans a separator, so that "e-mail" is not
	// "email" unless "email" is a term. Chunks separated by spaces ("es ta
	// fa") are not joined: too many short words of Spanish and Polish
	// would join.
	JoinSyllables bool
}

// Normalizer folds text as its Options say. The zero value folds case,
// accents, invisible characters, look-alikes and white space only.
type Normalizer struct {
	opts Options
}

// New returns a Normalizer with opts.
func New(opts Options) Normalizer { return Normalizer{opts: opts} }

// Options returns the options n was built with.
func (n Normalizer) Options() Options { return n.opts }

// Buffer receives a normalized text and its offset map. Reuse one per
// goroutine: Normalize resets it and grows it only when a text is longer
// than any before.
type Buffer struct {
	// Text is the normalized text, valid UTF-8.
	Text []byte
	// runs map Text back to the original (see Start): runs[k] says that
	// the characters of Text from runs[k].n up to runs[k+1].n came from
	// the original from runs[k].s on, byte for byte; a new run starts
	// only where that stops being true (a character dropped, folded to
	// another length, or written twice). There is always one, (0, 0)
	// before anything is written; their n increase.
	runs []run
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

// run is one stretch of the offset map: Text[n:] came from the original
// src[s:] byte for byte, up to the next run.
type run struct{ n, s int32 }

// Start returns the offset in the original of the character that Text[i]
// came from (0 <= i < len(Text)). It is non-decreasing in i; the bytes that
// one original character became share its offset.
func (b *Buffer) Start(i int) int { return int(startIn(b.Text, b.runs, i)) }

// startIn is Start over the text t and its runs r. The bytes of one
// character of t always come from one original character, so the
// character's first byte answers for all of them.
func startIn(t []byte, r []run, i int) int32 {
	for i > 0 && t[i]&0xc0 == 0x80 {
		i--
	}
	// The run that holds i: the last one with n <= i. Lookups are mostly
	// near the end of the text being written, so a short walk back from
	// the end comes first.
	k := len(r) - 1
	if k >= 4 && r[k-3].n > int32(i) {
		lo, hi := 0, k-3 // r[lo].n <= i < r[hi].n
		for hi-lo > 1 {
			m := int(uint(lo+hi) >> 1)
			if r[m].n <= int32(i) {
				lo = m
			} else {
				hi = m
			}
		}
		k = lo
	}
	for r[k].n > int32(i) {
		k--
	}
	return r[k].s + int32(i) - r[k].n
}

// Repeated reports whether the letter at Text[i] was written once for a
// run of three or more of it (Options.CollapseRepeats): "ooo" in
// "gooowno".
func (b *Buffer) Repeated(i int) bool { return has(b.long, i) }

// Ambiguous reports whether Text[i] is an "i" read from a "1"
// (Options.Leet), which may as well stand for an "l".
func (b *Buffer) Ambiguous(i int) bool { return has(b.ones, i) }

// Joined returns the words of Text made of short chunks joined by
// separators (Options.JoinSyllables), with the separators dropped and one
// space between words, and for each of its bytes the index in Text it was
// copied from (-1 for those spaces). Both are empty without the option
// and when Text has no such word. A chunk starts where index jumps.
func (b *Buffer) Joined() (text []byte, index []int32) { return b.joined, b.joinedAt }

// has reports whether the sorted list l holds i.
func has(l []int32, i int) bool {
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
func (b *Buffer) Span(i, j int) (start, end int) {
	if j < len(b.Text) {
		return b.Start(i), b.Start(j)
	}
	return b.Start(i), b.srcLen
}

// Whole reports whether Text[i:j] covers whole units of the original:
// it neither starts nor ends inside the expansion of one original
// character ("s" in the "ss" of "ß").
func (b *Buffer) Whole(i, j int) bool {
	return b.unitStart(i) && (j == len(b.Text) || b.unitStart(j))
}

// WholeSpan returns Span(i, j) and Whole(i, j) (0 <= i < j <= len(Text))
// with one look-up of the offset map, for a matcher that asks both of
// every match.
func (b *Buffer) WholeSpan(i, j int) (start, end int, whole bool) {
	t, r := b.Text, b.runs
	// Runs start at the first byte of a character, so the character that
	// holds a byte starts in the byte's run, and the one before a run's
	// first byte in the run before.
	k := runAt(r, i)
	start = int(r[k].s + int32(lead(t, i)) - r[k].n)
	// A unit starts at i (and at j) when i is no continuation byte and
	// the character before maps elsewhere, which inside a run (byte for
	// byte) it always does.
	whole = t[i]&0xc0 != 0x80 && (i == 0 || r[k].n != int32(i) || r[k-1].s+int32(lead(t, i-1))-r[k-1].n != int32(start))
	if j == len(t) {
		return start, b.srcLen, whole
	}
	for k+1 < len(r) && r[k+1].n <= int32(j) {
		k++
	}
	end = int(r[k].s + int32(lead(t, j)) - r[k].n)
	whole = whole && t[j]&0xc0 != 0x80 && (r[k].n != int32(j) || r[k-1].s+int32(lead(t, j-1))-r[k-1].n != int32(end))
	return start, end, whole
}

// lead returns the index of the first byte of the character that holds
// t[i].
func lead(t []byte, i int) int {
	for i > 0 && t[i]&0xc0 == 0x80 {
		i--
	}
	return i
}

// runAt returns the index of the run of r that holds Text[i]: the last
// one that starts at or before i.
func runAt(r []run, i int) int {
	// Halving the range without a branch on the comparison: where the
	// run falls is what a branch predictor cannot guess.
	k, n := 0, len(r) // r[k].n <= i < r[k+n].n
	for n > 1 {
		half := n >> 1
		// -1 when r[k+half].n > i (both are below 1<<31), else 0.
		after := int((int32(i) - r[k+half].n) >> 31)
		k += half &^ after
		n -= half
	}
	return k
}

// unitStart reports whether Text[i] starts the text of an original
// character (0 <= i < len(Text)).
func (b *Buffer) unitStart(i int) bool {
	return i == 0 || b.Text[i]&0xc0 != 0x80 && startIn(b.Text, b.runs, i) != startIn(b.Text, b.runs, i-1)
}

// Byte classes of ASCII.
const (
	cOther  = iota // punctuation and symbols: end a word
	cLetter        // a-z after folding
	cDigit
	cSpace
	cDrop // control characters other than white space
)

var (
	asciiFold  [128]byte
	asciiClass [128]uint8
	leetMap    = [128]byte{'0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', '$': 's', '!': 'i'}
	separator  = [128]bool{'.': true, '-': true, '_': true, '*': true, '/': true, '|': true, '+': true, '~': true, ':': true, ' ': true}
)

func init() {
	for c := 0; c < 128; c++ {
		b := byte(c)
		switch {
		case b >= 'A' && b <= 'Z':
			asciiFold[c], asciiClass[c] = b+'a'-'A', cLetter
		case b >= 'a' && b <= 'z':
			asciiFold[c], asciiClass[c] = b, cLetter
		case b >= '0' && b <= '9':
			asciiFold[c], asciiClass[c] = b, cDigit
		case b == ' ' || b == '\t' || b == '\n' || b == '\v' || b == '\f' || b == '\r':
			asciiFold[c], asciiClass[c] = ' ', cSpace
		case b < 0x20 || b == 0x7f:
			asciiClass[c] = cDrop
		default:
			asciiFold[c], asciiClass[c] = b, cOther
		}
	}
}

// fold returns the replacement of the non-ASCII rune r: keep reports that r
// is written as it is; otherwise s replaces it ("" drops it).
func fold(r rune) (s string, keep bool) {
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
type state struct {
	b         *Buffer
	unitStart int  // index in Text of the last unit written
	tokStart  int  // index in Text of the current word, -1 outside words
	tokLetter bool // the current word has a letter
	tokLeet   bool // the current word has a l33t candidate
	joinUntil int  // JoinSeparated: separators before this source offset are dropped
}

// Normalize resets b and writes the normalization of src into it.
func (n Normalizer) Normalize(b *Buffer, src string) {
	b.Text, b.srcLen = b.Text[:0], len(src)
	b.long, b.ones, b.sylFrom, b.joined, b.joinedAt = b.long[:0], b.ones[:0], -1, b.joined[:0], b.joinedAt[:0]
	if cap(b.Text) < len(src)+8 || cap(b.runs) < cap(b.Text)+1 {
		// Most texts keep or shrink their length; grow once for them (and
		// the eight bytes optsRun may store past the end).
		b.Text = make([]byte, 0, len(src)+len(src)/4+8)
		b.runs = make([]run, 1, cap(b.Text)+1)
	}
	b.runs = b.runs[:1]
	b.runs[0] = run{}
	st := state{b: b, unitStart: -1, tokStart: -1}
	opts := n.opts
	plain := !opts.Leet && !opts.CollapseRepeats && !opts.JoinSeparated && !opts.JoinSyllables
	i := 0
	if !plain && !noFast {
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
			if asciiClass[c] == cLetter {
				i = n.letterRun(&st, src, i)
				continue
			}
			n.ascii(&st, src, i, c, asciiClass[c])
			i++
			continue
		}
		if plain && c >= 0xc2 && c <= 0xdf && i+1 < len(src) && src[i+1]&0xc0 == 0x80 {
			// A character of two bytes that folds to one ASCII letter or
			// to nothing (fold2), as the general path below writes it.
			if v := fold2[int(c&0x1f)<<6|int(src[i+1]&0x3f)]; v != 0 {
				if v != drop2 {
					st.writeByte(i, v)
				}
				i += 2
				continue
			}
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if r == utf8.RuneError && size == 1 {
			// Invalid UTF-8: dropped, so that Text stays valid.
			i++
			continue
		}
		rep, keep := fold(r)
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
func (st *state) asciiRun(src string, i int) int {
	b := st.b
	w := len(b.Text)
	if need := w + len(src) - i; cap(b.Text) < need {
		st.grow(need)
	}
	t, rn := b.Text[:cap(b.Text)], b.runs[:cap(b.runs)]
	nr := len(b.runs)
	d := rn[nr-1].s - rn[nr-1].n // the run's source offset minus its own
	unit := st.unitStart
	n := len(t)
	j := i
	for ; j < len(src); j++ {
		// Eight bytes at once: the printable ones before the first byte
		// that is not ASCII, a control character or a space after a space
		// (all eight when there is none). Upper-case letters get their
		// 0x20 bit, the rest is copied; the bytes from the first other one
		// on are written past the end and left there, for the byte loop.
		for j+8 <= len(src) && w+8 <= n {
			q := src[j : j+8]
			x := uint64(q[0]) | uint64(q[1])<<8 | uint64(q[2])<<16 | uint64(q[3])<<24 |
				uint64(q[4])<<32 | uint64(q[5])<<40 | uint64(q[6])<<48 | uint64(q[7])<<56
			// The sums carry only out of a byte of 0x80 or more, into the
			// bytes above it: those below the first other byte are exact.
			ctrl := ^(x + (0x80-0x20)*lanes8) | zeros8(x^0x7f*lanes8)
			sp := zeros8(x ^ 0x20*lanes8)
			var prev uint64 // byte 0's high bit when a space was written last
			if w > 0 && t[w-1] == ' ' {
				prev = 0x80
			}
			k := 8 // the bytes to take
			if bad := (x | ctrl | sp&(sp<<8|prev)) & high8; bad != 0 {
				k = bits.TrailingZeros64(bad) >> 3
			}
			up := (x + (0x80-'A')*lanes8) &^ (x + (0x80-'Z'-1)*lanes8) & high8
			binary.LittleEndian.PutUint64(t[w:w+8], x|up>>2)
			if int32(j-w) != d && k > 0 {
				nr, d = addRun(rn, nr, w, j)
			}
			w += k
			j += k
			if k > 0 {
				unit = w - 1
			}
			if k < 8 {
				break
			}
		}
		if j >= len(src) {
			break
		}
		c := src[j]
		if c >= utf8.RuneSelf {
			break
		}
		f := asciiFold[c]
		if f == ' ' && w > 0 && t[w-1] == ' ' || f == 0 {
			continue // white space collapses; control characters drop
		}
		if w >= n {
			panic("textnorm: buffer sized wrong") // unreachable: grown above
		}
		t[w] = f
		if int32(j-w) != d {
			nr, d = addRun(rn, nr, w, j)
		}
		unit = w
		w++
	}
	b.Text, b.runs = t[:w], rn[:nr]
	st.unitStart = unit
	return j
}

// dropRuns drops the runs of rn[:nr] that start after Text[w], the end of
// a Text taken back, and returns the new number of runs and the last
// one's source offset minus its own.
func dropRuns(rn []run, nr, w int) (int, int32) {
	for nr > 1 && rn[nr-1].n > int32(w) {
		nr--
	}
	return nr, rn[nr-1].s - rn[nr-1].n
}

// pushRun starts a run at Text[w], from the original src[j], in rn[:nr]
// (which has room for it), and returns the new number of runs. A run that
// starts at w already, which nothing has been written into, is replaced.
func pushRun(r []run, nr, w, j int) int {
	if r[nr-1].n == int32(w) {
		r[nr-1].s = int32(j)
		return nr
	}
	r[nr] = run{int32(w), int32(j)}
	return nr + 1
}

// addRun starts a run at Text[w], from the original src[j], in r[:nr]
// (which has room for it), and returns the new number of runs and the
// run's source offset minus its own. A run that starts at w already,
// which nothing has been written into, is replaced.
func addRun(r []run, nr, w, j int) (int, int32) {
	if r[nr-1].n == int32(w) {
		r[nr-1].s = int32(j)
	} else {
		r[nr] = run{int32(w), int32(j)}
		nr++
	}
	return nr, int32(j - w)
}

// letterRun writes the run of ASCII letters that starts at src[i] when
// options are on, and returns where the run ends: the letters of a word
// need no more than case folding and, with CollapseRepeats, a look at the
// letter before. It is asciiRun's loop specialized for options on purpose:
// one loop with both cases measured about 20% slower without options.
func (n Normalizer) letterRun(st *state, src string, i int) int {
	b := st.b
	w := len(b.Text)
	if need := w + len(src) - i; cap(b.Text) < need {
		st.grow(need)
	}
	t, rn := b.Text[:cap(b.Text)], b.runs[:cap(b.runs)]
	nr := len(b.runs)
	d := rn[nr-1].s - rn[nr-1].n
	m := len(t)
	if st.tokStart < 0 {
		st.tokStart = w
	}
	st.tokLetter = true
	collapse := n.opts.CollapseRepeats
	unit := st.unitStart
	j := i
	for ; j < len(src); j++ {
		c := src[j]
		if c >= utf8.RuneSelf || asciiClass[c] != cLetter {
			break
		}
		f := asciiFold[c]
		if collapse && unit >= 0 && unit == w-1 && t[unit] == f && unit >= st.tokStart {
			if nl := len(b.long); nl > 0 && b.long[nl-1] == int32(unit) {
				continue // the fourth or later of a run
			}
			if p := unit - 1; p >= st.tokStart && t[p] == f && (p == 0 || startIn(t, rn[:nr], p-1) != startIn(t, rn[:nr], p)) {
				// The third of a run: the second is taken back, and the
				// first stands for all of them.
				w--
				unit = p
				b.long = append(b.long, int32(p))
				nr, d = dropRuns(rn, nr, w)
				continue
			}
		}
		if w >= m {
			panic("textnorm: buffer sized wrong") // unreachable: grown above
		}
		t[w] = f
		if int32(j-w) != d {
			nr, d = addRun(rn, nr, w, j)
		}
		unit = w
		w++
	}
	b.Text, b.runs = t[:w], rn[:nr]
	st.unitStart = unit
	return j
}

// Classes of ASCII bytes for optsRun, with options on.
const (
	fSlow   = iota // needs a look at its context: ascii
	fLetter        // a letter
	fDigit         // a digit
	fSpace         // white space
	fPunct         // punctuation that is no separator and no l33t symbol
	fSep           // a separator other than white space
	fLeet          // a l33t symbol: @ $ !
	fDrop          // a control character other than white space
)

var fastClass [128]uint8

// fold2 gives, for each character of two bytes in UTF-8 (U+0080 to
// U+07FF, by code point), the ASCII letter it folds to, drop2 when it is
// dropped, or 0 when it needs fold.
var fold2 [0x800]byte

const drop2 = 0xff

func init() {
	for c := 0; c < 128; c++ {
		switch asciiClass[c] {
		case cLetter:
			fastClass[c] = fLetter
		case cDigit:
			fastClass[c] = fDigit
		case cSpace:
			fastClass[c] = fSpace
		case cDrop:
			fastClass[c] = fDrop
		case cOther:
			switch {
			case separator[c]:
				fastClass[c] = fSep
			case leetMap[c] != 0:
				fastClass[c] = fLeet
			default:
				fastClass[c] = fPunct
			}
		}
	}
	for r := rune(0); r < 0x800; r++ {
		if r < utf8.RuneSelf {
			alnum2[r] = asciiClass[r] == cLetter || asciiClass[r] == cDigit
			continue
		}
		alnum2[r] = unicode.IsLetter(r) || unicode.IsDigit(r)
		rep, keep := fold(r)
		switch {
		case keep:
		case rep == "":
			fold2[r] = drop2
		case len(rep) == 1 && asciiClass[rep[0]] == cLetter:
			fold2[r] = rep[0]
		}
	}
}

// noFast turns optsRun off, for tests that compare it with the general
// path.
var noFast = false

// SWAR constants: a 1 and the high bit in each byte of a word.
const (
	lanes8 = 0x0101010101010101
	high8  = 0x8080808080808080
)

// letters8 returns 0x80 in each byte of x that is an ASCII letter, 0 in
// the others.
func letters8(x uint64) uint64 {
	// With the high bits cleared each byte is below 0x80, so that the sums
	// below carry into no other byte. x|0x20 maps A-Z onto a-z and no other
	// byte into a-z.
	l := x&^high8 | 0x20*lanes8
	ge := l + (0x80-'a')*lanes8   // high bit: byte >= 'a'
	gt := l + (0x80-'z'-1)*lanes8 // high bit: byte > 'z'
	return ge &^ gt &^ x & high8
}

// zeros8 returns 0x80 in each byte of x that is 0, 0 in the others.
func zeros8(x uint64) uint64 {
	// (x&0x7f)+0x7f sets the high bit of a byte unless its low bits are 0,
	// and carries into no other byte; or-ing x adds its own high bits.
	return ^((x&^high8 + ^uint64(high8)) | x) & high8
}

// optsRun writes the normalization of src with options on. The
// characters that need no look beyond the current word (letters, digits,
// white space and punctuation between words, separators and l33t symbols
// that join nothing, characters of two bytes that fold to one ASCII
// letter or to nothing, symbols and emoji kept as they are, invisible
// characters) it writes itself, with the state in local variables, words
// of letters through wordRun; the others go to ascii and unit.
func (n Normalizer) optsRun(st *state, src string) {
	b := st.b
	collapse, leet, joinSep, joinSyl := n.opts.CollapseRepeats, n.opts.Leet, n.opts.JoinSeparated, n.opts.JoinSyllables
	for j := 0; j < len(src); {
		w := len(b.Text)
		// Room for the rest of src, which the fast path never lengthens,
		// and for a word of eight letters stored whole.
		if need := w + len(src) - j + 8; cap(b.Text) < need {
			st.grow(need)
		}
		t, rn := b.Text[:cap(b.Text)], b.runs[:cap(b.runs)]
		nr := len(b.runs)
		d := rn[nr-1].s - rn[nr-1].n // the run's source offset minus its own
		m := len(t)
		unit, tokStart, tokLetter, tokLeet := st.unitStart, st.tokStart, st.tokLetter, st.tokLeet
		// an counts the letters and digits right before src[j] (two or more
		// of them tell join that it has nothing to do).
		an := 0
	fast:
		for j < len(src) {
			c := src[j]
			if fastClass[c&0x7f] == fLetter && c < utf8.RuneSelf || c >= 0xc2 && c <= 0xdf {
				// Words of letters: see wordRun. When it leaves the
				// character to the code below, that writes it.
				spaceOK := !(leet && tokLeet) && (!joinSep || j >= st.joinUntil)
				j2, w2, an2, ts2, nr2 := wordRun(t, rn, nr, src, j, w, an, tokStart, collapse, spaceOK, joinSep, leet)
				if j2 != j {
					nr = nr2
					d = rn[nr-1].s - rn[nr-1].n
					if ts2 < 0 {
						tokLetter, tokLeet = false, false
					} else if w2 != w {
						tokLetter = true
					}
					if w2 != w {
						unit = w2 - 1
					}
					j, w, an, tokStart = j2, w2, an2, ts2
					continue
				}
			}
			k := j // the start of the character
			var f byte
			if c < utf8.RuneSelf {
				switch fastClass[c] {
				case fLetter:
					f = asciiFold[c]
					j++
				case fDigit:
					if tokStart < 0 {
						tokStart = w
					}
					if leet && leetMap[c] != 0 {
						tokLeet = true
					}
					if w >= m {
						panic("textnorm: buffer sized wrong") // unreachable: grown above
					}
					t[w], unit = c, w
					if int32(j-w) != d {
						nr, d = addRun(rn, nr, w, j)
					}
					w++
					j++
					an++
					continue
				case fDrop:
					an = 0
					j++
					continue
				case fSpace, fSep:
					if joinSep && (j < st.joinUntil || an < 2 && !joinIdle(src, j)) {
						// Separated letters, or maybe: join has a look.
						break fast
					}
					an = 0
					if tokStart >= 0 {
						if leet && tokLeet && tokLetter {
							b.Text, b.runs, st.unitStart = t[:w], rn[:nr], unit
							st.tokStart, st.tokLetter, st.tokLeet = tokStart, tokLetter, tokLeet
							n.endWord(st)
						}
						tokStart, tokLetter, tokLeet = -1, false, false
					}
					if fastClass[c] == fSep {
						if joinSyl && b.sylFrom < 0 && w > 0 && lastAlnum(t[:w]) {
							b.sylFrom = w
						}
					} else if w > 0 && t[w-1] == ' ' {
						j++
						continue // white space collapses
					} else {
						c = ' '
					}
					if w >= m {
						panic("textnorm: buffer sized wrong") // unreachable: grown above
					}
					t[w], unit = c, w
					if int32(j-w) != d {
						nr, d = addRun(rn, nr, w, j)
					}
					w++
					j++
					continue
				case fLeet:
					if leet && leetSymbol(src, j, c, tokStart >= 0) {
						if tokStart < 0 {
							tokStart = w
						}
						tokLeet = true
					} else if tokStart >= 0 {
						if leet && tokLeet && tokLetter {
							b.Text, b.runs, st.unitStart = t[:w], rn[:nr], unit
							st.tokStart, st.tokLetter, st.tokLeet = tokStart, tokLetter, tokLeet
							n.endWord(st)
						}
						tokStart, tokLetter, tokLeet = -1, false, false
					}
					an = 0
					if w >= m {
						panic("textnorm: buffer sized wrong") // unreachable: grown above
					}
					t[w], unit = c, w
					if int32(j-w) != d {
						nr, d = addRun(rn, nr, w, j)
					}
					w++
					j++
					continue
				case fPunct:
					an = 0
					if tokStart >= 0 {
						if leet && tokLeet && tokLetter {
							b.Text, b.runs, st.unitStart = t[:w], rn[:nr], unit
							st.tokStart, st.tokLetter, st.tokLeet = tokStart, tokLetter, tokLeet
							n.endWord(st)
						}
						tokStart, tokLetter, tokLeet = -1, false, false
					}
					if w >= m {
						panic("textnorm: buffer sized wrong") // unreachable: grown above
					}
					t[w], unit = c, w
					if int32(j-w) != d {
						nr, d = addRun(rn, nr, w, j)
					}
					w++
					j++
					continue
				default:
					break fast
				}
			} else if c >= 0xc2 && c <= 0xdf && j+1 < len(src) && src[j+1]&0xc0 == 0x80 {
				// A character of two bytes: Latin, Greek, Cyrillic.
				r := int(c&0x1f)<<6 | int(src[j+1]&0x3f)
				v := fold2[r]
				if v == 0 {
					break fast
				}
				j += 2
				if v == drop2 {
					an = 0
					continue
				}
				if !alnum2[r] {
					an = -1 // counts up to 0 below
				}
				f = v
			} else if c >= 0xe0 {
				// A character of three or four bytes: symbols and emoji
				// kept as they are end a word like punctuation; invisible
				// characters are dropped.
				r, size := utf8.DecodeRuneInString(src[j:])
				rep, keep := fold(r)
				switch {
				case size == 1:
					break fast // invalid UTF-8
				case !keep && rep == "":
					an = 0
					j += size
					continue
				case !keep || isAlnum(r):
					break fast
				}
				an = 0
				if tokStart >= 0 {
					if leet && tokLeet && tokLetter {
						b.Text, b.runs, st.unitStart = t[:w], rn[:nr], unit
						st.tokStart, st.tokLetter, st.tokLeet = tokStart, tokLetter, tokLeet
						n.endWord(st)
					}
					tokStart, tokLetter, tokLeet = -1, false, false
				}
				if w+size > m {
					panic("textnorm: buffer sized wrong") // unreachable: grown above
				}
				copy(t[w:w+size], src[j:j+size])
				if int32(j-w) != d {
					nr, d = addRun(rn, nr, w, j)
				}
				unit = w
				w += size
				j += size
				continue
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
				if p := unit - 1; p >= tokStart && t[p] == f && (p == 0 || startIn(t, rn[:nr], p-1) != startIn(t, rn[:nr], p)) {
					// The third of a run: the second is taken back, and the
					// first stands for all of them.
					w--
					unit = p
					b.long = append(b.long, int32(p))
					nr, d = dropRuns(rn, nr, w)
					continue
				}
			}
			if w >= m {
				panic("textnorm: buffer sized wrong") // unreachable: grown above
			}
			t[w], unit = f, w
			if int32(k-w) != d {
				nr, d = addRun(rn, nr, w, k)
			}
			w++
		}
		b.Text, b.runs = t[:w], rn[:nr]
		st.unitStart, st.tokStart, st.tokLetter, st.tokLeet = unit, tokStart, tokLetter, tokLeet
		if j >= len(src) {
			break
		}
		// A character for the general path.
		if c := src[j]; c < utf8.RuneSelf {
			n.ascii(st, src, j, c, asciiClass[c])
			j++
			continue
		}
		r, size := utf8.DecodeRuneInString(src[j:])
		if r == utf8.RuneError && size == 1 {
			j++ // invalid UTF-8: dropped
			continue
		}
		rep, keep := fold(r)
		if keep {
			rep = src[j : j+size]
		}
		n.unit(st, src, j, j+size, rep)
		j += size
	}
}

// wordRun writes, from src[j], the words of letters that optsRun leaves
// to it: ASCII letters up to eight at a time, the characters of two bytes
// that fold to one ASCII letter or to nothing, the spaces that spaceOK
// allows and, with needTwo (JoinSeparated), only where join finds nothing
// (after two letters or more, or joinIdle), and, with spaceOK, the
// punctuation that is no separator and, without leetOn or where
// leetSymbol says no, the l33t symbols. It returns where it stopped, the
// length written, and the new an and tokStart of optsRun; it stops, and
// leaves to optsRun, at any other character and at a letter that may
// continue a run (collapse).
func wordRun(t []byte, rn []run, nr int, src string, j, w, an, tokStart int, collapse, spaceOK, needTwo, leetOn bool) (int, int, int, int, int) {
	// The last run maps Text[w] to src[j] (and on, byte for byte) at the
	// top of the loop: the branches that take a byte of src without
	// writing one start a run for the next.
	if l := rn[nr-1]; l.s-l.n != int32(j-w) {
		nr = pushRun(rn, nr, w, j)
	}
	for j < len(src) {
		c := src[j]
		if c == ' ' {
			// As optsRun writes a space: not when join may have a look
			// (needTwo, fewer than two letters before, and no joinIdle),
			// and collapsed after a space.
			if !spaceOK || w == 0 || needTwo && an < 2 && !joinIdle(src, j) {
				break
			}
			j++
			if t[w-1] != ' ' {
				t[w] = ' '
				w++
			} else {
				nr = pushRun(rn, nr, w, j)
			}
			an, tokStart = 0, -1
			continue
		}
		if c >= utf8.RuneSelf {
			if c < 0xc2 || c > 0xdf || j+1 >= len(src) || src[j+1]&0xc0 != 0x80 {
				break
			}
			r := int(c&0x1f)<<6 | int(src[j+1]&0x3f)
			v := fold2[r]
			if v == drop2 {
				an = 0
				j += 2
				nr = pushRun(rn, nr, w, j)
				continue
			}
			if v == 0 || !alnum2[r] || collapse && w > 0 && t[w-1] == v {
				break
			}
			t[w] = v
			if tokStart < 0 {
				tokStart = w
			}
			w++
			j += 2
			nr = pushRun(rn, nr, w, j)
			an++
			continue
		}
		// Up to eight letters and spaces at once: the letters lower-cased
		// by setting their 0x20 bit, stored as one word (the bytes past
		// those taken are overwritten later or lie past Text). bad marks
		// the bytes left to the rest of the loop or to optsRun; the lowest
		// one ends the bytes taken.
		var x uint64
		if j+8 <= len(src) {
			q := src[j : j+8]
			x = uint64(q[0]) | uint64(q[1])<<8 | uint64(q[2])<<16 | uint64(q[3])<<24 |
				uint64(q[4])<<32 | uint64(q[5])<<40 | uint64(q[6])<<48 | uint64(q[7])<<56
		} else if len(src) >= 8 {
			// The last eight bytes, shifted down to src[j] (zeros above
			// the end, as grapheme.LoadTail gives).
			q := src[len(src)-8:]
			x = uint64(q[0]) | uint64(q[1])<<8 | uint64(q[2])<<16 | uint64(q[3])<<24 |
				uint64(q[4])<<32 | uint64(q[5])<<40 | uint64(q[6])<<48 | uint64(q[7])<<56
			x >>= 8 * uint(8-(len(src)-j))
		} else {
			// grapheme.LoadTail, inlined: see joinIdle.
			for k := len(src) - 1; k >= j; k-- {
				x = x<<8 | uint64(src[k])
			}
		}
		lt := letters8(x)
		y := x | lt>>2
		bad := ^lt & high8
		if spaceOK {
			sp := zeros8(x ^ 0x20*lanes8)
			ok := sp &^ (sp << 8) // not after a space (byte 0 is a letter)
			if needTwo {
				// After two letters: in the word, or before it (an).
				// The letters right before the word (an), in bit 15 (one
				// or more) and bit 7 (two or more) of p: the bytes of the
				// word whose second byte before is a letter (p>>8: whose
				// first byte before is). Without a branch, which min and
				// max compile to: -an and 1-an are negative just then.
				p := uint64(-an)>>63<<15 | uint64(1-an)>>63<<7
				ok &= (lt<<8 | p>>8) & (lt<<16 | p)
			}
			bad &^= ok
		}
		if collapse {
			if w > 0 && t[w-1] == byte(y) {
				break // the run may go on: optsRun reads it one at a time
			}
			// Byte k of v is 0 when y[k] == y[k-1] == y[k-2] (never for
			// bytes 0 and 1: y[0] is a letter, and y[1] is not 0 or
			// differs from y[0]). Of the high bits of (v-1)&^v the lowest
			// marks the first 0 byte (the higher ones may be borrows),
			// which is all that the lowest bit of bad needs.
			v := (y ^ y<<8) | (y ^ y<<16)
			bad |= (v - lanes8) &^ v & high8
		}
		cnt := bits.TrailingZeros64(bad) >> 3
		if cnt == 0 {
			if fastClass[c] == fPunct || fastClass[c] == fLeet && !(leetOn && leetSymbol(src, j, c, tokStart >= 0)) {
				// Punctuation, as optsRun writes it: it ends the word (spaceOK
				// says that the word has no l33t to read).
				if !spaceOK {
					break
				}
				t[w] = c
				w++
				j++
				an, tokStart = 0, -1
				continue
			}
			break
		}
		binary.LittleEndian.PutUint64(t[w:w+8], y)
		// The spaces taken (a shift by 64 is 0 in Go: all 8 bytes taken),
		// the last of them (-1 if none), and the letters after it: the
		// current word, which goes on from before without a space. Without
		// branches, which the mix of words and spaces would mispredict.
		spaces := ^lt & high8 &^ (high8 << (8 * cnt))
		last := (bits.Len64(spaces) - 1) >> 3
		word := cnt - 1 - last
		ts := w + last + 1
		// Without spaces (last is -1, z all ones) the word goes on from
		// before: an more letters, and tokStart if >= 0 (it is below w).
		z := last >> 63
		word += an & z
		ts = int(min(uint(tokStart|^z), uint(ts)))
		if word == 0 {
			ts = -1
		}
		an, tokStart = word, ts
		w += cnt
		j += cnt
	}
	return j, w, an, tokStart, nr
}

// joinIdle reports that join, at the white space or separator src[j],
// finds nothing to join, from a look at the bytes next to it: the one
// before is ASCII other than a letter or a digit, or the two after are no
// letter followed by another separator.
func joinIdle(src string, j int) bool {
	// Written for the compiler to inline it into wordRun, so that wordRun's
	// loop calls nothing and keeps its variables in registers.
	if j == 0 || j+2 >= len(src) {
		return true
	}
	p, a, c := src[j-1], src[j+1], src[j+2]
	return p < utf8.RuneSelf && !alnum2[p] || a < utf8.RuneSelf && (!alnum2[a] || c < utf8.RuneSelf && alnum2[c])
}

// lastAlnum reports whether t ends with a letter or a digit.
func lastAlnum(t []byte) bool {
	if c := t[len(t)-1]; c < utf8.RuneSelf {
		return asciiAlnum(c)
	}
	r, _ := utf8.DecodeLastRune(t)
	return isAlnum(r)
}

// grow makes room for need bytes in Text, and for a run per byte.
func (st *state) grow(need int) {
	b := st.b
	n := need + need/4 + 16
	t := make([]byte, len(b.Text), n)
	copy(t, b.Text)
	r := make([]run, len(b.runs), n+1)
	copy(r, b.runs)
	b.Text, b.runs = t, r
}

// mark notes that the character written at Text[w] came from the
// original src[j], starting a run unless the last one says so already.
func (b *Buffer) mark(w, j int) {
	l := &b.runs[len(b.runs)-1]
	switch {
	case l.s-l.n == int32(j-w):
	case l.n == int32(w):
		l.s = int32(j)
	default:
		b.runs = append(b.runs, run{int32(w), int32(j)})
	}
}

// cut shortens Text to u bytes, and drops the runs that start after it.
func (b *Buffer) cut(u int) {
	b.Text = b.Text[:u]
	for len(b.runs) > 1 && b.runs[len(b.runs)-1].n > int32(u) {
		b.runs = b.runs[:len(b.runs)-1]
	}
}

// space handles the white-space character at src[i]: it ends a word,
// collapses into a space just written, and may separate single letters.
func (n Normalizer) space(st *state, src string, i int) {
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
func (n Normalizer) ascii(st *state, src string, i int, c byte, cls uint8) {
	b := st.b
	switch cls {
	case cDrop:
		return
	case cSpace:
		n.space(st, src, i)
		return
	case cOther:
		if n.opts.JoinSeparated && i < st.joinUntil && separator[c] {
			return
		}
		if n.opts.Leet && leetMap[c] != 0 && leetSymbol(src, i, c, st.tokStart >= 0) {
			if st.tokStart < 0 {
				st.tokStart = len(b.Text)
			}
			st.writeByte(i, c)
			st.tokLeet = true
			return
		}
		n.endWord(st)
		if n.opts.JoinSyllables && separator[c] {
			st.separatorAfter()
		}
		st.writeByte(i, c)
		if n.opts.JoinSeparated && separator[c] {
			n.join(st, src, i)
		}
		return
	}
	// A letter or digit.
	f := asciiFold[c]
	if n.opts.CollapseRepeats && cls == cLetter && st.collapse(string(asciiFold[c:c+1])) {
		return
	}
	if st.tokStart < 0 {
		st.tokStart = len(b.Text)
	}
	if cls == cLetter {
		st.tokLetter = true
	} else if n.opts.Leet && leetMap[c] != 0 {
		st.tokLeet = true
	}
	st.writeByte(i, f)
}

// leetSymbol reports whether the symbol c at src[i] is a l33t letter: "@"
// and "$" inside a word (inWord) or "$" before a letter, "!" between
// letters.
func leetSymbol(src string, i int, c byte, inWord bool) bool {
	nextLetter := i+1 < len(src) && src[i+1] < utf8.RuneSelf && asciiClass[src[i+1]] == cLetter
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
func (n Normalizer) unit(st *state, src string, i, j int, rep string) {
	b := st.b
	if rep == "" {
		return
	}
	r, _ := utf8.DecodeRuneInString(rep)
	switch {
	case r == ' ':
		n.space(st, src, i)
	case r < utf8.RuneSelf && asciiClass[r] == cOther || r >= utf8.RuneSelf && !isAlnum(r):
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
				if leetMap[rep[k]&0x7f] != 0 && rep[k] < utf8.RuneSelf {
					st.tokLeet = true
				}
			}
		}
		st.write(i, rep)
	}
}

// endWord closes the current word, reading its l33t characters as letters
// when it has a letter.
func (n Normalizer) endWord(st *state) {
	if st.tokStart < 0 {
		return
	}
	if n.opts.Leet && st.tokLeet && st.tokLetter {
		t := st.b.Text
		for k := st.tokStart; k < len(t); k++ {
			if c := t[k]; c < utf8.RuneSelf && leetMap[c] != 0 {
				t[k] = leetMap[c]
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
func (n Normalizer) join(st *state, src string, i int) {
	if i >= 2 && asciiAlnum(src[i-1]) && asciiAlnum(src[i-2]) {
		return // the common case: the end of a word of two ASCII letters or more
	}
	sep0, _ := utf8.DecodeRuneInString(src[i:])
	// The separator must follow a single letter that follows the start,
	// white space or punctuation other than separators.
	r, rs := utf8.DecodeLastRuneInString(src[:i])
	if !isAlnum(r) {
		return
	}
	if k := i - rs; k > 0 {
		if p, _ := utf8.DecodeLastRuneInString(src[:k]); isAlnum(p) || unicode.IsMark(p) || p != ' ' && isSeparator(p) {
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
		if !isAlnum(l) {
			break
		}
		after := k + ss + ls
		if after < len(src) {
			a, _ := utf8.DecodeRuneInString(src[after:])
			if isAlnum(a) || unicode.IsMark(a) || a != sep0 && a != ' ' && isSeparator(a) {
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
	b.cut(u)
	st.unitStart = lastUnit(b, u)
	st.reopen()
}

// lastUnit returns where the unit that ends Text[:u] starts.
func lastUnit(b *Buffer, u int) int {
	if u == 0 {
		return -1
	}
	k := u - 1
	s := b.Start(u - 1)
	for k > 0 && b.Start(k-1) == s {
		k--
	}
	return k
}

func asciiAlnum(c byte) bool {
	return c < utf8.RuneSelf && (asciiClass[c] == cLetter || asciiClass[c] == cDigit)
}

func isAlnum(r rune) bool {
	if r < int32(len(alnum2)) {
		return r >= 0 && alnum2[r]
	}
	if r >= symbols0 && r < symbols1 && noAlnumSymbols {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// alnum2 says, for each character of one or two bytes in UTF-8, whether
// it is a letter or a digit (isAlnum).
var alnum2 [0x800]bool

// symbols0 and symbols1 delimit the blocks of emoji and other pictographs,
// where isAlnum answers at once when noAlnumSymbols (checked at init) says
// that they hold no letter or digit.
const symbols0, symbols1 = 0x1f000, 0x1fb00

var noAlnumSymbols = func() bool {
	for r := rune(symbols0); r < symbols1; r++ {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return false
		}
	}
	return true
}()

func isSeparator(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && separator[r]
	}
	return r == '·'
}

// reopen makes the last written unit the current word again (after a
// separator was undone), so that l33t and repeats see one word.
func (st *state) reopen() {
	t := st.b.Text
	k := len(t)
	for k > 0 {
		r, size := utf8.DecodeLastRune(t[:k])
		if !isAlnum(r) {
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
		if r < utf8.RuneSelf && leetMap[r] != 0 {
			st.tokLeet = true
		}
	}
}

// collapse reports whether the letter rep, about to be written inside a
// word, is the third or a later one of a run (CollapseRepeats), and then
// leaves the first of the run, marked, for all of them.
func (st *state) collapse(rep string) bool {
	b := st.b
	u := st.unitStart
	if st.tokStart < 0 || u < st.tokStart || string(b.Text[u:]) != rep {
		return false
	}
	if nl := len(b.long); nl > 0 && b.long[nl-1] == int32(u) {
		return true
	}
	p := lastUnit(b, u)
	if p < st.tokStart || string(b.Text[p:u]) != rep {
		return false
	}
	b.cut(u)
	st.unitStart = p
	b.long = append(b.long, int32(p))
	return true
}

// separatorAfter notes a separator about to be written after a letter or
// digit: the first one is where joinSyllables starts looking.
func (st *state) separatorAfter() {
	b := st.b
	if b.sylFrom >= 0 || len(b.Text) == 0 {
		return
	}
	if r, _ := utf8.DecodeLastRune(b.Text); isAlnum(r) {
		b.sylFrom = len(b.Text)
	}
}

// joinSyllables writes into b.joined the words of Text, from the one
// before Text[from], made of two or more chunks of one to three letters
// or digits (at least one letter) joined by one and the same separator
// other than space, without the separators.
func (b *Buffer) joinSyllables(from int) {
	t := b.Text
	i := from
	for i > 0 {
		r, size := utf8.DecodeLastRune(t[:i])
		if !isAlnum(r) {
			break
		}
		i -= size
	}
	for i < len(t) {
		// Only a run of letters and digits followed by a separator other
		// than space starts a word of chunks: skip to the next separator
		// and back to the start of the run before it (not before i, where
		// the last word ended).
		q := nextSeparator(t, i)
		if q == len(t) {
			break
		}
		a := q
		for a > i {
			r, size := utf8.DecodeLastRune(t[:a])
			if !isAlnum(r) {
				break
			}
			a -= size
		}
		j, n, letter := alnumRun(t, a)
		if n == 0 {
			_, size := utf8.DecodeRune(t[a:])
			i = a + size
			continue
		}
		chunks, ok, sep := 1, n <= 3, rune(-1)
		for j < len(t) {
			r, size := utf8.DecodeRune(t[j:])
			if r == ' ' || !isSeparator(r) {
				break
			}
			k, n2, l2 := alnumRun(t, j+size)
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
				if isAlnum(r) {
					b.joined = append(b.joined, t[k:k+size]...)
					for x := k; x < k+size; x++ {
						b.joinedAt = append(b.joinedAt, int32(x))
					}
				}
				k += size
			}
		}
		i = j
	}
}

// sepByte marks the bytes that start a separator other than space: the
// ASCII ones, and 0xc2, the first byte of "·" (U+00B7) and of others.
var sepByte = func() (m [256]bool) {
	for c := 0; c < utf8.RuneSelf; c++ {
		m[c] = separator[c] && c != ' '
	}
	m[0xc2] = true
	return m
}()

// nextSeparator returns the index of the first separator other than space
// in t[i:], or len(t).
func nextSeparator(t []byte, i int) int {
	for ; i < len(t); i++ {
		if sepByte[t[i]] && (t[i] != 0xc2 || i+1 < len(t) && t[i+1] == 0xb7) {
			return i
		}
	}
	return len(t)
}

// alnumRun returns the end of the run of letters and digits at t[i], its
// length in characters, and whether it has a letter.
func alnumRun(t []byte, i int) (end, n int, letter bool) {
	for i < len(t) {
		if c := t[i]; c < utf8.RuneSelf {
			if !asciiAlnum(c) {
				break
			}
			letter = letter || asciiClass[c] == cLetter
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRune(t[i:])
		if !isAlnum(r) {
			break
		}
		if unicode.IsLetter(r) {
			letter = true
		}
		n++
		i += size
	}
	return i, n, letter
}

// write appends rep for the original character at src[i].
func (st *state) write(i int, rep string) {
	b := st.b
	w := len(b.Text)
	if cap(b.Text) < w+len(rep) {
		st.grow(w + len(rep))
	}
	st.unitStart = w
	b.Text = append(b.Text, rep...)
	b.mark(w, i)
	for k := 1; k < len(rep); k++ {
		if rep[k]&0xc0 != 0x80 {
			// Each character of rep comes from src[i].
			b.mark(w+k, i)
		}
	}
}

// writeByte appends the ASCII byte c for the original character at src[i].
func (st *state) writeByte(i int, c byte) {
	b := st.b
	w := len(b.Text)
	if cap(b.Text) < w+1 {
		st.grow(w + 1)
	}
	st.unitStart = w
	b.Text = append(b.Text, c)
	b.mark(w, i)
}

// String returns the normalization of s; it allocates, and is meant for
// terms and tests rather than hot paths.
func (n Normalizer) String(s string) string {
	var b Buffer
	n.Normalize(&b, s)
	return string(b.Text)
}
