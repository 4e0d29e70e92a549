package calendar

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// Campaign is a named stretch of time with a goal: a promotion, a contest,
// a launch, of one brand. The social media manager creates campaigns over
// the year (Calendar.CreateCampaign); they are kept in the Store, versioned
// like entries. Entries join one by name (Entry.Campaign): the calendar
// refuses a name it does not know, a closed campaign and a campaign of
// another brand, checks when scheduling and again when sending that the
// entry is planned within the campaign's dates, and views, pauses and
// exports select by it (Query.Campaign, Pause.Campaign).
type Campaign struct {
	// Name identifies the campaign ("winter-sale-2026"): entries, queries
	// and pauses name it. It never changes.
	Name string `json:"name"`
	// Brand is the brand it belongs to; only entries of that brand join
	// it. It never changes.
	Brand string `json:"brand"`
	// Goal says what it is for ("500 contest entries", "+10% sales").
	Goal string `json:"goal,omitempty"`
	// Kind says what sort of campaign it is ("promotion", "giveaway",
	// "launch"): a style guide scopes rules by it (styleguide.Draft's
	// CampaignKind), such as the disclosure a promotion must carry.
	Kind string `json:"kind,omitempty"`
	// Start and End bound it: entries are planned in [Start, End).
	Start time.Time `json:"start"`
	// End is when it ends.
	End time.Time `json:"end"`
	// State is active until the campaign is closed (set by the Calendar).
	State CampaignState `json:"state"`
	// Version rises with every write; a write must carry the version it
	// read, as for entries.
	Version int64 `json:"version"`
	// CreatedBy is the member who created it (set by the Calendar).
	CreatedBy string `json:"created_by,omitempty"`
	// CreatedAt is when it was created (set by the Calendar).
	CreatedAt time.Time `json:"created_at,omitzero"`
	// UpdatedAt is when it last changed (set by the Calendar).
	UpdatedAt time.Time `json:"updated_at,omitzero"`
}

// CampaignState is where a campaign is in its life.
type CampaignState string

// The campaign states.
const (
	// CampaignActive: entries join it and are scheduled in it.
	CampaignActive CampaignState = "active"
	// CampaignClosed: it no longer changes, no entry joins it, and its
	// entries are neither scheduled nor sent.
	CampaignClosed CampaignState = "closed"
)

// validate checks what every campaign needs: a name, an end after its
// start, and text without control characters.
func (cp *Campaign) validate() error {
	switch {
	case cp.Name == "":
		return cmkit.Invalid("campaign.name", "required", "")
	case strings.TrimSpace(cp.Name) != cp.Name:
		return cmkit.Invalid("campaign.name", "format", "%q: no spaces around the name (a spreadsheet cell loses them)", cp.Name)
	case cp.Start.IsZero():
		return cmkit.Invalid("campaign.start", "required", "")
	case cp.End.IsZero():
		return cmkit.Invalid("campaign.end", "required", "")
	case !cp.End.After(cp.Start):
		return cmkit.Invalid("campaign.end", "range", "campaign %q ends at %s, not after its start %s", cp.Name,
			cp.End.Format(time.RFC3339), cp.Start.Format(time.RFC3339))
	}
	for _, f := range []struct{ field, text string }{{"campaign.name", cp.Name}, {"campaign.brand", cp.Brand}, {"campaign.goal", cp.Goal}, {"campaign.kind", cp.Kind}} {
		if err := checkText(f.field, f.text, false); err != nil {
			return err
		}
	}
	return nil
}

// knownBrand refuses a brand that no registered channel speaks for: no
// entry could join a campaign of it.
func (c *Calendar) knownBrand(brand string) error {
	for _, ch := range c.channels {
		if ch.Info().Brand == brand {
			return nil
		}
	}
	return cmkit.Invalid("campaign.brand", "unknown", "no registered channel is of brand %q", brand)
}

// CreateCampaign stores a new, active campaign, created by the acting
// member, who needs roles.ManageCampaigns on its brand. Its Brand must be
// that of a registered channel; Version must be zero. A name already
// taken is an error wrapping cmkit.ErrConflict. It returns the campaign
// as stored.
func (c *Calendar) CreateCampaign(ctx context.Context, cp Campaign) (Campaign, error) {
	if err := cp.validate(); err != nil {
		return Campaign{}, err
	}
	if cp.Version != 0 {
		return Campaign{}, cmkit.Invalid("campaign.version", "zero", "a new campaign has no version; got %d (UpdateCampaign changes one)", cp.Version)
	}
	if err := c.knownBrand(cp.Brand); err != nil {
		return Campaign{}, err
	}
	if err := c.team.Check(ctx, roles.ManageCampaigns, roles.Resource{Brand: cp.Brand}); err != nil {
		return Campaign{}, err
	}
	now := c.clock.Now()
	cp.State, cp.CreatedBy, cp.CreatedAt, cp.UpdatedAt = CampaignActive, actor(ctx), now, now
	return c.store.PutCampaign(ctx, cp)
}

// UpdateCampaign changes an active campaign's goal, kind and dates, at the
// version read (cp.Version: zero is cmkit.ErrInvalid, a stale one
// cmkit.ErrConflict). The acting member needs roles.ManageCampaigns on
// its brand. Name and Brand never change: another Brand is
// cmkit.ErrInvalid, and an unknown Name cmkit.ErrNotFound. A closed
// campaign does not change (cmkit.ErrConflict). Entries already scheduled
// are checked against the new dates when they are sent.
func (c *Calendar) UpdateCampaign(ctx context.Context, cp Campaign) (Campaign, error) {
	if err := cp.validate(); err != nil {
		return Campaign{}, err
	}
	return c.mutateCampaign(ctx, cp.Name, cp.Version, func(cur *Campaign) error {
		if cp.Brand != cur.Brand {
			return cmkit.Invalid("campaign.brand", "fixed", "campaign %q is of brand %q; its brand does not change", cur.Name, cur.Brand)
		}
		cur.Goal, cur.Kind, cur.Start, cur.End = cp.Goal, cp.Kind, cp.Start, cp.End
		return nil
	})
}

// CloseCampaign closes an active campaign at the version read (zero is
// cmkit.ErrInvalid, a stale one cmkit.ErrConflict); the acting member
// needs roles.ManageCampaigns on its brand. From then on no entry joins
// it and its entries are not scheduled; those already scheduled fail
// their checks when their time comes (a "failed" Event), so cancel or
// move them first.
func (c *Calendar) CloseCampaign(ctx context.Context, name string, version int64) (Campaign, error) {
	return c.mutateCampaign(ctx, name, version, func(cur *Campaign) error {
		cur.State = CampaignClosed
		return nil
	})
}

// mutateCampaign reads campaign name at version, authorizes the change,
// applies fn to an active campaign and writes it back; nothing is written
// when a step fails.
func (c *Calendar) mutateCampaign(ctx context.Context, name string, version int64, fn func(cur *Campaign) error) (Campaign, error) {
	if err := checkVersion(version, false); err != nil {
		return Campaign{}, err
	}
	cur, err := c.store.GetCampaign(ctx, name)
	if err != nil {
		return Campaign{}, err
	}
	if cur.Version != version {
		return Campaign{}, cmkit.Errorf(cmkit.ErrConflict, "calendar: campaign %q is at version %d, not %d", name, cur.Version, version)
	}
	if err := c.team.Check(ctx, roles.ManageCampaigns, roles.Resource{Brand: cur.Brand}); err != nil {
		return Campaign{}, err
	}
	if cur.State == CampaignClosed {
		return Campaign{}, cmkit.Errorf(cmkit.ErrConflict, "calendar: campaign %q is closed", name)
	}
	if err := fn(&cur); err != nil {
		return Campaign{}, err
	}
	cur.UpdatedAt = c.clock.Now()
	return c.store.PutCampaign(ctx, cur)
}

// Campaign returns the campaign named name, or an error wrapping
// cmkit.ErrNotFound. Reading is not authorized here, as for Entries.
func (c *Calendar) Campaign(ctx context.Context, name string) (Campaign, error) {
	cp, err := c.store.GetCampaign(ctx, name)
	if errors.Is(err, cmkit.ErrNotFound) {
		if seeded, ok := c.campaigns[name]; ok {
			return seeded, nil
		}
	}
	return cp, err
}

// Campaigns yields the stored campaigns of brand (every brand when brand is
// empty), by name, closed ones included. Campaigns given to the deprecated
// WithCampaigns are not stored and not listed.
func (c *Calendar) Campaigns(ctx context.Context, brand string) iter.Seq2[Campaign, error] {
	return func(yield func(Campaign, error) bool) {
		for cp, err := range c.store.Campaigns(ctx) {
			if err != nil {
				yield(Campaign{}, err)
				return
			}
			if brand != "" && cp.Brand != brand {
				continue
			}
			if !yield(cp, nil) {
				return
			}
		}
	}
}

// joinCampaign refuses an entry whose campaign is unknown, closed, or of
// another brand; e.Brand is already derived. Create, Update and ImportCSV
// call it.
func (c *Calendar) joinCampaign(ctx context.Context, e *Entry) error {
	if e.Campaign == "" {
		return nil
	}
	cp, err := c.Campaign(ctx, e.Campaign)
	switch {
	case errors.Is(err, cmkit.ErrNotFound):
		return cmkit.Invalid("entry.campaign", "unknown", "no campaign %q (Calendar.CreateCampaign makes one)", e.Campaign)
	case err != nil:
		return err
	case cp.State == CampaignClosed:
		return cmkit.Invalid("entry.campaign", "closed", "campaign %q is closed", e.Campaign)
	case !cp.admits(e.Brand):
		return cmkit.Invalid("entry.campaign", "brand", "campaign %q is of brand %q, the entry of %q", e.Campaign, cp.Brand, e.Brand)
	}
	return nil
}

// admits reports whether an entry of brand may join cp. A campaign given to
// WithCampaigns without a brand admits every brand.
func (cp *Campaign) admits(brand string) bool {
	return cp.Brand == brand || cp.Version == 0 && cp.Brand == ""
}

// WithCampaigns registers campaigns when the calendar is built. They are
// read-only and not stored: Campaign finds one only where the Store has
// no campaign of its name, and one without a Brand admits entries of every
// brand.
//
// Deprecated: campaigns are data, made over the year by the social media
// manager: create them with Calendar.CreateCampaign, which stores,
// versions and authorizes them. New has no acting member and runs at every
// start, so it cannot store them.
func WithCampaigns(cs ...Campaign) Option {
	return func(c *Calendar) error {
		if c.campaigns == nil {
			c.campaigns = map[string]Campaign{}
		}
		for i, cp := range cs {
			f := fmt.Sprintf("WithCampaigns[%d]", i)
			switch {
			case cp.Name == "":
				return cmkit.Invalid(f+".name", "required", "")
			case cp.Start.IsZero() || !cp.End.After(cp.Start):
				return cmkit.Invalid(f, "range", "campaign %q needs a start and an end after it", cp.Name)
			}
			if _, dup := c.campaigns[cp.Name]; dup {
				return cmkit.Invalid(f+".name", "unique", "campaign %q is registered twice", cp.Name)
			}
			cp.State, cp.Version = CampaignActive, 0
			c.campaigns[cp.Name] = cp
		}
		return nil
	}
}

// campaignChecker reports, when an entry is scheduled and again when it is
// sent, an entry whose campaign is unknown, closed or of another brand, or
// that is planned outside its campaign's dates. It reports on the entry's
// first variant only.
type campaignChecker struct{ c *Calendar }

func (k campaignChecker) CheckVariant(ctx context.Context, e *Entry, v *Variant, _ cmkit.ChannelInfo) ([]CheckFinding, error) {
	if e.Campaign == "" || e.Variants[0].Channel != v.Channel {
		return nil, nil
	}
	finding := func(rule, format string, args ...any) []CheckFinding {
		return []CheckFinding{{Channel: v.Channel, Check: "campaign", Rule: rule, Message: fmt.Sprintf(format, args...)}}
	}
	cp, err := k.c.Campaign(ctx, e.Campaign)
	switch {
	case errors.Is(err, cmkit.ErrNotFound):
		return finding("unknown_campaign", "no campaign %q", e.Campaign), nil
	case err != nil:
		return nil, err
	case cp.State == CampaignClosed:
		return finding("campaign_closed", "campaign %q is closed", cp.Name), nil
	case !cp.admits(e.Brand):
		return finding("campaign_brand", "campaign %q is of brand %q, the entry of %q", cp.Name, cp.Brand, e.Brand), nil
	case !e.At.IsZero() && (e.At.Before(cp.Start) || !e.At.Before(cp.End)):
		return finding("outside_campaign", "planned %s, outside campaign %q (%s to %s)", e.At.Format(time.RFC3339), cp.Name,
			cp.Start.Format(time.RFC3339), cp.End.Format(time.RFC3339)), nil
	}
	return nil, nil
}
