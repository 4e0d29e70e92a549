package calendar

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar/recur"
	"github.com/cmkit/cmkit/roles"
)

// Authority is what the calendar needs from the team: permission checks
// for the acting member of a context, and approval decisions.
// *roles.Directory implements it; a product with its own access control
// may too. (It is not roles.Team, which defines a team to load.)
type Authority interface {
	// Check returns nil when the acting member of ctx may do p on r, and
	// otherwise an error wrapping cmkit.ErrForbidden.
	Check(ctx context.Context, p roles.Permission, r roles.Resource) error
	// ApprovalStatus evaluates policy for item given its approvals.
	ApprovalStatus(ctx context.Context, policy roles.Policy, item roles.Item, approvals []roles.Approval) (roles.ApprovalStatus, error)
	// Approve records the acting member's approval of item.
	Approve(ctx context.Context, policy roles.Policy, item roles.Item, approvals []roles.Approval) ([]roles.Approval, error)
}

var _ Authority = (*roles.Directory)(nil)

// Checker is a check a variant must pass before it is scheduled and again
// before it is sent: the style guide, a legal word list. The calendar
// always checks the channel's own limits first; Checkers come after.
type Checker interface {
	// CheckVariant returns what is wrong with v, the post of e for the
	// channel info describes; no findings means it passes. An error means
	// the check could not run, and scheduling stops.
	CheckVariant(ctx context.Context, e *Entry, v *Variant, info cmkit.ChannelInfo) ([]CheckFinding, error)
}

// CheckFinding is one problem a check found in a variant.
type CheckFinding struct {
	// Channel is the variant's channel.
	Channel string `json:"channel"`
	// Check names what found it ("limits", "styleguide").
	Check string `json:"check"`
	// Rule names the rule broken ("max_length", "banned_term").
	Rule string `json:"rule"`
	// Field is the part of the post it is in ("post.text", "post.title",
	// "post.content_warning", "post.media", "post.visibility"), when the
	// check says.
	Field string `json:"field,omitempty"`
	// Message explains it to a person.
	Message string `json:"message"`
	// Start and End are the byte span in the variant's text, when the
	// finding has a place (End is 0 when it has none).
	Start int `json:"start,omitempty"`
	// End is the end of the span.
	End int `json:"end,omitempty"`
	// Part is the part of a thread it is in: 0 for the variant's Post, k
	// for Thread[k-1].
	Part int `json:"part,omitempty"`
	// Warning marks a finding that does not block: Schedule keeps it in
	// Entry.Warnings and goes on, and the publisher sends regardless (a
	// style guide's warnings and suggestions). Every other finding stops
	// the entry.
	Warning bool `json:"warning,omitempty"`
}

// limitFinding turns a finding of the channel's limits on p, part k of its
// variant (0 for the variant's Post), into a CheckFinding; the span is
// set for findings in the text only.
func limitFinding(channel string, platform cmkit.Platform, f cmkit.Finding, p cmkit.Post, k int) CheckFinding {
	cf := CheckFinding{Channel: channel, Check: "limits", Rule: f.Rule, Field: f.Field, Part: k,
		Message: fmt.Sprintf("%s on %s", strings.TrimPrefix(f.Err().Error(), "cmkit: "), platform)}
	if k > 0 {
		cf.Message = fmt.Sprintf("thread part %d: %s", k+1, cf.Message)
	}
	if f.Field == "post.text" {
		cf.Start, cf.End = f.Cut, len(p.Text)
		if f.Rule == "forbidden" {
			_, size := utf8.DecodeRuneInString(p.Text[f.Cut:])
			cf.End = f.Cut + size
		}
	}
	return cf
}

// CheckError reports the findings that stopped an entry from being
// scheduled (or sent). It wraps cmkit.ErrInvalid.
type CheckError struct {
	// Entry is the entry checked.
	Entry uuid.UUID
	// Findings are the problems, in variant order.
	Findings []CheckFinding
}

// Error lists the findings.
func (e *CheckError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "calendar: entry %s fails %d check(s)", e.Entry, len(e.Findings))
	for _, f := range e.Findings {
		fmt.Fprintf(&b, "; %s: %s %s: %s", f.Channel, f.Check, f.Rule, f.Message)
	}
	return b.String()
}

// Unwrap returns cmkit.ErrInvalid.
func (e *CheckError) Unwrap() error { return cmkit.ErrInvalid }

// EventKind says what an Event reports.
type EventKind string

// The event kinds.
const (
	EventScheduled EventKind = "scheduled" // an entry was put on the calendar
	EventPublished EventKind = "published" // a variant is out (Receipt set)
	EventRetrying  EventKind = "retrying"  // a variant failed and will be tried again
	EventFailed    EventKind = "failed"    // a variant was refused, used up its retries, or failed its checks
	EventVerify    EventKind = "verify"    // a variant may or may not be out: a person checks (Resolve)
	EventExpired   EventKind = "expired"   // an entry's time came before its approval
	EventHeld      EventKind = "held"      // an entry waits for a person or a pause: too late, paused, or no longer approved
	EventPaused    EventKind = "paused"    // a pause began
	EventResumed   EventKind = "resumed"   // a pause ended
)

// Event is something the calendar or its publisher did, reported to the
// Hook and to the logger.
type Event struct {
	// Kind is what happened.
	Kind EventKind
	// Entry is the entry concerned (zero for pause events).
	Entry uuid.UUID
	// Channel is the channel concerned, for variant events.
	Channel string
	// At is when it happened, by the calendar's clock.
	At time.Time
	// Receipt is the platform's receipt, for EventPublished.
	Receipt cmkit.Receipt
	// Err is the failure, for EventRetrying, EventFailed and EventVerify.
	Err error
	// Notify lists the members to tell: who can still approve an expired
	// entry; for "verify", who may resolve it (roles.PublishPost on the
	// channel), when the Authority can list them as *roles.Directory does.
	Notify []string
	// Detail says more, for people.
	Detail string
}

// Calendar is the content calendar of a team: entries planned per channel,
// their approval and scheduling, pauses, and the views over them. Its
// Publisher (NewPublisher) publishes what is due.
//
// Every change is authorized through the Authority given to WithTeam (the
// acting member comes from the context, see roles.WithActor) and recorded
// in the entry's History. Scheduling requires the approval the policy
// (WithPolicy) asks for, and checks each variant against its channel's
// limits, counted the platform's way, and against every Checker.
//
// A Calendar is safe for concurrent use.
type Calendar struct {
	store     Store
	team      Authority
	policy    roles.Policy
	channels  map[string]cmkit.Channel
	checkers  []Checker
	slots     map[string]recur.Slots
	campaigns map[string]Campaign
	clock     cmkit.Clock
	log       *slog.Logger
	hook      func(Event)
	tokens    *roles.TokenIssuer
}

// Option configures a Calendar.
type Option func(*Calendar) error

// WithTeam sets the team that authorizes changes and judges approvals. It
// is required.
func WithTeam(t Authority) Option {
	return func(c *Calendar) error {
		if t == nil {
			return cmkit.Invalid("WithTeam", "required", "nil Team")
		}
		c.team = t
		return nil
	}
}

// WithPolicy sets the approval policy (default roles.DefaultPolicy()).
func WithPolicy(p roles.Policy) Option {
	return func(c *Calendar) error { c.policy = p; return nil }
}

// WithChannels registers the channels entries may target, by their
// ChannelInfo.ID. A repeated ID is an error.
func WithChannels(chs ...cmkit.Channel) Option {
	return func(c *Calendar) error {
		for i, ch := range chs {
			if ch == nil {
				return cmkit.Invalid(fmt.Sprintf("WithChannels[%d]", i), "required", "nil Channel")
			}
			info := ch.Info()
			if err := info.Validate(); err != nil {
				return err
			}
			if _, dup := c.channels[info.ID]; dup {
				return cmkit.Invalid(fmt.Sprintf("WithChannels[%d]", i), "unique", "channel %q is registered twice", info.ID)
			}
			c.channels[info.ID] = ch
		}
		return nil
	}
}

// WithCheckers adds checks every variant must pass (the style guide).
func WithCheckers(cs ...Checker) Option {
	return func(c *Calendar) error { c.checkers = append(c.checkers, cs...); return nil }
}

// WithClock sets the clock (default cmkit.SystemClock()).
func WithClock(clk cmkit.Clock) Option {
	return func(c *Calendar) error {
		if clk == nil {
			return cmkit.Invalid("WithClock", "required", "nil Clock")
		}
		c.clock = clk
		return nil
	}
}

// WithLogger sets the logger for events (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(c *Calendar) error {
		if l == nil {
			return cmkit.Invalid("WithLogger", "required", "nil Logger")
		}
		c.log = l
		return nil
	}
}

// WithHook sets a function called with every Event, synchronously, after
// the change the event describes is written: a hook that acts on an event
// (Resolve on "verify", say) finds the entry in the state the event
// reports. Events of one entry come in the order they were written; a
// publisher working on several channels at once may call the hook from
// several goroutines, so it must be safe for concurrent use. It must not
// block for long.
func WithHook(h func(Event)) Option {
	return func(c *Calendar) error { c.hook = h; return nil }
}

// New returns a Calendar over store. WithTeam is required; a bad option is
// an error wrapping cmkit.ErrInvalid.
func New(store Store, opts ...Option) (*Calendar, error) {
	if store == nil {
		return nil, cmkit.Invalid("store", "required", "nil Store")
	}
	c := &Calendar{store: store, channels: map[string]cmkit.Channel{}, policy: roles.DefaultPolicy()}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, err
		}
	}
	if c.team == nil {
		return nil, cmkit.Invalid("WithTeam", "required", "a calendar authorizes every change through a team")
	}
	if c.clock == nil {
		c.clock = cmkit.SystemClock()
	}
	if c.log == nil {
		c.log = slog.Default()
	}
	c.checkers = append([]Checker{campaignChecker{c}}, c.checkers...)
	return c, nil
}

// Channel returns the registered channel with the given ID.
func (c *Calendar) Channel(id string) (cmkit.Channel, bool) {
	ch, ok := c.channels[id]
	return ch, ok
}

// holderLister is the optional ability of a Team to list who holds a
// permission on a resource (*roles.Directory has it); the calendar uses it
// to fill Event.Notify for "verify".
type holderLister interface {
	Holders(ctx context.Context, p roles.Permission, r roles.Resource) iter.Seq[string]
}

func (c *Calendar) emit(ctx context.Context, e Event) {
	if e.Kind == EventVerify && e.Notify == nil && e.Channel != "" {
		if h, ok := c.team.(holderLister); ok {
			res := roles.Resource{Channel: e.Channel}
			if ch, ok := c.channels[e.Channel]; ok {
				res = roles.ResourceOf(ch.Info())
			}
			for m := range h.Holders(ctx, roles.PublishPost, res) {
				e.Notify = append(e.Notify, m)
			}
		}
	}
	attrs := []slog.Attr{slog.String("entry", e.Entry.String())}
	if e.Channel != "" {
		attrs = append(attrs, slog.String("channel", e.Channel))
	}
	if e.Err != nil {
		attrs = append(attrs, slog.String("error", e.Err.Error()))
	}
	level := slog.LevelInfo
	if e.Kind == EventFailed || e.Kind == EventVerify || e.Kind == EventExpired {
		level = slog.LevelWarn
	}
	c.log.LogAttrs(ctx, level, "calendar: "+string(e.Kind), attrs...)
	if c.hook != nil {
		c.hook(e)
	}
}

// resource returns the roles resource of a variant's channel.
func (c *Calendar) resource(e *Entry, channel string) roles.Resource {
	if ch, ok := c.channels[channel]; ok {
		return roles.ResourceOf(ch.Info())
	}
	return roles.Resource{Brand: e.Brand, Channel: channel}
}

// check authorizes p on every channel e targets.
func (c *Calendar) check(ctx context.Context, p roles.Permission, e *Entry) error {
	for _, v := range e.Variants {
		if err := c.team.Check(ctx, p, c.resource(e, v.Channel)); err != nil {
			return err
		}
	}
	return nil
}

func actor(ctx context.Context) string {
	a, _ := roles.ActorFrom(ctx)
	return a
}

// item describes e to the approval policy: every channel it goes to, and
// its author.
func (c *Calendar) item(e *Entry) roles.Item {
	res := make([]roles.Resource, 0, len(e.Variants))
	for _, v := range e.Variants {
		res = append(res, c.resource(e, v.Channel))
	}
	return roles.Item{ID: e.ID, Version: e.contentVersion(), Kind: roles.KindPost, Authors: e.authors(),
		Resources: res, Labels: e.Labels}
}

// authors lists who wrote the content an approval covers: whoever created
// or edited it since the last approval before its latest change, in the
// order they first did. A junior's edit of a senior's draft makes the
// junior an author too.
func (e *Entry) authors() []string {
	var out []string
	approved := false
	for _, t := range e.History {
		switch {
		case t.To == Approved:
			approved = true
		case t.Note == noteCreated || t.Note == noteEdited:
			if approved {
				out, approved = out[:0], false
			}
			if t.By != "" && !slices.Contains(out, t.By) {
				out = append(out, t.By)
			}
		}
	}
	if len(out) == 0 && e.Author != "" {
		out = append(out, e.Author)
	}
	return out
}

// contentVersion is the version approvals are bound to: the number of
// content edits, which History records as draft transitions by edits.
func (e *Entry) contentVersion() int64 {
	n := int64(1)
	for _, t := range e.History {
		if t.Note == noteEdited {
			n++
		}
	}
	return n
}

// Notes of the transitions that change an entry's content.
const (
	noteCreated = "created"
	noteEdited  = "edited"
)

// Create adds a draft entry, authored by the acting member, who needs
// roles.DraftPost on every channel it targets. ID, Author, State, the
// variants' post IDs and timestamps are set here. A Campaign must name an
// active campaign of the entry's brand (else cmkit.ErrInvalid naming
// entry.campaign), as for Update. It returns the entry as stored.
func (c *Calendar) Create(ctx context.Context, e Entry) (Entry, error) {
	if err := e.validateShape(); err != nil {
		return Entry{}, err
	}
	if err := c.knownChannels(&e); err != nil {
		return Entry{}, err
	}
	if err := c.deriveBrand(&e); err != nil {
		return Entry{}, err
	}
	if err := c.joinCampaign(ctx, &e); err != nil {
		return Entry{}, err
	}
	if err := c.check(ctx, roles.DraftPost, &e); err != nil {
		return Entry{}, err
	}
	now := c.clock.Now()
	e = e.Clone()
	e.ID, e.Version, e.Author, e.State = cmkit.NewID(), 0, actor(ctx), Draft
	e.DueAt, e.Lease, e.PausedBy, e.Approvals, e.History, e.ReleasedAt = time.Time{}, Lease{}, "", nil, nil, time.Time{}
	e.CreatedAt, e.UpdatedAt = now, now
	for i := range e.Variants {
		v := &e.Variants[i]
		v.Post.ID, v.State, v.Attempts, v.Receipt, v.Error, v.NextAt = cmkit.NewID(), Pending, nil, cmkit.Receipt{}, "", time.Time{}
		v.Replies = nil
		for k := range v.Thread {
			v.Thread[k].ID = cmkit.NewID()
		}
	}
	e.History = []Transition{{At: now, By: e.Author, To: Draft, Note: noteCreated}}
	return c.store.Put(ctx, e)
}

// deriveBrand sets e.Brand from its channels' brand, the one source of
// that fact: pauses and permissions read the channels. An entry speaks for
// one brand; a Brand that names another is refused rather than ignored.
func (c *Calendar) deriveBrand(e *Entry) error {
	brand := ""
	for i, v := range e.Variants {
		b := c.channels[v.Channel].Info().Brand
		if i > 0 && b != brand {
			return cmkit.Invalid(fmt.Sprintf("entry.variants[%d].channel", i), "one_brand",
				"channel %q is of brand %q and the entry's first channel of %q: an entry speaks for one brand", v.Channel, b, brand)
		}
		brand = b
	}
	if e.Brand != "" && e.Brand != brand {
		return cmkit.Invalid("entry.brand", "derived", "the entry's channels are of brand %q, not %q (the brand comes from the channels; leave it empty)", brand, e.Brand)
	}
	e.Brand = brand
	return nil
}

func (c *Calendar) knownChannels(e *Entry) error {
	for i, v := range e.Variants {
		if _, ok := c.channels[v.Channel]; !ok {
			return cmkit.Invalid(fmt.Sprintf("entry.variants[%d].channel", i), "unknown", "no channel %q is registered", v.Channel)
		}
	}
	return nil
}

// Get returns an entry, or an error wrapping cmkit.ErrNotFound.
func (c *Calendar) Get(ctx context.Context, id uuid.UUID) (Entry, error) { return c.store.Get(ctx, id) }

// Entries yields the entries q selects, by planned time. Reading is not
// authorized here; products show what their members may see.
func (c *Calendar) Entries(ctx context.Context, q Query) iter.Seq2[Entry, error] {
	return c.store.Query(ctx, q)
}

// Latest, passed as the version to Cancel or Resolve, acts on the entry as
// it is now, whatever its version: for a crisis button that must stop a
// post, or a person recording what they saw on the platform. Every method
// that judges content (Update, Submit, Approve, ApproveWithToken,
// Schedule, AddToQueue) refuses it: a person approves only the version
// they saw.
const Latest int64 = -1

// checkVersion refuses a missing version (zero is never a stored one) and,
// unless latest is allowed, Latest.
func checkVersion(version int64, latest bool) error {
	switch {
	case version == Latest && latest:
		return nil
	case version == Latest:
		return cmkit.Invalid("version", "not_latest", "this change judges content: pass the version the person saw, not calendar.Latest")
	case version <= 0:
		return cmkit.Invalid("version", "required", "pass the version the person saw (Entry.Version); got %d", version)
	}
	return nil
}

// mutate reads entry id at version, applies fn, and writes it back. A
// missing version is cmkit.ErrInvalid, and Latest is allowed only when
// latest is set; a version other than the stored one is cmkit.ErrConflict;
// nothing is written when fn fails.
func (c *Calendar) mutate(ctx context.Context, id uuid.UUID, version int64, latest bool, fn func(e *Entry, now time.Time) error) (Entry, error) {
	if err := checkVersion(version, latest); err != nil {
		return Entry{}, err
	}
	e, err := c.store.Get(ctx, id)
	if err != nil {
		return Entry{}, err
	}
	if version != Latest && e.Version != version {
		return Entry{}, cmkit.Errorf(cmkit.ErrConflict, "calendar: entry %s is at version %d, not %d", id, e.Version, version)
	}
	now := c.clock.Now()
	if err := fn(&e, now); err != nil {
		return Entry{}, err
	}
	e.UpdatedAt = now
	return c.store.Put(ctx, e)
}

func illegal(e *Entry, to State) error {
	return cmkit.Errorf(cmkit.ErrConflict, "calendar: entry %s cannot go from %s to %s", e.ID, e.State, to)
}

// Update replaces an entry's content (title, variants' posts, time, zone,
// campaign, labels, notes) at the version read. The acting member needs
// roles.DraftPost. Editing an entry under review, approved or scheduled
// sends it back to draft: approvals are for the version approved. Its
// Campaign is checked as Create checks it.
func (c *Calendar) Update(ctx context.Context, e Entry) (Entry, error) {
	if err := e.validateShape(); err != nil {
		return Entry{}, err
	}
	if err := c.knownChannels(&e); err != nil {
		return Entry{}, err
	}
	if err := c.deriveBrand(&e); err != nil {
		return Entry{}, err
	}
	if err := c.joinCampaign(ctx, &e); err != nil {
		return Entry{}, err
	}
	return c.mutate(ctx, e.ID, e.Version, false, func(cur *Entry, now time.Time) error {
		switch cur.State {
		case Draft, InReview, Approved, Scheduled, Expired, Held:
		default:
			return illegal(cur, Draft)
		}
		if cur.Lease.Owner != "" && cur.Lease.Expires.After(now) {
			return cmkit.Errorf(cmkit.ErrConflict, "calendar: entry %s is being published", cur.ID)
		}
		for _, v := range cur.Variants {
			if len(v.Attempts) > 0 {
				return cmkit.Errorf(cmkit.ErrConflict, "calendar: entry %s was already sent to %s (%s); editing it could post it twice, so cancel it and make a new one",
					cur.ID, v.Channel, v.State)
			}
		}
		if err := c.check(ctx, roles.DraftPost, cur); err != nil {
			return err
		}
		if err := c.check(ctx, roles.DraftPost, &e); err != nil {
			return err
		}
		old := map[string]uuid.UUID{}
		for _, v := range cur.Variants {
			old[v.Channel] = v.Post.ID
		}
		upd := e.Clone()
		for i := range upd.Variants {
			v := &upd.Variants[i]
			id, ok := old[v.Channel]
			if !ok {
				id = cmkit.NewID()
			}
			v.Post.ID, v.State, v.Attempts, v.Receipt, v.Error, v.NextAt = id, Pending, nil, cmkit.Receipt{}, "", time.Time{}
			v.Replies = nil
			for k := range v.Thread {
				v.Thread[k].ID = cmkit.NewID()
			}
		}
		cur.Title, cur.Variants, cur.At, cur.Zone = upd.Title, upd.Variants, upd.At, upd.Zone
		cur.Campaign, cur.Labels, cur.Notes, cur.Brand = upd.Campaign, upd.Labels, upd.Notes, upd.Brand
		cur.DueAt = time.Time{}
		cur.transition(Draft, actor(ctx), now, noteEdited)
		return nil
	})
}

// Submit sends a draft for review; the acting member needs
// roles.SubmitPost. When the policy requires no approval for it, the entry
// is approved at once. An entry with a time that is still in review when
// that time comes expires, and the Hook's "expired" event names the members
// who could have approved it.
func (c *Calendar) Submit(ctx context.Context, id uuid.UUID, version int64) (Entry, error) {
	return c.mutate(ctx, id, version, false, func(e *Entry, now time.Time) error {
		if e.State != Draft {
			return illegal(e, InReview)
		}
		if err := c.check(ctx, roles.SubmitPost, e); err != nil {
			return err
		}
		e.transition(InReview, actor(ctx), now, "")
		st, err := c.team.ApprovalStatus(ctx, c.policy, c.item(e), e.Approvals)
		if err != nil {
			return err
		}
		if st.Approved {
			e.transition(Approved, actor(ctx), now, "no approval required")
			return nil
		}
		// When its time comes still in review, the publisher expires it
		// and tells whoever could have approved it.
		e.DueAt = e.At
		return nil
	})
}

// Approve records the acting member's approval of an entry in review (see
// roles.Directory.Approve for who may); once the policy is satisfied the
// entry is approved. The author never approves their own entry.
func (c *Calendar) Approve(ctx context.Context, id uuid.UUID, version int64) (Entry, error) {
	return c.mutate(ctx, id, version, false, func(e *Entry, now time.Time) error {
		if e.State != InReview {
			return illegal(e, Approved)
		}
		got, err := c.team.Approve(ctx, c.policy, c.item(e), e.Approvals)
		if err != nil {
			return err
		}
		e.Approvals = append(e.Approvals, got...)
		st, err := c.team.ApprovalStatus(ctx, c.policy, c.item(e), e.Approvals)
		if err != nil {
			return err
		}
		if st.Approved {
			e.transition(Approved, actor(ctx), now, "")
			e.DueAt = time.Time{} // approved: it waits to be scheduled
		}
		return nil
	})
}

// Schedule puts an approved entry on the calendar at its planned time. The
// acting member needs roles.SchedulePost on every channel; the approval
// policy must be satisfied; every variant must pass its channel's limits
// and every Checker (else a *CheckError listing the findings). An entry
// held by a pause is scheduled but stays held.
func (c *Calendar) Schedule(ctx context.Context, id uuid.UUID, version int64) (Entry, error) {
	e, err := c.mutate(ctx, id, version, false, func(e *Entry, now time.Time) error {
		if e.State != Approved {
			return illegal(e, Scheduled)
		}
		if err := c.check(ctx, roles.SchedulePost, e); err != nil {
			return err
		}
		return c.schedule(ctx, e, now)
	})
	if err == nil {
		c.emit(ctx, Event{Kind: EventScheduled, Entry: e.ID, At: c.clock.Now(), Detail: e.At.String()})
	}
	return e, err
}

// schedule moves an approved entry, already authorized, to scheduled once
// its approval and checks hold.
func (c *Calendar) schedule(ctx context.Context, e *Entry, now time.Time) error {
	if e.At.IsZero() {
		return cmkit.Invalid("entry.at", "required", "a scheduled entry needs a time")
	}
	st, err := c.team.ApprovalStatus(ctx, c.policy, c.item(e), e.Approvals)
	if err != nil {
		return err
	}
	if !st.Approved {
		return cmkit.Errorf(cmkit.ErrForbidden, "calendar: entry %s lacks approval", e.ID)
	}
	warnings, err := c.validate(ctx, e)
	if err != nil {
		return err
	}
	e.Warnings = warnings
	e.transition(Scheduled, actor(ctx), now, "")
	e.DueAt = e.At
	return c.holdIfPaused(ctx, e)
}

// Validate runs every check Schedule runs on an entry's variants, without
// changing anything, and returns a *CheckError with the blocking findings
// when there are any; findings marked Warning do not fail it (Schedule
// keeps them in Entry.Warnings).
func (c *Calendar) Validate(ctx context.Context, e *Entry) error {
	_, err := c.validate(ctx, e)
	return err
}

// validate runs every check on e's variants and returns the warnings, or a
// *CheckError with the blocking findings.
func (c *Calendar) validate(ctx context.Context, e *Entry) (warnings []CheckFinding, err error) {
	var findings []CheckFinding
	var buf [8]cmkit.Finding
	for i := range e.Variants {
		v := &e.Variants[i]
		ch, ok := c.channels[v.Channel]
		if !ok {
			return nil, cmkit.Invalid(fmt.Sprintf("entry.variants[%d].channel", i), "unknown", "no channel %q is registered", v.Channel)
		}
		info := ch.Info()
		for _, f := range info.Limits.CheckPost(buf[:0], v.Post) {
			findings = append(findings, limitFinding(v.Channel, info.Platform, f, v.Post, 0))
		}
		if len(v.Thread) > 0 {
			fs, err := checkThread(e, v, ch, info)
			if err != nil {
				return nil, err
			}
			findings = append(findings, fs...)
		}
		for _, chk := range c.checkers {
			fs, err := chk.CheckVariant(ctx, e, v, info)
			if err != nil {
				return nil, err
			}
			for _, f := range fs {
				if f.Warning {
					warnings = append(warnings, f)
				} else {
					findings = append(findings, f)
				}
			}
		}
	}
	if len(findings) > 0 {
		return nil, &CheckError{Entry: e.ID, Findings: findings}
	}
	return warnings, nil
}

// Cancel cancels an entry that is not yet published; the acting member
// needs roles.CancelPost on every channel. Variants already sent stay sent.
// A variant whose publish is in flight, or was cut off, may be out: it
// becomes unknown, with a "verify" event, for a person to check (Resolve);
// an answer that arrives later is still recorded on the entry.
func (c *Calendar) Cancel(ctx context.Context, id uuid.UUID, version int64) (Entry, error) {
	var verify []Event
	e, err := c.mutate(ctx, id, version, true, func(e *Entry, now time.Time) error {
		if e.State == Published || e.State == Cancelled {
			return illegal(e, Cancelled)
		}
		if err := c.check(ctx, roles.CancelPost, e); err != nil {
			return err
		}
		for i := range e.Variants {
			if v := &e.Variants[i]; v.State == Sending {
				v.State, v.Error = Unknown, "cancelled while a publish was in flight or cut off; it may be out"
				verify = append(verify, Event{Kind: EventVerify, Entry: e.ID, Channel: v.Channel, At: now,
					Detail: "cancelled during a publish; the post may or may not be out: verify it on the platform"})
			}
		}
		e.DueAt = time.Time{}
		e.transition(Cancelled, actor(ctx), now, "")
		return nil
	})
	if err == nil {
		for _, ev := range verify {
			c.emit(ctx, ev)
		}
	}
	return e, err
}

// Resolution is what a person found on the platform for one variant of an
// entry (see Calendar.Resolve).
type Resolution struct {
	// Channel is the variant's channel.
	Channel string `json:"channel"`
	// Found reports that the post is out on the platform.
	Found bool `json:"found"`
	// PlatformID is the post's ID on the platform, when found and known.
	PlatformID string `json:"platform_id,omitempty"`
}

// Resolve settles a variant a person has verified on the platform: after an
// unknown outcome ("verify"), or a failure. When r.Found, the post is out,
// at r.PlatformID (which may be empty when unknown); otherwise the
// variant is sent again, now, and the publisher counts its lateness from
// now. On a held entry, Resolve with found false releases it: its unsent
// variants go out now (after the claim-time checks). On a cancelled entry
// nothing is sent again: found false records that the post is not out.
// On a thread, found says the part in doubt is out at platformID (required
// when parts remain, since the next replies to it) and the rest of the
// thread goes out now; found false sends the part in doubt again, and the
// parts already out are never sent again.
// The acting member needs roles.PublishPost on the channel. A publisher
// still working on the entry keeps its lease: nothing is sent twice.
func (c *Calendar) Resolve(ctx context.Context, id uuid.UUID, version int64, r Resolution) (Entry, error) {
	channel, found, platformID := r.Channel, r.Found, r.PlatformID
	return c.mutate(ctx, id, version, true, func(e *Entry, now time.Time) error {
		v := e.Variant(channel)
		if v == nil {
			return cmkit.Invalid("channel", "unknown", "entry %s has no variant on %q", e.ID, channel)
		}
		switch {
		case v.State == Unknown, v.State == Dead, v.State == Rejected:
		case v.State == Pending && e.State == Held && !found:
		default:
			return cmkit.Errorf(cmkit.ErrConflict, "calendar: variant %s of entry %s is %s (entry %s), nothing to resolve", channel, e.ID, v.State, e.State)
		}
		if err := c.team.Check(ctx, roles.PublishPost, c.resource(e, channel)); err != nil {
			return err
		}
		switch {
		case found && len(v.Thread) > 0:
			if err := resolvePart(e, v, platformID, now); err != nil {
				return err
			}
		case found:
			v.State, v.Error, v.NextAt = Sent, "", time.Time{}
			v.Receipt = cmkit.Receipt{PostID: v.Post.ID, ChannelID: channel, PlatformID: platformID, PublishedAt: now}
		case e.State == Cancelled:
			v.State, v.Error, v.NextAt = Pending, "", time.Time{}
		default:
			v.State, v.NextAt, v.Error = Pending, now, ""
			e.ReleasedAt = now
		}
		if e.State == Cancelled {
			e.History = append(e.History, Transition{At: now, By: actor(ctx), From: e.State, To: e.State,
				Note: fmt.Sprintf("%s verified by a person: found=%t", channel, found)})
			return nil
		}
		settle(e, actor(ctx), now, "resolved by a person")
		return nil
	})
}

// settle sets an entry's state from its variants: published when all are
// sent, verify when any is unknown, failed when any is rejected or dead,
// publishing (due at the earliest retry, unless a pause holds it) while
// any is pending or sending. It leaves the lease alone: only the publisher
// that holds a lease lets it go.
func settle(e *Entry, by string, now time.Time, note string) {
	next := time.Time{}
	var unknown, failed, pending bool
	for _, v := range e.Variants {
		switch v.State {
		case Pending, Sending:
			pending = true
			if next.IsZero() || v.NextAt.Before(next) {
				next = v.NextAt
			}
		case Unknown:
			unknown = true
		case Rejected, Dead:
			failed = true
		}
	}
	to := Published
	switch {
	case pending:
		to = Publishing
	case unknown:
		to = Verify
	case failed:
		to = Failed
	}
	e.DueAt = time.Time{}
	if pending && e.PausedBy == "" {
		e.DueAt = next
		if next.Before(now) {
			e.DueAt = now
		}
	}
	if e.State != to {
		e.transition(to, by, now, note)
	}
}
