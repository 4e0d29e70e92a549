package inbox

// This file holds replies: collision detection, the write fence, the call
// to the channel's Replier and the recorded outcome.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/clockctx"
	"github.com/cmkit/cmkit/roles"
)

// ReplyRequest is what a member answers with.
type ReplyRequest struct {
	// Text is the answer as written. Give Text or Canned, not both.
	Text string
	// Canned is the ID of a canned response to send instead, in the
	// conversation's language (see CannedResponse).
	Canned string
	// Values give canned placeholders other words ({agent} as a display
	// name, say); only {handle}, {agent}, {brand} and {channel} may be set.
	Values map[string]string
	// To is the inbound message answered (its Message.ID); the zero UUID
	// answers the latest inbound message that was not deleted.
	To uuid.UUID
	// Waiting says the answer asks the customer something: the
	// conversation becomes StatusWaiting instead of StatusReplied.
	Waiting bool
}

// maxReplyBytes bounds a reply's text before the platform's own limits
// are checked.
const maxReplyBytes = 64 << 10

// ReplyChecker checks an answer before it is sent: the style guide's
// brand voice, banned words, a tone for complaints. The product wires its
// styleguide.Guide (or anything else) through this interface, so that the
// inbox depends on no particular checker. CheckReply returns nil to let
// the answer go, and otherwise an error, which Reply returns unchanged in
// its chain; an error wrapping cmkit.ErrInvalid that names the finding is
// what a member can act on.
type ReplyChecker interface {
	CheckReply(ctx context.Context, info cmkit.ChannelInfo, lang, text string) error
}

// WithReplyChecker sets the checker every answer passes before it is
// sent, after the platform's limits.
func WithReplyChecker(c ReplyChecker) Option {
	return func(ib *Inbox) error {
		if c == nil {
			return cmkit.Invalid("WithReplyChecker", "required", "nil ReplyChecker")
		}
		ib.work.checker = c
		return nil
	}
}

// ReplyConflict is the error of a member whose answer collided with
// another: the conversation was answered (or an answer was started) after
// the version the member read. It wraps cmkit.ErrConflict; reach it with
// errors.As to say who answered and when.
type ReplyConflict struct {
	// Conversation is the conversation.
	Conversation uuid.UUID
	// By is the member who answered.
	By string
	// At is when: the platform's time for a sent answer, otherwise when
	// it was started. Zero when the answer's record cannot be read.
	At time.Time
	// Message is the other answer's message (uuid.Nil when unknown).
	Message uuid.UUID
	// Delivery is where that answer stands (sending, sent or unknown).
	Delivery Delivery
}

// Error reads "inbox: conversation C already answered by ana at TIME
// (sent): ...".
func (e *ReplyConflict) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "inbox: conversation %s already answered by %s", e.Conversation, e.By)
	if !e.At.IsZero() {
		fmt.Fprintf(&b, " at %s", e.At.Format(time.RFC3339))
	}
	if e.Delivery != "" {
		fmt.Fprintf(&b, " (%s)", e.Delivery)
	}
	b.WriteString(": re-read it before answering")
	return b.String()
}

// Unwrap returns cmkit.ErrConflict.
func (e *ReplyConflict) Unwrap() error { return cmkit.ErrConflict }

// replyKey binds the answer started at a conversation's version to its
// message, so a collision can say who answered and when.
func replyKey(id uuid.UUID, version uint64) string {
	return fmt.Sprintf("reply/%s/%d", id, version)
}

// itemKey binds a platform item to its message.
func itemKey(channel, platformID string) string { return "item/" + channel + "/" + platformID }

// replyPlan is an answer ready to be fenced and sent.
type replyPlan struct {
	replier cmkit.Replier
	ch      cmkit.Channel
	info    cmkit.ChannelInfo
	to      Message
	post    cmkit.Post
}

// Reply answers conversation id on its channel, for the acting member, who
// needs roles.ReplyMention on its Resource and read it at seenVersion.
//
// Collision detection: when the team started an answer after seenVersion
// (Conversation.ReplyVersion > seenVersion) and that answer did not fail,
// or an answer is still being sent (Conversation.ReplyUntil is set), Reply
// sends nothing and returns a *ReplyConflict (wrapping cmkit.ErrConflict)
// naming who answered and when: one answer is in flight per conversation
// at a time. Changes other than answers (labels, notes, status) since
// seenVersion do not block it.
//
// Before anything is written the text (given, or the canned response
// filled for the conversation's language) is checked with the platform's
// own counting (cmkit.Limits.ValidatePost) and then by the ReplyChecker,
// if any; a channel without cmkit.Replier gives an error wrapping
// cmkit.ErrUnsupported.
//
// Then the write fence: the outbound Message (DeliverySending, By the
// member) and the conversation's ReplyVersion and ReplyBy are committed
// at the version just read, so of two members answering at once exactly
// one gets past it; the other gets the *ReplyConflict naming the first,
// even while the first is still waiting for the platform. The fence also
// starts the sender's lease (Conversation.ReplyUntil, WithReplyLease).
// Only then is the channel called, with a cmkit.Post whose ID is the
// message's ID, within the call timeout on the inbox's clock: the caller's
// context ending does not cut the call short, so its outcome is still
// recorded. The outcome is committed:
//
//   - sent: the receipt is kept, "item/<channel>/<platform ID>" is bound
//     to the message (so replies to the answer join the conversation),
//     FirstResponseAt and LastResponseAt are set, AwaitingSince is
//     cleared, and an open conversation becomes StatusReplied, or
//     StatusWaiting with ReplyRequest.Waiting (Escalated stays);
//   - failed (the platform refused it, or a transient failure; nothing was
//     published): the fence is lifted, so the next answer does not
//     collide with it, and the error wraps the channel's;
//   - unknown (the call's outcome is ambiguous): the answer may be out,
//     so the fence stays and a person verifies on the platform
//     (VerifyReply). Before giving up, Reply retries only when the
//     channel's RetrySafety makes it safe: with the same Post.ID on a
//     RetryIdempotent channel, after FindPost answers cmkit.ErrNotFound on
//     a RetryAfterLookup one. The error wraps cmkit.ErrAmbiguous.
//
// If the process dies before the outcome is committed, the answer stays
// "sending" and keeps its fence; once the lease has ended, RecoverReplies
// (run by Step) takes it over.
//
// It returns the outbound message as stored, with an error unless it was
// sent.
func (ib *Inbox) Reply(ctx context.Context, id uuid.UUID, seenVersion uint64, req ReplyRequest) (Message, error) {
	actor, err := actorOf(ctx)
	if err != nil {
		return Message{}, err
	}
	if err := requireVersion(seenVersion); err != nil {
		return Message{}, err
	}
	if err := ib.checkRequest(&req); err != nil {
		return Message{}, err
	}
	var (
		c       Conversation
		plan    replyPlan
		checked string // the text the ReplyChecker last passed
		m       = Message{ID: cmkit.NewID(), Conversation: id, Direction: Outbound, By: actor, Delivery: DeliverySending,
			Attempts: 1, Waiting: req.Waiting}
	)
	for attempt := 0; ; attempt++ {
		if c, err = ib.store.Conversation(ctx, id); err != nil {
			return Message{}, err
		}
		if attempt == 0 {
			if err := ib.team.Check(ctx, roles.ReplyMention, c.Resource); err != nil {
				return Message{}, err
			}
		}
		switch {
		case seenVersion > c.Version:
			return Message{}, stale(&c, seenVersion)
		case c.ReplyVersion > seenVersion, !c.ReplyUntil.IsZero():
			return Message{}, ib.collision(ctx, &c)
		}
		if plan, err = ib.planReply(ctx, &c, actor, &req, m.ID, &checked); err != nil {
			return Message{}, err
		}
		now := ib.now()
		m.Seq, m.ReceivedAt = c.Messages+1, now
		m.Mention = cmkit.Mention{ChannelID: c.Channel, Kind: replyKind(plan.to.Mention.Kind), Author: cmkit.Author{Handle: plan.info.Handle},
			Text: plan.post.Text, Language: plan.post.Language, InReplyTo: plan.post.InReplyTo, CreatedAt: now}
		prev := c
		c.Messages++
		c.ReplyVersion, c.ReplyBy, c.ReplyUntil, c.UpdatedAt = c.Version+1, actor, now.Add(ib.work.lease), now
		act := Activity{ID: cmkit.NewID(), Conversation: id, At: now, By: actor, Kind: ActivityReplied,
			Text: "answering " + plan.to.Mention.ID}
		err = ib.commit(ctx, Write{Conversations: []Conversation{c}, Messages: []Message{m}, Activities: []Activity{act},
			Keys: []Key{{Name: replyKey(id, c.ReplyVersion), Ref: Ref{Conversation: id, Message: m.ID}}}})
		if err == nil {
			ib.stored(&c)
			m.Version++
			return ib.send(ctx, c, m, plan, prev, false)
		}
		if !errors.Is(err, cmkit.ErrConflict) || attempt+1 == maxCommitAttempts {
			return Message{}, err
		}
		// Another change got in first; if it was an answer, the next
		// round reports the collision.
	}
}

// collision returns the *ReplyConflict of c's latest answer.
func (ib *Inbox) collision(ctx context.Context, c *Conversation) error {
	e := &ReplyConflict{Conversation: c.ID, By: c.ReplyBy}
	if ref, err := ib.store.Lookup(ctx, replyKey(c.ID, c.ReplyVersion)); err == nil {
		if m, err := ib.store.Message(ctx, ref.Message); err == nil {
			e.Message, e.At, e.Delivery = m.ID, m.ReceivedAt, m.Delivery
			if m.Delivery == DeliverySent {
				e.At = m.Receipt.PublishedAt
			}
		}
	}
	return e
}

func replyKind(k cmkit.MentionKind) cmkit.MentionKind {
	if k == cmkit.KindDirectMessage {
		return k
	}
	return cmkit.KindReply
}

func (ib *Inbox) checkRequest(req *ReplyRequest) error {
	switch {
	case req.Text != "" && req.Canned != "":
		return cmkit.Invalid("text", "conflict", "give Text or Canned, not both")
	case req.Text == "" && req.Canned == "":
		return cmkit.Invalid("text", "required", "give Text or Canned")
	case req.Canned != "":
		if _, ok := ib.work.byID[req.Canned]; !ok {
			return cmkit.Invalid("canned", "unknown", "no canned response %q", req.Canned)
		}
	case len(req.Text) > maxReplyBytes || !utf8.ValidString(req.Text):
		return cmkit.Invalid("text", "format", "an answer is at most %d bytes of UTF-8", maxReplyBytes)
	}
	return checkValues(req.Values)
}

// planReply finds what answering c takes: the channel and its Replier,
// the message answered, and the post, checked by the platform's counting
// and the ReplyChecker (skipped when it passed the same text before).
func (ib *Inbox) planReply(ctx context.Context, c *Conversation, actor string, req *ReplyRequest, id uuid.UUID, checked *string) (replyPlan, error) {
	reg, ok := ib.channel(c.Channel)
	if !ok {
		return replyPlan{}, cmkit.Errorf(cmkit.ErrNotFound, "inbox: conversation %s is on channel %q, which the inbox does not have (WithChannels)", c.ID, c.Channel)
	}
	replier, ok := reg.ch.(cmkit.Replier)
	if !ok {
		return replyPlan{}, &cmkit.UnsupportedError{Channel: reg.info.ID, Capability: cmkit.CapReply, Detail: "answer on the platform"}
	}
	to, err := ib.answered(ctx, c, req.To)
	if err != nil {
		return replyPlan{}, err
	}
	p := cmkit.Post{ID: id, Text: req.Text, Language: c.Language, InReplyTo: to.Mention.ID}
	if req.Canned != "" {
		vars := newFillVars(c, reg.info, actor, req.Values)
		r, ok := ib.cannedFor(&ib.work.canned[ib.work.byID[req.Canned]], c, &vars)
		if !ok {
			return replyPlan{}, cmkit.Invalid("canned", "language", "canned response %q has no text for %q and no \"*\" text", req.Canned, c.Language)
		}
		p.Text = r.Text
		if r.Lang != "*" {
			p.Language = r.Lang
		}
	}
	if strings.TrimSpace(p.Text) == "" {
		return replyPlan{}, cmkit.Invalid("text", "required", "the answer is blank")
	}
	if err := reg.info.Limits.ValidatePost(p); err != nil {
		return replyPlan{}, fmt.Errorf("inbox: the answer does not fit %s: %w", reg.info.ID, err)
	}
	if ib.work.checker != nil && *checked != p.Text {
		if err := ib.work.checker.CheckReply(ctx, reg.info, p.Language, p.Text); err != nil {
			return replyPlan{}, fmt.Errorf("inbox: the answer does not pass the style check: %w", err)
		}
		*checked = p.Text
	}
	return replyPlan{replier: replier, ch: reg.ch, info: reg.info, to: to, post: p}, nil
}

// answered returns the inbound message an answer is for: to, which must
// be an inbound message of c, or by default the latest inbound message
// that was not deleted.
func (ib *Inbox) answered(ctx context.Context, c *Conversation, to uuid.UUID) (Message, error) {
	if to != uuid.Nil {
		return ib.messageOf(ctx, "to", c.ID, to, Inbound)
	}
	var last Message
	for m, err := range ib.store.Messages(ctx, c.ID) {
		if err != nil {
			return Message{}, err
		}
		if m.Direction == Inbound && !(m.Action.Do == "delete" && m.Action.Delivery == DeliverySent) {
			last = m
		}
	}
	if last.ID == uuid.Nil {
		return Message{}, cmkit.Invalid("to", "required", "conversation %s has no inbound message to answer", c.ID)
	}
	return last, nil
}

// messageOf returns message id, which must be a message of conversation
// conv in direction dir; otherwise an error wrapping cmkit.ErrInvalid
// names field.
func (ib *Inbox) messageOf(ctx context.Context, field string, conv, id uuid.UUID, dir Direction) (Message, error) {
	m, err := ib.store.Message(ctx, id)
	switch {
	case errors.Is(err, cmkit.ErrNotFound):
		return Message{}, cmkit.Invalid(field, "exists", "no message %s", id)
	case err != nil:
		return Message{}, err
	case m.Conversation != conv || m.Direction != dir:
		return Message{}, cmkit.Invalid(field, string(dir)+"bound", "message %s is not an %sbound message of conversation %s", id, dir, conv)
	}
	return m, nil
}

// maxReplyCalls bounds the calls to the platform for one send.
const maxReplyCalls = 3

// callReplier calls the platform, retrying an ambiguous failure only as the
// channel's RetrySafety allows. maybe says an earlier send of the same
// answer may be out already (a takeover): a RetryAfterLookup channel is
// asked first. It returns the receipt, or the last error and whether the
// answer may have been published.
func callReplier(ctx context.Context, plan *replyPlan, maybe bool) (rc cmkit.Receipt, err error, out bool) {
	if maybe && plan.info.RetrySafety == cmkit.RetryAfterLookup {
		found, ok, ferr := lookupReply(ctx, plan)
		switch {
		case ok:
			return found, nil, false
		case ferr != nil:
			return rc, ferr, true
		}
		maybe = false
	}
	for calls := 0; calls < maxReplyCalls; calls++ {
		rc, err = plan.replier.Reply(ctx, plan.to.Mention.ID, plan.post)
		if err == nil {
			return rc, nil, false
		}
		if cmkit.Classify(err) != cmkit.Ambiguous {
			return rc, err, maybe // refused now; an earlier ambiguous call may still be out
		}
		maybe = true
		switch plan.info.RetrySafety {
		case cmkit.RetryIdempotent:
			// The same Post.ID is published at most once: retry.
		case cmkit.RetryAfterLookup:
			found, ok, ferr := lookupReply(ctx, plan)
			switch {
			case ok:
				return found, nil, false
			case ferr != nil:
				return rc, err, true
			}
			maybe = false // certainly not out: retry
		default:
			return rc, err, true
		}
	}
	return rc, err, maybe
}

// lookupReply asks a RetryAfterLookup channel whether the answer is out:
// found, certainly not (ok false, nil error), or unknown (an error).
func lookupReply(ctx context.Context, plan *replyPlan) (cmkit.Receipt, bool, error) {
	finder, ok := plan.ch.(cmkit.PostFinder)
	if !ok {
		return cmkit.Receipt{}, false, errors.New("the channel declares RetryAfterLookup but cannot look posts up (cmkit.PostFinder)")
	}
	found, err := finder.FindPost(ctx, plan.post.ID)
	switch {
	case err == nil:
		return found, true, nil
	case errors.Is(err, cmkit.ErrNotFound):
		return cmkit.Receipt{}, false, nil
	}
	return cmkit.Receipt{}, false, fmt.Errorf("looking the answer up: %w", err)
}

// send calls the platform for the fenced answer m of c, within the call
// timeout on the inbox's clock, and commits the outcome. prev is the
// conversation as it was before the fence; takeover says an earlier send
// may be out (RecoverReplies), and then a refusal keeps the fence.
func (ib *Inbox) send(ctx context.Context, c Conversation, m Message, plan replyPlan, prev Conversation, takeover bool) (Message, error) {
	callCtx, cancel := clockctx.WithTimeout(ctx, ib.clock, ib.work.call)
	rc, callErr, maybe := callReplier(callCtx, &plan, takeover)
	cancel()
	o := replyOutcome{delivery: DeliverySent, receipt: rc, by: m.By, waiting: m.Waiting, fence: c.ReplyVersion,
		prevVersion: prev.ReplyVersion, prevBy: prev.ReplyBy}
	o.keepFence = takeover
	var err error
	switch {
	case callErr == nil:
	case maybe:
		o.delivery = DeliveryUnknown
		err = cmkit.Errorf(cmkit.ErrAmbiguous, "inbox: answer %s to conversation %s may or may not be published: verify on %s (VerifyReply): %w",
			m.ID, c.ID, plan.info.ID, callErr)
	default:
		o.delivery = DeliveryFailed
		err = fmt.Errorf("inbox: answer %s to conversation %s was not published: %w", m.ID, c.ID, callErr)
	}
	if err != nil {
		o.text = err.Error()
	}
	// The outcome is written even when the caller's context ended during
	// the call: it is what happened on the platform.
	m, werr := ib.settleReply(context.WithoutCancel(ctx), c, m, o)
	if werr != nil {
		return m, errors.Join(err, fmt.Errorf("inbox: answer %s: recording the outcome (%s): %w", m.ID, o.delivery, werr))
	}
	return m, err
}

// replyOutcome is how an answer ended.
type replyOutcome struct {
	delivery Delivery
	receipt  cmkit.Receipt
	by       string // who records it
	waiting  bool
	text     string // the error, for people
	// fence is the ReplyVersion the answer set (0 when the conversation's
	// fence belongs to another answer); prevVersion and prevBy what it
	// replaced, restored when the answer failed unless keepFence.
	fence       uint64
	keepFence   bool
	prevVersion uint64
	prevBy      string
}

// settleReply commits the outcome o of answer m on conversation c (as last
// read), reading c again when other changes got in first.
func (ib *Inbox) settleReply(ctx context.Context, c Conversation, m Message, o replyOutcome) (Message, error) {
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			var err error
			if c, err = ib.store.Conversation(ctx, c.ID); err != nil {
				return m, err
			}
			stored, err := ib.store.Message(ctx, m.ID)
			if err != nil {
				return m, err
			}
			if stored.Version != m.Version {
				// Someone settled or took the answer over meanwhile (this
				// sender outlived its lease). Only an acceptance by the
				// platform is news; anything else is theirs to record.
				switch {
				case o.delivery == DeliverySent && stored.Delivery == DeliverySent:
					return stored, nil
				case o.delivery != DeliverySent:
					return stored, cmkit.Errorf(cmkit.ErrConflict, "inbox: answer %s was settled or taken over while this call ran (its lease ended), "+
						"so this outcome (%s) is not recorded; it is %s", m.ID, o.delivery, stored.Delivery)
				}
				m = stored
			}
		}
		now := ib.now()
		next, nm := c, m
		nm.Delivery = o.delivery
		next.UpdatedAt = now
		fenced := o.fence != 0 && next.ReplyVersion == o.fence // the conversation's fence is this answer's
		if fenced && o.delivery != DeliverySending {
			next.ReplyUntil = time.Time{}
		}
		act := Activity{ID: cmkit.NewID(), Conversation: c.ID, At: now, By: o.by, Kind: ActivityReplied}
		var keys []Key
		switch o.delivery {
		case DeliverySent:
			nm.Receipt = o.receipt
			nm.Mention.ID, nm.Mention.URL = o.receipt.PlatformID, o.receipt.URL
			if !o.receipt.PublishedAt.IsZero() {
				nm.Mention.CreatedAt = o.receipt.PublishedAt
			}
			if next.FirstResponseAt.IsZero() {
				next.FirstResponseAt = now
			}
			next.LastResponseAt, next.AwaitingSince = now, time.Time{}
			if !next.Status.Closed() && next.Status != StatusEscalated {
				next.Status = StatusReplied
				if o.waiting {
					next.Status = StatusWaiting
				}
			}
			act.Text = "sent as " + o.receipt.PlatformID
			if o.receipt.PlatformID != "" {
				k := Key{Name: itemKey(c.Channel, o.receipt.PlatformID), Ref: Ref{Conversation: c.ID, Message: m.ID}}
				if ref, err := ib.store.Lookup(ctx, k.Name); err != nil || ref == k.Ref {
					keys = append(keys, k)
				} else {
					ib.log.WarnContext(ctx, "inbox: an answer's platform ID is bound elsewhere", "key", k.Name,
						"conversation", ref.Conversation.String())
				}
			}
		case DeliveryFailed:
			if fenced && !o.keepFence {
				next.ReplyVersion, next.ReplyBy = o.prevVersion, o.prevBy
			}
			act.Text = "failed: " + o.text
		default:
			act.Text = "unknown: " + o.text
		}
		err := ib.commit(ctx, Write{Conversations: []Conversation{next}, Messages: []Message{nm}, Activities: []Activity{act}, Keys: keys})
		if err == nil {
			ib.stored(&next)
			nm.Version++
			if o.by != "" {
				ib.audited(ctx, o.by, "inbox.replied", roles.ReplyMention, &next, act.Text)
			}
			kind := map[Delivery]InboxEventKind{DeliverySent: EventReplySent, DeliveryFailed: EventReplyFailed}[o.delivery]
			if kind == "" {
				kind = EventReplyUnknown
			}
			ib.emit(InboxEvent{Kind: kind, At: now, Conversation: next, Message: &nm, By: o.by, Text: act.Text})
			return nm, nil
		}
		if !errors.Is(err, cmkit.ErrConflict) || attempt+1 == maxCommitAttempts {
			return m, err
		}
	}
}

// VerifyReply records what a person found on the platform about an
// answer whose outcome is unknown (DeliveryUnknown), or still "sending"
// after a crash: published, with the receipt (its PlatformID at least),
// or not published (a nil receipt), which lifts the answer's fence. The
// acting member needs roles.ReplyMention on the conversation's Resource
// and passes the conversation's Version they read. It returns the message
// as stored.
//
// An answer still "sending" under a live lease (Conversation.ReplyUntil
// in the future) may be out any moment: VerifyReply refuses it with an
// error wrapping cmkit.ErrConflict and changes nothing, so a person's
// "not published" never lets a second answer follow one in flight.
func (ib *Inbox) VerifyReply(ctx context.Context, id uuid.UUID, version uint64, message uuid.UUID, published *cmkit.Receipt) (Message, error) {
	if published != nil && published.PlatformID == "" {
		return Message{}, cmkit.Invalid("published.PlatformID", "required", "a published answer has the platform's ID")
	}
	actor, c, _, err := ib.begin(ctx, id, version, func(*Conversation, string) roles.Permission { return roles.ReplyMention })
	if err != nil {
		return Message{}, err
	}
	m, err := ib.messageOf(ctx, "message", id, message, Outbound)
	switch {
	case err != nil:
		return Message{}, err
	case m.Delivery != DeliveryUnknown && m.Delivery != DeliverySending:
		return Message{}, cmkit.Invalid("message", "state", "answer %s is %s, not unknown or sending", message, m.Delivery)
	}
	o := replyOutcome{delivery: DeliveryFailed, by: actor, fence: c.ReplyVersion, text: "not published, " + actor + " verified"}
	if published != nil {
		o.delivery, o.receipt = DeliverySent, *published
		o.receipt.PostID, o.receipt.ChannelID = m.ID, c.Channel
	}
	if ref, err := ib.store.Lookup(ctx, replyKey(id, c.ReplyVersion)); err != nil || ref.Message != m.ID {
		o.fence = 0 // the fence belongs to a later answer: leave it
	}
	if m.Delivery == DeliverySending && o.fence != 0 && c.ReplyUntil.After(ib.now()) {
		return Message{}, cmkit.Errorf(cmkit.ErrConflict, "inbox: answer %s is being sent (%s's lease runs until %s): "+
			"what the platform has now may still change, so verify it once the lease has ended and the inbox has not settled it",
			m.ID, c.ReplyBy, c.ReplyUntil.Format(time.RFC3339))
	}
	return ib.settleReply(ctx, c, m, o)
}
