package promotion

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestSortKeysIsSlicesSort: the radix sort gives slices.Sort's order on
// keys with shared prefixes, prefixes of each other, duplicates, bytes
// above 0x7f and empty strings.
func TestSortKeysIsSlicesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []string{"", "a", "b", "x:", "instagram:", "\xc3\xa1", "\xff", "\x00", "z"}
	for round := range 300 {
		n := r.IntN(2000)
		keys := make([]string, n)
		for i := range keys {
			var b strings.Builder
			for range r.IntN(6) {
				b.WriteString(alphabet[r.IntN(len(alphabet))])
			}
			if r.IntN(2) == 0 {
				fmt.Fprintf(&b, "%d", r.IntN(50))
			}
			keys[i] = b.String()
		}
		if round%10 == 0 {
			slices.Sort(keys) // the already-sorted path
		}
		want := slices.Clone(keys)
		slices.Sort(want)
		sortKeys(keys)
		if !slices.Equal(keys, want) {
			t.Fatalf("round %d: radix order differs from slices.Sort", round)
		}
	}
}

// BenchKeys is benchKeys for the benchmarks in package promotion_test.
var BenchKeys = benchKeys

// benchKeys returns 1,000,000 keys "instagram:<random number below 2^62>"
// in random order, the same on every call.
func benchKeys() []string {
	r := rand.New(rand.NewPCG(1, 2))
	ks := make([]string, 1_000_000)
	for i := range ks {
		ks[i] = fmt.Sprintf("instagram:%d", r.Uint64N(1<<62))
	}
	return ks
}

// BenchmarkSortKeys sorts the keys BenchmarkDraw freezes; compare with
// BenchmarkSlicesSort.
func BenchmarkSortKeys(b *testing.B) {
	ks := benchKeys()
	for b.Loop() {
		sortKeys(slices.Clone(ks))
	}
}

func BenchmarkSlicesSort(b *testing.B) {
	ks := benchKeys()
	for b.Loop() {
		slices.Sort(slices.Clone(ks))
	}
}
