package calendar_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/styleguide"
)

// acmeGuide bans "barato" (an error), counts exclamation marks (a
// warning), requires a disclosure on promotions (an error) and avoids
// "jaja" while a crisis is on (an error).
func acmeGuide(t *testing.T) *styleguide.Guide {
	t.Helper()
	layer, err := styleguide.ParseLayer([]byte(`{"name": "acme", "rules": [
	  {"id": "no-cheap", "kind": "banned", "severity": "error", "terms": ["barato"]},
	  {"id": "bangs", "kind": "count", "count": "exclamations", "max": 1},
	  {"id": "disclosure", "kind": "conditional", "severity": "error",
	   "when": {"campaign_kinds": ["promotion"]}, "require": {"terms": ["#publi"]}},
	  {"id": "no-jokes", "kind": "crisis", "severity": "error", "terms": ["jaja"]}
	]}`))
	require.NoError(t, err)
	g, err := styleguide.Compile([]styleguide.Layer{layer})
	require.NoError(t, err)
	return g
}

// styleCalendar is f's calendar again, with the guide: same store, team and
// channels.
func styleCalendar(t *testing.T, f *fixture, opts calendar.StyleOptions) (*calendar.Calendar, *calendar.Publisher) {
	t.Helper()
	cal, err := calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(f.x, f.masto, f.fb), calendar.WithLogger(quiet),
		calendar.WithStyleGuide(acmeGuide(t), opts))
	require.NoError(t, err)
	pub, err := calendar.NewPublisher(cal, testConfig("style"))
	require.NoError(t, err)
	return cal, pub
}

func submitted(t *testing.T, cal *calendar.Calendar, e calendar.Entry) calendar.Entry {
	t.Helper()
	e, err := cal.Create(as("bea"), e)
	require.NoError(t, err)
	e, err = cal.Submit(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	return e
}

func TestStyleGuideErrorsBlockAndWarningsAreKept(t *testing.T) {
	f := newFixture(t)
	cal, _ := styleCalendar(t, f, calendar.StyleOptions{})

	bad := submitted(t, cal, calendar.Entry{Title: "t", Brand: "acme", At: monday.Add(time.Hour),
		Variants: variants("Todo barato hoy", "acme-es-x", "acme-es-mastodon")})
	_, err := cal.Schedule(as("bea"), bad.ID, bad.Version)
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	var ce *calendar.CheckError
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.Findings, 2, "one per channel")
	for _, fd := range ce.Findings {
		assert.Equal(t, "styleguide", fd.Check)
		assert.Equal(t, "no-cheap", fd.Rule)
		assert.Equal(t, "post.text", fd.Field)
		assert.Equal(t, "barato", "Todo barato hoy"[fd.Start:fd.End])
		assert.False(t, fd.Warning)
	}

	loud := submitted(t, cal, calendar.Entry{Title: "t", Brand: "acme", At: monday.Add(time.Hour),
		Variants: variants("¡¡Ya está aquí!!", "acme-es-x")})
	loud, err = cal.Schedule(as("bea"), loud.ID, loud.Version)
	require.NoError(t, err, "a warning does not block")
	assert.Equal(t, calendar.Scheduled, loud.State)
	require.Len(t, loud.Warnings, 1)
	assert.Equal(t, "bangs", loud.Warnings[0].Rule)
	assert.True(t, loud.Warnings[0].Warning)
	stored, err := cal.Get(context.Background(), loud.ID)
	require.NoError(t, err)
	assert.Equal(t, loud.Warnings, stored.Warnings, "the warnings are stored with the entry")
}

func TestStyleGuideSeesTheCampaignKind(t *testing.T) {
	f := newFixture(t)
	cal, _ := styleCalendar(t, f, calendar.StyleOptions{})
	_, err := cal.CreateCampaign(as("sam"), calendar.Campaign{Name: "rebajas", Brand: "acme", Kind: "promotion",
		Start: monday.Add(-time.Hour), End: monday.Add(30 * 24 * time.Hour)})
	require.NoError(t, err)

	e := submitted(t, cal, calendar.Entry{Title: "t", Brand: "acme", At: monday.Add(time.Hour), Campaign: "rebajas",
		Variants: variants("Rebajas en toda la tienda", "acme-es-x")})
	_, err = cal.Schedule(as("bea"), e.ID, e.Version)
	var ce *calendar.CheckError
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.Findings, 1)
	assert.Equal(t, "disclosure", ce.Findings[0].Rule)

	ok := submitted(t, cal, calendar.Entry{Title: "t", Brand: "acme", At: monday.Add(time.Hour), Campaign: "rebajas",
		Variants: variants("Rebajas en toda la tienda #publi", "acme-es-x")})
	_, err = cal.Schedule(as("bea"), ok.ID, ok.Version)
	require.NoError(t, err)
}

// A crisis declared after scheduling stops, at send time, a post that
// breaks a crisis rule; the rule does not apply while no crisis is on.
func TestStyleGuideCrisisDeclaredAfterSchedulingStopsTheSend(t *testing.T) {
	f := newFixture(t)
	var crisis atomic.Bool
	var asked atomic.Int32
	cal, pub := styleCalendar(t, f, calendar.StyleOptions{Crisis: func(_ context.Context, brand string) bool {
		asked.Add(1)
		assert.Equal(t, "acme", brand)
		return crisis.Load()
	}})
	e := submitted(t, cal, calendar.Entry{Title: "t", Brand: "acme", At: monday.Add(time.Hour),
		Variants: variants("Lunes otra vez, jaja", "acme-es-x")})
	e, err := cal.Schedule(as("bea"), e.ID, e.Version)
	require.NoError(t, err, "no crisis yet")
	assert.NotZero(t, asked.Load())

	crisis.Store(true)
	f.clock.Advance(2 * time.Hour)
	_, err = pub.RunOnce(context.Background())
	require.NoError(t, err)
	got, err := cal.Get(context.Background(), e.ID)
	require.NoError(t, err)
	assert.Equal(t, calendar.Rejected, got.Variants[0].State)
	assert.Contains(t, got.Variants[0].Error, "no-jokes")
	assert.Zero(t, f.x.Count(got.Variants[0].Post.ID), "nothing went out")
}

func TestStyleGuideChecksEveryThreadPart(t *testing.T) {
	f := newFixture(t)
	cal, _ := styleCalendar(t, f, calendar.StyleOptions{})
	vs := variants("Primera parte", "acme-es-mastodon")
	vs[0].Thread = []cmkit.Post{{Text: "Segunda parte, barato"}}
	e := submitted(t, cal, calendar.Entry{Title: "t", Brand: "acme", At: monday.Add(time.Hour), Variants: vs})
	_, err := cal.Schedule(as("bea"), e.ID, e.Version)
	var ce *calendar.CheckError
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.Findings, 1)
	assert.Equal(t, 1, ce.Findings[0].Part)
	assert.Contains(t, ce.Findings[0].Message, "thread part 2")
}

func TestWithStyleGuideNeedsAGuide(t *testing.T) {
	_, err := calendar.New(calendar.NewMemoryStore(), calendar.WithStyleGuide(nil, calendar.StyleOptions{}))
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}
