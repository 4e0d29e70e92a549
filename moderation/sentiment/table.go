package sentiment

// table is an open-addressing hash table from keys to entry ids, keyed by
// FNV-1a so that a word's prefixes are hashed in one pass (see
// lookupWord). It is built once and only read afterwards.
type table struct {
	slots []slot   // 8 bytes each, so the hot part fits in cache
	keys  []string // by slot
	mask  uint32
}

type slot struct {
	h  uint32
	id int32 // entry id + 1; 0 marks an empty slot
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

// fnv is FNV-1a, 32 bits.
func fnv(k string) uint32 {
	h := uint32(fnvOffset)
	for i := 0; i < len(k); i++ {
		h = (h ^ uint32(k[i])) * fnvPrime
	}
	return h
}

func fnvBytes(k []byte) uint32 {
	h := uint32(fnvOffset)
	for _, c := range k {
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

// newTable returns a table of m, at most half full.
func newTable(m map[string]int32) table {
	size := 16
	for size < 2*len(m) {
		size *= 2
	}
	t := table{slots: make([]slot, size), keys: make([]string, size), mask: uint32(size - 1)}
	for k, id := range m {
		h := fnv(k)
		i := h & t.mask
		for t.slots[i].id != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = slot{h: h, id: id + 1}
		t.keys[i] = k
	}
	return t
}

// get returns the id of key k, whose FNV-1a hash is h.
func (t *table) get(k []byte, h uint32) (int32, bool) {
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.id == 0 {
			return -1, false
		}
		if s.h == h && t.keys[i] == string(k) {
			return s.id - 1, true
		}
	}
}

func (t *table) getString(k string) (int32, bool) {
	h := fnv(k)
	for i := h & t.mask; ; i = (i + 1) & t.mask {
		s := &t.slots[i]
		if s.id == 0 {
			return -1, false
		}
		if s.h == h && t.keys[i] == k {
			return s.id - 1, true
		}
	}
}
