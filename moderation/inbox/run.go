package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cmkit/cmkit"
)

// DefaultRunInterval is how often Run repeats Step unless WithRunInterval
// says otherwise.
const DefaultRunInterval = 30 * time.Second

// WithRunInterval sets how often Run repeats Step (default
// DefaultRunInterval); it must be positive.
func WithRunInterval(d time.Duration) Option {
	return func(ib *Inbox) error {
		if d <= 0 {
			return cmkit.Invalid("WithRunInterval", "range", "%v is not positive", d)
		}
		ib.runEvery = d
		return nil
	}
}

// Step does the inbox's background work once, in this order: pull every
// channel that reads mentions (PullAll), retry due moderation actions on
// the platforms (Moderate), take over answers whose sender's lease ended
// (RecoverReplies), assign waiting conversations (AutoAssign),
// deliver due tickets to customer service (Handoffs), send due SLA
// warnings and breaches (SLATimers), and pull the search sources of
// listening (Search). A failing part does not stop the
// others; Step returns their errors joined, each naming its part.
func (ib *Inbox) Step(ctx context.Context) error {
	parts := [...]struct {
		name string
		do   func(context.Context) (int, error)
	}{
		{"pull", ib.PullAll},
		{"moderate", ib.Moderate},
		{"replies", ib.RecoverReplies},
		{"assign", ib.AutoAssign},
		{"handoff", ib.Handoffs},
		{"sla", ib.SLATimers},
		{"search", ib.Search},
	}
	var errs []error
	for _, p := range parts {
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		if _, err := p.do(ctx); err != nil {
			errs = append(errs, fmt.Errorf("inbox: %s: %w", p.name, err))
		}
	}
	return errors.Join(errs...)
}

// Run repeats Step on the inbox's clock until ctx is done, logging what
// fails, and returns ctx's error. It is the only loop the inbox has; the
// caller starts it and stops it.
func (ib *Inbox) Run(ctx context.Context) error {
	every := ib.runEvery
	if every == 0 {
		every = DefaultRunInterval
	}
	for {
		if err := ib.Step(ctx); err != nil && ctx.Err() == nil {
			ib.log.WarnContext(ctx, "inbox step failed", "err", err)
		}
		t := ib.clock.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C():
		}
	}
}
