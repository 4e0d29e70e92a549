package inbox_test

import (
	"context"
	"fmt"
	. "github.com/cmkit/cmkit/moderation/inbox"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
)

// slowChannel is a fake platform whose first hold Reply calls wait until
// released: a platform that takes seconds. Unless stuck, a held call
// also ends when its context does (ambiguous, as a real client's would);
// a stuck one ignores its context, like a request the platform already
// has while the process that sent it stalls, and reaches the platform
// when released.
type slowChannel struct {
	*cmkittest.FakeChannel
	hold    atomic.Int32
	stuck   bool
	entered chan struct{}
	release chan struct{}
}

func newSlowChannel(t testing.TB, safety cmkit.RetrySafety, hold int32, stuck bool) *slowChannel {
	f, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "acme-es-slow", Brand: "acme", Country: "ES",
		Languages: []string{"es"}, RetrySafety: safety}, Clock: cmkittest.NewClock(workT0)})
	require.NoError(t, err)
	s := &slowChannel{FakeChannel: f, stuck: stuck, entered: make(chan struct{}, 10), release: make(chan struct{})}
	s.hold.Store(hold)
	return s
}

func (s *slowChannel) Reply(ctx context.Context, mentionID string, post cmkit.Post) (cmkit.Receipt, error) {
	if s.hold.Add(-1) >= 0 {
		s.entered <- struct{}{}
		if s.stuck {
			<-s.release
		} else {
			select {
			case <-s.release:
			case <-ctx.Done():
				return cmkit.Receipt{}, fmt.Errorf("%w: %w", cmkit.ErrAmbiguous, context.Cause(ctx))
			}
		}
	}
	return s.FakeChannel.Reply(context.WithoutCancel(ctx), mentionID, post)
}

// replyAsync starts ana's answer to c and returns where its error will
// come.
func replyAsync(e *workEnv, ib *Inbox, c Conversation, text string) <-chan error {
	done := make(chan error, 1)
	go func() {
		_, err := ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: text})
		done <- err
	}()
	return done
}

// downInbox returns an inbox over e's store, through a downAfterFence
// that is down, on channel ch: its answers are fenced and then lose
// their outcome, as if the process died during the call.
func (e *workEnv) downInbox(ch cmkit.Channel, opts ...Option) (*Inbox, *downAfterFence) {
	e.t.Helper()
	store := &downAfterFence{Store: e.store, down: true}
	all := append([]Option{WithTeam(e.dir), WithEngine(e.ib.EngineForTest()), WithClock(e.clock), WithChannels(ch),
		WithLogger(slog.New(slog.DiscardHandler))}, opts...)
	ib, err := New(store, all...)
	require.NoError(e.t, err)
	return ib, store
}

// A platform call that takes longer than the call timeout ends, on the
// inbox's clock, as ambiguous: a channel that cannot be retried safely
// leaves the answer to a person, and the lease ends with the call.
func TestReplyCallTimesOutOnTheInboxClock(t *testing.T) {
	for _, safety := range []cmkit.RetrySafety{cmkit.RetryUnsafe, cmkit.RetryAfterLookup} {
		t.Run(fmt.Sprint(safety), func(t *testing.T) {
			slow := newSlowChannel(t, safety, 1, false)
			e := newWorkEnv(t, WithChannels(slow))
			c := e.newConv(slow.FakeChannel, "¿Hay stock?")
			done := replyAsync(e, e.ib, c, "Sí")
			<-slow.entered
			e.clock.Advance(DefaultReplyCallTimeout - time.Second)
			select {
			case err := <-done:
				t.Fatalf("the call ended before its timeout: %v", err)
			default:
			}
			e.clock.Advance(time.Second)
			err := <-done
			require.ErrorIs(t, err, cmkit.ErrAmbiguous)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			m := e.messages(c.ID)[1]
			assert.Equal(t, DeliveryUnknown, m.Delivery)
			got := e.get(c.ID)
			assert.Equal(t, "ana", got.ReplyBy, "an answer that may be out keeps its fence")
			assert.Zero(t, got.ReplyUntil)

			e.clock.Advance(DefaultReplyLease)
			n, err := e.ib.RecoverReplies(e.ctx)
			require.NoError(t, err)
			assert.Zero(t, n, "an unknown answer waits for a person")
			assert.Empty(t, slow.Posts())
		})
	}
}

// A process that dies during the call (here: it cannot record the
// outcome, whether or not the platform published the answer) leaves the
// answer "sending" under its lease. Nobody acts on it before the lease
// ends; after, Step takes it over as the channel's RetrySafety allows,
// and never publishes it twice.
func TestReplyTakenOverAfterTheSenderDied(t *testing.T) {
	for _, tc := range []struct {
		safety     cmkit.RetrySafety
		published  bool
		want       Delivery
		wantCalls  int // Reply calls the platform saw in all
		wantPosts  int
		wantTakeup bool
	}{
		{cmkit.RetryIdempotent, true, DeliverySent, 2, 1, true},
		{cmkit.RetryIdempotent, false, DeliverySent, 2, 1, true},
		{cmkit.RetryAfterLookup, true, DeliverySent, 1, 1, true}, // found: no second call
		{cmkit.RetryAfterLookup, false, DeliverySent, 2, 1, true},
		{cmkit.RetryUnsafe, true, DeliveryUnknown, 1, 1, false},
		{cmkit.RetryUnsafe, false, DeliveryUnknown, 1, 0, false},
	} {
		t.Run(fmt.Sprintf("%v/published=%v", tc.safety, tc.published), func(t *testing.T) {
			slow := newSlowChannel(t, tc.safety, 0, false)
			e := newWorkEnv(t, WithChannels(slow))
			ib, store := e.downInbox(slow, WithHook(e.events.add))
			c := e.newConv(slow.FakeChannel, "¿Hay stock?")
			if !tc.published {
				slow.Inject(cmkittest.FaultTransient)
			}
			m, err := ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Sí, hay.", Waiting: true})
			require.ErrorContains(t, err, "store: down")
			store.mu.Lock()
			store.down = false // the process is gone; another one runs Step
			store.mu.Unlock()
			got := e.get(c.ID)
			require.Equal(t, workT0.Add(DefaultReplyLease), got.ReplyUntil)

			e.clock.Advance(DefaultReplyLease - time.Second)
			n, err := ib.RecoverReplies(e.ctx)
			require.NoError(t, err)
			assert.Zero(t, n, "the lease still runs")
			_, err = ib.VerifyReply(e.as("eva"), c.ID, got.Version, m.ID, nil)
			require.ErrorIs(t, err, cmkit.ErrConflict, "a person cannot settle an answer under a live lease")
			assert.Equal(t, got, e.get(c.ID), "nothing changed")

			e.clock.Advance(time.Second)
			require.NoError(t, ib.Step(e.ctx))
			stored, err := e.store.Message(e.ctx, m.ID)
			require.NoError(t, err)
			assert.Equal(t, tc.want, stored.Delivery)
			assert.Equal(t, tc.wantPosts, slow.Count(m.ID), "published at most once")
			assert.Equal(t, tc.wantCalls, slow.Attempts())
			after := e.get(c.ID)
			assert.Zero(t, after.ReplyUntil)
			assert.Equal(t, "ana", after.ReplyBy)
			if tc.wantTakeup {
				assert.Equal(t, 2, stored.Attempts)
				assert.Equal(t, StatusWaiting, after.Status, "the takeover keeps what ana asked for")
				assert.Equal(t, slow.Posts()[0].Receipt.PlatformID, stored.Receipt.PlatformID)
				require.NotEmpty(t, e.events.of(EventReplySent))
			} else {
				unknown := e.events.of(EventReplyUnknown)
				require.Len(t, unknown, 1)
				assert.Contains(t, unknown[0].Text, "cannot be retried safely: verify on acme-es-slow (VerifyReply)")
				assert.Empty(t, unknown[0].By, "the inbox itself")
			}
			n, err = ib.RecoverReplies(e.ctx)
			require.NoError(t, err)
			assert.Zero(t, n, "settled once")
		})
	}
}

// A sender whose call outlives its lease (the process stalled) meets a
// takeover: nothing is published twice, and the platform's acceptance is
// kept whichever of the two hears it.
func TestReplyCallOutlivesItsLease(t *testing.T) {
	for _, safety := range []cmkit.RetrySafety{cmkit.RetryIdempotent, cmkit.RetryUnsafe} {
		t.Run(fmt.Sprint(safety), func(t *testing.T) {
			slow := newSlowChannel(t, safety, 1, true)
			e := newWorkEnv(t, WithChannels(slow))
			c := e.newConv(slow.FakeChannel, "¿Hay stock?")
			done := replyAsync(e, e.ib, c, "Sí")
			<-slow.entered
			e.clock.Advance(DefaultReplyLease)
			n, err := e.ib.RecoverReplies(e.ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			m := e.messages(c.ID)[1]
			if safety == cmkit.RetryIdempotent {
				assert.Equal(t, DeliverySent, m.Delivery, "the takeover sent it")
				assert.Equal(t, 2, m.Attempts)
			} else {
				assert.Equal(t, DeliveryUnknown, m.Delivery, "nobody may send it again")
			}
			close(slow.release) // the stalled call reaches the platform at last
			require.NoError(t, <-done)
			assert.Equal(t, 1, slow.Count(m.ID))
			m = e.messages(c.ID)[1]
			assert.Equal(t, DeliverySent, m.Delivery, "the acceptance is never thrown away")
			assert.Equal(t, slow.Posts()[0].Receipt.PlatformID, m.Receipt.PlatformID)
			assert.Zero(t, e.get(c.ID).ReplyUntil)
		})
	}
}

// A sender that outlives its lease and then fails does not overwrite the
// takeover's outcome.
func TestReplyLateFailureDoesNotUndoTheTakeover(t *testing.T) {
	slow := newSlowChannel(t, cmkit.RetryIdempotent, 1, true)
	e := newWorkEnv(t, WithChannels(slow))
	c := e.newConv(slow.FakeChannel, "¿Hay stock?")
	done := replyAsync(e, e.ib, c, "Sí")
	<-slow.entered
	e.clock.Advance(DefaultReplyLease)
	_, err := e.ib.RecoverReplies(e.ctx)
	require.NoError(t, err)
	// The stalled call now fails on its way to the platform (the
	// takeover's own call went through first).
	slow.Inject(cmkittest.FaultTransient)
	close(slow.release)
	err = <-done
	require.ErrorIs(t, err, cmkit.ErrConflict)
	assert.ErrorContains(t, err, "taken over while this call ran")
	m := e.messages(c.ID)[1]
	assert.Equal(t, DeliverySent, m.Delivery)
	assert.Equal(t, "ana", e.get(c.ID).ReplyBy)
}

// Two processes over one store recover the same answer at once: one takes
// it over, and it is published once.
func TestReplyTakenOverByOneOfTwoProcesses(t *testing.T) {
	for round := range 20 {
		slow := newSlowChannel(t, cmkit.RetryIdempotent, 0, false)
		e := newWorkEnv(t, WithChannels(slow))
		a, store := e.downInbox(slow)
		b, err := New(store, WithTeam(e.dir), WithEngine(e.ib.EngineForTest()), WithClock(e.clock), WithChannels(slow),
			WithLogger(slog.New(slog.DiscardHandler)))
		require.NoError(t, err)
		c := e.newConv(slow.FakeChannel, "hola")
		slow.Inject(cmkittest.FaultTransient)
		m, err := a.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Hola"})
		require.Error(t, err)
		store.down = false
		e.clock.Advance(DefaultReplyLease)
		var wg sync.WaitGroup
		var took atomic.Int32
		for _, ib := range []*Inbox{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := ib.RecoverReplies(e.ctx)
				assert.NoError(t, err)
				took.Add(int32(n))
			}()
		}
		wg.Wait()
		require.Equal(t, int32(1), took.Load(), "round %d", round)
		stored, err := e.store.Message(e.ctx, m.ID)
		require.NoError(t, err)
		assert.Equal(t, DeliverySent, stored.Delivery)
		assert.Equal(t, 2, stored.Attempts)
		assert.Equal(t, 1, slow.Count(m.ID))
	}
}

// An answer taken over and lost again is sent at most maxReplyAttempts
// times; then a person verifies it.
func TestReplyTakeoversAreBounded(t *testing.T) {
	slow := newSlowChannel(t, cmkit.RetryIdempotent, 0, false)
	e := newWorkEnv(t, WithChannels(slow))
	ib, store := e.downInbox(slow)
	c := e.newConv(slow.FakeChannel, "hola")
	m, err := ib.Reply(e.as("ana"), c.ID, c.Version, ReplyRequest{Text: "Hola"})
	require.Error(t, err)
	for send := 2; send <= 3; send++ {
		e.clock.Advance(DefaultReplyLease)
		n, err := ib.RecoverReplies(e.ctx) // taken over, and the outcome lost again
		require.ErrorContains(t, err, "store: down")
		assert.Equal(t, 1, n)
		stored, err := e.store.Message(e.ctx, m.ID)
		require.NoError(t, err)
		assert.Equal(t, send, stored.Attempts)
		assert.Equal(t, DeliverySending, stored.Delivery)
	}
	store.down = false
	e.clock.Advance(DefaultReplyLease)
	n, err := ib.RecoverReplies(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	stored, err := e.store.Message(e.ctx, m.ID)
	require.NoError(t, err)
	assert.Equal(t, DeliveryUnknown, stored.Delivery)
	assert.Equal(t, 1, slow.Count(m.ID))
	assert.Equal(t, 3, slow.Attempts())
}

func TestWithReplyLeaseRefusesBadDurations(t *testing.T) {
	e := newWorkEnv(t)
	for _, d := range [][2]time.Duration{{time.Minute, 0}, {time.Minute, -time.Second}, {time.Minute, time.Minute}, {0, time.Second}} {
		_, err := New(e.store, WithTeam(e.dir), WithEngine(e.ib.EngineForTest()), WithReplyLease(d[0], d[1]))
		require.ErrorIs(t, err, cmkit.ErrInvalid, "%v", d)
		assert.ErrorContains(t, err, "WithReplyLease")
	}
	_, err := New(e.store, WithTeam(e.dir), WithEngine(e.ib.EngineForTest()), WithReplyLease(time.Minute, 10*time.Second))
	require.NoError(t, err)
}

// Regression (found by TestSimulatedReplies): a member who read the
// conversation after another's answer was fenced, while it was still being
// sent, could answer too; the second fence took the lease, and the first
// answer, had its process died, would have stayed "sending" with no lease
// for RecoverReplies to find. One answer is in flight at a time.
func TestReplyWhileAnotherIsInFlightConflicts(t *testing.T) {
	slow := newSlowChannel(t, cmkit.RetryIdempotent, 1, false)
	e := newWorkEnv(t, WithChannels(slow))
	c := e.newConv(slow.FakeChannel, "¿Hay stock?")
	done := replyAsync(e, e.ib, c, "Sí")
	<-slow.entered
	now := e.get(c.ID) // eva sees ana's answer sending
	_, err := e.ib.Reply(e.as("eva"), c.ID, now.Version, ReplyRequest{Text: "Lo miro."})
	var rc *ReplyConflict
	require.ErrorAs(t, err, &rc)
	assert.Equal(t, "ana", rc.By)
	assert.Equal(t, DeliverySending, rc.Delivery)
	assert.Equal(t, now, e.get(c.ID), "nothing changed: ana's lease stands")
	close(slow.release)
	require.NoError(t, <-done)
	after := e.get(c.ID)
	_, err = e.ib.Reply(e.as("eva"), c.ID, after.Version, ReplyRequest{Text: "Y mañana llega más."})
	require.NoError(t, err, "once it settled, eva, who saw it, may answer again")
	assert.Len(t, slow.Posts(), 2)
}
