package calendar_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
)

// This file holds the simulated world the publisher runs in: the clock, the
// platform and its channels, the store each process sees, and the
// processes themselves. The simulator (sim_test.go) decides everything that
// happens in it from one seed; people and the oracle are in
// sim_people_test.go.

// simClock is time in the simulation. real is the time that passed (what
// latencies, call timeouts and the order of events are measured in); offset
// is how far every clock reading is from it (a clock stepped back). A
// reading is base+real+offset, plus a process's own skew.
type simClock struct {
	base   time.Time
	real   time.Duration
	offset time.Duration
}

func (c *simClock) now() time.Time { return c.base.Add(c.real + c.offset) }

// procClock is the cmkit.Clock a process (or the people) reads: the
// simulation's clock plus a skew. Its timers never fire: the publisher
// times its platform calls out with one, and the simulated platform ends
// every call by the process's call timeout itself (so that when a call
// ends is decided by the seed, not by a goroutine waking up).
type procClock struct {
	s    *sim
	skew time.Duration
}

func (c procClock) Now() time.Time { return c.s.clock.now().Add(c.skew) }

func (c procClock) NewTimer(time.Duration) cmkit.Timer { return silentTimer{} }

type silentTimer struct{}

func (silentTimer) C() <-chan time.Time { return nil }
func (silentTimer) Stop() bool          { return true }

// platformPost is one post a platform holds.
type platformPost struct {
	id         uuid.UUID
	text       string
	at         time.Time
	platformID string
}

// callKind is what a platform call does.
type callKind int

const (
	callPublish callKind = iota + 1
	callFind
)

// outcome is how a platform call ends, decided by the seed when it starts.
type outcome int

const (
	outAccepted       outcome = iota + 1 // published (or, for a lookup, answered truthfully)
	outTransient                         // not applied, cmkit.ErrTransient
	outRateLimit                         // not applied, *cmkit.RateLimitError
	outPermanent                         // not applied, cmkit.ErrPermanent
	outAmbApplied                        // applied, then the answer was lost: cmkit.ErrAmbiguous
	outAmbNot                            // not applied, cmkit.ErrAmbiguous
	outTimeoutApplied                    // took longer than the call timeout; applied anyway
	outTimeoutNot                        // took longer than the call timeout; not applied
)

var outcomeNames = map[outcome]string{outAccepted: "accepted", outTransient: "transient", outRateLimit: "rate-limited",
	outPermanent: "permanent", outAmbApplied: "ambiguous(applied)", outAmbNot: "ambiguous(not applied)",
	outTimeoutApplied: "timeout(applied)", outTimeoutNot: "timeout(not applied)"}

func (o outcome) applies() bool {
	return o == outAccepted || o == outAmbApplied || o == outTimeoutApplied
}

// call is one platform call in flight.
type call struct {
	seq     int
	p       *proc
	kind    callKind
	channel string
	post    cmkit.Post
	id      uuid.UUID // the post looked up, for callFind
	start   time.Duration
	end     time.Duration
	out     outcome
	retry   time.Duration // RetryAfter, for outRateLimit
	orphan  bool          // its process crashed; the platform still finishes it
	reply   chan callResult
}

type callResult struct {
	rc  cmkit.Receipt
	err error
}

// procMsg is what a process goroutine tells the simulator: it is blocked in
// a platform call, or its RunOnce returned (or panicked).
type procMsg struct {
	call  *call
	done  bool
	n     int
	err   error
	panic string
}

// proc is one simulated publisher process: its own Calendar (same channels,
// team and store, its own clock and store wrapper) and Publisher.
type proc struct {
	s       *sim
	name    string
	cal     *calendar.Calendar
	pub     *calendar.Publisher
	store   *simStore
	skew    time.Duration
	lease   time.Duration
	timeout time.Duration
	maxLate time.Duration
	late    calendar.MissedPolicy
	events  chan procMsg
	running bool
	dead    bool
	blocked *call
}

// simChan is a channel of the simulated platform as one process sees it.
// Every call registers with the simulator and blocks until the simulator
// completes it.
type simChan struct {
	s    *sim
	p    *proc
	info cmkit.ChannelInfo
}

func (c *simChan) Info() cmkit.ChannelInfo { return c.info }

func (c *simChan) Publish(_ context.Context, post cmkit.Post) (cmkit.Receipt, error) {
	return c.call(&call{kind: callPublish, channel: c.info.ID, post: post.Clone(), id: post.ID})
}

// simFinder is a RetryAfterLookup channel: it can look posts up.
type simFinder struct{ *simChan }

func (c simFinder) FindPost(_ context.Context, id uuid.UUID) (cmkit.Receipt, error) {
	return c.call(&call{kind: callFind, channel: c.info.ID, id: id})
}

var _ cmkit.PostFinder = simFinder{}

func (c *simChan) call(cl *call) (cmkit.Receipt, error) {
	if c.p == nil {
		panic("sim: the people's calendar called a platform")
	}
	if c.p.dead {
		return cmkit.Receipt{}, fmt.Errorf("sim: process %s is dead: %w", c.p.name, cmkit.ErrTransient)
	}
	cl.p = c.p
	cl.reply = make(chan callResult, 1)
	c.p.events <- procMsg{call: cl}
	r := <-cl.reply
	return r.rc, r.err
}

// simStore is the store as one process sees it: the shared MemoryStore,
// which may fail or answer a conflict before applying a call, and which
// answers nothing once its process crashed. It also tells the oracle when
// an entry starts publishing.
type simStore struct {
	s     *sim
	p     *proc
	inner *calendar.MemoryStore
	dead  bool
}

var errStoreDown = fmt.Errorf("sim: store unreachable: %w", cmkit.ErrTransient)

// fault decides, before a store call, whether it fails. A crash here kills
// the process (the call is not applied).
func (w *simStore) fault(op string) error {
	if w.dead {
		return errStoreDown
	}
	s := w.s
	if s.draining {
		return nil
	}
	if s.on(bCrash) && s.rng.Float64() < 0.002 {
		s.tracef("%s crashes before store %s", w.p.name, op)
		s.kill(w.p)
		return errStoreDown
	}
	if s.on(bStoreFaults) {
		switch x := s.rng.Float64(); {
		case x < 0.015:
			s.tracef("store %s for %s fails", op, w.p.name)
			return errStoreDown
		case x < 0.025 && (op == "put" || op == "claim"):
			s.tracef("store %s for %s answers a conflict", op, w.p.name)
			return fmt.Errorf("sim: injected conflict: %w", cmkit.ErrConflict)
		}
	}
	return nil
}

// crashAfter decides, after a write was applied, whether the process
// crashed before hearing the answer.
func (w *simStore) crashAfter(op string) bool {
	s := w.s
	if s.draining || !s.on(bCrash) || s.rng.Float64() >= 0.002 {
		return false
	}
	s.tracef("%s crashes after store %s was applied", w.p.name, op)
	s.kill(w.p)
	return true
}

func (w *simStore) Get(ctx context.Context, id uuid.UUID) (calendar.Entry, error) {
	if err := w.fault("get"); err != nil {
		return calendar.Entry{}, err
	}
	return w.inner.Get(ctx, id)
}

func (w *simStore) Put(ctx context.Context, e calendar.Entry) (calendar.Entry, error) {
	if err := w.fault("put"); err != nil {
		return calendar.Entry{}, err
	}
	before, berr := w.inner.Get(ctx, e.ID)
	stored, err := w.inner.Put(ctx, e)
	if err != nil {
		return stored, err
	}
	if berr == nil {
		w.s.observePut(w.p, before, stored)
	}
	if w.crashAfter("put") {
		return calendar.Entry{}, errStoreDown
	}
	return stored, nil
}

func (w *simStore) Query(ctx context.Context, q calendar.Query) iter.Seq2[calendar.Entry, error] {
	if err := w.fault("query"); err != nil {
		return func(yield func(calendar.Entry, error) bool) { yield(calendar.Entry{}, err) }
	}
	return w.inner.Query(ctx, q)
}

func (w *simStore) Claim(ctx context.Context, r calendar.ClaimRequest) ([]calendar.Claimed, error) {
	if err := w.fault("claim"); err != nil {
		return nil, err
	}
	out, err := w.inner.Claim(ctx, r)
	if err == nil && len(out) > 0 && w.crashAfter("claim") {
		return nil, errStoreDown
	}
	return out, err
}

func (w *simStore) PutPause(ctx context.Context, p calendar.Pause) error {
	if err := w.fault("putpause"); err != nil {
		return err
	}
	return w.inner.PutPause(ctx, p)
}

func (w *simStore) DeletePause(ctx context.Context, id string) error {
	if err := w.fault("deletepause"); err != nil {
		return err
	}
	return w.inner.DeletePause(ctx, id)
}

func (w *simStore) Pauses(ctx context.Context) ([]calendar.Pause, error) {
	if err := w.fault("pauses"); err != nil {
		return nil, err
	}
	return w.inner.Pauses(ctx)
}

// Campaign calls pass through without faults: the campaigns are made once,
// before the simulation starts, and drawing faults for them would change
// every seed's run.

func (w *simStore) GetCampaign(ctx context.Context, name string) (calendar.Campaign, error) {
	return w.inner.GetCampaign(ctx, name)
}

func (w *simStore) PutCampaign(ctx context.Context, cp calendar.Campaign) (calendar.Campaign, error) {
	return w.inner.PutCampaign(ctx, cp)
}

func (w *simStore) Campaigns(ctx context.Context) iter.Seq2[calendar.Campaign, error] {
	return w.inner.Campaigns(ctx)
}

var _ calendar.Store = (*simStore)(nil)

// hangAfter is how long, in real time, the simulator waits for a process
// goroutine to block or return before it calls the process hung.
const hangAfter = 20 * time.Second

// start runs one RunOnce of p in a goroutine and waits until it blocks in a
// platform call or returns.
func (s *sim) start(p *proc) {
	p.running = true
	go func() {
		defer func() {
			if r := recover(); r != nil {
				p.events <- procMsg{done: true, panic: fmt.Sprintf("%v\n%s", r, debug.Stack())}
			}
		}()
		n, err := p.pub.RunOnce(context.Background())
		p.events <- procMsg{done: true, n: n, err: err}
	}()
	s.await(p)
}

// await waits for p's goroutine to block in a call or return.
func (s *sim) await(p *proc) {
	select {
	case m := <-p.events:
		switch {
		case m.call != nil:
			s.startCall(m.call)
		case m.panic != "":
			p.running = false
			s.dropProc(p)
			s.violate(invSim, "%s panicked: %s", p.name, m.panic)
		default:
			p.running = false
			if p.dead {
				s.dropProc(p)
			}
			if m.err != nil && !p.dead {
				s.tracef("%s: RunOnce claimed %d, error: %v", p.name, m.n, m.err)
			} else if m.n > 0 {
				s.tracef("%s: RunOnce claimed %d", p.name, m.n)
			}
			if m.err != nil && !p.dead && !s.on(bStoreFaults) && !s.on(bCrash) {
				s.violate(invSim, "%s: RunOnce failed without store faults: %v", p.name, m.err)
			}
		}
	case <-time.After(hangAfter):
		s.violate(invSim, "%s hung: it neither called a platform nor returned", p.name)
		s.hung = true
	}
}

// startCall registers a platform call that just started and decides, from
// the seed, how long it takes and how it ends.
func (s *sim) startCall(c *call) {
	s.callSeq++
	c.seq = s.callSeq
	c.start = s.clock.real
	c.p.blocked = c
	lat := s.latency(c)
	c.out = s.drawOutcome(c.kind)
	if lat >= c.p.timeout {
		lat = c.p.timeout
		c.out = outTimeoutNot
		if s.rng.IntN(2) == 0 {
			c.out = outTimeoutApplied
		}
	}
	if c.out == outRateLimit {
		c.retry = time.Duration(1+s.rng.IntN(300)) * time.Second
	}
	c.end = c.start + lat
	s.inflight = append(s.inflight, c)
	what := "lookup"
	if c.kind == callPublish {
		what = "publish"
	}
	s.tracef("%s starts %s #%d on %s (post %s), ends in %s as %s", c.p.name, what, c.seq, c.channel,
		s.postName(c.id), lat, outcomeNames[c.out])
	for _, o := range s.inflight {
		// Two lookups at once, or a publish while a process that lost
		// its lease still waits for a lookup, are harmless (that process's
		// next write fails); a call while another's publish is in flight
		// is not: a lookup cannot see the post yet.
		if o != c && o.id == c.id && o.channel == c.channel && o.p != c.p && o.kind == callPublish {
			s.violate(invOverlap, "%s starts a call for %s while %s's publish #%d of it (started %s) is still in flight; attempts on record: %s",
				c.p.name, s.postName(c.id), o.p.name, o.seq, s.fmtTime(s.clock.base.Add(o.start+s.clock.offset)), s.attempts(c.id))
		}
	}
	if c.kind == callPublish {
		s.checkCallStart(c)
	}
}

// latency draws how long a call takes: mostly a few seconds, with a tail
// past the call timeout and the lease. In a burst or mid-call scenario half
// the calls take most of the call timeout, or all of it: a batch of them
// outlasts a lease, and a person has time to act during one.
func (s *sim) latency(c *call) time.Duration {
	if s.draining || !s.on(bLatency) {
		return time.Duration(100+s.rng.IntN(1900)) * time.Millisecond
	}
	if s.shape != shapeMixed && s.rng.IntN(2) == 0 {
		t := c.p.timeout
		return (t/2 + time.Duration(s.rng.Int64N(int64(t*3/5)))).Truncate(time.Millisecond)
	}
	switch x := s.rng.Float64(); {
	case x < 0.78:
		return time.Duration(50+s.rng.IntN(3000)) * time.Millisecond
	case x < 0.90:
		return time.Duration(3+s.rng.IntN(27)) * time.Second
	default:
		return time.Duration(30+s.rng.IntN(570)) * time.Second
	}
}

func (s *sim) drawOutcome(kind callKind) outcome {
	if s.draining || !s.on(bFaults) {
		return outAccepted
	}
	x := s.rng.Float64()
	if kind == callFind {
		if !s.on(bLookupFaults) {
			return outAccepted
		}
		switch {
		case x < 0.08:
			return outTransient
		case x < 0.12:
			return outAmbNot
		}
		return outAccepted
	}
	switch {
	case x < 0.08:
		return outTransient
	case x < 0.14:
		return outRateLimit
	case x < 0.17:
		return outPermanent
	case x < 0.23:
		return outAmbApplied
	case x < 0.29:
		return outAmbNot
	}
	return outAccepted
}

// complete finishes call c at its end time: the platform applies it (or
// not) and, when its process is alive and waiting, answers it.
func (s *sim) complete(c *call) {
	for i, x := range s.inflight {
		if x == c {
			s.inflight = append(s.inflight[:i], s.inflight[i+1:]...)
			break
		}
	}
	var r callResult
	switch c.kind {
	case callPublish:
		if c.out.applies() {
			r.rc = s.apply(c)
		}
		switch c.out {
		case outAccepted:
		case outTransient:
			r.err = fmt.Errorf("sim: 503 from %s: %w", c.channel, cmkit.ErrTransient)
		case outRateLimit:
			r.err = &cmkit.RateLimitError{RetryAfter: c.retry}
		case outPermanent:
			r.err = fmt.Errorf("sim: %s refused the post: %w", c.channel, cmkit.ErrPermanent)
		case outAmbApplied, outAmbNot:
			r.err = fmt.Errorf("sim: connection reset by %s: %w", c.channel, cmkit.ErrAmbiguous)
		case outTimeoutApplied, outTimeoutNot:
			r.err = fmt.Errorf("sim: %s: %w: %w", c.channel, cmkit.ErrAmbiguous, context.DeadlineExceeded)
		}
	case callFind:
		switch c.out {
		case outAccepted:
			if pp, ok := s.findPost(c.channel, c.id); ok {
				r.rc = cmkit.Receipt{PostID: pp.id, ChannelID: c.channel, PlatformID: pp.platformID, PublishedAt: pp.at}
			} else {
				r.err = fmt.Errorf("sim: post %s on %s: %w", c.id, c.channel, cmkit.ErrNotFound)
			}
		case outTransient, outRateLimit:
			r.err = fmt.Errorf("sim: lookup on %s: %w", c.channel, cmkit.ErrTransient)
		default:
			r.err = fmt.Errorf("sim: lookup on %s: %w: %w", c.channel, cmkit.ErrAmbiguous, context.DeadlineExceeded)
		}
	}
	if c.orphan {
		s.tracef("orphaned call #%d of %s ends on %s: %s", c.seq, c.p.name, c.channel, outcomeNames[c.out])
		return
	}
	s.tracef("call #%d of %s ends on %s: %s (err %v)", c.seq, c.p.name, c.channel, outcomeNames[c.out], r.err)
	if c.kind == callPublish && r.err == nil {
		s.accepted[c.id] = c.p
	}
	p := c.p
	p.blocked = nil
	c.reply <- r
	s.await(p)
}

// apply publishes c's post on its platform. A RetryIdempotent channel
// applies a repeated post ID once; the others post it again, which is the
// double post invariant 1 catches.
func (s *sim) apply(c *call) cmkit.Receipt {
	info := s.infos[c.channel]
	if old, ok := s.findPost(c.channel, c.post.ID); ok {
		if info.RetrySafety == cmkit.RetryIdempotent {
			return cmkit.Receipt{PostID: old.id, ChannelID: c.channel, PlatformID: old.platformID, PublishedAt: old.at}
		}
		s.violate(invDouble, "post %s was published twice on %s (%s channel): first at %s, again by %s's call #%d started at %s; attempts on record: %s",
			s.postName(c.post.ID), c.channel, info.RetrySafety, s.fmtTime(old.at), c.p.name, c.seq,
			s.fmtTime(s.clock.base.Add(c.start+s.clock.offset)), s.attempts(c.post.ID))
	}
	s.platformSeq++
	pp := platformPost{id: c.post.ID, text: c.post.Text, at: s.clock.now(), platformID: fmt.Sprintf("%s-%d", c.channel, s.platformSeq)}
	s.platform[c.channel] = append(s.platform[c.channel], pp)
	s.tracef("platform %s now shows post %s %q", c.channel, s.postName(c.post.ID), c.post.Text)
	return cmkit.Receipt{PostID: pp.id, ChannelID: c.channel, PlatformID: pp.platformID, PublishedAt: pp.at}
}

func (s *sim) findPost(channel string, id uuid.UUID) (platformPost, bool) {
	for _, pp := range s.platform[channel] {
		if pp.id == id {
			return pp, true
		}
	}
	return platformPost{}, false
}

func (s *sim) countPosts(channel string, id uuid.UUID) int {
	n := 0
	for _, pp := range s.platform[channel] {
		if pp.id == id {
			n++
		}
	}
	return n
}

// kill marks p crashed: its store answers nothing from now on. The caller
// deals with the goroutine.
func (s *sim) kill(p *proc) {
	p.dead = true
	p.store.dead = true
	// An answer that reached p but that p had not yet written down dies
	// with it: nobody can keep it. (The post is still never doubled; the
	// next claim treats the attempt as cut off.)
	for id, by := range s.accepted {
		if by == p && !s.recordedSent(id) {
			delete(s.accepted, id)
		}
	}
}

// recordedSent reports whether the store records post id as sent.
func (s *sim) recordedSent(id uuid.UUID) bool {
	ref, ok := s.posts[id]
	if !ok {
		return false
	}
	e, err := s.store.Get(context.Background(), ref.entry)
	if err != nil {
		return false
	}
	v := e.Variant(ref.channel)
	return v != nil && v.State == calendar.Sent
}

// crash crashes p at this step: mid-call (the platform still finishes the
// call, and may still apply it) or between rounds.
func (s *sim) crash(p *proc) {
	s.tracef("crash %s", p.name)
	s.kill(p)
	if c := p.blocked; c != nil {
		c.orphan = true
		p.blocked = nil
		c.reply <- callResult{err: fmt.Errorf("sim: process died: %w", errors.Join(cmkit.ErrAmbiguous, context.Canceled))}
		for p.running && !s.hung {
			s.await(p)
		}
	}
	s.dropProc(p)
}

func (s *sim) dropProc(p *proc) {
	for i, x := range s.procs {
		if x == p {
			s.procs = append(s.procs[:i], s.procs[i+1:]...)
			return
		}
	}
}

// attempts describes the attempts on record for a post, for a violation.
func (s *sim) attempts(post uuid.UUID) string {
	ref, ok := s.posts[post]
	if !ok {
		return "none"
	}
	e, err := s.store.Get(context.Background(), ref.entry)
	if err != nil {
		return err.Error()
	}
	v := e.Variant(ref.channel)
	if v == nil {
		return "no variant"
	}
	var b strings.Builder
	for i, a := range v.Attempts {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s@%s", a.Publisher, a.Outcome, s.fmtTime(a.At))
	}
	lease := "no lease"
	if e.Lease.Owner != "" {
		lease = fmt.Sprintf("lease %s until %s", e.Lease.Owner, s.fmtTime(e.Lease.Expires))
	}
	fmt.Fprintf(&b, " (state %s, entry %s, %s)", v.State, e.State, lease)
	return b.String()
}
