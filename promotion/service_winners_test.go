package promotion_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
	"github.com/cmkit/cmkit/roles"
)

// dms records the notices sent, and fails the next fail calls.
type dms struct {
	mu   sync.Mutex
	sent []promotion.WinnerNotice
	fail int
}

func (d *dms) Notify(_ context.Context, n promotion.WinnerNotice) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail > 0 {
		d.fail--
		return errors.New("DM refused")
	}
	d.sent = append(d.sent, n)
	return nil
}

// posts records the announcements.
type posts struct{ got []promotion.Announcement }

func (p *posts) Announce(_ context.Context, a promotion.Announcement) error {
	p.got = append(p.got, a)
	return nil
}

// drawnGiveaway runs svcGiveaway (two prizes) to a draw with three
// alternates among six entries, the third in Polish, and returns the draw.
func drawnGiveaway(t *testing.T, s *promotion.Service) promotion.DrawRecord {
	t.Helper()
	opened(t, s)
	ms := someEntries(0, 6)
	ms[2].Language = "pl"
	ms[3].Language = "not a tag!"
	_, err := s.AddEntries(as("sam"), "acme-autumn-26", ms...)
	require.NoError(t, err)
	_, err = s.Close(as("sam"), "acme-autumn-26")
	require.NoError(t, err)
	rec, err := s.Draw(as("sam"), "acme-autumn-26", 3, []byte{9})
	require.NoError(t, err)
	return *rec.Draw
}

// winnerActions returns the audit log's winner actions, as "actor action".
func winnerActions(t *testing.T, env *svcEnv) []string {
	t.Helper()
	var out []string
	for r, err := range env.audit.Records(context.Background(), roles.AuditFilter{}) {
		require.NoError(t, err)
		if strings.HasPrefix(r.Action, "promotion.winner.") && r.Allowed {
			out = append(out, r.Actor+" "+r.Action)
		}
	}
	return out
}

func TestServiceWinnersFromDrawToAnnouncement(t *testing.T) {
	env := newEnv(t)
	s := env.service(t)
	draw := drawnGiveaway(t, s)
	id := "acme-autumn-26"

	_, err := s.StartWinners(as("cora"), id, promotion.WinnerOptions{ResponseTime: 72 * time.Hour})
	require.ErrorIs(t, err, cmkit.ErrForbidden, "a senior CM does not approve winners")
	_, err = s.StartWinners(as("sam"), id, promotion.WinnerOptions{ResponseTime: time.Second})
	requireInvalid(t, err, "response_time", "range")
	w, err := s.StartWinners(as("sam"), id, promotion.WinnerOptions{ResponseTime: 72 * time.Hour})
	require.NoError(t, err)
	require.Len(t, w.Slots, 2)
	assert.Equal(t, draw.Winners[0], w.Slots[0].Winner.Entry)
	assert.Equal(t, draw.Winners[1], w.Slots[1].Winner.Entry)
	require.Len(t, w.Alternates, 3)
	langs := map[string]string{}
	for _, e := range append([]promotion.Entrant{w.Slots[0].Winner, w.Slots[1].Winner}, w.Alternates...) {
		langs[e.Entry] = e.Language
	}
	for k, lang := range langs {
		switch {
		case strings.HasSuffix(k, ":e2"):
			assert.Equal(t, "pl", lang, "the language of the entry")
		default:
			assert.Empty(t, lang, "%s: no language, or not a tag", k)
		}
	}
	_, err = s.StartWinners(as("sam"), id, promotion.WinnerOptions{ResponseTime: 72 * time.Hour})
	require.ErrorIs(t, err, cmkit.ErrConflict, "started twice")

	// Both winners are notified; the first DM fails once and is resent
	// with the same ID.
	notifier := &dms{fail: 1}
	tpl := promotion.DefaultWinnerTemplates()
	w, err = s.SendNotices(as("sam"), id, tpl, notifier)
	require.ErrorContains(t, err, "DM refused")
	assert.Equal(t, promotion.SlotSending, w.Slots[0].State)
	assert.Equal(t, promotion.SlotNotified, w.Slots[1].State)
	// Another service (a restart) resends the first one from the store.
	s2 := env.service(t)
	w, err = s2.SendNotices(as("sam"), id, tpl, notifier)
	require.NoError(t, err)
	assert.Equal(t, promotion.SlotNotified, w.Slots[0].State)
	require.Len(t, notifier.sent, 2)
	assert.Equal(t, promotion.NoticeID(id, 0, draw.Winners[0]), notifier.sent[1].ID)

	// The first winner accepts; the second does not answer and is replaced
	// by the first alternate, who declines; the next one is disqualified;
	// the last accepts.
	w, err = s.AcceptPrize(as("sam"), id, draw.Winners[0])
	require.NoError(t, err)
	assert.Equal(t, promotion.SlotAccepted, w.Slots[0].State)
	_, err = s.AcceptPrize(as("sam"), id, draw.Winners[0])
	require.ErrorIs(t, err, cmkit.ErrConflict, "accepting twice")
	_, err = s.AcceptPrize(as("sam"), id, "x:nobody:0")
	require.ErrorIs(t, err, cmkit.ErrNotFound)
	env.clock.Advance(72 * time.Hour)
	w, err = s.SendNotices(as("sam"), id, tpl, notifier)
	require.NoError(t, err)
	assert.Equal(t, draw.Alternates[0], w.Slots[1].Winner.Entry)
	assert.Equal(t, promotion.SlotNotified, w.Slots[1].State)
	_, err = s.DeclinePrize(as("sam"), id, draw.Alternates[0])
	require.NoError(t, err)
	_, err = s.Disqualify(as("sam"), id, draw.Alternates[1], "an employee's brother")
	require.NoError(t, err)
	w, err = s.SendNotices(as("sam"), id, tpl, notifier)
	require.NoError(t, err)
	require.Equal(t, draw.Alternates[2], w.Slots[1].Winner.Entry)
	_, err = s.AcceptPrize(as("sam"), id, draw.Alternates[2])
	require.NoError(t, err)

	ann := &posts{}
	_, err = s.AnnounceWinners(as("cora"), id, tpl, ann, []string{"es"})
	require.ErrorIs(t, err, cmkit.ErrForbidden)
	w, err = s.AnnounceWinners(as("sam"), id, tpl, ann, []string{"es", "en"})
	require.NoError(t, err)
	require.Len(t, ann.got, 2)
	assert.Equal(t, []string{draw.Winners[0], draw.Alternates[2]}, ann.got[0].Entries)
	_, err = s.AnnounceWinners(as("sam"), id, tpl, ann, []string{"es", "en"})
	require.NoError(t, err)
	assert.Len(t, ann.got, 2, "announced once per language")

	// Read back by a reader, as stored.
	got, err := s.Winners(as("jun"), id)
	require.NoError(t, err)
	assert.Equal(t, w, got)
	_, err = s.Winners(as("otto"), id)
	require.ErrorIs(t, err, cmkit.ErrForbidden)

	// Every winner event is in the audit log, in order, once.
	var kinds []string
	for _, ev := range got.Events {
		kinds = append(kinds, "sam promotion.winner."+string(ev.Kind))
	}
	assert.Equal(t, kinds, winnerActions(t, env))
	assert.Contains(t, kinds, "sam promotion.winner.expired")
	assert.Contains(t, kinds, "sam promotion.winner.notified")
	assert.Contains(t, kinds, "sam promotion.winner.disqualified")
	assert.Contains(t, kinds, "sam promotion.winner.announced")
	_, err = env.audit.Verify(context.Background())
	require.NoError(t, err)
}

func TestServiceWinnersRefusals(t *testing.T) {
	env := newEnv(t)
	s := env.service(t)
	id := "acme-autumn-26"
	opened(t, s)
	_, err := s.StartWinners(as("sam"), id, promotion.WinnerOptions{ResponseTime: time.Hour})
	require.ErrorIs(t, err, cmkit.ErrConflict, "not drawn")
	_, err = s.Winners(as("sam"), id)
	require.ErrorIs(t, err, cmkit.ErrConflict, "not started")
	_, err = s.SendNotices(as("sam"), id, promotion.DefaultWinnerTemplates(), &dms{})
	require.ErrorIs(t, err, cmkit.ErrConflict, "not started")
	_, err = s.AcceptPrize(as("sam"), id, "x")
	require.ErrorIs(t, err, cmkit.ErrConflict, "not started")
	_, err = s.SendNotices(as("sam"), id, nil, &dms{})
	requireInvalid(t, err, "templates", "required")
	_, err = s.AnnounceWinners(as("sam"), id, promotion.DefaultWinnerTemplates(), nil, nil)
	requireInvalid(t, err, "templates", "required")
	v, _, _ := storedVersion(t, env.store)

	_, err = s.AcceptPrize(as("jun"), id, "x")
	require.ErrorIs(t, err, cmkit.ErrForbidden)
	v2, _, _ := storedVersion(t, env.store)
	assert.Equal(t, v, v2)
}

// Two services answering for the same winner at once: one records it,
// the other gets a conflict, and the audit log has the answer once.
func TestServiceWinnersRace(t *testing.T) {
	env := newEnv(t)
	s1, s2 := env.service(t), env.service(t)
	draw := drawnGiveaway(t, s1)
	_, err := s1.StartWinners(as("sam"), "acme-autumn-26", promotion.WinnerOptions{ResponseTime: time.Hour})
	require.NoError(t, err)
	_, err = s1.SendNotices(as("sam"), "acme-autumn-26", promotion.DefaultWinnerTemplates(), &dms{})
	require.NoError(t, err)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, s := range []*promotion.Service{s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.AcceptPrize(as("sam"), "acme-autumn-26", draw.Winners[0])
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else {
			assert.ErrorIs(t, err, cmkit.ErrConflict)
		}
	}
	assert.Equal(t, 1, ok, "%v", errs)
	n := 0
	for _, a := range winnerActions(t, env) {
		if a == "sam promotion.winner.accepted" {
			n++
		}
	}
	assert.Equal(t, 1, n)
}

// A notice whose claim cannot be stored (another writer got there first)
// is not sent; the next call claims and sends it.
func TestServiceSendNoticesStopsOnAConflict(t *testing.T) {
	env := newEnv(t)
	var conflicts atomic.Int32
	conflicts.Store(1)
	st := &flakyStore{Store: env.store, fail: func(rec promotion.PromotionRecord) error {
		if rec.Winners != nil && len(rec.Winners.Slots) > 0 && rec.Winners.Slots[0].State == promotion.SlotSending &&
			conflicts.Add(-1) >= 0 {
			return fmt.Errorf("someone else wrote: %w", cmkit.ErrConflict)
		}
		return nil
	}}
	s := env.serviceOn(t, st)
	drawnGiveaway(t, s)
	_, err := s.StartWinners(as("sam"), "acme-autumn-26", promotion.WinnerOptions{ResponseTime: time.Hour})
	require.NoError(t, err)
	notifier := &dms{}
	_, err = s.SendNotices(as("sam"), "acme-autumn-26", promotion.DefaultWinnerTemplates(), notifier)
	require.ErrorIs(t, err, cmkit.ErrConflict)
	assert.Empty(t, notifier.sent, "nothing sent without a stored claim")
	w, err := s.Winners(as("sam"), "acme-autumn-26")
	require.NoError(t, err)
	assert.Equal(t, promotion.SlotToNotify, w.Slots[0].State)
	assert.NotContains(t, winnerActions(t, env), "sam promotion.winner.sending")
	w, err = s.SendNotices(as("sam"), "acme-autumn-26", promotion.DefaultWinnerTemplates(), notifier)
	require.NoError(t, err)
	assert.Len(t, notifier.sent, 2)
	assert.Equal(t, promotion.SlotNotified, w.Slots[0].State)
}

// A contest closes like a giveaway, is ranked from its jury's record over
// the frozen list, and its winners are started from the ranking.
func TestServiceContestWinners(t *testing.T) {
	env := newEnv(t)
	s := env.service(t)
	c := svcGiveaway()
	c.ID, c.Kind, c.Judging = "contest", promotion.KindContest, promotion.ByJury
	_, _, err := s.Create(as("sam"), c)
	require.NoError(t, err)
	_, err = s.Open(as("sam"), "contest", nil)
	require.NoError(t, err)
	_, err = s.AddEntries(as("sam"), "contest", someEntries(0, 4)...)
	require.NoError(t, err)
	_, err = s.StartContestWinners(as("sam"), "contest", nil, promotion.WinnerOptions{ResponseTime: time.Hour})
	require.ErrorIs(t, err, cmkit.ErrConflict, "not closed")
	_, err = s.Close(as("sam"), "contest")
	require.NoError(t, err)
	list, err := s.FrozenEntries(as("sam"), "contest")
	require.NoError(t, err)
	jury := promotion.JuryContest{Criteria: []promotion.Criterion{{Name: "idea", Weight: 1}}, Jurors: []string{"ana"}, MaxPoints: 10}
	points := map[string]int{"x:fan0:e0": 3, "x:fan1:e1": 9, "x:fan2:e2": 7, "x:fan3:e3": 1}
	for k := range list.Keys() {
		jury.Contestants = append(jury.Contestants, promotion.Contestant{Entry: k, EnteredAt: at(9, 0)})
		jury.Scores = append(jury.Scores, promotion.JuryScore{Juror: "ana", Entry: k, Criterion: "idea", Points: points[k]})
	}
	standings, err := jury.Rank()
	require.NoError(t, err)

	_, err = s.StartContestWinners(as("cora"), "contest", standings, promotion.WinnerOptions{ResponseTime: time.Hour})
	require.ErrorIs(t, err, cmkit.ErrForbidden)
	bad := append([]promotion.Standing{{Place: 0, Entry: "x:nobody:9"}}, standings...)
	_, err = s.StartContestWinners(as("sam"), "contest", bad, promotion.WinnerOptions{ResponseTime: time.Hour})
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	w, err := s.StartContestWinners(as("sam"), "contest", standings, promotion.WinnerOptions{ResponseTime: time.Hour})
	require.NoError(t, err)
	require.Len(t, w.Slots, 2)
	assert.Equal(t, "x:fan1:e1", w.Slots[0].Winner.Entry)
	assert.Equal(t, "x:fan2:e2", w.Slots[1].Winner.Entry)
	require.Len(t, w.Alternates, 2)
	assert.Equal(t, "x:fan0:e0", w.Alternates[0].Entry)
	_, err = s.StartContestWinners(as("sam"), "contest", standings, promotion.WinnerOptions{ResponseTime: time.Hour})
	require.ErrorIs(t, err, cmkit.ErrConflict, "started twice")
	assert.Equal(t, []string{"sam promotion.winner.picked", "sam promotion.winner.picked"}, winnerActions(t, env))

	// A giveaway's winners come from its draw.
	opened(t, s)
	_, err = s.StartContestWinners(as("sam"), "acme-autumn-26", standings, promotion.WinnerOptions{ResponseTime: time.Hour})
	requireInvalid(t, err, "kind", "contest")
}
