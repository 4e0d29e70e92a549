package crisis

import (
	"context"

	"github.com/google/uuid"
)

// The interfaces below are what a plan's actions need from the rest of
// cmkit. The crisis package does not import calendar, moderation or the
// style guide; a program wires them with small adapters (see the
// examples). Each method either does what it says or returns an error and
// changes nothing.

// Publishing pauses and resumes scheduled publishing, as a calendar does.
type Publishing interface {
	// Pause stops scheduled posts of brand from going out, on the listed
	// channel IDs or, when channels is empty, on every channel of the
	// brand. It returns an ID for Resume. reason is recorded with the
	// pause.
	Pause(ctx context.Context, brand string, channels []string, reason string) (id string, err error)
	// Resume lifts the pause id, treating posts whose time passed during
	// it as missed says.
	Resume(ctx context.Context, id string, missed MissedPosts) error
}

// Moderation switches a brand's moderation to a named rule set.
type Moderation interface {
	// SwitchRuleSet makes ruleSet the brand's active moderation rule set
	// and returns the one it replaced, which a later call switches back to.
	SwitchRuleSet(ctx context.Context, brand, ruleSet string) (previous string, err error)
}

// StyleGuide turns a brand's style guide crisis mode on or off (in crisis
// mode the guide's crisis rules apply to every draft).
type StyleGuide interface {
	// SetCrisisMode turns crisis mode on or off for brand.
	SetCrisisMode(ctx context.Context, brand string, on bool) error
}

// Notifier pages people.
type Notifier interface {
	// Page sends p.Message to p.To: the member it names, or every holder
	// of its role on its scope. A page whose sending was not confirmed
	// (the call failed, or the process died during it) is sent again with
	// the same p.ID: a Notifier that remembers the IDs it delivered
	// delivers each page once.
	Page(ctx context.Context, p Page) error
}

// Page is one page to send.
type Page struct {
	// ID names the page across its attempts (its TimelinePage entry's ID,
	// or the TimelineAction entry's for a customer service notice).
	ID uuid.UUID
	// Incident is the incident it is about.
	Incident uuid.UUID
	// To is who is paged.
	To Responder
	// Message is what they read.
	Message string
	// Attempt counts this page's sends from 1.
	Attempt int
}
