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
