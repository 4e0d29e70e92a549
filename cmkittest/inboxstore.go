package cmkittest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/roles"
)

// TestInboxStore runs the conformance suite for inbox.Store
// implementations. newStore is called once per subtest and must return an
// empty store; it may register cleanups with t.Cleanup.
//
// The subtests are named by the promise they check:
//
//	RoundTrip                    every kind of record reads back as written
//	NotFound                     missing records, and updates of them
//	VersionRises                 created at 1, then one more per write
//	StaleVersionConflicts        a stale or repeated create changes nothing
//	InvalidWrites                duplicates and missing identities
//	CommitIsAtomic               one bad record refuses the whole Write
//	KeysBindOnce                 a key binds once; the same binding is a no-op
//	Checkpoints                  a new source, and the version fence
//	CopiesInAndOut               neither the Write nor what reads return
//	                             shares memory with the store
//	MessagesInSeqOrder, ActivitiesInCommitOrder, ConversationsFilter,
//	AgentsByMember, AuthorsByBrand, IterationEarlyStop
//	                             the iterators' order, selection and stop
//	Load                         open conversations of a member, after
//	                             reassigning, closing and reopening
//	CanceledContext              every method, and nothing written
//	ConcurrentWritersOneWins     writers at one version: exactly one wins
//	ConcurrentReadModifyWrite    retrying writers lose no update
//	ConcurrentKeyCreatesOneWins  one conversation per key, whoever races
//	ConcurrentCheckpointMovers   no cursor move lost or made twice
//
// Besides the Store doc, the suite expects what MemoryStore does with bad
// input: a Write that names a record twice, a record without its identity
// (ID, key name or conversation, source, member, person), a message or
// activity of an unknown conversation, a message Seq below 1 or an
// agent's negative Capacity fails with an error wrapping cmkit.ErrInvalid;
// a key bound to two Refs within one Write fails with cmkit.ErrConflict.
// Problems are reported with t.Errorf, so one run lists all of them.
func TestInboxStore(t *testing.T, newStore func(t *testing.T) inbox.Store) {
	t.Helper()
	runSuite(t, newStore, []subtest[inbox.Store]{
		{"RoundTrip", inboxRoundTrip},
		{"NotFound", inboxNotFound},
		{"VersionRises", inboxVersionRises},
		{"StaleVersionConflicts", inboxStale},
		{"InvalidWrites", inboxInvalid},
		{"CommitIsAtomic", inboxAtomic},
		{"KeysBindOnce", inboxKeys},
		{"Checkpoints", inboxCheckpoints},
		{"CopiesInAndOut", inboxCopies},
		{"MessagesInSeqOrder", inboxMessagesOrder},
		{"ActivitiesInCommitOrder", inboxActivitiesOrder},
		{"ConversationsFilter", inboxFilter},
		{"Load", inboxLoad},
		{"AgentsByMember", inboxAgents},
		{"AuthorsByBrand", inboxAuthors},
		{"IterationEarlyStop", inboxEarlyStop},
		{"CanceledContext", inboxCanceled},
		{"ConcurrentWritersOneWins", inboxConcurrentWriters},
		{"ConcurrentReadModifyWrite", inboxConcurrentRMW},
		{"ConcurrentKeyCreatesOneWins", inboxConcurrentKeys},
		{"ConcurrentCheckpointMovers", inboxConcurrentCheckpoints},
	})
}

var inboxT0 = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)

// inboxIDs returns n new IDs in ascending order, so that a subtest knows
// the order a store must yield them in.
func inboxIDs(n int) []uuid.UUID {
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = cmkit.NewID()
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return ids
}

// inboxTriage fills every slice of a Triage, so that copies are checked
// all the way down.
func inboxTriage(flag string) inbox.Triage {
	return inbox.Triage{
		Rules:    []inbox.FiredRule{{Rule: "abuse", Hits: []moderation.Hit{{Lexicon: "insults", Term: "idiota", Start: 5, End: 11}}}},
		Hold:     true,
		Flags:    []string{flag},
		Priority: 2, Queue: "vip", Support: true, Language: "es",
		SentimentKnown: true, Sentiment: -0.5, SentimentLabel: "negative",
		Replies: []moderation.Reply{{Rule: "abuse", Lang: "es", Template: "Hola {{name}}"}},
	}
}

// inboxConv returns a full conversation with the given ID and key: new,
// on acme-x, nobody's, one message, a first response due.
func inboxConv(id uuid.UUID, key string) inbox.Conversation {
	return inbox.Conversation{ID: id, Kind: inbox.KindThread, Key: key, Channel: "acme-x",
		Resource: roles.Resource{Brand: "acme", Channel: "acme-x", Country: "ES"}, Person: "acme-x/42",
		Author:   cmkit.Author{ID: "42", Handle: "maria", Followers: 120, CreatedAt: inboxT0.AddDate(-2, 0, 0)},
		Language: "es", Status: inbox.StatusNew, Priority: 1, Labels: []string{"billing", "urgent"},
		Messages: 1, Triage: inboxTriage("complaint"),
		CreatedAt: inboxT0, UpdatedAt: inboxT0, FirstInboundAt: inboxT0, AwaitingSince: inboxT0,
		SLA: inbox.SLAState{Policy: "standard", FirstResponseDue: inboxT0.Add(time.Hour)}}
}

// inboxMsg returns a full inbound message: edited once, judged, with a
// hide pending.
func inboxMsg(id, conv uuid.UUID, seq int) inbox.Message {
	at := inboxT0.Add(time.Duration(seq) * time.Minute)
	return inbox.Message{ID: id, Conversation: conv, Seq: seq, Direction: inbox.Inbound,
		Mention: cmkit.Mention{ID: "p" + strconv.Itoa(seq), ChannelID: "acme-x", Kind: cmkit.KindReply,
			Author: cmkit.Author{ID: "42", Handle: "maria"}, Text: "hola idiota", Language: "es",
			ThreadID: "p0", InReplyTo: "p0", Reactions: 3, CreatedAt: at, EditedAt: at.Add(time.Second)},
		Triage:     inboxTriage("abuse"),
		Edits:      []inbox.Edit{{Text: "hola", Triage: inboxTriage("none")}},
		ReceivedAt: at.Add(2 * time.Second),
		Action:     inbox.ModAction{Do: "hide", Delivery: inbox.DeliverySending, Attempts: 1, NextAt: at.Add(time.Minute)}}
}

func inboxActivity(id, conv uuid.UUID, text string) inbox.Activity {
	return inbox.Activity{ID: id, Conversation: conv, At: inboxT0, By: "ana", Kind: inbox.ActivityNote, Text: text}
}

func inboxAgent(member string) inbox.Agent {
	return inbox.Agent{Member: member, Queues: []string{"", "vip"}, Capacity: 5, Available: true, LastAssigned: inboxT0}
}

func inboxAuthor(brand, person string) inbox.AuthorRecord {
	return inbox.AuthorRecord{Brand: brand, Person: person, Author: cmkit.Author{ID: "42", Handle: "maria"},
		Channel: "acme-x", Platform: cmkit.Platform("x"), Languages: map[string]int{"es": 3, "en": 1},
		Mentions: 4, Reactions: 17, Sentiment: -1.5, Scored: 3, FirstAt: inboxT0, LastAt: inboxT0.Add(time.Hour),
		Evidence: []string{"acme-x/p1", "acme-x/p2"}}
}

func inboxCommit(t *testing.T, s inbox.Store, w inbox.Write) {
	t.Helper()
	if err := s.Commit(t.Context(), w); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

// inboxMust takes a read's results and returns a function that returns
// the value, stopping the subtest if the read failed:
// inboxMust(s.Conversation(ctx, id))(t, "Conversation").
func inboxMust[V any](v V, err error) func(t *testing.T, what string) V {
	return func(t *testing.T, what string) V {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		return v
	}
}

// inboxExpect reports where got differs from want.
func inboxExpect(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := recordDiff(want, got); d != "" {
		t.Errorf("%s: %s", what, d)
	}
}

// recordDiff describes the first difference between want and got, or
// returns "" when there is none. Times compare by instant (a store may
// keep another location), and a nil slice or map equals an empty one.
func recordDiff(want, got any) string {
	w, g := reflect.ValueOf(want), reflect.ValueOf(got)
	return diffValue(w.Type().Name(), w, g)
}

var timeType = reflect.TypeFor[time.Time]()

func diffValue(path string, w, g reflect.Value) string {
	if w.Type() == timeType {
		if wt, gt := w.Interface().(time.Time), g.Interface().(time.Time); !wt.Equal(gt) {
			return fmt.Sprintf("%s = %s, want %s", path, gt, wt)
		}
		return ""
	}
	switch w.Kind() {
	case reflect.Pointer:
		if w.IsNil() != g.IsNil() {
			return fmt.Sprintf("%s = %v, want %v", path, g.Interface(), w.Interface())
		}
		if w.IsNil() {
			return ""
		}
		return diffValue(path, w.Elem(), g.Elem())
	case reflect.Struct:
		for i := range w.NumField() {
			if d := diffValue(path+"."+w.Type().Field(i).Name, w.Field(i), g.Field(i)); d != "" {
				return d
			}
		}
	case reflect.Slice:
		if w.Len() != g.Len() {
			return fmt.Sprintf("%s has %d elements, want %d: %+v, want %+v", path, g.Len(), w.Len(), g, w)
		}
		for i := range w.Len() {
			if d := diffValue(fmt.Sprintf("%s[%d]", path, i), w.Index(i), g.Index(i)); d != "" {
				return d
			}
		}
	case reflect.Map:
		if w.Len() != g.Len() {
			return fmt.Sprintf("%s = %v, want %v", path, g, w)
		}
		for it := w.MapRange(); it.Next(); {
			gv := g.MapIndex(it.Key())
			if !gv.IsValid() {
				return fmt.Sprintf("%s = %v, want %v", path, g, w)
			}
			if d := diffValue(fmt.Sprintf("%s[%v]", path, it.Key()), it.Value(), gv); d != "" {
				return d
			}
		}
	default:
		if !w.Equal(g) {
			return fmt.Sprintf("%s = %v, want %v", path, g, w)
		}
	}
	return ""
}

// inboxSeeded is one of each record, as stored and read back.
type inboxSeeded struct {
	conv   inbox.Conversation
	msg    inbox.Message
	act    inbox.Activity
	key    inbox.Key
	cp     inbox.Checkpoint
	agent  inbox.Agent
	author inbox.AuthorRecord
}

// inboxSeed stores one record of each kind in one Write and returns them
// as read back: the conversation assigned to ana, a message with its item
// key, a note, a checkpoint, the agent ana and the person's author record.
func inboxSeed(t *testing.T, s inbox.Store) inboxSeeded {
	t.Helper()
	ids := inboxIDs(3)
	c := inboxConv(ids[0], "thread/acme-x/p0")
	c.Assignee, c.Status = "ana", inbox.StatusOpen
	sd := inboxSeeded{conv: c, msg: inboxMsg(ids[1], ids[0], 1), act: inboxActivity(ids[2], ids[0], "seeded"),
		key:   inbox.Key{Name: "item/acme-x/p1", Ref: inbox.Ref{Conversation: ids[0], Message: ids[1]}},
		cp:    inbox.Checkpoint{Source: "mentions/acme-x", Cursor: "c1", At: inboxT0},
		agent: inboxAgent("ana"), author: inboxAuthor("acme", c.Person)}
	inboxCommit(t, s, sd.write())
	return inboxReload(t, s, sd)
}

// write is the Write of every record of sd.
func (sd inboxSeeded) write() inbox.Write {
	return inbox.Write{Conversations: []inbox.Conversation{sd.conv}, Messages: []inbox.Message{sd.msg},
		Activities: []inbox.Activity{sd.act}, Keys: []inbox.Key{sd.key}, Checkpoints: []inbox.Checkpoint{sd.cp},
		Agents: []inbox.Agent{sd.agent}, Authors: []inbox.AuthorRecord{sd.author}}
}

// inboxReload reads sd's records back from s.
func inboxReload(t *testing.T, s inbox.Store, sd inboxSeeded) inboxSeeded {
	t.Helper()
	ctx := t.Context()
	sd.conv = inboxMust(s.Conversation(ctx, sd.conv.ID))(t, "Conversation")
	sd.msg = inboxMust(s.Message(ctx, sd.msg.ID))(t, "Message")
	sd.cp = inboxMust(s.Checkpoint(ctx, sd.cp.Source))(t, "Checkpoint")
	sd.author = inboxMust(s.Author(ctx, sd.author.Brand, sd.author.Person))(t, "Author")
	for _, a := range collect(t, "Agents", s.Agents(ctx)) {
		if a.Member == sd.agent.Member {
			sd.agent = a
		}
	}
	return sd
}

// bump writes every record of sd once more (each changed a little) and
// returns them as read back.
func (sd inboxSeeded) bump(t *testing.T, s inbox.Store) inboxSeeded {
	t.Helper()
	sd.conv.Priority++
	sd.msg.Action.Attempts++
	sd.cp.Cursor += "+"
	sd.agent.Capacity++
	sd.author.Mentions++
	w := sd.write()
	w.Activities, w.Keys = nil, nil
	inboxCommit(t, s, w)
	return inboxReload(t, s, sd)
}

// inboxProbe names what inboxState reads besides what the store lists.
type inboxProbe struct {
	msgs    []uuid.UUID
	keys    []string
	sources []string
	members []string
}

func (sd inboxSeeded) probe() inboxProbe {
	return inboxProbe{msgs: []uuid.UUID{sd.msg.ID}, keys: []string{sd.key.Name}, sources: []string{sd.cp.Source},
		members: []string{sd.agent.Member}}
}

// inboxState renders everything s holds that it lists or p names, to be
// compared before and after a write that must change nothing.
func inboxState(t *testing.T, s inbox.Store, p inboxProbe) string {
	t.Helper()
	ctx := t.Context()
	var b strings.Builder
	for _, c := range collect(t, "Conversations", s.Conversations(ctx, inbox.Filter{})) {
		fmt.Fprintf(&b, "conversation %+v\n", c)
		for _, m := range collect(t, "Messages", s.Messages(ctx, c.ID)) {
			fmt.Fprintf(&b, "\tmessage %+v\n", m)
		}
		for _, a := range collect(t, "Activities", s.Activities(ctx, c.ID)) {
			fmt.Fprintf(&b, "\tactivity %+v\n", a)
		}
	}
	for _, id := range p.msgs {
		m, err := s.Message(ctx, id)
		fmt.Fprintf(&b, "message %s: %+v %s\n", id, m, errClass(err))
	}
	for _, k := range p.keys {
		r, err := s.Lookup(ctx, k)
		fmt.Fprintf(&b, "key %q: %+v %s\n", k, r, errClass(err))
	}
	for _, src := range p.sources {
		cp, err := s.Checkpoint(ctx, src)
		fmt.Fprintf(&b, "checkpoint %+v %s\n", cp, errClass(err))
	}
	for _, m := range p.members {
		n, err := s.Load(ctx, m)
		fmt.Fprintf(&b, "load %s: %d %s\n", m, n, errClass(err))
	}
	for _, a := range collect(t, "Agents", s.Agents(ctx)) {
		fmt.Fprintf(&b, "agent %+v\n", a)
	}
	authors := collect(t, "Authors", s.Authors(ctx, ""))
	slices.SortFunc(authors, func(a, b inbox.AuthorRecord) int {
		return strings.Compare(a.Brand+"\x00"+a.Person, b.Brand+"\x00"+b.Person)
	})
	for _, a := range authors {
		fmt.Fprintf(&b, "author %+v\n", a)
	}
	return b.String()
}

// errClass names the class of err for inboxState.
func errClass(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, cmkit.ErrNotFound):
		return "not found"
	default:
		return "error"
	}
}

// stateDiff returns the first line where two inboxState renderings differ.
func stateDiff(before, after string) string {
	b, a := strings.Split(before, "\n"), strings.Split(after, "\n")
	for i := range max(len(a), len(b)) {
		var bl, al string
		if i < len(b) {
			bl = b[i]
		}
		if i < len(a) {
			al = a[i]
		}
		if bl != al {
			return fmt.Sprintf("was  %s\nnow  %s", around(bl, al), around(al, bl))
		}
	}
	return ""
}

// around returns a, cut to the 200 bytes around where it first differs
// from b.
func around(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from, to := max(0, i-100), min(len(a), i+100)
	out := a[from:to]
	if from > 0 {
		out = "…" + out
	}
	if to < len(a) {
		out += "…"
	}
	return out
}

// inboxUnchanged reports a difference between the state before and now.
func inboxUnchanged(t *testing.T, s inbox.Store, p inboxProbe, before, what string) {
	t.Helper()
	if d := stateDiff(before, inboxState(t, s, p)); d != "" {
		t.Errorf("%s changed the store:\n%s", what, d)
	}
}

func inboxRoundTrip(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	ids := inboxIDs(4)
	c := inboxConv(ids[0], "thread/acme-x/p0")
	c.Messages, c.Assignee = 2, "ana"
	m1, m2 := inboxMsg(ids[1], c.ID, 1), inboxMsg(ids[2], c.ID, 2)
	m2.Direction, m2.By, m2.Delivery, m2.Triage, m2.Edits, m2.Action = inbox.Outbound, "ana", inbox.DeliverySent, inbox.Triage{}, nil, inbox.ModAction{}
	m2.Receipt = cmkit.Receipt{PostID: m2.ID, ChannelID: "acme-x", PlatformID: "r1", URL: "https://x.invalid/r1", PublishedAt: inboxT0}
	a := inboxActivity(ids[3], c.ID, "ingested")
	item := inbox.Key{Name: "item/acme-x/p1", Ref: inbox.Ref{Conversation: c.ID, Message: m1.ID}}
	thread := inbox.Key{Name: c.Key, Ref: inbox.Ref{Conversation: c.ID}}
	cp := inbox.Checkpoint{Source: "mentions/acme-x", Cursor: "c1", At: inboxT0}
	ag := inboxAgent("ana")
	au := inboxAuthor("acme", c.Person)
	inboxCommit(t, s, inbox.Write{Conversations: []inbox.Conversation{c}, Messages: []inbox.Message{m1, m2},
		Activities: []inbox.Activity{a}, Keys: []inbox.Key{item, thread}, Checkpoints: []inbox.Checkpoint{cp},
		Agents: []inbox.Agent{ag}, Authors: []inbox.AuthorRecord{au}})
	c.Version, m1.Version, m2.Version, cp.Version, ag.Version, au.Version = 1, 1, 1, 1, 1, 1

	got, err := s.Conversation(ctx, c.ID)
	if err != nil {
		t.Fatalf("Conversation: %v", err)
	}
	inboxExpect(t, "Conversation", c, got)
	gm, err := s.Message(ctx, m1.ID)
	if err != nil {
		t.Fatalf("Message: %v", err)
	}
	inboxExpect(t, "Message", m1, gm)
	inboxExpect(t, "Messages", []inbox.Message{m1, m2}, collect(t, "Messages", s.Messages(ctx, c.ID)))
	inboxExpect(t, "Activities", []inbox.Activity{a}, collect(t, "Activities", s.Activities(ctx, c.ID)))
	inboxExpect(t, "Conversations", []inbox.Conversation{c}, collect(t, "Conversations", s.Conversations(ctx, inbox.Filter{})))
	for _, k := range []inbox.Key{item, thread} {
		if r, err := s.Lookup(ctx, k.Name); err != nil || r != k.Ref {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", k.Name, r, err, k.Ref)
		}
	}
	gcp, err := s.Checkpoint(ctx, cp.Source)
	if err != nil {
		t.Fatalf("Checkpoint: %v", err)
	}
	inboxExpect(t, "Checkpoint", cp, gcp)
	inboxExpect(t, "Agents", []inbox.Agent{ag}, collect(t, "Agents", s.Agents(ctx)))
	gau, err := s.Author(ctx, au.Brand, au.Person)
	if err != nil {
		t.Fatalf("Author: %v", err)
	}
	inboxExpect(t, "Author", au, gau)
	inboxExpect(t, "Authors", []inbox.AuthorRecord{au}, collect(t, "Authors", s.Authors(ctx, "acme")))
	if n, err := s.Load(ctx, "ana"); err != nil || n != 1 {
		t.Errorf("Load(ana) = %d, %v; want 1", n, err)
	}
}

func inboxNotFound(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	sd := inboxSeed(t, s)
	missing := cmkit.NewID()
	reads := map[string]error{}
	_, reads["Conversation"] = s.Conversation(ctx, missing)
	_, reads["Message"] = s.Message(ctx, missing)
	_, reads["Lookup"] = s.Lookup(ctx, "thread/none")
	_, reads["Author"] = s.Author(ctx, "acme", "nobody")
	_, reads["Author of another brand"] = s.Author(ctx, "other", sd.author.Person)
	for what, err := range reads {
		if !errors.Is(err, cmkit.ErrNotFound) {
			t.Errorf("%s of a missing record: want ErrNotFound, got %v", what, err)
		}
	}
	if got := collect(t, "Messages", s.Messages(ctx, missing)); len(got) != 0 {
		t.Errorf("Messages of a missing conversation = %+v", got)
	}
	if got := collect(t, "Activities", s.Activities(ctx, missing)); len(got) != 0 {
		t.Errorf("Activities of a missing conversation = %+v", got)
	}
	if n, err := s.Load(ctx, "nobody"); n != 0 || err != nil {
		t.Errorf("Load of a member without conversations = %d, %v; want 0", n, err)
	}
	before := inboxState(t, s, sd.probe())
	c := inboxConv(missing, "thread/none")
	c.Version = 3
	m := inboxMsg(cmkit.NewID(), sd.conv.ID, 2)
	m.Version = 2
	ag := inboxAgent("nobody")
	ag.Version = 1
	au := inboxAuthor("acme", "nobody")
	au.Version = 5
	for what, w := range map[string]inbox.Write{
		"conversation":  {Conversations: []inbox.Conversation{c}},
		"message":       {Messages: []inbox.Message{m}},
		"agent":         {Agents: []inbox.Agent{ag}},
		"author record": {Authors: []inbox.AuthorRecord{au}},
	} {
		if err := s.Commit(ctx, w); !errors.Is(err, cmkit.ErrNotFound) {
			t.Errorf("updating a missing %s (version > 0): want ErrNotFound, got %v", what, err)
		}
	}
	inboxUnchanged(t, s, sd.probe(), before, "updates of missing records")
}

func inboxVersionRises(t *testing.T, s inbox.Store) {
	sd := inboxSeed(t, s)
	for want := uint64(1); want <= 4; want++ {
		for what, v := range map[string]uint64{"conversation": sd.conv.Version, "message": sd.msg.Version,
			"checkpoint": sd.cp.Version, "agent": sd.agent.Version, "author": sd.author.Version} {
			if v != want {
				t.Fatalf("after %d writes the %s is at version %d, want %d", want, what, v, want)
			}
		}
		sd = sd.bump(t, s)
	}
}

func inboxStale(t *testing.T, s inbox.Store) {
	v1 := inboxSeed(t, s)
	v2 := v1.bump(t, s)
	before := inboxState(t, s, v1.probe())
	created := v1
	created.conv.Version, created.msg.Version, created.cp.Version, created.agent.Version, created.author.Version = 0, 0, 0, 0, 0
	for _, sd := range []struct {
		name string
		sd   inboxSeeded
	}{{"at the version before", v1}, {"created again (version 0)", created}} {
		sd.sd.conv.Status = inbox.StatusHidden
		for what, w := range map[string]inbox.Write{
			"a conversation": {Conversations: []inbox.Conversation{sd.sd.conv}},
			"a message":      {Messages: []inbox.Message{sd.sd.msg}},
			"a checkpoint":   {Checkpoints: []inbox.Checkpoint{sd.sd.cp}},
			"an agent":       {Agents: []inbox.Agent{sd.sd.agent}},
			"an author":      {Authors: []inbox.AuthorRecord{sd.sd.author}},
		} {
			if err := s.Commit(t.Context(), w); !errors.Is(err, cmkit.ErrConflict) {
				t.Errorf("%s %s: want ErrConflict, got %v", what, sd.name, err)
			}
		}
	}
	inboxUnchanged(t, s, v1.probe(), before, "stale writes")
	if got := inboxReload(t, s, v1); got.conv.Version != 2 || got.conv.Priority != v2.conv.Priority {
		t.Errorf("after refused writes the conversation is at version %d, priority %d; want 2, %d",
			got.conv.Version, got.conv.Priority, v2.conv.Priority)
	}
}

func inboxInvalid(t *testing.T, s inbox.Store) {
	sd := inboxSeed(t, s)
	before := inboxState(t, s, sd.probe())
	for _, tc := range []struct {
		name string
		bad  func(w *inbox.Write) // breaks one record of a valid Write
		want error
	}{
		{"a conversation twice", func(w *inbox.Write) { w.Conversations = append(w.Conversations, w.Conversations[0]) }, cmkit.ErrInvalid},
		{"a conversation without ID", func(w *inbox.Write) { w.Conversations = append(w.Conversations, inboxConv(uuid.Nil, "x")) }, cmkit.ErrInvalid},
		{"a message twice", func(w *inbox.Write) { w.Messages = append(w.Messages, w.Messages[0]) }, cmkit.ErrInvalid},
		{"a message without ID", func(w *inbox.Write) { w.Messages[0].ID = uuid.Nil }, cmkit.ErrInvalid},
		{"a message of an unknown conversation", func(w *inbox.Write) { w.Messages[0].Conversation = cmkit.NewID() }, cmkit.ErrInvalid},
		{"a message with Seq 0", func(w *inbox.Write) { w.Messages[0].Seq = 0 }, cmkit.ErrInvalid},
		{"an activity twice", func(w *inbox.Write) { w.Activities = append(w.Activities, w.Activities[0]) }, cmkit.ErrInvalid},
		{"an activity without ID", func(w *inbox.Write) { w.Activities[0].ID = uuid.Nil }, cmkit.ErrInvalid},
		{"an activity of an unknown conversation", func(w *inbox.Write) { w.Activities[0].Conversation = cmkit.NewID() }, cmkit.ErrInvalid},
		{"a key without name", func(w *inbox.Write) { w.Keys[0].Name = "" }, cmkit.ErrInvalid},
		{"a key without conversation", func(w *inbox.Write) { w.Keys[0].Ref = inbox.Ref{} }, cmkit.ErrInvalid},
		{"a key bound to two Refs", func(w *inbox.Write) {
			w.Keys = append(w.Keys, inbox.Key{Name: w.Keys[0].Name, Ref: inbox.Ref{Conversation: sd.conv.ID}})
		}, cmkit.ErrConflict},
		{"a checkpoint twice", func(w *inbox.Write) { w.Checkpoints = append(w.Checkpoints, w.Checkpoints[0]) }, cmkit.ErrInvalid},
		{"a checkpoint without source", func(w *inbox.Write) { w.Checkpoints[0].Source = "" }, cmkit.ErrInvalid},
		{"an agent twice", func(w *inbox.Write) { w.Agents = append(w.Agents, w.Agents[0]) }, cmkit.ErrInvalid},
		{"an agent without member", func(w *inbox.Write) { w.Agents[0].Member = "" }, cmkit.ErrInvalid},
		{"an agent with a negative capacity", func(w *inbox.Write) { w.Agents[0].Capacity = -1 }, cmkit.ErrInvalid},
		{"an author twice", func(w *inbox.Write) { w.Authors = append(w.Authors, w.Authors[0]) }, cmkit.ErrInvalid},
		{"an author without person", func(w *inbox.Write) { w.Authors[0].Person = "" }, cmkit.ErrInvalid},
	} {
		// A new record of each kind, valid but for what bad breaks.
		ids := inboxIDs(3)
		c := inboxConv(ids[0], "thread/"+ids[0].String())
		w := inbox.Write{Conversations: []inbox.Conversation{c}, Messages: []inbox.Message{inboxMsg(ids[1], c.ID, 1)},
			Activities:  []inbox.Activity{inboxActivity(ids[2], c.ID, "note")},
			Keys:        []inbox.Key{{Name: c.Key, Ref: inbox.Ref{Conversation: c.ID}}},
			Checkpoints: []inbox.Checkpoint{{Source: "mentions/" + ids[0].String(), Cursor: "c1"}},
			Agents:      []inbox.Agent{inboxAgent(ids[0].String())},
			Authors:     []inbox.AuthorRecord{inboxAuthor("acme", ids[0].String())}}
		tc.bad(&w)
		if err := s.Commit(t.Context(), w); !errors.Is(err, tc.want) {
			t.Errorf("a Write with %s: want %v, got %v", tc.name, tc.want, err)
		}
	}
	inboxUnchanged(t, s, sd.probe(), before, "invalid writes")
}

func inboxAtomic(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	sd := inboxSeed(t, s).bump(t, s)
	ids := inboxIDs(4)
	fresh := inboxConv(ids[0], "thread/fresh")
	fresh.Assignee = "bob"
	freshMsg := inboxMsg(ids[1], fresh.ID, 1)
	cp2 := inbox.Checkpoint{Source: "mentions/acme-fb", Cursor: "f1", At: inboxT0}
	// good touches every record of sd and creates one of each kind.
	good := func() inbox.Write {
		c, m, cp, ag, au := sd.conv, sd.msg, sd.cp, sd.agent, sd.author
		c.Status, c.Labels, c.Assignee = inbox.StatusResolved, []string{"done"}, "bob"
		m.Action.Delivery = inbox.DeliverySent
		cp.Cursor = "moved"
		ag.Available = false
		au.Mentions += 10
		return inbox.Write{
			Conversations: []inbox.Conversation{c, fresh},
			Messages:      []inbox.Message{m, freshMsg},
			Activities:    []inbox.Activity{inboxActivity(ids[2], c.ID, "resolved"), inboxActivity(ids[3], fresh.ID, "ingested")},
			Keys: []inbox.Key{{Name: fresh.Key, Ref: inbox.Ref{Conversation: fresh.ID}},
				{Name: "item/acme-x/f1", Ref: inbox.Ref{Conversation: fresh.ID, Message: freshMsg.ID}}},
			Checkpoints: []inbox.Checkpoint{cp, cp2},
			Agents:      []inbox.Agent{ag, inboxAgent("bob")},
			Authors:     []inbox.AuthorRecord{au, inboxAuthor("acme", "acme-x/7")},
		}
	}
	p := sd.probe()
	p.msgs = append(p.msgs, freshMsg.ID)
	p.keys = append(p.keys, fresh.Key, "item/acme-x/f1")
	p.sources = append(p.sources, cp2.Source)
	p.members = append(p.members, "bob")
	before := inboxState(t, s, p)
	for _, tc := range []struct {
		name string
		bad  func(w *inbox.Write)
		want error
	}{
		{"a stale conversation", func(w *inbox.Write) { w.Conversations[0].Version = 1 }, cmkit.ErrConflict},
		{"a stale conversation last", func(w *inbox.Write) { staleLast(w.Conversations) }, cmkit.ErrConflict},
		{"a stale message last", func(w *inbox.Write) { staleLast(w.Messages) }, cmkit.ErrConflict},
		{"a key bound elsewhere", func(w *inbox.Write) {
			w.Keys = append(w.Keys, inbox.Key{Name: sd.key.Name, Ref: inbox.Ref{Conversation: fresh.ID}})
		}, cmkit.ErrConflict},
		{"a stale checkpoint last", func(w *inbox.Write) { staleLast(w.Checkpoints) }, cmkit.ErrConflict},
		{"a stale agent last", func(w *inbox.Write) { staleLast(w.Agents) }, cmkit.ErrConflict},
		{"a stale author last", func(w *inbox.Write) { staleLast(w.Authors) }, cmkit.ErrConflict},
		{"a missing author last", func(w *inbox.Write) {
			gone := inboxAuthor("acme", "gone")
			gone.Version = 3
			w.Authors = append(w.Authors, gone)
		}, cmkit.ErrNotFound},
		{"an author twice", func(w *inbox.Write) { w.Authors = append(w.Authors, w.Authors[1]) }, cmkit.ErrInvalid},
	} {
		w := good()
		tc.bad(&w)
		if err := s.Commit(ctx, w); !errors.Is(err, tc.want) {
			t.Errorf("a Write with %s: want %v, got %v", tc.name, tc.want, err)
		}
		if d := stateDiff(before, inboxState(t, s, p)); d != "" {
			// The cases after it would start from another state.
			t.Fatalf("a Write with %s changed the store:\n%s", tc.name, d)
		}
	}
	// The same Write without the bad record applies whole.
	inboxCommit(t, s, good())
	got := inboxReload(t, s, sd)
	if got.conv.Version != 3 || got.conv.Status != inbox.StatusResolved || got.msg.Version != 3 ||
		got.cp.Cursor != "moved" || got.agent.Available || got.author.Mentions != sd.author.Mentions+10 {
		t.Errorf("the good Write did not apply to every record: %+v", got)
	}
	if _, err := s.Conversation(ctx, fresh.ID); err != nil {
		t.Errorf("the good Write's new conversation: %v", err)
	}
	if r, err := s.Lookup(ctx, "item/acme-x/f1"); err != nil || r.Message != freshMsg.ID {
		t.Errorf("the good Write's item key: %+v, %v", r, err)
	}
	if n, err := s.Load(ctx, "bob"); err != nil || n != 1 {
		t.Errorf("Load(bob) after the good Write = %d, %v; want 1", n, err)
	}
}

// staleLast moves the first record of rs, one of inboxSeeded's at version
// 2, last, at version 1.
func staleLast(rs any) {
	v := reflect.ValueOf(rs)
	reflect.Swapper(rs)(0, v.Len()-1)
	v.Index(v.Len() - 1).FieldByName("Version").SetUint(1)
}

func inboxKeys(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	ids := inboxIDs(4)
	c1, c2 := inboxConv(ids[0], "thread/1"), inboxConv(ids[1], "thread/2")
	m1, m2 := inboxMsg(ids[2], c1.ID, 1), inboxMsg(ids[3], c1.ID, 2)
	thread := inbox.Key{Name: c1.Key, Ref: inbox.Ref{Conversation: c1.ID}}
	item := inbox.Key{Name: "item/acme-x/p1", Ref: inbox.Ref{Conversation: c1.ID, Message: m1.ID}}
	inboxCommit(t, s, inbox.Write{Conversations: []inbox.Conversation{c1, c2}, Messages: []inbox.Message{m1, m2},
		Keys: []inbox.Key{thread, item}})
	lookup := func(k inbox.Key, what string) {
		t.Helper()
		if r, err := s.Lookup(ctx, k.Name); err != nil || r != k.Ref {
			t.Errorf("%s: Lookup(%q) = %+v, %v; want %+v", what, k.Name, r, err, k.Ref)
		}
	}
	lookup(thread, "bound")
	if err := s.Commit(ctx, inbox.Write{Keys: []inbox.Key{thread, item}}); err != nil {
		t.Errorf("binding keys again to the same Refs: %v", err)
	}
	c1.Version, c1.Status = 1, inbox.StatusOpen
	if err := s.Commit(ctx, inbox.Write{Conversations: []inbox.Conversation{c1}, Keys: []inbox.Key{thread, thread}}); err != nil {
		t.Errorf("a Write that binds a key as it is bound (twice): %v", err)
	}
	if got, err := s.Conversation(ctx, c1.ID); err != nil || got.Version != 2 || got.Status != inbox.StatusOpen {
		t.Errorf("a Write with an unchanged key did not apply: %+v, %v", got, err)
	}
	for _, k := range []inbox.Key{
		{Name: thread.Name, Ref: inbox.Ref{Conversation: c2.ID}},
		{Name: item.Name, Ref: inbox.Ref{Conversation: c1.ID, Message: m2.ID}},
		{Name: item.Name, Ref: inbox.Ref{Conversation: c1.ID}},
	} {
		if err := s.Commit(ctx, inbox.Write{Keys: []inbox.Key{k}}); !errors.Is(err, cmkit.ErrConflict) {
			t.Errorf("binding %q to %+v when bound to another Ref: want ErrConflict, got %v", k.Name, k.Ref, err)
		}
	}
	lookup(thread, "after refused rebinds")
	lookup(item, "after refused rebinds")
}

func inboxCheckpoints(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	const src = "mentions/acme-x"
	cp, err := s.Checkpoint(ctx, src)
	if err != nil {
		t.Fatalf("Checkpoint of a new source: %v", err)
	}
	inboxExpect(t, "Checkpoint of a new source", inbox.Checkpoint{Source: src}, cp)
	cp.Cursor, cp.At = "c1", inboxT0
	inboxCommit(t, s, inbox.Write{Checkpoints: []inbox.Checkpoint{cp}})
	cp.Version = 1
	inboxExpect(t, "Checkpoint after the first write", cp, inboxMust(s.Checkpoint(ctx, src))(t, "Checkpoint"))

	// Two pullers read version 1; the second to write is fenced off.
	p1, p2 := cp, cp
	p1.Cursor, p1.At = "c2", inboxT0.Add(time.Minute)
	p2.Cursor, p2.At = "c2'", inboxT0.Add(time.Minute)
	inboxCommit(t, s, inbox.Write{Checkpoints: []inbox.Checkpoint{p1}})
	if err := s.Commit(ctx, inbox.Write{Checkpoints: []inbox.Checkpoint{p2}}); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a second puller at the same version: want ErrConflict, got %v", err)
	}
	first := cp
	first.Cursor = "c0"
	first.Version = 0
	if err := s.Commit(ctx, inbox.Write{Checkpoints: []inbox.Checkpoint{first}}); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a first checkpoint (version 0) of a checkpointed source: want ErrConflict, got %v", err)
	}
	p1.Version = 2
	inboxExpect(t, "Checkpoint after the fence", p1, inboxMust(s.Checkpoint(ctx, src))(t, "Checkpoint"))

	other, err := s.Checkpoint(ctx, "search/acme-x/acme")
	if err != nil {
		t.Fatalf("Checkpoint of another source: %v", err)
	}
	inboxExpect(t, "Checkpoint of another source", inbox.Checkpoint{Source: "search/acme-x/acme"}, other)
	ahead := inbox.Checkpoint{Source: "search/acme-x/acme", Cursor: "x", Version: 5}
	if err := s.Commit(ctx, inbox.Write{Checkpoints: []inbox.Checkpoint{ahead}}); !errors.Is(err, cmkit.ErrConflict) && !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("a checkpoint at version 5 of a source never checkpointed: want ErrConflict or ErrNotFound, got %v", err)
	}
	if got, _ := s.Checkpoint(ctx, ahead.Source); got.Version != 0 || got.Cursor != "" {
		t.Errorf("a refused checkpoint was stored: %+v", got)
	}
}

// The scribble functions change every field a store might share with its
// caller: the elements of every slice and map, all the way down.

func scribble(ss []string) {
	for i := range ss {
		ss[i] = "scribbled"
	}
}

func scribbleTriage(tr *inbox.Triage) {
	for i := range tr.Rules {
		tr.Rules[i].Rule = "scribbled"
		for j := range tr.Rules[i].Hits {
			tr.Rules[i].Hits[j].Term = "scribbled"
		}
	}
	for i := range tr.Replies {
		tr.Replies[i].Template = "scribbled"
	}
	scribble(tr.Flags)
}

func scribbleConv(c *inbox.Conversation) {
	c.Status = inbox.StatusHidden
	scribble(c.Labels)
	scribbleTriage(&c.Triage)
}

func scribbleMsg(m *inbox.Message) {
	m.Mention.Text = "scribbled"
	scribbleTriage(&m.Triage)
	for i := range m.Edits {
		m.Edits[i].Text = "scribbled"
		scribbleTriage(&m.Edits[i].Triage)
	}
}

func scribbleAgent(a *inbox.Agent) {
	a.Capacity = 99
	scribble(a.Queues)
}

func scribbleAuthor(a *inbox.AuthorRecord) {
	a.Mentions = 99
	for k := range a.Languages {
		a.Languages[k] = 99
	}
	if a.Languages != nil {
		a.Languages["scribbled"] = 1
	}
	scribble(a.Evidence)
}

func inboxCopies(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	ids := inboxIDs(3)
	build := func() inbox.Write {
		return inbox.Write{
			Conversations: []inbox.Conversation{inboxConv(ids[0], "thread/copies")},
			Messages:      []inbox.Message{inboxMsg(ids[1], ids[0], 1)},
			Activities:    []inbox.Activity{inboxActivity(ids[2], ids[0], "note")},
			Keys:          []inbox.Key{{Name: "thread/copies", Ref: inbox.Ref{Conversation: ids[0]}}},
			Checkpoints:   []inbox.Checkpoint{{Source: "mentions/acme-x", Cursor: "c1", At: inboxT0}},
			Agents:        []inbox.Agent{inboxAgent("ana")},
			Authors:       []inbox.AuthorRecord{inboxAuthor("acme", "acme-x/42")},
		}
	}
	w := build()
	inboxCommit(t, s, w)
	want := build()
	want.Conversations[0].Version, want.Messages[0].Version, want.Agents[0].Version, want.Authors[0].Version = 1, 1, 1, 1
	want.Checkpoints[0].Version = 1
	check := func(after string) {
		t.Helper()
		inboxExpect(t, "after "+after, want.Activities, collect(t, "Activities", s.Activities(ctx, ids[0])))
		if r, err := s.Lookup(ctx, "thread/copies"); err != nil || r != want.Keys[0].Ref {
			t.Errorf("after %s: Lookup = %+v, %v; want %+v", after, r, err, want.Keys[0].Ref)
		}
		if cp, err := s.Checkpoint(ctx, "mentions/acme-x"); err != nil || recordDiff(want.Checkpoints[0], cp) != "" {
			t.Errorf("after %s: %s (%v)", after, recordDiff(want.Checkpoints[0], cp), err)
		}
		if c, err := s.Conversation(ctx, ids[0]); err != nil || recordDiff(want.Conversations[0], c) != "" {
			t.Errorf("after %s: %s (%v)", after, recordDiff(want.Conversations[0], c), err)
		}
		if m, err := s.Message(ctx, ids[1]); err != nil || recordDiff(want.Messages[0], m) != "" {
			t.Errorf("after %s: %s (%v)", after, recordDiff(want.Messages[0], m), err)
		}
		inboxExpect(t, "after "+after, want.Agents, collect(t, "Agents", s.Agents(ctx)))
		if a, err := s.Author(ctx, "acme", "acme-x/42"); err != nil || recordDiff(want.Authors[0], a) != "" {
			t.Errorf("after %s: %s (%v)", after, recordDiff(want.Authors[0], a), err)
		}
	}
	scribbleConv(&w.Conversations[0])
	scribbleMsg(&w.Messages[0])
	scribbleAgent(&w.Agents[0])
	scribbleAuthor(&w.Authors[0])
	w.Activities[0].Text, w.Keys[0].Ref.Conversation, w.Checkpoints[0].Cursor = "scribbled", cmkit.NewID(), "scribbled"
	check("changing the committed Write")

	if c, err := s.Conversation(ctx, ids[0]); err == nil {
		scribbleConv(&c)
	}
	if m, err := s.Message(ctx, ids[1]); err == nil {
		scribbleMsg(&m)
	}
	if a, err := s.Author(ctx, "acme", "acme-x/42"); err == nil {
		scribbleAuthor(&a)
	}
	check("changing what Conversation, Message and Author returned")

	for c := range s.Conversations(ctx, inbox.Filter{}) {
		scribbleConv(&c)
	}
	for m := range s.Messages(ctx, ids[0]) {
		scribbleMsg(&m)
	}
	for a := range s.Agents(ctx) {
		scribbleAgent(&a)
	}
	for a := range s.Authors(ctx, "") {
		scribbleAuthor(&a)
	}
	check("changing what Conversations, Messages, Agents and Authors yielded")
}

// seqs returns the Seq of each message.
func seqs(ms []inbox.Message) []int {
	out := make([]int, len(ms))
	for i, m := range ms {
		out[i] = m.Seq
	}
	return out
}

func inboxMessagesOrder(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	ids := inboxIDs(6)
	c, o := inboxConv(ids[0], "thread/c"), inboxConv(ids[5], "thread/o")
	inboxCommit(t, s, inbox.Write{Conversations: []inbox.Conversation{c, o}})
	// IDs and writes in another order than Seq, so that only Seq sorts.
	m3, m1, m2 := inboxMsg(ids[1], c.ID, 3), inboxMsg(ids[2], c.ID, 1), inboxMsg(ids[3], c.ID, 2)
	inboxCommit(t, s, inbox.Write{Messages: []inbox.Message{m3, m1, inboxMsg(ids[4], o.ID, 1)}})
	inboxCommit(t, s, inbox.Write{Messages: []inbox.Message{m2}})
	if got := seqs(collect(t, "Messages", s.Messages(ctx, c.ID))); fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("Messages yielded Seq %v, want [1 2 3]", got)
	}
	m1.Version, m1.Delivery = 1, inbox.DeliverySent
	inboxCommit(t, s, inbox.Write{Messages: []inbox.Message{m1}})
	got := collect(t, "Messages", s.Messages(ctx, c.ID))
	if fmt.Sprint(seqs(got)) != "[1 2 3]" || got[0].ID != m1.ID || got[0].Version != 2 {
		t.Errorf("after updating Seq 1, Messages = %v (first %s at version %d), want [1 2 3] with it first at 2",
			seqs(got), got[0].ID, got[0].Version)
	}
	if got := collect(t, "Messages", s.Messages(ctx, o.ID)); len(got) != 1 || got[0].ID != ids[4] {
		t.Errorf("Messages of the other conversation = %+v, want its one message", got)
	}
}

func inboxActivitiesOrder(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	ids := inboxIDs(6)
	c, o := inboxConv(ids[0], "thread/c"), inboxConv(ids[1], "thread/o")
	inboxCommit(t, s, inbox.Write{Conversations: []inbox.Conversation{c, o}})
	// Neither the IDs nor the times are in commit order.
	act := func(id uuid.UUID, conv uuid.UUID, text string, at time.Duration) inbox.Activity {
		a := inboxActivity(id, conv, text)
		a.At = inboxT0.Add(at)
		return a
	}
	inboxCommit(t, s, inbox.Write{Activities: []inbox.Activity{act(ids[5], c.ID, "first", 3*time.Hour),
		act(ids[4], c.ID, "second", time.Hour), act(ids[3], o.ID, "other", 0)}})
	inboxCommit(t, s, inbox.Write{Activities: []inbox.Activity{act(ids[2], c.ID, "third", 0)}})
	var texts []string
	for _, a := range collect(t, "Activities", s.Activities(ctx, c.ID)) {
		texts = append(texts, a.Text)
	}
	if fmt.Sprint(texts) != "[first second third]" {
		t.Errorf("Activities = %v, want [first second third] (commit order)", texts)
	}
	if got := collect(t, "Activities", s.Activities(ctx, o.ID)); len(got) != 1 || got[0].Text != "other" {
		t.Errorf("Activities of the other conversation = %+v", got)
	}
}

func convKeys(cs []inbox.Conversation) string {
	keys := make([]string, len(cs))
	for i, c := range cs {
		keys[i] = c.Key
	}
	return strings.Join(keys, " ")
}

func inboxFilter(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	h := time.Hour
	ids := inboxIDs(7)
	mk := func(i int, channel string, st inbox.Status, queue, assignee, person string, edit func(c *inbox.Conversation)) inbox.Conversation {
		c := inboxConv(ids[i], string(rune('a'+i)))
		c.Channel, c.Status, c.Queue, c.Assignee, c.Person = channel, st, queue, assignee, person
		c.SLA = inbox.SLAState{}
		if edit != nil {
			edit(&c)
		}
		return c
	}
	cs := []inbox.Conversation{
		mk(0, "x", inbox.StatusNew, "", "", "p1", func(c *inbox.Conversation) { c.ReplyUntil = inboxT0.Add(h) }),
		mk(1, "x", inbox.StatusOpen, "vip", "ana", "p2", func(c *inbox.Conversation) { c.SLA.FirstResponseDue, c.SLA.Next = inboxT0.Add(2*h), inboxT0.Add(h) }),
		mk(2, "y", inbox.StatusResolved, "vip", "ana", "p1", func(c *inbox.Conversation) {
			c.Handoff = inbox.HandoffState{Status: inbox.HandoffPending, Key: "k", NextAt: inboxT0}
		}),
		mk(3, "y", inbox.StatusWaiting, "vip", "", "p3", func(c *inbox.Conversation) {
			c.SLA.ResolutionDue, c.SLA.Next, c.ActionDue = inboxT0.Add(-h), inboxT0.Add(-h), inboxT0
		}),
		mk(4, "x", inbox.StatusHidden, "", "bob", "p3", func(c *inbox.Conversation) {
			c.Handoff = inbox.HandoffState{Status: inbox.HandoffDone, Ref: "T-1", NextAt: inboxT0.Add(-h)}
			c.ActionDue = inboxT0.Add(h)
		}),
		mk(5, "y", inbox.StatusEscalated, "", "bob", "p4", func(c *inbox.Conversation) {
			c.Handoff = inbox.HandoffState{Status: inbox.HandoffPending, NextAt: inboxT0.Add(h)}
			c.SLA.NextResponseDue, c.SLA.Next = inboxT0, inboxT0
		}),
		mk(6, "x", inbox.StatusReplied, "spam", "", "p2", func(c *inbox.Conversation) {
			c.Handoff = inbox.HandoffState{Status: inbox.HandoffFailed, NextAt: inboxT0.Add(-h)}
			c.SLA.FirstResponseDue = inboxT0.Add(-h) // sent already: Next is zero
			c.ReplyUntil = inboxT0
		}),
	}
	// Written in another order than by ID, over several writes.
	for _, i := range []int{6, 2, 0, 5} {
		inboxCommit(t, s, inbox.Write{Conversations: []inbox.Conversation{cs[i]}})
	}
	inboxCommit(t, s, inbox.Write{Conversations: []inbox.Conversation{cs[4], cs[1], cs[3]}})
	for _, tc := range []struct {
		f    inbox.Filter
		want string
	}{
		{inbox.Filter{}, "a b c d e f g"},
		{inbox.Filter{Statuses: []inbox.Status{inbox.StatusOpen, inbox.StatusWaiting}}, "b d"},
		{inbox.Filter{Statuses: []inbox.Status{inbox.StatusResolved, inbox.StatusHidden}}, "c e"},
		{inbox.Filter{Open: true}, "a b d f g"},
		{inbox.Filter{Channel: "y"}, "c d f"},
		{inbox.Filter{Queue: "vip"}, "b c d"},
		{inbox.Filter{Queue: "vip", Unassigned: true}, "d"},
		{inbox.Filter{Unassigned: true}, "a d g"},
		{inbox.Filter{Assignee: "ana"}, "b c"},
		{inbox.Filter{Assignee: "ana", Open: true}, "b"},
		{inbox.Filter{Assignee: "bob", Open: true}, "f"},
		{inbox.Filter{Person: "p1"}, "a c"},
		{inbox.Filter{Person: "p2", Open: true}, "b g"},
		{inbox.Filter{HandoffDue: inboxT0}, "c"},
		{inbox.Filter{HandoffDue: inboxT0.Add(h)}, "c f"},
		{inbox.Filter{SLADue: inboxT0}, "d f"},
		{inbox.Filter{SLADue: inboxT0.Add(h)}, "b d f"},
		{inbox.Filter{SLADue: inboxT0.Add(-2 * h)}, ""},
		{inbox.Filter{ActionDue: inboxT0}, "d"},
		{inbox.Filter{ActionDue: inboxT0.Add(h)}, "d e"},
		{inbox.Filter{ReplyDue: inboxT0}, "g"},
		{inbox.Filter{ReplyDue: inboxT0.Add(h)}, "a g"},
		{inbox.Filter{ReplyDue: inboxT0.Add(h), Open: true, Channel: "x"}, "a g"},
		{inbox.Filter{ReplyDue: inboxT0.Add(-h)}, ""},
		{inbox.Filter{Channel: "x", Open: true}, "a b g"},
		{inbox.Filter{Channel: "y", Statuses: []inbox.Status{inbox.StatusNew}}, ""},
	} {
		if got := convKeys(collect(t, "Conversations", s.Conversations(ctx, tc.f))); got != tc.want {
			t.Errorf("Conversations(%s) = [%s], want [%s] (by ID)", filterString(tc.f), got, tc.want)
		}
	}
}

// filterString prints the fields of f that are set.
func filterString(f inbox.Filter) string {
	v := reflect.ValueOf(f)
	var set []string
	for i := range v.NumField() {
		if !v.Field(i).IsZero() {
			set = append(set, fmt.Sprintf("%s: %v", v.Type().Field(i).Name, v.Field(i)))
		}
	}
	return "{" + strings.Join(set, ", ") + "}"
}

func inboxLoad(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	ids := inboxIDs(5)
	cs := make([]inbox.Conversation, 5)
	for i, a := range []struct {
		assignee string
		status   inbox.Status
	}{{"ana", inbox.StatusNew}, {"ana", inbox.StatusWaiting}, {"ana", inbox.StatusResolved}, {"bob", inbox.StatusHidden}, {"", inbox.StatusOpen}} {
		cs[i] = inboxConv(ids[i], fmt.Sprint("thread/", i))
		cs[i].Assignee, cs[i].Status = a.assignee, a.status
	}
	inboxCommit(t, s, inbox.Write{Conversations: cs})
	expect := func(step string, ana, bob int) {
		t.Helper()
		for m, want := range map[string]int{"ana": ana, "bob": bob, "zoe": 0} {
			n, err := s.Load(ctx, m)
			if err != nil || n != want {
				t.Errorf("%s: Load(%s) = %d, %v; want %d", step, m, n, err, want)
			}
			if got := len(collect(t, "Conversations", s.Conversations(ctx, inbox.Filter{Assignee: m, Open: true}))); got != want {
				t.Errorf("%s: Conversations(Assignee %s, Open) yields %d, want %d", step, m, got, want)
			}
		}
	}
	update := func(i int, edit func(c *inbox.Conversation)) {
		t.Helper()
		c := inboxMust(s.Conversation(ctx, ids[i]))(t, "Conversation")
		edit(&c)
		inboxCommit(t, s, inbox.Write{Conversations: []inbox.Conversation{c}})
	}
	expect("created", 2, 0)
	update(0, func(c *inbox.Conversation) { c.Assignee = "bob" })
	expect("reassigned to bob", 1, 1)
	update(1, func(c *inbox.Conversation) { c.Status = inbox.StatusResolved })
	expect("resolved", 0, 1)
	update(2, func(c *inbox.Conversation) { c.Status = inbox.StatusOpen })
	expect("reopened", 1, 1)
	update(0, func(c *inbox.Conversation) { c.Assignee, c.Status = "ana", inbox.StatusHidden })
	expect("hidden and reassigned to ana", 1, 0)
	update(4, func(c *inbox.Conversation) { c.Assignee = "bob" })
	expect("taken by bob", 1, 1)
	update(2, func(c *inbox.Conversation) { c.Assignee = "" })
	expect("unassigned", 0, 1)
}

func inboxAgents(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	inboxCommit(t, s, inbox.Write{Agents: []inbox.Agent{inboxAgent("zoe"), inboxAgent("ana"), inboxAgent("mia")}})
	members := func() string {
		var out []string
		for _, a := range collect(t, "Agents", s.Agents(ctx)) {
			out = append(out, fmt.Sprint(a.Member, "@", a.Version))
		}
		return strings.Join(out, " ")
	}
	if got := members(); got != "ana@1 mia@1 zoe@1" {
		t.Errorf("Agents = %s, want ana@1 mia@1 zoe@1 (by member)", got)
	}
	mia := inboxAgent("mia")
	mia.Version, mia.Available = 1, false
	inboxCommit(t, s, inbox.Write{Agents: []inbox.Agent{mia}, Conversations: []inbox.Conversation{inboxConv(cmkit.NewID(), "k")}})
	inboxCommit(t, s, inbox.Write{Agents: []inbox.Agent{inboxAgent("bea")}})
	if got := members(); got != "ana@1 bea@1 mia@2 zoe@1" {
		t.Errorf("Agents = %s, want ana@1 bea@1 mia@2 zoe@1", got)
	}
}

func inboxAuthors(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	acme1, acme2, other1 := inboxAuthor("acme", "p1"), inboxAuthor("acme", "p2"), inboxAuthor("other", "p1")
	other1.Mentions = 1
	inboxCommit(t, s, inbox.Write{Authors: []inbox.AuthorRecord{acme1, acme2}})
	inboxCommit(t, s, inbox.Write{Authors: []inbox.AuthorRecord{other1}})
	people := func(brand string) string {
		var out []string
		for _, a := range collect(t, "Authors", s.Authors(ctx, brand)) {
			out = append(out, a.Brand+"/"+a.Person)
		}
		slices.Sort(out)
		return strings.Join(out, " ")
	}
	for brand, want := range map[string]string{"acme": "acme/p1 acme/p2", "other": "other/p1", "": "acme/p1 acme/p2 other/p1", "none": ""} {
		if got := people(brand); got != want {
			t.Errorf("Authors(%q) = [%s], want [%s]", brand, got, want)
		}
	}
	a, err := s.Author(ctx, "other", "p1")
	if err != nil || a.Mentions != 1 {
		t.Errorf("Author(other, p1) = %+v, %v; want its own record (1 mention)", a, err)
	}
	if a, err := s.Author(ctx, "acme", "p1"); err != nil || a.Mentions != acme1.Mentions {
		t.Errorf("Author(acme, p1) = %+v, %v; want %d mentions", a, err, acme1.Mentions)
	}
}

// stopsEarly ranges over seq, breaking after the first value, and reports
// a store whose iterator goes on (the runtime panics) or yields nothing.
func stopsEarly[V any](t *testing.T, what string, seq func(func(V, error) bool)) {
	t.Helper()
	n := 0
	defer func() {
		t.Helper()
		if r := recover(); r != nil {
			t.Errorf("%s went on after the loop stopped: %v", what, r)
		}
	}()
	for _, err := range seq {
		if err != nil {
			t.Errorf("%s: %v", what, err)
		}
		n++
		break
	}
	if n != 1 {
		t.Errorf("%s yielded nothing", what)
	}
}

func inboxEarlyStop(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	ids := inboxIDs(9)
	w := inbox.Write{}
	for i := range 3 {
		w.Conversations = append(w.Conversations, inboxConv(ids[i], fmt.Sprint("thread/", i)))
		w.Messages = append(w.Messages, inboxMsg(ids[3+i], ids[0], i+1))
		w.Activities = append(w.Activities, inboxActivity(ids[6+i], ids[0], "note"))
		w.Agents = append(w.Agents, inboxAgent(fmt.Sprint("m", i)))
		w.Authors = append(w.Authors, inboxAuthor("acme", fmt.Sprint("p", i)))
	}
	inboxCommit(t, s, w)
	stopsEarly(t, "Conversations", s.Conversations(ctx, inbox.Filter{}))
	stopsEarly(t, "Messages", s.Messages(ctx, ids[0]))
	stopsEarly(t, "Activities", s.Activities(ctx, ids[0]))
	stopsEarly(t, "Agents", s.Agents(ctx))
	stopsEarly(t, "Authors", s.Authors(ctx, "acme"))
}

// yieldsCanceled reports whether seq's first yield is an error wrapping
// context.Canceled.
func yieldsCanceled[V any](seq func(func(V, error) bool)) (err error) {
	err = errors.New("yielded nothing")
	for _, e := range seq {
		if e == nil {
			return errors.New("yielded a value")
		}
		err = e
		break
	}
	return err
}

func inboxCanceled(t *testing.T, s inbox.Store) {
	sd := inboxSeed(t, s)
	before := inboxState(t, s, sd.probe())
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	w := sd.write() // every record of sd, changed, and a new conversation
	w.Conversations[0].Priority++
	w.Messages[0].Action.Attempts++
	w.Checkpoints[0].Cursor += "+"
	w.Agents[0].Capacity++
	w.Authors[0].Mentions++
	w.Conversations = append(w.Conversations, inboxConv(cmkit.NewID(), "thread/canceled"))
	errs := map[string]error{"Commit": s.Commit(ctx, w)}
	_, errs["Conversation"] = s.Conversation(ctx, sd.conv.ID)
	_, errs["Lookup"] = s.Lookup(ctx, sd.key.Name)
	_, errs["Message"] = s.Message(ctx, sd.msg.ID)
	_, errs["Checkpoint"] = s.Checkpoint(ctx, sd.cp.Source)
	_, errs["Load"] = s.Load(ctx, sd.agent.Member)
	_, errs["Author"] = s.Author(ctx, sd.author.Brand, sd.author.Person)
	errs["Messages"] = yieldsCanceled(s.Messages(ctx, sd.conv.ID))
	errs["Activities"] = yieldsCanceled(s.Activities(ctx, sd.conv.ID))
	errs["Conversations"] = yieldsCanceled(s.Conversations(ctx, inbox.Filter{}))
	errs["Agents"] = yieldsCanceled(s.Agents(ctx))
	errs["Authors"] = yieldsCanceled(s.Authors(ctx, ""))
	for what, err := range errs {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context: want an error wrapping context.Canceled, got %v", what, err)
		}
	}
	inboxUnchanged(t, s, sd.probe(), before, "a Commit with a canceled context")
}

func inboxConcurrentWriters(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	sd := inboxSeed(t, s)
	oneWriterWins(t, "Commit of a conversation", func(i int) error {
		c := sd.conv
		c.Priority = i
		return s.Commit(ctx, inbox.Write{Conversations: []inbox.Conversation{c}})
	})
	created := inboxConv(cmkit.NewID(), "thread/created")
	oneWriterWins(t, "Commit creating a conversation", func(i int) error {
		c := created
		c.Priority = i
		return s.Commit(ctx, inbox.Write{Conversations: []inbox.Conversation{c}})
	})
	oneWriterWins(t, "Commit of a message", func(i int) error {
		m := sd.msg
		m.Action.Attempts = i
		return s.Commit(ctx, inbox.Write{Messages: []inbox.Message{m}})
	})
	oneWriterWins(t, "Commit of a checkpoint", func(i int) error {
		cp := sd.cp
		cp.Cursor = cmkit.Cursor(fmt.Sprint("c", i))
		return s.Commit(ctx, inbox.Write{Checkpoints: []inbox.Checkpoint{cp}})
	})
	oneWriterWins(t, "Commit of an agent", func(i int) error {
		a := sd.agent
		a.Capacity = i
		return s.Commit(ctx, inbox.Write{Agents: []inbox.Agent{a}})
	})
	oneWriterWins(t, "Commit of an author record", func(i int) error {
		a := sd.author
		a.Mentions = i
		return s.Commit(ctx, inbox.Write{Authors: []inbox.AuthorRecord{a}})
	})
	got := inboxReload(t, s, sd)
	for what, v := range map[string]uint64{"conversation": got.conv.Version, "message": got.msg.Version,
		"checkpoint": got.cp.Version, "agent": got.agent.Version, "author": got.author.Version} {
		if v != 2 {
			t.Errorf("after one winning write the %s is at version %d, want 2", what, v)
		}
	}
}

// inboxRetry runs a read-modify-write until it commits, and reports
// whether it did. A conflict means another writer won: read again. It
// gives up after many conflicts, so that a store that never lets a write
// through fails the suite instead of hanging it.
func inboxRetry(t *testing.T, what string, rmw func() error) bool {
	for range 2000 {
		err := rmw()
		switch {
		case err == nil:
			return true
		case !errors.Is(err, cmkit.ErrConflict):
			t.Errorf("%s: %v", what, err)
			return false
		}
	}
	t.Errorf("%s: still conflicting after 2000 attempts", what)
	return false
}

func inboxConcurrentRMW(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	const writers, each = 8, 5
	ids := inboxIDs(1 + writers*each)
	c := inboxConv(ids[0], "thread/rmw")
	c.Labels = nil
	inboxCommit(t, s, inbox.Write{Conversations: []inbox.Conversation{c}})
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{}) // all at once
	committed := 0
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for k := range each {
				label := fmt.Sprintf("w%d-%d", g, k)
				ok := inboxRetry(t, "adding "+label, func() error {
					cur, err := s.Conversation(ctx, c.ID)
					if err != nil {
						return err
					}
					cur.Labels = append(cur.Labels, label)
					slices.Sort(cur.Labels)
					return s.Commit(ctx, inbox.Write{Conversations: []inbox.Conversation{cur},
						Activities: []inbox.Activity{inboxActivity(ids[1+g*each+k], c.ID, label)}})
				})
				if ok {
					mu.Lock()
					committed++
					mu.Unlock()
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	got := inboxMust(s.Conversation(ctx, c.ID))(t, "Conversation")
	if got.Version != uint64(1+committed) {
		t.Errorf("after %d committed updates the conversation is at version %d, want %d", committed, got.Version, 1+committed)
	}
	var lost []string
	for g := range writers {
		for k := range each {
			if l := fmt.Sprintf("w%d-%d", g, k); !slices.Contains(got.Labels, l) {
				lost = append(lost, l)
			}
		}
	}
	if len(lost) > 0 || len(got.Labels) != writers*each {
		t.Errorf("%d writers adding %d labels each: %d labels stored, lost %v", writers, each, len(got.Labels), lost)
	}
	if acts := collect(t, "Activities", s.Activities(ctx, c.ID)); len(acts) != committed {
		t.Errorf("%d committed updates appended %d activities", committed, len(acts))
	}
}

func inboxConcurrentKeys(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	const writers = 8
	ids := inboxIDs(writers)
	const key = "thread/acme-x/p0"
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{}) // all at once
	var won []uuid.UUID
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			c := inboxConv(ids[i], key)
			err := s.Commit(ctx, inbox.Write{Conversations: []inbox.Conversation{c},
				Keys: []inbox.Key{{Name: key, Ref: inbox.Ref{Conversation: c.ID}}}})
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won = append(won, c.ID)
			case !errors.Is(err, cmkit.ErrConflict):
				t.Errorf("creating a conversation for a raced key: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(won) != 1 {
		t.Fatalf("%d writers creating a conversation for one key: %d won, want exactly 1", writers, len(won))
	}
	if r, err := s.Lookup(ctx, key); err != nil || r.Conversation != won[0] {
		t.Errorf("Lookup = %+v, %v; want the winner %s", r, err, won[0])
	}
	if got := collect(t, "Conversations", s.Conversations(ctx, inbox.Filter{})); len(got) != 1 || got[0].ID != won[0] {
		t.Errorf("the losers' conversations were stored: %d conversations", len(got))
	}
}

func inboxConcurrentCheckpoints(t *testing.T, s inbox.Store) {
	ctx := t.Context()
	const movers, each, src = 4, 10, "mentions/acme-x"
	c := inboxConv(cmkit.NewID(), "thread/log")
	inboxCommit(t, s, inbox.Write{Conversations: []inbox.Conversation{c}})
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{}) // all at once
	moved := 0
	for range movers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range each {
				// Each move delivers an item (an activity here) and the
				// cursor after it in one write, as a pull does.
				ok := inboxRetry(t, "moving the cursor", func() error {
					cp, err := s.Checkpoint(ctx, src)
					if err != nil {
						return err
					}
					n, _ := strconv.Atoi(string(cp.Cursor))
					cp.Cursor = cmkit.Cursor(strconv.Itoa(n + 1))
					return s.Commit(ctx, inbox.Write{Checkpoints: []inbox.Checkpoint{cp},
						Activities: []inbox.Activity{inboxActivity(cmkit.NewID(), c.ID, string(cp.Cursor))}})
				})
				if ok {
					mu.Lock()
					moved++
					mu.Unlock()
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	cp := inboxMust(s.Checkpoint(ctx, src))(t, "Checkpoint")
	if cp.Version != uint64(moved) || string(cp.Cursor) != strconv.Itoa(moved) {
		t.Errorf("after %d moves the checkpoint is at version %d, cursor %q; want both %d", moved, cp.Version, cp.Cursor, moved)
	}
	var items []string
	for _, a := range collect(t, "Activities", s.Activities(ctx, c.ID)) {
		items = append(items, a.Text)
	}
	want := make([]string, moved)
	for i := range want {
		want[i] = strconv.Itoa(i + 1)
	}
	if fmt.Sprint(items) != fmt.Sprint(want) {
		t.Errorf("the items delivered with each move, in commit order: %v, want 1..%d each once", items, moved)
	}
}
