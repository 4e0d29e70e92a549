package roles

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
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

// The Directory's side of grants: reading them, giving and revoking them,
// and the rules that guard a change (an actor hands out only what they may
// do there, and a brand that has managers keeps one).

// GrantsOf returns member's grants, oldest first.
func (d *Directory) GrantsOf(member string) []Grant {
	gs := d.ix.Load().of(member)
	out := make([]Grant, len(gs))
	for i, g := range gs {
		out[i] = *g.grant
	}
	slices.SortFunc(out, func(a, b Grant) int { return compareIDs(a.ID, b.ID) })
	return out
}

// Grants yields every grant from the store, oldest first.
func (d *Directory) Grants(ctx context.Context) iter.Seq2[Grant, error] { return d.store.Grants(ctx) }

// Grant gives (or, with Deny, takes away) a role or a permission, as the
// acting member of ctx. The actor needs ManageGrants and every permission
// the grant names, on a scope containing the grant's: nobody hands out more
// than they hold. ID, GrantedBy and CreatedAt are set here; the member must
// exist. A deny that would leave a brand without a manager is refused with
// cmkit.ErrConflict. It returns the grant as stored.
func (d *Directory) Grant(ctx context.Context, g Grant) (Grant, error) {
	actor, err := actorOf(ctx)
	if err != nil {
		return Grant{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.clock.Now()
	g.ID, g.GrantedBy, g.CreatedAt = cmkit.NewID(), actor, now
	if err := g.validate("grant", d.roles); err != nil {
		return Grant{}, err
	}
	if _, err := d.store.Member(ctx, g.Member); errors.Is(err, cmkit.ErrNotFound) {
		return Grant{}, cmkit.Invalid("grant.member", "unknown", "no member %q", g.Member)
	} else if err != nil {
		return Grant{}, err
	}
	c, err := d.compile(g)
	if err != nil {
		return Grant{}, err
	}
	if err := d.mayHandOut(actor, c.perms, g.Scope); err != nil {
		d.record(ctx, AuditEvent{Actor: actor, Action: "grant.add", Target: g.String(), Reason: err.Error()})
		return Grant{}, err
	}
	after := append(slices.Clone(d.ix.Load().of(g.Member)), c)
	if g.Deny {
		if err := d.checkManagers(g.Member, after); err != nil {
			return Grant{}, err
		}
	}
	if err := d.store.Apply(ctx, Change{AddGrants: []Grant{g}}); err != nil {
		return Grant{}, err
	}
	d.byID[g.ID] = c.grant
	d.ix.Load().set(g.Member, after)
	d.empty = false
	d.record(ctx, AuditEvent{Actor: actor, Action: "grant.add", Resource: resourceOf(g.Scope), Target: g.ID.String(),
		Allowed: true, Reason: g.String()})
	d.log.LogAttrs(ctx, slog.LevelInfo, "roles: grant added", slog.String("grant", g.ID.String()),
		slog.String("by", actor), slog.String("what", g.String()))
	return g, nil
}

// Revoke removes a grant, as the acting member of ctx, who needs the same
// power as to make it. Removing the last manager of a brand is refused with
// cmkit.ErrConflict; an unknown ID wraps cmkit.ErrNotFound.
func (d *Directory) Revoke(ctx context.Context, id uuid.UUID) error {
	actor, err := actorOf(ctx)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	g, ok := d.byID[id]
	if !ok {
		return cmkit.Errorf(cmkit.ErrNotFound, "roles: grant %s not found", id)
	}
	perms, _ := d.roles.grantPerms(g)
	if err := d.mayHandOut(actor, perms, g.Scope); err != nil {
		d.record(ctx, AuditEvent{Actor: actor, Action: "grant.revoke", Target: id.String(), Reason: err.Error()})
		return err
	}
	after := slices.DeleteFunc(slices.Clone(d.ix.Load().of(g.Member)), func(c compiled) bool { return c.grant.ID == id })
	if err := d.checkManagers(g.Member, after); err != nil {
		return err
	}
	if err := d.store.Apply(ctx, Change{RemoveGrants: []uuid.UUID{id}}); err != nil {
		return err
	}
	delete(d.byID, id)
	d.ix.Load().set(g.Member, after)
	d.record(ctx, AuditEvent{Actor: actor, Action: "grant.revoke", Resource: resourceOf(g.Scope), Target: id.String(),
		Allowed: true, Reason: g.String()})
	return nil
}

// mayHandOut reports why actor may not give (or take away) the permissions
// perms on scope s: for each, actor needs a live allow grant whose scope
// contains s and no live deny grant of it whose scope overlaps s. Managing
// grants itself is required the same way. It returns nil when allowed.
func (d *Directory) mayHandOut(actor string, perms permSet, s Scope) error {
	perms.add(d.roles.permIndex[ManageGrants])
	now := d.clock.Now().UnixNano()
	gs := d.ix.Load().of(actor)
	for i, p := range d.roles.perms {
		if !perms.has(i) {
			continue
		}
		ok := false
		for _, g := range gs {
			if !g.perms.has(i) || !g.live(now) {
				continue
			}
			if g.grant.Deny && overlaps(g.grant.Scope, s) {
				return forbidden("%s is denied %s on %s (grant %s)", actor, p.Name, g.grant.Scope, g.grant.ID)
			}
			if !g.grant.Deny && g.grant.Scope.Contains(s) {
				ok = true
			}
		}
		if !ok {
			return forbidden("%s does not hold %s on all of %s, so cannot hand it out there", actor, p.Name, s)
		}
	}
	return nil
}

// overlaps reports whether some resource is covered by both a and b.
func overlaps(a, b Scope) bool {
	return overlapField(a.Brand, b.Brand) && overlapField(a.Channel, b.Channel) &&
		overlapField(a.Country, b.Country) && overlapField(a.Product, b.Product) &&
		overlapField(a.Topic, b.Topic)
}

func overlapField(a, b string) bool {
	return containsField(a, b) || containsField(b, a) ||
		(a != "" && b != "" && a[len(a)-1] == '*' && b[len(b)-1] == '*')
}

// managerOf reports whether gs make their holder a manager of brand ("" for
// the whole team): a live allow of ManageGrants covering the whole brand,
// not cancelled by a deny.
func (d *Directory) managerOf(gs []compiled, brand string, now int64) bool {
	r := Resource{Brand: brand}
	pi := d.roles.permIndex[ManageGrants]
	allowed := false
	for _, g := range gs {
		if !g.perms.has(pi) || !g.live(now) || !g.grant.Scope.Covers(&r) {
			continue
		}
		if g.grant.Deny {
			return false
		}
		allowed = true
	}
	return allowed
}

// checkManagers refuses a change that would leave a brand that has managers
// without any. member's grants become after; everyone else's stay.
func (d *Directory) checkManagers(member string, after []compiled) error {
	now := d.clock.Now().UnixNano()
	ix := d.ix.Load()
	before := ix.of(member)
	brands := map[string]bool{"": true}
	for _, g := range d.byID {
		if b := g.Scope.exactBrand(); b != "" {
			brands[b] = true
		}
	}
	var lost []string
	for b := range brands {
		if d.managerOf(before, b, now) && !d.managerOf(after, b, now) {
			lost = append(lost, b)
		}
	}
	slices.Sort(lost)
	for _, b := range lost {
		other := false
		ix.all(func(m string, gs []compiled) bool {
			if m != member && d.managerOf(gs, b, now) {
				other = true
				return false
			}
			return true
		})
		if !other {
			what := "brand " + b
			if b == "" {
				what = "the whole team"
			}
			return cmkit.Errorf(cmkit.ErrConflict, "roles: %s is the last member who manages %s; grant another manager first",
				member, what)
		}
	}
	return nil
}
