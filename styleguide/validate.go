package styleguide

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/langtag"
	"github.com/cmkit/cmkit/internal/textnorm"
)

// params lists, per kind, the parameter fields a rule may set (by JSON
// name); the first group is required: at least one of its fields must be
// set.
var params = map[RuleKind]struct{ required, optional []string }{
	KindBanned:         {[]string{"terms"}, []string{"match_case", "match_accents", "inside_words", "evasions"}},
	KindSubstitution:   {[]string{"replace"}, []string{"match_case", "match_accents", "inside_words"}},
	KindConditional:    {[]string{"when"}, []string{"require"}},
	KindCount:          {[]string{"count"}, []string{"max"}},
	KindHashtags:       {[]string{"terms", "max", "camel_case"}, []string{"words", "max_lower"}},
	KindConsistency:    {[]string{"variants"}, nil},
	KindRepetition:     {nil, []string{"exceptions"}},
	KindCapitalization: {[]string{"terms", "headline"}, nil},
	KindVoice:          {nil, []string{"aspect", "exceptions"}},
	KindCrisis:         {[]string{"terms", "laughter", "emoji"}, []string{"evasions"}},
	KindReadability:    {[]string{"min_score", "max_score"}, []string{"formula", "min_words"}},
	KindPlatform:       {nil, nil},
	KindSpelling:       {nil, []string{"exceptions", "suggestions"}},
}

// setParams returns the JSON names of r's parameter fields that are set.
func (r *StyleRule) setParams() []string {
	var s []string
	add := func(name string, set bool) {
		if set {
			s = append(s, name)
		}
	}
	add("terms", len(r.Terms) > 0)
	add("match_case", r.MatchCase)
	add("match_accents", r.MatchAccents)
	add("inside_words", r.InsideWords)
	add("evasions", r.Evasions)
	add("replace", len(r.Replace) > 0)
	add("variants", len(r.Variants) > 0)
	add("exceptions", len(r.Exceptions) > 0)
	add("when", r.When != nil)
	add("require", r.Require != nil)
	add("count", r.Count != "")
	add("max", r.Max != 0)
	add("headline", r.Headline != "")
	add("camel_case", r.CamelCase)
	add("words", len(r.Words) > 0)
	add("max_lower", r.MaxLower != 0)
	add("aspect", r.Aspect != "")
	add("laughter", r.Laughter)
	add("emoji", r.Emoji)
	add("formula", r.Formula != "")
	add("min_score", r.MinScore != nil)
	add("max_score", r.MaxScore != nil)
	add("min_words", r.MinWords != 0)
	add("suggestions", r.Suggestions != 0)
	return s
}

// Validate reports the first thing wrong with the layer as a
// *cmkit.ValidationError whose Field is a path into the JSON form
// ("rules[3].replace[0].use", "settings.address.es", "disable[1]"). It
// checks every rule (see StyleRule.Validate), that rule IDs are unique in
// the layer and that Disable names valid IDs.
func (l *Layer) Validate() error {
	if len(l.Name) > 200 {
		return cmkit.Invalid("name", "max_length", "%d bytes, limit 200", len(l.Name))
	}
	if err := l.Settings.validate(); err != nil {
		return err
	}
	seen := make(map[string]int, len(l.Rules))
	for i := range l.Rules {
		r := &l.Rules[i]
		if err := r.validate(fmt.Sprintf("rules[%d]", i)); err != nil {
			return err
		}
		if j, ok := seen[r.ID]; ok {
			return cmkit.Invalid(fmt.Sprintf("rules[%d].id", i), "duplicate", "%q is also rules[%d]", r.ID, j)
		}
		seen[r.ID] = i
	}
	for i, id := range l.Disable {
		if err := validID(id); err != "" {
			return cmkit.Invalid(fmt.Sprintf("disable[%d]", i), "format", "%s", err)
		}
	}
	return nil
}

func (s *Settings) validate() error {
	switch s.Person {
	case "", PersonWe:
	default:
		return cmkit.Invalid("settings.person", "unknown", "%q: use %q or leave it out", s.Person, PersonWe)
	}
	for lang, a := range s.Address {
		if !langtag.Valid(lang) {
			return cmkit.Invalid("settings.address."+lang, "format", "not a language tag")
		}
		if a != AddressFormal && a != AddressInformal {
			return cmkit.Invalid("settings.address."+lang, "unknown", "%q: use %q or %q", a, AddressFormal, AddressInformal)
		}
	}
	for i, w := range s.Accept {
		if strings.TrimSpace(w) == "" || len(w) > 100 {
			return cmkit.Invalid(fmt.Sprintf("settings.accept[%d]", i), "format", "a word of 1 to 100 bytes")
		}
	}
	return nil
}

// Validate reports the first thing wrong with the rule as a
// *cmkit.ValidationError whose Field is the JSON name of the offending
// field ("replace[0].use"): a missing or malformed ID, an unknown kind or
// severity, a parameter the kind does not read or a required one missing,
// an empty or malformed term, a bad scope.
func (r *StyleRule) Validate() error { return r.validate("") }

func (r *StyleRule) validate(path string) error {
	f := func(name string) string {
		if path == "" {
			return name
		}
		return path + "." + name
	}
	if msg := validID(r.ID); msg != "" {
		return cmkit.Invalid(f("id"), "format", "%s", msg)
	}
	p, ok := params[r.Kind]
	if !ok {
		return cmkit.Invalid(f("kind"), "unknown", "%q is not a rule kind", r.Kind)
	}
	switch r.Severity {
	case "", SeveritySuggestion, SeverityWarning, SeverityError:
	default:
		return cmkit.Invalid(f("severity"), "unknown", "%q: use suggestion, warning or error", r.Severity)
	}
	if len(r.Message) > 1000 {
		return cmkit.Invalid(f("message"), "max_length", "%d bytes, limit 1000", len(r.Message))
	}
	for lang, m := range r.Messages {
		if !langtag.Valid(lang) {
			return cmkit.Invalid(f("messages."+lang), "format", "not a language tag")
		}
		if m == "" || len(m) > 1000 {
			return cmkit.Invalid(f("messages."+lang), "format", "a message of 1 to 1000 bytes")
		}
	}
	if err := r.Scope.validate(f("scope"), r.Kind); err != nil {
		return err
	}
	set := r.setParams()
	for _, name := range set {
		if !slices.Contains(p.required, name) && !slices.Contains(p.optional, name) {
			return cmkit.Invalid(f(name), "unknown", "not a parameter of kind %s", r.Kind)
		}
	}
	if len(p.required) > 0 && !slices.ContainsFunc(p.required, func(n string) bool { return slices.Contains(set, n) }) {
		return cmkit.Invalid(f(p.required[0]), "required", "kind %s needs one of %s", r.Kind, strings.Join(p.required, ", "))
	}
	if err := validTerms(f("terms"), r.Terms); err != nil {
		return err
	}
	for i, rep := range r.Replace {
		rp := f(fmt.Sprintf("replace[%d]", i))
		if len(rep.Avoid) == 0 {
			return cmkit.Invalid(rp+".avoid", "required", "empty")
		}
		if err := validTerms(rp+".avoid", rep.Avoid); err != nil {
			return err
		}
		if err := validTerm(rp+".use", rep.Use); err != nil {
			return err
		}
		u := plainNorm.String(rep.Use)
		for k, a := range rep.Avoid {
			if plainNorm.String(a) == u {
				return cmkit.Invalid(fmt.Sprintf("%s.avoid[%d]", rp, k), "same", "%q is %q but for case or accents: use a capitalization rule", a, rep.Use)
			}
		}
		for _, g := range []struct {
			name string
			v    Gender
		}{{"gender", rep.Gender}, {"avoid_gender", rep.AvoidGender}} {
			switch g.v {
			case "", Masculine, Feminine, Neuter:
			default:
				return cmkit.Invalid(rp+"."+g.name, "unknown", "%q: use m, f or n", g.v)
			}
		}
		for _, n := range []struct {
			name string
			v    Number
		}{{"number", rep.Number}, {"avoid_number", rep.AvoidNumber}} {
			switch n.v {
			case "", Singular, Plural:
			default:
				return cmkit.Invalid(rp+"."+n.name, "unknown", "%q: use sg or pl", n.v)
			}
		}
	}
	for i, group := range r.Variants {
		vp := f(fmt.Sprintf("variants[%d]", i))
		if err := validTerms(vp, group); err != nil {
			return err
		}
		distinct := 0
		for k, v := range group {
			if !slices.ContainsFunc(group[:k], func(w string) bool { return strings.EqualFold(v, w) }) {
				distinct++
			}
		}
		if distinct < 2 {
			return cmkit.Invalid(vp, "min_length", "a group needs two spellings that differ by more than case")
		}
	}
	for i, w := range r.Exceptions {
		if strings.TrimSpace(w) == "" || len(w) > 200 {
			return cmkit.Invalid(f(fmt.Sprintf("exceptions[%d]", i)), "format", "a word of 1 to 200 bytes")
		}
	}
	for i, w := range r.Words {
		if !isLetters(w) || len(w) > 100 {
			return cmkit.Invalid(f(fmt.Sprintf("words[%d]", i)), "format", "%q: a word of letters only", w)
		}
	}
	if r.Kind == KindConditional {
		if err := validCondition(f, r.When, r.Require); err != nil {
			return err
		}
	}
	if r.Count != "" && !slices.Contains(countables, r.Count) {
		return cmkit.Invalid(f("count"), "unknown", "%q is not countable", r.Count)
	}
	if r.Max < 0 || r.MaxLower < 0 || r.MinWords < 0 {
		return cmkit.Invalid(f("max"), "non_negative", "max, max_lower and min_words are 0 or more")
	}
	if r.Suggestions < 0 || r.Suggestions > 20 {
		return cmkit.Invalid(f("suggestions"), "range", "0 to 20")
	}
	switch r.Headline {
	case "", HeadlineTitle, HeadlineSentence:
	default:
		return cmkit.Invalid(f("headline"), "unknown", "%q: use title or sentence", r.Headline)
	}
	switch r.Aspect {
	case "", AspectPerson, AspectAddress:
	default:
		return cmkit.Invalid(f("aspect"), "unknown", "%q: use person or address", r.Aspect)
	}
	if r.Formula != "" {
		if _, ok := formulaByName(r.Formula); !ok {
			return cmkit.Invalid(f("formula"), "unknown", "%q: use %s", r.Formula, strings.Join(formulaNames(), ", "))
		}
	}
	for _, s := range []struct {
		name string
		v    *float64
	}{{"min_score", r.MinScore}, {"max_score", r.MaxScore}} {
		if s.v != nil && (math.IsNaN(*s.v) || math.IsInf(*s.v, 0)) {
			return cmkit.Invalid(f(s.name), "format", "not a number")
		}
	}
	return nil
}

func validCondition(f func(string) string, w *Condition, q *Requirement) error {
	if len(w.CampaignKinds)+len(w.Labels)+len(w.Terms)+len(w.Domains) == 0 {
		return cmkit.Invalid(f("when"), "required", "name campaign_kinds, labels, terms or domains")
	}
	if q == nil || len(q.Terms) == 0 && q.Link == "" && len(q.Params) == 0 {
		return cmkit.Invalid(f("require"), "required", "name terms, link or params")
	}
	if err := validTerms(f("when.terms"), w.Terms); err != nil {
		return err
	}
	if err := validTerms(f("require.terms"), q.Terms); err != nil {
		return err
	}
	for i, s := range w.CampaignKinds {
		if strings.TrimSpace(s) == "" {
			return cmkit.Invalid(f(fmt.Sprintf("when.campaign_kinds[%d]", i)), "required", "empty")
		}
	}
	for i, s := range w.Labels {
		if strings.TrimSpace(s) == "" {
			return cmkit.Invalid(f(fmt.Sprintf("when.labels[%d]", i)), "required", "empty")
		}
	}
	if (len(w.Domains) > 0) != (len(q.Params) > 0) {
		return cmkit.Invalid(f("require.params"), "pair", "domains and params go together")
	}
	if len(w.Domains) > 0 && (len(w.CampaignKinds)+len(w.Labels)+len(w.Terms) > 0 || len(q.Terms) > 0 || q.Link != "") {
		return cmkit.Invalid(f("when.domains"), "alone", "a rule on links to domains checks their params only; write another rule for the rest")
	}
	for i, d := range w.Domains {
		if !validHost(d) {
			return cmkit.Invalid(f(fmt.Sprintf("when.domains[%d]", i)), "format", "%q: a host name such as acme.com", d)
		}
	}
	for i, p := range q.Params {
		if p == "" || strings.ContainsAny(p, "&=?# \t\n") || len(p) > 100 {
			return cmkit.Invalid(f(fmt.Sprintf("require.params[%d]", i)), "format", "%q: a query parameter name", p)
		}
	}
	if q.Link != "" && (strings.ContainsAny(q.Link, " \t\n") || strings.Contains(q.Link, "://") || len(q.Link) > 500) {
		return cmkit.Invalid(f("require.link"), "format", "%q: host and path without scheme or spaces", q.Link)
	}
	return nil
}

func (s *RuleScope) validate(path string, kind RuleKind) error {
	for i, lang := range s.Languages {
		if !langtag.Valid(lang) {
			return cmkit.Invalid(fmt.Sprintf("%s.languages[%d]", path, i), "format", "%q is not a language tag", lang)
		}
	}
	for i, p := range s.Platforms {
		if err := p.Validate(); err != nil {
			return cmkit.Invalid(fmt.Sprintf("%s.platforms[%d]", path, i), "format", "%q is not a platform name", p)
		}
	}
	for i, l := range s.Labels {
		if strings.TrimSpace(l) == "" {
			return cmkit.Invalid(fmt.Sprintf("%s.labels[%d]", path, i), "required", "empty")
		}
	}
	for i, l := range s.CampaignKinds {
		if strings.TrimSpace(l) == "" {
			return cmkit.Invalid(fmt.Sprintf("%s.campaign_kinds[%d]", path, i), "required", "empty")
		}
	}
	switch s.Crisis {
	case "", CrisisAny, CrisisOn:
	case CrisisOff:
		if kind == KindCrisis {
			return cmkit.Invalid(path+".crisis", "conflict", "a crisis rule applies during a crisis")
		}
	default:
		return cmkit.Invalid(path+".crisis", "unknown", "%q: use any, on or off", s.Crisis)
	}
	return nil
}

var plainNorm = textnorm.New(textnorm.Options{})

func validTerms(path string, terms []string) error {
	for i, t := range terms {
		if err := validTerm(fmt.Sprintf("%s[%d]", path, i), t); err != nil {
			return err
		}
	}
	return nil
}

func validTerm(path, t string) error {
	if len(t) > 500 {
		return cmkit.Invalid(path, "max_length", "%d bytes, limit 500", len(t))
	}
	if strings.TrimSpace(plainNorm.String(t)) == "" {
		return cmkit.Invalid(path, "required", "empty")
	}
	if !utf8.ValidString(t) {
		return cmkit.Invalid(path, "utf8", "not valid UTF-8")
	}
	return nil
}

func validID(id string) string {
	if id == "" {
		return "empty"
	}
	if len(id) > 64 {
		return "longer than 64 bytes"
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			return fmt.Sprintf("%q: use letters, digits, '.', '_' and '-'", id)
		}
	}
	return ""
}

func validHost(s string) bool {
	if s == "" || len(s) > 253 || !strings.Contains(s, ".") || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
		return false
	}
	for _, r := range s {
		if r == ' ' || r == '/' || r == ':' || r == '?' || r == '#' || r == '@' || r < 0x20 {
			return false
		}
	}
	return true
}

func isLetters(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if !isLetter(r) {
			return false
		}
	}
	return true
}
