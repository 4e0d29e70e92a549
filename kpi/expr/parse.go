package expr

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// tokKind is the kind of a token.
type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tName
	tOp // + - * /, text holds the ASCII form
	tLParen
	tRParen
	tComma
)

// token is one token of the source, with the column of its first rune.
type token struct {
	kind tokKind
	text string // the number, the name, or the operator in ASCII
	col  int
	num  float64
}

// describe names t for an error message.
func (t token) describe() string {
	switch t.kind {
	case tEOF:
		return "the end"
	case tNum:
		return "number " + t.text
	case tName:
		return "measure " + t.text
	case tLParen:
		return `"("`
	case tRParen:
		return `")"`
	case tComma:
		return `","`
	}
	return strconv.Quote(t.text)
}

// parser turns source into a tree: lex first, then recursive descent.
type parser struct {
	src   string
	toks  []token
	pos   int
	depth int // parentheses open
	nodes int
	arena []node // the nodes; never grows, as there are no more nodes than tokens
}

func isDigit(r rune) bool    { return r >= '0' && r <= '9' }
func isLower(r rune) bool    { return r >= 'a' && r <= 'z' }
func isNameRune(r rune) bool { return isLower(r) || isDigit(r) || r == '_' }

// lex splits p.src into p.toks, ending with a tEOF token.
func (p *parser) lex() error {
	s := p.src
	col := 1
	p.toks = make([]token, 0, len(s)/4+2)
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		start, startCol := i, col
		next := func() { i += w; col++; r, w = utf8.DecodeRuneInString(s[i:]) }
		switch {
		case r == utf8.RuneError && w == 1:
			return &SyntaxError{Col: col, Msg: "invalid UTF-8"}
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			next()
			continue
		case isDigit(r):
			for i < len(s) && isDigit(r) {
				next()
			}
			if i < len(s) && r == '.' {
				next()
				if i >= len(s) || !isDigit(r) {
					return &SyntaxError{Col: col, Msg: `want a digit after "." in a number`}
				}
				for i < len(s) && isDigit(r) {
					next()
				}
			}
			if i < len(s) {
				switch {
				case r == 'e' || r == 'E':
					return &SyntaxError{Col: col, Msg: fmt.Sprintf("unexpected %q after a number: exponents are not supported, write the number in digits", r)}
				case r == '.':
					return &SyntaxError{Col: col, Msg: `unexpected "." after a number`}
				case isNameRune(r) || r >= 'A' && r <= 'Z':
					return &SyntaxError{Col: col, Msg: fmt.Sprintf("unexpected %q after a number; want an operator", r)}
				}
			}
			text := s[start:i]
			v, err := strconv.ParseFloat(text, 64)
			if err != nil {
				return &SyntaxError{Col: startCol, Msg: "number " + text + " is too large"}
			}
			p.toks = append(p.toks, token{kind: tNum, text: text, col: startCol, num: v})
			continue
		case isLower(r):
			for i < len(s) && isNameRune(r) {
				next()
			}
			if i < len(s) && r >= 'A' && r <= 'Z' {
				return &SyntaxError{Col: col, Msg: fmt.Sprintf("unexpected %q: measure names are lower-case letters, digits and _", r)}
			}
			if i-start > maxName {
				return &SyntaxError{Col: startCol, Msg: fmt.Sprintf("measure name is %d bytes, over the limit of %d", i-start, maxName)}
			}
			p.toks = append(p.toks, token{kind: tName, text: s[start:i], col: startCol})
			continue
		}
		t := token{col: col}
		switch r {
		case '+':
			t.kind, t.text = tOp, "+"
		case '-', '\u2212':
			t.kind, t.text = tOp, "-"
		case '*', '\u00d7':
			t.kind, t.text = tOp, "*"
		case '/', '\u00f7':
			t.kind, t.text = tOp, "/"
		case '(':
			t.kind = tLParen
		case ')':
			t.kind = tRParen
		case ',':
			t.kind = tComma
		case '.':
			return &SyntaxError{Col: col, Msg: `a number starts with a digit: write 0.5, not .5`}
		default:
			if r >= 'A' && r <= 'Z' {
				return &SyntaxError{Col: col, Msg: fmt.Sprintf("unexpected %q: measure names are lower-case letters, digits and _", r)}
			}
			return &SyntaxError{Col: col, Msg: fmt.Sprintf("unexpected %q", r)}
		}
		p.toks = append(p.toks, t)
		next()
	}
	p.toks = append(p.toks, token{kind: tEOF, col: col})
	return nil
}

// newNode counts a node against MaxNodes; t is the token that makes it.
func (p *parser) newNode(t token, n node) (*node, error) {
	p.nodes++
	if p.nodes > MaxNodes {
		return nil, &SyntaxError{Col: t.col, Msg: fmt.Sprintf("more than %d terms (MaxNodes)", MaxNodes)}
	}
	if p.arena == nil {
		p.arena = make([]node, 0, len(p.toks))
	}
	p.arena = append(p.arena, n)
	x := &p.arena[len(p.arena)-1]
	switch n.op {
	case opNeg:
		x.args = x.kids[:1]
	case opAdd, opSub, opMul, opDiv:
		x.args = x.kids[:2]
	case opRatio, opPct, opAbs:
		x.args = x.kids[:0]
	}
	return x, nil
}

// open enters a parenthesis at t, counting it against MaxDepth.
func (p *parser) open(t token) error {
	p.depth++
	if p.depth > MaxDepth {
		return &SyntaxError{Col: t.col, Msg: fmt.Sprintf("parentheses nest deeper than %d (MaxDepth)", MaxDepth)}
	}
	return nil
}

// expr parses a sum: term {(+|-) term}.
func (p *parser) expr() (*node, error) {
	return p.binary(1)
}

// binary parses operands of level+1 joined by operators of level: 1 for +
// and -, 2 for * and /; operators are left-associative.
func (p *parser) binary(level int) (*node, error) {
	operand := p.unary
	if level == 1 {
		operand = func() (*node, error) { return p.binary(2) }
	}
	left, err := operand()
	if err != nil {
		return nil, err
	}
	for {
		t := p.toks[p.pos]
		if t.kind != tOp {
			return left, nil
		}
		var o op
		switch {
		case level == 1 && t.text == "+":
			o = opAdd
		case level == 1 && t.text == "-":
			o = opSub
		case level == 2 && t.text == "*":
			o = opMul
		case level == 2 && t.text == "/":
			o = opDiv
		default:
			return left, nil
		}
		p.pos++
		right, err := operand()
		if err != nil {
			return nil, err
		}
		if left, err = p.newNode(t, node{op: o, kids: [2]*node{left, right}}); err != nil {
			return nil, err
		}
	}
}

// unary parses {-} primary.
func (p *parser) unary() (*node, error) {
	t := p.toks[p.pos]
	if t.kind == tOp && t.text == "-" {
		p.pos++
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return p.newNode(t, node{op: opNeg, kids: [2]*node{x}})
	}
	return p.primary()
}

// primary parses a number, a measure, a call or a parenthesized sum.
func (p *parser) primary() (*node, error) {
	t := p.toks[p.pos]
	switch t.kind {
	case tNum:
		p.pos++
		return p.newNode(t, node{op: opNum, num: t.num})
	case tName:
		p.pos++
		if p.toks[p.pos].kind == tLParen {
			return p.call(t)
		}
		return p.newNode(t, node{op: opVar, name: t.text})
	case tLParen:
		if err := p.open(t); err != nil {
			return nil, err
		}
		p.pos++
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		if c := p.toks[p.pos]; c.kind != tRParen {
			return nil, &SyntaxError{Col: c.col, Msg: fmt.Sprintf(`want ")" to close the "(" at column %d, got %s`, t.col, c.describe())}
		}
		p.pos++
		p.depth--
		return x, nil
	}
	if t.kind == tOp && t.text == "+" {
		return nil, &SyntaxError{Col: t.col, Msg: `unexpected "+": there is no unary plus; want a number, a measure, "(" or "-"`}
	}
	return nil, &SyntaxError{Col: t.col, Msg: "want a number, a measure, \"(\" or \"-\", got " + t.describe()}
}

// call parses the arguments of the function named by name; the current
// token is its "(".
func (p *parser) call(name token) (*node, error) {
	f, ok := funcs[name.text]
	if !ok {
		return nil, &SyntaxError{Col: name.col, Msg: fmt.Sprintf("unknown function %q; want sum, avg, min, max, ratio, pct or abs", name.text)}
	}
	lp := p.toks[p.pos]
	if err := p.open(lp); err != nil {
		return nil, err
	}
	p.pos++
	n, err := p.newNode(name, node{op: f.op})
	if err != nil {
		return nil, err
	}
	if p.toks[p.pos].kind == tRParen {
		return nil, &SyntaxError{Col: p.toks[p.pos].col, Msg: name.text + "() needs " + arity(f.arity) + ", got none"}
	}
	for {
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		n.args = append(n.args, x)
		c := p.toks[p.pos]
		if c.kind == tComma {
			p.pos++
			continue
		}
		if c.kind != tRParen {
			return nil, &SyntaxError{Col: c.col, Msg: fmt.Sprintf(`want "," or ")" to close the "(" at column %d, got %s`, lp.col, c.describe())}
		}
		if f.arity > 0 && len(n.args) != f.arity {
			return nil, &SyntaxError{Col: name.col, Msg: fmt.Sprintf("%s() needs %s, got %d", name.text, arity(f.arity), len(n.args))}
		}
		p.pos++
		p.depth--
		return n, nil
	}
}

// arity describes an argument count: -1 means one or more.
func arity(n int) string {
	switch n {
	case -1:
		return "one or more arguments"
	case 1:
		return "1 argument"
	}
	return strconv.Itoa(n) + " arguments"
}
