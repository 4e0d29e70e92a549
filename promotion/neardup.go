package promotion

// nearIndex groups entries whose texts are near duplicates: their MinHash
// signatures (see signature) agree on at least nearAgree of sigBins bins,
// an estimated Jaccard similarity of their shingles of one half or more.
// Candidates are found by locality-sensitive hashing: the bins are cut
// into nearBands bands of nearRows, and only signatures equal on a whole
// band are compared: texts whose shingles are 75% alike share a band with
// probability 0.95, 85% alike 0.995, and 30% alike 0.06. Only the newest
// nearScan nodes of a band are compared, so that a bucket crowded by many
// variants of one text costs a bounded time. Groups are kept with a union-find,
// and each group counts the distinct people who wrote in it, up to the
// threshold that flags it.
type nearIndex struct {
	threshold int
	bySig     map[uint64]int32   // signature's hash -> node
	heads     headTable          // band's hash -> newest node with it
	sigs      []signature        // per node
	next      [][nearBands]int32 // per node and band: the next older node with the same band hash, or -1
	parent    []int32            // per node; a root is its own parent
	// Per root:
	persons [][]personKey // distinct writers, at most threshold
	members [][]int32     // submissions, while the group is not flagged
	flagged []bool
}

const (
	nearRows  = 4
	nearBands = sigBins / nearRows
	nearAgree = sigBins / 2
	nearScan  = 8 // most nodes compared per band bucket (the newest)
)

func newNearIndex(threshold int) nearIndex {
	return nearIndex{threshold: threshold, bySig: map[uint64]int32{}}
}

func (x *nearIndex) find(n int32) int32 {
	for x.parent[n] != n {
		x.parent[n] = x.parent[x.parent[n]]
		n = x.parent[n]
	}
	return n
}

// union joins the groups of a and b and returns the root.
func (x *nearIndex) union(a, b int32) int32 {
	ra, rb := x.find(a), x.find(b)
	if ra == rb {
		return ra
	}
	if len(x.members[ra]) < len(x.members[rb]) {
		ra, rb = rb, ra
	}
	x.parent[rb] = ra
	for _, p := range x.persons[rb] {
		x.addPerson(ra, p)
	}
	x.members[ra] = append(x.members[ra], x.members[rb]...)
	x.flagged[ra] = x.flagged[ra] || x.flagged[rb]
	x.persons[rb], x.members[rb] = nil, nil
	return ra
}

func (x *nearIndex) addPerson(root int32, p personKey) {
	ps := x.persons[root]
	if len(ps) >= x.threshold {
		return
	}
	for _, q := range ps {
		if q == p {
			return
		}
	}
	x.persons[root] = append(ps, p)
	if len(x.persons[root]) >= x.threshold {
		x.flagged[root] = true
	}
}

// add records submission sub, written by p, whose text has signature sig.
// It reports whether sub's group is flagged, and returns the submissions
// of the group that were not flagged before this call (to revoke), or nil.
func (x *nearIndex) add(sig *signature, sub int32, p personKey) (flagged bool, revoke []int32) {
	var bandHash [nearBands]uint64
	whole := uint64(0)
	for b := range bandHash {
		h := uint64(14695981039346656037) ^ uint64(b)
		for _, v := range sig[b*nearRows : (b+1)*nearRows] {
			h = (h ^ uint64(v)) * 1099511628211
		}
		bandHash[b] = h
		whole = whole*31 + h
	}
	node, ok := x.bySig[whole]
	if !ok {
		node = int32(len(x.sigs))
		x.bySig[whole] = node
		x.sigs = append(x.sigs, *sig)
		x.parent = append(x.parent, node)
		x.persons = append(x.persons, nil)
		x.members = append(x.members, nil)
		x.flagged = append(x.flagged, false)
		x.next = append(x.next, [nearBands]int32{})
	}
	root := x.find(node)
	if !ok {
		for b, h := range bandHash {
			c := x.heads.swap(h, node)
			x.next[node][b] = c
			for n := 0; c >= 0 && n < nearScan; n++ {
				if x.find(c) != root && agree(&x.sigs[c], sig, nearAgree) >= nearAgree {
					root = x.union(node, c)
				}
				c = x.next[c][b]
			}
		}
	}
	x.addPerson(root, p)
	if !x.flagged[root] {
		x.members[root] = append(x.members[root], sub)
		return false, nil
	}
	revoke = x.members[root]
	x.members[root] = nil
	return true, revoke
}

// headTable maps a band's hash to the newest node with it: an
// open-addressing table with linear probing, cheaper than a Go map for the
// eight lookups-and-stores of every new signature.
type headTable struct {
	keys  []uint64 // 0 marks a free slot (a hash of 0 is stored as 1)
	nodes []int32
	n     int
}

// swap stores node under key and returns the node it replaces, or -1.
func (t *headTable) swap(key uint64, node int32) int32 {
	if key == 0 {
		key = 1
	}
	if 2*(t.n+1) > len(t.keys) {
		t.grow()
	}
	m := uint64(len(t.keys) - 1)
	for i := key & m; ; i = (i + 1) & m {
		switch t.keys[i] {
		case key:
			prev := t.nodes[i]
			t.nodes[i] = node
			return prev
		case 0:
			t.keys[i], t.nodes[i] = key, node
			t.n++
			return -1
		}
	}
}

func (t *headTable) grow() {
	old, oldNodes := t.keys, t.nodes
	size := max(1024, 2*len(old))
	t.keys, t.nodes, t.n = make([]uint64, size), make([]int32, size), 0
	for i, k := range old {
		if k != 0 {
			t.swap(k, oldNodes[i])
		}
	}
}
