package moderation

import (
	"fmt"
	"math/rand"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/testbudget"
)

// TestSeenAuthorsMatchesReference compares the growing tables with the
// frozen fixed-size ones, over memories small and large and streams of
// authors that repeat more or less.
func TestSeenAuthorsMatchesReference(t *testing.T) {
	// Under the race detector, every memory and pool, with a tenth of the
	// steps (still enough to fill and evict all but the two largest).
	steps := 60000
	if testbudget.Race {
		steps = 6000
	}
	for _, n := range []int{2, 3, 10, 100, 1000, 5000, 100000} {
		for _, pool := range []int{5, 300, 4000, 50000} {
			got, want := newSeenAuthors(n), rnewSeenAuthors(n)
			rng := rand.New(rand.NewSource(int64(n*7 + pool)))
			for k := 0; k < steps; k++ {
				ch := fmt.Sprint("ch", rng.Intn(3))
				a := fmt.Sprint("u", rng.Intn(pool))
				if g, w := got.Seen(ch, a), want.Seen(ch, a); g != w {
					t.Fatalf("n %d pool %d step %d: %s/%s seen %v, want %v", n, pool, k, ch, a, g, w)
				}
			}
			if l := got.len(); l > n {
				t.Fatalf("n %d pool %d: holds %d", n, pool, l)
			}
		}
	}
}

// TestAuthorSetMatchesReference compares the filtered look-ups with the
// frozen ones.
func TestAuthorSetMatchesReference(t *testing.T) {
	list := []string{"u1", "u2", "@spammer", "@MixedCase", "", "@", "@@x", "1234", "@ü", strings.Repeat("x", 70), "@" + strings.Repeat("Y", 70)}
	got, want := newAuthorSet(list), rnewAuthorSet(list)
	ids := []string{"", "u1", "U1", "u2", "u3", "u12", "1234", "@", "@x", "x", strings.Repeat("x", 70), "@spammer"}
	handles := []string{"", "@", "spammer", "@spammer", "SPAMMER", "@SpAmMeR", "mixedcase", "@mixedCASE", "@x", "@@x", "x",
		"ü", "Ü", "@ü", strings.Repeat("y", 70), "@" + strings.Repeat("Y", 70), strings.Repeat("y", 69), "spammers"}
	rng := rand.New(rand.NewSource(9))
	// Every id is tried with every handle: under the race detector, about
	// a tenth of the pairs.
	extra := 2000
	if testbudget.Race {
		extra = 600
	}
	for k := 0; k < extra; k++ {
		handles = append(handles, fmt.Sprint("user", rng.Intn(1000)))
		ids = append(ids, fmt.Sprint("u", rng.Intn(1000)))
	}
	for _, id := range ids {
		for _, h := range handles {
			a := cmkit.Author{ID: id, Handle: h}
			if g, w := got.has(&a), want.has(&a); g != w {
				t.Fatalf("%q/%q: %v, want %v", id, h, g, w)
			}
		}
	}
}

// TestEngineMatchesReferenceWithManyLanguages: more list languages than
// the per-mention bit set of languages holds.
func TestEngineMatchesReferenceWithManyLanguages(t *testing.T) {
	set := RuleSet{Rules: []ModRule{{ID: "r", When: Cond{Lexicon: "l"}, Then: Actions{Flag: []string{"x"}}}}}
	var langs []string
	for i := 0; i < 70; i++ {
		lang := string(rune('a'+i/26)) + string(rune('a'+i%26))
		if i%7 == 0 {
			lang += "-x"
		}
		langs = append(langs, lang)
		set.Lexicons = append(set.Lexicons, TermList{Name: "l", Lang: lang, Terms: []string{"zzq", "w" + lang}})
	}
	d := newDiffer(t, set, WithDetector(nil))
	for _, lang := range append(langs, "", "AA", "cr-x", "zz", "ab-CD") {
		for _, text := range []string{"zzq", "wab wcr wzz zzq", "nothing"} {
			d.check(cmkit.Mention{ID: "1", Text: text, Language: lang})
		}
	}
}
