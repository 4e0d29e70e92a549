package moderation

import (
	"embed"
	"path"
	"slices"
	"strings"
	"sync"
)

// The built-in lexicons are data files in lexicons/, one per list and
// language (insults.es.txt), one term per line, "#" starting a comment.
// They were written for cmkit by hand, from common usage in English,
// Spanish and Polish social media, as starting points: a brand adds its
// own lists (product and competitor names, local slang) next to them.
//
//go:embed lexicons/*.txt
var lexiconFiles embed.FS

var builtin = sync.OnceValue(func() []TermList {
	entries, err := lexiconFiles.ReadDir("lexicons")
	if err != nil {
		panic(err) // unreachable: the directory is embedded
	}
	var lists []TermList
	for _, e := range entries {
		name, lang, ok := strings.Cut(strings.TrimSuffix(e.Name(), ".txt"), ".")
		if !ok {
			continue
		}
		data, err := lexiconFiles.ReadFile(path.Join("lexicons", e.Name()))
		if err != nil {
			panic(err) // unreachable
		}
		l := TermList{Name: name, Lang: lang}
		for _, line := range strings.Split(string(data), "\n") {
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = line[:i]
			}
			if line = strings.TrimSpace(line); line != "" {
				l.Terms = append(l.Terms, line)
			}
		}
		lists = append(lists, l)
	}
	return lists
})

// BuiltinLexicons returns the built-in lexicons, one TermList per name and
// language, each matched as whole words: insults, spam (promotional spam
// phrases), scam (phishing and fraud phrases), complaints (words of
// dissatisfaction with a product or service) and urgency (words that ask
// for a fast answer), in English ("en"), Spanish ("es") and Polish ("pl").
// A RuleSet includes them by name with its Builtin field. The result is a
// copy.
func BuiltinLexicons() []TermList {
	lists := builtin()
	out := make([]TermList, len(lists))
	for i, l := range lists {
		out[i] = l
		out[i].Terms = slices.Clone(l.Terms)
	}
	return out
}

// BuiltinNames returns the names of the built-in lexicons, sorted.
func BuiltinNames() []string {
	var names []string
	for _, l := range builtin() {
		if !slices.Contains(names, l.Name) {
			names = append(names, l.Name)
		}
	}
	slices.Sort(names)
	return names
}

func builtinByName(name string) ([]TermList, bool) {
	var out []TermList
	for _, l := range builtin() {
		if l.Name == name {
			out = append(out, l)
		}
	}
	return out, len(out) > 0
}
