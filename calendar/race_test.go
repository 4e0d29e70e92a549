//go:build race

package calendar_test

// raceSlowdown scales fuzzBudget under the race detector.
const raceSlowdown = 10
