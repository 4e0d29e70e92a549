package inbox

// This file holds canned responses: the team's prepared answers, per
// language, with placeholders.

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/langtag"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/roles"
)

// CannedResponse is an answer the team prepared once and sends often
// ("we are looking into it", "please send us your order number by DM"),
// written per language, with placeholders the inbox fills for each
// conversation:
//
//	{author}   the customer: "@" and their handle, or their display name
//	           (as moderation.Verdict.ReplyText fills rule replies)
//	{name}     the customer's display name, or their handle
//	{handle}   the brand's account on the channel (ChannelInfo.Handle)
//	{agent}    the member who answers
//	{brand}    the conversation's brand
//	{channel}  the platform's name ("instagram")
//
// ReplyRequest.Values may give {agent}, {brand}, {handle} and {channel}
// other words (a display name, the brand as customers write it).
type CannedResponse struct {
	// ID identifies it, unique among the inbox's canned responses.
	ID string `json:"id"`
	// Name is what agents see in a picker.
	Name string `json:"name,omitempty"`
	// Texts are the texts by language: a BCP 47 tag ("es", "es-MX",
	// "pl") or "*" for any other language. The conversation's language
	// picks one: the most specific tag that covers it (the exact tag, then
	// "es" for "es-MX"; case does not matter), then "*".
	Texts map[string]string `json:"texts"`
}

// CannedReply is a canned response filled in for one conversation: what
// the agent would send.
type CannedReply struct {
	// ID is the canned response's ID.
	ID string `json:"id"`
	// Name is its name.
	Name string `json:"name,omitempty"`
	// Lang is the key of the text chosen.
	Lang string `json:"lang"`
	// Text is the text with its placeholders filled.
	Text string `json:"text"`
}

// maxCannedBytes is the size limit of one canned text, before filling.
const maxCannedBytes = 4096

// placeholder finds "{name}" in canned texts, with the syntax of the rule
// engine's reply templates.
var placeholder = regexp.MustCompile(`\{([^{}]*)\}`)

// cannedNames are the placeholders of a canned text; the ones
// ReplyRequest.Values may set are true.
var cannedNames = map[string]bool{"author": false, "name": false, "handle": true, "agent": true, "brand": true, "channel": true}

// WithCannedResponses gives the inbox its canned responses. Each needs a
// unique ID (1 to 64 bytes) and at least one text; keys are language tags
// or "*"; texts are 1 to 4,096 bytes of UTF-8 using only the
// placeholders CannedResponse lists. A mistake is an error wrapping
// cmkit.ErrInvalid that names the entry.
func WithCannedResponses(rs ...CannedResponse) Option {
	return func(ib *Inbox) error {
		byID := map[string]int{}
		out := make([]CannedResponse, len(rs))
		for i, r := range rs {
			field := fmt.Sprintf("WithCannedResponses[%d]", i)
			if err := checkText(field+".id", r.ID, 64, false); err != nil {
				return err
			}
			if j, dup := byID[r.ID]; dup {
				return cmkit.Invalid(field+".id", "unique", "%q is also entry %d", r.ID, j)
			}
			byID[r.ID] = i
			if len(r.Texts) == 0 {
				return cmkit.Invalid(field+".texts", "required", "canned response %q has no text", r.ID)
			}
			texts := make(map[string]string, len(r.Texts))
			folded := map[string]string{}
			for _, lang := range slices.Sorted(maps.Keys(r.Texts)) {
				f := fmt.Sprintf("%s.texts[%q]", field, lang)
				if err := checkCanned(f, lang, r.Texts[lang]); err != nil {
					return err
				}
				if other, dup := folded[strings.ToLower(lang)]; dup {
					return cmkit.Invalid(f, "unique", "%q and %q are one language", other, lang)
				}
				folded[strings.ToLower(lang)] = lang
				texts[lang] = r.Texts[lang]
			}
			r.Texts = texts
			out[i] = r
		}
		ib.work.canned, ib.work.byID = out, byID
		return nil
	}
}

func checkCanned(field, lang, text string) error {
	if lang != "*" && !langtag.Valid(lang) {
		return cmkit.Invalid(field, "format", "%q is neither \"*\" nor a language tag such as \"es\" or \"es-MX\"", lang)
	}
	if text == "" || len(text) > maxCannedBytes || !utf8.ValidString(text) {
		return cmkit.Invalid(field, "format", "a text is 1 to %d bytes of UTF-8", maxCannedBytes)
	}
	for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
		if _, ok := cannedNames[m[1]]; !ok {
			return cmkit.Invalid(field, "unknown", "placeholder {%s}: use {author}, {name}, {handle}, {agent}, {brand} or {channel}", m[1])
		}
	}
	return nil
}

// pickText chooses the key of texts for lang: the most specific tag that
// covers it (the exact tag, then "es-MX" for "es-MX-x", then "es" for
// "es-MX"; without regard to case), then "*".
func pickText(texts map[string]string, lang string) (string, bool) {
	best := ""
	for k := range texts {
		if k != "*" && len(k) > len(best) && langCovers(k, lang) {
			best = k
		}
	}
	if best != "" {
		return best, true
	}
	_, ok := texts["*"]
	return "*", ok
}

// langCovers reports whether the tag want covers the tag got: equal, or a
// prefix of it followed by "-" or "_", without regard to case.
func langCovers(want, got string) bool {
	if len(got) < len(want) || !strings.EqualFold(got[:len(want)], want) {
		return false
	}
	return len(got) == len(want) || got[len(want)] == '-' || got[len(want)] == '_'
}

// fillVars are the values of one conversation's placeholders.
type fillVars struct {
	customer cmkit.Mention // for {author} and {name}
	values   map[string]string
}

// newFillVars returns the placeholder values for c answered by agent on
// the channel info, with values overriding the defaults.
func newFillVars(c *Conversation, info cmkit.ChannelInfo, agent string, values map[string]string) fillVars {
	v := map[string]string{"handle": info.Handle, "agent": agent, "brand": c.Resource.Brand, "channel": string(info.Platform)}
	for k, s := range values {
		v[k] = s
	}
	return fillVars{customer: cmkit.Mention{Author: c.Author}, values: v}
}

// fill replaces the placeholders of text in one pass, so that a value
// holding braces is never read as a placeholder. {author} and {name} are
// what the rule engine's ReplyText makes of them.
func (f *fillVars) fill(text string) string {
	var verdict moderation.Verdict
	return placeholder.ReplaceAllStringFunc(text, func(p string) string {
		name := p[1 : len(p)-1]
		if name == "author" || name == "name" {
			return verdict.ReplyText(moderation.Reply{Template: p}, f.customer)
		}
		return f.values[name]
	})
}

// checkValues refuses ReplyRequest.Values that name no placeholder a
// product may set.
func checkValues(values map[string]string) error {
	for k, v := range values {
		if !cannedNames[k] {
			return cmkit.Invalid(fmt.Sprintf("values[%q]", k), "unknown", "Values may set {handle}, {agent}, {brand} and {channel}")
		}
		if !utf8.ValidString(v) || len(v) > 256 {
			return cmkit.Invalid(fmt.Sprintf("values[%q]", k), "format", "a value is at most 256 bytes of UTF-8")
		}
	}
	return nil
}

// cannedFor fills canned response r for c, in c's language; false when r
// has no text for it.
func (ib *Inbox) cannedFor(r *CannedResponse, c *Conversation, vars *fillVars) (CannedReply, bool) {
	lang, ok := pickText(r.Texts, c.Language)
	if !ok {
		return CannedReply{}, false
	}
	return CannedReply{ID: r.ID, Name: r.Name, Lang: lang, Text: vars.fill(r.Texts[lang])}, true
}

// Canned returns the canned responses that apply to conversation id,
// filled in for it as the acting member would send them: those with a
// text in the conversation's language (or a "*" text), in the order
// WithCannedResponses gave them. The acting member needs roles.ReadInbox
// on the conversation's Resource.
func (ib *Inbox) Canned(ctx context.Context, id uuid.UUID) ([]CannedReply, error) {
	actor, err := actorOf(ctx)
	if err != nil {
		return nil, err
	}
	c, err := ib.store.Conversation(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := ib.team.Check(ctx, roles.ReadInbox, c.Resource); err != nil {
		return nil, err
	}
	reg, _ := ib.channel(c.Channel)
	vars := newFillVars(&c, reg.info, actor, nil)
	var out []CannedReply
	for i := range ib.work.canned {
		if r, ok := ib.cannedFor(&ib.work.canned[i], &c, &vars); ok {
			out = append(out, r)
		}
	}
	return out, nil
}
