package cmkittest_test

import (
	"context"
	"os"
	"sync"
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

// sharesEntries returns the very entry it keeps, variants and all. It is
// otherwise safe for concurrent use, so that the suite fails it only for
// sharing values.
type sharesEntries struct {
	*calendar.MemoryStore
	mu   sync.Mutex
	kept map[uuid.UUID]calendar.Entry
}

func (s *sharesEntries) Put(ctx context.Context, e calendar.Entry) (calendar.Entry, error) {
	got, err := s.MemoryStore.Put(ctx, e)
	if err == nil {
		got.Variants, got.Labels = e.Variants, e.Labels
		s.mu.Lock()
		s.kept[e.ID] = got
		s.mu.Unlock()
	}
	return got, err
}

func (s *sharesEntries) Get(ctx context.Context, id uuid.UUID) (calendar.Entry, error) {
	s.mu.Lock()
	e, ok := s.kept[id]
	s.mu.Unlock()
	if ok {
		return e, nil
	}
	return s.MemoryStore.Get(ctx, id)
}

// lastCampaignWins writes every campaign whatever its version: two people
// editing a campaign silently overwrite each other.
type lastCampaignWins struct{ *calendar.MemoryStore }

func (s lastCampaignWins) PutCampaign(ctx context.Context, cp calendar.Campaign) (calendar.Campaign, error) {
	if cur, err := s.GetCampaign(ctx, cp.Name); err == nil {
		cp.Version = cur.Version // whatever the writer read
	} else {
		cp.Version = 0
	}
	return s.MemoryStore.PutCampaign(ctx, cp)
}

// brokenCalendarStores fail the subtests in fails, and still pass those in
// passes: each is broken in one way only, and safe for concurrent use.
var brokenCalendarStores = map[string]struct {
	make   func() calendar.Store
	fails  []string
	passes []string
}{
	"leaseless": {func() calendar.Store { return leaseless{calendar.NewMemoryStore()} },
		[]string{"ClaimDueOnly", "ConcurrentClaimers"}, []string{"RoundTrip"}},
	"ignores-live-leases": {func() calendar.Store { return ignoresLiveLeases{calendar.NewMemoryStore()} },
		[]string{"ClaimSkipsLiveLease"}, []string{"RoundTrip", "ClaimDueOnly"}},
	"last-campaign-wins": {func() calendar.Store { return lastCampaignWins{calendar.NewMemoryStore()} },
		[]string{"CampaignStaleVersionConflicts", "CampaignNotFound"}, []string{"CampaignRoundTrip", "CampaignVersionRises"}},
	"shares-entries": {func() calendar.Store {
		return &sharesEntries{MemoryStore: calendar.NewMemoryStore(), kept: map[uuid.UUID]calendar.Entry{}}
	}, []string{"CopiesInAndOut"}, []string{"RoundTrip", "ConcurrentWritersOneWins", "ConcurrentClaimers"}},
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
			expectSuiteFailures(t, "TestSuiteCatchesBrokenCalendarStores", brokenCalendarEnv, name, bs.fails, bs.passes)
		})
	}
}
