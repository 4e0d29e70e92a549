package promotion

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

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

// TestKeyTableCollisions: keys whose hashes collide (all of them share
// one of eight hashes, some of which share their low bits too) are told
// apart by the caller's check, across growth, and each finds its own
// value, as a map gives it, also after put replaces it.
func TestKeyTableCollisions(t *testing.T) {
	var kt keyTable
	var keys []string
	want := map[string]int32{}
	r := rand.New(rand.NewPCG(13, 14))
	hash := func(k string) uint64 { return uint64(len(k)%8) << (32 * (len(k) % 2)) }
	for range 20000 {
		k := fmt.Sprint(r.IntN(3000))
		if r.IntN(2) == 0 {
			k += "x"
		}
		h := hash(k)
		s, found := kt.find(h, func(v int32) bool { return keys[v] == k })
		v, ok := want[k]
		if found != ok {
			t.Fatalf("%q: found %v, want %v", k, found, ok)
		}
		if !found {
			v = int32(len(keys))
			want[k] = v
			keys = append(keys, k)
			kt.put(s, h, v)
			continue
		}
		if s.value() != v || s.hash != h {
			t.Fatalf("%q: value %d hash %x, want %d %x", k, s.value(), s.hash, v, h)
		}
		if r.IntN(4) == 0 { // a new value for the key, as for an item again
			want[k] = int32(len(keys))
			keys = append(keys, k)
			kt.put(s, h, want[k])
		}
	}
	if kt.n != len(want) {
		t.Fatalf("%d values stored, want %d", kt.n, len(want))
	}
}
