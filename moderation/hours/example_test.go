package hours_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation/hours"
)

// A first-reply target of 4 business hours, for a complaint that arrives
// on Friday afternoon: the team in Madrid works weekdays with a lunch
// break, so the reply is due on Monday.
func Example() {
	team, err := hours.Parse([]byte(`{
	  "zone": "Europe/Madrid",
	  "week": {"mon-fri": ["09:00-14:00", "15:00-18:00"]},
	  "holidays": [{"date": "2025-12-25", "name": "Christmas"}]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	madrid := team.Zone
	received := time.Date(2025, time.March, 7, 16, 30, 0, 0, madrid) // a Friday
	due := team.Add(received, 4*time.Hour)
	fmt.Println("due:", due.Format("Mon 2006-01-02 15:04"))

	// On Monday at 10:00 the ticket has used 2h30 of its 4 hours.
	monday := time.Date(2025, time.March, 10, 10, 0, 0, 0, madrid)
	fmt.Println("used:", team.Between(received, monday))
	fmt.Println("open on Saturday:", team.Open(received.Add(24*time.Hour)))
	fmt.Println("opens again:", team.NextOpen(time.Date(2025, time.March, 7, 18, 0, 0, 0, madrid)).Format("Mon 15:04"))
	// Output:
	// due: Mon 2025-03-10 11:30
	// used: 2h30m0s
	// open on Saturday: false
	// opens again: Mon 09:00
}

// Spans are wall-clock times: on the night Madrid springs forward, a span
// from 01:00 to 04:00 lasts two hours; on the night it falls back, four.
func ExampleSchedule_Between() {
	night, err := hours.Parse([]byte(`{"zone": "Europe/Madrid", "week": {"sun": "01:00-04:00"}}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, date := range []string{"2025-03-30", "2025-04-06", "2025-10-26"} {
		day, _ := time.ParseInLocation("2006-01-02", date, night.Zone)
		fmt.Println(date, night.Between(day, day.AddDate(0, 0, 1)))
	}
	// Output:
	// 2025-03-30 2h0m0s
	// 2025-04-06 3h0m0s
	// 2025-10-26 4h0m0s
}

// A mistake in the JSON names the entry and the rule it broke.
func ExampleParse() {
	_, err := hours.Parse([]byte(`{"zone": "Europe/Madrid", "week": {"mon": ["09:00-13:00", "17:00-09:00"]}}`))
	var ve *cmkit.ValidationError
	if errors.As(err, &ve) {
		fmt.Println(ve.Field, ve.Rule, errors.Is(err, cmkit.ErrInvalid))
	}
	fmt.Println(err)
	// Output:
	// week.mon[1] order true
	// cmkit: invalid week.mon[1]: order: "17:00-09:00" ends before it starts; a span cannot cross midnight, split it at 24:00
}

// A schedule built in Go is validated before use.
func ExampleSchedule_Validate() {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		fmt.Println(err)
		return
	}
	s := &hours.Schedule{Zone: madrid}
	s.Week[time.Saturday] = []hours.Span{{Start: 10 * time.Hour, End: 14 * time.Hour}}
	s.Exceptions = []hours.Exception{{Date: hours.CivilDate{Year: 2025, Month: time.December, Day: 27}, Name: "stocktaking"}}
	if err := s.Validate(); err != nil {
		fmt.Println(err)
		return
	}
	sat := time.Date(2025, time.December, 27, 11, 0, 0, 0, madrid)
	fmt.Println(s.Open(sat), s.NextOpen(sat).Format("2006-01-02 15:04"))
	// Output:
	// false 2026-01-03 10:00
}
