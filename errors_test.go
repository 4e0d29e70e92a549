package cmkit_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want cmkit.Failure
	}{
		{"nil", nil, 0},
		{"transient", fmt.Errorf("x: %w", cmkit.ErrTransient), cmkit.Transient},
		{"rate limited sentinel", cmkit.ErrRateLimited, cmkit.Transient},
		{"rate limit error", &cmkit.RateLimitError{RetryAfter: time.Second}, cmkit.Transient},
		{"wrapped rate limit error", fmt.Errorf("ch: %w", &cmkit.RateLimitError{}), cmkit.Transient},
		{"ambiguous", fmt.Errorf("x: %w", cmkit.ErrAmbiguous), cmkit.Ambiguous},
		{"ambiguous wins over transient", fmt.Errorf("%w %w", cmkit.ErrTransient, cmkit.ErrAmbiguous), cmkit.Ambiguous},
		{"permanent", cmkit.ErrPermanent, cmkit.Permanent},
		{"invalid", cmkit.Invalid("text", "max_length", ""), cmkit.Permanent},
		{"forbidden", fmt.Errorf("%w: no publish", cmkit.ErrForbidden), cmkit.Permanent},
		{"not found", cmkit.ErrNotFound, cmkit.Permanent},
		{"conflict", cmkit.ErrConflict, cmkit.Permanent},
		{"unsupported", &cmkit.UnsupportedError{Channel: "c", Capability: cmkit.CapHide}, cmkit.Permanent},
		{"bare deadline", context.DeadlineExceeded, cmkit.Ambiguous},
		{"bare cancel", context.Canceled, cmkit.Ambiguous},
		{"not sent", notSent(), cmkit.Transient},
		{"unclassified", io.ErrUnexpectedEOF, cmkit.Ambiguous},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, cmkit.Classify(tc.err))
		})
	}
}

func notSent() error {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return cmkit.NotSent(ctx)
}

func TestNotSent(t *testing.T) {
	assert.NoError(t, cmkit.NotSent(context.Background()))
	err := notSent()
	assert.ErrorIs(t, err, context.Canceled, "the context's error stays reachable")
	assert.ErrorIs(t, err, cmkit.ErrTransient)
}

func TestFailureString(t *testing.T) {
	assert.Equal(t, "none", cmkit.Failure(0).String())
	assert.Equal(t, "permanent", cmkit.Permanent.String())
	assert.Equal(t, "transient", cmkit.Transient.String())
	assert.Equal(t, "ambiguous", cmkit.Ambiguous.String())
	assert.Equal(t, "Failure(9)", cmkit.Failure(9).String())
}

func TestRateLimitError(t *testing.T) {
	cause := errors.New("429 Too Many Requests")
	err := fmt.Errorf("channel acme-x: publish: %w", &cmkit.RateLimitError{RetryAfter: 90 * time.Second, Err: cause})
	assert.ErrorIs(t, err, cmkit.ErrRateLimited)
	assert.ErrorIs(t, err, cmkit.ErrTransient)
	assert.ErrorIs(t, err, cause)
	var rl *cmkit.RateLimitError
	require.ErrorAs(t, err, &rl)
	assert.Equal(t, 90*time.Second, rl.RetryAfter)
	assert.Equal(t, "channel acme-x: publish: cmkit: rate limited, retry after 1m30s: 429 Too Many Requests", err.Error())
	assert.Equal(t, "cmkit: rate limited", (&cmkit.RateLimitError{}).Error())
}

func TestValidationError(t *testing.T) {
	err := cmkit.Invalid("rules[3].pattern", "format", "unbalanced %q", "(")
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	var ve *cmkit.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "rules[3].pattern", ve.Field)
	assert.Equal(t, "format", ve.Rule)
	assert.Equal(t, `cmkit: invalid rules[3].pattern: format: unbalanced "("`, err.Error())
	assert.Equal(t, "cmkit: invalid id: required", cmkit.Invalid("id", "required", "").Error())

	joined := errors.Join(cmkit.Invalid("a", "required", ""), cmkit.Invalid("b", "format", ""))
	require.ErrorAs(t, joined, &ve)
	assert.Equal(t, "a", ve.Field, "errors.As finds the first of several")
}

func TestUnsupportedError(t *testing.T) {
	err := fmt.Errorf("inbox: %w", &cmkit.UnsupportedError{Channel: "acme-blog", Capability: cmkit.CapReadMentions, Detail: "comments are off"})
	assert.ErrorIs(t, err, cmkit.ErrUnsupported)
	assert.ErrorIs(t, err, errors.ErrUnsupported, "the standard library's sentinel holds too")
	assert.Equal(t, `inbox: cmkit: channel "acme-blog" does not support read-mentions: comments are off`, err.Error())
	assert.ErrorIs(t, cmkit.ErrUnsupported, errors.ErrUnsupported)
	assert.Equal(t, "cmkit: unsupported", cmkit.ErrUnsupported.Error())
}

func TestSentinelsAreDistinct(t *testing.T) {
	all := []error{cmkit.ErrNotFound, cmkit.ErrConflict, cmkit.ErrForbidden, cmkit.ErrInvalid,
		cmkit.ErrUnsupported, cmkit.ErrTransient, cmkit.ErrAmbiguous, cmkit.ErrPermanent}
	for i, a := range all {
		for j, b := range all {
			if i != j {
				assert.False(t, errors.Is(a, b), "%v must not be %v", a, b)
			}
		}
	}
}

func TestErrorfReadsTheClassOnce(t *testing.T) {
	err := cmkit.Errorf(cmkit.ErrNotFound, "roles: member %q not found", "ola")
	assert.EqualError(t, err, `roles: member "ola" not found`)
	assert.ErrorIs(t, err, cmkit.ErrNotFound)
	assert.NotErrorIs(t, err, cmkit.ErrConflict)
	assert.Equal(t, cmkit.Permanent, cmkit.Classify(err))

	wrapped := fmt.Errorf("calendar: approve: %w", err)
	assert.EqualError(t, wrapped, `calendar: approve: roles: member "ola" not found`)
	assert.ErrorIs(t, wrapped, cmkit.ErrNotFound)
}

func TestErrorfKeepsWrappedCauses(t *testing.T) {
	err := cmkit.Errorf(cmkit.ErrAmbiguous, "publish: %w", context.DeadlineExceeded)
	assert.EqualError(t, err, "publish: context deadline exceeded")
	assert.ErrorIs(t, err, cmkit.ErrAmbiguous)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	rl := &cmkit.RateLimitError{RetryAfter: time.Minute}
	err = cmkit.Errorf(cmkit.ErrTransient, "publish: %w", rl)
	var got *cmkit.RateLimitError
	require.ErrorAs(t, err, &got)
	assert.Same(t, rl, got)
}

func TestErrorfWithoutClassIsFmtErrorf(t *testing.T) {
	err := cmkit.Errorf(nil, "x: %w", io.EOF)
	assert.EqualError(t, err, "x: EOF")
	assert.ErrorIs(t, err, io.EOF)
	assert.Equal(t, cmkit.Ambiguous, cmkit.Classify(err))
}
