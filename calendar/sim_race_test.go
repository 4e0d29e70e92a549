//go:build race

package calendar_test

// simDefaultSeeds is how many seeds TestSimulation runs by default. Under
// the race detector 500 seeds take about 20 s on 2 CPUs (5 s without), too
// long for "go test -race -count=10 ./..." within the default timeout; the
// race detector looks for data races, which 100 seeds exercise as well, and
// the full 500 run without it.
const simDefaultSeeds = 100
