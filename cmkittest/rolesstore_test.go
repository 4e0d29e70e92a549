package cmkittest_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
)

// Deliberately broken stores, to show that TestRolesStore fails them.

// ignoresVersions lets every write win, as a naive UPSERT does: it writes
// over whatever version is current, and tries again when another writer
// got in between, so eight concurrent writers all win, not only those that
// happened to read after another wrote.
type ignoresVersions struct{ *roles.MemoryStore }

func (s ignoresVersions) Apply(ctx context.Context, c roles.Change) error {
	c.PutMembers = slices.Clone(c.PutMembers) // the caller's slice stays as it was
	for attempt := 1; ; attempt++ {
		for i, m := range c.PutMembers {
			if cur, err := s.Member(ctx, m.ID); err == nil {
				c.PutMembers[i].Version = cur.Version
			}
		}
		// Each conflict means another writer won in between; there are
		// never more than a handful in the suite.
		err := s.MemoryStore.Apply(ctx, c)
		if !errors.Is(err, cmkit.ErrConflict) || attempt == 32 {
			return err
		}
	}
}

// halfApplies writes a change piece by piece, stopping at the first error.
type halfApplies struct{ *roles.MemoryStore }

func (s halfApplies) Apply(ctx context.Context, c roles.Change) error {
	for _, part := range []roles.Change{{PutMembers: c.PutMembers}, {DeleteMembers: c.DeleteMembers},
		{AddGrants: c.AddGrants}, {RemoveGrants: c.RemoveGrants}} {
		if err := s.MemoryStore.Apply(ctx, part); err != nil {
			return err
		}
	}
	return nil
}

// sharesValues keeps and returns the caller's own slices. It is otherwise
// correct, and safe for concurrent use, so that the suite fails it only for
// sharing values.
type sharesValues struct {
	*roles.MemoryStore
	mu    sync.Mutex
	langs map[string][]string
}

func (s *sharesValues) Apply(ctx context.Context, c roles.Change) error {
	s.mu.Lock()
	for _, m := range c.PutMembers {
		s.langs[m.ID] = m.Languages
	}
	s.mu.Unlock()
	return s.MemoryStore.Apply(ctx, c)
}

func (s *sharesValues) Member(ctx context.Context, id string) (roles.Member, error) {
	m, err := s.MemoryStore.Member(ctx, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.langs[id]; ok && err == nil {
		m.Languages = l
	}
	return m, err
}

// brokenStores fail the subtests in fails, and still pass those in passes:
// each is broken in one way only, and safe for concurrent use, so that its
// concurrent subtests fail for that reason or pass, every run.
var brokenStores = map[string]struct {
	make   func() roles.Store
	fails  []string
	passes []string
}{
	"ignores-versions": {func() roles.Store { return ignoresVersions{roles.NewMemoryStore()} },
		[]string{"StaleVersionConflicts", "ConcurrentWritersOneWins"}, []string{"RoundTrip"}},
	"half-applies": {func() roles.Store { return halfApplies{roles.NewMemoryStore()} },
		[]string{"ApplyIsAtomic"}, []string{"RoundTrip", "ConcurrentWritersOneWins"}},
	"shares-values": {func() roles.Store {
		return &sharesValues{MemoryStore: roles.NewMemoryStore(), langs: map[string][]string{}}
	}, []string{"CopiesInAndOut"}, []string{"RoundTrip", "ConcurrentWritersOneWins"}},
}

const brokenStoreEnv = "CMKITTEST_BROKEN_STORE"

func TestSuiteCatchesBrokenRolesStores(t *testing.T) {
	if name := os.Getenv(brokenStoreEnv); name != "" {
		cmkittest.TestRolesStore(t, func(*testing.T) roles.Store { return brokenStores[name].make() })
		return
	}
	for name, bs := range brokenStores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expectSuiteFailures(t, "TestSuiteCatchesBrokenRolesStores", brokenStoreEnv, name, bs.fails, bs.passes)
		})
	}
}
