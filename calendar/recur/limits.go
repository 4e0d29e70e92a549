package recur

// This file holds the limits the package enforces on what it reads, so that
// no plan read from a file (a rule, a recurrence, a posting plan) can make
// expansion or a free-slot search overflow, slow down or run for ever. They
// are far above what a person writes.

// Limits the parser and Validate enforce beyond RFC 5545, so that no rule
// can make expansion overflow or run for ever, and slotHorizon, which bounds
// the search for a free slot to ten years of days.
const (
	maxInterval = 10000
	maxCount    = 1_000_000
	maxYear     = 9999
	slotHorizon = 3660
)

// Size limits on what a recurrence may hold, far above what a person
// writes, so that no plan read from a file makes expansion slow. RRule.Validate
// and Recurrence.Validate (and so ParseRRule and UnmarshalJSON) reject more
// with a *cmkit.ValidationError whose Rule is "max_length" and whose Field
// names the list ("rrule.BYDAY", "exdates", "overrides").
const (
	// MaxRuleValues is the most values one BYxxx part of an RRule may list.
	// No part has more than 749 distinct values (BYDAY: seven weekdays,
	// each alone or with an ordinal from -53 to 53).
	MaxRuleValues = 1000
	// MaxExDates is the most EXDATEs a Recurrence may hold.
	MaxExDates = 10_000
	// MaxOverrides is the most overrides a Recurrence may hold.
	MaxOverrides = 10_000
)

// Size limits on a posting plan, far above what a person writes, so that
// no plan read from a file makes Next slow. Validate (and so ParseSlots and
// UnmarshalJSON) rejects more with a *cmkit.ValidationError whose Rule is
// "max_length" and whose Field names the list ("slots.times",
// "slots.blackouts").
const (
	// MaxSlotTimes is the most weekly times a plan may hold: one every
	// minute of the week.
	MaxSlotTimes = 7 * 24 * 60
	// MaxBlackouts is the most blackouts a plan may hold.
	MaxBlackouts = 1000
)
