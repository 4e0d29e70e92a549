package moderation

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/langtag"
	"github.com/cmkit/cmkit/internal/match"
	"github.com/cmkit/cmkit/internal/textnorm"
	"github.com/cmkit/cmkit/moderation/langid"
)

// matchOptions are the folds every lexicon is matched with: l33t (a "1"
// read as "i" or "l"), runs of three or more of a letter, letters
// separated one by one and syllables separated by dashes or dots, on top
// of case, accents, invisible characters and look-alikes.
var matchOptions = textnorm.Options{Leet: true, CollapseRepeats: true, JoinSeparated: true, JoinSyllables: true}

// Engine evaluates a compiled rule set against mentions. Build one with
// Compile; Evaluate is the one method most callers need. An Engine is
// safe for concurrent use: its rules are immutable, and the memories of
// spam waves and of seen authors are each behind a mutex.
type Engine struct {
	rules    []cRule
	groups   []string // lexicon names, by group
	lists    []cList
	terms    []cTerm // by global term index (the match ID)
	matcher  *match.Matcher
	authors  []authorSet
	cfg      config
	needLang bool     // reply templates or annotations need the language
	anyLang  bool     // some list has a language
	langs    []string // the languages of the lists, at most 64
	waves    []engineWave
	history  AuthorHistory

	// Once the text is scanned, only the rules in ungated, or in
	// gatedBy[g] of a lexicon group g with hits, can fire (see gateOf).
	ungated []uint64   // bit set of rules
	gatedBy [][]uint64 // by group: bit set of rules
}

// engineWave is the memory of one wave condition and its guard: the
// other tests of the Cond that holds the wave (nil for none). The
// memory records the mentions for which the guard holds.
type engineWave struct {
	guard *node
	store *waveStore
}

type cRule struct {
	id      string
	cond    node
	act     Actions
	replies []Reply // sorted by Lang, "*" last
}

type cList struct {
	group   int32
	lang    string
	langBit uint64 // the bit of lang in Engine.langs; 0 without
}

type cTerm struct {
	list int32
	text string
}

// Option configures Compile.
type Option func(*config)

type config struct {
	clock      cmkit.Clock
	crisis     CrisisSignaler
	lexicons   []TermList
	platformOf func(channelID string) cmkit.Platform
	history    AuthorHistory
	waveMemory int
	authorMem  int
	annotate   bool
	analyze    func(text, lang string) (float64, string)
	detect     func(text string) (string, float64)
	minConf    float64
	errs       []error
	dryRun     bool
}

// WithClock sets the clock the engine reads once per Evaluate: the instant
// that spam-wave windows and account ages are measured from. The default
// is cmkit.SystemClock().
func WithClock(c cmkit.Clock) Option {
	return func(cfg *config) { cfg.clock = c }
}

// WithCrisis sets who is told when a rule with the crisis action fires.
func WithCrisis(s CrisisSignaler) Option {
	return func(cfg *config) { cfg.crisis = s }
}

// WithLexicons adds term lists to the ones the rule set defines and
// includes, for example lists kept outside the JSON (product and
// competitor names from a catalog).
func WithLexicons(lists ...TermList) Option {
	return func(cfg *config) { cfg.lexicons = append(cfg.lexicons, lists...) }
}

// WithChannels tells the engine the platform of each channel, for the
// "platforms" condition: fn returns the platform of a channel ID (the
// empty Platform when it does not know the channel).
func WithChannels(fn func(channelID string) cmkit.Platform) Option {
	return func(cfg *config) { cfg.platformOf = fn }
}

// WithChannelMap is WithChannels for a map from channel ID to platform;
// the map is copied.
func WithChannelMap(m map[string]cmkit.Platform) Option {
	c := make(map[string]cmkit.Platform, len(m))
	for k, v := range m {
		c[k] = v
	}
	return WithChannels(func(id string) cmkit.Platform { return c[id] })
}

// WithAuthorHistory sets what the "first_time" condition asks. The
// default is a memory of the last authors seen on each channel, bounded
// by WithAuthorMemory.
func WithAuthorHistory(h AuthorHistory) Option {
	return func(cfg *config) { cfg.history = h }
}

// WithAuthorMemory bounds the default AuthorHistory: it remembers at least
// the last n/2 and at most n distinct authors. The default n is 100,000.
func WithAuthorMemory(n int) Option {
	return func(cfg *config) {
		if n < 2 {
			cfg.errs = append(cfg.errs, cmkit.Invalid("WithAuthorMemory", "range", "%d is below 2", n))
		}
		cfg.authorMem = n
	}
}

// WithWaveMemory bounds the memory of each wave condition to n
// fingerprints (the most recent ones). The default is 10,000. Each wave
// condition has its own memory, of the mentions that passed the other
// tests of its Cond (its guard), so a wave is seen while its mentions are
// among the last n that passed the guard, whatever the window says;
// mentions that fail the guard take no room in it.
func WithWaveMemory(n int) Option {
	return func(cfg *config) {
		if n < 1 {
			cfg.errs = append(cfg.errs, cmkit.Invalid("WithWaveMemory", "range", "%d is below 1", n))
		}
		cfg.waveMemory = n
	}
}

// WithAnnotations makes the engine find the language and the sentiment of
// every mention, whether or not a rule needs them, so that the Verdict
// always carries them (an inbox shows them). By default the engine
// computes them only when a rule needs them.
func WithAnnotations() Option {
	return func(cfg *config) { cfg.annotate = true }
}

// Compile validates set (see RuleSet.Validate; conditions may also name
// the lexicons of WithLexicons) and the options, and builds an Engine:
// every term of every lexicon goes into one automaton, every regex is
// compiled once, and the tests of each condition are ordered by cost. An
// error wraps cmkit.ErrInvalid and names the field.
func Compile(set RuleSet, opts ...Option) (*Engine, error) {
	cfg := config{clock: cmkit.SystemClock(), waveMemory: 10000, authorMem: 100000, minConf: langid.MinConfidence}
	WithDetector(defaultDetector())(&cfg)
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.errs) > 0 {
		return nil, cfg.errs[0]
	}
	for i, l := range cfg.lexicons {
		p := fmt.Sprintf("WithLexicons[%d]", i)
		if err := checkName(p+".name", l.Name); err != nil {
			return nil, err
		}
		if l.Lang != "" && !langtag.Valid(l.Lang) {
			return nil, cmkit.Invalid(p+".lang", "format", "%q is not a language tag", l.Lang)
		}
	}
	if err := set.validate(cfg.lexicons); err != nil {
		return nil, err
	}
	e := &Engine{cfg: cfg}
	if err := e.compileLexicons(set); err != nil {
		return nil, err
	}
	authorIdx := map[string]int{}
	for i, a := range set.AuthorLists {
		authorIdx[a.Name] = i
		e.authors = append(e.authors, newAuthorSet(a.Authors))
	}
	c := compiler{e: e, authors: authorIdx}
	for i, r := range set.Rules {
		n, err := c.cond(&r.When, fmt.Sprintf("rules[%d].when", i), r.ID)
		if err != nil {
			return nil, err
		}
		cr := cRule{id: r.ID, cond: n, act: r.Then}
		cr.act.Flag = slices.Clone(r.Then.Flag)
		cr.act.Reply = nil
		for lang, tpl := range r.Then.Reply {
			cr.replies = append(cr.replies, Reply{Rule: r.ID, Lang: lang, Template: tpl})
			e.needLang = true
		}
		slices.SortFunc(cr.replies, func(a, b Reply) int {
			if (a.Lang == "*") != (b.Lang == "*") {
				if a.Lang == "*" {
					return 1
				}
				return -1
			}
			return strings.Compare(a.Lang, b.Lang)
		})
		e.rules = append(e.rules, cr)
	}
	e.gateRules()
	if (c.sentiment || cfg.annotate) && e.cfg.analyze == nil {
		WithAnalyzer(defaultAnalyzer())(&e.cfg)
	}
	if c.platforms && cfg.platformOf == nil {
		return nil, cmkit.Invalid("WithChannels", "required", "a rule tests the platform and the engine does not know the channels' platforms")
	}
	if c.firstTime {
		e.history = cfg.history
		if e.history == nil {
			e.history = newSeenAuthors(cfg.authorMem)
		}
	}
	if cfg.annotate {
		e.needLang = true
	}
	return e, nil
}

func (e *Engine) compileLexicons(set RuleSet) error {
	var all []TermList
	for _, name := range set.Builtin {
		lists, _ := builtinByName(name)
		all = append(all, lists...)
	}
	all = append(all, set.Lexicons...)
	all = append(all, e.cfg.lexicons...)
	groupIdx := map[string]int32{}
	type seenKey struct {
		group int32
		lang  string
		norm  string
	}
	seen := map[seenKey]bool{}
	var terms []match.Term
	for _, l := range all {
		g, ok := groupIdx[l.Name]
		if !ok {
			g = int32(len(e.groups))
			groupIdx[l.Name] = g
			e.groups = append(e.groups, l.Name)
		}
		li := int32(len(e.lists))
		cl := cList{group: g, lang: strings.ToLower(l.Lang)}
		if l.Lang != "" {
			e.anyLang = true
			k := slices.Index(e.langs, cl.lang)
			if k < 0 && len(e.langs) < 64 {
				k = len(e.langs)
				e.langs = append(e.langs, cl.lang)
			}
			if k >= 0 {
				cl.langBit = 1 << k
			}
		}
		e.lists = append(e.lists, cl)
		for _, t := range l.Terms {
			k := seenKey{g, strings.ToLower(l.Lang), matchNorm.String(t)}
			if seen[k] || strings.TrimSpace(k.norm) == "" {
				continue
			}
			seen[k] = true
			terms = append(terms, match.Term{ID: len(e.terms), Text: t, WholeWord: !l.Substring})
			e.terms = append(e.terms, cTerm{list: li, text: t})
		}
	}
	if len(terms) > maxTerms {
		return cmkit.Invalid("lexicons", "max_length", "%d terms, limit %d", len(terms), maxTerms)
	}
	if len(terms) > 0 {
		m, err := match.Compile(terms, matchOptions)
		if err != nil {
			return err
		}
		e.matcher = m
	}
	return nil
}

// gateRules fills ungated and gatedBy.
func (e *Engine) gateRules() {
	words := (len(e.rules) + 63) / 64
	e.ungated = make([]uint64, words)
	e.gatedBy = make([][]uint64, len(e.groups))
	for g := range e.gatedBy {
		e.gatedBy[g] = make([]uint64, words)
	}
	for i := range e.rules {
		groups, ok := gateOf(&e.rules[i].cond, nil)
		if !ok {
			e.ungated[i/64] |= 1 << (i % 64)
			continue
		}
		for _, g := range groups {
			e.gatedBy[g][i/64] |= 1 << (i % 64)
		}
	}
}

// Rules returns the IDs of the engine's rules, in evaluation order.
func (e *Engine) Rules() []string {
	ids := make([]string, len(e.rules))
	for i, r := range e.rules {
		ids[i] = r.id
	}
	return ids
}

// Evaluate decides about m: it resets dst, evaluates the rules in order
// (until one with the stop action fires) and fills dst with the merged
// actions of the rules that fired and their evidence. dst is the caller's
// and is reused: with a Verdict that has seen mentions as long before,
// Evaluate allocates nothing, except for the span of a regex condition
// that holds (the regexp package allocates it).
//
// Evaluate records the mention in the memory of each wave condition whose
// guard it passes (the guards are evaluated for every mention, before the
// rules and whatever rule stops) and in the AuthorHistory (when a rule
// has a first_time condition), then signals the CrisisSignaler once for
// each rule with the crisis action that fired.
func (e *Engine) Evaluate(dst *Verdict, m cmkit.Mention) {
	dst.reset()
	now := e.cfg.clock.Now()
	c := evalCtx{e: e, v: dst, m: &m, now: now}
	s := &dst.s
	if e.history != nil && m.Author.ID != "" {
		s.firstTime = !e.history.Seen(m.ChannelID, m.Author.ID)
	}
	if len(e.waves) > 0 {
		c.recordWaves()
	}
	if e.needLang {
		c.lang()
	}
	if e.cfg.annotate {
		c.sentiment()
	}
	crisis := false
	for i := 0; i < len(e.rules); i++ {
		if s.scanned {
			// Skip the rules that cannot fire (see gateOf).
			if !s.candDone {
				c.candidates()
			}
			if i = nextBit(s.cand, i); i >= len(e.rules) {
				break
			}
		}
		r := &e.rules[i]
		mark := len(s.ev)
		if !c.eval(&r.cond, true) {
			s.ev = s.ev[:mark]
			continue
		}
		s.fired = append(s.fired, int32(i), int32(mark), int32(len(s.ev)))
		dst.Fired = append(dst.Fired, Fired{Rule: r.id, Index: i})
		a := &r.act
		dst.Hide = dst.Hide || a.Hide
		dst.Delete = dst.Delete || a.Delete
		dst.Hold = dst.Hold || a.Hold
		for _, f := range a.Flag {
			if !slices.Contains(dst.Flags, f) {
				dst.Flags = append(dst.Flags, f)
			}
		}
		dst.Priority = max(dst.Priority, a.Priority)
		if dst.Queue == "" {
			dst.Queue = a.Queue
		}
		dst.Support = dst.Support || a.Support
		if len(r.replies) > 0 {
			if rep, ok := pickReply(r.replies, dst.Language); ok {
				dst.Replies = append(dst.Replies, rep)
			}
		}
		dst.OpinionLeader = dst.OpinionLeader || a.OpinionLeader
		if a.Crisis {
			dst.Crisis, crisis = true, true
		}
		if a.Stop {
			dst.Stopped = r.id
			break
		}
	}
	for k := range dst.Fired {
		from, to := s.fired[3*k+1], s.fired[3*k+2]
		dst.Fired[k].Hits = s.ev[from:to:to]
	}
	if crisis && e.cfg.crisis != nil && !e.cfg.dryRun {
		for _, f := range dst.Fired {
			if e.rules[f.Index].act.Crisis {
				e.cfg.crisis.SignalCrisis(CrisisSignal{Rule: f.Rule, Mention: m, At: now, Hits: f.Hits})
			}
		}
	}
}

// recordWaves evaluates the guard of every wave condition, in the order
// of e.waves (a guard may hold a wave compiled before it), and records
// the mention in the memory of each one whose guard holds; the
// fingerprint is computed once, for the first. A guard is evaluated
// without collecting evidence.
func (c *evalCtx) recordWaves() {
	e, s := c.e, &c.v.s
	s.waveIn = slices.Grow(s.waveIn[:0], len(e.waves))[:len(e.waves)]
	clear(s.waveIn)
	fp := false
	for i := range e.waves {
		w := &e.waves[i]
		if w.guard != nil && !c.eval(w.guard, false) {
			continue
		}
		if !fp {
			fp = true
			c.norm()
			s.fp = simhash(s.buf.Text)
			s.author = authorKey(&c.m.Author)
		}
		w.store.add(s.fp, s.author, c.now.UnixNano())
		s.waveIn[i] = true
	}
}

// pickReply chooses the template for lang: the exact tag, then its
// primary language, then "*".
func pickReply(replies []Reply, lang string) (Reply, bool) {
	if lang != "" {
		for _, r := range replies {
			if strings.EqualFold(r.Lang, lang) {
				return r, true
			}
		}
		for _, r := range replies {
			if langCovers(r.Lang, lang) {
				return r, true
			}
		}
	}
	if r := replies[len(replies)-1]; r.Lang == "*" {
		return r, true
	}
	return Reply{}, false
}

// langCovers reports whether the tag want covers the tag got: equal, or
// want is a prefix of got followed by "-" ("es" covers "es-MX"), without
// regard to case.
func langCovers(want, got string) bool {
	if len(got) < len(want) || !strings.EqualFold(got[:len(want)], want) {
		return false
	}
	return len(got) == len(want) || got[len(want)] == '-' || got[len(want)] == '_'
}

// CrisisSignaler is told when a rule with the crisis action fires. The
// crisis package, or the product, implements it. SignalCrisis is called
// from Evaluate, on the caller's goroutine, after the verdict is complete:
// it must be quick (hand the signal over and return) and safe for
// concurrent use.
type CrisisSignaler interface {
	SignalCrisis(sig CrisisSignal)
}

// CrisisSignal is what a CrisisSignaler is told.
type CrisisSignal struct {
	// Rule is the ID of the rule that fired.
	Rule string
	// Mention is the mention it fired on.
	Mention cmkit.Mention
	// At is the engine's clock when it fired.
	At time.Time
	// Hits are the rule's evidence. They belong to the Verdict: copy them
	// to keep them after SignalCrisis returns.
	Hits []Hit
}

// regexCost estimates the cost of a regex condition: more than any other
// test, and more for longer patterns.
func regexCost(re *regexp.Regexp) int {
	return 100 + len(re.String())
}
