package cmkit

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// sentinel is an error value that may itself wrap a wider one, so that
// errors.Is(ErrRateLimited, ErrTransient) and
// errors.Is(ErrUnsupported, errors.ErrUnsupported) both hold.
type sentinel struct {
	msg   string
	wider error
}

func (s *sentinel) Error() string { return s.msg }
func (s *sentinel) Unwrap() error { return s.wider }

// The sentinel errors every cmkit package, store and adapter wraps. Compare
// with errors.Is, never by message text.
var (
	// ErrNotFound means the item asked for does not exist (or is not visible
	// to the caller).
	ErrNotFound = errors.New("cmkit: not found")

	// ErrConflict means a write conflicts with the current state: the
	// version it was based on is no longer the current one, the item
	// already exists, or the change would break an invariant (removing a
	// brand's last manager). Nothing was written; re-read and decide again.
	ErrConflict = errors.New("cmkit: conflict")

	// ErrForbidden means the acting member lacks a permission. The error
	// that wraps it says which permission, on which scope, and why.
	ErrForbidden = errors.New("cmkit: forbidden")

	// ErrInvalid means the input breaks a rule. It is usually wrapped by a
	// *ValidationError that names the field and the rule. Nothing was
	// changed.
	ErrInvalid = errors.New("cmkit: invalid")

	// ErrUnsupported means a channel (or a store) cannot do what was asked:
	// it lacks the capability, or has it but not for this account or kind
	// of post. errors.Is(err, errors.ErrUnsupported) holds for it as well.
	ErrUnsupported error = &sentinel{"cmkit: unsupported", errors.ErrUnsupported}

	// ErrTransient classifies a failure that certainly did not apply the
	// operation (the platform answered 429 or 503, or the request never
	// left): retrying later is safe. See Classify.
	ErrTransient = errors.New("cmkit: transient failure")

	// ErrRateLimited means a rate limit was hit. It is a transient failure:
	// errors.Is(ErrRateLimited, ErrTransient) holds. Adapters return a
	// *RateLimitError, which wraps it and says how long to wait.
	ErrRateLimited error = &sentinel{"cmkit: rate limited", ErrTransient}

	// ErrAmbiguous classifies a failure whose outcome is unknown: the
	// request was sent, then the connection broke or the deadline passed,
	// so the platform may or may not have applied it. Retrying a publish
	// after it can double-post unless the channel's RetrySafety says
	// otherwise. See Classify.
	ErrAmbiguous = errors.New("cmkit: outcome unknown")

	// ErrPermanent classifies a failure that retrying will not fix (the
	// platform rejected the content, the token was revoked, the account was
	// suspended). See Classify.
	ErrPermanent = errors.New("cmkit: permanent failure")
)

// Failure says what a failed call means for a retry. Adapters make the class
// explicit by wrapping ErrTransient, ErrAmbiguous or ErrPermanent (or another
// sentinel that implies one, see Classify); services read it with Classify.
type Failure int

// The failure classes. The zero Failure means "no failure" (a nil error).
const (
	// Permanent: the operation was not applied and retrying will not help.
	Permanent Failure = iota + 1
	// Transient: the operation was certainly not applied; retry later.
	Transient
	// Ambiguous: the operation may or may not have been applied.
	Ambiguous
)

// String returns "permanent", "transient", "ambiguous", or "none" for the
// zero Failure.
func (f Failure) String() string {
	switch f {
	case 0:
		return "none"
	case Permanent:
		return "permanent"
	case Transient:
		return "transient"
	case Ambiguous:
		return "ambiguous"
	}
	return fmt.Sprintf("Failure(%d)", int(f))
}

// Classify reports what err means for a retry. It returns the zero Failure
// for a nil error and otherwise decides by the first rule that matches:
//
//  1. ErrAmbiguous anywhere in the chain: Ambiguous (the safe answer wins).
//  2. ErrTransient (which ErrRateLimited and *RateLimitError imply): Transient.
//  3. ErrPermanent, ErrInvalid, ErrForbidden, ErrNotFound, ErrConflict or
//     ErrUnsupported: Permanent.
//  4. context.Canceled or context.DeadlineExceeded alone: Ambiguous, since
//     the request may already have been sent. An adapter that knows it
//     never sent the request wraps ErrTransient as well.
//  5. Anything else: Ambiguous. An unclassified error is treated as "may
//     have been applied", so that nothing is ever published twice because
//     an adapter forgot to classify a failure.
func Classify(err error) Failure {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, ErrAmbiguous):
		return Ambiguous
	case errors.Is(err, ErrTransient):
		return Transient
	case errors.Is(err, ErrPermanent), errors.Is(err, ErrInvalid),
		errors.Is(err, ErrForbidden), errors.Is(err, ErrNotFound),
		errors.Is(err, ErrConflict), errors.Is(err, ErrUnsupported):
		return Permanent
	}
	return Ambiguous
}

// RateLimitError is the error an adapter returns when the platform refused a
// call because of a rate limit (an HTTP 429, or a quota header at zero). It
// is transient and certainly not applied: errors.Is(err, ErrRateLimited) and
// errors.Is(err, ErrTransient) both hold. Reach it with errors.As to read
// RetryAfter.
type RateLimitError struct {
	// RetryAfter is how long to wait before the next call, as the platform
	// said (Retry-After, x-rate-limit-reset), between 0 and MaxRetryAfter:
	// ClassifyHTTP caps it, an adapter that builds the error itself must
	// too, and cmkittest.TestChannel checks.
	//
	// Zero means the platform named no wait: no header, "0", a value that
	// is neither a number of seconds nor an HTTP date, or a date not after
	// now. It does not mean "retry at once": a caller waits by its own
	// backoff, as after any transient failure.
	RetryAfter time.Duration
	// Capped reports that the platform asked for a longer wait than
	// MaxRetryAfter, and RetryAfter was cut down to it.
	Capped bool
	// Err is the underlying error, if any. It must not carry credentials.
	Err error
}

// Error describes the limit, the wait, and whether the wait was capped.
func (e *RateLimitError) Error() string {
	var b strings.Builder
	b.WriteString("cmkit: rate limited")
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, ", retry after %s", e.RetryAfter)
	}
	if e.Capped {
		b.WriteString(" (capped: the platform asked for longer)")
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns ErrRateLimited and, when set, Err.
func (e *RateLimitError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrRateLimited}
	}
	return []error{ErrRateLimited, e.Err}
}

// ValidationError says which rule an input broke. It wraps ErrInvalid.
// Several of them are combined with errors.Join; errors.As finds the first.
type ValidationError struct {
	// Field names the offending input: a struct field ("Text"), a path into
	// a document ("rules[3].pattern") or a CSV position ("line 12, column
	// channel").
	Field string
	// Rule names the rule that failed, as a short stable token callers may
	// switch on: "required", "max_length", "format", "unknown", ...
	Rule string
	// Detail explains the failure to a person; it may be empty.
	Detail string
}

// Error reads "cmkit: invalid FIELD: RULE: DETAIL".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("cmkit: invalid ")
	b.WriteString(e.Field)
	b.WriteString(": ")
	b.WriteString(e.Rule)
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(e.Detail)
	}
	return b.String()
}

// Unwrap returns ErrInvalid.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Invalid returns a *ValidationError for field and rule, with an optional
// detail built like fmt.Sprintf. It is shorthand for the struct literal.
func Invalid(field, rule, format string, args ...any) error {
	return &ValidationError{Field: field, Rule: rule, Detail: fmt.Sprintf(format, args...)}
}

// UnsupportedError reports that a channel lacks a capability, or cannot use
// it for this call. It wraps ErrUnsupported (and so errors.ErrUnsupported).
type UnsupportedError struct {
	// Channel is the ID of the channel that was asked.
	Channel string
	// Capability is what it was asked to do.
	Capability Capability
	// Detail optionally says why ("personal accounts have no insights").
	Detail string
}

// Error reads "cmkit: channel C does not support CAPABILITY: DETAIL".
func (e *UnsupportedError) Error() string {
	s := fmt.Sprintf("cmkit: channel %q does not support %s", e.Channel, e.Capability)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap returns ErrUnsupported.
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// Errorf returns an error of the given class whose message is format
// formatted with args, as fmt.Errorf formats it: errors.Is(err, class)
// holds, and so does errors.Is for each error that format wraps with %w.
// The message is the whole text: the class is not added to it, so that it
// reads once, in the message's own words:
//
//	cmkit.Errorf(cmkit.ErrNotFound, "roles: member %q not found", id)
//
// reads `roles: member "ola" not found`, where wrapping the sentinel with
// fmt.Errorf would have added ": cmkit: not found". class is one of the
// sentinel errors; a nil class makes Errorf the same as fmt.Errorf.
func Errorf(class error, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	if class == nil {
		return err
	}
	e := &classError{msg: err.Error(), class: class}
	switch err.(type) {
	case interface{ Unwrap() error }, interface{ Unwrap() []error }:
		e.cause = err // format wrapped an error with %w
	}
	return e
}

// classError is an error of one class whose message says so in its own
// words; see Errorf.
type classError struct {
	msg   string
	class error
	cause error // the fmt.Errorf error, when format wrapped one with %w
}

func (e *classError) Error() string { return e.msg }

func (e *classError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.class}
	}
	return []error{e.class, e.cause}
}

// NotSent returns nil while ctx is live, and otherwise ctx.Err() wrapped with
// ErrTransient. Adapters call it before sending a request: a request that
// was never sent certainly was not applied, so Classify reports Transient
// and errors.Is(err, context.Canceled) still holds.
func NotSent(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrTransient, err)
	}
	return nil
}
