package crisis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// Step sends the pages that are due on the service's clock and returns
// how many the Notifier accepted. Run calls it; a product that runs its
// own loop calls it on a schedule. Each page is recorded (a TimelinePage
// entry) in the same Store.Commit that moves its schedule on, fenced by
// the incident's version, before it is sent: services sharing a store, or
// one restarted, never record a page twice, and a send that fails or
// outlives PageLease is sent again with the same Page.ID. Step also calls
// the StatementPublisher again for statements left publishing whose
// StatementLease ran out (see PublishStatement).
func (s *Service) Step(ctx context.Context) (int, error) {
	now := s.clock.Now()
	due, err := s.store.DuePages(ctx, now)
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, inc := range due {
		n, err := s.page(ctx, inc, now)
		sent += n
		if err != nil {
			errs = append(errs, err)
		}
		if _, err := s.republish(ctx, &inc, now); err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

// Run repeats Step on the service's clock until ctx is done, logging what
// fails, and returns ctx's error.
func (s *Service) Run(ctx context.Context) error {
	for {
		if _, err := s.Step(ctx); err != nil && ctx.Err() == nil {
			s.log.WarnContext(ctx, "crisis step failed", "err", err)
		}
		t := s.clock.NewTimer(s.runEvery)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C():
		}
	}
}

// pageDue sends inc's due pages and returns inc as stored after.
func (s *Service) pageDue(ctx context.Context, inc Incident, now time.Time) (Incident, error) {
	if _, err := s.page(ctx, inc, now); err != nil {
		s.log.WarnContext(ctx, "crisis: paging failed", "incident", inc.ID, "err", err)
	}
	return s.store.Incident(ctx, inc.ID)
}

// PageLease is how long a page's send may take before the service counts
// it lost and sends it again with the same ID; MaxPageAttempts bounds the
// sends of one page.
const (
	PageLease       = 2 * time.Minute
	MaxPageAttempts = 5
)

// page records and sends inc's pages due at now, re-reading inc when
// another writer changed it first, and returns how many the Notifier
// accepted. Each send is claimed, with a lease of PageLease, in the
// version-fenced write that records it; the outcome is written after.
func (s *Service) page(ctx context.Context, inc Incident, now time.Time) (int, error) {
	for range maxRetries {
		sends, entries, changed := s.duePages(&inc, now)
		if !changed {
			return 0, nil
		}
		err := s.store.Commit(ctx, inc, entries...)
		if errors.Is(err, cmkit.ErrConflict) {
			if inc, err = s.store.Incident(ctx, inc.ID); err != nil {
				return 0, err
			}
			continue
		}
		if err != nil {
			return 0, err
		}
		inc.Version++
		results := make([]error, len(sends))
		sent := 0
		for i, p := range sends {
			if results[i] = s.notifier.Page(ctx, p); results[i] == nil {
				sent++
			}
		}
		err = s.confirm(ctx, inc.ID, sends, results)
		for i, p := range sends {
			if results[i] != nil {
				err = errors.Join(err, fmt.Errorf("crisis: page to %+v: %w", p.To, results[i]))
			}
		}
		return sent, err
	}
	return 0, fmt.Errorf("crisis: pages of incident %s: %w: too many concurrent changes", inc.ID, cmkit.ErrConflict)
}

// duePages moves inc's schedules that are due at now to their next slot,
// adding their pages to inc.Unsent with a TimelinePage entry each, then
// claims every unsent page due (new ones, and ones whose lease ran out)
// for one more attempt. It returns the pages to send, the entries, and
// whether inc changed.
func (s *Service) duePages(inc *Incident, now time.Time) ([]Page, []TimelineEntry, bool) {
	if inc.State.Closed() {
		return nil, nil, false
	}
	var entries []TimelineEntry
	changed := false
	if l := s.plan.LevelIndex(inc.Level); l >= 0 && inc.AckedAt.IsZero() {
		lv := &s.plan.Levels[l]
		for i := range inc.Pages {
			p := &inc.Pages[i]
			if p.Next.IsZero() || p.Next.After(now) {
				continue
			}
			changed = true
			due := p.Next
			var to []Responder
			var msg string
			if p.Step < 0 {
				to = lv.Responders
				msg = fmt.Sprintf("crisis %s on %s at level %s: %s (acknowledge within %v)", inc.ID, inc.Brand, inc.Level, inc.Title, lv.AckWithin)
				p.Next = time.Time{}
			} else if p.Step < len(lv.Escalation) {
				st := lv.Escalation[p.Step]
				to = []Responder{st.Responder}
				msg = fmt.Sprintf("crisis %s on %s at level %s: %s, not acknowledged since %s", inc.ID, inc.Brand, inc.Level,
					inc.Title, inc.LevelAt.Format(time.RFC3339))
				p.Next = nextSlot(inc.LevelAt.Add(st.After.D()), st.Repeat.D(), now)
			} else {
				p.Next = time.Time{}
				continue
			}
			p.Sent++
			for _, r := range to {
				if r.Role != "" && r.Scope.Brand == "" {
					r.Scope.Brand = inc.Brand
				}
				e := entry(inc, now, TimelinePage, "", msg)
				e.Step, e.Due, e.To = p.Step, due, &r
				entries = append(entries, e)
				inc.Unsent = append(inc.Unsent, UnsentPage{ID: e.ID, To: r, Message: msg, RetryAt: now})
			}
		}
	}
	var sends []Page
	kept := inc.Unsent[:0]
	for _, u := range inc.Unsent {
		switch {
		case u.RetryAt.After(now):
		case u.Attempts >= MaxPageAttempts:
			e := entry(inc, now, TimelinePageFailed, "", fmt.Sprintf("page %s not confirmed after %d attempts: given up", u.ID, u.Attempts))
			e.To = &u.To
			entries = append(entries, e)
			changed = true
			continue
		default:
			u.Attempts++
			u.RetryAt = now.Add(PageLease)
			sends = append(sends, Page{ID: u.ID, Incident: inc.ID, To: u.To, Message: u.Message, Attempt: u.Attempts})
			changed = true
		}
		kept = append(kept, u)
	}
	inc.Unsent = kept
	inc.NextPage = nextDue(inc)
	return sends, entries, changed
}

// nextDue returns the earliest scheduled page, unsent retry or lease of
// a statement's publisher call of inc: when Step has work for it.
func nextDue(inc *Incident) time.Time {
	next := nextPage(inc.Pages)
	for _, u := range inc.Unsent {
		if next.IsZero() || u.RetryAt.Before(next) {
			next = u.RetryAt
		}
	}
	for i := range inc.Statements {
		st := &inc.Statements[i]
		if st.State == StatementPublishing && !st.PublishLease.IsZero() && (next.IsZero() || st.PublishLease.Before(next)) {
			next = st.PublishLease
		}
	}
	return next
}

// confirm writes the outcome of sends: an accepted page leaves Unsent; a
// failed one stays, due again at once for the next Step, with a
// TimelinePageFailed entry. A page another writer claimed again since
// (its lease ran out) is theirs now and left alone.
func (s *Service) confirm(ctx context.Context, id uuid.UUID, sends []Page, results []error) error {
	for range maxRetries {
		inc, err := s.store.Incident(ctx, id)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		var entries []TimelineEntry
		changed := false
		for i, p := range sends {
			j := slices.IndexFunc(inc.Unsent, func(u UnsentPage) bool { return u.ID == p.ID && u.Attempts == p.Attempt })
			if j < 0 {
				continue
			}
			changed = true
			if results[i] == nil {
				inc.Unsent = slices.Delete(inc.Unsent, j, j+1)
				continue
			}
			inc.Unsent[j].RetryAt = now
			e := entry(&inc, now, TimelinePageFailed, "", fmt.Sprintf("page %s, attempt %d, failed: %v", p.ID, p.Attempt, results[i]))
			e.To = &p.To
			entries = append(entries, e)
		}
		if !changed {
			return nil
		}
		inc.NextPage = nextDue(&inc)
		err = s.store.Commit(ctx, inc, entries...)
		if errors.Is(err, cmkit.ErrConflict) {
			continue
		}
		return err
	}
	return fmt.Errorf("crisis: confirming the pages of incident %s: %w: too many concurrent changes", id, cmkit.ErrConflict)
}

// nextSlot returns the first instant after now on the grid first, first
// + repeat, first + 2·repeat, …; zero when repeat is 0 (a single page).
// The grid is fixed by first, so repeats never drift with when pages
// happen to be sent.
func nextSlot(first time.Time, repeat time.Duration, now time.Time) time.Time {
	if repeat <= 0 {
		return time.Time{}
	}
	k := now.Sub(first)/repeat + 1
	return first.Add(k * repeat)
}
