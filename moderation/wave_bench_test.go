package moderation

import (
	"slices"
	"testing"

	"github.com/cmkit/cmkit/internal/textnorm"
)

// waveWorkload is BenchmarkEvaluate's share of spam-wave work: the
// benchmark corpus normalized as the engine normalizes it, each mention's
// author key, whether it passes the guard of the "wave" rule's wave
// condition (and so is fingerprinted and recorded), whether the engine
// reaches the wave condition for it (its guard holds and no rule stopped
// before), the wave condition's parameters and the memory's bound.
type waveWorkload struct {
	texts   [][]byte
	authors []uint64
	guarded []bool
	reached []bool
	params  waveParams
	memory  int
}

func newWaveWorkload(tb testing.TB) *waveWorkload {
	set := benchRules()
	e, err := Compile(set, WithClock(&fixedClock{t: t0}), WithDetector(nil))
	if err != nil {
		tb.Fatal(err)
	}
	w := &waveWorkload{memory: e.cfg.waveMemory}
	found := false
	for i := range e.rules {
		if e.rules[i].id != "wave" {
			continue
		}
		var find func(n *node)
		find = func(n *node) {
			if n.op == opWave {
				w.params, found = n.wave, true
			}
			for k := range n.kids {
				find(&n.kids[k])
			}
		}
		find(&e.rules[i].cond)
	}
	if !found || len(e.waves) != 1 {
		tb.Fatal("no wave condition in the rule \"wave\", or more than one wave")
	}
	// The same rules with the wave condition taken out: the rule "wave"
	// fires on exactly the mentions whose wave condition is evaluated (it
	// is the condition of highest cost, evaluated last, and its Cond has
	// no other member, so the rest is its guard). Alone, that rule fires
	// on the mentions that pass the guard.
	var guard RuleSet
	for i := range set.Rules {
		if set.Rules[i].ID == "wave" {
			set.Rules[i].When.Wave = nil
			guard.Rules = []ModRule{set.Rules[i]}
		}
	}
	probe, err := Compile(set, WithClock(&fixedClock{t: t0}), WithDetector(nil))
	if err != nil {
		tb.Fatal(err)
	}
	guardProbe, err := Compile(guard, WithClock(&fixedClock{t: t0}), WithDetector(nil))
	if err != nil {
		tb.Fatal(err)
	}
	var v Verdict
	var buf textnorm.Buffer
	for _, m := range benchMentions(1000) {
		matchNorm.Normalize(&buf, m.Text)
		w.texts = append(w.texts, slices.Clone(buf.Text))
		w.authors = append(w.authors, authorKey(&m.Author))
		probe.Evaluate(&v, m)
		w.reached = append(w.reached, slices.ContainsFunc(v.Fired, func(f Fired) bool { return f.Rule == "wave" }))
		guardProbe.Evaluate(&v, m)
		w.guarded = append(w.guarded, v.Acted())
	}
	return w
}

// step is the wave work of the engine for mention i: fingerprint and
// record it when it passes the guard, count when the condition is
// reached.
func (w *waveWorkload) step(store *waveStore, i int, now int64) bool {
	if !w.guarded[i] {
		return false
	}
	fp := simhash(w.texts[i])
	store.add(fp, w.authors[i], now)
	return w.reached[i] && store.count(fp, w.authors[i], now, &w.params)
}

// BenchmarkWave measures the spam-wave work of BenchmarkEvaluate alone:
// per mention that passes the wave's guard, the SimHash of its normalized
// text and its addition to the memory, and for the mentions that reach
// the wave condition, the count of near-duplicates, with the same fixed
// clock, memory and warm-up.
func BenchmarkWave(b *testing.B) {
	w := newWaveWorkload(b)
	store := newWaveStore(w.memory, w.params.dist)
	now := t0.UnixNano()
	for i := range w.texts {
		w.step(store, i, now)
	}
	b.ReportAllocs()
	b.ResetTimer()
	waves := 0
	for i := 0; i < b.N; i++ {
		if w.step(store, i%len(w.texts), now) {
			waves++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/mention")
	_ = waves
}

// TestWaveWorkload checks that BenchmarkWave counts for the mentions the
// engine counts for: the wave verdicts of the engine and of the workload
// agree, mention by mention, over the warm-up and a second pass, and so
// do the sizes of their memories.
func TestWaveWorkload(t *testing.T) {
	w := newWaveWorkload(t)
	e, err := Compile(benchRules(), WithClock(&fixedClock{t: t0}), WithDetector(nil))
	if err != nil {
		t.Fatal(err)
	}
	store := newWaveStore(w.memory, w.params.dist)
	now := t0.UnixNano()
	ms := benchMentions(1000)
	var v Verdict
	guarded, reached, waves := 0, 0, 0
	for pass := 0; pass < 2; pass++ {
		for i, m := range ms {
			got := w.step(store, i, now)
			e.Evaluate(&v, m)
			want := slices.ContainsFunc(v.Fired, func(f Fired) bool { return f.Rule == "wave" })
			if got != want {
				t.Fatalf("pass %d, mention %d: workload %v, engine %v", pass, i, got, want)
			}
			if w.guarded[i] {
				guarded++
			}
			if w.reached[i] {
				reached++
			}
			if got {
				waves++
			}
		}
	}
	if store.size() != e.waves[0].store.size() || guarded == 0 {
		t.Fatalf("workload memory %d, engine %d, %d guarded", store.size(), e.waves[0].store.size(), guarded)
	}
	t.Logf("%d of %d mentions pass the guard, %d reach the wave condition, %d waves", guarded, 2*len(ms), reached, waves)
}
