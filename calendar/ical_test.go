package calendar_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
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
