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
// # Verifiable draws
//
// A giveaway's winners come from a commit–reveal draw that anyone can
// recompute. The scheme is fixed and versioned (the "-v1" in each hashed
// text); every hash is SHA-256 and every hex string is lowercase, so the
// checks need only sha256sum, sort and a few lines of any language.
//
//  1. When the promotion opens, NewSeed makes a secret 32-byte seed and
//     Commit returns its commitment, which goes into the announcement post
//     together with the public beacon round the draw will use (for
//     example a future round of drand). The commitment binds the beacon's
//     name and round, so neither can be switched later.
//  2. When entries close, FreezeEntries sorts the entry keys bytewise,
//     rejects duplicates and hashes the list; the hash is published.
//  3. When the beacon round is out, Draw takes the seed, the list's hash
//     and the beacon value and yields the winners and ordered alternates;
//     the seed is revealed and the DrawRecord published with the entry
//     list (FrozenEntries.WriteTo: one key a line).
//  4. Anyone runs Verify (or examples/promotion-verify) on the record and
//     the list, or redoes it by hand as below. Verify cannot know the
//     beacon's real value: compare the record's value with the round the
//     beacon itself published.
//
// Because the commitment is published before any entry exists, the
// organizer cannot pick a seed for a chosen winner. Because the beacon
// value is unknown until after the entry list's hash is published, the
// organizer, who knows the seed, cannot try entry lists (adding or dropping
// entries of their own) until one draws a chosen winner; and the beacon's
// publisher does not know the seed. A draw without a beacon lacks this
// second guard: it is only as fair as the entry list is out of the
// organizer's hands. Participants should check that their own key is in
// the published list.
//
// By hand, for the draw of ExampleDraw (seed 000102...1f, beacon
// "drand quicknet" round 5000000 with the illustrative value deadbeef,
// seven entries, 1 winner and 2 alternates):
//
//	SEED=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
//
//	# 1. The commitment: SHA-256 of "seed", then the beacon's name and round.
//	printf 'cmkit-promotion-commit-v1\nseed %s\nbeacon %s\nround %s\n' \
//	    $SEED 'drand quicknet' 5000000 | sha256sum
//	# d297df669fb4fa8fa959b9422e0e3ffe654a2e9f3c36d5d03613a20aa2ee04f8
//	# (without a beacon the text ends after the seed line)
//
//	# 2. The list: one key a line, sorted bytewise, no duplicates.
//	LC_ALL=C sort -c -u entries.txt && echo canonical
//	{ printf 'cmkit-promotion-entries-v1\n'; cat entries.txt; } | sha256sum
//	# 0e22eda21d73a87fe75bd3c4a1729c9201b887e706fe71052db0b96fa435c872
//	H=0e22eda21d73a87fe75bd3c4a1729c9201b887e706fe71052db0b96fa435c872
//
//	# 3. The draw key K (without a beacon, the text ends after "entries").
//	printf 'cmkit-promotion-draw-v1\nseed %s\nentries %s\nbeacon %s\nround %s\nvalue %s\n' \
//	    $SEED $H 'drand quicknet' 5000000 deadbeef | sha256sum
//	# 2d27d8930df38efed3fd03e59501d0d337bb382d45c6910972b72737cb074a5a
//	K=2d27d8930df38efed3fd03e59501d0d337bb382d45c6910972b72737cb074a5a
//
//	# 4. Random blocks 0, 1, 2, ...: the first 16 hex digits are x.
//	for i in 0 1 2; do printf '%s %d\n' $K $i | sha256sum | cut -c1-16; done
//	# a3cc4c8e473bccfe
//	# 01ccb7ef4259b799
//	# f67e0dec2ab36675
//
// Then, with a = the lines of entries.txt and n = len(a), for p = 0, 1,
// ..., winners+alternates−1: k = n−p; take the next block's x, skipping
// any block with x ≥ 2^64 − (2^64 mod k) (rejection sampling, so that no
// entry is favoured; it almost never happens); r = x mod k; swap a[p] and
// a[p+r]. The first winners keys of a are the winners, the next ones the
// alternates in order. Here: p=0, k=7, r=0 (a[0] facebook:marta.p stays);
// p=1, k=6, r=5 (x:pedro_r comes up); p=2, k=5, r=1 (mastodon:@olek@...).
// In Python:
//
//	import hashlib
//	a = open("entries.txt").read().split("\n")[:-1]
//	i = 0
//	for p in range(1 + 2):  # winners + alternates
//	    k = len(a) - p
//	    while True:
//	        x = int(hashlib.sha256(f"{K} {i}\n".encode()).hexdigest()[:16], 16)
//	        i += 1
//	        if x < 2**64 - 2**64 % k:
//	            break
//	    a[p], a[p + x % k] = a[p + x % k], a[p]
//	print(a[:1], a[1:3])  # ['facebook:marta.p'] ['x:pedro_r', 'mastodon:@olek@mastodon.social']
//
// A longer draw begins with the shorter one, so the alternates never
// change who won. Verify reports the first step that does not match as a
// *cmkit.ValidationError naming the field ("seed", "entries[4]",
// "entries_hash", "key", "winners[0]", ...).
//
// # Winners
//
// Winners follows the people who won from the draw to the announcement.
// WinnersFromDraw (a giveaway's DrawRecord) or WinnersFromStandings (a
// contest's ranking) gives every prize unit a slot and its winner, and
// keeps the alternates in the order drawn or ranked; the submissions say
// whom to write to, on which channel, and WinnerOptions.Languages in which
// language. Winners is a plain value that round-trips through JSON, with
// an append-only list of events for the audit log.
//
// Its methods are pure transitions that take the instant from the caller
// and change nothing on bad input: Accept, Decline and Disqualify record
// an answer or a decision; Expire replaces every notified winner whose
// deadline has come (the deadline is the first instant that is too late:
// one second before it, nobody is replaced). A winner who declines, does
// not answer or is disqualified (even after accepting) leaves for good,
// and the first alternate left takes the slot at once; when none is left
// the prize is unclaimed. An answer after the deadline, a second answer,
// or one from an entry that left is cmkit.ErrConflict; an entry the
// winners never had is cmkit.ErrNotFound. Time never runs backwards in the
// record: an instant before the last event's counts as the last event's,
// so a clock that jumps back cannot bring an expired winner back.
//
// SendNotices does the I/O through a WinnerNotifier, with the message
// from WinnerTemplates (text/template, per BCP 47 language with a
// fallback; DefaultWinnerTemplates has English, Spanish and Polish). It is
// crash-safe: each notice is claimed (Claim) and saved before the notifier
// is called, and its ID (NoticeID) is derived from the promotion, the slot
// and the entry, so a notice whose send failed, timed out or was cut short
// by a crash is sent again with the same ID, for the notifier to drop as a
// repeat. The winner's deadline counts from the confirmed send (Sent), so
// it is never earlier than the one the message stated. Once every slot is
// accepted or unclaimed, AnnounceWinners posts the winners through an
// Announcer (which the product wires to its content calendar), once per
// language and list of winners.
//
// A seeded simulation (winners_sim_test.go) runs hundreds of scenarios of
// random answers, clock jumps forward and back, notifier failures,
// crashes mid-call and restarts from the store, and checks after every
// step that no entry holds two slots, that an entry that left never comes
// back, that alternates are used in order, that notice IDs are stable, that
// the events only grow and that no prize is accepted more often than it
// exists.
//
// # Service and storage
//
// Service runs promotions over a Store (NewMemoryStore is the default;
// cmkittest.TestPromotionStore checks any other): Create stores a draft,
// Open makes the secret seed and returns the commitment to announce,
// AddEntries and Collect check mentions through Entries, Close freezes the
// entry list, Draw draws a giveaway's winners and alternates, and Reveal
// publishes the seed with the DrawRecord, which Verify checks against
// FrozenEntries. A PromotionRecord's Status moves forward only (draft, open,
// closed, drawn, revealed); a step taken out of order is an error wrapping
// cmkit.ErrConflict, and changes nothing. Until the reveal the seed stays
// in the store: Get, Close and Draw return PromotionRecord.Public, without it.
//
// Each call acts for the member roles.WithActor put in its context, who
// needs a permission (listed on New) on every channel of the promotion
// in every one of its countries;
// a denial is an error wrapping cmkit.ErrForbidden that says why, and is
// written to the audit log. Every change is one Store.Update fenced by
// the record's version, so that two services racing for one step leave
// one winner, and the other gets cmkit.ErrConflict; once stored, the
// change is written to the audit log (one record per AddEntries call,
// counting what was accepted and rejected, and why, with the
// DecisionsDigest of the submissions it stored, which binds each entry's
// decision to the hash-chained log).
//
// Every submission is stored with the mention and what the product's
// IdentityLinker and AuthorLookup answered for it. A Service that did not
// make them (another process, or the same after a restart) replays them
// in order through a new Entries with those answers, without asking the
// product again, and then decides the next mentions exactly as an
// uninterrupted run would: a duplicate across the restart is still a
// duplicate, and a near-duplicate group still counts the texts from
// before it. A call that fails (a bad mention, a link's error, a store
// error) stores nothing, and the service forgets what it checked.
//
// After the draw, StartWinners follows the giveaway's winners (Winners,
// below) in the PromotionRecord (StartContestWinners, a closed contest's
// from its ranking), each winner and alternate written to in the language of their
// entry; SendNotices, AcceptPrize, DeclinePrize,
// Disqualify and AnnounceWinners change them, each change stored under
// the record's version and each of the winners' events (notified,
// expired, replaced, accepted, announced, ...) written to the audit log
// as one record.
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
// Entries, Service and MemoryStore are safe for concurrent use; a
// Promotion and a PromotionRecord are plain values.
package promotion
