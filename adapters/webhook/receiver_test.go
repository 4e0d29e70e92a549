package webhook_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/webhook"
	"github.com/cmkit/cmkit/cmkittest"
)

// Vectors computed by hand, outside Go, with
//
//	printf '%s' "$TS.$BODY" | openssl dgst -sha256 -hmac "$SECRET"
var signVectors = []struct {
	secret string
	ts     int64
	body   string
	want   string
}{
	{"whsec_example_current_secret", 1764681600, `{"a":1}`,
		"v1=2d646c0cff2ca2332fe549f2d73bfdf05a57b460dede16783021e6586d40910e"},
	{"whsec_current_0123456789abcdef", 1795424400, "GET idempotency_key=0193&delivery_id=ab",
		"v1=18d37269e29156a1ff80735c9cb918eb52292f333f656cad39a18b36ff308ff7"},
}

func TestSignVectors(t *testing.T) {
	for _, v := range signVectors {
		assert.Equal(t, v.want, webhook.Sign(v.secret, time.Unix(v.ts, 0), []byte(v.body)))
	}
}

// signedRequest builds a POST of body signed at ts with each of secrets.
func signedRequest(body string, ts time.Time, secrets ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
	var sigs []string
	for _, s := range secrets {
		sigs = append(sigs, webhook.Sign(s, ts, []byte(body)))
	}
	r.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	r.Header.Set(webhook.HeaderSignature, strings.Join(sigs, ","))
	return r
}

func payload(t *testing.T) string {
	t.Helper()
	b, err := json.Marshal(webhook.Payload{Version: webhook.PayloadVersion, ChannelID: "c", Platform: "intranet",
		Post: cmkit.Post{ID: cmkit.NewID(), Text: "hola"}, DeliveryID: "d1"})
	require.NoError(t, err)
	return string(b)
}

// receiver wraps a handler that records the delivery it got.
func receiver(t *testing.T, cfg webhook.ReceiverConfig) (http.Handler, *[]webhook.Delivery) {
	t.Helper()
	got := &[]webhook.Delivery{}
	var mu sync.Mutex
	rc, err := webhook.NewReceiver(cfg)
	require.NoError(t, err)
	return rc.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d, ok := webhook.DeliveryOf(r)
		require.True(t, ok)
		mu.Lock()
		*got = append(*got, d)
		mu.Unlock()
		webhook.WritePublished(w, http.StatusCreated, webhook.Published{PlatformID: "1"})
	})), got
}

func serve(h http.Handler, r *http.Request) (int, webhook.ErrorBody) {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	var e webhook.ErrorBody
	json.Unmarshal(w.Body.Bytes(), &e)
	return w.Code, e
}

func TestReceiver(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	clock := cmkittest.NewClock(now)
	for _, tc := range []struct {
		name     string
		req      func(body string) *http.Request
		status   int
		code     string
		accepted bool
	}{
		{"signed with the current secret", func(b string) *http.Request { return signedRequest(b, now, secret) },
			http.StatusCreated, "", true},
		{"signed with the other active secret", func(b string) *http.Request { return signedRequest(b, now, oldSecret) },
			http.StatusCreated, "", true},
		{"two signatures, one unknown (rotation)", func(b string) *http.Request {
			return signedRequest(b, now, "whsec_brand_new_secret_0000", secret)
		}, http.StatusCreated, "", true},
		{"a wrong secret", func(b string) *http.Request { return signedRequest(b, now, "whsec_wrong_secret_000000") },
			http.StatusUnauthorized, webhook.CodeBadSignature, false},
		{"no signature", func(b string) *http.Request {
			r := signedRequest(b, now, secret)
			r.Header.Del(webhook.HeaderSignature)
			return r
		}, http.StatusUnauthorized, webhook.CodeBadSignature, false},
		{"a tampered body", func(b string) *http.Request {
			r := signedRequest(b, now, secret)
			tampered := strings.Replace(b, "hola", "HOLA", 1)
			r.Body = http.NoBody
			r2 := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(tampered))
			r2.Header = r.Header
			return r2
		}, http.StatusUnauthorized, webhook.CodeBadSignature, false},
		{"a tampered timestamp", func(b string) *http.Request {
			r := signedRequest(b, now, secret)
			r.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(now.Unix()+1, 10))
			return r
		}, http.StatusUnauthorized, webhook.CodeBadSignature, false},
		{"a stale timestamp", func(b string) *http.Request {
			return signedRequest(b, now.Add(-webhook.DefaultTolerance-time.Second), secret)
		}, http.StatusUnauthorized, webhook.CodeStaleTimestamp, false},
		{"a timestamp from the future", func(b string) *http.Request {
			return signedRequest(b, now.Add(webhook.DefaultTolerance+time.Second), secret)
		}, http.StatusUnauthorized, webhook.CodeStaleTimestamp, false},
		{"at the edge of the window", func(b string) *http.Request {
			return signedRequest(b, now.Add(-webhook.DefaultTolerance), secret)
		}, http.StatusCreated, "", true},
		{"a signed timestamp with a sign", func(b string) *http.Request {
			r := signedRequest(b, now, secret)
			r.Header.Set(webhook.HeaderTimestamp, "+"+r.Header.Get(webhook.HeaderTimestamp))
			return r
		}, http.StatusUnauthorized, webhook.CodeStaleTimestamp, false},
		{"a signature of another scheme only", func(b string) *http.Request {
			r := signedRequest(b, now, secret)
			r.Header.Set(webhook.HeaderSignature, "v2="+strings.TrimPrefix(r.Header.Get(webhook.HeaderSignature), "v1="))
			return r
		}, http.StatusUnauthorized, webhook.CodeBadSignature, false},
		{"a future scheme next to v1", func(b string) *http.Request {
			r := signedRequest(b, now, secret)
			r.Header.Set(webhook.HeaderSignature, "v2=c2lnbmVkIGJ5IGEgZnV0dXJlIHNjaGVtZQ,"+r.Header.Get(webhook.HeaderSignature))
			return r
		}, http.StatusCreated, "", true},
		{"signed but not a payload", func(string) *http.Request { return signedRequest(`{"version":9}`, now, secret) },
			http.StatusBadRequest, webhook.CodeBadRequest, false},
		{"a body over the limit", func(string) *http.Request {
			return signedRequest(`{"post":{"text":"`+strings.Repeat("a", 2000)+`"}}`, now, secret)
		}, http.StatusRequestEntityTooLarge, webhook.CodeTooLarge, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, got := receiver(t, webhook.ReceiverConfig{Secrets: []string{secret, oldSecret}, Clock: clock, MaxBody: 1024})
			body := payload(t)
			status, e := serve(h, tc.req(body))
			assert.Equal(t, tc.status, status)
			assert.Equal(t, tc.code, e.Code)
			if !tc.accepted {
				assert.Empty(t, *got, "the handler must not run")
				return
			}
			require.Len(t, *got, 1)
			d := (*got)[0]
			var p webhook.Payload
			require.NoError(t, json.Unmarshal([]byte(body), &p))
			assert.Equal(t, p.Post.ID, d.IdempotencyKey)
			assert.Equal(t, "hola", d.Payload.Post.Text)
			assert.Equal(t, "d1", d.DeliveryID)
		})
	}
}

// TestReceiverReplay: with a seen-store, an exact copy of a request within
// the window is refused with 409 replayed; a new attempt (a new delivery
// ID, so a new signature) passes.
func TestReceiverReplay(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	clock := cmkittest.NewClock(now)
	h, got := receiver(t, webhook.ReceiverConfig{Secrets: []string{secret}, Clock: clock,
		Seen: &webhook.MemorySeen{Clock: clock}})
	body := payload(t)
	status, _ := serve(h, signedRequest(body, now, secret))
	assert.Equal(t, http.StatusCreated, status)
	status, e := serve(h, signedRequest(body, now, secret))
	assert.Equal(t, http.StatusConflict, status)
	assert.Equal(t, webhook.CodeReplayed, e.Code)
	status, _ = serve(h, signedRequest(strings.Replace(body, `"d1"`, `"d2"`, 1), now, secret))
	assert.Equal(t, http.StatusCreated, status)
	// Once the window has passed, the copy is stale rather than a replay.
	clock.Advance(webhook.DefaultTolerance + time.Second)
	status, e = serve(h, signedRequest(body, now, secret))
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, webhook.CodeStaleTimestamp, e.Code)
	assert.Len(t, *got, 2)
}

// TestMemorySeenConcurrent: of many concurrent calls with one key, exactly
// one reports it new.
func TestMemorySeenConcurrent(t *testing.T) {
	var m webhook.MemorySeen
	var wg sync.WaitGroup
	var mu sync.Mutex
	fresh := 0
	until := time.Now().Add(time.Minute)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen, err := m.Seen(context.Background(), "k", until)
			assert.NoError(t, err)
			if !seen {
				mu.Lock()
				fresh++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, fresh)
}

// TestReceiverBodyless: GET and DELETE sign their method and query, so a
// signature cannot be moved to another query.
func TestReceiverBodyless(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	h, got := receiver(t, webhook.ReceiverConfig{Secrets: []string{secret}, Clock: cmkittest.NewClock(now)})
	id := cmkit.NewID()
	q := "idempotency_key=" + id.String() + "&delivery_id=x1"
	get := func(method, query, signed string) int {
		r := httptest.NewRequest(method, "/hook?"+query, nil)
		r.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(now.Unix(), 10))
		r.Header.Set(webhook.HeaderSignature, webhook.Sign(secret, now, []byte(signed)))
		status, _ := serve(h, r)
		return status
	}
	assert.Equal(t, http.StatusCreated, get(http.MethodGet, q, "GET "+q))
	assert.Equal(t, http.StatusUnauthorized, get(http.MethodGet, "idempotency_key="+cmkit.NewID().String(), "GET "+q))
	assert.Equal(t, http.StatusUnauthorized, get(http.MethodDelete, q, "GET "+q), "a GET's signature is no DELETE's")
	dq := "platform_id=7&delivery_id=x2"
	assert.Equal(t, http.StatusCreated, get(http.MethodDelete, dq, "DELETE "+dq))
	require.Len(t, *got, 2)
	assert.Equal(t, id, (*got)[0].IdempotencyKey)
	assert.Equal(t, "7", (*got)[1].PlatformID)
	assert.Equal(t, http.StatusBadRequest, get(http.MethodGet, "delivery_id=x", "GET delivery_id=x"))
	assert.Equal(t, http.StatusMethodNotAllowed, get(http.MethodPut, q, "PUT "+q))
}

// failingSeen is a SeenStore that always fails.
type failingSeen struct{}

func (failingSeen) Seen(context.Context, string, time.Time) (bool, error) {
	return false, errors.New("store down")
}

// TestReceiverSeenFails: when the replay store fails, the request is
// refused with 503 and the handler does not run.
func TestReceiverSeenFails(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	h, got := receiver(t, webhook.ReceiverConfig{Secrets: []string{secret}, Clock: cmkittest.NewClock(now), Seen: failingSeen{}})
	status, e := serve(h, signedRequest(payload(t), now, secret))
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, webhook.CodeUnavailable, e.Code)
	assert.Empty(t, *got)
}

func TestNewReceiverValidates(t *testing.T) {
	for field, cfg := range map[string]webhook.ReceiverConfig{
		"Secrets":    {},
		"Secrets[0]": {Secrets: []string{"short"}},
		"Tolerance":  {Secrets: []string{secret}, Tolerance: -1},
		"MaxBody":    {Secrets: []string{secret}, MaxBody: -1},
	} {
		_, err := webhook.NewReceiver(cfg)
		var ve *cmkit.ValidationError
		if assert.True(t, errors.As(err, &ve), field) {
			assert.Equal(t, field, ve.Field)
		}
	}
	_, err := webhook.NewReceiver(webhook.ReceiverConfig{Secrets: []string{secret, oldSecret, "whsec_third_secret_00000"}})
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
	_, err = webhook.Verify(nil, http.NotFoundHandler())
	assert.ErrorIs(t, err, cmkit.ErrInvalid)
}
