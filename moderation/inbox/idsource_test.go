package inbox

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestIDSourceV7 is the regression test of ingest's allocation-free
// uuid v7 generator: every ID is version 7 with the RFC 4122 (RFC 9562)
// variant, carries the milliseconds it was made in, and the IDs of one
// source increase strictly, within a millisecond and across one.
func TestIDSourceV7(t *testing.T) {
	var s idSource
	var prev uuid.UUID
	check := func(i int) uuid.UUID {
		before := time.Now().UnixMilli()
		id, err := s.newID()
		require.NoError(t, err)
		require.Equal(t, uuid.Version(7), id.Version(), "id %d: %s", i, id)
		require.Equal(t, uuid.RFC4122, id.Variant(), "id %d: %s", i, id)
		milli := int64(id[0])<<40 | int64(id[1])<<32 | int64(id[2])<<24 | int64(id[3])<<16 | int64(id[4])<<8 | int64(id[5])
		require.GreaterOrEqual(t, milli, before, "id %d: its milliseconds are before it was made", i)
		if i > 0 {
			require.Equal(t, 1, bytes.Compare(id[:], prev[:]), "id %d: %s is not after %s", i, id, prev)
		}
		prev = id
		return id
	}
	for i := range 10_000 {
		check(i)
	}
	// Across a millisecond boundary: the next ID's milliseconds are later
	// and it still sorts after the last.
	last := prev
	time.Sleep(2 * time.Millisecond)
	id := check(10_000)
	require.Greater(t, id.Time(), last.Time())
	// The random bits differ from ID to ID.
	require.NotEqual(t, last[9:], id[9:])
}

// TestIDSourceNoAllocs: newID allocates nothing.
func TestIDSourceNoAllocs(t *testing.T) {
	var s idSource
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := s.newID(); err != nil {
			t.Fatal(err)
		}
	})
	require.Zero(t, allocs)
}

// TestCommitOwnedChecksLikeCommit: ingest's commit without copies meets
// the key bound by another write since ingest looked, and the record
// that exists already, as Commit does; a failed write changes nothing.
func TestCommitOwnedChecksLikeCommit(t *testing.T) {
	ctx := context.Background()
	newWrite := func(conv uuid.UUID) Write {
		return Write{Conversations: []Conversation{{ID: conv, Status: StatusNew}},
			Keys: []Key{{Name: "item/ch/1", Ref: Ref{Conversation: conv}}}}
	}
	s := NewMemoryStore()
	other := uuid.Must(uuid.NewV7())
	require.NoError(t, s.Commit(ctx, newWrite(other))) // between ingest's look and its commit
	mine := uuid.Must(uuid.NewV7())
	w := newWrite(mine)
	err := s.commitOwned(ctx, &w, nil)
	require.ErrorIs(t, err, cmkit.ErrConflict)
	r, err := s.Lookup(ctx, "item/ch/1")
	require.NoError(t, err)
	require.Equal(t, other, r.Conversation)
	_, err = s.Conversation(ctx, mine)
	require.ErrorIs(t, err, cmkit.ErrNotFound, "a failed write changes nothing")

	// A record minted twice: the store looks and refuses.
	w = Write{Conversations: []Conversation{{ID: other, Status: StatusNew}}}
	require.Error(t, s.commitOwned(ctx, &w, nil))
	c, err := s.Conversation(ctx, other)
	require.NoError(t, err)
	require.Equal(t, uint64(1), c.Version)

	// A write that conflicts with nothing is committed as it is.
	w = Write{Conversations: []Conversation{{ID: mine, Status: StatusNew}},
		Keys: []Key{{Name: "item/ch/2", Ref: Ref{Conversation: mine}}}}
	require.NoError(t, s.commitOwned(ctx, &w, nil))
	r, err = s.Lookup(ctx, "item/ch/2")
	require.NoError(t, err)
	require.Equal(t, mine, r.Conversation)
}
