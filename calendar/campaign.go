package calendar

import (
	"context"
	"fmt"
	"time"

	"github.com/cmkit/cmkit"
)

// Campaign is a named stretch of time with a goal: a promotion, a contest,
// a launch. Entries join one by name (Entry.Campaign); the calendar then
// checks that they are planned within its dates, and views filter by it.
type Campaign struct {
	// Name identifies the campaign ("winter-sale-2026").
	Name string `json:"name"`
	// Goal says what it is for ("500 contest entries", "+10% sales").
	Goal string `json:"goal,omitempty"`
	// Start and End bound it: [Start, End).
	Start time.Time `json:"start"`
	// End is when it ends.
	End time.Time `json:"end"`
}

// WithCampaigns registers campaigns. An entry naming a registered campaign
// must be planned within its dates to be scheduled; an unregistered name is
// just a label.
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
			c.campaigns[cp.Name] = cp
		}
		return nil
	}
}

// Campaign returns a registered campaign.
func (c *Calendar) Campaign(name string) (Campaign, bool) {
	cp, ok := c.campaigns[name]
	return cp, ok
}

// campaignChecker reports entries planned outside their campaign's dates.
type campaignChecker struct{ c *Calendar }

func (k campaignChecker) CheckVariant(_ context.Context, e *Entry, v *Variant, _ cmkit.ChannelInfo) ([]Finding, error) {
	cp, ok := k.c.campaigns[e.Campaign]
	if !ok || e.At.IsZero() || !e.At.Before(cp.Start) && e.At.Before(cp.End) || e.Variants[0].Channel != v.Channel {
		return nil, nil
	}
	return []Finding{{Channel: v.Channel, Check: "campaign", Rule: "outside_campaign",
		Message: fmt.Sprintf("planned %s, outside campaign %q (%s to %s)", e.At.Format(time.RFC3339), cp.Name,
			cp.Start.Format(time.RFC3339), cp.End.Format(time.RFC3339))}}, nil
}
