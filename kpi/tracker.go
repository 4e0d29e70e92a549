package kpi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// Authority is what the Tracker needs from the team: permission checks
// for the acting member of a context (roles.WithActor). *roles.Directory
// implements it.
type Authority interface {
	// Check returns nil when the acting member of ctx may do p on r, and
	// otherwise an error wrapping cmkit.ErrForbidden.
	Check(ctx context.Context, p roles.Permission, r roles.Resource) error
	// Authorize says whether member may do p on r.
	Authorize(ctx context.Context, member string, p roles.Permission, r roles.Resource) (roles.Decision, error)
}

var _ Authority = (*roles.Directory)(nil)

// Tracker is the package's service: it keeps the team's KPI definitions
// and sheets in a Store, lets community managers fill in the sheets
// (authorized through roles, with history), and computes each KPI from
// the measures recorded in its Aggregator, side by side with the values
// entered and the targets. It is safe for concurrent use.
type Tracker struct {
	store Store
	team  Authority
	clock cmkit.Clock
	loc   *time.Location
	log   *slog.Logger

	posts *PostKeeper
	rec   *AggregatorRecorder // the Aggregator, behind its lock
}

// Option configures a Tracker.
type Option func(*Tracker) error

// WithTeam sets the team whose roles authorize every change (required).
func WithTeam(a Authority) Option {
	return func(t *Tracker) error {
		if a == nil {
			return cmkit.Invalid("WithTeam", "required", "nil Authority")
		}
		t.team = a
		return nil
	}
}

// WithClock sets the clock that timestamps entered values (default the
// system clock).
func WithClock(c cmkit.Clock) Option {
	return func(t *Tracker) error {
		if c == nil {
			return cmkit.Invalid("WithClock", "required", "nil Clock")
		}
		t.clock = c
		return nil
	}
}

// WithZone sets the time zone periods are read in (default UTC).
func WithZone(loc *time.Location) Option {
	return func(t *Tracker) error {
		if loc == nil {
			return cmkit.Invalid("WithZone", "required", "nil Location")
		}
		t.loc = loc
		return nil
	}
}

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(t *Tracker) error {
		if l == nil {
			return cmkit.Invalid("WithLogger", "required", "nil Logger")
		}
		t.log = l
		return nil
	}
}

// New returns a Tracker keeping its state in store. WithTeam is
// required; a nil store or a missing team is an error wrapping
// cmkit.ErrInvalid.
func New(store Store, opts ...Option) (*Tracker, error) {
	if store == nil {
		return nil, cmkit.Invalid("store", "required", "nil Store")
	}
	t := &Tracker{store: store, clock: cmkit.SystemClock(), loc: time.UTC, log: slog.Default()}
	for _, o := range opts {
		if err := o(t); err != nil {
			return nil, err
		}
	}
	if t.team == nil {
		return nil, cmkit.Invalid("WithTeam", "required", "a Tracker needs a team (WithTeam)")
	}
	t.rec = NewAggregatorRecorder(NewAggregator(t.loc), t.posts)
	return t, nil
}

// WithPosts keeps the latest insights of the posts a Collector reads
// (through Recorder) in p, for the top and bottom posts of reports;
// without it they are dropped.
func WithPosts(p *PostKeeper) Option {
	return func(t *Tracker) error {
		if p == nil {
			return cmkit.Invalid("WithPosts", "required", "nil PostKeeper")
		}
		t.posts = p
		return nil
	}
}

// Recorder returns what a Collector writes through (CollectorConfig's
// Recorder) so that what it collects lands in the Tracker's measures,
// and the posts' insights in the PostKeeper of WithPosts. It is also a
// TotalsSource over those measures, for BuildScorecard.
func (t *Tracker) Recorder() *AggregatorRecorder { return t.rec }

// Location returns the time zone of the Tracker's days and periods
// (WithZone).
func (t *Tracker) Location() *time.Location { return t.loc }

// Record adds v, measured at at, to measure m of segment seg, as
// Aggregator.Add does.
func (t *Tracker) Record(m Measure, seg Segment, at time.Time, v float64) error {
	return t.rec.Do(func(a *Aggregator) error {
		h, err := a.Series(m, seg)
		if err != nil {
			return err
		}
		return a.Add(h, at, v)
	})
}

// Totals returns what seg added up in period p, as Aggregator.Totals
// does.
func (t *Tracker) Totals(seg Segment, p Period) (Totals, error) {
	return t.rec.Totals(seg, p)
}

// Flush writes the measures recorded since the last Flush to the store
// (Aggregator.Flush).
func (t *Tracker) Flush(ctx context.Context) error {
	return t.rec.Do(func(a *Aggregator) error { return a.Flush(ctx, t.store) })
}

// Load reads the stored measures into the Tracker (Aggregator.Load).
func (t *Tracker) Load(ctx context.Context) error {
	return t.rec.Do(func(a *Aggregator) error { return a.Load(ctx, t.store) })
}

// Define stores KPI definitions, each new or replacing the one with its
// ID. KPI definitions are shared by the whole team, so it needs
// roles.DefineKPI team-wide (the zero roles.Resource). A definition
// failing Validate, or an ID given twice, is an error wrapping
// cmkit.ErrInvalid; then nothing is stored. A concurrent Define of the
// same ID may fail with cmkit.ErrConflict.
func (t *Tracker) Define(ctx context.Context, defs ...Definition) error {
	if err := t.team.Check(ctx, roles.DefineKPI, roles.Resource{}); err != nil {
		return err
	}
	stored, err := t.storedDefinitions(ctx)
	if err != nil {
		return err
	}
	out := make([]StoredDefinition, len(defs))
	for i, d := range defs {
		d = cloneDefinition(d)
		if err := d.validate(fmt.Sprintf("defs[%d].", i)); err != nil {
			return err
		}
		for j := range i {
			if defs[j].ID == d.ID {
				return cmkit.Invalid(fmt.Sprintf("defs[%d].id", i), "duplicate", "%q is also defs[%d].id", d.ID, j)
			}
		}
		out[i] = StoredDefinition{Definition: d, Version: stored[d.ID].Version}
	}
	if err := t.store.PutDefinitions(ctx, out); err != nil {
		return err
	}
	t.log.InfoContext(ctx, "kpi: defined", "count", len(out))
	return nil
}

// Definitions returns the stored KPI definitions, validated, by ID.
func (t *Tracker) Definitions(ctx context.Context) ([]Definition, error) {
	stored, err := t.storedDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Definition, 0, len(stored))
	for _, d := range stored {
		out = append(out, d.Definition)
	}
	slices.SortFunc(out, func(a, b Definition) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// storedDefinitions reads the store's definitions, validated, by ID.
func (t *Tracker) storedDefinitions(ctx context.Context) (map[string]StoredDefinition, error) {
	out := map[string]StoredDefinition{}
	for d, err := range t.store.Definitions(ctx) {
		if err != nil {
			return nil, err
		}
		if err := d.Validate(); err != nil {
			return nil, fmt.Errorf("kpi: stored KPI %q: %w", d.ID, err)
		}
		out[d.ID] = d
	}
	return out, nil
}

// segmentResource is the roles.Resource of a segment: its brand, channel
// and country.
func segmentResource(s Segment) roles.Resource {
	return roles.Resource{Brand: s.Brand, Channel: s.Channel, Country: s.Country}
}

// DefineSheet stores sheet s, new (Version 0) or replacing the stored
// one at Version. It needs roles.DefineKPI on every segment of the
// sheet. A sheet failing Validate, or naming a KPI that is not defined,
// is an error wrapping cmkit.ErrInvalid; a stale Version is
// cmkit.ErrConflict. It returns the sheet as stored.
func (t *Tracker) DefineSheet(ctx context.Context, s Sheet) (Sheet, error) {
	s = cloneSheet(s)
	if err := s.Validate(); err != nil {
		return Sheet{}, err
	}
	for _, seg := range s.Segments {
		if err := t.team.Check(ctx, roles.DefineKPI, segmentResource(seg)); err != nil {
			return Sheet{}, err
		}
	}
	defs, err := t.storedDefinitions(ctx)
	if err != nil {
		return Sheet{}, err
	}
	for i, k := range s.KPIs {
		if _, ok := defs[k]; !ok {
			return Sheet{}, cmkit.Invalid(fmt.Sprintf("kpis[%d]", i), "unknown", "%q is not a defined KPI", k)
		}
	}
	if err := t.store.PutSheets(ctx, []Sheet{s}); err != nil {
		return Sheet{}, err
	}
	s.Version++
	return s, nil
}

// Sheet returns the stored sheet with ID id, or an error wrapping
// cmkit.ErrNotFound.
func (t *Tracker) Sheet(ctx context.Context, id string) (Sheet, error) {
	for s, err := range t.store.Sheets(ctx) {
		if err != nil {
			return Sheet{}, err
		}
		if s.ID == id {
			return s, nil
		}
	}
	return Sheet{}, cmkit.Errorf(cmkit.ErrNotFound, "kpi: no sheet %q", id)
}

// cells returns the stored cells of a sheet by reference.
func (t *Tracker) cells(ctx context.Context, sheet string) (map[CellRef]Cell, error) {
	out := map[CellRef]Cell{}
	for c, err := range t.store.Cells(ctx, sheet) {
		if err != nil {
			return nil, err
		}
		out[c.CellRef] = c
	}
	return out, nil
}

// Cell returns the value entered in a cell, with its history, or an
// error wrapping cmkit.ErrNotFound when none was.
func (t *Tracker) Cell(ctx context.Context, sheet string, ref CellRef) (Cell, error) {
	return t.store.Cell(ctx, sheet, ref)
}

// Enter fills in a cell of a sheet with value, entered by the acting
// member of ctx. version is the cell's version read: 0 for an empty
// cell; 0 for a filled one is an error wrapping cmkit.ErrInvalid, another
// stale version cmkit.ErrConflict, and a version for an empty cell
// cmkit.ErrNotFound. It needs roles.EnterKPI on the cell's segment
// (brand, channel, country). The value replaced is kept in the cell's
// History. It returns the cell as stored.
func (t *Tracker) Enter(ctx context.Context, sheet string, ref CellRef, value float64, version int64) (Cell, error) {
	s, err := t.Sheet(ctx, sheet)
	if err != nil {
		return Cell{}, err
	}
	if err := s.has(ref); err != nil {
		return Cell{}, err
	}
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return Cell{}, cmkit.Invalid("value", "finite", "%v is not a finite number", value)
	}
	if version < 0 {
		return Cell{}, cmkit.Invalid("version", "range", "%d is below 0", version)
	}
	by, err := t.authorizeEntry(ctx, ref.Segment)
	if err != nil {
		return Cell{}, err
	}
	cur, err := t.Cell(ctx, sheet, ref)
	switch {
	case err == nil && version == 0:
		return Cell{}, cmkit.Invalid("version", "required", "%s was entered (version %d); give the version read", ref, cur.Version)
	case err == nil && version != cur.Version:
		return Cell{}, cmkit.Errorf(cmkit.ErrConflict, "kpi: %s is at version %d, not %d", ref, cur.Version, version)
	case err != nil && !errors.Is(err, cmkit.ErrNotFound):
		return Cell{}, err
	}
	c := Cell{Sheet: sheet, CellRef: ref, CellValue: CellValue{Value: value, By: by, At: t.clock.Now()}, Version: version}
	if err := t.store.PutCells(ctx, []Cell{c}); err != nil {
		return Cell{}, err
	}
	c.Version++
	if version > 0 {
		c.History = append(cur.History, cur.CellValue)
	}
	return c, nil
}

// authorizeEntry checks that the acting member may enter values for seg
// and returns who it is.
func (t *Tracker) authorizeEntry(ctx context.Context, seg Segment) (string, error) {
	if err := t.team.Check(ctx, roles.EnterKPI, segmentResource(seg)); err != nil {
		return "", err
	}
	by, ok := roles.ActorFrom(ctx)
	if !ok {
		return "", cmkit.Errorf(cmkit.ErrForbidden, "kpi: no acting member in the context (use roles.WithActor)")
	}
	return by, nil
}

// enterAll fills in many cells of sheet s at once, each at its stored
// version: one store write, so all of them or none. Values equal to the
// stored ones are left alone. It returns how many cells it changed.
func (t *Tracker) enterAll(ctx context.Context, s *Sheet, values map[CellRef]float64) (int, error) {
	named := map[Segment]bool{}
	for ref := range values {
		named[ref.Segment] = true
	}
	by := ""
	for _, seg := range s.Segments { // in the sheet's order, so the first refusal is always the same
		if !named[seg] {
			continue
		}
		var err error
		if by, err = t.authorizeEntry(ctx, seg); err != nil {
			return 0, err
		}
	}
	cur, err := t.cells(ctx, s.ID)
	if err != nil {
		return 0, err
	}
	now := t.clock.Now()
	var out []Cell
	for ref, v := range values {
		old, ok := cur[ref]
		if ok && old.Value == v && math.Signbit(old.Value) == math.Signbit(v) {
			continue
		}
		out = append(out, Cell{Sheet: s.ID, CellRef: ref, CellValue: CellValue{Value: v, By: by, At: now}, Version: old.Version})
	}
	if len(out) == 0 {
		return 0, nil
	}
	if err := t.store.PutCells(ctx, out); err != nil {
		return 0, err
	}
	return len(out), nil
}

// SheetRow is one row of a sheet as read back: a KPI for a segment, one
// SheetCell per period.
type SheetRow struct {
	// KPI is the definition's ID.
	KPI string `json:"kpi"`
	// Segment is the row's segment.
	Segment Segment `json:"segment"`
	// Cells holds one cell per period of the sheet, in order.
	Cells []SheetCell `json:"cells"`
}

// SheetCell is one cell of a SheetRow: the value entered, the value
// computed and the target, side by side. Each is nil when there is none.
type SheetCell struct {
	// Period is the column.
	Period Period `json:"period"`
	// Manual is the value entered, by whom and when.
	Manual *CellValue `json:"manual,omitempty"`
	// Version is the entered value's version (0 when none): what Enter
	// needs to change it.
	Version int64 `json:"version,omitempty"`
	// Computed is Definition.Eval over the measures recorded for the
	// segment in the period (and, for share of voice, the competitors'
	// measures, recorded under their name as Brand on the segment's
	// platform and country).
	Computed *float64 `json:"computed,omitempty"`
	// Target is Definition.TargetFor the segment and period.
	Target *float64 `json:"target,omitempty"`
}

// Rows returns the rows of the sheet with ID sheet, KPI by KPI and, for
// each, segment by segment, in the sheet's order.
func (t *Tracker) Rows(ctx context.Context, sheet string) ([]SheetRow, error) {
	_, rows, err := t.sheetRows(ctx, sheet)
	return rows, err
}

// sheetRows returns the sheet with ID sheet and its rows.
func (t *Tracker) sheetRows(ctx context.Context, sheet string) (Sheet, []SheetRow, error) {
	s, err := t.Sheet(ctx, sheet)
	if err != nil {
		return Sheet{}, nil, err
	}
	defs, err := t.storedDefinitions(ctx)
	if err != nil {
		return Sheet{}, nil, err
	}
	cells, err := t.cells(ctx, sheet)
	if err != nil {
		return Sheet{}, nil, err
	}
	periods := s.Periods()
	totals := map[Segment]map[Period]Totals{}
	totalsOf := func(seg Segment, p Period) Totals {
		byPeriod := totals[seg]
		if byPeriod == nil {
			byPeriod = map[Period]Totals{}
			totals[seg] = byPeriod
		}
		tt, ok := byPeriod[p]
		if !ok {
			tt, _ = t.rec.Totals(seg, p) // p is a sheet period, never zero
			byPeriod[p] = tt
		}
		return tt
	}
	rows := make([]SheetRow, 0, len(s.KPIs)*len(s.Segments))
	for _, k := range s.KPIs {
		d, defined := defs[k]
		for _, seg := range s.Segments {
			row := SheetRow{KPI: k, Segment: seg, Cells: make([]SheetCell, len(periods))}
			for i, p := range periods {
				sc := &row.Cells[i]
				sc.Period = p
				if c, ok := cells[CellRef{k, seg, p}]; ok {
					v := c.CellValue
					sc.Manual, sc.Version = &v, c.Version
				}
				if !defined {
					continue
				}
				in := FormulaInput{Own: totalsOf(seg, p)}
				if len(d.Competitors) > 0 {
					in.Competitors = make(map[string]Totals, len(d.Competitors))
					for _, name := range d.Competitors {
						in.Competitors[name] = totalsOf(competitorOf(seg, name), p)
					}
				}
				if v, ok := d.Eval(in); ok {
					sc.Computed = &v
				}
				if tg, ok := d.TargetFor(seg, p.Kind(), p.Start(t.loc)); ok {
					v := tg.Value
					sc.Target = &v
				}
			}
			rows = append(rows, row)
		}
	}
	return s, rows, nil
}
