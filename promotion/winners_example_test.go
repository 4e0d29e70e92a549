package promotion_test

import (
	"context"
	"fmt"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/promotion"
)

// printDMs is a WinnerNotifier that prints each notice instead of sending a
// direct message.
type printDMs struct{}

func (printDMs) Notify(_ context.Context, n promotion.WinnerNotice) error {
	fmt.Printf("DM to @%s (%s): %s\n", n.Handle, n.Language, n.Text)
	return nil
}

// printPosts is an Announcer that prints the announcement instead of
// putting it on the content calendar.
type printPosts struct{}

func (printPosts) Announce(_ context.Context, a promotion.Announcement) error {
	fmt.Printf("post (%s): %s\n", a.Language, a.Text)
	return nil
}

// A winner who does not answer by the deadline is replaced by the first
// alternate, who accepts; then the winners are announced.
func ExampleSendNotices() {
	p := promotion.Promotion{
		ID: "acme-autumn-26", Kind: promotion.KindGiveaway, Brand: "acme",
		Channels: []promotion.ChannelRef{{ID: "acme-x", Platform: cmkit.X}},
		Zone:     "Europe/Warsaw", Start: "2026-10-20T12:00", End: "2026-10-26T12:00",
		Prizes:   []promotion.Prize{{Name: "a weekend for two in Kraków", Quantity: 1}},
		TermsURL: "https://acme.example/terms", Countries: []string{"PL", "ES"},
	}
	// The accepted entries, and a draw with one winner and two alternates
	// (in a real giveaway: Entries.All, FreezeEntries and Draw).
	var subs []promotion.Submission
	for _, h := range []string{"marta", "pedro", "olek"} {
		subs = append(subs, promotion.Submission{Accepted: true, Platform: cmkit.X, ChannelID: "acme-x",
			MentionID: "m-" + h, AuthorID: "id-" + h, AuthorHandle: h})
	}
	rec := promotion.DrawRecord{Winners: []string{subs[0].Key()}, Alternates: []string{subs[1].Key(), subs[2].Key()}}

	clock := cmkittest.NewClock(time.Date(2026, 10, 27, 9, 0, 0, 0, time.UTC))
	w, err := promotion.WinnersFromDraw(p, rec, subs, promotion.WinnerOptions{
		ResponseTime: 72 * time.Hour,
		Languages:    map[string]string{subs[0].Key(): "pl", subs[1].Key(): "es"},
	}, clock.Now())
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	tpl := promotion.DefaultWinnerTemplates()
	save := func(context.Context, *promotion.Winners) error { return nil } // a real product stores w here

	// Marta is notified and does not answer.
	if err := promotion.SendNotices(ctx, &w, clock, tpl, printDMs{}, save); err != nil {
		panic(err)
	}
	clock.Advance(72 * time.Hour)
	// At the deadline she is replaced by the first alternate, Pedro.
	if err := promotion.SendNotices(ctx, &w, clock, tpl, printDMs{}, save); err != nil {
		panic(err)
	}
	clock.Advance(5 * time.Hour)
	if err := w.Accept(subs[0].Key(), clock.Now()); err != nil {
		fmt.Println("marta:", err)
	}
	if err := w.Accept(subs[1].Key(), clock.Now()); err != nil {
		panic(err)
	}
	fmt.Print(w.String())
	if err := promotion.AnnounceWinners(ctx, &w, clock, tpl, printPosts{}, []string{"en", "pl"}, save); err != nil {
		panic(err)
	}
	// Output:
	// DM to @marta (pl): Gratulacje, @marta! Twoja nagroda w promocji acme: a weekend for two in Kraków. Odpowiedz na tę wiadomość do 2026-10-30 10:00 CET, aby ją odebrać; po tym terminie nagroda przejdzie na kolejną osobę z listy.
	// DM to @pedro (es): ¡Enhorabuena, @pedro! Has ganado a weekend for two in Kraków en la promoción de acme. Responde a este mensaje antes del 2026-11-02 10:00 CET para reclamarlo; después, el premio pasará a la siguiente persona de la lista.
	// marta: promotion: entry "x:marta:m-marta" already expired at 2026-10-30T09:00:00Z
	// 0 a weekend for two in Kraków: accepted x:pedro:m-pedro
	// post (en): The winners of the acme promotion: @pedro (a weekend for two in Kraków). Congratulations, and thank you all for taking part!
	// post (pl): Zwycięzcy promocji acme: @pedro (a weekend for two in Kraków). Gratulujemy i dziękujemy wszystkim za udział!
}
