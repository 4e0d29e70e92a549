package inbox_test

import (
	"testing"

	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/moderation/inbox"
)

func TestMemoryStoreConformance(t *testing.T) {
	cmkittest.TestInboxStore(t, func(*testing.T) inbox.Store { return inbox.NewMemoryStore() })
}
