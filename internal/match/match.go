// Package match finds many terms in a text at once: a list of up to
// hundreds of thousands of words and phrases (banned and preferred terms,
// insults, brand names, crisis words) compiled into one Aho–Corasick
// automaton that scans the normalized text once.
//
// # Concepts
//
// Compile normalizes each Term with a textnorm.Normalizer, so that case,
// accents, invisible characters, look-alike letters and (when its Options
// say so) l33t, repeated letters and separated letters do not hide a term.
// The Matcher it returns is immutable and safe for concurrent use.
//
// Find normalizes a text into a caller's textnorm.Buffer and appends every
// occurrence of every term to a caller's slice; Scan does the same for a
// text already normalized into a Buffer. With a reused Buffer and a slice
// with room, neither allocates. Matches are reported in the order they end,
// overlapping ones included, each with the byte span of the original text
// it came from.
//
// A Term may ask for whole words: the characters next to the match, in the
// normalized text, must not be Unicode letters or digits (on the sides
// where the term itself starts or ends with one). So "ana" is not found in
// "mañana" (normalized "manana"), nor "ass" in "class". A match must also
// cover whole characters of the original: "s" is not found inside the
// "ss" of "ß".
//
// # Evasions
//
// With textnorm's Options, a match also reads the text the ways one
// normalized text cannot say alone (TestEvasions shows each):
//
//   - Leet: an "i" read from a "1" (textnorm.Buffer.Ambiguous) matches an
//     "l" of a term too: "he11" is "hell", "1d10t4" is "idiota", but a
//     typed "i" is not an "l" ("heli" is not "hell"). The automaton gives
//     "i" and "l" one byte class, and a match of a term with an "l" is
//     checked byte by byte: no more states, and a check of the term's
//     length for each candidate.
//   - CollapseRepeats: a letter written once for a run of three or more
//     (textnorm.Buffer.Repeated) matches one or two of it in a term:
//     "idiiiiota" is "idiota", "assss" is "ass", "gooowno" is "gówno".
//     A double is a double: "as" is not "ass", "pero" is not "perro" nor
//     "perro" "pero", and "class" and "hello" hold no whole-word "ass" or
//     "hell". Compile adds to the automaton, for each term, a variant per
//     subset of its doubled letters (the first six: at most 64 variants)
//     with those letters written once and required to be marked: the
//     cost is in the automaton's size (a term with d doubles is 2^d
//     variants), and in the scan only a check per candidate.
//   - JoinSyllables: the words of textnorm.Buffer.Joined are scanned
//     after the text. A match there must cover whole chunks of one word
//     and span a separator: "es-ta-fa" is "estafa", "hi-ja-de-pu-ta" holds
//     "puta", but "es-ta-fa-dor" is not the whole word "estafa", and
//     "pu-tas" holds no "puta" (it ends inside a chunk). It is reported
//     with the span of its chunks, separators included, in Text and in
//     the original, among the other matches in the order they end.
//     "e-mail" and "well-known" are never joined (a chunk is one to
//     three letters), nor syllables separated by spaces ("es ta fa").
//
// Len counts the terms given to Compile, not their variants.
//
// # Automaton
//
// The automaton works on bytes of the normalized text. Bytes that occur in
// no term share one class, so a state's row of transitions has one entry
// per distinct byte of the term list (typically 30 to 60), and the rows of
// the shallow states (breadth-first, all of them for lists of tens of
// thousands of terms) form one dense table of precomputed transitions: one
// lookup per byte of text, no failure links followed. States beyond the
// table's budget keep their own edges and fall back along failure links.
//
// With every state dense, the table holds row offsets, those of the
// states with output odd, in a power-of-two length: a step of the scan is
// a load of the byte's class, an add, a mask and a lookup, and whether
// the new state has output its low bit, ORed over blocks of 8 bytes; only
// a block with output is stepped through again. Each byte's lookup
// depends on the previous one, so one scan waits on each lookup most of
// the time. A text of 64 bytes or more is therefore scanned as two parts
// at once, each from the initial state; the first part's scan goes on past
// the border as long as its state is deeper than the distance to it (the
// table keeps each state's depth in its spare bits), and the matches are
// put back in order.
package match

import (
	"fmt"
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/textnorm"
)

// Term is one word or phrase to find.
type Term struct {
	// ID identifies the term in matches; several terms may share one.
	ID int
	// Text is the term as a person writes it; it is normalized like the
	// texts it is looked for in.
	Text string
	// WholeWord finds the term only as a whole word (or whole phrase).
	WholeWord bool
}

// Match is one occurrence of a term.
type Match struct {
	// ID is the matching term's ID.
	ID int
	// Start and End delimit the occurrence in the original text.
	Start, End int
	// NormStart and NormEnd delimit it in the normalized text
	// (textnorm.Buffer.Text; for a match in joined syllables, the chunks
	// and the separators between them).
	NormStart, NormEnd int
}

// denseBudget caps the dense table, in entries (4 bytes each).
const denseBudget = 1 << 24

const outFlag = -1 << 31 // sign bit of a transition: the target has output

type term struct {
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
const maxDoubles = 6

// Matcher is a compiled term list. It is safe for concurrent use.
type Matcher struct {
	norm    textnorm.Normalizer
	terms   []term
	classes [256]uint8
	nc      int32 // number of byte classes
	// dense holds the rows of states 0..nDense-1 of an automaton too big
	// to be all dense (sparse is true): for state s and class c,
	// dense[s*nc+c] is the next state's id, with outFlag set when it has
	// output.
	dense  []int32
	nDense int32
	sparse bool
	// tab is the table of an all-dense automaton (sparse is false),
	// written as row offsets: tab[o+c] is the offset of the row of the
	// state after the one at offset o on class c. The states with output
	// are numbered last, from outFrom. Rows are stride (nc rounded up to
	// even) entries apart; those of the states with output start at odd
	// offsets, from outBase, the others at even ones: an offset's low bit
	// says whether its state has output. len(tab) is 1<<shift, so that an
	// offset plus a class masked by len(tab)-1 needs no bounds check (the
	// padding is never read), and the bits of an entry above shift hold
	// the depth of its state (the length of the text it stands for),
	// saturated at maxDepth.
	tab      []uint32
	shift    uint
	maxDepth uint
	stride   int
	outFrom  int32
	outBase  int
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
func (m *Matcher) Normalizer() textnorm.Normalizer { return m.norm }

// Len returns the number of terms.
func (m *Matcher) Len() int { return m.count }

// Compile builds a Matcher for terms, normalized with opts. A term that
// normalizes to nothing (empty, or only spaces and invisible characters) is
// a *cmkit.ValidationError naming it (field "terms[i].text", rule
// "required"); so is a term longer than 1,000 bytes (rule "max_length").
func Compile(terms []Term, opts textnorm.Options) (*Matcher, error) {
	return compileBudget(terms, opts, denseBudget)
}

// compileBudget is Compile with a dense table of at most budget entries.
func compileBudget(terms []Term, opts textnorm.Options, budget int64) (*Matcher, error) {
	m := &Matcher{norm: textnorm.New(opts), budget: budget, count: len(terms)}
	var buf textnorm.Buffer
	normed := make([]string, 0, len(terms))
	used := [256]bool{}
	for i, t := range terms {
		if len(t.Text) > 1000 {
			return nil, cmkit.Invalid(fmt.Sprintf("terms[%d].text", i), "max_length", "%d bytes, limit 1000", len(t.Text))
		}
		m.norm.Normalize(&buf, t.Text)
		s := trimSpace(buf.Text)
		if len(s) == 0 {
			return nil, cmkit.Invalid(fmt.Sprintf("terms[%d].text", i), "required", "%q normalizes to nothing", t.Text)
		}
		lead := len(buf.Text) - len(trimLeft(buf.Text))
		for _, c := range s {
			used[c] = true
		}
		first, _ := utf8.DecodeRune(s)
		last, _ := utf8.DecodeLastRune(s)
		normed = m.addVariants(normed, term{id: t.ID, wordStart: t.WholeWord && isWord(first), wordEnd: t.WholeWord && isWord(last)}, &buf, lead, s)
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
func (m *Matcher) addVariants(normed []string, t term, buf *textnorm.Buffer, lead int, s []byte) []string {
	var doubles []int // offsets in s of the first letter of each double
	if m.norm.Options().CollapseRepeats {
		for k := 0; k < len(s); {
			r, size := utf8.DecodeRune(s[k:])
			if k+2*size <= len(s) && len(doubles) < maxDoubles && unicode.IsLetter(r) &&
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

func trimLeft(b []byte) []byte {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	return b
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && b[0] == ' ' {
		b = b[1:]
	}
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}

// build makes the automaton of the normalized terms.
func (m *Matcher) build(normed []string) {
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
	depth := make([]int32, n) // by breadth-first id
	order = append(order, 0)
	for i := 0; i < len(order); i++ {
		for c := nodes[order[i]].child; c >= 0; c = nodes[c].sibling {
			newID[c] = int32(len(order))
			depth[len(order)] = depth[i] + 1
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
	if !m.sparse {
		m.renumber(depth)
		return
	}
	// Mark targets with output.
	for k, t := range m.dense {
		if m.hasOut[t] {
			m.dense[k] = t | outFlag
		}
	}
}

// renumber numbers the states of an all-dense automaton anew, those with
// output last (from outFrom), the others in their breadth-first order,
// and writes the dense table as row offsets into tab (see Matcher.tab):
// the scan's chain of lookups is then a load, an add and a mask per byte,
// and whether a state has output its offset's low bit. depth holds the
// states' depths by their breadth-first ids.
func (m *Matcher) renumber(depth []int32) {
	n := int32(len(m.fail))
	nc := m.nc
	order := make([]int32, 0, n)
	newID := make([]int32, n)
	for _, out := range []bool{false, true} {
		if out {
			m.outFrom = int32(len(order))
		}
		for s := int32(0); s < n; s++ {
			if m.hasOut[s] == out {
				newID[s] = int32(len(order))
				order = append(order, s)
			}
		}
	}
	m.stride = int(nc) + int(nc)&1
	m.outBase = int(m.outFrom)*m.stride + 1
	size := m.outBase + int(n-m.outFrom)*m.stride
	m.shift = uint(bits.Len(uint(size - 1)))
	tab := make([]uint32, 1<<m.shift)
	m.maxDepth = min(1<<(32-m.shift)-1, depthCap)
	outStart := make([]int32, n+1)
	outTerms := make([]int32, 0, len(m.outTerms))
	fail, hasOut, dict := make([]int32, n), make([]bool, n), make([]int32, n)
	for i, old := range order {
		o := m.offset(int32(i))
		for c := int32(0); c < nc; c++ {
			to := m.dense[old*nc+c]
			tab[int(o)+int(c)] = m.offset(newID[to]) | uint32(min(uint(depth[to]), m.maxDepth))<<m.shift
		}
		outStart[i] = int32(len(outTerms))
		outTerms = append(outTerms, m.outTerms[m.outStart[old]:m.outStart[old+1]]...)
		fail[i], hasOut[i], dict[i] = newID[m.fail[old]], m.hasOut[old], -1
		if d := m.dict[old]; d >= 0 {
			dict[i] = newID[d]
		}
	}
	outStart[n] = int32(len(outTerms))
	m.tab, m.dense = tab, nil
	m.outStart, m.outTerms, m.fail, m.hasOut, m.dict = outStart, outTerms, fail, hasOut, dict
}

// depthCap caps the depths in tab below what their bits hold, for tests.
var depthCap uint = 1 << 31

// offset returns the offset in tab of the row of state s.
func (m *Matcher) offset(s int32) uint32 {
	if s < m.outFrom {
		return uint32(int(s) * m.stride)
	}
	return uint32(m.outBase + int(s-m.outFrom)*m.stride)
}

// state returns the state whose row is at offset o in tab (an entry of
// tab: its depth bits are ignored).
func (m *Matcher) state(o uint) int32 {
	o &= uint(len(m.tab) - 1)
	if o&1 == 0 {
		return int32(o / uint(m.stride))
	}
	return m.outFrom + int32((o-uint(m.outBase))/uint(m.stride))
}

// next returns the state after s on class c (state ids, no flags), during
// the build (before dense entries hold offsets).
func (m *Matcher) next(s int32, c uint8) int32 {
	for {
		if s < m.nDense {
			return m.dense[int64(s)*int64(m.nc)+int64(c)] &^ outFlag
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
func (m *Matcher) Find(dst []Match, buf *textnorm.Buffer, text string) []Match {
	m.norm.Normalize(buf, text)
	return m.Scan(dst, buf)
}

// Scan appends to dst every occurrence of every term in the text
// normalized into buf (by m.Normalizer()).
func (m *Matcher) Scan(dst []Match, buf *textnorm.Buffer) []Match {
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
func (m *Matcher) scanJoined(dst []Match, buf *textnorm.Buffer, text []byte, at []int32) []Match {
	tab, classes := m.tab, &m.classes
	if len(tab) == 0 {
		return dst
	}
	mask := uint(len(tab) - 1)
	s := uint(0)
	for i, c := range text {
		s = uint(tab[(s+uint(classes[c]))&mask])
		if s&1 != 0 {
			dst = m.reportIn(dst, buf, text, at, m.state(s), i+1)
		}
	}
	return dst
}

// scanSparse scans text (buf.Text, or its joined words with their indexes
// at) along edges and failure links.
func (m *Matcher) scanSparse(dst []Match, buf *textnorm.Buffer, text []byte, at []int32) []Match {
	s := int32(0)
	for i := 0; i < len(text); i++ {
		c := m.classes[text[i]]
		for {
			if s < m.nDense {
				s = m.dense[s*m.nc+int32(c)] &^ outFlag
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

// The dense scans read the text 8 bytes at a time: a step of a chain of
// lookups is a load of the byte's class, an add, a mask (len(m.tab)-1,
// which spares the bounds check) and a load of the next state's offset,
// ORed into an accumulator. Only a block where the accumulator's low bit
// says that a state had output is stepped through again, to note the
// states with output and where they were reached (hits); the loops that
// do so (run1, run2) make no calls, and the hits are reported after.
//
// Each lookup of a chain waits on the one before, so a text of twoMin
// bytes or more is cut into two parts, scanned at once by independent
// chains, each from the initial state, that keep the processor busy where
// one would wait on each lookup. The second chain does not see the terms
// that begin in the first part: the scan of the first part goes on past
// the border (cross) until its state is no deeper than the distance to
// the border, from where the second chain agrees with it. Should the hits
// of the second part fill up their buffer before the first part is done,
// the parts are finished one after the other.

// scanDense scans with the dense table alone.
func (m *Matcher) scanDense(dst []Match, buf *textnorm.Buffer) []Match {
	var h0 hits
	n := len(buf.Text)
	if n < twoMin {
		dst, _ = m.scanRange(dst, buf, &h0, 0, 0, n)
		return dst
	}
	text := buf.Text
	q := n / 2 &^ 7 // a whole number of blocks
	var h1 hits
	var s0, s1 uint
	i := 0
	for {
		i, s0, s1 = m.run2(text, q, i, s0, s1, &h0, &h1)
		dst = m.flush(dst, buf, &h0, 0)
		if i == q || h1.n > hitsFull {
			break
		}
	}
	// Finish the first part, go on past the border, report the second
	// part's hits from there, and scan the rest from the end of the part
	// of the second chain (or from where the first one got to).
	dst, s := m.scanRange(dst, buf, &h0, s0, i, q)
	dst, s, pos := m.cross(dst, buf, s, q, q)
	dst = m.flush(dst, buf, &h1, pos)
	if pos <= q+i {
		s, pos = s1, q+i
	}
	dst, _ = m.scanRange(dst, buf, &h0, s, pos, n)
	return dst
}

// twoMin is the shortest text scanDense scans as two parts.
const twoMin = 64

// hits are states with output (offsets in tab) a scan reached, and where
// (the end of the match in buf.Text).
type hits struct {
	n int
	h [hitsFull + 8]struct{ end, state uint32 }
}

// hitsFull is the number of hits after which a scan stops (to report
// them): a block adds at most 8.
const hitsFull = 8

// flush reports the hits in h that end after pos, and empties h.
func (m *Matcher) flush(dst []Match, buf *textnorm.Buffer, h *hits, pos int) []Match {
	for _, e := range h.h[:min(h.n, len(h.h))] {
		if int(e.end) > pos {
			dst = m.report(dst, buf, m.state(uint(e.state)), int(e.end))
		}
	}
	h.n = 0
	return dst
}

// run2 steps the chains of text[i:q] and text[q+i:2*q] from states s0
// and s1, 8 bytes at a time, noting their hits in h0 and h1, until the
// end of the parts or until h0 or h1 holds more than hitsFull hits. It
// returns where it stopped (in the first part) and the states there.
func (m *Matcher) run2(text []byte, q, i int, s0, s1 uint, h0, h1 *hits) (int, uint, uint) {
	tab, classes := m.tab, &m.classes
	if len(tab) == 0 {
		return i, s0, s1
	}
	mask := uint(len(tab) - 1)
	t0, t1 := text[i:q], text[q+i:]
	j := 0
	for ; j < len(t0)-7; j += 8 {
		b1 := t1[j : j+8 : j+8]
		var x0, x1 uint
		x0 = uint(tab[(s0+uint(classes[t0[j+0]]))&mask])
		x1 = uint(tab[(s1+uint(classes[b1[0]]))&mask])
		a0 := x0
		a1 := x1
		x0 = uint(tab[(x0+uint(classes[t0[j+1]]))&mask])
		x1 = uint(tab[(x1+uint(classes[b1[1]]))&mask])
		a0 |= x0
		a1 |= x1
		x0 = uint(tab[(x0+uint(classes[t0[j+2]]))&mask])
		x1 = uint(tab[(x1+uint(classes[b1[2]]))&mask])
		a0 |= x0
		a1 |= x1
		x0 = uint(tab[(x0+uint(classes[t0[j+3]]))&mask])
		x1 = uint(tab[(x1+uint(classes[b1[3]]))&mask])
		a0 |= x0
		a1 |= x1
		x0 = uint(tab[(x0+uint(classes[t0[j+4]]))&mask])
		x1 = uint(tab[(x1+uint(classes[b1[4]]))&mask])
		a0 |= x0
		a1 |= x1
		x0 = uint(tab[(x0+uint(classes[t0[j+5]]))&mask])
		x1 = uint(tab[(x1+uint(classes[b1[5]]))&mask])
		a0 |= x0
		a1 |= x1
		x0 = uint(tab[(x0+uint(classes[t0[j+6]]))&mask])
		x1 = uint(tab[(x1+uint(classes[b1[6]]))&mask])
		a0 |= x0
		a1 |= x1
		x0 = uint(tab[(x0+uint(classes[t0[j+7]]))&mask])
		x1 = uint(tab[(x1+uint(classes[b1[7]]))&mask])
		a0 |= x0
		a1 |= x1
		if (a0|a1)&1 != 0 {
			// Step through the block again, noting the hits.
			// Every state is written, and kept (n counts it) if it has
			// output: no branch on the output, which hits mispredict.
			// Both n are at most hitsFull here, so that the block's
			// eight fit.
			x0, x1 = s0, s1
			for k := 0; k < 8; k++ {
				x0 = uint(tab[(x0+uint(classes[t0[j+k]]))&mask])
				e0 := &h0.h[uint(h0.n)%uint(len(h0.h))]
				e0.end, e0.state = uint32(i+j+k+1), uint32(x0)
				h0.n += int(x0 & 1)
				x1 = uint(tab[(x1+uint(classes[b1[k]]))&mask])
				e1 := &h1.h[uint(h1.n)%uint(len(h1.h))]
				e1.end, e1.state = uint32(q+i+j+k+1), uint32(x1)
				h1.n += int(x1 & 1)
			}
			if max(h0.n, h1.n) > hitsFull {
				return i + j + 8, x0, x1
			}
		}
		s0, s1 = x0, x1
	}
	return i + j, s0, s1
}

// scanRange scans buf.Text[from:to] from the state s (a row offset),
// reporting the matches (h is empty scratch space), and returns the final
// state.
func (m *Matcher) scanRange(dst []Match, buf *textnorm.Buffer, h *hits, s uint, from, to int) ([]Match, uint) {
	for to-from >= 8 {
		from, s = m.run1(buf.Text[:to], from, s, h)
		dst = m.flush(dst, buf, h, 0)
	}
	tab, classes := m.tab, &m.classes
	if len(tab) == 0 {
		return dst, s
	}
	mask := uint(len(tab) - 1)
	for ; from < to; from++ {
		s = uint(tab[(s+uint(classes[buf.Text[from]]))&mask])
		if s&1 != 0 {
			dst = m.report(dst, buf, m.state(s), from+1)
		}
	}
	return dst, s
}

// run1 is run2 for one part, text[i:], as far as its last whole block.
func (m *Matcher) run1(text []byte, i int, s uint, h *hits) (int, uint) {
	tab, classes := m.tab, &m.classes
	if len(tab) == 0 {
		return len(text), s
	}
	mask := uint(len(tab) - 1)
	t := text[i:]
	j := 0
	for ; j < len(t)-7; j += 8 {
		var x uint
		x = uint(tab[(s+uint(classes[t[j+0]]))&mask])
		acc := x
		x = uint(tab[(x+uint(classes[t[j+1]]))&mask])
		acc |= x
		x = uint(tab[(x+uint(classes[t[j+2]]))&mask])
		acc |= x
		x = uint(tab[(x+uint(classes[t[j+3]]))&mask])
		acc |= x
		x = uint(tab[(x+uint(classes[t[j+4]]))&mask])
		acc |= x
		x = uint(tab[(x+uint(classes[t[j+5]]))&mask])
		acc |= x
		x = uint(tab[(x+uint(classes[t[j+6]]))&mask])
		acc |= x
		x = uint(tab[(x+uint(classes[t[j+7]]))&mask])
		acc |= x
		if acc&1 != 0 {
			// As in run2: h.n is at most hitsFull here.
			x = s
			for k := 0; k < 8; k++ {
				x = uint(tab[(x+uint(classes[t[j+k]]))&mask])
				e := &h.h[uint(h.n)%uint(len(h.h))]
				e.end, e.state = uint32(i+j+k+1), uint32(x)
				h.n += int(x & 1)
			}
			if h.n > hitsFull {
				return i + j + 8, x
			}
		}
		s = x
	}
	return i + j, s
}

// cross goes on scanning buf.Text from pos in state s, reporting the
// matches, until the state is no deeper than pos-border (or the text
// ends), and returns the state and the position. From there on, a chain
// that started at border in the initial state is in the same state.
func (m *Matcher) cross(dst []Match, buf *textnorm.Buffer, s uint, border, pos int) ([]Match, uint, int) {
	tab, classes := m.tab, &m.classes
	if len(tab) == 0 {
		return dst, s, pos
	}
	mask := uint(len(tab) - 1)
	shift, saturated := m.shift&31, m.maxDepth
	for ; pos < len(buf.Text); pos++ {
		if d := s >> shift; d != saturated && int(d) <= pos-border {
			break
		}
		s = uint(tab[(s+uint(classes[buf.Text[pos]]))&mask])
		if s&1 != 0 {
			dst = m.report(dst, buf, m.state(s), pos+1)
		}
	}
	return dst, s, pos
}

// report appends the terms that end at state s, at end in buf.Text, that
// keep their conditions.
func (m *Matcher) report(dst []Match, buf *textnorm.Buffer, s int32, end int) []Match {
	return m.reportIn(dst, buf, buf.Text, nil, s, end)
}

// reportIn appends the terms that end at state s, at end in text, that
// keep their whole-word and whole-character conditions and those of
// check. text is buf.Text (at is nil) or its joined words, whose bytes
// come from buf.Text[at[k]]; a match there must cover whole chunks and
// span a separator, and is reported with its span in buf.Text.
func (m *Matcher) reportIn(dst []Match, buf *textnorm.Buffer, text []byte, at []int32, s int32, end int) []Match {
	if m.outStart[s+1] == m.outStart[s] {
		s = m.dict[s]
	}
	for ; s > 0; s = m.dict[s] {
		for _, ti := range m.outTerms[m.outStart[s]:m.outStart[s+1]] {
			t := &m.terms[ti]
			start := end - t.n
			if t.wordStart && start > 0 && wordBefore(text, start) ||
				t.wordEnd && end < len(text) && wordAt(text, end) {
				continue
			}
			ns, ne := start, end
			if at != nil {
				if !chunks(at, start, end) {
					continue
				}
				ns, ne = int(at[start]), int(at[end-1])+1
			}
			os, oe, whole := buf.WholeSpan(ns, ne)
			if !whole || t.check && !m.check(t, buf, text, at, start) {
				continue
			}
			dst = append(dst, Match{ID: t.id, Start: os, End: oe, NormStart: ns, NormEnd: ne})
		}
	}
	return dst
}

// chunks reports whether text[start:end] of the joined words with
// indexes at covers whole chunks of one word and spans a separator.
func chunks(at []int32, start, end int) bool {
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
func (m *Matcher) check(t *term, buf *textnorm.Buffer, text []byte, at []int32, start int) bool {
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

// wordBefore reports whether the character before text[i] is a letter
// or a digit.
func wordBefore(text []byte, i int) bool {
	if c := text[i-1]; c < utf8.RuneSelf {
		return asciiWord(c)
	}
	r, _ := utf8.DecodeLastRune(text[:i])
	return isWord(r)
}

// wordAt reports whether the character at text[i] is a letter or a digit.
func wordAt(text []byte, i int) bool {
	if c := text[i]; c < utf8.RuneSelf {
		return asciiWord(c)
	}
	r, _ := utf8.DecodeRune(text[i:])
	return isWord(r)
}

func asciiWord(c byte) bool {
	return c|0x20 >= 'a' && c|0x20 <= 'z' || c >= '0' && c <= '9'
}

func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
