package inbox

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation/hours"
	"github.com/cmkit/cmkit/roles"
)

// BusinessHours is the calendar SLA times are measured in: a team's
// weekly hours in its time zone, with holidays. *hours.Schedule (package
// moderation/hours) implements it; nil means round the clock.
type BusinessHours interface {
	// Add returns the instant at which d of business time has elapsed
	// after t.
	Add(t time.Time, d time.Duration) time.Time
	// Between returns the business time in [a, b).
	Between(a, b time.Time) time.Duration
}

var _ BusinessHours = (*hours.Schedule)(nil)

// alwaysOpen is the BusinessHours of a team that never closes.
type alwaysOpen struct{}

func (alwaysOpen) Add(t time.Time, d time.Duration) time.Time { return t.Add(d) }
func (alwaysOpen) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	return b.Sub(a)
}

// SLAPolicy sets the response and resolution targets of the
// conversations it applies to, in business time. A conversation gets the
// first policy of the inbox (in the order given to WithSLA) whose queues
// include its queue and whose MinPriority it reaches, so list the most
// specific policies first.
type SLAPolicy struct {
	// Name names the policy in SLAState, events and reports; unique.
	Name string `json:"name"`
	// Queues are the queues it applies to; empty means every queue.
	Queues []string `json:"queues,omitempty"`
	// MinPriority is the lowest conversation priority it applies to.
	MinPriority int `json:"min_priority,omitempty"`
	// FirstResponse is the time allowed from the first customer message
	// to the team's first answer; 0 means no target.
	FirstResponse time.Duration `json:"first_response,omitempty"`
	// NextResponse is the time allowed from a customer message that
	// follows an answer to the team's next answer; 0 means no target.
	NextResponse time.Duration `json:"next_response,omitempty"`
	// Resolution is the time allowed from the first customer message to
	// resolution; 0 means no target.
	Resolution time.Duration `json:"resolution,omitempty"`
	// WarnBefore is how much business time before a due time the
	// warning event fires; 0 means no warning. It must be shorter than
	// every target the policy sets.
	WarnBefore time.Duration `json:"warn_before,omitempty"`
}

// slaConfig is what WithSLA set.
type slaConfig struct {
	hours    BusinessHours
	policies []SLAPolicy
}

// WithSLA sets the SLA policies and the business hours they are measured
// in (nil for round the clock). Policies are validated: a name, unique;
// no negative duration; at least one target; WarnBefore shorter than
// each target.
func WithSLA(h BusinessHours, policies ...SLAPolicy) Option {
	return func(ib *Inbox) error {
		names := map[string]bool{}
		for i, p := range policies {
			field := fmt.Sprintf("WithSLA.policies[%d]", i)
			switch {
			case p.Name == "":
				return cmkit.Invalid(field+".name", "required", "a policy needs a name")
			case names[p.Name]:
				return cmkit.Invalid(field+".name", "unique", "%q names two policies", p.Name)
			case p.FirstResponse < 0 || p.NextResponse < 0 || p.Resolution < 0 || p.WarnBefore < 0:
				return cmkit.Invalid(field, "range", "a duration is negative")
			case p.FirstResponse == 0 && p.NextResponse == 0 && p.Resolution == 0:
				return cmkit.Invalid(field, "required", "%q sets no target", p.Name)
			}
			for _, t := range [...]time.Duration{p.FirstResponse, p.NextResponse, p.Resolution} {
				if t > 0 && p.WarnBefore >= t {
					return cmkit.Invalid(field+".warn_before", "range", "%v is not shorter than the target %v", p.WarnBefore, t)
				}
			}
			names[p.Name] = true
			p.Queues = slices.Clone(p.Queues)
			policies[i] = p
		}
		if h == nil {
			h = alwaysOpen{}
		}
		ib.sla = slaConfig{hours: h, policies: slices.Clone(policies)}
		return nil
	}
}

// policyFor returns the policy that applies to c, or nil.
func (ib *Inbox) policyFor(c *Conversation) *SLAPolicy {
	for i := range ib.sla.policies {
		p := &ib.sla.policies[i]
		if (len(p.Queues) == 0 || slices.Contains(p.Queues, c.Queue)) && c.Priority >= p.MinPriority {
			return p
		}
	}
	return nil
}

// slaTarget is one metric of a policy, as it applies to a conversation.
type slaTarget struct {
	metric SLAMetric
	due    *time.Time
	start  time.Time
	target time.Duration
}

func targets(st *SLAState, p *SLAPolicy, c *Conversation) [3]slaTarget {
	return [3]slaTarget{
		{SLAFirstResponse, &st.FirstResponseDue, c.FirstInboundAt, p.FirstResponse},
		{SLANextResponse, &st.NextResponseDue, c.AwaitingSince, p.NextResponse},
		{SLAResolution, &st.ResolutionDue, c.FirstInboundAt, p.Resolution},
	}
}

// slaState computes c's SLA state from its timeline and policy: due
// times of the targets still pending, the warning and breach flags
// carried over from c.SLA for due times that did not move, and Next.
func (ib *Inbox) slaState(c *Conversation) SLAState {
	p := ib.policyFor(c)
	if p == nil || c.Status == StatusHidden {
		return SLAState{}
	}
	st := SLAState{Policy: p.Name}
	open := !c.Status.Closed() && !c.FirstInboundAt.IsZero()
	pending := [3]bool{
		open && c.FirstResponseAt.IsZero(),
		open && !c.FirstResponseAt.IsZero() && !c.AwaitingSince.IsZero(),
		open,
	}
	old := targets(&c.SLA, p, c)
	for i, t := range targets(&st, p, c) {
		if !pending[i] || t.target == 0 {
			continue
		}
		*t.due = ib.sla.hours.Add(t.start, t.target)
		if c.SLA.Policy == st.Policy && old[i].due.Equal(*t.due) {
			st.Warned |= c.SLA.Warned & t.metric
			st.Breached |= c.SLA.Breached & t.metric
		}
		for _, at := range [...]time.Time{ib.warnAt(p, t), *t.due} {
			if at.IsZero() || st.Breached&t.metric != 0 || at.Before(*t.due) && st.Warned&t.metric != 0 {
				continue
			}
			if st.Next.IsZero() || at.Before(st.Next) {
				st.Next = at
			}
		}
	}
	return st
}

// warnAt returns when the warning of target t fires (zero for none).
func (ib *Inbox) warnAt(p *SLAPolicy, t slaTarget) time.Time {
	if p.WarnBefore == 0 || t.due.IsZero() {
		return time.Time{}
	}
	return ib.sla.hours.Add(t.start, t.target-p.WarnBefore)
}

// commit stores w after bringing the SLA state of its conversations up
// to date: every change of a conversation goes through here.
func (ib *Inbox) commit(ctx context.Context, w Write) error {
	for i := range w.Conversations {
		w.Conversations[i].SLA = ib.slaState(&w.Conversations[i])
	}
	return ib.store.Commit(ctx, w)
}

// stored brings the caller's copy of c to what commit stored: the next
// version and the SLA state commit computed.
func (ib *Inbox) stored(c *Conversation) {
	c.Version++
	c.SLA = ib.slaState(c)
}

// The SLA events.
const (
	// EventSLAWarning: a target's due time is WarnBefore away.
	EventSLAWarning InboxEventKind = "sla-warning"
	// EventSLABreached: a target's due time passed without it being met.
	EventSLABreached InboxEventKind = "sla-breached"
)

// SLATimers sends the SLA warnings and breaches that are due on the
// inbox's clock, each once, and returns how many it sent. Run calls it;
// a product that runs its own loop calls it on a schedule. A warning or
// breach is recorded in the conversation (SLAState flags and an
// ActivitySLA) before its event is emitted.
func (ib *Inbox) SLATimers(ctx context.Context) (int, error) {
	if len(ib.sla.policies) == 0 {
		return 0, nil
	}
	now := ib.now()
	sent := 0
	for c, err := range ib.store.Conversations(ctx, Filter{SLADue: now}) {
		if err != nil {
			return sent, err
		}
		n, err := ib.fireSLA(ctx, c, now)
		sent += n
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// fireSLA records and emits c's due warnings and breaches, re-reading c
// when another writer changed it first.
func (ib *Inbox) fireSLA(ctx context.Context, c Conversation, now time.Time) (int, error) {
	for range 8 {
		p := ib.policyFor(&c)
		if p == nil || c.SLA.Policy != p.Name {
			return 0, nil
		}
		var events []InboxEvent
		var acts []Activity
		for _, t := range targets(&c.SLA, p, &c) {
			if t.due.IsZero() || c.SLA.Breached&t.metric != 0 {
				continue
			}
			kind, what := EventSLABreached, "passed"
			if t.due.After(now) {
				w := ib.warnAt(p, t)
				if w.IsZero() || w.After(now) || c.SLA.Warned&t.metric != 0 {
					continue
				}
				kind, what = EventSLAWarning, "is near"
				c.SLA.Warned |= t.metric
			} else {
				c.SLA.Warned |= t.metric
				c.SLA.Breached |= t.metric
			}
			text := fmt.Sprintf("%s: %s due %s %s", p.Name, t.metric, t.due.Format(time.RFC3339), what)
			acts = append(acts, Activity{ID: newID(), Conversation: c.ID, At: now, Kind: ActivitySLA, Text: text})
			events = append(events, InboxEvent{Kind: kind, At: now, Text: text})
		}
		if len(events) == 0 {
			return 0, nil
		}
		c.UpdatedAt = now
		err := ib.commit(ctx, Write{Conversations: []Conversation{c}, Activities: acts})
		if errors.Is(err, cmkit.ErrConflict) {
			if c, err = ib.store.Conversation(ctx, c.ID); err != nil {
				return 0, err
			}
			continue
		}
		if err != nil {
			return 0, err
		}
		ib.stored(&c)
		for _, e := range events {
			e.Conversation = c
			ib.emit(e)
		}
		return len(events), nil
	}
	return 0, fmt.Errorf("inbox: SLA timers of conversation %s: %w: too many concurrent changes", c.ID, cmkit.ErrConflict)
}

// String names the metric: "first response", "next response",
// "resolution".
func (m SLAMetric) String() string {
	switch m {
	case SLAFirstResponse:
		return "first response"
	case SLANextResponse:
		return "next response"
	case SLAResolution:
		return "resolution"
	}
	return fmt.Sprintf("SLAMetric(%d)", uint8(m))
}

// SLAReport is the attainment of each SLA policy over a period.
type SLAReport struct {
	// From and To bound the period: a target counts when it was met or
	// breached in [From, To).
	From, To time.Time
	// Policies has one entry per policy, in the order of WithSLA.
	Policies []SLAPolicyReport
}

// SLAPolicyReport is one policy's attainment.
type SLAPolicyReport struct {
	// Policy is the policy's name.
	Policy string
	// FirstResponse, NextResponse and Resolution are the attainment of
	// each target (all zero when the policy sets none).
	FirstResponse, NextResponse, Resolution SLAAttainment
}

// SLAAttainment counts how one target fared.
type SLAAttainment struct {
	// Measured counts the targets that ended in the period: met (the
	// answer or resolution came in time), or breached (it came late, or
	// is still owed after its due time).
	Measured int
	// Met counts those met in time.
	Met int
	// Attainment is Met / Measured, or 0 when nothing was measured.
	Attainment float64
	// Median and P90 are the business time taken by the targets that
	// ended with an answer or resolution (nearest rank).
	Median, P90 time.Duration
	times       []time.Duration
}

func (a *SLAAttainment) add(took, target time.Duration, done bool) {
	a.Measured++
	if done && took <= target {
		a.Met++
	}
	if done {
		a.times = append(a.times, took)
	}
}

func (a *SLAAttainment) finish() {
	if a.Measured > 0 {
		a.Attainment = float64(a.Met) / float64(a.Measured)
	}
	slices.Sort(a.times)
	if n := len(a.times); n > 0 {
		a.Median = a.times[(n+1)/2-1]
		a.P90 = a.times[(9*n+9)/10-1]
	}
	a.times = nil
}

// SLAReport measures every policy's attainment over [from, to) from the
// conversations' messages, for the conversations the acting member may
// read (roles.ReadInbox). A conversation is judged by the policy that
// applies to it now.
func (ib *Inbox) SLAReport(ctx context.Context, from, to time.Time) (SLAReport, error) {
	if !to.After(from) {
		return SLAReport{}, cmkit.Invalid("to", "after", "the period ends at %v, not after its start %v", to, from)
	}
	rep := SLAReport{From: from, To: to, Policies: make([]SLAPolicyReport, len(ib.sla.policies))}
	for i, p := range ib.sla.policies {
		rep.Policies[i].Policy = p.Name
	}
	now := ib.now()
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	h := ib.sla.hours
	for c, err := range ib.store.Conversations(ctx, Filter{}) {
		if err != nil {
			return SLAReport{}, err
		}
		p := ib.policyFor(&c)
		if p == nil || c.Status == StatusHidden || ib.team.Check(ctx, roles.ReadInbox, c.Resource) != nil {
			continue
		}
		r := &rep.Policies[slices.IndexFunc(ib.sla.policies, func(q SLAPolicy) bool { return q.Name == p.Name })]
		// One target per stretch the customer waited: the first one is
		// the first response, the others next responses.
		measure := func(a *SLAAttainment, target time.Duration, start, end time.Time) {
			if target == 0 || start.IsZero() {
				return
			}
			due := h.Add(start, target)
			switch {
			case !end.IsZero() && in(end):
				a.add(h.Between(start, end), target, true)
			case end.IsZero() && !due.After(now) && in(due):
				a.add(0, target, false)
			}
		}
		var waiting time.Time
		answered := false
		for m, err := range ib.store.Messages(ctx, c.ID) {
			if err != nil {
				return SLAReport{}, err
			}
			at := messageTime(&m)
			switch {
			case m.Direction == Inbound && waiting.IsZero():
				waiting = at
			case m.Direction == Outbound && (m.Delivery == DeliverySent) && !waiting.IsZero():
				if answered {
					measure(&r.NextResponse, p.NextResponse, waiting, at)
				} else {
					measure(&r.FirstResponse, p.FirstResponse, waiting, at)
				}
				answered, waiting = true, time.Time{}
			}
		}
		if !waiting.IsZero() && !c.Status.Closed() {
			if answered {
				measure(&r.NextResponse, p.NextResponse, waiting, time.Time{})
			} else {
				measure(&r.FirstResponse, p.FirstResponse, waiting, time.Time{})
			}
		}
		resolved := time.Time{}
		if c.Status == StatusResolved {
			resolved = c.ResolvedAt
		}
		measure(&r.Resolution, p.Resolution, c.FirstInboundAt, resolved)
	}
	for i := range rep.Policies {
		r := &rep.Policies[i]
		r.FirstResponse.finish()
		r.NextResponse.finish()
		r.Resolution.finish()
	}
	return rep, nil
}

// messageTime is when a message happened for SLA purposes: an inbound
// message when its author posted it (not after the inbox stored it), an
// outbound one when the platform published it.
func messageTime(m *Message) time.Time {
	if m.Direction == Outbound {
		if !m.Receipt.PublishedAt.IsZero() {
			return m.Receipt.PublishedAt
		}
		return m.ReceivedAt
	}
	if t := m.Mention.CreatedAt; !t.IsZero() && !t.After(m.ReceivedAt) {
		return t
	}
	return m.ReceivedAt
}
