package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// DefaultTolerance is how far a request's timestamp may be from the
// receiver's clock, either way, before the request is refused.
const DefaultTolerance = 5 * time.Minute

// DefaultMaxBody is the largest request body a Receiver reads (1 MiB): a
// post's text and media references are far smaller.
const DefaultMaxBody = 1 << 20

// ReceiverConfig configures a Receiver. Only Secrets is required.
type ReceiverConfig struct {
	// Secrets are the active secrets, one or two: the current one, and
	// during a key rotation the other. A request signed with either passes.
	Secrets []string
	// Tolerance is how far a timestamp may be from now, either way.
	// Default: DefaultTolerance.
	Tolerance time.Duration
	// MaxBody is the largest body read, in bytes; a larger one gets 413.
	// Default: DefaultMaxBody.
	MaxBody int64
	// Seen, when set, refuses a request seen before within the tolerance
	// window (an exact copy: same timestamp and signature) with 409 and
	// CodeReplayed. Without it, a copy replayed within the window reaches
	// the handler, which deduplicates on the post's ID anyway.
	Seen SeenStore
	// Clock is the receiver's clock. Default: cmkit.SystemClock().
	Clock cmkit.Clock
}

// SeenStore remembers which signed requests a Receiver has let through.
// Implementations must be safe for concurrent use. MemorySeen is one.
type SeenStore interface {
	// Seen records key until the instant until and reports whether it was
	// already recorded (and not expired) before the call. Recording and
	// checking are one atomic step: of two concurrent calls with one key,
	// one reports false and the other true.
	Seen(ctx context.Context, key string, until time.Time) (bool, error)
}

// Receiver checks the requests of a webhook Channel on the company's side:
// signature, timestamp, replays and body size, before the company's
// handler runs. Make it with NewReceiver; it is safe for concurrent use.
type Receiver struct {
	secrets   []string
	tolerance time.Duration
	maxBody   int64
	seen      SeenStore
	clock     cmkit.Clock
}

// NewReceiver returns a Receiver for cfg, or a *cmkit.ValidationError
// naming the field: Secrets must hold one or two secrets of at least
// MinSecretLen bytes; Tolerance and MaxBody must not be negative.
func NewReceiver(cfg ReceiverConfig) (*Receiver, error) {
	if len(cfg.Secrets) == 0 || len(cfg.Secrets) > 2 {
		return nil, cmkit.Invalid("Secrets", "count", "want one or two active secrets, got %d", len(cfg.Secrets))
	}
	for i, s := range cfg.Secrets {
		if err := checkSecret(fmt.Sprintf("Secrets[%d]", i), s); err != nil {
			return nil, err
		}
	}
	if cfg.Tolerance < 0 {
		return nil, cmkit.Invalid("Tolerance", "positive", "got %s", cfg.Tolerance)
	}
	if cfg.MaxBody < 0 {
		return nil, cmkit.Invalid("MaxBody", "positive", "got %d", cfg.MaxBody)
	}
	r := &Receiver{secrets: append([]string(nil), cfg.Secrets...), tolerance: cfg.Tolerance,
		maxBody: cfg.MaxBody, seen: cfg.Seen, clock: cfg.Clock}
	if r.tolerance == 0 {
		r.tolerance = DefaultTolerance
	}
	if r.maxBody == 0 {
		r.maxBody = DefaultMaxBody
	}
	if r.clock == nil {
		r.clock = cmkit.SystemClock()
	}
	return r, nil
}

// Verify is shorthand for NewReceiver(ReceiverConfig{Secrets: secrets})
// and Wrap(next): the defaults, and no replay store.
func Verify(secrets []string, next http.Handler) (http.Handler, error) {
	r, err := NewReceiver(ReceiverConfig{Secrets: secrets})
	if err != nil {
		return nil, err
	}
	return r.Wrap(next), nil
}

// Delivery is a verified request, as the handler behind a Receiver gets it
// from DeliveryOf.
type Delivery struct {
	// Method is the HTTP method: POST publishes, GET looks a post up,
	// DELETE deletes one.
	Method string
	// Timestamp is when the channel signed the request.
	Timestamp time.Time
	// Payload is the decoded body of a POST; nil for GET and DELETE.
	Payload *Payload
	// IdempotencyKey is the post's ID: Payload.Post.ID for a POST, the
	// idempotency_key query parameter for a GET; zero for a DELETE.
	IdempotencyKey uuid.UUID
	// PlatformID is the platform_id query parameter of a DELETE.
	PlatformID string
	// DeliveryID identifies this attempt (Payload.DeliveryID, or the
	// delivery_id query parameter); each retry has a new one.
	DeliveryID string
}

type deliveryKey struct{}

// DeliveryOf returns the verified delivery of a request that a Receiver
// let through, and false for any other request.
func DeliveryOf(r *http.Request) (Delivery, bool) {
	d, ok := r.Context().Value(deliveryKey{}).(*Delivery)
	if !ok {
		return Delivery{}, false
	}
	return *d, true
}

// Wrap returns a handler that verifies each request and passes it on to
// next, with its Delivery (see DeliveryOf), or answers it with an error
// body and never calls next:
//
//	413 too_large         the body is over MaxBody
//	401 stale_timestamp   the timestamp is missing, malformed, or further
//	                      from now than Tolerance
//	401 bad_signature     no v1 signature matches an active secret
//	409 replayed          Seen has this exact request (same timestamp and
//	                      signature) already
//	503 unavailable       Seen failed
//	400 bad_request       a POST whose body is not a version 1 Payload with
//	                      a post ID, a GET without a valid idempotency_key,
//	                      a DELETE without platform_id
//	405                   any other method
//
// Signatures are checked before the body is decoded, so nothing unsigned
// is parsed.
func (rc *Receiver) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost && r.Method != http.MethodGet && r.Method != http.MethodDelete {
			w.Header().Set("Allow", "POST, GET, DELETE")
			WriteError(w, http.StatusMethodNotAllowed, CodeBadRequest, "method "+r.Method)
			return
		}
		body, over, err := readLimited(http.MaxBytesReader(w, r.Body, rc.maxBody+1), rc.maxBody)
		switch {
		case over:
			WriteError(w, http.StatusRequestEntityTooLarge, CodeTooLarge, fmt.Sprintf("the body is over %d bytes", rc.maxBody))
			return
		case err != nil:
			WriteError(w, http.StatusBadRequest, CodeBadRequest, "cannot read the body")
			return
		}
		signed := body
		if r.Method != http.MethodPost {
			signed = bodylessSigned(r.Method, r.URL.RawQuery)
		}
		tsText := r.Header.Get(HeaderTimestamp)
		ts, ok := parseTimestamp(tsText)
		if now := rc.clock.Now(); !ok || ts.Before(now.Add(-rc.tolerance)) || ts.After(now.Add(rc.tolerance)) {
			WriteError(w, http.StatusUnauthorized, CodeStaleTimestamp,
				fmt.Sprintf("the timestamp must be Unix seconds within %s of the receiver's clock", rc.tolerance))
			return
		}
		sigs := r.Header.Get(HeaderSignature)
		if !verifySignatures(sigs, tsText, signed, rc.secrets) {
			WriteError(w, http.StatusUnauthorized, CodeBadSignature, "no signature matches an active secret")
			return
		}
		if rc.seen != nil {
			// Beyond the window the timestamp check refuses the copy, so
			// the store keeps a key no longer than that.
			dup, err := rc.seen.Seen(r.Context(), tsText+" "+sigs, ts.Add(rc.tolerance))
			if err != nil {
				WriteError(w, http.StatusServiceUnavailable, CodeUnavailable, "the replay store failed")
				return
			}
			if dup {
				WriteError(w, http.StatusConflict, CodeReplayed, "this signed request was delivered before")
				return
			}
		}
		d, msg := decodeDelivery(r, body)
		if msg != "" {
			WriteError(w, http.StatusBadRequest, CodeBadRequest, msg)
			return
		}
		d.Timestamp = ts
		r.Body = http.NoBody
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), deliveryKey{}, &d)))
	})
}

// decodeDelivery reads what a verified request asks for, or says what is
// wrong with it.
func decodeDelivery(r *http.Request, body []byte) (Delivery, string) {
	q := r.URL.Query()
	d := Delivery{Method: r.Method, DeliveryID: q.Get("delivery_id")}
	switch r.Method {
	case http.MethodPost:
		var p Payload
		dec := json.NewDecoder(bytes.NewReader(body))
		if err := dec.Decode(&p); err != nil {
			return d, "the body is not a JSON payload: " + err.Error()
		}
		if p.Version != PayloadVersion {
			return d, fmt.Sprintf("payload version %d, this receiver reads %d", p.Version, PayloadVersion)
		}
		if p.Post.ID == uuid.Nil {
			return d, "the post has no id"
		}
		d.Payload, d.IdempotencyKey, d.DeliveryID = &p, p.Post.ID, p.DeliveryID
	case http.MethodGet:
		id, err := uuid.Parse(q.Get("idempotency_key"))
		if err != nil {
			return d, "idempotency_key must be a post ID"
		}
		d.IdempotencyKey = id
	case http.MethodDelete:
		d.PlatformID = q.Get("platform_id")
		if d.PlatformID == "" {
			return d, "platform_id is required"
		}
	}
	return d, ""
}

// bodylessSigned is what a request without a body signs: its method and
// raw query, which carry all it asks for.
func bodylessSigned(method, rawQuery string) []byte {
	return []byte(method + " " + rawQuery)
}

// parseTimestamp reads Unix seconds: 1 to 19 ASCII digits, no sign.
func parseTimestamp(s string) (time.Time, bool) {
	if len(s) == 0 || len(s) > 19 {
		return time.Time{}, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(n, 0), true
}

// MemorySeen is a SeenStore in memory, for one receiver process. Expired
// keys are dropped now and then as new ones arrive, so its size follows
// the requests of about one tolerance window. The zero value is ready to
// use.
type MemorySeen struct {
	mu   sync.Mutex
	keys map[string]time.Time
	// Clock decides when a key has expired. Default: cmkit.SystemClock().
	Clock cmkit.Clock
}

// Seen records key until the instant until, and reports whether it was
// already recorded and not expired.
func (m *MemorySeen) Seen(_ context.Context, key string, until time.Time) (bool, error) {
	clock := m.Clock
	if clock == nil {
		clock = cmkit.SystemClock()
	}
	now := clock.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.keys == nil {
		m.keys = map[string]time.Time{}
	}
	if exp, ok := m.keys[key]; ok && exp.After(now) {
		return true, nil
	}
	if len(m.keys) >= 64 && len(m.keys)%64 == 0 { // sweep now and then
		for k, exp := range m.keys {
			if !exp.After(now) {
				delete(m.keys, k)
			}
		}
	}
	m.keys[key] = until
	return false, nil
}
