package crisis

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/crisis/detect"
	"github.com/cmkit/cmkit/roles"
)

// Scenario scripts a drill: the mentions of one series, bucket by bucket
// on simulated time, with the surges that make up the storm, and what the
// team does when. Offsets (At, For, Length) count from Start. A scenario
// is a Go value or JSON (ParseScenario).
type Scenario struct {
	// Name says what is rehearsed ("a checkout outage on a Monday").
	Name string `json:"name"`
	// Start is when the drill begins, on a bucket boundary (whole minutes
	// for the default detector). The detector has learned the usual
	// traffic for its warm-up and a day before it.
	Start time.Time `json:"start"`
	// Length is how long the drill runs, at most a week.
	Length Delay `json:"length"`
	// Series names the series watched, as a detector key ("acme/x").
	Series string `json:"series"`
	// Mentions is the usual number of mentions per minute (more than 0).
	Mentions float64 `json:"mentions_per_minute"`
	// NegativeShare is the usual share of negative mentions, from 0 to 1.
	NegativeShare float64 `json:"negative_share"`
	// Hourly, when set, holds 24 factors of Mentions by hour of the day
	// in Start's location (a lunch peak, a quiet night); empty means flat.
	Hourly []float64 `json:"hourly,omitempty"`
	// Surges change the traffic for a while.
	Surges []Surge `json:"surges,omitempty"`
	// Actions are what people do, in the order of their At.
	Actions []DrillAction `json:"actions,omitempty"`
	// Seed makes the counts: the same scenario and seed draw the same
	// mentions, so a drill can be run again after the plan changed.
	Seed uint64 `json:"seed"`
}

// Surge multiplies the usual mentions for a while, and may change their
// negative share.
type Surge struct {
	// At is when it starts, from the scenario's Start.
	At Delay `json:"at"`
	// For is how long it lasts (more than 0).
	For Delay `json:"for"`
	// Volume multiplies the usual mentions (1 keeps them).
	Volume float64 `json:"volume"`
	// NegativeShare is the share of negative mentions during the surge,
	// from 0 to 1; 0 keeps the usual share.
	NegativeShare float64 `json:"negative_share,omitempty"`
	// Announced tells the detector in advance, as a campaign is: the
	// surge should not page anyone.
	Announced bool `json:"announced,omitempty"`
}

// DrillVerb is what a scripted person does.
type DrillVerb string

// The things a person can do in a drill. Except for DrillDeclare, each
// acts on the incident opened last that is still open.
const (
	// DrillDeclare declares an incident at Level, titled Text.
	DrillDeclare DrillVerb = "declare"
	// DrillAcknowledge acknowledges the incident.
	DrillAcknowledge DrillVerb = "acknowledge"
	// DrillChangeLevel moves it to Level, for the reason in Text.
	DrillChangeLevel DrillVerb = "level"
	// DrillAdvance moves it to State, noting Text.
	DrillAdvance DrillVerb = "state"
	// DrillNote adds Text to its timeline.
	DrillNote DrillVerb = "note"
	// DrillResolve resolves it, noting Text.
	DrillResolve DrillVerb = "resolve"
)

// DrillAction is one scripted step of a person.
type DrillAction struct {
	// At is when, from the scenario's Start (before its end).
	At Delay `json:"at"`
	// Member is who acts; with a team, their grants decide whether they
	// may.
	Member string `json:"member"`
	// Do is what they do.
	Do DrillVerb `json:"do"`
	// Level is the level to declare or move to.
	Level string `json:"level,omitempty"`
	// State is the state to move to.
	State IncidentState `json:"state,omitempty"`
	// Text is the title, reason or note.
	Text string `json:"text,omitempty"`
}

// Drill runs a plan against a scenario on simulated time, the way a team
// rehearses it: a detector learns the usual traffic, the scenario's surges
// break out, the service opens incidents, pages, escalates and runs the
// plan's entry actions against recording stand-ins for publishing,
// moderation, the style guide and the pager, and the scripted people act
// on time. Nothing real is paged or paused. Run returns the report.
type Drill struct {
	// Plan is the plan rehearsed (required).
	Plan Plan
	// Scenario is the script (required).
	Scenario Scenario
	// Team, when set, decides whether each scripted member may do what
	// they do (a *roles.Directory); a refusal is a problem in the report.
	// Without it everyone may do everything.
	Team Authority
	// Roles are the roles the plan may name (nil: the built-in roles).
	Roles *roles.RoleSet
	// Detector configures the detector; the zero value is the default.
	Detector detect.WatcherConfig
}

// DrillReport is what a drill found: when the storm was detected, who was
// paged when, how long acknowledgement took, which entry actions ran, what
// was paused and resumed, and what went wrong.
type DrillReport struct {
	// Scenario is the scenario's name; Plan the plan's version.
	Scenario string  `json:"scenario"`
	Plan     PlanRef `json:"plan"`
	// Start and End bound the drill.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Bucket is the detector's bucket width.
	Bucket time.Duration `json:"bucket"`
	// SurgeAt is when the first surge not announced began; zero when the
	// scenario has none.
	SurgeAt time.Time `json:"surge_at,omitzero"`
	// DetectedAt is the start of the bucket whose breakout opened the
	// first incident; zero when none did.
	DetectedAt time.Time `json:"detected_at,omitzero"`
	// Alerts are the detector's breakouts during the drill.
	Alerts []detect.Breakout `json:"alerts,omitempty"`
	// Incidents are the incidents opened during the drill as they ended
	// it, oldest first.
	Incidents []Incident `json:"incidents,omitempty"`
	// Pages are the pages sent, in order.
	Pages []DrillPage `json:"pages,omitempty"`
	// Calls are the calls made to publishing, moderation and the style
	// guide, in order: what was paused, switched and resumed.
	Calls []DrillCall `json:"calls,omitempty"`
	// Timeline holds every incident's timeline entries, in order.
	Timeline []TimelineEntry `json:"timeline,omitempty"`
	// Problems are what a team should look at: a surge not detected, an
	// alert before any surge or during an announced one, a breakout no
	// level applied to, a scripted step refused or with nothing to act
	// on, an acknowledgement after the plan's deadline, an incident
	// still open at the end.
	Problems []string `json:"problems,omitempty"`
	// TeamChecked is false when the drill ran without a team, so nobody's
	// permissions were checked.
	TeamChecked bool `json:"team_checked"`
}

// DrillPage is one page sent during a drill.
type DrillPage struct {
	// At is when it was sent.
	At time.Time `json:"at"`
	// Incident is the incident paged for, and Level its level then.
	Incident uuid.UUID `json:"incident"`
	Level    string    `json:"level"`
	// Step is the escalation step, -1 for the level's responders.
	Step int `json:"step"`
	// To is who was paged.
	To Responder `json:"to"`
}

// DrillCall is one call the plan's actions made during a drill.
type DrillCall struct {
	// At is when it was made.
	At time.Time `json:"at"`
	// What says what was done, as "pause publishing of acme on acme-x
	// (pause-1)".
	What string `json:"what"`
}

// maxDrillBuckets bounds a drill's buckets, warm-up included.
const maxDrillBuckets = 4 << 20

// validate checks the scenario against the plan (when not nil) and the
// bucket width.
func (sc *Scenario) validate(p *Plan, bucket time.Duration) error {
	switch {
	case strings.TrimSpace(sc.Name) == "":
		return cmkit.Invalid("scenario.name", "required", "name the scenario")
	case sc.Start.IsZero():
		return cmkit.Invalid("scenario.start", "required", "a drill needs a start")
	case sc.Start.UnixNano()%int64(bucket) != 0:
		return cmkit.Invalid("scenario.start", "bucket", "%s is not on a %v boundary", sc.Start.Format(time.RFC3339Nano), bucket)
	case sc.Length == badDelay || sc.Length <= 0 || sc.Length.D() > 7*24*time.Hour:
		return cmkit.Invalid("scenario.length", "range", "length %v is not in (0, 168h]", sc.Length)
	case strings.TrimSpace(sc.Series) == "":
		return cmkit.Invalid("scenario.series", "required", "name the series watched")
	case !(sc.Mentions > 0 && sc.Mentions <= 1e6):
		return cmkit.Invalid("scenario.mentions_per_minute", "range", "%v mentions a minute is not in (0, 1e6]", sc.Mentions)
	case !(sc.NegativeShare >= 0 && sc.NegativeShare <= 1):
		return cmkit.Invalid("scenario.negative_share", "range", "share %v is not in [0, 1]", sc.NegativeShare)
	case len(sc.Hourly) != 0 && len(sc.Hourly) != 24:
		return cmkit.Invalid("scenario.hourly", "length", "%d factors, want 24 or none", len(sc.Hourly))
	}
	for i, f := range sc.Hourly {
		if !(f >= 0 && f <= 100) {
			return cmkit.Invalid(fmt.Sprintf("scenario.hourly[%d]", i), "range", "factor %v is not in [0, 100]", f)
		}
	}
	for i := range sc.Surges {
		s := &sc.Surges[i]
		field := fmt.Sprintf("scenario.surges[%d]", i)
		switch {
		case s.At == badDelay || s.At < 0 || s.At >= sc.Length:
			return cmkit.Invalid(field+".at", "range", "%v is not within the drill's %v", s.At, sc.Length)
		case s.For == badDelay || s.For <= 0 || s.For > sc.Length:
			return cmkit.Invalid(field+".for", "range", "%v is not in (0, %v]", s.For, sc.Length)
		case !(s.Volume > 0 && s.Volume <= 1000):
			return cmkit.Invalid(field+".volume", "range", "multiplier %v is not in (0, 1000]", s.Volume)
		case !(s.NegativeShare >= 0 && s.NegativeShare <= 1):
			return cmkit.Invalid(field+".negative_share", "range", "share %v is not in [0, 1]", s.NegativeShare)
		case s.Announced && s.Volume < 1:
			return cmkit.Invalid(field+".volume", "announced", "an announced surge multiplies by 1 or more, not %v", s.Volume)
		}
	}
	for i := range sc.Actions {
		a := &sc.Actions[i]
		field := fmt.Sprintf("scenario.actions[%d]", i)
		if a.At == badDelay || a.At < 0 || a.At >= sc.Length {
			return cmkit.Invalid(field+".at", "range", "%v is not within the drill's %v", a.At, sc.Length)
		}
		if err := checkName(field+".member", a.Member); err != nil {
			return err
		}
		switch a.Do {
		case DrillDeclare, DrillChangeLevel:
			if strings.TrimSpace(a.Level) == "" {
				return cmkit.Invalid(field+".level", "required", "name the level")
			}
			if p != nil && p.LevelIndex(a.Level) < 0 {
				return cmkit.Invalid(field+".level", "unknown", "plan %q has no level %q", p.ID, a.Level)
			}
			if a.Do == DrillDeclare && strings.TrimSpace(a.Text) == "" {
				return cmkit.Invalid(field+".text", "required", "a declaration needs a title")
			}
		case DrillAdvance:
			if !slices.Contains([]IncidentState{IncidentResponding, IncidentMonitoring}, a.State) {
				return cmkit.Invalid(field+".state", "oneof", "%q is not responding or monitoring", a.State)
			}
		case DrillNote:
			if strings.TrimSpace(a.Text) == "" {
				return cmkit.Invalid(field+".text", "required", "a note needs text")
			}
		case DrillAcknowledge, DrillResolve:
		default:
			return cmkit.Invalid(field+".do", "oneof", "%q is not declare, acknowledge, level, state, note or resolve", a.Do)
		}
	}
	return nil
}

// Run runs the drill and returns its report. It returns an error, and no
// report, only when the plan, the scenario or the detector configuration
// is invalid (wrapping cmkit.ErrInvalid) or ctx ends; everything that goes
// wrong inside the drill is a problem in the report.
func (d Drill) Run(ctx context.Context) (DrillReport, error) {
	sc := d.Scenario
	sc.Surges = slices.Clone(sc.Surges)
	sc.Actions = slices.Clone(sc.Actions)
	slices.SortStableFunc(sc.Actions, func(a, b DrillAction) int { return cmp.Compare(a.At, b.At) })
	if err := d.Plan.Validate(d.Roles); err != nil {
		return DrillReport{}, err
	}
	w, err := detect.NewWatcher(d.Detector)
	if err != nil {
		return DrillReport{}, err
	}
	cfg := w.Config()
	if err := sc.validate(&d.Plan, cfg.Bucket); err != nil {
		return DrillReport{}, err
	}
	warmStart := sc.Start.Add(-cfg.Warmup - 24*time.Hour).Truncate(cfg.Bucket)
	end := sc.Start.Add(sc.Length.D())
	if n := end.Sub(warmStart) / cfg.Bucket; n > maxDrillBuckets {
		return DrillReport{}, cmkit.Invalid("scenario.length", "max", "%d buckets with the warm-up, at most %d", n, maxDrillBuckets)
	}
	h, err := w.Intern(sc.Series, d.Plan.Brand)
	if err != nil {
		return DrillReport{}, err
	}
	for _, s := range sc.Surges {
		if s.Announced {
			from := sc.Start.Add(s.At.D())
			if err := w.Announce(detect.Burst{Key: sc.Series, Start: from, End: from.Add(s.For.D()), Multiplier: s.Volume}); err != nil {
				return DrillReport{}, err
			}
		}
	}

	r := &drillRun{Drill: d, sc: &sc, w: w, h: h, bucket: cfg.Bucket, end: end,
		clock: &drillClock{now: warmStart}, rng: rand.New(rand.NewPCG(sc.Seed, 0xd1211))}
	r.store = NewMemoryStore()
	team := d.Team
	if team == nil {
		team = allowAll{}
	}
	rs := d.Roles
	if rs == nil {
		rs = roles.NewRoleSet()
	}
	r.svc, err = New(r.store, WithPlan(d.Plan), WithRoleSet(rs), WithTeam(team), WithClock(r.clock), WithNotifier(r),
		WithPublishing(r), WithModeration(r), WithStyleGuide(r),
		WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		return DrillReport{}, err
	}
	r.report = DrillReport{Scenario: sc.Name, Plan: d.Plan.Ref(), Start: sc.Start, End: end, Bucket: cfg.Bucket,
		TeamChecked: d.Team != nil}
	for _, s := range sc.Surges {
		if at := sc.Start.Add(s.At.D()); !s.Announced && (r.report.SurgeAt.IsZero() || at.Before(r.report.SurgeAt)) {
			r.report.SurgeAt = at
		}
	}
	// The detector learns the usual traffic first; its own warm-up keeps
	// it from alerting during most of that.
	for t := warmStart; t.Before(sc.Start); t = t.Add(cfg.Bucket) {
		total, neg := r.draw(t)
		if _, err := w.Observe(h, t, total, neg); err != nil {
			return DrillReport{}, err
		}
	}
	if err := r.run(ctx); err != nil {
		return DrillReport{}, err
	}
	return r.finish(ctx)
}

// drillRun is one drill in progress. It is the pager and the publishing,
// moderation and style guide stand-in of its service.
type drillRun struct {
	Drill
	sc     *Scenario
	w      *detect.Watcher
	h      detect.WatchHandle
	bucket time.Duration
	end    time.Time
	clock  *drillClock
	rng    *rand.Rand
	store  *MemoryStore
	svc    *Service
	report DrillReport

	mu     sync.Mutex // guards the stand-ins' state
	pauses int
	rules  map[string]string
}

// run steps through the drill: the actions and pages due inside each
// bucket at their instants (a person acting at the instant a page falls
// due acts first), then the bucket's counts when it closes.
func (r *drillRun) run(ctx context.Context) error {
	next := 0
	for t := r.sc.Start; t.Before(r.end); t = t.Add(r.bucket) {
		closes := t.Add(r.bucket)
		for {
			if err := ctx.Err(); err != nil {
				return err
			}
			at, isAction := closes, false
			if next < len(r.sc.Actions) {
				// A step due when the bucket closes runs before the bucket is
				// observed and the service steps.
				if a := r.sc.Start.Add(r.sc.Actions[next].At.D()); !a.After(closes) {
					at, isAction = a, true
				}
			}
			page, err := r.nextPage(ctx)
			if err != nil {
				return err
			}
			if !page.IsZero() && page.Before(at) {
				at, isAction = page, false
			}
			if !isAction && !at.Before(closes) {
				break
			}
			r.clock.set(at)
			if isAction {
				r.act(ctx, &r.sc.Actions[next])
				next++
			} else if _, err := r.svc.Step(ctx); err != nil {
				r.problem("%s: paging failed: %v", r.offset(at), err)
			}
		}
		r.clock.set(closes)
		total, neg := r.draw(t)
		ph, err := r.w.Observe(r.h, t, total, neg)
		if err != nil {
			return err
		}
		if ph == detect.PhaseOpened {
			b, _ := r.w.Breakout(r.h)
			r.alert(ctx, b)
		}
		if _, err := r.svc.Step(ctx); err != nil {
			r.problem("%s: paging failed: %v", r.offset(closes), err)
		}
	}
	return nil
}

// nextPage returns when the next page of an incident falls due.
func (r *drillRun) nextPage(ctx context.Context) (time.Time, error) {
	incs, err := r.store.Incidents(ctx, r.Plan.Brand)
	if err != nil {
		return time.Time{}, err
	}
	var next time.Time
	for _, inc := range incs {
		if p := inc.NextPage; !p.IsZero() && (next.IsZero() || p.Before(next)) {
			next = p
		}
	}
	return next, nil
}

// alert hands a breakout to the service, as a product wiring the detector
// does, and notes what it did.
func (r *drillRun) alert(ctx context.Context, b detect.Breakout) {
	r.report.Alerts = append(r.report.Alerts, b)
	at := r.offset(b.Opened)
	switch s := r.surgeAt(b.Opened); {
	case s == nil:
		r.problem("%s: alert with no surge (%s breakout, %d mentions against %.1f expected)", at, b.Kind, b.PeakTotal, b.PeakExpected)
	case s.Announced:
		r.problem("%s: alert during the announced surge from %s", at, r.offset(r.sc.Start.Add(s.At.D())))
	}
	_, opened, err := r.svc.Open(ctx, b)
	switch {
	case err != nil:
		r.problem("%s: opening an incident failed: %v", at, err)
	case !opened:
		r.problem("%s: no level of the plan applies to the %s breakout (%d mentions against %.1f expected, %d negative)",
			at, b.Kind, b.PeakTotal, b.PeakExpected, b.PeakNegative)
	case r.report.DetectedAt.IsZero():
		r.report.DetectedAt = b.Opened.In(r.sc.Start.Location())
	}
}

// surgeAt returns the surge t falls in, preferring one not announced, or
// nil.
func (r *drillRun) surgeAt(t time.Time) *Surge {
	var found *Surge
	for i := range r.sc.Surges {
		s := &r.sc.Surges[i]
		from := r.sc.Start.Add(s.At.D())
		// A breakout may open a few buckets after its surge ends, while
		// the CUSUM still holds it: count ten buckets after as the surge.
		if t.Before(from) || !t.Before(from.Add(s.For.D()+10*r.bucket)) {
			continue
		}
		if found == nil || !s.Announced {
			found = s
		}
	}
	return found
}

// act does a scripted step and notes a refusal or a step with nothing to
// act on.
func (r *drillRun) act(ctx context.Context, a *DrillAction) {
	ctx = roles.WithActor(ctx, a.Member)
	at := r.offset(r.clock.Now())
	if a.Do == DrillDeclare {
		if _, err := r.svc.Declare(ctx, a.Level, a.Text); err != nil {
			r.problem("%s: %s could not declare %s: %v", at, a.Member, a.Level, err)
		}
		return
	}
	inc, ok, err := r.current(ctx)
	switch {
	case err != nil:
		r.problem("%s: %s: reading incidents failed: %v", at, a.Member, err)
		return
	case !ok:
		r.problem("%s: %s was to %s, but no incident was open", at, a.Member, a.Do)
		return
	}
	switch a.Do {
	case DrillAcknowledge:
		_, err = r.svc.Acknowledge(ctx, inc.ID)
	case DrillChangeLevel:
		_, err = r.svc.ChangeLevel(ctx, inc.ID, a.Level, a.Text)
	case DrillAdvance:
		_, err = r.svc.Advance(ctx, inc.ID, a.State, a.Text)
	case DrillNote:
		err = r.svc.Note(ctx, inc.ID, a.Text)
	case DrillResolve:
		_, err = r.svc.Resolve(ctx, inc.ID, a.Text)
	}
	if err != nil {
		r.problem("%s: %s could not %s: %v", at, a.Member, a.Do, err)
	}
}

// current returns the incident opened last that is still open.
func (r *drillRun) current(ctx context.Context) (Incident, bool, error) {
	incs, err := r.store.Incidents(ctx, r.Plan.Brand)
	if err != nil {
		return Incident{}, false, err
	}
	for i := len(incs) - 1; i >= 0; i-- {
		if !incs[i].State.Closed() {
			return incs[i], true, nil
		}
	}
	return Incident{}, false, nil
}

// finish reads the incidents and their timelines into the report and adds
// the problems found at the end.
func (r *drillRun) finish(ctx context.Context) (DrillReport, error) {
	rep := &r.report
	incs, err := r.store.Incidents(ctx, r.Plan.Brand)
	if err != nil {
		return DrillReport{}, err
	}
	rep.Incidents = incs
	for _, inc := range incs {
		tl, err := r.store.Timeline(ctx, inc.ID)
		if err != nil {
			return DrillReport{}, err
		}
		rep.Timeline = append(rep.Timeline, tl...)
		for _, e := range tl {
			if e.Kind == TimelinePage && e.To != nil {
				rep.Pages = append(rep.Pages, DrillPage{At: e.At, Incident: inc.ID, Level: e.Level, Step: e.Step, To: *e.To})
			}
		}
		if l := r.Plan.LevelIndex(inc.Level); l >= 0 {
			ack := r.Plan.Levels[l].AckWithin.D()
			switch {
			case ack <= 0:
			case !inc.AckedAt.IsZero() && inc.AckedAt.Sub(inc.LevelAt) > ack:
				r.problem("%s: acknowledged %s after the incident entered %s; the plan allows %s",
					r.offset(inc.AckedAt), span(inc.AckedAt.Sub(inc.LevelAt)), inc.Level, span(ack))
			case inc.AckedAt.IsZero() && inc.State.Closed() && inc.ResolvedAt.Sub(inc.LevelAt) > ack:
				r.problem("%s: the incident entered %s and was resolved %s later without an acknowledgement; the plan asks for one within %s",
					r.offset(inc.LevelAt), inc.Level, span(inc.ResolvedAt.Sub(inc.LevelAt)), span(ack))
			}
		}
		switch {
		case inc.AckedAt.IsZero() && !inc.State.Closed():
			r.problem("%s: the incident opened then was never acknowledged", r.offset(inc.OpenedAt))
		case !inc.State.Closed():
			r.problem("%s: the incident opened then was still open (%s) at the end", r.offset(inc.OpenedAt), inc.State)
		}
	}
	slices.SortStableFunc(rep.Timeline, func(a, b TimelineEntry) int { return a.At.Compare(b.At) })
	slices.SortStableFunc(rep.Pages, func(a, b DrillPage) int { return a.At.Compare(b.At) })
	if !rep.SurgeAt.IsZero() && rep.DetectedAt.IsZero() {
		r.problem("%s: the surge opened no incident", r.offset(rep.SurgeAt))
	}
	slices.SortStableFunc(rep.Problems, func(a, b string) int { return cmpOffset(a, b) })
	return *rep, nil
}

// cmpOffset orders problems by the offset they start with.
func cmpOffset(a, b string) int {
	pa, _, _ := strings.Cut(a, ":")
	pb, _, _ := strings.Cut(b, ":")
	da, _ := time.ParseDuration(strings.TrimPrefix(pa, "+"))
	db, _ := time.ParseDuration(strings.TrimPrefix(pb, "+"))
	return int(da - db)
}

func (r *drillRun) problem(format string, args ...any) {
	r.report.Problems = append(r.report.Problems, fmt.Sprintf(format, args...))
}

// offset formats t as an offset from the drill's start, as "+1h5m".
func (r *drillRun) offset(t time.Time) string { return offset(t.Sub(r.sc.Start)) }

// span formats a duration as "1h5m", without zero parts.
func span(d time.Duration) string { return strings.TrimPrefix(offset(d), "+") }

// offset formats a duration as a signed offset, as "+1h5m".
func offset(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	h, m, sec := d/time.Hour, d%time.Hour/time.Minute, d%time.Minute/time.Second
	var b strings.Builder
	b.WriteString(sign)
	if h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if sec > 0 || (h == 0 && m == 0) {
		fmt.Fprintf(&b, "%ds", sec)
	}
	return b.String()
}

// draw returns the mentions and negative mentions of the bucket at t:
// Poisson counts around the scenario's traffic, negatives binomial.
func (r *drillRun) draw(t time.Time) (total, negative uint32) {
	mu := r.sc.Mentions * r.bucket.Minutes()
	if len(r.sc.Hourly) == 24 {
		mu *= r.sc.Hourly[t.In(r.sc.Start.Location()).Hour()]
	}
	share := r.sc.NegativeShare
	if !t.Before(r.sc.Start) {
		for _, s := range r.sc.Surges {
			if from := r.sc.Start.Add(s.At.D()); !t.Before(from) && t.Before(from.Add(s.For.D())) {
				mu *= s.Volume
				if s.NegativeShare > 0 {
					share = s.NegativeShare
				}
			}
		}
	}
	n := poisson(r.rng, mu)
	k := uint32(0)
	for range n {
		if r.rng.Float64() < share {
			k++
		}
	}
	return n, k
}

// poisson draws a Poisson count: Knuth's product below 30, a rounded
// normal above.
func poisson(rng *rand.Rand, lam float64) uint32 {
	if lam < 30 {
		l, k, p := math.Exp(-lam), uint32(0), 1.0
		for {
			p *= rng.Float64()
			if p <= l {
				return k
			}
			k++
		}
	}
	return uint32(max(0, math.Round(lam+math.Sqrt(lam)*rng.NormFloat64())))
}

// call notes a call of a stand-in.
func (r *drillRun) call(format string, args ...any) {
	r.report.Calls = append(r.report.Calls, DrillCall{At: r.clock.Now(), What: fmt.Sprintf(format, args...)})
}

// Page accepts a page; the timeline says to whom (Notifier).
func (r *drillRun) Page(context.Context, Page) error { return nil }

// Pause stands in for a calendar (Publishing).
func (r *drillRun) Pause(_ context.Context, brand string, channels []string, _ string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pauses++
	id := fmt.Sprintf("pause-%d", r.pauses)
	on := "every channel"
	if len(channels) > 0 {
		on = strings.Join(channels, ", ")
	}
	r.call("pause publishing of %s on %s (%s)", brand, on, id)
	return id, nil
}

// Resume stands in for a calendar (Publishing).
func (r *drillRun) Resume(_ context.Context, id string, missed MissedPosts) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.call("resume %s, missed posts: %s", id, missed)
	return nil
}

// SwitchRuleSet stands in for moderation (Moderation).
func (r *drillRun) SwitchRuleSet(_ context.Context, brand, ruleSet string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rules == nil {
		r.rules = map[string]string{}
	}
	prev, ok := r.rules[brand]
	if !ok {
		prev = "usual"
	}
	r.rules[brand] = ruleSet
	r.call("switch moderation of %s to %s (was %s)", brand, ruleSet, prev)
	return prev, nil
}

// SetCrisisMode stands in for the style guide (StyleGuide).
func (r *drillRun) SetCrisisMode(_ context.Context, brand string, on bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	state := "off"
	if on {
		state = "on"
	}
	r.call("style guide crisis mode %s for %s", state, brand)
	return nil
}

// allowAll lets every member do everything, for a drill without a team.
type allowAll struct{}

func (allowAll) Check(context.Context, roles.Permission, roles.Resource) error { return nil }

// drillClock is the drill's simulated clock: it stands still between the
// drill's steps. Its timers never fire; the drill steps the service
// itself.
type drillClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *drillClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *drillClock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func (c *drillClock) NewTimer(time.Duration) cmkit.Timer { return idleTimer{} }

// idleTimer never fires.
type idleTimer struct{}

func (idleTimer) C() <-chan time.Time { return nil }
func (idleTimer) Stop() bool          { return true }

// WriteTo writes the report as text for people, with times as offsets
// from the drill's start, and returns the bytes written.
func (rep *DrillReport) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	off := func(t time.Time) string { return offset(t.Sub(rep.Start)) }
	fmt.Fprintf(&b, "Drill %q, plan %s version %d, %s for %s\n", rep.Scenario, rep.Plan.ID, rep.Plan.Version,
		rep.Start.Format("2006-01-02 15:04 MST"), span(rep.End.Sub(rep.Start)))
	if !rep.SurgeAt.IsZero() {
		fmt.Fprintf(&b, "Surge from %s", off(rep.SurgeAt))
		if !rep.DetectedAt.IsZero() {
			fmt.Fprintf(&b, ", detected in the bucket at %s (bucket %d of the surge)", off(rep.DetectedAt),
				rep.DetectedAt.Sub(rep.SurgeAt)/rep.Bucket+1)
		} else {
			b.WriteString(", not detected")
		}
		b.WriteString("\n")
	}
	for _, inc := range rep.Incidents {
		fmt.Fprintf(&b, "Incident %q opened %s at level %s", inc.Title, off(inc.OpenedAt), inc.Level)
		if !inc.AckedAt.IsZero() {
			fmt.Fprintf(&b, ", acknowledged %s by %s after %s", off(inc.AckedAt), inc.AckedBy, span(inc.AckedAt.Sub(inc.LevelAt)))
		}
		if !inc.ResolvedAt.IsZero() {
			fmt.Fprintf(&b, ", resolved %s", off(inc.ResolvedAt))
		}
		fmt.Fprintf(&b, "; %s at the end\n", inc.State)
	}
	if len(rep.Pages) > 0 {
		b.WriteString("Pages:\n")
		for _, p := range rep.Pages {
			who := "member " + p.To.Member
			if p.To.Role != "" {
				who = "role " + p.To.Role
			}
			step := "responders"
			if p.Step >= 0 {
				step = fmt.Sprintf("escalation step %d", p.Step+1)
			}
			fmt.Fprintf(&b, "  %-8s %s (%s, %s)\n", off(p.At), who, p.Level, step)
		}
	}
	if len(rep.Calls) > 0 {
		b.WriteString("Actions:\n")
		for _, c := range rep.Calls {
			fmt.Fprintf(&b, "  %-8s %s\n", off(c.At), c.What)
		}
	}
	if !rep.TeamChecked {
		b.WriteString("Permissions: not checked (no team)\n")
	}
	if len(rep.Problems) == 0 {
		b.WriteString("Problems: none\n")
	} else {
		b.WriteString("Problems:\n")
		for _, p := range rep.Problems {
			fmt.Fprintf(&b, "  %s\n", p)
		}
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}
