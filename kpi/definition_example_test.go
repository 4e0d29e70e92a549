package kpi_test

import (
	"fmt"
	"time"

	"github.com/cmkit/cmkit/kpi"
)

// Defining a KPI with targets: engagement rate by reach, 3 % everywhere,
// 4 % on Instagram, 4.5 % on Instagram for a month; the most specific
// target that applies wins.
func ExampleParseDefinitions() {
	defs, err := kpi.ParseDefinitions([]byte(`{"kpis": [{
		"id": "er", "name": "Engagement rate", "formula": "engagement_rate_reach",
		"targets": [
			{"segment": {}, "value": 3},
			{"segment": {"platform": "instagram"}, "value": 4},
			{"segment": {"platform": "instagram"}, "period": "month", "value": 4.5}
		]}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	er := defs[0]
	f, _ := kpi.LookupFormula(er.Formula)
	fmt.Printf("%s (%s, %s is better): %s\n", er.Name, er.Unit, er.Goal, f.Expression)
	june := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		seg    kpi.Segment
		period kpi.PeriodKind
	}{
		{kpi.Segment{Platform: "x"}, kpi.PeriodWeek},
		{kpi.Segment{Brand: "acme", Platform: "instagram"}, kpi.PeriodWeek},
		{kpi.Segment{Brand: "acme", Platform: "instagram"}, kpi.PeriodMonth},
	} {
		t, _ := er.TargetFor(c.seg, c.period, june)
		fmt.Printf("%s, %s: target %.1f %%\n", c.seg, c.period, t.Value)
	}
	// Output:
	// Engagement rate (percent, higher is better): (reactions + comments + shares + saves) / reach × 100
	// platform=x, week: target 3.0 %
	// brand=acme platform=instagram, week: target 4.0 %
	// brand=acme platform=instagram, month: target 4.5 %
}
