package cmkit

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// httpDate is the preferred HTTP date layout (RFC 9110 IMF-fixdate); the
// root package reads it without importing net/http.
const httpDate = "Mon, 02 Jan 2006 15:04:05 GMT"

// ClassifyHTTP turns a platform API's HTTP answer into a classified error
// (see Classify), for adapters that talk HTTP: nil for a 2xx status, and
// otherwise an error whose class says what a retry may do.
//
//	429                       *RateLimitError, with RetryAfter read from
//	                          retryAfter (seconds or an HTTP date, read
//	                          against now): transient
//	503                       transient: the service refused the request
//	500, 502, 504, other 5xx  ambiguous: the request may have been applied
//	                          before the server or a gateway failed
//	408                       ambiguous: the request may have been read
//	401, 403                  ErrForbidden (permanent): the token or the
//	                          account may not do this
//	404, 410                  ErrNotFound (permanent)
//	409                       ErrConflict (permanent)
//	400, 413, 422, other 4xx  ErrPermanent: retrying the same request
//	                          will not help
//	1xx, 3xx                  ambiguous: an adapter should not see these
//
// detail, when not empty, is added to the message; it must not contain
// credentials. The result wraps the sentinel, so errors.Is works, and names
// the status.
func ClassifyHTTP(status int, retryAfter string, now time.Time, detail string) error {
	if status >= 200 && status < 300 {
		return nil
	}
	msg := fmt.Sprintf("HTTP %d", status)
	if detail != "" {
		msg += ": " + detail
	}
	var class error
	switch {
	case status == 429:
		return &RateLimitError{RetryAfter: parseRetryAfter(retryAfter, now), Err: fmt.Errorf("%s", msg)}
	case status == 503:
		class = ErrTransient
	case status == 401 || status == 403:
		class = ErrForbidden
	case status == 404 || status == 410:
		class = ErrNotFound
	case status == 409:
		class = ErrConflict
	case status == 408:
		class = ErrAmbiguous
	case status >= 400 && status < 500:
		class = ErrPermanent
	default: // 5xx other than 503, and statuses an adapter should not see
		class = ErrAmbiguous
	}
	return fmt.Errorf("%w: %s", class, msg)
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
// Anything else, or a time in the past, is zero.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := time.Parse(httpDate, v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
