package styleguide_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/testbudget"
	"github.com/cmkit/cmkit/styleguide"
)

func parse(t *testing.T, s string) styleguide.Layer {
	t.Helper()
	l, err := styleguide.ParseLayer([]byte(s))
	require.NoError(t, err)
	return l
}

func TestLayersOverrideAndDisable(t *testing.T) {
	company := parse(t, rules(`{"person":"we","accept":["Acme"]}`,
		`{"id":"banned","kind":"banned","terms":["cheap"]}`,
		`{"id":"bang","kind":"count","count":"exclamations","max":1}`,
		`{"id":"rep","kind":"repetition"}`))
	brand := parse(t, `{"name":"brand","settings":{"address":{"es":"formal"}},
		"rules":[{"id":"banned","kind":"banned","terms":["barato"],"severity":"error"},
		         {"id":"caps","kind":"count","count":"caps_words","max":0}],
		"disable":["bang"]}`)
	campaign := parse(t, `{"name":"black-friday","disable":["caps"],
		"rules":[{"id":"bang","kind":"count","count":"exclamations","max":3}]}`)
	g, err := styleguide.Compile([]styleguide.Layer{company, brand, campaign})
	require.NoError(t, err)
	assert.Equal(t, []string{"banned", "rep", "bang"}, g.Rules())
	d := styleguide.Draft{Text: "Cheap y barato!! SALE SALE", Language: "es"}
	alerts := g.Check(nil, d)
	assert.Equal(t, []string{"banned:barato", "rep:SALE"}, found(d, alerts))
	assert.Equal(t, styleguide.SeverityError, alerts[0].Severity)
	s := g.Settings()
	assert.Equal(t, styleguide.PersonWe, s.Person)
	assert.Equal(t, styleguide.AddressFormal, s.Address["es"])
	assert.Equal(t, []string{"Acme"}, s.Accept)

	// Disabling a rule no earlier layer defines is an error naming it.
	bad := parse(t, `{"name":"x","disable":["nope"]}`)
	_, err = styleguide.Compile([]styleguide.Layer{company, bad})
	var ve *cmkit.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "layers[1].disable[0]", ve.Field)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)

	// An invalid layer handed to Compile directly names its index.
	_, err = styleguide.Compile([]styleguide.Layer{{Name: "x", Rules: []styleguide.StyleRule{{ID: "a", Kind: "nope"}}}})
	require.True(t, errors.As(err, &ve))
	assert.Equal(t, "layers[0].rules[0].kind", ve.Field)
}

func TestCompileRefusesLoops(t *testing.T) {
	l := parse(t, rules("",
		`{"id":"a","kind":"substitution","replace":[{"avoid":["promo"],"use":"sale"}]}`,
		`{"id":"b","kind":"substitution","replace":[{"avoid":["sale"],"use":"offer"}]}`))
	_, err := styleguide.Compile([]styleguide.Layer{l})
	var ve *cmkit.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, "loop", ve.Rule)
	// In languages that do not overlap there is no loop.
	l = parse(t, rules("",
		`{"id":"a","kind":"substitution","scope":{"languages":["en"]},"replace":[{"avoid":["promo"],"use":"sale"}]}`,
		`{"id":"b","kind":"substitution","scope":{"languages":["es"]},"replace":[{"avoid":["sale"],"use":"oferta"}]}`))
	_, err = styleguide.Compile([]styleguide.Layer{l})
	assert.NoError(t, err)
	_, err = styleguide.Compile(nil, styleguide.WithSpeller("??", newSpeller("", nil)))
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}

func TestScope(t *testing.T) {
	g := guide(t, rules("",
		`{"id":"lang","kind":"banned","terms":["x1"],"scope":{"languages":["es"]}}`,
		`{"id":"region","kind":"banned","terms":["x2"],"scope":{"languages":["es-mx"]}}`,
		`{"id":"platform","kind":"banned","terms":["x3"],"scope":{"platforms":["instagram","x"]}}`,
		`{"id":"label","kind":"banned","terms":["x4"],"scope":{"labels":["promotion"]}}`,
		`{"id":"campaign","kind":"banned","terms":["x5"],"scope":{"campaign_kinds":["giveaway"]}}`,
		`{"id":"crisis-on","kind":"banned","terms":["x6"],"scope":{"crisis":"on"}}`,
		`{"id":"crisis-off","kind":"banned","terms":["x7"],"scope":{"crisis":"off"}}`,
		`{"id":"all","kind":"banned","terms":["x8"],"scope":{"languages":["pl"],"platforms":["linkedin"],"labels":["b2b"]}}`))
	text := "x1 x2 x3 x4 x5 x6 x7 x8"
	for _, tc := range []struct {
		name string
		d    styleguide.Draft
		want []string
	}{
		{"nothing", styleguide.Draft{}, []string{"crisis-off:x7"}},
		{"es", styleguide.Draft{Language: "es"}, []string{"lang:x1", "crisis-off:x7"}},
		{"es-MX", styleguide.Draft{Language: "es-MX"}, []string{"lang:x1", "region:x2", "crisis-off:x7"}},
		{"platform", styleguide.Draft{Platform: cmkit.Instagram}, []string{"platform:x3", "crisis-off:x7"}},
		{"label any case", styleguide.Draft{Labels: []string{"news", "Promotion"}}, []string{"label:x4", "crisis-off:x7"}},
		{"campaign", styleguide.Draft{CampaignKind: "giveaway"}, []string{"campaign:x5", "crisis-off:x7"}},
		{"crisis", styleguide.Draft{Crisis: true}, []string{"crisis-on:x6"}},
		{"all of them", styleguide.Draft{Language: "pl", Platform: cmkit.LinkedIn, Labels: []string{"b2b"}}, []string{"crisis-off:x7", "all:x8"}},
		{"not all", styleguide.Draft{Language: "pl", Platform: cmkit.LinkedIn}, []string{"crisis-off:x7"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.d.Text = text
			assert.Equal(t, tc.want, check(g, tc.d))
		})
	}
}

func TestSpansLinesColumns(t *testing.T) {
	g := guide(t, rules("",
		`{"id":"b","kind":"banned","terms":["canción","żółw","cafe"]}`,
		`{"id":"s","kind":"substitution","replace":[{"avoid":["email"],"use":"correo","avoid_gender":"m","avoid_number":"sg"}]}`))
	text := "🎉👍🏽 Una CANCIÓN\nżÓŁw i cafe\u0301 😀 EMAIL"
	d := styleguide.Draft{Text: text, Language: "es"}
	alerts := g.Check(nil, d)
	require.Len(t, alerts, 4)
	type pos struct {
		match        string
		line, column int
	}
	var got []pos
	for _, a := range alerts {
		got = append(got, pos{text[a.Start:a.End], a.Line, a.Column})
	}
	assert.Equal(t, []pos{
		{"CANCIÓN", 1, 9},    // 🎉 👍 🏽 space U n a space: 8 code points before
		{"żÓŁw", 2, 1},       // after the line break
		{"cafe\u0301", 2, 8}, // the combining accent belongs to the match
		{"EMAIL", 2, 16},
	}, got)
	assert.Equal(t, "CORREO", alerts[3].Fixes[0].Replacement)
	fixed, _ := styleguide.ApplyFixes(text, alerts)
	assert.Equal(t, "🎉👍🏽 Una CANCIÓN\nżÓŁw i cafe\u0301 😀 CORREO", fixed)
}

func TestConcurrentChecks(t *testing.T) {
	g := acme(t)
	d := styleguide.Draft{Text: "Get our cheap e-mail plan the the best! #blackfriday", Language: "en", Platform: cmkit.X}
	want := check(g, d)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 200; k++ {
				if got := check(g, d); !assert.Equal(t, want, got) {
					return
				}
			}
		}()
	}
	wg.Wait()
}

func TestAlertMessages(t *testing.T) {
	g := acme(t)
	for _, tc := range []struct {
		d    styleguide.Draft
		want string
	}{
		{styleguide.Draft{Text: "cheap", Language: "en"}, "Acme never says “cheap”."},
		{styleguide.Draft{Text: "barato", Language: "es-MX"}, "Evita «barato»."},
		{styleguide.Draft{Text: "tani", Language: "pl"}, "Unikaj „tani”."},
		{styleguide.Draft{Text: "email", Language: "es"}, "Escribe «correo», no «email»."},
		{styleguide.Draft{Text: "x!!!", Language: "fr"}, "Exclamation marks: 3, at most 2."},
	} {
		alerts := g.Check(nil, tc.d)
		require.NotEmpty(t, alerts, tc.d.Text)
		assert.Equal(t, tc.want, alerts[0].Message)
	}
}

func TestCleanDraftAllocatesNothing(t *testing.T) {
	g := acme(t)
	d := styleguide.Draft{Text: "We ship our new spring collection today. Tell us your favorite color 🌸",
		Language: "en", Platform: cmkit.X, Labels: []string{"news"}}
	dst := g.Check(make([]styleguide.Alert, 0, 8), d)
	require.Empty(t, dst)
	testbudget.NoAllocs(t, 200, func() { dst = g.Check(dst[:0], d) })
}
