package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCrisisExample(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	s := out.String()
	assert.Contains(t, s, "10:01 breakout on acme/es", "caught in the storm's first minute")
	assert.Contains(t, s, "incident opened at level major under plan acme-crisis v4")
	assert.Contains(t, s, "calendar: 3 posts held by a pause")
	assert.Contains(t, s, "the style check on a promotional draft: blocked by no-promo-in-crisis")
	assert.Contains(t, s, "10:11 page to every senior_cm of acme", "nobody acknowledged in 10 minutes")
	assert.Equal(t, 1, strings.Count(s, "page to every senior_cm"), "acknowledged before the first repeat")
	assert.Contains(t, s, "bea publishing the statement before approval: refused (true)")
	assert.Contains(t, s, `statement approved by sam and published on acme-es (acme-es-1): "Sabemos que hay problemas`)
	assert.Contains(t, s, "calendar: 0 posts held by a pause")
	assert.Contains(t, s, "the style check on a promotional draft: passes")
	assert.Regexp(t, `post 1 10:30 held `, s, "missed during the pause: held for a person, as the plan says")
	assert.Regexp(t, `post 2 12:00 published`, s)
	assert.Contains(t, s, `switched moderation to "crisis-strict" from "usual"`)
	assert.Contains(t, s, `switched moderation back to "usual"`)
	assert.Contains(t, s, "+41m: acknowledged 25m after the incident entered major; the plan allows 10m")
	assert.Contains(t, s, "bea could not resolve", "the drill finds that a senior CM may not resolve")
}
