package kpi

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
)

// The -update flag rewrites the golden files in testdata. It is
// registered only if another test file of the package has not already
// registered it.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files in testdata")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updating() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs from the golden file at line %d:\n got: %q\nwant: %q\n(run go test -run %s -update if the change is intended)", name, i+1, g, w, t.Name())
			}
		}
	}
}

// recommended is the sample scorecard with the built-in recommendations.
func recommended(lang string) *Scorecard {
	c := sampleScorecard(lang)
	c.Recommend(nil, BelowTargetFor(3), EngagementDrop(0.3))
	return c
}

func render(t *testing.T, write func(*bytes.Buffer) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGoldenReports(t *testing.T) {
	for _, lang := range []string{"en", "es", "pl"} {
		c := recommended(lang)
		golden(t, "scorecard-"+lang+".md", render(t, func(b *bytes.Buffer) error { return c.WriteMarkdown(b) }))
		golden(t, "scorecard-"+lang+".html", render(t, func(b *bytes.Buffer) error { return c.WriteHTML(b) }))
	}
	c := recommended("en")
	golden(t, "scorecard-en.json", render(t, func(b *bytes.Buffer) error { return c.WriteJSON(b) }))
	golden(t, "scorecard-en.csv", render(t, func(b *bytes.Buffer) error { return c.WriteCSV(b, CSVStyle{}) }))
	golden(t, "scorecard-pl-bom-semicolon.csv", render(t, func(b *bytes.Buffer) error {
		return recommended("pl").WriteCSV(b, CSVStyle{BOM: true, Comma: ';'})
	}))
}

func TestWriteJSONFieldsAndNulls(t *testing.T) {
	c := recommended("en")
	var doc struct {
		KPIs []map[string]json.RawMessage `json:"kpis"`
	}
	if err := json.Unmarshal(render(t, func(b *bytes.Buffer) error { return c.WriteJSON(b) }), &doc); err != nil {
		t.Fatal(err)
	}
	spend := doc.KPIs[3]
	for field, want := range map[string]string{"id": `"ad_spend"`, "target": "null", "previous": "0", "change": "1234.5",
		"change_relative": "null", "attainment": "null", "status": `"none"`, "goal": `"lower"`, "currency": `"PLN"`} {
		if got := string(spend[field]); got != want {
			t.Errorf("kpis[3].%s = %s, want %s", field, got, want)
		}
	}
	var f Figure
	if err := json.Unmarshal([]byte("null"), &f); err != nil || f.Set {
		t.Errorf("null: %+v, %v", f, err)
	}
	if err := json.Unmarshal([]byte("2.5"), &f); err != nil || f != FigureOf(2.5) {
		t.Errorf("2.5: %+v, %v", f, err)
	}
	if err := json.Unmarshal([]byte(`"x"`), &f); !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf(`"x": %v, want ErrInvalid`, err)
	}
}

func TestWriteCSVStyles(t *testing.T) {
	c := sampleScorecard("pl")
	out := render(t, func(b *bytes.Buffer) error { return c.WriteCSV(b, CSVStyle{BOM: true, Comma: ';'}) })
	if !bytes.HasPrefix(out, []byte("\ufeffperiod;period_start;period_end;")) {
		t.Errorf("want a BOM and ';' header, got %q", out[:40])
	}
	if !bytes.Contains(out, []byte("2026-W48;2026-11-23;2026-11-29;")) || !bytes.Contains(out, []byte(";0.042;0.05;0.038;0.84;")) {
		t.Errorf("want ISO dates and '.' decimals:\n%s", out)
	}
	err := c.WriteCSV(&bytes.Buffer{}, CSVStyle{Comma: '\t'})
	var ve *cmkit.ValidationError
	if !errors.As(err, &ve) || ve.Field != "csv.comma" {
		t.Errorf("tab separator: %v, want ErrInvalid on csv.comma", err)
	}
}

func TestWritersRejectInvalidScorecard(t *testing.T) {
	c := sampleScorecard("en")
	c.Language = "fr"
	for name, write := range map[string]func(*bytes.Buffer) error{
		"json": func(b *bytes.Buffer) error { return c.WriteJSON(b) },
		"csv":  func(b *bytes.Buffer) error { return c.WriteCSV(b, CSVStyle{}) },
		"md":   func(b *bytes.Buffer) error { return c.WriteMarkdown(b) },
		"html": func(b *bytes.Buffer) error { return c.WriteHTML(b) },
	} {
		var b bytes.Buffer
		if err := write(&b); !errors.Is(err, cmkit.ErrInvalid) || b.Len() != 0 {
			t.Errorf("%s: err %v, wrote %d bytes; want ErrInvalid and nothing written", name, err, b.Len())
		}
	}
}

var (
	tagRE  = regexp.MustCompile(`(?s)<([a-zA-Z][a-zA-Z0-9:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>`)
	attrRE = regexp.MustCompile(`(?s)([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)`)
)

// htmlTags returns the page's start tags and their attributes.
func htmlTags(page string) []struct {
	name  string
	attrs map[string]string
} {
	var out []struct {
		name  string
		attrs map[string]string
	}
	for _, m := range tagRE.FindAllStringSubmatch(page, -1) {
		attrs := map[string]string{}
		for _, a := range attrRE.FindAllStringSubmatch(m[2], -1) {
			attrs[strings.ToLower(a[1])] = strings.Trim(a[2], `"'`)
		}
		out = append(out, struct {
			name  string
			attrs map[string]string
		}{strings.ToLower(m[1]), attrs})
	}
	return out
}

// assertOffline fails when the page could load anything: a src, href or
// similar attribute pointing away from the page, a script, link, embed
// or image element, an @import or a url(...) in CSS.
func assertOffline(t *testing.T, page string) {
	t.Helper()
	tags := htmlTags(page)
	if len(tags) < 20 {
		t.Fatalf("found only %d tags; the scanner is broken", len(tags))
	}
	for _, tag := range tags {
		switch tag.name {
		case "script", "link", "img", "image", "iframe", "object", "embed", "audio", "video", "source", "use", "base", "form":
			t.Errorf("element <%s> %v may load a resource", tag.name, tag.attrs)
		}
		for name, v := range tag.attrs {
			switch name {
			case "src", "href", "xlink:href", "srcset", "action", "poster", "data", "background", "formaction", "ping":
				t.Errorf("<%s %s=%q>: no resource attributes allowed", tag.name, name, v)
			}
			lv := strings.ToLower(v)
			if strings.HasPrefix(lv, "http:") || strings.HasPrefix(lv, "https:") || strings.HasPrefix(lv, "//") || strings.Contains(lv, "url(") {
				t.Errorf("<%s %s=%q> points to a remote resource", tag.name, name, v)
			}
		}
	}
	// CSS loads through @import and url(): the page's one style sheet and
	// its style attributes have neither. (User text may say "@import":
	// it is escaped text, not CSS.)
	styles := styleRE.FindAllStringSubmatch(page, -1)
	if len(styles) != 1 {
		t.Errorf("%d <style> elements, want the page's own one", len(styles))
	}
	css := ""
	for _, m := range styles {
		css += m[1]
	}
	for _, tag := range tags {
		css += tag.attrs["style"]
	}
	for _, bad := range []string{"@import", "url(", "@font-face"} {
		if strings.Contains(strings.ToLower(css), bad) {
			t.Errorf("CSS contains %q", bad)
		}
	}
	if strings.Contains(strings.ToLower(page), "http-equiv") {
		t.Errorf("page has a <meta http-equiv>")
	}
}

var styleRE = regexp.MustCompile(`(?is)<style[^>]*>(.*?)</style>`)

func TestHTMLLoadsNothingFromTheNetwork(t *testing.T) {
	for _, lang := range []string{"en", "es", "pl"} {
		assertOffline(t, string(render(t, func(b *bytes.Buffer) error { return recommended(lang).WriteHTML(b) })))
	}
	// Hostile URLs are text, never links or sources.
	c := recommended("en")
	c.TopPosts[0].URL = "//evil.example/pixel.png"
	c.TopPosts[1].URL = `javascript:alert(1)" src="https://evil.example/x.js`
	c.BottomPosts[0].Excerpt = `<img src="https://evil.example/x.png"><link rel=stylesheet href=//evil.example/a.css><style>@import url(https://evil.example/b.css)</style>`
	assertOffline(t, string(render(t, func(b *bytes.Buffer) error { return c.WriteHTML(b) })))
}

func TestHTMLStructureForScreenReaders(t *testing.T) {
	page := string(render(t, func(b *bytes.Buffer) error { return recommended("pl").WriteHTML(b) }))
	tags := htmlTags(page)
	count := map[string]int{}
	var svgs, rowHeaders, colHeaders int
	for _, tag := range tags {
		count[tag.name]++
		switch {
		case tag.name == "html" && tag.attrs["lang"] != "pl":
			t.Errorf(`<html lang=%q>, want "pl"`, tag.attrs["lang"])
		case tag.name == "svg":
			svgs++
			if tag.attrs["role"] != "img" || tag.attrs["aria-labelledby"] == "" {
				t.Errorf("<svg %v>: want role=img and aria-labelledby", tag.attrs)
			}
		case tag.name == "th" && tag.attrs["scope"] == "row":
			rowHeaders++
		case tag.name == "th" && tag.attrs["scope"] == "col":
			colHeaders++
		case tag.name == "th":
			t.Errorf("<th> without scope")
		}
	}
	if svgs != 5 || count["desc"] != 5 || count["title"] < 6 {
		t.Errorf("%d svg, %d desc, %d title: want 4 trends and share of voice, each titled and described", svgs, count["desc"], count["title"])
	}
	if count["table"] != 4 || count["caption"] != 4 || colHeaders != 22 || rowHeaders != 4+3+2 {
		t.Errorf("%d tables, %d captions, %d column and %d row headers", count["table"], count["caption"], colHeaders, rowHeaders)
	}
	// The numbers are in the charts' descriptions, not only in the drawing.
	for _, want := range []string{
		"2026-W48: Wartość 4,2%, Cel 5,0%",
		"2026-W45: Wartość 1\u00a0h 30\u00a0min, Cel 1\u00a0h",
		"Acme (własna marka): 50,0% (1\u00a0830)",
		"✘ Nieosiągnięty", "≈ Blisko", "✔ Osiągnięty", "– Brak danych",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// pageElements are the elements WriteHTML writes; any other came from
// unescaped user text.
var pageElements = map[string]bool{"html": true, "head": true, "meta": true, "title": true, "style": true, "body": true, "main": true,
	"header": true, "h1": true, "h2": true, "p": true, "strong": true, "section": true, "ul": true, "li": true, "table": true,
	"caption": true, "thead": true, "tbody": true, "tr": true, "th": true, "td": true, "br": true, "small": true, "div": true,
	"figure": true, "figcaption": true, "svg": true, "desc": true, "rect": true, "line": true, "text": true, "g": true,
	"polyline": true, "circle": true, "span": true, "bdi": true}

const hostile = "</script><script>alert(1)</script>\"'&<b>x</b>\u202eevil\u2066 ok"

// hostileScorecard puts hostile text in every text field.
func hostileScorecard() *Scorecard {
	c := recommended("es")
	c.Title, c.Period, c.Segment.Brand = hostile, hostile, hostile
	for i := range c.Lines {
		c.Lines[i].Name = hostile
		c.Lines[i].Trend[0].Period = hostile
	}
	c.TopPosts[0].Excerpt, c.TopPosts[0].Channel, c.TopPosts[0].URL = hostile, hostile, "https://x.example/?q=\"><script>"
	c.Leaders[0].Handle, c.Voice[1].Brand = hostile, hostile
	c.Recommendations = append(c.Recommendations, Recommendation{KPI: hostile, Urgency: UrgencyInfo, Text: hostile})
	return c
}

func TestHTMLEscapesUserText(t *testing.T) {
	page := string(render(t, func(b *bytes.Buffer) error { return hostileScorecard().WriteHTML(b) }))

	for _, tag := range htmlTags(page) {
		if !pageElements[tag.name] {
			t.Errorf("unexpected element <%s> %v: user text was not escaped", tag.name, tag.attrs)
		}
	}
	if strings.Contains(page, "<script") || strings.Contains(page, "<b>") {
		t.Error("raw markup from user text reached the page")
	}
	if !strings.Contains(page, "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;&amp;&lt;b&gt;x&lt;/b&gt;evil ok") {
		t.Error("escaped hostile text not found")
	}
	if strings.ContainsAny(page, "\u202e\u2066") {
		t.Error("bidi override reached the page")
	}
	assertOffline(t, page)
}

func TestMarkdownEscapesUserText(t *testing.T) {
	md := string(render(t, func(b *bytes.Buffer) error { return hostileScorecard().WriteMarkdown(b) }))
	if regexp.MustCompile(`(^|[^\\])<(script|b>)`).MatchString(md) || strings.ContainsAny(md, "\u202e\u2066") {
		t.Errorf("raw markup or bidi override reached the Markdown:\n%s", md)
	}
	want := `\</script\>\<script\>alert(1)\</script\>"'\&\<b\>x\</b\>evil ok`
	if !strings.Contains(md, want) {
		t.Errorf("escaped text %q not found in\n%s", want, md)
	}
	// Every table row still has its 7 cells: no "|" escaped the table.
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Contains(line, "alert") {
			if n := len(regexp.MustCompile(`[^\\]\|`).FindAllString(line, -1)); n != 7 && n != 5 && n != 3 {
				t.Errorf("row has %d cell borders: %s", n, line)
			}
		}
	}
}

func TestCSVAndJSONEscapeUserText(t *testing.T) {
	c := hostileScorecard()
	c.Lines[0].Name = "=HYPERLINK(\"https://evil.example\")"
	out := string(render(t, func(b *bytes.Buffer) error { return c.WriteCSV(b, CSVStyle{}) }))
	if !strings.Contains(out, `"'=HYPERLINK(""https://evil.example"")"`) {
		t.Errorf("formula not neutralized:\n%s", out)
	}
	js := string(render(t, func(b *bytes.Buffer) error { return c.WriteJSON(b) }))
	if strings.Contains(js, "<script") || !strings.Contains(js, `\u003c/script\u003e`) {
		t.Errorf("JSON does not escape <script>")
	}
	var back map[string]any
	if err := json.Unmarshal([]byte(js), &back); err != nil || back["title"] != hostile {
		t.Errorf("JSON round trip of the title: %v, %q", err, back["title"])
	}
}
