package kpi

import (
	"strings"
	"testing"
	"time"
)

// nb makes test expectations readable: "~" stands for a no-break space.
func nb(s string) string { return strings.ReplaceAll(s, "~", "\u00a0") }

func TestNumberFormats(t *testing.T) {
	cases := []struct {
		v        float64
		decimals int
		en, es   string
		pl       string
	}{
		{1234.5, 1, "1,234.5", "1.234,5", "1~234,5"},
		{1234567.891, 2, "1,234,567.89", "1.234.567,89", "1~234~567,89"},
		{999, 0, "999", "999", "999"},
		{1000, 0, "1,000", "1.000", "1~000"},
		{0.5, 1, "0.5", "0,5", "0,5"},
		{-1234.5, 1, "-1,234.5", "-1.234,5", "-1~234,5"},
		{-0.04, 1, "0.0", "0,0", "0,0"},
		{0, 0, "0", "0", "0"},
	}
	for _, tc := range cases {
		for lang, want := range map[string]string{"en": tc.en, "es": tc.es, "pl": nb(tc.pl)} {
			if got := locales[lang].number(tc.v, tc.decimals); got != want {
				t.Errorf("%s number(%v, %d) = %q, want %q", lang, tc.v, tc.decimals, got, want)
			}
		}
	}
}

func TestPercentAndUnitFormats(t *testing.T) {
	cases := []struct {
		name       string
		got        func(l *locale) string
		en, es, pl string
	}{
		{"percent", func(l *locale) string { return l.percent(0.042, 1) }, "4.2%", "4,2~%", "4,2%"},
		{"big percent", func(l *locale) string { return l.percent(12.345, 1) }, "1,234.5%", "1.234,5~%", "1~234,5%"},
		{"ratio", func(l *locale) string { return l.value(UnitRatio, "", 1.5) }, "1.50", "1,50", "1,50"},
		{"count", func(l *locale) string { return l.value(UnitCount, "", 123456) }, "123,456", "123.456", "123~456"},
		{"fractional count", func(l *locale) string { return l.value(UnitCount, "", 2.25) }, "2.2", "2,2", "2,2"},
		{"currency", func(l *locale) string { return l.value(UnitCurrency, "EUR", 1234.5) }, "1,234.50~EUR", "1.234,50~EUR", "1~234,50~EUR"},
		{"seconds", func(l *locale) string { return l.value(UnitSeconds, "", 42.4) }, "42~s", "42~s", "42~s"},
		{"minutes", func(l *locale) string { return l.value(UnitSeconds, "", 725) }, "12~min 5~s", "12~min 5~s", "12~min 5~s"},
		{"whole minutes", func(l *locale) string { return l.value(UnitSeconds, "", 120) }, "2~min", "2~min", "2~min"},
		{"hours", func(l *locale) string { return l.value(UnitSeconds, "", 12000) }, "3~h 20~min", "3~h 20~min", "3~h 20~min"},
		{"whole hours", func(l *locale) string { return l.value(UnitSeconds, "", 3600) }, "1~h", "1~h", "1~h"},
		{"percentage points", func(l *locale) string { return l.change(UnitPercent, "", FigureOf(0.004)) }, "+0.4~pp", "+0,4~p.p.", "+0,4~p.p."},
		{"negative change", func(l *locale) string { return l.change(UnitSeconds, "", FigureOf(-1300)) }, "-21~min 40~s", "-21~min 40~s", "-21~min 40~s"},
		{"relative", func(l *locale) string { return l.relative(FigureOf(-0.325)) }, "-32.5%", "-32,5~%", "-32,5%"},
		{"relative up", func(l *locale) string { return l.relative(FigureOf(0.1)) }, "+10.0%", "+10,0~%", "+10,0%"},
		{"no value", func(l *locale) string { return l.figure(UnitCount, "", Figure{}) }, "–", "–", "–"},
	}
	for _, tc := range cases {
		for lang, want := range map[string]string{"en": tc.en, "es": tc.es, "pl": tc.pl} {
			if got := tc.got(locales[lang]); got != nb(want) {
				t.Errorf("%s %s = %q, want %q", lang, tc.name, got, nb(want))
			}
		}
	}
}

func TestDateFormats(t *testing.T) {
	d := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	may := time.Date(2026, 5, 31, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		lang              string
		short, long       string
		mayShort, mayLong string
	}{
		{"en", "Dec 2, 2026", "December 2, 2026", "May 31, 2026", "May 31, 2026"},
		{"es", "2 dic 2026", "2 de diciembre de 2026", "31 may 2026", "31 de mayo de 2026"},
		{"pl", "2 gru 2026", "2 grudnia 2026", "31 maj 2026", "31 maja 2026"},
	}
	for _, tc := range cases {
		l := locales[tc.lang]
		for _, c := range []struct{ got, want string }{
			{l.shortDate(l, d), tc.short}, {l.longDate(l, d), tc.long},
			{l.shortDate(l, may), tc.mayShort}, {l.longDate(l, may), tc.mayLong},
		} {
			if c.got != c.want {
				t.Errorf("%s: %q, want %q", tc.lang, c.got, c.want)
			}
		}
	}
	c := sampleScorecard("pl")
	if got, want := locales["pl"].periodRange(c), "23 lis 2026 – 29 lis 2026"; got != want {
		t.Errorf("pl period = %q, want %q", got, want)
	}
	c.End = c.Start.AddDate(0, 0, 1)
	if got, want := locales["es"].periodRange(c), "23 nov 2026"; got != want {
		t.Errorf("es one-day period = %q, want %q", got, want)
	}
}

func TestStatusReadsWithoutColour(t *testing.T) {
	for lang, l := range locales {
		seen := map[string]bool{}
		for _, s := range []ScoreStatus{ScoreMet, ScoreClose, ScoreMissed, ScoreUnknown} {
			text := l.status(s)
			sym, word, ok := strings.Cut(text, " ")
			if !ok || sym == "" || word == "" || seen[sym] || seen[word] {
				t.Errorf("%s status %q = %q: want a distinct symbol and word", lang, s, text)
			}
			seen[sym], seen[word] = true, true
		}
	}
}
