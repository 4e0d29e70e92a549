package crisis

import (
	"math"
	"time"
)

// Delay is a duration written in JSON as Go writes durations ("90s",
// "15m", "1h30m"), for the plan's deadlines and intervals.
type Delay time.Duration

// badDelay marks a Delay whose JSON text was not a duration, so that
// Validate can name the field; encoding/json would not.
const badDelay = Delay(math.MinInt64)

// D returns the Delay as a time.Duration.
func (d Delay) D() time.Duration { return time.Duration(d) }

// String writes the delay as time.Duration does ("15m0s").
func (d Delay) String() string { return time.Duration(d).String() }

// MarshalText writes the delay as time.Duration's String does.
func (d Delay) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a duration such as "15m". Text that is not a
// duration is kept as a mark that Validate reports with the field's path.
func (d *Delay) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil || v == math.MinInt64 {
		*d = badDelay
		return nil
	}
	*d = Delay(v)
	return nil
}
