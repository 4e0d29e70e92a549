package calendar

import (
	"context"
	"errors"
	"fmt"
	"maps"
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
//   - Nothing unapproved, paused or too late goes out: approval of the
//     current content on every channel, pauses (a brand pause holds every
//     channel of that brand), the lateness limit and the send-time checks
//     of unsent variants run every time the entry is claimed, retries
//     included, not only when it was scheduled.
//
// How it keeps one sender per post:
//
//   - No platform call starts unless the publisher's lease covers it: the
//     write that records the attempt as "sending" also renews the lease,
//     fenced by the entry's version, and the call's timeout ends well
//     before the renewed lease does (see PublisherConfig.Lease). A lookup followed by
//     a publish renews before the publish; if anyone claimed the entry
//     meanwhile, that write fails and nothing is sent.
//   - A store never hands out an entry under a live lease (Store.Claim),
//     and people's actions (Resolve, Resume, Cancel, edits) never clear
//     another's lease: an entry made due while a call is in flight waits
//     for that call.
//   - An answer that arrives is never thrown away: when the entry changed
//     during the call, the outcome is merged onto the fresh entry, and an
//     accepted answer always marks the variant sent with its receipt.
//
// Clocks: processes sharing a store must agree on the time within lease −
// call timeout (90 seconds with the defaults); a publisher whose clock runs
// further behind could still be calling when another thinks its lease over.
//
// Run is the long-running loop; RunOnce does one round, for tests and for
// products that drive publishing from their own scheduler.
type Publisher struct {
	cal         *Calendar
	name        string
	batch       int
	concurrency int
	lease       time.Duration
	poll        time.Duration
	callTimeout time.Duration
	maxAttempts int
	backoff     time.Duration
	maxBackoff  time.Duration
	maxLate     time.Duration
	late        MissedPolicy
	next        func(Entry, time.Time) (time.Time, bool)
	rates       map[string]RateLimit

	mu       sync.Mutex
	rng      *rand.Rand
	limiters map[string]*limiter
}

// limiter is one channel's client-side rate limit plus the platform's own
// "retry after" answer.
type limiter struct {
	rl      *rate.Limiter
	blocked time.Time
}

// NewPublisher returns a publisher for cal with the settings of cfg (see
// DefaultPublisherConfig). A config that Validate refuses is an error
// wrapping cmkit.ErrInvalid that names the field.
func NewPublisher(cal *Calendar, cfg PublisherConfig) (*Publisher, error) {
	if cal == nil {
		return nil, cmkit.Invalid("calendar", "required", "nil Calendar")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Publisher{cal: cal, name: cfg.Name, batch: cfg.Batch, concurrency: cfg.Concurrency, lease: cfg.Lease,
		poll: cfg.Poll, callTimeout: cfg.CallTimeout, maxAttempts: cfg.MaxAttempts, backoff: cfg.Backoff,
		maxBackoff: cfg.MaxBackoff, maxLate: cfg.MaxLate, late: cfg.Missed, next: cfg.Reschedule,
		rates: maps.Clone(cfg.RateLimits), limiters: map[string]*limiter{}}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	p.rng = rand.New(rand.NewPCG(seed, seed+1))
	if p.name == "" {
		p.name = fmt.Sprintf("publisher-%08x", p.rng.Uint32())
	}
	return p, nil
}

// Run publishes due entries until ctx ends, then returns nil. Between
// rounds it waits on the calendar's clock, so a simulated clock drives it.
// On shutdown it finishes the platform calls in flight and records their
// outcomes; entries it had claimed but not reached become due again when
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
	var jobs []*job
	for _, c := range claimed {
		j, err := p.load(ctx, c)
		if err != nil {
			p.warn(ctx, c.ID, err)
			continue
		}
		jobs = append(jobs, j)
	}
	p.work(ctx, jobs)
	return len(claimed), nil
}

func (p *Publisher) warn(ctx context.Context, id uuid.UUID, err error) {
	if !errors.Is(err, errLeaseLost) {
		p.cal.log.WarnContext(ctx, "calendar: publishing an entry failed", "entry", id, "error", err)
	}
}

// work runs the claimed jobs, up to p.concurrency at once. A job starts
// only when no running job, and no earlier job still waiting, uses any of
// its channels: a channel's posts go out one at a time and in the order
// claimed, and a platform that hangs holds up only the jobs on its own
// channels. Once ctx ends no job starts (the rest become due again when
// their leases end); work returns when the running ones are done.
func (p *Publisher) work(ctx context.Context, jobs []*job) {
	if p.concurrency == 1 || len(jobs) == 1 {
		for _, j := range jobs {
			if ctx.Err() != nil {
				return
			}
			p.warn(ctx, j.e.ID, p.run(ctx, j))
		}
		return
	}
	var (
		mu      sync.Mutex
		done    = sync.NewCond(&mu)
		busy    = map[string]bool{}
		started = make([]bool, len(jobs))
		running int
		wg      sync.WaitGroup
	)
	ahead := map[string]bool{} // channels of earlier jobs still waiting, per pass
	first := 0                 // jobs before it have all started
	mu.Lock()
	for {
		waiting := 0
		clear(ahead)
		for first < len(jobs) && started[first] {
			first++
		}
		for i := first; i < len(jobs); i++ {
			j := jobs[i]
			if started[i] {
				continue
			}
			free := running < p.concurrency && ctx.Err() == nil
			for _, v := range j.e.Variants {
				if busy[v.Channel] || ahead[v.Channel] {
					free = false
				}
			}
			if !free {
				waiting++
				for _, v := range j.e.Variants {
					ahead[v.Channel] = true
				}
				continue
			}
			started[i] = true
			running++
			for _, v := range j.e.Variants {
				busy[v.Channel] = true
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.warn(ctx, j.e.ID, p.run(ctx, j))
				mu.Lock()
				running--
				for _, v := range j.e.Variants {
					busy[v.Channel] = false
				}
				done.Broadcast()
				mu.Unlock()
			}()
		}
		if waiting == 0 || ctx.Err() != nil {
			break
		}
		done.Wait()
	}
	mu.Unlock()
	wg.Wait()
}

// errLeaseLost stops work on an entry whose lease another publisher took,
// or that a person changed meanwhile.
var errLeaseLost = errors.New("calendar: lease lost")

// job is a publisher's work on one claimed entry: the entry as last
// written, and the events waiting for the next write to succeed (an event
// describes state that is in the store).
type job struct {
	p      *Publisher
	e      Entry
	events []Event
}

func (j *job) emit(ev Event) { j.events = append(j.events, ev) }

// put writes the entry at the version read. A version conflict means the
// lease was lost; the events of a write that failed are dropped.
func (j *job) put(ctx context.Context) error {
	stored, err := j.p.cal.store.Put(context.WithoutCancel(ctx), j.e)
	if err != nil {
		j.events = j.events[:0]
		if errors.Is(err, cmkit.ErrConflict) {
			return errLeaseLost
		}
		return err
	}
	j.e = stored
	for _, ev := range j.events {
		j.p.cal.emit(ctx, ev)
	}
	j.events = j.events[:0]
	return nil
}

// load reads a claimed entry; a version other than the claimed one means
// the lease is already lost.
func (p *Publisher) load(ctx context.Context, c Claimed) (*job, error) {
	e, err := p.cal.store.Get(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	if e.Version != c.Version {
		return nil, errLeaseLost
	}
	return &job{p: p, e: e}, nil
}

// run works on one claimed entry: the claim-time checks, then each unsent
// variant, then the entry's new state. It reads the entry again first: a
// batch's later entries wait for the earlier ones, and meanwhile a lease
// may have ended and another publisher taken the entry over.
func (p *Publisher) run(ctx context.Context, j *job) error {
	e, err := p.cal.store.Get(ctx, j.e.ID)
	if err != nil {
		return err
	}
	if e.Version != j.e.Version {
		return errLeaseLost
	}
	j.e = e
	now := p.cal.clock.Now()
	j.recoverCutOff(now)
	stop, pause, err := j.claimChecks(ctx, now)
	if err != nil {
		return err
	}
	if stop {
		j.e.Lease = Lease{}
		if err := j.put(ctx); err != nil || pause == "" {
			return err
		}
		return p.cal.unholdIfResumed(ctx, j.e, pause)
	}
	for i := range j.e.Variants {
		if ctx.Err() != nil {
			break // shutting down: the lease's end makes the entry due again
		}
		v := &j.e.Variants[i]
		if v.State.done() || v.NextAt.After(p.cal.clock.Now()) {
			continue
		}
		if err := j.publishVariant(ctx, i); err != nil {
			return err
		}
	}
	now = p.cal.clock.Now()
	settle(&j.e, p.name, now, "")
	j.capLateness()
	held := j.e.Lease
	j.e.Lease = Lease{}
	if err := j.put(ctx); !errors.Is(err, errLeaseLost) {
		return err
	}
	return p.letGo(ctx, j.e.ID, held)
}

// letGo releases a lease the publisher still holds on an entry a person
// changed after its last call: without it the entry would wait for the
// lease to run out before anyone could publish what the person released.
func (p *Publisher) letGo(ctx context.Context, id uuid.UUID, held Lease) error {
	ctx = context.WithoutCancel(ctx)
	for range maxMerges {
		e, err := p.cal.store.Get(ctx, id)
		if err != nil || !e.Lease.same(held) {
			return errLeaseLost
		}
		j := &job{p: p, e: e}
		j.e.Lease = Lease{}
		if j.e.State == Publishing {
			settle(&j.e, p.name, p.cal.clock.Now(), "")
		}
		if err := j.put(ctx); !errors.Is(err, errLeaseLost) {
			if err == nil {
				err = errLeaseLost
			}
			return err
		}
	}
	return errLeaseLost
}

// recoverCutOff settles the attempts a claim finds still "sending": the
// publisher that made them lost its lease (it died, or outlived it), so
// each call's outcome is unknown. On a channel that can be retried safely
// the variant is pending again (a lookup channel looks first); otherwise
// it waits for a person. This runs before any other check, so that an
// entry held or expired at this claim does not keep a variant sending.
func (j *job) recoverCutOff(now time.Time) {
	for i := range j.e.Variants {
		v := &j.e.Variants[i]
		if v.State != Sending {
			continue
		}
		a := &v.Attempts[len(v.Attempts)-1]
		a.Outcome, a.Error = OutcomeAmbiguous, "the publisher lost its lease during the call"
		v.State = Pending
		ch, ok := j.p.cal.channels[v.Channel]
		if !ok || !j.p.mayRetryAmbiguous(ch.Info(), ch) {
			j.unknown(v, errors.New("a publish was cut off and the channel cannot be retried safely"))
		}
	}
}

// lateBase is the instant lateness counts from: the planned time, or a
// person's later release of the entry.
func lateBase(e *Entry) time.Time {
	if e.ReleasedAt.After(e.At) {
		return e.ReleasedAt
	}
	return e.At
}

// capLateness brings the next claim of an entry forward to just past its
// lateness limit when a retry would come later (a long backoff or a
// platform's Retry-After), so that the missed-post policy decides then,
// with an event, instead of the post going out arbitrarily late.
func (j *job) capLateness() {
	p, e := j.p, &j.e
	if p.maxLate <= 0 || p.late == PublishMissed || e.State != Publishing || e.DueAt.IsZero() {
		return
	}
	if limit := lateBase(e).Add(p.maxLate + time.Second); e.DueAt.After(limit) {
		e.DueAt = limit
	}
}

// claimChecks runs the checks that must hold every time an entry is
// claimed: its state, pauses, approval of its current content on every
// channel, lateness and the send-time checks of its unsent variants. It
// reports stop when nothing may be published now, having set the entry's
// new state, and the pause that holds it, if one does.
func (j *job) claimChecks(ctx context.Context, now time.Time) (stop bool, pause string, err error) {
	p, e := j.p, &j.e
	switch e.State {
	case Scheduled, Publishing:
	case InReview:
		j.expire(ctx, now)
		return true, "", nil
	default:
		e.DueAt = time.Time{}
		return true, "", nil
	}
	pauses, err := p.cal.store.Pauses(ctx)
	if err != nil {
		return false, "", err
	}
	for i := range pauses {
		if p.cal.holds(&pauses[i], e) {
			e.PausedBy, e.DueAt = pauses[i].ID, time.Time{}
			j.emit(Event{Kind: EventHeld, Entry: e.ID, At: now, Detail: "paused by " + pauses[i].ID})
			return true, pauses[i].ID, nil
		}
	}
	st, err := p.cal.team.ApprovalStatus(ctx, p.cal.policy, p.cal.item(e), e.Approvals)
	if err != nil {
		return false, "", err
	}
	if !st.Approved {
		if e.State == Scheduled {
			j.expire(ctx, now)
		} else {
			j.hold(now, "its approval no longer holds", "needs approval again")
		}
		return true, "", nil
	}
	if late := now.Sub(lateBase(e)); p.maxLate > 0 && late > p.maxLate && p.late != PublishMissed {
		if p.late == MoveMissed {
			if t, ok := p.next(*e, now); ok {
				e.At, e.DueAt = t, t
				e.History = append(e.History, Transition{At: now, By: p.name, From: e.State, To: e.State,
					Note: "too late; moved to " + t.Format(time.RFC3339)})
				return true, "", nil
			}
		}
		j.hold(now, fmt.Sprintf("claimed %s after its time", late.Round(time.Second)), "too late to publish")
		return true, "", nil
	}
	// Counting on our side, again, right before sending.
	if err := p.cal.validate(ctx, e); err != nil {
		var ce *CheckError
		if !errors.As(err, &ce) {
			return false, "", err
		}
		rejected := false
		for _, f := range ce.Findings {
			if v := e.Variant(f.Channel); v != nil && !v.State.done() && v.State != Sending {
				v.State, v.Error = Rejected, f.Check+" "+f.Rule+": "+f.Message
				rejected = true
			}
		}
		if rejected {
			if e.State == Scheduled {
				e.transition(Publishing, p.name, now, "")
			}
			settle(e, p.name, now, "failed its checks at send time")
			j.emit(Event{Kind: EventFailed, Entry: e.ID, At: now, Err: err})
			if e.State != Publishing {
				return true, "", nil
			}
		}
	}
	if e.State == Scheduled {
		e.transition(Publishing, p.name, now, "")
	}
	return false, "", nil
}

// hold stops an entry for a person: too late, or no longer approved.
func (j *job) hold(now time.Time, note, detail string) {
	e := &j.e
	e.DueAt = time.Time{}
	e.transition(Held, j.p.name, now, note)
	j.emit(Event{Kind: EventHeld, Entry: e.ID, At: now, Detail: detail})
}

// expire ends an entry that still needs approval at its time, telling
// whoever could approve it.
func (j *job) expire(ctx context.Context, now time.Time) {
	p, e := j.p, &j.e
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
	e.DueAt = time.Time{}
	e.transition(Expired, p.name, now, "not approved at its time")
	j.emit(Event{Kind: EventExpired, Entry: e.ID, At: now, Notify: notify, Detail: "needs approval"})
}

// callContext bounds one platform call by the call timeout on the
// calendar's clock (so a simulated clock decides when a call times out, as
// it decides when a lease ends). Shutting down does not cut a call short:
// its outcome is recorded.
func (p *Publisher) callContext(ctx context.Context) (context.Context, func()) {
	callCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	t := p.cal.clock.NewTimer(p.callTimeout)
	stop := make(chan struct{})
	go func() {
		select {
		case <-t.C():
			cancel()
		case <-stop:
		}
	}()
	return callCtx, func() {
		close(stop)
		t.Stop()
		cancel()
	}
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
