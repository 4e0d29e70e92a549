package styleguide_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit/styleguide"
)

// guide compiles one layer written in JSON.
func guide(t testing.TB, layerJSON string, opts ...styleguide.Option) *styleguide.Guide {
	t.Helper()
	l, err := styleguide.ParseLayer([]byte(layerJSON))
	require.NoError(t, err)
	g, err := styleguide.Compile([]styleguide.Layer{l}, opts...)
	require.NoError(t, err)
	return g
}

// rules wraps rule objects into a layer.
func rules(settings string, rs ...string) string {
	if settings == "" {
		settings = "{}"
	}
	return fmt.Sprintf(`{"name":"test","settings":%s,"rules":[%s]}`, settings, strings.Join(rs, ","))
}

// acme compiles testdata/acme.json.
func acme(t testing.TB, opts ...styleguide.Option) *styleguide.Guide {
	t.Helper()
	data, err := os.ReadFile("testdata/acme.json")
	require.NoError(t, err)
	return guide(t, string(data), opts...)
}

// found lists the alerts as "rule:matched text", the text under the
// alert's span (of the title for title alerts).
func found(d styleguide.Draft, alerts []styleguide.Alert) []string {
	var out []string
	for _, a := range alerts {
		s := d.Text
		if a.Field == styleguide.FieldTitle {
			s = d.Title
		}
		out = append(out, a.RuleID+":"+s[a.Start:a.End])
	}
	return out
}

func check(g *styleguide.Guide, d styleguide.Draft) []string {
	return found(d, g.Check(nil, d))
}

// fakeSpeller knows a list of words and suggests by a fixed table.
type fakeSpeller struct {
	words map[string]bool
	sugg  map[string][]string
}

func newSpeller(words string, sugg map[string][]string) fakeSpeller {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return fakeSpeller{m, sugg}
}

func (s fakeSpeller) Check(w string) bool { return s.words[w] || s.words[strings.ToLower(w)] }

func (s fakeSpeller) Suggest(w string, max int) []string {
	out := s.sugg[w]
	if len(out) > max {
		out = out[:max]
	}
	return out
}
