package inbox

import (
	"hash/maphash"
	"math/bits"
)

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

// authorIndex is MemoryStore's index of author records by brand and
// person: a table keyed by a hash of both, holding slab indexes, with
// the records of one hash chained. It spares the two string hashes and
// the probe of a map per lookup, and holds no pointers.
type authorIndex struct {
	seed  maphash.Seed
	heads slotTable[uint64] // by hash: slab index of the last record added with it
	next  []uint32          // by slab index: 1 + slab index of the record added before it with its hash; 0 when none
	gen   []uint64          // by slab index: the check that last met the record in a write (see MemoryStore.check)
}

func newAuthorIndex() authorIndex {
	return authorIndex{seed: maphash.MakeSeed(), heads: newSlotTable(hashHash)}
}

// hash returns the hash of a brand and a person.
func (x *authorIndex) hash(brand, person string) uint64 {
	return maphash.String(x.seed, person) ^ bits.RotateLeft64(maphash.String(x.seed, brand), 29)
}

// find returns the slab index of the record of brand and person.
func (x *authorIndex) find(recs *slab[AuthorRecord], brand, person string) (uint32, bool) {
	i, ok := x.heads.find(x.hash(brand, person))
	for ok {
		if r := recs.at(i); r.Person == person && r.Brand == brand {
			return i, true
		}
		i, ok = x.next[i]-1, x.next[i] != 0
	}
	return 0, false
}

// add indexes the record at slab index at, which is the next one: its
// brand and person are not indexed yet.
func (x *authorIndex) add(brand, person string, at uint32) {
	var next uint32
	if last, ok := x.heads.set(x.hash(brand, person), at); ok {
		next = last + 1
	}
	x.next = append(x.next, next)
	x.gen = append(x.gen, 0)
}
