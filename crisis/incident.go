package crisis

import (
	"slices"
	"time"

	"github.com/google/uuid"
)

// IncidentState is where an incident is in its life. States only move
// forward, in the order of the constants.
type IncidentState string

// The states of an incident, in order.
const (
	// IncidentDetected: opened (from an alert or by declaration), not yet
	// acknowledged by anyone.
	IncidentDetected IncidentState = "detected"
	// IncidentAcknowledged: a responder took it; escalation stopped.
	IncidentAcknowledged IncidentState = "acknowledged"
	// IncidentResponding: the team is responding (statements, replies).
	IncidentResponding IncidentState = "responding"
	// IncidentMonitoring: the response is out; the team watches.
	IncidentMonitoring IncidentState = "monitoring"
	// IncidentResolved: over; the entry actions were undone.
	IncidentResolved IncidentState = "resolved"
	// IncidentReviewed: the post-incident review is recorded.
	IncidentReviewed IncidentState = "reviewed"
)

// incidentStates lists the states in order.
var incidentStates = [...]IncidentState{IncidentDetected, IncidentAcknowledged, IncidentResponding,
	IncidentMonitoring, IncidentResolved, IncidentReviewed}

// rank returns the position of s in the life of an incident, or -1.
func (s IncidentState) rank() int {
	return slices.Index(incidentStates[:], s)
}

// Closed reports whether the incident is over (resolved or reviewed).
func (s IncidentState) Closed() bool {
	return s == IncidentResolved || s == IncidentReviewed
}

// Incident is one crisis of a brand, from its alert or declaration to its
// review. Stores keep it with a Version for optimistic concurrency.
type Incident struct {
	// ID identifies the incident: a UUID v7 for one declared, a UUID v5
	// of the brand, breakout key, sequence and opening bucket for one
	// opened from a breakout, so that one breakout is one incident.
	ID uuid.UUID `json:"id"`
	// Brand is the brand in crisis.
	Brand string `json:"brand"`
	// Plan is the revision of the plan the incident opened under; it
	// never changes.
	Plan PlanRef `json:"plan"`
	// Title says in a line what happened.
	Title string `json:"title"`
	// Level is the name of the plan level the incident is at.
	Level string `json:"level"`
	// State is where the incident is in its life.
	State IncidentState `json:"state"`
	// Source names the alert that opened it ("detect:KEY#SEQ"), or
	// "declared:MEMBER".
	Source string `json:"source"`
	// OpenedAt is when it opened.
	OpenedAt time.Time `json:"opened_at"`
	// LevelAt is when it entered its current level; the level's
	// acknowledgement deadline and escalation steps count from it.
	LevelAt time.Time `json:"level_at"`
	// AckedAt is when its current level was acknowledged; zero while not.
	AckedAt time.Time `json:"acked_at,omitzero"`
	// AckedBy is the member who acknowledged it.
	AckedBy string `json:"acked_by,omitempty"`
	// ResolvedAt is when it was resolved; zero while not.
	ResolvedAt time.Time `json:"resolved_at,omitzero"`
	// Undo is what the entry actions of its levels did, kept so resolving
	// undoes exactly that.
	Undo Undo `json:"undo"`
	// Pages is the paging schedule of the current level: the level's
	// responders first, then one per escalation step.
	Pages []PageSchedule `json:"pages,omitempty"`
	// Unsent are the pages recorded but not yet known to be sent: each is
	// sent again, with its ID, once its RetryAt passes.
	Unsent []UnsentPage `json:"unsent,omitempty"`
	// NextPage is the earliest Next of Pages and RetryAt of Unsent, zero
	// when no page is pending. Stores index it for DuePages.
	NextPage time.Time `json:"next_page,omitzero"`
	// Resolving, while in the future, says a Resolve is undoing the entry
	// actions: another Resolve, or a level change, is refused until then.
	Resolving time.Time `json:"resolving,omitzero"`
	// Review is the post-incident review, once recorded.
	Review *Review `json:"review,omitempty"`
	// Statements are the public statements drafted during the incident,
	// in the order they were drafted (see Service.DraftStatement).
	Statements []PublicStatement `json:"statements,omitempty"`
	// Version is the store's version of the record: 0 before it is
	// stored, 1 once created, one more per write.
	Version int64 `json:"version"`
}

// Undo is what entry actions did, with the handles needed to undo them.
type Undo struct {
	// Pauses are the publishing pauses taken, in order.
	Pauses []PauseHandle `json:"pauses,omitempty"`
	// Moderation is set once moderation was switched to a crisis rule set.
	Moderation bool `json:"moderation,omitempty"`
	// PreviousRules is the rule set moderation ran before the first
	// switch; resolving switches back to it.
	PreviousRules string `json:"previous_rules,omitempty"`
	// StyleGuideCrisis is set once the style guide was put in crisis mode.
	StyleGuideCrisis bool `json:"style_guide_crisis,omitempty"`
}

// PauseHandle is one publishing pause taken by an entry action.
type PauseHandle struct {
	// ID is the pause's ID, as Publishing.Pause returned it.
	ID string `json:"id"`
	// Missed is the policy its resume applies, from the plan's level.
	Missed MissedPosts `json:"missed"`
}

// UnsentPage is a page recorded in the timeline whose sending is not yet
// confirmed: the service sends it, and again with the same ID after a
// failure or a crash, until the Notifier accepts it or MaxPageAttempts
// sends failed.
type UnsentPage struct {
	// ID is the page's ID: its TimelinePage entry's.
	ID uuid.UUID `json:"id"`
	// To is who is paged, Message what they read.
	To      Responder `json:"to"`
	Message string    `json:"message"`
	// Attempts counts the sends begun.
	Attempts int `json:"attempts"`
	// RetryAt is when it is sent again unless confirmed.
	RetryAt time.Time `json:"retry_at"`
}

// PageSchedule is one recipient's paging schedule at the current level:
// the level's responders (Step -1), paged on entry, or escalation step
// Step, paged from the level's entry plus the step's After and then every
// Repeat, while nobody acknowledged.
type PageSchedule struct {
	// Step is -1 for the level's responders, or an index into the level's
	// Escalation.
	Step int `json:"step"`
	// Next is when the next page is due, on the grid set by the level's
	// entry time; zero when no page remains.
	Next time.Time `json:"next,omitzero"`
	// Sent counts the pages sent.
	Sent int `json:"sent"`
}

// Review is the post-incident review.
type Review struct {
	// By is the member who recorded it.
	By string `json:"by"`
	// At is when it was recorded.
	At time.Time `json:"at"`
	// Summary says what happened and why.
	Summary string `json:"summary"`
	// WentWell and Improve are what worked and what did not.
	WentWell []string `json:"went_well,omitempty"`
	Improve  []string `json:"improve,omitempty"`
	// ActionItems are the follow-ups agreed.
	ActionItems []string `json:"action_items,omitempty"`
}

// TimelineKind is what a timeline entry records.
type TimelineKind string

// The kinds of timeline entries.
const (
	// TimelineAlert: the alert that opened the incident, or a later one.
	TimelineAlert TimelineKind = "alert"
	// TimelineDeclared: a member declared the incident.
	TimelineDeclared TimelineKind = "declared"
	// TimelineAcknowledged: a responder acknowledged.
	TimelineAcknowledged TimelineKind = "acknowledged"
	// TimelinePage: a page was sent (Step, Due and To say which).
	TimelinePage TimelineKind = "page"
	// TimelinePageFailed: the notifier refused a page.
	TimelinePageFailed TimelineKind = "page_failed"
	// TimelineLevel: the severity level changed (Level is the new one).
	TimelineLevel TimelineKind = "level"
	// TimelineState: the state changed (State is the new one).
	TimelineState TimelineKind = "state"
	// TimelineAction: an entry action ran or was undone.
	TimelineAction TimelineKind = "action"
	// TimelineActionFailed: an entry action or its undoing failed.
	TimelineActionFailed TimelineKind = "action_failed"
	// TimelineStatementDrafted: a public statement was drafted, or edited
	// into a new version.
	TimelineStatementDrafted TimelineKind = "statement_drafted"
	// TimelineStatementApproval: a member approved one step of a
	// statement's approval chain.
	TimelineStatementApproval TimelineKind = "statement_approval"
	// TimelineStatementApproved: a statement's approval chain is complete.
	TimelineStatementApproved TimelineKind = "statement_approved"
	// TimelineStatementReopened: after a level change, a statement's
	// approvals no longer complete the new level's chain.
	TimelineStatementReopened TimelineKind = "statement_reopened"
	// TimelineStatementPublishing: a member started publishing a statement;
	// it can no longer be edited or withdrawn.
	TimelineStatementPublishing TimelineKind = "statement_publishing"
	// TimelineStatementPublishFailed: the publisher returned an error; the
	// post may or may not be out, and publishing again is safe.
	TimelineStatementPublishFailed TimelineKind = "statement_publish_failed"
	// TimelineStatementPublished: the publisher published a statement
	// (Text holds its receipt).
	TimelineStatementPublished TimelineKind = "statement_published"
	// TimelineStatementWithdrawn: an unpublished statement was withdrawn.
	TimelineStatementWithdrawn TimelineKind = "statement_withdrawn"
	// TimelineNote: a member's note.
	TimelineNote TimelineKind = "note"
	// TimelineReview: the post-incident review was recorded.
	TimelineReview TimelineKind = "review"
)

// TimelineEntry is one line of an incident's timeline. The timeline is
// append-only: stores add entries in the write that changes the incident
// and never change or remove one.
type TimelineEntry struct {
	// ID identifies the entry (a UUID v7).
	ID uuid.UUID `json:"id"`
	// Incident is the incident's ID.
	Incident uuid.UUID `json:"incident"`
	// At is when it happened, on the service's clock.
	At time.Time `json:"at"`
	// Kind is what it records.
	Kind TimelineKind `json:"kind"`
	// Actor is the member who did it; empty for the service itself.
	Actor string `json:"actor,omitempty"`
	// Level is the incident's level when it happened.
	Level string `json:"level,omitempty"`
	// State is the new state of a TimelineState entry.
	State IncidentState `json:"state,omitempty"`
	// Step and Due say which page a TimelinePage entry is: the schedule's
	// Step and the time it was due on its grid.
	Step int       `json:"step,omitempty"`
	Due  time.Time `json:"due,omitzero"`
	// To is who a page went to.
	To *Responder `json:"to,omitempty"`
	// Statement is the public statement a TimelineStatement entry is
	// about.
	Statement uuid.UUID `json:"statement,omitzero"`
	// Text says what happened in words.
	Text string `json:"text,omitempty"`
}

// Clone returns a copy of inc that shares no memory with it.
func (inc Incident) Clone() Incident {
	inc.Undo.Pauses = slices.Clone(inc.Undo.Pauses)
	inc.Pages = slices.Clone(inc.Pages)
	inc.Unsent = slices.Clone(inc.Unsent)
	if inc.Review != nil {
		r := *inc.Review
		r.WentWell, r.Improve, r.ActionItems = slices.Clone(r.WentWell), slices.Clone(r.Improve), slices.Clone(r.ActionItems)
		inc.Review = &r
	}
	if inc.Statements != nil {
		sts := make([]PublicStatement, len(inc.Statements))
		for i, st := range inc.Statements {
			st.Authors, st.Approvals = slices.Clone(st.Authors), slices.Clone(st.Approvals)
			sts[i] = st
		}
		inc.Statements = sts
	}
	return inc
}

// clone returns a copy of e that shares no memory with it.
func (e TimelineEntry) clone() TimelineEntry {
	if e.To != nil {
		to := *e.To
		e.To = &to
	}
	return e
}
