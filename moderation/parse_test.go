package moderation

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/testbudget"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sampleRules = `{
  "builtin": ["insults", "complaints", "spam"],
  "lexicons": [
    {"name": "product", "terms": ["RoboMop", "AquaBot"]},
    {"name": "crisis", "lang": "es", "terms": ["intoxicación", "incendio"]},
    {"name": "crisis", "lang": "pl", "terms": ["zatrucie", "pożar"]}
  ],
  "author_lists": [{"name": "blocked", "authors": ["1234", "@spammer"]}],
  "rules": [
    {"id": "block", "when": {"author_list": "blocked"}, "then": {"delete": true, "stop": true}},
    {"id": "insults", "when": {"lexicon": "insults"}, "then": {"hide": true, "flag": ["insult"]}},
    {"id": "complaint", "when": {"all": [{"lexicon": "complaints"}, {"not": {"kinds": ["review"]}}]},
     "then": {"support": true, "priority": 2, "queue": "care", "reply": {"es": "Hola {author}, lo sentimos.", "*": "Hi {author}, sorry!"}}},
    {"id": "wave", "when": {"links": {"min": 1}, "wave": {"within": "10m", "min_count": 5, "min_authors": 3, "distance": 6}},
     "then": {"delete": true, "flag": ["spam-wave"]}},
    {"id": "leader", "when": {"followers": {"min": 50000}, "lexicon": "product"}, "then": {"opinion_leader": true}},
    {"id": "crisis", "when": {"lexicon": "crisis", "min_hits": 1}, "then": {"crisis": true, "priority": 9}},
    {"id": "shouting", "when": {"caps_ratio": {"min": 0.8}, "length": {"min": 20}, "regex": "!{3,}"}, "then": {"flag": ["shouting"]}}
  ]
}`

func TestParseRules(t *testing.T) {
	set, err := ParseRules([]byte(sampleRules))
	require.NoError(t, err)
	assert.Len(t, set.Rules, 7)
	assert.Equal(t, Duration(10*time.Minute), set.Rules[3].When.Wave.Within)
	_, err = Compile(set)
	require.NoError(t, err)
	// A round trip gives the same set.
	data, err := json.Marshal(set)
	require.NoError(t, err)
	again, err := ParseRules(data)
	require.NoError(t, err)
	assert.Equal(t, set, again)
}

func TestParseRulesErrorsNameRuleAndField(t *testing.T) {
	wrap := func(rules string) string {
		return `{"builtin": ["insults"], "lexicons": [{"name": "p", "terms": ["x"]}], "author_lists": [{"name": "vip", "authors": ["1"]}], "rules": [` + rules + `]}`
	}
	ok := `{"id": "ok", "when": {"lexicon": "insults"}, "then": {"hide": true}}`
	cases := []struct{ name, json, field, rule, detail string }{
		{"unknown lexicon", wrap(ok + `,{"id": "ok2", "when": {"any": [{"kinds": ["comment"]}, {"lexicon": "insultos"}]}, "then": {"hide": true}}`),
			"rules[1].when.any[1].lexicon", "unknown", `rule "ok2": no lexicon "insultos"`},
		{"unknown field", wrap(`{"id": "a", "when": {"lexicon": "insults", "hits": 2}, "then": {"hide": true}}`), "rules[0].when.hits", "unknown", "condition"},
		{"field names are case-sensitive", wrap(`{"ID": "a"}`), "rules[0].ID", "unknown", ""},
		{"duplicate key", wrap(`{"id": "a", "id": "b"}`), "rules[0].id", "duplicate", ""},
		{"wrong type", wrap(`{"id": "a", "when": {"followers": {"min": "many"}}, "then": {"hide": true}}`), "rules[0].when.followers.min", "type", "a string where a number"},
		{"not an integer", wrap(`{"id": "a", "when": {"lexicon": "insults", "min_hits": 1.5}, "then": {"hide": true}}`), "rules[0].when.min_hits", "type", ""},
		{"empty condition", wrap(`{"id": "a", "when": {}, "then": {"hide": true}}`), "rules[0].when", "required", ""},
		{"no action", wrap(`{"id": "a", "when": {"lexicon": "insults"}, "then": {}}`), "rules[0].then", "required", ""},
		{"duplicate rule", wrap(ok + "," + ok), "rules[1].id", "duplicate", ""},
		{"bad id", wrap(`{"id": "a b", "when": {"lexicon": "insults"}, "then": {"hide": true}}`), "rules[0].id", "format", ""},
		{"bad regex", wrap(`{"id": "a", "when": {"regex": "(unclosed"}, "then": {"hide": true}}`), "rules[0].when.regex", "format", "missing closing )"},
		{"terms without lexicon", wrap(`{"id": "a", "when": {"terms": ["x"]}, "then": {"hide": true}}`), "rules[0].when.terms", "requires", ""},
		{"term not in lexicon", wrap(`{"id": "a", "when": {"lexicon": "p", "terms": ["y"]}, "then": {"hide": true}}`), "rules[0].when.terms[0]", "unknown", ""},
		{"range", wrap(`{"id": "a", "when": {"sentiment": {"min": 0.5, "max": 0.1}}, "then": {"hide": true}}`), "rules[0].when.sentiment", "range", ""},
		{"sentiment out of bounds", wrap(`{"id": "a", "when": {"sentiment": {"min": -2}}, "then": {"hide": true}}`), "rules[0].when.sentiment.min", "range", ""},
		{"caps ratio", wrap(`{"id": "a", "when": {"caps_ratio": {"min": 80}}, "then": {"hide": true}}`), "rules[0].when.caps_ratio.min", "range", ""},
		{"kind", wrap(`{"id": "a", "when": {"kinds": ["tweet"]}, "then": {"hide": true}}`), "rules[0].when.kinds[0]", "unknown", ""},
		{"platform", wrap(`{"id": "a", "when": {"platforms": ["X!"]}, "then": {"hide": true}}`), "rules[0].when.platforms[0]", "format", ""},
		{"language", wrap(`{"id": "a", "when": {"languages": ["spanish"]}, "then": {"hide": true}}`), "rules[0].when.languages[0]", "format", ""},
		{"label", wrap(`{"id": "a", "when": {"sentiment_labels": ["angry"]}, "then": {"hide": true}}`), "rules[0].when.sentiment_labels[0]", "unknown", ""},
		{"domain", wrap(`{"id": "a", "when": {"domains": ["https://acme.com"]}, "then": {"hide": true}}`), "rules[0].when.domains[0]", "format", ""},
		{"author list", wrap(`{"id": "a", "when": {"author_list": "vips"}, "then": {"hide": true}}`), "rules[0].when.author_list", "unknown", ""},
		{"wave window", wrap(`{"id": "a", "when": {"wave": {"within": "0s", "min_count": 3}}, "then": {"hide": true}}`), "rules[0].when.wave.within", "range", ""},
		{"wave duration", wrap(`{"id": "a", "when": {"wave": {"within": "soon", "min_count": 3}}, "then": {"hide": true}}`), "rules", "json", ""},
		{"wave count", wrap(`{"id": "a", "when": {"wave": {"within": "1m", "min_count": 1}}, "then": {"hide": true}}`), "rules[0].when.wave.min_count", "range", ""},
		{"wave distance", wrap(`{"id": "a", "when": {"wave": {"within": "1m", "min_count": 2, "distance": 40}}, "then": {"hide": true}}`), "rules[0].when.wave.distance", "range", ""},
		{"reply placeholder", wrap(`{"id": "a", "when": {"lexicon": "p"}, "then": {"reply": {"en": "Hi {user}"}}}`), `rules[0].then.reply["en"]`, "unknown", "{user}"},
		{"reply language", wrap(`{"id": "a", "when": {"lexicon": "p"}, "then": {"reply": {"english": "Hi"}}}`), `rules[0].then.reply["english"]`, "format", ""},
		{"priority", wrap(`{"id": "a", "when": {"lexicon": "p"}, "then": {"priority": -1}}`), "rules[0].then.priority", "range", ""},
		{"builtin", `{"builtin": ["insultos"]}`, "builtin[0]", "unknown", ""},
		{"empty lexicon", `{"lexicons": [{"name": "x", "terms": []}]}`, "lexicons[0].terms", "required", ""},
		{"term of punctuation", `{"lexicons": [{"name": "x", "terms": [" \u200b "]}]}`, "lexicons[0].terms[0]", "required", ""},
		{"duplicate lexicon", `{"lexicons": [{"name": "x", "terms": ["a"]}, {"name": "x", "terms": ["b"]}]}`, "lexicons[1]", "duplicate", ""},
		{"trailing data", `{} {}`, "rules", "json", ""},
		{"not an object", `[]`, "rules", "type", ""},
		{"deep nesting", `{"rules": [{"id": "a", "when": ` + strings.Repeat(`{"not": `, 40) + `{"verified": true}` + strings.Repeat(`}`, 40) + `, "then": {"hide": true}}]}`, "", "depth", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseRules([]byte(c.json))
			require.Error(t, err)
			assert.ErrorIs(t, err, cmkit.ErrInvalid)
			var ve *cmkit.ValidationError
			require.True(t, errors.As(err, &ve), err.Error())
			if c.field != "" {
				assert.Equal(t, c.field, ve.Field, err.Error())
			}
			assert.Equal(t, c.rule, ve.Rule, err.Error())
			assert.Contains(t, ve.Detail, c.detail)
		})
	}
}

func FuzzParseRules(f *testing.F) {
	f.Add([]byte(sampleRules))
	f.Add([]byte(`{"rules": [{"id": "a", "when": {"not": {"any": [{"verified": true}, {"length": {"max": 3}}]}}, "then": {"flag": ["x"]}}]}`))
	f.Add([]byte(`{"lexicons": [{"name": "x", "lang": "es-MX", "substring": true, "terms": ["ab"]}], "rules": [{"id": "r", "when": {"lexicon": "x", "terms": ["AB"], "min_hits": 2}, "then": {"reply": {"*": "{x}"}}}]}`))
	f.Add([]byte(`{"rules": [{"id": "w", "when": {"wave": {"within": "1h", "min_count": 2, "same_author": true, "distance": 0}}, "then": {"stop": true}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer testbudget.CheckFuzz(t, time.Now(), string(data))
		set, err := ParseRules(data)
		if err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(set)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParseRules(out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		if !assert.ObjectsAreEqual(set, again) {
			t.Fatalf("round trip differs:\n%s", out)
		}
		if _, err := Compile(set); err != nil && !errors.Is(err, cmkit.ErrInvalid) {
			t.Fatalf("compile: %v", err)
		}
	})
}
