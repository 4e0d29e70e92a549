package promotion

import "testing"

// TestList: every element pushed is read back at its index, across chunk
// boundaries, and an element's address does not change as the list grows.
func TestList(t *testing.T) {
	var l list[int]
	var first, at1000 *int
	for i := range 100_000 {
		l.push(&i)
		if i == 0 {
			first = l.at(0)
		}
		if i == 1000 {
			at1000 = l.at(1000)
		}
	}
	if l.n != 100_000 {
		t.Fatalf("n %d", l.n)
	}
	for i := range l.n {
		if got := *l.at(i); got != i {
			t.Fatalf("at(%d) = %d", i, got)
		}
	}
	if first != l.at(0) || at1000 != l.at(1000) || *first != 0 || *at1000 != 1000 {
		t.Fatal("an element moved")
	}
	// Chunks of 64, 128, 256, ...: 100,000 elements fill 11 of them.
	if len(l.chunks) != 11 || len(l.chunks[0]) != 64 || len(l.chunks[10]) != 65536 {
		t.Fatalf("%d chunks", len(l.chunks))
	}
}
