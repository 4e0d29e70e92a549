package sentiment

// Label is the class of a text's sentiment.
type Label string

// The labels, from the compound Score: Positive at or above 0.05, Negative
// at or below -0.05, Neutral between.
const (
	Negative Label = "negative"
	Neutral  Label = "neutral"
	Positive Label = "positive"
)

// Result is the sentiment of one text.
type Result struct {
	// Score is the compound sentiment in [-1, 1]: the sum of the word
	// valences after the rules, normalized by x/sqrt(x²+15).
	Score float64 `json:"score"`
	// Label classifies Score with the ±0.05 band of VADER.
	Label Label `json:"label"`
	// Positive, Neutral and Negative are the proportions of the text that
	// carry each sentiment, as VADER computes them; they add up to 1 when
	// the text has at least one word, emoji or emoticon, and are all zero
	// otherwise.
	Positive float64 `json:"positive"`
	Neutral  float64 `json:"neutral"`
	Negative float64 `json:"negative"`
	// Lang is the lexicon the text was scored with ("en", "es" or "pl"),
	// the one asked for or the one detected; "" when no word of any
	// lexicon was found.
	Lang string `json:"lang,omitempty"`
	// Hits counts the words, phrases, emoji and emoticons that carried
	// sentiment.
	Hits int `json:"hits"`
}

// Analyzer scores a text. lang is a BCP 47 tag ("en", "es-MX", "pl"),
// empty when unknown. Implementations must be safe for concurrent use.
// *Lexicon is the built-in one; a product plugs a model or an API here.
type Analyzer interface {
	Analyze(text, lang string) Result
}

var _ Analyzer = (*Lexicon)(nil)

// label maps a compound score to its Label.
func label(score float64) Label {
	switch {
	case score >= 0.05:
		return Positive
	case score <= -0.05:
		return Negative
	}
	return Neutral
}
