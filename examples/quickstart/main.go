// Quickstart publishes one post to each of two channels and prints what
// happened. It runs entirely in memory: the channels are cmkittest fakes, so
// no account or network is needed. Later cmkit packages (roles, calendar,
// moderation, kpi, crisis) extend this tour.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
	_ "time/tzdata" // wall-clock rules work in containers without a zone database

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, w io.Writer) error {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		return err
	}
	// A simulated clock, so the output is the same on every run.
	clock := cmkittest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, madrid))

	// Two accounts of one brand: Spain on Mastodon (idempotent publishing)
	// and Poland on Facebook (no retry safety).
	infos := []cmkit.ChannelInfo{
		{ID: "acme-es-mastodon", Platform: cmkit.Mastodon, Handle: "@acme_es", Brand: "acme", Country: "ES",
			Languages: []string{"es"}, Limits: cmkit.Limits{MaxLength: 500, URLLength: 23}, RetrySafety: cmkit.RetryIdempotent},
		{ID: "acme-pl-facebook", Platform: cmkit.Facebook, Handle: "AcmePolska", Brand: "acme", Country: "PL",
			Languages: []string{"pl"}, Limits: cmkit.Limits{MaxLength: 63206}, RetrySafety: cmkit.RetryUnsafe},
	}
	texts := map[string]string{
		"acme-es-mastodon": "¡Nuevo catálogo de invierno! Descúbrelo en https://acme.example/es #Promoción",
		"acme-pl-facebook": "Nowa kolekcja zimowa już w sklepie! Zajrzyj: https://acme.example/pl #Zniżki2026",
	}

	for _, info := range infos {
		ch, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: info, Clock: clock})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s (%s, %s, retry %s)\n", info.ID, info.Platform, info.Country, info.RetrySafety)
		post := cmkit.Post{ID: cmkit.NewID(), Text: texts[info.ID], Language: info.Languages[0]}
		rc, err := ch.Publish(ctx, post)
		if err != nil {
			fmt.Fprintf(w, "  failed (%s): %v\n", cmkit.Classify(err), err)
			continue
		}
		fmt.Fprintf(w, "  published %s at %s\n", rc.PlatformID, rc.PublishedAt.In(madrid).Format("Mon 2 Jan 15:04 MST"))
		fmt.Fprintf(w, "  %s\n", rc.URL)
		fmt.Fprintf(w, "  capabilities: %v\n", cmkit.Capabilities(ch))

		// The failure schedulers get wrong: the platform publishes, then
		// the answer is lost. What may be retried depends on the channel.
		ch.Inject(cmkittest.FaultLostResponse)
		again := cmkit.Post{ID: cmkit.NewID(), Text: "Follow-up", Language: post.Language}
		_, err = ch.Publish(ctx, again)
		fmt.Fprintf(w, "  lost response: %s failure\n", cmkit.Classify(err))
		if info.RetrySafety == cmkit.RetryIdempotent {
			_, err = ch.Publish(ctx, again)
			fmt.Fprintf(w, "  retried with the same post ID: err=%v, copies on the platform: %d\n", err, ch.Count(again.ID))
		} else {
			fmt.Fprintf(w, "  not retried: unknown, a person verifies (copies on the platform: %d)\n", ch.Count(again.ID))
		}
		clock.Advance(30 * time.Minute)
	}
	return nil
}
