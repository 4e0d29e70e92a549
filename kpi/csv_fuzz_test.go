package kpi_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/kpi"
)

// FuzzImportCSV: ImportCSV never panics; it accepts input or refuses it
// with cmkit.ErrInvalid; and what it accepted exports to CSV that,
// imported into an empty sheet, exports the same again.
func FuzzImportCSV(f *testing.F) {
	f.Add([]byte(sheetHeader+"reach,acme,mastodon,acme-es,ES,,manual,100,,120.5\n"), false)
	f.Add([]byte("\ufeffkpi;brand;platform;channel;country;campaign;value;2026-W10\r\nsov;acme;mastodon;acme-pl;PL;;manual;-1e3\r\n"), true)
	f.Add([]byte(sheetHeader+"reach,acme,mastodon,acme-es,ES,,manual,\"1,5\",,\n"), false)
	f.Add([]byte(sheetHeader+"reach,a\"b\n"), false)
	f.Add([]byte("kpi,brand\n\n,,,\n"), false)
	f.Fuzz(func(t *testing.T, data []byte, semicolon bool) {
		tr, _ := sheetTracker(t)
		var opts kpi.SheetCSVOptions
		if semicolon {
			opts.Separator = ';'
		}
		_, err := tr.ImportCSV(asMember("sam"), "weekly", bytes.NewReader(data), opts)
		if err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("ImportCSV: %v, want nil or cmkit.ErrInvalid", err)
			}
			return
		}
		var first, second bytes.Buffer
		if err := tr.ExportCSV(context.Background(), "weekly", &first, opts); err != nil {
			t.Fatal(err)
		}
		other, _ := sheetTracker(t)
		if _, err := other.ImportCSV(asMember("sam"), "weekly", bytes.NewReader(first.Bytes()), opts); err != nil {
			t.Fatalf("the export does not import: %v\n%s", err, first.String())
		}
		if err := other.ExportCSV(context.Background(), "weekly", &second, opts); err != nil {
			t.Fatal(err)
		}
		if first.String() != second.String() {
			t.Fatalf("the export round-trips to\n%s\nwant\n%s", second.String(), first.String())
		}
	})
}

// FuzzImportJSON: ImportJSON never panics; it accepts input or refuses
// it with cmkit.ErrInvalid; and what it accepted exports to JSON that,
// imported into an empty sheet, gives the same CSV.
func FuzzImportJSON(f *testing.F) {
	f.Add([]byte(`{"rows": [{"kpi": "reach", "segment": {"brand": "acme", "platform": "mastodon", "channel": "acme-es", "country": "ES"}, "cells": [{"period": "2026-W10", "manual": {"value": 1.5}}]}]}`))
	f.Add([]byte(`{"rows": [{"kpi": "nope", "cells": [{"period": "2026-W99", "manual": {"value": 1}}]}]}`))
	f.Add([]byte(`{"rows": null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, _ := sheetTracker(t)
		if _, err := tr.ImportJSON(asMember("sam"), "weekly", bytes.NewReader(data)); err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("ImportJSON: %v, want nil or cmkit.ErrInvalid", err)
			}
			return
		}
		var doc, first, second bytes.Buffer
		if err := tr.ExportJSON(context.Background(), "weekly", &doc); err != nil {
			t.Fatal(err)
		}
		other, _ := sheetTracker(t)
		if _, err := other.ImportJSON(asMember("sam"), "weekly", &doc); err != nil {
			t.Fatalf("the export does not import: %v", err)
		}
		tr.ExportCSV(context.Background(), "weekly", &first, kpi.SheetCSVOptions{})
		other.ExportCSV(context.Background(), "weekly", &second, kpi.SheetCSVOptions{})
		if first.String() != second.String() {
			t.Fatalf("the export round-trips to\n%s\nwant\n%s", second.String(), first.String())
		}
	})
}
