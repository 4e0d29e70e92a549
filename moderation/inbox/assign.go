package inbox

// This file holds assignment: agents, manual assignment, and the automatic
// round-robin step that the Run loop calls.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// workConfig holds the settings of assignment, replies, canned responses
// and the handoff to customer service.
type workConfig struct {
	// canned are the canned responses, in the order given, and byID
	// indexes them.
	canned []CannedResponse
	byID   map[string]int
	// checker checks replies against the style guide.
	checker ReplyChecker
	// handoff is the helpdesk; retry is its retry policy.
	handoff Handoff
	retry   HandoffRetry
	// lease and call bound an answer's sending (WithReplyLease).
	lease, call time.Duration
}

// teamResource is what a change to the team's setup (agents and their
// availability) is authorized on: the brand every registered channel
// shares, or, for an inbox over several brands, nothing in particular
// (so only a member whose grant is not limited to one brand qualifies).
func (ib *Inbox) teamResource() roles.Resource {
	ib.mu.RLock()
	defer ib.mu.RUnlock()
	brand, first := "", true
	for _, r := range ib.channels {
		switch {
		case first:
			brand, first = r.info.Brand, false
		case r.info.Brand != brand:
			return roles.Resource{}
		}
	}
	return roles.Resource{Brand: brand}
}

// Assign gives conversation id, read at version, to member ("" takes it
// from its owner and puts it back in its queue), for the acting member.
//
// The actor needs roles.AssignMention on the conversation's Resource; a
// member who takes an unassigned conversation for themselves needs only
// roles.ReplyMention. The assignee must be allowed roles.ReplyMention on
// it (an owner who may not answer owns nothing); otherwise the error wraps
// cmkit.ErrForbidden and says why. An agent who is not Available cannot
// be given one (cmkit.ErrConflict); a member who is no agent can. Manual
// assignment may exceed an agent's Capacity and does not move the agent's
// turn in round-robin.
func (ib *Inbox) Assign(ctx context.Context, id uuid.UUID, version uint64, member string) (Conversation, error) {
	if member != "" {
		if err := checkText("member", member, maxMemberLen, false); err != nil {
			return Conversation{}, err
		}
	}
	return ib.update(ctx, id, version, change{kind: ActivityAssigned, event: EventAssigned,
		permFor: func(c *Conversation, actor string) roles.Permission {
			if member == actor && c.Assignee == "" {
				return roles.ReplyMention
			}
			return roles.AssignMention
		},
		apply: func(ctx context.Context, c *Conversation, _ *Write, _ string, _ time.Time) (string, bool, error) {
			if c.Assignee == member {
				return "", false, nil
			}
			if member != "" {
				if err := ib.mayOwn(ctx, member, c); err != nil {
					return "", false, err
				}
				switch a, err := ib.agent(ctx, member); {
				case err == nil && !a.Available:
					return "", false, conflict("%s is unavailable: make them available first (SetAvailable)", member)
				case err != nil && !errors.Is(err, cmkit.ErrNotFound):
					return "", false, err
				}
			}
			text := assignText(c.Assignee, member)
			c.Assignee = member
			return text, true, nil
		}})
}

// mayOwn returns nil when member may answer c, and otherwise an error
// wrapping cmkit.ErrForbidden that says why not.
func (ib *Inbox) mayOwn(ctx context.Context, member string, c *Conversation) error {
	dec, err := ib.team.Authorize(ctx, member, roles.ReplyMention, c.Resource)
	if err != nil {
		return err
	}
	if err := dec.Err(); err != nil {
		return fmt.Errorf("inbox: cannot assign conversation %s to %s, who may not answer it: %w", c.ID, member, err)
	}
	return nil
}

func assignText(from, to string) string {
	switch {
	case to == "":
		return fmt.Sprintf("unassigned from %s", from)
	case from == "":
		return "assigned to " + to
	}
	return fmt.Sprintf("reassigned from %s to %s", from, to)
}

// SetAgent creates or updates the agent record a.Member, for the acting
// member, who needs roles.AssignMention on the team (the brand all the
// inbox's channels share; for channels of several brands, a grant not
// limited to one brand). a.Version is the version read (0 to create); a
// stale one is an error wrapping cmkit.ErrConflict. Queues (at least one;
// "" is the default queue) and Capacity (0 to 10,000) are validated;
// LastAssigned is the inbox's and is kept as stored. An agent that
// becomes unavailable gives back its open conversations, in the same
// write (see SetAvailable). It returns the agent as stored.
func (ib *Inbox) SetAgent(ctx context.Context, a Agent) (Agent, error) {
	actor, err := actorOf(ctx)
	if err != nil {
		return Agent{}, err
	}
	if err := checkAgent(&a); err != nil {
		return Agent{}, err
	}
	if err := ib.team.Check(ctx, roles.AssignMention, ib.teamResource()); err != nil {
		return Agent{}, err
	}
	old, err := ib.agent(ctx, a.Member)
	switch {
	case errors.Is(err, cmkit.ErrNotFound):
		if a.Version != 0 {
			return Agent{}, err
		}
		a.LastAssigned = time.Time{}
	case err != nil:
		return Agent{}, err
	case old.Version != a.Version:
		return Agent{}, conflict("agent %s is at version %d, not %d: re-read it", a.Member, old.Version, a.Version)
	default:
		a.LastAssigned = old.LastAssigned
	}
	return ib.putAgent(ctx, a, old.Available && !a.Available, actor)
}

func checkAgent(a *Agent) error {
	if err := checkText("member", a.Member, maxMemberLen, false); err != nil {
		return err
	}
	if len(a.Queues) == 0 {
		return cmkit.Invalid("queues", "required", "list the queues the agent takes conversations from (\"\" is the default queue)")
	}
	for i, q := range a.Queues {
		if q != "" {
			if err := checkText(fmt.Sprintf("queues[%d]", i), q, maxQueueBytes, false); err != nil {
				return err
			}
		}
		if slices.Index(a.Queues, q) != i {
			return cmkit.Invalid(fmt.Sprintf("queues[%d]", i), "unique", "%q is listed twice", q)
		}
	}
	if a.Capacity < 0 || a.Capacity > 10000 {
		return cmkit.Invalid("capacity", "range", "%d is outside 0..10000", a.Capacity)
	}
	a.Queues = slices.Clone(a.Queues)
	return nil
}

// agent returns the agent record of member.
func (ib *Inbox) agent(ctx context.Context, member string) (Agent, error) {
	for a, err := range ib.store.Agents(ctx) {
		if err != nil {
			return Agent{}, err
		}
		if a.Member == member {
			return a, nil
		}
	}
	return Agent{}, notFound("no agent %s", member)
}

// SetAvailable says whether member takes new conversations now. The
// acting member may set their own availability, or anyone's with
// roles.AssignMention on the team (see SetAgent). An agent who becomes
// unavailable gives back their open conversations: they lose their
// assignee in the same write as the agent's record, and the next
// AutoAssign step gives them to available agents. Closed conversations
// keep their owner (who handled them); reopened, they go back to the
// queue at the next AutoAssign step. Setting what is already
// set changes nothing. It returns the agent as stored.
func (ib *Inbox) SetAvailable(ctx context.Context, member string, available bool) (Agent, error) {
	actor, err := actorOf(ctx)
	if err != nil {
		return Agent{}, err
	}
	if err := checkText("member", member, maxMemberLen, false); err != nil {
		return Agent{}, err
	}
	if member != actor {
		if err := ib.team.Check(ctx, roles.AssignMention, ib.teamResource()); err != nil {
			return Agent{}, err
		}
	}
	for attempt := 0; ; attempt++ {
		a, err := ib.agent(ctx, member)
		if err != nil || a.Available == available {
			return a, err
		}
		a.Available = available
		a, err = ib.putAgent(ctx, a, !available, actor)
		if !errors.Is(err, cmkit.ErrConflict) || attempt+1 == maxCommitAttempts {
			return a, err
		}
		// Automatic assignment moved the agent's turn meanwhile: read
		// again.
	}
}

// putAgent commits a at the version it carries; with release, the
// member's open conversations lose their assignee in the same write. When
// only those conversations changed meanwhile it reads them again; a stale
// agent is an error wrapping cmkit.ErrConflict.
func (ib *Inbox) putAgent(ctx context.Context, a Agent, release bool, actor string) (Agent, error) {
	for attempt := 0; ; attempt++ {
		now := ib.now()
		w := Write{Agents: []Agent{a}}
		if release {
			if err := ib.releasing(ctx, &w, a.Member, actor, now); err != nil {
				return Agent{}, err
			}
		}
		err := ib.commit(ctx, w)
		if errors.Is(err, cmkit.ErrConflict) && len(w.Conversations) > 0 && attempt+1 < maxCommitAttempts {
			if cur, rerr := ib.agent(ctx, a.Member); rerr == nil && cur.Version == a.Version {
				continue // a conversation moved, not the agent
			}
		}
		if err != nil {
			return Agent{}, err
		}
		a.Version++
		text := fmt.Sprintf("agent %s: queues %q, capacity %d, available %t", a.Member, a.Queues, a.Capacity, a.Available)
		ib.auditTeam(ctx, actor, "inbox.agent", text)
		ib.emit(InboxEvent{Kind: EventAgentChanged, At: now, By: actor, Text: text})
		ib.released(ctx, &w, actor, now)
		return a, nil
	}
}

// releasing adds to w the member's open conversations without their
// assignee, with the activities that say so.
func (ib *Inbox) releasing(ctx context.Context, w *Write, member, actor string, now time.Time) error {
	for c, err := range ib.store.Conversations(ctx, Filter{Assignee: member, Open: true}) {
		if err != nil {
			return err
		}
		w.Activities = append(w.Activities, Activity{ID: cmkit.NewID(), Conversation: c.ID, At: now, By: actor,
			Kind: ActivityAssigned, Text: assignText(c.Assignee, "") + " (unavailable)"})
		c.Assignee, c.UpdatedAt = "", now
		w.Conversations = append(w.Conversations, c)
	}
	return nil
}

// released audits and reports the conversations of a committed w that
// releasing put back in their queues.
func (ib *Inbox) released(ctx context.Context, w *Write, actor string, now time.Time) {
	for i := range w.Conversations {
		c := w.Conversations[i]
		ib.stored(&c)
		if actor != "" {
			ib.audited(ctx, actor, "inbox."+string(ActivityAssigned), roles.AssignMention, &c, w.Activities[i].Text)
		}
		ib.emit(InboxEvent{Kind: EventAssigned, At: now, Conversation: c, By: actor, Text: w.Activities[i].Text})
	}
}

// sweep puts back in their queues the open conversations of unavailable
// agents: those reopened (by a member, or by a customer writing again)
// after their owner left. The agent's record is written unchanged, so
// that an agent who came back meanwhile keeps them.
func (ib *Inbox) sweep(ctx context.Context) error {
	for a, err := range ib.store.Agents(ctx) {
		if err != nil {
			return err
		}
		if a.Available {
			continue
		}
		n, err := ib.store.Load(ctx, a.Member)
		if err != nil {
			return err
		}
		if n == 0 {
			continue
		}
		now := ib.now()
		w := Write{Agents: []Agent{a}}
		if err := ib.releasing(ctx, &w, a.Member, "", now); err != nil {
			return err
		}
		switch err := ib.commit(ctx, w); {
		case errors.Is(err, cmkit.ErrConflict):
			continue // moved meanwhile: the next step looks again
		case err != nil:
			return err
		}
		ib.released(ctx, &w, "", now)
	}
	return nil
}

// auditTeam appends a change to the team's setup to the audit log.
func (ib *Inbox) auditTeam(ctx context.Context, actor, action, text string) {
	if ib.audit == nil {
		return
	}
	if _, err := ib.audit.Append(context.WithoutCancel(ctx), roles.AuditEvent{Actor: actor, Action: action,
		Permission: roles.AssignMention, Resource: ib.teamResource(), Allowed: true, Reason: text}); err != nil {
		ib.log.WarnContext(ctx, "inbox: audit log", "action", action, "error", err.Error())
	}
}

// maxAssignAttempts bounds how often AutoAssign tries one conversation
// when other assigners keep moving the same agents.
const maxAssignAttempts = 3

// pool is automatic assignment's view of the agents: each with the load
// read after its record, so that the record's version fences the load.
type pool struct {
	agents []Agent
	load   []int
	last   time.Time // the latest LastAssigned, for strict round-robin
}

// readPool reads the available agents with spare capacity and their loads.
func (ib *Inbox) readPool(ctx context.Context) (pool, error) {
	var p pool
	for a, err := range ib.store.Agents(ctx) {
		if err != nil {
			return pool{}, err
		}
		if a.LastAssigned.After(p.last) {
			p.last = a.LastAssigned
		}
		if !a.Available || a.Capacity == 0 {
			continue
		}
		p.agents = append(p.agents, a)
	}
	p.load = make([]int, len(p.agents))
	for i, a := range p.agents {
		n, err := ib.store.Load(ctx, a.Member)
		if err != nil {
			return pool{}, err
		}
		p.load[i] = n
	}
	return p, nil
}

// pick returns the index of the agent who gets c: available, serving its
// queue, under capacity, allowed to answer it, and least recently given
// one (ties by member); -1 when nobody qualifies.
func (ib *Inbox) pick(ctx context.Context, p *pool, c *Conversation) (int, error) {
	best := -1
	for i := range p.agents {
		a := &p.agents[i]
		if p.load[i] >= a.Capacity || !slices.Contains(a.Queues, c.Queue) {
			continue
		}
		if best >= 0 && !a.LastAssigned.Before(p.agents[best].LastAssigned) {
			continue // agents come sorted by member, so ties keep the first
		}
		dec, err := ib.team.Authorize(ctx, a.Member, roles.ReplyMention, c.Resource)
		if err != nil {
			return -1, err
		}
		if dec.Allowed {
			best = i
		}
	}
	return best, nil
}

// AutoAssign runs one step of automatic assignment and returns how many
// conversations it assigned; the Run loop calls it, and a product may
// call it whenever it likes (after SetAvailable, say).
//
// The open conversations nobody owns are taken highest Priority first,
// then oldest (CreatedAt, then ID). Each goes to the agent who serves its
// queue, is Available, owns fewer open conversations than Capacity
// (Store.Load), is allowed roles.ReplyMention on its Resource (so an agent
// whose grants are limited to Spain never gets a Polish conversation),
// and was given one least recently (Agent.LastAssigned): round-robin.
// The conversation and the agent are committed together, so the agent's
// Version fences two assigners running at once from overfilling one
// agent; the one that loses reads again. Automatic assignment is the
// inbox's own act: its activities and events have no By.
//
// The step first puts back in their queues the open conversations of
// agents who are not Available: those reopened (by a member, or by the
// customer writing again) after their owner became unavailable.
func (ib *Inbox) AutoAssign(ctx context.Context) (int, error) {
	if err := ib.sweep(ctx); err != nil {
		return 0, err
	}
	var todo []Conversation
	for c, err := range ib.store.Conversations(ctx, Filter{Open: true, Unassigned: true}) {
		if err != nil {
			return 0, err
		}
		todo = append(todo, c)
	}
	if len(todo) == 0 {
		return 0, nil
	}
	slices.SortStableFunc(todo, func(a, b Conversation) int {
		return cmp.Or(cmp.Compare(b.Priority, a.Priority), a.CreatedAt.Compare(b.CreatedAt), compareID(a.ID, b.ID))
	})
	p, err := ib.readPool(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range todo {
		if len(p.agents) == 0 {
			break
		}
		ok, err := ib.autoAssignOne(ctx, &p, c)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// autoAssignOne gives c to the agent pick chooses, reading the
// conversation and the agents again when another writer got there first.
func (ib *Inbox) autoAssignOne(ctx context.Context, p *pool, c Conversation) (bool, error) {
	for attempt := 0; ; attempt++ {
		i, err := ib.pick(ctx, p, &c)
		if err != nil || i < 0 {
			return false, err
		}
		now := ib.now()
		a := p.agents[i]
		a.LastAssigned = now
		if !now.After(p.last) {
			a.LastAssigned = p.last.Add(time.Nanosecond) // strictly later than every turn so far
		}
		c.Assignee, c.UpdatedAt = a.Member, now
		act := Activity{ID: cmkit.NewID(), Conversation: c.ID, At: now, Kind: ActivityAssigned,
			Text: assignText("", a.Member) + " (automatic)"}
		err = ib.commit(ctx, Write{Conversations: []Conversation{c}, Agents: []Agent{a}, Activities: []Activity{act}})
		if err == nil {
			ib.stored(&c)
			a.Version++
			p.agents[i], p.load[i], p.last = a, p.load[i]+1, a.LastAssigned
			ib.emit(InboxEvent{Kind: EventAssigned, At: now, Conversation: c, Text: act.Text})
			return true, nil
		}
		if !errors.Is(err, cmkit.ErrConflict) || attempt+1 == maxAssignAttempts {
			if errors.Is(err, cmkit.ErrConflict) {
				return false, nil // contended: the next step tries again
			}
			return false, err
		}
		// Someone else assigned or changed something: read again.
		if *p, err = ib.readPool(ctx); err != nil {
			return false, err
		}
		if c, err = ib.store.Conversation(ctx, c.ID); err != nil {
			return false, err
		}
		if c.Assignee != "" || c.Status.Closed() {
			return false, nil
		}
	}
}
