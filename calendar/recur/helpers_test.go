package recur_test

// Helpers the tests of this package share.

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/calendar/recur"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	require.NoError(t, err)
	return loc
}

func wall(t testing.TB, s string) recur.WallTime {
	t.Helper()
	w, err := recur.ParseWallTime(s)
	require.NoError(t, err)
	return w
}

func mustRule(t testing.TB, s string) recur.RRule {
	t.Helper()
	r, err := recur.ParseRRule(s)
	require.NoError(t, err, s)
	return r
}

// stamp renders an instant as local wall time with its offset, and in UTC,
// so that a table shows both what people see and the instant.
func stamp(t time.Time) string {
	return t.Format("2006-01-02 15:04 -0700") + " = " + t.UTC().Format("15:04Z")
}

// collect expands rec over [from, to) and renders at most n occurrences.
func collect(rec *recur.Recurrence, from, to time.Time, n int) []string {
	var out []string
	for o := range rec.Occurrences(from, to) {
		if len(out) == n {
			break
		}
		out = append(out, stamp(o.At))
	}
	return out
}

func assertInvalid(t *testing.T, err error, field, rule string) {
	t.Helper()
	require.ErrorIs(t, err, cmkit.ErrInvalid)
	var ve *cmkit.ValidationError
	require.True(t, errors.As(err, &ve), "%v", err)
	assert.Equal(t, field, ve.Field, "%v", err)
	assert.Equal(t, rule, ve.Rule, "%v", err)
}

// jsonRoundTrip unmarshals data into a T and, when that succeeds, checks
// that marshalling it and reading the result back gives the same JSON.
func jsonRoundTrip[T any](t *testing.T, data string) (T, bool) {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(data), &v); err != nil {
		return v, false
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("Marshal after Unmarshal(%q): %v", data, err)
	}
	var back T
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("Unmarshal(Marshal(%q)) = %v; JSON %s", data, err, out)
	}
	if again, _ := json.Marshal(back); string(again) != string(out) {
		t.Fatalf("JSON round trip: %s != %s", again, out)
	}
	return v, true
}

// intList returns "lo,lo+1,...,hi".
func intList(lo, hi int) string {
	var parts []string
	for i := lo; i <= hi; i++ {
		parts = append(parts, fmt.Sprint(i))
	}
	return strings.Join(parts, ",")
}

var (
	winFrom = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
	winTo   = time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC)
)
