package readability

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

type wordCount struct {
	word  string
	count int
}

func readWordList(t *testing.T, path string) []wordCount {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var list []wordCount
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		word, n, ok := strings.Cut(text, "\t")
		c, err := strconv.Atoi(n)
		if !ok || err != nil {
			t.Fatalf("%s:%d: want word<TAB>count, have %q", path, line, text)
		}
		list = append(list, wordCount{word, c})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return list
}

// accuracy measures Syllables against a hand-checked list: the share of
// words counted exactly and the mean absolute error in syllables.
func accuracy(t *testing.T, path, lang string) (exact, mae float64, n int) {
	list := readWordList(t, path)
	hits, off := 0, 0
	for _, wc := range list {
		got := Syllables(wc.word, lang)
		if got == wc.count {
			hits++
		} else {
			t.Logf("%s: Syllables(%q) = %d, dictionary %d", lang, wc.word, got, wc.count)
		}
		off += abs(got - wc.count)
	}
	n = len(list)
	return float64(hits) / float64(n), float64(off) / float64(n), n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// The package documentation quotes these bounds; keep them in step.
func TestSyllablesAccuracy(t *testing.T) {
	for _, tc := range []struct {
		lang, path    string
		minWords      int
		minExact, mae float64
	}{
		{"en", "testdata/syllables_en.tsv", 300, 0.99, 0.01},
		{"en", "testdata/syllables_en_heldout.tsv", 300, 0.97, 0.03},
		{"es", "testdata/syllables_es.tsv", 200, 0.99, 0.01},
		{"pl", "testdata/syllables_pl.tsv", 200, 0.99, 0.01},
	} {
		exact, mae, n := accuracy(t, tc.path, tc.lang)
		t.Logf("%s: %d words, exact %.1f%%, mean absolute error %.3f", tc.lang, n, 100*exact, mae)
		if n < tc.minWords {
			t.Errorf("%s: %d words in %s, want at least %d", tc.lang, n, tc.path, tc.minWords)
		}
		if exact < tc.minExact || mae > tc.mae || math.IsNaN(mae) {
			t.Errorf("%s: exact %.3f (want >= %.3f), mean absolute error %.3f (want <= %.3f)",
				tc.lang, exact, tc.minExact, mae, tc.mae)
		}
	}
}
