package promotion

// nearIndex groups entries whose texts are near duplicates: their MinHash
// signatures (see signature) agree on at least nearAgree of sigBins bins,
// an estimated Jaccard similarity of their shingles of one half or more.
// Candidates are found by locality-sensitive hashing: the bins are cut
// into nearBands bands of nearRows, and only signatures equal on a whole
// band are compared (texts that similar share a band with probability
// above 0.98, different texts rarely). Groups are kept with a union-find,
// and each group counts the distinct people who wrote in it, up to the
// threshold that flags it.
type nearIndex struct {
	threshold int
	bySig     map[signature]int32           // signature -> node
	bands     [nearBands]map[uint64][]int32 // band hash -> nodes, oldest first
	sigs      []signature                   // per node
	parent    []int32                       // per node; a root is its own parent
	// Per root:
	persons [][]personKey // distinct writers, at most threshold
	members [][]int32     // submissions, while the group is not flagged
	flagged []bool
}

const (
	nearRows  = 3
	nearBands = sigBins / nearRows
	nearAgree = sigBins / 2
	nearScan  = 64 // most nodes compared per band bucket (the newest)
)

func newNearIndex(threshold int) nearIndex {
	x := nearIndex{threshold: threshold, bySig: map[signature]int32{}}
	for i := range x.bands {
		x.bands[i] = map[uint64][]int32{}
	}
	return x
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
	node, ok := x.bySig[*sig]
	if !ok {
		node = int32(len(x.sigs))
		x.bySig[*sig] = node
		x.sigs = append(x.sigs, *sig)
		x.parent = append(x.parent, node)
		x.persons = append(x.persons, nil)
		x.members = append(x.members, nil)
		x.flagged = append(x.flagged, false)
	}
	root := x.find(node)
	if !ok {
		for b := range x.bands {
			h := uint64(14695981039346656037)
			for _, v := range sig[b*nearRows : (b+1)*nearRows] {
				h = (h ^ uint64(v)) * 1099511628211
			}
			bucket := x.bands[b][h]
			for _, c := range bucket[max(0, len(bucket)-nearScan):] {
				if agree(&x.sigs[c], sig) >= nearAgree {
					root = x.union(node, c)
				}
			}
			x.bands[b][h] = append(bucket, node)
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
