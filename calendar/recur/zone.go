package recur

// This file holds zones: loading them, and resolving wall times to
// instants in them quickly.

import "time"

// LoadZone loads the IANA time zone name ("Europe/Madrid") with
// time.LoadLocation, and reports false when that fails or when name is one
// of the two names LoadLocation accepts that are not zones of the database:
// "" (UTC) and "Local" (whatever zone the machine that runs the program is
// set to). Recurrence.UnmarshalJSON and ParseSlots read zones with it.
func LoadZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// zoneCache turns naive wall seconds into instants in loc, remembering the
// zone period (from time.Time.ZoneBounds) of the last answer, so that
// consecutive occurrences away from a transition cost two comparisons and
// no zone lookup.
type zoneCache struct {
	loc    *time.Location
	lo, hi int64 // instants in [lo, hi) resolve with off and are unambiguous
	off    int64
}

const (
	// zoneMargin keeps the fast path away from transitions: no two offsets
	// differ by more than 26 hours, so an instant this far inside a zone
	// period cannot also be the reading of another offset.
	zoneMargin = 2 * 86400
	farPast    = -1 << 62
	farFuture  = 1 << 62
)

func (z *zoneCache) offsetAt(u int64) int64 {
	_, off := time.Unix(u, 0).In(z.loc).Zone()
	return int64(off)
}

func (z *zoneCache) resolve(naive int64) int64 {
	if u := naive - z.off; u >= z.lo && u < z.hi {
		return u
	}
	// The offsets in force a little more than a day before and after; a
	// zone changes its offset at most once in that span.
	before := z.offsetAt(naive - 30*3600)
	after := z.offsetAt(naive + 30*3600)
	u := naive - before
	switch {
	case z.offsetAt(u) == before:
		// Valid with the earlier offset; in a fold that is the first instant.
	case z.offsetAt(naive-after) == after:
		u = naive - after
	default:
		// In a gap: keep the offset from before it (RFC 5545, 3.3.5).
	}
	z.remember(u)
	return u
}

func (z *zoneCache) remember(u int64) {
	t := time.Unix(u, 0).In(z.loc)
	_, off := t.Zone()
	start, end := t.ZoneBounds()
	z.off = int64(off)
	z.lo, z.hi = farPast, farFuture
	if !start.IsZero() {
		z.lo = start.Unix() + zoneMargin
	}
	if !end.IsZero() {
		z.hi = end.Unix() - zoneMargin
	}
}
