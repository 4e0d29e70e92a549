package kpi_test

import (
	"fmt"
	"time"

	"github.com/cmkit/cmkit/kpi"
)

// The periods of an instant, and a week's bounds across the spring clock
// change in Warsaw: the week is an hour short.
func ExamplePeriodOf() {
	warsaw, err := time.LoadLocation("Europe/Warsaw")
	if err != nil {
		panic(err)
	}
	at := time.Date(2027, 1, 1, 10, 0, 0, 0, warsaw)
	for _, k := range []kpi.PeriodKind{kpi.PeriodDay, kpi.PeriodWeek, kpi.PeriodMonth, kpi.PeriodQuarter} {
		fmt.Println(k, kpi.PeriodOf(k, at, warsaw))
	}
	w, err := kpi.ParsePeriod("2026-W13")
	if err != nil {
		panic(err)
	}
	fmt.Println(w, w.Start(warsaw).Format(time.DateOnly), "to", w.End(warsaw).Format(time.DateOnly), w.End(warsaw).Sub(w.Start(warsaw)))
	// Output:
	// day 2027-01-01
	// week 2026-W53
	// month 2027-01
	// quarter 2027-Q1
	// 2026-W13 2026-03-23 to 2026-03-30 167h0m0s
}
