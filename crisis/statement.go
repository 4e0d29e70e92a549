package crisis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/langtag"
	"github.com/cmkit/cmkit/roles"
)

// StatementState is where a public statement is on its way out.
type StatementState string

// The states of a public statement.
const (
	// StatementDrafted: written (or edited into a new version), its
	// approval chain not complete.
	StatementDrafted StatementState = "drafted"
	// StatementApproved: the approval chain of the incident's level is
	// complete for its current version.
	StatementApproved StatementState = "approved"
	// StatementPublishing: a member started publishing it; it can no
	// longer change. Publishing again finishes it, with the same ID.
	StatementPublishing StatementState = "publishing"
	// StatementPublished: the publisher published it.
	StatementPublished StatementState = "published"
	// StatementWithdrawn: withdrawn before publication.
	StatementWithdrawn StatementState = "withdrawn"
)

// PublicStatement is a statement the brand means to publish during an
// incident, kept on the Incident with its approvals. The Service changes
// it; callers read it.
type PublicStatement struct {
	// ID identifies it (a UUID v7); the publisher gets it as the
	// idempotency key of the post.
	ID uuid.UUID `json:"id"`
	// Version counts its texts, from 1; approvals count only for the
	// version they were given for.
	Version int64 `json:"version"`
	// Language is its BCP 47 language tag.
	Language string `json:"language"`
	// Channel is the channel ID it is published on.
	Channel string `json:"channel"`
	// Text is what it says.
	Text string `json:"text"`
	// Authors are the members who wrote or edited it; none of them may
	// approve it.
	Authors []string `json:"authors"`
	// Level is the level the incident was at when it was drafted.
	Level string `json:"level"`
	// Approvals are the approvals given for its current version.
	Approvals []roles.Approval `json:"approvals,omitempty"`
	// State is where it is on its way out.
	State StatementState `json:"state"`
	// DraftedAt is when its current version was written.
	DraftedAt time.Time `json:"drafted_at"`
	// PublishedAt says when it was published.
	PublishedAt time.Time `json:"published_at,omitzero"`
	// PublishedBy is the member whose call published it. While it is
	// publishing, and when Step finished a publication, it is the member
	// who last asked to publish it.
	PublishedBy string `json:"published_by,omitempty"`
	// PublishAttempts counts the calls of the publisher claimed for it.
	PublishAttempts int `json:"publish_attempts,omitempty"`
	// PublishLease is when the publisher call of the current attempt is
	// counted lost (StatementLease after it was claimed): Step calls the
	// publisher again once it passed. Zero when no call is pending.
	PublishLease time.Time `json:"publish_lease,omitzero"`
	// Receipt is what the publisher returned for the post (a post ID or
	// URL).
	Receipt string `json:"receipt,omitempty"`
}

// StatementApprover judges approvals of statements by a roles.Policy.
// *roles.Directory implements it; a team given to WithTeam that does not
// leaves the service unable to handle statements.
type StatementApprover interface {
	// Approve returns the approvals the acting member of ctx gives item
	// (roles.Directory.Approve): an error wrapping cmkit.ErrForbidden when
	// they may approve no open step.
	Approve(ctx context.Context, policy roles.Policy, item roles.Item, approvals []roles.Approval) ([]roles.Approval, error)
	// ApprovalStatus says whether approvals complete the policy for item
	// (roles.Directory.ApprovalStatus). It changes nothing.
	ApprovalStatus(ctx context.Context, policy roles.Policy, item roles.Item, approvals []roles.Approval) (roles.ApprovalStatus, error)
}

var _ StatementApprover = (*roles.Directory)(nil)

// StatementPublisher publishes approved statements, as a calendar's
// "publish now" does.
type StatementPublisher interface {
	// Publish posts text in the brand's name on channel and returns a
	// receipt (a post ID or URL). It must be idempotent on id: called
	// again with an id it already published, it posts nothing and returns
	// the first receipt, so a retry after a lost answer never posts twice.
	Publish(ctx context.Context, brand, channel, language, text, id string) (receipt string, err error)
}

// WithStatementPublisher sets what publishes statements (required by
// PublishStatement).
func WithStatementPublisher(p StatementPublisher) Option {
	return func(s *Service) error {
		if p == nil {
			return cmkit.Invalid("WithStatementPublisher", "required", "nil StatementPublisher")
		}
		s.stPub = p
		return nil
	}
}

// HoldingStatement returns the level's holding statement for language
// (compared without regard to case) and channel: the one for that channel
// if there is one, else the one for every channel; false when neither
// exists.
func (l *Level) HoldingStatement(language, channel string) (Statement, bool) {
	var wide *Statement
	for i := range l.Statements {
		st := &l.Statements[i]
		if !strings.EqualFold(st.Language, language) {
			continue
		}
		if st.Channel == channel {
			return *st, true
		}
		if st.Channel == "" {
			wide = st
		}
	}
	if wide == nil {
		return Statement{}, false
	}
	return *wide, true
}

// errNoApprover is returned when the service's team cannot judge
// approvals.
var errNoApprover = fmt.Errorf("crisis: statements need a team that judges approvals (a StatementApprover such as *roles.Directory, given to WithTeam): %w",
	cmkit.ErrUnsupported)

// statementOf returns the statement id of inc.
func statementOf(inc *Incident, id uuid.UUID) (*PublicStatement, error) {
	for i := range inc.Statements {
		if inc.Statements[i].ID == id {
			return &inc.Statements[i], nil
		}
	}
	return nil, fmt.Errorf("crisis: incident %s has no statement %s: %w", inc.ID, id, cmkit.ErrNotFound)
}

// statementEntry returns a timeline entry of inc about st.
func statementEntry(inc *Incident, now time.Time, kind TimelineKind, actor string, st *PublicStatement, text string) TimelineEntry {
	e := entry(inc, now, kind, actor, text)
	e.Statement = st.ID
	return e
}

// where returns the resource a statement of the plan's brand on channel
// is published on.
func (s *Service) where(channel string) roles.Resource {
	return roles.Resource{Brand: s.plan.Brand, Channel: channel}
}

// authorizeStatement returns the acting member of ctx when the team lets
// them do p on the channel of statement sid of incident id.
func (s *Service) authorizeStatement(ctx context.Context, id, sid uuid.UUID, p roles.Permission) (string, error) {
	inc, err := s.store.Incident(ctx, id)
	if err != nil {
		return "", err
	}
	st, err := statementOf(&inc, sid)
	if err != nil {
		return "", err
	}
	return s.authorizeOn(ctx, p, s.where(st.Channel))
}

// chain returns the policy of the approval chain of inc's current level
// and st's approvals as they count for it: an approval given under
// another level counts for the step of the same name, judged again
// against that step.
func (s *Service) chain(inc *Incident, st *PublicStatement) (roles.Policy, []roles.Approval, error) {
	idx := s.plan.LevelIndex(inc.Level)
	if idx < 0 {
		return roles.Policy{}, nil, cmkit.Invalid("incident.level", "unknown", "plan %q has no level %q", s.plan.ID, inc.Level)
	}
	rule := s.plan.Levels[idx].ApprovalRule()
	approvals := slices.Clone(st.Approvals)
	for i := range approvals {
		approvals[i].Rule = rule.Name
	}
	return roles.Policy{Rules: []roles.Rule{rule}}, approvals, nil
}

// judge says whether st's approvals complete the approval chain of inc's
// current level (see chain).
func (s *Service) judge(ctx context.Context, inc *Incident, st *PublicStatement) (roles.ApprovalStatus, error) {
	policy, approvals, err := s.chain(inc, st)
	if err != nil {
		return roles.ApprovalStatus{}, err
	}
	return s.approver.ApprovalStatus(ctx, policy, s.item(st), approvals)
}

// item describes st to roles.
func (s *Service) item(st *PublicStatement) roles.Item {
	return roles.Item{ID: st.ID, Version: st.Version, Kind: roles.KindStatement, Authors: st.Authors,
		Resources: []roles.Resource{s.where(st.Channel)}}
}

// DraftStatement drafts a public statement for incident id in language
// on channel, by the acting member of ctx, who needs roles.DraftPost on
// the channel (a statement is a post in the brand's name; its approval
// chain, not the drafting permission, guards what goes out). An empty
// text takes the holding statement of the incident's level for that
// language and channel (Level.HoldingStatement). The statement starts at
// version 1, drafted, with the member as its author. A closed incident
// refuses it (cmkit.ErrInvalid), and so does a service whose team is no
// StatementApprover (cmkit.ErrUnsupported).
func (s *Service) DraftStatement(ctx context.Context, id uuid.UUID, language, channel, text string) (PublicStatement, error) {
	if s.approver == nil {
		return PublicStatement{}, errNoApprover
	}
	if !langtag.Valid(language) {
		return PublicStatement{}, cmkit.Invalid("language", "format", "%q is not a BCP 47 language tag", language)
	}
	if err := checkText("channel", channel); err != nil {
		return PublicStatement{}, err
	}
	if !utf8.ValidString(text) {
		return PublicStatement{}, cmkit.Invalid("text", "format", "not valid UTF-8")
	}
	member, err := s.authorizeOn(ctx, roles.DraftPost, s.where(channel))
	if err != nil {
		return PublicStatement{}, err
	}
	sid := cmkit.NewID()
	inc, err := s.update(ctx, id, func(inc *Incident, now time.Time) ([]TimelineEntry, error) {
		if err := stillOpen(inc); err != nil {
			return nil, err
		}
		body, from := text, "written"
		if strings.TrimSpace(body) == "" {
			idx := s.plan.LevelIndex(inc.Level)
			if idx < 0 {
				return nil, cmkit.Invalid("incident.level", "unknown", "plan %q has no level %q", s.plan.ID, inc.Level)
			}
			hs, ok := s.plan.Levels[idx].HoldingStatement(language, channel)
			if !ok {
				return nil, cmkit.Invalid("text", "required", "level %q has no holding statement in %q for channel %q",
					inc.Level, language, channel)
			}
			body, from = hs.Text, "from the holding statement"
		}
		st := PublicStatement{ID: sid, Version: 1, Language: language, Channel: channel, Text: body,
			Authors: []string{member}, Level: inc.Level, State: StatementDrafted, DraftedAt: now}
		inc.Statements = append(inc.Statements, st)
		return []TimelineEntry{statementEntry(inc, now, TimelineStatementDrafted, member, &st,
			fmt.Sprintf("statement %s version 1 in %s on %s, %s: %s", sid, language, channel, from, body))}, nil
	})
	if err != nil {
		return PublicStatement{}, err
	}
	st, err := statementOf(&inc, sid)
	if err != nil {
		return PublicStatement{}, err
	}
	return *st, nil
}

// EditStatement replaces the text of a drafted or approved statement, for
// the acting member of ctx (who needs roles.DraftPost on its channel, and
// becomes one of its authors). The statement moves to a new version, in
// StatementDrafted: the approvals of the old version no longer count. The
// same text again changes nothing. version is the version the member
// edited: another one is cmkit.ErrConflict, so an edit never overwrites
// one its author did not see. A statement publishing, published or
// withdrawn refuses it (cmkit.ErrConflict).
func (s *Service) EditStatement(ctx context.Context, id, statement uuid.UUID, version int64, text string) (PublicStatement, error) {
	switch {
	case version < 1:
		return PublicStatement{}, cmkit.Invalid("version", "required", "say which version was edited")
	case strings.TrimSpace(text) == "":
		return PublicStatement{}, cmkit.Invalid("text", "required", "a statement needs a text")
	case !utf8.ValidString(text):
		return PublicStatement{}, cmkit.Invalid("text", "format", "not valid UTF-8")
	}
	member, err := s.authorizeStatement(ctx, id, statement, roles.DraftPost)
	if err != nil {
		return PublicStatement{}, err
	}
	return s.changeStatement(ctx, id, statement, func(inc *Incident, st *PublicStatement, now time.Time) ([]TimelineEntry, error) {
		if err := stillOpen(inc); err != nil {
			return nil, err
		}
		if err := errors.Join(changeable(st), seen(st, version)); err != nil || st.Text == text {
			return nil, err
		}
		st.Version++
		st.Text, st.Approvals, st.State, st.DraftedAt = text, nil, StatementDrafted, now
		if !slices.Contains(st.Authors, member) {
			st.Authors = append(st.Authors, member)
		}
		return []TimelineEntry{statementEntry(inc, now, TimelineStatementDrafted, member, st,
			fmt.Sprintf("statement %s version %d (approvals of earlier versions void): %s", st.ID, st.Version, text))}, nil
	})
}

// seen checks that version is st's current version: a person acts only on
// the text they saw.
func seen(st *PublicStatement, version int64) error {
	if st.Version != version {
		return fmt.Errorf("crisis: statement %s is at version %d, not %d: %w", st.ID, st.Version, version, cmkit.ErrConflict)
	}
	return nil
}

// changeable checks that st may still change: drafted or approved.
func changeable(st *PublicStatement) error {
	if st.State != StatementDrafted && st.State != StatementApproved {
		return fmt.Errorf("crisis: statement %s is %s: %w", st.ID, st.State, cmkit.ErrConflict)
	}
	return nil
}

// changeStatement runs change on statement sid of incident id through
// update and returns the statement as stored after.
func (s *Service) changeStatement(ctx context.Context, id, sid uuid.UUID,
	change func(inc *Incident, st *PublicStatement, now time.Time) ([]TimelineEntry, error)) (PublicStatement, error) {
	inc, err := s.update(ctx, id, func(inc *Incident, now time.Time) ([]TimelineEntry, error) {
		st, err := statementOf(inc, sid)
		if err != nil {
			return nil, err
		}
		return change(inc, st, now)
	})
	if err != nil {
		return PublicStatement{}, err
	}
	st, err := statementOf(&inc, sid)
	if err != nil {
		return PublicStatement{}, err
	}
	return *st, nil
}

// StatementStatus says where the approval chain of the incident's
// current level stands for the statement's current version: the open
// steps and who can still approve them.
func (s *Service) StatementStatus(ctx context.Context, id, statement uuid.UUID) (roles.ApprovalStatus, error) {
	if s.approver == nil {
		return roles.ApprovalStatus{}, errNoApprover
	}
	inc, err := s.store.Incident(ctx, id)
	if err != nil {
		return roles.ApprovalStatus{}, err
	}
	st, err := statementOf(&inc, statement)
	if err != nil {
		return roles.ApprovalStatus{}, err
	}
	return s.judge(ctx, &inc, st)
}

// ApproveStatement records the acting member's approval of version of the
// statement, the version they read, through the team's StatementApprover
// judging the approval chain of the incident's current level
// (Level.ApprovalRule): each open step the member may approve gets a
// TimelineStatementApproval entry, and when the chain is complete the
// statement becomes StatementApproved (a TimelineStatementApproved
// entry). roles decides who may approve: an author never may, and an
// ineligible member gets an error wrapping cmkit.ErrForbidden. A
// statement at another version (edited since, even while the approval
// was being judged), already approved, or past approval is
// cmkit.ErrConflict; a closed incident is cmkit.ErrInvalid. Nothing
// changes on error.
func (s *Service) ApproveStatement(ctx context.Context, id, statement uuid.UUID, version int64) (PublicStatement, error) {
	if s.approver == nil {
		return PublicStatement{}, errNoApprover
	}
	if version < 1 {
		return PublicStatement{}, cmkit.Invalid("version", "required", "say which version is approved")
	}
	inc, err := s.store.Incident(ctx, id)
	if err != nil {
		return PublicStatement{}, err
	}
	if err := stillOpen(&inc); err != nil {
		return PublicStatement{}, err
	}
	st, err := statementOf(&inc, statement)
	if err != nil {
		return PublicStatement{}, err
	}
	if err := errors.Join(changeable(st), seen(st, version)); err != nil {
		return PublicStatement{}, err
	}
	policy, approvals, err := s.chain(&inc, st)
	if err != nil {
		return PublicStatement{}, err
	}
	given, err := s.approver.Approve(ctx, policy, s.item(st), approvals)
	if err != nil {
		return PublicStatement{}, err
	}
	return s.changeStatement(ctx, id, statement, func(inc *Incident, st *PublicStatement, now time.Time) ([]TimelineEntry, error) {
		if err := stillOpen(inc); err != nil {
			return nil, err
		}
		if err := errors.Join(changeable(st), seen(st, version)); err != nil {
			return nil, err
		}
		var out []TimelineEntry
		for _, a := range given {
			if slices.ContainsFunc(st.Approvals, func(b roles.Approval) bool {
				return b.Approver == a.Approver && b.Step == a.Step && b.Version == a.Version
			}) {
				continue
			}
			st.Approvals = append(st.Approvals, a)
			out = append(out, statementEntry(inc, now, TimelineStatementApproval, a.Approver, st,
				fmt.Sprintf("statement %s version %d: step %s of %s approved", st.ID, st.Version, a.Step, a.Rule)))
		}
		if len(out) == 0 {
			return nil, nil
		}
		status, err := s.judge(ctx, inc, st)
		if err != nil {
			return nil, err
		}
		if status.Approved && st.State == StatementDrafted {
			st.State = StatementApproved
			out = append(out, statementEntry(inc, now, TimelineStatementApproved, "", st,
				fmt.Sprintf("statement %s version %d approved under level %s", st.ID, st.Version, inc.Level)))
		}
		return out, nil
	})
}

// rejudgeStatements judges the drafted and approved statements of inc
// again after its level changed: approvals count for the step of the same
// name in the new level's chain, judged again against it, so a statement
// stays approved only if they complete the new chain, and a draft they
// complete becomes approved. It returns the timeline entries of what
// changed.
func (s *Service) rejudgeStatements(ctx context.Context, inc *Incident, now time.Time) []TimelineEntry {
	var out []TimelineEntry
	for i := range inc.Statements {
		st := &inc.Statements[i]
		if changeable(st) != nil || s.approver == nil {
			continue
		}
		status, err := s.judge(ctx, inc, st)
		approved := err == nil && status.Approved
		switch {
		case st.State == StatementApproved && !approved:
			st.State = StatementDrafted
			out = append(out, statementEntry(inc, now, TimelineStatementReopened, "", st,
				fmt.Sprintf("statement %s version %d needs the approvals of level %s", st.ID, st.Version, inc.Level)))
		case st.State == StatementDrafted && approved:
			st.State = StatementApproved
			out = append(out, statementEntry(inc, now, TimelineStatementApproved, "", st,
				fmt.Sprintf("statement %s version %d approved under level %s", st.ID, st.Version, inc.Level)))
		}
	}
	return out
}

// StatementLease is how long a call of the StatementPublisher may take
// before the service counts it lost and Step calls the publisher again,
// with the same statement ID; MaxPublishAttempts bounds the calls Step
// makes for one statement.
const (
	StatementLease     = 2 * time.Minute
	MaxPublishAttempts = 5
)

// PublishStatement publishes an approved statement through the
// StatementPublisher, for the acting member of ctx (who needs
// roles.PublishPost on its channel). version is the version the member
// read. It refuses, with an error wrapping cmkit.ErrConflict, a statement
// at another version, one whose version the approval chain of the
// incident's current level does not approve, or one that was withdrawn;
// a closed incident refuses it with cmkit.ErrInvalid.
//
// Publishing is two version-fenced writes around the call: the first
// moves the statement to StatementPublishing (it can no longer change)
// and claims the call for StatementLease, the second records the receipt
// and moves it to StatementPublished. The publisher gets the statement's
// ID as its idempotency key, so every call for one statement posts it at
// most once. When the call fails, or its answer or the whole process is
// lost, the statement stays StatementPublishing (even once the incident
// closed): PublishStatement may be called again, and Step calls the
// publisher again by itself once the lease ran out, up to
// MaxPublishAttempts calls, after which a TimelineStatementPublishFailed
// entry says it gave up and only a person's call tries again. A call
// made while another call's lease is live makes no new claim and calls
// the publisher under that claim. Calling it for a published statement
// returns it unchanged; concurrent calls record one publication, and a
// call whose publisher failed while a concurrent one published returns
// the published statement.
func (s *Service) PublishStatement(ctx context.Context, id, statement uuid.UUID, version int64) (PublicStatement, error) {
	if s.approver == nil {
		return PublicStatement{}, errNoApprover
	}
	if version < 1 {
		return PublicStatement{}, cmkit.Invalid("version", "required", "say which version is published")
	}
	if s.stPub == nil {
		return PublicStatement{}, fmt.Errorf("crisis: publishing statements needs WithStatementPublisher: %w", cmkit.ErrUnsupported)
	}
	member, err := s.authorizeStatement(ctx, id, statement, roles.PublishPost)
	if err != nil {
		return PublicStatement{}, err
	}
	st, err := s.changeStatement(ctx, id, statement, func(inc *Incident, st *PublicStatement, now time.Time) ([]TimelineEntry, error) {
		if err := seen(st, version); err != nil {
			return nil, err
		}
		switch st.State {
		case StatementPublished:
			return nil, nil
		case StatementPublishing:
			if st.PublishLease.After(now) {
				return nil, nil // a live call: publish under its claim
			}
			st.PublishedBy = member
			return claimPublish(inc, st, now, member), nil
		case StatementWithdrawn:
			return nil, fmt.Errorf("crisis: statement %s was withdrawn: %w", st.ID, cmkit.ErrConflict)
		}
		if err := stillOpen(inc); err != nil {
			return nil, err
		}
		status, err := s.judge(ctx, inc, st)
		if err != nil {
			return nil, err
		}
		if !status.Approved {
			return nil, fmt.Errorf("crisis: statement %s version %d is not approved under level %s (open: %v): %w",
				st.ID, st.Version, inc.Level, status.Open(), cmkit.ErrConflict)
		}
		st.State, st.PublishedBy = StatementPublishing, member
		return claimPublish(inc, st, now, member), nil
	})
	if err != nil || st.State == StatementPublished {
		return st, err
	}
	return s.sendStatement(ctx, id, st, member)
}

// claimPublish claims one more publisher call for st, publishing, with a
// lease of StatementLease, and returns its timeline entry.
func claimPublish(inc *Incident, st *PublicStatement, now time.Time, actor string) []TimelineEntry {
	st.PublishAttempts++
	st.PublishLease = now.Add(StatementLease)
	inc.NextPage = nextDue(inc)
	return []TimelineEntry{statementEntry(inc, now, TimelineStatementPublishing, actor, st,
		fmt.Sprintf("publishing statement %s version %d on %s (attempt %d)", st.ID, st.Version, st.Channel, st.PublishAttempts))}
}

// sendStatement calls the publisher for st, claimed as st says, and
// records the outcome: the receipt, with member as PublishedBy when
// member is set, or the failure when the claim is still the one st
// holds (a claim taken over since is left to its new holder).
func (s *Service) sendStatement(ctx context.Context, id uuid.UUID, st PublicStatement, member string) (PublicStatement, error) {
	receipt, perr := s.stPub.Publish(ctx, s.plan.Brand, st.Channel, st.Language, st.Text, st.ID.String())
	if perr != nil {
		perr = fmt.Errorf("crisis: publishing statement %s, attempt %d (publish again to retry): %w", st.ID, st.PublishAttempts, perr)
		after, err := s.changeStatement(ctx, id, st.ID, func(inc *Incident, cur *PublicStatement, now time.Time) ([]TimelineEntry, error) {
			if cur.State != StatementPublishing || cur.PublishAttempts != st.PublishAttempts {
				return nil, nil // published, or claimed again, since
			}
			return []TimelineEntry{statementEntry(inc, now, TimelineStatementPublishFailed, member, cur, perr.Error())}, nil
		})
		switch {
		case err != nil:
			s.log.WarnContext(ctx, "crisis: recording a failed publication failed", "statement", st.ID, "err", err)
		case after.State == StatementPublished:
			return after, nil
		}
		return st, perr
	}
	return s.changeStatement(ctx, id, st.ID, func(inc *Incident, cur *PublicStatement, now time.Time) ([]TimelineEntry, error) {
		if cur.State == StatementPublished {
			return nil, nil
		}
		cur.State, cur.PublishedAt, cur.Receipt, cur.PublishLease = StatementPublished, now, receipt, time.Time{}
		if member != "" {
			cur.PublishedBy = member
		}
		inc.NextPage = nextDue(inc)
		return []TimelineEntry{statementEntry(inc, now, TimelineStatementPublished, member, cur,
			fmt.Sprintf("statement %s version %d published on %s: %s", cur.ID, cur.Version, cur.Channel, receipt))}, nil
	})
}

// republish calls the publisher again for each statement of incident id
// left publishing whose lease ran out at now, by a failed call or a
// process that died, and gives up on those that had MaxPublishAttempts
// calls. It returns how many it published.
func (s *Service) republish(ctx context.Context, inc *Incident, now time.Time) (int, error) {
	var due []uuid.UUID
	for i := range inc.Statements {
		if st := &inc.Statements[i]; leaseOver(st, now) {
			due = append(due, st.ID)
		}
	}
	published := 0
	var errs []error
	for _, sid := range due {
		claimed := false
		st, err := s.changeStatement(ctx, inc.ID, sid, func(inc *Incident, st *PublicStatement, now time.Time) ([]TimelineEntry, error) {
			claimed = false
			if !leaseOver(st, now) {
				return nil, nil // published, or claimed by another, since
			}
			if st.PublishAttempts >= MaxPublishAttempts {
				st.PublishLease = time.Time{}
				inc.NextPage = nextDue(inc)
				return []TimelineEntry{statementEntry(inc, now, TimelineStatementPublishFailed, "", st,
					fmt.Sprintf("statement %s not published after %d attempts: given up (publish again to retry)", st.ID, st.PublishAttempts))}, nil
			}
			claimed = true
			return claimPublish(inc, st, now, ""), nil
		})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !claimed {
			continue
		}
		if after, err := s.sendStatement(ctx, inc.ID, st, ""); err != nil {
			errs = append(errs, err)
		} else if after.State == StatementPublished {
			published++
		}
	}
	return published, errors.Join(errs...)
}

// leaseOver says whether st is publishing with a claimed call whose lease
// ran out at now.
func leaseOver(st *PublicStatement, now time.Time) bool {
	return st.State == StatementPublishing && !st.PublishLease.IsZero() && !st.PublishLease.After(now)
}

// WithdrawStatement withdraws a drafted or approved statement, for the
// acting member of ctx (who needs roles.DraftPost on its channel), also
// once the incident is closed. A withdrawn statement is never published;
// withdrawing it again changes nothing. A statement publishing or
// published refuses it (cmkit.ErrConflict).
func (s *Service) WithdrawStatement(ctx context.Context, id, statement uuid.UUID, reason string) (PublicStatement, error) {
	member, err := s.authorizeStatement(ctx, id, statement, roles.DraftPost)
	if err != nil {
		return PublicStatement{}, err
	}
	return s.changeStatement(ctx, id, statement, func(inc *Incident, st *PublicStatement, now time.Time) ([]TimelineEntry, error) {
		if st.State == StatementWithdrawn {
			return nil, nil
		}
		if err := changeable(st); err != nil {
			return nil, err
		}
		st.State = StatementWithdrawn
		return []TimelineEntry{statementEntry(inc, now, TimelineStatementWithdrawn, member, st,
			fmt.Sprintf("statement %s withdrawn: %s", st.ID, reason))}, nil
	})
}
