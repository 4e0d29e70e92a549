package moderation

import (
	"math/bits"
	"regexp/syntax"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/grapheme"
)

// Required literals: a set of ASCII strings one of which every match of a
// pattern holds, compared without regard to ASCII case. A literal
// character of the pattern takes part only when every character it
// matches is ASCII ((?i)s also matches U+017F and (?i)k U+212A, so they
// cut a literal in two): such a character matches one byte of the text,
// and consecutive ones consecutive bytes. Lower-casing the literals and
// the text only widens what passes, so it is sound for case-sensitive
// parts too.

// maxLits bounds the strings of a set (and so the cross products of
// concatenations).
const maxLits = 16

// litInfo is what litsOf knows of a node: exact, when not nil, holds
// every string the node can match (lower case); else any, when not nil,
// holds strings one of which every match of the node holds.
type litInfo struct {
	exact, any []string
}

// required returns the strings one of which every match holds, nil when
// unknown.
func (l litInfo) required() []string {
	if l.exact != nil {
		return l.exact
	}
	return l.any
}

// litQuality rates a set as a filter: the length of its shortest string
// (longer strings are rarer), then fewer strings; -1 when it filters
// nothing.
func litQuality(set []string) (minLen, count int) {
	if set == nil {
		return -1, 0
	}
	minLen = -1
	for _, s := range set {
		if minLen < 0 || len(s) < minLen {
			minLen = len(s)
		}
	}
	if minLen <= 0 {
		return -1, 0
	}
	return minLen, len(set)
}

// betterLits returns the better filter of a and b.
func betterLits(a, b []string) []string {
	la, na := litQuality(a)
	lb, nb := litQuality(b)
	if lb > la || lb == la && lb > 0 && nb < na {
		return b
	}
	return a
}

// crossLits returns every string of a followed by one of b, deduplicated,
// or false when there would be more than maxLits.
func crossLits(a, b []string) ([]string, bool) {
	if len(a)*len(b) > maxLits {
		return nil, false
	}
	out := make([]string, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			if s := x + y; !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out, true
}

// unionLits returns a and b together, deduplicated, or false when there
// would be more than maxLits.
func unionLits(a, b []string) ([]string, bool) {
	out := slices.Clone(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, len(out) <= maxLits
}

// asciiLowerByte lower-cases an ASCII letter.
func asciiLowerByte(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// litsOf derives what n's matches must hold (n is simplified).
func litsOf(n *syntax.Regexp) litInfo {
	switch n.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		// They match the empty string only.
		return litInfo{exact: []string{""}}
	case syntax.OpLiteral:
		fold := n.Flags&syntax.FoldCase != 0
		var piece, best []byte
		whole := true
		for _, r := range n.Rune {
			if litSet(r, fold) == nil {
				// Not ASCII, or folds to a character that is not.
				whole = false
				if len(piece) > len(best) {
					best = piece
				}
				piece = nil
				continue
			}
			piece = append(piece, asciiLowerByte(byte(r)))
		}
		if whole {
			return litInfo{exact: []string{string(piece)}}
		}
		if len(piece) > len(best) {
			best = piece
		}
		if len(best) == 0 {
			return litInfo{}
		}
		return litInfo{any: []string{string(best)}}
	case syntax.OpCharClass:
		var set []string
		for k := 0; k < len(n.Rune); k += 2 {
			if n.Rune[k+1] >= utf8.RuneSelf || int(n.Rune[k+1]-n.Rune[k]) >= maxLits {
				return litInfo{}
			}
			for r := n.Rune[k]; r <= n.Rune[k+1]; r++ {
				if s := string(asciiLowerByte(byte(r))); !slices.Contains(set, s) {
					set = append(set, s)
				}
			}
			if len(set) > maxLits {
				return litInfo{}
			}
		}
		if len(set) == 0 {
			return litInfo{}
		}
		return litInfo{exact: set}
	case syntax.OpCapture:
		return litsOf(n.Sub[0])
	case syntax.OpPlus:
		return litInfo{any: litsOf(n.Sub[0]).required()}
	case syntax.OpRepeat:
		if n.Min >= 1 {
			return litInfo{any: litsOf(n.Sub[0]).required()}
		}
	case syntax.OpConcat:
		// run: the exact strings of the last members, when all exact.
		run, best, exact := []string{""}, []string(nil), true
		for _, s := range n.Sub {
			l := litsOf(s)
			if l.exact == nil {
				exact = false
				best = betterLits(betterLits(best, run), l.any)
				run = []string{""}
				continue
			}
			if c, ok := crossLits(run, l.exact); ok {
				run = c
				continue
			}
			exact = false
			best = betterLits(best, run)
			run = l.exact
		}
		if exact {
			return litInfo{exact: run}
		}
		return litInfo{any: betterLits(best, run)}
	case syntax.OpAlternate:
		var exactSet, anySet []string
		allExact, ok := true, true
		for _, s := range n.Sub {
			l := litsOf(s)
			if allExact && l.exact != nil {
				exactSet, allExact = unionSet(exactSet, l.exact)
			} else {
				allExact = false
			}
			req := l.required()
			if req == nil {
				ok = false
			}
			if ok {
				anySet, ok = unionSet(anySet, req)
			}
		}
		if allExact {
			return litInfo{exact: exactSet}
		}
		if ok {
			return litInfo{any: anySet}
		}
	}
	// Star, Quest, any character, no match: nothing known.
	return litInfo{}
}

// unionSet is unionLits that reports false when too big.
func unionSet(a, b []string) ([]string, bool) {
	u, ok := unionLits(a, b)
	if !ok {
		return nil, false
	}
	return u, true
}

// litNeedle is one required string, found by the byte of it that is
// rarest in text (anchor): the text holds the needle when it holds the
// anchor at some p, and the needle, without regard to ASCII case, at
// p-at.
type litNeedle struct {
	s      string // lower case
	at     int
	anchor byte // lower case
	letter bool // anchor is a letter: matched with bit 5 set
}

// letterRarity orders the letters by their frequency in English text,
// most frequent first; a rarer anchor stops the search less often.
const letterRarity = "etaoinsrhldcumfpgwybvkxjqz"

func newNeedle(s string) litNeedle {
	n := litNeedle{s: s}
	best := -1
	for i := 0; i < len(s); i++ {
		rank := 20 // digits and punctuation are rarer than most letters
		if k := strings.IndexByte(letterRarity, s[i]); k >= 0 {
			rank = k
		}
		if rank > best {
			best, n.at = rank, i
		}
	}
	n.anchor = s[n.at]
	n.letter = n.anchor >= 'a' && n.anchor <= 'z'
	return n
}

// litFilter passes a text that holds one of its needles.
type litFilter []litNeedle

// newLitFilter returns the required literals of pattern, nil when none is
// known or the shortest is shorter than two bytes (the counting
// prefilter covers single bytes better).
func newLitFilter(re *syntax.Regexp) litFilter {
	set := litsOf(re).required()
	if l, _ := litQuality(set); l < 2 {
		return nil
	}
	f := make(litFilter, len(set))
	for i, s := range set {
		f[i] = newNeedle(s)
	}
	return f
}

// pass reports whether text may hold a match.
func (f litFilter) pass(text string) bool {
	if f == nil {
		return true
	}
	for i := range f {
		if f[i].in(text) {
			return true
		}
	}
	return false
}

// in reports whether text holds the needle, without regard to ASCII case.
func (n *litNeedle) in(text string) bool {
	lo, hi := n.at, len(text)-(len(n.s)-n.at) // where the anchor may be
	if lo > hi {
		return false
	}
	var set uint64
	if n.letter {
		set = 0x20 * lanes8
	}
	want := uint64(n.anchor) * lanes8
	p := lo
	for ; p+8 <= hi+1; p += 8 {
		// The bytes of t are zero where the anchor is; bit 7 of z marks
		// exactly the zero bytes (no carry crosses a byte: 0x7F+0x7F
		// fits).
		t := (grapheme.Load64(text, p) | set) ^ want
		z := ^((t&^high8 + 0x7F*lanes8) | t | 0x7F*lanes8)
		for z != 0 {
			q := p + bits.TrailingZeros64(z)>>3
			if n.matchAt(text, q-n.at) {
				return true
			}
			z &= z - 1
		}
	}
	for ; p <= hi; p++ {
		c := text[p]
		if n.letter {
			c |= 0x20
		}
		if c == n.anchor && n.matchAt(text, p-n.at) {
			return true
		}
	}
	return false
}

// matchAt reports whether text[i:] starts with the needle, without regard
// to ASCII case.
func (n *litNeedle) matchAt(text string, i int) bool {
	s := n.s
	t := text[i : i+len(s)]
	for k := 0; k < len(s); k++ {
		if asciiLowerByte(t[k]) != s[k] {
			return false
		}
	}
	return true
}
