package expr

import (
	"errors"
	"math"
	"testing"

	"github.com/cmkit/cmkit"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "a", "1 + 2 * 3", "-(a + b) × c ÷ 2 − d", "sum(a, b, x)", "avg(a)",
		"min(a, 1 / 0)", "max(big * 10, a)", "ratio(clicks, impressions)",
		"pct(a, zero)", "abs(-a)", "((((a))))", "1..2", "sum(a,", "ratio(a)",
		"foo(1)", "1.5e3", "a − −b", "0.000001", "99999999999999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, cmkit.ErrInvalid) || se.Col < 1 {
				t.Fatalf("Parse(%q) = %v, want a *SyntaxError at a column from 1", src, err)
			}
			return
		}
		s := e.String()
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q, which does not parse: %v", src, s, err)
		}
		if again.String() != s {
			t.Fatalf("%q round-trips as %q", s, again.String())
		}
		for _, lk := range []func(string) (float64, bool){
			lookup,
			func(string) (float64, bool) { return 0, false },
			func(string) (float64, bool) { return 0, true },
			func(string) (float64, bool) { return math.MaxFloat64, true },
		} {
			v1, ok1 := e.Eval(lk)
			v2, ok2 := again.Eval(lk)
			if ok1 && math.IsNaN(v1) || ok1 && math.IsInf(v1, 0) || !ok1 && v1 != 0 {
				t.Fatalf("%q = %v, %v", s, v1, ok1)
			}
			if ok1 != ok2 || v1 != v2 {
				t.Fatalf("%q = %v, %v but its canonical form = %v, %v", src, v1, ok1, v2, ok2)
			}
		}
	})
}
