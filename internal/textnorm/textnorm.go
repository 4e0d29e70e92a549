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
// reads "idiota"), runs of a repeated letter ("soooo" reads "so") and
// separators between single letters ("s.p.a.m", "i d i o t a").
//
// Terms and texts must be normalized with the same Options to be compared.
package textnorm

//go:generate go run gen.go -ucd /usr/share/unicode

import (
	"unicode"
	"unicode/utf8"
)

// Options turns on the folds that change the letters of a word. Each can
// merge words that differ, so they are per use: a moderation list wants
// them, a style guide's preferred terms may not.
type Options struct {
	// Leet reads the digits 0 1 3 4 5 7 8 as the letters o i e a s t b, and
	// "@" "$" "!" as a s i, inside a word that has at least one letter:
	// "1d10t4" is "idiota", "a$$" is "ass"; "2024" and "@ana" stay.
	Leet bool
	// CollapseRepeats writes a run of the same letter once: "soooo" is
	// "so" (and "class" is "clas", which is why terms are normalized the
	// same way).
	CollapseRepeats bool
	// JoinSeparated drops the separators (. - _ * · / | + ~ : and space)
	// of three or more single letters or digits separated by one such
	// character each: "s.p.a.m", "i d i o t a" and "i.d.i.o.t.a" read
	// "spam" and "idiota".
	JoinSeparated bool
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
	// Starts gives, for each byte of Text, the offset in the original of
	// the character it came from. It is non-decreasing; the bytes that one
	// original character became share its offset.
	Starts []int32
	// srcLen is the length of the original.
	srcLen int
}

// Span returns the original byte range that the normalized range
// Text[i:j] came from (0 <= i < j <= len(Text)): from the first original
// character written at i up to the next one written after j-1, so that
// the characters dropped inside or right after the range (accents typed
// as combining marks, zero-width characters, repeated letters, joined
// separators) belong to it.
func (b *Buffer) Span(i, j int) (start, end int) {
	if j < len(b.Text) {
		return int(b.Starts[i]), int(b.Starts[j])
	}
	return int(b.Starts[i]), b.srcLen
}

// Whole reports whether Text[i:j] covers whole units of the original:
// it neither starts nor ends inside the expansion of one original
// character ("s" in the "ss" of "ß").
func (b *Buffer) Whole(i, j int) bool {
	return (i == 0 || b.Starts[i] != b.Starts[i-1]) && (j == len(b.Text) || b.Starts[j] != b.Starts[j-1])
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
	b.Text, b.Starts, b.srcLen = b.Text[:0], b.Starts[:0], len(src)
	if cap(b.Text) < len(src) || cap(b.Starts) < len(src) {
		// Most texts keep or shrink their length; grow once for them.
		b.Text = make([]byte, 0, len(src)+len(src)/4)
		b.Starts = make([]int32, 0, cap(b.Text))
	}
	st := state{b: b, unitStart: -1, tokStart: -1}
	opts := n.opts
	plain := !opts.Leet && !opts.CollapseRepeats && !opts.JoinSeparated
	for i := 0; i < len(src); {
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
}

// asciiRun writes the run of ASCII bytes that starts at src[i], without
// options, and returns where the run ends. It is the hot loop: one table
// lookup per byte, and the buffers are grown once for the whole run.
func (st *state) asciiRun(src string, i int) int {
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
		f := asciiFold[c]
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
func (n Normalizer) letterRun(st *state, src string, i int) int {
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
		if c >= utf8.RuneSelf || asciiClass[c] != cLetter {
			break
		}
		f := asciiFold[c]
		if collapse && unit >= 0 && unit == w-1 && t[unit] == f && unit >= st.tokStart {
			continue
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

// grow makes room for need bytes in both slices of the buffer.
func (st *state) grow(need int) {
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
		if n.opts.Leet && leetMap[c] != 0 && n.leetSymbol(st, src, i, c) {
			if st.tokStart < 0 {
				st.tokStart = len(b.Text)
			}
			st.writeByte(i, c)
			st.tokLeet = true
			return
		}
		n.endWord(st)
		st.writeByte(i, c)
		if n.opts.JoinSeparated && separator[c] {
			n.join(st, src, i)
		}
		return
	}
	// A letter or digit.
	f := asciiFold[c]
	if n.opts.CollapseRepeats && cls == cLetter && st.tokStart >= 0 && st.unitStart >= 0 &&
		len(b.Text)-st.unitStart == 1 && b.Text[st.unitStart] == f {
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
// and "$" inside a word or "$" before a letter, "!" between letters.
func (n Normalizer) leetSymbol(st *state, src string, i int, c byte) bool {
	inWord := st.tokStart >= 0
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
	case r < utf8.RuneSelf && asciiClass[r] == cOther || r >= utf8.RuneSelf && !unicode.IsLetter(r) && !unicode.IsDigit(r):
		if n.opts.JoinSeparated && i < st.joinUntil && r == '·' {
			return
		}
		n.endWord(st)
		st.write(i, rep)
		if n.opts.JoinSeparated && r == '·' {
			n.join(st, src, i)
		}
	default:
		if n.opts.CollapseRepeats && st.tokStart >= 0 && st.unitStart >= 0 &&
			string(b.Text[st.unitStart:]) == rep && unicode.IsLetter(r) {
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
	b.Text, b.Starts = b.Text[:u], b.Starts[:u]
	st.unitStart = lastUnit(b, u)
	st.reopen()
}

// lastUnit returns where the unit that ends Text[:u] starts.
func lastUnit(b *Buffer, u int) int {
	if u == 0 {
		return -1
	}
	k := u - 1
	for k > 0 && b.Starts[k-1] == b.Starts[u-1] {
		k--
	}
	return k
}

func isAlnum(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && (asciiClass[r] == cLetter || asciiClass[r] == cDigit)
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

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

// write appends rep for the original character at src[i].
func (st *state) write(i int, rep string) {
	b := st.b
	st.unitStart = len(b.Text)
	b.Text = append(b.Text, rep...)
	for k := 0; k < len(rep); k++ {
		b.Starts = append(b.Starts, int32(i))
	}
}

func (st *state) writeByte(i int, c byte) {
	b := st.b
	st.unitStart = len(b.Text)
	b.Text = append(b.Text, c)
	b.Starts = append(b.Starts, int32(i))
}

// String returns the normalization of s; it allocates, and is meant for
// terms and tests rather than hot paths.
func (n Normalizer) String(s string) string {
	var b Buffer
	n.Normalize(&b, s)
	return string(b.Text)
}
