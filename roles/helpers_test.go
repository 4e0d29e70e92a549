package roles_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// fixture is a directory on simulated time, bootstrapped with a team.
type fixture struct {
	dir   *roles.Directory
	store *roles.MemoryStore
	clock *cmkittest.Clock
}

// newFixture bootstraps members and grants (members are created from the
// grants' member IDs).
func newFixture(t *testing.T, grants ...roles.Grant) *fixture {
	t.Helper()
	clock := cmkittest.NewClock(t0)
	store := roles.NewMemoryStore()
	dir, err := roles.New(context.Background(), store, roles.WithClock(clock), roles.WithLogger(quiet))
	require.NoError(t, err)
	team := &roles.Team{Grants: grants}
	seen := map[string]bool{}
	for _, g := range grants {
		if !seen[g.Member] {
			seen[g.Member] = true
			team.Members = append(team.Members, roles.Member{ID: g.Member})
		}
	}
	require.NoError(t, dir.Bootstrap(context.Background(), team))
	return &fixture{dir: dir, store: store, clock: clock}
}

func as(member string) context.Context {
	return roles.WithActor(context.Background(), member)
}

func allow(member, role string, s roles.Scope) roles.Grant {
	return roles.Grant{Member: member, Role: role, Scope: s}
}

func deny(member string, p roles.Permission, s roles.Scope) roles.Grant {
	return roles.Grant{Member: member, Permission: p, Deny: true, Scope: s}
}

var acme = roles.Scope{Brand: "acme"}

var quiet = slog.New(slog.DiscardHandler)

func cmkitID() uuid.UUID { return cmkit.NewID() }
