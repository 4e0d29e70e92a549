package cmkittest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
)

// TestCalendarStore runs the conformance suite for calendar.Store
// implementations. newStore is called once per subtest and must return an
// empty store; it may register cleanups with t.Cleanup.
//
// Subtests: RoundTrip, NotFound, VersionRises, StaleVersionConflicts,
// ConcurrentWritersOneWins, QueryFiltersAndOrder, QueryEarlyStop,
// CopiesInAndOut, ClaimDueOnly, ClaimLeaseExpires, ConcurrentClaimers,
// Pauses, CanceledContext, CampaignRoundTrip, CampaignNotFound,
// CampaignVersionRises, CampaignStaleVersionConflicts,
// CampaignConcurrentWritersOneWins, CampaignsOrderAndEarlyStop.
func TestCalendarStore(t *testing.T, newStore func(t *testing.T) calendar.Store) {
	t.Helper()
	runSuite(t, newStore, []subtest[calendar.Store]{
		{"RoundTrip", calRoundTrip},
		{"NotFound", calNotFound},
		{"VersionRises", calVersionRises},
		{"StaleVersionConflicts", calStale},
		{"ConcurrentWritersOneWins", calConcurrentWriters},
		{"QueryFiltersAndOrder", calQuery},
		{"QueryEarlyStop", calQueryEarlyStop},
		{"CopiesInAndOut", calCopies},
		{"ClaimDueOnly", calClaimDue},
		{"ClaimLeaseExpires", calClaimLease},
		{"ClaimSkipsLiveLease", calClaimSkipsLiveLease},
		{"ConcurrentClaimers", calConcurrentClaimers},
		{"Pauses", calPauses},
		{"CanceledContext", calCanceled},
		{"CampaignRoundTrip", campRoundTrip},
		{"CampaignNotFound", campNotFound},
		{"CampaignVersionRises", campVersionRises},
		{"CampaignStaleVersionConflicts", campStale},
		{"CampaignConcurrentWritersOneWins", campConcurrentWriters},
		{"CampaignsOrderAndEarlyStop", campOrder},
	})
}

var calT0 = time.Date(2026, 3, 29, 9, 0, 0, 0, time.UTC)

func calEntry(at time.Time, channel string) calendar.Entry {
	return calendar.Entry{ID: cmkit.NewID(), Title: "entry", Author: "ana", Brand: "acme", State: calendar.Scheduled,
		At: at, DueAt: at, Zone: "Europe/Madrid", Labels: []string{"evergreen"}, Campaign: "winter",
		Variants: []calendar.Variant{{Channel: channel, State: calendar.Pending,
			Post: cmkit.Post{ID: cmkit.NewID(), Text: "Hola", Media: []cmkit.Media{{Kind: cmkit.MediaImage, URL: "https://cdn.invalid/a.png"}}}}}}
}

func mustPut(t *testing.T, s calendar.Store, e calendar.Entry) calendar.Entry {
	t.Helper()
	got, err := s.Put(t.Context(), e)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	return got
}

func calRoundTrip(t *testing.T, s calendar.Store) {
	e := calEntry(calT0, "acme-x")
	e.Approvals = nil
	got := mustPut(t, s, e)
	if got.Version != 1 {
		t.Errorf("a created entry has version %d, want 1", got.Version)
	}
	read, err := s.Get(t.Context(), e.ID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	e.Version = 1
	if !sameEntry(read, e) {
		t.Errorf("Get = %+v\nwant %+v", read, e)
	}
}

// sameEntry compares entries field by field, times by instant.
func sameEntry(a, b calendar.Entry) bool {
	if !a.At.Equal(b.At) || !a.DueAt.Equal(b.DueAt) || !a.Lease.Expires.Equal(b.Lease.Expires) {
		return false
	}
	a.At, b.At, a.DueAt, b.DueAt = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	a.Lease.Expires, b.Lease.Expires = time.Time{}, time.Time{}
	return fmt.Sprintf("%+v", a) == fmt.Sprintf("%+v", b)
}

func calNotFound(t *testing.T, s calendar.Store) {
	if _, err := s.Get(t.Context(), cmkit.NewID()); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("Get of a missing entry: want ErrNotFound, got %v", err)
	}
	e := calEntry(calT0, "acme-x")
	e.Version = 4
	if _, err := s.Put(t.Context(), e); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("updating a missing entry: want ErrNotFound, got %v", err)
	}
	if err := s.DeletePause(t.Context(), "none"); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("deleting a missing pause: want ErrNotFound, got %v", err)
	}
}

func calVersionRises(t *testing.T, s calendar.Store) {
	e := mustPut(t, s, calEntry(calT0, "acme-x"))
	for want := int64(2); want <= 4; want++ {
		e.Title = fmt.Sprint("v", want)
		e = mustPut(t, s, e)
		if e.Version != want {
			t.Fatalf("version %d, want %d", e.Version, want)
		}
	}
}

func calStale(t *testing.T, s calendar.Store) {
	e := mustPut(t, s, calEntry(calT0, "acme-x"))
	newer := e
	newer.Title = "newer"
	mustPut(t, s, newer)
	e.Title = "stale"
	if _, err := s.Put(t.Context(), e); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a stale write: want ErrConflict, got %v", err)
	}
	e.Version = 0
	if _, err := s.Put(t.Context(), e); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("creating an existing ID: want ErrConflict, got %v", err)
	}
	got, _ := s.Get(t.Context(), e.ID)
	if got.Title != "newer" || got.Version != 2 {
		t.Errorf("after refused writes: %q at version %d, want \"newer\" at 2", got.Title, got.Version)
	}
}

func calConcurrentWriters(t *testing.T, s calendar.Store) {
	e := mustPut(t, s, calEntry(calT0, "acme-x"))
	oneWriterWins(t, "Put", func(i int) error {
		w := e.Clone()
		w.Title = fmt.Sprint("writer ", i)
		_, err := s.Put(t.Context(), w)
		return err
	})
}

// oneWriterWins runs 8 writes at once, all made at one version, and checks
// that exactly one succeeds and the others conflict.
func oneWriterWins(t *testing.T, what string, write func(i int) error) {
	t.Helper()
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := write(i)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case !errors.Is(err, cmkit.ErrConflict):
				t.Errorf("concurrent %s: %v", what, err)
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Errorf("8 writers of %s at one version: %d won, want exactly 1", what, won)
	}
}

func titles(es []calendar.Entry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Title
	}
	return out
}

func query(t *testing.T, s calendar.Store, q calendar.Query) []calendar.Entry {
	t.Helper()
	return collect(t, "Query", s.Query(t.Context(), q))
}

func calQuery(t *testing.T, s calendar.Store) {
	add := func(title string, at time.Time, channel string, state calendar.State, label, campaign string) {
		e := calEntry(at, channel)
		e.Title, e.State, e.Labels, e.Campaign = title, state, []string{label}, campaign
		mustPut(t, s, e)
	}
	add("c", calT0.Add(2*time.Hour), "acme-x", calendar.Scheduled, "promo", "winter")
	add("a", calT0, "acme-x", calendar.Draft, "evergreen", "winter")
	add("b", calT0.Add(time.Hour), "acme-fb", calendar.Scheduled, "promo", "")
	add("d", calT0.Add(48*time.Hour), "acme-fb", calendar.Published, "evergreen", "summer")
	for _, tc := range []struct {
		q    calendar.Query
		want string
	}{
		{calendar.Query{}, "[a b c d]"},
		{calendar.Query{From: calT0.Add(time.Hour), To: calT0.Add(3 * time.Hour)}, "[b c]"},
		{calendar.Query{Channel: "acme-fb"}, "[b d]"},
		{calendar.Query{States: []calendar.State{calendar.Scheduled}}, "[b c]"},
		{calendar.Query{Label: "promo"}, "[b c]"},
		{calendar.Query{Campaign: "winter"}, "[a c]"},
		{calendar.Query{Channel: "acme-x", Label: "promo"}, "[c]"},
	} {
		if got := fmt.Sprint(titles(query(t, s, tc.q))); got != tc.want {
			t.Errorf("Query(%+v) = %s, want %s (ordered by time)", tc.q, got, tc.want)
		}
	}
}

func calQueryEarlyStop(t *testing.T, s calendar.Store) {
	for i := range 5 {
		mustPut(t, s, calEntry(calT0.Add(time.Duration(i)*time.Minute), "acme-x"))
	}
	n := 0
	for range s.Query(t.Context(), calendar.Query{}) {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("stopping early saw %d", n)
	}
}

func calCopies(t *testing.T, s calendar.Store) {
	e := calEntry(calT0, "acme-x")
	mustPut(t, s, e)
	e.Variants[0].Post.Media[0].URL = "mutated-after-put"
	e.Labels[0] = "mutated-after-put"
	got, _ := s.Get(t.Context(), e.ID)
	if got.Variants[0].Post.Media[0].URL == "mutated-after-put" || got.Labels[0] == "mutated-after-put" {
		t.Errorf("the store shares memory with what was put")
	}
	got.Variants[0].State = calendar.Sent
	got.Labels[0] = "mutated-after-get"
	again, _ := s.Get(t.Context(), e.ID)
	if again.Variants[0].State != calendar.Pending || again.Labels[0] != "evergreen" {
		t.Errorf("the store shares memory with what Get returned")
	}
	for q := range s.Query(t.Context(), calendar.Query{}) {
		q.Variants[0].State = calendar.Dead
	}
	again, _ = s.Get(t.Context(), e.ID)
	if again.Variants[0].State != calendar.Pending {
		t.Errorf("the store shares memory with what Query yielded")
	}
}

func calClaimDue(t *testing.T, s calendar.Store) {
	due := mustPut(t, s, calEntry(calT0, "acme-x"))
	early := mustPut(t, s, calEntry(calT0.Add(-time.Hour), "acme-x"))
	mustPut(t, s, calEntry(calT0.Add(time.Minute), "acme-x")) // not yet
	notDue := calEntry(calT0.Add(-time.Hour), "acme-x")
	notDue.DueAt = time.Time{} // a draft, say
	mustPut(t, s, notDue)
	got, err := s.Claim(t.Context(), calendar.ClaimRequest{Now: calT0, Limit: 10, Owner: "p1", Lease: time.Minute})
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	if len(got) != 2 || got[0].ID != early.ID || got[1].ID != due.ID {
		t.Fatalf("Claim = %+v, want the two due entries, earliest first", got)
	}
	e, _ := s.Get(t.Context(), due.ID)
	if e.Version != got[1].Version || e.Version != due.Version+1 {
		t.Errorf("claimed version %d, stored %d, want %d", got[1].Version, e.Version, due.Version+1)
	}
	if e.Lease.Owner != "p1" || !e.Lease.Expires.Equal(calT0.Add(time.Minute)) || !e.DueAt.Equal(calT0.Add(time.Minute)) {
		t.Errorf("claimed entry: lease %+v, due %s; want p1 until and due at %s", e.Lease, e.DueAt, calT0.Add(time.Minute))
	}
	if again, _ := s.Claim(t.Context(), calendar.ClaimRequest{Now: calT0, Limit: 10, Owner: "p2", Lease: time.Minute}); len(again) != 0 {
		t.Errorf("claimed entries were claimed again under a live lease: %+v", again)
	}
	limited, _ := s.Claim(t.Context(), calendar.ClaimRequest{Now: calT0.Add(30 * time.Second), Limit: 1, Owner: "p2", Lease: time.Minute})
	if len(limited) != 0 {
		t.Errorf("nothing is due at +30s, got %+v", limited)
	}
	if _, err := s.Claim(t.Context(), calendar.ClaimRequest{Now: calT0, Limit: 0, Owner: "p1", Lease: time.Minute}); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("a claim without a limit: want ErrInvalid, got %v", err)
	}
}

func calClaimLease(t *testing.T, s calendar.Store) {
	e := mustPut(t, s, calEntry(calT0, "acme-x"))
	first, _ := s.Claim(t.Context(), calendar.ClaimRequest{Now: calT0, Limit: 1, Owner: "p1", Lease: time.Minute})
	if len(first) != 1 {
		t.Fatalf("first claim: %+v", first)
	}
	second, _ := s.Claim(t.Context(), calendar.ClaimRequest{Now: calT0.Add(time.Minute), Limit: 1, Owner: "p2", Lease: time.Minute})
	if len(second) != 1 || second[0].ID != e.ID || second[0].Version <= first[0].Version {
		t.Fatalf("after the lease ran out the entry must be claimable again at a newer version: %+v", second)
	}
	// The first publisher's write, at its claimed version, now fails.
	stale, _ := s.Get(t.Context(), e.ID)
	stale.Version = first[0].Version
	if _, err := s.Put(t.Context(), stale); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a write under an expired lease: want ErrConflict, got %v", err)
	}
	// Completing clears DueAt: the entry is never claimed again.
	done, _ := s.Get(t.Context(), e.ID)
	done.DueAt, done.Lease, done.State = time.Time{}, calendar.Lease{}, calendar.Published
	mustPut(t, s, done)
	if got, _ := s.Claim(t.Context(), calendar.ClaimRequest{Now: calT0.Add(time.Hour), Limit: 1, Owner: "p3", Lease: time.Minute}); len(got) != 0 {
		t.Errorf("a completed entry was claimed: %+v", got)
	}
}

// calClaimSkipsLiveLease: a person's action may make an entry due while its
// publisher still waits for a platform; the store must not hand it to a
// second publisher until the lease ends.
func calClaimSkipsLiveLease(t *testing.T, s calendar.Store) {
	e := mustPut(t, s, calEntry(calT0, "acme-x"))
	first, _ := s.Claim(t.Context(), calendar.ClaimRequest{Now: calT0, Limit: 1, Owner: "p1", Lease: 2 * time.Minute})
	if len(first) != 1 {
		t.Fatalf("first claim: %+v", first)
	}
	// A person resolves another variant: due now, lease untouched.
	cur, _ := s.Get(t.Context(), e.ID)
	cur.DueAt = calT0.Add(10 * time.Second)
	mustPut(t, s, cur)
	for _, now := range []time.Time{calT0.Add(10 * time.Second), calT0.Add(time.Minute), calT0.Add(2*time.Minute - time.Nanosecond)} {
		if got, _ := s.Claim(t.Context(), calendar.ClaimRequest{Now: now, Limit: 1, Owner: "p2", Lease: time.Minute}); len(got) != 0 {
			t.Fatalf("at %s the entry was handed out under p1's live lease (until %s): %+v", now.Sub(calT0), 2*time.Minute, got)
		}
	}
	got, _ := s.Claim(t.Context(), calendar.ClaimRequest{Now: calT0.Add(2 * time.Minute), Limit: 1, Owner: "p2", Lease: time.Minute})
	if len(got) != 1 || got[0].ID != e.ID {
		t.Errorf("once the lease ended the due entry must be claimable: %+v", got)
	}
}

func calConcurrentClaimers(t *testing.T, s calendar.Store) {
	const n = 200
	for i := range n {
		mustPut(t, s, calEntry(calT0.Add(time.Duration(i)*time.Second), "acme-x"))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	seen := map[string]int{}
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range n { // bounded: a store that never runs dry must not hang the suite
				got, err := s.Claim(t.Context(), calendar.ClaimRequest{Now: calT0.Add(time.Hour), Limit: 7,
					Owner: fmt.Sprint("p", w), Lease: time.Hour})
				if err != nil {
					t.Errorf("Claim: %v", err)
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, c := range got {
					seen[c.ID.String()]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("4 claimers took %d distinct entries, want %d", len(seen), n)
	}
	for id, c := range seen {
		if c != 1 {
			t.Errorf("entry %s was claimed %d times under one lease", id, c)
		}
	}
}

func calPauses(t *testing.T, s calendar.Store) {
	for _, p := range []calendar.Pause{{ID: "b", Brand: "acme"}, {ID: "a", Channel: "acme-x", Reason: "crisis"}} {
		if err := s.PutPause(t.Context(), p); err != nil {
			t.Fatalf("PutPause: %v", err)
		}
	}
	if err := s.PutPause(t.Context(), calendar.Pause{ID: "a", Channel: "acme-fb"}); err != nil {
		t.Fatalf("replacing a pause: %v", err)
	}
	ps, err := s.Pauses(t.Context())
	if err != nil || len(ps) != 2 || ps[0].ID != "a" || ps[0].Channel != "acme-fb" || ps[1].ID != "b" {
		t.Errorf("Pauses = %+v, %v; want a (replaced) and b, by ID", ps, err)
	}
	if err := s.DeletePause(t.Context(), "a"); err != nil {
		t.Fatalf("DeletePause: %v", err)
	}
	if ps, _ := s.Pauses(t.Context()); len(ps) != 1 {
		t.Errorf("after delete: %+v", ps)
	}
	if err := s.PutPause(t.Context(), calendar.Pause{}); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("a pause without ID: want ErrInvalid, got %v", err)
	}
}

func calCanceled(t *testing.T, s calendar.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	e := calEntry(calT0, "acme-x")
	if _, err := s.Put(ctx, e); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a canceled context: want context.Canceled, got %v", err)
	}
	if _, err := s.Claim(ctx, calendar.ClaimRequest{Now: calT0, Limit: 1, Owner: "p", Lease: time.Minute}); !errors.Is(err, context.Canceled) {
		t.Errorf("Claim with a canceled context: want context.Canceled, got %v", err)
	}
	if got := query(t, s, calendar.Query{}); len(got) != 0 {
		t.Errorf("a canceled Put wrote %+v", got)
	}
	if _, err := s.PutCampaign(ctx, calCampaign("winter")); !errors.Is(err, context.Canceled) {
		t.Errorf("PutCampaign with a canceled context: want context.Canceled, got %v", err)
	}
	if _, err := s.GetCampaign(t.Context(), "winter"); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("a canceled PutCampaign wrote: GetCampaign = %v, want ErrNotFound", err)
	}
}

func calCampaign(name string) calendar.Campaign {
	return calendar.Campaign{Name: name, Brand: "acme", Goal: "+10% sales", Start: calT0, End: calT0.AddDate(0, 1, 0),
		State: calendar.CampaignActive, CreatedBy: "sam", CreatedAt: calT0, UpdatedAt: calT0}
}

func mustPutCampaign(t *testing.T, s calendar.Store, cp calendar.Campaign) calendar.Campaign {
	t.Helper()
	got, err := s.PutCampaign(t.Context(), cp)
	if err != nil {
		t.Fatalf("PutCampaign: %v", err)
	}
	return got
}

// sameCampaign compares campaigns field by field, times by instant.
func sameCampaign(a, b calendar.Campaign) bool {
	for _, p := range [][2]*time.Time{{&a.Start, &b.Start}, {&a.End, &b.End}, {&a.CreatedAt, &b.CreatedAt}, {&a.UpdatedAt, &b.UpdatedAt}} {
		if !p[0].Equal(*p[1]) {
			return false
		}
		*p[0], *p[1] = time.Time{}, time.Time{}
	}
	return a == b
}

func campRoundTrip(t *testing.T, s calendar.Store) {
	cp := calCampaign("winter")
	got := mustPutCampaign(t, s, cp)
	cp.Version = 1
	if !sameCampaign(got, cp) {
		t.Errorf("PutCampaign = %+v\nwant %+v", got, cp)
	}
	read, err := s.GetCampaign(t.Context(), "winter")
	if err != nil {
		t.Fatalf("GetCampaign: %v", err)
	}
	if !sameCampaign(read, cp) {
		t.Errorf("GetCampaign = %+v\nwant %+v", read, cp)
	}
	if _, err := s.PutCampaign(t.Context(), calendar.Campaign{}); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("a campaign without a name: want ErrInvalid, got %v", err)
	}
}

func campNotFound(t *testing.T, s calendar.Store) {
	if _, err := s.GetCampaign(t.Context(), "none"); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("GetCampaign of a missing campaign: want ErrNotFound, got %v", err)
	}
	cp := calCampaign("none")
	cp.Version = 3
	if _, err := s.PutCampaign(t.Context(), cp); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("updating a missing campaign: want ErrNotFound, got %v", err)
	}
}

func campVersionRises(t *testing.T, s calendar.Store) {
	cp := mustPutCampaign(t, s, calCampaign("winter"))
	for want := int64(2); want <= 4; want++ {
		cp.Goal = fmt.Sprint("v", want)
		cp = mustPutCampaign(t, s, cp)
		if cp.Version != want {
			t.Fatalf("version %d, want %d", cp.Version, want)
		}
	}
	if got, _ := s.GetCampaign(t.Context(), "winter"); got.Version != 4 || got.Goal != "v4" {
		t.Errorf("stored %q at version %d, want \"v4\" at 4", got.Goal, got.Version)
	}
}

func campStale(t *testing.T, s calendar.Store) {
	cp := mustPutCampaign(t, s, calCampaign("winter"))
	newer := cp
	newer.Goal = "newer"
	mustPutCampaign(t, s, newer)
	cp.Goal = "stale"
	if _, err := s.PutCampaign(t.Context(), cp); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a stale campaign write: want ErrConflict, got %v", err)
	}
	cp.Version = 0
	if _, err := s.PutCampaign(t.Context(), cp); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("creating an existing campaign: want ErrConflict, got %v", err)
	}
	got, _ := s.GetCampaign(t.Context(), "winter")
	if got.Goal != "newer" || got.Version != 2 {
		t.Errorf("after refused writes: %q at version %d, want \"newer\" at 2", got.Goal, got.Version)
	}
}

func campConcurrentWriters(t *testing.T, s calendar.Store) {
	cp := mustPutCampaign(t, s, calCampaign("winter"))
	oneWriterWins(t, "PutCampaign", func(i int) error {
		w := cp
		w.Goal = fmt.Sprint("writer ", i)
		_, err := s.PutCampaign(t.Context(), w)
		return err
	})
}

func campOrder(t *testing.T, s calendar.Store) {
	for _, name := range []string{"c", "a", "b"} {
		mustPutCampaign(t, s, calCampaign(name))
	}
	var names []string
	for _, cp := range collect(t, "Campaigns", s.Campaigns(t.Context())) {
		names = append(names, cp.Name)
	}
	if fmt.Sprint(names) != "[a b c]" {
		t.Errorf("Campaigns = %v, want [a b c] (by name)", names)
	}
	n := 0
	for range s.Campaigns(t.Context()) {
		n++
		if n == 2 {
			break
		}
	}
	if n != 2 {
		t.Errorf("stopping early saw %d", n)
	}
}
