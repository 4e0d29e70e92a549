package inbox_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	. "github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/moderation/listen"
)

// Run does a Step at once and then every interval of the inbox's clock,
// and returns ctx's error when ctx is done.
func TestRunStepsOnTheClockAndStops(t *testing.T) {
	e := newWorkEnv(t, WithRunInterval(time.Minute))
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan error, 1)
	go func() { done <- e.ib.Run(ctx) }()
	pulled := func() int64 { return int64(e.ib.IngestCounts().Ingested) }

	require.NoError(t, e.clock.WaitForTimers(e.ctx, 1), "the first step ran and Run waits")
	_, err := e.es.Feed(cmkit.Mention{Author: cmkit.Author{ID: "u1"}, Text: "hola"})
	require.NoError(t, err)
	assert.Zero(t, pulled(), "nothing before the interval passes")
	e.clock.Advance(time.Minute)
	require.NoError(t, e.clock.WaitForTimers(e.ctx, 1), "the second step ran")
	assert.Equal(t, int64(1), pulled())

	cancel()
	select {
	case err := <-done:
		require.ErrorIs(t, err, context.Canceled)
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after its context was canceled")
	}
	assert.Zero(t, e.clock.Pending(), "Run stopped its timer")
}

// A part of Step that fails does not stop the others, and the error
// names it.
func TestStepGoesOnWhenAPartFails(t *testing.T) {
	e := newWorkEnv(t)
	_, err := e.es.Feed(cmkit.Mention{Author: cmkit.Author{ID: "u1"}, Text: "hola"})
	require.NoError(t, err)
	e.es.InjectRead(cmkittest.FaultTransient)
	e.help.Fail(cmkit.Errorf(cmkit.ErrTransient, "helpdesk down"))
	c := e.newConv(e.pl, "paczka nie dotarła")
	_, err = e.ib.Route(e.as("sam"), c.ID, c.Version, "lost parcel")
	require.NoError(t, err)

	err = e.ib.Step(e.ctx)
	require.Error(t, err)
	assert.ErrorIs(t, err, cmkit.ErrTransient)
	assert.Contains(t, err.Error(), "inbox: pull:")
	assert.Equal(t, 1, e.help.Calls(), "the handoff part ran although the pull failed")
	assert.Equal(t, 1, e.get(c.ID).Handoff.Attempts, "its transient failure is recorded for a retry, not returned")

	require.NoError(t, e.ib.Step(e.ctx), "the read succeeds the second time")
	assert.Equal(t, uint64(1), e.ib.IngestCounts().Ingested)
}

func TestWithRunIntervalRefusesNonPositive(t *testing.T) {
	_, err := New(NewMemoryStore(), WithRunInterval(0))
	requireInvalid(t, err, "WithRunInterval")
}

// Listening counts each new message once (not a webhook's repeat, not an
// edit) and counts the public posts a search source brings without
// making them conversations; the search checkpoint means a second pull
// counts nothing again.
func TestListeningCountsEachPostOnce(t *testing.T) {
	l, err := listen.Compile([]listen.SavedQuery{{ID: "acme", Query: "acme"}, {ID: "rival", Query: "rival"}})
	require.NoError(t, err)
	tally, err := listen.NewTally(l, listen.TallyConfig{Bucket: time.Hour, Location: time.UTC, Retain: 48})
	require.NoError(t, err)
	e := newWorkEnv(t, WithListening(l, tally), WithSearch("acme-es-x", "acme"))
	count := func(id string) int64 {
		t.Helper()
		seq, err := tally.Counts(id, workT0.Add(-time.Hour), workT0.Add(time.Hour))
		require.NoError(t, err)
		var n int64
		for _, c := range seq {
			n += c
		}
		return n
	}

	fed, err := e.es.Feed(cmkit.Mention{Author: cmkit.Author{ID: "u1"}, Text: "acme y rival", CreatedAt: workT0})
	require.NoError(t, err)
	require.NoError(t, e.ib.Push(e.ctx, fed...))
	require.NoError(t, e.ib.Push(e.ctx, fed...), "the webhook again")
	_, err = e.es.Edit(fed[0].ID, "acme, rival y acme", workT0.Add(time.Minute))
	require.NoError(t, err)
	_, err = e.ib.PullAll(e.ctx) // the original and the edit
	require.NoError(t, err)
	assert.Equal(t, int64(1), count("acme"))
	assert.Equal(t, int64(1), count("rival"))

	_, err = e.es.FeedPublic(cmkit.Mention{Author: cmkit.Author{ID: "p1"}, Text: "acme is great", CreatedAt: workT0},
		cmkit.Mention{Author: cmkit.Author{ID: "p2"}, Text: "acme vs rival", CreatedAt: workT0})
	require.NoError(t, err)
	n, err := e.ib.Search(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = e.ib.Search(e.ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "the checkpoint moved")
	assert.Equal(t, int64(3), count("acme"))
	assert.Equal(t, int64(2), count("rival"))
	assert.Len(t, collect(t, e.store.Conversations(e.ctx, Filter{})), 1, "searched posts are counted, not conversations")
}

func TestWithSearchNeedsASearcher(t *testing.T) {
	e := newWorkEnv(t)
	_, err := New(NewMemoryStore(), WithTeam(e.dir), WithEngine(e.ib.EngineForTest()), WithSearch("nope", "acme"))
	requireInvalid(t, err, "WithSearch.channel")
	_, err = New(NewMemoryStore(), WithTeam(e.dir), WithChannels(e.es), WithSearch("acme-es-x", ""))
	requireInvalid(t, err, "WithSearch.keywords")
	_, err = New(NewMemoryStore(), WithListening(nil, nil))
	require.True(t, errors.Is(err, cmkit.ErrInvalid))
}
