package inbox

import (
	"hash/maphash"
	"testing"

	"github.com/google/uuid"
)

// A refTable finds what was set by name, keeps the last state set, tells
// apart names of one hash, and forgets everything on reset.
func TestRefTable(t *testing.T) {
	tb := newRefTable()
	a := refState{ref: Ref{Conversation: uuid.New()}, bound: true}
	b := refState{ref: Ref{Conversation: uuid.New()}, bound: true}
	tb.set("item/ch/1", refState{}) // looked up, not bound
	if st, ok := tb.find([]byte("item/ch/1")); !ok || st != (refState{}) {
		t.Errorf("find(item/ch/1) = %+v, %v; want a known unbound key", st, ok)
	}
	tb.set("item/ch/1", a)
	if st, ok := tb.find([]byte("item/ch/1")); !ok || st != a {
		t.Errorf("after binding: %+v, %v; want %+v", st, ok, a)
	}
	if len(tb.entries) != 1 {
		t.Errorf("%d entries for one name", len(tb.entries))
	}
	// Two more names under the hash of item/ch/1, as a collision would put them.
	h := maphash.String(tb.seed, "item/ch/1")
	for _, name := range []string{"thread/ch/1", "dm/ch/u1"} {
		last, _ := tb.heads.find(h)
		tb.entries = append(tb.entries, refEntry{name: name, st: b, prev: last + 1})
		tb.heads.set(h, uint32(len(tb.entries)-1))
	}
	for name, want := range map[string]refState{"item/ch/1": a, "thread/ch/1": b, "dm/ch/u1": b} {
		if i, ok := tb.at(h, name); !ok || tb.entries[i].st != want {
			t.Errorf("at(h, %s) = %d, %v; want %+v", name, i, ok, want)
		}
	}
	if _, ok := tb.at(h, "item/ch/2"); ok {
		t.Error("a name never set is found under a shared hash")
	}
	if _, ok := tb.find([]byte("item/ch/2")); ok {
		t.Error("a name never set is found")
	}
	tb.reset()
	if _, ok := tb.find([]byte("item/ch/1")); ok || len(tb.entries) != 0 {
		t.Errorf("after reset: found %v, %d entries", ok, len(tb.entries))
	}
	tb.set("item/ch/1", b)
	if st, ok := tb.find([]byte("item/ch/1")); !ok || st != b {
		t.Errorf("after reset and set: %+v, %v; want %+v", st, ok, b)
	}
}
