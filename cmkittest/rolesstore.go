package cmkittest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// TestRolesStore runs the conformance suite for roles.Store implementations.
// newStore is called once per subtest and must return an empty store; it
// may register cleanups with t.Cleanup.
//
// Subtests: RoundTrip, NotFound, VersionRises, StaleVersionConflicts,
// ApplyIsAtomic, ConcurrentWritersOneWins, IterationOrderAndEarlyStop,
// CopiesInAndOut, CanceledContext.
func TestRolesStore(t *testing.T, newStore func(t *testing.T) roles.Store) {
	t.Helper()
	runSuite(t, newStore, []subtest[roles.Store]{
		{"RoundTrip", rolesRoundTrip},
		{"NotFound", rolesNotFound},
		{"VersionRises", rolesVersionRises},
		{"StaleVersionConflicts", rolesStaleVersion},
		{"ApplyIsAtomic", rolesAtomic},
		{"ConcurrentWritersOneWins", rolesConcurrent},
		{"IterationOrderAndEarlyStop", rolesIteration},
		{"CopiesInAndOut", rolesCopies},
		{"CanceledContext", rolesCanceled},
	})
}

func apply(t *testing.T, s roles.Store, c roles.Change) {
	t.Helper()
	if err := s.Apply(t.Context(), c); err != nil {
		t.Fatalf("Apply: %v", err)
	}
}

func sampleGrant(member string) roles.Grant {
	return roles.Grant{ID: cmkit.NewID(), Member: member, Role: roles.JuniorCM,
		Scope: roles.Scope{Brand: "acme", Country: "ES"}, GrantedBy: "boss",
		CreatedAt: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
}

func allGrants(t *testing.T, s roles.Store) []roles.Grant {
	t.Helper()
	return collect(t, "Grants", s.Grants(t.Context()))
}

func allMembers(t *testing.T, s roles.Store) []roles.Member {
	t.Helper()
	return collect(t, "Members", s.Members(t.Context()))
}

func rolesRoundTrip(t *testing.T, s roles.Store) {
	m := roles.Member{ID: "ana", Name: "Ana García", Email: "ana@acme.example", Languages: []string{"es", "en"}}
	g := sampleGrant("ana")
	g.ExpiresAt = g.CreatedAt.Add(24 * time.Hour)
	apply(t, s, roles.Change{PutMembers: []roles.Member{m}, AddGrants: []roles.Grant{g}})
	got, err := s.Member(t.Context(), "ana")
	if err != nil {
		t.Fatalf("Member: %v", err)
	}
	m.Version = 1
	if fmt.Sprint(got) != fmt.Sprint(m) {
		t.Errorf("Member = %+v, want %+v", got, m)
	}
	gs := allGrants(t, s)
	if len(gs) != 1 || !grantEqual(gs[0], g) {
		t.Errorf("Grants = %+v, want [%+v]", gs, g)
	}
	apply(t, s, roles.Change{RemoveGrants: []uuid.UUID{g.ID}, DeleteMembers: []roles.MemberRef{{ID: "ana", Version: 1}}})
	if gs := allGrants(t, s); len(gs) != 0 {
		t.Errorf("after removal Grants = %+v", gs)
	}
	if ms := allMembers(t, s); len(ms) != 0 {
		t.Errorf("after deletion Members = %+v", ms)
	}
}

func grantEqual(a, b roles.Grant) bool {
	return a.ID == b.ID && a.Member == b.Member && a.Role == b.Role && a.Permission == b.Permission &&
		a.Deny == b.Deny && a.Scope == b.Scope && a.GrantedBy == b.GrantedBy &&
		a.CreatedAt.Equal(b.CreatedAt) && a.ExpiresAt.Equal(b.ExpiresAt)
}

func rolesNotFound(t *testing.T, s roles.Store) {
	if _, err := s.Member(t.Context(), "nobody"); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("Member of a missing ID: want ErrNotFound, got %v", err)
	}
	if err := s.Apply(t.Context(), roles.Change{RemoveGrants: []uuid.UUID{cmkit.NewID()}}); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("removing a missing grant: want ErrNotFound, got %v", err)
	}
	err := s.Apply(t.Context(), roles.Change{PutMembers: []roles.Member{{ID: "ghost", Version: 3}}})
	if !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("updating a missing member: want ErrNotFound, got %v", err)
	}
}

func rolesVersionRises(t *testing.T, s roles.Store) {
	apply(t, s, roles.Change{PutMembers: []roles.Member{{ID: "ola"}}})
	for want := int64(1); want <= 3; want++ {
		m, err := s.Member(t.Context(), "ola")
		if err != nil {
			t.Fatalf("Member: %v", err)
		}
		if m.Version != want {
			t.Fatalf("Version = %d, want %d", m.Version, want)
		}
		m.Name = fmt.Sprintf("Ola %d", want)
		apply(t, s, roles.Change{PutMembers: []roles.Member{m}})
	}
}

func rolesStaleVersion(t *testing.T, s roles.Store) {
	apply(t, s, roles.Change{PutMembers: []roles.Member{{ID: "ola", Name: "Ola"}}})
	apply(t, s, roles.Change{PutMembers: []roles.Member{{ID: "ola", Name: "Ola N.", Version: 1}}})
	err := s.Apply(t.Context(), roles.Change{PutMembers: []roles.Member{{ID: "ola", Name: "stale", Version: 1}}})
	if !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a stale version: want ErrConflict, got %v", err)
	}
	err = s.Apply(t.Context(), roles.Change{PutMembers: []roles.Member{{ID: "ola", Name: "again"}}})
	if !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("creating an existing member: want ErrConflict, got %v", err)
	}
	err = s.Apply(t.Context(), roles.Change{DeleteMembers: []roles.MemberRef{{ID: "ola", Version: 1}}})
	if !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("deleting at a stale version: want ErrConflict, got %v", err)
	}
	m, err := s.Member(t.Context(), "ola")
	if err != nil || m.Name != "Ola N." || m.Version != 2 {
		t.Errorf("after refused writes the member is %+v, %v; want Ola N. at version 2", m, err)
	}
	g := sampleGrant("ola")
	apply(t, s, roles.Change{AddGrants: []roles.Grant{g}})
	if err := s.Apply(t.Context(), roles.Change{AddGrants: []roles.Grant{g}}); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("adding a grant ID twice: want ErrConflict, got %v", err)
	}
}

func rolesAtomic(t *testing.T, s roles.Store) {
	apply(t, s, roles.Change{PutMembers: []roles.Member{{ID: "a"}}})
	keep := sampleGrant("a")
	apply(t, s, roles.Change{AddGrants: []roles.Grant{keep}})
	bad := []roles.Change{
		{PutMembers: []roles.Member{{ID: "b"}}, AddGrants: []roles.Grant{sampleGrant("b")},
			RemoveGrants: []uuid.UUID{cmkit.NewID()}},
		{PutMembers: []roles.Member{{ID: "c"}, {ID: "a"}}},
		{RemoveGrants: []uuid.UUID{keep.ID}, DeleteMembers: []roles.MemberRef{{ID: "a", Version: 9}}},
		{AddGrants: []roles.Grant{keep}, PutMembers: []roles.Member{{ID: "d"}}},
	}
	for i, c := range bad {
		if err := s.Apply(t.Context(), c); err == nil {
			t.Errorf("change %d should fail", i)
		}
	}
	ms, gs := allMembers(t, s), allGrants(t, s)
	if len(ms) != 1 || ms[0].ID != "a" || ms[0].Version != 1 || len(gs) != 1 || gs[0].ID != keep.ID {
		t.Errorf("failed changes were half-applied: members %+v, grants %+v", ms, gs)
	}
}

func rolesConcurrent(t *testing.T, s roles.Store) {
	apply(t, s, roles.Change{PutMembers: []roles.Member{{ID: "ola"}}})
	const writers = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, conflicts := 0, 0
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := s.Apply(t.Context(), roles.Change{PutMembers: []roles.Member{{ID: "ola", Name: fmt.Sprint(i), Version: 1}}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, cmkit.ErrConflict):
				conflicts++
			default:
				t.Errorf("concurrent Apply: %v", err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || conflicts != writers-1 {
		t.Errorf("%d writers at one version: %d won, %d conflicted; want exactly one winner", writers, won, conflicts)
	}
	if m, err := s.Member(t.Context(), "ola"); err != nil || m.Version != 2 {
		t.Errorf("after the race: %+v, %v; want version 2", m, err)
	}
}

func rolesIteration(t *testing.T, s roles.Store) {
	var c roles.Change
	for _, id := range []string{"zoe", "ana", "mia", "bob"} {
		c.PutMembers = append(c.PutMembers, roles.Member{ID: id})
	}
	var ids []uuid.UUID
	for range 5 {
		g := sampleGrant("ana")
		ids = append(ids, g.ID)
		c.AddGrants = append(c.AddGrants, g)
	}
	// Add them in reverse, to be sure the store sorts.
	for i, j := 0, len(c.AddGrants)-1; i < j; i, j = i+1, j-1 {
		c.AddGrants[i], c.AddGrants[j] = c.AddGrants[j], c.AddGrants[i]
	}
	apply(t, s, c)
	var got []string
	for _, m := range allMembers(t, s) {
		got = append(got, m.ID)
	}
	if fmt.Sprint(got) != "[ana bob mia zoe]" {
		t.Errorf("Members order = %v, want by ID", got)
	}
	gs := allGrants(t, s)
	for i := range gs {
		if gs[i].ID != ids[i] {
			t.Errorf("Grants[%d] = %s, want %s (by ID)", i, gs[i].ID, ids[i])
		}
	}
	n := 0
	for range s.Members(t.Context()) {
		n++
		if n == 2 {
			break
		}
	}
	m := 0
	for range s.Grants(t.Context()) {
		m++
		break
	}
	if n != 2 || m != 1 {
		t.Errorf("stopping early: %d members, %d grants seen", n, m)
	}
}

func rolesCopies(t *testing.T, s roles.Store) {
	langs := []string{"pl"}
	apply(t, s, roles.Change{PutMembers: []roles.Member{{ID: "ola", Languages: langs}}})
	langs[0] = "mutated"
	m, _ := s.Member(t.Context(), "ola")
	if len(m.Languages) != 1 || m.Languages[0] != "pl" {
		t.Errorf("the store shares the caller's slice: %v", m.Languages)
	}
	m.Languages[0] = "mutated"
	again, _ := s.Member(t.Context(), "ola")
	if again.Languages[0] != "pl" {
		t.Errorf("the store returns its own slice: %v", again.Languages)
	}
	for m := range s.Members(t.Context()) {
		m.Languages[0] = "mutated"
	}
	again, _ = s.Member(t.Context(), "ola")
	if again.Languages[0] != "pl" {
		t.Errorf("Members yields the store's own slice: %v", again.Languages)
	}
}

func rolesCanceled(t *testing.T, s roles.Store) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.Apply(ctx, roles.Change{PutMembers: []roles.Member{{ID: "x"}}}); !errors.Is(err, context.Canceled) {
		t.Errorf("Apply with a canceled context: want context.Canceled, got %v", err)
	}
	if _, err := s.Member(ctx, "x"); !errors.Is(err, context.Canceled) {
		t.Errorf("Member with a canceled context: want context.Canceled, got %v", err)
	}
	for _, err := range s.Members(ctx) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Members with a canceled context: want context.Canceled, got %v", err)
		}
		break
	}
	if ms := allMembers(t, s); len(ms) != 0 {
		t.Errorf("a canceled Apply wrote %v", ms)
	}
}

// TestAuditStore runs the conformance suite for roles.AuditStore
// implementations. newStore is called once per subtest and must return an
// empty store.
//
// Subtests: AppendAndRead, SequenceEnforced, ConcurrentAppendersOneChain,
// ReadAfterAndEarlyStop, CanceledContext.
func TestAuditStore(t *testing.T, newStore func(t *testing.T) roles.AuditStore) {
	t.Helper()
	rec := func(seq uint64) roles.Record {
		return roles.Record{Seq: seq, At: time.Date(2026, 11, 23, 9, 0, int(seq), 0, time.UTC),
			AuditEvent: roles.AuditEvent{Actor: "ana", Action: "check", Resource: roles.Resource{Brand: "acme"}, Allowed: true},
			Prev:       fmt.Sprintf("h%d", seq-1), Hash: fmt.Sprintf("h%d", seq)}
	}
	read := func(t *testing.T, s roles.AuditStore, after uint64) []uint64 {
		var out []uint64
		for _, r := range collect(t, "Records", s.Records(t.Context(), after)) {
			out = append(out, r.Seq)
		}
		return out
	}
	t.Run("AppendAndRead", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.Last(t.Context()); !errors.Is(err, cmkit.ErrNotFound) {
			t.Errorf("Last of an empty store: want ErrNotFound, got %v", err)
		}
		for i := uint64(1); i <= 3; i++ {
			if err := s.Append(t.Context(), rec(i)); err != nil {
				t.Fatalf("Append(%d): %v", i, err)
			}
		}
		last, err := s.Last(t.Context())
		if err != nil || last.Seq != 3 || last.Hash != "h3" || !last.At.Equal(rec(3).At) || last.AuditEvent != rec(3).AuditEvent {
			t.Errorf("Last = %+v, %v; want record 3 as written", last, err)
		}
		if got := read(t, s, 0); fmt.Sprint(got) != "[1 2 3]" {
			t.Errorf("Records(0) = %v", got)
		}
	})
	t.Run("SequenceEnforced", func(t *testing.T) {
		s := newStore(t)
		if err := s.Append(t.Context(), rec(2)); !errors.Is(err, cmkit.ErrConflict) {
			t.Errorf("appending 2 to an empty store: want ErrConflict, got %v", err)
		}
		if err := s.Append(t.Context(), rec(1)); err != nil {
			t.Fatal(err)
		}
		if err := s.Append(t.Context(), rec(1)); !errors.Is(err, cmkit.ErrConflict) {
			t.Errorf("appending 1 twice: want ErrConflict, got %v", err)
		}
		if got := read(t, s, 0); fmt.Sprint(got) != "[1]" {
			t.Errorf("refused appends were stored: %v", got)
		}
	})
	t.Run("ConcurrentAppendersOneChain", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if s.Append(t.Context(), rec(1)) == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Errorf("8 appenders of record 1: %d succeeded, want exactly 1", wins)
		}
	})
	t.Run("ReadAfterAndEarlyStop", func(t *testing.T) {
		s := newStore(t)
		for i := uint64(1); i <= 5; i++ {
			if err := s.Append(t.Context(), rec(i)); err != nil {
				t.Fatal(err)
			}
		}
		if got := read(t, s, 3); fmt.Sprint(got) != "[4 5]" {
			t.Errorf("Records(3) = %v, want [4 5]", got)
		}
		if got := read(t, s, 5); len(got) != 0 {
			t.Errorf("Records(5) = %v, want none", got)
		}
		n := 0
		for range s.Records(t.Context(), 0) {
			n++
			if n == 2 {
				break
			}
		}
		if n != 2 {
			t.Errorf("stopping early saw %d", n)
		}
	})
	t.Run("CanceledContext", func(t *testing.T) {
		s := newStore(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := s.Append(ctx, rec(1)); !errors.Is(err, context.Canceled) {
			t.Errorf("Append with a canceled context: want context.Canceled, got %v", err)
		}
		if got := read(t, s, 0); len(got) != 0 {
			t.Errorf("a canceled Append stored %v", got)
		}
	})
}

// TestTokenStore runs the conformance suite for roles.TokenStore
// implementations: a token is used once, whoever asks and however many ask
// at once. newStore is called once per subtest and must return an empty
// store.
//
// Subtests: UseOnce, ConcurrentUsersOneWins, CanceledContext.
func TestTokenStore(t *testing.T, newStore func(t *testing.T) roles.TokenStore) {
	t.Helper()
	exp := time.Now().Add(time.Hour)
	runSuite(t, newStore, []subtest[roles.TokenStore]{
		{"UseOnce", func(t *testing.T, s roles.TokenStore) {
			a, b := cmkit.NewID(), cmkit.NewID()
			if err := s.Use(t.Context(), a, exp); err != nil {
				t.Fatalf("first Use: %v", err)
			}
			if err := s.Use(t.Context(), a, exp); !errors.Is(err, cmkit.ErrConflict) {
				t.Errorf("second Use of one token: want ErrConflict, got %v", err)
			}
			if err := s.Use(t.Context(), b, exp); err != nil {
				t.Errorf("another token: %v", err)
			}
		}},
		{"ConcurrentUsersOneWins", func(t *testing.T, s roles.TokenStore) {
			id := cmkit.NewID()
			var wg sync.WaitGroup
			var mu sync.Mutex
			wins := 0
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if s.Use(t.Context(), id, exp) == nil {
						mu.Lock()
						wins++
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			if wins != 1 {
				t.Errorf("8 concurrent uses of one token: %d succeeded, want exactly 1", wins)
			}
		}},
		{"CanceledContext", func(t *testing.T, s roles.TokenStore) {
			ctx, cancel := context.WithCancel(t.Context())
			cancel()
			id := cmkit.NewID()
			if err := s.Use(ctx, id, exp); !errors.Is(err, context.Canceled) {
				t.Errorf("Use with a canceled context: want context.Canceled, got %v", err)
			}
			if err := s.Use(t.Context(), id, exp); err != nil {
				t.Errorf("a canceled Use marked the token used: %v", err)
			}
		}},
	})
}
