package roles_test

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
)

// tampered serves the records of an inner store after edit has rewritten
// them, as someone with write access to the database might.
type tampered struct {
	roles.AuditStore
	edit func([]roles.Record) []roles.Record
}

func (s tampered) Records(ctx context.Context, after uint64) iter.Seq2[roles.Record, error] {
	return func(yield func(roles.Record, error) bool) {
		var all []roles.Record
		for r, err := range s.AuditStore.Records(ctx, 0) {
			if err != nil {
				yield(r, err)
				return
			}
			all = append(all, r)
		}
		for _, r := range s.edit(all) {
			if r.Seq > after && !yield(r, nil) {
				return
			}
		}
	}
}

func filledLog(t *testing.T, n int) (*roles.MemoryAuditStore, *cmkittest.Clock) {
	t.Helper()
	store := roles.NewMemoryAuditStore()
	clock := cmkittest.NewClock(t0)
	log := roles.NewAuditLog(store, clock)
	for i := range n {
		_, err := log.Append(context.Background(), roles.AuditEvent{Actor: fmt.Sprintf("m%d", i%3), Action: "check",
			Permission: roles.PublishPost, Resource: roles.Resource{Brand: "acme"}, Allowed: i%2 == 0})
		require.NoError(t, err)
		clock.Advance(time.Minute)
	}
	return store, clock
}

func TestAuditVerifyDetectsTampering(t *testing.T) {
	tests := []struct {
		name string
		edit func([]roles.Record) []roles.Record
		seq  uint64
	}{
		{"modified", func(rs []roles.Record) []roles.Record {
			rs[3].Allowed = !rs[3].Allowed // a denial turned into an allow
			return rs
		}, 4},
		{"modified and rehashed", func(rs []roles.Record) []roles.Record {
			rs[3].Actor = "someone-else"
			rs[3].Hash = "0000" // a forger cannot produce the next record's Prev
			return rs
		}, 4},
		{"removed", func(rs []roles.Record) []roles.Record { return slices.Delete(rs, 5, 6) }, 6},
		{"removed first", func(rs []roles.Record) []roles.Record { return rs[1:] }, 1},
		{"reordered", func(rs []roles.Record) []roles.Record {
			rs[2], rs[6] = rs[6], rs[2]
			return rs
		}, 3},
		{"renumbered after removal", func(rs []roles.Record) []roles.Record {
			rs = slices.Delete(rs, 4, 5)
			for i := range rs {
				rs[i].Seq = uint64(i + 1)
			}
			return rs
		}, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			store, _ := filledLog(t, 10)
			_, err := roles.NewAuditLog(store, nil).Verify(context.Background())
			require.NoError(t, err, "intact")
			log := roles.NewAuditLog(tampered{store, tc.edit}, nil)
			_, err = log.Verify(context.Background())
			require.ErrorIs(t, err, roles.ErrTampered)
			assert.ErrorIs(t, err, cmkit.ErrInvalid)
			var te *roles.TamperError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.seq, te.Seq, te.Problem)
		})
	}
}

func TestAuditVerifyHeadDetectsTruncation(t *testing.T) {
	store, _ := filledLog(t, 10)
	log := roles.NewAuditLog(store, nil)
	head, err := log.Verify(context.Background())
	require.NoError(t, err)
	assert.EqualValues(t, 10, head.Seq)
	require.NoError(t, log.VerifyHead(context.Background(), head))
	cut := roles.NewAuditLog(tampered{store, func(rs []roles.Record) []roles.Record { return rs[:8] }}, nil)
	_, err = cut.Verify(context.Background())
	assert.NoError(t, err, "the chain alone cannot see a cut end")
	err = cut.VerifyHead(context.Background(), head)
	assert.ErrorIs(t, err, roles.ErrTampered, "the anchored head can")
	require.NoError(t, roles.NewAuditLog(store, nil).VerifyHead(context.Background(), roles.Head{}))
}

func TestAuditFilters(t *testing.T) {
	store, _ := filledLog(t, 12)
	log := roles.NewAuditLog(store, nil)
	count := func(f roles.AuditFilter) int {
		n := 0
		for _, err := range log.Records(context.Background(), f) {
			require.NoError(t, err)
			n++
		}
		return n
	}
	assert.Equal(t, 12, count(roles.AuditFilter{}))
	assert.Equal(t, 4, count(roles.AuditFilter{Actor: "m1"}))
	assert.Equal(t, 6, count(roles.AuditFilter{DeniedOnly: true}))
	assert.Equal(t, 5, count(roles.AuditFilter{Since: t0.Add(2 * time.Minute), Until: t0.Add(7 * time.Minute)}))
	assert.Equal(t, 12, count(roles.AuditFilter{Brand: "acme", Action: "check"}))
	assert.Equal(t, 0, count(roles.AuditFilter{Brand: "globex"}))
	n := 0
	for range log.Records(context.Background(), roles.AuditFilter{}) {
		n++
		if n == 3 {
			break
		}
	}
	assert.Equal(t, 3, n, "stopping early")
}

// Two logs over one store (two processes) keep one chain.
func TestAuditConcurrentWritersKeepOneChain(t *testing.T) {
	store := roles.NewMemoryAuditStore()
	a, b := roles.NewAuditLog(store, nil), roles.NewAuditLog(store, nil)
	var wg sync.WaitGroup
	for _, log := range []*roles.AuditLog{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				_, err := log.Append(context.Background(), roles.AuditEvent{Action: "check"})
				assert.NoError(t, err)
			}
		}()
	}
	wg.Wait()
	head, err := a.Verify(context.Background())
	require.NoError(t, err)
	assert.EqualValues(t, 200, head.Seq)
}

func TestAuditRecordsAreUTCMicroseconds(t *testing.T) {
	store := roles.NewMemoryAuditStore()
	madrid := time.FixedZone("CET", 3600)
	clock := cmkittest.NewClock(time.Date(2026, 3, 29, 1, 59, 59, 123456789, madrid))
	r, err := roles.NewAuditLog(store, clock).Append(context.Background(), roles.AuditEvent{Action: "x"})
	require.NoError(t, err)
	assert.Equal(t, time.UTC, r.At.Location())
	assert.Equal(t, 123456000, r.At.Nanosecond())
}

// AuditLog.Append refuses an event that is not valid UTF-8 (a text store
// could not keep it byte for byte), and so do the Directory's doors that
// lead to the log: member IDs, grants, and the acting member of a check.
func TestAuditRefusesInvalidUTF8(t *testing.T) {
	ctx := context.Background()
	store := roles.NewMemoryAuditStore()
	log := roles.NewAuditLog(store, nil)
	for _, e := range []roles.AuditEvent{
		{Actor: "j\xffe", Action: "check"},
		{Action: "check", Resource: roles.Resource{Channel: "acme-\xff"}},
		{Action: "check", Reason: "\xc3"},
	} {
		_, err := log.Append(ctx, e)
		assert.ErrorIs(t, err, cmkit.ErrInvalid, "%+v", e)
	}
	_, err := store.Last(ctx)
	assert.ErrorIs(t, err, cmkit.ErrNotFound, "nothing was stored")

	f := newFixture(t, allow("root", roles.SocialMediaManager, roles.Scope{}))
	_, err = f.dir.PutMember(as("root"), roles.Member{ID: "j\xffe"})
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "member.id", ve.Field)
	_, err = f.dir.Grant(as("root"), roles.Grant{Member: "root", Role: roles.Intern, Scope: roles.Scope{Brand: "acme\xff"}})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "grant.scope.brand", ve.Field)
	_, err = f.dir.Grant(as("root"), roles.Grant{Member: "j\xffe", Role: roles.Intern})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "grant.member", ve.Field)
	assert.ErrorIs(t, f.dir.Check(as("r\xffoot"), roles.ReadCalendar, roles.Resource{}), cmkit.ErrInvalid)
	assert.Len(t, f.dir.GrantsOf("root"), 1, "nothing was granted")

	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithLogger(quiet))
	require.NoError(t, err)
	err = dir.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "j\xffe"}},
		Grants: []roles.Grant{allow("j\xffe", roles.SocialMediaManager, roles.Scope{})}})
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "members[0].id", ve.Field)
}

// conflicting is an audit store on which every append loses the race.
type conflicting struct{ *roles.MemoryAuditStore }

func (conflicting) Append(context.Context, roles.Record) error {
	return fmt.Errorf("someone else was first: %w", cmkit.ErrConflict)
}

func TestAuditAppendGivesUpOnEndlessConflicts(t *testing.T) {
	log := roles.NewAuditLog(conflicting{roles.NewMemoryAuditStore()}, nil)
	done := make(chan error, 1)
	go func() {
		_, err := log.Append(context.Background(), roles.AuditEvent{Action: "check"}) // no deadline
		done <- err
	}()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, cmkit.ErrConflict)
		assert.Contains(t, err.Error(), "gave up")
	case <-time.After(10 * time.Second):
		t.Fatal("Append is still retrying after 10s")
	}
}
