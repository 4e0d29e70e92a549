package promotion_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultWinnerTemplatesInEnglishSpanishAndPolish(t *testing.T) {
	tpl := promotion.DefaultWinnerTemplates()
	require.Equal(t, []string{"en", "es", "pl"}, tpl.Languages())
	require.Equal(t, "en", tpl.Fallback())
	d := promotion.NoticeData{Handle: "ana", Prize: "Mug", Brand: "acme", Promotion: "p", Deadline: "2026-10-30 11:00 CET"}
	want := map[string]string{
		"en": "Congratulations @ana! You won Mug in the acme promotion. Reply to this message by 2026-10-30 11:00 CET to claim it; " +
			"after that, the prize goes to the next person in line.",
		"es": "¡Enhorabuena, @ana! Has ganado Mug en la promoción de acme. Responde a este mensaje antes del 2026-10-30 11:00 CET " +
			"para reclamarlo; después, el premio pasará a la siguiente persona de la lista.",
		"pl": "Gratulacje, @ana! Twoja nagroda w promocji acme: Mug. Odpowiedz na tę wiadomość do 2026-10-30 11:00 CET, aby ją odebrać; " +
			"po tym terminie nagroda przejdzie na kolejną osobę z listy.",
	}
	for lang, text := range want {
		got, used, err := tpl.Notice(lang, d)
		require.NoError(t, err)
		require.Equal(t, lang, used)
		require.Equal(t, text, got)
	}
	a := promotion.AnnouncementData{Brand: "acme", Winners: []promotion.AnnouncedWinner{{Handle: "ana", Prize: "Mug"}, {Handle: "olek", Prize: "Weekend"}}}
	wantA := map[string]string{
		"en": "The winners of the acme promotion: @ana (Mug), @olek (Weekend). Congratulations, and thank you all for taking part!",
		"es": "Ganadores de la promoción de acme: @ana (Mug), @olek (Weekend). ¡Enhorabuena y gracias a todos por participar!",
		"pl": "Zwycięzcy promocji acme: @ana (Mug), @olek (Weekend). Gratulujemy i dziękujemy wszystkim za udział!",
	}
	for lang, text := range wantA {
		got, _, err := tpl.Announcement(lang, a)
		require.NoError(t, err)
		require.Equal(t, text, got)
	}
	nobody := promotion.AnnouncementData{Brand: "acme", Unclaimed: []string{"Mug"}}
	wantNobody := map[string]string{
		"en": "Nobody claimed the prizes of the acme promotion. Thank you all for taking part!",
		"es": "Nadie ha reclamado los premios de la promoción de acme. ¡Gracias a todos por participar!",
		"pl": "Nikt nie odebrał nagród w promocji acme. Dziękujemy wszystkim za udział!",
	}
	for lang, text := range wantNobody {
		got, _, err := tpl.Announcement(lang, nobody)
		require.NoError(t, err)
		require.Equal(t, text, got)
	}
}

func TestWinnerTemplatesMatchLanguages(t *testing.T) {
	tpl := promotion.DefaultWinnerTemplates()
	for lang, want := range map[string]string{"es-MX": "es", "PL": "pl", "pl-PL": "pl", "de": "en", "": "en", "en-GB": "en", "esp": "en"} {
		_, used, err := tpl.Notice(lang, promotion.NoticeData{})
		require.NoError(t, err)
		require.Equal(t, want, used, lang)
	}
}

func TestNewWinnerTemplatesRejectsBadTemplates(t *testing.T) {
	good := promotion.WinnerTemplate{Notice: "Hi @{{.Handle}}", Announcement: "{{range .Winners}}@{{.Handle}} {{end}}"}
	cases := []struct {
		name        string
		fallback    string
		texts       map[string]promotion.WinnerTemplate
		field, rule string
	}{
		{"unknown field", "en", map[string]promotion.WinnerTemplate{"en": good,
			"pl": {Notice: "Cześć {{.Nick}}", Announcement: good.Announcement}}, "templates[pl].notice", "template"},
		{"unknown field in the announcement", "en", map[string]promotion.WinnerTemplate{"en": good,
			"es": {Notice: good.Notice, Announcement: "{{range .Winners}}{{.Name}}{{end}}"}}, "templates[es].announcement", "template"},
		{"unknown field when nobody won", "en", map[string]promotion.WinnerTemplate{"en": {Notice: good.Notice,
			Announcement: "{{if .Winners}}yes{{else}}{{.Nobody}}{{end}}"}}, "templates[en].announcement", "template"},
		{"first winner always", "en", map[string]promotion.WinnerTemplate{"en": {Notice: good.Notice,
			Announcement: "{{(index .Winners 0).Handle}}"}}, "templates[en].announcement", "template"},
		{"syntax error", "en", map[string]promotion.WinnerTemplate{"en": {Notice: "Hi {{.Handle", Announcement: good.Announcement}},
			"templates[en].notice", "template"},
		{"empty", "en", map[string]promotion.WinnerTemplate{"en": {Notice: good.Notice}}, "templates[en].announcement", "required"},
		{"bad language tag", "en", map[string]promotion.WinnerTemplate{"en": good, "e_s": good}, "templates[e_s]", "format"},
		{"same language twice", "en", map[string]promotion.WinnerTemplate{"en": good, "EN": good}, "templates[en]", "duplicate"},
		{"no fallback", "de", map[string]promotion.WinnerTemplate{"en": good}, "fallback", "unknown"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tpl, err := promotion.NewWinnerTemplates(c.fallback, c.texts)
			requireInvalid(t, err, c.field, c.rule)
			require.Nil(t, tpl)
		})
	}
	tpl, err := promotion.NewWinnerTemplates("EN", map[string]promotion.WinnerTemplate{"En": good})
	require.NoError(t, err)
	require.Equal(t, []string{"en"}, tpl.Languages())
	require.Equal(t, "en", tpl.Fallback())
	text, used, err := tpl.Notice("en-US", promotion.NoticeData{Handle: "ana"})
	require.NoError(t, err)
	require.Equal(t, "en", used)
	require.Equal(t, "Hi @ana", text)
}

func TestWinnerTemplatesAreSafeForConcurrentUse(t *testing.T) {
	tpl := promotion.DefaultWinnerTemplates()
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 100 {
				h := fmt.Sprintf("user%d", i)
				text, _, err := tpl.Notice([]string{"en", "es", "pl"}[i%3], promotion.NoticeData{Handle: h})
				assert.NoError(t, err)
				assert.Contains(t, text, "@"+h)
			}
		}()
	}
	wg.Wait()
}

// FuzzNewWinnerTemplates: any template source either fails to load with
// cmkit.ErrInvalid, or loads and writes the sample's notice.
func FuzzNewWinnerTemplates(f *testing.F) {
	f.Add("Hi @{{.Handle}}, {{.Prize}} until {{.Deadline}}", "{{range .Winners}}@{{.Handle}}{{end}}")
	f.Add("{{.Nick}}", "{{.Brand}}")
	f.Add("{{define \"x\"}}{{template \"x\"}}{{end}}{{template \"x\"}}", "{{.Brand}}")
	f.Add("{{index .Handle 2}}", "{{index .Winners 1}}")
	f.Fuzz(func(t *testing.T, notice, announcement string) {
		tpl, err := promotion.NewWinnerTemplates("en", map[string]promotion.WinnerTemplate{"en": {Notice: notice, Announcement: announcement}})
		if err != nil {
			require.ErrorIs(t, err, cmkit.ErrInvalid)
			return
		}
		_, _, err = tpl.Notice("en", promotion.NoticeData{Handle: "ana", Prize: "Prize", Brand: "Brand", Promotion: "promo",
			Deadline: "2006-01-02 15:04 MST"})
		require.NoError(t, err)
	})
}
