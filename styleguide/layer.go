package styleguide

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/cmkit/cmkit"
)

// Severity says how much an alert matters. The zero Severity is read as
// SeverityWarning.
type Severity string

// The severities, from the mildest.
const (
	SeveritySuggestion Severity = "suggestion"
	SeverityWarning    Severity = "warning"
	SeverityError      Severity = "error"
)

// RuleKind names what a StyleRule checks and which of its parameters it
// reads (see the package documentation for each kind's parameters).
type RuleKind string

// The rule kinds.
const (
	KindBanned         RuleKind = "banned"         // words and phrases never used
	KindSubstitution   RuleKind = "substitution"   // a preferred term for a discouraged one
	KindConditional    RuleKind = "conditional"    // what a post must contain when something holds
	KindCount          RuleKind = "count"          // at most N hashtags, emoji, links... or words a sentence
	KindHashtags       RuleKind = "hashtags"       // hashtag style: CamelCase, banned tags, how many
	KindConsistency    RuleKind = "consistency"    // one spelling of a term within a text
	KindRepetition     RuleKind = "repetition"     // the same word twice in a row
	KindCapitalization RuleKind = "capitalization" // product names as the brand writes them; headline style
	KindVoice          RuleKind = "voice"          // brand person ("we") and formal or informal address
	KindCrisis         RuleKind = "crisis"         // what is never said while a crisis is on
	KindReadability    RuleKind = "readability"    // a readability score by language
	KindPlatform       RuleKind = "platform"       // the platform's own limits (cmkit.Limits.CheckPost)
	KindSpelling       RuleKind = "spelling"       // words the language's Speller does not know
)

// CrisisMode says whether a rule applies while a crisis is on.
type CrisisMode string

// The crisis modes. The empty CrisisMode is CrisisAny, except for rules of
// KindCrisis, where it is CrisisOn.
const (
	CrisisAny CrisisMode = "any" // whether or not a crisis is on
	CrisisOn  CrisisMode = "on"  // only while a crisis is on (Draft.Crisis)
	CrisisOff CrisisMode = "off" // only while no crisis is on
)

// Person is the grammatical person the brand speaks in.
type Person string

// PersonWe makes the brand speak as "we": rules of KindVoice flag the
// first person singular (I, my; yo, mi; ja, mój).
const PersonWe Person = "we"

// Address is how the brand addresses its readers in one language.
type Address string

// The forms of address.
const (
	// AddressFormal: usted in Spanish, Pan, Pani and Państwo in Polish.
	AddressFormal Address = "formal"
	// AddressInformal: tú in Spanish, ty in Polish.
	AddressInformal Address = "informal"
)

// Headline names a capitalization style for titles.
type Headline string

// The headline styles.
const (
	// HeadlineTitle capitalizes every word but short function words
	// ("a", "of", "the"...) that are neither first nor last: English titles.
	HeadlineTitle Headline = "title"
	// HeadlineSentence capitalizes the first word only (and proper names):
	// Spanish and Polish titles.
	HeadlineSentence Headline = "sentence"
)

// Aspect narrows a rule of KindVoice to one of the two things it checks.
type Aspect string

// The aspects of voice.
const (
	AspectPerson  Aspect = "person"  // the brand's grammatical person (Settings.Person)
	AspectAddress Aspect = "address" // formal or informal address (Settings.Address)
)

// Countable names what a rule of KindCount counts.
type Countable string

// The countables.
const (
	CountHashtags      Countable = "hashtags"       // #tags, as platforms link them
	CountMentions      Countable = "mentions"       // @handles
	CountLinks         Countable = "links"          // links, each occurrence
	CountEmoji         Countable = "emoji"          // emoji grapheme clusters
	CountExclamations  Countable = "exclamations"   // "!" characters ("¡" is not counted)
	CountCapsWords     Countable = "caps_words"     // words of 3 or more letters, all capitals
	CountSentenceWords Countable = "sentence_words" // words in each sentence
)

var countables = []Countable{CountHashtags, CountMentions, CountLinks, CountEmoji, CountExclamations,
	CountCapsWords, CountSentenceWords}

// Gender is the grammatical gender of a term, for agreement.
type Gender string

// The genders.
const (
	Masculine Gender = "m"
	Feminine  Gender = "f"
	Neuter    Gender = "n"
)

// Number is the grammatical number of a term, for agreement.
type Number string

// The numbers.
const (
	Singular Number = "sg"
	Plural   Number = "pl"
)

// Layer is one document of a style guide, as people write it in JSON: the
// company's guide, a brand's, a campaign's. Compile stacks layers: a later
// layer overrides a rule with the same ID, disables rules by ID and
// overrides settings.
type Layer struct {
	// Name says what the layer is ("acme", "acme-es", "black-friday-2026").
	Name string `json:"name"`
	// Settings holds the guide-wide choices the rules read.
	Settings Settings `json:"settings,omitzero"`
	// Rules are the layer's rules, each with an ID unique in the layer.
	Rules []StyleRule `json:"rules,omitempty"`
	// Disable lists the IDs of rules of earlier layers to switch off.
	Disable []string `json:"disable,omitempty"`
}

// Settings are the guide-wide choices. In a stack of layers, a later
// layer's Person replaces an earlier one, Address merges language by
// language, and Accept adds to the earlier lists.
type Settings struct {
	// Person is the grammatical person the brand speaks in; empty means
	// rules of KindVoice do not check it.
	Person Person `json:"person,omitempty"`
	// Address maps a language ("es", "pl") to the form of address the
	// brand uses in it.
	Address map[string]Address `json:"address,omitempty"`
	// Accept lists words that spelling never flags and that do not count
	// as all-capital words: product names, handles of the brand's own
	// vocabulary. Compared without regard to case.
	Accept []string `json:"accept,omitempty"`
}

// StyleRule is one rule of a style guide. ID, Kind and Scope say which rule
// it is and where it applies; the other fields are parameters, each read by
// the kinds named in its comment and refused for the others.
type StyleRule struct {
	// ID names the rule; later layers override or disable it by ID.
	// Letters, digits, '.', '_' and '-', at most 64 bytes.
	ID string `json:"id"`
	// Kind says what the rule checks.
	Kind RuleKind `json:"kind"`
	// Severity of the rule's alerts; empty means SeverityWarning.
	Severity Severity `json:"severity,omitempty"`
	// Message is the alert's text when Messages has none for the draft's
	// language; empty means the kind's built-in message (English, Spanish
	// or Polish). Placeholders: {match} (the text found), {use} (the
	// replacement), {count}, {max} and {score}.
	Message string `json:"message,omitempty"`
	// Messages holds the message per language ("es", "pl", "es-mx").
	Messages map[string]string `json:"messages,omitempty"`
	// Scope says where the rule applies; the zero Scope is everywhere.
	Scope RuleScope `json:"scope,omitzero"`

	// Terms: banned words and phrases (banned), product names as the brand
	// writes them (capitalization), words to avoid during a crisis
	// (crisis), banned hashtags, with or without "#" (hashtags).
	Terms []string `json:"terms,omitempty"`
	// MatchCase finds terms only written with the same case (banned,
	// substitution).
	MatchCase bool `json:"match_case,omitempty"`
	// MatchAccents finds terms only written with the same accents and
	// letters, case aside: "sé" is not "se" (banned, substitution).
	MatchAccents bool `json:"match_accents,omitempty"`
	// InsideWords also finds terms inside longer words (banned,
	// substitution).
	InsideWords bool `json:"inside_words,omitempty"`
	// Evasions also finds terms written with l33t digits, repeated letters
	// or separated letters ("fr33", "freeee", "f.r.e.e") (banned, crisis).
	Evasions bool `json:"evasions,omitempty"`
	// Replace lists discouraged terms and what to use instead
	// (substitution).
	Replace []Replacement `json:"replace,omitempty"`
	// Variants lists groups of spellings of one term, of which a text
	// should use one (consistency).
	Variants [][]string `json:"variants,omitempty"`
	// Exceptions lists words the rule leaves alone (repetition: "that" in
	// "that that"; voice: forms the brand accepts; spelling).
	Exceptions []string `json:"exceptions,omitempty"`
	// When says when a post must contain what Require says (conditional).
	When *Condition `json:"when,omitempty"`
	// Require says what it must contain (conditional).
	Require *Requirement `json:"require,omitempty"`
	// Count names what is counted (count).
	Count Countable `json:"count,omitempty"`
	// Max is the most allowed (count; hashtags: the most hashtags).
	Max int `json:"max,omitempty"`
	// Headline is the capitalization style of Draft.Title
	// (capitalization).
	Headline Headline `json:"headline,omitempty"`
	// CamelCase asks multi-word hashtags to capitalize each word, which
	// screen readers need to read them (hashtags).
	CamelCase bool `json:"camel_case,omitempty"`
	// Words adds to the built-in words that CamelCase uses to recognize a
	// multi-word hashtag (hashtags).
	Words []string `json:"words,omitempty"`
	// MaxLower flags a hashtag of more than MaxLower letters with no
	// capital past its first letter even when Words cannot split it; zero
	// means 15 (hashtags, with CamelCase).
	MaxLower int `json:"max_lower,omitempty"`
	// Aspect narrows the rule to the person or the address; empty checks
	// both (voice).
	Aspect Aspect `json:"aspect,omitempty"`
	// Laughter flags laughter and jokes ("haha", "jajaja", "xD", "lol")
	// (crisis).
	Laughter bool `json:"laughter,omitempty"`
	// Emoji flags every emoji (crisis).
	Emoji bool `json:"emoji,omitempty"`
	// Formula names the readability formula; empty means the language's
	// own (readability).
	Formula string `json:"formula,omitempty"`
	// MinScore is the lowest score allowed (readability: for formulas
	// where higher reads easier).
	MinScore *float64 `json:"min_score,omitempty"`
	// MaxScore is the highest score allowed (readability: for formulas
	// where higher reads harder, such as Pisarek's).
	MaxScore *float64 `json:"max_score,omitempty"`
	// MinWords skips texts of fewer words, whose scores mean little
	// (readability).
	MinWords int `json:"min_words,omitempty"`
	// Suggestions is how many corrections to offer per word; zero means 3
	// (spelling).
	Suggestions int `json:"suggestions,omitempty"`
}

// RuleScope says where a rule applies. Each non-empty list must hold for
// the draft; an empty list holds everywhere.
type RuleScope struct {
	// Languages the rule applies to: "es" covers "es-MX" and "es-ES";
	// "es-mx" covers only "es-MX". A draft without a language matches no
	// rule that names languages.
	Languages []string `json:"languages,omitempty"`
	// Platforms the rule applies to.
	Platforms []cmkit.Platform `json:"platforms,omitempty"`
	// Labels: the draft must carry at least one of them (channel labels,
	// content labels such as "promotion"); compared without regard to case.
	Labels []string `json:"labels,omitempty"`
	// CampaignKinds: the draft's campaign kind must be one of them.
	CampaignKinds []string `json:"campaign_kinds,omitempty"`
	// Crisis says whether the rule applies while a crisis is on.
	Crisis CrisisMode `json:"crisis,omitempty"`
}

// Replacement is one entry of a substitution rule: the terms to avoid and
// the one to use. Gender and number are for Spanish and Polish agreement
// (see the package documentation); when left out they are inferred from
// the words' endings.
type Replacement struct {
	// Avoid lists the discouraged terms.
	Avoid []string `json:"avoid"`
	// Use is the preferred term, written as the fix writes it in lower case.
	Use string `json:"use"`
	// Gender and Number of Use.
	Gender Gender `json:"gender,omitempty"`
	Number Number `json:"number,omitempty"`
	// AvoidGender and AvoidNumber of the terms in Avoid.
	AvoidGender Gender `json:"avoid_gender,omitempty"`
	AvoidNumber Number `json:"avoid_number,omitempty"`
}

// Condition says when a conditional rule applies. With Domains, the rule
// checks every link to those domains; otherwise it checks the whole draft
// when any of CampaignKinds, Labels or Terms holds.
type Condition struct {
	// CampaignKinds: the draft's campaign kind is one of them.
	CampaignKinds []string `json:"campaign_kinds,omitempty"`
	// Labels: the draft carries one of them.
	Labels []string `json:"labels,omitempty"`
	// Terms: the text contains one of them, as a whole word.
	Terms []string `json:"terms,omitempty"`
	// Domains: hosts whose links must carry Requirement.Params; a host
	// covers its subdomains ("acme.com" covers "shop.acme.com").
	Domains []string `json:"domains,omitempty"`
}

// Requirement says what a conditional rule requires.
type Requirement struct {
	// Terms: the text must contain at least one of them ("#ad",
	// "#publi", "Publicidad", "#reklama", "#współpraca").
	Terms []string `json:"terms,omitempty"`
	// Link: the text must contain a link matching this pattern, written
	// without scheme: host and path, where "*" matches any run of
	// characters ("acme.com/terms*"). Compared without regard to case;
	// a leading "www." of the link is ignored.
	Link string `json:"link,omitempty"`
	// Params: every link to Condition.Domains must carry these query
	// parameters (utm_source, utm_medium, utm_campaign).
	Params []string `json:"params,omitempty"`
}

// ParseLayer reads a layer from its JSON form. The JSON is read strictly:
// an unknown field, a key given twice (in any case) or trailing data is
// refused. The layer is then validated (see Layer.Validate). Every error
// wraps cmkit.ErrInvalid, and a *cmkit.ValidationError names the offending
// field as a path such as "rules[12].replace".
func ParseLayer(data []byte) (Layer, error) {
	var l Layer
	if err := checkKeys(data); err != nil {
		return Layer{}, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return Layer{}, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Layer{}, cmkit.Invalid("layer", "json", "data after the layer")
	}
	l.canonical()
	if err := l.Validate(); err != nil {
		return Layer{}, err
	}
	return l, nil
}

// ReadLayer is ParseLayer for a reader; it reads at most 16 MiB.
func ReadLayer(r io.Reader) (Layer, error) {
	data, err := io.ReadAll(io.LimitReader(r, 16<<20+1))
	if err != nil {
		return Layer{}, err
	}
	if len(data) > 16<<20 {
		return Layer{}, cmkit.Invalid("layer", "max_length", "more than 16 MiB")
	}
	return ParseLayer(data)
}

func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "layer"
		}
		return cmkit.Invalid(field, "type", "%s where %s belongs", te.Value, te.Type)
	}
	if s := err.Error(); strings.HasPrefix(s, "json: unknown field ") {
		return cmkit.Invalid(strings.Trim(strings.TrimPrefix(s, "json: unknown field "), `"`), "unknown", "not a field of a layer")
	}
	return cmkit.Invalid("layer", "json", "%v", err)
}

// checkKeys refuses a JSON object that names a key twice. encoding/json
// matches keys to fields without regard to case and keeps the last, so
// "id" and "ID" count as the same key.
func checkKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := walkKeys(dec, "", 0); err != nil {
		return err
	}
	return nil
}

func walkKeys(dec *json.Decoder, path string, depth int) error {
	if depth > 64 {
		return cmkit.Invalid(orLayer(path), "depth", "nested deeper than 64")
	}
	tok, err := dec.Token()
	if err != nil {
		return cmkit.Invalid(orLayer(path), "json", "%v", err)
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return cmkit.Invalid(orLayer(path), "json", "%v", err)
			}
			key, _ := kt.(string)
			p := key
			if path != "" {
				p = path + "." + key
			}
			k := strings.ToLower(key)
			if seen[k] {
				return cmkit.Invalid(p, "duplicate", "the key is given twice")
			}
			seen[k] = true
			if err := walkKeys(dec, p, depth+1); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return cmkit.Invalid(orLayer(path), "json", "%v", err)
		}
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if err := walkKeys(dec, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return cmkit.Invalid(orLayer(path), "json", "%v", err)
		}
	}
	return nil
}

func orLayer(path string) string {
	if path == "" {
		return "layer"
	}
	return path
}

// canonical writes empty lists and maps as nil, so that a layer read from
// JSON equals the same layer written and read again.
func (l *Layer) canonical() {
	l.Rules = nilIfEmpty(l.Rules)
	l.Disable = nilIfEmpty(l.Disable)
	l.Settings.Accept = nilIfEmpty(l.Settings.Accept)
	if len(l.Settings.Address) == 0 {
		l.Settings.Address = nil
	}
	for i := range l.Rules {
		r := &l.Rules[i]
		if len(r.Messages) == 0 {
			r.Messages = nil
		}
		r.Scope.Languages = nilIfEmpty(r.Scope.Languages)
		r.Scope.Platforms = nilIfEmpty(r.Scope.Platforms)
		r.Scope.Labels = nilIfEmpty(r.Scope.Labels)
		r.Scope.CampaignKinds = nilIfEmpty(r.Scope.CampaignKinds)
		r.Terms = nilIfEmpty(r.Terms)
		r.Replace = nilIfEmpty(r.Replace)
		for k := range r.Replace {
			r.Replace[k].Avoid = nilIfEmpty(r.Replace[k].Avoid)
		}
		r.Variants = nilIfEmpty(r.Variants)
		for k := range r.Variants {
			r.Variants[k] = nilIfEmpty(r.Variants[k])
		}
		r.Exceptions = nilIfEmpty(r.Exceptions)
		r.Words = nilIfEmpty(r.Words)
		if c := r.When; c != nil {
			c.CampaignKinds = nilIfEmpty(c.CampaignKinds)
			c.Labels = nilIfEmpty(c.Labels)
			c.Terms = nilIfEmpty(c.Terms)
			c.Domains = nilIfEmpty(c.Domains)
		}
		if q := r.Require; q != nil {
			q.Terms = nilIfEmpty(q.Terms)
			q.Params = nilIfEmpty(q.Params)
		}
	}
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
