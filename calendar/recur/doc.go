// Package recur computes when recurring, wall-clock plans happen: RFC 5545
// recurrence rules (RRULE) and weekly posting slots, read in an IANA time
// zone and correct across daylight-saving changes. It needs no calendar
// and no clock; the calendar package stores and schedules what it computes.
//
// # Concepts
//
// A WallTime is a date and a time of day as a wall clock shows them, with
// no zone: "2026-03-29 09:00". Plans are made and stored in wall time next
// to an IANA zone, never as UTC offsets or multiples of 24 hours, so that a
// 09:00 post stays at 09:00 local time all year. WallTime.In turns one into
// an instant in a zone.
//
// An RRule is an RFC 5545 recurrence rule, such as
// "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0": how a plan
// repeats, with no start and no zone. ParseRRule reads one and String
// writes it back.
//
// A Recurrence pairs a rule with a Start (a WallTime) and a Location, minus
// EXDATEs, with Overrides that skip, move or annotate single occurrences:
// what a recurring calendar entry stores and iCalendar writes as
// DTSTART;TZID=..., RRULE and EXDATE. Recurrence.Occurrences expands it
// lazily into the Occurrences of a window.
//
// Slots is a channel's posting plan: weekly times (a Slot is "Mon 09:00")
// in a zone, a minimum gap between posts and Blackout windows. ParseSlots
// reads the short form people write ("Mon-Fri 09:00 13:30, Europe/Warsaw");
// Slots.Next, Slots.Queue and Slots.Free find free slots after an instant,
// given the instants already taken.
//
// # Time
//
// Nothing here reads the clock: every method takes the instants it works
// from (the window to expand, the instant to look after), so the same call
// gives the same answer in tests and in production.
//
// On a daylight-saving change day, a wall time that does not exist, because
// clocks jump over it, moves forward by the gap (02:30 becomes 03:30), and
// one that exists twice is the first of the two instants, as RFC 5545
// (section 3.3.5) says; WallTime.In documents the rule, and recurrences and
// slots follow it.
//
// Zones come from time.LoadLocation (LoadZone refuses "" and "Local", which
// are not zones a plan can be shared in). The package does not import
// time/tzdata itself. A program that runs in a minimal container (scratch,
// distroless) without /usr/share/zoneinfo should add
//
//	import _ "time/tzdata"
//
// to its main package (or build with -tags timetzdata), or LoadLocation
// fails for every zone but UTC. The tests and examples of this package
// import it.
//
// # Limits
//
// Plans read from files are bounded (MaxRuleValues, MaxExDates,
// MaxOverrides, MaxSlotTimes, MaxBlackouts, and years 1 to 9999), far above
// what a person writes, so that no input makes expansion or a slot search
// slow or endless.
//
// # Concurrency
//
// The types are plain values. Expanding a Recurrence or searching Slots
// only reads them, so one value may serve many goroutines at once, as long
// as nobody changes it meanwhile.
//
// # Errors
//
// Parsers, Validate methods and UnmarshalJSON return *cmkit.ValidationError
// values (wrapping cmkit.ErrInvalid) whose Field names the part at fault
// ("rrule.BYDAY", "start", "tzid", "overrides[2].original", "slots") and
// whose Rule says what is wrong ("required", "format", "range",
// "duplicate", "conflict", "unknown", "unsupported", "max_length").
// Expansion and slot search never fail: an invalid Recurrence yields no
// occurrences, and invalid Slots no free slot.
package recur
