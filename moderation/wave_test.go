package moderation

import (
	"fmt"
	"math/bits"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
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
	edits := []string{
		"GANA DINERO desde casa con este método increíble, más de 500 euros al día sin experiencia, escríbeme por privado y te explico!!!",
		"Gana diiinero desde c4sa con este metodo increible, más de 500 euros al día sin experiencia, escríbeme por privado y te explico",
		"Gana dinero desde casa con este método increíble, más de 600 euros al día sin experiencia, escríbeme por privado y te explico",
		"Gana dinero desde casa con este método increíble, más de 500 euros al día sin experiencia, escríbeme por privado y te lo explico",
		"Hola! Gana dinero desde casa con este método increíble, más de 500 euros al día sin experiencia, escríbeme por privado y te explico",
	}
	fp := fingerprint(base)
	for _, e := range edits {
		d := bits.OnesCount64(fp ^ fingerprint(e))
		assert.LessOrEqual(t, d, DefaultWaveDistance, e)
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
	assert.Equal(t, []bool{false, false, true, true}, got)
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
		require.LessOrEqual(t, e.wave.size(), 64)
	}
	assert.Equal(t, 64, e.wave.size())
	assert.Len(t, e.wave.fps, 64)
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
