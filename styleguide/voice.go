package styleguide

import (
	"slices"
	"strings"
)

// The voice lists. Forms are matched as whole words, without regard to
// case but with their accents: "sé" (I know) is not "se", "tú" is not
// "tu" (both informal, listed apart).
var (
	// firstSingular: forms of the first person singular, flagged when the
	// brand speaks as "we". Pronouns and possessives, and the commonest
	// verb forms that can only be "I".
	firstSingular = map[string][]string{
		"en": {"I", "me", "my", "mine", "myself", "I'm", "I’m", "I've", "I’ve", "I'll", "I’ll", "I'd", "I’d"},
		"es": {"yo", "me", "mi", "mis", "mí", "mío", "mía", "míos", "mías", "conmigo",
			"soy", "estoy", "tengo", "puedo", "quiero", "creo", "pienso", "he", "voy", "hago", "sé", "digo"},
		"pl": {"ja", "mnie", "mi", "mną", "mój", "moja", "moje", "mojego", "mojej", "mojemu", "moim", "moją", "moich", "moimi", "moi",
			"jestem", "mam", "mogę", "chcę", "myślę", "robię", "wiem", "byłem", "byłam", "zrobiłem", "zrobiłam", "sądzę"},
	}
	// informal: second person singular forms, flagged when the brand
	// addresses readers formally.
	informal = map[string][]string{
		"es": {"tú", "te", "ti", "contigo", "tu", "tus", "tuyo", "tuya", "tuyos", "tuyas",
			"eres", "estás", "tienes", "puedes", "quieres", "necesitas", "sabes", "haces", "vas", "has", "buscas", "prefieres"},
		"pl": {"ty", "cię", "ciebie", "tobie", "tobą", "twój", "twoja", "twoje", "twojego", "twojej", "twojemu", "twoim", "twoją", "twoich", "twoimi", "twoi",
			"jesteś", "masz", "możesz", "chcesz", "wiesz", "potrzebujesz", "szukasz", "zobacz", "sprawdź", "kup", "zamów", "dołącz"},
	}
	// informalAmbiguous: informal forms that are also something else
	// (Polish "ci" is also "those"): flagged only in a sentence that has an
	// unambiguous informal form too.
	informalAmbiguous = map[string][]string{
		"pl": {"ci"},
	}
	// formal: usted, Pan and Pani forms, flagged when the brand addresses
	// readers informally.
	formal = map[string][]string{
		"es": {"usted", "ustedes"},
		"pl": {"pan", "pani", "państwo", "pana", "panu", "panem", "panią", "państwa", "państwu", "państwem", "panie", "panów", "paniom", "pań"},
	}
	// formalAmbiguous: the forms usted shares with él, ella and ellos
	// ("su", "puede"): flagged only in a sentence that also says usted or
	// ustedes.
	formalAmbiguous = map[string][]string{
		"es": {"su", "sus", "suyo", "suya", "puede", "tiene", "quiere", "necesita", "sabe", "está", "busca", "prefiere"},
	}
)

type voiceTerm struct {
	text, lang string
	role       role
	ambig      bool
}

// voiceTerms returns the forms a voice rule flags under the settings.
func voiceTerms(s Settings, r StyleRule) []voiceTerm {
	var out []voiceTerm
	langs := []string{"en", "es", "pl"}
	if len(r.Scope.Languages) > 0 {
		langs = langs[:0:0]
		for _, l := range r.Scope.Languages {
			if b := baseLang(strings.ToLower(l)); !slices.Contains(langs, b) {
				langs = append(langs, b)
			}
		}
	}
	for _, lang := range langs {
		if s.Person == PersonWe && r.Aspect != AspectAddress {
			for _, t := range firstSingular[lang] {
				out = append(out, voiceTerm{t, lang, rolePerson, false})
			}
		}
		if r.Aspect == AspectPerson {
			continue
		}
		var plain, ambig []string
		switch s.Address[lang] {
		case AddressFormal:
			plain, ambig = informal[lang], informalAmbiguous[lang]
		case AddressInformal:
			plain, ambig = formal[lang], formalAmbiguous[lang]
		}
		for _, t := range plain {
			out = append(out, voiceTerm{t, lang, roleAddress, false})
		}
		for _, t := range ambig {
			out = append(out, voiceTerm{t, lang, roleAddress, true})
		}
	}
	return out
}

// voiceAlerts turns the voice hits into alerts: an ambiguous form only
// when an unambiguous one of the same rule shares its sentence.
func (c *checker) voiceAlerts(dst []Alert) []Alert {
	hits := c.sc.voice
	text := c.d.Text
	for k, h := range hits {
		inner := false
		for j, o := range hits {
			if j != k && o.rule == h.rule && o.start <= h.start && h.end <= o.end && o.end-o.start > h.end-h.start {
				inner = true // "I" inside "I'm"
				break
			}
		}
		if inner {
			continue
		}
		if h.ambig {
			ss, se := sentenceAround(text, int(h.start))
			found := false
			for _, o := range hits {
				if !o.ambig && o.rule == h.rule && o.role == h.role && int(o.start) >= ss && int(o.start) < se {
					found = true
					break
				}
			}
			if !found {
				continue
			}
		}
		key := "voice.person"
		if h.role == roleAddress {
			key = "voice." + string(c.g.settings.Address[c.base])
		}
		dst = c.add(dst, h.rule, key, int(h.start), int(h.end), &msgArgs{match: text[h.start:h.end]}, nil)
	}
	return dst
}

// sentenceAround returns the bounds of the sentence around text[i].
func sentenceAround(text string, i int) (start, end int) {
	for k := i - 1; k >= 0; k-- {
		switch text[k] {
		case '\n':
			start = k + 1
		case '.', '!', '?':
			if sentenceEnds(text, k+1) {
				start = k + 1
			}
		default:
			continue
		}
		if start > 0 {
			break
		}
	}
	end = len(text)
	for k := i; k < len(text); k++ {
		if b := text[k]; b == '\n' || (b == '.' || b == '!' || b == '?') && sentenceEnds(text, k+1) {
			end = k
			break
		}
	}
	return start, end
}
