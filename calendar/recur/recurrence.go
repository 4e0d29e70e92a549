package recur

import (
	"cmp"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/cmkit/cmkit"
)

// Recurrence is a recurring plan: an RRule repeated from a Start in local wall
// time in an IANA zone, minus EXDATEs, with per-occurrence overrides. It is
// what a recurring calendar entry stores, and what iCalendar writes as
// DTSTART;TZID=..., RRULE and EXDATE.
//
// Occurrences are computed on wall-clock dates in Location and only then
// turned into instants, so a 09:00 Europe/Madrid rule stays at 09:00 local
// time in winter and in summer. A wall time that a daylight-saving change
// skips or repeats is resolved as WallTime.In documents: moved forward by
// the gap, or the first of the two instants. Two wall times that resolve to
// one instant (02:00 moved to 03:00, and 03:00 itself, on a spring-forward
// day) give a single occurrence, counted once toward COUNT.
//
// The Start is always the first occurrence and counts toward COUNT, as RFC
// 5545 says, even when it does not match the rule; give a Start that does,
// as calendar applications do.
//
// Expanding only reads the Recurrence, so one value may be expanded from
// many goroutines at once, as long as nobody changes it meanwhile.
//
// A Recurrence marshals to JSON as {"rrule": "...", "start":
// "2026-03-23T09:00:00", "tzid": "Europe/Madrid", "exdates": [...],
// "overrides": [...]}.
type Recurrence struct {
	// Rule says how the plan repeats.
	Rule RRule
	// Start is the first occurrence, in wall time in Location.
	Start WallTime
	// Location is the IANA zone the plan is made in, from
	// time.LoadLocation. A fixed offset (time.FixedZone) would not follow
	// daylight-saving time; use one only for zones that have none. In a
	// minimal container with no zone database, LoadLocation fails unless
	// the program imports _ "time/tzdata" (this package does not, to leave
	// the 450 KB choice to the program).
	Location *time.Location
	// ExDates removes occurrences: each is the instant of one, as
	// Occurrence.Original reports it (compared to the second). An EXDATE
	// that matches no occurrence does nothing. Removed occurrences still
	// count toward COUNT.
	ExDates []time.Time
	// Overrides change single occurrences without touching the series:
	// skip one, move it, or attach a reference to an edited version.
	Overrides []Override
}

// Override changes one occurrence of a Recurrence, found by Original, the
// instant the rule gives it. An override whose Original is not an occurrence
// (or is removed by an EXDATE) does nothing.
type Override struct {
	// Original is the occurrence's instant as the rule produces it.
	Original time.Time `json:"original"`
	// Skip removes the occurrence (like an EXDATE, but kept as an override
	// so that it can be undone and shown as "skipped").
	Skip bool `json:"skip,omitempty"`
	// Moved, when not zero, is the instant the occurrence happens instead.
	Moved time.Time `json:"moved,omitzero"`
	// Ref is an opaque reference the recurrence carries to the
	// Occurrence, for example the ID of an edited variant of the post.
	Ref string `json:"ref,omitempty"`
}

// Occurrence is one happening of a Recurrence.
type Occurrence struct {
	// At is when it happens, in the recurrence's Location.
	At time.Time `json:"at"`
	// Original is the instant the rule gave it: the key for EXDATEs and
	// overrides. It equals At unless an override moved it.
	Original time.Time `json:"original"`
	// Ref is the Ref of the override that applies, if any.
	Ref string `json:"ref,omitempty"`
}

// Validate reports whether r can be expanded: a valid rule, a valid Start, a
// Location, and overrides that each have an Original, do not both skip and
// move, and do not repeat an Original. Errors are *cmkit.ValidationError
// values.
func (r *Recurrence) Validate() error {
	if err := r.Rule.Validate(); err != nil {
		return err
	}
	if err := r.Start.Validate(); err != nil {
		return err
	}
	if r.Location == nil {
		return cmkit.Invalid("tzid", "required", "a recurrence needs a time zone (time.LoadLocation)")
	}
	if len(r.ExDates) > MaxExDates {
		return cmkit.Invalid("exdates", "max_length", "%d EXDATEs; at most %d", len(r.ExDates), MaxExDates)
	}
	if len(r.Overrides) > MaxOverrides {
		return cmkit.Invalid("overrides", "max_length", "%d overrides; at most %d", len(r.Overrides), MaxOverrides)
	}
	seen := make(map[int64]bool, len(r.Overrides))
	for i, o := range r.Overrides {
		field := fmt.Sprintf("overrides[%d]", i)
		switch {
		case o.Original.IsZero():
			return cmkit.Invalid(field+".original", "required", "an override names the occurrence it changes")
		case o.Skip && !o.Moved.IsZero():
			return cmkit.Invalid(field, "conflict", "an override either skips or moves an occurrence")
		case seen[o.Original.Unix()]:
			return cmkit.Invalid(field+".original", "duplicate", "%s has another override", o.Original.Format(time.RFC3339))
		}
		seen[o.Original.Unix()] = true
	}
	return nil
}

// Occurrences returns the occurrences that happen in [from, to), in time
// order, computed lazily: stop ranging whenever you have enough. A zero to
// means no end (the sequence ends with the rule, or in year 9999). EXDATEs
// and skipped occurrences are left out; moved ones appear at their new
// instant, when that is in the window (two moved to one instant come in the
// order of their originals). A Recurrence that Validate rejects yields
// nothing.
//
// Work is proportional to the periods in the window (for a rule without
// COUNT, expansion starts near from rather than at Start; a rule with
// COUNT is counted from Start, and once more up to the last moved
// occurrence when the window holds some). With a zero to,
// a rule that can never match again (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30)
// is searched up to year 9999, some tens of milliseconds: give a window
// when you can.
func (r *Recurrence) Occurrences(from, to time.Time) iter.Seq[Occurrence] {
	return func(yield func(Occurrence) bool) {
		if r.Validate() != nil {
			return
		}
		fromU, toU := ceilUnix(from), ceilUnix(to)
		if to.IsZero() {
			toU = farFuture
		}
		if fromU >= toU {
			return
		}
		// EXDATEs and overridden originals, sorted for binary search.
		var exdates []int64
		for _, t := range r.ExDates {
			exdates = append(exdates, t.Unix())
		}
		slices.Sort(exdates)
		overrides := slices.Clone(r.Overrides)
		slices.SortFunc(overrides, func(a, b Override) int { return a.Original.Compare(b.Original) })
		moved := r.movedInto(from, to, exdates)
		loc := r.Location
		r.expand(fromU, toU, func(u int64) bool {
			for len(moved) > 0 && moved[0].At.Unix() < u {
				if !yield(moved[0]) {
					return false
				}
				moved = moved[1:]
			}
			if len(exdates) > 0 {
				if _, found := slices.BinarySearch(exdates, u); found {
					return true
				}
			}
			t := time.Unix(u, 0).In(loc)
			occ := Occurrence{At: t, Original: t}
			if len(overrides) == 0 {
				return yield(occ)
			}
			if i, found := slices.BinarySearchFunc(overrides, u, func(o Override, u int64) int {
				return cmp.Compare(o.Original.Unix(), u)
			}); found {
				o := overrides[i]
				if o.Skip || !o.Moved.IsZero() {
					return true // skipped, or yielded at its new instant
				}
				occ.Ref = o.Ref
			}
			return yield(occ)
		})
		for _, m := range moved {
			if !yield(m) {
				return
			}
		}
	}
}

// movedInto returns the moved occurrences whose new instant is in
// [from, to) (a zero to: no end), sorted by it, keeping only those that
// really are occurrences of the series and that no EXDATE (in the sorted
// exdates) removes.
func (r *Recurrence) movedInto(from, to time.Time, exdates []int64) []Occurrence {
	var moved []Override
	for _, o := range r.Overrides {
		if o.Moved.IsZero() || o.Moved.Before(from) || (!to.IsZero() && !o.Moved.Before(to)) {
			continue
		}
		if _, removed := slices.BinarySearch(exdates, o.Original.Unix()); removed {
			continue
		}
		moved = append(moved, o)
	}
	if len(moved) == 0 {
		return nil
	}
	slices.SortFunc(moved, func(a, b Override) int { return cmp.Compare(a.Original.Unix(), b.Original.Unix()) })
	origs := make([]int64, len(moved))
	for i, o := range moved {
		origs[i] = o.Original.Unix()
	}
	var out []Occurrence
	for i, ok := range r.containsAll(origs) {
		if ok {
			o := moved[i]
			out = append(out, Occurrence{At: o.Moved.In(r.Location), Original: time.Unix(origs[i], 0).In(r.Location), Ref: o.Ref})
		}
	}
	slices.SortStableFunc(out, func(a, b Occurrence) int { return a.At.Compare(b.At) })
	return out
}

// containsAll reports, for each of the increasing Unix seconds us, whether
// it is an occurrence the rule gives. A rule with COUNT is expanded once,
// from its start to the last of us, because testing one instant of such a
// rule already means counting from the start; other rules are tested
// instant by instant, each from its own period.
func (r *Recurrence) containsAll(us []int64) []bool {
	found := make([]bool, len(us))
	if r.Rule.Count == 0 {
		for i, u := range us {
			found[i] = r.contains(u)
		}
		return found
	}
	i := 0
	r.expand(us[0], us[len(us)-1]+1, func(v int64) bool {
		for i < len(us) && us[i] < v {
			i++
		}
		if i < len(us) && us[i] == v {
			found[i] = true
			i++
		}
		return i < len(us)
	})
	return found
}

// Contains reports whether t (to the second) is an occurrence the rule
// gives, before EXDATEs and overrides apply.
func (r *Recurrence) Contains(t time.Time) bool {
	return r.Validate() == nil && r.contains(t.Unix())
}

// contains is Contains for a valid recurrence and a Unix second.
func (r *Recurrence) contains(u int64) bool {
	found := false
	r.expand(u, u+1, func(v int64) bool {
		found = v == u
		return false
	})
	return found
}

// recurrenceJSON is the JSON form of a Recurrence.
type recurrenceJSON struct {
	Rule      RRule       `json:"rrule"`
	Start     WallTime    `json:"start"`
	TZID      string      `json:"tzid"`
	ExDates   []time.Time `json:"exdates,omitempty"`
	Overrides []Override  `json:"overrides,omitempty"`
}

// MarshalJSON writes the recurrence with its zone as an IANA name ("tzid").
func (r Recurrence) MarshalJSON() ([]byte, error) {
	j := recurrenceJSON{Rule: r.Rule, Start: r.Start, ExDates: r.ExDates, Overrides: r.Overrides}
	if r.Location != nil {
		j.TZID = r.Location.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the form MarshalJSON writes, loads the zone with
// time.LoadLocation and validates the result.
func (r *Recurrence) UnmarshalJSON(data []byte) error {
	var j recurrenceJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	loc, ok := LoadZone(j.TZID)
	if !ok {
		return cmkit.Invalid("tzid", "format", "%q is not an IANA time zone", j.TZID)
	}
	v := Recurrence{Rule: j.Rule, Start: j.Start, Location: loc, ExDates: j.ExDates, Overrides: j.Overrides}
	if err := v.Validate(); err != nil {
		return err
	}
	*r = v
	return nil
}
