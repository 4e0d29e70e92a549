package cmkit

import (
	"context"
	"time"
)

// Clock is where services read the time and wait for it. Every service takes
// one as an option (default SystemClock), so tests and crisis drills run on
// simulated time (cmkittest.Clock) without sleeping.
//
// Services read Now once per call and pass that instant down; long-running
// loops wait with NewTimer (see Sleep), so a simulated clock can wake them.
// A Clock must be safe for concurrent use.
type Clock interface {
	// Now returns the current instant.
	Now() time.Time
	// NewTimer returns a timer that fires once, d after Now.
	NewTimer(d time.Duration) Timer
}

// Timer is a one-shot timer made by a Clock, like *time.Timer.
type Timer interface {
	// C returns the channel on which the firing instant is delivered.
	C() <-chan time.Time
	// Stop prevents the timer from firing. It reports whether the call
	// stopped it (false if it had already fired or been stopped).
	Stop() bool
}

// SystemClock returns the Clock of the operating system: time.Now and
// time.NewTimer.
func SystemClock() Clock { return systemClock{} }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) NewTimer(d time.Duration) Timer { return sysTimer{time.NewTimer(d)} }

type sysTimer struct{ t *time.Timer }

func (t sysTimer) C() <-chan time.Time { return t.t.C }
func (t sysTimer) Stop() bool          { return t.t.Stop() }

// Sleep waits for d on clock c, or until ctx is done, whichever comes first.
// It returns nil after the wait and ctx.Err() when ctx ended it. A d of zero
// or less returns at once (with ctx.Err() if ctx is already done).
func Sleep(ctx context.Context, c Clock, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := c.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
