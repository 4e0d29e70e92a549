package promotion_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/promotion"
	"github.com/google/uuid"
)

// simEntries are the entries of the simulation: the first three win the
// three prize units of prizeDraw, the rest are alternates in draw order.
var simEntries = []string{"ana", "bea", "carl", "dana", "eva", "fede", "gosia", "hugo"}

// winnersSim drives one seeded scenario: people answer at random, the
// clock jumps forward and back, the notifier fails, loses answers and
// crashes mid-call, and the process restarts from its store.
type winnersSim struct {
	t     *testing.T
	seed  uint64
	step  int
	rng   *rand.Rand
	clock *cmkittest.Clock
	w     promotion.Winners
	st    *store
	box   *dmBox
	tpl   *promotion.WinnerTemplates

	prev       promotion.Winners // the winners after the previous step
	out        map[string]bool   // entries that left
	alternates []string          // the alternates in draw order
	expiredAt  time.Time         // when this step ran Expire (SendNotices does too); zero if it did not
}

func newWinnersSim(t *testing.T, seed uint64) *winnersSim {
	rng := rand.New(rand.NewPCG(seed, 17))
	nAlt := rng.IntN(len(simEntries) - 2)
	rec := promotion.DrawRecord{Winners: wkeys(simEntries[:3]...), Alternates: wkeys(simEntries[3 : 3+nAlt]...)}
	langs := map[string]string{}
	for _, h := range simEntries {
		langs[key(h)] = []string{"", "en", "es", "pl-PL", "de"}[rng.IntN(5)]
	}
	w, err := promotion.WinnersFromDraw(prizeDraw(), rec, winnerSubs(), promotion.WinnerOptions{ResponseTime: respond, Languages: langs}, w0)
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	s := &winnersSim{t: t, seed: seed, rng: rng, clock: cmkittest.NewClock(w0), w: w, st: &store{}, box: &dmBox{},
		tpl: promotion.DefaultWinnerTemplates(), out: map[string]bool{}, alternates: rec.Alternates}
	s.save()
	s.prev = s.clone(s.w)
	return s
}

func (s *winnersSim) fatalf(format string, args ...any) {
	s.t.Helper()
	s.t.Fatalf("seed %d step %d: %s\nslots:\n%s", s.seed, s.step, fmt.Sprintf(format, args...), s.w.String())
}

func (s *winnersSim) save() {
	if err := s.st.save(context.Background(), &s.w); err != nil {
		s.fatalf("save: %v", err)
	}
}

// clone copies w deeply (its slices hold plain values).
func (s *winnersSim) clone(w promotion.Winners) promotion.Winners {
	w.Slots, w.Alternates, w.Events = slices.Clone(w.Slots), slices.Clone(w.Alternates), slices.Clone(w.Events)
	return w
}

// anyEntry returns a random entry key, sometimes one nobody entered.
func (s *winnersSim) anyEntry() string {
	if s.rng.IntN(10) == 0 {
		return "x:zoe:m-zoe"
	}
	return key(simEntries[s.rng.IntN(len(simEntries))])
}

// answer applies a person's (or the organizer's) action; an error must
// leave the winners as they were.
func (s *winnersSim) answer() {
	before := s.clone(s.w)
	entry, now := s.anyEntry(), s.clock.Now()
	if s.rng.IntN(4) != 0 { // mostly, someone who holds a slot
		if sl := s.w.Slots[s.rng.IntN(len(s.w.Slots))]; sl.Winner.Entry != "" {
			entry = sl.Winner.Entry
		}
	}
	var err error
	switch r := s.rng.IntN(12); {
	case r < 6:
		err = s.w.Accept(entry, now)
	case r < 10:
		err = s.w.Decline(entry, now)
	default:
		reason := "bot"
		if s.rng.IntN(8) == 0 {
			reason = ""
		}
		err = s.w.Disqualify(entry, reason, now)
	}
	if err != nil {
		if !errors.Is(err, cmkit.ErrNotFound) && !errors.Is(err, cmkit.ErrConflict) && !errors.Is(err, cmkit.ErrInvalid) {
			s.fatalf("unclassified error: %v", err)
		}
		if !reflect.DeepEqual(before, s.clone(s.w)) {
			s.fatalf("a failed call (%v) changed the winners", err)
		}
		return
	}
	s.save()
}

// send runs SendNotices with a notifier that misbehaves at random: it
// fails before sending, sends but reports a failure (a timeout after the
// platform acted), or crashes the caller's goroutine before or after
// sending, after which the process restarts from its store.
func (s *winnersSim) send() {
	down := errors.New("platform down")
	s.box.fail, s.box.after = nil, nil
	lose := false
	switch s.rng.IntN(6) {
	case 1:
		s.box.fail = func(context.Context, promotion.WinnerNotice) error { return down }
	case 2:
		lose = true
	case 3:
		s.box.fail = func(context.Context, promotion.WinnerNotice) error { runtime.Goexit(); return nil }
	case 4:
		s.box.after = runtime.Goexit
	}
	done := make(chan error, 1)
	go func() {
		defer close(done)
		done <- promotion.SendNotices(context.Background(), &s.w, s.clock, s.tpl, &lossyNotifier{inner: s.box, lose: lose}, s.st.save)
	}()
	err, returned := <-done
	if !returned { // the goroutine died mid-call
		s.w = s.st.load(s.t)
		return
	}
	if err != nil && !errors.Is(err, down) && !errors.Is(err, errLost) {
		s.fatalf("SendNotices: %v", err)
	}
	s.expiredAt = s.clock.Now()
}

var errLost = errors.New("answer lost")

// lossyNotifier sends through inner and, with lose, reports a failure
// anyway, as a timeout after the platform acted does.
type lossyNotifier struct {
	inner *dmBox
	lose  bool
}

func (n *lossyNotifier) Notify(ctx context.Context, wn promotion.WinnerNotice) error {
	if err := n.inner.Notify(ctx, wn); err != nil {
		return err
	}
	if n.lose {
		return errLost
	}
	return nil
}

func (s *winnersSim) tick() {
	switch r := s.rng.IntN(10); {
	case r < 6:
		s.clock.Advance(time.Duration(s.rng.Int64N(int64(30 * time.Hour))))
	case r < 8:
		s.clock.Advance(respond + time.Duration(s.rng.IntN(3)-1)*time.Second)
	default: // the clock jumps back
		s.clock.Advance(-time.Duration(s.rng.Int64N(int64(48 * time.Hour))))
	}
}

func (s *winnersSim) run(steps int) {
	for s.step = 0; s.step < steps; s.step++ {
		s.expiredAt = time.Time{}
		switch r := s.rng.IntN(12); {
		case r < 3:
			s.tick()
		case r < 7:
			s.answer()
		case r < 10:
			s.send()
		case r < 11:
			now := s.clock.Now()
			s.w.Expire(now)
			s.expiredAt = now
			s.save()
		default: // restart: the process reloads what it stored
			s.w = s.st.load(s.t)
		}
		s.check()
		s.prev = s.clone(s.w)
	}
}

// check asserts the invariants.
func (s *winnersSim) check() {
	w := &s.w
	// The event list only grows, in time order.
	if len(w.Events) < len(s.prev.Events) || !reflect.DeepEqual(s.prev.Events, w.Events[:len(s.prev.Events)]) {
		s.fatalf("the event list is not an extension of the previous one")
	}
	for i := 1; i < len(w.Events); i++ {
		if w.Events[i].At.Before(w.Events[i-1].At) {
			s.fatalf("event %d goes back in time", i)
		}
	}
	// Entries that left; nobody accepts twice.
	acceptedBy := map[string]bool{}
	for _, ev := range w.Events {
		switch ev.Kind {
		case promotion.WinnerAccepted:
			if acceptedBy[ev.Entry] {
				s.fatalf("%s accepted twice", ev.Entry)
			}
			acceptedBy[ev.Entry] = true
		case promotion.WinnerDeclined, promotion.WinnerExpired, promotion.WinnerDisqualified:
			s.out[ev.Entry] = true
		}
	}
	holders := map[string]int{}
	accepted := map[string]int{}
	for i, sl := range w.Slots {
		if (sl.State == promotion.SlotUnclaimed) != (sl.Winner.Entry == "") {
			s.fatalf("slot %d is %s with winner %q", i, sl.State, sl.Winner.Entry)
		}
		if sl.Winner.Entry == "" {
			continue
		}
		if j, dup := holders[sl.Winner.Entry]; dup {
			s.fatalf("%s holds slots %d and %d", sl.Winner.Entry, j, i)
		}
		holders[sl.Winner.Entry] = i
		if s.out[sl.Winner.Entry] {
			s.fatalf("%s left and came back to slot %d", sl.Winner.Entry, i)
		}
		if sl.State == promotion.SlotAccepted {
			accepted[sl.Prize]++
		}
		if sl.State == promotion.SlotNotified {
			if !sl.Deadline.Equal(sl.NotifiedAt.Add(w.ResponseTime)) {
				s.fatalf("slot %d: deadline %v is not notified-at %v plus the response time", i, sl.Deadline, sl.NotifiedAt)
			}
			// Right after Expire ran at an instant, no deadline is at or
			// before it. (A notice sent later, after the clock jumped
			// back, may have a deadline before an instant Expire saw
			// earlier: its deadline counts from that clock.)
			if !s.expiredAt.IsZero() && !s.expiredAt.Before(sl.Deadline) {
				s.fatalf("slot %d still notified at %v, after its deadline %v passed", i, s.expiredAt, sl.Deadline)
			}
		}
		if sl.Notice != uuid.Nil && sl.Notice != promotion.NoticeID(w.Promotion, i, sl.Winner.Entry) {
			s.fatalf("slot %d: notice ID %s is not derived from the slot and entry", i, sl.Notice)
		}
	}
	for _, pr := range prizeDraw().Prizes {
		if accepted[pr.Name] > pr.Quantity {
			s.fatalf("%d accepted %q, only %d", accepted[pr.Name], pr.Name, pr.Quantity)
		}
	}
	// The alternates left are the draw's, in order, minus those used or
	// out; the ones used were used in draw order.
	var left []string
	for _, a := range w.Alternates {
		if _, holds := holders[a.Entry]; holds || s.out[a.Entry] {
			s.fatalf("alternate %s also holds a slot or left", a.Entry)
		}
		left = append(left, a.Entry)
	}
	last := -1
	for _, e := range left {
		j := slices.Index(s.alternates, e)
		if j <= last {
			s.fatalf("alternates out of draw order: %v", left)
		}
		last = j
	}
	lastPicked := -1
	for _, ev := range w.Events {
		if ev.Kind != promotion.WinnerPicked {
			continue
		}
		if j := slices.Index(s.alternates, ev.Entry); j >= 0 {
			if j <= lastPicked {
				s.fatalf("alternate %s picked out of draw order", ev.Entry)
			}
			lastPicked = j
		}
	}
	for _, e := range left {
		if slices.Index(s.alternates, e) < lastPicked {
			s.fatalf("alternate %s was skipped", e)
		}
	}
	// Every event about a notice carries that slot and entry's stable ID,
	// and every delivered notice went to an entry while it held the slot.
	for _, ev := range w.Events {
		if ev.Notice != uuid.Nil && ev.Slot >= 0 && ev.Notice != promotion.NoticeID(w.Promotion, ev.Slot, ev.Entry) {
			s.fatalf("event %+v has an unstable notice ID", ev)
		}
	}
	perSlot := map[int][]string{}
	for _, id := range s.box.order {
		n := s.box.delivered[id]
		if n.ID != promotion.NoticeID(w.Promotion, n.Slot, n.Entry) {
			s.fatalf("delivered notice %s is not derived from its slot and entry", n.ID)
		}
		perSlot[n.Slot] = append(perSlot[n.Slot], n.Entry)
	}
	for slot, entries := range perSlot {
		for k, e := range entries[:len(entries)-1] {
			if !s.out[e] {
				s.fatalf("slot %d: %s was notified after %s, who had not left", slot, entries[k+1], e)
			}
		}
	}
}

func TestWinnersSimulation(t *testing.T) {
	seeds, steps := uint64(300), 120
	if testing.Short() {
		seeds = 100
	}
	for seed := range seeds {
		newWinnersSim(t, seed).run(steps)
	}
}
