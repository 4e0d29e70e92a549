package calendar

import (
	"bytes"
	"cmp"
	"context"
	"iter"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// MemoryStore is a Store held in memory: the default, and a complete one.
// It is safe for concurrent use, copies entries in and out, checks versions,
// and keeps a due index (DueAt in one-minute buckets, found through a heap of
// bucket keys) so that claiming k entries out of n costs about O(k + log n),
// not a scan.
//
// Queries for a period of up to three years walk an index of entries by
// planned day; other queries scan every entry (about 10 ms per million).
//
// Its limits: nothing survives the process; memory grows with every entry
// ever made.
type MemoryStore struct {
	mu      sync.Mutex
	entries map[uuid.UUID]*Entry
	byDay   map[int64]map[uuid.UUID]*Entry // planned day (UTC) -> entries, for period queries
	due     dueIndex
	pauses  map[string]Pause
	camps   map[string]Campaign
}

// dayOf is the UTC day an entry is planned on, its key in byDay.
func dayOf(t time.Time) int64 {
	if t.IsZero() {
		return math.MinInt64
	}
	u := t.Unix()
	d := u / 86400
	if u < 0 && u%86400 != 0 {
		d--
	}
	return d
}

// maxIndexedDays bounds the period a query walks day by day; a longer one
// scans every entry instead.
const maxIndexedDays = 3 * 366

func (s *MemoryStore) placeDay(e *Entry) {
	d := dayOf(e.At)
	m := s.byDay[d]
	if m == nil {
		m = map[uuid.UUID]*Entry{}
		s.byDay[d] = m
	}
	m[e.ID] = e
}

func (s *MemoryStore) unplaceDay(e *Entry) {
	d := dayOf(e.At)
	if m := s.byDay[d]; m != nil {
		delete(m, e.ID)
		if len(m) == 0 {
			delete(s.byDay, d)
		}
	}
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{entries: map[uuid.UUID]*Entry{}, byDay: map[int64]map[uuid.UUID]*Entry{}, pauses: map[string]Pause{},
		camps: map[string]Campaign{}}
}

// dueItem is one heap slot: the entry was due at due as of version. A slot
// whose version is no longer the entry's is stale and skipped.
type dueItem struct {
	due     int64
	version int64
	e       *Entry // the stored entry; updated in place, so the pointer stays valid
}

// dueIndex orders due slots by time: buckets of one minute, found through
// a small heap of bucket keys, each bucket sorted when first read. Pushing
// is an append; taking the next due slot touches one bucket, so claiming k
// entries out of millions stays local in memory (a plain binary heap over
// every entry pays a cache miss per level).
type dueIndex struct {
	buckets map[int64]*dueBucket
	keys    []int64      // min-heap of bucket keys
	n       int          // slots held
	spare   []*dueBucket // emptied buckets, reused so that pushing rarely allocates
}

type dueBucket struct {
	items  []dueItem // items[head:] are waiting; sorted by due when sorted is set
	head   int
	sorted bool
}

const bucketWidth = int64(60e9) // one minute, in nanoseconds

func bucketOf(due int64) int64 {
	k := due / bucketWidth
	if due < 0 && due%bucketWidth != 0 {
		k--
	}
	return k
}

func (x *dueIndex) push(it dueItem) {
	if x.buckets == nil {
		x.buckets = map[int64]*dueBucket{}
	}
	k := bucketOf(it.due)
	b := x.buckets[k]
	if b == nil {
		if n := len(x.spare); n > 0 {
			b, x.spare = x.spare[n-1], x.spare[:n-1]
		} else {
			b = &dueBucket{items: make([]dueItem, 0, 64)}
		}
		b.sorted = true
		x.buckets[k] = b
		x.pushKey(k)
	}
	// Entries mostly arrive in time order, so a bucket usually stays
	// sorted without sorting.
	if b.sorted && len(b.items) > b.head && b.items[len(b.items)-1].due > it.due {
		b.sorted = false
	}
	b.items = append(b.items, it)
	x.n++
}

// next returns the earliest slot due at or before now, removing it. Slots
// due at the same instant come in no particular order.
func (x *dueIndex) next(now int64) (dueItem, bool) {
	for len(x.keys) > 0 {
		k := x.keys[0]
		if k*bucketWidth > now {
			return dueItem{}, false
		}
		b := x.buckets[k]
		if b.head == len(b.items) {
			delete(x.buckets, k)
			x.popKey()
			if cap(b.items) <= 4096 && len(x.spare) < 1024 {
				b.items, b.head = b.items[:0], 0
				x.spare = append(x.spare, b)
			}
			continue
		}
		if !b.sorted {
			slices.SortFunc(b.items[b.head:], func(p, q dueItem) int { return cmp.Compare(p.due, q.due) })
			b.sorted = true
		}
		first := b.items[b.head]
		if first.due > now {
			return dueItem{}, false
		}
		b.items[b.head] = dueItem{} // let the entry go if it is deleted later
		b.head++
		x.n--
		return first, true
	}
	return dueItem{}, false
}

func (x *dueIndex) pushKey(k int64) {
	x.keys = append(x.keys, k)
	for i := len(x.keys) - 1; i > 0; {
		p := (i - 1) / 2
		if x.keys[p] <= x.keys[i] {
			break
		}
		x.keys[p], x.keys[i] = x.keys[i], x.keys[p]
		i = p
	}
}

func (x *dueIndex) popKey() {
	h := x.keys
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		small, l, r := i, 2*i+1, 2*i+2
		if l < len(h) && h[l] < h[small] {
			small = l
		}
		if r < len(h) && h[r] < h[small] {
			small = r
		}
		if small == i {
			break
		}
		h[i], h[small] = h[small], h[i]
		i = small
	}
	x.keys = h
}

// compareUUID orders IDs by their bytes: version 7 IDs by creation time.
func compareUUID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// index records e's claimable time, if it has one; the caller holds mu.
func (s *MemoryStore) index(e *Entry) {
	t := e.ClaimableAt()
	if t.IsZero() {
		return
	}
	s.due.push(dueItem{due: t.UnixNano(), version: e.Version, e: e})
	if s.due.n > 2*len(s.entries)+1024 {
		s.compact()
	}
}

// compact rebuilds the index from live entries, dropping stale slots.
func (s *MemoryStore) compact() {
	s.due = dueIndex{}
	for _, e := range s.entries {
		if t := e.ClaimableAt(); !t.IsZero() {
			s.due.push(dueItem{due: t.UnixNano(), version: e.Version, e: e})
		}
	}
}

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context, id uuid.UUID) (Entry, error) {
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.entries[id]
	if !ok {
		return Entry{}, cmkit.Errorf(cmkit.ErrNotFound, "calendar: entry %s not found", id)
	}
	return e.Clone(), nil
}

// Put implements Store.
func (s *MemoryStore) Put(ctx context.Context, e Entry) (Entry, error) {
	if err := ctx.Err(); err != nil {
		return Entry{}, err
	}
	if e.ID == uuid.Nil {
		return Entry{}, cmkit.Invalid("entry.id", "required", "")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.entries[e.ID]
	switch {
	case e.Version == 0 && ok:
		return Entry{}, cmkit.Errorf(cmkit.ErrConflict, "calendar: entry %s already exists", e.ID)
	case e.Version != 0 && !ok:
		return Entry{}, cmkit.Errorf(cmkit.ErrNotFound, "calendar: entry %s not found", e.ID)
	case ok && cur.Version != e.Version:
		return Entry{}, cmkit.Errorf(cmkit.ErrConflict, "calendar: entry %s is at version %d, not %d", e.ID, cur.Version, e.Version)
	}
	stored := e.Clone()
	stored.Version++
	if ok {
		s.unplaceDay(cur)
		*cur = stored // in place: due slots keep pointing at the live entry
	} else {
		cur = &stored
		s.entries[e.ID] = cur
	}
	s.placeDay(cur)
	s.index(cur)
	return cur.Clone(), nil
}

// Query implements Store.
func (s *MemoryStore) Query(ctx context.Context, q Query) iter.Seq2[Entry, error] {
	return func(yield func(Entry, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Entry{}, err)
			return
		}
		s.mu.Lock()
		var out []*Entry
		if !q.From.IsZero() && !q.To.IsZero() && q.To.Sub(q.From) < maxIndexedDays*24*time.Hour {
			// A period: walk its days rather than every entry.
			for d := dayOf(q.From); d <= dayOf(q.To); d++ {
				for _, e := range s.byDay[d] {
					if q.Match(e) {
						out = append(out, e)
					}
				}
			}
		} else {
			for _, e := range s.entries {
				if q.Match(e) {
					out = append(out, e)
				}
			}
		}
		slices.SortFunc(out, func(a, b *Entry) int {
			if c := a.At.Compare(b.At); c != 0 {
				return c
			}
			return compareUUID(a.ID, b.ID)
		})
		copies := make([]Entry, len(out))
		for i, e := range out {
			copies[i] = e.Clone()
		}
		s.mu.Unlock()
		for _, e := range copies {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// Claim implements Store.
func (s *MemoryStore) Claim(ctx context.Context, r ClaimRequest) ([]Claimed, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if r.Limit <= 0 || r.Lease <= 0 || r.Owner == "" {
		return nil, cmkit.Invalid("claim", "required", "a claim needs a positive Limit and Lease and an Owner")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := r.Now.UnixNano()
	until := r.Now.Add(r.Lease)
	out := make([]Claimed, 0, min(r.Limit, 256))
	for len(out) < r.Limit {
		it, ok := s.due.next(now)
		if !ok {
			break
		}
		e := it.e
		if t := e.ClaimableAt(); e.Version != it.version || t.IsZero() || t.UnixNano() != it.due {
			continue // stale slot
		}
		e.Lease = Lease{Owner: r.Owner, Expires: until}
		e.DueAt = until
		e.Version++
		s.due.push(dueItem{due: until.UnixNano(), version: e.Version, e: e})
		out = append(out, Claimed{ID: e.ID, Version: e.Version})
	}
	return out, nil
}

// PutPause implements Store.
func (s *MemoryStore) PutPause(ctx context.Context, p Pause) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.ID == "" {
		return cmkit.Invalid("pause.id", "required", "")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pauses[p.ID] = p
	return nil
}

// DeletePause implements Store.
func (s *MemoryStore) DeletePause(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.pauses[id]; !ok {
		return cmkit.Errorf(cmkit.ErrNotFound, "calendar: pause %q not found", id)
	}
	delete(s.pauses, id)
	return nil
}

// Pauses implements Store.
func (s *MemoryStore) Pauses(ctx context.Context) ([]Pause, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Pause, 0, len(s.pauses))
	for _, p := range s.pauses {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b Pause) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// GetCampaign implements Store.
func (s *MemoryStore) GetCampaign(ctx context.Context, name string) (Campaign, error) {
	if err := ctx.Err(); err != nil {
		return Campaign{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cp, ok := s.camps[name]
	if !ok {
		return Campaign{}, cmkit.Errorf(cmkit.ErrNotFound, "calendar: campaign %q not found", name)
	}
	return cp, nil
}

// PutCampaign implements Store.
func (s *MemoryStore) PutCampaign(ctx context.Context, cp Campaign) (Campaign, error) {
	if err := ctx.Err(); err != nil {
		return Campaign{}, err
	}
	if cp.Name == "" {
		return Campaign{}, cmkit.Invalid("campaign.name", "required", "")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur, ok := s.camps[cp.Name]
	switch {
	case cp.Version == 0 && ok:
		return Campaign{}, cmkit.Errorf(cmkit.ErrConflict, "calendar: campaign %q already exists", cp.Name)
	case cp.Version != 0 && !ok:
		return Campaign{}, cmkit.Errorf(cmkit.ErrNotFound, "calendar: campaign %q not found", cp.Name)
	case ok && cur.Version != cp.Version:
		return Campaign{}, cmkit.Errorf(cmkit.ErrConflict, "calendar: campaign %q is at version %d, not %d", cp.Name, cur.Version, cp.Version)
	}
	cp.Version++
	s.camps[cp.Name] = cp // Campaign holds no references: the copy is whole
	return cp, nil
}

// Campaigns implements Store.
func (s *MemoryStore) Campaigns(ctx context.Context) iter.Seq2[Campaign, error] {
	return func(yield func(Campaign, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Campaign{}, err)
			return
		}
		s.mu.Lock()
		out := make([]Campaign, 0, len(s.camps))
		for _, cp := range s.camps {
			out = append(out, cp)
		}
		s.mu.Unlock()
		slices.SortFunc(out, func(a, b Campaign) int { return cmp.Compare(a.Name, b.Name) })
		for _, cp := range out {
			if !yield(cp, nil) {
				return
			}
		}
	}
}
