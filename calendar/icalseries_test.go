package calendar_test

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/calendar/recur"
)

// expandICal returns the instants a reader shows for the events of one
// UID: the master's RRULE expanded from its DTSTART with the recur package,
// minus its EXDATEs, with each RECURRENCE-ID replaced by its override's
// DTSTART; and the SUMMARY shown at each instant.
func expandICal(t *testing.T, events []map[string][]icalProp) map[time.Time]string {
	t.Helper()
	var master map[string][]icalProp
	overrides := map[time.Time]map[string][]icalProp{}
	for _, ev := range events {
		if rid, ok := ev["RECURRENCE-ID"]; ok {
			overrides[icalInstant(t, rid[0]).UTC()] = ev
			continue
		}
		if _, ok := ev["RRULE"]; ok {
			require.Nil(t, master, "one master event")
			master = ev
		}
	}
	require.NotNil(t, master)
	start := master["DTSTART"][0]
	require.NotEmpty(t, start.params["TZID"], "a series' DTSTART is local time")
	loc, err := time.LoadLocation(start.params["TZID"])
	require.NoError(t, err)
	wall, err := recur.ParseWallTime(start.value)
	require.NoError(t, err)
	rule, err := recur.ParseRRule(master["RRULE"][0].value)
	require.NoError(t, err)
	rec := recur.Recurrence{Rule: rule, Start: wall, Location: loc}
	for _, x := range master["EXDATE"] {
		rec.ExDates = append(rec.ExDates, icalInstant(t, x))
	}
	got := map[time.Time]string{}
	for occ := range rec.Occurrences(wall.In(loc), time.Time{}) {
		summary := unescape(master["SUMMARY"][0].value)
		at := occ.At.UTC()
		if ov, ok := overrides[at]; ok {
			at, summary = icalInstant(t, ov["DTSTART"][0]).UTC(), unescape(ov["SUMMARY"][0].value)
			delete(overrides, occ.At.UTC())
		}
		got[at] = summary
	}
	assert.Empty(t, overrides, "every RECURRENCE-ID names an occurrence of the rule")
	return got
}

// shown returns the instant and title of each entry a reader should show:
// the ones not cancelled.
func shown(entries []calendar.Entry) map[time.Time]string {
	out := map[time.Time]string{}
	for _, e := range entries {
		if e.State != calendar.Cancelled {
			out[e.At.UTC()] = e.Title
		}
	}
	return out
}

func seriesEntries(t *testing.T, f *fixture, series calendar.Entry) []calendar.Entry {
	t.Helper()
	var out []calendar.Entry
	for e, err := range f.cal.Entries(context.Background(), calendar.Query{Series: series.ID}) {
		require.NoError(t, err)
		out = append(out, e)
	}
	return out
}

// A weekly series of 13 Fridays across the March change in Madrid, one
// cancelled and one moved: one master VEVENT with the RRULE, one EXDATE,
// one override with a RECURRENCE-ID, and the rule expanded with the recur
// package gives exactly the entries' instants.
func TestICalSeriesIsOneEventWithRRule(t *testing.T) {
	f := newFixture(t)
	rec := recurrence(t, "FREQ=WEEKLY;BYDAY=FR;COUNT=13", recur.WallTime{Year: 2026, Month: 3, Day: 6, Hour: 9})
	es, err := f.cal.CreateSeries(as("bea"), calendar.Entry{Title: "Viernes", Brand: "acme",
		Variants: variants("¡Feliz viernes!", "acme-es-mastodon")}, rec, time.Date(2026, 12, 31, 0, 0, 0, 0, madrid))
	require.NoError(t, err)
	require.Len(t, es, 13)
	_, err = f.cal.Cancel(as("bea"), es[4].ID, es[4].Version)
	require.NoError(t, err)
	moved := es[7].Clone()
	moved.At = time.Date(2026, 4, 24, 18, 30, 0, 0, madrid) // Friday 09:00 to 18:30
	_, err = f.cal.Update(as("bea"), moved)
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, f.cal.ExportICal(context.Background(), &buf, calendar.Query{}, calendar.ICalOptions{}))
	events := icalEvents(parseICal(t, buf.Bytes()))
	require.Len(t, events, 2, "the series and one override")
	master, override := events[0], events[1]
	uid := es[0].ID.String() + "@cmkit"
	assert.Equal(t, uid, master["UID"][0].value)
	assert.Equal(t, uid, override["UID"][0].value, "an override has its series' UID")
	assert.Equal(t, "Europe/Madrid", master["DTSTART"][0].params["TZID"])
	assert.Equal(t, "20260306T090000", master["DTSTART"][0].value)
	assert.Equal(t, "FREQ=WEEKLY;UNTIL=20260529T070000Z;BYDAY=FR", master["RRULE"][0].value,
		"COUNT becomes UNTIL at the last occurrence, in UTC")
	require.Len(t, master["EXDATE"], 1)
	assert.Equal(t, "Europe/Madrid", master["EXDATE"][0].params["TZID"], "EXDATE as DTSTART")
	assert.Equal(t, "20260403T090000", master["EXDATE"][0].value, "the cancelled occurrence")
	assert.NotContains(t, master, "RECURRENCE-ID")
	require.Len(t, override["RECURRENCE-ID"], 1)
	assert.Equal(t, "Europe/Madrid", override["RECURRENCE-ID"][0].params["TZID"], "RECURRENCE-ID as DTSTART")
	assert.Equal(t, "20260424T090000", override["RECURRENCE-ID"][0].value, "the moved occurrence's original time")
	assert.Equal(t, "20260424T183000", override["DTSTART"][0].value)
	assert.NotContains(t, override, "RRULE")

	assert.Equal(t, shown(seriesEntries(t, f, es[0])), expandICal(t, events))
}

// An occurrence whose text or state differs from the series' is an
// override; cancelled occurrences at either end leave the master's range.
func TestICalSeriesOverridesEditedOccurrences(t *testing.T) {
	f := newFixture(t)
	rec := recurrence(t, "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", recur.WallTime{Year: 2026, Month: 10, Day: 19, Hour: 9})
	es, err := f.cal.CreateSeries(as("bea"), calendar.Entry{Title: "Buenos días", Brand: "acme",
		Variants: variants("¡Buenos días!", "acme-es-mastodon")}, rec, time.Date(2026, 11, 7, 0, 0, 0, 0, madrid))
	require.NoError(t, err)
	require.Len(t, es, 15)
	edited := es[6].Clone()
	edited.Title = "Buenos días, Halloween"
	_, err = f.cal.Update(as("bea"), edited)
	require.NoError(t, err)
	for _, i := range []int{0, 14} {
		_, err = f.cal.Cancel(as("bea"), es[i].ID, es[i].Version)
		require.NoError(t, err)
	}

	var buf bytes.Buffer
	require.NoError(t, f.cal.ExportICal(context.Background(), &buf, calendar.Query{}, calendar.ICalOptions{}))
	events := icalEvents(parseICal(t, buf.Bytes()))
	require.Len(t, events, 2)
	assert.Equal(t, "20261020T090000", events[0]["DTSTART"][0].value, "the master starts at the first occurrence shown")
	assert.Equal(t, "FREQ=DAILY;UNTIL=20261105T080000Z;BYDAY=MO,TU,WE,TH,FR", events[0]["RRULE"][0].value)
	assert.NotContains(t, events[0], "EXDATE")
	assert.Equal(t, "Buenos días, Halloween", unescape(events[1]["SUMMARY"][0].value))
	assert.Equal(t, events[1]["RECURRENCE-ID"][0].value, events[1]["DTSTART"][0].value, "edited, not moved")
	assert.Equal(t, shown(seriesEntries(t, f, es[0])), expandICal(t, events))
}

// A query that selects part of a series, without its first entry: the
// export reads the recurrence from the store and writes the part selected
// as a series; WriteICal, which has no store, writes those entries one
// event each.
func TestICalSeriesPartWithoutItsFirstEntry(t *testing.T) {
	f := newFixture(t)
	rec := recurrence(t, "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", recur.WallTime{Year: 2026, Month: 9, Day: 7, Hour: 9})
	_, err := f.cal.CreateSeries(as("bea"), calendar.Entry{Title: "Quincenal", Brand: "acme",
		Variants: variants("Cada dos semanas", "acme-es-mastodon")}, rec, time.Date(2026, 12, 31, 0, 0, 0, 0, madrid))
	require.NoError(t, err)
	q := calendar.Query{From: time.Date(2026, 10, 20, 0, 0, 0, 0, madrid), To: time.Date(2026, 11, 20, 0, 0, 0, 0, madrid)}
	var part []calendar.Entry
	for e, err := range f.cal.Entries(context.Background(), q) {
		require.NoError(t, err)
		part = append(part, e)
	}
	require.Len(t, part, 5)

	var buf bytes.Buffer
	require.NoError(t, f.cal.ExportICal(context.Background(), &buf, q, calendar.ICalOptions{}))
	events := icalEvents(parseICal(t, buf.Bytes()))
	require.Len(t, events, 1)
	assert.Equal(t, "20261022T090000", events[0]["DTSTART"][0].value)
	assert.Equal(t, "FREQ=WEEKLY;INTERVAL=2;UNTIL=20261119T080000Z;BYDAY=MO,TH", events[0]["RRULE"][0].value)
	assert.Equal(t, shown(part), expandICal(t, events))

	events = icalEvents(parseICal(t, writeEntries(t, calendar.ICalOptions{}, part...)))
	require.Len(t, events, 5, "no recurrence at hand: one event per entry")
	for i, ev := range events {
		assert.Equal(t, part[i].ID.String()+"@cmkit", ev["UID"][0].value)
		assert.NotContains(t, ev, "RRULE")
	}
}

// A series whose rule the planner cannot write so that readers give its
// occurrences (a Start that does not match the rule: RFC 5545 counts it,
// python-dateutil does not), and entries whose Occurrence the rule never
// gives, are written one event each, cancelled ones with STATUS:CANCELLED,
// as before series were exported as such.
func TestICalSeriesFallsBackToSingleEvents(t *testing.T) {
	mk := func(series *calendar.Entry, at time.Time, state calendar.State) calendar.Entry {
		e := calendar.Entry{ID: cmkit.NewID(), Title: "t", At: at, Zone: "Europe/Madrid", State: state, Occurrence: at}
		e.Series = e.ID
		if series != nil {
			e.Series = series.ID
		}
		return e
	}
	// Tuesday 1 December; the rule says Mondays.
	rec := recurrence(t, "FREQ=WEEKLY;BYDAY=MO;COUNT=3", recur.WallTime{Year: 2026, Month: 12, Day: 1, Hour: 9})
	root := mk(nil, time.Date(2026, 12, 1, 9, 0, 0, 0, madrid), calendar.Draft)
	root.Recurrence = &rec
	entries := []calendar.Entry{root,
		mk(&root, time.Date(2026, 12, 7, 9, 0, 0, 0, madrid), calendar.Cancelled),
		mk(&root, time.Date(2026, 12, 14, 9, 0, 0, 0, madrid), calendar.Draft)}
	events := icalEvents(parseICal(t, writeEntries(t, calendar.ICalOptions{}, entries...)))
	require.Len(t, events, 3)
	for i, ev := range events {
		assert.Equal(t, entries[i].ID.String()+"@cmkit", ev["UID"][0].value)
		assert.NotContains(t, ev, "RRULE")
	}
	assert.Equal(t, "CANCELLED", events[1]["STATUS"][0].value)

	// A matching Start, and an entry whose Occurrence is no Monday.
	rec = recurrence(t, "FREQ=WEEKLY;BYDAY=MO;COUNT=3", recur.WallTime{Year: 2026, Month: 11, Day: 30, Hour: 9})
	root = mk(nil, time.Date(2026, 11, 30, 9, 0, 0, 0, madrid), calendar.Draft)
	root.Recurrence = &rec
	stray := mk(&root, time.Date(2026, 12, 8, 9, 0, 0, 0, madrid), calendar.Draft)
	events = icalEvents(parseICal(t, writeEntries(t, calendar.ICalOptions{}, root, stray)))
	require.Len(t, events, 2)
	assert.Equal(t, "FREQ=WEEKLY;UNTIL=20261130T080000Z;BYDAY=MO", events[0]["RRULE"][0].value)
	assert.Equal(t, stray.ID.String()+"@cmkit", events[1]["UID"][0].value)
}

// EXDATE and RECURRENCE-ID follow the rule of DTSTART near a change of
// offset: the occurrences of a daily 02:30 Madrid series on the fall-back
// night (the first 02:30, CEST, as RFC 5545 reads the rule) are named in
// UTC, while the master's DTSTART stays local so that its rule follows the
// zone.
func TestICalSeriesFoldOccurrencesInUTC(t *testing.T) {
	rec := recurrence(t, "FREQ=DAILY;COUNT=3", recur.WallTime{Year: 2026, Month: 10, Day: 24, Hour: 2, Minute: 30})
	var entries []calendar.Entry
	for occ := range rec.Occurrences(time.Time{}, time.Time{}) {
		e := calendar.Entry{ID: cmkit.NewID(), Title: "t", At: occ.At, Zone: "Europe/Madrid", State: calendar.Draft, Occurrence: occ.Original}
		e.Series = series0(entries, e)
		entries = append(entries, e)
	}
	require.Len(t, entries, 3)
	entries[0].Recurrence = &rec
	entries[1].Title = "fold" // 02:30 CEST on 25 October: an override
	events := icalEvents(parseICal(t, writeEntries(t, calendar.ICalOptions{}, slices.Concat(entries[:1], entries[2:])...)))
	require.Len(t, events, 1)
	require.Len(t, events[0]["EXDATE"], 1)
	assert.Equal(t, "20261025T003000Z", events[0]["EXDATE"][0].value)
	assert.Equal(t, "20261024T023000", events[0]["DTSTART"][0].value)

	events = icalEvents(parseICal(t, writeEntries(t, calendar.ICalOptions{}, entries...)))
	require.Len(t, events, 2)
	assert.Equal(t, "20261025T003000Z", events[1]["RECURRENCE-ID"][0].value)
	assert.Equal(t, "20261025T003000Z", events[1]["DTSTART"][0].value)
	assert.Equal(t, shown(entries), expandICal(t, events))
	assert.False(t, strings.Contains(events[0]["RRULE"][0].value, "COUNT"))
}
