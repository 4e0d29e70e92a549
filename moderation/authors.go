package moderation

import (
	"sync"

	"github.com/cmkit/cmkit"
)

// AuthorHistory tells the engine whether an author has written on a
// channel before, for the "first_time" condition. The default is a
// memory bounded by WithAuthorMemory; a product with a database of its
// community implements it there.
type AuthorHistory interface {
	// Seen records that authorID wrote on channelID and reports whether
	// it had before. Evaluate calls it once per mention whose author has
	// an ID, when a rule has a first_time condition. It must be safe for
	// concurrent use.
	Seen(channelID, authorID string) bool
}

// seenAuthors is the default AuthorHistory: two generations of a set of
// hashes of (channel, author). New authors go into the current
// generation; when it holds half the memory, it becomes the previous one
// and the one before is forgotten. An author found in the previous
// generation moves to the current one, so active authors stay
// remembered. It remembers at least the last n/2 and at most n distinct
// authors.
//
// Each generation's table starts small and doubles while it is more than
// half full, up to the size its n/2 entries need, so that a community
// much smaller than the memory is probed in a table that stays in the
// cache. A table, once grown, is reused by the later generations.
type seenAuthors struct {
	mu        sync.Mutex
	cur, prev []uint64 // open addressing, 0 is empty; power-of-two lengths
	count     int      // entries in cur
	limit     int      // entries per generation
	size      int      // the largest table a generation needs
}

// minSeenTable is the length a table starts with.
const minSeenTable = 256

func newSeenAuthors(n int) *seenAuthors {
	limit := max(1, n/2)
	size := 1
	for size < 2*limit {
		size <<= 1
	}
	start := min(size, minSeenTable)
	return &seenAuthors{cur: make([]uint64, start), prev: make([]uint64, start), limit: limit, size: size}
}

var _ AuthorHistory = (*seenAuthors)(nil)

func (s *seenAuthors) Seen(channelID, authorID string) bool {
	h := uint64(14695981039346656037)
	for i := 0; i < len(channelID); i++ {
		h = (h ^ uint64(channelID[i])) * 1099511628211
	}
	h = (h ^ 0xff) * 1099511628211
	for i := 0; i < len(authorID); i++ {
		h = (h ^ uint64(authorID[i])) * 1099511628211
	}
	h = mix64(h)
	if h == 0 {
		h = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if find(s.cur, h) {
		return true
	}
	seen := find(s.prev, h)
	if s.count >= s.limit {
		s.prev, s.cur = s.cur, s.prev
		clear(s.cur)
		s.count = 0
	}
	if 2*(s.count+1) > len(s.cur) && len(s.cur) < s.size {
		s.grow()
	}
	insert(s.cur, h)
	s.count++
	return seen
}

// grow doubles the current table, keeping its entries.
func (s *seenAuthors) grow() {
	old := s.cur
	s.cur = make([]uint64, 2*len(old))
	for _, h := range old {
		if h != 0 {
			insert(s.cur, h)
		}
	}
}

func find(t []uint64, h uint64) bool {
	mask := uint64(len(t) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch t[i] {
		case h:
			return true
		case 0:
			return false
		}
	}
}

func insert(t []uint64, h uint64) {
	mask := uint64(len(t) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		if t[i] == 0 || t[i] == h {
			t[i] = h
			return
		}
	}
}

// len returns how many authors the memory holds.
func (s *seenAuthors) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, t := range [][]uint64{s.cur, s.prev} {
		for _, h := range t {
			if h != 0 {
				n++
			}
		}
	}
	return n
}

// authorSet is a compiled AuthorList. idKeys and handleKeys are bit sets
// of shapeBit of the IDs and of the (lower-case) handles: a string whose
// bit is not set is not in the map, which spares most look-ups.
type authorSet struct {
	ids        map[string]bool
	handles    map[string]bool // lower case, without "@"
	idKeys     [4]uint64
	handleKeys [4]uint64
}

// shapeBit maps a non-empty string to one of 256 bits by its length and
// its first and last bytes, lower-cased (ASCII letters), so that a string
// and its lower case get the same bit.
func shapeBit(s string) uint8 {
	return uint8(len(s)*29 ^ int(asciiLowerByte(s[0]))*7 ^ int(asciiLowerByte(s[len(s)-1])))
}

func hasBit(set *[4]uint64, b uint8) bool { return set[b>>6]&(1<<(b&63)) != 0 }

func newAuthorSet(authors []string) authorSet {
	s := authorSet{ids: map[string]bool{}, handles: map[string]bool{}}
	for _, a := range authors {
		if len(a) > 1 && a[0] == '@' {
			h := asciiLower(a[1:])
			s.handles[h] = true
			b := shapeBit(h)
			s.handleKeys[b>>6] |= 1 << (b & 63)
		} else if a != "" {
			s.ids[a] = true
			b := shapeBit(a)
			s.idKeys[b>>6] |= 1 << (b & 63)
		}
	}
	return s
}

func (s *authorSet) has(a *cmkit.Author) bool {
	if a.ID != "" && hasBit(&s.idKeys, shapeBit(a.ID)) && s.ids[a.ID] {
		return true
	}
	h := a.Handle
	if len(h) > 0 && h[0] == '@' {
		h = h[1:]
	}
	if h == "" || !hasBit(&s.handleKeys, shapeBit(h)) {
		return false
	}
	var buf [64]byte
	if len(h) <= len(buf) {
		b := buf[:len(h)]
		for i := 0; i < len(h); i++ {
			c := h[i]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b[i] = c
		}
		return s.handles[string(b)]
	}
	return s.handles[asciiLower(h)]
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
