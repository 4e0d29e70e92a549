package promotion

import "math/bits"

// nearIndex groups entries whose texts are near duplicates: their MinHash
// signatures (see signature) agree on at least nearAgree of sigBins bins,
// an estimated Jaccard similarity of their shingles of one half or more.
// Candidates are found by locality-sensitive hashing: the bins are cut
// into nearBands bands of nearRows, and only signatures equal on a whole
// band are compared: texts whose shingles are 75% alike share a band with
// probability 0.95, 85% alike 0.995, and 30% alike 0.06. Only the newest
// nearScan nodes of a band are compared, so that a bucket crowded by many
// variants of one text costs a bounded time. A comparison first counts the
// bins whose sketches (four bits of each bin) agree, which bounds the
// bins that agree from above and needs only the candidate's node, and reads
// the whole signature only when that bound reaches nearAgree. Groups are kept
// with a union-find, and each group counts the distinct people who wrote in
// it, up to the threshold that flags it.
type nearIndex struct {
	threshold int
	bySig     hashTable       // signature's hash -> node
	heads     hashTable       // band's hash -> newest node with it
	nodes     []nearNode      // per node
	sigs      list[signature] // per node
	members   []nearCell      // the cells of the groups' member lists
	persons   []nearCell      // the cells of the groups' person lists
	touched   uint64          // the sum of the values touched (see add), kept so that the loads stay
}

// nearNode is what a candidate's comparison reads, in 64 bytes (one cache
// line in the large, page-aligned arrays of a big index), and, for a root,
// its group's lists.
type nearNode struct {
	sketch [2]uint64        // four bits of each bin (see sketchOf)
	next   [nearBands]int32 // per band: the next older node with the same band hash, or -1
	parent int32            // a root is its own parent
	// For a root: the first and last cell of the group's submissions,
	// while it is not flagged (-1: none), and the first cell of its
	// distinct writers, at most threshold of them (-1: none). A group is
	// flagged when it has threshold writers.
	members, lastMember, persons int32
}

// nearCell is one element of a linked list: a submission or a person, and
// the next cell (-1 ends the list).
type nearCell struct {
	v, next int32
}

const (
	nearRows  = 4
	nearBands = sigBins / nearRows
	nearAgree = sigBins / 2
	nearScan  = 8 // most nodes compared per band bucket (the newest)
)

func newNearIndex(threshold int) nearIndex {
	return nearIndex{threshold: threshold}
}

// sketchOf packs the low four bits of each of sig's bins, bins 0 to 15 in
// the first word and 16 to 31 in the second.
func sketchOf(sig *signature) (s [2]uint64) {
	for i := 15; i >= 0; i-- {
		s[0] = s[0]<<4 | uint64(sig[i]&15)
		s[1] = s[1]<<4 | uint64(sig[16+i]&15)
	}
	return s
}

// sketchAgree counts the bins in which the sketches a and b agree: at
// least as many as the bins in which their signatures agree.
func sketchAgree(a, b *[2]uint64) int {
	const low = 0x1111111111111111
	n := sigBins
	for i := range a {
		x := a[i] ^ b[i]
		x |= x >> 1
		x |= x >> 2
		n -= bits.OnesCount64(x & low)
	}
	return n
}

// bandMix hashes the four bins of band b: two multiplications, each
// step one-to-one, so that two bands collide only by chance, and a final
// shift that brings the high bits down to the low ones the tables index by.
func bandMix(v0, v1, v2, v3 uint32, b uint64) uint64 {
	h := (uint64(v0) | uint64(v1)<<32 ^ b) * 0x9E3779B97F4A7C15
	h = (h ^ (uint64(v2) | uint64(v3)<<32)) * 0xC2B2AE3D27D4EB4F
	return h ^ h>>29
}

func (x *nearIndex) find(n int32) int32 {
	for x.nodes[n].parent != n {
		x.nodes[n].parent = x.nodes[x.nodes[n].parent].parent
		n = x.nodes[n].parent
	}
	return n
}

// union joins root ra's group with node c's and returns the new root.
func (x *nearIndex) union(ra, c int32) int32 {
	rb := x.find(c)
	if ra == rb {
		return ra
	}
	a, b := &x.nodes[ra], &x.nodes[rb]
	// The smaller list of writers moves.
	if x.count(a.persons) > x.count(b.persons) {
		ra, rb, a, b = rb, ra, b, a
	}
	a.parent = rb
	for p := a.persons; p >= 0; p = x.persons[p].next {
		x.addPerson(rb, x.persons[p].v)
	}
	if a.members >= 0 {
		if b.members < 0 {
			b.members = a.members
		} else {
			x.members[b.lastMember].next = a.members
		}
		b.lastMember = a.lastMember
	}
	a.members, a.lastMember, a.persons = -1, -1, -1
	return rb
}

// count returns the length of the person list that starts at cell p.
func (x *nearIndex) count(p int32) int {
	n := 0
	for ; p >= 0; p = x.persons[p].next {
		n++
	}
	return n
}

// addPerson adds person p to root's writers, unless it is there or the
// group has threshold already, and returns how many writers it has.
func (x *nearIndex) addPerson(root, p int32) int {
	n := 0
	head := x.nodes[root].persons
	found := false
	for c := head; c >= 0; c = x.persons[c].next {
		n++
		found = found || x.persons[c].v == p
	}
	if found || n >= x.threshold {
		return n
	}
	x.nodes[root].persons = int32(len(x.persons))
	x.persons = append(grow(x.persons), nearCell{p, head})
	return n + 1
}

// add records submission sub, written by person p, whose text has
// signature sig. It reports whether sub's group is flagged, and returns
// the first cell of the list (in x.members) of the group's submissions
// that were not flagged before this call, to revoke; -1 when none.
func (x *nearIndex) add(sig *signature, sub, p int32) (flagged bool, revoke int32) {
	var bandHash [nearBands]uint64
	whole := uint64(0)
	for b := range bandHash {
		h := bandMix(sig[b*nearRows], sig[b*nearRows+1], sig[b*nearRows+2], sig[b*nearRows+3], uint64(b))
		bandHash[b] = h
		whole = whole*31 + h
	}
	// The tables are larger than the caches: touch every slot this call
	// will read first, so that the processor waits for their misses at
	// once rather than one after another.
	x.touched = x.bySig.touch(whole) + x.heads.touch(bandHash[:]...)
	node := int32(len(x.nodes))
	node, found := x.bySig.getOrPut(whole, node)
	root := node
	if found {
		root = x.find(node)
	} else {
		sk := sketchOf(sig)
		nn := nearNode{sketch: sk, parent: node, members: -1, lastMember: -1, persons: -1}
		nn.next = x.heads.swapBands(&bandHash, node)
		var touched int32
		for _, c := range nn.next {
			if c >= 0 && c < node { // c == node if two bands share a hash
				touched += x.nodes[c].parent
			}
		}
		x.touched += uint64(touched)
		x.nodes = append(grow(x.nodes), nn)
		x.sigs.push(sig)
		for b := range bandHash {
			c := nn.next[b]
			for n := 0; c >= 0 && n < nearScan; n++ {
				cn := &x.nodes[c]
				if sketchAgree(&cn.sketch, &sk) >= nearAgree && x.find(c) != root && agree(x.sigs.at(int(c)), sig, nearAgree) >= nearAgree {
					root = x.union(root, c)
				}
				c = cn.next[b]
			}
		}
	}
	r := &x.nodes[root]
	if x.addPerson(root, p) < x.threshold {
		cell := int32(len(x.members))
		x.members = append(grow(x.members), nearCell{sub, -1})
		if r.members < 0 {
			r.members = cell
		} else {
			x.members[r.lastMember].next = cell
		}
		r.lastMember = cell
		return false, -1
	}
	revoke = r.members
	r.members, r.lastMember = -1, -1
	return true, revoke
}

// hashTable maps a 64-bit hash to a node: an open-addressing table with
// linear probing, cheaper than a Go map for the lookups of every new
// signature (a slot's key and node are 12 bytes together, most often in
// one cache line).
type hashTable struct {
	slots   []hashSlot // a slot with key 0 is free
	n       int
	hasZero bool  // key 0 is stored
	zero    int32 // its node
}

// hashSlot is a key, in two halves so that a slot takes 12 bytes, and
// its node.
type hashSlot struct {
	lo, hi uint32
	node   int32
}

// key returns the slot's key.
func (s *hashSlot) key() uint64 { return uint64(s.lo) | uint64(s.hi)<<32 }

// setKey stores key k in the slot.
func (s *hashSlot) setKey(k uint64) { s.lo, s.hi = uint32(k), uint32(k>>32) }

// touch loads the home slot of each key and returns the sum of what it
// read (see nearIndex.add).
func (t *hashTable) touch(keys ...uint64) uint64 {
	if len(t.slots) == 0 {
		return 0
	}
	m := uint64(len(t.slots) - 1)
	var sum uint64
	for _, k := range keys {
		sum += uint64(t.slots[k&m].lo)
	}
	return sum
}

// swap stores node under key and returns the node it replaces, or -1.
func (t *hashTable) swap(key uint64, node int32) int32 {
	s, found := t.slot(key)
	if !found {
		*s = node
		return -1
	}
	prev := *s
	*s = node
	return prev
}

// swapBands stores node under each of keys and returns the nodes it
// replaces (-1 for none), as swap does for each key in turn.
func (t *hashTable) swapBands(keys *[nearBands]uint64, node int32) (prev [nearBands]int32) {
	for 2*(t.n+nearBands) > len(t.slots) {
		t.grow()
	}
	m := uint64(len(t.slots) - 1)
	for b, key := range keys {
		if key == 0 {
			prev[b] = t.swap(key, node) // does not grow the slots
			continue
		}
		for i := key & m; ; i = (i + 1) & m {
			s := &t.slots[i]
			k := s.key()
			if k == key {
				prev[b], s.node = s.node, node
				break
			}
			if k == 0 {
				s.setKey(key)
				s.node, prev[b] = node, -1
				t.n++
				break
			}
		}
	}
	return prev
}

// getOrPut returns the node stored under key and true, or stores node
// under key and returns it and false.
func (t *hashTable) getOrPut(key uint64, node int32) (int32, bool) {
	s, found := t.slot(key)
	if !found {
		*s = node
		return node, false
	}
	return *s, true
}

// slot returns the node stored under key and true, or the new slot of key
// (the key stored, the node left to the caller) and false.
func (t *hashTable) slot(key uint64) (*int32, bool) {
	if key == 0 {
		found := t.hasZero
		t.hasZero = true
		return &t.zero, found
	}
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	m := uint64(len(t.slots) - 1)
	for i := key & m; ; i = (i + 1) & m {
		s := &t.slots[i]
		switch s.key() {
		case key:
			return &s.node, true
		case 0:
			s.setKey(key)
			t.n++
			return &s.node, false
		}
	}
}

func (t *hashTable) grow() {
	old := t.slots
	t.slots, t.n = make([]hashSlot, max(1024, 2*len(old))), 0
	for _, s := range old {
		if k := s.key(); k != 0 {
			n, _ := t.slot(k)
			*n = s.node
		}
	}
}
