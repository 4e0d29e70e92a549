package inbox

import (
	"context"
	"fmt"
	"iter"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// Conversation returns the conversation with the given ID for the acting
// member of ctx, who needs roles.ReadInbox on its Resource (the check is
// recorded in the team's audit log, as every Authority.Check is). A
// missing conversation is cmkit.ErrNotFound; a denial cmkit.ErrForbidden
// with the reason.
func (ib *Inbox) Conversation(ctx context.Context, id uuid.UUID) (Conversation, error) {
	c, err := ib.store.Conversation(ctx, id)
	if err != nil {
		return Conversation{}, err
	}
	if err := ib.team.Check(ctx, roles.ReadInbox, c.Resource); err != nil {
		return Conversation{}, err
	}
	return c, nil
}

// Item returns the conversation and the message that hold the platform
// item platformID of channel (an ingested mention, or an answer the team
// sent), authorized as Conversation. An item the inbox never stored is
// cmkit.ErrNotFound.
func (ib *Inbox) Item(ctx context.Context, channel, platformID string) (Conversation, Message, error) {
	ref, err := ib.store.Lookup(ctx, itemKey(channel, platformID))
	if err != nil {
		return Conversation{}, Message{}, err
	}
	c, err := ib.Conversation(ctx, ref.Conversation)
	if err != nil {
		return Conversation{}, Message{}, err
	}
	m, err := ib.store.Message(ctx, ref.Message)
	if err != nil {
		return Conversation{}, Message{}, err
	}
	return c, m, nil
}

// Messages yields the messages of a conversation in Seq order, authorized
// as Conversation; a failure is yielded once, as the only element.
func (ib *Inbox) Messages(ctx context.Context, id uuid.UUID) iter.Seq2[Message, error] {
	return readable(ib, ctx, id, func() iter.Seq2[Message, error] { return ib.store.Messages(ctx, id) })
}

// Activities yields the recorded changes of a conversation in the order
// they were made, authorized as Conversation.
func (ib *Inbox) Activities(ctx context.Context, id uuid.UUID) iter.Seq2[Activity, error] {
	return readable(ib, ctx, id, func() iter.Seq2[Activity, error] { return ib.store.Activities(ctx, id) })
}

// readable yields what list yields, once the acting member of ctx may read
// conversation id (see Conversation), or the denial alone.
func readable[T any](ib *Inbox, ctx context.Context, id uuid.UUID, list func() iter.Seq2[T, error]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		if _, err := ib.Conversation(ctx, id); err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for x, err := range list() {
			if !yield(x, err) || err != nil {
				return
			}
		}
	}
}

// Conversations yields the conversations f selects, oldest first, leaving
// out those the acting member of ctx may not read (roles.ReadInbox on
// their Resource): a list shows each member their part of the inbox.
// These checks are not recorded in the audit log, one per conversation
// listed; opening one (Conversation) is. Without an acting member, or
// with a Filter naming an unknown status, the only element is an error
// (cmkit.ErrForbidden, cmkit.ErrInvalid).
func (ib *Inbox) Conversations(ctx context.Context, f Filter) iter.Seq2[Conversation, error] {
	return func(yield func(Conversation, error) bool) {
		for i, s := range f.Statuses {
			if !statusKnown(s) {
				yield(Conversation{}, cmkit.Invalid(fmt.Sprintf("Filter.Statuses[%d]", i), "unknown", "no status %q", s))
				return
			}
		}
		may, err := ib.reader(ctx)
		if err != nil {
			yield(Conversation{}, err)
			return
		}
		for c, err := range ib.store.Conversations(ctx, f) {
			if err != nil {
				yield(Conversation{}, err)
				return
			}
			ok, err := may(c.Resource)
			if err != nil {
				yield(Conversation{}, err)
				return
			}
			if ok && !yield(c, nil) {
				return
			}
		}
	}
}

// History yields a person's conversations across every channel, oldest
// first, as Conversations lists them (those the member may not read left
// out). An empty person is cmkit.ErrInvalid.
func (ib *Inbox) History(ctx context.Context, person string) iter.Seq2[Conversation, error] {
	if person == "" {
		return func(yield func(Conversation, error) bool) {
			yield(Conversation{}, cmkit.Invalid("person", "required", "whose history?"))
		}
	}
	return ib.Conversations(ctx, Filter{Person: person})
}

// reader returns a function that says whether the acting member of ctx
// may read what is on a resource, deciding each resource once; without an
// acting member it returns an error wrapping cmkit.ErrForbidden.
func (ib *Inbox) reader(ctx context.Context) (func(roles.Resource) (bool, error), error) {
	actor, ok := roles.ActorFrom(ctx)
	if !ok {
		return nil, cmkit.Errorf(cmkit.ErrForbidden, "inbox: forbidden: no acting member in the context (use roles.WithActor)")
	}
	decided := map[roles.Resource]bool{}
	return func(r roles.Resource) (bool, error) {
		if ok, seen := decided[r]; seen {
			return ok, nil
		}
		d, err := ib.team.Authorize(ctx, actor, roles.ReadInbox, r)
		if err != nil {
			return false, err
		}
		decided[r] = d.Allowed
		return d.Allowed, nil
	}, nil
}

// statusKnown reports whether s is one of the statuses.
func statusKnown(s Status) bool {
	switch s {
	case StatusNew, StatusOpen, StatusWaiting, StatusReplied, StatusResolved, StatusEscalated, StatusHidden:
		return true
	}
	return false
}
