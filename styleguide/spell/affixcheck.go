package spell

// affixCheck returns the flag set index of a stem of which w is an
// affixed form (a prefix, a suffix, both when both allow cross products,
// or two suffixes when the inner one's continuation class allows the
// outer one), or -1. needflag, when set, must be on the stem or in the
// continuation class of an affix (compound parts need it).
func (d *Dictionary) affixCheck(sc *scratch, w []byte, needflag uint16, inCpd int) int {
	if f := d.prefixCheck(sc, w, inCpd, needflag); f >= 0 {
		return f
	}
	if f := d.suffixCheck(sc, w, false, nil, 0, needflag, inCpd); f >= 0 {
		return f
	}
	if d.haveContClasses && inCpd == cpdNot {
		if f := d.suffixCheckTwo(sc, w, false, nil, needflag); f >= 0 {
			return f
		}
		return d.prefixCheckTwo(sc, w, inCpd, needflag)
	}
	return -1
}

func (d *Dictionary) prefixCheck(sc *scratch, w []byte, inCpd int, needflag uint16) int {
	for _, l := range d.pfx.lens {
		if l > len(w) {
			break
		}
		tmpl := len(w) - l
		if tmpl == 0 && !d.fullStrip {
			break
		}
		for _, g := range d.pfx.byText[string(w[:l])] {
			sc.p = append(append(sc.p[:0], g.strip...), w[l:]...)
			stem := sc.p
			var one [1]uint32
			homs := d.homonyms(stem, &one)
			for _, a := range g.entries {
				if inCpd == cpdNot && a.contMask&mOnlyInCompound != 0 {
					continue
				}
				if inCpd == cpdEnd && a.contMask&mCompoundPermit == 0 {
					continue
				}
				if homs == nil && !a.cross {
					continue
				}
				if f := d.prefixCheckword(sc, a, stem, homs, inCpd, needflag); f >= 0 {
					return f
				}
			}
		}
	}
	return -1
}

// prefixCheckword tries prefix a, which made stem (with homonyms homs)
// from the word.
func (d *Dictionary) prefixCheckword(sc *scratch, a *affix, stem []byte, homs []uint32, inCpd int, needflag uint16) int {
	if !a.cond.matchStart(stem) {
		return -1
	}
	for _, h := range homs {
		fs := d.flagsets[h]
		// hunspell 1.7.1 lets a circumfix prefix stand without its suffix
		// (later versions do not); we agree with the 1.7.1 program.
		if !hasFlag(fs, a.flag) || a.contMask&mNeedAffix != 0 {
			continue
		}
		if needflag != 0 && !hasFlag(fs, needflag) && !a.contHas(needflag) {
			continue
		}
		return int(h)
	}
	if a.cross {
		return d.suffixCheck(sc, stem, true, a, 0, needflag, inCpd)
	}
	return -1
}

// suffixApplicable reports whether suffix a may be tried at all.
func (d *Dictionary) suffixApplicable(pfx, a *affix, cclass uint16, inCpd int) bool {
	if inCpd == cpdBegin && a.contMask&mCompoundPermit == 0 {
		return false
	}
	if d.circumfix != 0 {
		inP := pfx != nil && pfx.contMask&mCircumfix != 0
		if inP != (a.contMask&mCircumfix != 0) {
			return false
		}
	}
	if inCpd == cpdNot && a.contMask&mOnlyInCompound != 0 {
		return false
	}
	if cclass == 0 && a.contMask&mNeedAffix != 0 && (pfx == nil || pfx.contMask&mNeedAffix != 0) {
		return false
	}
	return true
}

func (d *Dictionary) suffixCheck(sc *scratch, w []byte, xprod bool, pfx *affix, cclass, needflag uint16, inCpd int) int {
	for _, l := range d.sfx.lens {
		if l > len(w) {
			break
		}
		tmpl := len(w) - l
		if tmpl == 0 && !d.fullStrip {
			break
		}
		for _, g := range d.sfx.byText[string(w[tmpl:])] {
			sc.s1 = append(append(sc.s1[:0], w[:tmpl]...), g.strip...)
			stem := sc.s1
			var one [1]uint32
			homs := d.homonyms(stem, &one)
			if homs == nil {
				continue
			}
			for _, a := range g.entries {
				if cclass != 0 && len(a.cont) == 0 || xprod && !a.cross {
					continue
				}
				if !d.suffixApplicable(pfx, a, cclass, inCpd) {
					continue
				}
				if l > 0 && inCpd == cpdEnd && pfx == nil && a.contMask&mOnlyInCompound != 0 {
					continue
				}
				if !a.cond.matchEnd(stem) {
					continue
				}
				if f := d.suffixCheckword(a, stem, homs, xprod, pfx, cclass, needflag, inCpd); f >= 0 {
					return f
				}
			}
		}
	}
	return -1
}

// suffixCheckword tries suffix a, which made stem (with homonyms homs)
// from the word.
// The caller has tested a's condition.
func (d *Dictionary) suffixCheckword(a *affix, stem []byte, homs []uint32, xprod bool, pfx *affix, cclass, needflag uint16, inCpd int) int {
	for _, h := range homs {
		fs := d.flagsets[h]
		if !hasFlag(fs, a.flag) && !(pfx != nil && pfx.contHas(a.flag)) {
			continue
		}
		if xprod && !hasFlag(fs, pfx.flag) && !a.contHas(pfx.flag) {
			continue
		}
		if cclass != 0 && !a.contHas(cclass) {
			continue
		}
		if inCpd == cpdNot && d.masks[h]&mOnlyInCompound != 0 {
			continue
		}
		if needflag != 0 && !hasFlag(fs, needflag) && !a.contHas(needflag) {
			continue
		}
		return int(h)
	}
	return -1
}

// suffixCheckTwo strips an outer suffix whose flag is some suffix's
// continuation class, then looks for the inner suffix.
func (d *Dictionary) suffixCheckTwo(sc *scratch, w []byte, xprod bool, pfx *affix, needflag uint16) int {
	for _, l := range d.sfx.lens {
		if l > len(w) {
			break
		}
		tmpl := len(w) - l
		if tmpl == 0 && !d.fullStrip {
			break
		}
		for _, g := range d.sfx.byText[string(w[tmpl:])] {
			for _, a := range g.entries {
				if !d.isContClass(a.flag) || xprod && !a.cross {
					continue
				}
				sc.s2 = append(append(sc.s2[:0], w[:tmpl]...), a.strip...)
				stem := sc.s2
				if !a.cond.matchEnd(stem) {
					continue
				}
				var f int
				switch {
				case pfx != nil && !a.contHas(pfx.flag):
					f = d.suffixCheck(sc, stem, xprod, pfx, a.flag, needflag, cpdNot)
				default:
					f = d.suffixCheck(sc, stem, false, nil, a.flag, needflag, cpdNot)
				}
				if f >= 0 {
					return f
				}
			}
		}
	}
	return -1
}

func (d *Dictionary) prefixCheckTwo(sc *scratch, w []byte, inCpd int, needflag uint16) int {
	for _, l := range d.pfx.lens {
		if l > len(w) {
			break
		}
		if len(w) == l && !d.fullStrip {
			break
		}
		for _, g := range d.pfx.byText[string(w[:l])] {
			for _, a := range g.entries {
				if !a.cross || inCpd == cpdBegin {
					continue
				}
				sc.p = append(append(sc.p[:0], a.strip...), w[len(a.appnd):]...)
				stem := sc.p
				if !a.cond.matchStart(stem) {
					continue
				}
				if f := d.suffixCheckTwo(sc, stem, true, a, needflag); f >= 0 {
					return f
				}
			}
		}
	}
	return -1
}

func (d *Dictionary) isContClass(f uint16) bool {
	return int(f) < len(d.contClassBits) && d.contClassBits[f]
}
