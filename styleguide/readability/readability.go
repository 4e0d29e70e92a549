package readability

import "math"

// Stats are the counts a formula needs. Count fills them in; a caller may
// also add two Stats field by field to score several posts as one text.
type Stats struct {
	Sentences, Words, Syllables, Letters int
	// Complex counts words of at least 4 syllables: Pisarek's "hard
	// words" (wyrazy trudne). The threshold is Pisarek's for Polish, where
	// words are longer than in English and Gunning's 3 syllables would make
	// most nouns hard; only the Pisarek formula reads it, and it is counted
	// with the same threshold for every language so that Stats mean the
	// same thing whatever the language.
	Complex int
}

// Formula names a readability formula.
type Formula string

// The formulas Score knows. See the package documentation for sources,
// scales and bands.
const (
	// FleschReadingEase is Flesch (1948) for English:
	// 206.835 − 1.015·(words/sentences) − 84.6·(syllables/words).
	// Higher is easier; 60–70 is plain English.
	FleschReadingEase Formula = "flesch"
	// FernandezHuerta is Fernández Huerta (1959) for Spanish, in its
	// corrected form 206.84 − 0.60·P − 1.02·F, with P the syllables per 100
	// words and F the words per sentence. Higher is easier.
	FernandezHuerta Formula = "fernandez-huerta"
	// SzigrisztPazos is Szigriszt-Pazos's perspicuity (1993) for Spanish,
	// 206.835 − 62.3·(syllables/words) − words/sentences, read on the
	// INFLESZ scale of Barrio-Cantalejo (2008). Higher is easier.
	SzigrisztPazos Formula = "szigriszt-pazos"
	// Pisarek is Pisarek's nonlinear formula (1969) for Polish, as
	// Jasnopis computes it: ½·√(S² + N²), with S the words per sentence
	// and N the percentage of hard words (4 syllables or more). It reads
	// roughly as years of schooling: lower is easier.
	Pisarek Formula = "pisarek"
)

// Score computes f over s; ok is false when s has no words or no
// sentences, or f is not one of the formulas above.
func (s Stats) Score(f Formula) (score float64, ok bool) {
	if s.Words <= 0 || s.Sentences <= 0 {
		return 0, false
	}
	w, n := float64(s.Words), float64(s.Sentences)
	wps := w / n                    // words per sentence
	spw := float64(s.Syllables) / w // syllables per word
	switch f {
	case FleschReadingEase:
		return 206.835 - 1.015*wps - 84.6*spw, true
	case FernandezHuerta:
		return 206.84 - 0.60*(100*spw) - 1.02*wps, true
	case SzigrisztPazos:
		return 206.835 - 62.3*spw - wps, true
	case Pisarek:
		hard := 100 * float64(s.Complex) / w
		return math.Sqrt(wps*wps+hard*hard) / 2, true
	}
	return 0, false
}

// FormulaFor returns the default formula for a language: Flesch for
// English, Szigriszt-Pazos (INFLESZ) for Spanish, Pisarek for Polish. The
// region and any other subtag are ignored ("es-MX" is "es"); ok is false
// for any other language.
func FormulaFor(lang string) (Formula, bool) {
	switch parseLang(lang) {
	case langEN:
		return FleschReadingEase, true
	case langES:
		return SzigrisztPazos, true
	case langPL:
		return Pisarek, true
	}
	return "", false
}

// Band describes a score in words, in the language of the formula's own
// scale, for messages: Flesch's "standard (plain English)", INFLESZ's
// "bastante fácil", Pisarek's "łatwy". It returns "" for an unknown
// formula or a NaN score. Scores beyond the ends of a scale fall in the
// end bands.
func (f Formula) Band(score float64) string {
	if math.IsNaN(score) {
		return ""
	}
	switch f {
	case FleschReadingEase: // Flesch (1948), table of reading ease.
		switch {
		case score >= 90:
			return "very easy"
		case score >= 80:
			return "easy"
		case score >= 70:
			return "fairly easy"
		case score >= 60:
			return "standard (plain English)"
		case score >= 50:
			return "fairly difficult"
		case score >= 30:
			return "difficult"
		}
		return "very difficult"
	case FernandezHuerta: // Fernández Huerta (1959), escala de lecturabilidad.
		switch {
		case score >= 90:
			return "muy fácil"
		case score >= 80:
			return "fácil"
		case score >= 70:
			return "algo fácil"
		case score >= 60:
			return "normal"
		case score >= 50:
			return "algo difícil"
		case score >= 30:
			return "difícil"
		}
		return "muy difícil"
	case SzigrisztPazos: // Barrio-Cantalejo (2008), escala INFLESZ.
		switch {
		case score >= 80:
			return "muy fácil"
		case score >= 65:
			return "bastante fácil"
		case score >= 55:
			return "normal"
		case score >= 40:
			return "algo difícil"
		}
		return "muy difícil"
	case Pisarek: // years of schooling, as FOG-PL and Jasnopis read them.
		switch {
		case score < 7:
			return "bardzo łatwy"
		case score < 10:
			return "łatwy"
		case score < 13:
			return "średnio trudny"
		case score < 16:
			return "trudny"
		}
		return "bardzo trudny"
	}
	return ""
}

type language uint8

const (
	langOther language = iota
	langEN
	langES
	langPL
)

// parseLang reads the primary subtag of a BCP 47 tag, case-insensitively.
func parseLang(tag string) language {
	end := len(tag)
	for i := 0; i < len(tag); i++ {
		if tag[i] == '-' || tag[i] == '_' {
			end = i
			break
		}
	}
	if end != 2 {
		return langOther
	}
	a, b := tag[0]|0x20, tag[1]|0x20
	switch {
	case a == 'e' && b == 'n':
		return langEN
	case a == 'e' && b == 's':
		return langES
	case a == 'p' && b == 'l':
		return langPL
	}
	return langOther
}
