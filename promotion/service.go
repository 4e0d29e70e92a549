package promotion

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// Service runs promotions over a Store: it creates them, opens them with a
// secret seed and its published commitment, collects entries through
// Entries (every submission stored, so that another Service over the same
// store, or this one after a restart, decides the next entries the same
// way), closes them by freezing the entry list, draws a giveaway's winners
// and reveals the seed, and follows the winners until they are announced
// (StartWinners). Every call acts for the member that roles.WithActor put
// in its context, who needs a permission on each of the promotion's
// channels in each of its countries (see New); every change is one
// Store.Update fenced by the record's version, so two services racing
// for the same step leave one winner, and it is written to the audit log
// once stored.
//
// A Service is safe for concurrent use.
type Service struct {
	store Store
	auth  roles.Authorizer
	audit *roles.AuditLog
	clock cmkit.Clock
	seeds io.Reader
	rules []CountryRule
	links EntryOptions
	log   *slog.Logger

	mu     sync.Mutex
	caches map[string]*entryCache
}

// entryCache is a promotion's Entries, rebuilt from the stored
// submissions, and how many of them it holds.
type entryCache struct {
	mu      sync.Mutex
	entries *Entries // nil: rebuild from the store
	applied int

	// pending is the Entries of an AddEntries call whose write is under
	// way, holding pendingAt submissions; it becomes entries once stored.
	pending   *Entries
	pendingAt int

	// wmu serializes this service's calls that hold the winners across a
	// notifier's or an announcer's call.
	wmu sync.Mutex
}

// Option configures a Service.
type Option func(*Service) error

// WithAuthorizer sets who decides what each member may do (required);
// *roles.Directory implements it.
func WithAuthorizer(a roles.Authorizer) Option {
	return func(s *Service) error {
		if a == nil {
			return cmkit.Invalid("WithAuthorizer", "required", "nil Authorizer")
		}
		s.auth = a
		return nil
	}
}

// WithAuditLog sets the audit log every change, and every denial, is
// written to (default a new log in memory, see Service.AuditLog).
func WithAuditLog(l *roles.AuditLog) Option {
	return func(s *Service) error {
		if l == nil {
			return cmkit.Invalid("WithAuditLog", "required", "nil AuditLog")
		}
		s.audit = l
		return nil
	}
}

// WithClock sets the clock that dates each step (default the system
// clock).
func WithClock(c cmkit.Clock) Option {
	return func(s *Service) error {
		if c == nil {
			return cmkit.Invalid("WithClock", "required", "nil Clock")
		}
		s.clock = c
		return nil
	}
}

// WithSeedSource sets where Open reads a new seed's 32 bytes (default
// crypto/rand). Anything but a cryptographic source makes the draw
// predictable; tests and examples pass a fixed one.
func WithSeedSource(r io.Reader) Option {
	return func(s *Service) error {
		if r == nil {
			return cmkit.Invalid("WithSeedSource", "required", "nil Reader")
		}
		s.seeds = r
		return nil
	}
}

// WithCountryRules sets the country rules Create warns with (default
// DefaultCountryRules(); see Promotion.Validate).
func WithCountryRules(rules []CountryRule) Option {
	return func(s *Service) error {
		s.rules = slices.Clone(rules)
		return nil
	}
}

// WithEntryOptions sets the product's links that entries are checked
// with (see EntryOptions; default none).
func WithEntryOptions(o EntryOptions) Option {
	return func(s *Service) error {
		s.links = o
		return nil
	}
}

// WithLogger sets the logger for what fails after a change is stored (an
// audit record that could not be written; default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(s *Service) error {
		if l == nil {
			return cmkit.Invalid("WithLogger", "required", "nil Logger")
		}
		s.log = l
		return nil
	}
}

// New returns a service over store. WithAuthorizer is required; a bad
// option is an error wrapping cmkit.ErrInvalid.
//
// The permissions, each checked on every channel of the promotion in
// every one of its countries (a roles.Resource with its Brand, the
// channel's ID and the country), so that a member whose grants cover
// only some of them may not act on the whole promotion:
//
//	roles.ManagePromotions  Create, Open, AddEntries, Collect, Close
//	roles.DrawPromotion     Draw, Reveal
//	roles.ApproveWinners    StartWinners, StartContestWinners, SendNotices, AcceptPrize, DeclinePrize,
//	                        Disqualify, AnnounceWinners
//	roles.ReadPromotions    Get, List, FrozenEntries, Winners, WriteSubmissionsCSV, WriteSubmissionsJSON
func New(store Store, opts ...Option) (*Service, error) {
	if store == nil {
		return nil, cmkit.Invalid("store", "required", "nil Store")
	}
	s := &Service{store: store, clock: cmkit.SystemClock(), seeds: rand.Reader, log: slog.Default(),
		caches: map[string]*entryCache{}}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	if s.auth == nil {
		return nil, cmkit.Invalid("WithAuthorizer", "required", "a promotion service authorizes every call")
	}
	if s.audit == nil {
		s.audit = roles.NewAuditLog(roles.NewMemoryAuditStore(), s.clock)
	}
	return s, nil
}

// AuditLog returns the audit log the service writes to.
func (s *Service) AuditLog() *roles.AuditLog { return s.audit }

// maxRetries bounds how often a change is retried on a version conflict.
const maxRetries = 8

// authorize returns the acting member of ctx when they may do perm on
// every channel of p in every one of its countries. A denial is written to the audit log and returned
// as an error wrapping cmkit.ErrForbidden that says why.
func (s *Service) authorize(ctx context.Context, p *Promotion, perm roles.Permission, action string) (string, error) {
	member, ok := roles.ActorFrom(ctx)
	if !ok {
		return "", fmt.Errorf("promotion: %s %q: no acting member in the context (use roles.WithActor): %w", action, p.ID, cmkit.ErrForbidden)
	}
	for _, r := range resources(p) {
		d, err := s.auth.Authorize(ctx, member, perm, r)
		if err != nil {
			return "", fmt.Errorf("promotion: %s %q: %w", action, p.ID, err)
		}
		if !d.Allowed {
			s.audited(ctx, roles.AuditEvent{Actor: member, Action: "promotion." + action, Permission: perm, Resource: r,
				Target: target(p.ID), Allowed: false, Reason: d.Reason()})
			return "", fmt.Errorf("promotion: %s %q: %w", action, p.ID, d.Err())
		}
	}
	return member, nil
}

// resources returns what a permission on p is checked on: its brand on
// each of its channels in each of its countries (with the channel or the
// country left out when it has none, which a valid promotion never has).
func resources(p *Promotion) []roles.Resource {
	channels, countries := []string{""}, []string{""}
	if len(p.Channels) > 0 {
		channels = channels[:0]
		for _, ch := range p.Channels {
			channels = append(channels, ch.ID)
		}
	}
	if len(p.Countries) > 0 {
		countries = p.Countries
	}
	out := make([]roles.Resource, 0, len(channels)*len(countries))
	for _, ch := range channels {
		for _, c := range countries {
			out = append(out, roles.Resource{Brand: p.Brand, Channel: ch, Country: c})
		}
	}
	return out
}

func target(id string) string { return "promotion/" + id }

// audited appends e to the audit log. The change it records is stored
// already, so a failure is logged, not returned: the caller must not
// believe that nothing happened.
func (s *Service) audited(ctx context.Context, e roles.AuditEvent) {
	if _, err := s.audit.Append(context.WithoutCancel(ctx), e); err != nil {
		s.log.WarnContext(ctx, "promotion: audit log", "action", e.Action, "target", e.Target, "error", err.Error())
	}
}

// event is the audit event of a change by member on rec.
func event(member, action string, perm roles.Permission, p *Promotion, reason string) roles.AuditEvent {
	return roles.AuditEvent{Actor: member, Action: "promotion." + action, Permission: perm,
		Resource: roles.Resource{Brand: p.Brand}, Target: target(p.ID), Allowed: true, Reason: reason}
}

// wrongStatus is the error for a step taken in the wrong status.
func wrongStatus(rec *PromotionRecord, step string, want PromotionStatus) error {
	return fmt.Errorf("promotion: %s %q: it is %s, not %s: %w", step, rec.ID(), rec.Status, want, cmkit.ErrConflict)
}

// Create stores a new promotion, in StatusDraft, for the acting member
// (roles.ManagePromotions). It validates p (see Promotion.Validate) and
// returns the record and the country rules' warnings. A promotion whose
// ID exists is an error wrapping cmkit.ErrConflict.
func (s *Service) Create(ctx context.Context, p Promotion) (PromotionRecord, []Warning, error) {
	warnings, err := p.Validate(s.rules)
	if err != nil {
		return PromotionRecord{}, nil, err
	}
	member, err := s.authorize(ctx, &p, roles.ManagePromotions, "create")
	if err != nil {
		return PromotionRecord{}, nil, err
	}
	rec := PromotionRecord{Promotion: clonePromotion(p), Status: StatusDraft, CreatedAt: s.clock.Now()}
	if err := s.store.Create(ctx, rec); err != nil {
		return PromotionRecord{}, nil, err
	}
	rec.Version = 1
	s.audited(ctx, event(member, "create", roles.ManagePromotions, &p, fmt.Sprintf("%s created, %d warnings", p.Kind, len(warnings))))
	return rec.Public(), warnings, nil
}

// Get returns the promotion as the acting member (roles.ReadPromotions)
// may see it: PromotionRecord.Public, without the seed before the reveal.
func (s *Service) Get(ctx context.Context, id string) (PromotionRecord, error) {
	rec, err := s.store.Get(ctx, id)
	if err != nil {
		return PromotionRecord{}, err
	}
	if _, err := s.authorize(ctx, &rec.Promotion, roles.ReadPromotions, "read"); err != nil {
		return PromotionRecord{}, err
	}
	return rec.Public(), nil
}

// List returns the brand's promotions ("" for every brand), by ID, as
// Get returns them, leaving out those the acting member may not read
// (roles.ReadPromotions on every channel in every country): a filter,
// whose omissions are not written to the audit log. Without an acting
// member it is an error wrapping cmkit.ErrForbidden.
func (s *Service) List(ctx context.Context, brand string) ([]PromotionRecord, error) {
	member, ok := roles.ActorFrom(ctx)
	if !ok {
		return nil, fmt.Errorf("promotion: list: no acting member in the context (use roles.WithActor): %w", cmkit.ErrForbidden)
	}
	recs, err := s.store.List(ctx, brand)
	if err != nil {
		return nil, err
	}
	out := recs[:0]
	for _, rec := range recs {
		may := true
		for _, r := range resources(&rec.Promotion) {
			d, err := s.auth.Authorize(ctx, member, roles.ReadPromotions, r)
			if err != nil {
				return nil, fmt.Errorf("promotion: list: %w", err)
			}
			if !d.Allowed {
				may = false
				break
			}
		}
		if may {
			out = append(out, rec.Public())
		}
	}
	return out, nil
}

// update reads promotion id, checks that the acting member may do perm on
// it, lets change modify it and stores it with the submissions change
// returns, re-reading and retrying on a version conflict; once stored, it
// writes the audit record change described. When change describes
// nothing (an empty reason), nothing is written. change may run more than
// once and must have no effect outside rec, except on the entry cache.
func (s *Service) update(ctx context.Context, id string, perm roles.Permission, action string,
	change func(rec *PromotionRecord, now time.Time) ([]StoredSubmission, string, error)) (PromotionRecord, error) {
	member := ""
	for range maxRetries {
		rec, err := s.store.Get(ctx, id)
		if err != nil {
			return PromotionRecord{}, err
		}
		if member == "" {
			if member, err = s.authorize(ctx, &rec.Promotion, perm, action); err != nil {
				return PromotionRecord{}, err
			}
		}
		subs, reason, err := change(&rec, s.clock.Now())
		if err != nil {
			return PromotionRecord{}, err
		}
		if reason == "" {
			return rec, nil // nothing to change
		}
		err = s.store.Update(ctx, rec, subs...)
		if errors.Is(err, cmkit.ErrConflict) {
			continue
		}
		if err != nil {
			return PromotionRecord{}, err
		}
		rec.Version++
		s.audited(ctx, event(member, action, perm, &rec.Promotion, reason))
		return rec, nil
	}
	return PromotionRecord{}, fmt.Errorf("promotion: %s %q: too many concurrent changes: %w", action, id, cmkit.ErrConflict)
}

// Open opens a draft promotion for the acting member
// (roles.ManagePromotions): it makes the secret seed and returns its
// commitment (Commit), to publish in the announcement post with the
// beacon's name and round. beacon names the public randomness the draw
// will use, a round due after the promotion closes; nil draws without one
// (see Beacon for what that gives up). Its Value must be empty: it is
// given to Draw. A beacon with a value, or without a name, is an error
// wrapping cmkit.ErrInvalid; a promotion that is not a draft, one
// wrapping cmkit.ErrConflict.
func (s *Service) Open(ctx context.Context, id string, beacon *Beacon) (Digest, error) {
	if beacon != nil {
		if err := beacon.checkName(); err != nil {
			return Digest{}, err
		}
		if len(beacon.Value) > 0 {
			return Digest{}, cmkit.Invalid("beacon.value", "future", "the round's value is given to Draw; at open it is not known yet")
		}
		beacon = cloneBeacon(beacon)
	}
	var seed Seed
	var seeded bool
	rec, err := s.update(ctx, id, roles.ManagePromotions, "open", func(rec *PromotionRecord, now time.Time) ([]StoredSubmission, string, error) {
		if rec.Status != StatusDraft {
			return nil, "", wrongStatus(rec, "open", StatusDraft)
		}
		if !seeded {
			var err error
			if seed, err = NewSeed(s.seeds); err != nil {
				return nil, "", fmt.Errorf("promotion: open %q: %w", id, err)
			}
			seeded = true
		}
		rec.Status, rec.OpenedAt = StatusOpen, now
		rec.Seed, rec.Beacon, rec.Commitment = seed, cloneBeacon(beacon), commitment(seed, beacon)
		reason := "commitment " + rec.Commitment.String()
		if beacon != nil {
			reason += fmt.Sprintf(", beacon %q round %d", beacon.Name, beacon.Round)
		}
		return nil, reason, nil
	})
	if err != nil {
		return Digest{}, err
	}
	return rec.Commitment, nil
}

// AddEntries checks mentions as entries of an open promotion, for the
// acting member (roles.ManagePromotions), and returns a submission for
// each, in order (see Entries.Add; a mention that is not an entry gets
// ReasonNotEntry and is not stored), as decided when it arrived (a
// near-duplicate group completed later in the same call, or in a later
// one, may still reject an acceptance; the exports show where each
// stands). Every submission is stored, with what the product's links
// answered for it, in one Store.Update with the record, and the call
// writes one audit record counting what was accepted and rejected, and
// why, with the DecisionsDigest of the stored submissions, so that the
// audit log vouches for each decision; a call without a single entry
// writes nothing.
//
// A bad mention, or an error from the product's links, fails the whole
// call, naming the mention's index, and nothing is stored. On any error
// the service forgets what it checked: its next call on the promotion
// rebuilds its entries from what the store holds. A promotion that is not
// open is an error wrapping cmkit.ErrConflict.
func (s *Service) AddEntries(ctx context.Context, id string, ms ...cmkit.Mention) ([]Submission, error) {
	c := s.cache(id)
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Submission
	_, err := s.update(ctx, id, roles.ManagePromotions, "entries", func(rec *PromotionRecord, _ time.Time) ([]StoredSubmission, string, error) {
		if rec.Status != StatusOpen {
			return nil, "", wrongStatus(rec, "add entries to", StatusOpen)
		}
		if err := s.sync(ctx, c, rec); err != nil {
			return nil, "", err
		}
		// Entries cannot take back what it was given, so the cache is
		// rebuilt from the store unless the write below succeeds.
		e := c.entries
		c.entries = nil
		before := e.Accepted()
		out = slices.Grow(out[:0], len(ms))
		subs := make([]StoredSubmission, 0, len(ms))
		accepted, notEntries := 0, 0
		rejected := map[Reason]int{}
		tape := &lookupTape{}
		tctx := context.WithValue(ctx, tapeKey{}, tape)
		for i := range ms {
			*tape = lookupTape{}
			sub, err := e.Add(tctx, ms[i])
			if err != nil {
				return nil, "", fmt.Errorf("promotion: mention %d (%q): %w", i, ms[i].ID, err)
			}
			out = append(out, sub)
			switch {
			case sub.Reason == ReasonNotEntry:
				notEntries++
				continue
			case sub.Accepted:
				accepted++
			default:
				rejected[sub.Reason]++
			}
			subs = append(subs, StoredSubmission{Seq: rec.Submissions + len(subs) + 1, Mention: ms[i],
				LookedUp: tape.looked, Person: tape.person, Facts: tape.facts, Submission: sub})
		}
		revoked := before + accepted - e.Accepted()
		rec.Submissions += len(subs)
		c.pending, c.pendingAt = e, rec.Submissions
		if len(subs) == 0 {
			return nil, "", nil // no entry among them: nothing to store
		}
		return subs, entriesReason(rec.Submissions-len(subs), subs, accepted, rejected, notEntries, revoked), nil
	})
	if err != nil {
		c.pending = nil
		return nil, err
	}
	c.entries, c.applied, c.pending = c.pending, c.pendingAt, nil
	return out, nil
}

// entriesReason is the audit text of one AddEntries call.
func entriesReason(from int, subs []StoredSubmission, accepted int, rejected map[Reason]int, notEntries, revoked int) string {
	var b strings.Builder
	switch len(subs) {
	case 1:
		fmt.Fprintf(&b, "submission %d (%s)", from+1, subs[0].Submission.Key())
	default:
		fmt.Fprintf(&b, "submissions %d-%d", from+1, from+len(subs))
	}
	fmt.Fprintf(&b, ": %d accepted, %d rejected", accepted, len(subs)-accepted)
	if len(rejected) > 0 {
		b.WriteString(" (")
		for i, r := range slices.Sorted(maps.Keys(rejected)) {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %d", r, rejected[r])
		}
		b.WriteString(")")
	}
	if notEntries > 0 {
		fmt.Fprintf(&b, "; %d mentions not entries, not kept", notEntries)
	}
	if revoked > 0 {
		fmt.Fprintf(&b, "; %d earlier acceptances rejected as near duplicates", revoked)
	}
	fmt.Fprintf(&b, "; decisions sha256 %s", DecisionsDigest(subs))
	return b.String()
}

// Collect reads r's mentions after the cursor, page by page until a page
// comes back empty, adds each page as AddEntries does, and returns the
// cursor to resume from. On an error it returns the cursor after the last
// page stored, so that a later call resumes without a gap.
func (s *Service) Collect(ctx context.Context, id string, r cmkit.MentionReader, after cmkit.Cursor) (cmkit.Cursor, error) {
	for {
		page, err := r.ReadMentions(ctx, after, 0)
		if err != nil {
			return after, err
		}
		if len(page.Mentions) == 0 {
			return after, nil
		}
		if _, err := s.AddEntries(ctx, id, page.Mentions...); err != nil {
			return after, err
		}
		after = page.Next
	}
}

// Close ends a promotion's entries for the acting member
// (roles.ManagePromotions): the accepted entries' keys are frozen
// (FreezeEntries) and the list's hash and length recorded, to publish
// with the list (see FrozenEntries). A promotion without an accepted entry
// closes with a zero hash and nothing to draw. Close does not wait for
// the promotion's end: call it once every mention made before the end is
// collected, as AddEntries refuses mentions after it. A promotion that is
// not open is an error wrapping cmkit.ErrConflict.
func (s *Service) Close(ctx context.Context, id string) (PromotionRecord, error) {
	c := s.cache(id)
	c.mu.Lock()
	defer c.mu.Unlock()
	rec, err := s.update(ctx, id, roles.ManagePromotions, "close", func(rec *PromotionRecord, now time.Time) ([]StoredSubmission, string, error) {
		if rec.Status != StatusOpen {
			return nil, "", wrongStatus(rec, "close", StatusOpen)
		}
		if err := s.sync(ctx, c, rec); err != nil {
			return nil, "", err
		}
		keys := c.entries.Keys()
		rec.Status, rec.ClosedAt, rec.EntryCount, rec.EntriesHash = StatusClosed, now, len(keys), Digest{}
		if len(keys) > 0 {
			list, err := FreezeEntries(keys)
			if err != nil {
				return nil, "", err
			}
			rec.EntriesHash = list.Hash()
		}
		return nil, fmt.Sprintf("entries frozen: %d of %d submissions accepted, hash %s", len(keys), rec.Submissions, rec.EntriesHash), nil
	})
	if err != nil {
		return PromotionRecord{}, err
	}
	return rec.Public(), nil
}

// FrozenEntries returns the frozen entry list of a closed promotion, to
// publish (FrozenEntries.WriteTo), for the acting member
// (roles.ReadPromotions). It is rebuilt from the stored submissions and
// checked against the hash recorded at close; a promotion still open or in
// draft is an error wrapping cmkit.ErrConflict, and one without accepted
// entries is an error wrapping cmkit.ErrInvalid.
func (s *Service) FrozenEntries(ctx context.Context, id string) (FrozenEntries, error) {
	rec, err := s.store.Get(ctx, id)
	if err != nil {
		return FrozenEntries{}, err
	}
	if _, err := s.authorize(ctx, &rec.Promotion, roles.ReadPromotions, "read"); err != nil {
		return FrozenEntries{}, err
	}
	if rec.Status.rank() < StatusClosed.rank() {
		return FrozenEntries{}, wrongStatus(&rec, "read the entry list of", StatusClosed)
	}
	return s.frozen(ctx, &rec)
}

// frozen rebuilds the frozen list of closed rec and checks its hash.
func (s *Service) frozen(ctx context.Context, rec *PromotionRecord) (FrozenEntries, error) {
	if rec.EntryCount == 0 {
		return FrozenEntries{}, cmkit.Invalid("entries", "required", "promotion %q closed without an accepted entry", rec.ID())
	}
	c := s.cache(rec.ID())
	c.mu.Lock()
	err := s.sync(ctx, c, rec)
	var keys []string
	if err == nil {
		keys = c.entries.Keys()
	}
	c.mu.Unlock()
	if err != nil {
		return FrozenEntries{}, err
	}
	list, err := FreezeEntries(keys)
	if err != nil {
		return FrozenEntries{}, err
	}
	if list.Hash() != rec.EntriesHash || list.Len() != rec.EntryCount {
		return FrozenEntries{}, fmt.Errorf("promotion: %q: the stored submissions give %d entries hashing to %s, not the %d frozen at close (%s): %w",
			rec.ID(), list.Len(), list.Hash(), rec.EntryCount, rec.EntriesHash, cmkit.ErrConflict)
	}
	return list, nil
}

// Draw draws a closed giveaway's winners, one per prize unit (the sum of
// the prizes' quantities, or every entry when there are fewer), and then
// alternates more, in order, for the acting member (roles.DrawPromotion).
// beaconValue is the value of the beacon round named at Open, required
// then and refused otherwise. The record comes back with the draw, as
// PromotionRecord.Public gives it: the seed stays secret until Reveal.
//
// A promotion that is not a giveaway, too many alternates, or a wrong
// beacon value is an error wrapping cmkit.ErrInvalid; a promotion that is
// not closed, one wrapping cmkit.ErrConflict. Nothing changes on error.
func (s *Service) Draw(ctx context.Context, id string, alternates int, beaconValue []byte) (PromotionRecord, error) {
	rec, err := s.update(ctx, id, roles.DrawPromotion, "draw", func(rec *PromotionRecord, now time.Time) ([]StoredSubmission, string, error) {
		if rec.Promotion.Kind != KindGiveaway {
			return nil, "", cmkit.Invalid("kind", "giveaway", "only a giveaway is drawn; %q is a %s", rec.ID(), rec.Promotion.Kind)
		}
		if rec.Status != StatusClosed {
			return nil, "", wrongStatus(rec, "draw", StatusClosed)
		}
		var beacon *Beacon
		switch {
		case rec.Beacon == nil && len(beaconValue) > 0:
			return nil, "", cmkit.Invalid("beacon.value", "none_named", "promotion %q opened without a beacon", rec.ID())
		case rec.Beacon != nil:
			beacon = cloneBeacon(rec.Beacon)
			beacon.Value = slices.Clone(beaconValue)
		}
		list, err := s.frozen(ctx, rec)
		if err != nil {
			return nil, "", err
		}
		winners := 0
		for _, p := range rec.Promotion.Prizes {
			winners += p.Quantity
		}
		winners = min(winners, list.Len())
		d, err := Draw(rec.Seed, list, beacon, winners, alternates)
		if err != nil {
			return nil, "", err
		}
		if d.Commitment != rec.Commitment {
			return nil, "", fmt.Errorf("promotion: draw %q: the stored seed does not match the published commitment: %w", id, cmkit.ErrConflict)
		}
		rec.Status, rec.DrawnAt, rec.Draw, rec.Beacon = StatusDrawn, now, &d, cloneBeacon(beacon)
		return nil, fmt.Sprintf("drawn from %d entries: winners %s; alternates %s", list.Len(),
			strings.Join(d.Winners, " "), strings.Join(d.Alternates, " ")), nil
	})
	if err != nil {
		return PromotionRecord{}, err
	}
	return rec.Public(), nil
}

// Reveal publishes a drawn giveaway's seed, for the acting member
// (roles.DrawPromotion), and returns the complete draw record: with the
// frozen entry list (FrozenEntries), anyone can check it with Verify. A
// promotion that is not drawn is an error wrapping cmkit.ErrConflict.
func (s *Service) Reveal(ctx context.Context, id string) (DrawRecord, error) {
	rec, err := s.update(ctx, id, roles.DrawPromotion, "reveal", func(rec *PromotionRecord, now time.Time) ([]StoredSubmission, string, error) {
		if rec.Status != StatusDrawn {
			return nil, "", wrongStatus(rec, "reveal", StatusDrawn)
		}
		if rec.Draw == nil {
			return nil, "", fmt.Errorf("promotion: reveal %q: drawn, but no draw is stored: %w", id, cmkit.ErrConflict)
		}
		rec.Status, rec.RevealedAt = StatusRevealed, now
		return nil, "seed " + rec.Seed.String() + " published", nil
	})
	if err != nil {
		return DrawRecord{}, err
	}
	return *rec.Clone().Draw, nil
}

// WriteSubmissionsCSV writes every submission of the promotion, with its
// reason, as Entries.WriteCSV does, for the acting member
// (roles.ReadPromotions) to review.
func (s *Service) WriteSubmissionsCSV(ctx context.Context, id string, w io.Writer) error {
	return s.export(ctx, id, func(e *Entries) error { return e.WriteCSV(w) })
}

// WriteSubmissionsJSON writes every submission of the promotion as
// Entries.WriteJSON does, for the acting member (roles.ReadPromotions).
func (s *Service) WriteSubmissionsJSON(ctx context.Context, id string, w io.Writer) error {
	return s.export(ctx, id, func(e *Entries) error { return e.WriteJSON(w) })
}

func (s *Service) export(ctx context.Context, id string, write func(*Entries) error) error {
	rec, err := s.store.Get(ctx, id)
	if err != nil {
		return err
	}
	if _, err := s.authorize(ctx, &rec.Promotion, roles.ReadPromotions, "export"); err != nil {
		return err
	}
	c := s.cache(id)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := s.sync(ctx, c, &rec); err != nil {
		return err
	}
	return write(c.entries)
}

// cache returns the entry cache of promotion id.
func (s *Service) cache(id string) *entryCache {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.caches[id]
	if c == nil {
		c = &entryCache{}
		s.caches[id] = c
	}
	return c
}

// sync brings c up to rec's stored submissions, replaying those it does
// not hold; c.mu is held.
func (s *Service) sync(ctx context.Context, c *entryCache, rec *PromotionRecord) error {
	if c.entries == nil || c.applied > rec.Submissions {
		opts := s.links
		opts.Identities = &tapeLinker{real: s.links.Identities}
		opts.Authors = &tapeLookup{real: s.links.Authors}
		e, err := NewEntries(rec.Promotion, &opts)
		if err != nil {
			return err
		}
		c.entries, c.applied = e, 0
	}
	if c.applied == rec.Submissions {
		return nil
	}
	tape := &lookupTape{}
	tctx := context.WithValue(ctx, tapeKey{}, tape)
	for sub, err := range s.store.Submissions(ctx, rec.ID(), c.applied) {
		if err != nil {
			c.entries = nil
			return err
		}
		if sub.Seq != c.applied+1 {
			c.entries = nil
			return fmt.Errorf("promotion: %q: stored submission %d comes after %d: %w", rec.ID(), sub.Seq, c.applied, cmkit.ErrConflict)
		}
		*tape = lookupTape{replay: true, person: sub.Person, facts: sub.Facts}
		got, err := c.entries.Add(tctx, sub.Mention)
		if err != nil {
			c.entries = nil
			return fmt.Errorf("promotion: %q: replaying stored submission %d: %w", rec.ID(), sub.Seq, err)
		}
		if got.Accepted != sub.Submission.Accepted || got.Reason != sub.Submission.Reason {
			s.log.WarnContext(ctx, "promotion: a replayed submission was decided differently", "promotion", rec.ID(),
				"seq", sub.Seq, "stored", string(sub.Submission.Reason), "replayed", string(got.Reason))
		}
		c.applied++
		if c.applied == rec.Submissions {
			return nil
		}
	}
	c.entries = nil
	return fmt.Errorf("promotion: %q: %d submissions recorded, %d stored: %w", rec.ID(), rec.Submissions, c.applied, cmkit.ErrConflict)
}

// tapeKey is the context key of a *lookupTape.
type tapeKey struct{}

// lookupTape records what the product's links answered for one mention,
// or, in a replay, gives back what they answered when it arrived.
type lookupTape struct {
	replay bool
	looked bool
	person string
	facts  AuthorFacts
}

func tapeOf(ctx context.Context) *lookupTape {
	t, _ := ctx.Value(tapeKey{}).(*lookupTape)
	if t == nil {
		t = &lookupTape{}
	}
	return t
}

// tapeLinker is the IdentityLinker of a Service's Entries.
type tapeLinker struct{ real IdentityLinker }

func (l *tapeLinker) Person(ctx context.Context, platform cmkit.Platform, a cmkit.Author) (string, error) {
	t := tapeOf(ctx)
	if t.replay {
		return t.person, nil
	}
	t.looked = true
	if l.real == nil {
		return "", nil
	}
	p, err := l.real.Person(ctx, platform, a)
	t.person = p
	return p, err
}

// tapeLookup is the AuthorLookup of a Service's Entries.
type tapeLookup struct{ real AuthorLookup }

func (l *tapeLookup) LookupAuthor(ctx context.Context, platform cmkit.Platform, a cmkit.Author) (AuthorFacts, error) {
	t := tapeOf(ctx)
	if t.replay {
		return t.facts, nil
	}
	t.looked = true
	if l.real == nil {
		return AuthorFacts{}, nil
	}
	f, err := l.real.LookupAuthor(ctx, platform, a)
	t.facts = f
	return f, err
}
