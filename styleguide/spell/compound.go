package spell

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ruleAtom is one element of a COMPOUNDRULE: a flag, optionally followed
// by * (any number of parts with it) or ? (zero or one).
type ruleAtom struct {
	flag uint16
	mod  byte // 0, '*' or '?'
}

// parseRule reads a COMPOUNDRULE pattern. With FLAG long or num, each flag
// is written in parentheses: (aa)(bb)*.
func (d *Dictionary) parseRule(s string) ([]ruleAtom, error) {
	var rule []ruleAtom
	for i := 0; i < len(s); {
		var text string
		switch {
		case s[i] == '(':
			j := strings.IndexByte(s[i:], ')')
			if j < 0 {
				return nil, fmt.Errorf("unclosed ( in %q", s)
			}
			text = s[i+1 : i+j]
			i += j + 1
		case s[i] == '*' || s[i] == '?':
			return nil, fmt.Errorf("%q: %c without a flag before it", s, s[i])
		default:
			_, n := utf8.DecodeRuneInString(s[i:])
			text = s[i : i+n]
			i += n
		}
		var id uint16
		var err error
		if d.flagMode == flagNum {
			fl, e := d.decodeFlags(text)
			if e != nil || len(fl) != 1 {
				return nil, fmt.Errorf("bad flag %q", text)
			}
			id = fl[0]
		} else {
			id, err = d.flagID(text)
			if err != nil {
				return nil, err
			}
		}
		a := ruleAtom{flag: id}
		if i < len(s) && (s[i] == '*' || s[i] == '?') {
			a.mod = s[i]
			i++
		}
		d.ruleFlags[id] = true
		rule = append(rule, a)
	}
	if len(rule) == 0 {
		return nil, fmt.Errorf("empty rule")
	}
	return rule, nil
}

// matchRule reports whether the flag sets seq (one per compound part)
// match rule; with partial, whether they can still be completed to a
// match. It simulates the rule as an automaton, in time linear in both.
func (d *Dictionary) matchRule(rule []ruleAtom, seq []uint32, partial bool) bool {
	var buf [2][33]bool
	cur, next := buf[0][:], buf[1][:]
	if len(rule) >= len(buf[0]) {
		cur, next = make([]bool, len(rule)+1), make([]bool, len(rule)+1)
	}
	cur, next = cur[:len(rule)+1], next[:len(rule)+1]
	closure := func(set []bool) {
		for i := 0; i < len(rule); i++ {
			if set[i] && rule[i].mod != 0 {
				set[i+1] = true
			}
		}
	}
	cur[0] = true
	closure(cur)
	for _, h := range seq {
		fs := d.flagsets[h]
		any := false
		for i := range next {
			next[i] = false
		}
		for i := 0; i < len(rule); i++ {
			if !cur[i] || !hasFlag(fs, rule[i].flag) {
				continue
			}
			if rule[i].mod == '*' {
				next[i] = true
			} else {
				next[i+1] = true
			}
			any = true
		}
		if !any {
			return false
		}
		closure(next)
		cur, next = next, cur
	}
	return partial || cur[len(rule)]
}

func (d *Dictionary) anyRule(seq []uint32, partial bool) bool {
	for _, r := range d.compoundRules {
		if d.matchRule(r, seq, partial) {
			return true
		}
	}
	return false
}

// compoundCheck reports whether w is a compound of dictionary words, by
// COMPOUNDFLAG/BEGIN/MIDDLE/END or by COMPOUNDRULE. It returns the flag
// set index of the last part, or -1.
func (d *Dictionary) compoundCheck(w []byte) int {
	if len(d.compoundRules) > 0 {
		seq := make([]uint32, 0, 8)
		budget := 10000
		if f := d.compoundRule(w, 0, seq, &budget); f >= 0 {
			return f
		}
	}
	if d.compoundFlag|d.compoundBegin|d.compoundMiddle|d.compoundEnd == 0 {
		return -1
	}
	var budget = 10000 // bounds the search on long words
	f := d.compoundFlags(w, 0, 0, &budget)
	if f >= 0 && d.checkRep && d.repMakesWord(w) {
		return -1
	}
	return f
}

// boundaries yields the byte offsets in w[start:] where a part of at
// least compoundMin characters can end, leaving at least compoundMin.
func (d *Dictionary) splitPoints(w []byte, start int, yield func(i int) bool) {
	total := utf8.RuneCount(w[start:])
	n := 0
	for i := start; i < len(w); {
		_, size := utf8.DecodeRune(w[i:])
		i += size
		n++
		if n >= d.compoundMin && total-n >= d.compoundMin {
			if !yield(i) {
				return
			}
		}
		if total-n < d.compoundMin {
			return
		}
	}
}

func (d *Dictionary) compoundRule(w []byte, start int, seq []uint32, budget *int) int {
	*budget--
	if len(seq) >= maxCompound || *budget < 0 {
		return -1
	}
	found := -1
	// the last part: the rest of the word
	if len(seq) > 0 && utf8.RuneCount(w[start:]) >= d.compoundMin {
		var one [1]uint32
		for _, h := range d.homonyms(w[start:], &one) {
			if d.masks[h]&mCompoundRule == 0 {
				continue
			}
			if d.anyRule(append(seq, h), false) {
				return int(h)
			}
		}
	}
	d.splitPoints(w, start, func(i int) bool {
		var one [1]uint32
		for _, h := range d.homonyms(w[start:i], &one) {
			if d.masks[h]&mCompoundRule == 0 {
				continue
			}
			s2 := append(seq, h) // depth first: siblings may reuse the slot
			if !d.anyRule(s2, true) {
				continue
			}
			if f := d.compoundRule(w, i, s2, budget); f >= 0 {
				found = f
				return false
			}
		}
		return true
	})
	return found
}

// compoundPart finds the part p at position pos (cpdBegin, cpdOther or
// cpdEnd) as a stem, or an affixed form, with a compounding flag.
func (d *Dictionary) compoundPart(p []byte, pos int) int {
	need := [2]uint16{d.compoundFlag}
	switch pos {
	case cpdBegin:
		need[1] = d.compoundBegin
	case cpdOther:
		need[1] = d.compoundMiddle
	case cpdEnd:
		need[1] = d.compoundEnd
	}
	var one [1]uint32
	for _, h := range d.homonyms(p, &one) {
		m := d.masks[h]
		if m&(mForbidden|mNeedAffix|mCompoundForbid) != 0 {
			continue
		}
		fs := d.flagsets[h]
		if hasFlag(fs, need[0]) || hasFlag(fs, need[1]) {
			return int(h)
		}
	}
	sc := d.pool.Get().(*scratch)
	defer d.pool.Put(sc)
	for _, nf := range need {
		if nf == 0 {
			continue
		}
		f := -1
		switch pos {
		case cpdBegin:
			if f = d.prefixCheck(sc, p, cpdBegin, nf); f < 0 {
				f = d.suffixCheck(sc, p, false, nil, 0, nf, cpdBegin)
			}
		case cpdEnd:
			if f = d.suffixCheck(sc, p, false, nil, 0, nf, cpdEnd); f < 0 {
				f = d.prefixCheck(sc, p, cpdEnd, nf)
			}
		default:
			f = d.affixCheck(sc, p, nf, cpdOther)
		}
		if f >= 0 && d.masks[f]&(mForbidden|mCompoundForbid) == 0 {
			return f
		}
	}
	return -1
}

func (d *Dictionary) compoundFlags(w []byte, start, nparts int, budget *int) int {
	if d.compoundMax > 0 && nparts+2 > d.compoundMax || nparts+2 > maxCompound {
		return -1
	}
	found := -1
	pos := cpdOther
	if nparts == 0 {
		pos = cpdBegin
	}
	d.splitPoints(w, start, func(i int) bool {
		*budget--
		if *budget < 0 {
			return false
		}
		part := w[start:i]
		if !d.boundaryOK(w, i) {
			return true
		}
		if d.compoundPart(part, pos) < 0 {
			return true
		}
		// CHECKCOMPOUNDDUP compares the last part with the one before it,
		// as hunspell does ("workworkshop" passes, "roomroom" does not)
		tail := w[i:]
		if !(d.checkDup && string(tail) == string(part)) {
			if f := d.compoundPart(tail, cpdEnd); f >= 0 {
				found = f
				return false
			}
		}
		if f := d.compoundFlags(w, i, nparts+1, budget); f >= 0 {
			found = f
			return false
		}
		return true
	})
	return found
}

// boundaryOK applies CHECKCOMPOUNDTRIPLE and CHECKCOMPOUNDCASE at the
// boundary i between two parts.
func (d *Dictionary) boundaryOK(w []byte, i int) bool {
	if d.checkCase {
		a, _ := utf8.DecodeLastRune(w[:i])
		b, _ := utf8.DecodeRune(w[i:])
		if unicode.IsUpper(a) || unicode.IsUpper(b) {
			if a != '-' && b != '-' {
				return false
			}
		}
	}
	if d.checkTriple {
		rs := []rune(string(w[max(0, i-8):min(len(w), i+8)]))
		// position of the boundary in rs
		k := utf8.RuneCount(w[max(0, i-8):i])
		for s := k - 2; s <= k-1; s++ {
			if s >= 0 && s+2 < len(rs) && rs[s] == rs[s+1] && rs[s+1] == rs[s+2] {
				return false
			}
		}
	}
	return true
}

// repMakesWord reports whether one REP replacement turns w into a word
// found without compounding (CHECKCOMPOUNDREP: "the compound is more
// likely a misspelled simple word").
func (d *Dictionary) repMakesWord(w []byte) bool {
	s := string(w)
	for _, r := range d.rep {
		for i := 0; ; {
			j := strings.Index(s[i:], r.from)
			if j < 0 {
				break
			}
			j += i
			cand := s[:j] + r.to + s[j+len(r.from):]
			var one [1]uint32
			if d.homonyms([]byte(cand), &one) != nil {
				return true
			}
			sc := d.pool.Get().(*scratch)
			f := d.affixCheck(sc, []byte(cand), 0, cpdNot)
			d.pool.Put(sc)
			if f >= 0 {
				return true
			}
			i = j + 1
		}
	}
	return false
}
