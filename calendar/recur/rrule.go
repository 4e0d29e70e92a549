package recur

// This file holds RRule, an RFC 5545 recurrence rule: its parts, how it is
// parsed from and printed to an RRULE value, and how it is validated.

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
)

// Frequency is the FREQ of a Rule: the size of the period the rule repeats.
type Frequency int

// The supported frequencies. RFC 5545 also defines SECONDLY, MINUTELY and
// HOURLY; nobody schedules posts that way, and ParseRRule rejects them as
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

// RRule is an RFC 5545 recurrence rule (the value of an RRULE property), for
// example "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0". A rule
// alone has no start and no zone: a Recurrence pairs it with both.
//
// Build one with ParseRRule, or as a literal and check it with Validate.
// Fields keep what was written, so ParseRRule(r.String()) gives r back. Lists
// left empty mean "not given": the rule then takes that part from the start
// of the recurrence (a WEEKLY rule without BYDAY repeats on the start's
// weekday, a MONTHLY one without BYDAY or BYMONTHDAY on the start's day of
// the month, BYHOUR and BYMINUTE default to the start's hour and minute).
//
// A RRule marshals to JSON (and any text encoding) as its RRULE string.
type RRule struct {
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

// ParseRRule parses an RRULE value such as "FREQ=MONTHLY;BYDAY=-1FR", with or
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
func ParseRRule(s string) (RRule, error) {
	var r RRule
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
			return RRule{}, cmkit.Invalid("rrule", "format", "part %q is not NAME=VALUE", part)
		}
		name = strings.ToUpper(strings.TrimSpace(name))
		value = strings.ToUpper(strings.TrimSpace(value))
		field := "rrule." + name
		if seen[name] {
			return RRule{}, cmkit.Invalid(field, "duplicate", "%s given twice", name)
		}
		seen[name] = true
		if value == "" {
			return RRule{}, cmkit.Invalid(field, "format", "empty value")
		}
		if n := strings.Count(value, ",") + 1; n > MaxRuleValues {
			// Refused before parsing: only BYxxx parts are lists.
			return RRule{}, cmkit.Invalid(field, "max_length", "%d values; at most %d", n, MaxRuleValues)
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
			return RRule{}, cmkit.Invalid(field, "unsupported", "%s is not supported", name)
		default:
			return RRule{}, cmkit.Invalid(field, "unknown", "unknown rule part %q", name)
		}
		if err != nil {
			if _, ok := err.(*cmkit.ValidationError); ok {
				return RRule{}, err
			}
			return RRule{}, cmkit.Invalid(field, "format", "%q: %v", value, unwrapNum(err))
		}
	}
	if err := r.Validate(); err != nil {
		return RRule{}, err
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
// rules, BYSETPOS alone). ParseRRule calls it; call it for rules built in
// code. The error is a *cmkit.ValidationError naming the part.
func (r *RRule) Validate() error {
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
func (r RRule) String() string {
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

// MarshalText returns r.String(), so that an RRule is a string in JSON.
func (r RRule) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText parses text with ParseRRule.
func (r *RRule) UnmarshalText(text []byte) error { return parseInto(r, string(text), ParseRRule) }

// parseInto sets *dst to parse(s), leaving it alone on error.
func parseInto[T any](dst *T, s string, parse func(string) (T, error)) error {
	v, err := parse(s)
	if err == nil {
		*dst = v
	}
	return err
}
