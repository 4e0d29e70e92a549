package roles

import (
	"context"
	"fmt"
	"log/slog"
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

// actor returns the acting member of ctx, or a forbidden error.
func actorOf(ctx context.Context) (string, error) {
	a, ok := ActorFrom(ctx)
	if !ok {
		return "", forbidden("no acting member in the context (use roles.WithActor)")
	}
	return a, nil
}

// record appends an event to the audit log. A failure to record is logged:
// the change it describes has already happened in the store.
func (d *Directory) record(ctx context.Context, e AuditEvent) {
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
