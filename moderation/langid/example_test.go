package langid_test

import (
	"fmt"

	"github.com/cmkit/cmkit/moderation/langid"
)

func Example() {
	d := langid.New()
	for _, text := range []string{
		"@acme dziekuje bardzo, swietna obsluga 👍",
		"que buena onda, gracias!! #fan",
		"Still waiting for my refund, any news?",
		"grazie mille per l'aiuto, siete gentilissimi",
		"ok 👍",
	} {
		g := d.Detect(text)
		fmt.Printf("%q sure=%v\n", g.Lang, g.Confidence >= langid.MinConfidence)
	}
	// Output:
	// "pl" sure=true
	// "es" sure=true
	// "en" sure=true
	// "" sure=false
	// "" sure=false
}

func ExampleResolve() {
	// The platform declared the language: it wins.
	fmt.Println(langid.Resolve(nil, "gracias", "es-MX").Lang)
	// No declaration: the detector decides.
	fmt.Println(langid.Resolve(nil, "the parcel arrived damaged, who do I contact?", "").Lang)
	// Output:
	// es
	// en
}
