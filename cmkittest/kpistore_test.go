package cmkittest_test

import (
	"context"
	"iter"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/kpi"
)

func TestKPIStoreOnMemoryStore(t *testing.T) {
	cmkittest.TestKPIStore(t, func(*testing.T) kpi.Store { return kpi.NewMemoryStore() })
}

// Deliberately broken kpi stores, to show that TestKPIStore fails them.
// Each is broken in one way only and is safe for concurrent use.

// kpiIgnoresVersions writes every bucket at whatever version is stored,
// as a naive UPSERT does.
type kpiIgnoresVersions struct {
	*kpi.MemoryStore
	mu sync.Mutex
}

func (s *kpiIgnoresVersions) PutBuckets(ctx context.Context, bs []kpi.DayBucket) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := map[[3]string]int64{}
	for b, err := range s.MemoryStore.Buckets(ctx) {
		if err != nil {
			return err
		}
		stored[[3]string{string(b.Measure), b.Segment.String(), b.Day.String()}] = b.Version
	}
	bs = slices.Clone(bs)
	for i := range bs {
		bs[i].Version = stored[[3]string{string(bs[i].Measure), bs[i].Segment.String(), bs[i].Day.String()}]
	}
	return s.MemoryStore.PutBuckets(ctx, bs)
}

// kpiNotAtomic writes the buckets one at a time, keeping those written
// before one fails.
type kpiNotAtomic struct{ *kpi.MemoryStore }

func (s kpiNotAtomic) PutBuckets(ctx context.Context, bs []kpi.DayBucket) error {
	for _, b := range bs {
		if err := s.MemoryStore.PutBuckets(ctx, []kpi.DayBucket{b}); err != nil {
			return err
		}
	}
	return nil
}

// kpiUnordered yields the buckets in reverse order.
type kpiUnordered struct{ *kpi.MemoryStore }

func (s kpiUnordered) Buckets(ctx context.Context) iter.Seq2[kpi.DayBucket, error] {
	return func(yield func(kpi.DayBucket, error) bool) {
		var all []kpi.DayBucket
		for b, err := range s.MemoryStore.Buckets(ctx) {
			if err != nil {
				yield(b, err)
				return
			}
			all = append(all, b)
		}
		slices.Reverse(all)
		for _, b := range all {
			if !yield(b, nil) {
				return
			}
		}
	}
}

// kpiSharesSketches keeps the caller's Sketch slices and hands its own
// out.
type kpiSharesSketches struct {
	*kpi.MemoryStore
	mu       sync.Mutex
	sketches map[string][]byte
}

func (s *kpiSharesSketches) key(b kpi.DayBucket) string {
	return string(b.Measure) + "|" + b.Segment.String() + "|" + b.Day.String()
}

func (s *kpiSharesSketches) PutBuckets(ctx context.Context, bs []kpi.DayBucket) error {
	if err := s.MemoryStore.PutBuckets(ctx, bs); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range bs {
		s.sketches[s.key(b)] = b.Sketch
	}
	return nil
}

func (s *kpiSharesSketches) Buckets(ctx context.Context) iter.Seq2[kpi.DayBucket, error] {
	return func(yield func(kpi.DayBucket, error) bool) {
		for b, err := range s.MemoryStore.Buckets(ctx) {
			if err == nil {
				s.mu.Lock()
				b.Sketch = s.sketches[s.key(b)]
				s.mu.Unlock()
			}
			if !yield(b, err) {
				return
			}
		}
	}
}

// kpiAcceptsNegativeCounts stores buckets whose Count is below 0, as
// their absolute value.
type kpiAcceptsNegativeCounts struct{ *kpi.MemoryStore }

func (s kpiAcceptsNegativeCounts) PutBuckets(ctx context.Context, bs []kpi.DayBucket) error {
	bs = slices.Clone(bs)
	for i := range bs {
		bs[i].Count = max(bs[i].Count, -bs[i].Count)
	}
	return s.MemoryStore.PutBuckets(ctx, bs)
}

// kpiIgnoresCancel does not look at the context.
type kpiIgnoresCancel struct{ *kpi.MemoryStore }

func (s kpiIgnoresCancel) PutBuckets(_ context.Context, bs []kpi.DayBucket) error {
	return s.MemoryStore.PutBuckets(context.Background(), bs)
}

func (s kpiIgnoresCancel) Buckets(context.Context) iter.Seq2[kpi.DayBucket, error] {
	return s.MemoryStore.Buckets(context.Background())
}

// kpiDropsTimes loses the snapshot readings' times.
type kpiDropsTimes struct{ *kpi.MemoryStore }

func (s kpiDropsTimes) PutBuckets(ctx context.Context, bs []kpi.DayBucket) error {
	bs = slices.Clone(bs)
	for i := range bs {
		bs[i].LastAt = bs[i].FirstAt
	}
	return s.MemoryStore.PutBuckets(ctx, bs)
}

// kpiDropsSketches loses the distributions' sketches.
type kpiDropsSketches struct{ *kpi.MemoryStore }

func (s kpiDropsSketches) PutBuckets(ctx context.Context, bs []kpi.DayBucket) error {
	bs = slices.Clone(bs)
	for i := range bs {
		bs[i].Sketch = nil
	}
	return s.MemoryStore.PutBuckets(ctx, bs)
}

// kpiForgetsHistory yields cells without their earlier values.
type kpiForgetsHistory struct{ *kpi.MemoryStore }

func (s kpiForgetsHistory) Cells(ctx context.Context, sheet string) iter.Seq2[kpi.Cell, error] {
	return func(yield func(kpi.Cell, error) bool) {
		for c, err := range s.MemoryStore.Cells(ctx, sheet) {
			c.History = nil
			if !yield(c, err) {
				return
			}
		}
	}
}

// kpiDefinitionsNotAtomic writes definitions one at a time, keeping
// those written before one fails.
type kpiDefinitionsNotAtomic struct{ *kpi.MemoryStore }

func (s kpiDefinitionsNotAtomic) PutDefinitions(ctx context.Context, defs []kpi.StoredDefinition) error {
	for _, d := range defs {
		if err := s.MemoryStore.PutDefinitions(ctx, []kpi.StoredDefinition{d}); err != nil {
			return err
		}
	}
	return nil
}

type brokenKPIStore struct {
	make   func() kpi.Store
	fails  []string
	passes []string
}

var brokenKPIStores = map[string]brokenKPIStore{
	"ignores-versions": {
		make:   func() kpi.Store { return &kpiIgnoresVersions{MemoryStore: kpi.NewMemoryStore()} },
		fails:  []string{"StaleVersionConflicts", "UpdateOfMissingNotFound", "ConcurrentWritersOneWins"},
		passes: []string{"RoundTrip"},
	},
	"not-atomic": {
		make:   func() kpi.Store { return kpiNotAtomic{kpi.NewMemoryStore()} },
		fails:  []string{"PutIsAtomic"},
		passes: []string{"RoundTrip", "StaleVersionConflicts"},
	},
	"unordered": {
		make:   func() kpi.Store { return kpiUnordered{kpi.NewMemoryStore()} },
		fails:  []string{"BucketsInOrder"},
		passes: []string{"RoundTrip"},
	},
	"shares-sketches": {
		make: func() kpi.Store {
			return &kpiSharesSketches{MemoryStore: kpi.NewMemoryStore(), sketches: map[string][]byte{}}
		},
		fails:  []string{"CopiesInAndOut"},
		passes: []string{"RoundTrip"},
	},
	"accepts-negative-counts": {
		make:   func() kpi.Store { return kpiAcceptsNegativeCounts{kpi.NewMemoryStore()} },
		fails:  []string{"InvalidWrites"},
		passes: []string{"RoundTrip"},
	},
	"ignores-cancel": {
		make:   func() kpi.Store { return kpiIgnoresCancel{kpi.NewMemoryStore()} },
		fails:  []string{"CanceledContext"},
		passes: []string{"RoundTrip"},
	},
	"drops-times": {
		make:   func() kpi.Store { return kpiDropsTimes{kpi.NewMemoryStore()} },
		fails:  []string{"RoundTrip", "FlushAndLoad"},
		passes: []string{"VersionRises"},
	},
}

func init() {
	brokenKPIStores["forgets-history"] = brokenKPIStore{
		make:   func() kpi.Store { return kpiForgetsHistory{kpi.NewMemoryStore()} },
		fails:  []string{"CellsKeepHistory", "CellsCopyHistory"},
		passes: []string{"CellsVersioned", "CellsBySheetInOrder"},
	}
	brokenKPIStores["definitions-not-atomic"] = brokenKPIStore{
		make:   func() kpi.Store { return kpiDefinitionsNotAtomic{kpi.NewMemoryStore()} },
		fails:  []string{"DefinitionsVersioned"},
		passes: []string{"DefinitionsRoundTrip"},
	}
	brokenKPIStores["drops-sketches"] = brokenKPIStore{
		make:   func() kpi.Store { return kpiDropsSketches{kpi.NewMemoryStore()} },
		fails:  []string{"RoundTrip", "FlushAndLoad"},
		passes: []string{"VersionRises"},
	}
}

const brokenKPIEnv = "CMKITTEST_BROKEN_KPI_STORE"

func TestSuiteCatchesBrokenKPIStores(t *testing.T) {
	if name := os.Getenv(brokenKPIEnv); name != "" {
		cmkittest.TestKPIStore(t, func(*testing.T) kpi.Store { return brokenKPIStores[name].make() })
		return
	}
	for name, bs := range brokenKPIStores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expectSuiteFailures(t, "TestSuiteCatchesBrokenKPIStores", brokenKPIEnv, name, bs.fails, bs.passes)
		})
	}
}
