package promotion

import (
	"fmt"

	"github.com/cmkit/cmkit"
)

// Verify checks a published draw: it recomputes everything in rec from the
// revealed seed, the beacon and entries, the entry list as published (one
// key a line in canonical order; see FrozenEntries.WriteTo), and returns nil
// when all of it matches. It checks, in this order, and reports the first
// failure:
//
//  1. the record is well formed: at least one winner; a beacon, if any,
//     has a name without a newline and a value of 1 to 1024 bytes;
//  2. Commit(rec.Seed, rec.Beacon) equals rec.Commitment (field "seed": the
//     seed, or the beacon's name or round, is not the one committed to);
//  3. entries is a frozen list as published: every key non-empty UTF-8
//     without a newline, and each key sorts bytewise strictly after the
//     one before (field "entries[i]", rule "canonical_order" or
//     "duplicate"); a list in another order is rejected, not sorted;
//  4. the list's hash equals rec.EntriesHash, unless that is zero (an
//     entry was added, removed or changed);
//  5. the draw key equals rec.Key, unless that is zero;
//  6. the draw, with len(rec.Winners) winners and len(rec.Alternates)
//     alternates, yields exactly rec.Winners and rec.Alternates in order
//     (field "winners[i]" or "alternates[i]").
//
// Every failure is a *cmkit.ValidationError (so errors.Is(err,
// cmkit.ErrInvalid) holds) whose Field names what does not match and whose
// Rule is "mismatch" when a recomputed value differs from the record.
// Verify does not know the beacon's real value: check rec.Beacon.Value
// against the beacon's published round yourself.
func Verify(rec DrawRecord, entries []string) error {
	if len(rec.Winners) == 0 {
		return cmkit.Invalid("winners", "required", "the record names no winner")
	}
	if b := rec.Beacon; b != nil {
		if err := b.checkName(); err != nil {
			return err
		}
		if err := b.checkValue(); err != nil {
			return err
		}
	}
	if rec.Commitment.IsZero() {
		return cmkit.Invalid("commitment", "required", "the record has no commitment")
	}
	if c := commitment(rec.Seed, rec.Beacon); c != rec.Commitment {
		what := "seed"
		if rec.Beacon != nil {
			what = "seed, beacon name and round"
		}
		return cmkit.Invalid("seed", "mismatch", "the commitment of the revealed %s is %s, the published commitment is %s", what, c, rec.Commitment)
	}
	if len(entries) == 0 {
		return cmkit.Invalid("entries", "required", "the entry list is empty")
	}
	for i, k := range entries {
		if err := checkKey(i, k); err != nil {
			return err
		}
		if i == 0 {
			continue
		}
		switch prev := entries[i-1]; {
		case k == prev:
			return cmkit.Invalid(fmt.Sprintf("entries[%d]", i), "duplicate", "key %q is also entries[%d]", k, i-1)
		case k < prev:
			return cmkit.Invalid(fmt.Sprintf("entries[%d]", i), "canonical_order", "key %q sorts before entries[%d] %q: the frozen list is sorted bytewise", k, i-1, prev)
		}
	}
	h := hashEntries(entries)
	if !rec.EntriesHash.IsZero() && h != rec.EntriesHash {
		return cmkit.Invalid("entries_hash", "mismatch", "the %d entries hash to %s, the record says %s: an entry was added, removed or changed", len(entries), h, rec.EntriesHash)
	}
	key := drawKey(rec.Seed, h, rec.Beacon)
	if !rec.Key.IsZero() && key != rec.Key {
		return cmkit.Invalid("key", "mismatch", "the draw key is %s, the record says %s", key, rec.Key)
	}
	w, a := len(rec.Winners), len(rec.Alternates)
	if a > len(entries)-w {
		return cmkit.Invalid("alternates", "max", "%d winners and %d alternates from %d entries", w, a, len(entries))
	}
	picked := pick(key, entries, w+a)
	for i, k := range picked {
		field, claimed := fmt.Sprintf("winners[%d]", i), ""
		if i < w {
			claimed = rec.Winners[i]
		} else {
			field, claimed = fmt.Sprintf("alternates[%d]", i-w), rec.Alternates[i-w]
		}
		if claimed != k {
			return cmkit.Invalid(field, "mismatch", "the record says %q, the draw gives %q", claimed, k)
		}
	}
	return nil
}
