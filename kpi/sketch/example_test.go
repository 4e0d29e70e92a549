package sketch_test

import (
	"fmt"

	"github.com/cmkit/cmkit/kpi/sketch"
)

// Two days of response times, in seconds, sketched apart and merged into
// the week's sketch, which answers percentiles within 1%.
func Example() {
	monday, tuesday := sketch.Default(), sketch.Default()
	for i := 1; i <= 600; i++ {
		_ = monday.Add(float64(i)) // 1 s to 10 min
	}
	for i := 1; i <= 400; i++ {
		_ = tuesday.Add(float64(i) * 3) // 3 s to 20 min
	}
	week := sketch.Default()
	_ = week.Merge(monday)
	_ = week.Merge(tuesday)

	p50, _ := week.Quantile(0.5)
	p90, _ := week.Quantile(0.9)
	fmt.Printf("count %d, min %.0f s, max %.0f s\n", week.Count(), week.Min(), week.Max())
	fmt.Printf("p50 %.1f s (exact 375), p90 %.1f s (exact 900)\n", p50, p90)

	b, _ := week.MarshalBinary()
	var stored sketch.Sketch
	if err := stored.UnmarshalBinary(b); err != nil {
		fmt.Println(err)
	}
	p90, _ = stored.Quantile(0.9)
	fmt.Printf("%d bytes stored; p90 after loading %.1f s\n", len(b), p90)

	fmt.Println(week.Add(-1))
	// Output:
	// count 1000, min 1 s, max 1200 s
	// p50 376.2 s (exact 375), p90 907.0 s (exact 900)
	// 395 bytes stored; p90 after loading 907.0 s
	// cmkit: invalid value: range: -1 is not between 0 and 1e+100
}
