package roles_test

import (
	"testing"

	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/roles"
)

func TestMemoryStore(t *testing.T) {
	cmkittest.TestRolesStore(t, func(*testing.T) roles.Store { return roles.NewMemoryStore() })
}

func TestMemoryAuditStore(t *testing.T) {
	cmkittest.TestAuditStore(t, func(*testing.T) roles.AuditStore { return roles.NewMemoryAuditStore() })
}

func TestMemoryTokenStore(t *testing.T) {
	cmkittest.TestTokenStore(t, func(*testing.T) roles.TokenStore { return roles.NewMemoryTokenStore(nil) })
}
