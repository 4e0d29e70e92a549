package hours

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/cmkit/cmkit"
)

// The limits Validate enforces. They bound the work of every method: the
// dated entries a walk may have to step through one day at a time, and the
// spans of one day.
const (
	maxSpansPerDay = 24    // spans of one weekday or exception
	maxDated       = 10000 // holidays and exceptions together, about 27 years of days
	maxNameBytes   = 200   // bytes of a holiday's or an exception's name
	minYear        = 1     // the calendar's first year
	maxYear        = 9999  // and its last
	day            = 86400 // seconds in a calendar day of wall time
	minute         = 60    // seconds in a minute
	fullDay        = 24 * time.Hour
)

// Span is one stretch of open hours within a day: from Start to End,
// measured on the wall clock of the schedule's zone as offsets from
// midnight. Start is included and End is not, so 09:00-17:00 is open at
// 09:00 and closed at 17:00. End may be 24 hours, the midnight that ends
// the day: a span ending at 24:00 and one starting at 00:00 the next day
// join without a gap. A valid span is made of whole minutes and has
// 0 <= Start < End <= 24h. In JSON it is written "09:00-17:00".
type Span struct {
	Start time.Duration // offset of the opening from midnight
	End   time.Duration // offset of the closing from midnight, at most 24h
}

// String returns the span as "09:00-17:00", with seconds ("09:00:30")
// only when it has some.
func (sp Span) String() string {
	return clockString(sp.Start) + "-" + clockString(sp.End)
}

// MarshalText returns sp.String(); it refuses an invalid span (see Span).
func (sp Span) MarshalText() ([]byte, error) {
	if err := checkSpan("span", sp); err != nil {
		return nil, err
	}
	return []byte(sp.String()), nil
}

// UnmarshalText reads a span written like "09:00-17:00" (see ParseSpan).
func (sp *Span) UnmarshalText(text []byte) error {
	v, err := ParseSpan(string(text))
	if err != nil {
		return err
	}
	*sp = v
	return nil
}

// ParseSpan reads a span written "09:00-17:00": two times of day, hours
// and minutes, joined by a hyphen (or an en dash), with optional spaces
// around it. An hour may have one digit ("9:00"); the end may be "24:00".
// The span must be valid (see Span). Errors wrap cmkit.ErrInvalid.
func ParseSpan(s string) (Span, error) {
	return parseSpan("span", s)
}

// CivilDate is a day of the calendar, as printed on a wall calendar,
// without a time or a zone: the day a holiday or an exception applies to
// in the schedule's zone. In JSON it is written "2025-12-25".
type CivilDate struct {
	Year  int        // from 1 to 9999
	Month time.Month // from January to December
	Day   int        // from 1 to the length of the month
}

// DateOf returns the date t shows in its own location.
func DateOf(t time.Time) CivilDate {
	y, m, d := t.Date()
	return CivilDate{y, m, d}
}

// String returns the date as "2025-12-25".
func (c CivilDate) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", c.Year, int(c.Month), c.Day)
}

// MarshalText returns c.String(); it refuses a date that is not on the
// calendar (see CivilDate).
func (c CivilDate) MarshalText() ([]byte, error) {
	if err := checkDate("date", c); err != nil {
		return nil, err
	}
	return []byte(c.String()), nil
}

// UnmarshalText reads a date written "2025-12-25" (see ParseDate).
func (c *CivilDate) UnmarshalText(text []byte) error {
	v, err := ParseDate(string(text))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ParseDate reads a date written "2025-12-25" (four-digit year, two-digit
// month and day) that is on the calendar: February 30 is refused. Errors
// wrap cmkit.ErrInvalid.
func ParseDate(s string) (CivilDate, error) {
	return parseDate("date", s)
}

// days returns the number of days from 1970-01-01 to c; the standard
// library does the civil arithmetic.
func (c CivilDate) days() int64 {
	return floorDiv(time.Date(c.Year, c.Month, c.Day, 0, 0, 0, 0, time.UTC).Unix(), day)
}

func (c CivilDate) compare(o CivilDate) int {
	switch {
	case c.Year != o.Year:
		return cmp.Compare(c.Year, o.Year)
	case c.Month != o.Month:
		return cmp.Compare(int(c.Month), int(o.Month))
	}
	return cmp.Compare(c.Day, o.Day)
}

// Holiday is a date on which the team is closed all day, whatever the
// weekday's hours say.
type Holiday struct {
	Date CivilDate `json:"date"`
	Name string    `json:"name,omitempty"` // optional, for people: "Christmas"
}

// Exception is a date whose hours replace the weekday's: a Saturday opened
// for a launch, a Christmas Eve that closes at 14:00. With no spans the
// day is closed, as on a holiday.
type Exception struct {
	Date  CivilDate `json:"date"`
	Name  string    `json:"name,omitempty"` // optional, for people: "Black Friday"
	Spans []Span    `json:"hours"`          // the day's open hours, in order; none: closed
}

// Schedule is a team's business calendar: the hours in which the clock of
// a service level agreement runs. A first-response target of "4 business
// hours" is due at s.Add(received, 4*time.Hour).
//
// The hours are wall-clock times in Zone, so a team that opens at 09:00
// opens at 09:00 local time on both sides of a daylight-saving change.
// Week gives the open spans of each weekday, indexed by time.Weekday
// (Week[time.Monday]); a weekday with no spans is closed. Holidays close a
// date; Exceptions replace a date's spans with their own.
//
// A nil *Schedule is always open (24/7): Open reports true, Add is t.Add,
// Between is b.Sub(a). A Schedule from Parse (or json.Unmarshal) is valid;
// one built in Go must pass Validate before use. The methods never panic
// and always return, on any Schedule; on one Validate refuses, their
// results are unspecified. A Schedule is read, never written, by its
// methods: many goroutines may use one at once while nobody changes it.
type Schedule struct {
	// Zone is the IANA time zone the hours are read in. In JSON it is the
	// zone's name ("Europe/Madrid"), loaded with time.LoadLocation.
	Zone *time.Location
	// Week holds the open spans of each weekday, in order, not overlapping.
	Week [7][]Span
	// Holidays are closed dates, in date order, each at most once.
	Holidays []Holiday
	// Exceptions are dates with their own spans, in date order, each at
	// most once and never also a holiday.
	Exceptions []Exception
}

// Validate reports whether s is a usable calendar: Zone is set; every span
// is valid (see Span), and the spans of a day are in order and do not
// overlap; some weekday has an open span (a schedule never open in a
// week is refused); the dates of Holidays and of Exceptions are on the
// calendar (years 1 to 9999), each list in date order with no date twice,
// and no date is both a holiday and an exception. Limits: 24 spans a day,
// 10,000 holidays and exceptions together, names of 200 bytes. The error
// wraps cmkit.ErrInvalid and names the entry by its JSON path
// ("week.mon[1]", "holidays[3].date") and the rule it broke.
func (s *Schedule) Validate() error {
	if s == nil {
		return nil
	}
	if s.Zone == nil {
		return cmkit.Invalid("zone", "required", "a schedule needs a time zone")
	}
	open := false
	for wd := range s.Week {
		p := "week." + dayKeys[wd]
		if err := checkSpans(p, s.Week[wd]); err != nil {
			return err
		}
		if err := checkOrder(p, s.Week[wd]); err != nil {
			return err
		}
		open = open || len(s.Week[wd]) > 0
	}
	if !open {
		return cmkit.Invalid("week", "closed", "the schedule is not open a single hour in a week")
	}
	if n := len(s.Holidays) + len(s.Exceptions); n > maxDated {
		return cmkit.Invalid("holidays", "max_length", "%d holidays and exceptions; at most %d", n, maxDated)
	}
	for i, h := range s.Holidays {
		p := fmt.Sprintf("holidays[%d]", i)
		if err := checkEntry(p, h.Date, h.Name); err != nil {
			return err
		}
		if i > 0 {
			if err := checkAfter(p+".date", h.Date, s.Holidays[i-1].Date, fmt.Sprintf("holidays[%d]", i-1)); err != nil {
				return err
			}
		}
	}
	for i, e := range s.Exceptions {
		p := fmt.Sprintf("exceptions[%d]", i)
		if err := checkEntry(p, e.Date, e.Name); err != nil {
			return err
		}
		if err := checkSpans(p+".hours", e.Spans); err != nil {
			return err
		}
		if err := checkOrder(p+".hours", e.Spans); err != nil {
			return err
		}
		if i > 0 {
			if err := checkAfter(p+".date", e.Date, s.Exceptions[i-1].Date, fmt.Sprintf("exceptions[%d]", i-1)); err != nil {
				return err
			}
		}
		if j, ok := slices.BinarySearchFunc(s.Holidays, e.Date, func(h Holiday, d CivilDate) int { return h.Date.compare(d) }); ok {
			return cmkit.Invalid(p+".date", "conflict", "%s is also holidays[%d]; a date is either a holiday or an exception", e.Date, j)
		}
	}
	return nil
}

// checkEntry checks the date and the name of a holiday or an exception.
func checkEntry(p string, d CivilDate, name string) error {
	if err := checkDate(p+".date", d); err != nil {
		return err
	}
	if len(name) > maxNameBytes {
		return cmkit.Invalid(p+".name", "max_length", "%d bytes; at most %d", len(name), maxNameBytes)
	}
	return nil
}

// checkAfter checks that date d (at path p) comes after prev (at path
// prevPath), for lists that must be in date order.
func checkAfter(p string, d, prev CivilDate, prevPath string) error {
	switch d.compare(prev) {
	case 0:
		return cmkit.Invalid(p, "duplicate", "%s is also %s", d, prevPath)
	case -1:
		return cmkit.Invalid(p, "order", "%s comes before %s (%s); list dates in order", d, prevPath, prev)
	}
	return nil
}

// checkDate checks that d is on the calendar.
func checkDate(p string, d CivilDate) error {
	switch {
	case d.Year < minYear || d.Year > maxYear:
		return cmkit.Invalid(p, "range", "year %d is not between %d and %d", d.Year, minYear, maxYear)
	case d.Month < time.January || d.Month > time.December:
		return cmkit.Invalid(p, "range", "month %d is not between 1 and 12", int(d.Month))
	case d.Day < 1 || d.Day > daysIn(d.Year, d.Month):
		return cmkit.Invalid(p, "range", "%04d-%02d has no day %d", d.Year, int(d.Month), d.Day)
	}
	return nil
}

// daysIn returns the length of a month.
func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// checkSpan checks one span on its own.
func checkSpan(p string, sp Span) error {
	switch {
	case sp.Start%time.Minute != 0 || sp.End%time.Minute != 0:
		return cmkit.Invalid(p, "precision", "%q is not in whole minutes", sp)
	case sp.Start < 0 || sp.Start >= fullDay:
		return cmkit.Invalid(p, "range", "%q starts outside the day (00:00 to 23:59)", sp)
	case sp.End > fullDay:
		return cmkit.Invalid(p, "range", "%q ends after 24:00", sp)
	case sp.End == sp.Start:
		return cmkit.Invalid(p, "empty", "%q starts and ends at the same time", sp)
	case sp.End < sp.Start:
		return cmkit.Invalid(p, "order", "%q ends before it starts; a span cannot cross midnight, split it at 24:00", sp)
	}
	return nil
}

// checkSpans checks the spans of one day at path p: each on its own, how
// many, and that no two overlap, in whatever order they come. Errors name
// the span by its index in spans.
func checkSpans(p string, spans []Span) error {
	if len(spans) > maxSpansPerDay {
		return cmkit.Invalid(p, "max_length", "%d spans; at most %d a day", len(spans), maxSpansPerDay)
	}
	for i, sp := range spans {
		if err := checkSpan(fmt.Sprintf("%s[%d]", p, i), sp); err != nil {
			return err
		}
	}
	for i, a := range spans {
		for j, b := range spans[:i] {
			if a.Start < b.End && b.Start < a.End {
				return cmkit.Invalid(fmt.Sprintf("%s[%d]", p, i), "overlap", "%q overlaps %q (%s[%d])", a, b, p, j)
			}
		}
	}
	return nil
}

// checkOrder checks that spans, which checkSpans accepted, are in order.
func checkOrder(p string, spans []Span) error {
	for i := 1; i < len(spans); i++ {
		if spans[i].Start < spans[i-1].Start {
			return cmkit.Invalid(fmt.Sprintf("%s[%d]", p, i), "order", "%q comes before %q (%s[%d]); list spans in order", spans[i], spans[i-1], p, i-1)
		}
	}
	return nil
}

// clockString writes an offset from midnight as "09:00" or "09:00:30".
func clockString(d time.Duration) string {
	neg := ""
	if d < 0 {
		neg, d = "-", -d
	}
	h, m, s := int64(d/time.Hour), int64(d%time.Hour/time.Minute), d%time.Minute
	switch {
	case s == 0:
		return fmt.Sprintf("%s%02d:%02d", neg, h, m)
	case s%time.Second == 0:
		return fmt.Sprintf("%s%02d:%02d:%02d", neg, h, m, int64(s/time.Second))
	}
	return fmt.Sprintf("%s%02d:%02d:%012.9f", neg, h, m, s.Seconds())
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
