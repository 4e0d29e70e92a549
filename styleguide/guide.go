package styleguide

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/langtag"
	"github.com/cmkit/cmkit/internal/match"
	"github.com/cmkit/cmkit/internal/textnorm"
)

// Speller checks the spelling of single words in one language. A
// *spell.Dictionary (package styleguide/spell) is one; so is any type with
// these two methods. Check must be safe for concurrent use, as a Guide is.
type Speller interface {
	// Check reports whether word is spelled right.
	Check(word string) bool
	// Suggest returns at most max corrections for word, best first.
	Suggest(word string, max int) []string
}

// Option configures Compile.
type Option func(*options) error

type options struct {
	spellers map[string]Speller
	accept   []string
}

// WithSpeller makes s the speller of lang ("en", "es", "pl", or a regional
// tag such as "es-mx", preferred to the base language when both are
// given). Rules of KindSpelling check drafts in languages with a speller
// and skip the others.
func WithSpeller(lang string, s Speller) Option {
	return func(o *options) error {
		if !langtag.Valid(lang) {
			return cmkit.Invalid("speller", "format", "%q is not a language tag", lang)
		}
		if s == nil {
			return cmkit.Invalid("speller", "required", "nil speller for %q", lang)
		}
		o.spellers[strings.ToLower(lang)] = s
		return nil
	}
}

// WithAccept adds words to the accept list of the layers' settings (see
// Settings.Accept).
func WithAccept(words ...string) Option {
	return func(o *options) error {
		for _, w := range words {
			if strings.TrimSpace(w) == "" {
				return cmkit.Invalid("accept", "required", "an empty word")
			}
		}
		o.accept = append(o.accept, words...)
		return nil
	}
}

// Guide is a compiled style guide: the rules that remain after stacking
// the layers, with every term of every term-based rule in one automaton.
// Check is the method most callers want; Fix applies what can be fixed
// without a person. A Guide is immutable and safe for concurrent use.
type Guide struct {
	rules    []crule
	scopes   []cscope
	settings Settings
	plain    *match.Matcher // terms without evasions
	tricky   *match.Matcher // terms with evasions (l33t, repeats, separated letters)
	entries  []entry        // by term ID
	scans    []int          // rules that look at the text itself, not only at terms
	needs    needs          // what the scans need
	spellers map[string]Speller
	accept   map[string]bool // lower-case
	pool     sync.Pool
	nCond    int // conditional rules
	nGroups  int // consistency groups
}

// needs says which analyses of a text some rule uses.
type needs struct {
	words, entities, emoji bool
}

// crule is a rule ready to check.
type crule struct {
	StyleRule
	sev        Severity
	scope      int
	cond       int // index of a conditional rule's state; -1 otherwise
	group0     int // first consistency group of the rule
	exceptions map[string]bool
	words      map[string]bool // hashtags: known words
	maxLower   int
	suggest    int
	formula    formulaID
	msgs       map[string]string // Messages, keys in lower case
}

// entry is one term of the automaton.
type entry struct {
	rule   int32
	role   role
	a, b   int32  // replacement index, variant group and index
	lang   string // voice lists: the list's language
	text   string // the term as written
	verify verify
	ambig  bool    // voice: an address form that counts only next to an unambiguous one
	agree  [2]bool // substitution: the fix is automatic in Spanish, in Polish
}

type role uint8

const (
	roleBanned role = iota
	roleSubst
	roleCap
	roleVariant
	roleCrisis
	rolePerson
	roleAddress
	roleTrigger
	roleRequire
	roleTag
)

type verify uint8

const (
	verifyNone   verify = iota
	verifyCase          // the original is the term, byte for byte
	verifyAccent        // the original is the term but for case
)

// cscope is a RuleScope ready to test.
type cscope struct {
	langs, labels, kinds []string
	platforms            []cmkit.Platform
	crisis               CrisisMode
}

func (s *cscope) key() string {
	return fmt.Sprintf("%q|%q|%q|%q|%s", s.langs, s.labels, s.kinds, s.platforms, s.crisis)
}

// Compile stacks layers in order and compiles the rules that remain. A
// later layer's rule replaces an earlier rule with the same ID (keeping its
// place); a later layer's Disable removes earlier rules by ID. Settings
// stack as Settings says. Each layer is validated; an error wraps
// cmkit.ErrInvalid and its *cmkit.ValidationError names the field as
// "layers[i]..." ("layers[1].disable[0]" for an ID no earlier layer
// defines). Compile also refuses a substitution or capitalization whose
// fix would contain a term that another rule of an overlapping language
// replaces, since fixing would never end.
func Compile(layers []Layer, opts ...Option) (*Guide, error) {
	o := options{spellers: map[string]Speller{}}
	for _, opt := range opts {
		if err := opt(&o); err != nil {
			return nil, err
		}
	}
	var rules []StyleRule
	at := map[string]int{}
	var settings Settings
	for li := range layers {
		l := &layers[li]
		if err := l.Validate(); err != nil {
			return nil, inLayer(li, err)
		}
		for _, r := range l.Rules {
			if i, ok := at[r.ID]; ok {
				rules[i] = r
			} else {
				at[r.ID] = len(rules)
				rules = append(rules, r)
			}
		}
		for k, id := range l.Disable {
			i, ok := at[id]
			if !ok {
				return nil, cmkit.Invalid(fmt.Sprintf("layers[%d].disable[%d]", li, k), "unknown", "no earlier rule %q", id)
			}
			rules = append(rules[:i], rules[i+1:]...)
			delete(at, id)
			for j := i; j < len(rules); j++ {
				at[rules[j].ID] = j
			}
		}
		if l.Settings.Person != "" {
			settings.Person = l.Settings.Person
		}
		for lang, a := range l.Settings.Address {
			if settings.Address == nil {
				settings.Address = map[string]Address{}
			}
			settings.Address[strings.ToLower(lang)] = a
		}
		settings.Accept = append(settings.Accept, l.Settings.Accept...)
	}
	settings.Accept = append(settings.Accept, o.accept...)
	g := &Guide{settings: settings, spellers: o.spellers, accept: map[string]bool{}}
	for _, w := range settings.Accept {
		g.accept[strings.ToLower(strings.TrimSpace(w))] = true
	}
	if err := g.build(rules); err != nil {
		return nil, err
	}
	g.pool.New = func() any { return g.newScratch() }
	return g, nil
}

func inLayer(i int, err error) error {
	var ve *cmkit.ValidationError
	if errors.As(err, &ve) {
		return &cmkit.ValidationError{Field: fmt.Sprintf("layers[%d].%s", i, ve.Field), Rule: ve.Rule, Detail: ve.Detail}
	}
	return fmt.Errorf("styleguide: layers[%d]: %w", i, err)
}

// build compiles the effective rules.
func (g *Guide) build(rules []StyleRule) error {
	scopeAt := map[string]int{}
	var plain, tricky []match.Term
	addTerm := func(e entry, text string, whole, evasions bool) {
		id := len(g.entries)
		g.entries = append(g.entries, e)
		g.entries[id].text = text
		t := match.Term{ID: id, Text: text, WholeWord: whole}
		if evasions {
			tricky = append(tricky, t)
		} else {
			plain = append(plain, t)
		}
	}
	for ri, r := range rules {
		c := crule{StyleRule: r, sev: r.Severity, cond: -1}
		for lang, m := range r.Messages {
			if c.msgs == nil {
				c.msgs = map[string]string{}
			}
			c.msgs[strings.ToLower(lang)] = m
		}
		if c.sev == "" {
			c.sev = SeverityWarning
		}
		s := cscope{crisis: r.Scope.Crisis}
		for _, l := range r.Scope.Languages {
			s.langs = append(s.langs, strings.ToLower(l))
		}
		s.platforms = r.Scope.Platforms
		s.labels = r.Scope.Labels
		s.kinds = r.Scope.CampaignKinds
		if s.crisis == "" {
			s.crisis = CrisisAny
			if r.Kind == KindCrisis {
				s.crisis = CrisisOn
			}
		}
		k := s.key()
		si, ok := scopeAt[k]
		if !ok {
			si = len(g.scopes)
			scopeAt[k] = si
			g.scopes = append(g.scopes, s)
		}
		c.scope = si
		if len(r.Exceptions) > 0 {
			c.exceptions = map[string]bool{}
			for _, w := range r.Exceptions {
				c.exceptions[strings.ToLower(strings.TrimSpace(w))] = true
			}
		}
		e := entry{rule: int32(ri)}
		v := verifyNone
		switch {
		case r.MatchCase:
			v = verifyCase
		case r.MatchAccents:
			v = verifyAccent
		}
		switch r.Kind {
		case KindBanned:
			e.role, e.verify = roleBanned, v
			for _, t := range r.Terms {
				addTerm(e, t, !r.InsideWords, r.Evasions)
			}
		case KindSubstitution:
			e.role, e.verify = roleSubst, v
			for k, rep := range r.Replace {
				e.a = int32(k)
				for _, t := range rep.Avoid {
					e.agree = [2]bool{agrees("es", t, rep), agrees("pl", t, rep)}
					addTerm(e, t, !r.InsideWords, false)
				}
			}
		case KindCapitalization:
			e.role = roleCap
			for _, t := range r.Terms {
				addTerm(e, t, true, false)
			}
			if r.Headline != "" {
				g.scans = append(g.scans, ri)
			}
		case KindConsistency:
			e.role = roleVariant
			c.group0 = g.nGroups
			for k, group := range r.Variants {
				e.a = int32(g.nGroups + k)
				for j, t := range group {
					e.b = int32(j)
					addTerm(e, t, true, false)
				}
			}
			g.nGroups += len(r.Variants)
			g.scans = append(g.scans, ri)
		case KindCrisis:
			e.role = roleCrisis
			for _, t := range r.Terms {
				addTerm(e, t, true, r.Evasions)
			}
			if r.Laughter || r.Emoji {
				g.scans = append(g.scans, ri)
				g.needs.words = true
				g.needs.emoji = g.needs.emoji || r.Emoji
			}
		case KindVoice:
			for _, vt := range voiceTerms(g.settings, r) {
				if c.exceptions[strings.ToLower(vt.text)] {
					continue
				}
				e.role, e.lang, e.verify, e.ambig = vt.role, vt.lang, verifyAccent, vt.ambig
				addTerm(e, vt.text, true, false)
			}
		case KindConditional:
			c.cond = g.nCond
			g.nCond++
			e.role = roleTrigger
			for _, t := range r.When.Terms {
				addTerm(e, t, true, false)
			}
			if r.Require != nil {
				e.role = roleRequire
				for _, t := range r.Require.Terms {
					addTerm(e, t, true, false)
				}
			}
			g.scans = append(g.scans, ri)
			g.needs.entities = true
		case KindHashtags:
			e.role = roleTag
			for _, t := range r.Terms {
				if !strings.HasPrefix(t, "#") {
					t = "#" + t
				}
				addTerm(e, t, true, false)
			}
			c.maxLower = r.MaxLower
			if c.maxLower == 0 {
				c.maxLower = 15
			}
			if len(r.Words) > 0 {
				c.words = map[string]bool{}
				for _, w := range r.Words {
					c.words[strings.ToLower(w)] = true
				}
			}
			if r.CamelCase || r.Max > 0 {
				g.scans = append(g.scans, ri)
				g.needs.entities = true
			}
		case KindCount:
			g.scans = append(g.scans, ri)
			switch r.Count {
			case CountHashtags, CountMentions, CountLinks:
				g.needs.entities = true
			case CountEmoji:
				g.needs.words, g.needs.emoji = true, true
			default:
				g.needs.words = true
			}
		case KindRepetition, KindSpelling:
			g.scans = append(g.scans, ri)
			g.needs.words = true
			c.suggest = r.Suggestions
			if c.suggest == 0 {
				c.suggest = 3
			}
		case KindReadability:
			c.formula, _ = formulaByName(r.Formula)
			g.scans = append(g.scans, ri)
			if r.MinWords > 0 {
				g.needs.words = true
			}
		case KindPlatform:
			g.scans = append(g.scans, ri)
		}
		g.rules = append(g.rules, c)
	}
	if g.needs.words {
		g.needs.entities = true
	}
	var err error
	if len(plain) > 0 {
		if g.plain, err = match.Compile(plain, textnorm.Options{}); err != nil {
			return g.termError(err, plain)
		}
	}
	if len(tricky) > 0 {
		if g.tricky, err = match.Compile(tricky, textnorm.Options{Leet: true, CollapseRepeats: true, JoinSeparated: true}); err != nil {
			return g.termError(err, tricky)
		}
	}
	return g.checkLoops()
}

func (g *Guide) termError(err error, terms []match.Term) error {
	var ve *cmkit.ValidationError
	if errors.As(err, &ve) {
		var i int
		if _, e := fmt.Sscanf(ve.Field, "terms[%d]", &i); e == nil && i < len(terms) {
			en := g.entries[terms[i].ID]
			return cmkit.Invalid("rules."+g.rules[en.rule].ID, ve.Rule, "term %q: %s", en.text, ve.Detail)
		}
	}
	return err
}

// checkLoops refuses a fix that another rule would fix again: the text a
// substitution writes (Use) or a capitalization writes (the term) must not
// contain a term that a substitution of an overlapping language replaces.
func (g *Guide) checkLoops() error {
	if g.plain == nil {
		return nil
	}
	var buf textnorm.Buffer
	var ms []match.Match
	check := func(from int, text string) error {
		ms = g.plain.Find(ms[:0], &buf, text)
		for _, m := range ms {
			e := g.entries[m.ID]
			if e.role != roleSubst || !overlap(g.rules[from].Scope.Languages, g.rules[e.rule].Scope.Languages) {
				continue
			}
			if e.verify != verifyNone && !g.verified(e, text[m.Start:m.End]) || inCompound(text, m.Start, m.End) {
				continue
			}
			return cmkit.Invalid("rules."+g.rules[from].ID, "loop",
				"its fix %q contains %q, which rule %q replaces", text, text[m.Start:m.End], g.rules[e.rule].ID)
		}
		return nil
	}
	for ri := range g.rules {
		r := &g.rules[ri]
		switch r.Kind {
		case KindSubstitution:
			for _, rep := range r.Replace {
				if err := check(ri, rep.Use); err != nil {
					return err
				}
			}
		case KindCapitalization:
			for _, t := range r.Terms {
				if err := check(ri, t); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// overlap reports whether two language lists share a language (an empty
// list is every language).
func overlap(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			bx, by := baseLang(strings.ToLower(x)), baseLang(strings.ToLower(y))
			if bx == by {
				return true
			}
		}
	}
	return false
}

// Rules returns the IDs of the rules in effect, in order. The caller owns
// the slice.
func (g *Guide) Rules() []string {
	ids := make([]string, len(g.rules))
	for i, r := range g.rules {
		ids[i] = r.ID
	}
	return ids
}

// Settings returns the stacked settings of the guide's layers. The caller
// must not modify the maps and slices it holds.
func (g *Guide) Settings() Settings { return g.settings }

// verified reports whether orig, the original text of a match of e, is
// written as e requires.
func (g *Guide) verified(e entry, orig string) bool {
	switch e.verify {
	case verifyCase:
		return orig == e.text
	case verifyAccent:
		return strings.EqualFold(orig, e.text)
	}
	return true
}

// baseLang returns the language subtag of a lower-case tag: "es" of "es-mx".
func baseLang(lang string) string {
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		return lang[:i]
	}
	return lang
}
