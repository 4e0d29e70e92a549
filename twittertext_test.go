package cmkit_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/cmkit/cmkit"
)

// TestCountWeightedNFC: X weighs the text after normalizing it to NFC
// (twitter-text js/src/parseTweet.js calls text.normalize() before
// getCharacterWeight; weights from its v3 config: code points up to U+10FF,
// U+2000-U+200D, U+2010-U+201F and U+2032-U+2037 weigh 1, others 2). The
// expected values are the weights of the NFC forms given in the comments
// (UnicodeData.txt decompositions, CompositionExclusions.txt).
func TestCountWeightedNFC(t *testing.T) {
	x, _ := cmkit.PlatformLimits(cmkit.X)
	tests := []struct {
		in   string
		want int
	}{
		{"\u2126", 1},        // OHM SIGN, a singleton: NFC is U+03A9, weight 1 (2 as written)
		{"A\ufb2c", 4},       // U+FB2C is excluded: NFC is A U+05E9 U+05BC U+05C1, 1+1+1+1
		{"\ufb2c", 3},        // the same without the A
		{"\u212b", 1},        // ANGSTROM SIGN: NFC is U+00C5
		{"\u1f71", 1},        // GREEK SMALL LETTER ALPHA WITH OXIA: NFC is U+03AC
		{"\u0958", 2},        // DEVANAGARI LETTER QA is excluded: NFC is U+0915 U+093C
		{"e\u0302\u0323", 2}, // reordered, then composed: U+1EC7 (beyond U+10FF)
		{"\u2329", 2},        // LEFT-POINTING ANGLE BRACKET: NFC is U+3008
		{"\u2000", 1},        // EN QUAD: NFC is U+2002 EN SPACE, in the 1-weight range
		{"Ω", 1},             // already NFC
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, x.Count(tc.in), "%+q", tc.in)
	}
}
