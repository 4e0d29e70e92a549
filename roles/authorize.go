package roles

// This file holds the Directory's checks: who may do what where, and why.

import (
	"context"
	"iter"
	"slices"

	"github.com/cmkit/cmkit"
)

// Authorize reports whether member may do p on r. A deny grant that applies
// wins over every allow; with no applicable grant the answer is no. It reads
// only memory and, on the allow path, allocates nothing. An unknown
// permission is an error wrapping cmkit.ErrInvalid.
func (d *Directory) Authorize(_ context.Context, member string, p Permission, r Resource) (Decision, error) {
	pi, ok := d.roles.permIndex[p]
	if !ok {
		return Decision{}, cmkit.Invalid("permission", "unknown", "no permission %q", p)
	}
	gs := d.ix.Load().of(member)
	dec := Decision{Member: member, Permission: p, Resource: r, held: gs, pi: pi}
	gives := func(g *compiled) bool { return g.perms.has(pi) }
	dec.By, dec.Allowed = d.decide(gs, &r, gives, gives)
	return dec, nil
}

// decide is the rule every check follows, written once: among the live
// grants of gs that cover r, one that takes away (deny grants for which
// takes reports true) wins over every allow; otherwise the first allow grant
// for which gives reports true decides; with neither, the answer is no. It
// returns the deciding grant (nil when none) and whether it allows.
func (d *Directory) decide(gs []compiled, r *Resource, gives, takes func(*compiled) bool) (*Grant, bool) {
	var by *Grant
	now := int64(-1)
	for i := range gs {
		g := &gs[i]
		if g.deny && !takes(g) || !g.deny && (by != nil || !gives(g)) || !g.scope.Covers(r) {
			continue
		}
		if g.expires != 0 {
			if now < 0 {
				now = d.clock.Now().UnixNano()
			}
			if !g.live(now) {
				continue
			}
		}
		if g.deny {
			return g.grant, false
		}
		by = g.grant
	}
	return by, by != nil
}

// Check authorizes the acting member of ctx (see WithActor) to do p on r,
// records the decision in the audit log, and returns nil when allowed or an
// error wrapping cmkit.ErrForbidden that says why not. It is what services
// call before every change.
func (d *Directory) Check(ctx context.Context, p Permission, r Resource) error {
	actor, ok := ActorFrom(ctx)
	if !ok {
		return forbidden("no acting member in the context (use roles.WithActor)")
	}
	dec, err := d.Authorize(ctx, actor, p, r)
	if err != nil {
		return err
	}
	if _, err := d.audit.Append(ctx, AuditEvent{Actor: actor, Action: "check", Permission: p, Resource: r,
		Allowed: dec.Allowed, Reason: dec.Reason()}); err != nil {
		return err
	}
	return dec.Err()
}

// Holders yields, in ID order, the members allowed to do p on r: who can
// approve a post, whom to notify. It scans the team, so it costs about a
// microsecond per member.
func (d *Directory) Holders(ctx context.Context, p Permission, r Resource) iter.Seq[string] {
	return func(yield func(string) bool) {
		var ids []string
		d.ix.Load().all(func(m string, _ []compiled) bool {
			ids = append(ids, m)
			return true
		})
		slices.Sort(ids)
		for _, m := range ids {
			if dec, err := d.Authorize(ctx, m, p, r); err == nil && dec.Allowed && !yield(m) {
				return
			}
		}
	}
}

// RolesOf returns, sorted, the roles member holds on r: those named by
// live allow grants that cover r, except a role some of whose permissions a
// live deny grant covering r takes away (denying senior_cm on a channel
// takes senior_cm, and smm, which inherits it, away there).
func (d *Directory) RolesOf(member string, r Resource) []string {
	var out []string
	for _, g := range d.ix.Load().of(member) {
		if role := g.grant.Role; role != "" && !g.deny && !slices.Contains(out, role) && d.holdsRole(member, role, r) {
			out = append(out, role)
		}
	}
	slices.Sort(out)
	return out
}

// holdsRole reports whether member holds role want, or a role inheriting
// it, on r, decided as Authorize decides: a live deny grant covering r that
// takes away any of want's permissions wins over every allow.
func (d *Directory) holdsRole(member, want string, r Resource) bool {
	e, ok := d.roles.roles[want]
	if !ok {
		return false
	}
	gives := func(g *compiled) bool { return g.grant.Role != "" && d.roles.inherits(g.grant.Role, want) }
	takes := func(g *compiled) bool { return g.perms.intersects(&e.eff) }
	_, held := d.decide(d.ix.Load().of(member), &r, gives, takes)
	return held
}

// allowedRoles returns the roles named by member's live allow grants that
// cover r, whatever deny grants say: what selects an item for review
// (Rule.AuthorRoles), where a deny must never remove a review.
func (d *Directory) allowedRoles(member string, r Resource) []string {
	now := d.clock.Now().UnixNano()
	var out []string
	for _, g := range d.ix.Load().of(member) {
		if g.grant.Role != "" && !g.deny && g.live(now) && g.scope.Covers(&r) && !slices.Contains(out, g.grant.Role) {
			out = append(out, g.grant.Role)
		}
	}
	return out
}

// holdsAnywhere reports whether member holds p through some live allow
// grant that no deny grant of theirs with an equal or wider scope cancels.
func (d *Directory) holdsAnywhere(member string, p Permission) bool {
	pi := d.roles.permIndex[p]
	now := d.clock.Now().UnixNano()
	gs := d.ix.Load().of(member)
	for _, a := range gs {
		if a.grant.Deny || !a.perms.has(pi) || !a.live(now) {
			continue
		}
		cancelled := false
		for _, x := range gs {
			if x.grant.Deny && x.perms.has(pi) && x.live(now) && x.grant.Scope.Contains(a.grant.Scope) {
				cancelled = true
				break
			}
		}
		if !cancelled {
			return true
		}
	}
	return false
}
