package crisis

import (
	"time"

	"github.com/cmkit/cmkit/roles"
)

// MinRepeat is the shortest repeat interval an escalation step may have:
// paging the same people more often than once a minute only buries the
// page.
const MinRepeat = Delay(time.Minute)

// Plan is a brand's crisis plan: its severity levels, least severe first,
// and for each who is paged, how fast they must acknowledge, who is paged
// next, what may be said and who approves it, and what is done on entry.
// Build one in Go and call Validate, or read one with ParsePlan.
type Plan struct {
	// ID names the plan ("acme-crisis"). It stays the same across versions.
	ID string `json:"id"`
	// Brand is the brand the plan protects.
	Brand string `json:"brand"`
	// Version numbers the plan's revisions, from 1. Raise it on every
	// change; Ref and Compare tell revisions apart.
	Version int64 `json:"version"`
	// Levels are the severity levels, least severe first ("watch", "minor",
	// "major", "critical"); a later level is more severe.
	Levels []Level `json:"levels"`
}

// Level is one severity level of a plan.
type Level struct {
	// Name names the level, unique in the plan ("major").
	Name string `json:"name"`
	// Description says in words when the level applies.
	Description string `json:"description,omitempty"`
	// Entry says which signals put an incident at this level. It is data,
	// read by whoever judges alerts; a manual-only level is entered by
	// declaration.
	Entry Criteria `json:"entry"`
	// Responders are paged when an incident enters the level (at least
	// one).
	Responders []Responder `json:"responders"`
	// AckWithin is how long the responders have to acknowledge before the
	// first escalation step may run (more than zero).
	AckWithin Delay `json:"ack_within"`
	// Escalation are the steps run while nobody has acknowledged, in order
	// of their After.
	Escalation []EscalationStep `json:"escalation,omitempty"`
	// Statements are the holding statements, one per language and channel.
	Statements []Statement `json:"statements,omitempty"`
	// Approvals is the approval chain any public statement made at this
	// level needs (at least one step), in the shape of a roles policy step;
	// ApprovalRule turns it into a roles.Rule.
	Approvals []roles.Step `json:"approvals"`
	// OnEntry are the actions run when an incident enters the level.
	OnEntry EntryActions `json:"on_entry"`
}

// Criteria are a level's entry criteria: thresholds on an alert's signals,
// or manual declaration only. With both thresholds set, breaking either
// one is enough unless All is set.
type Criteria struct {
	// Manual means the level is entered only by declaration; no threshold
	// may be set then.
	Manual bool `json:"manual,omitempty"`
	// MinVolumeRatio is the ratio of observed to expected mention volume at
	// or above which the level applies (more than 1; 0 means unused).
	MinVolumeRatio float64 `json:"min_volume_ratio,omitempty"`
	// MinNegativeShare is the share of negative mentions, from 0 to 1, at
	// or above which the level applies (0 means unused).
	MinNegativeShare float64 `json:"min_negative_share,omitempty"`
	// All requires both thresholds to be broken.
	All bool `json:"all,omitempty"`
}

// Met reports whether signals with this volume ratio and negative share
// meet the criteria. A manual-only level is never met by signals.
func (c Criteria) Met(volumeRatio, negativeShare float64) bool {
	if c.Manual {
		return false
	}
	vol := c.MinVolumeRatio > 0 && volumeRatio >= c.MinVolumeRatio
	neg := c.MinNegativeShare > 0 && negativeShare >= c.MinNegativeShare
	if c.All {
		return (c.MinVolumeRatio == 0 || vol) && (c.MinNegativeShare == 0 || neg)
	}
	return vol || neg
}

// Responder is who is paged: either one member, or every holder of a role
// (a roles.Role name) within a scope.
type Responder struct {
	// Role is the role whose holders are paged.
	Role string `json:"role,omitempty"`
	// Scope limits Role to holders on this scope; empty fields take the
	// plan's brand.
	Scope roles.Scope `json:"scope,omitzero"`
	// Member is the ID of the member paged instead of a role.
	Member string `json:"member,omitempty"`
}

// EscalationStep says who is paged next when nobody acknowledged.
type EscalationStep struct {
	// Responder is who this step pages.
	Responder
	// After is how long after the incident entered the level the step
	// runs, unless acknowledged by then. The first step's After is at least
	// the level's AckWithin; each later step's is greater than the one
	// before.
	After Delay `json:"after"`
	// Repeat is the interval at which the step pages again until
	// acknowledged: 0 means once, otherwise at least MinRepeat.
	Repeat Delay `json:"repeat,omitempty"`
}

// Statement is a holding statement prepared ahead: what the brand says
// first, in one language, on one channel or on all.
type Statement struct {
	// Language is its BCP 47 tag ("es", "es-MX").
	Language string `json:"language"`
	// Channel is the channel ID it is for; empty means every channel
	// without its own statement in that language.
	Channel string `json:"channel,omitempty"`
	// Text is the statement.
	Text string `json:"text"`
}

// EntryActions are what is done when an incident enters a level, through
// the interfaces Publishing, Moderation, StyleGuide and Notifier.
type EntryActions struct {
	// PausePublishing, when set, pauses scheduled publishing.
	PausePublishing *PublishingPause `json:"pause_publishing,omitempty"`
	// ModerationRules names the stricter moderation rule set to switch to;
	// empty leaves moderation as it is.
	ModerationRules string `json:"moderation_rules,omitempty"`
	// StyleGuideCrisis puts the brand's style guide in crisis mode.
	StyleGuideCrisis bool `json:"style_guide_crisis,omitempty"`
	// NotifyCustomerService, when not empty, is the message paged to the
	// customer_service role on the plan's brand.
	NotifyCustomerService string `json:"notify_customer_service,omitempty"`
}

// PublishingPause says what publishing to pause and how to resume it.
type PublishingPause struct {
	// Channels are the channel IDs to pause; empty means the whole brand.
	Channels []string `json:"channels,omitempty"`
	// Missed says what happens on resume to posts whose time passed during
	// the pause (required: the choice is the plan's, never a default).
	Missed MissedPosts `json:"missed"`
}

// MissedPosts is a policy for posts whose time passed while publishing was
// paused. Its values match the calendar's missed-post policies.
type MissedPosts string

// The missed-post policies.
const (
	// HoldMissedPosts keeps missed posts held for a person to reschedule.
	HoldMissedPosts MissedPosts = "hold"
	// PublishMissedPosts publishes missed posts, paced, from resume on.
	PublishMissedPosts MissedPosts = "publish"
	// MoveMissedPosts moves missed posts to their channel's next free slot.
	MoveMissedPosts MissedPosts = "move"
)

// valid reports whether m is one of the policies.
func (m MissedPosts) valid() bool {
	return m == HoldMissedPosts || m == PublishMissedPosts || m == MoveMissedPosts
}

// LevelIndex returns the position of the level named name (its severity
// rank, 0 the least severe), or -1 if the plan has none.
func (p *Plan) LevelIndex(name string) int {
	for i := range p.Levels {
		if p.Levels[i].Name == name {
			return i
		}
	}
	return -1
}

// LevelFor returns the most severe level whose entry criteria signals with
// this volume ratio and negative share meet, and false if none does.
func (p *Plan) LevelFor(volumeRatio, negativeShare float64) (Level, bool) {
	for i := len(p.Levels) - 1; i >= 0; i-- {
		if p.Levels[i].Entry.Met(volumeRatio, negativeShare) {
			return p.Levels[i], true
		}
	}
	return Level{}, false
}

// ApprovalRule returns the level's approval chain as a roles.Rule for
// crisis statements, named "crisis-LEVEL", to judge statements with
// roles.Policy{Rules: ...}.
func (l *Level) ApprovalRule() roles.Rule {
	return roles.Rule{Name: "crisis-" + l.Name, Kinds: []string{roles.KindStatement},
		Steps: append([]roles.Step(nil), l.Approvals...)}
}
