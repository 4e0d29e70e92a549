package roles

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// Member is a person on the team. What a member may do comes from their
// grants, not from the member record.
type Member struct {
	// ID is the product's stable identifier for the person (an SSO
	// subject, an employee number, an email address): 1 to 256 bytes of
	// valid UTF-8, since it is written to the audit log.
	ID string `json:"id"`
	// Name is how the team knows them.
	Name string `json:"name,omitempty"`
	// Email is where notifications (approval requests) go.
	Email string `json:"email,omitempty"`
	// Languages lists the BCP 47 tags they work in.
	Languages []string `json:"languages,omitempty"`
	// Version counts the member's writes, for optimistic concurrency: a
	// write must carry the version it read (0 to create).
	Version int64 `json:"version"`
	// CreatedAt and UpdatedAt are set by the Directory.
	CreatedAt time.Time `json:"created_at,omitzero"`
	// UpdatedAt is when the record last changed.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

func (m Member) clone() Member {
	m.Languages = slices.Clone(m.Languages)
	return m
}

func (m Member) validate(field string) error {
	if m.ID == "" {
		return cmkit.Invalid(field+".id", "required", "")
	}
	if len(m.ID) > 256 {
		return cmkit.Invalid(field+".id", "max_length", "longer than 256 bytes")
	}
	if !utf8.ValidString(m.ID) {
		return cmkit.Invalid(field+".id", "utf8", "%q is not valid UTF-8", m.ID)
	}
	if m.Version < 0 {
		return cmkit.Invalid(field+".version", "non_negative", "got %d", m.Version)
	}
	return nil
}

// The Directory's side of members: reading, adding, changing and removing
// them.

// Members yields every member from the store, by ID.
func (d *Directory) Members(ctx context.Context) iter.Seq2[Member, error] {
	return d.store.Members(ctx)
}

// Member returns one member, or an error wrapping cmkit.ErrNotFound.
func (d *Directory) Member(ctx context.Context, id string) (Member, error) {
	return d.store.Member(ctx, id)
}

// PutMember creates a member (Version 0) or updates one (the Version read),
// as the acting member of ctx, who needs ManageMembers on some scope. A
// member record carries no power; grants do. It returns the member as
// stored, with its new Version.
func (d *Directory) PutMember(ctx context.Context, m Member) (Member, error) {
	actor, err := actorOf(ctx)
	if err != nil {
		return Member{}, err
	}
	if err := m.validate("member"); err != nil {
		return Member{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.holdsAnywhere(actor, ManageMembers) {
		err := forbidden("%s does not hold %s anywhere", actor, ManageMembers)
		d.record(ctx, AuditEvent{Actor: actor, Action: "member.put", Target: m.ID, Reason: err.Error()})
		return Member{}, err
	}
	now := d.clock.Now()
	m = m.clone()
	if m.Version == 0 {
		m.CreatedAt = now
	}
	m.UpdatedAt = now
	if err := d.store.Apply(ctx, Change{PutMembers: []Member{m}}); err != nil {
		return Member{}, err
	}
	m.Version++
	d.record(ctx, AuditEvent{Actor: actor, Action: "member.put", Target: m.ID, Allowed: true})
	return m, nil
}

// RemoveMember deletes a member at the version read, with all their grants,
// in one atomic change. The actor needs ManageMembers, and the power to
// revoke each grant; the last manager of a brand cannot be removed.
func (d *Directory) RemoveMember(ctx context.Context, id string, version int64) error {
	actor, err := actorOf(ctx)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.holdsAnywhere(actor, ManageMembers) {
		err := forbidden("%s does not hold %s anywhere", actor, ManageMembers)
		d.record(ctx, AuditEvent{Actor: actor, Action: "member.remove", Target: id, Reason: err.Error()})
		return err
	}
	held := d.ix.Load().of(id)
	ids := make([]uuid.UUID, 0, len(held))
	for _, g := range held {
		if err := d.mayHandOut(actor, g.perms, g.grant.Scope); err != nil {
			d.record(ctx, AuditEvent{Actor: actor, Action: "member.remove", Target: id, Reason: err.Error()})
			return err
		}
		ids = append(ids, g.grant.ID)
	}
	if err := d.checkManagers(id, nil); err != nil {
		return err
	}
	if err := d.store.Apply(ctx, Change{DeleteMembers: []MemberRef{{ID: id, Version: version}}, RemoveGrants: ids}); err != nil {
		return err
	}
	for _, gid := range ids {
		delete(d.byID, gid)
	}
	d.ix.Load().set(id, nil)
	d.record(ctx, AuditEvent{Actor: actor, Action: "member.remove", Target: id, Allowed: true,
		Reason: fmt.Sprintf("with %d grants", len(ids))})
	return nil
}
