// Package weekday reads the days of the week as people write them in
// cmkit's hand-written schedules ("mon", "Monday", "mon-fri", "weekdays"),
// so that posting slots and business hours read the same words.
package weekday

import (
	"strings"
	"time"
)

// Parse reads one day: its English name or first three letters, in any
// case, with surrounding spaces ignored.
func Parse(s string) (time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	for d := time.Sunday; d <= time.Saturday; d++ {
		if name := strings.ToLower(d.String()); s == name || s == name[:3] {
			return d, true
		}
	}
	return 0, false
}

// ParseDays reads a set of days: one day, a range "mon-fri" (it wraps:
// "fri-mon" is Friday to Monday), or "daily" ("everyday"), "weekdays",
// "weekends" ("weekend"). The days come in the order the range walks.
func ParseDays(s string) ([]time.Weekday, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch s {
	case "daily", "everyday":
		return []time.Weekday{0, 1, 2, 3, 4, 5, 6}, true
	case "weekdays":
		return []time.Weekday{1, 2, 3, 4, 5}, true
	case "weekends", "weekend":
		return []time.Weekday{0, 6}, true
	}
	from, to, isRange := strings.Cut(s, "-")
	a, ok := Parse(from)
	if !ok {
		return nil, false
	}
	if !isRange {
		return []time.Weekday{a}, true
	}
	b, ok := Parse(to)
	if !ok {
		return nil, false
	}
	days := []time.Weekday{a}
	for d := a; d != b; {
		d = (d + 1) % 7
		days = append(days, d)
	}
	return days, true
}
