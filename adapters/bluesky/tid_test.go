package bluesky

import (
	"errors"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
)

// tidSyntax is the TID syntax of atproto.com/specs/tid.
var tidSyntax = regexp.MustCompile(`^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$`)

// v7 makes a version 7 UUID from a millisecond time and the 8 bytes of
// its variant and rand_b.
func v7(ms uint64, seq uint16, tail [8]byte) uuid.UUID {
	var id uuid.UUID
	for i := range 6 {
		id[i] = byte(ms >> (8 * (5 - i)))
	}
	id[6], id[7] = 0x70|byte(seq>>8&0x0F), byte(seq)
	copy(id[8:], tail[:])
	return id
}

func TestRecordKeyFromTheIDsBits(t *testing.T) {
	// rand_a = 13: microseconds 13/4 = 3, clock id's top bits 13&3 = 1;
	// rand_b's bytes fold to 0x0C^0x05 = 0x09 (the variant bits dropped):
	// clock id 1<<8 | 9 = 265.
	id := v7(1_700_000_000_000, 13, [8]byte{0x80, 0, 0, 0, 0, 0, 0x0C, 0x05})
	key, err := RecordKey(id)
	require.NoError(t, err)
	assert.Regexp(t, tidSyntax, key)
	// Independently: the integer (micros<<10 | clock) in base 32 with
	// math/big, mapped digit by digit onto the TID alphabet.
	v := new(big.Int).Lsh(big.NewInt(1_700_000_000_000*1000+3), 10)
	v.Or(v, big.NewInt(265))
	b32 := v.Text(32)
	b32 = strings.Repeat("0", 13-len(b32)) + b32
	var want strings.Builder
	for _, c := range b32 {
		d := strings.IndexRune("0123456789abcdefghijklmnopqrstuv", c)
		want.WriteByte(tidAlphabet[d])
	}
	assert.Equal(t, want.String(), key)
	at, ok := decodeTID(key)
	require.True(t, ok)
	assert.Equal(t, time.UnixMicro(1_700_000_000_000*1000+3).UTC(), at)

	again, err := RecordKey(id)
	require.NoError(t, err)
	assert.Equal(t, key, again, "one ID, one key")
}

func TestRecordKeysSortByTime(t *testing.T) {
	var prev string
	for i := range 200 {
		id := cmkit.NewID()
		key, err := RecordKey(id)
		require.NoError(t, err)
		require.Regexp(t, tidSyntax, key)
		at, ok := decodeTID(key)
		require.True(t, ok)
		ms := time.UnixMilli(at.UnixMilli())
		require.Equal(t, ms.UnixMilli(), time.UnixMilli(int64(uint64(id[0])<<40|uint64(id[1])<<32|uint64(id[2])<<24|
			uint64(id[3])<<16|uint64(id[4])<<8|uint64(id[5]))).UnixMilli(), "the key keeps the ID's millisecond")
		if i > 0 && key == prev {
			t.Fatalf("two IDs gave the key %s", key)
		}
		prev = key
	}
	a, _ := RecordKey(v7(1_000, 0, [8]byte{0x80}))
	b, _ := RecordKey(v7(2_000, 0, [8]byte{0x80}))
	assert.Less(t, a, b, "keys sort as their times")
}

func TestRecordKeyRefusesOtherVersions(t *testing.T) {
	_, err := RecordKey(uuid.New())
	var ve *cmkit.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "post.id", ve.Field)
	assert.Equal(t, "version", ve.Rule)
	_, err = RecordKey(v7(1<<47, 0, [8]byte{0x80})) // year 6429: past a TID's 53 bits
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "range", ve.Rule)
}

// TestRecordKeysOfOneProcessNeverCollide mints IDs as fast as one process
// can, many in each millisecond, and finds no two with one key (20 free
// bits chosen at random would collide after about a thousand IDs in one
// millisecond).
func TestRecordKeysOfOneProcessNeverCollide(t *testing.T) {
	seen := make(map[string]uuid.UUID, 100_000)
	for range 100_000 {
		id := cmkit.NewID()
		key, err := RecordKey(id)
		require.NoError(t, err)
		if other, ok := seen[key]; ok {
			t.Fatalf("%s and %s share the key %s", other, id, key)
		}
		seen[key] = id
	}
}
