// Command promotion runs a giveaway end to end on in-memory defaults and a
// simulated clock, through promotion.Service:
//
//   - a senior community manager creates the giveaway (comment with
//     #sorteo and tag a friend, on X and Instagram, in Spain and Poland)
//     and opens it: the service makes the secret seed, and the commitment
//     goes into the announcement post, published on X with the beacon
//     round the draw will use;
//
//   - the comments are collected from both channels (fake platforms),
//     each accepted or rejected with its reason: one person on two
//     platforms, an employee, a brand-new account, a copied text posted
//     by five accounts, a comment after the close;
//
//   - half way, the service is restarted (a new one over the same store)
//     and carries on from the stored cursor and submissions, deciding as
//     if nothing had happened;
//
//   - a junior community manager may not close it, and the denial says
//     why; the senior one closes it and the entry list is frozen;
//
//   - the social media manager draws with the beacon's value and reveals
//     the seed, and promotion.Verify checks the published draw;
//
//   - the winners are sent a direct message each, in their language; one
//     does not answer within two days and the first alternate takes the
//     prize; the winners are announced on X;
//
//   - the audit log lists every step and its chain verifies.
//
//     go run ./examples/promotion
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Madrid without a system zone database

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/promotion"
	"github.com/cmkit/cmkit/roles"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "promotion:", err)
		os.Exit(1)
	}
}

// giveawayJSON is the giveaway as the team writes it.
const giveawayJSON = `{
  "id": "acme-otono-26",
  "kind": "giveaway",
  "brand": "acme",
  "channels": [{"id": "acme-x", "platform": "x"}, {"id": "acme-ig", "platform": "instagram"}],
  "zone": "Europe/Madrid",
  "start": "2026-10-24T12:00",
  "end": "2026-10-26T12:00",
  "prizes": [{"name": "Fin de semana en Sevilla", "quantity": 1}, {"name": "Lote de productos", "quantity": 2}],
  "terms_url": "https://acme.example/bases-otono",
  "countries": ["ES", "PL"],
  "mechanics": {"hashtags": ["#sorteo"], "mention_accounts": 1, "own_handles": ["acme"]},
  "eligibility": {"min_account_age_days": 30, "excluded_accounts": ["person:staff-7"]},
  "bot_checks": {"near_duplicate_accounts": 5}
}`

// crm is what the product knows about accounts: who is behind them
// (promotion.IdentityLinker) and their country and age
// (promotion.AuthorLookup).
type crm struct {
	persons   map[string]string // platform:handle -> person
	countries map[string]string // handle -> country
	created   map[string]time.Time
}

func (c *crm) Person(_ context.Context, p cmkit.Platform, a cmkit.Author) (string, error) {
	return c.persons[string(p)+":"+a.Handle], nil
}

func (c *crm) LookupAuthor(_ context.Context, _ cmkit.Platform, a cmkit.Author) (promotion.AuthorFacts, error) {
	created, ok := c.created[a.Handle]
	if !ok {
		created = time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	}
	return promotion.AuthorFacts{Country: c.countries[a.Handle], CreatedAt: created}, nil
}

// setup is what survives a restart: the stores, the team, the channels.
type setup struct {
	store  *promotion.MemoryStore
	team   *roles.Directory
	audit  *roles.AuditLog
	clock  *cmkittest.Clock
	x, ig  *cmkittest.FakeChannel
	crm    *crm
	seeds  io.Reader
	logger *slog.Logger
}

// service starts a promotion service over the setup's store, as a process
// does when it (re)starts.
func (s *setup) service() (*promotion.Service, error) {
	return promotion.New(s.store, promotion.WithAuthorizer(s.team), promotion.WithAuditLog(s.audit),
		promotion.WithClock(s.clock), promotion.WithSeedSource(s.seeds), promotion.WithLogger(s.logger),
		promotion.WithEntryOptions(promotion.EntryOptions{Identities: s.crm, Authors: s.crm}))
}

func newSetup(ctx context.Context) (*setup, error) {
	clock := cmkittest.NewClock(time.Date(2026, 10, 23, 9, 0, 0, 0, time.UTC))
	logger := slog.New(slog.DiscardHandler)
	audit := roles.NewAuditLog(roles.NewMemoryAuditStore(), clock)
	team, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(clock), roles.WithLogger(logger))
	if err != nil {
		return nil, err
	}
	err = team.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sara", Name: "Sara (SMM)"}, {ID: "carlos", Name: "Carlos (senior CM)"}, {ID: "jon", Name: "Jon (junior CM)"}},
		Grants: []roles.Grant{
			{Member: "sara", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "acme"}},
			{Member: "carlos", Role: roles.SeniorCM, Scope: roles.Scope{Brand: "acme"}},
			{Member: "jon", Role: roles.JuniorCM, Scope: roles.Scope{Brand: "acme"}},
		},
	})
	if err != nil {
		return nil, err
	}
	x, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock,
		Info: cmkit.ChannelInfo{ID: "acme-x", Platform: cmkit.X, Brand: "acme", Country: "ES",
			RetrySafety: cmkit.RetryIdempotent, Limits: cmkit.Limits{MaxLength: 280}}})
	if err != nil {
		return nil, err
	}
	ig, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: clock,
		Info: cmkit.ChannelInfo{ID: "acme-ig", Platform: cmkit.Instagram, Brand: "acme", Country: "ES"}})
	if err != nil {
		return nil, err
	}
	// A fixed seed, so that the program prints the same every run; a real
	// service keeps the default, crypto/rand.
	seed := make([]byte, 32)
	for i := range seed {
		seed[i] = byte(0xa0 + i)
	}
	return &setup{store: promotion.NewMemoryStore(), team: team, audit: audit, clock: clock, x: x, ig: ig,
		seeds: bytes.NewReader(seed), logger: logger,
		crm: &crm{
			persons:   map[string]string{"x:lucia_m": "cust-1", "instagram:lucia.moreno": "cust-1", "x:marta_acme": "staff-7"},
			countries: map[string]string{"lucia_m": "ES", "lucia.moreno": "ES", "pablo": "ES", "kasia": "PL", "ines": "ES", "tomek": "PL", "hans": "DE"},
			created:   map[string]time.Time{"nuevo_2026": time.Date(2026, 10, 24, 13, 0, 0, 0, time.UTC)},
		}}, nil
}

// comment is a comment by handle at a local time on 25 October, Madrid.
func comment(handle, text string, hour, minute int) cmkit.Mention {
	madrid, _ := time.LoadLocation("Europe/Madrid")
	lang := "es"
	if handle == "kasia" || handle == "tomek" {
		lang = "pl"
	}
	return cmkit.Mention{Author: cmkit.Author{ID: "id-" + handle, Handle: handle}, Text: text, Language: lang,
		CreatedAt: time.Date(2026, 10, 25, hour, minute, 0, 0, madrid)}
}

// dmPrinter is the product's promotion.WinnerNotifier: it would send a
// direct message on the winner's channel; here it prints it.
type dmPrinter struct{ w io.Writer }

func (d dmPrinter) Notify(_ context.Context, n promotion.WinnerNotice) error {
	fmt.Fprintf(d.w, "  DM to @%s on %s (%s): %s\n", n.Handle, n.ChannelID, n.Language, cut(n.Text, 100))
	return nil
}

// announcer is the product's promotion.Announcer: it posts the
// announcement on X, with the announcement's ID as the post's ID, so a
// retry cannot post twice.
type announcer struct {
	x *cmkittest.FakeChannel
	w io.Writer
}

func (a announcer) Announce(ctx context.Context, ann promotion.Announcement) error {
	r, err := a.x.Publish(ctx, cmkit.Post{ID: ann.ID, Text: ann.Text})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.w, "  posted %s on X: %s\n", r.PlatformID, ann.Text)
	return nil
}

func run(ctx context.Context, w io.Writer) error {
	st, err := newSetup(ctx)
	if err != nil {
		return err
	}
	sara, carlos, jon := roles.WithActor(ctx, "sara"), roles.WithActor(ctx, "carlos"), roles.WithActor(ctx, "jon")
	svc, err := st.service()
	if err != nil {
		return err
	}

	// Create and open.
	p, _, err := promotion.ParsePromotion([]byte(giveawayJSON), nil)
	if err != nil {
		return err
	}
	_, warnings, err := svc.Create(carlos, p)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "== created", p.ID)
	for _, wn := range warnings {
		fmt.Fprintln(w, "  warning (not legal advice):", wn)
	}
	beacon := &promotion.Beacon{Name: "drand quicknet", Round: 26000000}
	commitment, err := svc.Open(carlos, p.ID, beacon)
	if err != nil {
		return err
	}
	text := fmt.Sprintf("¡SORTEO! Comenta con #sorteo y menciona a un amigo. Bases: %s. Compromiso del sorteo: %s (drand quicknet, ronda %d)",
		p.TermsURL, commitment, beacon.Round)
	receipt, err := st.x.Publish(ctx, cmkit.Post{ID: uuid.MustParse("0190f3c4-0000-7000-8000-000000000001"), Text: text})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "== opened; announcement %s on X:\n  %s\n", receipt.PlatformID, text)

	// The comments arrive, on both platforms.
	if _, err := st.x.Feed(
		comment("lucia_m", "¡Me encanta! #sorteo @ana", 10, 0),
		comment("pablo", "Para mi hermano @dani #sorteo", 10, 5),
		comment("marta_acme", "#sorteo @jefa ¡suerte a todos!", 10, 7),
		comment("nuevo_2026", "#sorteo @x", 10, 9),
		comment("kasia", "Chcę wygrać! #sorteo @ola", 10, 12),
		comment("hans", "#sorteo @fritz", 10, 15),
		comment("quiet", "¡Qué bonito!", 10, 20),
	); err != nil {
		return err
	}
	if _, err := st.ig.Feed(
		comment("lucia.moreno", "Otra vez yo #sorteo @bea", 11, 0),
		comment("ines", "#sorteo @carmen ojalá", 11, 5),
	); err != nil {
		return err
	}
	fmt.Fprintln(w, "== collecting")
	cursors := map[string]cmkit.Cursor{}
	collect := func(svc *promotion.Service) error {
		for _, ch := range []*cmkittest.FakeChannel{st.x, st.ig} {
			id := ch.Info().ID
			next, err := svc.Collect(carlos, p.ID, ch, cursors[id])
			if err != nil {
				return err
			}
			cursors[id] = next
		}
		return nil
	}
	if err := collect(svc); err != nil {
		return err
	}
	if err := printSubmissions(carlos, w, svc, p.ID, 0); err != nil {
		return err
	}

	// A restart: a new service over the same store, the cursors kept.
	svc, err = st.service()
	if err != nil {
		return err
	}
	seen, err := st.store.Get(ctx, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "== restarted with %d submissions stored; collecting again\n", seen.Submissions)
	var copies []cmkit.Mention
	for i := range 5 {
		copies = append(copies, comment(fmt.Sprintf("promo_bot%d", i),
			fmt.Sprintf("#sorteo @amigo%d participo en este sorteo increíble de acme y quiero ganar ya", i), 12, i))
	}
	copies = append(copies,
		comment("lucia_m", "¡Y otra! #sorteo @rosa", 13, 0),
		comment("tomek", "#sorteo @marek powodzenia", 13, 30))
	if _, err := st.x.Feed(copies...); err != nil {
		return err
	}
	late := comment("ines", "¿Llego? #sorteo @luz", 0, 0)
	late.CreatedAt = time.Date(2026, 10, 26, 12, 30, 0, 0, time.UTC)
	if _, err := st.ig.Feed(late); err != nil {
		return err
	}
	if err := collect(svc); err != nil {
		return err
	}
	if err := printSubmissions(carlos, w, svc, p.ID, seen.Submissions); err != nil {
		return err
	}

	// Closing: the junior CM may not.
	st.clock.Set(time.Date(2026, 10, 26, 11, 0, 0, 0, time.UTC))
	_, err = svc.Close(jon, p.ID)
	var denied *roles.ForbiddenError
	if !errors.As(err, &denied) {
		return fmt.Errorf("a junior CM closed the giveaway (%v)", err)
	}
	fmt.Fprintln(w, "== jon closes:", denied.Decision.Reason())
	closed, err := svc.Close(carlos, p.ID)
	if err != nil {
		return err
	}
	list, err := svc.FrozenEntries(jon, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "== closed by carlos: %d entries frozen, hash %s\n", closed.EntryCount, closed.EntriesHash)
	var published bytes.Buffer
	if _, err := list.WriteTo(&published); err != nil {
		return err
	}
	for _, k := range strings.Split(strings.TrimSuffix(published.String(), "\n"), "\n") {
		fmt.Fprintln(w, "  ", k)
	}

	// The draw, with the beacon round's value, and the reveal.
	st.clock.Set(time.Date(2026, 10, 26, 13, 0, 0, 0, time.UTC))
	drawn, err := svc.Draw(sara, p.ID, 2, []byte("value of drand round 26000000"))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "== drawn by sara: winners %v, alternates %v (seed still secret: %t)\n",
		drawn.Draw.Winners, drawn.Draw.Alternates, drawn.Draw.Seed == promotion.Seed{})
	record, err := svc.Reveal(sara, p.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "== revealed seed", record.Seed)
	keys := slices.Collect(list.Keys())
	if err := promotion.Verify(record, keys); err != nil {
		return fmt.Errorf("the published draw does not verify: %w", err)
	}
	fmt.Fprintln(w, "== promotion.Verify: OK (record and list as published; run examples/promotion-verify on them)")
	tampered := slices.Clone(keys)
	tampered = slices.DeleteFunc(tampered, func(k string) bool { return k == record.Winners[0] })
	fmt.Fprintln(w, "   without the first winner's entry:", promotion.Verify(record, tampered))

	// The winners: notified by direct message, two days to answer.
	tpl := promotion.DefaultWinnerTemplates()
	if _, err := svc.StartWinners(sara, p.ID, promotion.WinnerOptions{ResponseTime: 48 * time.Hour}); err != nil {
		return err
	}
	fmt.Fprintln(w, "== winners notified")
	won, err := svc.SendNotices(sara, p.ID, tpl, dmPrinter{w})
	if err != nil {
		return err
	}
	// Two answer yes; the third does not answer.
	for _, slot := range won.Slots[:2] {
		if _, err := svc.AcceptPrize(sara, p.ID, slot.Winner.Entry); err != nil {
			return err
		}
	}
	st.clock.Advance(48 * time.Hour)
	fmt.Fprintf(w, "== two days later, @%s has not answered; the first alternate is notified\n", won.Slots[2].Winner.Handle)
	won, err = svc.SendNotices(sara, p.ID, tpl, dmPrinter{w})
	if err != nil {
		return err
	}
	st.clock.Advance(3 * time.Hour)
	if won, err = svc.AcceptPrize(sara, p.ID, won.Slots[2].Winner.Entry); err != nil {
		return err
	}
	fmt.Fprintf(w, "== winners\n%s", indent(won.String()))
	if _, err := svc.AnnounceWinners(sara, p.ID, tpl, announcer{st.x, w}, []string{"es"}); err != nil {
		return err
	}

	// The audit log.
	fmt.Fprintln(w, "== audit log")
	for r, err := range st.audit.Records(ctx, roles.AuditFilter{}) {
		if err != nil {
			return err
		}
		verdict := "ok"
		if !r.Allowed {
			verdict = "DENIED"
		}
		fmt.Fprintf(w, "  #%-2d %-7s %-25s %-6s %s\n", r.Seq, r.Actor, r.Action, verdict, cut(r.Reason, 110))
	}
	head, err := st.audit.Verify(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "== audit chain verifies: %d records\n", head.Seq)
	return nil
}

// printSubmissions prints the submissions after the first after, as they
// stand now (from the service's export, which a later near-duplicate
// group may have changed), and a count by reason.
func printSubmissions(ctx context.Context, w io.Writer, svc *promotion.Service, id string, after int) error {
	var export bytes.Buffer
	if err := svc.WriteSubmissionsJSON(ctx, id, &export); err != nil {
		return err
	}
	subs, err := promotion.ReadSubmissionsJSON(export.Bytes())
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for _, s := range subs[after:] {
		outcome := "accepted"
		if !s.Accepted {
			outcome = string(s.Reason) + ": " + s.Detail
		}
		counts[string(s.Reason)]++
		fmt.Fprintf(w, "  %-26s %s\n", s.Key(), cut(outcome, 90))
	}
	var parts []string
	for _, r := range slices.Sorted(maps.Keys(counts)) {
		name := r
		if r == "" {
			name = "accepted"
		}
		parts = append(parts, fmt.Sprintf("%s %d", name, counts[r]))
	}
	fmt.Fprintln(w, "  =>", strings.Join(parts, ", "))
	return nil
}

// indent indents each line of s by two spaces.
func indent(s string) string {
	var b strings.Builder
	for _, line := range strings.SplitAfter(s, "\n") {
		if line != "" {
			b.WriteString("  " + line)
		}
	}
	if !strings.HasSuffix(s, "\n") {
		b.WriteByte('\n')
	}
	return b.String()
}

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
