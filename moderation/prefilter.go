package moderation

import (
	"math/bits"
	"regexp/syntax"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/grapheme"
)

// rePrefilter is a necessary condition of a regex match, checked before
// the regexp runs: every match holds at least min bytes from the ASCII
// ranges (lo, hi pairs). An ASCII byte is always a character of its own
// in UTF-8 (and in the regexp package's reading of invalid UTF-8), so a
// text with fewer such bytes has no match. min 0 is no filter.
//
// lits, when not nil, is a second necessary condition: the text holds one
// of the pattern's required literals (see litsOf).
type rePrefilter struct {
	ranges []byte
	min    int
	lits   litFilter
}

// maxPrefilterRanges bounds the ranges a prefilter counts (each one is a
// pass of word-wide arithmetic).
const maxPrefilterRanges = 4

// newPrefilter derives the prefilter of pattern from its syntax: for
// each all-ASCII set of characters that a literal or class of the
// pattern matches, the fewest characters of the set any match holds
// (minCount); it keeps the smallest set with a count of at least one.
// Patterns it cannot read get no filter.
func newPrefilter(pattern string) rePrefilter {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return rePrefilter{}
	}
	re = re.Simplify()
	var cands [][]rune
	var walk func(*syntax.Regexp)
	// add keeps each set once: Simplify expands x{n} into n copies of
	// x, and minCount below walks the whole tree once per set.
	add := func(set []rune) {
		if len(set) > 2*maxPrefilterRanges {
			return
		}
		for _, c := range cands {
			if slices.Equal(c, set) {
				return
			}
		}
		cands = append(cands, set)
	}
	walk = func(n *syntax.Regexp) {
		switch n.Op {
		case syntax.OpLiteral:
			for _, r := range n.Rune {
				if set := litSet(r, n.Flags&syntax.FoldCase != 0); set != nil {
					add(set)
				}
			}
		case syntax.OpCharClass:
			if asciiRanges(n.Rune) {
				add(n.Rune)
			}
		}
		for _, s := range n.Sub {
			walk(s)
		}
	}
	walk(re)
	best, bestSize := rePrefilter{lits: newLitFilter(re)}, 0
	for _, set := range cands {
		m := minCount(re, set)
		if m == 0 {
			continue
		}
		size := 0
		for k := 0; k < len(set); k += 2 {
			size += int(set[k+1]-set[k]) + 1
		}
		if best.min == 0 || size < bestSize || size == bestSize && m > best.min {
			best.ranges = best.ranges[:0]
			for _, r := range set {
				best.ranges = append(best.ranges, byte(r))
			}
			best.min, bestSize = m, size
		}
	}
	return best
}

// litSet returns the ranges a literal character matches, nil unless all
// are ASCII ((?i)k also matches U+212A, the Kelvin sign).
func litSet(r rune, fold bool) []rune {
	if r >= utf8.RuneSelf {
		return nil
	}
	set := []rune{r, r}
	if fold {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f >= utf8.RuneSelf {
				return nil
			}
			set = append(set, f, f)
		}
		set = normRanges(set)
	}
	return set
}

// litWithin reports whether every character a literal character matches
// is in set (sorted lo, hi pairs): litSet(r, fold) is not nil and within
// set, without building it.
func litWithin(r rune, fold bool, set []rune) bool {
	if r >= utf8.RuneSelf || !inRanges(r, set) {
		return false
	}
	if fold {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f >= utf8.RuneSelf || !inRanges(f, set) {
				return false
			}
		}
	}
	return true
}

// inRanges reports whether r is in one of the ranges (lo, hi pairs).
func inRanges(r rune, set []rune) bool {
	for j := 0; j < len(set); j += 2 {
		if r >= set[j] && r <= set[j+1] {
			return true
		}
	}
	return false
}

// normRanges sorts and merges ranges of single characters (at most a few).
func normRanges(set []rune) []rune {
	for i := 0; i < len(set); i += 2 {
		for j := i + 2; j < len(set); j += 2 {
			if set[j] < set[i] {
				set[i], set[i+1], set[j], set[j+1] = set[j], set[j+1], set[i], set[i+1]
			}
		}
	}
	out := set[:2]
	for i := 2; i < len(set); i += 2 {
		if last := len(out) - 1; set[i] <= out[last]+1 {
			out[last] = max(out[last], set[i+1])
		} else {
			out = append(out, set[i], set[i+1])
		}
	}
	return out
}

// asciiRanges reports whether the class (lo, hi pairs) is non-empty and
// all ASCII.
func asciiRanges(class []rune) bool {
	return len(class) > 0 && class[len(class)-1] < utf8.RuneSelf
}

// within reports whether every character of the class (sorted lo, hi
// pairs) is in set.
func within(class, set []rune) bool {
	if len(class) == 0 {
		return false
	}
	for k := 0; k < len(class); k += 2 {
		ok := false
		for j := 0; j < len(set); j += 2 {
			if class[k] >= set[j] && class[k+1] <= set[j+1] {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// minCount returns a lower bound of the number of characters from set in
// any match of n.
func minCount(n *syntax.Regexp, set []rune) int {
	switch n.Op {
	case syntax.OpLiteral:
		c := 0
		for _, r := range n.Rune {
			if litWithin(r, n.Flags&syntax.FoldCase != 0, set) {
				c++
			}
		}
		return c
	case syntax.OpCharClass:
		if within(n.Rune, set) {
			return 1
		}
		return 0
	case syntax.OpCapture, syntax.OpPlus:
		return minCount(n.Sub[0], set)
	case syntax.OpRepeat:
		return n.Min * minCount(n.Sub[0], set)
	case syntax.OpConcat:
		c := 0
		for _, s := range n.Sub {
			c += minCount(s, set)
		}
		return c
	case syntax.OpAlternate:
		c := -1
		for _, s := range n.Sub {
			if m := minCount(s, set); c < 0 || m < c {
				c = m
			}
		}
		return max(c, 0)
	}
	// Star, Quest, any character, empty strings, anchors and boundaries
	// need nothing.
	return 0
}

// pass reports whether text may hold a match.
func (p *rePrefilter) pass(text string) bool {
	return p.passCount(text) && p.lits.pass(text)
}

// passCount checks the count of bytes from ranges.
func (p *rePrefilter) passCount(text string) bool {
	if p.min == 0 {
		return true
	}
	if len(p.ranges) == 2 && p.ranges[0] == p.ranges[1] {
		// One byte.
		c, n := p.ranges[0], 0
		for i := 0; i < len(text); i++ {
			if text[i] == c {
				if n++; n >= p.min {
					return true
				}
			}
		}
		return false
	}
	n := 0
	i := 0
	for ; i+8 <= len(text); i += 8 {
		x := grapheme.Load64(text, i)
		// Clearing bit 7 keeps the sums of asciiRange inside each byte;
		// the bytes that had it (not ASCII) are then dropped.
		y := x &^ high8
		var in uint64
		for k := 0; k < len(p.ranges); k += 2 {
			in |= asciiRange(y, p.ranges[k], p.ranges[k+1])
		}
		if n += bits.OnesCount64(in &^ x); n >= p.min {
			return true
		}
	}
	for ; i < len(text); i++ {
		c := text[i]
		for k := 0; k < len(p.ranges); k += 2 {
			if c >= p.ranges[k] && c <= p.ranges[k+1] {
				n++
				break
			}
		}
	}
	return n >= p.min
}
