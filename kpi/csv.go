package kpi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
)

// SheetCSVOptions sets how a sheet's CSV is written and read.
type SheetCSVOptions struct {
	// Separator is the field separator: ',' (the default when writing),
	// ';' (what Spanish and Polish spreadsheet settings expect) or '\t'.
	// When reading, 0 takes the first ',', ';' or tab of the header line.
	Separator rune
	// BOM writes a UTF-8 byte order mark first, so spreadsheets read the
	// file as UTF-8. A BOM is always accepted when reading.
	BOM bool
}

// The CSV layout: the fixed columns, then one column per period.
var csvFixed = []string{"kpi", "brand", "platform", "channel", "country", "campaign", "value"}

// The rows of a KPI and segment, by what their value column says.
const (
	csvManual   = "manual"
	csvComputed = "computed"
	csvTarget   = "target"
)

// maxCSVSize bounds an imported sheet; maxCSVProblems bounds the
// problems listed.
const (
	maxCSVSize     = 16 << 20
	maxCSVProblems = 1000
)

const utf8BOM = "\xef\xbb\xbf"

func (o SheetCSVOptions) separator(header []byte) (rune, error) {
	switch o.Separator {
	case ',', ';', '\t':
		return o.Separator, nil
	case 0:
		if i := bytes.IndexAny(header, ",;\t"); i >= 0 {
			return rune(header[i]), nil
		}
		return ',', nil
	}
	return 0, cmkit.Invalid("separator", "unknown", "%q: want ',', ';' or tab", o.Separator)
}

// ExportCSV writes the sheet with ID sheet as CSV, in UTF-8 with "."
// decimals: a header row (kpi, brand, platform, channel, country,
// campaign, value, then each period as Period.String writes it), then
// for each KPI and segment three rows, whose value column says what the
// row holds: "manual" (the values entered), "computed" and "target". An
// absent value is an empty field. This is the sheet as the team sees
// it, periods across; a sheet filled in a spreadsheet from this file
// imports back with ImportCSV.
func (t *Tracker) ExportCSV(ctx context.Context, sheet string, w io.Writer, opts SheetCSVOptions) error {
	sep := opts.Separator
	if sep == 0 {
		sep = ','
	}
	if _, err := (SheetCSVOptions{Separator: sep}).separator(nil); err != nil {
		return err
	}
	s, rows, err := t.sheetRows(ctx, sheet)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if opts.BOM {
		bw.WriteString(utf8BOM)
	}
	cw := csv.NewWriter(bw)
	cw.Comma, cw.UseCRLF = sep, true
	header := append([]string(nil), csvFixed...)
	for _, p := range s.Periods() {
		header = append(header, p.String())
	}
	cw.Write(header)
	record := make([]string, len(header))
	for _, r := range rows {
		seg := r.Segment
		copy(record, []string{r.KPI, seg.Brand, string(seg.Platform), seg.Channel, seg.Country, seg.Campaign})
		for _, kind := range []string{csvManual, csvComputed, csvTarget} {
			record[len(csvFixed)-1] = kind
			for i, c := range r.Cells {
				var v *float64
				switch kind {
				case csvManual:
					if c.Manual != nil {
						v = &c.Manual.Value
					}
				case csvComputed:
					v = c.Computed
				default:
					v = c.Target
				}
				record[len(csvFixed)+i] = ""
				if v != nil {
					record[len(csvFixed)+i] = strconv.FormatFloat(*v, 'f', -1, 64)
				}
			}
			cw.Write(record)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// SheetImportProblem is one bad field of an imported sheet.
type SheetImportProblem struct {
	// Line is the 1-based line of the file (the header is line 1).
	Line int
	// Column is the 1-based field of the line, 0 when the line could not
	// be split into fields.
	Column int
	// Err says what is wrong; it wraps cmkit.ErrInvalid and names the
	// column and the rule.
	Err error
}

// Error returns "line L, column C: problem".
func (p SheetImportProblem) Error() string {
	return fmt.Sprintf("line %d, column %d: %v", p.Line, p.Column, p.Err)
}

// SheetImportError lists every bad field of an imported sheet. It wraps
// cmkit.ErrInvalid.
type SheetImportError struct {
	// Problems are the bad fields, in file order (at most 1000).
	Problems []SheetImportProblem
}

// Error lists the problems.
func (e *SheetImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "kpi: %d problems in the sheet's CSV", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("; ")
		b.WriteString(p.Error())
	}
	return b.String()
}

// Unwrap returns cmkit.ErrInvalid.
func (e *SheetImportError) Unwrap() error { return cmkit.ErrInvalid }

// csvImport collects what an imported sheet says.
type csvImport struct {
	sheet    *Sheet
	problems []SheetImportProblem
	values   map[CellRef]float64
	rows     map[[2]any]int // KPI and segment of a manual row → its line
	blank    map[int]bool   // fields whose header is blank
}

func (im *csvImport) problem(line, col int, err error) {
	if len(im.problems) < maxCSVProblems {
		im.problems = append(im.problems, SheetImportProblem{Line: line, Column: col, Err: err})
	}
}

// ImportCSV reads the values entered in the sheet with ID sheet from CSV
// laid out as ExportCSV writes it: the header names the periods, the
// rows whose value column says "manual" hold the values (an empty field
// is no value), and the computed and target rows are skipped. A leading
// UTF-8 BOM is skipped; numbers use "." decimals. Every value is entered
// by the acting member of ctx, who needs roles.EnterKPI on each segment
// named.
//
// Every bad field (an unknown column name, a period that does not parse
// or is not in the sheet, a value in a column whose header is blank
// (blank header columns, as trailing separators leave, are otherwise
// skipped), a line with the wrong number of fields, a KPI
// or segment not in the sheet, a value kind other than manual, computed
// or target, a number that does not parse, a KPI and segment given
// twice) is listed in a *SheetImportError, with its line and column, and
// then nothing is entered: the values are written in one store write. A
// value equal to the one stored is left alone. It returns how many cells
// changed.
func (t *Tracker) ImportCSV(ctx context.Context, sheet string, r io.Reader, opts SheetCSVOptions) (int, error) {
	s, err := t.Sheet(ctx, sheet)
	if err != nil {
		return 0, err
	}
	values, err := parseSheetCSV(&s, r, opts)
	if err != nil {
		return 0, err
	}
	return t.enterAll(ctx, &s, values)
}

// parseSheetCSV reads the manual values of sheet s from CSV.
func parseSheetCSV(s *Sheet, r io.Reader, opts SheetCSVOptions) (map[CellRef]float64, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxCSVSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxCSVSize {
		return nil, cmkit.Invalid("csv", "max_size", "more than %d bytes", maxCSVSize)
	}
	data = bytes.TrimPrefix(data, []byte(utf8BOM))
	firstLine, _, _ := bytes.Cut(data, []byte("\n"))
	sep, err := opts.separator(firstLine)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comma, cr.FieldsPerRecord = sep, -1
	im := &csvImport{sheet: s, values: map[CellRef]float64{}, rows: map[[2]any]int{}, blank: map[int]bool{}}
	var columns []Period // by field, zero for a fixed or bad column
	for {
		record, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			im.problem(pe.Line, 0, cmkit.Invalid("csv", "syntax", "%v", pe.Err))
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if columns == nil {
			columns = im.header(line, record)
			if len(columns) <= len(csvFixed) {
				break // no layout to read rows by
			}
			continue
		}
		im.row(line, record, columns)
	}
	if columns == nil && len(im.problems) == 0 {
		im.problem(1, 1, cmkit.Invalid("header", "required", "the file has no header row"))
	}
	if len(im.problems) > 0 {
		return nil, &SheetImportError{Problems: im.problems}
	}
	return im.values, nil
}

// header reads the header row: the fixed columns, then periods.
func (im *csvImport) header(line int, record []string) []Period {
	columns := make([]Period, len(record))
	for i, name := range record {
		name = strings.TrimSpace(name)
		if i < len(csvFixed) {
			if !strings.EqualFold(name, csvFixed[i]) {
				im.problem(line, i+1, cmkit.Invalid("header", "column", "%q: want %q", name, csvFixed[i]))
			}
			continue
		}
		if name == "" { // a spreadsheet's trailing separators
			im.blank[i] = true
			continue
		}
		p, err := ParsePeriod(name)
		if err != nil {
			im.problem(line, i+1, cmkit.Invalid("period", "format", "%q is not a period: %v", name, err))
			continue
		}
		if err := im.sheet.has(CellRef{KPI: im.sheet.KPIs[0], Segment: im.sheet.Segments[0], Period: p}); err != nil {
			im.problem(line, i+1, err)
			continue
		}
		for j := len(csvFixed); j < i; j++ {
			if columns[j] == p {
				im.problem(line, i+1, cmkit.Invalid("period", "unique", "%s is also column %d", p, j+1))
				p = Period{}
				break
			}
		}
		columns[i] = p
	}
	if len(record)-len(im.blank) <= len(csvFixed) {
		im.problem(line, len(record), cmkit.Invalid("header", "periods", "no period column after %q", csvFixed[len(csvFixed)-1]))
	}
	return columns
}

// row reads one data row.
func (im *csvImport) row(line int, record []string, columns []Period) {
	if len(record) != len(columns) {
		if len(strings.Join(record, "")) == 0 {
			return // a line of separators only
		}
		im.problem(line, min(len(record), len(columns))+1,
			cmkit.Invalid("row", "fields", "%d fields, the header has %d", len(record), len(columns)))
		return
	}
	for i, f := range record {
		if !utf8.ValidString(f) {
			im.problem(line, i+1, cmkit.Invalid(columnName(i, columns), "utf8", "not UTF-8"))
			return
		}
	}
	if len(strings.Join(record, "")) == 0 {
		return
	}
	kpi := strings.TrimSpace(record[0])
	seg := Segment{Brand: strings.TrimSpace(record[1]), Platform: cmkit.Platform(strings.TrimSpace(record[2])),
		Channel: strings.TrimSpace(record[3]), Country: strings.TrimSpace(record[4]), Campaign: strings.TrimSpace(record[5])}
	ok := true
	if !slices.Contains(im.sheet.KPIs, kpi) {
		im.problem(line, 1, cmkit.Invalid("kpi", "unknown", "%q is not a KPI of sheet %q", kpi, im.sheet.ID))
		ok = false
	}
	if !slices.Contains(im.sheet.Segments, seg) {
		im.problem(line, 2, cmkit.Invalid("segment", "unknown", "%s is not a segment of sheet %q", seg, im.sheet.ID))
		ok = false
	}
	switch kind := strings.ToLower(strings.TrimSpace(record[len(csvFixed)-1])); kind {
	case csvManual:
	case csvComputed, csvTarget:
		return
	default:
		im.problem(line, len(csvFixed), cmkit.Invalid("value", "unknown", "%q: want manual, computed or target", kind))
		return
	}
	if ok {
		key := [2]any{kpi, seg}
		if first, dup := im.rows[key]; dup {
			im.problem(line, 1, cmkit.Invalid("row", "unique", "%s for %s is also on line %d", kpi, seg, first))
			ok = false
		} else {
			im.rows[key] = line
		}
	}
	for i := len(csvFixed); i < len(record); i++ {
		f := strings.TrimSpace(record[i])
		if f == "" {
			continue
		}
		if im.blank[i] {
			im.problem(line, i+1, cmkit.Invalid(columnName(i, columns), "period", "%q is in a column without a period", f))
			continue
		}
		v, err := parseSheetNumber(f)
		if err != nil {
			im.problem(line, i+1, cmkit.Invalid(columnName(i, columns), "number", "%v", err))
			continue
		}
		if ok && !columns[i].IsZero() {
			im.values[CellRef{KPI: kpi, Segment: seg, Period: columns[i]}] = v
		}
	}
}

// columnName names field i for an error.
func columnName(i int, columns []Period) string {
	if i < len(csvFixed) {
		return csvFixed[i]
	}
	if columns[i].IsZero() {
		return fmt.Sprintf("column %d", i+1)
	}
	return columns[i].String()
}

// parseSheetNumber reads a number with "." decimals: an optional minus,
// digits, optionally a point and digits, optionally an exponent.
func parseSheetNumber(s string) (float64, error) {
	i := 0
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	good := digits() > 0
	if good && i < len(s) && s[i] == '.' {
		i++
		good = digits() > 0
	}
	if good && i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		good = digits() > 0
	}
	if !good || i != len(s) {
		return 0, fmt.Errorf("%q is not a number with \".\" decimals", s)
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is out of range", s)
	}
	return v, nil
}

// sheetDocument is a sheet's values as JSON.
type sheetDocument struct {
	Sheet Sheet      `json:"sheet"`
	Rows  []SheetRow `json:"rows"`
}

// ExportJSON writes the sheet with ID sheet and its rows (Rows) as JSON:
// {"sheet": Sheet, "rows": [SheetRow, ...]}.
func (t *Tracker) ExportJSON(ctx context.Context, sheet string, w io.Writer) error {
	s, rows, err := t.sheetRows(ctx, sheet)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sheetDocument{Sheet: s, Rows: rows})
}

// ImportJSON reads the values entered in the sheet with ID sheet from a
// document as ExportJSON writes it: each row's cells' manual values
// (the rest, and the "sheet" field, are skipped). A row or cell not in
// the sheet, or a cell given twice, is an error wrapping
// cmkit.ErrInvalid that names it ("rows[1].cells[0].period"); then
// nothing is entered. Otherwise it enters the values as ImportCSV does
// and returns how many cells changed.
func (t *Tracker) ImportJSON(ctx context.Context, sheet string, r io.Reader) (int, error) {
	s, err := t.Sheet(ctx, sheet)
	if err != nil {
		return 0, err
	}
	var doc struct {
		Rows []SheetRow `json:"rows"`
	}
	if err := json.NewDecoder(io.LimitReader(r, maxCSVSize)).Decode(&doc); err != nil {
		return 0, cmkit.Invalid("json", "syntax", "%v", err)
	}
	values := map[CellRef]float64{}
	for i, row := range doc.Rows {
		for j, c := range row.Cells {
			if c.Manual == nil {
				continue
			}
			ref := CellRef{KPI: row.KPI, Segment: row.Segment, Period: c.Period}
			at := fmt.Sprintf("rows[%d].cells[%d]", i, j)
			if err := s.has(ref); err != nil {
				return 0, fmt.Errorf("kpi: %s: %w", at, err)
			}
			if _, dup := values[ref]; dup {
				return 0, cmkit.Invalid(at, "unique", "%s is given twice", ref)
			}
			values[ref] = c.Manual.Value
		}
	}
	return t.enterAll(ctx, &s, values)
}
