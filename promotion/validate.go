package promotion

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
)

// Limits of a promotion's fields.
const (
	maxText             = 500  // bytes in an ID, name, handle, hashtag or keyword
	maxList             = 1000 // items in any list
	maxMentionAccounts  = 50
	maxAccountAgeDays   = 3650
	maxEntriesPerPerson = 1000
)

// Validate checks the promotion and returns the country rules' warnings
// for it. rules are the country rules to apply; nil means
// DefaultCountryRules(). Every error wraps cmkit.ErrInvalid, and a
// *cmkit.ValidationError names the field ("channels[1].platform",
// "mechanics.hashtags[0]") and the rule. Warnings never make it fail. The
// rules:
//
//   - id and brand are required; kind is giveaway, contest or offer; a
//     contest names its judging ("jury" or "votes") and only a contest does;
//     only a contest has a question;
//   - at least one channel, each with an ID (no channel twice) and a
//     platform cmkit knows how to name;
//   - zone is an IANA zone, start and end are local times that exist there,
//     and end is after start (see Window);
//   - at least one prize, each with a name and a quantity of at least 1;
//   - terms_url, when set, is an https URL;
//   - at least one country, each an upper-case ISO 3166-1 alpha-2 code, none
//     twice;
//   - hashtags, keywords, own handles and excluded accounts are non-empty,
//     single-line and not repeated; mention_accounts is 0 to 50;
//   - min_account_age_days is 0 to 3650, entries_per_person 0 to 1000, and
//     the bot checks' numbers are not negative (near_duplicate_accounts is
//     at least 2 and near_duplicate_min_words at least 3 when set).
func (p *Promotion) Validate(rules []CountryRule) ([]Warning, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	if rules == nil {
		rules = DefaultCountryRules()
	}
	return p.warnings(rules), nil
}

func (p *Promotion) validate() error {
	if err := checkText("id", p.ID); err != nil {
		return err
	}
	switch p.Kind {
	case KindGiveaway, KindOffer:
		if p.Judging != "" {
			return cmkit.Invalid("judging", "contest_only", "only a contest is judged, this is a %s", p.Kind)
		}
	case KindContest:
		if p.Judging != ByJury && p.Judging != ByVotes {
			return cmkit.Invalid("judging", "enum", "a contest is judged by \"jury\" or \"votes\", got %q", p.Judging)
		}
	case "":
		return cmkit.Invalid("kind", "required", "giveaway, contest or offer")
	default:
		return cmkit.Invalid("kind", "enum", "%q is not giveaway, contest or offer", p.Kind)
	}
	if err := checkText("brand", p.Brand); err != nil {
		return err
	}
	if err := p.validateChannels(); err != nil {
		return err
	}
	if _, _, err := p.Window(); err != nil {
		return err
	}
	if len(p.Prizes) == 0 {
		return cmkit.Invalid("prizes", "required", "a promotion gives away at least one prize")
	}
	if len(p.Prizes) > maxList {
		return cmkit.Invalid("prizes", "max_items", "at most %d", maxList)
	}
	for i, pr := range p.Prizes {
		if err := checkText(fmt.Sprintf("prizes[%d].name", i), pr.Name); err != nil {
			return err
		}
		if pr.Quantity < 1 {
			return cmkit.Invalid(fmt.Sprintf("prizes[%d].quantity", i), "min", "at least 1, got %d", pr.Quantity)
		}
	}
	if p.TermsURL != "" {
		u, err := url.Parse(p.TermsURL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return cmkit.Invalid("terms_url", "format", "%q is not an https URL", p.TermsURL)
		}
	}
	if err := p.validateCountries(); err != nil {
		return err
	}
	if err := p.validateMechanics(); err != nil {
		return err
	}
	return p.validateEligibility()
}

func (p *Promotion) validateChannels() error {
	if len(p.Channels) == 0 {
		return cmkit.Invalid("channels", "required", "a promotion runs on at least one channel")
	}
	if len(p.Channels) > maxList {
		return cmkit.Invalid("channels", "max_items", "at most %d", maxList)
	}
	seen := map[string]bool{}
	for i, c := range p.Channels {
		field := fmt.Sprintf("channels[%d]", i)
		if err := checkText(field+".id", c.ID); err != nil {
			return err
		}
		if seen[c.ID] {
			return cmkit.Invalid(field+".id", "unique", "channel %q is listed twice", c.ID)
		}
		seen[c.ID] = true
		if err := c.Platform.Validate(); err != nil {
			return cmkit.Invalid(field+".platform", "format", "%v", err)
		}
		if c.Post != "" {
			if err := checkText(field+".post", c.Post); err != nil {
				return err
			}
		}
	}
	return nil
}

func (p *Promotion) validateCountries() error {
	if len(p.Countries) == 0 {
		return cmkit.Invalid("countries", "required", "name the countries it runs in (ISO 3166-1 alpha-2: \"PL\")")
	}
	seen := map[string]bool{}
	for i, c := range p.Countries {
		field := fmt.Sprintf("countries[%d]", i)
		if !isCountryCode(c) {
			return cmkit.Invalid(field, "format", "%q is not an upper-case ISO 3166-1 alpha-2 code such as \"PL\"", c)
		}
		if seen[c] {
			return cmkit.Invalid(field, "unique", "%s is listed twice", c)
		}
		seen[c] = true
	}
	return nil
}

func isCountryCode(c string) bool {
	return len(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z'
}

func (p *Promotion) validateMechanics() error {
	m := &p.Mechanics
	if err := checkList("mechanics.hashtags", m.Hashtags, func(s string) string { return fold(strings.TrimPrefix(s, "#")) }); err != nil {
		return err
	}
	for i, h := range m.Hashtags {
		if strings.ContainsFunc(strings.TrimPrefix(h, "#"), func(r rune) bool { return !isTagRune(r) }) || strings.TrimPrefix(h, "#") == "" {
			return cmkit.Invalid(fmt.Sprintf("mechanics.hashtags[%d]", i), "format", "%q is not one hashtag (letters, digits and _)", h)
		}
	}
	if err := checkList("mechanics.keywords", m.Keywords, fold); err != nil {
		return err
	}
	for i, k := range m.Keywords {
		if fold(k) == "" {
			return cmkit.Invalid(fmt.Sprintf("mechanics.keywords[%d]", i), "format", "%q has no letters or digits", k)
		}
	}
	if m.MentionAccounts < 0 || m.MentionAccounts > maxMentionAccounts {
		return cmkit.Invalid("mechanics.mention_accounts", "range", "0 to %d, got %d", maxMentionAccounts, m.MentionAccounts)
	}
	if err := checkList("mechanics.own_handles", m.OwnHandles, func(s string) string { return fold(strings.TrimPrefix(s, "@")) }); err != nil {
		return err
	}
	if m.Question != "" {
		if p.Kind != KindContest {
			return cmkit.Invalid("mechanics.question", "contest_only", "only a contest asks a question, this is a %s", p.Kind)
		}
		if !utf8.ValidString(m.Question) || len(m.Question) > 4*maxText {
			return cmkit.Invalid("mechanics.question", "format", "valid UTF-8, at most %d bytes", 4*maxText)
		}
	}
	return nil
}

func (p *Promotion) validateEligibility() error {
	e := &p.Eligibility
	if e.MinAccountAgeDays < 0 || e.MinAccountAgeDays > maxAccountAgeDays {
		return cmkit.Invalid("eligibility.min_account_age_days", "range", "0 to %d, got %d", maxAccountAgeDays, e.MinAccountAgeDays)
	}
	if e.EntriesPerPerson < 0 || e.EntriesPerPerson > maxEntriesPerPerson {
		return cmkit.Invalid("eligibility.entries_per_person", "range", "0 (meaning 1) to %d, got %d", maxEntriesPerPerson, e.EntriesPerPerson)
	}
	if err := checkList("eligibility.excluded_accounts", e.ExcludedAccounts, func(s string) string { return strings.ToLower(s) }); err != nil {
		return err
	}
	for i, a := range e.ExcludedAccounts {
		if _, _, _, err := parseExcluded(a); err != nil {
			return cmkit.Invalid(fmt.Sprintf("eligibility.excluded_accounts[%d]", i), "format", "%v", err)
		}
	}
	b := &p.BotChecks
	switch {
	case b.NewAccountDays < 0 || b.NewAccountDays > maxAccountAgeDays:
		return cmkit.Invalid("bot_checks.new_account_days", "range", "0 to %d, got %d", maxAccountAgeDays, b.NewAccountDays)
	case b.NearDuplicateAccounts < 0 || b.NearDuplicateAccounts == 1:
		return cmkit.Invalid("bot_checks.near_duplicate_accounts", "min", "0 (meaning 5) or at least 2, got %d", b.NearDuplicateAccounts)
	case b.NearDuplicateMinWords < 0 || b.NearDuplicateMinWords > 0 && b.NearDuplicateMinWords < 3:
		return cmkit.Invalid("bot_checks.near_duplicate_min_words", "min", "0 (meaning 6) or at least 3, got %d", b.NearDuplicateMinWords)
	}
	return nil
}

// parseExcluded splits an excluded account: "handle", "platform:handle" or
// "person:ID". person is true for the last form, and then handle is the ID.
func parseExcluded(s string) (platform cmkit.Platform, handle string, person bool, err error) {
	before, after, found := strings.Cut(s, ":")
	if !found {
		handle = strings.TrimPrefix(s, "@")
	} else if before == "person" {
		person, handle = true, after
	} else {
		platform, handle = cmkit.Platform(before), strings.TrimPrefix(after, "@")
		if err := platform.Validate(); err != nil {
			return "", "", false, err
		}
	}
	if handle == "" {
		return "", "", false, fmt.Errorf("%q names no account", s)
	}
	return platform, handle, person, nil
}

// checkText refuses an empty, over-long, multi-line or invalid UTF-8 text.
func checkText(field, s string) error {
	switch {
	case s == "":
		return cmkit.Invalid(field, "required", "")
	case len(s) > maxText:
		return cmkit.Invalid(field, "max_length", "%d bytes, at most %d", len(s), maxText)
	case !utf8.ValidString(s):
		return cmkit.Invalid(field, "format", "not valid UTF-8")
	case strings.ContainsFunc(s, unicode.IsControl):
		return cmkit.Invalid(field, "format", "%q has a control character (a tab or a line break)", s)
	}
	return nil
}

// checkList checks each item with checkText and refuses two items with the
// same key.
func checkList(field string, items []string, key func(string) string) error {
	if len(items) > maxList {
		return cmkit.Invalid(field, "max_items", "at most %d", maxList)
	}
	seen := make(map[string]bool, len(items))
	for i, s := range items {
		f := fmt.Sprintf("%s[%d]", field, i)
		if err := checkText(f, s); err != nil {
			return err
		}
		k := key(s)
		if seen[k] {
			return cmkit.Invalid(f, "unique", "%q is listed twice", s)
		}
		seen[k] = true
	}
	return nil
}
