package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKPIExample(t *testing.T) {
	var out bytes.Buffer
	path := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, run(context.Background(), &out, path, "pl"))
	s := out.String()
	assert.Contains(t, s, "sheet: 4 values entered from CSV")
	assert.Contains(t, s, "- Period: 2026-W49 (Nov 30, 2026 – Dec 6, 2026)")
	// engagements 1,250 + 160 over impressions 25,000 + 8,000: 4.27%,
	// against 1,100 / 28,000 = 3.93% in W48.
	assert.Regexp(t, `\| Engagement rate +\| +4\.3% \| +4\.0% \|.*✔ Met`, s)
	// followers 12,100 + 5,080 = 17,180 at the first reading of W49 and
	// 12,400 + 5,090 = 17,490 at the last: 1.8%.
	assert.Regexp(t, `\| Follower growth +\| +1\.8% \|`, s)
	assert.Regexp(t, `\| Response rate +\| +100\.0% \|`, s, "every new conversation of W49 was answered")
	// acme 4, rival 1 in W49: 80%.
	assert.Regexp(t, `\| Share of voice +\| +80\.0% \|`, s)
	// the sheet's manual row: 7 + 2 fans' posts.
	assert.Regexp(t, `\| Fans' posts +\| +9 \| +10 \|.*≈ Close`, s)
	assert.Contains(t, s, "Engagement on acme-pl-fb fell by 60.0% against the previous period.")
	assert.Regexp(t, `\| lucia +\| x +\|`, s, "opinion leaders come from the inbox")
	assert.NotContains(t, s, "free4u", "spam was hidden and is no one's opinion")
	html, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(html), "<!DOCTYPE html>"), "an HTML document")
	assert.Contains(t, string(html), `lang="pl"`)
	assert.Contains(t, string(html), "<svg")
}
