package crisis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cmkit/cmkit"
)

// Step sends the pages that are due on the service's clock, each once,
// and returns how many it sent. Run calls it; a product that runs its own
// loop calls it on a schedule. Each page is recorded (a TimelinePage
// entry) in the same Store.Commit that moves its schedule on, fenced by
// the incident's version, before it is sent: services sharing a store, or
// one restarted, never send a page twice.
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

// page records and sends inc's pages due at now, re-reading inc when
// another writer changed it first, and returns how many it sent.
func (s *Service) page(ctx context.Context, inc Incident, now time.Time) (int, error) {
	for range maxRetries {
		sends, entries := s.duePages(&inc, now)
		if len(entries) == 0 {
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
		var errs []error
		for i, sd := range sends {
			if err := s.notifier.Page(ctx, sd.to, sd.message); err != nil {
				errs = append(errs, fmt.Errorf("crisis: page to %+v: %w", sd.to, err))
				s.recordFailure(ctx, &inc, entries[i], err)
			}
		}
		return len(sends), errors.Join(errs...)
	}
	return 0, fmt.Errorf("crisis: pages of incident %s: %w: too many concurrent changes", inc.ID, cmkit.ErrConflict)
}

// send is one page to send.
type send struct {
	to      Responder
	message string
}

// duePages moves inc's schedules that are due at now to their next slot
// and returns the pages to send with their timeline entries, one each.
func (s *Service) duePages(inc *Incident, now time.Time) ([]send, []TimelineEntry) {
	if inc.State.Closed() || !inc.AckedAt.IsZero() {
		return nil, nil
	}
	idx := s.plan.LevelIndex(inc.Level)
	if idx < 0 {
		return nil, nil
	}
	l := &s.plan.Levels[idx]
	var sends []send
	var entries []TimelineEntry
	for i := range inc.Pages {
		p := &inc.Pages[i]
		if p.Next.IsZero() || p.Next.After(now) {
			continue
		}
		due := p.Next
		var to []Responder
		var msg string
		if p.Step < 0 {
			to = l.Responders
			msg = fmt.Sprintf("crisis %s on %s at level %s: %s (acknowledge within %v)", inc.ID, inc.Brand, inc.Level, inc.Title, l.AckWithin)
			p.Next = time.Time{}
		} else if p.Step < len(l.Escalation) {
			st := l.Escalation[p.Step]
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
			sends = append(sends, send{to: r, message: msg})
		}
	}
	inc.NextPage = nextPage(inc.Pages)
	return sends, entries
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

// recordFailure adds a TimelinePageFailed entry for the page of entry e.
func (s *Service) recordFailure(ctx context.Context, inc *Incident, e TimelineEntry, cause error) {
	_, err := s.update(ctx, inc.ID, func(cur *Incident, now time.Time) ([]TimelineEntry, error) {
		f := entry(cur, now, TimelinePageFailed, "", fmt.Sprintf("page due %s failed: %v", e.Due.Format(time.RFC3339), cause))
		f.Step, f.Due, f.To = e.Step, e.Due, e.To
		return []TimelineEntry{f}, nil
	})
	if err != nil {
		s.log.WarnContext(ctx, "crisis: recording a failed page failed", "incident", inc.ID, "err", err)
	}
}
