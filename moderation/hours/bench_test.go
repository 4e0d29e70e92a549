package hours_test

import (
	"math"
	"testing"
	"time"

	"github.com/cmkit/cmkit/moderation/hours"
)

// benchSchedule is a team with a lunch break, Madrid holidays and a
// launch Saturday; the benchmarks' month, 2025-03-10 to 2025-04-09,
// crosses the spring-forward change and the March 19 holiday.
const benchSchedule = `{"zone": "Europe/Madrid",
  "week": {"mon-thu": ["09:00-14:00", "15:00-18:00"], "fri": "08:00-15:00"},
  "holidays": ["2025-01-01", "2025-01-06", "2025-03-19", "2025-04-17", "2025-04-18", "2025-05-01",
               "2025-08-15", "2025-10-13", "2025-11-01", "2025-12-06", "2025-12-08", "2025-12-25"],
  "exceptions": [{"date": "2025-03-29", "hours": "10:00-14:00"}, {"date": "2025-12-24", "hours": "09:00-14:00"}]}`

var (
	sinkTime time.Time
	sinkDur  time.Duration
	sinkBool bool
)

func benchSetup(b *testing.B) (*hours.Schedule, time.Time, time.Time) {
	s := parse(b, benchSchedule)
	from := inst(b, "2025-03-10T10:30:00.5+01:00")
	to := inst(b, "2025-04-09T10:30:00.5+02:00")
	return s, from, to
}

// BenchmarkAdd: a due time a month ahead (147 business hours).
func BenchmarkAdd(b *testing.B) {
	s, from, to := benchSetup(b)
	d := s.Between(from, to)
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = s.Add(from, d)
	}
}

// BenchmarkBetween: the business time in a month.
func BenchmarkBetween(b *testing.B) {
	s, from, to := benchSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		sinkDur = s.Between(from, to)
	}
}

// BenchmarkAddHours: a first-response target of 4 business hours.
func BenchmarkAddHours(b *testing.B) {
	s, from, _ := benchSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = s.Add(from, 4*time.Hour)
	}
}

func BenchmarkOpen(b *testing.B) {
	s, from, _ := benchSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		sinkBool = s.Open(from)
	}
}

func BenchmarkNextOpen(b *testing.B) {
	s, _, _ := benchSetup(b)
	friday := inst(b, "2025-03-14T16:00:00+01:00")
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = s.NextOpen(friday)
	}
}

// BenchmarkAddLargest: the largest time.Duration of business time, about
// over 1,200 years of this team's weeks and 2,400 daylight-saving changes.
func BenchmarkAddLargest(b *testing.B) {
	s, from, _ := benchSetup(b)
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = s.Add(from, math.MaxInt64)
	}
}

// BenchmarkAddToTheEnd: the slowest valid case, a schedule open one
// minute a week asked for the largest time.Duration, which walks every
// daylight-saving change to the end of year 9999.
func BenchmarkAddToTheEnd(b *testing.B) {
	s := parse(b, `{"zone": "Europe/Madrid", "week": {"wed": "10:00-10:01"}}`)
	from := inst(b, "2025-03-10T10:30:00+01:00")
	b.ReportAllocs()
	for b.Loop() {
		sinkTime = s.Add(from, math.MaxInt64)
	}
}
