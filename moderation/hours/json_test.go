package hours_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/moderation/hours"
)

func assertInvalid(t *testing.T, err error, field, rule string) {
	t.Helper()
	require.Error(t, err)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	var ve *cmkit.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, field, ve.Field, "%v", err)
	assert.Equal(t, rule, ve.Rule, "%v", err)
}

func TestParseErrors(t *testing.T) {
	const wk = `"week": {"mon": "09:00-17:00"}`
	for _, c := range []struct{ name, in, field, rule string }{
		{"span ends before it starts", `{"zone": "UTC", "week": {"mon": ["09:00-13:00", "17:00-09:00"]}}`, "week.mon[1]", "order"},
		{"span crosses midnight", `{"zone": "UTC", "week": {"fri": "22:00-02:00"}}`, "week.fri", "order"},
		{"empty span", `{"zone": "UTC", "week": {"mon": ["09:00-09:00"]}}`, "week.mon[0]", "empty"},
		{"span past 24:00", `{"zone": "UTC", "week": {"mon": ["20:00-24:30"]}}`, "week.mon[0]", "range"},
		{"span starting at 24:00", `{"zone": "UTC", "week": {"mon": ["24:00-24:00"]}}`, "week.mon[0]", "range"},
		{"hour 25", `{"zone": "UTC", "week": {"mon": ["09:00-25:00"]}}`, "week.mon[0]", "format"},
		{"minute 60", `{"zone": "UTC", "week": {"mon": ["09:60-17:00"]}}`, "week.mon[0]", "format"},
		{"no dash", `{"zone": "UTC", "week": {"mon": ["09:00 17:00"]}}`, "week.mon[0]", "format"},
		{"hours only", `{"zone": "UTC", "week": {"mon": ["9-17"]}}`, "week.mon[0]", "format"},
		{"seconds", `{"zone": "UTC", "week": {"mon": ["09:00:00-17:00:00"]}}`, "week.mon[0]", "format"},
		{"am/pm", `{"zone": "UTC", "week": {"mon": ["9:00am-5:00pm"]}}`, "week.mon[0]", "format"},
		{"overlapping spans", `{"zone": "UTC", "week": {"mon": ["09:00-13:00", "12:00-14:00"]}}`, "week.mon[1]", "overlap"},
		{"overlapping spans out of order", `{"zone": "UTC", "week": {"mon": ["12:00-14:00", "08:00-09:00", "09:00-13:00"]}}`, "week.mon[2]", "overlap"},
		{"a span inside another", `{"zone": "UTC", "week": {"mon": ["09:00-18:00", "10:00-11:00"]}}`, "week.mon[1]", "overlap"},
		{"too many spans", `{"zone": "UTC", "week": {"mon": [` + strings.Repeat(`"00:00-00:01",`, 24) + `"23:00-23:30"]}}`, "week.mon", "max_length"},
		{"span not a string", `{"zone": "UTC", "week": {"mon": [9]}}`, "week.mon[0]", "type"},
		{"day not a list", `{"zone": "UTC", "week": {"mon": {"from": "09:00"}}}`, "week.mon", "type"},
		{"day null", `{"zone": "UTC", "week": {"mon": null}}`, "week.mon", "type"},
		{"unknown weekday", `{"zone": "UTC", "week": {"mon": "09:00-17:00", "lun": "09:00-17:00"}}`, "week.lun", "unknown"},
		{"bad range", `{"zone": "UTC", "week": {"mon-xyz": "09:00-17:00"}}`, "week.mon-xyz", "unknown"},
		{"weekday twice", `{"zone": "UTC", "week": {"mon": "09:00-17:00", "mon": "10:00-11:00"}}`, "week.mon", "duplicate"},
		{"weekday in two ranges", `{"zone": "UTC", "week": {"mon-fri": "09:00-17:00", "fri-sat": "10:00-11:00"}}`, "week.fri-sat", "duplicate"},
		{"weekdays and a weekday", `{"zone": "UTC", "week": {"weekdays": "09:00-17:00", "wed": "10:00-11:00"}}`, "week.wed", "duplicate"},
		{"daily and weekends", `{"zone": "UTC", "week": {"daily": "09:00-17:00", "weekend": "10:00-11:00"}}`, "week.weekend", "duplicate"},
		{"weekday by two names", `{"zone": "UTC", "week": {"Monday": "09:00-17:00", "mon": "10:00-11:00"}}`, "week.mon", "duplicate"},
		{"closed all week", `{"zone": "UTC", "week": {}}`, "week", "closed"},
		{"closed all week, empty days", `{"zone": "UTC", "week": {"mon-sun": []}}`, "week", "closed"},
		{"week missing", `{"zone": "UTC"}`, "week", "required"},
		{"week a list", `{"zone": "UTC", "week": ["09:00-17:00"]}`, "week", "type"},
		{"zone missing", `{` + wk + `}`, "zone", "required"},
		{"zone empty", `{"zone": "", ` + wk + `}`, "zone", "required"},
		{"zone unknown", `{"zone": "Europe/Atlantis", ` + wk + `}`, "zone", "zone"},
		{"zone Local", `{"zone": "Local", ` + wk + `}`, "zone", "zone"},
		{"zone a path", `{"zone": "../../etc/passwd", ` + wk + `}`, "zone", "zone"},
		{"zone a number", `{"zone": 1, ` + wk + `}`, "zone", "type"},
		{"unknown field", `{"zone": "UTC", ` + wk + `, "timezone": "UTC"}`, "timezone", "unknown"},
		{"empty key", `{"zone": "UTC", ` + wk + `, "": 1}`, `""`, "unknown"},
		{"empty weekday", `{"zone": "UTC", "week": {"": "09:00-17:00"}}`, `week.""`, "unknown"},
		{"field in capitals", `{"Zone": "UTC", ` + wk + `}`, "Zone", "unknown"},
		{"key twice", `{"zone": "UTC", "zone": "UTC", ` + wk + `}`, "zone", "duplicate"},
		{"not an object", `["UTC"]`, "schedule", "type"},
		{"null", `null`, "schedule", "type"},
		{"empty input", ``, "schedule", "json"},
		{"syntax error", `{"zone": "UTC",, ` + wk + `}`, "schedule", "json"},
		{"truncated", `{"zone": "UTC", ` + wk, "schedule", "json"},
		{"only a brace", `{`, "schedule", "json"},
		{"data after", `{"zone": "UTC", ` + wk + `} {}`, "schedule", "json"},
		{"holiday bad date", `{"zone": "UTC", ` + wk + `, "holidays": ["25/12/2025"]}`, "holidays[0]", "format"},
		{"holiday not on the calendar", `{"zone": "UTC", ` + wk + `, "holidays": ["2025-02-29"]}`, "holidays[0]", "range"},
		{"holiday month 13", `{"zone": "UTC", ` + wk + `, "holidays": ["2025-13-01"]}`, "holidays[0]", "range"},
		{"holiday year 0", `{"zone": "UTC", ` + wk + `, "holidays": ["0000-01-01"]}`, "holidays[0]", "range"},
		{"holiday twice", `{"zone": "UTC", ` + wk + `, "holidays": ["2025-12-25", "2026-01-01", {"date": "2025-12-25"}]}`, "holidays[2].date", "duplicate"},
		{"holiday without date", `{"zone": "UTC", ` + wk + `, "holidays": [{"name": "Christmas"}]}`, "holidays[0].date", "required"},
		{"holiday unknown field", `{"zone": "UTC", ` + wk + `, "holidays": [{"date": "2025-12-25", "day": 1}]}`, "holidays[0].day", "unknown"},
		{"holiday a number", `{"zone": "UTC", ` + wk + `, "holidays": [20251225]}`, "holidays[0]", "type"},
		{"holiday name too long", `{"zone": "UTC", ` + wk + `, "holidays": [{"date": "2025-12-25", "name": "` + strings.Repeat("x", 201) + `"}]}`, "holidays[0].name", "max_length"},
		{"holidays an object", `{"zone": "UTC", ` + wk + `, "holidays": {"2025-12-25": "Christmas"}}`, "holidays", "type"},
		{"exception without hours", `{"zone": "UTC", ` + wk + `, "exceptions": [{"date": "2025-11-29"}]}`, "exceptions[0].hours", "required"},
		{"exception without date", `{"zone": "UTC", ` + wk + `, "exceptions": [{"hours": []}]}`, "exceptions[0].date", "required"},
		{"exception bad span", `{"zone": "UTC", ` + wk + `, "exceptions": [{"date": "2025-11-29", "hours": ["10:00-14:00", "16:00-15:00"]}]}`, "exceptions[0].hours[1]", "order"},
		{"exception twice", `{"zone": "UTC", ` + wk + `, "exceptions": [{"date": "2025-11-29", "hours": []}, {"date": "2025-11-29", "hours": ["10:00-11:00"]}]}`, "exceptions[1].date", "duplicate"},
		{"exception on a holiday", `{"zone": "UTC", ` + wk + `, "holidays": ["2025-11-29"], "exceptions": [{"date": "2025-11-29", "hours": ["10:00-11:00"]}]}`, "exceptions[0].date", "conflict"},
		{"exception a string", `{"zone": "UTC", ` + wk + `, "exceptions": ["2025-11-29"]}`, "exceptions[0]", "type"},
		{"too many dated entries", `{"zone": "UTC", ` + wk + `, "holidays": [` + strings.Repeat(`"2025-12-25",`, 10000) + `"2025-12-26"]}`, "holidays[10000]", "max_length"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := hours.Parse([]byte(c.in))
			assert.Nil(t, s)
			assertInvalid(t, err, c.field, c.rule)
		})
	}
}

// TestParseErrorReadsAsTheBriefSays: the message names the path, the rule
// and the span as written.
func TestParseErrorMessage(t *testing.T) {
	_, err := hours.Parse([]byte(`{"zone": "UTC", "week": {"mon": ["09:00-13:00", "17:00-09:00"]}}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `invalid week.mon[1]: order: "17:00-09:00" ends before it starts`)
}

func TestValidateErrors(t *testing.T) {
	utc := time.UTC
	h := func(hh int) time.Duration { return time.Duration(hh) * time.Hour }
	nine5 := []hours.Span{{Start: h(9), End: h(17)}}
	week := func(spans ...hours.Span) [7][]hours.Span {
		var w [7][]hours.Span
		w[time.Monday] = spans
		return w
	}
	xmas := hours.CivilDate{Year: 2025, Month: time.December, Day: 25}
	eve := hours.CivilDate{Year: 2025, Month: time.December, Day: 24}
	for _, c := range []struct {
		name        string
		s           hours.Schedule
		field, rule string
	}{
		{"no zone", hours.Schedule{Week: week(nine5...)}, "zone", "required"},
		{"closed", hours.Schedule{Zone: utc}, "week", "closed"},
		{"spans out of order", hours.Schedule{Zone: utc, Week: week(hours.Span{Start: h(14), End: h(18)}, hours.Span{Start: h(9), End: h(13)})}, "week.mon[1]", "order"},
		{"seconds", hours.Schedule{Zone: utc, Week: week(hours.Span{Start: h(9) + time.Second, End: h(17)})}, "week.mon[0]", "precision"},
		{"negative start", hours.Schedule{Zone: utc, Week: week(hours.Span{Start: -h(1), End: h(17)})}, "week.mon[0]", "range"},
		{"end after 24:00", hours.Schedule{Zone: utc, Week: week(hours.Span{Start: h(9), End: h(25)})}, "week.mon[0]", "range"},
		{"end before start", hours.Schedule{Zone: utc, Week: week(hours.Span{Start: h(17), End: h(9)})}, "week.mon[0]", "order"},
		{"holidays out of order", hours.Schedule{Zone: utc, Week: week(nine5...), Holidays: []hours.Holiday{{Date: xmas}, {Date: eve}}}, "holidays[1].date", "order"},
		{"holiday twice", hours.Schedule{Zone: utc, Week: week(nine5...), Holidays: []hours.Holiday{{Date: xmas}, {Date: xmas}}}, "holidays[1].date", "duplicate"},
		{"holiday not a date", hours.Schedule{Zone: utc, Week: week(nine5...), Holidays: []hours.Holiday{{Date: hours.CivilDate{Year: 2025, Month: time.February, Day: 29}}}}, "holidays[0].date", "range"},
		{"holiday year 10000", hours.Schedule{Zone: utc, Week: week(nine5...), Holidays: []hours.Holiday{{Date: hours.CivilDate{Year: 10000, Month: time.January, Day: 1}}}}, "holidays[0].date", "range"},
		{"exceptions out of order", hours.Schedule{Zone: utc, Week: week(nine5...), Exceptions: []hours.Exception{{Date: xmas}, {Date: eve}}}, "exceptions[1].date", "order"},
		{"exception on a holiday", hours.Schedule{Zone: utc, Week: week(nine5...), Holidays: []hours.Holiday{{Date: xmas}}, Exceptions: []hours.Exception{{Date: xmas}}}, "exceptions[0].date", "conflict"},
		{"exception spans overlap", hours.Schedule{Zone: utc, Week: week(nine5...), Exceptions: []hours.Exception{{Date: xmas, Spans: []hours.Span{{Start: h(9), End: h(12)}, {Start: h(11), End: h(13)}}}}}, "exceptions[0].hours[1]", "overlap"},
		{"exception name too long", hours.Schedule{Zone: utc, Week: week(nine5...), Exceptions: []hours.Exception{{Date: xmas, Name: strings.Repeat("x", 201)}}}, "exceptions[0].name", "max_length"},
	} {
		t.Run(c.name, func(t *testing.T) {
			assertInvalid(t, c.s.Validate(), c.field, c.rule)
			_, err := json.Marshal(c.s)
			assert.ErrorIs(t, err, cmkit.ErrInvalid, "MarshalJSON refuses what Validate refuses")
		})
	}
}

// TestParseForms: the ways a person may write the same schedule.
func TestParseForms(t *testing.T) {
	madrid, err := time.LoadLocation("Europe/Madrid")
	require.NoError(t, err)
	h := func(hh, mm int) time.Duration { return time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute }
	want := &hours.Schedule{Zone: madrid}
	for wd := time.Monday; wd <= time.Friday; wd++ {
		want.Week[wd] = []hours.Span{{Start: h(9, 0), End: h(13, 30)}, {Start: h(15, 0), End: h(24, 0)}}
	}
	want.Holidays = []hours.Holiday{{Date: hours.CivilDate{Year: 2025, Month: time.December, Day: 25}, Name: "Christmas"}, {Date: hours.CivilDate{Year: 2026, Month: time.January, Day: 1}}}
	want.Exceptions = []hours.Exception{
		{Date: hours.CivilDate{Year: 2025, Month: time.November, Day: 29}, Spans: []hours.Span{{Start: h(10, 0), End: h(14, 0)}}},
		{Date: hours.CivilDate{Year: 2025, Month: time.December, Day: 24}, Name: "Eve"},
	}
	const dated = `"holidays": [{"date": "2025-12-25", "name": "Christmas"}, "2026-01-01"],
	  "exceptions": [{"date": "2025-11-29", "hours": "10:00-14:00"}, {"name": "Eve", "date": "2025-12-24", "hours": []}]`
	for _, in := range []string{
		`{"zone": "Europe/Madrid", "week": {"mon-fri": ["09:00-13:30", "15:00-24:00"]}, ` + dated + `}`,
		`{"week": {"Monday-Friday": ["9:00 - 13:30", "15:00–24:00"]}, "zone": "Europe/Madrid", ` + dated + `}`,
		`{"zone": "Europe/Madrid", "week": {"Weekdays": ["09:00-13:30", "15:00-24:00"], "weekend": []}, ` + dated + `}`,
		`{"zone": "Europe/Madrid", "week": {"mon": ["15:00-24:00", "09:00-13:30"], "tue-thu": ["09:00-13:30", "15:00-24:00"], "FRI": ["09:00-13:30", "15:00-24:00"], "sat-sun": []}, ` + dated + `}`,
		`{"zone": "Europe/Madrid", "week": {"mon-fri": ["09:00-13:30", "15:00-24:00"]},
		  "exceptions": [{"date": "2025-12-24", "hours": [], "name": "Eve"}, {"date": "2025-11-29", "hours": ["10:00-14:00"]}],
		  "holidays": ["2026-01-01", {"name": "Christmas", "date": "2025-12-25"}]}`,
	} {
		got, err := hours.Parse([]byte(in))
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}

// TestDayWords: the words for several weekdays at once.
func TestDayWords(t *testing.T) {
	for _, c := range []struct {
		key  string
		open []time.Weekday
	}{
		{"fri-mon", []time.Weekday{time.Friday, time.Saturday, time.Sunday, time.Monday}},
		{"sun-tue", []time.Weekday{time.Sunday, time.Monday, time.Tuesday}},
		{"mon-sun", []time.Weekday{0, 1, 2, 3, 4, 5, 6}},
		{"sat-sat", []time.Weekday{time.Saturday}},
		{"weekdays", []time.Weekday{1, 2, 3, 4, 5}},
		{"weekends", []time.Weekday{time.Sunday, time.Saturday}},
		{"daily", []time.Weekday{0, 1, 2, 3, 4, 5, 6}},
		{"EveryDay", []time.Weekday{0, 1, 2, 3, 4, 5, 6}},
		{" Tuesday ", []time.Weekday{time.Tuesday}},
	} {
		s := parse(t, `{"zone": "UTC", "week": {"`+c.key+`": "10:00-11:00"}}`)
		for wd := range s.Week {
			assert.Equal(t, slices.Contains(c.open, time.Weekday(wd)), len(s.Week[wd]) == 1, "%s: %s", c.key, time.Weekday(wd))
		}
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	for _, c := range []struct{ in, out string }{
		{office, `{"zone":"Europe/Madrid","week":{"mon-fri":["09:00-17:00"]},"holidays":[{"date":"2025-12-25","name":"Christmas"}],"exceptions":[{"date":"2025-11-29","name":"launch","hours":["10:00-14:00"]},{"date":"2025-12-01","hours":[]},{"date":"2025-12-24","hours":["09:00-14:00"]}]}`},
		{`{"zone": "UTC", "week": {"sun": "10:00-12:00", "mon-tue": "09:00-17:00", "wed": "09:00-13:00", "thu-fri": "09:00-17:00"}, "holidays": ["2026-01-01", "2025-12-25"]}`,
			`{"zone":"UTC","week":{"mon-tue":["09:00-17:00"],"wed":["09:00-13:00"],"thu-fri":["09:00-17:00"],"sun":["10:00-12:00"]},"holidays":["2025-12-25","2026-01-01"]}`},
		{late, `{"zone":"Europe/Madrid","week":{"mon-fri":["18:00-24:00"],"sat":["00:00-02:00"]}}`},
		{`{"zone": "UTC", "week": {"mon": "09:00-10:00"}, "holidays": [], "exceptions": []}`, `{"zone":"UTC","week":{"mon":["09:00-10:00"]}}`},
		{`{"zone": "Asia/Kolkata", "week": {"mon-sun": "09:30-18:00"}}`, `{"zone":"Asia/Kolkata","week":{"mon-sun":["09:30-18:00"]}}`},
	} {
		s := parse(t, c.in)
		out, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, c.out, string(out))
		again := parse(t, string(out))
		assert.Equal(t, s, again)
	}
}

// TestUnmarshalInsideAConfig: a schedule read as part of a larger
// document is read as strictly, and null leaves it nil.
func TestUnmarshalInsideAConfig(t *testing.T) {
	type policy struct {
		FirstReply string          `json:"first_reply"`
		Hours      *hours.Schedule `json:"hours"`
	}
	var p policy
	require.NoError(t, json.Unmarshal([]byte(`{"first_reply": "4h", "hours": {"zone": "UTC", "week": {"mon-fri": "09:00-17:00"}}}`), &p))
	require.NotNil(t, p.Hours)
	assert.Len(t, p.Hours.Week[time.Monday], 1)

	var q policy
	require.NoError(t, json.Unmarshal([]byte(`{"first_reply": "4h", "hours": null}`), &q))
	assert.Nil(t, q.Hours, "no hours: always open")

	err := json.Unmarshal([]byte(`{"hours": {"zone": "UTC", "week": {"mon": "17:00-09:00"}}}`), &q)
	assertInvalid(t, err, "week.mon", "order")

	s := parse(t, office)
	before := *s
	assert.Error(t, s.UnmarshalJSON([]byte(`{"zone": "UTC", "week": {}}`)))
	assert.Equal(t, before, *s, "a failed read changes nothing")
	require.NoError(t, s.UnmarshalJSON([]byte(`null`)))
	assert.Equal(t, before, *s)
}

// TestMarshalNeedsANamedZone: a zone JSON cannot name is refused, not
// written as a name Parse refuses.
func TestMarshalNeedsANamedZone(t *testing.T) {
	for _, loc := range []*time.Location{time.Local, time.FixedZone("", 3600), time.FixedZone("UTC+1", 3600)} {
		s := parse(t, office)
		s.Zone = loc
		require.NoError(t, s.Validate(), "any location is usable in Go")
		_, err := json.Marshal(s)
		assert.ErrorIs(t, err, cmkit.ErrInvalid, loc.String())
	}
}

func TestReadSchedule(t *testing.T) {
	s, err := hours.ReadSchedule(strings.NewReader(office))
	require.NoError(t, err)
	assert.Equal(t, parse(t, office), s)
	_, err = hours.ReadSchedule(strings.NewReader(strings.Repeat(" ", 4<<20) + office))
	assertInvalid(t, err, "schedule", "max_length")
}

func TestSpanAndDateText(t *testing.T) {
	sp, err := hours.ParseSpan("9:05-24:00")
	require.NoError(t, err)
	assert.Equal(t, hours.Span{Start: 9*time.Hour + 5*time.Minute, End: 24 * time.Hour}, sp)
	text, err := sp.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "09:05-24:00", string(text))
	var back hours.Span
	require.NoError(t, back.UnmarshalText(text))
	assert.Equal(t, sp, back)
	assertInvalid(t, back.UnmarshalText([]byte("17:00-09:00")), "span", "order")
	_, err = hours.Span{Start: time.Second, End: time.Hour}.MarshalText()
	assertInvalid(t, err, "span", "precision")
	assert.Equal(t, "00:00:01-01:00", hours.Span{Start: time.Second, End: time.Hour}.String())
	assert.Equal(t, "00:00:00.500000000-01:00", hours.Span{Start: time.Second / 2, End: time.Hour}.String())

	d, err := hours.ParseDate("2024-02-29")
	require.NoError(t, err)
	assert.Equal(t, hours.CivilDate{Year: 2024, Month: time.February, Day: 29}, d)
	text, err = d.MarshalText()
	require.NoError(t, err)
	assert.Equal(t, "2024-02-29", string(text))
	var dback hours.CivilDate
	require.NoError(t, dback.UnmarshalText(text))
	assert.Equal(t, d, dback)
	assertInvalid(t, dback.UnmarshalText([]byte("2025-02-29")), "date", "range")
	assertInvalid(t, dback.UnmarshalText([]byte("tomorrow")), "date", "format")
	_, err = hours.CivilDate{Year: 2025, Month: 2, Day: 30}.MarshalText()
	assertInvalid(t, err, "date", "range")

	// Holiday and Exception marshal with encoding/json as in a schedule.
	out, err := json.Marshal(hours.Exception{Date: d, Spans: []hours.Span{sp}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"date": "2024-02-29", "hours": ["09:05-24:00"]}`, string(out))
}
