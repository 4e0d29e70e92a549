package crisis

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// Store keeps incidents and their timelines. Implementations must be safe
// for concurrent use; cmkittest.TestCrisisStore checks one.
type Store interface {
	// Incident returns the incident with this ID, or an error wrapping
	// cmkit.ErrNotFound.
	Incident(ctx context.Context, id uuid.UUID) (Incident, error)
	// Commit writes inc and appends entries to its timeline, all or
	// nothing. inc.Version 0 creates the incident at version 1 (an error
	// wrapping cmkit.ErrConflict if its ID exists); any other Version must
	// equal the stored one (else cmkit.ErrConflict, or cmkit.ErrNotFound
	// when there is none) and the stored version becomes one more. An
	// incident without ID or brand, an entry without ID, an entry of
	// another incident, or an entry ID given twice or already stored is
	// an error wrapping cmkit.ErrInvalid. On error nothing changes.
	Commit(ctx context.Context, inc Incident, entries ...TimelineEntry) error
	// Timeline returns the incident's entries in the order they were
	// committed (an empty timeline for an unknown incident).
	Timeline(ctx context.Context, id uuid.UUID) ([]TimelineEntry, error)
	// Incidents returns the brand's incidents, open or not, oldest
	// OpenedAt first; an empty brand means every brand.
	Incidents(ctx context.Context, brand string) ([]Incident, error)
	// DuePages returns the incidents whose NextPage is set and not after
	// now, earliest NextPage first.
	DuePages(ctx context.Context, now time.Time) ([]Incident, error)
}

// MemoryStore is a Store in memory, for tests and single-process use.
type MemoryStore struct {
	mu        sync.RWMutex
	incidents map[uuid.UUID]Incident
	timelines map[uuid.UUID][]TimelineEntry
	entries   map[uuid.UUID]bool
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{incidents: map[uuid.UUID]Incident{}, timelines: map[uuid.UUID][]TimelineEntry{},
		entries: map[uuid.UUID]bool{}}
}

// Incident implements Store.
func (s *MemoryStore) Incident(ctx context.Context, id uuid.UUID) (Incident, error) {
	if err := ctx.Err(); err != nil {
		return Incident{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	inc, ok := s.incidents[id]
	if !ok {
		return Incident{}, fmt.Errorf("crisis: incident %s: %w", id, cmkit.ErrNotFound)
	}
	return inc.Clone(), nil
}

// Commit implements Store.
func (s *MemoryStore) Commit(ctx context.Context, inc Incident, entries ...TimelineEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkWrite(&inc, entries); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, e := range entries {
		if s.entries[e.ID] {
			return cmkit.Invalid(fmt.Sprintf("entries[%d].id", i), "unique", "entry %s is already stored", e.ID)
		}
	}
	old, ok := s.incidents[inc.ID]
	switch {
	case inc.Version == 0 && ok:
		return fmt.Errorf("crisis: incident %s exists: %w", inc.ID, cmkit.ErrConflict)
	case inc.Version != 0 && !ok:
		return fmt.Errorf("crisis: incident %s: %w", inc.ID, cmkit.ErrNotFound)
	case ok && old.Version != inc.Version:
		return fmt.Errorf("crisis: incident %s is at version %d, not %d: %w", inc.ID, old.Version, inc.Version, cmkit.ErrConflict)
	}
	inc = inc.Clone()
	inc.Version++
	s.incidents[inc.ID] = inc
	for _, e := range entries {
		s.entries[e.ID] = true
		s.timelines[inc.ID] = append(s.timelines[inc.ID], e.clone())
	}
	return nil
}

// checkWrite checks what Commit refuses as invalid.
func checkWrite(inc *Incident, entries []TimelineEntry) error {
	switch {
	case inc.ID == uuid.Nil:
		return cmkit.Invalid("incident.id", "required", "an incident needs an ID")
	case inc.Brand == "":
		return cmkit.Invalid("incident.brand", "required", "an incident needs a brand")
	case inc.Version < 0:
		return cmkit.Invalid("incident.version", "non_negative", "version %d", inc.Version)
	}
	for i, e := range entries {
		field := fmt.Sprintf("entries[%d]", i)
		switch {
		case e.ID == uuid.Nil:
			return cmkit.Invalid(field+".id", "required", "an entry needs an ID")
		case e.Incident != inc.ID:
			return cmkit.Invalid(field+".incident", "same_incident", "entry of %s written with %s", e.Incident, inc.ID)
		case slices.ContainsFunc(entries[:i], func(o TimelineEntry) bool { return o.ID == e.ID }):
			return cmkit.Invalid(field+".id", "unique", "entry %s given twice", e.ID)
		}
	}
	return nil
}

// Timeline implements Store.
func (s *MemoryStore) Timeline(ctx context.Context, id uuid.UUID) ([]TimelineEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]TimelineEntry, len(s.timelines[id]))
	for i, e := range s.timelines[id] {
		out[i] = e.clone()
	}
	return out, nil
}

// Incidents implements Store.
func (s *MemoryStore) Incidents(ctx context.Context, brand string) ([]Incident, error) {
	return s.list(ctx, func(inc *Incident) bool { return brand == "" || inc.Brand == brand },
		func(inc *Incident) time.Time { return inc.OpenedAt })
}

// DuePages implements Store.
func (s *MemoryStore) DuePages(ctx context.Context, now time.Time) ([]Incident, error) {
	return s.list(ctx, func(inc *Incident) bool { return !inc.NextPage.IsZero() && !inc.NextPage.After(now) },
		func(inc *Incident) time.Time { return inc.NextPage })
}

// list returns copies of the incidents keep selects, ordered by key, then
// by ID.
func (s *MemoryStore) list(ctx context.Context, keep func(*Incident) bool, key func(*Incident) time.Time) ([]Incident, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	var out []Incident
	for _, inc := range s.incidents {
		if keep(&inc) {
			out = append(out, inc.Clone())
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(out, func(a, b Incident) int {
		if c := key(&a).Compare(key(&b)); c != 0 {
			return c
		}
		return slices.Compare(a.ID[:], b.ID[:])
	})
	return out, nil
}
