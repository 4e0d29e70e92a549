package recur_test

// Tests of RRule: parsing, printing, validation.

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar/recur"
	"github.com/cmkit/cmkit/internal/testbudget"
)

func TestParseRRule(t *testing.T) {
	wkstSU := time.Sunday
	tests := []struct {
		in   string
		want recur.RRule
		str  string // String(), when it differs from in
	}{
		{in: "FREQ=DAILY", want: recur.RRule{Freq: recur.Daily}},
		{in: "RRULE:freq=weekly;byday=mo,we;interval=2", want: recur.RRule{Freq: recur.Weekly, Interval: 2,
			ByDay: []recur.WeekdayNum{{Day: time.Monday}, {Day: time.Wednesday}}}, str: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE"},
		{in: "FREQ=MONTHLY;BYDAY=-1FR,+2MO", want: recur.RRule{Freq: recur.Monthly,
			ByDay: []recur.WeekdayNum{{N: -1, Day: time.Friday}, {N: 2, Day: time.Monday}}}, str: "FREQ=MONTHLY;BYDAY=-1FR,2MO"},
		{in: "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", want: recur.RRule{Freq: recur.Monthly, Count: 10, ByMonthDay: []int{1, -1}}},
		{in: "FREQ=YEARLY;UNTIL=20301231;BYMONTH=3,10;BYDAY=-1SU", want: recur.RRule{Freq: recur.Yearly,
			Until: time.Date(2030, 12, 31, 0, 0, 0, 0, time.UTC), UntilDate: true, ByMonth: []time.Month{3, 10},
			ByDay: []recur.WeekdayNum{{N: -1, Day: time.Sunday}}}},
		{in: "FREQ=DAILY;UNTIL=20261231T225959Z;BYHOUR=9,13;BYMINUTE=0,30", want: recur.RRule{Freq: recur.Daily,
			Until: time.Date(2026, 12, 31, 22, 59, 59, 0, time.UTC), ByHour: []int{9, 13}, ByMinute: []int{0, 30}}},
		{in: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;WKST=SU", want: recur.RRule{Freq: recur.Monthly,
			ByDay:    []recur.WeekdayNum{{Day: 1}, {Day: 2}, {Day: 3}, {Day: 4}, {Day: 5}},
			BySetPos: []int{-1}, WeekStart: &wkstSU}},
		{in: " FREQ=DAILY;INTERVAL=1; ", want: recur.RRule{Freq: recur.Daily, Interval: 1}, str: "FREQ=DAILY;INTERVAL=1"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := recur.ParseRRule(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			str := tt.str
			if str == "" {
				str = tt.in
			}
			assert.Equal(t, str, got.String())
			again, err := recur.ParseRRule(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, again)
		})
	}
}

func TestParseRRuleErrors(t *testing.T) {
	tests := []struct{ in, field, rule string }{
		{"", "rrule.FREQ", "required"},
		{"INTERVAL=2", "rrule.FREQ", "required"},
		{"FREQ=HOURLY", "rrule.FREQ", "unsupported"},
		{"FREQ=FORTNIGHTLY", "rrule.FREQ", "format"},
		{"FREQ=DAILY;FREQ=WEEKLY", "rrule.FREQ", "duplicate"},
		{"FREQ=DAILY;COLOR=RED", "rrule.COLOR", "unknown"},
		{"FREQ=DAILY;BYWEEKNO=20", "rrule.BYWEEKNO", "unsupported"},
		{"FREQ=DAILY;INTERVAL", "rrule", "format"},
		{"FREQ=DAILY;INTERVAL=", "rrule.INTERVAL", "format"},
		{"FREQ=DAILY;INTERVAL=0", "rrule.INTERVAL", "format"},
		{"FREQ=DAILY;INTERVAL=x", "rrule.INTERVAL", "format"},
		{"FREQ=DAILY;COUNT=-3", "rrule.COUNT", "format"},
		{"FREQ=DAILY;COUNT=3;UNTIL=20260101", "rrule.UNTIL", "conflict"},
		{"FREQ=DAILY;UNTIL=20260101T090000", "rrule.UNTIL", "format"},
		{"FREQ=DAILY;UNTIL=2026-01-01", "rrule.UNTIL", "format"},
		{"FREQ=DAILY;UNTIL=20261301", "rrule.UNTIL", "format"},
		{"FREQ=WEEKLY;BYDAY=XX", "rrule.BYDAY", "format"},
		{"FREQ=WEEKLY;BYDAY=MO,", "rrule.BYDAY", "format"},
		{"FREQ=WEEKLY;BYDAY=1MO", "rrule.BYDAY", "conflict"},
		{"FREQ=MONTHLY;BYDAY=6MO", "rrule.BYDAY", "range"},
		{"FREQ=MONTHLY;BYDAY=0MO", "rrule.BYDAY", "format"},
		{"FREQ=YEARLY;BYDAY=54MO", "rrule.BYDAY", "range"},
		{"FREQ=MONTHLY;BYMONTHDAY=0", "rrule.BYMONTHDAY", "range"},
		{"FREQ=MONTHLY;BYMONTHDAY=32", "rrule.BYMONTHDAY", "range"},
		{"FREQ=WEEKLY;BYMONTHDAY=1", "rrule.BYMONTHDAY", "conflict"},
		{"FREQ=YEARLY;BYMONTH=13", "rrule.BYMONTH", "range"},
		{"FREQ=DAILY;BYHOUR=24", "rrule.BYHOUR", "range"},
		{"FREQ=DAILY;BYMINUTE=60", "rrule.BYMINUTE", "range"},
		{"FREQ=DAILY;BYSETPOS=1", "rrule.BYSETPOS", "conflict"},
		{"FREQ=MONTHLY;BYDAY=MO;BYSETPOS=0", "rrule.BYSETPOS", "range"},
		{"FREQ=DAILY;WKST=XY", "rrule.WKST", "format"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := recur.ParseRRule(tt.in)
			assertInvalid(t, err, tt.field, tt.rule)
		})
	}
}

func FuzzParseRRule(f *testing.F) {
	for _, s := range []string{
		"FREQ=DAILY", "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0",
		"FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;COUNT=3", "FREQ=DAILY;UNTIL=20270101T000000Z",
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU", "FREQ=YEARLY;BYDAY=20MO;UNTIL=20300101",
		"FREQ=MONTHLY;BYMONTHDAY=-1,15;BYHOUR=2;BYMINUTE=30", "freq=daily;;count=2", longByDay(recur.MaxRuleValues),
		"FREQ=YEARLY;BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYMONTHDAY=" + intList(1, 31) + ";BYHOUR=" + intList(0, 23) + ";BYMINUTE=" + intList(0, 59),
	} {
		f.Add(s)
	}
	loc, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		f.Fatal(err)
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		defer testbudget.CheckFuzz(t, time.Now(), s)
		r, err := recur.ParseRRule(s)
		if err != nil {
			var ve *cmkit.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("ParseRRule(%q): error is not a *cmkit.ValidationError: %v", s, err)
			}
			return
		}
		str := r.String()
		again, err := recur.ParseRRule(str)
		if err != nil {
			t.Fatalf("ParseRRule(%q) ok, but its String %q fails: %v", s, str, err)
		}
		if again.String() != str || !reflect.DeepEqual(again, r) {
			t.Fatalf("round trip of %q: %#v != %#v", s, again, r)
		}
		rec := recur.Recurrence{Rule: r, Start: recur.WallTime{Year: 2026, Month: 3, Day: 29, Hour: 2, Minute: 30}, Location: loc}
		var last time.Time
		n := 0
		for o := range rec.Occurrences(from, to) {
			if o.At.Before(last) || o.At.Before(from) || !o.At.Before(to) {
				t.Fatalf("%q: occurrence %v out of order or window (after %v)", str, o.At, last)
			}
			last = o.At
			if n++; n == 300 {
				break
			}
		}
	})
}

// A rule's lists may repeat values; the repeats change nothing.
func TestRepeatedRuleValuesChangeNothing(t *testing.T) {
	start := wall(t, "2026-01-01T09:00")
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct{ repeated, distinct string }{
		{"FREQ=YEARLY;BYDAY=" + strings.TrimSuffix(strings.Repeat("TU,MO,", 40), ","), "FREQ=YEARLY;BYDAY=MO,TU"},
		{"FREQ=MONTHLY;BYDAY=-1FR,1MO,-1FR,1MO;BYHOUR=9,9,17;BYMINUTE=30,0,30", "FREQ=MONTHLY;BYDAY=1MO,-1FR;BYHOUR=9,17;BYMINUTE=0,30"},
		{"FREQ=MONTHLY;BYMONTHDAY=-1,1,-1,15,1;BYSETPOS=1,-1,1", "FREQ=MONTHLY;BYMONTHDAY=1,15,-1;BYSETPOS=1,-1"},
	} {
		rep := recur.Recurrence{Rule: mustRule(t, tc.repeated), Start: start, Location: time.UTC}
		dis := recur.Recurrence{Rule: mustRule(t, tc.distinct), Start: start, Location: time.UTC}
		want := collect(&dis, from, to, 1000)
		require.NotEmpty(t, want)
		assert.Equal(t, want, collect(&rep, from, to, 1000), tc.repeated)
	}
}
