package roles

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// Bootstrap loads a whole team (members and grants, see ParseTeam) into a
// Directory that has no grants yet, in one atomic change, with no actor:
// it is how the first social media manager gets in. The team must give at
// least one member ManageGrants by a grant that never expires, or nobody
// could change it (for ever, or once the grant expires); grants may expire
// otherwise, and Bootstrap keeps their ExpiresAt. On any error nothing is
// written.
func (d *Directory) Bootstrap(ctx context.Context, t *Team) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.empty {
		return cmkit.Errorf(cmkit.ErrConflict, "roles: bootstrap: the directory already has grants")
	}
	now := d.clock.Now()
	members := make([]Member, len(t.Members))
	for i, m := range t.Members {
		if err := m.validate(fmt.Sprintf("members[%d]", i)); err != nil {
			return err
		}
		m = m.clone()
		m.Version, m.CreatedAt, m.UpdatedAt = 0, now, now
		members[i] = m
	}
	known := map[string]bool{}
	for _, m := range members {
		known[m.ID] = true
	}
	grants := make([]Grant, len(t.Grants))
	per := map[string][]compiled{}
	manager, expiring := false, -1
	for i, g := range t.Grants {
		if g.ID == uuid.Nil {
			g.ID = cmkit.NewID()
		}
		g.GrantedBy, g.CreatedAt = "bootstrap", now
		if err := g.validate(fmt.Sprintf("grants[%d]", i), d.roles); err != nil {
			return err
		}
		if !known[g.Member] {
			if _, err := d.store.Member(ctx, g.Member); err != nil {
				return cmkit.Invalid(fmt.Sprintf("grants[%d].member", i), "unknown", "no member %q", g.Member)
			}
		}
		c, err := d.compile(g)
		if err != nil {
			return err
		}
		if !g.Deny && (d.roles.Allows(g.Role, ManageGrants) || g.Permission == ManageGrants) {
			if g.ExpiresAt.IsZero() {
				manager = true
			} else if expiring < 0 {
				expiring = i
			}
		}
		grants[i] = g
		per[g.Member] = append(per[g.Member], c)
	}
	if !manager && expiring >= 0 {
		return cmkit.Invalid(fmt.Sprintf("grants[%d].expires_at", expiring), "needs_manager",
			"every grant giving %s expires: nobody could change the team afterwards", ManageGrants)
	}
	if !manager {
		return cmkit.Invalid("grants", "needs_manager", "no grant gives %s: nobody could ever change the team", ManageGrants)
	}
	if err := d.store.Apply(ctx, Change{PutMembers: members, AddGrants: grants}); err != nil {
		return err
	}
	ix := d.ix.Load()
	for m, gs := range per {
		ix.set(m, gs)
		for _, c := range gs {
			d.byID[c.grant.ID] = c.grant
		}
	}
	d.empty = false
	d.record(ctx, AuditEvent{Action: "bootstrap", Allowed: true,
		Reason: fmt.Sprintf("%d members, %d grants", len(members), len(grants))})
	return nil
}
