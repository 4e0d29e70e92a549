package inbox

import (
	"encoding/binary"

	"github.com/google/uuid"
)

// slotTable maps keys to uint32 values (slab indexes) by open addressing
// with linear probing: MemoryStore's index of records by ID and
// keyIndex's heads by hash. Its slots hold no pointers, so that the
// collector does not scan them, and adding a key costs a probe or two,
// a fraction of adding it to a map (which matters as ingest adds a few
// per message). Keys are never removed.
type slotTable[K comparable] struct {
	slots []tableSlot[K]
	n     int            // keys held
	shift uint           // 64 - log2(len(slots)): a hash's top bits place it
	hash  func(K) uint64 // well mixed in its top bits
}

// tableSlot is one slot of a slotTable: a key and 1 + its value, 0 when
// the slot is empty.
type tableSlot[K comparable] struct {
	key K
	at  uint32
}

// newSlotTable returns an empty table that places keys by hash.
func newSlotTable[K comparable](hash func(K) uint64) slotTable[K] {
	return slotTable[K]{hash: hash}
}

// find returns the value of k.
func (t *slotTable[K]) find(k K) (uint32, bool) {
	if t.n == 0 {
		return 0, false
	}
	mask := len(t.slots) - 1
	for i := int(t.hash(k) >> t.shift); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.at == 0 {
			return 0, false
		}
		if s.key == k {
			return s.at - 1, true
		}
	}
}

// set sets the value of k to v and returns the value it had, if any.
func (t *slotTable[K]) set(k K, v uint32) (old uint32, had bool) {
	if (t.n+1)*4 > len(t.slots)*3 { // at most 3/4 full
		t.grow()
	}
	mask := len(t.slots) - 1
	for i := int(t.hash(k) >> t.shift); ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.at == 0 {
			s.key, s.at = k, v+1
			t.n++
			return 0, false
		}
		if s.key == k {
			old, s.at = s.at-1, v+1
			return old, true
		}
	}
}

// grow doubles the table (to 64 slots at first) and places the keys
// again.
func (t *slotTable[K]) grow() {
	old := t.slots
	n := max(64, 2*len(old))
	t.slots = make([]tableSlot[K], n)
	t.shift = 64
	for m := n; m > 1; m >>= 1 {
		t.shift--
	}
	mask := n - 1
	for _, s := range old {
		if s.at == 0 {
			continue
		}
		i := int(t.hash(s.key) >> t.shift)
		for t.slots[i].at != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// reset empties the table, keeping its room unless it is big.
func (t *slotTable[K]) reset() {
	if len(t.slots) > 1<<12 {
		t.slots = nil
	}
	clear(t.slots)
	t.n = 0
}

// hashID mixes all the bits of an ID into the top bits of its hash.
func hashID(id uuid.UUID) uint64 {
	hi, lo := binary.LittleEndian.Uint64(id[:8]), binary.LittleEndian.Uint64(id[8:])
	return (hi ^ lo*0x9e3779b97f4a7c15) * 0xbf58476d1ce4e5b9
}

// hashHash places a hash that is random in every bit (maphash's) as it
// is.
func hashHash(h uint64) uint64 { return h }
