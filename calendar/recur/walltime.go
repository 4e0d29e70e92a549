package recur

import (
	"fmt"
	"time"

	"github.com/cmkit/cmkit"
)

// WallTime is a date and a time of day as a person reads them on a wall
// clock, with no zone: "2026-03-29 09:00". Plans are made in wall time and
// stored that way, next to an IANA zone, so that a 09:00 post stays at 09:00
// local time on both sides of a daylight-saving change; In turns one into an
// instant. It marshals as text in the form "2006-01-02T15:04:05".
type WallTime struct {
	Year   int        // the year, 1 to 9999
	Month  time.Month // the month
	Day    int        // the day of the month, from 1
	Hour   int        // the hour, 0 to 23
	Minute int        // the minute, 0 to 59
	Second int        // the second, 0 to 59
}

// WallTimeOf returns the wall-clock reading of t in t's own location.
func WallTimeOf(t time.Time) WallTime {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	return WallTime{y, mo, d, h, mi, s}
}

// String returns w as "2006-01-02T15:04:05".
func (w WallTime) String() string {
	return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d", w.Year, int(w.Month), w.Day, w.Hour, w.Minute, w.Second)
}

// Validate reports whether w names a real calendar date (year 1 to 9999)
// and time of day (00:00:00 to 23:59:59). In accepts any WallTime and
// normalizes it the way time.Date does; Recurrence requires a valid one.
func (w WallTime) Validate() error {
	switch {
	case w.Year < 1 || w.Year > maxYear:
		return cmkit.Invalid("start", "range", "year %d out of range 1..%d", w.Year, maxYear)
	case w.Month < time.January || w.Month > time.December:
		return cmkit.Invalid("start", "range", "month %d out of range", int(w.Month))
	case w.Day < 1 || w.Day > daysIn(int64(w.Year), w.Month):
		return cmkit.Invalid("start", "range", "%04d-%02d has no day %d", w.Year, int(w.Month), w.Day)
	case w.Hour < 0 || w.Hour > 23 || w.Minute < 0 || w.Minute > 59 || w.Second < 0 || w.Second > 59:
		return cmkit.Invalid("start", "range", "time of day %02d:%02d:%02d out of range", w.Hour, w.Minute, w.Second)
	}
	return nil
}

// ParseWallTime parses "2006-01-02T15:04:05", "2006-01-02T15:04",
// "2006-01-02 15:04" or the iCalendar form "20060102T150405". The result is
// valid (see WallTime.Validate).
func ParseWallTime(s string) (WallTime, error) {
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04", "20060102T150405"} {
		if t, err := time.Parse(layout, s); err == nil {
			w := WallTimeOf(t)
			if err := w.Validate(); err != nil {
				return WallTime{}, err
			}
			return w, nil
		}
	}
	return WallTime{}, cmkit.Invalid("start", "format", "%q is not a wall time like 2026-03-29T09:00:00", s)
}

// MarshalText returns w.String().
func (w WallTime) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText parses text with ParseWallTime.
func (w *WallTime) UnmarshalText(text []byte) error {
	return parseInto(w, string(text), ParseWallTime)
}

// In returns the instant at which wall clocks in loc show w (nil loc means
// UTC). Out-of-range fields are normalized as time.Date does (October 32 is
// November 1). On daylight-saving change days, as RFC 5545 (section 3.3.5)
// says:
//
//   - A wall time that does not exist, because clocks jump forward over it,
//     is read with the offset in force before the jump, which moves it
//     forward by the length of the gap: 02:30 on a day when 02:00 becomes
//     03:00 is 03:30.
//   - A wall time that exists twice, because clocks fall back over it, is
//     the first of the two instants: 02:30 on a day when 03:00 becomes 02:00
//     is 02:30 summer time.
//
// Unlike time.Date, which does not promise which instant it picks, In always
// follows these rules.
func (w WallTime) In(loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	z := zoneCache{loc: loc}
	return time.Unix(z.resolve(w.naive()), 0).In(loc)
}

// naive returns w's seconds since 1970-01-01T00:00:00 as if w were UTC,
// normalizing out-of-range fields.
func (w WallTime) naive() int64 {
	y, m := int64(w.Year), int64(w.Month)-1
	y += floorDiv(m, 12)
	m = m - floorDiv(m, 12)*12
	day := daysFromCivil(y, time.Month(m+1), 1) + int64(w.Day) - 1
	return day*86400 + int64(w.Hour)*3600 + int64(w.Minute)*60 + int64(w.Second)
}
