package promotion_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// prizeDraw is giveaway() with three prize units: one weekend, two mugs.
func prizeDraw() promotion.Promotion {
	p := giveaway()
	p.Prizes = []promotion.Prize{{Name: "Weekend for two", Quantity: 1}, {Name: "Mug", Quantity: 2}}
	return p
}

// prizeContest is prizeDraw judged by a jury.
func prizeContest() promotion.Promotion {
	p := prizeDraw()
	p.Kind, p.Judging, p.Mechanics.Question = promotion.KindContest, promotion.ByJury, "Where would you go?"
	return p
}

var winnerHandles = []string{"ana", "bea", "carl", "dana", "eva", "fede", "gosia", "hugo"}

// winnerSubs returns accepted submissions by winnerHandles on X, and a
// rejected one by "ivan".
func winnerSubs() []promotion.Submission {
	var subs []promotion.Submission
	for _, h := range winnerHandles {
		subs = append(subs, promotion.Submission{Accepted: true, Platform: cmkit.X, ChannelID: "acme-x",
			MentionID: "m-" + h, AuthorID: "id-" + h, AuthorHandle: h, Text: "#sorteo @friend"})
	}
	return append(subs, promotion.Submission{Reason: promotion.ReasonDuplicate, Platform: cmkit.X, ChannelID: "acme-x",
		MentionID: "m-ivan", AuthorID: "id-ivan", AuthorHandle: "ivan"})
}

// key returns the entry key of handle's submission.
func key(h string) string { return "x:" + h + ":m-" + h }

func wkeys(hs ...string) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = key(h)
	}
	return out
}

// w0 is when the winners are drawn in most tests.
var w0 = time.Date(2026, 10, 27, 10, 0, 0, 0, time.UTC)

const respond = 72 * time.Hour

// newWinners: ana, bea, carl win; dana, eva, fede are the alternates.
func newWinners(t *testing.T) promotion.Winners {
	t.Helper()
	rec := promotion.DrawRecord{Winners: wkeys("ana", "bea", "carl"), Alternates: wkeys("dana", "eva", "fede")}
	w, err := promotion.WinnersFromDraw(prizeDraw(), rec, winnerSubs(),
		promotion.WinnerOptions{ResponseTime: respond, Languages: map[string]string{key("bea"): "es-MX"}}, w0)
	require.NoError(t, err)
	return w
}

// notify claims and confirms every due notice at now.
func notify(t *testing.T, w *promotion.Winners, now time.Time) {
	t.Helper()
	for _, i := range w.Due() {
		id, err := w.Claim(i, now)
		require.NoError(t, err)
		require.NoError(t, w.Sent(id, now))
	}
}

// snapshot is w's JSON, to check that a failed call changed nothing.
func snapshot(t *testing.T, w *promotion.Winners) string {
	t.Helper()
	b, err := json.Marshal(w)
	require.NoError(t, err)
	return string(b)
}

func states(w *promotion.Winners) []string {
	var out []string
	for _, s := range w.Slots {
		out = append(out, fmt.Sprintf("%s %s", s.State, s.Winner.Handle))
	}
	return out
}

func TestWinnersFromDrawFillsSlotsInPrizeOrder(t *testing.T) {
	w := newWinners(t)
	require.Equal(t, "acme-autumn-26", w.Promotion)
	require.Equal(t, "Europe/Warsaw", w.Zone)
	require.Len(t, w.Slots, 3)
	require.Equal(t, []string{"Weekend for two", "Mug", "Mug"}, []string{w.Slots[0].Prize, w.Slots[1].Prize, w.Slots[2].Prize})
	require.Equal(t, []string{"to_notify ana", "to_notify bea", "to_notify carl"}, states(&w))
	require.Equal(t, promotion.Entrant{Entry: key("bea"), Platform: cmkit.X, ChannelID: "acme-x", Handle: "bea",
		AuthorID: "id-bea", Language: "es-MX"}, w.Slots[1].Winner)
	require.Equal(t, 1, w.Slots[0].Attempt)
	require.Len(t, w.Alternates, 3)
	require.Equal(t, key("dana"), w.Alternates[0].Entry)
	require.Len(t, w.Events, 3)
	for i, ev := range w.Events {
		require.Equal(t, promotion.WinnerPicked, ev.Kind)
		require.Equal(t, i, ev.Slot)
		require.Equal(t, w0, ev.At)
	}
	require.Equal(t, []int{0, 1, 2}, w.Due())
	require.False(t, w.Complete())
}

func TestWinnersRoundTripJSON(t *testing.T) {
	w := newWinners(t)
	notify(t, &w, w0.Add(time.Hour))
	require.NoError(t, w.Accept(key("ana"), w0.Add(2*time.Hour)))
	require.NoError(t, w.Disqualify(key("bea"), "employee", w0.Add(3*time.Hour)))
	b, err := json.Marshal(w)
	require.NoError(t, err)
	var back promotion.Winners
	require.NoError(t, json.Unmarshal(b, &back))
	require.Equal(t, w, back)
}

func TestWinnersFromDrawRejectsBadInput(t *testing.T) {
	good := promotion.DrawRecord{Winners: wkeys("ana", "bea", "carl"), Alternates: wkeys("dana")}
	opts := promotion.WinnerOptions{ResponseTime: respond}
	cases := []struct {
		name        string
		p           func(*promotion.Promotion)
		rec         promotion.DrawRecord
		opts        promotion.WinnerOptions
		field, rule string
	}{
		{"no response time", nil, good, promotion.WinnerOptions{}, "response_time", "range"},
		{"response time too short", nil, good, promotion.WinnerOptions{ResponseTime: time.Second}, "response_time", "range"},
		{"response time too long", nil, good, promotion.WinnerOptions{ResponseTime: 91 * 24 * time.Hour}, "response_time", "range"},
		{"too few winners, with alternates", nil, promotion.DrawRecord{Winners: wkeys("ana", "bea"), Alternates: wkeys("carl")}, opts, "winners", "count"},
		{"too many winners", nil, promotion.DrawRecord{Winners: wkeys("ana", "bea", "carl", "dana")}, opts, "winners", "count"},
		{"unknown winner", nil, promotion.DrawRecord{Winners: []string{key("ana"), "x:zoe:m-zoe", key("carl")}}, opts, "winners[1]", "unknown"},
		{"rejected alternate", nil, promotion.DrawRecord{Winners: wkeys("ana", "bea", "carl"), Alternates: wkeys("ivan")}, opts, "alternates[0]", "rejected"},
		{"winner twice", nil, promotion.DrawRecord{Winners: wkeys("ana", "bea", "ana")}, opts, "winners[2]", "duplicate"},
		{"alternate is a winner", nil, promotion.DrawRecord{Winners: wkeys("ana", "bea", "carl"), Alternates: wkeys("dana", "bea")}, opts, "alternates[1]", "duplicate"},
		{"bad language", nil, good, promotion.WinnerOptions{ResponseTime: respond, Languages: map[string]string{key("ana"): "polish!"}}, "languages[" + key("ana") + "]", "format"},
		{"invalid promotion", func(p *promotion.Promotion) { p.Prizes[1].Quantity = 0 }, good, opts, "prizes[1].quantity", "min"},
		{"not a giveaway", func(p *promotion.Promotion) { *p = prizeContest() }, good, opts, "kind", "mismatch"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := prizeDraw()
			if c.p != nil {
				c.p(&p)
			}
			w, err := promotion.WinnersFromDraw(p, c.rec, winnerSubs(), c.opts, w0)
			requireInvalid(t, err, c.field, c.rule)
			require.Zero(t, w.Slots)
		})
	}
}

func TestWinnersFromStandings(t *testing.T) {
	p := prizeContest()
	st := []promotion.Standing{{Place: 2, Entry: key("bea")}, {Place: 1, Entry: key("ana")}, {Place: 4, Entry: key("dana")},
		{Place: 3, Entry: key("carl")}}
	w, err := promotion.WinnersFromStandings(p, st, winnerSubs(), promotion.WinnerOptions{ResponseTime: respond}, w0)
	require.NoError(t, err)
	require.Equal(t, []string{"to_notify ana", "to_notify bea", "to_notify carl"}, states(&w))
	require.Len(t, w.Alternates, 1)
	require.Equal(t, key("dana"), w.Alternates[0].Entry)

	t.Run("fewer standings than prizes leaves the rest unclaimed", func(t *testing.T) {
		w, err := promotion.WinnersFromStandings(p, st[:2], winnerSubs(), promotion.WinnerOptions{ResponseTime: respond}, w0)
		require.NoError(t, err)
		require.Equal(t, []string{"to_notify ana", "to_notify bea", "unclaimed "}, states(&w))
		require.Empty(t, w.Alternates)
		require.Equal(t, promotion.PrizeUnclaimed, w.Events[2].Kind)
	})
	t.Run("not a contest", func(t *testing.T) {
		_, err := promotion.WinnersFromStandings(prizeDraw(), st, winnerSubs(), promotion.WinnerOptions{ResponseTime: respond}, w0)
		requireInvalid(t, err, "kind", "mismatch")
	})
	t.Run("a place twice", func(t *testing.T) {
		_, err := promotion.WinnersFromStandings(p, []promotion.Standing{{Place: 1, Entry: key("ana")}, {Place: 1, Entry: key("bea")}},
			winnerSubs(), promotion.WinnerOptions{ResponseTime: respond}, w0)
		requireInvalid(t, err, "standings", "duplicate")
	})
	t.Run("an unknown entry", func(t *testing.T) {
		_, err := promotion.WinnersFromStandings(p, []promotion.Standing{{Place: 1, Entry: "x:zoe:1"}},
			winnerSubs(), promotion.WinnerOptions{ResponseTime: respond}, w0)
		requireInvalid(t, err, "winners[0]", "unknown")
	})
}

func TestNoticeIDIsStableAndDistinct(t *testing.T) {
	a := promotion.NoticeID("p", 0, key("ana"))
	require.Equal(t, a, promotion.NoticeID("p", 0, key("ana")))
	require.Equal(t, uuid.Version(5), a.Version())
	require.NotEqual(t, a, promotion.NoticeID("p", 1, key("ana")))
	require.NotEqual(t, a, promotion.NoticeID("p", 0, key("bea")))
	require.NotEqual(t, a, promotion.NoticeID("q", 0, key("ana")))
}

func TestClaimSentAccept(t *testing.T) {
	w := newWinners(t)
	id, err := w.Claim(0, w0.Add(time.Minute))
	require.NoError(t, err)
	require.Equal(t, promotion.NoticeID("acme-autumn-26", 0, key("ana")), id)
	require.Equal(t, promotion.SlotSending, w.Slots[0].State)
	require.Equal(t, id, w.Slots[0].Notice)
	require.True(t, w.Slots[0].Deadline.IsZero(), "the deadline starts at the confirmed send")

	again, err := w.Claim(0, w0.Add(2*time.Minute))
	require.NoError(t, err, "a slot being sent may be claimed again, for a retry")
	require.Equal(t, id, again)

	sent := w0.Add(5 * time.Minute)
	require.NoError(t, w.Sent(id, sent))
	require.Equal(t, promotion.SlotNotified, w.Slots[0].State)
	require.Equal(t, sent, w.Slots[0].NotifiedAt)
	require.Equal(t, sent.Add(respond), w.Slots[0].Deadline)

	require.NoError(t, w.Accept(key("ana"), sent.Add(respond-time.Second)))
	require.Equal(t, promotion.SlotAccepted, w.Slots[0].State)
	require.Equal(t, sent.Add(respond-time.Second), w.Slots[0].AcceptedAt)
	var kinds []promotion.WinnerEventKind
	for _, ev := range w.Events[3:] {
		kinds = append(kinds, ev.Kind)
		require.Equal(t, 0, ev.Slot)
	}
	require.Equal(t, []promotion.WinnerEventKind{promotion.WinnerSending, promotion.WinnerSending, promotion.WinnerNotified,
		promotion.WinnerAccepted}, kinds)
}

func TestAcceptWhileSendingCounts(t *testing.T) {
	w := newWinners(t)
	_, err := w.Claim(0, w0)
	require.NoError(t, err)
	require.NoError(t, w.Accept(key("ana"), w0.Add(time.Hour)), "an answer shows the notice arrived")
	require.Equal(t, promotion.SlotAccepted, w.Slots[0].State)
}

func TestTransitionsRejectBadInputAndChangeNothing(t *testing.T) {
	// Each case starts from: everyone notified at w0; ana accepted; bea
	// declined and was replaced by dana; eva disqualified as an alternate.
	setup := func(t *testing.T) promotion.Winners {
		w := newWinners(t)
		notify(t, &w, w0)
		require.NoError(t, w.Accept(key("ana"), w0.Add(time.Hour)))
		require.NoError(t, w.Decline(key("bea"), w0.Add(time.Hour)))
		require.NoError(t, w.Disqualify(key("eva"), "bot", w0.Add(time.Hour)))
		return w
	}
	late := w0.Add(respond)
	cases := []struct {
		name string
		do   func(w *promotion.Winners) error
		want error
	}{
		{"accept an unknown entry", func(w *promotion.Winners) error { return w.Accept("x:zoe:1", w0) }, cmkit.ErrNotFound},
		{"accept twice", func(w *promotion.Winners) error { return w.Accept(key("ana"), w0.Add(2*time.Hour)) }, cmkit.ErrConflict},
		{"decline after accepting", func(w *promotion.Winners) error { return w.Decline(key("ana"), w0.Add(2*time.Hour)) }, cmkit.ErrConflict},
		{"accept after declining", func(w *promotion.Winners) error { return w.Accept(key("bea"), w0.Add(2*time.Hour)) }, cmkit.ErrConflict},
		{"accept before being notified", func(w *promotion.Winners) error { return w.Accept(key("dana"), w0.Add(2*time.Hour)) }, cmkit.ErrConflict},
		{"accept as an alternate", func(w *promotion.Winners) error { return w.Accept(key("fede"), w0.Add(2*time.Hour)) }, cmkit.ErrConflict},
		{"accept as a disqualified alternate", func(w *promotion.Winners) error { return w.Accept(key("eva"), w0.Add(2*time.Hour)) }, cmkit.ErrConflict},
		{"accept at the deadline", func(w *promotion.Winners) error { return w.Accept(key("carl"), late) }, cmkit.ErrConflict},
		{"decline after the deadline", func(w *promotion.Winners) error { return w.Decline(key("carl"), late.Add(time.Hour)) }, cmkit.ErrConflict},
		{"decline an unknown entry", func(w *promotion.Winners) error { return w.Decline("x:zoe:1", w0) }, cmkit.ErrNotFound},
		{"disqualify a replaced winner", func(w *promotion.Winners) error { return w.Disqualify(key("bea"), "late", w0.Add(2*time.Hour)) }, cmkit.ErrConflict},
		{"disqualify twice", func(w *promotion.Winners) error { return w.Disqualify(key("eva"), "bot", w0.Add(2*time.Hour)) }, cmkit.ErrConflict},
		{"disqualify an unknown entry", func(w *promotion.Winners) error { return w.Disqualify("x:zoe:1", "bot", w0) }, cmkit.ErrNotFound},
		{"disqualify without a reason", func(w *promotion.Winners) error { return w.Disqualify(key("carl"), " ", w0) }, cmkit.ErrInvalid},
		{"claim a slot out of range", func(w *promotion.Winners) error { _, err := w.Claim(3, w0); return err }, cmkit.ErrNotFound},
		{"claim a negative slot", func(w *promotion.Winners) error { _, err := w.Claim(-1, w0); return err }, cmkit.ErrNotFound},
		{"claim a notified slot", func(w *promotion.Winners) error { _, err := w.Claim(2, w0); return err }, cmkit.ErrConflict},
		{"claim an accepted slot", func(w *promotion.Winners) error { _, err := w.Claim(0, w0); return err }, cmkit.ErrConflict},
		{"confirm an unknown notice", func(w *promotion.Winners) error { return w.Sent(uuid.New(), w0) }, cmkit.ErrNotFound},
		{"confirm the nil notice", func(w *promotion.Winners) error { return w.Sent(uuid.Nil, w0) }, cmkit.ErrInvalid},
		{"record a failure of the nil notice", func(w *promotion.Winners) error { return w.SendFailed(uuid.Nil, nil, w0) }, cmkit.ErrInvalid},
		{"confirm a notice twice", func(w *promotion.Winners) error { return w.Sent(w.Slots[2].Notice, w0) }, cmkit.ErrConflict},
		{"confirm a notice to a replaced winner", func(w *promotion.Winners) error {
			return w.Sent(promotion.NoticeID("acme-autumn-26", 1, key("bea")), w0)
		}, cmkit.ErrConflict},
		{"record a failure of an unknown notice", func(w *promotion.Winners) error { return w.SendFailed(uuid.New(), errors.New("x"), w0) }, cmkit.ErrNotFound},
		{"notice for a notified slot", func(w *promotion.Winners) error {
			_, err := w.Notice(2, promotion.DefaultWinnerTemplates(), w0)
			return err
		}, cmkit.ErrConflict},
		{"notice for a slot out of range", func(w *promotion.Winners) error {
			_, err := w.Notice(3, promotion.DefaultWinnerTemplates(), w0)
			return err
		}, cmkit.ErrNotFound},
		{"announce too early", func(w *promotion.Winners) error {
			_, err := w.Announcement(promotion.DefaultWinnerTemplates(), "en")
			return err
		}, cmkit.ErrConflict},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := setup(t)
			before := snapshot(t, &w)
			err := c.do(&w)
			require.ErrorIs(t, err, c.want)
			require.Equal(t, before, snapshot(t, &w), "a failed call changed the winners")
		})
	}
}

func TestWinnerWhoDoesNotAnswerIsReplacedAtTheDeadlineToTheSecond(t *testing.T) {
	w := newWinners(t)
	sent := w0.Add(90 * time.Second)
	notify(t, &w, sent)
	deadline := sent.Add(respond)
	require.NoError(t, w.Accept(key("bea"), sent.Add(time.Hour)))
	require.NoError(t, w.Accept(key("carl"), sent.Add(time.Hour)))

	require.Empty(t, w.Expire(deadline.Add(-time.Second)), "one second before the deadline")
	require.Equal(t, "notified ana", states(&w)[0])

	require.Equal(t, []string{key("ana")}, w.Expire(deadline))
	require.Equal(t, "to_notify dana", states(&w)[0])
	require.Equal(t, 2, w.Slots[0].Attempt)
	require.Len(t, w.Alternates, 2)
	n := len(w.Events)
	require.Equal(t, promotion.WinnerExpired, w.Events[n-2].Kind)
	require.Equal(t, key("ana"), w.Events[n-2].Entry)
	require.Equal(t, promotion.WinnerPicked, w.Events[n-1].Kind)
	require.Equal(t, key("dana"), w.Events[n-1].Entry)

	require.ErrorIs(t, w.Accept(key("ana"), deadline.Add(time.Minute)), cmkit.ErrConflict, "an expired winner cannot come back")
	require.Empty(t, w.Expire(deadline.Add(respond*2)), "a slot not yet notified does not expire")
}

func TestDisqualificationReplacesAtOnce(t *testing.T) {
	w := newWinners(t)
	notify(t, &w, w0)
	require.NoError(t, w.Accept(key("ana"), w0.Add(time.Hour)))
	require.NoError(t, w.Disqualify(key("ana"), "agency employee", w0.Add(2*time.Hour)))
	require.Equal(t, "to_notify dana", states(&w)[0], "an accepted winner may still be disqualified")
	require.NoError(t, w.Disqualify(key("carl"), "bot", w0.Add(2*time.Hour)))
	require.Equal(t, "to_notify eva", states(&w)[2])
	require.NoError(t, w.Disqualify(key("dana"), "bot", w0.Add(2*time.Hour)), "before being notified, too")
	require.Equal(t, "to_notify fede", states(&w)[0])
	require.Equal(t, 3, w.Slots[0].Attempt)
	ev := w.Events[len(w.Events)-2]
	require.Equal(t, promotion.WinnerDisqualified, ev.Kind)
	require.Equal(t, "bot", ev.Detail)
}

func TestDisqualifiedAlternateIsSkipped(t *testing.T) {
	w := newWinners(t)
	notify(t, &w, w0)
	require.NoError(t, w.Disqualify(key("dana"), "employee", w0))
	require.Equal(t, -1, w.Events[len(w.Events)-1].Slot)
	require.NoError(t, w.Decline(key("ana"), w0.Add(time.Hour)))
	require.Equal(t, "to_notify eva", states(&w)[0])
}

func TestAlternatesRunOutLeavesThePrizeUnclaimed(t *testing.T) {
	w := newWinners(t)
	notify(t, &w, w0)
	require.NoError(t, w.Accept(key("bea"), w0))
	require.NoError(t, w.Accept(key("carl"), w0))
	for _, h := range []string{"ana", "dana", "eva", "fede"} {
		require.NoError(t, w.Decline(key(h), w0), h)
		notify(t, &w, w0)
	}
	require.Equal(t, []string{"unclaimed ", "accepted bea", "accepted carl"}, states(&w))
	require.Equal(t, 4, w.Slots[0].Attempt)
	require.Equal(t, promotion.PrizeUnclaimed, w.Events[len(w.Events)-1].Kind)
	require.Empty(t, w.Due())
	require.True(t, w.Complete())
	entrants, prizes := w.Accepted()
	require.Equal(t, []string{"Mug", "Mug"}, prizes)
	require.Equal(t, "bea", entrants[0].Handle)
	require.ErrorIs(t, w.Disqualify(key("ana"), "x", w0), cmkit.ErrConflict)
}

func TestClockGoingBackNeverUnexpires(t *testing.T) {
	w := newWinners(t)
	notify(t, &w, w0)
	deadline := w0.Add(respond)
	require.Len(t, w.Expire(deadline), 3)
	// The clock jumps back a day: the expired winners stay out, and a
	// late answer is still late.
	back := deadline.Add(-24 * time.Hour)
	require.ErrorIs(t, w.Accept(key("ana"), back), cmkit.ErrConflict)
	notify(t, &w, back)
	require.Equal(t, deadline, w.Slots[0].NotifiedAt, "recorded at the last event's instant, not earlier")
	require.Equal(t, deadline.Add(respond), w.Slots[0].Deadline)
	require.Empty(t, w.Expire(back.Add(respond)), "the new winners' deadlines count from the clamped instant")
	for i := 1; i < len(w.Events); i++ {
		require.False(t, w.Events[i].At.Before(w.Events[i-1].At), "event %d goes back in time", i)
	}
}

func TestEntrantWithoutHandleIsWrittenToByAccountID(t *testing.T) {
	subs := winnerSubs()
	subs[0].AuthorHandle = ""
	k := subs[0].Key()
	require.Equal(t, "x:id-ana:m-ana", k)
	rec := promotion.DrawRecord{Winners: []string{k, key("bea"), key("carl")}}
	w, err := promotion.WinnersFromDraw(prizeDraw(), rec, subs, promotion.WinnerOptions{ResponseTime: respond}, w0)
	require.NoError(t, err)
	require.Equal(t, "id-ana", w.Slots[0].Winner.Handle)
}

func TestResponseTimeBounds(t *testing.T) {
	rec := promotion.DrawRecord{Winners: wkeys("ana", "bea", "carl")}
	for _, d := range []time.Duration{time.Minute, 90 * 24 * time.Hour} {
		_, err := promotion.WinnersFromDraw(prizeDraw(), rec, winnerSubs(), promotion.WinnerOptions{ResponseTime: d}, w0)
		require.NoError(t, err, d)
	}
	for _, d := range []time.Duration{time.Minute - 1, 90*24*time.Hour + 1, -time.Hour} {
		_, err := promotion.WinnersFromDraw(prizeDraw(), rec, winnerSubs(), promotion.WinnerOptions{ResponseTime: d}, w0)
		requireInvalid(t, err, "response_time", "range")
	}
}

func TestNoticeBeingSentNeverExpires(t *testing.T) {
	w := newWinners(t)
	_, err := w.Claim(0, w0)
	require.NoError(t, err)
	require.Empty(t, w.Expire(w0.Add(100*respond)))
	require.Equal(t, promotion.SlotSending, w.Slots[0].State)
}

// TestWinnersFromARealDraw runs the whole path: entries collected from
// mentions, frozen, drawn, and their winners followed.
func TestWinnersFromARealDraw(t *testing.T) {
	p := prizeDraw()
	e := newEntries(t, p, nil)
	for i, h := range []string{"ana", "bea", "carl", "dana", "eva", "fede"} {
		add(t, e, mention(h, "#sorteo @friend "+h, at(9, i)))
	}
	add(t, e, mention("ana", "#sorteo @friend again", at(10, 0))) // rejected: one entry per person
	subs := slices.Collect(e.All())
	require.Len(t, subs, 7)
	frozen, err := promotion.FreezeEntries(e.Keys())
	require.NoError(t, err)
	var seed promotion.Seed
	rec, err := promotion.Draw(seed, frozen, nil, 3, 3)
	require.NoError(t, err)
	w, err := promotion.WinnersFromDraw(p, rec, subs, promotion.WinnerOptions{ResponseTime: respond}, w0)
	require.NoError(t, err)
	for i, s := range w.Slots {
		require.Equal(t, rec.Winners[i], s.Winner.Entry)
		require.Equal(t, "acme-x", s.Winner.ChannelID)
	}
	for i, a := range w.Alternates {
		require.Equal(t, rec.Alternates[i], a.Entry)
	}
	// A draw that picked the rejected entry is refused.
	var rejected string
	for _, s := range subs {
		if !s.Accepted {
			rejected = s.Key()
		}
	}
	rec.Alternates[0] = rejected
	_, err = promotion.WinnersFromDraw(p, rec, subs, promotion.WinnerOptions{ResponseTime: respond}, w0)
	requireInvalid(t, err, "alternates[0]", "rejected")
}
