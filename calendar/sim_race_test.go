//go:build race

package calendar_test

// simDefaultSeeds is how many seeds TestSimulation runs by default. Under
// the race detector 500 seeds take about 20 s on 2 CPUs (5 s without);
// lower this if the behaviours grow.
const simDefaultSeeds = 500
