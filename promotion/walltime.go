package promotion

import (
	"time"

	"github.com/cmkit/cmkit"
)

// loadZone loads an IANA zone by name; "" and "Local" are refused, since a
// promotion's hours must not depend on the server's settings.
func loadZone(field, name string) (*time.Location, error) {
	if name == "" {
		return nil, cmkit.Invalid(field, "required", "an IANA time zone such as \"Europe/Warsaw\"")
	}
	if name == "Local" {
		return nil, cmkit.Invalid(field, "zone", "name the zone (\"Europe/Warsaw\"), not the server's Local")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, cmkit.Invalid(field, "zone", "%q is not an IANA time zone", name)
	}
	return loc, nil
}

// resolveWall reads a local wall time "YYYY-MM-DDTHH:MM" or
// "YYYY-MM-DDTHH:MM:SS" in loc. A wall time skipped by a clock change is
// invalid; one that happens twice resolves to the earlier instant.
func resolveWall(field, s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, cmkit.Invalid(field, "required", "a local time such as 2026-10-20T09:00")
	}
	w, err := time.Parse("2006-01-02T15:04:05", s)
	if err != nil {
		w, err = time.Parse("2006-01-02T15:04", s)
	}
	if err != nil {
		return time.Time{}, cmkit.Invalid(field, "format", "%q is not a local time YYYY-MM-DDTHH:MM[:SS]", s)
	}
	// w is the wall time read as UTC. An instant t shows w in loc when
	// t = w - offset(t); the offsets in force a day either side are the
	// only candidates (zones change offset at most once a day).
	var best time.Time
	for _, probe := range [2]time.Time{w.Add(-26 * time.Hour), w.Add(26 * time.Hour)} {
		_, off := probe.In(loc).Zone()
		t := w.Add(-time.Duration(off) * time.Second)
		if sameWall(t.In(loc), w) && (best.IsZero() || t.Before(best)) {
			best = t
		}
	}
	if best.IsZero() {
		// The offset may also have changed twice within the two days:
		// try the offset in force at the wall time itself.
		t := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, loc)
		if !sameWall(t, w) {
			return time.Time{}, cmkit.Invalid(field, "nonexistent", "%s does not happen in %s (the clocks skip it)", s, loc)
		}
		best = t
	}
	return best.In(loc), nil
}

// sameWall reports whether t shows the wall clock of w (read as UTC).
func sameWall(t, w time.Time) bool {
	y1, m1, d1 := t.Date()
	y2, m2, d2 := w.Date()
	return y1 == y2 && m1 == m2 && d1 == d2 && t.Hour() == w.Hour() && t.Minute() == w.Minute() && t.Second() == w.Second()
}
