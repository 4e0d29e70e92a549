package roles

import (
	"fmt"
	"maps"
	"slices"

	"github.com/cmkit/cmkit"
)

// The built-in roles, from the most to the least powerful of the community
// team, then the supporting roles. Each CM role inherits the one below it.
const (
	// SocialMediaManager owns the strategy: campaigns, KPIs, style guide,
	// crisis plan, the team and its grants. Inherits SeniorCM.
	SocialMediaManager = "smm"
	// SeniorCM publishes, approves, moderates fully and applies the crisis
	// plan. Inherits JuniorCM.
	SeniorCM = "senior_cm"
	// JuniorCM drafts, answers and moderates under supervision and fills
	// the KPI sheet. Inherits Intern.
	JuniorCM = "junior_cm"
	// Intern drafts posts and reads the inbox.
	Intern = "intern"
	// Analyst reads calendars and reports.
	Analyst = "analyst"
	// CustomerService receives routed complaints and answers them.
	CustomerService = "customer_service"
	// Designer supplies media to drafts.
	Designer = "designer"
	// ClientApprover approves, for an agency's client, what a policy names
	// the role for (DefaultPolicy: promotions). It holds no post.approve, so
	// it never stands in for a senior CM's review.
	ClientApprover = "client_approver"
	// Legal approves crisis statements and promotion winners.
	Legal = "legal"
)

var builtinRoles = []Role{
	{Name: Intern, Description: "drafts posts and reads the inbox under supervision",
		Permissions: []Permission{ReadCalendar, DraftPost, SubmitPost, ReadInbox}},
	{Name: JuniorCM, Description: "drafts, answers and moderates under supervision",
		Inherits:    []string{Intern},
		Permissions: []Permission{ReplyMention, HideMention, RouteMention, EnterKPI, ReadReports, ReadPromotions}},
	{Name: SeniorCM, Description: "publishes, approves, moderates and applies the crisis plan",
		Inherits: []string{JuniorCM},
		Permissions: []Permission{ApprovePost, SchedulePost, PublishPost, CancelPost,
			DeleteMention, AssignMention, DeclareCrisis, EscalateCrisis, ManagePromotions}},
	{Name: SocialMediaManager, Description: "owns strategy, campaigns, KPIs, style guide, crisis plan and the team",
		Inherits: []string{SeniorCM},
		Permissions: []Permission{ManageCampaigns, DefineKPI, EditStyleGuide, ResolveCrisis, ApproveStatement,
			DrawPromotion, ApproveWinners, ManageMembers, ManageGrants}},
	{Name: Analyst, Description: "reads calendars and reports",
		Permissions: []Permission{ReadCalendar, ReadReports}},
	{Name: CustomerService, Description: "answers complaints routed from the inbox",
		Permissions: []Permission{ReadInbox, ReplyMention}},
	{Name: Designer, Description: "supplies media to drafts",
		Permissions: []Permission{ReadCalendar, DraftPost}},
	{Name: ClientApprover, Description: "approves, for a client, the posts a policy names the role for",
		Permissions: []Permission{ReadCalendar}},
	{Name: Legal, Description: "approves crisis statements and promotion winners",
		Permissions: []Permission{ReadCalendar, ApproveStatement, ReadPromotions, ApproveWinners}},
}

// Role is a named set of permissions, plus those of the roles it inherits.
type Role struct {
	// Name identifies the role in grants ("senior_cm").
	Name string `json:"name"`
	// Description says what the role is for.
	Description string `json:"description,omitempty"`
	// Inherits names roles whose permissions this role also has.
	Inherits []string `json:"inherits,omitempty"`
	// Permissions are the role's own permissions.
	Permissions []Permission `json:"permissions,omitempty"`
}

func (r Role) clone() Role {
	r.Inherits = slices.Clone(r.Inherits)
	r.Permissions = slices.Clone(r.Permissions)
	return r
}

// maxPermissions bounds how many permissions a RoleSet holds, so that a
// role's permissions fit a fixed-size bit set and checks never allocate.
const maxPermissions = 256

type permSet [maxPermissions / 64]uint64

func (s *permSet) add(i int)        { s[i>>6] |= 1 << (i & 63) }
func (s *permSet) has(i int) bool   { return s[i>>6]&(1<<(i&63)) != 0 }
func (s *permSet) union(o *permSet) { s[0] |= o[0]; s[1] |= o[1]; s[2] |= o[2]; s[3] |= o[3] }
func (s *permSet) intersects(o *permSet) bool {
	return s[0]&o[0]|s[1]&o[1]|s[2]&o[2]|s[3]&o[3] != 0
}

type roleEntry struct {
	role Role
	eff  permSet // own and inherited permissions
}

// RoleSet is the catalogue of permissions and roles a team uses: the
// built-ins, plus what a product defines in code (DefinePermission,
// DefineRole) or loads from JSON (ParseTeam). Build it, then hand it to New
// with WithRoles; the Directory keeps its own copy.
//
// A RoleSet is not safe for concurrent modification.
type RoleSet struct {
	permIndex map[Permission]int
	perms     []PermissionInfo
	roles     map[string]*roleEntry
	order     []string
}

// NewRoleSet returns a RoleSet holding the built-in permissions and roles.
func NewRoleSet() *RoleSet {
	rs := &RoleSet{permIndex: map[Permission]int{}, roles: map[string]*roleEntry{}}
	for _, p := range builtinPermissions {
		if err := rs.DefinePermission(p); err != nil {
			panic(err) // unreachable: the built-ins are valid
		}
	}
	for _, r := range builtinRoles {
		if err := rs.DefineRole(r); err != nil {
			panic(err) // unreachable: the built-ins are valid
		}
	}
	return rs
}

// Clone returns a deep copy of rs.
func (rs *RoleSet) Clone() *RoleSet {
	c := &RoleSet{
		permIndex: maps.Clone(rs.permIndex),
		perms:     slices.Clone(rs.perms),
		roles:     make(map[string]*roleEntry, len(rs.roles)),
		order:     slices.Clone(rs.order),
	}
	for n, e := range rs.roles {
		c.roles[n] = &roleEntry{role: e.role.clone(), eff: e.eff}
	}
	return c
}

// DefinePermission adds a permission. A malformed name is a
// *cmkit.ValidationError (field "permission"); a name already defined is an
// error wrapping cmkit.ErrConflict; so is going past 256 permissions.
func (rs *RoleSet) DefinePermission(p PermissionInfo) error {
	if err := checkName("permission", string(p.Name)); err != nil {
		return err
	}
	if _, ok := rs.permIndex[p.Name]; ok {
		return cmkit.Errorf(cmkit.ErrConflict, "roles: permission %q is already defined", p.Name)
	}
	if len(rs.perms) == maxPermissions {
		return cmkit.Errorf(cmkit.ErrConflict, "roles: at most %d permissions", maxPermissions)
	}
	rs.permIndex[p.Name] = len(rs.perms)
	rs.perms = append(rs.perms, p)
	return nil
}

// DefineRole adds a role. The roles it inherits must be defined already, so
// inheritance can never form a cycle. A malformed name, an unknown
// permission or an unknown inherited role is a *cmkit.ValidationError
// naming it; a name already defined wraps cmkit.ErrConflict. On error
// nothing changes.
func (rs *RoleSet) DefineRole(r Role) error {
	if err := checkName("role.name", r.Name); err != nil {
		return err
	}
	if _, ok := rs.roles[r.Name]; ok {
		return cmkit.Errorf(cmkit.ErrConflict, "roles: role %q is already defined", r.Name)
	}
	var eff permSet
	for i, parent := range r.Inherits {
		pe, ok := rs.roles[parent]
		if !ok {
			return cmkit.Invalid(fmt.Sprintf("role %q.inherits[%d]", r.Name, i), "unknown", "no role %q", parent)
		}
		eff.union(&pe.eff)
	}
	for i, p := range r.Permissions {
		idx, ok := rs.permIndex[p]
		if !ok {
			return cmkit.Invalid(fmt.Sprintf("role %q.permissions[%d]", r.Name, i), "unknown", "no permission %q", p)
		}
		eff.add(idx)
	}
	rs.roles[r.Name] = &roleEntry{role: r.clone(), eff: eff}
	rs.order = append(rs.order, r.Name)
	return nil
}

// Role returns the role named name.
func (rs *RoleSet) Role(name string) (Role, bool) {
	e, ok := rs.roles[name]
	if !ok {
		return Role{}, false
	}
	return e.role.clone(), true
}

// Roles returns every role, in the order they were defined.
func (rs *RoleSet) Roles() []Role {
	out := make([]Role, len(rs.order))
	for i, n := range rs.order {
		out[i] = rs.roles[n].role.clone()
	}
	return out
}

// Permissions returns every permission, in the order they were defined.
func (rs *RoleSet) Permissions() []PermissionInfo {
	return slices.Clone(rs.perms)
}

// Known reports whether p is defined.
func (rs *RoleSet) Known(p Permission) bool {
	_, ok := rs.permIndex[p]
	return ok
}

// Allows reports whether role has permission p, directly or by inheritance.
func (rs *RoleSet) Allows(role string, p Permission) bool {
	e, ok := rs.roles[role]
	i, known := rs.permIndex[p]
	return ok && known && e.eff.has(i)
}

// Effective returns every permission role has, its own and inherited, in
// definition order; nil for an unknown role.
func (rs *RoleSet) Effective(role string) []Permission {
	e, ok := rs.roles[role]
	if !ok {
		return nil
	}
	var out []Permission
	for i, p := range rs.perms {
		if e.eff.has(i) {
			out = append(out, p.Name)
		}
	}
	return out
}

// grantPerms returns the permission set a grant confers: its role's
// effective permissions, or its single permission.
func (rs *RoleSet) grantPerms(g *Grant) (permSet, error) {
	var s permSet
	if g.Role != "" {
		e, ok := rs.roles[g.Role]
		if !ok {
			return s, cmkit.Invalid("grant.role", "unknown", "no role %q", g.Role)
		}
		return e.eff, nil
	}
	i, ok := rs.permIndex[g.Permission]
	if !ok {
		return s, cmkit.Invalid("grant.permission", "unknown", "no permission %q", g.Permission)
	}
	s.add(i)
	return s, nil
}
