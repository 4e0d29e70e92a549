package crisis_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/crisis"
)

// callMode is what a fake platform does with one call in the simulation.
type callMode int

const (
	callOK    callMode = iota
	callFail           // fails before doing anything
	callLost           // does it, then the answer is lost
	callCrash          // the process dies during the call, before it acts
	callDone           // the process dies during the call, after it acted
)

// modes draws a call mode: mostly fine, sometimes each fault.
func modes(rng *rand.Rand) callMode {
	switch n := rng.IntN(20); {
	case n < 12:
		return callOK
	case n < 14:
		return callFail
	case n < 16:
		return callLost
	case n < 18:
		return callCrash
	default:
		return callDone
	}
}

// simPager delivers pages by the mode set for the next call.
type simPager struct {
	mu        sync.Mutex
	mode      callMode
	delivered map[uuid.UUID]int
}

func (p *simPager) Page(_ context.Context, pg crisis.Page) error {
	p.mu.Lock()
	mode := p.mode
	if mode == callCrash || mode == callDone {
		p.mode = callOK // one death per step
	}
	if mode == callOK || mode == callLost || mode == callDone {
		p.delivered[pg.ID]++
	}
	p.mu.Unlock()
	switch mode {
	case callFail:
		return fmt.Errorf("pager down: %w", cmkit.ErrTransient)
	case callLost:
		return fmt.Errorf("pager answer lost: %w", cmkit.ErrAmbiguous)
	case callCrash, callDone:
		runtime.Goexit()
	}
	return nil
}

// simPoster publishes statements, idempotent on the ID, by the mode set
// for the next call.
type simPoster struct {
	mu    sync.Mutex
	mode  callMode
	byID  map[string]string
	calls int
}

func (p *simPoster) Publish(_ context.Context, brand, channel, language, text, id string) (string, error) {
	p.mu.Lock()
	p.calls++
	mode := p.mode
	p.mode = callOK
	if mode == callCrash {
		p.mu.Unlock()
		runtime.Goexit()
	}
	if mode == callFail {
		p.mu.Unlock()
		return "", fmt.Errorf("platform down: %w", cmkit.ErrTransient)
	}
	receipt, ok := p.byID[id]
	if !ok {
		receipt = fmt.Sprintf("%s/%s/%d", brand, channel, len(p.byID)+1)
		p.byID[id] = receipt
	}
	p.mu.Unlock()
	switch mode {
	case callLost:
		return "", fmt.Errorf("answer lost: %w", cmkit.ErrAmbiguous)
	case callDone:
		runtime.Goexit()
	}
	return receipt, nil
}

// simWorld is the simulation's shared state: one store, the fakes, the
// clock, and the services working on them.
type simWorld struct {
	t      *testing.T
	rng    *rand.Rand
	rig    *stRig
	pager  *simPager
	poster *simPoster
	pub    *publishing
	svcs   [2]*crisis.Service
	// what the invariants remember between steps
	versions map[uuid.UUID]int64
	stats    map[string]int
}

func (w *simWorld) newService() *crisis.Service {
	s, err := crisis.New(w.rig.store, crisis.WithPlan(testPlan()), crisis.WithTeam(w.rig.team), crisis.WithClock(w.rig.clock),
		crisis.WithNotifier(w.pager), crisis.WithPublishing(w.pub), crisis.WithModeration(&moderation{rules: "default"}),
		crisis.WithStyleGuide(&styleGuide{}), crisis.WithStatementPublisher(w.poster),
		crisis.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(w.t, err)
	return s
}

// incidents returns the stored incidents, oldest first.
func (w *simWorld) incidents() []crisis.Incident {
	all, err := w.rig.store.Incidents(context.Background(), "")
	require.NoError(w.t, err)
	return all
}

// open returns a random open incident.
func (w *simWorld) open() (crisis.Incident, bool) {
	var open []crisis.Incident
	for _, inc := range w.incidents() {
		if !inc.State.Closed() {
			open = append(open, inc)
		}
	}
	if len(open) == 0 {
		return crisis.Incident{}, false
	}
	return open[w.rng.IntN(len(open))], true
}

// call runs f as a process would: in a goroutine of its own, which a
// fake may end with runtime.Goexit.
func (w *simWorld) call(f func()) { inGoroutine(f) }

// act does one random thing a person, a process or the clock does.
func (w *simWorld) act() string {
	svc := w.svcs[w.rng.IntN(len(w.svcs))]
	levels := []string{"watch", "major", "critical"}
	switch n := w.rng.IntN(100); {
	case n < 22:
		d := time.Duration(w.rng.IntN(20*60)) * time.Second
		if w.rng.IntN(10) == 0 {
			d = time.Duration(1+w.rng.IntN(6)) * time.Hour
		}
		w.rig.clock.Advance(d)
		return "clock +" + d.String()
	case n < 25:
		d := time.Duration(1+w.rng.IntN(10*60)) * time.Second
		w.rig.clock.Set(w.rig.clock.Now().Add(-d))
		w.stats["clock back"]++
		return "clock -" + d.String()
	case n < 45:
		w.pager.mu.Lock()
		w.pager.mode = modes(w.rng)
		mode := w.pager.mode
		w.pager.mu.Unlock()
		w.poster.mu.Lock()
		w.poster.mode = modes(w.rng)
		w.poster.mu.Unlock()
		w.call(func() { _, _ = svc.Step(context.Background()) })
		return fmt.Sprintf("step (pager %d)", mode)
	case n < 52:
		if _, ok := w.open(); ok && w.rng.IntN(3) > 0 {
			return "no declare: one is open"
		}
		lv := levels[w.rng.IntN(len(levels))]
		w.call(func() { _, _ = svc.Declare(as("sam"), lv, "rumour") })
		w.stats["declared"]++
		return "declare " + lv
	case n < 60:
		inc, ok := w.open()
		if !ok {
			return "no ack"
		}
		w.call(func() { _, _ = svc.Acknowledge(as("bea"), inc.ID) })
		return "ack"
	case n < 66:
		inc, ok := w.open()
		if !ok {
			return "no level change"
		}
		lv := levels[w.rng.IntN(len(levels))]
		w.call(func() { _, _ = svc.ChangeLevel(as("sam"), inc.ID, lv, "worse") })
		return "level " + lv
	case n < 74:
		inc, ok := w.open()
		if !ok {
			return "no draft"
		}
		w.call(func() {
			st, err := svc.DraftStatement(as("ana"), inc.ID, "es", "acme-x", fmt.Sprintf("Lo revisamos (%d).", w.rng.IntN(1000)))
			if err != nil {
				return
			}
			for _, m := range []string{"sam", "lea", "leo"} {
				if got, err := svc.ApproveStatement(as(m), inc.ID, st.ID, st.Version); err == nil {
					st = got
				}
			}
		})
		return "draft and approve"
	case n < 84:
		all := w.incidents()
		var cands [][2]uuid.UUID
		var versions []int64
		for _, inc := range all {
			for _, st := range inc.Statements {
				if st.State == crisis.StatementApproved || st.State == crisis.StatementPublishing {
					cands = append(cands, [2]uuid.UUID{inc.ID, st.ID})
					versions = append(versions, st.Version)
				}
			}
		}
		if len(cands) == 0 {
			return "no publish"
		}
		i := w.rng.IntN(len(cands))
		mode := modes(w.rng)
		w.poster.mu.Lock()
		w.poster.mode = mode
		w.poster.mu.Unlock()
		member := []string{"bea", "sam"}[w.rng.IntN(2)]
		w.call(func() { _, _ = svc.PublishStatement(as(member), cands[i][0], cands[i][1], versions[i]) })
		w.stats[fmt.Sprintf("publish mode %d", mode)]++
		return fmt.Sprintf("publish (mode %d)", mode)
	case n < 92:
		inc, ok := w.open()
		if !ok {
			return "no resolve"
		}
		fail := w.rng.IntN(4) == 0
		w.pub.mu.Lock()
		if fail {
			w.pub.before = func(context.Context, string) error { return fmt.Errorf("calendar down: %w", cmkit.ErrTransient) }
		} else {
			w.pub.before = nil
		}
		w.pub.mu.Unlock()
		w.call(func() { _, _ = svc.Resolve(as("sam"), inc.ID, "calm") })
		w.stats["resolve"]++
		return fmt.Sprintf("resolve (resume fails: %v)", fail)
	default:
		i := w.rng.IntN(len(w.svcs))
		w.svcs[i] = w.newService()
		w.stats["restart"]++
		return "restart"
	}
}

// check asserts the invariants on the store and the fakes.
func (w *simWorld) check(step int, what string) {
	t := w.t
	t.Helper()
	ctx := context.Background()
	plan := testPlan()
	where := fmt.Sprintf("step %d (%s)", step, what)
	pageIDs := map[uuid.UUID]bool{}
	held := map[string]bool{}
	for _, inc := range w.incidents() {
		require.GreaterOrEqual(t, inc.Version, w.versions[inc.ID], "%s: incident %s went back a version", where, inc.ID)
		w.versions[inc.ID] = inc.Version
		for _, p := range inc.Undo.Pauses {
			held[p.ID] = true
		}
		tl, err := w.rig.store.Timeline(ctx, inc.ID)
		require.NoError(t, err)
		slots := map[string]bool{}
		var levelAt time.Time
		var level string
		epoch := 0 // level entries so far: each starts a schedule
		acked := false
		published := map[uuid.UUID]int{}
		for _, e := range tl {
			switch e.Kind {
			case crisis.TimelineLevel, crisis.TimelineDeclared:
				levelAt, level, acked = e.At, e.Level, false
				epoch++
			case crisis.TimelineAcknowledged:
				acked = true
			case crisis.TimelineAction:
				pageIDs[e.ID] = true
			case crisis.TimelineStatementPublished:
				published[e.Statement]++
			case crisis.TimelinePage:
				pageIDs[e.ID] = true
				require.False(t, acked, "%s: page %s recorded after the level was acknowledged", where, e.ID)
				slot := fmt.Sprintf("%d/%d/%s/%+v", epoch, e.Step, e.Due, *e.To)
				require.False(t, slots[slot], "%s: page slot %s recorded twice", where, slot)
				slots[slot] = true
				if e.Step >= 0 {
					lv := plan.Levels[plan.LevelIndex(level)]
					st := lv.Escalation[e.Step]
					off := e.Due.Sub(levelAt) - st.After.D()
					require.GreaterOrEqual(t, off, time.Duration(0), "%s: page %s due before its step", where, e.ID)
					if st.Repeat.D() == 0 {
						require.Zero(t, off, "%s: single page %s off its time", where, e.ID)
					} else {
						require.Zero(t, off%st.Repeat.D(), "%s: repeat %s off the plan's grid", where, e.ID)
					}
				}
			}
		}
		for _, st := range inc.Statements {
			require.LessOrEqual(t, published[st.ID], 1, "%s: statement %s recorded published twice", where, st.ID)
			if st.State == crisis.StatementPublished {
				require.Equal(t, 1, published[st.ID], where)
				w.poster.mu.Lock()
				receipt := w.poster.byID[st.ID.String()]
				w.poster.mu.Unlock()
				require.Equal(t, receipt, st.Receipt, "%s: statement %s receipt", where, st.ID)
			}
		}
	}
	w.pager.mu.Lock()
	for id, n := range w.pager.delivered {
		require.True(t, pageIDs[id], "%s: page %s delivered but in no timeline", where, id)
		require.LessOrEqual(t, n, crisis.MaxPageAttempts, "%s: page %s delivered %d times", where, id, n)
	}
	w.pager.mu.Unlock()
	w.pub.mu.Lock()
	for id := range w.pub.paused {
		require.True(t, held[id], "%s: pause %s held by no incident", where, id)
	}
	w.pub.mu.Unlock()
}

// settle lets every fault pass: no more failures, time moves on, each
// open incident is resolved, and Step runs until nothing is due.
func (w *simWorld) settle() {
	w.pager.mu.Lock()
	w.pager.mode = callOK
	w.pager.mu.Unlock()
	w.pub.mu.Lock()
	w.pub.before = nil
	w.pub.mu.Unlock()
	svc := w.newService()
	for range 3 {
		for _, inc := range w.incidents() {
			if !inc.State.Closed() {
				_, _ = svc.Resolve(as("sam"), inc.ID, "settled")
			}
		}
		for range crisis.MaxPublishAttempts + 1 {
			w.rig.clock.Advance(crisis.StatementLease + crisis.ResolveLease)
			_, _ = svc.Step(context.Background())
		}
	}
}

// TestSimulatedIncidents runs seeded random histories of incidents,
// statements, pages, crashes, restarts and clock jumps against two
// services sharing one store, checking the invariants after every step,
// then lets the faults pass and checks that everything was finished.
func TestSimulatedIncidents(t *testing.T) {
	seeds, steps := 40, 400
	if testing.Short() {
		seeds = 8
	}
	total := map[string]int{}
	for seed := range seeds {
		pub := &publishing{paused: map[string][]string{}, resumed: map[string]crisis.MissedPosts{}}
		w := &simWorld{t: t, rng: rand.New(rand.NewPCG(uint64(seed), 7)), rig: newStatementRig(t),
			pager: &simPager{delivered: map[uuid.UUID]int{}}, poster: &simPoster{byID: map[string]string{}}, pub: pub,
			versions: map[uuid.UUID]int64{}, stats: total}
		for i := range w.svcs {
			w.svcs[i] = w.newService()
		}
		for step := range steps {
			what := w.act()
			w.check(step, what)
		}
		w.settle()
		w.check(steps, "settled")
		for _, inc := range w.incidents() {
			require.True(t, inc.State.Closed(), "seed %d: incident %s still %s after settling", seed, inc.ID, inc.State)
			for _, st := range inc.Statements {
				if st.State == crisis.StatementPublishing {
					require.GreaterOrEqual(t, st.PublishAttempts, crisis.MaxPublishAttempts,
						"seed %d: statement %s left publishing with attempts to spare", seed, st.ID)
					total["given up"]++
				}
				if st.State == crisis.StatementPublished {
					total["published"]++
					if st.PublishAttempts > 1 {
						total["published after a retry"]++
					}
				}
			}
			if slices.ContainsFunc(inc.Statements, func(st crisis.PublicStatement) bool { return st.PublishAttempts > 1 }) {
				total["incident with a statement retried"]++
			}
		}
		require.Empty(t, pub.paused, "seed %d: pauses left after every incident was resolved", seed)
		require.NotEmpty(t, w.pager.delivered, "seed %d paged nobody", seed)
	}
	// The histories reached the cases they are for.
	for _, k := range []string{"declared", "resolve", "restart", "clock back", "published", "published after a retry",
		fmt.Sprintf("publish mode %d", callCrash), fmt.Sprintf("publish mode %d", callDone)} {
		require.Positive(t, total[k], "no history reached %q", k)
	}
	t.Logf("reached: %v", total)
}
