package roles

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// Grant gives a member a role, or one permission, within a scope; or, when
// Deny is set, takes it away there. A deny grant wins over every allow, so
// "senior CM for acme, but not for acme's Polish channels" is two grants.
//
// Grants are immutable: to change one, revoke it and grant anew.
type Grant struct {
	// ID identifies the grant; the Directory assigns it.
	ID uuid.UUID `json:"id"`
	// Member is the ID of the member who holds it.
	Member string `json:"member"`
	// Role is the role given (or denied). Exactly one of Role and
	// Permission is set.
	Role string `json:"role,omitempty"`
	// Permission is the single permission given (or denied).
	Permission Permission `json:"permission,omitempty"`
	// Deny makes this a deny grant: it removes what it names.
	Deny bool `json:"deny,omitempty"`
	// Scope is where the grant applies.
	Scope Scope `json:"scope"`
	// GrantedBy is the member who made the grant (set by the Directory).
	GrantedBy string `json:"granted_by,omitempty"`
	// CreatedAt is when it was made (set by the Directory).
	CreatedAt time.Time `json:"created_at,omitzero"`
	// ExpiresAt, when set, is when the grant stops applying: temporary
	// cover for a colleague on holiday, an intern's term.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// what names what the grant gives: the role or the permission.
func (g *Grant) what() string {
	if g.Role != "" {
		return "role " + g.Role
	}
	return "permission " + string(g.Permission)
}

// String describes the grant for people: "allow role senior_cm to ana on
// brand=acme".
func (g Grant) String() string {
	verb := "allow"
	if g.Deny {
		verb = "deny"
	}
	return fmt.Sprintf("%s %s to %s on %s", verb, g.what(), g.Member, g.Scope)
}

// validate checks the grant's own shape against rs.
func (g *Grant) validate(field string, rs *RoleSet) error {
	if g.Member == "" {
		return cmkit.Invalid(field+".member", "required", "")
	}
	if !utf8.ValidString(g.Member) {
		return cmkit.Invalid(field+".member", "utf8", "%q is not valid UTF-8", g.Member)
	}
	switch {
	case g.Role == "" && g.Permission == "":
		return cmkit.Invalid(field, "role_or_permission", "a grant names a role or a permission")
	case g.Role != "" && g.Permission != "":
		return cmkit.Invalid(field, "role_or_permission", "a grant names a role or a permission, not both")
	}
	if err := g.Scope.validate(field + ".scope"); err != nil {
		return err
	}
	if _, ok := rs.roles[g.Role]; g.Role != "" && !ok {
		return cmkit.Invalid(field+".role", "unknown", "no role %q", g.Role)
	}
	if g.Permission != "" && !rs.Known(g.Permission) {
		return cmkit.Invalid(field+".permission", "unknown", "no permission %q", g.Permission)
	}
	if !g.ExpiresAt.IsZero() && !g.CreatedAt.IsZero() && !g.ExpiresAt.After(g.CreatedAt) {
		return cmkit.Invalid(field+".expires_at", "after_created", "expires before it was made")
	}
	return nil
}
