package kpi

import (
	"cmp"
	"fmt"
	"html/template"
	"io"
	"math"
	"strconv"
	"strings"
)

// WriteHTML writes the scorecard as one self-contained HTML page in its
// Language: inline CSS, inline SVG charts, and nothing loaded from
// anywhere (no scripts, fonts, images or style sheets; post URLs are
// shown as text, not links). The page has the period and segment, the
// recommendations, an attainment table (status as colour, symbol and word,
// so it reads in greyscale and with a screen reader), a trend chart per
// KPI (value line against the dashed target line), the top and bottom
// posts, the opinion leaders and share-of-voice bars. Each chart is an
// <svg role="img"> whose <title> and <desc> give its numbers in words.
// All user text is escaped by html/template.
func (c *Scorecard) WriteHTML(w io.Writer) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return htmlPage.Execute(w, c.htmlView())
}

type htmlView struct {
	Lang, Title, Period, Range, Segment string
	L                                   *labels
	Lines                               []htmlLine
	Recommendations                     []htmlRecommendation
	PostSections                        []htmlPosts
	Leaders                             [][]string
	Voice                               *htmlVoice
}

type htmlLine struct {
	ID, Name, Goal, Value, Target, Attainment, Change, Relative string
	Status, StatusClass                                         string
	Chart                                                       *htmlChart
}

type htmlChart struct {
	ID, Title, Desc             string
	Width, Height               int
	Values, Targets             string
	Dots                        []htmlDot
	MaxLabel, MinLabel          string
	FirstLabel, LastLabel       string
	MaxY, MinY                  string
	MaxTextY, MinTextY, LabelsY string
	LastX                       int
}

type htmlDot struct {
	X, Y  string
	Title string
}

type htmlRecommendation struct {
	Class, Urgency, KPI, Text string
}

type htmlPosts struct {
	Title string
	Rows  []htmlPost
}

type htmlPost struct {
	Published, Channel, Platform, Excerpt, URL, Engagements, Rate string
}

type htmlVoice struct {
	Title, Desc   string
	Width, Height int
	Bars          []htmlBar
}

type htmlBar struct {
	Y, TextY, Width    int
	Brand, Label, Fill string
}

func (c *Scorecard) htmlView() htmlView {
	loc := localeFor(c.Language)
	v := htmlView{Lang: loc.tag, Title: plain(cmp.Or(c.Title, loc.lbl.Summary)), Period: plain(c.Period), Range: loc.periodRange(c),
		Segment: plain(loc.segment(c.Segment)), L: &loc.lbl}
	for i := range c.Lines {
		l := &c.Lines[i]
		st := l.Status()
		v.Lines = append(v.Lines, htmlLine{ID: plain(l.ID), Name: plain(cmp.Or(l.Name, l.ID)), Goal: loc.goal(l.Goal),
			Value: loc.figure(l.Unit, l.Currency, l.Value), Target: loc.figure(l.Unit, l.Currency, l.Target),
			Attainment: percentOr(loc, l.Attainment()), Change: loc.change(l.Unit, l.Currency, l.Change()),
			Relative: loc.relative(l.RelativeChange()), Status: loc.status(st), StatusClass: "st-" + string(st),
			Chart: trendChart(loc, i, l)})
	}
	for _, r := range c.Recommendations {
		v.Recommendations = append(v.Recommendations, htmlRecommendation{Class: "rec-" + string(r.Urgency),
			Urgency: loc.urgency(r.Urgency), KPI: plain(r.KPI), Text: plain(r.Text)})
	}
	for _, sec := range []struct {
		title string
		posts []RankedPost
	}{{loc.lbl.TopPosts, c.TopPosts}, {loc.lbl.BottomPosts, c.BottomPosts}} {
		if len(sec.posts) == 0 {
			continue
		}
		ps := htmlPosts{Title: sec.title}
		for _, p := range sec.posts {
			ps.Rows = append(ps.Rows, htmlPost{Published: loc.shortDate(loc, p.PublishedAt), Channel: plain(p.Channel),
				Platform: plain(string(p.Platform)), Excerpt: plain(p.Excerpt), URL: plain(p.URL),
				Engagements: loc.number(float64(p.Engagements), 0), Rate: percentOr(loc, p.EngagementRate)})
		}
		v.PostSections = append(v.PostSections, ps)
	}
	for _, ld := range c.Leaders {
		v.Leaders = append(v.Leaders, []string{plain(ld.Handle), plain(string(ld.Platform)), loc.number(float64(ld.Followers), 0),
			loc.number(float64(ld.Mentions), 0), sentimentText(loc, ld.Sentiment)})
	}
	if len(c.Voice) > 0 {
		v.Voice = voiceChart(loc, c)
	}
	return v
}

// svgNum writes a coordinate with at most one decimal.
func svgNum(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// The trend chart's geometry, in SVG user units.
const (
	chartW, chartH                 = 360, 170
	chartLeft, chartRight          = 12, 12
	chartTop, chartBottom          = 34, 40
	voiceW, voiceLabel, voiceBarW  = 640, 170, 300
	voiceRow, voiceBar, voiceTopPx = 30, 18, 8
)

func trendChart(loc *locale, i int, l *ScoreLine) *htmlChart {
	if len(l.Trend) == 0 {
		return nil
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range l.Trend {
		for _, f := range []Figure{p.Value, p.Target} {
			if f.Set {
				lo, hi = math.Min(lo, f.Value), math.Max(hi, f.Value)
			}
		}
	}
	if math.IsInf(lo, 0) {
		lo, hi = 0, 1
	}
	if lo >= 0 && lo < hi/2 {
		lo = 0
	}
	if hi == lo {
		hi, lo = hi+math.Max(math.Abs(hi)*0.1, 1), lo-math.Max(math.Abs(lo)*0.1, 1)
		if lo < 0 && hi-1 >= 0 && l.Unit != UnitRatio {
			lo = math.Max(lo, 0)
		}
	}
	pad := (hi - lo) * 0.08
	top, bottom := hi+pad, lo
	if lo != 0 {
		bottom = lo - pad
	}
	plotW, plotH := float64(chartW-chartLeft-chartRight), float64(chartH-chartTop-chartBottom)
	x := func(k int) float64 {
		if len(l.Trend) == 1 {
			return chartLeft + plotW/2
		}
		return chartLeft + plotW*float64(k)/float64(len(l.Trend)-1)
	}
	y := func(v float64) float64 { return chartTop + plotH*(top-v)/(top-bottom) }
	name := plain(cmp.Or(l.Name, l.ID))
	ch := &htmlChart{ID: fmt.Sprintf("trend-%d", i+1), Title: fmt.Sprintf(loc.trendDescription, name), Width: chartW, Height: chartH,
		MaxLabel: loc.value(l.Unit, l.Currency, hi), MinLabel: loc.value(l.Unit, l.Currency, lo),
		FirstLabel: plain(l.Trend[0].Period), LastLabel: plain(l.Trend[len(l.Trend)-1].Period),
		MaxY: svgNum(y(hi)), MinY: svgNum(y(lo)), MaxTextY: svgNum(y(hi) - 5), MinTextY: svgNum(y(lo) + 14),
		LabelsY: svgNum(chartH - 6), LastX: chartW - chartRight}
	var vals, tgts, desc []string
	for k, p := range l.Trend {
		px := svgNum(x(k))
		if p.Value.Set {
			vals = append(vals, px+","+svgNum(y(p.Value.Value)))
		}
		if p.Target.Set {
			tgts = append(tgts, px+","+svgNum(y(p.Target.Value)))
		}
		d := fmt.Sprintf("%s: %s %s, %s %s", plain(p.Period), loc.lbl.Value, loc.figure(l.Unit, l.Currency, p.Value),
			loc.lbl.Target, loc.figure(l.Unit, l.Currency, p.Target))
		desc = append(desc, d)
		if p.Value.Set {
			ch.Dots = append(ch.Dots, htmlDot{X: px, Y: svgNum(y(p.Value.Value)), Title: d})
		}
	}
	ch.Values, ch.Targets, ch.Desc = strings.Join(vals, " "), strings.Join(tgts, " "), strings.Join(desc, "; ")+"."
	return ch
}

func voiceChart(loc *locale, c *Scorecard) *htmlVoice {
	shares := c.Shares()
	v := &htmlVoice{Title: loc.lbl.Voice, Width: voiceW, Height: voiceTopPx*2 + voiceRow*len(c.Voice)}
	var desc []string
	for i, s := range shares {
		b := c.Voice[i]
		label := loc.percent(s, 1) + " (" + loc.number(float64(b.Mentions), 0) + ")"
		brand := plain(b.Brand)
		fill := "#8a94a6"
		if b.Own {
			brand += " (" + loc.lbl.OwnBrand + ")"
			fill = "#1f5fbf"
		}
		y := voiceTopPx + voiceRow*i
		v.Bars = append(v.Bars, htmlBar{Y: y + (voiceRow-voiceBar)/2, TextY: y + voiceRow/2 + 5,
			Width: max(int(math.Round(s*voiceBarW)), 1), Brand: clip(brand, 24), Label: label, Fill: fill})
		desc = append(desc, brand+": "+label)
	}
	v.Desc = loc.lbl.VoiceDescription + ": " + strings.Join(desc, "; ") + "."
	return v
}

var htmlPage = template.Must(template.New("scorecard").Funcs(template.FuncMap{
	"add": func(a, b int) int { return a + b },
}).Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} – {{.Period}}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b1f24;background:#fff;margin:0;padding:24px;line-height:1.45}
main{max-width:1100px;margin:0 auto}
h1{font-size:1.7em;margin:0 0 .2em}
h2{font-size:1.25em;margin:1.6em 0 .5em;border-bottom:2px solid #d5dae1;padding-bottom:.2em}
.meta{color:#4a5361;margin:0}
table{border-collapse:collapse;width:100%;margin:.4em 0 1em;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.3em 0;color:#4a5361}
th,td{border:1px solid #c9cfd8;padding:.35em .6em;text-align:left;vertical-align:top}
thead th{background:#eef1f5}
td.num{text-align:right;white-space:nowrap}
.st-met{background:#d7f0dc;color:#0f4d24;font-weight:600}
.st-close{background:#fff0c2;color:#5c4300;font-weight:600}
.st-missed{background:#fbd3d3;color:#7a1010;font-weight:600}
.st-none{background:#f1f2f4;color:#4a5361}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:16px}
figure{margin:0;border:1px solid #d5dae1;border-radius:6px;padding:8px}
figcaption{font-weight:600;margin-bottom:4px}
svg{display:block;max-width:100%;height:auto}
.recs{list-style:none;padding:0}
.recs li{border-left:6px solid #8a94a6;padding:.4em .8em;margin:.4em 0;background:#f6f7f9}
.recs li.rec-critical{border-left-color:#b42318;border-left-style:double;border-left-width:8px}
.recs li.rec-warning{border-left-color:#c98a00}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.url{font-size:.8em;color:#4a5361;word-break:break-all}
</style>
</head>
<body>
<main>
<header>
<h1><bdi>{{.Title}}</bdi></h1>
<p class="meta">{{.L.Period}}: <strong>{{.Period}}</strong> ({{.Range}}) · {{.L.Segment}}: {{.Segment}}</p>
</header>
{{- if .Recommendations}}
<section aria-labelledby="h-recs">
<h2 id="h-recs">{{.L.Recommendations}}</h2>
<ul class="recs">
{{- range .Recommendations}}
<li class="{{.Class}}"><strong>{{.Urgency}}</strong>{{if .KPI}} (<bdi>{{.KPI}}</bdi>){{end}}: <bdi>{{.Text}}</bdi></li>
{{- end}}
</ul>
</section>
{{- end}}
{{- if .Lines}}
<section aria-labelledby="h-summary">
<h2 id="h-summary">{{.L.Summary}}</h2>
<table>
<caption>{{.L.TableCaption}}</caption>
<thead><tr><th scope="col">{{.L.KPI}}</th><th scope="col">{{.L.Value}}</th><th scope="col">{{.L.Target}}</th><th scope="col">{{.L.Attainment}}</th><th scope="col">{{.L.Change}}</th><th scope="col">{{.L.ChangeRel}}</th><th scope="col">{{.L.Status}}</th></tr></thead>
<tbody>
{{- range .Lines}}
<tr><th scope="row"><bdi>{{.Name}}</bdi><br><small>{{.Goal}}</small></th><td class="num">{{.Value}}</td><td class="num">{{.Target}}</td><td class="num">{{.Attainment}}</td><td class="num">{{.Change}}</td><td class="num">{{.Relative}}</td><td class="{{.StatusClass}}">{{.Status}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
<section aria-labelledby="h-trends">
<h2 id="h-trends">{{.L.Trends}}</h2>
<div class="charts">
{{- range .Lines}}{{with .Chart}}
<figure>
<figcaption>{{.Title}}</figcaption>
<svg role="img" aria-labelledby="{{.ID}}-t {{.ID}}-d" viewBox="0 0 {{.Width}} {{.Height}}" width="{{.Width}}" height="{{.Height}}">
<title id="{{.ID}}-t">{{.Title}}</title>
<desc id="{{.ID}}-d">{{.Desc}}</desc>
<rect x="0" y="0" width="{{.Width}}" height="{{.Height}}" fill="#fbfcfd"/>
<line x1="12" y1="{{.MaxY}}" x2="{{.LastX}}" y2="{{.MaxY}}" stroke="#d5dae1"/>
<line x1="12" y1="{{.MinY}}" x2="{{.LastX}}" y2="{{.MinY}}" stroke="#d5dae1"/>
<text x="12" y="{{.MaxTextY}}" font-size="12" fill="#4a5361">{{.MaxLabel}}</text>
<text x="12" y="{{.MinTextY}}" font-size="12" fill="#4a5361">{{.MinLabel}}</text>
<g aria-hidden="true" font-size="11" fill="#1b1f24"><line x1="{{add .LastX -150}}" y1="12" x2="{{add .LastX -130}}" y2="12" stroke="#1f5fbf" stroke-width="3"/><text x="{{add .LastX -126}}" y="16">{{$.L.Value}}</text>{{if .Targets}}<line x1="{{add .LastX -70}}" y1="12" x2="{{add .LastX -50}}" y2="12" stroke="#6b7280" stroke-width="2" stroke-dasharray="5 3"/><text x="{{add .LastX -46}}" y="16">{{$.L.Target}}</text>{{end}}</g>
{{- if .Targets}}
<polyline points="{{.Targets}}" fill="none" stroke="#6b7280" stroke-width="2" stroke-dasharray="6 4"/>
{{- end}}
{{- if .Values}}
<polyline points="{{.Values}}" fill="none" stroke="#1f5fbf" stroke-width="3" stroke-linejoin="round"/>
{{- end}}
{{- range .Dots}}
<circle cx="{{.X}}" cy="{{.Y}}" r="4" fill="#1f5fbf" stroke="#fff" stroke-width="1.5"><title>{{.Title}}</title></circle>
{{- end}}
<text x="12" y="{{.LabelsY}}" font-size="12" fill="#4a5361">{{.FirstLabel}}</text>
<text x="{{.LastX}}" y="{{.LabelsY}}" font-size="12" fill="#4a5361" text-anchor="end">{{.LastLabel}}</text>
</svg>
</figure>
{{- end}}{{end}}
</div>
</section>
{{- end}}
{{- range $i, $sec := .PostSections}}
<section aria-labelledby="h-posts-{{$i}}">
<h2 id="h-posts-{{$i}}">{{$sec.Title}}</h2>
<table>
<caption class="sr">{{$sec.Title}}</caption>
<thead><tr><th scope="col">{{$.L.Published}}</th><th scope="col">{{$.L.Channel}}</th><th scope="col">{{$.L.Post}}</th><th scope="col">{{$.L.Engagements}}</th><th scope="col">{{$.L.Rate}}</th></tr></thead>
<tbody>
{{- range $sec.Rows}}
<tr><td>{{.Published}}</td><td><bdi>{{.Channel}}</bdi><br><small>{{.Platform}}</small></td><th scope="row"><bdi>{{.Excerpt}}</bdi>{{if .URL}}<br><span class="url">{{.URL}}</span>{{end}}</th><td class="num">{{.Engagements}}</td><td class="num">{{.Rate}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
{{- if .Leaders}}
<section aria-labelledby="h-leaders">
<h2 id="h-leaders">{{.L.Leaders}}</h2>
<table>
<caption class="sr">{{.L.Leaders}}</caption>
<thead><tr><th scope="col">{{.L.Handle}}</th><th scope="col">{{.L.Platform}}</th><th scope="col">{{.L.Followers}}</th><th scope="col">{{.L.Mentions}}</th><th scope="col">{{.L.Sentiment}}</th></tr></thead>
<tbody>
{{- range .Leaders}}
<tr><th scope="row"><bdi>{{index . 0}}</bdi></th><td>{{index . 1}}</td><td class="num">{{index . 2}}</td><td class="num">{{index . 3}}</td><td class="num">{{index . 4}}</td></tr>
{{- end}}
</tbody>
</table>
</section>
{{- end}}
{{- with .Voice}}
<section aria-labelledby="h-voice">
<h2 id="h-voice">{{.Title}}</h2>
<figure>
<svg role="img" aria-labelledby="voice-t voice-d" viewBox="0 0 {{.Width}} {{.Height}}" width="{{.Width}}" height="{{.Height}}">
<title id="voice-t">{{.Title}}</title>
<desc id="voice-d">{{.Desc}}</desc>
{{- range .Bars}}
<text x="0" y="{{.TextY}}" font-size="13" fill="#1b1f24">{{.Brand}}</text>
<rect x="170" y="{{.Y}}" width="{{.Width}}" height="18" fill="{{.Fill}}"/>
<text x="{{add .Width 176}}" y="{{.TextY}}" font-size="13" fill="#1b1f24">{{.Label}}</text>
{{- end}}
</svg>
</figure>
</section>
{{- end}}
</main>
</body>
</html>
`))

// clip shortens s to n runes, ending it with "…" when cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
