package moderation

import (
	"math/rand"
	"regexp"
	"testing"
)

// prefilterPatterns are the patterns the prefilter tests try, with the
// prefilter each should get.
var prefilterPatterns = map[string]int{
	`\+?[0-9][0-9 ]{8,}[0-9]`: 2, `(?i)\b(btc|usdt|eth)\b`: 1, `!{3,}`: 3, `[0-9]{2,}`: 2, `(?i)kiss`: 1,
	`(?i)ſ|k`: 0, `a*`: 0, `(?s).{3}`: 0, `[^a-z ]{2}`: 0, `\bfree\b`: 2, `\d{3}-\d{4}`: 1, `(?m)^hi$`: 1,
	`[!?]{2,}|\.{3}`: 0, `(?i)FREE|win`: 0, `a|b`: 1, `(a|b)c{2}`: 2, `x{0}`: 0, `[a-c]+[a-c]?`: 1, `é+`: 0,
	`(?i)\x{212A}`: 0, `(?i)s`: 0, `(?i)t{4}`: 4, `[[:digit:]]{3}`: 3, `\pN\pN`: 0, `(?U)!+?`: 1,
}

func TestPrefilterFindsTheBoundsOfThePatterns(t *testing.T) {
	for p, want := range prefilterPatterns {
		if got := newPrefilter(p); got.min != want {
			t.Errorf("%s: min %d (%q), want %d", p, got.min, got.ranges, want)
		}
	}
}

// checkPrefilter fails when the prefilter refuses a text the regex
// matches.
func checkPrefilter(t *testing.T, p, text string) {
	t.Helper()
	re, err := regexp.Compile(p)
	if err != nil {
		return
	}
	f := newPrefilter(p)
	if !f.pass(text) && re.MatchString(text) {
		t.Fatalf("%s: the prefilter %+v refuses %q, which matches", p, f, text)
	}
}

func TestPrefilterNeverRefusesAMatch(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var texts []string
	for _, m := range benchMentions(300) {
		texts = append(texts, m.Text)
	}
	texts = append(texts, diffTexts...)
	for k := 0; k < 3000; k++ {
		texts = append(texts, mutate(rng, texts[rng.Intn(len(texts))]))
	}
	texts = append(texts, "call +48 600 123 456", "1 2 3 4 5 6 7 8 9 0", "BTC", "ETH!", "uſdt", "kiſs \u212aiss", "!!!",
		"hi\nhi", "555-1234", "tttt TTtt", "123", "cc ac", "!?!?", "...")
	for p := range prefilterPatterns {
		for _, s := range texts {
			checkPrefilter(t, p, s)
		}
	}
	for _, c := range diffConds {
		if c.Regex != "" {
			for _, s := range texts {
				checkPrefilter(t, c.Regex, s)
			}
		}
	}
}

func FuzzPrefilter(f *testing.F) {
	for p := range prefilterPatterns {
		f.Add(p, "call +48 600 123 456 BTC!!! 555-1234")
	}
	f.Fuzz(func(t *testing.T, p, text string) {
		if len(p) > 64 || len(text) > 1000 {
			return
		}
		checkPrefilter(t, p, text)
	})
}
