package promotion

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"

	"github.com/cmkit/cmkit"
)

// MemoryStore is a Store in memory, the default for a single process. It
// is safe for concurrent use, copies what it takes and returns, and
// passes cmkittest.TestPromotionStore. It keeps nothing across a restart
// of the process, and its memory grows with every submission kept.
type MemoryStore struct {
	mu   sync.RWMutex
	recs map[string]PromotionRecord
	subs map[string][]StoredSubmission
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{recs: map[string]PromotionRecord{}, subs: map[string][]StoredSubmission{}}
}

// Create implements Store.
func (s *MemoryStore) Create(ctx context.Context, rec PromotionRecord) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkCreate(&rec); err != nil {
		return err
	}
	rec = rec.Clone()
	rec.Version = 1
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.recs[rec.ID()]; ok {
		return fmt.Errorf("promotion: %q exists: %w", rec.ID(), cmkit.ErrConflict)
	}
	s.recs[rec.ID()] = rec
	return nil
}

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context, id string) (PromotionRecord, error) {
	if err := ctx.Err(); err != nil {
		return PromotionRecord{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	rec, ok := s.recs[id]
	if !ok {
		return PromotionRecord{}, fmt.Errorf("promotion: %q: %w", id, cmkit.ErrNotFound)
	}
	return rec.Clone(), nil
}

// Update implements Store.
func (s *MemoryStore) Update(ctx context.Context, rec PromotionRecord, subs ...StoredSubmission) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkUpdate(&rec, subs); err != nil {
		return err
	}
	rec = rec.Clone()
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.recs[rec.ID()]
	switch {
	case !ok:
		return fmt.Errorf("promotion: %q: %w", rec.ID(), cmkit.ErrNotFound)
	case old.Version != rec.Version:
		return fmt.Errorf("promotion: %q is at version %d, not %d: %w", rec.ID(), old.Version, rec.Version, cmkit.ErrConflict)
	}
	stored := s.subs[rec.ID()]
	if err := checkCount(&rec, subs, len(stored)); err != nil {
		return err
	}
	rec.Version++
	s.recs[rec.ID()] = rec
	if len(subs) > 0 {
		// append copies the values; a StoredSubmission holds no slice or
		// pointer, so nothing is shared with the caller.
		s.subs[rec.ID()] = append(stored, subs...)
	}
	return nil
}

// List implements Store.
func (s *MemoryStore) List(ctx context.Context, brand string) ([]PromotionRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var out []PromotionRecord
	for _, rec := range s.recs {
		if brand == "" || rec.Promotion.Brand == brand {
			out = append(out, rec.Clone())
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b PromotionRecord) int { return strings.Compare(a.ID(), b.ID()) })
	return out, nil
}

// Submissions implements Store. It yields the submissions stored when
// each one is reached, reading them a page at a time.
func (s *MemoryStore) Submissions(ctx context.Context, id string, after int) iter.Seq2[StoredSubmission, error] {
	return func(yield func(StoredSubmission, error) bool) {
		const page = 256
		next := max(after, 0)        // index of the next submission
		var batch []StoredSubmission // one page, copied out under the lock and reused
		for {
			if err := ctx.Err(); err != nil {
				yield(StoredSubmission{}, err)
				return
			}
			s.mu.RLock()
			list := s.subs[id]
			batch = batch[:0]
			if next < len(list) {
				batch = append(batch, list[next:min(next+page, len(list))]...)
			}
			s.mu.RUnlock()
			if len(batch) == 0 {
				return
			}
			for _, sub := range batch {
				if !yield(sub, nil) {
					return
				}
			}
			next += len(batch)
		}
	}
}
