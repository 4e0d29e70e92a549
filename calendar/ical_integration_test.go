//go:build integration

package calendar_test

// Independent readers for the iCalendar export: Debian's python3-icalendar
// and python3-vobject, run through testdata/icalcheck.py, which prints
// every occurrence a file holds (series expanded, EXDATEs and overrides
// applied). Every instant and every text they read back must be the
// entries' own. Run with
//
//	go test -tags integration -run ICal ./calendar/
//
// after apt-get install -y python3-icalendar python3-vobject.

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/calendar/recur"
)

const (
	systemPython   = "/usr/bin/python3" // where Debian's python3-* packages install
	installReaders = "apt-get install -y python3-icalendar python3-vobject"
)

// readerOccurrence is one line of icalcheck.py's output.
type readerOccurrence struct {
	UID         string   `json:"uid"`
	Start       string   `json:"start"`
	Summary     string   `json:"summary"`
	Description string   `json:"description"`
	Categories  []string `json:"categories"`
	Status      string   `json:"status"`
}

// requireReaders fails the test, never skips it, when the readers are not
// installed.
func requireReaders(t *testing.T) {
	t.Helper()
	out, err := exec.Command(systemPython, "-c", "import icalendar, vobject, dateutil, pytz").CombinedOutput()
	if err != nil {
		t.Fatalf("%s cannot import the iCalendar readers (%v: %s); %s", systemPython, err, strings.TrimSpace(string(out)), installReaders)
	}
}

// readBack writes data to a file and returns what reader reads from it.
func readBack(t *testing.T, reader string, data []byte) []readerOccurrence {
	t.Helper()
	path := filepath.Join(t.TempDir(), "export.ics")
	require.NoError(t, os.WriteFile(path, data, 0o600))
	cmd := exec.Command(systemPython, filepath.Join("testdata", "icalcheck.py"), reader, path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "%s: %s", reader, stderr.String())
	var occs []readerOccurrence
	require.NoError(t, json.Unmarshal(out, &occs))
	return occs
}

// asWritten is what the export promises to keep of a text: control
// characters dropped but tab and line breaks, each line break (CRLF, CR or
// LF) one LF.
func asWritten(s string) string {
	s = strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' && r != '\n' {
			return -1
		}
		return r
	}, s)
}

// wantOccurrences is what a reader should show for entries, from the
// entries' own fields: each entry outside a series, and each occurrence of
// a series that is not cancelled, at its instant, under the UID of its
// series, with its title, a description of its state, channels' texts and
// notes, its labels and campaign as categories, and its status.
func wantOccurrences(entries []calendar.Entry) []readerOccurrence {
	var out []readerOccurrence
	for _, e := range entries {
		uid := e.ID
		if e.Series != uuid.Nil {
			if e.State == calendar.Cancelled {
				continue
			}
			uid = e.Series
		}
		desc := fmt.Sprintf("State: %s", e.State)
		for _, v := range e.Variants {
			desc += fmt.Sprintf("\n\n[%s] %s", v.Channel, v.Post.Text)
		}
		if e.Notes != "" {
			desc += "\n\nNotes: " + e.Notes
		}
		cats := []string{}
		for _, l := range e.Labels {
			cats = append(cats, asWritten(l))
		}
		if e.Campaign != "" {
			cats = append(cats, asWritten(e.Campaign))
		}
		status := "TENTATIVE"
		switch e.State {
		case calendar.Cancelled:
			status = "CANCELLED"
		case calendar.Scheduled, calendar.Publishing, calendar.Published:
			status = "CONFIRMED"
		}
		out = append(out, readerOccurrence{UID: uid.String() + "@cmkit", Start: e.At.UTC().Format("2006-01-02T15:04:05Z"),
			Summary: asWritten(e.Title), Description: asWritten(desc), Categories: cats, Status: status})
	}
	slices.SortFunc(out, func(a, b readerOccurrence) int {
		return strings.Compare(a.Start+" "+a.UID+" "+a.Summary, b.Start+" "+b.UID+" "+b.Summary)
	})
	return out
}

// readerEntries returns, by scenario, entries whose export the readers
// check.
func readerEntries(t *testing.T) map[string][]calendar.Entry {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	entry := func(title string, at time.Time, zone string) calendar.Entry {
		if zone != "" {
			loc, err := time.LoadLocation(zone)
			require.NoError(t, err)
			at = at.In(loc)
		}
		return calendar.Entry{ID: cmkit.NewID(), Title: title, At: at, Zone: zone, State: calendar.Scheduled,
			Labels: []string{"promo"}, Variants: []calendar.Variant{{Channel: "acme-es-x", Post: cmkit.Post{Text: title}}}}
	}
	utc := func(s string) time.Time {
		at, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return at
	}
	out := map[string][]calendar.Entry{}

	// Both instants of the repeated hour on the fall-back nights, the
	// instants around them, and around the spring-forward jumps.
	for _, c := range []struct{ at, zone string }{
		{"2026-11-01T04:30:00Z", "America/New_York"}, // 00:30 EDT
		{"2026-11-01T05:00:00Z", "America/New_York"}, // 01:00 EDT
		{"2026-11-01T05:30:00Z", "America/New_York"}, // 01:30 EDT
		{"2026-11-01T06:00:00Z", "America/New_York"}, // 01:00 EST
		{"2026-11-01T06:30:00Z", "America/New_York"}, // 01:30 EST
		{"2026-11-01T07:30:00Z", "America/New_York"}, // 02:30 EST
		{"2026-03-08T06:30:00Z", "America/New_York"}, // 01:30 EST
		{"2026-03-08T07:30:00Z", "America/New_York"}, // 03:30 EDT
		{"2026-10-24T23:30:00Z", "Europe/Madrid"},    // 01:30 CEST
		{"2026-10-25T00:30:00Z", "Europe/Madrid"},    // 02:30 CEST
		{"2026-10-25T01:30:00Z", "Europe/Madrid"},    // 02:30 CET
		{"2026-10-25T02:30:00Z", "Europe/Madrid"},    // 03:30 CET
		{"2026-03-29T00:30:00Z", "Europe/Madrid"},    // 01:30 CET
		{"2026-03-29T01:30:00Z", "Europe/Madrid"},    // 03:30 CEST
		{"2026-07-01T07:00:00Z", "Europe/Madrid"},    // 09:00 CEST
		{"2026-11-01T05:30:00Z", ""},                 // no zone
	} {
		at := utc(c.at)
		out["fold"] = append(out["fold"], entry(c.zone+" "+at.In(ny).Format(time.RFC3339), at, c.zone))
	}

	// Every control character in every text field.
	for i, c := range icalControls() {
		s := fmt.Sprintf("a%cb", c)
		e := entry("Título "+s, utc("2026-12-01T08:00:00Z").Add(time.Duration(i)*time.Hour), "Europe/Madrid")
		e.Labels, e.Campaign, e.Notes = []string{"label " + s, "tab\t" + s}, "campaign "+s, "notes "+s+"\r\nend"
		e.Variants = []calendar.Variant{{Channel: "channel " + s, Post: cmkit.Post{Text: "text " + s}},
			{Channel: "acme-pl-x", Post: cmkit.Post{Text: "druga " + s}}}
		out["controls"] = append(out["controls"], e)
	}

	// Spanish, Polish, emoji, and long lines whose folds fall at every
	// offset of a multi-byte character.
	texts := []string{
		"¡Nuevo catálogo de invierno! Año nuevo; señal «ñandú» — 50 % dto.",
		"Zażółć gęślą jaźń. Świąteczna promocja: łódź, źdźbło, Łódź, Gdańsk, Kraków",
		"Emoji: 👨‍👩‍👧‍👦 🎉🇪🇸🇵🇱 ❤️‍🔥 1️⃣",
	}
	for pad := range 4 {
		texts = append(texts, strings.Repeat("x", pad)+strings.Repeat("ż😀€ñ", 40))
	}
	for i, text := range texts {
		e := entry(text, utc("2027-01-04T08:00:00Z").AddDate(0, 0, i), "Europe/Warsaw")
		e.Notes, e.Campaign, e.Labels = strings.Repeat(text+" ", 3), "kampania "+text[:min(len(text), 20)], []string{"łódź", "ñandú"}
		e.Variants = append(e.Variants, calendar.Variant{Channel: "acme-es-mastodon", Post: cmkit.Post{Text: strings.Repeat(text, 5)}})
		out["unicode"] = append(out["unicode"], e)
	}
	return out
}

// readerSeries makes, in a calendar, a weekly series of 13 Fridays across
// the March change in Madrid, with one occurrence cancelled, one moved and
// one edited, and returns its entries.
func readerSeries(t *testing.T) []calendar.Entry {
	f := newFixture(t)
	rec := recurrence(t, "FREQ=WEEKLY;BYDAY=FR;COUNT=13", recur.WallTime{Year: 2026, Month: 3, Day: 6, Hour: 9})
	es, err := f.cal.CreateSeries(as("bea"), calendar.Entry{Title: "Viernes: ¡feliz fin de semana! 🎉", Brand: "acme",
		Labels: []string{"weekly"}, Variants: variants("¡Feliz viernes! Zażółć gęślą jaźń", "acme-es-mastodon", "acme-es-x")},
		rec, time.Date(2026, 12, 31, 0, 0, 0, 0, madrid))
	require.NoError(t, err)
	_, err = f.cal.Cancel(as("bea"), es[4].ID, es[4].Version)
	require.NoError(t, err)
	moved := es[7].Clone()
	moved.At = time.Date(2026, 4, 25, 11, 0, 0, 0, madrid)
	_, err = f.cal.Update(as("bea"), moved)
	require.NoError(t, err)
	edited := es[10].Clone()
	edited.Title, edited.Notes = "Viernes: edición especial", "cambiado a mano"
	_, err = f.cal.Update(as("bea"), edited)
	require.NoError(t, err)
	return seriesEntries(t, f, es[0])
}

// TestICalReaders writes each scenario's entries with WriteICal and checks
// that both Python readers show exactly the entries: every instant, title,
// description, category and status.
func TestICalReaders(t *testing.T) {
	requireReaders(t)
	scenarios := readerEntries(t)
	scenarios["series"] = readerSeries(t)
	for _, name := range []string{"fold", "controls", "unicode", "series"} {
		entries := scenarios[name]
		require.NotEmpty(t, entries)
		data := writeEntries(t, calendar.ICalOptions{Name: "cmkit " + name, Now: monday}, entries...)
		want := wantOccurrences(entries)
		for _, reader := range []string{"icalendar", "vobject"} {
			t.Run(name+"/"+reader, func(t *testing.T) {
				got := readBack(t, reader, data)
				assert.Equal(t, want, got)
			})
		}
	}
}

// The series scenario is written as a series: one master with an EXDATE
// and two overrides, not as one event per entry.
func TestICalReadersSeriesShape(t *testing.T) {
	events := icalEvents(parseICal(t, writeEntries(t, calendar.ICalOptions{Now: monday}, readerSeries(t)...)))
	require.Len(t, events, 3)
	assert.Contains(t, events[0], "RRULE")
	assert.Len(t, events[0]["EXDATE"], 1)
	assert.Contains(t, events[1], "RECURRENCE-ID")
	assert.Contains(t, events[2], "RECURRENCE-ID")
}
