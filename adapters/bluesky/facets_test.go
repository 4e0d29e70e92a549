package bluesky

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
)

// The offsets below are counted by hand from the UTF-8 encodings written
// next to each case, not by the code under test.
func TestFacetOffsets(t *testing.T) {
	resolve := func(_ context.Context, h string) (string, error) {
		return map[string]string{"alice.bsky.social": "did:plc:alice"}[h], nil
	}
	tag := func(a, b int, v string) facet {
		return facet{Index: byteSlice{a, b}, Features: []feature{{Type: featureTag, Tag: v}}}
	}
	link := func(a, b int, v string) facet {
		return facet{Index: byteSlice{a, b}, Features: []feature{{Type: featureLink, URI: v}}}
	}
	mention := func(a, b int, v string) facet {
		return facet{Index: byteSlice{a, b}, Features: []feature{{Type: featureMention, DID: v}}}
	}
	for _, c := range []struct {
		name, text string
		want       []facet
	}{
		// 👨‍👩‍👧 = U+1F468 U+200D U+1F469 U+200D U+1F467 = 4+3+4+3+4 = 18 bytes, space at 18.
		{"ZWJ family", "👨‍👩‍👧 #family", []facet{tag(19, 26, "family")}},
		// 🇵🇱 = two regional indicators, 4+4 = 8 bytes; #café = 1+3+2 (é U+00E9) = 6.
		{"flag, composed accent", "🇵🇱 #café", []facet{tag(9, 15, "café")}},
		// #cafe + U+0301 (2 bytes) = 1+4+2 = 7; the mark belongs to the tag.
		{"decomposed accent", "#cafe\u0301 ok", []facet{tag(0, 7, "cafe\u0301")}},
		// 見て = 2×3 = 6 bytes, space at 6; #日本語 = 1+9 = 10.
		{"CJK hashtag", "見て #日本語", []facet{tag(7, 17, "日本語")}},
		// Ü(2) n(1) ï(2) code(4) = 9, space, 👍🏽 = U+1F44D U+1F3FD = 8 -> 18, space -> 19;
		// https://bsky.app/profile = 24 bytes.
		{"link after skin tone", "Ünïcode 👍🏽 https://bsky.app/profile ok", []facet{link(19, 43, "https://bsky.app/profile")}},
		// ¡ = U+00A1, 2 bytes; Hola 4 -> 6, space -> 7; @alice.bsky.social = 18 bytes.
		{"mention", "¡Hola @alice.bsky.social!", []facet{mention(7, 25, "did:plc:alice")}},
		// A link without a scheme gets https://; ✨ after it is 3 bytes.
		{"bare link", "visit example.com ✨", []facet{link(6, 17, "https://example.com")}},
		// é in the text before: "Olá " = 1+1+2+1 = 5; #Promoción = 1+7+2+1 = 11 -> 16; space; #日本 = 7 -> 17..24.
		{"two tags", "Olá #Promoción #日本", []facet{tag(5, 16, "Promoción"), tag(17, 24, "日本")}},
		{"nothing to mark", "@alice (no dot) @bob@mastodon.social @nobody.bsky.social #123 $TSLA", nil},
		{"empty", "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := facets(context.Background(), c.text, resolve)
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			for _, f := range got {
				s := c.text[f.Index.ByteStart:f.Index.ByteEnd]
				if ft := f.Features[0]; ft.Type == featureTag {
					assert.True(t, strings.HasSuffix(s, ft.Tag), "%q does not end with its tag %q", s, ft.Tag)
				}
			}
		})
	}
}

func TestFacetTagLimit(t *testing.T) {
	long := "#" + strings.Repeat("é", 65) // 65 graphemes: over the tag's 64
	got, err := facets(context.Background(), long+" #ok", func(context.Context, string) (string, error) { return "", nil })
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "ok", got[0].Features[0].Tag)
	assert.Equal(t, byteSlice{len(long) + 1, len(long) + 4}, got[0].Index)
}

func TestFacetResolveErrorStops(t *testing.T) {
	boom := cmkit.Errorf(cmkit.ErrTransient, "resolver down")
	_, err := facets(context.Background(), "hi @alice.bsky.social", func(context.Context, string) (string, error) { return "", boom })
	assert.True(t, errors.Is(err, cmkit.ErrTransient))
}
