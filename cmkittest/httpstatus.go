package cmkittest

import (
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
// manner of Alertmanager's notify/test table: an adapter's tests feed each
// status to its HTTP layer (an httptest.Server) and check the error. The
// slice is new on each call.
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
