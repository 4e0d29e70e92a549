package inbox

import (
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/roles"
)

// Status is where a conversation stands in the team's work.
type Status string

// The statuses. New, Open, Waiting, Replied and Escalated are open (some
// work may still be owed); Resolved and Hidden are closed, and a new
// message from the customer reopens a Resolved conversation.
const (
	// StatusNew: nobody has looked at it yet.
	StatusNew Status = "new"
	// StatusOpen: someone is on it, or the customer wrote again.
	StatusOpen Status = "open"
	// StatusWaiting: the team asked the customer something and waits.
	StatusWaiting Status = "waiting"
	// StatusReplied: the team answered; nothing is owed until the
	// customer writes again.
	StatusReplied Status = "replied"
	// StatusResolved: done.
	StatusResolved Status = "resolved"
	// StatusEscalated: handed to customer service or a senior member.
	StatusEscalated Status = "escalated"
	// StatusHidden: abuse or spam, hidden from the work queues.
	StatusHidden Status = "hidden"
)

// Closed reports whether s is Resolved or Hidden.
func (s Status) Closed() bool { return s == StatusResolved || s == StatusHidden }

// ConversationKind says how messages are grouped into a conversation.
type ConversationKind string

// The conversation kinds.
const (
	// KindThread groups a public comment or mention with the replies
	// under it (by cmkit.Mention.ThreadID or the InReplyTo chain).
	KindThread ConversationKind = "thread"
	// KindDirect groups the direct messages of one author on one
	// channel.
	KindDirect ConversationKind = "direct"
)

// Conversation is the unit a community team works on: the messages of one
// thread or one direct-message exchange, who owns it, where it stands and
// what the rule engine said about it. Its messages and activity are
// stored apart (Store.Messages, Store.Activities) so that the record
// stays small.
type Conversation struct {
	// ID is the conversation's ID (UUID v7).
	ID uuid.UUID `json:"id"`
	// Version is the store's version of the record: 0 before it is
	// stored, then 1, 2, ... with each write.
	Version uint64 `json:"version"`
	// Kind says how its messages are grouped.
	Kind ConversationKind `json:"kind"`
	// Key is the grouping key that new messages are matched by.
	Key string `json:"key"`
	// Channel is the channel ID the conversation is on.
	Channel string `json:"channel"`
	// Resource places the conversation for authorization and
	// assignment by scope: the channel's brand, country and product,
	// and a topic when the product or a rule sets one.
	Resource roles.Resource `json:"resource"`
	// Person identifies the customer across channels: by default
	// "<channel>/<author ID>", or what the inbox's identity function
	// links it to.
	Person string `json:"person"`
	// Author is the customer as last seen.
	Author cmkit.Author `json:"author"`
	// Language is the conversation's language (the last inbound
	// message's, as the engine judged it).
	Language string `json:"language,omitempty"`
	// Status is where it stands.
	Status Status `json:"status"`
	// Priority is the highest priority any rule or member gave it.
	Priority int `json:"priority,omitempty"`
	// Queue is the queue it waits in for assignment ("" is the
	// default queue).
	Queue string `json:"queue,omitempty"`
	// Labels are its labels, sorted, each once.
	Labels []string `json:"labels,omitempty"`
	// Assignee is the member who owns it ("" when nobody does).
	Assignee string `json:"assignee,omitempty"`
	// Messages counts its messages; the last one has Seq == Messages.
	Messages int `json:"messages"`
	// Triage is the engine's decision on the latest inbound message.
	Triage Triage `json:"triage"`

	// CreatedAt is when the inbox first saw it.
	CreatedAt time.Time `json:"created_at"`
	// UpdatedAt is when it last changed.
	UpdatedAt time.Time `json:"updated_at"`
	// FirstInboundAt is when the first customer message arrived.
	FirstInboundAt time.Time `json:"first_inbound_at,omitzero"`
	// AwaitingSince is when the oldest customer message that has no
	// answer yet arrived; zero when nothing is owed.
	AwaitingSince time.Time `json:"awaiting_since,omitzero"`
	// FirstResponseAt is when the team first answered.
	FirstResponseAt time.Time `json:"first_response_at,omitzero"`
	// LastResponseAt is when the team last answered.
	LastResponseAt time.Time `json:"last_response_at,omitzero"`
	// ReplyVersion is the conversation's Version at which the team's
	// latest answer was started (its write fence), and ReplyBy who
	// started it; a member who read an older version and answers gets
	// cmkit.ErrConflict naming ReplyBy instead of a second answer.
	ReplyVersion uint64 `json:"reply_version,omitempty"`
	// ReplyBy is the member who started the latest answer.
	ReplyBy string `json:"reply_by,omitempty"`
	// ReplyUntil is, while the latest answer is being sent, when its
	// sender's lease ends; zero otherwise. Once it has passed, the
	// inbox's Step takes the answer over (see RecoverReplies).
	ReplyUntil time.Time `json:"reply_until,omitzero"`
	// ResolvedAt is when it was last resolved; zero while open.
	ResolvedAt time.Time `json:"resolved_at,omitzero"`

	// SLA is the service-level state: the policy that applies and its
	// due times.
	SLA SLAState `json:"sla,omitzero"`
	// ActionDue is the earliest NextAt of a pending moderation action
	// (ModAction) on its messages; zero when none is pending.
	ActionDue time.Time `json:"action_due,omitzero"`
	// Handoff is the state of its ticket in customer service; zero
	// when it was never routed.
	Handoff HandoffState `json:"handoff,omitzero"`
}

// SLAMetric names one service-level target, as a bit so that a set of
// them fits in an SLAMetrics.
type SLAMetric uint8

// The SLA metrics.
const (
	// SLAFirstResponse: from the first customer message to the team's
	// first answer.
	SLAFirstResponse SLAMetric = 1 << iota
	// SLANextResponse: from a customer message that followed an answer
	// to the team's next answer.
	SLANextResponse
	// SLAResolution: from the first customer message to resolution.
	SLAResolution
)

// SLAState is a conversation's service-level state.
type SLAState struct {
	// Policy is the name of the policy that applies ("" for none).
	Policy string `json:"policy,omitempty"`
	// FirstResponseDue, NextResponseDue and ResolutionDue are the due
	// times of the pending targets; zero when met or not applicable.
	FirstResponseDue time.Time `json:"first_response_due,omitzero"`
	// NextResponseDue is the due time of the next response.
	NextResponseDue time.Time `json:"next_response_due,omitzero"`
	// ResolutionDue is the due time of the resolution.
	ResolutionDue time.Time `json:"resolution_due,omitzero"`
	// Warned and Breached are the metrics whose warning or breach event
	// was already sent for the current due times.
	Warned SLAMetric `json:"warned,omitempty"`
	// Breached is the set of metrics breached for the current due times.
	Breached SLAMetric `json:"breached,omitempty"`
	// Next is the next instant an SLA timer fires (a warning or a
	// breach not yet sent); zero when none is pending.
	Next time.Time `json:"next,omitzero"`
}

// HandoffStatus is where a conversation's ticket in customer service
// stands.
type HandoffStatus string

// The handoff statuses.
const (
	// HandoffPending: the ticket must still be created or updated; the
	// inbox retries at NextAt.
	HandoffPending HandoffStatus = "pending"
	// HandoffDone: the helpdesk has the latest state; Ref names the
	// ticket.
	HandoffDone HandoffStatus = "done"
	// HandoffFailed: the helpdesk refused it for good; a person must
	// look at LastError.
	HandoffFailed HandoffStatus = "failed"
)

// HandoffState is the state of a conversation's ticket in the product's
// helpdesk.
type HandoffState struct {
	// Status is where it stands; empty when never routed.
	Status HandoffStatus `json:"status,omitempty"`
	// Key is the idempotency key the helpdesk sees for this
	// conversation: the same on every retry and update.
	Key string `json:"key,omitempty"`
	// Ref is the helpdesk's reference of the ticket, once known.
	Ref string `json:"ref,omitempty"`
	// Attempts counts the calls made for the pending change.
	Attempts int `json:"attempts,omitempty"`
	// NextAt is when the next attempt is due.
	NextAt time.Time `json:"next_at,omitzero"`
	// LastError is the last failure, for people.
	LastError string `json:"last_error,omitempty"`
	// Reason is why the conversation was routed, as the member (or the
	// rule) said; the helpdesk sees it on the ticket.
	Reason string `json:"reason,omitempty"`
}

// Triage is what the rule engine decided about a message, kept with it:
// a plain copy of the moderation.Verdict that outlives the verdict.
type Triage struct {
	// Rules are the IDs of the rules that fired, in order, each with
	// the terms and spans that made it fire.
	Rules []FiredRule `json:"rules,omitempty"`
	// Hide, Delete and Hold are the moderation actions decided.
	Hide   bool `json:"hide,omitempty"`
	Delete bool `json:"delete,omitempty"`
	Hold   bool `json:"hold,omitempty"`
	// Flags are the rules' labels.
	Flags []string `json:"flags,omitempty"`
	// Priority, Queue and Support are the routing decided.
	Priority int    `json:"priority,omitempty"`
	Queue    string `json:"queue,omitempty"`
	Support  bool   `json:"support,omitempty"`
	// OpinionLeader and Crisis are the marks decided.
	OpinionLeader bool `json:"opinion_leader,omitempty"`
	Crisis        bool `json:"crisis,omitempty"`
	// Language is the language the engine used.
	Language string `json:"language,omitempty"`
	// Sentiment and SentimentLabel, when SentimentKnown.
	SentimentKnown bool    `json:"sentiment_known,omitempty"`
	Sentiment      float64 `json:"sentiment,omitempty"`
	SentimentLabel string  `json:"sentiment_label,omitempty"`
	// Replies are the reply templates the rules suggested.
	Replies []moderation.Reply `json:"replies,omitempty"`
}

// FiredRule is one rule that fired on a message, with its evidence.
type FiredRule struct {
	// Rule is the rule's ID.
	Rule string `json:"rule"`
	// Hits are the terms and regex matches that made it fire.
	Hits []moderation.Hit `json:"hits,omitempty"`
}

// Direction says who wrote a message.
type Direction string

// The directions.
const (
	// Inbound: the customer (or anyone but the team) wrote it.
	Inbound Direction = "in"
	// Outbound: the team answered in the brand's name.
	Outbound Direction = "out"
)

// Delivery is where an outbound message stands with the platform, or an
// action on an inbound one (hide, delete).
type Delivery string

// The deliveries.
const (
	// DeliverySending: the call to the platform started (the write
	// fence); it ends as sent, failed or unknown.
	DeliverySending Delivery = "sending"
	// DeliverySent: the platform accepted it.
	DeliverySent Delivery = "sent"
	// DeliveryFailed: the platform refused it; nothing was published.
	DeliveryFailed Delivery = "failed"
	// DeliveryUnknown: the call's outcome is unknown (timeout, crash);
	// a person verifies on the platform before anything is retried.
	DeliveryUnknown Delivery = "unknown"
)

// Message is one item of a conversation: a mention the inbox ingested, or
// an answer the team sent.
type Message struct {
	// ID is the message's ID (UUID v7).
	ID uuid.UUID `json:"id"`
	// Version is the store's version of the record.
	Version uint64 `json:"version"`
	// Conversation is the conversation it belongs to.
	Conversation uuid.UUID `json:"conversation"`
	// Seq is its position in the conversation, from 1.
	Seq int `json:"seq"`
	// Direction says who wrote it.
	Direction Direction `json:"direction"`
	// Mention is the item as the platform delivered it (inbound), or
	// the answer as sent (outbound: ID is the platform's ID once sent,
	// Text what was sent).
	Mention cmkit.Mention `json:"mention"`
	// Triage is the engine's decision (inbound).
	Triage Triage `json:"triage,omitzero"`
	// Edits are the earlier versions of an edited inbound message,
	// oldest first.
	Edits []Edit `json:"edits,omitempty"`
	// ReceivedAt is when the inbox stored it.
	ReceivedAt time.Time `json:"received_at"`
	// By is the member who sent an outbound message.
	By string `json:"by,omitempty"`
	// Delivery is the state of an outbound message with the platform.
	Delivery Delivery `json:"delivery,omitempty"`
	// Receipt is the platform's receipt of an outbound message.
	Receipt cmkit.Receipt `json:"receipt,omitzero"`
	// Attempts counts the sends of an outbound message: 1 for the
	// member's, plus one for each time RecoverReplies took it over.
	Attempts int `json:"attempts,omitempty"`
	// Waiting is the ReplyRequest.Waiting of an outbound message: once it
	// is sent, the conversation waits on the customer.
	Waiting bool `json:"waiting,omitempty"`
	// Action is the moderation action applied or pending on an inbound
	// message (hide or delete on the platform).
	Action ModAction `json:"action,omitzero"`
}

// Edit is an earlier version of an edited message.
type Edit struct {
	// Text is what the message said before the edit.
	Text string `json:"text"`
	// EditedAt is the platform's edit time of that version (zero for
	// the original).
	EditedAt time.Time `json:"edited_at,omitzero"`
	// Triage is what the engine decided about that version.
	Triage Triage `json:"triage,omitzero"`
}

// ModAction is a moderation action on the platform for an inbound
// message.
type ModAction struct {
	// Do is "hide", "unhide" or "delete"; empty when none.
	Do string `json:"do,omitempty"`
	// Delivery is where the action stands.
	Delivery Delivery `json:"delivery,omitempty"`
	// Attempts counts the calls made.
	Attempts int `json:"attempts,omitempty"`
	// NextAt is when the next attempt is due while it is pending.
	NextAt time.Time `json:"next_at,omitzero"`
	// LastError is the last failure, for people.
	LastError string `json:"last_error,omitempty"`
	// By is the member who asked for it; empty when a rule did.
	By string `json:"by,omitempty"`
}

// ActivityKind says what an Activity records.
type ActivityKind string

// The activity kinds.
const (
	ActivityIngested ActivityKind = "ingested" // a message arrived
	ActivityEdited   ActivityKind = "edited"   // an inbound message was edited and judged again
	ActivityStatus   ActivityKind = "status"   // the status changed
	ActivityAssigned ActivityKind = "assigned" // the assignee changed
	ActivityLabels   ActivityKind = "labels"   // labels were added or removed
	ActivityPriority ActivityKind = "priority" // the priority changed
	ActivityQueue    ActivityKind = "queue"    // the queue changed
	ActivityNote     ActivityKind = "note"     // an internal note was added
	ActivityReplied  ActivityKind = "replied"  // the team answered
	ActivityModerate ActivityKind = "moderate" // a message was hidden or deleted
	ActivityHandoff  ActivityKind = "handoff"  // routed to customer service
	ActivitySLA      ActivityKind = "sla"      // an SLA warning or breach
)

// Activity is one recorded change of a conversation: who did what, when.
// Internal notes are activities of kind ActivityNote.
type Activity struct {
	// ID is the activity's ID (UUID v7).
	ID uuid.UUID `json:"id"`
	// Conversation is the conversation it belongs to.
	Conversation uuid.UUID `json:"conversation"`
	// At is when it happened, on the inbox's clock.
	At time.Time `json:"at"`
	// By is the acting member; empty for the inbox itself (ingest,
	// rules, timers).
	By string `json:"by,omitempty"`
	// Kind says what happened.
	Kind ActivityKind `json:"kind"`
	// Text describes it for people (for a note, the note).
	Text string `json:"text,omitempty"`
}
