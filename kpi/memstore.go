package kpi

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"

	"github.com/cmkit/cmkit"
)

// MemoryStore is the in-memory Store: for tests, demos, and a process
// that recomputes its aggregates at start. It is safe for concurrent use.
type MemoryStore struct {
	mu      sync.Mutex
	buckets map[bucketID]DayBucket
}

// bucketID names one series' day.
type bucketID struct {
	seriesKey
	day Period
}

func idOf(b DayBucket) bucketID { return bucketID{seriesKey{b.Measure, b.Segment}, b.Day} }

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{buckets: map[bucketID]DayBucket{}}
}

var _ Store = (*MemoryStore)(nil)

// Buckets implements Store: it yields copies of the buckets stored when
// it is called.
func (s *MemoryStore) Buckets(ctx context.Context) iter.Seq2[DayBucket, error] {
	return func(yield func(DayBucket, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(DayBucket{}, err)
			return
		}
		s.mu.Lock()
		all := make([]DayBucket, 0, len(s.buckets))
		for _, b := range s.buckets {
			all = append(all, b)
		}
		s.mu.Unlock()
		slices.SortFunc(all, CompareDayBuckets)
		for _, b := range all {
			b.Sketch = slices.Clone(b.Sketch)
			if !yield(b, nil) {
				return
			}
		}
	}
}

// PutBuckets implements Store.
func (s *MemoryStore) PutBuckets(ctx context.Context, buckets []DayBucket) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	seen := make(map[bucketID]bool, len(buckets))
	for i, b := range buckets {
		if err := b.Validate(); err != nil {
			return fmt.Errorf("kpi: bucket %d: %w", i+1, err)
		}
		id := idOf(b)
		if seen[id] {
			return cmkit.Invalid("buckets", "unique", "%s of %s on %s is named twice", b.Measure, b.Segment, b.Day)
		}
		seen[id] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range buckets {
		old, ok := s.buckets[idOf(b)]
		switch {
		case b.Version == 0 && ok:
			return cmkit.Errorf(cmkit.ErrConflict, "kpi: %s of %s on %s is already stored", b.Measure, b.Segment, b.Day)
		case b.Version != 0 && !ok:
			return cmkit.Errorf(cmkit.ErrNotFound, "kpi: %s of %s on %s is not stored", b.Measure, b.Segment, b.Day)
		case ok && old.Version != b.Version:
			return cmkit.Errorf(cmkit.ErrConflict, "kpi: %s of %s on %s is at version %d, not %d", b.Measure, b.Segment, b.Day, old.Version, b.Version)
		}
	}
	for _, b := range buckets {
		b.Version++
		b.Sketch = slices.Clone(b.Sketch)
		s.buckets[idOf(b)] = b
	}
	return nil
}
