package inbox_test

import (
	"context"
	. "github.com/cmkit/cmkit/moderation/inbox"
	"iter"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/roles"
)

// The helpers of the work tests (assignment, changes, replies, canned
// responses, handoff). Until ingest lands they create conversations by
// committing records to the MemoryStore directly.

var workT0 = time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)

// workTeam is the team of the work tests, all on brand acme:
//
//	sam   smm            everything of acme
//	ana   senior_cm      acme in Spain
//	eva   junior_cm      acme in Spain
//	ola   junior_cm      acme in Poland
//	piotr senior_cm      acme in Poland
//	ivan  intern         acme
//	zoe   customer_service  acme (answers, nothing else)
var workTeam = []roles.Grant{
	{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
	{Member: "ana", Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme", Country: "ES"}},
	{Member: "eva", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "ES"}},
	{Member: "ola", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "PL"}},
	{Member: "piotr", Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme", Country: "PL"}},
	{Member: "ivan", Role: roles.Intern, Scope: roles.Scope{Brand: "acme"}},
	{Member: "zoe", Role: roles.CustomerService, Scope: roles.Scope{Brand: "acme"}},
}

// eventLog records the inbox's events.
type eventLog struct {
	mu     sync.Mutex
	events []InboxEvent
}

func (l *eventLog) add(e InboxEvent) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

// kinds returns the kinds of the events recorded so far.
func (l *eventLog) kinds() []InboxEventKind {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]InboxEventKind, len(l.events))
	for i, e := range l.events {
		out[i] = e.Kind
	}
	return out
}

func (l *eventLog) of(k InboxEventKind) []InboxEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []InboxEvent
	for _, e := range l.events {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// workEnv is an inbox over two fake channels of brand acme, es (Spain, on
// X's limits) and pl (Poland), with workTeam, a simulated clock, an audit
// log, a MemoryHandoff and an event log.
type workEnv struct {
	t      testing.TB
	ctx    context.Context
	clock  *cmkittest.Clock
	dir    *roles.Directory
	store  *MemoryStore
	ib     *Inbox
	es, pl *cmkittest.FakeChannel
	help   *MemoryHandoff
	audit  *roles.AuditLog
	events *eventLog
}

// newWorkEnv builds a workEnv; opts come after the defaults (so they may
// replace the handoff or add channels).
func newWorkEnv(t testing.TB, opts ...Option) *workEnv {
	t.Helper()
	e := &workEnv{t: t, ctx: context.Background(), clock: cmkittest.NewClock(workT0), store: NewMemoryStore(),
		help: NewMemoryHandoff(), events: &eventLog{}}
	quiet := slog.New(slog.DiscardHandler)
	var err error
	e.dir, err = roles.New(e.ctx, roles.NewMemoryStore(), roles.WithClock(e.clock), roles.WithLogger(quiet))
	require.NoError(t, err)
	members := []roles.Member{}
	for _, g := range workTeam {
		members = append(members, roles.Member{ID: g.Member})
	}
	require.NoError(t, e.dir.Bootstrap(e.ctx, &roles.Team{Members: members, Grants: workTeam}))
	x, _ := cmkit.PlatformLimits(cmkit.X)
	e.es = newFake(t, cmkit.ChannelInfo{ID: "acme-es-x", Platform: cmkit.X, Handle: "acme_es", Brand: "acme", Country: "ES",
		Languages: []string{"es"}, Limits: x}, e.clock)
	e.pl = newFake(t, cmkit.ChannelInfo{ID: "acme-pl-fb", Handle: "acme_pl", Brand: "acme", Country: "PL",
		Languages: []string{"pl"}}, e.clock)
	engine, err := moderation.Compile(moderation.RuleSet{Builtin: []string{"complaints"}, Rules: []moderation.ModRule{
		{ID: "complaint", When: moderation.Cond{Lexicon: "complaints"}, Then: moderation.Actions{Support: true}},
	}})
	require.NoError(t, err)
	e.audit = roles.NewAuditLog(roles.NewMemoryAuditStore(), e.clock)
	all := append([]Option{WithTeam(e.dir), WithEngine(engine), WithClock(e.clock), WithLogger(quiet),
		WithChannels(e.es, e.pl), WithHook(e.events.add), WithAuditLog(e.audit), WithHandoff(e.help)}, opts...)
	e.ib, err = New(e.store, all...)
	require.NoError(t, err)
	return e
}

func newFake(t testing.TB, info cmkit.ChannelInfo, clock cmkit.Clock) *cmkittest.FakeChannel {
	t.Helper()
	f, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: info, Clock: clock})
	require.NoError(t, err)
	return f
}

// as returns a context acting as member.
func (e *workEnv) as(member string) context.Context { return roles.WithActor(e.ctx, member) }

// convOpt changes a conversation before newConv stores it.
type convOpt func(*Conversation, *cmkit.Mention)

func withPriority(p int) convOpt { return func(c *Conversation, _ *cmkit.Mention) { c.Priority = p } }
func withQueue(q string) convOpt { return func(c *Conversation, _ *cmkit.Mention) { c.Queue = q } }
func withLang(l string) convOpt {
	return func(c *Conversation, m *cmkit.Mention) { c.Language, m.Language = l, l }
}
func withAuthor(a cmkit.Author) convOpt {
	return func(c *Conversation, m *cmkit.Mention) { c.Author, m.Author = a, a }
}

// newConv feeds a mention to ch and stores a new conversation holding it,
// as ingest would, at the clock's now.
func (e *workEnv) newConv(ch *cmkittest.FakeChannel, text string, opts ...convOpt) Conversation {
	e.t.Helper()
	info := ch.Info()
	now := e.clock.Now()
	m := cmkit.Mention{Author: cmkit.Author{ID: "u-" + text[:min(len(text), 8)], Handle: "cliente", DisplayName: "Cliente"},
		Text: text, Language: info.Languages[0]}
	c := Conversation{ID: cmkit.NewID(), Kind: KindThread, Channel: info.ID, Resource: roles.ResourceOf(info),
		Language: info.Languages[0], Status: StatusNew, Messages: 1, CreatedAt: now, UpdatedAt: now,
		FirstInboundAt: now, AwaitingSince: now}
	for _, o := range opts {
		o(&c, &m)
	}
	fed, err := ch.Feed(m)
	require.NoError(e.t, err)
	m = fed[0]
	c.Key, c.Author, c.Person = "thread/"+info.ID+"/"+m.ID, m.Author, info.ID+"/"+m.Author.ID
	msg := Message{ID: cmkit.NewID(), Conversation: c.ID, Seq: 1, Direction: Inbound, Mention: m, ReceivedAt: now}
	require.NoError(e.t, e.store.Commit(e.ctx, Write{Conversations: []Conversation{c}, Messages: []Message{msg},
		Keys: []Key{{Name: ItemKey(info.ID, m.ID), Ref: Ref{Conversation: c.ID, Message: msg.ID}}}}))
	c.Version = 1
	return c
}

// inbound adds a customer message to conversation id, as ingest would.
func (e *workEnv) inbound(ch *cmkittest.FakeChannel, id uuid.UUID, text string) Message {
	e.t.Helper()
	c := e.get(id)
	fed, err := ch.Feed(cmkit.Mention{Author: c.Author, Text: text, Language: c.Language})
	require.NoError(e.t, err)
	msg := Message{ID: cmkit.NewID(), Conversation: id, Seq: c.Messages + 1, Direction: Inbound, Mention: fed[0],
		ReceivedAt: e.clock.Now()}
	c.Messages++
	if c.AwaitingSince.IsZero() {
		c.AwaitingSince = e.clock.Now()
	}
	require.NoError(e.t, e.store.Commit(e.ctx, Write{Conversations: []Conversation{c}, Messages: []Message{msg}}))
	return msg
}

func (e *workEnv) get(id uuid.UUID) Conversation {
	e.t.Helper()
	c, err := e.store.Conversation(e.ctx, id)
	require.NoError(e.t, err)
	return c
}

func (e *workEnv) activities(id uuid.UUID) []Activity {
	e.t.Helper()
	return collect(e.t, e.store.Activities(e.ctx, id))
}

func (e *workEnv) messages(id uuid.UUID) []Message {
	e.t.Helper()
	return collect(e.t, e.store.Messages(e.ctx, id))
}

// collect reads all of seq.
func collect[T any](t testing.TB, seq iter.Seq2[T, error]) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

// agent stores an agent record directly.
func (e *workEnv) agent(member string, capacity int, queues ...string) {
	e.t.Helper()
	if len(queues) == 0 {
		queues = []string{""}
	}
	_, err := e.ib.SetAgent(e.as("sam"), Agent{Member: member, Queues: queues, Capacity: capacity, Available: true})
	require.NoError(e.t, err)
}

func (e *workEnv) load(member string) int {
	e.t.Helper()
	n, err := e.store.Load(e.ctx, member)
	require.NoError(e.t, err)
	return n
}

// auditActions returns the actions the inbox recorded in the audit log.
func (e *workEnv) auditActions() []string {
	e.t.Helper()
	var out []string
	for r, err := range e.audit.Records(e.ctx, roles.AuditFilter{}) {
		require.NoError(e.t, err)
		out = append(out, r.Action)
	}
	return out
}

// requireInvalid checks that err wraps cmkit.ErrInvalid and names field.
func requireInvalid(t testing.TB, err error, field string) {
	t.Helper()
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, field, ve.Field, "%v", err)
}

// requireForbidden checks that err wraps cmkit.ErrForbidden and says
// every part of why.
func requireForbidden(t testing.TB, err error, why ...string) {
	t.Helper()
	require.ErrorIs(t, err, cmkit.ErrForbidden)
	for _, w := range why {
		require.Contains(t, err.Error(), w)
	}
}
