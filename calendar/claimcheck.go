package calendar

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// recoverCutOff settles the attempts a claim finds still "sending": the
// publisher that made them lost its lease (it died, or outlived it), so
// each call's outcome is unknown. On a channel that can be retried safely
// the variant is pending again (a lookup channel looks first); otherwise
// it waits for a person. This runs before any other check, so that an
// entry held or expired at this claim does not keep a variant sending.
func (j *job) recoverCutOff(now time.Time) {
	for i := range j.e.Variants {
		v := &j.e.Variants[i]
		if v.State != Sending {
			continue
		}
		a := &v.Attempts[len(v.Attempts)-1]
		a.Outcome, a.Error = OutcomeAmbiguous, "the publisher lost its lease during the call"
		v.State = Pending
		ch, ok := j.p.cal.channels[v.Channel]
		if !ok || !j.p.mayRetryAmbiguous(ch.Info(), ch) {
			j.unknown(v, errors.New("a publish was cut off and the channel cannot be retried safely"))
		}
	}
}

// lateBase is the instant lateness counts from: the planned time, or a
// person's later release of the entry.
func lateBase(e *Entry) time.Time {
	if e.ReleasedAt.After(e.At) {
		return e.ReleasedAt
	}
	return e.At
}

// capLateness brings the next claim of an entry forward to just past its
// lateness limit when a retry would come later (a long backoff or a
// platform's Retry-After), so that the missed-post policy decides then,
// with an event, instead of the post going out arbitrarily late.
func (j *job) capLateness() {
	p, e := j.p, &j.e
	if p.maxLate <= 0 || p.late == PublishMissed || e.State != Publishing || e.DueAt.IsZero() {
		return
	}
	if limit := lateBase(e).Add(p.maxLate + time.Second); e.DueAt.After(limit) {
		e.DueAt = limit
	}
}

// claimChecks runs the checks that must hold every time an entry is
// claimed: its state, pauses, approval of its current content on every
// channel, lateness and the send-time checks of its unsent variants. It
// reports stop when nothing may be published now, having set the entry's
// new state, and the pause that holds it, if one does.
func (j *job) claimChecks(ctx context.Context, now time.Time) (stop bool, pause string, err error) {
	p, e := j.p, &j.e
	switch e.State {
	case Scheduled, Publishing:
	case InReview:
		j.expire(ctx, now)
		return true, "", nil
	default:
		e.DueAt = time.Time{}
		return true, "", nil
	}
	pauses, err := p.cal.store.Pauses(ctx)
	if err != nil {
		return false, "", err
	}
	for i := range pauses {
		if p.cal.holds(&pauses[i], e) {
			e.PausedBy, e.DueAt = pauses[i].ID, time.Time{}
			j.emit(Event{Kind: EventHeld, Entry: e.ID, At: now, Detail: "paused by " + pauses[i].ID})
			return true, pauses[i].ID, nil
		}
	}
	st, err := p.cal.team.ApprovalStatus(ctx, p.cal.policy, p.cal.item(e), e.Approvals)
	if err != nil {
		return false, "", err
	}
	if !st.Approved {
		if e.State == Scheduled {
			j.expire(ctx, now)
		} else {
			j.hold(now, "its approval no longer holds", "needs approval again")
		}
		return true, "", nil
	}
	if late := now.Sub(lateBase(e)); p.maxLate > 0 && late > p.maxLate && p.late != PublishMissed {
		if p.late == MoveMissed {
			if t, ok := p.next(*e, now); ok {
				e.At, e.DueAt = t, t
				e.History = append(e.History, Transition{At: now, By: p.name, From: e.State, To: e.State,
					Note: "too late; moved to " + t.Format(time.RFC3339)})
				return true, "", nil
			}
		}
		j.hold(now, fmt.Sprintf("claimed %s after its time", late.Round(time.Second)), "too late to publish")
		return true, "", nil
	}
	// Counting on our side, again, right before sending.
	if _, err := p.cal.validate(ctx, e); err != nil {
		var ce *CheckError
		if !errors.As(err, &ce) {
			return false, "", err
		}
		rejected := false
		for _, f := range ce.Findings {
			if v := e.Variant(f.Channel); v != nil && !v.State.done() && v.State != Sending {
				v.State, v.Error = Rejected, f.Check+" "+f.Rule+": "+f.Message
				rejected = true
			}
		}
		if rejected {
			if e.State == Scheduled {
				e.transition(Publishing, p.name, now, "")
			}
			settle(e, p.name, now, "failed its checks at send time")
			j.emit(Event{Kind: EventFailed, Entry: e.ID, At: now, Err: err})
			if e.State != Publishing {
				return true, "", nil
			}
		}
	}
	if e.State == Scheduled {
		e.transition(Publishing, p.name, now, "")
	}
	return false, "", nil
}

// hold stops an entry for a person: too late, or no longer approved.
func (j *job) hold(now time.Time, note, detail string) {
	e := &j.e
	e.DueAt = time.Time{}
	e.transition(Held, j.p.name, now, note)
	j.emit(Event{Kind: EventHeld, Entry: e.ID, At: now, Detail: detail})
}

// expire ends an entry that still needs approval at its time, telling
// whoever could approve it.
func (j *job) expire(ctx context.Context, now time.Time) {
	p, e := j.p, &j.e
	var notify []string
	if st, err := p.cal.team.ApprovalStatus(ctx, p.cal.policy, p.cal.item(e), e.Approvals); err == nil {
		for _, s := range st.Open() {
			for _, m := range s.CanApprove {
				if !slices.Contains(notify, m) {
					notify = append(notify, m)
				}
			}
		}
	}
	e.DueAt = time.Time{}
	e.transition(Expired, p.name, now, "not approved at its time")
	j.emit(Event{Kind: EventExpired, Entry: e.ID, At: now, Notify: notify, Detail: "needs approval"})
}
