// Command kpi shows two weeks of a community team's KPIs, on in-memory
// defaults and a simulated clock: the social media manager defines KPIs
// with targets and a weekly sheet; a collector reads posts' insights and
// follower counts from two fake platforms; the moderation inbox, wired
// through its event hook and its listening tally, records mentions, their
// sentiment, response times and competitors' mentions; a community
// manager fills in the sheet's manual row from a spreadsheet's CSV; and
// the week's scorecard comes out as Markdown (and, with -html, as one
// self-contained HTML file with charts).
//
//	go run ./examples/kpi
//	go run ./examples/kpi -html report.html -lang es
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Madrid without a system tz database

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/kpi"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/moderation/listen"
	"github.com/cmkit/cmkit/roles"
)

func main() {
	html := flag.String("html", "", "also write the scorecard as one HTML file at this path")
	lang := flag.String("lang", "en", "the HTML report's language: en, es or pl")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *html, *lang); err != nil {
		fmt.Fprintln(os.Stderr, "kpi:", err)
		os.Exit(1)
	}
}

// definitions are the KPIs the social media manager sets, with weekly
// targets. ugc_posts has no measure behind it: the team counts the fans'
// posts by hand in the sheet.
const definitions = `{"kpis": [
  {"id": "engagement", "name": "Engagement rate", "formula": "engagement_rate_impressions",
   "targets": [{"segment": {}, "period": "week", "value": 4}]},
  {"id": "growth", "name": "Follower growth", "formula": "follower_growth_rate",
   "targets": [{"segment": {}, "period": "week", "value": 1}]},
  {"id": "response_p90", "name": "First response (p90)", "formula": "first_response_time_p90",
   "targets": [{"segment": {}, "period": "week", "value": 7200}]},
  {"id": "response_rate", "name": "Response rate", "formula": "response_rate",
   "targets": [{"segment": {}, "period": "week", "value": 90}]},
  {"id": "voice", "name": "Share of voice", "formula": "share_of_voice", "competitors": ["rival"],
   "targets": [{"segment": {}, "period": "week", "value": 60}]},
  {"id": "net_sentiment", "name": "Net sentiment", "formula": "net_sentiment"},
  {"id": "ugc_posts", "name": "Fans' posts", "expression": "ugc", "unit": "count", "goal": "higher",
   "targets": [{"segment": {}, "period": "week", "value": 10}]}
]}`

// sheetCSV is the manual row as a Spanish spreadsheet saves it: a BOM,
// ';' between fields.
const sheetCSV = "\ufeffkpi;brand;platform;channel;country;campaign;value;2026-W48;2026-W49\r\n" +
	"ugc_posts;acme;x;acme-es-x;ES;;manual;4;7\r\n" +
	"ugc_posts;acme;facebook;acme-pl-fb;PL;;manual;2;2\r\n"

// published are the brand's posts, as the calendar would list them.
type published []kpi.TrackedPost

func (p published) PublishedSince(_ context.Context, since time.Time) ([]kpi.TrackedPost, error) {
	var out []kpi.TrackedPost
	for _, t := range p {
		if !t.PublishedAt.Before(since) {
			out = append(out, t)
		}
	}
	return out, nil
}

// leaders lists the inbox's opinion leaders for kpi (which does not
// import moderation).
type leaders struct {
	ctx context.Context
	ib  *inbox.Inbox
}

func (l leaders) OpinionLeaders(seg kpi.Segment, from, _ time.Time, limit int) ([]kpi.OpinionLeader, error) {
	ls, err := l.ib.Leaders(l.ctx, inbox.LeaderQuery{Brand: seg.Brand, Since: from, Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]kpi.OpinionLeader, len(ls))
	for i, x := range ls {
		out[i] = kpi.OpinionLeader{Handle: x.Author.Handle, Platform: x.Platform, Followers: x.Author.Followers,
			Mentions: int64(x.Mentions)}
		if x.Scored > 0 {
			out[i].Sentiment = kpi.FigureOf(x.Sentiment)
		}
	}
	return out, nil
}

func run(ctx context.Context, out io.Writer, htmlPath, lang string) error {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		return err
	}
	// Monday 23 November 2026, 9:00 in Madrid: the start of ISO week 48.
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, madrid)
	clock := cmkittest.NewClock(start)
	quiet := slog.New(slog.DiscardHandler)

	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
	if err != nil {
		return err
	}
	if err := team.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "ana"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager},
			{Member: "ana", Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme"}},
		}}); err != nil {
		return err
	}
	asSam, asAna := roles.WithActor(ctx, "sam"), roles.WithActor(ctx, "ana")

	infos := []cmkit.ChannelInfo{
		{ID: "acme-es-x", Platform: cmkit.X, Handle: "acme_es", Brand: "acme", Country: "ES", Languages: []string{"es"}},
		{ID: "acme-pl-fb", Platform: cmkit.Facebook, Handle: "acme_pl", Brand: "acme", Country: "PL", Languages: []string{"pl"}},
	}
	var fakes []*cmkittest.FakeChannel
	var chans []cmkit.Channel
	for _, info := range infos {
		f, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: info})
		if err != nil {
			return err
		}
		fakes, chans = append(fakes, f), append(chans, f)
	}

	// The KPIs and the weekly sheet, defined by the social media manager.
	posts := kpi.NewPostKeeper(0, 0)
	tracker, err := kpi.New(kpi.NewMemoryStore(), kpi.WithTeam(team), kpi.WithClock(clock), kpi.WithZone(madrid),
		kpi.WithPosts(posts), kpi.WithLogger(quiet))
	if err != nil {
		return err
	}
	defs, err := kpi.ParseDefinitions([]byte(definitions))
	if err != nil {
		return err
	}
	if err := tracker.Define(asSam, defs...); err != nil {
		return err
	}
	w48 := kpi.PeriodOf(kpi.PeriodWeek, start, madrid)
	w49 := w48.Next()
	segs := []kpi.Segment{kpi.SegmentOf(infos[0]), kpi.SegmentOf(infos[1])}
	ids := make([]string, len(defs))
	for i, d := range defs {
		ids[i] = d.ID
	}
	if _, err := tracker.DefineSheet(asSam, kpi.Sheet{ID: "weekly", Title: "Acme weekly", KPIs: ids, Segments: segs,
		From: w48, To: w49}); err != nil {
		return err
	}

	// The inbox records what kpi reads from moderation: mentions and their
	// sentiment as they arrive, first responses with their delay.
	set, err := moderation.ParseRules([]byte(`{"builtin": ["spam"], "rules": [{"id": "spam", "when": {"lexicon": "spam"}, "then": {"hide": true}}]}`))
	if err != nil {
		return err
	}
	engine, err := moderation.Compile(set, moderation.WithClock(clock), moderation.WithAnnotations())
	if err != nil {
		return err
	}
	queries, err := listen.Compile([]listen.SavedQuery{
		{ID: "acme", Query: "acme", Side: listen.SideBrand},
		{ID: "rival", Query: "rival", Side: listen.SideCompetitor},
	})
	if err != nil {
		return err
	}
	tally, err := listen.NewTally(queries, listen.TallyConfig{Bucket: 24 * time.Hour, Location: madrid, Retain: 60})
	if err != nil {
		return err
	}
	segOf := map[string]kpi.Segment{}
	for _, info := range infos {
		segOf[info.ID] = kpi.SegmentOf(info)
	}
	var hookErr error
	record := func(m kpi.Measure, seg kpi.Segment, at time.Time, v float64) {
		if err := tracker.Record(m, seg, at, v); err != nil && hookErr == nil {
			hookErr = err
		}
	}
	ib, err := inbox.New(inbox.NewMemoryStore(), inbox.WithTeam(team), inbox.WithEngine(engine), inbox.WithClock(clock),
		inbox.WithLogger(quiet), inbox.WithChannels(chans...), inbox.WithListening(queries, tally),
		inbox.WithHook(func(e inbox.InboxEvent) {
			seg := segOf[e.Conversation.Channel]
			switch {
			case e.Kind == inbox.EventIngested && e.Message != nil && !e.Message.Triage.Hide:
				record(kpi.Inbound, seg, e.At, 1)
				switch e.Message.Triage.SentimentLabel {
				case "positive":
					record(kpi.MentionsPositive, seg, e.At, 1)
				case "negative":
					record(kpi.MentionsNegative, seg, e.At, 1)
				case "neutral":
					record(kpi.MentionsNeutral, seg, e.At, 1)
				}
			case e.Kind == inbox.EventReplySent && e.Conversation.FirstResponseAt.Equal(e.Conversation.LastResponseAt):
				record(kpi.Responses, seg, e.At, 1)
				record(kpi.ResponseTime, seg, e.At, e.Conversation.FirstResponseAt.Sub(e.Conversation.FirstInboundAt).Seconds())
			}
		}))
	if err != nil {
		return err
	}

	// The collector reads the posts' insights and the follower counts.
	var list published
	collector, err := kpi.NewCollector(kpi.CollectorConfig{Channels: chans, Posts: &list, Recorder: tracker.Recorder(),
		Clock: clock, Rate: 100, Burst: 100})
	if err != nil {
		return err
	}
	poll := func() error { return collector.Poll(ctx) }

	// Two weeks: each brings posts, their numbers, followers, mentions and
	// answers. The second goes better on Spanish X and worse on Polish
	// Facebook.
	type week struct {
		impressions, engaged [2]int64
		followers            [2][2]int64 // per channel: at the start, at the end
		mentions             [][3]string // channel index, author, text
		answered             int         // how many of the week's new conversations get an answer, oldest first
		delay                time.Duration
	}
	weeks := []week{
		{impressions: [2]int64{20000, 8000}, engaged: [2]int64{700, 400}, followers: [2][2]int64{{12000, 12100}, {5000, 5080}},
			mentions: [][3]string{{"0", "lucia", "Me encanta Acme, gracias"}, {"0", "pepe", "Acme no me contesta, fatal"},
				{"1", "kasia", "Acme super, dziękuję"}, {"0", "marta", "Rival o Acme para correr?"}, {"0", "toni", "Rival mola"}},
			answered: 4, delay: 3 * time.Hour},
		{impressions: [2]int64{25000, 8000}, engaged: [2]int64{1250, 160}, followers: [2][2]int64{{12100, 12400}, {5080, 5090}},
			mentions: [][3]string{{"0", "lucia", "Acme, lo mejor del año"}, {"0", "runner_marta", "Con Acme he bajado mi marca, gracias"},
				{"1", "kasia", "Acme, kiedy dostawa?"}, {"1", "piotr", "Acme świetne buty"}, {"0", "ana_r", "Rival tarda mucho"},
				{"0", "free4u", "free followers click here"}},
			answered: 99, delay: 40 * time.Minute},
	}
	n := 0
	for wi, w := range weeks {
		weekStart := w48.Start(madrid)
		if wi == 1 {
			weekStart = w49.Start(madrid)
		}
		clock.Set(weekStart.Add(9 * time.Hour))
		for ci, f := range fakes {
			f.SetFollowers(w.followers[ci][0])
			rc, err := f.Publish(ctx, cmkit.Post{ID: cmkit.NewID(), Text: fmt.Sprintf("Post %d", wi+1)})
			if err != nil {
				return err
			}
			list = append(list, kpi.TrackedPost{Channel: infos[ci].ID, PlatformID: rc.PlatformID, PublishedAt: rc.PublishedAt,
				Segment: kpi.SegmentOf(infos[ci])})
			posts.Keep(kpi.PostRecord{Channel: infos[ci].ID, Platform: infos[ci].Platform, PlatformID: rc.PlatformID,
				URL: rc.URL, Excerpt: fmt.Sprintf("Post %d on %s", wi+1, infos[ci].ID), PublishedAt: rc.PublishedAt,
				Segment: kpi.SegmentOf(infos[ci])})
		}
		if err := poll(); err != nil { // followers at the start of the week
			return err
		}
		var convs []inbox.Conversation
		for _, m := range w.mentions {
			n++
			ci := int(m[0][0] - '0')
			mention := cmkit.Mention{ID: fmt.Sprint("m", n), ChannelID: infos[ci].ID, Kind: cmkit.KindMention,
				Author: cmkit.Author{ID: m[1], Handle: m[1], Followers: int64(100 * len(m[2]))}, Text: m[2],
				Language: infos[ci].Languages[0], CreatedAt: clock.Now()}
			fed, err := fakes[ci].Feed(mention) // on the platform, as a webhook would announce it
			if err != nil {
				return err
			}
			if err := ib.Push(ctx, fed...); err != nil {
				return err
			}
			clock.Advance(10 * time.Minute)
		}
		for c, err := range ib.Conversations(asAna, inbox.Filter{Statuses: []inbox.Status{inbox.StatusNew}}) {
			if err != nil {
				return err
			}
			if !c.FirstInboundAt.Before(weekStart) { // this week's
				convs = append(convs, c)
			}
		}
		clock.Advance(w.delay)
		for i, c := range convs {
			if i >= w.answered {
				break
			}
			if _, err := ib.Reply(asAna, c.ID, c.Version, inbox.ReplyRequest{Text: "¡Gracias por escribirnos!"}); err != nil {
				return err
			}
		}
		// The platforms' numbers at the end of the week.
		clock.Set(weekStart.Add(6*24*time.Hour + 20*time.Hour))
		for ci, f := range fakes {
			p := list[len(list)-len(fakes)+ci]
			f.SetInsights(cmkit.Insights{PlatformID: p.PlatformID, Impressions: w.impressions[ci], Reach: w.impressions[ci] / 2,
				Reactions: w.engaged[ci] * 7 / 10, Comments: w.engaged[ci] / 10, Shares: w.engaged[ci] / 10, Saves: w.engaged[ci] / 10})
			f.SetFollowers(w.followers[ci][1])
		}
		if err := poll(); err != nil {
			return err
		}
		// Listening: the day's brand and competitor mentions from the tally.
		from, to := weekStart, weekStart.AddDate(0, 0, 7)
		for _, q := range []struct{ query, brand string }{{"acme", "acme"}, {"rival", "rival"}} {
			counts, err := tally.Counts(q.query, from, to)
			if err != nil {
				return err
			}
			for at, c := range counts {
				record(kpi.Mentions, kpi.Segment{Brand: q.brand}, at, float64(c))
			}
		}
	}
	if hookErr != nil {
		return hookErr
	}

	// Ana fills in the fans' posts from her spreadsheet.
	changed, err := tracker.ImportCSV(asAna, "weekly", strings.NewReader(sheetCSV), kpi.SheetCSVOptions{})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "sheet: %d values entered from CSV\n\n", changed)

	// The week's scorecard for the brand, with last week's as history.
	defs, err = tracker.Definitions(ctx)
	if err != nil {
		return err
	}
	byID := map[string]kpi.Definition{}
	for _, d := range defs {
		byID[d.ID] = d
	}
	ordered := make([]kpi.Definition, len(ids))
	for i, id := range ids {
		ordered[i] = byID[id]
	}
	rows, err := tracker.Rows(ctx, "weekly")
	if err != nil {
		return err
	}
	manual := func(id string, seg kpi.Segment, p kpi.Period) (float64, bool) {
		sum, any := 0.0, false
		for _, r := range rows {
			if r.KPI != id || !seg.Covers(r.Segment) {
				continue
			}
			for _, c := range r.Cells {
				if c.Period == p && c.Manual != nil {
					sum, any = sum+c.Manual.Value, true
				}
			}
		}
		return sum, any
	}
	build := func(p kpi.Period, language string, history []*kpi.Scorecard) (*kpi.Scorecard, error) {
		return kpi.BuildScorecard(kpi.ScorecardInput{
			Title: "Acme", Definitions: ordered, Totals: tracker, Segment: kpi.Segment{Brand: "acme"}, Period: p,
			Language: language, TrendPeriods: 2, Channels: infos, Manual: manual, Posts: posts, PostCount: 2,
			Leaders: leaders{asSam, ib}, LeaderCount: 3, History: history,
			Recommenders: []kpi.Recommender{kpi.BelowTargetFor(2), kpi.EngagementDrop(0.25)},
		})
	}
	last, err := build(w48, "en", nil)
	if err != nil {
		return err
	}
	card, err := build(w49, "en", []*kpi.Scorecard{last})
	if err != nil {
		return err
	}
	if err := card.WriteMarkdown(out); err != nil {
		return err
	}
	if htmlPath == "" {
		return nil
	}
	if lang != "en" {
		if last, err = build(w48, lang, nil); err != nil {
			return err
		}
		if card, err = build(w49, lang, []*kpi.Scorecard{last}); err != nil {
			return err
		}
	}
	f, err := os.Create(htmlPath)
	if err != nil {
		return err
	}
	if err := card.WriteHTML(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintf(out, "\nHTML report written to %s\n", htmlPath)
	return nil
}
