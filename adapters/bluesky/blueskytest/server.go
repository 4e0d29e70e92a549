// Package blueskytest is a fake Bluesky PDS for tests and examples: an
// httptest server that answers the XRPC methods the bluesky adapter calls
// as the atproto reference PDS (bluesky-social/atproto, packages/pds) and
// the lexicons (lexicons/) document them: request shapes, bearer
// sessions, errors as {"error", "message"}, cursors, RateLimit-* headers,
// and the answer to a second record under one key. It injects the faults
// of cmkittest (5xx, rate limits, timeouts after the request was
// received, lost responses) into createRecord, and expires tokens on
// demand, so that retries and session refreshes can be tested.
//
// It keeps everything in memory and is not a PDS: it holds one account
// (and the authors of the mentions it makes up), checks only what the
// adapter's correctness depends on, and makes no real CIDs or signatures.
package blueskytest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"regexp"

	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/internal/grapheme"
)

// ServerConfig sets up a Server. The zero ServerConfig is a quiet, fault-free server.
type ServerConfig struct {
	// Handle and AppPassword are the account's; empty means
	// "acme.bsky.social" and a random app password.
	Handle, AppPassword string
	// Clock stamps records and notifications and runs the rate-limit
	// window; nil means the system clock.
	Clock cmkit.Clock
	// Seed seeds the random faults of Rates.
	Seed uint64
	// Rates are the probabilities that a createRecord fails with each
	// cmkittest fault (after the injected ones are used up).
	Rates cmkittest.FaultRates
	// RateLimit is how many createRecord calls a RateWindow allows (0: no
	// limit); past it the server answers 429 with RateLimit-* headers.
	RateLimit  int
	RateWindow time.Duration
	// ExpireAfter makes every access token expire after that many calls
	// made with it (0: never), so that a client must refresh mid-run.
	ExpireAfter int
	// LeakSecrets makes the server's error messages echo the credentials
	// they were sent (the token, the password), as a careless server
	// might, for tests that check a client keeps them out of its errors.
	LeakSecrets bool
}

// Server is a fake PDS. It is safe for concurrent use. Close it when done.
type Server struct {
	srv *httptest.Server
	cfg ServerConfig

	mu        sync.Mutex
	did       string
	prefix    string // every token begins with it
	tokens    int
	access    map[string]int // access token -> calls made with it; -1 expired
	refresh   map[string]bool
	records   map[string]*record // by URI, live and deleted
	handles   map[string]string  // handle -> DID
	notifs    []notif
	lastAt    time.Time
	followers int64
	queue     []cmkittest.Fault
	rng       *mrand.Rand
	winStart  time.Time
	winUsed   int
	attempts  int
	creates   int
	logins    int
	refreshes int
}

type record struct {
	uri, cid string
	value    json.RawMessage
	text     string
	deleted  bool
	likes    int64
	reposts  int64
	replies  int64
	quotes   int64
}

type notif struct {
	uri, reason, indexedAt string
	author                 string // DID
	handle                 string
}

// NewServer starts a fake PDS.
func NewServer(cfg ServerConfig) *Server {
	if cfg.Handle == "" {
		cfg.Handle = "acme.bsky.social"
	}
	if cfg.AppPassword == "" {
		cfg.AppPassword = "pw-" + randomHex(8)
	}
	if cfg.Clock == nil {
		cfg.Clock = cmkit.SystemClock()
	}
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = 5 * time.Minute
	}
	s := &Server{cfg: cfg, did: "did:plc:" + randomHex(12), prefix: "tok-" + randomHex(8) + "-",
		access: map[string]int{}, refresh: map[string]bool{}, records: map[string]*record{},
		handles: map[string]string{}, rng: mrand.New(mrand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))}
	s.handles[cfg.Handle] = s.did
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// URL is the PDS's address, for bluesky.Config.PDS.
func (s *Server) URL() string { return s.srv.URL }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Handle returns the account's handle.
func (s *Server) Handle() string { return s.cfg.Handle }

// AppPassword returns the account's app password.
func (s *Server) AppPassword() string { return s.cfg.AppPassword }

// DID returns the account's DID.
func (s *Server) DID() string { return s.did }

// Secrets returns the app password and the prefix every token the server
// issues begins with: a text that holds any of them holds a credential.
func (s *Server) Secrets() []string { return []string{s.cfg.AppPassword, s.prefix} }

// Inject makes the next createRecord calls fail as fs, in order, before
// any random fault of ServerConfig.Rates.
func (s *Server) Inject(fs ...cmkittest.Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, fs...)
}

// ExpireTokens expires every access token issued so far; the next call
// with one gets ExpiredToken.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.access {
		s.access[t] = -1
	}
}

// RevokeSessions expires every access token and revokes every refresh
// token: the next call must log in again with the app password.
func (s *Server) RevokeSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.access {
		s.access[t] = -1
	}
	clear(s.refresh)
}

// Sessions returns how many sessions createSession made and how many
// refreshSession renewed.
func (s *Server) Sessions() (created, refreshed int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logins, s.refreshes
}

// Attempts returns how many createRecord calls reached the server.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Creates returns how many records createRecord has made.
func (s *Server) Creates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates
}

// Published reports whether the account holds a live post under the
// record key rkey: 1 or 0.
func (s *Server) Published(rkey string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.records[s.uri(s.did, rkey)]; ok && !r.deleted {
		return 1
	}
	return 0
}

// Posts returns how many live posts the account holds.
func (s *Server) Posts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.records {
		if !r.deleted && strings.HasPrefix(r.uri, "at://"+s.did+"/") {
			n++
		}
	}
	return n
}

// Record returns the JSON of the record at uri, as it was created.
func (s *Server) Record(uri string) (json.RawMessage, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[uri]
	if !ok || r.deleted {
		return nil, false
	}
	return r.value, true
}

// SetCounts sets what getPosts reports for the post at uri.
func (s *Server) SetCounts(uri string, likes, reposts, replies, quotes int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.records[uri]
	if ok {
		r.likes, r.reposts, r.replies, r.quotes = likes, reposts, replies, quotes
	}
	return ok
}

// SetFollowers sets the account's followersCount.
func (s *Server) SetFollowers(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.followers = n
}

// AddHandle makes handle resolve to a new DID, which it returns.
func (s *Server) AddHandle(handle string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addHandle(handle)
}

func (s *Server) addHandle(handle string) string {
	if did, ok := s.handles[handle]; ok {
		return did
	}
	did := "did:plc:" + randomHex(12)
	s.handles[handle] = did
	return did
}

// AddMention makes the account with handle author write text and notifies
// the account with reason: "mention" or "quote" (a post of its own), or
// "reply" (an answer to the post at parent, which the reply's root and
// parent name). It returns the new post's URI.
func (s *Server) AddMention(author, reason, text, parent string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	did := s.addHandle(author)
	rec := map[string]any{"$type": "app.bsky.feed.post", "text": text,
		"createdAt": s.cfg.Clock.Now().UTC().Format("2006-01-02T15:04:05.000Z")}
	switch reason {
	case "mention", "quote":
	case "reply":
		p, ok := s.records[parent]
		if !ok || p.deleted {
			return "", fmt.Errorf("blueskytest: no post %s to reply to", parent)
		}
		root := map[string]string{"uri": p.uri, "cid": p.cid}
		var pv struct {
			Reply *struct {
				Root map[string]string `json:"root"`
			} `json:"reply"`
		}
		_ = json.Unmarshal(p.value, &pv)
		if pv.Reply != nil {
			root = pv.Reply.Root
		}
		rec["reply"] = map[string]any{"root": root, "parent": map[string]string{"uri": p.uri, "cid": p.cid}}
	default:
		return "", fmt.Errorf("blueskytest: unknown reason %q", reason)
	}
	raw, _ := json.Marshal(rec)
	at := s.cfg.Clock.Now().UTC().Truncate(time.Microsecond)
	if !at.After(s.lastAt) {
		at = s.lastAt.Add(time.Microsecond)
	}
	s.lastAt = at
	r := s.put(did, tidAt(at, len(s.records)), raw, text)
	s.notifs = append(s.notifs, notif{uri: r.uri, reason: reason, author: did, handle: author,
		indexedAt: at.Format("2006-01-02T15:04:05.000000Z")})
	return r.uri, nil
}

// tidAt makes a record key for a post of another account.
func tidAt(t time.Time, seq int) string {
	const alphabet = "234567abcdefghijklmnopqrstuvwxyz"
	v := uint64(t.UnixMicro())<<10 | uint64(seq)&0x3FF
	var b [13]byte
	for i := 12; i >= 0; i-- {
		b[i] = alphabet[v&31]
		v >>= 5
	}
	return string(b[:])
}

func (s *Server) uri(did, rkey string) string { return "at://" + did + "/app.bsky.feed.post/" + rkey }

func (s *Server) put(did, rkey string, value json.RawMessage, text string) *record {
	sum := sha256.Sum256(append([]byte(did+rkey), value...))
	r := &record{uri: s.uri(did, rkey), cid: "bafyrei" + hex.EncodeToString(sum[:16]), value: value, text: text}
	s.records[r.uri] = r
	return r
}

// xrpcErr writes an XRPC error answer.
func xrpcErr(w http.ResponseWriter, status int, name, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": name, "message": msg})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	nsid, ok := strings.CutPrefix(r.URL.Path, "/xrpc/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	procedures := map[string]func(http.ResponseWriter, *http.Request){
		"com.atproto.server.createSession":  s.createSession,
		"com.atproto.server.refreshSession": s.refreshSession,
		"com.atproto.repo.createRecord":     s.authed(s.createRecord),
		"com.atproto.repo.deleteRecord":     s.authed(s.deleteRecord),
	}
	queries := map[string]func(http.ResponseWriter, *http.Request){
		"com.atproto.repo.getRecord":              s.getRecord,
		"com.atproto.identity.resolveHandle":      s.resolveHandle,
		"app.bsky.notification.listNotifications": s.authed(s.listNotifications),
		"app.bsky.feed.getPosts":                  s.authed(s.getPosts),
		"app.bsky.actor.getProfile":               s.authed(s.getProfile),
	}
	if h, ok := procedures[nsid]; ok {
		if r.Method != http.MethodPost {
			xrpcErr(w, http.StatusMethodNotAllowed, "InvalidRequest", "procedures are POST")
			return
		}
		h(w, r)
		return
	}
	if h, ok := queries[nsid]; ok {
		if r.Method != http.MethodGet {
			xrpcErr(w, http.StatusMethodNotAllowed, "InvalidRequest", "queries are GET")
			return
		}
		h(w, r)
		return
	}
	xrpcErr(w, http.StatusNotImplemented, "MethodNotImplemented", "Method Not Implemented")
}

// leak adds secret to msg when the server leaks secrets.
func (s *Server) leak(msg, secret string) string {
	if s.cfg.LeakSecrets {
		return msg + " (" + secret + ")"
	}
	return msg
}

// newSession issues a token pair; s.mu must be held.
func (s *Server) newSession(w http.ResponseWriter) {
	s.tokens++
	acc := fmt.Sprintf("%sa%d-%s", s.prefix, s.tokens, randomHex(6))
	ref := fmt.Sprintf("%sr%d-%s", s.prefix, s.tokens, randomHex(6))
	s.access[acc] = 0
	s.refresh[ref] = true
	writeJSON(w, map[string]any{"accessJwt": acc, "refreshJwt": ref, "handle": s.cfg.Handle, "did": s.did, "active": true})
}

// createSession follows lexicons/com/atproto/server/createSession.json:
// identifier (handle or DID) and password; a wrong pair is a 401
// AuthenticationRequired, "Invalid identifier or password".
func (s *Server) createSession(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Identifier string `json:"identifier"`
		Password   string `json:"password"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Input must be JSON")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if (in.Identifier != s.cfg.Handle && in.Identifier != s.did) || in.Password != s.cfg.AppPassword {
		xrpcErr(w, http.StatusUnauthorized, "AuthenticationRequired", s.leak("Invalid identifier or password", in.Password))
		return
	}
	s.logins++
	s.newSession(w)
}

// refreshSession takes the refresh token as the bearer and revokes it;
// a revoked or unknown one is a 400 ExpiredToken, "Token has been revoked"
// (packages/pds/src/api/com/atproto/server/refreshSession.ts).
func (s *Server) refreshSession(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > 0 || len(r.TransferEncoding) > 0 {
		// The procedure has no input (packages/xrpc-server/src/util.ts, assertEmptyBody).
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "A request body was provided when none was expected")
		return
	}
	tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.refresh[tok] {
		xrpcErr(w, http.StatusBadRequest, "ExpiredToken", s.leak("Token has been revoked", tok))
		return
	}
	delete(s.refresh, tok)
	s.refreshes++
	s.newSession(w)
}

// authed checks the bearer access token as the PDS's auth verifier does
// (packages/pds/src/auth-verifier.ts): none is a 401 AuthMissing, an
// unknown one a 400 InvalidToken, an expired one a 400 ExpiredToken.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request)) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			xrpcErr(w, http.StatusUnauthorized, "AuthMissing", "Authentication Required")
			return
		}
		s.mu.Lock()
		n, known := s.access[tok]
		switch {
		case !known:
			s.mu.Unlock()
			xrpcErr(w, http.StatusBadRequest, "InvalidToken", s.leak("Token could not be verified", tok))
			return
		case n < 0:
			s.mu.Unlock()
			xrpcErr(w, http.StatusBadRequest, "ExpiredToken", s.leak("Token has expired", tok))
			return
		}
		n++
		if s.cfg.ExpireAfter > 0 && n >= s.cfg.ExpireAfter {
			n = -1 // this call is the token's last
		}
		s.access[tok] = n
		s.mu.Unlock()
		h(w, r)
	}
}

var tidRE = regexp.MustCompile(`^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$`)

// postIn is the part of an app.bsky.feed.post record the server checks.
type postIn struct {
	Type      string `json:"$type"`
	Text      string `json:"text"`
	CreatedAt string `json:"createdAt"`
	Facets    []struct {
		Index struct {
			ByteStart int `json:"byteStart"`
			ByteEnd   int `json:"byteEnd"`
		} `json:"index"`
	} `json:"facets"`
	Reply *struct {
		Root, Parent struct {
			URI string `json:"uri"`
			CID string `json:"cid"`
		}
	} `json:"reply"`
}

// pick returns the fault for this createRecord call, or 0; s.mu held.
func (s *Server) pick() cmkittest.Fault {
	if len(s.queue) > 0 {
		f := s.queue[0]
		s.queue = s.queue[1:]
		return f
	}
	x, r := s.rng.Float64(), s.cfg.Rates
	for _, c := range []struct {
		p float64
		f cmkittest.Fault
	}{{r.Transient, cmkittest.FaultTransient}, {r.RateLimit, cmkittest.FaultRateLimit},
		{r.Permanent, cmkittest.FaultPermanent}, {r.Timeout, cmkittest.FaultTimeout}, {r.LostResponse, cmkittest.FaultLostResponse}} {
		if x < c.p {
			return c.f
		}
		x -= c.p
	}
	return 0
}

// createRecord follows lexicons/com/atproto/repo/createRecord.json and
// the PDS: the record is validated against app.bsky.feed.post (text at
// most 3000 bytes and 300 graphemes, a TID key), and a key that already
// holds a record makes the repository's MST refuse the write ("There is
// already a value at key", packages/repo/src/mst/mst.ts), which reaches
// the client as an HTTP 500 InternalServerError. Writes are rate limited
// with RateLimit-Limit, -Remaining, -Reset (Unix seconds) and -Policy
// headers (packages/xrpc-server/src/rate-limiter-http.ts).
func (s *Server) createRecord(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Repo       string          `json:"repo"`
		Collection string          `json:"collection"`
		Rkey       string          `json:"rkey"`
		Record     json.RawMessage `json:"record"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Input must be JSON")
		return
	}
	s.mu.Lock()
	s.attempts++
	now := s.cfg.Clock.Now()
	if s.cfg.RateLimit > 0 {
		if now.Sub(s.winStart) >= s.cfg.RateWindow || now.Before(s.winStart) {
			s.winStart, s.winUsed = now, 0
		}
		reset := s.winStart.Add(s.cfg.RateWindow)
		w.Header().Set("RateLimit-Limit", strconv.Itoa(s.cfg.RateLimit))
		w.Header().Set("RateLimit-Reset", strconv.FormatInt((reset.UnixMilli()+999)/1000, 10))
		w.Header().Set("RateLimit-Policy", fmt.Sprintf("%d;w=%d", s.cfg.RateLimit, int(s.cfg.RateWindow/time.Second)))
		if s.winUsed >= s.cfg.RateLimit {
			w.Header().Set("RateLimit-Remaining", "0")
			s.mu.Unlock()
			xrpcErr(w, http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
			return
		}
		s.winUsed++
		w.Header().Set("RateLimit-Remaining", strconv.Itoa(s.cfg.RateLimit-s.winUsed))
	}
	fault := s.pick()
	s.mu.Unlock()
	switch fault {
	case cmkittest.FaultTransient:
		xrpcErr(w, http.StatusServiceUnavailable, "ServiceUnavailable", "Service Unavailable")
		return
	case cmkittest.FaultRateLimit:
		w.Header().Set("RateLimit-Limit", "5000")
		w.Header().Set("RateLimit-Remaining", "0")
		w.Header().Set("RateLimit-Reset", strconv.FormatInt(now.Add(30*time.Second).Unix(), 10))
		xrpcErr(w, http.StatusTooManyRequests, "RateLimitExceeded", "Rate Limit Exceeded")
		return
	case cmkittest.FaultTimeout:
		<-r.Context().Done() // the request arrived; no answer until the client gives up
		return
	}
	// A permanent fault stands for content the PDS refuses; the same
	// content under a key that already holds a record met the PDS's
	// checks before, so the duplicate answer comes first.
	status, name, msg, out := s.create(in.Repo, in.Collection, in.Rkey, in.Record, fault == cmkittest.FaultPermanent)
	if fault == cmkittest.FaultLostResponse && status == http.StatusOK {
		lose(w)
		return
	}
	if status != http.StatusOK {
		xrpcErr(w, status, name, msg)
		return
	}
	writeJSON(w, out)
}

// lose closes the connection without an answer.
func lose(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

// create validates and stores a record.
func (s *Server) create(repo, collection, rkey string, raw json.RawMessage, refuse bool) (int, string, string, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if repo != s.did && repo != s.cfg.Handle {
		return http.StatusUnauthorized, "AuthRequired", "Authentication Required", nil
	}
	if collection != "app.bsky.feed.post" {
		return http.StatusBadRequest, "InvalidRequest", "this fake PDS stores posts only", nil
	}
	if !tidRE.MatchString(rkey) {
		return http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record key: must be a TID", nil
	}
	var p postIn
	if err := json.Unmarshal(raw, &p); err != nil || p.Type != "app.bsky.feed.post" {
		return http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record: Record/$type must be app.bsky.feed.post", nil
	}
	if len(p.Text) > 3000 || grapheme.Count(p.Text) > 300 {
		return http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes", nil
	}
	if _, err := time.Parse(time.RFC3339Nano, p.CreatedAt); err != nil {
		return http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record: Record/createdAt must be an valid atproto datetime", nil
	}
	for _, f := range p.Facets {
		a, b := f.Index.ByteStart, f.Index.ByteEnd
		if a < 0 || b <= a || b > len(p.Text) || !utf8.RuneStart(p.Text[a]) || (b < len(p.Text) && !utf8.RuneStart(p.Text[b])) {
			return http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record: facet index out of the text", nil
		}
	}
	if p.Reply != nil && (p.Reply.Root.URI == "" || p.Reply.Root.CID == "" || p.Reply.Parent.URI == "" || p.Reply.Parent.CID == "") {
		return http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record: reply refs need uri and cid", nil
	}
	if old, ok := s.records[s.uri(s.did, rkey)]; ok && !old.deleted {
		return http.StatusInternalServerError, "InternalServerError", "There is already a value at key: app.bsky.feed.post/" + rkey, nil
	}
	if refuse {
		return http.StatusBadRequest, "InvalidRequest", "Invalid app.bsky.feed.post record: refused", nil
	}
	rec := s.put(s.did, rkey, raw, p.Text)
	s.creates++
	if p.Reply != nil {
		if parent, ok := s.records[p.Reply.Parent.URI]; ok {
			parent.replies++
		}
	}
	return http.StatusOK, "", "", map[string]any{"uri": rec.uri, "cid": rec.cid,
		"commit":           map[string]string{"cid": "bafyreicommit" + randomHex(4), "rev": tidAt(s.cfg.Clock.Now(), s.creates)},
		"validationStatus": "valid"}
}

// getRecord answers a missing record with a 400 RecordNotFound, "Could
// not locate record: URI" (packages/pds/src/api/com/atproto/repo/getRecord.ts).
func (s *Server) getRecord(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	repo := q.Get("repo")
	if did, ok := s.handles[repo]; ok {
		repo = did
	}
	uri := "at://" + repo + "/" + q.Get("collection") + "/" + q.Get("rkey")
	rec, ok := s.records[uri]
	s.mu.Unlock()
	if !ok || rec.deleted {
		xrpcErr(w, http.StatusBadRequest, "RecordNotFound", "Could not locate record: "+uri)
		return
	}
	writeJSON(w, map[string]any{"uri": rec.uri, "cid": rec.cid, "value": rec.value})
}

// deleteRecord is a no-op for a record that does not exist
// (packages/pds/src/api/com/atproto/repo/deleteRecord.ts).
func (s *Server) deleteRecord(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Repo       string `json:"repo"`
		Collection string `json:"collection"`
		Rkey       string `json:"rkey"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Input must be JSON")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.Repo != s.did && in.Repo != s.cfg.Handle {
		xrpcErr(w, http.StatusUnauthorized, "AuthRequired", "Authentication Required")
		return
	}
	if rec, ok := s.records["at://"+s.did+"/"+in.Collection+"/"+in.Rkey]; ok {
		rec.deleted = true
	}
	writeJSON(w, map[string]any{})
}

// resolveHandle answers an unknown handle as the PDS does: a 400
// InvalidRequest, "Unable to resolve handle"
// (packages/pds/src/api/com/atproto/identity/resolveHandle.ts).
func (s *Server) resolveHandle(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	did, ok := s.handles[strings.ToLower(r.URL.Query().Get("handle"))]
	s.mu.Unlock()
	if !ok {
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Unable to resolve handle")
		return
	}
	writeJSON(w, map[string]string{"did": did})
}

// listNotifications serves the newest first, limit 1 to 100 (default
// 50), and a cursor that is the last served indexedAt; the next page holds
// what was indexed before it. reasons filters by reason
// (lexicons/app/bsky/notification/listNotifications.json).
func (s *Server) listNotifications(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 50
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "limit must be an integer from 1 to 100")
			return
		}
		limit = n
	}
	reasons := q["reasons"]
	cursor := q.Get("cursor")
	s.mu.Lock()
	defer s.mu.Unlock()
	list := make([]map[string]any, 0, limit)
	last := ""
	for i := len(s.notifs) - 1; i >= 0 && len(list) < limit; i-- {
		n := s.notifs[i]
		if cursor != "" && n.indexedAt >= cursor {
			continue
		}
		if len(reasons) > 0 && !contains(reasons, n.reason) {
			continue
		}
		rec := s.records[n.uri]
		list = append(list, map[string]any{"uri": n.uri, "cid": rec.cid, "reason": n.reason,
			"author": map[string]string{"did": n.author, "handle": n.handle}, "record": rec.value,
			"isRead": false, "indexedAt": n.indexedAt})
		last = n.indexedAt
	}
	out := map[string]any{"notifications": list}
	if len(list) == limit {
		out["cursor"] = last
	}
	writeJSON(w, out)
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// getPosts returns views of the posts it knows among uris (at most 25),
// in the order asked, and leaves out the others.
func (s *Server) getPosts(w http.ResponseWriter, r *http.Request) {
	uris := r.URL.Query()["uris"]
	if len(uris) > 25 {
		xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "uris must not have more than 25 elements")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	posts := []map[string]any{}
	for _, u := range uris {
		rec, ok := s.records[u]
		if !ok || rec.deleted {
			continue
		}
		posts = append(posts, map[string]any{"uri": rec.uri, "cid": rec.cid, "record": rec.value,
			"likeCount": rec.likes, "repostCount": rec.reposts, "replyCount": rec.replies, "quoteCount": rec.quotes,
			"indexedAt": s.cfg.Clock.Now().UTC().Format(time.RFC3339)})
	}
	writeJSON(w, map[string]any{"posts": posts})
}

// getProfile answers the account's profile (and a bare one for another
// known handle or DID).
func (s *Server) getProfile(w http.ResponseWriter, r *http.Request) {
	actor := r.URL.Query().Get("actor")
	s.mu.Lock()
	defer s.mu.Unlock()
	if actor == s.did || actor == s.cfg.Handle {
		posts := 0
		for _, rec := range s.records {
			if !rec.deleted && strings.HasPrefix(rec.uri, "at://"+s.did+"/") {
				posts++
			}
		}
		writeJSON(w, map[string]any{"did": s.did, "handle": s.cfg.Handle, "followersCount": s.followers,
			"followsCount": 0, "postsCount": posts})
		return
	}
	xrpcErr(w, http.StatusBadRequest, "InvalidRequest", "Profile not found")
}
