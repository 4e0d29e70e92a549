package moderation

import (
	"fmt"
	"math"
	"math/bits"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/entity"
)

type op uint8

const (
	opAll op = iota
	opAny
	opNot
	opLexicon
	opRegex
	opFollowers
	opVerified
	opAge
	opFirstTime
	opAuthorList
	opKinds
	opPlatforms
	opChannels
	opLanguages
	opSentiment
	opSentLabels
	opLinks
	opDomains
	opShortened
	opCaps
	opEmoji
	opLength
	opWave
)

// The cost of each test, in rough units of work: fields of the mention
// first, then what the lexicon scan (shared by every lexicon condition)
// and one pass over the text give, then language detection, sentiment,
// the spam-wave memory and regular expressions.
var opCost = [...]int{
	opFollowers: 1, opVerified: 1, opAge: 1, opFirstTime: 1, opKinds: 1, opChannels: 1,
	opAuthorList: 2, opPlatforms: 2,
	opLexicon: 5, opLength: 6, opCaps: 6, opEmoji: 8,
	opLinks: 10, opDomains: 10, opShortened: 10,
	opLanguages: 20, opSentiment: 40, opSentLabels: 40, opWave: 60,
}

type node struct {
	op    op
	cost  int
	kids  []node
	group int32   // lexicon
	terms []int32 // lexicon: the allowed terms' global indices, sorted; nil for all
	min   int
	re    *regexp.Regexp
	reNrm bool
	pre   rePrefilter // regex on the text as written
	lo    float64
	hi    float64
	flag  bool
	strs  []string
	auth  int
	wave  waveParams
	wv    int // wave: the index of its memory in Engine.waves
}

type compiler struct {
	e                               *Engine
	authors                         map[string]int
	sentiment, platforms, firstTime bool
}

func (c *compiler) cond(w *Cond, path, rule string) (node, error) {
	var kids []node
	for i := range w.All {
		n, err := c.cond(&w.All[i], fmt.Sprintf("%s.all[%d]", path, i), rule)
		if err != nil {
			return node{}, err
		}
		kids = append(kids, n)
	}
	if w.Any != nil {
		any := node{op: opAny}
		for i := range w.Any {
			n, err := c.cond(&w.Any[i], fmt.Sprintf("%s.any[%d]", path, i), rule)
			if err != nil {
				return node{}, err
			}
			any.kids = append(any.kids, n)
		}
		kids = append(kids, any)
	}
	if w.Not != nil {
		n, err := c.cond(w.Not, path+".not", rule)
		if err != nil {
			return node{}, err
		}
		kids = append(kids, node{op: opNot, kids: []node{n}})
	}
	e := c.e
	if w.Lexicon != "" {
		g := int32(slices.Index(e.groups, w.Lexicon))
		n := node{op: opLexicon, group: g, min: max(1, w.MinHits)}
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
			return node{}, cmkit.Invalid(path+".regex", "format", "rule %q: %v", rule, err)
		}
		n := node{op: opRegex, re: re, reNrm: w.Normalized, cost: regexCost(re)}
		if !w.Normalized {
			n.pre = newPrefilter(w.Regex)
		}
		kids = append(kids, n)
	}
	rng := func(o op, r *Range) {
		if r != nil {
			n := node{op: o, lo: math.Inf(-1), hi: math.Inf(1)}
			if r.Min != nil {
				n.lo = *r.Min
			}
			if r.Max != nil {
				n.hi = *r.Max
			}
			kids = append(kids, n)
		}
	}
	boolean := func(o op, b *bool) {
		if b != nil {
			kids = append(kids, node{op: o, flag: *b})
		}
	}
	rng(opFollowers, w.Followers)
	boolean(opVerified, w.Verified)
	rng(opAge, w.AccountAgeDays)
	if w.FirstTime != nil {
		c.firstTime = true
		boolean(opFirstTime, w.FirstTime)
	}
	if w.AuthorList != "" {
		kids = append(kids, node{op: opAuthorList, auth: c.authors[w.AuthorList]})
	}
	strs := func(o op, s []string, fold bool) {
		if s != nil {
			cp := slices.Clone(s)
			if fold {
				for i := range cp {
					cp[i] = strings.ToLower(cp[i])
				}
			}
			kids = append(kids, node{op: o, strs: cp})
		}
	}
	if w.Kinds != nil {
		s := make([]string, len(w.Kinds))
		for i, k := range w.Kinds {
			s[i] = string(k)
		}
		strs(opKinds, s, false)
	}
	if w.Platforms != nil {
		c.platforms = true
		s := make([]string, len(w.Platforms))
		for i, p := range w.Platforms {
			s[i] = string(p)
		}
		strs(opPlatforms, s, false)
	}
	strs(opChannels, w.Channels, false)
	strs(opLanguages, w.Languages, true)
	if w.Sentiment != nil || w.SentimentLabels != nil {
		c.sentiment = true
	}
	rng(opSentiment, w.Sentiment)
	strs(opSentLabels, w.SentimentLabels, false)
	rng(opLinks, w.Links)
	strs(opDomains, w.Domains, true)
	boolean(opShortened, w.Shortened)
	rng(opCaps, w.CapsRatio)
	rng(opEmoji, w.Emoji)
	rng(opLength, w.Length)
	if wv := w.Wave; wv != nil {
		d := DefaultWaveDistance
		if wv.Distance != nil {
			d = *wv.Distance
		}
		// The waves of the members of All, Any and Not, compiled above,
		// come before this one in e.waves: their guards are evaluated
		// first, so this one's guard may read them.
		kids = append(kids, node{op: opWave, wv: len(e.waves), wave: waveParams{
			within: time.Duration(wv.Within).Nanoseconds(), minCount: wv.MinCount,
			minAuthors: max(1, wv.MinAuthors), sameAuthor: wv.SameAuthor, dist: d,
		}})
		e.waves = append(e.waves, engineWave{store: newWaveStore(e.cfg.waveMemory, d)})
	}
	for i := range kids {
		if kids[i].cost == 0 {
			kids[i].cost = costOf(&kids[i])
		}
	}
	if w.Wave != nil {
		// The guard of the wave: the other tests of this Cond (which may
		// be waves of its members).
		own := len(e.waves) - 1
		var guard []node
		for _, k := range kids {
			if k.op != opWave || k.wv != own {
				guard = append(guard, k)
			}
		}
		wave := &e.waves[own]
		switch len(guard) {
		case 0:
		case 1:
			wave.guard = &guard[0]
		default:
			g := node{op: opAll, kids: guard}
			g.cost = costOf(&g)
			wave.guard = &g
		}
	}
	if len(kids) == 1 {
		return kids[0], nil
	}
	n := node{op: opAll, kids: kids}
	n.cost = costOf(&n)
	return n, nil
}

// costOf returns the cost of n, and orders the members of an all or any
// by cost, cheapest first.
func costOf(n *node) int {
	switch n.op {
	case opAll, opAny, opNot:
		sum := 0
		for i := range n.kids {
			if n.kids[i].cost == 0 {
				n.kids[i].cost = costOf(&n.kids[i])
			}
			sum += n.kids[i].cost
		}
		slices.SortStableFunc(n.kids, func(a, b node) int { return a.cost - b.cost })
		return sum
	case opRegex:
		return regexCost(n.re)
	}
	return opCost[n.op]
}

// gateOf finds the lexicon groups that gate n, appended to groups: when
// the text is scanned and none of them has a hit, n is false, and
// evaluating it would change nothing but spend time (it reads only the
// mention, the scan and what stats and links cache). ok is false when n
// has no such gate.
func gateOf(n *node, groups []int32) (_ []int32, ok bool) {
	switch n.op {
	case opLexicon:
		// With Terms the hits counted are some of the group's.
		return append(groups, n.group), true
	case opAll:
		// The members are evaluated in order: the first one that is gated
		// gates the whole if the members before it are pure.
		for i := range n.kids {
			if g, ok := gateOf(&n.kids[i], groups); ok {
				return g, true
			}
			if !pure(&n.kids[i]) {
				return nil, false
			}
		}
	case opAny:
		// Every member is evaluated when all are false.
		for i := range n.kids {
			g, ok := gateOf(&n.kids[i], groups)
			if !ok || !pure(&n.kids[i]) {
				return nil, false
			}
			groups = g
		}
		return groups, len(n.kids) > 0
	}
	return nil, false
}

// pure reports whether evaluating n, once the text is scanned, leaves
// nothing behind that the verdict shows or a caller's function sees: no
// language detection, sentiment analysis or platform look-up. (A wave
// test only reads its memory: the mention was recorded before the rules
// ran.)
func pure(n *node) bool {
	switch n.op {
	case opAll, opAny, opNot:
		for i := range n.kids {
			if !pure(&n.kids[i]) {
				return false
			}
		}
		return true
	case opPlatforms, opLanguages, opSentiment, opSentLabels:
		return false
	}
	return true
}

// candidates fills the bit set of the rules that can still fire, from
// the groups the scan found.
func (c *evalCtx) candidates() {
	s := &c.v.s
	e := c.e
	s.candDone = true
	s.cand = append(s.cand[:0], e.ungated...)
	for _, g := range s.hitGroups {
		for k, w := range e.gatedBy[g] {
			s.cand[k] |= w
		}
	}
}

// nextBit returns the first bit set in set at or after i, or 64*len(set).
func nextBit(set []uint64, i int) int {
	k := i / 64
	if k >= len(set) {
		return i
	}
	if w := set[k] >> (i % 64); w != 0 {
		return i + bits.TrailingZeros64(w)
	}
	for k++; k < len(set); k++ {
		if set[k] != 0 {
			return 64*k + bits.TrailingZeros64(set[k])
		}
	}
	return 64 * len(set)
}

// evalCtx is one evaluation: the engine, the mention and the verdict
// whose scratch space holds what was computed so far.
type evalCtx struct {
	e   *Engine
	v   *Verdict
	m   *cmkit.Mention
	now time.Time
}

func (c *evalCtx) eval(n *node, collect bool) bool {
	s := &c.v.s
	switch n.op {
	case opAll:
		mark := len(s.ev)
		for i := range n.kids {
			if !c.eval(&n.kids[i], collect) {
				s.ev = s.ev[:mark]
				return false
			}
		}
		return true
	case opAny:
		for i := range n.kids {
			if c.eval(&n.kids[i], collect) {
				return true
			}
		}
		return false
	case opNot:
		return !c.eval(&n.kids[0], false)
	case opLexicon:
		return c.lexicon(n, collect)
	case opRegex:
		return c.regex(n, collect)
	case opFollowers:
		return inRange(float64(c.m.Author.Followers), n)
	case opVerified:
		return c.m.Author.Verified == n.flag
	case opAge:
		if c.m.Author.CreatedAt.IsZero() {
			return false
		}
		return inRange(c.now.Sub(c.m.Author.CreatedAt).Hours()/24, n)
	case opFirstTime:
		return s.firstTime == n.flag
	case opAuthorList:
		return c.e.authors[n.auth].has(&c.m.Author)
	case opKinds:
		return slices.Contains(n.strs, string(c.m.Kind))
	case opPlatforms:
		return slices.Contains(n.strs, string(c.e.cfg.platformOf(c.m.ChannelID)))
	case opChannels:
		return slices.Contains(n.strs, c.m.ChannelID)
	case opLanguages:
		lang := c.lang()
		if lang == "" {
			return false
		}
		for _, l := range n.strs {
			if langCovers(l, lang) {
				return true
			}
		}
		return false
	case opSentiment:
		c.sentiment()
		return inRange(c.v.Sentiment, n)
	case opSentLabels:
		c.sentiment()
		return slices.Contains(n.strs, c.v.SentimentLabel)
	case opLinks:
		c.linkHosts()
		return inRange(float64(len(s.links)), n)
	case opDomains:
		for _, h := range c.linkHosts() {
			host := c.m.Text[h.start:h.end]
			for _, d := range n.strs {
				if hostIn(host, d) {
					return true
				}
			}
		}
		return false
	case opShortened:
		short := false
		for _, h := range c.linkHosts() {
			if isShortener(c.m.Text[h.start:h.end]) {
				short = true
				break
			}
		}
		return short == n.flag
	case opCaps:
		if !s.statsDone {
			b := c.bounds()
			if ok, known := decide(b.capsLo, b.capsHi, n); known {
				return ok
			}
			c.stats()
		}
		ratio := 0.0
		if s.letters > 0 {
			ratio = float64(s.upper) / float64(s.letters)
		}
		return inRange(ratio, n)
	case opEmoji:
		if !s.statsDone {
			b := c.bounds()
			if ok, known := decide(0, float64(b.emojiMax()), n); known {
				return ok
			}
			c.stats()
		}
		return inRange(float64(s.emoji), n)
	case opLength:
		if !s.statsDone {
			b := c.bounds()
			if ok, known := decide(float64(b.runesMin()), float64(b.n), n); known {
				return ok
			}
			c.stats()
		}
		return inRange(float64(s.runes), n)
	case opWave:
		// False when its guard failed: the mention is not in its memory.
		return s.waveIn[n.wv] && c.e.waves[n.wv].store.count(s.fp, s.author, c.now.UnixNano(), &n.wave)
	}
	return false
}

func inRange(x float64, n *node) bool { return x >= n.lo && x <= n.hi }

// norm normalizes the text into the scratch buffer, once.
func (c *evalCtx) norm() {
	s := &c.v.s
	if !s.normed {
		s.normed = true
		matchNorm.Normalize(&s.buf, c.m.Text)
	}
}

// scan runs the lexicon automaton over the text, once, and keeps the
// hits of the lists whose language applies.
func (c *evalCtx) scan() {
	s := &c.v.s
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
	var covers uint64 // bits of the languages in e.langs that apply
	for _, mt := range s.matches {
		t := &e.terms[mt.ID]
		l := &e.lists[t.list]
		if l.lang != "" {
			if !langKnown {
				lang, langKnown = c.lang(), true
				covers = ^uint64(0)
				if lang != "" {
					covers = 0
					for k, x := range e.langs {
						if langCovers(x, lang) {
							covers |= 1 << k
						}
					}
				}
			}
			if l.langBit != 0 {
				if covers&l.langBit == 0 {
					continue
				}
			} else if lang != "" && !langCovers(l.lang, lang) {
				continue
			}
		}
		// The same span found by the same lexicon in two languages counts once.
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
		if s.groups[l.group] == 0 {
			s.hitGroups = append(s.hitGroups, l.group)
		}
		s.groups[l.group]++
	}
}

func (c *evalCtx) lexicon(n *node, collect bool) bool {
	c.scan()
	s := &c.v.s
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

func (c *evalCtx) regex(n *node, collect bool) bool {
	s := &c.v.s
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
	if !n.pre.pass(c.m.Text) {
		return false
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
func (c *evalCtx) lang() string {
	v := c.v
	if v.s.langDone {
		return v.Language
	}
	v.s.langDone = true
	if l := c.m.Language; l != "" && (len(l) != 3 || !strings.EqualFold(l, "und") && !strings.EqualFold(l, "mul") && !strings.EqualFold(l, "zxx")) {
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

func (c *evalCtx) sentiment() {
	v := c.v
	if v.SentimentKnown || c.e.cfg.analyze == nil {
		return
	}
	v.Sentiment, v.SentimentLabel = c.e.cfg.analyze(c.m.Text, c.lang())
	v.SentimentKnown = true
}

// stats counts letters, upper-case letters, characters and emoji, once.
func (c *evalCtx) stats() {
	s := &c.v.s
	if s.statsDone {
		return
	}
	s.statsDone = true
	t := textStats(c.m.Text)
	s.letters, s.upper, s.runes, s.emoji = t.letters, t.upper, t.runes, t.emoji
}

// bounds reads the bounds of the text's stats, once.
func (c *evalCtx) bounds() *textBounds {
	s := &c.v.s
	if !s.boundsDone {
		s.boundsDone = true
		s.bounds = textBoundsOf(c.m.Text)
		s.bounds.capsLo, s.bounds.capsHi = s.bounds.capsRange()
	}
	return &s.bounds
}

// linkHosts finds the links of the text and keeps the span of each one's
// host, once.
func (c *evalCtx) linkHosts() []span {
	s := &c.v.s
	if s.linksDone {
		return s.links
	}
	s.linksDone = true
	text := c.m.Text
	if strings.IndexByte(text, '.') < 0 {
		// entity.Next looks for links only at dots.
		return nil
	}
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
		s.links = append(s.links, span{h, end})
	}
	return s.links
}

// hostIn reports whether host is domain or one of its subdomains, without
// regard to ASCII case; a leading "www." of the host is ignored.
func hostIn(host, domain string) bool {
	if len(host) < len(domain) {
		return false
	}
	tail := host[len(host)-len(domain):]
	if !strings.EqualFold(tail, domain) {
		return false
	}
	return len(host) == len(domain) || host[len(host)-len(domain)-1] == '.'
}

// shorteners are the hosts of common URL shorteners.
var shorteners = []string{
	"bit.ly", "bitly.com", "t.co", "tinyurl.com", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly",
	"cutt.ly", "shorturl.at", "tiny.cc", "rb.gy", "bl.ink", "s.id", "lnkd.in", "dlvr.it", "trib.al",
	"t.ly", "v.gd", "qrco.de", "short.io", "shorte.st", "adf.ly", "bc.vc", "soo.gd", "clck.ru", "urlz.fr",
	"x.gd", "tr.im", "snip.ly", "amzn.to", "fb.me", "youtu.be", "wp.me", "po.st",
}

// Shorteners returns the hosts the "shortened" condition treats as URL
// shorteners (a copy; subdomains count too).
func Shorteners() []string { return slices.Clone(shorteners) }

func isShortener(host string) bool {
	for _, d := range shorteners {
		if hostIn(host, d) {
			return true
		}
	}
	return false
}
