package kpi_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/cmkit/cmkit/kpi"
)

// TestSheetRecordsJSON: what a Store keeps reads back from JSON, versions
// and history included (a store that saves JSON relies on it).
func TestSheetRecordsJSON(t *testing.T) {
	d := kpi.StoredDefinition{Definition: kpi.Definition{ID: "reach", Name: "Reach", Formula: "reach"}, Version: 3}
	var d2 kpi.StoredDefinition
	roundTripJSON(t, d, &d2)
	if d2.ID != "reach" || d2.Formula != "reach" || d2.Version != 3 {
		t.Errorf("definition after JSON: %+v", d2)
	}
	s := kpi.Sheet{ID: "w", Title: "W", KPIs: []string{"reach"}, Segments: []kpi.Segment{sheetES},
		From: mustPeriod(t, "2026-W10"), To: mustPeriod(t, "2026-W12"), Version: 2}
	var s2 kpi.Sheet
	roundTripJSON(t, s, &s2)
	if s2.ID != s.ID || s2.From != s.From || s2.To != s.To || s2.Version != 2 || s2.Segments[0] != sheetES || s2.Kind() != kpi.PeriodWeek {
		t.Errorf("sheet after JSON: %+v", s2)
	}
	at := time.Date(2026, 3, 20, 9, 0, 0, 0, time.UTC)
	c := kpi.Cell{Sheet: "w", CellRef: kpi.CellRef{KPI: "reach", Segment: sheetES, Period: s.From},
		CellValue: kpi.CellValue{Value: 1.5, By: "ana", At: at}, Version: 2,
		History: []kpi.CellValue{{Value: 1, By: "ola", At: at.Add(-time.Hour)}}}
	var c2 kpi.Cell
	roundTripJSON(t, c, &c2)
	if c2.CellRef != c.CellRef || c2.Value != 1.5 || c2.By != "ana" || !c2.At.Equal(at) || c2.Version != 2 ||
		len(c2.History) != 1 || c2.History[0].By != "ola" {
		t.Errorf("cell after JSON: %+v", c2)
	}
}

func roundTripJSON(t *testing.T, in, out any) {
	t.Helper()
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}
