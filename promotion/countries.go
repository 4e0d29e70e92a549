package promotion

import (
	"fmt"
	"slices"
)

// CountryRule is what one country's law is taken to require of a
// promotion, as data that Validate turns into warnings. It is a reminder
// for the people who run the promotion, not legal advice: check the rules
// with a lawyer in each country.
type CountryRule struct {
	// Country is an ISO 3166-1 alpha-2 code, or "*" for every country.
	Country string `json:"country"`
	// TermsRequired: published terms are expected (Promotion.TermsURL).
	TermsRequired bool `json:"terms_required,omitempty"`
	// ChanceNeedsPermit: a prize draw decided by chance (a giveaway) is
	// treated as a lottery that needs a permit or authorization.
	ChanceNeedsPermit bool `json:"chance_needs_permit,omitempty"`
	// Note says where the rule comes from, for the warning's reader.
	Note string `json:"note,omitempty"`
}

// DefaultCountryRules returns the rules Validate applies when given none: a
// fresh copy, which the caller may change and pass back. Published terms
// are expected everywhere; in Poland and Brazil a giveaway decided by chance
// needs a permit or an authorization, while a contest judged on merit does
// not.
func DefaultCountryRules() []CountryRule {
	return []CountryRule{
		{Country: "*", TermsRequired: true,
			Note: "participants and platforms expect published terms (official rules) for any promotion"},
		{Country: "PL", ChanceNeedsPermit: true,
			Note: "a prize draw decided by chance is a promotional lottery (loteria promocyjna) under the Gambling Act and needs a permit; a contest judged on merit does not"},
		{Country: "BR", ChanceNeedsPermit: true,
			Note: "a free prize distribution by draw needs prior authorization from the Ministry of Finance (Lei 5.768/1971)"},
	}
}

// WarningCode names what a Warning is about.
type WarningCode string

// The warning codes.
const (
	// WarnTermsRequired: a country expects published terms and the
	// promotion has no TermsURL.
	WarnTermsRequired WarningCode = "terms_required"
	// WarnChancePermit: a giveaway runs in a country that treats a chance
	// draw as a lottery needing a permit.
	WarnChancePermit WarningCode = "chance_permit"
)

// Warning is something a country rule asks the promotion's owner to check.
// It never makes validation fail.
type Warning struct {
	// Field is the promotion field it is about ("terms_url", "kind").
	Field string `json:"field"`
	// Code says what it is about.
	Code WarningCode `json:"code"`
	// Country is the rule's country ("*" for every country).
	Country string `json:"country"`
	// Detail explains it to a person, with the rule's note.
	Detail string `json:"detail"`
}

// String reads "COUNTRY: CODE (FIELD): DETAIL".
func (w Warning) String() string {
	return fmt.Sprintf("%s: %s (%s): %s", w.Country, w.Code, w.Field, w.Detail)
}

// warnings applies rules to the promotion, in the order of rules.
func (p *Promotion) warnings(rules []CountryRule) []Warning {
	var out []Warning
	for _, r := range rules {
		if r.Country != "*" && !slices.Contains(p.Countries, r.Country) {
			continue
		}
		if r.TermsRequired && p.TermsURL == "" {
			out = append(out, Warning{Field: "terms_url", Code: WarnTermsRequired, Country: r.Country,
				Detail: "no published terms: " + r.Note})
		}
		if r.ChanceNeedsPermit && p.Kind == KindGiveaway {
			out = append(out, Warning{Field: "kind", Code: WarnChancePermit, Country: r.Country,
				Detail: "a giveaway decided by chance: " + r.Note})
		}
	}
	return out
}
