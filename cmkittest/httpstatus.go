package cmkittest

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cmkit/cmkit"
)

// HTTPStatusCase is one HTTP answer a platform API may give, and how a
// correct adapter classifies it (see cmkit.ClassifyHTTP, which follows this
// table).
type HTTPStatusCase struct {
	// Status is the HTTP status code.
	Status int
	// RetryAfter is the Retry-After header sent with it, if any.
	RetryAfter string
	// Want is the class the adapter's error must have (zero: no error).
	Want cmkit.Failure
	// RateLimited reports that the error must be a *cmkit.RateLimitError.
	RateLimited bool
	// Sentinel, when set, is the root error the adapter's error must wrap.
	Sentinel error
	// WantRetryAfter, for a rate limit, is the RetryAfter the
	// *cmkit.RateLimitError must carry: RetryAfter read as delay seconds
	// (digits only) or an HTTP date, never negative, and cut down to
	// cmkit.MaxRetryAfter when the platform asks for longer.
	WantRetryAfter time.Duration
}

// HTTPStatusCases lists the answers HTTP adapters must classify, in the
// manner of Alertmanager's notify/test table; TestHTTPStatus runs it
// against an adapter's classification. The slice is new on each call.
//
// A 2xx row means the platform accepted the call. An answer to a publish
// or a reply that names no created post (a 204, an empty body, a body
// without the post's ID) is not a success, since the adapter cannot return
// a receipt, nor a refusal, since the post may exist: it is ambiguous, and
// cmkit.Unconfirmed builds its error.
//
// The Retry-After values include the hostile ones: seconds that overflow a
// time.Duration or a uint64, a Unix time sent as seconds, signs and
// exponents, and dates long past or far ahead. Their WantRetryAfter holds
// at any current time from 1995 through 9998.
func HTTPStatusCases() []HTTPStatusCase {
	return []HTTPStatusCase{
		{Status: 200},
		{Status: 201},
		{Status: 204},
		{Status: 400, Want: cmkit.Permanent, Sentinel: cmkit.ErrPermanent},
		{Status: 401, Want: cmkit.Permanent, Sentinel: cmkit.ErrForbidden},
		{Status: 403, Want: cmkit.Permanent, Sentinel: cmkit.ErrForbidden},
		{Status: 404, Want: cmkit.Permanent, Sentinel: cmkit.ErrNotFound},
		{Status: 408, Want: cmkit.Ambiguous, Sentinel: cmkit.ErrAmbiguous},
		{Status: 409, Want: cmkit.Permanent, Sentinel: cmkit.ErrConflict},
		{Status: 410, Want: cmkit.Permanent, Sentinel: cmkit.ErrNotFound},
		{Status: 413, Want: cmkit.Permanent, Sentinel: cmkit.ErrPermanent},
		{Status: 422, Want: cmkit.Permanent, Sentinel: cmkit.ErrPermanent},
		rateLimited("120", 2*time.Minute),
		rateLimited("", 0),
		rateLimited(" 5 ", 5*time.Second),
		rateLimited("+5", 0),
		rateLimited("-1", 0),
		rateLimited("1e3", 0),
		rateLimited("1700000000", cmkit.MaxRetryAfter),           // a Unix time sent as seconds
		rateLimited("9223372037", cmkit.MaxRetryAfter),           // overflows a time.Duration
		rateLimited("18446744073709551616", cmkit.MaxRetryAfter), // overflows a uint64
		rateLimited("Sun, 06 Nov 1994 08:49:37 GMT", 0),
		rateLimited("Fri, 31 Dec 9999 23:59:59 GMT", cmkit.MaxRetryAfter),
		{Status: 500, Want: cmkit.Ambiguous, Sentinel: cmkit.ErrAmbiguous},
		{Status: 502, Want: cmkit.Ambiguous, Sentinel: cmkit.ErrAmbiguous},
		{Status: 503, RetryAfter: "30", Want: cmkit.Transient, Sentinel: cmkit.ErrTransient},
		{Status: 504, Want: cmkit.Ambiguous, Sentinel: cmkit.ErrAmbiguous},
	}
}

// rateLimited is the case of a 429 with Retry-After v.
func rateLimited(v string, wait time.Duration) HTTPStatusCase {
	return HTTPStatusCase{Status: 429, RetryAfter: v, Want: cmkit.Transient, RateLimited: true,
		Sentinel: cmkit.ErrRateLimited, WantRetryAfter: wait}
}

// httpNows are the current times at which TestHTTPStatus checks each case:
// HTTPStatusCases holds at any of them.
var httpNows = []time.Time{
	time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC),
	time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC),
	time.Date(2090, 6, 1, 0, 0, 0, 0, time.UTC),
	time.Date(9998, 12, 31, 23, 59, 59, 0, time.UTC),
}

// TestHTTPStatus checks an HTTP adapter's classification against
// HTTPStatusCases, one subtest per case, named by its status and any
// Retry-After (404, 429 Retry-After "120").
// classify is the adapter's own mapping of a status and its Retry-After
// header, read at now, to an error (cmkit.ClassifyHTTP is one); it is
// called for each case at several current times from 1995 through 9998 and
// at time.Now(). Each time, its error must be nil for a 2xx and otherwise
// have the case's class (cmkit.Classify), wrap the case's Sentinel, and be
// a *cmkit.RateLimitError exactly when the case is RateLimited, with
// RetryAfter equal to WantRetryAfter. Problems are reported with t.Errorf.
//
//	func TestStatusCodes(t *testing.T) {
//		cmkittest.TestHTTPStatus(t, func(status int, retryAfter string, now time.Time) error {
//			return myAdapter.classify(status, retryAfter, now)
//		})
//	}
func TestHTTPStatus(t *testing.T, classify func(status int, retryAfter string, now time.Time) error) {
	t.Helper()
	for _, c := range HTTPStatusCases() {
		t.Run(c.name(), func(t *testing.T) {
			for _, now := range slices.Concat(httpNows, []time.Time{time.Now()}) {
				c.check(t, now, classify(c.Status, c.RetryAfter, now))
			}
		})
	}
}

// name names the case's subtest.
func (c HTTPStatusCase) name() string {
	if c.RetryAfter == "" && !c.RateLimited {
		return fmt.Sprint(c.Status)
	}
	return fmt.Sprintf("%d Retry-After %q", c.Status, c.RetryAfter)
}

// check reports how err, the answer to the case at now, differs from what
// the case wants.
func (c HTTPStatusCase) check(t *testing.T, now time.Time, err error) {
	t.Helper()
	at := now.Format(time.RFC3339)
	if got := cmkit.Classify(err); got != c.Want {
		t.Errorf("at %s: class %s, want %s (error: %v)", at, got, c.Want, err)
	}
	if c.Sentinel != nil && !errors.Is(err, c.Sentinel) {
		t.Errorf("at %s: the error does not wrap %v: %v", at, c.Sentinel, err)
	}
	var rl *cmkit.RateLimitError
	switch isRL := errors.As(err, &rl); {
	case isRL != c.RateLimited:
		t.Errorf("at %s: *cmkit.RateLimitError %t, want %t: %v", at, isRL, c.RateLimited, err)
	case isRL && rl.RetryAfter != c.WantRetryAfter:
		t.Errorf("at %s: RetryAfter = %s, want %s", at, rl.RetryAfter, c.WantRetryAfter)
	}
}
