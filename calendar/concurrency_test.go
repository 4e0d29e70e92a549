package calendar_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
)

// Issue 10, item 10: one publisher works on several channels at once, so a
// platform that hangs holds up only its own posts; posts on one channel
// still go out one at a time, in order.
func TestOneHangingPlatformDoesNotHoldUpTheOthers(t *testing.T) {
	f := newFixture(t)
	_, _, fb := withGates(t, f)
	release := make(chan struct{})
	fb.onPublish(func(context.Context) {
		select {
		case <-release:
		case <-time.After(10 * time.Second):
		}
	})
	hung := f.scheduled(t, monday, "Hola", "acme-es-fb")
	var others []calendar.Entry
	for i, ch := range []string{"acme-es-mastodon", "acme-es-mastodon", "acme-es-x"} {
		others = append(others, f.scheduled(t, monday.Add(time.Duration(i+1)*time.Second), "post "+string(rune('a'+i)), ch))
	}
	f.clock.Advance(5 * time.Second)
	done := make(chan error, 1)
	go func() { _, err := f.pub.RunOnce(context.Background()); done <- err }()

	deadline := time.After(5 * time.Second)
	for len(f.masto.Posts()) < 2 || len(f.x.Posts()) < 1 {
		select {
		case <-deadline:
			t.Fatalf("the other channels waited for the hanging one: mastodon %d, x %d posts", len(f.masto.Posts()), len(f.x.Posts()))
		case <-time.After(time.Millisecond):
		}
	}
	assert.Empty(t, f.fb.Posts(), "still hanging")
	posts := f.masto.Posts()
	assert.Equal(t, "post a", posts[0].Post.Text, "one channel's posts keep the order they were claimed in")
	assert.Equal(t, "post b", posts[1].Post.Text)

	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, calendar.Published, f.get(t, hung).State)
	for _, e := range others {
		assert.Equal(t, calendar.Published, f.get(t, e).State)
	}
}

func TestConcurrencyOneWorksInOrder(t *testing.T) {
	f := newFixture(t, func(c *calendar.PublisherConfig) { c.Concurrency = 1 })
	for i := range 3 {
		f.scheduled(t, monday.Add(time.Duration(i)*time.Second), "post "+string(rune('a'+i)), []string{"acme-es-mastodon", "acme-es-x", "acme-es-mastodon"}[i])
	}
	f.clock.Advance(5 * time.Second)
	f.drain(t)
	require.Len(t, f.masto.Posts(), 2)
	assert.Equal(t, "post a", f.masto.Posts()[0].Post.Text)
	_, err := calendar.NewPublisher(f.cal, testConfig("p", func(c *calendar.PublisherConfig) { c.Concurrency = 0 }))
	assert.Error(t, err)
}

// Found by the simulation (seed 1092): a batch's later entry, taken over by
// another publisher while the earlier ones were slow, was worked on from a
// stale read (a lookup while the other publisher's call was in flight);
// the publisher now reads it again and leaves it alone.
func TestBatchReadsAnEntryAgainBeforeWorkingOnIt(t *testing.T) {
	f := newFixture(t)
	x, _, _ := withGates(t, f, func(c *calendar.PublisherConfig) { c.Concurrency = 1 })
	a := f.scheduled(t, monday, "a", "acme-es-x")
	b := f.scheduled(t, monday, "b", "acme-es-x")
	f.x.Inject(cmkittest.FaultTimeout, cmkittest.FaultTimeout) // both look up first next time
	f.drain(t)
	f.clock.Advance(10 * time.Minute) // both due again, in one batch

	p2 := f.publisher(t, "p2")
	x.onFind(func(context.Context) { f.clock.Advance(time.Minute) }) // the batch's first lookup is slow
	x.onPublish(func(context.Context) {
		f.clock.Advance(70 * time.Second) // the batch's claim on the other entry has ended
		n, err := p2.RunOnce(context.Background())
		require.NoError(t, err)
		require.Equal(t, 1, n, "p2 takes the other entry over")
	})
	x.onFind(func(context.Context) {})                                                     // p2's lookup
	x.onFind(func(context.Context) { t.Error("p1 looked up an entry p2 had taken over") }) // p1, stale
	f.drain(t)
	for _, e := range []calendar.Entry{a, b} {
		got := f.get(t, e)
		assert.Equal(t, calendar.Published, got.State)
		assert.Equal(t, 1, f.x.Count(got.Variants[0].Post.ID))
	}
}
