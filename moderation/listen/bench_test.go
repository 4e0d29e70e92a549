package listen

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
)

// Brands, products and topics of the benchmark's queries and mentions.
var (
	benchBrands = strings.Fields(`acme globex initech umbrella hooli soylent vandelay stark wonka cyberdyne tyrell
weyland oscorp nakatomi dunder monarch piedpiper gekko wayne massive zorg kraków-tel mercadón señorpan żabka
biedronka telepizza movistar allegro orange`)
	benchProducts = strings.Fields(`robomop aquabot smartvac zenphone hoverboard powerbank airfryer e-bike
smartwatch minipc earbuds soundbar dashcam gamepad keyboard router drone thermostat doorbell kettle blender toaster
scooter projector tablet laptop monitor charger speaker webcam`)
	benchTopics = map[string][]string{
		"en": strings.Fields("refund delivery late broken support price scam love awesome slow cancel warranty"),
		"es": strings.Fields("reembolso envío tarde roto soporte precio estafa encanta genial lento cancelar garantía"),
		"pl": strings.Fields("zwrot dostawa opóźnienie zepsuty wsparcie cena oszustwo uwielbiam świetny wolny anulować gwarancja"),
	}
	benchPhrases = []string{`"customer service"`, `"doesn't work"`, `"no funciona"`, `"servicio al cliente"`,
		`"nie działa"`, `"obsługa klienta"`, `"never again"`, `"nunca más"`, `"nigdy więcej"`, `"money back"`}
	benchVocabulary = map[string][]string{
		"en": strings.Fields(`the of and to in is you that it was for on are as with they at be this have from or one had by
word but not what all were we when your can said there use an each which she do how their if will up other about out
many then them these so some her would make like him into time has look two more write go see number no way could people
my than first water been call who its now find long down day did get come made may part order shipping package
store great thanks product help question color size available today again really just still`),
		"es": strings.Fields(`el la de que y en un ser se no haber por con su para como estar tener le lo todo pero más hacer o
poder decir este ir otro ese si me ya ver porque dar cuando muy sin vez mucho saber qué sobre mañana también niño corazón
año último después según jamás próximo aquí allí será está búsqueda promoción pedido tienda gracias
producto color talla disponible ayuda pregunta hoy otra vez`),
		"pl": strings.Fields(`się nie jest to że na w z do co jak ale tak już jeszcze tylko może być który bardzo wszystko dzięki
żeby kiedy gdzie teraz zniżki dziś sklep klient zamówienie przesyłka łódź źródło gęś żółw ciekawy ważny produkt
kolor rozmiar dostępny pomoc pytanie paczka znowu naprawdę`),
	}
)

func pick[T any](rng *rand.Rand, s []T) T { return s[rng.Intn(len(s))] }

// benchQueries returns n saved queries, generated deterministically: a
// mix of terms, phrases, OR groups, wildcards, NEAR, NOT and filters
// about the brands, their products and what people say of them.
func benchQueries(n int) []SavedQuery {
	rng := rand.New(rand.NewSource(7))
	langs := []string{"en", "es", "pl"}
	topic := func() string { return pick(rng, benchTopics[pick(rng, langs)]) }
	var qs []SavedQuery
	for i := 0; len(qs) < n; i++ {
		b, b2, p := pick(rng, benchBrands), pick(rng, benchBrands), pick(rng, benchProducts)
		var q string
		side := Side("")
		switch i % 10 {
		case 0:
			q = fmt.Sprintf(`%s OR "%s corp" OR %s`, b, b, p)
			side = SideBrand
			if rng.Intn(2) == 0 {
				side = SideCompetitor
			}
		case 1:
			q = fmt.Sprintf(`(%s OR %s) (%s OR %s OR %s)`, b, p, topic(), topic(), topic())
		case 2:
			q = fmt.Sprintf(`%s NEAR/3 (%s OR %s)`, b, topic(), topic())
		case 3:
			q = fmt.Sprintf(`"%s %s" -spam -giveaway`, b, p)
		case 4:
			q = fmt.Sprintf(`(%s OR %s*) lang:%s`, p, string([]rune(topic())[:4+rng.Intn(2)]), pick(rng, langs))
		case 5:
			q = fmt.Sprintf(`%s platform:%s -%s`, b, pick(rng, []string{"mastodon", "x", "bluesky"}), b2)
		case 6:
			q = fmt.Sprintf(`%s NEAR/2 %s`, pick(rng, benchPhrases), p)
		case 7:
			q = fmt.Sprintf(`(%s OR %s) AND NOT (%s OR %s)`, b, b2, topic(), pick(rng, benchPhrases))
		case 8:
			q = fmt.Sprintf(`%s %s %s`, b, p, pick(rng, benchPhrases))
		default:
			q = fmt.Sprintf(`(%s NEAR/5 %s) OR ("%s" %s lang:%s)`, p, topic(), b, topic(), pick(rng, langs))
		}
		qs = append(qs, SavedQuery{ID: fmt.Sprint("q", len(qs)), Name: fmt.Sprint("query ", len(qs)), Query: q, Side: side})
	}
	return qs
}

// benchMentions returns n mentions of 40 to 280 bytes in English,
// Spanish and Polish: one word in 20 names a brand (a third of them as a
// hashtag), one in 30 a product, one in 15 says something about them
// (refund, late, estafa, zwrot...), one in 60 is a phrase of the
// queries ("no funciona"), the rest is everyday words.
func benchMentions(n int) []cmkit.Mention {
	rng := rand.New(rand.NewSource(13))
	langs := []string{"en", "es", "pl"}
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	out := make([]cmkit.Mention, n)
	for i := range out {
		lang := langs[rng.Intn(3)]
		words := benchVocabulary[lang]
		size := 40 + rng.Intn(241)
		var b strings.Builder
		for {
			w := pick(rng, words)
			switch r := rng.Intn(120); {
			case r < 5:
				w = strings.ToUpper(w)
			case r < 10:
				w += ","
			case r < 14:
				w += "!"
			case r < 20:
				w = pick(rng, benchBrands)
				if rng.Intn(3) == 0 {
					w = "#" + w
				}
			case r < 24:
				w = pick(rng, benchProducts)
			case r < 32:
				w = pick(rng, benchTopics[lang])
			case r < 34:
				w = strings.Trim(pick(rng, benchPhrases), `"`)
			}
			if b.Len()+len(w)+1 > size {
				break
			}
			b.WriteString(w)
			b.WriteByte(' ')
		}
		out[i] = cmkit.Mention{ID: fmt.Sprint(i), ChannelID: fmt.Sprint("ch", i%4), Language: lang,
			Text: strings.TrimSpace(b.String()), CreatedAt: t0.Add(time.Duration(i) * time.Minute)}
	}
	return out
}

// BenchmarkListen matches one mention against 500 saved queries; an op
// is one mention.
func BenchmarkListen(b *testing.B) {
	platforms := []cmkit.Platform{cmkit.Mastodon, cmkit.X, cmkit.Bluesky, cmkit.Instagram}
	l, err := Compile(benchQueries(500), WithChannels(func(id string) cmkit.Platform { return platforms[id[2]-'0'] }))
	if err != nil {
		b.Fatal(err)
	}
	ms := benchMentions(1024)
	var m Matches
	matched := 0
	for _, x := range ms {
		l.Match(&m, x)
		matched += len(m.Queries)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Match(&m, ms[i&1023])
	}
	b.ReportMetric(float64(matched)/float64(len(ms)), "matches/mention")
}

// BenchmarkTallyAdd counts one mention's matches; an op is one mention.
func BenchmarkTallyAdd(b *testing.B) {
	l, err := Compile(benchQueries(500))
	if err != nil {
		b.Fatal(err)
	}
	t, err := NewTally(l, TallyConfig{})
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	matched := []int{3, 17, 250}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := t.Add(at.Add(time.Duration(i)*time.Second), matched); err != nil {
			b.Fatal(err)
		}
	}
}
