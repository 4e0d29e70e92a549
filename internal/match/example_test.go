package match_test

import (
	"fmt"

	"github.com/cmkit/cmkit/internal/match"
	"github.com/cmkit/cmkit/internal/textnorm"
)

// Matching a term list in accented Spanish and Polish text, whatever the
// case, accents or tricks, with spans in the original text.
func Example() {
	m, err := match.Compile([]match.Term{
		{ID: 1, Text: "idiota", WholeWord: true},
		{ID: 2, Text: "głupi", WholeWord: true},
		{ID: 3, Text: "envío gratis"},
		{ID: 4, Text: "ana", WholeWord: true},
	}, textnorm.Options{Leet: true, CollapseRepeats: true, JoinSeparated: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	text := "¡ENVIO GRATIS mañana! Eres un 1d10t4, i.d.i.o.t.a y GŁUUUPI."
	var buf textnorm.Buffer // reuse one per goroutine
	for _, x := range m.Find(nil, &buf, text) {
		fmt.Printf("term %d at [%d:%d] %q\n", x.ID, x.Start, x.End, text[x.Start:x.End])
	}
	// Output:
	// term 3 at [2:14] "ENVIO GRATIS"
	// term 1 at [32:38] "1d10t4"
	// term 1 at [40:51] "i.d.i.o.t.a"
	// term 2 at [54:62] "GŁUUUPI"
}
