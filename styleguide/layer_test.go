package styleguide_test

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/styleguide"
)

func TestParseLayerAcme(t *testing.T) {
	data, err := os.ReadFile("testdata/acme.json")
	require.NoError(t, err)
	l, err := styleguide.ParseLayer(data)
	require.NoError(t, err)
	assert.Equal(t, "acme", l.Name)
	kinds := map[styleguide.RuleKind]bool{}
	for _, r := range l.Rules {
		kinds[r.Kind] = true
	}
	for _, k := range []styleguide.RuleKind{styleguide.KindBanned, styleguide.KindSubstitution, styleguide.KindConditional,
		styleguide.KindCount, styleguide.KindHashtags, styleguide.KindConsistency, styleguide.KindRepetition,
		styleguide.KindCapitalization, styleguide.KindVoice, styleguide.KindCrisis, styleguide.KindReadability,
		styleguide.KindPlatform, styleguide.KindSpelling} {
		assert.True(t, kinds[k], "acme.json has no rule of kind %s", k)
	}
	// Round trip.
	out, err := json.Marshal(l)
	require.NoError(t, err)
	l2, err := styleguide.ParseLayer(out)
	require.NoError(t, err)
	assert.Equal(t, l, l2)
}

func TestParseLayerErrors(t *testing.T) {
	for _, tc := range []struct {
		name, json, field, rule string
	}{
		{"unknown field", `{"name":"x","rulez":[]}`, "rulez", "unknown"},
		{"unknown rule field", `{"name":"x","rules":[{"id":"a","kind":"banned","terms":["x"],"colour":1}]}`, "colour", "unknown"},
		{"duplicate key", `{"name":"x","name":"y"}`, "name", "duplicate"},
		{"duplicate key other case", `{"name":"x","rules":[{"id":"a","ID":"b","kind":"repetition"}]}`, "rules[0].ID", "duplicate"},
		{"trailing data", `{"name":"x"} {}`, "layer", "json"},
		{"syntax", `{"name":`, "name", "json"},
		{"type", `{"name":"x","rules":[{"id":"a","kind":"count","count":"links","max":"3"}]}`, "rules.max", "type"},
		{"empty replace", `{"name":"x","rules":[{"id":"a","kind":"repetition"},{"id":"b","kind":"substitution","replace":[]}]}`, "rules[1].replace", "required"},
		{"empty use", `{"name":"x","rules":[{"id":"b","kind":"substitution","replace":[{"avoid":["a"],"use":" "}]}]}`, "rules[0].replace[0].use", "required"},
		{"same use", `{"name":"x","rules":[{"id":"b","kind":"substitution","replace":[{"avoid":["Email"],"use":"email"}]}]}`, "rules[0].replace[0].avoid[0]", "same"},
		{"param of other kind", `{"name":"x","rules":[{"id":"a","kind":"banned","terms":["x"],"max":3}]}`, "rules[0].max", "unknown"},
		{"unknown kind", `{"name":"x","rules":[{"id":"a","kind":"grammar"}]}`, "rules[0].kind", "unknown"},
		{"bad id", `{"name":"x","rules":[{"id":"a b","kind":"repetition"}]}`, "rules[0].id", "format"},
		{"duplicate id", `{"name":"x","rules":[{"id":"a","kind":"repetition"},{"id":"a","kind":"spelling"}]}`, "rules[1].id", "duplicate"},
		{"bad severity", `{"name":"x","rules":[{"id":"a","kind":"repetition","severity":"fatal"}]}`, "rules[0].severity", "unknown"},
		{"bad language", `{"name":"x","rules":[{"id":"a","kind":"repetition","scope":{"languages":["spanish!"]}}]}`, "rules[0].scope.languages[0]", "format"},
		{"bad platform", `{"name":"x","rules":[{"id":"a","kind":"repetition","scope":{"platforms":["X Corp"]}}]}`, "rules[0].scope.platforms[0]", "format"},
		{"crisis off", `{"name":"x","rules":[{"id":"a","kind":"crisis","emoji":true,"scope":{"crisis":"off"}}]}`, "rules[0].scope.crisis", "conflict"},
		{"empty term", `{"name":"x","rules":[{"id":"a","kind":"banned","terms":["ok","  "]}]}`, "rules[0].terms[1]", "required"},
		{"missing terms", `{"name":"x","rules":[{"id":"a","kind":"banned"}]}`, "rules[0].terms", "required"},
		{"bad countable", `{"name":"x","rules":[{"id":"a","kind":"count","count":"words"}]}`, "rules[0].count", "unknown"},
		{"variants one spelling", `{"name":"x","rules":[{"id":"a","kind":"consistency","variants":[["wifi","WiFi"]]}]}`, "rules[0].variants[0]", "min_length"},
		{"domains without params", `{"name":"x","rules":[{"id":"a","kind":"conditional","when":{"domains":["acme.com"]},"require":{"terms":["#ad"]}}]}`, "rules[0].require.params", "pair"},
		{"no require", `{"name":"x","rules":[{"id":"a","kind":"conditional","when":{"labels":["promotion"]}}]}`, "rules[0].require", "required"},
		{"bad formula", `{"name":"x","rules":[{"id":"a","kind":"readability","formula":"gunning","min_score":3}]}`, "rules[0].formula", "unknown"},
		{"bad person", `{"name":"x","settings":{"person":"they"}}`, "settings.person", "unknown"},
		{"bad address", `{"name":"x","settings":{"address":{"es":"vos"}}}`, "settings.address.es", "unknown"},
		{"bad gender", `{"name":"x","rules":[{"id":"b","kind":"substitution","replace":[{"avoid":["a"],"use":"b","gender":"x"}]}]}`, "rules[0].replace[0].gender", "unknown"},
		{"bad disable", `{"name":"x","disable":["no good"]}`, "disable[0]", "format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := styleguide.ParseLayer([]byte(tc.json))
			require.Error(t, err)
			assert.True(t, errors.Is(err, cmkit.ErrInvalid), "%v", err)
			var ve *cmkit.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			assert.Equal(t, tc.field, ve.Field, "%v", err)
			assert.Equal(t, tc.rule, ve.Rule, "%v", err)
		})
	}
}

func TestReadLayer(t *testing.T) {
	l, err := styleguide.ReadLayer(strings.NewReader(`{"name":"r","rules":[{"id":"rep","kind":"repetition"}]}`))
	require.NoError(t, err)
	assert.Equal(t, "rep", l.Rules[0].ID)
	_, err = styleguide.ReadLayer(strings.NewReader(`{"name":1}`))
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}

func TestParseLayerCanonical(t *testing.T) {
	l, err := styleguide.ParseLayer([]byte(`{"name":"x","disable":[],"settings":{"accept":[],"address":{}},"rules":[{"id":"a","kind":"repetition","messages":{},"scope":{"languages":[]}}]}`))
	require.NoError(t, err)
	assert.Nil(t, l.Disable)
	assert.Nil(t, l.Settings.Accept)
	assert.Nil(t, l.Settings.Address)
	assert.Nil(t, l.Rules[0].Messages)
	assert.Nil(t, l.Rules[0].Scope.Languages)
}
