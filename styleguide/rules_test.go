package styleguide_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/styleguide"
)

type kindCase struct {
	name string
	d    styleguide.Draft
	want []string
}

func runCases(t *testing.T, g *styleguide.Guide, cases []kindCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, check(g, tc.d))
		})
	}
}

func TestBanned(t *testing.T) {
	g := guide(t, rules("",
		`{"id":"b","kind":"banned","terms":["cheap","barato","tani","black friday"]}`,
		`{"id":"case","kind":"banned","terms":["APP"],"match_case":true}`,
		`{"id":"accent","kind":"banned","terms":["sé"],"match_accents":true}`,
		`{"id":"inside","kind":"banned","terms":["promo"],"inside_words":true}`,
		`{"id":"evasion","kind":"banned","terms":["gratis"],"evasions":true}`))
	runCases(t, g, []kindCase{
		{"en whole word", styleguide.Draft{Text: "Cheap, cheaper, CHEAP!", Language: "en"}, []string{"b:Cheap", "b:CHEAP"}},
		{"es accents and case", styleguide.Draft{Text: "Es BARATO y bárato", Language: "es"}, []string{"b:BARATO", "b:bárato"}},
		{"pl", styleguide.Draft{Text: "Tani sklep, tanie rzeczy", Language: "pl"}, []string{"b:Tani"}},
		{"look-alike", styleguide.Draft{Text: "so сheap", Language: "en"}, []string{"b:сheap"}}, // Cyrillic с
		{"phrase across spaces", styleguide.Draft{Text: "Black\n  Friday deals"}, []string{"b:Black\n  Friday"}},
		{"match case", styleguide.Draft{Text: "app APP App"}, []string{"case:APP"}},
		{"match accents", styleguide.Draft{Text: "No se. No sé. NO SÉ.", Language: "es"}, []string{"accent:sé", "accent:SÉ"}},
		{"inside words", styleguide.Draft{Text: "Promociones y promo"}, []string{"inside:Promo", "inside:promo"}},
		{"evasions", styleguide.Draft{Text: "Todo gr4tis, GRATIIIS y g.r.a.t.i.s", Language: "es"}, []string{"evasion:gr4tis", "evasion:GRATIIIS", "evasion:g.r.a.t.i.s"}},
	})
}

func TestSubstitutionKeepsCase(t *testing.T) {
	g := guide(t, rules("",
		`{"id":"es","kind":"substitution","scope":{"languages":["es"]},"replace":[{"avoid":["email"],"use":"correo","avoid_gender":"m","avoid_number":"sg"}]}`,
		`{"id":"en","kind":"substitution","scope":{"languages":["en"]},"replace":[{"avoid":["utilize"],"use":"use"},{"avoid":["whatsapp group"],"use":"WhatsApp community"}]}`,
		`{"id":"pl","kind":"substitution","scope":{"languages":["pl"]},"replace":[{"avoid":["mail"],"use":"e-mail"}]}`))
	for _, tc := range []struct {
		text, lang, want string
		auto             bool
	}{
		{"Email", "es", "Correo", true},
		{"EMAIL", "es", "CORREO", true},
		{"email", "es", "correo", true},
		{"Utilize", "en", "Use", true},
		{"UTILIZE", "en", "USE", true},
		{"whatsapp group", "en", "WhatsApp community", true},
		{"Mail", "pl", "E-mail", true},
		{"MAIL", "pl", "E-MAIL", true},
	} {
		alerts := g.Check(nil, styleguide.Draft{Text: tc.text, Language: tc.lang})
		require.Len(t, alerts, 1, tc.text)
		require.Len(t, alerts[0].Fixes, 1)
		f := alerts[0].Fixes[0]
		assert.Equal(t, styleguide.Fix{Start: 0, End: len(tc.text), Replacement: tc.want, Auto: tc.auto}, f, tc.text)
	}
	// The replacement of "mail" contains "mail": not found again inside "e-mail".
	assert.Empty(t, check(g, styleguide.Draft{Text: "Napisz e-mail", Language: "pl"}))
}

func TestSubstitutionAgreement(t *testing.T) {
	g := guide(t, rules("",
		// es: newsletter (f, declared) → boletín (m, declared): a suggestion.
		`{"id":"es1","kind":"substitution","scope":{"languages":["es"]},"replace":[{"avoid":["newsletter"],"use":"boletín","gender":"m","number":"sg","avoid_gender":"f","avoid_number":"sg"}]}`,
		// es: inferred: oferta (f sg) → promoción (f sg): automatic; rebajas (f pl) → descuento (m sg): suggestion.
		`{"id":"es2","kind":"substitution","scope":{"languages":["es"]},"replace":[{"avoid":["oferta"],"use":"promoción"},{"avoid":["rebajas"],"use":"descuento"}]}`,
		// es: unknown gender of "email" (not declared): suggestion.
		`{"id":"es3","kind":"substitution","scope":{"languages":["es"]},"replace":[{"avoid":["email"],"use":"correo"}]}`,
		// pl: rabat (m sg) → zniżka (f sg): suggestion; sklep (m) → butik (m): automatic.
		`{"id":"pl1","kind":"substitution","scope":{"languages":["pl"]},"replace":[{"avoid":["rabat"],"use":"zniżka"},{"avoid":["sklep"],"use":"butik"}]}`,
		// pl: promo (n, declared) → promocja (f): suggestion; zniżki (pl) → rabaty (pl) of unknown gender: suggestion.
		`{"id":"pl2","kind":"substitution","scope":{"languages":["pl"]},"replace":[{"avoid":["promo"],"use":"promocja","avoid_gender":"n","avoid_number":"sg"},{"avoid":["zniżki"],"use":"rabaty"}]}`,
		// en never checks agreement.
		`{"id":"en","kind":"substitution","scope":{"languages":["en"]},"replace":[{"avoid":["deals"],"use":"offer"}]}`))
	for _, tc := range []struct {
		text, lang string
		auto       bool
	}{
		{"newsletter", "es", false},
		{"oferta", "es", true},
		{"rebajas", "es", false},
		{"email", "es", false},
		{"rabat", "pl", false},
		{"sklep", "pl", true},
		{"promo", "pl", false},
		{"zniżki", "pl", false},
		{"deals", "en", true},
	} {
		alerts := g.Check(nil, styleguide.Draft{Text: tc.text, Language: tc.lang})
		require.Len(t, alerts, 1, tc.text)
		assert.Equal(t, tc.auto, alerts[0].Fixes[0].Auto, tc.text)
	}
}

func TestConditional(t *testing.T) {
	g := acme(t)
	runCases(t, g, []kindCase{
		{"en promotion without disclosure", styleguide.Draft{Text: "Our new plan is here.", Language: "en", CampaignKind: "promotion"},
			[]string{"disclosure:Our new plan is here."}},
		{"en promotion with disclosure", styleguide.Draft{Text: "Our new plan is here. #ad", Language: "en", CampaignKind: "promotion"}, nil},
		{"en #adventure is not #ad", styleguide.Draft{Text: "Our plan #adventure", Language: "en", Labels: []string{"Sponsored"}},
			[]string{"disclosure:Our plan #adventure"}},
		{"es label promotion", styleguide.Draft{Text: "Nuevo plan. Publicidad", Language: "es", Labels: []string{"promotion"}}, nil},
		{"es #publi", styleguide.Draft{Text: "Nuevo plan #publi", Language: "es", CampaignKind: "sponsored"}, nil},
		{"pl #współpraca", styleguide.Draft{Text: "Nowy plan #współpraca", Language: "pl", CampaignKind: "sponsored"}, nil},
		{"pl no disclosure", styleguide.Draft{Text: "Nowy plan", Language: "pl", CampaignKind: "sponsored"}, []string{"disclosure:Nowy plan"}},
		{"no promotion", styleguide.Draft{Text: "Nuevo plan", Language: "es"}, nil},
		{"utm missing", styleguide.Draft{Text: "See https://shop.acme.com/x?utm_source=x and acme.es/y", Language: "en"},
			[]string{"utm:https://shop.acme.com/x?utm_source=x", "utm:acme.es/y"}},
		{"utm complete", styleguide.Draft{Text: "Szczegóły: https://acme.pl/x?utm_source=fb&utm_medium=social&utm_campaign=lato", Language: "pl"}, nil},
		{"utm other domain", styleguide.Draft{Text: "See https://notacme.com/x", Language: "en"}, nil},
		{"giveaway trigger word es", styleguide.Draft{Text: "¡Gran sorteo! Participa ya", Language: "es"}, []string{"giveaway-terms:sorteo"}},
		{"giveaway with terms", styleguide.Draft{Text: "Konkurs! Regulamin: https://acme.pl/terms/konkurs?utm_source=x&utm_medium=y&utm_campaign=z", Language: "pl"}, nil},
		{"giveaway campaign en", styleguide.Draft{Text: "Win a phone", Language: "en", CampaignKind: "giveaway"}, []string{"giveaway-terms:Win a phone"}},
	})
	// The disclosure alert suggests adding the first required term at the end.
	alerts := g.Check(nil, styleguide.Draft{Text: "Plan", Language: "en", CampaignKind: "promotion"})
	require.Len(t, alerts, 1)
	assert.Equal(t, []styleguide.Fix{{Start: 4, End: 4, Replacement: " #ad"}}, alerts[0].Fixes)
}

func TestCount(t *testing.T) {
	g := guide(t, rules("",
		`{"id":"bang","kind":"count","count":"exclamations","max":1}`,
		`{"id":"tags","kind":"count","count":"hashtags","max":2}`,
		`{"id":"emoji","kind":"count","count":"emoji","max":1}`,
		`{"id":"at","kind":"count","count":"mentions","max":1}`,
		`{"id":"links","kind":"count","count":"links","max":1}`,
		`{"id":"caps","kind":"count","count":"caps_words","max":0}`,
		`{"id":"long","kind":"count","count":"sentence_words","max":5}`))
	runCases(t, g, []kindCase{
		{"en", styleguide.Draft{Text: "Wow! Great! #a #b #c 👍🏽 🎉 @ana @bob see a.com b.com"},
			[]string{"bang:!", "tags:#c", "emoji:🎉", "at:@bob", "links:b.com"}},
		{"es caps and ¡", styleguide.Draft{Text: "¡OFERTA de VERANO! Es OK."}, []string{"caps:OFERTA"}},
		{"pl sentence length", styleguide.Draft{Text: "To jest bardzo długie zdanie o naszym sklepie. Krótkie."},
			[]string{"long:To jest bardzo długie zdanie o naszym sklepie."}},
		{"es sentence across line break", styleguide.Draft{Text: "Uno dos tres\ncuatro cinco seis siete"}, nil},
		{"links hashtags not words", styleguide.Draft{Text: "Mira #uno #dos a.com b.es"}, []string{"links:b.es"}},
	})
}

func TestHashtags(t *testing.T) {
	g := guide(t, rules("",
		`{"id":"h","kind":"hashtags","camel_case":true,"max":3,"terms":["f4f","#likeforlike"],"words":["acme"]}`))
	runCases(t, g, []kindCase{
		{"en multiword lowercase", styleguide.Draft{Text: "#blackfriday #BlackFriday #sale #acmesale2026"}, []string{"h:#blackfriday", "h:#acmesale2026", "h:#acmesale2026"}},
		{"es", styleguide.Draft{Text: "#ofertadeldia #Verano #envíogratis"}, []string{"h:#ofertadeldia", "h:#envíogratis"}},
		{"pl", styleguide.Draft{Text: "#czarnypiatek #Zniżki"}, []string{"h:#czarnypiatek"}},
		{"long unknown", styleguide.Draft{Text: "#supercalifragilistic"}, []string{"h:#supercalifragilistic"}},
		{"banned and max", styleguide.Draft{Text: "#F4F #a1 #b1 #c1"}, []string{"h:#F4F", "h:#c1"}},
	})
	alerts := g.Check(nil, styleguide.Draft{Text: "Hoy #ofertadeldia"})
	require.Len(t, alerts, 1)
	assert.Equal(t, []styleguide.Fix{{Start: 5, End: 17, Replacement: "OfertaDelDia"}}, alerts[0].Fixes)
	alerts = g.Check(nil, styleguide.Draft{Text: "#envíogratis"})
	require.Len(t, alerts, 1)
	assert.Equal(t, "EnvíoGratis", alerts[0].Fixes[0].Replacement)
}

func TestConsistency(t *testing.T) {
	g := guide(t, rules("", `{"id":"c","kind":"consistency","variants":[["Wi-Fi","wifi"],["e-mail","email"],["on-line","online"]]}`))
	runCases(t, g, []kindCase{
		{"en minority", styleguide.Draft{Text: "Free Wi-Fi. Wifi everywhere, wifi at home."}, []string{"c:Wi-Fi"}},
		{"es tie goes to the first", styleguide.Draft{Text: "Escribe un e-mail o un email"}, []string{"c:email"}},
		{"pl", styleguide.Draft{Text: "Sklep online i sklep on-line, ONLINE"}, []string{"c:on-line"}},
		{"one variant", styleguide.Draft{Text: "wifi wifi"}, nil},
	})
	alerts := g.Check(nil, styleguide.Draft{Text: "Free Wi-Fi. Wifi everywhere, wifi at home."})
	assert.Equal(t, []styleguide.Fix{{Start: 5, End: 10, Replacement: "wifi", Auto: true}}, alerts[0].Fixes)
}

func TestRepetition(t *testing.T) {
	g := guide(t, rules("", `{"id":"r","kind":"repetition","exceptions":["that"]}`))
	runCases(t, g, []kindCase{
		{"en", styleguide.Draft{Text: "the the best, that that is"}, []string{"r:the"}},
		{"es across line break", styleguide.Draft{Text: "Envío de\nde regalo"}, []string{"r:de"}},
		{"pl", styleguide.Draft{Text: "Kup w w sklepie. W. W"}, []string{"r:w"}},
		{"punctuation between", styleguide.Draft{Text: "no, no"}, nil},
		{"case", styleguide.Draft{Text: "The the"}, []string{"r:the"}},
	})
	alerts := g.Check(nil, styleguide.Draft{Text: "Envío de\nde regalo"})
	assert.Equal(t, []styleguide.Fix{{Start: 9, End: 12, Auto: true}}, alerts[0].Fixes)
	fixed, _ := styleguide.ApplyFixes("Envío de\nde regalo", alerts)
	assert.Equal(t, "Envío de regalo", fixed)
}

func TestCapitalization(t *testing.T) {
	g := acme(t)
	runCases(t, g, []kindCase{
		{"en product names", styleguide.Draft{Text: "Buy an IPHONE or iphone; use whatsapp.", Language: "en"},
			[]string{"product-names:IPHONE", "product-names:iphone", "product-names:whatsapp"}},
		{"es product names", styleguide.Draft{Text: "Paga con Acmepay y escríbenos por Whatsapp", Language: "es"},
			[]string{"product-names:Acmepay", "product-names:Whatsapp"}},
		{"pl product name as written", styleguide.Draft{Text: "Napisz na WhatsApp", Language: "pl"}, nil},
		{"en title case", styleguide.Draft{Text: "x", Title: "the best plan of the year", Language: "en"},
			[]string{"headline-en:the best plan of the year"}},
		{"en title case ok", styleguide.Draft{Text: "x", Title: "The Best Plan of the Year for iPhone", Language: "en"}, nil},
		{"es sentence case", styleguide.Draft{Text: "x", Title: "Nueva Colección de Verano", Language: "es"},
			[]string{"headline-es-pl:Nueva Colección de Verano"}},
		{"pl sentence case ok", styleguide.Draft{Text: "x", Title: "Nowa kolekcja na lato z WhatsApp", Language: "pl"}, nil},
	})
	alerts := g.Check(nil, styleguide.Draft{Text: "x", Title: "the best plan of the year", Language: "en"})
	require.Len(t, alerts, 1)
	assert.Equal(t, styleguide.FieldTitle, alerts[0].Field)
	assert.Equal(t, "The Best Plan of the Year", alerts[0].Fixes[0].Replacement)
	assert.False(t, alerts[0].Fixes[0].Auto)
	alerts = g.Check(nil, styleguide.Draft{Text: "x", Title: "Nueva Colección de Verano", Language: "es"})
	assert.Equal(t, "Nueva colección de verano", alerts[0].Fixes[0].Replacement)
	alerts = g.Check(nil, styleguide.Draft{Text: "Pay with ACMEPAY", Language: "en"})
	require.Len(t, alerts, 1)
	assert.Equal(t, styleguide.Fix{Start: 9, End: 16, Replacement: "AcmePay", Auto: true}, alerts[0].Fixes[0])
}

func TestVoice(t *testing.T) {
	we := `{"person":"we","address":{"es":"informal","pl":"formal"}}`
	g := guide(t, rules(we, `{"id":"v","kind":"voice"}`))
	runCases(t, g, []kindCase{
		{"en I", styleguide.Draft{Text: "I think my team and I'm sure we", Language: "en"}, []string{"v:I", "v:my", "v:I'm"}},
		{"en i is Polish and", styleguide.Draft{Text: "Kawa i herbata", Language: "pl"}, nil},
		{"es yo and usted", styleguide.Draft{Text: "Yo creo que usted puede. Su pedido llega. Él puede.", Language: "es"},
			[]string{"v:Yo", "v:creo", "v:usted", "v:puede"}},
		{"es informal ok", styleguide.Draft{Text: "Puedes ver tu pedido. Sé que te gusta.", Language: "es"}, []string{"v:Sé"}},
		{"es se is not sé", styleguide.Draft{Text: "Se envía hoy.", Language: "es"}, nil},
		{"pl ty under formal", styleguide.Draft{Text: "Możesz sprawdzić swój koszyk. Dziękujemy ci, ci ludzie wiedzą.", Language: "pl"},
			[]string{"v:Możesz"}},
		{"pl ci next to ty", styleguide.Draft{Text: "Ty wiesz, że ci pomożemy.", Language: "pl"}, []string{"v:Ty", "v:wiesz", "v:ci"}},
		{"pl ja mój", styleguide.Draft{Text: "Ja polecam mój ulubiony produkt", Language: "pl"}, []string{"v:Ja", "v:mój"}},
	})
	formal := guide(t, rules(`{"address":{"es":"formal","pl":"informal"}}`, `{"id":"v","kind":"voice","aspect":"address","exceptions":["pani"]}`))
	runCases(t, formal, []kindCase{
		{"es tú under usted", styleguide.Draft{Text: "¿Tienes dudas? Escríbenos y te ayudamos. Usted decide.", Language: "es"}, []string{"v:Tienes", "v:te"}},
		{"pl Pan under ty", styleguide.Draft{Text: "Czy Pan wie? Pani też.", Language: "pl"}, []string{"v:Pan"}},
		{"en has no address", styleguide.Draft{Text: "You can. I can.", Language: "en"}, nil},
	})
}

func TestCrisis(t *testing.T) {
	g := acme(t)
	runCases(t, g, []kindCase{
		{"not in a crisis", styleguide.Draft{Text: "Big sale haha 😀", Language: "en"}, nil},
		{"en", styleguide.Draft{Text: "Big sale haha 😀 buy now", Language: "en", Crisis: true},
			[]string{"crisis:sale", "crisis:haha", "crisis:😀", "no-promo-in-crisis:buy now"}},
		{"es", styleguide.Draft{Text: "JAJAJA qué oferta, compra ya", Language: "es", Crisis: true},
			[]string{"crisis:JAJAJA", "crisis:oferta", "no-promo-in-crisis:compra ya"}},
		{"pl", styleguide.Draft{Text: "Wyprzedaż xD 🎉", Language: "pl", Crisis: true},
			[]string{"crisis:Wyprzedaż", "crisis:xD", "crisis:🎉"}},
		{"hija is no laughter", styleguide.Draft{Text: "La hija", Language: "es", Crisis: true}, nil},
	})
}

func TestReadability(t *testing.T) {
	g := guide(t, rules("",
		`{"id":"en","kind":"readability","min_score":60,"min_words":5,"scope":{"languages":["en"]}}`,
		`{"id":"es","kind":"readability","formula":"fernandez-huerta","min_score":60,"scope":{"languages":["es"]}}`,
		`{"id":"pl","kind":"readability","max_score":8,"scope":{"languages":["pl"],"platforms":["blog"]}}`))
	hard := "Notwithstanding considerable organizational complexity, interdepartmental communication methodologies necessitate comprehensive reevaluation."
	runCases(t, g, []kindCase{
		{"en hard", styleguide.Draft{Text: hard, Language: "en"}, []string{"en:" + hard}},
		{"en easy", styleguide.Draft{Text: "We ship fast. You get it soon. It is free.", Language: "en"}, nil},
		{"en too short", styleguide.Draft{Text: "Incomprehensibilities.", Language: "en"}, nil},
		{"es hard", styleguide.Draft{Text: "La internacionalización organizacional necesariamente contextualiza responsabilidades administrativas.", Language: "es"},
			[]string{"es:La internacionalización organizacional necesariamente contextualiza responsabilidades administrativas."}},
		{"es easy", styleguide.Draft{Text: "Hoy es mi día. Te quiero. Ven ya.", Language: "es"}, nil},
		{"pl other platform", styleguide.Draft{Text: "Niezaprzeczalnie skomplikowane międzynarodowe przedsięwzięcia organizacyjne wymagają kompleksowego przewartościowania wszystkich zobowiązań administracyjnych", Language: "pl", Platform: cmkit.X}, nil},
		{"pl hard on blog", styleguide.Draft{Text: "Niezaprzeczalnie skomplikowane międzynarodowe przedsięwzięcia organizacyjne wymagają kompleksowego przewartościowania wszystkich zobowiązań administracyjnych", Language: "pl", Platform: cmkit.Blog},
			[]string{"pl:Niezaprzeczalnie skomplikowane międzynarodowe przedsięwzięcia organizacyjne wymagają kompleksowego przewartościowania wszystkich zobowiązań administracyjnych"}},
	})
	alerts := g.Check(nil, styleguide.Draft{Text: hard, Language: "en"})
	assert.Contains(t, alerts[0].Message, "Readability -")
}

func TestPlatformFit(t *testing.T) {
	g := guide(t, rules("", `{"id":"fit","kind":"platform"}`))
	long := ""
	for i := 0; i < 30; i++ {
		long += "Żółw ma 10 lat. "
	}
	alerts := g.Check(nil, styleguide.Draft{Text: long, Platform: cmkit.X, Language: "pl"})
	require.Len(t, alerts, 1)
	l, _ := cmkit.PlatformLimits(cmkit.X)
	fs := l.CheckText(nil, long)
	require.Len(t, fs, 1)
	assert.Equal(t, fs[0].Cut, alerts[0].Start)
	assert.Equal(t, len(long), alerts[0].End)
	assert.Contains(t, alerts[0].Message, "max_length")
	// A title on a platform without titles; limits given by the draft.
	alerts = g.Check(nil, styleguide.Draft{Text: "hola", Title: "Título", Platform: cmkit.X})
	assert.Equal(t, []string{"fit:Título"}, found(styleguide.Draft{Text: "hola", Title: "Título"}, alerts))
	assert.Empty(t, g.Check(nil, styleguide.Draft{Text: long, Limits: &cmkit.Limits{MaxLength: 1000}}))
	assert.Equal(t, []string{"fit:b"}, check(g, styleguide.Draft{Text: "ab", Limits: &cmkit.Limits{MaxLength: 1}}))
	// Unknown platform, no limits: nothing.
	assert.Empty(t, g.Check(nil, styleguide.Draft{Text: long, Platform: "intranet"}))
}

func TestSpelling(t *testing.T) {
	en := newSpeller("we ship to your home the best", map[string][]string{"teh": {"the", "ten"}, "shp": {"ship", "shop", "shape", "sheep"}})
	es := newSpeller("envío gratis a casa hoy", map[string][]string{"grátis": {"gratis"}})
	pl := newSpeller("wysyłka do domu dziś", map[string][]string{"wysyka": {"wysyłka"}})
	g := guide(t, rules(`{"accept":["AcmePay"]}`, `{"id":"s","kind":"spelling","suggestions":2,"exceptions":["lol"]}`),
		styleguide.WithSpeller("en", en), styleguide.WithSpeller("es", es), styleguide.WithSpeller("pl", pl), styleguide.WithAccept("iPhone"))
	runCases(t, g, []kindCase{
		{"en", styleguide.Draft{Text: "We shp teh best to your home", Language: "en"}, []string{"s:shp", "s:teh"}},
		{"en skips", styleguide.Draft{Text: "we ship #Shiping @shiper ana@acme.com https://acme.com/shp 2024 3rd NASA 😀 iPhone AcmePay lol", Language: "en"}, nil},
		{"es", styleguide.Draft{Text: "Envío grátis a casa hoy", Language: "es-ES"}, []string{"s:grátis"}},
		{"pl", styleguide.Draft{Text: "Wysyka do domu dziś", Language: "pl"}, []string{"s:Wysyka"}},
		{"no speller", styleguide.Draft{Text: "Ceci n'est pas", Language: "fr"}, nil},
	})
	alerts := g.Check(nil, styleguide.Draft{Text: "We shp", Language: "en"})
	require.Len(t, alerts, 1)
	assert.Equal(t, []styleguide.Fix{{Start: 3, End: 6, Replacement: "ship"}, {Start: 3, End: 6, Replacement: "shop"}}, alerts[0].Fixes)
}
