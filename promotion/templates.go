package promotion

import (
	"maps"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/cmkit/cmkit"
)

// WinnerTemplate is the text/template source of the two messages in one
// language: the direct message to a winner, and the announcement of the
// winners.
type WinnerTemplate struct {
	// Notice is executed with a NoticeData.
	Notice string `json:"notice"`
	// Announcement is executed with an AnnouncementData.
	Announcement string `json:"announcement"`
}

// NoticeData is what a notice template sees.
type NoticeData struct {
	// Handle is the winner's handle, without "@".
	Handle string
	// Prize is the prize's name.
	Prize string
	// Brand is the promotion's brand.
	Brand string
	// Promotion is the promotion's ID.
	Promotion string
	// Deadline is the last moment to answer, as "2006-01-02 15:04 MST" in
	// the promotion's zone.
	Deadline string
}

// AnnouncementData is what an announcement template sees.
type AnnouncementData struct {
	// Brand is the promotion's brand.
	Brand string
	// Promotion is the promotion's ID.
	Promotion string
	// Winners are the accepted winners, in slot order.
	Winners []AnnouncedWinner
	// Unclaimed are the names of the prizes nobody claimed, one per unit.
	Unclaimed []string
}

// AnnouncedWinner is one winner as an announcement template sees it.
type AnnouncedWinner struct {
	// Handle is the winner's handle, without "@".
	Handle string
	// Prize is the prize's name.
	Prize string
}

// WinnerTemplates are the notice and announcement templates by language,
// with a fallback language for any other. Build them with
// NewWinnerTemplates, or take DefaultWinnerTemplates. They are immutable
// and safe for concurrent use.
type WinnerTemplates struct {
	fallback string
	notice   map[string]*template.Template
	announce map[string]*template.Template
}

// deadlineLayout is how NoticeData.Deadline is written.
const deadlineLayout = "2006-01-02 15:04 MST"

// NewWinnerTemplates parses the templates, keyed by BCP 47 language tag
// (matched regardless of case), and checks each by executing it on sample
// data (an announcement both with winners and with none), so that a syntax error or a field NoticeData or AnnouncementData
// does not have fails here, as a *cmkit.ValidationError naming the
// language and message ("templates[pl].notice", rule "template").
// fallback must be one of the languages.
func NewWinnerTemplates(fallback string, byLanguage map[string]WinnerTemplate) (*WinnerTemplates, error) {
	t := &WinnerTemplates{fallback: strings.ToLower(fallback),
		notice: map[string]*template.Template{}, announce: map[string]*template.Template{}}
	for _, lang := range slices.Sorted(maps.Keys(byLanguage)) {
		src := byLanguage[lang]
		key := strings.ToLower(lang)
		if !validLanguage(lang) {
			return nil, cmkit.Invalid("templates["+lang+"]", "format", "%q is not a BCP 47 language tag", lang)
		}
		if _, dup := t.notice[key]; dup {
			return nil, cmkit.Invalid("templates["+lang+"]", "duplicate", "%q differs from another language only in case", lang)
		}
		n, err := parseChecked("templates["+lang+"].notice", src.Notice, sampleNotice)
		if err != nil {
			return nil, err
		}
		a, err := parseChecked("templates["+lang+"].announcement", src.Announcement, sampleAnnouncement, sampleNobody)
		if err != nil {
			return nil, err
		}
		t.notice[key], t.announce[key] = n, a
	}
	if _, ok := t.notice[t.fallback]; !ok {
		return nil, cmkit.Invalid("fallback", "unknown", "no templates for the fallback language %q", fallback)
	}
	return t, nil
}

var (
	sampleNotice       = NoticeData{Handle: "ana", Prize: "Prize", Brand: "Brand", Promotion: "promo", Deadline: deadlineLayout}
	sampleAnnouncement = AnnouncementData{Brand: "Brand", Promotion: "promo",
		Winners: []AnnouncedWinner{{Handle: "ana", Prize: "Prize"}, {Handle: "olek", Prize: "Prize"}}, Unclaimed: []string{"Prize"}}
	sampleNobody = AnnouncementData{Brand: "Brand", Promotion: "promo", Unclaimed: []string{"Prize"}}
)

func parseChecked(field, src string, samples ...any) (*template.Template, error) {
	if strings.TrimSpace(src) == "" {
		return nil, cmkit.Invalid(field, "required", "the template is empty")
	}
	tpl, err := template.New(field).Option("missingkey=error").Parse(src)
	if err != nil {
		return nil, cmkit.Invalid(field, "template", "%v", err)
	}
	for _, sample := range samples {
		if err := tpl.Execute(discard{}, sample); err != nil {
			return nil, cmkit.Invalid(field, "template", "%v", err)
		}
	}
	return tpl, nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// Languages returns the languages the templates have, lower-cased and
// sorted.
func (t *WinnerTemplates) Languages() []string {
	return slices.Sorted(maps.Keys(t.notice))
}

// Fallback returns the language used for any language without templates.
func (t *WinnerTemplates) Fallback() string { return t.fallback }

// match returns the language whose templates serve lang: lang itself,
// else its primary subtag ("es" for "es-MX"), else the fallback.
func (t *WinnerTemplates) match(lang string) string {
	l := strings.ToLower(lang)
	if _, ok := t.notice[l]; ok {
		return l
	}
	if base, _, ok := strings.Cut(l, "-"); ok {
		if _, ok := t.notice[base]; ok {
			return base
		}
	}
	return t.fallback
}

// Notice writes the notice for d in lang (as matched: exact, primary
// subtag, fallback), and returns the language used.
func (t *WinnerTemplates) Notice(lang string, d NoticeData) (text, used string, err error) {
	used = t.match(lang)
	var b strings.Builder
	if err := t.notice[used].Execute(&b, d); err != nil {
		return "", used, err
	}
	return b.String(), used, nil
}

// Announcement writes the announcement for d in lang (matched as for
// Notice), and returns the language used.
func (t *WinnerTemplates) Announcement(lang string, d AnnouncementData) (text, used string, err error) {
	used = t.match(lang)
	var b strings.Builder
	if err := t.announce[used].Execute(&b, d); err != nil {
		return "", used, err
	}
	return b.String(), used, nil
}

// formatDeadline writes t in zone with deadlineLayout.
func formatDeadline(t time.Time, zone string) string {
	if loc, err := time.LoadLocation(zone); err == nil {
		t = t.In(loc)
	}
	return t.Format(deadlineLayout)
}

// DefaultWinnerTemplates returns templates in English (the fallback),
// Spanish and Polish.
func DefaultWinnerTemplates() *WinnerTemplates {
	t, err := NewWinnerTemplates("en", defaultWinnerTemplates)
	if err != nil {
		panic("promotion: default winner templates: " + err.Error())
	}
	return t
}

const winnerList = `{{range $i, $w := .Winners}}{{if $i}}, {{end}}@{{$w.Handle}} ({{$w.Prize}}){{end}}`

var defaultWinnerTemplates = map[string]WinnerTemplate{
	"en": {
		Notice: "Congratulations @{{.Handle}}! You won {{.Prize}} in the {{.Brand}} promotion. " +
			"Reply to this message by {{.Deadline}} to claim it; after that, the prize goes to the next person in line.",
		Announcement: "{{if .Winners}}The winners of the {{.Brand}} promotion: " + winnerList +
			". Congratulations, and thank you all for taking part!" +
			"{{else}}Nobody claimed the prizes of the {{.Brand}} promotion. Thank you all for taking part!{{end}}",
	},
	"es": {
		Notice: "¡Enhorabuena, @{{.Handle}}! Has ganado {{.Prize}} en la promoción de {{.Brand}}. " +
			"Responde a este mensaje antes del {{.Deadline}} para reclamarlo; después, el premio pasará a la siguiente persona de la lista.",
		Announcement: "{{if .Winners}}Ganadores de la promoción de {{.Brand}}: " + winnerList +
			". ¡Enhorabuena y gracias a todos por participar!" +
			"{{else}}Nadie ha reclamado los premios de la promoción de {{.Brand}}. ¡Gracias a todos por participar!{{end}}",
	},
	"pl": {
		Notice: "Gratulacje, @{{.Handle}}! Twoja nagroda w promocji {{.Brand}}: {{.Prize}}. " +
			"Odpowiedz na tę wiadomość do {{.Deadline}}, aby ją odebrać; po tym terminie nagroda przejdzie na kolejną osobę z listy.",
		Announcement: "{{if .Winners}}Zwycięzcy promocji {{.Brand}}: " + winnerList +
			". Gratulujemy i dziękujemy wszystkim za udział!" +
			"{{else}}Nikt nie odebrał nagród w promocji {{.Brand}}. Dziękujemy wszystkim za udział!{{end}}",
	},
}
