package calendar

import (
	"context"
	"iter"
	"slices"
	"time"

	"github.com/google/uuid"
)

// Store keeps entries, pauses and campaigns, in the calendar's own terms:
// optimistic writes, queries by period and channel, and claiming due
// entries with a lease so that publishers sharing one store never publish
// an entry twice.
//
// Campaigns are part of Store, not an optional interface, because the
// calendar reads them whenever it creates, schedules or sends an entry of
// one: a store without them could not keep those checks. A SQL store keeps
// them in a table next to the entries.
//
// # Contract
//
// Implementations must be safe for concurrent use (by several processes,
// for a shared database) and must pass cmkittest.TestCalendarStore. They
// copy entries in and out. Every write of an entry or a campaign checks the
// version: Put with Version 0 creates (cmkit.ErrConflict if the ID exists),
// any other Version must equal the stored one (else cmkit.ErrConflict, or
// cmkit.ErrNotFound), and the stored version becomes Version+1. PutCampaign
// does the same by Name.
type Store interface {
	// Get returns the entry, or an error wrapping cmkit.ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (Entry, error)
	// Put creates or updates an entry (see the version rule above) and
	// returns it as stored.
	Put(ctx context.Context, e Entry) (Entry, error)
	// Query yields the entries q selects, ordered by At, then ID.
	// Stopping early is allowed.
	Query(ctx context.Context, q Query) iter.Seq2[Entry, error]
	// Claim atomically takes up to r.Limit claimable entries (those whose
	// Entry.ClaimableAt is set and not after r.Now, earliest first), gives
	// each a Lease to r.Owner until r.Now+r.Lease, sets its DueAt to the
	// lease's end (so that an entry whose publisher died becomes due
	// again), raises its version and returns the IDs and new versions.
	// It never hands out an entry under a live lease (Lease.Expires after
	// r.Now), whoever holds it and whatever its DueAt says: a person's
	// action may make an entry due while its publisher is still waiting
	// for a platform. Two claims never return the same entry at the same
	// version. The publisher then reads each entry with Get; a version
	// other than the claimed one means the lease was lost.
	Claim(ctx context.Context, r ClaimRequest) ([]Claimed, error)
	// PutPause creates or replaces a pause by ID.
	PutPause(ctx context.Context, p Pause) error
	// DeletePause removes a pause, or returns cmkit.ErrNotFound.
	DeletePause(ctx context.Context, id string) error
	// Pauses returns every pause, by ID.
	Pauses(ctx context.Context) ([]Pause, error)
	// GetCampaign returns the campaign named name, or an error wrapping
	// cmkit.ErrNotFound.
	GetCampaign(ctx context.Context, name string) (Campaign, error)
	// PutCampaign creates or updates a campaign by Name (see the version
	// rule above) and returns it as stored. An empty Name is
	// cmkit.ErrInvalid.
	PutCampaign(ctx context.Context, cp Campaign) (Campaign, error)
	// Campaigns yields every campaign, ordered by Name. Stopping early is
	// allowed.
	Campaigns(ctx context.Context) iter.Seq2[Campaign, error]
}

// ClaimRequest asks a Store for due entries.
type ClaimRequest struct {
	// Now is the claiming publisher's current time.
	Now time.Time
	// Limit caps how many entries to take.
	Limit int
	// Owner names the publisher.
	Owner string
	// Lease is how long the publisher may work before others may take
	// the entry over.
	Lease time.Duration
}

// Claimed is one entry taken by Claim: its ID and the version the claim
// wrote. Writes at that version succeed only while nobody else has claimed
// the entry since.
type Claimed struct {
	// ID is the entry.
	ID uuid.UUID
	// Version is the entry's version after the claim.
	Version int64
}

// Query selects entries. Zero fields select everything.
type Query struct {
	// From and To select entries planned in [From, To).
	From, To time.Time
	// Channel selects entries with a variant on this channel.
	Channel string
	// Brand selects entries of this brand.
	Brand string
	// Campaign selects entries of this campaign.
	Campaign string
	// Label selects entries carrying this label.
	Label string
	// States selects entries in any of these states.
	States []State
	// PausedBy selects entries held by this pause.
	PausedBy string
	// Series selects the entries of one recurring series.
	Series uuid.UUID
}

// Match reports whether q selects e.
func (q *Query) Match(e *Entry) bool {
	switch {
	case !q.From.IsZero() && e.At.Before(q.From),
		!q.To.IsZero() && !e.At.Before(q.To),
		q.Channel != "" && e.Variant(q.Channel) == nil,
		q.Brand != "" && e.Brand != q.Brand,
		q.Campaign != "" && e.Campaign != q.Campaign,
		q.Label != "" && !slices.Contains(e.Labels, q.Label),
		len(q.States) > 0 && !slices.Contains(q.States, e.State),
		q.PausedBy != "" && e.PausedBy != q.PausedBy,
		q.Series != uuid.Nil && e.Series != q.Series:
		return false
	}
	return true
}

// Pause holds entries that are not yet sent: the whole calendar (every
// field empty), a brand, a channel or a campaign. A paused entry keeps its
// state; what happens on resume to entries whose time passed meanwhile is
// the resume's MissedPolicy.
type Pause struct {
	// ID names the pause ("crisis-2026-11-23").
	ID string `json:"id"`
	// Brand, Channel and Campaign say what it holds; an entry is held
	// when it matches every field that is set. Brand holds entries with
	// an unsent variant on a channel of this brand (its
	// cmkit.ChannelInfo.Brand, whatever the entry's own Brand field says).
	Brand string `json:"brand,omitempty"`
	// Channel holds entries with an unsent variant on this channel.
	Channel string `json:"channel,omitempty"`
	// Campaign holds entries of this campaign.
	Campaign string `json:"campaign,omitempty"`
	// Reason says why, for people.
	Reason string `json:"reason,omitempty"`
	// By is who paused.
	By string `json:"by,omitempty"`
	// At is when.
	At time.Time `json:"at"`
}
