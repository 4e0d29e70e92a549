package moderation

import (
	"fmt"
	"math/bits"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/testbudget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func fingerprint(text string) uint64 {
	var v Verdict
	c := evalCtx{v: &v, m: &cmkit.Mention{Text: text}}
	c.norm()
	return simhash(v.s.buf.Text)
}

func TestSimHashOfSmallEditsIsClose(t *testing.T) {
	base := "Gana dinero desde casa con este método increíble, más de 500 euros al día sin experiencia, escríbeme por privado y te explico"
	fp := fingerprint(base)
	// Case, accents, l33t, repeated letters and punctuation are folded
	// away: the same words, the same fingerprint.
	for _, e := range []string{
		"GANA DINERO desde casa con este método increíble, más de 500 euros al día sin experiencia, escríbeme por privado y te explico!!!",
		"Gana diiinero desde c4sa con este metodo increible, más de 500 euros al día sin experiencia, escríbeme por privado y te explico",
	} {
		assert.Equal(t, fp, fingerprint(e), e)
	}
	// A word changed or added among 22 moves the fingerprint a few bits
	// (5.4 on average, TestSimHashOfOneWordEdits; these three 7, 4 and 3).
	for _, e := range []string{
		"Gana dinero desde casa con este método increíble, más de 600 euros al día sin experiencia, escríbeme por privado y te explico",
		"Gana dinero desde casa con este método increíble, más de 500 euros al día sin experiencia, escríbeme por privado y te lo explico",
		"Hola! Gana dinero desde casa con este método increíble, más de 500 euros al día sin experiencia, escríbeme por privado y te explico",
	} {
		d := bits.OnesCount64(fp ^ fingerprint(e))
		assert.LessOrEqual(t, d, DefaultWaveDistance+1, e)
	}
	others := []string{
		"Mi pedido no ha llegado todavía y nadie contesta en atención al cliente, llevo dos semanas esperando",
		"Zamówiłem w poniedziałek a paczka dalej nie dotarła, co się dzieje z wysyłką?",
		"Love the new colors of the spring collection, when will it be available in Poland?",
	}
	for _, o := range others {
		d := bits.OnesCount64(fp ^ fingerprint(o))
		assert.Greater(t, d, DefaultWaveDistance, o)
	}
	assert.Zero(t, fingerprint("gracias 👍"), "too short to fingerprint")
}

// TestSimHashOfOneWordEdits measures, over random texts of the benchmark
// vocabulary, how far one changed word moves the fingerprint, for the
// fingerprints of simhash and of the frozen reference (whose word hash
// differs): with 20 words or more, most such edits stay within the
// default distance, and unrelated texts never come that close. With 10
// words, a changed word moves about 8 bits, and only about a third of the
// edits stay within the default distance, for either hash: SimHash flips
// the bits whose counts were at the majority's edge, and short texts have
// more of them.
func TestSimHashOfOneWordEdits(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var words []string
	for _, l := range []string{"en", "es", "pl"} {
		words = append(words, benchVocabulary[l]...)
	}
	text := func(ws []string) []byte { return []byte(matchNorm.String(strings.Join(ws, " "))) }
	for _, c := range []struct {
		words            int
		within, maxMean  float64 // at least this share of edits within DefaultWaveDistance, mean distance at most
		unrelatedAtLeast int     // the least distance between unrelated texts
	}{
		{10, 0.25, 9, DefaultWaveDistance + 1},
		{20, 0.6, 6.5, DefaultWaveDistance + 1},
		{30, 0.75, 5.5, DefaultWaveDistance + 1},
		{45, 0.85, 4.5, DefaultWaveDistance + 1},
	} {
		const trials = 1000
		var within, withinRef, sum, sumRef int
		least := 64
		for i := 0; i < trials; i++ {
			ws := make([]string, c.words)
			for k := range ws {
				ws[k] = words[rng.Intn(len(words))]
			}
			a := text(ws)
			ws[rng.Intn(len(ws))] = words[rng.Intn(len(words))] + "x" // surely another word
			b := text(ws)
			for k := range ws {
				ws[k] = words[rng.Intn(len(words))]
			}
			u := text(ws)
			d := bits.OnesCount64(simhash(a) ^ simhash(b))
			dr := bits.OnesCount64(refSimhash(a) ^ refSimhash(b))
			sum += d
			sumRef += dr
			if d <= DefaultWaveDistance {
				within++
			}
			if dr <= DefaultWaveDistance {
				withinRef++
			}
			least = min(least, bits.OnesCount64(simhash(a)^simhash(u)))
		}
		share, shareRef := float64(within)/trials, float64(withinRef)/trials
		mean, meanRef := float64(sum)/trials, float64(sumRef)/trials
		t.Logf("%d words: within %d bits: %.3f (reference %.3f); mean distance %.2f (reference %.2f); unrelated at least %d bits apart",
			c.words, DefaultWaveDistance, share, shareRef, mean, meanRef, least)
		assert.GreaterOrEqual(t, share, c.within, "%d words", c.words)
		assert.LessOrEqual(t, mean, c.maxMean, "%d words", c.words)
		assert.InDelta(t, shareRef, share, 0.06, "%d words: as near as the reference's", c.words)
		assert.GreaterOrEqual(t, least, c.unrelatedAtLeast, "%d words", c.words)
	}
}

// modelSimhash is simhash written plainly: the words found byte by byte
// as the reference finds them, each hashed by wordHash, the bits counted
// in ints.
func modelSimhash(text []byte) uint64 {
	var counts [64]int
	n := 0
	for i := 0; i < len(text); {
		if refWordChar(text, i) == 0 {
			i++
			continue
		}
		j := i
		for {
			k := refWordChar(text, j)
			if k == 0 {
				break
			}
			j += k
		}
		h := wordHash(text, i, j)
		for b := range counts {
			counts[b] += int(h >> b & 1)
		}
		n++
		i = j
	}
	if n < minWaveWords {
		return 0
	}
	var fp uint64
	for b, c := range counts {
		if 2*c > n {
			fp |= 1 << b
		}
	}
	return max(fp, 1)
}

// simhashInputs are texts that reach every path of simhash: non-ASCII
// letters and symbols across the 64-byte blocks, invalid bytes, long
// words, words at the very end, many words.
func simhashInputs() [][]byte {
	var out [][]byte
	for _, m := range benchMentions(300) {
		out = append(out, []byte(matchNorm.String(m.Text)))
	}
	rng := rand.New(rand.NewSource(5))
	pieces := []string{"a", "bc", "word", "ñandú", "żółw", "日本語", "😡", "🔥🔥", " ", "  ", ",", "!", "0", "1234567",
		"abcdefgh", "abcdefghi", "abcdefghijklmnopq", "abcdefghijklmnopqrstuvwxyz0123456789", "\xff", "\xe2\x82",
		"\x80", "é", "ß", "ǅ", "٣", "x\u0301", "\u00a0", "\ufffd", "\xf0\x9f\x98"}
	for i := 0; i < 3000; i++ {
		var b []byte
		for n := rng.Intn(80); n > 0; n-- {
			b = append(b, pieces[rng.Intn(len(pieces))]...)
			if rng.Intn(3) == 0 {
				b = append(b, ' ')
			}
		}
		out = append(out, b)
	}
	// Many words: the 8-bit lanes are emptied every 255 words.
	for _, n := range []int{254, 255, 256, 600, 1000} {
		var b []byte
		for i := 0; i < n; i++ {
			b = append(b, pieces[rng.Intn(6)]...)
			b = append(b, ' ')
		}
		out = append(out, b, b[:len(b)-1])
	}
	// Every length around the blocks, a word at every end.
	for n := 0; n <= 200; n++ {
		b := []byte(strings.Repeat("ab cde fghi ", 20))[:n]
		out = append(out, b)
		c := []byte(strings.Repeat("żó ł ", 40))
		out = append(out, c[:min(n, len(c))])
	}
	return out
}

func TestSimhashIsTheModel(t *testing.T) {
	for _, text := range simhashInputs() {
		require.Equal(t, modelSimhash(text), simhash(text), "%q", text)
	}
}

// TestSimhashFindsTheReferenceWords checks that simhash and the frozen
// reference agree on which texts have fewer than minWaveWords words.
func TestSimhashFindsTheReferenceWords(t *testing.T) {
	for _, text := range simhashInputs() {
		require.Equal(t, refSimhash(text) == 0, simhash(text) == 0, "%q", text)
	}
}

func FuzzSimhash(f *testing.F) {
	for _, text := range simhashInputs()[295:320] {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		if got, want := simhash(text), modelSimhash(text); got != want {
			t.Fatalf("simhash %#x, model %#x", got, want)
		}
		if (simhash(text) == 0) != (refSimhash(text) == 0) {
			t.Fatal("simhash and the reference disagree on the words")
		}
	})
}

func waveSet(w WaveCond) RuleSet {
	return RuleSet{Rules: []ModRule{rule("wave", Cond{Wave: &w}, Actions{Delete: true, Flag: []string{"wave"}})}}
}

func TestWaveOfNearDuplicatesFromManyAuthors(t *testing.T) {
	clock := &fixedClock{t: t0}
	e := mustCompile(t, waveSet(WaveCond{Within: Duration(10 * time.Minute), MinCount: 3, MinAuthors: 3}), WithClock(clock))
	texts := []string{
		"Free followers!!! Get 10k real followers today at bit.ly/f0ll0w, limited offer",
		"FREE followers! get 10k REAL followers today at bit.ly/f0ll0w limited offer 🔥",
		"Free followers!!! Get 10k real followers today at bit.ly/f0ll0w, limited offer, hurry",
		"Fr33 followers!!! Get 10k real followers today at bit.ly/f0ll0w, limited offer",
	}
	var v Verdict
	got := []bool{}
	for i, text := range texts {
		clock.advance(time.Minute)
		e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: fmt.Sprint("bot", i)}, Text: text})
		got = append(got, v.Delete)
	}
	// The third adds a word to twelve, which moves its fingerprint 10
	// bits, more than the distance: the wave is the first, second and
	// fourth, by three authors.
	assert.Equal(t, []bool{false, false, false, true}, got)
	// An unrelated text is no part of it.
	e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "x"}, Text: "When does the spring collection arrive in Spain?"})
	assert.False(t, v.Delete)
	// Outside the window, the wave is over.
	clock.advance(time.Hour)
	e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "late"}, Text: texts[0]})
	assert.False(t, v.Delete)
}

func TestWaveNeedsDistinctAuthors(t *testing.T) {
	clock := &fixedClock{t: t0}
	e := mustCompile(t, waveSet(WaveCond{Within: Duration(time.Hour), MinCount: 3, MinAuthors: 2}), WithClock(clock))
	var v Verdict
	text := "Check my profile for the best crypto signals of the week, guaranteed profit"
	for i := 0; i < 5; i++ {
		e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "same"}, Text: text})
		assert.False(t, v.Delete, i)
	}
	e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "other"}, Text: text})
	assert.True(t, v.Delete)

	// same_author: one author repeating itself.
	e = mustCompile(t, waveSet(WaveCond{Within: Duration(time.Hour), MinCount: 3, SameAuthor: true}), WithClock(clock))
	for i, want := range []bool{false, false, true} {
		e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "rep"}, Text: text})
		assert.Equal(t, want, v.Delete, i)
	}
	e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "another"}, Text: text})
	assert.False(t, v.Delete)
}

func TestWaveMemoryIsBounded(t *testing.T) {
	clock := &fixedClock{t: t0}
	e := mustCompile(t, waveSet(WaveCond{Within: Duration(24 * time.Hour), MinCount: 2, MinAuthors: 2}), WithClock(clock), WithWaveMemory(64))
	var v Verdict
	first := "Win a free iPhone 17 today, just click the link in my bio and claim your prize"
	e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "a"}, Text: first})
	for i := 0; i < 1000; i++ {
		clock.advance(time.Second)
		e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: fmt.Sprint(i)},
			Text: fmt.Sprintf("message number %d about topic %d with words %d %d", i, i*7, i*13, i*31)})
		require.LessOrEqual(t, e.waves[0].store.size(), 64)
	}
	assert.Equal(t, 64, e.waves[0].store.size())
	assert.Len(t, e.waves[0].store.cold, 64)
	// The first text has been forgotten, window or not.
	e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "b"}, Text: first})
	assert.False(t, v.Delete)
	e.Evaluate(&v, cmkit.Mention{Author: cmkit.Author{ID: "c"}, Text: first})
	assert.True(t, v.Delete)
}

// TestWaveIndexFindsWhatAScanFinds checks the banded index against reading
// every fingerprint.
func TestWaveIndexFindsWhatAScanFinds(t *testing.T) {
	for _, dist := range []int{0, 3, 6, MaxWaveDistance} {
		w := newWaveStore(500, dist)
		x := uint64(12345)
		next := func() uint64 { x = mix64(x + 0x9e3779b97f4a7c15); return x }
		var fps []uint64
		base := next()
		for i := 0; i < 2000; i++ {
			fp := next()
			if i%3 == 0 { // near base: flip a few bits
				fp = base
				for k := 0; k < int(next()%uint64(dist+3)); k++ {
					fp ^= 1 << (next() % 64)
				}
			}
			if fp == 0 {
				fp = 1
			}
			w.add(fp, uint64(i), int64(i))
			fps = append(fps, fp)
		}
		for _, q := range []uint64{base, fps[1999], fps[1500] ^ 3} {
			want := 0
			for _, fp := range fps[len(fps)-500:] {
				if bits.OnesCount64(fp^q) <= dist {
					want++
				}
			}
			for _, n := range []int{want, want + 1} {
				p := waveParams{within: 1 << 40, minCount: n, minAuthors: 1, dist: dist}
				assert.Equal(t, n <= want && n > 0, w.count(q, 0, 2000, &p), "dist %d count %d want %d", dist, n, want)
			}
		}
	}
}

// waveModel is the wave memory written plainly: the last n entries in a
// slice, a query reads them all.
type waveModel struct {
	n       int
	entries []waveCold
	fps     []uint64
}

func (m *waveModel) add(fp, author uint64, now int64) {
	if fp == 0 {
		return
	}
	m.fps = append(m.fps, fp)
	m.entries = append(m.entries, waveCold{now, author})
	if len(m.fps) > m.n {
		m.fps, m.entries = m.fps[1:], m.entries[1:]
	}
}

func (m *waveModel) count(fp, author uint64, now int64, p *waveParams) bool {
	if fp == 0 {
		return false
	}
	count := 0
	authors := map[uint64]bool{}
	for i, e := range m.entries {
		inWindow := e.time <= now && (now-e.time <= p.within || now-p.within > now) // (no overflow in the tests)
		if bits.OnesCount64(m.fps[i]^fp) <= p.dist && inWindow && (!p.sameAuthor || e.author == author) {
			count++
			authors[e.author] = true
		}
	}
	return count >= p.minCount && len(authors) >= p.minAuthors
}

// waveSim drives a store, its model and (when the clock only moves
// forwards) the frozen reference store with the same random steps, and
// checks after every step that every query answers alike.
type waveSim struct {
	rng     *rand.Rand
	store   *waveStore
	model   *waveModel
	ref     *refWaveStore // nil once the clock went backwards
	maxDist int
	now     int64
	bases   []uint64 // fingerprints that others are made near
	authors int
}

func newWaveSim(seed int64, n, maxDist, authors int) *waveSim {
	s := &waveSim{rng: rand.New(rand.NewSource(seed)), store: newWaveStore(n, maxDist), model: &waveModel{n: n},
		ref: refNewWaveStore(n, maxDist), maxDist: maxDist, now: 1_000_000, authors: authors}
	for i := 0; i < 4; i++ {
		s.bases = append(s.bases, s.rng.Uint64())
	}
	return s
}

// fingerprint returns a random fingerprint: uniform, or a few bits from
// a base (often exactly the base), or with most bits fixed (correlated,
// as the fingerprints of texts that share their vocabulary are).
func (s *waveSim) fingerprint() uint64 {
	switch s.rng.Intn(4) {
	case 0:
		return s.rng.Uint64()
	case 1, 2:
		fp := s.bases[s.rng.Intn(len(s.bases))]
		for k := s.rng.Intn(s.maxDist + 4); k > 0 && s.rng.Intn(3) > 0; k-- {
			fp ^= 1 << s.rng.Intn(64)
		}
		return fp
	default:
		return s.bases[0]&0xffff_0000_ffff_0000 | s.rng.Uint64()&0x0000_ffff_0000_ffff
	}
}

func (s *waveSim) step(t *testing.T, i int) {
	t.Helper()
	switch r := s.rng.Intn(20); {
	case r == 0: // the clock jumps back
		s.now -= s.rng.Int63n(3000)
		s.ref = nil
	case r == 1: // and forwards
		s.now += s.rng.Int63n(3000)
	case r < 12:
		s.now += s.rng.Int63n(20)
	}
	fp := s.fingerprint()
	if s.rng.Intn(50) == 0 {
		fp = 0
	}
	author := uint64(s.rng.Intn(s.authors))
	s.store.add(fp, author, s.now)
	s.model.add(fp, author, s.now)
	if s.ref != nil {
		s.ref.add(fp, author, s.now)
		require.Equal(t, s.ref.size(), s.store.size())
	}
	for q := 0; q < 3; q++ {
		p := waveParams{within: 1 + s.rng.Int63n(1500), minCount: 1 + s.rng.Intn(6), minAuthors: 1 + s.rng.Intn(4),
			sameAuthor: s.rng.Intn(5) == 0, dist: s.rng.Intn(s.maxDist + 1)}
		qfp := fp
		if q > 0 {
			qfp = s.fingerprint()
		}
		want := s.model.count(qfp, author, s.now, &p)
		require.Equal(t, want, s.store.count(qfp, author, s.now, &p), "step %d query %d: %+v", i, q, p)
		if s.ref != nil {
			rp := refWaveParams(p)
			require.Equal(t, want, s.ref.count(qfp, author, s.now, &rp), "reference, step %d query %d: %+v", i, q, p)
		}
	}
}

// TestWaveStoreIsTheModel checks the indexed store against reading every
// remembered entry, after every step of seeded random runs: uniform,
// near and correlated fingerprints, a clock that also jumps backwards and
// forwards, memories small enough to wrap around many times. The frozen
// reference store agrees too, as long as the clock only moves forwards.
func TestWaveStoreIsTheModel(t *testing.T) {
	steps := 3000
	if testing.Short() || testbudget.Race {
		steps = 600
	}
	seed := int64(0)
	for _, n := range []int{1, 2, 3, 7, 64, 500} {
		for _, maxDist := range []int{0, 1, 3, 4, 6, 7, 8, 10, MaxWaveDistance} {
			for _, authors := range []int{1, 3, 50} {
				seed++
				s := newWaveSim(seed, n, maxDist, authors)
				for i := 0; i < steps; i++ {
					s.step(t, i)
				}
			}
		}
	}
}

// TestWaveStoreGenerations checks the store across many generations of
// its bitmaps, and the 32-bit sequence numbers of its heads past 2^32.
func TestWaveStoreGenerations(t *testing.T) {
	s := newWaveSim(99, 5, DefaultWaveDistance, 4)
	s.store.seq = 1<<32 - 20 // as if it had seen that many (the ring and bitmaps are empty)
	s.ref = nil
	for i := 0; i < 2000; i++ {
		s.step(t, i)
	}
}

// TestWaveStoreScansForLargerDistances checks a query for a distance
// above the store's: it reads every entry, and still finds what a scan
// finds.
func TestWaveStoreScansForLargerDistances(t *testing.T) {
	w := newWaveStore(100, 2)
	m := &waveModel{n: 100}
	rng := rand.New(rand.NewSource(3))
	base := rng.Uint64()
	for i := 0; i < 300; i++ {
		fp := base ^ 1<<rng.Intn(64) ^ 1<<rng.Intn(64) ^ 1<<rng.Intn(64) ^ 1<<rng.Intn(64)
		w.add(fp, uint64(i%5), int64(i))
		m.add(fp, uint64(i%5), int64(i))
		for _, d := range []int{5, 9, MaxWaveDistance} {
			p := waveParams{within: 50, minCount: 1 + i%30, minAuthors: 1 + i%5, dist: d}
			require.Equal(t, m.count(base, 0, int64(i), &p), w.count(base, 0, int64(i), &p), "step %d, distance %d", i, d)
		}
	}
}

func FuzzWaveStore(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(6), uint8(7))
	f.Add([]byte("\x00\x00\x00\xff\xff\xff\x80\x80\x01"), uint8(0), uint8(1))
	f.Fuzz(func(t *testing.T, ops []byte, dist, n uint8) {
		maxDist := int(dist) % (MaxWaveDistance + 1)
		w := newWaveStore(1+int(n)%40, maxDist)
		m := &waveModel{n: 1 + int(n)%40}
		base := uint64(0x9e3779b97f4a7c15)
		now := int64(0)
		for i, op := range ops {
			// Each byte: a fingerprint a few bits from base, an author, a
			// move of the clock.
			fp := base ^ 1<<(op&63)
			if op&0x40 != 0 {
				fp ^= 1 << (op >> 2 & 63)
			}
			author := uint64(op >> 5)
			now += int64(op%7) - 2
			w.add(fp, author, now)
			m.add(fp, author, now)
			p := waveParams{within: int64(op % 13), minCount: 1 + i%4, minAuthors: 1 + int(op)%3, sameAuthor: op%11 == 0, dist: int(op) % (maxDist + 1)}
			if got, want := w.count(base, author, now, &p), m.count(base, author, now, &p); got != want {
				t.Fatalf("op %d: store %v, model %v", i, got, want)
			}
		}
	})
}

func TestAuthorKeyIsTheReference(t *testing.T) {
	for _, a := range []cmkit.Author{{ID: "u1"}, {Handle: "@x"}, {ID: "ü", Handle: "h"}, {}} {
		assert.Equal(t, refAuthorKey(&a), authorKey(&a))
	}
}
