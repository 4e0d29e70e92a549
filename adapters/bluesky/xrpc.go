package bluesky

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cmkit/cmkit"
)

// maxErrorBody is how much of an error answer the client reads.
const maxErrorBody = 64 << 10

// client speaks XRPC (atproto.com/specs/xrpc) to one PDS for one account:
// queries are GET /xrpc/NSID?params, procedures POST /xrpc/NSID with a
// JSON body, errors are a JSON body {"error": Name, "message": text}.
type client struct {
	base     string // the PDS, without a trailing slash
	http     *http.Client
	handle   string
	password string
	clock    cmkit.Clock
	log      *slog.Logger

	login chan struct{} // a one-slot semaphore held while logging in

	mu      sync.Mutex
	sess    session
	gen     uint64   // counts sessions made, so a stale refresh is skipped
	secrets []string // every credential seen, for redaction
}

// session is what createSession and refreshSession answer
// (lexicons/com/atproto/server/createSession.json).
type session struct {
	AccessJwt  string `json:"accessJwt"`
	RefreshJwt string `json:"refreshJwt"`
	Handle     string `json:"handle"`
	DID        string `json:"did"`
}

// xrpcError is an XRPC error answer: the HTTP status and the body's error
// name and message (the message redacted).
type xrpcError struct {
	Status  int
	Name    string
	Message string
}

func (e *xrpcError) Error() string {
	if e.Message == "" {
		return e.Name
	}
	return e.Name + ": " + e.Message
}

func newClient(base string, hc *http.Client, handle, password string, clock cmkit.Clock, log *slog.Logger) *client {
	return &client{base: strings.TrimRight(base, "/"), http: hc, handle: handle, password: password, clock: clock, log: log,
		login: make(chan struct{}, 1), secrets: []string{password}}
}

// redact replaces every credential the client knows (the app password and
// each access and refresh token it was given) in s, as written, JSON-quoted
// and URL-escaped.
func (c *client) redact(s string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, sec := range c.secrets {
		if sec == "" {
			continue
		}
		q := strconv.Quote(sec)
		for _, form := range []string{sec, q[1 : len(q)-1], url.QueryEscape(sec), url.PathEscape(sec)} {
			s = strings.ReplaceAll(s, form, "[REDACTED]")
		}
	}
	return s
}

// redactedError is a transport error with credentials removed from its
// message. It does not keep the original error, whose text (a proxy's
// message, a URL) may hold them: it unwraps only to the failure class
// (cmkit.ErrTransient or cmkit.ErrAmbiguous) and to context.Canceled or
// context.DeadlineExceeded when the context ended the call.
type redactedError struct {
	msg    string
	causes []error
}

func (e *redactedError) Error() string   { return e.msg }
func (e *redactedError) Unwrap() []error { return e.causes }

// transportError classifies err, the error of a request that got no
// usable answer, with cmkit.ClassifyTransport and hides its credentials.
func (c *client) transportError(prefix string, err error) error {
	cerr := cmkit.ClassifyTransport(err)
	e := &redactedError{msg: prefix + c.redact(cerr.Error())}
	for _, cause := range []error{cmkit.ErrTransient, cmkit.ErrAmbiguous, cmkit.ErrPermanent, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(cerr, cause) {
			e.causes = append(e.causes, cause)
		}
	}
	return e
}

// maxRenewals is how many times one call renews an expired session
// before it gives up with a transient error.
const maxRenewals = 3

// noBody, as the input of call or do, makes a POST without a body: a
// procedure without input, such as refreshSession, must have none (the
// PDS refuses "A request body was provided when none was expected",
// packages/xrpc-server/src/util.ts).
type noBody struct{}

// call makes one XRPC call: GET when in is nil, POST without a body when
// it is noBody{}, POST of in as JSON otherwise; it decodes a 2xx answer
// into out (when not nil). With auth it sends the session's access token,
// logging in first when there is no session, and when the PDS answers
// ExpiredToken it refreshes the session and makes the call once more: the
// PDS checks the token before the call does anything
// (packages/pds/src/auth-verifier.ts), so the call is neither lost nor
// doubled.
//
// Every error is classified (see cmkit.Classify) and free of credentials.
func (c *client) call(ctx context.Context, nsid string, q url.Values, in, out any, auth bool) error {
	for attempt := 0; ; attempt++ {
		var tok string
		var gen uint64
		if auth {
			var err error
			if tok, gen, err = c.token(ctx); err != nil {
				return err
			}
		}
		err := c.do(ctx, nsid, q, in, out, "Bearer "+tok, auth)
		var xe *xrpcError
		// Another call may have refreshed the session before this one met
		// the expired token, and the new token may have expired since:
		// refresh again, a few times at most.
		if auth && attempt < maxRenewals && errors.As(err, &xe) && xe.Name == "ExpiredToken" {
			if err := c.renew(ctx, gen); err != nil {
				return err
			}
			continue
		}
		return err
	}
}

// do sends one request and classifies its answer.
func (c *client) do(ctx context.Context, nsid string, q url.Values, in, out any, authz string, withAuth bool) error {
	if err := cmkit.NotSent(ctx); err != nil {
		return fmt.Errorf("bluesky: %s: %w", nsid, err)
	}
	now := c.clock.Now()
	u := c.base + "/xrpc/" + nsid
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	method, body := http.MethodGet, io.Reader(nil)
	if _, ok := in.(noBody); ok {
		method = http.MethodPost
	} else if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return cmkit.Errorf(cmkit.ErrInvalid, "bluesky: %s: encoding the request: %v", nsid, err)
		}
		method, body = http.MethodPost, bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return cmkit.Errorf(cmkit.ErrInvalid, "bluesky: %s: %s", nsid, c.redact(err.Error()))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if withAuth {
		req.Header.Set("Authorization", authz)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportError("bluesky: "+nsid+": ", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		if out == nil {
			_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrorBody))
			return nil
		}
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			// The call was accepted, but its answer is unreadable.
			return c.transportError(fmt.Sprintf("bluesky: %s: HTTP %d with an unreadable answer: ", nsid, resp.StatusCode), err)
		}
		return nil
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	xe := &xrpcError{Status: resp.StatusCode}
	var eb struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(raw, &eb) == nil {
		xe.Name, xe.Message = eb.Error, c.redact(eb.Message)
	}
	if xe.Name == "" {
		xe.Name = http.StatusText(resp.StatusCode)
	}
	xe.Name = c.redact(xe.Name)
	return c.classify(nsid, xe, resp.Header, now)
}

// classify maps an XRPC error onto cmkit's classes: by its error name
// where the name says more than the status (RecordNotFound, ExpiredToken,
// ...), and otherwise by cmkit.ClassifyHTTP. A 429 becomes a
// *cmkit.RateLimitError whose RetryAfter is read from Retry-After or, as
// the PDS sends it, RateLimit-Reset (Unix seconds,
// packages/xrpc-server/src/rate-limiter-http.ts).
func (c *client) classify(nsid string, xe *xrpcError, h http.Header, now time.Time) error {
	detail := nsid + ": " + xe.Error()
	var class error
	switch xe.Name {
	case "RecordNotFound", "HandleNotFound", "NotFound", "ProfileNotFound", "AccountNotFound":
		class = cmkit.ErrNotFound
	case "ExpiredToken":
		// Refused before the call did anything; a fresh session (the
		// next try refreshes it) lets it through.
		class = cmkit.ErrTransient
	case "InvalidToken", "AuthMissing", "AuthenticationRequired", "AccountTakedown",
		"AccountDeactivated", "AuthFactorTokenRequired":
		class = cmkit.ErrForbidden
	}
	if class != nil {
		return &apiError{class: cmkit.Errorf(class, "bluesky: HTTP %d: %s", xe.Status, detail), xe: xe}
	}
	retryAfter := h.Get("Retry-After")
	if xe.Status == http.StatusTooManyRequests {
		if retryAfter == "" {
			if reset, err := strconv.ParseInt(h.Get("RateLimit-Reset"), 10, 64); err == nil {
				retryAfter = strconv.FormatInt(max(reset-now.Unix(), 0), 10)
			}
		}
		// Name the limit that was hit, as the PDS describes it.
		for _, k := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"} {
			if v := h.Get(k); v != "" {
				detail += "; " + k + " " + c.redact(v)
			}
		}
	}
	err := cmkit.ClassifyHTTP(xe.Status, retryAfter, now, "bluesky: "+detail)
	var rl *cmkit.RateLimitError
	if errors.As(err, &rl) {
		c.log.Debug("bluesky: rate limited", "nsid", nsid, "retry_after", rl.RetryAfter)
	}
	return &apiError{class: err, xe: xe}
}

// apiError is a classified XRPC error: its message is the classified
// error's, and errors.As reaches the *xrpcError as well.
type apiError struct {
	class error
	xe    *xrpcError
}

func (e *apiError) Error() string   { return e.class.Error() }
func (e *apiError) Unwrap() []error { return []error{e.class, e.xe} }

// token returns the access token, logging in first when there is no
// session, and the session's generation.
func (c *client) token(ctx context.Context) (string, uint64, error) {
	c.mu.Lock()
	tok, gen := c.sess.AccessJwt, c.gen
	c.mu.Unlock()
	if tok != "" {
		return tok, gen, nil
	}
	if err := c.renew(ctx, gen); err != nil {
		return "", 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sess.AccessJwt, c.gen, nil
}

// did returns the account's DID, logging in first when needed.
func (c *client) did(ctx context.Context) (string, error) {
	if _, _, err := c.token(ctx); err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sess.DID, nil
}

// renew replaces the session of generation gen: with refreshSession when
// there is a refresh token, and with createSession (handle and app
// password) when there is none or the PDS refuses it. When another call
// has already replaced that session, renew does nothing, so that many
// calls that meet one expired token refresh it once.
func (c *client) renew(ctx context.Context, gen uint64) error {
	select {
	case c.login <- struct{}{}:
	case <-ctx.Done():
		return fmt.Errorf("bluesky: waiting to log in: %w", cmkit.NotSent(ctx))
	}
	defer func() { <-c.login }()
	c.mu.Lock()
	current, refresh := c.gen, c.sess.RefreshJwt
	c.mu.Unlock()
	if current != gen {
		return nil
	}
	var s session
	if refresh != "" {
		err := c.do(ctx, "com.atproto.server.refreshSession", nil, noBody{}, &s, "Bearer "+refresh, true)
		if err == nil && s.AccessJwt != "" {
			c.setSession(s, "refreshed")
			return nil
		}
		var xe *xrpcError
		if err != nil && !(errors.As(err, &xe) && xe.Status >= 400 && xe.Status < 500 && xe.Status != 429) {
			return err // no answer, a 5xx or a rate limit: try again later
		}
		// The refresh token expired or was revoked (or the answer held no
		// token): log in again.
	}
	in := map[string]string{"identifier": c.handle, "password": c.password}
	if err := c.do(ctx, "com.atproto.server.createSession", nil, in, &s, "", false); err != nil {
		return err
	}
	if s.AccessJwt == "" || s.DID == "" {
		return cmkit.Errorf(cmkit.ErrPermanent, "bluesky: createSession answered no token or DID")
	}
	c.setSession(s, "created")
	return nil
}

// maxSecrets bounds how many credentials the client remembers for
// redaction: the password and the last few tokens.
const maxSecrets = 16

func (c *client) setSession(s session, how string) {
	c.mu.Lock()
	c.sess = s
	c.gen++
	c.secrets = append(c.secrets, s.AccessJwt, s.RefreshJwt)
	if len(c.secrets) > maxSecrets {
		c.secrets = append(c.secrets[:1], c.secrets[len(c.secrets)-maxSecrets+1:]...)
	}
	c.mu.Unlock()
	c.log.Debug("bluesky: session "+how, "did", s.DID, "handle", s.Handle)
}
