//go:build integration

package grapheme

import (
	"bufio"
	"compress/bzip2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNormalizationTest checks NFC against the conformance file of the
// Unicode Character Database (NormalizationTest.txt: c2 == toNFC(c1) ==
// toNFC(c2) == toNFC(c3), c4 == toNFC(c4) == toNFC(c5)), when Debian's
// unicode-data package ships it, compressed; the file is too big to keep
// here. It fails, with the apt-get line, when the file is missing.
func TestNormalizationTest(t *testing.T) {
	const path = "/usr/share/unicode/NormalizationTest.txt.bz2"
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%s: %v: apt-get install -y unicode-data", path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(bzip2.NewReader(f))
	parse := func(field string) string {
		var b strings.Builder
		for _, h := range strings.Fields(field) {
			r, err := strconv.ParseUint(h, 16, 32)
			require.NoError(t, err)
			b.WriteRune(rune(r))
		}
		return b.String()
	}
	lines := 0
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == '@' {
			continue
		}
		fields := strings.Split(line, ";")
		require.GreaterOrEqual(t, len(fields), 5, line)
		var c [5]string
		for i := range c {
			c[i] = parse(fields[i])
		}
		for i, want := range []int{1, 1, 1, 3, 3} {
			var buf [MaxNFC]rune
			n, ok := NFC(&buf, c[i])
			require.True(t, ok, line)
			if got := string(buf[:n]); got != c[want] {
				t.Fatalf("%s: NFC(c%d) = %+q, want %+q", line, i+1, got, c[want])
			}
		}
		lines++
	}
	require.NoError(t, sc.Err())
	assert.Greater(t, lines, 10000)
}
