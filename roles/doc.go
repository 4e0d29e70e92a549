// Package roles is the team behind the channels: who its members are, what
// each may do where, who must approve what, and an audit log no one can
// quietly rewrite. Every other cmkit package asks it before acting.
//
// # Concepts
//
// A Permission is one thing a member may do ("post.publish"). A Role is a
// named set of permissions that may inherit other roles: the built-in
// SocialMediaManager inherits SeniorCM, which inherits JuniorCM, which
// inherits Intern; Analyst, CustomerService, Designer, ClientApprover and
// Legal stand beside them. A RoleSet holds the catalogue; products add their
// own permissions and roles in code or from a JSON team file (ParseTeam).
// Hand-written JSON (ParseTeam, ParsePolicy) is read strictly: a key given
// twice in one object, in any case, is an error, and a leading BOM is
// skipped.
//
// A Grant gives a member a role, or one permission, in a Scope: brands,
// channels, countries, products and topics, each a value, a prefix pattern
// ("acme-es-*") or anything. A deny grant takes away what it names there and
// wins over every allow. A check asks for a permission on a Resource, the
// concrete brand, channel, country, product and topic something belongs to;
// the answer is a Decision that names the grant that decided it, or says
// what the member does hold.
//
// The Directory keeps members and grants in a Store (NewMemoryStore by
// default) and answers checks from an in-memory index: it is the default
// Authorizer, and a product with its own access control implements the
// one-method Authorizer interface instead. Changes to the team are checked
// too: nobody hands out (or revokes) more than they hold, and the last
// member who manages a brand cannot be removed.
//
// An approval Policy says what needs approval by whom: rules select items
// (kind, labels, and the authors' roles) and require a chain of steps, each
// approved by any N of, or all of, its approvers. An Item names every
// author (everyone who changed it since its last approval) and every
// resource where it will appear, and is judged on all of them: a rule
// applies when it applies on any resource, and a member may approve only
// when eligible on every one. Rules fail closed with ExemptPermissions or
// ExemptRoles ("review everyone not allowed to approve and publish here",
// as DefaultPolicy does), so an author with bare post.draft and
// post.submit, or with no grant, is reviewed; AuthorRoles selects by role
// instead. DefaultPolicy lets whoever is allowed post.approve on every
// channel of a post approve it, whatever grant allows it, so a brand-wide
// post.approve grant lets a senior of one country's team approve another
// country's posts. No author ever approves, a deny grant bars approval
// where it applies, and approvals count only for the version approved.
// Approvers without an account use single-use, expiring, signed tokens
// (TokenIssuer).
//
// Every decision made with Directory.Check and every change goes into the
// AuditLog, a hash chain over each record's exact bytes that Verify checks;
// text that is not valid UTF-8 (member IDs, scopes, events) is refused.
//
// # Built-in roles
//
// What each built-in role may do, its own permissions and those it
// inherits (RoleSet.Table renders it; go generate keeps this copy and the
// README's current):
//
//	| permission                | intern | junior_cm | senior_cm | smm | analyst | customer_service | designer | client_approver | legal |
//	| ------------------------- | ------ | --------- | --------- | --- | ------- | ---------------- | -------- | --------------- | ----- |
//	| calendar.read             | ✓      | ✓         | ✓         | ✓   | ✓       |                  | ✓        | ✓               | ✓     |
//	| post.draft                | ✓      | ✓         | ✓         | ✓   |         |                  | ✓        |                 |       |
//	| post.submit               | ✓      | ✓         | ✓         | ✓   |         |                  |          |                 |       |
//	| post.approve              |        |           | ✓         | ✓   |         |                  |          |                 |       |
//	| post.schedule             |        |           | ✓         | ✓   |         |                  |          |                 |       |
//	| post.publish              |        |           | ✓         | ✓   |         |                  |          |                 |       |
//	| post.cancel               |        |           | ✓         | ✓   |         |                  |          |                 |       |
//	| campaign.manage           |        |           |           | ✓   |         |                  |          |                 |       |
//	| inbox.read                | ✓      | ✓         | ✓         | ✓   |         | ✓                |          |                 |       |
//	| inbox.reply               |        | ✓         | ✓         | ✓   |         | ✓                |          |                 |       |
//	| inbox.hide                |        | ✓         | ✓         | ✓   |         |                  |          |                 |       |
//	| inbox.delete              |        |           | ✓         | ✓   |         |                  |          |                 |       |
//	| inbox.assign              |        |           | ✓         | ✓   |         |                  |          |                 |       |
//	| inbox.route               |        | ✓         | ✓         | ✓   |         |                  |          |                 |       |
//	| kpi.define                |        |           |           | ✓   |         |                  |          |                 |       |
//	| kpi.enter                 |        | ✓         | ✓         | ✓   |         |                  |          |                 |       |
//	| kpi.read                  |        | ✓         | ✓         | ✓   | ✓       |                  |          |                 |       |
//	| styleguide.edit           |        |           |           | ✓   |         |                  |          |                 |       |
//	| crisis.declare            |        |           | ✓         | ✓   |         |                  |          |                 |       |
//	| crisis.escalate           |        |           | ✓         | ✓   |         |                  |          |                 |       |
//	| crisis.resolve            |        |           |           | ✓   |         |                  |          |                 |       |
//	| crisis.approve_statement  |        |           |           | ✓   |         |                  |          |                 | ✓     |
//	| promotion.read            |        | ✓         | ✓         | ✓   |         |                  |          |                 | ✓     |
//	| promotion.manage          |        |           | ✓         | ✓   |         |                  |          |                 |       |
//	| promotion.draw            |        |           |           | ✓   |         |                  |          |                 |       |
//	| promotion.approve_winners |        |           |           | ✓   |         |                  |          |                 | ✓     |
//	| team.members              |        |           |           | ✓   |         |                  |          |                 |       |
//	| team.grants               |        |           |           | ✓   |         |                  |          |                 |       |
//
// Interns draft and submit; juniors also answer, hide and route mentions
// and fill the KPI sheet; seniors publish: senior_cm holds post.approve,
// post.schedule and post.publish, so a senior who approved and scheduled a
// post on their scope may also publish it, and settle it by hand when its
// outcome is unknown. The client approver holds no post.approve: it
// approves only what a policy names its role for, as DefaultPolicy does
// for promotions.
//
// # Acting member
//
// Services read the member they act for from the context: the product calls
// WithActor once per request, after authentication.
//
// # Concurrency
//
// Directory, AuditLog, TokenIssuer and the memory stores are safe for
// concurrent use. Checks never lock: they read an immutable snapshot of the
// grants, replaced as a whole by each change, so checks from many goroutines
// scale with the cores. A RoleSet is built first and then handed over.
//
// # Errors
//
// Denials are values (Decision.Allowed); Check and the changing methods turn
// them into errors wrapping cmkit.ErrForbidden (a *ForbiddenError for a
// single decision). Bad input wraps cmkit.ErrInvalid through a
// *cmkit.ValidationError naming the field; stale versions and broken team
// invariants wrap cmkit.ErrConflict; a tampered audit log wraps ErrTampered.
// On any error nothing is changed.
package roles
