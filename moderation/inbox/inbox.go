package inbox

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/roles"
)

// Authority is what the inbox needs from the team: permission checks for
// the acting member of a context, and for another member (to assign a
// conversation only to someone who may answer it). *roles.Directory
// implements it.
type Authority interface {
	// Check returns nil when the acting member of ctx may do p on r, and
	// otherwise an error wrapping cmkit.ErrForbidden.
	Check(ctx context.Context, p roles.Permission, r roles.Resource) error
	// Authorize says whether member may do p on r.
	Authorize(ctx context.Context, member string, p roles.Permission, r roles.Resource) (roles.Decision, error)
}

var _ Authority = (*roles.Directory)(nil)

// Inbox is the community team's inbox over every channel: it ingests
// mentions (pulled from cmkit.MentionReader channels or pushed), judges
// each with the moderation engine, groups them into conversations, and
// keeps who owns each, where it stands and what is owed. It is safe for
// concurrent use; long-running work happens in Run.
type Inbox struct {
	store    Store
	engine   atomic.Pointer[moderation.Engine]
	team     Authority
	clock    cmkit.Clock
	log      *slog.Logger
	hook     func(InboxEvent)
	audit    *roles.AuditLog
	identity func(channel, authorID string) string

	mu       sync.RWMutex
	channels map[string]registered

	verdicts sync.Pool // *moderation.Verdict

	ingest ingestConfig // settings of ingest.go and the files it owns
	work   workConfig   // settings of assign.go, reply.go and handoff.go
	sla    slaConfig    // settings of sla.go
	listen listenConfig // settings of listening.go

	runEvery time.Duration // WithRunInterval
}

// registered is a channel the inbox reads from and acts on.
type registered struct {
	ch   cmkit.Channel
	info cmkit.ChannelInfo
}

// Option configures an Inbox.
type Option func(*Inbox) error

// WithTeam sets who may do what (required).
func WithTeam(a Authority) Option {
	return func(ib *Inbox) error {
		if a == nil {
			return cmkit.Invalid("WithTeam", "required", "nil Authority")
		}
		ib.team = a
		return nil
	}
}

// WithEngine sets the rule engine that judges every inbound message
// (required).
func WithEngine(e *moderation.Engine) Option {
	return func(ib *Inbox) error {
		if e == nil {
			return cmkit.Invalid("WithEngine", "required", "nil Engine")
		}
		ib.engine.Store(e)
		return nil
	}
}

// SetEngine replaces the rule engine that judges inbound messages from
// the next batch on, and returns the one it replaced: a crisis plan
// switches to a stricter rule set this way, and back when it is over.
// A batch being judged keeps the engine it started with. A nil engine is
// an error wrapping cmkit.ErrInvalid, and changes nothing.
func (ib *Inbox) SetEngine(e *moderation.Engine) (*moderation.Engine, error) {
	if e == nil {
		return nil, cmkit.Invalid("engine", "required", "nil Engine")
	}
	return ib.engine.Swap(e), nil
}

// WithClock sets the clock that timestamps, SLA timers and retries run
// on (default the system clock).
func WithClock(c cmkit.Clock) Option {
	return func(ib *Inbox) error {
		if c == nil {
			return cmkit.Invalid("WithClock", "required", "nil Clock")
		}
		ib.clock = c
		return nil
	}
}

// WithLogger sets the logger for what happened in the background
// (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(ib *Inbox) error {
		if l == nil {
			return cmkit.Invalid("WithLogger", "required", "nil Logger")
		}
		ib.log = l
		return nil
	}
}

// WithHook sets a function called with every event, after the change it
// describes is stored. It runs on the goroutine that made the change and
// must not block.
func WithHook(h func(InboxEvent)) Option {
	return func(ib *Inbox) error { ib.hook = h; return nil }
}

// WithAuditLog records every change made by a member in l as well.
func WithAuditLog(l *roles.AuditLog) Option {
	return func(ib *Inbox) error { ib.audit = l; return nil }
}

// WithIdentity sets how an author on a channel maps to a person across
// channels (a product that links accounts knows); the default is
// "<channel>/<author ID>".
func WithIdentity(f func(channel, authorID string) string) Option {
	return func(ib *Inbox) error { ib.identity = f; return nil }
}

// WithChannels registers the channels the inbox reads from and answers
// on. A channel ID given twice is an error.
func WithChannels(chs ...cmkit.Channel) Option {
	return func(ib *Inbox) error {
		for i, ch := range chs {
			if ch == nil {
				return cmkit.Invalid("WithChannels", "required", "channel %d is nil", i)
			}
			info := ch.Info()
			if _, dup := ib.channels[info.ID]; dup || info.ID == "" {
				return cmkit.Invalid("WithChannels", "unique", "channel %d: ID %q is empty or given twice", i, info.ID)
			}
			ib.channels[info.ID] = registered{ch: ch, info: info}
		}
		return nil
	}
}

// New returns an Inbox over store. WithTeam and WithEngine are required;
// a bad option is an error wrapping cmkit.ErrInvalid.
func New(store Store, opts ...Option) (*Inbox, error) {
	if store == nil {
		return nil, cmkit.Invalid("store", "required", "nil Store")
	}
	ib := &Inbox{store: store, channels: map[string]registered{}}
	for _, o := range opts {
		if err := o(ib); err != nil {
			return nil, err
		}
	}
	switch {
	case ib.team == nil:
		return nil, cmkit.Invalid("WithTeam", "required", "an inbox authorizes every change through a team")
	case ib.engine.Load() == nil:
		return nil, cmkit.Invalid("WithEngine", "required", "an inbox judges every message with a rule engine")
	}
	if ib.clock == nil {
		ib.clock = cmkit.SystemClock()
	}
	if ib.work.lease == 0 {
		ib.work.lease, ib.work.call = DefaultReplyLease, DefaultReplyCallTimeout
	}
	if ib.log == nil {
		ib.log = slog.Default()
	}
	if ib.identity == nil {
		ib.identity = func(channel, authorID string) string { return channel + "/" + authorID }
	}
	ib.verdicts.New = func() any { return new(moderation.Verdict) }
	return ib, nil
}

// newID returns a new UUID v7 (uuid.New when the clock source fails).
func newID() uuid.UUID {
	if id, err := uuid.NewV7(); err == nil {
		return id
	}
	return uuid.New()
}

// channel returns the registered channel with the given ID.
func (ib *Inbox) channel(id string) (registered, bool) {
	ib.mu.RLock()
	defer ib.mu.RUnlock()
	r, ok := ib.channels[id]
	return r, ok
}

// now is the inbox's clock.
func (ib *Inbox) now() time.Time { return ib.clock.Now() }

// InboxEventKind says what an InboxEvent reports.
type InboxEventKind string

// InboxEvent reports something that happened in the inbox, after it was
// stored.
type InboxEvent struct {
	// Kind says what happened.
	Kind InboxEventKind
	// At is when, on the inbox's clock.
	At time.Time
	// Conversation is the conversation concerned (as stored after the
	// change).
	Conversation Conversation
	// Message is the message concerned, when one is.
	Message *Message
	// By is the acting member; empty for the inbox itself.
	By string
	// Text says more, for people and logs.
	Text string
}

// emit calls the hook, if any.
func (ib *Inbox) emit(e InboxEvent) {
	if ib.hook != nil {
		// The SLA state commit stored: a function of the fields the
		// caller's copy holds.
		e.Conversation.SLA = ib.slaState(&e.Conversation)
		ib.hook(e)
	}
}
