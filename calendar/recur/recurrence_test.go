package recur_test

// Tests of Recurrence: expansion, windows, EXDATEs and overrides, JSON.

import (
	"encoding/json"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar/recur"
	"github.com/cmkit/cmkit/internal/testbudget"
)

// TestDSTWallClock checks that a 09:00 plan stays at 09:00 local time on both
// sides of each daylight-saving change, in three zones, spring and autumn.
func TestDSTWallClock(t *testing.T) {
	tests := []struct {
		zone, start string
		want        []string
	}{
		{"Europe/Madrid", "2026-03-28T09:00", []string{
			"2026-03-28 09:00 +0100 = 08:00Z", "2026-03-29 09:00 +0200 = 07:00Z", "2026-03-30 09:00 +0200 = 07:00Z"}},
		{"Europe/Madrid", "2026-10-24T09:00", []string{
			"2026-10-24 09:00 +0200 = 07:00Z", "2026-10-25 09:00 +0100 = 08:00Z", "2026-10-26 09:00 +0100 = 08:00Z"}},
		{"Europe/Warsaw", "2026-03-28T09:00", []string{
			"2026-03-28 09:00 +0100 = 08:00Z", "2026-03-29 09:00 +0200 = 07:00Z", "2026-03-30 09:00 +0200 = 07:00Z"}},
		{"Europe/Warsaw", "2026-10-24T09:00", []string{
			"2026-10-24 09:00 +0200 = 07:00Z", "2026-10-25 09:00 +0100 = 08:00Z", "2026-10-26 09:00 +0100 = 08:00Z"}},
		{"America/New_York", "2026-03-07T09:00", []string{
			"2026-03-07 09:00 -0500 = 14:00Z", "2026-03-08 09:00 -0400 = 13:00Z", "2026-03-09 09:00 -0400 = 13:00Z"}},
		{"America/New_York", "2026-10-31T09:00", []string{
			"2026-10-31 09:00 -0400 = 13:00Z", "2026-11-01 09:00 -0500 = 14:00Z", "2026-11-02 09:00 -0500 = 14:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.zone+"/"+tt.start, func(t *testing.T) {
			rec := &recur.Recurrence{Rule: mustRule(t, "FREQ=DAILY;COUNT=3"), Start: wall(t, tt.start), Location: zone(t, tt.zone)}
			assert.Equal(t, tt.want, collect(rec, winFrom, winTo, 10))
		})
	}
}

func TestRuleExpansion(t *testing.T) {
	ny := "America/New_York"
	tests := []struct {
		name, rule, zone, start string
		exdates                 []string // wall times in the zone
		want                    []string // wall dates and times, "2006-01-02 15:04"
	}{
		{name: "last friday of the month", rule: "FREQ=MONTHLY;BYDAY=-1FR;COUNT=7", zone: "Europe/Madrid", start: "2026-01-30T10:00",
			want: []string{"2026-01-30 10:00", "2026-02-27 10:00", "2026-03-27 10:00", "2026-04-24 10:00", "2026-05-29 10:00", "2026-06-26 10:00", "2026-07-31 10:00"}},
		{name: "second monday", rule: "FREQ=MONTHLY;BYDAY=2MO;COUNT=3", zone: "Europe/Warsaw", start: "2026-01-12T12:00",
			want: []string{"2026-01-12 12:00", "2026-02-09 12:00", "2026-03-09 12:00"}},
		{name: "last weekday of the month", rule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=6", zone: "Europe/Madrid", start: "2026-01-30T17:00",
			want: []string{"2026-01-30 17:00", "2026-02-27 17:00", "2026-03-31 17:00", "2026-04-30 17:00", "2026-05-29 17:00", "2026-06-30 17:00"}},
		{name: "RFC: second-to-last weekday", rule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2;COUNT=7", zone: ny, start: "1997-09-29T09:00",
			want: []string{"1997-09-29 09:00", "1997-10-30 09:00", "1997-11-27 09:00", "1997-12-30 09:00", "1998-01-29 09:00", "1998-02-26 09:00", "1998-03-30 09:00"}},
		{name: "RFC: every other week on tuesday and sunday, WKST=MO", rule: "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", zone: ny, start: "1997-08-05T09:00",
			want: []string{"1997-08-05 09:00", "1997-08-10 09:00", "1997-08-19 09:00", "1997-08-24 09:00"}},
		{name: "RFC: same with WKST=SU", rule: "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", zone: ny, start: "1997-08-05T09:00",
			want: []string{"1997-08-05 09:00", "1997-08-17 09:00", "1997-08-19 09:00", "1997-08-31 09:00"}},
		{name: "RFC: US election day", rule: "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8;COUNT=3", zone: ny, start: "1996-11-05T09:00",
			want: []string{"1996-11-05 09:00", "2000-11-07 09:00", "2004-11-02 09:00"}},
		{name: "RFC: friday 13th, start excluded by EXDATE", rule: "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=6", zone: ny, start: "1997-09-02T09:00",
			exdates: []string{"1997-09-02T09:00"},
			want:    []string{"1998-02-13 09:00", "1998-03-13 09:00", "1998-11-13 09:00", "1999-08-13 09:00", "2000-10-13 09:00"}},
		{name: "weekly COUNT", rule: "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5", zone: "Europe/Warsaw", start: "2026-01-05T08:15",
			want: []string{"2026-01-05 08:15", "2026-01-07 08:15", "2026-01-12 08:15", "2026-01-14 08:15", "2026-01-19 08:15"}},
		{name: "COUNT counts EXDATEs", rule: "FREQ=DAILY;COUNT=4", zone: "Europe/Madrid", start: "2026-05-01T09:00",
			exdates: []string{"2026-05-02T09:00"},
			want:    []string{"2026-05-01 09:00", "2026-05-03 09:00", "2026-05-04 09:00"}},
		{name: "UNTIL date-time is inclusive", rule: "FREQ=DAILY;UNTIL=20260104T080000Z", zone: "Europe/Madrid", start: "2026-01-01T09:00",
			want: []string{"2026-01-01 09:00", "2026-01-02 09:00", "2026-01-03 09:00", "2026-01-04 09:00"}},
		{name: "UNTIL date-time before the last one", rule: "FREQ=DAILY;UNTIL=20260104T075959Z", zone: "Europe/Madrid", start: "2026-01-01T09:00",
			want: []string{"2026-01-01 09:00", "2026-01-02 09:00", "2026-01-03 09:00"}},
		{name: "UNTIL date is a local date", rule: "FREQ=DAILY;BYHOUR=9,23;UNTIL=20260102", zone: ny, start: "2026-01-01T09:00",
			want: []string{"2026-01-01 09:00", "2026-01-01 23:00", "2026-01-02 09:00", "2026-01-02 23:00"}},
		{name: "february 29 skips common years", rule: "FREQ=YEARLY;COUNT=3", zone: "Europe/Madrid", start: "2024-02-29T09:00",
			want: []string{"2024-02-29 09:00", "2028-02-29 09:00", "2032-02-29 09:00"}},
		{name: "day 31 skips short months", rule: "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=5", zone: "Europe/Madrid", start: "2026-01-31T09:00",
			want: []string{"2026-01-31 09:00", "2026-03-31 09:00", "2026-05-31 09:00", "2026-07-31 09:00", "2026-08-31 09:00"}},
		{name: "last day of the month, leap february", rule: "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4", zone: "Europe/Warsaw", start: "2028-01-31T18:00",
			want: []string{"2028-01-31 18:00", "2028-02-29 18:00", "2028-03-31 18:00", "2028-04-30 18:00"}},
		{name: "monthly from the 31st without BYMONTHDAY", rule: "FREQ=MONTHLY;COUNT=3", zone: "Europe/Madrid", start: "2026-08-31T09:00",
			want: []string{"2026-08-31 09:00", "2026-10-31 09:00", "2026-12-31 09:00"}},
		{name: "yearly last sunday of march", rule: "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU;COUNT=3", zone: "Europe/Madrid", start: "2026-03-29T12:00",
			want: []string{"2026-03-29 12:00", "2027-03-28 12:00", "2028-03-26 12:00"}},
		{name: "yearly 20th monday of the year", rule: "FREQ=YEARLY;BYDAY=20MO;COUNT=3", zone: ny, start: "1997-05-19T09:00",
			want: []string{"1997-05-19 09:00", "1998-05-18 09:00", "1999-05-17 09:00"}},
		{name: "hours and minutes", rule: "FREQ=DAILY;BYHOUR=9,13;BYMINUTE=0,30;COUNT=5", zone: "Europe/Madrid", start: "2026-06-01T09:00",
			want: []string{"2026-06-01 09:00", "2026-06-01 09:30", "2026-06-01 13:00", "2026-06-01 13:30", "2026-06-02 09:00"}},
		{name: "daily limited by BYDAY and BYMONTH", rule: "FREQ=DAILY;BYMONTH=1;BYDAY=SA,SU;COUNT=4", zone: "Europe/Madrid", start: "2026-01-03T11:00",
			want: []string{"2026-01-03 11:00", "2026-01-04 11:00", "2026-01-10 11:00", "2026-01-11 11:00"}},
		{name: "daily limited by BYMONTHDAY", rule: "FREQ=DAILY;BYMONTHDAY=1,-1;COUNT=4", zone: "Europe/Warsaw", start: "2028-01-31T07:00",
			want: []string{"2028-01-31 07:00", "2028-02-01 07:00", "2028-02-29 07:00", "2028-03-01 07:00"}},
		{name: "weekly limited by BYMONTH", rule: "FREQ=WEEKLY;BYMONTH=1;BYDAY=MO;COUNT=5", zone: "Europe/Warsaw", start: "2026-01-26T07:00",
			want: []string{"2026-01-26 07:00", "2027-01-04 07:00", "2027-01-11 07:00", "2027-01-18 07:00", "2027-01-25 07:00"}},
		{name: "every other day", rule: "FREQ=DAILY;INTERVAL=2;COUNT=3", zone: "Europe/Madrid", start: "2026-02-27T09:00",
			want: []string{"2026-02-27 09:00", "2026-03-01 09:00", "2026-03-03 09:00"}},
		{name: "start that does not match the rule is still first", rule: "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", zone: "Europe/Madrid", start: "2026-01-01T10:00",
			want: []string{"2026-01-01 10:00", "2026-01-30 10:00", "2026-02-27 10:00"}},
		{name: "yearly BYMONTHDAY without BYMONTH", rule: "FREQ=YEARLY;BYMONTHDAY=1;BYDAY=MO;COUNT=3", zone: "Europe/Madrid", start: "2024-01-01T09:00",
			want: []string{"2024-01-01 09:00", "2024-04-01 09:00", "2024-07-01 09:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := zone(t, tt.zone)
			rec := &recur.Recurrence{Rule: mustRule(t, tt.rule), Start: wall(t, tt.start), Location: loc}
			for _, x := range tt.exdates {
				rec.ExDates = append(rec.ExDates, wall(t, x).In(loc))
			}
			var got []string
			for o := range rec.Occurrences(winFrom, winTo) {
				got = append(got, o.At.Format("2006-01-02 15:04"))
				require.Less(t, len(got), 100, "runaway expansion")
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestWindows checks that expanding a window gives exactly the occurrences
// of the full expansion that fall in it, including rules that skip ahead.
func TestWindows(t *testing.T) {
	loc := zone(t, "Europe/Madrid")
	rules := []string{
		"FREQ=DAILY", "FREQ=DAILY;INTERVAL=3;BYHOUR=2,9", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR",
		"FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=-1,15",
		"FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU;BYHOUR=2;BYMINUTE=30", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20291231",
	}
	start := wall(t, "2024-02-29T02:30")
	full := func(rec *recur.Recurrence) []time.Time {
		var out []time.Time
		for o := range rec.Occurrences(winFrom, time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC)) {
			out = append(out, o.At)
		}
		return out
	}
	windows := [][2]time.Time{
		{time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC), time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC)},
		{time.Date(2027, 10, 31, 0, 0, 0, 1, time.UTC), time.Date(2028, 11, 1, 0, 0, 0, 0, time.UTC)},
		{time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)},
	}
	for _, s := range rules {
		rec := &recur.Recurrence{Rule: mustRule(t, s), Start: start, Location: loc}
		all := full(rec)
		require.True(t, slices.IsSortedFunc(all, time.Time.Compare), s)
		for _, w := range windows {
			var want, got []time.Time
			for _, x := range all {
				if !x.Before(w[0]) && x.Before(w[1]) {
					want = append(want, x)
				}
			}
			for o := range rec.Occurrences(w[0], w[1]) {
				got = append(got, o.At)
			}
			assert.Equal(t, want, got, "%s in %v", s, w)
		}
	}
}

func TestOverrides(t *testing.T) {
	loc := zone(t, "Europe/Madrid")
	at := func(s string) time.Time { return wall(t, s).In(loc) }
	series := recur.Recurrence{Rule: mustRule(t, "FREQ=DAILY;COUNT=5"), Start: wall(t, "2026-03-27T09:00"), Location: loc}
	render := func(rec *recur.Recurrence, from, to time.Time) []string {
		var out []string
		for o := range rec.Occurrences(from, to) {
			s := o.At.Format("01-02 15:04")
			if !o.At.Equal(o.Original) {
				s += " (from " + o.Original.Format("01-02 15:04") + ")"
			}
			if o.Ref != "" {
				s += " " + o.Ref
			}
			out = append(out, s)
		}
		return out
	}
	before := render(&series, winFrom, winTo)
	require.Equal(t, []string{"03-27 09:00", "03-28 09:00", "03-29 09:00", "03-30 09:00", "03-31 09:00"}, before)

	tests := []struct {
		name      string
		overrides []recur.Override
		from, to  time.Time
		want      []string
	}{
		{"skip one", []recur.Override{{Original: at("2026-03-28T09:00"), Skip: true}}, winFrom, winTo,
			[]string{"03-27 09:00", "03-29 09:00", "03-30 09:00", "03-31 09:00"}},
		{"move one later, past others", []recur.Override{{Original: at("2026-03-28T09:00"), Moved: at("2026-03-30T12:00")}}, winFrom, winTo,
			[]string{"03-27 09:00", "03-29 09:00", "03-30 09:00", "03-30 12:00 (from 03-28 09:00)", "03-31 09:00"}},
		{"move one to the end", []recur.Override{{Original: at("2026-03-28T09:00"), Moved: at("2026-04-02T09:00")}}, winFrom, winTo,
			[]string{"03-27 09:00", "03-29 09:00", "03-30 09:00", "03-31 09:00", "04-02 09:00 (from 03-28 09:00)"}},
		{"move one earlier", []recur.Override{{Original: at("2026-03-31T09:00"), Moved: at("2026-03-27T08:00")}}, winFrom, winTo,
			[]string{"03-27 08:00 (from 03-31 09:00)", "03-27 09:00", "03-28 09:00", "03-29 09:00", "03-30 09:00"}},
		{"moved out of the window", []recur.Override{{Original: at("2026-03-29T09:00"), Moved: at("2026-04-10T09:00")}},
			at("2026-03-28T00:00"), at("2026-03-31T00:00"), []string{"03-28 09:00", "03-30 09:00"}},
		{"moved into the window", []recur.Override{{Original: at("2026-03-27T09:00"), Moved: at("2026-03-30T18:00")}},
			at("2026-03-30T00:00"), at("2026-04-01T00:00"), []string{"03-30 09:00", "03-30 18:00 (from 03-27 09:00)", "03-31 09:00"}},
		{"edit one", []recur.Override{{Original: at("2026-03-29T09:00"), Ref: "variant-b"}}, winFrom, winTo,
			[]string{"03-27 09:00", "03-28 09:00", "03-29 09:00 variant-b", "03-30 09:00", "03-31 09:00"}},
		{"override of no occurrence does nothing", []recur.Override{{Original: at("2026-03-28T10:00"), Moved: at("2026-03-29T10:00")}}, winFrom, winTo,
			before},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := series
			rec.Overrides = tt.overrides
			assert.Equal(t, tt.want, render(&rec, tt.from, tt.to))
			// The series itself is untouched.
			assert.Equal(t, before, render(&series, winFrom, winTo))
		})
	}

	t.Run("EXDATE wins over a move", func(t *testing.T) {
		rec := series
		rec.ExDates = []time.Time{at("2026-03-28T09:00")}
		rec.Overrides = []recur.Override{{Original: at("2026-03-28T09:00"), Moved: at("2026-03-28T12:00")}}
		assert.Equal(t, []string{"03-27 09:00", "03-29 09:00", "03-30 09:00", "03-31 09:00"}, render(&rec, winFrom, winTo))
	})
	t.Run("early break", func(t *testing.T) {
		n := 0
		for range series.Occurrences(winFrom, winTo) {
			n++
			break
		}
		assert.Equal(t, 1, n)
	})
	t.Run("concurrent readers", func(t *testing.T) {
		rec := series
		rec.Overrides = []recur.Override{{Original: at("2026-03-28T09:00"), Moved: at("2026-03-30T12:00")}}
		want := render(&rec, winFrom, winTo)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				assert.Equal(t, want, render(&rec, winFrom, winTo))
			}()
		}
		wg.Wait()
	})
	t.Run("contains", func(t *testing.T) {
		assert.True(t, series.Contains(at("2026-03-29T09:00")))
		assert.False(t, series.Contains(at("2026-03-29T09:01")))
		assert.False(t, series.Contains(at("2026-04-01T09:00")), "beyond COUNT")
	})
}

func TestRecurrenceValidate(t *testing.T) {
	loc := zone(t, "Europe/Madrid")
	at := wall(t, "2026-03-28T09:00").In(loc)
	good := recur.Recurrence{Rule: mustRule(t, "FREQ=DAILY"), Start: wall(t, "2026-03-28T09:00"), Location: loc}
	tests := []struct {
		name        string
		edit        func(r *recur.Recurrence)
		field, rule string
	}{
		{"no zone", func(r *recur.Recurrence) { r.Location = nil }, "tzid", "required"},
		{"no rule", func(r *recur.Recurrence) { r.Rule = recur.RRule{} }, "rrule.FREQ", "required"},
		{"bad start", func(r *recur.Recurrence) { r.Start.Day = 30; r.Start.Month = 2 }, "start", "range"},
		{"bad hour", func(r *recur.Recurrence) { r.Start.Hour = 24 }, "start", "range"},
		{"override without original", func(r *recur.Recurrence) { r.Overrides = []recur.Override{{Skip: true}} }, "overrides[0].original", "required"},
		{"skip and move", func(r *recur.Recurrence) {
			r.Overrides = []recur.Override{{Original: at, Skip: true, Moved: at.Add(time.Hour)}}
		}, "overrides[0]", "conflict"},
		{"two overrides", func(r *recur.Recurrence) {
			r.Overrides = []recur.Override{{Original: at, Skip: true}, {Original: at, Ref: "x"}}
		}, "overrides[1].original", "duplicate"},
		{"rule built in code", func(r *recur.Recurrence) { r.Rule.ByHour = []int{25} }, "rrule.BYHOUR", "range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.edit(&r)
			err := r.Validate()
			assertInvalid(t, err, tt.field, tt.rule)
			for range r.Occurrences(winFrom, winTo) {
				t.Fatal("an invalid recurrence yields nothing")
			}
		})
	}
	require.NoError(t, good.Validate())
}

func TestRecurrenceJSON(t *testing.T) {
	loc := zone(t, "Europe/Warsaw")
	rec := recur.Recurrence{
		Rule: mustRule(t, "FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9"), Start: wall(t, "2026-03-23T09:00"), Location: loc,
		ExDates:   []time.Time{wall(t, "2026-03-26T09:00").In(loc)},
		Overrides: []recur.Override{{Original: wall(t, "2026-03-30T09:00").In(loc), Moved: wall(t, "2026-03-30T11:00").In(loc), Ref: "late"}},
	}
	data, err := json.Marshal(rec)
	require.NoError(t, err)
	assert.Contains(t, string(data), `"rrule":"FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9","start":"2026-03-23T09:00:00","tzid":"Europe/Warsaw"`)
	var back recur.Recurrence
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, collect(&rec, winFrom, winTo, 20), collect(&back, winFrom, winTo, 20))
	assert.Equal(t, "Europe/Warsaw", back.Location.String())

	for _, bad := range []string{
		`{"rrule":"FREQ=DAILY","start":"2026-03-23T09:00:00","tzid":"Mars/Olympus"}`,
		`{"rrule":"FREQ=DAILY","start":"2026-03-23T09:00:00"}`,
		`{"rrule":"FREQ=DAILY","start":"2026-02-30T09:00:00","tzid":"UTC"}`,
		`{"rrule":"FREQ=SOMETIMES","start":"2026-03-23T09:00:00","tzid":"UTC"}`,
	} {
		var r recur.Recurrence
		assert.ErrorIs(t, json.Unmarshal([]byte(bad), &r), cmkit.ErrInvalid, bad)
	}
}

// BenchmarkExpandDaily expands one year of a weekday 09:00 rule in
// Europe/Madrid (both daylight-saving changes included), consuming every
// occurrence.
func BenchmarkExpandDaily(b *testing.B) {
	loc := zone(b, "Europe/Madrid")
	rec := &recur.Recurrence{
		Rule:     mustRule(b, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=9;BYMINUTE=0"),
		Start:    recur.WallTime{Year: 2026, Month: 1, Day: 1, Hour: 9},
		Location: loc,
	}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	to := from.AddDate(1, 0, 0)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for range rec.Occurrences(from, to) {
			n++
		}
		if n != 261 {
			b.Fatalf("got %d occurrences, want 261", n)
		}
	}
}

func FuzzRecurrenceJSON(f *testing.F) {
	f.Add(`{"rrule":"FREQ=WEEKLY;BYDAY=MO,TH;BYHOUR=9","start":"2026-03-23T09:00:00","tzid":"Europe/Warsaw",
		"exdates":["2026-03-26T09:00:00+01:00"],
		"overrides":[{"original":"2026-03-30T09:00:00+02:00","moved":"2026-03-30T11:00:00+02:00","ref":"late"}]}`)
	f.Add(`{"rrule":"FREQ=YEARLY;COUNT=3","start":"2024-02-29T02:30:00","tzid":"America/New_York"}`)
	f.Add(`{"rrule":"FREQ=DAILY","start":"9999-12-31T23:59:59","tzid":"UTC","overrides":[{"original":"0001-01-01T00:00:01Z","skip":true}]}`)
	f.Add(manyOverridesJSON(50))
	f.Add(`{"rrule":"FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=2","start":"0001-01-01T00:00:00","tzid":"UTC",
		"overrides":[{"original":"9999-02-28T00:00:00Z","moved":"2026-06-01T00:00:00Z"}]}`)
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data string) {
		defer testbudget.CheckFuzz(t, time.Now(), data)
		r, ok := jsonRoundTrip[recur.Recurrence](t, data)
		if !ok {
			return
		}
		n := 0
		for range r.Occurrences(from, from.AddDate(3, 0, 0)) {
			if n++; n == 200 {
				break
			}
		}
	})
}

// Several moved occurrences of one COUNT series are checked together (in
// one pass from the start): each real one moves, and overrides of instants
// the series does not give (past COUNT, off its time, removed by an
// EXDATE) do nothing, whatever their order in the list.
func TestManyMovedOccurrencesOfCountSeries(t *testing.T) {
	at := func(s string) time.Time { return wall(t, s).In(time.UTC) }
	for _, rule := range []string{"FREQ=DAILY;COUNT=5", "FREQ=DAILY;UNTIL=20260331T090000Z"} {
		t.Run(rule, func(t *testing.T) {
			rec := recur.Recurrence{Rule: mustRule(t, rule), Start: wall(t, "2026-03-27T09:00"), Location: time.UTC,
				ExDates: []time.Time{at("2026-03-29T09:00")},
				Overrides: []recur.Override{
					{Original: at("2026-04-01T09:00"), Moved: at("2026-03-27T07:00")}, // past COUNT
					{Original: at("2026-03-31T09:00"), Moved: at("2026-03-27T08:00"), Ref: "last"},
					{Original: at("2026-03-29T09:00"), Moved: at("2026-03-27T10:00")}, // EXDATE
					{Original: at("2026-03-28T10:00"), Moved: at("2026-03-27T11:00")}, // off the time
					{Original: at("2026-03-28T09:00"), Moved: at("2026-03-27T08:00"), Ref: "second"},
				}}
			assert.Equal(t, []string{
				"2026-03-27 08:00 +0000 = 08:00Z", "2026-03-27 08:00 +0000 = 08:00Z",
				"2026-03-27 09:00 +0000 = 09:00Z", "2026-03-30 09:00 +0000 = 09:00Z",
			}, collect(&rec, winFrom, winTo, 10))
			var refs []string
			for o := range rec.Occurrences(winFrom, winTo) {
				refs = append(refs, o.Ref)
			}
			assert.Equal(t, []string{"second", "last", "", ""}, refs, "same instant: in the order of the originals")
		})
	}
}

// Lists are bounded: a BYxxx part of more than MaxRuleValues values, and a
// recurrence with more than MaxExDates EXDATEs or MaxOverrides overrides,
// are refused with the field and "max_length", on parse and on Validate.
func TestRecurrenceSizeLimits(t *testing.T) {
	_, err := recur.ParseRRule(longByDay(recur.MaxRuleValues))
	require.NoError(t, err)
	_, err = recur.ParseRRule(longByDay(recur.MaxRuleValues + 1))
	assertInvalid(t, err, "rrule.BYDAY", "max_length")
	r := mustRule(t, "FREQ=DAILY")
	r.ByHour = make([]int, recur.MaxRuleValues+1)
	assertInvalid(t, r.Validate(), "rrule.BYHOUR", "max_length")

	rec := recur.Recurrence{Rule: mustRule(t, "FREQ=DAILY"), Start: wall(t, "2026-01-01T09:00"), Location: time.UTC}
	for i := range recur.MaxOverrides + 1 {
		rec.Overrides = append(rec.Overrides, recur.Override{Original: time.Unix(int64(i+1), 0), Skip: true})
	}
	assertInvalid(t, rec.Validate(), "overrides", "max_length")
	rec.Overrides = rec.Overrides[:recur.MaxOverrides]
	require.NoError(t, rec.Validate())
	rec.ExDates = make([]time.Time, recur.MaxExDates+1)
	assertInvalid(t, rec.Validate(), "exdates", "max_length")

	data, err := json.Marshal(rec)
	require.NoError(t, err)
	var back recur.Recurrence
	assertInvalid(t, json.Unmarshal(data, &back), "exdates", "max_length")
	assert.Zero(t, back.Location, "nothing set on error")
}

// A DAILY rule with BYMONTH gives the days of its months, however far
// apart they are and whatever its INTERVAL: the same days as the rule
// without BYMONTH, kept when their month is listed.
func TestDailyByMonthKeepsTheDaysOfItsMonths(t *testing.T) {
	loc := zone(t, "Europe/Madrid")
	start := wall(t, "2026-01-01T09:00")
	for _, tc := range []struct {
		rule   string
		months []time.Month
	}{
		{"FREQ=DAILY;INTERVAL=3;UNTIL=20300101T000000Z", []time.Month{3, 11}},
		{"FREQ=DAILY;UNTIL=20300101T000000Z", []time.Month{2}},
		{"FREQ=DAILY;INTERVAL=40;UNTIL=20400101T000000Z", []time.Month{1, 6, 12}},
	} {
		all := recur.Recurrence{Rule: mustRule(t, tc.rule), Start: start, Location: loc}
		var want []string
		for i, s := range collect(&all, winFrom, winTo, 100_000) {
			m, _ := strconv.Atoi(s[5:7])
			if i == 0 || slices.Contains(tc.months, time.Month(m)) { // the start always counts
				want = append(want, s)
			}
		}
		rec := all
		rec.Rule.ByMonth = tc.months
		assert.Equal(t, want, collect(&rec, winFrom, winTo, 100_000), "%s with BYMONTH %v", tc.rule, tc.months)
	}
}

// A start in a daylight-saving gap comes first and once: wall times after
// it that resolve to an instant before it, or to the same instant, are not
// occurrences (RFC 5545: nothing precedes DTSTART).
func TestStartInDSTGapComesFirstOnce(t *testing.T) {
	loc := zone(t, "Europe/Madrid")
	rec := recur.Recurrence{Rule: mustRule(t, "FREQ=DAILY;BYHOUR=2,3;BYMINUTE=0,30;COUNT=5"),
		Start: wall(t, "2026-03-29T02:30"), Location: loc}
	assert.Equal(t, []string{
		"2026-03-29 03:30 +0200 = 01:30Z", // the start, moved forward by the gap
		"2026-03-30 02:00 +0200 = 00:00Z", "2026-03-30 02:30 +0200 = 00:30Z",
		"2026-03-30 03:00 +0200 = 01:00Z", "2026-03-30 03:30 +0200 = 01:30Z",
	}, collect(&rec, winFrom, winTo, 10))
}
