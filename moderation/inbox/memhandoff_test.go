package inbox_test

import (
	"context"
	. "github.com/cmkit/cmkit/moderation/inbox"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
)

func TestMemoryHandoff(t *testing.T) {
	h := NewMemoryHandoff()
	ctx := context.Background()
	ref, err := h.Handoff(ctx, Ticket{Key: "a", Reason: "uno", Labels: []string{"x"}})
	require.NoError(t, err)
	assert.Equal(t, "T-1", ref)
	ref, err = h.Handoff(ctx, Ticket{Key: "b"})
	require.NoError(t, err)
	assert.Equal(t, "T-2", ref)
	ref, err = h.Handoff(ctx, Ticket{Key: "a", Reason: "dos"})
	require.NoError(t, err)
	assert.Equal(t, "T-1", ref, "idempotent on the key")
	tk, updates, ok := h.Ticket("a")
	require.True(t, ok)
	assert.Equal(t, Ticket{Key: "a", Ref: "T-1", Reason: "dos"}, tk)
	assert.Equal(t, 1, updates)
	_, _, ok = h.Ticket("c")
	assert.False(t, ok)

	_, err = h.Handoff(ctx, Ticket{})
	requireInvalid(t, err, "ticket.key")
	h.Fail(cmkit.ErrPermanent, cmkit.ErrAmbiguous)
	_, err = h.Handoff(ctx, Ticket{Key: "c"})
	require.ErrorIs(t, err, cmkit.ErrPermanent)
	_, _, ok = h.Ticket("c")
	assert.False(t, ok, "a permanent failure stores nothing")
	_, err = h.Handoff(ctx, Ticket{Key: "c"})
	require.ErrorIs(t, err, cmkit.ErrAmbiguous)
	_, _, ok = h.Ticket("c")
	assert.True(t, ok, "an ambiguous failure stored it and lost the answer")
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = h.Handoff(canceled, Ticket{Key: "d"})
	require.ErrorIs(t, err, cmkit.ErrTransient)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, []string{"a", "b", "c"}, h.Keys())
	assert.Equal(t, 6, h.Calls())
}
