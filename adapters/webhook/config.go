package webhook

import (
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/cmkit/cmkit"
)

// The environment variables FromEnv reads.
const (
	// EnvURL names the endpoint's URL.
	EnvURL = "WEBHOOK_URL"
	// EnvSecret names the current signing secret.
	EnvSecret = "WEBHOOK_SECRET"
	// EnvSecretPrevious names the previous secret, set only during a key
	// rotation.
	EnvSecretPrevious = "WEBHOOK_SECRET_PREVIOUS"
)

// MinSecretLen is the shortest secret accepted, in bytes: 16 random bytes
// are 128 bits, out of reach of guessing.
const MinSecretLen = 16

// DefaultTimeout bounds one request when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Config configures a Channel. URL and Secret are required; FromEnv fills
// them from the environment.
type Config struct {
	// Info describes the channel. Info.ID and Info.Platform are required
	// (a company names its own platform: cmkit.Platform("intranet")).
	// Leave Info.RetrySafety zero: New sets it from Promise.
	Info cmkit.ChannelInfo
	// Promise is what the endpoint promises about retries (see doc.go,
	// Idempotency); the zero value is the full contract, PromiseIdempotent.
	Promise Promise
	// URL is the endpoint: https, or http for a loopback host. It is
	// treated as a secret (it may carry a token): errors name only its
	// scheme and host.
	URL string
	// Secret is the current signing secret, at least MinSecretLen bytes.
	Secret string
	// PreviousSecret, during a key rotation, is the secret being retired:
	// each request then carries two signatures, so a receiver that knows
	// either secret accepts it. Leave it empty otherwise.
	PreviousSecret string
	// Timeout bounds each request, on top of the caller's context.
	// Default: DefaultTimeout.
	Timeout time.Duration
	// Client sends the requests. Default: a client that follows no
	// redirects (a redirected POST would be sent again, or lost).
	Client *http.Client
	// Clock stamps requests and receipts. Default: cmkit.SystemClock().
	Clock cmkit.Clock
}

// FromEnv returns a Config with URL, Secret and PreviousSecret read from
// WEBHOOK_URL, WEBHOOK_SECRET and WEBHOOK_SECRET_PREVIOUS, and info. It
// does not validate; New does.
func FromEnv(info cmkit.ChannelInfo) Config {
	return Config{Info: info, URL: os.Getenv(EnvURL), Secret: os.Getenv(EnvSecret),
		PreviousSecret: os.Getenv(EnvSecretPrevious)}
}

// Promise is what a company's endpoint promises about a post sent twice,
// and so the channel's cmkit.RetrySafety.
type Promise int

// The promises an endpoint may make.
const (
	// PromiseIdempotent: the endpoint publishes each idempotency key (post
	// ID) once, also for requests that overlap, and answers a repeat with
	// the first post's platform ID. The channel declares
	// cmkit.RetryIdempotent. This is the contract of doc.go.
	PromiseIdempotent Promise = iota
	// PromiseLookup: the endpoint may publish a repeat twice, but answers
	// GET ?idempotency_key= truthfully. The channel declares
	// cmkit.RetryAfterLookup and sends no Idempotency-Key header.
	PromiseLookup
	// PromiseNone: neither. The channel declares cmkit.RetryUnsafe, and an
	// ambiguous failure waits for a person.
	PromiseNone
)

// retrySafety is the cmkit.RetrySafety that p gives, and false for an
// unknown p.
func (p Promise) retrySafety() (cmkit.RetrySafety, bool) {
	switch p {
	case PromiseIdempotent:
		return cmkit.RetryIdempotent, true
	case PromiseLookup:
		return cmkit.RetryAfterLookup, true
	case PromiseNone:
		return cmkit.RetryUnsafe, true
	}
	return 0, false
}

// checkSecret reports a secret too short to sign with, naming field. The
// error never quotes the secret.
func checkSecret(field, s string) error {
	if s == "" {
		return cmkit.Invalid(field, "required", "")
	}
	if len(s) < MinSecretLen {
		return cmkit.Invalid(field, "min_length", "want at least %d bytes, got %d", MinSecretLen, len(s))
	}
	return nil
}

// checkURL parses the endpoint, which must be absolute https, or http on a
// loopback host (tests, a sidecar). The error never quotes the URL.
func checkURL(raw string) (*url.URL, error) {
	if raw == "" {
		return nil, cmkit.Invalid("URL", "required", "")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return nil, cmkit.Invalid("URL", "format", "want an absolute http(s) URL without user info")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if h := u.Hostname(); h != "localhost" && h != "127.0.0.1" && h != "::1" {
			return nil, cmkit.Invalid("URL", "scheme", "http only for a loopback host; use https")
		}
	default:
		return nil, cmkit.Invalid("URL", "scheme", "want https")
	}
	if u.Fragment != "" {
		return nil, cmkit.Invalid("URL", "format", "a fragment is not sent")
	}
	return u, nil
}
