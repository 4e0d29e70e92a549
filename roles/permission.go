package roles

import (
	"github.com/cmkit/cmkit"
)

// Permission names one thing a member may do, as "area.action". The
// constants below are the permissions cmkit's packages check; a product adds
// its own by defining them in its RoleSet (RoleSet.DefinePermission).
type Permission string

// Calendar and publishing.
const (
	ReadCalendar Permission = "calendar.read" // see the calendar and its entries
	DraftPost    Permission = "post.draft"    // create and edit drafts
	SubmitPost   Permission = "post.submit"   // send a draft for review
	ApprovePost  Permission = "post.approve"  // approve someone else's post
	SchedulePost Permission = "post.schedule" // put an approved post on the calendar
	PublishPost  Permission = "post.publish"  // publish now, or let the publisher publish it
	CancelPost   Permission = "post.cancel"   // cancel or pause a scheduled post
	// ManageCampaigns: create, change and close campaigns, part of the
	// social media plan.
	ManageCampaigns Permission = "campaign.manage"
)

// Inbox and moderation.
const (
	ReadInbox     Permission = "inbox.read"   // read comments, mentions, messages
	ReplyMention  Permission = "inbox.reply"  // answer in the brand's name
	HideMention   Permission = "inbox.hide"   // hide or unhide a comment
	DeleteMention Permission = "inbox.delete" // delete a comment
	AssignMention Permission = "inbox.assign" // assign an item to a team member
	RouteMention  Permission = "inbox.route"  // route a complaint to customer service
)

// KPIs and reports.
const (
	DefineKPI   Permission = "kpi.define" // define KPIs and targets per platform
	EnterKPI    Permission = "kpi.enter"  // fill in the KPI sheet
	ReadReports Permission = "kpi.read"   // read KPI reports
)

// Style guide.
const (
	EditStyleGuide Permission = "styleguide.edit" // change the brand voice rules
)

// Crisis.
const (
	DeclareCrisis    Permission = "crisis.declare"           // open an incident
	EscalateCrisis   Permission = "crisis.escalate"          // raise its level
	ResolveCrisis    Permission = "crisis.resolve"           // close it
	ApproveStatement Permission = "crisis.approve_statement" // approve a public statement
)

// Promotions: contests, giveaways and offers.
const (
	ReadPromotions   Permission = "promotion.read"            // see promotions, their entries and results
	ManagePromotions Permission = "promotion.manage"          // create, open, close promotions; review entries
	DrawPromotion    Permission = "promotion.draw"            // run a draw or score a contest
	ApproveWinners   Permission = "promotion.approve_winners" // confirm, notify, disqualify and replace winners
)

// Team.
const (
	ManageMembers Permission = "team.members" // add, edit and remove members
	ManageGrants  Permission = "team.grants"  // give and revoke roles
)

// PermissionInfo describes a permission for people (a settings screen, a
// role editor).
type PermissionInfo struct {
	// Name is the permission.
	Name Permission `json:"name"`
	// Description says what it allows.
	Description string `json:"description,omitempty"`
}

var builtinPermissions = []PermissionInfo{
	{ReadCalendar, "see the calendar and its entries"},
	{DraftPost, "create and edit drafts"},
	{SubmitPost, "send a draft for review"},
	{ApprovePost, "approve someone else's post"},
	{SchedulePost, "put an approved post on the calendar"},
	{PublishPost, "publish posts"},
	{CancelPost, "cancel or pause scheduled posts"},
	{ManageCampaigns, "create, change and close campaigns"},
	{ReadInbox, "read comments, mentions and messages"},
	{ReplyMention, "answer in the brand's name"},
	{HideMention, "hide or unhide comments"},
	{DeleteMention, "delete comments"},
	{AssignMention, "assign inbox items"},
	{RouteMention, "route complaints to customer service"},
	{DefineKPI, "define KPIs and targets"},
	{EnterKPI, "fill in the KPI sheet"},
	{ReadReports, "read KPI reports"},
	{EditStyleGuide, "change the style guide"},
	{DeclareCrisis, "declare a crisis"},
	{EscalateCrisis, "escalate a crisis"},
	{ResolveCrisis, "resolve a crisis"},
	{ApproveStatement, "approve crisis statements"},
	{ReadPromotions, "see promotions, their entries and results"},
	{ManagePromotions, "create, open and close promotions, review entries"},
	{DrawPromotion, "run draws and score contests"},
	{ApproveWinners, "confirm, notify, disqualify and replace winners"},
	{ManageMembers, "add, edit and remove team members"},
	{ManageGrants, "give and revoke roles"},
}

// validName reports whether s is a usable role or permission name: 1 to 64
// bytes of lower-case ASCII letters, digits, '_', '-' or '.', starting with
// a letter.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
		case i > 0 && (c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'):
		default:
			return false
		}
	}
	return true
}

func checkName(field, s string) error {
	if s == "" {
		return cmkit.Invalid(field, "required", "")
	}
	if !validName(s) {
		return cmkit.Invalid(field, "format", "%q: use 1-64 lower-case letters, digits, '_', '-' or '.', starting with a letter", s)
	}
	return nil
}
