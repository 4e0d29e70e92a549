package inbox

// This file holds the routing of conversations to customer service: the
// Handoff interface the product's helpdesk implements, Route, and the
// delivery step the Run loop calls.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// Handoff is the product's helpdesk (Zendesk, Freshdesk, its own ticket
// system) as the inbox needs it: one call that creates the ticket
// identified by Ticket.Key, or updates it when it exists.
//
// Delivery is at least once: the inbox calls Handoff before it records the
// outcome, so a crash in between repeats the call with the same Key, and
// an ambiguous failure (a timeout) is retried. Implementations must
// therefore be idempotent on Key: a second call with a Key they know
// updates that ticket and returns its reference, never a second ticket.
//
// Handoff returns the ticket's reference. Errors are classified as
// cmkit.Classify reads them: a permanent one (cmkit.ErrPermanent,
// ErrInvalid, ErrForbidden, ...) stops the retries and a person looks; any
// other is retried with backoff, a *cmkit.RateLimitError after its
// RetryAfter at the earliest. It must honour ctx and be safe for
// concurrent use.
type Handoff interface {
	Handoff(ctx context.Context, t Ticket) (ref string, err error)
}

// Ticket is what the helpdesk is told about a routed conversation.
type Ticket struct {
	// Key is the idempotency key: "conversation/<ID>", the same on every
	// retry and update of this conversation's ticket.
	Key string `json:"key"`
	// Conversation is the conversation's ID.
	Conversation uuid.UUID `json:"conversation"`
	// Ref is the helpdesk's reference when an earlier call returned one
	// (an update); empty for a new ticket.
	Ref string `json:"ref,omitempty"`
	// Channel and Platform are where the customer wrote.
	Channel string `json:"channel"`
	// Platform is the channel's platform.
	Platform cmkit.Platform `json:"platform,omitempty"`
	// Resource is the conversation's brand, country, product and topic,
	// for the helpdesk's own routing.
	Resource roles.Resource `json:"resource"`
	// Person identifies the customer across channels.
	Person string `json:"person"`
	// Author is the customer's account as last seen.
	Author cmkit.Author `json:"author"`
	// Priority is the conversation's priority (0 to 1000).
	Priority int `json:"priority,omitempty"`
	// Language is the conversation's language.
	Language string `json:"language,omitempty"`
	// Subject is the start of the first customer message, at most 80
	// characters.
	Subject string `json:"subject"`
	// Reason is why it was routed.
	Reason string `json:"reason,omitempty"`
	// Labels are the conversation's labels.
	Labels []string `json:"labels,omitempty"`
	// Messages are the conversation's most recent messages (up to 20),
	// oldest first.
	Messages []Message `json:"messages"`
}

// HandoffRetry is how deliveries to the helpdesk are retried: after the
// n-th failed call the next waits Base × 2^(n-1), at most Max, and never
// less than a rate limit's RetryAfter; after Attempts calls the handoff
// fails for a person to look at.
type HandoffRetry struct {
	// Base is the first wait (default 30 s).
	Base time.Duration
	// Max caps the wait (default 1 h).
	Max time.Duration
	// Attempts is how many calls are made before giving up (default 20).
	Attempts int
}

// The defaults of HandoffRetry.
const (
	defaultHandoffBase     = 30 * time.Second
	defaultHandoffMax      = time.Hour
	defaultHandoffAttempts = 20
	ticketMessages         = 20
	maxReasonBytes         = 1000
	maxSubjectRunes        = 80
)

// WithHandoff sets the helpdesk that routed conversations are handed to.
func WithHandoff(h Handoff) Option {
	return func(ib *Inbox) error {
		if h == nil {
			return cmkit.Invalid("WithHandoff", "required", "nil Handoff")
		}
		ib.work.handoff = h
		return nil
	}
}

// WithHandoffRetry sets how deliveries to the helpdesk are retried; zero
// fields keep their defaults. Negative values, or a Max below Base, are an
// error wrapping cmkit.ErrInvalid.
func WithHandoffRetry(r HandoffRetry) Option {
	return func(ib *Inbox) error {
		switch {
		case r.Base < 0:
			return cmkit.Invalid("WithHandoffRetry.Base", "range", "%s is negative", r.Base)
		case r.Max < 0:
			return cmkit.Invalid("WithHandoffRetry.Max", "range", "%s is negative", r.Max)
		case r.Attempts < 0:
			return cmkit.Invalid("WithHandoffRetry.Attempts", "range", "%d is negative", r.Attempts)
		}
		r = r.withDefaults()
		if r.Max < r.Base {
			return cmkit.Invalid("WithHandoffRetry.Max", "range", "%s is below Base %s", r.Max, r.Base)
		}
		ib.work.retry = r
		return nil
	}
}

func (r HandoffRetry) withDefaults() HandoffRetry {
	if r.Base == 0 {
		r.Base = defaultHandoffBase
	}
	if r.Max == 0 {
		r.Max = defaultHandoffMax
	}
	if r.Attempts == 0 {
		r.Attempts = defaultHandoffAttempts
	}
	return r
}

// wait is how long to wait after the n-th failed call (n ≥ 1), given the
// failure err.
func (r HandoffRetry) wait(n int, err error) time.Duration {
	r = r.withDefaults()
	d := r.Max
	if n-1 < 62 && r.Base<<(n-1) > 0 && r.Base<<(n-1) < r.Max {
		d = r.Base << (n - 1)
	}
	if rl := (*cmkit.RateLimitError)(nil); errors.As(err, &rl) && rl.RetryAfter > d {
		d = rl.RetryAfter
	}
	return d
}

// handoffKey is the idempotency key of a conversation's ticket.
func handoffKey(id uuid.UUID) string { return "conversation/" + id.String() }

// routeTo marks c for customer service: its ticket is due now (created,
// or updated with the latest state when it exists), with the reason, and
// c is StatusEscalated. Ingest uses it for rules that route (Triage.Support).
func routeTo(c *Conversation, reason string, now time.Time) {
	c.Handoff = HandoffState{Status: HandoffPending, Key: handoffKey(c.ID), Ref: c.Handoff.Ref, NextAt: now, Reason: reason}
	setStatus(c, StatusEscalated, now)
}

// Route hands conversation id, read at version, to customer service, for
// the acting member, who needs roles.RouteMention on its Resource: the
// conversation becomes StatusEscalated and its ticket pending, due at once
// (Conversation.Handoff, Key "conversation/<id>"); the next Handoffs step
// delivers it. Routing a conversation again updates the same ticket.
// reason (1 to 1,000 bytes) goes on the ticket. Without WithHandoff the
// error wraps cmkit.ErrUnsupported.
func (ib *Inbox) Route(ctx context.Context, id uuid.UUID, version uint64, reason string) (Conversation, error) {
	if ib.work.handoff == nil {
		return Conversation{}, cmkit.Errorf(cmkit.ErrUnsupported, "inbox: no helpdesk to route to (WithHandoff)")
	}
	if err := checkText("reason", reason, maxReasonBytes, true); err != nil {
		return Conversation{}, err
	}
	return ib.update(ctx, id, version, change{perm: roles.RouteMention, kind: ActivityHandoff, event: EventRouted,
		apply: func(_ context.Context, c *Conversation, _ *Write, _ string, now time.Time) (string, bool, error) {
			routeTo(c, reason, now)
			return "routed: " + reason, true, nil
		}})
}

// Handoffs runs one delivery step and returns how many tickets the
// helpdesk took; the Run loop calls it. Every conversation whose handoff
// is pending and due (Filter.HandoffDue) is sent as a Ticket, then the
// outcome is committed:
//
//   - taken: HandoffDone, the reference kept in Handoff.Ref;
//   - a permanent failure, or the last attempt (HandoffRetry.Attempts):
//     HandoffFailed with LastError, and EventHandoffFailed;
//   - any other failure: Attempts counted and NextAt set by HandoffRetry
//     (exponential, capped, never before a rate limit's RetryAfter).
//
// The step is deterministic on the inbox's clock: it sleeps nowhere and
// starts no goroutine; what is not due waits for a later step. The call
// comes before the commit, so a crash in between repeats it with the
// same Key (the helpdesk dedupes, see Handoff). When the conversation is
// routed again while its ticket is in flight, the newer routing stays
// pending and is delivered next.
func (ib *Inbox) Handoffs(ctx context.Context) (int, error) {
	if ib.work.handoff == nil {
		return 0, nil
	}
	now := ib.now()
	var due []Conversation
	for c, err := range ib.store.Conversations(ctx, Filter{HandoffDue: now}) {
		if err != nil {
			return 0, err
		}
		due = append(due, c)
	}
	n := 0
	for _, c := range due {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		t, err := ib.ticket(ctx, &c)
		if err != nil {
			return n, err
		}
		ref, callErr := ib.work.handoff.Handoff(ctx, t)
		if err := ib.handedOff(context.WithoutCancel(ctx), c, ref, callErr); err != nil {
			return n, err
		}
		if callErr == nil {
			n++
		}
	}
	return n, ctx.Err()
}

// ticket builds c's Ticket.
func (ib *Inbox) ticket(ctx context.Context, c *Conversation) (Ticket, error) {
	t := Ticket{Key: c.Handoff.Key, Conversation: c.ID, Ref: c.Handoff.Ref, Channel: c.Channel, Resource: c.Resource,
		Person: c.Person, Author: c.Author, Priority: c.Priority, Language: c.Language, Reason: c.Handoff.Reason,
		Labels: c.Labels}
	if t.Key == "" {
		t.Key = handoffKey(c.ID)
	}
	if reg, ok := ib.channel(c.Channel); ok {
		t.Platform = reg.info.Platform
	}
	ring := make([]Message, 0, ticketMessages)
	seen := 0
	for m, err := range ib.store.Messages(ctx, c.ID) {
		if err != nil {
			return Ticket{}, err
		}
		if t.Subject == "" && m.Direction == Inbound {
			t.Subject = subject(m.Mention.Text)
		}
		if len(ring) < ticketMessages {
			ring = append(ring, m)
		} else {
			ring[seen%ticketMessages] = m
		}
		seen++
	}
	if seen > ticketMessages { // oldest first
		k := seen % ticketMessages
		ring = append(ring[k:], ring[:k]...)
	}
	t.Messages = ring
	return t, nil
}

// subject is the first line of text, cut at a word within 80 characters.
func subject(text string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(text), "\n")
	line = strings.TrimSpace(line)
	if utf8.RuneCountInString(line) <= maxSubjectRunes {
		return line
	}
	cut, n := 0, 0
	for i := range line {
		if n == maxSubjectRunes-1 {
			cut = i
			break
		}
		n++
	}
	if sp := strings.LastIndexByte(line[:cut], ' '); line[cut] != ' ' && sp > cut/2 {
		cut = sp // do not cut a word
	}
	return strings.TrimSpace(line[:cut]) + "…"
}

// sameHandoff reports whether a and b are the same routing in the same
// state.
func sameHandoff(a, b *HandoffState) bool {
	return a.Status == b.Status && a.Key == b.Key && a.Ref == b.Ref && a.Attempts == b.Attempts &&
		a.NextAt.Equal(b.NextAt) && a.LastError == b.LastError && a.Reason == b.Reason
}

// handedOff commits the outcome of the call for c's ticket. When c changed
// meanwhile it reads it again; when its routing changed (routed again),
// only a new reference is kept and the newer routing stays pending.
func (ib *Inbox) handedOff(ctx context.Context, c Conversation, ref string, callErr error) error {
	sent := c.Handoff
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			var err error
			if c, err = ib.store.Conversation(ctx, c.ID); err != nil {
				return err
			}
		}
		now := ib.now()
		h := &c.Handoff
		var kind InboxEventKind
		var text string
		switch {
		case !sameHandoff(h, &sent):
			if callErr != nil || ref == "" || h.Ref != "" {
				return nil // routed again meanwhile: that routing is delivered next
			}
			h.Ref, text = ref, "ticket "+ref
		case callErr == nil:
			h.Status, h.Attempts, h.NextAt, h.LastError = HandoffDone, h.Attempts+1, time.Time{}, ""
			if ref != "" {
				h.Ref = ref
			}
			kind, text = EventHandoffDone, "ticket "+h.Ref
		default:
			h.Attempts++
			h.LastError = callErr.Error()
			retry := ib.work.retry.withDefaults()
			switch {
			case cmkit.Classify(callErr) == cmkit.Permanent:
				h.Status, h.NextAt = HandoffFailed, time.Time{}
				kind, text = EventHandoffFailed, "failed: "+h.LastError
			case h.Attempts >= retry.Attempts:
				h.Status, h.NextAt = HandoffFailed, time.Time{}
				h.LastError = fmt.Sprintf("gave up after %d attempts: %s", h.Attempts, h.LastError)
				kind, text = EventHandoffFailed, "failed: "+h.LastError
			default:
				h.NextAt = now.Add(retry.wait(h.Attempts, callErr))
				kind, text = EventHandoffRetry, fmt.Sprintf("attempt %d failed, next at %s: %s", h.Attempts, h.NextAt.Format(time.RFC3339), h.LastError)
			}
		}
		c.UpdatedAt = now
		act := Activity{ID: cmkit.NewID(), Conversation: c.ID, At: now, Kind: ActivityHandoff, Text: text}
		err := ib.commit(ctx, Write{Conversations: []Conversation{c}, Activities: []Activity{act}})
		if err == nil {
			ib.stored(&c)
			if kind != "" {
				ib.emit(InboxEvent{Kind: kind, At: now, Conversation: c, Text: text})
			}
			return nil
		}
		if !errors.Is(err, cmkit.ErrConflict) || attempt+1 == maxCommitAttempts {
			return err
		}
	}
}
