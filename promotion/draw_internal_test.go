package promotion

import (
	"math/big"
	"testing"
)

// TestAcceptRejectsOnlyThePartialRun checks step 3 of Draw at its edges:
// x is skipped exactly when x ≥ 2^64 − (2^64 mod k).
func TestAcceptRejectsOnlyThePartialRun(t *testing.T) {
	two64 := new(big.Int).Lsh(big.NewInt(1), 64)
	for _, k := range []uint64{1, 2, 3, 7, 10, 1000003, 1 << 32, 1<<63 + 1, ^uint64(0)} {
		rem := new(big.Int).Mod(two64, new(big.Int).SetUint64(k))
		limit := new(big.Int).Sub(two64, rem) // may be 2^64
		for _, x := range []uint64{0, 1, k - 1, k, ^uint64(0), ^uint64(0) - 1, ^uint64(0) - rem.Uint64(), ^uint64(0) - rem.Uint64() + 1} {
			r, ok := accept(x, k)
			wantOK := new(big.Int).SetUint64(x).Cmp(limit) < 0
			if ok != wantOK {
				t.Errorf("accept(%d, %d) ok = %v, want %v", x, k, ok, wantOK)
			}
			if ok && r != x%k {
				t.Errorf("accept(%d, %d) = %d, want %d", x, k, r, x%k)
			}
		}
	}
}

// TestStreamSkipsRejectedBlocks: below takes the next block after a
// rejected one. For k = 2^63 + 1 about half the blocks are rejected.
func TestStreamSkipsRejectedBlocks(t *testing.T) {
	var key Digest
	k := uint64(1<<63 + 1)
	xs := newStream(key)
	s := newStream(key)
	rejected := 0
	for range 64 {
		r := s.below(k)
		for {
			x := xs.next()
			if v, ok := accept(x, k); ok {
				if v != r {
					t.Fatalf("below = %d, want %d", r, v)
				}
				break
			}
			rejected++
		}
	}
	if rejected == 0 {
		t.Fatal("no block was rejected; the test does not reach the skip")
	}
}
