package cmkittest_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/crisis"
)

func TestCrisisStoreOnMemoryStore(t *testing.T) {
	cmkittest.TestCrisisStore(t, func(*testing.T) crisis.Store { return crisis.NewMemoryStore() })
}

// Deliberately broken crisis stores, to show that TestCrisisStore fails
// them. Each wraps a MemoryStore and is broken in one way only.

// crisisIgnoresVersions writes over whatever version is stored, as a
// naive UPSERT does: every concurrent writer wins.
type crisisIgnoresVersions struct{ *crisis.MemoryStore }

func (s crisisIgnoresVersions) Commit(ctx context.Context, inc crisis.Incident, entries ...crisis.TimelineEntry) error {
	for attempt := 1; ; attempt++ {
		if cur, err := s.Incident(ctx, inc.ID); err == nil {
			inc.Version = cur.Version
		}
		err := s.MemoryStore.Commit(ctx, inc, entries...)
		if !errors.Is(err, cmkit.ErrConflict) || attempt == 32 {
			return err
		}
	}
}

// crisisHalfApplies writes the incident, then the entries one write each:
// a bad entry leaves the incident (and the entries before it) written.
type crisisHalfApplies struct{ *crisis.MemoryStore }

func (s crisisHalfApplies) Commit(ctx context.Context, inc crisis.Incident, entries ...crisis.TimelineEntry) error {
	if err := s.MemoryStore.Commit(ctx, inc); err != nil {
		return err
	}
	for _, e := range entries {
		inc.Version++
		if err := s.MemoryStore.Commit(ctx, inc, e); err != nil {
			return err
		}
	}
	return nil
}

// crisisDueByDay treats a page as due on the day it is due, as a store
// comparing dates instead of instants would.
type crisisDueByDay struct{ *crisis.MemoryStore }

func (s crisisDueByDay) DuePages(ctx context.Context, now time.Time) ([]crisis.Incident, error) {
	return s.MemoryStore.DuePages(ctx, now.Truncate(24*time.Hour).Add(24*time.Hour-1))
}

type brokenCrisisStore struct {
	make          func() crisis.Store
	fails, passes []string
}

var brokenCrisisStores = map[string]brokenCrisisStore{
	"ignores-versions": {make: func() crisis.Store { return crisisIgnoresVersions{crisis.NewMemoryStore()} },
		fails:  []string{"StaleVersionConflicts", "ConcurrentWritersOneWins"},
		passes: []string{"RoundTrip", "CommitIsAtomic", "DuePages"}},
	"half-applies": {make: func() crisis.Store { return crisisHalfApplies{crisis.NewMemoryStore()} },
		fails:  []string{"CommitIsAtomic", "InvalidWrites"},
		passes: []string{"NotFound", "StaleVersionConflicts", "ConcurrentWritersOneWins", "IncidentsByBrand"}},
	"due-by-day": {make: func() crisis.Store { return crisisDueByDay{crisis.NewMemoryStore()} },
		fails:  []string{"DuePages"},
		passes: []string{"RoundTrip", "IncidentsByBrand"}},
}

const brokenCrisisEnv = "CMKITTEST_BROKEN_CRISIS_STORE"

func TestSuiteCatchesBrokenCrisisStores(t *testing.T) {
	if name := os.Getenv(brokenCrisisEnv); name != "" {
		cmkittest.TestCrisisStore(t, func(*testing.T) crisis.Store { return brokenCrisisStores[name].make() })
		return
	}
	for name, bs := range brokenCrisisStores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expectSuiteFailures(t, "TestSuiteCatchesBrokenCrisisStores", brokenCrisisEnv, name, bs.fails, bs.passes)
		})
	}
}
