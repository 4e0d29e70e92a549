package moderation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/jsontok"
	"github.com/cmkit/cmkit/internal/langtag"
	"github.com/cmkit/cmkit/internal/textnorm"
)

// The limits ParseRules and Compile enforce.
const (
	maxDepth       = 32      // nesting of all/any/not
	maxRegex       = 1000    // bytes of one pattern
	maxTermBytes   = 1000    // bytes of one term
	maxTerms       = 1 << 20 // terms of one engine
	maxReplyBytes  = 5000    // bytes of one reply template
	maxWaveAuthors = 64
	maxWaveWindow  = 7 * 24 * 60 * 60 * 1e9 // 7 days, in nanoseconds
)

// ParseRules reads a RuleSet from its JSON form. The JSON is read
// strictly: a key that is not a field (field names are case-sensitive), a
// key given twice, a value of the wrong type or data after the set is
// refused. The set is then validated (see RuleSet.Validate). Every error
// wraps cmkit.ErrInvalid, and its *cmkit.ValidationError names the
// offending field as a path such as "rules[3].when.any[1].lexicon".
func ParseRules(data []byte) (RuleSet, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := walkJSON(dec, reflect.TypeOf(RuleSet{}), "", 0); err != nil {
		return RuleSet{}, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return RuleSet{}, cmkit.Invalid("rules", "json", "data after the rule set")
	}
	var s RuleSet
	if err := json.Unmarshal(data, &s); err != nil {
		// walkJSON has checked keys and kinds; what is left is a number out
		// of range or a bad duration.
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return RuleSet{}, cmkit.Invalid(orSet(te.Field), "type", "%s where %s belongs", te.Value, te.Type)
		}
		return RuleSet{}, cmkit.Invalid("rules", "json", "%v", err)
	}
	s.canonical()
	if err := s.Validate(); err != nil {
		return RuleSet{}, err
	}
	return s, nil
}

// ReadRules is ParseRules for a reader; it reads at most 16 MiB.
func ReadRules(r io.Reader) (RuleSet, error) {
	data, err := io.ReadAll(io.LimitReader(r, 16<<20+1))
	if err != nil {
		return RuleSet{}, err
	}
	if len(data) > 16<<20 {
		return RuleSet{}, cmkit.Invalid("rules", "max_length", "more than 16 MiB")
	}
	return ParseRules(data)
}

var durationType = reflect.TypeOf(Duration(0))

// walkJSON reads one JSON value from dec and checks it against the Go type
// t: object keys against the json tags of t (exactly, no case folding),
// each key once, and the kind of each value.
func walkJSON(dec *json.Decoder, t reflect.Type, path string, depth int) error {
	if depth > 3*maxDepth+8 {
		return cmkit.Invalid(orSet(path), "depth", "nested deeper than %d conditions", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return cmkit.Invalid(orSet(path), "json", "%v", err)
	}
	for t.Kind() == reflect.Pointer {
		if tok == nil {
			return nil
		}
		t = t.Elem()
	}
	want := func(what string) error {
		return cmkit.Invalid(orSet(path), "type", "%s where %s belongs", jsontok.Describe(tok), what)
	}
	if tok == nil {
		switch t.Kind() {
		case reflect.Slice, reflect.Map:
			return nil
		}
		return want(kindName(t))
	}
	if t == durationType {
		if _, ok := tok.(string); !ok {
			return want("a duration string")
		}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if tok != json.Delim('{') {
			return want("an object")
		}
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return cmkit.Invalid(orSet(path), "json", "%v", err)
			}
			key := kt.(string)
			p := key
			if path != "" {
				p = path + "." + key
			}
			f, ok := fieldByTag(t, key)
			if !ok {
				return cmkit.Invalid(p, "unknown", "not a field of %s", typeName(t))
			}
			if seen[key] {
				return cmkit.Invalid(p, "duplicate", "the key is given twice")
			}
			seen[key] = true
			if err := walkJSON(dec, f.Type, p, depth+1); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		if err != nil {
			return cmkit.Invalid(orSet(path), "json", "%v", err)
		}
	case reflect.Map:
		if tok != json.Delim('{') {
			return want("an object")
		}
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return cmkit.Invalid(orSet(path), "json", "%v", err)
			}
			key := kt.(string)
			p := fmt.Sprintf("%s[%q]", path, key)
			if seen[key] {
				return cmkit.Invalid(p, "duplicate", "the key is given twice")
			}
			seen[key] = true
			if err := walkJSON(dec, t.Elem(), p, depth+1); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return cmkit.Invalid(orSet(path), "json", "%v", err)
		}
	case reflect.Slice:
		if tok != json.Delim('[') {
			return want("a list")
		}
		for i := 0; dec.More(); i++ {
			if err := walkJSON(dec, t.Elem(), fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return cmkit.Invalid(orSet(path), "json", "%v", err)
		}
	case reflect.String:
		if _, ok := tok.(string); !ok {
			return want("a string")
		}
	case reflect.Bool:
		if _, ok := tok.(bool); !ok {
			return want("true or false")
		}
	case reflect.Int:
		n, ok := tok.(json.Number)
		if !ok {
			return want("an integer")
		}
		if _, err := n.Int64(); err != nil {
			return want("an integer")
		}
	case reflect.Float64:
		n, ok := tok.(json.Number)
		if !ok {
			return want("a number")
		}
		if f, err := n.Float64(); err != nil || math.IsInf(f, 0) {
			return want("a number")
		}
	default:
		return want(kindName(t))
	}
	return nil
}

func fieldByTag(t reflect.Type, key string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

func typeName(t reflect.Type) string {
	switch t {
	case reflect.TypeOf(RuleSet{}):
		return "a rule set"
	case reflect.TypeOf(ModRule{}):
		return "a rule"
	case reflect.TypeOf(Cond{}):
		return "a condition"
	case reflect.TypeOf(Actions{}):
		return "the actions"
	}
	return "the " + strings.ToLower(t.Name())
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int:
		return "an integer"
	}
	return "a number"
}

func orSet(path string) string {
	if path == "" {
		return "rules"
	}
	return path
}

// canonical writes empty lists and maps as nil, so that a set read from
// JSON equals the same set written and read again.
func (s *RuleSet) canonical() {
	s.Builtin = nilIfEmpty(s.Builtin)
	s.Lexicons = nilIfEmpty(s.Lexicons)
	for i := range s.Lexicons {
		s.Lexicons[i].Terms = nilIfEmpty(s.Lexicons[i].Terms)
	}
	s.AuthorLists = nilIfEmpty(s.AuthorLists)
	for i := range s.AuthorLists {
		s.AuthorLists[i].Authors = nilIfEmpty(s.AuthorLists[i].Authors)
	}
	s.Rules = nilIfEmpty(s.Rules)
	for i := range s.Rules {
		r := &s.Rules[i]
		r.When.canonical()
		r.Then.Flag = nilIfEmpty(r.Then.Flag)
		if len(r.Then.Reply) == 0 {
			r.Then.Reply = nil
		}
	}
}

func (c *Cond) canonical() {
	c.All = nilIfEmpty(c.All)
	c.Any = nilIfEmpty(c.Any)
	for i := range c.All {
		c.All[i].canonical()
	}
	for i := range c.Any {
		c.Any[i].canonical()
	}
	if c.Not != nil {
		c.Not.canonical()
	}
	c.Terms = nilIfEmpty(c.Terms)
	c.Kinds = nilIfEmpty(c.Kinds)
	c.Platforms = nilIfEmpty(c.Platforms)
	c.Channels = nilIfEmpty(c.Channels)
	c.Languages = nilIfEmpty(c.Languages)
	c.SentimentLabels = nilIfEmpty(c.SentimentLabels)
	c.Domains = nilIfEmpty(c.Domains)
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

// Validate reports the first problem of s as a *cmkit.ValidationError
// (wrapping cmkit.ErrInvalid) whose field is a path into the JSON form
// ("rules[3].when.any[1].lexicon") and whose detail names the rule by its
// ID. A condition may name the set's lexicons and the built-in ones it
// includes; Compile also accepts the lexicons given with WithLexicons.
func (s RuleSet) Validate() error {
	return s.validate(nil)
}

// lexiconInfo is what validation needs to know about the lexicons a set
// can name: for each name, its normalized terms.
type lexiconInfo map[string]map[string]bool

var matchNorm = textnorm.New(matchOptions)

func (s RuleSet) lexicons(extra []TermList) (lexiconInfo, error) {
	info := lexiconInfo{}
	add := func(l TermList) {
		m := info[l.Name]
		if m == nil {
			m = map[string]bool{}
			info[l.Name] = m
		}
		for _, t := range l.Terms {
			m[matchNorm.String(t)] = true
		}
	}
	for i, name := range s.Builtin {
		lists, ok := builtinByName(name)
		if !ok {
			return nil, cmkit.Invalid(fmt.Sprintf("builtin[%d]", i), "unknown", "no built-in lexicon %q (there are %s)", name, strings.Join(BuiltinNames(), ", "))
		}
		for _, l := range lists {
			add(l)
		}
	}
	type key struct{ name, lang string }
	seen := map[key]int{}
	nterms := 0
	for i, l := range s.Lexicons {
		p := fmt.Sprintf("lexicons[%d]", i)
		if err := checkName(p+".name", l.Name); err != nil {
			return nil, err
		}
		if l.Lang != "" && !langtag.Valid(l.Lang) {
			return nil, cmkit.Invalid(p+".lang", "format", "lexicon %q: %q is not a language tag such as \"es\" or \"pt-BR\"", l.Name, l.Lang)
		}
		k := key{l.Name, strings.ToLower(l.Lang)}
		if j, ok := seen[k]; ok {
			return nil, cmkit.Invalid(p, "duplicate", "lexicon %q for language %q is also lexicons[%d]", l.Name, l.Lang, j)
		}
		seen[k] = i
		if len(l.Terms) == 0 {
			return nil, cmkit.Invalid(p+".terms", "required", "lexicon %q has no terms", l.Name)
		}
		for j, t := range l.Terms {
			if len(t) > maxTermBytes {
				return nil, cmkit.Invalid(fmt.Sprintf("%s.terms[%d]", p, j), "max_length", "lexicon %q: %d bytes, limit %d", l.Name, len(t), maxTermBytes)
			}
			if strings.TrimSpace(matchNorm.String(t)) == "" {
				return nil, cmkit.Invalid(fmt.Sprintf("%s.terms[%d]", p, j), "required", "lexicon %q: %q has no letters or digits to match", l.Name, t)
			}
		}
		nterms += len(l.Terms)
		if nterms > maxTerms {
			return nil, cmkit.Invalid(p+".terms", "max_length", "more than %d terms in all", maxTerms)
		}
		add(l)
	}
	for _, l := range extra {
		add(l)
	}
	return info, nil
}

func (s RuleSet) validate(extra []TermList) error {
	lex, err := s.lexicons(extra)
	if err != nil {
		return err
	}
	authors := map[string]bool{}
	for i, a := range s.AuthorLists {
		p := fmt.Sprintf("author_lists[%d]", i)
		if err := checkName(p+".name", a.Name); err != nil {
			return err
		}
		if authors[a.Name] {
			return cmkit.Invalid(p+".name", "duplicate", "author list %q is given twice", a.Name)
		}
		authors[a.Name] = true
		for j, id := range a.Authors {
			if id == "" || id == "@" {
				return cmkit.Invalid(fmt.Sprintf("%s.authors[%d]", p, j), "required", "author list %q: an empty author", a.Name)
			}
		}
	}
	ids := map[string]int{}
	for i, r := range s.Rules {
		p := fmt.Sprintf("rules[%d]", i)
		if err := checkName(p+".id", r.ID); err != nil {
			return err
		}
		if j, ok := ids[r.ID]; ok {
			return cmkit.Invalid(p+".id", "duplicate", "rule %q is also rules[%d]", r.ID, j)
		}
		ids[r.ID] = i
		v := validator{rule: r.ID, lex: lex, authors: authors}
		if err := v.cond(&r.When, p+".when", 0); err != nil {
			return err
		}
		if err := v.actions(&r.Then, p+".then"); err != nil {
			return err
		}
	}
	return nil
}

type validator struct {
	rule    string
	lex     lexiconInfo
	authors map[string]bool
}

func (v *validator) fail(field, rule, format string, args ...any) error {
	return cmkit.Invalid(field, rule, "rule %q: %s", v.rule, fmt.Sprintf(format, args...))
}

func (v *validator) cond(c *Cond, p string, depth int) error {
	if depth > maxDepth {
		return v.fail(p, "depth", "conditions nested deeper than %d", maxDepth)
	}
	if c.empty() {
		return v.fail(p, "required", "an empty condition (set at least one test)")
	}
	for i := range c.All {
		if err := v.cond(&c.All[i], fmt.Sprintf("%s.all[%d]", p, i), depth+1); err != nil {
			return err
		}
	}
	for i := range c.Any {
		if err := v.cond(&c.Any[i], fmt.Sprintf("%s.any[%d]", p, i), depth+1); err != nil {
			return err
		}
	}
	if c.Not != nil {
		if err := v.cond(c.Not, p+".not", depth+1); err != nil {
			return err
		}
	}
	if c.Lexicon != "" {
		terms, ok := v.lex[c.Lexicon]
		if !ok {
			return v.fail(p+".lexicon", "unknown", "no lexicon %q", c.Lexicon)
		}
		if c.MinHits < 0 {
			return v.fail(p+".min_hits", "range", "%d is negative", c.MinHits)
		}
		for i, t := range c.Terms {
			if !terms[matchNorm.String(t)] {
				return v.fail(fmt.Sprintf("%s.terms[%d]", p, i), "unknown", "lexicon %q has no term %q", c.Lexicon, t)
			}
		}
	} else {
		if c.MinHits != 0 {
			return v.fail(p+".min_hits", "requires", "min_hits needs a lexicon")
		}
		if c.Terms != nil {
			return v.fail(p+".terms", "requires", "terms needs a lexicon")
		}
	}
	if c.Regex != "" {
		if len(c.Regex) > maxRegex {
			return v.fail(p+".regex", "max_length", "%d bytes, limit %d", len(c.Regex), maxRegex)
		}
		if _, err := regexp.Compile(c.Regex); err != nil {
			var se *syntax.Error
			if errors.As(err, &se) {
				return v.fail(p+".regex", "format", "%s: %q", se.Code, se.Expr)
			}
			return v.fail(p+".regex", "format", "%v", err)
		}
	} else if c.Normalized {
		return v.fail(p+".normalized", "requires", "normalized needs a regex")
	}
	if err := v.rng(c.Followers, p+".followers", 0, math.MaxFloat64); err != nil {
		return err
	}
	if err := v.rng(c.AccountAgeDays, p+".account_age_days", 0, math.MaxFloat64); err != nil {
		return err
	}
	if c.AuthorList != "" && !v.authors[c.AuthorList] {
		return v.fail(p+".author_list", "unknown", "no author list %q", c.AuthorList)
	}
	for i, k := range c.Kinds {
		switch k {
		case cmkit.KindComment, cmkit.KindReply, cmkit.KindMention, cmkit.KindDirectMessage, cmkit.KindReview:
		default:
			return v.fail(fmt.Sprintf("%s.kinds[%d]", p, i), "unknown", "no mention kind %q", k)
		}
	}
	for i, pl := range c.Platforms {
		if err := pl.Validate(); err != nil {
			return v.fail(fmt.Sprintf("%s.platforms[%d]", p, i), "format", "%q is not a platform", pl)
		}
	}
	for i, ch := range c.Channels {
		if ch == "" {
			return v.fail(fmt.Sprintf("%s.channels[%d]", p, i), "required", "an empty channel ID")
		}
	}
	for i, l := range c.Languages {
		if !langtag.Valid(l) {
			return v.fail(fmt.Sprintf("%s.languages[%d]", p, i), "format", "%q is not a language tag such as \"es\"", l)
		}
	}
	if err := v.rng(c.Sentiment, p+".sentiment", -1, 1); err != nil {
		return err
	}
	for i, l := range c.SentimentLabels {
		switch l {
		case "negative", "neutral", "positive":
		default:
			return v.fail(fmt.Sprintf("%s.sentiment_labels[%d]", p, i), "unknown", "%q is not negative, neutral or positive", l)
		}
	}
	if err := v.rng(c.Links, p+".links", 0, math.MaxFloat64); err != nil {
		return err
	}
	for i, d := range c.Domains {
		if !validDomain(d) {
			return v.fail(fmt.Sprintf("%s.domains[%d]", p, i), "format", "%q is not a domain such as \"acme.com\"", d)
		}
	}
	if err := v.rng(c.CapsRatio, p+".caps_ratio", 0, 1); err != nil {
		return err
	}
	if err := v.rng(c.Emoji, p+".emoji", 0, math.MaxFloat64); err != nil {
		return err
	}
	if err := v.rng(c.Length, p+".length", 0, math.MaxFloat64); err != nil {
		return err
	}
	if w := c.Wave; w != nil {
		p := p + ".wave"
		if w.Within <= 0 || w.Within > maxWaveWindow {
			return v.fail(p+".within", "range", "the window must be more than 0 and at most 7 days")
		}
		if w.MinCount < 2 {
			return v.fail(p+".min_count", "range", "a wave needs min_count of at least 2")
		}
		if w.MinAuthors < 0 || w.MinAuthors > maxWaveAuthors {
			return v.fail(p+".min_authors", "range", "min_authors must be from 0 to %d", maxWaveAuthors)
		}
		if w.SameAuthor && w.MinAuthors > 1 {
			return v.fail(p+".min_authors", "conflict", "same_author counts one author")
		}
		if d := w.Distance; d != nil && (*d < 0 || *d > MaxWaveDistance) {
			return v.fail(p+".distance", "range", "distance must be from 0 to %d", MaxWaveDistance)
		}
	}
	return nil
}

func (v *validator) rng(r *Range, p string, lo, hi float64) error {
	if r == nil {
		return nil
	}
	check := func(x *float64, name string) error {
		if x != nil && (math.IsNaN(*x) || *x < lo || *x > hi) {
			return v.fail(p+"."+name, "range", "%v is outside [%v, %v]", *x, lo, hi)
		}
		return nil
	}
	if err := check(r.Min, "min"); err != nil {
		return err
	}
	if err := check(r.Max, "max"); err != nil {
		return err
	}
	if r.Min == nil && r.Max == nil {
		return v.fail(p, "required", "a range needs min, max or both")
	}
	if r.Min != nil && r.Max != nil && *r.Min > *r.Max {
		return v.fail(p, "range", "min %v is above max %v", *r.Min, *r.Max)
	}
	return nil
}

// placeholder finds "{name}" in reply templates.
var placeholder = regexp.MustCompile(`\{([^{}]*)\}`)

func (v *validator) actions(a *Actions, p string) error {
	if !a.Hide && !a.Delete && !a.Hold && a.Flag == nil && a.Priority == 0 && a.Queue == "" && !a.Support &&
		a.Reply == nil && !a.OpinionLeader && !a.Crisis && !a.Stop {
		return v.fail(p, "required", "a rule needs at least one action")
	}
	for i, f := range a.Flag {
		if f == "" || len(f) > 64 {
			return v.fail(fmt.Sprintf("%s.flag[%d]", p, i), "format", "a flag is 1 to 64 bytes")
		}
	}
	if a.Priority < 0 || a.Priority > 1000 {
		return v.fail(p+".priority", "range", "%d is outside 0..1000", a.Priority)
	}
	if len(a.Queue) > 64 {
		return v.fail(p+".queue", "max_length", "a queue name is at most 64 bytes")
	}
	for lang, tpl := range a.Reply {
		q := fmt.Sprintf("%s.reply[%q]", p, lang)
		if lang != "*" && !langtag.Valid(lang) {
			return v.fail(q, "format", "%q is neither \"*\" nor a language tag", lang)
		}
		if tpl == "" || len(tpl) > maxReplyBytes {
			return v.fail(q, "format", "a template is 1 to %d bytes", maxReplyBytes)
		}
		for _, m := range placeholder.FindAllStringSubmatch(tpl, -1) {
			switch name := m[1]; {
			case name == "author", name == "name":
			case v.lex[name] != nil:
			default:
				return v.fail(q, "unknown", "placeholder {%s} is neither {author}, {name} nor a lexicon", name)
			}
		}
	}
	return nil
}

func (c *Cond) empty() bool {
	return c.All == nil && c.Any == nil && c.Not == nil && c.Lexicon == "" && c.MinHits == 0 && c.Terms == nil &&
		c.Regex == "" && !c.Normalized && c.Followers == nil && c.Verified == nil && c.AccountAgeDays == nil &&
		c.FirstTime == nil && c.AuthorList == "" && c.Kinds == nil && c.Platforms == nil && c.Channels == nil &&
		c.Languages == nil && c.Sentiment == nil && c.SentimentLabels == nil && c.Links == nil && c.Domains == nil &&
		c.Shortened == nil && c.CapsRatio == nil && c.Emoji == nil && c.Length == nil && c.Wave == nil
}

func checkName(p, s string) error {
	if s == "" {
		return cmkit.Invalid(p, "required", "a name is required")
	}
	if len(s) > 64 {
		return cmkit.Invalid(p, "max_length", "%q is longer than 64 bytes", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return cmkit.Invalid(p, "format", "%q: use letters, digits, '.', '_' and '-'", s)
		}
	}
	return nil
}

func validDomain(s string) bool {
	if len(s) < 3 || len(s) > 253 || !strings.Contains(s, ".") || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}
