package cmkit_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
)

// minimal implements only the required interface.
type minimal struct{}

func (minimal) Info() cmkit.ChannelInfo { return cmkit.ChannelInfo{ID: "m", Platform: cmkit.Blog} }
func (minimal) Publish(context.Context, cmkit.Post) (cmkit.Receipt, error) {
	return cmkit.Receipt{}, nil
}

func TestCapabilities(t *testing.T) {
	assert.Empty(t, cmkit.Capabilities(minimal{}))
	fake, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "f"}})
	require.NoError(t, err)
	assert.Equal(t, []cmkit.Capability{cmkit.CapFindPost, cmkit.CapReadMentions, cmkit.CapReply, cmkit.CapThread,
		cmkit.CapHide, cmkit.CapDelete, cmkit.CapInsights, cmkit.CapFollowerCount, cmkit.CapSearch}, cmkit.Capabilities(fake))
}

func TestRetrySafetyText(t *testing.T) {
	for _, rs := range []cmkit.RetrySafety{cmkit.RetryUnsafe, cmkit.RetryIdempotent, cmkit.RetryAfterLookup} {
		b, err := json.Marshal(rs)
		require.NoError(t, err)
		var back cmkit.RetrySafety
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, rs, back)
	}
	assert.Equal(t, `"lookup"`, mustJSON(t, cmkit.RetryAfterLookup))
	var rs cmkit.RetrySafety
	err := json.Unmarshal([]byte(`"sometimes"`), &rs)
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = json.Marshal(cmkit.RetrySafety(5))
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	assert.Equal(t, "RetrySafety(5)", cmkit.RetrySafety(5).String())
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func TestChannelInfoValidate(t *testing.T) {
	ok := cmkit.ChannelInfo{ID: "acme-pl-fb", Platform: cmkit.Facebook, Country: "PL"}
	assert.NoError(t, ok.Validate())
	tests := map[string]struct {
		info        cmkit.ChannelInfo
		field, rule string
	}{
		"no id":          {cmkit.ChannelInfo{Platform: cmkit.X}, "id", "required"},
		"no platform":    {cmkit.ChannelInfo{ID: "a"}, "platform", "required"},
		"bad limits":     {cmkit.ChannelInfo{ID: "a", Platform: cmkit.X, Limits: cmkit.Limits{MaxLength: -5}}, "limits.max_length", "non_negative"},
		"unknown safety": {cmkit.ChannelInfo{ID: "a", Platform: cmkit.X, RetrySafety: -1}, "retry_safety", "unknown"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			var ve *cmkit.ValidationError
			require.ErrorAs(t, tc.info.Validate(), &ve)
			assert.Equal(t, tc.field, ve.Field)
			assert.Equal(t, tc.rule, ve.Rule)
		})
	}
}

func TestChannelInfoJSON(t *testing.T) {
	info := cmkit.ChannelInfo{ID: "acme-es-x", Platform: cmkit.X, Handle: "@acme_es", Country: "ES",
		Languages: []string{"es"}, Limits: cmkit.Limits{MaxLength: 280, Counting: cmkit.CountWeighted, URLLength: 23},
		RetrySafety: cmkit.RetryAfterLookup}
	b, err := json.Marshal(info)
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"acme-es-x","platform":"x","handle":"@acme_es","country":"ES","languages":["es"],
		"limits":{"max_length":280,"counting":"weighted","url_length":23},"retry_safety":"lookup"}`, string(b))
	var back cmkit.ChannelInfo
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, info, back)
}

func TestPostClone(t *testing.T) {
	p := cmkit.Post{ID: cmkit.NewID(), Text: "x", Media: []cmkit.Media{{Kind: cmkit.MediaImage, URL: "a"}}}
	c := p.Clone()
	c.Media[0].URL = "b"
	assert.Equal(t, "a", p.Media[0].URL)
	assert.Nil(t, cmkit.Post{}.Clone().Media)
}

func TestNewIDIsVersion7AndSorted(t *testing.T) {
	a, b := cmkit.NewID(), cmkit.NewID()
	assert.EqualValues(t, 7, a.Version())
	assert.Less(t, a.String(), b.String(), "version 7 IDs sort by creation")
}
