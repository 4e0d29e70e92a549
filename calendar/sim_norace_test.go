//go:build !race

package calendar_test

// simDefaultSeeds is how many seeds TestSimulation runs by default.
const simDefaultSeeds = 500
