package roles

import (
	"context"
	"iter"

	"github.com/google/uuid"
)

// Store keeps the team: members and grants. The Directory reads it whole
// when it starts (and on Reload) and writes every change through Apply, so
// a Store needs no query language, only atomic batches.
//
// # Contract
//
// Implementations must be safe for concurrent use and must pass
// cmkittest.TestRolesStore. They copy values in and out: nothing the caller
// holds aliases what is stored.
type Store interface {
	// Member returns the member with the given ID, or an error wrapping
	// cmkit.ErrNotFound.
	Member(ctx context.Context, id string) (Member, error)
	// Members yields every member, ordered by ID. Stopping early is
	// allowed.
	Members(ctx context.Context) iter.Seq2[Member, error]
	// Grants yields every grant, ordered by ID (so by creation, since IDs
	// are version 7 UUIDs). Stopping early is allowed.
	Grants(ctx context.Context) iter.Seq2[Grant, error]
	// Apply writes a Change atomically: all of it, or, on any error,
	// none of it.
	Apply(ctx context.Context, c Change) error
}

// Change is one atomic write to a Store.
type Change struct {
	// PutMembers creates or updates members. Each carries the version it
	// was read at: 0 creates (cmkit.ErrConflict if the ID exists), any
	// other value must equal the stored version (else cmkit.ErrConflict, or
	// cmkit.ErrNotFound if there is none). The store saves Version+1.
	PutMembers []Member
	// DeleteMembers deletes members, with the same version check.
	DeleteMembers []MemberRef
	// AddGrants adds grants; an ID already stored is cmkit.ErrConflict.
	AddGrants []Grant
	// RemoveGrants removes grants by ID; an unknown ID is cmkit.ErrNotFound.
	RemoveGrants []uuid.UUID
}

// MemberRef names a member at a version.
type MemberRef struct {
	// ID is the member's ID.
	ID string
	// Version is the version the caller read.
	Version int64
}
