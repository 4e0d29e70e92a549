package moderation

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/cmkit/cmkit"
)

// RuleSet is a moderation policy as people write it in JSON: the term lists
// its rules look for, named lists of authors, and the rules, in the order
// they are evaluated. ParseRules reads one; Compile turns one into an
// Engine.
type RuleSet struct {
	// Builtin names the built-in lexicons to include (see
	// BuiltinLexicons): "insults", "spam", "scam", "complaints",
	// "urgency". Each covers English, Spanish and Polish.
	Builtin []string `json:"builtin,omitempty"`
	// Lexicons are the set's own term lists. Several lists may share a
	// name if their languages differ; a condition on the name reads them
	// all.
	Lexicons []TermList `json:"lexicons,omitempty"`
	// AuthorLists are named lists of authors (allow lists, block lists)
	// that the "author_list" condition reads.
	AuthorLists []AuthorList `json:"author_lists,omitempty"`
	// Rules are evaluated in order for every mention.
	Rules []ModRule `json:"rules,omitempty"`
}

// TermList is one lexicon: a named list of words and phrases (insults, spam
// phrases, complaint words, product or competitor names), matched without
// regard to case, accents, look-alike letters, invisible characters, l33t
// digits, repeated letters and separated letters.
type TermList struct {
	// Name is what conditions call the list ("insults"). Letters, digits,
	// '.', '_' and '-', at most 64 bytes.
	Name string `json:"name"`
	// Lang is the BCP 47 language the list is for ("es"); empty means every
	// language. A list with a language counts only in mentions of that
	// language ("es" covers "es-MX"), or whose language is unknown.
	Lang string `json:"lang,omitempty"`
	// Substring also finds the terms inside longer words ("viagra" in
	// "buyviagranow"). By default a term is found only as a whole word or
	// phrase, so "ass" is not found in "class".
	Substring bool `json:"substring,omitempty"`
	// Terms are the words and phrases, as people write them.
	Terms []string `json:"terms"`
}

// AuthorList is a named list of authors: platform account IDs, or handles
// written with a leading "@" (compared without regard to ASCII case).
type AuthorList struct {
	// Name is what the "author_list" condition calls the list.
	Name string `json:"name"`
	// Authors are account IDs ("1234") and handles ("@spammer").
	Authors []string `json:"authors"`
}

// ModRule is one moderation rule: when its condition holds for a mention,
// its actions are added to the Verdict.
type ModRule struct {
	// ID names the rule in verdicts and reports; unique in the set.
	// Letters, digits, '.', '_' and '-', at most 64 bytes.
	ID string `json:"id"`
	// Note says what the rule is for, for people; the engine ignores it.
	Note string `json:"note,omitempty"`
	// When is the condition. It must say something: an empty condition is
	// refused.
	When Cond `json:"when"`
	// Then are the actions taken when the condition holds. At least one.
	Then Actions `json:"then"`
}

// Cond is a condition on a mention. Each field that is set is one test,
// and a Cond holds when every test it sets holds; All, Any and Not compose
// conditions. The engine evaluates the tests of a Cond, and the members of
// All and Any, cheapest first (see the package documentation), so the
// order in which they are written does not matter.
type Cond struct {
	// All holds when every one of its conditions holds.
	All []Cond `json:"all,omitempty"`
	// Any holds when at least one of its conditions holds.
	Any []Cond `json:"any,omitempty"`
	// Not holds when its condition does not.
	Not *Cond `json:"not,omitempty"`

	// Lexicon holds when the text contains terms of the lexicon of that
	// name (every list of the name whose language applies): at least
	// MinHits occurrences (default 1), of Terms only when Terms is set.
	Lexicon string `json:"lexicon,omitempty"`
	// MinHits is how many occurrences Lexicon needs; 0 means 1.
	MinHits int `json:"min_hits,omitempty"`
	// Terms narrows Lexicon to some of its terms.
	Terms []string `json:"terms,omitempty"`

	// Regex holds when the RE2 regular expression matches the text as
	// written, or its normalized form when Normalized is set (case and
	// accents folded: write the pattern in lower case without accents).
	Regex string `json:"regex,omitempty"`
	// Normalized runs Regex over the normalized text.
	Normalized bool `json:"normalized,omitempty"`

	// Followers bounds the author's follower count.
	Followers *Range `json:"followers,omitempty"`
	// Verified tests whether the author's account is verified.
	Verified *bool `json:"verified,omitempty"`
	// AccountAgeDays bounds the age of the author's account in days, at
	// the engine's clock. An account of unknown age fails the test.
	AccountAgeDays *Range `json:"account_age_days,omitempty"`
	// FirstTime tests whether this is the first mention of the author on
	// the channel, as the engine's AuthorHistory knows it.
	FirstTime *bool `json:"first_time,omitempty"`
	// AuthorList holds when the author is in the author list of that name.
	AuthorList string `json:"author_list,omitempty"`

	// Kinds holds when the mention is of one of the kinds.
	Kinds []cmkit.MentionKind `json:"kinds,omitempty"`
	// Platforms holds when the mention's channel is on one of the
	// platforms (the engine needs WithChannels or WithChannelMap).
	Platforms []cmkit.Platform `json:"platforms,omitempty"`
	// Channels holds when the mention arrived on one of the channels.
	Channels []string `json:"channels,omitempty"`
	// Languages holds when the mention's language is one of them ("es"
	// covers "es-MX"). Mention.Language wins over detection.
	Languages []string `json:"languages,omitempty"`

	// Sentiment bounds the sentiment score, from -1 to 1.
	Sentiment *Range `json:"sentiment,omitempty"`
	// SentimentLabels holds when the sentiment label is one of them:
	// "negative", "neutral", "positive".
	SentimentLabels []string `json:"sentiment_labels,omitempty"`

	// Links bounds the number of links in the text.
	Links *Range `json:"links,omitempty"`
	// Domains holds when a link points to one of the domains or their
	// subdomains ("acme.com" covers "shop.acme.com").
	Domains []string `json:"domains,omitempty"`
	// Shortened tests whether a link points to a URL shortener (bit.ly,
	// t.co, tinyurl.com... see Shorteners).
	Shortened *bool `json:"shortened,omitempty"`
	// CapsRatio bounds the share of upper-case letters among letters,
	// from 0 to 1 (0 when the text has no letters).
	CapsRatio *Range `json:"caps_ratio,omitempty"`
	// Emoji bounds the number of emoji.
	Emoji *Range `json:"emoji,omitempty"`
	// Length bounds the length of the text in characters (code points).
	Length *Range `json:"length,omitempty"`

	// Wave holds when the text is part of a spam wave: the same or nearly
	// the same text seen often enough within a time window, among the
	// mentions that passed the other tests of this Cond (the wave's
	// guard; see the package documentation).
	Wave *WaveCond `json:"wave,omitempty"`
}

// Range bounds a number; a nil bound is open. Both bounds are inclusive.
type Range struct {
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
}

// WaveCond describes a spam wave: at least MinCount mentions (this one
// included) whose texts are near-duplicates of this one, seen within the
// last Within, from at least MinAuthors distinct authors, or from this
// mention's author only when SameAuthor is set.
type WaveCond struct {
	// Within is the time window, at most 7 days ("10m", "2h").
	Within Duration `json:"within"`
	// MinCount is how many near-duplicates make a wave, this one
	// included; at least 2.
	MinCount int `json:"min_count"`
	// MinAuthors is how many distinct authors they must come from; 0
	// means 1. At most 64.
	MinAuthors int `json:"min_authors,omitempty"`
	// SameAuthor counts only mentions of this mention's author (a
	// repeater rather than a coordinated wave).
	SameAuthor bool `json:"same_author,omitempty"`
	// Distance is the largest Hamming distance between two fingerprints
	// that still counts as nearly the same text, from 0 to
	// MaxWaveDistance; nil means DefaultWaveDistance.
	Distance *int `json:"distance,omitempty"`
}

// The bounds of WaveCond.Distance.
const (
	// DefaultWaveDistance is the distance used when a WaveCond sets none.
	DefaultWaveDistance = 6
	// MaxWaveDistance is the largest distance a WaveCond may set.
	MaxWaveDistance = 12
)

// Actions are what a rule does when it fires. A Verdict merges the actions
// of every rule that fired.
type Actions struct {
	// Hide hides the mention from the public (the author still sees it).
	Hide bool `json:"hide,omitempty"`
	// Delete deletes it.
	Delete bool `json:"delete,omitempty"`
	// Hold keeps it out of sight until a person approves it.
	Hold bool `json:"hold,omitempty"`
	// Flag labels the mention for people ("insult", "lead").
	Flag []string `json:"flag,omitempty"`
	// Priority sets the mention's priority: the verdict keeps the highest
	// of the rules that fired (0 is the default, higher is more urgent).
	Priority int `json:"priority,omitempty"`
	// Queue assigns it to a queue of the inbox; the first rule that fired
	// with a queue wins.
	Queue string `json:"queue,omitempty"`
	// Support routes it to customer service.
	Support bool `json:"support,omitempty"`
	// Reply suggests a reply template per language ("en", "es", "pl"; "*"
	// for any other). Placeholders: {author} (the author's handle, with
	// "@"), {name} (the display name, or the handle) and {LEXICON} for
	// the name of any lexicon, which reads the first text the lexicon
	// found in the mention ({product}).
	Reply map[string]string `json:"reply,omitempty"`
	// OpinionLeader marks the author as a possible opinion leader.
	OpinionLeader bool `json:"opinion_leader,omitempty"`
	// Crisis signals a possible crisis to the engine's CrisisSignaler.
	Crisis bool `json:"crisis,omitempty"`
	// Stop ends the evaluation: the rules after this one are not
	// evaluated for the mention.
	Stop bool `json:"stop,omitempty"`
}

// Duration is a time.Duration written in JSON as a string ("10m", "1h30m").
type Duration time.Duration

// MarshalJSON writes d as time.Duration.String does, quoted.
func (d Duration) MarshalJSON() ([]byte, error) {
	return []byte(strconv.Quote(time.Duration(d).String())), nil
}

// UnmarshalJSON reads a string that time.ParseDuration accepts.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"10m\"")
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as \"10m\"", s)
	}
	*d = Duration(v)
	return nil
}
