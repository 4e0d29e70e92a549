package calendar

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar/recur"
)

// ICalOptions configures WriteICal. The zero value is usable.
type ICalOptions struct {
	// Name is the calendar's display name (X-WR-CALNAME).
	Name string
	// Now stamps every event (DTSTAMP); zero means time.Now().
	Now time.Time
	// Duration is how long each event lasts on the calendar (default 15
	// minutes), so that it shows as a block rather than a point.
	Duration time.Duration
}

// WriteICal writes entries as an RFC 5545 iCalendar file, with CRLF line
// endings and lines folded at 75 octets (never inside a UTF-8 sequence),
// in the form calendar applications import, a series included. Two
// independent readers, python3-icalendar and python3-vobject, read every
// instant and text of it back (see ical_integration_test.go).
//
// An entry outside a series is one VEVENT: UID (the entry's ID), DTSTAMP,
// DTSTART, DURATION, SUMMARY (the title), DESCRIPTION (the state, every
// channel's text and the notes), CATEGORIES (the labels and the campaign)
// and STATUS. A recurring series (see Calendar.CreateSeries) is one VEVENT
// with the series' RRULE, its DTSTART local time in the series' zone, an
// EXDATE for each occurrence of the rule between its first and last shown
// occurrence that is not shown (skipped, cancelled, or not selected), and a
// VEVENT with the same UID and a RECURRENCE-ID (the occurrence's original
// instant) for each occurrence that was moved or whose text or state
// differs from the series' event; the RRULE ends with an UNTIL at the last
// occurrence shown. Entries of a series whose first entry (which holds the
// recurrence) is not among entries, or whose rule cannot be written so that
// it gives exactly their occurrences, are written one VEVENT each, as
// entries outside a series are.
//
// Times are local time with a TZID (the entry's Zone, the series' zone),
// with a VTIMEZONE for each zone used, or UTC for entries without a zone.
// An instant that local time would not name unambiguously for every reader
// (either instant of a wall time a fall-back night repeats, and the first
// instants after a spring-forward jump) is written in UTC instead (DTSTART,
// EXDATE and RECURRENCE-ID alike, but not the DTSTART of a series, which
// its rule needs in local time). Times are written to the second.
//
// Text is escaped as RFC 5545 TEXT, and the file is valid UTF-8 with no
// control character but tabs in its content lines, whatever the entries
// hold: line breaks in text become \n, other control characters (C0 but
// tab, DEL, C1) are dropped, and each byte that is not UTF-8 becomes
// U+FFFD. Entries without a time are skipped. An error from entries, or
// an entry whose zone does not load, comes before anything is written;
// after that, WriteICal stops at the first error from w.
func WriteICal(w io.Writer, entries iter.Seq2[Entry, error], opts ICalOptions) error {
	return writeICal(w, entries, opts, nil)
}

// writeICal is WriteICal; lookup, when not nil, finds the first entry of a
// series that entries do not hold (an error wrapping cmkit.ErrNotFound
// when there is none).
func writeICal(w io.Writer, entries iter.Seq2[Entry, error], opts ICalOptions, lookup func(uuid.UUID) (Entry, error)) error {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Duration <= 0 {
		opts.Duration = 15 * time.Minute
	}
	var all []*Entry
	zones := map[string]*time.Location{}
	loadZone := func(e *Entry) error {
		if e.Zone == "" {
			return nil
		}
		if _, ok := zones[e.Zone]; !ok {
			loc, err := time.LoadLocation(e.Zone)
			if err != nil {
				return fmt.Errorf("calendar: entry %s: zone %q: %w", e.ID, e.Zone, err)
			}
			zones[e.Zone] = loc
		}
		return nil
	}
	roots := map[uuid.UUID]*recur.Recurrence{}
	for e, err := range entries {
		if err != nil {
			return err
		}
		if e.At.IsZero() {
			continue
		}
		if err := loadZone(&e); err != nil {
			return err
		}
		if e.Series != uuid.Nil && e.ID == e.Series && e.Recurrence != nil {
			roots[e.Series] = e.Recurrence
		}
		all = append(all, &e)
	}
	plan := icalPlanOptions{zones: zones, duration: opts.Duration}
	var events []icalEvent
	members := map[uuid.UUID][]*Entry{}
	for _, e := range all {
		if e.Series != uuid.Nil {
			members[e.Series] = append(members[e.Series], e)
		}
	}
	for _, e := range all {
		if e.Series == uuid.Nil {
			events = append(events, plan.single(e))
			continue
		}
		ms, ok := members[e.Series]
		if !ok {
			continue // written with the first of its series
		}
		delete(members, e.Series)
		rec, ok := roots[e.Series]
		if !ok && lookup != nil {
			root, err := lookup(e.Series)
			switch {
			case err == nil:
				rec = root.Recurrence
			case !errors.Is(err, cmkit.ErrNotFound):
				return fmt.Errorf("calendar: series %s: %w", e.Series, err)
			}
		}
		sp := planSeries(rec, ms, &plan)
		if sp.master != nil {
			zones[sp.master.start.zone] = sp.master.start.loc
			events = append(events, *sp.master)
			events = append(events, sp.overrides...)
		}
		for _, s := range sp.singles {
			events = append(events, plan.single(s))
		}
	}
	var first, last time.Time
	for i := range events {
		for _, t := range events[i].times() {
			if first.IsZero() || t.Before(first) {
				first = t
			}
			if t.After(last) {
				last = t
			}
		}
	}

	bw := bufio.NewWriter(w)
	out := icalWriter{w: bw}
	out.line("BEGIN:VCALENDAR")
	out.line("VERSION:2.0")
	out.line("PRODID:-//cmkit//calendar//EN")
	out.line("CALSCALE:GREGORIAN")
	if opts.Name != "" {
		out.prop("X-WR-CALNAME", escapeText(opts.Name))
	}
	names := make([]string, 0, len(zones))
	for n := range zones {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		writeVTimezone(&out, n, zones[n], first, last)
	}
	stamp := opts.Now.UTC().Format(icalUTCLayout)
	for i := range events {
		events[i].write(&out, stamp)
	}
	out.line("END:VCALENDAR")
	if out.err != nil {
		return out.err
	}
	return bw.Flush()
}

// icalPlanOptions is what turning an entry into an event needs: the
// zones loaded (by name) and how long events last.
type icalPlanOptions struct {
	zones    map[string]*time.Location
	duration time.Duration
}

// single returns e as an event of its own.
func (p *icalPlanOptions) single(e *Entry) icalEvent {
	start := newICalTime(e.At, "", nil)
	if loc, ok := p.zones[e.Zone]; ok {
		start = newICalTime(e.At, e.Zone, loc)
	}
	return icalEvent{uid: e.ID.String() + "@cmkit", start: start, duration: p.duration, content: contentOf(e)}
}

// icalContent is the text of an event, escaped: two occurrences of a
// series with the same content differ only in time.
type icalContent struct {
	summary, description, categories, status string
}

// contentOf returns e's text as an event shows it.
func contentOf(e *Entry) icalContent {
	var cats []string
	for _, l := range e.Labels {
		cats = append(cats, escapeText(l))
	}
	if e.Campaign != "" {
		cats = append(cats, escapeText(e.Campaign))
	}
	return icalContent{
		summary:     escapeText(e.Title),
		description: escapeText(describe(e)),
		categories:  strings.Join(cats, ","),
		status:      icalStatus(e.State),
	}
}

// icalEvent is one VEVENT to write.
type icalEvent struct {
	uid          string
	start        icalTime
	master       bool   // a series' event: DTSTART in local time, RRULE
	rrule        string // the RRULE value, for a master
	exdates      []icalTime
	recurrenceID *icalTime // for an occurrence of a series that differs
	duration     time.Duration
	content      icalContent
}

// times returns the instants the event writes, for the VTIMEZONE range.
func (ev *icalEvent) times() []time.Time {
	ts := []time.Time{ev.start.at}
	for _, x := range ev.exdates {
		ts = append(ts, x.at)
	}
	if ev.recurrenceID != nil {
		ts = append(ts, ev.recurrenceID.at)
	}
	return ts
}

func (ev *icalEvent) write(out *icalWriter, stamp string) {
	out.line("BEGIN:VEVENT")
	out.prop("UID", escapeText(ev.uid))
	out.prop("DTSTAMP", stamp)
	if ev.recurrenceID != nil {
		ev.recurrenceID.prop(out, "RECURRENCE-ID")
	}
	if ev.master {
		ev.start.local(out, "DTSTART")
		out.prop("RRULE", ev.rrule)
		for _, x := range ev.exdates {
			x.prop(out, "EXDATE")
		}
	} else {
		ev.start.prop(out, "DTSTART")
	}
	out.prop("DURATION", icalDuration(ev.duration))
	out.prop("SUMMARY", ev.content.summary)
	out.prop("DESCRIPTION", ev.content.description)
	if ev.content.categories != "" {
		out.prop("CATEGORIES", ev.content.categories)
	}
	out.prop("STATUS", ev.content.status)
	out.line("END:VEVENT")
}

// describe lists an entry's state and each channel's text.
func describe(e *Entry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "State: %s", e.State)
	for _, v := range e.Variants {
		fmt.Fprintf(&b, "\n\n[%s] %s", v.Channel, v.Post.Text)
	}
	if e.Notes != "" {
		b.WriteString("\n\nNotes: ")
		b.WriteString(e.Notes)
	}
	return b.String()
}

func icalStatus(s State) string {
	switch s {
	case Cancelled:
		return "CANCELLED"
	case Scheduled, Publishing, Published:
		return "CONFIRMED"
	}
	return "TENTATIVE"
}

func icalDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	out := "PT"
	if h > 0 {
		out += fmt.Sprintf("%dH", h)
	}
	if m > 0 {
		out += fmt.Sprintf("%dM", m)
	}
	if s > 0 || h == 0 && m == 0 {
		out += fmt.Sprintf("%dS", s)
	}
	return out
}

// writeVTimezone describes loc's offsets between first and last (a year of
// margin on each side), one STANDARD or DAYLIGHT component per period, so
// that importers need no time-zone database of their own.
func writeVTimezone(out *icalWriter, name string, loc *time.Location, first, last time.Time) {
	out.line("BEGIN:VTIMEZONE")
	out.prop("TZID", escapeText(name))
	from := first.AddDate(-1, 0, 0).In(loc)
	until := last.AddDate(1, 0, 0)
	prevOffset := func(t time.Time) int {
		_, off := t.Add(-time.Second).Zone()
		return off
	}
	t := from
	wrote := false
	for i := 0; i < 200 && t.Before(until); i++ {
		start, end := t.ZoneBounds()
		abbr, off := t.Zone()
		if start.IsZero() {
			start = from
		}
		kind := "STANDARD"
		if t.IsDST() {
			kind = "DAYLIGHT"
		}
		out.line("BEGIN:" + kind)
		out.prop("DTSTART", start.In(time.FixedZone("", prevOffset(start))).Format("20060102T150405"))
		out.prop("TZOFFSETFROM", icalOffset(prevOffset(start)))
		out.prop("TZOFFSETTO", icalOffset(off))
		if abbr != "" && abbr[0] != '+' && abbr[0] != '-' {
			out.prop("TZNAME", escapeText(abbr))
		}
		out.line("END:" + kind)
		wrote = true
		if end.IsZero() {
			break
		}
		t = end.In(loc)
	}
	if !wrote {
		_, off := from.Zone()
		out.line("BEGIN:STANDARD")
		out.prop("DTSTART", "19700101T000000")
		out.prop("TZOFFSETFROM", icalOffset(off))
		out.prop("TZOFFSETTO", icalOffset(off))
		out.line("END:STANDARD")
	}
	out.line("END:VTIMEZONE")
}

func icalOffset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	return fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec%3600/60)
}

// icalWriter writes content lines, folded at 75 octets, with CRLF.
type icalWriter struct {
	w   *bufio.Writer
	err error
}

func (o *icalWriter) prop(name, value string) { o.line(name + ":" + value) }

// line writes one content line, folded (see foldLine). Every line of the
// file goes through it, and it drops whatever control characters (tabs
// aside) the line still holds, and replaces bytes that are not UTF-8 (see
// cleanLine): nothing a caller builds a line from reaches the file raw.
func (o *icalWriter) line(s string) {
	if o.err == nil {
		_, o.err = o.w.WriteString(foldLine(cleanLine(s)))
	}
}

// ExportICal writes the entries q selects as an iCalendar file (see
// WriteICal), stamped with the calendar's clock. A series some of whose
// entries q selects is written as a series even when q leaves out its
// first entry, whose recurrence ExportICal then reads from the store.
func (c *Calendar) ExportICal(ctx context.Context, w io.Writer, q Query, opts ICalOptions) error {
	if opts.Now.IsZero() {
		opts.Now = c.clock.Now()
	}
	return writeICal(w, c.store.Query(ctx, q), opts, func(id uuid.UUID) (Entry, error) {
		return c.store.Get(ctx, id)
	})
}
