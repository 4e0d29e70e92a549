package calendar

import (
	"time"

	"github.com/cmkit/cmkit/calendar/recur"
)

// DATE-TIME values for the iCalendar export (RFC 5545, 3.3.5): local time
// with a TZID, or UTC. Readers turn a local time into an instant with the
// zone's rules, and they disagree, or get it wrong, near a daylight-saving
// change: RFC 5545 takes the first of two instants that share a wall time
// on a fall-back night, python3-icalendar (pytz) takes the second, and
// every reader takes the first for the second of them. So an instant near
// a change is written in UTC, which every reader reads the same way.

// icalTimeLayout and icalUTCLayout are the local and UTC DATE-TIME forms.
const (
	icalTimeLayout = "20060102T150405"
	icalUTCLayout  = "20060102T150405Z"
)

// icalTime is one DATE-TIME value to write: an instant, and the zone its
// local form is in (nil: UTC form only).
type icalTime struct {
	at   time.Time      // the instant, to the second
	zone string         // the TZID (the zone's IANA name) when loc is set
	loc  *time.Location // the zone of the local form, or nil
}

// newICalTime returns the value for t in zone (named name), or in UTC when
// loc is nil. Sub-second parts are dropped: DATE-TIME counts seconds.
func newICalTime(t time.Time, name string, loc *time.Location) icalTime {
	return icalTime{at: t.Truncate(time.Second), zone: name, loc: loc}
}

// prop writes the property name with the value: local time with TZID when
// readers all read that local time back as the same instant (see
// icalLocalSafe), the UTC form otherwise.
func (v icalTime) prop(out *icalWriter, name string) {
	if v.loc != nil && icalLocalSafe(v.at, v.loc) {
		v.local(out, name)
		return
	}
	out.prop(name, v.at.UTC().Format(icalUTCLayout))
}

// local writes the property name with the value as local time with TZID,
// whatever the instant: for the DTSTART of a recurring event, whose rule
// must follow the zone's daylight-saving changes.
func (v icalTime) local(out *icalWriter, name string) {
	out.prop(name+";TZID="+paramValue(v.zone), v.at.In(v.loc).Format(icalTimeLayout))
}

// icalLocalSafe reports whether t written as local time in loc reads back
// as t in every reader: the wall time names t alone (RFC 5545 reads it as
// t), and t is not within one daylight-saving change of a change of
// offset. That leaves out both instants of a wall time that a fall-back
// night repeats (01:30 EDT and 01:30 EST on the New York night, 02:30 CEST
// and 02:30 CET on the Madrid night) and the first instants after a
// spring-forward jump, which a reader can take for the skipped wall times
// moved forward.
func icalLocalSafe(t time.Time, loc *time.Location) bool {
	lt := t.In(loc)
	if !recur.WallTimeOf(lt).In(loc).Equal(t) {
		return false // a second instant of a repeated wall time
	}
	_, off := lt.Zone()
	start, end := lt.ZoneBounds()
	if !start.IsZero() {
		_, before := start.Add(-time.Second).Zone()
		if d := absSeconds(off - before); d > 0 && t.Sub(start) < d {
			return false
		}
	}
	if !end.IsZero() {
		_, after := end.In(loc).Zone()
		if after < off && end.Sub(t) <= absSeconds(off-after) {
			return false // the first of two instants with this wall time
		}
	}
	return true
}

func absSeconds(sec int) time.Duration {
	if sec < 0 {
		sec = -sec
	}
	return time.Duration(sec) * time.Second
}
