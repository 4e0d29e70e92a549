package inbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// The moderation actions on the platform (ModAction.Do).
const (
	doHide   = "hide"
	doUnhide = "unhide"
	doDelete = "delete"
)

// The retries of moderation actions.
const (
	// actionRetryBase is the wait after the first attempt; each attempt
	// doubles it, up to actionRetryMax.
	actionRetryBase = 30 * time.Second
	actionRetryMax  = time.Hour
	// maxActionAttempts is how many calls an action gets before it fails
	// for good.
	maxActionAttempts = 8
	// maxModerateConversations bounds the conversations one Moderate step
	// retries actions of.
	maxModerateConversations = 100
)

// actionDelay is the wait after the given attempt (from 1) before the
// next: also how long an attempt that crashed holds the action before
// another may retry it.
func actionDelay(attempts int) time.Duration {
	d := actionRetryBase
	for i := 1; i < attempts && d < actionRetryMax; i++ {
		d *= 2
	}
	return min(d, actionRetryMax)
}

// plan decides the platform action for an inbound message the rules want
// hidden or deleted, once per message: hide through cmkit.Hider, falling
// back to cmkit.Deleter only when the rules also allow deleting; delete
// through cmkit.Deleter. The action is written as sending, with the item,
// and tried right after the commit (see done); a channel that cannot do
// it gets a failed action for a person to see.
func (b *ingestBatch) plan(c *Conversation, msg *Message, reg *registered) {
	t := &msg.Triage
	if !t.Hide && !t.Delete || msg.Action.Do != "" {
		return
	}
	_, canHide := reg.ch.(cmkit.Hider)
	_, canDelete := reg.ch.(cmkit.Deleter)
	var do string
	var missing cmkit.Capability
	switch {
	case t.Hide && canHide:
		do = doHide
	case t.Delete && canDelete:
		do = doDelete
	case t.Hide:
		do, missing = doHide, cmkit.CapHide
	default:
		do, missing = doDelete, cmkit.CapDelete
	}
	what := do + " message " + strconv.Itoa(msg.Seq) + " (" + firedRules(t) + ")"
	if missing != "" {
		err := &cmkit.UnsupportedError{Channel: reg.info.ID, Capability: missing}
		msg.Action = ModAction{Do: do, Delivery: DeliveryFailed, LastError: err.Error()}
		b.activity(c.ID, ActivityModerate, "could not "+what+": "+err.Error())
		b.failed++
		b.pending = append(b.pending, pendingEvent{kind: EventActionFailed, conv: c.ID, msg: msg.ID, text: err.Error()})
		return
	}
	msg.Action = ModAction{Do: do, Delivery: DeliverySending, Attempts: 1, NextAt: b.now.Add(actionDelay(1))}
	b.actions = append(b.actions, plannedAction{msg: msg.ID, alone: c.ActionDue.IsZero()})
	for i := range b.actions[:len(b.actions)-1] {
		if p := &b.actions[i]; b.batchMsg(p.msg).Conversation == c.ID {
			p.alone = false
			b.actions[len(b.actions)-1].alone = false
		}
	}
	c.ActionDue = earliest(c.ActionDue, msg.Action.NextAt)
	b.activity(c.ID, ActivityModerate, what)
}

// plannedAction is a platform action an ingest batch wrote, to try after
// its commit.
type plannedAction struct {
	msg uuid.UUID
	// alone: no other action of its conversation was pending, before or
	// in the batch (see settle).
	alone bool
}

// earliest returns the earlier of two times, a zero one being none.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || !b.IsZero() && b.Before(a) {
		return b
	}
	return a
}

// pendingAction reports whether m has an action waiting for the platform.
func pendingAction(m *Message) bool {
	return m.Action.Do != "" && m.Action.Delivery == DeliverySending
}

// Moderate is one step of the retries of moderation actions on the
// platform: it tries again every pending hide or delete whose NextAt has
// come (Filter.ActionDue), in at most 100 conversations, and returns how
// many it tried. Each try is claimed in the store first (its NextAt moves
// on by the backoff), so that two inboxes never try one action at once
// and a crash mid-call retries it later; the waits double from 30 seconds
// up to an hour (or what a rate limit asks for), and after 8 attempts the
// action fails for good (EventActionFailed). Run calls it; a product that
// runs its own loop calls it every few seconds.
func (ib *Inbox) Moderate(ctx context.Context) (int, error) {
	now := ib.now()
	var due []uuid.UUID
	for c, err := range ib.store.Conversations(ctx, Filter{ActionDue: now}) {
		if err != nil {
			return 0, fmt.Errorf("inbox: moderate: %w", err)
		}
		due = append(due, c.ID)
		if len(due) == maxModerateConversations {
			break
		}
	}
	tried := 0
	var errs []error
	for _, cid := range due {
		var ids []uuid.UUID
		for m, err := range ib.store.Messages(ctx, cid) {
			if err != nil {
				return tried, fmt.Errorf("inbox: moderate: %w", err)
			}
			if pendingAction(&m) && !m.Action.NextAt.After(now) {
				ids = append(ids, m.ID)
			}
		}
		if len(ids) == 0 {
			if err := ib.repairActionDue(ctx, cid); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		for _, id := range ids {
			attempts, err := ib.claimAction(ctx, id, now)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if attempts == 0 {
				continue
			}
			tried++
			if _, err := ib.runAction(ctx, id, attempts); err != nil && ctx.Err() != nil {
				return tried, ctx.Err()
			}
		}
	}
	if len(errs) > 0 {
		return tried, fmt.Errorf("inbox: moderate: %w", errors.Join(errs...))
	}
	return tried, nil
}

// claimAction takes the pending action of message id for one attempt:
// Attempts rises and NextAt moves on by the backoff, in the store, before
// the call. It returns the attempt's number, or 0 when the action is not
// due (any more). An action whose attempts ran out (calls that crashed)
// fails for good instead.
func (ib *Inbox) claimAction(ctx context.Context, id uuid.UUID, now time.Time) (int, error) {
	for range maxIngestAttempts {
		msg, c, err := ib.messageAndConversation(ctx, id)
		if err != nil {
			return 0, err
		}
		a := &msg.Action
		if !pendingAction(&msg) || a.NextAt.After(now) {
			return 0, nil
		}
		if a.Attempts >= maxActionAttempts {
			_, err := ib.settle(ctx, msg, nil, cmkit.Errorf(cmkit.ErrPermanent, "inbox: no outcome after %d attempts", a.Attempts))
			return 0, err
		}
		a.Attempts++
		a.NextAt = now.Add(actionDelay(a.Attempts))
		if err := ib.refreshActionDue(ctx, &c, &msg); err != nil {
			return 0, err
		}
		err = ib.commit(ctx, Write{Conversations: []Conversation{c}, Messages: []Message{msg}})
		if errors.Is(err, cmkit.ErrConflict) {
			continue
		}
		if err != nil {
			return 0, err
		}
		return a.Attempts, nil
	}
	return 0, nil
}

// runAction makes the call of the pending action of message id, for the
// attempt claimed, and stores its outcome. It returns the message as
// stored after, and the platform's error when the action failed for good.
func (ib *Inbox) runAction(ctx context.Context, id uuid.UUID, attempts int) (Message, error) {
	msg, err := ib.store.Message(ctx, id)
	if err != nil {
		return Message{}, err
	}
	if !pendingAction(&msg) || msg.Action.Attempts != attempts {
		return msg, nil // another attempt took it over
	}
	return ib.callAndSettle(ctx, msg, nil)
}

// callAndSettle makes the call of msg's pending action (msg as stored) and
// stores its outcome (see settle; alone is as settle's).
func (ib *Inbox) callAndSettle(ctx context.Context, msg Message, alone *Conversation) (Message, error) {
	callErr := ib.callAction(ctx, &msg)
	if callErr != nil && ctx.Err() != nil {
		// The call may or may not have been made; the claim's NextAt
		// retries it.
		return msg, callErr
	}
	return ib.settle(ctx, msg, alone, callErr)
}

// callAction calls the platform for m's action.
func (ib *Inbox) callAction(ctx context.Context, m *Message) error {
	reg, ok := ib.channel(m.Mention.ChannelID)
	if !ok {
		return cmkit.Errorf(cmkit.ErrPermanent, "inbox: channel %q is not registered with the inbox", m.Mention.ChannelID)
	}
	switch m.Action.Do {
	case doHide, doUnhide:
		h, ok := reg.ch.(cmkit.Hider)
		if !ok {
			return &cmkit.UnsupportedError{Channel: reg.info.ID, Capability: cmkit.CapHide}
		}
		return h.SetHidden(ctx, m.Mention.ID, m.Action.Do == doHide)
	case doDelete:
		d, ok := reg.ch.(cmkit.Deleter)
		if !ok {
			return &cmkit.UnsupportedError{Channel: reg.info.ID, Capability: cmkit.CapDelete}
		}
		err := d.Delete(ctx, m.Mention.ID)
		if errors.Is(err, cmkit.ErrNotFound) {
			return nil // gone already: what deleting wanted
		}
		return err
	}
	return cmkit.Invalid("action.do", "unknown", "no moderation action %q", m.Action.Do)
}

// settle stores the outcome of the attempt of read's action (read as
// stored when the attempt began): sent; failed for good (a permanent
// failure, or the attempts ran out); or still pending, retried after the
// backoff or the wait a rate limit asked for. It reports the outcome after
// the commit and returns the message as stored, with the platform's error
// when the action failed for good.
//
// alone, when not nil, is the message's conversation as stored with the
// action, when it was the conversation's only pending one: then the
// outcome is first written over read and alone without reading them
// again (the commit conflicts if either changed since), and ActionDue
// needs no look at the other messages.
func (ib *Inbox) settle(ctx context.Context, read Message, alone *Conversation, callErr error) (Message, error) {
	id, attempts := read.ID, read.Action.Attempts
	// From ingest (alone) with no hook, the records go to nobody but the
	// store: it may keep them as they are.
	handed := alone != nil && ib.hook == nil
	for range maxIngestAttempts {
		var msg Message
		var c Conversation
		if alone != nil {
			msg, c = read, *alone
		} else {
			var err error
			if msg, c, err = ib.messageAndConversation(ctx, id); err != nil {
				return Message{}, err
			}
		}
		a := &msg.Action
		if !pendingAction(&msg) || a.Attempts != attempts {
			return msg, nil
		}
		now := ib.now()
		var kind InboxEventKind
		var text string
		switch f := cmkit.Classify(callErr); {
		case f == 0:
			a.Delivery, a.NextAt, a.LastError = DeliverySent, time.Time{}, ""
			kind = doneEvent(a.Do)
			text = a.Do + " message " + strconv.Itoa(msg.Seq) + ": done on the platform"
		case f == cmkit.Permanent || a.Attempts >= maxActionAttempts:
			a.Delivery, a.NextAt, a.LastError = DeliveryFailed, time.Time{}, callErr.Error()
			kind = EventActionFailed
			text = "could not " + a.Do + " message " + strconv.Itoa(msg.Seq) + ": " + a.LastError
		default:
			wait := actionDelay(a.Attempts)
			var rl *cmkit.RateLimitError
			if errors.As(callErr, &rl) {
				wait = max(wait, rl.RetryAfter)
			}
			a.NextAt, a.LastError = now.Add(wait), callErr.Error()
		}
		if alone != nil {
			c.ActionDue = a.NextAt
		} else if err := ib.refreshActionDue(ctx, &c, &msg); err != nil {
			return Message{}, err
		}
		var act *Activity
		if kind != "" {
			c.UpdatedAt = now
			aid, err := ib.mintID()
			if err != nil {
				return Message{}, err
			}
			act = &Activity{ID: aid, Conversation: c.ID, At: now, By: a.By, Kind: ActivityModerate, Text: text}
		}
		err := ib.commitOne(ctx, &c, &msg, act, handed)
		if errors.Is(err, cmkit.ErrConflict) {
			alone = nil
			continue
		}
		if err != nil {
			return Message{}, err
		}
		msg.Version++
		ib.stored(&c)
		if kind == "" {
			return msg, nil
		}
		if kind == EventActionFailed {
			ib.ingest.actionsFailed.Add(1)
			ib.log.Warn("inbox: moderation action failed", "conversation", c.ID, "message", msg.ID, "do", a.Do, "error", a.LastError)
		} else {
			ib.ingest.actionsSent.Add(1)
		}
		m := msg
		ib.emit(InboxEvent{Kind: kind, At: now, Conversation: c, Message: &m, By: a.By, Text: a.LastError})
		if kind == EventActionFailed {
			return msg, fmt.Errorf("inbox: %s message %s: %w", a.Do, msg.ID, callErr)
		}
		return msg, nil
	}
	return Message{}, fmt.Errorf("inbox: storing the outcome of an action on message %s: %w", id, cmkit.ErrConflict)
}

// oneWrite is the room of a Write of one conversation, one message and
// at most one activity, kept between writes (Store.Commit copies what it
// keeps).
type oneWrite struct {
	c [1]Conversation
	m [1]Message
	a [1]Activity
}

// commitOne commits c, m and act (when not nil) in one write; handed:
// the store may keep their slices and maps (see commitHanded).
func (ib *Inbox) commitOne(ctx context.Context, c *Conversation, m *Message, act *Activity, handed bool) error {
	r, _ := ib.ingest.ones.Get().(*oneWrite)
	if r == nil {
		r = new(oneWrite)
	}
	r.c[0], r.m[0] = *c, *m
	w := Write{Conversations: r.c[:], Messages: r.m[:]}
	if act != nil {
		r.a[0] = *act
		w.Activities = r.a[:]
	}
	var err error
	if handed {
		err = ib.commitHanded(ctx, &w, nil)
	} else {
		err = ib.commit(ctx, w)
	}
	*r = oneWrite{}
	ib.ingest.ones.Put(r)
	return err
}

// doneEvent is the event of an action the platform accepted.
func doneEvent(do string) InboxEventKind {
	switch do {
	case doHide:
		return EventHidden
	case doUnhide:
		return EventUnhidden
	}
	return EventDeleted
}

// messageAndConversation reads a message and its conversation.
func (ib *Inbox) messageAndConversation(ctx context.Context, id uuid.UUID) (Message, Conversation, error) {
	msg, err := ib.store.Message(ctx, id)
	if err != nil {
		return Message{}, Conversation{}, err
	}
	c, err := ib.store.Conversation(ctx, msg.Conversation)
	return msg, c, err
}

// refreshActionDue sets c.ActionDue to the earliest NextAt of the pending
// actions of its messages, msg as given (it is about to be written). It
// reads the other messages only when msg's stored version may have held
// the earliest.
func (ib *Inbox) refreshActionDue(ctx context.Context, c *Conversation, msg *Message) error {
	var mine time.Time
	if pendingAction(msg) {
		mine = msg.Action.NextAt
	}
	old, err := ib.store.Message(ctx, msg.ID)
	if err != nil && !errors.Is(err, cmkit.ErrNotFound) {
		return err
	}
	if !pendingAction(&old) || old.Action.NextAt.After(c.ActionDue) {
		// Another message holds c.ActionDue, or none does: only msg may
		// bring it forward.
		c.ActionDue = earliest(c.ActionDue, mine)
		return nil
	}
	due := mine
	for m, err := range ib.store.Messages(ctx, c.ID) {
		if err != nil {
			return err
		}
		if m.ID != msg.ID && pendingAction(&m) {
			due = earliest(due, m.Action.NextAt)
		}
	}
	c.ActionDue = due
	return nil
}

// repairActionDue recomputes the ActionDue of a conversation that has no
// due action, so that Moderate does not come back to it.
func (ib *Inbox) repairActionDue(ctx context.Context, id uuid.UUID) error {
	for range maxIngestAttempts {
		c, err := ib.store.Conversation(ctx, id)
		if err != nil {
			return err
		}
		var due time.Time
		for m, err := range ib.store.Messages(ctx, id) {
			if err != nil {
				return err
			}
			if pendingAction(&m) {
				due = earliest(due, m.Action.NextAt)
			}
		}
		if due.Equal(c.ActionDue) {
			return nil
		}
		c.ActionDue = due
		err = ib.commit(ctx, Write{Conversations: []Conversation{c}})
		if !errors.Is(err, cmkit.ErrConflict) {
			return err
		}
	}
	return nil
}

// Hide hides an inbound message on the platform (hidden true), or shows
// it again (false), through the channel's cmkit.Hider, for the acting
// member of ctx, who needs roles.HideMention on the conversation's
// Resource. The action is stored as sending with an ActivityModerate (and
// recorded in the audit log, when the inbox has one) before the call, then
// the outcome: Hide returns the message as stored, whose Action.Delivery is
// sent, or still sending when the platform failed for now and Moderate
// retries it; a permanent failure is returned as an error. Hiding what is
// already hidden changes nothing.
func (ib *Inbox) Hide(ctx context.Context, messageID uuid.UUID, hidden bool) (Message, error) {
	do := doHide
	if !hidden {
		do = doUnhide
	}
	return ib.memberAction(ctx, messageID, do, roles.HideMention, cmkit.CapHide)
}

// Delete deletes an inbound message on the platform through the channel's
// cmkit.Deleter, for the acting member of ctx, who needs
// roles.DeleteMention on the conversation's Resource; otherwise as Hide.
func (ib *Inbox) Delete(ctx context.Context, messageID uuid.UUID) (Message, error) {
	return ib.memberAction(ctx, messageID, doDelete, roles.DeleteMention, cmkit.CapDelete)
}

// memberAction runs a member's hide, unhide or delete.
func (ib *Inbox) memberAction(ctx context.Context, id uuid.UUID, do string, perm roles.Permission, capability cmkit.Capability) (Message, error) {
	checked := false
	for range maxIngestAttempts {
		msg, c, err := ib.messageAndConversation(ctx, id)
		if err != nil {
			return Message{}, err
		}
		if !checked {
			if err := ib.team.Check(ctx, perm, c.Resource); err != nil {
				return Message{}, err
			}
			checked = true
		}
		actor, _ := roles.ActorFrom(ctx)
		switch {
		case msg.Direction != Inbound:
			return Message{}, cmkit.Invalid("messageID", "inbound", "message %s is the team's own answer", id)
		case msg.Action.Do == doDelete && msg.Action.Delivery == DeliverySent:
			return Message{}, cmkit.Errorf(cmkit.ErrConflict, "inbox: message %s was deleted on the platform", id)
		case msg.Action.Do == do && msg.Action.Delivery == DeliverySent:
			return msg, nil
		}
		reg, ok := ib.channel(msg.Mention.ChannelID)
		if !ok {
			return Message{}, cmkit.Invalid("messageID", "channel", "channel %q is not registered with the inbox", msg.Mention.ChannelID)
		}
		_, canHide := reg.ch.(cmkit.Hider)
		_, canDelete := reg.ch.(cmkit.Deleter)
		if capability == cmkit.CapHide && !canHide || capability == cmkit.CapDelete && !canDelete {
			return Message{}, &cmkit.UnsupportedError{Channel: reg.info.ID, Capability: capability}
		}
		now := ib.now()
		msg.Action = ModAction{Do: do, Delivery: DeliverySending, Attempts: 1, NextAt: now.Add(actionDelay(1)), By: actor}
		if err := ib.refreshActionDue(ctx, &c, &msg); err != nil {
			return Message{}, err
		}
		c.UpdatedAt = now
		aid, err := ib.mintID()
		if err != nil {
			return Message{}, err
		}
		text := do + " message " + strconv.Itoa(msg.Seq)
		err = ib.commit(ctx, Write{Conversations: []Conversation{c}, Messages: []Message{msg},
			Activities: []Activity{{ID: aid, Conversation: c.ID, At: now, By: actor, Kind: ActivityModerate, Text: text}}})
		if errors.Is(err, cmkit.ErrConflict) {
			continue
		}
		if err != nil {
			return Message{}, err
		}
		if ib.audit != nil {
			if _, err := ib.audit.Append(ctx, roles.AuditEvent{Actor: actor, Action: "inbox." + do, Permission: perm,
				Resource: c.Resource, Target: msg.ID.String(), Allowed: true, Reason: text}); err != nil {
				ib.log.Warn("inbox: audit log", "error", err)
			}
		}
		msg.Version++
		return ib.callAndSettle(ctx, msg, nil)
	}
	return Message{}, fmt.Errorf("inbox: %s message %s: %w", do, id, cmkit.ErrConflict)
}
