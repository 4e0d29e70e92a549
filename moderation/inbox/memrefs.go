package inbox

import "hash/maphash"

// refTable is what an ingestBatch knows of keys by name: those it bound,
// and, for a Store that is not an ingestStore, those it looked up. It is
// keyed by a hash of the name (keys of one hash chained), so that a
// lookup with the key in bytes hashes it once and allocates nothing, and
// binding one is a slot and an append rather than a map insert.
type refTable struct {
	seed    maphash.Seed
	heads   slotTable[uint64] // by hash: index in entries of the last name with it
	entries []refEntry
}

// refEntry is a name and what the batch knows of it.
type refEntry struct {
	name string
	st   refState
	prev uint32 // 1 + index in entries of the name before it with its hash; 0 when none
}

func newRefTable() refTable {
	return refTable{seed: maphash.MakeSeed(), heads: newSlotTable(hashHash)}
}

// find returns what the table knows of key.
func (t *refTable) find(key []byte) (refState, bool) {
	if i, ok := t.at(maphash.Bytes(t.seed, key), string(key)); ok {
		return t.entries[i].st, true
	}
	return refState{}, false
}

// at returns the index in entries of name, whose hash is h.
func (t *refTable) at(h uint64, name string) (uint32, bool) {
	i, ok := t.heads.find(h)
	for ok {
		e := &t.entries[i]
		if e.name == name {
			return i, true
		}
		i, ok = e.prev-1, e.prev != 0
	}
	return 0, false
}

// set records st for name.
func (t *refTable) set(name string, st refState) {
	h := maphash.String(t.seed, name)
	if i, ok := t.at(h, name); ok {
		t.entries[i].st = st
		return
	}
	e := refEntry{name: name, st: st}
	if last, ok := t.heads.find(h); ok {
		e.prev = last + 1
	}
	t.entries = append(t.entries, e)
	t.heads.set(h, uint32(len(t.entries)-1))
}

// reset empties the table, keeping its room.
func (t *refTable) reset() {
	t.heads.reset()
	clear(t.entries)
	t.entries = t.entries[:0]
}
