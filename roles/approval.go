package roles

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
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
// describes it: a calendar entry, a crisis statement.
type Item struct {
	// ID identifies the item.
	ID uuid.UUID `json:"id"`
	// Version is the item's current version. Approvals given for another
	// version do not count: a post changed after approval needs approval
	// again.
	Version int64 `json:"version"`
	// Kind is what it is (KindPost, KindStatement, ...).
	Kind string `json:"kind"`
	// Author is the member who wrote it. The author's own approvals never
	// count (four eyes).
	Author string `json:"author"`
	// Resource is where it will appear.
	Resource Resource `json:"resource"`
	// Labels mark it ("promotion", "legal_review").
	Labels []string `json:"labels,omitempty"`
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
// a rule with no conditions applies to every item.
type Rule struct {
	// Name identifies the rule in approvals and statuses.
	Name string `json:"name"`
	// Kinds limits the rule to these item kinds.
	Kinds []string `json:"kinds,omitempty"`
	// AuthorRoles limits the rule to items whose author holds one of these
	// roles (exactly, not by inheritance) on the item's resource: "posts
	// drafted by a junior or an intern".
	AuthorRoles []string `json:"author_roles,omitempty"`
	// Labels limits the rule to items carrying one of these labels.
	Labels []string `json:"labels,omitempty"`
	// Steps are approved in order.
	Steps []Step `json:"steps"`
}

// Step is one link of an approval chain. Who may approve it: the members
// listed, members holding one of the roles (or a role that inherits it) on
// the item's resource, members allowed Permission there, and, when External
// is set, holders of an approval token. The author never may.
type Step struct {
	// Name identifies the step within its rule.
	Name string `json:"name"`
	// Roles lets holders of these roles approve. "senior_cm" also admits
	// the social media manager, whose role inherits it.
	Roles []string `json:"roles,omitempty"`
	// Permission lets members allowed it on the item's resource approve;
	// unlike Roles, it honours deny grants.
	Permission Permission `json:"permission,omitempty"`
	// Members lets these members approve.
	Members []string `json:"members,omitempty"`
	// External lets an approval token for this step count (an agency's
	// client without an account).
	External bool `json:"external,omitempty"`
	// Need is how many distinct approvers must approve (N of M); 0 means 1.
	Need int `json:"need,omitempty"`
	// All requires every eligible approver instead (all-of).
	All bool `json:"all,omitempty"`
}

// DefaultPolicy returns the approval rules most teams start with:
//
//   - posts and replies drafted by a junior CM or an intern need a senior
//     CM (or the social media manager);
//   - crisis statements need the social media manager, then, when labelled
//     "legal_review", legal;
//   - posts labelled "promotion" need the brand's client approver, who may
//     approve with a token.
func DefaultPolicy() Policy {
	return Policy{Rules: []Rule{
		{Name: "supervised-drafts", Kinds: []string{KindPost, KindReply}, AuthorRoles: []string{JuniorCM, Intern},
			Steps: []Step{{Name: "senior-review", Roles: []string{SeniorCM}}}},
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
// known roles and permissions, a non-negative Need. Errors name the entry.
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
		for j, role := range r.AuthorRoles {
			if _, ok := rs.roles[role]; !ok {
				return cmkit.Invalid(fmt.Sprintf("%s.author_roles[%d]", field, j), "unknown", "no role %q", role)
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
//	{"rules": [{"name": "supervised-drafts", "kinds": ["post"], "author_roles": ["junior_cm", "intern"],
//	            "steps": [{"name": "senior-review", "roles": ["senior_cm"]}]}]}
//
// and validates it against rs (nil means NewRoleSet()). Any problem is a
// *cmkit.ValidationError naming the entry, such as "rules[1].steps[0].roles[0]".
func ParsePolicy(data []byte, rs *RoleSet) (Policy, error) {
	var p Policy
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Policy{}, jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Policy{}, cmkit.Invalid("json", "syntax", "unexpected data after the policy object")
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
// far. Approvals of another item or version, by the author, or by a member
// who is no longer eligible do not count.
func (d *Directory) ApprovalStatus(ctx context.Context, policy Policy, item Item, approvals []Approval) (ApprovalStatus, error) {
	if err := policy.Validate(d.roles); err != nil {
		return ApprovalStatus{}, err
	}
	st := ApprovalStatus{Approved: true}
	for _, r := range policy.Rules {
		if !d.applies(&r, &item) {
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

func (d *Directory) applies(r *Rule, it *Item) bool {
	if len(r.Kinds) > 0 && !slices.Contains(r.Kinds, it.Kind) {
		return false
	}
	if len(r.Labels) > 0 && !slices.ContainsFunc(r.Labels, func(l string) bool { return slices.Contains(it.Labels, l) }) {
		return false
	}
	if len(r.AuthorRoles) > 0 {
		held := d.RolesOf(it.Author, it.Resource)
		return slices.ContainsFunc(r.AuthorRoles, func(role string) bool { return slices.Contains(held, role) })
	}
	return true
}

// eligible reports whether member may approve step s of item.
func (d *Directory) eligible(ctx context.Context, s *Step, it *Item, member string) bool {
	if member == it.Author || member == "" {
		return false
	}
	if slices.Contains(s.Members, member) {
		return true
	}
	for _, held := range d.RolesOf(member, it.Resource) {
		for _, want := range s.Roles {
			if d.roles.inherits(held, want) {
				return true
			}
		}
	}
	if s.Permission != "" {
		dec, err := d.Authorize(ctx, member, s.Permission, it.Resource)
		return err == nil && dec.Allowed
	}
	return false
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
			a.Approver == it.Author || slices.Contains(ss.Approvers, a.Approver) {
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
// each rule whose open step they may approve. The author can never approve
// their own item (four eyes), and nobody approves a step twice. The caller
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
		return nil, fmt.Errorf("roles: item %s version %d awaits no approval: %w", item.ID, item.Version, cmkit.ErrConflict)
	}
	if actor == item.Author {
		err := forbidden("%s wrote item %s and cannot approve it (four eyes)", actor, item.ID)
		d.record(ctx, Event{Actor: actor, Action: "approval.approve", Resource: item.Resource, Target: item.ID.String(), Reason: err.Error()})
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
		d.record(ctx, Event{Actor: actor, Action: "approval.approve", Resource: item.Resource, Target: item.ID.String(), Reason: err.Error()})
		return nil, err
	}
	for _, a := range out {
		d.record(ctx, Event{Actor: actor, Action: "approval.approve", Resource: item.Resource, Target: item.ID.String(),
			Allowed: true, Reason: fmt.Sprintf("version %d, %s/%s", a.Version, a.Rule, a.Step)})
	}
	return out, nil
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
