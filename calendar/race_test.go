//go:build race

package calendar_test

// raceSlowdown scales fuzzBudget under the race detector.
const raceSlowdown = 10

// raceEnabled reports whether the race detector is on: the heaviest tests
// (TestReliability, TestSimulation, the slot search cross-check) do less
// under it, so that "go test -race -count=10 ./..." stays within the
// default ten-minute timeout on a loaded two-core machine.
const raceEnabled = true
