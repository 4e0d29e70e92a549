package promotion

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/google/uuid"
)

// WinnerState says where one prize slot stands (see Winners).
type WinnerState string

// The states of a prize slot. A slot moves from to_notify to sending when a
// notice is claimed, to notified when the notifier confirmed it, and to
// accepted when the winner answers yes. A winner who declines, does not
// answer by the deadline or is disqualified leaves the slot, which goes
// back to to_notify with the next alternate, or to unclaimed when none is
// left. Accepted and unclaimed slots stay as they are, except that an
// accepted winner may still be disqualified.
const (
	// SlotToNotify: the slot has a winner who has not been sent a notice.
	SlotToNotify WinnerState = "to_notify"
	// SlotSending: a notice was claimed (its ID recorded) and the notifier
	// called, or about to be, without a confirmed outcome; it is resent
	// with the same ID until the notifier confirms it.
	SlotSending WinnerState = "sending"
	// SlotNotified: the notifier confirmed the notice; the winner has until
	// the slot's Deadline to answer.
	SlotNotified WinnerState = "notified"
	// SlotAccepted: the winner accepted the prize.
	SlotAccepted WinnerState = "accepted"
	// SlotUnclaimed: every winner and alternate dropped out; the prize is
	// not given.
	SlotUnclaimed WinnerState = "unclaimed"
)

// WinnerEventKind says what a WinnerEvent records.
type WinnerEventKind string

// The kinds of WinnerEvent.
const (
	// WinnerPicked: an entry took a slot (the first winner, or an alternate
	// replacing one who dropped out).
	WinnerPicked WinnerEventKind = "picked"
	// WinnerSending: a notice was claimed before calling the notifier; one
	// event per attempt, all with the slot's notice ID.
	WinnerSending WinnerEventKind = "sending"
	// WinnerSendFailed: the notifier returned an error; Detail says which.
	WinnerSendFailed WinnerEventKind = "send_failed"
	// WinnerNotified: the notifier confirmed the notice; the deadline runs.
	WinnerNotified WinnerEventKind = "notified"
	// WinnerAccepted: the winner accepted.
	WinnerAccepted WinnerEventKind = "accepted"
	// WinnerDeclined: the winner declined.
	WinnerDeclined WinnerEventKind = "declined"
	// WinnerExpired: the winner did not answer by the deadline.
	WinnerExpired WinnerEventKind = "expired"
	// WinnerDisqualified: the winner (or an alternate, Slot -1) was
	// disqualified; Detail is the reason.
	WinnerDisqualified WinnerEventKind = "disqualified"
	// PrizeUnclaimed: a slot lost its winner and no alternate was left.
	PrizeUnclaimed WinnerEventKind = "unclaimed"
	// WinnersAnnounced: the announcement in one language was confirmed by
	// the Announcer; Detail is the language.
	WinnersAnnounced WinnerEventKind = "announced"
)

// WinnerEvent is one thing that happened to the winners, kept in order in
// Winners.Events for the audit log.
type WinnerEvent struct {
	// At is when it happened (UTC). Events are in order of At: a
	// transition given an instant before the last event's is recorded at
	// the last event's instant (see Winners).
	At time.Time `json:"at"`
	// Kind says what happened.
	Kind WinnerEventKind `json:"kind"`
	// Slot is the prize slot's index in Winners.Slots; -1 for an event
	// about an alternate or the announcement.
	Slot int `json:"slot"`
	// Entry is the entry key concerned, if any.
	Entry string `json:"entry,omitempty"`
	// Notice is the notice or announcement ID concerned, if any.
	Notice uuid.UUID `json:"notice,omitzero"`
	// Detail is the disqualification reason, the notifier's error, or the
	// announcement's language.
	Detail string `json:"detail,omitempty"`
}

// Entrant is a winner or alternate: their entry key and where to send them
// a direct message, in which language.
type Entrant struct {
	// Entry is the entry key (Submission.Key).
	Entry string `json:"entry"`
	// Platform is the platform of the channel they entered on.
	Platform cmkit.Platform `json:"platform"`
	// ChannelID is the channel they entered on, where the notice goes.
	ChannelID string `json:"channel_id"`
	// Handle is their handle (without "@"), or their account ID when the
	// platform gave no handle.
	Handle string `json:"handle"`
	// AuthorID is their account's platform ID.
	AuthorID string `json:"author_id"`
	// Language is the BCP 47 tag of the notice's language; empty for the
	// templates' fallback.
	Language string `json:"language,omitempty"`
}

// WinnerSlot is one unit of one prize and who holds it.
type WinnerSlot struct {
	// Prize is the prize's name.
	Prize string `json:"prize"`
	// State is where the slot stands.
	State WinnerState `json:"state"`
	// Winner is the current winner; zero when the slot is unclaimed.
	Winner Entrant `json:"winner,omitzero"`
	// Attempt counts the entries that have held the slot: 1 for the first
	// winner, 2 after the first replacement, and so on.
	Attempt int `json:"attempt"`
	// Notice is the ID of the notice to the current winner, set when the
	// notice is claimed (see NoticeID).
	Notice uuid.UUID `json:"notice,omitzero"`
	// NotifiedAt is when the notifier confirmed the notice.
	NotifiedAt time.Time `json:"notified_at,omitzero"`
	// Deadline is NotifiedAt plus the response time: the first instant at
	// which an answer is too late.
	Deadline time.Time `json:"deadline,omitzero"`
	// AcceptedAt is when the winner accepted.
	AcceptedAt time.Time `json:"accepted_at,omitzero"`
}

// Winners follows the winners of one promotion from the draw (or the
// contest's ranking) to the announcement: who holds each prize, who is
// notified and until when, who accepted, and the alternates waiting their
// turn. Build it with WinnersFromDraw or WinnersFromStandings.
//
// It is a plain value that round-trips through JSON, so a store keeps it
// as it is. Its methods are pure transitions: they take the instant from
// the caller (the service's clock), never do I/O, and on bad input return
// an error and change nothing. SendNotices and AnnounceWinners do the I/O
// around them.
//
// Every prize unit is a slot. When a winner declines (Decline), is
// disqualified (Disqualify) or lets the deadline pass (Expire), the first
// alternate left takes the slot at once; the alternates are used strictly
// in the order drawn (or ranked), and an entry that left never comes back.
// When no alternate is left the slot is unclaimed.
//
// Time never runs backwards in the record: a transition given an instant
// before the last event's uses the last event's instant instead, so a
// clock that jumps back cannot bring an expired winner back or let a late
// answer in.
//
// A Winners is not safe for concurrent use: the service that keeps it
// loads, changes and stores it under its store's version check.
type Winners struct {
	// Promotion is the promotion's ID.
	Promotion string `json:"promotion"`
	// Brand is the promotion's brand, for the messages.
	Brand string `json:"brand"`
	// Zone is the promotion's IANA zone, in which messages show times.
	Zone string `json:"zone"`
	// ResponseTime is how long a winner has to answer, counted from when
	// the notice was confirmed sent (in JSON, nanoseconds).
	ResponseTime time.Duration `json:"response_time"`
	// Slots are the prize units, in the order of the promotion's prizes.
	Slots []WinnerSlot `json:"slots"`
	// Alternates are the entries still waiting, first in line first.
	Alternates []Entrant `json:"alternates"`
	// Events is what happened, in order; it only grows.
	Events []WinnerEvent `json:"events"`
}

// WinnerOptions are the settings of WinnersFromDraw and
// WinnersFromStandings.
type WinnerOptions struct {
	// ResponseTime is how long a winner has to answer once notified;
	// between one minute and 90 days. Required.
	ResponseTime time.Duration
	// Languages maps entry keys to the BCP 47 tag of the language to write
	// to them in (for example the language of their entry,
	// cmkit.Mention.Language); optional.
	Languages map[string]string
}

// The bounds of WinnerOptions.ResponseTime.
const (
	minResponseTime = time.Minute
	maxResponseTime = 90 * 24 * time.Hour
)

// WinnersFromDraw starts following a giveaway's winners: the record's
// winners take the prize slots in order (the promotion's prizes, each
// repeated Quantity times), and its alternates wait in the order drawn.
// subs are the promotion's submissions (Entries.All), which say whom to
// write to; every winner and alternate must be an accepted one. The record
// must have one winner per slot, or fewer and no alternates, as Draw gives
// when fewer entries than prize units were drawn from (every entry won, and
// the last slots are unclaimed from the start). The promotion must be a
// giveaway. now is when the slots are filled.
func WinnersFromDraw(p Promotion, rec DrawRecord, subs []Submission, opts WinnerOptions, now time.Time) (Winners, error) {
	if p.Kind != KindGiveaway {
		return Winners{}, cmkit.Invalid("kind", "mismatch", "a draw picks a giveaway's winners, not a %s's", p.Kind)
	}
	if n := slotCount(p.Prizes); (len(rec.Winners) > n || len(rec.Winners) < n && len(rec.Alternates) > 0) && p.validate() == nil {
		return Winners{}, cmkit.Invalid("winners", "count", "%d winners for %d prize units, with %d alternates",
			len(rec.Winners), n, len(rec.Alternates))
	}
	return newWinners(p, rec.Winners, rec.Alternates, subs, opts, now)
}

// WinnersFromStandings starts following a contest's winners: the best
// ranked entries take the prize slots in order, and the rest wait as
// alternates in ranking order. With fewer standings than slots the last
// slots are unclaimed from the start. Standings are ordered by Place (each
// place once); the promotion must be a contest; subs and now are as for
// WinnersFromDraw.
func WinnersFromStandings(p Promotion, standings []Standing, subs []Submission, opts WinnerOptions, now time.Time) (Winners, error) {
	if p.Kind != KindContest {
		return Winners{}, cmkit.Invalid("kind", "mismatch", "a ranking picks a contest's winners, not a %s's", p.Kind)
	}
	st := slices.Clone(standings)
	slices.SortStableFunc(st, func(a, b Standing) int { return a.Place - b.Place })
	for i := 1; i < len(st); i++ {
		if st[i].Place == st[i-1].Place {
			return Winners{}, cmkit.Invalid("standings", "duplicate", "place %d appears twice", st[i].Place)
		}
	}
	keys := make([]string, len(st))
	for i, s := range st {
		keys[i] = s.Entry
	}
	n := min(slotCount(p.Prizes), len(keys))
	return newWinners(p, keys[:n], keys[n:], subs, opts, now)
}

func slotCount(prizes []Prize) int {
	n := 0
	for _, pr := range prizes {
		n += max(pr.Quantity, 0)
	}
	return n
}

func newWinners(p Promotion, winners, alternates []string, subs []Submission, opts WinnerOptions, now time.Time) (Winners, error) {
	if err := p.validate(); err != nil {
		return Winners{}, err
	}
	if opts.ResponseTime < minResponseTime || opts.ResponseTime > maxResponseTime {
		return Winners{}, cmkit.Invalid("response_time", "range", "%v, between %v and %v", opts.ResponseTime, minResponseTime, maxResponseTime)
	}
	for key, lang := range opts.Languages {
		if lang != "" && !validLanguage(lang) {
			return Winners{}, cmkit.Invalid("languages["+key+"]", "format", "%q is not a BCP 47 language tag", lang)
		}
	}
	bySub := make(map[string]*Submission, len(subs))
	for i := range subs {
		k := subs[i].Key()
		if _, dup := bySub[k]; !dup {
			bySub[k] = &subs[i]
		}
	}
	seen := make(map[string]string, len(winners)+len(alternates))
	entrant := func(field, key string) (Entrant, error) {
		if prev, dup := seen[key]; dup {
			return Entrant{}, cmkit.Invalid(field, "duplicate", "%q is also %s", key, prev)
		}
		seen[key] = field
		s := bySub[key]
		switch {
		case s == nil:
			return Entrant{}, cmkit.Invalid(field, "unknown", "%q is not among the submissions", key)
		case !s.Accepted:
			return Entrant{}, cmkit.Invalid(field, "rejected", "%q was rejected (%s)", key, s.Reason)
		}
		handle := s.AuthorHandle
		if handle == "" {
			handle = s.AuthorID
		}
		return Entrant{Entry: key, Platform: s.Platform, ChannelID: s.ChannelID, Handle: handle,
			AuthorID: s.AuthorID, Language: opts.Languages[key]}, nil
	}
	var picked []Entrant
	for i, k := range winners {
		e, err := entrant("winners["+strconv.Itoa(i)+"]", k)
		if err != nil {
			return Winners{}, err
		}
		picked = append(picked, e)
	}
	alts := make([]Entrant, 0, len(alternates))
	for i, k := range alternates {
		e, err := entrant("alternates["+strconv.Itoa(i)+"]", k)
		if err != nil {
			return Winners{}, err
		}
		alts = append(alts, e)
	}
	t := now.UTC()
	w := Winners{Promotion: p.ID, Brand: p.Brand, Zone: p.Zone, ResponseTime: opts.ResponseTime,
		Alternates: alts, Events: []WinnerEvent{}}
	for _, pr := range p.Prizes {
		for range pr.Quantity {
			i := len(w.Slots)
			w.Slots = append(w.Slots, WinnerSlot{Prize: pr.Name})
			if i < len(picked) {
				w.Slots[i] = WinnerSlot{Prize: pr.Name, State: SlotToNotify, Winner: picked[i], Attempt: 1}
				w.event(t, WinnerPicked, i, picked[i].Entry, uuid.Nil, "")
			} else {
				w.Slots[i].State = SlotUnclaimed
				w.event(t, PrizeUnclaimed, i, "", uuid.Nil, "no entry left")
			}
		}
	}
	return w, nil
}

// validLanguage reports whether tag looks like a BCP 47 tag: a primary
// subtag of 2 or 3 letters, then subtags of 1 to 8 letters or digits.
func validLanguage(tag string) bool {
	for i, sub := range strings.Split(tag, "-") {
		if len(sub) < 1 || len(sub) > 8 || (i == 0 && (len(sub) < 2 || len(sub) > 3)) {
			return false
		}
		for _, c := range sub {
			isLetter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
			if !isLetter && (i == 0 || c < '0' || c > '9') {
				return false
			}
		}
	}
	return true
}

// noticeNamespace is the UUID namespace of notice and announcement IDs.
var noticeNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/cmkit/cmkit/promotion/winners"))

// NoticeID returns the ID of the notice to entry for prize slot slot of
// promotion: a version 5 UUID of the three, so every attempt to send that
// notice, before and after a crash or a restart, carries the same ID, and a
// notifier that remembers the IDs it delivered can drop a repeat. An entry
// holds at most one slot, once, so the ID names one notice.
func NoticeID(promotion string, slot int, entry string) uuid.UUID {
	return uuid.NewSHA1(noticeNamespace, []byte("notice\n"+promotion+"\n"+strconv.Itoa(slot)+"\n"+entry))
}

// event appends an event at t.
func (w *Winners) event(t time.Time, kind WinnerEventKind, slot int, entry string, notice uuid.UUID, detail string) {
	w.Events = append(w.Events, WinnerEvent{At: t, Kind: kind, Slot: slot, Entry: entry, Notice: notice, Detail: detail})
}

// instant returns now in UTC, or the last event's instant if now is
// before it.
func (w *Winners) instant(now time.Time) time.Time {
	t := now.UTC()
	if n := len(w.Events); n > 0 && t.Before(w.Events[n-1].At) {
		return w.Events[n-1].At
	}
	return t
}

// replace gives slot i to the first alternate left, or leaves it
// unclaimed.
func (w *Winners) replace(t time.Time, i int) {
	s := &w.Slots[i]
	if len(w.Alternates) == 0 {
		*s = WinnerSlot{Prize: s.Prize, State: SlotUnclaimed, Attempt: s.Attempt}
		w.event(t, PrizeUnclaimed, i, "", uuid.Nil, "no alternate left")
		return
	}
	next := w.Alternates[0]
	w.Alternates = slices.Delete(w.Alternates, 0, 1)
	*s = WinnerSlot{Prize: s.Prize, State: SlotToNotify, Winner: next, Attempt: s.Attempt + 1}
	w.event(t, WinnerPicked, i, next.Entry, uuid.Nil, "")
}

// current returns the index of the slot entry holds, or an error saying
// why it holds none: ErrNotFound for an entry the winners never had,
// ErrConflict for one that left or is an alternate.
func (w *Winners) current(entry string) (int, error) {
	for i := range w.Slots {
		if w.Slots[i].State != SlotUnclaimed && w.Slots[i].Winner.Entry == entry {
			return i, nil
		}
	}
	if ev, ok := w.left(entry); ok {
		return -1, cmkit.Errorf(cmkit.ErrConflict, "promotion: entry %q already %s at %s", entry, ev.Kind, ev.At.Format(time.RFC3339))
	}
	if slices.ContainsFunc(w.Alternates, func(e Entrant) bool { return e.Entry == entry }) {
		return -1, cmkit.Errorf(cmkit.ErrConflict, "promotion: entry %q is an alternate, not a winner", entry)
	}
	return -1, cmkit.Errorf(cmkit.ErrNotFound, "promotion: entry %q is not among the winners", entry)
}

// left returns the event in which entry left, if it did.
func (w *Winners) left(entry string) (WinnerEvent, bool) {
	for _, ev := range w.Events {
		switch ev.Kind {
		case WinnerDeclined, WinnerExpired, WinnerDisqualified:
			if ev.Entry == entry {
				return ev, true
			}
		}
	}
	return WinnerEvent{}, false
}

// answerable returns the slot of a winner who may answer at t.
func (w *Winners) answerable(entry string, t time.Time) (int, error) {
	i, err := w.current(entry)
	if err != nil {
		return -1, err
	}
	s := &w.Slots[i]
	switch s.State {
	case SlotAccepted:
		return -1, cmkit.Errorf(cmkit.ErrConflict, "promotion: entry %q already accepted at %s", entry, s.AcceptedAt.Format(time.RFC3339))
	case SlotToNotify:
		return -1, cmkit.Errorf(cmkit.ErrConflict, "promotion: entry %q has not been notified yet", entry)
	case SlotNotified:
		if !t.Before(s.Deadline) {
			return -1, cmkit.Errorf(cmkit.ErrConflict, "promotion: entry %q answered at %s, after the deadline %s",
				entry, t.Format(time.RFC3339), s.Deadline.Format(time.RFC3339))
		}
	}
	return i, nil
}

// Accept records that the winner of entry accepted the prize at now. The
// winner must hold a slot whose notice was sent (or is being sent: an
// answer shows it arrived), and answer before the deadline. An unknown
// entry is ErrNotFound; accepting twice, a late answer, an entry that left
// or an alternate is ErrConflict.
func (w *Winners) Accept(entry string, now time.Time) error {
	t := w.instant(now)
	i, err := w.answerable(entry, t)
	if err != nil {
		return err
	}
	s := &w.Slots[i]
	s.State, s.AcceptedAt = SlotAccepted, t
	w.event(t, WinnerAccepted, i, entry, s.Notice, "")
	return nil
}

// Decline records that the winner of entry declined at now; the next
// alternate takes the slot. It fails as Accept does.
func (w *Winners) Decline(entry string, now time.Time) error {
	t := w.instant(now)
	i, err := w.answerable(entry, t)
	if err != nil {
		return err
	}
	w.event(t, WinnerDeclined, i, entry, w.Slots[i].Notice, "")
	w.replace(t, i)
	return nil
}

// Disqualify removes entry at now for reason (required, for the audit
// log): a winner in any state, accepted included, is replaced by the next
// alternate at once, and an alternate leaves the queue. An unknown entry is
// ErrNotFound; one that already left is ErrConflict.
func (w *Winners) Disqualify(entry, reason string, now time.Time) error {
	if strings.TrimSpace(reason) == "" {
		return cmkit.Invalid("reason", "required", "say why %q is disqualified", entry)
	}
	t := w.instant(now)
	if j := slices.IndexFunc(w.Alternates, func(e Entrant) bool { return e.Entry == entry }); j >= 0 {
		w.Alternates = slices.Delete(w.Alternates, j, j+1)
		w.event(t, WinnerDisqualified, -1, entry, uuid.Nil, reason)
		return nil
	}
	i, err := w.current(entry)
	if err != nil {
		return err
	}
	w.event(t, WinnerDisqualified, i, entry, w.Slots[i].Notice, reason)
	w.replace(t, i)
	return nil
}

// Expire replaces, at now, every notified winner whose deadline is not
// after now (a deadline is the first instant that is too late), in slot
// order, and returns their entries. Slots being sent have no deadline yet
// and never expire.
func (w *Winners) Expire(now time.Time) []string {
	t := w.instant(now)
	var gone []string
	for i := range w.Slots {
		s := &w.Slots[i]
		if s.State == SlotNotified && !t.Before(s.Deadline) {
			gone = append(gone, s.Winner.Entry)
			w.event(t, WinnerExpired, i, s.Winner.Entry, s.Notice, "no answer by "+s.Deadline.Format(time.RFC3339))
			w.replace(t, i)
		}
	}
	return gone
}

// Due returns the slots whose winner is owed a notice: those to notify and
// those whose notice was claimed but not confirmed (to resend with the
// same ID), in slot order.
func (w *Winners) Due() []int {
	var due []int
	for i := range w.Slots {
		if st := w.Slots[i].State; st == SlotToNotify || st == SlotSending {
			due = append(due, i)
		}
	}
	return due
}

// Claim records at now, before a notifier is called, that the notice to
// slot i's winner is being sent, and returns its ID (NoticeID). A slot to
// notify moves to sending; a slot already sending stays so and keeps its
// ID (a retry). Each call adds a WinnerSending event. Any other state is
// ErrConflict; an index out of range, ErrNotFound.
func (w *Winners) Claim(i int, now time.Time) (uuid.UUID, error) {
	if i < 0 || i >= len(w.Slots) {
		return uuid.Nil, cmkit.Errorf(cmkit.ErrNotFound, "promotion: no prize slot %d (%d slots)", i, len(w.Slots))
	}
	s := &w.Slots[i]
	if s.State != SlotToNotify && s.State != SlotSending {
		return uuid.Nil, cmkit.Errorf(cmkit.ErrConflict, "promotion: prize slot %d is %s, nothing to send", i, s.State)
	}
	t := w.instant(now)
	s.State, s.Notice = SlotSending, NoticeID(w.Promotion, i, s.Winner.Entry)
	w.event(t, WinnerSending, i, s.Winner.Entry, s.Notice, "")
	return s.Notice, nil
}

// Sent records that the notifier confirmed notice id at now: the slot is
// notified and its deadline is now plus the response time. So the deadline
// counts from the confirmed send, and is never earlier than the one a
// notice built at its claim stated. A notice to a winner who has since
// left, or one already confirmed, is ErrConflict; an unknown ID,
// ErrNotFound; the nil UUID, ErrInvalid.
func (w *Winners) Sent(id uuid.UUID, now time.Time) error {
	i, err := w.sending(id)
	if err != nil {
		return err
	}
	t := w.instant(now)
	s := &w.Slots[i]
	s.State, s.NotifiedAt, s.Deadline = SlotNotified, t, t.Add(w.ResponseTime)
	w.event(t, WinnerNotified, i, s.Winner.Entry, id, "")
	return nil
}

// SendFailed records at now that sending notice id failed with cause; the
// slot stays sending, to be resent with the same ID. It fails as Sent
// does.
func (w *Winners) SendFailed(id uuid.UUID, cause error, now time.Time) error {
	i, err := w.sending(id)
	if err != nil {
		return err
	}
	detail := "unknown error"
	if cause != nil {
		detail = cause.Error()
	}
	w.event(w.instant(now), WinnerSendFailed, i, w.Slots[i].Winner.Entry, id, detail)
	return nil
}

// sending returns the slot whose notice id is being sent.
func (w *Winners) sending(id uuid.UUID) (int, error) {
	if id == uuid.Nil {
		return -1, cmkit.Invalid("notice", "required", "the notice ID is the nil UUID")
	}
	for i := range w.Slots {
		if w.Slots[i].Notice == id && w.Slots[i].State != SlotUnclaimed {
			if w.Slots[i].State != SlotSending {
				return -1, cmkit.Errorf(cmkit.ErrConflict, "promotion: notice %s is already %s", id, w.Slots[i].State)
			}
			return i, nil
		}
	}
	for _, ev := range w.Events {
		if ev.Notice == id {
			return -1, cmkit.Errorf(cmkit.ErrConflict, "promotion: notice %s went to %q, who no longer holds the prize", id, ev.Entry)
		}
	}
	return -1, cmkit.Errorf(cmkit.ErrNotFound, "promotion: no notice %s", id)
}

// Complete reports whether every slot is accepted or unclaimed: the
// winners can be announced.
func (w *Winners) Complete() bool {
	for _, s := range w.Slots {
		if s.State != SlotAccepted && s.State != SlotUnclaimed {
			return false
		}
	}
	return true
}

// Accepted returns the accepted winners' entrants, in slot order, with
// their slots' prizes.
func (w *Winners) Accepted() (entrants []Entrant, prizes []string) {
	for _, s := range w.Slots {
		if s.State == SlotAccepted {
			entrants = append(entrants, s.Winner)
			prizes = append(prizes, s.Prize)
		}
	}
	return entrants, prizes
}

// String summarizes the slots, one a line, for logs and examples.
func (w *Winners) String() string {
	var b strings.Builder
	for i, s := range w.Slots {
		fmt.Fprintf(&b, "%d %s: %s", i, s.Prize, s.State)
		if s.State != SlotUnclaimed {
			fmt.Fprintf(&b, " %s", s.Winner.Entry)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
