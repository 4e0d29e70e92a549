package kpi

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The report languages' formats (the Markdown and HTML forms; JSON and CSV
// are not localized):
//
//	         number     percent   short date     long date
//	en       1,234.5    4.2%      Dec 2, 2026    December 2, 2026
//	es       1.234,5    4,2 %     2 dic 2026     2 de diciembre de 2026
//	pl       1 234,5    4,2%      2 gru 2026     2 grudnia 2026
//
// The Spanish percent sign and the Polish thousands separator follow a
// no-break space (U+00A0), so a number never wraps. Polish long dates put
// the month in the genitive, as Polish dates do. Negative numbers start
// with "-".
type locale struct {
	tag              string
	decimal, group   string
	percentSep       string
	monthsShort      [12]string
	monthsLong       [12]string
	shortDate        func(l *locale, t time.Time) string
	longDate         func(l *locale, t time.Time) string
	pointsSuffix     string // change of a percentage, in percentage points
	lbl              labels
	belowTarget      string // fmt: KPI name, periods
	engagementDrop   string // fmt: channel, percent
	trendDescription string // fmt: KPI name
}

type labels struct {
	Period, Segment, All, KPI, Value, Target, Attainment, Change, ChangeRel, Status, Goal string
	Met, Close, Missed, Unknown, NoValue                                                  string
	Higher, Lower                                                                         string
	Summary, Trends, TopPosts, BottomPosts, Channel, Post, Published, Engagements, Rate   string
	Leaders, Handle, Platform, Followers, Mentions, Sentiment                             string
	Voice, Brand, Share, OwnBrand, Recommendations                                        string
	Info, Warning, Critical                                                               string
	TableCaption, VoiceDescription                                                        string
}

const nbsp = "\u00a0"

var locales = map[string]*locale{
	"en": {
		tag: "en", decimal: ".", group: ",", percentSep: "",
		monthsShort: [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
		monthsLong:  [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
		shortDate: func(l *locale, t time.Time) string {
			return fmt.Sprintf("%s %d, %d", l.monthsShort[t.Month()-1], t.Day(), t.Year())
		},
		longDate: func(l *locale, t time.Time) string {
			return fmt.Sprintf("%s %d, %d", l.monthsLong[t.Month()-1], t.Day(), t.Year())
		},
		pointsSuffix: nbsp + "pp",
		lbl: labels{
			Period: "Period", Segment: "Segment", All: "all", KPI: "KPI", Value: "Value", Target: "Target",
			Attainment: "Attainment", Change: "Change", ChangeRel: "Change %", Status: "Status", Goal: "Goal",
			Met: "Met", Close: "Close", Missed: "Missed", Unknown: "No data", NoValue: "–",
			Higher: "higher is better", Lower: "lower is better",
			Summary: "KPI summary", Trends: "Trends", TopPosts: "Top posts", BottomPosts: "Bottom posts",
			Channel: "Channel", Post: "Post", Published: "Published", Engagements: "Engagements", Rate: "Engagement rate",
			Leaders: "Opinion leaders", Handle: "Handle", Platform: "Platform", Followers: "Followers",
			Mentions: "Mentions", Sentiment: "Sentiment",
			Voice: "Share of voice", Brand: "Brand", Share: "Share", OwnBrand: "own brand", Recommendations: "Recommendations",
			Info: "Info", Warning: "Warning", Critical: "Critical",
			TableCaption: "KPI attainment against target", VoiceDescription: "Mentions per brand and share of all mentions",
		},
		belowTarget:      "%s has been below target for %d periods in a row.",
		engagementDrop:   "Engagement on %s fell by %s against the previous period.",
		trendDescription: "%s per period against its target",
	},
	"es": {
		tag: "es", decimal: ",", group: ".", percentSep: nbsp,
		monthsShort: [12]string{"ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic"},
		monthsLong:  [12]string{"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre"},
		shortDate: func(l *locale, t time.Time) string {
			return fmt.Sprintf("%d %s %d", t.Day(), l.monthsShort[t.Month()-1], t.Year())
		},
		longDate: func(l *locale, t time.Time) string {
			return fmt.Sprintf("%d de %s de %d", t.Day(), l.monthsLong[t.Month()-1], t.Year())
		},
		pointsSuffix: nbsp + "p.p.",
		lbl: labels{
			Period: "Periodo", Segment: "Segmento", All: "todo", KPI: "KPI", Value: "Valor", Target: "Objetivo",
			Attainment: "Cumplimiento", Change: "Variación", ChangeRel: "Variación %", Status: "Estado", Goal: "Meta",
			Met: "Cumplido", Close: "Cerca", Missed: "No cumplido", Unknown: "Sin datos", NoValue: "–",
			Higher: "cuanto más, mejor", Lower: "cuanto menos, mejor",
			Summary: "Resumen de KPI", Trends: "Tendencias", TopPosts: "Mejores publicaciones", BottomPosts: "Peores publicaciones",
			Channel: "Canal", Post: "Publicación", Published: "Publicada", Engagements: "Interacciones", Rate: "Tasa de interacción",
			Leaders: "Líderes de opinión", Handle: "Usuario", Platform: "Plataforma", Followers: "Seguidores",
			Mentions: "Menciones", Sentiment: "Sentimiento",
			Voice: "Cuota de voz", Brand: "Marca", Share: "Cuota", OwnBrand: "marca propia", Recommendations: "Recomendaciones",
			Info: "Información", Warning: "Aviso", Critical: "Crítico",
			TableCaption: "Cumplimiento de los KPI frente al objetivo", VoiceDescription: "Menciones por marca y cuota del total de menciones",
		},
		belowTarget:      "%s lleva %d periodos seguidos por debajo del objetivo.",
		engagementDrop:   "Las interacciones en %s cayeron un %s frente al periodo anterior.",
		trendDescription: "%s por periodo frente a su objetivo",
	},
	"pl": {
		tag: "pl", decimal: ",", group: nbsp, percentSep: "",
		monthsShort: [12]string{"sty", "lut", "mar", "kwi", "maj", "cze", "lip", "sie", "wrz", "paź", "lis", "gru"},
		monthsLong:  [12]string{"stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września", "października", "listopada", "grudnia"},
		shortDate: func(l *locale, t time.Time) string {
			return fmt.Sprintf("%d %s %d", t.Day(), l.monthsShort[t.Month()-1], t.Year())
		},
		longDate: func(l *locale, t time.Time) string {
			return fmt.Sprintf("%d %s %d", t.Day(), l.monthsLong[t.Month()-1], t.Year())
		},
		pointsSuffix: nbsp + "p.p.",
		lbl: labels{
			Period: "Okres", Segment: "Segment", All: "wszystko", KPI: "KPI", Value: "Wartość", Target: "Cel",
			Attainment: "Realizacja", Change: "Zmiana", ChangeRel: "Zmiana %", Status: "Status", Goal: "Kierunek",
			Met: "Osiągnięty", Close: "Blisko", Missed: "Nieosiągnięty", Unknown: "Brak danych", NoValue: "–",
			Higher: "im więcej, tym lepiej", Lower: "im mniej, tym lepiej",
			Summary: "Podsumowanie KPI", Trends: "Trendy", TopPosts: "Najlepsze posty", BottomPosts: "Najsłabsze posty",
			Channel: "Kanał", Post: "Post", Published: "Opublikowano", Engagements: "Interakcje", Rate: "Wskaźnik zaangażowania",
			Leaders: "Liderzy opinii", Handle: "Nazwa", Platform: "Platforma", Followers: "Obserwujący",
			Mentions: "Wzmianki", Sentiment: "Wydźwięk",
			Voice: "Udział w dyskusji", Brand: "Marka", Share: "Udział", OwnBrand: "własna marka", Recommendations: "Rekomendacje",
			Info: "Informacja", Warning: "Ostrzeżenie", Critical: "Krytyczne",
			TableCaption: "Realizacja KPI względem celu", VoiceDescription: "Wzmianki o markach i ich udział we wszystkich wzmiankach",
		},
		belowTarget:      "%s od %d okresów z rzędu jest poniżej celu.",
		engagementDrop:   "Interakcje w kanale %s spadły o %s względem poprzedniego okresu.",
		trendDescription: "%s w kolejnych okresach na tle celu",
	},
}

// localeFor returns the locale of lang, English for an unknown one.
func localeFor(lang string) *locale {
	if l, ok := locales[lang]; ok {
		return l
	}
	return locales["en"]
}

// number writes v with decimals digits after the decimal separator and
// the thousands grouped.
func (l *locale) number(v float64, decimals int) string {
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if v < 0 && strings.Trim(s, "0.") != "" {
		b.WriteByte('-')
	}
	for i := 0; i < len(intPart); i++ {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(l.group)
		}
		b.WriteByte(intPart[i])
	}
	if frac != "" {
		b.WriteString(l.decimal)
		b.WriteString(frac)
	}
	return b.String()
}

// percent writes the fraction f as a percentage with decimals digits.
func (l *locale) percent(f float64, decimals int) string {
	return l.number(f*100, decimals) + l.percentSep + "%"
}

// signed prefixes a non-negative formatted number with "+".
func signed(v float64, s string) string {
	if v >= 0 || !strings.HasPrefix(s, "-") {
		return "+" + s
	}
	return s
}

// value writes v in unit u (currency code cur).
func (l *locale) value(u Unit, cur string, v float64) string {
	switch u {
	case UnitPercent:
		return l.percent(v, 1)
	case UnitRatio:
		return l.number(v, 2)
	case UnitSeconds:
		return l.seconds(v)
	case UnitCurrency:
		return l.number(v, 2) + nbsp + cur
	}
	if v == math.Trunc(v) {
		return l.number(v, 0)
	}
	return l.number(v, 1)
}

// figure writes f in unit u, or the no-value mark.
func (l *locale) figure(u Unit, cur string, f Figure) string {
	if !f.Set {
		return l.lbl.NoValue
	}
	return l.value(u, cur, f.Value)
}

// change writes an absolute change in unit u: signed, and in percentage
// points for percentages.
func (l *locale) change(u Unit, cur string, f Figure) string {
	if !f.Set {
		return l.lbl.NoValue
	}
	if u == UnitPercent {
		return signed(f.Value, l.number(f.Value*100, 1)) + l.pointsSuffix
	}
	return signed(f.Value, l.value(u, cur, f.Value))
}

// relative writes a relative change as a signed percentage.
func (l *locale) relative(f Figure) string {
	if !f.Set {
		return l.lbl.NoValue
	}
	return signed(f.Value, l.percent(f.Value, 1))
}

// seconds writes a duration: "42 s", "12 min 5 s", "3 h 20 min"
// (rounded to the second; the same units in the three languages).
func (l *locale) seconds(v float64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := int64(math.Round(v))
	switch {
	case s < 60:
		return fmt.Sprintf("%s%d%ss", sign, s, nbsp)
	case s < 3600:
		if s%60 == 0 {
			return fmt.Sprintf("%s%d%smin", sign, s/60, nbsp)
		}
		return fmt.Sprintf("%s%d%smin %d%ss", sign, s/60, nbsp, s%60, nbsp)
	}
	h, m := s/3600, s%3600/60
	if m == 0 {
		return fmt.Sprintf("%s%s%sh", sign, l.number(float64(h), 0), nbsp)
	}
	return fmt.Sprintf("%s%s%sh %d%smin", sign, l.number(float64(h), 0), nbsp, m, nbsp)
}

// status writes a status as a symbol and a word, readable without colour.
func (l *locale) status(s ScoreStatus) string {
	switch s {
	case ScoreMet:
		return "✔ " + l.lbl.Met
	case ScoreClose:
		return "≈ " + l.lbl.Close
	case ScoreMissed:
		return "✘ " + l.lbl.Missed
	}
	return "– " + l.lbl.Unknown
}

// urgency writes an urgency's label.
func (l *locale) urgency(u Urgency) string {
	switch u {
	case UrgencyCritical:
		return "‼ " + l.lbl.Critical
	case UrgencyWarning:
		return "! " + l.lbl.Warning
	}
	return "ℹ " + l.lbl.Info
}

// goal writes a goal's label.
func (l *locale) goal(g Goal) string {
	if g == LowerIsBetter {
		return l.lbl.Lower
	}
	return l.lbl.Higher
}

// periodRange writes the period as "first day – last day" in the short
// date form, or one date for a one-day period.
func (l *locale) periodRange(c *Scorecard) string {
	first, last := l.shortDate(l, c.Start), l.shortDate(l, c.lastDay())
	if first == last {
		return first
	}
	return first + " – " + last
}

// segment writes a segment, or the word for "all".
func (l *locale) segment(s Segment) string {
	if s == (Segment{}) {
		return l.lbl.All
	}
	return s.String()
}
