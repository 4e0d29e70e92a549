// Package promotion runs contests, giveaways and offers (concursos,
// sorteos, konkursy) on social channels: the promotion as announced, the
// entries people make by commenting, and the checks that keep duplicate,
// ineligible and bot entries out, with the reason for every decision kept
// for a person to review.
//
// # Concepts
//
// A Promotion is what the brand announces: its kind (a giveaway decided by
// chance, a contest judged by a jury or by votes, an offer of codes), the
// brand, the channels people enter on (with, per channel, the post entries
// must answer), the window, the prizes and their quantities, the terms URL,
// the countries it runs in, the mechanics (hashtags, keywords, how many
// friends to tag, a contest's question), the eligibility rules (minimum
// account age, excluded accounts, entries per person) and the bot checks.
// Write it in JSON and load it with ParsePromotion, or build it in Go and
// call Promotion.Validate; either way a mistake comes back as an error
// naming the field ("channels[1].platform") and the rule.
//
// The window is two local wall times and an IANA zone, the way the terms
// state it ("until 26 October, 12:00 Warsaw time"), resolved with the
// zone's rules: a promotion that spans the end of summer time still closes
// at local noon, 49 hours after a noon start, not 48. The window is
// half-open: an entry made at the start counts, one made at the end does
// not. A local time the clocks skip is refused; one they repeat means the
// first of the two. See Promotion.Window.
//
// # Country rules (not legal advice)
//
// Whether a promotion is legal depends on the countries it runs in. Some
// of it is kept as data, in CountryRule: published terms are expected
// everywhere, and in Poland (and Brazil) a prize draw decided by chance is
// a lottery that needs a permit, while a contest judged on merit does not.
// Validate reports what these rules flag as Warnings, which never make it
// fail. DefaultCountryRules is a reminder list, incomplete and possibly
// outdated; it is not legal advice. Check every promotion with a lawyer in
// each country it runs in, and pass your own rules to Validate.
//
// # Entries
//
// Entries checks mentions (cmkit.Mention) against one promotion. Feed it a
// batch (AddBatch), a channel's cmkit.MentionReader (ReadFrom), or one
// mention at a time (Add), which is what an inbox calls for every mention
// it ingests. Mentions that are not entries (other channels, direct
// messages, reviews) are answered with ReasonNotEntry and not kept; every
// other mention becomes a Submission, accepted or rejected with a Reason
// (a stable token such as "outside_window" or "bot_near_duplicate") and a
// Detail a person can read. The checks and their order are listed on
// Entries; the first that fails is the reason.
//
// A mention does not say everything the checks need. Who is behind an
// account comes from the product's IdentityLinker (without one, each
// platform account is its own person), so that one person entering on X
// and on Instagram counts once. The entrant's country, and the account's
// creation time when the platform did not report it, come from the
// product's AuthorLookup; a promotion may then require a known country
// (Eligibility.RequireKnownCountry) or leave it for the winner to prove.
//
// Two signals flag suspected bots. An account created after the promotion
// opened (or shortly before, BotChecks.NewAccountDays) is flagged as
// brand-new. Texts copied across accounts with small changes are flagged
// as near duplicates: each text, with hashtags, mentions and links removed
// and case, accents and look-alike letters folded, gets a MinHash
// signature of its five-byte shingles, and signatures are grouped through
// locality-sensitive hashing, which compares each text with a bounded
// number of similar ones instead of all before it. When a group reaches
// BotChecks.NearDuplicateAccounts different people, all its submissions
// are rejected, earlier acceptances included. Short texts ("I want it!",
// "Yo quiero") are not compared, since many real fans write them.
//
// WriteCSV and WriteJSON export every submission with its reason for a
// person to review; ReadSubmissionsCSV and ReadSubmissionsJSON read the
// reviewed file back and refuse a row whose key no longer matches it.
//
// # The entry list and the draw
//
// When entries close, Entries.Keys is the list of accepted entries that
// gets frozen and published. Each key (see Submission.Key) reads
// "<platform>:<handle>:<mention ID>", such as "x:ana:1789", so that a
// participant finds their own comment in the published list. The draw
// sorts the keys itself, so the order Keys returns them in does not matter.
//
// # Errors
//
// Invalid input (a promotion, a mention without an ID, a tampered export)
// returns an error wrapping cmkit.ErrInvalid, usually a
// *cmkit.ValidationError naming the field and the rule, and changes
// nothing. Errors from a context, an IdentityLinker, an AuthorLookup or a
// MentionReader are returned as they are.
//
// # Concurrency
//
// Entries is safe for concurrent use; a Promotion is a plain value.
package promotion
