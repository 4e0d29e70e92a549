package moderation

import (
	"fmt"
	"math/rand"
	"testing"
)

// TestSeenAuthorsMatchesReference compares the growing tables with the
// frozen fixed-size ones, over memories small and large and streams of
// authors that repeat more or less.
func TestSeenAuthorsMatchesReference(t *testing.T) {
	for _, n := range []int{2, 3, 10, 100, 1000, 5000, 100000} {
		for _, pool := range []int{5, 300, 4000, 50000} {
			got, want := newSeenAuthors(n), rnewSeenAuthors(n)
			rng := rand.New(rand.NewSource(int64(n*7 + pool)))
			for k := 0; k < 60000; k++ {
				ch := fmt.Sprint("ch", rng.Intn(3))
				a := fmt.Sprint("u", rng.Intn(pool))
				if g, w := got.Seen(ch, a), want.Seen(ch, a); g != w {
					t.Fatalf("n %d pool %d step %d: %s/%s seen %v, want %v", n, pool, k, ch, a, g, w)
				}
			}
			if l := got.len(); l > n {
				t.Fatalf("n %d pool %d: holds %d", n, pool, l)
			}
		}
	}
}
