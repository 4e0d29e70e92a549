//go:build !race

package spell_test

const raceEnabled = false
