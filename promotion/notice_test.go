package promotion_test

import (
	"context"
	"encoding/json"
	"errors"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/promotion"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// dmBox is a WinnerNotifier that delivers each notice ID once, as a
// notifier that remembers what it sent does, and records every call. fail,
// when set, decides per call whether to fail before delivering.
type dmBox struct {
	mu        sync.Mutex
	calls     []promotion.WinnerNotice
	delivered map[uuid.UUID]promotion.WinnerNotice
	order     []uuid.UUID
	fail      func(ctx context.Context, n promotion.WinnerNotice) error
	// after, when set, runs after delivering (to crash after the send).
	after func()
}

func (b *dmBox) Notify(ctx context.Context, n promotion.WinnerNotice) error {
	b.mu.Lock()
	b.calls = append(b.calls, n)
	fail := b.fail
	b.mu.Unlock()
	if fail != nil {
		if err := fail(ctx, n); err != nil {
			return err
		}
	}
	b.mu.Lock()
	if b.delivered == nil {
		b.delivered = map[uuid.UUID]promotion.WinnerNotice{}
	}
	if _, dup := b.delivered[n.ID]; !dup {
		b.delivered[n.ID] = n
		b.order = append(b.order, n.ID)
	}
	after := b.after
	b.mu.Unlock()
	if after != nil {
		after()
	}
	return nil
}

// store keeps the last saved winners as JSON, as a real store would.
type store struct {
	mu    sync.Mutex
	data  []byte
	saves int
	fail  error
}

func (s *store) save(_ context.Context, w *promotion.Winners) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	b, err := json.Marshal(w)
	if err != nil {
		return err
	}
	s.data, s.saves = b, s.saves+1
	return nil
}

func (s *store) load(t *testing.T) promotion.Winners {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var w promotion.Winners
	require.NoError(t, json.Unmarshal(s.data, &w))
	return w
}

func TestSendNoticesNotifiesEveryWinnerInTheirLanguage(t *testing.T) {
	w := newWinners(t)
	clock := cmkittest.NewClock(w0.Add(time.Hour))
	box := &dmBox{}
	st := &store{}
	require.NoError(t, promotion.SendNotices(context.Background(), &w, clock, promotion.DefaultWinnerTemplates(), box, st.save))
	require.Len(t, box.calls, 3)
	require.Equal(t, 6, st.saves, "a save before each call and after each outcome")
	bea := box.calls[1]
	require.Equal(t, promotion.NoticeID("acme-autumn-26", 1, key("bea")), bea.ID)
	require.Equal(t, "es", bea.Language)
	require.Equal(t, "bea", bea.Handle)
	require.Equal(t, "acme-x", bea.ChannelID)
	require.Equal(t, w0.Add(time.Hour+respond), bea.Deadline)
	require.Equal(t, "¡Enhorabuena, @bea! Has ganado Mug en la promoción de acme. Responde a este mensaje antes del 2026-10-30 12:00 CET "+
		"para reclamarlo; después, el premio pasará a la siguiente persona de la lista.", bea.Text)
	require.Equal(t, "en", box.calls[0].Language)
	for i, s := range w.Slots {
		require.Equal(t, promotion.SlotNotified, s.State)
		require.Equal(t, box.calls[i].Deadline, s.Deadline)
	}
	require.Equal(t, w, st.load(t))

	// Nothing is due now; the next call sends nothing.
	require.NoError(t, promotion.SendNotices(context.Background(), &w, clock, promotion.DefaultWinnerTemplates(), box, st.save))
	require.Len(t, box.calls, 3)
}

func TestSendNoticesReplacesTheSilentWinnerAndNotifiesTheAlternate(t *testing.T) {
	w := newWinners(t)
	clock := cmkittest.NewClock(w0)
	box := &dmBox{}
	st := &store{}
	tpl := promotion.DefaultWinnerTemplates()
	require.NoError(t, promotion.SendNotices(context.Background(), &w, clock, tpl, box, st.save))
	require.NoError(t, w.Accept(key("bea"), w0.Add(time.Hour)))
	require.NoError(t, w.Accept(key("carl"), w0.Add(time.Hour)))
	clock.Advance(respond - time.Second)
	require.NoError(t, promotion.SendNotices(context.Background(), &w, clock, tpl, box, st.save))
	require.Len(t, box.calls, 3, "one second before the deadline nobody is replaced")
	clock.Advance(time.Second)
	require.NoError(t, promotion.SendNotices(context.Background(), &w, clock, tpl, box, st.save))
	require.Len(t, box.calls, 4)
	require.Equal(t, key("dana"), box.calls[3].Entry)
	require.Equal(t, 0, box.calls[3].Slot)
	require.Equal(t, promotion.SlotNotified, st.load(t).Slots[0].State)
}

func TestFailedNoticeIsResentWithTheSameID(t *testing.T) {
	w := newWinners(t)
	clock := cmkittest.NewClock(w0)
	down := errors.New("dm api down")
	box := &dmBox{fail: func(_ context.Context, n promotion.WinnerNotice) error {
		if n.Slot == 1 {
			return down
		}
		return nil
	}}
	st := &store{}
	tpl := promotion.DefaultWinnerTemplates()
	err := promotion.SendNotices(context.Background(), &w, clock, tpl, box, st.save)
	require.ErrorIs(t, err, down)
	require.Len(t, box.calls, 3, "the other slots are still tried")
	require.Equal(t, promotion.SlotSending, w.Slots[1].State)
	require.True(t, w.Slots[1].Deadline.IsZero())
	last := w.Events[len(w.Events)-3]
	require.Equal(t, promotion.WinnerSendFailed, last.Kind)
	require.Equal(t, "dm api down", last.Detail)
	require.Equal(t, []int{1}, w.Due())

	box.fail = nil
	clock.Advance(time.Hour)
	require.NoError(t, promotion.SendNotices(context.Background(), &w, clock, tpl, box, st.save))
	require.Len(t, box.calls, 4)
	require.Equal(t, box.calls[1].ID, box.calls[3].ID)
	require.Equal(t, w0.Add(time.Hour+respond), w.Slots[1].Deadline, "the deadline counts from the confirmed send")
	require.True(t, box.calls[1].Deadline.Before(w.Slots[1].Deadline), "and is not earlier than the failed notice stated")
}

func TestTemplateFailingOnOneWinnerClaimsNothing(t *testing.T) {
	tpl, err := promotion.NewWinnerTemplates("en", map[string]promotion.WinnerTemplate{"en": {
		Notice:       "{{index .Handle 2}}", // fine for the sample "ana", out of range for "bo"
		Announcement: "{{.Brand}}",
	}})
	require.NoError(t, err)
	w := newWinners(t)
	w.Slots[0].Winner.Handle = "bo"
	box := &dmBox{}
	st := &store{}
	err = promotion.SendNotices(context.Background(), &w, cmkittest.NewClock(w0), tpl, box, st.save)
	require.Error(t, err)
	require.Len(t, box.calls, 2)
	require.Equal(t, promotion.SlotToNotify, w.Slots[0].State)
	require.Equal(t, uuid.Nil, w.Slots[0].Notice)
	require.Equal(t, promotion.SlotNotified, w.Slots[1].State)
}

func TestTimedOutNoticeIsResentWithTheSameID(t *testing.T) {
	w := newWinners(t)
	clock := cmkittest.NewClock(w0)
	box := &dmBox{fail: func(ctx context.Context, n promotion.WinnerNotice) error {
		<-ctx.Done() // a platform that never answers
		return ctx.Err()
	}}
	st := &store{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	err := promotion.SendNotices(ctx, &w, clock, promotion.DefaultWinnerTemplates(), box, st.save)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.Len(t, box.calls, 1, "the expired context stops before the next slot")
	require.Equal(t, promotion.SlotSending, st.load(t).Slots[0].State)

	box.fail = nil
	w = st.load(t)
	require.NoError(t, promotion.SendNotices(context.Background(), &w, clock, promotion.DefaultWinnerTemplates(), box, st.save))
	require.Equal(t, box.calls[0].ID, box.calls[1].ID)
	require.Len(t, box.delivered, 3)
}

func TestCrashMidSendResendsTheSameNotice(t *testing.T) {
	w := newWinners(t)
	clock := cmkittest.NewClock(w0)
	st := &store{}
	box := &dmBox{}
	box.after = runtime.Goexit // the process dies after the platform sent the DM, before the outcome is saved
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = promotion.SendNotices(context.Background(), &w, clock, promotion.DefaultWinnerTemplates(), box, st.save)
		t.Error("SendNotices returned after the crash")
	}()
	<-done
	require.Len(t, box.delivered, 1)
	saved := st.load(t)
	require.Equal(t, promotion.SlotSending, saved.Slots[0].State, "the claim was saved before the call")
	require.Equal(t, box.order[0], saved.Slots[0].Notice)

	// Restart from the store: slot 0 is resent with the same ID, which the
	// notifier drops as a repeat; no second winner is written to.
	box.after = nil
	clock.Advance(time.Minute)
	require.NoError(t, promotion.SendNotices(context.Background(), &saved, clock, promotion.DefaultWinnerTemplates(), box, st.save))
	require.Len(t, box.calls, 4)
	require.Equal(t, box.calls[0].ID, box.calls[1].ID)
	require.Len(t, box.delivered, 3)
	for i, s := range saved.Slots {
		require.Equal(t, promotion.SlotNotified, s.State)
		require.Equal(t, box.delivered[s.Notice].Slot, i)
	}
}

func TestSendNoticesStopsWhenTheClaimCannotBeSaved(t *testing.T) {
	w := newWinners(t)
	box := &dmBox{}
	broken := errors.New("disk full")
	st := &store{fail: broken}
	err := promotion.SendNotices(context.Background(), &w, cmkittest.NewClock(w0), promotion.DefaultWinnerTemplates(), box, st.save)
	require.ErrorIs(t, err, broken)
	require.Empty(t, box.calls, "nothing is sent before its claim is saved")
}

// board is an Announcer that records what it published, once per ID.
type board struct {
	posts []promotion.Announcement
	fail  error
}

func (b *board) Announce(_ context.Context, a promotion.Announcement) error {
	if b.fail != nil {
		return b.fail
	}
	for _, p := range b.posts {
		if p.ID == a.ID {
			return nil
		}
	}
	b.posts = append(b.posts, a)
	return nil
}

func TestAnnounceWinnersOncePerLanguage(t *testing.T) {
	w := newWinners(t)
	notify(t, &w, w0)
	for _, h := range []string{"ana", "bea"} {
		require.NoError(t, w.Accept(key(h), w0.Add(time.Hour)))
	}
	clock := cmkittest.NewClock(w0.Add(2 * time.Hour))
	tpl := promotion.DefaultWinnerTemplates()
	b := &board{}
	st := &store{}
	err := promotion.AnnounceWinners(context.Background(), &w, clock, tpl, b, []string{"en"}, st.save)
	require.ErrorIs(t, err, cmkit.ErrConflict, "carl has not answered")
	require.Empty(t, b.posts)

	require.NoError(t, w.Decline(key("carl"), w0.Add(time.Hour)))
	for _, h := range []string{"dana", "eva", "fede"} {
		notify(t, &w, w0.Add(time.Hour))
		require.NoError(t, w.Decline(key(h), w0.Add(time.Hour)))
	}
	require.True(t, w.Complete())

	b.fail = errors.New("calendar down")
	require.ErrorIs(t, promotion.AnnounceWinners(context.Background(), &w, clock, tpl, b, []string{"pl", "es"}, st.save), b.fail)
	b.fail = nil
	require.NoError(t, promotion.AnnounceWinners(context.Background(), &w, clock, tpl, b, []string{"pl", "es"}, st.save))
	require.NoError(t, promotion.AnnounceWinners(context.Background(), &w, clock, tpl, b, []string{"pl", "es-ES"}, st.save))
	require.Len(t, b.posts, 2, "a second call announces nothing twice")
	require.Equal(t, "pl", b.posts[0].Language)
	require.Equal(t, "Zwycięzcy promocji acme: @ana (Weekend for two), @bea (Mug). Gratulujemy i dziękujemy wszystkim za udział!", b.posts[0].Text)
	require.Equal(t, wkeys("ana", "bea"), b.posts[0].Entries)
	saved := st.load(t)
	require.True(t, saved.WasAnnounced(b.posts[1].ID))

	// A winner disqualified after the announcement changes the list, and so
	// the announcement's ID.
	before := b.posts[0].ID
	require.NoError(t, w.Disqualify(key("bea"), "employee", w0.Add(3*time.Hour)))
	a, err := w.Announcement(tpl, "pl")
	require.NoError(t, err)
	require.NotEqual(t, before, a.ID)
	require.Equal(t, wkeys("ana"), a.Entries)
}
