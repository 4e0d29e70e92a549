package promotion_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
)

// FuzzWinnersFromStore: winners read back from a store, however damaged,
// never make a transition panic, and every error is classified.
func FuzzWinnersFromStore(f *testing.F) {
	rec := promotion.DrawRecord{Winners: wkeys("ana", "bea", "carl"), Alternates: wkeys("dana", "eva")}
	w, err := promotion.WinnersFromDraw(prizeDraw(), rec, winnerSubs(), promotion.WinnerOptions{ResponseTime: respond}, w0)
	if err != nil {
		f.Fatal(err)
	}
	good, _ := json.Marshal(w)
	f.Add(good, "x:ana:m-ana", int64(0))
	f.Add([]byte(`{"slots":[{"state":"notified","deadline":"2026-01-01T00:00:00Z"}],"alternates":[{"entry":""}]}`), "", int64(1))
	f.Add([]byte(`{"slots":[{"state":"accepted","winner":{"entry":"a"}},{"state":"to_notify","winner":{"entry":"a"}}]}`), "a", int64(-1))
	f.Fuzz(func(t *testing.T, data []byte, entry string, shift int64) {
		var w promotion.Winners
		if json.Unmarshal(data, &w) != nil {
			return
		}
		now := w0.Add(time.Duration(shift) * time.Second)
		check := func(err error) {
			if err != nil && !errors.Is(err, cmkit.ErrInvalid) && !errors.Is(err, cmkit.ErrNotFound) && !errors.Is(err, cmkit.ErrConflict) {
				t.Fatalf("unclassified error: %v", err)
			}
		}
		tpl := promotion.DefaultWinnerTemplates()
		for _, i := range w.Due() {
			_, err := w.Notice(i, tpl, now)
			check(err)
			id, err := w.Claim(i, now)
			check(err)
			check(w.SendFailed(id, errors.New("down"), now))
			check(w.Sent(id, now))
		}
		check(w.Accept(entry, now))
		check(w.Decline(entry, now))
		check(w.Disqualify(entry, "fuzz", now))
		w.Expire(now.Add(respond))
		_, err := w.Announcement(tpl, "pl")
		check(err)
		_ = w.String()
	})
}
