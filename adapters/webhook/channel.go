package webhook

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// maxAnswer is the most of an answer's body the channel reads.
const maxAnswer = 64 << 10

// Channel is a cmkit.Channel that publishes by POSTing signed JSON to a
// company's endpoint (see the package doc for the contract). It also
// implements cmkit.PostFinder, cmkit.Deleter, cmkit.Replier and
// cmkit.ThreadPublisher over the same endpoint. An endpoint that does not
// serve lookups or deletes answers them with 501, 405 or a 404 without
// CodeNotFound, and one that does not publish replies answers them with
// 501: the method then returns an error wrapping cmkit.ErrUnsupported.
// Make it with New; it is safe for concurrent use.
type Channel struct {
	info     cmkit.ChannelInfo
	endpoint *url.URL
	where    string // scheme://host, the only part of the URL errors name
	secrets  []string
	timeout  time.Duration
	client   *http.Client
	clock    cmkit.Clock
	redact   *strings.Replacer
}

var (
	_ cmkit.Channel         = (*Channel)(nil)
	_ cmkit.PostFinder      = (*Channel)(nil)
	_ cmkit.Deleter         = (*Channel)(nil)
	_ cmkit.Replier         = (*Channel)(nil)
	_ cmkit.ThreadPublisher = (*Channel)(nil)
)

// New returns the Channel cfg describes, or a *cmkit.ValidationError that
// names the field at fault: Info (as ChannelInfo.Validate checks it, and a
// RetrySafety that is not zero), Promise, URL, Secret, PreviousSecret (a
// second secret equal to the first), Timeout. No error quotes a secret or
// the URL.
func New(cfg Config) (*Channel, error) {
	rs, ok := cfg.Promise.retrySafety()
	if !ok {
		return nil, cmkit.Invalid("Promise", "unknown", "%d", int(cfg.Promise))
	}
	if cfg.Info.RetrySafety != 0 {
		return nil, cmkit.Invalid("Info.RetrySafety", "unset", "leave it zero; Promise sets it")
	}
	info := cfg.Info
	info.RetrySafety = rs
	info.Languages = slices.Clone(info.Languages)
	if err := info.Validate(); err != nil {
		return nil, fmt.Errorf("webhook: Info: %w", err)
	}
	u, err := checkURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	if err := checkSecret("Secret", cfg.Secret); err != nil {
		return nil, err
	}
	secrets := []string{cfg.Secret}
	if cfg.PreviousSecret != "" {
		if err := checkSecret("PreviousSecret", cfg.PreviousSecret); err != nil {
			return nil, err
		}
		if cfg.PreviousSecret == cfg.Secret {
			return nil, cmkit.Invalid("PreviousSecret", "distinct", "equal to Secret; leave it empty outside a rotation")
		}
		secrets = append(secrets, cfg.PreviousSecret)
	}
	if cfg.Timeout < 0 {
		return nil, cmkit.Invalid("Timeout", "positive", "got %s", cfg.Timeout)
	}
	c := &Channel{info: info, endpoint: u, where: u.Scheme + "://" + u.Host, secrets: secrets,
		timeout: cfg.Timeout, client: cfg.Client, clock: cfg.Clock}
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.client == nil {
		c.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	if c.clock == nil {
		c.clock = cmkit.SystemClock()
	}
	c.redact = redactor(cfg.URL, u, secrets)
	return c, nil
}

// redactor replaces every secret, and the URL, its path and each query
// value long enough to be a token, with [REDACTED], in raw and in escaped
// forms.
func redactor(raw string, u *url.URL, secrets []string) *strings.Replacer {
	var forms []string
	add := func(s string) {
		if len(s) >= 8 {
			forms = append(forms, s, url.QueryEscape(s), url.PathEscape(s), strconv.Quote(s))
		}
	}
	for _, s := range secrets {
		add(s)
	}
	if where := u.Scheme + "://" + u.Host; raw != where && raw != where+"/" {
		add(raw) // a bare scheme://host is what errors name
	}
	add(u.EscapedPath())
	add(u.RawQuery)
	for _, vs := range u.Query() {
		for _, v := range vs {
			add(v)
		}
	}
	// Longest first, so that a secret inside the URL is replaced as part
	// of the URL.
	slices.SortFunc(forms, func(a, b string) int { return len(b) - len(a) })
	var pairs []string
	for _, f := range slices.Compact(forms) {
		pairs = append(pairs, f, "[REDACTED]")
	}
	return strings.NewReplacer(pairs...)
}

// Info returns the channel's description; its Languages are a copy.
func (c *Channel) Info() cmkit.ChannelInfo {
	info := c.info
	info.Languages = slices.Clone(info.Languages)
	return info
}

// Publish POSTs post to the endpoint and returns its receipt. See the
// package doc for how each answer is read.
func (c *Channel) Publish(ctx context.Context, post cmkit.Post) (cmkit.Receipt, error) {
	return c.publish(ctx, "publish", "", PayloadPost, post)
}

// PublishReply publishes post as the next part of a thread whose part
// before is parent: a publish whose post.in_reply_to is parent.PlatformID.
// The endpoint answers 404 for a parent it does not know.
func (c *Channel) PublishReply(ctx context.Context, parent cmkit.Receipt, post cmkit.Post) (cmkit.Receipt, error) {
	post.InReplyTo = parent.PlatformID
	return c.publish(ctx, "publish reply", cmkit.CapThread, PayloadThread, post)
}

// Reply publishes post as an answer to the mention mentionID: a publish
// whose post.in_reply_to is mentionID. The endpoint answers 404 for a
// mention it does not know.
func (c *Channel) Reply(ctx context.Context, mentionID string, post cmkit.Post) (cmkit.Receipt, error) {
	post.InReplyTo = mentionID
	return c.publish(ctx, "reply", cmkit.CapReply, PayloadReply, post)
}

// publish sends post as a Payload of kind, for the operation op (named in
// errors) of the capability capab ("" for Publish).
func (c *Channel) publish(ctx context.Context, op string, capab cmkit.Capability, kind string, post cmkit.Post) (cmkit.Receipt, error) {
	if err := cmkit.NotSent(ctx); err != nil {
		return cmkit.Receipt{}, c.fail(op, post.ID, err)
	}
	now := c.clock.Now()
	body, err := json.Marshal(Payload{Version: PayloadVersion, Kind: kind, ChannelID: c.info.ID, Platform: c.info.Platform,
		Post: post, SentAt: now.UTC(), DeliveryID: newDeliveryID()})
	if err != nil {
		return cmkit.Receipt{}, c.fail(op, post.ID, cmkit.Errorf(cmkit.ErrInvalid, "cannot encode the post: %w", err))
	}
	h := http.Header{"Content-Type": {"application/json"}}
	if c.info.RetrySafety == cmkit.RetryIdempotent {
		// Only an endpoint that honours the key may get it: net/http
		// resends a request that carries it (see cmkit.ClassifyTransport).
		h[HeaderIdempotencyKey] = []string{post.ID.String()}
	}
	status, answer, retryAfter, err := c.do(ctx, http.MethodPost, c.endpoint.RawQuery, h, body, now)
	if err != nil {
		return cmkit.Receipt{}, c.fail(op, post.ID, err)
	}
	rc, err := c.readPublish(status, answer, retryAfter, capab, post.ID)
	if err != nil {
		return cmkit.Receipt{}, c.fail(op, post.ID, err)
	}
	return rc, nil
}

// readPublish reads the answer to a publish (see the table in doc.go).
func (c *Channel) readPublish(status int, answer []byte, retryAfter string, capab cmkit.Capability, id uuid.UUID) (cmkit.Receipt, error) {
	switch {
	case status >= 200 && status < 300:
		p, ok := decodePublished(answer)
		if !ok {
			return cmkit.Receipt{}, cmkit.Unconfirmed(status, "the answer has no platform_id")
		}
		return c.receipt(id, p), nil
	case status == http.StatusConflict:
		if p, ok := decodePublished(answer); ok {
			return c.receipt(id, p), nil // published before: the same post
		}
		// A 409 without the post's platform ID says that the key, or this
		// very request, was seen; the first attempt may still be running.
		return cmkit.Receipt{}, cmkit.Errorf(cmkit.ErrAmbiguous, "HTTP 409 without platform_id: %s", c.detail(answer))
	case status == http.StatusNotImplemented && capab != "":
		return cmkit.Receipt{}, &cmkit.UnsupportedError{Channel: c.info.ID, Capability: capab, Detail: "the endpoint answers 501"}
	case status == http.StatusNotImplemented:
		return cmkit.Receipt{}, cmkit.Errorf(cmkit.ErrPermanent, "HTTP 501: the endpoint does not publish")
	}
	return cmkit.Receipt{}, cmkit.ClassifyHTTP(status, retryAfter, c.clock.Now(), c.detail(answer))
}

// FindPost asks the endpoint for the post published with the ID id:
// GET ?idempotency_key=id. A 2xx with a platform_id is the receipt (one
// without is an error: the answer cannot tell); a 404
// with CodeNotFound wraps cmkit.ErrNotFound; a 501, a 405 or another 404
// wraps cmkit.ErrUnsupported.
func (c *Channel) FindPost(ctx context.Context, id uuid.UUID) (cmkit.Receipt, error) {
	const op = "find post"
	if err := cmkit.NotSent(ctx); err != nil {
		return cmkit.Receipt{}, c.fail(op, id, err)
	}
	status, answer, retryAfter, err := c.do(ctx, http.MethodGet, c.query("idempotency_key", id.String(), "delivery_id", newDeliveryID()), nil, nil, c.clock.Now())
	if err != nil {
		return cmkit.Receipt{}, c.fail(op, id, err)
	}
	if status >= 200 && status < 300 {
		p, ok := decodePublished(answer)
		if !ok {
			return cmkit.Receipt{}, c.fail(op, id, cmkit.Errorf(cmkit.ErrAmbiguous, "HTTP %d without platform_id", status))
		}
		return c.receipt(id, p), nil
	}
	return cmkit.Receipt{}, c.fail(op, id, c.readOther(status, answer, retryAfter, cmkit.CapFindPost))
}

// Delete asks the endpoint to delete the post platformID:
// DELETE ?platform_id=platformID. A 2xx means deleted; a 404 with
// CodeNotFound wraps cmkit.ErrNotFound; a 501, a 405 or another 404 wraps
// cmkit.ErrUnsupported.
func (c *Channel) Delete(ctx context.Context, platformID string) error {
	const op = "delete"
	if err := cmkit.NotSent(ctx); err != nil {
		return c.fail(op, uuid.Nil, err)
	}
	status, answer, retryAfter, err := c.do(ctx, http.MethodDelete, c.query("platform_id", platformID, "delivery_id", newDeliveryID()), nil, nil, c.clock.Now())
	if err != nil {
		return c.fail(op, uuid.Nil, err)
	}
	if status >= 200 && status < 300 {
		return nil
	}
	return c.fail(op, uuid.Nil, c.readOther(status, answer, retryAfter, cmkit.CapDelete))
}

// readOther reads a non-2xx answer to a lookup or a delete.
func (c *Channel) readOther(status int, answer []byte, retryAfter string, capab cmkit.Capability) error {
	switch status {
	case http.StatusNotFound:
		var e ErrorBody
		if json.Unmarshal(answer, &e) == nil && e.Code == CodeNotFound {
			return cmkit.Errorf(cmkit.ErrNotFound, "HTTP 404: not found")
		}
		fallthrough // a router's 404: the endpoint does not serve this
	case http.StatusMethodNotAllowed, http.StatusNotImplemented:
		return &cmkit.UnsupportedError{Channel: c.info.ID, Capability: capab,
			Detail: fmt.Sprintf("the endpoint answers %d", status)}
	}
	return cmkit.ClassifyHTTP(status, retryAfter, c.clock.Now(), c.detail(answer))
}

// query returns the endpoint's raw query with the pairs key, value, ...
// added.
func (c *Channel) query(kv ...string) string {
	var b strings.Builder
	b.WriteString(c.endpoint.RawQuery)
	for i := 0; i+1 < len(kv); i += 2 {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(kv[i]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(kv[i+1]))
	}
	return b.String()
}

// newDeliveryID returns 16 random bytes in hex: a new ID for each attempt.
func newDeliveryID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24)
	return hex.EncodeToString(b[:])
}

// do sends one signed request and returns the answer's status, body (at
// most maxAnswer bytes) and Retry-After header, or a classified error.
// signedAt is the timestamp signed.
func (c *Channel) do(ctx context.Context, method, rawQuery string, h http.Header, body []byte, signedAt time.Time) (int, []byte, string, error) {
	signed := body
	if method != http.MethodPost {
		signed = bodylessSigned(method, rawQuery)
	}
	sigs := make([]string, len(c.secrets))
	for i, s := range c.secrets {
		sigs[i] = Sign(s, signedAt, signed)
	}
	if h == nil {
		h = http.Header{}
	}
	h[HeaderTimestamp] = []string{strconv.FormatInt(signedAt.Unix(), 10)}
	h[HeaderSignature] = []string{strings.Join(sigs, ",")}
	h["User-Agent"] = []string{"cmkit-webhook/1"}

	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := *c.endpoint
	u.RawQuery = rawQuery
	req, err := http.NewRequestWithContext(ctx, method, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, "", cmkit.Errorf(cmkit.ErrInvalid, "cannot build the request")
	}
	// No GetBody: net/http never sends this request a second time by
	// itself. Its Transport resends even a POST without an Idempotency-Key
	// when the body can be rewound and it judges that no byte of the
	// request was written (golang/go#15723), and that judgement can be
	// wrong: with Go 1.26.8 the reliability test saw such POSTs, whose
	// connection the endpoint closed after reading them, reach the
	// endpoint twice, on two connections. A second attempt is the
	// publisher's decision, with a new delivery ID and signature.
	req.GetBody = nil
	if body == nil {
		req.Body, req.ContentLength = http.NoBody, 0
	}
	req.Header = h
	resp, err := c.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) { // its message quotes the whole URL
			err = fmt.Errorf("%s %s: %w", ue.Op, c.where, ue.Err)
		}
		return 0, nil, "", cmkit.ClassifyTransport(err)
	}
	defer resp.Body.Close()
	answer, _, err := readLimited(resp.Body, maxAnswer)
	if err != nil && resp.StatusCode >= 200 && resp.StatusCode < 300 || err != nil && resp.StatusCode == http.StatusConflict {
		// The endpoint answered, then the body broke: the receipt is lost.
		return 0, nil, "", cmkit.Errorf(cmkit.ErrAmbiguous, "HTTP %d, then reading the answer failed: %w", resp.StatusCode, err)
	}
	return resp.StatusCode, answer, resp.Header.Get("Retry-After"), nil
}

// decodePublished reads a Published answer with a platform ID.
func decodePublished(b []byte) (Published, bool) {
	var p Published
	if json.Unmarshal(b, &p) != nil || p.PlatformID == "" {
		return Published{}, false
	}
	return p, true
}

func (c *Channel) receipt(id uuid.UUID, p Published) cmkit.Receipt {
	at := p.PublishedAt
	if at.IsZero() {
		at = c.clock.Now()
	}
	return cmkit.Receipt{PostID: id, ChannelID: c.info.ID, PlatformID: p.PlatformID, URL: p.URL, PublishedAt: at}
}

// detail is what an error answer says, for an error message: the
// ErrorBody's code and message, or the start of the body, with secrets and
// the URL replaced.
func (c *Channel) detail(answer []byte) string {
	var e ErrorBody
	s := ""
	if json.Unmarshal(answer, &e) == nil && e.Code != "" {
		s = e.Code
		if e.Message != "" {
			s += ": " + e.Message
		}
	} else {
		s = strings.TrimSpace(string(answer))
	}
	// Redact before cutting: a secret cut in two would match no more.
	s = c.redact.Replace(s)
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return strings.ToValidUTF8(s, "?")
}

// fail wraps err with the operation, the post and the endpoint's host, and
// replaces any secret or URL in the message.
func (c *Channel) fail(op string, id uuid.UUID, err error) error {
	var msg string
	if id == uuid.Nil {
		msg = fmt.Sprintf("webhook: %s at %s: %v", op, c.where, err)
	} else {
		msg = fmt.Sprintf("webhook: %s post %s at %s: %v", op, id, c.where, err)
	}
	return &redactedError{msg: c.redact.Replace(msg), err: err}
}

// redactedError is an error whose message had its secrets replaced; it
// unwraps to the original, so errors.Is and errors.As still work.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
