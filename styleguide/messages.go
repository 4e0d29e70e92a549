package styleguide

import (
	"strconv"
	"strings"
)

// builtin holds the built-in messages per case, in English, Spanish and
// Polish. A case is a kind, or a kind and what exactly it found.
var builtin = map[string][3]string{
	"banned":               {"Avoid “{match}”.", "Evita «{match}».", "Unikaj „{match}”."},
	"substitution":         {"Use “{use}” instead of “{match}”.", "Usa «{use}» en lugar de «{match}».", "Użyj „{use}” zamiast „{match}”."},
	"capitalization":       {"Write “{use}”, not “{match}”.", "Escribe «{use}», no «{match}».", "Pisz „{use}”, nie „{match}”."},
	"capitalization.title": {"Capitalize the title's words: “{use}”.", "Usa mayúscula en las palabras del título: «{use}».", "Pisz słowa tytułu wielką literą: „{use}”."},
	"capitalization.sentence": {"Capitalize only the title's first word and names: “{use}”.",
		"Solo la primera palabra del título y los nombres propios van con mayúscula: «{use}».",
		"Wielką literą tylko pierwsze słowo tytułu i nazwy własne: „{use}”."},
	"consistency": {"“{match}”: this text also writes “{use}”; keep one spelling.",
		"«{match}»: el texto también escribe «{use}»; usa una sola forma.",
		"„{match}”: tekst pisze też „{use}”; trzymaj się jednej formy."},
	"repetition":     {"“{match}” is repeated.", "«{match}» está repetido.", "„{match}” się powtarza."},
	"voice.person":   {"The brand speaks as “we”: avoid “{match}”.", "La marca habla en plural («nosotros»): evita «{match}».", "Marka mówi „my”: unikaj „{match}”."},
	"voice.formal":   {"Address readers formally: avoid “{match}”.", "Tratamos de usted: evita «{match}».", "Zwracamy się per Pan/Pani: unikaj „{match}”."},
	"voice.informal": {"Address readers informally: avoid “{match}”.", "Tuteamos: evita «{match}».", "Zwracamy się per ty: unikaj „{match}”."},
	"crisis":         {"A crisis is on: avoid “{match}”.", "Hay una crisis en curso: evita «{match}».", "Trwa kryzys: unikaj „{match}”."},
	"crisis.laughter": {"A crisis is on: no jokes or laughter (“{match}”).", "Hay una crisis en curso: nada de bromas ni risas («{match}»).",
		"Trwa kryzys: bez żartów i śmiechu („{match}”)."},
	"crisis.emoji":       {"A crisis is on: no emoji.", "Hay una crisis en curso: sin emojis.", "Trwa kryzys: bez emoji."},
	"conditional":        {"This post must include {use}.", "Esta publicación debe incluir {use}.", "Ten wpis musi zawierać {use}."},
	"conditional.link":   {"This post must link to {use}.", "Esta publicación debe enlazar {use}.", "Ten wpis musi zawierać link do {use}."},
	"conditional.params": {"This link must carry {use}.", "Este enlace debe llevar {use}.", "Ten link musi mieć {use}."},
	"count.hashtags":     {"Hashtags: {count}, at most {max}.", "Hashtags: {count}, como máximo {max}.", "Hashtagi: {count}, najwyżej {max}."},
	"count.mentions":     {"Mentions: {count}, at most {max}.", "Menciones: {count}, como máximo {max}.", "Wzmianki: {count}, najwyżej {max}."},
	"count.links":        {"Links: {count}, at most {max}.", "Enlaces: {count}, como máximo {max}.", "Linki: {count}, najwyżej {max}."},
	"count.emoji":        {"Emoji: {count}, at most {max}.", "Emojis: {count}, como máximo {max}.", "Emoji: {count}, najwyżej {max}."},
	"count.exclamations": {"Exclamation marks: {count}, at most {max}.", "Signos de exclamación: {count}, como máximo {max}.", "Wykrzykniki: {count}, najwyżej {max}."},
	"count.caps_words":   {"Words in capitals: {count}, at most {max}.", "Palabras en mayúsculas: {count}, como máximo {max}.", "Słowa wielkimi literami: {count}, najwyżej {max}."},
	"count.sentence_words": {"This sentence has {count} words; at most {max}.", "Esta frase tiene {count} palabras; como máximo {max}.",
		"Zdanie ma {count} słów; najwyżej {max}."},
	"hashtags.camel": {"“{match}”: capitalize each word of a multi-word hashtag, for screen readers.",
		"«{match}»: escribe con mayúscula cada palabra de un hashtag de varias palabras, para los lectores de pantalla.",
		"„{match}”: w hashtagu z kilku słów zacznij każde wielką literą, dla czytników ekranu."},
	"hashtags":       {"Do not use the hashtag {match}.", "No uses el hashtag {match}.", "Nie używaj hashtagu {match}."},
	"hashtags.max":   {"Hashtags: {count}, at most {max}.", "Hashtags: {count}, como máximo {max}.", "Hashtagi: {count}, najwyżej {max}."},
	"readability":    {"Readability {score} ({use}) is outside the guide's range.", "Legibilidad {score} ({use}): fuera del rango de la guía.", "Czytelność {score} ({use}): poza zakresem przewodnika."},
	"platform":       {"Over the platform's limit ({limit}): {count}, at most {max}.", "Supera el límite de la plataforma ({limit}): {count}, como máximo {max}.", "Przekracza limit platformy ({limit}): {count}, najwyżej {max}."},
	"platform.other": {"The platform does not accept this ({limit}).", "La plataforma no lo acepta ({limit}).", "Platforma tego nie przyjmuje ({limit})."},
	"spelling":       {"“{match}” may be misspelled.", "«{match}» puede estar mal escrito.", "„{match}” może zawierać błąd."},
}

// msgArgs fills a message's placeholders.
type msgArgs struct {
	match, use, limit string
	count, max        int
	score             float64
	hasScore          bool
}

// template returns the message template of rule r for case key (a kind,
// or "kind.what") in the checker's language.
func (c *checker) template(r *crule, key string) string {
	if len(r.msgs) > 0 {
		if m, ok := r.msgs[c.lang]; ok {
			return m
		}
		if m, ok := r.msgs[c.base]; ok {
			return m
		}
	}
	if r.Message != "" {
		return r.Message
	}
	b, ok := builtin[key]
	if !ok {
		b = builtin[string(r.Kind)]
	}
	switch c.base {
	case "es":
		return b[1]
	case "pl":
		return b[2]
	}
	return b[0]
}

// render fills the placeholders of t.
func render(t string, a *msgArgs) string {
	if strings.IndexByte(t, '{') < 0 {
		return t
	}
	var b strings.Builder
	b.Grow(len(t) + len(a.match) + len(a.use))
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			return b.String()
		}
		b.WriteString(t[:i])
		t = t[i:]
		j := strings.IndexByte(t, '}')
		if j < 0 {
			b.WriteString(t)
			return b.String()
		}
		switch t[1:j] {
		case "match":
			b.WriteString(a.match)
		case "use":
			b.WriteString(a.use)
		case "limit":
			b.WriteString(a.limit)
		case "count":
			b.WriteString(strconv.Itoa(a.count))
		case "max":
			b.WriteString(strconv.Itoa(a.max))
		case "score":
			if a.hasScore {
				b.WriteString(strconv.FormatFloat(a.score, 'f', 1, 64))
			}
		default:
			b.WriteString(t[:j+1])
		}
		t = t[j+1:]
	}
}
