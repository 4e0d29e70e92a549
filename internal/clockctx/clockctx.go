// Package clockctx bounds a call by a time limit on a cmkit.Clock, so that
// a simulated clock decides when a platform call times out, as it decides
// when a lease ends.
package clockctx

import (
	"context"
	"time"

	"github.com/cmkit/cmkit"
)

// WithTimeout returns a context, detached from parent's cancellation but
// carrying its values, that is cancelled d after now on clock, and the
// function that releases it. A caller shutting down does not cut the call
// short: its outcome is still recorded. On the system clock it is the
// runtime's own timer (no goroutine); on another clock one goroutine waits
// for the clock's timer until the release.
func WithTimeout(parent context.Context, clock cmkit.Clock, d time.Duration) (context.Context, context.CancelFunc) {
	base := context.WithoutCancel(parent)
	if clock == cmkit.SystemClock() {
		return context.WithTimeout(base, d)
	}
	ctx, cancel := context.WithCancelCause(base)
	t := clock.NewTimer(d)
	stop := make(chan struct{})
	go func() {
		select {
		case <-t.C():
			cancel(context.DeadlineExceeded)
		case <-stop:
		}
	}()
	return ctx, func() {
		close(stop)
		t.Stop()
		cancel(context.Canceled)
	}
}
