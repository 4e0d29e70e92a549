package expr

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
)

// values is the lookup the tests use: a measure absent from the map has no
// value.
var values = map[string]float64{
	"a": 2, "b": 3, "c": 5, "zero": 0, "big": 1e308, "neg": -4,
	"clicks": 30, "impressions": 1200, "nan": math.NaN(), "inf": math.Inf(1),
}

func lookup(name string) (float64, bool) {
	v, ok := values[name]
	return v, ok
}

func TestEval(t *testing.T) {
	none := math.NaN()
	for _, tc := range []struct {
		src  string
		want float64 // NaN: no value
	}{
		// numbers and measures
		{"12", 12},
		{"0.5", 0.5},
		{"a", 2},
		{"video_views2", none},
		// precedence and associativity
		{"1 + 2 * 3", 7},
		{"(1 + 2) * 3", 9},
		{"10 - 4 - 3", 3},
		{"10 - (4 - 3)", 9},
		{"24 / 4 / 2", 3},
		{"24 / (4 / 2)", 12},
		{"8 / 2 * 4", 16},
		{"2 * 3 + 4 * 5", 26},
		{"a + b * c", 17},
		// unary minus
		{"-a", -2},
		{"--a", 2},
		{"-a * b", -6},
		{"-(a + b)", -5},
		{"a - -b", 5},
		{"a--b", 5},
		{"-2 * -3", 6},
		// Unicode operators
		{"a × b", 6},
		{"c ÷ 2", 2.5},
		{"c − a", 3},
		{"−a", -2},
		{"12÷4×3−1", 8},
		// functions
		{"sum(a, b, c)", 10},
		{"sum(a)", 2},
		{"avg(a, b, c, 2)", 3},
		{"min(b, a, c)", 2},
		{"max(b, c, a)", 5},
		{"min(neg, a)", -4},
		{"ratio(clicks, impressions)", 0.025},
		{"pct(clicks, impressions)", 2.5},
		{"abs(neg)", 4},
		{"abs(a)", 2},
		{"abs(-a * b)", 6},
		{"sum(a, b) * 2", 10},
		// no value propagates
		{"x", none},
		{"x + 1", none},
		{"1 - x", none},
		{"x * 0", none},
		{"0 / x", none},
		{"-x", none},
		{"abs(x)", none},
		{"nan", none},
		{"inf", none},
		{"nan + 1", none},
		// division by zero
		{"1 / 0", none},
		{"0 / 0", none},
		{"a / zero", none},
		{"a / (b - 3)", none},
		{"(1 / 0) * 0", none},
		{"sum(1 / 0, a)", 2},
		// ratio and pct give 0 on a zero denominator
		{"ratio(a, 0)", 0},
		{"ratio(0, 0)", 0},
		{"pct(a, zero)", 0},
		{"ratio(x, 0)", none},
		{"ratio(a, x)", none},
		{"pct(x, b)", none},
		{"pct(a, x)", none},
		{"ratio(1, 1 / 0)", none},
		// sum, avg, min and max skip arguments with no value
		{"sum(a, x)", 2},
		{"sum(x, a, y, b)", 5},
		{"avg(a, x)", 2},
		{"avg(a, x, b)", 2.5},
		{"min(x, b)", 3},
		{"max(b, x, c)", 5},
		{"sum(x)", none},
		{"sum(x, y)", none},
		{"avg(x, y)", none},
		{"min(x)", none},
		{"max(x, nan)", none},
		{"sum(x) + 1", none},
		// overflow gives no value
		{"big * 10", none},
		{"big + big", none},
		{"sum(big, big)", none},
		{"avg(big, big)", none},
		{"pct(big, 0.5)", none},
		{"1 / (big * 10)", none},
		{"1" + strings.Repeat("0", 308) + " * 10", none},
		// a measure may be called like a function
		{"sum + max", none},
	} {
		e, err := Parse(tc.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.src, err)
			continue
		}
		got, ok := e.Eval(lookup)
		if math.IsNaN(tc.want) {
			if ok || got != 0 {
				t.Errorf("%q = %v, %v; want no value (0, false)", tc.src, got, ok)
			}
			continue
		}
		if !ok || math.Abs(got-tc.want) > 1e-12 {
			t.Errorf("%q = %v, %v; want %v, true", tc.src, got, ok, tc.want)
		}
	}
}

func TestString(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"a+b*c", "a + b * c"},
		{"(a+b)*c", "(a + b) * c"},
		{"((a))", "a"},
		{"a-(b-c)", "a - (b - c)"},
		{"(a-b)-c", "a - b - c"},
		{"a+(b+c)", "a + (b + c)"},
		{"a/(b*c)", "a / (b * c)"},
		{"(a×2)÷b", "a * 2 / b"},
		{"a − −b", "a - -b"},
		{"-(a*b)", "-(a * b)"},
		{"(-a)*b", "-a * b"},
		{"-(-a)", "--a"},
		{"- 2", "-2"},
		{"1.50", "1.5"},
		{"007", "7"},
		{"0.000001", "0.000001"},
		{"1000000000000000000000", "1000000000000000000000"},
		{"sum( a ,b,\tc\n)", "sum(a, b, c)"},
		{"pct((clicks),impressions)", "pct(clicks, impressions)"},
		{"abs(-(a))", "abs(-a)"},
		{"sum", "sum"},
	} {
		e, err := Parse(tc.src)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.src, err)
			continue
		}
		if got := e.String(); got != tc.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.src, got, tc.want)
		}
		again, err := Parse(e.String())
		if err != nil || again.String() != e.String() {
			t.Errorf("Parse(%q) = %v, %v; want it to round-trip", e.String(), again, err)
		}
	}
}

func TestMeasures(t *testing.T) {
	e, err := Parse("pct(comments + shares, impressions) + comments / zeta + sum(abs(a))")
	if err != nil {
		t.Fatal(err)
	}
	want := "a,comments,impressions,shares,zeta"
	if got := strings.Join(e.Measures(), ","); got != want {
		t.Errorf("Measures() = %s, want %s", got, want)
	}
	e.Measures()[0] = "changed"
	if e.Measures()[0] != "a" {
		t.Error("Measures returned the expression's own slice")
	}
	if e, _ := Parse("1 + 2"); len(e.Measures()) != 0 {
		t.Errorf("Measures() of 1 + 2 = %v, want none", e.Measures())
	}
}

func TestLookupCalls(t *testing.T) {
	e, err := Parse("a + a * b")
	if err != nil {
		t.Fatal(err)
	}
	var calls []string
	v, ok := e.Eval(func(name string) (float64, bool) {
		calls = append(calls, name)
		return lookup(name)
	})
	if v != 8 || !ok {
		t.Errorf("Eval = %v, %v; want 8, true", v, ok)
	}
	if got := strings.Join(calls, ","); got != "a,a,b" {
		t.Errorf("lookup calls = %s, want a,a,b", got)
	}
}

func TestSyntaxErrors(t *testing.T) {
	for _, tc := range []struct {
		src string
		col int
		msg string // a part of the message
	}{
		{"", 1, "empty expression"},
		{"   ", 1, "empty expression"},
		{"(a + b", 7, `want ")" to close the "(" at column 1, got the end`},
		{"(a + b c", 8, `want ")"`},
		{"a + b)", 6, `unexpected ")"`},
		{"a +", 4, "got the end"},
		{"a *", 4, "got the end"},
		{"a + * b", 5, `got "*"`},
		{"a b", 3, "want an operator or the end, got measure b"},
		{"2 3", 3, "got number 3"},
		{"foo(a)", 1, `unknown function "foo"`},
		{"a + bar(1, 2)", 5, `unknown function "bar"`},
		{"ratio(a)", 1, "ratio() needs 2 arguments, got 1"},
		{"ratio(a, b, c)", 1, "ratio() needs 2 arguments, got 3"},
		{"1 + pct(a)", 5, "pct() needs 2 arguments, got 1"},
		{"abs(a, b)", 1, "abs() needs 1 argument, got 2"},
		{"sum()", 5, "sum() needs one or more arguments, got none"},
		{"sum(a,)", 7, `got ")"`},
		{"sum(a b)", 7, `want "," or ")" to close the "(" at column 4, got measure b`},
		{"sum(a", 6, `want "," or ")"`},
		{"1..2", 3, `want a digit after "."`},
		{"1.", 3, `want a digit after "."`},
		{"1.2.3", 4, `unexpected "." after a number`},
		{".5", 1, "write 0.5"},
		{"1e3", 2, "exponents are not supported"},
		{"2a", 2, `unexpected 'a' after a number`},
		{"Clicks", 1, "lower-case"},
		{"clicKs", 5, "lower-case"},
		{"a % b", 3, `unexpected '%'`},
		{"a ^ 2", 3, `unexpected '^'`},
		{"a; b", 2, `unexpected ';'`},
		{"0,5", 2, `got ","`},
		{"+a", 1, "no unary plus"},
		{"()", 2, `got ")"`},
		{"_a", 1, `unexpected '_'`},
		{"a\x00", 2, `unexpected '\x00'`},
		{"a + \xff", 5, "invalid UTF-8"},
		{"a\u00a0+ b", 2, `unexpected '\u00a0'`},
		// multi-byte characters before the error: columns count runes
		{"a × b ÷ c − )", 13, `got ")"`},
		{"−−−(", 5, "got the end"},
		{"a×b×c×d×%", 9, `unexpected '%'`},
		{"a ≤ b", 3, `unexpected '≤'`},
		{"emoji + 😀", 9, `unexpected '😀'`},
		{"1" + strings.Repeat("0", 400), 1, "too large"},
		{strings.Repeat("x", 65), 1, "over the limit of 64"},
	} {
		_, err := Parse(tc.src)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", tc.src, err)
			continue
		}
		if !errors.Is(err, cmkit.ErrInvalid) {
			t.Errorf("Parse(%q): %v does not wrap cmkit.ErrInvalid", tc.src, err)
		}
		if se.Col != tc.col || !strings.Contains(se.Msg, tc.msg) {
			t.Errorf("Parse(%q) = column %d: %s; want column %d: ...%s...", tc.src, se.Col, se.Msg, tc.col, tc.msg)
		}
		if want := "expr: column "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Parse(%q).Error() = %q, want it to start with %q", tc.src, err, want)
		}
	}
}

func TestErrorText(t *testing.T) {
	_, err := Parse("sum(a b)")
	want := `expr: column 7: want "," or ")" to close the "(" at column 4, got measure b`
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %s", err, want)
	}
}

func TestLimits(t *testing.T) {
	ok := func(src string) {
		t.Helper()
		if _, err := Parse(src); err != nil {
			t.Errorf("Parse(%d bytes): %v, want it accepted", len(src), err)
		}
	}
	bad := func(src, msg string) {
		t.Helper()
		_, err := Parse(src)
		if err == nil || !errors.Is(err, cmkit.ErrInvalid) || !strings.Contains(err.Error(), msg) {
			t.Errorf("Parse(%d bytes) = %v, want an error with %q", len(src), err, msg)
		}
	}
	// MaxLen: the source, and its canonical form.
	ok("a" + strings.Repeat(" ", MaxLen-1))
	bad("a"+strings.Repeat(" ", MaxLen), "over the limit of 1024 (MaxLen)")
	name := strings.Repeat("m", 60)
	ok(name + strings.Repeat("+"+name, 15)) // 975 bytes, 1005 canonical
	name = strings.Repeat("m", 63)
	bad(name+strings.Repeat("+"+name, 15), "canonical form is 1053 bytes") // 1023 bytes
	// MaxDepth: parentheses, a call's included.
	ok(strings.Repeat("(", MaxDepth) + "a" + strings.Repeat(")", MaxDepth))
	bad(strings.Repeat("(", MaxDepth+1)+"a"+strings.Repeat(")", MaxDepth+1), "deeper than 32 (MaxDepth)")
	ok(strings.Repeat("abs(", MaxDepth) + "a" + strings.Repeat(")", MaxDepth))
	bad(strings.Repeat("abs(", MaxDepth)+"(a)"+strings.Repeat(")", MaxDepth), "(MaxDepth)")
	// MaxNodes: a unary minus, 128 measures and 127 operators are 256
	// nodes.
	ok("-a" + strings.Repeat("+a", 127))
	bad("a"+strings.Repeat("+a", 128), "more than 256 terms (MaxNodes)")
	bad(strings.Repeat("-", 300)+"a", "(MaxNodes)")
	_, err := Parse("a" + strings.Repeat("+a", 128))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Col != 256 {
		t.Errorf("MaxNodes error = %v, want column 256 (the operator that makes node 257)", err)
	}
}

func TestLargeStack(t *testing.T) {
	// 40 arguments need a stack of 40, over the small one Eval keeps.
	src := "sum(" + strings.Repeat("a, ", 39) + "b)"
	e, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := e.Eval(lookup); v != 81 || !ok {
		t.Errorf("Eval = %v, %v; want 81, true", v, ok)
	}
	if n := testing.AllocsPerRun(100, func() { e.Eval(lookup) }); n != 0 {
		t.Errorf("Eval allocates %v times, want 0", n)
	}
}

func TestZeroExpr(t *testing.T) {
	var e Expr
	if v, ok := e.Eval(lookup); v != 0 || ok {
		t.Errorf("zero Expr Eval = %v, %v; want 0, false", v, ok)
	}
	if e.String() != "" || len(e.Measures()) != 0 {
		t.Errorf("zero Expr = %q, %v; want empty", e.String(), e.Measures())
	}
}

func TestJSON(t *testing.T) {
	type def struct {
		Name    string `json:"name"`
		Formula *Expr  `json:"formula"`
	}
	e, err := Parse("pct(clicks,impressions)")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(def{"ctr", e})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"ctr","formula":"pct(clicks, impressions)"}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var d def
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if v, ok := d.Formula.Eval(lookup); v != 2.5 || !ok || d.Formula.String() != e.String() {
		t.Errorf("decoded %q = %v, %v; want %q = 2.5", d.Formula, v, ok, e)
	}
	err = json.Unmarshal([]byte(`{"name":"x","formula":"ratio(a)"}`), &d)
	var se *SyntaxError
	if !errors.As(err, &se) || !errors.Is(err, cmkit.ErrInvalid) {
		t.Errorf("bad formula: %v, want a *SyntaxError", err)
	}
	// UnmarshalText leaves the expression as it was on error.
	if err := d.Formula.UnmarshalText([]byte("a +")); err == nil || d.Formula.String() != "pct(clicks, impressions)" {
		t.Errorf("after a failed UnmarshalText: %v, %q", err, d.Formula)
	}
}

func TestEvalAllocs(t *testing.T) {
	e, err := Parse("pct(sum(reactions, comments, shares), impressions) - avg(a, b) / max(c, 1)")
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { e.Eval(lookup) }); n != 0 {
		t.Errorf("Eval allocates %v times, want 0", n)
	}
}

func TestConcurrentEval(t *testing.T) {
	e, err := Parse("pct(sum(a, b, x), c) + avg(a, b)")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan bool)
	for range 4 {
		go func() {
			ok := true
			for range 1000 {
				if v, has := e.Eval(lookup); v != 102.5 || !has {
					ok = false
				}
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Error("Eval from several goroutines gave a wrong value")
		}
	}
}
