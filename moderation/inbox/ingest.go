package inbox

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation"
)

// ingestConfig holds the settings and the working state of ingest (pull
// and push), grouping, edits, moderation actions, author records and
// opinion leaders.
type ingestConfig struct {
	pageSize int // 0: defaultPageSize

	batches sync.Pool // *ingestBatch
	judged  sync.Pool // *judgeRoom
	ones    sync.Pool // *oneWrite
	ids     idSource

	mu        sync.Mutex
	notBefore map[string]time.Time // PullAll: channels rate limited until then

	ingested, edited, duplicates, skipped atomic.Uint64
	actionsSent, actionsFailed            atomic.Uint64
}

// The defaults and bounds of ingest.
const (
	defaultPageSize = 100
	maxPageSize     = 1000
	// maxIngestAttempts bounds how often one page (or push) is built
	// again after a write conflict.
	maxIngestAttempts = 20
	// maxPullPages bounds how many pages PullAll reads from one channel
	// in one call.
	maxPullPages = 100
)

// The kinds of InboxEvent that ingest and moderation report.
const (
	// EventIngested: a new message was stored in a conversation.
	EventIngested InboxEventKind = "ingested"
	// EventEdited: a stored inbound message was edited on the platform,
	// judged again, and its earlier version kept in Message.Edits.
	EventEdited InboxEventKind = "edited"
	// EventHidden: the platform hid a message (a rule or a member asked).
	EventHidden InboxEventKind = "hidden"
	// EventUnhidden: the platform showed a hidden message again (a member
	// asked).
	EventUnhidden InboxEventKind = "unhidden"
	// EventDeleted: the platform deleted a message (a rule or a member
	// asked).
	EventDeleted InboxEventKind = "deleted"
	// EventActionFailed: a hide or delete failed for good (the platform
	// refused it, the channel cannot do it, or retries ran out); a person
	// must act on the platform.
	EventActionFailed InboxEventKind = "action-failed"
)

// WithPageSize sets how many mentions Pull asks a channel for at once,
// from 1 to 1,000 (default 100). All the items of a page and the
// channel's cursor after them are stored in one Store.Commit.
func WithPageSize(n int) Option {
	return func(ib *Inbox) error {
		if n < 1 || n > maxPageSize {
			return cmkit.Invalid("WithPageSize", "range", "%d is not within [1, %d]", n, maxPageSize)
		}
		ib.ingest.pageSize = n
		return nil
	}
}

// IngestCounts are running totals of what this Inbox value ingested since
// it was made (they are not stored: a restarted inbox counts from zero).
type IngestCounts struct {
	// Ingested counts the new messages stored.
	Ingested uint64
	// Edited counts the edits stored (a later version of a known item).
	Edited uint64
	// Duplicates counts the deliveries of known items that changed
	// nothing (the same or an older version).
	Duplicates uint64
	// Skipped counts the items a reader delivered without an ID, which
	// cannot be told apart and are dropped (and logged).
	Skipped uint64
	// ActionsSent counts the hides and deletes the platform accepted.
	ActionsSent uint64
	// ActionsFailed counts those that failed for good.
	ActionsFailed uint64
}

// IngestCounts returns the running totals of ingest and moderation
// actions.
func (ib *Inbox) IngestCounts() IngestCounts {
	g := &ib.ingest
	return IngestCounts{Ingested: g.ingested.Load(), Edited: g.edited.Load(), Duplicates: g.duplicates.Load(),
		Skipped: g.skipped.Load(), ActionsSent: g.actionsSent.Load(), ActionsFailed: g.actionsFailed.Load()}
}

func (ib *Inbox) pageSize() int {
	if ib.ingest.pageSize == 0 {
		return defaultPageSize
	}
	return ib.ingest.pageSize
}

// mentionSource is the checkpoint source of a channel's mentions.
func mentionSource(channelID string) string { return "mentions/" + channelID }

// errCheckpointMoved reports that another puller moved the checkpoint of
// the page being ingested: that puller stored the page.
var errCheckpointMoved = errors.New("inbox: checkpoint moved by another puller")

// Pull reads one page of mentions from the channel's cmkit.MentionReader,
// after the checkpoint of source "mentions/<channelID>", and stores every
// item of it together with the checkpoint after them in one Store.Commit:
// a crash before that write loses nothing (the page is read again), and a
// crash after it repeats nothing. It returns how many items it stored (new
// messages and edits; duplicates are counted in IngestCounts).
//
// A read that fails (a transient failure, a rate limit whose
// *cmkit.RateLimitError says how long to wait, a timeout) is returned,
// wrapped, and moves nothing. When another puller stored the same page
// first, Pull returns 0 and nil. An unknown channel is cmkit.ErrInvalid;
// one without MentionReader an error wrapping cmkit.ErrUnsupported.
func (ib *Inbox) Pull(ctx context.Context, channelID string) (int, error) {
	reg, ok := ib.channel(channelID)
	if !ok {
		return 0, cmkit.Invalid("channelID", "unknown", "channel %q is not registered with the inbox", channelID)
	}
	rd, ok := reg.ch.(cmkit.MentionReader)
	if !ok {
		return 0, &cmkit.UnsupportedError{Channel: channelID, Capability: cmkit.CapReadMentions}
	}
	n, _, err := ib.pull(ctx, channelID, rd)
	return n, err
}

// pull reads and stores one page; read is the page's length, or -1 when
// the page moved nothing (an empty page that kept the cursor).
func (ib *Inbox) pull(ctx context.Context, channelID string, rd cmkit.MentionReader) (stored, read int, err error) {
	source := mentionSource(channelID)
	cp, err := ib.store.Checkpoint(ctx, source)
	if err != nil {
		return 0, 0, fmt.Errorf("inbox: pull %q: checkpoint: %w", channelID, err)
	}
	page, err := rd.ReadMentions(ctx, cp.Cursor, ib.pageSize())
	if err != nil {
		return 0, 0, fmt.Errorf("inbox: pull %q: %w", channelID, err)
	}
	if len(page.Mentions) == 0 && page.Next == cp.Cursor {
		return 0, -1, nil
	}
	items := page.Mentions
	cloned := false
	for i := 0; i < len(items); i++ {
		m := &items[i]
		if m.ChannelID == channelID && m.ID != "" {
			continue
		}
		if !cloned {
			items, cloned = slices.Clone(items), true
			m = &items[i]
		}
		if m.ID == "" {
			ib.ingest.skipped.Add(1)
			ib.log.Warn("inbox: a reader delivered an item without an ID; dropped", "channel", channelID, "author", m.Author.ID)
			items = slices.Delete(items, i, i+1)
			i--
			continue
		}
		m.ChannelID = channelID
	}
	next := cp
	next.Cursor = page.Next
	n, err := ib.ingestItems(ctx, items, &next)
	if errors.Is(err, errCheckpointMoved) {
		return 0, len(page.Mentions), nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("inbox: pull %q: %w", channelID, err)
	}
	return n, len(page.Mentions), nil
}

// PullAll pulls every registered channel that implements
// cmkit.MentionReader, in channel ID order, page after page until a page
// comes back empty (at most 100 pages per channel per call). It returns how
// many items it stored. A channel whose read fails is left for the next
// call and the others are still pulled; the failures come back joined.
// After a rate limit with RetryAfter, PullAll passes the channel over until
// that wait is over.
func (ib *Inbox) PullAll(ctx context.Context) (int, error) {
	ib.mu.RLock()
	ids := make([]string, 0, len(ib.channels))
	for id, r := range ib.channels {
		if _, ok := r.ch.(cmkit.MentionReader); ok {
			ids = append(ids, id)
		}
	}
	ib.mu.RUnlock()
	slices.Sort(ids)
	total := 0
	var errs []error
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		if ib.waiting(id) {
			continue
		}
		reg, _ := ib.channel(id)
		rd := reg.ch.(cmkit.MentionReader)
		for range maxPullPages {
			n, read, err := ib.pull(ctx, id, rd)
			total += n
			if err != nil {
				ib.backOff(id, err)
				errs = append(errs, err)
				break
			}
			if read <= 0 {
				break
			}
		}
	}
	return total, errors.Join(errs...)
}

// waiting reports whether PullAll must pass channel id over, after a rate
// limit.
func (ib *Inbox) waiting(id string) bool {
	g := &ib.ingest
	g.mu.Lock()
	defer g.mu.Unlock()
	until, ok := g.notBefore[id]
	if ok && !ib.now().Before(until) {
		delete(g.notBefore, id)
		return false
	}
	return ok
}

// backOff remembers the wait a rate limit asked for.
func (ib *Inbox) backOff(id string, err error) {
	var rl *cmkit.RateLimitError
	if !errors.As(err, &rl) || rl.RetryAfter <= 0 {
		return
	}
	g := &ib.ingest
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.notBefore == nil {
		g.notBefore = map[string]time.Time{}
	}
	g.notBefore[id] = ib.now().Add(rl.RetryAfter)
}

// Push stores mentions delivered by a webhook, in one Store.Commit, like
// the items of a pulled page (no checkpoint moves). Each must have an ID
// and the ID of a registered channel; otherwise Push returns an error
// wrapping cmkit.ErrInvalid that names the offending mention
// ("mentions[3].channel_id") and stores nothing. Mentions already stored
// are duplicates or edits, as for Pull, so a webhook may deliver the same
// mention twice, or out of order.
func (ib *Inbox) Push(ctx context.Context, ms ...cmkit.Mention) error {
	if err := ib.checkPushed(ms); err != nil {
		return err
	}
	if len(ms) == 0 {
		return nil
	}
	_, err := ib.ingestItems(ctx, ms, nil)
	if err != nil {
		return fmt.Errorf("inbox: push: %w", err)
	}
	return nil
}

// checkPushed checks that every mention pushed names a registered channel
// and its ID, under one read lock of the channels.
func (ib *Inbox) checkPushed(ms []cmkit.Mention) error {
	ib.mu.RLock()
	defer ib.mu.RUnlock()
	for i := range ms {
		m := &ms[i]
		switch _, ok := ib.channels[m.ChannelID]; {
		case m.ChannelID == "":
			return cmkit.Invalid("mentions["+strconv.Itoa(i)+"].channel_id", "required", "a mention needs its channel")
		case !ok:
			return cmkit.Invalid("mentions["+strconv.Itoa(i)+"].channel_id", "unknown", "channel %q is not registered with the inbox", m.ChannelID)
		case m.ID == "":
			return cmkit.Invalid("mentions["+strconv.Itoa(i)+"].id", "required", "a mention needs the platform's ID")
		}
	}
	return nil
}

// ingestItems stores items (and moves cp, when not nil) in one commit,
// building the write again from the stored state after a conflict. The
// engine judges each item at most once, whatever the retries.
func (ib *Inbox) ingestItems(ctx context.Context, items []cmkit.Mention, cp *Checkpoint) (int, error) {
	j := judgements{items: items}
	defer j.release(ib)
	var last error
	for range maxIngestAttempts {
		b := newIngestBatch(ib, ctx, &j)
		if cp != nil {
			cp.At = b.now
		}
		if err := b.build(); err != nil {
			b.release()
			return 0, err
		}
		var err error
		if cp != nil || b.fresh+b.edits > 0 { // else duplicates only: nothing to write
			err = b.commit(cp)
		}
		if err == nil {
			n := b.done(ctx)
			b.release()
			return n, nil
		}
		b.release()
		if !errors.Is(err, cmkit.ErrConflict) {
			return 0, err
		}
		last = err
		if cp != nil {
			now, err := ib.store.Checkpoint(ctx, cp.Source)
			if err != nil {
				return 0, err
			}
			if now.Version != cp.Version {
				return 0, errCheckpointMoved
			}
		}
	}
	return 0, fmt.Errorf("inbox: gave up after %d write conflicts: %w", maxIngestAttempts, last)
}

// judgements keeps the engine's judgement of each item of one ingest, so
// that a write built again after a conflict does not judge (and feed the
// engine's memories) twice.
type judgements struct {
	items []cmkit.Mention
	tri   []Triage
	done  []bool
	room  *judgeRoom
	v     *moderation.Verdict
	eng   *moderation.Engine // the engine of the whole batch
}

// judgeRoom is the room of tri and done, kept between ingests.
type judgeRoom struct {
	tri  []Triage
	done []bool
}

// of returns the triage of items[i], judging it the first time.
func (j *judgements) of(ib *Inbox, i int) *Triage {
	if j.done == nil {
		r, _ := ib.ingest.judged.Get().(*judgeRoom)
		if r == nil {
			r = new(judgeRoom)
		}
		n := len(j.items)
		r.tri, r.done = slices.Grow(r.tri[:0], n)[:n], slices.Grow(r.done[:0], n)[:n]
		j.room, j.tri, j.done = r, r.tri, r.done
	}
	if !j.done[i] {
		if j.v == nil {
			j.v = ib.verdicts.Get().(*moderation.Verdict)
			j.eng = ib.engine.Load()
		}
		j.eng.Evaluate(j.v, j.items[i])
		j.tri[i] = triageOf(j.v)
		j.done[i] = true
	}
	return &j.tri[i]
}

func (j *judgements) release(ib *Inbox) {
	if j.v != nil {
		ib.verdicts.Put(j.v)
		j.v = nil
	}
	if r := j.room; r != nil {
		clear(r.tri) // the store keeps what they hold
		clear(r.done)
		j.room, j.tri, j.done = nil, nil, nil
		ib.ingest.judged.Put(r)
	}
}

// triageOf copies what the (reused) verdict decided into a Triage that
// outlives it.
func triageOf(v *moderation.Verdict) Triage {
	t := Triage{Hide: v.Hide, Delete: v.Delete, Hold: v.Hold, Priority: v.Priority, Queue: v.Queue,
		Support: v.Support, OpinionLeader: v.OpinionLeader, Crisis: v.Crisis, Language: v.Language,
		SentimentKnown: v.SentimentKnown, Sentiment: v.Sentiment, SentimentLabel: v.SentimentLabel}
	if len(v.Fired) > 0 {
		t.Rules = make([]FiredRule, len(v.Fired))
		n := 0
		for _, f := range v.Fired {
			n += len(f.Hits)
		}
		var hits []moderation.Hit // every rule's hits in one allocation
		if n > 0 {
			hits = make([]moderation.Hit, 0, n)
		}
		for i, f := range v.Fired {
			t.Rules[i].Rule = f.Rule
			if len(f.Hits) > 0 {
				at := len(hits)
				hits = append(hits, f.Hits...)
				t.Rules[i].Hits = hits[at:len(hits):len(hits)]
			}
		}
	}
	t.Flags = cloneOrNil(v.Flags)
	t.Replies = cloneOrNil(v.Replies)
	return t
}

// cloneOrNil copies s, keeping an empty slice nil.
func cloneOrNil[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

// idSource makes the IDs of what ingest stores: uuid v7 as
// uuid.NewV7 makes them (the milliseconds, then a sequence that keeps
// the IDs of one source increasing within a millisecond), their random
// bits read from crypto/rand a few kilobytes at a time rather than with
// one system call per ID, and without an allocation per ID.
type idSource struct {
	mu   sync.Mutex
	buf  [4096]byte
	n    int   // unread bytes at the end of buf
	last int64 // the last ID's milliseconds<<12 + sequence
}

// newID returns a new uuid v7.
func (s *idSource) newID() (uuid.UUID, error) {
	var id uuid.UUID
	nano := time.Now().UnixNano()
	s.mu.Lock()
	if s.n < 8 {
		if _, err := rand.Read(s.buf[:]); err != nil {
			s.mu.Unlock()
			return uuid.Nil, err
		}
		s.n = len(s.buf)
	}
	copy(id[8:], s.buf[len(s.buf)-s.n:])
	s.n -= 8
	milli := nano / int64(time.Millisecond)
	now := milli<<12 + (nano-milli*int64(time.Millisecond))>>8 // as uuid.NewV7
	if now <= s.last {
		now = s.last + 1
	}
	s.last = now
	s.mu.Unlock()
	milli, seq := now>>12, now&0xfff
	id[0], id[1], id[2], id[3], id[4], id[5] = byte(milli>>40), byte(milli>>32), byte(milli>>24), byte(milli>>16), byte(milli>>8), byte(milli)
	id[6], id[7] = 0x70|byte(seq>>8)&0x0f, byte(seq)
	id[8] = id[8]&0x3f | 0x80 // the RFC 9562 variant
	return id, nil
}

// mintID returns a new uuid v7 for a record of the inbox.
func (ib *Inbox) mintID() (uuid.UUID, error) { return ib.ingest.ids.newID() }

// ingestBatch builds the Write of one ingest attempt in memory: every
// record read or made once, by ID, so that several items of one page may
// touch one conversation, or be one item twice. Records live in the
// Write's slices (and read, for messages read but not changed), whose
// room for one record per item is made up front, so that pointers to them
// stay valid while the batch grows: an item touches at most one
// conversation, one message and one author record.
type ingestBatch struct {
	ib  *Inbox
	ctx context.Context
	j   *judgements
	now time.Time

	w        Write
	convAt   slotTable[uuid.UUID] // index in w.Conversations
	msgs     slotTable[uuid.UUID] // of the messages in w.Messages or read: see msgWritten
	read     []Message            // messages read and not (yet) changed
	refs     map[string]refState  // keys bound (and, for a Store not an ingestStore, looked up)
	keyBuf   []byte               // where lookup builds a key, and add an activity's text
	authorAt map[authorKey]int    // index in w.Authors
	steps    []langStep           // changes of w.Authors' Languages (see langStep)
	channels map[string]*registered

	pending []pendingEvent  // events to emit after the commit, in order
	actions []plannedAction // platform actions to try after the commit
	dups    int
	fresh   int
	edits   int
	failed  int   // actions the channel cannot do
	err     error // the first failure to make an activity's ID
}

// refState is a key as this ingestBatch knows it.
type refState struct {
	ref   Ref
	bound bool
}

// pendingEvent is an event waiting for its commit.
type pendingEvent struct {
	kind InboxEventKind
	conv uuid.UUID
	msg  uuid.UUID
	text string
}

// newIngestBatch returns an empty batch for j, reusing the room of an
// earlier one.
func newIngestBatch(ib *Inbox, ctx context.Context, j *judgements) *ingestBatch {
	b, _ := ib.ingest.batches.Get().(*ingestBatch)
	if b == nil {
		b = &ingestBatch{convAt: newSlotTable(hashID), msgs: newSlotTable(hashID),
			refs: map[string]refState{}, authorAt: map[authorKey]int{}, channels: map[string]*registered{}}
	}
	b.reset(ib, ctx, j)
	return b
}

// reset empties b for another attempt at j, keeping its room.
func (b *ingestBatch) reset(ib *Inbox, ctx context.Context, j *judgements) {
	n := len(j.items)
	b.ib, b.ctx, b.j, b.now = ib, ctx, j, ib.now()
	// Drop the references of the last batch: what it used, up to the
	// lengths it left (beyond them, the records are zero already).
	clear(b.w.Conversations)
	clear(b.w.Messages)
	clear(b.w.Authors)
	clear(b.read)
	b.w = Write{Conversations: slices.Grow(b.w.Conversations[:0], n), Messages: slices.Grow(b.w.Messages[:0], n),
		Authors: slices.Grow(b.w.Authors[:0], n), Activities: b.w.Activities[:0], Keys: b.w.Keys[:0]}
	b.read = slices.Grow(b.read[:0], n)
	b.convAt.reset()
	b.msgs.reset()
	clear(b.refs)
	clear(b.authorAt)
	clear(b.steps[:cap(b.steps)])
	b.steps = b.steps[:0]
	clear(b.channels)
	b.pending, b.actions = b.pending[:0], b.actions[:0]
	b.dups, b.fresh, b.edits, b.failed, b.err = 0, 0, 0, 0, nil
}

// release gives b's room back for another batch.
func (b *ingestBatch) release() {
	ib := b.ib
	b.ib, b.ctx, b.j = nil, nil, nil
	ib.ingest.batches.Put(b)
}

// build adds every item to the ingestBatch.
func (b *ingestBatch) build() error {
	for i := range b.j.items {
		if err := b.add(i); err != nil {
			return err
		}
		if b.err != nil {
			return b.err
		}
	}
	return nil
}

// add adds items[i]: a duplicate, an edit, or a new message.
func (b *ingestBatch) add(i int) error {
	m := &b.j.items[i]
	reg := b.channel(m.ChannelID)
	if reg == nil {
		return cmkit.Invalid("channel_id", "unknown", "channel %q is not registered with the inbox", m.ChannelID)
	}
	key := itemPartsKey(m.ChannelID, m.ID)
	st, err := b.lookup(key)
	if err != nil {
		return err
	}
	if st.bound {
		return b.known(i, st.ref)
	}
	person := b.ib.person(m.ChannelID, m.Author.ID)
	c, created, err := b.group(m, reg, person)
	if err != nil {
		return err
	}
	id, err := b.ib.mintID()
	if err != nil {
		return err
	}
	t := b.j.of(b.ib, i)
	c.Messages++
	msg := b.newMessage(id) // in place: a Message is large
	msg.Conversation, msg.Seq, msg.Direction, msg.Mention, msg.Triage, msg.ReceivedAt = c.ID, c.Messages, Inbound, *m, *t, b.now
	name := b.keyString(key)
	b.bindName(name, Ref{Conversation: c.ID, Message: id})
	if created {
		// "<kind> from <author>", built in the batch's buffer (cheaper
		// than concatenating).
		b.keyBuf = appendAuthorLabel(append(append(b.keyBuf[:0], m.Kind...), " from "...), &m.Author)
		b.activity(c.ID, ActivityIngested, string(b.keyBuf))
	}
	b.pending = append(b.pending, pendingEvent{kind: EventIngested, conv: c.ID, msg: id})
	b.arrived(c, msg, person, created)
	b.judged(c, msg, reg, created)
	// The item's reference, "<channel>/<platform ID>", is its key's tail.
	if err := b.credit(reg, person, msg, nil, name[len(key.kind)+1:]); err != nil {
		return err
	}
	b.fresh++
	return nil
}

// arrived updates c for a new inbound message: counts, times, status.
func (b *ingestBatch) arrived(c *Conversation, msg *Message, person string, created bool) {
	at := mentionTime(&msg.Mention, b.now)
	c.UpdatedAt = b.now
	if c.FirstInboundAt.IsZero() {
		c.FirstInboundAt = at
	}
	if c.AwaitingSince.IsZero() {
		c.AwaitingSince = at
	}
	if person == c.Person {
		c.Author = msg.Mention.Author
	}
	t := &msg.Triage
	hidden := t.Hide || t.Delete
	switch {
	case created && hidden:
		c.Status = StatusHidden
	case created:
	case c.Status == StatusResolved, c.Status == StatusWaiting, c.Status == StatusReplied,
		c.Status == StatusHidden && !hidden:
		b.status(c, StatusOpen)
		c.ResolvedAt = time.Time{}
	}
	if c.Handoff.Status == HandoffDone {
		updateTicket(c, b.now)
	}
	if t.Language != "" {
		c.Language = t.Language
	}
	c.Triage = *t
}

// updateTicket makes c's delivered ticket due again, so that customer
// service sees what changed.
func updateTicket(c *Conversation, now time.Time) {
	c.Handoff.Status, c.Handoff.NextAt, c.Handoff.Attempts, c.Handoff.LastError = HandoffPending, now, 0, ""
}

// status moves c to s and records it.
func (b *ingestBatch) status(c *Conversation, s Status) {
	if c.Status == s {
		return
	}
	text := string(c.Status) + " → " + string(s)
	c.Status = s
	b.activity(c.ID, ActivityStatus, text)
}

// judged applies what the engine decided about msg (new or edited) to c:
// priority, queue, labels, routing to customer service, and the
// moderation action on the platform.
func (b *ingestBatch) judged(c *Conversation, msg *Message, reg *registered, created bool) {
	t := &msg.Triage
	c.Priority = max(c.Priority, t.Priority)
	if c.Queue == "" {
		c.Queue = t.Queue
	}
	for _, f := range t.Flags {
		if at, found := slices.BinarySearch(c.Labels, f); !found {
			c.Labels = slices.Insert(c.Labels, at, f)
		}
	}
	if t.Support {
		switch c.Handoff.Status {
		case "":
			reason := "routed to customer service by " + firedRules(t)
			c.Handoff = HandoffState{Status: HandoffPending, Key: handoffKey(c.ID), NextAt: b.now, Reason: reason}
			b.activity(c.ID, ActivityHandoff, reason)
		case HandoffDone:
			updateTicket(c, b.now)
		}
		if c.Status != StatusHidden && c.Status != StatusEscalated {
			if created {
				c.Status = StatusEscalated
			} else {
				b.status(c, StatusEscalated)
			}
		}
	}
	b.plan(c, msg, reg)
}

// known handles a delivery of an item already stored: an edit when it is
// a later version of an inbound message, otherwise a duplicate.
func (b *ingestBatch) known(i int, ref Ref) error {
	m := &b.j.items[i]
	if ref.Message == uuid.Nil {
		b.dups++
		return nil
	}
	msg, err := b.message(ref.Message)
	if err != nil {
		return err
	}
	if msg.Direction != Inbound || !m.EditedAt.After(msg.Mention.EditedAt) {
		b.dups++
		return nil
	}
	return b.edit(i, msg)
}

// write returns the Write of the batch; a checkpoint, when given, moves
// with it.
func (b *ingestBatch) write(cp *Checkpoint) Write {
	w := b.w
	w.Activities = clipNil(w.Activities)
	w.Keys = clipNil(w.Keys)
	if cp != nil {
		w.Checkpoints = []Checkpoint{*cp}
	}
	return w
}

// ingestStore is what a Store may offer ingest beyond Store, to spare it
// copies and errors; MemoryStore does.
type ingestStore interface {
	// commitOwned is Commit keeping w's slices and maps, then
	// applying steps to the Languages of the author records.
	commitOwned(ctx context.Context, w *Write, steps []langStep) error
	// lookupKey is Lookup of a key in bytes, reporting a missing key
	// as false.
	lookupKey(ctx context.Context, key []byte) (Ref, bool, error)
	// conversationShared is Conversation read into *dst, sharing the
	// Triage's slices and the Labels (with no room to spare) with the
	// store.
	conversationShared(ctx context.Context, id uuid.UUID, dst *Conversation) error
	// authorShared is Author sharing the Evidence (with no room to
	// spare) and the Languages (changed by commitOwned's steps only)
	// with the store.
	authorShared(ctx context.Context, k authorKey) (AuthorRecord, error)
}

// commit commits the batch's write (and cp, when not nil). The batch
// makes its records afresh and hands them over: it changes none of their
// slices or maps afterwards (done passes copies on).
func (b *ingestBatch) commit(cp *Checkpoint) error {
	w := b.write(cp)
	return b.ib.commitHanded(b.ctx, &w, b.steps)
}

// commitHanded commits w, which the caller hands over: when the store is
// an ingestStore, it keeps w's slices and maps.
func (ib *Inbox) commitHanded(ctx context.Context, w *Write, steps []langStep) error {
	s, ok := ib.store.(ingestStore)
	if !ok {
		return ib.commit(ctx, *w)
	}
	for i := range w.Conversations {
		w.Conversations[i].SLA = ib.slaState(&w.Conversations[i])
	}
	return s.commitOwned(ctx, w, steps)
}

// clipNil returns s, or nil when it is empty.
func clipNil[S ~[]E, E any](s S) S {
	if len(s) == 0 {
		return nil
	}
	return s
}

// done runs after the ingestBatch's commit: it counts, reports the events and
// tries the platform actions the ingestBatch wrote. It returns how many items
// it stored.
func (b *ingestBatch) done(ctx context.Context) int {
	g := &b.ib.ingest
	g.ingested.Add(uint64(b.fresh))
	g.edited.Add(uint64(b.edits))
	g.duplicates.Add(uint64(b.dups))
	g.actionsFailed.Add(uint64(b.failed))
	if b.ib.listen.listener != nil {
		for _, n := range b.pending {
			if m := b.batchMsg(n.msg); m != nil && n.kind == EventIngested {
				b.ib.count(&m.Mention, postedAt(&m.Mention, b.now))
			}
		}
	}
	if b.dups > 0 {
		b.ib.log.Debug("inbox: duplicates", "count", b.dups)
	}
	if b.ib.hook != nil {
		for _, n := range b.pending {
			b.ib.emit(b.event(n))
		}
	}
	for _, p := range b.actions {
		if !pendingAction(b.batchMsg(p.msg)) {
			continue
		}
		// The store keeps what the batch's records hold: settle passes
		// them on to nobody when there is no hook, else it gets copies.
		msg := *b.batchMsg(p.msg)
		if b.ib.hook != nil {
			msg = copyMessage(&msg)
		}
		msg.Version++ // as committed
		var alone *Conversation
		if p.alone {
			c := b.w.Conversations[b.convIndex(msg.Conversation)]
			if b.ib.hook != nil {
				c = copyConversation(&c)
			}
			c.Version++
			alone = &c
		}
		_, _ = b.ib.callAndSettle(ctx, msg, alone)
	}
	return b.fresh + b.edits
}

// event makes the event of n from the records as committed.
func (b *ingestBatch) event(n pendingEvent) InboxEvent {
	c := *cloneConversation(&b.w.Conversations[b.convIndex(n.conv)])
	c.Version++
	e := InboxEvent{Kind: n.kind, At: b.now, Conversation: c, Text: n.text}
	if m := b.batchMsg(n.msg); m != nil {
		m := *cloneMessage(m)
		m.Version++
		e.Message = &m
	}
	return e
}

// channel returns the registered channel, cached for the ingestBatch.
func (b *ingestBatch) channel(id string) *registered {
	if r, ok := b.channels[id]; ok {
		return r
	}
	r, ok := b.ib.channel(id)
	if !ok {
		b.channels[id] = nil
		return nil
	}
	b.channels[id] = &r
	return &r
}

// lookup returns what key is bound to: bound in the batch, else in the
// store. It builds the key in the batch's buffer; an ingestStore is asked
// each time (it allocates nothing), another Store once per ingestBatch.
func (b *ingestBatch) lookup(k storeKey) (refState, error) {
	b.keyBuf = k.appendTo(b.keyBuf[:0])
	if st, ok := b.refs[string(b.keyBuf)]; ok {
		return st, nil
	}
	if s, ok := b.ib.store.(ingestStore); ok {
		ref, found, err := s.lookupKey(b.ctx, b.keyBuf)
		return refState{ref: ref, bound: found}, err
	}
	key := string(b.keyBuf)
	ref, err := b.ib.store.Lookup(b.ctx, key)
	switch {
	case err == nil:
		st := refState{ref: ref, bound: true}
		b.refs[key] = st
		return st, nil
	case errors.Is(err, cmkit.ErrNotFound):
		b.refs[key] = refState{}
		return refState{}, nil
	}
	return refState{}, err
}

// keyString returns k as the store binds it, built in the batch's buffer
// (cheaper than a concatenation of its parts).
func (b *ingestBatch) keyString(k storeKey) string {
	b.keyBuf = k.appendTo(b.keyBuf[:0])
	return string(b.keyBuf)
}

// bindName binds key to ref in the ingestBatch's write.
func (b *ingestBatch) bindName(key string, ref Ref) {
	b.refs[key] = refState{ref: ref, bound: true}
	b.w.Keys = append(b.w.Keys, Key{Name: key, Ref: ref})
}

// conv returns the batch's copy of a conversation, reading it once.
func (b *ingestBatch) conv(id uuid.UUID) (*Conversation, error) {
	if i, ok := b.convAt.find(id); ok {
		return &b.w.Conversations[i], nil
	}
	if s, ok := b.ib.store.(ingestStore); ok { // read in place
		n := len(b.w.Conversations)
		b.w.Conversations = append(b.w.Conversations, Conversation{})
		if err := s.conversationShared(b.ctx, id, &b.w.Conversations[n]); err != nil {
			b.w.Conversations = b.w.Conversations[:n]
			return nil, err
		}
		b.convAt.set(id, uint32(n))
		return &b.w.Conversations[n], nil
	}
	c, err := b.ib.store.Conversation(b.ctx, id)
	if err != nil {
		return nil, err
	}
	return b.addConv(c), nil
}

// addConv adds a conversation to the batch's write.
func (b *ingestBatch) addConv(c Conversation) *Conversation {
	b.convAt.set(c.ID, uint32(len(b.w.Conversations)))
	b.w.Conversations = append(b.w.Conversations, c)
	return &b.w.Conversations[len(b.w.Conversations)-1]
}

// message returns the batch's copy of a message, reading it once; it is
// written only when changed says so.
func (b *ingestBatch) message(id uuid.UUID) (*Message, error) {
	if m := b.batchMsg(id); m != nil {
		return m, nil
	}
	m, err := b.ib.store.Message(b.ctx, id)
	if err != nil {
		return nil, err
	}
	b.read = append(b.read, m)
	b.msgs.set(id, uint32(len(b.read)-1)<<1)
	return &b.read[len(b.read)-1], nil
}

// msgWritten marks, in a value of ingestBatch.msgs, a message of
// w.Messages: the value is its index there shifted left by one, or, for a
// message read and not changed, its index in read.
const msgWritten = 1

// batchMsg returns the batch's copy of a message, nil when it has none.
func (b *ingestBatch) batchMsg(id uuid.UUID) *Message {
	at, ok := b.msgs.find(id)
	switch {
	case !ok:
		return nil
	case at&msgWritten != 0:
		return &b.w.Messages[at>>1]
	}
	return &b.read[at>>1]
}

// convIndex returns the index in w.Conversations of a conversation of the
// batch.
func (b *ingestBatch) convIndex(id uuid.UUID) int {
	at, _ := b.convAt.find(id)
	return int(at)
}

// newMessage adds a zero message with the given ID to the batch's write
// and returns it.
func (b *ingestBatch) newMessage(id uuid.UUID) *Message {
	b.w.Messages = append(b.w.Messages, Message{})
	p := &b.w.Messages[len(b.w.Messages)-1]
	p.ID = id
	b.msgs.set(id, uint32(len(b.w.Messages)-1)<<1|msgWritten)
	return p
}

// addMessage adds a message to the batch's write.
func (b *ingestBatch) addMessage(m *Message) *Message {
	b.w.Messages = append(b.w.Messages, *m)
	b.msgs.set(m.ID, uint32(len(b.w.Messages)-1)<<1|msgWritten)
	return &b.w.Messages[len(b.w.Messages)-1]
}

// changed returns the copy of a message read by message that the batch
// writes.
func (b *ingestBatch) changed(m *Message) *Message {
	if at, _ := b.msgs.find(m.ID); at&msgWritten != 0 {
		return m
	}
	return b.addMessage(m)
}

// activity appends an activity of the inbox itself; a failure to make
// its ID fails the ingestBatch (see build).
func (b *ingestBatch) activity(conv uuid.UUID, kind ActivityKind, text string) {
	id, err := b.ib.mintID()
	if err != nil {
		b.err = err
		return
	}
	b.w.Activities = append(b.w.Activities, Activity{ID: id, Conversation: conv, At: b.now, Kind: kind, Text: text})
}

// person returns the person an author on a channel is.
func (ib *Inbox) person(channel, authorID string) string {
	if p := ib.identity(channel, authorID); p != "" {
		return p
	}
	return channel + "/" + authorID
}

// mentionTime is when a message was written, as the inbox counts it: its
// CreatedAt, but never after now, and now when unknown.
func mentionTime(m *cmkit.Mention, now time.Time) time.Time {
	if m.CreatedAt.IsZero() || m.CreatedAt.After(now) {
		return now
	}
	return m.CreatedAt
}

// appendAuthorLabel appends how activity texts name a: "@" and the
// handle, else the display name, else the ID.
func appendAuthorLabel(buf []byte, a *cmkit.Author) []byte {
	switch {
	case a.Handle != "":
		return append(append(buf, '@'), a.Handle...)
	case a.DisplayName != "":
		return append(buf, a.DisplayName...)
	}
	return append(buf, a.ID...)
}

// firedRules lists the rules that fired, for activity texts.
func firedRules(t *Triage) string {
	if len(t.Rules) == 0 {
		return "no rule fired"
	}
	s := "rule " + t.Rules[0].Rule
	for _, r := range t.Rules[1:] {
		s += ", " + r.Rule
	}
	return s
}
