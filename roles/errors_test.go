package roles_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/roles"
)

// Every denial says "forbidden" once, at the front, and still wraps
// cmkit.ErrForbidden.
func TestForbiddenReadsTheClassOnce(t *testing.T) {
	f := newFixture(t,
		allow("sam", roles.SocialMediaManager, acme),
		allow("ola", roles.JuniorCM, roles.Scope{Brand: "acme", Country: "PL"}))
	channel := roles.Resource{Brand: "acme", Channel: "acme-pl-fb", Country: "PL"}
	_, grantErr := f.dir.Grant(as("ola"), allow("ola", roles.SocialMediaManager, acme))
	cases := map[string]error{
		"a decision":         f.dir.Check(as("ola"), roles.PublishPost, channel),
		"a grant":            grantErr,
		"no acting member":   f.dir.Check(context.Background(), roles.PublishPost, channel),
		"a wrapped decision": errors.Join(f.dir.Check(as("ola"), roles.PublishPost, channel)),
	}
	for name, err := range cases {
		t.Run(name, func(t *testing.T) {
			require.ErrorIs(t, err, cmkit.ErrForbidden)
			msg := err.Error()
			assert.Equal(t, 1, strings.Count(msg, "forbidden"), msg)
			assert.True(t, strings.HasPrefix(msg, "roles: forbidden: "), msg)
		})
	}
}

// Store and directory errors say their class in their own words, without a
// trailing "cmkit: not found" or "cmkit: conflict".
func TestStoreErrorsReadTheClassOnce(t *testing.T) {
	f := newFixture(t, allow("sam", roles.SocialMediaManager, acme))
	_, err := f.store.Member(context.Background(), "nobody")
	require.ErrorIs(t, err, cmkit.ErrNotFound)
	assert.EqualError(t, err, `roles: member "nobody" not found`)

	err = f.dir.Bootstrap(context.Background(), &roles.Team{})
	require.ErrorIs(t, err, cmkit.ErrConflict)
	assert.NotContains(t, err.Error(), "cmkit:")
}
