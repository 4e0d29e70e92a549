package recur_test

// Tests of WallTime and its resolution to instants on daylight-saving
// change days.

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cmkit/cmkit/calendar/recur"
)

func TestWallTime(t *testing.T) {
	for _, s := range []string{"2026-03-29T09:00:00", "2026-03-29T09:00", "2026-03-29 09:00", "20260329T090000"} {
		assert.Equal(t, recur.WallTime{Year: 2026, Month: 3, Day: 29, Hour: 9}, wall(t, s), s)
	}
	_, err := recur.ParseWallTime("29/03/2026 9:00")
	assertInvalid(t, err, "start", "format")
	madrid := zone(t, "Europe/Madrid")
	w := recur.WallTime{Year: 2026, Month: 3, Day: 29, Hour: 9}
	assert.Equal(t, "2026-03-29T09:00:00", w.String())
	assert.Equal(t, w, recur.WallTimeOf(w.In(madrid)))
	// Normalized like time.Date: March 32 is April 1.
	assert.Equal(t, "2026-04-01 09:00 +0200 = 07:00Z", stamp(recur.WallTime{Year: 2026, Month: 3, Day: 32, Hour: 9}.In(madrid)))
	assert.Equal(t, "2026-03-29 09:00 +0000 = 09:00Z", stamp(w.In(nil)))
}

// TestDSTGapAndFold checks the documented rules for wall times that do not
// exist (moved forward by the gap) or exist twice (the first instant).
func TestDSTGapAndFold(t *testing.T) {
	tests := []struct {
		name, zone, start string
		want              []string
	}{
		{"Madrid gap", "Europe/Madrid", "2026-03-28T02:30", []string{
			"2026-03-28 02:30 +0100 = 01:30Z", "2026-03-29 03:30 +0200 = 01:30Z", "2026-03-30 02:30 +0200 = 00:30Z"}},
		{"Madrid fold", "Europe/Madrid", "2026-10-24T02:30", []string{
			"2026-10-24 02:30 +0200 = 00:30Z", "2026-10-25 02:30 +0200 = 00:30Z", "2026-10-26 02:30 +0100 = 01:30Z"}},
		{"Warsaw gap", "Europe/Warsaw", "2026-03-28T02:30", []string{
			"2026-03-28 02:30 +0100 = 01:30Z", "2026-03-29 03:30 +0200 = 01:30Z", "2026-03-30 02:30 +0200 = 00:30Z"}},
		{"Warsaw fold", "Europe/Warsaw", "2026-10-24T02:30", []string{
			"2026-10-24 02:30 +0200 = 00:30Z", "2026-10-25 02:30 +0200 = 00:30Z", "2026-10-26 02:30 +0100 = 01:30Z"}},
		{"New York gap", "America/New_York", "2026-03-07T02:30", []string{
			"2026-03-07 02:30 -0500 = 07:30Z", "2026-03-08 03:30 -0400 = 07:30Z", "2026-03-09 02:30 -0400 = 06:30Z"}},
		{"Madrid gap merges two wall times", "Europe/Madrid", "2026-03-28T02:00;BYHOUR=2,3", []string{
			"2026-03-28 02:00 +0100 = 01:00Z", "2026-03-28 03:00 +0100 = 02:00Z", "2026-03-29 03:00 +0200 = 01:00Z",
			"2026-03-30 02:00 +0200 = 00:00Z", "2026-03-30 03:00 +0200 = 01:00Z"}},
		{"New York fold", "America/New_York", "2026-10-31T01:30", []string{
			"2026-10-31 01:30 -0400 = 05:30Z", "2026-11-01 01:30 -0400 = 05:30Z", "2026-11-02 01:30 -0500 = 06:30Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := zone(t, tt.zone)
			start, extra, _ := strings.Cut(tt.start, ";")
			rule := fmt.Sprintf("FREQ=DAILY;COUNT=%d", len(tt.want))
			if extra != "" {
				rule += ";" + extra
			}
			rec := &recur.Recurrence{Rule: mustRule(t, rule), Start: wall(t, start), Location: loc}
			got := collect(rec, winFrom, winTo, 10)
			assert.Equal(t, tt.want, got)
			if extra == "" {
				// WallTime.In follows the same rules for the change day itself.
				w := wall(t, start)
				w.Day++
				assert.Equal(t, tt.want[1], stamp(w.In(loc)))
			}
		})
	}
}
