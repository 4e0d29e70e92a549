package cmkit_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cmkit/cmkit"
)

// TestCountMastodon: Mastodon counts as its server does
// (app/validators/status_length_validator.rb): grapheme clusters, after
// replacing each link written with a scheme by 23 characters (it extracts
// with extract_url_without_protocol: false) and each mention by
// "@" + its local part (lib/extractor.rb, Account::MENTION_RE; a mention
// whose domain is longer than Extractor::MAX_DOMAIN_LENGTH, 253, or
// followed by "@" and no domain is not extracted and counts as written).
func TestCountMastodon(t *testing.T) {
	l, _ := cmkit.PlatformLimits(cmkit.Mastodon)
	assert.True(t, l.LinksNeedScheme)
	long := strings.Repeat("a", 250) + ".com"
	tests := []struct {
		in   string
		want int
	}{
		{"see example.com/a", 17},             // no scheme: as written
		{"see www.ejemplo.es", 18},            // no scheme: as written
		{"see https://example.com/a", 4 + 23}, // with one: 23
		{"see HTTP://example.com/a/b/c?x=1", 4 + 23},
		{"@ana@mastodon.social hola", 4 + 5},        // "@ana" + " hola"
		{"@ana@localhost", 4},                       // MENTION_RE needs no dot
		{"@ana@-bad.example", 17},                   // invalid domain: as written
		{"@ana@ ok", 8},                             // no domain: as written
		{"@ana@" + long, 5 + len(long)},             // 254 characters: as written
		{"@ana@a" + long[1:len(long)-4] + ".co", 4}, // 253 characters: the most
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, l.Count(tc.in), "%q", tc.in)
	}
	// Without LinksNeedScheme every link counts 23.
	l.LinksNeedScheme = false
	assert.Equal(t, 4+23, l.Count("see example.com/a"))
}

// The cut point and the check agree with Count on Mastodon: a bare domain
// counts as written everywhere, never as 23.
func TestMastodonCheckAndCutCountBareDomainsAsWritten(t *testing.T) {
	m, _ := cmkit.PlatformLimits(cmkit.Mastodon)
	text := strings.Repeat("a", 481) + " ejemplo.es/ofertas" // 500 graphemes, the link written out
	assert.Equal(t, 500, m.Count(text))
	assert.Empty(t, m.CheckText(nil, text))
	fs := m.CheckText(nil, text+"!")
	if assert.Len(t, fs, 1) {
		assert.Equal(t, 501, fs[0].Got)
		assert.Equal(t, len(text), fs[0].Cut, "a bare domain is plain text: the cut may fall right after it")
	}
	assert.Equal(t, text, m.Truncate(text+" más", ""))
}
