package cmkittest_test

import (
	"context"
	"os"
	"testing"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
)

// Deliberately broken calendar stores, to show that TestCalendarStore fails
// them.

// leaseless hands out due entries without leasing them, so two publishers
// get the same entry.
type leaseless struct{ *calendar.MemoryStore }

func (s leaseless) Claim(ctx context.Context, r calendar.ClaimRequest) ([]calendar.Claimed, error) {
	got, err := s.MemoryStore.Claim(ctx, r)
	for _, c := range got {
		e, _ := s.Get(ctx, c.ID)
		e.DueAt, e.Lease = e.At, calendar.Lease{} // forget the lease: due again at once
		_, _ = s.MemoryStore.Put(ctx, e)
	}
	return got, err
}

// ignoresLiveLeases hands out a due entry even while another publisher's
// lease on it runs: the double post of a call that outlives a person's
// Resolve.
type ignoresLiveLeases struct{ *calendar.MemoryStore }

func (s ignoresLiveLeases) Claim(ctx context.Context, r calendar.ClaimRequest) ([]calendar.Claimed, error) {
	for e, err := range s.Query(ctx, calendar.Query{}) {
		if err == nil && !e.DueAt.IsZero() && !e.DueAt.After(r.Now) && e.Lease.Expires.After(r.Now) {
			e.Lease = calendar.Lease{} // as if the lease did not count
			_, _ = s.MemoryStore.Put(ctx, e)
		}
	}
	return s.MemoryStore.Claim(ctx, r)
}

// sharesEntries returns the very entry it keeps, variants and all.
type sharesEntries struct {
	*calendar.MemoryStore
	kept map[uuid.UUID]calendar.Entry
}

func (s sharesEntries) Put(ctx context.Context, e calendar.Entry) (calendar.Entry, error) {
	got, err := s.MemoryStore.Put(ctx, e)
	if err == nil {
		got.Variants, got.Labels = e.Variants, e.Labels
		s.kept[e.ID] = got
	}
	return got, err
}

func (s sharesEntries) Get(ctx context.Context, id uuid.UUID) (calendar.Entry, error) {
	if e, ok := s.kept[id]; ok {
		return e, nil
	}
	return s.MemoryStore.Get(ctx, id)
}

var brokenCalendarStores = map[string]struct {
	make  func() calendar.Store
	fails []string
}{
	"leaseless": {func() calendar.Store { return leaseless{calendar.NewMemoryStore()} },
		[]string{"ClaimDueOnly", "ConcurrentClaimers"}},
	"ignores-live-leases": {func() calendar.Store { return ignoresLiveLeases{calendar.NewMemoryStore()} },
		[]string{"ClaimSkipsLiveLease"}},
	"shares-entries": {func() calendar.Store {
		return sharesEntries{calendar.NewMemoryStore(), map[uuid.UUID]calendar.Entry{}}
	}, []string{"CopiesInAndOut"}},
}

const brokenCalendarEnv = "CMKITTEST_BROKEN_CALENDAR_STORE"

func TestSuiteCatchesBrokenCalendarStores(t *testing.T) {
	if name := os.Getenv(brokenCalendarEnv); name != "" {
		cmkittest.TestCalendarStore(t, func(*testing.T) calendar.Store { return brokenCalendarStores[name].make() })
		return
	}
	for name, bs := range brokenCalendarStores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expectSuiteFailures(t, "TestSuiteCatchesBrokenCalendarStores", brokenCalendarEnv, name, bs.fails, "RoundTrip")
		})
	}
}
