package spell_test

import (
	"fmt"
	"os"

	"github.com/cmkit/cmkit/styleguide/spell"
)

// A draft post checked with a (small) Hunspell dictionary: each
// misspelled word with its first suggestions. With the system's
// dictionaries, use os.DirFS("/usr/share/hunspell") and "en_US".
func Example() {
	d, err := spell.Open(os.DirFS("testdata"), "en")
	if err != nil {
		fmt.Println(err)
		return
	}
	d.Add("cmkit") // the brand's own words
	draft := "Helo comunity! The cmkit team reworked the NASA'S posts, alot of boxs"
	for _, w := range spell.Tokens(d, draft) {
		if !d.Check(w) {
			fmt.Println(w, "->", d.Suggest(w, 2))
		}
	}
	// Output:
	// Helo -> [Hello]
	// comunity -> [community community's]
	// alot -> [a lot lot]
	// boxs -> [boxes box]
}
