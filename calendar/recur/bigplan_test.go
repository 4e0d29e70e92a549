package recur_test

// Large but well-formed plans: the inputs behind the benchmarks and the
// regression tests that keep recurrences and slots fast on big inputs.

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit/calendar/recur"
)

// bigOverridesStart is the first occurrence of manyOverridesJSON's series.
var bigOverridesStart = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

// manyOverridesDay is the day of the series (counted from its start) on
// which manyOverridesJSON's first override falls: far into a long COUNT
// series, where checking an override used to mean expanding from the start.
const manyOverridesDay = 250_000

// manyOverridesJSON is a daily 09:00 UTC series with COUNT=1000000 and n
// overrides, one a day from day manyOverridesDay, each moving its
// occurrence two hours later (the size of the reported case is n = 200,
// about 13 KB).
func manyOverridesJSON(n int) string {
	var b strings.Builder
	b.WriteString(`{"rrule":"FREQ=DAILY;COUNT=1000000","start":"2026-01-01T09:00:00","tzid":"UTC","overrides":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		orig := bigOverridesStart.AddDate(0, 0, manyOverridesDay+i)
		fmt.Fprintf(&b, `{"original":%q,"moved":%q}`, orig.Format(time.RFC3339), orig.Add(2*time.Hour).Format(time.RFC3339))
	}
	b.WriteString(`]}`)
	return b.String()
}

// manyOverridesWindow is the window holding manyOverridesJSON(n)'s
// overrides.
func manyOverridesWindow(n int) (from, to time.Time) {
	from = bigOverridesStart.AddDate(0, 0, manyOverridesDay)
	return from, from.AddDate(0, 0, n)
}

// denseSlots is a plan with a slot every minute of every day (1,440 times)
// in UTC and n blackouts of three days each, back to back from after, so
// that the first free slot is 3n days later (the size of the reported case
// is n = 100, about 15 KB of JSON).
func denseSlots(t testing.TB, after time.Time, n int) recur.Slots {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"slots":"daily`)
	for m := range 24 * 60 {
		fmt.Fprintf(&b, " %02d:%02d", m/60, m%60)
	}
	b.WriteString(` UTC","blackouts":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		start := after.AddDate(0, 0, 3*i)
		fmt.Fprintf(&b, `{"start":%q,"end":%q}`, start.Format(time.RFC3339), start.AddDate(0, 0, 3).Format(time.RFC3339))
	}
	b.WriteString(`]}`)
	var s recur.Slots
	require.NoError(t, json.Unmarshal([]byte(b.String()), &s))
	return s
}

// longByDay is a YEARLY rule whose BYDAY list repeats the seven weekdays
// until it holds n values (n = 133,333 is the reported 400 KB case).
func longByDay(n int) string {
	var b strings.Builder
	b.WriteString("FREQ=YEARLY;BYDAY=")
	days := []string{"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(days[i%7])
	}
	return b.String()
}

// BenchmarkExpandManyOverrides expands the window of a long COUNT series
// that holds n moved occurrences; n=0 is the baseline of the same window
// without overrides.
func BenchmarkExpandManyOverrides(b *testing.B) {
	for _, n := range []int{0, 200, 400} {
		b.Run(fmt.Sprintf("overrides=%d", n), func(b *testing.B) {
			var rec recur.Recurrence
			require.NoError(b, json.Unmarshal([]byte(manyOverridesJSON(n)), &rec))
			from, to := manyOverridesWindow(max(n, 200))
			b.ReportAllocs()
			for b.Loop() {
				got := 0
				for range rec.Occurrences(from, to) {
					got++
				}
				if got != max(n, 200) {
					b.Fatalf("got %d occurrences, want %d", got, max(n, 200))
				}
			}
		})
	}
}

// BenchmarkSlotsNextDense asks a plan with a slot every minute for its next
// free slot, behind n back-to-back blackouts of three days; blackouts=1 is
// the baseline, one blackout as long as the hundred.
func BenchmarkSlotsNextDense(b *testing.B) {
	after := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{1, 100, 200} {
		b.Run(fmt.Sprintf("blackouts=%d", n), func(b *testing.B) {
			s := denseSlots(b, after, n)
			if n == 1 {
				s.Blackouts[0].End = after.AddDate(0, 0, 300)
			}
			want := s.Blackouts[len(s.Blackouts)-1].End
			b.ReportAllocs()
			for b.Loop() {
				got, ok := s.Next(after, nil)
				if !ok || !got.Equal(want) {
					b.Fatalf("Next = %v, %v; want %v", got, ok, want)
				}
			}
		})
	}
}

// BenchmarkParseLongBYDAY parses a YEARLY rule with n BYDAY values and
// expands its first year; n=7 is the baseline. Rules with more than
// MaxRuleValues values are refused, and then only parsing is measured.
func BenchmarkParseLongBYDAY(b *testing.B) {
	start := recur.WallTime{Year: 2026, Month: 1, Day: 1, Hour: 9}
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, n := range []int{7, 1000, 133_333} {
		b.Run(fmt.Sprintf("values=%d", n), func(b *testing.B) {
			text := longByDay(n)
			b.ReportAllocs()
			for b.Loop() {
				r, err := recur.ParseRRule(text)
				if n > recur.MaxRuleValues {
					if err == nil {
						b.Fatalf("%d values accepted", n)
					}
					continue // measured: how long the refusal takes
				}
				if err != nil {
					b.Fatal(err)
				}
				rec := recur.Recurrence{Rule: r, Start: start, Location: time.UTC}
				for range rec.Occurrences(from, from.AddDate(1, 0, 0)) {
				}
			}
		})
	}
}
