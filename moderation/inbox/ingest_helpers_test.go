package inbox_test

// Test helpers of ingest, grouping, edits, moderation actions, reads and
// leaders. Names start with "ingest" or "ig" so that they do not collide
// with the helpers of the other tests of the package.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/roles"
)

// ingestT0 is when every test starts.
var ingestT0 = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

// The channels of the tests: Spain on Facebook, Poland on Instagram.
const (
	igES = "acme-es-fb"
	igPL = "acme-pl-ig"
)

// ingestRules are the rules of the tests: insults hidden, spam deleted,
// complaints routed to customer service, big accounts marked.
const ingestRules = `{
  "builtin": ["insults", "complaints", "spam"],
  "rules": [
    {"id": "insults", "when": {"lexicon": "insults"}, "then": {"hide": true, "flag": ["insult"]}},
    {"id": "spam", "when": {"lexicon": "spam"}, "then": {"delete": true, "flag": ["spam"]}},
    {"id": "complaint", "when": {"lexicon": "complaints"},
     "then": {"support": true, "queue": "care", "priority": 2, "flag": ["complaint"]}},
    {"id": "leader", "when": {"followers": {"min": 10000}}, "then": {"opinion_leader": true}}
  ]}`

// ingestTeam: sam manages the brand, ola is a junior CM in Poland, bea a
// senior CM in Spain, ana an intern in Spain, and pat holds nothing.
func ingestTeam(t testing.TB, clock cmkit.Clock) *roles.Directory {
	t.Helper()
	ctx := context.Background()
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	require.NoError(t, dir.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "ola"}, {ID: "bea"}, {ID: "ana"}, {ID: "pat"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
			{Member: "ola", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme", Country: "PL"}},
			{Member: "bea", Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme", Country: "ES"}},
			{Member: "ana", Role: roles.Intern, Scope: roles.Scope{Brand: "acme", Country: "ES"}},
		},
	}))
	return dir
}

// ingestEngine compiles ingestRules on clock, with sentiment and
// language on every mention.
func ingestEngine(t testing.TB, clock cmkit.Clock) *moderation.Engine {
	t.Helper()
	set, err := moderation.ParseRules([]byte(ingestRules))
	require.NoError(t, err)
	e, err := moderation.Compile(set, moderation.WithClock(clock), moderation.WithAnnotations())
	require.NoError(t, err)
	return e
}

// ingestFake makes a fake channel of brand acme.
func ingestFake(t testing.TB, clock cmkit.Clock, id string) *cmkittest.FakeChannel {
	t.Helper()
	info := cmkit.ChannelInfo{ID: id, Platform: cmkit.Facebook, Brand: "acme", Country: "ES"}
	if id == igPL {
		info.Platform, info.Country = cmkit.Instagram, "PL"
	}
	ch, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: info, Clock: clock})
	require.NoError(t, err)
	return ch
}

// ingestEnv is an inbox over a memory store (possibly wrapped), with the
// team, the engine, two fake channels and a simulated clock; restart
// makes a new Inbox over the same store, as a process restart would.
type ingestEnv struct {
	t      testing.TB
	ctx    context.Context
	clock  *cmkittest.Clock
	mem    *inbox.MemoryStore
	store  inbox.Store
	dir    *roles.Directory
	engine *moderation.Engine
	fakes  map[string]*cmkittest.FakeChannel
	chans  []cmkit.Channel
	opts   []inbox.Option
	ib     *inbox.Inbox

	mu     sync.Mutex
	events []inbox.InboxEvent
}

func newIngestEnv(t testing.TB, opts ...inbox.Option) *ingestEnv {
	t.Helper()
	clock := cmkittest.NewClock(ingestT0)
	env := &ingestEnv{t: t, ctx: context.Background(), clock: clock, mem: inbox.NewMemoryStore(),
		dir: ingestTeam(t, clock), engine: ingestEngine(t, clock), fakes: map[string]*cmkittest.FakeChannel{}, opts: opts}
	env.store = env.mem
	for _, id := range []string{igES, igPL} {
		f := ingestFake(t, clock, id)
		env.fakes[id] = f
		env.chans = append(env.chans, f)
	}
	env.restart()
	return env
}

// restart makes a new Inbox over the same store and channels.
func (e *ingestEnv) restart(extra ...inbox.Option) {
	e.t.Helper()
	opts := append([]inbox.Option{inbox.WithTeam(e.dir), inbox.WithEngine(e.engine), inbox.WithClock(e.clock),
		inbox.WithChannels(e.chans...), inbox.WithLogger(slog.New(slog.DiscardHandler)),
		inbox.WithHook(func(ev inbox.InboxEvent) {
			e.mu.Lock()
			e.events = append(e.events, ev)
			e.mu.Unlock()
		})}, e.opts...)
	ib, err := inbox.New(e.store, append(opts, extra...)...)
	require.NoError(e.t, err)
	e.ib = ib
}

// as is a context acting as member.
func (e *ingestEnv) as(member string) context.Context { return roles.WithActor(e.ctx, member) }

// eventKinds returns the kinds of the events reported so far, and forgets
// them.
func (e *ingestEnv) eventKinds() []inbox.InboxEventKind {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []inbox.InboxEventKind
	for _, ev := range e.events {
		out = append(out, ev.Kind)
	}
	e.events = nil
	return out
}

// takeEvents returns the events reported so far, and forgets them.
func (e *ingestEnv) takeEvents() []inbox.InboxEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.events
	e.events = nil
	return out
}

// push pushes ms and requires success.
func (e *ingestEnv) push(ms ...cmkit.Mention) {
	e.t.Helper()
	require.NoError(e.t, e.ib.Push(e.ctx, ms...))
}

// convs returns every stored conversation, oldest first.
func (e *ingestEnv) convs() []inbox.Conversation {
	e.t.Helper()
	return igConvs(e.t, e.mem)
}

func igConvs(t testing.TB, s inbox.Store) []inbox.Conversation {
	t.Helper()
	var out []inbox.Conversation
	for c, err := range s.Conversations(context.Background(), inbox.Filter{}) {
		require.NoError(t, err)
		out = append(out, c)
	}
	return out
}

// msgs returns the stored messages of a conversation.
func (e *ingestEnv) msgs(id uuid.UUID) []inbox.Message {
	e.t.Helper()
	return igMsgs(e.t, e.mem, id)
}

func igMsgs(t testing.TB, s inbox.Store, id uuid.UUID) []inbox.Message {
	t.Helper()
	var out []inbox.Message
	for m, err := range s.Messages(context.Background(), id) {
		require.NoError(t, err)
		out = append(out, m)
	}
	return out
}

// acts returns the stored activities of a conversation.
func (e *ingestEnv) acts(id uuid.UUID) []inbox.Activity {
	e.t.Helper()
	var out []inbox.Activity
	for a, err := range e.mem.Activities(e.ctx, id) {
		require.NoError(e.t, err)
		out = append(out, a)
	}
	return out
}

// item returns the stored message of a platform item, and its
// conversation.
func (e *ingestEnv) item(ch, id string) (inbox.Message, inbox.Conversation) {
	e.t.Helper()
	ref, err := e.mem.Lookup(e.ctx, "item/"+ch+"/"+id)
	require.NoError(e.t, err, "item %s/%s", ch, id)
	m, err := e.mem.Message(e.ctx, ref.Message)
	require.NoError(e.t, err)
	c, err := e.mem.Conversation(e.ctx, ref.Conversation)
	require.NoError(e.t, err)
	return m, c
}

// setStatus writes a status straight into the store, as a member's change
// would.
func (e *ingestEnv) setStatus(id uuid.UUID, s inbox.Status) {
	e.t.Helper()
	c, err := e.mem.Conversation(e.ctx, id)
	require.NoError(e.t, err)
	c.Status = s
	require.NoError(e.t, e.mem.Commit(e.ctx, inbox.Write{Conversations: []inbox.Conversation{c}}))
}

// igMention makes a mention on a channel.
func igMention(ch, id string, kind cmkit.MentionKind, author, text string) cmkit.Mention {
	return cmkit.Mention{ID: id, ChannelID: ch, Kind: kind, Text: text, Language: "en",
		Author: cmkit.Author{ID: author, Handle: author}, CreatedAt: ingestT0}
}

// igReply makes a reply to parent.
func igReply(ch, id, parent, author, text string) cmkit.Mention {
	m := igMention(ch, id, cmkit.KindReply, author, text)
	m.InReplyTo = parent
	return m
}

// faultyReader wraps a channel's MentionReader: reads fail at random
// (transient, rate limit, timeout), and some answer with a page already
// delivered (a platform that re-delivers). Everything else is the
// channel's. It implements Channel, MentionReader, Hider and Deleter.
type faultyReader struct {
	*cmkittest.FakeChannel
	mu       sync.Mutex
	rng      *rand.Rand
	failRate float64 // a read fails
	replay   float64 // a read answers with an earlier page instead
	pages    []igPage
	fails    int
}

type igPage struct {
	after cmkit.Cursor
	page  cmkit.MentionPage
}

func (f *faultyReader) ReadMentions(ctx context.Context, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	f.mu.Lock()
	x, y, which := f.rng.Float64(), f.rng.Float64(), f.rng.IntN(3)
	var old *igPage
	if n := len(f.pages); n > 0 {
		old = &f.pages[n-1-f.rng.IntN(min(n, 3))] // one of the last three
	}
	f.mu.Unlock()
	if x < f.failRate {
		f.mu.Lock()
		f.fails++
		f.mu.Unlock()
		switch which {
		case 0:
			return cmkit.MentionPage{}, fmt.Errorf("fake read: %w: 503", cmkit.ErrTransient)
		case 1:
			return cmkit.MentionPage{}, &cmkit.RateLimitError{RetryAfter: time.Second}
		}
		return cmkit.MentionPage{}, fmt.Errorf("fake read: %w: %w", cmkit.ErrAmbiguous, context.DeadlineExceeded)
	}
	if y < f.replay && old != nil {
		return old.page, nil // a page delivered before: the same again, or an older one
	}
	p, err := f.FakeChannel.ReadMentions(ctx, after, limit)
	if err == nil && len(p.Mentions) > 0 {
		f.mu.Lock()
		f.pages = append(f.pages, igPage{after: after, page: p})
		f.mu.Unlock()
	}
	return p, err
}

// crashStore wraps a Store: a Commit may crash before it applies anything
// (the write is lost) or after (the write is stored, the answer lost).
// crashed tells the test to restart the inbox.
type crashStore struct {
	inbox.Store
	mu       sync.Mutex
	rng      *rand.Rand
	before   float64
	after    float64
	crashes  int
	disarmed bool
}

var errCrash = errors.New("simulated crash")

func (s *crashStore) Commit(ctx context.Context, w inbox.Write) error {
	s.mu.Lock()
	x := s.rng.Float64()
	armed := !s.disarmed
	s.mu.Unlock()
	switch {
	case armed && x < s.before:
		s.count()
		return errCrash
	case armed && x < s.before+s.after:
		if err := s.Store.Commit(ctx, w); err != nil {
			return err
		}
		s.count()
		return errCrash
	}
	return s.Store.Commit(ctx, w)
}

func (s *crashStore) count() {
	s.mu.Lock()
	s.crashes++
	s.mu.Unlock()
}

func (s *crashStore) disarm() {
	s.mu.Lock()
	s.disarmed = true
	s.mu.Unlock()
}

// igCheckStore checks the invariants every stored inbox keeps: each item
// once, keys consistent with messages, Messages == last Seq with Seqs 1..n,
// ActionDue the earliest pending NextAt, and each author record equal to
// the sum over the person's messages. It returns the stored inbound
// messages by "<channel>/<platform ID>".
func igCheckStore(t testing.TB, s inbox.Store, person func(channel, author string) string) map[string]inbox.Message {
	t.Helper()
	ctx := context.Background()
	items := map[string]inbox.Message{}
	type tally struct {
		mentions, scored, marked int
		reactions                int64
		sentiment                float64
		langs                    map[string]int
	}
	want := map[[2]string]*tally{}
	for _, c := range igConvs(t, s) {
		ms := igMsgs(t, s, c.ID)
		require.Len(t, ms, c.Messages, "conversation %s: Messages", c.ID)
		var due time.Time
		for i, m := range ms {
			require.Equal(t, i+1, m.Seq, "conversation %s: Seq", c.ID)
			require.Equal(t, c.ID, m.Conversation)
			if m.Action.Do != "" && m.Action.Delivery == inbox.DeliverySending && (due.IsZero() || m.Action.NextAt.Before(due)) {
				due = m.Action.NextAt
			}
			if m.Direction != inbox.Inbound {
				continue
			}
			k := m.Mention.ChannelID + "/" + m.Mention.ID
			_, dup := items[k]
			require.False(t, dup, "item %s stored twice", k)
			items[k] = m
			ref, err := s.Lookup(ctx, "item/"+k)
			require.NoError(t, err, "item %s has no key", k)
			require.Equal(t, inbox.Ref{Conversation: c.ID, Message: m.ID}, ref, "item %s: key", k)
			ak := [2]string{c.Resource.Brand, person(m.Mention.ChannelID, m.Mention.Author.ID)}
			tl := want[ak]
			if tl == nil {
				tl = &tally{langs: map[string]int{}}
				want[ak] = tl
			}
			tl.mentions++
			tl.reactions += m.Mention.Reactions
			if m.Triage.SentimentKnown {
				tl.scored++
				tl.sentiment += m.Triage.Sentiment
			}
			if m.Triage.OpinionLeader {
				tl.marked++
			}
			lang := m.Triage.Language
			if lang == "" {
				lang = m.Mention.Language
			}
			if lang != "" {
				tl.langs[lang]++
			}
		}
		require.True(t, due.Equal(c.ActionDue), "conversation %s: ActionDue %v, earliest pending %v", c.ID, c.ActionDue, due)
	}
	n := 0
	for rec, err := range s.Authors(ctx, "") {
		require.NoError(t, err)
		n++
		tl := want[[2]string{rec.Brand, rec.Person}]
		require.NotNil(t, tl, "author record %s/%s without messages", rec.Brand, rec.Person)
		require.Equal(t, tl.mentions, rec.Mentions, "author %s: mentions", rec.Person)
		require.Equal(t, tl.reactions, rec.Reactions, "author %s: reactions", rec.Person)
		require.Equal(t, tl.scored, rec.Scored, "author %s: scored", rec.Person)
		require.InDelta(t, tl.sentiment, rec.Sentiment, 1e-9, "author %s: sentiment", rec.Person)
		require.Equal(t, tl.marked, rec.Marked, "author %s: marked", rec.Person)
		if len(tl.langs) == 0 {
			require.Empty(t, rec.Languages)
		} else {
			require.Equal(t, tl.langs, rec.Languages, "author %s: languages", rec.Person)
		}
	}
	require.Equal(t, len(want), n, "author records")
	return items
}

// igPerson is the inbox's default identity.
func igPerson(channel, author string) string { return channel + "/" + author }
