package clockctx_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/internal/clockctx"
)

type key struct{}

func TestTimeoutOnASimulatedClock(t *testing.T) {
	clock := cmkittest.NewClock(time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC))
	parent, cancelParent := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	ctx, cancel := clockctx.WithTimeout(parent, clock, time.Minute)
	defer cancel()
	cancelParent()
	if ctx.Err() != nil {
		t.Fatal("the parent's cancellation reached the call")
	}
	if ctx.Value(key{}) != "v" {
		t.Fatal("the parent's values are lost")
	}
	clock.Advance(time.Minute - time.Nanosecond)
	if ctx.Err() != nil {
		t.Fatal("cancelled before the timeout")
	}
	clock.Advance(time.Nanosecond)
	<-ctx.Done()
	if !errors.Is(context.Cause(ctx), context.DeadlineExceeded) {
		t.Fatalf("cause %v, want context.DeadlineExceeded", context.Cause(ctx))
	}
}

func TestReleaseStopsTheTimer(t *testing.T) {
	clock := cmkittest.NewClock(time.Date(2026, 3, 29, 0, 0, 0, 0, time.UTC))
	ctx, cancel := clockctx.WithTimeout(context.Background(), clock, time.Minute)
	if clock.Pending() != 1 {
		t.Fatalf("%d timers pending, want 1", clock.Pending())
	}
	cancel()
	if clock.Pending() != 0 {
		t.Fatalf("%d timers pending after the release, want 0", clock.Pending())
	}
	if !errors.Is(context.Cause(ctx), context.Canceled) {
		t.Fatalf("cause %v, want context.Canceled", context.Cause(ctx))
	}
}

func TestTimeoutOnTheSystemClock(t *testing.T) {
	ctx, cancel := clockctx.WithTimeout(context.Background(), cmkit.SystemClock(), time.Millisecond)
	defer cancel()
	if _, ok := ctx.Deadline(); !ok {
		t.Fatal("no deadline on the system clock")
	}
	<-ctx.Done()
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("err %v, want context.DeadlineExceeded", ctx.Err())
	}
}
