package calendar_test

import (
	"testing"

	"github.com/cmkit/cmkit/calendar"
	"github.com/cmkit/cmkit/cmkittest"
)

func TestMemoryStore(t *testing.T) {
	cmkittest.TestCalendarStore(t, func(*testing.T) calendar.Store { return calendar.NewMemoryStore() })
}
