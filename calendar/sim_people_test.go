package calendar_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/roles"
)

// This file holds the people of the simulation (the team, their grants and
// what they do at random moments) and the oracle's own model of the team
// and of each entry's content, kept apart from the roles code it checks.

// The channels: one per retry-safety kind for acme, and one of a second
// brand.
var simChannels = []cmkit.ChannelInfo{
	{ID: "acme-x", Platform: cmkit.X, Brand: "acme", Country: "ES", RetrySafety: cmkit.RetryAfterLookup},
	{ID: "acme-masto", Platform: cmkit.Mastodon, Brand: "acme", Country: "ES", RetrySafety: cmkit.RetryIdempotent},
	{ID: "acme-fb", Platform: cmkit.Facebook, Brand: "acme", Country: "ES", RetrySafety: cmkit.RetryUnsafe},
	{ID: "bolt-x", Platform: cmkit.X, Brand: "bolt", Country: "PL", RetrySafety: cmkit.RetryAfterLookup},
}

// The team: a social media manager over both brands, seniors, a junior, an
// intern, someone senior on acme-x but junior on acme's other channels,
// someone with bare permissions and no role, and two seniors with a deny
// grant on one channel.
var simMembers = []string{"sam", "bea", "ben", "ola", "ian", "mix", "bare", "den", "dap", "bo"}

// grantRec is the oracle's record of one grant: when it started and when it
// stopped applying (revoked or expired; zero means never).
type grantRec struct {
	id      uuid.UUID
	member  string
	role    string
	perm    roles.Permission
	deny    bool
	brand   string
	channel string
	from    time.Time
	until   time.Time
	fixed   bool // never revoked by the simulation (the manager's own)
	revoked bool // revoked at until, in step order
}

func (g *grantRec) String() string {
	what := g.role
	if what == "" {
		what = string(g.perm)
	}
	verb := "allow"
	if g.deny {
		verb = "deny"
	}
	return fmt.Sprintf("%s %s to %s on brand=%s channel=%s", verb, what, g.member, g.brand, g.channel)
}

func (g *grantRec) covers(info cmkit.ChannelInfo) bool {
	return (g.brand == "" || g.brand == info.Brand) && (g.channel == "" || g.channel == info.ID)
}

// Grants are made and revoked in step order: once a step has made or
// revoked one, it is made or revoked, whatever the clock says afterwards
// (the clock may jump back); only expiry is read against the clock, as
// roles reads it. Windows of time count in the member's favour, since the
// publisher checks at claim time, up to a lease before a call.

// liveSometime reports whether g, made before this step, may have applied
// at some instant of [from, to]: for an allow, in the member's favour.
func (g *grantRec) liveSometime(from, to time.Time) bool {
	return g.until.IsZero() || g.until.After(from)
}

// liveThroughout reports whether g surely applied during all of [from,
// to]: for a deny, in the member's favour.
func (g *grantRec) liveThroughout(from, to time.Time) bool {
	return !g.revoked && !g.from.After(from) && (g.until.IsZero() || g.until.After(to))
}

func (s *sim) bootstrapTeam(ctx context.Context) error {
	type gspec struct {
		member, role string
		perm         roles.Permission
		deny         bool
		brand, ch    string
	}
	specs := []gspec{
		{member: "sam", role: roles.SocialMediaManager, brand: "acme"},
		{member: "sam", role: roles.SocialMediaManager, brand: "bolt"},
		{member: "bea", role: roles.SeniorCM, brand: "acme"},
		{member: "ben", role: roles.SeniorCM, brand: "acme"},
		{member: "ben", role: roles.SeniorCM, brand: "bolt"},
		{member: "ola", role: roles.JuniorCM, brand: "acme"},
		{member: "ian", role: roles.Intern, brand: "acme"},
		{member: "ian", role: roles.Intern, brand: "bolt"},
		{member: "mix", role: roles.SeniorCM, brand: "acme", ch: "acme-x"},
		{member: "mix", role: roles.JuniorCM, brand: "acme", ch: "acme-fb"},
		{member: "mix", role: roles.JuniorCM, brand: "acme", ch: "acme-masto"},
		{member: "bare", perm: roles.DraftPost, brand: "acme"},
		{member: "bare", perm: roles.SubmitPost, brand: "acme"},
		{member: "den", role: roles.SeniorCM, brand: "acme"},
		{member: "den", role: roles.SeniorCM, deny: true, brand: "acme", ch: "acme-fb"},
		{member: "dap", role: roles.SeniorCM, brand: "acme"},
		{member: "dap", perm: roles.ApprovePost, deny: true, brand: "acme", ch: "acme-masto"},
		{member: "bo", role: roles.SeniorCM, brand: "bolt"},
		{member: "bo", role: roles.JuniorCM, brand: "acme"},
	}
	team := &roles.Team{}
	for _, m := range simMembers {
		team.Members = append(team.Members, roles.Member{ID: m})
	}
	now := s.clock.now()
	for _, g := range specs {
		id := cmkit.NewID()
		team.Grants = append(team.Grants, roles.Grant{ID: id, Member: g.member, Role: g.role, Permission: g.perm,
			Deny: g.deny, Scope: roles.Scope{Brand: g.brand, Channel: g.ch}})
		s.grants = append(s.grants, &grantRec{id: id, member: g.member, role: g.role, perm: g.perm, deny: g.deny,
			brand: g.brand, channel: g.ch, from: now, fixed: g.member == "sam"})
	}
	return s.dir.Bootstrap(ctx, team)
}

// senior reports whether the oracle counts member as holding senior_cm (or
// the social media manager's role) on the channel at t: a live allow, no
// live deny. Grant changes within slack before t are read in the member's
// favour, since the publisher checks at claim time, up to a lease earlier.
func (s *sim) senior(member string, info cmkit.ChannelInfo, t time.Time, approving bool) bool {
	from := t.Add(-s.slack)
	allowed := false
	for _, g := range s.grants {
		if g.member != member || !g.covers(info) {
			continue
		}
		if g.deny {
			if (g.role == roles.SeniorCM || g.role == roles.SocialMediaManager ||
				approving && g.perm == roles.ApprovePost) && g.liveThroughout(from, t) {
				return false
			}
			continue
		}
		if (g.role == roles.SeniorCM || g.role == roles.SocialMediaManager) && g.liveSometime(from, t) {
			allowed = true
		}
	}
	return allowed
}

// entryModel is the oracle's record of an entry, from what the people's
// calendar returned: who wrote each content version and who approved it.
type entryModel struct {
	n         int
	id        uuid.UUID
	creator   string
	cv        int64 // content version: 1 + edits
	text      map[string]string
	edits     []modelMark // by, cv after the edit
	approvals []modelMark // by, cv approved
	passed    []int64     // content versions submitted by trusted authors: approved without approval
}

type modelMark struct {
	by    string
	cv    int64
	valid bool // for approvals: the oracle agrees the approver could approve
}

// authors are the authors of the current content: everyone who changed it
// since the last approval of an earlier version (a valid approval, or a
// submit the oracle agrees needed none), or, when no earlier version was
// approved, the creator and every editor.
func (m *entryModel) authors() []string {
	last := int64(0)
	for _, a := range m.approvals {
		if a.valid && a.cv < m.cv && a.cv > last {
			last = a.cv
		}
	}
	for _, cv := range m.passed {
		if cv < m.cv && cv > last {
			last = cv
		}
	}
	var out []string
	if last == 0 {
		out = append(out, m.creator)
	}
	for _, e := range m.edits {
		if e.cv > last && !slices.Contains(out, e.by) {
			out = append(out, e.by)
		}
	}
	return out
}

// trusted reports whether every author of m's current content is senior on
// every channel of e at now: the content needs no approval.
func (s *sim) trusted(m *entryModel, e calendar.Entry, now time.Time) bool {
	for _, v := range e.Variants {
		for _, a := range m.authors() {
			if !s.senior(a, s.infos[v.Channel], now, false) {
				return false
			}
		}
	}
	return true
}

// validApproval reports whether who may approve m's current content on
// every channel of e at now, by the oracle's rules.
func (s *sim) validApproval(m *entryModel, e calendar.Entry, who string, now time.Time) bool {
	if slices.Contains(m.authors(), who) {
		return false
	}
	for _, v := range e.Variants {
		if !s.senior(who, s.infos[v.Channel], now, true) {
			return false
		}
	}
	return true
}

type postRef struct {
	entry   uuid.UUID
	channel string
}

func (s *sim) postName(id uuid.UUID) string {
	if r, ok := s.posts[id]; ok {
		return fmt.Sprintf("e%d/%s", s.models[r.entry].n, r.channel)
	}
	return id.String()
}

func (s *sim) entryName(id uuid.UUID) string {
	if m, ok := s.models[id]; ok {
		return fmt.Sprintf("e%d", m.n)
	}
	return id.String()
}

func (s *sim) record(e calendar.Entry) {
	m := s.models[e.ID]
	m.text = map[string]string{}
	for _, v := range e.Variants {
		m.text[v.Channel] = v.Post.Text
		s.posts[v.Post.ID] = postRef{entry: e.ID, channel: v.Channel}
	}
}

// checkCallStart is the oracle at the start of every publish call: the
// approval, pause and lateness rules, judged from the oracle's own model.
func (s *sim) checkCallStart(c *call) {
	ref, ok := s.posts[c.post.ID]
	if !ok {
		s.violate(invApproval, "%s published post %s that no entry has", c.p.name, c.post.ID)
		return
	}
	m := s.models[ref.entry]
	e, err := s.store.Get(context.Background(), ref.entry)
	if err != nil {
		s.violate(invSim, "reading %s: %v", s.entryName(ref.entry), err)
		return
	}
	now := s.clock.now()
	name := s.postName(c.post.ID)
	if c.post.Text != m.text[ref.channel] {
		s.violate(invApproval, "%s publishes %s with text %q, but the entry's content is %q", c.p.name, name, c.post.Text, m.text[ref.channel])
	}
	// (2) approval of the current content on every channel the entry targets.
	authors := m.authors()
	for _, v := range e.Variants {
		info := s.infos[v.Channel]
		ok := true
		for _, a := range authors {
			if !s.senior(a, info, now, false) {
				ok = false
			}
		}
		if ok {
			continue
		}
		for _, a := range m.approvals {
			if a.cv == m.cv && !slices.Contains(authors, a.by) && s.senior(a.by, info, now, true) {
				ok = true
				break
			}
		}
		if !ok {
			s.violate(invApproval, "%s publishes %s, but content v%d by %v is not approved for %s (approvals %v)",
				c.p.name, name, m.cv, authors, v.Channel, m.approvals)
			return
		}
	}
	// (3) no call inside a pause of the channel's brand, the channel or the campaign.
	pauses, _ := s.store.Pauses(context.Background())
	info := s.infos[ref.channel]
	for _, p := range pauses {
		if (p.Brand == "" || p.Brand == info.Brand) && (p.Channel == "" || p.Channel == ref.channel) &&
			(p.Campaign == "" || p.Campaign == e.Campaign) {
			s.violate(invPause, "%s publishes %s (entry brand %q, campaign %q) during pause %s %+v",
				c.p.name, name, e.Brand, e.Campaign, p.ID, p)
			return
		}
	}
	// (4) lateness: started publishing in time, or released by a person.
	if now.Sub(e.At) > s.maxLate+s.maxLease+2*s.maxSkew && !s.released[e.ID] && !s.onTime[timeKey{e.ID, e.At.UnixNano()}] {
		s.violate(invLate, "%s publishes %s at %s, %s after its time %s, and no person released it",
			c.p.name, name, s.fmtTime(now), now.Sub(e.At).Round(time.Second), s.fmtTime(e.At))
	}
}

type timeKey struct {
	id uuid.UUID
	at int64
}

// observePut sees every write a process makes. When an entry starts
// publishing (scheduled to publishing), it records whether that was within
// the lateness limit.
func (s *sim) observePut(p *proc, before, after calendar.Entry) {
	if before.State != calendar.Scheduled || after.State != calendar.Publishing {
		return
	}
	now := s.clock.now()
	if now.Sub(after.At) <= p.maxLate+2*s.maxSkew {
		s.onTime[timeKey{after.ID, after.At.UnixNano()}] = true
	}
}

func (s *sim) as(member string) context.Context {
	return roles.WithActor(context.Background(), member)
}

// legit reports whether err is a refusal people may get: forbidden, a
// conflict, invalid input.
func legit(err error) bool {
	return err == nil || errors.Is(err, cmkit.ErrForbidden) || errors.Is(err, cmkit.ErrConflict) ||
		errors.Is(err, cmkit.ErrInvalid) || errors.Is(err, cmkit.ErrNotFound)
}

func (s *sim) pick(xs []string) string { return xs[s.rng.IntN(len(xs))] }

// member picks one of xs who may act in this run: the member senior on one
// channel and junior on others acts only with behaviour "mixed", the one
// with bare permissions only with "bare", the two with deny grants only
// with "deny".
func (s *sim) member(xs []string) string {
	var ok []string
	for _, m := range xs {
		switch {
		case (m == "mix" || m == "bo") && !s.on(bMixed), m == "bare" && !s.on(bBare), (m == "den" || m == "dap") && !s.on(bDeny):
		default:
			ok = append(ok, m)
		}
	}
	return s.pick(ok)
}

// entriesWhere returns, in creation order, the stored entries that match.
func (s *sim) entriesWhere(keep func(*calendar.Entry) bool) []calendar.Entry {
	var out []calendar.Entry
	for _, id := range s.order {
		e, err := s.store.Get(context.Background(), id)
		if err == nil && keep(&e) {
			out = append(out, e)
		}
	}
	return out
}

func (s *sim) pickEntry(keep func(*calendar.Entry) bool) (calendar.Entry, bool) {
	es := s.entriesWhere(keep)
	if len(es) == 0 {
		return calendar.Entry{}, false
	}
	return es[s.rng.IntN(len(es))], true
}

func inStates(states ...calendar.State) func(*calendar.Entry) bool {
	return func(e *calendar.Entry) bool { return slices.Contains(states, e.State) }
}

var (
	anyone  = simMembers
	writers = []string{"bea", "ben", "ola", "ian", "mix", "bare", "den", "dap", "bo", "sam", "ola", "ian", "mix"}
	seniors = []string{"sam", "bea", "ben", "den", "dap", "mix", "bo"}
)

func moveNext(_ calendar.Entry, now time.Time) (time.Time, bool) {
	return now.Add(15 * time.Minute), true
}

// person makes one person do one thing at this moment.
func (s *sim) person() {
	type action struct {
		w  int
		on bool
		do func()
	}
	acts := []action{
		{10, true, s.doCreate},
		{30, true, s.doProgress},
		{8, true, s.doSubmit},
		{8, true, s.doApprove},
		{8, true, s.doSchedule},
		{5, s.on(bEdit), s.doEdit},
		{2, s.on(bCancel), s.doCancel},
		{5, s.on(bResolve), s.doResolve},
		{2, s.on(bPause), s.doPause},
		{3, s.on(bPause), s.doResume},
		{2, s.on(bGrants), s.doGrant},
		{2, s.on(bGrants), s.doRevoke},
	}
	total := 0
	for _, a := range acts {
		if a.on {
			total += a.w
		}
	}
	x := s.rng.IntN(total)
	for _, a := range acts {
		if !a.on {
			continue
		}
		if x < a.w {
			a.do()
			return
		}
		x -= a.w
	}
}

// outcomeOf traces a person's action and fails the run on an error that is
// not a legitimate refusal.
func (s *sim) outcomeOf(who, what string, err error) bool {
	if err == nil {
		s.tracef("%s %s", who, what)
		return true
	}
	s.tracef("%s %s: refused: %v", who, what, err)
	if !legit(err) {
		s.violate(invSim, "%s %s failed with an error that is not a refusal: %v", who, what, err)
	}
	return false
}

func (s *sim) doCreate() {
	order := []string{"acme-x", "acme-masto", "acme-fb"}
	if s.on(bTwoBrands) && s.rng.IntN(6) == 0 {
		order = append(order, "bolt-x")
	}
	s.rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	chs := order[:1+s.rng.IntN(min(3, len(order)))]
	at := s.clock.now().Add(time.Duration(s.rng.IntN(5400)-300) * time.Second).Truncate(time.Second)
	s.create(s.member(writers), chs, at)
}

// create makes who create an entry on chs at at, with a brand and campaign
// drawn by the seed.
func (s *sim) create(who string, chs []string, at time.Time) (calendar.Entry, bool) {
	brand := "acme"
	if s.on(bBrandText) {
		switch s.rng.IntN(5) {
		case 0:
			brand = ""
		case 1:
			brand = "Acme"
		}
	}
	if len(chs) == 1 && chs[0] == "bolt-x" && brand == "acme" {
		brand = "bolt"
	}
	campaign := ""
	if s.rng.IntN(3) == 0 {
		campaign = "spring"
		if len(chs) == 1 && chs[0] == "bolt-x" {
			campaign = "bolt-spring" // a campaign belongs to one brand
		}
	}
	n := len(s.order) + 1
	var vs []calendar.Variant
	for _, ch := range chs {
		vs = append(vs, calendar.Variant{Channel: ch, Post: cmkit.Post{Text: fmt.Sprintf("e%d v1 %s", n, ch)}})
	}
	e, err := s.human.Create(s.as(who), calendar.Entry{Title: fmt.Sprintf("entry %d", n), Brand: brand, At: at,
		Campaign: campaign, Variants: vs})
	if !s.outcomeOf(who, fmt.Sprintf("creates e%d on %v (brand %q, campaign %q) at %s", n, chs, brand, campaign, s.fmtTime(at)), err) {
		return e, false
	}
	s.order = append(s.order, e.ID)
	s.stats.entries++
	s.models[e.ID] = &entryModel{n: n, id: e.ID, creator: who, cv: 1}
	s.record(e)
	return e, true
}

// doBurst: people create several entries for the same moment, soon, most
// with several variants and on the lookup channel, and take each through
// review onto the calendar at once (asking a senior who is not the author
// to approve), so that a publisher claims them together in one batch.
func (s *sim) doBurst() {
	at := s.clock.now().Add(time.Duration(20+s.rng.IntN(280)) * time.Second).Truncate(time.Second)
	for range 2 + s.rng.IntN(5) {
		rest := []string{"acme-masto", "acme-fb"}
		s.rng.Shuffle(len(rest), func(i, j int) { rest[i], rest[j] = rest[j], rest[i] })
		chs := rest[:1+s.rng.IntN(2)]
		if s.rng.IntN(4) > 0 {
			chs = append(rest[:s.rng.IntN(3)], "acme-x")
		}
		if s.on(bTwoBrands) && s.rng.IntN(6) == 0 {
			chs = append(chs, "bolt-x")
		}
		s.rng.Shuffle(len(chs), func(i, j int) { chs[i], chs[j] = chs[j], chs[i] })
		who := s.member(writers)
		e, ok := s.create(who, chs, at)
		if !ok {
			continue
		}
		s.submit(e, who)
		if e, _ = s.store.Get(context.Background(), e.ID); e.State == calendar.InReview {
			var others []string
			for _, m := range seniors {
				if m != who {
					others = append(others, m)
				}
			}
			s.approve(e, s.member(others))
		}
		if e, _ = s.store.Get(context.Background(), e.ID); e.State == calendar.Approved {
			who := s.pick([]string{"sam", "bea", "ben"})
			_, err := s.human.Schedule(s.as(who), e.ID, e.Version)
			if s.outcomeOf(who, "schedules "+s.entryName(e.ID)+" at "+s.fmtTime(e.At), err) {
				s.stats.scheduled++
			}
		}
	}
}

// doProgress moves an entry along its way: its author submits a draft, a
// senior (usually one who may) approves or schedules it.
func (s *sim) doProgress() {
	e, ok := s.pickEntry(inStates(calendar.Draft, calendar.InReview, calendar.Approved))
	if !ok {
		return
	}
	m := s.models[e.ID]
	switch e.State {
	case calendar.Draft:
		s.submit(e, m.creator)
	case calendar.InReview:
		s.approve(e, s.member(seniors))
	case calendar.Approved:
		who := s.pick([]string{"sam", "bea", "ben"})
		_, err := s.human.Schedule(s.as(who), e.ID, e.Version)
		if s.outcomeOf(who, "schedules "+s.entryName(e.ID)+" at "+s.fmtTime(e.At), err) {
			s.stats.scheduled++
		}
	}
}

func (s *sim) doSubmit() {
	e, ok := s.pickEntry(inStates(calendar.Draft))
	if !ok {
		return
	}
	who := s.models[e.ID].creator
	if s.rng.IntN(3) == 0 {
		who = s.member(anyone)
	}
	s.submit(e, who)
}

func (s *sim) submit(e calendar.Entry, who string) {
	got, err := s.human.Submit(s.as(who), e.ID, e.Version)
	if s.outcomeOf(who, "submits "+s.entryName(e.ID), err) && got.State == calendar.Approved {
		if m := s.models[e.ID]; s.trusted(m, got, s.clock.now()) {
			m.passed = append(m.passed, m.cv)
		}
	}
}

func (s *sim) doApprove() {
	e, ok := s.pickEntry(inStates(calendar.InReview))
	if !ok {
		return
	}
	s.approve(e, s.member(anyone))
}

func (s *sim) approve(e calendar.Entry, who string) {
	got, err := s.human.Approve(s.as(who), e.ID, e.Version)
	if s.outcomeOf(who, "approves "+s.entryName(e.ID), err) {
		m := s.models[e.ID]
		if countBy(got.Approvals, who) > countBy(e.Approvals, who) {
			m.approvals = append(m.approvals, modelMark{by: who, cv: m.cv, valid: s.validApproval(m, e, who, s.clock.now())})
		}
	}
}

func countBy(as []roles.Approval, who string) int {
	n := 0
	for _, a := range as {
		if a.Approver == who {
			n++
		}
	}
	return n
}

func (s *sim) doSchedule() {
	e, ok := s.pickEntry(inStates(calendar.Approved))
	if !ok {
		return
	}
	who := s.member(seniors)
	_, err := s.human.Schedule(s.as(who), e.ID, e.Version)
	if s.outcomeOf(who, "schedules "+s.entryName(e.ID)+" at "+s.fmtTime(e.At), err) {
		s.stats.scheduled++
	}
}

func (s *sim) doEdit() {
	e, ok := s.pickEntry(inStates(calendar.Draft, calendar.InReview, calendar.Approved, calendar.Scheduled,
		calendar.Expired, calendar.Held))
	if !ok {
		return
	}
	m := s.models[e.ID]
	who := s.member(writers)
	cv := m.cv + 1
	upd := e.Clone()
	if s.rng.IntN(8) == 0 && len(upd.Variants) > 1 {
		upd.Variants = upd.Variants[:len(upd.Variants)-1]
	} else if s.rng.IntN(8) == 0 && upd.Variant("acme-fb") == nil {
		upd.Variants = append(upd.Variants, calendar.Variant{Channel: "acme-fb"})
	}
	for i := range upd.Variants {
		upd.Variants[i].Post.Text = fmt.Sprintf("e%d v%d %s", m.n, cv, upd.Variants[i].Channel)
	}
	if s.rng.IntN(3) == 0 {
		upd.At = s.clock.now().Add(time.Duration(s.rng.IntN(120)) * time.Minute).Truncate(time.Second)
	}
	got, err := s.human.Update(s.as(who), upd)
	if s.outcomeOf(who, fmt.Sprintf("edits %s to v%d at %s", s.entryName(e.ID), cv, s.fmtTime(upd.At)), err) {
		m.cv = cv
		m.edits = append(m.edits, modelMark{by: who, cv: cv})
		s.record(got)
	}
}

func (s *sim) doCancel() {
	e, ok := s.pickEntry(func(e *calendar.Entry) bool { return e.State != calendar.Published && e.State != calendar.Cancelled })
	if !ok {
		return
	}
	who := s.member(seniors)
	_, err := s.human.Cancel(s.as(who), e.ID, e.Version)
	s.outcomeOf(who, fmt.Sprintf("cancels %s (%s)", s.entryName(e.ID), e.State), err)
}

// doResolve: a person checks the platform, truthfully, and settles a
// variant that is unknown or failed.
func (s *sim) doResolve() {
	settled := func(v *calendar.Variant) bool {
		return v.State == calendar.Unknown || v.State == calendar.Dead || v.State == calendar.Rejected
	}
	e, ok := s.pickEntry(func(e *calendar.Entry) bool {
		return slices.ContainsFunc(e.Variants, func(v calendar.Variant) bool { return settled(&v) })
	})
	if !ok {
		return
	}
	for _, v := range e.Variants {
		if settled(&v) {
			s.resolve(e, v)
			return
		}
	}
}

// resolve: a senior checks the platform for v, truthfully, and settles it.
func (s *sim) resolve(e calendar.Entry, v calendar.Variant) {
	who := s.member(seniors)
	pp, found := s.findPost(v.Channel, v.Post.ID)
	_, err := s.human.Resolve(s.as(who), e.ID, e.Version, calendar.Resolution{Channel: v.Channel, Found: found, PlatformID: pp.platformID})
	if s.outcomeOf(who, fmt.Sprintf("resolves %s on %s (%s): found=%v", s.entryName(e.ID), v.Channel, v.State, found), err) {
		s.released[e.ID] = true
	}
}

func (s *sim) doPause() {
	s.pauseSeq++
	p := calendar.Pause{ID: fmt.Sprintf("pause-%d", s.pauseSeq), Reason: "simulated crisis"}
	switch x := s.rng.IntN(20); {
	case x < 9:
		p.Brand = "acme"
	case x < 15:
		p.Channel = s.pick([]string{"acme-x", "acme-masto", "acme-fb", "bolt-x"})
	case x < 18:
		p.Campaign = "spring"
	case x < 19:
		p.Brand = "bolt"
	default:
		p.Brand, p.Channel = "acme", "acme-fb"
	}
	s.pause(p)
}

func (s *sim) pause(p calendar.Pause) {
	who := s.member(seniors)
	_, err := s.human.Pause(s.as(who), p)
	s.outcomeOf(who, fmt.Sprintf("pauses %s: brand %q channel %q campaign %q", p.ID, p.Brand, p.Channel, p.Campaign), err)
}

func (s *sim) doResume() {
	ps, err := s.store.Pauses(context.Background())
	if err != nil || len(ps) == 0 {
		return
	}
	s.resume(s.member(seniors), ps[s.rng.IntN(len(ps))].ID)
}

// resume makes who resume pause id, with a missed-post policy drawn by the
// seed. With PublishMissed the person releases the publishing entries the
// pause held and no other pause holds any more: their retries may go out
// late. (A scheduled entry whose time passed gets a new time instead.)
func (s *sim) resume(who, id string) {
	policy := calendar.MissedPolicy(1 + s.rng.IntN(3))
	held := s.entriesWhere(func(e *calendar.Entry) bool { return e.PausedBy == id && e.State == calendar.Publishing })
	n, err := s.human.Resume(s.as(who), id, policy, moveNext)
	if s.outcomeOf(who, fmt.Sprintf("resumes %s (%s), releasing %d", id, policy, n), err) && policy == calendar.PublishMissed {
		for _, e := range held {
			if now, err := s.store.Get(context.Background(), e.ID); err == nil && now.PausedBy == "" {
				s.released[e.ID] = true
			}
		}
	}
}

// meddleable returns the calls in flight that a person may act around: the
// call's process is alive and waits for its answer.
func (s *sim) meddleable() []*call {
	var out []*call
	for _, c := range s.inflight {
		if !c.orphan && !c.p.dead {
			out = append(out, c)
		}
	}
	return out
}

// doMeddle: while a publisher's call on an entry is in flight, a person
// acts on that entry in a way that makes it due again (resolves another
// variant that is unknown or failed, or resumes the pause holding it, or
// pauses it to resume it later) or cancels it; then, often, another
// publisher polls at once, or the caller crashes. The calendar must neither
// hand the entry to another publisher while the call's lease lives nor lose
// the call's answer, nor leave the variant sending with nobody to settle it.
func (s *sim) doMeddle() {
	cs := s.meddleable()
	if len(cs) == 0 {
		return
	}
	c := cs[s.rng.IntN(len(cs))]
	ref, ok := s.posts[c.id]
	if !ok {
		return
	}
	e, err := s.store.Get(context.Background(), ref.entry)
	if err != nil {
		return
	}
	s.tracef("(a person acts on %s during %s's call #%d)", s.entryName(e.ID), c.p.name, c.seq)
	var resolvable []calendar.Variant
	for _, v := range e.Variants {
		if v.Channel != c.channel && (v.State == calendar.Unknown || v.State == calendar.Dead || v.State == calendar.Rejected) {
			resolvable = append(resolvable, v)
		}
	}
	switch {
	case s.on(bCancel) && s.rng.IntN(6) == 0:
		who := s.member(seniors)
		_, err := s.human.Cancel(s.as(who), e.ID, e.Version)
		s.outcomeOf(who, fmt.Sprintf("cancels %s (%s)", s.entryName(e.ID), e.State), err)
	case len(resolvable) > 0 && s.on(bResolve):
		s.resolve(e, resolvable[s.rng.IntN(len(resolvable))])
	case e.PausedBy != "" && s.on(bPause):
		s.resume(s.member(seniors), e.PausedBy)
	case s.on(bPause):
		s.pauseSeq++
		p := calendar.Pause{ID: fmt.Sprintf("pause-%d", s.pauseSeq), Reason: "simulated crisis", Channel: c.channel}
		switch x := s.rng.IntN(4); {
		case x == 0 && e.Campaign != "":
			p.Channel, p.Campaign = "", e.Campaign
		case x == 1:
			p.Channel, p.Brand = "", s.infos[c.channel].Brand
		}
		s.pause(p)
	default:
		return
	}
	switch x := s.rng.IntN(6); {
	case x < 3:
		if ps := s.idle(); len(ps) > 0 {
			s.start(ps[s.rng.IntN(len(ps))])
		}
	case x == 3 && s.on(bCrash) && !c.p.dead:
		s.stats.crashes++
		s.crash(c.p)
	}
}

func (s *sim) doGrant() {
	now := s.clock.now()
	g := roles.Grant{Scope: roles.Scope{Brand: "acme"}}
	kind := s.rng.IntN(4)
	if !s.on(bDeny) {
		kind = 0
	}
	switch kind {
	case 0, 1: // temporary cover
		g.Member, g.Role = s.member([]string{"ola", "ian", "bare", "mix"}), roles.SeniorCM
		if s.rng.IntN(2) == 0 {
			g.Scope.Channel = s.pick([]string{"acme-x", "acme-masto", "acme-fb"})
		}
		if s.rng.IntN(3) > 0 {
			g.ExpiresAt = now.Add(time.Duration(5+s.rng.IntN(120)) * time.Minute)
		}
	case 2:
		g.Member, g.Permission, g.Deny = s.member([]string{"bea", "ben", "mix"}), roles.ApprovePost, true
		g.Scope.Channel = s.pick([]string{"acme-x", "acme-masto", "acme-fb"})
	default:
		g.Member, g.Role, g.Deny = s.member([]string{"bea", "ben", "mix"}), roles.SeniorCM, true
		g.Scope.Channel = s.pick([]string{"acme-x", "acme-masto", "acme-fb"})
	}
	got, err := s.dir.Grant(s.as("sam"), g)
	rec := &grantRec{member: g.Member, role: g.Role, perm: g.Permission, deny: g.Deny, brand: g.Scope.Brand,
		channel: g.Scope.Channel, from: now, until: g.ExpiresAt}
	if s.outcomeOf("sam", "grants "+rec.String(), err) {
		rec.id = got.ID
		s.grants = append(s.grants, rec)
	}
}

func (s *sim) doRevoke() {
	now := s.clock.now()
	var live []*grantRec
	for _, g := range s.grants {
		if !g.fixed && (g.until.IsZero() || g.until.After(now)) && (s.on(bDeny) || !g.deny && !slices.Contains([]string{"den", "dap", "mix", "bare"}, g.member)) {
			live = append(live, g)
		}
	}
	if len(live) == 0 {
		return
	}
	g := live[s.rng.IntN(len(live))]
	if s.outcomeOf("sam", "revokes "+g.String(), s.dir.Revoke(s.as("sam"), g.id)) {
		g.until, g.revoked = now, true
	}
}
