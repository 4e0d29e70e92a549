package spell

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// affix is one PFX or SFX entry.
type affix struct {
	flag     uint16
	cross    bool
	strip    string
	appnd    string
	cont     []uint16 // continuation flags, sorted
	contMask uint32   // role bits of cont
	cond     condition
}

func (a *affix) contHas(f uint16) bool { return hasFlag(a.cont, f) }

// affixIndex finds the affixes whose text a word starts (PFX) or ends
// (SFX) with: byText maps the affix text to its entries, grouped by what
// they strip (so that a stem is built and looked up once per group), and
// lens lists the distinct text lengths, so a word tries one map look-up
// per length.
type affixIndex struct {
	byText map[string][]*stripGroup
	lens   []int
	all    []*affix
}

// stripGroup is the entries with the same affix text and strip string:
// they make the same stem from a word.
type stripGroup struct {
	strip   string
	entries []*affix
}

func (x *affixIndex) add(a *affix) {
	if x.byText == nil {
		x.byText = map[string][]*stripGroup{}
	}
	x.all = append(x.all, a)
	for _, g := range x.byText[a.appnd] {
		if g.strip == a.strip {
			g.entries = append(g.entries, a)
			return
		}
	}
	x.byText[a.appnd] = append(x.byText[a.appnd], &stripGroup{strip: a.strip, entries: []*affix{a}})
}

func (x *affixIndex) build() {
	seen := map[int]bool{}
	for t := range x.byText {
		if !seen[len(t)] {
			seen[len(t)] = true
			x.lens = append(x.lens, len(t))
		}
	}
	sort.Ints(x.lens)
}

func (x *affixIndex) setMasks(d *Dictionary) {
	for _, a := range x.all {
		a.contMask = d.maskOf(a.cont)
	}
}

// condition is a parsed affix condition: one element per character.
type condition []condElem

type condElem struct {
	any   bool
	neg   bool
	chars []rune
}

func (e *condElem) match(r rune) bool {
	if e.any {
		return true
	}
	in := false
	for _, c := range e.chars {
		if c == r {
			in = true
			break
		}
	}
	return in != e.neg
}

func parseCond(s string) (condition, error) {
	if s == "." {
		return nil, nil
	}
	var c condition
	for i := 0; i < len(s); {
		if len(c) >= maxCondLen {
			return nil, fmt.Errorf("longer than %d characters", maxCondLen)
		}
		switch s[i] {
		case '[':
			j := strings.IndexByte(s[i:], ']')
			if j < 0 {
				return nil, fmt.Errorf("unclosed [")
			}
			body := s[i+1 : i+j]
			e := condElem{}
			if strings.HasPrefix(body, "^") {
				e.neg = true
				body = body[1:]
			}
			e.chars = []rune(body)
			c = append(c, e)
			i += j + 1
		case '.':
			c = append(c, condElem{any: true})
			i++
		case ']':
			return nil, fmt.Errorf("] without [")
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			c = append(c, condElem{chars: []rune{r}})
			i += n
		}
	}
	return c, nil
}

// matchStart reports whether the condition matches the start of w.
func (c condition) matchStart(w []byte) bool {
	for i := range c {
		if len(w) == 0 {
			return false
		}
		r, n := utf8.DecodeRune(w)
		if !c[i].match(r) {
			return false
		}
		w = w[n:]
	}
	return true
}

// matchEnd reports whether the condition matches the end of w.
func (c condition) matchEnd(w []byte) bool {
	for i := len(c) - 1; i >= 0; i-- {
		if len(w) == 0 {
			return false
		}
		r, n := utf8.DecodeLastRune(w)
		if !c[i].match(r) {
			return false
		}
		w = w[:len(w)-n]
	}
	return true
}

// convTable is an ICONV or OCONV table: the longest pattern that matches
// at a position is replaced, left to right. A leading or trailing "_" in
// a pattern anchors it at the start or end of the word.
type convTable struct {
	entries []convEntry // longest pattern first
	first   [256]bool   // first bytes of patterns
}

type convEntry struct {
	from, to   string
	start, end bool
}

func (t *convTable) add(from, to string) {
	e := convEntry{from: from, to: strings.ReplaceAll(to, "_", " ")}
	if strings.HasPrefix(e.from, "_") && len(e.from) > 1 {
		e.start, e.from = true, e.from[1:]
	}
	if strings.HasSuffix(e.from, "_") && len(e.from) > 1 {
		e.end, e.from = true, e.from[:len(e.from)-1]
	}
	e.from = strings.ReplaceAll(e.from, "_", " ")
	if e.from == "" {
		return
	}
	t.entries = append(t.entries, e)
	t.first[e.from[0]] = true
}

// conv appends the converted w to dst; changed is false (and dst is
// untouched) when no pattern applies.
func (t *convTable) conv(dst, w []byte) (out []byte, changed bool) {
	if len(t.entries) == 0 {
		return dst, false
	}
	hit := false
	for _, c := range w {
		if t.first[c] {
			hit = true
			break
		}
	}
	if !hit {
		return dst, false
	}
	out = dst
	for i := 0; i < len(w); {
		var m *convEntry
		if t.first[w[i]] {
			for k := range t.entries {
				e := &t.entries[k]
				if len(e.from) > len(w)-i || string(w[i:i+len(e.from)]) != e.from {
					continue
				}
				if e.start && i != 0 || e.end && i+len(e.from) != len(w) {
					continue
				}
				m = e
				break
			}
		}
		if m == nil {
			out = append(out, w[i])
			i++
			continue
		}
		out = append(out, m.to...)
		i += len(m.from)
		changed = true
	}
	if !changed {
		return dst, false
	}
	return out, true
}
