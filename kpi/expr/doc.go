// Package expr is the small, safe expression language of custom KPIs: a
// formula over recorded measures, such as
//
//	pct(comments + shares, impressions)
//	sum(reactions, comments, shares, saves) ÷ followers × 100
//
// Parse turns the source into an *Expr; Eval computes it for one period
// from a lookup of the measures' values, allocating nothing. An expression
// cannot loop, call out or grow: its size is bounded (MaxLen, MaxDepth,
// MaxNodes) and evaluation is one pass over a flat program.
//
// # Syntax
//
//   - Numbers are decimal, with "." as the decimal separator: 12, 0.5,
//     100. A number starts and ends with a digit (.5 and 5. are errors)
//     and has no exponent (write 1000, not 1e3) and no sign of its own (-2
//     is unary minus applied to 2). A number too large for a float64 is an
//     error.
//   - Measures are named like kpi.Measure: a lower-case letter, then
//     lower-case letters, digits or _, at most 64 bytes (clicks,
//     video_views, mentions_positive).
//   - Operators, from loosest to tightest: binary + and - (also − U+2212);
//     binary * and / (also × U+00D7 and ÷ U+00F7); unary minus (- or −).
//     Binary operators are left-associative: a - b - c is (a - b) - c, and
//     a / b * c is (a / b) * c. -a * b is (-a) * b.
//   - Parentheses group.
//   - Functions: sum(x, ...), avg(x, ...), min(x, ...), max(x, ...) take
//     one or more arguments; ratio(a, b) and pct(a, b) take two; abs(x)
//     takes one. A function name is only a function when "(" follows it:
//     a measure may be called sum.
//   - Spaces, tabs and line breaks between tokens are ignored.
//
// # Values and "no value"
//
// A measure may have no value in a period: the lookup passed to Eval says
// so by returning false, and a value that is NaN or ±Inf counts as none.
// Eval's result is either a finite float64 and true, or 0 and false (no
// value). The rules:
//
//   - No value propagates through arithmetic: if a has no value, so do
//     a + 1, -a, a * 0 and abs(a).
//   - Division by zero with / gives no value, never Inf, NaN or 0: 1 / 0
//     and 0 / 0 have no value.
//   - ratio(a, b) is a / b, except that it is 0 when b is 0 (for rates
//     where no activity means 0): ratio(3, 0) is 0. pct(a, b) is
//     100 * a / b, and 0 when b is 0. If a or b has no value, neither has
//     the result.
//   - sum, avg, min and max skip arguments that have no value, and give
//     no value only when none of their arguments has one: with b missing,
//     sum(a, b) is a and avg(a, b) is a; sum(b) has no value (not 0).
//   - A result too large for a float64 has no value: 1e308 * 10 (written
//     out in digits) has none.
//
// # Canonical form
//
// String writes an expression in its canonical form: ASCII operators with
// a space on each side, ", " between arguments, numbers in their shortest
// decimal form, and parentheses only where the structure needs them. So
// "(a×2)÷b" reads "a * 2 / b" and "a-(b-c)" keeps its parentheses. Parsing
// the canonical form gives the same expression; MarshalText writes it and
// UnmarshalText parses it, so a KPI definition can hold an *Expr in JSON.
//
// # Errors
//
// Parse reports the first error as a *SyntaxError with the column, counted
// in characters (runes) from 1, where the problem is; it wraps
// cmkit.ErrInvalid.
package expr
