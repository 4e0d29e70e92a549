package inbox_test

import (
	"context"
	"errors"
	"fmt"
	. "github.com/cmkit/cmkit/moderation/inbox"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
)

func TestRouteAndDeliver(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "Mi pedido nunca llegó", withPriority(3), withAuthor(cmkit.Author{ID: "u1", Handle: "lucia_g"}))
	c, err := e.ib.Label(e.as("eva"), c.ID, c.Version, []string{"envío"}, nil)
	require.NoError(t, err)
	e.clock.Advance(time.Minute)
	c, err = e.ib.Route(e.as("eva"), c.ID, c.Version, "pedido perdido")
	require.NoError(t, err)
	assert.Equal(t, StatusEscalated, c.Status)
	key := "conversation/" + c.ID.String()
	assert.Equal(t, HandoffState{Status: HandoffPending, Key: key, NextAt: workT0.Add(time.Minute), Reason: "pedido perdido"}, c.Handoff)
	assert.Zero(t, e.help.Calls(), "Route only marks it: the Run loop delivers")

	n, err := e.ib.Handoffs(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	c = e.get(c.ID)
	assert.Equal(t, HandoffState{Status: HandoffDone, Key: key, Ref: "T-1", Attempts: 1, Reason: "pedido perdido"}, c.Handoff)
	tk, updates, ok := e.help.Ticket(key)
	require.True(t, ok)
	assert.Zero(t, updates)
	msgs := e.messages(c.ID)
	assert.Equal(t, Ticket{Key: key, Conversation: c.ID, Ref: "T-1", Channel: "acme-es-x", Platform: cmkit.X, Resource: c.Resource,
		Person: c.Person, Author: c.Author, Priority: 3, Language: "es", Subject: "Mi pedido nunca llegó", Reason: "pedido perdido",
		Labels: []string{"envío"}, Messages: msgs}, tk)

	assert.Equal(t, []InboxEventKind{EventLabeled, EventRouted, EventHandoffDone}, e.events.kinds())
	acts := e.activities(c.ID)
	assert.Equal(t, "routed: pedido perdido", acts[1].Text)
	assert.Equal(t, "eva", acts[1].By)
	assert.Equal(t, "ticket T-1", acts[2].Text)
	assert.Empty(t, acts[2].By, "delivery is the inbox's act")

	// Nothing more is due.
	n, err = e.ib.Handoffs(e.ctx)
	require.NoError(t, err)
	assert.Zero(t, n)

	// Routed again: the same ticket is updated.
	c, err = e.ib.Route(e.as("ana"), c.ID, c.Version, "sigue sin llegar")
	require.NoError(t, err)
	assert.Equal(t, "T-1", c.Handoff.Ref)
	_, err = e.ib.Handoffs(e.ctx)
	require.NoError(t, err)
	tk, updates, _ = e.help.Ticket(key)
	assert.Equal(t, 1, updates)
	assert.Equal(t, "sigue sin llegar", tk.Reason)
	assert.Equal(t, []string{key}, e.help.Keys())
}

func TestRouteRefusesBadCalls(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")
	_, err := e.ib.Route(e.as("eva"), c.ID, c.Version, "")
	requireInvalid(t, err, "reason")
	_, err = e.ib.Route(e.as("eva"), c.ID, c.Version, strings.Repeat("x", MaxReasonBytes+1))
	requireInvalid(t, err, "reason")
	_, err = e.ib.Route(e.as("ivan"), c.ID, c.Version, "queja")
	requireForbidden(t, err, "ivan may not inbox.route")
	_, err = e.ib.Route(e.as("eva"), c.ID, 0, "queja")
	requireInvalid(t, err, "version")

	ib, err := New(e.store, WithTeam(e.dir), WithEngine(e.ib.EngineForTest()), WithClock(e.clock))
	require.NoError(t, err)
	_, err = ib.Route(e.as("eva"), c.ID, c.Version, "queja")
	require.ErrorIs(t, err, cmkit.ErrUnsupported)
	n, err := ib.Handoffs(e.ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Equal(t, uint64(1), e.get(c.ID).Version)
}

// Transient failures are retried with exponential backoff from the
// store, a rate limit's RetryAfter respected, until the helpdesk takes
// it: one ticket, one key.
func TestHandoffRetriesThenSucceeds(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "queja")
	c, err := e.ib.Route(e.as("eva"), c.ID, c.Version, "queja")
	require.NoError(t, err)
	e.help.Fail(
		fmt.Errorf("helpdesk: %w: 503", cmkit.ErrTransient),
		&cmkit.RateLimitError{RetryAfter: 10 * time.Minute},
		fmt.Errorf("helpdesk: %w: timeout after sending", cmkit.ErrAmbiguous), // stored, answer lost
		errors.New("helpdesk: connection reset"),                              // unclassified: may have applied
	)
	steps := []struct {
		advance  time.Duration
		calls    int
		attempts int
		next     time.Duration // from workT0
		status   HandoffStatus
	}{
		{0, 1, 1, 30 * time.Second, HandoffPending},
		{29 * time.Second, 1, 1, 30 * time.Second, HandoffPending}, // not due yet
		{time.Second, 2, 2, 30*time.Second + 10*time.Minute, HandoffPending},
		{10 * time.Minute, 3, 3, 30*time.Second + 10*time.Minute + 2*time.Minute, HandoffPending},
		{2 * time.Minute, 4, 4, 30*time.Second + 12*time.Minute + 4*time.Minute, HandoffPending},
		{4 * time.Minute, 5, 5, 0, HandoffDone},
	}
	at := time.Duration(0)
	for i, s := range steps {
		e.clock.Advance(s.advance)
		at += s.advance
		_, err := e.ib.Handoffs(e.ctx)
		require.NoError(t, err)
		h := e.get(c.ID).Handoff
		assert.Equal(t, s.calls, e.help.Calls(), "step %d", i)
		assert.Equal(t, s.attempts, h.Attempts, "step %d", i)
		assert.Equal(t, s.status, h.Status, "step %d", i)
		if s.next > 0 {
			assert.Equal(t, workT0.Add(s.next), h.NextAt, "step %d", i)
		}
	}
	h := e.get(c.ID).Handoff
	assert.Equal(t, "T-1", h.Ref)
	assert.Empty(t, h.LastError)
	assert.Equal(t, []string{h.Key}, e.help.Keys(), "one ticket")
	_, updates, _ := e.help.Ticket(h.Key)
	assert.Equal(t, 2, updates, "the lost answers and the success updated the same ticket")
	assert.Len(t, e.events.of(EventHandoffRetry), 4)
	assert.Contains(t, e.events.of(EventHandoffRetry)[1].Text, "rate limited")
}

func TestHandoffPermanentFailure(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "queja")
	c, err := e.ib.Route(e.as("eva"), c.ID, c.Version, "queja")
	require.NoError(t, err)
	e.help.Fail(fmt.Errorf("helpdesk: %w: 422 unknown brand", cmkit.ErrPermanent))
	n, err := e.ib.Handoffs(e.ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	h := e.get(c.ID).Handoff
	assert.Equal(t, HandoffFailed, h.Status)
	assert.Equal(t, "helpdesk: cmkit: permanent failure: 422 unknown brand", h.LastError)
	assert.True(t, h.NextAt.IsZero())
	evs := e.events.of(EventHandoffFailed)
	require.Len(t, evs, 1)
	assert.Contains(t, evs[0].Text, "422 unknown brand")
	e.clock.Advance(time.Hour)
	_, err = e.ib.Handoffs(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, e.help.Calls(), "a failed handoff waits for a person")

	// A person fixes it and routes again.
	c = e.get(c.ID)
	_, err = e.ib.Route(e.as("ana"), c.ID, c.Version, "marca corregida")
	require.NoError(t, err)
	n, err = e.ib.Handoffs(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, HandoffDone, e.get(c.ID).Handoff.Status)
}

func TestHandoffGivesUpAfterAttempts(t *testing.T) {
	e := newWorkEnv(t, WithHandoffRetry(HandoffRetry{Base: time.Second, Max: time.Minute, Attempts: 3}))
	c := e.newConv(e.es, "queja")
	_, err := e.ib.Route(e.as("eva"), c.ID, c.Version, "queja")
	require.NoError(t, err)
	for range 3 {
		e.help.Fail(fmt.Errorf("%w: 503", cmkit.ErrTransient))
	}
	for range 5 {
		_, err = e.ib.Handoffs(e.ctx)
		require.NoError(t, err)
		e.clock.Advance(time.Minute)
	}
	h := e.get(c.ID).Handoff
	assert.Equal(t, HandoffFailed, h.Status)
	assert.Equal(t, 3, h.Attempts)
	assert.Equal(t, "gave up after 3 attempts: cmkit: transient failure: 503", h.LastError)
	assert.Equal(t, 3, e.help.Calls())
}

// failingStore fails Commits that carry a handoff outcome, while armed,
// as a crash between the helpdesk call and the commit would.
type failingStore struct {
	Store
	mu    sync.Mutex
	armed int
}

func (s *failingStore) Commit(ctx context.Context, w Write) error {
	s.mu.Lock()
	fail := s.armed > 0 && len(w.Activities) == 1 && w.Activities[0].Kind == ActivityHandoff && w.Activities[0].By == ""
	if fail {
		s.armed--
	}
	s.mu.Unlock()
	if fail {
		return errors.New("store: crashed")
	}
	return s.Store.Commit(ctx, w)
}

// At least once: a crash between the helpdesk call and the commit repeats
// the call with the same key, and the helpdesk still holds one ticket.
func TestHandoffCrashBetweenCallAndCommit(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "queja")
	c, err := e.ib.Route(e.as("eva"), c.ID, c.Version, "queja")
	require.NoError(t, err)
	crashy := &failingStore{Store: e.store, armed: 1}
	ib, err := New(crashy, WithTeam(e.dir), WithEngine(e.ib.EngineForTest()), WithClock(e.clock), WithChannels(e.es, e.pl), WithHandoff(e.help))
	require.NoError(t, err)

	_, err = ib.Handoffs(e.ctx)
	require.ErrorContains(t, err, "store: crashed")
	assert.Equal(t, HandoffPending, e.get(c.ID).Handoff.Status, "the outcome was not recorded")
	assert.Equal(t, 1, e.help.Calls())

	// Restarted, the next step repeats the call.
	n, err := ib.Handoffs(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, 2, e.help.Calls())
	h := e.get(c.ID).Handoff
	assert.Equal(t, HandoffDone, h.Status)
	assert.Equal(t, "T-1", h.Ref)
	assert.Equal(t, []string{h.Key}, e.help.Keys())
	_, updates, _ := e.help.Ticket(h.Key)
	assert.Equal(t, 1, updates, "the same ticket, updated twice in all")
}

// routingHelpdesk routes the conversation again while its ticket is in
// flight, as a member might.
type routingHelpdesk struct {
	*MemoryHandoff
	once  sync.Once
	route func()
}

func (h *routingHelpdesk) Handoff(ctx context.Context, t Ticket) (string, error) {
	h.once.Do(h.route)
	return h.MemoryHandoff.Handoff(ctx, t)
}

// A conversation routed again while its ticket is in flight keeps the
// newer routing pending (and learns the reference); the next step
// delivers it.
func TestHandoffRoutedAgainInFlight(t *testing.T) {
	help := &routingHelpdesk{MemoryHandoff: NewMemoryHandoff()}
	e := newWorkEnv(t, WithHandoff(help))
	c := e.newConv(e.es, "queja")
	c, err := e.ib.Route(e.as("eva"), c.ID, c.Version, "primera")
	require.NoError(t, err)
	help.route = func() {
		cur := e.get(c.ID)
		_, err := e.ib.Route(e.as("ana"), cur.ID, cur.Version, "segunda")
		assert.NoError(t, err)
	}
	_, err = e.ib.Handoffs(e.ctx)
	require.NoError(t, err)
	h := e.get(c.ID).Handoff
	assert.Equal(t, HandoffPending, h.Status)
	assert.Equal(t, "segunda", h.Reason)
	assert.Equal(t, "T-1", h.Ref, "the reference is kept")
	_, err = e.ib.Handoffs(e.ctx)
	require.NoError(t, err)
	h = e.get(c.ID).Handoff
	assert.Equal(t, HandoffDone, h.Status)
	tk, updates, _ := help.Ticket(h.Key)
	assert.Equal(t, "segunda", tk.Reason)
	assert.Equal(t, "T-1", tk.Ref)
	assert.Equal(t, 1, updates)
}

func TestHandoffRetryWait(t *testing.T) {
	r := HandoffRetry{Base: 30 * time.Second, Max: time.Hour}
	tests := []struct {
		n    int
		err  error
		want time.Duration
	}{
		{1, cmkit.ErrTransient, 30 * time.Second},
		{2, cmkit.ErrTransient, time.Minute},
		{7, cmkit.ErrTransient, 32 * time.Minute},
		{8, cmkit.ErrTransient, time.Hour},
		{70, cmkit.ErrTransient, time.Hour}, // no overflow
		{1, &cmkit.RateLimitError{RetryAfter: 5 * time.Minute}, 5 * time.Minute},
		{8, &cmkit.RateLimitError{RetryAfter: 5 * time.Minute}, time.Hour},
		{1, fmt.Errorf("wrapped: %w", &cmkit.RateLimitError{RetryAfter: 2 * time.Hour}), 2 * time.Hour},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, r.WaitForTest(tt.n, tt.err), "n=%d err=%v", tt.n, tt.err)
	}
	assert.Equal(t, 30*time.Second, HandoffRetry{}.WaitForTest(1, nil), "defaults")
}

func TestWithHandoffRetryValidates(t *testing.T) {
	for _, tt := range []struct {
		r     HandoffRetry
		field string
	}{
		{HandoffRetry{Base: -1}, "WithHandoffRetry.Base"},
		{HandoffRetry{Max: -1}, "WithHandoffRetry.Max"},
		{HandoffRetry{Attempts: -1}, "WithHandoffRetry.Attempts"},
		{HandoffRetry{Base: time.Hour, Max: time.Minute}, "WithHandoffRetry.Max"},
		{HandoffRetry{Base: 2 * time.Hour}, "WithHandoffRetry.Max"},
	} {
		requireInvalid(t, WithHandoffRetry(tt.r)(&Inbox{}), tt.field)
	}
	requireInvalid(t, WithHandoff(nil)(&Inbox{}), "WithHandoff")
}

// The ticket carries the 20 most recent messages, oldest first, and the
// start of the first customer message as subject.
func TestTicketMessagesAndSubject(t *testing.T) {
	e := newWorkEnv(t)
	long := "Hola, " + strings.Repeat("mi pedido número 12345 no ha llegado ", 4) + "\nsegunda línea"
	c := e.newConv(e.es, long)
	for i := range 24 {
		e.inbound(e.es, c.ID, fmt.Sprintf("mensaje %d", i+2))
	}
	c = e.get(c.ID)
	tk, err := e.ib.TicketForTest(e.ctx, &c)
	require.NoError(t, err)
	require.Len(t, tk.Messages, TicketMessages)
	for i, m := range tk.Messages {
		assert.Equal(t, 6+i, m.Seq)
	}
	assert.Equal(t, "Hola, mi pedido número 12345 no ha llegado mi pedido número 12345 no ha llegado…", tk.Subject)
	assert.Equal(t, "conversation/"+c.ID.String(), tk.Key)

	for _, tt := range []struct{ in, want string }{
		{"corto", "corto"},
		{"  línea uno  \nlínea dos", "línea uno"},
		{strings.Repeat("á", 100), strings.Repeat("á", 79) + "…"},
		{strings.Repeat("abc ", 19) + "abcd efgh", strings.Repeat("abc ", 18) + "abc…"}, // cut inside a word: back to the space
		{strings.Repeat("abc ", 19) + "abc efgh", strings.Repeat("abc ", 19) + "abc…"},  // cut at a word's end: kept
		{"", ""},
	} {
		assert.Equal(t, tt.want, Subject(tt.in))
	}
}
