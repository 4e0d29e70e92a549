package styleguide

import "github.com/cmkit/cmkit"

// Draft is what a guide checks: a post's text and what the rules' scopes
// look at.
type Draft struct {
	// Text is the post's body, links and hashtags included.
	Text string `json:"text"`
	// Title is the headline of platforms that have one (cmkit.Post.Title);
	// rules of KindCapitalization with a Headline check it.
	Title string `json:"title,omitempty"`
	// Language is the BCP 47 tag of Text ("en", "es-MX", "pl"). Rules
	// scoped to languages, voice lists, spelling, readability and the
	// messages read it; without it, rules scoped to languages do not apply.
	Language string `json:"language,omitempty"`
	// Platform is where the post goes.
	Platform cmkit.Platform `json:"platform,omitempty"`
	// Labels are the channel's and the content's labels ("promotion",
	// "sponsored", "es-team").
	Labels []string `json:"labels,omitempty"`
	// CampaignKind is the kind of the campaign the post belongs to
	// ("promotion", "giveaway", "launch"), empty when none.
	CampaignKind string `json:"campaign_kind,omitempty"`
	// Crisis says a crisis is on: rules of KindCrisis apply, and rules
	// scoped with crisis "off" do not.
	Crisis bool `json:"crisis,omitempty"`
	// Limits overrides the platform's limits for rules of KindPlatform;
	// nil means cmkit.PlatformLimits(Platform).
	Limits *cmkit.Limits `json:"limits,omitempty"`
}

// The fields an alert may point into.
const (
	FieldText  = "text"  // Draft.Text
	FieldTitle = "title" // Draft.Title
)

// Alert is one place where a draft breaks a rule. It is a value, not an
// error.
type Alert struct {
	// RuleID, Kind and Severity are the rule's.
	RuleID   string   `json:"rule_id"`
	Kind     RuleKind `json:"kind"`
	Severity Severity `json:"severity"`
	// Message explains the alert in the draft's language when the rule
	// (or the kind's built-in message) has one, else in English.
	Message string `json:"message"`
	// Field is FieldText or FieldTitle: the text Start and End point into.
	Field string `json:"field"`
	// Start and End delimit the offending bytes of the original text. An
	// alert about something missing (a disclosure, a link) points at what
	// made it required, or at the whole text.
	Start int `json:"start"`
	End   int `json:"end"`
	// Line and Column locate Start, both from 1; Column counts Unicode
	// code points from the start of the line.
	Line   int `json:"line"`
	Column int `json:"column"`
	// Fixes are ways to fix the alert, best first. ApplyFixes applies the
	// automatic ones.
	Fixes []Fix `json:"fixes,omitempty"`
}

// Fix is one edit of a text: replace Text[Start:End] with Replacement.
type Fix struct {
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Replacement string `json:"replacement"`
	// Auto says the fix can be applied without a person looking; when
	// false it is a suggestion (a correction of spelling, a replacement
	// that may break agreement, an insertion).
	Auto bool `json:"auto"`
}
