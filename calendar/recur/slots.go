package recur

import (
	"encoding/json"
	"fmt"
	"iter"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/weekday"
)

// Slot is one weekly posting time on a channel: a weekday and a wall-clock
// time of day, such as Monday 09:00. A Slot has no zone; Slots holds it.
type Slot struct {
	Day    time.Weekday `json:"day"`    // the weekday
	Hour   int          `json:"hour"`   // the hour, 0 to 23, wall clock
	Minute int          `json:"minute"` // the minute, 0 to 59
}

// String returns the slot as "Mon 09:00".
func (s Slot) String() string {
	return shortDay(s.Day) + " " + clockString(s.Hour, s.Minute)
}

func shortDay(d time.Weekday) string {
	if d < time.Sunday || d > time.Saturday {
		return "Day(" + strconv.Itoa(int(d)) + ")"
	}
	return d.String()[:3]
}

func clockString(h, m int) string {
	return fmt.Sprintf("%02d:%02d", h, m)
}

// Blackout is a window, [Start, End), in which nothing is published on a
// channel: a holiday, a product embargo, a period of mourning.
type Blackout struct {
	Start  time.Time `json:"start"`            // first instant blacked out
	End    time.Time `json:"end"`              // first instant free again
	Reason string    `json:"reason,omitempty"` // why, for people
}

// Contains reports whether t falls in [b.Start, b.End).
func (b Blackout) Contains(t time.Time) bool {
	return !t.Before(b.Start) && t.Before(b.End)
}

// Slots is a channel's posting plan: the weekly times posts go out ("Mon–Fri
// 09:00 and 13:30, Sat 11:00, Europe/Warsaw"), the minimum gap between two
// posts on the channel, and blackout windows. It answers "when is the next
// free slot?" with Next and "give me the next N" with Queue; both take the
// instant to start from and the times already taken, and never read the
// clock, so the same call gives the same answer in tests and in production.
//
// Slot times are wall-clock times in Location, so a 09:00 slot is at 09:00
// local time in winter and in summer. On a daylight-saving change day a
// slot time that does not exist moves forward by the gap (02:30 becomes
// 03:30) and one that exists twice is the first of the two instants, as
// WallTime.In documents.
//
// Its methods only read it, so one Slots may serve many goroutines at once
// as long as nobody changes it meanwhile.
//
// ParseSlots reads the plan from the short form people write; in JSON a
// Slots is {"slots": "Mon-Fri 09:00 13:30, Sat 11:00, Europe/Warsaw",
// "min_gap": "2h", "blackouts": [{"start": ..., "end": ..., "reason": ...}]}.
type Slots struct {
	// Times are the weekly posting times.
	Times []Slot
	// Location is the IANA zone the times are read in (see
	// Recurrence.Location about time/tzdata in minimal containers).
	Location *time.Location
	// MinGap is the shortest time allowed between two posts on the
	// channel, whether they were placed in slots or not. Zero only forbids
	// two posts at the same instant.
	MinGap time.Duration
	// Blackouts are windows in which no slot is free.
	Blackouts []Blackout
}

// Validate reports whether s is usable: a Location, at least one slot and
// at most MaxSlotTimes, each slot a real weekday and time of day, a MinGap
// that is not negative, and at most MaxBlackouts blackouts, each ending
// after it starts. Errors are *cmkit.ValidationError
// values naming the offending entry.
func (s *Slots) Validate() error {
	if s.Location == nil {
		return cmkit.Invalid("slots.tzid", "required", "slots need a time zone (time.LoadLocation)")
	}
	if len(s.Times) == 0 {
		return cmkit.Invalid("slots.times", "required", "no posting times")
	}
	if len(s.Times) > MaxSlotTimes {
		return cmkit.Invalid("slots.times", "max_length", "%d posting times; at most %d", len(s.Times), MaxSlotTimes)
	}
	if len(s.Blackouts) > MaxBlackouts {
		return cmkit.Invalid("slots.blackouts", "max_length", "%d blackouts; at most %d", len(s.Blackouts), MaxBlackouts)
	}
	for i, t := range s.Times {
		if t.Day < time.Sunday || t.Day > time.Saturday || t.Hour < 0 || t.Hour > 23 || t.Minute < 0 || t.Minute > 59 {
			return cmkit.Invalid(fmt.Sprintf("slots.times[%d]", i), "range", "day %d, %02d:%02d is not a weekday and a time of day", int(t.Day), t.Hour, t.Minute)
		}
	}
	if s.MinGap < 0 {
		return cmkit.Invalid("slots.min_gap", "range", "minimum gap %s is negative", s.MinGap)
	}
	for i, b := range s.Blackouts {
		if b.Start.IsZero() || !b.End.After(b.Start) {
			return cmkit.Invalid(fmt.Sprintf("slots.blackouts[%d]", i), "range", "a blackout needs a start and an end after it")
		}
	}
	return nil
}

// BlackoutAt returns the first blackout that contains t, if any. The
// calendar uses it to flag posts scheduled inside one.
func (s *Slots) BlackoutAt(t time.Time) (Blackout, bool) {
	for _, b := range s.Blackouts {
		if b.Contains(t) {
			return b, true
		}
	}
	return Blackout{}, false
}

// Allows reports whether a post at t keeps the channel's rules: outside
// every blackout, and at least MinGap away from every instant in taken (in
// any order; an equal instant is always too close). It does not ask
// whether t is one of the slot times, so it also checks posts placed by
// hand, or one channel's free slot against another channel's plan when a
// post goes to several channels.
func (s *Slots) Allows(t time.Time, taken []time.Time) bool {
	if _, blocked := s.BlackoutAt(t); blocked {
		return false
	}
	for _, x := range taken {
		if s.tooClose(t, x) {
			return false
		}
	}
	return true
}

// Next returns the first free slot strictly after after: a slot time that
// is outside every blackout and at least MinGap away from every instant in
// taken (the channel's scheduled and published posts, in any order). It
// reports false when s is invalid or nothing is free in the next ten years.
// Free and Queue give the slots after it.
func (s *Slots) Next(after time.Time, taken []time.Time) (time.Time, bool) {
	for t := range s.Free(after, taken) {
		return t, true
	}
	return time.Time{}, false
}

// Queue returns the next n free slots after after, as adding n posts to the
// channel's queue would fill them: each one counts as taken for the next,
// so they are MinGap apart too. It returns fewer when the plan runs out (see
// Next) and nil for n <= 0.
func (s *Slots) Queue(after time.Time, taken []time.Time, n int) []time.Time {
	var out []time.Time
	if n <= 0 {
		return nil
	}
	for t := range s.Free(after, taken) {
		out = append(out, t)
		if len(out) == n {
			break
		}
	}
	return out
}

// Free returns the free slots after after, in time order, lazily: each slot
// it yields counts as taken for the ones after it. It is what Next and
// Queue range over; use it to look further ahead. Times are in s.Location.
//
// Work grows with the slot times of the days it yields from and with the
// number of blackouts and taken instants, not with the length of what they
// cover: a blackout or a gap is stepped over in one go.
func (s *Slots) Free(after time.Time, taken []time.Time) iter.Seq[time.Time] {
	return func(yield func(time.Time) bool) {
		if s.Validate() != nil {
			return
		}
		var byDay [7][]int // minutes of the day, sorted
		for _, t := range s.Times {
			byDay[t.Day] = append(byDay[t.Day], t.Hour*60+t.Minute)
		}
		for d := range byDay {
			slices.Sort(byDay[d])
			byDay[d] = slices.Compact(byDay[d])
		}
		blocked := s.Blocker(taken)
		loc := s.Location
		zone := zoneCache{loc: loc}
		first := floorDiv(WallTimeOf(after.In(loc)).naive(), 86400) - 1
		// floor is the first Unix second a slot may be at: after after, past
		// the last slot yielded, and past whatever blocked the last candidate.
		floor := after.Unix() + 1
		var day []int64
		for d := first; d < first+slotHorizon; d++ {
			// Days whose slots all resolve before floor are skipped unseen:
			// two days of margin cover any change of offset.
			d = max(d, floorDiv(floor+zone.offsetAt(floor), 86400)-2)
			if d >= first+slotHorizon {
				return
			}
			day = day[:0]
			for _, m := range byDay[weekdayOf(d)] {
				day = append(day, zone.resolve(d*86400+int64(m)*60))
			}
			if !slices.IsSorted(day) {
				slices.Sort(day) // a gap moved a slot past a later one
			}
			for _, u := range day {
				if u < floor {
					continue
				}
				c := time.Unix(u, 0).In(loc)
				if until, ok := blocked(c); ok {
					floor = max(floor, ceilUnix(until))
					continue
				}
				if !yield(c) {
					return
				}
				floor = max(u+1, ceilUnix(c.Add(s.MinGap)))
			}
		}
	}
}

// Blocker returns the test Free applies to each candidate: blocked reports
// whether a post at t breaks s's rules given the posts in taken (in any
// order), because it is less than MinGap away from one of them or falls in
// a blackout, and if so until, the first instant at which that reason no
// longer holds: every instant from t up to until is blocked too, so a
// search may jump there. Unlike Allows, the test is prepared once (taken
// sorted, blackouts merged), for searches that call it many times, such
// as the first slot of one channel that also keeps the rules of the other
// channels a post goes to.
func (s *Slots) Blocker(taken []time.Time) func(t time.Time) (until time.Time, blocked bool) {
	if !slices.IsSortedFunc(taken, time.Time.Compare) {
		taken = slices.Clone(taken)
		slices.SortFunc(taken, time.Time.Compare)
	}
	blackouts := s.mergedBlackouts()
	return func(t time.Time) (time.Time, bool) { return s.blockedUntil(t, taken, blackouts) }
}

// blockedUntil is Blocker's test, for c, the sorted taken and the sorted,
// disjoint blackouts.
func (s *Slots) blockedUntil(c time.Time, taken []time.Time, blackouts []Blackout) (time.Time, bool) {
	i, _ := slices.BinarySearchFunc(taken, c, time.Time.Compare)
	// taken[i-1] < c <= taken[i]: past the one before (the later
	// instant), else past the one at or after c.
	for _, j := range [2]int{i - 1, i} {
		if j >= 0 && j < len(taken) && s.tooClose(c, taken[j]) {
			return taken[j].Add(max(s.MinGap, time.Nanosecond)), true
		}
	}
	if b, ok := blackoutAt(blackouts, c); ok {
		return b.End, true
	}
	return time.Time{}, false
}

// mergedBlackouts returns s.Blackouts sorted by start, with those that
// overlap or touch merged into one.
func (s *Slots) mergedBlackouts() []Blackout {
	bs := slices.Clone(s.Blackouts)
	slices.SortFunc(bs, func(a, b Blackout) int { return a.Start.Compare(b.Start) })
	var out []Blackout
	for _, b := range bs {
		if n := len(out); n > 0 && !b.Start.After(out[n-1].End) {
			if b.End.After(out[n-1].End) {
				out[n-1].End = b.End
			}
			continue
		}
		out = append(out, b)
	}
	return out
}

// blackoutAt returns the blackout of the sorted, disjoint bs that holds c.
func blackoutAt(bs []Blackout, c time.Time) (Blackout, bool) {
	// The last blackout that starts at or before c.
	i, found := slices.BinarySearchFunc(bs, c, func(b Blackout, c time.Time) int { return b.Start.Compare(c) })
	if found {
		return bs[i], true
	}
	if i > 0 && bs[i-1].Contains(c) {
		return bs[i-1], true
	}
	return Blackout{}, false
}

// tooClose reports whether two posts at a and b break the minimum gap (or
// are at the same instant).
func (s *Slots) tooClose(a, b time.Time) bool {
	d := a.Sub(b)
	if d < 0 {
		d = -d
	}
	return d == 0 || d < s.MinGap
}

// ParseSlots reads a posting plan in the short form people write, for
// example
//
//	Mon–Fri 09:00 and 13:30, Sat 11:00, Europe/Warsaw
//
// Days are English weekday names or their first three letters, ranges of
// them ("Mon-Fri", with a hyphen or a dash; "Fri-Mon" wraps over the
// weekend), or "daily", "weekdays" and "weekends". Each time (24-hour
// "9:00" or "09:00") applies to the days named last before it; days named
// one after another ("Mon, Wed 10:00") share the times that follow. The
// IANA zone is required and may stand anywhere. Commas, semicolons, "and"
// and "at" only separate. Case does not matter. MinGap and Blackouts are
// left empty.
//
// Errors are *cmkit.ValidationError values with Field "slots" that quote
// the word at fault.
func ParseSlots(text string) (Slots, error) {
	var s Slots
	var days []time.Weekday // the days the next times apply to
	daysUsed := true        // whether days already got a time
	for _, tok := range slotTokens(text) {
		low := strings.ToLower(tok)
		switch {
		case low == "and" || low == "at" || low == "&":
		case strings.Contains(tok, "/") || low == "utc":
			if s.Location != nil {
				return Slots{}, cmkit.Invalid("slots", "duplicate", "second time zone %q", tok)
			}
			if low == "utc" {
				tok = "UTC"
			}
			loc, ok := LoadZone(tok)
			if !ok {
				return Slots{}, cmkit.Invalid("slots", "format", "%q is not an IANA time zone", tok)
			}
			s.Location = loc
		case tok[0] >= '0' && tok[0] <= '9':
			h, m, ok := parseClock(tok)
			if !ok {
				return Slots{}, cmkit.Invalid("slots", "format", "%q is not a time of day like 09:30", tok)
			}
			if len(days) == 0 {
				return Slots{}, cmkit.Invalid("slots", "format", "time %s comes before any day", tok)
			}
			for _, d := range days {
				s.Times = append(s.Times, Slot{Day: d, Hour: h, Minute: m})
			}
			daysUsed = true
		default:
			ds, ok := weekday.ParseDays(low)
			if !ok {
				return Slots{}, cmkit.Invalid("slots", "format", "%q is not a day, a time or a time zone", tok)
			}
			if daysUsed {
				days, daysUsed = days[:0], false
			}
			days = append(days, ds...)
		}
	}
	if !daysUsed {
		return Slots{}, cmkit.Invalid("slots", "format", "days without a time at the end")
	}
	slices.SortFunc(s.Times, compareSlots)
	s.Times = slices.Compact(s.Times)
	if len(s.Times) == 0 {
		return Slots{}, cmkit.Invalid("slots", "required", "no posting times")
	}
	if s.Location == nil {
		return Slots{}, cmkit.Invalid("slots", "required", "no time zone (add one such as Europe/Warsaw)")
	}
	if err := s.Validate(); err != nil {
		return Slots{}, err
	}
	return s, nil
}

func compareSlots(a, b Slot) int {
	return (int(a.Day)*24*60 + a.Hour*60 + a.Minute) - (int(b.Day)*24*60 + b.Hour*60 + b.Minute)
}

// slotTokens splits text into words at spaces, commas and semicolons, and
// glues day ranges written with spaces ("Mon - Fri") or dashes into one.
func slotTokens(text string) []string {
	text = strings.NewReplacer("–", "-", "—", "-").Replace(text)
	fields := strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\n' || r == '\r'
	})
	var out []string
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if n := len(out); n > 0 && (f[0] == '-' || strings.HasSuffix(out[n-1], "-")) && !strings.Contains(out[n-1], "/") {
			out[n-1] += f
			continue
		}
		out = append(out, f)
	}
	return out
}

func parseClock(s string) (h, m int, ok bool) {
	hs, ms, found := strings.Cut(s, ":")
	if !found || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 {
		return 0, 0, false
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || hs[0] == '+' || hs[0] == '-' || ms[0] == '+' || ms[0] == '-' ||
		h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

// String renders the plan in the form ParseSlots reads, grouping days in a
// row (Monday first) that share their times: "Mon-Fri 09:00 13:30, Sat
// 11:00, Europe/Warsaw". MinGap and Blackouts are not part of it.
func (s Slots) String() string {
	var byDay [7][]string
	times := slices.Clone(s.Times)
	slices.SortFunc(times, compareSlots)
	for _, t := range slices.Compact(times) {
		if t.Day >= time.Sunday && t.Day <= time.Saturday {
			byDay[t.Day] = append(byDay[t.Day], clockString(t.Hour, t.Minute))
		}
	}
	var parts []string
	order := []time.Weekday{1, 2, 3, 4, 5, 6, 0}
	for i := 0; i < len(order); {
		d := order[i]
		j := i + 1
		for j < len(order) && slices.Equal(byDay[order[j]], byDay[d]) {
			j++
		}
		if len(byDay[d]) > 0 {
			days := shortDay(d)
			if j-i > 1 {
				days += "-" + shortDay(order[j-1])
			}
			parts = append(parts, days+" "+strings.Join(byDay[d], " "))
		}
		i = j
	}
	if s.Location != nil {
		parts = append(parts, s.Location.String())
	}
	return strings.Join(parts, ", ")
}

// slotsJSON is the JSON form of Slots.
type slotsJSON struct {
	Slots     string     `json:"slots"`
	MinGap    string     `json:"min_gap,omitempty"`
	Blackouts []Blackout `json:"blackouts,omitempty"`
}

// MarshalJSON writes the plan as its String form, MinGap as a Go duration
// ("1h30m0s") and the blackouts as a list.
func (s Slots) MarshalJSON() ([]byte, error) {
	j := slotsJSON{Slots: s.String(), Blackouts: s.Blackouts}
	if s.MinGap != 0 {
		j.MinGap = s.MinGap.String()
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads the form MarshalJSON writes ("min_gap" takes any Go
// duration, such as "90m") and validates it.
func (s *Slots) UnmarshalJSON(data []byte) error {
	var j slotsJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return cmkit.Invalid("slots", "format", "%v", err)
	}
	v, err := ParseSlots(j.Slots)
	if err != nil {
		return err
	}
	if j.MinGap != "" {
		if v.MinGap, err = time.ParseDuration(j.MinGap); err != nil {
			return cmkit.Invalid("slots.min_gap", "format", "%q is not a duration like 90m", j.MinGap)
		}
	}
	v.Blackouts = j.Blackouts
	if err := v.Validate(); err != nil {
		return err
	}
	*s = v
	return nil
}
