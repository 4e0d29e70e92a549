package langid

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"pl without diacritics", "dziekuje bardzo, swietna obsluga", "pl"},
		{"pl with diacritics", "dziękuję bardzo, świetna obsługa", "pl"},
		{"pl function words", "nie wiem czy to jest w ogóle możliwe", "pl"},
		{"es without accents", "que buena onda, gracias", "es"},
		{"es with accents", "¿Cuándo llega mi pedido? ¡Ya pasó una semana!", "es"},
		{"es function words", "el pedido de la semana que viene es para mi hermana y mi mamá", "es"},
		{"en", "the order is late and the app is broken again", "en"},
		{"en slang", "ngl this is lowkey the best thing ive seen all week lmao", "en"},
		{"mentions, tags and links skipped", "@cmkit_es #BlackFriday https://example.com/x?utm=en gracias por todo, muy amables", "es"},
		{"emoji and numbers skipped", "🔥🔥🔥 10/10 2024 !!! dzięki za szybką wysyłkę 😍😍", "pl"},
		{"code-switching, mostly es", "me encantó el evento, la comida estaba buenísima y la gente súper amable, best day ever", "es"},
		{"code-switching, mostly en", "the staff were lovely and the food was great, gracias amigos", "en"},
		{"code-switching, mostly pl", "super sprawa, polecam wszystkim znajomym, naprawdę warto, amazing", "pl"},

		{"too short", "ok 👍", ""},
		{"few letters", "gracias!!", ""},
		{"only a mention and a link", "@acme https://acme.example/deal #promo", ""},
		{"numbers and emoji", "123 456 😂😂😂 !!! 10/10", ""},
		{"empty", "", ""},
		{"cyrillic", "спасибо за помощь, теперь всё работает отлично", ""},
		{"greek", "ευχαριστώ πολύ για τη βοήθεια, όλα λειτουργούν", ""},
		{"japanese", "ありがとうございます、とても助かりました", ""},
		{"portuguese", "muito obrigada pelo atendimento, vocês são demais", ""},
		{"portuguese without accents", "nao acredito que o pedido ainda nao chegou, que palhaçada", ""},
		{"italian", "grazie mille per l'aiuto, siete sempre gentilissimi", ""},
		{"italian without accents", "non ci posso credere, il pacco e arrivato rotto di nuovo", ""},
		{"catalan", "moltes gràcies per tot, sou els millors de la ciutat", ""},
		{"french", "merci beaucoup pour votre réponse, c'est vraiment gentil", ""},
		{"german", "vielen Dank für die schnelle Lieferung, alles bestens", ""},
		{"turkish", "yardımınız için çok teşekkürler, her şey çalışıyor", ""},
		{"keyboard mash", "asdfghjkl qwertyuiop zxcvbnm", ""},
	}
	d := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := d.Detect(tt.text)
			assert.Equal(t, tt.want, g.Lang, "confidence %.2f", g.Confidence)
			assert.GreaterOrEqual(t, g.Confidence, 0.0)
			assert.LessOrEqual(t, g.Confidence, 1.0)
			if tt.want == "" {
				assert.Less(t, g.Confidence, MinConfidence)
			} else {
				assert.GreaterOrEqual(t, g.Confidence, MinConfidence)
			}
		})
	}
}

func TestDetectDiacriticCues(t *testing.T) {
	d := New()
	// The same letters, folded, score alike; the marks decide.
	assert.Equal(t, "es", d.Detect("señor, mañana sí, por favor").Lang)
	assert.Equal(t, "pl", d.Detect("żółć, źdźbło, łąka i ślęża").Lang)
}

func TestDetectLongTextIsConfident(t *testing.T) {
	d := New()
	g := d.Detect(strings.Repeat("the delivery was fast and the staff were kind ", 4))
	assert.Equal(t, "en", g.Lang)
	assert.Greater(t, g.Confidence, 0.9)
}

func TestDetectVeryLongText(t *testing.T) {
	// Far more trigrams than the 16-bit lanes hold between two flushes.
	d := New()
	for want, text := range map[string]string{
		"en": "the delivery was fast and the staff were kind ",
		"es": "el envío llegó rápido y la gente fue muy amable ",
		"pl": "dostawa była szybka, a obsługa bardzo miła ",
	} {
		long := strings.Repeat(text, 2000)
		assert.Equal(t, want, d.Detect(long).Lang)
		// The lanes must not wrap: a text of rare trigrams stays rejected.
		assert.Equal(t, "", d.Detect(strings.Repeat("qzx jqv wkz ", 5000)).Lang)
	}
}

func TestZeroValue(t *testing.T) {
	var p Profiles
	assert.Equal(t, New().Detect("dziekuje bardzo, swietna obsluga"), p.Detect("dziekuje bardzo, swietna obsluga"))
	var nilp *Profiles
	assert.Equal(t, "pl", nilp.Detect("dziekuje bardzo, swietna obsluga").Lang)
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name, text, declared string
		want                 Guess
	}{
		{"declared wins", "the order is late and the app is broken again", "es", Guess{"es", 1}},
		{"region dropped", "obrigado", "pt-BR", Guess{"pt", 1}},
		{"underscore and case", "x", "EN_gb", Guess{"en", 1}},
		{"three letters", "x", "fil", Guess{"fil", 1}},
		{"undetermined detects", "dziekuje bardzo, swietna obsluga", "und", Guess{"pl", New().Detect("dziekuje bardzo, swietna obsluga").Confidence}},
		{"empty detects", "que buena onda, gracias", "", New().Detect("que buena onda, gracias")},
		{"malformed detects", "que buena onda, gracias", "e5", New().Detect("que buena onda, gracias")},
		{"too long detects", "que buena onda, gracias", "english", New().Detect("que buena onda, gracias")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Resolve(nil, tt.text, tt.declared))
			assert.Equal(t, tt.want, Resolve(New(), tt.text, tt.declared))
		})
	}
}

func TestLatinTableFolds(t *testing.T) {
	for in, want := range map[rune]byte{
		'ą': 'a', 'Ą': 'a', 'ć': 'c', 'ę': 'e', 'ł': 'l', 'Ł': 'l', 'ń': 'n', 'ó': 'o',
		'ś': 's', 'ź': 'z', 'ż': 'z', 'Ż': 'z', 'ñ': 'n', 'Ñ': 'n', 'á': 'a', 'é': 'e',
		'í': 'i', 'ú': 'u', 'ü': 'u', 'ç': 'c', 'ß': 's', 'ſ': 's', 'ő': 'o', 'ř': 'r',
	} {
		assert.Equal(t, want-'a'+1, latinTable[in-latinBase].code, "%c", in)
	}
	assert.Zero(t, latinTable['×'-latinBase].code)
	assert.Zero(t, latinTable['÷'-latinBase].code)
}

func TestDetectConcurrent(t *testing.T) {
	d := New()
	texts := []string{"dziekuje bardzo, swietna obsluga", "que buena onda, gracias", "the order is late and the app is broken again"}
	want := make([]Guess, len(texts))
	for i, text := range texts {
		want[i] = d.Detect(text)
	}
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 200 {
				k := (g + i) % len(texts)
				if got := d.Detect(texts[k]); got != want[k] {
					t.Errorf("%q: got %v, want %v", texts[k], got, want[k])
					return
				}
				if got := Resolve(nil, texts[k], ""); got != want[k] {
					t.Errorf("Resolve %q: got %v, want %v", texts[k], got, want[k])
					return
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}
