package inbox

import (
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// storedMessage is a Message as MemoryStore keeps it: what every
// message holds inline, and behind a pointer, nil when all are zero,
// what only outbound, edited or moderated messages hold. Most stored
// messages are plain inbound ones, so the store writes, keeps and scans
// about a third less per message.
type storedMessage struct {
	ID           uuid.UUID
	Version      uint64
	Conversation uuid.UUID
	Seq          int
	Direction    Direction
	Mention      cmkit.Mention
	Triage       Triage
	ReceivedAt   time.Time
	rest         *messageRest
}

// messageRest is the part of a stored message that is usually zero.
type messageRest struct {
	Edits    []Edit
	By       string
	Delivery Delivery
	Receipt  cmkit.Receipt
	Attempts int
	Waiting  bool
	Action   ModAction
}

// messageFields is how many fields storedMessage.set and get carry: a
// test checks that Message has no others.
const messageFields = 15

// set stores m, sharing what its slices hold.
func (s *storedMessage) set(m *Message) {
	s.ID, s.Version, s.Conversation, s.Seq, s.Direction = m.ID, m.Version, m.Conversation, m.Seq, m.Direction
	s.Mention, s.Triage, s.ReceivedAt = m.Mention, m.Triage, m.ReceivedAt
	if m.Edits == nil && m.By == "" && m.Delivery == "" && m.Receipt == (cmkit.Receipt{}) && m.Attempts == 0 && !m.Waiting && m.Action == (ModAction{}) {
		s.rest = nil
		return
	}
	s.rest = &messageRest{Edits: m.Edits, By: m.By, Delivery: m.Delivery, Receipt: m.Receipt, Attempts: m.Attempts, Waiting: m.Waiting, Action: m.Action}
}

// get returns the message stored, sharing what its slices hold.
func (s *storedMessage) get() Message {
	m := Message{ID: s.ID, Version: s.Version, Conversation: s.Conversation, Seq: s.Seq, Direction: s.Direction,
		Mention: s.Mention, Triage: s.Triage, ReceivedAt: s.ReceivedAt}
	if r := s.rest; r != nil {
		m.Edits, m.By, m.Delivery, m.Receipt, m.Action = r.Edits, r.By, r.Delivery, r.Receipt, r.Action
		m.Attempts, m.Waiting = r.Attempts, r.Waiting
	}
	return m
}

// copy returns a copy of the message stored that shares nothing with
// the store.
func (s *storedMessage) copy() Message {
	m := s.get()
	deepenMessage(&m)
	return m
}

// deepenMessage replaces what m's slices hold with copies.
func deepenMessage(m *Message) {
	m.Triage = cloneTriage(m.Triage)
	m.Edits = slices.Clone(m.Edits)
	for i := range m.Edits {
		m.Edits[i].Triage = cloneTriage(m.Edits[i].Triage)
	}
}
