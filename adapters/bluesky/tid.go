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
// names the same record and a retry can never create a second one. A
// version 7 UUID holds 48 bits of Unix milliseconds, 12 bits rand_a and 62
// bits rand_b; google/uuid, which cmkit.NewID uses, fills rand_a with a
// sequence that rises within a millisecond (its sub-millisecond time in
// 256 ns steps, plus one on a tie), so IDs it mints in one millisecond
// differ there. The key keeps that difference:
//
//   - the timestamp is the ID's milliseconds times 1000, plus rand_a / 4
//     (at most 999) as the microseconds within that millisecond;
//   - the clock identifier is rand_a's low 2 bits, then 8 bits that fold
//     rand_b (the XOR of its bytes), so that IDs from two generators that
//     meet in one 256 ns step still differ in all likelihood.
//
// So the keys of IDs minted by one process never collide (unless it mints
// more than 4000 in one millisecond, when rand_a / 4 passes 999 and the
// clock identifier is rand_a and rand_b folded into 10 bits), and keys sort
// as their IDs' times. id must be a version 7 UUID, as cmkit.NewID makes;
// any other version gives a *cmkit.ValidationError (field "post.id", rule
// "version"), since its bits hold no time and the key would sort at random.
func RecordKey(id uuid.UUID) (string, error) {
	if id.Version() != 7 {
		return "", cmkit.Invalid("post.id", "version", "Bluesky record keys derive from a version 7 UUID, got version %d", int(id.Version()))
	}
	ms := uint64(id[0])<<40 | uint64(id[1])<<32 | uint64(id[2])<<24 | uint64(id[3])<<16 | uint64(id[4])<<8 | uint64(id[5])
	seq := uint64(id[6]&0x0F)<<8 | uint64(id[7]) // rand_a
	var fold byte                                // rand_b's bytes XORed, variant bits dropped
	for i, b := range id[8:] {
		if i == 0 {
			b &= 0x3F
		}
		fold ^= b
	}
	off, clock := seq>>2, (seq&3)<<8|uint64(fold)
	if off > 999 {
		off, clock = 999, (seq^uint64(fold)<<2)&0x3FF
	}
	micros := ms*1000 + off
	if micros > maxTIDMicros {
		return "", cmkit.Invalid("post.id", "range", "the ID's time is after the last instant a TID holds")
	}
	return encodeTID(micros<<10 | clock), nil
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
