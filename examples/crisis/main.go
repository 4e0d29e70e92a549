// Command crisis shows a reputation crisis handled by the brand's crisis
// plan, on in-memory defaults and a simulated clock, with the crisis
// package wired to the rest of cmkit through its small interfaces:
//
//   - the inbox counts mentions and complaints per minute and feeds them
//     to a crisis/detect Watcher, whose breakout opens an incident;
//   - entering the level pauses the brand's scheduled posts on the
//     calendar (crisis.Publishing), switches the inbox to a stricter rule
//     set (crisis.Moderation, through inbox.SetEngine), and turns the style
//     guide's crisis rules on for the calendar's checks
//     (crisis.StyleGuide, read by calendar.StyleOptions.Crisis);
//   - pages go to the plan's responders, and escalate when nobody
//     acknowledges in time;
//   - the holding statement is drafted, approved through the level's
//     chain and published on the channel once;
//   - resolving undoes it all: the calendar resumes with the plan's
//     missed-post policy, the usual rules come back, crisis mode goes off.
//
// It ends with a drill of the same plan, as a team rehearses it.
//
//	go run ./examples/crisis
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // posting slots in Europe/Madrid without a system zone database

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/crisis"
	"github.com/cmkit/cmkit/crisis/detect"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/roles"
	"github.com/cmkit/cmkit/styleguide"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "crisis:", err)
		os.Exit(1)
	}
}

// The brand's crisis plan, as the social media manager keeps it in JSON.
const planJSON = `{
  "id": "acme-crisis", "brand": "acme", "version": 4,
  "levels": [
    {"name": "major", "description": "a storm of complaints",
     "entry": {"min_volume_ratio": 4},
     "responders": [{"role": "smm"}],
     "ack_within": "10m",
     "escalation": [{"role": "senior_cm", "after": "10m", "repeat": "15m"}],
     "statements": [{"language": "es", "text": "Sabemos que hay problemas con los pedidos. Lo estamos revisando y os contamos en breve."}],
     "approvals": [{"name": "smm", "roles": ["smm"]}],
     "on_entry": {"pause_publishing": {"missed": "hold"}, "moderation_rules": "crisis-strict",
                  "style_guide_crisis": true, "notify_customer_service": "Complaint storm about orders: expect tickets"}},
    {"name": "critical", "entry": {"manual": true},
     "responders": [{"role": "smm"}, {"member": "ceo"}], "ack_within": "5m",
     "approvals": [{"name": "legal", "roles": ["legal"]}],
     "on_entry": {"pause_publishing": {"missed": "hold"}}}
  ]}`

const usualRules = `{"builtin": ["insults", "complaints"], "rules": [
  {"id": "insults", "when": {"lexicon": "insults"}, "then": {"hide": true}},
  {"id": "complaint", "when": {"lexicon": "complaints"}, "then": {"support": true, "queue": "care", "priority": 2}}]}`

// In a crisis, complaints jump the queue and are marked for the crisis
// room.
const strictRules = `{"builtin": ["insults", "complaints"], "rules": [
  {"id": "insults", "when": {"lexicon": "insults"}, "then": {"hide": true}},
  {"id": "complaint", "when": {"lexicon": "complaints"}, "then": {"support": true, "queue": "care", "priority": 1, "crisis": true}}]}`

func run(ctx context.Context, w io.Writer) error {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		return err
	}
	quiet := slog.New(slog.DiscardHandler)
	// Tuesday 3 March 2026, 9:00 in Madrid.
	start := time.Date(2026, 3, 3, 9, 0, 0, 0, madrid)
	clock := cmkittest.NewClock(start)

	// The team. "desk" is the crisis service's own member: it pauses the
	// calendar, so it holds a role that may.
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(quiet))
	if err != nil {
		return err
	}
	acme := roles.Scope{Brand: "acme"}
	if err := team.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "bea"}, {ID: "ola"}, {ID: "desk"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: acme},
			{Member: "bea", Role: roles.SeniorCM, Scope: acme},
			{Member: "ola", Role: roles.JuniorCM, Scope: acme},
			{Member: "desk", Role: roles.SeniorCM, Scope: acme},
		}}); err != nil {
		return err
	}

	es, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock, Info: cmkit.ChannelInfo{
		ID: "acme-es", Platform: cmkit.Mastodon, Handle: "@acme_es", Brand: "acme", Country: "ES",
		Languages: []string{"es"}, RetrySafety: cmkit.RetryIdempotent}})
	if err != nil {
		return err
	}

	// The style guide: a crisis rule keeps promotional words out while a
	// crisis is on.
	layer, err := styleguide.ParseLayer([]byte(`{"name": "acme", "rules": [
	  {"id": "no-promo-in-crisis", "kind": "crisis", "severity": "error", "terms": ["oferta", "gratis", "descuento"]}]}`))
	if err != nil {
		return err
	}
	guide, err := styleguide.Compile([]styleguide.Layer{layer})
	if err != nil {
		return err
	}
	crisisMode := &crisisFlags{on: map[string]bool{}}

	cal, err := calendar.New(calendar.NewMemoryStore(), calendar.WithTeam(team), calendar.WithClock(clock),
		calendar.WithChannels(es), calendar.WithLogger(quiet),
		calendar.WithStyleGuide(guide, calendar.StyleOptions{Crisis: crisisMode.On}))
	if err != nil {
		return err
	}
	cfg := calendar.DefaultPublisherConfig()
	cfg.Name, cfg.Seed = "publisher-1", 1
	publisher, err := calendar.NewPublisher(cal, cfg)
	if err != nil {
		return err
	}

	// The moderation rule sets the plan may switch between.
	engines := map[string]*moderation.Engine{}
	for name, js := range map[string]string{"usual": usualRules, "crisis-strict": strictRules} {
		set, err := moderation.ParseRules([]byte(js))
		if err != nil {
			return err
		}
		if engines[name], err = moderation.Compile(set, moderation.WithClock(clock)); err != nil {
			return err
		}
	}
	counts := &minuteCounts{}
	ib, err := inbox.New(inbox.NewMemoryStore(), inbox.WithTeam(team), inbox.WithEngine(engines["usual"]),
		inbox.WithClock(clock), inbox.WithChannels(es), inbox.WithLogger(quiet), inbox.WithHook(counts.hook))
	if err != nil {
		return err
	}

	// The plan, and the crisis service wired to the calendar, the inbox
	// and the style guide.
	plan, err := crisis.ParsePlan([]byte(planJSON), nil)
	if err != nil {
		return err
	}
	desk := roles.WithActor(ctx, "desk")
	incidents := crisis.NewMemoryStore()
	svc, err := crisis.New(incidents, crisis.WithPlan(plan), crisis.WithTeam(team), crisis.WithClock(clock),
		crisis.WithLogger(quiet),
		crisis.WithNotifier(pager{w: w, clock: clock, start: start}),
		crisis.WithPublishing(&calendarPauses{cal: cal, as: desk}),
		crisis.WithModeration(&engineSwitch{inbox: ib, engines: engines, current: "usual"}),
		crisis.WithStyleGuide(crisisMode),
		crisis.WithStatementPublisher(channelStatements{ch: es}))
	if err != nil {
		return err
	}

	// Ola's posts for the day, approved and scheduled by Bea.
	asOla, asBea := roles.WithActor(ctx, "ola"), roles.WithActor(ctx, "bea")
	for i, p := range []struct {
		at   string
		text string
	}{{"10:30", "Nueva colección de primavera 🌸"}, {"12:00", "¿Qué os parece el nuevo color?"}, {"17:00", "Mañana, oferta de envío gratis"}} {
		hm, _ := time.Parse("15:04", p.at)
		e, err := cal.Create(asOla, calendar.Entry{Title: fmt.Sprintf("post %d", i+1), Brand: "acme",
			At:       time.Date(2026, 3, 3, hm.Hour(), hm.Minute(), 0, 0, madrid),
			Variants: []calendar.Variant{{Channel: "acme-es", Post: cmkit.Post{Text: p.text}}}})
		if err != nil {
			return err
		}
		if e, err = cal.Submit(asOla, e.ID, e.Version); err != nil {
			return err
		}
		if e, err = cal.Approve(asBea, e.ID, e.Version); err != nil {
			return err
		}
		if _, err = cal.Schedule(asBea, e.ID, e.Version); err != nil {
			return err
		}
	}

	// The detector has learned the usual traffic: a week of this brand's
	// per-minute counts, here made up (about 3 mentions a minute, one in
	// ten a complaint), in a product read back from its own records.
	watcher, err := detect.NewWatcher(detect.WatcherConfig{Location: madrid})
	if err != nil {
		return err
	}
	series, err := watcher.Intern("acme/es", "acme")
	if err != nil {
		return err
	}
	for t := start.Add(-8 * 24 * time.Hour); t.Before(start); t = t.Add(time.Minute) {
		n := uint32(2 + t.Minute()%3)
		if _, err := watcher.Observe(series, t, n, uint32(t.Minute()%10/9)); err != nil {
			return err
		}
	}
	fmt.Fprintln(w, "09:00 a quiet morning: 3 posts scheduled, usual moderation, style guide in normal mode")

	// The morning, minute by minute: mentions arrive through the inbox;
	// from 10:00 a storm of complaints about lost orders breaks out.
	var incident crisis.Incident
	id := 0
	for clock.Now().Before(start.Add(3 * time.Hour)) {
		minute := clock.Now()
		var batch []cmkit.Mention
		n := 2 + minute.Minute()%3
		storm := minute.Sub(start) >= time.Hour && minute.Sub(start) < 100*time.Minute
		if storm {
			n = 25
		}
		for i := range n {
			id++
			text := "¿Tenéis la chaqueta en azul?"
			if storm && i%5 != 0 || !storm && id%10 == 0 {
				text = "Mi pedido nunca llegó, quiero un reembolso"
			}
			batch = append(batch, cmkit.Mention{ID: fmt.Sprintf("m%d", id), Kind: cmkit.KindComment,
				Author: cmkit.Author{ID: fmt.Sprintf("u%d", id), Handle: fmt.Sprintf("u%d", id)}, Text: text, InReplyTo: "post0"})
		}
		fed, err := es.Feed(batch...)
		if err != nil {
			return err
		}
		if err := ib.Push(ctx, fed...); err != nil {
			return err
		}
		clock.Advance(time.Minute)
		total, negative := counts.take()
		phase, err := watcher.Observe(series, minute, total, negative)
		if err != nil {
			return err
		}
		if phase == detect.PhaseOpened {
			b, _ := watcher.Breakout(series)
			fmt.Fprintf(w, "%s breakout on %s: %d mentions against %.1f expected, %d complaints\n",
				clock.Now().In(madrid).Format("15:04"), b.Key, b.PeakTotal, b.PeakExpected, b.PeakNegative)
			inc, opened, err := svc.Open(ctx, b)
			if err != nil {
				return err
			}
			if opened {
				incident = inc
				fmt.Fprintf(w, "      incident opened at level %s under plan %s v%d\n", inc.Level, inc.Plan.ID, inc.Plan.Version)
				if err := showCrisisEffects(ctx, w, cal, asOla, crisisMode); err != nil {
					return err
				}
			}
		}
		if _, err := svc.Step(ctx); err != nil {
			return err
		}
		if _, err := publisher.RunOnce(ctx); err != nil {
			return err
		}
		switch at := clock.Now().Sub(start); {
		case at == 75*time.Minute && incident.Version > 0:
			if _, err := svc.Acknowledge(asBea, incident.ID); err != nil {
				return err
			}
			fmt.Fprintln(w, "10:15 bea acknowledges: the escalation stops")
			// Bea drafts from the plan's holding statement; the level's
			// chain needs the social media manager's approval.
			st, err := svc.DraftStatement(asBea, incident.ID, "es", "acme-es", "")
			if err != nil {
				return err
			}
			if _, err := svc.PublishStatement(asBea, incident.ID, st.ID, st.Version); err != nil {
				fmt.Fprintf(w, "      bea publishing the statement before approval: refused (%v)\n", errors.Is(err, cmkit.ErrConflict))
			}
			if st, err = svc.ApproveStatement(roles.WithActor(ctx, "sam"), incident.ID, st.ID, st.Version); err != nil {
				return err
			}
			if st, err = svc.PublishStatement(asBea, incident.ID, st.ID, st.Version); err != nil {
				return err
			}
			fmt.Fprintf(w, "      statement approved by sam and published on %s (%s): %q\n", st.Channel, st.Receipt, st.Text)
		case at == 150*time.Minute && incident.Version > 0:
			if _, err := svc.Resolve(roles.WithActor(ctx, "sam"), incident.ID, "orders found, customers answered"); err != nil {
				return err
			}
			fmt.Fprintln(w, "11:30 sam resolves the incident")
			if err := showCrisisEffects(ctx, w, cal, asOla, crisisMode); err != nil {
				return err
			}
		}
	}

	fmt.Fprintln(w, "\nThe calendar at 12:00:")
	for e, err := range cal.Entries(ctx, calendar.Query{}) {
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %s %s %-9s %q\n", e.Title, e.At.In(madrid).Format("15:04"), e.State, e.Variants[0].Post.Text)
	}
	tl, err := incidents.Timeline(ctx, incident.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nThe incident's timeline:")
	for _, e := range tl {
		fmt.Fprintf(w, "  %s %-14s %s\n", e.At.In(madrid).Format("15:04"), e.Kind, firstLine(e.Text))
	}

	// The same plan, rehearsed: nobody acknowledges for 25 minutes.
	report, err := crisis.Drill{Plan: plan, Team: team, Scenario: crisis.Scenario{
		Name: "lost orders, slow to answer", Start: time.Date(2026, 3, 10, 10, 0, 0, 0, madrid),
		Length: crisis.Delay(90 * time.Minute), Series: "acme/es", Mentions: 3, NegativeShare: 0.1,
		Surges: []crisis.Surge{{At: crisis.Delay(15 * time.Minute), For: crisis.Delay(30 * time.Minute), Volume: 8, NegativeShare: 0.8}},
		Actions: []crisis.DrillAction{
			{At: crisis.Delay(41 * time.Minute), Member: "bea", Do: crisis.DrillAcknowledge},
			{At: crisis.Delay(80 * time.Minute), Member: "bea", Do: crisis.DrillResolve, Text: "over"},
		}, Seed: 1}}.Run(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "\nA drill of the same plan:")
	_, err = report.WriteTo(w)
	return err
}

// showCrisisEffects shows what the plan's actions changed: the calendar's
// held posts, the rule set judging new messages, and the style guide's
// verdict on a promotional draft.
func showCrisisEffects(ctx context.Context, w io.Writer, cal *calendar.Calendar, asOla context.Context, mode *crisisFlags) error {
	held := 0
	for e, err := range cal.Entries(ctx, calendar.Query{}) {
		if err != nil {
			return err
		}
		if e.PausedBy != "" {
			held++
		}
	}
	fmt.Fprintf(w, "      calendar: %d posts held by a pause\n", held)
	fmt.Fprintf(w, "      style guide crisis mode: %v\n", mode.On(ctx, "acme"))
	draft := calendar.Entry{Title: "draft", Brand: "acme", At: time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC),
		Variants: []calendar.Variant{{Channel: "acme-es", Post: cmkit.Post{Text: "¡Oferta! Envío gratis hoy"}}}}
	verdict := "passes"
	var blocked *calendar.CheckError
	if err := cal.Validate(asOla, &draft); errors.As(err, &blocked) {
		verdict = "blocked by"
		for _, f := range blocked.Findings {
			verdict += fmt.Sprintf(" %s (%q)", f.Rule, f.Message)
		}
	} else if err != nil {
		return err
	}
	fmt.Fprintf(w, "      the style check on a promotional draft: %s\n", verdict)
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 90 {
		s = s[:87] + "..."
	}
	return s
}

// minuteCounts counts the inbox's new messages, and the complaints among
// them, for the detector's next bucket.
type minuteCounts struct {
	mu              sync.Mutex
	total, negative uint32
}

func (c *minuteCounts) hook(e inbox.InboxEvent) {
	if e.Kind != inbox.EventIngested || e.Message == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.total++
	if e.Message.Triage.Support {
		c.negative++
	}
}

func (c *minuteCounts) take() (total, negative uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	total, negative, c.total, c.negative = c.total, c.negative, 0, 0
	return total, negative
}

// pager prints pages; a product sends them by SMS, chat or a paging
// service, keyed by Page.ID so a page sent again is delivered once.
type pager struct {
	w     io.Writer
	clock cmkit.Clock
	start time.Time
}

func (p pager) Page(_ context.Context, pg crisis.Page) error {
	to := pg.To.Member
	if pg.To.Role != "" {
		to = "every " + pg.To.Role + " of " + pg.To.Scope.Brand
	}
	fmt.Fprintf(p.w, "%s page to %s: %s\n", p.clock.Now().In(p.start.Location()).Format("15:04"), to, firstLine(pg.Message))
	return nil
}

// calendarPauses is crisis.Publishing over a calendar: one calendar pause
// for the brand, or one per channel listed.
type calendarPauses struct {
	cal *calendar.Calendar
	as  context.Context // the crisis desk, allowed to pause
	mu  sync.Mutex
	n   int
}

func (c *calendarPauses) Pause(_ context.Context, brand string, channels []string, reason string) (string, error) {
	c.mu.Lock()
	c.n++
	base := fmt.Sprintf("crisis-%d", c.n)
	c.mu.Unlock()
	scopes := []calendar.Pause{{ID: base, Brand: brand, Reason: reason}}
	if len(channels) > 0 {
		scopes = scopes[:0]
		for i, ch := range channels {
			scopes = append(scopes, calendar.Pause{ID: fmt.Sprintf("%s.%d", base, i+1), Brand: brand, Channel: ch, Reason: reason})
		}
	}
	var ids []string
	for _, p := range scopes {
		if _, err := c.cal.Pause(c.as, p); err != nil {
			for _, id := range ids { // all or nothing
				_, _ = c.cal.Resume(c.as, id, calendar.HoldMissed, nil)
			}
			return "", err
		}
		ids = append(ids, p.ID)
	}
	return strings.Join(ids, ","), nil
}

func (c *calendarPauses) Resume(_ context.Context, id string, missed crisis.MissedPosts) error {
	policy := map[crisis.MissedPosts]calendar.MissedPolicy{crisis.HoldMissedPosts: calendar.HoldMissed,
		crisis.PublishMissedPosts: calendar.PublishMissed, crisis.MoveMissedPosts: calendar.MoveMissed}[missed]
	for _, one := range strings.Split(id, ",") {
		if _, err := c.cal.Resume(c.as, one, policy, c.cal.NextFree); err != nil {
			return err
		}
	}
	return nil
}

// channelStatements is crisis.StatementPublisher straight to a channel:
// the statement's ID is the post's ID, so a retry is idempotent on a
// channel that is (RetryIdempotent).
type channelStatements struct{ ch cmkit.Channel }

func (c channelStatements) Publish(ctx context.Context, _, _, language, text, id string) (string, error) {
	postID, err := uuid.Parse(id)
	if err != nil {
		return "", err
	}
	rc, err := c.ch.Publish(ctx, cmkit.Post{ID: postID, Text: text, Language: language})
	if err != nil {
		return "", err
	}
	return rc.PlatformID, nil
}

// engineSwitch is crisis.Moderation over the inbox: rule sets by name.
type engineSwitch struct {
	inbox   *inbox.Inbox
	engines map[string]*moderation.Engine
	mu      sync.Mutex
	current string
}

func (s *engineSwitch) SwitchRuleSet(_ context.Context, _ string, ruleSet string) (string, error) {
	e, ok := s.engines[ruleSet]
	if !ok {
		return "", cmkit.Invalid("rule_set", "unknown", "no rule set %q", ruleSet)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.inbox.SetEngine(e); err != nil {
		return "", err
	}
	prev := s.current
	s.current = ruleSet
	return prev, nil
}

// crisisFlags is crisis.StyleGuide for the calendar's style checks: which
// brands are in crisis mode.
type crisisFlags struct {
	mu sync.Mutex
	on map[string]bool
}

func (f *crisisFlags) SetCrisisMode(_ context.Context, brand string, on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.on[brand] = on
	return nil
}

// On is calendar.StyleOptions.Crisis.
func (f *crisisFlags) On(_ context.Context, brand string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.on[brand]
}
