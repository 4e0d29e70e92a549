package roles_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// Regression tests for issue 9, items 5 to 8: the approval policy judges
// every resource and every author of an item, fails closed on authors it
// cannot place, and lets deny grants win over role-based approval.

var plY = roles.Resource{Brand: "acme", Channel: "acme-pl-y", Country: "PL"}

var (
	esScope = roles.Scope{Brand: "acme", Country: "ES"}
	plScope = roles.Scope{Brand: "acme", Country: "PL"}
)

func item(kind string, authors []string, res ...roles.Resource) roles.Item {
	return roles.Item{ID: cmkitID(), Version: 1, Kind: kind, Authors: authors, Resources: res}
}

func status(t *testing.T, f *fixture, p roles.Policy, it roles.Item, as ...roles.Approval) roles.ApprovalStatus {
	t.Helper()
	st, err := f.dir.ApprovalStatus(context.Background(), p, it, as)
	require.NoError(t, err)
	return st
}

func TestApprovalJudgedOnEveryScope(t *testing.T) {
	f := newFixture(t,
		allow("smm", roles.SocialMediaManager, acme),
		allow("mixed", roles.SeniorCM, esScope), // senior in Spain,
		allow("mixed", roles.JuniorCM, plScope), // junior in Poland
		allow("es-senior", roles.SeniorCM, esScope),
		allow("pl-senior", roles.SeniorCM, plScope),
		allow("senior", roles.SeniorCM, acme),
	)
	policy := roles.DefaultPolicy()

	assert.False(t, status(t, f, policy, item(roles.KindPost, []string{"mixed"}, esX)).Required,
		"a senior's post in Spain alone needs no review")
	both := item(roles.KindPost, []string{"mixed"}, esX, plY)
	st := status(t, f, policy, both)
	require.True(t, st.Required, "senior on A, junior on B: an A+B post is reviewed")
	assert.Equal(t, []string{"senior", "smm"}, st.Open()[0].CanApprove,
		"only members eligible on every resource; a senior of one country is not")

	_, err := f.dir.Approve(as("es-senior"), policy, both, nil)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "no role at all on B")
	forged := roles.Approval{Item: both.ID, Version: 1, Rule: "supervised-drafts", Step: "senior-review", Approver: "es-senior"}
	assert.False(t, status(t, f, policy, both, forged).Approved, "nor does a recorded approval by them count")
	approvals, err := f.dir.Approve(as("senior"), policy, both, nil)
	require.NoError(t, err)
	assert.True(t, status(t, f, policy, both, approvals...).Approved)

	// A rule selected by author role applies when it matches on any resource.
	byRole := roles.Policy{Rules: []roles.Rule{{Name: "juniors", AuthorRoles: []string{roles.JuniorCM},
		Steps: []roles.Step{{Name: "review", Roles: []string{roles.SeniorCM}}}}}}
	assert.False(t, status(t, f, byRole, item(roles.KindPost, []string{"mixed"}, esX)).Required)
	assert.True(t, status(t, f, byRole, item(roles.KindPost, []string{"mixed"}, esX, plY)).Required)
}

func TestItemMustNameResourcesAndAuthors(t *testing.T) {
	f := approvalFixture(t)
	ctx := context.Background()
	key := []byte("0123456789abcdef0123456789abcdef")
	issuer, err := roles.NewTokenIssuer(key, roles.NewMemoryTokenStore(f.clock), f.clock)
	require.NoError(t, err)
	for _, tc := range []struct {
		item  roles.Item
		field string
	}{
		{item(roles.KindPost, []string{"junior"}), "item.resources"},
		{item(roles.KindPost, nil, esX), "item.authors"},
		{item(roles.KindPost, []string{"junior", ""}, esX), "item.authors[1]"},
		{roles.Item{Version: 1, Kind: roles.KindPost, Authors: []string{"junior"}, Resources: []roles.Resource{esX}}, "item.id"},
	} {
		_, err := f.dir.ApprovalStatus(ctx, roles.DefaultPolicy(), tc.item, nil)
		var ve *cmkit.ValidationError
		require.ErrorAs(t, err, &ve, tc.field)
		assert.Equal(t, tc.field, ve.Field)
		assert.ErrorIs(t, err, cmkit.ErrInvalid)
		_, err = f.dir.Approve(as("senior"), roles.DefaultPolicy(), tc.item, nil)
		assert.ErrorIs(t, err, cmkit.ErrInvalid, tc.field)
		_, err = issuer.Issue(tc.item, "promotion", "client", "Laura", time.Hour)
		assert.ErrorIs(t, err, cmkit.ErrInvalid, tc.field)
	}
	n := 0
	for _, err := range f.dir.AuditLog().Records(ctx, roles.AuditFilter{Action: "approval.approve"}) {
		require.NoError(t, err)
		n++
	}
	assert.Zero(t, n, "nothing was recorded for an invalid item")
}

func TestEveryAuthorIsReviewedAndNoneApproves(t *testing.T) {
	f := approvalFixture(t)
	policy := roles.DefaultPolicy()
	// A junior edits a senior's draft and submits it.
	edited := item(roles.KindPost, []string{"senior", "junior"}, esX)
	st := status(t, f, policy, edited)
	require.True(t, st.Required, "the junior's edit needs review, whoever wrote it first")
	assert.Equal(t, []string{"senior2", "smm"}, st.Open()[0].CanApprove, "no author may approve")

	_, err := f.dir.Approve(as("senior"), policy, edited, nil)
	require.ErrorIs(t, err, cmkit.ErrForbidden)
	assert.Contains(t, err.Error(), "four eyes")
	forged := roles.Approval{Item: edited.ID, Version: 1, Rule: "supervised-drafts", Step: "senior-review", Approver: "senior"}
	assert.False(t, status(t, f, policy, edited, forged).Approved, "an author's approval never counts")

	approvals, err := f.dir.Approve(as("senior2"), policy, edited, nil)
	require.NoError(t, err)
	assert.True(t, status(t, f, policy, edited, approvals...).Approved)

	// Two seniors co-writing need no review, and approve nothing of their own.
	coWritten := item(roles.KindPost, []string{"senior", "senior2"}, esX)
	assert.False(t, status(t, f, policy, coWritten).Required)
	everything := roles.Policy{Rules: []roles.Rule{{Name: "all", Steps: []roles.Step{{Name: "s", Roles: []string{roles.SeniorCM}}}}}}
	assert.Equal(t, []string{"smm"}, status(t, f, everything, coWritten).Open()[0].CanApprove)
}

func TestBarePermissionsDoNotEscapeReview(t *testing.T) {
	f := newFixture(t,
		allow("smm", roles.SocialMediaManager, acme),
		allow("senior", roles.SeniorCM, acme),
		roles.Grant{Member: "bare", Permission: roles.DraftPost, Scope: acme},
		roles.Grant{Member: "bare", Permission: roles.SubmitPost, Scope: acme},
		roles.Grant{Member: "temp", Role: roles.SeniorCM, Scope: acme, ExpiresAt: t0.Add(time.Hour)},
	)
	policy := roles.DefaultPolicy()
	for _, tc := range []struct {
		author string
		review bool
	}{
		{"bare", true},     // bare post.draft and post.submit, no role
		{"stranger", true}, // no grant at all
		{"senior", false},  // exempt
		{"smm", false},     // exempt: smm inherits senior_cm
		{"temp", false},    // a senior until the grant expires
	} {
		st := status(t, f, policy, item(roles.KindPost, []string{tc.author}, esX))
		assert.Equal(t, tc.review, st.Required, tc.author)
		assert.Equal(t, !tc.review, st.Approved, tc.author)
	}
	assert.True(t, status(t, f, policy, item(roles.KindReply, []string{"bare"}, esX)).Required, "replies too")
	f.clock.Advance(time.Hour)
	assert.True(t, status(t, f, policy, item(roles.KindPost, []string{"temp"}, esX)).Required, "expired: reviewed again")
}

func TestDenyGrantsBarApproval(t *testing.T) {
	chanX := roles.Scope{Brand: "acme", Channel: "acme-es-x"}
	f := newFixture(t,
		allow("root", roles.SocialMediaManager, roles.Scope{}),
		allow("smm", roles.SocialMediaManager, acme),
		roles.Grant{Member: "smm", Role: roles.SeniorCM, Deny: true, Scope: chanX},
		allow("no-approve", roles.SeniorCM, acme),
		deny("no-approve", roles.ApprovePost, chanX),
		allow("senior", roles.SeniorCM, acme),
		allow("listed", roles.Analyst, acme),
		deny("listed", roles.ApprovePost, chanX),
		allow("junior", roles.JuniorCM, acme),
		allow("stmt-denied", roles.SocialMediaManager, acme),
		deny("stmt-denied", roles.ApproveStatement, roles.Scope{Brand: "acme"}),
	)
	policy := roles.DefaultPolicy()
	draft := item(roles.KindPost, []string{"junior"}, esX)

	assert.Empty(t, f.dir.RolesOf("smm", esX), "denied senior_cm there: smm, which inherits it, is taken away too")
	assert.Equal(t, []string{roles.SocialMediaManager}, f.dir.RolesOf("smm", plY))
	assert.Empty(t, f.dir.RolesOf("no-approve", esX), "a denied permission of the role takes the role away there")

	st := status(t, f, policy, draft)
	assert.Equal(t, []string{"root", "senior", "stmt-denied"}, st.Open()[0].CanApprove, "denied statements only")
	for _, who := range []string{"smm", "no-approve"} {
		_, err := f.dir.Approve(as(who), policy, draft, nil)
		assert.ErrorIs(t, err, cmkit.ErrForbidden, who)
		forged := roles.Approval{Item: draft.ID, Version: 1, Rule: "supervised-drafts", Step: "senior-review", Approver: who}
		assert.False(t, status(t, f, policy, draft, forged).Approved, who)
	}
	assert.Contains(t, status(t, f, policy, item(roles.KindPost, []string{"junior"}, plY)).Open()[0].CanApprove, "smm",
		"elsewhere the deny does not apply")

	// A member listed by name is still barred where they are denied.
	listed := roles.Policy{Rules: []roles.Rule{{Name: "named", Steps: []roles.Step{{Name: "s", Members: []string{"listed"}}}}}}
	assert.Empty(t, status(t, f, listed, draft).Open()[0].CanApprove)
	assert.Equal(t, []string{"listed"}, status(t, f, listed, item(roles.KindPost, []string{"junior"}, plY)).Open()[0].CanApprove)

	// A statement: the approving permission is crisis.approve_statement.
	stmt := item(roles.KindStatement, []string{"senior"}, roles.Resource{Brand: "acme"})
	assert.Equal(t, []string{"root", "smm"}, status(t, f, policy, stmt).Open()[0].CanApprove)

	// Step.Permission, when set, is the one whose denial bars.
	byPerm := roles.Policy{Rules: []roles.Rule{{Name: "p", Steps: []roles.Step{{Name: "s", Roles: []string{roles.Analyst},
		Permission: roles.ReadReports}}}}}
	assert.Contains(t, status(t, f, byPerm, draft).Open()[0].CanApprove, "listed",
		"an analyst denied post.approve may approve a step that asks for kpi.read")

	// An exempt role taken away by a deny no longer exempts.
	assert.True(t, status(t, f, policy, item(roles.KindPost, []string{"no-approve"}, esX)).Required)
	assert.False(t, status(t, f, policy, item(roles.KindPost, []string{"no-approve"}, plY)).Required)
}

func TestRedeemedTokenApprovesExternalStep(t *testing.T) {
	f := approvalFixture(t)
	ctx := context.Background()
	issuer, err := roles.NewTokenIssuer([]byte("0123456789abcdef0123456789abcdef"), roles.NewMemoryTokenStore(f.clock), f.clock)
	require.NoError(t, err)
	policy := roles.DefaultPolicy()
	promo := item(roles.KindPost, []string{"senior", "senior2"}, esX, roles.Resource{Brand: "acme", Channel: "acme-es-ig", Country: "ES"})
	promo.Labels = []string{"promotion"}

	st := status(t, f, policy, promo)
	require.Len(t, st.Rules, 1, "two seniors: only the promotion rule")
	open := st.Open()
	require.Len(t, open, 1)
	assert.Equal(t, "promotion", open[0].Rule)
	assert.True(t, open[0].External)

	token, err := issuer.Issue(promo, open[0].Rule, open[0].Step, "Laura (Acme client)", 24*time.Hour)
	require.NoError(t, err)
	a, err := issuer.Redeem(ctx, token, promo)
	require.NoError(t, err)
	st = status(t, f, policy, promo, a)
	assert.True(t, st.Approved, "the redeemed approval satisfies the external step")
	assert.Equal(t, []string{"Laura (Acme client)"}, st.Rules[0].Steps[0].Approvers)

	edited := promo
	edited.Version = 2
	edited.Authors = []string{"junior"}
	assert.False(t, status(t, f, policy, edited, a).Approved, "not for another version")
	noRes := promo
	noRes.Resources = nil
	_, err = issuer.Redeem(ctx, token, noRes)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}
