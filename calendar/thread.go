package calendar

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/cmkit/cmkit"
)

// A thread is a variant with Variant.Thread set: its Post, then each post
// of Thread as a reply to the one before it. The publisher sends one part
// at a time, in order, each behind its own write fence (an attempt tagged
// with the part, recorded as "sending" before the call) and idempotent on
// its own Post.ID, so a thread cut short by a failure or a crash resumes
// at the part that was not out, and never sends a part again that is.
// Each part follows the variant's rules for ambiguous outcomes, lookups
// and retries on its own attempts. The variant's Receipt is the first
// part's, Replies holds the others', and the variant is sent once all
// are; one "published" event then reports the whole thread.

// partsOut returns how many parts of v's thread are out: the first once v
// has a receipt, then one per reply receipt.
func partsOut(v *Variant) int {
	if v.Receipt == (cmkit.Receipt{}) {
		return 0
	}
	return 1 + len(v.Replies)
}

// part returns part k of v's thread: Post for 0, then Thread[k-1].
func part(v *Variant, k int) cmkit.Post {
	if k == 0 {
		return v.Post
	}
	return v.Thread[k-1]
}

// parent returns the receipt of the part before part k (k > 0).
func parent(v *Variant, k int) cmkit.Receipt {
	if k == 1 {
		return v.Receipt
	}
	return v.Replies[k-2]
}

// recordPart records that part k of v is out with receipt rc, and reports
// whether it was the last; v is then sent, or pending for the next part.
func recordPart(v *Variant, k int, rc cmkit.Receipt) (last bool) {
	if rc == (cmkit.Receipt{}) { // an adapter that gave no receipt: the part is out all the same
		rc.PostID, rc.ChannelID = part(v, k).ID, v.Channel
	}
	if k == 0 {
		v.Receipt = rc
	} else {
		v.Replies = append(v.Replies, rc)
	}
	v.Error, v.NextAt = "", time.Time{}
	if k < len(v.Thread) {
		v.State = Pending
		return false
	}
	v.State = Sent
	return true
}

// checkThread checks a thread variant at schedule and send time: the
// channel can publish threads, and each part after the first keeps the
// channel's limits (the first is checked as every post is).
func checkThread(e *Entry, v *Variant, ch cmkit.Channel, info cmkit.ChannelInfo) ([]CheckFinding, error) {
	if _, ok := ch.(cmkit.ThreadPublisher); !ok {
		return nil, fmt.Errorf("calendar: entry %s: a thread of %d posts: %w", e.ID, len(v.Thread)+1,
			&cmkit.UnsupportedError{Channel: v.Channel, Capability: cmkit.CapThread, Detail: "the channel does not implement cmkit.ThreadPublisher"})
	}
	var findings []CheckFinding
	var buf [8]cmkit.Finding
	for k, p := range v.Thread {
		for _, f := range info.Limits.CheckPost(buf[:0], p) {
			findings = append(findings, limitFinding(v.Channel, info.Platform, f, p, k+1))
		}
	}
	return findings, nil
}

// resolvePart records a person's finding that the part in doubt of thread
// variant v is out at platformID.
func resolvePart(e *Entry, v *Variant, platformID string, now time.Time) error {
	k := partsOut(v)
	if k > len(v.Thread) {
		return cmkit.Errorf(cmkit.ErrConflict, "calendar: the thread on %s of entry %s is out", v.Channel, e.ID)
	}
	if k < len(v.Thread) && platformID == "" {
		return cmkit.Invalid("platform_id", "required", "part %d of the thread on %s is followed by a reply to it", k+1, v.Channel)
	}
	if !recordPart(v, k, cmkit.Receipt{PostID: part(v, k).ID, ChannelID: v.Channel, PlatformID: platformID, PublishedAt: now}) &&
		e.State != Cancelled {
		v.NextAt, e.ReleasedAt = now, now
	}
	return nil
}

// publishThread publishes the parts of thread variant i that are not out,
// in order, until one fails or must wait.
func (j *job) publishThread(ctx context.Context, i int) error {
	for ctx.Err() == nil {
		more, err := j.publishPart(ctx, i, partsOut(&j.e.Variants[i]))
		if err != nil || !more {
			return err
		}
	}
	return nil // shutting down: the lease's end makes the entry due again
}

// publishPart makes at most one platform call for part k of thread variant
// i (or one lookup and one call), as publishVariant does for a post, and
// reports whether the part is out and another follows.
func (j *job) publishPart(ctx context.Context, i, k int) (more bool, err error) {
	p, e := j.p, &j.e
	v := &e.Variants[i]
	if k > len(v.Thread) {
		v.State = Sent
		return false, nil
	}
	ch, ok := p.cal.channels[v.Channel]
	if !ok {
		v.State, v.Error = Rejected, "channel not registered with this calendar"
		return false, nil
	}
	tp, ok := ch.(cmkit.ThreadPublisher)
	switch {
	case !ok:
		v.State, v.Error = Rejected, (&cmkit.UnsupportedError{Channel: v.Channel, Capability: cmkit.CapThread}).Error()
		return false, nil
	case k > 0 && parent(v, k).PlatformID == "":
		j.unknown(v, fmt.Errorf("part %d of the thread cannot reply to part %d, whose platform ID is unknown: publish the rest by hand", k+1, k))
		return false, nil
	}
	info := ch.Info()
	now := p.cal.clock.Now()
	if wait := p.wait(v.Channel, now); wait > 0 {
		v.NextAt = now.Add(wait)
		return false, nil
	}
	// While an ambiguous attempt at this part may be out, a lookup channel
	// looks first.
	if pv, at := partView(v, k); info.RetrySafety == cmkit.RetryAfterLookup && mayBeOut(&pv, len(pv.Attempts)) {
		mark := len(j.events)
		done := j.lookup(&pv, ch)
		j.applyPart(v, k, &pv, at, mark)
		if done {
			return pv.State == Sent && k < len(v.Thread), nil
		}
	}
	// The write fence, as in publishVariant.
	now = p.cal.clock.Now()
	a := Attempt{ID: cmkit.NewID(), At: now, Publisher: p.name, Outcome: OutcomeSending, Part: k}
	v.State = Sending
	v.Attempts = append(v.Attempts, a)
	lease := Lease{Owner: p.name, Expires: now.Add(p.lease)}
	e.Lease, e.DueAt = lease, lease.Expires
	if err := j.put(ctx); err != nil {
		return false, err
	}
	v = &e.Variants[i]
	pv, at := partView(v, k)
	callCtx, done := p.callContext(ctx)
	var rc cmkit.Receipt
	if k == 0 {
		rc, err = ch.Publish(callCtx, pv.Post)
	} else {
		rc, err = tp.PublishReply(callCtx, parent(v, k), pv.Post)
	}
	done()
	mark := len(j.events)
	j.outcome(&pv, info, ch, rc, err)
	j.applyPart(v, k, &pv, at, mark)
	more = pv.State == Sent && k < len(v.Thread)
	events := slices.Clone(j.events)
	if err := j.put(ctx); err == nil {
		return more, nil
	}
	// The entry changed meanwhile, or the store failed: the answer is
	// merged onto a fresh read (see mergeAcceptedPart).
	return false, p.mergeOutcome(ctx, e.ID, *v, a.ID, lease, events)
}

// partView returns part k of thread variant v as a variant of its own, for
// the helpers publishVariant uses (lookup, outcome): the part's post, aimed
// at the part before it, with the variant's state and the part's attempts
// only, so that retry limits and ambiguity count per part. at maps its
// attempts to their indexes in v.Attempts.
func partView(v *Variant, k int) (pv Variant, at []int) {
	pv = Variant{Channel: v.Channel, Post: part(v, k).Clone(), State: v.State, NextAt: v.NextAt, Error: v.Error}
	if k > 0 {
		pv.Post.InReplyTo = parent(v, k).PlatformID
	}
	for n, a := range v.Attempts {
		if a.Part == k {
			pv.Attempts = append(pv.Attempts, a)
			at = append(at, n)
		}
	}
	return pv, at
}

// applyPart writes back onto v what was done to pv, the view of part k:
// its attempts, and its state, which becomes the variant's. A part that
// is out is recorded; its own "published" event (events from mark on) is
// replaced by one for the whole thread when it was the last part.
func (j *job) applyPart(v *Variant, k int, pv *Variant, at []int, mark int) {
	for n, a := range pv.Attempts {
		a.Part = k
		if n < len(at) {
			v.Attempts[at[n]] = a
		} else {
			v.Attempts = append(v.Attempts, a)
		}
	}
	if pv.State != Sent {
		v.State, v.NextAt, v.Error = pv.State, pv.NextAt, pv.Error
		return
	}
	kept := slices.DeleteFunc(j.events[mark:], func(ev Event) bool { return ev.Kind == EventPublished })
	j.events = j.events[:mark+len(kept)]
	j.partSent(v, k, pv.Receipt)
}

// partSent records part k of v as out, with an event once the thread is.
func (j *job) partSent(v *Variant, k int, rc cmkit.Receipt) {
	if recordPart(v, k, rc) {
		j.emit(Event{Kind: EventPublished, Entry: j.e.ID, Channel: v.Channel, At: j.p.cal.clock.Now(), Receipt: v.Receipt,
			Detail: fmt.Sprintf("a thread of %d posts", len(v.Thread)+1)})
	}
}

// mergeAcceptedPart records on fv, a fresh read of a thread variant, that
// part k was accepted with the receipt ours holds for it (mergeOutcome's
// accepted answer, for a thread). A part already recorded is left as is.
func (j *job) mergeAcceptedPart(fv, ours *Variant, k int) {
	if partsOut(fv) != k || partsOut(ours) <= k {
		return
	}
	rc := ours.Receipt
	if k > 0 {
		rc = ours.Replies[k-1]
	}
	j.partSent(fv, k, rc)
}
