package moderation

import (
	"slices"
	"testing"

	"github.com/cmkit/cmkit/internal/textnorm"
)

// waveWorkload is BenchmarkEvaluate's share of spam-wave work: the
// benchmark corpus normalized as the engine normalizes it, each mention's
// author key, whether the engine reaches the "wave" rule's wave condition
// for it (its cheaper conditions hold and no rule stopped before), the
// wave condition's parameters and the store's maximum distance.
type waveWorkload struct {
	texts   [][]byte
	authors []uint64
	reached []bool
	params  waveParams
	maxDist int
	memory  int
}

func newWaveWorkload(tb testing.TB) *waveWorkload {
	set := benchRules()
	e, err := Compile(set, WithClock(&fixedClock{t: t0}), WithDetector(nil))
	if err != nil {
		tb.Fatal(err)
	}
	w := &waveWorkload{maxDist: -1, memory: e.cfg.waveMemory}
	for i := range e.rules {
		if e.rules[i].id != "wave" {
			continue
		}
		var find func(n *node)
		find = func(n *node) {
			if n.op == opWave {
				w.params = n.wave
				w.maxDist = n.wave.dist
			}
			for k := range n.kids {
				find(&n.kids[k])
			}
		}
		find(&e.rules[i].cond)
	}
	if w.maxDist < 0 {
		tb.Fatal("no wave condition in the rule \"wave\"")
	}
	// The same rules with the wave condition taken out: the rule "wave"
	// fires on exactly the mentions whose wave condition is evaluated (it
	// is the condition of highest cost, evaluated last).
	for i := range set.Rules {
		if set.Rules[i].ID == "wave" {
			set.Rules[i].When.Wave = nil
		}
	}
	probe, err := Compile(set, WithClock(&fixedClock{t: t0}), WithDetector(nil))
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
	}
	return w
}

// BenchmarkWave measures the spam-wave work of BenchmarkEvaluate alone:
// per mention, the SimHash of its normalized text, its addition to the
// store and, for the mentions that reach the wave condition, the count of
// near-duplicates, with the same fixed clock, memory and warm-up.
func BenchmarkWave(b *testing.B) {
	w := newWaveWorkload(b)
	store := newWaveStore(w.memory, w.maxDist)
	now := t0.UnixNano()
	step := func(i int) bool {
		fp := simhash(w.texts[i])
		store.add(fp, w.authors[i], now)
		return w.reached[i] && store.count(fp, w.authors[i], now, &w.params)
	}
	for i := range w.texts {
		step(i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	waves := 0
	for i := 0; i < b.N; i++ {
		if step(i % len(w.texts)) {
			waves++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/mention")
	_ = waves
}

// TestWaveWorkload checks that BenchmarkWave counts for the mentions the
// engine counts for: the wave verdicts of the engine and of the workload
// agree, mention by mention, over the warm-up and a second pass.
func TestWaveWorkload(t *testing.T) {
	w := newWaveWorkload(t)
	e, err := Compile(benchRules(), WithClock(&fixedClock{t: t0}), WithDetector(nil))
	if err != nil {
		t.Fatal(err)
	}
	store := newWaveStore(w.memory, w.maxDist)
	now := t0.UnixNano()
	ms := benchMentions(1000)
	var v Verdict
	reached, waves := 0, 0
	for pass := 0; pass < 2; pass++ {
		for i, m := range ms {
			fp := simhash(w.texts[i])
			store.add(fp, w.authors[i], now)
			got := w.reached[i] && store.count(fp, w.authors[i], now, &w.params)
			e.Evaluate(&v, m)
			want := slices.ContainsFunc(v.Fired, func(f Fired) bool { return f.Rule == "wave" })
			if got != want {
				t.Fatalf("pass %d, mention %d: workload %v, engine %v", pass, i, got, want)
			}
			if w.reached[i] {
				reached++
			}
			if got {
				waves++
			}
		}
	}
	t.Logf("%d of %d mentions reach the wave condition, %d waves", reached, 2*len(ms), waves)
}
