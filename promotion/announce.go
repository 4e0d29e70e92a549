package promotion

import (
	"context"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/google/uuid"
)

// Announcement is the public post naming the winners, in one language.
type Announcement struct {
	// ID names this announcement: a version 5 UUID of the promotion, the
	// language and the winners' entries, so a retry carries the same ID
	// and a changed list of winners a new one.
	ID uuid.UUID `json:"id"`
	// Promotion is the promotion's ID.
	Promotion string `json:"promotion"`
	// Language is the language the text is in.
	Language string `json:"language"`
	// Text is the post.
	Text string `json:"text"`
	// Entries are the accepted winners' entry keys, in slot order.
	Entries []string `json:"entries"`
}

// Announcer publishes the announcement of the winners; the product wires
// it to its content calendar. Announce returns nil once the post is
// scheduled or published, and may be called again with the same ID after
// a failure or a crash; an implementation should then not post twice.
type Announcer interface {
	Announce(ctx context.Context, a Announcement) error
}

// Announcement builds the announcement in lang (matched as
// WinnerTemplates.Notice matches it). It is ErrConflict until every slot
// is accepted or unclaimed (Complete).
func (w *Winners) Announcement(t *WinnerTemplates, lang string) (Announcement, error) {
	if !w.Complete() {
		return Announcement{}, cmkit.Errorf(cmkit.ErrConflict, "promotion: %q: not every prize is accepted or unclaimed yet", w.Promotion)
	}
	d := AnnouncementData{Brand: w.Brand, Promotion: w.Promotion}
	var entries []string
	for _, s := range w.Slots {
		if s.State == SlotAccepted {
			d.Winners = append(d.Winners, AnnouncedWinner{Handle: s.Winner.Handle, Prize: s.Prize})
			entries = append(entries, s.Winner.Entry)
		} else {
			d.Unclaimed = append(d.Unclaimed, s.Prize)
		}
	}
	text, used, err := t.Announcement(lang, d)
	if err != nil {
		return Announcement{}, err
	}
	id := uuid.NewSHA1(noticeNamespace, []byte("announcement\n"+w.Promotion+"\n"+used+"\n"+strings.Join(entries, "\n")))
	return Announcement{ID: id, Promotion: w.Promotion, Language: used, Text: text, Entries: entries}, nil
}

// Announced records at now that the Announcer confirmed announcement a.
func (w *Winners) Announced(a Announcement, now time.Time) {
	w.event(w.instant(now), WinnersAnnounced, -1, "", a.ID, a.Language)
}

// WasAnnounced reports whether announcement id was confirmed.
func (w *Winners) WasAnnounced(id uuid.UUID) bool {
	for _, ev := range w.Events {
		if ev.Kind == WinnersAnnounced && ev.Notice == id {
			return true
		}
	}
	return false
}

// AnnounceWinners announces the winners in each of langs not yet announced
// with the current list of winners: it builds the announcement, calls the
// announcer, records it (Announced) and saves. It is ErrConflict while a
// slot is neither accepted nor unclaimed; the first error from the
// announcer or save is returned, and a later call retries with the same
// ID.
func AnnounceWinners(ctx context.Context, w *Winners, clock cmkit.Clock, t *WinnerTemplates, a Announcer, langs []string, save SaveWinners) error {
	for _, lang := range langs {
		ann, err := w.Announcement(t, lang)
		if err != nil {
			return err
		}
		if w.WasAnnounced(ann.ID) {
			continue
		}
		if err := a.Announce(ctx, ann); err != nil {
			return err
		}
		w.Announced(ann, clock.Now())
		if err := save(ctx, w); err != nil {
			return err
		}
	}
	return nil
}
