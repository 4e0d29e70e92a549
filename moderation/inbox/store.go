package inbox

import (
	"context"
	"iter"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// Store keeps an inbox's state. Every change goes through Commit, which
// applies a Write all or nothing under optimistic concurrency: each
// record in it carries the version it was read at (0 to create it), and a
// record that changed since, or a key bound elsewhere, fails the whole
// Write with an error wrapping cmkit.ErrConflict and changes nothing. So
// the items a pull delivered and the cursor after them land in one write:
// a crash before it loses nothing (the pull is repeated from the old
// cursor), a crash after it repeats nothing.
//
// A Write is invalid (an error wrapping cmkit.ErrInvalid, nothing
// applied) when a record lacks its identity (ID, Source, Member, Person),
// names a record twice, puts a message or an activity in a conversation
// that neither exists nor is created by the Write, gives a Seq below 1 or
// a negative Capacity, or moves a stored message to another conversation
// or Seq.
//
// Reads return copies: changing a returned record changes nothing stored.
// Missing records are errors wrapping cmkit.ErrNotFound, except
// Checkpoint, which returns the zero Checkpoint for a source never
// checkpointed. Implementations must be safe for concurrent use;
// cmkittest.TestInboxStore checks one.
type Store interface {
	// Commit applies w atomically.
	Commit(ctx context.Context, w Write) error
	// Conversation returns the conversation with the given ID.
	Conversation(ctx context.Context, id uuid.UUID) (Conversation, error)
	// Lookup returns what key is bound to.
	Lookup(ctx context.Context, key string) (Ref, error)
	// Message returns the message with the given ID.
	Message(ctx context.Context, id uuid.UUID) (Message, error)
	// Messages yields a conversation's messages in Seq order.
	Messages(ctx context.Context, conversation uuid.UUID) iter.Seq2[Message, error]
	// Activities yields a conversation's activities in the order they
	// were committed.
	Activities(ctx context.Context, conversation uuid.UUID) iter.Seq2[Activity, error]
	// Conversations yields the conversations f selects, oldest first
	// (by ID).
	Conversations(ctx context.Context, f Filter) iter.Seq2[Conversation, error]
	// Checkpoint returns the last checkpoint of a source.
	Checkpoint(ctx context.Context, source string) (Checkpoint, error)
	// Agents yields the agents, by member.
	Agents(ctx context.Context) iter.Seq2[Agent, error]
	// Load counts the open conversations (status not closed) assigned
	// to member.
	Load(ctx context.Context, member string) (int, error)
	// Author returns the record of a person for a brand.
	Author(ctx context.Context, brand, person string) (AuthorRecord, error)
	// Authors yields the author records of a brand ("" for all), in no
	// particular order.
	Authors(ctx context.Context, brand string) iter.Seq2[AuthorRecord, error]
}

// Write is one atomic change of a Store. Versions are those read (0 to
// create); the store writes each record with its version plus one.
type Write struct {
	// Conversations are created or updated.
	Conversations []Conversation
	// Messages are created or updated.
	Messages []Message
	// Activities are appended (they have no version).
	Activities []Activity
	// Keys bind lookup keys. A key already bound to the same Ref is left
	// as is; bound to another, the Write fails with ErrConflict.
	Keys []Key
	// Checkpoints move sources' cursors.
	Checkpoints []Checkpoint
	// Agents are created or updated.
	Agents []Agent
	// Authors are created or updated.
	Authors []AuthorRecord
}

// Key binds a lookup key (a thread, a direct-message exchange, a
// platform item) to a conversation and, for an item, its message.
type Key struct {
	// Name is the key, such as "item/<channel>/<platform ID>".
	Name string
	// Ref is what it points to.
	Ref Ref
}

// Ref is what a Key points to.
type Ref struct {
	// Conversation is the conversation.
	Conversation uuid.UUID `json:"conversation"`
	// Message is the message, for an item key; uuid.Nil otherwise.
	Message uuid.UUID `json:"message,omitzero"`
}

// Filter selects conversations; zero fields select everything.
type Filter struct {
	// Statuses keeps those with one of these statuses.
	Statuses []Status
	// Open keeps those whose status is not closed.
	Open bool
	// Channel keeps those on this channel.
	Channel string
	// Queue keeps those in this queue; with Unassigned, only those
	// nobody owns.
	Queue string
	// Unassigned keeps those nobody owns.
	Unassigned bool
	// Assignee keeps those this member owns.
	Assignee string
	// Person keeps those of this customer.
	Person string
	// HandoffDue keeps those whose handoff is pending with NextAt at or
	// before it.
	HandoffDue time.Time
	// SLADue keeps those whose SLA.Next is set and at or before it.
	SLADue time.Time
	// ActionDue keeps those whose Conversation.ActionDue is set and at
	// or before it.
	ActionDue time.Time
	// ReplyDue keeps those whose Conversation.ReplyUntil is set and at
	// or before it.
	ReplyDue time.Time
}

// Checkpoint is how far the inbox has read a source.
type Checkpoint struct {
	// Source names the source: "mentions/<channel>" or
	// "search/<channel>/<query>".
	Source string `json:"source"`
	// Cursor is the position after the last item delivered.
	Cursor cmkit.Cursor `json:"cursor"`
	// Version is the store's version (0 before the first checkpoint).
	Version uint64 `json:"version"`
	// At is when it was written.
	At time.Time `json:"at"`
}

// Agent is a member who takes conversations from queues.
type Agent struct {
	// Member is the member's ID in the team.
	Member string `json:"member"`
	// Version is the store's version.
	Version uint64 `json:"version"`
	// Queues are the queues the agent takes conversations from ("" is
	// the default queue).
	Queues []string `json:"queues"`
	// Capacity is how many open conversations the agent owns at most
	// through automatic assignment (manual assignment may exceed it).
	Capacity int `json:"capacity"`
	// Available reports whether the agent takes new conversations now.
	Available bool `json:"available"`
	// LastAssigned is when automatic assignment last gave the agent a
	// conversation; the least recent goes first (round-robin).
	LastAssigned time.Time `json:"last_assigned,omitzero"`
}

// AuthorRecord is what the inbox knows of one person's voice towards one
// brand: the basis of opinion-leader ranking.
type AuthorRecord struct {
	// Brand is the brand.
	Brand string `json:"brand"`
	// Person identifies the person (see Conversation.Person).
	Person string `json:"person"`
	// Version is the store's version.
	Version uint64 `json:"version"`
	// Author is the account as last seen.
	Author cmkit.Author `json:"author"`
	// Channel is the channel last seen on.
	Channel string `json:"channel"`
	// Platform is the platform of that channel.
	Platform cmkit.Platform `json:"platform"`
	// Languages counts messages per language.
	Languages map[string]int `json:"languages,omitempty"`
	// Mentions counts the person's inbound messages.
	Mentions int `json:"mentions"`
	// Reactions sums the reactions their messages had when read.
	Reactions int64 `json:"reactions"`
	// Sentiment sums the sentiment scores of messages with one;
	// Scored counts them.
	Sentiment float64 `json:"sentiment"`
	// Scored counts the messages with a sentiment score.
	Scored int `json:"scored"`
	// Marked counts the messages on which a rule set the opinion-leader
	// mark (moderation.Actions.OpinionLeader).
	Marked int `json:"marked,omitempty"`
	// FirstAt and LastAt are the first and last message times.
	FirstAt time.Time `json:"first_at"`
	// LastAt is the last message time.
	LastAt time.Time `json:"last_at"`
	// Evidence holds references to their most recent messages (up to a
	// few), as "<channel>/<platform ID>".
	Evidence []string `json:"evidence,omitempty"`
}
