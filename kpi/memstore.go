package kpi

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"

	"github.com/cmkit/cmkit"
)

// MemoryStore is the in-memory Store: for tests, demos, and a process
// that recomputes its aggregates at start. It is safe for concurrent use.
type MemoryStore struct {
	mu      sync.Mutex
	buckets map[bucketID]DayBucket
	defs    map[string]StoredDefinition
	sheets  map[string]Sheet
	cells   map[cellKey]Cell
}

// bucketID names one series' day.
type bucketID struct {
	seriesKey
	day Period
}

// cellKey names one cell of one sheet.
type cellKey struct {
	// sheet is the sheet's ID.
	sheet string
	CellRef
}

func idOf(b DayBucket) bucketID { return bucketID{seriesKey{b.Measure, b.Segment}, b.Day} }

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{buckets: map[bucketID]DayBucket{}, defs: map[string]StoredDefinition{}, sheets: map[string]Sheet{},
		cells: map[cellKey]Cell{}}
}

var _ Store = (*MemoryStore)(nil)

// Buckets implements Store: it yields copies of the buckets stored when
// it is called.
func (s *MemoryStore) Buckets(ctx context.Context) iter.Seq2[DayBucket, error] {
	return yieldSorted(ctx, s, s.buckets, nil, CompareDayBuckets, func(b DayBucket) DayBucket {
		b.Sketch = slices.Clone(b.Sketch)
		return b
	})
}

// PutBuckets implements Store.
func (s *MemoryStore) PutBuckets(ctx context.Context, buckets []DayBucket) error {
	return putVersioned(ctx, s, s.buckets, buckets, versionedKind[bucketID, DayBucket]{
		what:     "bucket",
		key:      idOf,
		validate: func(b *DayBucket) error { return b.Validate() },
		version:  func(b *DayBucket) *int64 { return &b.Version },
		name:     func(b DayBucket) string { return fmt.Sprintf("%s of %s on %s", b.Measure, b.Segment, b.Day) },
		store: func(b DayBucket, _ DayBucket) DayBucket {
			b.Sketch = slices.Clone(b.Sketch)
			return b
		},
	})
}

// Definitions implements Store: it yields copies of the definitions
// stored when it is called.
func (s *MemoryStore) Definitions(ctx context.Context) iter.Seq2[StoredDefinition, error] {
	return yieldSorted(ctx, s, s.defs, nil, func(a, b StoredDefinition) int { return strings.Compare(a.ID, b.ID) },
		func(d StoredDefinition) StoredDefinition {
			d.Definition = cloneDefinition(d.Definition)
			return d
		})
}

// PutDefinitions implements Store.
func (s *MemoryStore) PutDefinitions(ctx context.Context, defs []StoredDefinition) error {
	return putVersioned(ctx, s, s.defs, defs, versionedKind[string, StoredDefinition]{
		what: "definition",
		key:  func(d StoredDefinition) string { return d.ID },
		validate: func(d *StoredDefinition) error {
			d.Definition = cloneDefinition(d.Definition)
			return d.Definition.Validate()
		},
		version: func(d *StoredDefinition) *int64 { return &d.Version },
		name:    func(d StoredDefinition) string { return fmt.Sprintf("KPI %q", d.ID) },
		store:   func(d StoredDefinition, _ StoredDefinition) StoredDefinition { return d },
	})
}

// Sheets implements Store: it yields copies of the sheets stored when it
// is called.
func (s *MemoryStore) Sheets(ctx context.Context) iter.Seq2[Sheet, error] {
	return yieldSorted(ctx, s, s.sheets, nil, func(a, b Sheet) int { return strings.Compare(a.ID, b.ID) }, cloneSheet)
}

// PutSheets implements Store.
func (s *MemoryStore) PutSheets(ctx context.Context, sheets []Sheet) error {
	return putVersioned(ctx, s, s.sheets, sheets, versionedKind[string, Sheet]{
		what:     "sheet",
		key:      func(sh Sheet) string { return sh.ID },
		validate: func(sh *Sheet) error { return sh.Validate() },
		version:  func(sh *Sheet) *int64 { return &sh.Version },
		name:     func(sh Sheet) string { return fmt.Sprintf("sheet %q", sh.ID) },
		store:    func(sh Sheet, _ Sheet) Sheet { return cloneSheet(sh) },
	})
}

// Cells implements Store: it yields copies of the sheet's cells stored
// when it is called.
func (s *MemoryStore) Cells(ctx context.Context, sheet string) iter.Seq2[Cell, error] {
	return yieldSorted(ctx, s, s.cells, func(k cellKey) bool { return k.sheet == sheet }, CompareCells, func(c Cell) Cell {
		c.History = slices.Clone(c.History)
		return c
	})
}

// Cell implements Store: it returns a copy of the stored cell.
func (s *MemoryStore) Cell(ctx context.Context, sheet string, ref CellRef) (Cell, error) {
	if err := ctx.Err(); err != nil {
		return Cell{}, err
	}
	s.mu.Lock()
	c, ok := s.cells[cellKey{sheet, ref}]
	s.mu.Unlock()
	if !ok {
		return Cell{}, cmkit.Errorf(cmkit.ErrNotFound, "kpi: no cell %s in sheet %q", ref, sheet)
	}
	c.History = slices.Clone(c.History)
	return c, nil
}

// PutCells implements Store.
func (s *MemoryStore) PutCells(ctx context.Context, cells []Cell) error {
	return putVersioned(ctx, s, s.cells, cells, versionedKind[cellKey, Cell]{
		what:     "cell",
		key:      func(c Cell) cellKey { return cellKey{c.Sheet, c.CellRef} },
		validate: func(c *Cell) error { return c.Validate() },
		version:  func(c *Cell) *int64 { return &c.Version },
		name:     func(c Cell) string { return fmt.Sprintf("cell %s of sheet %q", c.CellRef, c.Sheet) },
		store: func(c Cell, old Cell) Cell {
			c.History = slices.Clone(old.History)
			if old.Version > 0 {
				c.History = append(c.History, old.CellValue)
			}
			return c
		},
	})
}

// yieldSorted yields copies of m's values whose keys keep accepts (all
// when keep is nil), sorted by cmp.
func yieldSorted[K comparable, V any](ctx context.Context, s *MemoryStore, m map[K]V, keep func(K) bool, cmp func(a, b V) int,
	clone func(V) V) iter.Seq2[V, error] {
	return func(yield func(V, error) bool) {
		var zero V
		if err := ctx.Err(); err != nil {
			yield(zero, err)
			return
		}
		s.mu.Lock()
		all := make([]V, 0, len(m))
		for k, v := range m {
			if keep == nil || keep(k) {
				all = append(all, clone(v))
			}
		}
		s.mu.Unlock()
		slices.SortFunc(all, cmp)
		for _, v := range all {
			if !yield(v, nil) {
				return
			}
		}
	}
}

// versionedKind says how putVersioned handles one kind of record.
type versionedKind[K comparable, V any] struct {
	what     string
	key      func(V) K
	validate func(*V) error
	version  func(*V) *int64
	name     func(V) string
	// store returns what to keep for v, replacing old (the zero V when
	// new), before its version is raised.
	store func(v, old V) V
}

// putVersioned writes items into m atomically under s.mu: all valid,
// each named once, each at its stored version (0 for new), or nothing.
func putVersioned[K comparable, V any](ctx context.Context, s *MemoryStore, m map[K]V, items []V, k versionedKind[K, V]) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	items = slices.Clone(items)
	seen := make(map[K]bool, len(items))
	for i := range items {
		if err := k.validate(&items[i]); err != nil {
			return fmt.Errorf("kpi: %s %d: %w", k.what, i+1, err)
		}
		id := k.key(items[i])
		if seen[id] {
			return cmkit.Invalid(k.what+"s", "unique", "%s is named twice", k.name(items[i]))
		}
		seen[id] = true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range items {
		v := *k.version(&items[i])
		old, ok := m[k.key(items[i])]
		switch {
		case v == 0 && ok:
			return cmkit.Errorf(cmkit.ErrConflict, "kpi: %s is already stored", k.name(items[i]))
		case v != 0 && !ok:
			return cmkit.Errorf(cmkit.ErrNotFound, "kpi: %s is not stored", k.name(items[i]))
		case ok && *k.version(&old) != v:
			return cmkit.Errorf(cmkit.ErrConflict, "kpi: %s is at version %d, not %d", k.name(items[i]), *k.version(&old), v)
		}
	}
	for _, item := range items {
		id := k.key(item)
		kept := k.store(item, m[id])
		*k.version(&kept) = *k.version(&item) + 1
		m[id] = kept
	}
	return nil
}
