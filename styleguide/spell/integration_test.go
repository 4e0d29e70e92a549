//go:build integration

package spell_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cmkit/cmkit/styleguide/spell"
)

// The Debian dictionaries and the hunspell program this test compares
// with. .ci/run installs them.
const (
	hunspellDir = "/usr/share/hunspell"
	installHint = "apt-get install -y hunspell hunspell-en-us hunspell-es hunspell-pl"
)

var languages = []struct{ code, dict string }{
	{"en", "en_US"},
	{"es", "es_ES"},
	{"pl", "pl_PL"},
}

// needDebian fails the test (never skips it) when hunspell or a
// dictionary is missing.
func needDebian(t testing.TB, dict string) {
	t.Helper()
	if _, err := exec.LookPath("hunspell"); err != nil {
		t.Fatalf("the hunspell program is missing: %s", installHint)
	}
	for _, ext := range []string{".aff", ".dic"} {
		if _, err := os.Stat(filepath.Join(hunspellDir, dict+ext)); err != nil {
			t.Fatalf("%s%s is missing: %s", dict, ext, installHint)
		}
	}
}

// TestAgreement checks every word of testdata/corpus/{en,es,pl}.txt (or
// of $SPELL_CORPUS_DIR/{en,es,pl}.txt, e.g. testdata/tmpcorpus, a few
// posts per language kept for development) with
// cmkit and with the hunspell program (one word per line to hunspell -l,
// which prints the misspelled ones), and requires the two to agree on at
// least 99.5% of the words of each language. Every disagreement is
// printed.
func TestAgreement(t *testing.T) {
	for _, lang := range languages {
		t.Run(lang.code, func(t *testing.T) {
			needDebian(t, lang.dict)
			dir := filepath.Join("testdata", "corpus")
			if env := os.Getenv("SPELL_CORPUS_DIR"); env != "" {
				dir = env // another corpus, for development
			}
			corpus := filepath.Join(dir, lang.code+".txt")
			text, err := os.ReadFile(corpus)
			if err != nil {
				t.Fatalf("the corpus %s is missing (another change adds testdata/corpus/{en,es,pl}.txt): %v", corpus, err)
			}
			d, err := spell.Open(os.DirFS(hunspellDir), lang.dict)
			if err != nil {
				t.Fatal(err)
			}
			words := spell.Tokens(d, string(text))
			if len(words) == 0 {
				t.Fatalf("%s has no words", corpus)
			}
			wrong := hunspellMisspelled(t, lang.dict, words)

			unique := map[string]bool{}
			var agree, disagree, hsWrong, ourWrong int
			var uAgree, uDisagree int
			for _, w := range words {
				hs := !wrong[w]
				ours := d.Check(w)
				if !hs {
					hsWrong++
				}
				if !ours {
					ourWrong++
				}
				first := !unique[w]
				unique[w] = true
				if hs == ours {
					agree++
					if first {
						uAgree++
					}
					continue
				}
				disagree++
				if first {
					uDisagree++
					t.Logf("disagree: %q hunspell=%v cmkit=%v", w, hs, ours)
				}
			}
			rate := float64(agree) / float64(len(words))
			uRate := float64(uAgree) / float64(uAgree+uDisagree)
			t.Logf("%s: %d words (%d distinct), hunspell flags %d, cmkit flags %d; agreement %.2f%% of words, %.2f%% of distinct words",
				lang.code, len(words), len(unique), hsWrong, ourWrong, 100*rate, 100*uRate)
			if rate < 0.995 {
				t.Errorf("agreement %.2f%% < 99.5%%", 100*rate)
			}
		})
	}
}

// hunspellMisspelled returns the words that hunspell -l reports.
func hunspellMisspelled(t *testing.T, dict string, words []string) map[string]bool {
	t.Helper()
	seen := map[string]bool{}
	var in bytes.Buffer
	for _, w := range words {
		if !seen[w] {
			seen[w] = true
			in.WriteString(w)
			in.WriteByte('\n')
		}
	}
	cmd := exec.Command("hunspell", "-d", filepath.Join(hunspellDir, dict), "-i", "utf-8", "-l")
	cmd.Stdin = &in
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("hunspell -d %s -l: %v (%s)", dict, err, installHint)
	}
	wrong := map[string]bool{}
	for _, l := range strings.Split(string(out), "\n") {
		if l == "" {
			continue
		}
		if !seen[l] {
			t.Logf("hunspell reported %q, which is not one of the words given: tokenizers differ", l)
		}
		wrong[l] = true
	}
	return wrong
}

// TestSuggestDebian checks that the intended word is among the first
// suggestions for common misspellings.
func TestSuggestDebian(t *testing.T) {
	cases := map[string][][2]string{
		"en_US": {{"recieve", "receive"}, {"teh", "the"}, {"Helo", "Hello"}, {"comunity", "community"}, {"alot", "a lot"}, {"definately", "definitely"}, {"occured", "occurred"}, {"managr", "manager"}},
		"es_ES": {{"comunidad", ""}, {"communidad", "comunidad"}, {"tambien", "también"}, {"haora", "ahora"}, {"informacion", "información"}},
		"pl_PL": {{"spolecznosc", "społeczność"}, {"dziekuje", "dziękuję"}, {"wiadomośc", "wiadomość"}, {"prosze", "proszę"}},
	}
	for dict, cs := range cases {
		needDebian(t, dict)
		d, err := spell.Open(os.DirFS(hunspellDir), dict)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			got := d.Suggest(c[0], 5)
			t.Logf("%s: %q -> %q", dict, c[0], got)
			if c[1] == "" {
				if got != nil {
					t.Errorf("%s: %q is correct, got suggestions %q", dict, c[0], got)
				}
				continue
			}
			found := false
			for _, g := range got {
				found = found || g == c[1]
			}
			if !found {
				t.Errorf("%s: Suggest(%q) = %q, want %q among them", dict, c[0], got, c[1])
			}
		}
	}
}

// TestSmallDictionariesAgainstHunspell replays the tables of TestCheck
// through the hunspell program, so that each expectation there is the
// reference's. WORDCHARS gets ".-'’" so that hunspell's tokenizer hands
// over each word whole ("etc.", "hello-work"); WORDCHARS affects only
// tokenization.
func TestSmallDictionariesAgainstHunspell(t *testing.T) {
	if _, err := exec.LookPath("hunspell"); err != nil {
		t.Fatalf("the hunspell program is missing: %s", installHint)
	}
	for _, sd := range smallDicts {
		t.Run(sd.name, func(t *testing.T) {
			aff, err := os.ReadFile(filepath.Join("testdata", sd.name+".aff"))
			if err != nil {
				t.Fatal(err)
			}
			dic, err := os.ReadFile(filepath.Join("testdata", sd.name+".dic"))
			if err != nil {
				t.Fatal(err)
			}
			utf8Set := bytes.Contains(aff, []byte("SET UTF-8"))
			var lines [][]byte
			var wordchars []byte
			for _, l := range bytes.Split(aff, []byte("\n")) {
				if f := bytes.Fields(l); len(f) >= 2 && string(f[0]) == "WORDCHARS" {
					wordchars = f[1]
					continue
				}
				lines = append(lines, l)
			}
			extra := ".-'"
			if utf8Set {
				extra += "’"
			}
			lines = append(lines, append([]byte("WORDCHARS "), append(wordchars, extra...)...))
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "d.aff"), bytes.Join(lines, []byte("\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "d.dic"), dic, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, c := range sd.cases {
				if c.libOnly {
					continue
				}
				cmd := exec.Command("hunspell", "-d", filepath.Join(dir, "d"), "-i", "utf-8", "-l")
				cmd.Stdin = strings.NewReader(c.word + "\n")
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("hunspell: %v", err)
				}
				hs := len(bytes.TrimSpace(out)) == 0
				if hs != c.ok {
					t.Errorf("%s: hunspell says %q is %v, the table says %v", sd.name, c.word, hs, c.ok)
				}
			}
		})
	}
}
