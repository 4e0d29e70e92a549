package listen

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/langtag"
)

// Limits of the query language, checked by Compile and Format.
const (
	// MaxQueryLen is the longest query text, in bytes.
	MaxQueryLen = 8192
	// MaxDepth is the deepest nesting of parentheses and NOTs.
	MaxDepth = 32
	// MaxNear is the largest distance of NEAR/n.
	MaxNear = 100
	// MaxTermLen is the longest term or phrase, in bytes.
	MaxTermLen = 256
	// MinPrefix is the fewest characters before a trailing "*".
	MinPrefix = 3
)

// maxNormLen is the longest normalized term internal/match takes: a few
// characters expand ("ﷺ" becomes 33 bytes).
const maxNormLen = 1000

// QuerySyntaxError is what Compile and Format return for a query they
// cannot read: where (Column) and why (Msg). errors.Is(err,
// cmkit.ErrInvalid) holds for it, and errors.As also finds a
// *cmkit.ValidationError with its Field and the rule "syntax".
type QuerySyntaxError struct {
	// Field names the query: "queries[3].query" from Compile, empty from
	// Format.
	Field string
	// Column is the 1-based position, in characters (not bytes), of what
	// is wrong; one past the last character when the query ends too soon.
	Column int
	// Msg says what is wrong.
	Msg string
}

// Error reads "listen: FIELD: column N: MSG", or "listen: column N: MSG"
// without a Field.
func (e *QuerySyntaxError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("listen: column %d: %s", e.Column, e.Msg)
	}
	return fmt.Sprintf("listen: %s: column %d: %s", e.Field, e.Column, e.Msg)
}

// Unwrap returns the *cmkit.ValidationError that the error also is (rule
// "syntax", field Field or else "query"), which wraps cmkit.ErrInvalid.
func (e *QuerySyntaxError) Unwrap() error {
	field := e.Field
	if field == "" {
		field = "query"
	}
	return cmkit.Invalid(field, "syntax", "column %d: %s", e.Column, e.Msg)
}

// Format parses query and returns its canonical form: operators in upper
// case, one space between tokens, AND written out, parentheses only where
// the precedence needs them, filter values in their canonical spelling
// ("platform:twitter" becomes "platform:x"). Formatting the result again
// gives it back unchanged. A query Compile would refuse is a
// *QuerySyntaxError.
func Format(query string) (string, error) {
	e, err := parse(query, "")
	if err != nil {
		return "", err
	}
	return e.String(), nil
}

// op is the kind of a node of a parsed query.
type op uint8

const (
	opTerm     op = iota // a word, or a prefix (wildcard)
	opPhrase             // a quoted phrase
	opLang               // lang:
	opPlatform           // platform:
	opChannel            // channel:
	opNot
	opAnd
	opOr
	opNear
)

// expr is a node of a parsed query.
type expr struct {
	op     op
	text   string // term or phrase as written; filter value, canonical
	prefix bool   // opTerm: a trailing "*"
	n      int    // opNear: the distance
	kids   []*expr
	col    int // column where the node starts
}

func (e *expr) atom() bool { return e.op == opTerm || e.op == opPhrase }

// nearOperand reports whether e may stand on a side of NEAR: a term, a
// phrase, or an OR of them.
func (e *expr) nearOperand() bool {
	if e.atom() {
		return true
	}
	if e.op != opOr {
		return false
	}
	for _, k := range e.kids {
		if !k.atom() {
			return false
		}
	}
	return true
}

var filterNames = map[string]op{"lang": opLang, "platform": opPlatform, "channel": opChannel}

func filterKey(o op) string {
	switch o {
	case opLang:
		return "lang"
	case opPlatform:
		return "platform"
	}
	return "channel"
}

// String returns the canonical text of e (see Format).
func (e *expr) String() string {
	var b strings.Builder
	e.write(&b)
	return b.String()
}

func (e *expr) write(b *strings.Builder) {
	switch e.op {
	case opTerm:
		b.WriteString(e.text)
		if e.prefix {
			b.WriteByte('*')
		}
	case opPhrase:
		b.WriteByte('"')
		b.WriteString(e.text)
		b.WriteByte('"')
	case opLang, opPlatform, opChannel:
		b.WriteString(filterKey(e.op))
		b.WriteByte(':')
		if strings.ContainsFunc(e.text, func(r rune) bool { return unicode.IsSpace(r) || r == '(' || r == ')' }) {
			b.WriteByte('"')
			b.WriteString(e.text)
			b.WriteByte('"')
		} else {
			b.WriteString(e.text)
		}
	case opNot:
		b.WriteString("NOT ")
		e.kids[0].writeWrapped(b, e.kids[0].op >= opAnd)
	case opAnd, opOr:
		sep := " AND "
		if e.op == opOr {
			sep = " OR "
		}
		for i, k := range e.kids {
			if i > 0 {
				b.WriteString(sep)
			}
			k.writeWrapped(b, k.op == opOr)
		}
	case opNear:
		e.kids[0].writeWrapped(b, e.kids[0].op == opOr)
		fmt.Fprintf(b, " NEAR/%d ", e.n)
		e.kids[1].writeWrapped(b, e.kids[1].op == opOr)
	}
}

func (e *expr) writeWrapped(b *strings.Builder, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	e.write(b)
	if paren {
		b.WriteByte(')')
	}
}

// Tokens.
type tokKind uint8

const (
	tEOF tokKind = iota
	tLParen
	tRParen
	tWord   // text; prefix
	tPhrase // text
	tFilter // op, text
	tAnd
	tOr
	tNot   // NOT
	tMinus // a "-" right before what it excludes
	tNear  // n
)

type token struct {
	kind   tokKind
	off    int // byte offset in the query
	text   string
	prefix bool
	op     op
	n      int
}

// parser reads one query. Errors are *QuerySyntaxError.
type parser struct {
	src   string
	field string
	pos   int   // next byte to lex
	tok   token // current token
	depth int
}

func (p *parser) column(off int) int { return utf8.RuneCountInString(p.src[:off]) + 1 }

func (p *parser) errAt(off int, format string, args ...any) error {
	return &QuerySyntaxError{Field: p.field, Column: p.column(off), Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) errCol(col int, format string, args ...any) error {
	return &QuerySyntaxError{Field: p.field, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// parse reads query; field names it in errors.
func parse(query, field string) (*expr, error) {
	p := &parser{src: query, field: field}
	if len(query) > MaxQueryLen {
		return nil, p.errCol(1, "the query is %d bytes long; the limit is %d", len(query), MaxQueryLen)
	}
	if !utf8.ValidString(query) {
		i := 0
		for i < len(query) {
			r, size := utf8.DecodeRuneInString(query[i:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			i += size
		}
		return nil, p.errAt(i, "invalid UTF-8")
	}
	if err := p.next(); err != nil {
		return nil, err
	}
	if p.tok.kind == tEOF {
		return nil, p.errCol(1, "empty query")
	}
	e, err := p.or()
	if err != nil {
		return nil, err
	}
	switch p.tok.kind {
	case tEOF:
	case tRParen:
		return nil, p.errAt(p.tok.off, `")" without "("`)
	default:
		return nil, p.errAt(p.tok.off, "unexpected %s", p.describe(p.tok))
	}
	if v := e.absent(); v != no {
		return nil, p.errCol(1, "the query can match a mention without any of its terms: "+
			"it needs a term or phrase that must be present (NOT and filters only narrow a query)")
	}
	return e, nil
}

func (p *parser) describe(t token) string {
	switch t.kind {
	case tEOF:
		return "end of query"
	case tLParen:
		return `"("`
	case tRParen:
		return `")"`
	case tAnd:
		return "AND"
	case tOr:
		return "OR"
	case tNot:
		return "NOT"
	case tMinus:
		return `"-"`
	case tNear:
		return fmt.Sprintf("NEAR/%d", t.n)
	}
	return strconv.Quote(p.src[t.off:p.pos])
}

// next lexes the next token into p.tok.
func (p *parser) next() error {
	src := p.src
	for p.pos < len(src) {
		r, size := utf8.DecodeRuneInString(src[p.pos:])
		if !unicode.IsSpace(r) {
			break
		}
		p.pos += size
	}
	start := p.pos
	p.tok = token{off: start}
	if start == len(src) {
		p.tok.kind = tEOF
		return nil
	}
	switch src[start] {
	case '(':
		p.pos++
		p.tok.kind = tLParen
		return nil
	case ')':
		p.pos++
		p.tok.kind = tRParen
		return nil
	case '"':
		text, err := p.quoted(start)
		if err != nil {
			return err
		}
		p.tok.kind, p.tok.text = tPhrase, text
		return nil
	case '-':
		p.pos++
		if p.pos == len(src) || src[p.pos] == ')' || startsSpace(src[p.pos:]) {
			return p.errAt(start, `"-" must be followed, without a space, by what it excludes`)
		}
		p.tok.kind = tMinus
		return nil
	}
	end := start
	for end < len(src) {
		c := src[end]
		if c == '(' || c == ')' || c == '"' || startsSpace(src[end:]) {
			break
		}
		_, size := utf8.DecodeRuneInString(src[end:])
		end += size
	}
	word := src[start:end]
	p.pos = end
	switch word {
	case "AND":
		p.tok.kind = tAnd
		return nil
	case "OR":
		p.tok.kind = tOr
		return nil
	case "NOT":
		p.tok.kind = tNot
		return nil
	case "NEAR":
		return p.errAt(start, "NEAR needs a distance, as in NEAR/3")
	}
	if d, ok := strings.CutPrefix(word, "NEAR/"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || d[0] == '+' || d[0] == '-' {
			return p.errAt(start, "NEAR/%s: the distance must be a whole number of words, as in NEAR/3", d)
		}
		if n > MaxNear {
			return p.errAt(start, "NEAR/%d: the largest distance is %d", n, MaxNear)
		}
		p.tok.kind, p.tok.n = tNear, n
		return nil
	}
	if k, v, ok := strings.Cut(word, ":"); ok && k != "" && isASCIILetters(k) {
		return p.filter(start, k, v)
	}
	text, prefix := word, false
	if strings.HasSuffix(text, "*") {
		text, prefix = text[:len(text)-1], true
	}
	if i := strings.IndexByte(text, '*'); i >= 0 {
		return p.errAt(start+i, `"*" is a wildcard only at the end of a word`)
	}
	p.tok.kind, p.tok.text, p.tok.prefix = tWord, text, prefix
	return nil
}

// quoted reads the text between the double quote at src[start] and the
// next one.
func (p *parser) quoted(start int) (string, error) {
	end := strings.IndexByte(p.src[start+1:], '"')
	if end < 0 {
		return "", p.errAt(start, `'"' without its closing '"'`)
	}
	p.pos = start + 1 + end + 1
	return p.src[start+1 : start+1+end], nil
}

// filter reads the filter key:v at start.
func (p *parser) filter(start int, key, v string) error {
	o, ok := filterNames[strings.ToLower(key)]
	if !ok {
		return p.errAt(start, `unknown filter %q: use lang:, platform: or channel: (quote text that has a colon: "%s:%s")`, key, key, v)
	}
	if v == "" && p.pos < len(p.src) && p.src[p.pos] == '"' {
		q, err := p.quoted(p.pos)
		if err != nil {
			return err
		}
		v = q
	}
	valueAt := start + len(key) + 1
	switch o {
	case opLang:
		v = strings.ToLower(v)
		if !langtag.Valid(v) {
			return p.errAt(valueAt, "lang:%s: not a language tag such as es, pl or es-MX", v)
		}
	case opPlatform:
		pl, err := cmkit.ParsePlatform(v)
		if err != nil {
			return p.errAt(valueAt, "platform:%s: not a platform name such as x, mastodon or bluesky", v)
		}
		v = string(pl)
	case opChannel:
		if v == "" || len(v) > MaxTermLen {
			return p.errAt(valueAt, "channel: needs a channel ID of 1 to %d bytes", MaxTermLen)
		}
	}
	p.tok.kind, p.tok.op, p.tok.text = tFilter, o, v
	return nil
}

func startsSpace(s string) bool {
	if s[0] < utf8.RuneSelf {
		return asciiSpace[s[0]]
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

var asciiSpace = [utf8.RuneSelf]bool{' ': true, '\t': true, '\n': true, '\v': true, '\f': true, '\r': true}

func isASCIILetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// or := and { OR and }
func (p *parser) or() (*expr, error) {
	first, err := p.and()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tOr {
		return first, nil
	}
	e := &expr{op: opOr, col: first.col}
	e.add(first)
	for p.tok.kind == tOr {
		opTok := p.tok
		if err := p.next(); err != nil {
			return nil, err
		}
		k, err := p.operand(opTok, p.and)
		if err != nil {
			return nil, err
		}
		e.add(k)
	}
	return e, nil
}

// and := near { [AND] near }: juxtaposed operands are ANDed.
func (p *parser) and() (*expr, error) {
	first, err := p.near()
	if err != nil {
		return nil, err
	}
	var e *expr
	for {
		opTok := p.tok
		switch opTok.kind {
		case tAnd:
			if err := p.next(); err != nil {
				return nil, err
			}
		case tWord, tPhrase, tFilter, tLParen, tNot, tMinus:
			opTok.kind = tEOF // implicit
		default:
			if e == nil {
				return first, nil
			}
			return e, nil
		}
		k, err := p.operand(opTok, p.near)
		if err != nil {
			return nil, err
		}
		if e == nil {
			e = &expr{op: opAnd, col: first.col}
			e.add(first)
		}
		e.add(k)
	}
}

// add appends k to the kids of e, flattening an operand of the same
// operator ("(a b) c" is "a b c").
func (e *expr) add(k *expr) {
	if k.op == e.op {
		e.kids = append(e.kids, k.kids...)
		return
	}
	e.kids = append(e.kids, k)
}

// operand parses with f what follows the operator opTok (an implicit AND
// when its kind is tEOF), with an error that names the operator when
// nothing does.
func (p *parser) operand(opTok token, f func() (*expr, error)) (*expr, error) {
	switch p.tok.kind {
	case tEOF, tRParen, tAnd, tOr, tNear:
		if opTok.kind == tEOF {
			return nil, p.errAt(p.tok.off, "%s needs a term before it", p.describe(p.tok))
		}
		if p.tok.kind == tEOF || p.tok.kind == tRParen {
			return nil, p.errAt(opTok.off, "%s needs a term after it", p.describe(opTok))
		}
		return nil, p.errAt(p.tok.off, "%s cannot follow %s", p.describe(p.tok), p.describe(opTok))
	}
	return f()
}

// near := unary [ NEAR/n unary ]
func (p *parser) near() (*expr, error) {
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tNear {
		return left, nil
	}
	opTok := p.tok
	if err := p.next(); err != nil {
		return nil, err
	}
	right, err := p.operand(opTok, p.unary)
	if err != nil {
		return nil, err
	}
	for _, side := range []*expr{left, right} {
		if !side.nearOperand() {
			return nil, p.errCol(side.col, "NEAR/%d joins words and phrases, or ORs of them in parentheses", opTok.n)
		}
	}
	if p.tok.kind == tNear {
		return nil, p.errAt(p.tok.off, "%s cannot follow NEAR/%d: a NEAR joins words and phrases only", p.describe(p.tok), opTok.n)
	}
	return &expr{op: opNear, n: opTok.n, kids: []*expr{left, right}, col: left.col}, nil
}

// unary := (NOT | "-") unary | primary
func (p *parser) unary() (*expr, error) {
	if p.tok.kind != tNot && p.tok.kind != tMinus {
		return p.primary()
	}
	opTok := p.tok
	if err := p.deeper(opTok.off); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	if err := p.next(); err != nil {
		return nil, err
	}
	k, err := p.operand(opTok, p.unary)
	if err != nil {
		return nil, err
	}
	return &expr{op: opNot, kids: []*expr{k}, col: p.column(opTok.off)}, nil
}

func (p *parser) deeper(off int) error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errAt(off, "nested more than %d levels deep", MaxDepth)
	}
	return nil
}

// primary := word | phrase | filter | "(" or ")"
func (p *parser) primary() (*expr, error) {
	t := p.tok
	col := p.column(t.off)
	switch t.kind {
	case tWord, tPhrase:
		if err := p.checkAtom(t); err != nil {
			return nil, err
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		o := opTerm
		if t.kind == tPhrase {
			o = opPhrase
		}
		return &expr{op: o, text: t.text, prefix: t.prefix, col: col}, nil
	case tFilter:
		if err := p.next(); err != nil {
			return nil, err
		}
		return &expr{op: t.op, text: t.text, col: col}, nil
	case tLParen:
		if err := p.deeper(t.off); err != nil {
			return nil, err
		}
		if err := p.next(); err != nil {
			return nil, err
		}
		if p.tok.kind == tRParen {
			return nil, p.errAt(t.off, "empty parentheses")
		}
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.tok.kind != tRParen {
			if p.tok.kind == tEOF {
				return nil, p.errAt(t.off, `"(" without ")"`)
			}
			return nil, p.errAt(p.tok.off, "unexpected %s", p.describe(p.tok))
		}
		p.depth--
		if err := p.next(); err != nil {
			return nil, err
		}
		e.col = col
		return e, nil
	}
	if t.kind == tRParen {
		return nil, p.errAt(t.off, `")" without "("`)
	}
	if t.kind == tEOF {
		return nil, p.errAt(t.off, "the query ends where a term is expected")
	}
	return nil, p.errAt(t.off, "%s needs a term before it", p.describe(t))
}

// checkAtom checks the term or phrase t: its length, and that it
// normalizes to text with a letter or a digit (with enough of them before
// a wildcard).
func (p *parser) checkAtom(t token) error {
	what := "a term"
	if t.kind == tPhrase {
		what = "a phrase"
	}
	if len(t.text) > MaxTermLen {
		return p.errAt(t.off, "%s is %d bytes long; the limit is %d", what, len(t.text), MaxTermLen)
	}
	norm := plain.String(t.text)
	if len(norm) > maxNormLen {
		return p.errAt(t.off, "%s normalizes to %d bytes; the limit is %d", what, len(norm), maxNormLen)
	}
	if !hasWord(norm) {
		if t.kind == tPhrase && strings.TrimSpace(norm) == "" {
			return p.errAt(t.off, "empty phrase")
		}
		return p.errAt(t.off, "%s needs a letter or a digit", what)
	}
	if t.prefix {
		r, _ := utf8.DecodeLastRuneInString(norm)
		if wordRunes(norm) < MinPrefix || !isWordRune(r) {
			return p.errAt(t.off, `a wildcard needs at least %d letters or digits before "*"`, MinPrefix)
		}
	}
	return nil
}

// ternary is a truth value that may be unknown.
type ternary uint8

const (
	no ternary = iota
	yes
	maybe
)

// absent evaluates e on a mention that has none of its terms and phrases,
// with every filter unknown (Kleene's three-valued logic). A query for
// which it is not no could match such a mention.
func (e *expr) absent() ternary {
	switch e.op {
	case opTerm, opPhrase, opNear:
		return no
	case opLang, opPlatform, opChannel:
		return maybe
	case opNot:
		switch e.kids[0].absent() {
		case no:
			return yes
		case yes:
			return no
		}
		return maybe
	case opAnd:
		v := yes
		for _, k := range e.kids {
			switch k.absent() {
			case no:
				return no
			case maybe:
				v = maybe
			}
		}
		return v
	}
	v := no // opOr
	for _, k := range e.kids {
		switch k.absent() {
		case yes:
			return yes
		case maybe:
			v = maybe
		}
	}
	return v
}
