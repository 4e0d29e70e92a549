package roles

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// Directory is the team: its members, their grants, and the roles those
// grants name. It is the default Authorizer, the place every change to the
// team goes through (each one authorized and audited), and the judge of
// approvals (see ApprovalStatus and Approve).
//
// Checks (Authorize, Check) read an in-memory index and never touch the
// Store; changes write the Store first and the index after, so the index
// never shows what the Store refused. Several processes sharing one Store
// each call Reload to see the others' changes.
//
// Most services call Check, which reads the acting member from the context
// (WithActor) and records the decision in the audit log. Authorize answers
// the same question without recording it, for screens that hide what a
// member cannot do.
//
// A Directory is safe for concurrent use.
type Directory struct {
	store Store
	roles *RoleSet
	clock cmkit.Clock
	audit *AuditLog
	log   *slog.Logger

	ix atomic.Pointer[index]

	mu    sync.Mutex // serializes changes
	byID  map[uuid.UUID]*Grant
	empty bool // no grant was ever loaded or made: Bootstrap is allowed
}

var _ Authorizer = (*Directory)(nil)

// Option configures a Directory.
type Option func(*Directory) error

// WithRoles sets the role catalogue (default NewRoleSet()). The Directory
// keeps a copy.
func WithRoles(rs *RoleSet) Option {
	return func(d *Directory) error {
		if rs == nil {
			return cmkit.Invalid("WithRoles", "required", "nil RoleSet")
		}
		d.roles = rs.Clone()
		return nil
	}
}

// WithClock sets the clock that dates changes and expires grants (default
// cmkit.SystemClock()).
func WithClock(c cmkit.Clock) Option {
	return func(d *Directory) error {
		if c == nil {
			return cmkit.Invalid("WithClock", "required", "nil Clock")
		}
		d.clock = c
		return nil
	}
}

// WithAuditLog sets where decisions and changes are recorded (default a new
// log over NewMemoryAuditStore()).
func WithAuditLog(l *AuditLog) Option {
	return func(d *Directory) error {
		if l == nil {
			return cmkit.Invalid("WithAuditLog", "required", "nil AuditLog")
		}
		d.audit = l
		return nil
	}
}

// WithLogger sets the logger for events (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(d *Directory) error {
		if l == nil {
			return cmkit.Invalid("WithLogger", "required", "nil Logger")
		}
		d.log = l
		return nil
	}
}

// New returns a Directory over store, loaded with what the store holds. It
// takes a context, unlike most constructors, because it reads the store. A
// stored grant that names a role or permission the RoleSet lacks is an
// error: silently ignoring it could drop a deny.
func New(ctx context.Context, store Store, opts ...Option) (*Directory, error) {
	if store == nil {
		return nil, cmkit.Invalid("store", "required", "nil Store")
	}
	d := &Directory{store: store}
	for _, o := range opts {
		if err := o(d); err != nil {
			return nil, err
		}
	}
	if d.roles == nil {
		d.roles = NewRoleSet()
	}
	if d.clock == nil {
		d.clock = cmkit.SystemClock()
	}
	if d.audit == nil {
		d.audit = NewAuditLog(NewMemoryAuditStore(), d.clock)
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	if err := d.Reload(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// Reload rebuilds the index from the store, to see changes other processes
// made. Checks running meanwhile see the old index or the new, never a mix.
func (d *Directory) Reload(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	byID := map[uuid.UUID]*Grant{}
	per := map[string][]compiled{}
	for g, err := range d.store.Grants(ctx) {
		if err != nil {
			return fmt.Errorf("roles: load grants: %w", err)
		}
		if err := g.validate(fmt.Sprintf("stored grant %s", g.ID), d.roles); err != nil {
			return err
		}
		c, err := d.compile(g)
		if err != nil {
			return err
		}
		byID[g.ID] = c.grant
		per[g.Member] = append(per[g.Member], c)
	}
	ix := newIndex()
	for m, gs := range per {
		ix.set(m, gs)
	}
	d.byID = byID
	d.empty = len(byID) == 0
	d.ix.Store(ix)
	return nil
}

func (d *Directory) compile(g Grant) (compiled, error) {
	perms, err := d.roles.grantPerms(&g)
	if err != nil {
		return compiled{}, err
	}
	c := compiled{grant: &g, perms: perms, scope: g.Scope, deny: g.Deny}
	if !g.ExpiresAt.IsZero() {
		c.expires = g.ExpiresAt.UnixNano()
	}
	return c, nil
}

// Roles returns a copy of the Directory's role catalogue.
func (d *Directory) Roles() *RoleSet { return d.roles.Clone() }

// AuditLog returns the log the Directory records to.
func (d *Directory) AuditLog() *AuditLog { return d.audit }

// Authorize reports whether member may do p on r. A deny grant that applies
// wins over every allow; with no applicable grant the answer is no. It reads
// only memory and, on the allow path, allocates nothing. An unknown
// permission is an error wrapping cmkit.ErrInvalid.
func (d *Directory) Authorize(_ context.Context, member string, p Permission, r Resource) (Decision, error) {
	pi, ok := d.roles.permIndex[p]
	if !ok {
		return Decision{}, cmkit.Invalid("permission", "unknown", "no permission %q", p)
	}
	gs := d.ix.Load().of(member)
	dec := Decision{Member: member, Permission: p, Resource: r, held: gs, pi: pi}
	gives := func(g *compiled) bool { return g.perms.has(pi) }
	dec.By, dec.Allowed = d.decide(gs, &r, gives, gives)
	return dec, nil
}

// decide is the rule every check follows, written once: among the live
// grants of gs that cover r, one that takes away (deny grants for which
// takes reports true) wins over every allow; otherwise the first allow grant
// for which gives reports true decides; with neither, the answer is no. It
// returns the deciding grant (nil when none) and whether it allows.
func (d *Directory) decide(gs []compiled, r *Resource, gives, takes func(*compiled) bool) (*Grant, bool) {
	var by *Grant
	now := int64(-1)
	for i := range gs {
		g := &gs[i]
		if g.deny && !takes(g) || !g.deny && (by != nil || !gives(g)) || !g.scope.Covers(r) {
			continue
		}
		if g.expires != 0 {
			if now < 0 {
				now = d.clock.Now().UnixNano()
			}
			if !g.live(now) {
				continue
			}
		}
		if g.deny {
			return g.grant, false
		}
		by = g.grant
	}
	return by, by != nil
}

// Check authorizes the acting member of ctx (see WithActor) to do p on r,
// records the decision in the audit log, and returns nil when allowed or an
// error wrapping cmkit.ErrForbidden that says why not. It is what services
// call before every change.
func (d *Directory) Check(ctx context.Context, p Permission, r Resource) error {
	actor, ok := ActorFrom(ctx)
	if !ok {
		return forbidden("no acting member in the context (use roles.WithActor)")
	}
	dec, err := d.Authorize(ctx, actor, p, r)
	if err != nil {
		return err
	}
	if _, err := d.audit.Append(ctx, Event{Actor: actor, Action: "check", Permission: p, Resource: r,
		Allowed: dec.Allowed, Reason: dec.Reason()}); err != nil {
		return err
	}
	return dec.Err()
}

// Holders yields, in ID order, the members allowed to do p on r: who can
// approve a post, whom to notify. It scans the team, so it costs about a
// microsecond per member.
func (d *Directory) Holders(ctx context.Context, p Permission, r Resource) iter.Seq[string] {
	return func(yield func(string) bool) {
		var ids []string
		d.ix.Load().all(func(m string, _ []compiled) bool {
			ids = append(ids, m)
			return true
		})
		slices.Sort(ids)
		for _, m := range ids {
			if dec, err := d.Authorize(ctx, m, p, r); err == nil && dec.Allowed && !yield(m) {
				return
			}
		}
	}
}

// RolesOf returns, sorted, the roles member holds on r: those named by
// live allow grants that cover r, except a role some of whose permissions a
// live deny grant covering r takes away (denying senior_cm on a channel
// takes senior_cm, and smm, which inherits it, away there).
func (d *Directory) RolesOf(member string, r Resource) []string {
	var out []string
	for _, g := range d.ix.Load().of(member) {
		if role := g.grant.Role; role != "" && !g.deny && !slices.Contains(out, role) && d.holdsRole(member, role, r) {
			out = append(out, role)
		}
	}
	slices.Sort(out)
	return out
}

// holdsRole reports whether member holds role want, or a role inheriting
// it, on r, decided as Authorize decides: a live deny grant covering r that
// takes away any of want's permissions wins over every allow.
func (d *Directory) holdsRole(member, want string, r Resource) bool {
	e, ok := d.roles.roles[want]
	if !ok {
		return false
	}
	gives := func(g *compiled) bool { return g.grant.Role != "" && d.roles.inherits(g.grant.Role, want) }
	takes := func(g *compiled) bool { return g.perms.intersects(&e.eff) }
	_, held := d.decide(d.ix.Load().of(member), &r, gives, takes)
	return held
}

// allowedRoles returns the roles named by member's live allow grants that
// cover r, whatever deny grants say: what selects an item for review
// (Rule.AuthorRoles), where a deny must never remove a review.
func (d *Directory) allowedRoles(member string, r Resource) []string {
	now := d.clock.Now().UnixNano()
	var out []string
	for _, g := range d.ix.Load().of(member) {
		if g.grant.Role != "" && !g.deny && g.live(now) && g.scope.Covers(&r) && !slices.Contains(out, g.grant.Role) {
			out = append(out, g.grant.Role)
		}
	}
	return out
}

// GrantsOf returns member's grants, oldest first.
func (d *Directory) GrantsOf(member string) []Grant {
	gs := d.ix.Load().of(member)
	out := make([]Grant, len(gs))
	for i, g := range gs {
		out[i] = *g.grant
	}
	slices.SortFunc(out, func(a, b Grant) int { return compareIDs(a.ID, b.ID) })
	return out
}

// Grants yields every grant from the store, oldest first.
func (d *Directory) Grants(ctx context.Context) iter.Seq2[Grant, error] { return d.store.Grants(ctx) }

// Members yields every member from the store, by ID.
func (d *Directory) Members(ctx context.Context) iter.Seq2[Member, error] {
	return d.store.Members(ctx)
}

// Member returns one member, or an error wrapping cmkit.ErrNotFound.
func (d *Directory) Member(ctx context.Context, id string) (Member, error) {
	return d.store.Member(ctx, id)
}

// actor returns the acting member of ctx, or a forbidden error.
func actorOf(ctx context.Context) (string, error) {
	a, ok := ActorFrom(ctx)
	if !ok {
		return "", forbidden("no acting member in the context (use roles.WithActor)")
	}
	return a, nil
}

// holdsAnywhere reports whether member holds p through some live allow
// grant that no deny grant of theirs with an equal or wider scope cancels.
func (d *Directory) holdsAnywhere(member string, p Permission) bool {
	pi := d.roles.permIndex[p]
	now := d.clock.Now().UnixNano()
	gs := d.ix.Load().of(member)
	for _, a := range gs {
		if a.grant.Deny || !a.perms.has(pi) || !a.live(now) {
			continue
		}
		cancelled := false
		for _, x := range gs {
			if x.grant.Deny && x.perms.has(pi) && x.live(now) && x.grant.Scope.Contains(a.grant.Scope) {
				cancelled = true
				break
			}
		}
		if !cancelled {
			return true
		}
	}
	return false
}

// mayHandOut reports why actor may not give (or take away) the permissions
// perms on scope s: for each, actor needs a live allow grant whose scope
// contains s and no live deny grant of it whose scope overlaps s. Managing
// grants itself is required the same way. It returns nil when allowed.
func (d *Directory) mayHandOut(actor string, perms permSet, s Scope) error {
	perms.add(d.roles.permIndex[ManageGrants])
	now := d.clock.Now().UnixNano()
	gs := d.ix.Load().of(actor)
	for i, p := range d.roles.perms {
		if !perms.has(i) {
			continue
		}
		ok := false
		for _, g := range gs {
			if !g.perms.has(i) || !g.live(now) {
				continue
			}
			if g.grant.Deny && overlaps(g.grant.Scope, s) {
				return forbidden("%s is denied %s on %s (grant %s)", actor, p.Name, g.grant.Scope, g.grant.ID)
			}
			if !g.grant.Deny && g.grant.Scope.Contains(s) {
				ok = true
			}
		}
		if !ok {
			return forbidden("%s does not hold %s on all of %s, so cannot hand it out there", actor, p.Name, s)
		}
	}
	return nil
}

// overlaps reports whether some resource is covered by both a and b.
func overlaps(a, b Scope) bool {
	return overlapField(a.Brand, b.Brand) && overlapField(a.Channel, b.Channel) &&
		overlapField(a.Country, b.Country) && overlapField(a.Product, b.Product) &&
		overlapField(a.Topic, b.Topic)
}

func overlapField(a, b string) bool {
	return containsField(a, b) || containsField(b, a) ||
		(a != "" && b != "" && a[len(a)-1] == '*' && b[len(b)-1] == '*')
}

// managerOf reports whether gs make their holder a manager of brand ("" for
// the whole team): a live allow of ManageGrants covering the whole brand,
// not cancelled by a deny.
func (d *Directory) managerOf(gs []compiled, brand string, now int64) bool {
	r := Resource{Brand: brand}
	pi := d.roles.permIndex[ManageGrants]
	allowed := false
	for _, g := range gs {
		if !g.perms.has(pi) || !g.live(now) || !g.grant.Scope.Covers(&r) {
			continue
		}
		if g.grant.Deny {
			return false
		}
		allowed = true
	}
	return allowed
}

// checkManagers refuses a change that would leave a brand that has managers
// without any. member's grants become after; everyone else's stay.
func (d *Directory) checkManagers(member string, after []compiled) error {
	now := d.clock.Now().UnixNano()
	ix := d.ix.Load()
	before := ix.of(member)
	brands := map[string]bool{"": true}
	for _, g := range d.byID {
		if b := g.Scope.exactBrand(); b != "" {
			brands[b] = true
		}
	}
	var lost []string
	for b := range brands {
		if d.managerOf(before, b, now) && !d.managerOf(after, b, now) {
			lost = append(lost, b)
		}
	}
	slices.Sort(lost)
	for _, b := range lost {
		other := false
		ix.all(func(m string, gs []compiled) bool {
			if m != member && d.managerOf(gs, b, now) {
				other = true
				return false
			}
			return true
		})
		if !other {
			what := "brand " + b
			if b == "" {
				what = "the whole team"
			}
			return cmkit.Errorf(cmkit.ErrConflict, "roles: %s is the last member who manages %s; grant another manager first",
				member, what)
		}
	}
	return nil
}

// Grant gives (or, with Deny, takes away) a role or a permission, as the
// acting member of ctx. The actor needs ManageGrants and every permission
// the grant names, on a scope containing the grant's: nobody hands out more
// than they hold. ID, GrantedBy and CreatedAt are set here; the member must
// exist. A deny that would leave a brand without a manager is refused with
// cmkit.ErrConflict. It returns the grant as stored.
func (d *Directory) Grant(ctx context.Context, g Grant) (Grant, error) {
	actor, err := actorOf(ctx)
	if err != nil {
		return Grant{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.clock.Now()
	g.ID, g.GrantedBy, g.CreatedAt = cmkit.NewID(), actor, now
	if err := g.validate("grant", d.roles); err != nil {
		return Grant{}, err
	}
	if _, err := d.store.Member(ctx, g.Member); errors.Is(err, cmkit.ErrNotFound) {
		return Grant{}, cmkit.Invalid("grant.member", "unknown", "no member %q", g.Member)
	} else if err != nil {
		return Grant{}, err
	}
	c, err := d.compile(g)
	if err != nil {
		return Grant{}, err
	}
	if err := d.mayHandOut(actor, c.perms, g.Scope); err != nil {
		d.record(ctx, Event{Actor: actor, Action: "grant.add", Target: g.String(), Reason: err.Error()})
		return Grant{}, err
	}
	after := append(slices.Clone(d.ix.Load().of(g.Member)), c)
	if g.Deny {
		if err := d.checkManagers(g.Member, after); err != nil {
			return Grant{}, err
		}
	}
	if err := d.store.Apply(ctx, Change{AddGrants: []Grant{g}}); err != nil {
		return Grant{}, err
	}
	d.byID[g.ID] = c.grant
	d.ix.Load().set(g.Member, after)
	d.empty = false
	d.record(ctx, Event{Actor: actor, Action: "grant.add", Resource: resourceOf(g.Scope), Target: g.ID.String(),
		Allowed: true, Reason: g.String()})
	d.log.LogAttrs(ctx, slog.LevelInfo, "roles: grant added", slog.String("grant", g.ID.String()),
		slog.String("by", actor), slog.String("what", g.String()))
	return g, nil
}

// Revoke removes a grant, as the acting member of ctx, who needs the same
// power as to make it. Removing the last manager of a brand is refused with
// cmkit.ErrConflict; an unknown ID wraps cmkit.ErrNotFound.
func (d *Directory) Revoke(ctx context.Context, id uuid.UUID) error {
	actor, err := actorOf(ctx)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	g, ok := d.byID[id]
	if !ok {
		return cmkit.Errorf(cmkit.ErrNotFound, "roles: grant %s not found", id)
	}
	perms, _ := d.roles.grantPerms(g)
	if err := d.mayHandOut(actor, perms, g.Scope); err != nil {
		d.record(ctx, Event{Actor: actor, Action: "grant.revoke", Target: id.String(), Reason: err.Error()})
		return err
	}
	after := slices.DeleteFunc(slices.Clone(d.ix.Load().of(g.Member)), func(c compiled) bool { return c.grant.ID == id })
	if err := d.checkManagers(g.Member, after); err != nil {
		return err
	}
	if err := d.store.Apply(ctx, Change{RemoveGrants: []uuid.UUID{id}}); err != nil {
		return err
	}
	delete(d.byID, id)
	d.ix.Load().set(g.Member, after)
	d.record(ctx, Event{Actor: actor, Action: "grant.revoke", Resource: resourceOf(g.Scope), Target: id.String(),
		Allowed: true, Reason: g.String()})
	return nil
}

// PutMember creates a member (Version 0) or updates one (the Version read),
// as the acting member of ctx, who needs ManageMembers on some scope. A
// member record carries no power; grants do. It returns the member as
// stored, with its new Version.
func (d *Directory) PutMember(ctx context.Context, m Member) (Member, error) {
	actor, err := actorOf(ctx)
	if err != nil {
		return Member{}, err
	}
	if err := m.validate("member"); err != nil {
		return Member{}, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.holdsAnywhere(actor, ManageMembers) {
		err := forbidden("%s does not hold %s anywhere", actor, ManageMembers)
		d.record(ctx, Event{Actor: actor, Action: "member.put", Target: m.ID, Reason: err.Error()})
		return Member{}, err
	}
	now := d.clock.Now()
	m = m.clone()
	if m.Version == 0 {
		m.CreatedAt = now
	}
	m.UpdatedAt = now
	if err := d.store.Apply(ctx, Change{PutMembers: []Member{m}}); err != nil {
		return Member{}, err
	}
	m.Version++
	d.record(ctx, Event{Actor: actor, Action: "member.put", Target: m.ID, Allowed: true})
	return m, nil
}

// RemoveMember deletes a member at the version read, with all their grants,
// in one atomic change. The actor needs ManageMembers, and the power to
// revoke each grant; the last manager of a brand cannot be removed.
func (d *Directory) RemoveMember(ctx context.Context, id string, version int64) error {
	actor, err := actorOf(ctx)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.holdsAnywhere(actor, ManageMembers) {
		err := forbidden("%s does not hold %s anywhere", actor, ManageMembers)
		d.record(ctx, Event{Actor: actor, Action: "member.remove", Target: id, Reason: err.Error()})
		return err
	}
	held := d.ix.Load().of(id)
	ids := make([]uuid.UUID, 0, len(held))
	for _, g := range held {
		if err := d.mayHandOut(actor, g.perms, g.grant.Scope); err != nil {
			d.record(ctx, Event{Actor: actor, Action: "member.remove", Target: id, Reason: err.Error()})
			return err
		}
		ids = append(ids, g.grant.ID)
	}
	if err := d.checkManagers(id, nil); err != nil {
		return err
	}
	if err := d.store.Apply(ctx, Change{DeleteMembers: []MemberRef{{ID: id, Version: version}}, RemoveGrants: ids}); err != nil {
		return err
	}
	for _, gid := range ids {
		delete(d.byID, gid)
	}
	d.ix.Load().set(id, nil)
	d.record(ctx, Event{Actor: actor, Action: "member.remove", Target: id, Allowed: true,
		Reason: fmt.Sprintf("with %d grants", len(ids))})
	return nil
}

// Bootstrap loads a whole team (members and grants, see ParseTeam) into a
// Directory that has no grants yet, in one atomic change, with no actor:
// it is how the first social media manager gets in. The team must give at
// least one member ManageGrants by a grant that never expires, or nobody
// could change it (for ever, or once the grant expires); grants may expire
// otherwise, and Bootstrap keeps their ExpiresAt. On any error nothing is
// written.
func (d *Directory) Bootstrap(ctx context.Context, t *Team) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.empty {
		return cmkit.Errorf(cmkit.ErrConflict, "roles: bootstrap: the directory already has grants")
	}
	now := d.clock.Now()
	members := make([]Member, len(t.Members))
	for i, m := range t.Members {
		if err := m.validate(fmt.Sprintf("members[%d]", i)); err != nil {
			return err
		}
		m = m.clone()
		m.Version, m.CreatedAt, m.UpdatedAt = 0, now, now
		members[i] = m
	}
	known := map[string]bool{}
	for _, m := range members {
		known[m.ID] = true
	}
	grants := make([]Grant, len(t.Grants))
	per := map[string][]compiled{}
	manager, expiring := false, -1
	for i, g := range t.Grants {
		if g.ID == uuid.Nil {
			g.ID = cmkit.NewID()
		}
		g.GrantedBy, g.CreatedAt = "bootstrap", now
		if err := g.validate(fmt.Sprintf("grants[%d]", i), d.roles); err != nil {
			return err
		}
		if !known[g.Member] {
			if _, err := d.store.Member(ctx, g.Member); err != nil {
				return cmkit.Invalid(fmt.Sprintf("grants[%d].member", i), "unknown", "no member %q", g.Member)
			}
		}
		c, err := d.compile(g)
		if err != nil {
			return err
		}
		if !g.Deny && (d.roles.Allows(g.Role, ManageGrants) || g.Permission == ManageGrants) {
			if g.ExpiresAt.IsZero() {
				manager = true
			} else if expiring < 0 {
				expiring = i
			}
		}
		grants[i] = g
		per[g.Member] = append(per[g.Member], c)
	}
	if !manager && expiring >= 0 {
		return cmkit.Invalid(fmt.Sprintf("grants[%d].expires_at", expiring), "needs_manager",
			"every grant giving %s expires: nobody could change the team afterwards", ManageGrants)
	}
	if !manager {
		return cmkit.Invalid("grants", "needs_manager", "no grant gives %s: nobody could ever change the team", ManageGrants)
	}
	if err := d.store.Apply(ctx, Change{PutMembers: members, AddGrants: grants}); err != nil {
		return err
	}
	ix := d.ix.Load()
	for m, gs := range per {
		ix.set(m, gs)
		for _, c := range gs {
			d.byID[c.grant.ID] = c.grant
		}
	}
	d.empty = false
	d.record(ctx, Event{Action: "bootstrap", Allowed: true,
		Reason: fmt.Sprintf("%d members, %d grants", len(members), len(grants))})
	return nil
}

// record appends an event to the audit log. A failure to record is logged:
// the change it describes has already happened in the store.
func (d *Directory) record(ctx context.Context, e Event) {
	if _, err := d.audit.Append(ctx, e); err != nil {
		d.log.LogAttrs(ctx, slog.LevelError, "roles: audit append failed", slog.String("action", e.Action),
			slog.String("error", err.Error()))
	}
}

// resourceOf turns a scope into the resource that names its exact values,
// for audit records.
func resourceOf(s Scope) Resource {
	exact := func(v string) string {
		if v == "*" || v != "" && v[len(v)-1] == '*' {
			return ""
		}
		return v
	}
	return Resource{Brand: exact(s.Brand), Channel: exact(s.Channel), Country: exact(s.Country),
		Product: exact(s.Product), Topic: exact(s.Topic)}
}
