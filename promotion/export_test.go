package promotion_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/cmkit/cmkit/promotion"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reviewed returns entries with an accepted and rejected submissions whose
// texts and IDs need escaping in CSV, JSON and keys.
func reviewed(t *testing.T) *promotion.Entries {
	p := giveaway()
	e := newEntries(t, p, &promotion.EntryOptions{Identities: linker{"x:ana": "P-1"}})
	a := mention("ana", "=HYPERLINK(\"evil\") #sorteo @friend, \"quoted\"\nline two", at(12, 0))
	a.URL = "https://x.example/ana/1"
	add(t, e, a)
	b := mention("bob", "@friend #sorteo", at(12, 1))
	b.ID = "id:with%odd\tparts"
	add(t, e, b)
	add(t, e, mention("'cy", "-1 no hashtag @friend", at(12, 2)))
	add(t, e, mention("dee", "#sorteo @friend", at(13, 0).AddDate(0, 1, 0)))
	return e
}

func TestExportRoundTrip(t *testing.T) {
	e := reviewed(t)
	want := slices.Collect(e.All())
	require.Len(t, want, 4)
	for i := range want {
		want[i].At = want[i].At.UTC()
	}

	var csvOut bytes.Buffer
	require.NoError(t, e.WriteCSV(&csvOut))
	assert.Contains(t, csvOut.String(), `'=HYPERLINK`, "a formula is defused")
	assert.Contains(t, csvOut.String(), `'@friend`)
	got, err := promotion.ReadSubmissionsCSV(&csvOut)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	var jsonOut bytes.Buffer
	require.NoError(t, e.WriteJSON(&jsonOut))
	got, err = promotion.ReadSubmissionsJSON(jsonOut.Bytes())
	require.NoError(t, err)
	for i := range got {
		got[i].At = got[i].At.UTC()
	}
	assert.Equal(t, want, got)
	assert.Contains(t, jsonOut.String(), `"key":"x:bob:id%3Awith%25odd%09parts"`)
	assert.Contains(t, jsonOut.String(), `"reason":"missing_hashtag"`)
}

func TestReadSubmissionsRefusesTampering(t *testing.T) {
	e := reviewed(t)
	var csvOut, jsonOut bytes.Buffer
	require.NoError(t, e.WriteCSV(&csvOut))
	require.NoError(t, e.WriteJSON(&jsonOut))
	csvText, jsonText := csvOut.String(), jsonOut.String()
	for _, tc := range []struct{ name, text, field, rule string }{
		{"changed key", strings.Replace(csvText, "x:ana:", "x:eve:", 1), "key", "mismatch"},
		{"changed handle", strings.Replace(csvText, ",ana,", ",eve,", 1), "key", "mismatch"},
		{"accepted with a reason", strings.Replace(csvText, "false,missing_hashtag", "true,missing_hashtag", 1), "reason", "accepted"},
		{"unknown reason", strings.Replace(csvText, "missing_hashtag", "looked_fishy", 1), "reason", "enum"},
		{"bad boolean", strings.Replace(csvText, "false,missing_hashtag", "no,missing_hashtag", 1), "line 5, column accepted", "format"}, // the first text spans two lines
		{"bad time", strings.Replace(csvText, "2026-10-25T12:00:00Z", "noon", 1), "line 2, column at", "format"},
		{"missing column", strings.Replace(csvText, ",url\n", "\n", 1), "line 2, column 0", "csv"},
		{"other header", strings.Replace(csvText, "author_handle", "handle", 1), "line 1", "header"},
		{"empty", "", "line 1", "header"},
	} {
		t.Run("csv "+tc.name, func(t *testing.T) {
			_, err := promotion.ReadSubmissionsCSV(strings.NewReader(tc.text))
			if tc.rule == "csv" {
				requireInvalidRule(t, err, tc.rule)
				return
			}
			requireInvalid(t, err, tc.field, tc.rule)
		})
	}
	for _, tc := range []struct{ name, text, field, rule string }{
		{"changed key", strings.Replace(jsonText, `"key":"x:ana:`, `"key":"x:eve:`, 1), "key", "mismatch"},
		{"unknown field", strings.Replace(jsonText, `"accepted"`, `"score":1,"accepted"`, 1), "json", "schema"},
		{"duplicate key", strings.Replace(jsonText, `"accepted":true`, `"accepted":true,"Accepted":true`, 1), "[0].Accepted", "duplicate_key"},
	} {
		t.Run("json "+tc.name, func(t *testing.T) {
			_, err := promotion.ReadSubmissionsJSON([]byte(tc.text))
			requireInvalid(t, err, tc.field, tc.rule)
		})
	}
}
