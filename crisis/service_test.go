package crisis_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/crisis"
	"github.com/cmkit/cmkit/crisis/detect"
	"github.com/cmkit/cmkit/roles"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// page is one page a fake notifier got.
// notifier records the pages it accepted; fail, when set, decides first
// whether a page fails (and is not delivered).
type notifier struct {
	mu    sync.Mutex
	pages []crisis.Page
	fail  func(p crisis.Page) error
}

func (n *notifier) Page(_ context.Context, p crisis.Page) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fail != nil {
		if err := n.fail(p); err != nil {
			return err
		}
	}
	n.pages = append(n.pages, p)
	return nil
}

func (n *notifier) count(to crisis.Responder) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	c := 0
	for _, p := range n.pages {
		if p.To == to {
			c++
		}
	}
	return c
}

// publishing records pauses and resumes.
type publishing struct {
	mu      sync.Mutex
	paused  map[string][]string // pause ID → channels
	resumed map[string]crisis.MissedPosts
	resumes int
	taken   int // pauses taken, so each gets an ID of its own
	// before, when set, runs at the start of each Resume (to park it);
	// beforePause at the start of each Pause.
	before      func(ctx context.Context, id string) error
	beforePause func(ctx context.Context)
}

func (p *publishing) Pause(ctx context.Context, brand string, channels []string, _ string) (string, error) {
	if p.beforePause != nil {
		p.beforePause(ctx)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.taken++
	id := fmt.Sprintf("pause-%d", p.taken)
	p.paused[id] = append([]string{brand}, channels...)
	return id, nil
}

func (p *publishing) Resume(ctx context.Context, id string, missed crisis.MissedPosts) error {
	if p.before != nil {
		if err := p.before(ctx, id); err != nil {
			return err
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.resumes++
	if _, ok := p.paused[id]; !ok {
		return cmkit.ErrNotFound
	}
	delete(p.paused, id)
	p.resumed[id] = missed
	return nil
}

// moderation keeps the active rule set.
type moderation struct {
	mu    sync.Mutex
	rules string
}

func (m *moderation) SwitchRuleSet(_ context.Context, _, ruleSet string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	prev := m.rules
	m.rules = ruleSet
	return prev, nil
}

// styleGuide keeps the crisis mode.
type styleGuide struct {
	mu sync.Mutex
	on bool
}

func (g *styleGuide) SetCrisisMode(_ context.Context, _ string, on bool) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.on = on
	return nil
}

// rig is a service over a store with fakes on a simulated clock.
type rig struct {
	clock *cmkittest.Clock
	store *crisis.MemoryStore
	team  *roles.Directory
	note  *notifier
	pub   *publishing
	mod   *moderation
	style *styleGuide
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	clock := cmkittest.NewClock(t0)
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	require.NoError(t, dir.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "bea"}, {ID: "ana"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
			{Member: "bea", Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme"}},
			{Member: "ana", Role: roles.Intern, Scope: roles.Scope{Brand: "acme"}},
		},
	}))
	return &rig{clock: clock, store: crisis.NewMemoryStore(), team: dir, note: &notifier{},
		pub: &publishing{paused: map[string][]string{}, resumed: map[string]crisis.MissedPosts{}},
		mod: &moderation{rules: "default"}, style: &styleGuide{}}
}

// service returns a new service over the rig's store and fakes.
func (r *rig) service(t *testing.T) *crisis.Service {
	t.Helper()
	s, err := crisis.New(r.store, crisis.WithPlan(testPlan()), crisis.WithTeam(r.team), crisis.WithClock(r.clock),
		crisis.WithNotifier(r.note), crisis.WithPublishing(r.pub), crisis.WithModeration(r.mod),
		crisis.WithStyleGuide(r.style), crisis.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	return s
}

// storm is a breakout at the plan's "major" level: 5x volume, 40% negative.
var storm = detect.Breakout{Seq: 1, Key: "acme/es", Kind: detect.BreakoutVolume | detect.BreakoutNegative, Opened: t0,
	PeakTotal: 50, PeakExpected: 10, PeakNegative: 20, Score: 9}

var (
	smm    = crisis.Responder{Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}}
	senior = crisis.Responder{Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme"}}
	boss   = crisis.Responder{Member: "boss"}
	cs     = crisis.Responder{Role: roles.CustomerService, Scope: roles.Scope{Brand: "acme"}}
)

func as(member string) context.Context { return roles.WithActor(context.Background(), member) }

// pagesOf returns the Due times of the incident's page entries to to.
func pagesOf(t *testing.T, s crisis.Store, id uuid.UUID, to crisis.Responder) []time.Time {
	t.Helper()
	tl, err := s.Timeline(context.Background(), id)
	require.NoError(t, err)
	var due []time.Time
	for _, e := range tl {
		if e.Kind == crisis.TimelinePage && *e.To == to {
			due = append(due, e.Due)
		}
	}
	return due
}

// grid returns first, first+every, … up to and including until.
func grid(first time.Time, every time.Duration, until time.Time) []time.Time {
	var out []time.Time
	for at := first; !at.After(until); at = at.Add(every) {
		out = append(out, at)
	}
	return out
}

func TestOpenRunsEntryActionsAndPagesResponders(t *testing.T) {
	r := newRig(t)
	s := r.service(t)
	inc, ok, err := s.Open(context.Background(), storm)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "major", inc.Level)
	assert.Equal(t, crisis.IncidentDetected, inc.State)
	p := testPlan()
	assert.Equal(t, p.Ref(), inc.Plan)
	assert.Equal(t, "detect:acme/es#1", inc.Source)
	assert.Equal(t, map[string][]string{"pause-1": {"acme", "acme-x"}}, r.pub.paused)
	assert.Equal(t, "crisis-strict", r.mod.rules)
	assert.True(t, r.style.on)
	assert.Equal(t, crisis.Undo{Pauses: []crisis.PauseHandle{{ID: "pause-1", Missed: crisis.MoveMissedPosts}},
		Moderation: true, PreviousRules: "default", StyleGuideCrisis: true}, inc.Undo)
	assert.Equal(t, 1, r.note.count(smm))
	assert.Equal(t, 1, r.note.count(crisis.Responder{Member: "ana"}))
	assert.Equal(t, 1, r.note.count(cs))
	assert.Equal(t, t0.Add(10*time.Minute), inc.NextPage)

	// The same breakout again (the detector updates it): the same incident.
	again, ok, err := s.Open(context.Background(), storm)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, inc.ID, again.ID)
	assert.Len(t, r.pub.paused, 1)
	assert.Equal(t, 1, r.note.count(smm))

	// Below every level's criteria: nothing opens.
	_, ok, err = s.Open(context.Background(), detect.Breakout{Key: "calm", PeakTotal: 11, PeakExpected: 10})
	require.NoError(t, err)
	assert.False(t, ok)
	all, err := r.store.Incidents(context.Background(), "acme")
	require.NoError(t, err)
	assert.Len(t, all, 1)
}

func TestDeadlineMissedPagesNextStep(t *testing.T) {
	r := newRig(t)
	s := r.service(t)
	inc, _, err := s.Open(context.Background(), storm)
	require.NoError(t, err)
	r.clock.Advance(10*time.Minute - time.Second)
	n, err := s.Step(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n, "a second before the deadline")
	assert.Zero(t, r.note.count(senior))
	r.clock.Advance(time.Second)
	n, err = s.Step(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, 1, r.note.count(senior))
	assert.Equal(t, []time.Time{t0.Add(10 * time.Minute)}, pagesOf(t, r.store, inc.ID, senior))
	// At one hour the second step pages the boss, once.
	r.clock.Set(t0.Add(time.Hour))
	_, err = s.Step(context.Background())
	require.NoError(t, err)
	r.clock.Set(t0.Add(3 * time.Hour))
	_, err = s.Step(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, r.note.count(boss))
}

func TestAcknowledgedStopsEscalation(t *testing.T) {
	r := newRig(t)
	s := r.service(t)
	inc, _, err := s.Open(context.Background(), storm)
	require.NoError(t, err)
	r.clock.Advance(5 * time.Minute)
	_, err = s.Acknowledge(as("ana"), inc.ID)
	require.ErrorIs(t, err, cmkit.ErrForbidden, "an intern may not acknowledge")
	got, err := s.Acknowledge(as("bea"), inc.ID)
	require.NoError(t, err)
	assert.Equal(t, crisis.IncidentAcknowledged, got.State)
	assert.Equal(t, "bea", got.AckedBy)
	assert.True(t, got.NextPage.IsZero())
	for range 24 {
		r.clock.Advance(10 * time.Minute)
		n, err := s.Step(context.Background())
		require.NoError(t, err)
		require.Zero(t, n)
	}
	assert.Zero(t, r.note.count(senior))
	assert.Zero(t, r.note.count(boss))

	// Escalating to another level pages again until that level is acknowledged.
	_, err = s.ChangeLevel(as("bea"), inc.ID, "critical", "press picked it up")
	require.NoError(t, err)
	assert.Equal(t, 2, r.note.count(smm))
	assert.Len(t, r.pub.paused, 2)
}

// TestRepeatsExactOverADay: Step runs at irregular times, but each repeat
// is due exactly on the grid of the level's entry time, to the second,
// and each slot is paged once.
func TestRepeatsExactOverADay(t *testing.T) {
	r := newRig(t)
	s := r.service(t)
	inc, _, err := s.Open(context.Background(), storm)
	require.NoError(t, err)
	end := t0.Add(24 * time.Hour)
	for r.clock.Now().Before(end) {
		r.clock.Advance(7*time.Minute + 13*time.Second)
		_, err := s.Step(context.Background())
		require.NoError(t, err)
	}
	want := grid(t0.Add(10*time.Minute), 15*time.Minute, r.clock.Now())
	assert.Equal(t, want, pagesOf(t, r.store, inc.ID, senior))
	assert.Equal(t, len(want), r.note.count(senior))
	assert.Equal(t, 1, r.note.count(boss))
}

// TestRestartLosesNoPageDoublesNone: a second service over the same store
// takes over mid-incident, with one overlapping step and an hour down.
func TestRestartLosesNoPageDoublesNone(t *testing.T) {
	r := newRig(t)
	first := r.service(t)
	inc, _, err := first.Open(context.Background(), storm)
	require.NoError(t, err)
	for r.clock.Now().Before(t0.Add(50 * time.Minute)) {
		r.clock.Advance(time.Minute)
		_, err := first.Step(context.Background())
		require.NoError(t, err)
	}
	second := r.service(t) // the restart, at the same instant
	n, err := second.Step(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n, "the page of 50m was sent before the restart")
	for r.clock.Now().Before(t0.Add(3 * time.Hour)) {
		r.clock.Advance(time.Minute)
		_, err := second.Step(context.Background())
		require.NoError(t, err)
	}
	want := grid(t0.Add(10*time.Minute), 15*time.Minute, t0.Add(3*time.Hour))
	assert.Equal(t, want, pagesOf(t, r.store, inc.ID, senior))
	assert.Equal(t, len(want), r.note.count(senior))

	// Down for an hour and a bit: the slots missed meanwhile make one
	// late page (due since the first of them), then the grid goes on.
	r.clock.Advance(67 * time.Minute)
	third := r.service(t)
	n, err = third.Step(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	got, err := r.store.Incident(context.Background(), inc.ID)
	require.NoError(t, err)
	assert.Equal(t, t0.Add(4*time.Hour+10*time.Minute), got.NextPage, "back on the grid")
	r.clock.Set(got.NextPage)
	n, err = third.Step(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	due := pagesOf(t, r.store, inc.ID, senior)
	assert.Equal(t, append(want, t0.Add(3*time.Hour+10*time.Minute), t0.Add(4*time.Hour+10*time.Minute)), due)
}

func TestResolveResumesWhatWasPaused(t *testing.T) {
	r := newRig(t)
	s := r.service(t)
	inc, _, err := s.Open(context.Background(), storm)
	require.NoError(t, err)
	_, err = s.ChangeLevel(as("bea"), inc.ID, "critical", "worse")
	require.NoError(t, err)
	require.Len(t, r.pub.paused, 2)

	before, err := r.store.Incident(context.Background(), inc.ID)
	require.NoError(t, err)
	_, err = s.Resolve(as("bea"), inc.ID, "over")
	require.ErrorIs(t, err, cmkit.ErrForbidden, "a senior CM may not resolve")
	after, err := r.store.Incident(context.Background(), inc.ID)
	require.NoError(t, err)
	assert.Equal(t, before, after)

	r.clock.Advance(2 * time.Hour)
	got, err := s.Resolve(as("sam"), inc.ID, "over")
	require.NoError(t, err)
	assert.Equal(t, crisis.IncidentResolved, got.State)
	assert.Equal(t, r.clock.Now(), got.ResolvedAt)
	assert.Empty(t, r.pub.paused)
	assert.Equal(t, map[string]crisis.MissedPosts{"pause-1": crisis.MoveMissedPosts, "pause-2": crisis.HoldMissedPosts}, r.pub.resumed)
	assert.Equal(t, "default", r.mod.rules)
	assert.False(t, r.style.on)
	assert.Equal(t, crisis.Undo{}, got.Undo)
	pages := len(r.note.pages)
	r.clock.Advance(time.Hour)
	n, err := s.Step(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Len(t, r.note.pages, pages)

	_, err = s.Resolve(as("sam"), inc.ID, "again")
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	got, err = s.RecordReview(as("sam"), inc.ID, crisis.Review{Summary: "a bad ad", ActionItems: []string{"review ads"}})
	require.NoError(t, err)
	assert.Equal(t, crisis.IncidentReviewed, got.State)
	assert.Equal(t, "sam", got.Review.By)
}

// TestTwoServicesOneStore: two services stepping one store concurrently
// send each page once.
func TestTwoServicesOneStore(t *testing.T) {
	r := newRig(t)
	a, b := r.service(t), r.service(t)
	inc, _, err := a.Open(context.Background(), storm)
	require.NoError(t, err)
	for r.clock.Now().Before(t0.Add(6 * time.Hour)) {
		r.clock.Advance(time.Minute)
		var wg sync.WaitGroup
		for _, s := range []*crisis.Service{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Step(context.Background())
				assert.NoError(t, err)
			}()
		}
		wg.Wait()
	}
	want := grid(t0.Add(10*time.Minute), 15*time.Minute, t0.Add(6*time.Hour))
	assert.Equal(t, want, pagesOf(t, r.store, inc.ID, senior))
	assert.Equal(t, len(want), r.note.count(senior))
	assert.Equal(t, 1, r.note.count(boss))
}

func TestDeclare(t *testing.T) {
	r := newRig(t)
	s := r.service(t)
	_, err := s.Declare(as("ana"), "critical", "leak")
	require.ErrorIs(t, err, cmkit.ErrForbidden)
	_, err = s.Declare(context.Background(), "critical", "leak")
	require.ErrorIs(t, err, cmkit.ErrForbidden, "no acting member")
	_, err = s.Declare(as("bea"), "apocalypse", "leak")
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "level", ve.Field)
	_, err = s.Declare(as("bea"), "critical", " ")
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "title", ve.Field)
	all, err := r.store.Incidents(context.Background(), "")
	require.NoError(t, err)
	assert.Empty(t, all, "refused declarations stored nothing")
	assert.Empty(t, r.pub.paused)

	inc, err := s.Declare(as("bea"), "critical", "leak")
	require.NoError(t, err)
	assert.Equal(t, "declared:bea", inc.Source)
	assert.Equal(t, map[string][]string{"pause-1": {"acme"}}, r.pub.paused)
	tl, err := r.store.Timeline(context.Background(), inc.ID)
	require.NoError(t, err)
	assert.Equal(t, crisis.TimelineDeclared, tl[0].Kind)
	assert.Equal(t, "bea", tl[0].Actor)
	require.NoError(t, s.Note(as("bea"), inc.ID, "Customer service says most tickets are about delivery."))
	require.ErrorIs(t, s.Note(as("bea"), inc.ID, " "), cmkit.ErrInvalid)
	got, err := s.Advance(as("bea"), inc.ID, crisis.IncidentResponding, "statement out")
	require.NoError(t, err)
	assert.Equal(t, crisis.IncidentResponding, got.State)
	_, err = s.Advance(as("bea"), inc.ID, crisis.IncidentResponding, "again")
	require.ErrorIs(t, err, cmkit.ErrInvalid)
}

func TestNewNeedsWhatThePlanUses(t *testing.T) {
	_, err := crisis.New(crisis.NewMemoryStore(), crisis.WithPlan(testPlan()), crisis.WithNotifier(&notifier{}))
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "WithPublishing", ve.Field)
	_, err = crisis.New(crisis.NewMemoryStore(), crisis.WithNotifier(&notifier{}))
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "WithPlan", ve.Field)
	_, err = crisis.New(nil)
	require.ErrorIs(t, err, cmkit.ErrInvalid)
}

// TestNewValidatesThePlanAgainstTheRoleSet: a plan paging a team's own
// role is refused against the built-in roles and accepted with
// WithRoleSet naming it.
func TestNewValidatesThePlanAgainstTheRoleSet(t *testing.T) {
	p := testPlan()
	p.Levels[0].Responders[0].Role = "night_desk"
	opts := []crisis.Option{crisis.WithPlan(p), crisis.WithNotifier(&notifier{}),
		crisis.WithPublishing(&publishing{}), crisis.WithModeration(&moderation{}), crisis.WithStyleGuide(&styleGuide{})}
	_, err := crisis.New(crisis.NewMemoryStore(), opts...)
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "levels[0].responders[0].role", ve.Field)

	rs := roles.NewRoleSet()
	require.NoError(t, rs.DefineRole(roles.Role{Name: "night_desk", Inherits: []string{roles.SeniorCM}}))
	_, err = crisis.New(crisis.NewMemoryStore(), append(opts, crisis.WithRoleSet(rs))...)
	require.NoError(t, err)
	_, err = crisis.New(crisis.NewMemoryStore(), append(opts, crisis.WithRoleSet(nil))...)
	require.ErrorIs(t, err, cmkit.ErrInvalid)
}

// TestPagingFollowsTheServicesPlan: an incident opened under one revision
// of the plan keeps that revision in Incident.Plan, and pages by the plan
// a restarted service runs now (a phone tree updated mid-incident takes
// effect at the next page).
func TestPagingFollowsTheServicesPlan(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	inc, _, err := r.service(t).Open(ctx, storm)
	require.NoError(t, err)
	v2 := inc.Plan

	p := testPlan()
	p.Version = 3
	p.Levels[1].Escalation[0].Responder = crisis.Responder{Member: "night-desk"}
	s, err := crisis.New(r.store, crisis.WithPlan(p), crisis.WithTeam(r.team), crisis.WithClock(r.clock),
		crisis.WithNotifier(r.note), crisis.WithPublishing(r.pub), crisis.WithModeration(r.mod),
		crisis.WithStyleGuide(r.style), crisis.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	r.clock.Advance(10 * time.Minute)
	n, err := s.Step(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, 1, r.note.count(crisis.Responder{Member: "night-desk"}))
	assert.Zero(t, r.note.count(senior))
	got, err := r.store.Incident(ctx, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, v2, got.Plan, "the revision it opened under")
}
