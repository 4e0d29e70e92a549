package inbox_test

import (
	"context"
	"errors"
	"fmt"
	. "github.com/cmkit/cmkit/moderation/inbox"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
)

// TestSimulatedReplies is the seeded simulation of answering: members
// answer (from the version they read, or an older one), platform calls
// park for a while, fail in every way or time out (a call never outlives
// its timeout, which is the premise of the lease), processes die with
// calls in flight and new ones take their place, Step recovers answers,
// people verify answers on the platform at any moment, customers write
// again and time jumps by seconds or minutes. Everything runs one
// goroutine at a time, so a seed replays the same run. After every step
// the invariants of replyInvariants hold; at the end no answer is left
// "sending".
func TestSimulatedReplies(t *testing.T) {
	seeds, steps := 12, 400
	if testing.Short() {
		seeds, steps = 3, 200
	}
	var total rsimStats
	for seed := range uint64(seeds) {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) { total.add(simulateReplies(t, seed, steps)) })
	}
	t.Logf("%+v", total)
	// The runs reached every case the invariants are about.
	require.Positive(t, total.Takeovers, "answers taken over")
	require.Positive(t, total.LiveRefused, "verifications refused under a live lease")
	require.Positive(t, total.Verified, "verifications")
	require.Positive(t, total.Deaths, "processes died")
	for _, d := range []Delivery{DeliverySent, DeliveryFailed, DeliveryUnknown} {
		require.Positive(t, total.Ended[d], "answers ended %s", d)
	}
}

// rsimStats counts what a run went through.
type rsimStats struct {
	Takeovers, LiveRefused, Verified, Deaths int
	Ended                                    map[Delivery]int
}

func (s *rsimStats) add(o rsimStats) {
	s.Takeovers += o.Takeovers
	s.LiveRefused += o.LiveRefused
	s.Verified += o.Verified
	s.Deaths += o.Deaths
	if s.Ended == nil {
		s.Ended = map[Delivery]int{}
	}
	for d, n := range o.Ended {
		s.Ended[d] += n
	}
}

// rsim drives one simulated run.
type rsim struct {
	t     *testing.T
	e     *workEnv
	rng   *rand.Rand
	chans []*rsimChannel
	convs []Conversation // as created (IDs and channels)
	procs []*rsimProc
	// parked are the platform calls waiting for the simulation to
	// answer them, oldest first.
	parked []*rsimCall
	// sig receives, from the one goroutine running, that it parked in a
	// call or finished.
	sig chan struct{}
	// seen is the version each answer was started from.
	seen  map[uuid.UUID]uint64
	stats rsimStats
}

// rsimProc is a process: an inbox over the shared store that can die
// (every write fails from then on).
type rsimProc struct {
	ib   *Inbox
	dead atomic.Bool
}

type rsimStore struct {
	Store
	p *rsimProc
}

func (s rsimStore) Commit(ctx context.Context, w Write) error {
	if s.p.dead.Load() {
		return errors.New("process died")
	}
	return s.Store.Commit(ctx, w)
}

// rsimChannel is a fake platform whose calls the simulation answers.
type rsimChannel struct {
	*cmkittest.FakeChannel
	s *rsim
}

// rsimAction is one goroutine's work; chains holds when each send's
// first call started (one send per post ID), on the inbox's clock.
type rsimAction struct {
	chains map[uuid.UUID]time.Time
	// seen is the version a member's answer starts from (0 for Step).
	seen uint64
}

type rsimActionKey struct{}

// rsimCall is a parked platform call.
type rsimCall struct {
	ch    *rsimChannel
	post  uuid.UUID
	start time.Time
	do    func(context.Context) (cmkit.Receipt, error)
	res   chan rsimResult
}

type rsimResult struct {
	rc  cmkit.Receipt
	err error
}

func (c *rsimChannel) Reply(ctx context.Context, mentionID string, post cmkit.Post) (cmkit.Receipt, error) {
	return c.s.call(ctx, c, post.ID, true, func(ctx context.Context) (cmkit.Receipt, error) {
		return c.FakeChannel.Reply(ctx, mentionID, post)
	})
}

func (c *rsimChannel) FindPost(ctx context.Context, id uuid.UUID) (cmkit.Receipt, error) {
	return c.s.call(ctx, c, id, false, func(ctx context.Context) (cmkit.Receipt, error) {
		return c.FakeChannel.FindPost(ctx, id)
	})
}

// errTimedOut is what a call gets once its send's timeout has passed.
var errTimedOut = fmt.Errorf("%w: %w", cmkit.ErrAmbiguous, context.DeadlineExceeded)

// call makes one platform call of the running goroutine: refused as timed
// out when its send's timeout has passed, otherwise (for a write, half
// the time) parked until the simulation answers it, or made at once with
// a random fault.
func (s *rsim) call(ctx context.Context, ch *rsimChannel, post uuid.UUID, write bool, do func(context.Context) (cmkit.Receipt, error)) (cmkit.Receipt, error) {
	a := ctx.Value(rsimActionKey{}).(*rsimAction)
	now := s.e.clock.Now()
	start, ok := a.chains[post]
	if !ok {
		start, a.chains[post] = now, now
		if _, known := s.seen[post]; !known && a.seen != 0 {
			s.seen[post] = a.seen // the answer's first call
		}
	}
	if !now.Before(start.Add(DefaultReplyCallTimeout)) {
		return cmkit.Receipt{}, errTimedOut
	}
	ctx = context.WithoutCancel(ctx)
	if write && s.rng.IntN(2) == 0 {
		c := &rsimCall{ch: ch, post: post, start: start, do: do, res: make(chan rsimResult)}
		s.parked = append(s.parked, c)
		s.sig <- struct{}{}
		r := <-c.res
		return r.rc, r.err
	}
	if write {
		s.fault(ch)
	}
	return do(ctx)
}

// fault queues a random fault on ch, or none.
func (s *rsim) fault(ch *rsimChannel) {
	switch r := s.rng.IntN(10); {
	case r < 6:
	case r < 7:
		ch.Inject(cmkittest.FaultTransient)
	case r < 8:
		ch.Inject(cmkittest.FaultPermanent)
	case r < 9:
		ch.Inject(cmkittest.FaultTimeout)
	default:
		ch.Inject(cmkittest.FaultLostResponse)
	}
}

// run runs f on its own goroutine as a new action and waits until it
// parks in a call or finishes.
func (s *rsim) run(seen uint64, f func(ctx context.Context)) {
	ctx := context.WithValue(s.e.ctx, rsimActionKey{}, &rsimAction{chains: map[uuid.UUID]time.Time{}, seen: seen})
	go func() {
		f(ctx)
		s.sig <- struct{}{}
	}()
	<-s.sig
}

// answer answers parked call i, as a timeout (the platform got it or
// not) or with a random fault, and waits for its goroutine to park again
// or finish.
func (s *rsim) answer(i int, timeout bool) {
	c := s.parked[i]
	s.parked = slices.Delete(s.parked, i, i+1)
	var r rsimResult
	if timeout {
		f := cmkittest.FaultTimeout
		if s.rng.IntN(2) == 0 {
			f = cmkittest.FaultLostResponse
		}
		c.ch.Inject(f)
	} else {
		s.fault(c.ch)
	}
	r.rc, r.err = c.do(context.Background())
	if timeout {
		r.rc, r.err = cmkit.Receipt{}, errTimedOut
	}
	c.res <- r
	<-s.sig
}

// expire answers, oldest first, every parked call whose timeout has
// passed: no call outlives it.
func (s *rsim) expire() {
	now := s.e.clock.Now()
	for i := 0; i < len(s.parked); {
		if !now.Before(s.parked[i].start.Add(DefaultReplyCallTimeout)) {
			s.answer(i, true)
			i = 0
			continue
		}
		i++
	}
}

func (s *rsim) newProc() *rsimProc {
	p := &rsimProc{}
	chs := make([]cmkit.Channel, len(s.chans))
	for i, c := range s.chans {
		chs[i] = c
	}
	ib, err := New(rsimStore{Store: s.e.store, p: p}, WithTeam(s.e.dir), WithEngine(s.e.ib.EngineForTest()), WithClock(s.e.clock),
		WithChannels(chs...), WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(s.t, err)
	p.ib = ib
	return p
}

func (s *rsim) live() *rsimProc {
	var live []*rsimProc
	for _, p := range s.procs {
		if !p.dead.Load() {
			live = append(live, p)
		}
	}
	return live[s.rng.IntN(len(live))]
}

func simulateReplies(t *testing.T, seed uint64, steps int) rsimStats {
	s := &rsim{t: t, rng: rand.New(rand.NewPCG(seed, 14)), sig: make(chan struct{}), seen: map[uuid.UUID]uint64{}}
	safeties := []cmkit.RetrySafety{cmkit.RetryIdempotent, cmkit.RetryAfterLookup, cmkit.RetryUnsafe}
	for _, safety := range safeties {
		f, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: fmt.Sprint("acme-es-", safety), Brand: "acme",
			Country: "ES", Languages: []string{"es"}, RetrySafety: safety}, Clock: cmkittest.NewClock(workT0)})
		require.NoError(t, err)
		s.chans = append(s.chans, &rsimChannel{FakeChannel: f, s: s})
	}
	s.e = newWorkEnv(t)
	for _, ch := range s.chans {
		for i := range 2 {
			s.convs = append(s.convs, s.e.newConv(ch.FakeChannel, fmt.Sprint("pregunta ", i)))
		}
	}
	s.procs = []*rsimProc{s.newProc(), s.newProc()}
	agents := []string{"ana", "eva", "sam"}
	for step := range steps {
		var did string
		switch r := s.rng.IntN(100); {
		case r < 30: // a member answers
			p, c := s.live(), s.e.get(s.convs[s.rng.IntN(len(s.convs))].ID)
			seen := c.Version
			if s.rng.IntN(3) == 0 {
				seen = max(1, seen-uint64(1+s.rng.IntN(3)))
			}
			who := agents[s.rng.IntN(len(agents))]
			did = fmt.Sprintf("%s answers %s from version %d", who, c.ID, seen)
			s.run(seen, func(ctx context.Context) {
				_, _ = p.ib.Reply(roles.WithActor(ctx, who), c.ID, seen, ReplyRequest{Text: fmt.Sprint("respuesta ", step)})
			})
		case r < 50 && len(s.parked) > 0: // the platform answers a parked call
			i := s.rng.IntN(len(s.parked))
			did = fmt.Sprintf("the platform answers the call for %s", s.parked[i].post)
			s.answer(i, false)
		case r < 62: // time passes
			d := time.Duration(1+s.rng.IntN(40)) * time.Second
			if s.rng.IntN(4) == 0 {
				d = time.Duration(1+s.rng.IntN(3)) * time.Minute
			}
			did = fmt.Sprint("time passes: ", d)
			s.e.clock.Advance(d)
			s.expire()
		case r < 70: // a process dies; another starts
			did = "a process dies"
			s.live().dead.Store(true)
			s.stats.Deaths++
			s.procs = append(s.procs, s.newProc())
		case r < 82: // a process steps
			p := s.live()
			did = "a process steps"
			s.run(0, func(ctx context.Context) { _ = p.ib.Step(ctx) })
		case r < 92: // a person verifies the latest open answer on the platform
			did = s.verify()
		default: // the customer writes again
			c := s.convs[s.rng.IntN(len(s.convs))]
			did = "the customer writes on " + c.ID.String()
			s.e.inbound(s.chanOf(c).FakeChannel, c.ID, "¿y entonces?")
		}
		s.check(fmt.Sprintf("step %d (%s)", step, did))
	}
	// In the end every call is answered, time passes and a live process
	// steps until nothing is left sending.
	for round := 0; round < 2*maxSimRounds; round++ {
		for len(s.parked) > 0 {
			s.answer(0, false)
		}
		s.e.clock.Advance(DefaultReplyLease)
		p := s.live()
		s.run(0, func(ctx context.Context) { _ = p.ib.Step(ctx) })
		s.check(fmt.Sprint("final round ", round))
	}
	s.stats.Ended = map[Delivery]int{}
	for _, c := range s.convs {
		for _, m := range s.e.messages(c.ID) {
			require.NotEqual(t, DeliverySending, m.Delivery, "answer %s left sending", m.ID)
			if m.Direction == Outbound {
				s.stats.Ended[m.Delivery]++
				s.stats.Takeovers += m.Attempts - 1
			}
		}
	}
	return s.stats
}

// maxSimRounds bounds the final rounds: each send can be taken over a
// few times.
const maxSimRounds = 4

func (s *rsim) chanOf(c Conversation) *rsimChannel {
	for _, ch := range s.chans {
		if ch.Info().ID == c.Channel {
			return ch
		}
	}
	s.t.Fatalf("no channel %s", c.Channel)
	return nil
}

// verify has a person settle the latest answer of a conversation that is
// sending or unknown, from what the platform shows; under a live lease it
// must be refused.
func (s *rsim) verify() string {
	c := s.e.get(s.convs[s.rng.IntN(len(s.convs))].ID)
	var open *Message
	for _, m := range s.e.messages(c.ID) {
		if m.Direction == Outbound && (m.Delivery == DeliverySending || m.Delivery == DeliveryUnknown) {
			open = &m
		}
	}
	if open == nil {
		return "a person finds nothing to verify"
	}
	ch := s.chanOf(c)
	var rc *cmkit.Receipt
	for _, p := range ch.Posts() {
		if p.Post.ID == open.ID {
			rc = &p.Receipt
		}
	}
	_, err := s.e.ib.VerifyReply(roles.WithActor(s.e.ctx, "sam"), c.ID, c.Version, open.ID, rc)
	ref, _ := s.e.store.Lookup(s.e.ctx, ReplyKey(c.ID, c.ReplyVersion))
	live := open.Delivery == DeliverySending && ref.Message == open.ID && c.ReplyUntil.After(s.e.clock.Now())
	if live {
		require.ErrorIs(s.t, err, cmkit.ErrConflict, "verifying %s under a live lease", open.ID)
		s.stats.LiveRefused++
	} else {
		require.NoError(s.t, err, "verifying %s", open.ID)
		s.stats.Verified++
	}
	return fmt.Sprintf("a person verifies %s (published %v, live lease %v)", open.ID, rc != nil, live)
}

// check asserts the invariants of answering, with every goroutine parked
// or done:
//
//   - no answer is on the platform twice;
//   - an answer recorded sent is on the platform with that receipt, one
//     recorded failed is not on it;
//   - a conversation has at most one answer sending, which holds the
//     conversation's fence and lease (ReplyUntil), and a lease is held
//     only by an answer sending;
//   - of the answers on the platform, no two were started from the same
//     version of their conversation (the collision promise).
func (s *rsim) check(at string) {
	t := s.t
	t.Helper()
	for _, conv := range s.convs {
		c := s.e.get(conv.ID)
		ch := s.chanOf(c)
		sending := 0
		published := map[uint64]uuid.UUID{}
		for _, m := range s.e.messages(c.ID) {
			if m.Direction != Outbound {
				continue
			}
			n := ch.Count(m.ID)
			require.LessOrEqual(t, n, 1, "%s: answer %s published %d times", at, m.ID, n)
			switch m.Delivery {
			case DeliverySent:
				require.Equal(t, 1, n, "%s: answer %s recorded sent but not on the platform", at, m.ID)
				for _, p := range ch.Posts() {
					if p.Post.ID == m.ID {
						require.Equal(t, p.Receipt.PlatformID, m.Receipt.PlatformID, "%s: answer %s", at, m.ID)
					}
				}
			case DeliveryFailed:
				require.Zero(t, n, "%s: answer %s recorded failed but on the platform", at, m.ID)
			case DeliverySending:
				sending++
				ref, err := s.e.store.Lookup(s.e.ctx, ReplyKey(c.ID, c.ReplyVersion))
				require.NoError(t, err, "%s: answer %s sending without the fence", at, m.ID)
				require.Equal(t, m.ID, ref.Message, "%s: answer %s sending but the fence is another's", at, m.ID)
				require.False(t, c.ReplyUntil.IsZero(), "%s: answer %s sending without a lease", at, m.ID)
			}
			if n == 1 {
				seen, ok := s.seen[m.ID]
				require.True(t, ok, "%s: answer %s published but never started", at, m.ID)
				if other, dup := published[seen]; dup {
					t.Fatalf("%s: answers %s and %s both published, both started from version %d", at, other, m.ID, seen)
				}
				published[seen] = m.ID
			}
		}
		require.LessOrEqual(t, sending, 1, "%s: conversation %s", at, c.ID)
		if sending == 0 {
			require.True(t, c.ReplyUntil.IsZero(), "%s: conversation %s holds a lease with nothing sending", at, c.ID)
		}
	}
}
