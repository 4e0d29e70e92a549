package crisis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/crisis/detect"
	"github.com/cmkit/cmkit/roles"
)

// Authority is what the service needs from the team: permission checks
// for the acting member of a context. *roles.Directory implements it.
type Authority interface {
	// Check returns nil when the acting member of ctx may do p on r, and
	// otherwise an error wrapping cmkit.ErrForbidden.
	Check(ctx context.Context, p roles.Permission, r roles.Resource) error
}

var _ Authority = (*roles.Directory)(nil)

// DefaultRunInterval is how often Run repeats Step unless WithRunInterval
// says otherwise.
const DefaultRunInterval = 15 * time.Second

// Service runs a brand's incidents under its plan: it opens them from
// alerts or declarations, runs the entry actions of their levels, pages
// and escalates from the store on its clock, and undoes the actions on
// resolution. Every change is one Store.Commit fenced by the incident's
// Version, so several services may share one store.
type Service struct {
	store    Store
	plan     *Plan
	ref      PlanRef
	team     Authority
	approver StatementApprover
	stPub    StatementPublisher
	clock    cmkit.Clock
	notifier Notifier
	pub      Publishing
	mod      Moderation
	style    StyleGuide
	log      *slog.Logger
	runEvery time.Duration
	roleSet  *roles.RoleSet
}

// Option configures a Service.
type Option func(*Service) error

// WithPlan sets the plan the service runs (required). New validates it
// against the role set of WithRoleSet, or the built-in roles.
func WithPlan(p Plan) Option {
	return func(s *Service) error {
		s.plan = &p
		return nil
	}
}

// WithRoleSet sets the roles the plan's responders and approvals may
// name, for a team with roles of its own (default roles.NewRoleSet()).
func WithRoleSet(rs *roles.RoleSet) Option {
	return func(s *Service) error {
		if rs == nil {
			return cmkit.Invalid("WithRoleSet", "required", "nil RoleSet")
		}
		s.roleSet = rs
		return nil
	}
}

// WithTeam sets who may declare, acknowledge, escalate and resolve.
// Without it, every call that acts for a member fails with an error
// wrapping cmkit.ErrForbidden. When a also implements StatementApprover
// (*roles.Directory does), it judges statements' approvals too.
func WithTeam(a Authority) Option {
	return func(s *Service) error {
		if a == nil {
			return cmkit.Invalid("WithTeam", "required", "nil Authority")
		}
		s.team = a
		s.approver, _ = a.(StatementApprover)
		return nil
	}
}

// WithClock sets the clock that timestamps and page schedules run on
// (default the system clock).
func WithClock(c cmkit.Clock) Option {
	return func(s *Service) error {
		if c == nil {
			return cmkit.Invalid("WithClock", "required", "nil Clock")
		}
		s.clock = c
		return nil
	}
}

// WithNotifier sets how pages are sent (required).
func WithNotifier(n Notifier) Option {
	return func(s *Service) error {
		if n == nil {
			return cmkit.Invalid("WithNotifier", "required", "nil Notifier")
		}
		s.notifier = n
		return nil
	}
}

// WithPublishing sets what pauses publishing (required when a level
// pauses it).
func WithPublishing(p Publishing) Option {
	return func(s *Service) error {
		if p == nil {
			return cmkit.Invalid("WithPublishing", "required", "nil Publishing")
		}
		s.pub = p
		return nil
	}
}

// WithModeration sets what switches moderation rule sets (required when a
// level switches them).
func WithModeration(m Moderation) Option {
	return func(s *Service) error {
		if m == nil {
			return cmkit.Invalid("WithModeration", "required", "nil Moderation")
		}
		s.mod = m
		return nil
	}
}

// WithStyleGuide sets what turns the style guide's crisis mode on and off
// (required when a level turns it on).
func WithStyleGuide(g StyleGuide) Option {
	return func(s *Service) error {
		if g == nil {
			return cmkit.Invalid("WithStyleGuide", "required", "nil StyleGuide")
		}
		s.style = g
		return nil
	}
}

// WithLogger sets the logger for what fails in the background (default
// slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(s *Service) error {
		if l == nil {
			return cmkit.Invalid("WithLogger", "required", "nil Logger")
		}
		s.log = l
		return nil
	}
}

// WithRunInterval sets how often Run repeats Step (default
// DefaultRunInterval); it must be positive.
func WithRunInterval(d time.Duration) Option {
	return func(s *Service) error {
		if d <= 0 {
			return cmkit.Invalid("WithRunInterval", "range", "%v is not positive", d)
		}
		s.runEvery = d
		return nil
	}
}

// New returns a service over store. WithPlan and WithNotifier are
// required, and so is each of WithPublishing, WithModeration and
// WithStyleGuide that the plan's entry actions need.
func New(store Store, opts ...Option) (*Service, error) {
	if store == nil {
		return nil, cmkit.Invalid("store", "required", "nil Store")
	}
	s := &Service{store: store, clock: cmkit.SystemClock(), log: slog.Default(), runEvery: DefaultRunInterval}
	for _, o := range opts {
		if err := o(s); err != nil {
			return nil, err
		}
	}
	switch {
	case s.plan == nil:
		return nil, cmkit.Invalid("WithPlan", "required", "a service needs a plan")
	case s.notifier == nil:
		return nil, cmkit.Invalid("WithNotifier", "required", "a service needs a notifier to page")
	}
	if err := s.plan.Validate(s.roleSet); err != nil {
		return nil, err
	}
	for _, l := range s.plan.Levels {
		switch {
		case l.OnEntry.PausePublishing != nil && s.pub == nil:
			return nil, cmkit.Invalid("WithPublishing", "required", "level %q pauses publishing", l.Name)
		case l.OnEntry.ModerationRules != "" && s.mod == nil:
			return nil, cmkit.Invalid("WithModeration", "required", "level %q switches moderation", l.Name)
		case l.OnEntry.StyleGuideCrisis && s.style == nil:
			return nil, cmkit.Invalid("WithStyleGuide", "required", "level %q sets style guide crisis mode", l.Name)
		}
	}
	s.ref = s.plan.Ref()
	return s, nil
}

// authorize returns the acting member of ctx when the team lets them do p
// on the plan's brand.
func (s *Service) authorize(ctx context.Context, p roles.Permission) (string, error) {
	return s.authorizeOn(ctx, p, roles.Resource{Brand: s.plan.Brand})
}

// authorizeOn returns the acting member of ctx when the team lets them do
// p on r.
func (s *Service) authorizeOn(ctx context.Context, p roles.Permission, r roles.Resource) (string, error) {
	if s.team == nil {
		return "", fmt.Errorf("crisis: %s: no team to check it against: %w", p, cmkit.ErrForbidden)
	}
	member, ok := roles.ActorFrom(ctx)
	if !ok {
		return "", fmt.Errorf("crisis: %s: no acting member: %w", p, cmkit.ErrForbidden)
	}
	if err := s.team.Check(ctx, p, r); err != nil {
		return "", err
	}
	return member, nil
}

// entry returns a timeline entry of inc.
func entry(inc *Incident, now time.Time, kind TimelineKind, actor, text string) TimelineEntry {
	return TimelineEntry{ID: cmkit.NewID(), Incident: inc.ID, At: now, Kind: kind, Actor: actor, Level: inc.Level, Text: text}
}

// Declare opens an incident at the named level for the acting member of
// ctx, who needs roles.DeclareCrisis on the plan's brand. It runs the
// level's entry actions and pages its responders.
func (s *Service) Declare(ctx context.Context, level, title string) (Incident, error) {
	member, err := s.authorize(ctx, roles.DeclareCrisis)
	if err != nil {
		return Incident{}, err
	}
	idx := s.plan.LevelIndex(level)
	switch {
	case idx < 0:
		return Incident{}, cmkit.Invalid("level", "unknown", "plan %q has no level %q", s.plan.ID, level)
	case strings.TrimSpace(title) == "":
		return Incident{}, cmkit.Invalid("title", "required", "say what happened")
	}
	return s.open(ctx, cmkit.NewID(), idx, title, "declared:"+member, member, TimelineDeclared, title)
}

// Open opens an incident from a detector's breakout, at the most severe
// level whose entry criteria the breakout's peak meets (Plan.LevelFor:
// volume ratio PeakTotal/PeakExpected, negative share
// PeakNegative/PeakTotal). It returns false, and opens nothing, when no
// level applies. The same breakout (its Key and Seq) given again while its
// incident is open returns that incident and runs nothing.
func (s *Service) Open(ctx context.Context, b detect.Breakout) (Incident, bool, error) {
	ratio, share := 0.0, 0.0
	if b.PeakExpected > 0 {
		ratio = float64(b.PeakTotal) / b.PeakExpected
	} else if b.PeakTotal > 0 {
		ratio = math.Inf(1)
	}
	if b.PeakTotal > 0 {
		share = float64(b.PeakNegative) / float64(b.PeakTotal)
	}
	lvl, ok := s.plan.LevelFor(ratio, share)
	if !ok {
		return Incident{}, false, nil
	}
	source := fmt.Sprintf("detect:%s#%d", b.Key, b.Seq)
	open, err := s.store.Incidents(ctx, s.plan.Brand)
	if err != nil {
		return Incident{}, false, err
	}
	for _, inc := range open {
		if inc.Source == source && !inc.State.Closed() {
			return inc, true, nil
		}
	}
	title := fmt.Sprintf("%s breakout on %s", b.Kind, b.Key)
	text := fmt.Sprintf("%s: %d mentions against %.1f expected (x%.2f), %.0f%% negative, score %.1f",
		title, b.PeakTotal, b.PeakExpected, ratio, 100*share, b.Score)
	// One breakout, one incident ID: two services given the same breakout
	// at once create one incident, and the one refused gives back what
	// its entry actions took.
	id := uuid.NewSHA1(breakoutSpace, fmt.Appendf(nil, "%s\x00%s\x00%d", s.plan.Brand, source, b.Opened.UnixNano()))
	inc, err := s.open(ctx, id, s.plan.LevelIndex(lvl.Name), title, source, "", TimelineAlert, text)
	if errors.Is(err, cmkit.ErrConflict) {
		if got, gerr := s.store.Incident(ctx, id); gerr == nil {
			return got, true, nil
		}
	}
	return inc, err == nil, err
}

// breakoutSpace is the UUID namespace of incidents opened from breakouts.
var breakoutSpace = uuid.MustParse("5c1c6a52-7f3e-4a43-9b8e-2f2a1c0d6e11")

// open creates an incident at level idx, runs the level's entry actions,
// stores it, and sends its first pages.
func (s *Service) open(ctx context.Context, id uuid.UUID, idx int, title, source, actor string, kind TimelineKind, text string) (Incident, error) {
	now := s.clock.Now()
	inc := Incident{ID: id, Brand: s.plan.Brand, Plan: s.ref, Title: title, State: IncidentDetected,
		Source: source, OpenedAt: now}
	setLevel(&inc, &s.plan.Levels[idx], now)
	entries := []TimelineEntry{entry(&inc, now, kind, actor, text)}
	undo, acts, notices := s.runEntryActions(ctx, &inc, &s.plan.Levels[idx], now)
	mergeUndo(&inc.Undo, undo)
	inc.Unsent = append(inc.Unsent, notices...)
	inc.NextPage = nextDue(&inc)
	if err := s.store.Commit(ctx, inc, append(entries, acts...)...); err != nil {
		if _, uerr := s.undo(ctx, &inc, now); uerr != nil {
			s.log.WarnContext(ctx, "crisis: undoing the entry actions of an incident not stored failed", "err", uerr)
		}
		return Incident{}, err
	}
	inc.Version = 1
	return s.pageDue(ctx, inc, now)
}

// setLevel puts inc at level l from now: its paging schedule starts over
// (the responders at once, each escalation step After from now) and it
// waits for a new acknowledgement.
func setLevel(inc *Incident, l *Level, now time.Time) {
	inc.Level, inc.LevelAt, inc.AckedAt, inc.AckedBy = l.Name, now, time.Time{}, ""
	inc.Pages = append(inc.Pages[:0], PageSchedule{Step: -1, Next: now})
	for i, st := range l.Escalation {
		inc.Pages = append(inc.Pages, PageSchedule{Step: i, Next: now.Add(st.After.D())})
	}
	inc.NextPage = nextPage(inc.Pages)
}

// nextPage returns the earliest Next of pages, zero when none is set.
func nextPage(pages []PageSchedule) time.Time {
	var next time.Time
	for _, p := range pages {
		if !p.Next.IsZero() && (next.IsZero() || p.Next.Before(next)) {
			next = p.Next
		}
	}
	return next
}

// runEntryActions runs l's entry actions for inc and returns what they
// did, to merge into inc.Undo, their timeline entries, and the notice to
// customer service to add to inc.Unsent. A failed action is recorded and
// does not stop the others.
func (s *Service) runEntryActions(ctx context.Context, inc *Incident, l *Level, now time.Time) (Undo, []TimelineEntry, []UnsentPage) {
	var u Undo
	var out []TimelineEntry
	note := func(err error, format string, args ...any) {
		if err != nil {
			out = append(out, entry(inc, now, TimelineActionFailed, "", fmt.Sprintf(format, args...)+": "+err.Error()))
			return
		}
		out = append(out, entry(inc, now, TimelineAction, "", fmt.Sprintf(format, args...)))
	}
	a := l.OnEntry
	if p := a.PausePublishing; p != nil {
		id, err := s.pub.Pause(ctx, inc.Brand, p.Channels, fmt.Sprintf("crisis incident %s: %s", inc.ID, inc.Title))
		if err == nil {
			u.Pauses = append(u.Pauses, PauseHandle{ID: id, Missed: p.Missed})
		}
		on := "every channel of the brand"
		if len(p.Channels) > 0 {
			on = "channels " + strings.Join(p.Channels, ", ")
		}
		note(err, "paused publishing %q on %s", id, on)
	}
	if a.ModerationRules != "" {
		prev, err := s.mod.SwitchRuleSet(ctx, inc.Brand, a.ModerationRules)
		if err == nil {
			u.Moderation, u.PreviousRules = true, prev
		}
		note(err, "switched moderation to %q from %q", a.ModerationRules, prev)
	}
	if a.StyleGuideCrisis && !inc.Undo.StyleGuideCrisis {
		err := s.style.SetCrisisMode(ctx, inc.Brand, true)
		u.StyleGuideCrisis = err == nil
		note(err, "style guide crisis mode on")
	}
	var notices []UnsentPage
	if a.NotifyCustomerService != "" {
		// Sent with the pages, once the incident is stored: recorded, and
		// retried, as they are.
		to := Responder{Role: roles.CustomerService, Scope: roles.Scope{Brand: inc.Brand}}
		note(nil, "customer service to be notified")
		notices = append(notices, UnsentPage{ID: out[len(out)-1].ID, To: to, Message: a.NotifyCustomerService, RetryAt: now})
	}
	return u, out, notices
}

// mergeUndo adds what a level's entry actions did to u. Moderation keeps
// the rule set from before the first switch.
func mergeUndo(u *Undo, add Undo) {
	u.Pauses = append(u.Pauses, add.Pauses...)
	if add.Moderation && !u.Moderation {
		u.Moderation, u.PreviousRules = true, add.PreviousRules
	}
	u.StyleGuideCrisis = u.StyleGuideCrisis || add.StyleGuideCrisis
}

// undo undoes what inc.Undo records: resumes each pause with its
// missed-post policy, switches moderation back, turns crisis mode off. It
// removes from inc.Undo what it undid, and returns the timeline entries
// and the failures joined.
func (s *Service) undo(ctx context.Context, inc *Incident, now time.Time) ([]TimelineEntry, error) {
	var out []TimelineEntry
	var errs []error
	note := func(err error, text string) {
		if err != nil {
			errs = append(errs, fmt.Errorf("crisis: %s: %w", text, err))
			out = append(out, entry(inc, now, TimelineActionFailed, "", text+": "+err.Error()))
			return
		}
		out = append(out, entry(inc, now, TimelineAction, "", text))
	}
	var kept []PauseHandle
	for _, p := range inc.Undo.Pauses {
		err := s.pub.Resume(ctx, p.ID, p.Missed)
		if err != nil {
			kept = append(kept, p)
		}
		note(err, fmt.Sprintf("resumed publishing %q, missed posts: %s", p.ID, p.Missed))
	}
	inc.Undo.Pauses = kept
	if inc.Undo.Moderation {
		prev := inc.Undo.PreviousRules
		_, err := s.mod.SwitchRuleSet(ctx, inc.Brand, prev)
		if err == nil {
			inc.Undo.Moderation, inc.Undo.PreviousRules = false, ""
		}
		note(err, fmt.Sprintf("switched moderation back to %q", prev))
	}
	if inc.Undo.StyleGuideCrisis {
		err := s.style.SetCrisisMode(ctx, inc.Brand, false)
		inc.Undo.StyleGuideCrisis = err != nil
		note(err, "style guide crisis mode off")
	}
	return out, errors.Join(errs...)
}

// ResolveLease is how long a Resolve may take to undo an incident's entry
// actions before another Resolve may take over.
const ResolveLease = 2 * time.Minute

// maxRetries bounds how often a change is retried on a version conflict.
const maxRetries = 8

// update reads incident id, lets change modify it and commits it with the
// entries change returns, re-reading and retrying on a version conflict.
// change must have no side effects: it may run more than once. When it
// returns no entries, nothing is written.
func (s *Service) update(ctx context.Context, id uuid.UUID, change func(inc *Incident, now time.Time) ([]TimelineEntry, error)) (Incident, error) {
	for range maxRetries {
		inc, err := s.store.Incident(ctx, id)
		if err != nil {
			return Incident{}, err
		}
		now := s.clock.Now()
		entries, err := change(&inc, now)
		if err != nil || len(entries) == 0 {
			return inc, err
		}
		err = s.store.Commit(ctx, inc, entries...)
		if errors.Is(err, cmkit.ErrConflict) {
			continue
		}
		if err != nil {
			return Incident{}, err
		}
		inc.Version++
		return inc, nil
	}
	return Incident{}, fmt.Errorf("crisis: incident %s: %w: too many concurrent changes", id, cmkit.ErrConflict)
}

// stillOpen checks that inc is not over.
func stillOpen(inc *Incident) error {
	if inc.State.Closed() {
		return cmkit.Invalid("incident.state", "open", "incident %s is %s", inc.ID, inc.State)
	}
	return nil
}

// Acknowledge records that the acting member of ctx (who needs
// roles.DeclareCrisis) took the incident at its current level: its pages
// and escalation stop. Acknowledging an acknowledged level changes
// nothing.
func (s *Service) Acknowledge(ctx context.Context, id uuid.UUID) (Incident, error) {
	member, err := s.authorize(ctx, roles.DeclareCrisis)
	if err != nil {
		return Incident{}, err
	}
	return s.update(ctx, id, func(inc *Incident, now time.Time) ([]TimelineEntry, error) {
		if err := stillOpen(inc); err != nil || !inc.AckedAt.IsZero() {
			return nil, err
		}
		inc.AckedAt, inc.AckedBy = now, member
		for i := range inc.Pages {
			inc.Pages[i].Next = time.Time{}
		}
		inc.NextPage = nextDue(inc) // pages recorded before still go out
		if inc.State == IncidentDetected {
			inc.State = IncidentAcknowledged
		}
		return []TimelineEntry{entry(inc, now, TimelineAcknowledged, member,
			fmt.Sprintf("acknowledged after %v", now.Sub(inc.LevelAt)))}, nil
	})
}

// ChangeLevel moves the incident to another level of the plan, for the
// acting member of ctx (who needs roles.EscalateCrisis): the new level's
// entry actions run, its responders are paged, and its acknowledgement
// deadline and escalation start from now. Moving to a less severe level
// undoes nothing; Resolve undoes every level's actions. Drafted and
// approved statements are judged again against the new level's approval
// chain (see ApproveStatement).
func (s *Service) ChangeLevel(ctx context.Context, id uuid.UUID, level, reason string) (Incident, error) {
	member, err := s.authorize(ctx, roles.EscalateCrisis)
	if err != nil {
		return Incident{}, err
	}
	idx := s.plan.LevelIndex(level)
	if idx < 0 {
		return Incident{}, cmkit.Invalid("level", "unknown", "plan %q has no level %q", s.plan.ID, level)
	}
	cur, err := s.store.Incident(ctx, id)
	if err != nil {
		return Incident{}, err
	}
	if err := stillOpen(&cur); err != nil {
		return Incident{}, err
	}
	if cur.Level == level {
		return Incident{}, cmkit.Invalid("level", "same", "incident %s is at %q already", id, level)
	}
	l := &s.plan.Levels[idx]
	undo, acts, notices := s.runEntryActions(ctx, &cur, l, s.clock.Now())
	inc, err := s.update(ctx, id, func(inc *Incident, now time.Time) ([]TimelineEntry, error) {
		if err := stillOpen(inc); err != nil {
			return nil, err
		}
		if inc.Resolving.After(now) {
			return nil, fmt.Errorf("crisis: incident %s is being resolved: %w", inc.ID, cmkit.ErrConflict)
		}
		from := inc.Level
		setLevel(inc, l, now)
		mergeUndo(&inc.Undo, undo)
		inc.Unsent = append(inc.Unsent, notices...)
		inc.NextPage = nextDue(inc)
		out := []TimelineEntry{entry(inc, now, TimelineLevel, member, fmt.Sprintf("level %s → %s: %s", from, level, reason))}
		for _, a := range acts {
			a.Level = level
			out = append(out, a)
		}
		return append(out, s.rejudgeStatements(ctx, inc, now)...), nil
	})
	if err != nil {
		// Give back what the actions took; the incident did not move.
		tmp := Incident{ID: id, Brand: s.plan.Brand, Undo: undo}
		if _, uerr := s.undo(ctx, &tmp, s.clock.Now()); uerr != nil {
			s.log.WarnContext(ctx, "crisis: undoing the entry actions of a refused level change failed", "err", uerr)
		}
		return Incident{}, err
	}
	return s.pageDue(ctx, inc, s.clock.Now())
}

// Advance moves the incident to IncidentResponding or
// IncidentMonitoring, forward only, for the acting member of ctx (who
// needs roles.DeclareCrisis).
func (s *Service) Advance(ctx context.Context, id uuid.UUID, state IncidentState, note string) (Incident, error) {
	member, err := s.authorize(ctx, roles.DeclareCrisis)
	if err != nil {
		return Incident{}, err
	}
	if state != IncidentResponding && state != IncidentMonitoring {
		return Incident{}, cmkit.Invalid("state", "enum", "Advance moves to %q or %q, not %q",
			IncidentResponding, IncidentMonitoring, state)
	}
	return s.update(ctx, id, func(inc *Incident, now time.Time) ([]TimelineEntry, error) {
		if err := stillOpen(inc); err != nil {
			return nil, err
		}
		if state.rank() <= inc.State.rank() {
			return nil, cmkit.Invalid("state", "forward", "incident %s is %s already", inc.ID, inc.State)
		}
		inc.State = state
		e := entry(inc, now, TimelineState, member, note)
		e.State = state
		return []TimelineEntry{e}, nil
	})
}

// Note adds a note to the incident's timeline (TimelineNote), for the
// acting member of ctx (who needs roles.DeclareCrisis). Statements have
// their own steps: DraftStatement, ApproveStatement, PublishStatement.
func (s *Service) Note(ctx context.Context, id uuid.UUID, text string) error {
	member, err := s.authorize(ctx, roles.DeclareCrisis)
	if err != nil {
		return err
	}
	if strings.TrimSpace(text) == "" {
		return cmkit.Invalid("text", "required", "an empty note")
	}
	_, err = s.update(ctx, id, func(inc *Incident, now time.Time) ([]TimelineEntry, error) {
		return []TimelineEntry{entry(inc, now, TimelineNote, member, text)}, nil
	})
	return err
}

// Resolve ends the incident for the acting member of ctx (who needs
// roles.ResolveCrisis): it resumes the publishing its levels paused, each
// with its MissedPosts policy, switches moderation back to the rule set
// from before the crisis, turns the style guide's crisis mode off, and
// stops its pages. If an undo fails, the incident stays open with what is
// left to undo, and Resolve may be called again.
func (s *Service) Resolve(ctx context.Context, id uuid.UUID, note string) (Incident, error) {
	member, err := s.authorize(ctx, roles.ResolveCrisis)
	if err != nil {
		return Incident{}, err
	}
	// Claim the undoing in a fenced write first: two calls never undo
	// twice, and a level change cannot add actions the undoing would miss.
	claimed, err := s.update(ctx, id, func(inc *Incident, now time.Time) ([]TimelineEntry, error) {
		if err := stillOpen(inc); err != nil {
			return nil, err
		}
		if inc.Resolving.After(now) {
			return nil, fmt.Errorf("crisis: incident %s is being resolved (until %s): %w", inc.ID,
				inc.Resolving.Format(time.RFC3339), cmkit.ErrConflict)
		}
		inc.Resolving = now.Add(ResolveLease)
		return []TimelineEntry{entry(inc, now, TimelineAction, member, "resolving: undoing the entry actions")}, nil
	})
	if err != nil {
		return Incident{}, err
	}
	undone := claimed.Clone()
	acts, uerr := s.undo(ctx, &undone, s.clock.Now())
	inc, err := s.update(ctx, id, func(inc *Incident, now time.Time) ([]TimelineEntry, error) {
		if !inc.Resolving.Equal(claimed.Resolving) {
			return nil, fmt.Errorf("crisis: incident %s: resolving took longer than %v and was taken over: %w", inc.ID,
				ResolveLease, cmkit.ErrConflict)
		}
		inc.Undo, inc.Resolving = undone.Undo, time.Time{}
		out := slices.Clone(acts)
		if uerr == nil {
			inc.State, inc.ResolvedAt = IncidentResolved, now
			inc.Pages, inc.Unsent = nil, nil
			inc.NextPage = nextDue(inc) // statements left publishing
			e := entry(inc, now, TimelineState, member, note)
			e.State = IncidentResolved
			out = append(out, e)
		}
		return out, nil
	})
	return inc, errors.Join(uerr, err)
}

// RecordReview records the post-incident review of a resolved incident,
// for the acting member of ctx (who needs roles.ResolveCrisis), and moves
// it to IncidentReviewed. r.By and r.At are set by the service.
func (s *Service) RecordReview(ctx context.Context, id uuid.UUID, r Review) (Incident, error) {
	member, err := s.authorize(ctx, roles.ResolveCrisis)
	if err != nil {
		return Incident{}, err
	}
	if strings.TrimSpace(r.Summary) == "" {
		return Incident{}, cmkit.Invalid("review.summary", "required", "a review needs a summary")
	}
	return s.update(ctx, id, func(inc *Incident, now time.Time) ([]TimelineEntry, error) {
		if inc.State != IncidentResolved {
			return nil, cmkit.Invalid("incident.state", "resolved", "incident %s is %s, not resolved", inc.ID, inc.State)
		}
		rv := r
		rv.By, rv.At = member, now
		inc.State = IncidentReviewed
		inc.Review = &rv
		*inc = inc.Clone()
		e := entry(inc, now, TimelineReview, member, r.Summary)
		e.State = IncidentReviewed
		return []TimelineEntry{e}, nil
	})
}
