package calendar

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// WithTokens lets people without an account approve entries with a signed,
// single-use token (an agency's client approving a promotion): see
// ApprovalToken and ApproveWithToken. Without it those two methods answer
// cmkit.ErrUnsupported.
func WithTokens(ti *roles.TokenIssuer) Option {
	return func(c *Calendar) error {
		if ti == nil {
			return cmkit.Invalid("WithTokens", "required", "nil TokenIssuer")
		}
		c.tokens = ti
		return nil
	}
}

// ApprovalToken returns a token that lets approver, who has no account,
// approve the entry's open external step (roles.Step.External, such as
// roles.DefaultPolicy's client approval of promotions) at its current
// content, within ttl. The entry must be in review at version; the acting
// member needs roles.SubmitPost on every channel. A token is bound to the
// content: an edit makes it worthless.
func (c *Calendar) ApprovalToken(ctx context.Context, id uuid.UUID, version int64, approver string, ttl time.Duration) (string, error) {
	if err := checkVersion(version, false); err != nil {
		return "", err
	}
	if c.tokens == nil {
		return "", cmkit.Errorf(cmkit.ErrUnsupported, "calendar: no token issuer (calendar.WithTokens)")
	}
	e, err := c.store.Get(ctx, id)
	if err != nil {
		return "", err
	}
	if e.Version != version {
		return "", cmkit.Errorf(cmkit.ErrConflict, "calendar: entry %s is at version %d, not %d", id, e.Version, version)
	}
	if e.State != InReview {
		return "", cmkit.Errorf(cmkit.ErrConflict, "calendar: entry %s is %s, not in review", id, e.State)
	}
	if err := c.check(ctx, roles.SubmitPost, &e); err != nil {
		return "", err
	}
	item := c.item(&e)
	st, err := c.team.ApprovalStatus(ctx, c.policy, item, e.Approvals)
	if err != nil {
		return "", err
	}
	for _, s := range st.Open() {
		if s.External {
			return c.tokens.Issue(item, s.Rule, s.Step, approver, ttl)
		}
	}
	return "", cmkit.Errorf(cmkit.ErrConflict, "calendar: entry %s awaits no external approval", id)
}

// ApproveWithToken records the approval a token made by ApprovalToken
// carries, for the entry in review at version; once the policy is
// satisfied the entry is approved. It needs no acting member: the token is
// the authority. A forged, expired or reused token, or one for other
// content, is refused (see roles.TokenIssuer.Redeem) and nothing changes.
func (c *Calendar) ApproveWithToken(ctx context.Context, id uuid.UUID, version int64, token string) (Entry, error) {
	if err := checkVersion(version, false); err != nil {
		return Entry{}, err
	}
	if c.tokens == nil {
		return Entry{}, cmkit.Errorf(cmkit.ErrUnsupported, "calendar: no token issuer (calendar.WithTokens)")
	}
	return c.mutate(ctx, id, version, false, func(e *Entry, now time.Time) error {
		if e.State != InReview {
			return illegal(e, Approved)
		}
		item := c.item(e)
		a, err := c.tokens.Redeem(ctx, token, item)
		if err != nil {
			return err
		}
		e.Approvals = append(e.Approvals, a)
		st, err := c.team.ApprovalStatus(ctx, c.policy, item, e.Approvals)
		if err != nil {
			return err
		}
		if st.Approved {
			e.transition(Approved, "external:"+a.Approver, now, "approved with a token")
			e.DueAt = time.Time{}
		}
		return nil
	})
}
