package jsontok

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDescribe(t *testing.T) {
	for in, want := range map[string]string{`null`: "null", `{`: "an object", `[`: "a list", `"x"`: "a string",
		`true`: "a boolean", `1.5`: "a number"} {
		tok, err := json.NewDecoder(strings.NewReader(in)).Token()
		assert.NoError(t, err, in)
		assert.Equal(t, want, Describe(tok), in)
	}
}
