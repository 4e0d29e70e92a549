package moderation

import (
	"math/rand"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"github.com/cmkit/cmkit/internal/testbudget"
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
	checkPrefilterTexts(t, p, []string{text})
}

// checkPrefilterTexts is checkPrefilter for each of texts, with the regex
// and the prefilter built once.
func checkPrefilterTexts(t *testing.T, p string, texts []string) {
	t.Helper()
	re, err := regexp.Compile(p)
	if err != nil {
		return
	}
	f := newPrefilter(p)
	for _, text := range texts {
		if !f.pass(text) && re.MatchString(text) {
			t.Fatalf("%s: the prefilter %+v refuses %q, which matches", p, f, text)
		}
	}
}

func TestPrefilterNeverRefusesAMatch(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	var texts []string
	for _, m := range benchMentions(300) {
		texts = append(texts, m.Text)
	}
	texts = append(texts, diffTexts...)
	mutants := 3000
	if testbudget.Race {
		mutants = 300
	}
	for k := 0; k < mutants; k++ {
		texts = append(texts, mutate(rng, texts[rng.Intn(len(texts))]))
	}
	texts = append(texts, "call +48 600 123 456", "1 2 3 4 5 6 7 8 9 0", "BTC", "ETH!", "uſdt", "kiſs \u212aiss", "!!!",
		"hi\nhi", "555-1234", "tttt TTtt", "123", "cc ac", "!?!?", "...")
	for p := range prefilterPatterns {
		checkPrefilterTexts(t, p, texts)
	}
	for _, c := range diffConds {
		if c.Regex != "" {
			checkPrefilterTexts(t, c.Regex, texts)
		}
	}
}

func FuzzPrefilter(f *testing.F) {
	for p := range prefilterPatterns {
		f.Add(p, "call +48 600 123 456 BTC!!! 555-1234")
	}
	for p := range litPatterns {
		f.Add(p, "uſdt USDT kiſs Hello World 12 EUR foobar")
	}
	f.Fuzz(func(t *testing.T, p, text string) {
		if len(p) > 64 || len(text) > 1000 {
			return
		}
		checkPrefilter(t, p, text)
	})
}

// litPatterns are patterns with the required literals each should get
// (in any order), nil for none.
var litPatterns = map[string][]string{
	`(?i)\b(btc|usdt|eth)\b`: {"btc", "dt", "eth"},
	`\bfree\b`:               {"free"},
	`(?i)kiss`:               nil,
	`(?i)kitten`:             {"itten"},
	`(?i)s`:                  nil,
	`a|b`:                    nil,
	`(?i)FREE|win`:           {"free", "win"},
	`(a|b)c{2}`:              {"acc", "bcc"},
	`x*yz`:                   {"yz"},
	`ab?cd`:                  {"cd"},
	`[Hh]ello wor[l]d`:       {"hello world"},
	`héllo`:                  {"llo"},
	`(?i)\x{212A}elvin`:      {"elvin"},
	`click (here|now)+`:      {"click "},
	`\d+ (usd|eur)`:          {" usd", " eur"},
	`foo|.*`:                 nil,
	`(foo)?bar`:              {"bar"},
}

func TestLitFilterFindsTheRequiredLiterals(t *testing.T) {
	for p, want := range litPatterns {
		re, err := syntax.Parse(p, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range newLitFilter(re.Simplify()) {
			got = append(got, n.s)
		}
		slices.Sort(got)
		want = slices.Clone(want)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
}

func TestLitFilterNeverRefusesAMatch(t *testing.T) {
	texts := []string{"BTC", "eth!", "uſdt", "USDT", "kiſs \u212aiss", "KISS", "Hello World", "x\u212aelvin", "HÉLLO",
		"click herenow", "12 EUR", "foobar", "bar", "fooba", "ab", "acc", "xyz", "abcd", "acd"}
	for _, m := range benchMentions(300) {
		texts = append(texts, m.Text)
	}
	rng := rand.New(rand.NewSource(5))
	mutants := 2000
	if testbudget.Race {
		mutants = 200
	}
	for k := 0; k < mutants; k++ {
		texts = append(texts, mutate(rng, texts[rng.Intn(len(texts))]))
	}
	for p := range litPatterns {
		checkPrefilterTexts(t, p, texts)
	}
}

// lowerASCII lower-cases the ASCII letters of s.
func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = asciiLowerByte(c)
	}
	return string(b)
}

func checkNeedle(t *testing.T, s, text string) {
	t.Helper()
	s = lowerASCII(s)
	if s == "" {
		return
	}
	n := newNeedle(s)
	if got, want := n.in(text), strings.Contains(lowerASCII(text), s); got != want {
		t.Fatalf("%q in %q: %v, want %v", s, text, got, want)
	}
}

func TestLitNeedleFindsItsString(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	alpha := "abAB zZ\x80\xc1\xe1!@`{"
	rounds := 100000
	if testbudget.Race {
		rounds = 10000
	}
	for k := 0; k < rounds; k++ {
		var s, text []byte
		for j := 1 + rng.Intn(4); j > 0; j-- {
			s = append(s, alpha[rng.Intn(len(alpha))])
		}
		for j := rng.Intn(40); j > 0; j-- {
			text = append(text, alpha[rng.Intn(len(alpha))])
		}
		checkNeedle(t, string(s), string(text))
	}
}

func FuzzLitNeedle(f *testing.F) {
	f.Add("btc", "I want BTC now")
	f.Add("eth", "ETH eth Eth")
	f.Fuzz(func(t *testing.T, s, text string) {
		checkNeedle(t, s, text)
	})
}

// TestPrefilterOfLongRepeatsIsCheap: Simplify expands x{1000} into a
// thousand copies of x. newPrefilter took every character of every copy
// as a candidate set and walked the whole tree for each, quadratic in the
// expansion: 80 s for the 58-byte pattern of the FuzzPrefilter seed
// "repeats", over the fuzzing engine's 10 s limit per input (a spurious
// looking failure, since the input passes when run alone on an idle
// machine). Allocations, unlike time, do not depend on the load: the
// quadratic walk made one per literal character per candidate, some 64
// million here.
func TestPrefilterOfLongRepeatsIsCheap(t *testing.T) {
	const p = `(?:abcdefgh){1000}`
	var f rePrefilter
	if allocs := testing.AllocsPerRun(1, func() { f = newPrefilter(p) }); allocs > 100000 {
		t.Errorf("newPrefilter(%s): %v allocations", p, allocs)
	}
	if f.min != 1000 || len(f.ranges) != 2 {
		t.Errorf("newPrefilter(%s): min %d (%q), want 1000 of one byte", p, f.min, f.ranges)
	}
	checkPrefilter(t, p, strings.Repeat("ABCDEFGH", 1000))
	checkPrefilter(t, `a{1000}b{1000}c{1000}d{1000}e{1000}f{1000}g{1000}h{1000}`, "abcdefgh")
}
