package kpi

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
)

// MarshalJSON writes the Figure as its number (at most 15 significant
// digits, no exponent), or null without a value.
func (f Figure) MarshalJSON() ([]byte, error) {
	if !f.Set {
		return []byte("null"), nil
	}
	return []byte(short(f.Value)), nil
}

// short writes v with at most 15 significant digits and no exponent, so
// that arithmetic noise (0.1+0.2 = 0.30000000000000004) does not reach
// a report: "0.3".
func short(v float64) string {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// UnmarshalJSON reads a number, or null for no value.
func (f *Figure) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*f = Figure{}
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return cmkit.Invalid("figure", "number", "%s: want a number or null", b)
	}
	*f = FigureOf(v)
	return nil
}

// The JSON form of a scorecard, written by WriteJSON. The field names are
// stable: new fields may be added, none renamed or removed. Numbers
// without a value are null, others have at most 15 significant digits;
// times are RFC 3339; percentages and shares
// are fractions. Lists without entries are omitted.
type scorecardJSON struct {
	Title           string               `json:"title"`
	Language        string               `json:"language"`
	Period          string               `json:"period"`
	Start           time.Time            `json:"start"`
	End             time.Time            `json:"end"`
	Segment         Segment              `json:"segment"`
	KPIs            []lineJSON           `json:"kpis"`
	Channels        []channelJSON        `json:"channels,omitempty"`
	TopPosts        []postJSON           `json:"top_posts,omitempty"`
	BottomPosts     []postJSON           `json:"bottom_posts,omitempty"`
	Leaders         []leaderJSON         `json:"opinion_leaders,omitempty"`
	Voice           []voiceJSON          `json:"share_of_voice,omitempty"`
	Recommendations []recommendationJSON `json:"recommendations,omitempty"`
}

type lineJSON struct {
	ID             string      `json:"id"`
	Name           string      `json:"name"`
	Unit           Unit        `json:"unit"`
	Currency       string      `json:"currency,omitempty"`
	Goal           string      `json:"goal"`
	Value          Figure      `json:"value"`
	Target         Figure      `json:"target"`
	Previous       Figure      `json:"previous"`
	Attainment     Figure      `json:"attainment"`
	Change         Figure      `json:"change"`
	RelativeChange Figure      `json:"change_relative"`
	Status         ScoreStatus `json:"status"`
	Trend          []pointJSON `json:"trend,omitempty"`
}

type pointJSON struct {
	Period string    `json:"period"`
	Start  time.Time `json:"start"`
	Value  Figure    `json:"value"`
	Target Figure    `json:"target"`
}

type channelJSON struct {
	Channel     string         `json:"channel"`
	Platform    cmkit.Platform `json:"platform"`
	Engagements Figure         `json:"engagements"`
	Previous    Figure         `json:"engagements_previous"`
}

type postJSON struct {
	Channel        string         `json:"channel"`
	Platform       cmkit.Platform `json:"platform"`
	PlatformID     string         `json:"platform_id"`
	URL            string         `json:"url"`
	Excerpt        string         `json:"excerpt"`
	PublishedAt    time.Time      `json:"published_at"`
	Engagements    int64          `json:"engagements"`
	EngagementRate Figure         `json:"engagement_rate"`
}

type leaderJSON struct {
	Handle    string         `json:"handle"`
	Platform  cmkit.Platform `json:"platform"`
	Followers int64          `json:"followers"`
	Mentions  int64          `json:"mentions"`
	Sentiment Figure         `json:"sentiment"`
}

type voiceJSON struct {
	Brand    string  `json:"brand"`
	Own      bool    `json:"own"`
	Mentions int64   `json:"mentions"`
	Share    float64 `json:"share"`
}

type recommendationJSON struct {
	KPI     string  `json:"kpi,omitempty"`
	Urgency Urgency `json:"urgency"`
	Text    string  `json:"text"`
}

// WriteJSON writes the scorecard as indented JSON after validating it.
// The fields: title, language, period, start, end, segment (brand,
// platform, channel, country, campaign; empty ones omitted), kpis (id,
// name, unit, currency, goal "higher" or "lower", value, target,
// previous, attainment, change, change_relative, status, trend: period,
// start, value, target), channels (channel, platform, engagements,
// engagements_previous), top_posts and bottom_posts (channel, platform,
// platform_id, url, excerpt, published_at, engagements, engagement_rate),
// opinion_leaders (handle, platform, followers, mentions, sentiment),
// share_of_voice (brand, own, mentions, share) and recommendations (kpi,
// urgency, text). Names are stable; fields may be added.
func (c *Scorecard) WriteJSON(w io.Writer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(c.wire())
}

func (c *Scorecard) wire() scorecardJSON {
	out := scorecardJSON{Title: c.Title, Language: c.Language, Period: c.Period, Start: c.Start, End: c.End,
		Segment: c.Segment, KPIs: make([]lineJSON, 0, len(c.Lines))}
	for i := range c.Lines {
		l := &c.Lines[i]
		lj := lineJSON{ID: l.ID, Name: l.Name, Unit: l.Unit, Currency: l.Currency, Goal: l.Goal.String(),
			Value: l.Value, Target: l.Target, Previous: l.Previous, Attainment: l.Attainment(),
			Change: l.Change(), RelativeChange: l.RelativeChange(), Status: l.Status()}
		for _, p := range l.Trend {
			lj.Trend = append(lj.Trend, pointJSON(p))
		}
		out.KPIs = append(out.KPIs, lj)
	}
	for _, ch := range c.Channels {
		out.Channels = append(out.Channels, channelJSON(ch))
	}
	for _, p := range c.TopPosts {
		out.TopPosts = append(out.TopPosts, postJSON(p))
	}
	for _, p := range c.BottomPosts {
		out.BottomPosts = append(out.BottomPosts, postJSON(p))
	}
	for _, ld := range c.Leaders {
		out.Leaders = append(out.Leaders, leaderJSON(ld))
	}
	shares := c.Shares()
	for i, v := range c.Voice {
		out.Voice = append(out.Voice, voiceJSON{Brand: v.Brand, Own: v.Own, Mentions: v.Mentions, Share: shares[i]})
	}
	for _, r := range c.Recommendations {
		out.Recommendations = append(out.Recommendations, recommendationJSON(r))
	}
	return out
}

// CSVStyle sets how WriteCSV writes: the zero CSVStyle writes
// comma-separated UTF-8 without a byte-order mark.
type CSVStyle struct {
	// BOM starts the file with a UTF-8 byte-order mark, which spreadsheets
	// need to read it as UTF-8.
	BOM bool
	// Comma is the separator: ',' (the default, for 0) or ';' (for
	// spreadsheets set to Spanish or Polish, where ',' is the decimal
	// separator).
	Comma rune
}

// csvHeader is WriteCSV's header row.
var csvHeader = []string{"period", "period_start", "period_end", "segment", "kpi_id", "kpi_name", "unit", "currency", "goal",
	"value", "target", "previous", "attainment", "change", "change_relative", "status"}

// WriteCSV writes one row per KPI after a header row: period,
// period_start and period_end (ISO 8601 dates; period_end is the last
// day, inclusive), segment (as Segment.String), kpi_id, kpi_name, unit,
// currency, goal, value, target, previous, attainment, change,
// change_relative (numbers with '.' decimals, at most 15 significant
// digits and no exponent, empty without a value;
// percentages as fractions) and status. Text cells starting with =, +,
// -, @, tab or carriage return get a leading apostrophe, so that a
// spreadsheet does not run them as formulas. The CSV is not localized, so
// spreadsheets and programs read it the same in every language.
func (c *Scorecard) WriteCSV(w io.Writer, style CSVStyle) error {
	comma := cmp.Or(style.Comma, ',')
	if comma != ',' && comma != ';' {
		return cmkit.Invalid("csv.comma", "known", "%q: want ',' or ';'", comma)
	}
	if err := c.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	if style.BOM {
		bw.WriteString("\ufeff")
	}
	cw := csv.NewWriter(bw)
	cw.Comma = comma
	cw.Write(csvHeader)
	start, end := c.Start.Format(time.DateOnly), c.lastDay().Format(time.DateOnly)
	for i := range c.Lines {
		l := &c.Lines[i]
		cw.Write([]string{csvText(c.Period), start, end, csvText(c.Segment.String()), csvText(l.ID), csvText(l.Name), string(l.Unit), l.Currency, l.Goal.String(),
			csvFigure(l.Value), csvFigure(l.Target), csvFigure(l.Previous), csvFigure(l.Attainment()),
			csvFigure(l.Change()), csvFigure(l.RelativeChange()), string(l.Status())})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func csvFigure(f Figure) string {
	if !f.Set {
		return ""
	}
	return short(f.Value)
}

// WriteMarkdown writes the scorecard as Markdown in its Language: a
// heading, the period and segment, a KPI table (KPI, value, target,
// attainment, change, status as a symbol and a word), then sections for
// the recommendations, top and bottom posts, opinion leaders and share of
// voice that have entries. The table reads as plain text too. User text
// is escaped so that it cannot break the table or add markup.
func (c *Scorecard) WriteMarkdown(w io.Writer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	loc := localeFor(c.Language)
	lb := &loc.lbl
	var b strings.Builder
	b.WriteString("# " + mdText(cmp.Or(c.Title, lb.Summary)) + "\n\n")
	b.WriteString("- " + lb.Period + ": " + mdText(c.Period) + " (" + loc.periodRange(c) + ")\n")
	b.WriteString("- " + lb.Segment + ": " + mdText(loc.segment(c.Segment)) + "\n\n")
	if len(c.Lines) > 0 {
		b.WriteString("## " + lb.Summary + "\n\n")
		rows := [][]string{{lb.KPI, lb.Value, lb.Target, lb.Attainment, lb.Change, lb.ChangeRel, lb.Status}}
		for i := range c.Lines {
			l := &c.Lines[i]
			rows = append(rows, []string{mdText(cmp.Or(l.Name, l.ID)), loc.figure(l.Unit, l.Currency, l.Value),
				loc.figure(l.Unit, l.Currency, l.Target), percentOr(loc, l.Attainment()), loc.change(l.Unit, l.Currency, l.Change()),
				loc.relative(l.RelativeChange()), loc.status(l.Status())})
		}
		mdTable(&b, rows, []bool{false, true, true, true, true, true, false})
	}
	if len(c.Recommendations) > 0 {
		b.WriteString("## " + lb.Recommendations + "\n\n")
		for _, r := range c.Recommendations {
			b.WriteString("- **" + loc.urgency(r.Urgency) + "**: " + mdText(r.Text) + "\n")
		}
		b.WriteString("\n")
	}
	for _, sec := range []struct {
		title string
		posts []RankedPost
	}{{lb.TopPosts, c.TopPosts}, {lb.BottomPosts, c.BottomPosts}} {
		if len(sec.posts) == 0 {
			continue
		}
		b.WriteString("## " + sec.title + "\n\n")
		rows := [][]string{{lb.Published, lb.Channel, lb.Post, lb.Engagements, lb.Rate}}
		for _, p := range sec.posts {
			rows = append(rows, []string{loc.shortDate(loc, p.PublishedAt), mdText(p.Channel), mdLink(p.Excerpt, p.URL),
				loc.number(float64(p.Engagements), 0), percentOr(loc, p.EngagementRate)})
		}
		mdTable(&b, rows, []bool{false, false, false, true, true})
	}
	if len(c.Leaders) > 0 {
		b.WriteString("## " + lb.Leaders + "\n\n")
		rows := [][]string{{lb.Handle, lb.Platform, lb.Followers, lb.Mentions, lb.Sentiment}}
		for _, ld := range c.Leaders {
			rows = append(rows, []string{mdText(ld.Handle), mdText(string(ld.Platform)), loc.number(float64(ld.Followers), 0),
				loc.number(float64(ld.Mentions), 0), sentimentText(loc, ld.Sentiment)})
		}
		mdTable(&b, rows, []bool{false, false, true, true, true})
	}
	if len(c.Voice) > 0 {
		b.WriteString("## " + lb.Voice + "\n\n")
		rows := [][]string{{lb.Brand, lb.Mentions, lb.Share}}
		for i, s := range c.Shares() {
			v := c.Voice[i]
			name := mdText(v.Brand)
			if v.Own {
				name = "**" + name + "** (" + lb.OwnBrand + ")"
			}
			rows = append(rows, []string{name, loc.number(float64(v.Mentions), 0), loc.percent(s, 1)})
		}
		mdTable(&b, rows, []bool{false, true, true})
	}
	_, err := io.WriteString(w, strings.TrimRight(b.String(), "\n")+"\n")
	return err
}

func percentOr(loc *locale, f Figure) string {
	if !f.Set {
		return loc.lbl.NoValue
	}
	return loc.percent(f.Value, 1)
}

func sentimentText(loc *locale, f Figure) string {
	if !f.Set {
		return loc.lbl.NoValue
	}
	return signed(f.Value, loc.number(f.Value, 2))
}

// mdTable writes rows (the first is the header) as a Markdown table whose
// columns are padded to the same width, right-aligned where right says.
func mdTable(b *strings.Builder, rows [][]string, right []bool) {
	width := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, cell := range r {
			width[i] = max(width[i], len([]rune(cell)), 3)
		}
	}
	for n, r := range rows {
		b.WriteString("|")
		for i, cell := range r {
			pad := strings.Repeat(" ", width[i]-len([]rune(cell)))
			if right[i] {
				b.WriteString(" " + pad + cell + " |")
			} else {
				b.WriteString(" " + cell + pad + " |")
			}
		}
		b.WriteString("\n")
		if n == 0 {
			b.WriteString("|")
			for i := range r {
				if right[i] {
					b.WriteString(" " + strings.Repeat("-", width[i]-1) + ": |")
				} else {
					b.WriteString(" " + strings.Repeat("-", width[i]) + " |")
				}
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n")
}

// mdEscaper backslash-escapes the characters that are Markdown syntax or
// would end a table cell, and flattens line breaks.
var mdEscaper = strings.NewReplacer("\\", "\\\\", "|", "\\|", "*", "\\*", "_", "\\_", "`", "\\`", "[", "\\[", "]", "\\]",
	"<", "\\<", ">", "\\>", "#", "\\#", "&", "\\&", "\r\n", " ", "\n", " ", "\r", " ")

// mdText escapes user text for Markdown.
func mdText(s string) string { return mdEscaper.Replace(plain(s)) }

// plain drops from user text the characters that could change how the
// text around it reads: control characters other than tab and line
// feed, and the bidirectional embedding, override and isolate controls
// (U+202A-U+202E, U+2066-U+2069), which can flip the rest of a line.
// Renderers show user text in its own bidirectional context instead
// (<bdi> in HTML).
func plain(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return -1
		}
		return r
	}, s)
}

// csvText keeps a text cell from being read as a formula by a
// spreadsheet: a cell starting with =, +, -, @, tab or carriage return
// gets a leading apostrophe (OWASP's advice against CSV injection).
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// mdLink writes text linking to an http(s) URL, or the text alone for any
// other URL.
func mdLink(text, url string) string {
	if !safeURL(url) {
		return mdText(text)
	}
	return "[" + mdText(text) + "](<" + strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20", "\n", "", "\r", "").Replace(plain(url)) + ">)"
}

// safeURL reports whether url is an absolute http or https URL.
func safeURL(url string) bool {
	u := strings.ToLower(url)
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://")
}
