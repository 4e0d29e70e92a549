package recur_test

import (
	"errors"
	"fmt"
	"time"

	// Tests and examples carry their own zone database, so that they pass
	// in containers without /usr/share/zoneinfo. Programs should do the same.
	_ "time/tzdata"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar/recur"
)

// A recurring post every weekday at 09:00 in Madrid stays at 09:00 local
// time when Spain moves to summer time on the last Sunday of March; only the
// instant (here in UTC) moves.
func ExampleRecurrence() {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		fmt.Println(err)
		return
	}
	rule, err := recur.ParseRRule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0")
	if err != nil {
		fmt.Println(err)
		return
	}
	rec := recur.Recurrence{
		Rule:     rule,
		Start:    recur.WallTime{Year: 2026, Month: time.March, Day: 23, Hour: 9},
		Location: madrid,
		// Friday's post is moved to the afternoon; the series is untouched.
		Overrides: []recur.Override{{
			Original: time.Date(2026, time.March, 27, 9, 0, 0, 0, madrid),
			Moved:    time.Date(2026, time.March, 27, 16, 0, 0, 0, madrid),
		}},
	}
	from := time.Date(2026, time.March, 26, 0, 0, 0, 0, madrid)
	for o := range rec.Occurrences(from, from.AddDate(0, 0, 6)) {
		fmt.Println(o.At.Format("Mon Jan 2 15:04 MST"), "=", o.At.UTC().Format("15:04 UTC"))
	}
	// Output:
	// Thu Mar 26 09:00 CET = 08:00 UTC
	// Fri Mar 27 16:00 CET = 15:00 UTC
	// Mon Mar 30 09:00 CEST = 07:00 UTC
	// Tue Mar 31 09:00 CEST = 07:00 UTC
}

// Wall times that a daylight-saving change skips or repeats resolve by the
// rules of RFC 5545.
func ExampleWallTime_In() {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		fmt.Println(err)
		return
	}
	spring := recur.WallTime{Year: 2026, Month: time.March, Day: 29, Hour: 2, Minute: 30}
	autumn := recur.WallTime{Year: 2026, Month: time.October, Day: 25, Hour: 2, Minute: 30}
	fmt.Println(spring, "->", spring.In(madrid).Format("15:04 MST"))
	fmt.Println(autumn, "->", autumn.In(madrid).Format("15:04 MST"))
	// Output:
	// 2026-03-29T02:30:00 -> 03:30 CEST
	// 2026-10-25T02:30:00 -> 02:30 CEST
}

// ParseRRule names the part at fault, so that a form can point at it.
func ExampleParseRRule() {
	rule, err := recur.ParseRRule("RRULE:FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17")
	fmt.Println(rule, err)

	_, err = recur.ParseRRule("FREQ=WEEKLY;BYDAY=-1FR")
	var ve *cmkit.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field, ve.Rule)
	}
	// Output:
	// FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17 <nil>
	// rrule.BYDAY conflict
}

// A channel posts on weekdays at 09:00 and 13:30 and on Saturdays at 11:00,
// Warsaw time, at least two hours apart. Three posts are added to its queue
// on Friday morning, when one post is already planned for 11:45; the queue
// crosses the change to summer time, and slots stay at their local time.
func ExampleSlots_Queue() {
	plan, err := recur.ParseSlots("Mon–Fri 09:00 and 13:30, Sat 11:00, Europe/Warsaw")
	if err != nil {
		fmt.Println(err)
		return
	}
	plan.MinGap = 2 * time.Hour
	now := time.Date(2026, time.March, 27, 8, 0, 0, 0, plan.Location)
	taken := []time.Time{time.Date(2026, time.March, 27, 11, 45, 0, 0, plan.Location)}
	for _, t := range plan.Queue(now, taken, 3) {
		fmt.Println(t.Format("Mon Jan 2 15:04 MST"))
	}
	// Output:
	// Fri Mar 27 09:00 CET
	// Sat Mar 28 11:00 CET
	// Mon Mar 30 09:00 CEST
}
