// Quickstart is a tour of cmkit on in-memory defaults: a team with roles, a
// brand style guide checking a draft, a junior community manager's posts
// going through approval, a week of posts
// queued into each channel's posting slots, and the publisher taking them
// out on simulated time, through the failures real platforms produce.
// No account or network is needed: the channels are cmkittest fakes.
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
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/calendar/recur"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
	"github.com/cmkit/cmkit/styleguide"
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
	quiet := slog.New(slog.DiscardHandler)
	// A simulated clock, so the output is the same on every run: Monday
	// 23 November 2026, 08:00 in Madrid.
	clock := cmkittest.NewClock(time.Date(2026, 11, 23, 8, 0, 0, 0, madrid))

	// 1. The team: Sam manages the brand, Bea is a senior CM, Ola a junior.
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
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

	// 2. Two accounts of the brand, with their platforms' real limits:
	// Spain on Mastodon (idempotent publishing) and Poland on Facebook (no
	// retry safety, so an unclear failure goes to a person).
	mastoLimits, _ := cmkit.PlatformLimits(cmkit.Mastodon)
	fbLimits, _ := cmkit.PlatformLimits(cmkit.Facebook)
	es, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: "acme-es-mastodon", Platform: cmkit.Mastodon, Handle: "@acme_es", Brand: "acme", Country: "ES",
		Languages: []string{"es"}, Limits: mastoLimits, RetrySafety: cmkit.RetryIdempotent}})
	if err != nil {
		return err
	}
	pl, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: "acme-pl-facebook", Platform: cmkit.Facebook, Handle: "AcmePolska", Brand: "acme", Country: "PL",
		Languages: []string{"pl"}, Limits: fbLimits, RetrySafety: cmkit.RetryUnsafe}})
	if err != nil {
		return err
	}

	// 3. The brand's style guide, as the social media manager writes it in
	// JSON: "barato" and "tani" (cheap) are banned, the Spanish team writes
	// "correo", not "email" (both masculine singular, so the fix is safe
	// to apply), and two exclamation marks are enough. The
	// calendar runs it on every post before scheduling and before sending.
	layer, err := styleguide.ParseLayer([]byte(`{"name": "acme", "rules": [
	  {"id": "no-cheap", "kind": "banned", "severity": "error", "terms": ["barato", "tani", "cheap"]},
	  {"id": "correo", "kind": "substitution", "scope": {"languages": ["es"]},
	   "replace": [{"avoid": ["email", "e-mail"], "use": "correo", "avoid_gender": "m", "avoid_number": "sg"}]},
	  {"id": "bangs", "kind": "count", "count": "exclamations", "max": 2}
	]}`))
	if err != nil {
		return err
	}
	guide, err := styleguide.Compile([]styleguide.Layer{layer})
	if err != nil {
		return err
	}
	draft := styleguide.Draft{Text: "Envío gratis hasta el domingo, ¡todo barato! Escríbenos un email.",
		Language: "es", Platform: cmkit.Mastodon}
	fmt.Fprintf(w, "The style guide on Ola's first draft, %q:\n", draft.Text)
	for _, a := range guide.Check(nil, draft) {
		fmt.Fprintf(w, "  %s %s at %d:%d: %s\n", a.Severity, a.RuleID, a.Line, a.Column, a.Message)
	}
	fixed, _ := guide.Fix(draft)
	fmt.Fprintf(w, "  automatic fixes: %q; the banned word she rewrites herself.\n\n", fixed)

	// 4. The calendar, with each channel's posting slots and the guide.
	esSlots, err := recur.ParseSlots("Mon-Fri 09:00 13:30, Europe/Madrid")
	if err != nil {
		return err
	}
	plSlots, err := recur.ParseSlots("Mon-Fri 10:00, Sat 11:00, Europe/Warsaw")
	if err != nil {
		return err
	}
	cal, err := calendar.New(calendar.NewMemoryStore(), calendar.WithTeam(team), calendar.WithClock(clock),
		calendar.WithChannels(es, pl), calendar.WithSlots(es.Info().ID, esSlots), calendar.WithSlots(pl.Info().ID, plSlots),
		calendar.WithStyleGuide(guide, calendar.StyleOptions{}), calendar.WithLogger(quiet))
	if err != nil {
		return err
	}
	cfg := calendar.DefaultPublisherConfig()
	cfg.Name, cfg.Seed = "publisher-1", 1
	cfg.MaxAttempts, cfg.Backoff, cfg.MaxBackoff = 5, 5*time.Minute, time.Hour
	pub, err := calendar.NewPublisher(cal, cfg)
	if err != nil {
		return err
	}

	// 5. Ola drafts a week of posts. As a junior she needs a senior's
	// approval, may not approve her own posts, and may not schedule.
	asOla, asBea := roles.WithActor(ctx, "ola"), roles.WithActor(ctx, "bea")
	plan := []struct{ channel, text string }{
		{"acme-es-mastodon", "¡Nuevo catálogo de invierno! https://acme.example/es #Promoción"},
		{"acme-pl-facebook", "Nowa kolekcja zimowa już w sklepie! https://acme.example/pl #Zniżki2026"},
		{"acme-es-mastodon", "Tres ideas para regalar esta Navidad 🎁"},
		{"acme-pl-facebook", "Konkurs: wygraj kurtkę! Napisz w komentarzu, gdzie ją zabierzesz ❄️"},
		{"acme-es-mastodon", "Envío gratis hasta el domingo"},
		{"acme-pl-facebook", "Darmowa dostawa do niedzieli"},
	}
	fmt.Fprintln(w, "Ola drafts the week; Bea approves and queues each post:")
	for i, p := range plan {
		e, err := cal.Create(asOla, calendar.Entry{Title: fmt.Sprintf("post %d", i+1), Brand: "acme",
			Variants: []calendar.Variant{{Channel: p.channel, Post: cmkit.Post{Text: p.text}}}})
		if err != nil {
			return err
		}
		if e, err = cal.Submit(asOla, e.ID, e.Version); err != nil {
			return err
		}
		if i == 0 {
			st, err := team.ApprovalStatus(ctx, roles.DefaultPolicy(), roles.Item{ID: e.ID, Version: 1, Kind: roles.KindPost,
				Authors: []string{"ola"}, Resources: []roles.Resource{roles.ResourceOf(es.Info())}}, nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "  %s is %s; who can approve: %v\n", e.Title, e.State, st.Open()[0].CanApprove)
			_, err = cal.Approve(asOla, e.ID, e.Version)
			fmt.Fprintf(w, "  ola approving her own post: refused (%v)\n", errors.Is(err, cmkit.ErrForbidden))
		}
		if e, err = cal.Approve(asBea, e.ID, e.Version); err != nil {
			return err
		}
		if e, err = cal.AddToQueue(asBea, e.ID, e.Version); err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s -> %-16s %s\n", e.Title, p.channel, e.At.In(madrid).Format("Mon 2 Jan 15:04 MST"))
	}

	// 6. The platforms misbehave as real ones do: Mastodon loses one
	// answer after publishing (a retry with the same post ID is safe
	// there), Facebook answers 503 once, then loses an answer too.
	es.Inject(cmkittest.FaultLostResponse)
	pl.Inject(cmkittest.FaultTransient, cmkittest.FaultLostResponse)

	// 7. The publisher runs through the week on simulated time.
	for range 7 * 24 * 4 {
		clock.Advance(15 * time.Minute)
		if _, err := pub.RunOnce(ctx); err != nil {
			return err
		}
	}

	fakes := map[string]*cmkittest.FakeChannel{es.Info().ID: es, pl.Info().ID: pl}
	report := func(title string) error {
		fmt.Fprintln(w, title)
		for e, err := range cal.Entries(ctx, calendar.Query{}) {
			if err != nil {
				return err
			}
			v := e.Variants[0]
			fmt.Fprintf(w, "  %s %-16s %-9s attempts=%d copies on the platform=%d\n", e.Title, v.Channel, e.State,
				len(v.Attempts), fakes[v.Channel].Count(v.Post.ID))
		}
		return nil
	}
	if err := report("\nAfter the week (no post went out twice; an unclear Facebook failure waits for a person):"); err != nil {
		return err
	}

	// 8. Bea checks Facebook, finds the post, and settles it.
	for e, err := range cal.Entries(ctx, calendar.Query{States: []calendar.State{calendar.Verify}}) {
		if err != nil {
			return err
		}
		v := e.Variants[0]
		posts := fakes[v.Channel].Posts()
		found := ""
		for _, p := range posts {
			if p.Post.ID == v.Post.ID {
				found = p.Receipt.PlatformID
			}
		}
		if _, err := cal.Resolve(asBea, e.ID, e.Version, calendar.Resolution{Channel: v.Channel, Found: found != "", PlatformID: found}); err != nil {
			return err
		}
		fmt.Fprintf(w, "\nBea found %s on the platform as %s and marked it published.\n", e.Title, found)
	}
	return report("\nFinally:")
}
