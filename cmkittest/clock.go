package cmkittest

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/cmkit/cmkit"
)

// Clock is a simulated cmkit.Clock. Time stands still until the test moves
// it with Advance or Set; timers fire when the simulated time reaches their
// deadline. Use it for every service under test, so tests replay fixed
// instants instead of sleeping.
//
// Moving the clock backwards (Set to an earlier instant) is allowed, to test
// how services cope; pending timers then wait for the clock to come forward
// again to their deadline.
//
// A Clock is safe for concurrent use.
type Clock struct {
	mu      sync.Mutex
	now     time.Time
	timers  []*fakeTimer
	changed chan struct{} // closed and replaced whenever a timer is added
}

var _ cmkit.Clock = (*Clock)(nil)

// NewClock returns a simulated clock that reads start.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start, changed: make(chan struct{})}
}

// Now returns the simulated instant.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// NewTimer returns a timer that fires when the simulated time reaches
// Now()+d. A d of zero or less fires at once.
func (c *Clock) NewTimer(d time.Duration) cmkit.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{clock: c, at: c.now.Add(d), ch: make(chan time.Time, 1)}
	if d <= 0 {
		t.ch <- c.now
		t.done = true
		return t
	}
	c.timers = append(c.timers, t)
	close(c.changed)
	c.changed = make(chan struct{})
	return t
}

// Advance moves the simulated time forward by d and fires, in deadline
// order, every timer that is due. A negative d moves it back.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(c.now.Add(d))
}

// Set moves the simulated time to t, forward or back, and fires every timer
// that is due.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.setLocked(t)
}

func (c *Clock) setLocked(t time.Time) {
	c.now = t
	sort.SliceStable(c.timers, func(i, j int) bool { return c.timers[i].at.Before(c.timers[j].at) })
	keep := c.timers[:0]
	for _, tm := range c.timers {
		if !tm.at.After(t) {
			tm.done = true
			tm.ch <- tm.at // buffered, and each timer fires once
			continue
		}
		keep = append(keep, tm)
	}
	clear(c.timers[len(keep):])
	c.timers = keep
}

// Pending returns how many timers wait to fire.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// WaitForTimers blocks until at least n timers wait to fire, or ctx is done.
// A test calls it before Advance to be sure that the goroutine under test
// has gone to sleep, so the advance wakes it rather than racing it.
func (c *Clock) WaitForTimers(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		got, changed := len(c.timers), c.changed
		c.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// NextDeadline returns the earliest pending timer's deadline, and false when
// no timer is pending.
func (c *Clock) NextDeadline() (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.timers) == 0 {
		return time.Time{}, false
	}
	min := c.timers[0].at
	for _, t := range c.timers[1:] {
		if t.at.Before(min) {
			min = t.at
		}
	}
	return min, true
}

type fakeTimer struct {
	clock *Clock
	at    time.Time
	ch    chan time.Time
	done  bool // fired or stopped; guarded by clock.mu
}

func (t *fakeTimer) C() <-chan time.Time { return t.ch }

func (t *fakeTimer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	if t.done {
		return false
	}
	t.done = true
	if i := slices.Index(c.timers, t); i >= 0 {
		c.timers = slices.Delete(c.timers, i, i+1)
	}
	return true
}
