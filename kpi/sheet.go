package kpi

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
)

// Sheet is the KPI sheet the social media manager defines and community
// managers fill in: a periodic table with one row per KPI and segment
// (usually one segment per platform) and one column per period, From to
// To inclusive.
type Sheet struct {
	// ID identifies the sheet.
	ID string `json:"id"`
	// Title is the sheet's human name.
	Title string `json:"title"`
	// KPIs are the IDs of the definitions in its rows, in order.
	KPIs []string `json:"kpis"`
	// Segments are what each KPI is filled in for, in order.
	Segments []Segment `json:"segments"`
	// From and To are its first and last period (columns), of one kind.
	From Period `json:"from"`
	To   Period `json:"to"`
	// Version is the version read (0 for a new sheet); the store saves
	// Version+1.
	Version int64 `json:"version"`
}

// maxSheetPeriods bounds a sheet's columns.
const maxSheetPeriods = 1000

// Kind returns the kind of the sheet's periods.
func (s *Sheet) Kind() PeriodKind { return s.From.Kind() }

// Periods returns the sheet's columns, From to To.
func (s *Sheet) Periods() []Period {
	var out []Period
	for p := s.From; !p.IsZero() && p.first <= s.To.first && len(out) < maxSheetPeriods; p = p.Next() {
		out = append(out, p)
	}
	return out
}

// Validate returns nil for a sheet a Store may keep: an ID, a title, at
// least one KPI and one segment, each once, and From not after To, both
// of one kind, at most 1000 periods apart. Otherwise it returns an error
// wrapping cmkit.ErrInvalid that names the field.
func (s *Sheet) Validate() error {
	if s.ID == "" || len(s.ID) > maxIDLen || strings.TrimSpace(s.ID) != s.ID {
		return cmkit.Invalid("id", "format", "%q: want 1 to %d bytes without surrounding spaces", s.ID, maxIDLen)
	}
	if strings.TrimSpace(s.Title) == "" {
		return cmkit.Invalid("title", "required", "sheet %q has no title", s.ID)
	}
	if s.Version < 0 {
		return cmkit.Invalid("version", "range", "%d is below 0", s.Version)
	}
	if len(s.KPIs) == 0 {
		return cmkit.Invalid("kpis", "required", "sheet %q has no KPI", s.ID)
	}
	for i, k := range s.KPIs {
		if k == "" || slices.Contains(s.KPIs[:i], k) {
			return cmkit.Invalid(fmt.Sprintf("kpis[%d]", i), "unique", "%q: want a KPI ID, each once", k)
		}
	}
	if len(s.Segments) == 0 {
		return cmkit.Invalid("segments", "required", "sheet %q has no segment", s.ID)
	}
	for i, seg := range s.Segments {
		if slices.Contains(s.Segments[:i], seg) {
			return cmkit.Invalid(fmt.Sprintf("segments[%d]", i), "unique", "%s is named twice", seg)
		}
	}
	switch {
	case s.From.IsZero():
		return cmkit.Invalid("from", "required", "sheet %q has no first period", s.ID)
	case s.To.IsZero():
		return cmkit.Invalid("to", "required", "sheet %q has no last period", s.ID)
	case s.From.Kind() != s.To.Kind():
		return cmkit.Invalid("to", "kind", "%s is a %s, from %s a %s", s.To, s.To.Kind(), s.From, s.From.Kind())
	case s.To.first < s.From.first:
		return cmkit.Invalid("to", "range", "%s is before from %s", s.To, s.From)
	case len(s.Periods()) == maxSheetPeriods && s.Periods()[maxSheetPeriods-1] != s.To:
		return cmkit.Invalid("to", "range", "%s to %s is more than %d periods", s.From, s.To, maxSheetPeriods)
	}
	return nil
}

// has reports whether the cell ref names is in the sheet.
func (s *Sheet) has(ref CellRef) error {
	if !slices.Contains(s.KPIs, ref.KPI) {
		return cmkit.Invalid("kpi", "unknown", "%q is not a KPI of sheet %q", ref.KPI, s.ID)
	}
	if !slices.Contains(s.Segments, ref.Segment) {
		return cmkit.Invalid("segment", "unknown", "%s is not a segment of sheet %q", ref.Segment, s.ID)
	}
	if ref.Period.Kind() != s.Kind() || ref.Period.first < s.From.first || ref.Period.first > s.To.first {
		return cmkit.Invalid("period", "range", "%q is not a column of sheet %q (%s to %s)", ref.Period.String(), s.ID, s.From, s.To)
	}
	return nil
}

func cloneSheet(s Sheet) Sheet {
	s.KPIs, s.Segments = slices.Clone(s.KPIs), slices.Clone(s.Segments)
	return s
}

// CellRef names one cell of a sheet: a KPI's value for a segment and a
// period.
type CellRef struct {
	// KPI is the definition's ID.
	KPI string `json:"kpi"`
	// Segment is the row's segment.
	Segment Segment `json:"segment"`
	// Period is the column.
	Period Period `json:"period"`
}

// String returns "kpi for segment in period".
func (r CellRef) String() string { return fmt.Sprintf("%s for %s in %s", r.KPI, r.Segment, r.Period) }

// CellValue is a value entered in a cell: what, by whom and when.
type CellValue struct {
	// Value is the number entered.
	Value float64 `json:"value"`
	// By is the member who entered it.
	By string `json:"by"`
	// At is when.
	At time.Time `json:"at"`
}

// Cell is a filled-in cell of a sheet, with every earlier value.
type Cell struct {
	// Sheet is the sheet's ID.
	Sheet string `json:"sheet"`
	CellRef
	CellValue
	// Version is the version read (0 for a new cell); the store saves
	// Version+1.
	Version int64 `json:"version"`
	// History holds the earlier values, oldest first. The store keeps
	// it: on each write it appends the value replaced, and it ignores the
	// History written.
	History []CellValue `json:"history,omitempty"`
}

// Validate returns nil for a cell a Store may keep: a sheet ID, a KPI
// ID, a period, a finite value and a version not below 0. Otherwise it
// returns an error wrapping cmkit.ErrInvalid that names the field.
func (c *Cell) Validate() error {
	switch {
	case c.Sheet == "":
		return cmkit.Invalid("sheet", "required", "a cell names no sheet")
	case c.KPI == "":
		return cmkit.Invalid("kpi", "required", "a cell names no KPI")
	case c.Period.IsZero():
		return cmkit.Invalid("period", "required", "a cell names no period")
	case math.IsNaN(c.Value) || math.IsInf(c.Value, 0):
		return cmkit.Invalid("value", "finite", "%v is not a finite number", c.Value)
	case c.Version < 0:
		return cmkit.Invalid("version", "range", "%d is below 0", c.Version)
	}
	return nil
}

// CompareCells orders cells as Store.Cells yields them: by sheet, KPI,
// segment (brand, platform, channel, country, campaign), then period.
func CompareCells(a, b Cell) int {
	return cmp.Or(cmp.Compare(a.Sheet, b.Sheet), cmp.Compare(a.KPI, b.KPI), compareSegments(a.Segment, b.Segment),
		cmp.Compare(a.Period.first, b.Period.first), cmp.Compare(a.Period.kind, b.Period.kind))
}

// StoredDefinition is a KPI definition as a Store keeps it, with its
// version.
type StoredDefinition struct {
	Definition
	// Version is the version read (0 for a new definition); the store
	// saves Version+1.
	Version int64 `json:"version"`
}

// cloneDefinition returns d sharing no memory with it.
func cloneDefinition(d Definition) Definition {
	if d.Goal != nil {
		g := *d.Goal
		d.Goal = &g
	}
	d.Competitors, d.Targets = slices.Clone(d.Competitors), slices.Clone(d.Targets)
	return d
}
