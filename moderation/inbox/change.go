package inbox

// This file holds what every member action shares (who acts, the version
// read, one commit with an activity, the audit record, the event after the
// commit) and the plain conversation changes: status, labels, priority,
// queue and internal notes.

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// The events of the team's work on conversations, reported through
// WithHook after the change is stored.
const (
	// EventStatusChanged: a member changed the status.
	EventStatusChanged InboxEventKind = "status"
	// EventAssigned: the assignee changed; Conversation.Assignee is the
	// new owner, empty when the conversation went back to its queue. By
	// is empty for automatic assignment.
	EventAssigned InboxEventKind = "assigned"
	// EventLabeled: labels were added or removed.
	EventLabeled InboxEventKind = "labels"
	// EventPriorityChanged: a member changed the priority.
	EventPriorityChanged InboxEventKind = "priority"
	// EventQueueChanged: a member moved the conversation to another queue.
	EventQueueChanged InboxEventKind = "queue"
	// EventNoted: a member added an internal note (Text).
	EventNoted InboxEventKind = "note"
	// EventAgentChanged: an agent's record (queues, capacity,
	// availability) changed; Text names the member.
	EventAgentChanged InboxEventKind = "agent"
	// EventReplySent: the platform accepted an answer (Message).
	EventReplySent InboxEventKind = "reply.sent"
	// EventReplyFailed: the platform refused an answer; nothing was
	// published (Message, Text the error).
	EventReplyFailed InboxEventKind = "reply.failed"
	// EventReplyUnknown: whether an answer was published is unknown; a
	// person verifies on the platform (Message, Text the error).
	EventReplyUnknown InboxEventKind = "reply.unknown"
	// EventRouted: a member routed the conversation to customer service.
	EventRouted InboxEventKind = "handoff.routed"
	// EventHandoffDone: the helpdesk has the ticket (Conversation.Handoff.Ref).
	EventHandoffDone InboxEventKind = "handoff.done"
	// EventHandoffRetry: a handoff failed for now and is retried at
	// Conversation.Handoff.NextAt (Text the error).
	EventHandoffRetry InboxEventKind = "handoff.retry"
	// EventHandoffFailed: the helpdesk refused the ticket for good, or the
	// attempts ran out; a person must look (Text the error).
	EventHandoffFailed InboxEventKind = "handoff.failed"
)

// Limits on what members write.
const (
	maxLabelBytes = 64
	maxLabels     = 100 // per change and per conversation
	maxQueueBytes = 64
	maxPriority   = 1000
	maxNoteBytes  = 10000
	maxMemberLen  = 128
	// maxCommitAttempts bounds the re-read-and-retry loops of the inbox's
	// own writes (reply outcomes, releases, handoff outcomes) when other
	// writers keep changing the same records.
	maxCommitAttempts = 20
)

// actorOf returns the acting member of ctx, or an error wrapping
// cmkit.ErrForbidden when there is none.
func actorOf(ctx context.Context) (string, error) {
	a, ok := roles.ActorFrom(ctx)
	if !ok {
		return "", cmkit.Errorf(cmkit.ErrForbidden, "inbox: forbidden: no acting member in the context (use roles.WithActor)")
	}
	return a, nil
}

// requireVersion refuses the zero version: a member acts on what they read.
func requireVersion(v uint64) error {
	if v == 0 {
		return cmkit.Invalid("version", "required", "pass the Version of the conversation you read")
	}
	return nil
}

// stale is the conflict of a member who read an older version.
func stale(c *Conversation, read uint64) error {
	return conflict("conversation %s is at version %d, not %d: re-read it", c.ID, c.Version, read)
}

// change is one member action on a conversation, run by update.
type change struct {
	// perm is the permission the actor needs on the conversation's
	// Resource; permFor, when set, decides it from the conversation.
	perm    roles.Permission
	permFor func(c *Conversation, actor string) roles.Permission
	kind    ActivityKind
	event   InboxEventKind
	// apply changes c (and may add records to w), returning the
	// activity's text and whether anything changed. An error leaves the
	// store untouched.
	apply func(ctx context.Context, c *Conversation, w *Write, actor string, now time.Time) (text string, changed bool, err error)
}

// update runs ch on conversation id for the acting member, who read it at
// version: the acting member is required, the version is required and
// must be current, the member is authorized on the conversation's
// Resource, and the change is committed in one Write with its Activity,
// then audited and reported. A change that changes nothing writes nothing
// and returns the conversation as read.
func (ib *Inbox) update(ctx context.Context, id uuid.UUID, version uint64, ch change) (Conversation, error) {
	permFor := ch.permFor
	if permFor == nil {
		permFor = func(*Conversation, string) roles.Permission { return ch.perm }
	}
	actor, c, p, err := ib.begin(ctx, id, version, permFor)
	if err != nil {
		return Conversation{}, err
	}
	now := ib.now()
	var w Write
	text, changed, err := ch.apply(ctx, &c, &w, actor, now)
	if err != nil || !changed {
		return c, err
	}
	c.UpdatedAt = now
	act := Activity{ID: cmkit.NewID(), Conversation: c.ID, At: now, By: actor, Kind: ch.kind, Text: text}
	w.Conversations = append(w.Conversations, c)
	w.Activities = append(w.Activities, act)
	if err := ib.commit(ctx, w); err != nil {
		return Conversation{}, err
	}
	ib.stored(&c)
	ib.audited(ctx, actor, "inbox."+string(ch.kind), p, &c, text)
	ib.emit(InboxEvent{Kind: ch.event, At: now, Conversation: c, By: actor, Text: text})
	return c, nil
}

// begin starts a member action on conversation id read at version: the
// acting member, the version (required and current) and the permission
// permFor names, checked on the conversation's Resource. It returns the
// actor, the conversation and the permission checked.
func (ib *Inbox) begin(ctx context.Context, id uuid.UUID, version uint64,
	permFor func(c *Conversation, actor string) roles.Permission) (string, Conversation, roles.Permission, error) {
	actor, err := actorOf(ctx)
	if err != nil {
		return "", Conversation{}, "", err
	}
	if err := requireVersion(version); err != nil {
		return "", Conversation{}, "", err
	}
	c, err := ib.store.Conversation(ctx, id)
	if err != nil {
		return "", Conversation{}, "", err
	}
	p := permFor(&c, actor)
	if err := ib.team.Check(ctx, p, c.Resource); err != nil {
		return "", Conversation{}, "", err
	}
	if c.Version != version {
		return "", Conversation{}, "", stale(&c, version)
	}
	return actor, c, p, nil
}

// audited appends a member's change to the audit log, when one is set.
// The change is already stored, so a failure to audit is logged, not
// returned: the caller must not believe that nothing happened.
func (ib *Inbox) audited(ctx context.Context, actor, action string, p roles.Permission, c *Conversation, text string) {
	if ib.audit == nil {
		return
	}
	_, err := ib.audit.Append(context.WithoutCancel(ctx), roles.AuditEvent{Actor: actor, Action: action, Permission: p,
		Resource: c.Resource, Target: "conversation/" + c.ID.String(), Allowed: true, Reason: text})
	if err != nil {
		ib.log.WarnContext(ctx, "inbox: audit log", "action", action, "conversation", c.ID.String(), "error", err.Error())
	}
}

// SetStatus moves conversation id, read at version, to status s, for the
// acting member. It needs roles.ReplyMention on the conversation's
// Resource, or roles.HideMention to set StatusHidden. Resolving sets
// ResolvedAt and clears AwaitingSince (nothing is owed any more);
// reopening a closed conversation clears ResolvedAt. It returns the
// conversation as stored.
func (ib *Inbox) SetStatus(ctx context.Context, id uuid.UUID, version uint64, s Status) (Conversation, error) {
	if !knownStatus(s) {
		return Conversation{}, cmkit.Invalid("status", "unknown", "%q: want new, open, waiting, replied, resolved, escalated or hidden", string(s))
	}
	p := roles.ReplyMention
	if s == StatusHidden {
		p = roles.HideMention
	}
	return ib.update(ctx, id, version, change{perm: p, kind: ActivityStatus, event: EventStatusChanged,
		apply: func(_ context.Context, c *Conversation, _ *Write, _ string, now time.Time) (string, bool, error) {
			if c.Status == s {
				return "", false, nil
			}
			text := fmt.Sprintf("%s -> %s", c.Status, s)
			setStatus(c, s, now)
			return text, true, nil
		}})
}

// setStatus moves c to s, keeping ResolvedAt and AwaitingSince in step.
func setStatus(c *Conversation, s Status, now time.Time) {
	switch {
	case s == StatusResolved:
		c.ResolvedAt = now
		c.AwaitingSince = time.Time{}
	case !s.Closed():
		c.ResolvedAt = time.Time{}
	}
	c.Status = s
}

func knownStatus(s Status) bool {
	switch s {
	case StatusNew, StatusOpen, StatusWaiting, StatusReplied, StatusResolved, StatusEscalated, StatusHidden:
		return true
	}
	return false
}

// Label adds and removes labels of conversation id, read at version, for
// the acting member, who needs roles.ReplyMention on its Resource. Labels
// stay sorted and each appears once; adding one it has, or removing one it
// lacks, changes nothing. A label is 1 to 64 bytes of UTF-8 without
// control characters; a label both added and removed is an error.
func (ib *Inbox) Label(ctx context.Context, id uuid.UUID, version uint64, add, remove []string) (Conversation, error) {
	if err := checkLabels(add, remove); err != nil {
		return Conversation{}, err
	}
	return ib.update(ctx, id, version, change{perm: roles.ReplyMention, kind: ActivityLabels, event: EventLabeled,
		apply: func(_ context.Context, c *Conversation, _ *Write, _ string, _ time.Time) (string, bool, error) {
			var added, removed []string
			labels := slices.Clone(c.Labels)
			for _, l := range add {
				if at, found := slices.BinarySearch(labels, l); !found {
					labels = slices.Insert(labels, at, l)
					added = append(added, "+"+l)
				}
			}
			for _, l := range remove {
				if at, found := slices.BinarySearch(labels, l); found {
					labels = slices.Delete(labels, at, at+1)
					removed = append(removed, "-"+l)
				}
			}
			if len(added)+len(removed) == 0 {
				return "", false, nil
			}
			if len(labels) > maxLabels {
				return "", false, cmkit.Invalid("add", "max_items", "a conversation has at most %d labels", maxLabels)
			}
			c.Labels = labels
			return strings.Join(append(added, removed...), " "), true, nil
		}})
}

func checkLabels(add, remove []string) error {
	if len(add)+len(remove) == 0 {
		return cmkit.Invalid("add", "required", "add or remove at least one label")
	}
	for _, set := range [...]struct {
		field  string
		labels []string
	}{{"add", add}, {"remove", remove}} {
		if len(set.labels) > maxLabels {
			return cmkit.Invalid(set.field, "max_items", "%d labels, at most %d per change", len(set.labels), maxLabels)
		}
		for i, l := range set.labels {
			if err := checkText(fmt.Sprintf("%s[%d]", set.field, i), l, maxLabelBytes, false); err != nil {
				return err
			}
		}
	}
	for i, l := range add {
		if slices.Contains(remove, l) {
			return cmkit.Invalid(fmt.Sprintf("add[%d]", i), "conflict", "%q is both added and removed", l)
		}
	}
	return nil
}

// checkText checks a short text members write: required unless empty is
// allowed, at most max bytes, valid UTF-8 and free of control characters
// (except newlines and tabs, which a note may hold).
func checkText(field, s string, max int, multiline bool) error {
	switch {
	case s == "":
		return cmkit.Invalid(field, "required", "")
	case len(s) > max:
		return cmkit.Invalid(field, "max_length", "%d bytes, at most %d", len(s), max)
	case !utf8.ValidString(s):
		return cmkit.Invalid(field, "utf8", "not valid UTF-8")
	}
	for i, r := range s {
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || r == '\r')) {
			return cmkit.Invalid(field, "format", "control character %U at byte %d", r, i)
		}
	}
	return nil
}

// SetPriority sets the priority of conversation id, read at version, to
// p (0 to 1000, higher first), for the acting member, who needs
// roles.ReplyMention on its Resource. Automatic assignment takes higher
// priorities first.
func (ib *Inbox) SetPriority(ctx context.Context, id uuid.UUID, version uint64, p int) (Conversation, error) {
	if p < 0 || p > maxPriority {
		return Conversation{}, cmkit.Invalid("priority", "range", "%d is outside 0..%d", p, maxPriority)
	}
	return ib.update(ctx, id, version, change{perm: roles.ReplyMention, kind: ActivityPriority, event: EventPriorityChanged,
		apply: func(_ context.Context, c *Conversation, _ *Write, _ string, _ time.Time) (string, bool, error) {
			return set(&c.Priority, p, "%d -> %d")
		}})
}

// SetQueue moves conversation id, read at version, to queue q ("" is the
// default queue), for the acting member, who needs roles.AssignMention on
// its Resource: the queue decides who gets it. The assignee, if any,
// keeps it.
func (ib *Inbox) SetQueue(ctx context.Context, id uuid.UUID, version uint64, q string) (Conversation, error) {
	if q != "" {
		if err := checkText("queue", q, maxQueueBytes, false); err != nil {
			return Conversation{}, err
		}
	}
	return ib.update(ctx, id, version, change{perm: roles.AssignMention, kind: ActivityQueue, event: EventQueueChanged,
		apply: func(_ context.Context, c *Conversation, _ *Write, _ string, _ time.Time) (string, bool, error) {
			return set(&c.Queue, q, "%q -> %q")
		}})
}

// set changes *field to v and describes the change with format (given the
// old value and the new); false when it already is v.
func set[T comparable](field *T, v T, format string) (string, bool, error) {
	if *field == v {
		return "", false, nil
	}
	text := fmt.Sprintf(format, *field, v)
	*field = v
	return text, true, nil
}

// AddNote adds an internal note to conversation id for the acting member,
// who needs roles.ReadInbox on its Resource (whoever may read a
// conversation may leave the team a note about it). A note is an Activity
// of kind ActivityNote and never reaches the platform.
//
// AddNote takes no version: a note is appended beside the conversation,
// not written into it, so it cannot overwrite anyone's change and never
// conflicts; the conversation's Version and UpdatedAt stay as they were.
// text is 1 to 10,000 bytes of UTF-8.
func (ib *Inbox) AddNote(ctx context.Context, id uuid.UUID, text string) (Activity, error) {
	actor, err := actorOf(ctx)
	if err != nil {
		return Activity{}, err
	}
	if err := checkText("text", text, maxNoteBytes, true); err != nil {
		return Activity{}, err
	}
	c, err := ib.store.Conversation(ctx, id)
	if err != nil {
		return Activity{}, err
	}
	if err := ib.team.Check(ctx, roles.ReadInbox, c.Resource); err != nil {
		return Activity{}, err
	}
	now := ib.now()
	a := Activity{ID: cmkit.NewID(), Conversation: id, At: now, By: actor, Kind: ActivityNote, Text: text}
	if err := ib.commit(ctx, Write{Activities: []Activity{a}}); err != nil {
		return Activity{}, err
	}
	ib.audited(ctx, actor, "inbox.note", roles.ReadInbox, &c, "")
	ib.emit(InboxEvent{Kind: EventNoted, At: now, Conversation: c, By: actor, Text: text})
	return a, nil
}
