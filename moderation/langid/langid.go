package langid

import "strings"

// Guess is a detection.
//
// Lang is a BCP 47 base tag ("en", "es", "pl") or "" when the language is
// unknown: too little text, scores too close to call, a script or language
// the detector does not model. Confidence is in [0, 1]; when Lang is "" it
// says how strongly the text leaned towards the nearest modelled language,
// and it is always below [MinConfidence].
type Guess struct {
	Lang       string  `json:"lang"`
	Confidence float64 `json:"confidence"`
}

// MinConfidence is the confidence below which a detector's guess is reported
// as unknown. Callers that need more certainty compare Confidence with their
// own threshold.
const MinConfidence = 0.5

// Detector detects the language of a text. Implementations are safe for
// concurrent use.
type Detector interface {
	Detect(text string) Guess
}

// Resolve returns the language declared for a text when there is one, and
// otherwise asks d to detect it. A platform that tags each mention with its
// language (X, Mastodon and Bluesky do) knows better than any detector; the
// declared tag is reduced to its base ("pt-BR" becomes "pt", "EN" becomes
// "en") and returned with confidence 1, even for languages d does not model.
// An empty, malformed or undetermined ("und", "mul", "zxx") declaration is
// ignored. A nil d means [New].
func Resolve(d Detector, text, declared string) Guess {
	if base, ok := baseTag(declared); ok {
		return Guess{Lang: base, Confidence: 1}
	}
	if d == nil {
		return builtin.Detect(text)
	}
	return d.Detect(text)
}

// builtin is the detector Resolve uses when given none.
var builtin = New()

// baseTag returns the lower-cased primary language subtag of a BCP 47 tag
// (2 or 3 ASCII letters), or false when there is none worth trusting.
func baseTag(tag string) (string, bool) {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	if len(tag) < 2 || len(tag) > 3 {
		return "", false
	}
	var b [3]byte
	for i := 0; i < len(tag); i++ {
		c := tag[i] | 0x20
		if c < 'a' || c > 'z' {
			return "", false
		}
		b[i] = c
	}
	base := string(b[:len(tag)])
	switch base {
	case "und", "mul", "zxx", "mis":
		return "", false
	}
	return base, true
}
