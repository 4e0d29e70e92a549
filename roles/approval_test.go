package roles_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

func approvalFixture(t *testing.T) *fixture {
	return newFixture(t,
		allow("smm", roles.SocialMediaManager, acme),
		allow("senior", roles.SeniorCM, acme),
		allow("senior2", roles.SeniorCM, acme),
		allow("senior-globex", roles.SeniorCM, roles.Scope{Brand: "globex"}),
		allow("junior", roles.JuniorCM, acme),
		allow("intern", roles.Intern, acme),
		allow("client", roles.ClientApprover, acme),
		allow("lawyer", roles.Legal, roles.Scope{}),
	)
}

var esX = roles.Resource{Brand: "acme", Channel: "acme-es-x", Country: "ES"}

func post(author string, labels ...string) roles.Item {
	return roles.Item{ID: cmkitID(), Version: 1, Kind: roles.KindPost, Authors: []string{author},
		Resources: []roles.Resource{esX}, Labels: labels}
}

func TestJuniorPostsNeedASenior(t *testing.T) {
	f := approvalFixture(t)
	ctx := context.Background()
	policy := roles.DefaultPolicy()

	for _, author := range []string{"junior", "intern"} {
		item := post(author)
		st, err := f.dir.ApprovalStatus(ctx, policy, item, nil)
		require.NoError(t, err)
		assert.True(t, st.Required, author)
		assert.False(t, st.Approved, author)
		open := st.Open()
		require.Len(t, open, 1)
		assert.Equal(t, []string{"senior", "senior2", "smm"}, open[0].CanApprove, "seniors of the brand and the SMM, by inheritance")

		_, err = f.dir.Approve(as("junior"), policy, item, nil)
		assert.ErrorIs(t, err, cmkit.ErrForbidden, "a junior cannot approve")
		_, err = f.dir.Approve(as("senior-globex"), policy, item, nil)
		assert.ErrorIs(t, err, cmkit.ErrForbidden, "a senior of another brand cannot approve")

		approvals, err := f.dir.Approve(as("senior"), policy, item, nil)
		require.NoError(t, err)
		require.Len(t, approvals, 1)
		assert.Equal(t, "senior", approvals[0].Approver)
		st, err = f.dir.ApprovalStatus(ctx, policy, item, approvals)
		require.NoError(t, err)
		assert.True(t, st.Approved, author)
		_, err = f.dir.Approve(as("smm"), policy, item, approvals)
		assert.ErrorIs(t, err, cmkit.ErrConflict, "nothing left to approve")
	}

	st, err := f.dir.ApprovalStatus(ctx, policy, post("senior"), nil)
	require.NoError(t, err)
	assert.False(t, st.Required, "a senior's own post needs no approval")
	assert.True(t, st.Approved)
}

func TestFourEyes(t *testing.T) {
	f := approvalFixture(t)
	policy := roles.Policy{Rules: []roles.Rule{{Name: "everything", Steps: []roles.Step{{Name: "review", Roles: []string{roles.SeniorCM}}}}}}
	item := post("senior")
	_, err := f.dir.Approve(as("senior"), policy, item, nil)
	require.ErrorIs(t, err, cmkit.ErrForbidden)
	assert.Contains(t, err.Error(), "four eyes")
	// A forged approval by the author does not count either.
	forged := []roles.Approval{{Item: item.ID, Version: 1, Rule: "everything", Step: "review", Approver: "senior"}}
	st, err := f.dir.ApprovalStatus(context.Background(), policy, item, forged)
	require.NoError(t, err)
	assert.False(t, st.Approved)
	assert.NotContains(t, st.Open()[0].CanApprove, "senior")
}

func TestApprovalsAreBoundToTheVersion(t *testing.T) {
	f := approvalFixture(t)
	policy := roles.DefaultPolicy()
	item := post("junior")
	approvals, err := f.dir.Approve(as("senior"), policy, item, nil)
	require.NoError(t, err)
	item.Version = 2 // the junior edited the post after approval
	st, err := f.dir.ApprovalStatus(context.Background(), policy, item, approvals)
	require.NoError(t, err)
	assert.False(t, st.Approved, "a changed post needs a new approval")
}

func TestNofMAndAllOfAndChains(t *testing.T) {
	f := approvalFixture(t)
	ctx := context.Background()
	policy := roles.Policy{Rules: []roles.Rule{
		{Name: "launch", Labels: []string{"launch"}, Steps: []roles.Step{
			{Name: "two-seniors", Roles: []string{roles.SeniorCM}, Need: 2},
			{Name: "all-listed", Members: []string{"smm", "lawyer"}, All: true},
		}},
	}}
	item := post("junior", "launch")
	var approvals []roles.Approval
	approve := func(who string) {
		t.Helper()
		got, err := f.dir.Approve(as(who), policy, item, approvals)
		require.NoError(t, err, who)
		approvals = append(approvals, got...)
	}
	approve("senior")
	st, _ := f.dir.ApprovalStatus(ctx, policy, item, approvals)
	assert.Equal(t, 1, st.Open()[0].Missing)
	_, err := f.dir.Approve(as("senior"), policy, item, approvals)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "the same approver twice does not make two")
	_, err = f.dir.Approve(as("lawyer"), policy, item, approvals)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "step two waits for step one")
	approve("smm") // the SMM is a senior by inheritance: second of two
	st, _ = f.dir.ApprovalStatus(ctx, policy, item, approvals)
	require.Len(t, st.Open(), 1)
	assert.Equal(t, "all-listed", st.Open()[0].Step)
	assert.Equal(t, []string{"lawyer", "smm"}, st.Open()[0].CanApprove)
	approve("lawyer")
	st, _ = f.dir.ApprovalStatus(ctx, policy, item, approvals)
	assert.False(t, st.Approved, "all of them")
	approve("smm")
	st, _ = f.dir.ApprovalStatus(ctx, policy, item, approvals)
	assert.True(t, st.Approved)
	assert.Equal(t, []string{"lawyer", "smm"}, st.Rules[0].Steps[1].Approvers)
}

func TestRevokedApproverNoLongerCounts(t *testing.T) {
	f := approvalFixture(t)
	policy := roles.DefaultPolicy()
	item := post("intern")
	approvals, err := f.dir.Approve(as("senior"), policy, item, nil)
	require.NoError(t, err)
	require.NoError(t, f.dir.Revoke(as("smm"), f.dir.GrantsOf("senior")[0].ID))
	st, err := f.dir.ApprovalStatus(context.Background(), policy, item, approvals)
	require.NoError(t, err)
	assert.False(t, st.Approved)
}

func TestCrisisStatementsAndPromotions(t *testing.T) {
	f := approvalFixture(t)
	ctx := context.Background()
	policy := roles.DefaultPolicy()
	statement := roles.Item{ID: cmkitID(), Version: 1, Kind: roles.KindStatement, Authors: []string{"senior"},
		Resources: []roles.Resource{{Brand: "acme"}}, Labels: []string{"legal_review"}}
	st, err := f.dir.ApprovalStatus(ctx, policy, statement, nil)
	require.NoError(t, err)
	require.Len(t, st.Rules, 2, "the statement rule and its legal variant")
	approvals, err := f.dir.Approve(as("smm"), policy, statement, nil)
	require.NoError(t, err)
	assert.Len(t, approvals, 2, "one approval satisfies the SMM step of both rules")
	st, _ = f.dir.ApprovalStatus(ctx, policy, statement, approvals)
	assert.False(t, st.Approved)
	assert.Equal(t, []string{"lawyer"}, st.Open()[0].CanApprove)
	more, err := f.dir.Approve(as("lawyer"), policy, statement, approvals)
	require.NoError(t, err)
	st, _ = f.dir.ApprovalStatus(ctx, policy, statement, append(approvals, more...))
	assert.True(t, st.Approved)

	promo := post("senior", "promotion")
	st, _ = f.dir.ApprovalStatus(ctx, policy, promo, nil)
	require.Len(t, st.Open(), 1)
	assert.True(t, st.Open()[0].External)
	assert.Equal(t, []string{"client"}, st.Open()[0].CanApprove)
}

func TestPolicyValidate(t *testing.T) {
	rs := roles.NewRoleSet()
	require.NoError(t, roles.DefaultPolicy().Validate(rs))
	tests := []struct {
		policy      roles.Policy
		field, rule string
	}{
		{roles.Policy{Rules: []roles.Rule{{Name: ""}}}, "rules[0].name", "required"},
		{roles.Policy{Rules: []roles.Rule{{Name: "a", Steps: []roles.Step{{Name: "s", Roles: []string{"intern"}}}}, {Name: "a"}}}, "rules[1].name", "unique"},
		{roles.Policy{Rules: []roles.Rule{{Name: "a"}}}, "rules[0].steps", "required"},
		{roles.Policy{Rules: []roles.Rule{{Name: "a", Steps: []roles.Step{{Name: "s"}}}}}, "rules[0].steps[0]", "approvers"},
		{roles.Policy{Rules: []roles.Rule{{Name: "a", Steps: []roles.Step{{Name: "s", Roles: []string{"pope"}}}}}}, "rules[0].steps[0].roles[0]", "unknown"},
		{roles.Policy{Rules: []roles.Rule{{Name: "a", AuthorRoles: []string{"pope"}, Steps: []roles.Step{{Name: "s", External: true}}}}}, "rules[0].author_roles[0]", "unknown"},
		{roles.Policy{Rules: []roles.Rule{{Name: "a", ExemptRoles: []string{"senior_cm", "pope"}, Steps: []roles.Step{{Name: "s", External: true}}}}}, "rules[0].exempt_roles[1]", "unknown"},
		{roles.Policy{Rules: []roles.Rule{{Name: "a", Steps: []roles.Step{{Name: "s", Permission: "x.y"}}}}}, "rules[0].steps[0].permission", "unknown"},
		{roles.Policy{Rules: []roles.Rule{{Name: "a", ExemptPermissions: []roles.Permission{"x.y"}, Steps: []roles.Step{{Name: "s", External: true}}}}}, "rules[0].exempt_permissions[0]", "unknown"},
		{roles.Policy{Rules: []roles.Rule{{Name: "a", Steps: []roles.Step{{Name: "s", External: true, Need: -1}}}}}, "rules[0].steps[0].need", "non_negative"},
		{roles.Policy{Rules: []roles.Rule{{Name: "a", Steps: []roles.Step{{Name: "s", External: true}, {Name: "s", External: true}}}}}, "rules[0].steps[1].name", "unique"},
	}
	for _, tc := range tests {
		var ve *cmkit.ValidationError
		require.ErrorAs(t, tc.policy.Validate(rs), &ve, "%+v", tc.policy)
		assert.Equal(t, tc.field, ve.Field)
		assert.Equal(t, tc.rule, ve.Rule)
	}
}

func TestExternalApprovalTokens(t *testing.T) {
	f := approvalFixture(t)
	ctx := context.Background()
	key := []byte("0123456789abcdef0123456789abcdef")
	issuer, err := roles.NewTokenIssuer(key, roles.NewMemoryTokenStore(f.clock), f.clock)
	require.NoError(t, err)
	policy := roles.DefaultPolicy()
	item := post("senior", "promotion")

	token, err := issuer.Issue(item, "promotion", "client", "Laura (Acme client)", 48*time.Hour)
	require.NoError(t, err)
	a, err := issuer.Redeem(ctx, token, item)
	require.NoError(t, err)
	assert.True(t, a.External)
	st, err := f.dir.ApprovalStatus(ctx, policy, item, []roles.Approval{a})
	require.NoError(t, err)
	assert.True(t, st.Approved, "an external approval satisfies an external step")

	_, err = issuer.Redeem(ctx, token, item)
	assert.ErrorIs(t, err, cmkit.ErrConflict, "single use")

	changed := item
	changed.Version = 2
	fresh, err := issuer.Issue(item, "promotion", "client", "Laura", time.Hour)
	require.NoError(t, err)
	_, err = issuer.Redeem(ctx, fresh, changed)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "bound to the version")
	other := post("senior", "promotion")
	_, err = issuer.Redeem(ctx, fresh, other)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "bound to the item")

	late, err := issuer.Issue(item, "promotion", "client", "Laura", time.Hour)
	require.NoError(t, err)
	f.clock.Advance(time.Hour)
	_, err = issuer.Redeem(ctx, late, item)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "expired")

	tok, _ := issuer.Issue(item, "promotion", "client", "Laura", time.Hour)
	forged := tok[:len(tok)-2] + "AA"
	if forged == tok {
		forged = tok[:len(tok)-2] + "BB"
	}
	_, err = issuer.Redeem(ctx, forged, item)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "signature")
	assert.NotContains(t, err.Error(), tok)
	for _, bad := range []string{"", "nodot", "a.b", "!!!.???"} {
		_, err = issuer.Redeem(ctx, bad, item)
		assert.Error(t, err, bad)
	}
	otherKey, _ := roles.NewTokenIssuer([]byte("another-key-another-key-another-key"), roles.NewMemoryTokenStore(nil), f.clock)
	_, err = otherKey.Redeem(ctx, tok, item)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "another key")

	// An external approval does not count on a step that does not allow it.
	junior := post("junior")
	ext := roles.Approval{Item: junior.ID, Version: 1, Rule: "supervised-drafts", Step: "senior-review", Approver: "x", External: true}
	st, _ = f.dir.ApprovalStatus(ctx, policy, junior, []roles.Approval{ext})
	assert.False(t, st.Approved)

	_, err = roles.NewTokenIssuer([]byte("short"), roles.NewMemoryTokenStore(nil), nil)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = issuer.Issue(item, "promotion", "client", "Laura", 0)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}

// FuzzRedeem: a token string from outside never panics, and only genuine
// tokens redeem.
func FuzzRedeem(f *testing.F) {
	key := []byte("0123456789abcdef0123456789abcdef")
	item := roles.Item{ID: cmkitID(), Version: 1, Kind: roles.KindPost, Authors: []string{"a"}, Resources: []roles.Resource{{Brand: "acme"}}}
	issuer, _ := roles.NewTokenIssuer(key, roles.NewMemoryTokenStore(nil), nil)
	tok, _ := issuer.Issue(item, "r", "s", "x", time.Hour)
	f.Add(tok)
	f.Add("")
	f.Add("a.b")
	f.Fuzz(func(t *testing.T, s string) {
		issuer, _ := roles.NewTokenIssuer(key, roles.NewMemoryTokenStore(nil), nil)
		a, err := issuer.Redeem(context.Background(), s, item)
		if err == nil && (s != tok || !a.External) {
			t.Fatalf("redeemed a token that was never issued: %q", s)
		}
	})
}

func TestParsePolicy(t *testing.T) {
	p, err := roles.ParsePolicy([]byte(`{"rules": [
	  {"name": "launch", "labels": ["launch"], "steps": [
	    {"name": "seniors", "roles": ["senior_cm"], "need": 2},
	    {"name": "legal", "permission": "crisis.approve_statement", "all": true}]}]}`), nil)
	require.NoError(t, err)
	require.Len(t, p.Rules, 1)
	assert.Equal(t, 2, p.Rules[0].Steps[0].Need)
	assert.True(t, p.Rules[0].Steps[1].All)

	for _, tc := range []struct{ json, field, rule string }{
		{`{"rules": [{"name": "a", "steps": [{"name": "s", "roles": ["pope"]}]}]}`, "rules[0].steps[0].roles[0]", "unknown"},
		{`{"rules": [{"name": "a", "stepz": []}]}`, "json", "schema"},
		{`{"rules": [{"name": "a", "steps": [{"name": "s", "need": "two"}]}]}`, "rules.steps.need", "type"},
		{`[`, "json", "syntax"},
	} {
		_, err := roles.ParsePolicy([]byte(tc.json), nil)
		var ve *cmkit.ValidationError
		require.ErrorAs(t, err, &ve, tc.json)
		assert.Equal(t, tc.field, ve.Field, tc.json)
		assert.Equal(t, tc.rule, ve.Rule, tc.json)
	}
}

// FuzzParsePolicy: any input gives a valid policy or a validation error
// naming a field; never a panic.
func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(`{"rules": [{"name": "a", "kinds": ["post"], "steps": [{"name": "s", "roles": ["senior_cm"], "need": 2}]}]}`))
	f.Add([]byte(`{"rules": []}`))
	f.Add([]byte(`{"rules": [{"name": "a", "steps": [{"name": "s", "external": true, "all": true}]}]}`))
	f.Add([]byte(`{"rules": [{"name": "a", "steps": [{"name": "s", "external": true}]}], "rules": []}`))
	f.Add([]byte(`{"rules": [{"name": "a", "steps": [{"name": "s", "roles": ["smm"], "Roles": []}]}]}`))
	f.Add([]byte("\ufeff{\"rules\": []}"))
	rs := roles.NewRoleSet()
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := roles.ParsePolicy(data, rs)
		if err != nil {
			var ve *cmkit.ValidationError
			if !errors.As(err, &ve) || ve.Field == "" || ve.Rule == "" {
				t.Fatalf("error %v: want a *cmkit.ValidationError naming field and rule", err)
			}
			return
		}
		if err := p.Validate(rs); err != nil {
			t.Fatalf("ParsePolicy accepted a policy that does not validate: %v", err)
		}
	})
}

// A repeated "rules" would drop every rule before it: ParsePolicy refuses
// duplicate keys at any depth and in any case, and skips a leading BOM.
func TestParsePolicyRejectsDuplicateKeysAndSkipsBOM(t *testing.T) {
	for _, tc := range []struct{ json, field string }{
		{`{"rules": [{"name": "a", "steps": [{"name": "s", "roles": ["senior_cm"]}]}],
"rules": []}`, "rules"},
		{`{"rules": [], "Rules": []}`, "Rules"},
		{`{"rules": [{"name": "a", "steps": [{"name": "s", "roles": ["senior_cm"]}, {"name": "t", "external": true, "NEED": 1, "need": 2}]}]}`,
			"rules[0].steps[1].need"},
	} {
		_, err := roles.ParsePolicy([]byte(tc.json), nil)
		var ve *cmkit.ValidationError
		require.ErrorAs(t, err, &ve, tc.json)
		assert.ErrorIs(t, err, cmkit.ErrInvalid)
		assert.Equal(t, tc.field, ve.Field, tc.json)
		assert.Equal(t, "duplicate_key", ve.Rule, tc.json)
		assert.Contains(t, err.Error(), "line ")
	}
	p, err := roles.ParsePolicy([]byte("\ufeff{\"rules\": [{\"name\": \"a\", \"exempt_roles\": [\"senior_cm\"], \"steps\": [{\"name\": \"s\", \"roles\": [\"smm\"]}]}]}"), nil)
	require.NoError(t, err)
	assert.Equal(t, []string{roles.SeniorCM}, p.Rules[0].ExemptRoles)
}
