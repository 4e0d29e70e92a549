package strictjson

import (
	"errors"
	"testing"

	"github.com/cmkit/cmkit"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFindDuplicate(t *testing.T) {
	for _, tc := range []struct{ in, path, key string }{
		{`{"a":1,"b":2}`, "", ""},
		{`{"a":1,"A":2}`, "A", "A"},
		{`{"x":[{"a":1},{"a":1,"a":2}]}`, "x[1].a", "a"},
		{"{\"k\":{\"ack\":1,\"ac\u212a\":2}}", "k[\"ac\u212a\"]", "ac\u212a"},
		{`{"a":{"b":1},"a":2}`, "a", "a"},
		{`{"a":`, "", ""},
	} {
		d := FindDuplicate([]byte(tc.in))
		if tc.path == "" {
			assert.Nil(t, d, tc.in)
			continue
		}
		require.NotNil(t, d, tc.in)
		assert.Equal(t, tc.path, d.Path, tc.in)
		assert.Equal(t, tc.key, d.Key, tc.in)
	}
}

func TestDecode(t *testing.T) {
	type doc struct {
		A int `json:"a"`
	}
	var v doc
	require.NoError(t, Decode([]byte("\xEF\xBB\xBF{\"a\":1}"), &v, "doc"))
	assert.Equal(t, 1, v.A)
	for in, rule := range map[string]string{
		`{"a":1,"a":2}`: "duplicate_key", `{"b":1}`: "schema", `{"a":"x"}`: "type",
		`{"a":1} {}`: "syntax", ``: "syntax", `{"a":}`: "syntax",
	} {
		err := Decode([]byte(in), &v, "doc")
		assert.True(t, errors.Is(err, cmkit.ErrInvalid), in)
		var ve *cmkit.ValidationError
		require.True(t, errors.As(err, &ve), in)
		assert.Equal(t, rule, ve.Rule, in)
	}
}

func TestFoldKey(t *testing.T) {
	assert.Equal(t, FoldKey("ACK"), FoldKey("ac\u212a"))
	assert.NotEqual(t, FoldKey("a"), FoldKey("b"))
}
