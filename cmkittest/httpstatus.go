package cmkittest

import "github.com/cmkit/cmkit"

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
}

// HTTPStatusCases lists the answers HTTP adapters must classify, in the
// manner of Alertmanager's notify/test table: an adapter's tests feed each
// status to its HTTP layer (an httptest.Server) and check the error. The
// slice is new on each call.
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
		{Status: 429, RetryAfter: "120", Want: cmkit.Transient, RateLimited: true, Sentinel: cmkit.ErrRateLimited},
		{Status: 429, Want: cmkit.Transient, RateLimited: true, Sentinel: cmkit.ErrRateLimited},
		{Status: 500, Want: cmkit.Ambiguous, Sentinel: cmkit.ErrAmbiguous},
		{Status: 502, Want: cmkit.Ambiguous, Sentinel: cmkit.ErrAmbiguous},
		{Status: 503, RetryAfter: "30", Want: cmkit.Transient, Sentinel: cmkit.ErrTransient},
		{Status: 504, Want: cmkit.Ambiguous, Sentinel: cmkit.ErrAmbiguous},
	}
}
