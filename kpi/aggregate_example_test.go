package kpi_test

import (
	"fmt"
	"time"

	"github.com/cmkit/cmkit/kpi"
)

// Record a few events in Madrid's time zone and read a brand's totals
// for an ISO week: its channels add up, and the follower count is the
// sum of the channels' readings.
func ExampleAggregator() {
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		panic(err)
	}
	a := kpi.NewAggregator(madrid)
	es := kpi.Segment{Brand: "acme", Platform: "mastodon", Channel: "acme-es"}
	pl := kpi.Segment{Brand: "acme", Platform: "mastodon", Channel: "acme-pl"}
	record := func(m kpi.Measure, seg kpi.Segment, at string, v float64) {
		t, err := time.ParseInLocation(time.DateTime, at, madrid)
		if err != nil {
			panic(err)
		}
		h, err := a.Series(m, seg)
		if err != nil {
			panic(err)
		}
		if err := a.Add(h, t, v); err != nil {
			panic(err)
		}
	}
	record(kpi.Impressions, es, "2026-03-23 09:00:00", 1200)
	record(kpi.Impressions, pl, "2026-03-29 23:30:00", 800) // Sunday: still week 13
	record(kpi.Impressions, pl, "2026-03-30 00:30:00", 500) // Monday: week 14
	record(kpi.Followers, es, "2026-03-23 08:00:00", 5000)
	record(kpi.Followers, es, "2026-03-29 20:00:00", 5040)
	record(kpi.Followers, pl, "2026-03-24 08:00:00", 3000)
	record(kpi.Followers, pl, "2026-03-28 20:00:00", 3010)
	for _, rt := range []float64{30, 90, 600} {
		record(kpi.ResponseTime, es, "2026-03-25 12:00:00", rt)
	}

	week, err := kpi.ParsePeriod("2026-W13")
	if err != nil {
		panic(err)
	}
	t, err := a.Totals(kpi.Segment{Brand: "acme"}, week)
	if err != nil {
		panic(err)
	}
	first, _ := t.First(kpi.Followers)
	last, _ := t.Last(kpi.Followers)
	median, _ := t.Quantile(kpi.ResponseTime, 0.5) // within 1% of the exact 90
	fmt.Println(week, "from", week.Start(madrid).Format(time.RFC3339), "to", week.End(madrid).Format(time.RFC3339))
	fmt.Println("impressions:", t.Sum(kpi.Impressions))
	fmt.Println("followers:", first, "→", last)
	fmt.Printf("responses: %d, median %.0f s\n", t.Count(kpi.ResponseTime), median)
	// Output:
	// 2026-W13 from 2026-03-23T00:00:00+01:00 to 2026-03-30T00:00:00+02:00
	// impressions: 2000
	// followers: 8000 → 8050
	// responses: 3, median 89 s
}
