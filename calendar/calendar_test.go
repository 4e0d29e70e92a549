package calendar_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
)

var (
	madrid, _ = time.LoadLocation("Europe/Madrid")
	// Monday 23 November 2026, 08:00 in Madrid.
	monday = time.Date(2026, 11, 23, 8, 0, 0, 0, madrid)
	quiet  = slog.New(slog.DiscardHandler)
)

type fixture struct {
	cal    *calendar.Calendar
	pub    *calendar.Publisher
	dir    *roles.Directory
	clock  *cmkittest.Clock
	store  *calendar.MemoryStore
	x      *cmkittest.FakeChannel // lookup
	masto  *cmkittest.FakeChannel // idempotent
	fb     *cmkittest.FakeChannel // unsafe
	mu     sync.Mutex
	events []calendar.Event
}

func (f *fixture) kinds() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, e := range f.events {
		out = append(out, string(e.Kind))
	}
	return out
}

func fakeOn(t *testing.T, clock cmkit.Clock, id string, p cmkit.Platform, rs cmkit.RetrySafety) *cmkittest.FakeChannel {
	t.Helper()
	l, _ := cmkit.PlatformLimits(p)
	f, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: id, Platform: p, Brand: "acme", Country: "ES", Limits: l, RetrySafety: rs}})
	require.NoError(t, err)
	return f
}

// tune changes a test publisher's settings.
type tune = func(*calendar.PublisherConfig)

// testConfig is the settings test publishers start from: named, seeded, and
// quicker to give up than the defaults.
func testConfig(name string, tunes ...tune) calendar.PublisherConfig {
	cfg := calendar.DefaultPublisherConfig()
	cfg.Name, cfg.Seed = name, 1
	cfg.MaxAttempts, cfg.Backoff, cfg.MaxBackoff = 4, time.Minute, 10*time.Minute
	for _, fn := range tunes {
		fn(&cfg)
	}
	return cfg
}

func newFixture(t *testing.T, tunes ...tune) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{clock: cmkittest.NewClock(monday), store: calendar.NewMemoryStore()}
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(f.clock), roles.WithLogger(quiet))
	require.NoError(t, err)
	acme := roles.Scope{Brand: "acme"}
	require.NoError(t, dir.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "bea"}, {ID: "ola"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: acme},
			{Member: "bea", Role: roles.SeniorCM, Scope: acme},
			{Member: "ola", Role: roles.JuniorCM, Scope: acme},
		},
	}))
	f.dir = dir
	f.x = fakeOn(t, f.clock, "acme-es-x", cmkit.X, cmkit.RetryAfterLookup)
	f.masto = fakeOn(t, f.clock, "acme-es-mastodon", cmkit.Mastodon, cmkit.RetryIdempotent)
	f.fb = fakeOn(t, f.clock, "acme-es-fb", cmkit.Facebook, cmkit.RetryUnsafe)
	f.cal, err = calendar.New(f.store, calendar.WithTeam(dir), calendar.WithClock(f.clock),
		calendar.WithChannels(f.x, f.masto, f.fb), calendar.WithLogger(quiet),
		calendar.WithHook(func(e calendar.Event) { f.mu.Lock(); f.events = append(f.events, e); f.mu.Unlock() }))
	require.NoError(t, err)
	for _, name := range sheetCampaigns {
		_, err := f.cal.CreateCampaign(as("sam"), calendar.Campaign{Name: name, Brand: "acme",
			Start: time.Date(2026, 1, 1, 0, 0, 0, 0, madrid), End: time.Date(2028, 1, 1, 0, 0, 0, 0, madrid)})
		require.NoError(t, err)
	}
	f.pub, err = calendar.NewPublisher(f.cal, testConfig("p1", tunes...))
	require.NoError(t, err)
	return f
}

// sheetCampaigns are the campaigns of acme that the test sheets name; every
// fixture has them, over 2026 and 2027.
var sheetCampaigns = []string{"invierno", "winter"}

func as(m string) context.Context { return roles.WithActor(context.Background(), m) }

func variants(text string, channels ...string) []calendar.Variant {
	var vs []calendar.Variant
	for _, c := range channels {
		vs = append(vs, calendar.Variant{Channel: c, Post: cmkit.Post{Text: text}})
	}
	return vs
}

// scheduled walks an entry by ola (junior) through approval by bea and
// scheduling by bea.
func (f *fixture) scheduled(t *testing.T, at time.Time, text string, channels ...string) calendar.Entry {
	t.Helper()
	e, err := f.cal.Create(as("ola"), calendar.Entry{Title: "Winter catalogue", Brand: "acme", At: at, Zone: "Europe/Madrid",
		Variants: variants(text, channels...)})
	require.NoError(t, err)
	e, err = f.cal.Submit(as("ola"), e.ID, e.Version)
	require.NoError(t, err)
	e, err = f.cal.Approve(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	e, err = f.cal.Schedule(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	return e
}

func (f *fixture) get(t *testing.T, e calendar.Entry) calendar.Entry {
	t.Helper()
	got, err := f.cal.Get(context.Background(), e.ID)
	require.NoError(t, err)
	return got
}

// drain runs publisher rounds until nothing is claimed.
func (f *fixture) drain(t *testing.T) {
	t.Helper()
	for range 100 {
		n, err := f.pub.RunOnce(context.Background())
		require.NoError(t, err)
		if n == 0 {
			return
		}
	}
	t.Fatal("the publisher never ran dry")
}

func TestLifecycleJuniorPostNeedsApproval(t *testing.T) {
	f := newFixture(t)
	ctx := as("ola")
	e, err := f.cal.Create(ctx, calendar.Entry{Title: "Winter catalogue", Brand: "acme", At: monday.Add(time.Hour),
		Variants: variants("¡Nuevo catálogo de invierno! #Promoción", "acme-es-x", "acme-es-mastodon")})
	require.NoError(t, err)
	assert.Equal(t, calendar.Draft, e.State)
	assert.Equal(t, "ola", e.Author)
	assert.NotEqual(t, e.Variants[0].Post.ID, e.Variants[1].Post.ID, "one post ID per channel")

	_, err = f.cal.Schedule(as("bea"), e.ID, e.Version)
	assert.ErrorIs(t, err, cmkit.ErrConflict, "a draft cannot be scheduled")
	e, err = f.cal.Submit(ctx, e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, calendar.InReview, e.State, "a junior's post waits for review")

	_, err = f.cal.Approve(ctx, e.ID, e.Version)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "four eyes")
	_, err = f.cal.Schedule(ctx, e.ID, e.Version)
	assert.ErrorIs(t, err, cmkit.ErrConflict, "still in review")

	e, err = f.cal.Approve(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, calendar.Approved, e.State)
	_, err = f.cal.Schedule(ctx, e.ID, e.Version)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "a junior may not schedule")
	e, err = f.cal.Schedule(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, calendar.Scheduled, e.State)
	assert.Equal(t, e.At, e.DueAt)

	f.drain(t)
	assert.Empty(t, f.x.Posts(), "not yet its time")
	f.clock.Advance(time.Hour)
	f.drain(t)
	e = f.get(t, e)
	assert.Equal(t, calendar.Published, e.State)
	for _, v := range e.Variants {
		assert.Equal(t, calendar.Sent, v.State)
		assert.NotEmpty(t, v.Receipt.PlatformID)
	}
	assert.Equal(t, 1, f.x.Count(e.Variants[0].Post.ID))
	assert.Equal(t, 1, f.masto.Count(e.Variants[1].Post.ID))
	var path []calendar.State
	for _, tr := range e.History {
		path = append(path, tr.To)
	}
	assert.Equal(t, []calendar.State{calendar.Draft, calendar.InReview, calendar.Approved, calendar.Scheduled,
		calendar.Publishing, calendar.Published}, path)
	assert.Contains(t, f.kinds(), "published")

	// Every change went through roles and is in its audit log.
	n := 0
	for r, err := range f.dir.AuditLog().Records(context.Background(), roles.AuditFilter{Action: "check"}) {
		require.NoError(t, err)
		n++
		_ = r
	}
	assert.Greater(t, n, 5)
}

func TestSeniorPostNeedsNoApproval(t *testing.T) {
	f := newFixture(t)
	e, err := f.cal.Create(as("bea"), calendar.Entry{Title: "t", Brand: "acme", At: monday, Variants: variants("hi", "acme-es-x")})
	require.NoError(t, err)
	e, err = f.cal.Submit(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, calendar.Approved, e.State)
}

func TestScheduleChecksLimitsTheWayThePlatformCounts(t *testing.T) {
	f := newFixture(t)
	// 141 family emoji weigh 282 on X: one over its 280.
	text := strings.Repeat("👨‍👩‍👧", 141)
	e, err := f.cal.Create(as("bea"), calendar.Entry{Title: "t", Brand: "acme", At: monday, Variants: variants(text, "acme-es-x", "acme-es-mastodon")})
	require.NoError(t, err)
	e, err = f.cal.Submit(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	_, err = f.cal.Schedule(as("bea"), e.ID, e.Version)
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	var ce *calendar.CheckError
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.Findings, 1, "Mastodon counts 141 graphemes... as code points, under 500")
	assert.Equal(t, "acme-es-x", ce.Findings[0].Channel)
	assert.Equal(t, "max_length", ce.Findings[0].Rule)
	assert.Equal(t, calendar.Approved, f.get(t, e).State, "nothing changed")
}

type bannedWord string

func (w bannedWord) CheckVariant(_ context.Context, _ *calendar.Entry, v *calendar.Variant, _ cmkit.ChannelInfo) ([]calendar.CheckFinding, error) {
	if i := strings.Index(v.Post.Text, string(w)); i >= 0 {
		return []calendar.CheckFinding{{Channel: v.Channel, Check: "styleguide", Rule: "banned_term", Message: string(w),
			Start: i, End: i + len(w)}}, nil
	}
	return nil, nil
}

func TestPluggableChecks(t *testing.T) {
	f := newFixture(t)
	cal, err := calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(f.x), calendar.WithCheckers(bannedWord("cheap")), calendar.WithLogger(quiet))
	require.NoError(t, err)
	e, err := cal.Create(as("bea"), calendar.Entry{Title: "t", Brand: "acme", At: monday, Variants: variants("So cheap!", "acme-es-x")})
	require.NoError(t, err)
	e, _ = cal.Submit(as("bea"), e.ID, e.Version)
	_, err = cal.Schedule(as("bea"), e.ID, e.Version)
	var ce *calendar.CheckError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, calendar.CheckFinding{Channel: "acme-es-x", Check: "styleguide", Rule: "banned_term", Message: "cheap", Start: 3, End: 8}, ce.Findings[0])
}

func TestEditAfterApprovalNeedsApprovalAgain(t *testing.T) {
	f := newFixture(t)
	e := f.scheduled(t, monday.Add(time.Hour), "Hola", "acme-es-x")
	e.Variants[0].Post.Text = "Hola, ¡con descuento!"
	e, err := f.cal.Update(as("ola"), e)
	require.NoError(t, err)
	assert.Equal(t, calendar.Draft, e.State)
	assert.True(t, e.DueAt.IsZero(), "no longer due")
	e, err = f.cal.Submit(as("ola"), e.ID, e.Version)
	require.NoError(t, err)
	assert.Equal(t, calendar.InReview, e.State, "the old approval is for the old text")
}

func TestStaleVersionsAndBadInput(t *testing.T) {
	f := newFixture(t)
	e, err := f.cal.Create(as("ola"), calendar.Entry{Title: "t", Brand: "acme", Variants: variants("x", "acme-es-x")})
	require.NoError(t, err)
	_, err = f.cal.Submit(as("ola"), e.ID, e.Version+1)
	assert.ErrorIs(t, err, cmkit.ErrConflict)
	for name, bad := range map[string]calendar.Entry{
		"no title":        {Variants: variants("x", "acme-es-x")},
		"no variants":     {Title: "t"},
		"unknown channel": {Title: "t", Variants: variants("x", "acme-tiktok")},
		"twice":           {Title: "t", Variants: variants("x", "acme-es-x", "acme-es-x")},
		"bad zone":        {Title: "t", Zone: "Mars/Olympus", Variants: variants("x", "acme-es-x")},
	} {
		_, err := f.cal.Create(as("ola"), bad)
		assert.ErrorIs(t, err, cmkit.ErrInvalid, name)
	}
	_, err = f.cal.Create(context.Background(), calendar.Entry{Title: "t", Variants: variants("x", "acme-es-x")})
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "no actor")
	_, err = calendar.New(f.store)
	assert.ErrorIs(t, err, cmkit.ErrInvalid, "a calendar needs a team")
}

func TestEachChannelKeepsItsOwnState(t *testing.T) {
	f := newFixture(t)
	e := f.scheduled(t, monday, "Hola", "acme-es-x", "acme-es-mastodon")
	f.x.Inject(cmkittest.FaultPermanent)
	f.drain(t)
	e = f.get(t, e)
	assert.Equal(t, calendar.Failed, e.State)
	assert.Equal(t, calendar.Rejected, e.Variant("acme-es-x").State)
	assert.Equal(t, calendar.Sent, e.Variant("acme-es-mastodon").State, "one failure never marks the others")
	require.Len(t, e.Variant("acme-es-x").Attempts, 1)
	assert.Equal(t, calendar.OutcomeRejected, e.Variant("acme-es-x").Attempts[0].Outcome)

	// A person fixes the account and sends the X variant again; Mastodon is not touched.
	e, err := f.cal.Resolve(as("bea"), e.ID, e.Version, calendar.Resolution{Channel: "acme-es-x", Found: false})
	require.NoError(t, err)
	f.drain(t)
	e = f.get(t, e)
	assert.Equal(t, calendar.Published, e.State)
	assert.Equal(t, 1, f.masto.Count(e.Variant("acme-es-mastodon").Post.ID))
	assert.Equal(t, 1, f.x.Count(e.Variant("acme-es-x").Post.ID))
}

func TestTransientFailuresBackOffThenDeadLetter(t *testing.T) {
	f := newFixture(t)
	e := f.scheduled(t, monday, "Hola", "acme-es-mastodon")
	f.masto.Inject(cmkittest.FaultTransient, cmkittest.FaultTransient)
	f.drain(t)
	got := f.get(t, e)
	v := got.Variant("acme-es-mastodon")
	assert.Equal(t, calendar.Pending, v.State)
	assert.True(t, v.NextAt.After(monday), "backing off")
	f.clock.Advance(20 * time.Minute)
	f.drain(t)
	f.clock.Advance(20 * time.Minute)
	f.drain(t)
	e = f.get(t, e)
	assert.Equal(t, calendar.Published, e.State)
	assert.Len(t, e.Variant("acme-es-mastodon").Attempts, 3)

	e2 := f.scheduled(t, f.clock.Now(), "Adiós", "acme-es-mastodon")
	f.masto.Inject(cmkittest.FaultTransient, cmkittest.FaultTransient, cmkittest.FaultTransient, cmkittest.FaultTransient)
	for range 6 {
		f.drain(t)
		f.clock.Advance(9 * time.Minute) // retries stay within the hour a post may be late
	}
	e2 = f.get(t, e2)
	assert.Equal(t, calendar.Failed, e2.State)
	assert.Equal(t, calendar.Dead, e2.Variant("acme-es-mastodon").State)
	assert.Len(t, e2.Variant("acme-es-mastodon").Attempts, 4, "the whole history is kept")
	assert.Contains(t, f.kinds(), "retrying")
}

func TestRateLimitAnswerIsHonoured(t *testing.T) {
	f := newFixture(t)
	e := f.scheduled(t, monday, "Hola", "acme-es-x")
	f.x.Inject(cmkittest.FaultRateLimit) // the fake asks for a minute
	f.drain(t)
	got := f.get(t, e)
	v := got.Variant("acme-es-x")
	assert.Equal(t, time.Minute, v.Attempts[0].RetryAfter)
	assert.False(t, v.NextAt.Before(monday.Add(time.Minute)))
	f.clock.Advance(time.Minute + 15*time.Second)
	f.drain(t)
	assert.Equal(t, calendar.Published, f.get(t, e).State)
}

func TestClientSideRateLimit(t *testing.T) {
	f := newFixture(t, func(c *calendar.PublisherConfig) {
		c.RateLimits = map[string]calendar.RateLimit{"acme-es-x": {Every: 10 * time.Minute, Burst: 1}}
	})
	var es []calendar.Entry
	for range 3 {
		es = append(es, f.scheduled(t, monday, "Hola", "acme-es-x"))
	}
	f.drain(t)
	assert.Len(t, f.x.Posts(), 1, "one post per 10 minutes")
	f.clock.Advance(10 * time.Minute)
	f.drain(t)
	assert.Len(t, f.x.Posts(), 2)
	f.clock.Advance(10 * time.Minute)
	f.drain(t)
	assert.Len(t, f.x.Posts(), 3)
	for _, e := range es {
		assert.Equal(t, calendar.Published, f.get(t, e).State)
	}
}

func TestAmbiguousFailuresNeverDoublePost(t *testing.T) {
	tests := []struct {
		channel string
		fake    func(*fixture) *cmkittest.FakeChannel
		state   calendar.State
	}{
		{"acme-es-mastodon", func(f *fixture) *cmkittest.FakeChannel { return f.masto }, calendar.Published}, // idempotent: retried
		{"acme-es-x", func(f *fixture) *cmkittest.FakeChannel { return f.x }, calendar.Published},            // lookup: found
		{"acme-es-fb", func(f *fixture) *cmkittest.FakeChannel { return f.fb }, calendar.Verify},             // neither: a person verifies
	}
	for _, tc := range tests {
		t.Run(tc.channel, func(t *testing.T) {
			f := newFixture(t)
			fake := tc.fake(f)
			e := f.scheduled(t, monday, "Hola", tc.channel)
			fake.Inject(cmkittest.FaultLostResponse)
			for range 3 {
				f.drain(t)
				f.clock.Advance(time.Hour)
			}
			e = f.get(t, e)
			assert.Equal(t, tc.state, e.State)
			assert.Equal(t, 1, fake.Count(e.Variants[0].Post.ID), "published exactly once")
			if tc.state == calendar.Verify {
				assert.Equal(t, calendar.Unknown, e.Variants[0].State)
				assert.Contains(t, f.kinds(), "verify")
				e, err := f.cal.Resolve(as("bea"), e.ID, e.Version, calendar.Resolution{Channel: tc.channel, Found: true, PlatformID: "fb-123"})
				require.NoError(t, err)
				assert.Equal(t, calendar.Published, e.State)
			}
		})
	}
	t.Run("timeout that did not publish, on a lookup channel", func(t *testing.T) {
		f := newFixture(t)
		e := f.scheduled(t, monday, "Hola", "acme-es-x")
		f.x.Inject(cmkittest.FaultTimeout)
		f.drain(t)
		f.clock.Advance(time.Hour)
		f.drain(t)
		e = f.get(t, e)
		assert.Equal(t, calendar.Published, e.State)
		assert.Equal(t, 1, f.x.Count(e.Variants[0].Post.ID))
		var outcomes []string
		for _, a := range e.Variants[0].Attempts {
			outcomes = append(outcomes, string(a.Outcome))
		}
		assert.Equal(t, []string{"ambiguous", "absent", "accepted"}, outcomes)
	})
}

func TestExpiredLeaseIsRecovered(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	e := f.scheduled(t, monday, "Hola", "acme-es-fb", "acme-es-mastodon")
	// A publisher claims the entry, records its attempts as sending, and dies.
	claimed, err := f.store.Claim(ctx, calendar.ClaimRequest{Now: monday, Limit: 10, Owner: "dead", Lease: time.Minute})
	require.NoError(t, err)
	require.Len(t, claimed, 1)
	got, err := f.store.Get(ctx, e.ID)
	require.NoError(t, err)
	got.State = calendar.Publishing
	for i := range got.Variants {
		got.Variants[i].State = calendar.Sending
		got.Variants[i].Attempts = []calendar.Attempt{{At: monday, Publisher: "dead", Outcome: "sending"}}
	}
	_, err = f.store.Put(ctx, got)
	require.NoError(t, err)

	f.drain(t)
	assert.Empty(t, f.fb.Posts(), "the lease has not expired")
	f.clock.Advance(2 * time.Minute)
	f.drain(t)
	e = f.get(t, e)
	assert.Equal(t, calendar.Unknown, e.Variant("acme-es-fb").State, "cut off on an unsafe channel: verify, never resend")
	assert.Empty(t, f.fb.Posts())
	assert.Equal(t, calendar.Sent, e.Variant("acme-es-mastodon").State, "idempotent: safe to send again")
	assert.Equal(t, calendar.Verify, e.State)
}

func TestUnapprovedAtItsTimeExpires(t *testing.T) {
	f := newFixture(t)
	e := f.scheduled(t, monday, "Hola", "acme-es-x")
	// Bea loses her role after approving: her approval no longer counts.
	require.NoError(t, f.dir.Revoke(as("sam"), f.dir.GrantsOf("bea")[0].ID))
	f.drain(t)
	e = f.get(t, e)
	assert.Equal(t, calendar.Expired, e.State)
	assert.Empty(t, f.x.Posts(), "nothing unapproved goes out")
	f.mu.Lock()
	defer f.mu.Unlock()
	var notify []string
	for _, ev := range f.events {
		if ev.Kind == calendar.EventExpired {
			notify = ev.Notify
		}
	}
	assert.Equal(t, []string{"sam"}, notify, "who could approve it is told")
}

func TestTooLateAfterDowntimeIsHeld(t *testing.T) {
	f := newFixture(t)
	e := f.scheduled(t, monday, "Hola", "acme-es-x")
	f.clock.Advance(26 * time.Hour) // the publisher was down
	f.drain(t)
	e = f.get(t, e)
	assert.Equal(t, calendar.Held, e.State)
	assert.Empty(t, f.x.Posts())
}

func TestPauseAndResume(t *testing.T) {
	for _, tc := range []struct {
		policy calendar.MissedPolicy
		state  calendar.State
		posts  int
	}{
		{calendar.HoldMissed, calendar.Held, 0},
		{calendar.PublishMissed, calendar.Published, 1},
		{calendar.MoveMissed, calendar.Published, 1},
	} {
		t.Run(tc.policy.String(), func(t *testing.T) {
			f := newFixture(t)
			missed := f.scheduled(t, monday.Add(30*time.Minute), "Hola", "acme-es-x")
			later := f.scheduled(t, monday.Add(5*time.Hour), "Luego", "acme-es-x")
			other := f.scheduled(t, monday.Add(30*time.Minute), "Mastodon", "acme-es-mastodon")
			_, err := f.cal.Pause(as("ola"), calendar.Pause{ID: "crisis", Channel: "acme-es-x"})
			assert.ErrorIs(t, err, cmkit.ErrForbidden, "a junior may not pause")
			_, err = f.cal.Pause(as("bea"), calendar.Pause{ID: "crisis", Channel: "acme-es-x", Reason: "a crisis"})
			require.NoError(t, err)
			assert.Equal(t, "crisis", f.get(t, missed).PausedBy)
			f.clock.Advance(time.Hour)
			f.drain(t)
			assert.Empty(t, f.x.Posts(), "nothing on the paused channel")
			assert.Equal(t, calendar.Published, f.get(t, other).State, "other channels go on")

			next := func(e calendar.Entry, now time.Time) (time.Time, bool) { return now.Add(10 * time.Minute), true }
			n, err := f.cal.Resume(as("bea"), "crisis", tc.policy, next)
			require.NoError(t, err)
			assert.Equal(t, 2, n)
			f.drain(t)
			f.clock.Advance(10 * time.Minute)
			f.drain(t)
			assert.Equal(t, tc.state, f.get(t, missed).State)
			assert.Len(t, f.x.Posts(), tc.posts)
			assert.Equal(t, calendar.Scheduled, f.get(t, later).State, "not yet due: resumes as planned")
			f.clock.Advance(4 * time.Hour) // 10 minutes after its time
			f.drain(t)
			assert.Equal(t, calendar.Published, f.get(t, later).State)
		})
	}
}

func TestPauseCheckedAtClaimTime(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	e := f.scheduled(t, monday, "Hola", "acme-es-x")
	// A pause written straight to the store (another process), not yet applied to entries.
	require.NoError(t, f.store.PutPause(ctx, calendar.Pause{ID: "all", At: monday}))
	f.drain(t)
	assert.Empty(t, f.x.Posts())
	assert.Equal(t, "all", f.get(t, e).PausedBy)
}

func TestCancel(t *testing.T) {
	f := newFixture(t)
	e := f.scheduled(t, monday.Add(time.Hour), "Hola", "acme-es-x")
	_, err := f.cal.Cancel(as("ola"), e.ID, e.Version)
	assert.ErrorIs(t, err, cmkit.ErrForbidden)
	e, err = f.cal.Cancel(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	f.clock.Advance(2 * time.Hour)
	f.drain(t)
	assert.Empty(t, f.x.Posts())
	assert.Equal(t, calendar.Cancelled, f.get(t, e).State)
}

func TestRunStopsOnContextAndFollowsTheClock(t *testing.T) {
	f := newFixture(t, func(c *calendar.PublisherConfig) { c.Poll = time.Minute })
	e := f.scheduled(t, monday.Add(3*time.Minute), "Hola", "acme-es-x")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.pub.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	for f.get(t, e).State != calendar.Published {
		require.NoError(t, f.clock.WaitForTimers(wctx, 1))
		f.clock.Advance(time.Minute)
	}
	cancel()
	require.NoError(t, <-done)
	assert.Len(t, f.x.Posts(), 1)
}

func TestPublisherConfigIsValidated(t *testing.T) {
	f := newFixture(t)
	for field, bad := range map[string]tune{
		"PublisherConfig.Lease":       func(c *calendar.PublisherConfig) { c.Lease = time.Second },
		"PublisherConfig.Batch":       func(c *calendar.PublisherConfig) { c.Batch = 0 },
		"PublisherConfig.Concurrency": func(c *calendar.PublisherConfig) { c.Concurrency = 0 },
		"PublisherConfig.MaxAttempts": func(c *calendar.PublisherConfig) { c.MaxAttempts = 0 },
		"PublisherConfig.Backoff":     func(c *calendar.PublisherConfig) { c.MaxBackoff = c.Backoff / 2 },
		"PublisherConfig.RateLimits[x]": func(c *calendar.PublisherConfig) {
			c.RateLimits = map[string]calendar.RateLimit{"x": {Every: 0, Burst: 1}}
		},
		"PublisherConfig.Reschedule": func(c *calendar.PublisherConfig) { c.Missed = calendar.MoveMissed },
		"PublisherConfig.Missed":     func(c *calendar.PublisherConfig) { c.Missed = 0 },
		"PublisherConfig.MaxLate":    func(c *calendar.PublisherConfig) { c.MaxLate = -time.Second },
	} {
		_, err := calendar.NewPublisher(f.cal, testConfig("p", bad))
		var ve *cmkit.ValidationError
		if assert.ErrorAs(t, err, &ve, field) {
			assert.Equal(t, field, ve.Field)
		}
	}
	p, err := calendar.NewPublisher(f.cal, calendar.PublisherConfig{Name: "zero"})
	assert.Nil(t, p)
	assert.ErrorIs(t, err, cmkit.ErrInvalid, "a zero config is not the defaults")
	_, err = calendar.NewPublisher(f.cal, calendar.DefaultPublisherConfig())
	assert.NoError(t, err, "the defaults work, with a random name")
}

func TestInReviewAtItsTimeExpiresAndTellsApprovers(t *testing.T) {
	f := newFixture(t)
	e, err := f.cal.Create(as("ola"), calendar.Entry{Title: "t", Brand: "acme", At: monday.Add(time.Hour),
		Variants: variants("Hola", "acme-es-x")})
	require.NoError(t, err)
	e, err = f.cal.Submit(as("ola"), e.ID, e.Version)
	require.NoError(t, err)
	f.clock.Advance(time.Hour)
	f.drain(t)
	e = f.get(t, e)
	assert.Equal(t, calendar.Expired, e.State)
	assert.Empty(t, f.x.Posts())
	f.mu.Lock()
	defer f.mu.Unlock()
	require.NotEmpty(t, f.events)
	last := f.events[len(f.events)-1]
	assert.Equal(t, calendar.EventExpired, last.Kind)
	assert.Equal(t, []string{"bea", "sam"}, last.Notify)
}

func TestPublishMissedIsPacedNotABurst(t *testing.T) {
	f := newFixture(t)
	for i := range 3 {
		f.scheduled(t, monday.Add(time.Duration(i)*10*time.Minute), "Hola", "acme-es-x")
	}
	_, err := f.cal.Pause(as("bea"), calendar.Pause{ID: "p", Brand: "acme"})
	require.NoError(t, err)
	f.clock.Advance(3 * time.Hour) // longer than the publisher's lateness limit
	_, err = f.cal.Resume(as("bea"), "p", calendar.PublishMissed, nil)
	require.NoError(t, err)
	f.drain(t)
	assert.Len(t, f.x.Posts(), 1, "one now")
	f.clock.Advance(5 * time.Minute)
	f.drain(t)
	assert.Len(t, f.x.Posts(), 2, "the next five minutes later")
	f.clock.Advance(5 * time.Minute)
	f.drain(t)
	assert.Len(t, f.x.Posts(), 3)
}

// A content warning is Mastodon's: the same post on X is refused at
// Schedule, with the field named, rather than published without it.
func TestScheduleRefusesAContentWarningWhereThePlatformHasNone(t *testing.T) {
	f := newFixture(t)
	vs := variants("El final de la temporada", "acme-es-x", "acme-es-mastodon")
	for i := range vs {
		vs[i].Post.ContentWarning = "Spoilers"
	}
	e, err := f.cal.Create(as("bea"), calendar.Entry{Title: "t", Brand: "acme", At: monday, Variants: vs})
	require.NoError(t, err)
	e, err = f.cal.Submit(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	_, err = f.cal.Schedule(as("bea"), e.ID, e.Version)
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	var ce *calendar.CheckError
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.Findings, 1)
	assert.Equal(t, "acme-es-x", ce.Findings[0].Channel)
	assert.Equal(t, "content_warning", ce.Findings[0].Rule)
	assert.Equal(t, "post.content_warning", ce.Findings[0].Field)
	assert.Zero(t, ce.Findings[0].End, "no span in the text")
	assert.Equal(t, calendar.Approved, f.get(t, e).State, "nothing changed")
}
