package moderation

// This file freezes the engine as it was before the speed work of issue
// 13 (a renamed copy of its evaluation: conditions, text statistics,
// emoji, links, lexicon hits, author memory), so that the differential
// tests can compare the engine with it. One deliberate change since: the
// memories of spam waves, one per wave condition, holding the mentions
// that pass the wave's guard (see refEngine.Evaluate and rWave), the
// semantics the lead decided for issue 13.

import (
	"fmt"
	"math"
	"math/bits"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/entity"
	"github.com/cmkit/cmkit/internal/grapheme"
	"github.com/cmkit/cmkit/internal/langtag"
	"github.com/cmkit/cmkit/internal/match"
	"github.com/cmkit/cmkit/internal/textnorm"
	"github.com/cmkit/cmkit/moderation/langid"
)

// refEngine is the frozen Engine.
type refEngine struct {
	rules    []rRule
	groups   []string
	lists    []cList
	terms    []cTerm
	matcher  *match.Matcher
	authors  []rauthorSet
	cfg      config
	needLang bool
	anyLang  bool
	waves    []rWave
	history  AuthorHistory
	s        rscratch
}

// rWave is the memory of one wave condition and its guard, the other
// tests of its Cond (an empty all when there are none).
type rWave struct {
	guard rnode
	store *waveStore
}

type rRule struct {
	id      string
	cond    rnode
	act     Actions
	replies []Reply
}

var rshorteners = slices.Clone(shorteners)

func rmix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

type rspan struct{ start, end int }

type rauthorSet struct {
	ids     map[string]bool
	handles map[string]bool
}

func rnewAuthorSet(authors []string) rauthorSet {
	s := rauthorSet{ids: map[string]bool{}, handles: map[string]bool{}}
	for _, a := range authors {
		if len(a) > 1 && a[0] == '@' {
			s.handles[rasciiLower(a[1:])] = true
		} else {
			s.ids[a] = true
		}
	}
	return s
}

func rasciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// Compile validates set (see RuleSet.Validate; conditions may also name
// the lexicons of WithLexicons) and the options, and builds an Engine:
// every term of every lexicon goes into one automaton, every regex is
// compiled once, and the tests of each condition are ordered by cost. An
// error wraps cmkit.ErrInvalid and names the field.
func refCompile(set RuleSet, opts ...Option) (*refEngine, error) {
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
	re := &refEngine{cfg: cfg}
	e := re
	if err := e.compileLexicons(set); err != nil {
		return nil, err
	}
	authorIdx := map[string]int{}
	for i, a := range set.AuthorLists {
		authorIdx[a.Name] = i
		e.authors = append(e.authors, rnewAuthorSet(a.Authors))
	}
	c := rcompiler{e: e, authors: authorIdx}
	for i, r := range set.Rules {
		n, err := c.cond(&r.When, fmt.Sprintf("rules[%d].when", i), r.ID)
		if err != nil {
			return nil, err
		}
		cr := rRule{id: r.ID, cond: n, act: r.Then}
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
	if (c.sentiment || cfg.annotate) && e.cfg.analyze == nil {
		WithAnalyzer(defaultAnalyzer())(&e.cfg)
	}
	if c.platforms && cfg.platformOf == nil {
		return nil, cmkit.Invalid("WithChannels", "required", "a rule tests the platform and the engine does not know the channels' platforms")
	}
	if c.firstTime {
		e.history = cfg.history
		if e.history == nil {
			e.history = rnewSeenAuthors(cfg.authorMem)
		}
	}
	if cfg.annotate {
		e.needLang = true
	}
	return re, nil
}

func (e *refEngine) compileLexicons(set RuleSet) error {
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
		e.lists = append(e.lists, cList{group: g, lang: strings.ToLower(l.Lang)})
		if l.Lang != "" {
			e.anyLang = true
		}
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
		m, err := rcompileMatcher(terms)
		if err != nil {
			return err
		}
		e.matcher = m
	}
	return nil
}

// rmatchers keeps the reference's automata by their terms: the
// differential tests compile hundreds of rule sets that share the built-in
// lexicons, and a Matcher is not changed by its use. (Not part of the
// frozen engine: it only spares the tests the compilations.)
var rmatchers struct {
	sync.Mutex
	m map[string]*match.Matcher
}

// rcompileMatcher is match.Compile(terms, matchOptions), once per list of
// terms.
func rcompileMatcher(terms []match.Term) (*match.Matcher, error) {
	var b strings.Builder
	for _, t := range terms {
		fmt.Fprintf(&b, "%d %v %q\n", t.ID, t.WholeWord, t.Text)
	}
	key := b.String()
	rmatchers.Lock()
	m := rmatchers.m[key]
	rmatchers.Unlock()
	if m != nil {
		return m, nil
	}
	m, err := match.Compile(terms, matchOptions)
	if err != nil {
		return nil, err
	}
	rmatchers.Lock()
	if rmatchers.m == nil || len(rmatchers.m) >= 16 {
		rmatchers.m = map[string]*match.Matcher{}
	}
	rmatchers.m[key] = m
	rmatchers.Unlock()
	return m, nil
}

// Evaluate decides about m: it resets dst, evaluates the rules in order
// (until one with the stop action fires) and fills dst with the merged
// actions of the rules that fired and their evidence. dst is the caller's
// and is reused: with a Verdict that has seen mentions as long before,
// Evaluate allocates nothing, except for the rspan of a regex condition
// that holds (the regexp package allocates it).
//
// Evaluate records the mention in the memory of spam waves (when a rule
// has a wave condition) and in the AuthorHistory (when a rule has a
// first_time condition), then signals the CrisisSignaler once for each
// rule with the crisis action that fired.
func (e *refEngine) Evaluate(dst *Verdict, m cmkit.Mention) {
	e.reset(dst)
	now := e.cfg.clock.Now()
	c := rctx{e: e, v: dst, s: &e.s, m: &m, now: now}
	s := &e.s
	if e.history != nil && m.Author.ID != "" {
		s.firstTime = !e.history.Seen(m.ChannelID, m.Author.ID)
	}
	// Since the per-wave memories (a deliberate change of semantics):
	// every wave's guard is evaluated, in compile order, before the rules;
	// the mention is recorded in the memories of the waves whose guard
	// holds, and only their wave tests can hold.
	if len(e.waves) > 0 {
		c.norm()
		s.fp = simhash(s.buf.Text)
		s.author = authorKey(&m.Author)
		s.waveIn = make([]bool, len(e.waves))
		for i := range e.waves {
			w := &e.waves[i]
			if c.eval(&w.guard, false) {
				w.store.add(s.fp, s.author, now.UnixNano())
				s.waveIn[i] = true
			}
		}
	}
	if e.needLang {
		c.lang()
	}
	if e.cfg.annotate {
		c.sentiment()
	}
	crisis := false
	for i := range e.rules {
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
			if rep, ok := rpickReply(r.replies, dst.Language); ok {
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

// rpickReply chooses the template for lang: the exact tag, then its
// primary language, then "*".
func rpickReply(replies []Reply, lang string) (Reply, bool) {
	if lang != "" {
		for _, r := range replies {
			if strings.EqualFold(r.Lang, lang) {
				return r, true
			}
		}
		for _, r := range replies {
			if rlangCovers(r.Lang, lang) {
				return r, true
			}
		}
	}
	if r := replies[len(replies)-1]; r.Lang == "*" {
		return r, true
	}
	return Reply{}, false
}

// rlangCovers reports whether the tag want covers the tag got: equal, or
// want is a prefix of got followed by "-" ("es" covers "es-MX"), without
// regard to case.
func rlangCovers(want, got string) bool {
	if len(got) < len(want) || !strings.EqualFold(got[:len(want)], want) {
		return false
	}
	return len(got) == len(want) || got[len(want)] == '-' || got[len(want)] == '_'
}

// rregexCost estimates the cost of a regex condition: more than any other
// test, and more for longer patterns.
func rregexCost(re *regexp.Regexp) int {
	return 100 + len(re.String())
}

type rop uint8

const (
	ropAll rop = iota
	ropAny
	ropNot
	ropLexicon
	ropRegex
	ropFollowers
	ropVerified
	ropAge
	ropFirstTime
	ropAuthorList
	ropKinds
	ropPlatforms
	ropChannels
	ropLanguages
	ropSentiment
	ropSentLabels
	ropLinks
	ropDomains
	ropShortened
	ropCaps
	ropEmoji
	ropLength
	ropWave
)

// The cost of each test, in rough units of work: fields of the mention
// first, then what the lexicon scan (shared by every lexicon condition)
// and one pass over the text give, then language detection, sentiment,
// the spam-wave memory and regular expressions.
var ropCost = [...]int{
	ropFollowers: 1, ropVerified: 1, ropAge: 1, ropFirstTime: 1, ropKinds: 1, ropChannels: 1,
	ropAuthorList: 2, ropPlatforms: 2,
	ropLexicon: 5, ropLength: 6, ropCaps: 6, ropEmoji: 8,
	ropLinks: 10, ropDomains: 10, ropShortened: 10,
	ropLanguages: 20, ropSentiment: 40, ropSentLabels: 40, ropWave: 60,
}

type rnode struct {
	op    rop
	cost  int
	kids  []rnode
	group int32   // lexicon
	terms []int32 // lexicon: the allowed terms' global indices, sorted; nil for all
	min   int
	re    *regexp.Regexp
	reNrm bool
	lo    float64
	hi    float64
	flag  bool
	strs  []string
	auth  int
	wave  waveParams
	wv    int // the index of the wave in refEngine.waves
}

type rcompiler struct {
	e                               *refEngine //                              *Engine
	authors                         map[string]int
	sentiment, platforms, firstTime bool
}

func (c *rcompiler) cond(w *Cond, path, rule string) (rnode, error) {
	var kids []rnode
	for i := range w.All {
		n, err := c.cond(&w.All[i], fmt.Sprintf("%s.all[%d]", path, i), rule)
		if err != nil {
			return rnode{}, err
		}
		kids = append(kids, n)
	}
	if w.Any != nil {
		any := rnode{op: ropAny}
		for i := range w.Any {
			n, err := c.cond(&w.Any[i], fmt.Sprintf("%s.any[%d]", path, i), rule)
			if err != nil {
				return rnode{}, err
			}
			any.kids = append(any.kids, n)
		}
		kids = append(kids, any)
	}
	if w.Not != nil {
		n, err := c.cond(w.Not, path+".not", rule)
		if err != nil {
			return rnode{}, err
		}
		kids = append(kids, rnode{op: ropNot, kids: []rnode{n}})
	}
	e := c.e
	if w.Lexicon != "" {
		g := int32(slices.Index(e.groups, w.Lexicon))
		n := rnode{op: ropLexicon, group: g, min: max(1, w.MinHits)}
		if w.Terms != nil {
			want := map[string]bool{}
			for _, t := range w.Terms {
				want[matchNorm.String(t)] = true
			}
			n.terms = []int32{}
			for i, t := range e.terms {
				if e.lists[t.list].group == g && want[matchNorm.String(t.text)] {
					n.terms = append(n.terms, int32(i))
				}
			}
		}
		kids = append(kids, n)
	}
	if w.Regex != "" {
		re, err := regexp.Compile(w.Regex)
		if err != nil {
			return rnode{}, cmkit.Invalid(path+".regex", "format", "rule %q: %v", rule, err)
		}
		kids = append(kids, rnode{op: ropRegex, re: re, reNrm: w.Normalized, cost: rregexCost(re)})
	}
	rng := func(o rop, r *Range) {
		if r != nil {
			n := rnode{op: o, lo: math.Inf(-1), hi: math.Inf(1)}
			if r.Min != nil {
				n.lo = *r.Min
			}
			if r.Max != nil {
				n.hi = *r.Max
			}
			kids = append(kids, n)
		}
	}
	boolean := func(o rop, b *bool) {
		if b != nil {
			kids = append(kids, rnode{op: o, flag: *b})
		}
	}
	rng(ropFollowers, w.Followers)
	boolean(ropVerified, w.Verified)
	rng(ropAge, w.AccountAgeDays)
	if w.FirstTime != nil {
		c.firstTime = true
		boolean(ropFirstTime, w.FirstTime)
	}
	if w.AuthorList != "" {
		kids = append(kids, rnode{op: ropAuthorList, auth: c.authors[w.AuthorList]})
	}
	strs := func(o rop, s []string, fold bool) {
		if s != nil {
			cp := slices.Clone(s)
			if fold {
				for i := range cp {
					cp[i] = strings.ToLower(cp[i])
				}
			}
			kids = append(kids, rnode{op: o, strs: cp})
		}
	}
	if w.Kinds != nil {
		s := make([]string, len(w.Kinds))
		for i, k := range w.Kinds {
			s[i] = string(k)
		}
		strs(ropKinds, s, false)
	}
	if w.Platforms != nil {
		c.platforms = true
		s := make([]string, len(w.Platforms))
		for i, p := range w.Platforms {
			s[i] = string(p)
		}
		strs(ropPlatforms, s, false)
	}
	strs(ropChannels, w.Channels, false)
	strs(ropLanguages, w.Languages, true)
	if w.Sentiment != nil || w.SentimentLabels != nil {
		c.sentiment = true
	}
	rng(ropSentiment, w.Sentiment)
	strs(ropSentLabels, w.SentimentLabels, false)
	rng(ropLinks, w.Links)
	strs(ropDomains, w.Domains, true)
	boolean(ropShortened, w.Shortened)
	rng(ropCaps, w.CapsRatio)
	rng(ropEmoji, w.Emoji)
	rng(ropLength, w.Length)
	if wv := w.Wave; wv != nil {
		d := DefaultWaveDistance
		if wv.Distance != nil {
			d = *wv.Distance
		}
		kids = append(kids, rnode{op: ropWave, wv: len(e.waves), wave: waveParams{
			within: time.Duration(wv.Within).Nanoseconds(), minCount: wv.MinCount,
			minAuthors: max(1, wv.MinAuthors), sameAuthor: wv.SameAuthor, dist: d,
		}})
		e.waves = append(e.waves, rWave{store: newWaveStore(e.cfg.waveMemory, d)})
	}
	for i := range kids {
		if kids[i].cost == 0 {
			kids[i].cost = rcostOf(&kids[i])
		}
	}
	if w.Wave != nil {
		g := rnode{op: ropAll}
		for _, k := range kids {
			if k.op != ropWave || k.wv != len(e.waves)-1 {
				g.kids = append(g.kids, k)
			}
		}
		g.cost = rcostOf(&g)
		e.waves[len(e.waves)-1].guard = g
	}
	if len(kids) == 1 {
		return kids[0], nil
	}
	n := rnode{op: ropAll, kids: kids}
	n.cost = rcostOf(&n)
	return n, nil
}

// rcostOf returns the cost of n, and orders the members of an all or any
// by cost, cheapest first.
func rcostOf(n *rnode) int {
	switch n.op {
	case ropAll, ropAny, ropNot:
		sum := 0
		for i := range n.kids {
			if n.kids[i].cost == 0 {
				n.kids[i].cost = rcostOf(&n.kids[i])
			}
			sum += n.kids[i].cost
		}
		slices.SortStableFunc(n.kids, func(a, b rnode) int { return a.cost - b.cost })
		return sum
	case ropRegex:
		return rregexCost(n.re)
	}
	return ropCost[n.op]
}

// rctx is one evaluation: the engine, the mention and the verdict
// whose rscratch space holds what was computed so far.
type rctx struct {
	e   *refEngine
	v   *Verdict
	s   *rscratch
	m   *cmkit.Mention
	now time.Time
}

func (c *rctx) eval(n *rnode, collect bool) bool {
	s := c.s
	switch n.op {
	case ropAll:
		mark := len(s.ev)
		for i := range n.kids {
			if !c.eval(&n.kids[i], collect) {
				s.ev = s.ev[:mark]
				return false
			}
		}
		return true
	case ropAny:
		for i := range n.kids {
			if c.eval(&n.kids[i], collect) {
				return true
			}
		}
		return false
	case ropNot:
		return !c.eval(&n.kids[0], false)
	case ropLexicon:
		return c.lexicon(n, collect)
	case ropRegex:
		return c.regex(n, collect)
	case ropFollowers:
		return rinRange(float64(c.m.Author.Followers), n)
	case ropVerified:
		return c.m.Author.Verified == n.flag
	case ropAge:
		if c.m.Author.CreatedAt.IsZero() {
			return false
		}
		return rinRange(c.now.Sub(c.m.Author.CreatedAt).Hours()/24, n)
	case ropFirstTime:
		return s.firstTime == n.flag
	case ropAuthorList:
		return c.e.authors[n.auth].has(&c.m.Author)
	case ropKinds:
		return slices.Contains(n.strs, string(c.m.Kind))
	case ropPlatforms:
		return slices.Contains(n.strs, string(c.e.cfg.platformOf(c.m.ChannelID)))
	case ropChannels:
		return slices.Contains(n.strs, c.m.ChannelID)
	case ropLanguages:
		lang := c.lang()
		if lang == "" {
			return false
		}
		for _, l := range n.strs {
			if rlangCovers(l, lang) {
				return true
			}
		}
		return false
	case ropSentiment:
		c.sentiment()
		return rinRange(c.v.Sentiment, n)
	case ropSentLabels:
		c.sentiment()
		return slices.Contains(n.strs, c.v.SentimentLabel)
	case ropLinks:
		c.linkHosts()
		return rinRange(float64(len(s.links)), n)
	case ropDomains:
		for _, h := range c.linkHosts() {
			host := c.m.Text[h.start:h.end]
			for _, d := range n.strs {
				if rhostIn(host, d) {
					return true
				}
			}
		}
		return false
	case ropShortened:
		short := false
		for _, h := range c.linkHosts() {
			if risShortener(c.m.Text[h.start:h.end]) {
				short = true
				break
			}
		}
		return short == n.flag
	case ropCaps:
		c.stats()
		ratio := 0.0
		if s.letters > 0 {
			ratio = float64(s.upper) / float64(s.letters)
		}
		return rinRange(ratio, n)
	case ropEmoji:
		if !s.emojiDone {
			s.emojiDone = true
			s.emoji = rcountEmoji(c.m.Text)
		}
		return rinRange(float64(s.emoji), n)
	case ropLength:
		c.stats()
		return rinRange(float64(s.runes), n)
	case ropWave:
		return s.waveIn[n.wv] && c.e.waves[n.wv].store.count(s.fp, s.author, c.now.UnixNano(), &n.wave)
	}
	return false
}

func rinRange(x float64, n *rnode) bool { return x >= n.lo && x <= n.hi }

// norm normalizes the text into the rscratch buffer, once.
func (c *rctx) norm() {
	s := c.s
	if !s.normed {
		s.normed = true
		matchNorm.Normalize(&s.buf, c.m.Text)
	}
}

// scan runs the lexicon automaton over the text, once, and keeps the
// hits of the lists whose language applies.
func (c *rctx) scan() {
	s := c.s
	if s.scanned {
		return
	}
	s.scanned = true
	e := c.e
	s.groups = slices.Grow(s.groups[:0], len(e.groups))[:len(e.groups)]
	clear(s.groups)
	if e.matcher == nil {
		return
	}
	c.norm()
	s.matches = e.matcher.Scan(s.matches[:0], &s.buf)
	lang, langKnown := "", false
	for _, mt := range s.matches {
		t := &e.terms[mt.ID]
		l := &e.lists[t.list]
		if l.lang != "" {
			if !langKnown {
				lang, langKnown = c.lang(), true
			}
			if lang != "" && !rlangCovers(l.lang, lang) {
				continue
			}
		}
		// The same rspan found by the same lexicon in two languages counts once.
		dup := false
		for k := len(c.v.Hits) - 1; k >= 0 && c.v.Hits[k].End == mt.End; k-- {
			if s.hitGrp[k] == l.group && c.v.Hits[k].Start == mt.Start {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		c.v.Hits = append(c.v.Hits, Hit{Lexicon: e.groups[l.group], Term: t.text, Start: mt.Start, End: mt.End})
		s.hitGrp = append(s.hitGrp, l.group)
		s.hitTerm = append(s.hitTerm, int32(mt.ID))
		s.groups[l.group]++
	}
}

func (c *rctx) lexicon(n *rnode, collect bool) bool {
	c.scan()
	s := c.s
	if n.terms == nil {
		if int(s.groups[n.group]) < n.min {
			return false
		}
		if collect {
			for k, g := range s.hitGrp {
				if g == n.group {
					s.ev = append(s.ev, c.v.Hits[k])
				}
			}
		}
		return true
	}
	count := 0
	for k, g := range s.hitGrp {
		if g == n.group {
			if _, ok := slices.BinarySearch(n.terms, s.hitTerm[k]); ok {
				count++
			}
		}
	}
	if count < n.min {
		return false
	}
	if collect {
		for k, g := range s.hitGrp {
			if g == n.group {
				if _, ok := slices.BinarySearch(n.terms, s.hitTerm[k]); ok {
					s.ev = append(s.ev, c.v.Hits[k])
				}
			}
		}
	}
	return true
}

func (c *rctx) regex(n *rnode, collect bool) bool {
	s := c.s
	if n.reNrm {
		c.norm()
		if !collect {
			return n.re.Match(s.buf.Text)
		}
		loc := n.re.FindIndex(s.buf.Text)
		if loc == nil {
			return false
		}
		start, end := 0, 0
		if loc[1] > loc[0] {
			start, end = s.buf.Span(loc[0], loc[1])
		} else if loc[0] < len(s.buf.Text) {
			start, _ = s.buf.Span(loc[0], loc[0]+1)
			end = start
		} else {
			start, end = len(c.m.Text), len(c.m.Text)
		}
		s.ev = append(s.ev, Hit{Term: n.re.String(), Start: start, End: end})
		return true
	}
	if !collect {
		return n.re.MatchString(c.m.Text)
	}
	loc := n.re.FindStringIndex(c.m.Text)
	if loc == nil {
		return false
	}
	start, end := loc[0], loc[1]
	// RE2 may match inside a character of invalid UTF-8; spans stay on
	// character boundaries.
	for start > 0 && !utf8.RuneStart(c.m.Text[start]) {
		start--
	}
	for end < len(c.m.Text) && !utf8.RuneStart(c.m.Text[end]) {
		end++
	}
	s.ev = append(s.ev, Hit{Term: n.re.String(), Start: start, End: end})
	return true
}

// lang returns the mention's language: Mention.Language, else the
// detector's guess when confident enough, else "".
func (c *rctx) lang() string {
	v := c.v
	if c.s.langDone {
		return v.Language
	}
	c.s.langDone = true
	if l := c.m.Language; l != "" && !strings.EqualFold(l, "und") && !strings.EqualFold(l, "mul") && !strings.EqualFold(l, "zxx") {
		v.Language = l
		return v.Language
	}
	if c.e.cfg.detect != nil {
		if l, conf := c.e.cfg.detect(c.m.Text); l != "" && conf >= c.e.cfg.minConf {
			v.Language, v.Detected = l, true
		}
	}
	return v.Language
}

func (c *rctx) sentiment() {
	v := c.v
	if v.SentimentKnown || c.e.cfg.analyze == nil {
		return
	}
	v.Sentiment, v.SentimentLabel = c.e.cfg.analyze(c.m.Text, c.lang())
	v.SentimentKnown = true
}

// stats counts letters, upper-case letters and characters, once.
func (c *rctx) stats() {
	s := c.s
	if s.statsDone {
		return
	}
	s.statsDone = true
	s.letters, s.upper, s.runes = rtextStats(c.m.Text)
}

const (
	rlanes8 = 0x0101010101010101
	rhigh8  = 0x8080808080808080
)

// rasciiRange returns the high bit of each byte of x (all bytes below
// 0x80) that is from lo to hi.
func rasciiRange(x uint64, lo, hi byte) uint64 {
	ge := x + (0x80-uint64(lo))*rlanes8   // high bit: byte >= lo
	gt := x + (0x80-uint64(hi)-1)*rlanes8 // high bit: byte > hi
	return ge &^ gt & rhigh8
}

// rtextStats counts the letters, the upper-case (or title-case) letters
// and the characters of text, eight ASCII bytes at a time.
func rtextStats(text string) (letters, upper, runes int) {
	for i := 0; i < len(text); {
		if i+8 <= len(text) {
			if x := grapheme.Load64(text, i); x&rhigh8 == 0 {
				up := rasciiRange(x, 'A', 'Z')
				lo := rasciiRange(x, 'a', 'z')
				upper += bits.OnesCount64(up)
				letters += bits.OnesCount64(up | lo)
				runes += 8
				i += 8
				continue
			}
		}
		b := text[i]
		if b < utf8.RuneSelf {
			runes++
			i++
			if b >= 'a' && b <= 'z' {
				letters++
			} else if b >= 'A' && b <= 'Z' {
				letters++
				upper++
			}
			continue
		}
		var r rune
		if b >= 0xC2 && b < 0xE0 && i+1 < len(text) && text[i+1]&0xC0 == 0x80 {
			r = rune(b&0x1F)<<6 | rune(text[i+1]&0x3F)
			i += 2
		} else {
			var size int
			r, size = utf8.DecodeRuneInString(text[i:])
			i += size
		}
		runes++
		if r < 0x250 {
			// Latin-1 and Latin Extended-A and B.
			if rlatinLetter(r) {
				letters++
				if unicode.IsUpper(r) || unicode.IsTitle(r) {
					upper++
				}
			}
			continue
		}
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) || unicode.IsTitle(r) {
				upper++
			}
		}
	}
	return letters, upper, runes
}

// rlatinLetter is unicode.IsLetter for r from U+0080 to U+024F.
func rlatinLetter(r rune) bool {
	return r >= 0xC0 && r != 0xD7 && r != 0xF7 || r == 0xAA || r == 0xB5 || r == 0xBA
}

func rcountEmoji(text string) int {
	n := 0
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			// Eight ASCII bytes followed by ASCII (or the end) hold no
			// emoji.
			if i+9 <= len(text) && grapheme.Load64(text, i)&rhigh8 == 0 && text[i+8] < utf8.RuneSelf {
				i += 8
				continue
			}
			if i+1 == len(text) || text[i+1] < utf8.RuneSelf {
				// ASCII followed by ASCII is a cluster of its own and no
				// emoji (a keycap needs U+FE0F or U+20E3 after its digit).
				i++
				continue
			}
		} else if c >= 0xC2 && c < 0xE0 && i+1 < len(text) && text[i+1]&0xC0 == 0x80 && (c != 0xC2 || text[i+1] != 0xA9 && text[i+1] != 0xAE) {
			// A character below U+0800, not © or ®.
			i += 2
			continue
		} else if r, size := utf8.DecodeRuneInString(text[i:]); r < 0x2000 && r != 0xA9 && r != 0xAE {
			// Letters, marks and punctuation below U+2000 start no emoji
			// (© and ® do, with U+FE0F).
			i += size
			continue
		}
		size, emoji := grapheme.NextEmoji(text[i:])
		if emoji {
			n++
		}
		i += size
	}
	return n
}

// linkHosts finds the links of the text and keeps the rspan of each one's
// host, once.
func (c *rctx) linkHosts() []rspan {
	s := c.s
	if s.linksDone {
		return s.links
	}
	s.linksDone = true
	text := c.m.Text
	for from := 0; ; {
		ent, ok := entity.Next(text, from)
		if !ok {
			break
		}
		from = ent.End
		if ent.Kind != entity.URL {
			continue
		}
		h := ent.Start
		if i := strings.Index(text[h:ent.End], "://"); i >= 0 {
			h += i + 3
		}
		end := h
		for end < ent.End {
			b := text[end]
			if b == '/' || b == ':' || b == '?' || b == '#' {
				break
			}
			end++
		}
		s.links = append(s.links, rspan{h, end})
	}
	return s.links
}

// rhostIn reports whether host is domain or one of its subdomains, without
// regard to ASCII case; a leading "www." of the host is ignored.
func rhostIn(host, domain string) bool {
	if len(host) < len(domain) {
		return false
	}
	tail := host[len(host)-len(domain):]
	if !strings.EqualFold(tail, domain) {
		return false
	}
	return len(host) == len(domain) || host[len(host)-len(domain)-1] == '.'
}

func risShortener(host string) bool {
	for _, d := range rshorteners {
		if rhostIn(host, d) {
			return true
		}
	}
	return false
}

// rscratch is the per-mention working space of the engine, kept in the
// Verdict so that reusing a Verdict reuses it.
type rscratch struct {
	buf                                                        textnorm.Buffer
	matches                                                    []match.Match
	groups                                                     []int32 // per lexicon group: hits
	hitGrp                                                     []int32 // per hit: its group
	hitTerm                                                    []int32 // per hit: its term's global index
	ev                                                         []Hit   // evidence of the fired rules
	evGrp                                                      []int32
	fired                                                      []int32 // per fired rule: where its evidence starts and ends in ev
	links                                                      []rspan // hosts of the links
	normed, scanned, langDone, statsDone, emojiDone, linksDone bool
	letters, upper, runes, emoji                               int
	firstTime                                                  bool
	fp, author                                                 uint64
	waveIn                                                     []bool // per wave: the guard held
}

// reset empties v for a new mention, keeping the room of its slices.
func (e *refEngine) reset(v *Verdict) {
	s := e.s
	s.matches, s.hitGrp, s.hitTerm, s.ev, s.evGrp, s.fired, s.links =
		s.matches[:0], s.hitGrp[:0], s.hitTerm[:0], s.ev[:0], s.evGrp[:0], s.fired[:0], s.links[:0]
	s.normed, s.scanned, s.langDone, s.statsDone, s.emojiDone, s.linksDone = false, false, false, false, false, false
	s.firstTime = false
	*v = Verdict{
		Flags:   v.Flags[:0],
		Replies: v.Replies[:0],
		Fired:   v.Fired[:0],
		Hits:    v.Hits[:0],
	}
	e.s = s
}

type rseenAuthors struct {
	mu        sync.Mutex
	cur, prev []uint64 // open addressing, 0 is empty
	count     int      // entries in cur
	limit     int      // entries per generation
}

func rnewSeenAuthors(n int) *rseenAuthors {
	limit := max(1, n/2)
	size := 1
	for size < 2*limit {
		size <<= 1
	}
	return &rseenAuthors{cur: make([]uint64, size), prev: make([]uint64, size), limit: limit}
}

var _ AuthorHistory = (*rseenAuthors)(nil)

func (s *rseenAuthors) Seen(channelID, authorID string) bool {
	h := uint64(14695981039346656037)
	for i := 0; i < len(channelID); i++ {
		h = (h ^ uint64(channelID[i])) * 1099511628211
	}
	h = (h ^ 0xff) * 1099511628211
	for i := 0; i < len(authorID); i++ {
		h = (h ^ uint64(authorID[i])) * 1099511628211
	}
	h = rmix64(h)
	if h == 0 {
		h = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if rfind(s.cur, h) {
		return true
	}
	seen := rfind(s.prev, h)
	if s.count >= s.limit {
		s.prev, s.cur = s.cur, s.prev
		clear(s.cur)
		s.count = 0
	}
	rinsert(s.cur, h)
	s.count++
	return seen
}

func rfind(t []uint64, h uint64) bool {
	mask := uint64(len(t) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch t[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

func rinsert(t []uint64, h uint64) {
	mask := uint64(len(t) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		if t[i] == 0 || t[i] == h {
			t[i] = h
			return
		}
	}
}

func (s *rauthorSet) has(a *cmkit.Author) bool {
	if a.ID != "" && s.ids[a.ID] {
		return true
	}
	h := a.Handle
	if len(h) > 0 && h[0] == '@' {
		h = h[1:]
	}
	if h == "" || len(s.handles) == 0 {
		return false
	}
	var buf [64]byte
	if len(h) <= len(buf) {
		b := buf[:len(h)]
		for i := 0; i < len(h); i++ {
			c := h[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		return s.handles[string(b)]
	}
	return s.handles[rasciiLower(h)]
}
