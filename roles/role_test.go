package roles_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// allPermissions lists every built-in permission.
var allPermissions = []roles.Permission{
	roles.ReadCalendar, roles.DraftPost, roles.SubmitPost, roles.ApprovePost, roles.SchedulePost,
	roles.PublishPost, roles.CancelPost, roles.ManageCampaigns, roles.ReadInbox, roles.ReplyMention, roles.HideMention,
	roles.DeleteMention, roles.AssignMention, roles.RouteMention, roles.DefineKPI, roles.EnterKPI,
	roles.ReadReports, roles.EditStyleGuide, roles.DeclareCrisis, roles.EscalateCrisis,
	roles.ResolveCrisis, roles.ApproveStatement, roles.ReadPromotions, roles.ManagePromotions, roles.DrawPromotion,
	roles.ApproveWinners, roles.ManageMembers, roles.ManageGrants,
}

// expected is what each built-in role may do, written out in full (not
// computed from the inheritance) so that the test checks the catalogue.
var expected = map[string][]roles.Permission{
	roles.Intern: {roles.ReadCalendar, roles.DraftPost, roles.SubmitPost, roles.ReadInbox},
	roles.JuniorCM: {roles.ReadCalendar, roles.DraftPost, roles.SubmitPost, roles.ReadInbox,
		roles.ReplyMention, roles.HideMention, roles.RouteMention, roles.EnterKPI, roles.ReadReports, roles.ReadPromotions},
	roles.SeniorCM: {roles.ReadCalendar, roles.DraftPost, roles.SubmitPost, roles.ReadInbox,
		roles.ReplyMention, roles.HideMention, roles.RouteMention, roles.EnterKPI, roles.ReadReports,
		roles.ApprovePost, roles.SchedulePost, roles.PublishPost, roles.CancelPost, roles.DeleteMention,
		roles.AssignMention, roles.DeclareCrisis, roles.EscalateCrisis, roles.ReadPromotions, roles.ManagePromotions},
	roles.SocialMediaManager: allPermissions,
	roles.Analyst:            {roles.ReadCalendar, roles.ReadReports},
	roles.CustomerService:    {roles.ReadInbox, roles.ReplyMention},
	roles.Designer:           {roles.ReadCalendar, roles.DraftPost},
	roles.ClientApprover:     {roles.ReadCalendar},
	roles.Legal:              {roles.ReadCalendar, roles.ApproveStatement, roles.ReadPromotions, roles.ApproveWinners},
}

func TestBuiltinCatalogue(t *testing.T) {
	rs := roles.NewRoleSet()
	var names []string
	for _, r := range rs.Roles() {
		names = append(names, r.Name)
	}
	assert.ElementsMatch(t, names, []string{roles.Intern, roles.JuniorCM, roles.SeniorCM, roles.SocialMediaManager,
		roles.Analyst, roles.CustomerService, roles.Designer, roles.ClientApprover, roles.Legal})
	var perms []roles.Permission
	for _, p := range rs.Permissions() {
		perms = append(perms, p.Name)
		assert.NotEmpty(t, p.Description, p.Name)
	}
	assert.ElementsMatch(t, allPermissions, perms)
	for role, want := range expected {
		assert.ElementsMatch(t, want, rs.Effective(role), role)
	}
}

// Every built-in role times every permission, checked through a Directory in
// several scopes: an exact brand, a wildcard, a prefix pattern, another brand
// (never allowed), and with a deny grant on one country.
func TestEveryRoleEveryPermission(t *testing.T) {
	ctx := context.Background()
	es := roles.Resource{Brand: "acme", Channel: "acme-es-x", Country: "ES", Topic: "launch"}
	pl := roles.Resource{Brand: "acme", Channel: "acme-pl-fb", Country: "PL"}
	other := roles.Resource{Brand: "globex", Channel: "globex-x", Country: "ES"}
	prefixed := roles.Resource{Brand: "acme-outlet", Channel: "acme-outlet-ig", Country: "ES"}

	for role, want := range expected {
		f := newFixture(t,
			allow("boss", roles.SocialMediaManager, roles.Scope{}),
			allow("exact", role, acme),
			allow("wild", role, roles.Scope{Brand: "*", Country: "ES"}),
			allow("prefix", role, roles.Scope{Brand: "acme-*"}),
			allow("denied", role, acme),
		)
		for _, p := range allPermissions {
			_, err := f.dir.Grant(as("boss"), deny("denied", p, roles.Scope{Brand: "acme", Country: "PL"}))
			require.NoError(t, err)
		}
		for _, p := range allPermissions {
			has := slices.Contains(want, p)
			cases := []struct {
				member string
				res    roles.Resource
				want   bool
			}{
				{"exact", es, has}, {"exact", pl, has}, {"exact", other, false}, {"exact", prefixed, false},
				{"wild", es, has}, {"wild", other, has}, {"wild", pl, false},
				{"prefix", prefixed, has}, {"prefix", es, false},
				{"denied", es, has}, {"denied", pl, false},
				{"nobody", es, false},
			}
			for _, c := range cases {
				dec, err := f.dir.Authorize(ctx, c.member, p, c.res)
				require.NoError(t, err)
				assert.Equal(t, c.want, dec.Allowed, "%s (%s) %s on %s: %s", c.member, role, p, c.res, dec.Reason())
				if c.want {
					require.NotNil(t, dec.By)
					assert.False(t, dec.By.Deny)
				}
				if c.member == "denied" && c.res.Country == "PL" && has {
					require.NotNil(t, dec.By, "the deny grant decided")
					assert.True(t, dec.By.Deny)
				}
			}
		}
	}
}

func TestUnknownPermissionIsAnError(t *testing.T) {
	f := newFixture(t, allow("boss", roles.SocialMediaManager, roles.Scope{}))
	_, err := f.dir.Authorize(context.Background(), "boss", "post.teleport", roles.Resource{})
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}

func TestDefineRole(t *testing.T) {
	rs := roles.NewRoleSet()
	require.NoError(t, rs.DefinePermission(roles.PermissionInfo{Name: "acme.export", Description: "export reports"}))
	require.NoError(t, rs.DefineRole(roles.Role{Name: "regional_lead", Inherits: []string{roles.SeniorCM},
		Permissions: []roles.Permission{roles.DefineKPI, "acme.export"}}))
	assert.True(t, rs.Allows("regional_lead", roles.PublishPost), "inherited")
	assert.True(t, rs.Allows("regional_lead", "acme.export"), "own")
	assert.False(t, rs.Allows("regional_lead", roles.ManageGrants))
	assert.False(t, rs.Allows("nobody", roles.ReadCalendar))

	tests := []struct {
		name  string
		role  roles.Role
		field string
		rule  string
		is    error
	}{
		{"bad name", roles.Role{Name: "Regional Lead"}, "role.name", "format", cmkit.ErrInvalid},
		{"empty name", roles.Role{}, "role.name", "required", cmkit.ErrInvalid},
		{"unknown permission", roles.Role{Name: "x", Permissions: []roles.Permission{"post.teleport"}}, `role "x".permissions[0]`, "unknown", cmkit.ErrInvalid},
		{"unknown parent", roles.Role{Name: "x", Inherits: []string{"ghost"}}, `role "x".inherits[0]`, "unknown", cmkit.ErrInvalid},
		{"self parent", roles.Role{Name: "y", Inherits: []string{"y"}}, `role "y".inherits[0]`, "unknown", cmkit.ErrInvalid},
		{"duplicate", roles.Role{Name: roles.Intern}, "", "", cmkit.ErrConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(rs.Roles())
			err := rs.DefineRole(tc.role)
			require.ErrorIs(t, err, tc.is)
			if tc.field != "" {
				var ve *cmkit.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tc.field, ve.Field)
				assert.Equal(t, tc.rule, ve.Rule)
			}
			assert.Len(t, rs.Roles(), before, "nothing defined")
		})
	}
	assert.ErrorIs(t, rs.DefinePermission(roles.PermissionInfo{Name: roles.ReadCalendar}), cmkit.ErrConflict)
	assert.ErrorIs(t, rs.DefinePermission(roles.PermissionInfo{Name: "Bad Name"}), cmkit.ErrInvalid)
}

func TestPermissionLimit(t *testing.T) {
	rs := roles.NewRoleSet()
	n := len(rs.Permissions())
	for i := n; i < 256; i++ {
		require.NoError(t, rs.DefinePermission(roles.PermissionInfo{Name: roles.Permission(fmt.Sprintf("p.%d", i))}))
	}
	assert.ErrorIs(t, rs.DefinePermission(roles.PermissionInfo{Name: "p.overflow"}), cmkit.ErrConflict)
	require.NoError(t, rs.DefineRole(roles.Role{Name: "everything", Permissions: []roles.Permission{"p.255"}}))
	assert.True(t, rs.Allows("everything", "p.255"), "the last bit works")
}

func TestRoleSetCopies(t *testing.T) {
	rs := roles.NewRoleSet()
	r, ok := rs.Role(roles.SeniorCM)
	require.True(t, ok)
	r.Permissions[0] = "mutated"
	again, _ := rs.Role(roles.SeniorCM)
	assert.NotEqual(t, roles.Permission("mutated"), again.Permissions[0])
	c := rs.Clone()
	require.NoError(t, c.DefineRole(roles.Role{Name: "only_in_clone"}))
	_, ok = rs.Role("only_in_clone")
	assert.False(t, ok)
}
