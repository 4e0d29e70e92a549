package cmkittest_test

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
)

// Deliberately broken stores, to show that TestRolesStore fails them.

// ignoresVersions lets every write win, as a naive UPSERT does.
type ignoresVersions struct{ *roles.MemoryStore }

func (s ignoresVersions) Apply(ctx context.Context, c roles.Change) error {
	for i, m := range c.PutMembers {
		if cur, err := s.Member(ctx, m.ID); err == nil {
			c.PutMembers[i].Version = cur.Version
		}
	}
	return s.MemoryStore.Apply(ctx, c)
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

// sharesValues keeps and returns the caller's own slices. Its map is
// locked, so that its only fault is the sharing (an unlocked map made the
// concurrent-writers subtest crash the whole run under -race).
type sharesValues struct {
	*roles.MemoryStore
	mu    *sync.Mutex
	langs map[string][]string
}

func (s sharesValues) Apply(ctx context.Context, c roles.Change) error {
	s.mu.Lock()
	for _, m := range c.PutMembers {
		s.langs[m.ID] = m.Languages
	}
	s.mu.Unlock()
	return s.MemoryStore.Apply(ctx, c)
}

func (s sharesValues) Member(ctx context.Context, id string) (roles.Member, error) {
	m, err := s.MemoryStore.Member(ctx, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.langs[id]; ok && err == nil {
		m.Languages = l
	}
	return m, err
}

var brokenStores = map[string]struct {
	make  func() roles.Store
	fails []string
}{
	"ignores-versions": {func() roles.Store { return ignoresVersions{roles.NewMemoryStore()} },
		[]string{"StaleVersionConflicts", "ConcurrentWritersOneWins"}},
	"half-applies": {func() roles.Store { return halfApplies{roles.NewMemoryStore()} },
		[]string{"ApplyIsAtomic"}},
	"shares-values": {func() roles.Store { return sharesValues{roles.NewMemoryStore(), &sync.Mutex{}, map[string][]string{}} },
		[]string{"CopiesInAndOut"}},
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
			expectSuiteFailures(t, "TestSuiteCatchesBrokenRolesStores", brokenStoreEnv, name, bs.fails, "RoundTrip")
		})
	}
}
