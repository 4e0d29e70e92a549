package sentiment

import (
	"encoding/binary"
	"math/bits"
	"strings"
)

// table is an open-addressing hash table from keys to entry ids, built
// once and only read afterwards. A slot is 16 bytes and holds the first 8
// bytes of its key, so that a look-up of a word of up to 8 bytes (most
// words) reads one slot, usually one cache line, whether it finds the
// word or not; the rest of a longer key is compared in tail1 and tail.
//
// A key with a 0 byte can only be found in punctuation (0 is no letter,
// digit or emoji), so such keys are kept apart, in nul, and looked up
// with lookupNul. The others are their first 8 bytes when they have 1 to
// 7, and no key's first 8 bytes are 0, which marks an empty slot.
type table struct {
	slots []slot // power-of-two length, at most a quarter full: shorter probes, fewer mispredicted loop exits
	mask  uint32 // len(slots) - 1
	shift uint8  // 64 - log2(len(slots)): the hash's top bits pick the slot
	// For the keys longer than 8 bytes, tail1[id] holds bytes 8-15 of the
	// key of entry id, zero-padded, and tail[id] its bytes after the 16th.
	tail1 []uint64
	tail  []string
	nul   []nulKey
}

type slot struct {
	w0  uint64 // key bytes 0-7, little-endian, zero-padded; 0 when empty
	tok token  // the entry, the key's length as size and the entry's info bits; no flags
}

type nulKey struct {
	key string
	s   slot
}

// keySlack is how many readable bytes must follow a key handed to
// table.lookup: it loads 8 bytes at a time and masks off the excess.
const keySlack = 16

const (
	hashK1 = 0x9E3779B97F4A7C15
	hashK2 = 0xC2B2AE3D27D4EB4F
)

// load8 returns the first n (at most 8) bytes of p, which has at least 8,
// as a little-endian word, zero-padded.
func load8(p []byte, n int) uint64 {
	w := binary.LittleEndian.Uint64(p)
	if n < 8 {
		w &= 1<<(8*uint(n)&63) - 1
	}
	return w
}

// hashKey hashes the key p[:n] whose first word is w0; p is readable up
// to n+keySlack. Keys of up to 8 bytes, the common case, take one
// multiplication.
func hashKey(w0 uint64, p []byte, n int) uint64 {
	h := w0 * hashK1
	for i := 8; i < n; i += 8 {
		h = (h ^ load8(p[i:], n-i)) * hashK2
	}
	return h
}

// padded returns k with keySlack zero bytes after it.
func padded(k string) []byte {
	b := make([]byte, len(k), len(k)+keySlack)
	copy(b, k)
	return b[: len(k) : len(k)+keySlack]
}

// newTable returns a table of m. info gives the info bits of an entry id;
// nEntries bounds the ids.
func newTable(m map[string]int32, nEntries int, info func(id int32) uint8) table {
	size := 16
	for size < 4*len(m) {
		size *= 2
	}
	t := table{
		slots: make([]slot, size),
		mask:  uint32(size - 1),
		shift: uint8(64 - bits.Len(uint(size-1))),
		tail1: make([]uint64, nEntries),
		tail:  make([]string, nEntries),
	}
	for k, id := range m {
		s := slot{tok: newToken(id, len(k), 0, info(id))}
		if strings.IndexByte(k, 0) >= 0 {
			t.nul = append(t.nul, nulKey{k, s})
			continue
		}
		p := padded(k)
		n := len(k)
		s.w0 = load8(p[:n+keySlack], n)
		i := t.home(hashKey(s.w0, p[:n+keySlack], n))
		for t.slots[i].w0 != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = s
		if n > 8 {
			t.tail1[id] = load8(p[8:n+keySlack], min(n-8, 8))
		}
		if n > 16 {
			t.tail[id] = k[16:]
		}
	}
	return t
}

// home returns the first slot to probe for hash h.
func (t *table) home(h uint64) uint32 {
	return uint32(h >> (t.shift & 63)) // below len(slots): shift is 64 - log2(len(slots))
}

// lookup returns the slot of the key p[:n], or nil; p holds at least
// n+keySlack bytes. 0 < n <= maxKey, and p[:n] holds no 0 byte.
func (t *table) lookup(p []byte, n int) *slot {
	w0 := load8(p, n)
	if n < 8 {
		return t.lookupShort(w0)
	}
	var w1 uint64
	if n > 8 {
		w1 = load8(p[8:], min(n-8, 8))
	}
	if n <= 16 {
		return t.lookup16(w0, w1, n)
	}
	for i := t.home(hashKey(w0, p, n)); ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.w0 == w0 && s.tok.size() == n && t.tail1[s.tok.entry()] == w1 && t.tail[s.tok.entry()] == string(p[16:n]) {
			return s
		}
		if s.w0 == 0 {
			return nil
		}
	}
}

// lookup16 returns the slot of the key of n bytes, 8 to 16, none 0, whose
// bytes are w0 and w1 (zero-padded), or nil.
func (t *table) lookup16(w0, w1 uint64, n int) *slot {
	h := w0 * hashK1
	if n > 8 {
		h = (h ^ w1) * hashK2 // as hashKey
	}
	for i := t.home(h); ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.w0 == w0 && s.tok.size() == n && (n == 8 || t.tail1[s.tok.entry()] == w1) {
			return s
		}
		if s.w0 == 0 {
			return nil
		}
	}
}

// lookupShort returns the slot of the key of 1 to 7 bytes, none 0, whose
// little-endian word is w0, or nil. A key found by its first 8 bytes has
// its length: the first 0 byte of w0 is the key's end.
func (t *table) lookupShort(w0 uint64) *slot {
	i := t.home(w0 * hashK1)
	// One branch per slot, on "the key or empty" (min compiles to a
	// conditional move): whether a word is a key is a coin toss that
	// the caller's test of nil pays for once, not twice.
	for min(t.slots[i].w0^w0, t.slots[i].w0) != 0 {
		i = (i + 1) & t.mask
	}
	if s := &t.slots[i]; s.w0 != 0 { // w0 is not 0: the key
		return s
	}
	return nil
}

// lookupString looks up k, of at most maxKey bytes and no 0 byte.
func (t *table) lookupString(k string) *slot {
	var b [maxKey + keySlack]byte
	n := copy(b[:], k)
	return t.lookup(b[:], n)
}

// lookupNul looks up k, which holds a 0 byte.
func (t *table) lookupNul(k []byte) *slot {
	for i := range t.nul {
		if t.nul[i].key == string(k) {
			return &t.nul[i].s
		}
	}
	return nil
}
