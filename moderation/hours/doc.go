// Package hours is business-hours arithmetic: when a team is open, and
// when an amount of open time, counted from an instant, runs out.
//
// # What it is for
//
// A community inbox promises answers within a service level: "first reply
// within 4 business hours, resolution within 2 business days". The clock of
// such a promise runs only while the team works. A complaint that arrives
// on Friday at 16:00 for a team that works 09:00-17:00 on weekdays has used
// one hour by closing time and is due on Monday at 12:00, not on Friday at
// 20:00. A Schedule is that team's business calendar, and its methods
// answer the questions an SLA asks:
//
//   - Add(t, d): the due time, the instant at which d of business time has
//     elapsed counting from t (counting starts at the next opening when t is
//     closed);
//   - Between(a, b): how much business time has elapsed, for a response time
//     or the time left before a breach;
//   - Open(t) and NextOpen(t): whether someone should be answering now, and
//     when they will be.
//
// A nil *Schedule means always open (24/7), so code that takes an optional
// schedule needs no special case.
//
// # The calendar
//
// A Schedule has a time zone (an IANA name such as "Europe/Madrid"), open
// spans for each weekday (several a day are allowed, "09:00-13:00" and
// "15:00-18:00", and a span may end at "24:00"), holidays (dates closed all
// day) and exceptions (dates whose spans replace the weekday's: a Saturday
// opened for a launch, a Christmas Eve closing at 14:00, or a closed day).
// A social media manager writes it in JSON:
//
//	{
//	  "zone": "Europe/Madrid",
//	  "week": {
//	    "mon-thu": ["09:00-14:00", "15:00-18:00"],
//	    "fri": "08:00-15:00"
//	  },
//	  "holidays": ["2025-12-25", {"date": "2026-01-06", "name": "Reyes"}],
//	  "exceptions": [
//	    {"date": "2025-11-29", "name": "Black Friday weekend", "hours": ["10:00-20:00"]},
//	    {"date": "2025-12-24", "hours": ["09:00-14:00"]}
//	  ]
//	}
//
// Weekdays are "mon" to "sun" (or "monday", in any case), alone or as a
// range ("mon-fri"; "fri-mon" wraps over the weekend), or "weekdays",
// "weekends" and "daily", the words the content calendar's slot plans use;
// a day not named is closed. A day's hours are a list of spans, or one span alone. Spans are
// hours and minutes, 24-hour clock, with a hyphen: "9:00-17:30". Dates are
// "2025-12-25". Parse reads this form strictly (an unknown key, a key or a
// weekday given twice, a span that ends before it starts, two spans that
// overlap and a date given twice are refused) and every error wraps
// cmkit.ErrInvalid and names the entry and the rule:
//
//	cmkit: invalid week.mon[1]: order: "17:00-09:00" ends before it starts; ...
//
// Spans and dates may be listed in any order. MarshalJSON writes the same
// form back, with runs of weekdays with the same hours joined into ranges.
// A schedule with no open span on any weekday is refused: it would make
// every due time "never".
//
// # Daylight saving
//
// Spans are wall-clock times in the zone, so the team opens at 09:00 local
// time on both sides of a change, and a span lasts what the clock on the
// wall says it lasts that day: in Europe/Madrid, 01:00-04:00 on the
// spring-forward Sunday is 2 hours long (the clock jumps from 02:00 to
// 03:00) and on the fall-back Sunday 4 hours (02:00 to 03:00 happens
// twice). A span's start or end is the first instant at which the zone's
// clock reads it or a later time:
//
//   - a time that happens twice (01:30 on America/New_York's fall-back
//     day) is its first showing, 01:30 EDT, as RFC 5545 reads such times;
//     so 01:00-01:30 that day is open 30 minutes, while 01:00-02:00 is open
//     2 hours, since the clock first reads 02:00 after the repeated hour;
//   - a time that never happens (02:30 on a spring-forward day) is the
//     instant the clock jumps past it, 03:00 new time: a span 02:30-04:00
//     lasts 1 hour that day and 02:00-03:00 lasts none.
//
// time.Date is not used for this: for a time in the gap it returns the
// instant an hour later in Madrid (03:30 CEST) and an hour earlier in New
// York (01:30 EST), and its documentation promises neither. The rule above
// is the same in every zone and never moves a later wall time to an earlier
// instant, so the intervals a schedule is open never overlap and splitting
// a span in two (01:00-02:30 and 02:30-04:00) never changes a result.
//
// # Guarantees
//
// The methods are exact to the nanosecond and agree with each other: for
// every t and d >= 0, Between(t, Add(t, d)) == d and no earlier instant
// gives d; Add is monotone in d; Between(a, b) + Between(b, c) ==
// Between(a, c) for a <= b <= c; Open(t) is whether Between(t, t+1ns) is
// 1ns; NextOpen(t) is open and no business time lies before it. The tests
// check these on random schedules in a dozen zones chosen for their changes
// (30-minute ones, changes at midnight, a day Samoa skipped), against a
// reference model that reads the zone's clock minute by minute, and on
// every schedule the fuzzer gets Parse to accept.
//
// # Cost
//
// Open reads at most three days of spans. Add, Between and NextOpen read
// days one at a time only around holidays, exceptions and daylight-saving
// changes, and skip whole weeks elsewhere, so their cost grows with the
// number of those they cross (about two changes a year in most zones), not
// with the length of the interval; none of them allocates. Validate bounds
// the rest: at most 10,000 holidays and exceptions (so a run of closed days
// is at most that long) and 24 spans a day, and some weekday open. The
// benchmarks count, for a team in Madrid: a due time a month ahead, across
// a holiday and the spring change, about 8,000 instructions (0.5 to 1µs);
// the largest time.Duration of business time (over 1,200 years of that
// team's weeks) about 51 million (3 to 5ms); and the slowest valid case, a
// schedule open one minute a week walked to the end of the calendar, about
// 190 million (11 to 21ms).
//
// The calendar covers the years 1 to 9999 (UTC), the years time.Time writes
// as JSON: Add and NextOpen return End when what they look for does not
// come before it, which happens only for durations of centuries or
// schedules open a few minutes a week.
package hours
