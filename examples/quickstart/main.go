// Quickstart walks a junior community manager's post through approval and
// publishes it to two channels, printing what happened. It runs entirely in
// memory: the team uses roles' memory store and the channels are cmkittest
// fakes, so no account or network is needed. Later cmkit packages
// (calendar, moderation, kpi, crisis) extend this tour.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"
	_ "time/tzdata" // wall-clock rules work in containers without a zone database

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
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

	// The team: Sam manages the brand, Bea is a senior CM, Ola a junior CM.
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock),
		roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return err
	}
	acme := roles.Scope{Brand: "acme"}
	if err := team.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "bea"}, {ID: "ola"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: acme},
			{Member: "bea", Role: roles.SeniorCM, Scope: acme},
			{Member: "ola", Role: roles.JuniorCM, Scope: acme},
		},
	}); err != nil {
		return err
	}
	policy := roles.DefaultPolicy()

	for _, info := range infos {
		ch, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: info, Clock: clock})
		if err != nil {
			return err
		}
		// Ola drafted the post; as a junior she needs a senior's approval,
		// and she may not publish herself.
		draft := roles.Item{ID: cmkit.NewID(), Version: 1, Kind: roles.KindPost, Author: "ola", Resource: roles.ResourceOf(info)}
		st, err := team.ApprovalStatus(ctx, policy, draft, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s: drafted by ola, approved=%v, can approve: %v\n", info.ID, st.Approved, st.Open()[0].CanApprove)
		if err := team.Check(roles.WithActor(ctx, "ola"), roles.PublishPost, roles.ResourceOf(info)); errors.Is(err, cmkit.ErrForbidden) {
			fmt.Fprintf(w, "  ola may not publish it herself (cmkit.ErrForbidden)\n")
		}
		approvals, err := team.Approve(roles.WithActor(ctx, "bea"), policy, draft, nil)
		if err != nil {
			return err
		}
		if st, _ = team.ApprovalStatus(ctx, policy, draft, approvals); !st.Approved {
			return fmt.Errorf("%s: still not approved", info.ID)
		}
		if err := team.Check(roles.WithActor(ctx, "bea"), roles.PublishPost, roles.ResourceOf(info)); err != nil {
			return err
		}
		fmt.Fprintf(w, "  approved by bea, who publishes it\n")

		fmt.Fprintf(w, "  channel: %s, %s, retry %s\n", info.Platform, info.Country, info.RetrySafety)
		post := cmkit.Post{ID: draft.ID, Text: texts[info.ID], Language: info.Languages[0]}
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
