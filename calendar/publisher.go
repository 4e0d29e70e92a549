package calendar

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/cmkit/cmkit"
)

// Publisher publishes what is due on a Calendar: it claims due entries from
// the store with a lease, checks each again at claim time (approval, pauses,
// lateness, the channel's limits), and publishes each unsent variant
// through its channel. Several publishers, in one process or many, may
// share a store: the lease makes sure one entry has one publisher at a
// time.
//
// What it promises, per variant:
//
//   - A post is never published twice by a retry. Before calling the
//     platform it records the attempt as "sending"; after an ambiguous
//     failure (or finding an attempt still "sending", left by a publisher
//     that died) it retries only on a RetryIdempotent channel, or on a
//     RetryAfterLookup channel once FindPost says the post is absent.
//     Otherwise the variant goes to Unknown and the entry to Verify, for a
//     person (Calendar.Resolve).
//   - A post is never silently dropped. Transient failures are retried
//     with exponential backoff and jitter (honouring a platform's
//     RetryAfter) up to MaxAttempts, then the variant is Dead with its
//     whole attempt history; permanent failures make it Rejected. One
//     channel's failure never touches another's variant.
//   - Nothing unapproved, paused or too late goes out: those checks run
//     when the entry is claimed, not only when it was scheduled.
//
// Run is the long-running loop; RunOnce does one round, for tests and for
// products that drive publishing from their own scheduler.
type Publisher struct {
	cal         *Calendar
	name        string
	batch       int
	lease       time.Duration
	poll        time.Duration
	callTimeout time.Duration
	maxAttempts int
	backoff     time.Duration
	maxBackoff  time.Duration
	maxLate     time.Duration
	late        MissedPolicy
	next        func(Entry, time.Time) (time.Time, bool)
	rates       map[string]rateConfig

	mu       sync.Mutex
	rng      *rand.Rand
	limiters map[string]*limiter
}

type rateConfig struct {
	every time.Duration
	burst int
}

// limiter is one channel's client-side rate limit plus the platform's own
// "retry after" answer.
type limiter struct {
	rl      *rate.Limiter
	blocked time.Time
}

// PublisherOption configures a Publisher.
type PublisherOption func(*Publisher) error

// WithName names the publisher in leases and attempts (default a random
// "publisher-…").
func WithName(name string) PublisherOption {
	return func(p *Publisher) error {
		if name == "" {
			return cmkit.Invalid("WithName", "required", "")
		}
		p.name = name
		return nil
	}
}

// WithLease sets how long a claim lasts (default 2 minutes). It must exceed
// the call timeout: a publisher never calls a platform on a lease that may
// expire during the call.
func WithLease(d time.Duration) PublisherOption {
	return func(p *Publisher) error { p.lease = d; return nil }
}

// WithCallTimeout bounds each platform call (default 30 seconds).
func WithCallTimeout(d time.Duration) PublisherOption {
	return func(p *Publisher) error { p.callTimeout = d; return nil }
}

// WithBatch sets how many entries one round claims (default 50).
func WithBatch(n int) PublisherOption {
	return func(p *Publisher) error { p.batch = n; return nil }
}

// WithPoll sets how long Run waits when nothing is due (default 5 seconds).
func WithPoll(d time.Duration) PublisherOption {
	return func(p *Publisher) error { p.poll = d; return nil }
}

// WithRetries sets the attempts per variant before it is dead (default 8)
// and the backoff: base doubles per attempt up to max, with ±20% jitter
// (default 30 seconds to 30 minutes).
func WithRetries(maxAttempts int, base, max time.Duration) PublisherOption {
	return func(p *Publisher) error {
		p.maxAttempts, p.backoff, p.maxBackoff = maxAttempts, base, max
		return nil
	}
}

// WithRateLimit limits publishing on one channel to one post per every,
// with bursts of burst (default: no client-side limit; the platform's own
// rate-limit answers are always honoured).
func WithRateLimit(channel string, every time.Duration, burst int) PublisherOption {
	return func(p *Publisher) error {
		if channel == "" || every <= 0 || burst < 1 {
			return cmkit.Invalid("WithRateLimit", "range", "a channel, a positive interval and a burst of at least 1")
		}
		p.rates[channel] = rateConfig{every, burst}
		return nil
	}
}

// WithLateness sets how late an entry may still be published when it is
// first claimed (default 1 hour), and what happens to one later than that
// (default HoldMissed; PublishMissed publishes anyway; MoveMissed asks next
// for a new time). This is what stops a publisher that was down for a day
// from publishing yesterday's posts in one burst.
func WithLateness(maxLate time.Duration, late MissedPolicy, next func(Entry, time.Time) (time.Time, bool)) PublisherOption {
	return func(p *Publisher) error {
		p.maxLate, p.late, p.next = maxLate, late, next
		return nil
	}
}

// WithSeed makes the backoff jitter repeatable.
func WithSeed(seed uint64) PublisherOption {
	return func(p *Publisher) error { p.rng = rand.New(rand.NewPCG(seed, seed+1)); return nil }
}

// NewPublisher returns a publisher for cal. Bad options are errors wrapping
// cmkit.ErrInvalid that name the option.
func NewPublisher(cal *Calendar, opts ...PublisherOption) (*Publisher, error) {
	if cal == nil {
		return nil, cmkit.Invalid("calendar", "required", "nil Calendar")
	}
	p := &Publisher{cal: cal, batch: 50, lease: 2 * time.Minute, poll: 5 * time.Second,
		callTimeout: 30 * time.Second, maxAttempts: 8, backoff: 30 * time.Second, maxBackoff: 30 * time.Minute,
		maxLate: time.Hour, late: HoldMissed, rates: map[string]rateConfig{}, limiters: map[string]*limiter{}}
	for _, o := range opts {
		if err := o(p); err != nil {
			return nil, err
		}
	}
	switch {
	case p.batch < 1:
		return nil, cmkit.Invalid("WithBatch", "positive", "got %d", p.batch)
	case p.callTimeout <= 0:
		return nil, cmkit.Invalid("WithCallTimeout", "positive", "got %s", p.callTimeout)
	case p.lease <= p.callTimeout:
		return nil, cmkit.Invalid("WithLease", "longer_than_call_timeout", "lease %s must exceed the call timeout %s", p.lease, p.callTimeout)
	case p.poll <= 0:
		return nil, cmkit.Invalid("WithPoll", "positive", "got %s", p.poll)
	case p.maxAttempts < 1 || p.backoff <= 0 || p.maxBackoff < p.backoff:
		return nil, cmkit.Invalid("WithRetries", "range", "at least 1 attempt and 0 < base <= max")
	case p.maxLate < 0 || p.late < HoldMissed || p.late > MoveMissed || p.late == MoveMissed && p.next == nil:
		return nil, cmkit.Invalid("WithLateness", "range", "a non-negative lateness and a policy (MoveMissed needs next)")
	}
	if p.rng == nil {
		p.rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	if p.name == "" {
		p.name = fmt.Sprintf("publisher-%08x", p.rng.Uint32())
	}
	return p, nil
}

// Run publishes due entries until ctx ends, then returns nil. Between
// rounds it waits on the calendar's clock, so a simulated clock drives it.
// On shutdown it finishes the platform call in flight and records its
// outcome; entries it had claimed but not reached become due again when
// their leases end.
func (p *Publisher) Run(ctx context.Context) error {
	for {
		n, err := p.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			p.cal.log.ErrorContext(ctx, "calendar: publisher round failed", "publisher", p.name, "error", err)
		}
		if n == 0 || err != nil {
			if cmkit.Sleep(ctx, p.cal.clock, p.poll) != nil {
				return nil
			}
		}
	}
}

// RunOnce claims one batch of due entries and works on each, returning how
// many it claimed.
func (p *Publisher) RunOnce(ctx context.Context) (int, error) {
	now := p.cal.clock.Now()
	claimed, err := p.cal.store.Claim(ctx, ClaimRequest{Now: now, Limit: p.batch, Owner: p.name, Lease: p.lease})
	if err != nil {
		return 0, err
	}
	if len(claimed) == 0 {
		return 0, nil
	}
	pauses, err := p.cal.store.Pauses(ctx)
	if err != nil {
		return len(claimed), err
	}
	for _, c := range claimed {
		if ctx.Err() != nil {
			break // the rest become due again when their leases end
		}
		if err := p.process(ctx, c, pauses); err != nil && !errors.Is(err, errLeaseLost) {
			p.cal.log.WarnContext(ctx, "calendar: publishing an entry failed", "entry", c.ID, "error", err)
		}
	}
	return len(claimed), nil
}

// errLeaseLost stops work on an entry whose lease another publisher took.
var errLeaseLost = errors.New("calendar: lease lost")

// put writes e; a version conflict means the lease was lost.
func (p *Publisher) put(ctx context.Context, e *Entry) error {
	stored, err := p.cal.store.Put(context.WithoutCancel(ctx), *e)
	if errors.Is(err, cmkit.ErrConflict) {
		return errLeaseLost
	}
	if err != nil {
		return err
	}
	*e = stored
	return nil
}

func (p *Publisher) process(ctx context.Context, c Claimed, pauses []Pause) error {
	e, err := p.cal.store.Get(ctx, c.ID)
	if err != nil {
		return err
	}
	if e.Version != c.Version || e.Lease.Owner != p.name {
		return errLeaseLost
	}
	now := p.cal.clock.Now()
	if stop, err := p.claimChecks(ctx, &e, pauses, now); stop || err != nil {
		if err != nil {
			return err
		}
		return p.put(ctx, &e)
	}
	for i := range e.Variants {
		if ctx.Err() != nil || !p.cal.clock.Now().Add(p.callTimeout).Before(e.Lease.Expires) {
			break // shutting down, or too little lease left for another call
		}
		v := &e.Variants[i]
		if v.State.done() || v.NextAt.After(p.cal.clock.Now()) {
			continue
		}
		if err := p.publishVariant(ctx, &e, i); err != nil {
			return err
		}
	}
	settle(&e, p.name, p.cal.clock.Now(), "")
	return p.put(ctx, &e)
}

// claimChecks runs the checks that must hold when an entry is claimed. It
// reports true when the entry must not be published now, having set its new
// state.
func (p *Publisher) claimChecks(ctx context.Context, e *Entry, pauses []Pause, now time.Time) (bool, error) {
	switch e.State {
	case Scheduled, Publishing:
	case InReview:
		p.expire(ctx, e, now)
		return true, nil
	default:
		e.DueAt, e.Lease = time.Time{}, Lease{}
		return true, nil
	}
	for i := range pauses {
		if pauses[i].Holds(e) {
			e.PausedBy, e.DueAt, e.Lease = pauses[i].ID, time.Time{}, Lease{}
			p.cal.emit(ctx, Event{Kind: "held", Entry: e.ID, At: now, Detail: "paused by " + pauses[i].ID})
			return true, nil
		}
	}
	if e.State == Publishing {
		return false, nil // approval and lateness were checked before the first send
	}
	st, err := p.cal.team.ApprovalStatus(ctx, p.cal.policy, p.cal.item(e), e.Approvals)
	if err != nil {
		return false, err
	}
	if !st.Approved {
		p.expire(ctx, e, now)
		return true, nil
	}
	if p.maxLate > 0 && now.Sub(e.At) > p.maxLate {
		switch p.late {
		case PublishMissed:
		case MoveMissed:
			if t, ok := p.next(*e, now); ok {
				e.At, e.DueAt, e.Lease = t, t, Lease{}
				e.History = append(e.History, Transition{At: now, By: p.name, From: e.State, To: e.State,
					Note: "too late; moved to " + t.Format(time.RFC3339)})
				return true, nil
			}
			fallthrough
		default:
			e.DueAt, e.Lease = time.Time{}, Lease{}
			e.transition(Held, p.name, now, fmt.Sprintf("claimed %s after its time", now.Sub(e.At).Round(time.Second)))
			p.cal.emit(ctx, Event{Kind: "held", Entry: e.ID, At: now, Detail: "too late to publish"})
			return true, nil
		}
	}
	// Counting on our side, again, right before sending.
	if err := p.cal.validate(ctx, e); err != nil {
		var ce *CheckError
		if !errors.As(err, &ce) {
			return false, err
		}
		for _, f := range ce.Findings {
			if v := e.Variant(f.Channel); v != nil && !v.State.done() {
				v.State, v.Error = Rejected, f.Check+" "+f.Rule+": "+f.Message
			}
		}
		e.transition(Publishing, p.name, now, "")
		settle(e, p.name, now, "failed its checks at send time")
		p.cal.emit(ctx, Event{Kind: "failed", Entry: e.ID, At: now, Err: err})
		return true, nil
	}
	e.transition(Publishing, p.name, now, "")
	return false, nil
}

// expire ends an entry that still needs approval at its time, telling
// whoever could approve it.
func (p *Publisher) expire(ctx context.Context, e *Entry, now time.Time) {
	var notify []string
	if st, err := p.cal.team.ApprovalStatus(ctx, p.cal.policy, p.cal.item(e), e.Approvals); err == nil {
		for _, s := range st.Open() {
			for _, m := range s.CanApprove {
				if !slices.Contains(notify, m) {
					notify = append(notify, m)
				}
			}
		}
	}
	e.DueAt, e.Lease = time.Time{}, Lease{}
	e.transition(Expired, p.name, now, "not approved at its time")
	p.cal.emit(ctx, Event{Kind: "expired", Entry: e.ID, At: now, Notify: notify, Detail: "needs approval"})
}

// publishVariant makes at most one platform call for variant i (or one
// lookup and one call), recording the attempt before and its outcome after.
func (p *Publisher) publishVariant(ctx context.Context, e *Entry, i int) error {
	v := &e.Variants[i]
	ch, ok := p.cal.channels[v.Channel]
	if !ok {
		v.State, v.Error = Rejected, "channel not registered with this calendar"
		return nil
	}
	info := ch.Info()
	now := p.cal.clock.Now()

	// An attempt still "sending" was cut off: its outcome is unknown.
	if v.State == Sending {
		v.State = Pending
		v.Attempts[len(v.Attempts)-1].Outcome = "ambiguous"
		v.Attempts[len(v.Attempts)-1].Error = "the publisher stopped during the call"
		if !p.mayRetryAmbiguous(info, ch) {
			p.unknown(ctx, e, v, errors.New("a publish was cut off and the channel cannot be retried safely"))
			return nil
		}
	}
	if wait := p.wait(v.Channel, now); wait > 0 {
		v.NextAt = now.Add(wait)
		return nil
	}
	// After an ambiguous attempt on a lookup channel, look before retrying.
	if n := len(v.Attempts); n > 0 && v.Attempts[n-1].Outcome == "ambiguous" && info.RetrySafety == cmkit.RetryAfterLookup {
		done, err := p.lookup(ctx, e, v, ch)
		if done || err != nil {
			return err
		}
	}
	// The write fence: the attempt is on record before the platform hears of it.
	v.State = Sending
	v.Attempts = append(v.Attempts, Attempt{At: now, Publisher: p.name, Outcome: "sending"})
	if err := p.put(ctx, e); err != nil {
		return err
	}
	v = &e.Variants[i]
	sentAt := now
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.callTimeout)
	rc, err := ch.Publish(callCtx, v.Post)
	cancel()
	p.outcome(ctx, e, v, info, rc, err)
	if err := p.put(ctx, e); !errors.Is(err, errLeaseLost) {
		return err
	}
	return p.mergeOutcome(ctx, e.ID, *v, sentAt)
}

// mergeOutcome records a call's outcome after the entry changed under the
// publisher during the call (a pause, or a lease that ran out): if the
// attempt is still on record as ours and in flight, its outcome is written
// onto the current entry, so that a post known to be out is not later
// taken for unknown. The publisher then stops working on the entry.
func (p *Publisher) mergeOutcome(ctx context.Context, id uuid.UUID, ours Variant, sentAt time.Time) error {
	fresh, err := p.cal.store.Get(context.WithoutCancel(ctx), id)
	if err != nil {
		return err
	}
	fv := fresh.Variant(ours.Channel)
	if fv == nil || fv.State != Sending || len(fv.Attempts) == 0 {
		return errLeaseLost
	}
	last := fv.Attempts[len(fv.Attempts)-1]
	if last.Publisher != p.name || !last.At.Equal(sentAt) || last.Outcome != "sending" {
		return errLeaseLost
	}
	*fv = ours
	if _, err := p.cal.store.Put(context.WithoutCancel(ctx), fresh); err != nil && !errors.Is(err, cmkit.ErrConflict) {
		return err
	}
	return errLeaseLost
}

// mayRetryAmbiguous reports whether a post whose publish may have gone out
// can be tried again without risking a double post.
func (p *Publisher) mayRetryAmbiguous(info cmkit.ChannelInfo, ch cmkit.Channel) bool {
	switch info.RetrySafety {
	case cmkit.RetryIdempotent:
		return true
	case cmkit.RetryAfterLookup:
		_, ok := ch.(cmkit.PostFinder)
		return ok
	}
	return false
}

// lookup asks a RetryAfterLookup channel whether the post is out. It
// reports done when the variant is settled (found, or unknowable).
func (p *Publisher) lookup(ctx context.Context, e *Entry, v *Variant, ch cmkit.Channel) (bool, error) {
	now := p.cal.clock.Now()
	finder, ok := ch.(cmkit.PostFinder)
	if !ok {
		p.unknown(ctx, e, v, errors.New("the channel declares RetryAfterLookup but cannot look posts up"))
		return true, nil
	}
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), p.callTimeout)
	rc, err := finder.FindPost(callCtx, v.Post.ID)
	cancel()
	switch {
	case err == nil:
		v.Attempts = append(v.Attempts, Attempt{At: now, Publisher: p.name, Outcome: "found"})
		p.sent(ctx, e, v, rc)
		return true, nil
	case errors.Is(err, cmkit.ErrNotFound):
		v.Attempts = append(v.Attempts, Attempt{At: now, Publisher: p.name, Outcome: "absent"})
		return false, nil
	case cmkit.Classify(err) == cmkit.Transient:
		v.Attempts = append(v.Attempts, Attempt{At: now, Publisher: p.name, Outcome: "lookup-failed", Error: err.Error()})
		v.NextAt = now.Add(p.delay(len(v.Attempts), err))
		return true, nil
	}
	v.Attempts = append(v.Attempts, Attempt{At: now, Publisher: p.name, Outcome: "lookup-failed", Error: err.Error()})
	p.unknown(ctx, e, v, fmt.Errorf("looking the post up: %w", err))
	return true, nil
}

// outcome records what a publish call returned.
func (p *Publisher) outcome(ctx context.Context, e *Entry, v *Variant, info cmkit.ChannelInfo, rc cmkit.Receipt, err error) {
	now := p.cal.clock.Now()
	a := &v.Attempts[len(v.Attempts)-1]
	if err == nil {
		a.Outcome = "accepted"
		p.sent(ctx, e, v, rc)
		return
	}
	a.Error = err.Error()
	v.Error = a.Error
	var rl *cmkit.RateLimitError
	if errors.As(err, &rl) {
		a.RetryAfter = rl.RetryAfter
		p.block(v.Channel, now.Add(rl.RetryAfter))
	}
	switch cmkit.Classify(err) {
	case cmkit.Permanent:
		a.Outcome = "rejected"
		if mayBeOut(v) {
			// An earlier attempt may have published; this refusal does not
			// prove otherwise.
			p.unknown(ctx, e, v, fmt.Errorf("refused after an attempt that may have published: %w", err))
			return
		}
		v.State = Rejected
		p.cal.emit(ctx, Event{Kind: "failed", Entry: e.ID, Channel: v.Channel, At: now, Err: err})
		return
	case cmkit.Transient:
		a.Outcome = "transient"
		if rl != nil {
			a.Outcome = "rate-limited"
		}
	default:
		a.Outcome = "ambiguous"
		if !p.mayRetryAmbiguous(info, p.cal.channels[v.Channel]) {
			p.unknown(ctx, e, v, err)
			return
		}
	}
	n := failures(v)
	if n >= p.maxAttempts {
		if mayBeOut(v) {
			// It may be out: giving up must not claim it failed.
			p.unknown(ctx, e, v, fmt.Errorf("gave up after %d failed attempts, one of which may have published: %w", n, err))
			return
		}
		v.State = Dead
		p.cal.emit(ctx, Event{Kind: "failed", Entry: e.ID, Channel: v.Channel, At: now, Err: err,
			Detail: fmt.Sprintf("gave up after %d failed attempts", n)})
		return
	}
	v.State = Pending
	v.NextAt = now.Add(p.delay(n, err))
	p.cal.emit(ctx, Event{Kind: "retrying", Entry: e.ID, Channel: v.Channel, At: now, Err: err,
		Detail: "next attempt at " + v.NextAt.Format(time.RFC3339)})
}

// failures counts the attempts that count toward the retry limit: rate
// limits are the platform's flow control, not failures, and do not.
func failures(v *Variant) int {
	n := 0
	for _, a := range v.Attempts {
		if a.Outcome == "transient" || a.Outcome == "ambiguous" {
			n++
		}
	}
	return n
}

// mayBeOut reports whether an attempt before v's last may have published:
// one ended ambiguous, and no lookup since found the post absent.
func mayBeOut(v *Variant) bool {
	out := false
	for _, a := range v.Attempts[:len(v.Attempts)-1] {
		switch a.Outcome {
		case "ambiguous":
			out = true
		case "absent":
			out = false
		}
	}
	return out
}

func (p *Publisher) sent(ctx context.Context, e *Entry, v *Variant, rc cmkit.Receipt) {
	v.State, v.Receipt, v.Error = Sent, rc, ""
	p.cal.emit(ctx, Event{Kind: "published", Entry: e.ID, Channel: v.Channel, At: p.cal.clock.Now(), Receipt: rc})
}

func (p *Publisher) unknown(ctx context.Context, e *Entry, v *Variant, err error) {
	v.State, v.Error = Unknown, err.Error()
	p.cal.emit(ctx, Event{Kind: "verify", Entry: e.ID, Channel: v.Channel, At: p.cal.clock.Now(), Err: err,
		Detail: "the post may or may not be out; verify it on the platform"})
}

// delay is the backoff before attempt n+1: base doubled per attempt, capped,
// with ±20% jitter, and never shorter than a platform's RetryAfter.
func (p *Publisher) delay(n int, err error) time.Duration {
	d := p.backoff
	for i := 1; i < n && d < p.maxBackoff; i++ { // n = 0 (rate limited) and 1 both wait base
		d *= 2
	}
	d = min(d, p.maxBackoff)
	p.mu.Lock()
	j := 0.8 + 0.4*p.rng.Float64()
	p.mu.Unlock()
	d = time.Duration(float64(d) * j)
	var rl *cmkit.RateLimitError
	if errors.As(err, &rl) && rl.RetryAfter > d {
		d = rl.RetryAfter
	}
	return d
}

// wait returns how long the channel's rate limits ask to wait before the
// next call, and takes a token when it is zero.
func (p *Publisher) wait(channel string, now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.limiters[channel]
	if l == nil {
		l = &limiter{rl: rate.NewLimiter(rate.Inf, 1)}
		if rc, ok := p.rates[channel]; ok {
			l.rl = rate.NewLimiter(rate.Every(rc.every), rc.burst)
		}
		p.limiters[channel] = l
	}
	if now.Before(l.blocked) {
		return l.blocked.Sub(now)
	}
	r := l.rl.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// block stops calls to a channel until t, as the platform asked.
func (p *Publisher) block(channel string, t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l := p.limiters[channel]; l != nil && t.After(l.blocked) {
		l.blocked = t
	}
}
