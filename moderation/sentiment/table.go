package sentiment

import (
	"encoding/binary"
	"math/bits"
)

// table is an open-addressing hash table from keys to entry ids, built
// once and only read afterwards. A slot holds the first 16 bytes of its
// key as two words, so most look-ups compare two integers and a length
// instead of strings; the rest of a longer key is in long.
type table struct {
	// index is the open-addressing part, 4 bytes a slot so that it stays cached:
	// a slot + 1 in its low idxBits (0 when empty), and above them the
	// same bits of the key's hash, which rule out most other keys.
	index   []uint32
	mask    uint32
	idxBits uint8
	slots   []slot // dense
	long    string // bytes 16 and after of the keys longer than 16 bytes
}

type slot struct {
	w0, w1 uint64 // key bytes 0-7 and 8-15, little-endian, zero-padded
	id     int32  // entry id
	off    uint32 // where the key's bytes after the 16th are in long
	n      uint8  // key length; 0 marks an empty slot
	langs  uint8  // the entry's langs
	phrase bool   // the entry's phrase
}

// keySlack is how many readable bytes must follow a key handed to
// table.lookup: it loads 16 bytes at a time and masks off the excess.
const keySlack = 16

const (
	hashK0 = 0x9E3779B97F4A7C15
	hashK1 = 0xC2B2AE3D27D4EB4F
	hashK2 = 0x165667B19E3779F9
)

// load16 returns the first n (at most 16) bytes of p, which has at least
// 16, as two little-endian words, zero-padded.
func load16(p []byte, n int) (w0, w1 uint64) {
	_ = p[15]
	w0 = binary.LittleEndian.Uint64(p)
	w1 = binary.LittleEndian.Uint64(p[8:])
	switch {
	case n < 8:
		w0 &= 1<<(8*uint(n)) - 1
		w1 = 0
	case n < 16:
		w1 &= 1<<(8*uint(n-8)) - 1
	}
	return w0, w1
}

// hashKey hashes a key of n bytes from its first two words and, beyond 16
// bytes, the rest (p[16:n], readable up to n+keySlack).
func hashKey(w0, w1 uint64, p []byte, n int) uint32 {
	h := w0*hashK1 ^ (w1+uint64(n))*hashK2
	for i := 16; i < n; i += 8 {
		w := binary.LittleEndian.Uint64(p[i:])
		if r := n - i; r < 8 {
			w &= 1<<(8*uint(r)) - 1
		}
		h = (h ^ w) * hashK1
	}
	return uint32(h * hashK0 >> 32)
}

// padded returns k with keySlack zero bytes after it.
func padded(k string) []byte {
	b := make([]byte, len(k), len(k)+keySlack)
	copy(b, k)
	return b[: len(k) : len(k)+keySlack]
}

// newTable returns a table of m, its index at most a quarter full. info gives
// the langs and phrase of an entry id.
func newTable(m map[string]int32, info func(id int32) (uint8, bool)) table {
	size := 16
	for size*2 < 8*len(m) {
		size *= 2
	}
	t := table{index: make([]uint32, size), mask: uint32(size - 1), idxBits: uint8(bits.Len(uint(len(m))))}
	var long []byte
	for k, id := range m {
		p := padded(k)
		n := len(k)
		w0, w1 := load16(p[:n+keySlack], n)
		h := hashKey(w0, w1, p[:n+keySlack], n)
		i := h & t.mask
		for t.index[i] != 0 {
			i = (i + 1) & t.mask
		}
		langs, phrase := info(id)
		s := slot{w0: w0, w1: w1, id: id, n: uint8(n), langs: langs, phrase: phrase}
		if n > 16 {
			s.off = uint32(len(long))
			long = append(long, k[16:]...)
		}
		t.slots = append(t.slots, s)
		t.index[i] = h>>t.idxBits<<t.idxBits | uint32(len(t.slots))
	}
	t.long = string(long)
	return t
}

// lookup returns the slot of the key p[:n], or nil; p holds at least
// n+keySlack bytes. 0 < n <= maxKey.
func (t *table) lookup(p []byte, n int) *slot {
	w0, w1 := load16(p, n)
	h := hashKey(w0, w1, p, n)
	b := t.idxBits
	tag := h >> b
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		x := t.index[i]
		if x == 0 {
			return nil
		}
		if x>>b != tag {
			continue
		}
		s := &t.slots[x&(1<<b-1)-1]
		if s.w0 == w0 && s.w1 == w1 && int(s.n) == n && (n <= 16 || t.long[s.off:s.off+uint32(n-16)] == string(p[16:n])) {
			return s
		}
	}
}

// lookupString looks up k, of at most maxKey bytes.
func (t *table) lookupString(k string) *slot {
	var b [maxKey + keySlack]byte
	n := copy(b[:], k)
	return t.lookup(b[:], n)
}
