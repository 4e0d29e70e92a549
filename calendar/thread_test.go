package calendar_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
)

// scheduledThread schedules a thread of the given parts on channel.
func (f *fixture) scheduledThread(t *testing.T, channel string, parts ...string) calendar.Entry {
	t.Helper()
	e := f.approvedThread(t, channel, parts...)
	e, err := f.cal.Schedule(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	return e
}

// approvedThread creates and approves a thread of the given parts on
// channel.
func (f *fixture) approvedThread(t *testing.T, channel string, parts ...string) calendar.Entry {
	t.Helper()
	v := calendar.Variant{Channel: channel, Post: cmkit.Post{Text: parts[0]}}
	for _, p := range parts[1:] {
		v.Thread = append(v.Thread, cmkit.Post{Text: p})
	}
	e, err := f.cal.Create(as("bea"), calendar.Entry{Title: "Thread", At: monday, Variants: []calendar.Variant{v}})
	require.NoError(t, err)
	e, err = f.cal.Submit(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	if e.State == calendar.InReview {
		e, err = f.cal.Approve(as("sam"), e.ID, e.Version)
		require.NoError(t, err)
	}
	return e
}

// threadOnPlatform checks that fake holds the thread of v exactly once, in
// order, each part replying to the one before it.
func threadOnPlatform(t *testing.T, fake *cmkittest.FakeChannel, v *calendar.Variant) {
	t.Helper()
	ids := []cmkit.Post{v.Post}
	ids = append(ids, v.Thread...)
	posts := fake.Posts()
	require.Len(t, posts, len(ids), "one platform post per part")
	for k, p := range posts {
		assert.Equal(t, ids[k].ID, p.Post.ID, "part %d in order", k+1)
		assert.Equal(t, 1, fake.Count(ids[k].ID), "part %d published once", k+1)
		if k == 0 {
			assert.Empty(t, p.Post.InReplyTo)
			assert.Equal(t, p.Receipt.PlatformID, v.Receipt.PlatformID)
		} else {
			assert.Equal(t, posts[k-1].Receipt.PlatformID, p.Post.InReplyTo, "part %d replies to part %d", k+1, k)
			assert.Equal(t, p.Receipt.PlatformID, v.Replies[k-1].PlatformID)
		}
	}
}

func partOutcomes(v *calendar.Variant) []string {
	var out []string
	for _, a := range v.Attempts {
		out = append(out, string(a.Outcome)+"@"+strconv.Itoa(a.Part+1))
	}
	return out
}

func TestThreadPublishedInOrderWithRepliesLinked(t *testing.T) {
	f := newFixture(t)
	e := f.scheduledThread(t, "acme-es-mastodon", "Hoy abrimos en Madrid 1/3", "Regalos para los cien primeros 2/3", "¡Os esperamos! 3/3")
	f.drain(t)
	e = f.get(t, e)
	v := e.Variant("acme-es-mastodon")
	assert.Equal(t, calendar.Published, e.State)
	assert.Equal(t, calendar.Sent, v.State)
	assert.Equal(t, []string{"accepted@1", "accepted@2", "accepted@3"}, partOutcomes(v))
	threadOnPlatform(t, f.masto, v)
	var published []calendar.Event
	for _, ev := range f.events {
		if ev.Kind == "published" {
			published = append(published, ev)
		}
	}
	require.Len(t, published, 1, "one event for the whole thread")
	assert.Equal(t, v.Receipt, published[0].Receipt, "the thread's address is its first post")
}

// A failure on part 2 leaves part 1 out and resumes at part 2: a
// transient one on a RetryUnsafe channel (a part sent twice would show
// twice), an ambiguous one (part 2 out, its answer lost) on a
// RetryIdempotent channel, retried with the same ID.
func TestThreadFailureOnPart2ResumesWithoutRepeatingParts(t *testing.T) {
	for _, tc := range []struct {
		name, channel string
		fault         cmkittest.Fault
		first         string
	}{
		{"TransientOnUnsafeChannel", "acme-es-fb", cmkittest.FaultTransient, "transient@2"},
		{"AmbiguousOnIdempotentChannel", "acme-es-mastodon", cmkittest.FaultLostResponse, "ambiguous@2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			fake := map[string]*cmkittest.FakeChannel{"acme-es-fb": f.fb, "acme-es-mastodon": f.masto}[tc.channel]
			e := f.scheduledThread(t, tc.channel, "uno", "dos", "tres")
			fake.Inject(0, tc.fault)
			f.drain(t)
			e = f.get(t, e)
			v := e.Variant(tc.channel)
			assert.Equal(t, calendar.Publishing, e.State)
			assert.Equal(t, calendar.Pending, v.State, "retried, not sent to a person")
			assert.Equal(t, []string{"accepted@1", tc.first}, partOutcomes(v))

			f.clock.Advance(2 * time.Minute)
			f.drain(t)
			e = f.get(t, e)
			v = e.Variant(tc.channel)
			assert.Equal(t, calendar.Published, e.State)
			assert.Equal(t, []string{"accepted@1", tc.first, "accepted@2", "accepted@3"}, partOutcomes(v))
			threadOnPlatform(t, fake, v)
		})
	}
}

func TestThreadAmbiguousPart2OnUnsafeChannelWaitsForAPersonThenResumes(t *testing.T) {
	f := newFixture(t)
	e := f.scheduledThread(t, "acme-es-fb", "uno", "dos", "tres")
	f.fb.Inject(0, cmkittest.FaultLostResponse)
	f.drain(t)
	e = f.get(t, e)
	v := e.Variant("acme-es-fb")
	require.Equal(t, calendar.Verify, e.State)
	require.Equal(t, calendar.Unknown, v.State)
	require.Len(t, f.fb.Posts(), 2, "part 2 is out, but the publisher cannot know")

	_, err := f.grantedResolve(e, "")
	require.ErrorIs(t, err, cmkit.ErrInvalid, "the next part replies to part 2: its platform ID is needed")
	e, err = f.grantedResolve(e, f.fb.Posts()[1].Receipt.PlatformID)
	require.NoError(t, err)
	assert.Equal(t, calendar.Publishing, e.State)
	f.drain(t)
	e = f.get(t, e)
	v = e.Variant("acme-es-fb")
	assert.Equal(t, calendar.Published, e.State)
	threadOnPlatform(t, f.fb, v)
}

// grantedResolve has sam (who may publish) record that the part in doubt
// of the thread on Facebook is out at platformID.
func (f *fixture) grantedResolve(e calendar.Entry, platformID string) (calendar.Entry, error) {
	return f.cal.Resolve(as("sam"), e.ID, calendar.Latest, calendar.Resolution{Channel: "acme-es-fb", Found: true, PlatformID: platformID})
}

// hooked is a thread channel that runs a hook before each PublishReply.
type hooked struct {
	*cmkittest.FakeChannel
	before func(post cmkit.Post)
}

func (h *hooked) PublishReply(ctx context.Context, parent cmkit.Receipt, post cmkit.Post) (cmkit.Receipt, error) {
	if h.before != nil {
		h.before(post)
	}
	return h.FakeChannel.PublishReply(ctx, parent, post)
}

func TestThreadCutOffMidThreadResumesOnTheNextClaim(t *testing.T) {
	f := newFixture(t)
	fake := fakeOn(t, f.clock, "acme-es-bsky", cmkit.Bluesky, cmkit.RetryIdempotent)
	ch := &hooked{FakeChannel: fake}
	var err error
	f.cal, err = calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(ch), calendar.WithLogger(quiet))
	require.NoError(t, err)
	f.pub = f.publisher(t, "p1")
	p2 := f.publisher(t, "p2")
	e := f.scheduledThread(t, "acme-es-bsky", "uno", "dos", "tres")

	taken := false
	ch.before = func(post cmkit.Post) {
		if taken || post.ID != e.Variants[0].Thread[0].ID {
			return
		}
		taken = true
		// p1 hangs in its call for part 2 past its lease: as if it had
		// died, p2 takes the entry over and finishes the thread.
		f.clock.Advance(3 * time.Minute)
		n, err := p2.RunOnce(context.Background())
		require.NoError(t, err)
		require.Equal(t, 1, n)
		cur := f.get(t, e)
		v := cur.Variant("acme-es-bsky")
		require.Equal(t, calendar.Published, cur.State)
		require.Equal(t, []string{"accepted@1", "ambiguous@2", "accepted@2", "accepted@3"}, partOutcomes(v))
	}
	f.drain(t) // p1's late answer for part 2 is the same post (idempotent)
	require.True(t, taken)
	e = f.get(t, e)
	v := e.Variant("acme-es-bsky")
	assert.Equal(t, calendar.Published, e.State)
	// p1's own answer for part 2 replaces p2's guess when it arrives; its
	// call may also have timed out (on the simulated clock) unsent.
	got := partOutcomes(v)
	require.Len(t, got, 4)
	assert.Equal(t, []string{"accepted@1", "accepted@2", "accepted@3"}, []string{got[0], got[2], got[3]})
	threadOnPlatform(t, fake, v)
}

// plain is a channel with no optional capability.
type plain struct{ cmkit.Channel }

func TestThreadRefusedAtScheduleOnAChannelWithoutTheCapability(t *testing.T) {
	f := newFixture(t)
	fake := fakeOn(t, f.clock, "acme-es-blog", cmkit.Blog, cmkit.RetryIdempotent)
	var err error
	f.cal, err = calendar.New(calendar.NewMemoryStore(), calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(plain{fake}), calendar.WithLogger(quiet))
	require.NoError(t, err)
	e := f.approvedThread(t, "acme-es-blog", "uno", "dos")
	_, err = f.cal.Schedule(as("bea"), e.ID, e.Version)
	require.ErrorIs(t, err, cmkit.ErrUnsupported)
	require.True(t, errors.Is(err, errors.ErrUnsupported))
	var ue *cmkit.UnsupportedError
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "acme-es-blog", ue.Channel)
	assert.Equal(t, cmkit.CapThread, ue.Capability)
	assert.Equal(t, calendar.Approved, f.get(t, e).State, "nothing written")
}

func TestThreadPartOverTheLimitIsRefusedAtSchedule(t *testing.T) {
	f := newFixture(t)
	long := ""
	for len(long) < 600 {
		long += "palabra "
	}
	e, err := f.cal.Create(as("bea"), calendar.Entry{Title: "Thread", At: monday, Variants: []calendar.Variant{{
		Channel: "acme-es-mastodon", Post: cmkit.Post{Text: "uno"}, Thread: []cmkit.Post{{Text: "dos"}, {Text: long}}}}})
	require.NoError(t, err)
	err = f.cal.Validate(context.Background(), &e)
	var ce *calendar.CheckError
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.Findings, 1)
	assert.Equal(t, "max_length", ce.Findings[0].Rule)
	assert.Equal(t, 2, ce.Findings[0].Part, "Thread[1], the third post")
}
