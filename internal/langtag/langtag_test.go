package langtag

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestValid(t *testing.T) {
	for _, s := range []string{"es", "pl", "en", "ast", "es-MX", "ES-mx", "es-419", "zh-Hant-TW", "sl-rozaj-biske", "x" + "x-" + strings.Repeat("a", 8)} {
		assert.True(t, Valid(s), s)
	}
	for _, s := range []string{"", "e", "espa", "1s", "es-", "-es", "es--mx", "es_MX", "es-abcdefghi", "é", "es-M\u00e9",
		"es-" + strings.Repeat("a-", 16) + "a", "e\x80"} {
		assert.False(t, Valid(s), "%q", s)
	}
}

func FuzzValid(f *testing.F) {
	for _, s := range []string{"es", "es-MX", "zh-Hant-TW", "es--", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !Valid(s) {
			return
		}
		// What it accepts is ASCII, splits into well-sized subtags, and
		// is accepted in any case.
		parts := strings.Split(s, "-")
		if len(parts[0]) < 2 || len(parts[0]) > 3 || len(s) > 35 {
			t.Fatalf("accepted %q", s)
		}
		for _, p := range parts {
			if len(p) < 1 || len(p) > 8 {
				t.Fatalf("accepted %q", s)
			}
		}
		if !Valid(strings.ToUpper(s)) || !Valid(strings.ToLower(s)) {
			t.Fatalf("case matters for %q", s)
		}
	})
}
