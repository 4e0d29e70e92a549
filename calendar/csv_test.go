package calendar_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/calendar/recur"
	"github.com/cmkit/cmkit/internal/testbudget"
)

const sheet = "\ufeffEntry,Title,Channel,Text,At,Zone,Labels,Campaign,Media\n" +
	"w1,Winter catalogue,acme-es-x,\"¡Nuevo catálogo, ya!\",2026-11-24 09:00,Europe/Madrid,promo;winter,winter,https://cdn.invalid/a.png\n" +
	"w1,,acme-es-mastodon,Nuevo catálogo de invierno,,,evergreen,,https://cdn.invalid/b.mp4\n" +
	",Solo,acme-es-fb,Hola,2026-11-25T13:30:00+01:00,,,,\n" +
	",,,,,,,,\n"

func TestImportCSV(t *testing.T) {
	f := newFixture(t)
	res, err := f.cal.ImportCSV(as("ola"), strings.NewReader(sheet), nil)
	require.NoError(t, err)
	got := res.Entries
	require.Len(t, got, 2)
	w := got[0]
	assert.Equal(t, "Winter catalogue", w.Title)
	assert.Equal(t, calendar.Draft, w.State)
	assert.Equal(t, "ola", w.Author)
	assert.Equal(t, time.Date(2026, 11, 24, 9, 0, 0, 0, madrid), w.At.In(madrid))
	assert.Equal(t, []string{"promo", "winter", "evergreen"}, w.Labels)
	require.Len(t, w.Variants, 2)
	assert.Equal(t, "¡Nuevo catálogo, ya!", w.Variants[0].Post.Text)
	assert.Equal(t, cmkit.MediaVideo, w.Variants[1].Post.Media[0].Kind)
	assert.Equal(t, "Solo", got[1].Title)
	assert.True(t, got[1].At.Equal(time.Date(2026, 11, 25, 12, 30, 0, 0, time.UTC)))
}

func TestImportCSVErrorsNameLineAndColumnAndImportNothing(t *testing.T) {
	head := "entry,title,channel,text,at,zone\n"
	tests := []struct {
		name, csv, field, rule string
	}{
		{"empty", "", "line 1", "header"},
		{"unknown column", "title,channel,text,colour\n", "line 1, column 4", "unknown_column"},
		{"duplicate column", "title,channel,text,Text\n", "line 1, column 4", "duplicate_column"},
		{"missing column", "title,channel\n", "line 1", "missing_column"},
		{"no rows", head, "line 2", "required"},
		{"unknown channel", head + ",t,acme-tiktok,hi,,\n", "line 2, column channel", "unknown"},
		{"no text", head + ",t,acme-es-x,,,\n", "line 2, column text", "required"},
		{"bad zone", head + ",t,acme-es-x,hi,2026-11-24 09:00,Mars/Base\n", "line 2, column zone", "unknown"},
		{"local time without zone", head + ",t,acme-es-x,hi,2026-11-24 09:00,\n", "line 2, column at", "format"},
		{"bad time", head + ",t,acme-es-x,hi,tomorrow,\n", "line 2, column at", "format"},
		{"third row bad", head + ",t,acme-es-x,hi,,\n,t,acme-es-x,hi,,\n,t,nope,hi,,\n", "line 4, column channel", "unknown"},
		{"conflicting titles", head + "k,a,acme-es-x,hi,,\nk,b,acme-es-fb,hi,,\n", "line 3, column title", "conflict"},
		{"same channel twice", head + "k,a,acme-es-x,hi,,\nk,,acme-es-x,hi,,\n", "line 3, column channel", "unique"},
		{"no title", head + "k,,acme-es-x,hi,,\n", "line 2, column title", "required"},
		{"no title in any row of an entry", head + ",t,acme-es-x,hi,,\nk,,acme-es-x,hi,,\nk,,acme-es-fb,hi,,\n", "line 3, column title", "required"},
		{"NUL in a title", head + ",a\x00b,acme-es-x,hi,,\n", "line 2, column title", "control_character"},
		{"ESC in a text", head + ",t,acme-es-x,\x1b[31mhi,,\n", "line 2, column text", "control_character"},
		{"carriage return in a text", head + ",t,acme-es-x,\"a\rb\",,\n", "line 2, column text", "control_character"},
		{"line feed in a title", head + ",\"a\nb\",acme-es-x,hi,,\n", "line 2, column title", "control_character"},
		{"tab in a zone", head + ",t,acme-es-x,hi,2026-11-24 09:00,Europe/\tMadrid\n", "line 2, column zone", "control_character"},
		{"DEL in a key", head + "k\x7f,t,acme-es-x,hi,,\n", "line 2, column entry", "control_character"},
		{"C1 control in a title", head + ",a\u0085b,acme-es-x,hi,,\n", "line 2, column title", "control_character"},
		{"invalid UTF-8 in a text", head + ",t,acme-es-x,h\xffi,,\n", "line 2, column text", "utf8"},
		{"invalid UTF-8 in a title", head + ",\xc3,acme-es-x,hi,,\n", "line 2, column title", "utf8"},
		{"Local zone", head + ",t,acme-es-x,hi,2026-11-24 09:00,Local\n", "line 2, column zone", "unknown"},
		{"field count", head + ",t,acme-es-x\n", "line 2", "field_count"},
		{"bad quoting", head + ",t,acme-es-x,\"hi,,\n", "line 2, character 20", "csv"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.cal.ImportCSV(as("ola"), strings.NewReader(tc.csv), nil)
			require.ErrorIs(t, err, cmkit.ErrInvalid)
			var ve *cmkit.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tc.field, ve.Field, err.Error())
			assert.Equal(t, tc.rule, ve.Rule, err.Error())
			n := 0
			for range f.cal.Entries(context.Background(), calendar.Query{}) {
				n++
			}
			assert.Zero(t, n, "nothing half-imported")
		})
	}
	f := newFixture(t)
	_, err := f.cal.ImportCSV(context.Background(), strings.NewReader(sheet), nil)
	assert.ErrorIs(t, err, cmkit.ErrForbidden, "no actor")
}

// A byte-order mark may come before a quoted header; text and notes keep
// their line feeds and tabs.
func TestImportCSVAcceptsBOMBeforeQuotedHeaderAndMultilineText(t *testing.T) {
	f := newFixture(t)
	res, err := f.cal.ImportCSV(as("ola"), strings.NewReader("\ufeff\"Title\",\"Channel\",\"Text\",\"Notes\"\r\n"+
		"\"Launch\",acme-es-x,\"Line one\r\n\tLine two\",\"a\tb\nc\"\r\n"), nil)
	require.NoError(t, err)
	got := res.Entries
	require.Len(t, got, 1)
	assert.Equal(t, "Launch", got[0].Title)
	assert.Equal(t, "Line one\n\tLine two", got[0].Variants[0].Post.Text)
	assert.Equal(t, "a\tb\nc", got[0].Notes)
}

// FuzzImportCSV: any file, with any separator (0: detected), a default
// zone from a list (valid or not) and dry run or not, gives entries or validation errors each naming a
// line; never a panic, and nothing written on error or on a dry run. A
// dry run returns what the import then creates. What is imported is UTF-8
// without control characters (but line feeds and tabs in text and notes),
// and a warning names a line's at column.
func FuzzImportCSV(f *testing.F) {
	f.Add(sheet, int32(0), uint8(0), false)
	f.Add("title,channel,text\nt,acme-es-x,hi\n", int32(0), uint8(0), true)
	f.Add("entry,title,channel,text,at,zone\nk,a,acme-es-x,hi,2026-03-29 02:30,Europe/Madrid\n", int32(0), uint8(0), false)
	f.Add("a\"b\n", int32(0), uint8(0), false)
	f.Add("\ufeff\"title\",\"channel\",\"text\"\nt,acme-es-x,hi\n", int32(0), uint8(0), false)
	f.Add("title,channel,text,notes\nt\x00,acme-es-x,hi,\n", int32(0), uint8(0), false)
	f.Add("title,channel,text,notes\nt,acme-es-x,\x1b[1mhi,\"a\n\tb\"\n", int32(0), uint8(0), false)
	f.Add("title,channel,text\nt\xff,acme-es-x,hi\xc3\n", int32(0), uint8(0), false)
	f.Add("title,channel,text,at,zone\nt,acme-es-x,hi,2026-11-24 09:00,Local\n", int32(0), uint8(0), false)
	f.Add(excelES, int32(0), uint8(0), true)
	f.Add(excelES, int32(';'), uint8(2), false)
	f.Add("title\tchannel\ttext\tat\nt\tacme-es-x\t\"a\tb\"\t2026-03-29 02:30\n", int32('\t'), uint8(1), false)
	f.Add("title|channel|text|at\nt|acme-es-x|hi|2026-07-01T09:00:00+01:00\n", int32('|'), uint8(1), true)
	f.Add("title,channel,text,at\nt,acme-es-x,hi,2026-07-01T09:00:00Z\nu,nope,,\n", int32(0), uint8(3), false)
	zones := []string{"", "Europe/Madrid", "Europe/Warsaw", "Local", "Mars/Base", "America/New_York"}
	f.Fuzz(func(t *testing.T, data string, sep int32, z uint8, dry bool) {
		fx := newFixture(t)
		zone := zones[int(z)%len(zones)]
		opts := &calendar.CSVOptions{Separator: sep, Zone: zone, DryRun: dry}
		start := time.Now()
		res, err := fx.cal.ImportCSV(as("bea"), strings.NewReader(data), opts)
		testbudget.CheckFuzz(t, start, data)
		got := res.Entries
		n := 0
		for range fx.cal.Entries(context.Background(), calendar.Query{}) {
			n++
		}
		if err != nil {
			for _, e := range problems(err) {
				var ve *cmkit.ValidationError
				if !errors.As(e, &ve) || ve.Field == "" || ve.Rule == "" {
					t.Fatalf("error %v: want a *cmkit.ValidationError naming where", e)
				}
				if !strings.HasPrefix(ve.Field, "line ") && !strings.HasPrefix(ve.Field, "CSVOptions.") {
					t.Fatalf("error %v names no line", e)
				}
			}
			if n != 0 {
				t.Fatalf("%d entries written despite an error", n)
			}
			return
		}
		for _, w := range res.Warnings {
			if !strings.HasPrefix(w.Field, "line ") || !strings.HasSuffix(w.Field, ", column at") || w.Rule == "" {
				t.Fatalf("warning %v", w)
			}
		}
		if dry {
			if n != 0 {
				t.Fatalf("dry run wrote %d entries", n)
			}
			real, err := fx.cal.ImportCSV(as("bea"), strings.NewReader(data), &calendar.CSVOptions{Separator: sep, Zone: zone})
			if err != nil {
				t.Fatalf("dry run passed, import failed: %v", err)
			}
			if len(real.Entries) != len(got) || len(real.Warnings) != len(res.Warnings) {
				t.Fatalf("dry run: %d entries, %d warnings; import: %d, %d", len(got), len(res.Warnings), len(real.Entries), len(real.Warnings))
			}
			n = len(got)
		}
		if len(got) != n || n == 0 {
			t.Fatalf("imported %d, stored %d", len(got), n)
		}
		for _, e := range got {
			texts := []string{e.Title, e.Zone, e.Campaign, e.Brand}
			texts = append(texts, e.Labels...)
			for _, v := range e.Variants {
				texts = append(texts, v.Channel)
				for _, m := range v.Post.Media {
					texts = append(texts, m.URL)
				}
			}
			for _, s := range texts {
				if !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl) {
					t.Fatalf("imported %q", s)
				}
			}
			for _, v := range e.Variants {
				for _, s := range []string{v.Post.Text, e.Notes} {
					if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
						t.Fatalf("imported %q", s)
					}
				}
			}
			if e.Zone == "Local" {
				t.Fatalf("imported zone %q", e.Zone)
			}
		}
	})
}

func TestWallTimeAcrossDST(t *testing.T) {
	for _, tc := range []struct {
		zone                 string
		y                    int
		m                    time.Month
		d, h, min            int
		wantUTC              string
		wantLocalHour, wantM int
	}{
		{"Europe/Madrid", 2026, 3, 29, 2, 30, "2026-03-29T01:30:00Z", 3, 30},   // gap: moved forward by an hour
		{"Europe/Madrid", 2026, 10, 25, 2, 30, "2026-10-25T00:30:00Z", 2, 30},  // fold: the first 02:30 (CEST)
		{"Europe/Madrid", 2026, 3, 30, 9, 0, "2026-03-30T07:00:00Z", 9, 0},     // summer
		{"Europe/Madrid", 2026, 3, 27, 9, 0, "2026-03-27T08:00:00Z", 9, 0},     // winter
		{"America/New_York", 2026, 3, 8, 2, 30, "2026-03-08T07:30:00Z", 3, 30}, // gap
		{"America/New_York", 2026, 11, 1, 1, 30, "2026-11-01T05:30:00Z", 1, 30},
		{"Europe/Warsaw", 2026, 3, 29, 2, 0, "2026-03-29T01:00:00Z", 3, 0},
	} {
		loc, err := time.LoadLocation(tc.zone)
		require.NoError(t, err)
		got := recur.WallTime{Year: tc.y, Month: tc.m, Day: tc.d, Hour: tc.h, Minute: tc.min}.In(loc)
		assert.Equal(t, tc.wantUTC, got.UTC().Format(time.RFC3339), "%s %d-%d %02d:%02d", tc.zone, tc.m, tc.d, tc.h, tc.min)
		assert.Equal(t, tc.wantLocalHour, got.Hour())
		assert.Equal(t, tc.wantM, got.Minute())
	}
}
