package readability

import (
	"math"
	"testing"
)

// The expected scores are worked out by hand from the counts in each case
// and the published formulas:
//   - Flesch: R. Flesch, "A new readability yardstick", Journal of Applied
//     Psychology 32(3), 1948.
//   - Fernández Huerta: J. Fernández Huerta, "Medidas sencillas de
//     lecturabilidad", Consigna 214, 1959, in the corrected form (words
//     per sentence, not sentences per 100 words; G. Law, LINGUIST List
//     22.2332, 2011).
//   - Szigriszt-Pazos: F. Szigriszt Pazos, "Sistemas predictivos de
//     legibilidad del mensaje escrito: fórmula de perspicuidad", doctoral
//     thesis, 1993; bands from I. M. Barrio-Cantalejo et al., "Validación
//     de la Escala INFLESZ", An. Sist. Sanit. Navar. 31(2), 2008.
//   - Pisarek: W. Pisarek, "Jak mierzyć zrozumiałość tekstu?", Zeszyty
//     Prasoznawcze 4, 1969, in the nonlinear form Jasnopis computes
//     (B. Broda, B. Nitoń, W. Gruszczyński, M. Ogrodniczuk, "Measuring
//     Readability of Polish Texts: Baseline Experiments", LREC 2014).
func TestScore(t *testing.T) {
	for _, tc := range []struct {
		name, text, lang string
		stats            Stats
		formula          Formula
		score            float64
		band             string
	}{{
		// 9 words, 2 sentences, 10 syllables:
		// 206.835 − 1.015·9/2 − 84.6·10/9 = 206.835 − 4.5675 − 94 = 108.2675
		name: "en easy", lang: "en", text: "The cat sat on the mat. It was happy!",
		stats:   Stats{Sentences: 2, Words: 9, Syllables: 10, Letters: 27},
		formula: FleschReadingEase, score: 108.2675, band: "very easy",
	}, {
		// com-mu-ni-ty en-gage-ment re-quires con-sis-tent com-mu-ni-ca-tion:
		// 5 words, 1 sentence, 4+3+2+3+5 = 17 syllables.
		// 206.835 − 1.015·5 − 84.6·17/5 = 206.835 − 5.075 − 287.64 = −85.88
		name: "en hard", lang: "en", text: "Community engagement requires consistent communication.",
		stats:   Stats{Sentences: 1, Words: 5, Syllables: 17, Letters: 50, Complex: 2},
		formula: FleschReadingEase, score: -85.88, band: "very difficult",
	}, {
		// El per-ro co-me pan. La ca-sa es gran-de: 8 words, 2 sentences,
		// 12 syllables; P = 100·12/8 = 150, F = 8/2 = 4.
		// 206.84 − 0.60·150 − 1.02·4 = 206.84 − 90 − 4.08 = 112.76
		name: "es easy, Fernández Huerta", lang: "es", text: "El perro come pan. La casa es grande.",
		stats:   Stats{Sentences: 2, Words: 8, Syllables: 12, Letters: 28},
		formula: FernandezHuerta, score: 112.76, band: "muy fácil",
	}, {
		// Same counts: 206.835 − 62.3·12/8 − 8/2 = 206.835 − 93.45 − 4 = 109.385
		name: "es easy, INFLESZ", lang: "es", text: "El perro come pan. La casa es grande.",
		stats:   Stats{Sentences: 2, Words: 8, Syllables: 12, Letters: 28},
		formula: SzigrisztPazos, score: 109.385, band: "muy fácil",
	}, {
		// La co-mu-ni-ca-ción en re-des so-cia-les ne-ce-si-ta pa-cien-cia:
		// 7 words, 1 sentence, 1+5+1+2+3+4+3 = 19 syllables.
		// 206.84 − 0.60·(1900/7) − 1.02·7 = 206.84 − 162.857142… − 7.14
		name: "es hard, Fernández Huerta", lang: "es", text: "La comunicación en redes sociales necesita paciencia.",
		stats:   Stats{Sentences: 1, Words: 7, Syllables: 19, Letters: 46, Complex: 2},
		formula: FernandezHuerta, score: 206.84 - 0.60*1900.0/7 - 7.14, band: "difícil",
	}, {
		// Same counts: 206.835 − 62.3·19/7 − 7 = 206.835 − 169.1 − 7 = 30.735
		name: "es hard, INFLESZ", lang: "es", text: "La comunicación en redes sociales necesita paciencia.",
		stats:   Stats{Sentences: 1, Words: 7, Syllables: 19, Letters: 46, Complex: 2},
		formula: SzigrisztPazos, score: 30.735, band: "muy difícil",
	}, {
		// Nie wiem. Ku-pi-łem jabł-ka i grusz-ki w skle-pie: 8 words (w has
		// no syllable), 2 sentences, 12 syllables, no hard word.
		// ½·√(4² + 0²) = 2
		name: "pl easy", lang: "pl", text: "Nie wiem. Kupiłem jabłka i gruszki w sklepie.",
		stats:   Stats{Sentences: 2, Words: 8, Syllables: 12, Letters: 36},
		formula: Pisarek, score: 2, band: "bardzo łatwy",
	}, {
		// Mię-dzy-na-ro-do-wa współ-pra-ca wy-ma-ga od-po-wie-dzial-no-ści:
		// 4 words, 1 sentence, 6+3+3+6 = 18 syllables, 2 hard words (50%).
		// ½·√(4² + 50²) = ½·√2516 = 25.0798…
		name: "pl hard", lang: "pl", text: "Międzynarodowa współpraca wymaga odpowiedzialności.",
		stats:   Stats{Sentences: 1, Words: 4, Syllables: 18, Letters: 47, Complex: 2},
		formula: Pisarek, score: math.Sqrt(2516) / 2, band: "bardzo trudny",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			s := Count(tc.text, tc.lang)
			if s != tc.stats {
				t.Fatalf("Count(%q, %q) = %+v, want %+v", tc.text, tc.lang, s, tc.stats)
			}
			got, ok := s.Score(tc.formula)
			if !ok || math.Abs(got-tc.score) > 1e-9 {
				t.Errorf("Score(%s) = %v, %v; want %v, true", tc.formula, got, ok, tc.score)
			}
			if b := tc.formula.Band(got); b != tc.band {
				t.Errorf("Band(%v) = %q, want %q", got, b, tc.band)
			}
		})
	}
}

func TestScoreNotOK(t *testing.T) {
	for _, s := range []Stats{{}, {Words: 3}, {Sentences: 1}, {Sentences: -1, Words: 2}} {
		for _, f := range []Formula{FleschReadingEase, FernandezHuerta, SzigrisztPazos, Pisarek} {
			if _, ok := s.Score(f); ok {
				t.Errorf("%+v.Score(%s) is ok", s, f)
			}
		}
	}
	if _, ok := (Stats{Sentences: 1, Words: 1, Syllables: 1}).Score("gunning-fog"); ok {
		t.Error("an unknown formula scored")
	}
}

func TestFormulaFor(t *testing.T) {
	for lang, want := range map[string]Formula{
		"en": FleschReadingEase, "en-US": FleschReadingEase, "EN_gb": FleschReadingEase,
		"es": SzigrisztPazos, "es-419": SzigrisztPazos, "es-MX": SzigrisztPazos,
		"pl": Pisarek, "pl-PL": Pisarek,
		"": "", "de": "", "eng": "", "e": "", "-en": "",
	} {
		got, ok := FormulaFor(lang)
		if got != want || ok != (want != "") {
			t.Errorf("FormulaFor(%q) = %q, %v; want %q", lang, got, ok, want)
		}
	}
}

func TestBand(t *testing.T) {
	for _, tc := range []struct {
		f     Formula
		score float64
		want  string
	}{
		{FleschReadingEase, 130, "very easy"}, {FleschReadingEase, 90, "very easy"},
		{FleschReadingEase, 89.9, "easy"}, {FleschReadingEase, 75, "fairly easy"},
		{FleschReadingEase, 65, "standard (plain English)"}, {FleschReadingEase, 55, "fairly difficult"},
		{FleschReadingEase, 30, "difficult"}, {FleschReadingEase, 29.9, "very difficult"},
		{FernandezHuerta, 95, "muy fácil"}, {FernandezHuerta, 85, "fácil"},
		{FernandezHuerta, 75, "algo fácil"}, {FernandezHuerta, 65, "normal"},
		{FernandezHuerta, 55, "algo difícil"}, {FernandezHuerta, 40, "difícil"},
		{FernandezHuerta, 10, "muy difícil"},
		{SzigrisztPazos, 80, "muy fácil"}, {SzigrisztPazos, 79.9, "bastante fácil"},
		{SzigrisztPazos, 65, "bastante fácil"}, {SzigrisztPazos, 60, "normal"},
		{SzigrisztPazos, 55, "normal"}, {SzigrisztPazos, 54.9, "algo difícil"},
		{SzigrisztPazos, 40, "algo difícil"}, {SzigrisztPazos, 39.9, "muy difícil"},
		{Pisarek, 2, "bardzo łatwy"}, {Pisarek, 7, "łatwy"}, {Pisarek, 10, "średnio trudny"},
		{Pisarek, 13, "trudny"}, {Pisarek, 16, "bardzo trudny"},
		{Pisarek, math.NaN(), ""}, {"gunning-fog", 10, ""},
	} {
		if got := tc.f.Band(tc.score); got != tc.want {
			t.Errorf("%s.Band(%v) = %q, want %q", tc.f, tc.score, got, tc.want)
		}
	}
}
