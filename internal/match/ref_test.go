package match

// This file freezes the matcher as it was before the speed work on the
// scan (commit f9bc578), renamed with a "ref" prefix, as the reference
// that the differential tests (diff_test.go) compare Matcher with. It
// normalizes with the current textnorm, which its own differential tests
// compare with the frozen normalizer. Do not optimize it.

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/textnorm"
)

// denseBudget caps the dense table, in entries (4 bytes each).
const refDenseBudget = 1 << 24

const refOutFlag = -1 << 31 // sign bit of a transition: the target has output

type refTerm struct {
	id                 int
	n                  int // length of the normalized term, in bytes
	wordStart, wordEnd bool
	// check says that a match needs a look at the text: text is the
	// normalized term, whose "l"s an "i" read from a "1" may stand for,
	// and longs[long0:long1] are the offsets of its letters that must
	// stand for a run of three or more in the text.
	check        bool
	text         string
	long0, long1 int32
}

// maxDoubles caps the doubled letters of one term that are also read as
// a run of three or more: a term has a variant per subset of them.
const refMaxDoubles = 6

// Matcher is a compiled term list. It is safe for concurrent use.
type refMatcher struct {
	norm    textnorm.Normalizer
	terms   []refTerm
	classes [256]uint8
	nc      int32 // number of byte classes
	// dense holds the rows of states 0..nDense-1: for state s and class c,
	// dense[s*nc+c] is the next state's row offset (target*nc), with
	// outFlag set when the target has output. When every state is dense
	// (sparse is false) Scan runs on offsets alone.
	dense  []int32
	nDense int32
	sparse bool
	// Sparse states (ids >= nDense): edges and failure links.
	edgeStart []int32 // per sparse state, into edgeCls/edgeTo; one extra at the end
	edgeCls   []uint8
	edgeTo    []int32
	fail      []int32
	hasOut    []bool
	outStart  []int32 // per state: its own terms are outTerms[outStart[s]:outStart[s+1]]
	outTerms  []int32
	dict      []int32 // next state along failure links with own terms, or -1
	budget    int64   // cap of the dense table, in entries
	maxLen    int     // the longest normalized term, in bytes
	count     int     // the number of terms compiled (terms holds variants)
	longs     []int32 // see term.long0
}

// Normalizer returns the normalizer that terms and texts go through.
func (m *refMatcher) Normalizer() textnorm.Normalizer { return m.norm }

// Len returns the number of terms.
func (m *refMatcher) Len() int { return m.count }

// Compile builds a Matcher for terms, normalized with opts. A term that
// normalizes to nothing (empty, or only spaces and invisible characters) is
// a *cmkit.ValidationError naming it (field "terms[i].text", rule
// "required"); so is a term longer than 1,000 bytes (rule "max_length").
func refCompile(terms []Term, opts textnorm.Options) (*refMatcher, error) {
	return refCompileBudget(terms, opts, refDenseBudget)
}

// compileBudget is Compile with a dense table of at most budget entries.
func refCompileBudget(terms []Term, opts textnorm.Options, budget int64) (*refMatcher, error) {
	m := &refMatcher{norm: textnorm.New(opts), budget: budget, count: len(terms)}
	var buf textnorm.Buffer
	normed := make([]string, 0, len(terms))
	used := [256]bool{}
	for i, t := range terms {
		if len(t.Text) > 1000 {
			return nil, cmkit.Invalid(fmt.Sprintf("terms[%d].text", i), "max_length", "%d bytes, limit 1000", len(t.Text))
		}
		m.norm.Normalize(&buf, t.Text)
		s := refTrimSpace(buf.Text)
		if len(s) == 0 {
			return nil, cmkit.Invalid(fmt.Sprintf("terms[%d].text", i), "required", "%q normalizes to nothing", t.Text)
		}
		lead := len(buf.Text) - len(refTrimLeft(buf.Text))
		for _, c := range s {
			used[c] = true
		}
		first, _ := utf8.DecodeRune(s)
		last, _ := utf8.DecodeLastRune(s)
		normed = m.addVariants(normed, refTerm{id: t.ID, wordStart: t.WholeWord && refIsWord(first), wordEnd: t.WholeWord && refIsWord(last)}, &buf, lead, s)
	}
	// With Leet, an "i" of the text may stand for an "l" of a term: the
	// two share a class, and report tells them apart.
	leet := opts.Leet && (used['i'] || used['l'])
	if leet {
		used['i'], used['l'] = true, false
	}
	nc := 1
	for c := 0; c < 256; c++ {
		if used[c] {
			m.classes[c] = uint8(nc)
			nc++
		}
	}
	if leet {
		m.classes['l'] = m.classes['i']
		for k := range m.terms {
			if t := &m.terms[k]; strings.IndexByte(t.text, 'l') >= 0 {
				t.check = true
			}
		}
	}
	if nc > 256 {
		// 255 distinct bytes plus the class of unused bytes: share one.
		nc = 256
	}
	m.nc = int32(nc)
	m.build(normed)
	return m, nil
}

// addVariants adds the term t, normalized as s (at buf.Text[lead:]), to
// m.terms and normed: with CollapseRepeats, once as it is written and once
// per way of reading some of its doubled letters as a run of three or more
// in the text ("ass" is also "as" with a marked "s"), the first maxDoubles
// of them.
func (m *refMatcher) addVariants(normed []string, t refTerm, buf *textnorm.Buffer, lead int, s []byte) []string {
	var doubles []int // offsets in s of the first letter of each double
	if m.norm.Options().CollapseRepeats {
		for k := 0; k < len(s); {
			r, size := utf8.DecodeRune(s[k:])
			if k+2*size <= len(s) && len(doubles) < refMaxDoubles && unicode.IsLetter(r) &&
				string(s[k+size:k+2*size]) == string(s[k:k+size]) && !buf.Repeated(lead+k) && !buf.Repeated(lead+k+size) {
				doubles = append(doubles, k)
				k += 2 * size
				continue
			}
			k += size
		}
	}
	for mask := 0; mask < 1<<len(doubles); mask++ {
		v := make([]byte, 0, len(s))
		long0 := int32(len(m.longs))
		d := 0
		for k := 0; k < len(s); {
			_, size := utf8.DecodeRune(s[k:])
			if d < len(doubles) && doubles[d] == k {
				if mask&(1<<d) != 0 {
					m.longs = append(m.longs, int32(len(v)))
					v = append(v, s[k:k+size]...)
				} else {
					v = append(v, s[k:k+2*size]...)
				}
				d++
				k += 2 * size
				continue
			}
			if buf.Repeated(lead + k) {
				m.longs = append(m.longs, int32(len(v)))
			}
			v = append(v, s[k:k+size]...)
			k += size
		}
		vt := t
		vt.n, vt.text = len(v), string(v)
		vt.long0, vt.long1 = long0, int32(len(m.longs))
		vt.check = vt.long1 > vt.long0
		m.terms = append(m.terms, vt)
		normed = append(normed, vt.text)
		m.maxLen = max(m.maxLen, len(v))
	}
	return normed
}

func refTrimLeft(b []byte) []byte {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	return b
}

func refTrimSpace(b []byte) []byte {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}

// build makes the automaton of the normalized terms.
func (m *refMatcher) build(normed []string) {
	// Trie, with children as linked lists.
	type node struct {
		child, sibling int32
		cls            uint8
	}
	nodes := []node{{child: -1, sibling: -1}}
	own := [][]int32{nil}
	edges := map[uint64]int32{}
	for ti, s := range normed {
		st := int32(0)
		for i := 0; i < len(s); i++ {
			c := m.classes[s[i]]
			k := uint64(st)<<8 | uint64(c)
			nx, ok := edges[k]
			if !ok {
				nx = int32(len(nodes))
				nodes = append(nodes, node{child: -1, sibling: nodes[st].child, cls: c})
				nodes[st].child = nx
				own = append(own, nil)
				edges[k] = nx
			}
			st = nx
		}
		own[st] = append(own[st], int32(ti))
	}
	n := int32(len(nodes))

	// Breadth-first order, so that the dense states are the shallow ones.
	order := make([]int32, 0, n)
	newID := make([]int32, n)
	order = append(order, 0)
	for i := 0; i < len(order); i++ {
		for c := nodes[order[i]].child; c >= 0; c = nodes[c].sibling {
			newID[c] = int32(len(order))
			order = append(order, c)
		}
	}
	nc := m.nc
	nDense := n
	if int64(n)*int64(nc) > m.budget {
		nDense = int32(max(1, m.budget/int64(nc)))
	}
	m.nDense = nDense
	m.sparse = nDense < n
	m.dense = make([]int32, int64(nDense)*int64(nc))
	m.fail = make([]int32, n)
	m.hasOut = make([]bool, n)
	m.dict = make([]int32, n)
	m.outStart = make([]int32, n+1)
	for i, old := range order {
		m.outStart[i] = int32(len(m.outTerms))
		m.outTerms = append(m.outTerms, own[old]...)
	}
	m.outStart[n] = int32(len(m.outTerms))
	m.edgeStart = make([]int32, n-nDense+1)
	if m.sparse {
		for i := nDense; i < n; i++ {
			m.edgeStart[i-nDense] = int32(len(m.edgeCls))
			for c := nodes[order[i]].child; c >= 0; c = nodes[c].sibling {
				m.edgeCls = append(m.edgeCls, nodes[c].cls)
				m.edgeTo = append(m.edgeTo, newID[c])
			}
		}
		m.edgeStart[n-nDense] = int32(len(m.edgeCls))
	}

	// Failure links and dense rows, breadth first.
	m.dict[0] = -1
	for i := int32(0); i < n; i++ {
		old := order[i]
		f := m.fail[i]
		if i > 0 {
			m.hasOut[i] = m.outStart[i+1] > m.outStart[i] || m.hasOut[f]
			if m.outStart[f+1] > m.outStart[f] {
				m.dict[i] = f
			} else {
				m.dict[i] = m.dict[f]
			}
		}
		if i < nDense {
			row := m.dense[int64(i)*int64(nc) : int64(i+1)*int64(nc)]
			if i == 0 {
				for c := range row {
					row[c] = 0
				}
			} else {
				for c := range row {
					row[c] = m.next(f, uint8(c))
				}
			}
		}
		for c := nodes[old].child; c >= 0; c = nodes[c].sibling {
			child := newID[c]
			if i == 0 {
				m.fail[child] = 0
			} else {
				m.fail[child] = m.next(f, nodes[c].cls)
			}
			if i < nDense {
				m.dense[int64(i)*int64(nc)+int64(nodes[c].cls)] = child
			}
		}
	}
	// Mark targets with output.
	for k, t := range m.dense {
		if m.hasOut[t] {
			m.dense[k] = t | refOutFlag
		}
	}
	if !m.sparse {
		for k, t := range m.dense {
			m.dense[k] = (t&^refOutFlag)*nc | t&refOutFlag
		}
	}
}

// next returns the state after s on class c (state ids, no flags), during
// the build (before dense entries hold offsets).
func (m *refMatcher) next(s int32, c uint8) int32 {
	for {
		if s < m.nDense {
			return m.dense[int64(s)*int64(m.nc)+int64(c)] &^ refOutFlag
		}
		e := s - m.nDense
		for k := m.edgeStart[e]; k < m.edgeStart[e+1]; k++ {
			if m.edgeCls[k] == c {
				return m.edgeTo[k]
			}
		}
		s = m.fail[s]
	}
}

// Find normalizes text into buf and appends every occurrence of every term
// to dst. buf is the caller's scratch space: reuse one per goroutine.
func (m *refMatcher) Find(dst []Match, buf *textnorm.Buffer, text string) []Match {
	m.norm.Normalize(buf, text)
	return m.Scan(dst, buf)
}

// Scan appends to dst every occurrence of every term in the text
// normalized into buf (by m.Normalizer()).
func (m *refMatcher) Scan(dst []Match, buf *textnorm.Buffer) []Match {
	from := len(dst)
	if !m.sparse {
		dst = m.scanDense(dst, buf)
	} else {
		dst = m.scanSparse(dst, buf, buf.Text, nil)
	}
	if jt, at := buf.Joined(); len(jt) > 0 {
		plain := len(dst)
		if !m.sparse {
			dst = m.scanJoined(dst, buf, jt, at)
		} else {
			dst = m.scanSparse(dst, buf, jt, at)
		}
		// Put the matches in joined words in order among the others.
		for k := plain; k < len(dst); k++ {
			for j := k; j > from && dst[j-1].NormEnd > dst[j].NormEnd; j-- {
				dst[j-1], dst[j] = dst[j], dst[j-1]
			}
		}
	}
	return dst
}

// scanJoined scans the joined words of buf with the dense table.
func (m *refMatcher) scanJoined(dst []Match, buf *textnorm.Buffer, text []byte, at []int32) []Match {
	dense, nc, classes := m.dense, m.nc, &m.classes
	s := int32(0)
	for i := 0; i < len(text); i++ {
		v := dense[s+int32(classes[text[i]])]
		s = v &^ refOutFlag
		if v < 0 {
			dst = m.reportIn(dst, buf, text, at, s/nc, i+1)
		}
	}
	return dst
}

// scanSparse scans text (buf.Text, or its joined words with their indexes
// at) along edges and failure links.
func (m *refMatcher) scanSparse(dst []Match, buf *textnorm.Buffer, text []byte, at []int32) []Match {
	s := int32(0)
	for i := 0; i < len(text); i++ {
		c := m.classes[text[i]]
		for {
			if s < m.nDense {
				s = m.dense[s*m.nc+int32(c)] &^ refOutFlag
				break
			}
			e := s - m.nDense
			found := int32(-1)
			for k := m.edgeStart[e]; k < m.edgeStart[e+1]; k++ {
				if m.edgeCls[k] == c {
					found = m.edgeTo[k]
					break
				}
			}
			if found >= 0 {
				s = found
				break
			}
			s = m.fail[s]
		}
		if m.hasOut[s] {
			dst = m.reportIn(dst, buf, text, at, s, i+1)
		}
	}
	return dst
}

// scanDense scans with the dense table alone. A long text is scanned as
// four parts at once, each part but the first starting early enough (the
// longest term's length) to see every match that ends in it: four
// independent chains of table lookups keep the processor busy where one
// would wait on each lookup. Matches of the later parts wait in small
// buffers on the stack so that all are reported in order; a part whose
// buffer fills up finishes on its own afterwards.
func (m *refMatcher) scanDense(dst []Match, buf *textnorm.Buffer) []Match {
	text := buf.Text
	n := len(text)
	if n < refInterleaveMin || n < 8*m.maxLen {
		dst, _ = m.scanRange(dst, buf, 0, 0, n, 0)
		return dst
	}
	q := n / 4
	var starts, bounds [4]int // where each chain starts scanning; where its own part starts
	for k := range starts {
		bounds[k] = k * q
		starts[k] = max(bounds[k]-(m.maxLen-1), 0)
	}
	starts[0] = 0
	dense, nc, classes := m.dense, m.nc, &m.classes
	t0 := text[starts[0] : starts[0]+q]
	t1 := text[starts[1] : starts[1]+q]
	t2 := text[starts[2] : starts[2]+q]
	t3 := text[starts[3] : starts[3]+q]
	pend := [3]refPending{{lost: -1}, {lost: -1}, {lost: -1}}
	var st [4]int32
	s0, s1, s2, s3 := int32(0), int32(0), int32(0), int32(0)
	i := 0
	for ; i < len(t0); i++ {
		v0 := dense[s0+int32(classes[t0[i]])]
		v1 := dense[s1+int32(classes[t1[i]])]
		v2 := dense[s2+int32(classes[t2[i]])]
		v3 := dense[s3+int32(classes[t3[i]])]
		s0, s1, s2, s3 = v0&^refOutFlag, v1&^refOutFlag, v2&^refOutFlag, v3&^refOutFlag
		if v0|v1|v2|v3 >= 0 {
			continue
		}
		if v0 < 0 {
			dst = m.report(dst, buf, s0/nc, i+1)
		}
		full := false
		for k, v := range [3]int32{v1, v2, v3} {
			if v < 0 && starts[k+1]+i >= bounds[k+1] {
				s := [3]int32{s1, s2, s3}[k]
				if !pend[k].add(int32(starts[k+1]+i+1), s/nc) {
					full = true
				}
			}
		}
		if full {
			i++
			break
		}
	}
	st[0], st[1], st[2], st[3] = s0, s1, s2, s3
	for k := 0; k < 4; k++ {
		if k > 0 {
			p := &pend[k-1]
			for _, e := range p.buf[:p.n] {
				dst = m.report(dst, buf, e.state, int(e.end))
			}
			if p.lost >= 0 {
				dst = m.report(dst, buf, p.lostState, int(p.lost))
			}
		}
		end := n
		if k < 3 {
			end = bounds[k+1]
		}
		dst, _ = m.scanRange(dst, buf, st[k], starts[k]+i, end, bounds[k]+1)
	}
	return dst
}

// interleaveMin is the shortest text scanDense scans as four parts. On a
// shorter one the chains would spend too much of their length re-reading
// the bytes before their part (up to the longest term's length).
const refInterleaveMin = 256

// pending holds the matches a later part found before the earlier parts
// were reported.
type refPending struct {
	buf       [64]struct{ end, state int32 }
	n         int
	lost      int32 // a match that did not fit (its end), or -1
	lostState int32
}

// add records a match; when the buffer is full it keeps it aside and
// reports false, and the scan stops interleaving.
func (p *refPending) add(end, state int32) bool {
	if p.n < len(p.buf) {
		p.buf[p.n].end, p.buf[p.n].state = end, state
		p.n++
		return true
	}
	p.lost, p.lostState = end, state
	return false
}

// scanRange scans text[from:to] from the state at row offset s, reporting
// the matches that end at minEnd or later, and returns the final state.
func (m *refMatcher) scanRange(dst []Match, buf *textnorm.Buffer, s int32, from, to, minEnd int) ([]Match, int32) {
	dense, nc, classes := m.dense, m.nc, &m.classes
	text := buf.Text[:to]
	for i := from; i < len(text); i++ {
		v := dense[s+int32(classes[text[i]])]
		s = v &^ refOutFlag
		if v < 0 && i+1 >= minEnd {
			dst = m.report(dst, buf, s/nc, i+1)
		}
	}
	return dst, s
}

// report appends the terms that end at state s, at end in buf.Text, that
// keep their conditions.
func (m *refMatcher) report(dst []Match, buf *textnorm.Buffer, s int32, end int) []Match {
	return m.reportIn(dst, buf, buf.Text, nil, s, end)
}

// reportIn appends the terms that end at state s, at end in text, that
// keep their whole-word and whole-character conditions and those of
// check. text is buf.Text (at is nil) or its joined words, whose bytes
// come from buf.Text[at[k]]; a match there must cover whole chunks and
// span a separator, and is reported with its span in buf.Text.
func (m *refMatcher) reportIn(dst []Match, buf *textnorm.Buffer, text []byte, at []int32, s int32, end int) []Match {
	if m.outStart[s+1] == m.outStart[s] {
		s = m.dict[s]
	}
	for ; s > 0; s = m.dict[s] {
		for _, ti := range m.outTerms[m.outStart[s]:m.outStart[s+1]] {
			t := &m.terms[ti]
			start := end - t.n
			if t.wordStart && start > 0 {
				if r, _ := utf8.DecodeLastRune(text[:start]); refIsWord(r) {
					continue
				}
			}
			if t.wordEnd && end < len(text) {
				if r, _ := utf8.DecodeRune(text[end:]); refIsWord(r) {
					continue
				}
			}
			ns, ne := start, end
			if at != nil {
				if !refChunks(at, start, end) {
					continue
				}
				ns, ne = int(at[start]), int(at[end-1])+1
			}
			if !buf.Whole(ns, ne) || t.check && !m.check(t, buf, text, at, start) {
				continue
			}
			os, oe := buf.Span(ns, ne)
			dst = append(dst, Match{ID: t.id, Start: os, End: oe, NormStart: ns, NormEnd: ne})
		}
	}
	return dst
}

// chunks reports whether text[start:end] of the joined words with
// indexes at covers whole chunks of one word and spans a separator.
func refChunks(at []int32, start, end int) bool {
	if start > 0 && at[start-1] >= 0 && at[start] == at[start-1]+1 ||
		end < len(at) && at[end] >= 0 && at[end] == at[end-1]+1 {
		return false
	}
	cut := false
	for k := start; k < end; k++ {
		if at[k] < 0 {
			return false
		}
		if k > start && at[k] != at[k-1]+1 {
			cut = true
		}
	}
	return cut
}

// check reports whether the term t, matched at text[start:], keeps the
// conditions the automaton does not see: an "i" of the text where t has
// an "l" was read from a "1", and the letters of t that stand for a run
// of three or more are marked so in buf.
func (m *refMatcher) check(t *refTerm, buf *textnorm.Buffer, text []byte, at []int32, start int) bool {
	pos := func(k int) int {
		if at != nil {
			return int(at[k])
		}
		return k
	}
	for k := 0; k < t.n; k++ {
		if c := text[start+k]; c != t.text[k] && !(c == 'i' && t.text[k] == 'l' && buf.Ambiguous(pos(start+k))) {
			return false
		}
	}
	for _, o := range m.longs[t.long0:t.long1] {
		if !buf.Repeated(pos(start + int(o))) {
			return false
		}
	}
	return true
}

func refIsWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
