package calendar

import (
	"slices"
	"time"

	"github.com/cmkit/cmkit/calendar/recur"
)

// A recurring series in the iCalendar export (RFC 5545, 3.8.5.3, 3.8.5.1
// and 3.8.4.4): one VEVENT with the rule (DTSTART in the series' zone,
// RRULE), an EXDATE for each occurrence of the rule the file does not show,
// and a VEVENT with the same UID and a RECURRENCE-ID for each occurrence
// that differs from that master event.
//
// The master event covers the occurrences from the first the file shows to
// the last, and its RRULE ends with an UNTIL at the last (in place of the
// rule's COUNT or UNTIL), so that a reader shows what the calendar holds:
// a series is made up to a date (CreateSeries, ExtendSeries), and a query
// may select a part of it. The planner checks with the recur package that
// the rule it writes gives exactly the series' occurrences in that range;
// when it cannot (a Start that does not match its rule, say), the series'
// entries are written as single events, as entries outside a series are
// (a cancelled one with STATUS:CANCELLED).

// maxSeriesOriginals bounds the occurrences of the rule the planner
// expands for one series: far more than a calendar holds, and a bound on
// the work a damaged entry can cause.
const maxSeriesOriginals = 1 << 20

// seriesPlan is what a series becomes in the file: a master event and its
// overrides, or, when the series cannot be written as one, single events.
type seriesPlan struct {
	master    *icalEvent
	overrides []icalEvent
	singles   []*Entry // written as single events
}

// planSeries plans the members of one series (entries with Series set,
// in the order of the export) with the recurrence of its first entry (nil
// when that is unknown).
func planSeries(rec *recur.Recurrence, members []*Entry, opts *icalPlanOptions) seriesPlan {
	if rec == nil || rec.Location == nil || rec.Validate() != nil {
		return seriesPlan{singles: members}
	}
	loc := rec.Location
	zone := loc.String()
	if zone == "" || zone == "Local" {
		return seriesPlan{singles: members}
	}
	// The occurrences to show, by their original instant; cancelled ones
	// are left out (and become EXDATEs when inside the range).
	byOrig := map[int64]*Entry{}
	stray := map[*Entry]bool{} // shown, but not as an occurrence
	var last time.Time
	for _, e := range members {
		if e.State == Cancelled {
			continue
		}
		o := e.Occurrence.Truncate(time.Second)
		if o.IsZero() || byOrig[o.Unix()] != nil {
			stray[e] = true // no key, or a second entry with it
			continue
		}
		byOrig[o.Unix()] = e
		if o.After(last) {
			last = o
		}
	}
	if len(byOrig) == 0 {
		return seriesPlan{singles: members}
	}
	start := rec.Start.In(loc)
	base := recur.Recurrence{Rule: rec.Rule, Start: rec.Start, Location: loc}
	originals, ok := collectOriginals(&base, start, last)
	if !ok {
		return seriesPlan{singles: members}
	}
	isOriginal := make(map[int64]bool, len(originals))
	for _, u := range originals {
		isOriginal[u] = true
	}
	var first time.Time
	last = time.Time{}
	for u, e := range byOrig {
		if !isOriginal[u] {
			stray[e] = true // not an occurrence of the rule
			delete(byOrig, u)
			continue
		}
		t := time.Unix(u, 0)
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	if len(byOrig) == 0 {
		return seriesPlan{singles: members}
	}
	var singles []*Entry
	for _, e := range members {
		if stray[e] {
			singles = append(singles, e)
		}
	}
	rule := rec.Rule
	rule.Count, rule.Until, rule.UntilDate = 0, last.UTC(), false
	// Anchor the master at the first occurrence shown; if the rule does not
	// give the same occurrences from there, at the series' own Start.
	anchors := []struct {
		at   time.Time
		wall recur.WallTime
	}{{first, recur.WallTimeOf(first.In(loc))}, {start, rec.Start}}
	for _, a := range anchors {
		want := originals[indexFrom(originals, a.at.Unix()):indexFrom(originals, last.Unix()+1)]
		cand := recur.Recurrence{Rule: rule, Start: a.wall, Location: loc}
		if !cand.Start.In(loc).Equal(a.at) || !ruleGives(rule, a.wall, loc) {
			continue
		}
		got, ok := collectOriginals(&cand, a.at, last)
		if !ok || !slices.Equal(got, want) {
			continue
		}
		plan := buildSeries(rule, a.wall, zone, loc, want, byOrig, opts)
		plan.singles = append(plan.singles, singles...)
		return plan
	}
	return seriesPlan{singles: members}
}

// buildSeries writes the plan of a series whose master starts at wall in
// loc, with rule, given the rule's occurrences from there (originals, Unix
// seconds) and the entries shown for some of them.
func buildSeries(rule recur.RRule, wall recur.WallTime, zone string, loc *time.Location,
	originals []int64, byOrig map[int64]*Entry, opts *icalPlanOptions) seriesPlan {
	// The master's content is the one most unmoved occurrences share (the
	// earliest such on a tie): a series has no template apart from its
	// entries, and its first entry may have been edited like any other.
	contents := map[icalContent]int{}
	var best icalContent
	bestN := 0
	for _, u := range originals {
		e := byOrig[u]
		if e == nil || !sameSecond(e.At, e.Occurrence) {
			continue
		}
		c := contentOf(e)
		contents[c]++
		if n := contents[c]; n > bestN {
			best, bestN = c, n
		}
	}
	if bestN == 0 {
		best = contentOf(byOrig[originals[0]])
	}
	series := byOrig[originals[0]].Series
	uid := series.String() + "@cmkit"
	master := &icalEvent{
		uid:      uid,
		start:    newICalTime(wall.In(loc), zone, loc),
		rrule:    rule.String(),
		content:  best,
		master:   true,
		duration: opts.duration,
	}
	var plan seriesPlan
	for _, u := range originals {
		orig := newICalTime(time.Unix(u, 0), zone, loc)
		e := byOrig[u]
		if e == nil {
			master.exdates = append(master.exdates, orig)
			continue
		}
		c := contentOf(e)
		if sameSecond(e.At, e.Occurrence) && c == best {
			continue
		}
		ev := opts.single(e)
		ev.uid = uid
		ev.recurrenceID = &orig
		plan.overrides = append(plan.overrides, ev)
	}
	plan.master = master
	return plan
}

// ruleGives reports whether rule gives wall in loc as one of its
// occurrences, not only as its start: RFC 5545 counts a DTSTART that does
// not match the rule as the first occurrence, and python-dateutil (which
// vobject and most Python readers use) leaves it out. It expands the rule
// from a start whole periods earlier (12 months for MONTHLY, 4 years for
// YEARLY, so that the day exists) and looks for wall; when that earlier
// start of a MONTHLY or YEARLY rule is not the same day of the month (29
// February), or before year 1, it reports false.
func ruleGives(rule recur.RRule, wall recur.WallTime, loc *time.Location) bool {
	rule.Count, rule.Until, rule.UntilDate = 0, time.Time{}, false
	k := max(rule.Interval, 1)
	t := time.Date(wall.Year, wall.Month, wall.Day, wall.Hour, wall.Minute, wall.Second, 0, time.UTC)
	switch rule.Freq {
	case recur.Daily:
		t = t.AddDate(0, 0, -k)
	case recur.Weekly:
		t = t.AddDate(0, 0, -7*k)
	case recur.Monthly:
		t = t.AddDate(0, -12*k, 0)
	default:
		t = t.AddDate(-4*k, 0, 0)
	}
	if t.Year() < 1 || (rule.Freq == recur.Monthly || rule.Freq == recur.Yearly) && t.Day() != wall.Day {
		return false
	}
	at := wall.In(loc)
	earlier := recur.Recurrence{Rule: rule, Start: recur.WallTimeOf(t), Location: loc}
	for occ := range earlier.Occurrences(at, at.Add(time.Second)) {
		return occ.At.Equal(at)
	}
	return false
}

// collectOriginals returns the instants (Unix seconds) r gives in
// [from, last], in order, or false when there are more than
// maxSeriesOriginals.
func collectOriginals(r *recur.Recurrence, from, last time.Time) ([]int64, bool) {
	var out []int64
	for occ := range r.Occurrences(from, last.Add(time.Second)) {
		if len(out) == maxSeriesOriginals {
			return nil, false
		}
		out = append(out, occ.Original.Unix())
	}
	return out, true
}

// indexFrom returns the index of the first of the increasing us that is
// at least u.
func indexFrom(us []int64, u int64) int {
	i, _ := slices.BinarySearch(us, u)
	return i
}

func sameSecond(a, b time.Time) bool { return a.Unix() == b.Unix() }
