package crisis

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/langtag"
	"github.com/cmkit/cmkit/roles"
)

// Validate checks the plan against a role catalogue (nil means
// roles.NewRoleSet()). Every error wraps cmkit.ErrInvalid, and a
// *cmkit.ValidationError names the spot, such as
// "levels[2].escalation[0].role". The rules:
//
//   - id and brand are required, version is at least 1, and there is at
//     least one level;
//   - level names are required, unique and written like role names;
//   - entry criteria are either manual or set at least one threshold: a
//     volume ratio above 1, a negative share above 0 and at most 1;
//   - every level has at least one responder; a responder names exactly
//     one of a member or a role the catalogue defines, and its scope's
//     brand, if set, covers the plan's brand;
//   - ack_within is more than zero; escalation steps run at or after it,
//     each later than the one before, and repeat never or at least every
//     MinRepeat; no delay is negative or unreadable;
//   - statements have a valid BCP 47 language, a text, and at most one per
//     language and channel;
//   - approvals has at least one step, checked as roles.Policy.Validate
//     checks a rule's steps;
//   - a publishing pause names its missed-post policy and no channel twice.
func (p *Plan) Validate(rs *roles.RoleSet) error {
	if rs == nil {
		rs = roles.NewRoleSet()
	}
	if err := checkText("id", p.ID); err != nil {
		return err
	}
	if err := checkText("brand", p.Brand); err != nil {
		return err
	}
	if p.Version < 1 {
		return cmkit.Invalid("version", "min", "a plan's version starts at 1, got %d", p.Version)
	}
	if len(p.Levels) == 0 {
		return cmkit.Invalid("levels", "required", "a plan needs at least one level")
	}
	names := map[string]bool{}
	for i := range p.Levels {
		l := &p.Levels[i]
		field := fmt.Sprintf("levels[%d]", i)
		if err := checkName(field+".name", l.Name); err != nil {
			return err
		}
		if names[l.Name] {
			return cmkit.Invalid(field+".name", "unique", "%q is used twice", l.Name)
		}
		names[l.Name] = true
		if err := p.validateLevel(field, l, rs); err != nil {
			return err
		}
	}
	return nil
}

func (p *Plan) validateLevel(field string, l *Level, rs *roles.RoleSet) error {
	if err := l.Entry.validate(field + ".entry"); err != nil {
		return err
	}
	if len(l.Responders) == 0 {
		return cmkit.Invalid(field+".responders", "required", "a level needs at least one responder")
	}
	for j := range l.Responders {
		if err := p.checkResponder(fmt.Sprintf("%s.responders[%d]", field, j), &l.Responders[j], rs); err != nil {
			return err
		}
	}
	if err := checkDelay(field+".ack_within", l.AckWithin); err != nil {
		return err
	}
	if l.AckWithin == 0 {
		return cmkit.Invalid(field+".ack_within", "required", "give the acknowledgement deadline, such as \"10m\"")
	}
	prev := l.AckWithin
	for j := range l.Escalation {
		s := &l.Escalation[j]
		sf := fmt.Sprintf("%s.escalation[%d]", field, j)
		if err := p.checkResponder(sf, &s.Responder, rs); err != nil {
			return err
		}
		if err := checkDelay(sf+".after", s.After); err != nil {
			return err
		}
		switch {
		case j == 0 && s.After < prev:
			return cmkit.Invalid(sf+".after", "order", "%s is before the acknowledgement deadline %s", s.After, prev)
		case j > 0 && s.After <= prev:
			return cmkit.Invalid(sf+".after", "order", "%s is not after the previous step's %s", s.After, prev)
		}
		prev = s.After
		if err := checkDelay(sf+".repeat", s.Repeat); err != nil {
			return err
		}
		if s.Repeat != 0 && s.Repeat < MinRepeat {
			return cmkit.Invalid(sf+".repeat", "min", "%s is shorter than %s", s.Repeat, MinRepeat)
		}
	}
	seen := map[[2]string]bool{}
	for j, st := range l.Statements {
		sf := fmt.Sprintf("%s.statements[%d]", field, j)
		if st.Language == "" {
			return cmkit.Invalid(sf+".language", "required", "say which language the statement is in")
		}
		if !langtag.Valid(st.Language) {
			return cmkit.Invalid(sf+".language", "format", "%q is not a BCP 47 language tag", st.Language)
		}
		if st.Channel != "" {
			if err := checkText(sf+".channel", st.Channel); err != nil {
				return err
			}
		}
		if strings.TrimSpace(st.Text) == "" {
			return cmkit.Invalid(sf+".text", "required", "")
		}
		key := [2]string{strings.ToLower(st.Language), st.Channel}
		if seen[key] {
			return cmkit.Invalid(sf, "unique", "a second statement in %q for channel %q", st.Language, st.Channel)
		}
		seen[key] = true
	}
	if len(l.Approvals) == 0 {
		return cmkit.Invalid(field+".approvals", "required", "say who approves a public statement at this level")
	}
	rule := l.ApprovalRule()
	rule.Name = "crisis-level" // the level's name is checked above, in its own words
	if err := (roles.Policy{Rules: []roles.Rule{rule}}).Validate(rs); err != nil {
		return reroot(err, "rules[0].steps", field+".approvals")
	}
	return p.validateActions(field+".on_entry", &l.OnEntry)
}

func (p *Plan) validateActions(field string, a *EntryActions) error {
	if pp := a.PausePublishing; pp != nil {
		if !pp.Missed.valid() {
			return cmkit.Invalid(field+".pause_publishing.missed", "enum", "%q: want %q, %q or %q",
				pp.Missed, HoldMissedPosts, PublishMissedPosts, MoveMissedPosts)
		}
		seen := map[string]bool{}
		for k, c := range pp.Channels {
			cf := fmt.Sprintf("%s.pause_publishing.channels[%d]", field, k)
			if err := checkText(cf, c); err != nil {
				return err
			}
			if seen[c] {
				return cmkit.Invalid(cf, "unique", "%q is listed twice", c)
			}
			seen[c] = true
		}
	}
	if a.ModerationRules != "" {
		if err := checkText(field+".moderation_rules", a.ModerationRules); err != nil {
			return err
		}
	}
	return nil
}

func (c *Criteria) validate(field string) error {
	switch {
	case !(c.MinVolumeRatio == 0 || c.MinVolumeRatio > 1) || c.MinVolumeRatio > 1e6:
		return cmkit.Invalid(field+".min_volume_ratio", "range", "%v: want more than 1 (0 for none)", c.MinVolumeRatio)
	case !(c.MinNegativeShare >= 0 && c.MinNegativeShare <= 1):
		return cmkit.Invalid(field+".min_negative_share", "range", "%v: want from 0 to 1", c.MinNegativeShare)
	}
	thresholds := c.MinVolumeRatio != 0 || c.MinNegativeShare != 0
	switch {
	case c.Manual && (thresholds || c.All):
		return cmkit.Invalid(field, "manual", "a manual-only level sets no threshold")
	case !c.Manual && !thresholds:
		return cmkit.Invalid(field, "required", "set a threshold, or manual")
	}
	return nil
}

func (p *Plan) checkResponder(field string, r *Responder, rs *roles.RoleSet) error {
	switch {
	case r.Role == "" && r.Member == "":
		return cmkit.Invalid(field+".role", "required", "name a role or a member")
	case r.Role != "" && r.Member != "":
		return cmkit.Invalid(field+".member", "exclusive", "name a role or a member, not both")
	case r.Member != "":
		if r.Scope != (roles.Scope{}) {
			return cmkit.Invalid(field+".scope", "exclusive", "a member is paged wherever they are; scope goes with a role")
		}
		return checkText(field+".member", r.Member)
	}
	if _, ok := rs.Role(r.Role); !ok {
		return cmkit.Invalid(field+".role", "unknown", "no role %q", r.Role)
	}
	if brand := (roles.Scope{Brand: r.Scope.Brand}); !brand.Covers(&roles.Resource{Brand: p.Brand}) {
		return cmkit.Invalid(field+".scope.brand", "brand", "%q does not cover the plan's brand %q", r.Scope.Brand, p.Brand)
	}
	return nil
}

func checkDelay(field string, d Delay) error {
	switch {
	case d == badDelay:
		return cmkit.Invalid(field, "format", "not a duration; write one such as \"15m\" or \"1h30m\"")
	case d < 0:
		return cmkit.Invalid(field, "non_negative", "%s is negative", d)
	}
	return nil
}

// checkText requires s: valid UTF-8 without control characters, at most 200
// bytes.
func checkText(field, s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return cmkit.Invalid(field, "required", "")
	case len(s) > 200:
		return cmkit.Invalid(field, "max_length", "%d bytes, at most 200", len(s))
	case !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return cmkit.Invalid(field, "format", "%q: valid UTF-8 without control characters", s)
	}
	return nil
}

// checkName requires a level name: 1 to 64 lower-case ASCII letters,
// digits, '_' or '-', starting with a letter.
func checkName(field, s string) error {
	if s == "" {
		return cmkit.Invalid(field, "required", "")
	}
	ok := len(s) <= 64 && s[0] >= 'a' && s[0] <= 'z'
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
	}
	if !ok {
		return cmkit.Invalid(field, "format", "%q: use 1-64 lower-case letters, digits, '_' or '-', starting with a letter", s)
	}
	return nil
}

// reroot moves a validation error's field from under old to under new.
func reroot(err error, old, new string) error {
	var ve *cmkit.ValidationError
	if errors.As(err, &ve) && strings.HasPrefix(ve.Field, old) {
		return &cmkit.ValidationError{Field: new + strings.TrimPrefix(ve.Field, old), Rule: ve.Rule, Detail: ve.Detail}
	}
	return err
}
