package styleguide

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// keepCase writes use in the case of orig: all capitals when orig has two
// or more letters and no lower-case one ("EMAIL" → "CORREO"), a capital
// first letter when orig starts with one ("Email" → "Correo"), and use as
// written otherwise ("email" → "correo"; "whatsapp" → "WhatsApp").
func keepCase(orig, use string) string {
	letters, lower := 0, 0
	first := rune(0)
	for _, r := range orig {
		if !unicode.IsLetter(r) {
			continue
		}
		if first == 0 {
			first = r
		}
		letters++
		if unicode.IsLower(r) {
			lower++
		}
	}
	switch {
	case letters >= 2 && lower == 0:
		return strings.ToUpper(use)
	case first != 0 && unicode.IsUpper(first):
		r, size := utf8.DecodeRuneInString(use)
		if unicode.IsLower(r) {
			return string(unicode.ToTitle(r)) + use[size:]
		}
	}
	return use
}

// form is the gender and number of a term; empty when unknown.
type form struct {
	g Gender
	n Number
}

// agrees reports whether replacing avoid with rep.Use in lang keeps
// agreement, so that the fix may be automatic. For languages other than
// Spanish and Polish it is always true. For those two, both terms' gender
// and number must be known, declared on the replacement or inferred from
// the endings (inferForm), and equal.
func agrees(lang, avoid string, rep Replacement) bool {
	if lang != "es" && lang != "pl" {
		return true
	}
	a := form{rep.AvoidGender, rep.AvoidNumber}
	u := form{rep.Gender, rep.Number}
	ia, iu := inferForm(lang, avoid), inferForm(lang, rep.Use)
	if a.g == "" {
		a.g = ia.g
	}
	if a.n == "" {
		a.n = ia.n
	}
	if u.g == "" {
		u.g = iu.g
	}
	if u.n == "" {
		u.n = iu.n
	}
	return a.g != "" && a.n != "" && a == u
}

// inferForm guesses the gender and number of a noun phrase from the
// ending of its head word: the first word in Spanish ("correo
// electrónico"), the last in Polish ("poczta elektroniczna" is an
// exception the rule must declare; "nasz sklep" is not).
//
// Spanish: -ción, -sión, -dad, -tad, -tud: feminine singular; -ciones,
// -siones, -dades: feminine plural; -os masculine plural; -as feminine
// plural; -o masculine singular; -a feminine singular; other -es plural of
// unknown gender; anything else unknown. (día, mapa, problema, mano, foto
// are exceptions to declare.)
//
// Polish, nominative: -ść feminine singular; -a feminine singular; -o,
// -e, -ę, -um neuter singular; -y, -i plural of unknown gender; a
// consonant masculine singular. (mężczyzna, kolega, noc, rzecz, mysz are
// exceptions to declare.)
func inferForm(lang, term string) form {
	fields := strings.Fields(strings.ToLower(term))
	if len(fields) == 0 {
		return form{}
	}
	w := fields[0]
	if lang == "pl" {
		w = fields[len(fields)-1]
	}
	w = strings.TrimRightFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
	if w == "" {
		return form{}
	}
	has := func(suffixes ...string) bool {
		for _, s := range suffixes {
			if strings.HasSuffix(w, s) {
				return true
			}
		}
		return false
	}
	if lang == "es" {
		switch {
		case has("ciones", "siones", "dades", "tades", "tudes"):
			return form{Feminine, Plural}
		case has("ción", "sión", "cion", "sion", "dad", "tad", "tud"):
			return form{Feminine, Singular}
		case has("os"):
			return form{Masculine, Plural}
		case has("as"):
			return form{Feminine, Plural}
		case has("es"):
			return form{"", Plural}
		case has("o"):
			return form{Masculine, Singular}
		case has("a"):
			return form{Feminine, Singular}
		}
		return form{}
	}
	switch {
	case has("ść"):
		return form{Feminine, Singular}
	case has("a"):
		return form{Feminine, Singular}
	case has("o", "e", "ę", "um"):
		return form{Neuter, Singular}
	case has("y", "i"):
		return form{"", Plural}
	}
	last, _ := utf8.DecodeLastRuneInString(w)
	if strings.ContainsRune("aąeęioóuy", last) {
		return form{}
	}
	return form{Masculine, Singular}
}
