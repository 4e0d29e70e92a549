package cmkit_test

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
)

func TestParsePlatform(t *testing.T) {
	tests := []struct {
		in      string
		want    cmkit.Platform
		rule    string
		wellKnw bool
	}{
		{"x", cmkit.X, "", true},
		{" Twitter ", cmkit.X, "", true},
		{"Instagram", cmkit.Instagram, "", true},
		{"bluesky", cmkit.Bluesky, "", true},
		{"acme-forum", "acme-forum", "", false},
		{"intranet.v2", "intranet.v2", "", false},
		{"", "", "required", false},
		{"   ", "", "required", false},
		{"9gag", "", "format", false},
		{"my platform", "", "format", false},
		{"plataforma-ñ", "", "format", false},
		{"-x", "", "format", false},
		{string(make([]byte, 65)), "", "format", false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := cmkit.ParsePlatform(tc.in)
			if tc.rule != "" {
				var ve *cmkit.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, "platform", ve.Field)
				assert.Equal(t, tc.rule, ve.Rule)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.wellKnw, got.WellKnown())
		})
	}
}

func TestPlatformsIsACopy(t *testing.T) {
	ps := cmkit.Platforms()
	assert.Len(t, ps, 13)
	for _, p := range ps {
		assert.NoError(t, p.Validate())
		assert.True(t, p.WellKnown())
	}
	ps[0] = "mutated"
	assert.Equal(t, cmkit.X, cmkit.Platforms()[0])
}

func TestLimitsValidate(t *testing.T) {
	assert.NoError(t, cmkit.Limits{}.Validate())
	assert.NoError(t, cmkit.Limits{MaxLength: 280, Counting: cmkit.CountWeighted, URLLength: 23}.Validate())
	err := cmkit.Limits{MaxHashtags: -1}.Validate()
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "limits.max_hashtags", ve.Field)
	assert.Equal(t, "non_negative", ve.Rule)
}

// FuzzParsePlatform: any input either parses to a valid platform that
// parses again to itself, or fails with ErrInvalid; never a panic.
func FuzzParsePlatform(f *testing.F) {
	for _, s := range []string{"x", "Twitter", "acme-forum", "", "ñ", "a.b_c-d", "9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := cmkit.ParsePlatform(s)
		if err != nil {
			if !errors.Is(err, cmkit.ErrInvalid) {
				t.Fatalf("ParsePlatform(%q): error %v does not wrap ErrInvalid", s, err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("ParsePlatform(%q) = %q, which does not validate: %v", s, p, err)
		}
		if !utf8.ValidString(string(p)) || len(p) > 64 {
			t.Fatalf("ParsePlatform(%q) = %q", s, p)
		}
		again, err := cmkit.ParsePlatform(string(p))
		if err != nil || again != p {
			t.Fatalf("ParsePlatform is not stable: %q -> %q -> %q, %v", s, p, again, err)
		}
	})
}
