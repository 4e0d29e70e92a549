package kpi

import (
	"errors"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
)

// sampleScorecard is a hand-filled scorecard for week 48 of 2026 in lang,
// with every section filled.
func sampleScorecard(lang string) *Scorecard {
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		warsaw = time.FixedZone("CET", 3600)
	}
	week := func(n int) time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, warsaw).AddDate(0, 0, 7*(n-48)) }
	trend := func(vals, tgts []float64) []ScorePoint {
		var pts []ScorePoint
		for i := range vals {
			n := 48 - len(vals) + 1 + i
			p := ScorePoint{Period: fmt.Sprintf("2026-W%02d", n), Start: week(n)}
			if !math.IsNaN(vals[i]) {
				p.Value = FigureOf(vals[i])
			} else {
				p.Value = Figure{}
			}
			if i < len(tgts) {
				p.Target = FigureOf(tgts[i])
			}
			pts = append(pts, p)
		}
		return pts
	}
	names := map[string][4]string{
		"en": {"Engagement rate", "Response time", "Followers", "Ad spend"},
		"es": {"Tasa de interacción", "Tiempo de respuesta", "Seguidores", "Inversión publicitaria"},
		"pl": {"Wskaźnik zaangażowania", "Czas odpowiedzi", "Obserwujący", "Wydatki na reklamy"},
	}[lang]
	return &Scorecard{
		Title:    "Acme – " + names[0],
		Language: lang,
		Period:   "2026-W48",
		Start:    week(48),
		End:      week(49),
		Segment:  Segment{Brand: "acme", Country: "PL"},
		Lines: []ScoreLine{
			{ID: "engagement_rate", Name: names[0], Unit: UnitPercent, Goal: HigherIsBetter,
				Value: FigureOf(0.042), Target: FigureOf(0.05), Previous: FigureOf(0.038),
				Trend: trend([]float64{0.035, 0.04, 0.038, 0.042}, []float64{0.05, 0.05, 0.05, 0.05})},
			{ID: "response_time", Name: names[1], Unit: UnitSeconds, Goal: LowerIsBetter,
				Value: FigureOf(2700), Target: FigureOf(3600), Previous: FigureOf(4000),
				Trend: trend([]float64{5400, 4500, 4000, 2700}, []float64{3600, 3600, 3600, 3600})},
			{ID: "followers", Name: names[2], Unit: UnitCount, Goal: HigherIsBetter,
				Value: FigureOf(123456), Target: FigureOf(130000), Previous: FigureOf(121000),
				Trend: trend([]float64{118000, 119500, 121000, 123456}, []float64{124000, 126000, 128000, 130000})},
			{ID: "ad_spend", Name: names[3], Unit: UnitCurrency, Currency: "PLN", Goal: LowerIsBetter,
				Value: FigureOf(1234.5), Previous: FigureOf(0),
				Trend: trend([]float64{math.NaN(), 0, 0, 1234.5}, nil)},
		},
		Channels: []ChannelScore{
			{Channel: "acme-ig", Platform: cmkit.Instagram, Engagements: FigureOf(5200), Previous: FigureOf(8000)},
			{Channel: "acme-x", Platform: cmkit.X, Engagements: FigureOf(900), Previous: FigureOf(950)},
		},
		TopPosts: []RankedPost{
			{Channel: "acme-ig", Platform: cmkit.Instagram, PlatformID: "C1", URL: "https://instagram.example/p/C1",
				Excerpt: "Black Friday: 30% off everything <today only>", PublishedAt: time.Date(2026, 11, 27, 9, 0, 0, 0, warsaw),
				Engagements: 4210, EngagementRate: FigureOf(0.081)},
			{Channel: "acme-x", Platform: cmkit.X, PlatformID: "1865", URL: "https://x.example/acme/status/1865",
				Excerpt: "Thanks for 120k followers!", PublishedAt: time.Date(2026, 11, 24, 18, 30, 0, 0, warsaw),
				Engagements: 1502, EngagementRate: FigureOf(0.064)},
		},
		BottomPosts: []RankedPost{
			{Channel: "acme-x", Platform: cmkit.X, PlatformID: "1866", URL: "https://x.example/acme/status/1866",
				Excerpt: "Maintenance window tonight", PublishedAt: time.Date(2026, 11, 25, 22, 0, 0, 0, warsaw),
				Engagements: 12, EngagementRate: FigureOf(0.002)},
		},
		Leaders: []OpinionLeader{
			{Handle: "@techmama", Platform: cmkit.Instagram, Followers: 254000, Mentions: 3, Sentiment: FigureOf(0.6)},
			{Handle: "@gadgetguy", Platform: cmkit.X, Followers: 98100, Mentions: 5, Sentiment: FigureOf(-0.25)},
		},
		Voice: []VoiceShare{
			{Brand: "Acme", Own: true, Mentions: 1830},
			{Brand: "Globex", Mentions: 1220},
			{Brand: "Initech", Mentions: 610},
		},
	}
}

func TestScoreLineDerivedNumbers(t *testing.T) {
	cases := []struct {
		name                  string
		line                  ScoreLine
		att, change, relative Figure
		status                ScoreStatus
	}{
		{"higher met", ScoreLine{Goal: HigherIsBetter, Value: FigureOf(120), Target: FigureOf(100), Previous: FigureOf(80)},
			FigureOf(1.2), FigureOf(40), FigureOf(0.5), ScoreMet},
		{"higher close at exactly 90%", ScoreLine{Goal: HigherIsBetter, Value: FigureOf(90), Target: FigureOf(100)},
			FigureOf(0.9), Figure{}, Figure{}, ScoreClose},
		{"higher missed", ScoreLine{Goal: HigherIsBetter, Value: FigureOf(50), Target: FigureOf(100), Previous: FigureOf(-100)},
			FigureOf(0.5), FigureOf(150), FigureOf(1.5), ScoreMissed},
		{"lower met is inverted", ScoreLine{Goal: LowerIsBetter, Value: FigureOf(30), Target: FigureOf(60), Previous: FigureOf(60)},
			FigureOf(2), FigureOf(-30), FigureOf(-0.5), ScoreMet},
		{"lower close", ScoreLine{Goal: LowerIsBetter, Value: FigureOf(100), Target: FigureOf(95)},
			FigureOf(0.95), Figure{}, Figure{}, ScoreClose},
		{"lower zero value meets, no attainment", ScoreLine{Goal: LowerIsBetter, Value: FigureOf(0), Target: FigureOf(60)},
			Figure{}, Figure{}, Figure{}, ScoreMet},
		{"previous 0: absolute change only", ScoreLine{Goal: HigherIsBetter, Value: FigureOf(5), Previous: FigureOf(0)},
			Figure{}, FigureOf(5), Figure{}, ScoreUnknown},
		{"no value", ScoreLine{Goal: HigherIsBetter, Target: FigureOf(5), Previous: FigureOf(3)},
			Figure{}, Figure{}, Figure{}, ScoreUnknown},
		{"target 0, higher", ScoreLine{Goal: HigherIsBetter, Value: FigureOf(0), Target: FigureOf(0)},
			Figure{}, Figure{}, Figure{}, ScoreMet},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.line.Attainment(); got != tc.att {
				t.Errorf("Attainment = %+v, want %+v", got, tc.att)
			}
			if got := tc.line.Change(); got != tc.change {
				t.Errorf("Change = %+v, want %+v", got, tc.change)
			}
			if got := tc.line.RelativeChange(); got != tc.relative {
				t.Errorf("RelativeChange = %+v, want %+v", got, tc.relative)
			}
			if got := tc.line.Status(); got != tc.status {
				t.Errorf("Status = %q, want %q", got, tc.status)
			}
		})
	}
}

func TestScorecardShares(t *testing.T) {
	c := sampleScorecard("en")
	got := c.Shares()
	want := []float64{0.5, 1.0 / 3, 1.0 / 6}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("share %d = %v, want %v", i, got[i], want[i])
		}
	}
	c.Voice = []VoiceShare{{Brand: "a"}, {Brand: "b"}}
	if got := c.Shares(); got[0] != 0 || got[1] != 0 {
		t.Errorf("shares without mentions = %v, want zeros", got)
	}
}

func TestScorecardValidate(t *testing.T) {
	if err := sampleScorecard("pl").Validate(); err != nil {
		t.Fatalf("sample: %v", err)
	}
	cases := map[string]struct {
		field string
		edit  func(c *Scorecard)
	}{
		"language":    {"language", func(c *Scorecard) { c.Language = "de" }},
		"period":      {"period", func(c *Scorecard) { c.Period = "" }},
		"start":       {"start", func(c *Scorecard) { c.Start = time.Time{} }},
		"end":         {"end", func(c *Scorecard) { c.End = c.Start }},
		"kpi id":      {"kpis.id", func(c *Scorecard) { c.Lines[1].ID = "" }},
		"unit":        {"kpis.unit", func(c *Scorecard) { c.Lines[0].Unit = "bananas" }},
		"currency":    {"kpis.currency", func(c *Scorecard) { c.Lines[3].Currency = "zł" }},
		"NaN":         {"kpis.value", func(c *Scorecard) { c.Lines[0].Target = FigureOf(math.NaN()) }},
		"trend Inf":   {"kpis.trend", func(c *Scorecard) { c.Lines[0].Trend[1].Value = FigureOf(math.Inf(1)) }},
		"channel":     {"channels.engagements", func(c *Scorecard) { c.Channels[0].Previous = FigureOf(math.NaN()) }},
		"post":        {"posts.engagements", func(c *Scorecard) { c.BottomPosts[0].Engagements = -1 }},
		"leader":      {"opinion_leaders", func(c *Scorecard) { c.Leaders[0].Followers = -5 }},
		"voice":       {"share_of_voice.mentions", func(c *Scorecard) { c.Voice[2].Mentions = -1 }},
		"recommended": {"recommendations.urgency", func(c *Scorecard) { c.Recommendations = []Recommendation{{Urgency: "meh"}} }},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			c := sampleScorecard("en")
			tc.edit(c)
			err := c.Validate()
			var ve *cmkit.ValidationError
			if !errors.Is(err, cmkit.ErrInvalid) || !errors.As(err, &ve) || ve.Field != tc.field {
				t.Fatalf("Validate = %v, want ErrInvalid on field %q", err, tc.field)
			}
		})
	}
}
