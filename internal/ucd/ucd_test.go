package ucd

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "Props.txt")
	require.NoError(t, os.WriteFile(path, []byte("# Props-15.0.0.txt\n\n0041..005A ; Upper # comment\n00E9;Lower\n"), 0o644))
	var got [][]string
	v, err := Read(path, func(f []string) error { got = append(got, f); return nil })
	require.NoError(t, err)
	assert.Equal(t, "15.0.0", v)
	assert.Equal(t, [][]string{{"0041..005A", "Upper"}, {"00E9", "Lower"}}, got)
}

func TestRange(t *testing.T) {
	tests := []struct {
		in     string
		lo, hi rune
		bad    bool
	}{
		{"0041..005A", 'A', 'Z', false},
		{"1F600", 0x1F600, 0x1F600, false},
		{"005A..0041", 0, 0, true},
		{"XYZ", 0, 0, true},
		{"110000", 0, 0, true},
	}
	for _, tc := range tests {
		lo, hi, err := Range(tc.in)
		if tc.bad {
			assert.Error(t, err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, [2]rune{tc.lo, tc.hi}, [2]rune{lo, hi}, tc.in)
	}
}
