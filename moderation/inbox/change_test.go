package inbox_test

import (
	"context"
	. "github.com/cmkit/cmkit/moderation/inbox"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

func TestSetStatusKeepsResolvedAtInStep(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")
	e.clock.Advance(time.Minute)

	c, err := e.ib.SetStatus(e.as("eva"), c.ID, c.Version, StatusResolved)
	require.NoError(t, err)
	assert.Equal(t, StatusResolved, c.Status)
	assert.Equal(t, workT0.Add(time.Minute), c.ResolvedAt)
	assert.True(t, c.AwaitingSince.IsZero(), "nothing is owed once resolved")
	assert.Equal(t, uint64(2), c.Version)
	assert.Equal(t, c, e.get(c.ID), "the returned conversation is the stored one")

	e.clock.Advance(time.Minute)
	c, err = e.ib.SetStatus(e.as("eva"), c.ID, c.Version, StatusOpen)
	require.NoError(t, err)
	assert.True(t, c.ResolvedAt.IsZero(), "reopening clears ResolvedAt")

	acts := e.activities(c.ID)
	require.Len(t, acts, 2)
	assert.Equal(t, Activity{ID: acts[0].ID, Conversation: c.ID, At: workT0.Add(time.Minute), By: "eva", Kind: ActivityStatus,
		Text: "new -> resolved"}, acts[0])
	assert.Equal(t, "resolved -> open", acts[1].Text)
	assert.Equal(t, []InboxEventKind{EventStatusChanged, EventStatusChanged}, e.events.kinds())
	assert.Equal(t, []string{"inbox.status", "inbox.status"}, e.auditActions())
}

func TestSetStatusSameStatusWritesNothing(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")
	got, err := e.ib.SetStatus(e.as("eva"), c.ID, c.Version, StatusNew)
	require.NoError(t, err)
	assert.Equal(t, c.Version, got.Version)
	assert.Empty(t, e.activities(c.ID))
	assert.Empty(t, e.events.kinds())
}

func TestSetStatusHiddenNeedsHidePermission(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "spam")
	_, err := e.ib.SetStatus(e.as("zoe"), c.ID, c.Version, StatusHidden)
	requireForbidden(t, err, "zoe", string(roles.HideMention))
	c, err = e.ib.SetStatus(e.as("eva"), c.ID, c.Version, StatusHidden)
	require.NoError(t, err)
	assert.Equal(t, StatusHidden, c.Status)
}

// Every member action refuses, before anything is written: no acting
// member, a zero version, a stale version, an unknown conversation, a
// member without the permission, and bad input naming the field.
func TestConversationChangesRefuseBadCalls(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")
	plC := e.newConv(e.pl, "cześć")
	type call func(ctx context.Context, id uuid.UUID, v uint64) error
	status := func(s Status) call {
		return func(ctx context.Context, id uuid.UUID, v uint64) error {
			_, err := e.ib.SetStatus(ctx, id, v, s)
			return err
		}
	}
	label := func(add, remove []string) call {
		return func(ctx context.Context, id uuid.UUID, v uint64) error {
			_, err := e.ib.Label(ctx, id, v, add, remove)
			return err
		}
	}
	priority := func(p int) call {
		return func(ctx context.Context, id uuid.UUID, v uint64) error {
			_, err := e.ib.SetPriority(ctx, id, v, p)
			return err
		}
	}
	queue := func(q string) call {
		return func(ctx context.Context, id uuid.UUID, v uint64) error {
			_, err := e.ib.SetQueue(ctx, id, v, q)
			return err
		}
	}
	tests := []struct {
		name  string
		ctx   context.Context
		id    uuid.UUID
		v     uint64
		op    call
		check func(t *testing.T, err error)
	}{
		{"no actor", e.ctx, c.ID, 1, status(StatusOpen), func(t *testing.T, err error) { requireForbidden(t, err, "no acting member") }},
		{"zero version", e.as("eva"), c.ID, 0, status(StatusOpen), func(t *testing.T, err error) { requireInvalid(t, err, "version") }},
		{"stale version", e.as("eva"), c.ID, 7, label([]string{"x"}, nil), func(t *testing.T, err error) {
			require.ErrorIs(t, err, cmkit.ErrConflict)
			assert.Contains(t, err.Error(), "version 1, not 7")
		}},
		{"unknown conversation", e.as("eva"), cmkit.NewID(), 1, status(StatusOpen), func(t *testing.T, err error) {
			require.ErrorIs(t, err, cmkit.ErrNotFound)
		}},
		{"out of scope", e.as("eva"), plC.ID, 1, status(StatusOpen), func(t *testing.T, err error) {
			requireForbidden(t, err, "eva may not inbox.reply", "country=PL")
		}},
		{"intern may not label", e.as("ivan"), c.ID, 1, label([]string{"x"}, nil), func(t *testing.T, err error) {
			requireForbidden(t, err, "ivan may not inbox.reply")
		}},
		{"junior may not move queues", e.as("eva"), c.ID, 1, queue("care"), func(t *testing.T, err error) {
			requireForbidden(t, err, "eva may not inbox.assign")
		}},
		{"unknown status", e.as("eva"), c.ID, 1, status("archived"), func(t *testing.T, err error) { requireInvalid(t, err, "status") }},
		{"no labels", e.as("eva"), c.ID, 1, label(nil, nil), func(t *testing.T, err error) { requireInvalid(t, err, "add") }},
		{"empty label", e.as("eva"), c.ID, 1, label([]string{"ok", ""}, nil), func(t *testing.T, err error) { requireInvalid(t, err, "add[1]") }},
		{"long label", e.as("eva"), c.ID, 1, label(nil, []string{strings.Repeat("x", 65)}), func(t *testing.T, err error) {
			requireInvalid(t, err, "remove[0]")
		}},
		{"control character", e.as("eva"), c.ID, 1, label([]string{"a\x00b"}, nil), func(t *testing.T, err error) { requireInvalid(t, err, "add[0]") }},
		{"invalid UTF-8", e.as("eva"), c.ID, 1, label([]string{"a\xffb"}, nil), func(t *testing.T, err error) { requireInvalid(t, err, "add[0]") }},
		{"added and removed", e.as("eva"), c.ID, 1, label([]string{"vip"}, []string{"vip"}), func(t *testing.T, err error) {
			requireInvalid(t, err, "add[0]")
		}},
		{"priority below 0", e.as("eva"), c.ID, 1, priority(-1), func(t *testing.T, err error) { requireInvalid(t, err, "priority") }},
		{"priority above 1000", e.as("eva"), c.ID, 1, priority(1001), func(t *testing.T, err error) { requireInvalid(t, err, "priority") }},
		{"long queue", e.as("ana"), c.ID, 1, queue(strings.Repeat("q", 65)), func(t *testing.T, err error) { requireInvalid(t, err, "queue") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, tt.op(tt.ctx, tt.id, tt.v))
			assert.Equal(t, uint64(1), e.get(c.ID).Version, "nothing written")
			assert.Empty(t, e.activities(c.ID))
		})
	}
	assert.Empty(t, e.events.kinds())
	assert.Empty(t, e.auditActions())
}

func TestLabelKeepsLabelsSortedAndUnique(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")
	c, err := e.ib.Label(e.as("eva"), c.ID, c.Version, []string{"vip", "envío", "vip", "Envío"}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"Envío", "envío", "vip"}, c.Labels)
	c, err = e.ib.Label(e.as("eva"), c.ID, c.Version, []string{"bug"}, []string{"vip", "absent"})
	require.NoError(t, err)
	assert.Equal(t, []string{"Envío", "bug", "envío"}, c.Labels)
	// Nothing to change: nothing written.
	same, err := e.ib.Label(e.as("eva"), c.ID, c.Version, []string{"bug"}, []string{"absent"})
	require.NoError(t, err)
	assert.Equal(t, c.Version, same.Version)

	acts := e.activities(c.ID)
	require.Len(t, acts, 2)
	assert.Equal(t, "+vip +envío +Envío", acts[0].Text)
	assert.Equal(t, "+bug -vip", acts[1].Text)
	assert.Equal(t, []InboxEventKind{EventLabeled, EventLabeled}, e.events.kinds())
}

func TestLabelRefusesTooManyLabels(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")
	many := make([]string, MaxLabels)
	for i := range many {
		many[i] = "l" + strings.Repeat("x", i%60) + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	c, err := e.ib.Label(e.as("eva"), c.ID, c.Version, many, nil)
	require.NoError(t, err)
	require.Len(t, c.Labels, MaxLabels)
	_, err = e.ib.Label(e.as("eva"), c.ID, c.Version, []string{"one-more"}, nil)
	requireInvalid(t, err, "add")
	_, err = e.ib.Label(e.as("eva"), c.ID, c.Version, append(many, "x"), nil)
	requireInvalid(t, err, "add")
	assert.Len(t, e.get(c.ID).Labels, MaxLabels)
}

func TestSetPriorityAndQueue(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")
	c, err := e.ib.SetPriority(e.as("eva"), c.ID, c.Version, 5)
	require.NoError(t, err)
	c, err = e.ib.SetQueue(e.as("ana"), c.ID, c.Version, "care")
	require.NoError(t, err)
	assert.Equal(t, 5, c.Priority)
	assert.Equal(t, "care", c.Queue)
	acts := e.activities(c.ID)
	require.Len(t, acts, 2)
	assert.Equal(t, []string{"0 -> 5", `"" -> "care"`}, []string{acts[0].Text, acts[1].Text})
	assert.Equal(t, []ActivityKind{ActivityPriority, ActivityQueue}, []ActivityKind{acts[0].Kind, acts[1].Kind})
	assert.Equal(t, []InboxEventKind{EventPriorityChanged, EventQueueChanged}, e.events.kinds())
	same, err := e.ib.SetQueue(e.as("ana"), c.ID, c.Version, "care")
	require.NoError(t, err)
	assert.Equal(t, c.Version, same.Version)
}

// Notes take no version: they never conflict with a change and leave
// the conversation's version as it was.
func TestAddNoteNeverConflicts(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")
	a, err := e.ib.AddNote(e.as("ivan"), c.ID, "looks like a crisis?\nask ana")
	require.NoError(t, err)
	assert.Equal(t, ActivityNote, a.Kind)
	assert.Equal(t, "ivan", a.By)
	_, err = e.ib.Label(e.as("eva"), c.ID, c.Version, []string{"crisis"}, nil)
	require.NoError(t, err, "a note did not move the version the member read")
	assert.Equal(t, []Activity{a}, e.activities(c.ID)[:1])
	assert.Equal(t, []InboxEventKind{EventNoted, EventLabeled}, e.events.kinds())
	assert.Equal(t, "looks like a crisis?\nask ana", e.events.of(EventNoted)[0].Text)

	_, err = e.ib.AddNote(e.as("ivan"), c.ID, "")
	requireInvalid(t, err, "text")
	_, err = e.ib.AddNote(e.as("ivan"), c.ID, strings.Repeat("x", MaxNoteBytes+1))
	requireInvalid(t, err, "text")
	_, err = e.ib.AddNote(e.ctx, c.ID, "x")
	requireForbidden(t, err, "no acting member")
	_, err = e.ib.AddNote(e.as("nobody"), c.ID, "x")
	requireForbidden(t, err, "nobody may not inbox.read")
	_, err = e.ib.AddNote(e.as("ivan"), cmkit.NewID(), "x")
	require.ErrorIs(t, err, cmkit.ErrNotFound)
	assert.Len(t, e.activities(c.ID), 2)
}

// An event is emitted after the commit: a listener that reads the store
// finds the state the event describes.
func TestEventsFollowTheCommit(t *testing.T) {
	var e *workEnv
	var seen []uint64
	e = newWorkEnv(t, WithHook(func(ev InboxEvent) {
		if ev.Conversation.ID != uuid.Nil {
			stored, err := e.store.Conversation(context.Background(), ev.Conversation.ID)
			if err == nil && stored.Version >= ev.Conversation.Version {
				seen = append(seen, ev.Conversation.Version)
			}
		}
	}))
	c := e.newConv(e.es, "hola")
	c, err := e.ib.Label(e.as("eva"), c.ID, c.Version, []string{"a"}, nil)
	require.NoError(t, err)
	_, err = e.ib.SetStatus(e.as("eva"), c.ID, c.Version, StatusOpen)
	require.NoError(t, err)
	assert.Equal(t, []uint64{2, 3}, seen)
}

func TestAuditRecordsWhoChangedWhat(t *testing.T) {
	e := newWorkEnv(t)
	c := e.newConv(e.es, "hola")
	_, err := e.ib.Label(e.as("eva"), c.ID, c.Version, []string{"vip"}, nil)
	require.NoError(t, err)
	var recs []roles.Record
	for r, err := range e.audit.Records(e.ctx, roles.AuditFilter{}) {
		require.NoError(t, err)
		recs = append(recs, r)
	}
	require.Len(t, recs, 1)
	r := recs[0]
	assert.Equal(t, roles.AuditEvent{Actor: "eva", Action: "inbox.labels", Permission: roles.ReplyMention, Resource: c.Resource,
		Target: "conversation/" + c.ID.String(), Allowed: true, Reason: "+vip"}, r.AuditEvent)
	_, err = e.audit.Verify(e.ctx)
	require.NoError(t, err)
}
