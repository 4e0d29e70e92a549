package inbox_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation/hours"
	. "github.com/cmkit/cmkit/moderation/inbox"
)

func schedule(t *testing.T, js string) *hours.Schedule {
	t.Helper()
	s, err := hours.Parse([]byte(js))
	require.NoError(t, err)
	return s
}

// dm makes the customer u1 send a direct message on the Spanish channel
// at the clock's now, pushes it to the inbox and returns the
// conversation.
func (e *workEnv) dm(text string) Conversation {
	e.t.Helper()
	fed, err := e.es.Feed(cmkit.Mention{Kind: cmkit.KindDirectMessage, Text: text, Language: "es", CreatedAt: e.clock.Now(),
		Author: cmkit.Author{ID: "u1", Handle: "cliente"}})
	require.NoError(e.t, err)
	require.NoError(e.t, e.ib.Push(e.ctx, fed...)) // as a webhook delivers it
	cs := collect(e.t, e.store.Conversations(e.ctx, Filter{Person: e.es.Info().ID + "/u1"}))
	require.Len(e.t, cs, 1)
	return cs[0]
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestSLAAcrossAWeekendAndAHoliday follows one conversation of a team in
// Madrid (Monday to Friday 9:00-18:00, 6 January a holiday) from a
// message late on a Friday to its resolution, with due times computed by
// hand: 17:00 Friday + 4 business hours is 12:00 Monday (1 h on Friday,
// 3 h on Monday); + 16 h is 15:00 Wednesday (1 h Friday, 9 h Monday,
// Tuesday a holiday, 6 h Wednesday). Madrid is UTC+1 in January.
func TestSLAAcrossAWeekendAndAHoliday(t *testing.T) {
	sched := schedule(t, `{"zone":"Europe/Madrid","week":{"mon-fri":["09:00-18:00"]},"holidays":["2026-01-06"]}`)
	e := newWorkEnv(t, WithSLA(sched, SLAPolicy{Name: "standard", FirstResponse: 4 * time.Hour,
		NextResponse: 2 * time.Hour, Resolution: 16 * time.Hour, WarnBefore: time.Hour}))
	e.clock.Set(utc("2026-01-02 16:00")) // Friday 17:00 in Madrid
	c := e.dm("Hola, ¿a qué hora abre la tienda?")
	assert.Equal(t, "standard", c.SLA.Policy)
	assert.Equal(t, utc("2026-01-05 11:00"), c.SLA.FirstResponseDue.UTC(), "Monday 12:00")
	assert.Equal(t, utc("2026-01-07 14:00"), c.SLA.ResolutionDue.UTC(), "Wednesday 15:00")
	assert.True(t, c.SLA.NextResponseDue.IsZero())
	assert.Equal(t, utc("2026-01-05 10:00"), c.SLA.Next.UTC(), "the warning, an hour of business time before")

	timers := func(at string) int {
		t.Helper()
		e.clock.Set(utc(at))
		n, err := e.ib.SLATimers(e.ctx)
		require.NoError(t, err)
		return n
	}
	assert.Equal(t, 0, timers("2026-01-03 12:00"), "Saturday: nothing")
	assert.Equal(t, 0, timers("2026-01-05 09:59"))
	assert.Equal(t, 1, timers("2026-01-05 10:00"), "Monday 11:00: the warning")
	assert.Equal(t, 0, timers("2026-01-05 10:30"), "sent once")
	assert.Equal(t, 1, timers("2026-01-05 11:00"), "Monday 12:00: the breach")
	assert.Equal(t, 0, timers("2026-01-05 11:10"), "sent once")
	require.Len(t, e.events.of(EventSLAWarning), 1)
	require.Len(t, e.events.of(EventSLABreached), 1)
	assert.Equal(t, "standard: first response due 2026-01-05T11:00:00Z passed", e.events.of(EventSLABreached)[0].Text)

	// The answer at 12:30 clears the first response; the customer's next
	// message on Wednesday at 9:00 starts a next response due at 11:00.
	e.clock.Set(utc("2026-01-05 11:30"))
	c = e.get(c.ID)
	_, err := e.ib.Reply(e.as("eva"), c.ID, c.Version, ReplyRequest{Text: "Abrimos a las 10:00."})
	require.NoError(t, err)
	c = e.get(c.ID)
	assert.True(t, c.SLA.FirstResponseDue.IsZero())
	assert.Equal(t, utc("2026-01-07 14:00"), c.SLA.ResolutionDue.UTC(), "resolution still owed")

	e.clock.Set(utc("2026-01-07 08:00"))
	c = e.dm("¿Y el sábado?")
	assert.Equal(t, utc("2026-01-07 10:00"), c.SLA.NextResponseDue.UTC(), "Wednesday 11:00")
	e.clock.Set(utc("2026-01-07 09:30"))
	_, err = e.ib.Reply(e.as("eva"), c.ID, c.Version, ReplyRequest{Text: "El sábado, de 10 a 14."})
	require.NoError(t, err)
	e.clock.Set(utc("2026-01-07 13:00"))
	c = e.get(c.ID)
	c, err = e.ib.SetStatus(e.as("eva"), c.ID, c.Version, StatusResolved)
	require.NoError(t, err)
	assert.Equal(t, SLAState{Policy: "standard"}, c.SLA, "nothing pending after resolution")
	assert.Equal(t, 0, timers("2026-01-08 12:00"), "nothing left to fire")

	rep, err := e.ib.SLAReport(e.as("sam"), utc("2026-01-01 00:00"), utc("2026-02-01 00:00"))
	require.NoError(t, err)
	require.Len(t, rep.Policies, 1)
	p := rep.Policies[0]
	assert.Equal(t, SLAAttainment{Measured: 1, Met: 0, Attainment: 0, Median: 4*time.Hour + 30*time.Minute, P90: 4*time.Hour + 30*time.Minute},
		p.FirstResponse, "answered after 4 h 30 min of business time: late")
	assert.Equal(t, SLAAttainment{Measured: 1, Met: 1, Attainment: 1, Median: 90 * time.Minute, P90: 90 * time.Minute}, p.NextResponse)
	assert.Equal(t, SLAAttainment{Measured: 1, Met: 1, Attainment: 1, Median: 15 * time.Hour, P90: 15 * time.Hour}, p.Resolution,
		"1 h Friday + 9 h Monday + 5 h Wednesday")
}

// TestSLAAcrossTheSpringChange: a team that also answers on weekend
// mornings, 1:00-4:00 on Sundays, loses an hour of it on the night Madrid
// moves from 2:00 to 3:00 (29 March 2026). A message on Saturday at 13:00
// with 4 h to answer: 1 h on Saturday, 2 h on that Sunday, 1 h on Monday:
// due Monday 10:00 (UTC+2 by then).
func TestSLAAcrossTheSpringChange(t *testing.T) {
	sched := schedule(t, `{"zone":"Europe/Madrid","week":{"mon-fri":["09:00-18:00"],"sat":["10:00-14:00"],"sun":["01:00-04:00"]}}`)
	e := newWorkEnv(t, WithSLA(sched, SLAPolicy{Name: "weekend", FirstResponse: 4 * time.Hour}))
	e.clock.Set(utc("2026-03-28 12:00")) // Saturday 13:00 in Madrid
	c := e.dm("¿Tenéis la talla M?")
	assert.Equal(t, utc("2026-03-30 08:00"), c.SLA.FirstResponseDue.UTC())
	e.clock.Set(utc("2026-03-30 07:59"))
	n, err := e.ib.SLATimers(e.ctx)
	require.NoError(t, err)
	assert.Zero(t, n)
	e.clock.Set(utc("2026-03-30 08:00"))
	n, err = e.ib.SLATimers(e.ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
}

// TestSLAPolicyByQueueAndPriority: the first policy whose queues and
// minimum priority fit applies; a conversation nobody's policy fits has
// no SLA, and one that becomes urgent moves to the urgent policy.
func TestSLAPolicyByQueueAndPriority(t *testing.T) {
	e := newWorkEnv(t, WithSLA(nil,
		SLAPolicy{Name: "urgent", MinPriority: 3, FirstResponse: 30 * time.Minute},
		SLAPolicy{Name: "care", Queues: []string{"care"}, FirstResponse: 2 * time.Hour}))
	e.clock.Set(utc("2026-01-02 16:00"))
	c := e.dm("hola")
	assert.Equal(t, SLAState{}, c.SLA, "default queue, priority 0: no policy")
	c, err := e.ib.SetQueue(e.as("sam"), c.ID, c.Version, "care")
	require.NoError(t, err)
	assert.Equal(t, "care", c.SLA.Policy)
	assert.Equal(t, utc("2026-01-02 18:00"), c.SLA.FirstResponseDue.UTC(), "round the clock: 2 h after the message")
	c, err = e.ib.SetPriority(e.as("sam"), c.ID, c.Version, 5)
	require.NoError(t, err)
	assert.Equal(t, "urgent", c.SLA.Policy)
	assert.Equal(t, utc("2026-01-02 16:30"), c.SLA.FirstResponseDue.UTC())
}

func TestWithSLARefusesBadPolicies(t *testing.T) {
	for _, tt := range []struct {
		name  string
		p     []SLAPolicy
		field string
	}{
		{"no name", []SLAPolicy{{FirstResponse: time.Hour}}, "WithSLA.policies[0].name"},
		{"twice", []SLAPolicy{{Name: "a", FirstResponse: time.Hour}, {Name: "a", Resolution: time.Hour}}, "WithSLA.policies[1].name"},
		{"negative", []SLAPolicy{{Name: "a", FirstResponse: -time.Hour}}, "WithSLA.policies[0]"},
		{"no target", []SLAPolicy{{Name: "a"}}, "WithSLA.policies[0]"},
		{"late warning", []SLAPolicy{{Name: "a", FirstResponse: time.Hour, WarnBefore: time.Hour}}, "WithSLA.policies[0].warn_before"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(NewMemoryStore(), WithSLA(nil, tt.p...))
			requireInvalid(t, err, tt.field)
		})
	}
}

// TestSLATimersWhenTheClockJumps: a clock that jumps past the warning and
// the due time sends the breach alone, once; a clock that then jumps back
// before the warning sends nothing again, and nor does going forward.
func TestSLATimersWhenTheClockJumps(t *testing.T) {
	e := newWorkEnv(t, WithSLA(nil, SLAPolicy{Name: "fast", FirstResponse: time.Hour, WarnBefore: 15 * time.Minute}))
	e.clock.Set(utc("2026-01-02 10:00"))
	c := e.dm("hola")
	fire := func(at string) int {
		t.Helper()
		e.clock.Set(utc(at))
		n, err := e.ib.SLATimers(e.ctx)
		require.NoError(t, err)
		return n
	}
	assert.Equal(t, 1, fire("2026-01-02 13:00"), "three hours at once: the breach")
	require.Len(t, e.events.of(EventSLABreached), 1)
	assert.Empty(t, e.events.of(EventSLAWarning), "no warning after the fact")
	assert.Equal(t, 0, fire("2026-01-02 10:50"), "back before the warning")
	assert.Equal(t, 0, fire("2026-01-02 11:00"))
	assert.Equal(t, 0, fire("2026-01-02 14:00"))
	got := e.get(c.ID)
	assert.Equal(t, SLAFirstResponse, got.SLA.Breached)
	assert.True(t, got.SLA.Next.IsZero(), "nothing left to fire")
}
