package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuickstart(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), &out))
	s := out.String()
	assert.Contains(t, s, "published acme-es-mastodon-1 at Mon 23 Nov 09:00 CET")
	assert.Contains(t, s, "published acme-pl-facebook-1 at Mon 23 Nov 09:30 CET")
	assert.Contains(t, s, "retried with the same post ID: err=<nil>, copies on the platform: 1")
	assert.Contains(t, s, "not retried: unknown, a person verifies (copies on the platform: 1)")
	assert.Contains(t, s, "acme-pl-facebook: drafted by ola, approved=false, can approve: [bea sam]")
	assert.Contains(t, s, "ola may not publish it herself (cmkit.ErrForbidden)")
	assert.Contains(t, s, "approved by bea, who publishes it")
}
