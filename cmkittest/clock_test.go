package cmkittest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
)

var t0 = time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC)

func fired(tm cmkit.Timer) (time.Time, bool) {
	select {
	case at := <-tm.C():
		return at, true
	default:
		return time.Time{}, false
	}
}

func TestClockTimersFireInDeadlineOrder(t *testing.T) {
	c := cmkittest.NewClock(t0)
	late := c.NewTimer(2 * time.Hour)
	early := c.NewTimer(time.Hour)
	assert.Equal(t, 2, c.Pending())
	next, ok := c.NextDeadline()
	require.True(t, ok)
	assert.Equal(t, t0.Add(time.Hour), next)

	c.Advance(59 * time.Minute)
	_, ok = fired(early)
	assert.False(t, ok, "fired before its deadline")

	c.Advance(time.Minute)
	at, ok := fired(early)
	require.True(t, ok)
	assert.Equal(t, t0.Add(time.Hour), at, "a timer delivers its deadline")
	_, ok = fired(late)
	assert.False(t, ok)

	c.Advance(3 * time.Hour)
	at, ok = fired(late)
	require.True(t, ok)
	assert.Equal(t, t0.Add(2*time.Hour), at)
	assert.Equal(t, t0.Add(4*time.Hour), c.Now())
	assert.Equal(t, 0, c.Pending())
	_, ok = c.NextDeadline()
	assert.False(t, ok)
}

func TestClockStop(t *testing.T) {
	c := cmkittest.NewClock(t0)
	tm := c.NewTimer(time.Minute)
	assert.True(t, tm.Stop(), "first Stop stops it")
	assert.False(t, tm.Stop(), "second Stop has nothing to stop")
	c.Advance(time.Hour)
	_, ok := fired(tm)
	assert.False(t, ok, "a stopped timer never fires")

	done := c.NewTimer(time.Second)
	c.Advance(time.Second)
	assert.False(t, done.Stop(), "Stop after firing reports false")
}

func TestClockZeroDurationFiresAtOnce(t *testing.T) {
	c := cmkittest.NewClock(t0)
	at, ok := fired(c.NewTimer(0))
	require.True(t, ok)
	assert.Equal(t, t0, at)
	assert.Equal(t, 0, c.Pending())
}

func TestClockBackwards(t *testing.T) {
	c := cmkittest.NewClock(t0)
	tm := c.NewTimer(time.Hour)
	c.Set(t0.Add(-24 * time.Hour))
	assert.Equal(t, t0.Add(-24*time.Hour), c.Now())
	_, ok := fired(tm)
	assert.False(t, ok, "going back fires nothing")
	c.Advance(24 * time.Hour)
	_, ok = fired(tm)
	assert.False(t, ok, "back where it started: the deadline is still an hour away")
	c.Advance(time.Hour)
	_, ok = fired(tm)
	assert.True(t, ok)
}

func TestClockDrivesSleep(t *testing.T) {
	c := cmkittest.NewClock(t0)
	done := make(chan error, 1)
	go func() { done <- cmkit.Sleep(context.Background(), c, 10*time.Minute) }()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, c.WaitForTimers(ctx, 1))
	select {
	case <-done:
		t.Fatal("Sleep returned before the clock moved")
	default:
	}
	c.Advance(10 * time.Minute)
	require.NoError(t, <-done)
	assert.Equal(t, 0, c.Pending(), "Sleep stops its timer")
}

func TestSleepEndsWithContext(t *testing.T) {
	c := cmkittest.NewClock(t0)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- cmkit.Sleep(ctx, c, time.Hour) }()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	require.NoError(t, c.WaitForTimers(wctx, 1))
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	assert.Equal(t, 0, c.Pending(), "a canceled Sleep stops its timer")
}

func TestWaitForTimersHonoursContext(t *testing.T) {
	c := cmkittest.NewClock(t0)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, c.WaitForTimers(ctx, 1), context.Canceled)
}
