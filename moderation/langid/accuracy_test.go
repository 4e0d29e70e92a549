package langid

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// labelled is one text of a test set with its expected language ("" for
// unknown) and, for the other-language set, the language it is really in.
type labelled struct {
	text, want, really string
}

// loadSet reads testdata/<name>.txt. In other.txt each line is
// "<tag>\t<text>" and the expected answer is unknown.
func loadSet(t testing.TB, name string) []labelled {
	t.Helper()
	var set []labelled
	for _, line := range readLines(t, filepath.Join("testdata", name+".txt")) {
		l := labelled{text: line, want: name, really: name}
		if name == "other" {
			tag, text, ok := strings.Cut(line, "\t")
			if !ok {
				t.Fatalf("other.txt: no tab in %q", line)
			}
			l = labelled{text: text, want: "", really: tag}
		}
		if n := utf8.RuneCountInString(l.text); n < 20 || n > 280 {
			t.Fatalf("%s.txt: %q has %d characters, want 20 to 280", name, l.text, n)
		}
		set = append(set, l)
	}
	return set
}

// accuracyFloors are the accuracies measured on the test sets when the
// profiles were last trained, rounded down; a change to the method or the
// training text must not lower them.
var accuracyFloors = map[string]float64{
	"en":    0.996, // 321/322
	"es":    0.990, // 319/322
	"pl":    1.000, // 322/322
	"other": 0.986, // 72/73 labelled unknown
}

func TestAccuracy(t *testing.T) {
	d := New()
	for _, name := range []string{"en", "es", "pl", "other"} {
		set := loadSet(t, name)
		if name != "other" && len(set) < 300 {
			t.Errorf("%s: %d texts, want at least 300", name, len(set))
		}
		right := 0
		for _, l := range set {
			g := d.Detect(l.text)
			if g.Lang == l.want {
				right++
			} else {
				t.Logf("%s: got %q %.2f for %s text %q", name, g.Lang, g.Confidence, l.really, l.text)
			}
		}
		acc := float64(right) / float64(len(set))
		t.Logf("%s: %d/%d = %.4f", name, right, len(set), acc)
		if acc < accuracyFloors[name] {
			t.Errorf("%s: accuracy %.4f below the floor %.4f", name, acc, accuracyFloors[name])
		}
	}
}
