package inbox

// This file holds the lease of an answer being sent, and the recovery of
// answers whose sender died or outlived its lease.

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// The defaults of WithReplyLease.
const (
	// DefaultReplyLease is how long an answer's sender holds it.
	DefaultReplyLease = 2 * time.Minute
	// DefaultReplyCallTimeout bounds the platform calls of one send.
	DefaultReplyCallTimeout = 30 * time.Second
)

// maxReplyAttempts bounds the sends of one answer: the member's and the
// takeovers after it. Past it, RecoverReplies leaves the answer to a
// person (DeliveryUnknown).
const maxReplyAttempts = 3

// WithReplyLease sets how long the sender of an answer holds it (lease)
// and how long the platform calls of one send may take (call), on the
// inbox's clock; call must be positive and shorter than lease (defaults
// DefaultReplyLease and DefaultReplyCallTimeout). A call that runs out of
// time ends ambiguous. Processes that share a store must keep their
// clocks within lease − call of each other, so that no process takes an
// answer over while its sender's call may still run.
func WithReplyLease(lease, call time.Duration) Option {
	return func(ib *Inbox) error {
		if call <= 0 || lease <= call {
			return cmkit.Invalid("WithReplyLease", "range", "call %v must be positive and shorter than lease %v", call, lease)
		}
		ib.work.lease, ib.work.call = lease, call
		return nil
	}
}

// RecoverReplies takes over the answers whose sender's lease ended while
// they were still "sending" (its process died, or it was stopped for
// longer than the lease), and returns how many it settled or sent again.
// Step runs it.
//
// An answer is sent again only when that cannot publish it twice: on a
// RetryIdempotent channel with the same Post.ID, on a RetryAfterLookup
// one after FindPost answers cmkit.ErrNotFound (when FindPost finds it,
// it is recorded as sent without a call). The takeover is a write fenced
// by the versions read, which renews the lease, so of two processes only
// one takes an answer over, and it counts in Message.Attempts. On any
// other channel, one the inbox no longer has, or after maxReplyAttempts
// sends, the answer becomes DeliveryUnknown: its fence stays and a person
// verifies it (VerifyReply). A send that the platform refuses is failed
// but keeps its fence, since an earlier send's fate is unknown.
//
// A sender that outlives its lease and then hears from the platform
// records an acceptance whatever happened meanwhile (the platform's answer
// is never thrown away); any other outcome of its is dropped in favour of
// the takeover's.
func (ib *Inbox) RecoverReplies(ctx context.Context) (int, error) {
	var ids []uuid.UUID
	for c, err := range ib.store.Conversations(ctx, Filter{ReplyDue: ib.now()}) {
		if err != nil {
			return 0, err
		}
		ids = append(ids, c.ID)
	}
	n := 0
	var errs []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return n, errors.Join(append(errs, err)...)
		}
		done, err := ib.recoverReply(ctx, id)
		if done {
			n++
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("conversation %s: %w", id, err))
		}
	}
	return n, errors.Join(errs...)
}

// recoverReply takes over the answer being sent on conversation id if its
// lease has ended, and says whether it settled or sent it.
func (ib *Inbox) recoverReply(ctx context.Context, id uuid.UUID) (bool, error) {
	c, err := ib.store.Conversation(ctx, id)
	if err != nil {
		return false, err
	}
	now := ib.now()
	if c.ReplyUntil.IsZero() || c.ReplyUntil.After(now) {
		return false, nil // settled or taken over since it was listed
	}
	ref, err := ib.store.Lookup(ctx, replyKey(id, c.ReplyVersion))
	var m Message
	if err == nil {
		m, err = ib.store.Message(ctx, ref.Message)
	}
	if err != nil && !errors.Is(err, cmkit.ErrNotFound) {
		return false, err
	}
	if err != nil || m.Delivery != DeliverySending {
		// Nothing is being sent: the lease outlived its answer.
		c.ReplyUntil, c.UpdatedAt = time.Time{}, now
		if err := ib.commit(ctx, Write{Conversations: []Conversation{c}}); err != nil {
			return false, ignoreConflict(err)
		}
		ib.stored(&c)
		return false, nil
	}
	plan, why := ib.resendPlan(&c, &m)
	if why != "" {
		_, err := ib.settleReply(ctx, c, m, replyOutcome{delivery: DeliveryUnknown, fence: c.ReplyVersion,
			text: fmt.Sprintf("%s's send of answer %s ended its lease without an outcome (the process died, or outlived the lease), and %s: verify on %s (VerifyReply)",
				m.By, m.ID, why, c.Channel)})
		return err == nil, ignoreConflict(err)
	}
	prev := c
	c.ReplyUntil, c.UpdatedAt = now.Add(ib.work.lease), now
	m.Attempts++
	act := Activity{ID: cmkit.NewID(), Conversation: id, At: now, Kind: ActivityReplied,
		Text: fmt.Sprintf("taking over answer %s (send %d): %s's lease ended without an outcome", m.ID, m.Attempts, m.By)}
	if err := ib.commit(ctx, Write{Conversations: []Conversation{c}, Messages: []Message{m}, Activities: []Activity{act}}); err != nil {
		return false, ignoreConflict(err) // another process or a person got there first
	}
	ib.stored(&c)
	m.Version++
	_, err = ib.send(ctx, c, m, plan, prev, true)
	return true, err
}

// resendPlan returns what sending m again takes, or why it may not be
// sent again.
func (ib *Inbox) resendPlan(c *Conversation, m *Message) (replyPlan, string) {
	reg, ok := ib.channel(c.Channel)
	if !ok {
		return replyPlan{}, "the inbox does not have its channel"
	}
	replier, ok := reg.ch.(cmkit.Replier)
	if !ok {
		return replyPlan{}, "its channel cannot answer"
	}
	switch {
	case m.Attempts >= maxReplyAttempts:
		return replyPlan{}, fmt.Sprintf("it was sent %d times already", m.Attempts)
	case reg.info.RetrySafety == cmkit.RetryIdempotent:
	case reg.info.RetrySafety == cmkit.RetryAfterLookup:
		if _, ok := reg.ch.(cmkit.PostFinder); !ok {
			return replyPlan{}, "its channel cannot look posts up"
		}
	default:
		return replyPlan{}, "its channel cannot be retried safely"
	}
	post := cmkit.Post{ID: m.ID, Text: m.Mention.Text, Language: m.Mention.Language, InReplyTo: m.Mention.InReplyTo}
	return replyPlan{replier: replier, ch: reg.ch, info: reg.info, to: Message{Mention: cmkit.Mention{ID: m.Mention.InReplyTo}}, post: post}, ""
}

// ignoreConflict drops an error wrapping cmkit.ErrConflict: another
// process or a person changed the record first, which is theirs to finish.
func ignoreConflict(err error) error {
	if errors.Is(err, cmkit.ErrConflict) {
		return nil
	}
	return err
}
