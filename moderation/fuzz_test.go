package moderation

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/langtag"
	"github.com/cmkit/cmkit/internal/testbudget"
)

// fuzzConds are the conditions FuzzEvaluate combines.
var fuzzConds = []Cond{
	{Lexicon: "insults"}, {Lexicon: "spam", MinHits: 2}, {Lexicon: "mine"}, {Lexicon: "mine", Terms: []string{"ab"}},
	{Regex: `[0-9]{2,}`}, {Regex: `(?i)x+`, Normalized: true}, {Regex: `^`}, {Regex: `$`, Normalized: true},
	{Links: &Range{Min: ptr(1.0)}}, {Domains: []string{"acme.com"}}, {Shortened: ptr(true)},
	{CapsRatio: &Range{Min: ptr(0.5)}}, {Emoji: &Range{Min: ptr(1.0)}}, {Length: &Range{Max: ptr(50.0)}},
	{Languages: []string{"es"}}, {SentimentLabels: []string{"negative"}}, {FirstTime: ptr(true)},
	{Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 2}},
	{Links: &Range{Min: ptr(1.0)}, Wave: &WaveCond{Within: Duration(time.Hour), MinCount: 2}},
}

func FuzzEvaluate(f *testing.F) {
	f.Add("Eres un 1d10t4 🔥 https://bit.ly/x", uint64(0x1234), "es")
	f.Add("i.d.i.o.t.a ＩＤＩＯＴＡ id\u200biota", uint64(99), "")
	f.Add("\xff\xfe głupi GLUPI a-b-c", uint64(7), "pl")
	f.Fuzz(func(t *testing.T, text string, pick uint64, lang string) {
		defer testbudget.CheckFuzz(t, time.Now(), text)
		// Build a rule set from the bits of pick.
		set := RuleSet{Builtin: []string{"insults", "spam"},
			Lexicons: []TermList{{Name: "mine", Substring: pick&1 == 0, Terms: []string{"ab", "x-y", "ñ"}}}}
		for i := 0; i < 4; i++ {
			a := fuzzConds[int(pick>>(8*i)&0xff)%len(fuzzConds)]
			b := fuzzConds[int(pick>>(8*i+4)&0xff)%len(fuzzConds)]
			var w Cond
			switch pick >> (40 + 2*i) & 3 {
			case 0:
				w = a
			case 1:
				w = Cond{All: []Cond{a, b}}
			case 2:
				w = Cond{Any: []Cond{a, b}}
			default:
				w = Cond{Not: &a}
			}
			set.Rules = append(set.Rules, ModRule{ID: string(rune('a' + i)), When: w,
				Then: Actions{Flag: []string{"f"}, Reply: map[string]string{"*": "{author} {mine} {insults}"}, Stop: pick>>(60+i)&1 == 1}})
		}
		if lang != "" && !langtag.Valid(lang) {
			lang = ""
		}
		e, err := Compile(set, WithWaveMemory(64), WithAuthorMemory(64))
		if err != nil {
			t.Fatal(err)
		}
		var v Verdict
		m := cmkit.Mention{Text: text, Language: lang, Author: cmkit.Author{ID: "a"}}
		for k := 0; k < 2; k++ {
			e.Evaluate(&v, m)
			check := func(h Hit) {
				if h.Start < 0 || h.End > len(text) || h.Start > h.End {
					t.Fatalf("span [%d:%d] outside %d bytes", h.Start, h.End, len(text))
				}
				if !boundary(text, h.Start) || !boundary(text, h.End) {
					t.Fatalf("span [%d:%d] not on character boundaries of %q", h.Start, h.End, text)
				}
			}
			for _, h := range v.Hits {
				check(h)
			}
			for _, fr := range v.Fired {
				for _, h := range fr.Hits {
					check(h)
				}
			}
			for _, r := range v.Replies {
				_ = v.ReplyText(r, m)
			}
		}
	})
}

// boundary reports whether i is a character boundary of s: the start of
// a character or of an invalid byte, or the end.
func boundary(s string, i int) bool {
	if i == 0 || i == len(s) {
		return true
	}
	for j := 0; j < len(s); {
		if j == i {
			return true
		}
		if j > i {
			return false
		}
		_, size := utf8.DecodeRuneInString(s[j:])
		j += size
	}
	return false
}
