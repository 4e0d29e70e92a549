package promotion_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/promotion"
	"github.com/cmkit/cmkit/roles"
)

// countingSeeds yields 0, 1, 2, ... as seed bytes, so that each Open of a
// test gets a known, different seed.
type countingSeeds struct{ n byte }

func (r *countingSeeds) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.n
		r.n++
	}
	return len(p), nil
}

// svcEnv is one team, one store and one audit log, shared by the services
// a test makes.
type svcEnv struct {
	store promotion.Store
	dir   *roles.Directory
	audit *roles.AuditLog
	clock *cmkittest.Clock
	seeds io.Reader
}

// The members: sam (smm: everything), cora (senior_cm: manage, not draw),
// jun (junior_cm: read only), xena (senior_cm on acme-x only), pola
// (senior_cm in Poland only), otto (smm of another brand).
func newEnv(t *testing.T) *svcEnv {
	t.Helper()
	ctx := context.Background()
	clock := cmkittest.NewClock(time.Date(2026, 10, 20, 9, 0, 0, 0, time.UTC))
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithLogger(slog.New(slog.DiscardHandler)), roles.WithClock(clock))
	require.NoError(t, err)
	require.NoError(t, dir.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "cora"}, {ID: "jun"}, {ID: "xena"}, {ID: "pola"}, {ID: "otto"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
			{Member: "cora", Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme"}},
			{Member: "jun", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme"}},
			{Member: "xena", Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme", Channel: "acme-x"}},
			{Member: "pola", Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme", Country: "PL"}},
			{Member: "otto", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "globex"}},
		},
	}))
	return &svcEnv{store: promotion.NewMemoryStore(), dir: dir, clock: clock, seeds: &countingSeeds{},
		audit: roles.NewAuditLog(roles.NewMemoryAuditStore(), clock)}
}

func (e *svcEnv) service(t *testing.T, opts ...promotion.Option) *promotion.Service {
	t.Helper()
	return e.serviceOn(t, e.store, opts...)
}

func (e *svcEnv) serviceOn(t *testing.T, store promotion.Store, opts ...promotion.Option) *promotion.Service {
	t.Helper()
	base := []promotion.Option{promotion.WithAuthorizer(e.dir), promotion.WithAuditLog(e.audit), promotion.WithClock(e.clock),
		promotion.WithSeedSource(e.seeds), promotion.WithLogger(slog.New(slog.DiscardHandler))}
	s, err := promotion.New(store, append(base, opts...)...)
	require.NoError(t, err)
	return s
}

// actions returns the audit log's records as "actor action allowed".
func (e *svcEnv) actions(t *testing.T) []string {
	t.Helper()
	var out []string
	for r, err := range e.audit.Records(context.Background(), roles.AuditFilter{}) {
		require.NoError(t, err)
		out = append(out, fmt.Sprintf("%s %s %v", r.Actor, r.Action, r.Allowed))
	}
	return out
}

func as(member string) context.Context { return roles.WithActor(context.Background(), member) }

// svcGiveaway is giveaway() with two prizes.
func svcGiveaway() promotion.Promotion {
	p := giveaway()
	p.Prizes = []promotion.Prize{{Name: "Weekend for two", Quantity: 2}}
	return p
}

// entry returns an entry to svcGiveaway on X by author, with mention ID id.
func entry(id, author, text string, t time.Time) cmkit.Mention {
	return cmkit.Mention{ID: id, ChannelID: "acme-x", Kind: cmkit.KindComment, InReplyTo: "P1",
		Author: cmkit.Author{ID: "id-" + author, Handle: author, CreatedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
		Text:   text, CreatedAt: t}
}

// someEntries returns n accepted entries by different people, ids from
// "e<from>".
func someEntries(from, n int) []cmkit.Mention {
	var out []cmkit.Mention
	for i := from; i < from+n; i++ {
		out = append(out, entry(fmt.Sprint("e", i), fmt.Sprint("fan", i), fmt.Sprintf("#sorteo @friend%d", i), at(9, i%60)))
	}
	return out
}

// opened creates and opens svcGiveaway with a beacon, as sam.
func opened(t *testing.T, s *promotion.Service) promotion.Digest {
	t.Helper()
	_, _, err := s.Create(as("sam"), svcGiveaway())
	require.NoError(t, err)
	c, err := s.Open(as("sam"), "acme-autumn-26", &promotion.Beacon{Name: "drand quicknet", Round: 5000000})
	require.NoError(t, err)
	return c
}

func storedVersion(t *testing.T, st promotion.Store) (int, promotion.PromotionStatus, int) {
	t.Helper()
	rec, err := st.Get(context.Background(), "acme-autumn-26")
	require.NoError(t, err)
	return rec.Version, rec.Status, rec.Submissions
}

func TestServiceGiveawayFromOpenToVerifiedDraw(t *testing.T) {
	env := newEnv(t)
	s := env.service(t)
	rec, warnings, err := s.Create(as("cora"), svcGiveaway())
	require.NoError(t, err)
	assert.Equal(t, promotion.StatusDraft, rec.Status)
	assert.Equal(t, 1, rec.Version)
	require.Len(t, warnings, 1) // a chance draw in Poland needs a permit
	assert.Equal(t, promotion.WarnChancePermit, warnings[0].Code)

	commitment, err := s.Open(as("cora"), "acme-autumn-26", &promotion.Beacon{Name: "drand quicknet", Round: 5000000})
	require.NoError(t, err)
	var seed promotion.Seed
	for i := range seed {
		seed[i] = byte(i)
	}
	want, err := promotion.Commit(seed, &promotion.Beacon{Name: "drand quicknet", Round: 5000000})
	require.NoError(t, err)
	assert.Equal(t, want, commitment, "the commitment of the seed read from the seed source")

	ms := someEntries(0, 6)
	ms = append(ms, entry("dup", "fan0", "#sorteo @again", at(10, 0)), entry("late", "zed", "#sorteo @x", time.Date(2026, 10, 27, 0, 0, 0, 0, time.UTC)),
		cmkit.Mention{ID: "dm", ChannelID: "acme-x", Kind: cmkit.KindDirectMessage, Author: cmkit.Author{ID: "q"}, CreatedAt: at(9, 0)})
	subs, err := s.AddEntries(as("cora"), "acme-autumn-26", ms...)
	require.NoError(t, err)
	require.Len(t, subs, len(ms))
	assert.Equal(t, promotion.ReasonDuplicate, subs[6].Reason)
	assert.Equal(t, promotion.ReasonOutsideWindow, subs[7].Reason)
	assert.Equal(t, promotion.ReasonNotEntry, subs[8].Reason)
	_, _, n := storedVersion(t, env.store)
	assert.Equal(t, 8, n, "every submission but the direct message is stored")

	closed, err := s.Close(as("cora"), "acme-autumn-26")
	require.NoError(t, err)
	assert.Equal(t, promotion.StatusClosed, closed.Status)
	assert.Equal(t, 6, closed.EntryCount)
	list, err := s.FrozenEntries(as("jun"), "acme-autumn-26")
	require.NoError(t, err)
	assert.Equal(t, closed.EntriesHash, list.Hash())

	drawn, err := s.Draw(as("sam"), "acme-autumn-26", 2, []byte{0xde, 0xad, 0xbe, 0xef})
	require.NoError(t, err)
	assert.Equal(t, promotion.StatusDrawn, drawn.Status)
	require.NotNil(t, drawn.Draw)
	assert.Len(t, drawn.Draw.Winners, 2, "one winner per prize unit")
	assert.Len(t, drawn.Draw.Alternates, 2)
	assert.True(t, drawn.Seed == promotion.Seed{} && drawn.Draw.Seed == promotion.Seed{}, "the seed is secret until the reveal")
	got, err := s.Get(as("jun"), "acme-autumn-26")
	require.NoError(t, err)
	assert.True(t, got.Seed == promotion.Seed{} && got.Draw.Seed == promotion.Seed{}, "Get hides the seed before the reveal")
	assert.Equal(t, drawn.Draw.Winners, got.Draw.Winners)

	published, err := s.Reveal(as("sam"), "acme-autumn-26")
	require.NoError(t, err)
	assert.Equal(t, seed, published.Seed)
	assert.Equal(t, commitment, published.Commitment)
	var keys []string
	for k := range list.Keys() {
		keys = append(keys, k)
	}
	require.NoError(t, promotion.Verify(published, keys))
	got, err = s.Get(as("jun"), "acme-autumn-26")
	require.NoError(t, err)
	assert.Equal(t, promotion.StatusRevealed, got.Status)
	assert.Equal(t, seed, got.Seed, "after the reveal the seed is public")
	assert.Equal(t, 6, got.Version)

	// One audit record per change, in order, after the team's own checks.
	assert.Equal(t, []string{"cora promotion.create true", "cora promotion.open true", "cora promotion.entries true",
		"cora promotion.close true", "sam promotion.draw true", "sam promotion.reveal true"}, env.actions(t))
	var reasons []string
	for r, err := range env.audit.Records(context.Background(), roles.AuditFilter{Action: "promotion.entries"}) {
		require.NoError(t, err)
		reasons = append(reasons, r.Reason)
		assert.Equal(t, "promotion/acme-autumn-26", r.Target)
		assert.Equal(t, roles.ManagePromotions, r.Permission)
	}
	var stored []promotion.StoredSubmission
	for sub, err := range env.store.Submissions(context.Background(), "acme-autumn-26", 0) {
		require.NoError(t, err)
		stored = append(stored, sub)
	}
	require.Len(t, stored, 8)
	digest := promotion.DecisionsDigest(stored)
	assert.Equal(t, []string{"submissions 1-8: 6 accepted, 2 rejected (duplicate 1, outside_window 1); 1 mentions not entries, " +
		"not kept; decisions sha256 " + digest.String()}, reasons)
	_, err = env.audit.Verify(context.Background())
	require.NoError(t, err)

	// The audit record vouches for each decision: a stored decision
	// changed afterwards no longer matches it.
	for i := range stored {
		changed := slices.Clone(stored)
		if changed[i].Submission.Accepted {
			changed[i].Submission.Accepted, changed[i].Submission.Reason = false, promotion.ReasonDuplicate
		} else {
			changed[i].Submission.Accepted, changed[i].Submission.Reason = true, ""
		}
		assert.NotEqual(t, digest, promotion.DecisionsDigest(changed), "submission %d changed", i+1)
	}
	assert.NotEqual(t, digest, promotion.DecisionsDigest(stored[1:]), "a submission removed")
	swapped := slices.Clone(stored)
	swapped[0], swapped[1] = swapped[1], swapped[0]
	assert.NotEqual(t, digest, promotion.DecisionsDigest(swapped), "two submissions swapped")
}

func TestServiceDeniesAndAuditsWithoutChanging(t *testing.T) {
	env := newEnv(t)
	s := env.service(t)
	id := "acme-autumn-26"
	denied := func(what string, err error) {
		t.Helper()
		require.ErrorIs(t, err, cmkit.ErrForbidden, what)
		var fe *roles.ForbiddenError
		if errors.As(err, &fe) {
			assert.NotEmpty(t, fe.Decision.Reason(), what)
		}
	}
	// Creating needs ManagePromotions on every channel in every country:
	// xena has it on X only, pola in Poland only (the giveaway runs in
	// Spain too), jun not at all, otto on another brand, and nobody
	// without an acting member.
	for _, ctx := range []context.Context{as("xena"), as("pola"), as("jun"), as("otto"), context.Background()} {
		_, _, err := s.Create(ctx, svcGiveaway())
		denied("create", err)
	}
	_, err := env.store.Get(context.Background(), id)
	require.ErrorIs(t, err, cmkit.ErrNotFound, "a denied create stores nothing")
	assert.Equal(t, []string{"xena promotion.create false", "pola promotion.create false", "jun promotion.create false",
		"otto promotion.create false"}, env.actions(t), "each denial of a member is audited")
	// pola may create one that runs in Poland only.
	polish := svcGiveaway()
	polish.ID, polish.Countries = "acme-pl", []string{"PL"}
	_, _, err = s.Create(as("pola"), polish)
	require.NoError(t, err)

	_, _, err = s.Create(as("cora"), svcGiveaway())
	require.NoError(t, err)
	_, err = s.Open(as("jun"), id, nil)
	denied("open by a junior", err)
	v, st, _ := storedVersion(t, env.store)
	assert.Equal(t, 1, v)
	assert.Equal(t, promotion.StatusDraft, st)
	_, err = s.Open(as("cora"), id, nil)
	require.NoError(t, err)

	_, err = s.AddEntries(as("jun"), id, someEntries(0, 2)...)
	denied("entries by a junior", err)
	_, err = s.AddEntries(as("xena"), id, someEntries(0, 2)...)
	denied("entries by a member of one channel", err)
	_, err = s.Collect(as("jun"), id, &pages{pages: [][]cmkit.Mention{someEntries(0, 2)}}, "")
	denied("collect by a junior", err)
	_, _, n := storedVersion(t, env.store)
	assert.Zero(t, n, "denied entries are not stored")
	_, err = s.AddEntries(as("cora"), id, someEntries(0, 3)...)
	require.NoError(t, err)

	_, err = s.Close(as("jun"), id)
	denied("close by a junior", err)
	_, err = s.Close(as("cora"), id)
	require.NoError(t, err)
	_, err = s.Draw(as("cora"), id, 0, []byte{1})
	denied("draw by a senior CM", err)
	v, st, _ = storedVersion(t, env.store)
	assert.Equal(t, promotion.StatusClosed, st)
	_, err = s.Draw(as("sam"), id, 0, nil)
	require.NoError(t, err)
	_, err = s.Reveal(as("cora"), id)
	denied("reveal by a senior CM", err)
	v2, st, _ := storedVersion(t, env.store)
	assert.Equal(t, v+1, v2)
	assert.Equal(t, promotion.StatusDrawn, st)

	for _, who := range []string{"otto", ""} {
		ctx := as(who)
		if who == "" {
			ctx = context.Background()
		}
		_, err = s.Get(ctx, id)
		denied("get by "+who, err)
		_, err = s.FrozenEntries(ctx, id)
		denied("entry list for "+who, err)
		denied("CSV for "+who, s.WriteSubmissionsCSV(ctx, id, io.Discard))
		denied("JSON for "+who, s.WriteSubmissionsJSON(ctx, id, io.Discard))
	}
	var csv bytes.Buffer
	require.NoError(t, s.WriteSubmissionsCSV(as("jun"), id, &csv), "a junior CM reads")
	assert.Contains(t, csv.String(), "x:fan2:e2,true")

	var deniedActions []string
	for r, err := range env.audit.Records(context.Background(), roles.AuditFilter{DeniedOnly: true}) {
		require.NoError(t, err)
		deniedActions = append(deniedActions, r.Actor+" "+r.Action)
		assert.NotEmpty(t, r.Reason)
	}
	assert.Equal(t, []string{"xena promotion.create", "pola promotion.create", "jun promotion.create", "otto promotion.create", "jun promotion.open",
		"jun promotion.entries", "xena promotion.entries", "jun promotion.entries", "jun promotion.close",
		"cora promotion.draw", "cora promotion.reveal", "otto promotion.read", "otto promotion.read",
		"otto promotion.export", "otto promotion.export"}, deniedActions)
}

// pages is a MentionReader over fixed pages.
type pages struct {
	pages [][]cmkit.Mention
	fail  int // the page whose read fails (1-based); 0: none
}

func (p *pages) ReadMentions(_ context.Context, after cmkit.Cursor, _ int) (cmkit.MentionPage, error) {
	i := 0
	if after != "" {
		fmt.Sscan(string(after), &i)
	}
	if p.fail == i+1 {
		return cmkit.MentionPage{}, errors.New("platform down")
	}
	if i >= len(p.pages) {
		return cmkit.MentionPage{Next: after}, nil
	}
	return cmkit.MentionPage{Mentions: p.pages[i], Next: cmkit.Cursor(fmt.Sprint(i + 1))}, nil
}

func TestServiceCollectResumesAfterAFailedPage(t *testing.T) {
	env := newEnv(t)
	s := env.service(t)
	opened(t, s)
	r := &pages{pages: [][]cmkit.Mention{someEntries(0, 3), someEntries(3, 2), someEntries(5, 4)}, fail: 3}
	cur, err := s.Collect(as("cora"), "acme-autumn-26", r, "")
	require.Error(t, err)
	assert.Equal(t, cmkit.Cursor("2"), cur, "the cursor after the last page stored")
	_, _, n := storedVersion(t, env.store)
	assert.Equal(t, 5, n)
	r.fail = 0
	cur, err = s.Collect(as("cora"), "acme-autumn-26", r, cur)
	require.NoError(t, err)
	assert.Equal(t, cmkit.Cursor("3"), cur)
	_, _, n = storedVersion(t, env.store)
	assert.Equal(t, 9, n)
}

func TestServiceRefusesStepsOutOfOrder(t *testing.T) {
	env := newEnv(t)
	s := env.service(t)
	id := "acme-autumn-26"
	unchanged := func(what string, err error, class error) {
		t.Helper()
		v, st, n := storedVersion(t, env.store)
		require.ErrorIs(t, err, class, what)
		v2, st2, n2 := storedVersion(t, env.store)
		assert.Equal(t, []any{v, st, n}, []any{v2, st2, n2})
	}
	_, _, err := s.Create(as("sam"), svcGiveaway())
	require.NoError(t, err)
	_, _, err = s.Create(as("sam"), svcGiveaway())
	require.ErrorIs(t, err, cmkit.ErrConflict, "the same ID twice")
	bad := svcGiveaway()
	bad.ID, bad.Prizes = "other", nil
	_, _, err = s.Create(as("sam"), bad)
	requireInvalid(t, err, "prizes", "required")

	_, err = s.AddEntries(as("sam"), id, someEntries(0, 1)...)
	unchanged("entries to a draft", err, cmkit.ErrConflict)
	_, err = s.Close(as("sam"), id)
	unchanged("close a draft", err, cmkit.ErrConflict)
	_, err = s.Draw(as("sam"), id, 0, nil)
	unchanged("draw a draft", err, cmkit.ErrConflict)
	_, err = s.Open(as("sam"), id, &promotion.Beacon{Name: "drand", Round: 1, Value: []byte{1}})
	requireInvalid(t, err, "beacon.value", "future")
	_, err = s.Open(as("sam"), id, &promotion.Beacon{Round: 1})
	requireInvalid(t, err, "beacon.name", "required")
	_, err = s.Open(as("sam"), "missing", nil)
	require.ErrorIs(t, err, cmkit.ErrNotFound)

	_, err = s.Open(as("sam"), id, &promotion.Beacon{Name: "drand", Round: 9})
	require.NoError(t, err)
	_, err = s.Open(as("sam"), id, nil)
	unchanged("open twice", err, cmkit.ErrConflict)
	_, err = s.Draw(as("sam"), id, 0, []byte{1})
	unchanged("draw before close", err, cmkit.ErrConflict)
	_, err = s.Reveal(as("sam"), id)
	unchanged("reveal before the draw", err, cmkit.ErrConflict)
	_, err = s.FrozenEntries(as("sam"), id)
	unchanged("the entry list before close", err, cmkit.ErrConflict)
	_, err = s.AddEntries(as("sam"), id, someEntries(0, 3)...)
	require.NoError(t, err)
	_, err = s.Close(as("sam"), id)
	require.NoError(t, err)
	_, err = s.AddEntries(as("sam"), id, someEntries(3, 1)...)
	unchanged("entries after close", err, cmkit.ErrConflict)
	_, err = s.Close(as("sam"), id)
	unchanged("close twice", err, cmkit.ErrConflict)

	_, err = s.Draw(as("sam"), id, 0, nil)
	requireInvalid(t, err, "beacon.value", "required")
	_, err = s.Draw(as("sam"), id, 2, []byte{1})
	requireInvalid(t, err, "alternates", "max") // 2 winners + 2 from 3 entries
	_, err = s.Draw(as("sam"), id, -1, []byte{1})
	requireInvalid(t, err, "alternates", "min")
	_, st, _ := storedVersion(t, env.store)
	assert.Equal(t, promotion.StatusClosed, st)
	_, err = s.Draw(as("sam"), id, 1, []byte{1})
	require.NoError(t, err)
	_, err = s.Draw(as("sam"), id, 1, []byte{1})
	unchanged("draw twice", err, cmkit.ErrConflict)
	_, err = s.Reveal(as("sam"), id)
	require.NoError(t, err)
	_, err = s.Reveal(as("sam"), id)
	unchanged("reveal twice", err, cmkit.ErrConflict)

	// A draw without a beacon refuses a beacon value; a contest is not
	// drawn; a giveaway without entries has nothing to draw.
	p := svcGiveaway()
	p.ID = "nobeacon"
	_, _, err = s.Create(as("sam"), p)
	require.NoError(t, err)
	_, err = s.Open(as("sam"), "nobeacon", nil)
	require.NoError(t, err)
	_, err = s.Close(as("sam"), "nobeacon")
	require.NoError(t, err)
	_, err = s.Draw(as("sam"), "nobeacon", 0, []byte{1})
	requireInvalid(t, err, "beacon.value", "none_named")
	_, err = s.Draw(as("sam"), "nobeacon", 0, nil)
	requireInvalid(t, err, "entries", "required")
	_, err = s.FrozenEntries(as("sam"), "nobeacon")
	requireInvalid(t, err, "entries", "required")

	c := svcGiveaway()
	c.ID, c.Kind, c.Judging = "contest", promotion.KindContest, promotion.ByJury
	_, _, err = s.Create(as("sam"), c)
	require.NoError(t, err)
	_, err = s.Open(as("sam"), "contest", nil)
	require.NoError(t, err)
	_, err = s.AddEntries(as("sam"), "contest", someEntries(0, 2)...)
	require.NoError(t, err)
	_, err = s.Close(as("sam"), "contest")
	require.NoError(t, err)
	_, err = s.Draw(as("sam"), "contest", 0, nil)
	requireInvalid(t, err, "kind", "giveaway")
}

func TestServiceBadMentionStoresNothingOfTheBatch(t *testing.T) {
	env := newEnv(t)
	s := env.service(t)
	opened(t, s)
	ms := someEntries(0, 3)
	ms[2].ID = ""
	_, err := s.AddEntries(as("cora"), "acme-autumn-26", ms...)
	requireInvalid(t, err, "mention.id", "required")
	assert.Contains(t, err.Error(), "mention 2")
	_, _, n := storedVersion(t, env.store)
	assert.Zero(t, n)
	// The first two were not kept by the service either: sent again, they
	// are accepted, not duplicates.
	subs, err := s.AddEntries(as("cora"), "acme-autumn-26", ms[:2]...)
	require.NoError(t, err)
	assert.True(t, subs[0].Accepted && subs[1].Accepted, "%+v", subs)
	assert.Equal(t, []string{"sam promotion.create true", "sam promotion.open true", "cora promotion.entries true"},
		env.actions(t), "only the stored batch is audited")
}

// flakyStore fails the Update calls that fail says to, with a plain error
// or a conflict, before they reach the store.
type flakyStore struct {
	promotion.Store
	fail func(rec promotion.PromotionRecord) error
}

func (s *flakyStore) Update(ctx context.Context, rec promotion.PromotionRecord, subs ...promotion.StoredSubmission) error {
	if err := s.fail(rec); err != nil {
		return err
	}
	return s.Store.Update(ctx, rec, subs...)
}

func TestServiceStoreFailureLeavesNothingHalfApplied(t *testing.T) {
	env := newEnv(t)
	down := errors.New("database down")
	var failing atomic.Bool
	st := &flakyStore{Store: env.store, fail: func(promotion.PromotionRecord) error {
		if failing.Load() {
			return down
		}
		return nil
	}}
	s := env.serviceOn(t, st)
	_, _, err := s.Create(as("sam"), svcGiveaway())
	require.NoError(t, err)

	failing.Store(true)
	_, err = s.Open(as("sam"), "acme-autumn-26", nil)
	require.ErrorIs(t, err, down)
	rec, err := env.store.Get(context.Background(), "acme-autumn-26")
	require.NoError(t, err)
	assert.Equal(t, promotion.StatusDraft, rec.Status)
	assert.True(t, rec.Seed == promotion.Seed{} && rec.Commitment == promotion.Digest{}, "no seed stored")
	failing.Store(false)
	_, err = s.Open(as("sam"), "acme-autumn-26", nil)
	require.NoError(t, err)

	_, err = s.AddEntries(as("sam"), "acme-autumn-26", someEntries(0, 2)...)
	require.NoError(t, err)
	failing.Store(true)
	batch := append(someEntries(2, 2), entry("again", "fan0", "#sorteo @second", at(11, 0)))
	_, err = s.AddEntries(as("sam"), "acme-autumn-26", batch...)
	require.ErrorIs(t, err, down)
	_, _, n := storedVersion(t, env.store)
	assert.Equal(t, 2, n, "the failed batch stored nothing")
	failing.Store(false)
	// The service forgot the failed batch: the same mentions now get the
	// decisions a service that never saw them would give.
	subs, err := s.AddEntries(as("sam"), "acme-autumn-26", batch...)
	require.NoError(t, err)
	assert.True(t, subs[0].Accepted && subs[1].Accepted, "%+v", subs)
	assert.Equal(t, promotion.ReasonDuplicate, subs[2].Reason)

	failing.Store(true)
	_, err = s.Close(as("sam"), "acme-autumn-26")
	require.ErrorIs(t, err, down)
	v, status, _ := storedVersion(t, env.store)
	assert.Equal(t, promotion.StatusOpen, status)
	failing.Store(false)
	_, err = s.Close(as("sam"), "acme-autumn-26")
	require.NoError(t, err)
	v2, _, _ := storedVersion(t, env.store)
	assert.Equal(t, v+1, v2)
	// Only the stored changes were audited.
	assert.Equal(t, []string{"sam promotion.create true", "sam promotion.open true", "sam promotion.entries true",
		"sam promotion.entries true", "sam promotion.close true"}, env.actions(t))
}

// A store that keeps answering with a conflict gives up after a bounded
// number of tries, with a conflict, and changes nothing.
func TestServiceGivesUpOnEndlessConflicts(t *testing.T) {
	env := newEnv(t)
	var tries atomic.Int32
	st := &flakyStore{Store: env.store, fail: func(rec promotion.PromotionRecord) error {
		if rec.Status == promotion.StatusClosed {
			tries.Add(1)
			return fmt.Errorf("someone else wrote: %w", cmkit.ErrConflict)
		}
		return nil
	}}
	s := env.serviceOn(t, st)
	opened(t, s)
	_, err := s.AddEntries(as("sam"), "acme-autumn-26", someEntries(0, 2)...)
	require.NoError(t, err)
	_, err = s.Close(as("sam"), "acme-autumn-26")
	require.ErrorIs(t, err, cmkit.ErrConflict)
	assert.Equal(t, int32(8), tries.Load())
	_, st2, _ := storedVersion(t, env.store)
	assert.Equal(t, promotion.StatusOpen, st2)
}

// countingLookup answers a country per handle, and counts its calls.
type countingLookup struct {
	calls   atomic.Int32
	changed map[string]bool // handles now answered "FR", as a lookup whose data changed
}

func (l *countingLookup) LookupAuthor(_ context.Context, _ cmkit.Platform, a cmkit.Author) (promotion.AuthorFacts, error) {
	l.calls.Add(1)
	if l.changed[a.Handle] || a.Handle == "frank" {
		return promotion.AuthorFacts{Country: "FR"}, nil
	}
	return promotion.AuthorFacts{Country: "PL"}, nil
}

// restartMentions are the two halves of a giveaway's mentions: the second
// has duplicates of the first (same person, same item again), and a
// near-duplicate group that only reaches five people in it.
func restartMentions() (first, second []cmkit.Mention) {
	spam := func(i int, who string) cmkit.Mention {
		return entry(fmt.Sprint("spam", i), who, fmt.Sprintf("#sorteo @pal%d I really love this brand so much please pick me now", i), at(8, i))
	}
	first = append(someEntries(0, 4), spam(0, "bot0"), spam(1, "bot1"), spam(2, "bot2"),
		entry("fr", "frank", "#sorteo @amigo", at(9, 30)))
	second = []cmkit.Mention{
		entry("e1", "fan1", "#sorteo @friend1", at(9, 1)),  // the same item again
		entry("x2", "fan2", "#sorteo @another", at(10, 0)), // the same person again
		spam(3, "bot3"), spam(4, "bot4"), // the group reaches five people
		entry("ok", "newfan", "#sorteo @mate", at(10, 5)),
		entry("fr2", "frank", "#sorteo @amigo2", at(10, 6)), // still not from an eligible country
	}
	return first, second
}

func TestServiceRestartContinuesLikeAnUninterruptedRun(t *testing.T) {
	first, second := restartMentions()
	id := "acme-autumn-26"
	type run struct {
		subs    []promotion.Submission // of the second half
		json    string
		closed  promotion.PromotionRecord
		lookups int32
	}
	finish := func(t *testing.T, env *svcEnv, s *promotion.Service, subs []promotion.Submission, lookups *countingLookup) run {
		var b bytes.Buffer
		require.NoError(t, s.WriteSubmissionsJSON(as("sam"), id, &b))
		closed, err := s.Close(as("sam"), id)
		require.NoError(t, err)
		return run{subs, b.String(), closed, lookups.calls.Load()}
	}

	// Uninterrupted: one service sees both halves.
	envA := newEnv(t)
	lookA := &countingLookup{}
	a := envA.service(t, promotion.WithEntryOptions(promotion.EntryOptions{Authors: lookA}))
	opened(t, a)
	_, err := a.AddEntries(as("sam"), id, first...)
	require.NoError(t, err)
	subsA, err := a.AddEntries(as("sam"), id, second...)
	require.NoError(t, err)
	want := finish(t, envA, a, subsA, lookA)

	// Restarted: the second half goes to a new service over the same
	// store, whose lookup now answers differently: the stored answers,
	// not new ones, decide the first half again.
	envB := newEnv(t)
	lookB := &countingLookup{}
	b1 := envB.service(t, promotion.WithEntryOptions(promotion.EntryOptions{Authors: lookB}))
	opened(t, b1)
	_, err = b1.AddEntries(as("sam"), id, first...)
	require.NoError(t, err)
	firstCalls := lookB.calls.Load()
	lookAfter := &countingLookup{changed: map[string]bool{"fan0": true, "fan3": true}}
	b2 := envB.service(t, promotion.WithEntryOptions(promotion.EntryOptions{Authors: lookAfter}))
	subsB, err := b2.AddEntries(as("sam"), id, second...)
	require.NoError(t, err)
	got := finish(t, envB, b2, subsB, lookAfter)

	require.Equal(t, len(want.subs), len(got.subs))
	for i := range want.subs {
		assert.Equal(t, want.subs[i], got.subs[i], "second-half mention %d", i)
	}
	assert.Equal(t, want.json, got.json, "the export")
	assert.Equal(t, want.closed.EntriesHash, got.closed.EntriesHash)
	assert.Equal(t, want.closed.EntryCount, got.closed.EntryCount)
	assert.Equal(t, want.lookups-firstCalls, got.lookups, "after the restart, only the new mentions are looked up")

	// The cases the halves were built for.
	assert.Equal(t, promotion.ReasonDuplicate, subsB[0].Reason)
	assert.Equal(t, promotion.ReasonDuplicate, subsB[1].Reason)
	assert.Equal(t, promotion.ReasonNearDuplicate, subsB[3].Reason)
	assert.True(t, subsB[4].Accepted)
	assert.Equal(t, promotion.ReasonIneligibleCountry, subsB[5].Reason)
	assert.Equal(t, 5, got.closed.EntryCount, "four fans and the new one; the five bots rejected, earlier ones included")
	assert.Contains(t, envB.actions(t), "sam promotion.entries true")
	var last string
	for r, err := range envB.audit.Records(context.Background(), roles.AuditFilter{Action: "promotion.entries"}) {
		require.NoError(t, err)
		last = r.Reason
	}
	// bot0 to bot2 from before the restart, and bot3 of this batch.
	assert.Contains(t, last, "4 earlier acceptances rejected as near duplicates")
}

// Two services over one store, each taking half the mentions at once:
// every submission is stored once, numbered without gaps, and a person
// entering through both is accepted once.
func TestServiceConcurrentCollectors(t *testing.T) {
	env := newEnv(t)
	s1, s2 := env.service(t), env.service(t)
	opened(t, s1)
	var wg sync.WaitGroup
	var accepted atomic.Int32
	for w, s := range []*promotion.Service{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				// Each writer's own fans, and "both", who enters through
				// each writer with different comments.
				ms := []cmkit.Mention{entry(fmt.Sprint("w", w, "-", i), fmt.Sprint("fan", w, "-", i), "#sorteo @pal", at(9, i)),
					entry(fmt.Sprint("both", w, "-", i), "both", "#sorteo @pal", at(9, 30+i))}
				subs, err := s.AddEntries(as("sam"), "acme-autumn-26", ms...)
				if !assert.NoError(t, err) {
					return
				}
				for _, sub := range subs {
					if sub.Accepted {
						accepted.Add(1)
					}
				}
			}
		}()
	}
	wg.Wait()
	_, _, n := storedVersion(t, env.store)
	assert.Equal(t, 40, n)
	seq := 0
	for sub, err := range env.store.Submissions(context.Background(), "acme-autumn-26", 0) {
		require.NoError(t, err)
		seq++
		assert.Equal(t, seq, sub.Seq)
	}
	assert.Equal(t, int32(21), accepted.Load(), "20 fans and one entry of both")
	closed, err := s2.Close(as("sam"), "acme-autumn-26")
	require.NoError(t, err)
	assert.Equal(t, 21, closed.EntryCount)
}

// Two services race to close and then to draw: one wins each step, the
// other gets a conflict, and the audit log has one record per step.
func TestServiceRacesHaveOneWinner(t *testing.T) {
	env := newEnv(t)
	s1, s2 := env.service(t), env.service(t)
	opened(t, s1)
	_, err := s1.AddEntries(as("sam"), "acme-autumn-26", someEntries(0, 5)...)
	require.NoError(t, err)
	race := func(step func(*promotion.Service) error) []error {
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i, s := range []*promotion.Service{s1, s2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = step(s)
			}()
		}
		wg.Wait()
		return errs
	}
	oneWins := func(what string, errs []error) {
		t.Helper()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else {
				assert.ErrorIs(t, err, cmkit.ErrConflict, what)
			}
		}
		assert.Equal(t, 1, ok, "%s: %v", what, errs)
	}
	oneWins("close", race(func(s *promotion.Service) error { _, err := s.Close(as("sam"), "acme-autumn-26"); return err }))
	oneWins("draw", race(func(s *promotion.Service) error {
		_, err := s.Draw(as("sam"), "acme-autumn-26", 1, []byte{7})
		return err
	}))
	oneWins("reveal", race(func(s *promotion.Service) error { _, err := s.Reveal(as("sam"), "acme-autumn-26"); return err }))
	count := map[string]int{}
	for _, a := range env.actions(t) {
		count[a]++
	}
	assert.Equal(t, 1, count["sam promotion.close true"])
	assert.Equal(t, 1, count["sam promotion.draw true"])
	assert.Equal(t, 1, count["sam promotion.reveal true"])
}

// tamperedStore hides the last stored submission, as a store that lost a
// row: the entry list no longer matches the hash frozen at close.
type tamperedStore struct {
	promotion.Store
	hide bool
}

func (s *tamperedStore) Submissions(ctx context.Context, id string, after int) iter.Seq2[promotion.StoredSubmission, error] {
	return func(yield func(promotion.StoredSubmission, error) bool) {
		for sub, err := range s.Store.Submissions(ctx, id, after) {
			if err == nil && s.hide && sub.Mention.ID == "e2" {
				sub.Mention.Text = "no hashtag now"
			}
			if !yield(sub, err) {
				return
			}
		}
	}
}

func TestServiceRefusesToDrawFromChangedSubmissions(t *testing.T) {
	env := newEnv(t)
	st := &tamperedStore{Store: env.store}
	s := env.serviceOn(t, st)
	opened(t, s)
	_, err := s.AddEntries(as("sam"), "acme-autumn-26", someEntries(0, 4)...)
	require.NoError(t, err)
	_, err = s.Close(as("sam"), "acme-autumn-26")
	require.NoError(t, err)
	st.hide = true
	fresh := env.serviceOn(t, st) // rebuilds from the store
	_, err = fresh.Draw(as("sam"), "acme-autumn-26", 0, []byte{1})
	require.ErrorIs(t, err, cmkit.ErrConflict)
	assert.Contains(t, err.Error(), "not the 4 frozen at close")
	_, status, _ := storedVersion(t, env.store)
	assert.Equal(t, promotion.StatusClosed, status)
}

func TestServiceOptions(t *testing.T) {
	_, err := promotion.New(nil)
	requireInvalid(t, err, "store", "required")
	_, err = promotion.New(promotion.NewMemoryStore())
	requireInvalid(t, err, "WithAuthorizer", "required")
	for name, o := range map[string]promotion.Option{
		"WithAuthorizer": promotion.WithAuthorizer(nil), "WithAuditLog": promotion.WithAuditLog(nil),
		"WithClock": promotion.WithClock(nil), "WithSeedSource": promotion.WithSeedSource(nil), "WithLogger": promotion.WithLogger(nil),
	} {
		_, err := promotion.New(promotion.NewMemoryStore(), o)
		requireInvalid(t, err, name, "required")
	}
	// Without WithAuditLog, the service keeps its own log.
	env := newEnv(t)
	s, err := promotion.New(env.store, promotion.WithAuthorizer(env.dir), promotion.WithClock(env.clock))
	require.NoError(t, err)
	_, _, err = s.Create(as("sam"), svcGiveaway())
	require.NoError(t, err)
	n := 0
	for r, err := range s.AuditLog().Records(context.Background(), roles.AuditFilter{}) {
		require.NoError(t, err)
		assert.Equal(t, "promotion.create", r.Action)
		n++
	}
	assert.Equal(t, 1, n)
	// Its seeds come from crypto/rand: two opens, two commitments.
	p := svcGiveaway()
	p.ID = "second"
	_, _, err = s.Create(as("sam"), p)
	require.NoError(t, err)
	c1, err := s.Open(as("sam"), "acme-autumn-26", nil)
	require.NoError(t, err)
	c2, err := s.Open(as("sam"), "second", nil)
	require.NoError(t, err)
	assert.NotEqual(t, c1, c2)
	// Country rules of one's own: none, no warnings.
	p.ID = "third"
	s2 := env.service(t, promotion.WithCountryRules([]promotion.CountryRule{}))
	_, warnings, err := s2.Create(as("sam"), p)
	require.NoError(t, err)
	assert.Empty(t, warnings)
}

// A failing seed source fails Open, which changes nothing.
func TestServiceOpenWithoutSeed(t *testing.T) {
	env := newEnv(t)
	s := env.service(t, promotion.WithSeedSource(bytes.NewReader([]byte{1, 2, 3})))
	_, _, err := s.Create(as("sam"), svcGiveaway())
	require.NoError(t, err)
	_, err = s.Open(as("sam"), "acme-autumn-26", nil)
	require.Error(t, err)
	_, st, _ := storedVersion(t, env.store)
	assert.Equal(t, promotion.StatusDraft, st)
}

// The stored record is JSON, the secret seed and the winners included.
func TestRecordJSONAndPublic(t *testing.T) {
	rec := promotion.PromotionRecord{Promotion: svcGiveaway(), Status: promotion.StatusDrawn, Seed: promotion.Seed{1},
		Draw:    &promotion.DrawRecord{Seed: promotion.Seed{1}, Winners: []string{"a"}},
		Winners: &promotion.Winners{Promotion: "acme-autumn-26", Slots: []promotion.WinnerSlot{{Prize: "p", State: promotion.SlotToNotify}}}}
	b, err := json.Marshal(rec)
	require.NoError(t, err)
	var back promotion.PromotionRecord
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, rec.Seed, back.Seed)
	assert.Equal(t, rec.Winners, back.Winners)
	pub := rec.Public()
	assert.Equal(t, promotion.Seed{}, pub.Seed)
	assert.Equal(t, promotion.Seed{}, pub.Draw.Seed)
	assert.Equal(t, promotion.Seed{1}, rec.Draw.Seed, "Public copies")
	rec.Status = promotion.StatusRevealed
	assert.Equal(t, promotion.Seed{1}, rec.Public().Draw.Seed)
}

// A call whose mentions are none of them entries writes nothing.
func TestServiceNoEntriesWriteNothing(t *testing.T) {
	env := newEnv(t)
	s := env.service(t)
	opened(t, s)
	before := env.actions(t)
	v, _, _ := storedVersion(t, env.store)
	subs, err := s.AddEntries(as("cora"), "acme-autumn-26",
		cmkit.Mention{ID: "dm", ChannelID: "acme-x", Kind: cmkit.KindDirectMessage, Author: cmkit.Author{ID: "q"}, CreatedAt: at(9, 0)},
		cmkit.Mention{ID: "o", ChannelID: "other", Kind: cmkit.KindComment, Author: cmkit.Author{ID: "q"}, CreatedAt: at(9, 0)})
	require.NoError(t, err)
	require.Len(t, subs, 2)
	assert.Equal(t, promotion.ReasonNotEntry, subs[1].Reason)
	_, err = s.AddEntries(as("cora"), "acme-autumn-26")
	require.NoError(t, err)
	v2, _, n := storedVersion(t, env.store)
	assert.Equal(t, v, v2)
	assert.Zero(t, n)
	assert.Equal(t, before, env.actions(t))
	// The service still works: the next entry is number 1.
	subs, err = s.AddEntries(as("cora"), "acme-autumn-26", someEntries(0, 1)...)
	require.NoError(t, err)
	assert.True(t, subs[0].Accepted)
}

// failingReplay fails reading submissions at seq failAt, as a store whose
// connection drops in the middle of a replay.
type failingReplay struct {
	promotion.Store
	failAt atomic.Int32
}

func (s *failingReplay) Submissions(ctx context.Context, id string, after int) iter.Seq2[promotion.StoredSubmission, error] {
	return func(yield func(promotion.StoredSubmission, error) bool) {
		for sub, err := range s.Store.Submissions(ctx, id, after) {
			if err == nil && int32(sub.Seq) == s.failAt.Load() {
				yield(promotion.StoredSubmission{}, errors.New("connection reset"))
				return
			}
			if !yield(sub, err) {
				return
			}
		}
	}
}

// A replay that fails half way stores nothing and keeps nothing; the next
// call replays from the start and decides as it should.
func TestServiceReplayFailureKeepsNothing(t *testing.T) {
	env := newEnv(t)
	st := &failingReplay{Store: env.store}
	s := env.serviceOn(t, st)
	opened(t, s)
	_, err := s.AddEntries(as("sam"), "acme-autumn-26", someEntries(0, 5)...)
	require.NoError(t, err)

	restarted := env.serviceOn(t, st)
	st.failAt.Store(3)
	again := []cmkit.Mention{entry("e9", "fan4", "#sorteo @other", at(11, 0)), entry("n1", "newbie", "#sorteo @pal", at(11, 1))}
	_, err = restarted.AddEntries(as("sam"), "acme-autumn-26", again...)
	require.ErrorContains(t, err, "connection reset")
	_, _, n := storedVersion(t, env.store)
	assert.Equal(t, 5, n)
	_, err = restarted.Close(as("sam"), "acme-autumn-26")
	require.ErrorContains(t, err, "connection reset")
	_, status, _ := storedVersion(t, env.store)
	assert.Equal(t, promotion.StatusOpen, status)

	st.failAt.Store(0)
	subs, err := restarted.AddEntries(as("sam"), "acme-autumn-26", again...)
	require.NoError(t, err)
	assert.Equal(t, promotion.ReasonDuplicate, subs[0].Reason, "fan4 entered before the restart")
	assert.True(t, subs[1].Accepted)
	closed, err := restarted.Close(as("sam"), "acme-autumn-26")
	require.NoError(t, err)
	assert.Equal(t, 6, closed.EntryCount)
}

// failingLookup fails for one handle, as a CRM that is down for a moment.
type failingLookup struct{ handle string }

func (l failingLookup) LookupAuthor(_ context.Context, _ cmkit.Platform, a cmkit.Author) (promotion.AuthorFacts, error) {
	if a.Handle == l.handle {
		return promotion.AuthorFacts{}, errors.New("CRM timeout")
	}
	return promotion.AuthorFacts{Country: "ES"}, nil
}

// An error from the product's links fails the whole call: nothing is
// stored, and the same mentions later get the decisions they should.
func TestServiceLinkErrorStoresNothing(t *testing.T) {
	env := newEnv(t)
	look := &failingLookup{handle: "fan2"}
	s := env.service(t, promotion.WithEntryOptions(promotion.EntryOptions{Authors: look}))
	opened(t, s)
	ms := someEntries(0, 4)
	_, err := s.AddEntries(as("sam"), "acme-autumn-26", ms...)
	require.ErrorContains(t, err, "CRM timeout")
	assert.Contains(t, err.Error(), "mention 2")
	_, _, n := storedVersion(t, env.store)
	assert.Zero(t, n)
	look.handle = ""
	subs, err := s.AddEntries(as("sam"), "acme-autumn-26", ms...)
	require.NoError(t, err)
	for i, sub := range subs {
		assert.True(t, sub.Accepted, "mention %d: %+v", i, sub)
	}
}

// A giveaway without an accepted entry closes with a zero hash; one with
// fewer entries than prizes draws every entry, and no alternate.
func TestServiceCloseEmptyAndDrawFewerThanPrizes(t *testing.T) {
	env := newEnv(t)
	s := env.service(t)
	p := svcGiveaway()
	p.ID = "empty"
	_, _, err := s.Create(as("sam"), p)
	require.NoError(t, err)
	_, err = s.Open(as("sam"), "empty", nil)
	require.NoError(t, err)
	_, err = s.AddEntries(as("sam"), "empty", entry("nohash", "fan", "no hashtag @pal", at(9, 0)))
	require.NoError(t, err)
	closed, err := s.Close(as("sam"), "empty")
	require.NoError(t, err)
	assert.Equal(t, promotion.Digest{}, closed.EntriesHash)
	assert.Zero(t, closed.EntryCount)
	assert.Equal(t, 1, closed.Submissions)

	opened(t, s) // svcGiveaway: two prizes
	_, err = s.AddEntries(as("sam"), "acme-autumn-26", someEntries(0, 1)...)
	require.NoError(t, err)
	_, err = s.Close(as("sam"), "acme-autumn-26")
	require.NoError(t, err)
	_, err = s.Draw(as("sam"), "acme-autumn-26", 1, []byte{1})
	requireInvalid(t, err, "alternates", "max")
	drawn, err := s.Draw(as("sam"), "acme-autumn-26", 0, []byte{1})
	require.NoError(t, err)
	assert.Equal(t, []string{"x:fan0:e0"}, drawn.Draw.Winners)
	assert.Empty(t, drawn.Draw.Alternates)
	w, err := s.StartWinners(as("sam"), "acme-autumn-26", promotion.WinnerOptions{ResponseTime: time.Hour})
	require.NoError(t, err)
	require.Len(t, w.Slots, 2)
	assert.Equal(t, promotion.SlotToNotify, w.Slots[0].State)
	assert.Equal(t, "x:fan0:e0", w.Slots[0].Winner.Entry)
	assert.Equal(t, promotion.SlotUnclaimed, w.Slots[1].State)
}

// Each step may run on a service that did not run the one before (a
// restart between any two): the draw, made by a new service, verifies
// against the list a third one publishes.
func TestServiceStepsAcrossRestarts(t *testing.T) {
	env := newEnv(t)
	commitment := opened(t, env.service(t))
	_, err := env.service(t).AddEntries(as("sam"), "acme-autumn-26", someEntries(0, 5)...)
	require.NoError(t, err)
	_, err = env.service(t).AddEntries(as("sam"), "acme-autumn-26", append(someEntries(5, 3), someEntries(0, 2)...)...)
	require.NoError(t, err)
	closed, err := env.service(t).Close(as("sam"), "acme-autumn-26")
	require.NoError(t, err)
	assert.Equal(t, 8, closed.EntryCount)
	_, err = env.service(t).Draw(as("sam"), "acme-autumn-26", 3, []byte("round value"))
	require.NoError(t, err)
	rec, err := env.service(t).Reveal(as("sam"), "acme-autumn-26")
	require.NoError(t, err)
	assert.Equal(t, commitment, rec.Commitment)
	list, err := env.service(t).FrozenEntries(as("jun"), "acme-autumn-26")
	require.NoError(t, err)
	var keys []string
	for k := range list.Keys() {
		keys = append(keys, k)
	}
	require.NoError(t, promotion.Verify(rec, keys))
}

// List shows each member the promotions they may read, without the seed.
func TestServiceList(t *testing.T) {
	env := newEnv(t)
	s := env.service(t)
	opened(t, s)
	pl := svcGiveaway()
	pl.ID, pl.Countries = "acme-pl", []string{"PL"}
	_, _, err := s.Create(as("sam"), pl)
	require.NoError(t, err)
	ids := func(ctx context.Context, brand string) []string {
		t.Helper()
		recs, err := s.List(ctx, brand)
		require.NoError(t, err)
		var out []string
		for _, r := range recs {
			assert.Equal(t, promotion.Seed{}, r.Seed, "no seed before the reveal")
			out = append(out, r.Promotion.ID)
		}
		return out
	}
	assert.Equal(t, []string{"acme-autumn-26", "acme-pl"}, ids(as("jun"), "acme"))
	assert.Equal(t, []string{"acme-autumn-26", "acme-pl"}, ids(as("jun"), ""))
	assert.Equal(t, []string{"acme-pl"}, ids(as("pola"), ""), "pola reads Poland only")
	assert.Empty(t, ids(as("otto"), ""))
	assert.Empty(t, ids(as("jun"), "globex"))
	_, err = s.List(context.Background(), "")
	require.ErrorIs(t, err, cmkit.ErrForbidden)
}
