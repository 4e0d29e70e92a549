package readability_test

import (
	"fmt"

	"github.com/cmkit/cmkit/styleguide/readability"
)

func report(post, lang string) {
	s := readability.Count(post, lang)
	f, _ := readability.FormulaFor(lang)
	score, ok := s.Score(f)
	if !ok {
		fmt.Println("nothing to score")
		return
	}
	fmt.Printf("%d sentences, %d words, %d syllables, %d hard words\n",
		s.Sentences, s.Words, s.Syllables, s.Complex)
	fmt.Printf("%s %.1f: %s\n", f, score, f.Band(score))
}

func Example_english() {
	report("Our summer sale starts today! Get 20% off everything at https://shop.example.com 🎉 #SummerSale", "en")
	// Output:
	// 2 sentences, 9 words, 13 syllables, 0 hard words
	// flesch 80.1: easy
}

func Example_spanish() {
	report("¡Hola, @ana! Gracias por participar en nuestro sorteo. El Sr. Pérez anunciará al ganador el lunes.", "es-MX")
	// Output:
	// 3 sentences, 15 words, 30 syllables, 2 hard words
	// szigriszt-pazos 77.2: bastante fácil
}

func Example_polish() {
	report("Dziękujemy za wszystkie komentarze! Odpowiedzialność za bezpieczeństwo klientów to nasz priorytet.", "pl")
	// Output:
	// 2 sentences, 11 words, 29 syllables, 4 hard words
	// pisarek 18.4: bardzo trudny
}

// Two formulas read the same Spanish counts; Fernández Huerta runs a few
// points higher than Szigriszt-Pazos on the same text.
func ExampleStats_Score() {
	s := readability.Count("El perro come pan. La casa es grande.", "es")
	fh, _ := s.Score(readability.FernandezHuerta)
	sp, _ := s.Score(readability.SzigrisztPazos)
	fmt.Printf("%.2f %.3f\n", fh, sp)
	// Output: 112.76 109.385
}

func ExampleSyllables() {
	fmt.Println(readability.Syllables("beautiful", "en"), readability.Syllables("país", "es"),
		readability.Syllables("ziemia", "pl"), readability.Syllables("w", "pl"))
	// Output: 3 2 2 0
}
