package inbox_test

import (
	. "github.com/cmkit/cmkit/moderation/inbox"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

var workCanned = []CannedResponse{
	{ID: "dm", Name: "Pedir DM", Texts: map[string]string{
		"es":    "Hola {author}, soy {agent} de {brand}. Escríbenos por privado a @{handle} y lo vemos.",
		"es-MX": "¡Qué onda {name}! Mándanos DM, por favor.",
		"pl":    "Cześć {author}, napisz do nas na priv.",
		"*":     "Hi {author}, please DM us on {channel}.",
	}},
	{ID: "thanks", Name: "Gracias", Texts: map[string]string{"es": "¡Gracias, {name}!"}},
	{ID: "en-only", Texts: map[string]string{"en": "Thanks!"}},
}

func TestWithCannedResponsesValidates(t *testing.T) {
	tests := []struct {
		name  string
		rs    []CannedResponse
		field string
	}{
		{"no ID", []CannedResponse{{Texts: map[string]string{"es": "x"}}}, "WithCannedResponses[0].id"},
		{"long ID", []CannedResponse{{ID: strings.Repeat("x", 65), Texts: map[string]string{"es": "x"}}}, "WithCannedResponses[0].id"},
		{"ID twice", []CannedResponse{{ID: "a", Texts: map[string]string{"es": "x"}}, {ID: "a", Texts: map[string]string{"es": "y"}}},
			"WithCannedResponses[1].id"},
		{"no text", []CannedResponse{{ID: "a"}}, "WithCannedResponses[0].texts"},
		{"bad language", []CannedResponse{{ID: "a", Texts: map[string]string{"spanish!": "x"}}}, `WithCannedResponses[0].texts["spanish!"]`},
		{"one language twice", []CannedResponse{{ID: "a", Texts: map[string]string{"es": "x", "ES": "y"}}}, `WithCannedResponses[0].texts["es"]`},
		{"empty text", []CannedResponse{{ID: "a", Texts: map[string]string{"es": ""}}}, `WithCannedResponses[0].texts["es"]`},
		{"invalid UTF-8", []CannedResponse{{ID: "a", Texts: map[string]string{"es": "a\xff"}}}, `WithCannedResponses[0].texts["es"]`},
		{"long text", []CannedResponse{{ID: "a", Texts: map[string]string{"*": strings.Repeat("x", MaxCannedBytes+1)}}}, `WithCannedResponses[0].texts["*"]`},
		{"unknown placeholder", []CannedResponse{{ID: "a", Texts: map[string]string{"pl": "Cześć {imie}"}}}, `WithCannedResponses[0].texts["pl"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(NewMemoryStore(), WithCannedResponses(tt.rs...))
			requireInvalid(t, err, tt.field)
		})
	}
}

func TestPickText(t *testing.T) {
	texts := map[string]string{"es": "", "es-MX": "", "zh-Hant": "", "*": ""}
	tests := []struct{ lang, want string }{
		{"es", "es"},
		{"ES", "es"},
		{"es-MX", "es-MX"},
		{"es-mx", "es-MX"},
		{"es-AR", "es"},
		{"es_AR", "es"},
		{"zh-Hant-TW", "zh-Hant"},
		{"zh", "*"},
		{"est", "*"}, // "es" does not cover "est"
		{"pl", "*"},
		{"", "*"},
	}
	for _, tt := range tests {
		got, ok := PickText(texts, tt.lang)
		assert.True(t, ok)
		assert.Equal(t, tt.want, got, "lang %q", tt.lang)
	}
	_, ok := PickText(map[string]string{"en": ""}, "pl")
	assert.False(t, ok)
}

func TestCannedShowsWhatApplies(t *testing.T) {
	e := newWorkEnv(t, WithCannedResponses(workCanned...))
	c := e.newConv(e.es, "hola", withAuthor(cmkit.Author{ID: "u1", Handle: "lucia_g", DisplayName: "Lucía"}))
	got, err := e.ib.Canned(e.as("eva"), c.ID)
	require.NoError(t, err)
	assert.Equal(t, []CannedReply{
		{ID: "dm", Name: "Pedir DM", Lang: "es", Text: "Hola @lucia_g, soy eva de acme. Escríbenos por privado a @acme_es y lo vemos."},
		{ID: "thanks", Name: "Gracias", Lang: "es", Text: "¡Gracias, Lucía!"},
	}, got)

	mx := e.newConv(e.es, "qué onda", withLang("es-MX"), withAuthor(cmkit.Author{ID: "u2", Handle: "beto"}))
	got, err = e.ib.Canned(e.as("eva"), mx.ID)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "¡Qué onda beto! Mándanos DM, por favor.", got[0].Text, "{name} falls back to the handle")
	assert.Equal(t, "es", got[1].Lang)

	de := e.newConv(e.pl, "hallo", withLang("de"), withAuthor(cmkit.Author{ID: "u3", DisplayName: "Jörg"}))
	got, err = e.ib.Canned(e.as("ola"), de.ID)
	require.NoError(t, err)
	assert.Equal(t, []CannedReply{{ID: "dm", Name: "Pedir DM", Lang: "*", Text: "Hi Jörg, please DM us on fake."}}, got)

	_, err = e.ib.Canned(e.as("ola"), c.ID)
	requireForbidden(t, err, "ola may not inbox.read")
	_, err = e.ib.Canned(e.ctx, c.ID)
	requireForbidden(t, err, "no acting member")
	_, err = e.ib.Canned(e.as("ola"), cmkit.NewID())
	require.ErrorIs(t, err, cmkit.ErrNotFound)
}

// A canned answer is sent in the conversation's language, with the values
// the product gives; a value holding braces is not read as a placeholder.
func TestReplyWithCanned(t *testing.T) {
	e := newWorkEnv(t, WithCannedResponses(workCanned...))
	c := e.newConv(e.es, "¿dónde está mi pedido?", withAuthor(cmkit.Author{ID: "u1", Handle: "lucia_g"}))
	m, err := e.ib.Reply(e.as("eva"), c.ID, c.Version, ReplyRequest{Canned: "dm",
		Values: map[string]string{"agent": "Eva {author}", "brand": "ACME"}})
	require.NoError(t, err)
	want := "Hola @lucia_g, soy Eva {author} de ACME. Escríbenos por privado a @acme_es y lo vemos."
	assert.Equal(t, want, m.Mention.Text)
	assert.Equal(t, want, e.es.Posts()[0].Post.Text)
	assert.Equal(t, "es", e.es.Posts()[0].Post.Language)
}

// The fill is the rule engine's for {author} and {name}: a customer
// without a handle is named by their display name.
func TestFillMatchesRuleReplies(t *testing.T) {
	c := &Conversation{Author: cmkit.Author{DisplayName: "Ana G."}, Resource: roles.Resource{Brand: "acme"}}
	info := cmkit.ChannelInfo{Handle: "acme_es", Platform: cmkit.Instagram}
	assert.Equal(t, "Ana G. / Ana G. / acme_es / eva / acme / instagram",
		FillForTest(c, info, "eva", nil, "{author} / {name} / {handle} / {agent} / {brand} / {channel}"))
	assert.Equal(t, "", FillForTest(c, info, "eva", nil, "{unknown}"), "a placeholder the validation would refuse fills as nothing")
}

// FuzzCannedText: whatever a team writes, validation never panics, and a
// text it accepts fills as a plain replacement of each placeholder by its
// value would.
func FuzzCannedText(f *testing.F) {
	for _, s := range []string{"Hola {author}", "{agent}{brand}", "{{author}}", "}{", "{}", "{name", "¡Gracias, {name}!", "x\xff{y}"} {
		f.Add("es", s)
	}
	f.Add("*", "Hi {channel}")
	f.Add("es-419", "{handle}")
	oracle := strings.NewReplacer("{author}", "@h", "{name}", "N", "{handle}", "H", "{agent}", "A", "{brand}", "B", "{channel}", "P")
	f.Fuzz(func(t *testing.T, lang, text string) {
		err := WithCannedResponses(CannedResponse{ID: "x", Texts: map[string]string{lang: text}})(&Inbox{})
		if err != nil {
			require.ErrorIs(t, err, cmkit.ErrInvalid)
			return
		}
		c := &Conversation{Author: cmkit.Author{Handle: "h", DisplayName: "N"}, Resource: roles.Resource{Brand: "B"}}
		require.Equal(t, oracle.Replace(text), FillForTest(c, cmkit.ChannelInfo{Handle: "H", Platform: "P"}, "A", nil, text))
	})
}
