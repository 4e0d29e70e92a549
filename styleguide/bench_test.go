package styleguide_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/styleguide"
	"github.com/cmkit/cmkit/styleguide/readability"
)

// benchLayer returns a layer of 2,000 term rules (one term each, banned or
// substitution, scoped to en, es or pl, about a third each) plus one rule
// of every other kind but spelling.
func benchLayer(tb testing.TB) styleguide.Layer {
	rng := rand.New(rand.NewSource(1))
	syll := map[string][]string{
		"en": strings.Fields("pro mo tion deal bar gain mega flash cheap best top hot buy now click here sale win free bonus"),
		"es": strings.Fields("o fer ta re ba jas cho llo gan ga pre cio ba ra to com pra ya gra tis ña ción"),
		"pl": strings.Fields("pro mo cja ta ni oka zja ra bat zniż ka wy prze daż kup te raz dar mo wy ło ży"),
	}
	langs := []string{"en", "es", "pl"}
	seen := map[string]bool{}
	word := func(lang string) string {
		for {
			var b strings.Builder
			for k := 2 + rng.Intn(3); k > 0; k-- {
				b.WriteString(syll[lang][rng.Intn(len(syll[lang]))])
			}
			w := b.String()
			if rng.Intn(4) == 0 {
				w += " " + syll[lang][rng.Intn(len(syll[lang]))] + syll[lang][rng.Intn(len(syll[lang]))]
			}
			if !seen[w] {
				seen[w] = true
				return w
			}
		}
	}
	var rs []styleguide.StyleRule
	// Real terms that the benchmark text contains, so that some alerts fire.
	real := []struct{ lang, avoid, use string }{
		{"en", "utilize", "use"}, {"en", "e-mail", "email"}, {"en", "cheap", ""}, {"en", "in order to", "to"},
		{"en", "leverage", "use"}, {"en", "synergy", ""},
	}
	for i, r := range real {
		sr := styleguide.StyleRule{ID: fmt.Sprintf("real-%d", i), Scope: styleguide.RuleScope{Languages: []string{r.lang}}}
		if r.use == "" {
			sr.Kind, sr.Terms = styleguide.KindBanned, []string{r.avoid}
		} else {
			sr.Kind, sr.Replace = styleguide.KindSubstitution, []styleguide.Replacement{{Avoid: []string{r.avoid}, Use: r.use}}
		}
		rs = append(rs, sr)
	}
	for i := len(rs); i < 2000; i++ {
		lang := langs[i%3]
		sr := styleguide.StyleRule{ID: fmt.Sprintf("term-%d", i), Scope: styleguide.RuleScope{Languages: []string{lang}}}
		if i%2 == 0 {
			sr.Kind, sr.Terms = styleguide.KindBanned, []string{word(lang)}
		} else {
			sr.Kind, sr.Replace = styleguide.KindSubstitution, []styleguide.Replacement{{Avoid: []string{word(lang)}, Use: "pref" + fmt.Sprint(i)}}
		}
		rs = append(rs, sr)
	}
	other := `[
	 {"id":"disclosure","kind":"conditional","when":{"campaign_kinds":["promotion"],"labels":["sponsored"]},"require":{"terms":["#ad","#publi","#reklama"]}},
	 {"id":"utm","kind":"conditional","when":{"domains":["acme.com"]},"require":{"params":["utm_source","utm_medium","utm_campaign"]}},
	 {"id":"giveaway","kind":"conditional","when":{"terms":["giveaway","sorteo","konkurs"]},"require":{"link":"acme.com/terms*"}},
	 {"id":"bangs","kind":"count","count":"exclamations","max":3},
	 {"id":"long","kind":"count","count":"sentence_words","max":35},
	 {"id":"caps","kind":"count","count":"caps_words","max":2},
	 {"id":"emoji","kind":"count","count":"emoji","max":5},
	 {"id":"tags","kind":"hashtags","camel_case":true,"max":5,"terms":["#f4f"]},
	 {"id":"consistency","kind":"consistency","variants":[["Wi-Fi","wifi"],["online","on-line"]]},
	 {"id":"repetition","kind":"repetition"},
	 {"id":"names","kind":"capitalization","terms":["iPhone","WhatsApp","LinkedIn"]},
	 {"id":"headline","kind":"capitalization","headline":"title","scope":{"languages":["en"]}},
	 {"id":"voice","kind":"voice"},
	 {"id":"crisis","kind":"crisis","terms":["sale","discount"],"laughter":true,"emoji":true},
	 {"id":"readability","kind":"readability","min_score":50,"min_words":50,"scope":{"platforms":["blog","facebook","linkedin"]}},
	 {"id":"fit","kind":"platform"}]`
	var more []styleguide.StyleRule
	if err := json.Unmarshal([]byte(other), &more); err != nil {
		tb.Fatal(err)
	}
	rs = append(rs, more...)
	return styleguide.Layer{Name: "bench", Settings: styleguide.Settings{Person: styleguide.PersonWe,
		Address: map[string]styleguide.Address{"es": styleguide.AddressInformal, "pl": styleguide.AddressFormal}}, Rules: rs}
}

var benchSentences = strings.Fields(`We are thrilled to share our new spring collection with the whole community.|
Every piece is made from recycled cotton and ships in plastic-free packaging.|
Order today and get free shipping on everything over 50 dollars!|
Our team spent months testing each design with real customers in three cities.|
You told us you wanted more colors, so we added six new shades this season.|
Questions? Send an e-mail to hello@acme.com or message us on WhatsApp.|
Read the full story on our blog: https://acme.com/blog/spring?utm_source=x&utm_medium=social&utm_campaign=spring|
Tag a friend who needs a new jacket 🧥 and tell us your favorite color.|
We utilize solar power in our warehouse in order to cut emissions by half.|
The the new fitting guide helps you choose the right size the first time.|
Thank you for being part of this journey with us 💚 #SpringCollection #SlowFashion`)

func benchPost(words int) string {
	sents := strings.Split(strings.Join(benchSentences, " "), "|")
	var b strings.Builder
	n := 0
	for i := 0; n < words; i++ {
		s := strings.TrimSpace(sents[i%len(sents)])
		b.WriteString(s)
		b.WriteString(" ")
		if i%len(sents) == len(sents)-1 {
			b.WriteString("\n\n")
		}
		n += len(strings.Fields(s))
	}
	return strings.TrimSpace(b.String())
}

func benchGuide(b *testing.B) *styleguide.Guide {
	g, err := styleguide.Compile([]styleguide.Layer{benchLayer(b)})
	if err != nil {
		b.Fatal(err)
	}
	return g
}

// BenchmarkCheck: a 1,000-word post against 2,000 term rules and one rule
// of every other kind but spelling.
func BenchmarkCheck(b *testing.B) {
	g := benchGuide(b)
	d := styleguide.Draft{Text: benchPost(1000), Title: "Our New Spring Collection", Language: "en", Platform: cmkit.LinkedIn}
	dst := g.Check(nil, d)
	b.SetBytes(int64(len(d.Text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = g.Check(dst[:0], d)
	}
	b.ReportMetric(float64(len(dst)), "alerts")
}

// BenchmarkCheckWithoutReadability is BenchmarkCheck with the readability
// rule disabled by a second layer: what the rest of the guide costs.
func BenchmarkCheckWithoutReadability(b *testing.B) {
	g, err := styleguide.Compile([]styleguide.Layer{benchLayer(b), {Name: "off", Disable: []string{"readability"}}})
	if err != nil {
		b.Fatal(err)
	}
	d := styleguide.Draft{Text: benchPost(1000), Title: "Our New Spring Collection", Language: "en", Platform: cmkit.LinkedIn}
	dst := g.Check(nil, d)
	b.SetBytes(int64(len(d.Text)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = g.Check(dst[:0], d)
	}
	b.ReportMetric(float64(len(dst)), "alerts")
}

// BenchmarkCheckTweet: a 280-character post against the same guide.
func BenchmarkCheckTweet(b *testing.B) {
	g := benchGuide(b)
	text := "Spring is here 🌸 Our new collection is made from recycled cotton. " +
		"Questions? Send us an e-mail or message us on Whatsapp. We utilize solar power in our warehouse. " +
		"Shop now: https://acme.com/spring?utm_source=x&utm_medium=social&utm_campaign=spring #springcollection"
	if n := utf8.RuneCountInString(text); n > 280 {
		b.Fatal(n)
	}
	d := styleguide.Draft{Text: text, Language: "en", Platform: cmkit.X}
	dst := g.Check(nil, d)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = g.Check(dst[:0], d)
	}
	b.ReportMetric(float64(len(dst)), "alerts")
}

// BenchmarkCheckClean: a 280-character post that breaks no rule: no
// allocation at all.
func BenchmarkCheckClean(b *testing.B) {
	g := benchGuide(b)
	d := styleguide.Draft{Text: "We are thrilled to share our new spring collection with the whole community. " +
		"Every piece is made from recycled cotton and ships in plastic-free packaging. Tell us your favorite color.",
		Language: "en", Platform: cmkit.X}
	dst := g.Check(nil, d)
	if len(dst) > 0 {
		b.Fatalf("alerts: %+v", dst)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dst = g.Check(dst[:0], d)
	}
}

func BenchmarkCompile(b *testing.B) {
	l := benchLayer(b)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := styleguide.Compile([]styleguide.Layer{l}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadabilityCount is what the readability rule costs on the post
// of BenchmarkCheck: readability.Count, of package readability.
func BenchmarkReadabilityCount(b *testing.B) {
	text := benchPost(1000)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		readability.Count(text, "en")
	}
}
