package calendar_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
)

// excelES is a sheet as Excel in a Spanish or Polish locale saves it as
// "CSV UTF-8": a byte-order mark, semicolons, CRLF line ends, and quotes
// around cells that hold a semicolon, a quote or a line break.
const excelES = "\ufeffEntry;Title;Channel;Text;At;Zone;Labels;Campaign;Media;Notes\r\n" +
	"w1;Catálogo de invierno;acme-es-x;\"¡Nuevo catálogo; ya!\";2026-11-24 09:00;Europe/Madrid;\"promo;invierno\";invierno;https://cdn.invalid/a.png;\r\n" +
	"w1;;acme-es-mastodon;\"Línea uno\r\nLínea dos: \"\"año\"\", niño, pingüino\";;;;;;\"Revisar con Begoña;\r\nluego publicar\"\r\n" +
	";Zażółć gęślą jaźń;acme-es-fb;Świętujemy! Łódź, Kraków, Gdańsk;2026-11-25 13:30;Europe/Warsaw;zniżki;;;\r\n" +
	";;;;;;;;;\r\n"

func entriesIn(t *testing.T, cal *calendar.Calendar) []calendar.Entry {
	t.Helper()
	var out []calendar.Entry
	for e, err := range cal.Entries(context.Background(), calendar.Query{}) {
		require.NoError(t, err)
		out = append(out, e)
	}
	return out
}

// problems returns the errors err joins, or err alone.
func problems(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func fieldsAndRules(t *testing.T, err error) []string {
	t.Helper()
	var out []string
	for _, e := range problems(err) {
		var ve *cmkit.ValidationError
		require.ErrorAs(t, e, &ve)
		out = append(out, ve.Field+": "+ve.Rule)
	}
	return out
}

func TestImportCSVReadsExcelSpanishAndPolishExports(t *testing.T) {
	f := newFixture(t)
	res, err := f.cal.ImportCSV(as("ola"), strings.NewReader(excelES), nil)
	require.NoError(t, err)
	assert.Empty(t, res.Warnings)
	require.Len(t, res.Entries, 2)
	w := res.Entries[0]
	assert.Equal(t, "Catálogo de invierno", w.Title)
	assert.Equal(t, time.Date(2026, 11, 24, 9, 0, 0, 0, madrid), w.At.In(madrid))
	assert.Equal(t, []string{"promo", "invierno"}, w.Labels)
	require.Len(t, w.Variants, 2)
	assert.Equal(t, "¡Nuevo catálogo; ya!", w.Variants[0].Post.Text)
	assert.Equal(t, "Línea uno\nLínea dos: \"año\", niño, pingüino", w.Variants[1].Post.Text)
	assert.Equal(t, "Revisar con Begoña;\nluego publicar", w.Notes)
	pl := res.Entries[1]
	assert.Equal(t, "Zażółć gęślą jaźń", pl.Title)
	assert.Equal(t, "Świętujemy! Łódź, Kraków, Gdańsk", pl.Variants[0].Post.Text)
	assert.Equal(t, "Europe/Warsaw", pl.Zone)
	warsaw, _ := time.LoadLocation("Europe/Warsaw")
	assert.Equal(t, time.Date(2026, 11, 25, 13, 30, 0, 0, warsaw), pl.At.In(warsaw))
	assert.Len(t, entriesIn(t, f.cal), 2)
}

func TestImportCSVReadsTabSeparatedFiles(t *testing.T) {
	f := newFixture(t)
	tsv := "title\tchannel\ttext\tat\tzone\tlabels\n" +
		"Hola\tacme-es-x\tHola, mundo; ¿qué tal?\t2026-11-24 09:00\tEurope/Madrid\ta;b\n" +
		"Cześć\tacme-es-fb\t\"Dwie\tkolumny\nw jednej\"\t\t\t\n"
	res, err := f.cal.ImportCSV(as("ola"), strings.NewReader(tsv), nil)
	require.NoError(t, err)
	require.Len(t, res.Entries, 2)
	assert.Equal(t, "Hola, mundo; ¿qué tal?", res.Entries[0].Variants[0].Post.Text)
	assert.Equal(t, []string{"a", "b"}, res.Entries[0].Labels)
	assert.Equal(t, "Dwie\tkolumny\nw jednej", res.Entries[1].Variants[0].Post.Text)
}

func TestImportCSVDetectsTheSeparatorFromTheHeaderRow(t *testing.T) {
	for _, tc := range []struct{ name, csv string }{
		{"comma", "title,channel,text\nt,acme-es-x,\"a;b\tc\"\n"},
		{"semicolon", "title;channel;text\nt;acme-es-x;\"a;b\tc\"\n"},
		{"tab", "title\tchannel\ttext\nt\tacme-es-x\t\"a;b\tc\"\n"},
		{"quoted header", "\"title\";\"channel\";\"text\"\nt;acme-es-x;\"a;b\tc\"\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			res, err := f.cal.ImportCSV(as("ola"), strings.NewReader(tc.csv), nil)
			require.NoError(t, err)
			require.Len(t, res.Entries, 1)
			assert.Equal(t, "a;b\tc", res.Entries[0].Variants[0].Post.Text)
		})
	}
	// A header cell holding a comma: ';' gives three known names, ',' none,
	// so the odd column is named as it is.
	f := newFixture(t)
	_, err := f.cal.ImportCSV(as("ola"), strings.NewReader("\"title, or name\";title;channel;text\nx;t;acme-es-x;hi\n"), nil)
	assert.Equal(t, []string{"line 1, column 1: unknown_column"}, fieldsAndRules(t, err))
}

func TestImportCSVGivenSeparatorOverridesDetection(t *testing.T) {
	f := newFixture(t)
	res, err := f.cal.ImportCSV(as("ola"), strings.NewReader("title|channel|text\nt|acme-es-x|a, b; c\n"),
		&calendar.CSVOptions{Separator: '|'})
	require.NoError(t, err)
	require.Len(t, res.Entries, 1)
	assert.Equal(t, "a, b; c", res.Entries[0].Variants[0].Post.Text)

	_, err = f.cal.ImportCSV(as("ola"), strings.NewReader("title,channel,text\nt,acme-es-x,hi\n"),
		&calendar.CSVOptions{Separator: ';'})
	assert.Equal(t, []string{"line 1, column 1: unknown_column", "line 1: missing_column", "line 1: missing_column"},
		fieldsAndRules(t, err))
}

func TestImportCSVRefusesBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  calendar.CSVOptions
		field string
		rule  string
	}{
		{"quote separator", calendar.CSVOptions{Separator: '"'}, "CSVOptions.Separator", "format"},
		{"line feed separator", calendar.CSVOptions{Separator: '\n'}, "CSVOptions.Separator", "format"},
		{"invalid rune separator", calendar.CSVOptions{Separator: -1}, "CSVOptions.Separator", "format"},
		{"Local zone", calendar.CSVOptions{Zone: "Local"}, "CSVOptions.Zone", "unknown"},
		{"unknown zone", calendar.CSVOptions{Zone: "Mars/Base"}, "CSVOptions.Zone", "unknown"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.cal.ImportCSV(as("ola"), strings.NewReader(sheet), &tc.opts)
			require.ErrorIs(t, err, cmkit.ErrInvalid)
			assert.Equal(t, []string{tc.field + ": " + tc.rule}, fieldsAndRules(t, err))
			assert.Empty(t, entriesIn(t, f.cal))
		})
	}
}

func TestImportCSVReportsEveryBadRowAtOnce(t *testing.T) {
	f := newFixture(t)
	csv := "title;channel;text;at;zone\r\n" +
		"Bien;acme-es-x;hola;;\r\n" +
		"Mal canal;acme-tiktok;hola;;\r\n" +
		"Bien;acme-es-fb;hola;;\r\n" +
		"Sin texto;acme-es-x;;;\r\n" +
		"\"Hora\r\nmala\";acme-es-x;\"dos\r\nlíneas\";mañana;\r\n"
	_, err := f.cal.ImportCSV(as("ola"), strings.NewReader(csv), nil)
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	assert.Equal(t, []string{
		"line 3, column channel: unknown",
		"line 5, column text: required",
		"line 6, column title: control_character",
	}, fieldsAndRules(t, err))
	assert.Empty(t, entriesIn(t, f.cal))

	// Once the line feed in the title is fixed, the time is named on the line its cell starts.
	_, err = f.cal.ImportCSV(as("ola"), strings.NewReader(strings.Replace(csv, "\"Hora\r\nmala\"", "Hora", 1)), nil)
	assert.Equal(t, []string{
		"line 3, column channel: unknown",
		"line 5, column text: required",
		"line 7, column at: format",
	}, fieldsAndRules(t, err))
}

// Each problem of a file is listed, in file order, with nothing written.
func TestImportCSVListsEveryProblem(t *testing.T) {
	for _, tc := range []struct {
		name string
		csv  string
		dry  bool
		want []string
	}{
		{"of a row", "title,channel,text,zone,brand\n" +
			"t,nope,,Mars/Base,\n" +
			"t\x00,acme-es-x,h\x1bi,,\n" +
			"t,acme-es-x,hi,,globex\n", false, []string{
			"line 2, column channel: unknown",
			"line 2, column text: required",
			"line 2, column zone: unknown",
			"line 3, column title: control_character",
			"line 3, column text: control_character",
			"line 4, column brand: derived",
		}},
		{"of a row that joins an entry", "entry,title,channel,text,at,zone\n" +
			"k,a,acme-es-x,hi,2026-11-24 09:00,Europe/Madrid\n" +
			"k,b,acme-es-x,hi,2026-11-24 10:00,Europe/Madrid\n", false, []string{
			"line 3, column title: conflict",
			"line 3, column at: conflict",
			"line 3, column channel: unique",
		}},
		{"on a dry run", "title,channel,text\nt,nope,hi\nt,acme-es-x,\n", true, []string{
			"line 2, column channel: unknown",
			"line 3, column text: required",
		}},
		{"of the header", "title;colour;channel;size;Title\n", false, []string{
			"line 1, column 2: unknown_column",
			"line 1, column 4: unknown_column",
			"line 1, column 5: duplicate_column",
			"line 1: missing_column",
		}},
		// A quoting error stops the reading, after the problems found before it.
		{"up to a quoting error", "title,channel,text\nt,nope,hi\nt,acme-es-x,a\"b\nt,nope,hi\n", false, []string{
			"line 2, column channel: unknown",
			"line 3, character 14: csv",
		}},
		// Excel in Polish saves plain "CSV" as Windows-1250, not UTF-8.
		{"of Windows-1250 cells", "title;channel;text\r\nZni\xbfki;acme-es-x;Ju\xbf jest\r\n", false, []string{
			"line 2, column title: utf8",
			"line 2, column text: utf8",
		}},
		{"of a UTF-16 file as one", "\xff\xfet\x00i\x00t\x00l\x00e\x00", false, []string{"line 1: utf8"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			_, err := f.cal.ImportCSV(as("ola"), strings.NewReader(tc.csv), &calendar.CSVOptions{DryRun: tc.dry})
			require.ErrorIs(t, err, cmkit.ErrInvalid)
			assert.Equal(t, tc.want, fieldsAndRules(t, err))
			assert.Empty(t, entriesIn(t, f.cal))
		})
	}
}

// A refused row does not make its entry's other rows fail too: no "no
// title" for an entry whose titled row was refused.
func TestImportCSVSkipsOtherRowsOfARefusedEntry(t *testing.T) {
	f := newFixture(t)
	for _, csv := range []string{
		"entry,title,channel,text\nk,T,nope,hi\nk,,acme-es-x,hi\nk,,acme-es-fb,hi\n",
		"entry,title,channel,text\nk,T\x00,acme-es-x,hi\nk,,acme-es-fb,hi\n",
		"entry,title,channel,text\nk,T,acme-es-x\nk,,acme-es-fb,hi\n",
	} {
		_, err := f.cal.ImportCSV(as("ola"), strings.NewReader(csv), nil)
		require.ErrorIs(t, err, cmkit.ErrInvalid)
		assert.Len(t, problems(err), 1, err.Error())
	}
}

func TestImportCSVCapsTheListAtAHundred(t *testing.T) {
	f := newFixture(t)
	var b strings.Builder
	b.WriteString("title,channel,text\n")
	for range 150 {
		b.WriteString("t,nope,hi\n")
	}
	_, err := f.cal.ImportCSV(as("ola"), strings.NewReader(b.String()), nil)
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	errs := problems(err)
	require.Len(t, errs, 101)
	var last *cmkit.ValidationError
	require.ErrorAs(t, errs[100], &last)
	assert.Equal(t, "line 102, column channel", last.Field)
	assert.Equal(t, "too_many", last.Rule)
	assert.Contains(t, last.Detail, "50 more")
}

func TestImportCSVDryRunWritesNothingAndReturnsWhatImportWould(t *testing.T) {
	f := newFixture(t)
	existing, err := f.cal.Create(as("ola"), calendar.Entry{Title: "Before", Variants: variants("hi", "acme-es-x")})
	require.NoError(t, err)
	before := entriesIn(t, f.cal)

	dry, err := f.cal.ImportCSV(as("ola"), strings.NewReader(excelES), &calendar.CSVOptions{DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, before, entriesIn(t, f.cal), "store unchanged")
	got := f.get(t, existing)
	assert.Equal(t, existing.Version, got.Version)

	real, err := f.cal.ImportCSV(as("ola"), strings.NewReader(excelES), nil)
	require.NoError(t, err)
	require.Len(t, dry.Entries, len(real.Entries))
	for i, d := range dry.Entries {
		r := real.Entries[i]
		assert.Equal(t, r.Title, d.Title)
		assert.True(t, r.At.Equal(d.At))
		assert.Equal(t, r.Zone, d.Zone)
		assert.Equal(t, r.Brand, d.Brand, "derived on a dry run too")
		assert.Equal(t, r.Labels, d.Labels)
		assert.Equal(t, r.Notes, d.Notes)
		require.Len(t, d.Variants, len(r.Variants))
		for j := range d.Variants {
			assert.Equal(t, r.Variants[j].Channel, d.Variants[j].Channel)
			assert.Equal(t, r.Variants[j].Post.Text, d.Variants[j].Post.Text)
		}
		assert.Zero(t, d.ID, "not stored")
		assert.Empty(t, d.Author)
		assert.Empty(t, d.History)
	}
	assert.Equal(t, real.Warnings, dry.Warnings)
	assert.Len(t, entriesIn(t, f.cal), 3)
}

// csvTeam is a calendar with channels of two brands and pia, who may
// draft on acme-es-x only.
func csvTeam(t *testing.T) *calendar.Calendar {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	dir, err := roles.New(ctx, roles.NewMemoryStore(), roles.WithClock(f.clock), roles.WithLogger(quiet))
	require.NoError(t, err)
	require.NoError(t, dir.Bootstrap(ctx, &roles.Team{
		Members: []roles.Member{{ID: "sam"}, {ID: "pia"}},
		Grants: []roles.Grant{
			{Member: "sam", Role: roles.SocialMediaManager, Scope: roles.Scope{Brand: "*"}},
			{Member: "pia", Permission: roles.DraftPost, Scope: roles.Scope{Brand: "acme", Channel: "acme-es-x"}},
		},
	}))
	other, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Clock: f.clock, Info: cmkit.ChannelInfo{
		ID: "globex-x", Platform: cmkit.X, Brand: "globex"}})
	require.NoError(t, err)
	cal, err := calendar.New(calendar.NewMemoryStore(), calendar.WithTeam(dir), calendar.WithClock(f.clock),
		calendar.WithChannels(f.x, f.fb, other), calendar.WithLogger(quiet))
	require.NoError(t, err)
	return cal
}

func TestImportCSVRefusesAnEntryOfTwoBrands(t *testing.T) {
	cal := csvTeam(t)
	_, err := cal.ImportCSV(as("sam"), strings.NewReader("entry,title,channel,text,brand\n"+
		"k,t,acme-es-x,hi,\n"+
		"k,,globex-x,hi,\n"+
		",u,globex-x,hi,acme\n"+
		",v,globex-x,hi,globex\n"), nil)
	assert.Equal(t, []string{"line 3, column channel: one_brand", "line 4, column brand: derived"}, fieldsAndRules(t, err))
	assert.Empty(t, entriesIn(t, cal))

	res, err := cal.ImportCSV(as("sam"), strings.NewReader("title,channel,text\nt,globex-x,hi\n"), &calendar.CSVOptions{DryRun: true})
	require.NoError(t, err)
	assert.Equal(t, "globex", res.Entries[0].Brand, "derived from the channel")
}

func TestImportCSVDeniesEveryEntryTheMemberMayNotDraft(t *testing.T) {
	cal := csvTeam(t)
	csv := "title,channel,text\na,acme-es-x,hi\nb,acme-es-fb,hi\nc,acme-es-x,hi\nd,acme-es-fb,hi\n"
	for _, dry := range []bool{false, true} {
		_, err := cal.ImportCSV(as("pia"), strings.NewReader(csv), &calendar.CSVOptions{DryRun: dry})
		require.ErrorIs(t, err, cmkit.ErrForbidden)
		assert.NotErrorIs(t, err, cmkit.ErrInvalid)
		errs := problems(err)
		require.Len(t, errs, 2)
		assert.Contains(t, errs[0].Error(), "line 3")
		assert.Contains(t, errs[1].Error(), "line 5")
		assert.Empty(t, entriesIn(t, cal))
	}
	// A bad file is reported as such before anyone's permissions.
	_, err := cal.ImportCSV(as("pia"), strings.NewReader(csv+"e,nope,hi\n"), nil)
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	assert.NotErrorIs(t, err, cmkit.ErrForbidden)
}

func TestImportCSVDefaultZoneReadsWallTimesOfRowsWithoutZone(t *testing.T) {
	f := newFixture(t)
	warsaw, _ := time.LoadLocation("Europe/Warsaw")
	res, err := f.cal.ImportCSV(as("ola"), strings.NewReader("title,channel,text,at,zone\n"+
		"zima,acme-es-x,hi,2026-11-24 09:00,\n"+
		"lato,acme-es-x,hi,2026-06-24 09:00,\n"+
		"madrid,acme-es-x,hi,2026-06-24 09:00,Europe/Madrid\n"+
		"undated,acme-es-x,hi,,\n"), &calendar.CSVOptions{Zone: "Europe/Warsaw"})
	require.NoError(t, err)
	require.Len(t, res.Entries, 4)
	assert.Equal(t, time.Date(2026, 11, 24, 9, 0, 0, 0, warsaw), res.Entries[0].At.In(warsaw))
	assert.Equal(t, "2026-06-24T07:00:00Z", res.Entries[1].At.UTC().Format(time.RFC3339), "09:00 CEST")
	assert.Equal(t, time.Date(2026, 6, 24, 9, 0, 0, 0, madrid), res.Entries[2].At.In(madrid))
	assert.Equal(t, []string{"Europe/Warsaw", "Europe/Warsaw", "Europe/Madrid", "Europe/Warsaw"},
		[]string{res.Entries[0].Zone, res.Entries[1].Zone, res.Entries[2].Zone, res.Entries[3].Zone})
	assert.Empty(t, res.Warnings)
}

func TestImportCSVWarnsThatAFixedOffsetWithoutZoneLosesDaylightSavingProtection(t *testing.T) {
	f := newFixture(t)
	res, err := f.cal.ImportCSV(as("ola"), strings.NewReader("entry,title,channel,text,at,zone\n"+
		",a,acme-es-x,hi,2026-11-23T09:00:00+01:00,\n"+
		",b,acme-es-x,hi,2026-11-23T08:00:00Z,\n"+
		",c,acme-es-x,hi,2026-11-23T09:00:00+01:00,Europe/Madrid\n"+
		"k,d,acme-es-x,hi,,\n"+
		"k,,acme-es-fb,hi,2026-11-23T09:00:00+01:00,\n"), nil)
	require.NoError(t, err)
	require.Len(t, res.Entries, 4)
	var where []string
	for _, w := range res.Warnings {
		where = append(where, w.Field+": "+w.Rule)
		assert.Contains(t, w.Detail, "daylight-saving")
	}
	assert.Equal(t, []string{"line 2, column at: fixed_offset", "line 3, column at: fixed_offset",
		"line 6, column at: fixed_offset"}, where)
	assert.True(t, res.Entries[0].At.Equal(time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)), "the instant is kept")
	assert.Empty(t, res.Entries[0].Zone)
	assert.Len(t, entriesIn(t, f.cal), 4, "a warning does not stop the import")

	// A default zone gives such rows a zone: no warning then.
	res, err = f.cal.ImportCSV(as("ola"), strings.NewReader("title,channel,text,at\na,acme-es-x,hi,2026-11-23T09:00:00+01:00\n"),
		&calendar.CSVOptions{Zone: "Europe/Madrid", DryRun: true})
	require.NoError(t, err)
	assert.Empty(t, res.Warnings)
	assert.Equal(t, "Europe/Madrid", res.Entries[0].Zone)
}

func TestImportCSVWarnsOfAnOffsetThatIsNotTheZones(t *testing.T) {
	f := newFixture(t)
	res, err := f.cal.ImportCSV(as("ola"), strings.NewReader("title,channel,text,at,zone\n"+
		"summer,acme-es-x,hi,2026-07-01T09:00:00+01:00,Europe/Madrid\n"+
		"winter,acme-es-x,hi,2026-12-01T09:00:00+01:00,Europe/Madrid\n"+
		"default,acme-es-x,hi,2026-07-01T09:00:00+01:00,\n"), &calendar.CSVOptions{Zone: "Europe/Madrid"})
	require.NoError(t, err)
	require.Len(t, res.Warnings, 2)
	assert.Equal(t, calendar.CSVWarning{Field: "line 2, column at", Rule: "offset_mismatch",
		Detail: "2026-07-01T09:00:00+01:00: on that date Europe/Madrid is at +02:00, so this is 2026-07-01 10:00 there"}, res.Warnings[0])
	assert.Equal(t, "line 4, column at", res.Warnings[1].Field)
	assert.Equal(t, "line 2, column at: offset_mismatch: "+res.Warnings[0].Detail, res.Warnings[0].String())
}

// Drafts may exceed a channel's limits: those, and Checkers, are applied
// by Schedule (and Validate), as for any draft made with Create.
func TestImportCSVLeavesLimitsToSchedule(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("ñ", 400)
	res, err := f.cal.ImportCSV(as("ola"), strings.NewReader("title,channel,text\nt,acme-es-x,"+long+"\n"), nil)
	require.NoError(t, err)
	require.Len(t, res.Entries, 1)
	var ce *calendar.CheckError
	assert.ErrorAs(t, f.cal.Validate(context.Background(), &res.Entries[0]), &ce)
}
