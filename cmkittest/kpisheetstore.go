package cmkittest

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/kpi"
)

// The KPI sheet's part of TestKPIStore: definitions, sheets and cells.

func kpiDefs() []kpi.StoredDefinition {
	higher := kpi.HigherIsBetter
	return []kpi.StoredDefinition{
		{Definition: kpi.Definition{ID: "sov", Name: "Share of voice", Formula: "share_of_voice", Competitors: []string{"rival", "other"},
			Targets: []kpi.Target{{Segment: kpiSegES, Period: kpi.PeriodMonth, Value: 30}}}},
		{Definition: kpi.Definition{ID: "er", Name: "Engagement rate", Description: "by reach", Formula: "engagement_rate_reach",
			Goal: &higher, Targets: []kpi.Target{{Value: 3, From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}}}},
	}
}

// kpiDefSummary is what a definition's round trip must keep.
func kpiDefSummary(d kpi.StoredDefinition) string {
	goal := "none"
	if d.Goal != nil {
		goal = d.Goal.String()
	}
	targets := ""
	for _, t := range d.Targets {
		targets += fmt.Sprintf("[%s %s %s %s %v]", t.Segment, t.Period, t.From.UTC(), t.Until.UTC(), t.Value)
	}
	return fmt.Sprintf("%s %q %q %q %s %s %v %s v%d", d.ID, d.Name, d.Description, d.Formula, d.Unit, goal, d.Competitors, targets, d.Version)
}

func kpiReadDefs(t *testing.T, s kpi.Store) []string {
	t.Helper()
	var out []string
	for _, d := range collect(t, "Definitions", s.Definitions(t.Context())) {
		out = append(out, kpiDefSummary(d))
	}
	return out
}

func kpiDefinitionsRoundTrip(t *testing.T, s kpi.Store) {
	in := kpiDefs()
	if err := s.PutDefinitions(t.Context(), in); err != nil {
		t.Fatalf("PutDefinitions: %v", err)
	}
	var want []string
	for _, i := range []int{1, 0} { // by ID: er, sov
		d := in[i]
		if err := d.Validate(); err != nil {
			t.Fatal(err)
		}
		d.Version = 1
		want = append(want, kpiDefSummary(d))
	}
	if got := kpiReadDefs(t, s); !slices.Equal(got, want) {
		t.Errorf("Definitions:\n%v\nwant\n%v", got, want)
	}
	// What the caller holds does not alias the store.
	in[0].Competitors[0] = "changed"
	in[0].Targets[0].Value = 99
	if got := kpiReadDefs(t, s); !slices.Equal(got, want) {
		t.Errorf("changing the written definitions changed the stored ones:\n%v", got)
	}
	d := in[1]
	d.Version, d.Name = 1, "Engagement rate (reach)"
	if err := s.PutDefinitions(t.Context(), []kpi.StoredDefinition{d}); err != nil {
		t.Fatalf("an update at version 1: %v", err)
	}
	for got := range s.Definitions(t.Context()) {
		if got.ID == "er" && (got.Version != 2 || got.Name != d.Name) {
			t.Errorf("after an update er is %q at version %d", got.Name, got.Version)
		}
	}
}

func kpiDefinitionsVersioned(t *testing.T, s kpi.Store) {
	in := kpiDefs()
	if err := s.PutDefinitions(t.Context(), in[:1]); err != nil {
		t.Fatal(err)
	}
	before := kpiReadDefs(t, s)
	stale := in[0]
	stale.Name = "stale"
	if err := s.PutDefinitions(t.Context(), []kpi.StoredDefinition{in[1], stale}); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a repeated create: %v, want cmkit.ErrConflict", err)
	}
	stale.Version = 2
	if err := s.PutDefinitions(t.Context(), []kpi.StoredDefinition{stale}); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a stale version: %v, want cmkit.ErrConflict", err)
	}
	missing := in[1]
	missing.Version = 1
	if err := s.PutDefinitions(t.Context(), []kpi.StoredDefinition{missing}); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("an update of nothing stored: %v, want cmkit.ErrNotFound", err)
	}
	bad := in[1]
	bad.Formula = "no_such_formula"
	if err := s.PutDefinitions(t.Context(), []kpi.StoredDefinition{in[1], bad}); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("an invalid definition: %v, want cmkit.ErrInvalid", err)
	}
	if err := s.PutDefinitions(t.Context(), []kpi.StoredDefinition{in[1], in[1]}); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("an ID named twice: %v, want cmkit.ErrInvalid", err)
	}
	if got := kpiReadDefs(t, s); !slices.Equal(got, before) {
		t.Errorf("refused writes changed the definitions:\n%v\nwant\n%v", got, before)
	}
}

func kpiSheets(t *testing.T) []kpi.Sheet {
	return []kpi.Sheet{
		{ID: "weekly", Title: "Weekly", KPIs: []string{"er", "sov"}, Segments: []kpi.Segment{kpiSegES, kpiSegPL},
			From: kpiDay(t, "2026-W10"), To: kpiDay(t, "2026-W20")},
		{ID: "monthly", Title: "Monthly", KPIs: []string{"er"}, Segments: []kpi.Segment{kpiSegPL},
			From: kpiDay(t, "2026-01"), To: kpiDay(t, "2026-12")},
	}
}

func kpiReadSheets(t *testing.T, s kpi.Store) []string {
	t.Helper()
	var out []string
	for _, sh := range collect(t, "Sheets", s.Sheets(t.Context())) {
		out = append(out, fmt.Sprintf("%+v", sh))
	}
	return out
}

func kpiSheetsRoundTrip(t *testing.T, s kpi.Store) {
	in := kpiSheets(t)
	if err := s.PutSheets(t.Context(), in); err != nil {
		t.Fatalf("PutSheets: %v", err)
	}
	var want []string
	for _, i := range []int{1, 0} { // by ID
		sh := in[i]
		sh.KPIs, sh.Segments = slices.Clone(sh.KPIs), slices.Clone(sh.Segments)
		sh.Version = 1
		want = append(want, fmt.Sprintf("%+v", sh))
	}
	in[0].KPIs[0] = "changed"
	if got := kpiReadSheets(t, s); !slices.Equal(got, want) {
		t.Errorf("Sheets:\n%v\nwant\n%v", got, want)
	}
	sh := kpiSheets(t)[1]
	for v := int64(1); v <= 2; v++ {
		sh.Version = v
		if err := s.PutSheets(t.Context(), []kpi.Sheet{sh}); err != nil {
			t.Fatalf("an update at version %d: %v", v, err)
		}
	}
	if got := collect(t, "Sheets", s.Sheets(t.Context())); len(got) != 2 || got[0].Version != 3 {
		t.Errorf("after two updates the sheets are %+v, want monthly at version 3", got)
	}
}

func kpiSheetsVersioned(t *testing.T, s kpi.Store) {
	in := kpiSheets(t)
	if err := s.PutSheets(t.Context(), in[:1]); err != nil {
		t.Fatal(err)
	}
	before := kpiReadSheets(t, s)
	if err := s.PutSheets(t.Context(), []kpi.Sheet{in[1], in[0]}); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a repeated create: %v, want cmkit.ErrConflict", err)
	}
	stale := in[0]
	stale.Version = 5
	if err := s.PutSheets(t.Context(), []kpi.Sheet{stale}); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a stale version: %v, want cmkit.ErrConflict", err)
	}
	bad := in[1]
	bad.To = kpiDay(t, "2025-12")
	if err := s.PutSheets(t.Context(), []kpi.Sheet{in[1], bad}); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("a sheet ending before it starts: %v, want cmkit.ErrInvalid", err)
	}
	if got := kpiReadSheets(t, s); !slices.Equal(got, before) {
		t.Errorf("refused writes changed the sheets:\n%v\nwant\n%v", got, before)
	}
}

func kpiCell(t *testing.T, sheet, kpiID string, seg kpi.Segment, period string, v float64, by string) kpi.Cell {
	return kpi.Cell{Sheet: sheet, CellRef: kpi.CellRef{KPI: kpiID, Segment: seg, Period: kpiDay(t, period)},
		CellValue: kpi.CellValue{Value: v, By: by, At: time.Date(2026, 3, 20, 9, 0, int(v), 0, time.UTC)}}
}

func kpiReadCells(t *testing.T, s kpi.Store, sheet string) []kpi.Cell {
	t.Helper()
	return collect(t, "Cells", s.Cells(t.Context(), sheet))
}

// kpiCellSummary is what a cell's round trip must keep.
func kpiCellSummary(c kpi.Cell) string {
	out := fmt.Sprintf("%s %s v%d %v by %s at %s", c.Sheet, c.CellRef, c.Version, c.Value, c.By, c.At.UTC())
	for _, h := range c.History {
		out += fmt.Sprintf(" [%v by %s at %s]", h.Value, h.By, h.At.UTC())
	}
	return out
}

func kpiCellSummaries(t *testing.T, s kpi.Store, sheet string) []string {
	t.Helper()
	var out []string
	for _, c := range kpiReadCells(t, s, sheet) {
		out = append(out, kpiCellSummary(c))
	}
	return out
}

func kpiCellsKeepHistory(t *testing.T, s kpi.Store) {
	c := kpiCell(t, "weekly", "er", kpiSegES, "2026-W10", 1, "ana")
	if err := s.PutCells(t.Context(), []kpi.Cell{c}); err != nil {
		t.Fatal(err)
	}
	first := c
	for v := int64(1); v <= 2; v++ {
		next := kpiCell(t, "weekly", "er", kpiSegES, "2026-W10", float64(v+1), fmt.Sprint("m", v))
		next.Version = v
		next.History = []kpi.CellValue{{Value: 666, By: "forger"}} // ignored
		if err := s.PutCells(t.Context(), []kpi.Cell{next}); err != nil {
			t.Fatalf("an update at version %d: %v", v, err)
		}
	}
	got := kpiReadCells(t, s, "weekly")
	if len(got) != 1 {
		t.Fatalf("the sheet has %d cells, want 1", len(got))
	}
	want := kpiCell(t, "weekly", "er", kpiSegES, "2026-W10", 3, "m2")
	want.Version = 3
	want.History = []kpi.CellValue{first.CellValue, kpiCell(t, "weekly", "er", kpiSegES, "2026-W10", 2, "m1").CellValue}
	if g, w := kpiCellSummary(got[0]), kpiCellSummary(want); g != w {
		t.Errorf("after two updates the cell is\n%s\nwant\n%s", g, w)
	}
	one, err := s.Cell(t.Context(), "weekly", c.CellRef)
	if err != nil {
		t.Fatalf("Cell: %v", err)
	}
	if g, w := kpiCellSummary(one), kpiCellSummary(want); g != w {
		t.Errorf("Cell reads\n%s\nwant\n%s", g, w)
	}
	for what, ref := range map[string]kpi.CellRef{"another period": {KPI: "er", Segment: kpiSegES, Period: kpiDay(t, "2026-W11")},
		"another segment": {KPI: "er", Segment: kpiSegPL, Period: c.Period}} {
		if _, err := s.Cell(t.Context(), "weekly", ref); !errors.Is(err, cmkit.ErrNotFound) {
			t.Errorf("Cell of %s: %v, want cmkit.ErrNotFound", what, err)
		}
	}
	if _, err := s.Cell(t.Context(), "monthly", c.CellRef); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("Cell of another sheet: %v, want cmkit.ErrNotFound", err)
	}
}

func kpiCellsVersioned(t *testing.T, s kpi.Store) {
	a := kpiCell(t, "weekly", "er", kpiSegES, "2026-W10", 1, "ana")
	b := kpiCell(t, "weekly", "er", kpiSegPL, "2026-W10", 2, "ola")
	if err := s.PutCells(t.Context(), []kpi.Cell{a}); err != nil {
		t.Fatal(err)
	}
	before := kpiCellSummaries(t, s, "weekly")
	if err := s.PutCells(t.Context(), []kpi.Cell{b, a}); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a repeated create: %v, want cmkit.ErrConflict", err)
	}
	stale := a
	stale.Version = 2
	if err := s.PutCells(t.Context(), []kpi.Cell{stale}); !errors.Is(err, cmkit.ErrConflict) {
		t.Errorf("a stale version: %v, want cmkit.ErrConflict", err)
	}
	missing := b
	missing.Version = 1
	if err := s.PutCells(t.Context(), []kpi.Cell{missing}); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("an update of nothing stored: %v, want cmkit.ErrNotFound", err)
	}
	nan := b
	nan.Value = math.NaN()
	if err := s.PutCells(t.Context(), []kpi.Cell{b, nan}); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("a NaN value: %v, want cmkit.ErrInvalid", err)
	}
	if err := s.PutCells(t.Context(), []kpi.Cell{b, b}); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("a cell named twice: %v, want cmkit.ErrInvalid", err)
	}
	if got := kpiCellSummaries(t, s, "weekly"); !slices.Equal(got, before) {
		t.Errorf("refused writes changed the cells:\n%v\nwant\n%v", got, before)
	}
}

func kpiCellsOrder(t *testing.T, s kpi.Store) {
	var want []kpi.Cell
	for _, k := range []string{"a", "b"} {
		for _, seg := range []kpi.Segment{{Brand: "a"}, kpiSegPL, {Brand: "b"}} {
			for _, p := range []string{"2025-W52", "2026-W01", "2026-W10"} {
				c := kpiCell(t, "weekly", k, seg, p, 1, "x")
				want = append(want, c)
			}
		}
	}
	in := slices.Clone(want)
	for i := range in {
		j := (i * 7) % len(in)
		in[i], in[j] = in[j], in[i]
	}
	other := kpiCell(t, "monthly", "a", kpiSegPL, "2026-01", 1, "x")
	if err := s.PutCells(t.Context(), append(in, other)); err != nil {
		t.Fatal(err)
	}
	var wantS []string
	for _, c := range want {
		c.Version = 1
		wantS = append(wantS, kpiCellSummary(c))
	}
	if got := kpiCellSummaries(t, s, "weekly"); !slices.Equal(got, wantS) {
		t.Errorf("Cells(weekly):\n%v\nwant\n%v", got, wantS)
	}
	if got := kpiReadCells(t, s, "monthly"); len(got) != 1 {
		t.Errorf("Cells(monthly) yields %d cells, want 1", len(got))
	}
}

func kpiCellsCopyHistory(t *testing.T, s kpi.Store) {
	c := kpiCell(t, "weekly", "er", kpiSegES, "2026-W10", 1, "ana")
	if err := s.PutCells(t.Context(), []kpi.Cell{c}); err != nil {
		t.Fatal(err)
	}
	c.Version, c.Value = 1, 2
	if err := s.PutCells(t.Context(), []kpi.Cell{c}); err != nil {
		t.Fatal(err)
	}
	got := kpiReadCells(t, s, "weekly")
	if len(got) != 1 || len(got[0].History) != 1 {
		t.Fatalf("the cells are %+v, want one with one earlier value", got)
	}
	got[0].History[0].Value = 99
	if again := kpiReadCells(t, s, "weekly"); len(again[0].History) != 1 || again[0].History[0].Value != 1 {
		t.Errorf("changing a read History changed the stored one: %+v", again[0].History)
	}
	one, err := s.Cell(t.Context(), "weekly", c.CellRef)
	if err != nil || len(one.History) != 1 {
		t.Fatalf("Cell: %+v, %v", one, err)
	}
	one.History[0].Value = 98
	if again, _ := s.Cell(t.Context(), "weekly", c.CellRef); len(again.History) != 1 || again.History[0].Value != 1 {
		t.Errorf("changing the History Cell read changed the stored one: %+v", again.History)
	}
}
