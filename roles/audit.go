package roles

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
)

// AuditEvent is what happened, as a service reports it to the audit log.
type AuditEvent struct {
	// Actor is the member who acted ("" for the system).
	Actor string `json:"actor"`
	// Action names what was done: "check", "grant.add", "grant.revoke",
	// "member.put", "member.remove", "approval.approve", ...
	Action string `json:"action"`
	// Permission is the permission checked, when there was one.
	Permission Permission `json:"permission,omitempty"`
	// Resource is what the action was about.
	Resource Resource `json:"resource"`
	// Target names the object acted on (a grant ID, a member ID, an entry).
	Target string `json:"target,omitempty"`
	// Allowed reports whether the action was allowed.
	Allowed bool `json:"allowed"`
	// Reason explains the outcome.
	Reason string `json:"reason,omitempty"`
}

// Record is one entry of the audit log: an AuditEvent with its place in the
// chain. Hash covers every other field and the previous record's hash, so
// changing, removing or reordering a record breaks the chain.
type Record struct {
	// Seq numbers records from 1, without gaps.
	Seq uint64 `json:"seq"`
	// At is when the record was written, in UTC, to the microsecond.
	At time.Time `json:"at"`
	// AuditEvent is what happened.
	AuditEvent
	// Prev is the previous record's Hash ("" for the first).
	Prev string `json:"prev"`
	// Hash is the hex SHA-256 of Prev and this record's other fields.
	Hash string `json:"hash"`
}

// computeHash hashes the record's exact bytes: each field in a fixed
// order, each string prefixed by its length, so no two different records
// (not even two that differ only in a field boundary) hash alike. It does not
// hash a JSON encoding: encoding/json replaces every invalid UTF-8 byte by
// U+FFFD, so "j\xffe" and "j\xfee" would hash alike and an edit between
// them would verify. (Append also refuses invalid UTF-8, so that a store
// keeping records as text stores exactly what was hashed.)
func (r *Record) computeHash() string {
	h := sha256.New()
	var n [8]byte
	num := func(v uint64) {
		binary.BigEndian.PutUint64(n[:], v)
		h.Write(n[:])
	}
	str := func(s string) {
		num(uint64(len(s)))
		h.Write([]byte(s))
	}
	str("cmkit/roles audit record v2")
	num(r.Seq)
	str(r.At.UTC().Format(time.RFC3339Nano))
	e := &r.AuditEvent
	for _, s := range [...]string{e.Actor, e.Action, string(e.Permission), e.Resource.Brand, e.Resource.Channel,
		e.Resource.Country, e.Resource.Product, e.Resource.Topic, e.Target} {
		str(s)
	}
	if e.Allowed {
		num(1)
	} else {
		num(0)
	}
	str(e.Reason)
	str(r.Prev)
	return hex.EncodeToString(h.Sum(nil))
}

// validate refuses an event that is not valid UTF-8, naming the field.
func (e *AuditEvent) validate() error {
	for _, f := range [...]struct{ name, v string }{{"event.actor", e.Actor}, {"event.action", e.Action},
		{"event.permission", string(e.Permission)}, {"event.resource.brand", e.Resource.Brand},
		{"event.resource.channel", e.Resource.Channel}, {"event.resource.country", e.Resource.Country},
		{"event.resource.product", e.Resource.Product}, {"event.resource.topic", e.Resource.Topic},
		{"event.target", e.Target}, {"event.reason", e.Reason}} {
		if !utf8.ValidString(f.v) {
			return cmkit.Invalid(f.name, "utf8", "%q is not valid UTF-8", f.v)
		}
	}
	return nil
}

// AuditStore keeps audit records. It only ever appends.
//
// Implementations must be safe for concurrent use and must pass
// cmkittest.TestAuditStore.
type AuditStore interface {
	// Append stores r. Its Seq must be one more than the last stored (1
	// for an empty store); otherwise Append returns an error wrapping
	// cmkit.ErrConflict and stores nothing, so two writers cannot fork
	// the chain.
	Append(ctx context.Context, r Record) error
	// Last returns the record with the highest Seq, or an error wrapping
	// cmkit.ErrNotFound when the store is empty.
	Last(ctx context.Context) (Record, error)
	// Records yields the records whose Seq is greater than after, in
	// ascending order. Stopping early is allowed.
	Records(ctx context.Context, after uint64) iter.Seq2[Record, error]
}

// ErrTampered is wrapped by every error Verify returns when the log does not
// verify. It wraps cmkit.ErrInvalid.
var ErrTampered = cmkit.Errorf(cmkit.ErrInvalid, "roles: audit log does not verify")

// TamperError says where the audit chain breaks.
type TamperError struct {
	// Seq is the position where the problem was found.
	Seq uint64
	// Problem says what is wrong there.
	Problem string
}

// Error reads "roles: audit log does not verify at record N: PROBLEM".
func (e *TamperError) Error() string {
	return fmt.Sprintf("roles: audit log does not verify at record %d: %s", e.Seq, e.Problem)
}

// Unwrap returns ErrTampered.
func (e *TamperError) Unwrap() error { return ErrTampered }

// Head identifies the end of the chain at one moment. Keep it somewhere the
// log's store cannot reach (another system, a signed report): VerifyHead
// then detects records removed from the end, which the chain alone cannot.
type Head struct {
	// Seq is the last record's Seq (0 for an empty log).
	Seq uint64 `json:"seq"`
	// Hash is the last record's Hash.
	Hash string `json:"hash"`
}

// AuditLog is the tamper-evident, append-only record of what went through
// roles: every decision made with Directory.Check and every change to
// members, grants and approvals. Each record carries the hash of the one
// before it, so Verify detects a record edited, removed or moved.
//
// An AuditLog is safe for concurrent use; records from several processes
// sharing one store stay one chain (Append retries when another writer got
// there first, up to maxAppendAttempts times or until its context ends).
type AuditLog struct {
	store AuditStore
	clock cmkit.Clock
	mu    sync.Mutex
}

// NewAuditLog returns an audit log over store, dated by clock (nil means
// cmkit.SystemClock()).
func NewAuditLog(store AuditStore, clock cmkit.Clock) *AuditLog {
	if clock == nil {
		clock = cmkit.SystemClock()
	}
	return &AuditLog{store: store, clock: clock}
}

// maxAppendAttempts bounds how often Append tries to add one record when
// other writers keep getting there first, so that a store that always
// answers cmkit.ErrConflict (a broken one, or a chain it cannot extend)
// cannot make Append loop forever when the context has no deadline.
const maxAppendAttempts = 100

// Append records e and returns the record as stored. An event with a field
// that is not valid UTF-8 is refused with an error wrapping
// cmkit.ErrInvalid. When the store still answers cmkit.ErrConflict after
// 100 attempts, Append gives up with an error wrapping cmkit.ErrConflict.
func (l *AuditLog) Append(ctx context.Context, e AuditEvent) (Record, error) {
	if err := e.validate(); err != nil {
		return Record{}, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	var conflict error
	for attempt := range maxAppendAttempts {
		last, err := l.store.Last(ctx)
		if err != nil && !errors.Is(err, cmkit.ErrNotFound) {
			return Record{}, fmt.Errorf("roles: audit: %w", err)
		}
		r := Record{Seq: last.Seq + 1, At: l.clock.Now().UTC().Truncate(time.Microsecond), AuditEvent: e, Prev: last.Hash}
		r.Hash = r.computeHash()
		err = l.store.Append(ctx, r)
		if err == nil {
			return r, nil
		}
		if !errors.Is(err, cmkit.ErrConflict) {
			return Record{}, fmt.Errorf("roles: audit: %w", err)
		}
		conflict = err
		// Another writer appended first, so retry (backing off a little
		// under heavy contention) until ctx ends or the attempts run out.
		if attempt >= 3 {
			select {
			case <-ctx.Done():
				return Record{}, fmt.Errorf("roles: audit: %w", ctx.Err())
			case <-time.After(time.Duration(attempt) * 10 * time.Microsecond):
			}
		}
	}
	return Record{}, fmt.Errorf("roles: audit: gave up after %d attempts: %w", maxAppendAttempts, conflict)
}

// Verify walks the whole log and checks the chain: sequence numbers from 1
// without gaps, each record's Prev equal to the previous Hash, and each Hash
// recomputed from the record. It returns the head on success, and otherwise
// a *TamperError (wrapping ErrTampered) for the first break.
func (l *AuditLog) Verify(ctx context.Context) (Head, error) {
	var h Head
	for r, err := range l.store.Records(ctx, 0) {
		if err != nil {
			return h, fmt.Errorf("roles: audit: %w", err)
		}
		switch {
		case r.Seq != h.Seq+1:
			return h, &TamperError{Seq: h.Seq + 1, Problem: fmt.Sprintf("expected record %d, found %d (removed or reordered)", h.Seq+1, r.Seq)}
		case r.Prev != h.Hash:
			return h, &TamperError{Seq: r.Seq, Problem: "does not follow the previous record (removed, reordered or edited)"}
		case r.computeHash() != r.Hash:
			return h, &TamperError{Seq: r.Seq, Problem: "content does not match its hash (edited)"}
		}
		h = Head{Seq: r.Seq, Hash: r.Hash}
	}
	return h, nil
}

// VerifyHead verifies the chain, as Verify does, and also that it still
// reaches an earlier head: the record at want.Seq exists with want.Hash. It
// detects records removed from the end.
func (l *AuditLog) VerifyHead(ctx context.Context, want Head) error {
	if _, err := l.Verify(ctx); err != nil {
		return err
	}
	if want.Seq == 0 {
		return nil
	}
	for r, err := range l.store.Records(ctx, want.Seq-1) {
		if err != nil {
			return fmt.Errorf("roles: audit: %w", err)
		}
		if r.Seq == want.Seq && r.Hash == want.Hash {
			return nil
		}
		break
	}
	return &TamperError{Seq: want.Seq, Problem: "the anchored head is missing (records removed from the end)"}
}

// AuditFilter selects records; zero fields select everything.
type AuditFilter struct {
	// Actor keeps records of this actor.
	Actor string
	// Action keeps records of this action.
	Action string
	// Target keeps records about this target.
	Target string
	// Brand keeps records whose resource is of this brand.
	Brand string
	// Since and Until keep records written in [Since, Until).
	Since, Until time.Time
	// DeniedOnly keeps only denials.
	DeniedOnly bool
}

func (f *AuditFilter) keep(r *Record) bool {
	return (f.Actor == "" || r.Actor == f.Actor) &&
		(f.Action == "" || r.Action == f.Action) &&
		(f.Target == "" || r.Target == f.Target) &&
		(f.Brand == "" || r.Resource.Brand == f.Brand) &&
		(f.Since.IsZero() || !r.At.Before(f.Since)) &&
		(f.Until.IsZero() || r.At.Before(f.Until)) &&
		(!f.DeniedOnly || !r.Allowed)
}

// Records yields the records f selects, oldest first.
func (l *AuditLog) Records(ctx context.Context, f AuditFilter) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for r, err := range l.store.Records(ctx, 0) {
			if err != nil {
				yield(Record{}, fmt.Errorf("roles: audit: %w", err))
				return
			}
			if f.keep(&r) && !yield(r, nil) {
				return
			}
		}
	}
}

// MemoryAuditStore is an AuditStore held in memory: safe for concurrent use,
// complete, and lost with the process. Memory grows with every record.
type MemoryAuditStore struct {
	mu      sync.RWMutex
	records []Record
}

var _ AuditStore = (*MemoryAuditStore)(nil)

// NewMemoryAuditStore returns an empty MemoryAuditStore.
func NewMemoryAuditStore() *MemoryAuditStore { return &MemoryAuditStore{} }

// Append implements AuditStore.
func (s *MemoryAuditStore) Append(ctx context.Context, r Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if want := uint64(len(s.records)) + 1; r.Seq != want {
		return cmkit.Errorf(cmkit.ErrConflict, "roles: audit record %d, want %d", r.Seq, want)
	}
	s.records = append(s.records, r)
	return nil
}

// Last implements AuditStore.
func (s *MemoryAuditStore) Last(ctx context.Context) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if len(s.records) == 0 {
		return Record{}, cmkit.Errorf(cmkit.ErrNotFound, "roles: audit log is empty")
	}
	return s.records[len(s.records)-1], nil
}

// Records implements AuditStore.
func (s *MemoryAuditStore) Records(ctx context.Context, after uint64) iter.Seq2[Record, error] {
	return func(yield func(Record, error) bool) {
		for i := after; ; i++ {
			if err := ctx.Err(); err != nil {
				yield(Record{}, err)
				return
			}
			s.mu.RLock()
			if i >= uint64(len(s.records)) {
				s.mu.RUnlock()
				return
			}
			r := s.records[i]
			s.mu.RUnlock()
			if !yield(r, nil) {
				return
			}
		}
	}
}
