package roles

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// Kinds of items that commonly need approval. A product may use its own.
const (
	KindPost      = "post"             // a calendar entry's post
	KindReply     = "reply"            // an answer to a mention
	KindStatement = "crisis_statement" // a public statement during a crisis
)

// Item is something that may need approval, as the calling service
// describes it: a calendar entry, a crisis statement. It names every author
// and every place it will appear, because the policy is judged on all of
// them: an item is as sensitive as its most sensitive resource, and as
// trusted as its least trusted author.
type Item struct {
	// ID identifies the item.
	ID uuid.UUID `json:"id"`
	// Version is the item's current version. Approvals given for another
	// version do not count: a post changed after approval needs approval
	// again.
	Version int64 `json:"version"`
	// Kind is what it is (KindPost, KindStatement, ...).
	Kind string `json:"kind"`
	// Authors are the members who changed the content since it was last
	// approved (at least one): the original author and every editor. No
	// author's approval ever counts (four eyes for every author).
	Authors []string `json:"authors"`
	// Resources are every place it will appear (at least one): each
	// channel of a post. A rule applies when it applies on any of them; a
	// member may approve only when eligible on every one.
	Resources []Resource `json:"resources"`
	// Labels mark it ("promotion", "legal_review").
	Labels []string `json:"labels,omitempty"`
}

// validate checks what the policy needs of an item: an ID, at least one
// author, none empty, and at least one resource.
func (it *Item) validate() error {
	if it.ID == uuid.Nil {
		return cmkit.Invalid("item.id", "required", "")
	}
	if len(it.Authors) == 0 {
		return cmkit.Invalid("item.authors", "required", "name everyone who changed the content since the last approval")
	}
	for i, a := range it.Authors {
		if a == "" {
			return cmkit.Invalid(fmt.Sprintf("item.authors[%d]", i), "required", "")
		}
	}
	if len(it.Resources) == 0 {
		return cmkit.Invalid("item.resources", "required", "name every place the item will appear")
	}
	return nil
}

// Approval records that someone approved one step of one rule for one
// version of an item. The calling service stores approvals with the item.
type Approval struct {
	// Item and Version say what was approved.
	Item uuid.UUID `json:"item"`
	// Version is the item version approved.
	Version int64 `json:"version"`
	// Rule and Step say which requirement it satisfies.
	Rule string `json:"rule"`
	// Step is the step of Rule.
	Step string `json:"step"`
	// Approver is the member who approved, or for an external approver the
	// name the token was issued to.
	Approver string `json:"approver"`
	// External reports an approval made with a token (see TokenIssuer).
	External bool `json:"external,omitempty"`
	// At is when it was given.
	At time.Time `json:"at"`
}

// Policy says what needs approval, by whom. Every rule that applies to an
// item must be satisfied; within a rule, steps are satisfied in order.
type Policy struct {
	// Rules are the requirements.
	Rules []Rule `json:"rules"`
}

// Rule is one approval requirement: which items it applies to, and the
// chain of steps that approve them. Empty conditions match everything, so
// a rule with no conditions applies to every item; conditions that are set
// must all hold.
//
// Three conditions look at the authors. ExemptPermissions and ExemptRoles
// fail closed: the rule applies to everyone except authors who are proven
// trusted, so an author with no grant, or with bare post.draft and
// post.submit, is reviewed. AuthorRoles selects authors by role, so an
// author it does not name (a member holding post.draft without a role)
// escapes the rule; prefer an exemption.
type Rule struct {
	// Name identifies the rule in approvals and statuses.
	Name string `json:"name"`
	// Kinds limits the rule to these item kinds.
	Kinds []string `json:"kinds,omitempty"`
	// AuthorRoles limits the rule to items of which any author holds one of
	// these roles (exactly, not by inheritance) through a live allow grant
	// on any of the item's resources: "posts drafted by a junior or an
	// intern". Deny grants do not unselect an author here: a deny takes
	// power away, never a review.
	AuthorRoles []string `json:"author_roles,omitempty"`
	// ExemptRoles limits the rule to items that not every author is
	// trusted with: the rule applies unless every author holds one of these
	// roles (or a role inheriting it) on every one of the item's resources,
	// honouring deny grants and expiry as RolesOf does. "Everyone but
	// senior CMs" is ExemptRoles: ["senior_cm"].
	ExemptRoles []string `json:"exempt_roles,omitempty"`
	// ExemptPermissions limits the rule to items that not every author is
	// trusted with: the rule applies unless every author is allowed every
	// one of these permissions (all of them, unlike ExemptRoles) on every
	// one of the item's resources, as Authorize decides (deny grants win,
	// expired grants do not count). DefaultPolicy exempts authors allowed
	// post.approve and post.publish. With ExemptRoles also set, the rule
	// applies only to items neither exempts.
	ExemptPermissions []Permission `json:"exempt_permissions,omitempty"`
	// Labels limits the rule to items carrying one of these labels.
	Labels []string `json:"labels,omitempty"`
	// Steps are approved in order.
	Steps []Step `json:"steps"`
}

// Step is one link of an approval chain. Who may approve it: the members
// listed, members holding one of the roles (or a role that inherits it) on
// each of the item's resources, members allowed Permission on each of them,
// and, when External is set, holders of an approval token. No author ever
// may, and neither may a member denied the approving permission on any of
// the item's resources: Permission when set, otherwise ApproveStatement for
// a KindStatement item and ApprovePost for any other kind.
type Step struct {
	// Name identifies the step within its rule.
	Name string `json:"name"`
	// Roles lets holders of these roles approve. "senior_cm" also admits
	// the social media manager, whose role inherits it. A role counts where
	// RolesOf reports it: a deny grant there takes it away.
	Roles []string `json:"roles,omitempty"`
	// Permission lets members allowed it on each of the item's resources
	// approve.
	Permission Permission `json:"permission,omitempty"`
	// Members lets these members approve (unless they are an author, or
	// denied the approving permission).
	Members []string `json:"members,omitempty"`
	// External lets an approval token for this step count (an agency's
	// client without an account).
	External bool `json:"external,omitempty"`
	// Need is how many distinct approvers must approve (N of M); 0 means 1.
	Need int `json:"need,omitempty"`
	// All requires every eligible approver instead (all-of).
	All bool `json:"all,omitempty"`
}

// DefaultPolicy returns the approval rules most teams start with. Posts
// and replies are judged by permission, so a grant covering the post counts
// wherever it comes from (a senior of the Polish team given post.approve
// for the whole brand may approve a Spanish junior's post); statements and
// promotions are judged by role, because there the policy names a person,
// not a power:
//
//   - "supervised-drafts": a post or reply needs the approval of a member
//     allowed post.approve on every one of its channels, unless every author
//     is allowed both post.approve and post.publish on every one of them. So
//     senior CMs and the social media manager publish their own posts
//     unreviewed where they hold their role; interns, juniors, members with
//     bare post.draft and post.submit, members with no grant, and members
//     allowed to approve but not to publish there are reviewed. A deny grant
//     of either permission, or an expired grant, removes the exemption.
//   - "crisis-statement": a crisis statement needs the social media
//     manager (by role: the owner of the crisis plan); "crisis-statement-legal":
//     one labelled "legal_review" needs the social media manager, then legal.
//     These steps name roles rather than crisis.approve_statement, which
//     both roles hold, so that one lawyer cannot satisfy both steps.
//   - "promotion": a post labelled "promotion" needs the brand's client
//     approver (by role), who may approve with a token (External).
//
// The built-in roles allowed post.approve are senior_cm and smm (see the
// package's table of roles); client_approver approves only what a policy
// names it for, so it never replaces a senior's review.
func DefaultPolicy() Policy {
	return Policy{Rules: []Rule{
		{Name: "supervised-drafts", Kinds: []string{KindPost, KindReply},
			ExemptPermissions: []Permission{ApprovePost, PublishPost},
			Steps:             []Step{{Name: "senior-review", Permission: ApprovePost}}},
		{Name: "crisis-statement", Kinds: []string{KindStatement},
			Steps: []Step{{Name: "smm", Roles: []string{SocialMediaManager}}}},
		{Name: "crisis-statement-legal", Kinds: []string{KindStatement}, Labels: []string{"legal_review"},
			Steps: []Step{{Name: "smm", Roles: []string{SocialMediaManager}}, {Name: "legal", Roles: []string{Legal}}}},
		{Name: "promotion", Kinds: []string{KindPost}, Labels: []string{"promotion"},
			Steps: []Step{{Name: "client", Roles: []string{ClientApprover}, External: true}}},
	}}
}

// Validate checks the policy against a role catalogue: named, unique rules
// and steps, at least one step per rule and one way to approve per step,
// known roles (in steps, AuthorRoles and ExemptRoles) and permissions (in
// steps and ExemptPermissions), a non-negative Need. Errors name the entry.
func (p Policy) Validate(rs *RoleSet) error {
	rules := map[string]bool{}
	for i, r := range p.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		if err := checkName(field+".name", r.Name); err != nil {
			return err
		}
		if rules[r.Name] {
			return cmkit.Invalid(field+".name", "unique", "%q is used twice", r.Name)
		}
		rules[r.Name] = true
		if len(r.Steps) == 0 {
			return cmkit.Invalid(field+".steps", "required", "a rule needs at least one step")
		}
		for _, list := range []struct {
			name  string
			roles []string
		}{{"author_roles", r.AuthorRoles}, {"exempt_roles", r.ExemptRoles}} {
			for j, role := range list.roles {
				if _, ok := rs.roles[role]; !ok {
					return cmkit.Invalid(fmt.Sprintf("%s.%s[%d]", field, list.name, j), "unknown", "no role %q", role)
				}
			}
		}
		for j, p := range r.ExemptPermissions {
			if !rs.Known(p) {
				return cmkit.Invalid(fmt.Sprintf("%s.exempt_permissions[%d]", field, j), "unknown", "no permission %q", p)
			}
		}
		steps := map[string]bool{}
		for j, s := range r.Steps {
			sf := fmt.Sprintf("%s.steps[%d]", field, j)
			if err := checkName(sf+".name", s.Name); err != nil {
				return err
			}
			if steps[s.Name] {
				return cmkit.Invalid(sf+".name", "unique", "%q is used twice in rule %q", s.Name, r.Name)
			}
			steps[s.Name] = true
			if len(s.Roles) == 0 && s.Permission == "" && len(s.Members) == 0 && !s.External {
				return cmkit.Invalid(sf, "approvers", "name roles, a permission, members or external")
			}
			for k, role := range s.Roles {
				if _, ok := rs.roles[role]; !ok {
					return cmkit.Invalid(fmt.Sprintf("%s.roles[%d]", sf, k), "unknown", "no role %q", role)
				}
			}
			if s.Permission != "" && !rs.Known(s.Permission) {
				return cmkit.Invalid(sf+".permission", "unknown", "no permission %q", s.Permission)
			}
			if s.Need < 0 {
				return cmkit.Invalid(sf+".need", "non_negative", "got %d", s.Need)
			}
		}
	}
	return nil
}

// ParsePolicy reads a policy written by hand in JSON, in the shape of
// Policy's JSON tags:
//
//	{"rules": [{"name": "supervised-drafts", "kinds": ["post", "reply"],
//	            "exempt_permissions": ["post.approve", "post.publish"],
//	            "steps": [{"name": "senior-review", "permission": "post.approve"}]},
//	           {"name": "intern-drafts", "kinds": ["post"], "author_roles": ["intern"],
//	            "steps": [{"name": "smm", "roles": ["smm"]}]}]}
//
// and validates it against rs (nil means NewRoleSet()). A leading UTF-8 BOM
// is skipped. Any problem is a *cmkit.ValidationError naming the entry, such
// as "rules[1].steps[0].roles[0]"; a key given twice in one object (also
// when only its case differs, since JSON field names match regardless of
// case) is one, naming the key's path and line.
func ParsePolicy(data []byte, rs *RoleSet) (Policy, error) {
	var p Policy
	if err := decodeStrict(data, &p, "policy"); err != nil {
		return Policy{}, err
	}
	if rs == nil {
		rs = NewRoleSet()
	}
	if err := p.Validate(rs); err != nil {
		return Policy{}, err
	}
	return p, nil
}

// ApprovalStatus is the answer to "is this approved, and if not, who can
// still approve it?".
type ApprovalStatus struct {
	// Required reports whether any rule applies to the item.
	Required bool `json:"required"`
	// Approved reports whether every rule that applies is satisfied. An
	// item no rule applies to is approved.
	Approved bool `json:"approved"`
	// Rules holds one status per rule that applies.
	Rules []RuleStatus `json:"rules,omitempty"`
}

// Open returns the steps waiting for approval now: the first unsatisfied
// step of each unsatisfied rule.
func (s ApprovalStatus) Open() []StepStatus {
	var out []StepStatus
	for _, r := range s.Rules {
		for _, st := range r.Steps {
			if !st.Done {
				out = append(out, st)
				break
			}
		}
	}
	return out
}

// RuleStatus is the state of one rule for one item.
type RuleStatus struct {
	// Rule is the rule's name.
	Rule string `json:"rule"`
	// Done reports whether every step is satisfied.
	Done bool `json:"done"`
	// Steps are the rule's steps, in order.
	Steps []StepStatus `json:"steps"`
}

// StepStatus is the state of one step.
type StepStatus struct {
	// Rule and Step name it.
	Rule string `json:"rule"`
	// Step is the step's name.
	Step string `json:"step"`
	// Done reports whether it is satisfied.
	Done bool `json:"done"`
	// Approvers are those whose approvals count, in the order given.
	Approvers []string `json:"approvers,omitempty"`
	// Missing is how many more approvals it needs.
	Missing int `json:"missing"`
	// CanApprove lists, by ID, the members who could still approve it.
	CanApprove []string `json:"can_approve,omitempty"`
	// External reports whether an approval token may approve it.
	External bool `json:"external,omitempty"`
}

// ApprovalStatus evaluates policy for item given the approvals recorded so
// far. Approvals of another item or version, by an author, or by a member
// who is no longer eligible do not count. An item without an ID, an author
// or a resource is an error wrapping cmkit.ErrInvalid ("item.resources").
func (d *Directory) ApprovalStatus(ctx context.Context, policy Policy, item Item, approvals []Approval) (ApprovalStatus, error) {
	if err := item.validate(); err != nil {
		return ApprovalStatus{}, err
	}
	if err := policy.Validate(d.roles); err != nil {
		return ApprovalStatus{}, err
	}
	st := ApprovalStatus{Approved: true}
	for _, r := range policy.Rules {
		if !d.applies(ctx, &r, &item) {
			continue
		}
		st.Required = true
		rs := RuleStatus{Rule: r.Name, Done: true}
		for _, s := range r.Steps {
			ss := d.stepStatus(ctx, &r, &s, &item, approvals)
			if !ss.Done {
				rs.Done = false
			}
			rs.Steps = append(rs.Steps, ss)
		}
		if !rs.Done {
			st.Approved = false
		}
		st.Rules = append(st.Rules, rs)
	}
	return st, nil
}

// applies reports whether rule r selects item it.
func (d *Directory) applies(ctx context.Context, r *Rule, it *Item) bool {
	if len(r.Kinds) > 0 && !slices.Contains(r.Kinds, it.Kind) {
		return false
	}
	if len(r.Labels) > 0 && !slices.ContainsFunc(r.Labels, func(l string) bool { return slices.Contains(it.Labels, l) }) {
		return false
	}
	if len(r.AuthorRoles) > 0 && !d.anyAuthorHas(r.AuthorRoles, it) {
		return false
	}
	if len(r.ExemptRoles) > 0 && d.allAuthorsHold(r.ExemptRoles, it) {
		return false
	}
	if len(r.ExemptPermissions) > 0 && d.allAuthorsAllowed(ctx, r.ExemptPermissions, it) {
		return false
	}
	return true
}

// allAuthorsAllowed reports whether every author of it is allowed every
// one of perms on every resource of it.
func (d *Directory) allAuthorsAllowed(ctx context.Context, perms []Permission, it *Item) bool {
	for _, a := range it.Authors {
		for _, res := range it.Resources {
			for _, p := range perms {
				if dec, err := d.Authorize(ctx, a, p, res); err != nil || !dec.Allowed {
					return false
				}
			}
		}
	}
	return true
}

// anyAuthorHas reports whether some author of it is given one of roles
// (exactly) on some resource of it.
func (d *Directory) anyAuthorHas(roles []string, it *Item) bool {
	for _, a := range it.Authors {
		for _, res := range it.Resources {
			if slices.ContainsFunc(d.allowedRoles(a, res), func(role string) bool { return slices.Contains(roles, role) }) {
				return true
			}
		}
	}
	return false
}

// allAuthorsHold reports whether every author of it holds one of roles (or
// a role inheriting it) on every resource of it.
func (d *Directory) allAuthorsHold(roles []string, it *Item) bool {
	for _, a := range it.Authors {
		for _, res := range it.Resources {
			if !d.holdsOneOf(a, roles, res) {
				return false
			}
		}
	}
	return true
}

// holdsOneOf reports whether member holds one of roles, or a role
// inheriting it, on r.
func (d *Directory) holdsOneOf(member string, roles []string, r Resource) bool {
	return slices.ContainsFunc(roles, func(want string) bool { return d.holdsRole(member, want, r) })
}

// approvingPermission is the permission whose denial on a resource bars a
// member from approving step s of it there.
func approvingPermission(s *Step, it *Item) Permission {
	switch {
	case s.Permission != "":
		return s.Permission
	case it.Kind == KindStatement:
		return ApproveStatement
	}
	return ApprovePost
}

// eligible reports whether member may approve step s of item: not an
// author, not denied the approving permission on any resource, and listed
// in s.Members or eligible by role or permission on every resource.
func (d *Directory) eligible(ctx context.Context, s *Step, it *Item, member string) bool {
	if member == "" || slices.Contains(it.Authors, member) {
		return false
	}
	listed := slices.Contains(s.Members, member)
	barred := approvingPermission(s, it)
	for _, res := range it.Resources {
		if dec, err := d.Authorize(ctx, member, barred, res); err != nil || !dec.Allowed && dec.By != nil {
			return false // denied there: deny wins over every allow, a listing included
		}
		if listed || d.holdsOneOf(member, s.Roles, res) {
			continue
		}
		if s.Permission == "" {
			return false
		}
		if dec, err := d.Authorize(ctx, member, s.Permission, res); err != nil || !dec.Allowed {
			return false
		}
	}
	return true
}

// candidates lists every member who could approve step s of item.
func (d *Directory) candidates(ctx context.Context, s *Step, it *Item) []string {
	var out []string
	seen := map[string]bool{}
	consider := func(m string) {
		if !seen[m] {
			seen[m] = true
			if d.eligible(ctx, s, it, m) {
				out = append(out, m)
			}
		}
	}
	for _, m := range s.Members {
		consider(m)
	}
	d.ix.Load().all(func(m string, _ []compiled) bool {
		consider(m)
		return true
	})
	slices.Sort(out)
	return out
}

func (d *Directory) stepStatus(ctx context.Context, r *Rule, s *Step, it *Item, approvals []Approval) StepStatus {
	ss := StepStatus{Rule: r.Name, Step: s.Name, External: s.External}
	for _, a := range approvals {
		if a.Item != it.ID || a.Version != it.Version || a.Rule != r.Name || a.Step != s.Name ||
			slices.Contains(it.Authors, a.Approver) || slices.Contains(ss.Approvers, a.Approver) {
			continue
		}
		if a.External && !s.External || !a.External && !d.eligible(ctx, s, it, a.Approver) {
			continue
		}
		ss.Approvers = append(ss.Approvers, a.Approver)
	}
	pool := d.candidates(ctx, s, it)
	for _, m := range pool {
		if !slices.Contains(ss.Approvers, m) {
			ss.CanApprove = append(ss.CanApprove, m)
		}
	}
	need := max(s.Need, 1)
	if s.All {
		need = max(len(pool), 1)
	}
	ss.Missing = max(need-len(ss.Approvers), 0)
	ss.Done = ss.Missing == 0
	return ss
}

// Approve records the acting member's approval of item: one Approval for
// each rule whose open step they may approve. No author can ever approve
// the item (four eyes), and nobody approves a step twice. The caller
// stores the returned approvals with the item. It returns an error wrapping
// cmkit.ErrForbidden, naming who can approve, when the actor may approve no
// open step, and one wrapping cmkit.ErrConflict when nothing awaits approval.
func (d *Directory) Approve(ctx context.Context, policy Policy, item Item, approvals []Approval) ([]Approval, error) {
	actor, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	st, err := d.ApprovalStatus(ctx, policy, item, approvals)
	if err != nil {
		return nil, err
	}
	open := st.Open()
	if len(open) == 0 {
		return nil, cmkit.Errorf(cmkit.ErrConflict, "roles: item %s version %d awaits no approval", item.ID, item.Version)
	}
	where := commonResource(item.Resources)
	if slices.Contains(item.Authors, actor) {
		err := forbidden("%s is an author of item %s and cannot approve it (four eyes)", actor, item.ID)
		d.record(ctx, AuditEvent{Actor: actor, Action: "approval.approve", Resource: where, Target: item.ID.String(), Reason: err.Error()})
		return nil, err
	}
	now := d.clock.Now()
	var out []Approval
	var could []string
	for _, s := range open {
		if slices.Contains(s.CanApprove, actor) {
			out = append(out, Approval{Item: item.ID, Version: item.Version, Rule: s.Rule, Step: s.Step, Approver: actor, At: now})
		}
		could = append(could, fmt.Sprintf("%s/%s: %v", s.Rule, s.Step, s.CanApprove))
	}
	if len(out) == 0 {
		err := forbidden("%s may approve no open step of item %s; who can: %v", actor, item.ID, could)
		d.record(ctx, AuditEvent{Actor: actor, Action: "approval.approve", Resource: where, Target: item.ID.String(), Reason: err.Error()})
		return nil, err
	}
	for _, a := range out {
		d.record(ctx, AuditEvent{Actor: actor, Action: "approval.approve", Resource: where, Target: item.ID.String(),
			Allowed: true, Reason: fmt.Sprintf("version %d, %s/%s", a.Version, a.Rule, a.Step)})
	}
	return out, nil
}

// commonResource returns what every resource of rs shares, for audit
// records: a field the resources disagree on is left empty.
func commonResource(rs []Resource) Resource {
	c := rs[0]
	for _, r := range rs[1:] {
		for _, f := range [...]struct {
			dst *string
			v   string
		}{
			{&c.Brand, r.Brand}, {&c.Channel, r.Channel}, {&c.Country, r.Country}, {&c.Product, r.Product}, {&c.Topic, r.Topic}} {
			if *f.dst != f.v {
				*f.dst = ""
			}
		}
	}
	return c
}

// inherits reports whether role is want or inherits it, directly or not.
func (rs *RoleSet) inherits(role, want string) bool {
	if role == want {
		return true
	}
	e, ok := rs.roles[role]
	if !ok {
		return false
	}
	for _, p := range e.role.Inherits {
		if rs.inherits(p, want) {
			return true
		}
	}
	return false
}
