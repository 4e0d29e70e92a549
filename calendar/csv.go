package calendar

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar/recur"
	"github.com/cmkit/cmkit/roles"
)

// csvColumns are the columns ImportCSV knows; "channel" and "text" are
// required, and "title" for each entry.
var csvColumns = []string{"entry", "title", "channel", "text", "at", "zone", "labels", "campaign", "brand", "media", "notes"}

// CSVOptions are the choices of one ImportCSV call. A nil *CSVOptions, or
// the zero value, means: separator detected from the header row, no
// default zone, and a real import.
type CSVOptions struct {
	// Separator separates the cells of a row. Zero means detect it from
	// the header row: whichever of comma, semicolon (Excel in Spanish and
	// Polish) and tab splits it into the most known column names. It may
	// not be a quote, a line break or the Unicode replacement character.
	Separator rune
	// Zone is an IANA time zone ("Europe/Warsaw") for the rows whose zone
	// cell is empty: their local wall times are read in it and their
	// entries planned in it, as if the zone column held it. Empty means
	// none: such a row needs a time with an offset. "Local" is not a zone.
	Zone string
	// DryRun checks the file, and the acting member's permissions, as an
	// import would, then returns the entries it would create without
	// writing any.
	DryRun bool
}

// CSVResult is what ImportCSV created, or on a dry run would create.
type CSVResult struct {
	// Entries are the entries, in file order: as stored, or on a dry run
	// as they would be passed to Create (no ID, author or history yet).
	Entries []Entry
	// Warnings are what a person should check in rows that were accepted,
	// in file order.
	Warnings []CSVWarning
}

// CSVWarning is something ImportCSV accepted but a person should check.
type CSVWarning struct {
	// Field names the place, as a *cmkit.ValidationError does ("line 4,
	// column at").
	Field string
	// Rule names what to check: "fixed_offset" (a time with an offset and
	// no zone: the post keeps that instant, with no daylight-saving
	// protection) or "offset_mismatch" (the offset is not the zone's on
	// that date).
	Rule string
	// Detail explains it to a person.
	Detail string
}

// String reads "FIELD: RULE: DETAIL".
func (w CSVWarning) String() string { return w.Field + ": " + w.Rule + ": " + w.Detail }

// maxCSVProblems is how many problems an import lists before it only
// counts the rest.
const maxCSVProblems = 100

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
//	          time "2026-11-23 09:00" in the zone column or opts.Zone
//	zone      an IANA time zone ("Europe/Madrid"; not "Local")
//	labels    labels separated by ";"
//	campaign  the campaign
//	brand     the brand: empty, or that of the channels (see Create)
//	media     media URLs separated by ";" (kind from the extension)
//	notes     notes for the team
//
// The file is UTF-8, with or without a byte-order mark, with line ends LF
// or CRLF, and cells separated by opts.Separator or, by default, by
// whichever of comma, semicolon and tab its header row uses; a cell that
// holds the separator, a quote or a line break is quoted, as spreadsheets
// write it. Cells are text: no control characters, except line feeds and
// tabs in text and notes; a cell that is not valid UTF-8 is refused (Rule
// "utf8"; a spreadsheet saved as plain "CSV" rather than "CSV UTF-8" gives
// this), and so is one with another control character (Rule
// "control_character"). A UTF-16 file (Excel's "Unicode text") is refused
// as a whole (Field "line 1", Rule "utf8").
//
// Every row is checked before anything is written, with the checks Create
// runs (channels registered, one brand per entry, a known campaign). Each problem is a
// *cmkit.ValidationError whose Field names the line and column ("line 7,
// column at"; for an entry without a title, its first row), and all of
// them come back at once, joined with errors.Join, so errors.Is(err,
// cmkit.ErrInvalid) holds and errors.As finds the first; past 100, one
// more error (Rule "too_many") counts the rest. A quoting error stops the
// reading there. Then no entry is created.
//
// The acting member needs roles.DraftPost on every channel, as for Create;
// when the file is valid, each denial comes back wrapping
// cmkit.ErrForbidden and naming the entry's first line, and nothing is
// created. Channel limits and Checkers are applied later, by Schedule, as
// for any draft (Validate runs them sooner).
//
// A time with an offset and no zone (from the zone column or opts.Zone)
// is kept as that instant, but its entry has no zone to keep it at the
// same local time across daylight-saving changes: the result carries a
// CSVWarning with Rule "fixed_offset". With a zone, an offset that is not
// the zone's on that date gives one with Rule "offset_mismatch".
//
// It returns the entries created, in file order, or on a dry run
// (opts.DryRun) those it would create, having written nothing. A bad
// option is a *cmkit.ValidationError naming it ("CSVOptions.Zone").
func (c *Calendar) ImportCSV(ctx context.Context, r io.Reader, opts *CSVOptions) (CSVResult, error) {
	var o CSVOptions
	if opts != nil {
		o = *opts
	}
	var defZone *time.Location
	if o.Zone != "" {
		l, ok := recur.LoadZone(o.Zone)
		if !ok {
			return CSVResult{}, cmkit.Invalid("CSVOptions.Zone", "unknown", "%q is not an IANA time zone such as Europe/Madrid", o.Zone)
		}
		defZone = l
	}
	if o.Separator != 0 && !validSeparator(o.Separator) {
		return CSVResult{}, cmkit.Invalid("CSVOptions.Separator", "format", "%q cannot separate cells", o.Separator)
	}
	in, err := c.parseCSV(ctx, r, o.Separator, csvZone{name: o.Zone, loc: defZone})
	if err != nil {
		return CSVResult{}, err
	}
	var denied csvProblems
	for i := range in.entries {
		if err := c.check(ctx, roles.DraftPost, &in.entries[i]); err != nil {
			if !errors.Is(err, cmkit.ErrForbidden) {
				return CSVResult{}, err
			}
			denied.add(fmt.Errorf("calendar: line %d: %w", in.lines[i], err))
		}
	}
	if err := denied.err(); err != nil {
		return CSVResult{}, err
	}
	res := CSVResult{Warnings: in.warnings}
	if o.DryRun {
		res.Entries = in.entries
		return res, nil
	}
	res.Entries = make([]Entry, 0, len(in.entries))
	for _, d := range in.entries {
		e, err := c.Create(ctx, d)
		if err != nil {
			c.rollback(ctx, res.Entries)
			return CSVResult{}, fmt.Errorf("calendar: import stopped, %d entries rolled back: %w", len(res.Entries), err)
		}
		res.Entries = append(res.Entries, e)
	}
	return res, nil
}

// validSeparator reports whether encoding/csv can use r between cells.
func validSeparator(r rune) bool {
	return r != '"' && r != '\r' && r != '\n' && r != utf8.RuneError && utf8.ValidRune(r)
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

// csvProblems collects what is wrong with a file, listing the first
// maxCSVProblems and counting the rest.
type csvProblems struct {
	errs    []error
	omitted int
	first   string // where the first problem not listed is
}

func (p *csvProblems) add(err error) {
	if len(p.errs) < maxCSVProblems {
		p.errs = append(p.errs, err)
		return
	}
	if p.omitted == 0 {
		var ve *cmkit.ValidationError
		if errors.As(err, &ve) {
			p.first = ve.Field
		}
	}
	p.omitted++
}

func (p *csvProblems) count() int { return len(p.errs) + p.omitted }

// err returns the problems found: nil, the one, or all of them joined.
func (p *csvProblems) err() error {
	switch {
	case len(p.errs) == 0:
		return nil
	case p.omitted > 0:
		return errors.Join(append(p.errs, cmkit.Invalid(p.first, "too_many",
			"%d more problems from here on are not listed", p.omitted))...)
	case len(p.errs) == 1:
		return p.errs[0]
	}
	return errors.Join(p.errs...)
}

// csvRow is one row of the file, its cells trimmed.
type csvRow struct {
	line  int   // where the row starts
	lines []int // where each cell starts
	cells []string
	cols  map[string]int
}

func (r *csvRow) get(col string) string {
	if i, ok := r.cols[col]; ok {
		return r.cells[i]
	}
	return ""
}

// at names a cell of the row: "line N, column C".
func (r *csvRow) at(col string) string {
	line := r.line
	if i, ok := r.cols[col]; ok {
		line = r.lines[i]
	}
	return fmt.Sprintf("line %d, column %s", line, col)
}

// csvZone is the default zone of an import (name "" for none).
type csvZone struct {
	name string
	loc  *time.Location
}

// csvEntries collects the entries of a file as its rows are read.
type csvEntries struct {
	entries  []Entry
	lines    []int           // the line of each entry's first row
	keys     []string        // each entry's key, "" for none
	byKey    map[string]int  // entry key: index in entries
	bad      map[string]bool // keys with a refused row
	fixed    map[int]string  // entry index: where its At came with an offset
	warnings []CSVWarning
}

// refuse notes that a row of entry key was refused, so that the entry's
// other rows are left out without more problems listed for it.
func (in *csvEntries) refuse(key string) {
	if key != "" {
		in.bad[key] = true
	}
}

// utf8BOM is the byte-order mark spreadsheets put before UTF-8 text.
const utf8BOM = "\ufeff"

// csvHeadSize is how much of a file is read ahead to find its separator:
// a header row is a few dozen bytes; one longer than this is read with a
// comma.
const csvHeadSize = 4 << 10

// parseCSV reads and validates the whole file into draft entries, with
// sep between cells (0: detect it).
func (c *Calendar) parseCSV(ctx context.Context, r io.Reader, sep rune, zone csvZone) (*csvEntries, error) {
	br := bufio.NewReaderSize(r, csvHeadSize)
	if b, err := br.Peek(len(utf8BOM)); err == nil && string(b) == utf8BOM {
		_, _ = br.Discard(len(utf8BOM)) // before a quoted header too
	}
	if b, err := br.Peek(2); err == nil && (string(b) == "\xff\xfe" || string(b) == "\xfe\xff") {
		return nil, cmkit.Invalid("line 1", "utf8", "the file is UTF-16 (Excel's \"Unicode text\"); save it as \"CSV UTF-8\"")
	}
	if sep == 0 {
		head, _ := br.Peek(csvHeadSize) // what there is: a short file ends sooner
		sep = detectSeparator(head)
	}
	cr := csv.NewReader(br)
	cr.Comma = sep
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, cmkit.Invalid("line 1", "header", "the file is empty; the first row names the columns")
	}
	if err != nil {
		return nil, csvError(err)
	}
	var bad csvProblems
	cols := map[string]int{}
	names := make([]string, len(header))
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(h))
		switch _, dup := cols[name]; {
		case !slices.Contains(csvColumns, name):
			bad.add(cmkit.Invalid(fmt.Sprintf("line 1, column %d", i+1), "unknown_column", "%q; known columns: %s", h, strings.Join(csvColumns, ", ")))
		case dup:
			bad.add(cmkit.Invalid(fmt.Sprintf("line 1, column %d", i+1), "duplicate_column", "%q appears twice", name))
		default:
			cols[name] = i
		}
		names[i] = name
	}
	for _, req := range []string{"channel", "text"} {
		if _, ok := cols[req]; !ok {
			bad.add(cmkit.Invalid("line 1", "missing_column", "the header needs a %q column", req))
		}
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	in := &csvEntries{byKey: map[string]int{}, bad: map[string]bool{}, fixed: map[int]string{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			bad.add(csvError(err)) // what follows cannot be told apart
			return nil, bad.err()
		}
		row := csvRow{cells: rec, lines: make([]int, len(rec)), cols: cols}
		for i := range rec {
			row.lines[i], _ = cr.FieldPos(i)
		}
		row.line = row.lines[0]
		if len(rec) != len(header) {
			bad.add(cmkit.Invalid(fmt.Sprintf("line %d", row.line), "field_count", "%d fields, the header has %d", len(rec), len(header)))
			if i, ok := cols["entry"]; ok && i < len(rec) {
				in.refuse(strings.TrimSpace(rec[i]))
			}
			continue
		}
		before, blank := bad.count(), true
		for i, cell := range rec {
			rec[i] = strings.TrimSpace(cell)
			blank = blank && rec[i] == ""
			if err := checkCell(row.lines[i], names[i], rec[i]); err != nil {
				bad.add(err)
			}
		}
		switch {
		case bad.count() > before:
			in.refuse(row.get("entry"))
		case !blank:
			c.addRow(in, &row, zone, &bad)
		}
	}
	if len(in.entries) == 0 && bad.count() == 0 {
		return nil, cmkit.Invalid("line 2", "required", "no rows to import")
	}
	for i := range in.entries {
		e := &in.entries[i]
		if e.Title == "" && !in.bad[in.keys[i]] {
			bad.add(cmkit.Invalid(fmt.Sprintf("line %d, column title", in.lines[i]), "required", "no row of entry %d gives it a title", i+1))
		}
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	for i := range in.entries {
		e := &in.entries[i]
		if e.Zone == "" {
			e.Zone = zone.name
		}
		// What Create checks, each already checked row by row above.
		for _, check := range []func() error{e.validateShape, func() error { return c.knownChannels(e) }, func() error { return c.deriveBrand(e) }, func() error { return c.joinCampaign(ctx, e) }} {
			if err := check(); err != nil {
				var ve *cmkit.ValidationError
				if errors.As(err, &ve) {
					err = cmkit.Invalid(fmt.Sprintf("line %d, %s", in.lines[i], ve.Field), ve.Rule, "%s", ve.Detail)
				}
				bad.add(err)
				break
			}
		}
		if where, ok := in.fixed[i]; ok {
			in.warnings = append(in.warnings, offsetWarning(where, e)...)
		}
	}
	if err := bad.err(); err != nil {
		return nil, err
	}
	return in, nil
}

// offsetWarning says what to check about e, whose At came from a time
// with an offset at where.
func offsetWarning(where string, e *Entry) []CSVWarning {
	_, off := e.At.Zone()
	if e.Zone == "" {
		return []CSVWarning{{Field: where, Rule: "fixed_offset", Detail: fmt.Sprintf(
			"%s has an offset and no zone: it stays that instant, with no daylight-saving protection; give a zone and a local time",
			e.At.Format(time.RFC3339))}}
	}
	loc, _ := recur.LoadZone(e.Zone)
	if _, want := e.At.In(loc).Zone(); want != off {
		return []CSVWarning{{Field: where, Rule: "offset_mismatch", Detail: fmt.Sprintf(
			"%s: on that date %s is at %s, so this is %s there",
			e.At.Format(time.RFC3339), e.Zone, e.At.In(loc).Format("-07:00"), e.At.In(loc).Format("2006-01-02 15:04"))}}
	}
	return nil
}

// detectSeparator returns the separator among comma, semicolon and tab
// that splits the header row at the start of head into the most known
// column names; a tie goes to the one that gives more cells, then to the
// earlier in that list.
func detectSeparator(head []byte) rune {
	best, bestKnown, bestCells := ',', -1, -1
	for _, sep := range []rune{',', ';', '\t'} {
		cr := csv.NewReader(bytes.NewReader(head))
		cr.Comma = sep
		cr.FieldsPerRecord = -1
		rec, err := cr.Read()
		if err != nil {
			continue
		}
		known := 0
		for _, h := range rec {
			if slices.Contains(csvColumns, strings.ToLower(strings.TrimSpace(h))) {
				known++
			}
		}
		if known > bestKnown || known == bestKnown && len(rec) > bestCells {
			best, bestKnown, bestCells = sep, known, len(rec)
		}
	}
	return best
}

// checkCell refuses a cell that is not UTF-8 text, or that holds a
// control character: only text and notes may hold line feeds and tabs.
func checkCell(line int, col, cell string) error {
	field := fmt.Sprintf("line %d, column %s", line, col)
	if !utf8.ValidString(cell) {
		return cmkit.Invalid(field, "utf8", "not valid UTF-8; a spreadsheet saves it with \"CSV UTF-8\"")
	}
	return checkText(field, cell, col == "text" || col == "notes")
}

// addRow validates one row and adds it to its entry; what is wrong goes
// to bad, and then the row is left out.
func (c *Calendar) addRow(in *csvEntries, row *csvRow, zone csvZone, bad *csvProblems) {
	before := bad.count()
	key := row.get("entry")
	defer func() {
		if bad.count() > before {
			in.refuse(key)
		}
	}()
	channel, text := row.get("channel"), row.get("text")
	brand := ""
	switch ch, ok := c.channels[channel]; {
	case channel == "":
		bad.add(cmkit.Invalid(row.at("channel"), "required", ""))
	case !ok:
		bad.add(cmkit.Invalid(row.at("channel"), "unknown", "no channel %q is registered", channel))
	default:
		brand = ch.Info().Brand
		if b := row.get("brand"); b != "" && b != brand {
			bad.add(cmkit.Invalid(row.at("brand"), "derived", "channel %q is of brand %q, not %q (the brand comes from the channels; leave it empty)", channel, brand, b))
		}
	}
	if text == "" {
		bad.add(cmkit.Invalid(row.at("text"), "required", ""))
	}
	zname := row.get("zone")
	loc := zone.loc
	if zname != "" {
		l, ok := recur.LoadZone(zname)
		if !ok {
			bad.add(cmkit.Invalid(row.at("zone"), "unknown", "%q is not an IANA time zone such as Europe/Madrid", zname))
			return
		}
		loc = l
	}
	var when time.Time
	fixed := false
	if s := row.get("at"); s != "" {
		t, off, err := parseWhen(s, loc)
		if err != nil {
			bad.add(cmkit.Invalid(row.at("at"), "format", "%v", err))
			return
		}
		when, fixed = t, off
	}
	if bad.count() > before {
		return
	}
	v := Variant{Channel: channel, Post: cmkit.Post{Text: text}}
	if m := row.get("media"); m != "" {
		for _, u := range strings.Split(m, ";") {
			if u = strings.TrimSpace(u); u != "" {
				v.Post.Media = append(v.Post.Media, cmkit.Media{Kind: mediaKind(u), URL: u})
			}
		}
	}
	e := Entry{Title: row.get("title"), Zone: zname, At: when, Campaign: row.get("campaign"), Brand: brand,
		Notes: row.get("notes")}
	for _, l := range strings.Split(row.get("labels"), ";") {
		if l = strings.TrimSpace(l); l != "" {
			e.Labels = append(e.Labels, l)
		}
	}
	i, grouped := in.byKey[key]
	if key == "" || !grouped {
		if in.bad[key] {
			return // an earlier row of this entry was refused, and listed
		}
		e.Variants = []Variant{v}
		if key != "" {
			in.byKey[key] = len(in.entries)
		}
		if fixed {
			in.fixed[len(in.entries)] = row.at("at")
		}
		in.entries = append(in.entries, e)
		in.lines = append(in.lines, row.line)
		in.keys = append(in.keys, key)
		return
	}
	cur := &in.entries[i]
	for _, f := range []struct {
		col      string
		cur, new *string
	}{{"title", &cur.Title, &e.Title}, {"zone", &cur.Zone, &e.Zone}, {"campaign", &cur.Campaign, &e.Campaign},
		{"notes", &cur.Notes, &e.Notes}} {
		if *f.new != "" && *f.cur != "" && *f.cur != *f.new {
			bad.add(cmkit.Invalid(row.at(f.col), "conflict", "entry %q already has %s %q", key, f.col, *f.cur))
		}
	}
	if !when.IsZero() && !cur.At.IsZero() && !cur.At.Equal(when) {
		bad.add(cmkit.Invalid(row.at("at"), "conflict", "entry %q is already at %s", key, cur.At.Format(time.RFC3339)))
	}
	if cur.Variant(channel) != nil {
		bad.add(cmkit.Invalid(row.at("channel"), "unique", "entry %q already has a post for %q", key, channel))
	}
	if brand != cur.Brand {
		bad.add(cmkit.Invalid(row.at("channel"), "one_brand", "channel %q is of brand %q and entry %q of %q: an entry speaks for one brand", channel, brand, key, cur.Brand))
	}
	if bad.count() > before {
		return
	}
	for _, f := range []struct{ cur, new *string }{{&cur.Title, &e.Title}, {&cur.Zone, &e.Zone}, {&cur.Campaign, &e.Campaign}, {&cur.Notes, &e.Notes}} {
		if *f.cur == "" {
			*f.cur = *f.new
		}
	}
	if cur.At.IsZero() && !when.IsZero() {
		cur.At = when
		if fixed {
			in.fixed[i] = row.at("at")
		}
	}
	cur.Variants = append(cur.Variants, v)
	for _, l := range e.Labels {
		if !slices.Contains(cur.Labels, l) {
			cur.Labels = append(cur.Labels, l)
		}
	}
}

// parseWhen reads RFC 3339, or a local wall time in loc (nil: none
// given). fixed reports a time that came with an offset.
func parseWhen(s string, loc *time.Location) (t time.Time, fixed bool, err error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true, nil
	}
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(layout, s); err == nil {
			if loc == nil {
				return time.Time{}, false, fmt.Errorf("%q has no offset: give a zone (column or default) or an RFC 3339 time", s)
			}
			return recur.WallTimeOf(t).In(loc), false, nil // gap and fold rules: see recur.WallTime.In
		}
	}
	return time.Time{}, false, fmt.Errorf("%q is neither RFC 3339 (2026-11-23T09:00:00+01:00) nor local time (2026-11-23 09:00)", s)
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
