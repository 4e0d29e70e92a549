package calendar

import (
	"time"

	"github.com/cmkit/cmkit"
)

// PublisherConfig holds a Publisher's settings. Start from
// DefaultPublisherConfig and change what you need: a zero value is a
// setting too (MaxLate 0 turns the lateness limit off), so a field left
// out does not mean "default". NewPublisher refuses a config that Validate
// refuses.
type PublisherConfig struct {
	// Name names the publisher in leases and attempts; "" picks a random
	// "publisher-…". Publishers that share a store should have distinct
	// names, for people reading attempts; correctness does not depend on
	// it.
	Name string
	// Lease is how long a claim lasts (default 2 minutes). It must be at
	// least twice CallTimeout: the publisher renews its lease right before
	// each platform call, so a call ends (by its timeout) a margin of
	// Lease − CallTimeout before the lease does. That margin is also how
	// far the clocks of publishers sharing a store may disagree.
	Lease time.Duration
	// CallTimeout bounds each platform call (default 30 seconds), measured
	// on the calendar's clock: the call's context is cancelled when it
	// runs out. Adapters must return soon after their context ends.
	CallTimeout time.Duration
	// Batch is how many entries one round claims (default 50).
	Batch int
	// Concurrency is how many claimed entries the publisher works on at
	// once (default 4). Entries that share a channel are still worked on
	// one after another, in the order claimed, so each channel's posts keep
	// their order and its rate limits hold; one platform that hangs holds
	// up only the entries on its channels. Above 1, the Hook may be called
	// from several goroutines at once.
	Concurrency int
	// Poll is how long Run waits when nothing is due (default 5 seconds).
	Poll time.Duration
	// MaxAttempts is how many attempts a variant gets before it is dead
	// (default 8); rate-limit answers do not count.
	MaxAttempts int
	// Backoff is the wait after the first failure, doubled per attempt up
	// to MaxBackoff, with ±20% jitter (default 30 seconds to 30 minutes),
	// and never shorter than a platform's RetryAfter.
	Backoff, MaxBackoff time.Duration
	// MaxLate is how late an entry may still be published (default 1
	// hour; 0 turns the limit off), counted from its planned time or from a
	// person's later release (Entry.ReleasedAt) and checked at every claim,
	// retries included. This is what stops a publisher that was down for a
	// day from publishing yesterday's posts in one burst, and a retry that
	// waited out a long rate limit from going out days late: a retry
	// planned past the limit is claimed right after it, so that Missed
	// decides then, with an event.
	MaxLate time.Duration
	// Missed is what happens to an entry later than MaxLate (default
	// HoldMissed; PublishMissed publishes anyway; MoveMissed asks
	// Reschedule for a new time).
	Missed MissedPolicy
	// Reschedule gives MoveMissed the new time; Calendar.NextFree fits.
	// Required with MoveMissed.
	Reschedule func(e Entry, now time.Time) (time.Time, bool)
	// RateLimits limits publishing per channel ID (default none; the
	// platforms' own rate-limit answers are always honoured).
	RateLimits map[string]RateLimit
	// Seed makes the backoff jitter repeatable; 0 seeds it at random.
	Seed uint64
}

// RateLimit is a client-side limit of one post per Every on a channel, with
// bursts of up to Burst.
type RateLimit struct {
	// Every is the interval between posts.
	Every time.Duration
	// Burst is how many posts may go out at once.
	Burst int
}

// DefaultPublisherConfig returns the defaults each field of
// PublisherConfig names.
func DefaultPublisherConfig() PublisherConfig {
	return PublisherConfig{Lease: 2 * time.Minute, CallTimeout: 30 * time.Second, Batch: 50, Concurrency: 4,
		Poll: 5 * time.Second, MaxAttempts: 8, Backoff: 30 * time.Second, MaxBackoff: 30 * time.Minute,
		MaxLate: time.Hour, Missed: HoldMissed}
}

// Validate reports the first setting that cannot work, as an error
// wrapping cmkit.ErrInvalid whose field names it ("PublisherConfig.Lease").
func (c PublisherConfig) Validate() error {
	const f = "PublisherConfig."
	switch {
	case c.Batch < 1:
		return cmkit.Invalid(f+"Batch", "positive", "got %d", c.Batch)
	case c.Concurrency < 1:
		return cmkit.Invalid(f+"Concurrency", "positive", "got %d", c.Concurrency)
	case c.CallTimeout <= 0:
		return cmkit.Invalid(f+"CallTimeout", "positive", "got %s", c.CallTimeout)
	case c.Lease < 2*c.CallTimeout:
		return cmkit.Invalid(f+"Lease", "twice_call_timeout", "lease %s must be at least twice the call timeout %s", c.Lease, c.CallTimeout)
	case c.Poll <= 0:
		return cmkit.Invalid(f+"Poll", "positive", "got %s", c.Poll)
	case c.MaxAttempts < 1:
		return cmkit.Invalid(f+"MaxAttempts", "positive", "got %d", c.MaxAttempts)
	case c.Backoff <= 0 || c.MaxBackoff < c.Backoff:
		return cmkit.Invalid(f+"Backoff", "range", "0 < Backoff <= MaxBackoff, got %s and %s", c.Backoff, c.MaxBackoff)
	case c.MaxLate < 0:
		return cmkit.Invalid(f+"MaxLate", "non_negative", "got %s", c.MaxLate)
	case c.Missed < HoldMissed || c.Missed > MoveMissed:
		return cmkit.Invalid(f+"Missed", "unknown", "choose HoldMissed, PublishMissed or MoveMissed")
	case c.Missed == MoveMissed && c.Reschedule == nil:
		return cmkit.Invalid(f+"Reschedule", "required", "MoveMissed needs a function that finds the next slot")
	}
	for ch, rl := range c.RateLimits {
		if ch == "" || rl.Every <= 0 || rl.Burst < 1 {
			return cmkit.Invalid(f+"RateLimits["+ch+"]", "range", "a channel, a positive interval and a burst of at least 1")
		}
	}
	return nil
}
