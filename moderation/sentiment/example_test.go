package sentiment_test

import (
	"fmt"

	"github.com/cmkit/cmkit/moderation/sentiment"
)

// Negation in Spanish: "no ... nada" is one negation (negative concord),
// and a negated negative word is mildly positive.
func Example_negation() {
	l := sentiment.New()
	for _, text := range []string{"No me gusta nada", "No está mal"} {
		r := l.Analyze(text, "es")
		fmt.Printf("%-18s %-8s %+.2f\n", text, r.Label, r.Score)
	}
	// Output:
	// No me gusta nada   negative -0.43
	// No está mal        positive +0.36
}

func ExampleLexicon_Analyze() {
	l := sentiment.New()
	for _, m := range []struct{ text, lang string }{
		{"The food was good, but the service was terrible 😡", "en"},
		{"Un poco caro, pero la calidad es excelente", "es-MX"},
		{"Swietny produkt, dziekuje! Polecam", "pl"},
		{"nie polecam, obsluga beznadziejna", ""},
	} {
		r := l.Analyze(m.text, m.lang)
		fmt.Printf("%s %-8s %+.2f\n", r.Lang, r.Label, r.Score)
	}
	// Output:
	// en negative -0.89
	// es positive +0.76
	// pl positive +0.92
	// pl negative -0.76
}
