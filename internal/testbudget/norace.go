//go:build !race

package testbudget

// Race reports whether the race detector is on: the heaviest tests (the
// calendar's reliability test, the slot search cross-check) do less under
// it, so that "go test -race -count=10 ./..." stays within the default
// ten-minute timeout on a loaded two-core machine.
const Race = false

// raceSlowdown scales Fuzz under the race detector.
const raceSlowdown = 1
