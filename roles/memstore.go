package roles

import (
	"bytes"
	"cmp"
	"context"
	"iter"
	"slices"
	"sync"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// MemoryStore is a Store held in memory: the default, and a complete one. It
// is safe for concurrent use, copies values in and out, checks versions and
// applies each Change atomically.
//
// Its limits: nothing survives the process, and memory grows with the team
// (a few hundred bytes per grant; 50,000 grants take about 20 MB).
type MemoryStore struct {
	mu      sync.RWMutex
	members map[string]Member
	grants  map[uuid.UUID]Grant
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{members: map[string]Member{}, grants: map[uuid.UUID]Grant{}}
}

// Member implements Store.
func (s *MemoryStore) Member(ctx context.Context, id string) (Member, error) {
	if err := ctx.Err(); err != nil {
		return Member{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	m, ok := s.members[id]
	if !ok {
		return Member{}, cmkit.Errorf(cmkit.ErrNotFound, "roles: member %q not found", id)
	}
	return m.clone(), nil
}

// Members implements Store.
func (s *MemoryStore) Members(ctx context.Context) iter.Seq2[Member, error] {
	return func(yield func(Member, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Member{}, err)
			return
		}
		s.mu.RLock()
		all := make([]Member, 0, len(s.members))
		for _, m := range s.members {
			all = append(all, m.clone())
		}
		s.mu.RUnlock()
		slices.SortFunc(all, func(a, b Member) int { return cmp.Compare(a.ID, b.ID) })
		for _, m := range all {
			if !yield(m, nil) {
				return
			}
		}
	}
}

// Grants implements Store.
func (s *MemoryStore) Grants(ctx context.Context) iter.Seq2[Grant, error] {
	return func(yield func(Grant, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Grant{}, err)
			return
		}
		s.mu.RLock()
		all := make([]Grant, 0, len(s.grants))
		for _, g := range s.grants {
			all = append(all, g)
		}
		s.mu.RUnlock()
		slices.SortFunc(all, func(a, b Grant) int { return compareIDs(a.ID, b.ID) })
		for _, g := range all {
			if !yield(g, nil) {
				return
			}
		}
	}
}

// compareIDs orders IDs by their bytes: version 7 IDs by creation time.
func compareIDs(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// Apply implements Store.
func (s *MemoryStore) Apply(ctx context.Context, c Change) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Check everything first, so that a failure writes nothing.
	touched := map[string]bool{}
	for _, m := range c.PutMembers {
		if err := s.checkVersion(m.ID, m.Version, touched); err != nil {
			return err
		}
	}
	for _, r := range c.DeleteMembers {
		if r.Version == 0 {
			return cmkit.Errorf(cmkit.ErrConflict, "roles: delete member %q at version 0: a delete names the version it read", r.ID)
		}
		if err := s.checkVersion(r.ID, r.Version, touched); err != nil {
			return err
		}
	}
	added := map[uuid.UUID]bool{}
	for _, g := range c.AddGrants {
		if _, ok := s.grants[g.ID]; ok || added[g.ID] {
			return cmkit.Errorf(cmkit.ErrConflict, "roles: grant %s already exists", g.ID)
		}
		added[g.ID] = true
	}
	removed := map[uuid.UUID]bool{}
	for _, id := range c.RemoveGrants {
		if _, ok := s.grants[id]; !ok || removed[id] {
			return cmkit.Errorf(cmkit.ErrNotFound, "roles: grant %s not found", id)
		}
		removed[id] = true
	}
	for _, m := range c.PutMembers {
		m = m.clone()
		m.Version++
		s.members[m.ID] = m
	}
	for _, r := range c.DeleteMembers {
		delete(s.members, r.ID)
	}
	for _, g := range c.AddGrants {
		s.grants[g.ID] = g
	}
	for _, id := range c.RemoveGrants {
		delete(s.grants, id)
	}
	return nil
}

func (s *MemoryStore) checkVersion(id string, version int64, touched map[string]bool) error {
	if touched[id] {
		return cmkit.Errorf(cmkit.ErrConflict, "roles: member %q appears twice in one change", id)
	}
	touched[id] = true
	cur, ok := s.members[id]
	switch {
	case version == 0 && ok:
		return cmkit.Errorf(cmkit.ErrConflict, "roles: member %q already exists", id)
	case version != 0 && !ok:
		return cmkit.Errorf(cmkit.ErrNotFound, "roles: member %q not found", id)
	case ok && cur.Version != version:
		return cmkit.Errorf(cmkit.ErrConflict, "roles: member %q is at version %d, not %d", id, cur.Version, version)
	}
	return nil
}
