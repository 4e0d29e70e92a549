package inbox

import (
	"bytes"
	"testing"
	"time"

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
