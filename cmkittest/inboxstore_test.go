package cmkittest_test

import (
	"context"
	"errors"
	"iter"
	"os"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation/inbox"
)

func TestInboxStoreOnMemoryStore(t *testing.T) {
	cmkittest.TestInboxStore(t, func(*testing.T) inbox.Store { return inbox.NewMemoryStore() })
}

// Regression: MemoryStore applied a Write that named one activity twice,
// appending it twice, where every other record named twice is invalid.
func TestMemoryStoreRefusesAnActivityTwice(t *testing.T) {
	s := inbox.NewMemoryStore()
	c := inbox.Conversation{ID: cmkit.NewID(), Status: inbox.StatusNew}
	a := inbox.Activity{ID: cmkit.NewID(), Conversation: c.ID, Kind: inbox.ActivityNote, Text: "note"}
	err := s.Commit(t.Context(), inbox.Write{Conversations: []inbox.Conversation{c}, Activities: []inbox.Activity{a, a}})
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = s.Conversation(t.Context(), c.ID)
	require.ErrorIs(t, err, cmkit.ErrNotFound, "the refused Write created its conversation")
}

// Deliberately broken inbox stores, to show that TestInboxStore fails
// them. Each wraps a MemoryStore, is broken in one way only, and is safe
// for concurrent use.

// inboxIgnoresVersions writes every existing record over whatever version
// is stored, as a naive UPSERT does, a round trip after reading it, and
// retries when another writer got in between: every concurrent writer
// wins, and read-modify-write loops lose updates.
type inboxIgnoresVersions struct{ *inbox.MemoryStore }

func (s inboxIgnoresVersions) Commit(ctx context.Context, w inbox.Write) error {
	for attempt := 1; ; attempt++ {
		now := versionsNow(ctx, s.MemoryStore, w)
		time.Sleep(time.Millisecond) // the round trip between read and write
		// Each conflict means another writer won in between; there are
		// never more than a handful in the suite.
		err := s.MemoryStore.Commit(ctx, now)
		if !errors.Is(err, cmkit.ErrConflict) || attempt == 32 {
			return err
		}
	}
}

// versionsNow returns a copy of w in which every record that s holds
// carries the version s holds.
func versionsNow(ctx context.Context, s *inbox.MemoryStore, w inbox.Write) inbox.Write {
	w.Conversations, w.Messages, w.Checkpoints = slices.Clone(w.Conversations), slices.Clone(w.Messages), slices.Clone(w.Checkpoints)
	w.Agents, w.Authors = slices.Clone(w.Agents), slices.Clone(w.Authors)
	for i, c := range w.Conversations {
		if cur, err := s.Conversation(ctx, c.ID); err == nil {
			w.Conversations[i].Version = cur.Version
		}
	}
	for i, m := range w.Messages {
		if cur, err := s.Message(ctx, m.ID); err == nil {
			w.Messages[i].Version = cur.Version
		}
	}
	for i, c := range w.Checkpoints {
		if cur, err := s.Checkpoint(ctx, c.Source); err == nil {
			w.Checkpoints[i].Version = cur.Version
		}
	}
	for a, err := range s.Agents(ctx) {
		if i := slices.IndexFunc(w.Agents, func(x inbox.Agent) bool { return x.Member == a.Member }); err == nil && i >= 0 {
			w.Agents[i].Version = a.Version
		}
	}
	for i, a := range w.Authors {
		if cur, err := s.Author(ctx, a.Brand, a.Person); err == nil {
			w.Authors[i].Version = cur.Version
		}
	}
	return w
}

// versions lists the versions of every record of w.
func versions(w inbox.Write) []uint64 {
	var out []uint64
	v := reflect.ValueOf(w)
	for i := range v.NumField() {
		for j := range v.Field(i).Len() {
			if ver := v.Field(i).Index(j).FieldByName("Version"); ver.IsValid() {
				out = append(out, ver.Uint())
			}
		}
	}
	return out
}

// inboxHalfApplies writes a Write one kind of record at a time, stopping
// at the first error.
type inboxHalfApplies struct{ *inbox.MemoryStore }

func (s inboxHalfApplies) Commit(ctx context.Context, w inbox.Write) error {
	for _, part := range []inbox.Write{{Conversations: w.Conversations}, {Messages: w.Messages},
		{Activities: w.Activities}, {Keys: w.Keys}, {Checkpoints: w.Checkpoints}, {Agents: w.Agents}, {Authors: w.Authors}} {
		if err := s.MemoryStore.Commit(ctx, part); err != nil {
			return err
		}
	}
	return nil
}

// inboxSharesLabels keeps the caller's Labels slice of each conversation
// it writes and returns it from Conversation.
type inboxSharesLabels struct {
	*inbox.MemoryStore
	mu     sync.Mutex
	labels map[uuid.UUID][]string
}

func (s *inboxSharesLabels) Commit(ctx context.Context, w inbox.Write) error {
	err := s.MemoryStore.Commit(ctx, w)
	if err == nil {
		s.mu.Lock()
		for _, c := range w.Conversations {
			s.labels[c.ID] = c.Labels
		}
		s.mu.Unlock()
	}
	return err
}

func (s *inboxSharesLabels) Conversation(ctx context.Context, id uuid.UUID) (inbox.Conversation, error) {
	c, err := s.MemoryStore.Conversation(ctx, id)
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.labels[id]; ok && err == nil {
		c.Labels = l
	}
	return c, err
}

// inboxLoadCountsClosed counts every conversation of the member, closed
// ones too.
type inboxLoadCountsClosed struct{ *inbox.MemoryStore }

func (s inboxLoadCountsClosed) Load(ctx context.Context, member string) (int, error) {
	n := 0
	for _, err := range s.Conversations(ctx, inbox.Filter{Assignee: member}) {
		if err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// inboxLosesUpdates checks versions, then writes a moment later without
// holding anything in between (check, then act): sequential writers see
// every conflict, concurrent ones overwrite each other.
type inboxLosesUpdates struct{ *inbox.MemoryStore }

func (s inboxLosesUpdates) Commit(ctx context.Context, w inbox.Write) error {
	if !slices.Equal(versions(w), versions(versionsNow(ctx, s.MemoryStore, w))) {
		return cmkit.ErrConflict
	}
	time.Sleep(2 * time.Millisecond) // another writer commits meanwhile
	return s.MemoryStore.Commit(ctx, versionsNow(ctx, s.MemoryStore, w))
}

// inboxIgnoresFilterField answers Conversations as if one field of the
// Filter were zero.
type inboxIgnoresFilterField struct {
	*inbox.MemoryStore
	field int
}

func (s inboxIgnoresFilterField) Conversations(ctx context.Context, f inbox.Filter) iter.Seq2[inbox.Conversation, error] {
	reflect.ValueOf(&f).Elem().Field(s.field).SetZero()
	return s.MemoryStore.Conversations(ctx, f)
}

// inboxMessagesAsWritten yields a conversation's messages in the order
// they were first written, not by Seq.
type inboxMessagesAsWritten struct {
	*inbox.MemoryStore
	mu      sync.Mutex
	written map[uuid.UUID][]uuid.UUID
}

func (s *inboxMessagesAsWritten) Commit(ctx context.Context, w inbox.Write) error {
	err := s.MemoryStore.Commit(ctx, w)
	if err == nil {
		s.mu.Lock()
		for _, m := range w.Messages {
			if m.Version == 0 {
				s.written[m.Conversation] = append(s.written[m.Conversation], m.ID)
			}
		}
		s.mu.Unlock()
	}
	return err
}

func (s *inboxMessagesAsWritten) Messages(ctx context.Context, conversation uuid.UUID) iter.Seq2[inbox.Message, error] {
	s.mu.Lock()
	ids := slices.Clone(s.written[conversation])
	s.mu.Unlock()
	return func(yield func(inbox.Message, error) bool) {
		for _, id := range ids {
			if !yield(s.Message(ctx, id)) {
				return
			}
		}
	}
}

// inboxRebindsKeys binds a key already bound elsewhere to the new Ref,
// instead of refusing the Write: two conversations for one thread.
type inboxRebindsKeys struct {
	*inbox.MemoryStore
	mu    sync.Mutex
	bound map[string]inbox.Ref
}

func (s *inboxRebindsKeys) Commit(ctx context.Context, w inbox.Write) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	keys := w.Keys
	w.Keys = slices.DeleteFunc(slices.Clone(keys), func(k inbox.Key) bool { _, ok := s.bound[k.Name]; return ok })
	err := s.MemoryStore.Commit(ctx, w)
	if err == nil {
		for _, k := range keys {
			s.bound[k.Name] = k.Ref
		}
	}
	return err
}

func (s *inboxRebindsKeys) Lookup(ctx context.Context, key string) (inbox.Ref, error) {
	if err := ctx.Err(); err != nil {
		return inbox.Ref{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.bound[key]; ok {
		return r, nil
	}
	return s.MemoryStore.Lookup(ctx, key)
}

// inboxNoCheckpointYet answers ErrNotFound for a source never
// checkpointed, instead of its zero Checkpoint.
type inboxNoCheckpointYet struct{ *inbox.MemoryStore }

func (s inboxNoCheckpointYet) Checkpoint(ctx context.Context, source string) (inbox.Checkpoint, error) {
	cp, err := s.MemoryStore.Checkpoint(ctx, source)
	if err == nil && cp.Version == 0 {
		return inbox.Checkpoint{}, cmkit.ErrNotFound
	}
	return cp, err
}

// inboxCommitsCanceled commits whatever its context says.
type inboxCommitsCanceled struct{ *inbox.MemoryStore }

func (s inboxCommitsCanceled) Commit(ctx context.Context, w inbox.Write) error {
	return s.MemoryStore.Commit(context.WithoutCancel(ctx), w)
}

type brokenInboxStore struct {
	make   func() inbox.Store
	fails  []string
	passes []string
	only   []string // when set, the child runs only these and passes
}

// brokenInboxStores fail the subtests in fails, and still pass those in
// passes: each is broken in one way only, so that its subtests fail for
// that reason or pass, every run.
var brokenInboxStores = func() map[string]brokenInboxStore {
	stores := map[string]brokenInboxStore{
		"ignores-versions": {make: func() inbox.Store { return inboxIgnoresVersions{inbox.NewMemoryStore()} },
			fails:  []string{"StaleVersionConflicts", "ConcurrentWritersOneWins", "ConcurrentReadModifyWrite", "ConcurrentCheckpointMovers"},
			passes: []string{"RoundTrip", "KeysBindOnce", "ConcurrentKeyCreatesOneWins"}},
		"half-applies": {make: func() inbox.Store { return inboxHalfApplies{inbox.NewMemoryStore()} },
			fails:  []string{"CommitIsAtomic", "ConcurrentKeyCreatesOneWins"},
			passes: []string{"RoundTrip", "StaleVersionConflicts", "ConcurrentWritersOneWins", "ConcurrentReadModifyWrite"}},
		"shares-labels": {make: func() inbox.Store {
			return &inboxSharesLabels{MemoryStore: inbox.NewMemoryStore(), labels: map[uuid.UUID][]string{}}
		}, fails: []string{"CopiesInAndOut"}, passes: []string{"RoundTrip", "StaleVersionConflicts", "Load"},
			// Its aliased slices race in the concurrent subtests.
			only: []string{"CopiesInAndOut"}},
		"load-counts-closed": {make: func() inbox.Store { return inboxLoadCountsClosed{inbox.NewMemoryStore()} },
			fails: []string{"Load"}, passes: []string{"RoundTrip", "ConversationsFilter", "AgentsByMember"}},
		"loses-concurrent-updates": {make: func() inbox.Store { return inboxLosesUpdates{inbox.NewMemoryStore()} },
			fails:  []string{"ConcurrentWritersOneWins", "ConcurrentReadModifyWrite", "ConcurrentCheckpointMovers"},
			passes: []string{"RoundTrip", "StaleVersionConflicts", "Checkpoints", "NotFound"},
			only:   []string{"ConcurrentWritersOneWins", "ConcurrentReadModifyWrite", "ConcurrentCheckpointMovers"}},
		"messages-as-written": {make: func() inbox.Store {
			return &inboxMessagesAsWritten{MemoryStore: inbox.NewMemoryStore(), written: map[uuid.UUID][]uuid.UUID{}}
		}, fails: []string{"MessagesInSeqOrder"}, passes: []string{"RoundTrip", "CopiesInAndOut"}},
		"rebinds-keys": {make: func() inbox.Store {
			return &inboxRebindsKeys{MemoryStore: inbox.NewMemoryStore(), bound: map[string]inbox.Ref{}}
		}, fails: []string{"KeysBindOnce", "CommitIsAtomic", "ConcurrentKeyCreatesOneWins"}, passes: []string{"RoundTrip", "Checkpoints", "CanceledContext"}},
		"no-checkpoint-yet": {make: func() inbox.Store { return inboxNoCheckpointYet{inbox.NewMemoryStore()} },
			fails: []string{"Checkpoints", "ConcurrentCheckpointMovers"}, passes: []string{"RoundTrip", "KeysBindOnce"}},
		"commits-canceled": {make: func() inbox.Store { return inboxCommitsCanceled{inbox.NewMemoryStore()} },
			fails: []string{"CanceledContext"}, passes: []string{"RoundTrip"}},
	}
	// One store per Filter field, each ignoring that field: the suite
	// must check every one.
	filter := reflect.TypeFor[inbox.Filter]()
	for i := range filter.NumField() {
		stores["ignores-filter-"+filter.Field(i).Name] = brokenInboxStore{
			make:   func() inbox.Store { return inboxIgnoresFilterField{inbox.NewMemoryStore(), i} },
			fails:  []string{"ConversationsFilter"},
			passes: []string{"RoundTrip"},
			only:   []string{"ConversationsFilter"},
		}
	}
	return stores
}()

const brokenInboxEnv = "CMKITTEST_BROKEN_INBOX_STORE"

func TestSuiteCatchesBrokenInboxStores(t *testing.T) {
	if name := os.Getenv(brokenInboxEnv); name != "" {
		cmkittest.TestInboxStore(t, func(*testing.T) inbox.Store { return brokenInboxStores[name].make() })
		return
	}
	for name, bs := range brokenInboxStores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expectSuiteFailures(t, "TestSuiteCatchesBrokenInboxStores", brokenInboxEnv, name, bs.fails, bs.passes, bs.only...)
		})
	}
}
