package calendar_test

import (
	"testing"
	"time"
)

// fuzzBudget is how long one fuzz input may take to load and use (parse,
// round trip, expand a bounded number of occurrences, find free slots):
// generous for a slow CI machine, yet a small input that takes seconds
// fails. The race detector slows code down about tenfold, so it gets ten
// times as much.
const fuzzBudget = 100 * time.Millisecond * raceSlowdown

// checkFuzzBudget fails t when more than fuzzBudget passed since start.
func checkFuzzBudget(t *testing.T, start time.Time, input string) {
	t.Helper()
	if d := time.Since(start); d > fuzzBudget {
		n := len(input)
		if n > 200 {
			input = input[:200] + "..."
		}
		t.Fatalf("%v for an input of %d bytes (budget %v): %q", d, n, fuzzBudget, input)
	}
}
