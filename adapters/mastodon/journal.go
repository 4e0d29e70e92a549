package mastodon

import (
	"context"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// Record is what the channel wrote down about one post before sending it:
// enough for FindPost to recognise the post among the account's statuses.
type Record struct {
	// PostID is the cmkit Post.ID.
	PostID uuid.UUID `json:"post_id"`
	// Text, ContentWarning, Visibility (Mastodon's name) and InReplyTo are
	// what was sent; Media is how many attachments.
	Text           string `json:"text"`
	ContentWarning string `json:"content_warning,omitempty"`
	Visibility     string `json:"visibility"`
	InReplyTo      string `json:"in_reply_to,omitempty"`
	Media          int    `json:"media,omitempty"`
	// FirstSent is when the post was first sent; a later Begin keeps it.
	FirstSent time.Time `json:"first_sent"`
	// After is the newest of the account's statuses the channel had seen
	// when it first sent the post, if any: the post's status is newer, so
	// FindPost reads only the statuses after it.
	After string `json:"after,omitempty"`
	// PlatformID is the status the post became, once known.
	PlatformID string `json:"platform_id,omitempty"`
}

// Journal keeps a Record per post the channel sent, and which status each
// became. FindPost reads it: Mastodon stores nothing a client can tie to a
// cmkit post ID once the Idempotency-Key has expired, so the channel
// recognises its post by what it sent (see FindPost).
//
// A Journal must be as durable as the store of the publisher that calls
// FindPost: after a restart with a fresh MemoryJournal, FindPost answers
// ErrNotFound for posts sent before it, and a retry is then protected by
// Mastodon's Idempotency-Key only, for one hour after the first send.
// Implementations must be safe for concurrent use.
type Journal interface {
	// Begin records r before the first send of r.PostID, or keeps the
	// existing record (and its FirstSent) on a later send.
	Begin(ctx context.Context, r Record) error
	// Get returns the record of id, or an error wrapping cmkit.ErrNotFound.
	Get(ctx context.Context, id uuid.UUID) (Record, error)
	// Claim records that id became the status platformID, unless another
	// post already claimed that status; it returns the post that holds the
	// claim (id itself when the claim succeeded).
	Claim(ctx context.Context, id uuid.UUID, platformID string) (uuid.UUID, error)
}

// MemoryJournal is the in-memory Journal, the default. It keeps every
// record for the life of the process (about 200 bytes plus the text per
// post) and is lost on restart; see Journal.
type MemoryJournal struct {
	mu     sync.Mutex
	posts  map[uuid.UUID]Record
	owners map[string]uuid.UUID
}

var _ Journal = (*MemoryJournal)(nil)

// NewMemoryJournal returns an empty MemoryJournal.
func NewMemoryJournal() *MemoryJournal {
	return &MemoryJournal{posts: map[uuid.UUID]Record{}, owners: map[string]uuid.UUID{}}
}

// Begin implements Journal.
func (j *MemoryJournal) Begin(_ context.Context, r Record) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if _, ok := j.posts[r.PostID]; !ok {
		r.PlatformID = ""
		j.posts[r.PostID] = r
	}
	return nil
}

// Get implements Journal.
func (j *MemoryJournal) Get(_ context.Context, id uuid.UUID) (Record, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	r, ok := j.posts[id]
	if !ok {
		return Record{}, cmkit.Errorf(cmkit.ErrNotFound, "mastodon: post %s was never sent by this channel", id)
	}
	return r, nil
}

// Claim implements Journal.
func (j *MemoryJournal) Claim(_ context.Context, id uuid.UUID, platformID string) (uuid.UUID, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if owner, ok := j.owners[platformID]; ok {
		return owner, nil
	}
	r, ok := j.posts[id]
	if !ok {
		return uuid.Nil, cmkit.Errorf(cmkit.ErrNotFound, "mastodon: post %s was never sent by this channel", id)
	}
	if r.PlatformID == "" {
		r.PlatformID = platformID
		j.posts[id] = r
	}
	j.owners[platformID] = id
	return id, nil
}
