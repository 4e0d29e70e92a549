package roles

import (
	"context"
	"errors"
	"testing"
	"time"
)

// The hash covers a record's exact bytes: an edit between two invalid
// UTF-8 strings that JSON would encode alike ("j\xffe" and "j\xfee" both
// become "j\ufffde") is detected. Such records cannot come through Append
// (which refuses invalid UTF-8), so this test writes them to the store
// directly, as an older writer or another tool might have.
func TestAuditHashCoversExactBytes(t *testing.T) {
	ctx := context.Background()
	store := NewMemoryAuditStore()
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	prev := ""
	for i, actor := range []string{"ana", "j\xffe", "bea"} {
		r := Record{Seq: uint64(i + 1), At: at, AuditEvent: AuditEvent{Actor: actor, Action: "check"}, Prev: prev}
		r.Hash = r.computeHash()
		if err := store.Append(ctx, r); err != nil {
			t.Fatal(err)
		}
		prev = r.Hash
	}
	log := NewAuditLog(store, nil)
	if _, err := log.Verify(ctx); err != nil {
		t.Fatalf("intact log: %v", err)
	}
	store.records[1].Actor = "j\xfee"
	_, err := log.Verify(ctx)
	var te *TamperError
	if !errors.As(err, &te) || te.Seq != 2 {
		t.Fatalf("rewriting j\\xffe to j\\xfee: got %v, want a TamperError at record 2", err)
	}

	// Length prefixes: moving bytes between adjacent fields changes the hash.
	a := Record{Seq: 1, At: at, AuditEvent: AuditEvent{Actor: "ab", Action: "c"}}
	b := Record{Seq: 1, At: at, AuditEvent: AuditEvent{Actor: "a", Action: "bc"}}
	if a.computeHash() == b.computeHash() {
		t.Fatal("a field boundary moved without changing the hash")
	}
}
