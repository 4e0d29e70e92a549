package spell

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Suggestion tiers: candidates of a lower tier come first, whatever their
// score, as in hunspell, where REP and MAP suggestions lead.
const (
	tierTable = iota // capitalization, REP, MAP
	tierEdit         // one edit: swap, keyboard neighbour, delete, insert, replace
	tierSplit        // two words
	tierNgram        // similar dictionary words
)

const (
	maxNgramSugs   = 4   // hunspell's MAXNGRAMSUGS
	ngramRoots     = 100 // stems expanded in the n-gram pass
	maxSuggestWord = 100 // runes; longer words get no suggestions
)

type candidate struct {
	word  string
	tier  int
	score float64
	order int
}

type suggester struct {
	d     *Dictionary
	orig  []rune // the lower-cased word suggestions are for
	seen  map[string]bool
	cands []candidate
	tries int // bounds the work on a pathological word
}

// Suggest returns up to max suggestions for word, best first: first a
// capitalization fix and the dictionary's REP and MAP replacements, then
// single edits (adjacent swap, KEY neighbour, a letter dropped, a TRY
// letter inserted or substituted, a letter moved), ranked by similarity,
// then a split into two words, and, when these find few, the most similar
// dictionary words by n-gram score. Suggestions keep the word's
// capitalization ("Helo" gives "Hello"). A correct word gets none.
func (d *Dictionary) Suggest(word string, max int) []string {
	if max <= 0 || word == "" || d.Check(word) {
		return nil
	}
	w := []byte(word)
	if c, changed := d.iconv.conv(nil, w); changed {
		w = c
	}
	w = []byte(strings.TrimRight(strings.TrimLeft(string(w), " "), "."))
	if len(w) == 0 || utf8.RuneCount(w) > maxSuggestWord {
		return nil
	}
	ct := captype(w)
	s := &suggester{d: d, seen: map[string]bool{word: true}}
	low := string(appendLower(nil, w))
	s.orig = []rune(low)

	switch ct {
	case noCap:
		s.generate(string(w))
	case initCap:
		s.generate(string(w))
		s.generate(low)
	case allCap:
		s.generate(low)
		s.generate(string(appendInitCap(nil, []byte(low))))
	default:
		s.generate(string(w))
		s.generate(low)
	}
	good := 0
	for _, c := range s.cands {
		if c.tier <= tierEdit {
			good++
		}
	}
	if good < max && !d.onlyMaxDiff || good == 0 {
		s.ngram(low)
	}
	sort.SliceStable(s.cands, func(i, j int) bool {
		a, b := s.cands[i], s.cands[j]
		if a.tier != b.tier {
			return a.tier < b.tier
		}
		if a.tier == tierTable {
			return a.order < b.order
		}
		return a.score > b.score
	})
	var out []string
	have := map[string]bool{}
	for _, c := range s.cands {
		r := c.word
		switch ct {
		case initCap:
			r = string(appendInitCap(nil, []byte(r)))
		case allCap:
			if d.Check(string(appendUpper(nil, []byte(r)))) {
				r = string(appendUpper(nil, []byte(r)))
			}
		}
		if o, changed := d.oconv.conv(nil, []byte(r)); changed {
			r = string(o)
		}
		if have[r] || r == word {
			continue
		}
		have[r] = true
		out = append(out, r)
		if len(out) == max {
			break
		}
	}
	return out
}

// mapRelated tries every way of replacing MAP characters in w[i:],
// prefix holding what came before.
func (s *suggester) mapRelated(w string, i int, prefix string, budget *int) {
	if *budget <= 0 {
		return
	}
	*budget--
	if i >= len(w) {
		if prefix != w {
			s.try(prefix, tierTable)
		}
		return
	}
	matched := false
	for _, set := range s.d.mapSets {
		for _, a := range set {
			if !strings.HasPrefix(w[i:], a) {
				continue
			}
			matched = true
			for _, b := range set {
				s.mapRelated(w, i+len(a), prefix+b, budget)
			}
		}
	}
	if !matched {
		_, n := utf8.DecodeRuneInString(w[i:])
		s.mapRelated(w, i+n, prefix+w[i:i+n], budget)
	}
}

// try adds cand when it is a correct word (each of its words, for a
// split) that may be suggested.
func (s *suggester) try(cand string, tier int) { s.tryBonus(cand, tier, 0) }

// tryBonus is try with a bonus added to the candidate's score: edits that
// people make more often (swapped letters, a neighbouring key, a doubled
// letter) rank above rarer ones at equal similarity.
func (s *suggester) tryBonus(cand string, tier int, bonus float64) {
	if s.seen[cand] || s.tries > 20000 {
		return
	}
	s.seen[cand] = true
	s.tries++
	for _, part := range strings.Split(cand, " ") {
		if part == "" || !s.d.checkNoBreak(part) || s.d.noSuggestWord(part) {
			return
		}
	}
	s.cands = append(s.cands, candidate{word: cand, tier: tier, score: s.similarity(cand) + bonus, order: len(s.cands)})
}

// noSuggestWord reports whether w is a stem with the NOSUGGEST flag.
func (d *Dictionary) noSuggestWord(w string) bool {
	if d.noSuggest == 0 {
		return false
	}
	var one [1]uint32
	for _, v := range [2][]byte{[]byte(w), appendLower(nil, []byte(w))} {
		for _, h := range d.homonyms(v, &one) {
			if d.masks[h]&mNoSuggest != 0 {
				return true
			}
		}
	}
	return false
}

func (s *suggester) generate(w string) {
	d := s.d
	rs := []rune(w)
	// capitalization: "paris" -> "Paris", "nasa" -> "NASA"
	s.try(string(appendInitCap(nil, []byte(w))), tierTable)
	s.try(string(appendUpper(nil, []byte(w))), tierTable)
	// REP
	for _, r := range d.rep {
		for i := 0; i <= len(w)-len(r.from); {
			j := strings.Index(w[i:], r.from)
			if j < 0 {
				break
			}
			j += i
			if (!r.start || j == 0) && (!r.end || j+len(r.from) == len(w)) {
				s.try(w[:j]+r.to+w[j+len(r.from):], tierTable)
			}
			i = j + 1
		}
	}
	// MAP: replace characters by related ones, several at a time
	// ("dziekuje" -> "dziękuję")
	if len(d.mapSets) > 0 {
		budget := 2000
		s.mapRelated(w, 0, "", &budget)
	}
	// adjacent swap, and two swaps for short words ("ahev" -> "have")
	for i := 0; i+1 < len(rs); i++ {
		c := append([]rune(nil), rs...)
		c[i], c[i+1] = c[i+1], c[i]
		s.tryBonus(string(c), tierEdit, 2)
	}
	if len(rs) == 4 || len(rs) == 5 {
		c := append([]rune(nil), rs...)
		c[0], c[1] = c[1], c[0]
		c[len(c)-2], c[len(c)-1] = c[len(c)-1], c[len(c)-2]
		s.try(string(c), tierEdit)
	}
	// keyboard neighbours and case of one letter
	for i, r := range rs {
		c := append([]rune(nil), rs...)
		if u := unicode.ToUpper(r); u != r {
			c[i] = u
			s.tryBonus(string(c), tierEdit, 2)
		}
		for _, row := range d.key {
			rr := []rune(row)
			for k, x := range rr {
				if x != r {
					continue
				}
				if k > 0 {
					c[i] = rr[k-1]
					s.tryBonus(string(c), tierEdit, 1.5)
				}
				if k+1 < len(rr) {
					c[i] = rr[k+1]
					s.tryBonus(string(c), tierEdit, 1.5)
				}
			}
		}
	}
	// a letter too many
	for i := range rs {
		bonus := 1.0
		if i > 0 && rs[i-1] == rs[i] {
			bonus = 1.5 // a doubled letter
		}
		s.tryBonus(string(rs[:i])+string(rs[i+1:]), tierEdit, bonus)
	}
	// a letter missing, or wrong
	for _, t := range d.try {
		for i := 0; i <= len(rs); i++ {
			bonus := 1.0
			if i > 0 && rs[i-1] == t || i < len(rs) && rs[i] == t {
				bonus = 1.5 // a letter that should be doubled
			}
			s.tryBonus(string(rs[:i])+string(t)+string(rs[i:]), tierEdit, bonus)
		}
		for i := range rs {
			if rs[i] != t {
				s.try(string(rs[:i])+string(t)+string(rs[i+1:]), tierEdit)
			}
		}
	}
	// a letter moved two or more places
	for i := range rs {
		for j := i + 2; j < len(rs) && j < i+5; j++ {
			c := append([]rune(nil), rs...)
			x := c[i]
			copy(c[i:], c[i+1:j+1])
			c[j] = x
			s.try(string(c), tierEdit)
			c = append([]rune(nil), rs...)
			x = c[j]
			copy(c[i+1:], c[i:j])
			c[i] = x
			s.try(string(c), tierEdit)
		}
	}
	// two words
	if !d.noSplit {
		for i := 1; i < len(rs); i++ {
			s.try(string(rs[:i])+" "+string(rs[i:]), tierSplit)
		}
	}
}

// similarity scores a candidate against the original word: shared
// n-grams (n = 1..3) in both directions, a longest common prefix bonus,
// less the length difference.
func (s *suggester) similarity(cand string) float64 {
	a := s.orig
	b := []rune(strings.ToLower(cand))
	score := float64(ngram(3, a, b)+ngram(3, b, a)) / 2
	p := 0
	for p < len(a) && p < len(b) && a[p] == b[p] {
		p++
	}
	score += float64(p) * 0.5
	diff := len(a) - len(b)
	if diff < 0 {
		diff = -diff
	}
	score -= float64(diff)
	if len(a) > 0 && len(b) > 0 && a[0] == b[0] {
		score++
	}
	return score
}

// ngram counts the k-grams of a (k = 1..n) that occur in b.
func ngram(n int, a, b []rune) int {
	total := 0
	for k := 1; k <= n; k++ {
		for i := 0; i+k <= len(a); i++ {
			if containsRunes(b, a[i:i+k]) {
				total++
			}
		}
	}
	return total
}

func containsRunes(s, sub []rune) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		ok := true
		for j := range sub {
			if s[i+j] != sub[j] {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// ngram adds the dictionary words most similar to w: the stems closest by
// n-gram score are expanded with their affixes, and the forms closest to
// w are kept when they are close enough.
func (s *suggester) ngram(w string) {
	d := s.d
	a := []rune(w)
	type scored struct {
		word  string
		fs    uint32
		score int
	}
	var top []scored
	worst := -1 << 30
	var b []rune
	for stem, v := range d.words {
		// a cheap length test in bytes first: most stems are far too long
		// or too short to be meant
		if abs(len(stem)-len(w)) > 8 {
			continue
		}
		b = b[:0]
		for _, r := range stem {
			b = append(b, unicode.ToLower(r))
		}
		if abs(len(b)-len(a)) > 4 {
			continue
		}
		sc := ngram(3, a, b) - abs(len(b)-len(a))
		if len(top) >= ngramRoots && sc <= worst {
			continue
		}
		fi := v
		if v&homBit != 0 {
			fi = d.homs[v&^homBit][0]
		}
		if d.masks[fi]&(mForbidden|mNoSuggest|mOnlyUpcase) != 0 {
			continue
		}
		top = append(top, scored{stem, fi, sc})
		if len(top) > 2*ngramRoots {
			sort.Slice(top, func(i, j int) bool {
				if top[i].score != top[j].score {
					return top[i].score > top[j].score
				}
				return top[i].word < top[j].word
			})
			top = top[:ngramRoots]
			worst = top[len(top)-1].score
		}
	}
	sort.Slice(top, func(i, j int) bool {
		if top[i].score != top[j].score {
			return top[i].score > top[j].score
		}
		return top[i].word < top[j].word
	})
	if len(top) > ngramRoots {
		top = top[:ngramRoots]
	}
	var forms []candidate
	for _, t := range top {
		for _, f := range d.expand(t.word, t.fs) {
			if abs(utf8.RuneCountInString(f)-len(a)) > 3 {
				continue
			}
			forms = append(forms, candidate{word: f, tier: tierNgram, score: s.similarity(f)})
		}
	}
	sort.SliceStable(forms, func(i, j int) bool { return forms[i].score > forms[j].score })
	added := 0
	threshold := max(2, float64(len(a)))
	for _, f := range forms {
		if added >= maxNgramSugs || f.score < threshold {
			break
		}
		if s.seen[f.word] {
			continue
		}
		s.seen[f.word] = true
		if !d.checkNoBreak(f.word) || d.noSuggestWord(f.word) {
			continue
		}
		f.order = len(s.cands)
		s.cands = append(s.cands, f)
		added++
	}
}

// expand returns the stem and the forms its own prefixes and suffixes
// make (one of each, crossed when both allow it).
func (d *Dictionary) expand(stem string, fi uint32) []string {
	fs := d.flagsets[fi]
	var out []string
	if d.masks[fi]&(mNeedAffix|mOnlyInCompound) == 0 {
		out = append(out, stem)
	}
	var sfxForms []string
	var sfxCross []string
	for _, a := range d.sfx.all {
		if !hasFlag(fs, a.flag) || a.contMask&(mOnlyInCompound|mNeedAffix|mCircumfix) != 0 {
			continue
		}
		if !strings.HasSuffix(stem, a.strip) || len(stem) <= len(a.strip) && !d.fullStrip {
			continue
		}
		if !a.cond.matchEnd([]byte(stem)) {
			continue
		}
		f := stem[:len(stem)-len(a.strip)] + a.appnd
		sfxForms = append(sfxForms, f)
		if a.cross {
			sfxCross = append(sfxCross, f)
		}
	}
	out = append(out, sfxForms...)
	for _, a := range d.pfx.all {
		if !hasFlag(fs, a.flag) || a.contMask&(mOnlyInCompound|mNeedAffix|mCircumfix) != 0 {
			continue
		}
		if !strings.HasPrefix(stem, a.strip) || !a.cond.matchStart([]byte(stem)) {
			continue
		}
		out = append(out, a.appnd+stem[len(a.strip):])
		if a.cross {
			for _, f := range sfxCross {
				if strings.HasPrefix(f, a.strip) {
					out = append(out, a.appnd+f[len(a.strip):])
				}
			}
		}
	}
	return out
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
