package promotion

import (
	"math/rand/v2"
	"testing"
)

// TestSketchBoundsAgree: sketchOf keeps the low four bits of each bin in
// order, and sketchAgree is never below agree, for pairs of signatures
// that agree on 0 to 32 bins, with the other bins differing in their low
// bits or only above them.
func TestSketchBoundsAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		var a, b signature
		for i := range a {
			a[i] = r.Uint32()
		}
		b = a
		same := r.IntN(sigBins + 1)
		for _, i := range r.Perm(sigBins)[same:] {
			if r.IntN(2) == 0 {
				b[i] ^= 1 + uint32(r.IntN(15)) // the low bits differ
			} else {
				b[i] ^= uint32(1+r.IntN(1<<20)) << 4 // only the bits above
			}
		}
		sa, sb := sketchOf(&a), sketchOf(&b)
		for i, v := range a {
			if got := uint32(sa[i/16]>>(4*(i%16))) & 15; got != v&15 {
				t.Fatalf("sketch bin %d: %x, want %x", i, got, v&15)
			}
		}
		low := 0
		for i := range a {
			if a[i]&15 == b[i]&15 {
				low++
			}
		}
		if got := sketchAgree(&sa, &sb); got != low || got < agree(&a, &b, 0) || agree(&a, &b, 0) != same {
			t.Fatalf("same %d: sketchAgree %d, low bits agree %d, agree %d", same, got, low, agree(&a, &b, 0))
		}
	}
}

// TestHashTable: swap, swapBands and getOrPut against a map, across
// growth, with key 0 and keys that share their low bits (one probe run).
func TestHashTable(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	var ht hashTable
	want := map[uint64]int32{}
	key := func() uint64 {
		switch r.IntN(4) {
		case 0:
			return uint64(r.IntN(3)) << 40 // 0, or low bits shared with others
		case 1:
			return uint64(r.IntN(5000))
		default:
			return r.Uint64()
		}
	}
	for n := range int32(30000) {
		switch r.IntN(3) {
		case 0:
			k := key()
			prev, ok := want[k]
			if !ok {
				prev = -1
			}
			want[k] = n
			if got := ht.swap(k, n); got != prev {
				t.Fatalf("swap(%x): %d, want %d", k, got, prev)
			}
		case 1:
			var keys [nearBands]uint64
			var wantPrev [nearBands]int32
			for b := range keys {
				keys[b] = key()
				prev, ok := want[keys[b]]
				if !ok {
					prev = -1
				}
				wantPrev[b] = prev
				want[keys[b]] = n
			}
			if got := ht.swapBands(&keys, n); got != wantPrev {
				t.Fatalf("swapBands(%x): %d, want %d", keys, got, wantPrev)
			}
		default:
			k := key()
			prev, ok := want[k]
			if !ok {
				want[k], prev = n, n
			}
			if got, found := ht.getOrPut(k, n); got != prev || found != ok {
				t.Fatalf("getOrPut(%x): %d %v, want %d %v", k, got, found, prev, ok)
			}
		}
	}
	if len(want) != ht.n+map[bool]int{true: 1}[ht.hasZero] {
		t.Fatalf("%d keys stored, want %d", ht.n, len(want))
	}
}

// TestNearIndexBandsShareHash: a signature whose first two bands hash
// alike (band 1 is band 0 with its first bin's low bit flipped, which
// bandMix's seeding by the band number undoes) links its node to itself
// in band 1; adding it and a copy still groups them, and the group is
// flagged at the threshold's third writer, with the first two to revoke
// (the third is the caller's to reject).
func TestNearIndexBandsShareHash(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var sig signature
	for i := range sig {
		sig[i] = r.Uint32()
	}
	sig[4], sig[5], sig[6], sig[7] = sig[0]^1, sig[1], sig[2], sig[3]
	if bandMix(sig[0], sig[1], sig[2], sig[3], 0) != bandMix(sig[4], sig[5], sig[6], sig[7], 1) {
		t.Fatal("bands 0 and 1 should hash alike")
	}
	x := newNearIndex(3)
	near := sig
	near[31]++ // a near copy: 31 bins of 32 agree
	for i, s := range []signature{sig, near, near} {
		flagged, revoke := x.add(&s, int32(i), int32(i))
		var revoked []int32
		for ; revoke >= 0; revoke = x.members[revoke].next {
			revoked = append(revoked, x.members[revoke].v)
		}
		if want := i == 2; flagged != want || want && (len(revoked) != 2 || revoked[0] != 0 || revoked[1] != 1) {
			t.Fatalf("add %d: flagged %v, revoke %v", i, flagged, revoked)
		}
	}
	if len(x.nodes) != 2 || x.nodes[0].next[1] != 0 {
		t.Fatalf("%d nodes, node 0's band 1 link %d", len(x.nodes), x.nodes[0].next[1])
	}
}
