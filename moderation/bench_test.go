package moderation

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
)

// benchVocabulary is everyday English, Spanish and Polish.
var benchVocabulary = map[string][]string{
	"en": strings.Fields(`the of and to in is you that it was for on are as with they at be this have from or one had by
word but not what all were we when your can said there use an each which she do how their if will up other about out
many then them these so some her would make like him into time has look two more write go see number no way could people
my than first water been call who oil its now find long down day did get come made may part order shipping package
delivery store love great thanks awesome product support help question price color size available`),
	"es": strings.Fields(`el la de que y en un ser se no haber por con su para como estar tener le lo todo pero más hacer o
poder decir este ir otro ese si me ya ver porque dar cuando muy sin vez mucho saber qué sobre mañana también niño corazón
canción árbol año último después según jamás próximo aquí allí será está búsqueda promoción envío pedido tienda gracias
producto precio color talla disponible ayuda pregunta`),
	"pl": strings.Fields(`się nie jest to że na w z do co jak ale tak już jeszcze tylko może być który bardzo wszystko dzięki
żeby kiedy gdzie teraz zniżki dziś sklep klient zamówienie przesyłka łódź źródło gęś żółw świetny ciekawy ważny produkt
cena kolor rozmiar dostępny pomoc pytanie paczka dostawa`),
}

var benchSpice = []string{"idiota", "1d10t", "GŁUPI", "i.d.i.o.t.a", "click here", "free followers", "https://bit.ly/3xYz",
	"https://acme.com/shop", "no funciona", "nie działa", "refund", "🔥🔥", "😡", "URGENT", "verify your account", "kurwa"}

// benchMentions returns n mentions of 40 to 280 bytes in English, Spanish
// and Polish, one in four with something for the rules to find.
func benchMentions(n int) []cmkit.Mention {
	rng := rand.New(rand.NewSource(13))
	langs := []string{"en", "es", "pl"}
	kinds := []cmkit.MentionKind{cmkit.KindComment, cmkit.KindReply, cmkit.KindMention, cmkit.KindDirectMessage, cmkit.KindReview}
	out := make([]cmkit.Mention, n)
	for i := range out {
		lang := langs[rng.Intn(3)]
		words := benchVocabulary[lang]
		size := 40 + rng.Intn(241)
		var b strings.Builder
		for b.Len() < size {
			w := words[rng.Intn(len(words))]
			switch rng.Intn(40) {
			case 0:
				w = strings.ToUpper(w)
			case 1:
				w += ","
			case 2:
				w += "!"
			case 3:
				w = benchSpice[rng.Intn(len(benchSpice))]
			}
			if b.Len()+len(w)+1 > 280 {
				break
			}
			b.WriteString(w)
			b.WriteByte(' ')
		}
		out[i] = cmkit.Mention{ID: fmt.Sprint(i), ChannelID: fmt.Sprint("ch", i%4), Kind: kinds[rng.Intn(len(kinds))],
			Language: lang, Text: strings.TrimSpace(b.String()),
			Author: cmkit.Author{ID: fmt.Sprint("u", rng.Intn(500)), Handle: fmt.Sprint("user", i), Followers: int64(rng.Intn(100000)),
				CreatedAt: t0.AddDate(0, 0, -rng.Intn(1000))}}
	}
	return out
}

// benchLexicons returns made-up terms, 10,000 in all with the built-in
// lists, in 20 lists, one in ten matched as substrings.
func benchLexicons() []TermList {
	rng := rand.New(rand.NewSource(42))
	syll := strings.Fields("ka ro mi ta ne so lu pe di ga zo ve ri no ba che ña ło ży ść ęk ół ją pri stra glo wer fen")
	seen := map[string]bool{}
	builtinTerms := 0
	for _, l := range BuiltinLexicons() {
		builtinTerms += len(l.Terms)
	}
	lists := make([]TermList, 20)
	for i := range lists {
		lists[i] = TermList{Name: fmt.Sprint("list", i), Substring: i%10 == 9}
	}
	for k := 0; k < 10000-builtinTerms; {
		var b strings.Builder
		for j := 3 + rng.Intn(3); j > 0; j-- {
			b.WriteString(syll[rng.Intn(len(syll))])
		}
		s := b.String()
		if seen[s] {
			continue
		}
		seen[s] = true
		lists[k%20].Terms = append(lists[k%20].Terms, s)
		k++
	}
	return lists
}

// benchRules returns 50 rules over the built-in and made-up lexicons,
// three of them with regexes, as a brand would write them.
func benchRules() RuleSet {
	set := RuleSet{Builtin: BuiltinNames(), Lexicons: benchLexicons(),
		AuthorLists: []AuthorList{{Name: "blocked", Authors: []string{"u1", "u2", "@spammer"}}}}
	add := func(id string, when Cond, then Actions) {
		set.Rules = append(set.Rules, ModRule{ID: id, When: when, Then: then})
	}
	add("blocked", Cond{AuthorList: "blocked"}, Actions{Delete: true, Stop: true})
	add("insults", Cond{Lexicon: "insults"}, Actions{Hide: true, Flag: []string{"insult"}})
	add("insults-dm", Cond{Lexicon: "insults", Kinds: []cmkit.MentionKind{cmkit.KindDirectMessage}}, Actions{Priority: 3})
	add("scam", Cond{Lexicon: "scam"}, Actions{Delete: true, Flag: []string{"scam"}})
	add("spam-links", Cond{Lexicon: "spam", Links: &Range{Min: ptr(1.0)}}, Actions{Hide: true})
	add("spam-short", Cond{Lexicon: "spam", Shortened: ptr(true)}, Actions{Delete: true})
	add("complaint", Cond{Lexicon: "complaints", Not: &Cond{Kinds: []cmkit.MentionKind{cmkit.KindReview}}},
		Actions{Support: true, Queue: "care", Reply: map[string]string{"es": "Hola {author}", "pl": "Cześć {author}", "*": "Hi {author}"}})
	add("complaint-urgent", Cond{All: []Cond{{Lexicon: "complaints"}, {Lexicon: "urgency"}}}, Actions{Priority: 5})
	add("review-complaint", Cond{Lexicon: "complaints", Kinds: []cmkit.MentionKind{cmkit.KindReview}}, Actions{Queue: "reviews"})
	add("leader", Cond{Followers: &Range{Min: ptr(90000.0)}, Verified: ptr(true)}, Actions{OpinionLeader: true})
	add("new-account-links", Cond{AccountAgeDays: &Range{Max: ptr(7.0)}, Links: &Range{Min: ptr(1.0)}}, Actions{Hold: true})
	add("first-time-link", Cond{FirstTime: ptr(true), Shortened: ptr(true)}, Actions{Hold: true})
	add("shouting", Cond{CapsRatio: &Range{Min: ptr(0.7)}, Length: &Range{Min: ptr(20.0)}}, Actions{Flag: []string{"shouting"}})
	add("emoji-storm", Cond{Emoji: &Range{Min: ptr(6.0)}}, Actions{Flag: []string{"emoji"}})
	add("dm-channel0", Cond{Channels: []string{"ch0"}, Kinds: []cmkit.MentionKind{cmkit.KindDirectMessage}}, Actions{Queue: "dm"})
	add("competitor-domain", Cond{Domains: []string{"rival.com", "rival.es"}}, Actions{Flag: []string{"competitor"}})
	add("wave", Cond{Links: &Range{Min: ptr(1.0)}, Wave: &WaveCond{Within: Duration(10 * time.Minute), MinCount: 5, MinAuthors: 3}},
		Actions{Delete: true, Flag: []string{"wave"}})
	add("regex-phone", Cond{Lexicon: "spam", Regex: `\+?[0-9][0-9 ]{8,}[0-9]`}, Actions{Hide: true})
	add("regex-crypto", Cond{Lexicon: "scam", Regex: `(?i)\b(btc|usdt|eth)\b`}, Actions{Crisis: true})
	add("regex-exclaim", Cond{CapsRatio: &Range{Min: ptr(0.5)}, Regex: `!{3,}`}, Actions{Priority: 1})
	for i := 0; len(set.Rules) < 50; i++ {
		l := fmt.Sprint("list", i%20)
		switch i % 4 {
		case 0:
			add(fmt.Sprint("lex", i), Cond{Lexicon: l}, Actions{Flag: []string{l}})
		case 1:
			add(fmt.Sprint("lex", i), Cond{Lexicon: l, MinHits: 2}, Actions{Priority: 2})
		case 2:
			add(fmt.Sprint("lex", i), Cond{Any: []Cond{{Lexicon: l}, {Lexicon: fmt.Sprint("list", (i+7)%20)}}}, Actions{Queue: l})
		default:
			add(fmt.Sprint("lex", i), Cond{Lexicon: l, Kinds: []cmkit.MentionKind{cmkit.KindComment}}, Actions{Hold: true})
		}
	}
	return set
}

func benchEvaluate(b *testing.B, opts ...Option) {
	clock := &fixedClock{t: t0}
	opts = append([]Option{WithClock(clock)}, opts...)
	e, err := Compile(benchRules(), opts...)
	if err != nil {
		b.Fatal(err)
	}
	if got := len(e.terms); got < 9900 {
		b.Fatalf("%d terms", got)
	}
	ms := benchMentions(1000)
	var v Verdict
	for i := range ms { // warm the verdict and the memories
		e.Evaluate(&v, ms[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Evaluate(&v, ms[i%len(ms)])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/mention")
}

// BenchmarkEvaluate: 10,000 terms, 50 rules, mentions that carry their
// language, no sentiment.
func BenchmarkEvaluate(b *testing.B) {
	benchEvaluate(b, WithDetector(nil))
}

// BenchmarkEvaluateAll: the same with language detection (mentions without
// Language) and sentiment on every mention.
func BenchmarkEvaluateAll(b *testing.B) {
	clock := &fixedClock{t: t0}
	e, err := Compile(benchRules(), WithClock(clock), WithAnnotations())
	if err != nil {
		b.Fatal(err)
	}
	ms := benchMentions(1000)
	for i := range ms {
		ms[i].Language = ""
	}
	var v Verdict
	for i := range ms {
		e.Evaluate(&v, ms[i])
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Evaluate(&v, ms[i%len(ms)])
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/mention")
}

// BenchmarkNaiveContains is the baseline: lower-case the text and call
// strings.Contains for each of the 10,000 terms (no accents, l33t or
// separators folded, no whole words, no spans).
func BenchmarkNaiveContains(b *testing.B) {
	var terms []string
	for _, l := range append(BuiltinLexicons(), benchLexicons()...) {
		for _, t := range l.Terms {
			terms = append(terms, strings.ToLower(t))
		}
	}
	ms := benchMentions(1000)
	b.ReportAllocs()
	b.ResetTimer()
	hits := 0
	for i := 0; i < b.N; i++ {
		text := strings.ToLower(ms[i%len(ms)].Text)
		for _, t := range terms {
			if strings.Contains(text, t) {
				hits++
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/mention")
}
