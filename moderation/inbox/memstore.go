package inbox

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"maps"
	"slices"
	"sync"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// MemoryStore is the Store kept in memory: the default for tests,
// examples and products that keep their inbox elsewhere. It is safe for
// concurrent use; Commit takes one lock, so writes are serialized.
type MemoryStore struct {
	mu         sync.RWMutex
	convs      slotTable[uuid.UUID] // index in convSlab
	order      []uuid.UUID          // conversation IDs, sorted
	msgs       slotTable[uuid.UUID] // index in msgSlab
	convMsgs   [][]seqMessage       // by conversation index in convSlab, by Seq
	acts       [][]Activity         // by conversation index in convSlab
	keys       keyIndex
	checks     map[string]Checkpoint
	agents     map[string]*Agent
	authors    map[authorKey]*AuthorRecord
	byAssignee map[string]map[uuid.UUID]struct{} // open conversations

	seen checkScratch // Commit's working space, under mu

	// The records live in slabs, many to an allocation; the maps of
	// conversations and messages hold indexes, not pointers, so that the
	// collector does not scan them.
	convSlab   slab[Conversation]
	msgSlab    slab[storedMessage]
	authorSlab slab[AuthorRecord]
	msgSpace   messageSpace // what the stored messages refer to
}

// seqMessage is a stored message (its index in msgSlab) with its Seq at
// hand, so that finding where a new message goes does not touch the
// others.
type seqMessage struct {
	seq int
	at  uint32
}

// slab holds records in arrays of slabSize, so that storing a record
// does not cost an allocation of its own, and numbers them from 0.
// Records are never freed.
type slab[T any] struct {
	chunks [][]T
	n      uint32
}

const slabSize = 128

// next returns a new zero record and its index.
func (s *slab[T]) next() (*T, uint32) {
	if s.n%slabSize == 0 {
		s.chunks = append(s.chunks, make([]T, slabSize))
	}
	i := s.n
	s.n++
	return s.at(i), i
}

// at returns record i.
func (s *slab[T]) at(i uint32) *T { return &s.chunks[i/slabSize][i%slabSize] }

// conv returns the stored conversation, or nil.
func (s *MemoryStore) conv(id uuid.UUID) *Conversation {
	if i, ok := s.convs.find(id); ok {
		return s.convSlab.at(i)
	}
	return nil
}

// msg returns the stored message, or nil.
func (s *MemoryStore) msg(id uuid.UUID) *storedMessage {
	if i, ok := s.msgs.find(id); ok {
		return s.msgSlab.at(i)
	}
	return nil
}

// checkScratch is the working space of check, kept between commits so
// that checking a write allocates nothing in the steady state.
type checkScratch struct {
	convs  slotTable[uuid.UUID]   // index in the write
	msgIDs []indexedID            // the write's message IDs, to find one twice
	actIDs []indexedID            // the write's activity IDs, likewise
	bound  slotTable[uint64]      // by the hash of a key of the write: the index in Keys of the last key with it
	prev   []uint32               // by index in Keys: 1 + the index of the key before it with its hash, 0 when none
	people map[authorKey]bool     // the write's new people
	stored map[*AuthorRecord]bool // the write's people stored already

	// What check found stored, by index in the write, so that commit
	// does not look it up again: the slab index (-1 when new), whether a
	// key is new, the author record (nil when new).
	convAt   []int64
	msgAt    []int64
	keyNew   []bool
	keyHash  []uint64 // the hash of each key in the key index
	authorAt []*AuthorRecord
}

// reset empties the scratch maps, dropping those a big write made big.
func (c *checkScratch) reset() {
	c.convs.reset()
	c.msgIDs, c.actIDs = c.msgIDs[:0], c.actIDs[:0]
	c.bound.reset()
	c.prev = c.prev[:0]
	c.people = resetMap(c.people)
	c.stored = resetMap(c.stored)
	clear(c.authorAt[:cap(c.authorAt)])
	c.convAt, c.msgAt, c.keyNew, c.keyHash, c.authorAt = c.convAt[:0], c.msgAt[:0], c.keyNew[:0], c.keyHash[:0], c.authorAt[:0]
}

// slabIndex is where lookups of a slab index keep it: -1 when absent.
func slabIndex(t *slotTable[uuid.UUID], id uuid.UUID) int64 {
	if i, ok := t.find(id); ok {
		return int64(i)
	}
	return -1
}

func resetMap[K comparable, V any](m map[K]V) map[K]V {
	if m == nil || len(m) > 4096 {
		return map[K]V{}
	}
	clear(m)
	return m
}

type authorKey struct{ brand, person string }

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		convs: newSlotTable(hashID), msgs: newSlotTable(hashID),
		seen: checkScratch{convs: newSlotTable(hashID), bound: newSlotTable(hashHash)},
		keys: newKeyIndex(), checks: map[string]Checkpoint{}, agents: map[string]*Agent{},
		authors: map[authorKey]*AuthorRecord{}, byAssignee: map[string]map[uuid.UUID]struct{}{},
	}
}

func conflict(format string, args ...any) error {
	return fmt.Errorf("inbox: %w: %s", cmkit.ErrConflict, fmt.Sprintf(format, args...))
}

func notFound(format string, args ...any) error {
	return fmt.Errorf("inbox: %w: %s", cmkit.ErrNotFound, fmt.Sprintf(format, args...))
}

// Commit applies w all or nothing; see Store.
func (s *MemoryStore) Commit(ctx context.Context, w Write) error {
	return s.commit(ctx, &w, true, nil)
}

// commitOwned is Commit for a caller that hands over w: the store keeps
// w's slices and maps instead of copies, so the caller must not change
// them afterwards (ingest builds them fresh for each write). Then it
// applies steps to the Languages of w's author records, as stored: those
// that ingest read with authorShared are the store's own maps.
func (s *MemoryStore) commitOwned(ctx context.Context, w *Write, steps []langStep) error {
	return s.commit(ctx, w, false, steps)
}

// commit applies w, copying what the records hold when copies is set.
func (s *MemoryStore) commit(ctx context.Context, w *Write, copies bool, steps []langStep) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(w); err != nil {
		return err
	}
	// Records are updated in place (readers copy them under the lock), so
	// that an update does not leave the old record to the collector.
	seen := &s.seen
	for i := range w.Conversations {
		in := &w.Conversations[i]
		var c *Conversation
		if at := seen.convAt[i]; at >= 0 {
			c = s.convSlab.at(uint32(at))
			s.unindex(c)
		} else {
			if n := len(s.order); n == 0 || compareID(s.order[n-1], in.ID) < 0 {
				s.order = append(s.order, in.ID) // the usual case: a new uuid v7
			} else {
				at, _ := slices.BinarySearchFunc(s.order, in.ID, compareID)
				s.order = slices.Insert(s.order, at, in.ID)
			}
			var at uint32
			c, at = s.convSlab.next()
			s.convs.set(in.ID, at)
			s.convMsgs = append(s.convMsgs, nil)
			s.acts = append(s.acts, nil)
			seen.convAt[i] = int64(at)
		}
		if copies {
			*c = copyConversation(in)
		} else {
			*c = *in
		}
		c.Version++
		s.index(c)
	}
	for i := range w.Messages {
		in := &w.Messages[i]
		var m *storedMessage
		if at := seen.msgAt[i]; at >= 0 {
			m = s.msgSlab.at(uint32(at))
		} else {
			var at uint32
			m, at = s.msgSlab.next()
			s.msgs.set(in.ID, at)
			ms := &s.convMsgs[s.convIndex(in.Conversation)]
			sm := seqMessage{in.Seq, at}
			if n := len(*ms); n == 0 || (*ms)[n-1].seq < in.Seq {
				*ms = append(*ms, sm) // the usual case: the next message
			} else {
				at, _ := slices.BinarySearchFunc(*ms, in.Seq, func(m seqMessage, seq int) int { return m.seq - seq })
				*ms = slices.Insert(*ms, at, sm)
			}
		}
		if copies {
			d := *in
			d.Edits = slices.Clone(d.Edits)
			for i := range d.Edits {
				d.Edits[i].Triage = cloneTriage(d.Edits[i].Triage)
			}
			s.msgSpace.setMessage(m, &d)
		} else {
			s.msgSpace.setMessage(m, in)
		}
		m.Version++
	}
	for _, a := range w.Activities {
		acts := &s.acts[s.convIndex(a.Conversation)]
		*acts = append(*acts, a)
	}
	for i, k := range w.Keys {
		if seen.keyNew[i] { // else bound to k.Ref already (see check)
			s.keys.addHashed(seen.keyHash[i], k.Name, k.Ref)
		}
	}
	for _, c := range w.Checkpoints {
		c.Version++
		s.checks[c.Source] = c
	}
	for i := range w.Agents {
		a := w.Agents[i]
		a.Queues = slices.Clone(a.Queues)
		a.Version++
		s.agents[a.Member] = &a
	}
	var stored []*AuthorRecord // for steps
	if len(steps) > 0 {
		stored = make([]*AuthorRecord, 0, len(w.Authors))
	}
	for i := range w.Authors {
		in := &w.Authors[i]
		a := seen.authorAt[i]
		if a == nil {
			a, _ = s.authorSlab.next()
			s.authors[authorKey{in.Brand, in.Person}] = a
		}
		if copies {
			*a = copyAuthor(in)
		} else {
			*a = *in
		}
		a.Version++
		if stored != nil {
			stored = append(stored, a)
		}
	}
	for _, st := range steps {
		countLanguage(&stored[st.author].Languages, st.lang, st.sign)
	}
	return nil
}

// check validates w against the stored versions without changing
// anything.
func (s *MemoryStore) check(w *Write) error {
	s.seen.reset()
	convs := &s.seen.convs
	for i := range w.Conversations {
		c := &w.Conversations[i]
		if c.ID == uuid.Nil {
			return cmkit.Invalid(fmt.Sprintf("Conversations[%d].ID", i), "required", "no ID")
		}
		if _, twice := convs.find(c.ID); twice {
			return cmkit.Invalid(fmt.Sprintf("Conversations[%d].ID", i), "unique", "%s twice in one write", c.ID)
		}
		convs.set(c.ID, uint32(i))
		at := slabIndex(&s.convs, c.ID)
		s.seen.convAt = append(s.seen.convAt, at)
		var old *Conversation
		if at >= 0 {
			old = s.convSlab.at(uint32(at))
		}
		if have, ok := versionOf(c.Version, old); !ok {
			return versionErr("conversation "+c.ID.String(), c.Version, have)
		}
	}
	known := func(id uuid.UUID) bool {
		if _, ok := convs.find(id); ok {
			return true
		}
		_, ok := s.convs.find(id)
		return ok
	}
	for i := range w.Messages {
		m := &w.Messages[i]
		field := func() string { return fmt.Sprintf("Messages[%d]", i) }
		switch {
		case m.ID == uuid.Nil:
			return cmkit.Invalid(field()+".ID", "required", "no ID")
		case !known(m.Conversation):
			return cmkit.Invalid(field()+".Conversation", "exists", "no conversation %s", m.Conversation)
		case m.Seq < 1:
			return cmkit.Invalid(field()+".Seq", "range", "%d is below 1", m.Seq)
		}
		s.seen.msgIDs = append(s.seen.msgIDs, indexedID{m.ID, i})
		at := slabIndex(&s.msgs, m.ID)
		s.seen.msgAt = append(s.seen.msgAt, at)
		var old *storedMessage
		if at >= 0 {
			old = s.msgSlab.at(uint32(at))
		}
		if have, ok := versionOf(m.Version, old); !ok {
			return versionErr("message "+m.ID.String(), m.Version, have)
		}
		if old != nil && (old.Conversation != m.Conversation || old.Seq != m.Seq) {
			return cmkit.Invalid(field(), "immutable", "a message keeps its conversation and Seq")
		}
	}
	if i, ok := repeated(s.seen.msgIDs); ok {
		return cmkit.Invalid(fmt.Sprintf("Messages[%d].ID", i), "unique", "%s twice in one write", w.Messages[i].ID)
	}
	for i := range w.Activities {
		a := &w.Activities[i]
		if a.ID == uuid.Nil || !known(a.Conversation) {
			return cmkit.Invalid(fmt.Sprintf("Activities[%d]", i), "required", "an activity needs an ID and a known conversation")
		}
		s.seen.actIDs = append(s.seen.actIDs, indexedID{a.ID, i})
	}
	if i, ok := repeated(s.seen.actIDs); ok {
		return cmkit.Invalid(fmt.Sprintf("Activities[%d].ID", i), "unique", "%s twice in one write", w.Activities[i].ID)
	}
	bound := &s.seen.bound
	for i, k := range w.Keys {
		if k.Name == "" || k.Ref.Conversation == uuid.Nil {
			return cmkit.Invalid(fmt.Sprintf("Keys[%d]", i), "required", "a key needs a name and a conversation")
		}
		h := s.keys.hash(k.Name)
		old, ok := s.keys.findHashed(h, k.Name)
		last, inWrite := bound.find(h)
		if !ok { // bound earlier in the write?
			for j, more := last, inWrite; more; j, more = s.seen.prev[j]-1, s.seen.prev[j] != 0 {
				if w.Keys[j].Name == k.Name {
					old, ok = w.Keys[j].Ref, true
					break
				}
			}
		}
		if ok && old != k.Ref {
			return conflict("key %q is bound to conversation %s", k.Name, old.Conversation)
		}
		s.seen.keyNew = append(s.seen.keyNew, !ok)
		s.seen.keyHash = append(s.seen.keyHash, h)
		var prev uint32
		if inWrite {
			prev = last + 1
		}
		s.seen.prev = append(s.seen.prev, prev)
		bound.set(h, uint32(i))
	}
	sources := map[string]bool{}
	for i, c := range w.Checkpoints {
		if c.Source == "" || sources[c.Source] {
			return cmkit.Invalid(fmt.Sprintf("Checkpoints[%d].Source", i), "required", "a checkpoint needs a source, once per write")
		}
		sources[c.Source] = true
		if old := s.checks[c.Source]; c.Version != old.Version {
			return conflict("checkpoint %q is at version %d, not %d", c.Source, old.Version, c.Version)
		}
	}
	members := map[string]bool{}
	for i, a := range w.Agents {
		if a.Member == "" || members[a.Member] {
			return cmkit.Invalid(fmt.Sprintf("Agents[%d].Member", i), "required", "an agent needs a member, once per write")
		}
		members[a.Member] = true
		if a.Capacity < 0 {
			return cmkit.Invalid(fmt.Sprintf("Agents[%d].Capacity", i), "range", "%d is below 0", a.Capacity)
		}
		if have, ok := versionOf(a.Version, s.agents[a.Member]); !ok {
			return versionErr("agent "+a.Member, a.Version, have)
		}
	}
	// A person twice in the write: by the record stored (a pointer,
	// cheaper to hash than the person), else by the person.
	people, stored := s.seen.people, s.seen.stored
	for i := range w.Authors {
		a := &w.Authors[i]
		k := authorKey{a.Brand, a.Person}
		var old *AuthorRecord
		twice := false
		if a.Person != "" {
			if old = s.authors[k]; old != nil {
				twice = stored[old]
				stored[old] = true
			} else {
				twice = people[k]
				people[k] = true
			}
		}
		if a.Person == "" || twice {
			return cmkit.Invalid(fmt.Sprintf("Authors[%d].Person", i), "required", "an author record needs a person, once per write")
		}
		s.seen.authorAt = append(s.seen.authorAt, old)
		if have, ok := versionOf(a.Version, old); !ok {
			return versionErr("author "+a.Person, a.Version, have)
		}
	}
	return nil
}

// indexedID is an ID at an index of a write.
type indexedID struct {
	id uuid.UUID
	at int
}

// repeated sorts ids and returns the first index at which an ID comes
// again. The IDs ingest makes arrive sorted, which the sort checks in
// one pass: cheaper than a set of the IDs seen.
func repeated(ids []indexedID) (int, bool) {
	slices.SortFunc(ids, func(a, b indexedID) int {
		if c := compareID(a.id, b.id); c != 0 {
			return c
		}
		return a.at - b.at
	})
	at, found := 0, false
	for i := 1; i < len(ids); i++ {
		if ids[i].id == ids[i-1].id && (!found || ids[i].at < at) {
			at, found = ids[i].at, true
		}
	}
	return at, found
}

// versioned is a stored record with a version.
type versioned interface {
	*Conversation | *storedMessage | *Agent | *AuthorRecord
}

// versionOf returns the version stored (0 when none) and whether it is
// the version read.
func versionOf[T versioned](read uint64, stored T) (have uint64, ok bool) {
	if stored != nil {
		switch r := any(stored).(type) {
		case *Conversation:
			have = r.Version
		case *storedMessage:
			have = r.Version
		case *Agent:
			have = r.Version
		case *AuthorRecord:
			have = r.Version
		}
	}
	return have, read == have
}

// versionErr is the error of a write that read version read of what,
// stored at version have.
func versionErr(what string, read, have uint64) error {
	if have == 0 {
		return notFound("%s does not exist (the write read version %d)", what, read)
	}
	return conflict("%s is at version %d, not %d", what, have, read)
}

// convIndex returns the slab index of a conversation that check found
// stored or in the write, which commit stored; under mu.
func (s *MemoryStore) convIndex(id uuid.UUID) uint32 {
	if i, ok := s.seen.convs.find(id); ok {
		return uint32(s.seen.convAt[i])
	}
	at, _ := s.convs.find(id)
	return at
}

func compareID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

func (s *MemoryStore) index(c *Conversation) {
	if c.Assignee == "" || c.Status.Closed() {
		return
	}
	set := s.byAssignee[c.Assignee]
	if set == nil {
		set = map[uuid.UUID]struct{}{}
		s.byAssignee[c.Assignee] = set
	}
	set[c.ID] = struct{}{}
}

func (s *MemoryStore) unindex(c *Conversation) {
	delete(s.byAssignee[c.Assignee], c.ID)
}

// Conversation returns a copy of the conversation with the given ID.
func (s *MemoryStore) Conversation(ctx context.Context, id uuid.UUID) (Conversation, error) {
	var c Conversation
	if err := s.conversationShared(ctx, id, &c); err != nil {
		return Conversation{}, err
	}
	c.Labels = slices.Clone(c.Labels)
	c.Triage = cloneTriage(c.Triage)
	return c, nil
}

// Lookup returns what key is bound to.
func (s *MemoryStore) Lookup(ctx context.Context, key string) (Ref, error) {
	if err := ctx.Err(); err != nil {
		return Ref{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, ok := s.keys.find(key)
	if !ok {
		return Ref{}, noKey(key)
	}
	return r, nil
}

// lookupKey is Lookup for ingest, which expects most keys to be new:
// it reports a missing key without making an error.
func (s *MemoryStore) lookupKey(ctx context.Context, key []byte) (Ref, bool, error) {
	if err := ctx.Err(); err != nil {
		return Ref{}, false, err
	}
	s.mu.RLock()
	r, ok := s.keys.findBytes(key)
	s.mu.RUnlock()
	return r, ok, nil
}

// conversationShared is Conversation for ingest, read into *dst, which
// replaces the Triage as a whole and inserts into Labels: the copy shares
// the Triage's slices with the store (nobody changes them in place) and
// Labels with no room to spare, so that an insert copies them.
func (s *MemoryStore) conversationShared(ctx context.Context, id uuid.UUID, dst *Conversation) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c := s.conv(id)
	if c == nil {
		return notFound("no conversation %s", id)
	}
	*dst = *c
	dst.Labels = slices.Clip(dst.Labels)
	return nil
}

// authorShared is Author for ingest, which copies Evidence before it
// changes it and leaves Languages to commitOwned's steps: the copy shares
// both with the store, the Evidence with no room to spare, so that an
// append copies it.
func (s *MemoryStore) authorShared(ctx context.Context, k authorKey) (AuthorRecord, error) {
	if err := ctx.Err(); err != nil {
		return AuthorRecord{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.authors[k]
	if !ok {
		return AuthorRecord{}, noAuthor(k)
	}
	d := *a
	d.Evidence = slices.Clip(a.Evidence)
	return d, nil
}

// noKey is the error of a Lookup that finds nothing: the common answer
// while ingesting (most keys an item tries are new), so it is formatted
// only when read.
type noKey string

func (k noKey) Error() string { return notFound("no key %q", string(k)).Error() }

// Unwrap returns cmkit.ErrNotFound.
func (noKey) Unwrap() error { return cmkit.ErrNotFound }

// noAuthor is the error of an Author that finds nothing (a new author,
// while ingesting), formatted only when read.
type noAuthor authorKey

func (k noAuthor) Error() string {
	return notFound("no author %q of brand %q", k.person, k.brand).Error()
}

// Unwrap returns cmkit.ErrNotFound.
func (noAuthor) Unwrap() error { return cmkit.ErrNotFound }

// Message returns a copy of the message with the given ID.
func (s *MemoryStore) Message(ctx context.Context, id uuid.UUID) (Message, error) {
	if err := ctx.Err(); err != nil {
		return Message{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	m := s.msg(id)
	if m == nil {
		return Message{}, notFound("no message %s", id)
	}
	return s.msgSpace.message(m), nil
}

// Messages yields copies of a conversation's messages in Seq order, as
// they were when the iteration started.
func (s *MemoryStore) Messages(ctx context.Context, conversation uuid.UUID) iter.Seq2[Message, error] {
	return func(yield func(Message, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Message{}, err)
			return
		}
		s.mu.RLock()
		var ms []seqMessage
		if at, ok := s.convs.find(conversation); ok {
			ms = s.convMsgs[at]
		}
		out := make([]Message, len(ms))
		for i, m := range ms {
			out[i] = s.msgSpace.message(s.msgSlab.at(m.at))
		}
		s.mu.RUnlock()
		for _, m := range out {
			if !yield(m, nil) {
				return
			}
		}
	}
}

// Activities yields a conversation's activities in commit order.
func (s *MemoryStore) Activities(ctx context.Context, conversation uuid.UUID) iter.Seq2[Activity, error] {
	return func(yield func(Activity, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Activity{}, err)
			return
		}
		s.mu.RLock()
		var out []Activity
		if at, ok := s.convs.find(conversation); ok {
			out = slices.Clone(s.acts[at])
		}
		s.mu.RUnlock()
		for _, a := range out {
			if !yield(a, nil) {
				return
			}
		}
	}
}

// Conversations yields copies of the conversations f selects, by ID.
func (s *MemoryStore) Conversations(ctx context.Context, f Filter) iter.Seq2[Conversation, error] {
	return func(yield func(Conversation, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Conversation{}, err)
			return
		}
		s.mu.RLock()
		var out []Conversation
		if f.Assignee != "" && f.Open {
			ids := slices.SortedFunc(maps.Keys(s.byAssignee[f.Assignee]), compareID)
			for _, id := range ids {
				if c := s.conv(id); f.keep(c) {
					out = append(out, copyConversation(c))
				}
			}
		} else {
			for _, id := range s.order {
				if c := s.conv(id); f.keep(c) {
					out = append(out, copyConversation(c))
				}
			}
		}
		s.mu.RUnlock()
		for _, c := range out {
			if !yield(c, nil) {
				return
			}
		}
	}
}

// keep reports whether f selects c (for stores that filter in Go).
func (f *Filter) keep(c *Conversation) bool {
	switch {
	case len(f.Statuses) > 0 && !slices.Contains(f.Statuses, c.Status),
		f.Open && c.Status.Closed(),
		f.Channel != "" && c.Channel != f.Channel,
		f.Queue != "" && c.Queue != f.Queue,
		f.Unassigned && c.Assignee != "",
		f.Assignee != "" && c.Assignee != f.Assignee,
		f.Person != "" && c.Person != f.Person,
		!f.HandoffDue.IsZero() && (c.Handoff.Status != HandoffPending || c.Handoff.NextAt.After(f.HandoffDue)):
		return false
	}
	if !f.SLADue.IsZero() && (c.SLA.Next.IsZero() || c.SLA.Next.After(f.SLADue)) {
		return false
	}
	if !f.ActionDue.IsZero() && (c.ActionDue.IsZero() || c.ActionDue.After(f.ActionDue)) {
		return false
	}
	if !f.ReplyDue.IsZero() && (c.ReplyUntil.IsZero() || c.ReplyUntil.After(f.ReplyDue)) {
		return false
	}
	return true
}

// Checkpoint returns the last checkpoint of source, or the zero
// Checkpoint (with Source set) when there is none.
func (s *MemoryStore) Checkpoint(ctx context.Context, source string) (Checkpoint, error) {
	if err := ctx.Err(); err != nil {
		return Checkpoint{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.checks[source]
	if !ok {
		return Checkpoint{Source: source}, nil
	}
	return c, nil
}

// Agents yields copies of the agents, by member.
func (s *MemoryStore) Agents(ctx context.Context) iter.Seq2[Agent, error] {
	return func(yield func(Agent, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(Agent{}, err)
			return
		}
		s.mu.RLock()
		out := make([]Agent, 0, len(s.agents))
		for _, m := range slices.Sorted(maps.Keys(s.agents)) {
			a := *s.agents[m]
			a.Queues = slices.Clone(a.Queues)
			out = append(out, a)
		}
		s.mu.RUnlock()
		for _, a := range out {
			if !yield(a, nil) {
				return
			}
		}
	}
}

// Load counts the open conversations assigned to member.
func (s *MemoryStore) Load(ctx context.Context, member string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.byAssignee[member]), nil
}

// Author returns a copy of the record of person for brand.
func (s *MemoryStore) Author(ctx context.Context, brand, person string) (AuthorRecord, error) {
	a, err := s.authorShared(ctx, authorKey{brand, person})
	a.Languages = maps.Clone(a.Languages)
	a.Evidence = slices.Clone(a.Evidence)
	return a, err
}

// Authors yields copies of the author records of brand ("" for all).
func (s *MemoryStore) Authors(ctx context.Context, brand string) iter.Seq2[AuthorRecord, error] {
	return func(yield func(AuthorRecord, error) bool) {
		if err := ctx.Err(); err != nil {
			yield(AuthorRecord{}, err)
			return
		}
		s.mu.RLock()
		var out []AuthorRecord
		for k, a := range s.authors {
			if brand == "" || k.brand == brand {
				out = append(out, copyAuthor(a))
			}
		}
		s.mu.RUnlock()
		for _, a := range out {
			if !yield(a, nil) {
				return
			}
		}
	}
}

func cloneConversation(c *Conversation) *Conversation {
	d := copyConversation(c)
	return &d
}

// copyConversation is cloneConversation returning a value, so that a read
// does not allocate the record itself.
func copyConversation(c *Conversation) Conversation {
	d := *c
	d.Labels = slices.Clone(c.Labels)
	d.Triage = cloneTriage(c.Triage)
	return d
}

func cloneMessage(m *Message) *Message {
	d := copyMessage(m)
	return &d
}

// copyMessage is cloneMessage returning a value.
func copyMessage(m *Message) Message {
	d := *m
	deepenMessage(&d)
	return d
}

func cloneTriage(t Triage) Triage {
	t.Flags = slices.Clone(t.Flags)
	t.Replies = slices.Clone(t.Replies)
	t.Rules = slices.Clone(t.Rules)
	for i := range t.Rules {
		t.Rules[i].Hits = slices.Clone(t.Rules[i].Hits)
	}
	return t
}

// copyAuthor returns a copy of a that shares nothing with it.
func copyAuthor(a *AuthorRecord) AuthorRecord {
	d := *a
	d.Languages = maps.Clone(a.Languages)
	d.Evidence = slices.Clone(a.Evidence)
	return d
}
