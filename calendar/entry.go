package calendar

import (
	"fmt"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar/recur"
	"github.com/cmkit/cmkit/roles"
)

// State is where an entry is in its life:
//
//	draft -> in_review -> approved -> scheduled -> publishing -> published
//	                                                          \-> failed
//	any state before published -> cancelled
//	scheduled, still unapproved at its time -> expired
//	publishing, outcome unknown on a channel that cannot be retried -> verify
//
// Pausing is not a state: a paused entry keeps its state (see
// Entry.PausedBy) and resumes where it was.
type State string

// The entry states.
const (
	Draft      State = "draft"      // being written; edits keep it here
	InReview   State = "in_review"  // submitted, waiting for the approvals its policy asks
	Approved   State = "approved"   // approved, not yet on the calendar
	Scheduled  State = "scheduled"  // on the calendar, due at At
	Publishing State = "publishing" // the publisher has sent, or is sending, some variants
	Published  State = "published"  // every variant is out
	Failed     State = "failed"     // some variant was refused, or used up its retries
	Cancelled  State = "cancelled"  // called off by a person
	Expired    State = "expired"    // its time came before its approval
	Verify     State = "verify"     // a variant may or may not be out: a person checks (Resolve)
	Held       State = "held"       // too late, or missed during a pause: a person decides
)

// Terminal reports whether nothing more happens to an entry in state s
// without a person (published, failed, cancelled, expired, verify, held).
func (s State) Terminal() bool {
	switch s {
	case Published, Failed, Cancelled, Expired, Verify, Held:
		return true
	}
	return false
}

// VariantState is where one channel's post is.
type VariantState string

// The variant states.
const (
	// Pending: not sent yet, or to be retried at NextAt.
	Pending VariantState = "pending"
	// Sending: an attempt was recorded and the platform called; if a
	// publisher finds a variant still sending, that attempt's outcome is
	// unknown.
	Sending VariantState = "sending"
	// Sent: the platform accepted it; Receipt is set.
	Sent VariantState = "sent"
	// Rejected: the platform refused it for good (a permanent failure).
	Rejected VariantState = "rejected"
	// Unknown: it may or may not be out, and the channel cannot tell or
	// be retried safely; a person must verify it on the platform.
	Unknown VariantState = "unknown"
	// Dead: transient failures used up every attempt (the dead letter).
	Dead VariantState = "dead"
)

// done reports whether the publisher is finished with a variant.
func (s VariantState) done() bool { return s == Sent || s == Rejected || s == Unknown || s == Dead }

// Entry is one piece of planned content: the posts it makes on each channel
// it targets (one Variant per channel, since limits and tone differ), when,
// and where it is in its life.
type Entry struct {
	// ID identifies the entry (a version 7 UUID, set by Calendar.Create).
	ID uuid.UUID `json:"id"`
	// Version rises with every write; a write must carry the version it
	// read. The publisher's lease rides on it: an expired lease means a
	// newer version, and the old publisher's writes fail.
	Version int64 `json:"version"`
	// Title names the entry on the calendar.
	Title string `json:"title"`
	// Author is the member who created it.
	Author string `json:"author"`
	// Brand is the brand it speaks for; pauses and permissions use it.
	Brand string `json:"brand,omitempty"`
	// State is where it is in its life.
	State State `json:"state"`
	// At is the planned publishing instant.
	At time.Time `json:"at"`
	// Zone is the IANA time zone At was planned in ("Europe/Madrid").
	Zone string `json:"zone,omitempty"`
	// DueAt is when the publisher should next act on it: At once
	// scheduled, a retry time, or a lease's end while it is being
	// published. Zero means nothing is due. The store indexes it.
	DueAt time.Time `json:"due_at,omitzero"`
	// Variants are the posts, one per channel.
	Variants []Variant `json:"variants"`
	// Campaign names the campaign it belongs to, if any.
	Campaign string `json:"campaign,omitempty"`
	// Labels tag it ("promotion", "evergreen").
	Labels []string `json:"labels,omitempty"`
	// Notes are for the team.
	Notes string `json:"notes,omitempty"`
	// Warnings are the findings of the last Schedule that did not block
	// it (CheckFinding.Warning): a style guide's warnings and suggestions,
	// for the team to see on the calendar.
	Warnings []CheckFinding `json:"warnings,omitempty"`
	// Approvals are the approvals given so far (see roles.Policy).
	Approvals []roles.Approval `json:"approvals,omitempty"`
	// PausedBy names the pause holding the entry, or is empty.
	PausedBy string `json:"paused_by,omitempty"`
	// ReleasedAt is when a person last released the entry to go out past
	// its planned time (Resolve, or Resume with PublishMissed); the
	// publisher's lateness limit counts from the later of At and
	// ReleasedAt.
	ReleasedAt time.Time `json:"released_at,omitzero"`
	// Lease is the publisher currently working on it, if any.
	Lease Lease `json:"lease,omitzero"`
	// Series is the ID of the first entry of the recurring series this
	// entry belongs to (its own ID for that first one); zero for a single
	// entry. See Calendar.CreateSeries.
	Series uuid.UUID `json:"series,omitzero"`
	// Occurrence is the instant the series' rule gave this entry, its key
	// in the series, even after the entry itself was moved.
	Occurrence time.Time `json:"occurrence,omitzero"`
	// Recurrence is the series' plan, kept on its first entry only.
	Recurrence *recur.Recurrence `json:"recurrence,omitempty"`
	// History records every transition.
	History []Transition `json:"history,omitempty"`
	// CreatedAt and UpdatedAt are set by the Calendar.
	CreatedAt time.Time `json:"created_at,omitzero"`
	// UpdatedAt is when the entry last changed.
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// Variant is an entry's post on one channel, with its own state, attempts
// and receipt: one channel failing never marks the others, and a retry
// never touches a channel that succeeded.
type Variant struct {
	// Channel is the channel's ID (cmkit.ChannelInfo.ID).
	Channel string `json:"channel"`
	// Post is what to publish there, or the first post of a thread.
	// Post.ID is the idempotency key.
	Post cmkit.Post `json:"post"`
	// Thread holds the further posts of a thread, in order: each is
	// published once the one before it is out, as a reply to it, with its
	// own Post.ID as idempotency key. The channel must implement
	// cmkit.ThreadPublisher. Empty for a single post.
	Thread []cmkit.Post `json:"thread,omitempty"`
	// State is where this post is; for a thread, where the thread is as a
	// whole: sent once every part is out, pending while parts remain.
	State VariantState `json:"state"`
	// NextAt is when a pending variant may be tried again.
	NextAt time.Time `json:"next_at,omitzero"`
	// Attempts is the full history of publishing attempts, of every part
	// of a thread (see Attempt.Part).
	Attempts []Attempt `json:"attempts,omitempty"`
	// Receipt is the platform's receipt once sent (of Post, for a
	// thread).
	Receipt cmkit.Receipt `json:"receipt,omitzero"`
	// Replies are the receipts of the Thread posts out so far, in order.
	Replies []cmkit.Receipt `json:"replies,omitempty"`
	// Error is the last failure, for people.
	Error string `json:"error,omitempty"`
}

// Outcome is how an Attempt ended.
type Outcome string

// The attempt outcomes.
const (
	OutcomeSending      Outcome = "sending"       // in flight (and forever, if its publisher died before anyone claimed the entry again)
	OutcomeAccepted     Outcome = "accepted"      // the platform published it
	OutcomeTransient    Outcome = "transient"     // certainly not published; retried with backoff
	OutcomeRateLimited  Outcome = "rate-limited"  // not published; the platform asked to wait (not counted against the retry limit)
	OutcomeRejected     Outcome = "rejected"      // the platform refused it for good
	OutcomeAmbiguous    Outcome = "ambiguous"     // it may or may not be out
	OutcomeFound        Outcome = "found"         // a lookup found the post out
	OutcomeAbsent       Outcome = "absent"        // a lookup found the post not out
	OutcomeLookupFailed Outcome = "lookup-failed" // a lookup failed; proves nothing
)

// Attempt is one call to a platform (or one lookup after an unknown one).
type Attempt struct {
	// ID identifies the attempt, so that a publisher records its call's
	// outcome on its own attempt even when another publisher has the same
	// name.
	ID uuid.UUID `json:"id,omitzero"`
	// At is when it started.
	At time.Time `json:"at"`
	// Publisher names the publisher that made it.
	Publisher string `json:"publisher"`
	// Outcome says how it ended.
	Outcome Outcome `json:"outcome"`
	// Error is the platform's error, when it failed.
	Error string `json:"error,omitempty"`
	// RetryAfter is what a rate-limited platform asked for.
	RetryAfter time.Duration `json:"retry_after,omitempty"`
	// Part is the part of a thread it was for: 0 for the variant's Post,
	// k for Thread[k-1].
	Part int `json:"part,omitempty"`
}

// Lease marks an entry as being published by one publisher until Expires.
type Lease struct {
	// Owner names the publisher.
	Owner string `json:"owner"`
	// Expires is when another publisher may take the entry over.
	Expires time.Time `json:"expires"`
}

// same reports whether l and m are one lease (times compared as instants,
// as a store that round-trips them may change their location).
func (l Lease) same(m Lease) bool { return l.Owner == m.Owner && l.Expires.Equal(m.Expires) }

// Transition records a change of state.
type Transition struct {
	// At is when it happened.
	At time.Time `json:"at"`
	// By is the member (or publisher) who made it.
	By string `json:"by"`
	// From and To are the states.
	From State `json:"from"`
	// To is the new state.
	To State `json:"to"`
	// Note says why, when there is more to say.
	Note string `json:"note,omitempty"`
}

// Clone returns a deep copy of e.
func (e Entry) Clone() Entry {
	e.Variants = slices.Clone(e.Variants)
	for i := range e.Variants {
		v := &e.Variants[i]
		v.Post = v.Post.Clone()
		v.Thread = slices.Clone(v.Thread)
		for k := range v.Thread {
			v.Thread[k] = v.Thread[k].Clone()
		}
		v.Attempts = slices.Clone(v.Attempts)
		v.Replies = slices.Clone(v.Replies)
	}
	e.Labels = slices.Clone(e.Labels)
	e.Warnings = slices.Clone(e.Warnings)
	e.Approvals = slices.Clone(e.Approvals)
	e.History = slices.Clone(e.History)
	if e.Recurrence != nil {
		r := *e.Recurrence
		r.ExDates = slices.Clone(r.ExDates)
		r.Overrides = slices.Clone(r.Overrides)
		e.Recurrence = &r
	}
	return e
}

// ClaimableAt is when a publisher may claim e: its DueAt, or, while a
// lease runs past that, the lease's end. Zero means nothing is due. Stores
// index it (see Store.Claim).
func (e *Entry) ClaimableAt() time.Time {
	if e.DueAt.IsZero() {
		return time.Time{}
	}
	if e.Lease.Owner != "" && e.Lease.Expires.After(e.DueAt) {
		return e.Lease.Expires
	}
	return e.DueAt
}

// Variant returns the variant for channel, or nil.
func (e *Entry) Variant(channel string) *Variant {
	for i := range e.Variants {
		if e.Variants[i].Channel == channel {
			return &e.Variants[i]
		}
	}
	return nil
}

// transition moves e to state to, recording who and why.
func (e *Entry) transition(to State, by string, at time.Time, note string) {
	e.History = append(e.History, Transition{At: at, By: by, From: e.State, To: to, Note: note})
	e.State = to
}

// validateShape checks what every entry needs whatever its state: a title,
// at least one variant, distinct channels and post IDs.
func (e *Entry) validateShape() error {
	if e.Title == "" {
		return cmkit.Invalid("entry.title", "required", "")
	}
	if len(e.Variants) == 0 {
		return cmkit.Invalid("entry.variants", "required", "an entry targets at least one channel")
	}
	seen := map[string]bool{}
	for i, v := range e.Variants {
		f := fmt.Sprintf("entry.variants[%d]", i)
		if v.Channel == "" {
			return cmkit.Invalid(f+".channel", "required", "")
		}
		if seen[v.Channel] {
			return cmkit.Invalid(f+".channel", "unique", "channel %q is targeted twice", v.Channel)
		}
		seen[v.Channel] = true
	}
	if e.Zone != "" {
		if _, ok := recur.LoadZone(e.Zone); !ok {
			return cmkit.Invalid("entry.zone", "unknown", "%q is not an IANA time zone (programs in minimal containers import time/tzdata)", e.Zone)
		}
	}
	for _, f := range []struct {
		field, text string
		multiline   bool
	}{{"entry.title", e.Title, false}, {"entry.campaign", e.Campaign, false}, {"entry.notes", e.Notes, true}} {
		if err := checkText(f.field, f.text, f.multiline); err != nil {
			return err
		}
	}
	for i, l := range e.Labels {
		if err := checkText(fmt.Sprintf("entry.labels[%d]", i), l, false); err != nil {
			return err
		}
	}
	for i, v := range e.Variants {
		if err := checkText(fmt.Sprintf("entry.variants[%d].post.text", i), v.Post.Text, true); err != nil {
			return err
		}
		for k, part := range v.Thread {
			if err := checkText(fmt.Sprintf("entry.variants[%d].thread[%d].text", i, k), part.Text, true); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkText refuses text that is not UTF-8 or holds a control character
// (line feeds, CRLF line breaks and tabs are allowed where multiline is
// set): such text would be written raw into iCalendar files and sent to
// platforms as is.
func checkText(field, s string, multiline bool) error {
	if !utf8.ValidString(s) {
		return cmkit.Invalid(field, "utf8", "not valid UTF-8")
	}
	for i, r := range s {
		crlf := r == '\r' && i+1 < len(s) && s[i+1] == '\n' // as HTML forms send line breaks
		if unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || crlf)) {
			return cmkit.Invalid(field, "control_character", "control character %U at byte %d", r, i)
		}
	}
	return nil
}
