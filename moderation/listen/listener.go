package listen

import (
	"fmt"
	"math/bits"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/match"
	"github.com/cmkit/cmkit/internal/textnorm"
)

// Side says whose conversation a saved query tracks, for share of voice:
// the brand's own, a competitor's, or neither (the zero Side: a topic).
type Side string

// The sides.
const (
	SideBrand      Side = "brand"
	SideCompetitor Side = "competitor"
)

// SavedQuery is a listening query as a community manager saves it.
type SavedQuery struct {
	// ID names the query in counts and shares: letters, digits, '.', '_'
	// and '-', at most 64 bytes, unique among the queries of a Listener.
	ID string `json:"id"`
	// Name is what people read ("Acme, all products"); optional.
	Name string `json:"name,omitempty"`
	// Query is the query text (see the package documentation).
	Query string `json:"query"`
	// Side labels the query as the brand's or a competitor's; optional.
	Side Side `json:"side,omitempty"`
}

// Option configures Compile.
type Option func(*config)

type config struct {
	platformOf func(channelID string) cmkit.Platform
	errs       []error
}

// WithChannels tells the Listener the platform of each channel, for the
// platform: filter: fn returns the platform of a channel ID (the empty
// Platform when it does not know it). Match calls fn at most once per
// mention, only when a platform: filter is read, and from as many
// goroutines as call Match. Without it, a mention's platform is unknown
// and platform: filters never hold.
func WithChannels(fn func(channelID string) cmkit.Platform) Option {
	return func(c *config) {
		if fn == nil {
			c.errs = append(c.errs, cmkit.Invalid("WithChannels", "required", "a nil function"))
		}
		c.platformOf = fn
	}
}

// Listener matches mentions against a set of saved queries. Build one
// with Compile; Match is its one method on the hot path. A Listener is
// immutable and safe for concurrent use; each goroutine brings its own
// Matches.
type Listener struct {
	queries []SavedQuery
	byID    map[string]int
	matcher *match.Matcher
	prefix  []bool   // by atom: a wildcard, whole word at its start only
	texts   []string // by atom: its normalized text
	atomQ   []int32  // queries that need atom a: atomQ[atomQAt[a]:atomQAt[a+1]]
	atomQAt []int32
	code    []instr // the queries' programs
	starts  []int32 // by query: where its program starts in code
	nears   []cnear
	// direct marks the queries that are a term or an OR of terms: found
	// a term, they match, without an evaluation.
	direct []bool
	// sieves, by query: atoms one of which each a mention must have for
	// the query to hold, checked before its program is run.
	sieves []sieve
	vals   []string
	cfg    config
}

// A query is compiled into a program of a few instructions that work
// on one boolean register, r: a term or a filter sets it, a NOT flips
// it, and the operands of AND and OR are joined by conditional jumps,
// so that "a AND b" is "r = a; if !r goto end; r = b; end:" and reading
// stops as soon as the result is known. Running one is a loop with no
// call and no stack, where a tree walk made a call per node.
type instr struct {
	op  iop
	arg int32
	to  int32 // iAtomJz, iAtomJnz: where to go
}

type iop uint8

const (
	iAtom     iop = iota // r = atom arg found
	iLang                // r = the mention's language is vals[arg]
	iPlatform            // r = its platform is vals[arg]
	iChannel             // r = its channel is vals[arg]
	iNear                // r = nears[arg] holds
	iNot                 // r = !r
	iJz                  // if !r, go to arg
	iJnz                 // if r, go to arg
	iAtomJz              // iAtom then iJz to to
	iAtomJnz             // iAtom then iJnz to to
	iRet                 // the result is r
)

// cnear is a NEAR: an atom of left and one of right within n words.
type cnear struct {
	left, right []int32
	n           int
}

// Compile parses every query and builds a Listener: every term and
// phrase of every query goes into one automaton. An error wraps
// cmkit.ErrInvalid and names the query by its index: a
// *QuerySyntaxError for the query text ("queries[3].query", with the
// column), a *cmkit.ValidationError for the other fields.
func Compile(qs []SavedQuery, opts ...Option) (*Listener, error) {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.errs) > 0 {
		return nil, cfg.errs[0]
	}
	l := &Listener{queries: slices.Clone(qs), byID: make(map[string]int, len(qs)), cfg: cfg}
	c := compiler{l: l, atomIdx: map[string]int32{}}
	trees := make([]*expr, len(qs))
	for i, q := range qs {
		p := fmt.Sprintf("queries[%d]", i)
		if err := checkID(p+".id", q.ID); err != nil {
			return nil, err
		}
		if j, dup := l.byID[q.ID]; dup {
			return nil, cmkit.Invalid(p+".id", "duplicate", "%q is also the ID of queries[%d]", q.ID, j)
		}
		l.byID[q.ID] = i
		if len(q.Name) > MaxTermLen || !utf8.ValidString(q.Name) {
			return nil, cmkit.Invalid(p+".name", "format", "at most %d bytes of UTF-8", MaxTermLen)
		}
		if q.Side != "" && q.Side != SideBrand && q.Side != SideCompetitor {
			return nil, cmkit.Invalid(p+".side", "unknown", "%q: use %q, %q or nothing", q.Side, SideBrand, SideCompetitor)
		}
		e, err := parse(q.Query, p+".query")
		if err != nil {
			return nil, err
		}
		trees[i] = e
		l.starts = append(l.starts, int32(len(l.code)))
		c.emit(e)
		l.code = append(l.code, instr{op: iRet})
		thread(l.code[l.starts[i]:], l.starts[i])
		l.direct = append(l.direct, e.atom() || e.op == opOr && e.nearOperand())
		for _, a := range c.positive(e, true, nil) {
			c.pop[a]++
		}
		l.sieves = append(l.sieves, c.sieve(e))
	}
	// Each query is evaluated only when one of its trigger atoms is
	// found (see trigger).
	atomQs := make([][]int32, len(c.terms))
	for i, e := range trees {
		tr, ok := c.trigger(e)
		if !ok {
			tr = c.positive(e, true, nil)
		}
		for _, a := range tr {
			if n := len(atomQs[a]); n == 0 || atomQs[a][n-1] != int32(i) {
				atomQs[a] = append(atomQs[a], int32(i))
			}
		}
	}
	for _, qs := range atomQs {
		l.atomQAt = append(l.atomQAt, int32(len(l.atomQ)))
		l.atomQ = append(l.atomQ, qs...)
	}
	l.atomQAt = append(l.atomQAt, int32(len(l.atomQ)))
	m, err := match.Compile(c.terms, textnorm.Options{})
	if err != nil {
		return nil, err // unreachable: parse checked every term
	}
	l.matcher = m
	return l, nil
}

// checkID checks a query ID.
func checkID(field, s string) error {
	if s == "" {
		return cmkit.Invalid(field, "required", "a query needs an ID")
	}
	if len(s) > 64 {
		return cmkit.Invalid(field, "max_length", "%q is longer than 64 bytes", s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c < utf8.RuneSelf && asciiWord[c] || c == '.' || c == '_' || c == '-') {
			return cmkit.Invalid(field, "format", "%q: use letters, digits, '.', '_' and '-'", s)
		}
	}
	return nil
}

// compiler turns parsed queries into the programs of one Listener.
type compiler struct {
	l       *Listener
	atomIdx map[string]int32 // by kind and normalized text
	terms   []match.Term
	pop     []int // by atom: how many times queries need it (see positive)
}

// atom returns the index of the atom of the term or phrase e.
func (c *compiler) atom(e *expr) int32 {
	norm := strings.Trim(plain.String(e.text), " ")
	key := "w" + norm
	if e.prefix {
		key = "p" + norm
	}
	if a, ok := c.atomIdx[key]; ok {
		return a
	}
	a := int32(len(c.terms))
	c.atomIdx[key] = a
	c.terms = append(c.terms, match.Term{ID: int(a), Text: norm, WholeWord: !e.prefix})
	c.pop = append(c.pop, 0)
	c.l.prefix = append(c.l.prefix, e.prefix)
	c.l.texts = append(c.l.texts, norm)
	return a
}

// cost ranks the operands of AND and OR, cheapest first: a bit or a
// string compare, then NOTs and groups, then NEARs, which look at
// positions.
func cost(e *expr) int {
	switch e.op {
	case opNear:
		return 16
	case opNot:
		return cost(e.kids[0])
	case opAnd, opOr:
		n := 0
		for _, k := range e.kids {
			n += cost(k)
		}
		return n
	}
	return 1
}

// emit appends the program of e to l.code.
func (c *compiler) emit(e *expr) {
	l := c.l
	switch e.op {
	case opTerm, opPhrase:
		l.code = append(l.code, instr{op: iAtom, arg: c.atom(e)})
	case opLang, opPlatform, opChannel:
		o := map[op]iop{opLang: iLang, opPlatform: iPlatform, opChannel: iChannel}[e.op]
		l.code = append(l.code, instr{op: o, arg: int32(len(l.vals))})
		l.vals = append(l.vals, e.text)
	case opNot:
		c.emit(e.kids[0])
		l.code = append(l.code, instr{op: iNot})
	case opAnd, opOr:
		kids := slices.Clone(e.kids)
		slices.SortStableFunc(kids, func(x, y *expr) int { return cost(x) - cost(y) })
		jump := iJz // AND: false ends it
		if e.op == opOr {
			jump = iJnz // OR: true ends it
		}
		// An operand but the last is followed by the jump out, fused
		// with it when it is a term.
		var jumps []int
		for i, k := range kids {
			if i == len(kids)-1 {
				c.emit(k)
				break
			}
			if k.atom() {
				fused := iAtomJz
				if jump == iJnz {
					fused = iAtomJnz
				}
				jumps = append(jumps, len(l.code))
				l.code = append(l.code, instr{op: fused, arg: c.atom(k)})
				continue
			}
			c.emit(k)
			jumps = append(jumps, len(l.code))
			l.code = append(l.code, instr{op: jump})
		}
		for _, j := range jumps {
			if l.code[j].op == jump {
				l.code[j].arg = int32(len(l.code))
			} else {
				l.code[j].to = int32(len(l.code))
			}
		}
	case opNear:
		left, right := c.operand(e.kids[0]), c.operand(e.kids[1])
		l.code = append(l.code, instr{op: iNear, arg: int32(len(l.nears))})
		l.nears = append(l.nears, cnear{left, right, e.n})
	}
}

// thread makes the jumps of a program (whose first instruction is at
// base in l.code) that land on a plain jump decided by the same value of
// r go where that one goes: after an OR's operand is found true, the
// jump that ends the OR lands on the jump out of an AND, taken too.
func thread(code []instr, base int32) {
	for k := range code {
		in := &code[k]
		var target *int32
		var when bool // the value of r when the jump is taken
		switch in.op {
		case iJz, iJnz:
			target, when = &in.arg, in.op == iJnz
		case iAtomJz, iAtomJnz:
			target, when = &in.to, in.op == iAtomJnz
		default:
			continue
		}
		for {
			next := code[*target-base]
			if next.op == iJz && !when || next.op == iJnz && when {
				*target = next.arg // taken as well
			} else if next.op == iJz || next.op == iJnz {
				*target++ // not taken
			} else {
				break
			}
		}
	}
}

// sieve is a necessary condition of a query on the atoms a mention has,
// tested on a signature of them: the bit a&63 of every atom a found. A
// query whose sieve a signature fails cannot match; one whose sieve it
// passes may, and its program decides. The signature has all the bits
// of all, and one of those of each of any (all ones: no condition; a
// mention that has candidates has an atom, a bit).
type sieve struct {
	all uint64
	any [2]uint64
}

// maxNeed bounds the clauses need keeps.
const maxNeed = 16

// sieve returns the sieve of the query e: the atoms it cannot hold
// without (all), and the two most selective of the sets of atoms it
// needs one of (any).
func (c *compiler) sieve(e *expr) sieve {
	sv := sieve{any: [2]uint64{^uint64(0), ^uint64(0)}}
	var anys []uint64
	for _, cl := range c.need(e) {
		var m uint64
		for _, a := range cl {
			m |= 1 << (a & 63)
		}
		if len(cl) == 1 {
			sv.all |= m
			continue
		}
		anys = append(anys, m)
	}
	// A set with a bit of all holds when all does; fewer bits fail more.
	anys = slices.DeleteFunc(anys, func(m uint64) bool { return m&sv.all != 0 })
	slices.SortStableFunc(anys, func(x, y uint64) int { return bits.OnesCount64(x) - bits.OnesCount64(y) })
	copy(sv.any[:], anys)
	return sv
}

// need returns sets of atoms (clauses) such that e holds only on a
// mention that has an atom of each: a necessary condition, of which any
// part is one too, so that it may keep only maxNeed clauses, the
// smallest. NOT and the filters need nothing; an AND needs what each of
// its operands needs; an OR, for every choice of a clause of each
// operand, one of the atoms of them all.
func (c *compiler) need(e *expr) [][]int32 {
	var out [][]int32
	switch e.op {
	case opTerm, opPhrase:
		out = [][]int32{{c.atom(e)}}
	case opNear:
		out = [][]int32{c.operand(e.kids[0]), c.operand(e.kids[1])}
	case opAnd:
		for _, k := range e.kids {
			out = append(out, c.need(k)...)
		}
	case opOr:
		out = c.need(e.kids[0])
		for _, k := range e.kids[1:] {
			var next [][]int32
			for _, x := range out {
				for _, y := range c.need(k) {
					u := slices.Clone(x)
					for _, a := range y {
						if !slices.Contains(u, a) {
							u = append(u, a)
						}
					}
					next = append(next, u)
				}
			}
			out = next
			if len(out) == 0 {
				break // an operand needs nothing: nor does the OR
			}
			slices.SortStableFunc(out, func(x, y []int32) int { return len(x) - len(y) })
			out = out[:min(len(out), maxNeed)]
		}
	}
	slices.SortStableFunc(out, func(x, y []int32) int { return len(x) - len(y) })
	return out[:min(len(out), maxNeed)]
}

// operand returns the atoms of a side of NEAR.
func (c *compiler) operand(e *expr) []int32 {
	if e.op != opOr {
		return []int32{c.atom(e)}
	}
	var out []int32
	for _, k := range e.kids {
		if a := c.atom(k); !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// trigger returns atoms one of which a mention must have for e to hold,
// or false when it finds none (a NOT, a filter: then the atoms that
// positive returns serve). An OR needs one of the atoms of each of its
// operands; an AND and a NEAR, those of one of their operands, the one
// whose atoms the fewest queries need: a proxy for the rarest in texts,
// since the words that many queries name (the brands) are the words the
// conversation is about.
func (c *compiler) trigger(e *expr) ([]int32, bool) {
	switch e.op {
	case opTerm, opPhrase:
		return []int32{c.atom(e)}, true
	case opOr:
		var all []int32
		for _, k := range e.kids {
			t, ok := c.trigger(k)
			if !ok {
				return nil, false
			}
			all = append(all, t...)
		}
		return all, true
	case opAnd, opNear:
		var best []int32
		bestCost := -1
		for _, k := range e.kids {
			t, ok := c.trigger(k)
			if !ok {
				continue
			}
			n := 0
			for _, a := range t {
				n += c.pop[a]
			}
			if bestCost < 0 || n < bestCost {
				best, bestCost = t, n
			}
		}
		return best, bestCost >= 0
	}
	return nil, false
}

// positive appends to dst the atoms of e that appear under an even
// number of NOTs when pos, an odd one when not.
func (c *compiler) positive(e *expr, pos bool, dst []int32) []int32 {
	switch e.op {
	case opTerm, opPhrase:
		if pos {
			dst = append(dst, c.atom(e))
		}
	case opNear:
		if pos {
			dst = append(dst, c.operand(e.kids[0])...)
			dst = append(dst, c.operand(e.kids[1])...)
		}
	case opNot:
		dst = c.positive(e.kids[0], !pos, dst)
	case opAnd, opOr:
		for _, k := range e.kids {
			dst = c.positive(k, pos, dst)
		}
	}
	return dst
}

// Len returns the number of queries.
func (l *Listener) Len() int { return len(l.queries) }

// Query returns the query at index i (0 <= i < Len()), as given to
// Compile.
func (l *Listener) Query(i int) SavedQuery { return l.queries[i] }

// Index returns the index of the query with the given ID, and whether
// there is one.
func (l *Listener) Index(id string) (int, bool) {
	i, ok := l.byID[id]
	return i, ok
}

// Matches receives the queries a mention matched, and holds the scratch
// space of a Match call. Reuse one per goroutine: after the first calls,
// Match allocates nothing. The zero value is ready to use.
type Matches struct {
	// Queries are the indexes, in the slice given to Compile, of the
	// queries the mention matched, in increasing order.
	Queries []int
	s       scratch
}

type scratch struct {
	buf     textnorm.Buffer
	ms      []match.Match
	atomHit []uint64 // bit set of atoms found
	cand    []uint64 // bit set of queries to evaluate
	sig     uint64   // signature of the atoms found (see sieve)
	// Filled on demand: the mention's platform.
	platform    cmkit.Platform
	platformSet bool
}

// Match fills dst.Queries with the queries that m matches. It normalizes
// m.Text once, scans it once for every term and phrase of every query,
// and evaluates only the queries one of whose trigger terms it found
// (see the package documentation, # Cost).
func (l *Listener) Match(dst *Matches, m cmkit.Mention) {
	dst.Queries = dst.Queries[:0]
	s := &dst.s
	s.platformSet = false
	s.ms = l.matcher.Find(s.ms[:0], &s.buf, m.Text)
	if len(s.ms) == 0 {
		return
	}
	s.atomHit = resize(s.atomHit, len(l.prefix))
	s.cand = resize(s.cand, len(l.queries))
	text := s.buf.Text
	k := 0
	var sig uint64
	for _, x := range s.ms {
		if l.prefix[x.ID] && wordBefore(text, x.NormStart) {
			continue // a wildcard's match must start a word
		}
		s.ms[k] = x
		k++
		w, bit := x.ID>>6, uint64(1)<<(x.ID&63)
		if s.atomHit[w]&bit != 0 {
			continue
		}
		s.atomHit[w] |= bit
		sig |= bit
		for _, q := range l.atomQ[l.atomQAt[x.ID]:l.atomQAt[x.ID+1]] {
			s.cand[q>>6] |= 1 << (q & 63)
		}
	}
	s.ms = s.ms[:k]
	s.sig = sig
	l.runCandidates(dst, &m)
}

// resize returns b with room for n bits, all clear.
func resize(b []uint64, n int) []uint64 {
	w := (n + 63) >> 6
	if cap(b) < w {
		return make([]uint64, w)
	}
	b = b[:w]
	clear(b)
	return b
}

// runCandidates appends to dst.Queries the candidate queries (dst.s.cand)
// that match: the direct ones, and those whose sieve the mention passes
// and whose program (see instr) ends with r true. The programs run
// inline, without a call each.
func (l *Listener) runCandidates(dst *Matches, m *cmkit.Mention) {
	s := &dst.s
	code, hits, sig := l.code, s.atomHit, s.sig
	for w, set := range s.cand {
		for set != 0 {
			q := w<<6 | bits.TrailingZeros64(set)
			set &= set - 1
			if l.direct[q] {
				dst.Queries = append(dst.Queries, q)
				continue
			}
			if sv := &l.sieves[q]; sig&sv.all != sv.all || sig&sv.any[0] == 0 || sig&sv.any[1] == 0 {
				continue
			}
			pc, r := l.starts[q], false
		program:
			for {
				in := code[pc]
				pc++
				switch in.op {
				case iAtom:
					r = hits[in.arg>>6]&(1<<(in.arg&63)) != 0
				case iJz:
					if !r {
						pc = in.arg
					}
				case iJnz:
					if r {
						pc = in.arg
					}
				case iAtomJz:
					if r = hits[in.arg>>6]&(1<<(in.arg&63)) != 0; !r {
						pc = in.to
					}
				case iAtomJnz:
					if r = hits[in.arg>>6]&(1<<(in.arg&63)) != 0; r {
						pc = in.to
					}
				case iNot:
					r = !r
				case iRet:
					break program
				case iNear:
					r = s.near(&l.nears[in.arg])
				case iLang:
					r = langIs(m.Language, l.vals[in.arg])
				case iPlatform:
					if !s.platformSet {
						s.platform, s.platformSet = "", true
						if l.cfg.platformOf != nil {
							s.platform = l.cfg.platformOf(m.ChannelID)
						}
					}
					r = string(s.platform) == l.vals[in.arg]
				case iChannel:
					r = m.ChannelID == l.vals[in.arg]
				}
			}
			if r {
				dst.Queries = append(dst.Queries, q)
			}
		}
	}
}

// hit reports whether atom a was found.
func (s *scratch) hit(a int32) bool { return s.atomHit[a>>6]&(1<<(a&63)) != 0 }

// langIs reports whether the language tag tag is lang (lower case) or
// one of its variants: "es-MX" is "es".
// lang is ASCII (langtag.Valid), so that a byte of tag that is not
// cannot equal its byte even in another case: the comparison is bytewise.
func langIs(tag, lang string) bool {
	if len(tag) < len(lang) {
		return false
	}
	for i := 0; i < len(lang); i++ {
		if c, l := tag[i], lang[i]; c != l && (c|0x20 != l || l < 'a' || l > 'z') {
			return false
		}
	}
	return len(tag) == len(lang) || tag[len(lang)] == '-' || tag[len(lang)] == '_'
}

// near reports whether an occurrence of an atom of one side of the NEAR
// nd has at most nd.n words between it and an occurrence of an atom
// of the other side, the two sharing no word.
func (s *scratch) near(nd *cnear) bool {
	left, right := nd.left, nd.right
	if !s.anyHit(left) || !s.anyHit(right) {
		return false
	}
	t := s.buf.Text
	for _, x := range s.ms {
		if !slices.Contains(left, int32(x.ID)) {
			continue
		}
		for _, y := range s.ms {
			if slices.Contains(right, int32(y.ID)) && within(t, x, y, nd.n) {
				return true
			}
		}
	}
	return false
}

// within reports whether the occurrences x and y in the normalized text t
// share no word and have at most n words between them.
func within(t []byte, x, y match.Match, n int) bool {
	if x.NormStart > y.NormStart {
		x, y = y, x
	}
	if x.NormEnd <= y.NormStart {
		return wordStarts(t, x.NormEnd, y.NormStart, n+1) <= n
	}
	// They overlap in t: they share a word if one starts in the overlap
	// (y starts at a word or before one), else nothing is between them.
	return wordStarts(t, y.NormStart, x.NormEnd, 1) == 0
}

func (s *scratch) anyHit(atoms []int32) bool {
	for _, a := range atoms {
		if s.hit(a) {
			return true
		}
	}
	return false
}
