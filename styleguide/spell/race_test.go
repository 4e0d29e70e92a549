//go:build race

package spell_test

// raceEnabled: the race detector makes sync.Pool drop buffers at random,
// so allocation counts mean nothing.
const raceEnabled = true
