package calendar

// This file holds recurrence: RFC 5545 rules (Rule, ParseRule), wall-clock
// times (WallTime) and their resolution to instants in an IANA zone, and
// Recurrence, the lazy expansion of a rule into occurrences.
//
// Time-zone data: the library reads zones through time.LoadLocation and never
// imports time/tzdata itself. A program that runs in a minimal container
// (scratch, distroless) without /usr/share/zoneinfo should add
//
//	import _ "time/tzdata"
//
// to its main package (or build with -tags timetzdata), or LoadLocation fails
// for every zone but UTC. The tests and examples of this package import it.

import (
	"cmp"
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
)

// Frequency is the FREQ of a Rule: the size of the period the rule repeats.
type Frequency int

// The supported frequencies. RFC 5545 also defines SECONDLY, MINUTELY and
// HOURLY; nobody schedules posts that way, and ParseRule rejects them as
// "unsupported".
const (
	Daily Frequency = iota + 1
	Weekly
	Monthly
	Yearly
)

var freqNames = [...]string{Daily: "DAILY", Weekly: "WEEKLY", Monthly: "MONTHLY", Yearly: "YEARLY"}

// String returns the RFC 5545 name ("DAILY", "WEEKLY", "MONTHLY", "YEARLY").
func (f Frequency) String() string {
	if f >= Daily && f <= Yearly {
		return freqNames[f]
	}
	return "Frequency(" + strconv.Itoa(int(f)) + ")"
}

// WeekdayNum is one BYDAY entry: a weekday, optionally with an ordinal. N is
// 0 for "every such weekday" (MO), 1 for the first (1MO), 2 for the second,
// -1 for the last (-1FR), -2 for the one before, and so on. Ordinals count
// within the month for MONTHLY rules (and YEARLY rules with BYMONTH) and
// within the year for other YEARLY rules; DAILY and WEEKLY rules take none.
type WeekdayNum struct {
	N   int          `json:"n,omitempty"` // ordinal: 2 is the second, -1 the last; 0 is every
	Day time.Weekday `json:"day"`         // the weekday
}

var dayCodes = [7]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// String returns the RFC 5545 form: "MO", "2MO", "-1FR".
func (w WeekdayNum) String() string {
	code := "??"
	if w.Day >= time.Sunday && w.Day <= time.Saturday {
		code = dayCodes[w.Day]
	}
	if w.N == 0 {
		return code
	}
	return strconv.Itoa(w.N) + code
}

// Rule is an RFC 5545 recurrence rule (the value of an RRULE property), for
// example "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0". A rule
// alone has no start and no zone: a Recurrence pairs it with both.
//
// Build one with ParseRule, or as a literal and check it with Validate.
// Fields keep what was written, so ParseRule(r.String()) gives r back. Lists
// left empty mean "not given": the rule then takes that part from the start
// of the recurrence (a WEEKLY rule without BYDAY repeats on the start's
// weekday, a MONTHLY one without BYDAY or BYMONTHDAY on the start's day of
// the month, BYHOUR and BYMINUTE default to the start's hour and minute).
//
// A Rule marshals to JSON (and any text encoding) as its RRULE string.
type Rule struct {
	// Freq is FREQ, the only required part.
	Freq Frequency
	// Interval is INTERVAL: every Interval-th period (2 with Weekly means
	// every other week). Zero is the same as 1, and String omits it.
	Interval int
	// Count is COUNT: the number of occurrences, the start included, before
	// EXDATEs and overrides remove any. Zero means no COUNT. A rule has a
	// Count or an Until, never both.
	Count int
	// Until is UNTIL, the last instant an occurrence may have (inclusive).
	// The zero time means no UNTIL.
	Until time.Time
	// UntilDate reports that UNTIL was a DATE (20261231) rather than a UTC
	// DATE-TIME: Until then holds that date at 00:00 UTC, and occurrences
	// whose local date (in the recurrence's zone) is on or before it count.
	UntilDate bool
	// ByDay is BYDAY: weekdays, optionally with ordinals (-1FR, 2MO).
	ByDay []WeekdayNum
	// ByMonthDay is BYMONTHDAY: days of the month, 1 to 31 or -31 to -1
	// (-1 is the last day). Months without that day are skipped.
	ByMonthDay []int
	// ByMonth is BYMONTH: months of the year.
	ByMonth []time.Month
	// ByHour is BYHOUR: hours of the day, 0 to 23, in local wall time.
	ByHour []int
	// ByMinute is BYMINUTE: minutes of the hour, 0 to 59.
	ByMinute []int
	// BySetPos is BYSETPOS: which of the candidates of each period to keep,
	// 1 for the first, -1 for the last (BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1 is
	// the last weekday of the month). It needs another BYxxx part.
	BySetPos []int
	// WeekStart is WKST, the first day of the week, which decides how weeks
	// are grouped for WEEKLY rules with an Interval above 1. Nil means not
	// given, which RFC 5545 defines as Monday.
	WeekStart *time.Weekday
}

// Limits the parser and Validate enforce beyond RFC 5545, so that no rule
// can make expansion overflow or run for ever.
const (
	maxInterval = 10000
	maxCount    = 1_000_000
	maxYear     = 9999
)

// Size limits on what a recurrence may hold, far above what a person
// writes, so that no plan read from a file makes expansion slow. Rule.Validate
// and Recurrence.Validate (and so ParseRule and UnmarshalJSON) reject more
// with a *cmkit.ValidationError whose Rule is "max_length" and whose Field
// names the list ("rrule.BYDAY", "exdates", "overrides").
const (
	// MaxRuleValues is the most values one BYxxx part of a Rule may list.
	// No part has more than 749 distinct values (BYDAY: seven weekdays,
	// each alone or with an ordinal from -53 to 53).
	MaxRuleValues = 1000
	// MaxExDates is the most EXDATEs a Recurrence may hold.
	MaxExDates = 10_000
	// MaxOverrides is the most overrides a Recurrence may hold.
	MaxOverrides = 10_000
)

// ParseRule parses an RRULE value such as "FREQ=MONTHLY;BYDAY=-1FR", with or
// without the "RRULE:" prefix. Names and values are case-insensitive, and
// parts may come in any order. It supports FREQ (DAILY, WEEKLY, MONTHLY,
// YEARLY), INTERVAL, COUNT, UNTIL (a DATE or a UTC DATE-TIME ending in Z),
// BYDAY, BYMONTHDAY, BYMONTH, BYHOUR, BYMINUTE, BYSETPOS and WKST; it
// rejects BYSECOND, BYWEEKNO, BYYEARDAY and the sub-daily frequencies as
// "unsupported" rather than expand them wrongly.
//
// Errors are *cmkit.ValidationError values (wrapping cmkit.ErrInvalid) whose
// Field names the part, for example "rrule.BYDAY", and whose Rule is one of
// "required", "format", "range", "duplicate", "conflict", "unknown" or
// "unsupported".
func ParseRule(s string) (Rule, error) {
	var r Rule
	s = strings.TrimSpace(s)
	if len(s) >= 6 && strings.EqualFold(s[:6], "RRULE:") {
		s = s[6:]
	}
	if s == "" {
		return r, cmkit.Invalid("rrule.FREQ", "required", "empty rule")
	}
	seen := map[string]bool{}
	for part := range strings.SplitSeq(s, ";") {
		if part == "" {
			continue
		}
		name, value, ok := strings.Cut(part, "=")
		if !ok {
			return Rule{}, cmkit.Invalid("rrule", "format", "part %q is not NAME=VALUE", part)
		}
		name = strings.ToUpper(strings.TrimSpace(name))
		value = strings.ToUpper(strings.TrimSpace(value))
		field := "rrule." + name
		if seen[name] {
			return Rule{}, cmkit.Invalid(field, "duplicate", "%s given twice", name)
		}
		seen[name] = true
		if value == "" {
			return Rule{}, cmkit.Invalid(field, "format", "empty value")
		}
		if n := strings.Count(value, ",") + 1; n > MaxRuleValues {
			// Refused before parsing: only BYxxx parts are lists.
			return Rule{}, cmkit.Invalid(field, "max_length", "%d values; at most %d", n, MaxRuleValues)
		}
		var err error
		switch name {
		case "FREQ":
			r.Freq, err = parseFreq(value)
		case "INTERVAL":
			r.Interval, err = parsePositive(value, maxInterval)
		case "COUNT":
			r.Count, err = parsePositive(value, maxCount)
		case "UNTIL":
			r.Until, r.UntilDate, err = parseUntil(value)
		case "BYDAY":
			r.ByDay, err = parseList(value, parseWeekdayNum)
		case "BYMONTHDAY":
			r.ByMonthDay, err = parseList(value, strconv.Atoi)
		case "BYMONTH":
			r.ByMonth, err = parseList(value, func(v string) (time.Month, error) {
				n, err := strconv.Atoi(v)
				return time.Month(n), err
			})
		case "BYHOUR":
			r.ByHour, err = parseList(value, strconv.Atoi)
		case "BYMINUTE":
			r.ByMinute, err = parseList(value, strconv.Atoi)
		case "BYSETPOS":
			r.BySetPos, err = parseList(value, strconv.Atoi)
		case "WKST":
			var d time.Weekday
			d, err = parseDayCode(value)
			r.WeekStart = &d
		case "SECONDLY", "BYSECOND", "BYWEEKNO", "BYYEARDAY":
			return Rule{}, cmkit.Invalid(field, "unsupported", "%s is not supported", name)
		default:
			return Rule{}, cmkit.Invalid(field, "unknown", "unknown rule part %q", name)
		}
		if err != nil {
			if _, ok := err.(*cmkit.ValidationError); ok {
				return Rule{}, err
			}
			return Rule{}, cmkit.Invalid(field, "format", "%q: %v", value, unwrapNum(err))
		}
	}
	if err := r.Validate(); err != nil {
		return Rule{}, err
	}
	return r, nil
}

// unwrapNum drops strconv's "strconv.Atoi: parsing ..." prefix.
func unwrapNum(err error) error {
	if ne, ok := err.(*strconv.NumError); ok {
		return ne.Err
	}
	return err
}

func parseFreq(v string) (Frequency, error) {
	for f := Daily; f <= Yearly; f++ {
		if freqNames[f] == v {
			return f, nil
		}
	}
	switch v {
	case "SECONDLY", "MINUTELY", "HOURLY":
		return 0, cmkit.Invalid("rrule.FREQ", "unsupported", "FREQ=%s is not supported", v)
	}
	return 0, cmkit.Invalid("rrule.FREQ", "format", "unknown frequency %q", v)
}

func parsePositive(v string, limit int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, err
	}
	if n < 1 || n > limit {
		return 0, fmt.Errorf("must be between 1 and %d", limit)
	}
	return n, nil
}

func parseUntil(v string) (time.Time, bool, error) {
	for i := 0; i < len(v); i++ {
		if c := v[i]; (c < '0' || c > '9') && !(i == 8 && c == 'T') && !(i == 15 && c == 'Z') {
			return time.Time{}, false, fmt.Errorf("not a DATE (20261231) or UTC DATE-TIME (20261231T235959Z)")
		}
	}
	switch len(v) {
	case 8:
		t, err := time.Parse("20060102", v)
		return t, true, err
	case 16:
		t, err := time.Parse("20060102T150405Z", v)
		return t, false, err
	case 15:
		return time.Time{}, false, fmt.Errorf("a DATE-TIME UNTIL must be in UTC (end in Z)")
	}
	return time.Time{}, false, fmt.Errorf("not a DATE (20261231) or UTC DATE-TIME (20261231T235959Z)")
}

func parseList[T any](v string, one func(string) (T, error)) ([]T, error) {
	n := strings.Count(v, ",") + 1
	out := make([]T, 0, n)
	for item := range strings.SplitSeq(v, ",") {
		x, err := one(strings.TrimSpace(item))
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

func parseDayCode(v string) (time.Weekday, error) {
	for i, c := range dayCodes {
		if c == v {
			return time.Weekday(i), nil
		}
	}
	return 0, fmt.Errorf("unknown weekday %q (want SU, MO, TU, WE, TH, FR or SA)", v)
}

func parseWeekdayNum(v string) (WeekdayNum, error) {
	if len(v) < 2 {
		return WeekdayNum{}, fmt.Errorf("unknown weekday %q", v)
	}
	d, err := parseDayCode(v[len(v)-2:])
	if err != nil {
		return WeekdayNum{}, err
	}
	w := WeekdayNum{Day: d}
	if num := v[:len(v)-2]; num != "" {
		if len(num) > 3 {
			return WeekdayNum{}, fmt.Errorf("ordinal %q too long", num)
		}
		if w.N, err = strconv.Atoi(num); err != nil {
			return WeekdayNum{}, err
		}
		if w.N == 0 {
			return WeekdayNum{}, fmt.Errorf("ordinal 0 in %q", v)
		}
	}
	return w, nil
}

// Validate reports whether r is a rule Recurrence can expand: FREQ set,
// every number in range, and no combination RFC 5545 forbids (COUNT with
// UNTIL, BYMONTHDAY in a WEEKLY rule, BYDAY ordinals in DAILY or WEEKLY
// rules, BYSETPOS alone). ParseRule calls it; call it for rules built in
// code. The error is a *cmkit.ValidationError naming the part.
func (r *Rule) Validate() error {
	if r.Freq < Daily || r.Freq > Yearly {
		return cmkit.Invalid("rrule.FREQ", "required", "FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY")
	}
	if r.Interval < 0 || r.Interval > maxInterval {
		return cmkit.Invalid("rrule.INTERVAL", "range", "INTERVAL must be between 1 and %d", maxInterval)
	}
	if r.Count < 0 || r.Count > maxCount {
		return cmkit.Invalid("rrule.COUNT", "range", "COUNT must be between 1 and %d", maxCount)
	}
	if r.Count > 0 && !r.Until.IsZero() {
		return cmkit.Invalid("rrule.UNTIL", "conflict", "a rule has COUNT or UNTIL, not both")
	}
	if !r.Until.IsZero() && (r.Until.Year() < 1 || r.Until.Year() > maxYear) {
		return cmkit.Invalid("rrule.UNTIL", "range", "UNTIL year must be between 1 and %d", maxYear)
	}
	for _, l := range []struct {
		part string
		n    int
	}{{"BYDAY", len(r.ByDay)}, {"BYMONTHDAY", len(r.ByMonthDay)}, {"BYMONTH", len(r.ByMonth)},
		{"BYHOUR", len(r.ByHour)}, {"BYMINUTE", len(r.ByMinute)}, {"BYSETPOS", len(r.BySetPos)}} {
		if l.n > MaxRuleValues {
			return cmkit.Invalid("rrule."+l.part, "max_length", "%d values; at most %d", l.n, MaxRuleValues)
		}
	}
	maxOrd := 0
	switch r.Freq {
	case Monthly:
		maxOrd = 5
	case Yearly:
		maxOrd = 53
		if len(r.ByMonth) > 0 {
			maxOrd = 5
		}
	}
	for _, w := range r.ByDay {
		if w.Day < time.Sunday || w.Day > time.Saturday {
			return cmkit.Invalid("rrule.BYDAY", "range", "weekday %d out of range", int(w.Day))
		}
		if w.N != 0 && maxOrd == 0 {
			return cmkit.Invalid("rrule.BYDAY", "conflict", "%s: ordinals need FREQ=MONTHLY or YEARLY", w)
		}
		if w.N > maxOrd || w.N < -maxOrd {
			return cmkit.Invalid("rrule.BYDAY", "range", "%s: ordinal must be between -%d and %d", w, maxOrd, maxOrd)
		}
	}
	if len(r.ByMonthDay) > 0 && r.Freq == Weekly {
		return cmkit.Invalid("rrule.BYMONTHDAY", "conflict", "BYMONTHDAY cannot be used with FREQ=WEEKLY")
	}
	if err := checkInts("rrule.BYMONTHDAY", r.ByMonthDay, -31, 31, true); err != nil {
		return err
	}
	for _, m := range r.ByMonth {
		if m < time.January || m > time.December {
			return cmkit.Invalid("rrule.BYMONTH", "range", "month %d out of range 1..12", int(m))
		}
	}
	if err := checkInts("rrule.BYHOUR", r.ByHour, 0, 23, false); err != nil {
		return err
	}
	if err := checkInts("rrule.BYMINUTE", r.ByMinute, 0, 59, false); err != nil {
		return err
	}
	if err := checkInts("rrule.BYSETPOS", r.BySetPos, -366, 366, true); err != nil {
		return err
	}
	if len(r.BySetPos) > 0 && len(r.ByDay)+len(r.ByMonthDay)+len(r.ByMonth)+len(r.ByHour)+len(r.ByMinute) == 0 {
		return cmkit.Invalid("rrule.BYSETPOS", "conflict", "BYSETPOS needs another BYxxx part")
	}
	if r.WeekStart != nil && (*r.WeekStart < time.Sunday || *r.WeekStart > time.Saturday) {
		return cmkit.Invalid("rrule.WKST", "range", "weekday %d out of range", int(*r.WeekStart))
	}
	return nil
}

func checkInts(field string, vs []int, lo, hi int, nonZero bool) error {
	for _, v := range vs {
		if v < lo || v > hi || (nonZero && v == 0) {
			if nonZero {
				return cmkit.Invalid(field, "range", "%d out of range %d..-1, 1..%d", v, lo, hi)
			}
			return cmkit.Invalid(field, "range", "%d out of range %d..%d", v, lo, hi)
		}
	}
	return nil
}

// String renders r as an RRULE value (without the "RRULE:" prefix), parts
// in a fixed order: FREQ, INTERVAL, COUNT, UNTIL, BYMONTH, BYMONTHDAY,
// BYDAY, BYHOUR, BYMINUTE, BYSETPOS, WKST. Lists keep their order.
func (r Rule) String() string {
	var b strings.Builder
	b.WriteString("FREQ=")
	b.WriteString(r.Freq.String())
	if r.Interval != 0 {
		b.WriteString(";INTERVAL=")
		b.WriteString(strconv.Itoa(r.Interval))
	}
	if r.Count != 0 {
		b.WriteString(";COUNT=")
		b.WriteString(strconv.Itoa(r.Count))
	}
	if !r.Until.IsZero() {
		b.WriteString(";UNTIL=")
		if r.UntilDate {
			b.WriteString(r.Until.Format("20060102"))
		} else {
			b.WriteString(r.Until.UTC().Format("20060102T150405Z"))
		}
	}
	writeList(&b, "BYMONTH", r.ByMonth, func(m time.Month) string { return strconv.Itoa(int(m)) })
	writeList(&b, "BYMONTHDAY", r.ByMonthDay, strconv.Itoa)
	writeList(&b, "BYDAY", r.ByDay, WeekdayNum.String)
	writeList(&b, "BYHOUR", r.ByHour, strconv.Itoa)
	writeList(&b, "BYMINUTE", r.ByMinute, strconv.Itoa)
	writeList(&b, "BYSETPOS", r.BySetPos, strconv.Itoa)
	if r.WeekStart != nil {
		b.WriteString(";WKST=")
		b.WriteString(WeekdayNum{Day: *r.WeekStart}.String())
	}
	return b.String()
}

func writeList[T any](b *strings.Builder, name string, vs []T, str func(T) string) {
	if len(vs) == 0 {
		return
	}
	b.WriteByte(';')
	b.WriteString(name)
	b.WriteByte('=')
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(str(v))
	}
}

// MarshalText returns r.String(), so that a Rule is a string in JSON.
func (r Rule) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText parses text with ParseRule.
func (r *Rule) UnmarshalText(text []byte) error { return parseInto(r, string(text), ParseRule) }

// parseInto sets *dst to parse(s), leaving it alone on error.
func parseInto[T any](dst *T, s string, parse func(string) (T, error)) error {
	v, err := parse(s)
	if err == nil {
		*dst = v
	}
	return err
}

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

// Civil-date arithmetic on day numbers (days since 1970-01-01), after
// Howard Hinnant's algorithms: expansion works on these and turns only the
// occurrences it keeps into instants.

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func daysFromCivil(y int64, m time.Month, d int) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (int64(m) + 9) % 12
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int64) (int64, time.Month, int) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := int(doy - (153*mp+2)/5 + 1)
	m := mp + 3
	if mp >= 10 {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, time.Month(m), d
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int64, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// weekdayOf returns the weekday of a day number (1970-01-01 was a Thursday).
func weekdayOf(day int64) time.Weekday {
	return time.Weekday((day%7 + 7 + 4) % 7)
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

// Recurrence is a recurring plan: a Rule repeated from a Start in local wall
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
	Rule Rule
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

// ceilUnix returns t in whole seconds, rounded up, so that an instant with a
// fraction of a second excludes the whole second before it.
func ceilUnix(t time.Time) int64 {
	u := t.Unix()
	if t.Nanosecond() > 0 {
		u++
	}
	return u
}

// expansion is the state of one run of the rule over a window: the rule's
// sets in the form the period loop wants, and buffers reused across periods.
type expansion struct {
	r         *Rule // the rule, its lists without repeats
	interval  int64
	zone      zoneCache
	start     WallTime
	startDay  int64
	week0     int64 // first day of the start's week (WKST)
	startSecs int64 // start's wall seconds since the epoch, as if UTC
	weekMask  uint8 // BYDAY weekdays without ordinal
	dayNums   bool  // BYDAY has ordinals
	months    []time.Month
	times     []int64 // seconds of the day, sorted
	dates     []int64 // day numbers of the current period, sorted
	picks     []int   // BYSETPOS indexes into dates x times
	out       []int64 // instants of the current period
}

// expand calls yield with the rule's instants in [fromU, toU), the start
// first, until yield returns false. It assumes r validates.
func (r *Recurrence) expand(fromU, toU int64, yield func(int64) bool) {
	// Small fixed-capacity buffers, which stay on the stack: a week of
	// dates, a few times of the day, one period's instants.
	e := expansion{r: &r.Rule, zone: zoneCache{loc: r.Location}, start: r.Start,
		dates: make([]int64, 0, 8), times: make([]int64, 0, 4), out: make([]int64, 0, 16)}
	if hasRepeats(r.Rule) {
		// Repeated values add nothing but work, which would grow with each
		// period's candidates (a BYDAY list of a hundred thousand MO).
		rule := r.Rule
		rule.ByDay = distinct(rule.ByDay, compareWeekdayNum)
		rule.ByMonthDay = distinct(rule.ByMonthDay, cmp.Compare[int])
		rule.ByHour = distinct(rule.ByHour, cmp.Compare[int])
		rule.ByMinute = distinct(rule.ByMinute, cmp.Compare[int])
		rule.BySetPos = distinct(rule.BySetPos, cmp.Compare[int])
		e.r = &rule
	}
	e.interval = int64(max(r.Rule.Interval, 1))
	e.startSecs = r.Start.naive()
	e.startDay = floorDiv(e.startSecs, 86400)
	e.week0 = e.weekStart(e.startDay)
	e.prepare()

	limit := toU
	if limit > maxUnix {
		limit = maxUnix
	}
	count := 1
	startU := e.zone.resolve(e.startSecs)
	if startU >= limit {
		return
	}
	if startU >= fromU && !yield(startU) {
		return
	}
	rule := e.r
	if rule.Count == 1 {
		return
	}
	untilU, untilDay := int64(farFuture), int64(farFuture)
	if !rule.Until.IsZero() {
		if rule.UntilDate {
			y, m, d := rule.Until.Date()
			untilDay = daysFromCivil(int64(y), m, d)
		} else {
			untilU = rule.Until.Unix()
		}
	}
	lastDay := floorDiv(limit, 86400) + 2
	k := int64(0)
	if rule.Count == 0 {
		k = e.firstPeriod(floorDiv(fromU, 86400) - 2)
	}
	for ; ; k++ {
		first := e.period(k)
		if first > lastDay || first > untilDay {
			return
		}
		if len(e.dates) == 0 {
			k = e.skipMonths(k, first)
			continue
		}
		e.out = e.out[:0]
		// flush yields, in order, the instants of the period found so far
		// that are before bound, and reports whether to go on.
		flush := func(bound int64) bool {
			if !slices.IsSorted(e.out) {
				// Only near a daylight-saving gap, where a skipped wall
				// time moves forward past a later one.
				slices.Sort(e.out)
			}
			e.out = slices.Compact(e.out)
			n := 0
			for _, u := range e.out {
				if u >= bound {
					break
				}
				n++
				if u > untilU || u >= limit {
					return false
				}
				count++
				if u >= fromU && !yield(u) {
					return false
				}
				if rule.Count > 0 && count >= rule.Count {
					return false
				}
			}
			e.out = append(e.out[:0], e.out[n:]...)
			return true
		}
		// add adds the instant of a candidate, unless it is not after the
		// start (an instant, not a wall time: on a daylight-saving change
		// day a later wall time can come first). A candidate more than two
		// days before the start in wall time is before it.
		add := func(secs int64) {
			if secs > e.startSecs-zoneMargin {
				if u := e.zone.resolve(secs); u > startU {
					e.out = append(e.out, u)
				}
			}
		}
		stop := false
		nt := len(e.times)
		if len(rule.BySetPos) > 0 {
			e.pick(len(e.dates) * nt)
			for _, i := range e.picks {
				day := e.dates[i/nt]
				if stop = day > untilDay; stop {
					break
				}
				add(day*86400 + e.times[i%nt])
			}
		} else {
			// Day by day, yielding what no later day can come before, so
			// that a period of many candidates (every minute of a year)
			// costs only as much as is consumed of it.
			for di, day := range e.dates {
				if stop = day > untilDay; stop {
					break
				}
				for _, tm := range e.times {
					add(day*86400 + tm)
				}
				if di+1 < len(e.dates) && !flush(e.dates[di+1]*86400-zoneMargin) {
					return
				}
			}
		}
		if !flush(farFuture) || stop {
			return
		}
	}
}

// skipMonths returns the period before the first one that falls in a
// BYMONTH month, when period k (starting on day first) of a DAILY rule does
// not, and k otherwise: the periods in between have no candidates, and a
// rule that matches rarely (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) is then
// searched a month at a time rather than a day at a time.
func (e *expansion) skipMonths(k, first int64) int64 {
	if e.r.Freq != Daily || len(e.months) == 0 {
		return k
	}
	y, m, _ := civilFromDays(first)
	if slices.Contains(e.months, m) {
		return k
	}
	// e.months is sorted: the next month of this year, else the first of
	// the next.
	next := daysFromCivil(y+1, e.months[0], 1)
	if i, _ := slices.BinarySearch(e.months, m); i < len(e.months) {
		next = daysFromCivil(y, e.months[i], 1)
	}
	// The first period on or after next; the loop adds one.
	return max(k, (next-e.startDay+e.interval-1)/e.interval-1)
}

// hasRepeats reports whether one of the lists of r that expansion walks
// per period holds a value twice.
func hasRepeats(r Rule) bool {
	return repeats(r.ByDay) || repeats(r.ByMonthDay) || repeats(r.ByHour) || repeats(r.ByMinute) || repeats(r.BySetPos)
}

// repeats reports whether vs holds a value twice. Short lists, the ones
// people write, are checked in place, without allocating; longer ones are
// reported as repeating, which only costs distinct a copy.
func repeats[T comparable](vs []T) bool {
	if len(vs) > 16 {
		return true
	}
	for i, v := range vs {
		if slices.Contains(vs[i+1:], v) {
			return true
		}
	}
	return false
}

// distinct returns the values of vs sorted by compare and without
// repeats, in a new slice.
func distinct[T any](vs []T, compare func(a, b T) int) []T {
	vs = slices.Clone(vs)
	slices.SortFunc(vs, compare)
	return slices.CompactFunc(vs, func(a, b T) bool { return compare(a, b) == 0 })
}

func compareWeekdayNum(a, b WeekdayNum) int {
	return cmp.Or(cmp.Compare(a.N, b.N), cmp.Compare(a.Day, b.Day))
}

// maxUnix is the first second of year 10000: expansion stops there.
var maxUnix = daysFromCivil(maxYear+1, time.January, 1) * 86400

// prepare turns the rule's lists into sets and the sorted times of day.
func (e *expansion) prepare() {
	r := e.r
	for _, w := range r.ByDay {
		if w.N == 0 {
			e.weekMask |= 1 << w.Day
		} else {
			e.dayNums = true
		}
	}
	e.months = slices.Clone(r.ByMonth)
	slices.Sort(e.months)
	e.months = slices.Compact(e.months)
	hours, minutes := r.ByHour, r.ByMinute
	if len(hours) == 0 {
		hours = []int{e.start.Hour}
	}
	if len(minutes) == 0 {
		minutes = []int{e.start.Minute}
	}
	for _, h := range hours {
		for _, m := range minutes {
			e.times = append(e.times, int64(h*3600+m*60+e.start.Second))
		}
	}
	slices.Sort(e.times)
	e.times = slices.Compact(e.times)
}

// weekStart returns the first day of the week that holds day.
func (e *expansion) weekStart(day int64) int64 {
	wkst := time.Monday
	if e.r.WeekStart != nil {
		wkst = *e.r.WeekStart
	}
	return day - int64((weekdayOf(day)-wkst+7)%7)
}

// firstPeriod returns the index of the first period that may hold a day on
// or after day (0 when day is before the start).
func (e *expansion) firstPeriod(day int64) int64 {
	if day <= e.startDay {
		return 0
	}
	sy, sm := int64(e.start.Year), int64(e.start.Month)
	y, m, _ := civilFromDays(day)
	var k int64
	switch e.r.Freq {
	case Daily:
		k = (day - e.startDay) / e.interval
	case Weekly:
		k = (day - e.week0) / (7 * e.interval)
	case Monthly:
		k = ((y*12 + int64(m)) - (sy*12 + sm)) / e.interval
	case Yearly:
		k = (y - sy) / e.interval
	}
	return max(k, 0)
}

// period fills e.dates with the sorted candidate days of period k and
// returns the period's first day.
func (e *expansion) period(k int64) int64 {
	r := e.r
	e.dates = e.dates[:0]
	switch r.Freq {
	case Daily:
		day := e.startDay + k*e.interval
		if e.dayOK(day) {
			e.dates = append(e.dates, day)
		}
		return day
	case Weekly:
		ws := e.week0 + 7*k*e.interval
		mask := e.weekMask
		if mask == 0 {
			mask = 1 << weekdayOf(e.startDay)
		}
		wd := weekdayOf(ws)
		for day := ws; day < ws+7; day++ {
			if mask&(1<<wd) != 0 && (len(e.months) == 0 || e.monthOK(day)) {
				e.dates = append(e.dates, day)
			}
			if wd++; wd > time.Saturday {
				wd = time.Sunday
			}
		}
		return ws
	case Monthly:
		mi := int64(e.start.Year)*12 + int64(e.start.Month) - 1 + k*e.interval
		y, m := floorDiv(mi, 12), time.Month(mi-floorDiv(mi, 12)*12+1)
		first := daysFromCivil(y, m, 1)
		if y > maxYear {
			return farFuture
		}
		if len(e.months) == 0 || slices.Contains(e.months, m) {
			e.monthDates(y, m)
		}
		return first
	default: // Yearly
		y := int64(e.start.Year) + k*e.interval
		if y > maxYear {
			return farFuture
		}
		e.yearDates(y)
		return daysFromCivil(y, time.January, 1)
	}
}

// dayOK applies the limiting parts of a DAILY rule to one day.
func (e *expansion) dayOK(day int64) bool {
	r := e.r
	if e.weekMask != 0 && e.weekMask&(1<<weekdayOf(day)) == 0 {
		return false
	}
	if len(e.months) == 0 && len(r.ByMonthDay) == 0 {
		return true
	}
	y, m, d := civilFromDays(day)
	if len(e.months) > 0 && !slices.Contains(e.months, m) {
		return false
	}
	return len(r.ByMonthDay) == 0 || monthDayMatches(r.ByMonthDay, d, daysIn(y, m))
}

func (e *expansion) monthOK(day int64) bool {
	_, m, _ := civilFromDays(day)
	return slices.Contains(e.months, m)
}

func monthDayMatches(list []int, d, length int) bool {
	for _, v := range list {
		if v == d || length+1+v == d {
			return true
		}
	}
	return false
}

// monthDates adds the candidate days of month m of year y: BYMONTHDAY
// (limited by BYDAY), else BYDAY, else the start's day of the month.
func (e *expansion) monthDates(y int64, m time.Month) {
	r := e.r
	first := daysFromCivil(y, m, 1)
	length := daysIn(y, m)
	mark := len(e.dates)
	switch {
	case len(r.ByMonthDay) > 0:
		for _, v := range r.ByMonthDay {
			d := v
			if v < 0 {
				d = length + 1 + v
			}
			if d >= 1 && d <= length && (len(r.ByDay) == 0 || weekdayMatches(r.ByDay, first, d-1, length)) {
				e.dates = append(e.dates, first+int64(d-1))
			}
		}
	case len(r.ByDay) > 0:
		e.expandWeekdays(first, length)
	default:
		if e.start.Day <= length {
			e.dates = append(e.dates, first+int64(e.start.Day-1))
		}
	}
	sortTail(&e.dates, mark)
}

// yearDates adds the candidate days of year y.
func (e *expansion) yearDates(y int64) {
	r := e.r
	switch {
	case len(e.months) > 0:
		for _, m := range e.months {
			e.monthDates(y, m)
		}
		return
	case len(r.ByMonthDay) > 0:
		jan1 := daysFromCivil(y, time.January, 1)
		ylen := 365
		if isLeap(y) {
			ylen = 366
		}
		for m := time.January; m <= time.December; m++ {
			first := daysFromCivil(y, m, 1)
			length := daysIn(y, m)
			for _, v := range r.ByMonthDay {
				d := v
				if v < 0 {
					d = length + 1 + v
				}
				day := first + int64(d-1)
				if d >= 1 && d <= length && (len(r.ByDay) == 0 || weekdayMatches(r.ByDay, jan1, int(day-jan1), ylen)) {
					e.dates = append(e.dates, day)
				}
			}
		}
	case len(r.ByDay) > 0:
		ylen := 365
		if isLeap(y) {
			ylen = 366
		}
		e.expandWeekdays(daysFromCivil(y, time.January, 1), ylen)
	default:
		if e.start.Day <= daysIn(y, e.start.Month) {
			e.dates = append(e.dates, daysFromCivil(y, e.start.Month, e.start.Day))
		}
	}
	sortTail(&e.dates, 0)
}

// expandWeekdays adds the BYDAY days of the scope of length days that
// starts on day first (a month or a year).
func (e *expansion) expandWeekdays(first int64, length int) {
	firstWd := weekdayOf(first)
	lastWd := weekdayOf(first + int64(length) - 1)
	for _, w := range e.r.ByDay {
		off := int((w.Day - firstWd + 7) % 7)
		switch {
		case w.N == 0:
			for d := off; d < length; d += 7 {
				e.dates = append(e.dates, first+int64(d))
			}
		case w.N > 0:
			if d := off + 7*(w.N-1); d < length {
				e.dates = append(e.dates, first+int64(d))
			}
		default:
			back := int((lastWd - w.Day + 7) % 7)
			if d := length - 1 - back - 7*(-w.N-1); d >= 0 {
				e.dates = append(e.dates, first+int64(d))
			}
		}
	}
}

// weekdayMatches reports whether the day at index i (0-based) of a scope of
// length days starting on first matches one of the BYDAY entries.
func weekdayMatches(list []WeekdayNum, first int64, i, length int) bool {
	wd := weekdayOf(first + int64(i))
	for _, w := range list {
		if w.Day != wd {
			continue
		}
		if w.N == 0 || w.N == i/7+1 || w.N == -((length-1-i)/7+1) {
			return true
		}
	}
	return false
}

// sortTail sorts and de-duplicates (*s)[mark:].
func sortTail(s *[]int64, mark int) {
	tail := (*s)[mark:]
	if !slices.IsSorted(tail) {
		slices.Sort(tail)
	}
	*s = append((*s)[:mark], slices.Compact(tail)...)
}

// pick fills e.picks with the sorted, distinct BYSETPOS indexes into the n
// candidates of the period.
func (e *expansion) pick(n int) {
	e.picks = e.picks[:0]
	for _, p := range e.r.BySetPos {
		i := p - 1
		if p < 0 {
			i = n + p
		}
		if i >= 0 && i < n {
			e.picks = append(e.picks, i)
		}
	}
	slices.Sort(e.picks)
	e.picks = slices.Compact(e.picks)
}

// recurrenceJSON is the JSON form of a Recurrence.
type recurrenceJSON struct {
	Rule      Rule        `json:"rrule"`
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
	loc, ok := loadZone(j.TZID)
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

// loadZone loads the IANA time zone name with time.LoadLocation, refusing
// the two names it accepts that are not zones of the database: "" (UTC) and
// "Local" (whatever zone the machine that runs the program is set to).
func loadZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" {
		return nil, false
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}
