package inbox_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/roles"
)

// igActor is a channel whose hides and deletes answer with queued errors
// first, and counts the calls. Hider and Deleter are forwarded only when
// asked for (see igChannel).
type igActor struct {
	*cmkittest.FakeChannel
	mu      sync.Mutex
	errs    []error
	always  error // after the queue
	hides   int
	deletes int
}

func (a *igActor) next() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.errs) > 0 {
		err := a.errs[0]
		a.errs = a.errs[1:]
		return err
	}
	return a.always
}

func (a *igActor) SetHidden(ctx context.Context, id string, hidden bool) error {
	a.mu.Lock()
	a.hides++
	a.mu.Unlock()
	if err := a.next(); err != nil {
		return err
	}
	return a.FakeChannel.SetHidden(ctx, id, hidden)
}

func (a *igActor) Delete(ctx context.Context, id string) error {
	a.mu.Lock()
	a.deletes++
	a.mu.Unlock()
	if err := a.next(); err != nil {
		return err
	}
	return a.FakeChannel.Delete(ctx, id)
}

func (a *igActor) calls() (hides, deletes int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.hides, a.deletes
}

// igReadOnly reads and can neither hide nor delete.
type igReadOnly struct{ a *igActor }

func (c igReadOnly) Info() cmkit.ChannelInfo { return c.a.Info() }
func (c igReadOnly) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	return c.a.Publish(ctx, p)
}
func (c igReadOnly) ReadMentions(ctx context.Context, after cmkit.Cursor, n int) (cmkit.MentionPage, error) {
	return c.a.ReadMentions(ctx, after, n)
}

// igReadDelete is a channel that reads and deletes, and cannot hide.
type igReadDelete struct{ igReadOnly }

func (c igReadDelete) Delete(ctx context.Context, id string) error { return c.a.Delete(ctx, id) }

// withActor replaces the Spanish channel by an igActor over its fake
// (wrapped by wrap, when given) and restarts the inbox.
func (e *ingestEnv) withActor(wrap func(*igActor) cmkit.Channel) *igActor {
	a := &igActor{FakeChannel: e.fakes[igES]}
	e.chans[0] = a
	if wrap != nil {
		e.chans[0] = wrap(a)
	}
	e.restart()
	return a
}

// feedPull feeds ms to their fake channel and pulls them.
func (e *ingestEnv) feedPull(ms ...cmkit.Mention) {
	e.t.Helper()
	for _, m := range ms {
		_, err := e.fakes[m.ChannelID].Feed(m)
		require.NoError(e.t, err)
	}
	_, err := e.ib.PullAll(e.ctx)
	require.NoError(e.t, err)
}

// igDeleted reports whether the fake deleted a mention (its reads skip
// deleted mentions).
func igDeleted(t *testing.T, f *cmkittest.FakeChannel, id string) bool {
	t.Helper()
	p, err := f.ReadMentions(context.Background(), "", 1000)
	require.NoError(t, err)
	for _, m := range p.Mentions {
		if m.ID == id {
			return false
		}
	}
	return true
}

func TestTheRulesHideAndDeleteOnThePlatform(t *testing.T) {
	env := newIngestEnv(t)
	env.feedPull(igMention(igES, "1", cmkit.KindComment, "troll", "you idiots"),
		igMention(igES, "2", cmkit.KindComment, "bot", "click here"),
		igMention(igES, "3", cmkit.KindComment, "ann", "lovely"))
	m1, c1 := env.item(igES, "1")
	assert.Equal(t, inbox.ModAction{Do: "hide", Delivery: inbox.DeliverySent, Attempts: 1}, m1.Action)
	assert.True(t, env.fakes[igES].Hidden("1"))
	assert.True(t, c1.ActionDue.IsZero())
	m2, _ := env.item(igES, "2")
	assert.Equal(t, inbox.ModAction{Do: "delete", Delivery: inbox.DeliverySent, Attempts: 1}, m2.Action)
	assert.True(t, igDeleted(t, env.fakes[igES], "2"))
	m3, _ := env.item(igES, "3")
	assert.Zero(t, m3.Action)
	events := env.takeEvents()
	var kinds []string
	for _, e := range events {
		kinds = append(kinds, string(e.Kind)+":"+e.Message.Mention.ID)
	}
	assert.Equal(t, []string{"ingested:1", "ingested:2", "ingested:3", "hidden:1", "deleted:2"}, kinds,
		"the items' events after their commit, then each action's after its own")
	hidden := events[3]
	assert.Equal(t, inbox.DeliverySent, hidden.Message.Action.Delivery, "an event shows the state as stored")
	stored, _ := env.item(igES, "1")
	assert.Equal(t, stored.Version, hidden.Message.Version)
	var texts []string
	for _, a := range env.acts(c1.ID) {
		if a.Kind == inbox.ActivityModerate {
			texts = append(texts, a.Text)
		}
	}
	assert.Equal(t, []string{"hide message 1 (rule insults)", "hide message 1: done on the platform"}, texts)
	igCheckStore(t, env.mem, igPerson)
}

func TestHidingFallsBackToDeletingOnlyWhenTheRulesAllowIt(t *testing.T) {
	env := newIngestEnv(t)
	a := env.withActor(func(a *igActor) cmkit.Channel { return igReadDelete{igReadOnly{a}} })
	env.feedPull(igMention(igES, "1", cmkit.KindComment, "troll", "you idiots"),
		igMention(igES, "2", cmkit.KindComment, "troll", "idiots, click here"))
	m1, c1 := env.item(igES, "1")
	assert.Equal(t, inbox.DeliveryFailed, m1.Action.Delivery, "hide only, and the channel cannot hide")
	assert.Equal(t, "hide", m1.Action.Do)
	assert.Contains(t, m1.Action.LastError, "does not support hide")
	assert.True(t, c1.ActionDue.IsZero())
	m2, _ := env.item(igES, "2")
	assert.Equal(t, inbox.ModAction{Do: "delete", Delivery: inbox.DeliverySent, Attempts: 1}, m2.Action)
	hides, deletes := a.calls()
	assert.Equal(t, 0, hides)
	assert.Equal(t, 1, deletes)
	assert.Equal(t, []inbox.InboxEventKind{inbox.EventIngested, inbox.EventActionFailed, inbox.EventIngested, inbox.EventDeleted}, env.eventKinds())
	assert.Equal(t, uint64(1), env.ib.IngestCounts().ActionsFailed)

	// With both capabilities, hiding is preferred.
	env2 := newIngestEnv(t)
	env2.feedPull(igMention(igES, "2", cmkit.KindComment, "troll", "idiots, click here"))
	m, _ := env2.item(igES, "2")
	assert.Equal(t, "hide", m.Action.Do)

	// Neither: the delete fails for a person to see.
	env3 := newIngestEnv(t)
	env3.withActor(func(a *igActor) cmkit.Channel { return igReadOnly{a} })
	env3.feedPull(igMention(igES, "2", cmkit.KindComment, "bot", "click here"))
	m, _ = env3.item(igES, "2")
	assert.Equal(t, "delete", m.Action.Do)
	assert.Equal(t, inbox.DeliveryFailed, m.Action.Delivery)
}

func TestActionsAreRetriedWithBackoff(t *testing.T) {
	env := newIngestEnv(t)
	a := env.withActor(nil)
	a.errs = []error{fmt.Errorf("503: %w", cmkit.ErrTransient), &cmkit.RateLimitError{RetryAfter: 10 * time.Minute},
		fmt.Errorf("%w: timeout", cmkit.ErrAmbiguous)}
	env.feedPull(igMention(igES, "1", cmkit.KindComment, "troll", "idiots"))
	m, c := env.item(igES, "1")
	assert.Equal(t, inbox.DeliverySending, m.Action.Delivery)
	assert.Equal(t, 1, m.Action.Attempts)
	assert.Equal(t, ingestT0.Add(30*time.Second), m.Action.NextAt)
	assert.Equal(t, m.Action.NextAt, c.ActionDue)
	assert.Contains(t, m.Action.LastError, "503")

	n, err := env.ib.Moderate(env.ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "not due yet")

	env.clock.Advance(30 * time.Second)
	n, err = env.ib.Moderate(env.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	m, c = env.item(igES, "1")
	assert.Equal(t, 2, m.Action.Attempts)
	assert.Equal(t, env.clock.Now().Add(10*time.Minute), m.Action.NextAt, "the rate limit's wait is longer than the backoff")
	assert.Equal(t, m.Action.NextAt, c.ActionDue)

	env.clock.Advance(10 * time.Minute)
	_, err = env.ib.Moderate(env.ctx)
	require.NoError(t, err)
	m, _ = env.item(igES, "1")
	assert.Equal(t, 3, m.Action.Attempts)
	assert.Equal(t, env.clock.Now().Add(2*time.Minute), m.Action.NextAt, "30s doubled twice")

	env.clock.Advance(2 * time.Minute)
	_, err = env.ib.Moderate(env.ctx)
	require.NoError(t, err)
	m, c = env.item(igES, "1")
	assert.Equal(t, inbox.ModAction{Do: "hide", Delivery: inbox.DeliverySent, Attempts: 4}, m.Action)
	assert.True(t, c.ActionDue.IsZero())
	assert.True(t, env.fakes[igES].Hidden("1"))
	assert.Equal(t, []inbox.InboxEventKind{inbox.EventIngested, inbox.EventHidden}, env.eventKinds())
}

func TestActionsFailForGood(t *testing.T) {
	t.Run("permanent", func(t *testing.T) {
		env := newIngestEnv(t)
		a := env.withActor(nil)
		a.errs = []error{fmt.Errorf("403: %w", cmkit.ErrPermanent)}
		env.feedPull(igMention(igES, "1", cmkit.KindComment, "troll", "idiots"))
		m, c := env.item(igES, "1")
		assert.Equal(t, inbox.DeliveryFailed, m.Action.Delivery)
		assert.Contains(t, m.Action.LastError, "403")
		assert.True(t, c.ActionDue.IsZero())
		events := env.takeEvents()
		require.Len(t, events, 2)
		assert.Equal(t, inbox.EventActionFailed, events[1].Kind)
		assert.Contains(t, events[1].Text, "403")
	})
	t.Run("attempts run out", func(t *testing.T) {
		env := newIngestEnv(t)
		a := env.withActor(nil)
		a.always = fmt.Errorf("503: %w", cmkit.ErrTransient)
		env.feedPull(igMention(igES, "1", cmkit.KindComment, "troll", "idiots"))
		for range 20 {
			env.clock.Advance(time.Hour)
			_, err := env.ib.Moderate(env.ctx)
			require.NoError(t, err)
		}
		m, _ := env.item(igES, "1")
		assert.Equal(t, inbox.DeliveryFailed, m.Action.Delivery)
		assert.Equal(t, 8, m.Action.Attempts)
		hides, _ := a.calls()
		assert.Equal(t, 8, hides)
	})
	t.Run("deleting what is gone is done", func(t *testing.T) {
		env := newIngestEnv(t)
		a := env.withActor(nil)
		a.errs = []error{cmkit.Errorf(cmkit.ErrNotFound, "gone")}
		env.feedPull(igMention(igES, "1", cmkit.KindComment, "bot", "click here"))
		m, _ := env.item(igES, "1")
		assert.Equal(t, inbox.DeliverySent, m.Action.Delivery)
	})
}

func TestAnActionInterruptedByACrashIsRetriedAfterRestart(t *testing.T) {
	env := newIngestEnv(t)
	cs := &crashStore{Store: env.mem, rng: rand.New(rand.NewPCG(1, 1)), after: 1}
	env.store = cs
	a := env.withActor(nil)
	_, err := env.fakes[igES].Feed(igMention(igES, "1", cmkit.KindComment, "troll", "idiots"))
	require.NoError(t, err)
	_, err = env.ib.Pull(env.ctx, igES)
	require.ErrorIs(t, err, errCrash, "stored, then the process died")
	hides, _ := a.calls()
	require.Zero(t, hides)
	cs.disarm()
	env.restart()
	n, err := env.ib.Pull(env.ctx, igES)
	require.NoError(t, err)
	assert.Zero(t, n, "the page was stored with its checkpoint")
	m, c := env.item(igES, "1")
	assert.Equal(t, inbox.DeliverySending, m.Action.Delivery, "the write fence")
	assert.Equal(t, m.Action.NextAt, c.ActionDue)
	n, err = env.ib.Moderate(env.ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "the crashed attempt holds the action until its NextAt")
	env.clock.Advance(30 * time.Second)
	n, err = env.ib.Moderate(env.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.True(t, env.fakes[igES].Hidden("1"))
	m, _ = env.item(igES, "1")
	assert.Equal(t, 2, m.Action.Attempts)
}

func TestTwoInboxesNeverTryOneActionAtOnce(t *testing.T) {
	env := newIngestEnv(t)
	a := env.withActor(nil)
	a.errs = []error{fmt.Errorf("%w", cmkit.ErrTransient)}
	var ms []cmkit.Mention
	for i := range 20 {
		ms = append(ms, igMention(igES, fmt.Sprint(i), cmkit.KindComment, "troll", "idiots"))
	}
	a.errs = nil
	for range ms {
		a.errs = append(a.errs, cmkit.ErrTransient)
	}
	env.feedPull(ms...)
	env.clock.Advance(time.Minute)
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ib, err := inbox.New(env.mem, inbox.WithTeam(env.dir), inbox.WithEngine(env.engine), inbox.WithClock(env.clock),
				inbox.WithChannels(env.chans...))
			if !assert.NoError(t, err) {
				return
			}
			n, err := ib.Moderate(env.ctx)
			assert.NoError(t, err)
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	assert.Equal(t, 20, total)
	hides, _ := a.calls()
	assert.Equal(t, 40, hides, "one failed call at ingest and one retry per action")
	igCheckStore(t, env.mem, igPerson)
}

func TestMembersHideAndDelete(t *testing.T) {
	env := newIngestEnv(t)
	audit := roles.NewAuditLog(roles.NewMemoryAuditStore(), env.clock)
	env.restart(inbox.WithAuditLog(audit))
	env.feedPull(igMention(igES, "1", cmkit.KindComment, "ann", "meh"), igMention(igPL, "1", cmkit.KindComment, "ola", "hmm"))
	es, _ := env.item(igES, "1")
	pl, _ := env.item(igPL, "1")
	env.eventKinds()

	for _, tc := range []struct {
		name, member string
		do           func(ctx context.Context) error
		reason       string
	}{
		{"an intern may not hide", "ana", func(ctx context.Context) error { _, err := env.ib.Hide(ctx, es.ID, true); return err },
			"ana may not inbox.hide on brand=acme channel=acme-es-fb country=ES"},
		{"a junior may not hide elsewhere", "ola", func(ctx context.Context) error { _, err := env.ib.Hide(ctx, es.ID, true); return err },
			"ola may not inbox.hide on brand=acme channel=acme-es-fb country=ES"},
		{"a junior may not delete", "ola", func(ctx context.Context) error { _, err := env.ib.Delete(ctx, pl.ID); return err },
			"ola may not inbox.delete on brand=acme channel=acme-pl-ig country=PL"},
		{"nobody", "", func(ctx context.Context) error { _, err := env.ib.Delete(ctx, pl.ID); return err },
			"no acting member"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := env.ctx
			if tc.member != "" {
				ctx = env.as(tc.member)
			}
			err := tc.do(ctx)
			require.ErrorIs(t, err, cmkit.ErrForbidden)
			assert.Contains(t, err.Error(), tc.reason)
			m, _ := env.item(igES, "1")
			assert.Equal(t, es.Version, m.Version, "nothing written")
			assert.Zero(t, m.Action)
		})
	}
	assert.False(t, env.fakes[igES].Hidden("1"))

	m, err := env.ib.Hide(env.as("ola"), pl.ID, true)
	require.NoError(t, err)
	assert.Equal(t, inbox.ModAction{Do: "hide", Delivery: inbox.DeliverySent, Attempts: 1, By: "ola"}, m.Action)
	assert.True(t, env.fakes[igPL].Hidden("1"))
	again, err := env.ib.Hide(env.as("ola"), pl.ID, true)
	require.NoError(t, err)
	assert.Equal(t, m.Version, again.Version, "hiding what is hidden writes nothing")
	m, err = env.ib.Hide(env.as("ola"), pl.ID, false)
	require.NoError(t, err)
	assert.Equal(t, "unhide", m.Action.Do)
	assert.False(t, env.fakes[igPL].Hidden("1"))

	m, err = env.ib.Delete(env.as("bea"), es.ID)
	require.NoError(t, err)
	assert.Equal(t, inbox.ModAction{Do: "delete", Delivery: inbox.DeliverySent, Attempts: 1, By: "bea"}, m.Action)
	assert.True(t, igDeleted(t, env.fakes[igES], "1"))
	_, err = env.ib.Hide(env.as("bea"), es.ID, true)
	require.ErrorIs(t, err, cmkit.ErrConflict, "a deleted message cannot be hidden")

	events := env.takeEvents()
	var got []string
	for _, e := range events {
		got = append(got, string(e.Kind)+" by "+e.By)
	}
	assert.Equal(t, []string{"hidden by ola", "unhidden by ola", "deleted by bea"}, got)
	_, c := env.item(igPL, "1")
	var acts []string
	for _, a := range env.acts(c.ID) {
		if a.Kind == inbox.ActivityModerate {
			acts = append(acts, a.By+": "+a.Text)
		}
	}
	assert.Equal(t, []string{"ola: hide message 1", "ola: hide message 1: done on the platform",
		"ola: unhide message 1", "ola: unhide message 1: done on the platform"}, acts)
	var audited []string
	for r, err := range audit.Records(env.ctx, roles.AuditFilter{}) {
		require.NoError(t, err)
		audited = append(audited, r.Actor+" "+r.Action+" "+string(r.Permission)+" "+r.Resource.Channel)
	}
	assert.Equal(t, []string{"ola inbox.hide inbox.hide acme-pl-ig", "ola inbox.unhide inbox.hide acme-pl-ig",
		"bea inbox.delete inbox.delete acme-es-fb"}, audited)
}

func TestMemberActionsRefuseWhatTheyCannotDo(t *testing.T) {
	env := newIngestEnv(t)
	env.feedPull(igMention(igES, "1", cmkit.KindComment, "ann", "meh"))
	m, c := env.item(igES, "1")
	_, err := env.ib.Hide(env.as("sam"), c.ID, true)
	require.ErrorIs(t, err, cmkit.ErrNotFound, "a conversation's ID is not a message's")

	id := c.ID
	c.Messages++
	out := inbox.Message{ID: m.ID, Conversation: id}
	out.ID[15]++
	out.Seq, out.Direction, out.Mention = c.Messages, inbox.Outbound, cmkit.Mention{ID: "ans", ChannelID: igES}
	require.NoError(t, env.mem.Commit(env.ctx, inbox.Write{Conversations: []inbox.Conversation{c}, Messages: []inbox.Message{out}}))
	_, err = env.ib.Delete(env.as("sam"), out.ID)
	require.ErrorIs(t, err, cmkit.ErrInvalid, "the team's own answers are not moderated here")

	env.withActor(func(a *igActor) cmkit.Channel { return igReadDelete{igReadOnly{a}} })
	_, err = env.ib.Hide(env.as("sam"), m.ID, true)
	require.ErrorIs(t, err, cmkit.ErrUnsupported)
	assert.True(t, strings.Contains(err.Error(), "hide"))
	got, _ := env.item(igES, "1")
	assert.Equal(t, m.Version, got.Version)
}

func TestAMemberActionThePlatformRefusesIsAnError(t *testing.T) {
	env := newIngestEnv(t)
	a := env.withActor(nil)
	env.feedPull(igMention(igES, "1", cmkit.KindComment, "ann", "meh"))
	m, _ := env.item(igES, "1")
	a.errs = []error{fmt.Errorf("400: %w", cmkit.ErrPermanent), fmt.Errorf("503: %w", cmkit.ErrTransient)}
	_, err := env.ib.Hide(env.as("sam"), m.ID, true)
	require.ErrorIs(t, err, cmkit.ErrPermanent)
	got, _ := env.item(igES, "1")
	assert.Equal(t, inbox.DeliveryFailed, got.Action.Delivery)

	got, err = env.ib.Hide(env.as("sam"), m.ID, true)
	require.NoError(t, err, "a transient failure is retried by Moderate")
	assert.Equal(t, inbox.DeliverySending, got.Action.Delivery)
	env.clock.Advance(time.Minute)
	n, err := env.ib.Moderate(env.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.True(t, env.fakes[igES].Hidden("1"))
}

func TestModerateRepairsAStaleActionDue(t *testing.T) {
	env := newIngestEnv(t)
	env.feedPull(igMention(igES, "1", cmkit.KindComment, "ann", "hello"))
	_, c := env.item(igES, "1")
	c.ActionDue = ingestT0.Add(-time.Minute) // as a broken writer might leave it
	require.NoError(t, env.mem.Commit(env.ctx, inbox.Write{Conversations: []inbox.Conversation{c}}))
	n, err := env.ib.Moderate(env.ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	_, c = env.item(igES, "1")
	assert.True(t, c.ActionDue.IsZero(), "Moderate does not come back to it")
	igCheckStore(t, env.mem, igPerson)
}

func TestEventsComeAfterTheirCommit(t *testing.T) {
	env := newIngestEnv(t)
	var checked int
	env.restart(inbox.WithHook(func(e inbox.InboxEvent) {
		c, err := env.mem.Conversation(env.ctx, e.Conversation.ID)
		require.NoError(t, err)
		m, err := env.mem.Message(env.ctx, e.Message.ID)
		require.NoError(t, err)
		if e.Kind == inbox.EventIngested && c.Version == e.Conversation.Version {
			assert.Equal(t, c, e.Conversation, "the event shows the conversation as stored")
		}
		assert.LessOrEqual(t, e.Conversation.Version, c.Version)
		assert.LessOrEqual(t, e.Message.Version, m.Version)
		checked++
	}))
	env.feedPull(igMention(igES, "1", cmkit.KindComment, "ann", "hello"), igMention(igES, "2", cmkit.KindComment, "bob", "idiots"),
		igReply(igES, "3", "1", "cy", "hi ann"))
	env.push(igEdited(igMention(igES, "3", cmkit.KindReply, "cy", ""), "hi ann, you moron", time.Minute))
	assert.Equal(t, 6, checked, "3 ingested, 1 edited, 2 hidden")
}

func TestModerateTriesAtMostAHundredConversationsAStep(t *testing.T) {
	env := newIngestEnv(t)
	a := env.withActor(nil)
	a.always = fmt.Errorf("503: %w", cmkit.ErrTransient)
	var ms []cmkit.Mention
	for i := range 101 {
		ms = append(ms, igMention(igES, fmt.Sprint(i), cmkit.KindComment, fmt.Sprint("troll", i), "idiots"))
	}
	env.feedPull(ms...)
	env.clock.Advance(time.Minute)
	n, err := env.ib.Moderate(env.ctx)
	require.NoError(t, err)
	assert.Equal(t, 100, n)
	a.mu.Lock()
	a.always = nil
	a.mu.Unlock()
	n, err = env.ib.Moderate(env.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "the one left over; the others wait for their backoff")
}
