package roles

import (
	"context"
	"fmt"
	"strings"

	"github.com/cmkit/cmkit"
)

// Authorizer decides whether a member may do something. The Directory is
// the default; a product plugs in its own (its SSO's groups, a policy
// engine) by implementing this one method, and every cmkit service accepts
// it.
//
// Authorize reports a denial as a Decision with Allowed false, not as an
// error; the error is for failures to decide (a backend down, an unknown
// permission). Decision.Err turns a denial into an error wrapping
// cmkit.ErrForbidden.
type Authorizer interface {
	Authorize(ctx context.Context, member string, p Permission, r Resource) (Decision, error)
}

// Decision is the answer to one authorization question, with the grant that
// decided it, so that a denial can say why.
type Decision struct {
	// Allowed reports whether the member may do it.
	Allowed bool
	// Member, Permission and Resource repeat the question.
	Member string
	// Permission is the permission asked for.
	Permission Permission
	// Resource is what it was asked for.
	Resource Resource
	// By is the grant that decided: the deny grant that refused, or the
	// first allow grant that allowed. It is nil when no grant applied. It
	// is shared: do not modify it.
	By *Grant

	held []compiled // the member's grants, to explain a denial
	pi   int        // the permission's index in the role set
}

// Reason explains the decision to a person, naming the grant that decided
// or, when none applied, what the member does hold.
func (d Decision) Reason() string {
	switch {
	case d.Allowed:
		return fmt.Sprintf("%s may %s on %s: %s (grant %s)", d.Member, d.Permission, d.Resource, d.By, d.By.ID)
	case d.By != nil:
		return fmt.Sprintf("%s may not %s on %s: %s (grant %s)", d.Member, d.Permission, d.Resource, d.By, d.By.ID)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s may not %s on %s: no grant gives it", d.Member, d.Permission, d.Resource)
	if len(d.held) == 0 {
		b.WriteString("; they hold no grants")
		return b.String()
	}
	b.WriteString("; they hold ")
	for i := range d.held {
		g := &d.held[i]
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(g.grant.what())
		if g.grant.Deny {
			b.WriteString(" (denied)")
		}
		b.WriteString(" on ")
		b.WriteString(g.grant.Scope.String())
		switch {
		case d.pi < 0:
		case !g.perms.has(d.pi):
			fmt.Fprintf(&b, " (without %s)", d.Permission)
		case !g.grant.Scope.Covers(&d.Resource):
			b.WriteString(" (elsewhere)")
		default:
			b.WriteString(" (expired)")
		}
	}
	return b.String()
}

// Err returns nil when the decision allows, and otherwise a *ForbiddenError
// wrapping cmkit.ErrForbidden.
func (d Decision) Err() error {
	if d.Allowed {
		return nil
	}
	return &ForbiddenError{Decision: d}
}

// ForbiddenError is a denial as an error. It wraps cmkit.ErrForbidden; reach
// it with errors.As to read the Decision.
type ForbiddenError struct {
	// Decision is the denial.
	Decision Decision
}

// Error reads "roles: forbidden: " and the decision's reason.
func (e *ForbiddenError) Error() string { return "roles: forbidden: " + e.Decision.Reason() }

// Unwrap returns cmkit.ErrForbidden.
func (e *ForbiddenError) Unwrap() error { return cmkit.ErrForbidden }

// forbidden is an error wrapping cmkit.ErrForbidden for denials that are not
// a single Decision (granting more than one holds, an actor missing from the
// context).
func forbidden(format string, args ...any) error {
	return cmkit.Errorf(cmkit.ErrForbidden, "roles: forbidden: "+format, args...)
}
