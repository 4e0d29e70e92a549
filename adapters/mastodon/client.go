package mastodon

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/cmkit/cmkit"
)

// maxErrorBody caps how much of an error body is read, and maxDetail how
// much of its message an error repeats.
const (
	maxErrorBody = 4 << 10
	maxDetail    = 200
)

// call is one API request.
type call struct {
	method, path string
	query        url.Values
	body         any    // JSON-encoded when not nil
	idemKey      string // Idempotency-Key, for POST /api/v1/statuses
}

// answer is what do returns for a 2xx response.
type answer struct {
	link string // the Link header
}

// do sends c and decodes a 2xx JSON answer into out (when not nil). Any
// other outcome is a classified error: cmkit.NotSent before sending,
// cmkit.ClassifyTransport for no answer, and for an HTTP status
// cmkit.ClassifyHTTP (a 429 becomes a *cmkit.RateLimitError whose wait
// comes from Retry-After or X-RateLimit-Reset). A GET that failed changed
// nothing, so its failures are transient where a write's would be
// ambiguous. No error carries the token.
func (ch *Channel) do(ctx context.Context, c call, out any) (answer, error) {
	if err := cmkit.NotSent(ctx); err != nil {
		return answer{}, err
	}
	u := *ch.base
	u.Path = strings.TrimRight(u.Path, "/") + c.path
	u.RawQuery = c.query.Encode()
	var body io.Reader
	var payload []byte
	if c.body != nil {
		var err error
		if payload, err = json.Marshal(c.body); err != nil {
			return answer{}, fmt.Errorf("%w: mastodon: encoding %s %s: %w", cmkit.ErrPermanent, c.method, c.path, err)
		}
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, u.String(), body)
	if err != nil {
		return answer{}, fmt.Errorf("%w: mastodon: %s %s: %s", cmkit.ErrPermanent, c.method, c.path, ch.redact(err.Error()))
	}
	// net/http resends a request carrying an Idempotency-Key by itself when
	// a kept-alive connection breaks, if it can rewind the body. Mastodon
	// may still be creating the first status then (the key is stored only
	// afterwards), so the resend could post twice: forbid it.
	req.GetBody = nil
	req.Header.Set("Authorization", "Bearer "+ch.token)
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.idemKey != "" {
		req.Header.Set("Idempotency-Key", c.idemKey)
	}
	resp, err := ch.http.Do(req)
	if err != nil {
		ch.log.LogAttrs(ctx, slog.LevelDebug, "mastodon request failed", slog.String("method", c.method), slog.String("path", c.path))
		if c.method == http.MethodGet {
			// A read that got no answer changed nothing: retrying is safe.
			return answer{}, ch.redactErr(fmt.Errorf("%w: mastodon: %s %s: %w", cmkit.ErrTransient, c.method, c.path, err))
		}
		return answer{}, ch.redactErr(fmt.Errorf("mastodon: %s %s: %w", c.method, c.path, cmkit.ClassifyTransport(err)))
	}
	defer resp.Body.Close()
	ch.log.LogAttrs(ctx, slog.LevelDebug, "mastodon request", slog.String("method", c.method), slog.String("path", c.path),
		slog.Int("status", resp.StatusCode))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return answer{}, ch.statusError(c, resp)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			// The platform answered 2xx: a write was applied, and what it
			// said is lost; a read can simply be made again.
			class := cmkit.ErrAmbiguous
			if c.method == http.MethodGet {
				class = cmkit.ErrTransient
			}
			return answer{}, ch.redactErr(fmt.Errorf("%w: mastodon: %s %s: reading the answer: %w", class, c.method, c.path, err))
		}
	}
	return answer{link: resp.Header.Get("Link")}, nil
}

// statusError classifies a non-2xx answer with cmkit.ClassifyHTTP, adding
// Mastodon's {"error": "..."} message (without the token).
func (ch *Channel) statusError(c call, resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var body struct {
		Error string `json:"error"`
	}
	detail := ""
	if json.Unmarshal(raw, &body) == nil {
		detail = body.Error
	}
	detail = ch.redact(detail)
	if len(detail) > maxDetail {
		detail = strings.ToValidUTF8(detail[:maxDetail], "") + "…"
	}
	now := ch.clock.Now()
	wait := resp.Header.Get("Retry-After")
	if resp.StatusCode == http.StatusTooManyRequests && wait == "" {
		wait = resetWait(resp.Header.Get("X-RateLimit-Reset"), now)
	}
	code := resp.StatusCode
	if c.method == http.MethodGet && (code == http.StatusRequestTimeout || code >= 500) {
		// ClassifyHTTP calls these ambiguous, since a write may have been
		// applied; a read changed nothing, so for it they are transient.
		code = http.StatusServiceUnavailable
	}
	err := cmkit.ClassifyHTTP(code, wait, now, detail)
	if code != resp.StatusCode {
		err = fmt.Errorf("%w (HTTP %d)", err, resp.StatusCode)
	}
	return fmt.Errorf("mastodon: %s %s: %w", c.method, c.path, err)
}

// resetWait turns X-RateLimit-Reset, the ISO 8601 time at which the limit
// resets (docs.joinmastodon.org/api/rate-limits), into whole seconds from
// now, rounded up, for ClassifyHTTP; "" when it is absent or unreadable.
func resetWait(reset string, now time.Time) string {
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(reset))
	if err != nil || !t.After(now) {
		return ""
	}
	secs := math.Ceil(t.Sub(now).Seconds())
	return strconv.FormatFloat(secs, 'f', 0, 64)
}

// redact removes the token from s, also in its URL-escaped forms.
func (ch *Channel) redact(s string) string {
	for _, form := range ch.secretForms {
		s = strings.ReplaceAll(s, form, "[REDACTED]")
	}
	return s
}

// redactErr returns err with the token removed from its message; errors.Is
// and errors.As still reach every cause.
func (ch *Channel) redactErr(err error) error {
	msg := err.Error()
	if clean := ch.redact(msg); clean != msg {
		return &redactedError{msg: clean, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// nextMaxID reads the max_id of the rel="next" link of a Link header
// (docs.joinmastodon.org/api/guidelines/#pagination), and "" when there is
// none.
func nextMaxID(link string) string {
	for part := range strings.SplitSeq(link, ",") {
		target, params, ok := strings.Cut(part, ";")
		if !ok || !strings.Contains(params, `rel="next"`) {
			continue
		}
		target = strings.Trim(strings.TrimSpace(target), "<>")
		u, err := url.Parse(target)
		if err != nil {
			return ""
		}
		return u.Query().Get("max_id")
	}
	return ""
}

// isNotFound reports whether err says the item asked for does not exist.
func isNotFound(err error) bool { return errors.Is(err, cmkit.ErrNotFound) }
