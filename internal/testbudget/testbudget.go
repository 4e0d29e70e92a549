// Package testbudget holds the limits that tests of several packages
// share: how long one fuzz input may take, whether the race detector,
// which slows code down about tenfold, is on, and how a test checks that
// code allocates nothing, with or without the race detector (NoAllocs).
package testbudget

import (
	"testing"
	"time"
)

// Fuzz is how long one fuzz input may take to load and use (parse, round
// trip, expand a bounded number of occurrences, find free slots), in wall
// time: a small input that takes seconds fails. Typical inputs take well
// under a millisecond, but fuzzing workers on a loaded two-core machine
// have seen a 0.3 ms input take 408 ms of wall time, hence half a second.
// Under the race detector it is ten times as long.
const Fuzz = 500 * time.Millisecond * raceSlowdown

// CheckFuzz fails t when more than Fuzz passed since start, quoting the
// first 200 bytes of input. Defer it at the top of a fuzz function:
//
//	defer testbudget.CheckFuzz(t, time.Now(), data)
func CheckFuzz(t testing.TB, start time.Time, input string) {
	t.Helper()
	if d := time.Since(start); d > Fuzz {
		n := len(input)
		if n > 200 {
			input = input[:200] + "..."
		}
		t.Fatalf("%v for an input of %d bytes (budget %v): %q", d, n, Fuzz, input)
	}
}
