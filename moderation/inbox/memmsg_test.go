package inbox

import (
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation"
)

// storedMessage carries every field of Message: a field added to Message
// must be added to setMessage and message (and counted in
// messageFields).
func TestStoredMessageKeepsEveryField(t *testing.T) {
	if n := reflect.TypeFor[Message]().NumField(); n != messageFields {
		t.Fatalf("Message has %d fields, storedMessage carries %d", n, messageFields)
	}
	full := fullMessage()
	v := reflect.ValueOf(full)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("the test leaves Message.%s zero", v.Type().Field(i).Name)
		}
	}
	for _, f := range []reflect.Value{reflect.ValueOf(full.Mention), reflect.ValueOf(full.Mention.Author), reflect.ValueOf(full.Triage)} {
		for i := range f.NumField() {
			if f.Field(i).IsZero() {
				t.Fatalf("the test leaves %s.%s zero", f.Type().Name(), f.Type().Field(i).Name)
			}
		}
	}
	var sp messageSpace
	var s storedMessage
	sp.setMessage(&s, &full)
	if got := sp.message(&s); !reflect.DeepEqual(got, full) {
		t.Errorf("message after setMessage = %+v, want %+v", got, full)
	}
}

// fullMessage is a message with every field set, in a zone other than
// UTC.
func fullMessage() Message {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		madrid = time.FixedZone("CET", 3600)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 123456789, madrid)
	return Message{ID: uuid.New(), Version: 3, Conversation: uuid.New(), Seq: 2, Direction: Outbound,
		Mention: cmkit.Mention{ID: "m1", ChannelID: "ch", Kind: cmkit.KindReply, Text: "¡hola! żółć 🔥", Language: "es",
			URL: "https://x/1", InReplyTo: "p0", ThreadID: "t0", Rating: 4.5, Reactions: 7, CreatedAt: at,
			EditedAt: at.Add(time.Minute),
			Author: cmkit.Author{ID: "a1", Handle: "ana", DisplayName: "Ana", Followers: 12, Verified: true,
				CreatedAt: time.Date(2001, 1, 2, 3, 4, 5, 6, time.Local)}},
		Triage: Triage{Rules: []FiredRule{{Rule: "r1", Hits: []moderation.Hit{{Lexicon: "l", Term: "t", Start: 1, End: 3}}},
			{Rule: "r2", Hits: []moderation.Hit{}}}, Hide: true, Delete: true, Hold: true, Flags: []string{"a", ""},
			Priority: -2, Queue: "care", Support: true, OpinionLeader: true, Crisis: true, Language: "es",
			SentimentKnown: true, Sentiment: -0.25, SentimentLabel: "negative",
			Replies: []moderation.Reply{{Rule: "r1", Lang: "es", Template: "Hola {author}"}}},
		Edits:      []Edit{{Text: "old", EditedAt: at, Triage: Triage{Flags: []string{"x"}}}},
		ReceivedAt: at.UTC(), By: "ana", Delivery: DeliverySending,
		Receipt: cmkit.Receipt{PlatformID: "p1", PublishedAt: at}, Attempts: 2, Waiting: true,
		Action: ModAction{Do: "hide", Attempts: 1, NextAt: at}}
}

// The stored form keeps what reflect.DeepEqual tells apart: nil and
// empty slices, zero times, monotonic readings, locations, odd floats,
// long and empty strings.
func TestStoredMessageRoundTrips(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	cases := map[string]Message{
		"zero":  {},
		"plain": {ID: uuid.New(), Conversation: uuid.New(), Seq: 1, Direction: Inbound, ReceivedAt: at},
		"full":  fullMessage(),
		"empty slices": {Triage: Triage{Rules: []FiredRule{}, Flags: []string{}, Replies: []moderation.Reply{}},
			Edits: []Edit{}},
		"only sentiment bits": {Triage: Triage{Sentiment: math.Copysign(0, -1)}},
		"huge priority":       {Triage: Triage{Priority: math.MinInt, Rules: []FiredRule{{Hits: []moderation.Hit{{Start: math.MaxInt, End: -1}}}}}},
		"monotonic":           {Mention: cmkit.Mention{CreatedAt: time.Now()}, ReceivedAt: time.Now()},
		"long text":           {Mention: cmkit.Mention{Text: strings.Repeat("ab\x00ç", 40000)}, Triage: Triage{Queue: strings.Repeat("q", 300)}},
		"zero instants in zones": {Mention: cmkit.Mention{CreatedAt: time.Time{}.In(time.FixedZone("Y", 7200)),
			EditedAt: time.Unix(0, 0).UTC(), Author: cmkit.Author{CreatedAt: time.Unix(0, 1)}}},
		"before 1970": {Mention: cmkit.Mention{CreatedAt: time.Date(1200, 5, 6, 7, 8, 9, 10, time.FixedZone("X", -3*3600+30))}},
	}
	var sp messageSpace
	stored := map[string]*storedMessage{}
	for name, m := range cases {
		s := &storedMessage{}
		sp.setMessage(s, &m)
		stored[name] = s
	}
	for name, m := range cases { // after all were stored: nothing overwrote another
		got := sp.message(stored[name])
		if !reflect.DeepEqual(got, m) {
			t.Errorf("%s: got %+v, want %+v", name, got, m)
		}
		if name == "monotonic" && (got.ReceivedAt != m.ReceivedAt || got.Mention.CreatedAt != m.Mention.CreatedAt) {
			t.Errorf("monotonic: the times lost their monotonic reading")
		}
	}
	if stored["plain"].rest != 0 || stored["zero"].rest != 0 {
		t.Error("a plain inbound message keeps a rest")
	}
	if stored["monotonic"].rest == 0 {
		t.Error("a monotonic time is kept without its rest")
	}
}

// Times parsed with offsets each have a location of their own
// (time.Parse makes one per call): the store keeps them all exactly,
// without holding more than maxLocs of them in its table.
func TestStoredMessageManyLocations(t *testing.T) {
	var sp messageSpace
	var stored []storedMessage
	var want []Message
	for i := range 3 * maxLocs {
		at, err := time.Parse(time.RFC3339, "2026-03-01T09:00:00+05:"+strconv.Itoa(10+i%40))
		if err != nil {
			t.Fatal(err)
		}
		m := Message{Seq: i + 1, Mention: cmkit.Mention{CreatedAt: at, Text: strconv.Itoa(i)}}
		var s storedMessage
		sp.setMessage(&s, &m)
		stored, want = append(stored, s), append(want, m)
	}
	if len(sp.locs) > maxLocs {
		t.Errorf("%d locations held, want at most %d", len(sp.locs), maxLocs)
	}
	for i := range stored {
		got := sp.message(&stored[i])
		if !reflect.DeepEqual(got, want[i]) || got.Mention.CreatedAt != want[i].Mention.CreatedAt {
			t.Errorf("message %d: got %v, want %v", i, got.Mention.CreatedAt, want[i].Mention.CreatedAt)
		}
	}
}

// What a copy out holds is the caller's: changing it changes nothing
// stored, and what the message stored was given is not kept.
func TestStoredMessageSharesNothing(t *testing.T) {
	var sp messageSpace
	var s storedMessage
	in := fullMessage()
	want := fullMessage()
	want.ID, want.Conversation = in.ID, in.Conversation
	sp.setMessage(&s, &in)
	in.Triage.Flags[0], in.Triage.Rules[0].Hits[0].Term, in.Triage.Replies[0].Template = "changed", "changed", "changed"
	got := sp.message(&s)
	got.Triage.Flags[0], got.Edits[0].Text, got.Edits[0].Triage.Flags[0] = "changed", "changed", "changed"
	got.Triage.Rules[0].Hits[0].Start = 99
	if again := sp.message(&s); !reflect.DeepEqual(again, want) {
		t.Errorf("after changing the copies: %+v, want %+v", again, want)
	}
}

// An update that changes no string keeps its bytes; one that does
// writes new ones, and the old message's copies are unchanged. A rest
// dropped and given again reuses its slot.
func TestStoredMessageUpdates(t *testing.T) {
	var sp messageSpace
	var s storedMessage
	m := Message{ID: uuid.New(), Seq: 1, Direction: Inbound, Mention: cmkit.Mention{Text: "first"}}
	sp.setMessage(&s, &m)
	data := s.data
	m.Version, m.Action = 2, ModAction{Do: "hide", Delivery: DeliverySending}
	sp.setMessage(&s, &m)
	if s.data != data {
		t.Errorf("an update of no string wrote new bytes: %+v, had %+v", s.data, data)
	}
	rest := s.rest
	if rest == 0 {
		t.Fatal("an action is kept without a rest")
	}
	before := sp.message(&s)
	m.Mention.Text, m.Action = "second", ModAction{}
	sp.setMessage(&s, &m)
	if s.data == data {
		t.Error("a changed text kept the old bytes")
	}
	if got := sp.message(&s); !reflect.DeepEqual(got, m) {
		t.Errorf("after the update: %+v, want %+v", got, m)
	}
	if before.Mention.Text != "first" || before.Action.Do != "hide" {
		t.Errorf("an earlier copy changed: %+v", before)
	}
	m.By = "ana"
	sp.setMessage(&s, &m)
	if s.rest != rest || sp.rests.n != 1 {
		t.Errorf("rest %d of %d, want slot %d again", s.rest, sp.rests.n, rest)
	}
	if got := sp.message(&s); !reflect.DeepEqual(got, m) {
		t.Errorf("after the rest came back: %+v, want %+v", got, m)
	}
}

// The stored form holds no pointers, so the collector skips the slabs of
// messages.
func TestStoredMessageHoldsNoPointers(t *testing.T) {
	if p := pointerIn(reflect.TypeFor[storedMessage]()); p != "" {
		t.Fatalf("storedMessage holds a pointer in %s", p)
	}
}

// pointerIn names a field of t that holds a pointer, or "".
func pointerIn(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			if p := pointerIn(t.Field(i).Type); p != "" {
				return t.Field(i).Name + "." + p
			}
		}
		return ""
	case reflect.Array:
		return pointerIn(t.Elem())
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return ""
	}
	return t.String()
}
