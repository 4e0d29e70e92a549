package inbox_test

import (
	"context"
	"errors"
	"fmt"
	. "github.com/cmkit/cmkit/moderation/inbox"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

func TestAssignManually(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")

	c, err := e.ib.Assign(e.as("ana"), c.ID, c.Version, "eva")
	require.NoError(t, err)
	assert.Equal(t, "eva", c.Assignee)
	assert.Equal(t, 1, e.load("eva"))

	c, err = e.ib.Assign(e.as("ana"), c.ID, c.Version, "ana")
	require.NoError(t, err)
	c, err = e.ib.Assign(e.as("ana"), c.ID, c.Version, "")
	require.NoError(t, err)
	assert.Empty(t, c.Assignee)
	assert.Zero(t, e.load("ana"))

	var texts []string
	for _, a := range e.activities(c.ID) {
		assert.Equal(t, ActivityAssigned, a.Kind)
		texts = append(texts, a.Text)
	}
	assert.Equal(t, []string{"assigned to eva", "reassigned from eva to ana", "unassigned from ana"}, texts)
	evs := e.events.of(EventAssigned)
	require.Len(t, evs, 3)
	assert.Equal(t, []string{"eva", "ana", ""}, []string{evs[0].Conversation.Assignee, evs[1].Conversation.Assignee, evs[2].Conversation.Assignee})
	assert.Equal(t, "ana", evs[2].By)
}

// A member may take an unassigned conversation for themselves with the
// right to answer it; taking one someone owns, or giving one to another,
// needs the right to assign.
func TestAssignSelfTakeAndDenials(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")

	_, err := e.ib.Assign(e.as("eva"), c.ID, c.Version, "ana")
	requireForbidden(t, err, "eva may not inbox.assign")
	c, err = e.ib.Assign(e.as("eva"), c.ID, c.Version, "eva")
	require.NoError(t, err, "a junior takes an unassigned conversation")

	_, err = e.ib.Assign(e.as("zoe"), c.ID, c.Version, "zoe")
	requireForbidden(t, err, "zoe may not inbox.assign", "country=ES")

	// The assignee must be allowed to answer: a Polish junior on a Spanish
	// conversation, an intern, a stranger.
	for _, who := range []string{"ola", "ivan", "nobody"} {
		_, err = e.ib.Assign(e.as("ana"), c.ID, c.Version, who)
		requireForbidden(t, err, "cannot assign conversation "+c.ID.String()+" to "+who, who+" may not inbox.reply")
	}
	_, err = e.ib.Assign(e.as("ana"), c.ID, c.Version, "a\x00b")
	requireInvalid(t, err, "member")
	_, err = e.ib.Assign(e.as("ana"), c.ID, c.Version, strings.Repeat("m", MaxMemberLen+1))
	requireInvalid(t, err, "member")
	assert.Equal(t, "eva", e.get(c.ID).Assignee)
	assert.Len(t, e.activities(c.ID), 1)
}

func TestSetAgentValidatesAndKeepsTurns(t *testing.T) {
	e := newWorkEnv(t)
	tests := []struct {
		name  string
		a     Agent
		field string
	}{
		{"no member", Agent{Queues: []string{""}, Capacity: 1}, "member"},
		{"no queues", Agent{Member: "eva", Capacity: 1}, "queues"},
		{"queue twice", Agent{Member: "eva", Queues: []string{"care", "care"}, Capacity: 1}, "queues[1]"},
		{"long queue", Agent{Member: "eva", Queues: []string{strings.Repeat("q", 65)}}, "queues[0]"},
		{"negative capacity", Agent{Member: "eva", Queues: []string{""}, Capacity: -1}, "capacity"},
		{"huge capacity", Agent{Member: "eva", Queues: []string{""}, Capacity: 10001}, "capacity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.ib.SetAgent(e.as("sam"), tt.a)
			requireInvalid(t, err, tt.field)
		})
	}

	a, err := e.ib.SetAgent(e.as("sam"), Agent{Member: "eva", Queues: []string{""}, Capacity: 2, Available: true,
		LastAssigned: workT0.Add(time.Hour)})
	require.NoError(t, err)
	assert.Equal(t, uint64(1), a.Version)
	assert.True(t, a.LastAssigned.IsZero(), "LastAssigned is the inbox's")

	_, err = e.ib.SetAgent(e.as("sam"), Agent{Member: "eva", Queues: []string{""}, Capacity: 3})
	require.ErrorIs(t, err, cmkit.ErrConflict, "creating an existing agent")
	_, err = e.ib.SetAgent(e.as("sam"), Agent{Member: "eva", Version: 9, Queues: []string{""}, Capacity: 3})
	require.ErrorIs(t, err, cmkit.ErrConflict)
	_, err = e.ib.SetAgent(e.as("sam"), Agent{Member: "ola", Version: 1, Queues: []string{""}, Capacity: 3})
	require.ErrorIs(t, err, cmkit.ErrNotFound, "updating an agent that does not exist")

	c := e.newConv(e.es, "hola")
	n, err := e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	stored, err := e.ib.AgentForTest(e.ctx, "eva")
	require.NoError(t, err)
	stored.Capacity = 5
	a, err = e.ib.SetAgent(e.as("sam"), stored)
	require.NoError(t, err)
	assert.Equal(t, workT0, a.LastAssigned, "an update keeps the agent's turn")
	assert.Equal(t, 5, a.Capacity)
	assert.Equal(t, "eva", e.get(c.ID).Assignee)
	assert.Len(t, e.events.of(EventAgentChanged), 2)
}

// Agents are the team's setup: changed by a member who may assign on the
// whole brand, and availability by the agents themselves.
func TestAgentPermissions(t *testing.T) {
	e := newWorkEnv(t)
	_, err := e.ib.SetAgent(e.as("ana"), Agent{Member: "eva", Queues: []string{""}, Capacity: 1})
	requireForbidden(t, err, "ana may not inbox.assign on brand=acme", "(elsewhere)")
	_, err = e.ib.SetAgent(e.ctx, Agent{Member: "eva", Queues: []string{""}, Capacity: 1})
	requireForbidden(t, err, "no acting member")
	e.agent("eva", 1)

	a, err := e.ib.SetAvailable(e.as("eva"), "eva", false)
	require.NoError(t, err)
	assert.False(t, a.Available)
	_, err = e.ib.SetAvailable(e.as("ola"), "eva", true)
	requireForbidden(t, err, "ola may not inbox.assign")
	a, err = e.ib.SetAvailable(e.as("sam"), "eva", true)
	require.NoError(t, err)
	assert.True(t, a.Available)
	same, err := e.ib.SetAvailable(e.as("sam"), "eva", true)
	require.NoError(t, err)
	assert.Equal(t, a.Version, same.Version, "setting what is set writes nothing")
	_, err = e.ib.SetAvailable(e.as("ola"), "ola", true)
	require.ErrorIs(t, err, cmkit.ErrNotFound)
	_, err = e.ib.SetAvailable(e.as("ola"), "", true)
	requireInvalid(t, err, "member")

	// Channels of two brands: only a member not limited to a brand.
	other := newFake(t, cmkit.ChannelInfo{ID: "beta-x", Brand: "beta", Languages: []string{"en"}}, e.clock)
	e2 := newWorkEnv(t, WithChannels(other))
	_, err = e2.ib.SetAgent(e2.as("sam"), Agent{Member: "eva", Queues: []string{""}, Capacity: 1})
	requireForbidden(t, err, "sam may not inbox.assign on nothing in particular")
}

func TestAutoAssignRoundRobinWithCapacity(t *testing.T) {
	e := newWorkEnv(t)
	e.agent("eva", 2)
	e.agent("ana", 2)
	var convs []Conversation
	for i := range 6 {
		e.clock.Advance(time.Minute)
		opt := withPriority(0)
		if i == 4 {
			opt = withPriority(9) // the newest, but urgent
		}
		convs = append(convs, e.newConv(e.es, fmt.Sprintf("hola %d", i), opt))
	}
	n, err := e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, n)
	got := map[int]string{}
	for i, c := range convs {
		got[i] = e.get(c.ID).Assignee
	}
	// Urgent first, then oldest; ana before eva by name, then turns.
	assert.Equal(t, map[int]string{4: "ana", 0: "eva", 1: "ana", 2: "eva", 3: "", 5: ""}, got)
	assert.Equal(t, 2, e.load("ana"))
	assert.Equal(t, 2, e.load("eva"))

	// Nothing more fits; resolving one frees a place.
	n, err = e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	c0 := e.get(convs[0].ID)
	_, err = e.ib.SetStatus(e.as("eva"), c0.ID, c0.Version, StatusResolved)
	require.NoError(t, err)
	n, err = e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, "eva", e.get(convs[3].ID).Assignee)

	for _, ev := range e.events.of(EventAssigned) {
		assert.Empty(t, ev.By, "automatic assignment is the inbox's act")
	}
	a, err := e.ib.AgentForTest(e.ctx, "eva")
	require.NoError(t, err)
	b, err := e.ib.AgentForTest(e.ctx, "ana")
	require.NoError(t, err)
	assert.True(t, a.LastAssigned.After(b.LastAssigned), "turns are strictly ordered within one instant")
}

// Assignment by scope: an agent whose grants cover Spain never gets a
// Polish conversation, even with room; queues keep their agents.
func TestAutoAssignByScopeAndQueue(t *testing.T) {
	e := newWorkEnv(t)
	e.agent("eva", 10)
	e.agent("ana", 10, "care")
	pl := e.newConv(e.pl, "paczka nie dotarła")
	es := e.newConv(e.es, "hola")
	care := e.newConv(e.es, "mi pedido", withQueue("care"))
	plCare := e.newConv(e.pl, "reklamacja", withQueue("care"))
	n, err := e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Empty(t, e.get(pl.ID).Assignee)
	assert.Equal(t, "eva", e.get(es.ID).Assignee)
	assert.Equal(t, "ana", e.get(care.ID).Assignee)
	assert.Empty(t, e.get(plCare.ID).Assignee)

	e.agent("ola", 1)
	n, err = e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, "ola", e.get(pl.ID).Assignee)
}

// An agent who becomes unavailable gives back their open conversations in
// the same write; the next step gives them to others. Closed ones stay.
func TestUnavailableAgentsConversationsAreReassigned(t *testing.T) {
	e := newWorkEnv(t)
	e.agent("eva", 5)
	a := e.newConv(e.es, "uno")
	b := e.newConv(e.es, "dos")
	done := e.newConv(e.es, "tres")
	n, err := e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	require.Equal(t, 3, n)
	done = e.get(done.ID)
	_, err = e.ib.SetStatus(e.as("eva"), done.ID, done.Version, StatusResolved)
	require.NoError(t, err)
	e.agent("ana", 5)

	_, err = e.ib.SetAvailable(e.as("eva"), "eva", false)
	require.NoError(t, err)
	assert.Zero(t, e.load("eva"))
	assert.Empty(t, e.get(a.ID).Assignee)
	assert.Empty(t, e.get(b.ID).Assignee)
	assert.Equal(t, "eva", e.get(done.ID).Assignee, "a closed conversation keeps its owner")
	acts := e.activities(a.ID)
	assert.Equal(t, "unassigned from eva (unavailable)", acts[len(acts)-1].Text)
	assert.Equal(t, "eva", acts[len(acts)-1].By)

	n, err = e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Equal(t, "ana", e.get(a.ID).Assignee)
	assert.Equal(t, "ana", e.get(b.ID).Assignee)
}

// A conversation that moves while the agent is released does not block
// the release: it reads the conversations again.
func TestReleaseRetriesWhenAConversationMoves(t *testing.T) {
	e := newWorkEnv(t)
	e.agent("eva", 5)
	c := e.newConv(e.es, "uno")
	_, err := e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	flaky := &conflictOnce{Store: e.store}
	ib, err := New(flaky, WithTeam(e.dir), WithEngine(e.ib.EngineForTest()), WithClock(e.clock), WithChannels(e.es, e.pl))
	require.NoError(t, err)
	_, err = ib.SetAvailable(e.as("eva"), "eva", false)
	require.NoError(t, err)
	assert.Equal(t, 1, flaky.conflicts)
	assert.Empty(t, e.get(c.ID).Assignee)
}

// conflictOnce is a Store whose first Commit with conversations fails with
// a conflict, as if another writer got there first.
type conflictOnce struct {
	Store
	mu        sync.Mutex
	conflicts int
}

func (s *conflictOnce) Commit(ctx context.Context, w Write) error {
	s.mu.Lock()
	first := s.conflicts == 0 && len(w.Conversations) > 0
	if first {
		s.conflicts++
	}
	s.mu.Unlock()
	if first {
		return Conflict("someone else got there first")
	}
	return s.Store.Commit(ctx, w)
}

// Two assigners at once (two processes over one store) never overfill
// an agent: the agent's version fences them.
func TestAutoAssignFenceAcrossAssigners(t *testing.T) {
	for round := range 20 {
		e := newWorkEnv(t)
		e.agent("eva", 3)
		for i := range 12 {
			e.newConv(e.es, fmt.Sprintf("hola %d", i))
		}
		other, err := New(e.store, WithTeam(e.dir), WithEngine(e.ib.EngineForTest()), WithClock(e.clock), WithChannels(e.es, e.pl))
		require.NoError(t, err)
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i, ib := range []*Inbox{e.ib, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := ib.AutoAssign(e.ctx)
				assert.NoError(t, err)
				counts[i] = n
			}()
		}
		wg.Wait()
		require.Equal(t, 3, e.load("eva"), "round %d", round)
		assert.Equal(t, 3, counts[0]+counts[1], "round %d", round)
	}
}

// A seeded simulation of assignment: agents come and go, conversations
// arrive, are resolved and assigned by hand, and after every step the
// invariants hold:
//
//   - automatic assignment never takes an agent over capacity (manual
//     assignment may, and is left as it is);
//   - every assignee may answer the conversation (scope);
//   - Store.Load counts exactly the open conversations of each member
//     (closed ones do not count), and every open conversation has at
//     most one owner;
//   - an unavailable agent owns no open conversation, except one reopened
//     since the last AutoAssign step (which puts those back), and is
//     given none by hand;
//   - after AutoAssign, no unassigned open conversation is left that an
//     available agent of its queue with room and scope could take.
func TestAssignmentSimulation(t *testing.T) {
	seeds := 30
	if testing.Short() {
		seeds = 5
	}
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) { simulateAssignment(t, seed) })
	}
}

func simulateAssignment(t *testing.T, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 42))
	e := newWorkEnv(t)
	agents := []string{"ana", "eva", "ola", "piotr"}
	capacity := map[string]int{}
	for _, m := range agents {
		capacity[m] = 1 + rng.IntN(3)
		queues := []string{""}
		if rng.IntN(2) == 0 {
			queues = append(queues, "care")
		}
		_, err := e.ib.SetAgent(e.as("sam"), Agent{Member: m, Queues: queues, Capacity: capacity[m], Available: true})
		require.NoError(t, err)
	}
	reopened := map[uuid.UUID]bool{} // reopened since the last AutoAssign
	var ids []uuid.UUID
	for step := range 200 {
		e.clock.Advance(time.Duration(1+rng.IntN(60)) * time.Second)
		var what string
		switch r := rng.IntN(10); {
		case r < 3:
			ch := e.es
			if rng.IntN(2) == 0 {
				ch = e.pl
			}
			q := ""
			if rng.IntN(3) == 0 {
				q = "care"
			}
			c := e.newConv(ch, fmt.Sprintf("msg %d", step), withPriority(rng.IntN(3)), withQueue(q))
			ids = append(ids, c.ID)
			what = "new conversation"
		case r < 5:
			before := map[string]int{}
			for _, m := range agents {
				before[m] = e.load(m)
			}
			_, err := e.ib.AutoAssign(e.ctx)
			require.NoError(t, err)
			for _, m := range agents {
				if after := e.load(m); after > before[m] {
					require.LessOrEqual(t, after, max(before[m], capacity[m]), "step %d: auto-assign overfilled %s", step, m)
				}
			}
			checkWorkConserving(t, e, agents, capacity)
			clear(reopened)
			what = "auto-assign"
		case r < 7:
			m := agents[rng.IntN(len(agents))]
			_, err := e.ib.SetAvailable(e.as(m), m, rng.IntN(2) == 0)
			require.NoError(t, err)
			what = "availability " + m
		case r < 8 && len(ids) > 0:
			c := e.get(ids[rng.IntN(len(ids))])
			_, err := e.ib.SetStatus(e.as("sam"), c.ID, c.Version, StatusResolved)
			require.NoError(t, err)
			what = "resolve"
		case r < 9 && len(ids) > 0:
			c := e.get(ids[rng.IntN(len(ids))])
			m := agents[rng.IntN(len(agents))]
			_, err := e.ib.Assign(e.as("sam"), c.ID, c.Version, m)
			a, aerr := e.ib.AgentForTest(e.ctx, m)
			require.NoError(t, aerr)
			switch {
			case errors.Is(err, cmkit.ErrForbidden):
				what = "manual assign out of scope refused"
			case !a.Available && c.Assignee != m:
				require.ErrorIs(t, err, cmkit.ErrConflict, "an unavailable agent is given nothing")
				what = "manual assign to an unavailable agent refused"
			default:
				require.NoError(t, err)
				what = "manual assign"
			}
		case len(ids) > 0:
			c := e.get(ids[rng.IntN(len(ids))])
			_, err := e.ib.SetStatus(e.as("sam"), c.ID, c.Version, StatusOpen)
			require.NoError(t, err)
			if c.Status.Closed() {
				reopened[c.ID] = true
			}
			what = "reopen"
		}
		checkAssignmentInvariants(t, e, agents, reopened, fmt.Sprintf("seed %d step %d (%s)", seed, step, what))
	}
}

func checkAssignmentInvariants(t *testing.T, e *workEnv, agents []string, reopened map[uuid.UUID]bool, where string) {
	t.Helper()
	open := map[string]int{}
	held := map[string][]uuid.UUID{}
	for c, err := range e.store.Conversations(e.ctx, Filter{}) {
		require.NoError(t, err)
		if c.Assignee == "" {
			continue
		}
		dec, err := e.dir.Authorize(e.ctx, c.Assignee, roles.ReplyMention, c.Resource)
		require.NoError(t, err)
		require.True(t, dec.Allowed, "%s: %s owns %s out of scope", where, c.Assignee, c.Resource)
		if !c.Status.Closed() {
			open[c.Assignee]++
			held[c.Assignee] = append(held[c.Assignee], c.ID)
		}
	}
	for _, m := range agents {
		require.Equal(t, open[m], e.load(m), "%s: Load(%s)", where, m)
		a, err := e.ib.AgentForTest(e.ctx, m)
		require.NoError(t, err)
		if !a.Available {
			for _, id := range held[m] {
				require.True(t, reopened[id], "%s: unavailable %s still owns %s", where, m, id)
			}
		}
	}
}

// checkWorkConserving: after AutoAssign no unassigned open conversation
// is left that some available agent of its queue with room and scope
// could take.
func checkWorkConserving(t *testing.T, e *workEnv, agents []string, capacity map[string]int) {
	t.Helper()
	for c, err := range e.store.Conversations(e.ctx, Filter{Open: true, Unassigned: true}) {
		require.NoError(t, err)
		for _, m := range agents {
			a, err := e.ib.AgentForTest(e.ctx, m)
			require.NoError(t, err)
			dec, err := e.dir.Authorize(e.ctx, m, roles.ReplyMention, c.Resource)
			require.NoError(t, err)
			if a.Available && slices.Contains(a.Queues, c.Queue) && e.load(m) < capacity[m] && dec.Allowed {
				t.Fatalf("conversation %s (queue %q, %s) left unassigned while %s has room", c.ID, c.Queue, c.Resource, m)
			}
		}
	}
}

// Regression (found by the simulation): a resolved conversation keeps its
// owner; reopened after the owner became unavailable, it went unowned by
// anyone working. AutoAssign now puts it back in the queue first.
func TestReopenedConversationOfUnavailableAgentGoesBack(t *testing.T) {
	e := newWorkEnv(t)
	e.agent("eva", 5)
	c := e.newConv(e.es, "hola")
	_, err := e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	c = e.get(c.ID)
	c, err = e.ib.SetStatus(e.as("eva"), c.ID, c.Version, StatusResolved)
	require.NoError(t, err)
	_, err = e.ib.SetAvailable(e.as("eva"), "eva", false)
	require.NoError(t, err)
	c, err = e.ib.SetStatus(e.as("ana"), c.ID, c.Version, StatusOpen)
	require.NoError(t, err)
	require.Equal(t, "eva", c.Assignee)
	_, err = e.ib.Assign(e.as("ana"), c.ID, c.Version, "eva")
	require.NoError(t, err, "assigning what is already so changes nothing")

	e.agent("ana", 5)
	n, err := e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, "ana", e.get(c.ID).Assignee)
	assert.Zero(t, e.load("eva"))
}

// Regression (found by the simulation): the sweep stopped at the first
// unavailable agent who owned nothing, leaving the next one's reopened
// conversations owned.
func TestSweepLooksAtEveryUnavailableAgent(t *testing.T) {
	e := newWorkEnv(t)
	e.agent("ana", 5)
	e.agent("eva", 5)
	c := e.newConv(e.es, "hola")
	c, err := e.ib.Assign(e.as("ana"), c.ID, c.Version, "eva")
	require.NoError(t, err)
	c, err = e.ib.SetStatus(e.as("eva"), c.ID, c.Version, StatusResolved)
	require.NoError(t, err)
	for _, m := range []string{"ana", "eva"} {
		_, err = e.ib.SetAvailable(e.as(m), m, false)
		require.NoError(t, err)
	}
	_, err = e.ib.SetStatus(e.as("sam"), c.ID, c.Version, StatusOpen)
	require.NoError(t, err)
	n, err := e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "nobody is available")
	assert.Empty(t, e.get(c.ID).Assignee)
	assert.Zero(t, e.load("eva"))
}

func TestAssignRefusesUnavailableAgents(t *testing.T) {
	e := newWorkEnv(t)
	e.agent("eva", 5)
	_, err := e.ib.SetAvailable(e.as("eva"), "eva", false)
	require.NoError(t, err)
	c := e.newConv(e.es, "hola")
	_, err = e.ib.Assign(e.as("ana"), c.ID, c.Version, "eva")
	require.ErrorIs(t, err, cmkit.ErrConflict)
	assert.Contains(t, err.Error(), "eva is unavailable")
	c, err = e.ib.Assign(e.as("ana"), c.ID, c.Version, "ana")
	require.NoError(t, err, "a member who is no agent can be given one")
	assert.Equal(t, "ana", c.Assignee)
}

// Manual assignment may take an agent over capacity and leaves the
// agent's turn in round-robin as it was.
func TestManualAssignmentExceedsCapacityAndKeepsTurns(t *testing.T) {
	e := newWorkEnv(t)
	e.agent("eva", 1)
	before, err := e.ib.AgentForTest(e.ctx, "eva")
	require.NoError(t, err)
	for _, text := range []string{"uno", "dos"} {
		c := e.newConv(e.es, text)
		_, err := e.ib.Assign(e.as("ana"), c.ID, c.Version, "eva")
		require.NoError(t, err)
	}
	assert.Equal(t, 2, e.load("eva"))
	after, err := e.ib.AgentForTest(e.ctx, "eva")
	require.NoError(t, err)
	assert.Equal(t, before, after)
	c := e.newConv(e.es, "tres")
	n, err := e.ib.AutoAssign(e.ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "automatic assignment respects the capacity")
	assert.Empty(t, e.get(c.ID).Assignee)
}

// BenchmarkAutoAssign assigns 1,000 open conversations (Spain and Poland)
// among 10 agents per step; ns/op is per conversation assigned.
func BenchmarkAutoAssign(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		e := newWorkEnv(b)
		for i := range 10 {
			m := []string{"ana", "eva", "ola", "piotr", "sam"}[i%5]
			if i >= 5 {
				m = fmt.Sprintf("g%d", i)
				_, err := e.dir.PutMember(e.as("sam"), roles.Member{ID: m})
				require.NoError(b, err)
				_, err = e.dir.Grant(e.as("sam"), roles.Grant{Member: m, Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme"}})
				require.NoError(b, err)
			}
			e.agent(m, 200)
		}
		for i := range 1000 {
			ch := e.es
			if i%2 == 1 {
				ch = e.pl
			}
			e.newConv(ch, fmt.Sprintf("m%d", i))
		}
		b.StartTimer()
		n, err := e.ib.AutoAssign(e.ctx)
		require.NoError(b, err)
		require.Equal(b, 1000, n)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1000), "ns/conversation")
}
