package promotion

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/strictjson"
)

// csvHeader is the first row of a CSV export, naming the columns.
var csvHeader = []string{"key", "accepted", "reason", "detail", "platform", "channel_id", "mention_id",
	"author_id", "author_handle", "person", "at", "text", "url"}

// WriteCSV writes every submission, in the order they arrived, as CSV with
// a header row: key, accepted ("true" or "false"), reason, detail,
// platform, channel_id, mention_id, author_id, author_handle, person, at
// (RFC 3339 in UTC, with nanoseconds), text, url. A cell that a spreadsheet
// would read as a formula (starting with "=", "+", "-", "@", a tab or a
// carriage return) or that starts with "'" gets a "'" in front, which
// ReadSubmissionsCSV removes. Use ReadSubmissionsCSV to read it back.
func (e *Entries) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	row := make([]string, len(csvHeader))
	for s := range e.All() {
		row[0] = s.Key()
		row[1] = strconv.FormatBool(s.Accepted)
		row[2] = string(s.Reason)
		row[3] = s.Detail
		row[4] = string(s.Platform)
		row[5] = s.ChannelID
		row[6] = s.MentionID
		row[7] = s.AuthorID
		row[8] = s.AuthorHandle
		row[9] = s.Person
		row[10] = s.At.UTC().Format(time.RFC3339Nano)
		row[11] = s.Text
		row[12] = s.URL
		for i := range row {
			row[i] = guardCell(row[i])
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// guardCell keeps a spreadsheet from reading s as a formula.
func guardCell(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r', '\'':
			return "'" + s
		}
	}
	return s
}

// unguardCell undoes guardCell.
func unguardCell(s string) string {
	if len(s) > 1 && s[0] == '\'' {
		switch s[1] {
		case '=', '+', '-', '@', '\t', '\r', '\'':
			return s[1:]
		}
	}
	return s
}

// ReadSubmissionsCSV reads what WriteCSV wrote, after a person reviewed it
// (the rows may be filtered or reordered; the columns may not change). A
// row whose key does not match its platform, handle and mention ID, an
// unknown reason, an accepted row with a reason, or an unreadable time is
// refused with an error that wraps cmkit.ErrInvalid and names the line and
// column.
func ReadSubmissionsCSV(r io.Reader) ([]Submission, error) {
	cr := csv.NewReader(bufio.NewReader(r))
	cr.FieldsPerRecord = len(csvHeader)
	head, err := cr.Read()
	if err != nil {
		return nil, csvError(err)
	}
	if !slices.Equal(head, csvHeader) {
		return nil, cmkit.Invalid("line 1", "header", "want the columns %v", csvHeader)
	}
	var out []Submission
	for {
		row, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		for i := range row {
			row[i] = unguardCell(row[i])
		}
		s := Submission{Reason: Reason(row[2]), Detail: row[3], Platform: cmkit.Platform(row[4]), ChannelID: row[5],
			MentionID: row[6], AuthorID: row[7], AuthorHandle: row[8], Person: row[9], Text: row[11], URL: row[12]}
		switch row[1] {
		case "true":
			s.Accepted = true
		case "false":
		default:
			return nil, cmkit.Invalid(fmt.Sprintf("line %d, column accepted", line), "format", "%q is not true or false", row[1])
		}
		if s.At, err = time.Parse(time.RFC3339Nano, row[10]); err != nil {
			return nil, cmkit.Invalid(fmt.Sprintf("line %d, column at", line), "format", "%q is not an RFC 3339 time", row[10])
		}
		if err := s.check(row[0]); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, s)
	}
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return cmkit.Invalid(fmt.Sprintf("line %d, column %d", pe.Line, pe.Column), "csv", "%v", pe.Err)
	}
	if err == io.EOF {
		return cmkit.Invalid("line 1", "header", "the file is empty")
	}
	return err
}

// check refuses a read-back submission that is not consistent: a wrong
// key, an unknown reason, a reason on an accepted one.
func (s *Submission) check(key string) error {
	if s.Accepted && s.Reason != "" {
		return cmkit.Invalid("reason", "accepted", "an accepted submission has no reason, got %q", s.Reason)
	}
	if !s.Accepted && !slices.Contains(reasons, s.Reason) {
		return cmkit.Invalid("reason", "enum", "%q is not a reason", s.Reason)
	}
	if want := s.Key(); key != want {
		return cmkit.Invalid("key", "mismatch", "%q does not match the platform, handle and mention ID (%q)", key, want)
	}
	return nil
}

// submissionJSON is a Submission with its key, as WriteJSON writes it.
type submissionJSON struct {
	Key string `json:"key"`
	Submission
}

// WriteJSON writes every submission, in the order they arrived, as a JSON
// array of objects with Submission's fields and its "key", one per line.
// Use ReadSubmissionsJSON to read it back.
func (e *Entries) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	sep := "\n"
	for s := range e.All() {
		b, err := json.Marshal(submissionJSON{Key: s.Key(), Submission: s})
		if err != nil {
			return err
		}
		bw.WriteString(sep)
		bw.Write(b)
		sep = ",\n"
	}
	bw.WriteString("\n]\n")
	return bw.Flush()
}

// ReadSubmissionsJSON reads what WriteJSON wrote, strictly (no unknown
// fields, no key twice), and checks each submission as ReadSubmissionsCSV
// does. Errors wrap cmkit.ErrInvalid and name the array index.
func ReadSubmissionsJSON(data []byte) ([]Submission, error) {
	var in []submissionJSON
	if err := strictjson.Decode(data, &in, "list of submissions"); err != nil {
		return nil, err
	}
	out := make([]Submission, len(in))
	for i := range in {
		if err := in[i].Submission.check(in[i].Key); err != nil {
			return nil, fmt.Errorf("submission [%d]: %w", i, err)
		}
		out[i] = in[i].Submission
	}
	return out, nil
}
