package kpi_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/cmkit/cmkit/kpi"
)

// TestTrackerFlushAndLoad: measures recorded by one Tracker, flushed and
// loaded by another on the same store, compute the same values, and the
// store holds the definitions, sheet and cells for both.
func TestTrackerFlushAndLoad(t *testing.T) {
	store := kpi.NewMemoryStore()
	team := sheetTeam(t)
	a, err := kpi.New(store, kpi.WithTeam(team), kpi.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Define(asMember("sam"), kpi.Definition{ID: "reach", Name: "Reach", Formula: "reach"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.DefineSheet(asMember("sam"), kpi.Sheet{ID: "m", Title: "M", KPIs: []string{"reach"}, Segments: []kpi.Segment{sheetPL},
		From: mustPeriod(t, "2026-03"), To: mustPeriod(t, "2026-03")}); err != nil {
		t.Fatal(err)
	}
	if err := a.Record(kpi.Reach, sheetPL, time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC), 42); err != nil {
		t.Fatal(err)
	}
	if err := a.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	b, err := kpi.New(store, kpi.WithTeam(team), kpi.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	rows, err := b.Rows(context.Background(), "m")
	if err != nil {
		t.Fatal(err)
	}
	if c := rows[0].Cells[0]; c.Computed == nil || *c.Computed != 42 {
		t.Errorf("after Load: %s, want computed 42", showCell(c))
	}
}

// benchSheet returns a tracker with a sheet of 10 KPIs × 5 segments × 52
// weeks, and the sheet's CSV with every manual value filled in.
func benchSheet(b *testing.B) (*kpi.Tracker, []byte) {
	tr, err := kpi.New(kpi.NewMemoryStore(), kpi.WithTeam(sheetTeam(b)), kpi.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	var defs []kpi.Definition
	var ids []string
	for i := range 10 {
		id := fmt.Sprint("k", i)
		defs = append(defs, kpi.Definition{ID: id, Name: id, Formula: "reach", Targets: []kpi.Target{{Value: 1}}})
		ids = append(ids, id)
	}
	if err := tr.Define(asMember("sam"), defs...); err != nil {
		b.Fatal(err)
	}
	var segs []kpi.Segment
	for i := range 5 {
		segs = append(segs, kpi.Segment{Brand: "acme", Platform: "mastodon", Channel: fmt.Sprint("c", i), Country: "PL"})
	}
	if _, err := tr.DefineSheet(asMember("sam"), kpi.Sheet{ID: "year", Title: "Year", KPIs: ids, Segments: segs,
		From: mustPeriod(b, "2026-W01"), To: mustPeriod(b, "2026-W52")}); err != nil {
		b.Fatal(err)
	}
	for _, seg := range segs {
		for d := range 364 {
			if err := tr.Record(kpi.Reach, seg, time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC).AddDate(0, 0, d), 1); err != nil {
				b.Fatal(err)
			}
		}
	}
	var csv bytes.Buffer
	if err := tr.ExportCSV(context.Background(), "year", &csv, kpi.SheetCSVOptions{}); err != nil {
		b.Fatal(err)
	}
	// Fill the manual rows with the computed values.
	lines := strings.Split(csv.String(), "\r\n")
	for i, l := range lines {
		if strings.Contains(l, ",computed,") {
			lines[i-1] = strings.Replace(l, ",computed,", ",manual,", 1)
		}
	}
	return tr, []byte(strings.Join(lines, "\r\n"))
}

// BenchmarkSheetRows reads a sheet of 50 rows × 52 weeks with computed
// values and targets.
func BenchmarkSheetRows(b *testing.B) {
	tr, _ := benchSheet(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.Rows(context.Background(), "year"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportCSV imports 2,600 values into a sheet that already holds
// them (parsing, authorizing and comparing; nothing is written).
func BenchmarkImportCSV(b *testing.B) {
	tr, csv := benchSheet(b)
	if n, err := tr.ImportCSV(asMember("sam"), "year", bytes.NewReader(csv), kpi.SheetCSVOptions{}); err != nil || n != 2600 {
		b.Fatalf("first import: %d, %v", n, err)
	}
	b.SetBytes(int64(len(csv)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tr.ImportCSV(asMember("sam"), "year", bytes.NewReader(csv), kpi.SheetCSVOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
