package cmkittest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/crisis"
	"github.com/cmkit/cmkit/roles"
)

// TestCrisisStore runs the conformance suite for crisis.Store
// implementations. newStore is called once per subtest and must return an
// empty store; it may register cleanups with t.Cleanup.
//
// The subtests are named by the promise they check:
//
//	RoundTrip                  an incident and its timeline read back as written
//	NotFound                   a missing incident, and an update of one
//	VersionRises               created at 1, then one more per write
//	StaleVersionConflicts      a stale update or a repeated create changes nothing
//	InvalidWrites              what the Store doc calls invalid changes nothing
//	CommitIsAtomic             one bad entry refuses the incident and every entry
//	TimelineInCommitOrder      entries come back in the order committed
//	IncidentsByBrand           the brand's incidents, oldest first
//	DuePages                   due incidents only (now included), earliest first
//	CopiesInAndOut             neither the write nor what reads return shares memory
//	CanceledContext            every method fails, and nothing is written
//	ConcurrentWritersOneWins   writers at one version: exactly one wins
//	ConcurrentReadModifyWrite  retrying writers lose no update and no entry
//
// Problems are reported with t.Errorf, so one run lists all of them.
func TestCrisisStore(t *testing.T, newStore func(t *testing.T) crisis.Store) {
	t.Helper()
	runSuite(t, newStore, []subtest[crisis.Store]{
		{"RoundTrip", crisisRoundTrip},
		{"NotFound", crisisNotFound},
		{"VersionRises", crisisVersionRises},
		{"StaleVersionConflicts", crisisStale},
		{"InvalidWrites", crisisInvalid},
		{"CommitIsAtomic", crisisAtomic},
		{"TimelineInCommitOrder", crisisTimelineOrder},
		{"IncidentsByBrand", crisisByBrand},
		{"DuePages", crisisDuePages},
		{"CopiesInAndOut", crisisCopies},
		{"CanceledContext", crisisCanceled},
		{"ConcurrentWritersOneWins", crisisConcurrentWriters},
		{"ConcurrentReadModifyWrite", crisisConcurrentRMW},
	})
}

var crisisT0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// crisisIncident returns a full incident, every field set.
func crisisIncident(brand string, opened time.Time) crisis.Incident {
	statement := cmkit.NewID()
	return crisis.Incident{ID: cmkit.NewID(), Brand: brand,
		Plan:  crisis.PlanRef{ID: "plan", Version: 3, Hash: "sha256:00"},
		Title: "storm", Level: "major", State: crisis.IncidentAcknowledged, Source: "detect:acme#1",
		OpenedAt: opened, LevelAt: opened.Add(time.Minute), AckedAt: opened.Add(2 * time.Minute), AckedBy: "ana",
		ResolvedAt: opened.Add(time.Hour),
		Undo: crisis.Undo{Pauses: []crisis.PauseHandle{{ID: "p1", Missed: crisis.MoveMissedPosts}},
			Moderation: true, PreviousRules: "default", StyleGuideCrisis: true},
		Pages:    []crisis.PageSchedule{{Step: -1, Sent: 1}, {Step: 0, Next: opened.Add(10 * time.Minute)}},
		NextPage: opened.Add(10 * time.Minute),
		Review: &crisis.Review{By: "boss", At: opened.Add(48 * time.Hour), Summary: "s", WentWell: []string{"w"},
			Improve: []string{"i"}, ActionItems: []string{"a"}},
		Statements: []crisis.PublicStatement{{ID: statement, Version: 2, Language: "es", Channel: "acme-x",
			Text: "Lo revisamos.", Authors: []string{"ana", "bea"}, Level: "major",
			Approvals: []roles.Approval{{Item: statement, Version: 2, Rule: "crisis-major", Step: "smm", Approver: "sam",
				At: opened.Add(3 * time.Minute)}},
			State: crisis.StatementPublished, DraftedAt: opened.Add(2 * time.Minute),
			PublishedAt: opened.Add(4 * time.Minute), PublishedBy: "bea", Receipt: "post-1"}},
	}
}

func crisisEntry(inc crisis.Incident, text string) crisis.TimelineEntry {
	return crisis.TimelineEntry{ID: cmkit.NewID(), Incident: inc.ID, At: crisisT0, Kind: crisis.TimelinePage,
		Actor: "ana", Level: inc.Level, State: inc.State, Step: 1, Due: crisisT0,
		To:        &crisis.Responder{Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme"}},
		Statement: cmkit.NewID(), Text: text}
}

// crisisCreate commits inc as new and returns it at version 1.
func crisisCreate(t *testing.T, s crisis.Store, inc crisis.Incident, entries ...crisis.TimelineEntry) crisis.Incident {
	t.Helper()
	if err := s.Commit(t.Context(), inc, entries...); err != nil {
		t.Fatalf("creating incident: %v", err)
	}
	inc.Version = 1
	return inc
}

// crisisReread returns the stored incident.
func crisisReread(t *testing.T, s crisis.Store, inc crisis.Incident) crisis.Incident {
	t.Helper()
	got, err := s.Incident(t.Context(), inc.ID)
	if err != nil {
		t.Fatalf("Incident: %v", err)
	}
	return got
}

// crisisSnapshot is what the store holds for one incident, to compare.
func crisisSnapshot(t *testing.T, s crisis.Store, id uuid.UUID) string {
	t.Helper()
	inc, err := s.Incident(t.Context(), id)
	tl, terr := s.Timeline(t.Context(), id)
	b, _ := json.Marshal(inc)
	tb, _ := json.Marshal(tl)
	return fmt.Sprintf("%s %v\n%s %v", b, errClass(err), tb, terr)
}

func crisisUnchanged(t *testing.T, s crisis.Store, id uuid.UUID, before, what string) {
	t.Helper()
	if after := crisisSnapshot(t, s, id); after != before {
		t.Errorf("%s changed the store:\n%s", what, stateDiff(before, after))
	}
}

func crisisErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got error %v, want one wrapping %v", what, err, want)
	}
}

func crisisRoundTrip(t *testing.T, s crisis.Store) {
	inc := crisisIncident("acme", crisisT0)
	e1, e2 := crisisEntry(inc, "one"), crisisEntry(inc, "two")
	want := crisisCreate(t, s, inc, e1, e2)
	got, err := s.Incident(t.Context(), inc.ID)
	if err != nil {
		t.Fatalf("Incident: %v", err)
	}
	inboxExpect(t, "the incident read back", want, got)
	tl, err := s.Timeline(t.Context(), inc.ID)
	if err != nil {
		t.Fatalf("Timeline: %v", err)
	}
	inboxExpect(t, "the timeline read back", []crisis.TimelineEntry{e1, e2}, tl)
	// The zero-valued optional fields read back zero too.
	bare := crisis.Incident{ID: cmkit.NewID(), Brand: "acme"}
	crisisCreate(t, s, bare)
	got, err = s.Incident(t.Context(), bare.ID)
	bare.Version = 1
	if err != nil {
		t.Fatalf("Incident: %v", err)
	}
	inboxExpect(t, "a bare incident read back", bare, got)
}

func crisisNotFound(t *testing.T, s crisis.Store) {
	inc := crisisIncident("acme", crisisT0)
	_, err := s.Incident(t.Context(), inc.ID)
	crisisErr(t, "Incident of an unknown ID", err, cmkit.ErrNotFound)
	inc.Version = 3
	before := crisisSnapshot(t, s, inc.ID)
	crisisErr(t, "updating an unknown incident", s.Commit(t.Context(), inc, crisisEntry(inc, "x")), cmkit.ErrNotFound)
	crisisUnchanged(t, s, inc.ID, before, "updating an unknown incident")
	tl, err := s.Timeline(t.Context(), inc.ID)
	if err != nil || len(tl) != 0 {
		t.Errorf("Timeline of an unknown incident: %v, %v; want empty, nil", tl, err)
	}
}

func crisisVersionRises(t *testing.T, s crisis.Store) {
	inc := crisisCreate(t, s, crisisIncident("acme", crisisT0))
	for want := int64(1); want <= 3; want++ {
		got, err := s.Incident(t.Context(), inc.ID)
		if err != nil || got.Version != want {
			t.Fatalf("version after %d writes: %d, %v; want %d", want, got.Version, err, want)
		}
		got.Title = fmt.Sprint("t", want)
		if err := s.Commit(t.Context(), got); err != nil {
			t.Fatalf("update at version %d: %v", want, err)
		}
	}
}

func crisisStale(t *testing.T, s crisis.Store) {
	inc := crisisCreate(t, s, crisisIncident("acme", crisisT0))
	cur := inc
	cur.Title = "new"
	if err := s.Commit(t.Context(), cur); err != nil {
		t.Fatalf("update: %v", err)
	}
	before := crisisSnapshot(t, s, inc.ID)
	stale := inc
	stale.Title = "stale"
	crisisErr(t, "an update at a stale version", s.Commit(t.Context(), stale, crisisEntry(inc, "stale")), cmkit.ErrConflict)
	crisisUnchanged(t, s, inc.ID, before, "an update at a stale version")
	ahead := inc
	ahead.Version = 7
	crisisErr(t, "an update at a version ahead", s.Commit(t.Context(), ahead), cmkit.ErrConflict)
	crisisUnchanged(t, s, inc.ID, before, "an update at a version ahead")
	again := inc
	again.Version = 0
	crisisErr(t, "creating an existing incident", s.Commit(t.Context(), again), cmkit.ErrConflict)
	crisisUnchanged(t, s, inc.ID, before, "creating an existing incident")
}

func crisisInvalid(t *testing.T, s crisis.Store) {
	inc := crisisCreate(t, s, crisisIncident("acme", crisisT0))
	stored := crisisEntry(inc, "stored")
	if err := s.Commit(t.Context(), inc, stored); err != nil {
		t.Fatalf("update: %v", err)
	}
	inc = crisisReread(t, s, inc)
	other := crisisIncident("acme", crisisT0)
	for _, tc := range []struct {
		name    string
		inc     crisis.Incident
		entries []crisis.TimelineEntry
	}{
		{"no ID", func() crisis.Incident { i := inc; i.ID = uuid.Nil; return i }(), nil},
		{"no brand", func() crisis.Incident { i := inc; i.Brand = ""; return i }(), nil},
		{"entry without ID", inc, []crisis.TimelineEntry{func() crisis.TimelineEntry { e := crisisEntry(inc, ""); e.ID = uuid.Nil; return e }()}},
		{"entry of another incident", inc, []crisis.TimelineEntry{crisisEntry(other, "x")}},
		{"entry twice", inc, func() []crisis.TimelineEntry { e := crisisEntry(inc, "x"); return []crisis.TimelineEntry{e, e} }()},
		{"entry already stored", inc, []crisis.TimelineEntry{stored}},
	} {
		before := crisisSnapshot(t, s, inc.ID)
		crisisErr(t, tc.name, s.Commit(t.Context(), tc.inc, tc.entries...), cmkit.ErrInvalid)
		crisisUnchanged(t, s, inc.ID, before, tc.name)
	}
}

func crisisAtomic(t *testing.T, s crisis.Store) {
	inc := crisisCreate(t, s, crisisIncident("acme", crisisT0))
	stored := crisisEntry(inc, "stored")
	if err := s.Commit(t.Context(), inc, stored); err != nil {
		t.Fatalf("update: %v", err)
	}
	inc = crisisReread(t, s, inc)
	before := crisisSnapshot(t, s, inc.ID)
	next := inc
	next.Title, next.NextPage = "changed", time.Time{}
	err := s.Commit(t.Context(), next, crisisEntry(inc, "good"), crisisEntry(inc, "good too"), stored)
	if err == nil {
		t.Errorf("a write whose last entry is already stored was accepted")
	}
	crisisUnchanged(t, s, inc.ID, before, "a write refused for its last entry")
}

func crisisTimelineOrder(t *testing.T, s crisis.Store) {
	inc := crisisCreate(t, s, crisisIncident("acme", crisisT0))
	var want []crisis.TimelineEntry
	for i := range 5 {
		es := []crisis.TimelineEntry{crisisEntry(inc, fmt.Sprint(i, "a")), crisisEntry(inc, fmt.Sprint(i, "b"))}
		// Later entries with earlier times and smaller IDs still come after.
		es[0].At, es[1].At = crisisT0.Add(-time.Duration(i)*time.Hour), crisisT0.Add(-time.Duration(i)*time.Hour)
		es[0].ID, es[1].ID = uuid.UUID{15 - byte(2*i)}, uuid.UUID{14 - byte(2*i)}
		if err := s.Commit(t.Context(), inc, es...); err != nil {
			t.Fatalf("commit %d: %v", i, err)
		}
		inc = crisisReread(t, s, inc)
		want = append(want, es...)
	}
	tl, err := s.Timeline(t.Context(), inc.ID)
	if err != nil {
		t.Fatalf("Timeline: %v", err)
	}
	inboxExpect(t, "the timeline", want, tl)
}

func crisisIDs(incs []crisis.Incident) []uuid.UUID {
	ids := make([]uuid.UUID, len(incs))
	for i := range incs {
		ids[i] = incs[i].ID
	}
	return ids
}

func crisisByBrand(t *testing.T, s crisis.Store) {
	late := crisisCreate(t, s, crisisIncident("acme", crisisT0.Add(time.Hour)))
	other := crisisCreate(t, s, crisisIncident("globex", crisisT0.Add(30*time.Minute)))
	early := crisisCreate(t, s, crisisIncident("acme", crisisT0))
	got, err := s.Incidents(t.Context(), "acme")
	if err != nil {
		t.Fatalf("Incidents: %v", err)
	}
	inboxExpect(t, "acme's incidents", []uuid.UUID{early.ID, late.ID}, crisisIDs(got))
	got, err = s.Incidents(t.Context(), "")
	if err != nil {
		t.Fatalf("Incidents: %v", err)
	}
	inboxExpect(t, "every incident", []uuid.UUID{early.ID, other.ID, late.ID}, crisisIDs(got))
	got, err = s.Incidents(t.Context(), "initech")
	if err != nil || len(got) != 0 {
		t.Errorf("incidents of a brand without any: %v, %v", crisisIDs(got), err)
	}
}

func crisisDuePages(t *testing.T, s crisis.Store) {
	now := crisisT0.Add(time.Hour)
	mk := func(next time.Time) crisis.Incident {
		inc := crisisIncident("acme", crisisT0)
		inc.NextPage = next
		return crisisCreate(t, s, inc)
	}
	atNow := mk(now)
	mk(now.Add(time.Second))
	mk(time.Time{})
	early := mk(now.Add(-time.Minute))
	mid := mk(now.Add(-time.Second))
	got, err := s.DuePages(t.Context(), now)
	if err != nil {
		t.Fatalf("DuePages: %v", err)
	}
	inboxExpect(t, "the due incidents", []uuid.UUID{early.ID, mid.ID, atNow.ID}, crisisIDs(got))
	// An incident whose page was sent drops out.
	early.NextPage = time.Time{}
	if err := s.Commit(t.Context(), early); err != nil {
		t.Fatalf("commit: %v", err)
	}
	got, err = s.DuePages(t.Context(), now)
	if err != nil {
		t.Fatalf("DuePages: %v", err)
	}
	inboxExpect(t, "the due incidents after one was paged", []uuid.UUID{mid.ID, atNow.ID}, crisisIDs(got))
}

func crisisCopies(t *testing.T, s crisis.Store) {
	inc := crisisIncident("acme", crisisT0)
	e := crisisEntry(inc, "e")
	want := inc.Clone()
	want.Version = 1
	wantE := e
	wantE.To = &crisis.Responder{Role: e.To.Role, Scope: e.To.Scope}
	crisisCreate(t, s, inc, e)
	// Change what was written.
	inc.Undo.Pauses[0].ID, inc.Pages[0].Sent, inc.Review.ActionItems[0], e.To.Role = "x", 9, "x", "x"
	inc.Statements[0].Authors[0], inc.Statements[0].Approvals[0].Approver = "x", "x"
	check := func(what string) {
		t.Helper()
		got, err := s.Incident(t.Context(), inc.ID)
		if err != nil {
			t.Fatalf("Incident: %v", err)
		}
		inboxExpect(t, what, want, got)
		tl, err := s.Timeline(t.Context(), inc.ID)
		if err != nil || len(tl) != 1 {
			t.Fatalf("Timeline: %v, %v", tl, err)
		}
		inboxExpect(t, what+" (timeline)", wantE, tl[0])
		// Change what was read.
		got.Undo.Pauses[0].ID, got.Pages[0].Sent, got.Review.WentWell[0], tl[0].To.Member = "y", 8, "y", "y"
		got.Statements[0].Authors[1], got.Statements[0].Approvals[0].Step = "y", "y"
	}
	check("after changing the written values")
	check("after changing the values read")
	for _, list := range []func() ([]crisis.Incident, error){
		func() ([]crisis.Incident, error) { return s.Incidents(t.Context(), "acme") },
		func() ([]crisis.Incident, error) { return s.DuePages(t.Context(), crisisT0.Add(time.Hour)) },
	} {
		got, err := list()
		if err != nil || len(got) != 1 {
			t.Fatalf("listing: %v, %v", got, err)
		}
		got[0].Pages[0].Sent, got[0].Review.Improve[0] = 7, "z"
	}
	check("after changing listed values")
}

func crisisCanceled(t *testing.T, s crisis.Store) {
	inc := crisisCreate(t, s, crisisIncident("acme", crisisT0))
	before := crisisSnapshot(t, s, inc.ID)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.Incident(ctx, inc.ID)
	crisisErr(t, "Incident", err, context.Canceled)
	_, err = s.Timeline(ctx, inc.ID)
	crisisErr(t, "Timeline", err, context.Canceled)
	_, err = s.Incidents(ctx, "")
	crisisErr(t, "Incidents", err, context.Canceled)
	_, err = s.DuePages(ctx, crisisT0.Add(time.Hour))
	crisisErr(t, "DuePages", err, context.Canceled)
	inc.Title = "canceled"
	crisisErr(t, "Commit", s.Commit(ctx, inc, crisisEntry(inc, "x")), context.Canceled)
	crisisUnchanged(t, s, inc.ID, before, "a canceled Commit")
	fresh := crisisIncident("acme", crisisT0)
	crisisErr(t, "Commit of a new incident", s.Commit(ctx, fresh), context.Canceled)
	if _, err := s.Incident(t.Context(), fresh.ID); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("a canceled create stored the incident (%v)", err)
	}
}

func crisisConcurrentWriters(t *testing.T, s crisis.Store) {
	inc := crisisCreate(t, s, crisisIncident("acme", crisisT0))
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := inc.Clone()
			w.Title = fmt.Sprint("writer", i)
			errs[i] = s.Commit(context.Background(), w, crisisEntry(inc, w.Title))
		}()
	}
	wg.Wait()
	won := 0
	for i, err := range errs {
		switch {
		case err == nil:
			won++
		case !errors.Is(err, cmkit.ErrConflict):
			t.Errorf("writer %d: %v, want nil or a conflict", i, err)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d writers at one version won; want exactly 1", won, n)
	}
	tl, err := s.Timeline(t.Context(), inc.ID)
	if err != nil || len(tl) != won {
		t.Errorf("the timeline has %d entries (%v); want one per winning write, %d", len(tl), err, won)
	}
}

func crisisConcurrentRMW(t *testing.T, s crisis.Store) {
	inc := crisisCreate(t, s, crisisIncident("acme", crisisT0))
	const n, each = 4, 5
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range each {
				for {
					cur, err := s.Incident(context.Background(), inc.ID)
					if err != nil {
						t.Errorf("Incident: %v", err)
						return
					}
					cur.Pages[0].Sent++
					err = s.Commit(context.Background(), cur, crisisEntry(cur, "sent"))
					if err == nil {
						break
					}
					if !errors.Is(err, cmkit.ErrConflict) {
						t.Errorf("Commit: %v", err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	got, err := s.Incident(t.Context(), inc.ID)
	if err != nil {
		t.Fatalf("Incident: %v", err)
	}
	tl, _ := s.Timeline(t.Context(), inc.ID)
	if got.Pages[0].Sent != 1+n*each || len(tl) != n*each || got.Version != 1+n*each {
		t.Errorf("after %d increments: Sent %d (want %d), %d entries, version %d (want %d)",
			n*each, got.Pages[0].Sent, 1+n*each, len(tl), got.Version, 1+n*each)
	}
}
