package calendar

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
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
//	zone      an IANA time zone ("Europe/Madrid")
//	labels    labels separated by ";"
//	campaign  the campaign
//	brand     the brand
//	media     media URLs separated by ";" (kind from the extension)
//	notes     notes for the team
//
// Every row is checked before anything is written: a problem is a
// *cmkit.ValidationError whose Field names the line and column ("line 7,
// column at"), and then no entry is created. The acting member needs
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

// parseCSV reads and validates the whole file into draft entries.
func (c *Calendar) parseCSV(r io.Reader) ([]Entry, error) {
	cr := csv.NewReader(r)
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
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		known := false
		for _, k := range csvColumns {
			known = known || k == name
		}
		if !known {
			return nil, cmkit.Invalid(fmt.Sprintf("line 1, column %d", i+1), "unknown_column", "%q; known columns: %s", h, strings.Join(csvColumns, ", "))
		}
		if _, dup := cols[name]; dup {
			return nil, cmkit.Invalid(fmt.Sprintf("line 1, column %d", i+1), "duplicate_column", "%q appears twice", name)
		}
		cols[name] = i
	}
	for _, req := range []string{"channel", "text"} {
		if _, ok := cols[req]; !ok {
			return nil, cmkit.Invalid("line 1", "missing_column", "the header needs a %q column", req)
		}
	}
	var entries []Entry
	byKey := map[string]int{}
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
		row := csvRow{line: line, get: func(col string) string {
			if i, ok := cols[col]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}}
		if strings.Join(rec, "") == "" {
			continue // a blank row
		}
		if err := c.addRow(&entries, byKey, row); err != nil {
			return nil, err
		}
	}
	if len(entries) == 0 {
		return nil, cmkit.Invalid("line 2", "required", "no rows to import")
	}
	for i := range entries {
		if entries[i].Title == "" {
			return nil, cmkit.Invalid(fmt.Sprintf("entry %d (%s)", i+1, entries[i].Notes), "required", "no row gives the entry a title")
		}
	}
	return entries, nil
}

// addRow validates one row and adds it to its entry.
func (c *Calendar) addRow(entries *[]Entry, byKey map[string]int, row csvRow) error {
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
		l, err := time.LoadLocation(zone)
		if err != nil {
			return cmkit.Invalid(at("zone"), "unknown", "%q is not an IANA time zone", zone)
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
	i, grouped := byKey[key]
	if key == "" || !grouped {
		e.Variants = []Variant{v}
		if key != "" {
			byKey[key] = len(*entries)
		}
		*entries = append(*entries, e)
		return nil
	}
	cur := &(*entries)[i]
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
		if !containsString(cur.Labels, l) {
			cur.Labels = append(cur.Labels, l)
		}
	}
	return nil
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
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
