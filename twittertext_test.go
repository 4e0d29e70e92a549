package cmkit_test

import (
	"strings"
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

// TestCountXLinks: X counts a link as 23 where twitter-text extracts one
// (js/src/extractUrlsWithIndices.js, config v3 transformedURLLength 23), and
// everything else by weight.
func TestCountXLinks(t *testing.T) {
	x, _ := cmkit.PlatformLimits(cmkit.X)
	tests := []struct {
		rule string
		in   string
		want int
	}{
		// The path stops at CJK (validGeneralUrlPathChars): "test " 5, the
		// link 23, "だよね" 3*2, ".comtest/hogehoge" 17.
		{"validUrlPath", "test http://example.comだよね.comtest/hogehoge", 5 + 23 + 6 + 17},
		{"validUrlPrecedingChars", "見てhttp://google.com", 2*2 + 23},
		{"validDomain needs a TLD", "http://no-tld", 13},
		{"validSubdomain allows _", "http://sub_domain-dash.twitter.com", 23},
		{"e-mail address", "john.doe.gov@mail.com", 21},
		{"validAsciiDomain", "見てexample.com", 2*2 + 23},
		{"label of 64", "http://" + strings.Repeat("a", 64) + ".com", 7 + 64 + 4},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, x.Count(tc.in), "%s: %q", tc.rule, tc.in)
	}
}
