package testbudget_test

import (
	"fmt"
	"time"

	"github.com/cmkit/cmkit/internal/testbudget"
)

// The budget for one fuzz input is at least half a second, more under the
// race detector.
func Example() {
	fmt.Println(testbudget.Fuzz >= 500*time.Millisecond)
	// Output: true
}
