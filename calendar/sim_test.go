package calendar_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/roles"
)

// TestSimulation is the deterministic simulation of the publisher and the
// calendar (STYLE.md §17). One seed drives everything: a simulated clock
// (with jumps), several publisher processes that crash and restart at any
// step (mid-call included), platform channels of all three retry-safety
// kinds whose latencies have a tail past the call timeout and the lease and
// that fail transiently, ambiguously, permanently or with rate limits, a
// store that fails or conflicts at random, and people who create, edit,
// submit, approve, schedule, cancel, resolve, pause, resume and change
// grants at random moments. Exactly one goroutine runs at a time: a process
// runs until it blocks in a platform call or its RunOnce returns, so the
// seed alone decides the schedule and a failing seed replays exactly.
//
// After every step and at the end it checks the invariants (see the inv*
// constants).
//
// Some bugs need several things at once, which a mix that draws each step
// independently seldom lines up. So a quarter of the seeds are burst
// scenarios (entries due at the same moment, on the lookup channel and with
// several variants, taken through review at once and claimed in batches of
// 2 to 5; half the calls take most of the call timeout or all of it, and
// leases are seeded near their minimum, twice the call timeout), and a
// quarter are mid-call scenarios (while a call is in flight, a person
// resolves another variant of its entry, pauses or resumes it, or cancels
// it; then another publisher polls at once, or the caller crashes). Both
// start two or three publishers. The other half draw everything at random.
//
// Bugs it finds. With the fix of each of these earlier bugs reverted (in
// non-test code; SEEDS of the default 500 that fail, CMKIT_SIM_ALL=1):
//
//  1. the write recording an attempt as "sending" no longer renews the
//     lease (publisher.go: `e.Lease, e.DueAt = lease, lease.Expires`
//     becomes `lease = e.Lease`): 16 seeds (invariant 1b)
//  2. MemoryStore hands out an entry under a live lease (Entry.ClaimableAt
//     ignores the lease): 19 seeds (1b)
//  3. Cancel leaves a variant whose publish is in flight, or was cut off,
//     sending instead of unknown: 12 seeds (5, and 7)
//  4. a pause of a brand compares Entry.Brand, not the channel's brand, and
//     Entry.Brand is taken as given: 77 seeds (3)
//  5. approval is judged on the entry's first channel only: 173 seeds (2)
//  6. approval counts only the creator as an author, not the editors since
//     the last approval: 78 seeds (2)
//
// (Counted on seeds 1 to 500, each fix reverted on its own.) 500
// seeds take about 5 s, 20 s under -race, on 2 CPUs (10 s and 30 s on a
// busy machine).
//
// Known failure, not yet fixed: seed 2583 (invariant 7, "dead but it is
// out"; also seed 49 with CMKIT_SIM_ONLY=resolve,latency,faults,multi). A variant whose last allowed attempt ends ambiguous is given up as
// dead, though that attempt may have published: the give-up branch of the
// publisher's outcome reads mayBeOut without the attempt just made. With
// that fixed, 10000 seeds pass.
//
// Environment:
//
//	CMKIT_SIM_SEEDS=N      run N seeds (default 500)
//	CMKIT_SIM_SEED=S       replay seed S, logging every step (use -v)
//	CMKIT_SIM_STEPS=N      steps per scenario (default 100 to 300)
//	CMKIT_SIM_ONLY=a,b     enable only these behaviours (see simBehaviours)
//	CMKIT_SIM_WITHOUT=a,b  disable these behaviours
func TestSimulation(t *testing.T) {
	on, err := simBehaviourSet(os.Getenv("CMKIT_SIM_ONLY"), os.Getenv("CMKIT_SIM_WITHOUT"))
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	if v := os.Getenv("CMKIT_SIM_STEPS"); v != "" {
		if steps, err = strconv.Atoi(v); err != nil {
			t.Fatalf("CMKIT_SIM_STEPS: %v", err)
		}
	}
	if v := os.Getenv("CMKIT_SIM_SEED"); v != "" {
		seed, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("CMKIT_SIM_SEED: %v", err)
		}
		r := runSim(seed, on, steps)
		for _, l := range r.trace {
			t.Log(l)
		}
		if r.failure != "" {
			t.Fatalf("seed %d: %s\nreplay: CMKIT_SIM_SEED=%d go test ./calendar -run TestSimulation -v", seed, r.failure, seed)
		}
		t.Logf("seed %d passed: %s", seed, r.summary)
		return
	}
	n := simDefaultSeeds
	if testing.Short() {
		n = 50
	}
	if v := os.Getenv("CMKIT_SIM_SEEDS"); v != "" {
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatalf("CMKIT_SIM_SEEDS: %v", err)
		}
	}
	first := uint64(1)
	if v := os.Getenv("CMKIT_SIM_FIRST"); v != "" {
		if first, err = strconv.ParseUint(v, 10, 64); err != nil {
			t.Fatalf("CMKIT_SIM_FIRST: %v", err)
		}
	}
	keepGoing := os.Getenv("CMKIT_SIM_ALL") != ""
	failed := 0
	var total simStats
	byInv := map[string][]uint64{}
	for seed := first; seed < first+uint64(n); seed++ {
		r := runSim(seed, on, steps)
		total.add(r.stats)
		if r.failure == "" {
			continue
		}
		failed++
		tail := r.trace[max(0, len(r.trace)-40):]
		msg := fmt.Sprintf("seed %d: %s\nlast steps:\n  %s\nreplay: CMKIT_SIM_SEED=%d go test ./calendar -run TestSimulation -v",
			seed, r.failure, strings.Join(tail, "\n  "), seed)
		if !keepGoing {
			t.Fatal(msg)
		}
		t.Errorf("seed %d: %s", seed, r.failure)
		inv := strings.TrimPrefix(r.failure, "invariant ")
		inv = inv[:strings.Index(inv, ":")]
		byInv[inv] = append(byInv[inv], seed)
	}
	t.Logf("%d seeds, %d failed; %s", n, failed, total)
	invs := slices.Sorted(maps.Keys(byInv))
	for _, inv := range invs {
		t.Logf("invariant %s: %d seeds, first %v", inv, len(byInv[inv]), byInv[inv][:min(8, len(byInv[inv]))])
	}
}

// The behaviours a run may enable, all on by default. CMKIT_SIM_ONLY and
// CMKIT_SIM_WITHOUT pick a subset, to show which behaviour a bug needs.
const (
	bCrash        = "crash"        // processes crash (mid-call, between rounds, around store writes) and restart
	bStoreFaults  = "storefaults"  // store calls fail or conflict at random
	bLatency      = "latency"      // long-tailed latencies, past the call timeout and the lease
	bFaults       = "faults"       // transient, rate-limited, permanent and ambiguous platform answers to publishing
	bLookupFaults = "lookupfaults" // transient and ambiguous answers to lookups
	bJumps        = "jumps"        // the clock jumps: downtime of hours, or a step back
	bSkew         = "skew"         // each process's clock is off by up to a second
	bLeases       = "leases"       // seeded leases and call timeouts, not only the defaults
	bMulti        = "multi"        // several publishers at once
	bEdit         = "edit"         // people edit entries
	bCancel       = "cancel"       // people cancel entries
	bResolve      = "resolve"      // people resolve unknown and failed variants
	bPause        = "pause"        // people pause and resume brands, channels and campaigns
	bGrants       = "grants"       // people grant and revoke roles
	bBrandText    = "brandtext"    // Entry.Brand left empty or cased differently from the channel's brand
	bMixed        = "mixed"        // members senior on one channel or brand but junior on another act
	bTwoBrands    = "twobrands"    // entries may target channels of two brands at once
	bBare         = "bare"         // a member with bare permissions (post.draft, post.submit) and no role acts
	bDeny         = "deny"         // seniors with a deny grant on one channel act
)

var simBehaviours = []string{bCrash, bStoreFaults, bLatency, bFaults, bLookupFaults, bJumps, bSkew, bLeases, bMulti,
	bEdit, bCancel, bResolve, bPause, bGrants, bBrandText, bMixed, bTwoBrands, bBare, bDeny}

func simBehaviourSet(only, without string) (map[string]bool, error) {
	on := map[string]bool{}
	for _, b := range simBehaviours {
		on[b] = only == ""
	}
	for _, list := range []struct {
		s  string
		to bool
	}{{only, true}, {without, false}} {
		for _, b := range strings.Split(list.s, ",") {
			if b = strings.TrimSpace(b); b == "" {
				continue
			}
			if !slices.Contains(simBehaviours, b) {
				return nil, fmt.Errorf("unknown behaviour %q; known: %s", b, strings.Join(simBehaviours, ","))
			}
			on[b] = list.to
		}
	}
	return on, nil
}

// The invariants.
const (
	invSim      = "0 sim"      // the system under test panicked, hung, or failed a person with an error that is no refusal
	invDouble   = "1 double"   // each post ID is applied at most once per channel
	invOverlap  = "1b overlap" // one sender per post: no call for a post (publish or lookup) starts while another process's publish of it is in flight
	invApproval = "2 approval" // nothing reaches a platform without a valid approval of its current content, for every channel
	invPause    = "3 pause"    // no call starts inside a pause of its channel's brand, its channel or its campaign
	invLate     = "4 late"     // no post starts later than the lateness policy allows, unless a person released it
	invStuck    = "5 stuck"    // no variant stays "sending" without a live lease, a due time, or a person to act
	invReceipt  = "6 receipt"  // an accepted answer is never discarded: the variant never ends as not sent
	invEnd      = "7 end"      // at the end every variant is sent once, failed with a reason, or waits for a person
)

type simStats struct {
	steps, calls, published, failedV, verify, crashes, seeds int
	entries, scheduled, mainCalls                            int // created, scheduled by a person, calls before the drain
}

func (a *simStats) add(b simStats) {
	a.steps += b.steps
	a.calls += b.calls
	a.published += b.published
	a.failedV += b.failedV
	a.verify += b.verify
	a.crashes += b.crashes
	a.entries += b.entries
	a.scheduled += b.scheduled
	a.mainCalls += b.mainCalls
	a.seeds++
}

func (a simStats) String() string {
	return fmt.Sprintf("%d steps, %d entries (%d scheduled), %d platform calls (%d before the drain), %d crashes; variants: %d sent, %d failed, %d unknown",
		a.steps, a.entries, a.scheduled, a.calls, a.mainCalls, a.crashes, a.published, a.failedV, a.verify)
}

type simResult struct {
	failure string
	trace   []string
	summary string
	stats   simStats
}

// simShape is the kind of scenario a seed draws. Bugs that need several
// things at once (a publisher deep in a batch of slow calls while another
// one polls; a person acting on an entry mid-call) are rare in a mix where
// everything is drawn independently, so a share of the seeds set them up.
type simShape int

const (
	shapeMixed   simShape = iota // everything at random
	shapeBurst                   // entries due at the same moment, claimed in batches; calls near the timeout, leases near their minimum
	shapeMidCall                 // people resolve, pause and resume entries while a call on them is in flight, and other publishers poll
)

var shapeNames = map[simShape]string{shapeMixed: "mixed", shapeBurst: "burst", shapeMidCall: "mid-call"}

// sim is one scenario.
type sim struct {
	seed     uint64
	enabled  map[string]bool
	shape    simShape
	rng      *rand.Rand
	clock    simClock
	store    *calendar.MemoryStore
	dir      *roles.Directory
	human    *calendar.Calendar
	infos    map[string]cmkit.ChannelInfo
	platform map[string][]platformPost

	procs    []*proc // alive
	names    []string
	inflight []*call

	models   map[uuid.UUID]*entryModel
	order    []uuid.UUID
	posts    map[uuid.UUID]postRef
	grants   []*grantRec
	accepted map[uuid.UUID]*proc // posts the platform accepted, by the process that got the answer
	onTime   map[timeKey]bool
	released map[uuid.UUID]bool

	maxLate, maxLease, maxSkew, slack time.Duration

	step, callSeq, platformSeq, pauseSeq, procSeq int
	draining, hung                                bool
	failure                                       string
	trace                                         []string
	stats                                         simStats
}

func (s *sim) on(b string) bool { return s.enabled[b] }

func (s *sim) fmtTime(t time.Time) string {
	d := t.Sub(s.clock.base)
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	return sign + d.Round(time.Millisecond).String()
}

func (s *sim) tracef(format string, args ...any) {
	s.trace = append(s.trace, fmt.Sprintf("%4d %10s  ", s.step, s.fmtTime(s.clock.now()))+fmt.Sprintf(format, args...))
}

func (s *sim) violate(inv, format string, args ...any) {
	msg := "invariant " + inv + ": " + fmt.Sprintf(format, args...)
	s.tracef("VIOLATION %s", msg)
	if s.failure == "" {
		s.failure = msg
	}
}

func runSim(seed uint64, on map[string]bool, steps int) (r simResult) {
	s := &sim{seed: seed, enabled: on, rng: rand.New(rand.NewPCG(seed, 0x5eed)),
		clock:  simClock{base: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)},
		store:  calendar.NewMemoryStore(),
		infos:  map[string]cmkit.ChannelInfo{},
		models: map[uuid.UUID]*entryModel{}, posts: map[uuid.UUID]postRef{}, platform: map[string][]platformPost{},
		accepted: map[uuid.UUID]*proc{}, onTime: map[timeKey]bool{}, released: map[uuid.UUID]bool{},
		maxLate: time.Hour, maxLease: 2 * time.Minute}
	defer func() {
		if x := recover(); x != nil {
			s.violate(invSim, "the simulator panicked: %v", x)
		}
		r = simResult{failure: s.failure, trace: s.trace, stats: s.stats, summary: s.stats.String()}
	}()
	if steps == 0 {
		steps = 100 + s.rng.IntN(201)
	}
	// Both shapes need a second publisher. Draw in any case, so that a
	// seed keeps its other draws whichever behaviours are on.
	if x := s.rng.IntN(8); s.on(bMulti) {
		switch {
		case x < 2:
			s.shape = shapeBurst
		case x < 4:
			s.shape = shapeMidCall
		}
	}
	s.tracef("a %s scenario of %d steps", shapeNames[s.shape], steps)
	if s.on(bSkew) {
		s.maxSkew = time.Second
	}
	if s.on(bLeases) {
		s.maxLease = 4 * time.Minute
		s.maxLate = 2 * time.Hour
	}
	s.slack = s.maxLease + 2*s.maxSkew + time.Second
	s.setup()
	if s.failure != "" {
		return
	}
	nprocs := 1
	if s.on(bMulti) {
		nprocs = 1 + s.rng.IntN(3)
		if s.shape != shapeMixed {
			nprocs = 2 + s.rng.IntN(2)
		}
	}
	for range nprocs {
		s.newProc("")
	}
	for s.step = 1; s.step <= steps && s.failure == "" && !s.hung; s.step++ {
		s.randomStep()
		s.checkInvariants()
	}
	s.stats.steps = s.step
	s.stats.mainCalls = s.callSeq
	if s.failure == "" && !s.hung {
		s.drain()
	}
	if s.failure == "" && !s.hung {
		s.checkEnd()
	}
	return
}

func (s *sim) setup() {
	ctx := context.Background()
	humanClock := procClock{s: s}
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(humanClock), roles.WithLogger(quiet))
	if err != nil {
		s.violate(invSim, "roles.New: %v", err)
		return
	}
	s.dir = dir
	for _, info := range simChannels {
		info.Limits, _ = cmkit.PlatformLimits(info.Platform)
		s.infos[info.ID] = info
	}
	if err := s.bootstrapTeam(ctx); err != nil {
		s.violate(invSim, "bootstrap: %v", err)
		return
	}
	s.human, err = calendar.New(s.store, calendar.WithTeam(dir), calendar.WithClock(humanClock),
		calendar.WithChannels(s.channelsFor(nil)...), calendar.WithLogger(quiet))
	if err != nil {
		s.violate(invSim, "calendar.New: %v", err)
		return
	}
	// The campaigns entries join, one per brand, over the whole run.
	for _, cp := range []calendar.Campaign{{Name: "spring", Brand: "acme"}, {Name: "bolt-spring", Brand: "bolt"}} {
		cp.Start, cp.End = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)
		if _, err := s.human.CreateCampaign(roles.WithActor(ctx, "sam"), cp); err != nil {
			s.violate(invSim, "CreateCampaign: %v", err)
		}
	}
}

func (s *sim) channelsFor(p *proc) []cmkit.Channel {
	var out []cmkit.Channel
	for _, info := range simChannels {
		c := &simChan{s: s, p: p, info: s.infos[info.ID]}
		if info.RetrySafety == cmkit.RetryAfterLookup {
			out = append(out, simFinder{c})
		} else {
			out = append(out, c)
		}
	}
	return out
}

// newProc starts a publisher process; name "" means a new name.
func (s *sim) newProc(name string) *proc {
	if name == "" {
		s.procSeq++
		name = fmt.Sprintf("p%d", s.procSeq)
		s.names = append(s.names, name)
	}
	p := &proc{s: s, name: name, events: make(chan procMsg), lease: 2 * time.Minute, timeout: 30 * time.Second,
		maxLate: time.Hour, late: calendar.HoldMissed}
	if s.on(bSkew) {
		p.skew = time.Duration(s.rng.IntN(2001)-1000) * time.Millisecond
	}
	if s.on(bLeases) && s.rng.IntN(2) == 0 {
		p.timeout = time.Duration(5+s.rng.IntN(41)) * time.Second
		p.lease = 2*p.timeout + time.Duration(s.rng.IntN(int(4*time.Minute-2*p.timeout)/int(time.Second)))*time.Second
		p.maxLate = time.Duration(10+s.rng.IntN(110)) * time.Minute
		if s.rng.IntN(2) == 0 {
			p.late = calendar.MoveMissed
		}
	}
	batch := 1 + s.rng.IntN(5)
	if s.shape == shapeBurst {
		// Batches of several entries, and leases that cover about two
		// calls, the least NewPublisher accepts.
		batch = 2 + s.rng.IntN(4)
		if s.on(bLeases) {
			p.timeout = time.Duration(8+s.rng.IntN(23)) * time.Second
			p.lease = 2*p.timeout + time.Duration(s.rng.IntN(int(p.timeout/time.Second)/2+1))*time.Second
		}
	}
	p.store = &simStore{s: s, p: p, inner: s.store}
	var err error
	p.cal, err = calendar.New(p.store, calendar.WithTeam(s.dir), calendar.WithClock(procClock{s: s, skew: p.skew}),
		calendar.WithChannels(s.channelsFor(p)...), calendar.WithLogger(quiet))
	if err != nil {
		s.violate(invSim, "calendar.New: %v", err)
		return p
	}
	cfg := calendar.DefaultPublisherConfig()
	cfg.Name, cfg.Seed, cfg.Lease, cfg.CallTimeout, cfg.Batch = name, s.rng.Uint64(), p.lease, p.timeout, batch
	cfg.MaxLate, cfg.Missed, cfg.Reschedule = p.maxLate, p.late, moveNext
	cfg.Concurrency = 1 // one goroutine at a time: the simulation decides every interleaving
	if s.rng.IntN(2) == 0 {
		cfg.MaxAttempts = 3 + s.rng.IntN(6)
		cfg.Backoff, cfg.MaxBackoff = time.Duration(5+s.rng.IntN(60))*time.Second, 30*time.Minute
	}
	if p.pub, err = calendar.NewPublisher(p.cal, cfg); err != nil {
		s.violate(invSim, "NewPublisher: %v", err)
		return p
	}
	s.procs = append(s.procs, p)
	s.tracef("start %s (lease %s, call timeout %s, batch %d, skew %s, lateness %s/%s)", name, p.lease, p.timeout, batch, p.skew, p.maxLate, p.late)
	return p
}

func (s *sim) idle() []*proc {
	var out []*proc
	for _, p := range s.procs {
		if !p.running && !p.dead {
			out = append(out, p)
		}
	}
	return out
}

// advance moves time forward by d, completing every call that ends on the
// way, in order.
func (s *sim) advance(d time.Duration) {
	target := s.clock.real + d
	for s.failure == "" && !s.hung {
		var next *call
		for _, c := range s.inflight {
			if c.end <= target && (next == nil || c.end < next.end || c.end == next.end && c.seq < next.seq) {
				next = c
			}
		}
		if next == nil {
			break
		}
		s.clock.real = next.end
		s.complete(next)
	}
	s.clock.real = target
}

// randomStep does one thing, chosen by the seed.
func (s *sim) randomStep() {
	type choice struct {
		w  int
		do func()
	}
	choices := []choice{
		{25, func() {
			if ps := s.idle(); len(ps) > 0 {
				s.start(ps[s.rng.IntN(len(ps))])
			}
		}},
		{20, func() { s.advance(time.Duration(1+s.rng.IntN(20)) * time.Second) }},
		{8, func() { s.advance(s.untilNext(30 * time.Minute)) }},
		{25, s.person},
	}
	switch s.shape {
	case shapeBurst:
		choices = append(choices, choice{3, s.doBurst})
	case shapeMidCall:
		choices = append(choices, choice{1, s.doBurst})
		if s.meddleable() != nil {
			choices = append(choices, choice{20, s.doMeddle})
		}
	}
	if s.on(bCrash) {
		choices = append(choices, choice{2, func() {
			if len(s.procs) > 0 {
				s.stats.crashes++
				s.crash(s.procs[s.rng.IntN(len(s.procs))])
			}
		}})
	}
	limit := 1
	if s.on(bMulti) {
		limit = 3
	}
	if len(s.procs) < limit {
		choices = append(choices, choice{6, func() {
			name := ""
			if s.rng.IntN(2) == 0 {
				name = s.pick(s.names) // a restart keeps its name
			}
			for _, p := range s.procs {
				if p.name == name {
					name = ""
				}
			}
			s.newProc(name)
		}})
	}
	if s.on(bJumps) {
		choices = append(choices, choice{1, func() {
			if s.rng.IntN(3) == 0 {
				d := time.Duration(1+s.rng.IntN(30)) * time.Second
				s.tracef("the clock steps back %s", d)
				s.clock.offset -= d
				return
			}
			d := time.Duration(10+s.rng.IntN(170)) * time.Minute
			s.tracef("time jumps %s ahead", d)
			s.advance(d)
		}})
	}
	total := 0
	for _, c := range choices {
		total += c.w
	}
	x := s.rng.IntN(total)
	for _, c := range choices {
		if x < c.w {
			c.do()
			return
		}
		x -= c.w
	}
}

// untilNext is how long until the next call ends or entry falls due, at
// least a second and at most limit.
func (s *sim) untilNext(limit time.Duration) time.Duration {
	d := limit
	for _, c := range s.inflight {
		d = min(d, c.end-s.clock.real)
	}
	now := s.clock.now()
	for e, err := range s.store.Query(context.Background(), calendar.Query{}) {
		if err == nil && !e.DueAt.IsZero() {
			d = min(d, e.DueAt.Sub(now)+s.maxSkew)
		}
	}
	return max(d, time.Second)
}

// checkInvariants checks, after every step, what must hold at every moment.
func (s *sim) checkInvariants() {
	now := s.clock.now()
	for e, err := range s.store.Query(context.Background(), calendar.Query{}) {
		if err != nil {
			s.violate(invSim, "query: %v", err)
			return
		}
		live := e.Lease.Owner != "" && now.Before(e.Lease.Expires.Add(s.maxSkew))
		waiting := e.State == calendar.Verify || e.State == calendar.Held || e.PausedBy != ""
		for _, v := range e.Variants {
			name := s.postName(v.Post.ID)
			if v.State == calendar.Sending && !live && e.DueAt.IsZero() && !waiting {
				s.violate(invStuck, "%s is sending in a %s entry with no live lease (%+v), no due time, and nobody to act",
					name, e.State, e.Lease)
			}
			if s.accepted[v.Post.ID] != nil && (v.State == calendar.Rejected || v.State == calendar.Dead ||
				v.State == calendar.Pending && e.State.Terminal() || v.State == calendar.Pending && e.State == calendar.Cancelled) {
				s.violate(invReceipt, "%s was accepted by the platform, but the entry (%s) records it %s", name, e.State, v.State)
			}
		}
	}
}

// drain ends the scenario: no more crashes, faults or people; time moves
// on, calls complete and publishers run until nothing is due.
func (s *sim) drain() {
	s.draining = true
	s.tracef("drain: no more crashes, faults or people; the pauses end")
	if ps, err := s.store.Pauses(context.Background()); err == nil {
		for _, p := range ps {
			s.resume("sam", p.ID)
		}
	}
	if len(s.idle()) == 0 {
		s.newProc("")
	}
	for i := 0; ; i++ {
		if s.failure != "" || s.hung {
			return
		}
		if i > 3000 {
			s.violate(invEnd, "the publishers never ran dry")
			return
		}
		for _, p := range s.idle() {
			s.start(p)
		}
		due := false
		for e, err := range s.store.Query(context.Background(), calendar.Query{}) {
			if err == nil && !e.DueAt.IsZero() {
				due = true
			}
		}
		if !due && len(s.inflight) == 0 && len(s.idle()) == len(s.procs) {
			break
		}
		s.advance(s.untilNext(time.Hour))
		s.checkInvariants()
	}
}

// checkEnd checks the end state: every variant published once, failed
// with a reason, or waiting for a person; none lost, none stuck; no post
// out that the calendar does not know of.
func (s *sim) checkEnd() {
	for e, err := range s.store.Query(context.Background(), calendar.Query{}) {
		if err != nil {
			s.violate(invSim, "query: %v", err)
			return
		}
		if (e.State == calendar.Publishing || e.State == calendar.Scheduled) && e.PausedBy == "" {
			s.violate(invEnd, "%s ends %s (due %v, lease %+v, variants %s)", s.entryName(e.ID), e.State, e.DueAt, e.Lease, variantStates(&e))
		}
		for _, v := range e.Variants {
			name := s.postName(v.Post.ID)
			out := s.countPosts(v.Channel, v.Post.ID)
			switch v.State {
			case calendar.Sent:
				s.stats.published++
				if out != 1 {
					s.violate(invEnd, "%s is sent but on the platform %d times", name, out)
				}
			case calendar.Rejected, calendar.Dead:
				s.stats.failedV++
				if v.Error == "" {
					s.violate(invEnd, "%s is %s without a reason", name, v.State)
				}
				if out > 0 {
					s.violate(invEnd, "%s is %s but it is out; attempts on record: %s", name, v.State, s.attempts(v.Post.ID))
				}
			case calendar.Unknown:
				s.stats.verify++
				if e.State != calendar.Verify && e.State != calendar.Held && e.State != calendar.Cancelled && e.PausedBy == "" {
					s.violate(invEnd, "%s is unknown but its entry is %s, not waiting for a person", name, e.State)
				}
			case calendar.Sending:
				s.violate(invEnd, "%s is still sending in a %s entry", name, e.State)
			case calendar.Pending:
				// A held or cancelled entry may keep a variant pending after
				// an ambiguous attempt: a person decides, and the record
				// says it may be out. Otherwise a post that is out must be
				// on record.
				if out > 0 && !(mayBeOut(&v) && (e.State.Terminal() || e.PausedBy != "")) {
					s.violate(invEnd, "%s is out, but its %s entry records it pending", name, e.State)
				}
			}
		}
	}
	s.stats.calls = s.callSeq
}

func variantStates(e *calendar.Entry) string {
	var b strings.Builder
	for i, v := range e.Variants {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", v.Channel, v.State)
		if n := len(v.Attempts); n > 0 {
			fmt.Fprintf(&b, " after %d attempts (last %s)", n, v.Attempts[n-1].Outcome)
		}
	}
	return b.String()
}

// mayBeOut reports whether v's record says it may be out: an ambiguous
// attempt with no lookup since that found it absent.
func mayBeOut(v *calendar.Variant) bool {
	out := false
	for _, a := range v.Attempts {
		switch a.Outcome {
		case "ambiguous", "sending":
			out = true
		case "absent":
			out = false
		}
	}
	return out
}
