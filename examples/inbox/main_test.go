package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestInboxExample(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	s := out.String()
	assert.Contains(t, s, "event hidden: c2 on the platform")
	assert.Regexp(t, `promo4u +hidden .*labels=\[spam\]`, s)
	assert.Regexp(t, `pepe +escalated .*handoff=done`, s)
	assert.Regexp(t, `kasia +new +lang=pl assignee=ola`, s, "the Polish conversation goes to the agent scoped to Poland")
	assert.Contains(t, s, "tickets in customer service: 1")
	assert.Contains(t, s, "ana answers lucia: ¡Hola @lucia! Tienes la guía de tallas")
	assert.Contains(t, s, "already answered by ana")
	assert.Equal(t, 3, strings.Count(s, "event sla-breached"), "pepe, marta and kasia")
	assert.NotContains(t, s, "sla-breached: lucia", "lucia was answered")
	assert.Contains(t, s, "share of voice acme: 4 mentions, 80%")
	assert.Contains(t, s, "opinion leader: runner_marta (95000 followers")
}
