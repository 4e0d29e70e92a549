//go:build race

package calendar_test

// simDefaultSeeds is how many seeds TestSimulation runs by default: fewer
// under the race detector, which slows it about tenfold.
const simDefaultSeeds = 100
