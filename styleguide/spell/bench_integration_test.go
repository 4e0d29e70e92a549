//go:build integration

package spell_test

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/cmkit/cmkit/styleguide/spell"
)

// benchWords returns the words of the language's corpus (in
// testdata/corpus, or in $SPELL_CORPUS_DIR); a missing corpus fails the
// benchmark.
func benchWords(b *testing.B, d *spell.Dictionary, code string) []string {
	dir := filepath.Join("testdata", "corpus")
	if env := os.Getenv("SPELL_CORPUS_DIR"); env != "" {
		dir = env
	}
	text, err := os.ReadFile(filepath.Join(dir, code+".txt"))
	if err != nil {
		b.Fatalf("no corpus %s.txt in %s: %v", code, dir, err)
	}
	return spell.Tokens(d, string(text))
}

// BenchmarkSpell checks the words of each corpus with the Debian
// dictionary: words/s over all words, and allocations per correct word.
func BenchmarkSpell(b *testing.B) {
	for _, lang := range languages {
		b.Run(lang.code, func(b *testing.B) {
			if _, err := os.Stat(filepath.Join(hunspellDir, lang.dict+".aff")); err != nil {
				b.Fatalf("%s is missing: %s", lang.dict, installHint)
			}
			d, err := spell.Open(os.DirFS(hunspellDir), lang.dict)
			if err != nil {
				b.Fatal(err)
			}
			words := benchWords(b, d, lang.code)
			var correct []string
			for _, w := range words {
				if d.Check(w) {
					correct = append(correct, w)
				}
			}
			allocs := testing.AllocsPerRun(3, func() {
				for _, w := range correct {
					d.Check(w)
				}
			})
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d.Check(words[i%len(words)])
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "words/s")
			b.ReportMetric(allocs/float64(len(correct)), "allocs/correct-word")
		})
	}
}

// BenchmarkLoad loads each Debian dictionary and reports the heap it
// keeps.
func BenchmarkLoad(b *testing.B) {
	for _, lang := range languages {
		b.Run(lang.code, func(b *testing.B) {
			if _, err := os.Stat(filepath.Join(hunspellDir, lang.dict+".aff")); err != nil {
				b.Fatalf("%s is missing: %s", lang.dict, installHint)
			}
			var d *spell.Dictionary
			var heap uint64
			for i := 0; i < b.N; i++ {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				var err error
				d, err = spell.Open(os.DirFS(hunspellDir), lang.dict)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				heap = after.HeapAlloc - before.HeapAlloc
			}
			runtime.KeepAlive(d)
			b.ReportMetric(float64(heap), "heap-bytes")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/load")
		})
	}
}
