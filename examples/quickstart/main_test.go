package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	s := out.String()
	assert.Contains(t, s, "error no-cheap at 1:38: Evita «barato».")
	assert.Contains(t, s, `automatic fixes: "Envío gratis hasta el domingo, ¡todo barato! Escríbenos un correo."`)
	assert.Contains(t, s, "post 1 is in_review; who can approve: [bea sam]")
	assert.Contains(t, s, "ola approving her own post: refused (true)")
	assert.Contains(t, s, "post 1 -> acme-es-mastodon Mon 23 Nov 09:00 CET")
	assert.Contains(t, s, "post 2 acme-pl-facebook verify    attempts=2 copies on the platform=1")
	assert.Contains(t, s, "Bea found post 2 on the platform")
	final := s[strings.Index(s, "Finally:"):]
	assert.Equal(t, 6, strings.Count(final, "published"), "every post published, after a person's check")
	assert.Equal(t, 6, strings.Count(final, "copies on the platform=1"), "none twice")
}
