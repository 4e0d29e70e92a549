package kpi

import (
	"fmt"
	"time"

	"github.com/cmkit/cmkit"
)

// PeriodKind is the length of a Period: a day, an ISO week (Monday to
// Sunday), a calendar month or a calendar quarter.
type PeriodKind uint8

// The period kinds. The zero PeriodKind is none of them.
const (
	// PeriodDay is a calendar day, written "2026-03-29".
	PeriodDay PeriodKind = iota + 1
	// PeriodWeek is an ISO 8601 week, Monday to Sunday, written
	// "2026-W53" with its ISO week-numbering year (the year of its
	// Thursday).
	PeriodWeek
	// PeriodMonth is a calendar month, written "2026-03".
	PeriodMonth
	// PeriodQuarter is a calendar quarter (January to March is Q1),
	// written "2026-Q1".
	PeriodQuarter
)

// String returns "day", "week", "month" or "quarter".
func (k PeriodKind) String() string {
	switch k {
	case PeriodDay:
		return "day"
	case PeriodWeek:
		return "week"
	case PeriodMonth:
		return "month"
	case PeriodQuarter:
		return "quarter"
	}
	return fmt.Sprintf("PeriodKind(%d)", uint8(k))
}

// MarshalText returns "day", "week", "month" or "quarter", and "" for the
// zero PeriodKind.
func (k PeriodKind) MarshalText() ([]byte, error) {
	if k == 0 {
		return nil, nil
	}
	if k > PeriodQuarter {
		return nil, cmkit.Invalid("period", "unknown", "%s", k)
	}
	return []byte(k.String()), nil
}

// UnmarshalText reads "day", "week", "month" or "quarter", and "" as the
// zero PeriodKind; anything else is an error wrapping cmkit.ErrInvalid
// and leaves k unchanged.
func (k *PeriodKind) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*k = 0
		return nil
	}
	for c := PeriodDay; c <= PeriodQuarter; c++ {
		if string(b) == c.String() {
			*k = c
			return nil
		}
	}
	return cmkit.Invalid("period", "unknown", "%q: want day, week, month or quarter", b)
}

// Period is one day, ISO week, month or quarter of the calendar, in no
// particular time zone: its instants depend on the zone it is read in
// (Start and End). Periods are comparable and usable as map keys; the
// zero Period is invalid (IsZero).
type Period struct {
	kind  PeriodKind
	first int32 // days since 1970-01-01 of its first day
}

// Civil years a Period may fall in: what the canonical string can write.
const (
	minPeriodYear = 1
	maxPeriodYear = 9999
)

// PeriodOf returns the period of kind k that contains t in loc (UTC when
// loc is nil). It returns the zero Period for an unknown kind or an
// instant outside the years 1 to 9999 in loc.
func PeriodOf(k PeriodKind, t time.Time, loc *time.Location) Period {
	y, m, d := t.In(zoneOrUTC(loc)).Date()
	return PeriodOfDate(k, y, m, d)
}

// PeriodOfDate returns the period of kind k that contains the civil date
// year-month-day (normalized as time.Date does: October 32 is November
// 1). It returns the zero Period for an unknown kind or a date outside
// the years 1 to 9999.
func PeriodOfDate(k PeriodKind, year int, month time.Month, day int) Period {
	if year < minPeriodYear-1 || year > maxPeriodYear+1 {
		return Period{}
	}
	n := daysFromCivil(year, int(month), 1) + day - 1 // normalizes day and month
	if n < minPeriodDay || n > maxPeriodDay {
		return Period{}
	}
	switch k {
	case PeriodDay:
	case PeriodWeek:
		n -= weekdayFromMonday(n)
		if n < minPeriodDay { // the week of 0001-01-01 starts in year 0
			return Period{}
		}
	case PeriodMonth, PeriodQuarter:
		y, m, _ := civilFromDays(n)
		if k == PeriodQuarter {
			m -= (m - 1) % 3
		}
		n = daysFromCivil(y, m, 1)
	default:
		return Period{}
	}
	return Period{kind: k, first: int32(n)}
}

var (
	minPeriodDay = daysFromCivil(minPeriodYear, 1, 1)
	maxPeriodDay = daysFromCivil(maxPeriodYear, 12, 31)
)

// IsZero reports whether p is the zero Period, which is no period.
func (p Period) IsZero() bool { return p.kind == 0 }

// Kind returns p's kind.
func (p Period) Kind() PeriodKind { return p.kind }

// Date returns the civil date of p's first day.
func (p Period) Date() (year int, month time.Month, day int) {
	y, m, d := civilFromDays(int(p.first))
	return y, time.Month(m), d
}

// Start returns p's first instant in loc (UTC when loc is nil): midnight
// at the start of its first day, or, where the clocks skip midnight that
// day (America/Havana on 2026-03-08), the instant they jump.
func (p Period) Start(loc *time.Location) time.Time {
	return dayStart(int(p.first), zoneOrUTC(loc))
}

// dayStart returns the first instant of day number n in loc.
func dayStart(n int, loc *time.Location) time.Time {
	y, m, d := civilFromDays(n)
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, loc)
	if ty, tm, td := t.Date(); ty != y || int(tm) != m || td != d {
		// Midnight falls in a gap and time.Date took the offset before
		// it, landing on the day before: the day starts at the jump.
		if _, end := t.ZoneBounds(); !end.IsZero() {
			return end
		}
	}
	return t
}

// End returns the instant just after p in loc (UTC when loc is nil):
// the Start of the next period. A period's length follows the zone's
// clock changes: a day can last 23 or 25 hours.
func (p Period) End(loc *time.Location) time.Time {
	return p.Next().Start(loc)
}

// Days returns how many calendar days p spans (0 for the zero Period).
func (p Period) Days() int {
	if p.IsZero() {
		return 0
	}
	return p.lastDay() + 1 - int(p.first)
}

// lastDay returns the day number of p's last day.
func (p Period) lastDay() int {
	switch p.kind {
	case PeriodDay:
		return int(p.first)
	case PeriodWeek:
		return int(p.first) + 6
	}
	y, m, _ := civilFromDays(int(p.first))
	if p.kind == PeriodQuarter {
		m += 2
	}
	return daysFromCivil(y, m+1, 1) - 1
}

// Next returns the period of the same kind after p (the zero Period after
// the year 9999, and for the zero Period).
func (p Period) Next() Period {
	if p.IsZero() || p.lastDay() >= maxPeriodDay {
		return Period{}
	}
	return Period{kind: p.kind, first: int32(p.lastDay() + 1)}
}

// Prev returns the period of the same kind before p (the zero Period
// before the year 1, and for the zero Period).
func (p Period) Prev() Period {
	if p.IsZero() {
		return Period{}
	}
	y, m, d := civilFromDays(int(p.first) - 1)
	return PeriodOfDate(p.kind, y, time.Month(m), d)
}

// Contains reports whether the day d (a PeriodDay period) falls in p.
func (p Period) Contains(d Period) bool {
	return !p.IsZero() && d.kind == PeriodDay && int(d.first) >= int(p.first) && int(d.first) <= p.lastDay()
}

// ISOWeek returns the ISO 8601 week-numbering year and week (1 to 53) of
// p's first day.
func (p Period) ISOWeek() (year, week int) {
	thu := int(p.first) - weekdayFromMonday(int(p.first)) + 3
	year, _, _ = civilFromDays(thu)
	return year, (thu-daysFromCivil(year, 1, 1))/7 + 1
}

// String returns p's canonical form: "2026-03-29" for a day, "2026-W53"
// for an ISO week, "2026-03" for a month, "2026-Q1" for a quarter, and ""
// for the zero Period. ParsePeriod reads it back.
func (p Period) String() string {
	y, m, d := civilFromDays(int(p.first))
	switch p.kind {
	case PeriodDay:
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	case PeriodWeek:
		wy, w := p.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", wy, w)
	case PeriodMonth:
		return fmt.Sprintf("%04d-%02d", y, m)
	case PeriodQuarter:
		return fmt.Sprintf("%04d-Q%d", y, (m-1)/3+1)
	}
	return ""
}

// ParsePeriod reads a period in its canonical form (see String): exactly
// "YYYY-MM-DD", "YYYY-Www", "YYYY-MM" or "YYYY-Qn", with the year from
// 0001 to 9999, and nothing around it. Anything else, or a date, week or
// quarter that does not exist (2026-02-29, 2021-W53, 2026-Q5), is an
// error wrapping cmkit.ErrInvalid.
func ParsePeriod(s string) (Period, error) {
	bad := func(rule, why string) (Period, error) {
		return Period{}, cmkit.Invalid("period", rule, "%q: %s", s, why)
	}
	if len(s) < 7 || s[4] != '-' {
		return bad("format", "want YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY-Qn")
	}
	year, ok := digits(s[:4])
	if !ok {
		return bad("format", "the year is not 4 digits")
	}
	if year < minPeriodYear {
		return bad("range", "the year must be 0001 to 9999")
	}
	rest := s[5:]
	switch {
	case len(rest) == 3 && rest[0] == 'W':
		w, ok := digits(rest[1:])
		if !ok {
			return bad("format", "the week is not 2 digits")
		}
		if w < 1 || w > isoWeeksIn(year) {
			return bad("range", fmt.Sprintf("week %d does not exist in ISO year %04d", w, year))
		}
		jan4 := daysFromCivil(year, 1, 4)
		first := jan4 - weekdayFromMonday(jan4) + 7*(w-1)
		if first < minPeriodDay || first > maxPeriodDay {
			return bad("range", "the week starts outside the years 0001 to 9999")
		}
		return Period{kind: PeriodWeek, first: int32(first)}, nil
	case len(rest) == 2 && rest[0] == 'Q':
		q, ok := digits(rest[1:])
		if !ok || q < 1 || q > 4 {
			return bad("range", "the quarter must be Q1 to Q4")
		}
		return Period{kind: PeriodQuarter, first: int32(daysFromCivil(year, 3*q-2, 1))}, nil
	case len(rest) == 2 || len(rest) == 5:
		m, ok := digits(rest[:2])
		if !ok {
			return bad("format", "the month is not 2 digits")
		}
		if m < 1 || m > 12 {
			return bad("range", "the month must be 01 to 12")
		}
		if len(rest) == 2 {
			return Period{kind: PeriodMonth, first: int32(daysFromCivil(year, m, 1))}, nil
		}
		if rest[2] != '-' {
			return bad("format", "want YYYY-MM-DD")
		}
		d, ok := digits(rest[3:])
		if !ok {
			return bad("format", "the day is not 2 digits")
		}
		if d < 1 || d > daysFromCivil(year, m+1, 1)-daysFromCivil(year, m, 1) {
			return bad("range", fmt.Sprintf("day %d does not exist in %04d-%02d", d, year, m))
		}
		return Period{kind: PeriodDay, first: int32(daysFromCivil(year, m, d))}, nil
	}
	return bad("format", "want YYYY-MM-DD, YYYY-Www, YYYY-MM or YYYY-Qn")
}

// MarshalText returns p's canonical form (String); the zero Period is an
// error wrapping cmkit.ErrInvalid.
func (p Period) MarshalText() ([]byte, error) {
	if p.IsZero() {
		return nil, cmkit.Invalid("period", "required", "the zero Period has no text form")
	}
	return []byte(p.String()), nil
}

// UnmarshalText reads p's canonical form, as ParsePeriod does; on error p
// is unchanged.
func (p *Period) UnmarshalText(b []byte) error {
	q, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// digits returns the decimal value of s, false unless s is all ASCII
// digits.
func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, len(s) > 0
}

// isoWeeksIn returns 52 or 53: the weeks of an ISO week-numbering year.
// A year has 53 when its December 28 falls in week 53.
func isoWeeksIn(year int) int {
	_, w := Period{kind: PeriodDay, first: int32(daysFromCivil(year, 12, 28))}.ISOWeek()
	return w
}

// zoneOrUTC returns loc, or UTC for nil.
func zoneOrUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// weekdayFromMonday returns the weekday of day number n, 0 for Monday to
// 6 for Sunday (1970-01-01 was a Thursday).
func weekdayFromMonday(n int) int {
	return ((n+3)%7 + 7) % 7
}

// daysFromCivil returns the days from 1970-01-01 to the proleptic
// Gregorian date y-m-d; m may run past 12 (H. Hinnant's algorithm).
func daysFromCivil(y, m, d int) int {
	k := floorDiv(m-1, 12)
	y += k
	m -= 12 * k
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// floorDiv divides rounding toward negative infinity.
func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
