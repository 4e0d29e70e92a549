package expr

import "testing"

// benchSrc is a custom KPI of a typical size: an engagement rate by
// impressions per post, with a fallback.
const benchSrc = "pct(sum(reactions, comments, shares, saves), impressions) / max(posts, 1) + 0.5 * abs(clicks - paid_clicks) / (followers + 1)"

var benchValues = map[string]float64{
	"reactions": 120, "comments": 30, "shares": 12, "saves": 4, "impressions": 5400,
	"posts": 6, "clicks": 80, "paid_clicks": 20, "followers": 2300,
}

func BenchmarkEval(b *testing.B) {
	e, err := Parse(benchSrc)
	if err != nil {
		b.Fatal(err)
	}
	lk := func(name string) (float64, bool) { v, ok := benchValues[name]; return v, ok }
	b.ReportAllocs()
	var sink float64
	for b.Loop() {
		v, _ := e.Eval(lk)
		sink += v
	}
	_ = sink
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(benchSrc); err != nil {
			b.Fatal(err)
		}
	}
}
