package cmkit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/cmkit/cmkit"
)

func TestSystemClock(t *testing.T) {
	c := cmkit.SystemClock()
	before := time.Now()
	now := c.Now()
	assert.False(t, now.Before(before))
	assert.NoError(t, cmkit.Sleep(context.Background(), c, time.Millisecond))
	tm := c.NewTimer(time.Hour)
	assert.True(t, tm.Stop())
	assert.False(t, tm.Stop())
}

func TestSleepZeroAndCanceled(t *testing.T) {
	c := cmkit.SystemClock()
	assert.NoError(t, cmkit.Sleep(context.Background(), c, 0))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, cmkit.Sleep(ctx, c, 0), context.Canceled)
	assert.ErrorIs(t, cmkit.Sleep(ctx, c, time.Hour), context.Canceled, "returns at once, without waiting an hour")
}
