package spell

import (
	"bytes"
	"unicode/utf8"
)

// scratch holds the buffers one Check uses, so that checking allocates
// nothing. Each stage writes to its own buffer, because the stage before
// it still reads its own: the affix stages nest at most three deep
// (prefix, then a second suffix, then a suffix).
type scratch struct {
	in, conv, clean, c1, c2, dot []byte
	p, s1, s2                    []byte
}

// Compound positions, as hunspell's in_compound.
const (
	cpdNot = iota
	cpdBegin
	cpdEnd
	cpdOther
)

// info bits, as hunspell's.
const (
	infoForbidden = 1 << iota
	infoInitCap
)

// Check reports whether word is spelled correctly. Leading spaces and
// trailing periods are ignored as hunspell ignores them (an abbreviation
// "etc." is found as "etc." or "etc"); numbers such as "1,000.5" are
// correct. It is safe for concurrent use and allocates nothing for a
// correct word.
func (d *Dictionary) Check(word string) bool {
	sc := d.pool.Get().(*scratch)
	sc.in = append(sc.in[:0], word...)
	budget := maxBreakCalls
	ok := d.spell(sc, sc.in, 0, &budget)
	d.pool.Put(sc)
	return ok
}

// checkNoBreak is Check without splitting at BREAK points, for
// suggestion candidates, as hunspell's suggester checks them.
func (d *Dictionary) checkNoBreak(word string) bool {
	sc := d.pool.Get().(*scratch)
	sc.in = append(sc.in[:0], word...)
	budget := 0
	ok := d.spell(sc, sc.in, maxDepth-1, &budget)
	d.pool.Put(sc)
	return ok
}

func (d *Dictionary) tooLong(w []byte) bool {
	if d.utf8 {
		return len(w) >= maxWordBytes
	}
	return utf8.RuneCount(w) >= maxWordBytes/3
}

// maxBreakCalls bounds the checks of the parts of one word split at BREAK
// points (a word with many hyphens, or a dictionary with many BREAK
// patterns, would otherwise take exponential time).
const maxBreakCalls = 200

func (d *Dictionary) spell(sc *scratch, w []byte, depth int, budget *int) bool {
	if depth >= maxDepth || d.tooLong(w) {
		return false
	}
	if c, changed := d.iconv.conv(sc.conv[:0], w); changed {
		sc.conv = c
		w = c
		if d.tooLong(w) {
			return false
		}
	}
	if len(d.ignore) > 0 {
		sc.clean = d.appendWithoutIgnored(sc.clean[:0], w)
		w = sc.clean
	}
	for len(w) > 0 && w[0] == ' ' {
		w = w[1:]
	}
	abbv := 0
	for len(w) > 0 && w[len(w)-1] == '.' {
		w = w[:len(w)-1]
		abbv++
	}
	if len(w) == 0 {
		return true
	}
	if isNumber(w) {
		return true
	}
	ct := captype(w)
	info := 0
	found := -1
	switch ct {
	case huhCap, huhInitCap, noCap:
		found = d.checkword(sc, w, &info)
		if found < 0 && abbv > 0 {
			sc.dot = append(append(sc.dot[:0], w...), '.')
			found = d.checkword(sc, sc.dot, &info)
		}
	case allCap, initCap:
		found = d.spellCapitalized(sc, w, ct, abbv, &info)
	}
	if found >= 0 {
		return true
	}
	if info&infoForbidden != 0 || len(d.breaks) == 0 || depth >= maxDepth-1 {
		return false
	}
	return d.spellBreaks(w, depth, budget)
}

// spellCapitalized handles ALLCAP and INITCAP words, as hunspell's
// spell does: the word as written, then with trailing dots, then (for
// apostrophes) "SANT'ELIA" as "Sant'Elia", then lowered or capitalized.
func (d *Dictionary) spellCapitalized(sc *scratch, w []byte, ct, abbv int, info *int) int {
	found := -1
	if ct == allCap {
		found = d.checkword(sc, w, info)
		if found >= 0 {
			return found
		}
		if abbv > 0 {
			sc.dot = append(append(sc.dot[:0], w...), '.')
			if found = d.checkword(sc, sc.dot, info); found >= 0 {
				return found
			}
		}
		if apos := bytes.IndexByte(w, '\''); apos >= 0 {
			low := appendLower(sc.c1[:0], w)
			sc.c1 = low
			if apos = bytes.IndexByte(low, '\''); apos >= 0 && apos < len(low)-1 {
				v := appendInitCap(append(sc.c2[:0], low[:apos+1]...), low[apos+1:])
				sc.c2 = v
				if found = d.checkword(sc, v, info); found >= 0 {
					return found
				}
				v = appendInitCap(sc.c2[:0], low)
				sc.c2 = v
				if found = d.checkword(sc, v, info); found >= 0 {
					return found
				}
			}
		}
	}
	// INITCAP (and ALLCAP after the above): the word as a capitalized one.
	scw := w
	if ct == allCap {
		sc.c1 = appendLower(sc.c1[:0], w)
		sc.c2 = appendInitCap(sc.c2[:0], sc.c1)
		scw = sc.c2
	}
	if ct == initCap {
		*info |= infoInitCap
	}
	found = d.checkword(sc, scw, info)
	*info &^= infoInitCap
	if *info&infoForbidden != 0 {
		return -1
	}
	if found >= 0 && ct == allCap && d.masks[found]&mKeepCase != 0 {
		found = -1
	}
	if found >= 0 {
		return found
	}
	// the lower-case form
	sc.c1 = appendLower(sc.c1[:0], w)
	low := sc.c1
	found = d.checkword(sc, low, info)
	if abbv > 0 && found < 0 {
		sc.dot = append(append(sc.dot[:0], low...), '.')
		found = d.checkword(sc, sc.dot, info)
		if found < 0 {
			sc.dot = append(appendInitCap(sc.dot[:0], low), '.')
			if ct == initCap {
				*info |= infoInitCap
			}
			found = d.checkword(sc, sc.dot, info)
			*info &^= infoInitCap
			if found >= 0 && ct == allCap && d.masks[found]&mKeepCase != 0 {
				found = -1
			}
			return found
		}
	}
	if found >= 0 && d.masks[found]&mKeepCase != 0 {
		found = -1
	}
	return found
}

// spellBreaks checks a word that failed as a whole at its BREAK points
// (by default hyphens): "^-" and "-$" patterns strip a leading or trailing
// hyphen, "-" splits the word in two and checks both sides.
func (d *Dictionary) spellBreaks(w []byte, depth int, budget *int) bool {
	nbr := 0
	for _, b := range d.breaks {
		if b != "" {
			nbr += bytes.Count(w, []byte(b))
		}
	}
	if nbr >= maxDepth {
		return false
	}
	sub := func(part []byte) bool {
		if *budget <= 0 {
			return false
		}
		*budget--
		sc := d.pool.Get().(*scratch)
		sc.in = append(sc.in[:0], part...)
		ok := d.spell(sc, sc.in, depth+1, budget)
		d.pool.Put(sc)
		return ok
	}
	wl := len(w)
	for _, b := range d.breaks {
		pl := len(b)
		if pl <= 1 || pl > wl {
			continue
		}
		if b[0] == '^' && bytes.HasPrefix(w, []byte(b[1:])) && sub(w[pl-1:]) {
			return true
		}
		if b[pl-1] == '$' && bytes.HasSuffix(w, []byte(b[:pl-1])) && sub(w[:wl-pl+1]) {
			return true
		}
	}
	for pass := 0; pass < 2; pass++ {
		for _, b := range d.breaks {
			pl := len(b)
			if pl == 0 {
				continue
			}
			found := bytes.Index(w, []byte(b))
			if found <= 0 || found >= wl-pl {
				continue
			}
			if pass == 0 {
				// try the second occurrence first, to find dictionary words
				// that contain the break string
				if f2 := bytes.Index(w[found+1:], []byte(b)); f2 >= 0 {
					f2 += found + 1
					if f2 > 0 && f2 < wl-pl {
						found = f2
					}
				}
			}
			if !sub(w[found+pl:]) {
				continue
			}
			if sub(w[:found]) {
				return true
			}
		}
	}
	return false
}

// isNumber reports whether w is digits with single separators (. , -)
// between them, as hunspell accepts: "1,000.50", "2024-01-31".
func isNumber(w []byte) bool {
	state := 0 // 0 begin, 1 digit, 2 separator
	for i := 0; i < len(w); {
		r, n := rune(w[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(w[i:])
		}
		switch {
		case r >= '0' && r <= '9', r >= 0x660 && r <= 0x669, r >= 0x6F0 && r <= 0x6F9:
			state = 1
		case r == ',' || r == '.' || r == '-':
			if state == 2 || i == 0 {
				return false
			}
			state = 2
		default:
			return false
		}
		i += n
	}
	return state == 1
}

func (d *Dictionary) appendWithoutIgnored(dst, w []byte) []byte {
	for i := 0; i < len(w); {
		r, n := utf8.DecodeRune(w[i:])
		if !d.isIgnored(r) {
			dst = append(dst, w[i:i+n]...)
		}
		i += n
	}
	return dst
}

// checkword looks w up as a stem, then as an affixed form, then as a
// compound, as hunspell's checkword does. It returns the flag set index
// of the stem found, or -1.
func (d *Dictionary) checkword(sc *scratch, w []byte, info *int) int {
	if len(w) == 0 {
		return -1
	}
	var one [1]uint32
	if homs := d.homonyms(w, &one); homs != nil {
		if d.masks[homs[0]]&mForbidden != 0 {
			*info |= infoForbidden
			return -1
		}
		for _, h := range homs {
			m := d.masks[h]
			if m&(mNeedAffix|mOnlyInCompound) != 0 {
				continue
			}
			if *info&infoInitCap != 0 && m&mOnlyUpcase != 0 {
				continue
			}
			return int(h)
		}
	} else if d.isExtra(w) {
		return 0 // the empty flag set
	}
	found := d.affixCheck(sc, w, 0, cpdNot)
	if found >= 0 {
		m := d.masks[found]
		if m&mOnlyInCompound != 0 || *info&infoInitCap != 0 && m&mOnlyUpcase != 0 {
			found = -1
		} else if m&mForbidden != 0 {
			*info |= infoForbidden
			return -1
		}
		if found >= 0 {
			return found
		}
	}
	if found < 0 && d.compound {
		return d.compoundCheck(w)
	}
	return -1
}
