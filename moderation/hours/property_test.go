package hours_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit/moderation/hours"
)

// The property tests draw schedules at random (seeded, so that a failure
// replays) in zones chosen for their changes, and check the methods
// against a reference model and against each other.

// A zone and a window of dates worth testing in it.
type testZone struct {
	name       string
	from, till string // the window, as dates
}

var testZones = []testZone{
	{"Europe/Madrid", "2025-03-20", "2025-04-10"},
	{"Europe/Madrid", "2025-10-18", "2025-11-08"},
	{"Europe/Warsaw", "2025-03-22", "2025-04-05"},
	{"Europe/Warsaw", "2025-10-20", "2025-11-01"},
	{"America/New_York", "2025-03-01", "2025-03-20"},
	{"America/New_York", "2025-10-28", "2025-11-12"},
	{"Asia/Kolkata", "2025-01-01", "2025-01-20"},
	{"Asia/Kathmandu", "2025-01-01", "2025-01-15"},      // +05:45
	{"Australia/Lord_Howe", "2025-03-30", "2025-04-12"}, // a 30-minute change
	{"Australia/Lord_Howe", "2025-09-28", "2025-10-12"}, // and back
	{"America/Santiago", "2025-04-01", "2025-04-12"},    // changes at midnight
	{"America/Santiago", "2025-09-01", "2025-09-12"},    // 24:00 -> 01:00
	{"Pacific/Chatham", "2025-04-01", "2025-04-12"},     // +13:45 -> +12:45
	{"America/St_Johns", "2025-11-01", "2025-11-08"},    // -02:30 -> -03:30
	{"Pacific/Apia", "2011-12-24", "2012-01-06"},        // skipped 2011-12-30 whole
	{"Africa/Casablanca", "2025-02-20", "2025-04-10"},   // Ramadan changes
	{"UTC", "2025-01-01", "2025-01-10"},
}

func loadZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

// randomSpans draws up to n spans of one day, in whole minutes, in order,
// often at the hours daylight-saving changes happen and at the day's ends.
func randomSpans(r *rand.Rand, n int) []hours.Span {
	marks := []int{0, 24 * 60}
	for range r.IntN(2 * n) {
		var m int
		switch r.IntN(3) {
		case 0: // around 00:00-04:00, where changes happen
			m = r.IntN(5*60) / 15 * 15
		case 1:
			m = r.IntN(24*60+1) / 30 * 30
		default:
			m = r.IntN(24*60 + 1)
		}
		marks = append(marks, m)
	}
	slices.Sort(marks)
	marks = slices.Compact(marks)
	var spans []hours.Span
	for i := 0; i+1 < len(marks) && len(spans) < n; i++ {
		if r.IntN(2) == 0 {
			spans = append(spans, hours.Span{Start: time.Duration(marks[i]) * time.Minute, End: time.Duration(marks[i+1]) * time.Minute})
		}
	}
	return spans
}

// randomSchedule draws a valid schedule in zone z with holidays and
// exceptions inside its window.
func randomSchedule(t testing.TB, r *rand.Rand, z testZone) *hours.Schedule {
	s := &hours.Schedule{Zone: loadZone(t, z.name)}
	for {
		for wd := range s.Week {
			s.Week[wd] = nil
			if r.IntN(4) > 0 {
				s.Week[wd] = randomSpans(r, 3)
			}
		}
		if s.Validate() == nil {
			break
		}
	}
	from, till := inst(t, z.from+"T00:00:00Z"), inst(t, z.till+"T00:00:00Z")
	days := int(till.Sub(from) / (24 * time.Hour))
	for range r.IntN(4) {
		d := hours.DateOf(from.AddDate(0, 0, r.IntN(days)))
		if r.IntN(2) == 0 {
			s.Holidays = append(s.Holidays, hours.Holiday{Date: d})
		} else {
			s.Exceptions = append(s.Exceptions, hours.Exception{Date: d, Spans: randomSpans(r, 2)})
		}
	}
	less := func(a, b hours.CivilDate) int {
		return a.Year*10000 + int(a.Month)*100 + a.Day - (b.Year*10000 + int(b.Month)*100 + b.Day)
	}
	slices.SortFunc(s.Holidays, func(a, b hours.Holiday) int { return less(a.Date, b.Date) })
	slices.SortFunc(s.Exceptions, func(a, b hours.Exception) int { return less(a.Date, b.Date) })
	s.Holidays = slices.CompactFunc(s.Holidays, func(a, b hours.Holiday) bool { return a.Date == b.Date })
	s.Exceptions = slices.CompactFunc(s.Exceptions, func(a, b hours.Exception) bool { return a.Date == b.Date })
	s.Exceptions = slices.DeleteFunc(s.Exceptions, func(e hours.Exception) bool {
		return slices.ContainsFunc(s.Holidays, func(h hours.Holiday) bool { return h.Date == e.Date })
	})
	require.NoError(t, s.Validate())
	return s
}

// model is the reference: it finds the instant of each span's start and
// end by reading the zone's clock minute by minute, the definition in the
// package doc ("the first instant at which the clock reads it"), with no
// shortcut and no knowledge of zone periods.
type model struct {
	s         *hours.Schedule
	intervals [][2]time.Time
}

// wallMinutes is the clock reading of the minute starting at unix second
// u, as minutes since 1970-01-01 00:00.
func wallMinutes(loc *time.Location, u int64) int64 {
	t := time.Unix(u, 0).In(loc)
	y, m, d := t.Date()
	days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
	return days*1440 + int64(t.Hour()*60+t.Minute())
}

// firstReading returns the first instant at which the clock reads w
// (minutes) or later: no zone is more than 15 hours off UTC, so the clock
// reads less than w 15 hours before w read as UTC, and w or more 15 hours
// after. It steps a quarter hour, then back one minute at a time.
func firstReading(loc *time.Location, w int64) int64 {
	u := w*60 - 15*3600
	for wallMinutes(loc, u) < w {
		u += 15 * 60
	}
	for wallMinutes(loc, u-60) >= w {
		u -= 60
	}
	return u
}

func newModel(s *hours.Schedule, from, till time.Time) *model {
	m := &model{s: s}
	for d := from.AddDate(0, 0, -1); !d.After(till.AddDate(0, 0, 1)); d = d.AddDate(0, 0, 1) {
		date := hours.DateOf(d)
		spans := s.Week[d.Weekday()]
		if slices.ContainsFunc(s.Holidays, func(h hours.Holiday) bool { return h.Date == date }) {
			spans = nil
		}
		if i := slices.IndexFunc(s.Exceptions, func(e hours.Exception) bool { return e.Date == date }); i >= 0 {
			spans = s.Exceptions[i].Spans
		}
		day := d.Unix() / 60 // d is midnight UTC of the date: minutes of the wall midnight
		for _, sp := range spans {
			a := firstReading(s.Zone, day+int64(sp.Start/time.Minute))
			b := firstReading(s.Zone, day+int64(sp.End/time.Minute))
			if b > a {
				m.intervals = append(m.intervals, [2]time.Time{time.Unix(a, 0), time.Unix(b, 0)})
			}
		}
	}
	return m
}

func (m *model) between(a, b time.Time) time.Duration {
	var sum time.Duration
	for _, iv := range m.intervals {
		lo, hi := iv[0], iv[1]
		if a.After(lo) {
			lo = a
		}
		if b.Before(hi) {
			hi = b
		}
		if hi.After(lo) {
			sum += hi.Sub(lo)
		}
	}
	return sum
}

func (m *model) open(t time.Time) bool {
	for _, iv := range m.intervals {
		if !t.Before(iv[0]) && t.Before(iv[1]) {
			return true
		}
	}
	return false
}

// TestAgainstModel compares Between and Open with the reference model on
// random schedules around daylight-saving changes, and checks that the
// model's intervals do not overlap (the monotone reading of wall times).
func TestAgainstModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, z := range testZones {
		for i := range 6 {
			s := randomSchedule(t, r, z)
			from, till := inst(t, z.from+"T00:00:00Z"), inst(t, z.till+"T00:00:00Z")
			m := newModel(s, from, till)
			for j := 1; j < len(m.intervals); j++ {
				require.False(t, m.intervals[j][0].Before(m.intervals[j-1][1]), "the model's intervals overlap")
			}
			span := till.Sub(from)
			at := func() time.Time {
				return from.Add(time.Duration(r.Int64N(int64(span)))).Truncate([]time.Duration{time.Nanosecond, time.Second, time.Minute, 15 * time.Minute}[r.IntN(4)])
			}
			name := fmt.Sprintf("%s %s #%d", z.name, z.from, i)
			for range 40 {
				a, b := at(), at()
				if b.Before(a) {
					a, b = b, a
				}
				require.Equal(t, m.between(a, b), s.Between(a, b), "%s: Between(%s, %s)", name, a, b)
				require.Equal(t, m.open(a), s.Open(a), "%s: Open(%s)", name, a)
			}
			// Every boundary, and a nanosecond either side.
			for _, iv := range m.intervals {
				for _, edge := range iv {
					for _, t2 := range []time.Time{edge.Add(-time.Nanosecond), edge, edge.Add(time.Nanosecond)} {
						if t2.After(from) && t2.Before(till) {
							require.Equal(t, m.open(t2), s.Open(t2), "%s: Open(%s)", name, t2)
						}
					}
				}
			}
		}
	}
}

// checkAdd checks the properties of Add from t: Between(t, Add(t, d)) ==
// d, the result is the earliest such instant, and Add is monotone in d.
func checkAdd(t *testing.T, s *hours.Schedule, from time.Time, ds []time.Duration, what string) {
	t.Helper()
	slices.Sort(ds)
	prev := from
	for _, d := range ds {
		got := s.Add(from, d)
		require.Equal(t, d, s.Between(from, got), "%s: Between(t, Add(t, %s)) from %s, Add gave %s", what, d, from, got)
		require.False(t, got.Before(prev), "%s: Add is not monotone at %s", what, d)
		if d > 0 {
			require.Equal(t, d-time.Nanosecond, s.Between(from, got.Add(-time.Nanosecond)), "%s: Add(t, %s) is not the earliest", what, d)
		}
		prev = got
	}
}

// TestProperties checks, on random schedules and instants, that Add and
// Between invert each other, Add is monotone, Between is additive, and
// NextOpen finds the next open instant; over short and long spans of time,
// so that the weeks Add and Between skip agree with the days they read.
func TestProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	durations := func(max time.Duration) []time.Duration {
		ds := []time.Duration{0, time.Nanosecond, time.Minute}
		for range 8 {
			ds = append(ds, time.Duration(r.Int64N(int64(max))))
		}
		return ds
	}
	for _, z := range testZones {
		for i := range 4 {
			s := randomSchedule(t, r, z)
			from := inst(t, z.from+"T00:00:00Z")
			name := fmt.Sprintf("%s %s #%d", z.name, z.from, i)
			for range 10 {
				t0 := from.Add(time.Duration(r.Int64N(int64(20 * 24 * time.Hour))))
				checkAdd(t, s, t0, durations(200*time.Hour), name)
				// Years, from decades apart.
				far := t0.AddDate(r.IntN(200)-100, 0, 0)
				checkAdd(t, s, far, durations(50000*time.Hour), name)

				a, b, c := t0, t0.Add(time.Duration(r.Int64N(int64(30*24*time.Hour)))), far
				pts := []time.Time{a, b, c}
				slices.SortFunc(pts, func(x, y time.Time) int { return x.Compare(y) })
				a, b, c = pts[0], pts[1], pts[2]
				require.Equal(t, s.Between(a, c), s.Between(a, b)+s.Between(b, c), "%s: Between is not additive at %s, %s, %s", name, a, b, c)

				next := s.NextOpen(t0)
				require.True(t, s.Open(next), "%s: NextOpen(%s) = %s is closed", name, t0, next)
				require.Zero(t, s.Between(t0, next), "%s: open time before NextOpen(%s)", name, t0)
				if next.Equal(t0) {
					require.True(t, s.Open(t0))
				} else {
					require.False(t, s.Open(t0))
				}
			}
		}
	}
}

// TestSkippedWeeksEqualReadDays: over years, Between (which skips whole
// weeks) equals the sum of Between over 5-day pieces (which cannot).
func TestSkippedWeeksEqualReadDays(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, z := range testZones {
		s := randomSchedule(t, r, z)
		a := inst(t, z.from+"T00:00:00Z").AddDate(-1, 0, 0).Add(time.Duration(r.Int64N(int64(24 * time.Hour))))
		b := a.AddDate(2, 0, 0)
		var sum time.Duration
		for x := a; x.Before(b); x = x.Add(5 * 24 * time.Hour) {
			y := x.Add(5 * 24 * time.Hour)
			if y.After(b) {
				y = b
			}
			sum += s.Between(x, y)
		}
		require.Equal(t, sum, s.Between(a, b), z.name)
	}
}

// TestLargestDuration: Add with the largest time.Duration stays exact in
// zones that change twice a year for the centuries it crosses.
func TestLargestDuration(t *testing.T) {
	for _, name := range []string{"Europe/Madrid", "America/New_York", "Australia/Lord_Howe"} {
		s := parse(t, `{"zone": "`+name+`", "week": {"mon-fri": ["09:00-13:00", "15:00-18:00"], "sun": "01:00-04:00"},
		  "holidays": ["2025-12-25", "2026-01-01"]}`)
		from := inst(t, "2025-03-29T12:00:00Z")
		checkAdd(t, s, from, []time.Duration{math.MaxInt64 / 3, math.MaxInt64 - 1, math.MaxInt64}, name)
	}
	// A schedule open an hour a week runs past the end of the calendar.
	s := parse(t, `{"zone": "Europe/Madrid", "week": {"wed": "10:00-11:00"}}`)
	assert.Equal(t, hours.End, s.Add(inst(t, "2025-01-01T00:00:00Z"), math.MaxInt64).UTC())
}
