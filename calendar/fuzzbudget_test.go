package calendar_test

import (
	"testing"
	"time"
)

// fuzzBudget is how long one fuzz input may take to load and use (parse,
// round trip, expand a bounded number of occurrences, find free slots),
// in wall time: a small input that takes seconds fails. Typical inputs take
// well under a millisecond, but fuzzing workers on a loaded two-core
// machine have seen a 0.3 ms input take 408 ms of wall time, hence half a
// second. The race detector slows code down about tenfold, so it gets ten
// times as much.
const fuzzBudget = 500 * time.Millisecond * raceSlowdown

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
