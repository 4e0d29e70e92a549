package calendar

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// MissedPolicy says what happens, on resume, to a held entry whose time
// passed during the pause. There is no silent choice: Resume takes one.
type MissedPolicy int

// The missed-post policies.
const (
	// HoldMissed leaves each missed entry in state held, for a person to
	// reschedule or cancel. Entries whose time has not come resume as
	// planned.
	HoldMissed MissedPolicy = iota + 1
	// PublishMissed publishes missed entries from now on, paced one per
	// channel per minimum gap (its posting plan's MinGap, or 5 minutes),
	// oldest first, rather than in one burst.
	PublishMissed
	// MoveMissed moves each missed entry to Resume's `next` function's
	// answer (the channel's next free slot).
	MoveMissed
)

// String names the policy.
func (p MissedPolicy) String() string {
	switch p {
	case HoldMissed:
		return "hold"
	case PublishMissed:
		return "publish"
	case MoveMissed:
		return "move"
	}
	return fmt.Sprintf("MissedPolicy(%d)", int(p))
}

// pauseResource is the roles resource a pause covers: its channel's, when
// it names a registered channel, else its brand and channel as given.
func (c *Calendar) pauseResource(p *Pause) roles.Resource {
	if ch, ok := c.channels[p.Channel]; ok {
		return roles.ResourceOf(ch.Info())
	}
	return roles.Resource{Brand: p.Brand, Channel: p.Channel}
}

// Pause holds every entry p covers that is not yet sent, at once and until
// Resume: the whole calendar, a brand, a channel or a campaign (the crisis
// package calls it). The acting member needs roles.CancelPost on the
// pause's brand and channel. Held entries keep their state; the publisher
// also checks pauses when it claims an entry, so nothing slips through
// between the two.
func (c *Calendar) Pause(ctx context.Context, p Pause) (Pause, error) {
	if p.ID == "" {
		return Pause{}, cmkit.Invalid("pause.id", "required", "")
	}
	if err := c.knownScope(&p); err != nil {
		return Pause{}, err
	}
	if err := c.team.Check(ctx, roles.CancelPost, c.pauseResource(&p)); err != nil {
		return Pause{}, err
	}
	p.By, p.At = actor(ctx), c.clock.Now()
	if err := c.store.PutPause(ctx, p); err != nil {
		return Pause{}, err
	}
	held := 0
	for e, err := range c.store.Query(ctx, Query{States: []State{Scheduled, Publishing, Approved, InReview, Draft}}) {
		if err != nil {
			return p, err
		}
		if e.PausedBy != "" || !c.holds(&p, &e) {
			continue
		}
		if _, err := c.retry(ctx, e, func(e *Entry, now time.Time) bool {
			if e.PausedBy != "" || !c.holds(&p, e) {
				return false
			}
			e.PausedBy, e.DueAt = p.ID, time.Time{}
			return true
		}); err != nil {
			return p, err
		}
		held++
	}
	c.emit(ctx, Event{Kind: EventPaused, At: p.At, Detail: fmt.Sprintf("pause %s holds %d entries: %s", p.ID, held, p.Reason)})
	return p, nil
}

// knownScope refuses a pause of a channel that is not registered or of a
// brand no registered channel has: such a pause would hold nothing, and a
// crisis button that silently holds nothing is worse than an error.
func (c *Calendar) knownScope(p *Pause) error {
	if p.Channel != "" {
		if _, ok := c.channels[p.Channel]; !ok {
			return cmkit.Invalid("pause.channel", "unknown", "no channel %q is registered", p.Channel)
		}
	}
	if p.Brand == "" {
		return nil
	}
	for _, ch := range c.channels {
		if ch.Info().Brand == p.Brand {
			return nil
		}
	}
	return cmkit.Invalid("pause.brand", "unknown", "no registered channel is of brand %q (brands are matched exactly)", p.Brand)
}

// Resume ends a pause. Entries it held go back to the publisher, unless
// another pause still holds them; those whose time passed meanwhile follow
// missed, and next (required for MoveMissed) gives the new time for an
// entry. The acting member needs roles.CancelPost as for Pause. It returns
// how many entries were released.
func (c *Calendar) Resume(ctx context.Context, id string, missed MissedPolicy, next func(e Entry, now time.Time) (time.Time, bool)) (int, error) {
	if missed < HoldMissed || missed > MoveMissed {
		return 0, cmkit.Invalid("missed", "unknown", "choose HoldMissed, PublishMissed or MoveMissed")
	}
	if missed == MoveMissed && next == nil {
		return 0, cmkit.Invalid("next", "required", "MoveMissed needs a function that finds the next slot")
	}
	pauses, err := c.store.Pauses(ctx)
	if err != nil {
		return 0, err
	}
	var p *Pause
	var others []Pause
	for i := range pauses {
		if pauses[i].ID == id {
			p = &pauses[i]
		} else {
			others = append(others, pauses[i])
		}
	}
	if p == nil {
		return 0, cmkit.Errorf(cmkit.ErrNotFound, "calendar: pause %q not found", id)
	}
	if err := c.team.Check(ctx, roles.CancelPost, c.pauseResource(p)); err != nil {
		return 0, err
	}
	if err := c.store.DeletePause(ctx, id); err != nil {
		return 0, err
	}
	released := 0
	paced := map[string]time.Time{} // per channel: the last time given to a missed post
	for e, err := range c.store.Query(ctx, Query{PausedBy: id}) {
		if err != nil {
			return released, err
		}
		if _, err := c.retry(ctx, e, func(e *Entry, now time.Time) bool {
			if e.PausedBy != id {
				return false
			}
			if !c.holdByAny(e, others) {
				c.release(e, now, missed, next, paced)
			}
			return true
		}); err != nil {
			return released, err
		}
		released++
	}
	c.emit(ctx, Event{Kind: EventResumed, At: c.clock.Now(), Detail: fmt.Sprintf("pause %s released %d entries (missed: %s)", id, released, missed)})
	return released, nil
}

// release makes a held entry due again, applying the missed policy.
func (c *Calendar) release(e *Entry, now time.Time, missed MissedPolicy, next func(Entry, time.Time) (time.Time, bool), paced map[string]time.Time) {
	if e.State != Scheduled && e.State != Publishing {
		return // not yet scheduled: nothing is due
	}
	if e.State == Publishing {
		// Retries resume now; the publisher's lateness limit still decides
		// whether they may go out, unless a person releases them.
		e.DueAt = now
		if missed == PublishMissed {
			e.ReleasedAt = now
		}
		return
	}
	if !e.At.Before(now) {
		e.DueAt = e.At
		return
	}
	switch missed {
	case PublishMissed:
		// Now, but paced: one post per channel per gap, never a burst.
		at := now
		for _, v := range e.Variants {
			if last, ok := paced[v.Channel]; ok && last.Add(c.resumeGap(v.Channel)).After(at) {
				at = last.Add(c.resumeGap(v.Channel))
			}
		}
		for _, v := range e.Variants {
			paced[v.Channel] = at
		}
		e.History = append(e.History, Transition{At: now, By: "resume", From: e.State, To: e.State,
			Note: "missed during a pause; moved to " + at.Format(time.RFC3339)})
		e.At, e.DueAt = at, at
	case MoveMissed:
		if t, ok := next(*e, now); ok {
			e.At, e.DueAt = t, t
			e.History = append(e.History, Transition{At: now, By: "resume", From: e.State, To: e.State,
				Note: "moved to " + t.Format(time.RFC3339) + " after a pause"})
			return
		}
		fallthrough
	default:
		e.DueAt = time.Time{}
		e.transition(Held, "resume", now, "its time passed during a pause")
	}
}

// defaultResumeGap paces missed posts published on resume on a channel
// without a posting plan.
const defaultResumeGap = 5 * time.Minute

// resumeGap is the pace for missed posts on channel: its plan's minimum
// gap, or defaultResumeGap.
func (c *Calendar) resumeGap(channel string) time.Duration {
	if s, ok := c.slots[channel]; ok && s.MinGap > 0 {
		return s.MinGap
	}
	return defaultResumeGap
}

// holds reports whether pause p holds e: e is of p's campaign when p names
// one, and some variant not yet out is on a channel p covers (p's channel,
// or a channel of p's brand, by the channel's own brand).
func (c *Calendar) holds(p *Pause, e *Entry) bool {
	if p.Campaign != "" && e.Campaign != p.Campaign {
		return false
	}
	for _, v := range e.Variants {
		switch {
		case v.State.done(),
			p.Channel != "" && v.Channel != p.Channel,
			p.Brand != "" && c.brandOf(e, v.Channel) != p.Brand:
			continue
		}
		return true
	}
	return false
}

// brandOf is the brand of an entry's channel: the channel's own, when it
// is registered.
func (c *Calendar) brandOf(e *Entry, channel string) string {
	if ch, ok := c.channels[channel]; ok {
		return ch.Info().Brand
	}
	return e.Brand
}

// holdByAny marks e as held by the first of pauses that holds it, or by
// none, and reports whether one does.
func (c *Calendar) holdByAny(e *Entry, pauses []Pause) bool {
	e.PausedBy = ""
	for i := range pauses {
		if c.holds(&pauses[i], e) {
			e.PausedBy = pauses[i].ID
			return true
		}
	}
	return false
}

// unholdIfResumed releases an entry the publisher has just marked as held
// by pause id, if that pause was resumed meanwhile. Resume deletes a pause
// before it releases the entries marked with it, so an entry marked in
// between would otherwise stay held by a pause that no longer exists.
func (c *Calendar) unholdIfResumed(ctx context.Context, e Entry, id string) error {
	pauses, err := c.store.Pauses(ctx)
	if err != nil {
		return err
	}
	if slices.ContainsFunc(pauses, func(p Pause) bool { return p.ID == id }) {
		return nil
	}
	_, err = c.retry(ctx, e, func(e *Entry, now time.Time) bool {
		if e.PausedBy != id {
			return false
		}
		if c.holdByAny(e, pauses) {
			return true
		}
		switch e.State {
		case Scheduled:
			e.DueAt = e.At
		case Publishing:
			e.DueAt = now
		}
		return true
	})
	return err
}

// holdIfPaused marks e as held when a stored pause covers it.
func (c *Calendar) holdIfPaused(ctx context.Context, e *Entry) error {
	pauses, err := c.store.Pauses(ctx)
	if err != nil {
		return err
	}
	for i := range pauses {
		if c.holds(&pauses[i], e) {
			e.PausedBy, e.DueAt = pauses[i].ID, time.Time{}
			return nil
		}
	}
	return nil
}

// maxRetries bounds how often retry re-applies a change that keeps
// meeting a concurrent writer.
const maxRetries = 200

// retry applies fn to e and writes it, re-reading and re-applying when a
// concurrent writer (the publisher) got there first, backing off a little,
// up to maxRetries times or until ctx ends. fn reports whether it changed
// anything.
func (c *Calendar) retry(ctx context.Context, e Entry, fn func(e *Entry, now time.Time) bool) (Entry, error) {
	for attempt := 0; attempt < maxRetries; attempt++ {
		now := c.clock.Now()
		if !fn(&e, now) {
			return e, nil
		}
		e.UpdatedAt = now
		stored, err := c.store.Put(ctx, e)
		if err == nil {
			return stored, nil
		}
		if !errors.Is(err, cmkit.ErrConflict) {
			return Entry{}, err
		}
		if attempt >= 3 {
			if err := cmkit.Sleep(ctx, cmkit.SystemClock(), time.Duration(min(attempt, 100))*10*time.Microsecond); err != nil {
				return Entry{}, err
			}
		}
		if e, err = c.store.Get(ctx, e.ID); err != nil {
			return Entry{}, err
		}
	}
	return Entry{}, cmkit.Errorf(cmkit.ErrConflict, "calendar: entry %s changed under every one of %d writes", e.ID, maxRetries)
}
