package recur_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar/recur"
	"github.com/cmkit/cmkit/internal/testbudget"
)

func mustSlots(t testing.TB, s string) recur.Slots {
	t.Helper()
	p, err := recur.ParseSlots(s)
	require.NoError(t, err, s)
	return p
}

func stamps(ts []time.Time) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Format("Mon 01-02 15:04 -0700")
	}
	return out
}

func TestParseSlots(t *testing.T) {
	tests := []struct {
		in, want string
		n        int
	}{
		{"Mon–Fri 09:00 and 13:30, Sat 11:00, Europe/Warsaw", "Mon-Fri 09:00 13:30, Sat 11:00, Europe/Warsaw", 11},
		{"Europe/Madrid; weekends at 10:00", "Sat-Sun 10:00, Europe/Madrid", 2},
		{"monday, Wednesday 10:00 8:30 UTC", "Mon 08:30 10:00, Wed 08:30 10:00, UTC", 4},
		{"Fri - Mon 18:00 America/New_York", "Mon 18:00, Fri-Sun 18:00, America/New_York", 4},
		{"daily 9:05, Mon 9:05 Europe/Warsaw", "Mon-Sun 09:05, Europe/Warsaw", 7},
		{"weekdays 12:00 Sun 20:00 Europe/Madrid", "Mon-Fri 12:00, Sun 20:00, Europe/Madrid", 6},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s := mustSlots(t, tt.in)
			assert.Len(t, s.Times, tt.n)
			assert.Equal(t, tt.want, s.String())
			again := mustSlots(t, s.String())
			assert.Equal(t, s.Times, again.Times)
			assert.Equal(t, s.Location.String(), again.Location.String())
		})
	}
}

func TestParseSlotsErrors(t *testing.T) {
	tests := []struct{ in, rule string }{
		{"", "required"},
		{"Europe/Warsaw", "required"},
		{"Mon 09:00", "required"},
		{"09:00 Mon Europe/Warsaw", "format"},
		{"Mon Europe/Warsaw", "format"},
		{"Mon 09:00 Tue Europe/Warsaw", "format"},
		{"Mon 25:00 UTC", "format"},
		{"Mon 9 UTC", "format"},
		{"Mon 9:0 UTC", "format"},
		{"Mon +9:00 UTC", "format"},
		{"Funday 09:00 UTC", "format"},
		{"Mon-Funday 09:00 UTC", "format"},
		{"Mon 09:00 Mars/Olympus", "format"},
		{"Mon 09:00 ../../etc/passwd", "format"},
		{"Mon 09:00 UTC Europe/Madrid", "duplicate"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			_, err := recur.ParseSlots(tt.in)
			field := "slots"
			assertInvalid(t, err, field, tt.rule)
		})
	}
}

func TestSlotsValidate(t *testing.T) {
	loc := zone(t, "Europe/Warsaw")
	good := recur.Slots{Times: []recur.Slot{{Day: time.Monday, Hour: 9}}, Location: loc}
	require.NoError(t, good.Validate())
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, loc)
	tests := []struct {
		name, field string
		edit        func(*recur.Slots)
	}{
		{"no zone", "slots.tzid", func(s *recur.Slots) { s.Location = nil }},
		{"no times", "slots.times", func(s *recur.Slots) { s.Times = nil }},
		{"bad hour", "slots.times[0]", func(s *recur.Slots) { s.Times[0].Hour = 24 }},
		{"bad day", "slots.times[0]", func(s *recur.Slots) { s.Times[0].Day = 7 }},
		{"negative gap", "slots.min_gap", func(s *recur.Slots) { s.MinGap = -time.Minute }},
		{"empty blackout", "slots.blackouts[0]", func(s *recur.Slots) { s.Blackouts = []recur.Blackout{{Start: t0, End: t0}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good
			s.Times = slices.Clone(good.Times)
			tt.edit(&s)
			err := s.Validate()
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			_, ok := s.Next(t0, nil)
			assert.False(t, ok, "invalid slots have no free slot")
		})
	}
}

func TestSlotsNext(t *testing.T) {
	warsaw := zone(t, "Europe/Warsaw")
	at := func(s string) time.Time { return wall(t, s).In(warsaw) }
	plan := mustSlots(t, "Mon-Fri 09:00 13:30, Sat 11:00, Europe/Warsaw")
	withGap := plan
	withGap.MinGap = time.Hour
	withBlackout := plan
	withBlackout.Blackouts = []recur.Blackout{{Start: at("2026-12-24T00:00"), End: at("2026-12-27T00:00"), Reason: "Christmas"}}
	tests := []struct {
		name  string
		slots recur.Slots
		after string
		taken []string
		want  string
	}{
		{"later the same day", plan, "2026-03-23T10:00", nil, "Mon 03-23 13:30 +0100"},
		{"strictly after", plan, "2026-03-23T09:00", nil, "Mon 03-23 13:30 +0100"},
		{"friday afternoon to saturday", plan, "2026-03-27T14:00", nil, "Sat 03-28 11:00 +0100"},
		{"saturday to monday, summer time", plan, "2026-03-28T12:00", nil, "Mon 03-30 09:00 +0200"},
		{"taken slot", plan, "2026-03-23T08:00", []string{"2026-03-23T09:00"}, "Mon 03-23 13:30 +0100"},
		{"min gap around an unplanned post", withGap, "2026-03-23T08:00", []string{"2026-03-23T09:45", "2026-03-23T12:40"}, "Tue 03-24 09:00 +0100"},
		{"exactly the gap is fine", withGap, "2026-03-23T08:00", []string{"2026-03-23T08:00"}, "Mon 03-23 09:00 +0100"},
		{"blackout", withBlackout, "2026-12-23T14:00", nil, "Mon 12-28 09:00 +0100"},
		{"blackout end is exclusive", withBlackout, "2026-12-23T14:00", []string{"2026-12-28T09:00", "2026-12-28T13:30"}, "Tue 12-29 09:00 +0100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var taken []time.Time
			for _, s := range tt.taken {
				taken = append(taken, at(s))
			}
			got, ok := tt.slots.Next(at(tt.after), taken)
			require.True(t, ok)
			assert.Equal(t, tt.want, got.Format("Mon 01-02 15:04 -0700"))
			assert.Equal(t, warsaw, got.Location())
		})
	}

	assert.Equal(t, "Sat 11:00", plan.Times[len(plan.Times)-1].String())
	b, ok := withBlackout.BlackoutAt(at("2026-12-25T11:00"))
	assert.True(t, ok)
	assert.Equal(t, "Christmas", b.Reason)
	_, ok = withBlackout.BlackoutAt(at("2026-12-27T00:00"))
	assert.False(t, ok)

	// Allows checks any instant, slot or not, against gap and blackouts.
	taken := []time.Time{at("2026-03-23T12:00"), at("2026-03-23T09:45")}
	assert.True(t, withGap.Allows(at("2026-03-23T10:45"), taken))
	assert.False(t, withGap.Allows(at("2026-03-23T10:44"), taken))
	assert.False(t, withGap.Allows(at("2026-03-23T11:01"), taken))
	assert.False(t, plan.Allows(at("2026-03-23T12:00"), taken), "same instant")
	assert.True(t, plan.Allows(at("2026-03-23T12:01"), taken))
	assert.False(t, withBlackout.Allows(at("2026-12-26T11:00"), nil))

	forever := plan
	forever.Blackouts = []recur.Blackout{{Start: at("2026-01-01T00:00"), End: at("2040-01-01T00:00"), Reason: "embargo"}}
	_, ok = forever.Next(at("2026-03-01T00:00"), nil)
	assert.False(t, ok, "nothing free within the horizon")
}

// TestSlotsDST queues posts through daylight-saving weeks: slots stay at
// their wall-clock time, a slot time that does not exist moves forward by
// the gap, and one that exists twice is used once, at its first instant.
func TestSlotsDST(t *testing.T) {
	tests := []struct {
		plan, after string
		n           int
		want        []string
	}{
		{"Mon-Fri 09:00, Sun 02:30, Europe/Warsaw", "2026-03-26T12:00", 5, []string{
			"Fri 03-27 09:00 +0100", "Sun 03-29 03:30 +0200", "Mon 03-30 09:00 +0200", "Tue 03-31 09:00 +0200", "Wed 04-01 09:00 +0200"}},
		{"Mon-Fri 09:00, Sun 02:30, Europe/Madrid", "2026-10-22T12:00", 5, []string{
			"Fri 10-23 09:00 +0200", "Sun 10-25 02:30 +0200", "Mon 10-26 09:00 +0100", "Tue 10-27 09:00 +0100", "Wed 10-28 09:00 +0100"}},
		{"Sun 02:00 02:30 03:00 03:30 America/New_York", "2026-03-07T00:00", 4, []string{
			"Sun 03-08 03:00 -0400", "Sun 03-08 03:30 -0400", "Sun 03-15 02:00 -0400", "Sun 03-15 02:30 -0400"}},
		{"Sun 01:00 01:30 02:00, America/New_York", "2026-10-31T00:00", 4, []string{
			"Sun 11-01 01:00 -0400", "Sun 11-01 01:30 -0400", "Sun 11-01 02:00 -0500", "Sun 11-08 01:00 -0500"}},
	}
	for _, tt := range tests {
		t.Run(tt.plan, func(t *testing.T) {
			s := mustSlots(t, tt.plan)
			got := s.Queue(wall(t, tt.after).In(s.Location), nil, tt.n)
			assert.Equal(t, tt.want, stamps(got))
		})
	}
}

func TestSlotsQueue(t *testing.T) {
	s := mustSlots(t, "daily 09:00 09:30 10:00, Europe/Madrid")
	s.MinGap = 45 * time.Minute
	after := wall(t, "2026-06-01T00:00").In(s.Location)
	taken := []time.Time{wall(t, "2026-06-02T10:10").In(s.Location), wall(t, "2026-06-01T12:00").In(s.Location)}
	original := slices.Clone(taken)
	got := s.Queue(after, taken, 4)
	assert.Equal(t, []string{"Mon 06-01 09:00 +0200", "Mon 06-01 10:00 +0200", "Tue 06-02 09:00 +0200", "Wed 06-03 09:00 +0200"}, stamps(got))
	assert.Equal(t, original, taken, "taken is not modified")
	assert.Nil(t, s.Queue(after, nil, 0))
	first, ok := s.Next(after, taken)
	require.True(t, ok)
	assert.Equal(t, got[0], first)
}

func TestSlotsJSON(t *testing.T) {
	s := mustSlots(t, "Mon-Fri 09:00 13:30, Sat 11:00, Europe/Warsaw")
	s.MinGap = 90 * time.Minute
	s.Blackouts = []recur.Blackout{{
		Start: time.Date(2026, 12, 24, 0, 0, 0, 0, s.Location), End: time.Date(2026, 12, 27, 0, 0, 0, 0, s.Location), Reason: "Christmas"}}
	data, err := json.Marshal(s)
	require.NoError(t, err)
	assert.JSONEq(t, `{"slots":"Mon-Fri 09:00 13:30, Sat 11:00, Europe/Warsaw","min_gap":"1h30m0s",
		"blackouts":[{"start":"2026-12-24T00:00:00+01:00","end":"2026-12-27T00:00:00+01:00","reason":"Christmas"}]}`, string(data))
	var back recur.Slots
	require.NoError(t, json.Unmarshal(data, &back))
	assert.Equal(t, s.Times, back.Times)
	assert.Equal(t, s.MinGap, back.MinGap)
	assert.Equal(t, s.String(), back.String())
	require.Len(t, back.Blackouts, 1)
	assert.True(t, s.Blackouts[0].End.Equal(back.Blackouts[0].End))

	for _, bad := range []string{
		`{"slots":"Mon 09:00 UTC","min_gap":"soon"}`,
		`{"slots":"Mon 09:00 UTC","min_gap":"-1h"}`,
		`{"slots":"Mon 09:00"}`,
		`{"slots":"Mon 09:00 UTC","blackouts":[{"start":"2026-12-24T00:00:00Z","end":"2026-12-23T00:00:00Z"}]}`,
		`{"slots":42}`,
	} {
		var s recur.Slots
		assert.ErrorIs(t, json.Unmarshal([]byte(bad), &s), cmkit.ErrInvalid, bad)
	}
}

func FuzzParseSlots(f *testing.F) {
	for _, s := range []string{
		"Mon–Fri 09:00 and 13:30, Sat 11:00, Europe/Warsaw", "weekends 10:00 UTC", "Fri - Mon 18:00 America/New_York",
		"Mon, Wed 10:00 8:30 Europe/Madrid", "daily 02:30 Europe/Madrid", "Mon 09:00",
	} {
		f.Add(s)
	}
	after := time.Date(2026, 3, 25, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, text string) {
		defer testbudget.CheckFuzz(t, time.Now(), text)
		s, err := recur.ParseSlots(text)
		if err != nil {
			if _, ok := err.(*cmkit.ValidationError); !ok {
				t.Fatalf("ParseSlots(%q): error is not a *cmkit.ValidationError: %v", text, err)
			}
			return
		}
		str := s.String()
		again, err := recur.ParseSlots(str)
		if err != nil {
			t.Fatalf("ParseSlots(%q) ok, but its String %q fails: %v", text, str, err)
		}
		if !slices.Equal(again.Times, s.Times) || again.String() != str {
			t.Fatalf("round trip of %q: %q != %q", text, again.String(), str)
		}
		useFreeSlots(t, &s, after, []time.Time{after.Add(26 * time.Hour)})
	})
}

// useFreeSlots asks s for its next free slot and a queue of twenty, and
// checks that each is after after, in time order and allowed.
func useFreeSlots(t *testing.T, s *recur.Slots, after time.Time, taken []time.Time) {
	t.Helper()
	next, ok := s.Next(after, taken)
	queue := s.Queue(after, taken, 20)
	if ok != (len(queue) > 0) || (ok && !next.Equal(queue[0])) {
		t.Fatalf("%s: Next = %v, %v but Queue starts %v", s, next, ok, queue)
	}
	last := after
	for i, q := range queue {
		if !q.After(last) {
			t.Fatalf("%s: queue not increasing after %v: %v", s, last, q)
		}
		if !s.Allows(q, append(slices.Clone(taken), queue[:i]...)) {
			t.Fatalf("%s: queued %v, which Allows refuses", s, q)
		}
		last = q
	}
}

func FuzzSlotsJSON(f *testing.F) {
	f.Add(`{"slots":"Mon-Fri 09:00 13:30, Sat 11:00, Europe/Warsaw","min_gap":"1h30m0s",
		"blackouts":[{"start":"2026-12-24T00:00:00+01:00","end":"2026-12-27T00:00:00+01:00","reason":"Christmas"}]}`)
	f.Add(`{"slots":"daily 02:30 America/New_York","min_gap":"90m"}`)
	after := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	f.Add(`{"slots":"daily 09:00 UTC","min_gap":"1h","blackouts":[{"start":"2026-03-01T00:00:00Z","end":"2026-03-05T00:00:00Z"},` +
		`{"start":"2026-03-04T00:00:00Z","end":"2026-03-09T09:00:00Z"},{"start":"2026-03-09T09:00:00Z","end":"2026-03-10T09:00:01Z"}]}`)
	f.Add(`{"slots":"Sun 02:30 Europe/Madrid","min_gap":"8760h","blackouts":[{"start":"2026-03-01T00:00:00Z","end":"9999-01-01T00:00:00Z"}]}`)
	f.Fuzz(func(t *testing.T, data string) {
		defer testbudget.CheckFuzz(t, time.Now(), data)
		if s, ok := jsonRoundTrip[recur.Slots](t, data); ok {
			useFreeSlots(t, &s, after, []time.Time{after.Add(time.Hour), after.Add(49 * time.Hour)})
		}
	})
}

// Free steps over blackouts and gaps in one go; it must still give exactly
// the slots that a slot-by-slot search gives: each candidate in time order
// that comes after after and after the last one given, and that Allows
// accepts against taken and the slots already given. Plans are random but
// seeded: many slot times, overlapping, touching and unsorted blackouts,
// gaps that are not whole seconds, taken posts on and off the slots, and zones
// with daylight-saving changes.
func TestSlotsFreeMatchesSlotBySlotSearch(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	zones := []*time.Location{zone(t, "Europe/Madrid"), zone(t, "America/New_York"), time.UTC}
	gaps := []time.Duration{0, 30 * time.Minute, 90*time.Minute + 500*time.Millisecond, 26 * time.Hour, 9 * 24 * time.Hour}
	base := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	at := func(maxDays int) time.Time {
		return base.Add(time.Duration(rnd.Int64N(int64(maxDays) * int64(24*time.Hour))))
	}
	plans := 300
	if testbudget.Race {
		plans = 30
	}
	for i := range plans {
		s := recur.Slots{Location: zones[rnd.IntN(len(zones))], MinGap: gaps[rnd.IntN(len(gaps))]}
		for range 1 + rnd.IntN(40) {
			s.Times = append(s.Times, recur.Slot{Day: time.Weekday(rnd.IntN(7)), Hour: rnd.IntN(24), Minute: rnd.IntN(4) * 15})
		}
		// Instants on the slots' quarter hours half of the time.
		round := func(t time.Time) time.Time { return t.Truncate([]time.Duration{1, 15 * time.Minute}[rnd.IntN(2)]) }
		for range rnd.IntN(12) {
			start := round(at(250))
			end := round(start.Add(time.Duration(rnd.Int64N(int64(20 * 24 * time.Hour)))))
			if !end.After(start) {
				end = start.Add(time.Minute)
			}
			s.Blackouts = append(s.Blackouts, recur.Blackout{Start: start, End: end})
		}
		var taken []time.Time
		for range rnd.IntN(30) {
			taken = append(taken, round(at(250)))
		}
		after := at(30)
		want, end := queueSlotBySlot(&s, after, taken, 25, 400)
		got := slices.DeleteFunc(s.Queue(after, taken, 25), end.Before)
		require.Equal(t, stamps(want), stamps(got), "plan %d: %s, gap %s, blackouts %v, taken %v, after %v",
			i, s, s.MinGap, s.Blackouts, taken, after)
	}
}

// queueSlotBySlot is the reference for Queue: it tries every slot of the
// next days, in time order. It returns up to n slots and the last slot it
// tried.
func queueSlotBySlot(s *recur.Slots, after time.Time, taken []time.Time, n, days int) ([]time.Time, time.Time) {
	var cands []time.Time
	day := after.In(s.Location).AddDate(0, 0, -1)
	for range days {
		for _, sl := range s.Times {
			if sl.Day == day.Weekday() {
				w := recur.WallTime{Year: day.Year(), Month: day.Month(), Day: day.Day(), Hour: sl.Hour, Minute: sl.Minute}
				cands = append(cands, w.In(s.Location))
			}
		}
		day = day.AddDate(0, 0, 1)
	}
	slices.SortFunc(cands, time.Time.Compare)
	cands = slices.CompactFunc(cands, time.Time.Equal)
	var out []time.Time
	for _, c := range cands {
		if len(out) == n {
			break
		}
		if !c.After(after) || (len(out) > 0 && !c.After(out[len(out)-1])) {
			continue
		}
		if s.Allows(c, append(slices.Clone(taken), out...)) {
			out = append(out, c)
		}
	}
	return out, cands[len(cands)-1]
}

// Plans are bounded: more than MaxSlotTimes times or MaxBlackouts
// blackouts are refused with the list's field and "max_length".
func TestSlotsSizeLimits(t *testing.T) {
	var every strings.Builder
	every.WriteString("daily")
	for m := range 24 * 60 {
		fmt.Fprintf(&every, " %02d:%02d", m/60, m%60)
	}
	every.WriteString(" UTC")
	s := mustSlots(t, every.String())
	require.Len(t, s.Times, recur.MaxSlotTimes, "every minute of the week fits")
	s.Times = append(s.Times, s.Times[0])
	assertInvalid(t, s.Validate(), "slots.times", "max_length")

	s = mustSlots(t, "Mon 09:00 UTC")
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range recur.MaxBlackouts + 1 {
		s.Blackouts = append(s.Blackouts, recur.Blackout{Start: start.AddDate(0, 0, i), End: start.AddDate(0, 0, i+1)})
	}
	assertInvalid(t, s.Validate(), "slots.blackouts", "max_length")
	_, ok := s.Next(start, nil)
	assert.False(t, ok, "an invalid plan has no free slot")
	data, err := json.Marshal(s)
	require.NoError(t, err)
	var back recur.Slots
	assertInvalid(t, json.Unmarshal(data, &back), "slots.blackouts", "max_length")
	s.Blackouts = s.Blackouts[:recur.MaxBlackouts]
	require.NoError(t, s.Validate())
}
