package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runOn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestSampleVerifies(t *testing.T) {
	code, out, _ := runOn(t, "", "draw.json")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "OK: the draw verifies.")
	assert.Contains(t, out, "winners     facebook:marta.p\n")
	assert.Contains(t, out, "alternates  x:pedro_r, mastodon:@olek@mastodon.social\n")
	assert.Contains(t, out, "drand quicknet round 5000000, value deadbeef")

	sample, err := os.ReadFile("draw.json")
	require.NoError(t, err)
	code, out, _ = runOn(t, string(sample))
	assert.Equal(t, 0, code, "from stdin")
	assert.Contains(t, out, "OK")
}

// tampered returns the sample with one field changed.
func tampered(t *testing.T, change func(map[string]any)) string {
	t.Helper()
	sample, err := os.ReadFile("draw.json")
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(sample, &m))
	change(m)
	b, err := json.Marshal(m)
	require.NoError(t, err)
	return string(b)
}

func TestTamperedDrawsFail(t *testing.T) {
	for name, c := range map[string]struct {
		change func(map[string]any)
		want   string
	}{
		"seed": {func(m map[string]any) {
			m["seed"] = strings.Repeat("00", 32)
		}, "MISMATCH in seed (mismatch)"},
		"winner": {func(m map[string]any) {
			m["winners"] = []string{"x:pedro_r"}
		}, `MISMATCH in winners[0] (mismatch): the record says "x:pedro_r", the draw gives "facebook:marta.p"`},
		"entry removed": {func(m map[string]any) {
			m["entries"] = m["entries"].([]any)[1:]
		}, "MISMATCH in entries_hash (mismatch)"},
		"entries reordered": {func(m map[string]any) {
			e := m["entries"].([]any)
			e[0], e[1] = e[1], e[0]
		}, "MISMATCH in entries[1] (canonical_order)"},
		"beacon value": {func(m map[string]any) {
			m["beacon"].(map[string]any)["value"] = "deadbeee"
		}, "MISMATCH in key (mismatch)"},
	} {
		code, out, _ := runOn(t, tampered(t, c.change))
		assert.Equal(t, 1, code, name)
		assert.Contains(t, out, c.want, name)
	}
}

func TestEntriesFromAFile(t *testing.T) {
	record := tampered(t, func(m map[string]any) { delete(m, "entries") })
	list := filepath.Join(t.TempDir(), "entries.txt")
	lines := "facebook:marta.p\ninstagram:ana.garcia\ninstagram:lucia\nmastodon:@olek@mastodon.social\ntiktok:zofia_k\nx:jkowalski\nx:pedro_r\n"
	require.NoError(t, os.WriteFile(list, []byte(lines), 0o600))
	code, out, _ := runOn(t, record, "-entries", list)
	assert.Equal(t, 0, code, out)

	require.NoError(t, os.WriteFile(list, []byte(strings.TrimSuffix(lines, "\n")), 0o600))
	code, _, errOut := runOn(t, record, "-entries", list)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "does not end in a newline")

	sample, _ := os.ReadFile("draw.json")
	code, _, errOut = runOn(t, string(sample), "-entries", list)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "give the list once")
}

func TestUnreadableInput(t *testing.T) {
	for _, c := range []struct{ stdin, want string }{
		{"{", "reading the record"},
		{`{"seeed": "00"}`, `unknown field "seeed"`},
		{`{"seed": "xyz"}`, "invalid seed: format"},
	} {
		code, _, errOut := runOn(t, c.stdin)
		assert.Equal(t, 2, code, c.stdin)
		assert.Contains(t, errOut, c.want, c.stdin)
	}
	code, _, _ := runOn(t, "", "a.json", "b.json")
	assert.Equal(t, 2, code)
	code, _, _ = runOn(t, "", "missing.json")
	assert.Equal(t, 2, code)
}
