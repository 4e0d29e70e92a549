package cmkittest_test

import (
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
)

// Deliberately wrong classifications, each wrong in one way, to show that
// TestHTTPStatus fails them.
var brokenClassifiers = map[string]struct {
	classify func(status int, retryAfter string, now time.Time) error
	fails    []string // subtests that must fail
	passes   []string // subtests that must still pass
}{
	// retries a 500 as if it were certainly not applied
	"500-transient": {func(status int, ra string, now time.Time) error {
		if status == 500 {
			return fmt.Errorf("%w: HTTP 500", cmkit.ErrTransient)
		}
		return cmkit.ClassifyHTTP(status, ra, now, "")
	}, []string{"500"}, []string{"502", "503_Retry-After_\"30\""}},
	// obeys any Retry-After, even a Unix time sent as seconds
	"uncapped-wait": {func(status int, ra string, now time.Time) error {
		err := cmkit.ClassifyHTTP(status, ra, now, "")
		if ra == "1700000000" {
			return &cmkit.RateLimitError{RetryAfter: 1700000000 * time.Second}
		}
		return err
	}, []string{"429_Retry-After_\"1700000000\""}, []string{"429_Retry-After_\"120\""}},
	// a 404 that is permanent but not ErrNotFound
	"404-no-sentinel": {func(status int, ra string, now time.Time) error {
		if status == 404 {
			return errors.New("not there: " + cmkit.ErrPermanent.Error())
		}
		return cmkit.ClassifyHTTP(status, ra, now, "")
	}, []string{"404"}, []string{"410"}},
	// a 429 that is transient but carries no wait
	"429-plain": {func(status int, ra string, now time.Time) error {
		if status == 429 {
			return fmt.Errorf("%w: HTTP 429", cmkit.ErrRateLimited)
		}
		return cmkit.ClassifyHTTP(status, ra, now, "")
	}, []string{"429_Retry-After_\"120\"", "429_Retry-After_\"\""}, []string{"200", "503_Retry-After_\"30\""}},
}

const brokenClassifierEnv = "CMKITTEST_BROKEN_CLASSIFIER"

// TestHTTPStatusCatchesBrokenClassifiers runs TestHTTPStatus on each wrong
// classification in a child process and checks that exactly the cases it
// gets wrong fail.
func TestHTTPStatusCatchesBrokenClassifiers(t *testing.T) {
	if name := os.Getenv(brokenClassifierEnv); name != "" {
		cmkittest.TestHTTPStatus(t, brokenClassifiers[name].classify)
		return
	}
	for name, bc := range brokenClassifiers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expectSuiteFailures(t, "TestHTTPStatusCatchesBrokenClassifiers", brokenClassifierEnv, name, bc.fails, bc.passes)
		})
	}
}
