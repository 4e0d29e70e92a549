package calendar

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"golang.org/x/time/rate"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/clockctx"
)

// callContext bounds one platform call by the call timeout on the
// calendar's clock (so a simulated clock decides when a call times out, as
// it decides when a lease ends). Shutting down does not cut a call short:
// its outcome is recorded.
func (p *Publisher) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return clockctx.WithTimeout(ctx, p.cal.clock, p.callTimeout)
}

// publishVariant makes at most one platform call for variant i (or one
// lookup and one call), recording the attempt before and its outcome after.
func (j *job) publishVariant(ctx context.Context, i int) error {
	if len(j.e.Variants[i].Thread) > 0 {
		return j.publishThread(ctx, i) // thread.go
	}
	p, e := j.p, &j.e
	v := &e.Variants[i]
	ch, ok := p.cal.channels[v.Channel]
	if !ok {
		v.State, v.Error = Rejected, "channel not registered with this calendar"
		return nil
	}
	info := ch.Info()
	now := p.cal.clock.Now()

	if wait := p.wait(v.Channel, now); wait > 0 {
		v.NextAt = now.Add(wait)
		return nil
	}
	// While an ambiguous attempt may be out, a lookup channel looks first.
	if info.RetrySafety == cmkit.RetryAfterLookup && mayBeOut(v, len(v.Attempts)) {
		if done := j.lookup(v, ch); done {
			return nil
		}
	}
	// The write fence: the attempt is on record, and the lease renewed to
	// cover the call, before the platform hears of it. A lookup may have
	// used up the lease: if anyone claimed the entry meanwhile, this write
	// fails and nothing is sent.
	now = p.cal.clock.Now()
	a := Attempt{ID: cmkit.NewID(), At: now, Publisher: p.name, Outcome: OutcomeSending}
	v.State = Sending
	v.Attempts = append(v.Attempts, a)
	lease := Lease{Owner: p.name, Expires: now.Add(p.lease)}
	e.Lease, e.DueAt = lease, lease.Expires
	if err := j.put(ctx); err != nil {
		return err
	}
	v = &e.Variants[i]
	callCtx, done := p.callContext(ctx)
	rc, err := ch.Publish(callCtx, v.Post)
	done()
	j.outcome(v, info, ch, rc, err)
	events := slices.Clone(j.events)
	if err := j.put(ctx); err == nil {
		return nil
	}
	// The entry changed meanwhile, or the store failed: the answer must
	// not be lost, so it is merged onto a fresh read.
	return p.mergeOutcome(ctx, e.ID, *v, a.ID, lease, events)
}

// maxMerges bounds how often mergeOutcome re-reads an entry that people
// keep changing, and maxStoreRetries how often it retries a store that
// keeps failing.
const (
	maxMerges       = 20
	maxStoreRetries = 4
)

// mergeOutcome records a call's outcome after the entry changed under the
// publisher during the call (a person's action, a pause, or a lease that
// ran out and was taken over), or after the store failed to take the
// write; it re-reads and tries again, a bounded number of times. An accepted answer always lands: the post
// is out, whatever else happened, so the variant becomes sent with its
// receipt, and the attempt's record says accepted even if another
// publisher had taken it for cut off. Any other answer lands only while the
// variant still shows this attempt as the one in flight. The publisher then stops working on the entry.
func (p *Publisher) mergeOutcome(ctx context.Context, id uuid.UUID, ours Variant, attempt uuid.UUID, held Lease, events []Event) error {
	ctx = context.WithoutCancel(ctx)
	got := ours.Attempts[len(ours.Attempts)-1]
	var err error
	stores := 0
	for range maxMerges {
		if !errors.Is(err, errLeaseLost) && err != nil {
			if stores++; stores > maxStoreRetries {
				break
			}
			if stores > 2 { // the store failed twice in a row: a short pause
				_ = cmkit.Sleep(ctx, cmkit.SystemClock(), time.Duration(stores-2)*time.Millisecond)
			}
		}
		var fresh Entry
		if fresh, err = p.cal.store.Get(ctx, id); err != nil {
			continue
		}
		j := &job{p: p, e: fresh}
		fv := j.e.Variant(ours.Channel)
		k := -1
		if fv != nil {
			k = slices.IndexFunc(fv.Attempts, func(a Attempt) bool { return a.ID == attempt })
		}
		if k < 0 {
			return errLeaseLost // the attempt is no longer on record
		}
		now := p.cal.clock.Now()
		if fa := &fv.Attempts[k]; fa.Outcome == OutcomeSending || got.Outcome == OutcomeAccepted {
			// In flight, or taken for cut off by whoever took over: the
			// platform's own answer replaces the guess.
			fa.Outcome, fa.Error, fa.RetryAfter = got.Outcome, got.Error, got.RetryAfter
		}
		switch {
		case got.Outcome == OutcomeAccepted && len(fv.Thread) > 0:
			j.mergeAcceptedPart(fv, &ours, got.Part) // thread.go
		case got.Outcome == OutcomeAccepted:
			if fv.State != Sent {
				fv.State, fv.Receipt, fv.Error, fv.NextAt = Sent, ours.Receipt, "", time.Time{}
				j.emit(Event{Kind: EventPublished, Entry: id, Channel: fv.Channel, At: now, Receipt: ours.Receipt})
			}
		case fv.State == Sending && k == len(fv.Attempts)-1:
			fv.State, fv.NextAt, fv.Error = ours.State, ours.NextAt, ours.Error
			j.events = append(j.events, events...) // what the outcome reported, now true
		}
		if j.e.Lease.same(held) {
			j.e.Lease = Lease{}
		}
		switch j.e.State {
		case Publishing, Verify, Failed, Published:
			settle(&j.e, p.name, now, "")
		}
		if err = j.put(ctx); err == nil {
			return errLeaseLost // done with this entry either way
		}
	}
	if errors.Is(err, errLeaseLost) {
		err = cmkit.ErrConflict
	}
	// The attempt stays "sending" in the store; whoever claims the entry
	// next treats it as cut off (looked up, retried idempotently, or left
	// for a person), so the post is still never sent twice.
	return fmt.Errorf("calendar: entry %s: recording a %s answer from %s failed: %w", id, got.Outcome, ours.Channel, err)
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
// reports done when the variant is settled (found, or unknowable) or must
// wait.
func (j *job) lookup(v *Variant, ch cmkit.Channel) bool {
	p := j.p
	finder, ok := ch.(cmkit.PostFinder)
	if !ok {
		j.unknown(v, errors.New("the channel declares RetryAfterLookup but cannot look posts up"))
		return true
	}
	now := p.cal.clock.Now()
	callCtx, done := p.callContext(context.Background())
	rc, err := finder.FindPost(callCtx, v.Post.ID)
	done()
	a := Attempt{ID: cmkit.NewID(), At: now, Publisher: p.name}
	switch {
	case err == nil:
		a.Outcome = OutcomeFound
		v.Attempts = append(v.Attempts, a)
		j.sent(v, rc)
		return true
	case errors.Is(err, cmkit.ErrNotFound):
		a.Outcome = OutcomeAbsent
		v.Attempts = append(v.Attempts, a)
		return false
	}
	a.Outcome, a.Error = OutcomeLookupFailed, err.Error()
	v.Attempts = append(v.Attempts, a)
	if cmkit.Classify(err) == cmkit.Transient {
		v.NextAt = p.cal.clock.Now().Add(p.delay(len(v.Attempts), err))
		return true
	}
	j.unknown(v, fmt.Errorf("looking the post up: %w", err))
	return true
}

// outcome records what a publish call returned.
func (j *job) outcome(v *Variant, info cmkit.ChannelInfo, ch cmkit.Channel, rc cmkit.Receipt, err error) {
	p, e := j.p, &j.e
	now := p.cal.clock.Now()
	a := &v.Attempts[len(v.Attempts)-1]
	if err == nil {
		a.Outcome = OutcomeAccepted
		j.sent(v, rc)
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
		a.Outcome = OutcomeRejected
		if mayBeOut(v, len(v.Attempts)-1) {
			// An earlier attempt may have published; this refusal does not
			// prove otherwise.
			j.unknown(v, fmt.Errorf("refused after an attempt that may have published: %w", err))
			return
		}
		v.State = Rejected
		j.emit(Event{Kind: EventFailed, Entry: e.ID, Channel: v.Channel, At: now, Err: err})
		return
	case cmkit.Transient:
		a.Outcome = OutcomeTransient
		if rl != nil {
			a.Outcome = OutcomeRateLimited
		}
	default:
		a.Outcome = OutcomeAmbiguous
		if !p.mayRetryAmbiguous(info, ch) {
			j.unknown(v, err)
			return
		}
	}
	n := failures(v)
	if n >= p.maxAttempts {
		if mayBeOut(v, len(v.Attempts)) { // this attempt too: it may have been the one
			// It may be out: giving up must not claim it failed.
			j.unknown(v, fmt.Errorf("gave up after %d failed attempts, one of which may have published: %w", n, err))
			return
		}
		v.State = Dead
		j.emit(Event{Kind: EventFailed, Entry: e.ID, Channel: v.Channel, At: now, Err: err,
			Detail: fmt.Sprintf("gave up after %d failed attempts", n)})
		return
	}
	v.State = Pending
	v.NextAt = now.Add(p.delay(n, err))
	j.emit(Event{Kind: EventRetrying, Entry: e.ID, Channel: v.Channel, At: now, Err: err,
		Detail: "next attempt at " + v.NextAt.Format(time.RFC3339)})
}

// failures counts the attempts that count toward the retry limit: rate
// limits are the platform's flow control, not failures, and do not.
func failures(v *Variant) int {
	n := 0
	for _, a := range v.Attempts {
		if a.Outcome == OutcomeTransient || a.Outcome == OutcomeAmbiguous {
			n++
		}
	}
	return n
}

// mayBeOut reports whether one of v's first n attempts may have published:
// one ended ambiguous, and no lookup since found the post absent. A failed
// lookup proves nothing.
func mayBeOut(v *Variant, n int) bool {
	out := false
	for _, a := range v.Attempts[:n] {
		switch a.Outcome {
		case OutcomeAmbiguous:
			out = true
		case OutcomeAbsent:
			out = false
		}
	}
	return out
}

func (j *job) sent(v *Variant, rc cmkit.Receipt) {
	v.State, v.Receipt, v.Error, v.NextAt = Sent, rc, "", time.Time{}
	j.emit(Event{Kind: EventPublished, Entry: j.e.ID, Channel: v.Channel, At: j.p.cal.clock.Now(), Receipt: rc})
}

func (j *job) unknown(v *Variant, err error) {
	v.State, v.Error = Unknown, err.Error()
	j.emit(Event{Kind: EventVerify, Entry: j.e.ID, Channel: v.Channel, At: j.p.cal.clock.Now(), Err: err,
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
			l.rl = rate.NewLimiter(rate.Every(rc.Every), rc.Burst)
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
