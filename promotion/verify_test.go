package promotion_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
)

// published returns a draw over 20 entries and the list as published.
func published(t testing.TB) (promotion.DrawRecord, []string) {
	t.Helper()
	l := freeze(t, keys(20))
	rec, err := promotion.Draw(fixedSeed(t, 5), l, beacon("round value"), 2, 3)
	if err != nil {
		t.Fatal(err)
	}
	return rec, slices.Collect(l.Keys())
}

func TestVerifyAcceptsTheDraw(t *testing.T) {
	rec, list := published(t)
	before, recBefore := slices.Clone(list), slices.Clone(rec.Winners)
	if err := promotion.Verify(rec, list); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(list, before) || !slices.Equal(rec.Winners, recBefore) {
		t.Fatal("Verify changed its input")
	}
	// Through JSON, as a verifier reads it.
	text, _ := json.Marshal(rec)
	var back promotion.DrawRecord
	if err := json.Unmarshal(text, &back); err != nil {
		t.Fatal(err)
	}
	if err := promotion.Verify(back, list); err != nil {
		t.Fatalf("after JSON: %v\n%s", err, text)
	}
	// Without the optional hash and key.
	back.EntriesHash, back.Key = promotion.Digest{}, promotion.Digest{}
	if err := promotion.Verify(back, list); err != nil {
		t.Fatal(err)
	}
	// Without a beacon.
	noBeacon, _ := promotion.Draw(fixedSeed(t, 5), freeze(t, list), nil, 1, 0)
	if err := promotion.Verify(noBeacon, list); err != nil {
		t.Fatal(err)
	}
}

func TestVerifyFailsOnAnyChange(t *testing.T) {
	for _, c := range []struct {
		name        string
		change      func(*promotion.DrawRecord, []string) []string
		field, rule string
	}{
		{"seed", func(r *promotion.DrawRecord, l []string) []string { r.Seed[0] ^= 1; return l }, "seed", "mismatch"},
		{"commitment", func(r *promotion.DrawRecord, l []string) []string { r.Commitment[5] ^= 1; return l }, "seed", "mismatch"},
		{"no commitment", func(r *promotion.DrawRecord, l []string) []string { r.Commitment = promotion.Digest{}; return l }, "commitment", "required"},
		{"beacon round", func(r *promotion.DrawRecord, l []string) []string { r.Beacon.Round++; return l }, "seed", "mismatch"},
		{"beacon dropped", func(r *promotion.DrawRecord, l []string) []string { r.Beacon = nil; return l }, "seed", "mismatch"},
		{"beacon value", func(r *promotion.DrawRecord, l []string) []string { r.Beacon.Value[0] ^= 1; return l }, "key", "mismatch"},
		{"beacon value empty", func(r *promotion.DrawRecord, l []string) []string { r.Beacon.Value = nil; return l }, "beacon.value", "required"},
		{"entry removed", func(r *promotion.DrawRecord, l []string) []string { return l[1:] }, "entries_hash", "mismatch"},
		{"entry added", func(r *promotion.DrawRecord, l []string) []string { return append(l, "zz:late") }, "entries_hash", "mismatch"},
		{"entry changed", func(r *promotion.DrawRecord, l []string) []string { l[3] += "x"; return l }, "entries_hash", "mismatch"},
		{"entries reordered", func(r *promotion.DrawRecord, l []string) []string { l[3], l[4] = l[4], l[3]; return l }, "entries[4]", "canonical_order"},
		{"entry doubled", func(r *promotion.DrawRecord, l []string) []string { l[4] = l[3]; return l }, "entries[4]", "duplicate"},
		{"entry with newline", func(r *promotion.DrawRecord, l []string) []string { l[0] = "a\nb"; return l }, "entries[0]", "newline"},
		{"no entries", func(r *promotion.DrawRecord, l []string) []string { return nil }, "entries", "required"},
		{"key", func(r *promotion.DrawRecord, l []string) []string { r.Key[0] ^= 1; return l }, "key", "mismatch"},
		{"winner changed", func(r *promotion.DrawRecord, l []string) []string { r.Winners[1] = r.Alternates[0]; return l }, "winners[1]", "mismatch"},
		{"winners swapped", func(r *promotion.DrawRecord, l []string) []string {
			r.Winners[0], r.Winners[1] = r.Winners[1], r.Winners[0]
			return l
		}, "winners[0]", "mismatch"},
		{"alternate changed", func(r *promotion.DrawRecord, l []string) []string { r.Alternates[2] = r.Winners[0]; return l }, "alternates[2]", "mismatch"},
		{"no winners", func(r *promotion.DrawRecord, l []string) []string { r.Winners = nil; return l }, "winners", "required"},
		{"too many alternates", func(r *promotion.DrawRecord, l []string) []string {
			r.Alternates = append(r.Alternates, make([]string, 20)...)
			return l
		}, "alternates", "max"},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec, list := published(t)
			list = c.change(&rec, list)
			validation(t, promotion.Verify(rec, list), c.field, c.rule)
		})
	}
}

// TestVerifyNoticesAChangedBeaconWithoutTheKey: with the key left out, a
// changed beacon value still fails unless it draws the same keys.
func TestVerifyNoticesAChangedBeaconWithoutTheKey(t *testing.T) {
	rec, list := published(t)
	rec.Key = promotion.Digest{}
	rec.Beacon.Value[0] ^= 1
	err := promotion.Verify(rec, list)
	if !errors.Is(err, cmkit.ErrInvalid) {
		t.Fatalf("Verify = %v", err)
	}
}

// FuzzVerify: Verify never panics, whatever the record and list.
func FuzzVerify(f *testing.F) {
	rec, list := published(f)
	text, _ := json.Marshal(struct {
		promotion.DrawRecord
		Entries []string `json:"entries"`
	}{rec, list})
	f.Add(text)
	f.Add([]byte(`{"commitment":"` + rec.Commitment.String() + `","seed":"` + rec.Seed.String() + `","winners":["a"],"alternates":["b","c"],"entries":["a","b"]}`))
	f.Add([]byte(`{"beacon":{"name":"x\n","value":"00"},"winners":[""],"entries":["\u00ff",""]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var in struct {
			promotion.DrawRecord
			Entries []string `json:"entries"`
		}
		if json.Unmarshal(data, &in) != nil {
			return
		}
		err := promotion.Verify(in.DrawRecord, in.Entries)
		if err != nil && !errors.Is(err, cmkit.ErrInvalid) {
			t.Fatalf("Verify = %v, not ErrInvalid", err)
		}
	})
}

// FuzzVerifyPastTheCommitment: records whose commitment matches, so that
// the fuzzer reaches the entry list and the draw.
func FuzzVerifyPastTheCommitment(f *testing.F) {
	f.Add([]byte{1}, "a\x00b\x00c", "b", "a\x00c", []byte{}, false)
	f.Add([]byte{2}, "c\x00b\x00a", "b", "", []byte{9}, true)
	f.Add([]byte{3}, "a\x00a", "a", "", []byte{9}, true)
	f.Fuzz(func(t *testing.T, seedBytes []byte, entries, winners, alternates string, value []byte, useBeacon bool) {
		var rec promotion.DrawRecord
		copy(rec.Seed[:], seedBytes)
		if useBeacon {
			rec.Beacon = &promotion.Beacon{Name: "b", Round: 7, Value: value}
		}
		rec.Commitment, _ = promotion.Commit(rec.Seed, rec.Beacon)
		rec.Winners = strings.Split(winners, "\x00")
		if alternates != "" {
			rec.Alternates = strings.Split(alternates, "\x00")
		}
		list := strings.Split(entries, "\x00")
		err := promotion.Verify(rec, list)
		if err != nil && !errors.Is(err, cmkit.ErrInvalid) {
			t.Fatalf("Verify = %v, not ErrInvalid", err)
		}
		if err != nil {
			return
		}
		// A record that verifies is the draw of its inputs.
		l, ferr := promotion.FreezeEntries(list)
		if ferr != nil {
			t.Fatalf("verified, but FreezeEntries: %v", ferr)
		}
		got, derr := promotion.Draw(rec.Seed, l, rec.Beacon, len(rec.Winners), len(rec.Alternates))
		if derr != nil || !slices.Equal(got.Winners, rec.Winners) || !slices.Equal(got.Alternates, rec.Alternates) {
			t.Fatalf("verified %q %q, Draw gives %q %q, %v", rec.Winners, rec.Alternates, got.Winners, got.Alternates, derr)
		}
	})
}
