// Package webhooktest runs a company's side of a webhook channel in
// memory, for tests and examples: a real loopback HTTP server
// (httptest.Server) whose handler is the webhook package's own Receiver in
// front of an in-memory platform that keeps the endpoint contract of
// package webhook. It injects the faults of cmkittest (503, 429 with
// Retry-After, 422, a timeout after the request was received, a response
// lost after the post was published) and answers 429 past a rate limit.
//
// It is for tests, like httptest: it keeps everything in memory and never
// forgets a post.
package webhooktest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/adapters/webhook"
	"github.com/cmkit/cmkit/cmkittest"
)

// ServerConfig configures a Server. Only Secrets is required.
type ServerConfig struct {
	// Secrets are the receiver's active secrets (one or two).
	Secrets []string
	// Clock is the platform's and the receiver's clock: timestamps,
	// rate-limit windows, published_at. Default: cmkit.SystemClock().
	Clock cmkit.Clock
	// Tolerance is the receiver's timestamp window. Default:
	// webhook.DefaultTolerance.
	Tolerance time.Duration
	// Seen, when set, makes the receiver refuse replays (409 replayed).
	Seen webhook.SeenStore
	// MaxLength, when positive, makes the platform refuse a text longer
	// than that many runes with 422.
	MaxLength int
	// Double makes the platform ignore the idempotency key and publish
	// every POST, as an endpoint that only promises lookups may
	// (webhook.PromiseLookup or PromiseNone).
	Double bool
	// RateLimit is how many POSTs the platform accepts per RateWindow; the
	// next one gets 429 with Retry-After the rest of the window, in
	// seconds. Zero means no limit.
	RateLimit int
	// RateWindow is the length of a rate-limit window. Default: a minute.
	RateWindow time.Duration
	// Rates injects random faults into POSTs, drawn from Seed.
	Rates cmkittest.FaultRates
	// Seed seeds the random faults.
	Seed uint64
}

// Server is a company's webhook endpoint, in memory. Its methods are safe
// for concurrent use.
type Server struct {
	srv  *httptest.Server
	cfg  ServerConfig
	stop chan struct{}

	mu       sync.Mutex
	rng      *rand.Rand
	queue    []cmkittest.Fault
	posts    []*StoredPost               // in publishing order
	byKey    map[uuid.UUID][]*StoredPost // by idempotency key
	byID     map[string]*StoredPost      // by platform ID
	mentions map[string]bool             // mentions a reply may answer
	inflight map[uuid.UUID]*sync.Mutex   // one publish per key at a time
	attempts int                         // POSTs that reached the platform
	window   time.Time                   // start of the rate-limit window
	inWindow int                         // POSTs accepted in it
	deliver  []webhook.Delivery          // every verified delivery
	held     int                         // requests a timeout fault holds
}

// StoredPost is a post as the platform holds it.
type StoredPost struct {
	// Published is the answer the platform gave.
	Published webhook.Published
	// Payload is what the channel sent.
	Payload webhook.Payload
	// Deleted reports whether it was deleted.
	Deleted bool
}

// NewServer starts a Server; Close stops it. The error is the Receiver's,
// for bad Secrets.
func NewServer(cfg ServerConfig) (*Server, error) {
	if cfg.Clock == nil {
		cfg.Clock = cmkit.SystemClock()
	}
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = time.Minute
	}
	rc, err := webhook.NewReceiver(webhook.ReceiverConfig{Secrets: cfg.Secrets, Tolerance: cfg.Tolerance,
		Seen: cfg.Seen, Clock: cfg.Clock})
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, stop: make(chan struct{}), rng: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5eed)),
		byKey: map[uuid.UUID][]*StoredPost{}, byID: map[string]*StoredPost{}, mentions: map[string]bool{},
		inflight: map[uuid.UUID]*sync.Mutex{}}
	s.srv = httptest.NewServer(rc.Wrap(http.HandlerFunc(s.serve)))
	return s, nil
}

// URL is the endpoint's URL.
func (s *Server) URL() string { return s.srv.URL }

// Client returns an HTTP client for the server (httptest.Server.Client).
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close releases requests held by a timeout fault and stops the server.
func (s *Server) Close() {
	close(s.stop)
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// Inject makes the next POST that passes the receiver fail as f.
func (s *Server) Inject(f cmkittest.Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, f)
}

// Count reports how many live (not deleted) posts were published with the
// cmkit post ID id.
func (s *Server) Count(id uuid.UUID) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, p := range s.byKey[id] {
		if !p.Deleted {
			n++
		}
	}
	return n
}

// Attempts reports how many POSTs passed the receiver.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Held reports how many requests a timeout fault holds unanswered now.
// A test that simulates time waits, before it moves its clock, until
// every request in flight is one of these.
func (s *Server) Held() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held
}

// Posts returns copies of the live posts, in publishing order.
func (s *Server) Posts() []StoredPost {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []StoredPost
	for _, p := range s.posts {
		if !p.Deleted {
			out = append(out, *p)
		}
	}
	return out
}

// Deliveries returns every request the receiver verified, in order.
func (s *Server) Deliveries() []webhook.Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]webhook.Delivery(nil), s.deliver...)
}

// AddMention makes a mention arrive that a reply may answer, and returns
// its platform ID.
func (s *Server) AddMention() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := "m" + strconv.Itoa(len(s.mentions)+1)
	s.mentions[id] = true
	return id
}

// serve is the platform behind the receiver.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	d, _ := webhook.DeliveryOf(r) // the receiver let it through
	s.mu.Lock()
	s.deliver = append(s.deliver, d)
	s.mu.Unlock()
	switch d.Method {
	case http.MethodGet:
		s.find(w, d.IdempotencyKey)
	case http.MethodDelete:
		s.delete(w, d.PlatformID)
	default:
		s.publish(w, r, d.Payload)
	}
}

func (s *Server) find(w http.ResponseWriter, key uuid.UUID) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.byKey[key] {
		if !p.Deleted {
			webhook.WritePublished(w, http.StatusOK, p.Published)
			return
		}
	}
	webhook.WriteError(w, http.StatusNotFound, webhook.CodeNotFound, "no post with this idempotency key")
}

func (s *Server) delete(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byID[id]
	if !ok || p.Deleted {
		webhook.WriteError(w, http.StatusNotFound, webhook.CodeNotFound, "no post "+id)
		return
	}
	p.Deleted = true
	w.WriteHeader(http.StatusNoContent)
}

// publish applies a POST: fault, rate limit, validation, then the post,
// once per idempotency key unless Double.
func (s *Server) publish(w http.ResponseWriter, r *http.Request, p *webhook.Payload) {
	key := p.Post.ID
	s.mu.Lock()
	s.attempts++
	fault := s.fault()
	lock := s.inflight[key]
	if lock == nil {
		lock = new(sync.Mutex)
		s.inflight[key] = lock
	}
	s.mu.Unlock()

	// The rate limit and the faults of the path to the platform come
	// first; then a key the platform has seen gets the first answer
	// before anything else can fail (as cmkittest's fake does).
	if wait, limited := s.limit(); limited {
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		webhook.WriteError(w, http.StatusTooManyRequests, "rate_limited", "over the rate limit")
		return
	}
	switch fault {
	case cmkittest.FaultTransient:
		w.Header().Set("Retry-After", "1")
		webhook.WriteError(w, http.StatusServiceUnavailable, "unavailable", "try again later")
		return
	case cmkittest.FaultRateLimit:
		w.Header().Set("Retry-After", "30")
		webhook.WriteError(w, http.StatusTooManyRequests, "rate_limited", "slow down")
		return
	case cmkittest.FaultTimeout:
		s.hold(r) // received, never applied, never answered
		return
	}

	// One publish of a key at a time: a second one waits and then finds
	// the first's post, so overlapping requests make one post.
	lock.Lock()
	status, pub, msg := s.apply(p, fault == cmkittest.FaultPermanent)
	lock.Unlock()
	if msg != "" {
		webhook.WriteError(w, status, "rejected", msg)
		return
	}
	if fault == cmkittest.FaultLostResponse {
		// Published; the answer is lost with the connection.
		if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
			conn.Close()
		}
		return
	}
	webhook.WritePublished(w, status, pub)
}

// apply publishes p and returns the status and answer, or the status and
// the reason it refused; refuse makes it refuse a post it has not seen.
func (s *Server) apply(p *webhook.Payload, refuse bool) (int, webhook.Published, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.cfg.Double {
		for _, old := range s.byKey[p.Post.ID] {
			if !old.Deleted {
				return http.StatusConflict, old.Published, ""
			}
		}
	}
	if refuse {
		return http.StatusUnprocessableEntity, webhook.Published{}, "the platform refused the post"
	}
	if n := len([]rune(p.Post.Text)); s.cfg.MaxLength > 0 && n > s.cfg.MaxLength {
		return http.StatusUnprocessableEntity, webhook.Published{}, fmt.Sprintf("the text is %d characters, over %d", n, s.cfg.MaxLength)
	}
	switch to := p.Post.InReplyTo; p.Kind {
	case webhook.PayloadReply:
		if !s.mentions[to] {
			return http.StatusNotFound, webhook.Published{}, "in_reply_to names no mention"
		}
	case webhook.PayloadThread:
		if parent, ok := s.byID[to]; !ok || parent.Deleted {
			return http.StatusNotFound, webhook.Published{}, "in_reply_to names no post of the account"
		}
	case webhook.PayloadPost:
	default:
		return http.StatusBadRequest, webhook.Published{}, "unknown kind " + p.Kind
	}
	id := strconv.Itoa(len(s.posts) + 1)
	post := &StoredPost{Payload: *p, Published: webhook.Published{PlatformID: id,
		URL: "https://intranet.example/posts/" + id, PublishedAt: s.cfg.Clock.Now().UTC()}}
	post.Payload.Post = p.Post.Clone()
	s.posts = append(s.posts, post)
	s.byKey[p.Post.ID] = append(s.byKey[p.Post.ID], post)
	s.byID[id] = post
	return http.StatusCreated, post.Published, ""
}

// fault picks the fault of this POST: a queued one, else a random one.
// s.mu is held.
func (s *Server) fault() cmkittest.Fault {
	if len(s.queue) > 0 {
		f := s.queue[0]
		s.queue = s.queue[1:]
		return f
	}
	x := s.rng.Float64()
	for _, c := range []struct {
		p float64
		f cmkittest.Fault
	}{{s.cfg.Rates.Transient, cmkittest.FaultTransient}, {s.cfg.Rates.RateLimit, cmkittest.FaultRateLimit},
		{s.cfg.Rates.Permanent, cmkittest.FaultPermanent}, {s.cfg.Rates.Timeout, cmkittest.FaultTimeout},
		{s.cfg.Rates.LostResponse, cmkittest.FaultLostResponse}} {
		if x < c.p {
			return c.f
		}
		x -= c.p
	}
	return 0
}

// limit counts a POST against the rate limit, and returns the rest of the
// window when it is over.
func (s *Server) limit() (time.Duration, bool) {
	if s.cfg.RateLimit <= 0 {
		return 0, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Clock.Now()
	if now.Sub(s.window) >= s.cfg.RateWindow || now.Before(s.window) {
		s.window, s.inWindow = now, 0
	}
	if s.inWindow >= s.cfg.RateLimit {
		return s.window.Add(s.cfg.RateWindow).Sub(now), true
	}
	s.inWindow++
	return 0, false
}

// hold keeps a request unanswered until its client gives up or the server
// closes.
func (s *Server) hold(r *http.Request) {
	s.mu.Lock()
	s.held++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.held--
		s.mu.Unlock()
	}()
	select {
	case <-r.Context().Done():
	case <-s.stop:
	}
}

// Harness returns a cmkittest.ChannelHarness for ch, a channel that sends
// to s; secrets are what the channel must never show. AddMentions makes
// mentions a Reply may answer; the channel cannot read them (a webhook
// channel has no MentionReader), so the suite's reading subtests skip.
func (s *Server) Harness(ch cmkit.Channel, secrets ...string) cmkittest.ChannelHarness {
	return harness{s: s, ch: ch, secrets: secrets}
}

type harness struct {
	s       *Server
	ch      cmkit.Channel
	secrets []string
}

func (h harness) Channel() cmkit.Channel { return h.ch }
func (h harness) Secrets() []string      { return h.secrets }

func (h harness) Published(_ context.Context, id uuid.UUID) (int, error) { return h.s.Count(id), nil }

func (h harness) AddMentions(_ context.Context, n int) ([]string, error) {
	out := make([]string, n)
	for i := range out {
		out[i] = h.s.AddMention()
	}
	return out, nil
}

func (h harness) InjectFault(_ context.Context, f cmkittest.Fault) error {
	h.s.Inject(f)
	return nil
}
