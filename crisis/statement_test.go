package crisis_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/crisis"
	"github.com/cmkit/cmkit/roles"
)

// statementPlan has a one-step chain at "minor" (the social media
// manager), a two-step chain at "major" (the social media manager, then
// legal), and two lawyers at "critical".
func statementPlan() crisis.Plan {
	smmStep := roles.Step{Name: "smm", Roles: []string{roles.SocialMediaManager}}
	return crisis.Plan{ID: "acme-crisis", Brand: "acme", Version: 1, Levels: []crisis.Level{
		{Name: "minor", Entry: crisis.Criteria{MinVolumeRatio: 2},
			Responders: []crisis.Responder{{Role: roles.SocialMediaManager}}, AckWithin: crisis.Delay(30 * time.Minute),
			Statements: []crisis.Statement{{Language: "es", Text: "Lo estamos revisando."},
				{Language: "es", Channel: "acme-x", Text: "Lo revisamos."}},
			Approvals: []roles.Step{smmStep}},
		{Name: "major", Entry: crisis.Criteria{MinVolumeRatio: 4},
			Responders: []crisis.Responder{{Role: roles.SocialMediaManager}}, AckWithin: crisis.Delay(10 * time.Minute),
			Approvals: []roles.Step{smmStep, {Name: "legal", Roles: []string{roles.Legal}}}},
		{Name: "critical", Entry: crisis.Criteria{Manual: true},
			Responders: []crisis.Responder{{Role: roles.SocialMediaManager}}, AckWithin: crisis.Delay(5 * time.Minute),
			Approvals: []roles.Step{{Name: "legal", Roles: []string{roles.Legal}, Need: 2}}},
	}}
}

// posts is a StatementPublisher that is idempotent on the ID, as the
// contract asks, and can fail before posting or lose its answer after.
type posts struct {
	mu       sync.Mutex
	byID     map[string]string // id → receipt
	calls    int
	failNext int // calls that fail without posting
	loseNext int // calls that post, then fail
}

func (p *posts) Publish(_ context.Context, brand, channel, language, text, id string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls++
	if p.failNext > 0 {
		p.failNext--
		return "", fmt.Errorf("platform down: %w", cmkit.ErrTransient)
	}
	receipt, ok := p.byID[id]
	if !ok {
		receipt = fmt.Sprintf("%s/%s/post-%d (%s): %s", brand, channel, len(p.byID)+1, language, text)
		p.byID[id] = receipt
	}
	if p.loseNext > 0 {
		p.loseNext--
		return "", fmt.Errorf("connection reset: %w", cmkit.ErrAmbiguous)
	}
	return receipt, nil
}

func (p *posts) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.byID)
}

// stRig is a service with a team for statements.
type stRig struct {
	clock *cmkittest.Clock
	store *crisis.MemoryStore
	team  *roles.Directory
	pub   *posts
	svc   *crisis.Service
}

func newStatementRig(t *testing.T, opts ...crisis.Option) *stRig {
	t.Helper()
	ctx := context.Background()
	clock := cmkittest.NewClock(t0)
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	acme := roles.Scope{Brand: "acme"}
	require.NoError(t, dir.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "bea"}, {ID: "ana"}, {ID: "lea"}, {ID: "leo"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: acme},
			{Member: "bea", Role: roles.SeniorCM, Scope: acme},
			{Member: "ana", Role: roles.Intern, Scope: acme},
			{Member: "lea", Role: roles.Legal, Scope: acme},
			{Member: "leo", Role: roles.Legal, Scope: acme},
		},
	}))
	r := &stRig{clock: clock, store: crisis.NewMemoryStore(), team: dir, pub: &posts{byID: map[string]string{}}}
	all := append([]crisis.Option{crisis.WithPlan(statementPlan()), crisis.WithTeam(dir), crisis.WithClock(clock),
		crisis.WithNotifier(&notifier{}), crisis.WithStatementPublisher(r.pub),
		crisis.WithLogger(slog.New(slog.DiscardHandler))}, opts...)
	r.svc, err = crisis.New(r.store, all...)
	require.NoError(t, err)
	return r
}

// declare opens an incident at level, declared by sam.
func (r *stRig) declare(t *testing.T, level string) crisis.Incident {
	t.Helper()
	inc, err := r.svc.Declare(as("sam"), level, "recall rumour")
	require.NoError(t, err)
	return inc
}

// draft drafts a statement in Spanish on acme-x as member.
func (r *stRig) draft(t *testing.T, inc crisis.Incident, member, text string) crisis.PublicStatement {
	t.Helper()
	st, err := r.svc.DraftStatement(as(member), inc.ID, "es", "acme-x", text)
	require.NoError(t, err)
	return st
}

// approve approves st as each member in turn.
func (r *stRig) approve(t *testing.T, inc crisis.Incident, st crisis.PublicStatement, members ...string) crisis.PublicStatement {
	t.Helper()
	for _, m := range members {
		var err error
		st, err = r.svc.ApproveStatement(as(m), inc.ID, st.ID, st.Version)
		require.NoError(t, err, m)
	}
	return st
}

// stored returns the statement as stored, and the incident's version.
func (r *stRig) stored(t *testing.T, inc crisis.Incident, id uuid.UUID) (crisis.PublicStatement, int64) {
	t.Helper()
	got, err := r.store.Incident(context.Background(), inc.ID)
	require.NoError(t, err)
	for _, st := range got.Statements {
		if st.ID == id {
			return st, got.Version
		}
	}
	t.Fatalf("statement %s not stored", id)
	return crisis.PublicStatement{}, 0
}

// kinds returns the kinds of the statement's timeline entries.
func (r *stRig) kinds(t *testing.T, inc crisis.Incident, id uuid.UUID) []crisis.TimelineKind {
	t.Helper()
	tl, err := r.store.Timeline(context.Background(), inc.ID)
	require.NoError(t, err)
	var out []crisis.TimelineKind
	for _, e := range tl {
		if e.Statement == id {
			out = append(out, e.Kind)
		}
	}
	return out
}

// approvedAtMinor returns a rig with an incident at "minor" and an
// approved statement drafted from the holding statement.
func approvedAtMinor(t *testing.T) (*stRig, crisis.Incident, crisis.PublicStatement) {
	t.Helper()
	r := newStatementRig(t)
	inc := r.declare(t, "minor")
	return r, inc, r.approve(t, inc, r.draft(t, inc, "ana", ""), "sam")
}

func TestHoldingStatementPicksChannelThenLanguage(t *testing.T) {
	l := statementPlan().Levels[0]
	st, ok := l.HoldingStatement("es", "acme-x")
	require.True(t, ok)
	assert.Equal(t, "Lo revisamos.", st.Text, "the channel's own statement")
	st, ok = l.HoldingStatement("ES", "acme-ig")
	require.True(t, ok)
	assert.Equal(t, "Lo estamos revisando.", st.Text, "the language-wide statement, language without regard to case")
	_, ok = l.HoldingStatement("fr", "acme-x")
	assert.False(t, ok)
}

func TestDraftStatementFromHoldingStatementOrText(t *testing.T) {
	r := newStatementRig(t)
	inc := r.declare(t, "minor")

	st := r.draft(t, inc, "ana", "")
	assert.Equal(t, "Lo revisamos.", st.Text)
	assert.Equal(t, int64(1), st.Version)
	assert.Equal(t, []string{"ana"}, st.Authors)
	assert.Equal(t, "minor", st.Level)
	assert.Equal(t, crisis.StatementDrafted, st.State)
	assert.Equal(t, t0, st.DraftedAt)
	stored, _ := r.stored(t, inc, st.ID)
	assert.Equal(t, st, stored)
	assert.Equal(t, []crisis.TimelineKind{crisis.TimelineStatementDrafted}, r.kinds(t, inc, st.ID))

	wide, err := r.svc.DraftStatement(as("bea"), inc.ID, "es", "acme-ig", "")
	require.NoError(t, err)
	assert.Equal(t, "Lo estamos revisando.", wide.Text)
	own := r.draft(t, inc, "bea", "Estamos hablando con el proveedor.")
	assert.Equal(t, "Estamos hablando con el proveedor.", own.Text)

	_, before := r.stored(t, inc, st.ID)
	for _, tc := range []struct {
		name, member, language, channel string
		want                            error
		field                           string
	}{
		{"no holding statement in the language", "ana", "fr", "acme-x", cmkit.ErrInvalid, "text"},
		{"not a language tag", "ana", "e s", "acme-x", cmkit.ErrInvalid, "language"},
		{"no channel", "ana", "es", "", cmkit.ErrInvalid, "channel"},
		{"a channel with a newline", "ana", "es", "acme\nx", cmkit.ErrInvalid, "channel"},
		{"legal may not draft posts", "lea", "es", "acme-x", cmkit.ErrForbidden, ""},
		{"nobody acting", "", "es", "acme-x", cmkit.ErrForbidden, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.member != "" {
				ctx = as(tc.member)
			}
			_, err := r.svc.DraftStatement(ctx, inc.ID, tc.language, tc.channel, "")
			require.ErrorIs(t, err, tc.want)
			if tc.field != "" {
				var ve *cmkit.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tc.field, ve.Field)
			}
		})
	}
	_, after := r.stored(t, inc, st.ID)
	assert.Equal(t, before, after, "refused drafts change nothing")
	_, err = r.svc.DraftStatement(as("ana"), uuid.New(), "es", "acme-x", "x")
	assert.ErrorIs(t, err, cmkit.ErrNotFound)
	_, err = r.svc.DraftStatement(as("ana"), inc.ID, "es", "acme-x", "\xff")
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = r.svc.EditStatement(as("ana"), inc.ID, st.ID, st.Version, "\xff")
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, after = r.stored(t, inc, st.ID)
	assert.Equal(t, before, after, "refused drafts change nothing")
}

func TestApprovalByMemberNotAllowedIsRefused(t *testing.T) {
	r := newStatementRig(t)
	inc := r.declare(t, "minor")
	st := r.draft(t, inc, "ana", "")
	_, before := r.stored(t, inc, st.ID)
	// A senior CM may approve posts, but the chain names the social media
	// manager; legal is not in the minor chain; the intern is the author.
	for _, m := range []string{"bea", "lea", "ana"} {
		_, err := r.svc.ApproveStatement(as(m), inc.ID, st.ID, st.Version)
		assert.ErrorIs(t, err, cmkit.ErrForbidden, m)
	}
	_, err := r.svc.ApproveStatement(context.Background(), inc.ID, st.ID, st.Version)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "nobody acting")
	got, after := r.stored(t, inc, st.ID)
	assert.Equal(t, before, after)
	assert.Empty(t, got.Approvals)
	assert.Equal(t, crisis.StatementDrafted, got.State)

	got = r.approve(t, inc, st, "sam")
	assert.Equal(t, crisis.StatementApproved, got.State)
	require.Len(t, got.Approvals, 1)
	assert.Equal(t, roles.Approval{Item: st.ID, Version: 1, Rule: "crisis-minor", Step: "smm", Approver: "sam", At: t0},
		got.Approvals[0])
	assert.Equal(t, []crisis.TimelineKind{crisis.TimelineStatementDrafted, crisis.TimelineStatementApproval,
		crisis.TimelineStatementApproved}, r.kinds(t, inc, st.ID))
	// Approving an approved statement: nothing awaits approval.
	_, err = r.svc.ApproveStatement(as("sam"), inc.ID, st.ID, st.Version)
	assert.ErrorIs(t, err, cmkit.ErrConflict)
}

func TestAuthorCannotApproveOwnStatement(t *testing.T) {
	r := newStatementRig(t)
	inc := r.declare(t, "minor")
	st := r.draft(t, inc, "sam", "")
	_, err := r.svc.ApproveStatement(as("sam"), inc.ID, st.ID, st.Version)
	require.ErrorIs(t, err, cmkit.ErrForbidden)

	// An editor becomes an author too: the manager who edits an intern's
	// draft cannot approve it any more.
	other := r.draft(t, inc, "ana", "")
	other, err = r.svc.EditStatement(as("sam"), inc.ID, other.ID, other.Version, "Lo revisamos ya.")
	require.NoError(t, err)
	assert.Equal(t, []string{"ana", "sam"}, other.Authors)
	_, err = r.svc.ApproveStatement(as("sam"), inc.ID, other.ID, other.Version)
	require.ErrorIs(t, err, cmkit.ErrForbidden)
	got, _ := r.stored(t, inc, other.ID)
	assert.Empty(t, got.Approvals)
}

func TestEditVoidsApprovals(t *testing.T) {
	r := newStatementRig(t)
	inc := r.declare(t, "major")
	st := r.draft(t, inc, "bea", "Estamos revisando el lote 42.")
	st = r.approve(t, inc, st, "sam")
	assert.Equal(t, crisis.StatementDrafted, st.State, "one of two steps")
	st = r.approve(t, inc, st, "lea")
	require.Equal(t, crisis.StatementApproved, st.State)

	r.clock.Advance(time.Minute)
	st, err := r.svc.EditStatement(as("bea"), inc.ID, st.ID, st.Version, "Retiramos el lote 42.")
	require.NoError(t, err)
	assert.Equal(t, int64(2), st.Version)
	assert.Equal(t, crisis.StatementDrafted, st.State)
	assert.Empty(t, st.Approvals)
	assert.Equal(t, t0.Add(time.Minute), st.DraftedAt)
	status, err := r.svc.StatementStatus(as("bea"), inc.ID, st.ID)
	require.NoError(t, err)
	assert.False(t, status.Approved)
	require.Len(t, status.Open(), 1)
	assert.Equal(t, "smm", status.Open()[0].Step)
	assert.Equal(t, []string{"sam"}, status.Open()[0].CanApprove)
	_, err = r.svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version)
	require.ErrorIs(t, err, cmkit.ErrConflict, "the old version's approvals do not publish the new one")
	assert.Zero(t, r.pub.count())

	// The same text again is no new version.
	same, err := r.svc.EditStatement(as("bea"), inc.ID, st.ID, st.Version, "Retiramos el lote 42.")
	require.NoError(t, err)
	assert.Equal(t, st, same)
	_, err = r.svc.EditStatement(as("bea"), inc.ID, st.ID, st.Version, " ")
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}

// editing approver edits the statement while its approval is judged, as a
// concurrent editor would.
type editingApprover struct {
	crisis.StatementApprover
	edit func()
}

func (a editingApprover) Approve(ctx context.Context, p roles.Policy, it roles.Item, ap []roles.Approval) ([]roles.Approval, error) {
	out, err := a.StatementApprover.Approve(ctx, p, it, ap)
	a.edit()
	return out, err
}

// teamWith is an Authority whose approvals are judged by approver.
type teamWith struct {
	*roles.Directory
	approver crisis.StatementApprover
}

func (t teamWith) Approve(ctx context.Context, p roles.Policy, it roles.Item, ap []roles.Approval) ([]roles.Approval, error) {
	return t.approver.Approve(ctx, p, it, ap)
}

func TestApprovalOfAVersionEditedMeanwhileConflicts(t *testing.T) {
	r := newStatementRig(t)
	var svc *crisis.Service
	var incID, stID uuid.UUID
	approver := editingApprover{StatementApprover: r.team, edit: func() {
		_, err := svc.EditStatement(as("bea"), incID, stID, 1, "Nueva versión.")
		require.NoError(t, err)
	}}
	svc, err := crisis.New(r.store, crisis.WithPlan(statementPlan()), crisis.WithTeam(teamWith{r.team, approver}),
		crisis.WithClock(r.clock), crisis.WithNotifier(&notifier{}))
	require.NoError(t, err)
	inc, err := svc.Declare(as("sam"), "minor", "x")
	require.NoError(t, err)
	st, err := svc.DraftStatement(as("ana"), inc.ID, "es", "acme-x", "")
	require.NoError(t, err)
	incID, stID = inc.ID, st.ID
	_, err = svc.ApproveStatement(as("sam"), inc.ID, st.ID, st.Version)
	require.ErrorIs(t, err, cmkit.ErrConflict)
	got, _ := r.stored(t, inc, st.ID)
	assert.Equal(t, int64(2), got.Version)
	assert.Empty(t, got.Approvals, "an approval of version 1 is not recorded on version 2")
	assert.Equal(t, crisis.StatementDrafted, got.State)
}

func TestPublishBeforeApprovalIsRefused(t *testing.T) {
	r := newStatementRig(t)
	inc := r.declare(t, "major")
	st := r.draft(t, inc, "bea", "Lo revisamos.")
	_, err := r.svc.PublishStatement(as("sam"), inc.ID, st.ID, st.Version)
	require.ErrorIs(t, err, cmkit.ErrConflict)
	st = r.approve(t, inc, st, "sam")
	_, before := r.stored(t, inc, st.ID)
	_, err = r.svc.PublishStatement(as("sam"), inc.ID, st.ID, st.Version)
	require.ErrorIs(t, err, cmkit.ErrConflict, "one step of two")
	got, after := r.stored(t, inc, st.ID)
	assert.Equal(t, before, after)
	assert.Equal(t, crisis.StatementDrafted, got.State)
	assert.Zero(t, r.pub.calls)

	st = r.approve(t, inc, st, "lea")
	_, err = r.svc.PublishStatement(as("ana"), inc.ID, st.ID, st.Version)
	require.ErrorIs(t, err, cmkit.ErrForbidden, "an intern may not publish")
	st, err = r.svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version)
	require.NoError(t, err)
	assert.Equal(t, crisis.StatementPublished, st.State)
	assert.Equal(t, "bea", st.PublishedBy)
	assert.Equal(t, t0, st.PublishedAt)
	assert.Equal(t, "acme/acme-x/post-1 (es): Lo revisamos.", st.Receipt)
	assert.Equal(t, []crisis.TimelineKind{crisis.TimelineStatementDrafted, crisis.TimelineStatementApproval,
		crisis.TimelineStatementApproval, crisis.TimelineStatementApproved, crisis.TimelineStatementPublishing,
		crisis.TimelineStatementPublished}, r.kinds(t, inc, st.ID))

	// Published: it cannot change or be withdrawn; publishing again is a no-op.
	_, err = r.svc.EditStatement(as("bea"), inc.ID, st.ID, st.Version, "otra")
	assert.ErrorIs(t, err, cmkit.ErrConflict)
	_, err = r.svc.WithdrawStatement(as("bea"), inc.ID, st.ID, "oops")
	assert.ErrorIs(t, err, cmkit.ErrConflict)
	again, err := r.svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version)
	require.NoError(t, err)
	assert.Equal(t, st, again)
	assert.Equal(t, 1, r.pub.calls)
}

func TestConcurrentPublishesPublishOnce(t *testing.T) {
	for range 20 {
		r, inc, st := approvedAtMinor(t)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = r.svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		assert.Equal(t, 1, r.pub.count())
		kinds := r.kinds(t, inc, st.ID)
		assert.Equal(t, []crisis.TimelineKind{crisis.TimelineStatementDrafted, crisis.TimelineStatementApproval,
			crisis.TimelineStatementApproved, crisis.TimelineStatementPublishing, crisis.TimelineStatementPublished}, kinds,
			"one claim and one publication recorded")
		got, _ := r.stored(t, inc, st.ID)
		assert.Equal(t, crisis.StatementPublished, got.State)
	}
}

func TestPublisherFailsThenRetryWithSameID(t *testing.T) {
	r, inc, st := approvedAtMinor(t)
	r.pub.failNext = 1
	got, err := r.svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version)
	require.ErrorIs(t, err, cmkit.ErrTransient)
	assert.Equal(t, crisis.StatementPublishing, got.State)
	assert.Zero(t, r.pub.count())
	// Publishing: it may no longer change under the publisher.
	_, err = r.svc.EditStatement(as("ana"), inc.ID, st.ID, st.Version, "otra")
	assert.ErrorIs(t, err, cmkit.ErrConflict)
	_, err = r.svc.WithdrawStatement(as("ana"), inc.ID, st.ID, "x")
	assert.ErrorIs(t, err, cmkit.ErrConflict)

	got, err = r.svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version)
	require.NoError(t, err)
	assert.Equal(t, crisis.StatementPublished, got.State)
	assert.Equal(t, 1, r.pub.count())
	assert.Equal(t, r.pub.byID[st.ID.String()], got.Receipt, "published under the statement's ID")
	assert.Equal(t, []crisis.TimelineKind{crisis.TimelineStatementDrafted, crisis.TimelineStatementApproval,
		crisis.TimelineStatementApproved, crisis.TimelineStatementPublishing, crisis.TimelineStatementPublishFailed,
		crisis.TimelineStatementPublished}, r.kinds(t, inc, st.ID))
}

func TestLostAnswerThenRetryPostsOnce(t *testing.T) {
	r, inc, st := approvedAtMinor(t)
	r.pub.loseNext = 1
	_, err := r.svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version)
	require.ErrorIs(t, err, cmkit.ErrAmbiguous)
	assert.Equal(t, 1, r.pub.count(), "the post went out, the answer did not come back")
	got, err := r.svc.PublishStatement(as("sam"), inc.ID, st.ID, st.Version)
	require.NoError(t, err)
	assert.Equal(t, 1, r.pub.count(), "the retry posted nothing new")
	assert.Equal(t, 2, r.pub.calls)
	assert.Equal(t, "acme/acme-x/post-1 (es): Lo revisamos.", got.Receipt)
	assert.Equal(t, "sam", got.PublishedBy)
}

func TestClosedIncidentRefusesStatements(t *testing.T) {
	r := newStatementRig(t)
	inc := r.declare(t, "minor")
	approved := r.approve(t, inc, r.draft(t, inc, "ana", ""), "sam")
	draft := r.draft(t, inc, "ana", "Otra.")
	publishing := r.approve(t, inc, r.draft(t, inc, "ana", "Una más."), "sam")
	r.pub.failNext = 1
	_, err := r.svc.PublishStatement(as("bea"), inc.ID, publishing.ID, publishing.Version)
	require.Error(t, err)
	_, err = r.svc.Resolve(as("sam"), inc.ID, "over")
	require.NoError(t, err)
	_, before := r.stored(t, inc, draft.ID)

	_, err = r.svc.DraftStatement(as("ana"), inc.ID, "es", "acme-x", "")
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = r.svc.EditStatement(as("ana"), inc.ID, draft.ID, draft.Version, "Cambio.")
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = r.svc.ApproveStatement(as("sam"), inc.ID, draft.ID, draft.Version)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = r.svc.PublishStatement(as("bea"), inc.ID, approved.ID, approved.Version)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, after := r.stored(t, inc, draft.ID)
	assert.Equal(t, before, after)
	assert.Zero(t, r.pub.count())

	// Withdrawal still works, and a publication already started finishes.
	w, err := r.svc.WithdrawStatement(as("ana"), inc.ID, draft.ID, "too late")
	require.NoError(t, err)
	assert.Equal(t, crisis.StatementWithdrawn, w.State)
	again, err := r.svc.WithdrawStatement(as("ana"), inc.ID, draft.ID, "again")
	require.NoError(t, err)
	assert.Equal(t, w, again)
	_, err = r.svc.PublishStatement(as("bea"), inc.ID, draft.ID, draft.Version)
	assert.ErrorIs(t, err, cmkit.ErrConflict, "withdrawn")
	p, err := r.svc.PublishStatement(as("bea"), inc.ID, publishing.ID, publishing.Version)
	require.NoError(t, err)
	assert.Equal(t, crisis.StatementPublished, p.State)
	assert.Equal(t, 1, r.pub.count())
}

// TestLevelChangeKeepsApprovalsOnlyIfTheNewChainIsSatisfied: approvals
// count for the step of the same name in the new level's chain; a
// statement stays approved only when they complete it.
func TestLevelChangeKeepsApprovalsOnlyIfTheNewChainIsSatisfied(t *testing.T) {
	r := newStatementRig(t)
	inc := r.declare(t, "minor")
	approved := r.approve(t, inc, r.draft(t, inc, "ana", ""), "sam")
	draft := r.draft(t, inc, "ana", "Borrador.")

	// minor → major adds legal: the manager's approval still counts for
	// "smm", but the chain is not complete.
	_, err := r.svc.ChangeLevel(as("bea"), inc.ID, "major", "spreading")
	require.NoError(t, err)
	got, _ := r.stored(t, inc, approved.ID)
	assert.Equal(t, crisis.StatementDrafted, got.State)
	assert.Equal(t, []crisis.TimelineKind{crisis.TimelineStatementDrafted, crisis.TimelineStatementApproval,
		crisis.TimelineStatementApproved, crisis.TimelineStatementReopened}, r.kinds(t, inc, approved.ID))
	_, err = r.svc.PublishStatement(as("bea"), inc.ID, approved.ID, approved.Version)
	require.ErrorIs(t, err, cmkit.ErrConflict)
	status, err := r.svc.StatementStatus(as("bea"), inc.ID, approved.ID)
	require.NoError(t, err)
	require.Len(t, status.Open(), 1)
	assert.Equal(t, "legal", status.Open()[0].Step)
	got = r.approve(t, inc, got, "lea")
	assert.Equal(t, crisis.StatementApproved, got.State, "only legal was missing")

	// The draft gets the manager's approval at major: one step of two.
	draft = r.approve(t, inc, draft, "sam")
	assert.Equal(t, crisis.StatementDrafted, draft.State)

	// major → minor: the manager's approval completes minor's chain, so
	// the draft becomes approved and the approved one stays so.
	_, err = r.svc.ChangeLevel(as("bea"), inc.ID, "minor", "calmer")
	require.NoError(t, err)
	got, _ = r.stored(t, inc, approved.ID)
	assert.Equal(t, crisis.StatementApproved, got.State)
	d, _ := r.stored(t, inc, draft.ID)
	assert.Equal(t, crisis.StatementApproved, d.State)

	// minor → critical needs two lawyers: lea's approval counts, one more
	// is missing; sam's approval counts for nothing there.
	_, err = r.svc.ChangeLevel(as("bea"), inc.ID, "critical", "press")
	require.NoError(t, err)
	got, _ = r.stored(t, inc, approved.ID)
	assert.Equal(t, crisis.StatementDrafted, got.State)
	d, _ = r.stored(t, inc, draft.ID)
	assert.Equal(t, crisis.StatementDrafted, d.State)
	got = r.approve(t, inc, got, "leo")
	assert.Equal(t, crisis.StatementApproved, got.State)
	p, err := r.svc.PublishStatement(as("bea"), inc.ID, got.ID, got.Version)
	require.NoError(t, err)
	assert.Equal(t, crisis.StatementPublished, p.State)
}

// authorityOnly is a team that checks permissions but judges no
// approvals.
type authorityOnly struct{ d *roles.Directory }

func (a authorityOnly) Check(ctx context.Context, p roles.Permission, r roles.Resource) error {
	return a.d.Check(ctx, p, r)
}

func TestServiceWithoutApproverOrPublisherRefusesStatements(t *testing.T) {
	r, inc, st := approvedAtMinor(t)

	bare, err := crisis.New(r.store, crisis.WithPlan(statementPlan()), crisis.WithTeam(authorityOnly{r.team}),
		crisis.WithClock(r.clock), crisis.WithNotifier(&notifier{}))
	require.NoError(t, err)
	_, err = bare.DraftStatement(as("ana"), inc.ID, "es", "acme-x", "")
	assert.ErrorIs(t, err, cmkit.ErrUnsupported)
	_, err = bare.ApproveStatement(as("sam"), inc.ID, st.ID, st.Version)
	assert.ErrorIs(t, err, cmkit.ErrUnsupported)
	_, err = bare.StatementStatus(as("sam"), inc.ID, st.ID)
	assert.ErrorIs(t, err, cmkit.ErrUnsupported)
	_, err = bare.PublishStatement(as("sam"), inc.ID, st.ID, st.Version)
	assert.ErrorIs(t, err, cmkit.ErrUnsupported)

	noPub, err := crisis.New(r.store, crisis.WithPlan(statementPlan()), crisis.WithTeam(r.team),
		crisis.WithClock(r.clock), crisis.WithNotifier(&notifier{}))
	require.NoError(t, err)
	_, err = noPub.PublishStatement(as("sam"), inc.ID, st.ID, st.Version)
	assert.ErrorIs(t, err, cmkit.ErrUnsupported)
	got, _ := r.stored(t, inc, st.ID)
	assert.Equal(t, crisis.StatementApproved, got.State)

	_, err = crisis.New(r.store, crisis.WithStatementPublisher(nil))
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = r.svc.ApproveStatement(as("sam"), inc.ID, uuid.New(), 1)
	assert.ErrorIs(t, err, cmkit.ErrNotFound)
}

// TestStatementsAreCopies: a statement read from the store shares no
// memory with the stored one.
func TestStatementsAreCopies(t *testing.T) {
	r := newStatementRig(t)
	inc := r.declare(t, "major")
	st := r.approve(t, inc, r.draft(t, inc, "ana", "Lo revisamos."), "sam")
	got, err := r.store.Incident(context.Background(), inc.ID)
	require.NoError(t, err)
	got.Statements[0].Authors[0], got.Statements[0].Approvals[0].Approver = "x", "x"
	again, _ := r.stored(t, inc, st.ID)
	assert.Equal(t, st, again)
}

// racingPublisher fails its first call, after a concurrent call published
// the statement through the service.
type racingPublisher struct {
	posts
	first func()
	fired bool
}

func (p *racingPublisher) Publish(ctx context.Context, brand, channel, language, text, id string) (string, error) {
	if !p.fired {
		p.fired = true
		p.first()
		return "", fmt.Errorf("timeout: %w", cmkit.ErrAmbiguous)
	}
	return p.posts.Publish(ctx, brand, channel, language, text, id)
}

func TestFailedPublishAfterAConcurrentOneSucceededReturnsIt(t *testing.T) {
	pub := &racingPublisher{posts: posts{byID: map[string]string{}}}
	r := newStatementRig(t, crisis.WithStatementPublisher(pub))
	inc := r.declare(t, "minor")
	st := r.approve(t, inc, r.draft(t, inc, "ana", ""), "sam")
	pub.first = func() {
		got, err := r.svc.PublishStatement(as("sam"), inc.ID, st.ID, st.Version)
		require.NoError(t, err)
		require.Equal(t, crisis.StatementPublished, got.State)
	}
	got, err := r.svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version)
	require.NoError(t, err, "the concurrent call published it")
	assert.Equal(t, crisis.StatementPublished, got.State)
	assert.Equal(t, "sam", got.PublishedBy)
	assert.Equal(t, 1, pub.count())
	assert.Equal(t, []crisis.TimelineKind{crisis.TimelineStatementDrafted, crisis.TimelineStatementApproval,
		crisis.TimelineStatementApproved, crisis.TimelineStatementPublishing, crisis.TimelineStatementPublished},
		r.kinds(t, inc, st.ID))
}

// TestConcurrentApprovalsAreAllRecorded: two lawyers approve at once a
// step that needs two of them; both approvals are kept (the second write
// re-reads and retries) and the chain completes once.
func TestConcurrentApprovalsAreAllRecorded(t *testing.T) {
	for range 20 {
		r := newStatementRig(t)
		inc := r.declare(t, "critical")
		st := r.draft(t, inc, "ana", "Retiramos el lote 42.")
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, m := range []string{"lea", "leo"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = r.svc.ApproveStatement(as(m), inc.ID, st.ID, st.Version)
			}()
		}
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		got, _ := r.stored(t, inc, st.ID)
		assert.Len(t, got.Approvals, 2)
		assert.Equal(t, crisis.StatementApproved, got.State)
		assert.Equal(t, []crisis.TimelineKind{crisis.TimelineStatementDrafted, crisis.TimelineStatementApproval,
			crisis.TimelineStatementApproval, crisis.TimelineStatementApproved}, r.kinds(t, inc, st.ID))
	}
}

// flakyStore fails commits while fail is set.
type flakyStore struct {
	*crisis.MemoryStore
	mu   sync.Mutex
	fail bool
}

func (s *flakyStore) Commit(ctx context.Context, inc crisis.Incident, entries ...crisis.TimelineEntry) error {
	s.mu.Lock()
	fail := s.fail
	s.mu.Unlock()
	if fail {
		return fmt.Errorf("disk full: %w", cmkit.ErrTransient)
	}
	return s.MemoryStore.Commit(ctx, inc, entries...)
}

// failing is a StatementPublisher that posts through posts and, the
// first time, then makes the store fail, so the receipt cannot be
// recorded.
type failing struct {
	*posts
	store *flakyStore
	done  bool
}

func (p *failing) Publish(ctx context.Context, brand, channel, language, text, id string) (string, error) {
	receipt, err := p.posts.Publish(ctx, brand, channel, language, text, id)
	if !p.done {
		p.done = true
		p.store.mu.Lock()
		p.store.fail = true
		p.store.mu.Unlock()
	}
	return receipt, err
}

// TestReceiptNotRecordedThenRetryPostsOnce: the post went out but the
// store refused the receipt; publishing again records it without a
// second post.
func TestReceiptNotRecordedThenRetryPostsOnce(t *testing.T) {
	r := newStatementRig(t)
	store := &flakyStore{MemoryStore: r.store}
	pub := &failing{posts: r.pub, store: store}
	svc, err := crisis.New(store, crisis.WithPlan(statementPlan()), crisis.WithTeam(r.team), crisis.WithClock(r.clock),
		crisis.WithNotifier(&notifier{}), crisis.WithStatementPublisher(pub), crisis.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	inc := r.declare(t, "minor")
	st := r.approve(t, inc, r.draft(t, inc, "ana", ""), "sam")

	_, err = svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version)
	require.ErrorIs(t, err, cmkit.ErrTransient)
	got, _ := r.stored(t, inc, st.ID)
	assert.Equal(t, crisis.StatementPublishing, got.State)
	assert.Equal(t, 1, r.pub.count())

	store.mu.Lock()
	store.fail = false
	store.mu.Unlock()
	got, err = svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version)
	require.NoError(t, err)
	assert.Equal(t, crisis.StatementPublished, got.State)
	assert.Equal(t, 1, r.pub.count())
	assert.Equal(t, 2, r.pub.calls)
}

// TestActionsCarryTheVersionRead: editing, approving and publishing name
// the version the member read; another one is a conflict, none is
// invalid, and nothing changes.
func TestActionsCarryTheVersionRead(t *testing.T) {
	r := newStatementRig(t)
	inc := r.declare(t, "minor")
	v1 := r.draft(t, inc, "ana", "")
	v2, err := r.svc.EditStatement(as("bea"), inc.ID, v1.ID, v1.Version, "Lo revisamos ahora.")
	require.NoError(t, err)
	_, before := r.stored(t, inc, v1.ID)

	_, err = r.svc.EditStatement(as("ana"), inc.ID, v1.ID, v1.Version, "Otra cosa.")
	assert.ErrorIs(t, err, cmkit.ErrConflict, "a second editor who read version 1 does not overwrite version 2")
	_, err = r.svc.ApproveStatement(as("sam"), inc.ID, v1.ID, v1.Version)
	assert.ErrorIs(t, err, cmkit.ErrConflict, "the manager read version 1")
	for _, err := range []error{
		func() error { _, err := r.svc.EditStatement(as("ana"), inc.ID, v1.ID, 0, "x"); return err }(),
		func() error { _, err := r.svc.ApproveStatement(as("sam"), inc.ID, v1.ID, 0); return err }(),
		func() error { _, err := r.svc.PublishStatement(as("sam"), inc.ID, v1.ID, 0); return err }(),
	} {
		var ve *cmkit.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "version", ve.Field)
	}
	_, after := r.stored(t, inc, v1.ID)
	assert.Equal(t, before, after)

	v2 = r.approve(t, inc, v2, "sam")
	_, err = r.svc.PublishStatement(as("bea"), inc.ID, v1.ID, v1.Version)
	assert.ErrorIs(t, err, cmkit.ErrConflict, "bea read version 1; version 2 is what was approved")
	assert.Zero(t, r.pub.calls)
	p, err := r.svc.PublishStatement(as("bea"), inc.ID, v2.ID, v2.Version)
	require.NoError(t, err)
	assert.Equal(t, "Lo revisamos ahora.", p.Text)
}
