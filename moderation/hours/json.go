package hours

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/jsontok"
	weekdays "github.com/cmkit/cmkit/internal/weekday"
)

// This file holds the JSON form of a Schedule, which people write by hand:
//
//	{
//	  "zone": "Europe/Madrid",
//	  "week": {"mon-fri": ["09:00-13:00", "15:00-18:00"], "sat": "10:00-14:00"},
//	  "holidays": ["2025-12-25", {"date": "2026-01-06", "name": "Reyes"}],
//	  "exceptions": [{"date": "2025-11-29", "name": "Black Friday", "hours": ["10:00-20:00"]}]
//	}

// dayKeys are the names of the weekdays in JSON, indexed by time.Weekday.
var dayKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// dayNames are the full names a person may write instead.
var dayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// jsonOrder is the order of the week in JSON, Monday first.
var jsonOrder = [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// maxJSON bounds the size of a schedule's JSON form (ReadSchedule).
const maxJSON = 4 << 20

// Parse reads a Schedule from its JSON form (see the package doc) and
// validates it. The reading is strict: a key that is not a field (keys are
// case-sensitive; weekday names are not), a key given twice, a weekday
// given twice (directly or within a range such as "mon-fri"), a value of
// the wrong type and data after the schedule are refused. Spans and dates
// may come in any order; Parse sorts them. Every error wraps
// cmkit.ErrInvalid, and its *cmkit.ValidationError names the entry by its
// path ("week.mon-fri[1]", "holidays[2].date") and the rule it broke.
func Parse(data []byte) (*Schedule, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	r := reader{dec: dec}
	s, err := r.schedule()
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, cmkit.Invalid("schedule", "json", "data after the schedule")
	}
	return s, nil
}

// ReadSchedule is Parse for a reader; it reads at most 4 MiB.
func ReadSchedule(r io.Reader) (*Schedule, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxJSON+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxJSON {
		return nil, cmkit.Invalid("schedule", "max_length", "more than %d bytes", maxJSON)
	}
	return Parse(data)
}

// UnmarshalJSON reads s from its JSON form as Parse does, so that a
// schedule inside a larger configuration is read as strictly. On error s
// is unchanged. JSON null leaves s unchanged too, as encoding/json expects.
func (s *Schedule) UnmarshalJSON(data []byte) error {
	if string(bytes.TrimSpace(data)) == "null" {
		return nil
	}
	v, err := Parse(data)
	if err != nil {
		return err
	}
	*s = *v
	return nil
}

// MarshalJSON writes s in the JSON form Parse reads: the zone's name,
// the weekdays from Monday with runs of days with the same hours written
// as one range ("mon-fri"), holidays as a date or, when named, an object,
// and the exceptions. It refuses a schedule Validate refuses, and one whose
// Zone has no IANA name to write (time.Local, a time.FixedZone).
func (s Schedule) MarshalJSON() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	zone := s.Zone.String()
	if _, err := time.LoadLocation(zone); err != nil || zone == "Local" || zone == "" {
		return nil, cmkit.Invalid("zone", "zone", "a zone named %q cannot be read back from JSON; load an IANA zone such as \"Europe/Madrid\"", zone)
	}
	var b bytes.Buffer
	b.WriteString(`{"zone":`)
	writeString(&b, zone)
	b.WriteString(`,"week":{`)
	first := true
	for i := 0; i < 7; {
		wd := jsonOrder[i]
		j := i + 1
		for j < 7 && slices.Equal(s.Week[jsonOrder[j]], s.Week[wd]) {
			j++
		}
		if len(s.Week[wd]) > 0 {
			if !first {
				b.WriteByte(',')
			}
			first = false
			key := dayKeys[wd]
			if j-i > 1 {
				key += "-" + dayKeys[jsonOrder[j-1]]
			}
			writeString(&b, key)
			b.WriteByte(':')
			writeSpans(&b, s.Week[wd])
		}
		i = j
	}
	b.WriteByte('}')
	if len(s.Holidays) > 0 {
		b.WriteString(`,"holidays":[`)
		for i, h := range s.Holidays {
			if i > 0 {
				b.WriteByte(',')
			}
			if h.Name == "" {
				writeString(&b, h.Date.String())
				continue
			}
			b.WriteString(`{"date":`)
			writeString(&b, h.Date.String())
			b.WriteString(`,"name":`)
			writeString(&b, h.Name)
			b.WriteByte('}')
		}
		b.WriteByte(']')
	}
	if len(s.Exceptions) > 0 {
		b.WriteString(`,"exceptions":[`)
		for i, e := range s.Exceptions {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(`{"date":`)
			writeString(&b, e.Date.String())
			if e.Name != "" {
				b.WriteString(`,"name":`)
				writeString(&b, e.Name)
			}
			b.WriteString(`,"hours":`)
			writeSpans(&b, e.Spans)
			b.WriteByte('}')
		}
		b.WriteByte(']')
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func writeString(b *bytes.Buffer, s string) {
	q, _ := json.Marshal(s) // a string always marshals
	b.Write(q)
}

func writeSpans(b *bytes.Buffer, spans []Span) {
	b.WriteByte('[')
	for i, sp := range spans {
		if i > 0 {
			b.WriteByte(',')
		}
		writeString(b, sp.String())
	}
	b.WriteByte(']')
}

// reader reads the JSON form token by token, so that it can refuse
// duplicate keys and name the path of every error.
type reader struct {
	dec   *json.Decoder
	dated int // holidays and exceptions read so far
}

// token reads the next token; a syntax error names path.
func (r *reader) token(path string) (json.Token, error) {
	tok, err := r.dec.Token()
	if err != nil {
		path = where(path)
		if errors.Is(err, io.EOF) {
			return nil, cmkit.Invalid(path, "json", "the JSON ends too soon")
		}
		return nil, cmkit.Invalid(path, "json", "%v", err)
	}
	return tok, nil
}

// object reads the members of an object whose '{' was tok, calling member
// for each key once; a key given twice is refused.
func (r *reader) object(path string, tok json.Token, what string, member func(key, path string) error) error {
	if tok != json.Delim('{') {
		return wrongType(path, tok, what)
	}
	var seen []string
	for r.dec.More() {
		kt, err := r.token(path)
		if err != nil {
			return err
		}
		key := kt.(string) // object keys are strings
		p := key
		if key == "" {
			p = `""`
		}
		if path != "" {
			p = path + "." + p
		}
		if slices.Contains(seen, key) {
			return cmkit.Invalid(p, "duplicate", "the key is given twice")
		}
		seen = append(seen, key)
		if err := member(key, p); err != nil {
			return err
		}
	}
	_, err := r.token(path) // '}'
	return err
}

// list reads the elements of a list whose '[' was tok.
func (r *reader) list(path string, tok json.Token, what string, elem func(i int, path string, tok json.Token) error) error {
	if tok != json.Delim('[') {
		return wrongType(path, tok, what)
	}
	for i := 0; r.dec.More(); i++ {
		p := fmt.Sprintf("%s[%d]", path, i)
		tok, err := r.token(p)
		if err != nil {
			return err
		}
		if err := elem(i, p, tok); err != nil {
			return err
		}
	}
	_, err := r.token(path) // ']'
	return err
}

// str reads a string value.
func (r *reader) str(path, what string) (string, error) {
	tok, err := r.token(path)
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		return "", wrongType(path, tok, what)
	}
	return s, nil
}

func wrongType(path string, tok json.Token, what string) error {
	return cmkit.Invalid(where(path), "type", "%s where %s belongs", jsontok.Describe(tok), what)
}

// where names the path of an error: the schedule itself has the empty path.
func where(path string) string {
	if path == "" {
		return "schedule"
	}
	return path
}

const (
	spansWhat = `a list of spans like ["09:00-13:00", "15:00-18:00"]`
	dateWhat  = `a date like "2025-12-25"`
)

// schedule reads the whole schedule and validates it.
func (r *reader) schedule() (*Schedule, error) {
	tok, err := r.token("schedule")
	if err != nil {
		return nil, err
	}
	s := &Schedule{}
	var zoneSet, weekSet bool
	err = r.object("", tok, "a schedule object", func(key, p string) error {
		switch key {
		case "zone":
			zoneSet = true
			return r.zone(p, s)
		case "week":
			weekSet = true
			return r.week(p, s)
		case "holidays":
			return r.holidays(p, s)
		case "exceptions":
			return r.exceptions(p, s)
		}
		return cmkit.Invalid(p, "unknown", "not a field of a schedule (zone, week, holidays, exceptions)")
	})
	if err != nil {
		return nil, err
	}
	switch {
	case !zoneSet:
		return nil, cmkit.Invalid("zone", "required", `a schedule needs a time zone, such as "Europe/Madrid"`)
	case !weekSet:
		return nil, cmkit.Invalid("week", "required", `a schedule needs its weekly hours, such as {"mon-fri": ["09:00-17:00"]}`)
	}
	if err := crossCheck(s); err != nil {
		return nil, err
	}
	if len(s.Holidays) == 0 {
		s.Holidays = nil // as a schedule without the key reads
	}
	if len(s.Exceptions) == 0 {
		s.Exceptions = nil
	}
	for _, spans := range s.Week {
		sortSpans(spans)
	}
	slices.SortFunc(s.Holidays, func(a, b Holiday) int { return a.Date.compare(b.Date) })
	slices.SortFunc(s.Exceptions, func(a, b Exception) int { return a.Date.compare(b.Date) })
	for _, e := range s.Exceptions {
		sortSpans(e.Spans)
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return s, nil
}

func sortSpans(spans []Span) {
	slices.SortFunc(spans, func(a, b Span) int { return int((a.Start - b.Start) / time.Minute) })
}

// crossCheck refuses a date given twice, naming both entries by their
// place in the JSON, before Parse sorts them.
func crossCheck(s *Schedule) error {
	seen := make(map[CivilDate]string, len(s.Holidays)+len(s.Exceptions))
	for i, h := range s.Holidays {
		p := fmt.Sprintf("holidays[%d]", i)
		if q, ok := seen[h.Date]; ok {
			return cmkit.Invalid(p+".date", "duplicate", "%s is also %s", h.Date, q)
		}
		seen[h.Date] = p
	}
	for i, e := range s.Exceptions {
		p := fmt.Sprintf("exceptions[%d]", i)
		if q, ok := seen[e.Date]; ok {
			if strings.HasPrefix(q, "holidays") {
				return cmkit.Invalid(p+".date", "conflict", "%s is also %s; a date is either a holiday or an exception", e.Date, q)
			}
			return cmkit.Invalid(p+".date", "duplicate", "%s is also %s", e.Date, q)
		}
		seen[e.Date] = p
	}
	return nil
}

func (r *reader) zone(p string, s *Schedule) error {
	name, err := r.str(p, `a zone name like "Europe/Madrid"`)
	if err != nil {
		return err
	}
	switch name {
	case "":
		return cmkit.Invalid(p, "required", `name the time zone, such as "Europe/Madrid" or "UTC"`)
	case "Local":
		return cmkit.Invalid(p, "zone", `"Local" depends on the machine; name the zone, such as "Europe/Madrid"`)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return cmkit.Invalid(p, "zone", "%q is not a time zone this machine knows (IANA names such as \"Europe/Madrid\", \"America/New_York\")", name)
	}
	s.Zone = loc
	return nil
}

// week reads the weekdays (see parseDays), each day at most once.
func (r *reader) week(p string, s *Schedule) error {
	tok, err := r.token(p)
	if err != nil {
		return err
	}
	var given [7]string // the key that gave each weekday
	return r.object(p, tok, `an object of weekdays like {"mon-fri": ["09:00-17:00"]}`, func(key, kp string) error {
		days, ok := weekdays.ParseDays(key)
		if !ok {
			return cmkit.Invalid(kp, "unknown", `%q is not a weekday or a range of weekdays; write "mon" to "sun", a range like "mon-fri", "weekdays", "weekends" or "daily"`, key)
		}
		spans, err := r.spans(kp)
		if err != nil {
			return err
		}
		for _, wd := range days {
			if given[wd] != "" {
				return cmkit.Invalid(kp, "duplicate", "%s is also in %q", dayNames[wd], given[wd])
			}
			given[wd] = key
			if len(spans) > 0 {
				s.Week[wd] = slices.Clone(spans)
			}
		}
		return nil
	})
}

// spans reads the hours of a day: a list of spans, or one span alone.
func (r *reader) spans(p string) ([]Span, error) {
	tok, err := r.token(p)
	if err != nil {
		return nil, err
	}
	if str, ok := tok.(string); ok {
		sp, err := parseSpan(p, str)
		if err != nil {
			return nil, err
		}
		return []Span{sp}, nil
	}
	spans := []Span{}
	err = r.list(p, tok, spansWhat, func(i int, ep string, tok json.Token) error {
		if i >= maxSpansPerDay {
			return cmkit.Invalid(p, "max_length", "more than %d spans in a day", maxSpansPerDay)
		}
		str, ok := tok.(string)
		if !ok {
			return wrongType(ep, tok, `a span like "09:00-17:00"`)
		}
		sp, err := parseSpan(ep, str)
		if err != nil {
			return err
		}
		spans = append(spans, sp)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := checkSpans(p, spans); err != nil {
		return nil, err
	}
	return spans, nil
}

func (r *reader) countDated(p string) error {
	r.dated++
	if r.dated > maxDated {
		return cmkit.Invalid(p, "max_length", "more than %d holidays and exceptions", maxDated)
	}
	return nil
}

// holidays reads the closed dates: each a date, or an object with a date
// and a name.
func (r *reader) holidays(p string, s *Schedule) error {
	tok, err := r.token(p)
	if err != nil {
		return err
	}
	return r.list(p, tok, `a list of dates like ["2025-12-25"]`, func(_ int, ep string, tok json.Token) error {
		if err := r.countDated(ep); err != nil {
			return err
		}
		if str, ok := tok.(string); ok {
			d, err := parseDate(ep, str)
			if err != nil {
				return err
			}
			s.Holidays = append(s.Holidays, Holiday{Date: d})
			return nil
		}
		var h Holiday
		var dateSet bool
		err := r.object(ep, tok, dateWhat+` or an object like {"date": "2025-12-25", "name": "Christmas"}`, func(key, kp string) error {
			switch key {
			case "date":
				dateSet = true
				return r.date(kp, &h.Date)
			case "name":
				return r.name(kp, &h.Name)
			}
			return cmkit.Invalid(kp, "unknown", "not a field of a holiday (date, name)")
		})
		if err != nil {
			return err
		}
		if !dateSet {
			return cmkit.Invalid(ep+".date", "required", "a holiday needs its date")
		}
		s.Holidays = append(s.Holidays, h)
		return nil
	})
}

// exceptions reads the dates with their own hours.
func (r *reader) exceptions(p string, s *Schedule) error {
	tok, err := r.token(p)
	if err != nil {
		return err
	}
	return r.list(p, tok, `a list of objects like {"date": "2025-11-29", "hours": ["10:00-14:00"]}`, func(_ int, ep string, tok json.Token) error {
		if err := r.countDated(ep); err != nil {
			return err
		}
		var e Exception
		var dateSet, hoursSet bool
		err := r.object(ep, tok, `an object like {"date": "2025-11-29", "hours": ["10:00-14:00"]}`, func(key, kp string) error {
			switch key {
			case "date":
				dateSet = true
				return r.date(kp, &e.Date)
			case "name":
				return r.name(kp, &e.Name)
			case "hours":
				hoursSet = true
				spans, err := r.spans(kp)
				if len(spans) > 0 {
					e.Spans = spans
				}
				return err
			}
			return cmkit.Invalid(kp, "unknown", "not a field of an exception (date, name, hours)")
		})
		switch {
		case err != nil:
			return err
		case !dateSet:
			return cmkit.Invalid(ep+".date", "required", "an exception needs its date")
		case !hoursSet:
			return cmkit.Invalid(ep+".hours", "required", `an exception needs its hours: a list of spans, or [] for a closed day`)
		}
		s.Exceptions = append(s.Exceptions, e)
		return nil
	})
}

func (r *reader) date(p string, d *CivilDate) error {
	str, err := r.str(p, dateWhat)
	if err != nil {
		return err
	}
	*d, err = parseDate(p, str)
	return err
}

func (r *reader) name(p string, name *string) error {
	str, err := r.str(p, "a name")
	if err != nil {
		return err
	}
	if len(str) > maxNameBytes {
		return cmkit.Invalid(p, "max_length", "%d bytes; at most %d", len(str), maxNameBytes)
	}
	*name = str
	return nil
}

// parseDate reads "2025-12-25" for the entry at path p.
func parseDate(p, s string) (CivilDate, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		// time.Parse also refuses February 30; say which it was.
		if len(s) == 10 && s[4] == '-' && s[7] == '-' {
			y, e1 := strconv.Atoi(s[:4])
			m, e2 := strconv.Atoi(s[5:7])
			d, e3 := strconv.Atoi(s[8:])
			if e1 == nil && e2 == nil && e3 == nil {
				if err := checkDate(p, CivilDate{y, time.Month(m), d}); err != nil {
					return CivilDate{}, err
				}
			}
		}
		return CivilDate{}, cmkit.Invalid(p, "format", "%q is not a date like \"2025-12-25\"", s)
	}
	c := DateOf(t)
	if err := checkDate(p, c); err != nil {
		return CivilDate{}, err
	}
	return c, nil
}

// parseSpan reads "09:00-17:00" for the span at path p.
func parseSpan(p, s string) (Span, error) {
	bad := func() (Span, error) {
		return Span{}, cmkit.Invalid(p, "format", "%q is not a span like \"09:00-17:00\"", s)
	}
	from, to, ok := strings.Cut(strings.Replace(s, "–", "-", 1), "-")
	if !ok {
		return bad()
	}
	a, ok1 := parseClock(strings.TrimSpace(from))
	b, ok2 := parseClock(strings.TrimSpace(to))
	if !ok1 || !ok2 {
		return bad()
	}
	sp := Span{a, b}
	if err := checkSpan(p, sp); err != nil {
		return Span{}, err
	}
	return sp, nil
}

// parseClock reads "9:00", "09:00" or "24:00" as an offset from midnight.
// It refuses minutes past 59 and hours past 24; checkSpan refuses 24:00
// as a start and anything past it.
func parseClock(s string) (time.Duration, bool) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 || !digits(h) || !digits(m) {
		return 0, false
	}
	hh, _ := strconv.Atoi(h)
	mm, _ := strconv.Atoi(m)
	if hh > 24 || mm > 59 {
		return 0, false
	}
	return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute, true
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
