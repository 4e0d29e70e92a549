package cmkit_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
)

// ClassifyHTTP follows the table adapters are tested against, whatever the
// current time from 1995 through 9998, and names the status.
func TestClassifyHTTPFollowsTheTable(t *testing.T) {
	cmkittest.TestHTTPStatus(t, func(status int, retryAfter string, now time.Time) error {
		return cmkit.ClassifyHTTP(status, retryAfter, now, "")
	})
	for _, c := range cmkittest.HTTPStatusCases() {
		if err := cmkit.ClassifyHTTP(c.Status, c.RetryAfter, raNow, ""); err != nil {
			assert.Contains(t, err.Error(), fmt.Sprint("HTTP ", c.Status))
		}
	}
}

// An answer that names no created post is ambiguous, names its status,
// and carries its detail.
func TestUnconfirmedIsAmbiguous(t *testing.T) {
	err := cmkit.Unconfirmed(http.StatusNoContent, "no id in the body")
	assert.ErrorIs(t, err, cmkit.ErrAmbiguous)
	assert.Equal(t, cmkit.Ambiguous, cmkit.Classify(err))
	assert.EqualError(t, err, "cmkit: outcome unknown: HTTP 204 without the created post: no id in the body")
	assert.EqualError(t, cmkit.Unconfirmed(200, ""), "cmkit: outcome unknown: HTTP 200 without the created post")
}

// An adapter reads the created post's ID from a 2xx answer; without one it
// cannot prove the post exists, nor that it does not.
func ExampleUnconfirmed() {
	answer := func(status int, body string) (string, error) {
		if err := cmkit.ClassifyHTTP(status, "", time.Now(), ""); err != nil {
			return "", err
		}
		var created struct {
			ID string `json:"id"`
		}
		if json.Unmarshal([]byte(body), &created) != nil || created.ID == "" {
			return "", cmkit.Unconfirmed(status, "no post ID in the answer")
		}
		return created.ID, nil
	}
	fmt.Println(answer(201, `{"id":"1799"}`))
	_, err := answer(204, "")
	fmt.Println(cmkit.Classify(err), err)
	// Output:
	// 1799 <nil>
	// ambiguous cmkit: outcome unknown: HTTP 204 without the created post: no post ID in the answer
}

// retryAfter classifies a 429 with Retry-After v, read at now, and returns
// the wait and whether it was capped.
func retryAfter(t *testing.T, v string, now time.Time) (time.Duration, bool) {
	t.Helper()
	var rl *cmkit.RateLimitError
	require.ErrorAs(t, cmkit.ClassifyHTTP(429, v, now, "quota"), &rl, v)
	return rl.RetryAfter, rl.Capped
}

type retryAfterCase struct {
	value  string
	want   time.Duration
	capped bool
}

func checkRetryAfter(t *testing.T, now time.Time, cases []retryAfterCase) {
	t.Helper()
	for _, c := range cases {
		got, capped := retryAfter(t, c.value, now)
		assert.Equal(t, c.want, got, "Retry-After %q", c.value)
		assert.Equal(t, c.capped, capped, "Retry-After %q: Capped", c.value)
	}
}

var raNow = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

func TestRetryAfterForms(t *testing.T) {
	checkRetryAfter(t, raNow, []retryAfterCase{
		{"120", 2 * time.Minute, false},
		{" 5 ", 5 * time.Second, false},
		{"0", 0, false},
		{"Mon, 23 Nov 2026 09:15:00 GMT", 15 * time.Minute, false},
		{"Mon, 23 Nov 2026 08:00:00 GMT", 0, false}, // in the past
		{"Mon, 23 Nov 2026 09:00:00 GMT", 0, false}, // now
		{"soon", 0, false},
		{"", 0, false},
	})
	err := cmkit.ClassifyHTTP(422, "", raNow, "text too long")
	assert.Equal(t, "cmkit: permanent failure: HTTP 422: text too long", err.Error())
}

// Delay seconds are 1*DIGIT (RFC 9110, section 10.2.3): a sign, a fraction
// or an exponent makes the value unreadable, so zero.
func TestRetryAfterSecondsAreDigitsOnly(t *testing.T) {
	checkRetryAfter(t, raNow, []retryAfterCase{
		{"+5", 0, false},
		{"-1", 0, false},
		{"-3", 0, false},
		{"1e3", 0, false},
		{"1.5", 0, false},
		{"5 s", 0, false},
		{"0x10", 0, false},
		{"\t7\t", 7 * time.Second, false},
		{"0007", 7 * time.Second, false},
	})
}

// Seconds that overflow a time.Duration, or a uint64, are capped, never
// negative and never wrapped around.
func TestRetryAfterSecondsNeverOverflow(t *testing.T) {
	checkRetryAfter(t, raNow, []retryAfterCase{
		{"9223372036", cmkit.MaxRetryAfter, true},  // fits in a Duration
		{"9223372037", cmkit.MaxRetryAfter, true},  // was a negative wait
		{"18446744074", cmkit.MaxRetryAfter, true}, // was wrapped to a small one
		{"18446744073709551615", cmkit.MaxRetryAfter, true},
		{"18446744073709551616", cmkit.MaxRetryAfter, true}, // overflows a uint64
		{strings.Repeat("9", 400), cmkit.MaxRetryAfter, true},
	})
}

// A wait longer than MaxRetryAfter, in seconds or as a date, is cut down to
// it, and the error says so.
func TestRetryAfterIsCappedAtMaxRetryAfter(t *testing.T) {
	capSecs := int64(cmkit.MaxRetryAfter / time.Second)
	checkRetryAfter(t, raNow, []retryAfterCase{
		{strconv.FormatInt(capSecs, 10), cmkit.MaxRetryAfter, false},
		{strconv.FormatInt(capSecs+1, 10), cmkit.MaxRetryAfter, true},
		{"1700000000", cmkit.MaxRetryAfter, true}, // a Unix time sent as seconds: 54 years
		{raNow.Add(cmkit.MaxRetryAfter).Format(http.TimeFormat), cmkit.MaxRetryAfter, false},
		{raNow.Add(cmkit.MaxRetryAfter + time.Second).Format(http.TimeFormat), cmkit.MaxRetryAfter, true},
		{"Tue, 01 Jan 2080 00:00:00 GMT", cmkit.MaxRetryAfter, true},
		{"Fri, 31 Dec 9999 23:59:59 GMT", cmkit.MaxRetryAfter, true},
	})
	// Even from the zero time, where the distance overflows a Duration.
	checkRetryAfter(t, time.Time{}, []retryAfterCase{
		{"Fri, 31 Dec 9999 23:59:59 GMT", cmkit.MaxRetryAfter, true},
	})
	err := cmkit.ClassifyHTTP(429, "1700000000", raNow, "")
	assert.Equal(t, "cmkit: rate limited, retry after 24h0m0s (capped: the platform asked for longer): HTTP 429", err.Error())
}

// A recipient must accept all three HTTP-date forms (RFC 9110, section
// 5.6.7): IMF-fixdate, RFC 850 and asctime, in GMT. On these the wait
// agrees with net/http.ParseTime.
func TestRetryAfterReadsObsoleteDateForms(t *testing.T) {
	in := raNow.Add(90 * time.Minute)
	checkRetryAfter(t, raNow, []retryAfterCase{
		{in.Format(http.TimeFormat), 90 * time.Minute, false},
		{"Monday, 23-Nov-26 10:30:00 UTC", 0, false}, // HTTP dates are in GMT
		{"Monday, 23-Nov-26 10:30:00 GMT", 90 * time.Minute, false},
		{in.Format(time.ANSIC), 90 * time.Minute, false}, // Mon Nov 23 10:30:00 2026
		{"Sun Nov  6 08:49:37 1994", 0, false},           // past, asctime
		{"Sunday, 06-Nov-94 08:49:37 GMT", 0, false},     // past, RFC 850
		{"Sun, 06 Nov 1994 08:49:37 GMT", 0, false},      // past, IMF-fixdate
		{"Mon, 23 Nov 2026 10:30:00 +0000", 0, false},    // not an HTTP date
	})
	for _, v := range []string{in.Format(http.TimeFormat), "Monday, 23-Nov-26 10:30:00 GMT", in.Format(time.ANSIC)} {
		want, err := http.ParseTime(v)
		require.NoError(t, err, v)
		got, _ := retryAfter(t, v, raNow)
		assert.Equal(t, want.Sub(raNow), got, "as net/http reads %q", v)
	}
}

// An RFC 850 date has a two-digit year, read as the year with those digits
// that is in (now-50, now+50] (RFC 9110, section 5.6.7), not by a fixed
// pivot, so a date far ahead is capped and one far back is past.
func TestRetryAfterRFC850YearIsReadAgainstNow(t *testing.T) {
	checkRetryAfter(t, raNow, []retryAfterCase{
		{"Monday, 23-Nov-26 10:00:00 GMT", time.Hour, false},
		{"Thursday, 23-Nov-76 10:00:00 GMT", cmkit.MaxRetryAfter, true}, // 2076, not 1976
		{"Tuesday, 23-Nov-77 10:00:00 GMT", 0, false},                   // 1977
	})
	in2075 := time.Date(2075, 3, 1, 12, 0, 0, 0, time.UTC)
	checkRetryAfter(t, in2075, []retryAfterCase{
		{"Friday, 01-Mar-75 13:00:00 GMT", time.Hour, false},          // 2075, not 1975
		{"Friday, 01-Mar-25 13:00:00 GMT", cmkit.MaxRetryAfter, true}, // 2125, 50 years ahead
		{"Saturday, 01-Mar-26 13:00:00 GMT", 0, false},                // 2026
	})
}

// Whatever the header and the clock, the wait is never negative, never
// above MaxRetryAfter, and nothing panics; seconds and dates round-trip
// below the cap.
func FuzzClassifyHTTP(f *testing.F) {
	for _, v := range []string{"", "0", "120", " 5 ", "+5", "-1", "1e3", "9223372037", "1700000000",
		strings.Repeat("9", 40), "Mon, 23 Nov 2026 09:15:00 GMT", "Sunday, 06-Nov-94 08:49:37 GMT",
		"Sun Nov  6 08:49:37 1994", "Fri, 31 Dec 9999 23:59:59 GMT"} {
		f.Add(429, v, uint64(90), raNow.Unix())
	}
	f.Add(503, "30", uint64(1)<<63, int64(0))
	f.Add(200, "x", uint64(86401), int64(-62135596800))
	f.Fuzz(func(t *testing.T, status int, v string, secs uint64, unix int64) {
		now := time.Unix(unix, 0).UTC()
		err := cmkit.ClassifyHTTP(status, v, now, "fuzz")
		if (status >= 200 && status < 300) != (err == nil) {
			t.Fatalf("ClassifyHTTP(%d) = %v", status, err)
		}
		wait, capped := retryAfter(t, v, now)
		if wait < 0 || wait > cmkit.MaxRetryAfter {
			t.Fatalf("Retry-After %q at %s: wait %s", v, now, wait)
		}
		if capped && wait != cmkit.MaxRetryAfter {
			t.Fatalf("Retry-After %q: capped, but the wait is %s", v, wait)
		}
		want, wantCapped := cmkit.MaxRetryAfter, true
		if secs <= uint64(cmkit.MaxRetryAfter/time.Second) {
			want, wantCapped = time.Duration(secs)*time.Second, false
		}
		s := strconv.FormatUint(secs, 10)
		if got, c := retryAfter(t, s, now); got != want || c != wantCapped {
			t.Fatalf("Retry-After %q = %s (capped %v), want %s (capped %v)", s, got, c, want, wantCapped)
		}
		if now.Year() < 1 || now.Year() > 9998 {
			return // outside the four-digit years an HTTP date can write
		}
		at := now.Add(want)
		for _, layout := range []string{http.TimeFormat, time.ANSIC} {
			d := at.Format(layout)
			if got, c := retryAfter(t, d, now); got != want || c {
				t.Fatalf("Retry-After %q at %s = %s (capped %v), want %s", d, now, got, c, want)
			}
		}
	})
}
