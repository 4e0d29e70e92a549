package cmkit_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
)

// ClassifyHTTP follows the table adapters are tested against.
func TestClassifyHTTPFollowsTheTable(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, c := range cmkittest.HTTPStatusCases() {
		t.Run(fmt.Sprint(c.Status, c.RetryAfter), func(t *testing.T) {
			err := cmkit.ClassifyHTTP(c.Status, c.RetryAfter, now, "")
			assert.Equal(t, c.Want, cmkit.Classify(err))
			if c.Sentinel != nil {
				assert.ErrorIs(t, err, c.Sentinel)
				assert.Contains(t, err.Error(), fmt.Sprint("HTTP ", c.Status))
			}
			var rl *cmkit.RateLimitError
			assert.Equal(t, c.RateLimited, errors.As(err, &rl))
		})
	}
}

func TestRetryAfterForms(t *testing.T) {
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"120":                           2 * time.Minute,
		" 5 ":                           5 * time.Second,
		"Mon, 23 Nov 2026 09:15:00 GMT": 15 * time.Minute,
		"Mon, 23 Nov 2026 08:00:00 GMT": 0, // in the past
		"-3":                            0,
		"soon":                          0,
		"":                              0,
	} {
		var rl *cmkit.RateLimitError
		require.ErrorAs(t, cmkit.ClassifyHTTP(429, v, now, "quota"), &rl, v)
		assert.Equal(t, want, rl.RetryAfter, v)
	}
	err := cmkit.ClassifyHTTP(422, "", now, "text too long")
	assert.Equal(t, "cmkit: permanent failure: HTTP 422: text too long", err.Error())
}
