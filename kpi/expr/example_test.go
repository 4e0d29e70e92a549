package expr_test

import (
	"fmt"

	"github.com/cmkit/cmkit/kpi/expr"
)

func Example() {
	e, err := expr.Parse("pct(comments + shares, impressions) ÷ max(posts, 1)")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e)
	fmt.Println(e.Measures())

	week := map[string]float64{"comments": 40, "shares": 20, "impressions": 2000, "posts": 3}
	lookup := func(name string) (float64, bool) { v, ok := week[name]; return v, ok }
	fmt.Println(e.Eval(lookup))

	// A week with no impressions: pct gives 0 rather than no value.
	week["impressions"] = 0
	fmt.Println(e.Eval(lookup))

	// A week with no comments recorded: no value.
	delete(week, "comments")
	fmt.Println(e.Eval(lookup))

	_, err = expr.Parse("ratio(clicks, impressions")
	fmt.Println(err)
	// Output:
	// pct(comments + shares, impressions) / max(posts, 1)
	// [comments impressions posts shares]
	// 1 true
	// 0 true
	// 0 false
	// expr: column 26: want "," or ")" to close the "(" at column 6, got the end
}
