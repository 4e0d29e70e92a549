package bluesky

import (
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// tidAlphabet is the base32-sortable alphabet of atproto TIDs
// (atproto.com/specs/tid): digits 2-7, then a-z, in ASCII order, so that
// TIDs sort as their integers do.
const tidAlphabet = "234567abcdefghijklmnopqrstuvwxyz"

// maxTIDMicros is the largest timestamp a TID holds: 53 bits of
// microseconds since the Unix epoch (about the year 2255).
const maxTIDMicros = 1<<53 - 1

// RecordKey returns the record key under which the channel publishes the
// post with the cmkit ID id: a TID (atproto.com/specs/tid: 13 characters
// of base32-sortable, encoding a 64-bit integer whose top bit is 0, then 53
// bits of microseconds since the Unix epoch, then a 10-bit clock
// identifier), which app.bsky.feed.post requires ("key": "tid" in
// lexicons/app/bsky/feed/post.json).
//
// The TID is derived from id alone, so every attempt to publish one post
// names the same record and a retry can never create a second one:
//
//   - the timestamp is id's version 7 time (48 bits of milliseconds) times
//     1000, plus bits 10 to 19 of id's last 62 random bits (rand_b) taken
//     modulo 1000 as the microseconds within that millisecond;
//   - the clock identifier is the low 10 bits of rand_b.
//
// Two posts get one key only when their IDs share the millisecond and
// those 20 derived bits (about one in a million for two IDs minted in the
// same millisecond). id must be a version 7 UUID, as cmkit.NewID makes;
// any other version gives a *cmkit.ValidationError (field "post.id", rule
// "version"), since its bits hold no time and the key would sort at random.
func RecordKey(id uuid.UUID) (string, error) {
	if id.Version() != 7 {
		return "", cmkit.Invalid("post.id", "version", "Bluesky record keys derive from a version 7 UUID, got version %d", int(id.Version()))
	}
	ms := uint64(id[0])<<40 | uint64(id[1])<<32 | uint64(id[2])<<24 | uint64(id[3])<<16 | uint64(id[4])<<8 | uint64(id[5])
	var randB uint64
	for _, b := range id[8:] {
		randB = randB<<8 | uint64(b)
	}
	randB &= 1<<62 - 1 // drop the variant bits
	micros := ms*1000 + (randB>>10&0x3FF)%1000
	if micros > maxTIDMicros {
		return "", cmkit.Invalid("post.id", "range", "the ID's time is after the last instant a TID holds")
	}
	return encodeTID(micros<<10 | randB&0x3FF), nil
}

// encodeTID writes v (top bit 0) as 13 base32-sortable characters.
func encodeTID(v uint64) string {
	var b [13]byte
	for i := 12; i >= 0; i-- {
		b[i] = tidAlphabet[v&31]
		v >>= 5
	}
	return string(b[:])
}

// decodeTID reads a TID back into its timestamp; ok is false for a string
// that is not a TID.
func decodeTID(s string) (t time.Time, ok bool) {
	if len(s) != 13 {
		return time.Time{}, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d uint64
		switch {
		case c >= '2' && c <= '7':
			d = uint64(c - '2')
		case c >= 'a' && c <= 'z':
			d = uint64(c-'a') + 6
		default:
			return time.Time{}, false
		}
		if i == 0 && d >= 16 {
			return time.Time{}, false // the top bit must be 0
		}
		v = v<<5 | d
	}
	return time.UnixMicro(int64(v >> 10)).UTC(), true
}
