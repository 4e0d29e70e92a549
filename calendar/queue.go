package calendar

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar/recur"
	"github.com/cmkit/cmkit/roles"
)

// WithSlots sets a channel's posting plan: its weekly slots, the minimum
// gap between its posts and its blackout windows (see recur.Slots). The queue,
// the next-free-slot search and the conflict view use it.
func WithSlots(channel string, s recur.Slots) Option {
	return func(c *Calendar) error {
		if err := s.Validate(); err != nil {
			return err
		}
		if c.slots == nil {
			c.slots = map[string]recur.Slots{}
		}
		c.slots[channel] = s
		return nil
	}
}

// takenStates are the states whose planned time occupies a channel.
var takenStates = []State{Scheduled, Publishing, Published}

// taken returns the planned times on channel within [from, to), leaving out
// the entry skip.
func (c *Calendar) taken(ctx context.Context, channel string, from, to time.Time, skip uuid.UUID) ([]time.Time, error) {
	var out []time.Time
	for e, err := range c.store.Query(ctx, Query{Channel: channel, From: from, To: to, States: takenStates}) {
		if err != nil {
			return nil, err
		}
		if e.ID != skip && e.Scheduled() {
			out = append(out, e.At)
		}
	}
	return out, nil
}

// Scheduled reports whether e holds its planned time on its channels: it
// is scheduled, being published or published, and not paused.
func (e *Entry) Scheduled() bool {
	return slices.Contains(takenStates, e.State) && !e.At.IsZero()
}

// slotHorizonDays bounds the window the queue looks at for taken times.
const slotHorizonDays = 120

// NextSlot returns the first time after after that is a free slot on the
// first channel and keeps every channel's minimum gap and blackouts. The
// first channel needs posting slots (WithSlots).
func (c *Calendar) NextSlot(ctx context.Context, channels []string, after time.Time) (time.Time, error) {
	return c.nextSlot(ctx, channels, after, uuid.Nil)
}

func (c *Calendar) nextSlot(ctx context.Context, channels []string, after time.Time, skip uuid.UUID) (time.Time, error) {
	if len(channels) == 0 {
		return time.Time{}, cmkit.Invalid("channels", "required", "")
	}
	first, ok := c.slots[channels[0]]
	if !ok {
		return time.Time{}, cmkit.Invalid("channel", "no_slots", "channel %q has no posting slots (calendar.WithSlots)", channels[0])
	}
	taken := map[string][]time.Time{}
	for _, ch := range channels {
		gap := c.slots[ch].MinGap
		t, err := c.taken(ctx, ch, after.Add(-gap), after.AddDate(0, 0, slotHorizonDays), skip)
		if err != nil {
			return time.Time{}, err
		}
		slices.SortFunc(t, time.Time.Compare)
		taken[ch] = t
	}
	// The others' plans, each prepared once: a candidate one of them
	// blocks moves the search past what blocks it, so every taken post
	// and blackout is stepped over at most once.
	var others []func(time.Time) (time.Time, bool)
	for _, ch := range channels[1:] {
		if s, ok := c.slots[ch]; ok {
			others = append(others, s.Blocker(taken[ch]))
		}
	}
	from := after
	for {
		t, ok := first.Next(from, taken[channels[0]])
		if !ok {
			break
		}
		next := time.Time{}
		for _, blocked := range others {
			if until, ok := blocked(t); ok && until.After(next) {
				next = until
			}
		}
		if next.IsZero() {
			return t, nil
		}
		from = next.Add(-time.Nanosecond) // Next looks strictly after from
	}
	return time.Time{}, cmkit.Errorf(cmkit.ErrNotFound, "calendar: no free slot on %v after %s", channels, after.Format(time.RFC3339))
}

// NextFree returns the next free slot for e's channels after now. Its
// signature fits Resume's next and PublisherConfig.Reschedule, to move
// missed posts to the queue.
func (c *Calendar) NextFree(e Entry, now time.Time) (time.Time, bool) {
	chs := make([]string, len(e.Variants))
	for i, v := range e.Variants {
		chs[i] = v.Channel
	}
	t, err := c.nextSlot(context.Background(), chs, now, e.ID)
	return t, err == nil
}

// AddToQueue schedules an approved entry in the next free slot of its
// channels after now, as Schedule does (same permission, approval and
// checks, all checked before anything is written). It returns the entry as
// scheduled.
func (c *Calendar) AddToQueue(ctx context.Context, id uuid.UUID, version int64) (Entry, error) {
	e, err := c.mutate(ctx, id, version, false, func(e *Entry, now time.Time) error {
		if e.State != Approved {
			return illegal(e, Scheduled)
		}
		if err := c.check(ctx, roles.SchedulePost, e); err != nil {
			return err
		}
		chs := make([]string, len(e.Variants))
		for i, v := range e.Variants {
			chs[i] = v.Channel
		}
		at, err := c.nextSlot(ctx, chs, now, e.ID)
		if err != nil {
			return err
		}
		e.At = at
		if e.Zone == "" {
			e.Zone = c.slots[chs[0]].Location.String()
		}
		return c.schedule(ctx, e, now)
	})
	if err == nil {
		c.emit(ctx, Event{Kind: EventScheduled, Entry: e.ID, At: c.clock.Now(), Detail: e.At.String()})
	}
	return e, err
}

// ConflictKind says what is wrong in a Conflict.
type ConflictKind string

// The conflict kinds.
const (
	ConflictGap      ConflictKind = "gap"      // two posts closer than the channel's minimum gap
	ConflictBlackout ConflictKind = "blackout" // a post inside a blackout
)

// Conflict is a problem in the plan: two posts on a channel closer than its
// minimum gap, or a post inside a blackout.
type Conflict struct {
	// Kind is what is wrong.
	Kind ConflictKind `json:"kind"`
	// Channel is where.
	Channel string `json:"channel"`
	// Entries are the entries involved, earliest first.
	Entries []uuid.UUID `json:"entries"`
	// At is the (first) entry's planned time.
	At time.Time `json:"at"`
	// Detail explains it.
	Detail string `json:"detail"`
}

// Conflicts lists the conflicts among entries planned in [from, to) on
// channels with posting plans (WithSlots), ordered by time.
func (c *Calendar) Conflicts(ctx context.Context, from, to time.Time) ([]Conflict, error) {
	var out []Conflict
	chans := make([]string, 0, len(c.slots))
	for ch := range c.slots {
		chans = append(chans, ch)
	}
	slices.Sort(chans)
	for _, ch := range chans {
		s := c.slots[ch]
		var prev *Entry
		for e, err := range c.store.Query(ctx, Query{Channel: ch, From: from.Add(-s.MinGap), To: to, States: takenStates}) {
			if err != nil {
				return nil, err
			}
			if !e.Scheduled() {
				continue
			}
			if b, in := s.BlackoutAt(e.At); in && !e.At.Before(from) {
				out = append(out, Conflict{Kind: ConflictBlackout, Channel: ch, Entries: []uuid.UUID{e.ID}, At: e.At,
					Detail: fmt.Sprintf("%q is planned inside a blackout (%s)", e.Title, b.Reason)})
			}
			if prev != nil && e.At.Sub(prev.At) < s.MinGap && !e.At.Before(from) {
				out = append(out, Conflict{Kind: ConflictGap, Channel: ch, Entries: []uuid.UUID{prev.ID, e.ID}, At: prev.At,
					Detail: fmt.Sprintf("%q and %q are %s apart; the channel's minimum gap is %s",
						prev.Title, e.Title, e.At.Sub(prev.At), s.MinGap)})
			}
			cur := e
			prev = &cur
		}
	}
	slices.SortStableFunc(out, func(a, b Conflict) int { return a.At.Compare(b.At) })
	return out, nil
}
