package hours_test

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit/internal/testbudget"
	"github.com/cmkit/cmkit/moderation/hours"
)

// The schedules of the hand-computed tables. Every expected instant below
// was worked out by hand from the schedule and the zone's rules, and is
// written with its UTC offset, so that it names one instant.
const (
	// office: weekdays 09:00-17:00 in Madrid; Christmas closed, Christmas
	// Eve until 14:00, Saturday 2025-11-29 open 10:00-14:00 for a launch,
	// Monday 2025-12-01 closed.
	office = `{"zone": "Europe/Madrid", "week": {"mon-fri": ["09:00-17:00"]},
	  "holidays": [{"date": "2025-12-25", "name": "Christmas"}],
	  "exceptions": [
	    {"date": "2025-11-29", "name": "launch", "hours": ["10:00-14:00"]},
	    {"date": "2025-12-01", "hours": []},
	    {"date": "2025-12-24", "hours": "09:00-14:00"}]}`
	// split: a lunch break.
	split = `{"zone": "Europe/Madrid", "week": {"mon-fri": ["09:00-13:00", "15:00-18:00"]}}`
	// madridNight: Sunday 01:00-04:00, across both of Madrid's changes
	// (2025-03-30 02:00 CET -> 03:00 CEST, 2025-10-26 03:00 CEST -> 02:00 CET).
	madridNight = `{"zone": "Europe/Madrid", "week": {"sun": ["01:00-04:00"]}}`
	// warsawWeekend: on call all weekend; Warsaw changes with Madrid.
	warsawWeekend = `{"zone": "Europe/Warsaw", "week": {"sat-sun": ["00:00-24:00"]}}`
	// nyMorning: Sunday 00:00-12:00 in New York (2025-03-09 02:00 EST ->
	// 03:00 EDT, 2025-11-02 02:00 EDT -> 01:00 EST).
	nyMorning = `{"zone": "America/New_York", "week": {"sun": ["00:00-12:00"]}}`
	// late: evenings to midnight, and the small hours of Saturday.
	late = `{"zone": "Europe/Madrid", "week": {"mon-fri": ["18:00-24:00"], "sat": ["00:00-02:00"]}}`
	// kolkata: a zone 5:30 off UTC, with a half-hour opening.
	kolkata = `{"zone": "Asia/Kolkata", "week": {"mon-fri": ["09:30-18:00"]}}`
	// utcOffice: weekdays 09:00-17:00 in UTC, 40 hours a week.
	utcOffice = `{"zone": "UTC", "week": {"mon-fri": ["09:00-17:00"]}}`
)

func parse(t testing.TB, js string) *hours.Schedule {
	t.Helper()
	s, err := hours.Parse([]byte(js))
	require.NoError(t, err)
	return s
}

func inst(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339Nano, s)
	require.NoError(t, err)
	return v
}

// sameInstant checks an instant, and that it is in the location of from.
func sameInstant(t *testing.T, want string, got, from time.Time) {
	t.Helper()
	w := inst(t, want)
	assert.Truef(t, w.Equal(got), "want %s, got %s", w, got)
	assert.Equal(t, from.Location(), got.Location(), "the result is in the location of the input")
}

func TestAdd(t *testing.T) {
	for _, c := range []struct {
		name, sched, from string
		d                 time.Duration
		want              string
	}{
		{"over a weekend", office, "2025-03-07T15:00:00+01:00", 4 * time.Hour, "2025-03-10T11:00:00+01:00"},
		{"from a closed Saturday", office, "2025-03-08T12:00:00+01:00", time.Hour, "2025-03-10T10:00:00+01:00"},
		{"before the opening", office, "2025-03-10T07:00:00+01:00", 30 * time.Minute, "2025-03-10T09:30:00+01:00"},
		{"ends at the closing, not the next opening", office, "2025-03-10T09:00:00+01:00", 8 * time.Hour, "2025-03-10T17:00:00+01:00"},
		{"a full week", office, "2025-03-10T09:00:00+01:00", 40 * time.Hour, "2025-03-14T17:00:00+01:00"},
		{"a short Christmas Eve, then Christmas", office, "2025-12-24T13:00:00+01:00", 2 * time.Hour, "2025-12-26T10:00:00+01:00"},
		{"a Saturday opened for a launch", office, "2025-11-28T16:00:00+01:00", 3 * time.Hour, "2025-11-29T12:00:00+01:00"},
		{"a Monday closed by an exception", office, "2025-11-28T16:00:00+01:00", 6 * time.Hour, "2025-12-02T10:00:00+01:00"},
		{"across the lunch break", split, "2025-03-10T12:00:00+01:00", 3 * time.Hour, "2025-03-10T17:00:00+01:00"},
		{"to the lunch break, not after it", split, "2025-03-10T12:00:00+01:00", time.Hour, "2025-03-10T13:00:00+01:00"},
		{"during the lunch break", split, "2025-03-10T14:00:00+01:00", time.Hour, "2025-03-10T16:00:00+01:00"},
		{"through midnight, a span ending at 24:00", late, "2025-03-07T23:00:00+01:00", 2 * time.Hour, "2025-03-08T01:00:00+01:00"},
		{"to the end of Saturday's span", late, "2025-03-07T23:00:00+01:00", 3 * time.Hour, "2025-03-08T02:00:00+01:00"},
		{"Kolkata, over a weekend", kolkata, "2025-03-07T17:00:00+05:30", 2 * time.Hour, "2025-03-10T10:30:00+05:30"},
		{"Kolkata, from UTC midnight", kolkata, "2025-03-10T00:00:00Z", 30 * time.Minute, "2025-03-10T10:00:00+05:30"},
		{"Madrid spring-forward, the span lasts 2h", madridNight, "2025-03-29T12:00:00+01:00", 2 * time.Hour, "2025-03-30T04:00:00+02:00"},
		{"Madrid spring-forward, 1h ends at the jump", madridNight, "2025-03-29T12:00:00+01:00", time.Hour, "2025-03-30T03:00:00+02:00"},
		{"Madrid spring-forward, more than the day holds", madridNight, "2025-03-29T12:00:00+01:00", 3 * time.Hour, "2025-04-06T02:00:00+02:00"},
		{"Madrid fall-back, 3h", madridNight, "2025-10-25T12:00:00+02:00", 3 * time.Hour, "2025-10-26T03:00:00+01:00"},
		{"Madrid fall-back, the span lasts 4h", madridNight, "2025-10-25T12:00:00+02:00", 4 * time.Hour, "2025-10-26T04:00:00+01:00"},
		{"Madrid fall-back, 1h30 is in the repeated hour", madridNight, "2025-10-25T12:00:00+02:00", 90 * time.Minute, "2025-10-26T02:30:00+02:00"},
		{"Madrid fall-back, 2h30 is the second 02:30", madridNight, "2025-10-25T12:00:00+02:00", 150 * time.Minute, "2025-10-26T02:30:00+01:00"},
		{"Warsaw spring-forward weekend is 47h", warsawWeekend, "2025-03-29T00:00:00+01:00", 47 * time.Hour, "2025-03-31T00:00:00+02:00"},
		{"Warsaw fall-back weekend is 49h", warsawWeekend, "2025-10-25T00:00:00+02:00", 49 * time.Hour, "2025-10-27T00:00:00+01:00"},
		{"New York spring-forward", nyMorning, "2025-03-08T12:00:00-05:00", 3 * time.Hour, "2025-03-09T04:00:00-04:00"},
		{"New York fall-back", nyMorning, "2025-11-01T12:00:00-04:00", 3 * time.Hour, "2025-11-02T02:00:00-05:00"},
		{"New York fall-back, the second 01:30", nyMorning, "2025-11-01T12:00:00-04:00", 150 * time.Minute, "2025-11-02T01:30:00-05:00"},
		{"a fraction of a second is kept", office, "2025-03-10T16:59:59.5+01:00", time.Second, "2025-03-11T09:00:00.5+01:00"},
		{"a nanosecond before the closing", office, "2025-03-10T16:59:59.999999999+01:00", time.Nanosecond, "2025-03-10T17:00:00+01:00"},
		{"a nanosecond from an opening", office, "2025-03-10T09:00:00+01:00", time.Nanosecond, "2025-03-10T09:00:00.000000001+01:00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := parse(t, c.sched)
			from := inst(t, c.from)
			got := s.Add(from, c.d)
			sameInstant(t, c.want, got, from)
			assert.Equal(t, c.d, s.Between(from, got), "Between(t, Add(t, d)) == d")
		})
	}
}

func TestBetween(t *testing.T) {
	for _, c := range []struct {
		name, sched, a, b string
		want              time.Duration
	}{
		{"a working week", office, "2025-03-10T00:00:00+01:00", "2025-03-17T00:00:00+01:00", 40 * time.Hour},
		{"over a weekend", office, "2025-03-07T15:00:00+01:00", "2025-03-10T11:00:00+01:00", 4 * time.Hour},
		{"b before a", office, "2025-03-10T11:00:00+01:00", "2025-03-07T15:00:00+01:00", 0},
		{"a equals b", office, "2025-03-10T11:00:00+01:00", "2025-03-10T11:00:00+01:00", 0},
		{"inside one span", office, "2025-03-10T10:00:00.25+01:00", "2025-03-10T10:00:01+01:00", 750 * time.Millisecond},
		{"within one second", office, "2025-03-10T10:00:00.25+01:00", "2025-03-10T10:00:00.75+01:00", 500 * time.Millisecond},
		{"all closed", office, "2025-03-08T00:00:00+01:00", "2025-03-09T23:00:00+01:00", 0},
		// 8 + 8 + 5 (Christmas Eve) + 0 (Christmas) + 8
		{"Christmas week", office, "2025-12-22T00:00:00+01:00", "2025-12-29T00:00:00+01:00", 29 * time.Hour},
		// Friday 8, Saturday 4 (launch), Monday 0 (closed)
		{"launch weekend", office, "2025-11-28T00:00:00+01:00", "2025-12-02T00:00:00+01:00", 12 * time.Hour},
		{"a day with a lunch break", split, "2025-03-10T00:00:00+01:00", "2025-03-11T00:00:00+01:00", 7 * time.Hour},
		{"over midnight", late, "2025-03-07T18:00:00+01:00", "2025-03-08T02:00:00+01:00", 8 * time.Hour},
		{"Kolkata week", kolkata, "2025-03-10T00:00:00+05:30", "2025-03-17T00:00:00+05:30", 42*time.Hour + 30*time.Minute},
		{"Madrid spring-forward Sunday", madridNight, "2025-03-30T00:00:00+01:00", "2025-03-31T00:00:00+02:00", 2 * time.Hour},
		{"Madrid fall-back Sunday", madridNight, "2025-10-26T00:00:00+02:00", "2025-10-27T00:00:00+01:00", 4 * time.Hour},
		{"Madrid ordinary Sunday", madridNight, "2025-04-06T00:00:00+02:00", "2025-04-07T00:00:00+02:00", 3 * time.Hour},
		{"Warsaw spring-forward weekend", warsawWeekend, "2025-03-28T00:00:00+01:00", "2025-04-01T00:00:00+02:00", 47 * time.Hour},
		{"Warsaw fall-back weekend", warsawWeekend, "2025-10-24T00:00:00+02:00", "2025-10-28T00:00:00+01:00", 49 * time.Hour},
		{"New York spring-forward Sunday", nyMorning, "2025-03-09T00:00:00-05:00", "2025-03-10T00:00:00-04:00", 11 * time.Hour},
		{"New York fall-back Sunday", nyMorning, "2025-11-02T00:00:00-04:00", "2025-11-03T00:00:00-05:00", 13 * time.Hour},
		{"New York, the repeated hour only", nyMorning, "2025-11-02T01:00:00-05:00", "2025-11-02T02:00:00-05:00", time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := parse(t, c.sched)
			assert.Equal(t, c.want, s.Between(inst(t, c.a), inst(t, c.b)))
		})
	}
}

// TestSpanInTheGapOrTheRepeat: a span's end in the hour a change skips is
// the instant of the jump; one in the hour it repeats is its first showing.
func TestSpanInTheGapOrTheRepeat(t *testing.T) {
	for _, c := range []struct {
		name, sched, day, next string
		want                   time.Duration
	}{
		// 02:30 does not exist: it is 03:00 CEST, so 01:00 CET to 03:00 CEST.
		{"Madrid, end in the gap", `{"zone": "Europe/Madrid", "week": {"sun": "01:00-02:30"}}`, "2025-03-30T00:00:00+01:00", "2025-03-31T00:00:00+02:00", time.Hour},
		{"Madrid, start in the gap", `{"zone": "Europe/Madrid", "week": {"sun": "02:30-04:00"}}`, "2025-03-30T00:00:00+01:00", "2025-03-31T00:00:00+02:00", time.Hour},
		{"Madrid, split at the gap", `{"zone": "Europe/Madrid", "week": {"sun": ["01:00-02:30", "02:30-04:00"]}}`, "2025-03-30T00:00:00+01:00", "2025-03-31T00:00:00+02:00", 2 * time.Hour},
		{"Madrid, all in the gap", `{"zone": "Europe/Madrid", "week": {"sun": "02:00-03:00", "mon": "09:00-10:00"}}`, "2025-03-30T00:00:00+01:00", "2025-03-31T00:00:00+02:00", 0},
		{"New York, start in the gap", `{"zone": "America/New_York", "week": {"sun": "02:30-04:00"}}`, "2025-03-09T00:00:00-05:00", "2025-03-10T00:00:00-04:00", time.Hour},
		// 02:30 happens twice: the first, 02:30 CEST, to 04:00 CET.
		{"Madrid, start in the repeat", `{"zone": "Europe/Madrid", "week": {"sun": "02:30-04:00"}}`, "2025-10-26T00:00:00+02:00", "2025-10-27T00:00:00+01:00", 150 * time.Minute},
		{"Madrid, end in the repeat", `{"zone": "Europe/Madrid", "week": {"sun": "01:00-02:30"}}`, "2025-10-26T00:00:00+02:00", "2025-10-27T00:00:00+01:00", 90 * time.Minute},
		{"New York, start in the repeat", `{"zone": "America/New_York", "week": {"sun": "01:30-03:00"}}`, "2025-11-02T00:00:00-04:00", "2025-11-03T00:00:00-05:00", 150 * time.Minute},
		// The clock first reads 02:00 after the repeat: both 01:xx hours.
		{"New York, the repeated hour", `{"zone": "America/New_York", "week": {"sun": "01:00-02:00"}}`, "2025-11-02T00:00:00-04:00", "2025-11-03T00:00:00-05:00", 2 * time.Hour},
		{"New York, all in the first showing", `{"zone": "America/New_York", "week": {"sun": "01:00-01:30"}}`, "2025-11-02T00:00:00-04:00", "2025-11-03T00:00:00-05:00", 30 * time.Minute},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := parse(t, c.sched)
			assert.Equal(t, c.want, s.Between(inst(t, c.day), inst(t, c.next)))
		})
	}
}

// TestGapRuleIsTheSameInEveryZone documents why the package does not read
// spans with time.Date: for 02:30 on a spring-forward day it answers an
// hour later in Madrid and an hour earlier in New York, where the package
// opens a span starting at 02:30 at the jump (03:00 new time) in both.
func TestGapRuleIsTheSameInEveryZone(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	require.NoError(t, err)
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	assert.True(t, inst(t, "2025-03-30T03:30:00+02:00").Equal(time.Date(2025, 3, 30, 2, 30, 0, 0, madrid)))
	assert.True(t, inst(t, "2025-03-09T01:30:00-05:00").Equal(time.Date(2025, 3, 9, 2, 30, 0, 0, ny)))

	for _, c := range []struct{ sched, sat, want string }{
		{`{"zone": "Europe/Madrid", "week": {"sun": "02:30-04:00"}}`, "2025-03-29T12:00:00+01:00", "2025-03-30T03:00:00+02:00"},
		{`{"zone": "America/New_York", "week": {"sun": "02:30-04:00"}}`, "2025-03-08T12:00:00-05:00", "2025-03-09T03:00:00-04:00"},
	} {
		s := parse(t, c.sched)
		from := inst(t, c.sat)
		sameInstant(t, c.want, s.NextOpen(from), from)
	}
}

func TestOpen(t *testing.T) {
	for _, c := range []struct {
		name, sched, at string
		want            bool
	}{
		{"at the opening", office, "2025-03-10T09:00:00+01:00", true},
		{"a nanosecond before the opening", office, "2025-03-10T08:59:59.999999999+01:00", false},
		{"a nanosecond before the closing", office, "2025-03-10T16:59:59.999999999+01:00", true},
		{"at the closing", office, "2025-03-10T17:00:00+01:00", false},
		{"Saturday", office, "2025-03-08T11:00:00+01:00", false},
		{"the launch Saturday", office, "2025-11-29T11:00:00+01:00", true},
		{"the closed Monday", office, "2025-12-01T11:00:00+01:00", false},
		{"Christmas", office, "2025-12-25T11:00:00+01:00", false},
		{"Christmas Eve morning", office, "2025-12-24T13:59:59+01:00", true},
		{"Christmas Eve afternoon", office, "2025-12-24T14:00:00+01:00", false},
		{"the same instant in UTC", office, "2025-03-10T08:30:00Z", true},
		{"lunch", split, "2025-03-10T14:00:00+01:00", false},
		{"before midnight, a span ending at 24:00", late, "2025-03-07T23:59:59.999999999+01:00", true},
		{"midnight", late, "2025-03-08T00:00:00+01:00", true},
		{"Saturday 02:00", late, "2025-03-08T02:00:00+01:00", false},
		{"Kolkata 09:29", kolkata, "2025-03-10T09:29:59+05:30", false},
		{"Kolkata 09:30", kolkata, "2025-03-10T09:30:00+05:30", true},
		{"New York, the first 01:15", `{"zone": "America/New_York", "week": {"sun": "01:00-01:30"}}`, "2025-11-02T01:15:00-04:00", true},
		{"New York, the second 01:15", `{"zone": "America/New_York", "week": {"sun": "01:00-01:30"}}`, "2025-11-02T01:15:00-05:00", false},
		{"New York, the second 01:30 in 01:00-02:00", `{"zone": "America/New_York", "week": {"sun": "01:00-02:00"}}`, "2025-11-02T01:30:00-05:00", true},
		{"New York, the second 01:30 in a longer span", `{"zone": "America/New_York", "week": {"sun": "00:30-03:00"}}`, "2025-11-02T01:30:00-05:00", true},
		{"Madrid, just after the jump", madridNight, "2025-03-30T03:00:00+02:00", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := parse(t, c.sched)
			at := inst(t, c.at)
			assert.Equal(t, c.want, s.Open(at))
			want := time.Duration(0)
			if c.want {
				want = time.Nanosecond
			}
			assert.Equal(t, want, s.Between(at, at.Add(time.Nanosecond)), "Open(t) is Between(t, t+1ns) == 1ns")
		})
	}
}

func TestNextOpen(t *testing.T) {
	for _, c := range []struct{ name, sched, at, want string }{
		{"open: t itself", office, "2025-03-10T10:00:00.123+01:00", "2025-03-10T10:00:00.123+01:00"},
		{"at the closing", office, "2025-03-10T17:00:00+01:00", "2025-03-11T09:00:00+01:00"},
		{"Friday evening", office, "2025-03-07T18:00:00+01:00", "2025-03-10T09:00:00+01:00"},
		{"Christmas Eve afternoon", office, "2025-12-24T15:00:00+01:00", "2025-12-26T09:00:00+01:00"},
		{"before the launch Saturday", office, "2025-11-28T17:30:00+01:00", "2025-11-29T10:00:00+01:00"},
		{"after the launch, the closed Monday", office, "2025-11-29T14:00:00+01:00", "2025-12-02T09:00:00+01:00"},
		{"lunch", split, "2025-03-10T13:00:00+01:00", "2025-03-10T15:00:00+01:00"},
		{"Kolkata, from UTC", kolkata, "2025-03-10T00:00:00Z", "2025-03-10T09:30:00+05:30"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := parse(t, c.sched)
			at := inst(t, c.at)
			got := s.NextOpen(at)
			sameInstant(t, c.want, got, at)
			assert.True(t, s.Open(got))
			assert.Zero(t, s.Between(at, got))
		})
	}
}

// TestNilIsAlwaysOpen: a nil *Schedule is 24/7.
func TestNilIsAlwaysOpen(t *testing.T) {
	var s *hours.Schedule
	at := inst(t, "2025-03-08T03:00:00+01:00")
	assert.True(t, s.Open(at))
	assert.Equal(t, at, s.NextOpen(at))
	assert.Equal(t, at.Add(90*time.Minute), s.Add(at, 90*time.Minute))
	assert.Equal(t, at, s.Add(at, -time.Hour))
	assert.Equal(t, 36*time.Hour, s.Between(at, at.Add(36*time.Hour)))
	assert.Zero(t, s.Between(at, at.Add(-time.Hour)))
	assert.NoError(t, s.Validate())
}

func TestAddZeroOrNegative(t *testing.T) {
	s := parse(t, office)
	sat := inst(t, "2025-03-08T11:00:00+01:00")
	assert.Equal(t, sat, s.Add(sat, 0), "a closed t: zero business time is t itself")
	assert.Equal(t, sat, s.Add(sat, -time.Hour))
}

// TestLongHorizons checks Add over many years against weeks counted by
// calendar arithmetic.
func TestLongHorizons(t *testing.T) {
	s := parse(t, utcOffice)
	mon := inst(t, "2025-01-06T09:00:00Z")
	for _, weeks := range []int{1, 2, 52, 5200} {
		got := s.Add(mon, time.Duration(weeks)*40*time.Hour)
		want := mon.AddDate(0, 0, 7*(weeks-1)+4).Add(8 * time.Hour) // the Friday's closing
		assert.True(t, want.Equal(got), "%d weeks: want %s, got %s", weeks, want, got)
	}
	// The largest d: whole weeks of 40 hours, then what is left on the
	// days after.
	d := time.Duration(math.MaxInt64)
	weeks := int(d / (40 * time.Hour))
	left := d % (40 * time.Hour)
	want := mon.AddDate(0, 0, 7*weeks)
	for left > 8*time.Hour {
		want, left = want.AddDate(0, 0, 1), left-8*time.Hour
	}
	want = want.Add(left)
	got := s.Add(mon, d)
	assert.True(t, want.Equal(got), "want %s, got %s", want, got)
	assert.Equal(t, d, s.Between(mon, got))
}

// TestLongRunOfHolidays: ten thousand holidays in a row (the most Validate
// allows) are crossed.
func TestLongRunOfHolidays(t *testing.T) {
	s := parse(t, utcOffice)
	first := inst(t, "2026-01-01T00:00:00Z")
	for i := range 10000 {
		s.Holidays = append(s.Holidays, hours.Holiday{Date: hours.DateOf(first.AddDate(0, 0, i))})
	}
	require.NoError(t, s.Validate())
	after := first.AddDate(0, 0, 10000)
	for after.Weekday() == time.Saturday || after.Weekday() == time.Sunday {
		after = after.AddDate(0, 0, 1)
	}
	from := inst(t, "2025-12-31T16:00:00Z")
	got := s.Add(from, 2*time.Hour)
	want := after.Add(10 * time.Hour)
	assert.True(t, want.Equal(got), "want %s, got %s", want, got)
	assert.True(t, after.Add(9*time.Hour).Equal(s.NextOpen(from.Add(time.Hour))))
	assert.Equal(t, 2*time.Hour, s.Between(from, got))

	s.Holidays = append(s.Holidays, hours.Holiday{Date: hours.DateOf(first.AddDate(0, 0, 10000))})
	assertInvalid(t, s.Validate(), "holidays", "max_length")
}

// TestEndOfCalendar: the calendar ends with the year 9999.
func TestEndOfCalendar(t *testing.T) {
	s := parse(t, office)
	lastDays := inst(t, "9999-12-30T12:00:00+01:00")
	assert.Equal(t, hours.End, s.Add(lastDays, 1000*time.Hour).UTC())
	assert.Equal(t, hours.End, s.NextOpen(inst(t, "9999-12-31T18:00:00+01:00")).UTC())
	later := hours.End.Add(time.Hour)
	assert.Equal(t, later, s.Add(later, time.Hour), "a t after the end is returned as is")
	assert.Equal(t, later, s.NextOpen(later))
	assert.False(t, s.Open(later))
	assert.Zero(t, s.Between(later, later.Add(1000*time.Hour)))
	// 9999-12-30 is a Thursday: 12:00-17:00, then Friday's 8 hours.
	require.Equal(t, time.Thursday, lastDays.Weekday())
	assert.Equal(t, 13*time.Hour, s.Between(lastDays, later))
	before := inst(t, "0001-01-01T00:00:00Z").Add(-time.Hour)
	assert.Equal(t, s.Between(before, inst(t, "0001-01-08T00:00:00Z")), s.Between(inst(t, "0001-01-01T00:00:00Z"), inst(t, "0001-01-08T00:00:00Z")))
}

// TestBetweenSaturates: a span of time with more business time than a
// time.Duration holds gives the largest time.Duration.
func TestBetweenSaturates(t *testing.T) {
	s := parse(t, `{"zone": "UTC", "week": {"mon-sun": "00:00-24:00"}}`)
	assert.Equal(t, time.Duration(math.MaxInt64), s.Between(inst(t, "1000-01-01T00:00:00Z"), inst(t, "9000-01-01T00:00:00Z")))
}

// TestBetweenNearTheLargestDuration is the regression test for Between
// saturating a nanosecond early: it treated every result of 9,223,372,036
// whole seconds or more as too large, so Between(t, Add(t, MaxInt64-1))
// returned MaxInt64.
func TestBetweenNearTheLargestDuration(t *testing.T) {
	s := parse(t, `{"zone": "UTC", "week": {"mon-sun": "00:00-24:00"}}`)
	a := inst(t, "2025-01-01T00:00:00.9Z")
	for _, d := range []time.Duration{math.MaxInt64 - 1, math.MaxInt64 - 854775807, math.MaxInt64 - 2e9, math.MaxInt64} {
		assert.Equal(t, d, s.Between(a, a.Add(d)), "%d", int64(d))
	}
	assert.Equal(t, time.Duration(math.MaxInt64), s.Between(a, a.Add(math.MaxInt64).Add(time.Nanosecond)))
	assert.Equal(t, time.Duration(math.MaxInt64), s.Between(a, a.Add(math.MaxInt64).Add(time.Second)))
}

// TestAlwaysOpenInAZone: 00:00-24:00 every day is continuous time even
// across a change: Between is the time elapsed.
func TestAlwaysOpenInAZone(t *testing.T) {
	for _, zone := range []string{"Europe/Madrid", "America/New_York", "America/Santiago", "Australia/Lord_Howe", "Asia/Kolkata"} {
		s := parse(t, `{"zone": "`+zone+`", "week": {"mon-sun": "00:00-24:00"}}`)
		a, b := inst(t, "2020-01-01T00:00:00Z"), inst(t, "2026-01-01T00:00:00Z")
		assert.Equal(t, b.Sub(a), s.Between(a, b), zone)
		assert.True(t, b.Equal(s.Add(a, b.Sub(a))), zone)
	}
}

// TestAllocations: the methods do not allocate.
func TestAllocations(t *testing.T) {
	s := parse(t, office)
	a, b := inst(t, "2025-03-03T10:00:00+01:00"), inst(t, "2025-04-03T10:00:00+01:00")
	testbudget.NoAllocs(t, 100, func() { s.Add(a, 150*time.Hour) })
	testbudget.NoAllocs(t, 100, func() { s.Between(a, b) })
	testbudget.NoAllocs(t, 100, func() { s.Open(a) })
	testbudget.NoAllocs(t, 100, func() { s.NextOpen(b) })
}
