// Package mastodontest is a fake Mastodon server for tests and examples, in
// the way net/http/httptest and gocloud's memblob are: a real HTTP server on
// the loopback interface that answers the part of Mastodon's REST API the
// mastodon adapter uses, with Mastodon's request shapes, bearer-token auth,
// Link-header pagination, JSON error bodies ({"error": "..."}) and
// X-RateLimit-* headers, as documented at docs.joinmastodon.org/methods
// (statuses, accounts, notifications, search, reports) and
// docs.joinmastodon.org/api/rate-limits.
//
// It models Mastodon's Idempotency-Key the way Mastodon implements it
// (mastodon/mastodon app/services/post_status_service.rb): the key is looked
// up before the status is created and stored, for IdempotencyWindow (one
// hour, "redis.setex(idempotency_key, 3_600, @status.id)"), only after it
// was created. So two requests with one key that overlap may both create a
// status, and a request after the window creates a new one. The window runs
// on the injected clock.
//
// It can be told to fail the way real servers fail (see cmkittest.Fault), and it
// records, for tests only, the Idempotency-Key each status was created
// with (Count), which real Mastodon never shows to a client.
package mastodontest

import (
	"encoding/json"
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
)

// IdempotencyWindow is how long Mastodon remembers an Idempotency-Key:
// 3,600 seconds, set by PostStatusService with
// redis.setex(idempotency_key, 3_600, @status.id)
// (mastodon/mastodon app/services/post_status_service.rb, key
// "idempotency:status:<account id>:<key>", checked 2026-12-02).
const IdempotencyWindow = time.Hour

// Config configures a Server. The zero Config is usable.
type Config struct {
	// Clock is the server's time: created_at, rate-limit windows and the
	// idempotency window. Nil means the system clock.
	Clock cmkit.Clock
	// Token is the bearer token the server accepts; empty means
	// "mastodontest-token".
	Token string
	// Username is the account's username; empty means "acme".
	Username string
	// Followers is the account's followers_count.
	Followers int64
	// MaxCharacters is the server's status length limit, counted as
	// Mastodon counts (cmkit's Limits for Mastodon); 0 means 500.
	MaxCharacters int
	// IdempotencyWindow is how long a key is kept; 0 means
	// IdempotencyWindow. Tests shorten it to make late retries frequent.
	IdempotencyWindow time.Duration
	// RateLimit is how many statuses (POST /api/v1/statuses) the account
	// may create per RateWindow; 0 means 300, Mastodon's documented
	// per-account default. Other requests count apart, against
	// ReadRateLimit.
	RateLimit int
	// ReadRateLimit is how many other requests the account may make per
	// RateWindow; 0 means 300.
	ReadRateLimit int
	// RateWindow is the rate-limit period; 0 means 5 minutes.
	RateWindow time.Duration
	// Rates are random faults on status creation.
	Rates cmkittest.FaultRates
	// Seed seeds the random faults.
	Seed uint64
	// LeakToken makes every error body carry the token, to test that a
	// client never repeats an error body's credentials.
	LeakToken bool
}

// status is one stored status.
type status struct {
	id, accountID, text, spoiler, visibility, language, inReplyTo, inReplyToAccount string
	media                                                                           []string
	sensitive                                                                       bool
	createdAt                                                                       time.Time
	key                                                                             string // Idempotency-Key it was created with (test knowledge)
	favs, boosts                                                                    int64
	deleted                                                                         bool
}

type account struct {
	id, username, acct, display string
	followers                   int64
	createdAt                   time.Time
}

type notification struct{ id, statusID, typ string }

type idemEntry struct {
	statusID string
	expires  time.Time
}

// Server is a fake Mastodon server. It is safe for concurrent use.
type Server struct {
	cfg  Config
	srv  *httptest.Server
	mu   sync.Mutex
	held atomic.Int64 // status creations a timeout fault holds
	rnd  *rand.Rand
	next uint64

	replies      map[string]int // status ID -> live replies
	accounts     map[string]*account
	statuses     map[string]*status
	order        []string // status IDs in creation order
	notes        []notification
	idem         map[string]idemEntry
	queue        []cmkittest.Fault
	muted        map[string]bool
	blocked      map[string]bool
	reports      []Report
	attempts     int
	windows      [2]rateWindow // writes, reads
	limits       cmkit.Limits
	ownAccountID string
}

type rateWindow struct {
	start time.Time
	calls int
}

// Report is a report the account filed (POST /api/v1/reports).
type Report struct {
	AccountID string
	StatusIDs []string
	Comment   string
}

// NewServer starts a fake server; Close stops it.
func NewServer(cfg Config) *Server {
	if cfg.Clock == nil {
		cfg.Clock = cmkit.SystemClock()
	}
	if cfg.Token == "" {
		cfg.Token = "mastodontest-token"
	}
	if cfg.Username == "" {
		cfg.Username = "acme"
	}
	if cfg.MaxCharacters == 0 {
		cfg.MaxCharacters = 500
	}
	if cfg.IdempotencyWindow == 0 {
		cfg.IdempotencyWindow = IdempotencyWindow
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = 300
	}
	if cfg.ReadRateLimit == 0 {
		cfg.ReadRateLimit = 300
	}
	if cfg.RateWindow == 0 {
		cfg.RateWindow = 5 * time.Minute
	}
	l, _ := cmkit.PlatformLimits(cmkit.Mastodon)
	l.MaxLength = cfg.MaxCharacters
	s := &Server{cfg: cfg, rnd: rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		next: 109_000_000_000_000_000, accounts: map[string]*account{}, statuses: map[string]*status{},
		idem: map[string]idemEntry{}, replies: map[string]int{}, muted: map[string]bool{}, blocked: map[string]bool{}, limits: l}
	own := s.newAccountLocked(cfg.Username, "Acme")
	own.followers = cfg.Followers
	s.ownAccountID = own.id
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the server's base address, for MASTODON_SERVER.
func (s *Server) URL() string { return s.srv.URL }

// Token is the bearer token the server accepts.
func (s *Server) Token() string { return s.cfg.Token }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// AccountID is the ID of the token's account.
func (s *Server) AccountID() string { return s.ownAccountID }

// Inject queues faults for the next status creations, in order. The
// server answers FaultTransient with a 503 and FaultRateLimit with a 429
// and X-RateLimit-* headers, both before creating anything; FaultPermanent
// with a 422, as Mastodon does for a status it refuses; FaultTimeout by
// reading the request and never answering; FaultLostResponse by creating
// the status, then closing the connection without an answer.
func (s *Server) Inject(f ...cmkittest.Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, f...)
}

// Held reports how many status creations a timeout fault holds unanswered
// now. A test that simulates time waits, before it moves its clock, until
// every request in flight is one of these.
func (s *Server) Held() int { return int(s.held.Load()) }

// Attempts counts the status creations the server received.
func (s *Server) Attempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attempts
}

// Count reports how many live statuses were created with the
// Idempotency-Key key (a cmkit post ID): test knowledge, which the API
// does not expose.
func (s *Server) Count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, st := range s.statuses {
		if st.key == key && !st.deleted {
			n++
		}
	}
	return n
}

// Text returns the source text of a live status, and false when there is
// none.
func (s *Server) Text(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, ok := s.statuses[id]
	if !ok || st.deleted {
		return "", false
	}
	return st.text, true
}

// SetCounts sets a status's favourites and boosts.
func (s *Server) SetCounts(id string, favourites, boosts int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.statuses[id]; ok {
		st.favs, st.boosts = favourites, boosts
	}
}

// Muted reports whether the account mutes accountID.
func (s *Server) Muted(accountID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.muted[accountID]
}

// Blocked reports whether the account blocks accountID.
func (s *Server) Blocked(accountID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.blocked[accountID]
}

// Reports returns the reports the account filed.
func (s *Server) Reports() []Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reports)
}

// AddMention makes the user from (created on first use) post text that
// mentions the account, replying to inReplyTo when it is not empty, and
// notifies the account. It returns the new status's ID.
func (s *Server) AddMention(from, text, inReplyTo string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accountLocked(from)
	st := s.createLocked(a.id, "@"+s.cfg.Username+" "+text, "", "public", "en", inReplyTo, nil, false, "")
	s.next++
	s.notes = append(s.notes, notification{id: strconv.FormatUint(s.next, 10), statusID: st.id, typ: "mention"})
	return st.id
}

// AddPublic makes the user from post text publicly, without mentioning the
// account, and returns the status's ID.
func (s *Server) AddPublic(from, text string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.accountLocked(from)
	return s.createLocked(a.id, text, "", "public", "en", "", nil, false, "").id
}

func (s *Server) accountLocked(username string) *account {
	for _, a := range s.accounts {
		if a.username == username {
			return a
		}
	}
	return s.newAccountLocked(username, username)
}

func (s *Server) newAccountLocked(username, display string) *account {
	s.next++
	a := &account{id: strconv.FormatUint(s.next, 10), username: username, acct: username, display: display,
		createdAt: s.cfg.Clock.Now().Add(-24 * time.Hour)}
	s.accounts[a.id] = a
	return a
}

func (s *Server) createLocked(accountID, text, spoiler, vis, lang, inReplyTo string, media []string, sensitive bool, key string) *status {
	s.next++
	st := &status{id: strconv.FormatUint(s.next, 10), accountID: accountID, text: text, spoiler: spoiler,
		visibility: vis, language: lang, inReplyTo: inReplyTo, media: media, sensitive: sensitive,
		createdAt: s.cfg.Clock.Now().UTC(), key: key}
	if p, ok := s.statuses[inReplyTo]; ok {
		st.inReplyToAccount = p.accountID
		s.replies[inReplyTo]++
	}
	s.statuses[st.id] = st
	s.order = append(s.order, st.id)
	return st
}

// routes: method and path pattern, as Mastodon names them.
var (
	reStatus   = regexp.MustCompile(`^/api/v1/statuses/([0-9]+)$`)
	reSource   = regexp.MustCompile(`^/api/v1/statuses/([0-9]+)/source$`)
	reAccount  = regexp.MustCompile(`^/api/v1/accounts/([0-9]+)$`)
	reAcctStat = regexp.MustCompile(`^/api/v1/accounts/([0-9]+)/statuses$`)
	reRelation = regexp.MustCompile(`^/api/v1/accounts/([0-9]+)/(mute|unmute|block|unblock)$`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Context().Err() != nil {
		return // the client is gone
	}
	if r.Header.Get("Authorization") != "Bearer "+s.cfg.Token {
		// docs.joinmastodon.org/methods/statuses: 401 "The access token is invalid".
		s.fail(w, http.StatusUnauthorized, "The access token is invalid")
		return
	}
	if !s.rateOK(w, r) {
		return
	}
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && p == "/api/v1/statuses":
		s.postStatus(w, r)
	case r.Method == http.MethodGet && p == "/api/v1/accounts/verify_credentials":
		s.mu.Lock()
		a := s.accounts[s.ownAccountID]
		body := s.accountJSON(a)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, body)
	case r.Method == http.MethodGet && reAccount.MatchString(p):
		s.mu.Lock()
		a, ok := s.accounts[reAccount.FindStringSubmatch(p)[1]]
		var body any
		if ok {
			body = s.accountJSON(a)
		}
		s.mu.Unlock()
		if !ok {
			s.fail(w, http.StatusNotFound, "Record not found")
			return
		}
		writeJSON(w, http.StatusOK, body)
	case r.Method == http.MethodGet && reAcctStat.MatchString(p):
		s.accountStatuses(w, r, reAcctStat.FindStringSubmatch(p)[1])
	case r.Method == http.MethodGet && reSource.MatchString(p):
		s.mu.Lock()
		st := s.liveLocked(reSource.FindStringSubmatch(p)[1])
		var body any
		if st != nil && st.accountID == s.ownAccountID {
			body = map[string]string{"id": st.id, "text": st.text, "spoiler_text": st.spoiler}
		}
		s.mu.Unlock()
		if body == nil {
			s.fail(w, http.StatusNotFound, "Record not found")
			return
		}
		writeJSON(w, http.StatusOK, body)
	case reStatus.MatchString(p) && (r.Method == http.MethodGet || r.Method == http.MethodDelete):
		s.oneStatus(w, r, reStatus.FindStringSubmatch(p)[1])
	case r.Method == http.MethodGet && p == "/api/v1/notifications":
		s.notifications(w, r)
	case r.Method == http.MethodGet && p == "/api/v2/search":
		s.search(w, r)
	case r.Method == http.MethodPost && reRelation.MatchString(p):
		m := reRelation.FindStringSubmatch(p)
		s.mu.Lock()
		_, ok := s.accounts[m[1]]
		if ok {
			switch m[2] {
			case "mute":
				s.muted[m[1]] = true
			case "unmute":
				delete(s.muted, m[1])
			case "block":
				s.blocked[m[1]] = true
			case "unblock":
				delete(s.blocked, m[1])
			}
		}
		rel := map[string]any{"id": m[1], "muting": s.muted[m[1]], "blocking": s.blocked[m[1]]}
		s.mu.Unlock()
		if !ok {
			s.fail(w, http.StatusNotFound, "Record not found")
			return
		}
		writeJSON(w, http.StatusOK, rel)
	case r.Method == http.MethodPost && p == "/api/v1/reports":
		var in struct {
			AccountID string   `json:"account_id"`
			StatusIDs []string `json:"status_ids"`
			Comment   string   `json:"comment"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.AccountID == "" {
			s.fail(w, http.StatusUnprocessableEntity, "Validation failed: account_id is missing")
			return
		}
		s.mu.Lock()
		_, ok := s.accounts[in.AccountID]
		if ok {
			s.reports = append(s.reports, Report{AccountID: in.AccountID, StatusIDs: in.StatusIDs, Comment: in.Comment})
		}
		s.next++
		id := strconv.FormatUint(s.next, 10)
		s.mu.Unlock()
		if !ok {
			s.fail(w, http.StatusNotFound, "Record not found")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": id, "action_taken": false, "comment": in.Comment})
	default:
		s.fail(w, http.StatusNotFound, "Not found")
	}
}

// rateOK counts the request against the account's window (status
// creations apart from other requests) and sets X-RateLimit-Limit,
// X-RateLimit-Remaining and X-RateLimit-Reset (an ISO 8601 time), as
// docs.joinmastodon.org/api/rate-limits describes; past the limit it
// answers 429 and returns false.
func (s *Server) rateOK(w http.ResponseWriter, r *http.Request) bool {
	i, limit := 1, s.cfg.ReadRateLimit
	if r.Method == http.MethodPost && r.URL.Path == "/api/v1/statuses" {
		i, limit = 0, s.cfg.RateLimit
	}
	s.mu.Lock()
	now := s.cfg.Clock.Now()
	start := now.Truncate(s.cfg.RateWindow)
	win := &s.windows[i]
	if !start.Equal(win.start) {
		win.start, win.calls = start, 0
	}
	win.calls++
	over := win.calls > limit
	remaining := max(limit-win.calls, 0)
	reset := start.Add(s.cfg.RateWindow)
	s.mu.Unlock()
	rateHeaders(w, limit, remaining, reset)
	if over {
		s.fail(w, http.StatusTooManyRequests, "Too many requests")
		return false
	}
	return true
}

func rateHeaders(w http.ResponseWriter, limit, remaining int, reset time.Time) {
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Reset", reset.UTC().Format("2006-01-02T15:04:05.000000Z"))
}

// statusParams is the JSON body of POST /api/v1/statuses
// (docs.joinmastodon.org/methods/statuses/#create).
type statusParams struct {
	Status      string   `json:"status"`
	MediaIDs    []string `json:"media_ids"`
	InReplyToID string   `json:"in_reply_to_id"`
	Sensitive   bool     `json:"sensitive"`
	SpoilerText string   `json:"spoiler_text"`
	Visibility  string   `json:"visibility"`
	Language    string   `json:"language"`
	ScheduledAt string   `json:"scheduled_at"`
}

func (s *Server) postStatus(w http.ResponseWriter, r *http.Request) {
	var in statusParams
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		s.fail(w, http.StatusBadRequest, "Invalid JSON")
		return
	}
	key := r.Header.Get("Idempotency-Key")
	s.mu.Lock()
	s.attempts++
	// 1. The key is looked up first ...
	if key != "" {
		if e, ok := s.idem[key]; ok && s.cfg.Clock.Now().Before(e.expires) {
			st := s.liveLocked(e.statusID)
			var body any
			if st != nil {
				body = s.statusJSON(st)
			}
			s.mu.Unlock()
			if body == nil {
				s.fail(w, http.StatusNotFound, "Record not found")
				return
			}
			writeJSON(w, http.StatusOK, body)
			return
		}
	}
	fault := cmkittest.Fault(0)
	if len(s.queue) > 0 {
		fault, s.queue = s.queue[0], s.queue[1:]
	} else {
		fault = s.randomFaultLocked()
	}
	s.mu.Unlock()

	switch fault {
	case cmkittest.FaultTransient:
		s.fail(w, http.StatusServiceUnavailable, "Service Unavailable")
		return
	case cmkittest.FaultRateLimit:
		rateHeaders(w, s.cfg.RateLimit, 0, s.cfg.Clock.Now().Add(30*time.Second))
		s.fail(w, http.StatusTooManyRequests, "Too many requests")
		return
	case cmkittest.FaultPermanent:
		s.fail(w, http.StatusUnprocessableEntity, "Validation failed: Text contains forbidden content")
		return
	case cmkittest.FaultTimeout:
		s.held.Add(1)
		<-r.Context().Done() // the client gave up
		s.held.Add(-1)
		return
	}

	vis := in.Visibility
	if vis == "" {
		vis = "public"
	}
	if !slices.Contains([]string{"public", "unlisted", "private", "direct"}, vis) {
		s.fail(w, http.StatusUnprocessableEntity, "Validation failed: Visibility is not included in the list")
		return
	}
	if strings.TrimSpace(in.Status) == "" && len(in.MediaIDs) == 0 {
		s.fail(w, http.StatusUnprocessableEntity, "Validation failed: Text can't be blank")
		return
	}
	// app/validators/status_length_validator.rb: text and spoiler_text together.
	if n := s.limits.Count(in.SpoilerText + in.Status); n > s.cfg.MaxCharacters {
		s.fail(w, http.StatusUnprocessableEntity, fmt.Sprintf("Validation failed: Text character limit of %d exceeded", s.cfg.MaxCharacters))
		return
	}
	if len(in.MediaIDs) > 4 {
		s.fail(w, http.StatusUnprocessableEntity, "Validation failed: Cannot attach more than 4 files")
		return
	}
	s.mu.Lock()
	if in.InReplyToID != "" && s.liveLocked(in.InReplyToID) == nil {
		s.mu.Unlock()
		// Api::V1::StatusesController#set_thread answers 404.
		s.fail(w, http.StatusNotFound, "The post you are trying to reply to does not appear to exist.")
		return
	}
	st := s.createLocked(s.ownAccountID, in.Status, in.SpoilerText, vis, in.Language, in.InReplyToID, in.MediaIDs, in.Sensitive, key)
	body := s.statusJSON(st)
	s.mu.Unlock()
	// 2. ... and stored only after the status was created.
	if key != "" {
		s.mu.Lock()
		s.idem[key] = idemEntry{statusID: st.id, expires: s.cfg.Clock.Now().Add(s.cfg.IdempotencyWindow)}
		s.mu.Unlock()
	}
	if fault == cmkittest.FaultLostResponse {
		hijack(w)
		return
	}
	writeJSON(w, http.StatusOK, body)
}

func hijack(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

func (s *Server) randomFaultLocked() cmkittest.Fault {
	x := s.rnd.Float64()
	r := s.cfg.Rates
	for _, c := range []struct {
		p float64
		f cmkittest.Fault
	}{{r.Transient, cmkittest.FaultTransient}, {r.RateLimit, cmkittest.FaultRateLimit}, {r.Permanent, cmkittest.FaultPermanent},
		{r.Timeout, cmkittest.FaultTimeout}, {r.LostResponse, cmkittest.FaultLostResponse}} {
		if x < c.p {
			return c.f
		}
		x -= c.p
	}
	return 0
}

func (s *Server) liveLocked(id string) *status {
	st, ok := s.statuses[id]
	if !ok || st.deleted {
		return nil
	}
	return st
}

func (s *Server) oneStatus(w http.ResponseWriter, r *http.Request, id string) {
	s.mu.Lock()
	st := s.liveLocked(id)
	if st == nil {
		s.mu.Unlock()
		s.fail(w, http.StatusNotFound, "Record not found")
		return
	}
	if r.Method == http.MethodDelete {
		if st.accountID != s.ownAccountID {
			s.mu.Unlock()
			s.fail(w, http.StatusForbidden, "This action is not allowed")
			return
		}
		st.deleted = true
		if st.inReplyTo != "" {
			s.replies[st.inReplyTo]--
		}
	}
	body := s.statusJSON(st)
	if r.Method == http.MethodDelete {
		body["text"] = st.text // delete answers with the source, for "delete and redraft"
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, body)
}

// page selects up to limit of ids (ascending) by max_id, since_id and
// min_id as Mastodon's paginate_by_id does: with min_id the items just
// after it, otherwise the newest ones below max_id; the answer is newest
// first, with a Link header to the next (older) and previous (newer) pages.
func page(w http.ResponseWriter, r *http.Request, ids []string, def, most int) []string {
	q := r.URL.Query()
	limit := def
	if v, err := strconv.Atoi(q.Get("limit")); err == nil && v > 0 {
		limit = min(v, most)
	}
	num := func(k string) (uint64, bool) {
		v, err := strconv.ParseUint(q.Get(k), 10, 64)
		return v, err == nil
	}
	var sel []string
	for _, id := range ids {
		n, _ := strconv.ParseUint(id, 10, 64)
		if m, ok := num("max_id"); ok && n >= m {
			continue
		}
		if m, ok := num("since_id"); ok && n <= m {
			continue
		}
		if m, ok := num("min_id"); ok && n <= m {
			continue
		}
		sel = append(sel, id)
	}
	if _, ok := num("min_id"); ok {
		sel = sel[:min(limit, len(sel))]
	} else {
		sel = sel[max(len(sel)-limit, 0):]
	}
	slices.Reverse(sel)
	if len(sel) > 0 {
		base := *r.URL
		base.Scheme, base.Host = "http", r.Host
		link := func(k, v string) string {
			u := base
			qq := u.Query()
			qq.Del("max_id")
			qq.Del("min_id")
			qq.Del("since_id")
			qq.Set(k, v)
			u.RawQuery = qq.Encode()
			return u.String()
		}
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="prev"`,
			link("max_id", sel[len(sel)-1]), link("min_id", sel[0])))
	}
	return sel
}

func (s *Server) accountStatuses(w http.ResponseWriter, r *http.Request, accountID string) {
	s.mu.Lock()
	if _, ok := s.accounts[accountID]; !ok {
		s.mu.Unlock()
		s.fail(w, http.StatusNotFound, "Record not found")
		return
	}
	var ids []string
	for _, id := range s.order {
		if st := s.statuses[id]; !st.deleted && st.accountID == accountID {
			ids = append(ids, id)
		}
	}
	out := []map[string]any{}
	for _, id := range page(w, r, ids, 20, 40) {
		out = append(out, s.statusJSON(s.statuses[id]))
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) notifications(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	types := r.URL.Query()["types[]"]
	var ids []string
	byID := map[string]notification{}
	for _, n := range s.notes {
		if len(types) > 0 && !slices.Contains(types, n.typ) {
			continue
		}
		if s.liveLocked(n.statusID) == nil {
			continue
		}
		ids = append(ids, n.id)
		byID[n.id] = n
	}
	out := []map[string]any{}
	for _, id := range page(w, r, ids, 40, 80) {
		n := byID[id]
		st := s.statuses[n.statusID]
		out = append(out, map[string]any{"id": n.id, "type": n.typ, "created_at": st.createdAt.Format(time.RFC3339Nano),
			"account": s.accountJSON(s.accounts[st.accountID]), "status": s.statusJSON(st)})
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// search answers GET /api/v2/search?type=statuses: the public statuses
// holding every word of q, paginated by ID like the other lists.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	words := strings.Fields(strings.ToLower(r.URL.Query().Get("q")))
	var ids []string
	for _, id := range s.order {
		st := s.statuses[id]
		if st.deleted || st.visibility != "public" || st.accountID == s.ownAccountID || len(words) == 0 {
			continue
		}
		have := strings.FieldsFunc(strings.ToLower(st.text), func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '@' || r == '_')
		})
		all := true
		for _, wd := range words {
			all = all && slices.Contains(have, wd)
		}
		if all {
			ids = append(ids, id)
		}
	}
	out := []map[string]any{}
	for _, id := range page(w, r, ids, 20, 40) {
		out = append(out, s.statusJSON(s.statuses[id]))
	}
	w.Header().Del("Link") // search answers carry no Link header
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"accounts": []any{}, "statuses": out, "hashtags": []any{}})
}

func (s *Server) accountJSON(a *account) map[string]any {
	return map[string]any{"id": a.id, "username": a.username, "acct": a.acct, "display_name": a.display,
		"followers_count": a.followers, "created_at": a.createdAt.UTC().Format(time.RFC3339Nano),
		"url": s.srv.URL + "/@" + a.username}
}

func (s *Server) statusJSON(st *status) map[string]any {
	replies := s.replies[st.id]
	a := s.accounts[st.accountID]
	media := []map[string]any{}
	for _, m := range st.media {
		media = append(media, map[string]any{"id": m, "type": "image"})
	}
	out := map[string]any{"id": st.id, "created_at": st.createdAt.Format("2006-01-02T15:04:05.000Z"),
		"in_reply_to_id": nullable(st.inReplyTo), "in_reply_to_account_id": nullable(st.inReplyToAccount),
		"sensitive": st.sensitive, "spoiler_text": st.spoiler, "visibility": st.visibility,
		"language": nullable(st.language), "uri": s.srv.URL + "/users/" + a.username + "/statuses/" + st.id,
		"url": s.srv.URL + "/@" + a.username + "/" + st.id, "replies_count": replies, "reblogs_count": st.boosts,
		"favourites_count": st.favs, "content": render(st.text), "account": s.accountJSON(a),
		"media_attachments": media, "edited_at": nil}
	return out
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var reURL = regexp.MustCompile(`https?://[^\s<]+`)

// render turns a plain-text status into HTML as Mastodon's TextFormatter
// does, in the parts the adapter reads: escaped text, paragraphs on blank
// lines, <br /> on line breaks, links as anchors whose text is split into
// spans.
func render(text string) string {
	var b strings.Builder
	for i, para := range strings.Split(text, "\n\n") {
		if i > 0 {
			b.WriteString("</p>")
		}
		b.WriteString("<p>")
		last := 0
		for _, m := range reURL.FindAllStringIndex(para, -1) {
			b.WriteString(strings.ReplaceAll(html.EscapeString(para[last:m[0]]), "\n", "<br />"))
			u := para[m[0]:m[1]]
			scheme, rest, _ := strings.Cut(u, "://")
			fmt.Fprintf(&b, `<a href="%s" rel="nofollow noopener" target="_blank"><span class="invisible">%s://</span><span class="">%s</span></a>`,
				html.EscapeString(u), scheme, html.EscapeString(rest))
			last = m[1]
		}
		b.WriteString(strings.ReplaceAll(html.EscapeString(para[last:]), "\n", "<br />"))
	}
	b.WriteString("</p>")
	return b.String()
}

func (s *Server) fail(w http.ResponseWriter, code int, msg string) {
	if s.cfg.LeakToken {
		msg += " (token " + s.cfg.Token + ", " + url.QueryEscape(s.cfg.Token) + ")"
	}
	writeJSON(w, code, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
