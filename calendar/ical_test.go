package calendar_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/calendar/recur"
)

// icalProp is one parsed content line.
type icalProp struct {
	name   string
	params map[string]string
	value  string
}

// parseICal is a small RFC 5545 reader written for the tests: it checks
// CRLF endings and line lengths, unfolds, splits name, parameters and value,
// and unescapes TEXT.
func parseICal(t *testing.T, data []byte) []icalProp {
	t.Helper()
	s := string(data)
	require.True(t, strings.HasSuffix(s, "\r\n"), "CRLF line ends")
	raw := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var lines []string
	for i, l := range raw {
		require.LessOrEqual(t, len(l), 75, "line %d is %d octets: %q", i+1, len(l), l)
		require.NotContains(t, l, "\n", "a bare LF")
		require.True(t, utf8.ValidString(l), "line %d is not UTF-8: %q", i+1, l)
		require.False(t, strings.ContainsFunc(l, func(r rune) bool { return unicode.IsControl(r) && r != '\t' }),
			"line %d has a control character other than a tab: %q", i+1, l)
		if strings.HasPrefix(l, " ") {
			require.NotEmpty(t, lines, "a continuation without a line")
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	var out []icalProp
	for _, l := range lines {
		colon := strings.IndexByte(l, ':')
		require.Positive(t, colon, l)
		head, value := l[:colon], l[colon+1:]
		parts := strings.Split(head, ";")
		p := icalProp{name: parts[0], params: map[string]string{}, value: value}
		for _, kv := range parts[1:] {
			k, v, _ := strings.Cut(kv, "=")
			p.params[k] = v
		}
		out = append(out, p)
	}
	return out
}

func unescape(s string) string {
	r := strings.NewReplacer(`\n`, "\n", `\N`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`)
	return r.Replace(s)
}

func TestICalExportParsesBack(t *testing.T) {
	f := newFixture(t)
	long := strings.Repeat("¡Descuento de invierno, sólo hoy; 👨‍👩‍👧 ", 6) + "\nSegunda línea"
	winter := f.scheduled(t, time.Date(2026, 12, 1, 9, 0, 0, 0, madrid), long, "acme-es-x", "acme-es-mastodon")
	summer := f.scheduled(t, time.Date(2027, 6, 1, 9, 0, 0, 0, madrid), "Verano", "acme-es-mastodon")
	var buf bytes.Buffer
	require.NoError(t, f.cal.ExportICal(context.Background(), &buf, calendar.Query{}, calendar.ICalOptions{Name: "Acme, España"}))
	props := parseICal(t, buf.Bytes())

	assert.Equal(t, "BEGIN", props[0].name)
	assert.Equal(t, "VCALENDAR", props[0].value)
	var events []map[string]icalProp
	var cur map[string]icalProp
	var tzOffsets []string
	for _, p := range props {
		switch {
		case p.name == "BEGIN" && p.value == "VEVENT":
			cur = map[string]icalProp{}
		case p.name == "END" && p.value == "VEVENT":
			events = append(events, cur)
			cur = nil
		case cur != nil:
			cur[p.name] = p
		case p.name == "TZOFFSETTO":
			tzOffsets = append(tzOffsets, p.value)
		case p.name == "X-WR-CALNAME":
			assert.Equal(t, "Acme, España", unescape(p.value))
		}
	}
	require.Len(t, events, 2)
	assert.Contains(t, tzOffsets, "+0100")
	assert.Contains(t, tzOffsets, "+0200")

	byUID := map[string]map[string]icalProp{}
	for _, ev := range events {
		byUID[ev["UID"].value] = ev
	}
	w := byUID[winter.ID.String()+"@cmkit"]
	require.NotNil(t, w)
	assert.Equal(t, "Europe/Madrid", w["DTSTART"].params["TZID"])
	assert.Equal(t, "20261201T090000", w["DTSTART"].value, "09:00 local in winter")
	assert.Equal(t, "Winter catalogue", unescape(w["SUMMARY"].value))
	assert.Contains(t, unescape(w["DESCRIPTION"].value), "[acme-es-x] "+long)
	assert.Equal(t, "CONFIRMED", w["STATUS"].value)
	assert.Equal(t, "PT15M", w["DURATION"].value)
	s := byUID[summer.ID.String()+"@cmkit"]
	assert.Equal(t, "20270601T090000", s["DTSTART"].value, "09:00 local in summer too")
}

func TestICalEscapingAndFolding(t *testing.T) {
	e := calendar.Entry{ID: cmkit.NewID(), Title: `a\b;c,d` + "\r\ne", At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Labels: []string{"promo,2026", "x;y"}, Campaign: "winter",
		Variants: []calendar.Variant{{Channel: "c", Post: cmkit.Post{Text: strings.Repeat("ż", 100)}}}}
	var buf bytes.Buffer
	seq := func(yield func(calendar.Entry, error) bool) { yield(e, nil) }
	require.NoError(t, calendar.WriteICal(&buf, seq, calendar.ICalOptions{Now: e.At}))
	props := parseICal(t, buf.Bytes())
	got := map[string]string{}
	for _, p := range props {
		got[p.name] = p.value
	}
	assert.Equal(t, `a\\b\;c\,d\ne`, got["SUMMARY"])
	assert.Equal(t, `promo\,2026,x\;y,winter`, got["CATEGORIES"])
	assert.Equal(t, "20260102T030405Z", got["DTSTART"], "no zone: UTC")
	assert.Contains(t, unescape(got["DESCRIPTION"]), strings.Repeat("ż", 100), "folding never splits a UTF-8 sequence")
}

// Create refuses control characters and invalid UTF-8, but a store may
// hold entries written another way (an older version, a migration); the
// export drops control characters (tabs aside) and writes U+FFFD for each
// bad byte, so that the file stays valid (parseICal checks every line).
func TestICalExportDropsControlCharactersAndInvalidUTF8(t *testing.T) {
	f := newFixture(t)
	e := calendar.Entry{
		Title: "Sale\x00 \x1b[1mnow\x7f\xff!", At: time.Date(2026, 12, 1, 9, 0, 0, 0, madrid), Zone: "Europe/Madrid",
		Labels: []string{"pro\u0085mo"}, Notes: "bell\a\tend",
		Variants: variants("line\r\none\x0bstill\xc3", "acme-es-x"),
	}
	_, err := f.cal.Create(as("ola"), e)
	require.ErrorIs(t, err, cmkit.ErrInvalid, "Create refuses them")
	e.ID, e.State, e.Author = cmkit.NewID(), calendar.Draft, "ola"
	_, err = f.store.Put(context.Background(), e)
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, f.cal.ExportICal(context.Background(), &buf, calendar.Query{}, calendar.ICalOptions{}))
	got := map[string]icalProp{}
	for _, p := range parseICal(t, buf.Bytes()) {
		got[p.name] = p
	}
	assert.Equal(t, "Sale [1mnow\uFFFD!", unescape(got["SUMMARY"].value))
	assert.Equal(t, "promo", unescape(got["CATEGORIES"].value))
	assert.Contains(t, unescape(got["DESCRIPTION"].value), "[acme-es-x] line\nonestill\uFFFD")
	assert.Contains(t, unescape(got["DESCRIPTION"].value), "Notes: bell\tend")
	assert.Equal(t, "Europe/Madrid", got["DTSTART"].params["TZID"])
}

// icalEvents returns the properties of each VEVENT, by name, in the order
// the file has them.
func icalEvents(props []icalProp) []map[string][]icalProp {
	var events []map[string][]icalProp
	var cur map[string][]icalProp
	for _, p := range props {
		switch {
		case p.name == "BEGIN" && p.value == "VEVENT":
			cur = map[string][]icalProp{}
		case p.name == "END" && p.value == "VEVENT":
			events = append(events, cur)
			cur = nil
		case cur != nil:
			cur[p.name] = append(cur[p.name], p)
		}
	}
	return events
}

// icalInstant reads a DATE-TIME property back as RFC 5545 does: UTC when
// it ends in Z, else local time in its TZID, the first instant of a
// repeated wall time.
func icalInstant(t *testing.T, p icalProp) time.Time {
	t.Helper()
	if strings.HasSuffix(p.value, "Z") {
		at, err := time.Parse("20060102T150405Z", p.value)
		require.NoError(t, err)
		return at
	}
	require.NotEmpty(t, p.params["TZID"], "%s:%s has neither Z nor TZID", p.name, p.value)
	loc, err := time.LoadLocation(p.params["TZID"])
	require.NoError(t, err)
	w, err := recur.ParseWallTime(p.value)
	require.NoError(t, err)
	return w.In(loc)
}

// entrySeq yields entries the way Calendar.Entries does.
func entrySeq(entries ...calendar.Entry) iter.Seq2[calendar.Entry, error] {
	return func(yield func(calendar.Entry, error) bool) {
		for _, e := range entries {
			if !yield(e, nil) {
				return
			}
		}
	}
}

// writeEntries returns entries written by WriteICal.
func writeEntries(t *testing.T, opts calendar.ICalOptions, entries ...calendar.Entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, calendar.WriteICal(&buf, entrySeq(entries...), opts))
	return buf.Bytes()
}

// An instant whose local time readers could take for another one, either
// instant of a wall time a fall-back night repeats, or one just after a
// spring-forward jump, is written in UTC; other times keep the local form
// with TZID. Every DTSTART reads back as the entry's instant.
func TestICalDaylightSavingFoldIsWrittenInUTC(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	utc := func(s string) time.Time {
		at, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return at
	}
	tests := []struct {
		name string
		zone string
		loc  *time.Location
		at   time.Time
		want string // the DTSTART value; a TZID when it has no Z
	}{
		{"New York, summer", "America/New_York", ny, utc("2026-07-01T13:00:00Z"), "20260701T090000"},
		{"New York, winter", "America/New_York", ny, utc("2026-12-01T14:00:00Z"), "20261201T090000"},
		{"New York, fall-back night before the fold", "America/New_York", ny, utc("2026-11-01T04:59:59Z"), "20261101T005959"},
		{"New York, 01:30 EDT, first of the repeated hour", "America/New_York", ny, utc("2026-11-01T05:30:00Z"), "20261101T053000Z"},
		{"New York, 01:30 EST, second of the repeated hour", "America/New_York", ny, utc("2026-11-01T06:30:00Z"), "20261101T063000Z"},
		{"New York, 01:00 EST, second start of the hour", "America/New_York", ny, utc("2026-11-01T06:00:00Z"), "20261101T060000Z"},
		{"New York, 02:00 EST, after the fold", "America/New_York", ny, utc("2026-11-01T07:00:00Z"), "20261101T020000"},
		{"New York, spring-forward night before the jump", "America/New_York", ny, utc("2026-03-08T06:30:00Z"), "20260308T013000"},
		{"New York, 03:30 EDT, just after the jump", "America/New_York", ny, utc("2026-03-08T07:30:00Z"), "20260308T073000Z"},
		{"New York, 04:00 EDT", "America/New_York", ny, utc("2026-03-08T08:00:00Z"), "20260308T040000"},
		{"Madrid, summer", "Europe/Madrid", madrid, utc("2026-07-01T07:00:00Z"), "20260701T090000"},
		{"Madrid, 01:59 CEST before the fold", "Europe/Madrid", madrid, utc("2026-10-24T23:59:00Z"), "20261025T015900"},
		{"Madrid, 02:30 CEST, first of the repeated hour", "Europe/Madrid", madrid, utc("2026-10-25T00:30:00Z"), "20261025T003000Z"},
		{"Madrid, 02:30 CET, second of the repeated hour", "Europe/Madrid", madrid, utc("2026-10-25T01:30:00Z"), "20261025T013000Z"},
		{"Madrid, 03:00 CET, after the fold", "Europe/Madrid", madrid, utc("2026-10-25T02:00:00Z"), "20261025T030000"},
		{"Madrid, 03:30 CEST, just after the jump", "Europe/Madrid", madrid, utc("2026-03-29T01:30:00Z"), "20260329T013000Z"},
		{"Madrid, 01:30 CET before the jump", "Europe/Madrid", madrid, utc("2026-03-29T00:30:00Z"), "20260329T013000"},
		{"no zone", "", nil, utc("2026-11-01T05:30:00Z"), "20261101T053000Z"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := calendar.Entry{ID: cmkit.NewID(), Title: "t", At: tt.at, Zone: tt.zone, State: calendar.Scheduled}
			if tt.loc != nil {
				e.At = e.At.In(tt.loc)
			}
			events := icalEvents(parseICal(t, writeEntries(t, calendar.ICalOptions{Now: tt.at}, e)))
			require.Len(t, events, 1)
			start := events[0]["DTSTART"][0]
			assert.Equal(t, tt.want, start.value)
			if strings.HasSuffix(tt.want, "Z") {
				assert.Empty(t, start.params["TZID"])
			} else {
				assert.Equal(t, tt.zone, start.params["TZID"])
			}
			assert.True(t, icalInstant(t, start).Equal(tt.at), "read back as %s, want %s", icalInstant(t, start), tt.at)
		})
	}
}

// icalControls are the characters RFC 5545 TEXT may not hold (3.3.11:
// CONTROL but HTAB), C1 controls, and CR and LF, which text writes as \n.
func icalControls() []rune {
	var cs []rune
	for c := rune(0); c < 0x20; c++ {
		if c != '\t' {
			cs = append(cs, c)
		}
	}
	cs = append(cs, 0x7f)
	for c := rune(0x80); c < 0xa0; c++ {
		cs = append(cs, c)
	}
	return cs
}

// Every control character, through every field of an entry that reaches
// the file (calendar name, title, labels, campaign, notes, channel, post
// text), for a single entry, a series' event and an override: none is
// written, and the text around it is.
func TestICalNoControlCharacterInAnyField(t *testing.T) {
	for _, c := range icalControls() {
		t.Run(fmt.Sprintf("U+%04X", c), func(t *testing.T) {
			s := "a" + string(c) + "b"
			want := "ab"
			if c == '\r' || c == '\n' {
				want = "a\nb"
			}
			mk := func(at time.Time) calendar.Entry {
				return calendar.Entry{ID: cmkit.NewID(), Title: "title " + s, At: at, Zone: "Europe/Madrid", State: calendar.Draft,
					Labels: []string{"label " + s}, Campaign: "campaign " + s, Notes: "notes " + s,
					Variants: []calendar.Variant{{Channel: "channel " + s, Post: cmkit.Post{Text: "text " + s}}}}
			}
			single := mk(time.Date(2026, 12, 1, 9, 0, 0, 0, madrid))
			rec := recurrence(t, "FREQ=DAILY;COUNT=3", recur.WallTime{Year: 2026, Month: 12, Day: 7, Hour: 9})
			var series []calendar.Entry
			for i := range 3 {
				e := mk(time.Date(2026, 12, 7+i, 9, 0, 0, 0, madrid))
				e.Series, e.Occurrence = series0(series, e), e.At
				series = append(series, e)
			}
			series[0].Recurrence = &rec
			series[2].Title = "edited " + s // an override
			data := writeEntries(t, calendar.ICalOptions{Name: "name " + s, Now: monday}, append([]calendar.Entry{single}, series...)...)

			for i, b := range data {
				switch {
				case b == '\r':
					require.Equal(t, byte('\n'), data[i+1], "a CR not in CRLF at %d", i)
				case b == '\n':
					require.Equal(t, byte('\r'), data[i-1], "an LF not in CRLF at %d", i)
				case b < 0x20 && b != '\t', b == 0x7f:
					t.Fatalf("control byte %#x at %d: %q", b, i, data[max(0, i-40):min(len(data), i+40)])
				}
			}
			require.True(t, utf8.Valid(data))
			require.False(t, strings.ContainsFunc(string(data), func(r rune) bool { return r >= 0x80 && r < 0xa0 }), "a C1 control")

			props := parseICal(t, data)
			for _, p := range props {
				if p.name == "X-WR-CALNAME" {
					assert.Equal(t, "name "+want, unescape(p.value))
				}
			}
			events := icalEvents(props)
			require.Len(t, events, 3, "the single entry, the series, one override")
			for i, ev := range events {
				title := "title " + want
				if i == 2 {
					title = "edited " + want
				}
				assert.Equal(t, title, unescape(ev["SUMMARY"][0].value))
				assert.Equal(t, "label "+want+",campaign "+want, unescape(ev["CATEGORIES"][0].value))
				desc := unescape(ev["DESCRIPTION"][0].value)
				assert.Contains(t, desc, "[channel "+want+"] text "+want)
				assert.Contains(t, desc, "Notes: notes "+want)
			}
		})
	}
}

// series0 returns the series ID for the next entry of series (made by hand,
// as a store holds them): the first entry's own ID.
func series0(series []calendar.Entry, e calendar.Entry) uuid.UUID {
	if len(series) == 0 {
		return e.ID
	}
	return series[0].ID
}

// A zone that does not load (a control character in its name, say) is an
// error that names the entry, and nothing is written.
func TestICalBadZoneWritesNothing(t *testing.T) {
	for _, zone := range []string{"Europe/Madrid\x00", "Europe/Madr\x1bid", "Mars/Olympus"} {
		e := calendar.Entry{ID: cmkit.NewID(), Title: "t", At: monday, Zone: zone}
		var buf bytes.Buffer
		err := calendar.WriteICal(&buf, entrySeq(e), calendar.ICalOptions{})
		require.Error(t, err)
		assert.Contains(t, err.Error(), e.ID.String())
		assert.Zero(t, buf.Len())
	}
}

// An error from the entries comes before anything is written.
func TestICalEntriesErrorWritesNothing(t *testing.T) {
	boom := errors.New("store down")
	seq := func(yield func(calendar.Entry, error) bool) {
		if yield(calendar.Entry{ID: cmkit.NewID(), Title: "t", At: monday, Zone: "Europe/Madrid"}, nil) {
			yield(calendar.Entry{}, boom)
		}
	}
	var buf bytes.Buffer
	require.ErrorIs(t, calendar.WriteICal(&buf, seq, calendar.ICalOptions{}), boom)
	assert.Zero(t, buf.Len())
}
