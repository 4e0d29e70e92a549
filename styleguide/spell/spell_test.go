package spell_test

import (
	"errors"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/internal/testbudget"
	"github.com/cmkit/cmkit/styleguide/spell"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkCase is a word of a testdata dictionary and whether hunspell 1.7.1
// accepts it. The integration test replays these tables through the
// hunspell program, so every expectation here is the reference's.
type checkCase struct {
	word string
	ok   bool
	// libOnly marks a case the hunspell program cannot be asked about
	// because its tokenizer splits the word first (a soft hyphen).
	libOnly bool
}

// smallDicts lists the testdata dictionaries and what each exercises.
var smallDicts = []struct {
	name  string
	cases []checkCase
}{
	{"en", []checkCase{ // UTF-8, char flags
		{word: "hello", ok: true},
		{word: "hellos", ok: true},          // SFX S, condition [^sxzhy]
		{word: "Hello", ok: true},           // capitalized
		{word: "HELLO", ok: true},           // all caps
		{word: "hELLO", ok: false},          // odd caps
		{word: "tries", ok: true},           // strip y, condition [^aeiou]y
		{word: "tried", ok: true},           //
		{word: "days", ok: true},            // condition [aeiou]y
		{word: "boxes", ok: true},           // condition [sxzh]
		{word: "boxs", ok: false},           //
		{word: "reworked", ok: true},        // PFX and SFX, cross product Y
		{word: "replayed", ok: true},        //
		{word: "workableness", ok: true},    // twofold suffix: able/P + ness
		{word: "reworkableness", ok: true},  // prefix + two suffixes
		{word: "unhappy", ok: true},         //
		{word: "unkindness", ok: false},     // PFX U has cross product N
		{word: "kindness", ok: true},        //
		{word: "manager's", ok: true},       //
		{word: "manager’s", ok: true},       // ICONV ’ '
		{word: "Managers", ok: true},        //
		{word: "NASA", ok: true},            //
		{word: "NASA'S", ok: true},          // all caps with a suffix
		{word: "Nasa", ok: false},           // hidden form is for all caps only
		{word: "iPhone", ok: true},          // KEEPCASE
		{word: "IPHONE", ok: false},         //
		{word: "Iphone", ok: false},         //
		{word: "OpenOffice.org", ok: true},  //
		{word: "OPENOFFICE.ORG", ok: true},  // mixed case, upper-cased
		{word: "Openoffice.org", ok: false}, //
		{word: "etc.", ok: true},            // abbreviation
		{word: "ETC.", ok: true},            //
		{word: "etc", ok: false},            //
		{word: "shoot", ok: false},          // FORBIDDENWORD
		{word: "Shoot", ok: false},          //
		{word: "pretty", ok: false},         // NEEDAFFIX
		{word: "prettiest", ok: true},       //
		{word: "football", ok: true},        // COMPOUNDFLAG
		{word: "footfoot", ok: true},        //
		{word: "21st", ok: true},            // COMPOUNDRULE n*mp
		{word: "11th", ok: true},            // COMPOUNDRULE n*1t
		{word: "104th", ok: true},           //
		{word: "21th", ok: false},           //
		{word: "1th", ok: false},            // ONLYINCOMPOUND
		{word: "hello-work", ok: true},      // BREAK (default: -)
		{word: "hello-wrk", ok: false},      //
		{word: "hello--work", ok: true},     //
		{word: "-hello", ok: true},          //
		{word: "hello.", ok: true},          // trailing period
		{word: "1,000.50", ok: true},        // number
		{word: "1..2", ok: false},           //
		{word: "unreadable", ok: false},     //
		{word: "rereadable", ok: true},      //
		{word: "WORKED", ok: true},          //
	}},
	{"es", []checkCase{ // FLAG UTF-8, AF aliases, twofold suffixes
		{word: "comunidad", ok: true},
		{word: "comunidades", ok: true},    // condition [^aeiouáéóí]
		{word: "COMUNIDADES", ok: true},    //
		{word: "comunidads", ok: false},    //
		{word: "nueva", ok: true},          // SFX G o -> a
		{word: "nuevas", ok: true},         // twofold: a/S
		{word: "nuevoes", ok: false},       //
		{word: "comprarlo", ok: true},      // empty suffix with a continuation class
		{word: "Comprarlos", ok: true},     //
		{word: "comprarle", ok: false},     //
		{word: "hacerlo", ok: true},        //
		{word: "gestión", ok: true},        //
		{word: "GESTIÓN", ok: true},        //
		{word: "publicaciones", ok: false}, // the accent must go
		{word: "desacuerdos", ok: true},    // PFX d crossed with SFX S
		{word: "ordenando", ok: true},      // strip ar, add ando
		{word: "ordenarlo", ok: true},      //
		{word: "desnuevo", ok: false},      //
		{word: "desórdenes", ok: false},    //
		{word: "comunidad.", ok: true},     //
	}},
	{"pl", []checkCase{ // SET ISO8859-2, non-ASCII flags
		{word: "społeczność", ok: true},
		{word: "społeczności", ok: true},                     // strip ść, add ści
		{word: "społecznością", ok: true},                    //
		{word: "społecznośći", ok: false},                    //
		{word: "dziękuję", ok: true},                         // strip ować, add uję
		{word: "niedziękuję", ok: true},                      // PFX nie crossed
		{word: "dziekuje", ok: false},                        //
		{word: "Kraków", ok: true},                           //
		{word: "KRAKÓW", ok: true},                           //
		{word: "kraków", ok: false},                          // a name stays capitalized
		{word: "niedobry", ok: false},                        // FORBIDDENWORD beats PFX nie
		{word: "SPOŁECZNOŚĆ", ok: true},                      //
		{word: "spo\u00adłeczność", ok: true, libOnly: true}, // IGNORE soft hyphen
	}},
	{"long", []checkCase{ // FLAG long, compounding by position, CIRCUMFIX
		{word: "workshop", ok: true},          // COMPOUNDBEGIN + COMPOUNDEND
		{word: "workshops", ok: true},         // last part with a suffix
		{word: "shopwork", ok: false},         //
		{word: "workteamshop", ok: true},      // COMPOUNDMIDDLE
		{word: "workteamworkshop", ok: false}, // COMPOUNDWORDMAX 3
		{word: "workworkshop", ok: true},      //
		{word: "roomroom", ok: false},         // CHECKCOMPOUNDDUP
		{word: "balllamp", ok: false},         // CHECKCOMPOUNDTRIPLE
		{word: "workShop", ok: false},         // CHECKCOMPOUNDCASE
		{word: "Workshop", ok: true},          //
		{word: "WORKSHOP", ok: true},          //
		{word: "side", ok: false},             // ONLYINCOMPOUND
		{word: "roomside", ok: true},          //
		{word: "mach", ok: false},             // NEEDAFFIX
		{word: "macht", ok: false},            // CIRCUMFIX: suffix alone
		{word: "gemacht", ok: true},           // CIRCUMFIX: both halves
		{word: "cmkit", ok: true},             // KEEPCASE
		{word: "Cmkit", ok: false},            //
		{word: "CMKIT", ok: false},            //
		{word: "wrok", ok: false},             // FORBIDDENWORD
		{word: "roomwrok", ok: false},         //
		{word: "workteam", ok: false},         // team is no end
	}},
	{"num", []checkCase{ // FLAG num
		{word: "brands", ok: true},
		{word: "brandshop", ok: true},  // COMPOUNDFLAG
		{word: "shopbrands", ok: true}, //
		{word: "brandbook", ok: false}, // FORBIDDENWORD beats compounding
		{word: "bookshops", ok: true},  //
		{word: "unhappy", ok: true},    //
		{word: "unhappys", ok: false},  //
		{word: "damn", ok: true},       // NOSUGGEST words are correct
	}},
}

func openTestdata(t testing.TB, name string) *spell.Dictionary {
	t.Helper()
	d, err := spell.Open(os.DirFS("testdata"), name)
	require.NoError(t, err)
	return d
}

func TestCheck(t *testing.T) {
	for _, sd := range smallDicts {
		t.Run(sd.name, func(t *testing.T) {
			d := openTestdata(t, sd.name)
			for _, c := range sd.cases {
				assert.Equal(t, c.ok, d.Check(c.word), "Check(%q)", c.word)
			}
		})
	}
}

func TestCheckEdgeCases(t *testing.T) {
	d := openTestdata(t, "en")
	for _, w := range []string{"", " ", ".", "...", "2024", "3.14"} {
		assert.True(t, d.Check(w), "Check(%q)", w) // hunspell: nothing to check, or a number
	}
	assert.False(t, d.Check(strings.Repeat("a", 400)), "a word over the length limit")
	assert.False(t, d.Check("\xff\xfe"), "invalid UTF-8")
	assert.True(t, d.Check("  hello"), "leading spaces")
}

func TestAdd(t *testing.T) {
	d := openTestdata(t, "en")
	assert.False(t, d.Check("cmkit"))
	d.Add("cmkit", "TikTok")
	assert.True(t, d.Check("cmkit"))
	assert.True(t, d.Check("Cmkit"))
	assert.True(t, d.Check("CMKIT"))
	assert.True(t, d.Check("TikTok"))
	assert.False(t, d.Check("cmkits"), "added words take no affixes")
}

func TestConcurrentCheck(t *testing.T) {
	d := openTestdata(t, "en")
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				for _, c := range smallDicts[0].cases {
					if d.Check(c.word) != c.ok {
						t.Errorf("Check(%q) != %v", c.word, c.ok)
						return
					}
				}
				if i == 100 {
					d.Add("concurrently")
				}
			}
		}()
	}
	wg.Wait()
}

func TestCheckAllocs(t *testing.T) {
	d := openTestdata(t, "en")
	for _, w := range []string{"hello", "Hello", "HELLO", "tries", "reworkableness", "manager’s", "21st", "hello."} {
		t.Run(w, func(t *testing.T) { testbudget.NoAllocs(t, 100, func() { d.Check(w) }) })
	}
}

func TestSuggest(t *testing.T) {
	en := openTestdata(t, "en")
	for _, c := range []struct {
		word string
		want string // the first suggestion
	}{
		{"helo", "hello"},       // a letter missing
		{"Helo", "Hello"},       // capitalization kept
		{"HELO", "HELLO"},       //
		{"hlelo", "hello"},      // adjacent swap
		{"heklo", "hello"},      // KEY neighbour
		{"wrok", "work"},        //
		{"fotball", "football"}, //
		{"commmunity", "community"},
		{"managr", "manager"},
		{"alot", "a lot"}, // REP with an anchor and a space
		{"helloworks", "hello works"},
	} {
		got := en.Suggest(c.word, 5)
		if assert.NotEmpty(t, got, "Suggest(%q)", c.word) {
			assert.Equal(t, c.want, got[0], "Suggest(%q) = %q", c.word, got)
		}
	}
	assert.Nil(t, en.Suggest("hello", 5), "a correct word")
	assert.Nil(t, en.Suggest("helo", 0))
	assert.Len(t, en.Suggest("wrk", 2), 2)

	es := openTestdata(t, "es")
	assert.Equal(t, "gestión", first(es.Suggest("gestion", 3)), "MAP o ó")
	assert.Equal(t, "comunidad", first(es.Suggest("comunidat", 3)))
	pl := openTestdata(t, "pl")
	assert.Equal(t, "dziękuję", first(pl.Suggest("dziekuje", 3)), "MAP, twice")
	assert.Equal(t, "społeczność", first(pl.Suggest("spoleczność", 3)))
	num := openTestdata(t, "num")
	assert.NotContains(t, num.Suggest("dam", 5), "damn", "NOSUGGEST")
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func TestLoadErrors(t *testing.T) {
	for _, c := range []struct {
		name, aff, dic, want string
	}{
		{"short SFX header", "SFX A Y\n", "1\nword\n", "dictionary.aff:1: SFX: want 4 fields"},
		{"short SFX entry", "SFX A Y 1\nSFX A 0\n", "1\nword\n", "dictionary.aff:2: SFX: want 5 fields"},
		{"missing entries", "PFX A Y 2\nPFX A 0 re .\n", "1\nword\n", "dictionary.aff:1: PFX: want 2 entries, have 1"},
		{"bad cross product", "SFX A X 1\nSFX A 0 s .\n", "1\nword\n", "dictionary.aff:1: SFX: cross product"},
		{"bad condition", "SFX A Y 1\nSFX A 0 s [ab\n", "1\nword\n", "dictionary.aff:2: SFX: condition"},
		{"bad encoding", "SET EBCDIC\n", "1\nword\n", "dictionary.aff:1: SET: unsupported encoding"},
		{"bad flag type", "FLAG wide\n", "1\nword\n", "dictionary.aff:1: FLAG"},
		{"odd long flag", "FLAG long\nKEEPCASE abc\n", "1\nword\n", "dictionary.aff:2: KEEPCASE"},
		{"bad num flag", "FLAG num\nKEEPCASE x\n", "1\nword\n", "dictionary.aff:2: KEEPCASE"},
		{"bad REP count", "REP x\n", "1\nword\n", "dictionary.aff:1: REP"},
		{"REP too short", "REP 1\nREP a\n", "1\nword\n", "dictionary.aff:2: REP: want 3 fields"},
		{"wrong table entry", "REP 2\nREP a b\nMAP ab\n", "1\nword\n", "dictionary.aff:3: REP: want entry 2 of 2"},
		{"twice", "COMPOUNDMIN 2\nCOMPOUNDMIN 3\n", "1\nword\n", "dictionary.aff:2: COMPOUNDMIN: defined twice"},
		{"no count", "", "word\n", "dictionary.dic:1: want the number of words"},
		{"bad alias", "AF 1\nAF AB\n", "1\nword/7\n", "dictionary.dic:2: word \"word\""},
		{"bad rule", "COMPOUNDRULE 1\nCOMPOUNDRULE *a\n", "1\nword\n", "dictionary.aff:2: COMPOUNDRULE"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := spell.Load(strings.NewReader(c.aff), strings.NewReader(c.dic))
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.True(t, errors.Is(err, cmkit.ErrInvalid), "wraps cmkit.ErrInvalid: %v", err)
		})
	}
	_, err := spell.Open(os.DirFS("testdata"), "missing")
	assert.Error(t, err)
	_, err = spell.Load(nil, strings.NewReader("1\n"))
	assert.True(t, errors.Is(err, cmkit.ErrInvalid))
}

func TestTokens(t *testing.T) {
	en := openTestdata(t, "en")
	assert.Equal(t, []string{"Don't", "miss", "our", "21st", "anniversary", "sale"},
		spell.Tokens(en, "Don't miss our 21st-anniversary sale!"))
	es := openTestdata(t, "es")
	assert.Equal(t, []string{"l", "amour", "está", "aquí"}, spell.Tokens(es, "l'amour está aquí…"))
}

func BenchmarkCheckTestdata(b *testing.B) {
	d := openTestdata(b, "en")
	words := []string{"hello", "Hello", "tries", "reworked", "manager's", "workableness", "NASA'S", "football", "21st", "helo"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d.Check(words[i%len(words)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "words/s")
}
