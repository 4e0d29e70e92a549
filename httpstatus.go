package cmkit

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// MaxRetryAfter is the longest wait ClassifyHTTP reads from a Retry-After
// header. A platform that asks for longer, or sends a number too large to
// represent, gets MaxRetryAfter, and the *RateLimitError has Capped set.
//
// A day covers the longest windows platforms reset on (daily posting caps,
// quotas that reset at midnight in the platform's zone). A longer request is
// a bug or a suspension, and obeying it would park a post for years (one
// "Retry-After: 1700000000", a Unix time sent as seconds, is 54 years);
// retrying after a day costs one request, which fails again if the limit
// still holds.
const MaxRetryAfter = 24 * time.Hour

// The three HTTP-date forms of RFC 9110, section 5.6.7, which a recipient
// must accept: the preferred IMF-fixdate and the obsolete RFC 850 and asctime
// forms, all in GMT. net/http.ParseTime reads the same forms; the root
// package reads them with the time package alone, to keep net/http out.
const (
	httpDate    = "Mon, 02 Jan 2006 15:04:05 GMT"
	rfc850Date  = "Monday, 02-Jan-06 15:04:05 GMT"
	asctimeDate = "Mon Jan _2 15:04:05 2006"
)

// ClassifyHTTP turns a platform API's HTTP answer into a classified error
// (see Classify), for adapters that talk HTTP: nil for a 2xx status, and
// otherwise an error whose class says what a retry may do.
//
//	429                       *RateLimitError, with RetryAfter read from
//	                          retryAfter (seconds or an HTTP date, read
//	                          against now, at most MaxRetryAfter): transient
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
		wait, capped := parseRetryAfter(retryAfter, now)
		return &RateLimitError{RetryAfter: wait, Capped: capped, Err: errors.New(msg)}
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

// parseRetryAfter reads a Retry-After value: delay seconds (1*DIGIT, no
// sign) or an HTTP date in any of its three forms. It never returns a
// negative wait nor one above MaxRetryAfter; capped reports that the value
// asked for more. Anything else, or a date not after now, is zero.
func parseRetryAfter(v string, now time.Time) (wait time.Duration, capped bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, ok := delaySeconds(v); ok {
		if secs > uint64(MaxRetryAfter/time.Second) {
			return MaxRetryAfter, true
		}
		return time.Duration(secs) * time.Second, false
	}
	t, ok := httpTime(v, now)
	if !ok || !t.After(now) {
		return 0, false
	}
	// Sub saturates instead of overflowing, so a far date stays positive.
	if d := t.Sub(now); d <= MaxRetryAfter {
		return d, false
	}
	return MaxRetryAfter, true
}

// delaySeconds reads 1*DIGIT. A number too large for a uint64 saturates at
// the maximum, so that it is capped rather than read as a wrap-around.
func delaySeconds(v string) (uint64, bool) {
	var n uint64
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > (math.MaxUint64-9)/10 {
			n = math.MaxUint64
			continue
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// httpTime reads an HTTP date. An RFC 850 date has a two-digit year, which
// RFC 9110 reads as not more than 50 years after now, and otherwise as the
// most recent such year: the year with those digits in (now-50, now+50].
func httpTime(v string, now time.Time) (time.Time, bool) {
	if t, err := time.Parse(httpDate, v); err == nil {
		return t, true
	}
	if t, err := time.Parse(asctimeDate, v); err == nil {
		return t, true
	}
	t, err := time.Parse(rfc850Date, v)
	if err != nil {
		return time.Time{}, false
	}
	now = now.UTC()
	year := now.Year() - now.Year()%100 + t.Year()%100
	switch {
	case year > now.Year()+50:
		year -= 100
	case year <= now.Year()-50:
		year += 100
	}
	return time.Date(year, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC), true
}

// Unconfirmed returns the error for a 2xx answer to a call that creates a
// post (Publish, Reply) when the answer names no created post: a 204, an
// empty body, or a body without the post's ID. The platform accepted the
// call, so the post may exist, but the adapter cannot return a receipt:
// the error wraps ErrAmbiguous, so that the publisher neither records the
// post as published nor retries it blindly. It names status, and detail
// when not empty; detail must not contain credentials.
//
// For a call that creates nothing (SetHidden, Delete) a 2xx is a success
// whatever the body says, as ClassifyHTTP has it.
func Unconfirmed(status int, detail string) error {
	msg := fmt.Sprintf("HTTP %d without the created post", status)
	if detail != "" {
		msg += ": " + detail
	}
	return fmt.Errorf("%w: %s", ErrAmbiguous, msg)
}
