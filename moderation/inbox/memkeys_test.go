package inbox

import (
	"hash/maphash"
	"testing"

	"github.com/google/uuid"
)

// Keys whose hashes collide are told apart by their names.
func TestKeyIndexTellsApartKeysOfOneHash(t *testing.T) {
	x := newKeyIndex()
	a, b, c := Ref{Conversation: uuid.New()}, Ref{Conversation: uuid.New()}, Ref{Conversation: uuid.New()}
	h := maphash.String(x.seed, "item/ch/1")
	x.addHashed(h, "item/ch/1", a)
	x.addHashed(h, "thread/ch/1", b) // as if both had hash h
	x.add("dm/ch/u1", c)
	if r, ok := x.find("item/ch/1"); !ok || r != a {
		t.Errorf("find(item/ch/1) = %v, %v; want %v", r, ok, a)
	}
	if r, ok := x.findBytes([]byte("item/ch/1")); !ok || r != a {
		t.Errorf("findBytes(item/ch/1) = %v, %v; want %v", r, ok, a)
	}
	if r, ok := x.find("dm/ch/u1"); !ok || r != c {
		t.Errorf("find(dm/ch/u1) = %v, %v; want %v", r, ok, c)
	}
	if _, ok := x.find("item/ch/2"); ok {
		t.Error("find(item/ch/2) found a key never bound")
	}
	// The key of the colliding hash that was not bound under it.
	head, _ := x.heads.find(h)
	x.heads.set(maphash.String(x.seed, "thread/ch/1"), head)
	if r, ok := x.find("thread/ch/1"); !ok || r != b {
		t.Errorf("find(thread/ch/1) = %v, %v; want %v", r, ok, b)
	}
}

// A name longer than a chunk of the arena gets a chunk of its own.
func TestKeyArenaKeepsLongNames(t *testing.T) {
	var a keyArena
	short := a.add("item/ch/1")
	long := string(make([]byte, arenaChunk+10))
	l := a.add(long)
	after := a.add("item/ch/2")
	if got := string(a.bytes(short)); got != "item/ch/1" {
		t.Errorf("short = %q", got)
	}
	if got := string(a.bytes(l)); got != long {
		t.Errorf("long name changed (%d bytes)", len(got))
	}
	if got := string(a.bytes(after)); got != "item/ch/2" {
		t.Errorf("after = %q", got)
	}
}

// repeated reports the first index at which an ID comes again, in any
// order of the IDs.
func TestRepeatedFindsTheFirstRepeat(t *testing.T) {
	a, b, c := uuid.New(), uuid.New(), uuid.New()
	cases := []struct {
		ids  []uuid.UUID
		at   int
		want bool
	}{
		{nil, 0, false},
		{[]uuid.UUID{a, b, c}, 0, false},
		{[]uuid.UUID{c, a, b, a}, 3, true},
		{[]uuid.UUID{b, c, c, b}, 2, true},
		{[]uuid.UUID{a, b, b, a, a}, 2, true},
	}
	for _, tc := range cases {
		var ids []indexedID
		for i, id := range tc.ids {
			ids = append(ids, indexedID{id, i})
		}
		if at, ok := repeated(ids); ok != tc.want || ok && at != tc.at {
			t.Errorf("repeated(%d IDs) = %d, %v; want %d, %v", len(tc.ids), at, ok, tc.at, tc.want)
		}
	}
}
