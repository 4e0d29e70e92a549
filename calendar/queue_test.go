package calendar_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/calendar/recur"
)

func withSlots(t *testing.T, f *fixture, plan string, gap time.Duration, blackouts ...recur.Blackout) *calendar.Calendar {
	t.Helper()
	s, err := recur.ParseSlots(plan)
	require.NoError(t, err)
	s.MinGap, s.Blackouts = gap, blackouts
	cal, err := calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(f.x, f.masto), calendar.WithSlots("acme-es-x", s), calendar.WithLogger(quiet))
	require.NoError(t, err)
	return cal
}

func approved(t *testing.T, cal *calendar.Calendar, title string, channels ...string) calendar.Entry {
	t.Helper()
	e, err := cal.Create(as("bea"), calendar.Entry{Title: title, Brand: "acme", Variants: variants(title, channels...)})
	require.NoError(t, err)
	e, err = cal.Submit(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	require.Equal(t, calendar.Approved, e.State)
	return e
}

func TestAddToQueueFillsSlotsAcrossDST(t *testing.T) {
	f := newFixture(t)
	// Friday 27 March 2026, 10:00 in Madrid; clocks go forward on Sunday the 29th.
	f.clock.Set(time.Date(2026, 3, 27, 10, 0, 0, 0, madrid))
	cal := withSlots(t, f, "Mon-Fri 09:00 13:30, Sat 11:00, Europe/Madrid", time.Hour)
	var got []string
	for i := range 4 {
		e := approved(t, cal, "post", "acme-es-x")
		e, err := cal.AddToQueue(as("bea"), e.ID, e.Version)
		require.NoError(t, err, "post %d", i)
		assert.Equal(t, calendar.Scheduled, e.State)
		got = append(got, e.At.In(madrid).Format("Mon 02 15:04 MST"))
	}
	assert.Equal(t, []string{"Fri 27 13:30 CET", "Sat 28 11:00 CET", "Mon 30 09:00 CEST", "Mon 30 13:30 CEST"}, got,
		"wall-clock slots: 09:00 stays 09:00 after the change")

	// A junior may not queue: scheduling needs the permission.
	e, err := cal.Create(as("ola"), calendar.Entry{Title: "t", Brand: "acme", Variants: variants("x", "acme-es-x")})
	require.NoError(t, err)
	_, err = cal.AddToQueue(as("ola"), e.ID, e.Version)
	assert.ErrorIs(t, err, cmkit.ErrConflict, "not approved yet")
}

func TestNextSlotHonoursGapsAndBlackoutsOnEveryChannel(t *testing.T) {
	f := newFixture(t)
	holiday := recur.Blackout{Start: time.Date(2026, 11, 23, 12, 0, 0, 0, madrid), End: time.Date(2026, 11, 24, 0, 0, 0, 0, madrid), Reason: "holiday"}
	cal := withSlots(t, f, "Mon-Fri 09:00 13:30 18:00, Europe/Madrid", 2*time.Hour, holiday)
	ctx := context.Background()
	t1, err := cal.NextSlot(ctx, []string{"acme-es-x"}, monday)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 11, 23, 9, 0, 0, 0, madrid), t1.In(madrid))
	// Book 09:00; the 13:30 and 18:00 slots fall in the holiday: next is Tuesday 09:00.
	e := approved(t, cal, "first", "acme-es-x")
	_, err = cal.AddToQueue(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	t2, err := cal.NextSlot(ctx, []string{"acme-es-x"}, monday)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 11, 24, 9, 0, 0, 0, madrid), t2.In(madrid))
	_, err = cal.NextSlot(ctx, []string{"acme-es-mastodon"}, monday)
	assert.ErrorIs(t, err, cmkit.ErrInvalid, "no slots on that channel")
}

func TestConflicts(t *testing.T) {
	f := newFixture(t)
	holiday := recur.Blackout{Start: time.Date(2026, 11, 25, 0, 0, 0, 0, madrid), End: time.Date(2026, 11, 26, 0, 0, 0, 0, madrid), Reason: "holiday"}
	cal := withSlots(t, f, "Mon-Fri 09:00, Europe/Madrid", time.Hour, holiday)
	schedule := func(title string, at time.Time) calendar.Entry {
		e := approved(t, cal, title, "acme-es-x")
		e.At = at
		e, err := f.store.Put(context.Background(), e)
		require.NoError(t, err)
		e, err = cal.Schedule(as("bea"), e.ID, e.Version)
		require.NoError(t, err)
		return e
	}
	a := schedule("a", time.Date(2026, 11, 24, 9, 0, 0, 0, madrid))
	b := schedule("b", time.Date(2026, 11, 24, 9, 30, 0, 0, madrid))
	c := schedule("c", time.Date(2026, 11, 25, 10, 0, 0, 0, madrid))
	schedule("d", time.Date(2026, 11, 26, 10, 0, 0, 0, madrid))
	got, err := cal.Conflicts(context.Background(), monday, monday.AddDate(0, 0, 7))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, calendar.ConflictGap, got[0].Kind)
	assert.Equal(t, []any{a.ID, b.ID}, []any{got[0].Entries[0], got[0].Entries[1]})
	assert.Equal(t, calendar.ConflictBlackout, got[1].Kind)
	assert.Equal(t, c.ID, got[1].Entries[0])
	assert.Contains(t, got[1].Detail, "holiday")
}

func TestResumeMovesMissedPostsToTheQueue(t *testing.T) {
	f := newFixture(t)
	cal := withSlots(t, f, "Mon-Fri 09:00 13:30, Europe/Madrid", time.Hour)
	e := approved(t, cal, "missed", "acme-es-x")
	e.At = monday.Add(time.Hour)
	e, err := f.store.Put(context.Background(), e)
	require.NoError(t, err)
	e, err = cal.Schedule(as("bea"), e.ID, e.Version)
	require.NoError(t, err)
	_, err = cal.Pause(as("bea"), calendar.Pause{ID: "p", Brand: "acme"})
	require.NoError(t, err)
	f.clock.Advance(3 * time.Hour) // 11:00: the 09:00 post was missed
	_, err = cal.Resume(as("bea"), "p", calendar.MoveMissed, cal.NextFree)
	require.NoError(t, err)
	got, err := cal.Get(context.Background(), e.ID)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 11, 23, 13, 30, 0, 0, madrid), got.At.In(madrid), "the next free slot")
	assert.Equal(t, calendar.Scheduled, got.State)
}

func TestSeriesStaysAtWallClockTime(t *testing.T) {
	f := newFixture(t)
	rec := recurrence(t, "FREQ=WEEKLY;BYDAY=FR;COUNT=6", recur.WallTime{Year: 2026, Month: 3, Day: 13, Hour: 9})
	es, err := f.cal.CreateSeries(as("bea"), calendar.Entry{Title: "Viernes", Brand: "acme",
		Variants: variants("¡Feliz viernes!", "acme-es-mastodon")}, rec, time.Date(2026, 12, 31, 0, 0, 0, 0, madrid))
	require.NoError(t, err)
	require.Len(t, es, 6)
	for i, e := range es {
		assert.Equal(t, 9, e.At.In(madrid).Hour(), "occurrence %d stays at 09:00 local", i)
		assert.Equal(t, time.Friday, e.At.In(madrid).Weekday())
		assert.Equal(t, es[0].ID, e.Series)
		assert.Equal(t, calendar.Draft, e.State)
	}
	assert.NotNil(t, es[0].Recurrence)
	assert.Nil(t, es[1].Recurrence)
	_, off1 := es[1].At.In(madrid).Zone()
	_, off3 := es[3].At.In(madrid).Zone()
	assert.NotEqual(t, off1, off3, "the series crosses the March change")

	// Edit one occurrence, skip another: the rest are untouched.
	es[2].Variants[0].Post.Text = "¡Feliz viernes de primavera!"
	_, err = f.cal.Update(as("bea"), es[2])
	require.NoError(t, err)
	_, err = f.cal.Cancel(as("bea"), es[3].ID, es[3].Version)
	require.NoError(t, err)
	var texts []string
	for e, err := range f.cal.Entries(context.Background(), calendar.Query{Series: es[0].ID}) {
		require.NoError(t, err)
		texts = append(texts, string(e.State)+":"+e.Variants[0].Post.Text)
	}
	assert.Equal(t, []string{"draft:¡Feliz viernes!", "draft:¡Feliz viernes!", "draft:¡Feliz viernes de primavera!",
		"cancelled:¡Feliz viernes!", "draft:¡Feliz viernes!", "draft:¡Feliz viernes!"}, texts)
}

func TestExtendSeries(t *testing.T) {
	f := newFixture(t)
	rec := recurrence(t, "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", recur.WallTime{Year: 2026, Month: 11, Day: 23, Hour: 9})
	first, err := f.cal.CreateSeries(as("bea"), calendar.Entry{Title: "Buenos días", Brand: "acme",
		Variants: variants("¡Buenos días!", "acme-es-mastodon")}, rec, time.Date(2026, 11, 28, 0, 0, 0, 0, madrid))
	require.NoError(t, err)
	require.Len(t, first, 5)
	more, err := f.cal.ExtendSeries(as("bea"), first[0].ID, time.Date(2026, 12, 5, 0, 0, 0, 0, madrid))
	require.NoError(t, err)
	require.Len(t, more, 5)
	assert.Equal(t, time.Date(2026, 11, 30, 9, 0, 0, 0, madrid), more[0].At.In(madrid))
	assert.Equal(t, first[0].ID, more[4].Series)
	_, err = f.cal.ExtendSeries(as("bea"), more[0].ID, time.Date(2027, 1, 1, 0, 0, 0, 0, madrid))
	assert.ErrorIs(t, err, cmkit.ErrInvalid, "only the first entry starts a series")
	_, err = f.cal.CreateSeries(as("bea"), calendar.Entry{Title: "x", Variants: variants("x", "acme-es-x")}, rec, time.Time{})
	assert.ErrorIs(t, err, cmkit.ErrInvalid, "a series needs an end for now")
}

func TestSeriesApprovedAndScheduledAtOnce(t *testing.T) {
	f := newFixture(t)
	rec := recurrence(t, "FREQ=WEEKLY;BYDAY=MO;COUNT=4", recur.WallTime{Year: 2026, Month: 11, Day: 30, Hour: 9})
	es, err := f.cal.CreateSeries(as("ola"), calendar.Entry{Title: "Lunes", Brand: "acme",
		Variants: variants("¡Feliz lunes!", "acme-es-mastodon")}, rec, time.Date(2027, 1, 1, 0, 0, 0, 0, madrid))
	require.NoError(t, err)
	series := es[0].ID
	moved, err := f.cal.SubmitSeries(as("ola"), series)
	require.NoError(t, err)
	assert.Len(t, moved, 4)
	_, err = f.cal.ApproveSeries(as("ola"), series)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "four eyes, for a series too")
	moved, err = f.cal.ApproveSeries(as("bea"), series)
	require.NoError(t, err)
	assert.Len(t, moved, 4)
	moved, err = f.cal.ScheduleSeries(as("bea"), series)
	require.NoError(t, err)
	require.Len(t, moved, 4)
	for _, e := range moved {
		assert.Equal(t, calendar.Scheduled, e.State)
		assert.Len(t, e.Approvals, 1)
		assert.Equal(t, "bea", e.Approvals[0].Approver)
	}
	_, err = f.cal.ApproveSeries(as("bea"), cmkit.NewID())
	assert.ErrorIs(t, err, cmkit.ErrNotFound)
}

// recurrence is a Madrid plan following rrule from start.
func recurrence(t *testing.T, rrule string, start recur.WallTime) recur.Recurrence {
	t.Helper()
	rule, err := recur.ParseRRule(rrule)
	require.NoError(t, err)
	return recur.Recurrence{Rule: rule, Location: madrid, Start: start}
}

// A dense plan on the first channel and a long blackout on the second: the
// search steps over the blackout instead of trying every slot of the first
// channel one by one (it used to give up after 10,000 tries, about a week
// of minute slots, and answer that nothing was free).
func TestNextSlotStepsOverAnotherChannelsLongBlackout(t *testing.T) {
	f := newFixture(t)
	dense := make([]string, 0, 1440)
	for m := 0; m < 24*60; m++ {
		dense = append(dense, fmt.Sprintf("%02d:%02d", m/60, m%60))
	}
	first, err := recur.ParseSlots("Mon-Sun " + strings.Join(dense, " ") + ", Europe/Madrid")
	require.NoError(t, err)
	second, err := recur.ParseSlots("Mon-Fri 10:00, Europe/Madrid")
	require.NoError(t, err)
	end := monday.AddDate(0, 0, 30)
	second.Blackouts = []recur.Blackout{{Start: monday, End: end, Reason: "a month off"}}
	second.MinGap = time.Hour
	cal, err := calendar.New(f.store, calendar.WithTeam(f.dir), calendar.WithClock(f.clock),
		calendar.WithChannels(f.x, f.masto), calendar.WithSlots("acme-es-x", first),
		calendar.WithSlots("acme-es-mastodon", second), calendar.WithLogger(quiet))
	require.NoError(t, err)
	got, err := cal.NextSlot(context.Background(), []string{"acme-es-x", "acme-es-mastodon"}, monday)
	require.NoError(t, err)
	assert.True(t, got.Equal(end), "the first minute slot after the blackout: got %s", got.In(madrid))
}
