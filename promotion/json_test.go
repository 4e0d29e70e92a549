package promotion_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/promotion"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParsePromotionRoundTrip(t *testing.T) {
	want := giveaway()
	want.Eligibility = promotion.Eligibility{MinAccountAgeDays: 30, ExcludedAccounts: []string{"x:ana_acme", "person:E-1"}, EntriesPerPerson: 2}
	want.BotChecks = promotion.BotChecks{NewAccountDays: 7, NearDuplicateAccounts: 3}
	data, err := json.Marshal(want)
	require.NoError(t, err)
	got, w, err := promotion.ParsePromotion(data, nil)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Len(t, w, 1)
}

func TestParsePromotionErrors(t *testing.T) {
	good, err := json.Marshal(giveaway())
	require.NoError(t, err)
	for _, tc := range []struct{ name, json, field, rule string }{
		{"unknown field", strings.Replace(string(good), `"brand"`, `"colour":1,"brand"`, 1), "json", "schema"},
		{"duplicate key", strings.Replace(string(good), `"brand":"acme"`, `"brand":"acme","Brand":"evil"`, 1), "Brand", "duplicate_key"},
		{"nested duplicate key", strings.Replace(string(good), `"post":"P1"`, `"post":"P1","post":"P2"`, 1), "channels[0].post", "duplicate_key"},
		{"wrong type", strings.Replace(string(good), `"quantity":1`, `"quantity":"one"`, 1), "prizes.quantity", "type"},
		{"trailing data", string(good) + "{}", "json", "syntax"},
		{"not JSON", "{", "json", "syntax"},
		{"empty", "", "json", "syntax"},
		{"invalid after decoding", strings.Replace(string(good), `"zone":"Europe/Warsaw"`, `"zone":"Mars/Olympus"`, 1), "zone", "zone"},
		{"too long", `{"id":"` + strings.Repeat("a", 1<<20) + `"}`, "promotion", "max_length"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, w, err := promotion.ParsePromotion([]byte(tc.json), nil)
			requireInvalid(t, err, tc.field, tc.rule)
			assert.Nil(t, w)
		})
	}
}

// FuzzParsePromotion: any input either parses into a promotion that
// validates and survives a round trip, or fails with cmkit.ErrInvalid;
// nothing panics.
func FuzzParsePromotion(f *testing.F) {
	good, _ := json.Marshal(giveaway())
	f.Add(good)
	f.Add([]byte(`{"id":"a","kind":"contest","judging":"votes"}`))
	f.Add([]byte(`{"id":"a","ID":"b"}`))
	f.Add([]byte(`{"channels":[{"id":"x","post":"1"}],"start":"2026-03-29T02:30"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, _, err := promotion.ParsePromotion(data, nil)
		if err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("error without ErrInvalid: %v", err)
			}
			return
		}
		again, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		q, _, err := promotion.ParsePromotion(again, nil)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", again, err)
		}
		assert.Equal(t, p, q)
		if _, err := promotion.NewEntries(p, nil); err != nil {
			t.Fatalf("NewEntries refused a parsed promotion: %v", err)
		}
	})
}
