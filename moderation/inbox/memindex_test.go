package inbox

import (
	"testing"

	"github.com/google/uuid"
)

// A slotTable finds every key set, through collisions and growth, and
// set replaces a value, reporting the old one.
func TestSlotTableFindsEveryKey(t *testing.T) {
	// Every key lands on one slot: only probing tells them apart.
	same := newSlotTable(func(uint64) uint64 { return 0 })
	ids := newSlotTable(hashID)
	var keys []uuid.UUID
	for i := range 1000 {
		var id uuid.UUID
		id[15], id[14] = byte(i), byte(i>>8) // IDs that differ in a few bits
		keys = append(keys, id)
		if _, had := ids.set(id, uint32(i)); had {
			t.Fatalf("set(%v) found it set", id)
		}
		if i < 200 {
			same.set(uint64(i), uint32(i))
		}
	}
	for i, id := range keys {
		if v, ok := ids.find(id); !ok || v != uint32(i) {
			t.Fatalf("find(%v) = %d, %v; want %d", id, v, ok, i)
		}
	}
	for i := range 200 {
		if v, ok := same.find(uint64(i)); !ok || v != uint32(i) {
			t.Fatalf("find(%d) in one slot = %d, %v", i, v, ok)
		}
	}
	if _, ok := ids.find(uuid.New()); ok {
		t.Error("find of a key never set found it")
	}
	if _, ok := same.find(500); ok {
		t.Error("find of a key never set (same slot) found it")
	}
	if old, had := ids.set(keys[7], 70); !had || old != 7 {
		t.Errorf("set over key 7 = %d, %v; want 7, true", old, had)
	}
	if v, _ := ids.find(keys[7]); v != 70 || ids.n != len(keys) {
		t.Errorf("after set over key 7: value %d, %d keys; want 70, %d", v, ids.n, len(keys))
	}
	ids.reset()
	if _, ok := ids.find(keys[7]); ok || ids.n != 0 {
		t.Error("a reset table still holds a key")
	}
	if _, had := ids.set(keys[7], 1); had {
		t.Error("set after reset found the key set")
	}
	var empty slotTable[uint64]
	if _, ok := empty.find(1); ok {
		t.Error("an empty table found a key")
	}
}
