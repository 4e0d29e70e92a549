package inbox

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// storedMessage carries every field of Message: a field added to Message
// must be added to set and get (and counted in messageFields).
func TestStoredMessageKeepsEveryField(t *testing.T) {
	if n := reflect.TypeFor[Message]().NumField(); n != messageFields {
		t.Fatalf("Message has %d fields, storedMessage carries %d", n, messageFields)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	full := Message{ID: uuid.New(), Version: 3, Conversation: uuid.New(), Seq: 2, Direction: Outbound,
		Mention:    cmkit.Mention{ID: "m1", ChannelID: "ch", Text: "hi", CreatedAt: at},
		Triage:     Triage{Flags: []string{"a"}, Priority: 2},
		Edits:      []Edit{{Text: "old", EditedAt: at}},
		ReceivedAt: at, By: "ana", Delivery: DeliverySending,
		Receipt: cmkit.Receipt{PlatformID: "p1", PublishedAt: at}, Attempts: 2, Waiting: true,
		Action: ModAction{Do: "hide", Attempts: 1}}
	v := reflect.ValueOf(full)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("the test leaves Message.%s zero", v.Type().Field(i).Name)
		}
	}
	plain := Message{ID: uuid.New(), Conversation: uuid.New(), Seq: 1, Direction: Inbound, ReceivedAt: at}
	for _, m := range []Message{full, plain} {
		var s storedMessage
		s.set(&m)
		if got := s.get(); !reflect.DeepEqual(got, m) {
			t.Errorf("get after set = %+v, want %+v", got, m)
		}
		if got := s.copy(); !reflect.DeepEqual(got, m) {
			t.Errorf("copy after set = %+v, want %+v", got, m)
		}
	}
	var s storedMessage
	s.set(&plain)
	if s.rest != nil {
		t.Error("a plain inbound message keeps a rest")
	}
}
