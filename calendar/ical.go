package calendar

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
	"time"
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

// WriteICal writes entries as an RFC 5545 iCalendar file that Google
// Calendar, Outlook and Apple Calendar import: one VEVENT per entry (UID,
// DTSTAMP, DTSTART in the entry's own time zone with TZID, DURATION,
// SUMMARY, DESCRIPTION with every channel's text, CATEGORIES from the
// labels and campaign, STATUS), a VTIMEZONE for each zone used, text
// escaped and lines folded at 75 octets with CRLF endings. The file is
// valid UTF-8 with no control characters but tabs in its text, whatever
// the entries hold: other control characters are dropped and bytes that
// are not UTF-8 become U+FFFD. Entries without a time are skipped. It stops
// at the first error from entries or w.
func WriteICal(w io.Writer, entries iter.Seq2[Entry, error], opts ICalOptions) error {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.Duration <= 0 {
		opts.Duration = 15 * time.Minute
	}
	var events []Entry
	zones := map[string]*time.Location{}
	var first, last time.Time
	for e, err := range entries {
		if err != nil {
			return err
		}
		if e.At.IsZero() {
			continue
		}
		if e.Zone != "" {
			if _, ok := zones[e.Zone]; !ok {
				loc, err := time.LoadLocation(e.Zone)
				if err != nil {
					return fmt.Errorf("calendar: entry %s: zone %q: %w", e.ID, e.Zone, err)
				}
				zones[e.Zone] = loc
			}
		}
		if first.IsZero() || e.At.Before(first) {
			first = e.At
		}
		if e.At.After(last) {
			last = e.At
		}
		events = append(events, e)
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
	stamp := opts.Now.UTC().Format("20060102T150405Z")
	for _, e := range events {
		out.line("BEGIN:VEVENT")
		out.prop("UID", e.ID.String()+"@cmkit")
		out.prop("DTSTAMP", stamp)
		if loc, ok := zones[e.Zone]; ok {
			out.prop("DTSTART;TZID="+paramValue(e.Zone), e.At.In(loc).Format("20060102T150405"))
		} else {
			out.prop("DTSTART", e.At.UTC().Format("20060102T150405Z"))
		}
		out.prop("DURATION", icalDuration(opts.Duration))
		out.prop("SUMMARY", escapeText(e.Title))
		out.prop("DESCRIPTION", escapeText(describe(&e)))
		var cats []string
		for _, l := range e.Labels {
			cats = append(cats, escapeText(l))
		}
		if e.Campaign != "" {
			cats = append(cats, escapeText(e.Campaign))
		}
		if len(cats) > 0 {
			out.prop("CATEGORIES", strings.Join(cats, ","))
		}
		out.prop("STATUS", icalStatus(e.State))
		out.line("END:VEVENT")
	}
	out.line("END:VCALENDAR")
	if out.err != nil {
		return out.err
	}
	return bw.Flush()
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

// line writes one content line, folded (see foldLine).
func (o *icalWriter) line(s string) {
	if o.err == nil {
		_, o.err = o.w.WriteString(foldLine(s))
	}
}

// ExportICal writes the entries q selects as an iCalendar file (see
// WriteICal), stamped with the calendar's clock.
func (c *Calendar) ExportICal(ctx context.Context, w io.Writer, q Query, opts ICalOptions) error {
	if opts.Now.IsZero() {
		opts.Now = c.clock.Now()
	}
	return WriteICal(w, c.store.Query(ctx, q), opts)
}
