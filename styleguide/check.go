package styleguide

import (
	"cmp"
	"math/bits"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/entity"
	"github.com/cmkit/cmkit/internal/grapheme"
	"github.com/cmkit/cmkit/internal/match"
	"github.com/cmkit/cmkit/internal/textnorm"
)

// word is one word of the text.
type word struct {
	start, end int32
	flags      uint8
}

const (
	wSkip   uint8 = 1 << iota // a link, hashtag, mention, cashtag or e-mail address
	wLetter                   // has a letter
	wDigit                    // has a digit
	wCaps                     // 3 or more letters, none lower-case
	wLower                    // has a lower-case letter
)

// sentence is one sentence of the text and how many words it has (links,
// hashtags and mentions left out).
type sentence struct {
	start, end, words int32
}

type span struct{ start, end int32 }

// condState is what the term pass found for a conditional rule.
type condState struct {
	triggered, satisfied bool
	ts, te               int32
}

// occ is an occurrence of a variant of a consistency group.
type occ struct{ group, variant, start, end int32 }

// voiceHit is a match of a voice list.
type voiceHit struct {
	rule       int32
	role       role
	start, end int32
	ambig      bool
}

// scratch is the per-call working memory, pooled so that a check
// allocates only for its alerts.
type scratch struct {
	buf, tbuf textnorm.Buffer
	ms        []match.Match
	ents      []entity.Entity
	words     []word
	sents     []sentence
	emoji     []span
	bangs     []int32
	active    []bool
	conds     []condState
	occs      []occ
	voice     []voiceHit
	findings  [8]cmkit.Finding
	analyzed  bool
	lower     [128]byte
}

func (g *Guide) newScratch() *scratch {
	return &scratch{active: make([]bool, len(g.scopes)), conds: make([]condState, g.nCond)}
}

// checker is one Check call.
type checker struct {
	g          *Guide
	sc         *scratch
	d          *Draft
	lang, base string
}

// Check appends to dst an alert for each place where d breaks a rule of
// the guide that applies to it, and returns the extended slice. The new
// alerts are sorted by field, then start, end and rule ID. Check
// allocates only for the alerts themselves (their messages and fixes),
// so a product can run it on every keystroke.
func (g *Guide) Check(dst []Alert, d Draft) []Alert {
	sc := g.pool.Get().(*scratch)
	c := checker{g: g, sc: sc, d: &d}
	c.lang = strings.ToLower(d.Language)
	c.base = baseLang(c.lang)
	from := len(dst)
	for i := range g.scopes {
		sc.active[i] = g.scopes[i].matches(&d, c.lang, c.base)
	}
	clear(sc.conds)
	sc.occs, sc.voice, sc.analyzed = sc.occs[:0], sc.voice[:0], false
	if g.plain != nil {
		sc.ms = g.plain.Find(sc.ms[:0], &sc.buf, d.Text)
		dst = c.terms(dst, sc.ms)
	}
	if g.tricky != nil {
		sc.ms = g.tricky.Find(sc.ms[:0], &sc.tbuf, d.Text)
		dst = c.terms(dst, sc.ms)
	}
	dst = c.voiceAlerts(dst)
	for _, ri := range g.scans {
		if sc.active[g.rules[ri].scope] {
			dst = c.scan(dst, ri)
		}
	}
	finish(dst[from:], d.Text, d.Title)
	g.pool.Put(sc)
	return dst
}

// matches reports whether the scope holds for d.
func (s *cscope) matches(d *Draft, lang, base string) bool {
	switch s.crisis {
	case CrisisOn:
		if !d.Crisis {
			return false
		}
	case CrisisOff:
		if d.Crisis {
			return false
		}
	}
	if len(s.langs) > 0 {
		ok := false
		for _, l := range s.langs {
			if l == lang || l == base {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(s.platforms) > 0 && !slices.Contains(s.platforms, d.Platform) {
		return false
	}
	if len(s.kinds) > 0 && !containsFold(s.kinds, d.CampaignKind) {
		return false
	}
	if len(s.labels) > 0 {
		ok := false
		for _, l := range d.Labels {
			if containsFold(s.labels, l) {
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

func containsFold(list []string, s string) bool {
	if s == "" {
		return false
	}
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// add appends an alert of rule ri on [start, end) of the text.
func (c *checker) add(dst []Alert, ri int32, key string, start, end int, a *msgArgs, fixes []Fix) []Alert {
	r := &c.g.rules[ri]
	return append(dst, Alert{RuleID: r.ID, Kind: r.Kind, Severity: r.sev, Message: render(c.template(r, key), a),
		Field: FieldText, Start: start, End: end, Fixes: fixes})
}

// terms handles the matches of one automaton.
func (c *checker) terms(dst []Alert, ms []match.Match) []Alert {
	g, sc, text := c.g, c.sc, c.d.Text
	for _, m := range ms {
		e := &g.entries[m.ID]
		r := &g.rules[e.rule]
		if !sc.active[r.scope] {
			continue
		}
		orig := text[m.Start:m.End]
		if e.verify != verifyNone && !g.verified(*e, orig) {
			continue
		}
		if e.role <= roleVariant && e.role >= roleSubst && inCompound(text, m.Start, m.End) {
			continue
		}
		switch e.role {
		case roleBanned, roleCrisis, roleTag:
			dst = c.add(dst, e.rule, string(r.Kind), m.Start, m.End, &msgArgs{match: orig}, nil)
		case roleSubst:
			use := keepCase(orig, r.Replace[e.a].Use)
			auto := true
			switch c.base {
			case "es":
				auto = e.agree[0]
			case "pl":
				auto = e.agree[1]
			}
			dst = c.add(dst, e.rule, string(r.Kind), m.Start, m.End, &msgArgs{match: orig, use: use},
				[]Fix{{Start: m.Start, End: m.End, Replacement: use, Auto: auto}})
		case roleCap:
			if orig == e.text {
				continue
			}
			dst = c.add(dst, e.rule, string(r.Kind), m.Start, m.End, &msgArgs{match: orig, use: e.text},
				[]Fix{{Start: m.Start, End: m.End, Replacement: e.text, Auto: true}})
		case roleVariant:
			sc.occs = append(sc.occs, occ{group: e.a, variant: e.b, start: int32(m.Start), end: int32(m.End)})
		case rolePerson, roleAddress:
			if e.lang == c.base {
				sc.voice = append(sc.voice, voiceHit{rule: e.rule, role: e.role, start: int32(m.Start), end: int32(m.End), ambig: e.ambig})
			}
		case roleTrigger:
			if cs := &sc.conds[r.cond]; !cs.triggered {
				cs.triggered, cs.ts, cs.te = true, int32(m.Start), int32(m.End)
			}
		case roleRequire:
			sc.conds[r.cond].satisfied = true
		}
	}
	return dst
}

// inCompound reports whether text[start:end] is part of a hyphenated
// compound: a hyphen joins it to a letter before or after. Substitution,
// capitalization and consistency leave such matches alone, so that "mail"
// can be replaced by "e-mail" without finding "mail" again in "e-mail".
func inCompound(text string, start, end int) bool {
	if start >= 2 && text[start-1] == '-' {
		if r, _ := utf8.DecodeLastRuneInString(text[:start-1]); isLetter(r) {
			return true
		}
	}
	if end+1 < len(text) && text[end] == '-' {
		if r, _ := utf8.DecodeRuneInString(text[end+1:]); isLetter(r) {
			return true
		}
	}
	return false
}

// scan runs a rule that looks at the text itself.
func (c *checker) scan(dst []Alert, ri int) []Alert {
	r := &c.g.rules[ri]
	switch r.Kind {
	case KindCapitalization:
		return c.headline(dst, int32(ri))
	case KindConsistency:
		return c.consistency(dst, int32(ri))
	case KindCrisis:
		return c.crisis(dst, int32(ri))
	case KindConditional:
		return c.conditional(dst, int32(ri))
	case KindHashtags:
		return c.hashtags(dst, int32(ri))
	case KindCount:
		return c.count(dst, int32(ri))
	case KindRepetition:
		return c.repetition(dst, int32(ri))
	case KindSpelling:
		return c.spelling(dst, int32(ri))
	case KindReadability:
		return c.readability(dst, int32(ri))
	case KindPlatform:
		return c.platform(dst, int32(ri))
	}
	return dst
}

// finish sorts the alerts and sets their lines and columns.
func finish(alerts []Alert, text, title string) {
	if len(alerts) == 0 {
		return
	}
	slices.SortFunc(alerts, func(a, b Alert) int {
		if a.Field != b.Field {
			return cmp.Compare(a.Field, b.Field)
		}
		return cmp.Or(cmp.Compare(a.Start, b.Start), cmp.Compare(a.End, b.End), cmp.Compare(a.RuleID, b.RuleID))
	})
	for i := 0; i < len(alerts); {
		f, s := alerts[i].Field, text
		if f == FieldTitle {
			s = title
		}
		pos, line, col := 0, 1, 1
		for ; i < len(alerts) && alerts[i].Field == f; i++ {
			a := &alerts[i]
			if end := min(a.Start, len(s)); end > pos {
				seg := s[pos:end]
				if k := strings.LastIndexByte(seg, '\n'); k >= 0 {
					line, col = line+strings.Count(seg, "\n"), 1
					seg = seg[k+1:]
				}
				col += len(seg) - continuations(seg)
				pos = end
			}
			a.Line, a.Column = line, col
		}
	}
}

// continuations returns how many bytes of s are UTF-8 continuation bytes
// (10xxxxxx), eight at a time: the columns of s are its other bytes.
func continuations(s string) int {
	n, i := 0, 0
	for ; i+8 <= len(s); i += 8 {
		w := grapheme.Load64(s, i)
		n += bits.OnesCount64(w &^ (w << 1) & 0x8080808080808080)
	}
	for ; i < len(s); i++ {
		if s[i]&0xC0 == 0x80 {
			n++
		}
	}
	return n
}

// analyze finds the entities, words, sentences, emoji and exclamation
// marks of the text, once per check, as far as the guide's rules need them.
func (c *checker) analyze() {
	sc := c.sc
	if sc.analyzed {
		return
	}
	sc.analyzed = true
	text := c.d.Text
	sc.ents = entity.Extract(sc.ents[:0], text)
	sc.words, sc.sents, sc.emoji, sc.bangs = sc.words[:0], sc.sents[:0], sc.emoji[:0], sc.bangs[:0]
	if !c.g.needs.words {
		return
	}
	emoji := c.g.needs.emoji
	ents := sc.ents
	ei := 0
	sentStart, sentWords := -1, int32(0)
	end := func(at int) {
		if sentStart >= 0 {
			sc.sents = append(sc.sents, sentence{int32(sentStart), int32(at), sentWords})
		}
		sentStart, sentWords = -1, 0
	}
	for i := 0; i < len(text); {
		if ei < len(ents) && i >= ents[ei].Start {
			if i == ents[ei].Start {
				e := ents[ei]
				sc.words = append(sc.words, word{int32(e.Start), int32(e.End), wSkip})
				if sentStart < 0 {
					sentStart = i
				}
				i = e.End
			}
			ei++
			continue
		}
		b := text[i]
		if b < utf8.RuneSelf {
			switch {
			case b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9':
				if sentStart < 0 {
					sentStart = i
				}
				var w word
				w, i = readWord(text, i)
				if i < len(text) && text[i] == '@' && i+1 < len(text) && isAlnumByte(text[i+1]) {
					// An e-mail address: the whole chunk up to white space.
					cs := strings.LastIndexAny(text[:w.start], " \t\n\r") + 1
					for len(sc.words) > 0 && int(sc.words[len(sc.words)-1].start) >= cs {
						sc.words = sc.words[:len(sc.words)-1]
						sentWords--
					}
					ce := strings.IndexAny(text[i:], " \t\n\r")
					if ce < 0 {
						ce = len(text)
					} else {
						ce += i
					}
					sc.words = append(sc.words, word{int32(cs), int32(ce), wSkip})
					for ei < len(ents) && ents[ei].Start < ce {
						ei++
					}
					i = ce
					continue
				}
				sc.words = append(sc.words, w)
				sentWords++
				continue
			case b == '!' || b == '.' || b == '?':
				if b == '!' {
					sc.bangs = append(sc.bangs, int32(i))
				}
				if sentenceEnds(text, i+1) {
					end(i + 1)
				}
			case b == '\n':
				end(i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isLetter(r) || unicode.IsDigit(r):
			if sentStart < 0 {
				sentStart = i
			}
			var w word
			w, i = readWord(text, i)
			sc.words = append(sc.words, w)
			sentWords++
			continue
		case r == '…':
			if sentenceEnds(text, i+size) {
				end(i + size)
			}
		case r == '\u2028' || r == '\u2029':
			end(i)
		case emoji:
			n, isEmoji := grapheme.NextEmoji(text[i:])
			if isEmoji {
				sc.emoji = append(sc.emoji, span{int32(i), int32(i + n)})
			}
			i += max(n, 1)
			continue
		}
		i += size
	}
	end(len(text))
}

// sentenceEnds reports whether a sentence ends before text[i:]: at the end,
// or before white space (after closing quotes and brackets).
func sentenceEnds(text string, i int) bool {
	for i < len(text) {
		switch text[i] {
		case ' ', '\t', '\n', '\r':
			return true
		case '"', '\'', ')', ']', '!', '?', '.':
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch r {
		case '»', '”', '’', '…':
			i += size
			continue
		}
		return unicode.IsSpace(r)
	}
	return true
}

// readWord reads the word that starts at text[i]: letters, digits and
// marks, with an apostrophe or hyphen between two letters inside it.
func readWord(text string, i int) (word, int) {
	w := word{start: int32(i)}
	letters, upper := 0, 0
	for i < len(text) {
		b := text[i]
		if b < utf8.RuneSelf {
			switch {
			case b >= 'a' && b <= 'z':
				w.flags |= wLetter | wLower
				letters++
			case b >= 'A' && b <= 'Z':
				w.flags |= wLetter
				letters++
				upper++
			case b >= '0' && b <= '9':
				w.flags |= wDigit
			case (b == '\'' || b == '-') && i > int(w.start) && i+1 < len(text) && startsLetter(text[i+1:]):
			default:
				goto done
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case isLetter(r):
			w.flags |= wLetter
			letters++
			if unicode.IsUpper(r) {
				upper++
			} else if unicode.IsLower(r) {
				w.flags |= wLower
			}
		case unicode.IsDigit(r):
			w.flags |= wDigit
		case unicode.Is(unicode.Mn, r):
		case r == '’' && i+size < len(text) && startsLetter(text[i+size:]):
		default:
			goto done
		}
		i += size
	}
done:
	w.end = int32(i)
	if letters >= 3 && upper == letters {
		w.flags |= wCaps
	}
	return w, i
}

func startsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isLetter(r)
}

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z'
	}
	return unicode.IsLetter(r)
}

func isAlnumByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

// lowerKey writes s in lower case into the scratch buffer and returns it,
// for map lookups that do not allocate; ok is false when s does not fit.
func (c *checker) lowerKey(s string) ([]byte, bool) {
	b := c.sc.lower[:0]
	for _, r := range s {
		if r == '’' {
			r = '\''
		}
		r = unicode.ToLower(r)
		if len(b)+utf8.RuneLen(r) > cap(b) {
			return nil, false
		}
		b = utf8.AppendRune(b, r)
	}
	return b, true
}

// accepted reports whether the guide's accept list holds s.
func (c *checker) accepted(s string) bool {
	if len(c.g.accept) == 0 {
		return false
	}
	k, ok := c.lowerKey(s)
	return ok && c.g.accept[string(k)]
}

// excepted reports whether the rule's exceptions hold s.
func (c *checker) excepted(r *crule, s string) bool {
	if len(r.exceptions) == 0 {
		return false
	}
	k, ok := c.lowerKey(s)
	return ok && r.exceptions[string(k)]
}
