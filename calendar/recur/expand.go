package recur

import (
	"cmp"
	"slices"
	"time"
)

// expansion is the state of one run of the rule over a window: the rule's
// sets in the form the period loop wants, and buffers reused across periods.
type expansion struct {
	r         *RRule // the rule, its lists without repeats
	interval  int64
	zone      zoneCache
	start     WallTime
	startDay  int64
	week0     int64 // first day of the start's week (WKST)
	startSecs int64 // start's wall seconds since the epoch, as if UTC
	weekMask  uint8 // BYDAY weekdays without ordinal
	dayNums   bool  // BYDAY has ordinals
	months    []time.Month
	times     []int64 // seconds of the day, sorted
	dates     []int64 // day numbers of the current period, sorted
	picks     []int   // BYSETPOS indexes into dates x times
	out       []int64 // instants of the current period
}

// expand calls yield with the rule's instants in [fromU, toU), the start
// first, until yield returns false. It assumes r validates.
func (r *Recurrence) expand(fromU, toU int64, yield func(int64) bool) {
	// Small fixed-capacity buffers, which stay on the stack: a week of
	// dates, a few times of the day, one period's instants.
	e := expansion{r: &r.Rule, zone: zoneCache{loc: r.Location}, start: r.Start,
		dates: make([]int64, 0, 8), times: make([]int64, 0, 4), out: make([]int64, 0, 16)}
	if hasRepeats(r.Rule) {
		// Repeated values add nothing but work, which would grow with each
		// period's candidates (a BYDAY list of a hundred thousand MO).
		rule := r.Rule
		rule.ByDay = distinct(rule.ByDay, compareWeekdayNum)
		rule.ByMonthDay = distinct(rule.ByMonthDay, cmp.Compare[int])
		rule.ByHour = distinct(rule.ByHour, cmp.Compare[int])
		rule.ByMinute = distinct(rule.ByMinute, cmp.Compare[int])
		rule.BySetPos = distinct(rule.BySetPos, cmp.Compare[int])
		e.r = &rule
	}
	e.interval = int64(max(r.Rule.Interval, 1))
	e.startSecs = r.Start.naive()
	e.startDay = floorDiv(e.startSecs, 86400)
	e.week0 = e.weekStart(e.startDay)
	e.prepare()

	limit := toU
	if limit > maxUnix {
		limit = maxUnix
	}
	count := 1
	startU := e.zone.resolve(e.startSecs)
	if startU >= limit {
		return
	}
	if startU >= fromU && !yield(startU) {
		return
	}
	rule := e.r
	if rule.Count == 1 {
		return
	}
	untilU, untilDay := int64(farFuture), int64(farFuture)
	if !rule.Until.IsZero() {
		if rule.UntilDate {
			y, m, d := rule.Until.Date()
			untilDay = daysFromCivil(int64(y), m, d)
		} else {
			untilU = rule.Until.Unix()
		}
	}
	lastDay := floorDiv(limit, 86400) + 2
	k := int64(0)
	if rule.Count == 0 {
		k = e.firstPeriod(floorDiv(fromU, 86400) - 2)
	}
	for ; ; k++ {
		first := e.period(k)
		if first > lastDay || first > untilDay {
			return
		}
		if len(e.dates) == 0 {
			k = e.skipMonths(k, first)
			continue
		}
		e.out = e.out[:0]
		// flush yields, in order, the instants of the period found so far
		// that are before bound, and reports whether to go on.
		flush := func(bound int64) bool {
			if !slices.IsSorted(e.out) {
				// Only near a daylight-saving gap, where a skipped wall
				// time moves forward past a later one.
				slices.Sort(e.out)
			}
			e.out = slices.Compact(e.out)
			n := 0
			for _, u := range e.out {
				if u >= bound {
					break
				}
				n++
				if u > untilU || u >= limit {
					return false
				}
				count++
				if u >= fromU && !yield(u) {
					return false
				}
				if rule.Count > 0 && count >= rule.Count {
					return false
				}
			}
			e.out = append(e.out[:0], e.out[n:]...)
			return true
		}
		// add adds the instant of a candidate, unless it is not after the
		// start (an instant, not a wall time: on a daylight-saving change
		// day a later wall time can come first). A candidate more than two
		// days before the start in wall time is before it.
		add := func(secs int64) {
			if secs > e.startSecs-zoneMargin {
				if u := e.zone.resolve(secs); u > startU {
					e.out = append(e.out, u)
				}
			}
		}
		stop := false
		nt := len(e.times)
		if len(rule.BySetPos) > 0 {
			e.pick(len(e.dates) * nt)
			for _, i := range e.picks {
				day := e.dates[i/nt]
				if stop = day > untilDay; stop {
					break
				}
				add(day*86400 + e.times[i%nt])
			}
		} else {
			// Day by day, yielding what no later day can come before, so
			// that a period of many candidates (every minute of a year)
			// costs only as much as is consumed of it.
			for di, day := range e.dates {
				if stop = day > untilDay; stop {
					break
				}
				for _, tm := range e.times {
					add(day*86400 + tm)
				}
				if di+1 < len(e.dates) && !flush(e.dates[di+1]*86400-zoneMargin) {
					return
				}
			}
		}
		if !flush(farFuture) || stop {
			return
		}
	}
}

// skipMonths returns the period before the first one that falls in a
// BYMONTH month, when period k (starting on day first) of a DAILY rule does
// not, and k otherwise: the periods in between have no candidates, and a
// rule that matches rarely (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30) is then
// searched a month at a time rather than a day at a time.
func (e *expansion) skipMonths(k, first int64) int64 {
	if e.r.Freq != Daily || len(e.months) == 0 {
		return k
	}
	y, m, _ := civilFromDays(first)
	if slices.Contains(e.months, m) {
		return k
	}
	// e.months is sorted: the next month of this year, else the first of
	// the next.
	next := daysFromCivil(y+1, e.months[0], 1)
	if i, _ := slices.BinarySearch(e.months, m); i < len(e.months) {
		next = daysFromCivil(y, e.months[i], 1)
	}
	// The first period on or after next; the loop adds one.
	return max(k, (next-e.startDay+e.interval-1)/e.interval-1)
}

// hasRepeats reports whether one of the lists of r that expansion walks
// per period holds a value twice.
func hasRepeats(r RRule) bool {
	return repeats(r.ByDay) || repeats(r.ByMonthDay) || repeats(r.ByHour) || repeats(r.ByMinute) || repeats(r.BySetPos)
}

// repeats reports whether vs holds a value twice. Short lists, the ones
// people write, are checked in place, without allocating; longer ones are
// reported as repeating, which only costs distinct a copy.
func repeats[T comparable](vs []T) bool {
	if len(vs) > 16 {
		return true
	}
	for i, v := range vs {
		if slices.Contains(vs[i+1:], v) {
			return true
		}
	}
	return false
}

// distinct returns the values of vs sorted by compare and without
// repeats, in a new slice.
func distinct[T any](vs []T, compare func(a, b T) int) []T {
	vs = slices.Clone(vs)
	slices.SortFunc(vs, compare)
	return slices.CompactFunc(vs, func(a, b T) bool { return compare(a, b) == 0 })
}

func compareWeekdayNum(a, b WeekdayNum) int {
	return cmp.Or(cmp.Compare(a.N, b.N), cmp.Compare(a.Day, b.Day))
}

// maxUnix is the first second of year 10000: expansion stops there.
var maxUnix = daysFromCivil(maxYear+1, time.January, 1) * 86400

// prepare turns the rule's lists into sets and the sorted times of day.
func (e *expansion) prepare() {
	r := e.r
	for _, w := range r.ByDay {
		if w.N == 0 {
			e.weekMask |= 1 << w.Day
		} else {
			e.dayNums = true
		}
	}
	e.months = slices.Clone(r.ByMonth)
	slices.Sort(e.months)
	e.months = slices.Compact(e.months)
	hours, minutes := r.ByHour, r.ByMinute
	if len(hours) == 0 {
		hours = []int{e.start.Hour}
	}
	if len(minutes) == 0 {
		minutes = []int{e.start.Minute}
	}
	for _, h := range hours {
		for _, m := range minutes {
			e.times = append(e.times, int64(h*3600+m*60+e.start.Second))
		}
	}
	slices.Sort(e.times)
	e.times = slices.Compact(e.times)
}

// weekStart returns the first day of the week that holds day.
func (e *expansion) weekStart(day int64) int64 {
	wkst := time.Monday
	if e.r.WeekStart != nil {
		wkst = *e.r.WeekStart
	}
	return day - int64((weekdayOf(day)-wkst+7)%7)
}

// firstPeriod returns the index of the first period that may hold a day on
// or after day (0 when day is before the start).
func (e *expansion) firstPeriod(day int64) int64 {
	if day <= e.startDay {
		return 0
	}
	sy, sm := int64(e.start.Year), int64(e.start.Month)
	y, m, _ := civilFromDays(day)
	var k int64
	switch e.r.Freq {
	case Daily:
		k = (day - e.startDay) / e.interval
	case Weekly:
		k = (day - e.week0) / (7 * e.interval)
	case Monthly:
		k = ((y*12 + int64(m)) - (sy*12 + sm)) / e.interval
	case Yearly:
		k = (y - sy) / e.interval
	}
	return max(k, 0)
}

// period fills e.dates with the sorted candidate days of period k and
// returns the period's first day.
func (e *expansion) period(k int64) int64 {
	r := e.r
	e.dates = e.dates[:0]
	switch r.Freq {
	case Daily:
		day := e.startDay + k*e.interval
		if e.dayOK(day) {
			e.dates = append(e.dates, day)
		}
		return day
	case Weekly:
		ws := e.week0 + 7*k*e.interval
		mask := e.weekMask
		if mask == 0 {
			mask = 1 << weekdayOf(e.startDay)
		}
		wd := weekdayOf(ws)
		for day := ws; day < ws+7; day++ {
			if mask&(1<<wd) != 0 && (len(e.months) == 0 || e.monthOK(day)) {
				e.dates = append(e.dates, day)
			}
			if wd++; wd > time.Saturday {
				wd = time.Sunday
			}
		}
		return ws
	case Monthly:
		mi := int64(e.start.Year)*12 + int64(e.start.Month) - 1 + k*e.interval
		y, m := floorDiv(mi, 12), time.Month(mi-floorDiv(mi, 12)*12+1)
		first := daysFromCivil(y, m, 1)
		if y > maxYear {
			return farFuture
		}
		if len(e.months) == 0 || slices.Contains(e.months, m) {
			e.monthDates(y, m)
		}
		return first
	default: // Yearly
		y := int64(e.start.Year) + k*e.interval
		if y > maxYear {
			return farFuture
		}
		e.yearDates(y)
		return daysFromCivil(y, time.January, 1)
	}
}

// dayOK applies the limiting parts of a DAILY rule to one day.
func (e *expansion) dayOK(day int64) bool {
	r := e.r
	if e.weekMask != 0 && e.weekMask&(1<<weekdayOf(day)) == 0 {
		return false
	}
	if len(e.months) == 0 && len(r.ByMonthDay) == 0 {
		return true
	}
	y, m, d := civilFromDays(day)
	if len(e.months) > 0 && !slices.Contains(e.months, m) {
		return false
	}
	return len(r.ByMonthDay) == 0 || monthDayMatches(r.ByMonthDay, d, daysIn(y, m))
}

func (e *expansion) monthOK(day int64) bool {
	_, m, _ := civilFromDays(day)
	return slices.Contains(e.months, m)
}

func monthDayMatches(list []int, d, length int) bool {
	for _, v := range list {
		if v == d || length+1+v == d {
			return true
		}
	}
	return false
}

// monthDates adds the candidate days of month m of year y: BYMONTHDAY
// (limited by BYDAY), else BYDAY, else the start's day of the month.
func (e *expansion) monthDates(y int64, m time.Month) {
	r := e.r
	first := daysFromCivil(y, m, 1)
	length := daysIn(y, m)
	mark := len(e.dates)
	switch {
	case len(r.ByMonthDay) > 0:
		for _, v := range r.ByMonthDay {
			d := v
			if v < 0 {
				d = length + 1 + v
			}
			if d >= 1 && d <= length && (len(r.ByDay) == 0 || weekdayMatches(r.ByDay, first, d-1, length)) {
				e.dates = append(e.dates, first+int64(d-1))
			}
		}
	case len(r.ByDay) > 0:
		e.expandWeekdays(first, length)
	default:
		if e.start.Day <= length {
			e.dates = append(e.dates, first+int64(e.start.Day-1))
		}
	}
	sortTail(&e.dates, mark)
}

// yearDates adds the candidate days of year y.
func (e *expansion) yearDates(y int64) {
	r := e.r
	switch {
	case len(e.months) > 0:
		for _, m := range e.months {
			e.monthDates(y, m)
		}
		return
	case len(r.ByMonthDay) > 0:
		jan1 := daysFromCivil(y, time.January, 1)
		ylen := 365
		if isLeap(y) {
			ylen = 366
		}
		for m := time.January; m <= time.December; m++ {
			first := daysFromCivil(y, m, 1)
			length := daysIn(y, m)
			for _, v := range r.ByMonthDay {
				d := v
				if v < 0 {
					d = length + 1 + v
				}
				day := first + int64(d-1)
				if d >= 1 && d <= length && (len(r.ByDay) == 0 || weekdayMatches(r.ByDay, jan1, int(day-jan1), ylen)) {
					e.dates = append(e.dates, day)
				}
			}
		}
	case len(r.ByDay) > 0:
		ylen := 365
		if isLeap(y) {
			ylen = 366
		}
		e.expandWeekdays(daysFromCivil(y, time.January, 1), ylen)
	default:
		if e.start.Day <= daysIn(y, e.start.Month) {
			e.dates = append(e.dates, daysFromCivil(y, e.start.Month, e.start.Day))
		}
	}
	sortTail(&e.dates, 0)
}

// expandWeekdays adds the BYDAY days of the scope of length days that
// starts on day first (a month or a year).
func (e *expansion) expandWeekdays(first int64, length int) {
	firstWd := weekdayOf(first)
	lastWd := weekdayOf(first + int64(length) - 1)
	for _, w := range e.r.ByDay {
		off := int((w.Day - firstWd + 7) % 7)
		switch {
		case w.N == 0:
			for d := off; d < length; d += 7 {
				e.dates = append(e.dates, first+int64(d))
			}
		case w.N > 0:
			if d := off + 7*(w.N-1); d < length {
				e.dates = append(e.dates, first+int64(d))
			}
		default:
			back := int((lastWd - w.Day + 7) % 7)
			if d := length - 1 - back - 7*(-w.N-1); d >= 0 {
				e.dates = append(e.dates, first+int64(d))
			}
		}
	}
}

// weekdayMatches reports whether the day at index i (0-based) of a scope of
// length days starting on first matches one of the BYDAY entries.
func weekdayMatches(list []WeekdayNum, first int64, i, length int) bool {
	wd := weekdayOf(first + int64(i))
	for _, w := range list {
		if w.Day != wd {
			continue
		}
		if w.N == 0 || w.N == i/7+1 || w.N == -((length-1-i)/7+1) {
			return true
		}
	}
	return false
}

// sortTail sorts and de-duplicates (*s)[mark:].
func sortTail(s *[]int64, mark int) {
	tail := (*s)[mark:]
	if !slices.IsSorted(tail) {
		slices.Sort(tail)
	}
	*s = append((*s)[:mark], slices.Compact(tail)...)
}

// pick fills e.picks with the sorted, distinct BYSETPOS indexes into the n
// candidates of the period.
func (e *expansion) pick(n int) {
	e.picks = e.picks[:0]
	for _, p := range e.r.BySetPos {
		i := p - 1
		if p < 0 {
			i = n + p
		}
		if i >= 0 && i < n {
			e.picks = append(e.picks, i)
		}
	}
	slices.Sort(e.picks)
	e.picks = slices.Compact(e.picks)
}
