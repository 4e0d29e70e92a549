package cmkittest_test

import (
	"context"
	"errors"
	"iter"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/promotion"
)

func TestPromotionStoreOnMemoryStore(t *testing.T) {
	cmkittest.TestPromotionStore(t, func(*testing.T) promotion.Store { return promotion.NewMemoryStore() })
}

// Deliberately broken promotion stores, to show that TestPromotionStore
// fails them. Each wraps a MemoryStore and is broken in one way only.

// promoIgnoresVersions writes over whatever version is stored, as a naive
// UPSERT does: every concurrent writer wins.
type promoIgnoresVersions struct{ *promotion.MemoryStore }

func (s promoIgnoresVersions) Update(ctx context.Context, rec promotion.PromotionRecord, subs ...promotion.StoredSubmission) error {
	for attempt := 1; ; attempt++ {
		if cur, err := s.Get(ctx, rec.Promotion.ID); err == nil && rec.Version > 0 {
			rec.Version = cur.Version
		}
		err := s.MemoryStore.Update(ctx, rec, subs...)
		if !errors.Is(err, cmkit.ErrConflict) || attempt == 32 {
			return err
		}
	}
}

// promoAliases keeps the records it is given, and hands them out, without
// copying: a caller that changes a slice it wrote or read changes the
// store.
type promoAliases struct {
	*promotion.MemoryStore
	mu   sync.Mutex
	recs map[string]*promotion.PromotionRecord
}

func (s *promoAliases) Create(ctx context.Context, rec promotion.PromotionRecord) error {
	if err := s.MemoryStore.Create(ctx, rec); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Version = 1
	s.recs[rec.Promotion.ID] = &rec
	return nil
}

func (s *promoAliases) Update(ctx context.Context, rec promotion.PromotionRecord, subs ...promotion.StoredSubmission) error {
	if err := s.MemoryStore.Update(ctx, rec, subs...); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec.Version++
	s.recs[rec.Promotion.ID] = &rec
	return nil
}

func (s *promoAliases) Get(ctx context.Context, id string) (promotion.PromotionRecord, error) {
	if _, err := s.MemoryStore.Get(ctx, id); err != nil {
		return promotion.PromotionRecord{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.recs[id], nil
}

// promoLosesSubmissions stores only the first submission of each update,
// as a store that inserts one row where it should insert many.
type promoLosesSubmissions struct{ *promotion.MemoryStore }

func (s promoLosesSubmissions) Update(ctx context.Context, rec promotion.PromotionRecord, subs ...promotion.StoredSubmission) error {
	if len(subs) > 1 {
		rec.Submissions -= len(subs) - 1
		subs = subs[:1]
	}
	return s.MemoryStore.Update(ctx, rec, subs...)
}

// promoReorders yields submissions by mention ID, as a store whose query
// forgets ORDER BY seq and gets the index's order.
type promoReorders struct{ *promotion.MemoryStore }

func (s promoReorders) Submissions(ctx context.Context, id string, after int) iter.Seq2[promotion.StoredSubmission, error] {
	return func(yield func(promotion.StoredSubmission, error) bool) {
		var all []promotion.StoredSubmission
		for sub, err := range s.MemoryStore.Submissions(ctx, id, after) {
			if err != nil {
				yield(sub, err)
				return
			}
			all = append(all, sub)
		}
		slices.SortFunc(all, func(a, b promotion.StoredSubmission) int {
			if a.Mention.ID < b.Mention.ID {
				return -1
			}
			if a.Mention.ID > b.Mention.ID {
				return 1
			}
			return 0
		})
		for _, sub := range all {
			if !yield(sub, nil) {
				return
			}
		}
	}
}

// promoHalfApplies writes what it can of a refused update: the record
// with its first submission, as a store that inserts row by row outside
// a transaction.
type promoHalfApplies struct{ *promotion.MemoryStore }

func (s promoHalfApplies) Update(ctx context.Context, rec promotion.PromotionRecord, subs ...promotion.StoredSubmission) error {
	err := s.MemoryStore.Update(ctx, rec, subs...)
	if err == nil || len(subs) < 2 {
		return err
	}
	if cur, gerr := s.Get(ctx, rec.Promotion.ID); gerr == nil && subs[0].Seq == cur.Submissions+1 {
		rec.Version, rec.Submissions = cur.Version, cur.Submissions+1
		_ = s.MemoryStore.Update(ctx, rec, subs[0])
	}
	return err
}

type brokenPromotionStore struct {
	make          func() promotion.Store
	fails, passes []string
}

var brokenPromotionStores = map[string]brokenPromotionStore{
	"ignores-versions": {make: func() promotion.Store { return promoIgnoresVersions{promotion.NewMemoryStore()} },
		fails:  []string{"StaleVersionConflicts", "ConcurrentWritersOneWins"},
		passes: []string{"RoundTrip", "InvalidWrites", "SubmissionsInOrder", "ListByBrand"}},
	"aliases": {make: func() promotion.Store {
		return &promoAliases{MemoryStore: promotion.NewMemoryStore(), recs: map[string]*promotion.PromotionRecord{}}
	},
		fails:  []string{"CopiesInAndOut"},
		passes: []string{"RoundTrip", "StaleVersionConflicts", "SubmissionsInOrder"}},
	"loses-submissions": {make: func() promotion.Store { return promoLosesSubmissions{promotion.NewMemoryStore()} },
		fails:  []string{"RoundTrip", "SubmissionsInOrder"},
		passes: []string{"NotFound", "StaleVersionConflicts", "ConcurrentAppends", "ListByBrand"}},
	"half-applies": {make: func() promotion.Store { return promoHalfApplies{promotion.NewMemoryStore()} },
		fails:  []string{"UpdateIsAtomic"},
		passes: []string{"RoundTrip", "StaleVersionConflicts", "SubmissionsInOrder", "ConcurrentAppends"}},
	"reorders": {make: func() promotion.Store { return promoReorders{promotion.NewMemoryStore()} },
		fails:  []string{"SubmissionsInOrder"},
		passes: []string{"RoundTrip", "StaleVersionConflicts", "CopiesInAndOut"}},
}

const brokenPromotionEnv = "CMKITTEST_BROKEN_PROMOTION_STORE"

func TestSuiteCatchesBrokenPromotionStores(t *testing.T) {
	if name := os.Getenv(brokenPromotionEnv); name != "" {
		cmkittest.TestPromotionStore(t, func(*testing.T) promotion.Store { return brokenPromotionStores[name].make() })
		return
	}
	for name, bs := range brokenPromotionStores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expectSuiteFailures(t, "TestSuiteCatchesBrokenPromotionStores", brokenPromotionEnv, name, bs.fails, bs.passes)
		})
	}
}
