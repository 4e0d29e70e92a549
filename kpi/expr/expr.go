package expr

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
)

// The limits on an expression. Parse rejects an expression over any of
// them with a *SyntaxError naming the limit.
const (
	// MaxLen bounds the source, in bytes; the canonical form (String) must
	// fit too, so that it always parses again.
	MaxLen = 1024
	// MaxDepth bounds how deeply parentheses nest; a function call's
	// parentheses count.
	MaxDepth = 32
	// MaxNodes bounds the terms of an expression: each number, measure,
	// operator and function call is one.
	MaxNodes = 256
	// maxName bounds a measure's name in bytes, as kpi.Measure does.
	maxName = 64
)

// SyntaxError is the error Parse returns for source that is not a valid
// expression or is over a limit. It wraps cmkit.ErrInvalid.
type SyntaxError struct {
	// Col is the column of the problem: 1 for the first character of the
	// source, counted in characters (runes), not bytes.
	Col int
	// Msg says what is wrong and, where it can, what was wanted.
	Msg string
}

// Error reads "expr: column COL: MSG".
func (e *SyntaxError) Error() string {
	return "expr: column " + strconv.Itoa(e.Col) + ": " + e.Msg
}

// Unwrap returns cmkit.ErrInvalid.
func (e *SyntaxError) Unwrap() error { return cmkit.ErrInvalid }

// op is a node's kind and an instruction of the compiled program.
type op uint8

const (
	opNum op = iota
	opVar
	opNeg
	opAdd
	opSub
	opMul
	opDiv
	opSum
	opAvg
	opMin
	opMax
	opRatio
	opPct
	opAbs
)

// funcs maps function names to their op and arity (-1: one or more).
var funcs = map[string]struct {
	op    op
	arity int
}{
	"sum": {opSum, -1}, "avg": {opAvg, -1}, "min": {opMin, -1}, "max": {opMax, -1},
	"ratio": {opRatio, 2}, "pct": {opPct, 2}, "abs": {opAbs, 1},
}

var opNames = [...]string{opAdd: "+", opSub: "-", opMul: "*", opDiv: "/",
	opSum: "sum", opAvg: "avg", opMin: "min", opMax: "max", opRatio: "ratio", opPct: "pct", opAbs: "abs"}

// node is a node of the syntax tree, kept to write the canonical form.
type node struct {
	op   op
	num  float64
	name string
	args []*node
	kids [2]*node // args of unary and binary operators
}

// instr is one instruction of the compiled program: push a constant or a
// measure (arg indexes consts or names), or apply an operator (arg is the
// argument count of sum, avg, min and max).
type instr struct {
	op  op
	arg uint16
}

// Expr is a parsed expression, ready to evaluate. It is immutable, and safe
// for concurrent use. The zero Expr is empty: it writes as "", references
// no measure, and Eval gives no value.
type Expr struct {
	text     string
	prog     []instr
	consts   []float64
	names    []string // by instruction; a name may repeat
	measures []string // distinct, sorted
	stack    int      // the deepest the program's stack gets
}

// Parse parses src. It returns a *SyntaxError, which wraps
// cmkit.ErrInvalid, if src is not an expression or is over a limit
// (MaxLen, MaxDepth, MaxNodes).
func Parse(src string) (*Expr, error) {
	if len(src) > MaxLen {
		return nil, &SyntaxError{Col: utf8.RuneCountInString(src[:MaxLen]) + 1,
			Msg: fmt.Sprintf("expression is %d bytes, over the limit of %d (MaxLen)", len(src), MaxLen)}
	}
	p := parser{src: src}
	if err := p.lex(); err != nil {
		return nil, err
	}
	if len(p.toks) == 1 {
		return nil, &SyntaxError{Col: 1, Msg: "empty expression; want a number, a measure or a function call"}
	}
	root, err := p.expr()
	if err != nil {
		return nil, err
	}
	if t := p.toks[p.pos]; t.kind != tEOF {
		if t.kind == tRParen {
			return nil, &SyntaxError{Col: t.col, Msg: `unexpected ")" with no "(" to close`}
		}
		return nil, &SyntaxError{Col: t.col, Msg: "want an operator or the end, got " + t.describe()}
	}
	var b strings.Builder
	write(&b, root)
	if b.Len() > MaxLen {
		return nil, &SyntaxError{Col: 1, Msg: fmt.Sprintf("canonical form is %d bytes, over the limit of %d (MaxLen)", b.Len(), MaxLen)}
	}
	e := &Expr{text: b.String(), prog: make([]instr, 0, p.nodes)}
	e.compile(root, 0)
	e.measures = slices.Compact(slices.Sorted(slices.Values(e.names)))
	return e, nil
}

// compile appends n's program to e, given the stack depth sp before it.
func (e *Expr) compile(n *node, sp int) {
	switch n.op {
	case opNum:
		e.prog = append(e.prog, instr{opNum, uint16(len(e.consts))})
		e.consts = append(e.consts, n.num)
		e.stack = max(e.stack, sp+1)
		return
	case opVar:
		e.prog = append(e.prog, instr{opVar, uint16(len(e.names))})
		e.names = append(e.names, n.name)
		e.stack = max(e.stack, sp+1)
		return
	}
	for i, a := range n.args {
		e.compile(a, sp+i)
	}
	e.prog = append(e.prog, instr{n.op, uint16(len(n.args))})
}

// Measures returns the distinct measure names e references, sorted. The
// slice is the caller's.
func (e *Expr) Measures() []string {
	return append([]string(nil), e.measures...)
}

// String returns e's canonical form (see the package doc); parsing it gives
// an expression with the same String.
func (e *Expr) String() string { return e.text }

// MarshalText returns e's canonical form.
func (e *Expr) MarshalText() ([]byte, error) { return []byte(e.text), nil }

// UnmarshalText parses text into e. On error e is left as it was.
func (e *Expr) UnmarshalText(text []byte) error {
	x, err := Parse(string(text))
	if err != nil {
		return err
	}
	*e = *x
	return nil
}

// smallStack is the stack Eval keeps in its frame for most expressions;
// larger programs use one of MaxNodes slots, also in the frame.
const smallStack = 16

// Eval computes e with the measures' values from lookup, which returns a
// measure's value in the period and whether it has one. It returns the
// value and true, or 0 and false when the expression has no value (see
// the package doc for when). It allocates nothing; lookup is called once
// per occurrence of a measure in e.
func (e *Expr) Eval(lookup func(name string) (float64, bool)) (float64, bool) {
	if len(e.prog) == 0 {
		return 0, false
	}
	var v float64
	if e.stack <= smallStack {
		var st [smallStack]float64
		v = e.run(st[:], lookup)
	} else {
		var st [MaxNodes]float64
		v = e.run(st[:], lookup)
	}
	if v != v {
		return 0, false
	}
	return v, true
}

// none is the value that stands for "no value" on the stack.
var none = math.NaN()

// finite returns x, or none when x is ±Inf or NaN.
func finite(x float64) float64 {
	if x-x != 0 {
		return none
	}
	return x
}

// run executes the program on st, which has room for e.stack values, and
// returns the result, none for no value.
func (e *Expr) run(st []float64, lookup func(string) (float64, bool)) float64 {
	sp := 0
	for _, in := range e.prog {
		switch in.op {
		case opNum:
			st[sp] = e.consts[in.arg]
			sp++
		case opVar:
			v, ok := lookup(e.names[in.arg])
			if !ok {
				v = none
			}
			st[sp] = finite(v)
			sp++
		case opNeg:
			st[sp-1] = -st[sp-1]
		case opAbs:
			st[sp-1] = math.Abs(st[sp-1])
		case opAdd:
			sp--
			st[sp-1] = finite(st[sp-1] + st[sp])
		case opSub:
			sp--
			st[sp-1] = finite(st[sp-1] - st[sp])
		case opMul:
			sp--
			st[sp-1] = finite(st[sp-1] * st[sp])
		case opDiv:
			sp--
			if st[sp] == 0 {
				st[sp-1] = none
			} else {
				st[sp-1] = finite(st[sp-1] / st[sp])
			}
		case opRatio, opPct:
			sp--
			a, b := st[sp-1], st[sp]
			switch {
			case a != a || b != b:
				st[sp-1] = none
			case b == 0:
				st[sp-1] = 0
			case in.op == opPct:
				st[sp-1] = finite(100 * a / b)
			default:
				st[sp-1] = finite(a / b)
			}
		default: // sum, avg, min, max
			n := int(in.arg)
			sp -= n
			args := st[sp : sp+n]
			r, count := 0.0, 0
			for _, x := range args {
				if x != x {
					continue
				}
				switch {
				case count == 0:
					r = x
				case in.op == opMin:
					r = min(r, x)
				case in.op == opMax:
					r = max(r, x)
				default:
					r += x
				}
				count++
			}
			switch {
			case count == 0:
				r = none
			case in.op == opAvg:
				r = finite(r) / float64(count)
			}
			st[sp] = finite(r)
			sp++
		}
	}
	return st[0]
}

// prec returns how tightly n's operator binds: 1 for + and -, 2 for * and
// /, 3 for unary minus, 4 for numbers, measures and calls.
func prec(n *node) int {
	switch n.op {
	case opAdd, opSub:
		return 1
	case opMul, opDiv:
		return 2
	case opNeg:
		return 3
	}
	return 4
}

// write writes n's canonical form to b.
func write(b *strings.Builder, n *node) {
	switch n.op {
	case opNum:
		b.WriteString(strconv.FormatFloat(n.num, 'f', -1, 64))
	case opVar:
		b.WriteString(n.name)
	case opNeg:
		b.WriteByte('-')
		writeSub(b, n.args[0], prec(n.args[0]) < 3)
	case opAdd, opSub, opMul, opDiv:
		p := prec(n)
		writeSub(b, n.args[0], prec(n.args[0]) < p)
		b.WriteByte(' ')
		b.WriteString(opNames[n.op])
		b.WriteByte(' ')
		writeSub(b, n.args[1], prec(n.args[1]) <= p)
	default:
		b.WriteString(opNames[n.op])
		b.WriteByte('(')
		for i, a := range n.args {
			if i > 0 {
				b.WriteString(", ")
			}
			write(b, a)
		}
		b.WriteByte(')')
	}
}

// writeSub writes n, in parentheses when paren is true.
func writeSub(b *strings.Builder, n *node, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	write(b, n)
	if paren {
		b.WriteByte(')')
	}
}
