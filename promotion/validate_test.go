package promotion_test

import (
	"testing"

	"github.com/cmkit/cmkit/promotion"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestValidateRejects(t *testing.T) {
	for _, tc := range []struct {
		name, field, rule string
		change            func(p *promotion.Promotion)
	}{
		{"no id", "id", "required", func(p *promotion.Promotion) { p.ID = "" }},
		{"id with a tab", "id", "format", func(p *promotion.Promotion) { p.ID = "a\tb" }},
		{"no kind", "kind", "required", func(p *promotion.Promotion) { p.Kind = "" }},
		{"unknown kind", "kind", "enum", func(p *promotion.Promotion) { p.Kind = "raffle" }},
		{"contest without judging", "judging", "enum", func(p *promotion.Promotion) { p.Kind = promotion.KindContest }},
		{"giveaway with judging", "judging", "contest_only", func(p *promotion.Promotion) { p.Judging = promotion.ByJury }},
		{"no brand", "brand", "required", func(p *promotion.Promotion) { p.Brand = "" }},
		{"no channels", "channels", "required", func(p *promotion.Promotion) { p.Channels = nil }},
		{"channel twice", "channels[1].id", "unique", func(p *promotion.Promotion) { p.Channels[1].ID = p.Channels[0].ID }},
		{"bad platform", "channels[1].platform", "format", func(p *promotion.Promotion) { p.Channels[1].Platform = "Insta Gram" }},
		{"no zone", "zone", "required", func(p *promotion.Promotion) { p.Zone = "" }},
		{"Local zone", "zone", "zone", func(p *promotion.Promotion) { p.Zone = "Local" }},
		{"unknown zone", "zone", "zone", func(p *promotion.Promotion) { p.Zone = "Europe/Atlantis" }},
		{"no start", "start", "required", func(p *promotion.Promotion) { p.Start = "" }},
		{"start with an offset", "start", "format", func(p *promotion.Promotion) { p.Start = "2026-10-24T12:00:00+02:00" }},
		{"start in the spring gap", "start", "nonexistent", func(p *promotion.Promotion) { p.Start = "2026-03-29T02:30" }},
		{"end before start", "end", "after", func(p *promotion.Promotion) { p.End = "2026-10-24T11:00" }},
		{"end equal to start", "end", "after", func(p *promotion.Promotion) { p.End = p.Start }},
		{"no prizes", "prizes", "required", func(p *promotion.Promotion) { p.Prizes = nil }},
		{"prize without name", "prizes[0].name", "required", func(p *promotion.Promotion) { p.Prizes[0].Name = "" }},
		{"prize quantity 0", "prizes[0].quantity", "min", func(p *promotion.Promotion) { p.Prizes[0].Quantity = 0 }},
		{"terms over http", "terms_url", "format", func(p *promotion.Promotion) { p.TermsURL = "http://acme.example/terms" }},
		{"no countries", "countries", "required", func(p *promotion.Promotion) { p.Countries = nil }},
		{"lower-case country", "countries[1]", "format", func(p *promotion.Promotion) { p.Countries[1] = "es" }},
		{"country twice", "countries[1]", "unique", func(p *promotion.Promotion) { p.Countries[1] = "PL" }},
		{"hashtag twice", "mechanics.hashtags[1]", "unique", func(p *promotion.Promotion) { p.Mechanics.Hashtags = []string{"#Sorteo", "sorteo"} }},
		{"two words as a hashtag", "mechanics.hashtags[0]", "format", func(p *promotion.Promotion) { p.Mechanics.Hashtags = []string{"#two words"} }},
		{"bare #", "mechanics.hashtags[0]", "format", func(p *promotion.Promotion) { p.Mechanics.Hashtags = []string{"#"} }},
		{"keyword without letters", "mechanics.keywords[0]", "format", func(p *promotion.Promotion) { p.Mechanics.Keywords = []string{"!!"} }},
		{"mentions out of range", "mechanics.mention_accounts", "range", func(p *promotion.Promotion) { p.Mechanics.MentionAccounts = -1 }},
		{"question on a giveaway", "mechanics.question", "contest_only", func(p *promotion.Promotion) { p.Mechanics.Question = "Why?" }},
		{"negative account age", "eligibility.min_account_age_days", "range", func(p *promotion.Promotion) { p.Eligibility.MinAccountAgeDays = -1 }},
		{"entries per person too high", "eligibility.entries_per_person", "range", func(p *promotion.Promotion) { p.Eligibility.EntriesPerPerson = 5000 }},
		{"excluded account on an unknown platform", "eligibility.excluded_accounts[0]", "format", func(p *promotion.Promotion) { p.Eligibility.ExcludedAccounts = []string{"Bad Platform:ana"} }},
		{"excluded person without ID", "eligibility.excluded_accounts[0]", "format", func(p *promotion.Promotion) { p.Eligibility.ExcludedAccounts = []string{"person:"} }},
		{"near-duplicate threshold 1", "bot_checks.near_duplicate_accounts", "min", func(p *promotion.Promotion) { p.BotChecks.NearDuplicateAccounts = 1 }},
		{"near-duplicate min words 2", "bot_checks.near_duplicate_min_words", "min", func(p *promotion.Promotion) { p.BotChecks.NearDuplicateMinWords = 2 }},
		{"negative new-account days", "bot_checks.new_account_days", "range", func(p *promotion.Promotion) { p.BotChecks.NewAccountDays = -3 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := giveaway()
			tc.change(&p)
			w, err := p.Validate(nil)
			requireInvalid(t, err, tc.field, tc.rule)
			assert.Nil(t, w)
			_, err = promotion.NewEntries(p, nil)
			requireInvalid(t, err, tc.field, tc.rule)
		})
	}
}

func TestValidateWarnings(t *testing.T) {
	p := giveaway()
	w, err := p.Validate(nil)
	require.NoError(t, err)
	require.Len(t, w, 1, "a giveaway in Poland needs a permit")
	assert.Equal(t, promotion.WarnChancePermit, w[0].Code)
	assert.Equal(t, "PL", w[0].Country)
	assert.Equal(t, "kind", w[0].Field)

	p.TermsURL = ""
	w, err = p.Validate(nil)
	require.NoError(t, err)
	require.Len(t, w, 2)
	assert.Equal(t, promotion.WarnTermsRequired, w[0].Code)
	assert.Equal(t, "*", w[0].Country)

	p = giveaway()
	p.Kind, p.Judging, p.Mechanics.Question = promotion.KindContest, promotion.ByJury, "Where would you go?"
	w, err = p.Validate(nil)
	require.NoError(t, err)
	assert.Empty(t, w, "a contest judged on merit needs no lottery permit")

	p = giveaway()
	p.Countries = []string{"ES"}
	w, err = p.Validate(nil)
	require.NoError(t, err)
	assert.Empty(t, w)

	p = giveaway()
	w, err = p.Validate([]promotion.CountryRule{{Country: "ES", TermsRequired: true}})
	require.NoError(t, err)
	assert.Empty(t, w, "the rules given replace the defaults")
	w, err = p.Validate([]promotion.CountryRule{})
	require.NoError(t, err)
	assert.Empty(t, w, "an empty list applies no rules")
}

func TestDefaultCountryRulesIsACopy(t *testing.T) {
	r := promotion.DefaultCountryRules()
	r[1].ChanceNeedsPermit = false
	assert.True(t, promotion.DefaultCountryRules()[1].ChanceNeedsPermit)
}
