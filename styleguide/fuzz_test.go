package styleguide_test

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/testbudget"
	"github.com/cmkit/cmkit/styleguide"
)

func FuzzParseLayer(f *testing.F) {
	data, err := os.ReadFile("testdata/acme.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"name":"x","rules":[{"id":"a","kind":"substitution","replace":[{"avoid":["email"],"use":"correo"}]}]}`))
	f.Add([]byte(`{"name":"x","settings":{"address":{"es":"formal"}},"disable":["a"]}`))
	f.Add([]byte(`{"name":"x","rules":[{"id":"a","kind":"readability","min_score":1e308}]}`))
	f.Add([]byte(`{"name":"x","name":"y"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer testbudget.CheckFuzz(t, time.Now(), string(data))
		l, err := styleguide.ParseLayer(data)
		if err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		out, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		l2, err := styleguide.ParseLayer(out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		out2, _ := json.Marshal(l2)
		if string(out) != string(out2) {
			t.Fatalf("round trip differs:\n%s\n%s", out, out2)
		}
		if _, err := styleguide.Compile([]styleguide.Layer{l}); err != nil && !errors.Is(err, cmkit.ErrInvalid) {
			t.Fatalf("compile error does not wrap ErrInvalid: %v", err)
		}
	})
}

func FuzzCheckFix(f *testing.F) {
	g := acme(f, styleguide.WithSpeller("en", newSpeller("we the a is", map[string][]string{"teh": {"the"}})))
	for _, s := range []string{
		"Get our cheap e-mail plan the the best! I love it!!! #blackfriday #f4f LOOK NOW NOW",
		"Mándanos un Email o EMAIL. Usted puede ver su pedido. #ofertadeldia email correo",
		"Ja myślę, że możesz kupić w w sklepie. Zobacz https://acme.pl/x?utm_source=a mail e-mail",
		"haha 😀 great sale Wi-Fi wifi WIFI on-line online whatsapp IPHONE",
		"🎉👍🏽 Una CANCIÓN\nżÓŁw i cafe\u0301 😀 EMAIL \xff",
	} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(5))
		f.Add(s, uint8(6))
	}
	langs := []string{"en", "es", "pl", "fr"}
	f.Fuzz(func(t *testing.T, text string, opt uint8) {
		defer testbudget.CheckFuzz(t, time.Now(), text)
		d := styleguide.Draft{Text: text, Language: langs[opt%4], Platform: cmkit.X, Crisis: opt&4 != 0,
			Title: text[:len(text)/3], CampaignKind: "promotion"}
		alerts := g.Check(nil, d)
		for _, a := range alerts {
			n := len(d.Text)
			if a.Field == styleguide.FieldTitle {
				n = len(d.Title)
			}
			if a.Start < 0 || a.Start > a.End || a.End > n || a.Line < 1 || a.Column < 1 {
				t.Fatalf("bad alert %+v for a text of %d bytes", a, n)
			}
			for _, fx := range a.Fixes {
				if fx.Start < 0 || fx.Start > fx.End || fx.End > n {
					t.Fatalf("bad fix %+v", fx)
				}
			}
		}
		out, applied := styleguide.ApplyFixes(text, alerts)
		if !utf8.ValidString(out) {
			t.Fatalf("ApplyFixes made invalid UTF-8: %q", out)
		}
		for i := 1; i < len(applied); i++ {
			if applied[i].Start < applied[i-1].End {
				t.Fatalf("overlapping fixes %+v", applied)
			}
		}
		fixed, edits := g.Fix(d)
		if !utf8.ValidString(fixed) {
			t.Fatalf("Fix made invalid UTF-8: %q", fixed)
		}
		var as []styleguide.Alert
		for _, e := range edits {
			as = append(as, styleguide.Alert{Fixes: []styleguide.Fix{e}})
		}
		if replay, _ := styleguide.ApplyFixes(text, as); replay != fixed {
			t.Fatalf("edits replay to %q, Fix gave %q", replay, fixed)
		}
		d.Text = fixed
		again, more := g.Fix(d)
		if again != fixed || len(more) > 0 {
			t.Fatalf("fixing %q again gave %q (%+v)", fixed, again, more)
		}
	})
}
