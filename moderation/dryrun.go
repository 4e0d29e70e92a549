package moderation

import (
	"iter"
	"slices"
	"time"

	"github.com/cmkit/cmkit"
)

// maxExamples is how many mention IDs a RuleCount keeps.
const maxExamples = 5

// Report is what a rule set would have done to a batch of mentions.
type Report struct {
	// Mentions is how many mentions were evaluated.
	Mentions int `json:"mentions"`
	// Rules counts, for every rule of the set in order, the mentions it
	// fired on.
	Rules []RuleCount `json:"rules"`
	// Actions counts the mentions each action was taken on: "hide",
	// "delete", "hold", "flag:LABEL", "priority:N", "queue:NAME",
	// "support", "reply", "opinion-leader", "crisis", "stop", and "none"
	// for the mentions no rule fired on.
	Actions map[string]int `json:"actions"`
}

// RuleCount is one rule's line of a Report.
type RuleCount struct {
	// Rule is the rule's ID.
	Rule string `json:"rule"`
	// Fired is how many mentions it fired on.
	Fired int `json:"fired"`
	// Examples are the IDs of the first mentions it fired on (at most 5).
	Examples []string `json:"examples,omitempty"`
}

// Comparison is what changes when a rule set replaces another, over the
// same mentions.
type Comparison struct {
	// Before and After are the reports of the two sets.
	Before, After *Report
	// Changed lists the mentions whose outcome differs, in the order of
	// the mentions.
	Changed []OutcomeChange
}

// OutcomeChange is one mention whose outcome differs between two rule
// sets. The outcome is the Verdict's Summary and the rules that fired.
type OutcomeChange struct {
	// Mention is the mention's ID.
	Mention string `json:"mention"`
	// Before and After are the two verdicts' summaries.
	Before string `json:"before"`
	After  string `json:"after"`
	// BeforeRules and AfterRules are the IDs of the rules that fired.
	BeforeRules []string `json:"before_rules,omitempty"`
	AfterRules  []string `json:"after_rules,omitempty"`
}

// DryRun evaluates set over past mentions and reports what each rule would
// have done. It compiles its own engine with opts, so the memories of
// waves and authors start empty and the engine's clock reads each
// mention's CreatedAt (the clock option is used for mentions without
// one); it never signals a crisis and never asks the AuthorHistory of
// WithAuthorHistory, which belongs to the live engine.
func DryRun(set RuleSet, mentions iter.Seq[cmkit.Mention], opts ...Option) (*Report, error) {
	e, clock, err := dryEngine(set, opts)
	if err != nil {
		return nil, err
	}
	r := newReport(e)
	var v Verdict
	for m := range mentions {
		clock.at(m.CreatedAt)
		e.Evaluate(&v, m)
		r.add(e, &v, m.ID)
	}
	return r, nil
}

// Compare evaluates before and after over the same past mentions, as
// DryRun does each, and reports both and the mentions whose outcome
// changed.
func Compare(before, after RuleSet, mentions iter.Seq[cmkit.Mention], opts ...Option) (*Comparison, error) {
	eb, cb, err := dryEngine(before, opts)
	if err != nil {
		return nil, err
	}
	ea, ca, err := dryEngine(after, opts)
	if err != nil {
		return nil, err
	}
	c := &Comparison{Before: newReport(eb), After: newReport(ea)}
	var vb, va Verdict
	for m := range mentions {
		cb.at(m.CreatedAt)
		ca.at(m.CreatedAt)
		eb.Evaluate(&vb, m)
		ea.Evaluate(&va, m)
		c.Before.add(eb, &vb, m.ID)
		c.After.add(ea, &va, m.ID)
		sb, sa := vb.Summary(), va.Summary()
		rb, ra := firedIDs(&vb), firedIDs(&va)
		if sb != sa || !slices.Equal(rb, ra) {
			c.Changed = append(c.Changed, OutcomeChange{Mention: m.ID, Before: sb, After: sa, BeforeRules: rb, AfterRules: ra})
		}
	}
	return c, nil
}

func firedIDs(v *Verdict) []string {
	var ids []string
	for _, f := range v.Fired {
		ids = append(ids, f.Rule)
	}
	return ids
}

func dryEngine(set RuleSet, opts []Option) (*Engine, *replayClock, error) {
	clock := &replayClock{}
	all := append(slices.Clone(opts), func(cfg *config) {
		clock.fallback = cfg.clock
		cfg.clock = clock
		cfg.dryRun = true
		cfg.history = nil
	})
	e, err := Compile(set, all...)
	if err != nil {
		return nil, nil, err
	}
	return e, clock, nil
}

// replayClock reads the instant of the mention being replayed.
type replayClock struct {
	now      time.Time
	fallback cmkit.Clock
}

func (c *replayClock) at(t time.Time) {
	if t.IsZero() {
		t = c.fallback.Now()
	}
	c.now = t
}

func (c *replayClock) Now() time.Time { return c.now }

func (c *replayClock) NewTimer(d time.Duration) cmkit.Timer { return c.fallback.NewTimer(d) }

func newReport(e *Engine) *Report {
	r := &Report{Actions: map[string]int{}}
	for _, cr := range e.rules {
		r.Rules = append(r.Rules, RuleCount{Rule: cr.id})
	}
	return r
}

func (r *Report) add(e *Engine, v *Verdict, id string) {
	r.Mentions++
	for _, f := range v.Fired {
		rc := &r.Rules[f.Index]
		rc.Fired++
		if len(rc.Examples) < maxExamples {
			rc.Examples = append(rc.Examples, id)
		}
	}
	count := func(k string, on bool) {
		if on {
			r.Actions[k]++
		}
	}
	count("none", len(v.Fired) == 0)
	count("hide", v.Hide)
	count("delete", v.Delete)
	count("hold", v.Hold)
	for _, f := range v.Flags {
		r.Actions["flag:"+f]++
	}
	count("priority:"+itoa(v.Priority), v.Priority != 0)
	count("queue:"+v.Queue, v.Queue != "")
	count("support", v.Support)
	count("reply", len(v.Replies) > 0)
	count("opinion-leader", v.OpinionLeader)
	count("crisis", v.Crisis)
	count("stop", v.Stopped != "")
}
