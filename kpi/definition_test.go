package kpi

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
)

const goodDefinitions = `{"kpis": [
 {"id": "er", "name": "Engagement rate", "formula": "engagement_rate_reach",
  "targets": [
   {"segment": {}, "value": 3},
   {"segment": {"platform": "instagram"}, "value": 4},
   {"segment": {"platform": "instagram"}, "period": "month", "value": 4.5},
   {"segment": {"platform": "instagram", "country": "es"}, "value": 5},
   {"segment": {"platform": "instagram"}, "period": "month", "from": "2026-07-01T00:00:00Z", "until": "2026-09-01T00:00:00Z", "value": 2}
  ]},
 {"id": "sov", "name": "Share of voice", "formula": "share_of_voice", "competitors": ["globex", "initech"]},
 {"id": "frt", "name": "First response", "formula": "first_response_time_p90", "goal": "lower"},
 {"id": "custom", "name": "Saves per post", "expression": "saves / posts", "unit": "ratio"}
]}`

func TestParseDefinitions(t *testing.T) {
	defs, err := ParseDefinitions([]byte(goodDefinitions))
	if err != nil {
		t.Fatal(err)
	}
	if len(defs) != 4 {
		t.Fatalf("%d definitions, want 4", len(defs))
	}
	er := defs[0]
	if er.Unit != UnitPercent || *er.Goal != HigherIsBetter {
		t.Errorf("er: unit %q goal %v; want the formula's percent, higher", er.Unit, *er.Goal)
	}
	if *defs[2].Goal != LowerIsBetter || defs[2].Unit != UnitSeconds {
		t.Errorf("frt: unit %q goal %v", defs[2].Unit, *defs[2].Goal)
	}
	ig := Segment{Brand: "acme", Platform: "instagram", Channel: "ig-1", Country: "pl"}
	june := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	july := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name   string
		seg    Segment
		period PeriodKind
		at     time.Time
		want   float64
	}{
		{"no platform target: the default", Segment{Platform: "x"}, PeriodWeek, june, 3},
		{"platform, another period", ig, PeriodWeek, june, 4},
		{"platform and period", ig, PeriodMonth, june, 4.5},
		{"validity range wins over an open one", ig, PeriodMonth, july, 2},
		{"range ended", ig, PeriodMonth, time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC), 4.5},
		{"country is more specific than period", Segment{Platform: "instagram", Country: "es"}, PeriodMonth, june, 5},
	} {
		got, ok := er.TargetFor(c.seg, c.period, c.at)
		if !ok || got.Value != c.want {
			t.Errorf("%s: TargetFor = %v, %v; want %v", c.name, got.Value, ok, c.want)
		}
	}
	if _, ok := defs[1].TargetFor(ig, PeriodWeek, june); ok {
		t.Error("sov has no targets, but TargetFor found one")
	}
}

func TestDefinitionEval(t *testing.T) {
	defs, err := ParseDefinitions([]byte(goodDefinitions))
	if err != nil {
		t.Fatal(err)
	}
	// er: 60 / 1200 × 100 = 5
	if v, ok := defs[0].Eval(FormulaInput{Own: engaged()}); !ok || v != 5 {
		t.Errorf("er = %v, %v; want 5", v, ok)
	}
	brand := sums(map[Measure]float64{Mentions: 300})
	rivals := map[string]Totals{"globex": sums(map[Measure]float64{Mentions: 500}), "initech": sums(map[Measure]float64{Mentions: 200}),
		"umbrella": sums(map[Measure]float64{Mentions: 1e6})}
	// only the named competitors count: 300 / (300 + 500 + 200) × 100 = 30
	if v, ok := defs[1].Eval(FormulaInput{Own: brand, Competitors: rivals}); !ok || v != 30 {
		t.Errorf("sov = %v, %v; want 30", v, ok)
	}
	delete(rivals, "initech")
	if v, ok := defs[1].Eval(FormulaInput{Own: brand, Competitors: rivals}); ok {
		t.Errorf("sov without initech's totals = %v; want no value", v)
	}
	// custom "saves / posts": 4 saves / 5 posts = 0.8
	if v, ok := defs[3].Eval(FormulaInput{Own: engaged()}); !ok || math.Abs(v-0.8) > 1e-12 {
		t.Errorf("custom expression = %v, %v; want 0.8", v, ok)
	}
	// an empty period: 0 saves / 0 posts has no value
	if v, ok := defs[3].Eval(FormulaInput{Own: &testTotals{}}); ok {
		t.Errorf("custom expression over an empty period = %v; want no value", v)
	}
	if v, ok := defs[0].Eval(FormulaInput{}); ok {
		t.Errorf("er with no totals = %v; want no value", v)
	}
	var unvalidated Definition
	if _, ok := unvalidated.Eval(FormulaInput{Own: engaged()}); ok {
		t.Error("an unvalidated definition has a value")
	}
}

func TestParseDefinitionsErrors(t *testing.T) {
	kpi := func(fields string) string {
		return `{"kpis": [{"id": "ok", "name": "OK", "formula": "reach"}, {"id": "x", "name": "X"` + fields + `}]}`
	}
	for _, c := range []struct {
		doc, field, rule string
	}{
		{kpi(`, "formula": "reach", "colour": "red"`), "kpis[1]", "json"},
		{kpi(`, "formula": "nope"`), "kpis[1].formula", "unknown"},
		{kpi(``), "kpis[1].formula", "required"},
		{kpi(`, "formula": "reach", "expression": "reach"`), "kpis[1].formula", "exclusive"},
		{kpi(`, "expression": "reach", "unit": "furlongs"`), "kpis[1].unit", "unknown"},
		{kpi(`, "expression": "reach"`), "kpis[1].unit", "required"},
		{kpi(`, "expression": "  ", "unit": "count"`), "kpis[1].expression", "syntax"},
		{kpi(`, "expression": "reach +", "unit": "count"`), "kpis[1].expression", "syntax"},
		{kpi(`, "formula": "reach", "unit": "percent"`), "kpis[1].unit", "mismatch"},
		{kpi(`, "formula": "reach", "goal": "sideways"`), "kpis[1]", "json"},
		{kpi(`, "formula": "share_of_voice"`), "kpis[1].competitors", "required"},
		{kpi(`, "formula": "reach", "competitors": ["globex"]`), "kpis[1].competitors", "unexpected"},
		{kpi(`, "formula": "share_of_voice", "competitors": ["globex", "globex"]`), "kpis[1].competitors[1]", "format"},
		{kpi(`, "formula": "reach", "targets": [{"value": 1}, {"value": -1}]`), "kpis[1].targets[1].value", "range"},
		{kpi(`, "formula": "reach", "targets": [{"value": 1, "period": "year"}]`), "kpis[1].targets[0]", "json"},
		{kpi(`, "formula": "reach", "targets": [{"value": 1, "segment": {"planet": "mars"}}]`), "kpis[1].targets[0]", "json"},
		{kpi(`, "formula": "reach", "targets": [{"value": 1, "from": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}]`), "kpis[1].targets[0].until", "range"},
		{`{"kpis": [{"id": "ok", "name": "OK", "formula": "reach"}, {"id": "ok", "name": "Again", "formula": "impressions"}]}`, "kpis[1].id", "duplicate"},
		{kpi(`, "formula": "reach"`)[:20], "kpis", "json"},
		{kpi(`, "formula": "reach"`) + `{}`, "kpis", "json"},
		{`{"kpis": [{"id": "", "name": "x", "formula": "reach"}]}`, "kpis[0].id", "format"},
		{`{"kpis": [{"id": "a", "formula": "reach"}]}`, "kpis[0].name", "required"},
	} {
		defs, err := ParseDefinitions([]byte(c.doc))
		var ve *cmkit.ValidationError
		if !errors.Is(err, cmkit.ErrInvalid) || !errors.As(err, &ve) || ve.Field != c.field || ve.Rule != c.rule {
			t.Errorf("%s: err = %v; want field %s rule %s", c.doc, err, c.field, c.rule)
		}
		if defs != nil {
			t.Errorf("%s: returned definitions with an error", c.doc)
		}
	}
}

func TestValidateRejectsNaNTargetAndChangesNothing(t *testing.T) {
	d := Definition{ID: "er", Name: "ER", Formula: "engagement_rate_reach", Targets: []Target{{Value: 2}, {Value: math.NaN()}}}
	err := d.Validate()
	var ve *cmkit.ValidationError
	if !errors.As(err, &ve) || ve.Field != "targets[1].value" || ve.Rule != "range" {
		t.Fatalf("err = %v; want targets[1].value range", err)
	}
	if d.Unit != "" || d.Goal != nil || d.builtin != nil {
		t.Errorf("a failed Validate changed the definition: %+v", d)
	}
	if !strings.Contains(err.Error(), "NaN") {
		t.Errorf("error %q does not show the value", err)
	}
}

func FuzzParseDefinitions(f *testing.F) {
	f.Add([]byte(goodDefinitions))
	f.Add([]byte(`{"kpis": [{"id": "a", "name": "A", "expression": "reach", "unit": "count", "targets": [{"value": 1e308}]}]}`))
	f.Add([]byte(`{"kpis": null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		defs, err := ParseDefinitions(data)
		if err != nil {
			if defs != nil || !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("err %v with %d definitions, or not ErrInvalid", err, len(defs))
			}
			return
		}
		ids := map[string]bool{}
		for _, d := range defs {
			if ids[d.ID] || !d.Unit.Valid() || d.Goal == nil || (d.builtin == nil) == (d.custom == nil) {
				t.Fatalf("accepted a bad definition: %+v", d)
			}
			ids[d.ID] = true
			for _, tg := range d.Targets {
				if tg.Value < 0 || math.IsNaN(tg.Value) || math.IsInf(tg.Value, 0) {
					t.Fatalf("accepted target %v", tg.Value)
				}
			}
		}
	})
}

func TestTargetForTieGoesToTheFirstListed(t *testing.T) {
	d := Definition{ID: "er", Name: "ER", Formula: "engagement_rate_reach", Targets: []Target{
		{Segment: Segment{Brand: "acme"}, Value: 1},
		{Segment: Segment{Platform: "x"}, Value: 2},
	}}
	if err := d.Validate(); err != nil {
		t.Fatal(err)
	}
	// both set one segment field and no period or range: the first wins
	if got, ok := d.TargetFor(Segment{Brand: "acme", Platform: "x"}, PeriodWeek, time.Time{}); !ok || got.Value != 1 {
		t.Errorf("TargetFor = %v, %v; want the first listed, 1", got.Value, ok)
	}
}

func BenchmarkDefinitionEval(b *testing.B) {
	defs, err := ParseDefinitions([]byte(goodDefinitions))
	if err != nil {
		b.Fatal(err)
	}
	in := FormulaInput{Own: engaged()}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := defs[0].Eval(in); !ok {
			b.Fatal("no value")
		}
	}
}

func BenchmarkParseDefinitions(b *testing.B) {
	data := []byte(goodDefinitions)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseDefinitions(data); err != nil {
			b.Fatal(err)
		}
	}
}

// A measure with nothing recorded in the period has no value in a custom
// expression (so a KPI kept by hand is not shown as 0), and sum() skips
// it.
func TestExpressionMeasureWithNothingRecorded(t *testing.T) {
	def := func(src string) *Definition {
		d := &Definition{ID: "x", Name: "X", Expression: src, Unit: UnitCount}
		if err := d.Validate(); err != nil {
			t.Fatal(err)
		}
		return d
	}
	own := sums(map[Measure]float64{Shares: 3})
	if v, ok := def("ugc").Eval(FormulaInput{Own: own}); ok {
		t.Errorf("ugc with nothing recorded = %v; want no value", v)
	}
	if v, ok := def("saves + shares").Eval(FormulaInput{Own: own}); ok {
		t.Errorf("saves + shares without saves = %v; want no value", v)
	}
	// sum skips saves: 3
	if v, ok := def("sum(saves, shares)").Eval(FormulaInput{Own: own}); !ok || v != 3 {
		t.Errorf("sum(saves, shares) = %v, %v; want 3", v, ok)
	}
	// a count recorded as 0 events' worth is a value: 0
	if v, ok := def("shares - shares").Eval(FormulaInput{Own: own}); !ok || v != 0 {
		t.Errorf("shares - shares = %v, %v; want 0", v, ok)
	}
}
