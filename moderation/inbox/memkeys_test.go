package inbox

import (
	"errors"
	"hash/maphash"
	"testing"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
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

// A key new to the store, twice in one write: to one Ref it is bound
// once; to two it is a conflict that changes nothing, wherever the
// second comes among the write's other keys.
func TestCommitKeyTwiceInOneWrite(t *testing.T) {
	ctx := t.Context()
	s := NewMemoryStore()
	c := Conversation{ID: uuid.New(), Key: "thread/ch/1", Status: StatusNew}
	a, b := Ref{Conversation: c.ID}, Ref{Conversation: c.ID, Message: uuid.New()}
	other := func(i int) Key { return Key{Name: "item/ch/x" + string(rune('a'+i)), Ref: a} }
	ok := Write{Conversations: []Conversation{c}, Keys: []Key{{"thread/ch/1", a}, other(0), other(1), {"thread/ch/1", a}}}
	if err := s.Commit(ctx, ok); err != nil {
		t.Fatalf("a key twice to one Ref: %v", err)
	}
	if n := s.keys.bound.n; n != 3 {
		t.Errorf("%d keys bound, want 3", n)
	}
	c.Version = 1
	for _, keys := range [][]Key{
		{{"item/ch/2", a}, {"item/ch/2", b}},
		{{"item/ch/2", a}, other(5), other(6), {"item/ch/2", b}},
		{other(7), {"item/ch/2", b}, {"item/ch/2", b}, {"item/ch/2", a}},
	} {
		err := s.Commit(ctx, Write{Conversations: []Conversation{c}, Keys: keys})
		if !errors.Is(err, cmkit.ErrConflict) {
			t.Errorf("keys %v: want ErrConflict, got %v", keys, err)
		}
		if _, err := s.Lookup(ctx, "item/ch/2"); !errors.Is(err, cmkit.ErrNotFound) {
			t.Errorf("keys %v: a refused write bound item/ch/2 (%v)", keys, err)
		}
		if got, _ := s.Conversation(ctx, c.ID); got.Version != 1 {
			t.Errorf("keys %v: a refused write changed the conversation (version %d)", keys, got.Version)
		}
	}
}
