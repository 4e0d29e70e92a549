package langid

import (
	"testing"
)

func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		"", "ok", "dziekuje bardzo, swietna obsluga", "que buena onda, gracias",
		"@a #b https://x.y www.z", "\xff\xfe\xc3", "ñ¿¡ąę", "спасибо", "日本語",
		"http", "www", "@", "#", " \t\n", "a\u00ad-b'c",
	} {
		f.Add(s)
	}
	d := New()
	f.Fuzz(func(t *testing.T, text string) {
		g := d.Detect(text)
		if g.Confidence < 0 || g.Confidence > 1 || g.Confidence != g.Confidence {
			t.Fatalf("confidence %v out of [0, 1]", g.Confidence)
		}
		switch g.Lang {
		case "":
			if g.Confidence >= MinConfidence {
				t.Fatalf("unknown with confidence %v", g.Confidence)
			}
		case "en", "es", "pl":
			if g.Confidence < MinConfidence {
				t.Fatalf("%s with confidence %v", g.Lang, g.Confidence)
			}
		default:
			t.Fatalf("lang %q", g.Lang)
		}
		if d.Detect(text) != g {
			t.Fatal("not deterministic")
		}
	})
}
