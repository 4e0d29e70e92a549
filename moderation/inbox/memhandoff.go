package inbox

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/cmkit/cmkit"
)

// MemoryHandoff is a Handoff that keeps tickets in memory, by Key: for
// tests, examples and demos. It is idempotent on Key as the Handoff
// contract asks (a known Key updates its ticket and returns its
// reference), counts calls and updates, and fails on demand (Fail). It is
// safe for concurrent use.
type MemoryHandoff struct {
	mu      sync.Mutex
	tickets map[string]*memTicket
	order   []string // keys, in creation order
	calls   int
	fail    []error
}

type memTicket struct {
	t       Ticket
	updates int
}

var _ Handoff = (*MemoryHandoff)(nil)

// NewMemoryHandoff returns an empty MemoryHandoff.
func NewMemoryHandoff() *MemoryHandoff {
	return &MemoryHandoff{tickets: map[string]*memTicket{}}
}

// Handoff creates the ticket t.Key, or updates it, and returns its
// reference ("T-1", "T-2", ... in creation order). A queued failure (see
// Fail) is returned instead; one wrapping cmkit.ErrAmbiguous is returned
// after the ticket is stored, as a lost answer would be. An empty Key is
// an error wrapping cmkit.ErrInvalid.
func (h *MemoryHandoff) Handoff(ctx context.Context, t Ticket) (string, error) {
	if err := cmkit.NotSent(ctx); err != nil {
		return "", err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls++
	var fail error
	if len(h.fail) > 0 {
		fail, h.fail = h.fail[0], h.fail[1:]
		if cmkit.Classify(fail) != cmkit.Ambiguous {
			return "", fail
		}
	}
	if t.Key == "" {
		return "", cmkit.Invalid("ticket.key", "required", "a ticket needs its idempotency key")
	}
	t.Labels = slices.Clone(t.Labels)
	t.Messages = slices.Clone(t.Messages)
	mt, ok := h.tickets[t.Key]
	if ok {
		t.Ref = mt.t.Ref
		mt.t = t
		mt.updates++
	} else {
		h.order = append(h.order, t.Key)
		t.Ref = fmt.Sprintf("T-%d", len(h.order))
		h.tickets[t.Key] = &memTicket{t: t}
	}
	if fail != nil {
		return "", fail
	}
	return t.Ref, nil
}

// Fail queues errors for the next calls, one per call, in order.
func (h *MemoryHandoff) Fail(errs ...error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.fail = append(h.fail, errs...)
}

// Ticket returns the ticket with the given key as last sent, with Ref set
// to its reference, and how many times it was updated after it was
// created; false when there is none.
func (h *MemoryHandoff) Ticket(key string) (t Ticket, updates int, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	mt, ok := h.tickets[key]
	if !ok {
		return Ticket{}, 0, false
	}
	t = mt.t
	t.Labels = slices.Clone(t.Labels)
	t.Messages = slices.Clone(t.Messages)
	return t, mt.updates, true
}

// Keys returns the keys of the tickets, in creation order.
func (h *MemoryHandoff) Keys() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.order)
}

// Calls returns how many calls Handoff received, failed ones included.
func (h *MemoryHandoff) Calls() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.calls
}
