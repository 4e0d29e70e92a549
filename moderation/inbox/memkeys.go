package inbox

import "hash/maphash"

// keyIndex is MemoryStore's index of keys: what each key is bound to.
// It holds no pointers, so that the collector does not scan it however
// many keys the store holds, and its map is keyed by a hash of the
// key, so that growing the map does not read the keys again: the names
// live in an arena of bytes, read to tell apart the keys that share a
// hash.
type keyIndex struct {
	seed  maphash.Seed
	heads slotTable[uint64] // by hash: index in bound of the last key bound with it
	bound slab[boundKey]
	names keyArena
}

// boundKey is a key and what it is bound to.
type boundKey struct {
	ref  Ref
	name arenaString
	next uint32 // 1 + index in bound of the key bound before with the same hash; 0 when none
}

func newKeyIndex() keyIndex {
	return keyIndex{seed: maphash.MakeSeed(), heads: newSlotTable(hashHash)}
}

// hash returns the hash of key in the index.
func (x *keyIndex) hash(key string) uint64 { return maphash.String(x.seed, key) }

// find returns what key is bound to.
func (x *keyIndex) find(key string) (Ref, bool) { return x.findHashed(x.hash(key), key) }

// findHashed is find for a key whose hash is h.
func (x *keyIndex) findHashed(h uint64, key string) (Ref, bool) {
	i, ok := x.heads.find(h)
	for ok {
		k := x.bound.at(i)
		if string(x.names.bytes(k.name)) == key {
			return k.ref, true
		}
		i, ok = k.next-1, k.next != 0
	}
	return Ref{}, false
}

// findBytes is find for a key in bytes, which it does not copy.
func (x *keyIndex) findBytes(key []byte) (Ref, bool) {
	i, ok := x.heads.find(maphash.Bytes(x.seed, key))
	for ok {
		k := x.bound.at(i)
		if string(x.names.bytes(k.name)) == string(key) {
			return k.ref, true
		}
		i, ok = k.next-1, k.next != 0
	}
	return Ref{}, false
}

// add binds key, which is not bound, to ref.
func (x *keyIndex) add(key string, ref Ref) { x.addHashed(x.hash(key), key, ref) }

// addHashed is add for a key whose hash is h.
func (x *keyIndex) addHashed(h uint64, key string, ref Ref) {
	k, i := x.bound.next()
	k.ref, k.name = ref, x.names.add(key)
	if head, ok := x.heads.set(h, i); ok {
		k.next = head + 1
	}
}

// keyArena keeps strings in chunks of bytes, which are never moved or
// freed.
type keyArena struct {
	chunks [][]byte
}

// arenaString is where a keyArena keeps a string.
type arenaString struct {
	chunk, at, n uint32
}

const arenaChunk = 64 << 10

// add copies s into the arena.
func (a *keyArena) add(s string) arenaString { return arenaAdd(a, s) }

// addBytes copies b into the arena.
func (a *keyArena) addBytes(b []byte) arenaString { return arenaAdd(a, b) }

func arenaAdd[S string | []byte](a *keyArena, s S) arenaString {
	n := len(a.chunks)
	if n == 0 || cap(a.chunks[n-1])-len(a.chunks[n-1]) < len(s) {
		a.chunks = append(a.chunks, make([]byte, 0, max(arenaChunk, len(s))))
		n++
	}
	c := &a.chunks[n-1]
	at := len(*c)
	*c = append(*c, s...)
	return arenaString{chunk: uint32(n - 1), at: uint32(at), n: uint32(len(s))}
}

// bytes returns the bytes of s, which the caller must not change.
func (a *keyArena) bytes(s arenaString) []byte {
	if s.n == 0 {
		return nil
	}
	return a.chunks[s.chunk][s.at : s.at+s.n]
}
