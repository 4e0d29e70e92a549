package kpi_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/kpi"
)

const sheetHeader = "kpi,brand,platform,channel,country,campaign,value,2026-W10,2026-W11,2026-W12\n"

func TestImportCSV(t *testing.T) {
	tr, _ := sheetTracker(t)
	in := sheetHeader +
		"reach,acme,mastodon,acme-es,ES,,manual,100,,120.5\n" +
		"reach,acme,mastodon,acme-es,ES,,computed,1,2,3\n" +
		"reach,acme,mastodon,acme-es,ES,,target,1000,1000,1000\n" +
		"sov,acme,mastodon,acme-es,ES,,manual,,-2.5e1,\n"
	n, err := tr.ImportCSV(asMember("ana"), "weekly", strings.NewReader(in), kpi.SheetCSVOptions{})
	if err != nil || n != 3 {
		t.Fatalf("ImportCSV: %d cells, %v; want 3", n, err)
	}
	c, err := tr.Cell(context.Background(), "weekly", kpi.CellRef{KPI: "reach", Segment: sheetES, Period: mustPeriod(t, "2026-W12")})
	if err != nil || c.Value != 120.5 || c.By != "ana" {
		t.Errorf("reach ES 2026-W12: %+v, %v", c, err)
	}
	c, err = tr.Cell(context.Background(), "weekly", kpi.CellRef{KPI: "sov", Segment: sheetES, Period: mustPeriod(t, "2026-W11")})
	if err != nil || c.Value != -25 {
		t.Errorf("sov ES 2026-W11: %+v, %v", c, err)
	}
	// The same file again changes nothing; a changed value is a new
	// version with the old one in the history.
	if n, err := tr.ImportCSV(asMember("ana"), "weekly", strings.NewReader(in), kpi.SheetCSVOptions{}); err != nil || n != 0 {
		t.Errorf("importing the same file again: %d cells, %v; want 0", n, err)
	}
	in2 := sheetHeader + "reach,acme,mastodon,acme-es,ES,,manual,101,,\n"
	if n, err := tr.ImportCSV(asMember("sam"), "weekly", strings.NewReader(in2), kpi.SheetCSVOptions{}); err != nil || n != 1 {
		t.Errorf("importing a changed value: %d cells, %v; want 1", n, err)
	}
	c, _ = tr.Cell(context.Background(), "weekly", kpi.CellRef{KPI: "reach", Segment: sheetES, Period: mustPeriod(t, "2026-W10")})
	if c.Value != 101 || c.By != "sam" || c.Version != 2 || len(c.History) != 1 || c.History[0].Value != 100 {
		t.Errorf("after a re-import the cell is %+v", c)
	}
	// A CM of Spain may not import Polish rows; nothing is entered.
	pl := sheetHeader + "reach,acme,mastodon,acme-es,ES,,manual,7,,\nreach,acme,mastodon,acme-pl,PL,,manual,5,,\n"
	if _, err := tr.ImportCSV(asMember("ana"), "weekly", strings.NewReader(pl), kpi.SheetCSVOptions{}); !errors.Is(err, cmkit.ErrForbidden) {
		t.Errorf("a CM of ES imports a PL row: %v, want cmkit.ErrForbidden", err)
	}
	c, _ = tr.Cell(context.Background(), "weekly", kpi.CellRef{KPI: "reach", Segment: sheetES, Period: mustPeriod(t, "2026-W10")})
	if c.Value != 101 {
		t.Errorf("a refused import changed a cell to %v", c.Value)
	}
}

func TestImportCSVSemicolonAndBOM(t *testing.T) {
	in := "\ufeff" + strings.ReplaceAll(sheetHeader, ",", ";") + "reach;acme;mastodon;acme-pl;PL;;manual;1.5;\"2\";\r\n"
	for _, opts := range []kpi.SheetCSVOptions{{}, {Separator: ';'}} {
		tr, _ := sheetTracker(t)
		if n, err := tr.ImportCSV(asMember("ola"), "weekly", strings.NewReader(in), opts); err != nil || n != 2 {
			t.Errorf("with %+v: %d cells, %v; want 2", opts, n, err)
		}
		var out bytes.Buffer
		if err := tr.ExportCSV(context.Background(), "weekly", &out, kpi.SheetCSVOptions{Separator: ';', BOM: true}); err != nil {
			t.Fatal(err)
		}
		got := out.String()
		wantStart := "\ufeffkpi;brand;platform;channel;country;campaign;value;2026-W10;2026-W11;2026-W12\r\n"
		if !strings.HasPrefix(got, wantStart) || !strings.Contains(got, "reach;acme;mastodon;acme-pl;PL;;manual;1.5;2;\r\n") ||
			!strings.Contains(got, "reach;acme;mastodon;acme-pl;PL;;target;1000;1000;1000\r\n") {
			t.Errorf("export:\n%s", got)
		}
	}
	tr, _ := sheetTracker(t)
	tabs := strings.ReplaceAll(sheetHeader, ",", "\t") + "reach\tacme\tmastodon\tacme-pl\tPL\t\tmanual\t1.5\t\t\n"
	if n, err := tr.ImportCSV(asMember("ola"), "weekly", strings.NewReader(tabs), kpi.SheetCSVOptions{}); err != nil || n != 1 {
		t.Errorf("tab-separated: %d cells, %v; want 1", n, err)
	}
	if _, err := tr.ImportCSV(asMember("ola"), "weekly", strings.NewReader(in), kpi.SheetCSVOptions{Separator: '|'}); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("separator |: %v, want cmkit.ErrInvalid", err)
	}
}

// TestImportCSVTrailingSeparators: a spreadsheet's empty columns after
// the periods are skipped; a value in one is a problem.
func TestImportCSVTrailingSeparators(t *testing.T) {
	tr, _ := sheetTracker(t)
	head := strings.TrimSuffix(strings.ReplaceAll(sheetHeader, ",", ";"), "\n") + ";;\n"
	in := head + "reach;acme;mastodon;acme-pl;PL;;manual;1;2;3;;\n"
	if n, err := tr.ImportCSV(asMember("ola"), "weekly", strings.NewReader(in), kpi.SheetCSVOptions{}); err != nil || n != 3 {
		t.Errorf("trailing separators: %d cells, %v; want 3", n, err)
	}
	in = head + "reach;acme;mastodon;acme-pl;PL;;manual;1;2;3;;4\n"
	_, err := tr.ImportCSV(asMember("ola"), "weekly", strings.NewReader(in), kpi.SheetCSVOptions{})
	var ie *kpi.SheetImportError
	if !errors.As(err, &ie) || len(ie.Problems) != 1 || ie.Problems[0].Line != 2 || ie.Problems[0].Column != 12 {
		t.Errorf("a value under a blank header: %v, want one problem at line 2, column 12", err)
	}
}

func TestImportCSVReportsEveryBadRow(t *testing.T) {
	tr, _ := sheetTracker(t)
	in := "kpi,brand,platform,channel,country,campaign,value,2026-W10,2026-13,2026-W99,2026-W11\n" + // line 1: a month, a bad period
		"reach,acme,mastodon,acme-es,ES,,manual,1,,,2\n" + // 2: good
		"nope,acme,mastodon,acme-es,ES,,manual,1,,,\n" + // 3: unknown KPI
		"reach,acme,mastodon,acme-es,ES,,manual,\"1,5\",,,\n" + // 4: 1,5 and a duplicate row
		"reach,acme,mastodon,acme-es,ES,,manual,1,5,,,\n" + // 5: 1,5 unquoted: a field too many
		"reach,acme,mastodon,acme-xx,ES,,manual,1,,,\n" + // 6: unknown segment
		"sov,acme,mastodon,acme-es,ES,,guess,1,,,\n" + // 7: unknown value kind
		"sov,acme,mastodon,acme-pl,PL,,manual,abc,,,1e\n" // 8: two bad numbers
	n, err := tr.ImportCSV(asMember("sam"), "weekly", strings.NewReader(in), kpi.SheetCSVOptions{})
	var ie *kpi.SheetImportError
	if !errors.As(err, &ie) || !errors.Is(err, cmkit.ErrInvalid) || n != 0 {
		t.Fatalf("ImportCSV: %d, %v; want a *SheetImportError", n, err)
	}
	type at struct{ line, col int }
	want := []at{{1, 9}, {1, 10}, {3, 1}, {4, 1}, {4, 8}, {5, 12}, {6, 2}, {7, 7}, {8, 8}, {8, 11}}
	var got []at
	for _, p := range ie.Problems {
		got = append(got, at{p.Line, p.Column})
		if !errors.Is(p.Err, cmkit.ErrInvalid) {
			t.Errorf("problem %v does not wrap cmkit.ErrInvalid", p)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("problems at %v, want %v:\n%v", got, want, err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("problem %d at %v, want %v: %v", i, got[i], want[i], ie.Problems[i])
		}
	}
	if rows, _ := tr.Rows(context.Background(), "weekly"); rows[0].Cells[0].Manual != nil {
		t.Errorf("a refused import entered %+v", rows[0].Cells[0].Manual)
	}
	for what, in := range map[string]string{
		"an empty file":      "",
		"a bad header":       "kpi,brand,platform,channel,country,campaign,kind,2026-W10\n",
		"no period":          "kpi,brand,platform,channel,country,campaign,value\n",
		"a period twice":     "kpi,brand,platform,channel,country,campaign,value,2026-W10,2026-W10\n",
		"a bare quote":       sheetHeader + "reach,a\"b\n",
		"invalid UTF-8":      sheetHeader + "reach,acme,mastodon,acme-es,ES,\xff,manual,1,,\n",
		"a period after":     "kpi,brand,platform,channel,country,campaign,value,2026-W13\n",
		"NaN":                sheetHeader + "reach,acme,mastodon,acme-es,ES,,manual,NaN,,\n",
		"a comma decimal":    strings.ReplaceAll(sheetHeader, ",", ";") + "reach;acme;mastodon;acme-es;ES;;manual;1,5;;\n",
		"a thousands sep":    sheetHeader + "reach,acme,mastodon,acme-es,ES,,manual,\"1,000.5\",,\n",
		"a number too large": sheetHeader + "reach,acme,mastodon,acme-es,ES,,manual,1e999,,\n",
	} {
		if _, err := tr.ImportCSV(asMember("sam"), "weekly", strings.NewReader(in), kpi.SheetCSVOptions{}); !errors.Is(err, cmkit.ErrInvalid) {
			t.Errorf("%s: %v, want cmkit.ErrInvalid", what, err)
		}
	}
}

func TestSheetJSONRoundTrip(t *testing.T) {
	tr, _ := sheetTracker(t)
	in := sheetHeader + "reach,acme,mastodon,acme-es,ES,,manual,100,,120.5\n"
	if _, err := tr.ImportCSV(asMember("sam"), "weekly", strings.NewReader(in), kpi.SheetCSVOptions{}); err != nil {
		t.Fatal(err)
	}
	var doc bytes.Buffer
	if err := tr.ExportJSON(context.Background(), "weekly", &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(doc.String(), `"period": "2026-W12"`) || !strings.Contains(doc.String(), `"value": 120.5`) {
		t.Errorf("JSON export:\n%s", doc.String())
	}
	other, _ := sheetTracker(t)
	if n, err := other.ImportJSON(asMember("sam"), "weekly", bytes.NewReader(doc.Bytes())); err != nil || n != 2 {
		t.Fatalf("ImportJSON: %d, %v; want 2", n, err)
	}
	var a, b bytes.Buffer
	tr.ExportCSV(context.Background(), "weekly", &a, kpi.SheetCSVOptions{})
	other.ExportCSV(context.Background(), "weekly", &b, kpi.SheetCSVOptions{})
	if a.String() != b.String() {
		t.Errorf("after a JSON round trip the CSV differs:\n%s\nwant\n%s", b.String(), a.String())
	}
	for what, in := range map[string]string{
		"bad JSON":        `{"rows": [`,
		"a KPI not in it": `{"rows": [{"kpi": "nope", "segment": {}, "cells": [{"period": "2026-W10", "manual": {"value": 1}}]}]}`,
		"a period twice":  `{"rows": [{"kpi": "reach", "segment": {"brand": "acme", "platform": "mastodon", "channel": "acme-es", "country": "ES"}, "cells": [{"period": "2026-W10", "manual": {"value": 1}}, {"period": "2026-W10", "manual": {"value": 2}}]}]}`,
		"a bad period":    `{"rows": [{"kpi": "reach", "segment": {}, "cells": [{"period": "2026-W99", "manual": {"value": 1}}]}]}`,
	} {
		if _, err := other.ImportJSON(asMember("sam"), "weekly", strings.NewReader(in)); !errors.Is(err, cmkit.ErrInvalid) {
			t.Errorf("%s: %v, want cmkit.ErrInvalid", what, err)
		}
	}
}
