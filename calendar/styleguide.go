package calendar

import (
	"context"
	"errors"
	"strconv"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/styleguide"
)

// StyleOptions says what a style guide needs from the product besides the
// entry: whether a crisis is on.
type StyleOptions struct {
	// Crisis reports whether a crisis is on for brand; the guide's crisis
	// rules then apply (styleguide.Draft.Crisis). Nil means never. It is
	// called for every variant checked, before scheduling and again before
	// sending, so a crisis declared after scheduling still stops a post
	// that breaks a crisis rule of severity error.
	Crisis func(ctx context.Context, brand string) bool
}

// WithStyleGuide makes the calendar check every variant, and every part of
// a thread, against g before scheduling and again right before sending, as
// any Checker is. The draft the guide sees is the variant's post (text and
// title), its language (Post.Language, else the channel's only language),
// the channel's platform and limits, the entry's labels, the kind of its
// campaign (Campaign.Kind) and the crisis flag from opts.
//
// Alerts of severity error block, with Check "styleguide", Rule the
// guide's rule ID, the alert's span and message; warnings and suggestions
// are findings with Warning set, which Schedule keeps in Entry.Warnings
// without stopping.
func WithStyleGuide(g *styleguide.Guide, opts StyleOptions) Option {
	return func(c *Calendar) error {
		if g == nil {
			return cmkit.Invalid("styleguide", "required", "WithStyleGuide needs a compiled guide (styleguide.Compile)")
		}
		c.checkers = append(c.checkers, styleChecker{c: c, guide: g, opts: opts})
		return nil
	}
}

// styleChecker is the Checker that WithStyleGuide adds.
type styleChecker struct {
	c     *Calendar
	guide *styleguide.Guide
	opts  StyleOptions
}

func (s styleChecker) CheckVariant(ctx context.Context, e *Entry, v *Variant, info cmkit.ChannelInfo) ([]CheckFinding, error) {
	d := styleguide.Draft{Platform: info.Platform, Labels: e.Labels, Limits: &info.Limits}
	if e.Campaign != "" {
		cp, err := s.c.Campaign(ctx, e.Campaign)
		switch {
		case err == nil:
			d.CampaignKind = cp.Kind
		case !errors.Is(err, cmkit.ErrNotFound): // an unknown campaign is the campaign check's finding
			return nil, err
		}
	}
	if s.opts.Crisis != nil {
		d.Crisis = s.opts.Crisis(ctx, e.Brand)
	}
	var out []CheckFinding
	var alerts []styleguide.Alert
	for k := 0; k <= len(v.Thread); k++ {
		p := v.Post
		if k > 0 {
			p = v.Thread[k-1]
		}
		d.Text, d.Title, d.Language = p.Text, p.Title, p.Language
		if d.Language == "" && len(info.Languages) == 1 {
			d.Language = info.Languages[0]
		}
		alerts = s.guide.Check(alerts[:0], d)
		for _, a := range alerts {
			f := CheckFinding{Channel: v.Channel, Check: "styleguide", Rule: a.RuleID, Part: k,
				Field: "post." + a.Field, Message: a.Message, Warning: a.Severity != styleguide.SeverityError}
			if a.Field == styleguide.FieldText {
				f.Start, f.End = a.Start, a.End
			}
			if k > 0 {
				f.Message = "thread part " + strconv.Itoa(k+1) + ": " + f.Message
			}
			out = append(out, f)
		}
	}
	return out, nil
}
