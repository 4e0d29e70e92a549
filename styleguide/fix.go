package styleguide

import (
	"cmp"
	"slices"
	"strings"
	"unicode/utf8"
)

// ApplyFixes applies to text the first automatic fix of each alert on the
// text (Field FieldText or empty) and returns the new text and the fixes it
// applied, sorted by Start, in text's coordinates. Fixes that overlap one
// applied before them (in order of Start, then End), two insertions at one
// place, fixes outside text or not on character boundaries are left out.
// Bytes of text that are not valid UTF-8 are replaced with U+FFFD, each
// run reported as an automatic Fix, so the result is always valid UTF-8.
//
// One round of fixes may make work for another: replacing "email" in
// "email correo" makes "correo correo". Guide.Fix checks and fixes until
// nothing automatic is left.
func ApplyFixes(text string, alerts []Alert) (string, []Fix) {
	var fixes []Fix
	for _, a := range alerts {
		if a.Field != FieldText && a.Field != "" {
			continue
		}
		for _, f := range a.Fixes {
			if !f.Auto {
				continue
			}
			if f.Start >= 0 && f.Start <= f.End && f.End <= len(text) && boundary(text, f.Start) && boundary(text, f.End) &&
				utf8.ValidString(f.Replacement) {
				fixes = append(fixes, f)
			}
			break
		}
	}
	slices.SortStableFunc(fixes, func(a, b Fix) int { return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End)) })
	kept := fixes[:0]
	for _, f := range fixes {
		if n := len(kept); n > 0 {
			p := kept[n-1]
			if f.Start < p.End || f.Start == p.Start && (f.Start == f.End || p.Start == p.End) {
				continue
			}
		}
		if f.Start == f.End && f.Replacement == "" {
			continue
		}
		kept = append(kept, f)
	}
	var b strings.Builder
	var out []Fix
	pos := 0
	plain := func(seg string, at int) {
		if utf8.ValidString(seg) {
			b.WriteString(seg)
			return
		}
		for i := 0; i < len(seg); {
			r, size := utf8.DecodeRuneInString(seg[i:])
			if r != utf8.RuneError || size != 1 {
				b.WriteString(seg[i : i+size])
				i += size
				continue
			}
			j := i + 1
			for j < len(seg) {
				if r, size := utf8.DecodeRuneInString(seg[j:]); r != utf8.RuneError || size != 1 {
					break
				}
				j++
			}
			b.WriteString("\uFFFD")
			out = append(out, Fix{Start: at + i, End: at + j, Replacement: "\uFFFD", Auto: true})
			i = j
		}
	}
	if len(kept) == 0 && utf8.ValidString(text) {
		return text, nil
	}
	b.Grow(len(text))
	for _, f := range kept {
		plain(text[pos:f.Start], pos)
		b.WriteString(f.Replacement)
		out = append(out, f)
		pos = f.End
	}
	plain(text[pos:], pos)
	return b.String(), out
}

// boundary reports whether i is not inside a valid character of text: at
// the start of one, at the end, or at a byte that is not valid UTF-8.
func boundary(text string, i int) bool {
	if i == len(text) || utf8.RuneStart(text[i]) {
		return true
	}
	for j := i - 1; j >= 0 && j >= i-3; j-- {
		if utf8.RuneStart(text[j]) {
			r, size := utf8.DecodeRuneInString(text[j:])
			return (r == utf8.RuneError && size == 1) || j+size <= i
		}
	}
	return true
}

// Fix checks d and applies the automatic fixes, again and again (at most
// eight rounds) until a check finds none, and returns the fixed text and
// the edits that turn d.Text into it, in d.Text's coordinates, sorted and
// non-overlapping (edits of several rounds that touch are merged into one).
// Fixing the result again changes nothing, unless eight rounds were not
// enough.
func (g *Guide) Fix(d Draft) (string, []Fix) {
	var total []Fix
	alerts := make([]Alert, 0, 16)
	for round := 0; round < 8; round++ {
		alerts = g.Check(alerts[:0], d)
		text, applied := ApplyFixes(d.Text, alerts)
		if len(applied) == 0 {
			break
		}
		total = compose(total, d.Text, applied)
		d.Text = text
	}
	return d.Text, total
}

// compose returns the edits of a text a that make c, given the edits e1
// that make b of a and the edits e2 that make c of b (each sorted, non-overlapping,
// in its own text's coordinates). Edits of e1 and e2 that overlap or touch
// in b become one.
func compose(e1 []Fix, b string, e2 []Fix) []Fix {
	type iv struct {
		start, end int // in b
		delta      int // for e1: len(replacement) - (End - Start)
		y          int // index in e2, or -1
	}
	ivs := make([]iv, 0, len(e1)+len(e2))
	shift := 0
	for _, f := range e1 {
		s := f.Start + shift
		ivs = append(ivs, iv{s, s + len(f.Replacement), len(f.Replacement) - (f.End - f.Start), -1})
		shift += len(f.Replacement) - (f.End - f.Start)
	}
	for k, f := range e2 {
		ivs = append(ivs, iv{f.Start, f.End, 0, k})
	}
	slices.SortStableFunc(ivs, func(x, y iv) int { return cmp.Or(cmp.Compare(x.start, y.start), cmp.Compare(x.end, y.end)) })
	var out []Fix
	before := 0 // the deltas of e1 edits ending before the current cluster
	for i := 0; i < len(ivs); {
		bs, be := ivs[i].start, ivs[i].end
		j := i + 1
		for j < len(ivs) && ivs[j].start <= be {
			be = max(be, ivs[j].end)
			j++
		}
		inside := 0
		var repl strings.Builder
		pos := bs
		for _, v := range ivs[i:j] {
			if v.y < 0 {
				inside += v.delta
				continue
			}
			f := e2[v.y]
			repl.WriteString(b[pos:f.Start])
			repl.WriteString(f.Replacement)
			pos = f.End
		}
		repl.WriteString(b[pos:be])
		as := bs - before
		ae := be - before - inside
		out = append(out, Fix{Start: as, End: ae, Replacement: repl.String(), Auto: true})
		before += inside
		i = j
	}
	return out
}
