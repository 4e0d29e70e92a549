package styleguide_test

import (
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit/styleguide"
)

func TestApplyFixesNeverOverlaps(t *testing.T) {
	text := "abcdefghij"
	alerts := []styleguide.Alert{
		{Fixes: []styleguide.Fix{{Start: 2, End: 5, Replacement: "X", Auto: true}}},
		{Fixes: []styleguide.Fix{{Start: 4, End: 6, Replacement: "Y", Auto: true}}},  // overlaps the first
		{Fixes: []styleguide.Fix{{Start: 5, End: 5, Replacement: "+", Auto: true}}},  // insertion after it: fine
		{Fixes: []styleguide.Fix{{Start: 5, End: 5, Replacement: "-", Auto: true}}},  // a second insertion at 5
		{Fixes: []styleguide.Fix{{Start: 7, End: 8, Replacement: "S"}}},              // a suggestion
		{Fixes: []styleguide.Fix{{Start: 8, End: 20, Replacement: "Z", Auto: true}}}, // outside the text
		{Field: styleguide.FieldTitle, Fixes: []styleguide.Fix{{Start: 0, End: 1, Replacement: "T", Auto: true}}},
		{Fixes: []styleguide.Fix{{Start: 9, End: 10, Replacement: "J", Auto: true}, {Start: 0, End: 1, Replacement: "A", Auto: true}}},
	}
	out, applied := styleguide.ApplyFixes(text, alerts)
	assert.Equal(t, "abX+fghiJ", out)
	assert.Equal(t, []styleguide.Fix{{2, 5, "X", true}, {5, 5, "+", true}, {9, 10, "J", true}}, applied)
	for i := 1; i < len(applied); i++ {
		assert.LessOrEqual(t, applied[i-1].End, applied[i].Start)
	}
}

func TestApplyFixesInvalidUTF8(t *testing.T) {
	text := "ok \xff\xfe bad é \xc3"
	out, applied := styleguide.ApplyFixes(text, nil)
	assert.True(t, utf8.ValidString(out))
	assert.Equal(t, "ok \uFFFD bad é \uFFFD", out)
	assert.Len(t, applied, 2)
	// A fix inside a character is refused.
	out, applied = styleguide.ApplyFixes("é", []styleguide.Alert{{Fixes: []styleguide.Fix{{Start: 1, End: 2, Auto: true}}}})
	assert.Equal(t, "é", out)
	assert.Empty(t, applied)
}

func TestGuideFixReachesFixedPoint(t *testing.T) {
	g := guide(t, rules("",
		`{"id":"s","kind":"substitution","scope":{"languages":["es"]},"replace":[{"avoid":["email"],"use":"correo","avoid_gender":"m","avoid_number":"sg"}]}`,
		`{"id":"r","kind":"repetition"}`,
		`{"id":"p","kind":"capitalization","terms":["WhatsApp"]}`))
	d := styleguide.Draft{Text: "Un email correo por whatsapp whatsapp.", Language: "es"}
	// One round leaves a repetition that the substitution made.
	once, _ := styleguide.ApplyFixes(d.Text, g.Check(nil, d))
	assert.Equal(t, "Un correo correo por WhatsApp.", once)
	fixed, edits := g.Fix(d)
	assert.Equal(t, "Un correo por WhatsApp.", fixed)
	// The edits, in the original's coordinates, make the same text.
	got, _ := styleguide.ApplyFixes(d.Text, []styleguide.Alert{{Fixes: edits[:1]}, {Fixes: edits[1:]}})
	if len(edits) > 2 {
		var as []styleguide.Alert
		for _, e := range edits {
			as = append(as, styleguide.Alert{Fixes: []styleguide.Fix{e}})
		}
		got, _ = styleguide.ApplyFixes(d.Text, as)
	}
	assert.Equal(t, fixed, got)
	again, more := g.Fix(styleguide.Draft{Text: fixed, Language: "es"})
	assert.Equal(t, fixed, again)
	assert.Empty(t, more)
}

func TestFixAcme(t *testing.T) {
	g := acme(t)
	for _, tc := range []struct {
		d    styleguide.Draft
		want string
	}{
		{styleguide.Draft{Text: "Send an e-mail to the the team on Whatsapp", Language: "en"}, "Send an email to the team on WhatsApp"},
		{styleguide.Draft{Text: "Mándanos un EMAIL por IPHONE de de Acme", Language: "es"}, "Mándanos un CORREO por iPhone de Acme"},
		{styleguide.Draft{Text: "Napisz mail w w sprawie Wi-Fi, wifi i wifi", Language: "pl"}, "Napisz e-mail w sprawie wifi, wifi i wifi"},
	} {
		fixed, edits := g.Fix(tc.d)
		assert.Equal(t, tc.want, fixed)
		var as []styleguide.Alert
		for _, e := range edits {
			require.True(t, e.Auto)
			as = append(as, styleguide.Alert{Fixes: []styleguide.Fix{e}})
		}
		replayed, _ := styleguide.ApplyFixes(tc.d.Text, as)
		assert.Equal(t, fixed, replayed)
	}
}
