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

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/styleguide"
)

func TestReplySent(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "¿Cuándo abrís?")
	first := e.messages(c.ID)[0]
	e.clock.Advance(5 * time.Minute)

	m, err := e.ib.Reply(e.as("eva"), c.ID, c.Version, ReplyRequest{Text: "Abrimos a las 10."})
	require.NoError(t, err)
	assert.Equal(t, DeliverySent, m.Delivery)
	assert.Equal(t, Outbound, m.Direction)
	assert.Equal(t, "eva", m.By)
	assert.Equal(t, 2, m.Seq)
	assert.Equal(t, uint64(2), m.Version)
	assert.Equal(t, m.ID, m.Receipt.PostID, "the post's ID is the message's")
	assert.Equal(t, m.Receipt.PlatformID, m.Mention.ID)
	assert.Equal(t, first.Mention.ID, m.Mention.InReplyTo)
	assert.Equal(t, cmkit.KindReply, m.Mention.Kind)
	assert.Equal(t, "acme_es", m.Mention.Author.Handle)
	stored, err := e.store.Message(e.ctx, m.ID)
	require.NoError(t, err)
	assert.Equal(t, m, stored)

	posts := e.es.Posts()
	require.Len(t, posts, 1)
	assert.Equal(t, cmkit.Post{ID: m.ID, Text: "Abrimos a las 10.", Language: "es", InReplyTo: first.Mention.ID}, posts[0].Post)

	c = e.get(c.ID)
	assert.Equal(t, StatusReplied, c.Status)
	assert.Equal(t, uint64(2), c.ReplyVersion, "the fence is the version the answer was started at")
	assert.Equal(t, "eva", c.ReplyBy)
	assert.Equal(t, workT0.Add(5*time.Minute), c.FirstResponseAt)
	assert.Equal(t, workT0.Add(5*time.Minute), c.LastResponseAt)
	assert.True(t, c.AwaitingSince.IsZero())
	assert.Equal(t, 2, c.Messages)
	ref, err := e.store.Lookup(e.ctx, ItemKey("acme-es-x", m.Receipt.PlatformID))
	require.NoError(t, err, "replies to the answer will join the conversation")
	assert.Equal(t, Ref{Conversation: c.ID, Message: m.ID}, ref)

	acts := e.activities(c.ID)
	require.Len(t, acts, 2)
	assert.Equal(t, "answering "+first.Mention.ID, acts[0].Text)
	assert.Equal(t, "sent as "+m.Receipt.PlatformID, acts[1].Text)
	assert.Equal(t, []InboxEventKind{EventReplySent}, e.events.kinds())
	assert.Equal(t, m, *e.events.of(EventReplySent)[0].Message)
	assert.Equal(t, []string{"inbox.replied"}, e.auditActions())

	// The customer writes again; the same member answers what they read,
	// asking a question: the conversation waits.
	e.clock.Advance(time.Hour)
	e.inbound(e.es, c.ID, "¿Y los domingos?")
	c = e.get(c.ID)
	m2, err := e.ib.Reply(e.as("eva"), c.ID, c.Version, ReplyRequest{Text: "¿Qué tienda?", Waiting: true})
	require.NoError(t, err)
	c = e.get(c.ID)
	assert.Equal(t, StatusWaiting, c.Status)
	assert.Equal(t, workT0.Add(5*time.Minute), c.FirstResponseAt, "the first response stays")
	assert.Equal(t, workT0.Add(65*time.Minute), c.LastResponseAt)
	assert.Equal(t, e.messages(c.ID)[2].Mention.ID, m2.Mention.InReplyTo, "the latest inbound message is answered")
}

// Collision detection: two agents read the same version and both answer;
// exactly one answer reaches the platform, the other gets ErrConflict
// naming the first.
func TestReplyCollision(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "¿Hay stock?")
	e.clock.Advance(time.Minute)
	_, err := e.ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Sí, hay stock."})
	require.NoError(t, err)
	_, err = e.ib.Reply(e.as("eva"), c.ID, c.Version, ReplyRequest{Text: "Lo miro."})
	require.ErrorIs(t, err, cmkit.ErrConflict)
	var rc *ReplyConflict
	require.ErrorAs(t, err, &rc)
	assert.Equal(t, "ana", rc.By)
	assert.Equal(t, workT0.Add(time.Minute), rc.At)
	assert.Equal(t, DeliverySent, rc.Delivery)
	assert.Equal(t, fmt.Sprintf("inbox: conversation %s already answered by ana at 2025-03-03T09:01:00Z (sent): re-read it before answering", c.ID), err.Error())
	require.Len(t, e.es.Posts(), 1)
	assert.Equal(t, "Sí, hay stock.", e.es.Posts()[0].Post.Text)
	assert.Equal(t, 2, e.get(c.ID).Messages, "the second answer wrote nothing")

	// Having read the answer, eva may add to it.
	_, err = e.ib.Reply(e.as("eva"), c.ID, e.get(c.ID).Version, ReplyRequest{Text: "Y envío gratis."})
	require.NoError(t, err)
	assert.Len(t, e.es.Posts(), 2)
}

// Changes that are not answers (labels, notes, assignment) since the
// version read do not block an answer.
func TestReplyIgnoresOtherChanges(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")
	_, err := e.ib.Label(e.as("ana"), c.ID, c.Version, []string{"vip"}, nil)
	require.NoError(t, err)
	_, err = e.ib.AddNote(e.as("ana"), c.ID, "cliente importante")
	require.NoError(t, err)
	_, err = e.ib.Reply(e.as("eva"), c.ID, c.Version, ReplyRequest{Text: "¡Hola!"})
	require.NoError(t, err)
	_, err = e.ib.Reply(e.as("eva"), c.ID, e.get(c.ID).Version+1, ReplyRequest{Text: "¡Hola!"})
	require.ErrorIs(t, err, cmkit.ErrConflict, "a version the conversation never had")
}

// Many agents racing with the same version: exactly one answer wins the
// fence; every other gets the conflict naming the winner.
func TestReplyCollisionRace(t *testing.T) {
	for round := range 10 {
		e := newWorkEnv(t)
		c := e.newConv(e.es, "¿Hay stock?")
		agents := []string{"ana", "eva", "sam", "zoe"}
		errs := make([]error, len(agents))
		var wg sync.WaitGroup
		for i, who := range agents {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = e.ib.Reply(e.as(who), c.ID, c.Version, ReplyRequest{Text: "respuesta de " + who})
			}()
		}
		wg.Wait()
		winner := e.get(c.ID).ReplyBy
		wins := 0
		for i, err := range errs {
			if err == nil {
				wins++
				assert.Equal(t, agents[i], winner)
				continue
			}
			var rc *ReplyConflict
			require.ErrorAs(t, err, &rc, "round %d", round)
			assert.Equal(t, winner, rc.By)
		}
		require.Equal(t, 1, wins, "round %d", round)
		posts := e.es.Posts()
		require.Len(t, posts, 1)
		assert.Equal(t, "respuesta de "+winner, posts[0].Post.Text)
	}
}

// blockingChannel is a fake whose Reply waits until released, so a test
// can act while an answer is in flight.
type blockingChannel struct {
	*cmkittest.FakeChannel
	entered chan struct{}
	release chan struct{}
}

func newBlockingChannel(t testing.TB, clock cmkit.Clock) *blockingChannel {
	return &blockingChannel{
		FakeChannel: newFake(t, cmkit.ChannelInfo{ID: "acme-es-slow", Brand: "acme", Country: "ES", Languages: []string{"es"}}, clock),
		entered:     make(chan struct{}, 10), release: make(chan struct{}),
	}
}

func (b *blockingChannel) Reply(ctx context.Context, mentionID string, post cmkit.Post) (cmkit.Receipt, error) {
	b.entered <- struct{}{}
	select {
	case <-b.release:
	case <-ctx.Done():
		return cmkit.Receipt{}, fmt.Errorf("%w: %w", cmkit.ErrAmbiguous, ctx.Err())
	}
	return b.FakeChannel.Reply(context.WithoutCancel(ctx), mentionID, post)
}

// The second agent gets the conflict while the first answer is still
// being sent.
func TestReplyCollisionWhileSending(t *testing.T) {
	clock := cmkittest.NewClock(workT0)
	slow := newBlockingChannel(t, clock)
	e := newWorkEnv(t, WithChannels(slow))
	c := e.newConv(slow.FakeChannel, "¿Hay stock?")

	done := make(chan error)
	go func() {
		_, err := e.ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Sí."})
		done <- err
	}()
	<-slow.entered
	_, err := e.ib.Reply(e.as("eva"), c.ID, c.Version, ReplyRequest{Text: "Lo miro."})
	var rc *ReplyConflict
	require.ErrorAs(t, err, &rc)
	assert.Equal(t, "ana", rc.By)
	assert.Equal(t, DeliverySending, rc.Delivery)
	assert.Contains(t, err.Error(), "already answered by ana at 2025-03-03T09:00:00Z (sending)")
	msgs := e.messages(c.ID)
	require.Len(t, msgs, 2)
	assert.Equal(t, DeliverySending, msgs[1].Delivery, "the fence is visible while the platform is called")

	close(slow.release)
	require.NoError(t, <-done)
	assert.Len(t, slow.Posts(), 1)
	assert.Equal(t, DeliverySent, e.messages(c.ID)[1].Delivery)
}

// A caller who gives up during the call does not cut it short: the
// platform's answer is recorded.
func TestReplyOutlivesTheCallersCancel(t *testing.T) {
	clock := cmkittest.NewClock(workT0)
	slow := newBlockingChannel(t, clock)
	e := newWorkEnv(t, WithChannels(slow))
	c := e.newConv(slow.FakeChannel, "hola")
	ctx, cancel := context.WithCancel(e.as("ana"))
	done := make(chan error)
	go func() {
		_, err := e.ib.Reply(ctx, c.ID, c.Version, ReplyRequest{Text: "Hola"})
		done <- err
	}()
	<-slow.entered
	cancel()
	close(slow.release)
	require.NoError(t, <-done)
	assert.Len(t, slow.Posts(), 1)
	msgs := e.messages(c.ID)
	assert.Equal(t, DeliverySent, msgs[1].Delivery)
	assert.Zero(t, e.get(c.ID).ReplyUntil, "a settled answer holds no lease")
}

// A refused or transient failure publishes nothing and lifts the fence:
// an agent who read the old version answers without a conflict.
func TestReplyFailureLiftsTheFence(t *testing.T) {
	for _, tc := range []struct {
		fault cmkittest.Fault
		class error
	}{{cmkittest.FaultPermanent, cmkit.ErrPermanent}, {cmkittest.FaultRateLimit, cmkit.ErrRateLimited}, {cmkittest.FaultTransient, cmkit.ErrTransient}} {
		t.Run(tc.fault.String(), func(t *testing.T) {
			e := newWorkEnv(t)
			c := e.newConv(e.es, "hola")
			e.es.Inject(tc.fault)
			m, err := e.ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Hola"})
			require.ErrorIs(t, err, tc.class)
			assert.Contains(t, err.Error(), "was not published")
			assert.Equal(t, DeliveryFailed, m.Delivery)
			if tc.fault == cmkittest.FaultRateLimit {
				var rl *cmkit.RateLimitError
				require.ErrorAs(t, err, &rl)
				assert.Equal(t, time.Minute, rl.RetryAfter)
			}
			got := e.get(c.ID)
			assert.Zero(t, got.ReplyVersion)
			assert.Empty(t, got.ReplyBy)
			assert.Equal(t, StatusNew, got.Status)
			assert.True(t, got.FirstResponseAt.IsZero())
			assert.Equal(t, []InboxEventKind{EventReplyFailed}, e.events.kinds())

			m, err = e.ib.Reply(e.as("eva"), c.ID, c.Version, ReplyRequest{Text: "Hola"})
			require.NoError(t, err)
			assert.Equal(t, DeliverySent, m.Delivery)
			assert.Len(t, e.es.Posts(), 1)
		})
	}
}

// An ambiguous failure is retried only where the channel makes it safe;
// otherwise the answer is "unknown" and a person verifies.
func TestReplyAmbiguousFollowsRetrySafety(t *testing.T) {
	tests := []struct {
		safety   cmkit.RetrySafety
		fault    cmkittest.Fault
		delivery Delivery
		posts    int
		attempts int
	}{
		{cmkit.RetryUnsafe, cmkittest.FaultLostResponse, DeliveryUnknown, 1, 1},
		{cmkit.RetryUnsafe, cmkittest.FaultTimeout, DeliveryUnknown, 0, 1},
		{cmkit.RetryIdempotent, cmkittest.FaultLostResponse, DeliverySent, 1, 2},
		{cmkit.RetryIdempotent, cmkittest.FaultTimeout, DeliverySent, 1, 2},
		{cmkit.RetryAfterLookup, cmkittest.FaultLostResponse, DeliverySent, 1, 1}, // found, not sent again
		{cmkit.RetryAfterLookup, cmkittest.FaultTimeout, DeliverySent, 1, 2},      // not found: sent again
	}
	for _, tt := range tests {
		t.Run(tt.safety.String()+"/"+tt.fault.String(), func(t *testing.T) {
			clock := cmkittest.NewClock(workT0)
			ch := newFake(t, cmkit.ChannelInfo{ID: "acme-es-r", Brand: "acme", Country: "ES", Languages: []string{"es"},
				RetrySafety: tt.safety}, clock)
			e := newWorkEnv(t, WithChannels(ch))
			c := e.newConv(ch, "hola")
			ch.Inject(tt.fault)
			m, err := e.ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Hola"})
			assert.Equal(t, tt.delivery, m.Delivery)
			assert.Equal(t, tt.posts, len(ch.Posts()))
			assert.Equal(t, tt.attempts, ch.Attempts())
			got := e.get(c.ID)
			if tt.delivery == DeliveryUnknown {
				require.ErrorIs(t, err, cmkit.ErrAmbiguous)
				assert.Contains(t, err.Error(), "may or may not be published")
				assert.Equal(t, "ana", got.ReplyBy, "the fence stays: the answer may be out")
				_, err = e.ib.Reply(e.as("eva"), c.ID, c.Version, ReplyRequest{Text: "Hola"})
				var rc *ReplyConflict
				require.ErrorAs(t, err, &rc)
				assert.Equal(t, DeliveryUnknown, rc.Delivery)
				assert.Equal(t, []InboxEventKind{EventReplyUnknown}, e.events.kinds())
			} else {
				require.NoError(t, err)
				assert.Equal(t, StatusReplied, got.Status)
			}
		})
	}
}

// An ambiguous call followed by a transient one is still unknown: the
// first may have published.
func TestReplyAmbiguousThenTransientIsUnknown(t *testing.T) {
	clock := cmkittest.NewClock(workT0)
	ch := newFake(t, cmkit.ChannelInfo{ID: "acme-es-i", Brand: "acme", Country: "ES", Languages: []string{"es"},
		RetrySafety: cmkit.RetryIdempotent}, clock)
	e := newWorkEnv(t, WithChannels(ch))
	c := e.newConv(ch, "hola")
	ch.Inject(cmkittest.FaultTimeout, cmkittest.FaultTransient)
	m, err := e.ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Hola"})
	require.ErrorIs(t, err, cmkit.ErrAmbiguous)
	assert.Equal(t, DeliveryUnknown, m.Delivery)
}

func TestVerifyReply(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")
	e.es.Inject(cmkittest.FaultLostResponse)
	m, err := e.ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Hola"})
	require.ErrorIs(t, err, cmkit.ErrAmbiguous)
	c = e.get(c.ID)

	_, err = e.ib.VerifyReply(e.as("eva"), c.ID, c.Version, m.ID, &cmkit.Receipt{})
	requireInvalid(t, err, "published.PlatformID")
	_, err = e.ib.VerifyReply(e.as("eva"), c.ID, c.Version, e.messages(c.ID)[0].ID, nil)
	requireInvalid(t, err, "message")
	_, err = e.ib.VerifyReply(e.as("eva"), c.ID, c.Version-1, m.ID, nil)
	require.ErrorIs(t, err, cmkit.ErrConflict)
	_, err = e.ib.VerifyReply(e.as("ola"), c.ID, c.Version, m.ID, nil)
	requireForbidden(t, err, "ola may not inbox.reply")

	published := e.es.Posts()[0].Receipt
	v, err := e.ib.VerifyReply(e.as("eva"), c.ID, c.Version, m.ID, &cmkit.Receipt{PlatformID: published.PlatformID, URL: published.URL})
	require.NoError(t, err)
	assert.Equal(t, DeliverySent, v.Delivery)
	assert.Equal(t, published.PlatformID, v.Mention.ID)
	c = e.get(c.ID)
	assert.Equal(t, StatusReplied, c.Status)
	acts := e.activities(c.ID)
	assert.Equal(t, "eva", acts[len(acts)-1].By)
	_, err = e.ib.VerifyReply(e.as("eva"), c.ID, c.Version, m.ID, nil)
	requireInvalid(t, err, "message")

	// Not published: the fence is lifted.
	e.clock.Advance(time.Minute)
	e.inbound(e.es, c.ID, "¿hola?")
	c = e.get(c.ID)
	e.es.Inject(cmkittest.FaultTimeout)
	m, err = e.ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Hola de nuevo"})
	require.ErrorIs(t, err, cmkit.ErrAmbiguous)
	c = e.get(c.ID)
	v, err = e.ib.VerifyReply(e.as("eva"), c.ID, c.Version, m.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, DeliveryFailed, v.Delivery)
	assert.Zero(t, e.get(c.ID).ReplyVersion)
	_, err = e.ib.Reply(e.as("eva"), c.ID, c.Version, ReplyRequest{Text: "Hola"})
	require.NoError(t, err, "a member who read before the unpublished answer answers without a conflict")
}

// The answer is checked with the platform's own counting before anything
// is written.
func TestReplyCheckedWithThePlatformsCounting(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")
	// X counts a link as 23 and most CJK characters as 2.
	long := strings.Repeat("字", 141)
	_, err := e.ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: long})
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "post.text", ve.Field)
	assert.Equal(t, "max_length", ve.Rule)
	assert.Contains(t, err.Error(), "282, limit 280")
	_, err = e.ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: strings.Repeat("字", 140)})
	require.NoError(t, err)
	assert.Len(t, e.es.Posts(), 1)
	assert.Equal(t, 1, e.es.Attempts())
}

// guideChecker is the ReplyChecker a product wires to its style guide.
type guideChecker struct{ g *styleguide.Guide }

func (s guideChecker) CheckReply(_ context.Context, info cmkit.ChannelInfo, lang, text string) error {
	for _, a := range s.g.Check(nil, styleguide.Draft{Text: text, Language: lang, Platform: info.Platform}) {
		if a.Severity == styleguide.SeverityError {
			return cmkit.Invalid("text", a.RuleID, "%s", a.Message)
		}
	}
	return nil
}

func TestReplyStyleGuide(t *testing.T) {
	layer, err := styleguide.ParseLayer([]byte(`{"name": "acme", "rules": [
	  {"id": "no-cheap", "kind": "banned", "severity": "error", "terms": ["barato"]}]}`))
	require.NoError(t, err)
	guide, err := styleguide.Compile([]styleguide.Layer{layer})
	require.NoError(t, err)
	e := newWorkEnv(t, WithReplyChecker(guideChecker{guide}))
	c := e.newConv(e.es, "hola")
	_, err = e.ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Es muy barato"})
	requireInvalid(t, err, "text")
	assert.Contains(t, err.Error(), "does not pass the style check")
	assert.Contains(t, err.Error(), "no-cheap")
	assert.Equal(t, 1, e.get(c.ID).Messages, "nothing written")
	_, err = e.ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Tiene un gran precio"})
	require.NoError(t, err)

	_, err = New(e.store, WithReplyChecker(nil))
	requireInvalid(t, err, "WithReplyChecker")
}

// plainChannel can publish but not reply.
type plainChannel struct{ info cmkit.ChannelInfo }

func (p plainChannel) Info() cmkit.ChannelInfo { return p.info }
func (p plainChannel) Publish(context.Context, cmkit.Post) (cmkit.Receipt, error) {
	return cmkit.Receipt{}, errors.New("not used")
}

func TestReplyWithoutReplierIsUnsupported(t *testing.T) {
	plain := plainChannel{cmkit.ChannelInfo{ID: "acme-blog", Brand: "acme", Languages: []string{"es"}}}
	e := newWorkEnv(t, WithChannels(plain))
	c := e.newConv(e.es, "hola")
	c.Channel = plain.info.ID
	require.NoError(t, e.store.Commit(e.ctx, Write{Conversations: []Conversation{c}}))
	c.Version++
	_, err := e.ib.Reply(e.as("sam"), c.ID, c.Version, ReplyRequest{Text: "Hola"})
	require.ErrorIs(t, err, cmkit.ErrUnsupported)
	var ue *cmkit.UnsupportedError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, cmkit.UnsupportedError{Channel: "acme-blog", Capability: cmkit.CapReply, Detail: "answer on the platform"}, *ue)

	c.Channel = "gone"
	require.NoError(t, e.store.Commit(e.ctx, Write{Conversations: []Conversation{c}}))
	_, err = e.ib.Reply(e.as("sam"), c.ID, c.Version+1, ReplyRequest{Text: "Hola"})
	require.ErrorIs(t, err, cmkit.ErrNotFound)
	assert.Equal(t, 1, e.get(c.ID).Messages)
}

func TestReplyRefusesBadCalls(t *testing.T) {
	e := newWorkEnv(t, WithCannedResponses(CannedResponse{ID: "hola", Texts: map[string]string{"es": "Hola {author}"}}))
	c := e.newConv(e.es, "hola")
	pl := e.newConv(e.pl, "cześć")
	other := e.messages(pl.ID)[0]
	empty := Conversation{ID: cmkit.NewID(), Channel: "acme-es-x", Resource: c.Resource, Status: StatusNew}
	require.NoError(t, e.store.Commit(e.ctx, Write{Conversations: []Conversation{empty}}))
	tests := []struct {
		name  string
		ctx   context.Context
		id    uuid.UUID
		v     uint64
		req   ReplyRequest
		check func(t *testing.T, err error)
	}{
		{"no actor", e.ctx, c.ID, 1, ReplyRequest{Text: "x"}, func(t *testing.T, err error) { requireForbidden(t, err, "no acting member") }},
		{"zero version", e.as("ana"), c.ID, 0, ReplyRequest{Text: "x"}, func(t *testing.T, err error) { requireInvalid(t, err, "version") }},
		{"no text", e.as("ana"), c.ID, 1, ReplyRequest{}, func(t *testing.T, err error) { requireInvalid(t, err, "text") }},
		{"blank text", e.as("ana"), c.ID, 1, ReplyRequest{Text: " \n "}, func(t *testing.T, err error) { requireInvalid(t, err, "text") }},
		{"text and canned", e.as("ana"), c.ID, 1, ReplyRequest{Text: "x", Canned: "hola"}, func(t *testing.T, err error) { requireInvalid(t, err, "text") }},
		{"invalid UTF-8", e.as("ana"), c.ID, 1, ReplyRequest{Text: "a\xff"}, func(t *testing.T, err error) { requireInvalid(t, err, "text") }},
		{"huge", e.as("ana"), c.ID, 1, ReplyRequest{Text: strings.Repeat("x", MaxReplyBytes+1)}, func(t *testing.T, err error) { requireInvalid(t, err, "text") }},
		{"unknown canned", e.as("ana"), c.ID, 1, ReplyRequest{Canned: "adios"}, func(t *testing.T, err error) { requireInvalid(t, err, "canned") }},
		{"unknown value", e.as("ana"), c.ID, 1, ReplyRequest{Canned: "hola", Values: map[string]string{"author": "x"}}, func(t *testing.T, err error) {
			requireInvalid(t, err, `values["author"]`)
		}},
		{"canned without a text for the language", e.as("ola"), pl.ID, 1, ReplyRequest{Canned: "hola"}, func(t *testing.T, err error) {
			requireInvalid(t, err, "canned")
		}},
		{"to another conversation's message", e.as("ana"), c.ID, 1, ReplyRequest{Text: "x", To: other.ID}, func(t *testing.T, err error) {
			requireInvalid(t, err, "to")
		}},
		{"to an unknown message", e.as("ana"), c.ID, 1, ReplyRequest{Text: "x", To: cmkit.NewID()}, func(t *testing.T, err error) {
			requireInvalid(t, err, "to")
		}},
		{"out of scope", e.as("ola"), c.ID, 1, ReplyRequest{Text: "x"}, func(t *testing.T, err error) {
			requireForbidden(t, err, "ola may not inbox.reply", "country=ES")
		}},
		{"intern", e.as("ivan"), c.ID, 1, ReplyRequest{Text: "x"}, func(t *testing.T, err error) { requireForbidden(t, err, "ivan may not inbox.reply") }},
		{"unknown conversation", e.as("ana"), cmkit.NewID(), 1, ReplyRequest{Text: "x"}, func(t *testing.T, err error) {
			require.ErrorIs(t, err, cmkit.ErrNotFound)
		}},
		{"nothing to answer", e.as("ana"), empty.ID, 1, ReplyRequest{Text: "x"}, func(t *testing.T, err error) { requireInvalid(t, err, "to") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.ib.Reply(tt.ctx, tt.id, tt.v, tt.req)
			tt.check(t, err)
		})
	}
	assert.Empty(t, e.es.Posts())
	assert.Empty(t, e.pl.Posts())
	assert.Equal(t, 1, e.get(c.ID).Messages)
	assert.Empty(t, e.events.kinds())
}

// downAfterFence is a Store that fails every write of an answer's outcome
// while down, as a crash after the platform call would.
type downAfterFence struct {
	Store
	mu   sync.Mutex
	down bool
}

func (s *downAfterFence) Commit(ctx context.Context, w Write) error {
	s.mu.Lock()
	down := s.down && len(w.Messages) == 1 && w.Messages[0].Delivery != DeliverySending
	s.mu.Unlock()
	if down {
		return errors.New("store: down")
	}
	return s.Store.Commit(ctx, w)
}

// An answer whose outcome could not be recorded stays "sending"; Reply
// says so, and a person settles it with VerifyReply.
func TestReplyOutcomeLostToACrash(t *testing.T) {
	e := newWorkEnv(t)
	store := &downAfterFence{Store: e.store, down: true}
	ib, err := New(store, WithTeam(e.dir), WithEngine(e.ib.EngineForTest()), WithClock(e.clock), WithChannels(e.es, e.pl))
	require.NoError(t, err)
	c := e.newConv(e.es, "hola")
	m, err := ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Hola"})
	require.ErrorContains(t, err, "recording the outcome (sent): store: down")
	assert.Len(t, e.es.Posts(), 1, "the platform has it")
	stored, err := e.store.Message(e.ctx, m.ID)
	require.NoError(t, err)
	assert.Equal(t, DeliverySending, stored.Delivery)

	store.down = false
	c = e.get(c.ID)
	_, err = ib.Reply(e.as("eva"), c.ID, c.Version-1, ReplyRequest{Text: "Hola"})
	var rc *ReplyConflict
	require.ErrorAs(t, err, &rc)
	assert.Equal(t, DeliverySending, rc.Delivery)
	rcpt := e.es.Posts()[0].Receipt
	_, err = ib.VerifyReply(e.as("eva"), c.ID, c.Version, m.ID, &rcpt)
	require.ErrorIs(t, err, cmkit.ErrConflict, "not while ana's lease runs")
	e.clock.Advance(DefaultReplyLease)
	v, err := ib.VerifyReply(e.as("eva"), c.ID, c.Version, m.ID, &rcpt)
	require.NoError(t, err)
	assert.Zero(t, e.get(c.ID).ReplyUntil)
	assert.Equal(t, DeliverySent, v.Delivery)
	assert.Equal(t, rcpt.PlatformID, v.Receipt.PlatformID)
	ref, err := e.store.Lookup(e.ctx, ItemKey("acme-es-x", rcpt.PlatformID))
	require.NoError(t, err)
	assert.Equal(t, m.ID, ref.Message)
}

// BenchmarkReply answers conversations ten times each (a conversation of
// up to 11 messages): the collision check, the fence, the fake platform's
// call and the outcome, on the memory store. One conversation answered
// b.N times would measure its growing length instead: Reply reads the
// conversation's messages to find the one it answers.
func BenchmarkReply(b *testing.B) {
	e := newWorkEnv(b)
	ctx := e.as("ola")
	var c Conversation
	i := 0
	for b.Loop() {
		if i%10 == 0 {
			b.StopTimer()
			c = e.newConv(e.pl, "hola")
			b.StartTimer()
		}
		i++
		cur, err := e.store.Conversation(ctx, c.ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := e.ib.Reply(ctx, c.ID, cur.Version, ReplyRequest{Text: "Dziękujemy!"}); err != nil {
			b.Fatal(err)
		}
	}
}
