package promotion

import (
	"context"
	"errors"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/google/uuid"
)

// WinnerNotice is the direct message telling a winner they won.
type WinnerNotice struct {
	// ID is the notice's ID (NoticeID): every attempt to send one notice,
	// retries after a failure, a timeout or a crash included, carries the
	// same ID, so the notifier can drop a repeat.
	ID uuid.UUID `json:"id"`
	// Promotion is the promotion's ID.
	Promotion string `json:"promotion"`
	// Slot is the prize slot's index.
	Slot int `json:"slot"`
	// Entry is the winner's entry key.
	Entry string `json:"entry"`
	// Handle is the winner's handle, without "@".
	Handle string `json:"handle"`
	// AuthorID is the winner's account ID on the platform.
	AuthorID string `json:"author_id"`
	// Platform is the platform of the channel the winner entered on.
	Platform cmkit.Platform `json:"platform"`
	// ChannelID is the channel the winner entered on.
	ChannelID string `json:"channel_id"`
	// Language is the language the text is in.
	Language string `json:"language"`
	// Text is the message.
	Text string `json:"text"`
	// Deadline is the deadline the text states: the claim's instant plus
	// the response time. The recorded deadline counts from the confirmed
	// send, so it is never earlier.
	Deadline time.Time `json:"deadline"`
}

// WinnerNotifier sends a winner's notice, usually as a direct message on
// the channel they entered on; the product wires it to its channels.
//
// Notify returns nil only once the message is sent. It may be called
// again with the same notice ID after it failed, timed out or the process
// crashed mid-call: an implementation that can tell the message already
// went out (by remembering the IDs it delivered, or through a platform
// idempotency key) should return nil without sending it twice.
type WinnerNotifier interface {
	Notify(ctx context.Context, n WinnerNotice) error
}

// Notice builds the notice to slot i's winner, who is to be notified or
// whose notice is being sent, with the templates in the winner's language;
// at is the instant the deadline in the text counts from. It changes
// nothing: SendNotices builds the notice before claiming it, so that a
// template that fails on this winner's data claims nothing.
func (w *Winners) Notice(i int, t *WinnerTemplates, at time.Time) (WinnerNotice, error) {
	if i < 0 || i >= len(w.Slots) {
		return WinnerNotice{}, cmkit.Errorf(cmkit.ErrNotFound, "promotion: no prize slot %d (%d slots)", i, len(w.Slots))
	}
	s := &w.Slots[i]
	if s.State != SlotToNotify && s.State != SlotSending {
		return WinnerNotice{}, cmkit.Errorf(cmkit.ErrConflict, "promotion: prize slot %d is %s, nothing to send", i, s.State)
	}
	deadline := at.UTC().Add(w.ResponseTime)
	text, lang, err := t.Notice(s.Winner.Language, NoticeData{Handle: s.Winner.Handle, Prize: s.Prize, Brand: w.Brand,
		Promotion: w.Promotion, Deadline: formatDeadline(deadline, w.Zone)})
	if err != nil {
		return WinnerNotice{}, err
	}
	return WinnerNotice{ID: NoticeID(w.Promotion, i, s.Winner.Entry), Promotion: w.Promotion, Slot: i, Entry: s.Winner.Entry, Handle: s.Winner.Handle,
		AuthorID: s.Winner.AuthorID, Platform: s.Winner.Platform, ChannelID: s.Winner.ChannelID, Language: lang,
		Text: text, Deadline: deadline}, nil
}

// SaveWinners stores the winners; SendNotices and AnnounceWinners call it
// after every change, and before every call to a notifier.
type SaveWinners func(ctx context.Context, w *Winners) error

// SendNotices does the due notification work at the clock's time: it
// expires winners past their deadline (Expire), then for every due slot
// (Due) builds the notice (Notice), claims it (Claim) and saves, calls the
// notifier, and records the outcome (Sent, or SendFailed) and saves again.
// Saving the claim before the call is what makes it safe to crash: a
// notice whose outcome was lost stays sending and is sent again, with the
// same ID, by the next call, and the winner's deadline only starts once a
// send is confirmed.
//
// Notifier errors are recorded and returned, joined, after the other
// slots are tried; so are template errors, for which nothing is claimed.
// An error from save stops at once; w may then be ahead of the store, and
// the caller should reload it.
func SendNotices(ctx context.Context, w *Winners, clock cmkit.Clock, t *WinnerTemplates, n WinnerNotifier, save SaveWinners) error {
	if len(w.Expire(clock.Now())) > 0 {
		if err := save(ctx, w); err != nil {
			return err
		}
	}
	var errs []error
	for _, i := range w.Due() {
		if err := ctx.Err(); err != nil {
			return errors.Join(append(errs, err)...)
		}
		at := clock.Now()
		notice, err := w.Notice(i, t, at)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		id, err := w.Claim(i, at)
		if err != nil {
			return err
		}
		if err := save(ctx, w); err != nil {
			return err
		}
		if nerr := n.Notify(ctx, notice); nerr != nil {
			errs = append(errs, nerr)
			err = w.SendFailed(id, nerr, clock.Now())
		} else {
			err = w.Sent(id, clock.Now())
		}
		if err != nil {
			return err
		}
		if err := save(ctx, w); err != nil {
			return err
		}
	}
	return errors.Join(errs...)
}
