package calendar_test

// Regression tests for the holes an adversarial review found in the
// publisher and the calendar's actions (issue 9). Each reproduces a
// failure of the code before the fix; the platform here is slow on
// purpose: its calls stay open while time passes, a second publisher
// looks, or a person acts.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
)

// gated is a fake platform whose calls can be held open: a queued hook runs
// inside Publish or FindPost, on the caller's goroutine, before the
// platform acts, so that a test can advance time, run another publisher or
// act as a person while the call is in flight. Queued answers replace the
// platform's for the next calls.
type gated struct {
	*cmkittest.FakeChannel
	mu       sync.Mutex
	pub      []func(ctx context.Context)
	find     []func(ctx context.Context)
	answers  []error
	findErrs []error
}

func (g *gated) failFind(err error) { g.mu.Lock(); g.findErrs = append(g.findErrs, err); g.mu.Unlock() }

func (g *gated) onPublish(h func(ctx context.Context)) {
	g.mu.Lock()
	g.pub = append(g.pub, h)
	g.mu.Unlock()
}
func (g *gated) onFind(h func(ctx context.Context)) {
	g.mu.Lock()
	g.find = append(g.find, h)
	g.mu.Unlock()
}
func (g *gated) answer(err error) { g.mu.Lock(); g.answers = append(g.answers, err); g.mu.Unlock() }

// popFront takes the first element of q under mu, or the zero value.
func popFront[T any](mu *sync.Mutex, q *[]T) T {
	mu.Lock()
	defer mu.Unlock()
	var first T
	if len(*q) > 0 {
		first, *q = (*q)[0], (*q)[1:]
	}
	return first
}

func (g *gated) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	if h := popFront(&g.mu, &g.pub); h != nil {
		h(ctx)
	}
	if err := popFront(&g.mu, &g.answers); err != nil {
		return cmkit.Receipt{}, err
	}
	// The platform acts even when the caller gave up waiting.
	return g.FakeChannel.Publish(context.WithoutCancel(ctx), p)
}

func (g *gated) FindPost(ctx context.Context, id uuid.UUID) (cmkit.Receipt, error) {
	if h := popFront(&g.mu, &g.find); h != nil {
		h(ctx)
	}
	if err := popFront(&g.mu, &g.findErrs); err != nil {
		return cmkit.Receipt{}, err
	}
	return g.FakeChannel.FindPost(context.WithoutCancel(ctx), id)
}

// withGates rebuilds f's calendar and publisher over gated versions of its
// three channels.
func withGates(t *testing.T, f *fixture, tunes ...tune) (x, masto, fb *gated) {
	t.Helper()
	x, masto, fb = &gated{FakeChannel: f.x}, &gated{FakeChannel: f.masto}, &gated{FakeChannel: f.fb}
	var err error
	f.cal, err = calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(x, masto, fb), calendar.WithLogger(quiet),
		calendar.WithHook(func(e calendar.Event) { f.mu.Lock(); f.events = append(f.events, e); f.mu.Unlock() }))
	require.NoError(t, err)
	f.pub = f.publisher(t, "p1", tunes...)
	return x, masto, fb
}

func (f *fixture) publisher(t *testing.T, name string, tunes ...tune) *calendar.Publisher {
	t.Helper()
	p, err := calendar.NewPublisher(f.cal, testConfig(name, tunes...))
	require.NoError(t, err)
	return p
}

// claimsNothing runs p once and fails when it claimed anything.
func claimsNothing(t *testing.T, p *calendar.Publisher, why string) {
	t.Helper()
	n, err := p.RunOnce(context.Background())
	assert.NoError(t, err)
	assert.Zero(t, n, why)
}

func outcomes(v *calendar.Variant) []string {
	var out []string
	for _, a := range v.Attempts {
		out = append(out, string(a.Outcome))
	}
	return out
}

// Bug 1: a lookup followed by a publish used up the lease; a second
// publisher claimed the entry, looked the post up before it existed, and
// published it again.
func TestLookupThenPublishIsCoveredByARenewedLease(t *testing.T) {
	f := newFixture(t)
	x, masto, _ := withGates(t, f)
	slow := 29 * time.Second // each call just inside the 30 s call timeout

	b := f.scheduled(t, monday, "Hola", "acme-es-x")
	f.x.Inject(cmkittest.FaultTimeout) // timed out without publishing: the next try looks first
	f.drain(t)
	first := f.get(t, b)
	require.Equal(t, []string{"ambiguous"}, outcomes(first.Variant("acme-es-x")))

	// Three slow posts ahead of it in the same batch eat most of the lease.
	for range 3 {
		f.scheduled(t, monday.Add(time.Second), "Hola", "acme-es-mastodon")
		masto.onPublish(func(context.Context) { f.clock.Advance(slow) })
	}
	p2 := f.publisher(t, "p2")
	x.onFind(func(context.Context) { f.clock.Advance(slow) })
	x.onPublish(func(context.Context) {
		f.clock.Advance(slow) // the first claim's lease has ended by now
		claimsNothing(t, p2, "the publish started under a renewed lease; nobody may take the entry over")
	})
	f.clock.Advance(5 * time.Minute)
	f.drain(t)

	b = f.get(t, b)
	assert.Equal(t, calendar.Published, b.State)
	assert.Equal(t, []string{"ambiguous", "absent", "accepted"}, outcomes(b.Variant("acme-es-x")))
	assert.Equal(t, 1, f.x.Count(b.Variant("acme-es-x").Post.ID), "published once")
}

// Bug 2: Resolve made an entry due while a call for another of its
// variants was in flight; the store handed it to a second publisher, which
// published that variant again, and the first call's receipt was thrown
// away.
func TestResolveDuringACallNeitherDoublesNorDropsTheReceipt(t *testing.T) {
	f := newFixture(t)
	x, _, _ := withGates(t, f)
	e := f.scheduled(t, monday, "Hola", "acme-es-fb", "acme-es-x")
	f.fb.Inject(cmkittest.FaultTimeout) // unsafe channel: verify
	f.x.Inject(cmkittest.FaultTransient)
	f.drain(t)
	e = f.get(t, e)
	require.Equal(t, calendar.Unknown, e.Variant("acme-es-fb").State)
	require.Equal(t, calendar.Pending, e.Variant("acme-es-x").State)

	p2 := f.publisher(t, "p2")
	x.onPublish(func(context.Context) {
		cur := f.get(t, e)
		// A person checked: the timed-out post is not on the platform.
		_, err := f.cal.Resolve(as("bea"), cur.ID, cur.Version, calendar.Resolution{Channel: "acme-es-fb", Found: false})
		require.NoError(t, err)
		claimsNothing(t, p2, "the entry is due again, but p1's call on x is still in flight")
	})
	f.clock.Advance(5 * time.Minute)
	f.drain(t)

	e = f.get(t, e)
	vx := e.Variant("acme-es-x")
	assert.Equal(t, calendar.Sent, vx.State, "the platform said yes: the answer is kept")
	assert.NotEmpty(t, vx.Receipt.PlatformID)
	assert.Equal(t, 1, f.x.Count(vx.Post.ID), "published once")
	assert.Equal(t, 1, f.fb.Count(e.Variant("acme-es-fb").Post.ID), "the resolved post went out once")
	assert.Equal(t, calendar.Published, e.State)
	assert.True(t, e.Lease.Expires.IsZero(), "the lease is let go")
}

// Bug 2, second half: a store answer that arrives after a lease was taken
// over is merged, and an accepted answer wins over "verify".
func TestAcceptedAnswerAfterTheLeaseEndedIsKept(t *testing.T) {
	f := newFixture(t)
	_, _, fb := withGates(t, f)
	e := f.scheduled(t, monday, "Hola", "acme-es-fb")
	p2 := f.publisher(t, "p2")
	fb.onPublish(func(context.Context) {
		// The call hangs far past the lease (an adapter that ignores its
		// context); the entry is taken over, and p2 asks for a person.
		f.clock.Advance(3 * time.Minute)
		n, err := p2.RunOnce(context.Background())
		require.NoError(t, err)
		require.Equal(t, 1, n)
		cur := f.get(t, e)
		require.Equal(t, calendar.Unknown, cur.Variant("acme-es-fb").State)
	})
	f.drain(t)
	e = f.get(t, e)
	v := e.Variant("acme-es-fb")
	assert.Equal(t, calendar.Sent, v.State, "the post is out, and the answer says so")
	assert.Equal(t, calendar.Published, e.State)
	assert.Equal(t, []string{"accepted"}, outcomes(v)[:1])
	assert.Equal(t, 1, f.fb.Count(v.Post.ID))
}

// Bug 3: Cancel on an entry whose publisher died mid-call left the variant
// "sending" forever, without a verify event.
func TestCancelDuringAPublishAsksToVerify(t *testing.T) {
	t.Run("publisher died mid-call", func(t *testing.T) {
		f := newFixture(t)
		ctx := context.Background()
		e := f.scheduled(t, monday, "Hola", "acme-es-fb")
		claimed, err := f.store.Claim(ctx, calendar.ClaimRequest{Now: monday, Limit: 1, Owner: "dead", Lease: time.Minute})
		require.NoError(t, err)
		require.Len(t, claimed, 1)
		got := f.get(t, e)
		got.State = calendar.Publishing
		got.Variants[0].State = calendar.Sending
		got.Variants[0].Attempts = []calendar.Attempt{{ID: cmkit.NewID(), At: monday, Publisher: "dead", Outcome: "sending"}}
		got, err = f.store.Put(ctx, got)
		require.NoError(t, err)

		e, err = f.cal.Cancel(as("bea"), got.ID, got.Version)
		require.NoError(t, err)
		assert.Equal(t, calendar.Cancelled, e.State)
		assert.Equal(t, calendar.Unknown, e.Variants[0].State, "it may be out: a person checks")
		assert.Contains(t, f.kinds(), "verify")

		_, err = f.cal.Resolve(as("bea"), e.ID, e.Version, calendar.Resolution{Channel: "acme-es-fb", Found: false})
		require.NoError(t, err)
		f.clock.Advance(time.Hour)
		f.drain(t)
		assert.Empty(t, f.fb.Posts(), "a cancelled entry is never sent again")
		assert.Equal(t, calendar.Cancelled, f.get(t, e).State)
	})
	t.Run("call in flight", func(t *testing.T) {
		f := newFixture(t)
		_, masto, _ := withGates(t, f)
		e := f.scheduled(t, monday, "Hola", "acme-es-mastodon")
		masto.onPublish(func(context.Context) {
			cur := f.get(t, e)
			_, err := f.cal.Cancel(as("bea"), cur.ID, cur.Version)
			require.NoError(t, err)
		})
		f.drain(t)
		e = f.get(t, e)
		assert.Equal(t, calendar.Cancelled, e.State)
		assert.Equal(t, calendar.Sent, e.Variants[0].State, "the platform's yes arrived after the cancel and is recorded")
		assert.NotEmpty(t, e.Variants[0].Receipt.PlatformID)
	})
}

// Bug 4: a brand pause compared the entry's free-text Brand; entries on an
// acme channel with Brand empty or "Acme" went out during an acme pause.
func TestBrandPauseHoldsEntriesByTheirChannelsBrand(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	_, err := f.cal.Create(as("bea"), calendar.Entry{Title: "t", Brand: "Acme", Variants: variants("x", "acme-es-x")})
	assert.ErrorIs(t, err, cmkit.ErrInvalid, "the brand comes from the channel")
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "entry.brand", ve.Field)

	e, err := f.cal.Create(as("bea"), calendar.Entry{Title: "t", Variants: variants("x", "acme-es-x")})
	require.NoError(t, err)
	assert.Equal(t, "acme", e.Brand, "derived from the channel")

	// An entry written straight to the store, with no brand of its own.
	legacy := calendar.Entry{ID: cmkit.NewID(), Title: "legacy", Author: "bea", State: calendar.Scheduled,
		At: monday, DueAt: monday, Variants: []calendar.Variant{{Channel: "acme-es-x", State: calendar.Pending,
			Post: cmkit.Post{ID: cmkit.NewID(), Text: "Hola"}}}}
	_, err = f.store.Put(ctx, legacy)
	require.NoError(t, err)
	_, err = f.cal.Pause(as("bea"), calendar.Pause{ID: "crisis", Brand: "acme"})
	require.NoError(t, err)
	f.drain(t)
	assert.Empty(t, f.x.Posts(), "nothing of brand acme goes out during its pause")
	assert.Equal(t, "crisis", f.get(t, legacy).PausedBy)

	_, err = f.cal.Pause(as("bea"), calendar.Pause{ID: "typo", Brand: "Acme"})
	assert.ErrorIs(t, err, cmkit.ErrInvalid, "a pause that would hold nothing is refused")
}

// Bug 9: AddToQueue moved the entry's time and bumped its version before
// Schedule refused, even with no actor in the context.
func TestAddToQueueWritesNothingWhenRefused(t *testing.T) {
	f := newFixture(t)
	cal := withSlots(t, f, "Mon-Fri 09:00 13:30, Europe/Madrid", time.Hour)
	e := approved(t, cal, "post", "acme-es-x")
	for name, ctx := range map[string]context.Context{"no actor": context.Background(), "junior": as("ola")} {
		_, err := cal.AddToQueue(ctx, e.ID, e.Version)
		assert.ErrorIs(t, err, cmkit.ErrForbidden, name)
		got := f.get(t, e)
		assert.Equal(t, e.Version, got.Version, "%s: nothing written", name)
		assert.True(t, got.At.Equal(e.At), "%s: time unchanged", name)
	}
}

// Bug 10: Resolve re-published a cancelled entry, and a retry skipped the
// send-time checks.
func TestSendTimeChecksRunOnEveryClaim(t *testing.T) {
	f := newFixture(t)
	flip := &flipChecker{}
	var err error
	f.cal, err = calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(f.x, f.masto, f.fb), calendar.WithLogger(quiet), calendar.WithCheckers(flip))
	require.NoError(t, err)
	f.pub = f.publisher(t, "p1")
	e := f.scheduled(t, monday, "Hola", "acme-es-mastodon")
	f.masto.Inject(cmkittest.FaultTransient)
	f.drain(t)
	require.Equal(t, calendar.Publishing, f.get(t, e).State)
	flip.set(true) // the legal word list changed meanwhile
	f.clock.Advance(10 * time.Minute)
	f.drain(t)
	e = f.get(t, e)
	assert.Equal(t, calendar.Rejected, e.Variants[0].State, "the retry is checked again")
	assert.Equal(t, calendar.Failed, e.State)
	assert.Empty(t, f.masto.Posts())

	// Resolving it sends it again, and the checks still apply.
	_, err = f.cal.Resolve(as("bea"), e.ID, e.Version, calendar.Resolution{Channel: "acme-es-mastodon", Found: false})
	require.NoError(t, err)
	f.drain(t)
	assert.Empty(t, f.masto.Posts(), "text that fails its checks never goes out")
}

type flipChecker struct {
	mu   sync.Mutex
	fail bool
}

func (c *flipChecker) set(v bool) { c.mu.Lock(); c.fail = v; c.mu.Unlock() }

func (c *flipChecker) CheckVariant(_ context.Context, _ *calendar.Entry, v *calendar.Variant, _ cmkit.ChannelInfo) ([]calendar.CheckFinding, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.fail {
		return nil, nil
	}
	return []calendar.CheckFinding{{Channel: v.Channel, Check: "legal", Rule: "banned_term", Message: "no"}}, nil
}

// Bug 11: lateness was checked only at the first claim.
func TestLatenessIsCheckedAtEveryClaim(t *testing.T) {
	t.Run("a far Retry-After holds the post with an event", func(t *testing.T) {
		f := newFixture(t)
		x, _, _ := withGates(t, f)
		e := f.scheduled(t, monday, "Hola", "acme-es-x")
		x.answer(&cmkit.RateLimitError{RetryAfter: 72 * time.Hour, Err: errors.New("429")})
		f.drain(t)
		got := f.get(t, e)
		require.Equal(t, calendar.Publishing, got.State)
		assert.False(t, got.DueAt.After(monday.Add(time.Hour+time.Second)), "claimed again when the hour is up, not in 72 hours")
		f.clock.Advance(time.Hour + 2*time.Second)
		f.drain(t)
		assert.Equal(t, calendar.Held, f.get(t, e).State)
		assert.Contains(t, f.kinds(), "held")
		f.clock.Advance(72 * time.Hour)
		f.drain(t)
		assert.Empty(t, f.x.Posts(), "never published 72 hours late")
	})
	t.Run("resume with HoldMissed does not publish an old retry", func(t *testing.T) {
		f := newFixture(t)
		e := f.scheduled(t, monday, "Hola", "acme-es-x")
		f.x.Inject(cmkittest.FaultTransient)
		f.drain(t)
		_, err := f.cal.Pause(as("bea"), calendar.Pause{ID: "p", Channel: "acme-es-x"})
		require.NoError(t, err)
		f.clock.Advance(72 * time.Hour)
		_, err = f.cal.Resume(as("bea"), "p", calendar.HoldMissed, nil)
		require.NoError(t, err)
		f.drain(t)
		assert.Equal(t, calendar.Held, f.get(t, e).State)
		assert.Empty(t, f.x.Posts())

		// A person releases it: now it may go out.
		cur := f.get(t, e)
		_, err = f.cal.Resolve(as("bea"), cur.ID, cur.Version, calendar.Resolution{Channel: "acme-es-x", Found: false})
		require.NoError(t, err)
		f.drain(t)
		assert.Equal(t, calendar.Published, f.get(t, e).State)
	})
}

// Suspected: the call deadline used real time while the lease used the
// calendar's clock.
func TestCallTimeoutFollowsTheCalendarClock(t *testing.T) {
	f := newFixture(t)
	_, masto, _ := withGates(t, f)
	f.scheduled(t, monday, "Hola", "acme-es-mastodon")
	masto.onPublish(func(ctx context.Context) {
		assert.NoError(t, ctx.Err(), "a fresh call has time")
		f.clock.Advance(31 * time.Second)
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
			t.Error("the call's context outlived the call timeout on the calendar's clock")
		}
	})
	f.drain(t)
}

// Suspected: two live publishers with the same name could take each
// other's attempts for their own.
func TestPublishersWithOneNameKeepTheirOwnAttempts(t *testing.T) {
	f := newFixture(t)
	_, _, fb := withGates(t, f)
	e := f.scheduled(t, monday, "Hola", "acme-es-fb")
	twin := f.publisher(t, "p1") // the same name as f.pub
	fb.onPublish(func(context.Context) {
		f.clock.Advance(3 * time.Minute) // past the lease
		_, err := twin.RunOnce(context.Background())
		require.NoError(t, err)
	})
	f.drain(t)
	got := f.get(t, e)
	v := got.Variant("acme-es-fb")
	assert.Equal(t, 1, f.fb.Count(v.Post.ID), "never twice")
	assert.Equal(t, calendar.Sent, v.State)
	require.Len(t, v.Attempts, 1)
	assert.Equal(t, calendar.OutcomeAccepted, v.Attempts[0].Outcome, "the cut-off verdict of the twin did not overwrite the real answer")
}

// conflicting answers every write with a version conflict.
type conflicting struct{ *calendar.MemoryStore }

func (conflicting) Put(context.Context, calendar.Entry) (calendar.Entry, error) {
	return calendar.Entry{}, cmkit.ErrConflict
}

// Suspected: pause retries looped forever on a store that always answers
// ErrConflict when the context had no deadline.
func TestPauseGivesUpOnAStoreThatAlwaysConflicts(t *testing.T) {
	f := newFixture(t)
	f.scheduled(t, monday, "Hola", "acme-es-x")
	cal, err := calendar.New(conflicting{f.store}, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(f.x, f.masto, f.fb), calendar.WithLogger(quiet))
	require.NoError(t, err)
	_, err = cal.Pause(as("bea"), calendar.Pause{ID: "p", Brand: "acme"})
	assert.ErrorIs(t, err, cmkit.ErrConflict)
}

// Suspected: lease safety needs a margin between the call timeout and the
// lease.
func TestLeaseMustCoverTwoCallTimeouts(t *testing.T) {
	f := newFixture(t)
	_, err := calendar.NewPublisher(f.cal, testConfig("p", func(c *calendar.PublisherConfig) { c.Lease, c.CallTimeout = 50*time.Second, 30*time.Second }))
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = calendar.NewPublisher(f.cal, testConfig("p", func(c *calendar.PublisherConfig) { c.Lease, c.CallTimeout = time.Minute, 30*time.Second }))
	assert.NoError(t, err)
}

// Suspected: an external approver's token approval could not be recorded
// on an entry, so roles.DefaultPolicy's client step could never be met.
func TestClientApprovesAPromotionWithAToken(t *testing.T) {
	f := newFixture(t)
	ti, err := roles.NewTokenIssuer([]byte("0123456789abcdef0123456789abcdef"), roles.NewMemoryTokenStore(f.clock), f.clock)
	require.NoError(t, err)
	f.cal, err = calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(f.x, f.masto, f.fb), calendar.WithLogger(quiet), calendar.WithTokens(ti))
	require.NoError(t, err)
	f.pub = f.publisher(t, "p1")

	e, err := f.cal.Create(as("bea"), calendar.Entry{Title: "Giveaway", At: monday, Labels: []string{"promotion"},
		Variants: variants("Win a scarf", "acme-es-x")})
	require.NoError(t, err)
	e, err = f.cal.Submit(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	require.Equal(t, calendar.InReview, e.State, "a promotion needs the client, even from a senior")

	_, err = f.cal.ApprovalToken(as("ola"), e.ID, e.Version, "client@acme.example", 24*time.Hour)
	assert.NoError(t, err, "whoever may submit may ask the client")
	token, err := f.cal.ApprovalToken(as("bea"), e.ID, e.Version, "client@acme.example", 24*time.Hour)
	require.NoError(t, err)

	_, err = f.cal.ApproveWithToken(context.Background(), e.ID, e.Version, token+"x")
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "a forged token")
	e, err = f.cal.ApproveWithToken(context.Background(), e.ID, e.Version, token)
	require.NoError(t, err)
	assert.Equal(t, calendar.Approved, e.State)
	require.Len(t, e.Approvals, 1)
	assert.True(t, e.Approvals[0].External)

	_, err = f.cal.ApproveWithToken(context.Background(), e.ID, e.Version, token)
	assert.ErrorIs(t, err, cmkit.ErrConflict, "not in review any more")

	e, err = f.cal.Schedule(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	f.drain(t)
	assert.Equal(t, calendar.Published, f.get(t, e).State)

	// A token for content that changed since is worthless.
	e2, err := f.cal.Create(as("bea"), calendar.Entry{Title: "Giveaway 2", At: monday, Labels: []string{"promotion"},
		Variants: variants("Win a hat", "acme-es-x")})
	require.NoError(t, err)
	e2, err = f.cal.Submit(as("bea"), e2.ID, e2.Version)
	require.NoError(t, err)
	old, err := f.cal.ApprovalToken(as("bea"), e2.ID, e2.Version, "client@acme.example", time.Hour)
	require.NoError(t, err)
	e2.Variants[0].Post.Text = "Win two hats"
	e2, err = f.cal.Update(as("bea"), e2)
	require.NoError(t, err)
	e2, err = f.cal.Submit(as("bea"), e2.ID, e2.Version)
	require.NoError(t, err)
	_, err = f.cal.ApproveWithToken(context.Background(), e2.ID, e2.Version, old)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "approved text is not the text that will go out")
	assert.Equal(t, calendar.InReview, f.get(t, e2).State)
}

// Bad input gets an error naming the field, for entries made through the
// API as for CSV rows: text that is not UTF-8 or holds control characters,
// and zone names that are not portable IANA zones.
func TestCreateRefusesControlCharactersAndLocalZone(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name, field string
		e           calendar.Entry
	}{
		{"NUL in title", "entry.title", calendar.Entry{Title: "a\x00b"}},
		{"ESC in label", "entry.labels[0]", calendar.Entry{Title: "t", Labels: []string{"\x1b[1m"}}},
		{"invalid UTF-8 in text", "entry.variants[0].post.text", calendar.Entry{Title: "t", Variants: variants("caf\xe9", "acme-es-x")}},
		{"lone CR in text", "entry.variants[0].post.text", calendar.Entry{Title: "t", Variants: variants("a\rb", "acme-es-x")}},
		{"Local zone", "entry.zone", calendar.Entry{Title: "t", Zone: "Local"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.e.Variants == nil {
				tc.e.Variants = variants("ok", "acme-es-x")
			}
			_, err := f.cal.Create(as("bea"), tc.e)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field)
		})
	}
	e, err := f.cal.Create(as("bea"), calendar.Entry{Title: "t", Notes: "line\n\ttab", Zone: "UTC", Variants: variants("a\nb\tc\r\nd", "acme-es-x")})
	require.NoError(t, err, "line feeds, CRLF and tabs in text and notes are fine")
	assert.Equal(t, "UTC", e.Zone)
}

// Bug 2, Resume: resuming a pause made the entry due while a call on
// another of its variants was in flight.
func TestResumeDuringACallWaitsForIt(t *testing.T) {
	f := newFixture(t)
	_, masto, _ := withGates(t, f)
	e := f.scheduled(t, monday, "Hola", "acme-es-mastodon", "acme-es-x")
	p2 := f.publisher(t, "p2")
	masto.onPublish(func(context.Context) {
		_, err := f.cal.Pause(as("bea"), calendar.Pause{ID: "x-off", Channel: "acme-es-x"})
		require.NoError(t, err)
		_, err = f.cal.Resume(as("bea"), "x-off", calendar.PublishMissed, nil)
		require.NoError(t, err)
		claimsNothing(t, p2, "resumed, but the call on mastodon is still in flight")
	})
	f.drain(t)
	e = f.get(t, e)
	assert.Equal(t, calendar.Published, e.State)
	assert.Equal(t, 1, f.masto.Count(e.Variant("acme-es-mastodon").Post.ID))
	assert.Equal(t, 1, f.x.Count(e.Variant("acme-es-x").Post.ID))
}

// failOnce fails the next Put after arm with an error that is not a
// conflict, as a database that drops a connection does.
type failOnce struct {
	*calendar.MemoryStore
	mu    sync.Mutex
	armed bool
}

func (s *failOnce) arm() { s.mu.Lock(); s.armed = true; s.mu.Unlock() }

func (s *failOnce) Put(ctx context.Context, e calendar.Entry) (calendar.Entry, error) {
	s.mu.Lock()
	armed := s.armed
	s.armed = false
	s.mu.Unlock()
	if armed {
		return calendar.Entry{}, errors.New("store: connection reset")
	}
	return s.MemoryStore.Put(ctx, e)
}

// Found by the simulation (seed 593): the store failed the write of an
// accepted answer, and the answer was dropped; the post later went to
// "held" as if it might not be out.
func TestAnswerSurvivesAFailedStoreWrite(t *testing.T) {
	f := newFixture(t)
	store := &failOnce{MemoryStore: f.store}
	fb := &gated{FakeChannel: f.fb}
	var err error
	f.cal, err = calendar.New(store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(f.x, f.masto, fb), calendar.WithLogger(quiet))
	require.NoError(t, err)
	f.pub = f.publisher(t, "p1")
	e := f.scheduled(t, monday, "Hola", "acme-es-fb")
	fb.onPublish(func(context.Context) { store.arm() }) // the write after the call fails
	f.drain(t)
	e = f.get(t, e)
	assert.Equal(t, calendar.Published, e.State)
	assert.Equal(t, calendar.Sent, e.Variants[0].State)
	assert.Equal(t, []string{"accepted"}, outcomes(&e.Variants[0]))
}

// Found by the simulation (seeds 120, 298, ...): after "ambiguous, then a
// failed lookup", the next try published without looking, because only an
// ambiguous last attempt asked for a lookup.
func TestFailedLookupStillLooksBeforeRetrying(t *testing.T) {
	f := newFixture(t)
	x, _, _ := withGates(t, f)
	e := f.scheduled(t, monday, "Hola", "acme-es-x")
	f.x.Inject(cmkittest.FaultLostResponse) // out, but the answer was lost
	f.drain(t)
	f.clock.Advance(10 * time.Minute)
	x.failFind(fmt.Errorf("lookup: %w", cmkit.ErrTransient)) // the first lookup fails
	f.drain(t)
	f.clock.Advance(time.Hour - 11*time.Minute)
	f.drain(t)
	e = f.get(t, e)
	v := e.Variant("acme-es-x")
	assert.Equal(t, 1, f.x.Count(v.Post.ID), "published once")
	assert.Equal(t, calendar.Sent, v.State)
	assert.Equal(t, []string{"ambiguous", "lookup-failed", "found"}, outcomes(v))
}

// Found by the simulation (seeds 9, 22, ...): an entry held at claim time
// (too late, or no longer approved) kept a variant "sending" that a dead
// publisher had left, forever and without a verify event.
func TestHeldAtClaimSettlesCutOffAttempts(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	e := f.scheduled(t, monday, "Hola", "acme-es-fb")
	claimed, err := f.store.Claim(ctx, calendar.ClaimRequest{Now: monday, Limit: 1, Owner: "dead", Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	got := f.get(t, e)
	got.State = calendar.Publishing
	got.Variants[0].State = calendar.Sending
	got.Variants[0].Attempts = []calendar.Attempt{{ID: cmkit.NewID(), At: monday, Publisher: "dead", Outcome: "sending"}}
	_, err = f.store.Put(ctx, got)
	require.NoError(t, err)
	f.clock.Advance(3 * time.Hour) // found long after: too late to publish
	f.drain(t)
	e = f.get(t, e)
	assert.Equal(t, calendar.Held, e.State)
	assert.Equal(t, calendar.Unknown, e.Variants[0].State, "cut off on an unsafe channel: a person verifies")
	assert.Contains(t, f.kinds(), "verify")
}

// grant gives member a role or a permission on scope, as sam (the social
// media manager).
func (f *fixture) grant(t *testing.T, member, role string, perm roles.Permission, scope roles.Scope) {
	t.Helper()
	_, err := f.dir.PutMember(as("sam"), roles.Member{ID: member})
	if err != nil && !errors.Is(err, cmkit.ErrConflict) {
		require.NoError(t, err)
	}
	_, err = f.dir.Grant(as("sam"), roles.Grant{Member: member, Role: role, Permission: perm, Scope: scope})
	require.NoError(t, err)
}

// Bug 5: approval was judged on the first channel only.
func TestApprovalIsJudgedOnEveryChannel(t *testing.T) {
	f := newFixture(t)
	x := roles.Scope{Brand: "acme", Channel: "acme-es-x"}
	masto := roles.Scope{Brand: "acme", Channel: "acme-es-mastodon"}
	f.grant(t, "mia", roles.SeniorCM, "", x)
	f.grant(t, "mia", roles.JuniorCM, "", masto)
	f.grant(t, "leo", roles.SeniorCM, "", x)

	e, err := f.cal.Create(as("mia"), calendar.Entry{Title: "t", Variants: variants("Hola", "acme-es-x", "acme-es-mastodon")})
	require.NoError(t, err)
	e, err = f.cal.Submit(as("mia"), e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, calendar.InReview, e.State, "senior on x, junior on mastodon: the mastodon post needs review")

	_, err = f.cal.Approve(as("leo"), e.ID, e.Version)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "leo has no role on mastodon and may not approve for it")
	e, err = f.cal.Approve(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, calendar.Approved, e.State, "bea is senior on both")
}

// Bug 6: a junior who edited a senior's draft got "no approval required",
// because only the original author counted.
func TestEditorsCountAsAuthors(t *testing.T) {
	f := newFixture(t)
	e, err := f.cal.Create(as("bea"), calendar.Entry{Title: "t", Variants: variants("Hola", "acme-es-x")})
	require.NoError(t, err)
	e.Variants[0].Post.Text = "Hola, ¡ofertas!"
	e, err = f.cal.Update(as("ola"), e)
	require.NoError(t, err)
	e, err = f.cal.Submit(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, calendar.InReview, e.State, "the junior's edit needs review")
	_, err = f.cal.Approve(as("bea"), e.ID, e.Version)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "bea wrote part of it: four eyes")
	e, err = f.cal.Approve(as("sam"), e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, calendar.Approved, e.State)

	// After that approval, a senior's own edit stands on its own.
	e.Variants[0].Post.Text = "Hola, ¡ofertas de invierno!"
	e, err = f.cal.Update(as("bea"), e)
	require.NoError(t, err)
	e, err = f.cal.Submit(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, calendar.Approved, e.State, "only bea changed it since its last approval")
}

// Bug 7: a member with post.draft and post.submit as bare permissions, and
// no role, escaped review.
func TestBarePermissionsDoNotEscapeReview(t *testing.T) {
	f := newFixture(t)
	acme := roles.Scope{Brand: "acme"}
	f.grant(t, "pia", "", roles.DraftPost, acme)
	f.grant(t, "pia", "", roles.SubmitPost, acme)
	e, err := f.cal.Create(as("pia"), calendar.Entry{Title: "t", Variants: variants("Hola", "acme-es-x")})
	require.NoError(t, err)
	e, err = f.cal.Submit(as("pia"), e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, calendar.InReview, e.State)
}

// Bug 8: a deny grant did not stop a role's approval.
func TestDeniedApproverCannotApprove(t *testing.T) {
	f := newFixture(t)
	_, err := f.dir.Grant(as("sam"), roles.Grant{Member: "bea", Permission: roles.ApprovePost, Deny: true,
		Scope: roles.Scope{Brand: "acme", Channel: "acme-es-x"}})
	require.NoError(t, err)
	e, err := f.cal.Create(as("ola"), calendar.Entry{Title: "t", Variants: variants("Hola", "acme-es-x")})
	require.NoError(t, err)
	e, err = f.cal.Submit(as("ola"), e.ID, e.Version)
	require.NoError(t, err)
	_, err = f.cal.Approve(as("bea"), e.ID, e.Version)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "deny wins over the senior role")
}

// Found by the simulation (seed 2583): when the last allowed attempt ended
// ambiguous, giving up recorded the post as dead although that very
// attempt may have published it.
func TestGivingUpAfterAnAmbiguousLastAttemptAsksToVerify(t *testing.T) {
	f := newFixture(t, func(c *calendar.PublisherConfig) { c.MaxAttempts = 1 })
	e := f.scheduled(t, monday, "Hola", "acme-es-x")
	f.x.Inject(cmkittest.FaultLostResponse) // published, answer lost: the one attempt allowed
	f.drain(t)
	e = f.get(t, e)
	v := e.Variant("acme-es-x")
	assert.Equal(t, 1, f.x.Count(v.Post.ID), "it is out")
	assert.Equal(t, calendar.Unknown, v.State, "not dead: a person verifies")
	assert.Equal(t, calendar.Verify, e.State)
}

// Issue 10, item 2: a hook that acts on "verify" finds the entry as the
// event says (the event comes after the write), and the event names who
// may resolve it.
func TestVerifyEventComesAfterTheWriteAndNamesWhoMayResolve(t *testing.T) {
	f := newFixture(t)
	var resolveErr error
	var notify []string
	var err error
	f.cal, err = calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(f.x, f.masto, f.fb), calendar.WithLogger(quiet),
		calendar.WithHook(func(ev calendar.Event) {
			if ev.Kind != calendar.EventVerify {
				return
			}
			notify = ev.Notify
			e, err := f.store.Get(context.Background(), ev.Entry)
			if err == nil {
				_, err = f.cal.Resolve(as("bea"), e.ID, e.Version, calendar.Resolution{Channel: ev.Channel, Found: true, PlatformID: "fb-1"})
			}
			resolveErr = err
		}))
	require.NoError(t, err)
	f.pub = f.publisher(t, "p1")
	e := f.scheduled(t, monday, "Hola", "acme-es-fb")
	f.fb.Inject(cmkittest.FaultLostResponse)
	f.drain(t)
	require.NoError(t, resolveErr, "the hook could act on the event at once")
	assert.Equal(t, []string{"bea", "sam"}, notify, "who may resolve it")
	e = f.get(t, e)
	assert.Equal(t, calendar.Published, e.State)
	assert.Equal(t, 1, f.fb.Count(e.Variants[0].Post.ID))
}

// On the system clock a call's timeout is the runtime's own deadline.
func TestCallTimeoutOnTheSystemClockIsAContextDeadline(t *testing.T) {
	f := newFixture(t)
	masto := &gated{FakeChannel: f.masto}
	var err error
	f.cal, err = calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithChannels(f.x, masto, f.fb),
		calendar.WithLogger(quiet))
	require.NoError(t, err)
	f.pub = f.publisher(t, "p1")
	now := time.Now()
	f.clock.Set(now) // the fixture's approvals and the roles clock follow
	f.scheduled(t, now, "Hola", "acme-es-mastodon")
	var deadline time.Time
	masto.onPublish(func(ctx context.Context) { deadline, _ = ctx.Deadline() })
	_, err = f.pub.RunOnce(context.Background())
	require.NoError(t, err)
	require.False(t, deadline.IsZero(), "the call has a deadline")
	assert.WithinDuration(t, now.Add(30*time.Second), deadline, 10*time.Second)
}
