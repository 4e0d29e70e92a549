package spell_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/cmkit/cmkit/styleguide/spell"
)

// FuzzLoad feeds random .aff and .dic contents to Load: it must return a
// dictionary or an error, never panic or hang, and a loaded dictionary
// must check and suggest without panicking.
func FuzzLoad(f *testing.F) {
	for _, name := range []string{"en", "es", "pl", "long", "num"} {
		aff, err := os.ReadFile(filepath.Join("testdata", name+".aff"))
		if err != nil {
			f.Fatal(err)
		}
		dic, err := os.ReadFile(filepath.Join("testdata", name+".dic"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(aff, dic)
	}
	f.Add([]byte("BREAK 3\nBREAK -\nBREAK ^-\nBREAK -$\nCOMPOUNDRULE 1\nCOMPOUNDRULE a*b*a*b*c?\n"), []byte("2\na/ab\nb/bc\n"))
	f.Add([]byte("FLAG num\nAF 1\nAF 1,2\nSFX 1 Y 1\nSFX 1 0 s/1 .\n"), []byte("1\nword/1\n"))
	f.Fuzz(func(t *testing.T, aff, dic []byte) {
		d, err := spell.Load(bytes.NewReader(aff), bytes.NewReader(dic))
		if err != nil {
			return
		}
		for _, w := range []string{"word", "Word", "WORD", "a-b-c-d", "1st", "hello.", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbbbbbbbb"} {
			d.Check(w)
		}
		// check the dictionary's own first words
		lines := bytes.SplitN(dic, []byte("\n"), 5)
		for _, l := range lines[1:min(len(lines), 4)] {
			if w, _, _ := bytes.Cut(l, []byte("/")); utf8.Valid(w) {
				d.Check(string(w))
			}
		}
		d.Suggest("wrod", 3)
	})
}

// FuzzCheck checks arbitrary words with a testdata dictionary: no panic,
// and the same answer twice.
func FuzzCheck(f *testing.F) {
	d, err := spell.Open(os.DirFS("testdata"), "en")
	if err != nil {
		f.Fatal(err)
	}
	for _, c := range smallDicts[0].cases {
		f.Add(c.word)
	}
	f.Add("\xff\xfe-\x00...")
	f.Add("---a---b---")
	f.Fuzz(func(t *testing.T, w string) {
		a := d.Check(w)
		if b := d.Check(w); a != b {
			t.Fatalf("Check(%q) = %v, then %v", w, a, b)
		}
		if len(w) < 40 {
			d.Suggest(w, 3)
		}
	})
}
