package hours_test

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/testbudget"
	"github.com/cmkit/cmkit/moderation/hours"
)

// FuzzParse: the loader never panics, refuses with a *cmkit.ValidationError,
// and every schedule it accepts is valid, writes back to the same schedule,
// and keeps Between(t, Add(t, d)) == d.
func FuzzParse(f *testing.F) {
	for _, s := range []string{office, split, madridNight, warsawWeekend, nyMorning, late, kolkata, utcOffice,
		`{"zone": "Pacific/Apia", "week": {"fri-mon": ["00:00-02:30", "23:00-24:00"]}, "holidays": ["2011-12-29"]}`,
		`{"zone": "America/Santiago", "week": {"Sunday": "00:00-01:00", "sat": "23:00-24:00"}}`,
		`{"zone": "Australia/Lord_Howe", "week": {"sun": "01:45-02:15"}, "exceptions": [{"date": "2025-04-06", "hours": "02:00-02:30"}]}`,
		`{"zone": "UTC", "week": {"mon": ["17:00-09:00"]}}`,
		`{"zone": "UTC", "week": {"mon": "9:00-17:00", "mon": []}}`,
		`{"zone": "UTC", "week": {}, "exceptions": [{"date": "2025-01-01", "hours": ["00:00-24:00"]}]}`,
		`{"zone":"UTC","week":{"mon-sun":"00:00-24:00"},"holidays":["9999-12-31","0001-01-01"]}`,
	} {
		f.Add(s, uint64(0x0123456789abcdef))
	}
	f.Fuzz(func(t *testing.T, data string, pick uint64) {
		defer testbudget.CheckFuzz(t, time.Now(), data)
		s, err := hours.Parse([]byte(data))
		if err != nil {
			var ve *cmkit.ValidationError
			if !errors.Is(err, cmkit.ErrInvalid) || !errors.As(err, &ve) || ve.Field == "" || ve.Rule == "" {
				t.Fatalf("not a validation error naming a field and a rule: %v", err)
			}
			if s != nil {
				t.Fatal("a schedule with an error")
			}
			return
		}
		if err := s.Validate(); err != nil {
			t.Fatalf("Parse accepted a schedule Validate refuses: %v", err)
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("MarshalJSON: %v", err)
		}
		again, err := hours.Parse(out)
		if err != nil {
			t.Fatalf("Parse refuses what MarshalJSON wrote (%s): %v", out, err)
		}
		if out2, _ := json.Marshal(again); string(out2) != string(out) {
			t.Fatalf("round trip changed the schedule:\n%s\n%s", out, out2)
		}
		// An instant between 1950 and 2100, and a few durations.
		from := time.Unix(-631152000+int64(pick%(150*365*86400)), int64(pick>>40%1e9))
		for _, d := range []time.Duration{0, time.Nanosecond, 90 * time.Minute, 40 * time.Hour, time.Duration(pick>>20%(5000*3600)) * time.Second} {
			due := s.Add(from, d)
			if got := s.Between(from, due); got != d {
				t.Fatalf("Between(t, Add(t, %s)) = %s from %s (due %s)", d, got, from, due)
			}
		}
		next := s.NextOpen(from)
		if !s.Open(next) || s.Between(from, next) != 0 {
			t.Fatalf("NextOpen(%s) = %s is not the next open instant", from, next)
		}
	})
}

// FuzzMethodsOnAnySchedule: on a schedule Validate refuses (spans out of
// range, out of order, overlapping; dates out of order, repeated, off the
// calendar; no zone), the methods still return, without a panic.
func FuzzMethodsOnAnySchedule(f *testing.F) {
	f.Add([]byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14"), int64(1735689600), int64(3600e9))
	f.Add([]byte{0xff, 0x00, 0x80, 0x7f, 0x01}, int64(-62135596800), int64(math.MaxInt64))
	f.Add([]byte{}, int64(253402300700), int64(1))
	zones := []string{"", "UTC", "Europe/Madrid", "America/New_York", "Pacific/Apia", "Australia/Lord_Howe"}
	f.Fuzz(func(t *testing.T, data []byte, unix, d int64) {
		defer testbudget.CheckFuzz(t, time.Now(), string(data))
		next := func() int64 {
			if len(data) < 2 {
				return 0
			}
			v := int64(int16(binary.LittleEndian.Uint16(data)))
			data = data[2:]
			return v
		}
		s := &hours.Schedule{}
		if z := zones[int(uint64(next())%uint64(len(zones)))]; z != "" {
			s.Zone = loadZone(t, z)
		}
		span := func() hours.Span {
			return hours.Span{Start: time.Duration(next()) * time.Minute, End: time.Duration(next()) * time.Minute}
		}
		for wd := range s.Week {
			for range next() & 3 {
				s.Week[wd] = append(s.Week[wd], span())
			}
		}
		date := func() hours.CivilDate {
			return hours.CivilDate{Year: 2025 + int(next()%3), Month: time.Month(next() % 14), Day: int(next() % 33)}
		}
		for range next() & 7 {
			s.Holidays = append(s.Holidays, hours.Holiday{Date: date()})
		}
		for range next() & 7 {
			s.Exceptions = append(s.Exceptions, hours.Exception{Date: date(), Spans: []hours.Span{span()}})
		}
		_ = s.Validate()
		at := time.Unix(unix, 0)
		s.Open(at)
		s.NextOpen(at)
		due := s.Add(at, time.Duration(d))
		s.Between(at, due)
		s.Between(at, at.Add(time.Duration(d)))
		if s.Validate() == nil && d >= 0 {
			if got := s.Between(at, due); got != time.Duration(d) && due.Before(hours.End) {
				t.Fatalf("a valid schedule: Between(t, Add(t, %d)) = %d", d, got)
			}
		}
	})
}
