package calendar

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
)

// csvColumns are the columns ImportCSV knows; "channel" and "text" are
// required, and "title" for each entry.
var csvColumns = []string{"entry", "title", "channel", "text", "at", "zone", "labels", "campaign", "brand", "media", "notes"}

// ImportCSV creates draft entries from a spreadsheet exported as CSV, one
// row per post and channel, with a header row naming the columns (in any
// order, case ignored):
//
//	entry     rows with the same key form one entry, one variant per row
//	          (empty: the row is an entry of its own)
//	title     the entry's title (required once per entry)
//	channel   the channel ID (required, registered with the calendar)
//	text      the post for that channel (required)
//	at        when: RFC 3339 ("2026-11-23T09:00:00+01:00"), or local wall
//	          time "2026-11-23 09:00" in the zone column
//	zone      an IANA time zone ("Europe/Madrid"; not "Local")
//	labels    labels separated by ";"
//	campaign  the campaign
//	brand     the brand
//	media     media URLs separated by ";" (kind from the extension)
//	notes     notes for the team
//
// The file is UTF-8, with or without a byte-order mark. Cells are text:
// no control characters, except line feeds and tabs in text and notes;
// a cell that is not valid UTF-8 is refused (Rule "utf8"), and so is one
// with another control character (Rule "control_character").
//
// Every row is checked before anything is written: a problem is a
// *cmkit.ValidationError whose Field names the line and column ("line 7,
// column at"; for an entry without a title, its first row), and then no
// entry is created. The acting member needs
// roles.DraftPost on every channel, as for Create. It returns the entries
// created, in file order.
func (c *Calendar) ImportCSV(ctx context.Context, r io.Reader) ([]Entry, error) {
	drafts, err := c.parseCSV(r)
	if err != nil {
		return nil, err
	}
	for i := range drafts {
		if err := c.check(ctx, "post.draft", &drafts[i]); err != nil {
			return nil, err
		}
	}
	created := make([]Entry, 0, len(drafts))
	for _, d := range drafts {
		e, err := c.Create(ctx, d)
		if err != nil {
			c.rollback(ctx, created)
			return nil, fmt.Errorf("calendar: import stopped, %d entries rolled back: %w", len(created), err)
		}
		created = append(created, e)
	}
	return created, nil
}

// rollback cancels entries an import created before a store failure, so
// that nothing is left half-imported.
func (c *Calendar) rollback(ctx context.Context, created []Entry) {
	for _, e := range created {
		e.transition(Cancelled, actor(ctx), c.clock.Now(), "import rolled back")
		if _, err := c.store.Put(context.WithoutCancel(ctx), e); err != nil {
			c.log.ErrorContext(ctx, "calendar: rolling back an import", "entry", e.ID, "error", err)
		}
	}
}

type csvRow struct {
	line int
	get  func(col string) string
}

// csvEntries collects the entries of a file as its rows are read.
type csvEntries struct {
	entries []Entry
	lines   []int          // the line of each entry's first row
	byKey   map[string]int // entry key: index in entries
}

// utf8BOM is the byte-order mark spreadsheets put before UTF-8 text.
const utf8BOM = "\ufeff"

// parseCSV reads and validates the whole file into draft entries.
func (c *Calendar) parseCSV(r io.Reader) ([]Entry, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(utf8BOM)); err == nil && string(b) == utf8BOM {
		_, _ = br.Discard(len(utf8BOM)) // before a quoted header too
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, cmkit.Invalid("line 1", "header", "the file is empty; the first row names the columns")
	}
	if err != nil {
		return nil, csvError(err)
	}
	cols := map[string]int{}
	names := make([]string, len(header))
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(csvColumns, name) {
			return nil, cmkit.Invalid(fmt.Sprintf("line 1, column %d", i+1), "unknown_column", "%q; known columns: %s", h, strings.Join(csvColumns, ", "))
		}
		if _, dup := cols[name]; dup {
			return nil, cmkit.Invalid(fmt.Sprintf("line 1, column %d", i+1), "duplicate_column", "%q appears twice", name)
		}
		cols[name] = i
		names[i] = name
	}
	for _, req := range []string{"channel", "text"} {
		if _, ok := cols[req]; !ok {
			return nil, cmkit.Invalid("line 1", "missing_column", "the header needs a %q column", req)
		}
	}
	in := csvEntries{byKey: map[string]int{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			return nil, cmkit.Invalid(fmt.Sprintf("line %d", line), "field_count", "%d fields, the header has %d", len(rec), len(header))
		}
		for i, cell := range rec {
			if err := checkCell(line, names[i], strings.TrimSpace(cell)); err != nil {
				return nil, err
			}
		}
		row := csvRow{line: line, get: func(col string) string {
			if i, ok := cols[col]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}}
		if strings.Join(rec, "") == "" {
			continue // a blank row
		}
		if err := c.addRow(&in, row); err != nil {
			return nil, err
		}
	}
	if len(in.entries) == 0 {
		return nil, cmkit.Invalid("line 2", "required", "no rows to import")
	}
	for i := range in.entries {
		if in.entries[i].Title == "" {
			return nil, cmkit.Invalid(fmt.Sprintf("line %d, column title", in.lines[i]), "required", "no row of entry %d gives it a title", i+1)
		}
	}
	return in.entries, nil
}

// checkCell refuses a cell that is not UTF-8 text, or that holds a
// control character: only text and notes may hold line feeds and tabs.
func checkCell(line int, col, cell string) error {
	return checkText(fmt.Sprintf("line %d, column %s", line, col), cell, col == "text" || col == "notes")
}

// addRow validates one row and adds it to its entry.
func (c *Calendar) addRow(in *csvEntries, row csvRow) error {
	at := func(col string) string { return fmt.Sprintf("line %d, column %s", row.line, col) }
	channel, text := row.get("channel"), row.get("text")
	if channel == "" {
		return cmkit.Invalid(at("channel"), "required", "")
	}
	if _, ok := c.channels[channel]; !ok {
		return cmkit.Invalid(at("channel"), "unknown", "no channel %q is registered", channel)
	}
	if text == "" {
		return cmkit.Invalid(at("text"), "required", "")
	}
	zone := row.get("zone")
	loc := time.UTC
	if zone != "" {
		l, ok := loadZone(zone)
		if !ok {
			return cmkit.Invalid(at("zone"), "unknown", "%q is not an IANA time zone such as Europe/Madrid", zone)
		}
		loc = l
	}
	var when time.Time
	if s := row.get("at"); s != "" {
		t, err := parseWhen(s, loc, zone != "")
		if err != nil {
			return cmkit.Invalid(at("at"), "format", "%v", err)
		}
		when = t
	}
	v := Variant{Channel: channel, Post: cmkit.Post{Text: text}}
	if m := row.get("media"); m != "" {
		for _, u := range strings.Split(m, ";") {
			if u = strings.TrimSpace(u); u != "" {
				v.Post.Media = append(v.Post.Media, cmkit.Media{Kind: mediaKind(u), URL: u})
			}
		}
	}
	e := Entry{Title: row.get("title"), Zone: zone, At: when, Campaign: row.get("campaign"), Brand: row.get("brand"),
		Notes: row.get("notes")}
	for _, l := range strings.Split(row.get("labels"), ";") {
		if l = strings.TrimSpace(l); l != "" {
			e.Labels = append(e.Labels, l)
		}
	}
	key := row.get("entry")
	i, grouped := in.byKey[key]
	if key == "" || !grouped {
		e.Variants = []Variant{v}
		if key != "" {
			in.byKey[key] = len(in.entries)
		}
		in.entries = append(in.entries, e)
		in.lines = append(in.lines, row.line)
		return nil
	}
	cur := &in.entries[i]
	for _, f := range []struct {
		col      string
		cur, new *string
	}{{"title", &cur.Title, &e.Title}, {"zone", &cur.Zone, &e.Zone}, {"campaign", &cur.Campaign, &e.Campaign},
		{"brand", &cur.Brand, &e.Brand}, {"notes", &cur.Notes, &e.Notes}} {
		switch {
		case *f.new == "":
		case *f.cur == "":
			*f.cur = *f.new
		case *f.cur != *f.new:
			return cmkit.Invalid(at(f.col), "conflict", "entry %q already has %s %q", key, f.col, *f.cur)
		}
	}
	switch {
	case when.IsZero():
	case cur.At.IsZero():
		cur.At = when
	case !cur.At.Equal(when):
		return cmkit.Invalid(at("at"), "conflict", "entry %q is already at %s", key, cur.At.Format(time.RFC3339))
	}
	if cur.Variant(channel) != nil {
		return cmkit.Invalid(at("channel"), "unique", "entry %q already has a post for %q", key, channel)
	}
	cur.Variants = append(cur.Variants, v)
	for _, l := range e.Labels {
		if !slices.Contains(cur.Labels, l) {
			cur.Labels = append(cur.Labels, l)
		}
	}
	return nil
}

// parseWhen reads RFC 3339, or a local wall time when a zone was given.
func parseWhen(s string, loc *time.Location, zoned bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			if !zoned {
				return time.Time{}, fmt.Errorf("%q has no offset: give a zone column or an RFC 3339 time", s)
			}
			return WallTimeOf(t).In(loc), nil // gap and fold rules: see WallTime.In
		}
	}
	return time.Time{}, fmt.Errorf("%q is neither RFC 3339 (2026-11-23T09:00:00+01:00) nor local time (2026-11-23 09:00)", s)
}

func mediaKind(u string) cmkit.MediaKind {
	switch strings.ToLower(path.Ext(strings.SplitN(u, "?", 2)[0])) {
	case ".mp4", ".mov", ".webm":
		return cmkit.MediaVideo
	case ".gif":
		return cmkit.MediaGIF
	case ".mp3", ".m4a", ".wav":
		return cmkit.MediaAudio
	case ".pdf":
		return cmkit.MediaDocument
	}
	return cmkit.MediaImage
}

// csvError turns an encoding/csv error into a validation error naming the
// line and column.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return cmkit.Invalid(fmt.Sprintf("line %d, character %d", pe.Line, pe.Column), "csv", "%v", pe.Err)
	}
	return err
}
