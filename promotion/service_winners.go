package promotion

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// cloneWinners returns a deep copy of w (nil for nil).
func cloneWinners(w *Winners) *Winners {
	if w == nil {
		return nil
	}
	c := *w
	c.Slots = slices.Clone(w.Slots)
	c.Alternates = slices.Clone(w.Alternates)
	c.Events = slices.Clone(w.Events)
	return &c
}

// winnerEvents returns the audit events of events, one each, for member.
func winnerEvents(member string, p *Promotion, events []WinnerEvent) []roles.AuditEvent {
	out := make([]roles.AuditEvent, 0, len(events))
	for _, ev := range events {
		reason := string(ev.Kind)
		if ev.Slot >= 0 {
			reason = fmt.Sprintf("slot %d: %s", ev.Slot, reason)
		}
		if ev.Entry != "" {
			reason += " " + ev.Entry
		}
		if ev.Detail != "" {
			reason += " (" + ev.Detail + ")"
		}
		out = append(out, event(member, "winner."+string(ev.Kind), roles.ApproveWinners, p, reason))
	}
	return out
}

// StartWinners starts following a drawn giveaway's winners, for the acting
// member (roles.ApproveWinners): WinnersFromDraw with the draw's winners
// and alternates and their submissions (when there were fewer entries
// than prize units, every entry holds a slot and the rest are unclaimed
// from the start). When opts.Languages is nil, each winner's and
// alternate's language is their entry's (Mention.Language, when it is a
// BCP 47 tag). Each pick is written to the audit log. A
// promotion not drawn yet, or whose winners are started already, is an
// error wrapping cmkit.ErrConflict; a bad opts.ResponseTime, one wrapping
// cmkit.ErrInvalid.
func (s *Service) StartWinners(ctx context.Context, id string, opts WinnerOptions) (Winners, error) {
	return s.startWinners(ctx, id, opts, func(rec *PromotionRecord) ([]string, error) {
		switch {
		case rec.Status != StatusDrawn && rec.Status != StatusRevealed:
			return nil, wrongStatus(rec, "start the winners of", StatusDrawn)
		case rec.Draw == nil:
			return nil, fmt.Errorf("promotion: start the winners of %q: no draw is stored: %w", id, cmkit.ErrConflict)
		}
		return slices.Concat(rec.Draw.Winners, rec.Draw.Alternates), nil
	}, func(rec *PromotionRecord, subs []Submission, o WinnerOptions, now time.Time) (Winners, error) {
		return WinnersFromDraw(rec.Promotion, *rec.Draw, subs, o, now)
	})
}

// startWinners stores the first Winners of promotion id, as build makes
// them from the submissions of the entries check names, and writes each
// pick to the audit log. check refuses a promotion whose winners cannot
// start; a promotion whose winners are started is refused here.
func (s *Service) startWinners(ctx context.Context, id string, opts WinnerOptions, check func(rec *PromotionRecord) ([]string, error),
	build func(rec *PromotionRecord, subs []Submission, o WinnerOptions, now time.Time) (Winners, error)) (Winners, error) {
	var picked []WinnerEvent
	rec, err := s.update(ctx, id, roles.ApproveWinners, "winners.start", func(rec *PromotionRecord, now time.Time) ([]StoredSubmission, string, error) {
		keys, err := check(rec)
		if err != nil {
			return nil, "", err
		}
		if rec.Winners != nil {
			return nil, "", fmt.Errorf("promotion: the winners of %q are started already: %w", id, cmkit.ErrConflict)
		}
		wanted := make(map[string]bool, len(keys))
		for _, k := range keys {
			wanted[k] = true
		}
		subs, langs, err := s.entrants(ctx, rec, wanted)
		if err != nil {
			return nil, "", err
		}
		o := opts
		if o.Languages == nil {
			o.Languages = langs
		}
		w, err := build(rec, subs, o, now)
		if err != nil {
			return nil, "", err
		}
		rec.Winners, picked = &w, w.Events
		return nil, fmt.Sprintf("winners started from %d entries: %d slots, %d alternates, %v to answer",
			len(keys), len(w.Slots), len(w.Alternates), w.ResponseTime), nil
	})
	if err != nil {
		return Winners{}, err
	}
	member, _ := roles.ActorFrom(ctx)
	for _, e := range winnerEvents(member, &rec.Promotion, picked) {
		s.audited(ctx, e)
	}
	return *cloneWinners(rec.Winners), nil
}

// StartContestWinners starts following a closed contest's winners, for
// the acting member (roles.ApproveWinners), from its ranking (as
// JuryContest.Rank or a vote count gives it, over the frozen entry list):
// WinnersFromStandings, with languages as StartWinners takes them. Each
// pick is written to the audit log. A
// promotion that is not a contest, or a standing whose entry is not an
// accepted one, is an error wrapping cmkit.ErrInvalid; a contest not
// closed, or whose winners are started already, one wrapping
// cmkit.ErrConflict.
func (s *Service) StartContestWinners(ctx context.Context, id string, standings []Standing, opts WinnerOptions) (Winners, error) {
	return s.startWinners(ctx, id, opts, func(rec *PromotionRecord) ([]string, error) {
		switch {
		case rec.Promotion.Kind != KindContest:
			return nil, cmkit.Invalid("kind", "contest", "%q is a %s; its winners come from a draw", rec.ID(), rec.Promotion.Kind)
		case rec.Status != StatusClosed:
			return nil, wrongStatus(rec, "start the winners of", StatusClosed)
		}
		keys := make([]string, len(standings))
		for i, st := range standings {
			keys[i] = st.Entry
		}
		return keys, nil
	}, func(rec *PromotionRecord, subs []Submission, o WinnerOptions, now time.Time) (Winners, error) {
		return WinnersFromStandings(rec.Promotion, standings, subs, o, now)
	})
}

// entrants returns the current submissions of rec whose keys are wanted,
// and the languages of their mentions.
func (s *Service) entrants(ctx context.Context, rec *PromotionRecord, wanted map[string]bool) ([]Submission, map[string]string, error) {
	c := s.cache(rec.ID())
	c.mu.Lock()
	err := s.sync(ctx, c, rec)
	var subs []Submission
	if err == nil {
		for sub := range c.entries.All() {
			if wanted[sub.Key()] {
				subs = append(subs, sub)
			}
		}
	}
	c.mu.Unlock()
	if err != nil {
		return nil, nil, err
	}
	langs := map[string]string{}
	for sub, err := range s.store.Submissions(ctx, rec.ID(), 0) {
		if err != nil {
			return nil, nil, err
		}
		if k := sub.Submission.Key(); wanted[k] && sub.Mention.Language != "" && validLanguage(sub.Mention.Language) {
			langs[k] = sub.Mention.Language
		}
	}
	return subs, langs, nil
}

// Winners returns where the promotion's winners stand, for the acting
// member (roles.ReadPromotions). A promotion whose winners are not
// started is an error wrapping cmkit.ErrConflict.
func (s *Service) Winners(ctx context.Context, id string) (Winners, error) {
	rec, err := s.store.Get(ctx, id)
	if err != nil {
		return Winners{}, err
	}
	if _, err := s.authorize(ctx, &rec.Promotion, roles.ReadPromotions, "read"); err != nil {
		return Winners{}, err
	}
	if rec.Winners == nil {
		return Winners{}, fmt.Errorf("promotion: the winners of %q are not started: %w", id, cmkit.ErrConflict)
	}
	return *cloneWinners(rec.Winners), nil
}

// changeWinners reads promotion id, checks that the acting member may
// approve its winners, lets change modify them and stores them, re-reading
// and retrying on a version conflict; once stored, each new event is
// written to the audit log. When change adds no event, nothing is
// written. change may run more than once.
func (s *Service) changeWinners(ctx context.Context, id string, change func(w *Winners, now time.Time) error) (Winners, error) {
	member := ""
	for range maxRetries {
		rec, err := s.store.Get(ctx, id)
		if err != nil {
			return Winners{}, err
		}
		if member == "" {
			if member, err = s.authorize(ctx, &rec.Promotion, roles.ApproveWinners, "winners"); err != nil {
				return Winners{}, err
			}
		}
		if rec.Winners == nil {
			return Winners{}, fmt.Errorf("promotion: the winners of %q are not started: %w", id, cmkit.ErrConflict)
		}
		w := cloneWinners(rec.Winners)
		before := len(w.Events)
		if err := change(w, s.clock.Now()); err != nil {
			return Winners{}, err
		}
		if len(w.Events) == before {
			return *w, nil
		}
		rec.Winners = w
		err = s.store.Update(ctx, rec)
		if errors.Is(err, cmkit.ErrConflict) {
			continue
		}
		if err != nil {
			return Winners{}, err
		}
		for _, e := range winnerEvents(member, &rec.Promotion, w.Events[before:]) {
			s.audited(ctx, e)
		}
		return *cloneWinners(w), nil
	}
	return Winners{}, fmt.Errorf("promotion: winners of %q: too many concurrent changes: %w", id, cmkit.ErrConflict)
}

// AcceptPrize records, for the acting member (roles.ApproveWinners), that
// the winner of entry accepted the prize (Winners.Accept, at the
// service's clock), and returns the winners as stored.
func (s *Service) AcceptPrize(ctx context.Context, id, entry string) (Winners, error) {
	return s.changeWinners(ctx, id, func(w *Winners, now time.Time) error { return w.Accept(entry, now) })
}

// DeclinePrize records, for the acting member (roles.ApproveWinners), that
// the winner of entry declined (Winners.Decline): the next alternate takes
// the slot.
func (s *Service) DeclinePrize(ctx context.Context, id, entry string) (Winners, error) {
	return s.changeWinners(ctx, id, func(w *Winners, now time.Time) error { return w.Decline(entry, now) })
}

// Disqualify removes entry from the winners or the alternates for reason,
// for the acting member (roles.ApproveWinners), as Winners.Disqualify
// does.
func (s *Service) Disqualify(ctx context.Context, id, entry, reason string) (Winners, error) {
	return s.changeWinners(ctx, id, func(w *Winners, now time.Time) error { return w.Disqualify(entry, reason, now) })
}

// winnersSaver returns the SaveWinners of one SendNotices or
// AnnounceWinners call, for the acting member: each save is one
// Store.Update fenced by the version read at the start of the call (a
// conflict stops the call, which may be made again), and writes each new
// event to the audit log once stored. It returns the winners to work on.
func (s *Service) winnersSaver(ctx context.Context, id string) (*Winners, SaveWinners, error) {
	rec, err := s.store.Get(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	member, err := s.authorize(ctx, &rec.Promotion, roles.ApproveWinners, "winners")
	if err != nil {
		return nil, nil, err
	}
	if rec.Winners == nil {
		return nil, nil, fmt.Errorf("promotion: the winners of %q are not started: %w", id, cmkit.ErrConflict)
	}
	saved := len(rec.Winners.Events)
	save := func(ctx context.Context, w *Winners) error {
		next := rec
		next.Winners = cloneWinners(w)
		if err := s.store.Update(ctx, next); err != nil {
			return err
		}
		rec.Version++
		rec.Winners = next.Winners
		for _, e := range winnerEvents(member, &rec.Promotion, w.Events[saved:]) {
			s.audited(ctx, e)
		}
		saved = len(w.Events)
		return nil
	}
	return cloneWinners(rec.Winners), save, nil
}

// SendNotices does the promotion's due notification work for the acting
// member (roles.ApproveWinners), as the package's SendNotices does, at
// the service's clock: winners past their deadline are replaced, and
// every winner owed a notice gets one through n, written with t. Every
// change is stored, before the notifier is called and after, and each
// event (notified, expired, replaced, ...) written to the audit log once
// stored. It returns the winners as stored; a version conflict with
// another writer stops it with an error wrapping cmkit.ErrConflict, and
// a later call carries on.
func (s *Service) SendNotices(ctx context.Context, id string, t *WinnerTemplates, n WinnerNotifier) (Winners, error) {
	if t == nil || n == nil {
		return Winners{}, cmkit.Invalid("templates", "required", "SendNotices needs templates and a notifier")
	}
	return s.withWinners(ctx, id, func(w *Winners, save SaveWinners) error { return SendNotices(ctx, w, s.clock, t, n, save) })
}

// AnnounceWinners announces the promotion's winners through a, once every
// slot is accepted or unclaimed, in each of langs, for the acting member
// (roles.ApproveWinners), as the package's AnnounceWinners does; each
// announcement is stored and written to the audit log.
func (s *Service) AnnounceWinners(ctx context.Context, id string, t *WinnerTemplates, a Announcer, langs []string) (Winners, error) {
	if t == nil || a == nil {
		return Winners{}, cmkit.Invalid("templates", "required", "AnnounceWinners needs templates and an announcer")
	}
	return s.withWinners(ctx, id, func(w *Winners, save SaveWinners) error {
		return AnnounceWinners(ctx, w, s.clock, t, a, langs, save)
	})
}

// withWinners runs do on promotion id's winners with the SaveWinners of
// winnersSaver, one call of this service at a time, and returns the
// winners as do left them.
func (s *Service) withWinners(ctx context.Context, id string, do func(w *Winners, save SaveWinners) error) (Winners, error) {
	c := s.cache(id)
	c.wmu.Lock()
	defer c.wmu.Unlock()
	w, save, err := s.winnersSaver(ctx, id)
	if err != nil {
		return Winners{}, err
	}
	err = do(w, save)
	return *cloneWinners(w), err
}
