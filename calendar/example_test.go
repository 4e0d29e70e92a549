package calendar_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	_ "time/tzdata" // zones work in containers without a zone database

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/calendar/recur"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
)

// Posts are added to a channel's queue: each takes the next free slot of
// its plan, here weekdays at 09:00 and 13:30 in Warsaw, two hours apart at
// least, with a holiday blacked out.
func ExampleCalendar_AddToQueue() {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		fmt.Println(err)
		return
	}
	clock := cmkittest.NewClock(time.Date(2026, 11, 10, 10, 0, 0, 0, warsaw)) // Tuesday

	// The team: sam is the social media manager of the brand acme.
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = team.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "sam"}},
		Grants: []roles.Grant{{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}}}})
	if err != nil {
		fmt.Println(err)
		return
	}

	// The channel and its posting plan.
	fb, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock,
		Info: cmkit.ChannelInfo{ID: "acme-pl-fb", Platform: cmkit.Facebook, Brand: "acme"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	plan, err := recur.ParseSlots("Mon-Fri 09:00 13:30, Europe/Warsaw")
	if err != nil {
		fmt.Println(err)
		return
	}
	plan.MinGap = 2 * time.Hour
	plan.Blackouts = []recur.Blackout{{Reason: "Independence Day",
		Start: time.Date(2026, 11, 11, 0, 0, 0, 0, warsaw), End: time.Date(2026, 11, 12, 0, 0, 0, 0, warsaw)}}
	cal, err := calendar.New(calendar.NewMemoryStore(), calendar.WithTeam(team), calendar.WithClock(clock),
		calendar.WithChannels(fb), calendar.WithSlots("acme-pl-fb", plan), calendar.WithLogger(quiet))
	if err != nil {
		fmt.Println(err)
		return
	}

	asSam := roles.WithActor(ctx, "sam")
	for _, text := range []string{"Nowa kolekcja!", "Zniżki tylko dziś", "Konkurs: wygraj kurtkę"} {
		e, err := cal.Create(asSam, calendar.Entry{Title: text, Brand: "acme",
			Variants: []calendar.Variant{{Channel: "acme-pl-fb", Post: cmkit.Post{Text: text}}}})
		if err != nil {
			fmt.Println(err)
			return
		}
		e, err = cal.Submit(asSam, e.ID, e.Version) // the SMM needs no approval
		if err != nil {
			fmt.Println(err)
			return
		}
		e, err = cal.AddToQueue(asSam, e.ID, e.Version)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%-24s %s\n", e.Title, e.At.In(warsaw).Format("Mon 2 Jan 15:04"))
	}
	// Output:
	// Nowa kolekcja!           Tue 10 Nov 13:30
	// Zniżki tylko dziś        Thu 12 Nov 09:00
	// Konkurs: wygraj kurtkę   Thu 12 Nov 13:30
}

// A weekly post every Friday at 09:00 in Madrid stays at 09:00 local time
// when the clocks change, and the publisher publishes each on simulated
// time.
func ExampleCalendar_CreateSeries() {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		fmt.Println(err)
		return
	}
	clock := cmkittest.NewClock(time.Date(2026, 3, 16, 8, 0, 0, 0, madrid))

	// The team: sam is the social media manager of the brand acme.
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = team.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "sam"}},
		Grants: []roles.Grant{{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}}}})
	if err != nil {
		fmt.Println(err)
		return
	}

	masto, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: "acme-es-mastodon", Platform: cmkit.Mastodon, Brand: "acme", RetrySafety: cmkit.RetryIdempotent}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cal, err := calendar.New(calendar.NewMemoryStore(), calendar.WithTeam(team), calendar.WithClock(clock),
		calendar.WithChannels(masto), calendar.WithLogger(quiet))
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := calendar.DefaultPublisherConfig()
	cfg.Name = "p1"
	pub, err := calendar.NewPublisher(cal, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}

	asSam := roles.WithActor(ctx, "sam")
	rule, err := recur.ParseRRule("FREQ=WEEKLY;BYDAY=FR;COUNT=3")
	if err != nil {
		fmt.Println(err)
		return
	}
	series, err := cal.CreateSeries(asSam, calendar.Entry{Title: "Viernes", Brand: "acme",
		Variants: []calendar.Variant{{Channel: "acme-es-mastodon", Post: cmkit.Post{Text: "¡Feliz viernes!"}}}},
		recur.Recurrence{Rule: rule, Location: madrid, Start: recur.WallTime{Year: 2026, Month: 3, Day: 20, Hour: 9}},
		time.Date(2026, 12, 31, 0, 0, 0, 0, madrid))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range series {
		e, err = cal.Submit(asSam, e.ID, e.Version)
		if err != nil {
			fmt.Println(err)
			return
		}
		if _, err = cal.Schedule(asSam, e.ID, e.Version); err != nil {
			fmt.Println(err)
			return
		}
	}
	for range 3 * 7 * 24 { // three weeks, an hour at a time
		clock.Advance(time.Hour)
		if _, err := pub.RunOnce(ctx); err != nil {
			fmt.Println(err)
			return
		}
	}
	for _, p := range masto.Posts() {
		fmt.Println(p.Receipt.PublishedAt.In(madrid).Format("Mon 2 Jan 15:04 MST"), p.Post.Text)
	}
	// Output:
	// Fri 20 Mar 09:00 CET ¡Feliz viernes!
	// Fri 27 Mar 09:00 CET ¡Feliz viernes!
	// Fri 3 Apr 09:00 CEST ¡Feliz viernes!
}

// The calendar exports to iCalendar for Google Calendar or Outlook.
func ExampleWriteICal() {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		fmt.Println(err)
		return
	}
	entries := []calendar.Entry{{ID: cmkit.NewID(), Title: "Winter catalogue, Spain", State: calendar.Scheduled,
		At: time.Date(2026, 12, 1, 9, 0, 0, 0, madrid), Zone: "Europe/Madrid", Labels: []string{"promotion"},
		Variants: []calendar.Variant{{Channel: "acme-es-x", Post: cmkit.Post{Text: "¡Nuevo catálogo!"}}}}}
	// WriteICal reads entries the way Calendar.Entries yields them.
	seq := func(yield func(calendar.Entry, error) bool) {
		for _, e := range entries {
			if !yield(e, nil) {
				return
			}
		}
	}
	var buf bytes.Buffer
	err = calendar.WriteICal(&buf, seq, calendar.ICalOptions{Name: "Acme", Now: time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(buf.String(), "\r\n") {
		for _, p := range []string{"DTSTART;", "SUMMARY", "CATEGORIES", "STATUS"} {
			if strings.HasPrefix(line, p) {
				fmt.Println(line)
			}
		}
	}
	// Output:
	// DTSTART;TZID=Europe/Madrid:20261201T090000
	// SUMMARY:Winter catalogue\, Spain
	// CATEGORIES:promotion
	// STATUS:CONFIRMED
}

// A sheet saved by Excel in Polish as "CSV UTF-8" (a byte-order mark,
// semicolons, CRLF) is checked first with a dry run, its local times read
// in Warsaw; a time whose offset is not Warsaw's on that date (summer time
// in November) is kept as that instant, and flagged.
func ExampleCalendar_ImportCSV() {
	ctx := context.Background()
	quiet := slog.New(slog.DiscardHandler)
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		fmt.Println(err)
		return
	}
	clock := cmkittest.NewClock(time.Date(2026, 11, 10, 10, 0, 0, 0, warsaw))

	// The team: sam is the social media manager of the brand acme.
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = team.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "sam"}},
		Grants: []roles.Grant{{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}}}})
	if err != nil {
		fmt.Println(err)
		return
	}

	fb, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock,
		Info: cmkit.ChannelInfo{ID: "acme-pl-fb", Platform: cmkit.Facebook, Brand: "acme"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cal, err := calendar.New(calendar.NewMemoryStore(), calendar.WithTeam(team), calendar.WithClock(clock),
		calendar.WithChannels(fb), calendar.WithLogger(quiet))
	if err != nil {
		fmt.Println(err)
		return
	}
	sheet := "\ufeffTitle;Channel;Text;At\r\n" +
		"Nowa kolekcja;acme-pl-fb;\"Już jest; zobacz!\";2026-11-12 09:00\r\n" +
		"Konkurs;acme-pl-fb;Wygraj kurtkę;2026-11-13T09:00:00+02:00\r\n"

	asSam := roles.WithActor(ctx, "sam")
	res, err := cal.ImportCSV(asSam, strings.NewReader(sheet), &calendar.CSVOptions{Zone: "Europe/Warsaw", DryRun: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range res.Entries {
		fmt.Printf("%-14s %s %s\n", e.Title, e.At.In(warsaw).Format("Mon 2 Jan 15:04"), e.Zone)
	}
	for _, w := range res.Warnings {
		fmt.Println(w.Field, w.Rule)
	}
	n := 0
	for _, err := range cal.Entries(asSam, calendar.Query{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		n++
	}
	fmt.Println(n, "entries stored")
	// Output:
	// Nowa kolekcja  Thu 12 Nov 09:00 Europe/Warsaw
	// Konkurs        Fri 13 Nov 08:00 Europe/Warsaw
	// line 3, column at offset_mismatch
	// 0 entries stored
}

// The social media manager creates a campaign during the year; entries of
// its brand join it by name and are scheduled only within its dates, and
// once it is closed no entry joins it.
func ExampleCalendar_CreateCampaign() {
	ctx := context.Background()
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		fmt.Println(err)
		return
	}
	clock := cmkittest.NewClock(time.Date(2026, 11, 2, 10, 0, 0, 0, madrid))

	// The team: sam is the social media manager of the brand acme.
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = team.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "sam"}},
		Grants: []roles.Grant{{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	x, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock,
		Info: cmkit.ChannelInfo{ID: "acme-es-x", Platform: cmkit.X, Brand: "acme"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cal, err := calendar.New(calendar.NewMemoryStore(), calendar.WithTeam(team), calendar.WithClock(clock),
		calendar.WithChannels(x), calendar.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	asSam := roles.WithActor(ctx, "sam")

	sale, err := cal.CreateCampaign(asSam, calendar.Campaign{Name: "black-friday-2026", Brand: "acme", Goal: "+10% sales",
		Start: time.Date(2026, 11, 27, 0, 0, 0, 0, madrid), End: time.Date(2026, 11, 30, 0, 0, 0, 0, madrid)})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sale.Name, sale.State, "version", sale.Version)

	for _, day := range []int{27, 30} {
		e, err := cal.Create(asSam, calendar.Entry{Title: "Black Friday", Campaign: sale.Name,
			At: time.Date(2026, 11, day, 9, 0, 0, 0, madrid), Zone: "Europe/Madrid",
			Variants: []calendar.Variant{{Channel: "acme-es-x", Post: cmkit.Post{Text: "¡Rebajas!"}}}})
		if err != nil {
			fmt.Println(err)
			return
		}
		if e, err = cal.Submit(asSam, e.ID, e.Version); err != nil {
			fmt.Println(err)
			return
		}
		if _, err := cal.Schedule(asSam, e.ID, e.Version); err != nil {
			var ce *calendar.CheckError
			if errors.As(err, &ce) {
				fmt.Printf("%d Nov: %s\n", day, ce.Findings[0].Rule)
				continue
			}
			fmt.Println(err)
			return
		}
		fmt.Printf("%d Nov: scheduled\n", day)
	}

	if sale, err = cal.CloseCampaign(asSam, sale.Name, sale.Version); err != nil {
		fmt.Println(err)
		return
	}
	_, err = cal.Create(asSam, calendar.Entry{Title: "Late", Campaign: sale.Name,
		Variants: []calendar.Variant{{Channel: "acme-es-x", Post: cmkit.Post{Text: "¡Más rebajas!"}}}})
	fmt.Println(sale.State, errors.Is(err, cmkit.ErrInvalid))
	// Output:
	// black-friday-2026 active version 1
	// 27 Nov: scheduled
	// 30 Nov: outside_campaign
	// closed true
}

// A long announcement, split into a thread with SplitThreadWith, is
// scheduled as one variant: the publisher sends its posts in order, each a
// reply to the one before it.
func ExampleVariant_thread() {
	ctx := context.Background()
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		fmt.Println(err)
		return
	}
	clock := cmkittest.NewClock(time.Date(2026, 11, 23, 9, 0, 0, 0, madrid))

	// The team: sam is the social media manager of the brand acme.
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	err = team.Bootstrap(ctx, &roles.Team{Members: []roles.Member{{ID: "sam"}},
		Grants: []roles.Grant{{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	masto, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: "acme-es-mastodon", Platform: cmkit.Mastodon, Brand: "acme", RetrySafety: cmkit.RetryIdempotent,
		Limits: cmkit.Limits{MaxLength: 40, Counting: cmkit.CountGraphemes}}})
	if err != nil {
		fmt.Println(err)
		return
	}
	cal, err := calendar.New(calendar.NewMemoryStore(), calendar.WithTeam(team), calendar.WithClock(clock),
		calendar.WithChannels(masto), calendar.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		fmt.Println(err)
		return
	}
	cfg := calendar.DefaultPublisherConfig()
	cfg.Name = "p1"
	pub, err := calendar.NewPublisher(cal, cfg)
	if err != nil {
		fmt.Println(err)
		return
	}

	parts, err := masto.Info().Limits.SplitThreadWith(
		"Hoy abrimos la tienda de Madrid. Habrá regalos para los cien primeros clientes. ¡Os esperamos!",
		cmkit.SplitOptions{Numbering: " (%d/%d)"})
	if err != nil {
		fmt.Println(err)
		return
	}
	v := calendar.Variant{Channel: "acme-es-mastodon", Post: cmkit.Post{Text: parts[0]}}
	for _, p := range parts[1:] {
		v.Thread = append(v.Thread, cmkit.Post{Text: p})
	}
	asSam := roles.WithActor(ctx, "sam")
	e, err := cal.Create(asSam, calendar.Entry{Title: "Apertura", At: clock.Now(), Variants: []calendar.Variant{v}})
	if err != nil {
		fmt.Println(err)
		return
	}
	if e, err = cal.Submit(asSam, e.ID, e.Version); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := cal.Schedule(asSam, e.ID, e.Version); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := pub.RunOnce(ctx); err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range masto.Posts() {
		fmt.Printf("%s replies to %-18q %s\n", p.Receipt.PlatformID, p.Post.InReplyTo, p.Post.Text)
	}
	// Output:
	// acme-es-mastodon-1 replies to ""                 Hoy abrimos la tienda de Madrid. (1/3)
	// acme-es-mastodon-2 replies to "acme-es-mastodon-1" Habrá regalos para los cien (2/3)
	// acme-es-mastodon-3 replies to "acme-es-mastodon-2" primeros clientes. ¡Os esperamos! (3/3)
}
