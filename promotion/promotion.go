package promotion

import (
	"time"

	"github.com/cmkit/cmkit"
)

// PromotionKind says how a promotion picks who gets a prize.
type PromotionKind string

// The promotion kinds.
const (
	// KindGiveaway is decided by chance: a draw among the accepted entries.
	KindGiveaway PromotionKind = "giveaway"
	// KindContest is judged on merit, by a jury or by votes (see Judging).
	KindContest PromotionKind = "contest"
	// KindOffer hands out codes (a discount, a sample) to eligible entrants
	// until they run out; nobody is picked.
	KindOffer PromotionKind = "offer"
)

// Judging says who judges a contest.
type Judging string

// The ways a contest is judged.
const (
	// ByJury: jurors score the entries on the promotion's criteria.
	ByJury Judging = "jury"
	// ByVotes: the community votes, one vote per account.
	ByVotes Judging = "votes"
)

// Promotion is a contest, giveaway or offer as the brand announces it: what
// it is, where and when it runs, what it gives away, how to enter and who
// may. Load one with ParsePromotion, or build it in Go and call Validate;
// NewEntries checks mentions against it.
//
// The window is wall time in an IANA zone: Start and End are local times
// ("2026-10-20T09:00", seconds optional) in Zone, resolved with the zone's
// rules, so a promotion that spans a daylight-saving change still closes at
// the local hour it announced. The window is half-open, [Start, End): an
// entry made at Start counts, one made at End does not. A local time that
// a clock change skips (02:30 on the spring-forward night in Warsaw) does
// not exist and is invalid; one that happens twice (02:30 on the
// fall-back night) means the first of the two.
type Promotion struct {
	// ID is the product's stable name for the promotion ("acme-summer-26").
	ID string `json:"id"`
	// Kind is giveaway, contest or offer.
	Kind PromotionKind `json:"kind"`
	// Judging says who judges a contest: "jury" or "votes". Required for a
	// contest, empty otherwise.
	Judging Judging `json:"judging,omitempty"`
	// Brand is the brand that runs it.
	Brand string `json:"brand"`
	// Channels are where people enter; at least one.
	Channels []ChannelRef `json:"channels"`
	// Zone is the IANA time zone of Start and End ("Europe/Warsaw").
	Zone string `json:"zone"`
	// Start is when entries open, local wall time in Zone.
	Start string `json:"start"`
	// End is when entries close (the first instant that no longer counts),
	// local wall time in Zone; after Start.
	End string `json:"end"`
	// Prizes are what is given away; at least one.
	Prizes []Prize `json:"prizes"`
	// TermsURL is where the published terms are (https).
	TermsURL string `json:"terms_url,omitempty"`
	// Countries are where it runs, as ISO 3166-1 alpha-2 codes ("PL",
	// "ES"); at least one. Only people from these countries may enter.
	Countries []string `json:"countries"`
	// Mechanics is what an entry must contain.
	Mechanics Mechanics `json:"mechanics,omitzero"`
	// Eligibility is who may enter, and how often.
	Eligibility Eligibility `json:"eligibility,omitzero"`
	// BotChecks tunes the signals that flag an entry as a suspected bot.
	BotChecks BotChecks `json:"bot_checks,omitzero"`
}

// ChannelRef names one channel of a promotion and, when entries must answer
// one post there, that post.
type ChannelRef struct {
	// ID is the cmkit channel's ID (Mention.ChannelID).
	ID string `json:"id"`
	// Platform is the channel's platform; it goes into each entry's key
	// and, by default, its entrant's identity.
	Platform cmkit.Platform `json:"platform"`
	// Post, when set, is the platform ID of the announcement post: an entry
	// on this channel must be a comment or reply whose InReplyTo or
	// ThreadID is it.
	Post string `json:"post,omitempty"`
}

// Prize is one thing given away, and how many of it.
type Prize struct {
	// Name says what it is ("Weekend for two in Kraków").
	Name string `json:"name"`
	// Quantity is how many there are (codes, for an offer); at least 1.
	Quantity int `json:"quantity"`
}

// Mechanics is what an entry must contain. Every requirement that is set
// must hold.
type Mechanics struct {
	// Hashtags must all appear in the entry ("#sorteo"; written with or
	// without the "#"). They match regardless of case and accents.
	Hashtags []string `json:"hashtags,omitempty"`
	// Keywords: at least one must appear in the entry as whole words,
	// regardless of case and accents ("quiero", "chcę").
	Keywords []string `json:"keywords,omitempty"`
	// MentionAccounts is how many other accounts the entry must @mention
	// ("tag two friends"); mentions of the author and of OwnHandles do not
	// count, and each account counts once.
	MentionAccounts int `json:"mention_accounts,omitempty"`
	// OwnHandles are the brand's own handles (without "@"), which do not
	// count as mentioned friends.
	OwnHandles []string `json:"own_handles,omitempty"`
	// Question is what a contest's entrants answer. When set, an entry
	// must have some text besides hashtags, mentions and links.
	Question string `json:"question,omitempty"`
}

// Eligibility says who may enter and how often. The countries where people
// may enter from are the promotion's Countries.
type Eligibility struct {
	// MinAccountAgeDays is how old, in days, an entrant's account must be
	// when they enter (0: no minimum).
	MinAccountAgeDays int `json:"min_account_age_days,omitempty"`
	// ExcludedAccounts may not enter (employees, the agency): each is a
	// handle on any platform ("ana_acme"), a handle on one platform
	// ("instagram:ana_acme"), or a linked person ("person:E-1042", see
	// IdentityLinker). Handles match regardless of case.
	ExcludedAccounts []string `json:"excluded_accounts,omitempty"`
	// EntriesPerPerson is how many entries one person may have accepted;
	// 0 means 1.
	EntriesPerPerson int `json:"entries_per_person,omitempty"`
	// RequireKnownCountry rejects an entry whose entrant's country is not
	// known (see AuthorLookup). Without it such an entry is accepted, and
	// the country is for the winner to prove when claiming the prize; an
	// entrant known to be from elsewhere is always rejected.
	RequireKnownCountry bool `json:"require_known_country,omitempty"`
}

// BotChecks tunes the suspected-bot signals. The zero value is the default
// described on each field.
type BotChecks struct {
	// Off turns both signals off.
	Off bool `json:"off,omitempty"`
	// NewAccountDays flags an account created after the promotion opened,
	// or less than this many days before (0: only after it opened).
	NewAccountDays int `json:"new_account_days,omitempty"`
	// NearDuplicateAccounts flags every entry whose text is a near
	// duplicate of entries by at least this many different people
	// (counting its own); 0 means 5. Only texts of at least
	// NearDuplicateMinWords words, hashtags, mentions and links aside, are
	// compared, since many real fans write "I want it!".
	NearDuplicateAccounts int `json:"near_duplicate_accounts,omitempty"`
	// NearDuplicateMinWords is the length, in words, below which a text is
	// not compared; 0 means 6.
	NearDuplicateMinWords int `json:"near_duplicate_min_words,omitempty"`
}

// entriesPerPerson returns the per-person limit with its default.
func (e Eligibility) entriesPerPerson() int {
	if e.EntriesPerPerson == 0 {
		return 1
	}
	return e.EntriesPerPerson
}

// Window returns the instants the promotion opens and closes: entries at
// or after start and before end count. It fails, like Validate, on an
// unknown zone or a local time that does not exist or is not
// "YYYY-MM-DDTHH:MM[:SS]".
func (p *Promotion) Window() (start, end time.Time, err error) {
	loc, err := loadZone("zone", p.Zone)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	if start, err = resolveWall("start", p.Start, loc); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if end, err = resolveWall("end", p.End, loc); err != nil {
		return time.Time{}, time.Time{}, err
	}
	if !end.After(start) {
		return time.Time{}, time.Time{}, cmkit.Invalid("end", "after", "%s is not after start %s", p.End, p.Start)
	}
	return start, end, nil
}
