package inbox_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/metrics"
	"strconv"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation"
	"github.com/cmkit/cmkit/moderation/inbox"
	"github.com/cmkit/cmkit/roles"
)

// igBenchRules is a brand's rule set as it would write one: the built-in
// lexicons, its products and competitors, and 20 rules.
const igBenchRules = `{
  "builtin": ["insults", "complaints", "spam", "scam", "urgency"],
  "lexicons": [
    {"name": "product", "terms": ["RoboMop", "AquaBot", "robo mop", "aqua bot", "SkyVac"]},
    {"name": "competitor", "terms": ["CleanCo", "MopMaster", "Dustinator"]},
    {"name": "praise", "terms": ["love it", "great", "awesome", "genial", "świetny", "super"]}
  ],
  "author_lists": [{"name": "blocked", "authors": ["u1", "@spammer"]}],
  "rules": [
    {"id": "blocked", "when": {"author_list": "blocked"}, "then": {"delete": true, "stop": true}},
    {"id": "insults", "when": {"lexicon": "insults"}, "then": {"hide": true, "flag": ["insult"]}},
    {"id": "insults-dm", "when": {"lexicon": "insults", "kinds": ["direct-message"]}, "then": {"priority": 3}},
    {"id": "scam", "when": {"lexicon": "scam"}, "then": {"delete": true, "flag": ["scam"]}},
    {"id": "spam-links", "when": {"lexicon": "spam", "links": {"min": 1}}, "then": {"hide": true, "flag": ["spam"]}},
    {"id": "spam-short", "when": {"lexicon": "spam", "shortened": true}, "then": {"delete": true}},
    {"id": "complaint", "when": {"lexicon": "complaints", "not": {"kinds": ["review"]}},
     "then": {"support": true, "queue": "care", "flag": ["complaint"],
              "reply": {"es": "Hola {author}, te escribimos por privado.", "*": "Hi {author}, we'll DM you."}}},
    {"id": "complaint-urgent", "when": {"all": [{"lexicon": "complaints"}, {"lexicon": "urgency"}]}, "then": {"priority": 5}},
    {"id": "review-complaint", "when": {"lexicon": "complaints", "kinds": ["review"]}, "then": {"queue": "reviews"}},
    {"id": "product", "when": {"lexicon": "product"}, "then": {"flag": ["product"]}},
    {"id": "product-question", "when": {"lexicon": "product", "regex": "\\?"}, "then": {"queue": "sales", "priority": 1}},
    {"id": "competitor", "when": {"lexicon": "competitor"}, "then": {"flag": ["competitor"], "priority": 1}},
    {"id": "praise", "when": {"lexicon": "praise", "not": {"lexicon": "complaints"}}, "then": {"flag": ["praise"]}},
    {"id": "leader", "when": {"followers": {"min": 50000}}, "then": {"opinion_leader": true}},
    {"id": "verified", "when": {"verified": true}, "then": {"priority": 2, "flag": ["verified"]}},
    {"id": "new-account-links", "when": {"account_age_days": {"max": 7}, "links": {"min": 1}}, "then": {"hold": true}},
    {"id": "shouting", "when": {"caps_ratio": {"min": 0.7}, "length": {"min": 20}}, "then": {"flag": ["shouting"]}},
    {"id": "dm", "when": {"kinds": ["direct-message"]}, "then": {"queue": "dm"}},
    {"id": "competitor-domain", "when": {"domains": ["cleanco.com", "mopmaster.es"]}, "then": {"flag": ["competitor-link"]}},
    {"id": "emoji-storm", "when": {"emoji": {"min": 6}}, "then": {"flag": ["emoji"]}}
  ]}`

var igBenchWords = map[string][]string{
	"en": strings.Fields(`the of and to in is you that it was for on are as with they at be this have from or one had by
but not what all were we when your can said there use an each which she do how their if will up other about out many then
them these so some her would make like him into time has look two more write go see number no way could people my than first
order shipping package delivery store love thanks product support help question price color size available`),
	"es": strings.Fields(`el la de que y en un ser se no haber por con su para como estar tener le lo todo pero más hacer o
poder decir este ir otro ese si me ya ver porque dar cuando muy sin vez mucho saber qué sobre mañana también envío pedido
tienda gracias producto precio color talla disponible ayuda pregunta`),
	"pl": strings.Fields(`się nie jest to że na w z do co jak ale tak już jeszcze tylko może być który bardzo wszystko dzięki
żeby kiedy gdzie teraz zniżki dziś sklep klient zamówienie przesyłka produkt cena kolor rozmiar dostępny pomoc pytanie`),
}

var igBenchSpice = []string{"RoboMop", "AquaBot?", "CleanCo", "idiota", "GŁUPI", "click here", "https://bit.ly/3xYz",
	"https://acme.com/shop", "no funciona", "nie działa", "refund", "🔥🔥", "URGENT", "love it", "great", "kurwa"}

// igBenchText is 40 to 200 bytes in lang, one word in 25 spiced.
func igBenchText(rng *rand.Rand, lang string) string {
	words := igBenchWords[lang]
	size := 40 + rng.IntN(161)
	var b strings.Builder
	for b.Len() < size {
		w := words[rng.IntN(len(words))]
		if rng.IntN(25) == 0 {
			w = igBenchSpice[rng.IntN(len(igBenchSpice))]
		}
		b.WriteString(w)
		b.WriteByte(' ')
	}
	return strings.TrimSpace(b.String())
}

// igNoopChannel is a platform that accepts every hide and delete at
// once, so that the benchmark measures the inbox.
type igNoopChannel struct{ info cmkit.ChannelInfo }

func (c igNoopChannel) Info() cmkit.ChannelInfo { return c.info }
func (c igNoopChannel) Publish(context.Context, cmkit.Post) (cmkit.Receipt, error) {
	return cmkit.Receipt{}, nil
}
func (c igNoopChannel) SetHidden(context.Context, string, bool) error { return nil }
func (c igNoopChannel) Delete(context.Context, string) error          { return nil }

// igBenchPool holds what the benchmark's mentions are made of, made once
// so that making a mention costs next to nothing next to ingesting it.
type igBenchPool struct {
	texts    map[string][]string // by language
	channels []string
	people   []string // u0 ... u4999
	dms      []string // dm0 ... dm999
	posts    []string
}

func newIgBenchPool(rng *rand.Rand) *igBenchPool {
	p := &igBenchPool{texts: map[string][]string{}}
	for lang := range igBenchWords {
		for range 2000 {
			p.texts[lang] = append(p.texts[lang], igBenchText(rng, lang))
		}
	}
	for i := range 5000 {
		p.people = append(p.people, "u"+strconv.Itoa(i))
	}
	for i := range 1000 {
		p.dms = append(p.dms, "dm"+strconv.Itoa(i))
		p.posts = append(p.posts, "post"+strconv.Itoa(i))
	}
	for i := range 4 {
		p.channels = append(p.channels, "ch"+strconv.Itoa(i))
	}
	return p
}

// stream makes n mentions, numbered from first, on four channels: 40%
// start a thread (a comment on one of the brand's posts), 40% reply to an
// item stored before (the 1,000 open conversations and what followed),
// 20% are direct messages from 1,000 people (most of whom wrote before).
func (p *igBenchPool) stream(rng *rand.Rand, n, first int, known *[]cmkit.Mention) []cmkit.Mention {
	langs := []string{"en", "es", "pl"}
	out := make([]cmkit.Mention, n)
	for i := range out {
		lang := langs[rng.IntN(3)]
		m := cmkit.Mention{ID: "m" + strconv.Itoa(first+i), ChannelID: p.channels[rng.IntN(4)], Kind: cmkit.KindComment,
			Language: lang, Text: p.texts[lang][rng.IntN(2000)], Reactions: int64(rng.IntN(20)), CreatedAt: ingestT0,
			Author: cmkit.Author{ID: p.people[rng.IntN(5000)], Handle: "someone", Followers: int64(rng.IntN(100000)),
				CreatedAt: ingestT0.AddDate(0, 0, -rng.IntN(1000))}}
		switch r := rng.IntN(10); {
		case r < 4 || len(*known) == 0:
			m.InReplyTo = p.posts[rng.IntN(50)]
		case r < 8:
			parent := (*known)[rng.IntN(len(*known))]
			m.ChannelID, m.Kind, m.InReplyTo = parent.ChannelID, cmkit.KindReply, parent.ID
		default:
			m.Kind = cmkit.KindDirectMessage
			m.Author.ID = p.dms[rng.IntN(1000)]
		}
		out[i] = m
		if m.Kind != cmkit.KindDirectMessage {
			*known = append(*known, m)
		}
	}
	return out
}

// igGCStats returns the CPU seconds the collector has spent so far (the
// runtime's estimate) and the cycles it has completed.
func igGCStats() [2]float64 {
	ms := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(ms)
	return [2]float64{ms[0].Value.Float64(), float64(ms[1].Value.Uint64())}
}

// BenchmarkIngest: the rules on (20 rules over the built-in lexicons and
// three of the brand's), the memory store, 1,000 conversations open, and
// mentions pushed in pages of 100: new threads, replies joining open
// conversations and direct messages. One op is one mention.
func BenchmarkIngest(b *testing.B) {
	clock := cmkittest.NewClock(ingestT0)
	set, err := moderation.ParseRules([]byte(igBenchRules))
	if err != nil {
		b.Fatal(err)
	}
	engine, err := moderation.Compile(set, moderation.WithClock(clock), moderation.WithDetector(nil))
	if err != nil {
		b.Fatal(err)
	}
	dir, err := roles.New(context.Background(), roles.NewMemoryStore(), roles.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	var chans []cmkit.Channel
	for i := range 4 {
		chans = append(chans, igNoopChannel{cmkit.ChannelInfo{ID: fmt.Sprint("ch", i), Platform: cmkit.Facebook, Brand: "acme"}})
	}
	ib, err := inbox.New(inbox.NewMemoryStore(), inbox.WithTeam(dir), inbox.WithEngine(engine), inbox.WithClock(clock),
		inbox.WithChannels(chans...), inbox.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(14, 2))
	pool := newIgBenchPool(rng)
	var known []cmkit.Mention
	open := pool.stream(rng, 1000, 0, &known)
	for i := range open {
		open[i].Kind, open[i].InReplyTo = cmkit.KindComment, pool.posts[i] // 1,000 threads
	}
	known = append(known[:0], open...)
	for i := 0; i < len(open); i += 100 {
		if err := ib.Push(ctx, open[i:i+100]...); err != nil {
			b.Fatal(err)
		}
	}
	ms := pool.stream(rng, b.N, len(open), &known)
	b.ReportAllocs()
	gc := igGCStats()
	b.ResetTimer()
	for i := 0; i < b.N; i += 100 {
		if err := ib.Push(ctx, ms[i:min(i+100, b.N)]...); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/mention")
	after := igGCStats()
	b.ReportMetric((after[0]-gc[0])*1e9/float64(b.N), "gc-cpu-ns/mention")
	b.ReportMetric(after[1]-gc[1], "gc-cycles")
	if got := ib.IngestCounts().Ingested; got != uint64(len(open)+b.N) {
		b.Fatalf("ingested %d, want %d", got, len(open)+b.N)
	}
}
