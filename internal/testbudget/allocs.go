package testbudget

import (
	"runtime"
	"testing"
)

// NoAllocs checks that f, called over and over, allocates nothing once it
// is warm.
//
// Without the race detector the check is exact: testing.AllocsPerRun over
// runs calls must be zero.
//
// Code that keeps its scratch space in a sync.Pool cannot show that under
// the race detector: there, sync.Pool.Put drops a quarter of what it is
// given at random, so a call finds a pool empty, and allocates its scratch
// again, now and then (a call with k round trips through pools finds them
// all full with probability 0.75^k: 0.35% of the calls of a spelling
// check with about twenty). Under the race detector NoAllocs therefore
// makes at least raceRuns calls and requires one of them at least to
// allocate nothing at all: pool misses pass, but code that allocates on
// every call fails.
func NoAllocs(t testing.TB, runs int, f func()) {
	t.Helper()
	if !Race {
		if avg := testing.AllocsPerRun(runs, f); avg != 0 {
			t.Errorf("%v allocations per call, want 0", avg)
		}
		return
	}
	runs = max(runs, raceRuns)
	if zero := callsWithoutAllocs(runs, f); zero == 0 {
		t.Errorf("under the race detector, every one of %d calls allocated", runs)
	}
}

// raceRuns is the fewest calls NoAllocs makes under the race detector.
const raceRuns = 5000

// callsWithoutAllocs calls f once to warm it, then runs times, and returns
// how many of those calls made no allocation. Like testing.AllocsPerRun,
// it runs with GOMAXPROCS set to 1 so that other goroutines allocate as
// little as possible meanwhile.
func callsWithoutAllocs(runs int, f func()) int {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	f()
	var before, after runtime.MemStats
	zero := 0
	for i := 0; i < runs; i++ {
		runtime.ReadMemStats(&before)
		f()
		runtime.ReadMemStats(&after)
		if after.Mallocs == before.Mallocs {
			zero++
		}
	}
	return zero
}
