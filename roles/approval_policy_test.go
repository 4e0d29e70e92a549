package roles_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// Regression tests for issue 10, item 5: DefaultPolicy approves posts by
// permission, so a grant covering the post counts wherever it comes from;
// it exempts only authors allowed to approve and to publish there; the
// statement and promotion steps still name roles.

func grantPerm(member string, p roles.Permission, s roles.Scope) roles.Grant {
	return roles.Grant{Member: member, Permission: p, Scope: s}
}

// approveAs has who approve it, and returns prior with the new approvals.
func approveAs(t *testing.T, f *fixture, who string, p roles.Policy, it roles.Item, prior []roles.Approval) []roles.Approval {
	t.Helper()
	got, err := f.dir.Approve(as(who), p, it, prior)
	require.NoError(t, err, who)
	return append(slices.Clone(prior), got...)
}

// A senior of the Polish team given post.approve for the whole brand may
// approve a Spanish junior's post; one without that grant may not.
func TestBrandWideApproveGrantApprovesAnotherCountrysPost(t *testing.T) {
	f := newFixture(t,
		allow("smm", roles.SocialMediaManager, acme),
		allow("pl-senior", roles.SeniorCM, plScope),
		grantPerm("pl-senior", roles.ApprovePost, acme),
		allow("pl-senior2", roles.SeniorCM, plScope),
		allow("es-junior", roles.JuniorCM, esScope),
	)
	policy := roles.DefaultPolicy()
	draft := item(roles.KindPost, []string{"es-junior"}, esX)

	st := status(t, f, policy, draft)
	require.True(t, st.Required)
	assert.Equal(t, []string{"pl-senior", "smm"}, st.Open()[0].CanApprove)

	_, err := f.dir.Approve(as("pl-senior2"), policy, draft, nil)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "senior in Poland only: not enough in Spain")
	forged := roles.Approval{Item: draft.ID, Version: 1, Rule: "supervised-drafts", Step: "senior-review", Approver: "pl-senior2"}
	assert.False(t, status(t, f, policy, draft, forged).Approved)

	assert.True(t, status(t, f, policy, draft, approveAs(t, f, "pl-senior", policy, draft, nil)...).Approved)

	// A post on a Spanish and a Polish channel: the brand-wide grant covers both.
	both := item(roles.KindPost, []string{"es-junior"}, esX, plY)
	assert.Equal(t, []string{"pl-senior", "smm"}, status(t, f, policy, both).Open()[0].CanApprove)
}

// Exempt from review are the authors allowed both post.approve and
// post.publish on every resource; everyone else is reviewed.
func TestExemptOnlyWhenAllowedToApproveAndPublish(t *testing.T) {
	f := newFixture(t,
		allow("smm", roles.SocialMediaManager, acme),
		allow("senior", roles.SeniorCM, acme),
		allow("junior", roles.JuniorCM, acme),
		allow("intern", roles.Intern, acme),
		grantPerm("bare", roles.DraftPost, acme),
		grantPerm("bare", roles.SubmitPost, acme),
		grantPerm("approver", roles.DraftPost, acme),
		grantPerm("approver", roles.ApprovePost, acme),
		grantPerm("publisher", roles.DraftPost, acme),
		grantPerm("publisher", roles.PublishPost, acme),
		grantPerm("trusted", roles.DraftPost, acme),
		grantPerm("trusted", roles.ApprovePost, acme),
		grantPerm("trusted", roles.PublishPost, acme),
		allow("pl-senior", roles.SeniorCM, plScope),
		grantPerm("pl-senior", roles.ApprovePost, acme),
		allow("client", roles.ClientApprover, acme),
		allow("client", roles.Designer, acme),
		allow("no-publish", roles.SeniorCM, acme),
		deny("no-publish", roles.PublishPost, roles.Scope{Brand: "acme", Channel: "acme-es-x"}),
		roles.Grant{Member: "temp", Permission: roles.PublishPost, Scope: acme, ExpiresAt: t0.Add(time.Hour)},
		grantPerm("temp", roles.ApprovePost, acme),
	)
	policy := roles.DefaultPolicy()
	for _, tc := range []struct {
		author string
		review bool
	}{
		{"smm", false},
		{"senior", false},
		{"trusted", false},   // bare post.approve and post.publish
		{"temp", false},      // until the publish grant expires
		{"junior", true},     // no post.approve
		{"intern", true},     // never exempt
		{"bare", true},       // post.draft and post.submit only
		{"stranger", true},   // no grant
		{"approver", true},   // may approve, may not publish
		{"publisher", true},  // may publish, may not approve
		{"pl-senior", true},  // may approve in Spain, publishes only in Poland
		{"client", true},     // client_approver holds no post.approve
		{"no-publish", true}, // denied post.publish on the channel
	} {
		st := status(t, f, policy, item(roles.KindPost, []string{tc.author}, esX))
		assert.Equal(t, tc.review, st.Required, tc.author)
		assert.Equal(t, !tc.review, st.Approved, tc.author)
	}
	assert.False(t, status(t, f, policy, item(roles.KindPost, []string{"pl-senior"}, plY)).Required,
		"a senior in Poland publishes her Polish posts unreviewed")
	assert.True(t, status(t, f, policy, item(roles.KindPost, []string{"senior", "approver"}, esX)).Required,
		"every author must be exempt")
	f.clock.Advance(time.Hour)
	assert.True(t, status(t, f, policy, item(roles.KindPost, []string{"temp"}, esX)).Required, "expired: reviewed again")
}

// The client approver holds no post.approve: it approves a promotion, but
// never stands in for the senior's review of a junior's post.
func TestClientApproverDoesNotReplaceSeniorReview(t *testing.T) {
	f := approvalFixture(t)
	policy := roles.DefaultPolicy()
	promo := post("junior", "promotion")

	st := status(t, f, policy, promo)
	require.Len(t, st.Open(), 2, "the senior's review and the client's")
	assert.NotContains(t, st.Open()[0].CanApprove, "client")
	got := approveAs(t, f, "client", policy, promo, nil)
	require.Len(t, got, 1)
	assert.Equal(t, "promotion", got[0].Rule)
	assert.False(t, status(t, f, policy, promo, got...).Approved, "still waits for a senior")
	assert.True(t, status(t, f, policy, promo, approveAs(t, f, "senior", policy, promo, got)...).Approved)
}

// The statement steps name roles, not crisis.approve_statement, which
// legal holds too: a lawyer cannot give the social media manager's
// approval, nor can a member granted the bare permission.
func TestStatementStepsNameRolesNotThePermission(t *testing.T) {
	f := newFixture(t,
		allow("smm", roles.SocialMediaManager, acme),
		allow("lawyer", roles.Legal, acme),
		grantPerm("pr-head", roles.ApproveStatement, acme),
		allow("senior", roles.SeniorCM, acme),
	)
	policy := roles.DefaultPolicy()
	stmt := item(roles.KindStatement, []string{"senior"}, roles.Resource{Brand: "acme"})
	stmt.Labels = []string{"legal_review"}
	for _, who := range []string{"lawyer", "pr-head"} {
		_, err := f.dir.Approve(as(who), policy, stmt, nil)
		assert.ErrorIs(t, err, cmkit.ErrForbidden, who)
	}
	approvals := approveAs(t, f, "smm", policy, stmt, nil)
	assert.True(t, status(t, f, policy, stmt, approveAs(t, f, "lawyer", policy, stmt, approvals)...).Approved)
}

// Seniors publish: senior_cm is allowed post.publish (what the calendar
// asks of whoever settles a post whose outcome is unknown) on its scope,
// and not beyond it; a post.approve grant alone gives no post.publish.
func TestSeniorCMMayPublishOnItsScope(t *testing.T) {
	f := newFixture(t,
		allow("smm", roles.SocialMediaManager, acme),
		allow("pl-senior", roles.SeniorCM, plScope),
		grantPerm("pl-senior", roles.ApprovePost, acme),
	)
	ctx := context.Background()
	for _, p := range []roles.Permission{roles.ApprovePost, roles.SchedulePost, roles.PublishPost} {
		dec, err := f.dir.Authorize(ctx, "pl-senior", p, plY)
		require.NoError(t, err)
		assert.True(t, dec.Allowed, p)
	}
	dec, err := f.dir.Authorize(ctx, "pl-senior", roles.PublishPost, esX)
	require.NoError(t, err)
	assert.False(t, dec.Allowed, "not on another country's channel")
	dec, err = f.dir.Authorize(ctx, "pl-senior", roles.ApprovePost, esX)
	require.NoError(t, err)
	assert.True(t, dec.Allowed, "the brand-wide grant approves there")
	assert.True(t, roles.NewRoleSet().Allows(roles.SeniorCM, roles.PublishPost))
}

// With both exemptions set, a rule applies only to items neither exempts.
func TestExemptRolesAndExemptPermissionsTogether(t *testing.T) {
	f := newFixture(t,
		allow("smm", roles.SocialMediaManager, acme),
		allow("designer", roles.Designer, acme),
		grantPerm("trusted", roles.ApprovePost, acme),
		allow("junior", roles.JuniorCM, acme),
	)
	policy := roles.Policy{Rules: []roles.Rule{{Name: "r", ExemptRoles: []string{roles.Designer},
		ExemptPermissions: []roles.Permission{roles.ApprovePost},
		Steps:             []roles.Step{{Name: "s", Roles: []string{roles.SocialMediaManager}}}}}}
	assert.False(t, status(t, f, policy, item(roles.KindPost, []string{"designer"}, esX)).Required, "exempt by role")
	assert.False(t, status(t, f, policy, item(roles.KindPost, []string{"trusted"}, esX)).Required, "exempt by permission")
	assert.True(t, status(t, f, policy, item(roles.KindPost, []string{"junior"}, esX)).Required, "exempt by neither")
}

// The JSON shown in ParsePolicy's documentation spells DefaultPolicy's
// first rule.
func TestParsePolicyReadsDefaultPolicyShape(t *testing.T) {
	p, err := roles.ParsePolicy([]byte(`{"rules": [{"name": "supervised-drafts", "kinds": ["post", "reply"],
	            "exempt_permissions": ["post.approve", "post.publish"],
	            "steps": [{"name": "senior-review", "permission": "post.approve"}]},
	           {"name": "intern-drafts", "kinds": ["post"], "author_roles": ["intern"],
	            "steps": [{"name": "smm", "roles": ["smm"]}]}]}`), nil)
	require.NoError(t, err)
	assert.Equal(t, roles.DefaultPolicy().Rules[0], p.Rules[0])

	_, err = roles.ParsePolicy([]byte(`{"rules": [{"name": "a", "exempt_permissions": ["post.approve", "x.y"],
	  "steps": [{"name": "s", "external": true}]}]}`), nil)
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "rules[0].exempt_permissions[1]", ve.Field)
	assert.Equal(t, "unknown", ve.Rule)
}
