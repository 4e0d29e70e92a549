package calendar

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
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
		if p.concurrency == 1 {
			// One at a time, in order: run reads each entry when its turn
			// comes, so there is nothing to schedule by channel.
			jobs = append(jobs, &job{p: p, e: Entry{ID: c.ID, Version: c.Version}})
			continue
		}
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
