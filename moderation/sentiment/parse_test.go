package sentiment

import (
	"strings"
	"testing"
)

func TestParseLexicon(t *testing.T) {
	terms, err := parseLexicon("# comment\n\ngood\t1.9\nŚwietn*\t2.5\nnot\tneg\nvery\tboost\nsuper\t2 boost\nkind of\tdamp\nsin embargo\tbut\nthe\tword\n:*\t2.2\nmega\tboost=0.5\r\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []term{
		{key: "good", val: 1.9},
		{key: "swietn", stem: true, val: 2.5},
		{key: "not", kind: kindNeg},
		{key: "very", kind: kindBoost, boost: bIncr},
		{key: "super", val: 2, kind: kindBoost, boost: bIncr},
		{key: "kind of", kind: kindBoost, boost: bDecr},
		{key: "sin embargo", kind: kindBut},
		{key: "the", kind: kindWord},
		{key: ":*", val: 2.2},
		{key: "mega", kind: kindBoost, boost: 0.5},
	}
	if len(terms) != len(want) {
		t.Fatalf("got %d terms, want %d: %+v", len(terms), len(want), terms)
	}
	for i := range want {
		if terms[i] != want[i] {
			t.Errorf("term %d = %+v, want %+v", i, terms[i], want[i])
		}
	}
}

func TestParseLexiconErrors(t *testing.T) {
	for _, bad := range []string{
		"good 1.9",      // no tab
		"good\t",        // no fields
		"good\t5",       // out of range
		"good\tNaN",     // not a number
		"good\tgreat",   // unknown kind
		"a b c\t1",      // three words
		"ab*\t1",        // stem too short
		"kind of*\t1",   // stem of a phrase
		"\t1",           // empty term
		"mega\tboost=3", // boost too large
		"mega\tboost=x", // boost not a number
		"\ufe0f\t1",     // only ignorable runes
		strings.Repeat("x", maxKey+1) + "\t1",
	} {
		if _, err := parseLexicon("ok\t1\n" + bad + "\n"); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("parseLexicon(%q) = %v, want an error on line 2", bad, err)
		}
	}
}

// TestEmbeddedLexicons checks that every data file parses and is not empty.
func TestEmbeddedLexicons(t *testing.T) {
	for lang, name := range dataFiles {
		b, err := dataFS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		terms, err := parseLexicon(string(b))
		if err != nil {
			t.Fatal(err)
		}
		if len(terms) < 150 {
			t.Errorf("%s (%s) has %d terms", name, langNames[lang], len(terms))
		}
	}
}

func FuzzParseLexicon(f *testing.F) {
	for _, name := range dataFiles {
		b, err := dataFS.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		for i := 0; i < len(lines); i += 40 {
			f.Add(strings.Join(lines[i:min(i+40, len(lines))], "\n"))
		}
	}
	f.Add("swietn*\t2.5\n:*\t1\nkind of\tdamp=0.1 neg but word -0")
	f.Fuzz(func(t *testing.T, data string) {
		terms, err := parseLexicon(data)
		if err != nil {
			return
		}
		var b strings.Builder
		for _, tm := range terms {
			if tm.key == "" || len(tm.key) > maxKey || tm.val < -maxValence || tm.val > maxValence {
				t.Fatalf("bad term %+v", tm)
			}
			b.WriteString(tm.format())
			b.WriteByte('\n')
		}
		again, err := parseLexicon(b.String())
		if err != nil {
			t.Fatalf("formatted lexicon does not parse: %v\n%s", err, b.String())
		}
		if len(again) != len(terms) {
			t.Fatalf("round trip: %d terms, want %d", len(again), len(terms))
		}
		for i := range terms {
			if again[i] != terms[i] {
				t.Fatalf("round trip: %+v, want %+v", again[i], terms[i])
			}
		}
		// Every parsed lexicon builds an analyzer that scores without panicking.
		l, err := build(func(lang int) (string, error) {
			if lang == langEN {
				return data, nil
			}
			return "", nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r := l.Analyze(data, "")
		if r.Score < -1 || r.Score > 1 {
			t.Fatalf("score %v out of range", r.Score)
		}
	})
}
