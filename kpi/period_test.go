package kpi_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/kpi"
)

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func mustPeriod(t testing.TB, s string) kpi.Period {
	t.Helper()
	p, err := kpi.ParsePeriod(s)
	require.NoError(t, err)
	return p
}

// Each day, week, month and quarter of a date, hand-checked against a
// calendar, and the first day of each.
func TestPeriodOfDate(t *testing.T) {
	for _, tc := range []struct {
		y       int
		m       time.Month
		d       int
		kind    kpi.PeriodKind
		want    string
		firstOn string
	}{
		{2026, 3, 29, kpi.PeriodDay, "2026-03-29", "2026-03-29"},
		{2026, 3, 29, kpi.PeriodWeek, "2026-W13", "2026-03-23"},
		{2026, 3, 29, kpi.PeriodMonth, "2026-03", "2026-03-01"},
		{2026, 3, 29, kpi.PeriodQuarter, "2026-Q1", "2026-01-01"},
		{2026, 12, 31, kpi.PeriodQuarter, "2026-Q4", "2026-10-01"},
		// ISO week 53, and January days in the previous ISO year.
		{2020, 12, 28, kpi.PeriodWeek, "2020-W53", "2020-12-28"},
		{2021, 1, 3, kpi.PeriodWeek, "2020-W53", "2020-12-28"},
		{2021, 1, 4, kpi.PeriodWeek, "2021-W01", "2021-01-04"},
		{2027, 1, 1, kpi.PeriodWeek, "2026-W53", "2026-12-28"},
		{2022, 1, 1, kpi.PeriodWeek, "2021-W52", "2021-12-27"},
		// December days in the next ISO year.
		{2025, 12, 31, kpi.PeriodWeek, "2026-W01", "2025-12-29"},
		{2024, 12, 30, kpi.PeriodWeek, "2025-W01", "2024-12-30"},
		// Normalized like time.Date.
		{2026, 2, 29, kpi.PeriodDay, "2026-03-01", "2026-03-01"},
		{2026, 0, 1, kpi.PeriodMonth, "2025-12", "2025-12-01"},
		{2024, 2, 29, kpi.PeriodDay, "2024-02-29", "2024-02-29"},
	} {
		p := kpi.PeriodOfDate(tc.kind, tc.y, tc.m, tc.d)
		assert.Equal(t, tc.want, p.String(), "%v of %d-%d-%d", tc.kind, tc.y, tc.m, tc.d)
		assert.Equal(t, tc.kind, p.Kind())
		y, m, d := p.Date()
		assert.Equal(t, tc.firstOn, time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly), "first day of %s", tc.want)
	}
	assert.True(t, kpi.PeriodOfDate(0, 2026, 1, 1).IsZero(), "unknown kind")
	assert.True(t, kpi.PeriodOfDate(kpi.PeriodDay, 10000, 1, 1).IsZero(), "year 10000")
	assert.True(t, kpi.PeriodOfDate(kpi.PeriodDay, 0, 12, 31).IsZero(), "year 0")
}

func TestPeriodISOWeek(t *testing.T) {
	y, w := mustPeriod(t, "2027-01-01").ISOWeek()
	assert.Equal(t, [2]int{2026, 53}, [2]int{y, w})
	y, w = mustPeriod(t, "2025-12-29").ISOWeek()
	assert.Equal(t, [2]int{2026, 1}, [2]int{y, w})
}

// A day is 23 hours on the spring change and 25 on the autumn one; the
// weeks, months and quarters around them lose or gain that hour.
func TestPeriodAcrossDST(t *testing.T) {
	for _, tc := range []struct {
		zone   string
		period string
		hours  float64
		start  string // in the zone
	}{
		{"Europe/Madrid", "2026-03-29", 23, "2026-03-29T00:00:00+01:00"},
		{"Europe/Madrid", "2026-03-30", 24, "2026-03-30T00:00:00+02:00"},
		{"Europe/Madrid", "2026-10-25", 25, "2026-10-25T00:00:00+02:00"},
		{"Europe/Madrid", "2026-W13", 7*24 - 1, "2026-03-23T00:00:00+01:00"},
		{"Europe/Madrid", "2026-03", 31*24 - 1, "2026-03-01T00:00:00+01:00"},
		{"Europe/Madrid", "2026-Q4", 92*24 + 1, "2026-10-01T00:00:00+02:00"},
		{"Europe/Warsaw", "2026-03-29", 23, "2026-03-29T00:00:00+01:00"},
		{"Europe/Warsaw", "2026-W43", 7*24 + 1, "2026-10-19T00:00:00+02:00"},
		{"America/New_York", "2026-03-08", 23, "2026-03-08T00:00:00-05:00"},
		{"America/New_York", "2026-11-01", 25, "2026-11-01T00:00:00-04:00"},
		{"America/New_York", "2026-W10", 7*24 - 1, "2026-03-02T00:00:00-05:00"},
		// Clocks that skip midnight: the day starts at 01:00.
		{"America/Havana", "2026-03-08", 23, "2026-03-08T01:00:00-04:00"},
		{"America/Havana", "2026-03-07", 24, "2026-03-07T00:00:00-05:00"},
		{"America/Havana", "2026-03", 31*24 - 1, "2026-03-01T00:00:00-05:00"},
		{"America/Santiago", "2026-09-06", 23, "2026-09-06T01:00:00-03:00"},
		{"America/Santiago", "2026-09-05", 24, "2026-09-05T00:00:00-04:00"},
	} {
		loc := mustZone(t, tc.zone)
		p := mustPeriod(t, tc.period)
		assert.Equal(t, tc.start, p.Start(loc).Format(time.RFC3339), "%s in %s", tc.period, tc.zone)
		assert.Equal(t, tc.hours, p.End(loc).Sub(p.Start(loc)).Hours(), "%s in %s", tc.period, tc.zone)
		// The period of its first and last instants is itself.
		assert.Equal(t, p, kpi.PeriodOf(p.Kind(), p.Start(loc), loc))
		assert.Equal(t, p, kpi.PeriodOf(p.Kind(), p.End(loc).Add(-time.Nanosecond), loc))
		assert.Equal(t, p.Next(), kpi.PeriodOf(p.Kind(), p.End(loc), loc))
	}
	// 23:30 UTC on 2026-03-28 is 00:30 in Madrid on the 29th.
	madrid := mustZone(t, "Europe/Madrid")
	at := time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC)
	assert.Equal(t, "2026-03-29", kpi.PeriodOf(kpi.PeriodDay, at, madrid).String())
	assert.Equal(t, "2026-03-28", kpi.PeriodOf(kpi.PeriodDay, at, nil).String(), "nil is UTC")
	assert.Equal(t, time.UTC, mustPeriod(t, "2026-03-28").Start(nil).Location())
}

func TestPeriodNextPrevDays(t *testing.T) {
	for _, tc := range []struct {
		p, next, prev string
		days          int
	}{
		{"2026-12-31", "2027-01-01", "2026-12-30", 1},
		{"2024-02-28", "2024-02-29", "2024-02-27", 1},
		{"2020-W53", "2021-W01", "2020-W52", 7},
		{"2021-W01", "2021-W02", "2020-W53", 7},
		{"2026-W53", "2027-W01", "2026-W52", 7},
		{"2026-12", "2027-01", "2026-11", 31},
		{"2024-02", "2024-03", "2024-01", 29},
		{"2026-Q1", "2026-Q2", "2025-Q4", 90},
		{"2026-Q4", "2027-Q1", "2026-Q3", 92},
	} {
		p := mustPeriod(t, tc.p)
		assert.Equal(t, tc.next, p.Next().String(), "after %s", tc.p)
		assert.Equal(t, tc.prev, p.Prev().String(), "before %s", tc.p)
		assert.Equal(t, tc.days, p.Days(), "days of %s", tc.p)
		assert.Equal(t, p, p.Next().Prev())
	}
	assert.True(t, mustPeriod(t, "9999-12-31").Next().IsZero())
	assert.True(t, mustPeriod(t, "0001-01-01").Prev().IsZero())
	assert.True(t, kpi.Period{}.Next().IsZero())
	assert.Equal(t, 0, kpi.Period{}.Days())
	w := mustPeriod(t, "2020-W53")
	assert.True(t, w.Contains(mustPeriod(t, "2021-01-03")))
	assert.False(t, w.Contains(mustPeriod(t, "2021-01-04")))
	assert.False(t, w.Contains(mustPeriod(t, "2021-01")), "only days")
}

func TestParsePeriodRejects(t *testing.T) {
	for _, s := range []string{
		"", "2026", "2026-", "2026-3", "2026-03-1", "2026-13", "2026-00", "2026-02-29", "2026-04-31",
		"2021-W53", "2026-W00", "2026-W54", "2026-W1", "2026-w01", "2026-Q0", "2026-Q5", "2026-q1",
		"0000-01-01", "0000-W52", "+026-01", "2026-01 ", " 2026-01", "2026-01-01T00:00", "2026/01/01", "２０２６-01",
	} {
		_, err := kpi.ParsePeriod(s)
		assert.ErrorIs(t, err, cmkit.ErrInvalid, "%q", s)
	}
}

func TestPeriodJSON(t *testing.T) {
	v := struct {
		P []kpi.Period `json:"p"`
	}{[]kpi.Period{mustPeriod(t, "2026-W53"), mustPeriod(t, "2026-Q1"), mustPeriod(t, "2026-03"), mustPeriod(t, "2026-03-29")}}
	b, err := json.Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, `{"p":["2026-W53","2026-Q1","2026-03","2026-03-29"]}`, string(b))
	var back struct {
		P []kpi.Period `json:"p"`
	}
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, v.P, back.P)
	_, err = json.Marshal(kpi.Period{})
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	p := mustPeriod(t, "2026-01")
	assert.ErrorIs(t, p.UnmarshalText([]byte("2026-13")), cmkit.ErrInvalid)
	assert.Equal(t, "2026-01", p.String(), "unchanged")
	assert.Equal(t, "week", kpi.PeriodWeek.String())
	assert.Equal(t, "PeriodKind(9)", kpi.PeriodKind(9).String())
}

// Every string ParsePeriod accepts is the canonical form of the period
// it returns.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-03-29", "2026-W53", "2026-03", "2026-Q1", "2021-W53", "0001-W01", "9999-12-31", "2026-02-29"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := kpi.ParsePeriod(s)
		if err != nil {
			return
		}
		if p.String() != s {
			t.Fatalf("%q parses to %v, written %q", s, p, p.String())
		}
		y, m, d := p.Date()
		if q := kpi.PeriodOfDate(p.Kind(), y, m, d); q != p {
			t.Fatalf("%q: the period of its first day is %v", s, q)
		}
		if p.Days() < 1 || p.Days() > 92 {
			t.Fatalf("%q spans %d days", s, p.Days())
		}
	})
}

func TestPeriodKindText(t *testing.T) {
	for _, k := range []kpi.PeriodKind{0, kpi.PeriodDay, kpi.PeriodWeek, kpi.PeriodMonth, kpi.PeriodQuarter} {
		b, err := k.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back kpi.PeriodKind = kpi.PeriodDay
		if err := back.UnmarshalText(b); err != nil || back != k {
			t.Errorf("%v: %q reads back as %v, %v", k, b, back, err)
		}
	}
	k := kpi.PeriodWeek
	if err := k.UnmarshalText([]byte("year")); !errors.Is(err, cmkit.ErrInvalid) || k != kpi.PeriodWeek {
		t.Errorf("year: %v, kind %v; want ErrInvalid and the kind unchanged", err, k)
	}
	if _, err := kpi.PeriodKind(9).MarshalText(); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("PeriodKind(9): %v, want ErrInvalid", err)
	}
}
