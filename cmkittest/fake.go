package cmkittest

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// Fault is a failure the fake platform can be told to answer with, the way
// real platforms fail. Each one is classified the way a correct adapter
// would classify it (see cmkit.Classify).
//
// Write calls (Publish, PublishReply, Reply) fail by Inject and
// FakeConfig.Rates; reads (ReadMentions and Search) by InjectRead,
// FakeConfig.ReadCycle and FakeConfig.ReadRates, apart, so that a reader's
// faults never consume a publisher's. A read changes nothing on the
// platform whatever the fault: FaultTimeout gives up before the platform
// answered, FaultLostResponse after it served the page, and both return
// cmkit.ErrAmbiguous and no page, so a reader that keeps its cursor until a
// page arrives loses nothing and reads nothing twice.
type Fault int

// The faults. Only FaultLostResponse publishes the post.
const (
	// FaultTransient answers like an HTTP 503: nothing published,
	// cmkit.ErrTransient.
	FaultTransient Fault = iota + 1
	// FaultRateLimit answers like an HTTP 429: nothing published, a
	// *cmkit.RateLimitError with RetryAfter.
	FaultRateLimit
	// FaultPermanent answers like an HTTP 400 or 403: nothing published,
	// cmkit.ErrPermanent.
	FaultPermanent
	// FaultTimeout times out before the platform applied the call: nothing
	// published, but the caller cannot know, so cmkit.ErrAmbiguous.
	FaultTimeout
	// FaultLostResponse is the nasty one: the platform published the post,
	// then the answer was lost. cmkit.ErrAmbiguous; a blind retry
	// double-posts unless the channel is idempotent.
	FaultLostResponse
)

var faultNames = [...]string{"", "transient", "rate-limit", "permanent", "timeout", "lost-response"}

// String returns the fault's name, such as "lost-response".
func (f Fault) String() string {
	if f > 0 && int(f) < len(faultNames) {
		return faultNames[f]
	}
	return "Fault(" + strconv.Itoa(int(f)) + ")"
}

// Faults lists every Fault, in declaration order.
func Faults() []Fault {
	return []Fault{FaultTransient, FaultRateLimit, FaultPermanent, FaultTimeout, FaultLostResponse}
}

// FaultRates gives the probability, from 0 to 1, that a call fails with each
// fault when no injected fault is queued: write calls (Publish or Reply) in
// FakeConfig.Rates, reads in FakeConfig.ReadRates. The sum must not exceed 1.
type FaultRates struct {
	Transient    float64 // probability of FaultTransient
	RateLimit    float64 // probability of FaultRateLimit
	Permanent    float64 // probability of FaultPermanent
	Timeout      float64 // probability of FaultTimeout
	LostResponse float64 // probability of FaultLostResponse
}

// validate reports a rate out of [0, 1], or rates that add up to more than
// 1, naming field.
func (r FaultRates) validate(field string) error {
	sum := 0.0
	for _, p := range []float64{r.Transient, r.RateLimit, r.Permanent, r.Timeout, r.LostResponse} {
		if !(p >= 0 && p <= 1) {
			return cmkit.Invalid(field, "range", "each rate must be within [0, 1], got %v", p)
		}
		sum += p
	}
	if sum > 1 {
		return cmkit.Invalid(field, "range", "rates add up to %v, more than 1", sum)
	}
	return nil
}

func (r FaultRates) pick(x float64) Fault {
	for _, c := range []struct {
		p float64
		f Fault
	}{{r.Transient, FaultTransient}, {r.RateLimit, FaultRateLimit}, {r.Permanent, FaultPermanent},
		{r.Timeout, FaultTimeout}, {r.LostResponse, FaultLostResponse}} {
		if x < c.p {
			return c.f
		}
		x -= c.p
	}
	return 0
}

// FakeConfig configures a FakeChannel. Only Info.ID is required.
type FakeConfig struct {
	// Info is what the channel says about itself. Platform defaults to
	// "fake"; Limits.MaxLength to 500; RetrySafety decides how the fake
	// behaves: RetryIdempotent publishes each Post.ID once,
	// RetryAfterLookup answers FindPost, RetryUnsafe does neither (FindPost
	// answers ErrUnsupported) and publishes every call, duplicates included,
	// as a real platform would.
	Info cmkit.ChannelInfo
	// Clock dates receipts and mentions and drives the rate limit. Default
	// cmkit.SystemClock().
	Clock cmkit.Clock
	// Count, when set, measures a text against Info.Limits.MaxLength
	// instead of the platform's own counting. Default: Info.Limits.Count,
	// which counts the way the platform does (Counting, URLLength,
	// MentionLocalPart or Limits.Counter).
	Count func(text string) int
	// RateLimit is how many write calls the platform accepts per
	// RateWindow; the next one gets a *cmkit.RateLimitError whose
	// RetryAfter is the rest of the window. Zero means no limit.
	RateLimit int
	// RateWindow is the length of a rate-limit window (for RateLimit and
	// ReadRateLimit, each counting its own), which starts with the first
	// call after the previous window ended; at most cmkit.MaxRetryAfter.
	RateWindow time.Duration
	// Rates injects random faults into write calls.
	Rates FaultRates
	// ReadRateLimit is how many reads (ReadMentions and Search calls
	// together, counted apart from write calls) the platform accepts per
	// RateWindow; the next one gets a *cmkit.RateLimitError whose
	// RetryAfter is the rest of the window. Zero means no limit.
	ReadRateLimit int
	// ReadRates injects random faults into reads when neither InjectRead
	// nor ReadCycle names one. They are drawn from a random stream of their
	// own, so that reads never shift the write faults a Seed gives.
	ReadRates FaultRates
	// ReadCycle schedules read faults: the nth read (as ReadAttempts counts
	// them, from 1) fails with ReadCycle[(n-1) % len(ReadCycle)], unless a
	// fault queued by InjectRead comes first; a zero entry schedules none
	// and leaves the read to ReadRates. {0, 0, FaultTransient} fails every
	// third read.
	ReadCycle []Fault
	// Seed seeds the random faults, so a run can be repeated.
	Seed uint64
	// Unsupported lists capabilities the fake answers with an
	// *cmkit.UnsupportedError, as an adapter does when an account lacks them.
	Unsupported []cmkit.Capability
	// Token is the credential the fake pretends to hold. It never appears
	// in an error. Default: a fixed fake token.
	Token string
}

// FakePost is a post as the fake platform holds it.
type FakePost struct {
	// Receipt is what Publish or Reply returned (or would have returned,
	// for FaultLostResponse).
	Receipt cmkit.Receipt
	// Post is what was sent.
	Post cmkit.Post
	// Deleted reports whether Delete removed it.
	Deleted bool
}

// fakeItem is a mention or a public post as the platform holds it now.
type fakeItem struct {
	m       cmkit.Mention
	hidden  bool
	deleted bool
}

// delivery is one entry of a stream: an item as it was delivered, when it
// was fed and again after each edit.
type delivery struct {
	item *fakeItem
	m    cmkit.Mention
}

// stream is what a reader pages through: the account's mentions, or the
// public posts that Search runs over. A cursor is a position in its log.
type stream struct {
	log  []delivery
	byID map[string]*fakeItem
}

// page returns up to limit entries from position pos on whose item is not
// deleted and whose text match accepts (every one when match is nil), and
// the position after the last entry it looked at.
func (s *stream) page(pos, limit int, match func(text string) bool) ([]cmkit.Mention, int) {
	pos = min(pos, len(s.log))
	out := []cmkit.Mention{}
	for pos < len(s.log) && len(out) < limit {
		d := s.log[pos]
		pos++
		if !d.item.deleted && (match == nil || match(d.m.Text)) {
			out = append(out, d.m)
		}
	}
	return out, pos
}

// live returns the item id when the stream holds it and it is not deleted.
func (s *stream) live(id string) (*fakeItem, bool) {
	it, ok := s.byID[id]
	return it, ok && !it.deleted
}

// rateWindow counts calls in windows of fixed length, each starting with
// the first call after the previous one ended.
type rateWindow struct {
	start time.Time
	calls int
}

// take counts a call at now, or, when limit calls were already made in the
// current window, returns false and how long the window still lasts. A
// clock that went back starts a new window.
func (w *rateWindow) take(limit int, length time.Duration, now time.Time) (time.Duration, bool) {
	end := w.start.Add(length)
	if w.start.IsZero() || !now.Before(end) || now.Before(w.start) {
		w.start, w.calls = now, 0
		end = now.Add(length)
	}
	if w.calls >= limit {
		return end.Sub(now), false
	}
	w.calls++
	return 0, true
}

// FakeChannel is an in-memory platform account: a real cmkit.Channel that
// implements every optional capability, keeps what was published, takes
// mentions (Feed) and public posts for Search (FeedPublic) from the test,
// lets their authors edit them (Edit), enforces its Limits (counted the way
// its platform counts, see cmkit.Limits.Count) and rate limits, and fails on
// demand (Inject, InjectRead, FakeConfig.ReadCycle) or at random
// (FakeConfig.Rates, FakeConfig.ReadRates).
//
// Its publishing follows FakeConfig.Info.RetrySafety, so a publisher can be
// tested against each kind of channel; Count reveals double posts. It passes
// TestChannel in each mode.
//
// A FakeChannel is safe for concurrent use.
type FakeChannel struct {
	cfg   FakeConfig
	info  cmkit.ChannelInfo
	clock cmkit.Clock
	count func(string) int

	mu           sync.Mutex
	rng          *rand.Rand
	readRng      *rand.Rand
	queue        []Fault
	readQueue    []Fault
	posts        []FakePost
	byPlatform   map[string]int      // PlatformID -> index in posts
	byPost       map[uuid.UUID][]int // cmkit Post.ID -> indexes in posts
	mentions     stream              // what ReadMentions reads
	public       stream              // what Search searches
	insights     map[string]cmkit.Insights
	followers    int64
	writeWindow  rateWindow
	readWindow   rateWindow
	attempts     int
	readAttempts int
}

// The fake implements every capability.
var (
	_ cmkit.Channel         = (*FakeChannel)(nil)
	_ cmkit.PostFinder      = (*FakeChannel)(nil)
	_ cmkit.MentionReader   = (*FakeChannel)(nil)
	_ cmkit.Replier         = (*FakeChannel)(nil)
	_ cmkit.ThreadPublisher = (*FakeChannel)(nil)
	_ cmkit.Hider           = (*FakeChannel)(nil)
	_ cmkit.Deleter         = (*FakeChannel)(nil)
	_ cmkit.InsightsFetcher = (*FakeChannel)(nil)
	_ cmkit.FollowerCounter = (*FakeChannel)(nil)
	_ cmkit.Searcher        = (*FakeChannel)(nil)
)

const defaultFakeToken = "fake-token-9f8e7d6c5b4a"

// NewFakeChannel returns a fake channel configured by cfg. A bad
// configuration (no ID, negative limits, fault rates out of range) is a
// *cmkit.ValidationError.
func NewFakeChannel(cfg FakeConfig) (*FakeChannel, error) {
	info := cfg.Info
	info.Languages = slices.Clone(info.Languages)
	if info.Platform == "" {
		info.Platform = "fake"
	}
	if info.Limits.MaxLength == 0 {
		info.Limits.MaxLength = 500
	}
	if info.Limits.Counting == "" {
		info.Limits.Counting = cmkit.CountCodePoints
	}
	if err := info.Validate(); err != nil {
		return nil, err
	}
	if cfg.RateLimit < 0 {
		return nil, cmkit.Invalid("RateLimit", "non_negative", "got %d", cfg.RateLimit)
	}
	if cfg.ReadRateLimit < 0 {
		return nil, cmkit.Invalid("ReadRateLimit", "non_negative", "got %d", cfg.ReadRateLimit)
	}
	if (cfg.RateLimit > 0 || cfg.ReadRateLimit > 0) && (cfg.RateWindow <= 0 || cfg.RateWindow > cmkit.MaxRetryAfter) {
		return nil, cmkit.Invalid("RateWindow", "range", "a rate limit needs a window, at most cmkit.MaxRetryAfter (%s), as a correct adapter caps RetryAfter", cmkit.MaxRetryAfter)
	}
	if err := cfg.Rates.validate("Rates"); err != nil {
		return nil, err
	}
	if err := cfg.ReadRates.validate("ReadRates"); err != nil {
		return nil, err
	}
	for i, fault := range cfg.ReadCycle {
		if fault < 0 || fault > FaultLostResponse {
			return nil, cmkit.Invalid(fmt.Sprintf("ReadCycle[%d]", i), "unknown", "%d is not a Fault (0 means none)", int(fault))
		}
	}
	cfg.ReadCycle = slices.Clone(cfg.ReadCycle)
	if cfg.Token == "" {
		cfg.Token = defaultFakeToken
	}
	f := &FakeChannel{
		cfg:        cfg,
		info:       info,
		clock:      cfg.Clock,
		count:      cfg.Count,
		rng:        rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		readRng:    rand.New(rand.NewPCG(cfg.Seed^0x5851f42d4c957f2d, cfg.Seed)),
		byPlatform: map[string]int{},
		byPost:     map[uuid.UUID][]int{},
		mentions:   stream{byID: map[string]*fakeItem{}},
		public:     stream{byID: map[string]*fakeItem{}},
		insights:   map[string]cmkit.Insights{},
	}
	if f.clock == nil {
		f.clock = cmkit.SystemClock()
	}
	return f, nil
}

// Info returns the channel's description; the caller owns the copy.
func (f *FakeChannel) Info() cmkit.ChannelInfo {
	info := f.info
	info.Languages = slices.Clone(info.Languages)
	return info
}

// Token returns the credential the fake pretends to hold, for tests that
// check it never leaks into errors.
func (f *FakeChannel) Token() string { return f.cfg.Token }

// Publish publishes post, or fails with the next injected fault, a random
// one, a rate limit, or a *cmkit.ValidationError when post breaks the
// channel's limits.
func (f *FakeChannel) Publish(ctx context.Context, post cmkit.Post) (cmkit.Receipt, error) {
	return f.write(ctx, post, "", false)
}

// PublishReply publishes post as a reply to the fake's own post parent (a
// thread), like Publish; FakePost.Post.InReplyTo records the parent's
// PlatformID. A parent the fake did not publish, or deleted, gives
// cmkit.ErrNotFound.
func (f *FakeChannel) PublishReply(ctx context.Context, parent cmkit.Receipt, post cmkit.Post) (cmkit.Receipt, error) {
	if err := f.unsupported(cmkit.CapThread); err != nil {
		return cmkit.Receipt{}, err
	}
	return f.write(ctx, post, parent.PlatformID, true)
}

// Reply publishes post as an answer to the mention mentionID, like Publish.
// An unknown or deleted mention gives cmkit.ErrNotFound.
func (f *FakeChannel) Reply(ctx context.Context, mentionID string, post cmkit.Post) (cmkit.Receipt, error) {
	if err := f.unsupported(cmkit.CapReply); err != nil {
		return cmkit.Receipt{}, err
	}
	return f.write(ctx, post, mentionID, false)
}

// write publishes post, as a reply to the mention replyTo when it is set, or
// to the fake's own post replyTo when thread is set.
func (f *FakeChannel) write(ctx context.Context, post cmkit.Post, replyTo string, thread bool) (cmkit.Receipt, error) {
	op := "publish"
	switch {
	case thread:
		op = "publish reply"
	case replyTo != "":
		op = "reply"
	}
	if err := cmkit.NotSent(ctx); err != nil {
		return cmkit.Receipt{}, f.errorf(op, "%w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	f.attempts++
	if err := f.rateLimitLocked(op, &f.writeWindow, f.cfg.RateLimit, now); err != nil {
		return cmkit.Receipt{}, err
	}
	// Faults of the path to the platform come first; then, on an
	// idempotent platform, a key it has seen returns the first answer
	// before anything else can fail.
	fault := f.nextFaultLocked()
	switch fault {
	case FaultTransient, FaultRateLimit, FaultTimeout:
		return cmkit.Receipt{}, f.faultError(op, fault)
	}
	if f.info.RetrySafety == cmkit.RetryIdempotent {
		if i, ok := f.findLocked(post.ID); ok {
			return f.posts[i].Receipt, nil
		}
	}
	if fault == FaultPermanent {
		return cmkit.Receipt{}, f.faultError(op, fault)
	}
	if err := f.validateLocked(post); err != nil {
		return cmkit.Receipt{}, f.errorf(op, "%w", err)
	}
	if thread {
		i, ok := f.byPlatform[replyTo]
		if !ok || f.posts[i].Deleted {
			return cmkit.Receipt{}, f.errorf(op, "parent post %q: %w", replyTo, cmkit.ErrNotFound)
		}
		post.InReplyTo = replyTo
	} else if replyTo != "" {
		if _, ok := f.mentions.live(replyTo); !ok {
			return cmkit.Receipt{}, f.notFound(op, "mention %q", replyTo)
		}
		post.InReplyTo = replyTo
	}
	pid := f.info.ID + "-" + strconv.Itoa(len(f.posts)+1)
	rc := cmkit.Receipt{
		PostID:      post.ID,
		ChannelID:   f.info.ID,
		PlatformID:  pid,
		URL:         "https://fake.invalid/" + f.info.ID + "/" + pid,
		PublishedAt: now,
	}
	f.byPlatform[pid] = len(f.posts)
	f.byPost[post.ID] = append(f.byPost[post.ID], len(f.posts))
	f.posts = append(f.posts, FakePost{Receipt: rc, Post: post.Clone()})
	if fault == FaultLostResponse {
		return cmkit.Receipt{}, f.faultError(op, fault)
	}
	return rc, nil
}

// rateLimitLocked counts a call in w, or returns a *cmkit.RateLimitError
// when limit calls were already made in its window. A zero limit is none.
func (f *FakeChannel) rateLimitLocked(op string, w *rateWindow, limit int, now time.Time) error {
	if limit == 0 {
		return nil
	}
	if wait, ok := w.take(limit, f.cfg.RateWindow, now); !ok {
		return f.errorf(op, "%w", &cmkit.RateLimitError{RetryAfter: wait})
	}
	return nil
}

// faultError returns the error op answers with when it fails as fault, or
// nil for no fault.
func (f *FakeChannel) faultError(op string, fault Fault) error {
	switch fault {
	case FaultTransient:
		return f.errorf(op, "%w: 503 service unavailable", cmkit.ErrTransient)
	case FaultRateLimit:
		return f.errorf(op, "%w", &cmkit.RateLimitError{RetryAfter: time.Minute})
	case FaultPermanent:
		return f.errorf(op, "%w: 403 the account may not do this", cmkit.ErrPermanent)
	case FaultTimeout:
		return f.errorf(op, "%w: %w", cmkit.ErrAmbiguous, context.DeadlineExceeded)
	case FaultLostResponse:
		return f.errorf(op, "%w: connection reset after the request was sent", cmkit.ErrAmbiguous)
	}
	return nil
}

// nextFaultLocked returns the fault of the next write call: the first one
// Inject queued, or a random one.
func (f *FakeChannel) nextFaultLocked() Fault {
	if len(f.queue) > 0 {
		fault := f.queue[0]
		f.queue = f.queue[1:]
		return fault
	}
	return f.cfg.Rates.pick(f.rng.Float64())
}

// nextReadFaultLocked returns the fault of the read f.readAttempts counts:
// the first one InjectRead queued, the one ReadCycle schedules, or a
// random one.
func (f *FakeChannel) nextReadFaultLocked() Fault {
	if len(f.readQueue) > 0 {
		fault := f.readQueue[0]
		f.readQueue = f.readQueue[1:]
		return fault
	}
	if c := f.cfg.ReadCycle; len(c) > 0 {
		if fault := c[(f.readAttempts-1)%len(c)]; fault != 0 {
			return fault
		}
	}
	return f.cfg.ReadRates.pick(f.readRng.Float64())
}

func (f *FakeChannel) validateLocked(post cmkit.Post) error {
	if post.ID == uuid.Nil {
		return cmkit.Invalid("post.id", "required", "")
	}
	l := f.info.Limits
	if f.count != nil {
		// An override: measure MaxLength with it, and the other limits as
		// the platform does.
		if n := f.count(post.Text); l.MaxLength > 0 && n > l.MaxLength {
			return cmkit.Invalid("post.text", "max_length", "%d counted, limit %d", n, l.MaxLength)
		}
		l.MaxLength = 0
	}
	var buf [6]cmkit.Finding
	if fs := l.CheckPost(buf[:0], post); len(fs) > 0 {
		return fs[0].Err()
	}
	return nil
}

func (f *FakeChannel) findLocked(id uuid.UUID) (int, bool) {
	for _, i := range f.byPost[id] {
		if !f.posts[i].Deleted {
			return i, true
		}
	}
	return 0, false
}

// FindPost returns the receipt of the live post published with id, or
// cmkit.ErrNotFound. On a RetryUnsafe fake it answers ErrUnsupported.
func (f *FakeChannel) FindPost(ctx context.Context, id uuid.UUID) (cmkit.Receipt, error) {
	if f.info.RetrySafety == cmkit.RetryUnsafe {
		return cmkit.Receipt{}, &cmkit.UnsupportedError{Channel: f.info.ID, Capability: cmkit.CapFindPost,
			Detail: "the channel declares RetryUnsafe"}
	}
	if err := f.read(ctx, cmkit.CapFindPost); err != nil {
		return cmkit.Receipt{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if i, ok := f.findLocked(id); ok {
		return f.posts[i].Receipt, nil
	}
	return cmkit.Receipt{}, f.notFound("find post", "post %s", id)
}

// defaultPageSize is the page size of ReadMentions and Search when the
// caller names none.
const defaultPageSize = 50

// ReadMentions returns the mentions delivered after the cursor, oldest
// first, skipping deleted ones: each fed mention, and each again after an
// Edit. The default page size is 50. A page that is empty keeps the cursor
// (Next equals after). A cursor this fake did not make for ReadMentions is
// a *cmkit.ValidationError.
//
// A read may fail as FakeConfig.ReadRateLimit, InjectRead,
// FakeConfig.ReadCycle or FakeConfig.ReadRates say (see Fault); it then
// returns no page and changes nothing.
func (f *FakeChannel) ReadMentions(ctx context.Context, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	const op = "read mentions"
	if err := f.read(ctx, cmkit.CapReadMentions); err != nil {
		return cmkit.MentionPage{}, err
	}
	pos, err := parseCursor(after, "m", "")
	if err != nil {
		return cmkit.MentionPage{}, f.errorf(op, "%w", err)
	}
	return f.readPage(op, &f.mentions, after, pos, "m", "", limit, nil)
}

// Search returns the public posts fed with FeedPublic (and delivered again
// after an Edit) whose text holds every word of query, oldest first,
// skipping deleted ones, as Mentions of kind cmkit.KindMention. Words are
// runs of letters, digits, combining marks and underscores, so punctuation
// separates them ("#acme," holds the word "acme", "acme_es" is one word);
// a word matches a word of the text when strings.EqualFold says they are
// equal (Unicode simple case folding: "ŁÓDŹ" finds "łódź"), with no other
// folding ("cafe" does not find "café"). The order and repetition of the
// query's words do not matter.
//
// Paging follows ReadMentions: the default page size is 50, a page that is
// empty keeps the cursor, and Next resumes after the last post returned.
// A cursor belongs to its query: a cursor of another query (or of
// ReadMentions, or not of this fake) is a *cmkit.ValidationError, and so is
// a query without words. Reads fail as ReadMentions's do.
func (f *FakeChannel) Search(ctx context.Context, query string, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	const op = "search"
	if err := f.read(ctx, cmkit.CapSearch); err != nil {
		return cmkit.MentionPage{}, err
	}
	q, err := parseQuery(query)
	if err != nil {
		return cmkit.MentionPage{}, f.errorf(op, "%w", err)
	}
	pos, err := parseCursor(after, "s", q.key)
	if err != nil {
		return cmkit.MentionPage{}, f.errorf(op, "%w", err)
	}
	return f.readPage(op, &f.public, after, pos, "s", q.key, limit, q.matches)
}

// readPage is one read of stream s on the platform, from position pos:
// it counts the attempt, applies the read rate limit and the next read
// fault, and serves up to limit entries that match accepts. Its cursors
// are prefix, the position, and key when set.
func (f *FakeChannel) readPage(op string, s *stream, after cmkit.Cursor, pos int, prefix, key string, limit int, match func(string) bool) (cmkit.MentionPage, error) {
	if limit <= 0 {
		limit = defaultPageSize
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.readAttempts++
	if err := f.rateLimitLocked(op, &f.readWindow, f.cfg.ReadRateLimit, f.clock.Now()); err != nil {
		return cmkit.MentionPage{}, err
	}
	fault := f.nextReadFaultLocked()
	if fault != FaultLostResponse {
		if err := f.faultError(op, fault); err != nil {
			return cmkit.MentionPage{}, err
		}
	}
	ms, next := s.page(pos, limit, match)
	if fault == FaultLostResponse {
		return cmkit.MentionPage{}, f.faultError(op, fault) // served, then lost
	}
	page := cmkit.MentionPage{Mentions: ms, Next: after}
	if len(ms) > 0 {
		page.Next = makeCursor(prefix, next, key)
	}
	return page, nil
}

// makeCursor encodes position pos of a stream as prefix, pos, and "." and
// key when key is set.
func makeCursor(prefix string, pos int, key string) cmkit.Cursor {
	c := prefix + strconv.Itoa(pos)
	if key != "" {
		c += "." + key
	}
	return cmkit.Cursor(c)
}

// parseCursor returns the position a cursor made by makeCursor(prefix, _,
// key) encodes; the zero Cursor is position 0.
func parseCursor(c cmkit.Cursor, prefix, key string) (int, error) {
	if c == "" {
		return 0, nil
	}
	rest, ok := strings.CutPrefix(string(c), prefix)
	num, k, keyed := strings.Cut(rest, ".")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 0 || strconv.Itoa(n) != num || keyed != (key != "") {
		return 0, cmkit.Invalid("cursor", "format", "%q is not a cursor of this channel", c)
	}
	if k != key {
		return 0, cmkit.Invalid("cursor", "query", "%q was made for another query", c)
	}
	return n, nil
}

// searchQuery is a parsed search query: its words, folded, and the key that
// binds its cursors to it.
type searchQuery struct {
	words []string
	key   string
}

// parseQuery splits q into words, folded, in order and without repeats. A
// query without words is a *cmkit.ValidationError.
func parseQuery(q string) (searchQuery, error) {
	ws := foldedWords(q)
	if len(ws) == 0 {
		return searchQuery{}, cmkit.Invalid("query", "required", "%q has no words", q)
	}
	slices.Sort(ws)
	ws = slices.Compact(ws)
	h := fnv.New64a()
	for _, w := range ws {
		h.Write([]byte(w))
		h.Write([]byte{0})
	}
	return searchQuery{words: ws, key: strconv.FormatUint(h.Sum64(), 36)}, nil
}

// matches reports whether text holds every word of q.
func (q searchQuery) matches(text string) bool {
	ws := foldedWords(text)
	for _, w := range q.words {
		if !slices.Contains(ws, w) {
			return false
		}
	}
	return true
}

// foldedWords splits s into words (runs of letters, digits, marks and
// underscores), each folded so that two words are equal exactly when
// strings.EqualFold says so.
func foldedWords(s string) []string {
	ws := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) && r != '_'
	})
	for i, w := range ws {
		ws[i] = strings.Map(foldRune, w)
	}
	return ws
}

// foldRune returns the smallest rune of r's simple case-folding orbit, the
// one every rune that strings.EqualFold equates with r maps to.
func foldRune(r rune) rune {
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	return least
}

// SetHidden hides or shows a fed mention. An unknown mention gives
// cmkit.ErrNotFound.
func (f *FakeChannel) SetHidden(ctx context.Context, mentionID string, hidden bool) error {
	if err := f.read(ctx, cmkit.CapHide); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	it, ok := f.mentions.live(mentionID)
	if !ok {
		return f.notFound("hide", "mention %q", mentionID)
	}
	it.hidden = hidden
	return nil
}

// Delete deletes a fed mention or a published post by its platform ID.
// Deleting what is unknown or already deleted gives cmkit.ErrNotFound.
func (f *FakeChannel) Delete(ctx context.Context, platformID string) error {
	if err := f.read(ctx, cmkit.CapDelete); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if it, ok := f.mentions.live(platformID); ok {
		it.deleted = true
		return nil
	}
	if i, ok := f.byPlatform[platformID]; ok && !f.posts[i].Deleted {
		f.posts[i].Deleted = true
		return nil
	}
	return f.notFound("delete", "post %q", platformID)
}

// Insights returns the numbers set with SetInsights for a live post (zeros
// when none were set), or cmkit.ErrNotFound.
func (f *FakeChannel) Insights(ctx context.Context, platformID string) (cmkit.Insights, error) {
	if err := f.read(ctx, cmkit.CapInsights); err != nil {
		return cmkit.Insights{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i, ok := f.byPlatform[platformID]
	if !ok || f.posts[i].Deleted {
		return cmkit.Insights{}, f.notFound("insights", "post %q", platformID)
	}
	in := f.insights[platformID]
	in.PlatformID = platformID
	in.Missing = slices.Clone(in.Missing)
	in.FetchedAt = f.clock.Now()
	return in, nil
}

// FollowerCount returns the number set with SetFollowers.
func (f *FakeChannel) FollowerCount(ctx context.Context) (int64, error) {
	if err := f.read(ctx, cmkit.CapFollowerCount); err != nil {
		return 0, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.followers, nil
}

// read runs the checks every non-publishing call shares: the capability is
// not switched off and ctx is live.
func (f *FakeChannel) read(ctx context.Context, c cmkit.Capability) error {
	if err := f.unsupported(c); err != nil {
		return err
	}
	if err := cmkit.NotSent(ctx); err != nil {
		return f.errorf(string(c), "%w", err)
	}
	return nil
}

func (f *FakeChannel) unsupported(c cmkit.Capability) error {
	if slices.Contains(f.cfg.Unsupported, c) {
		return &cmkit.UnsupportedError{Channel: f.info.ID, Capability: c, Detail: "switched off in FakeConfig"}
	}
	return nil
}

// errorf prefixes an error with the channel and the operation, as an adapter
// should, and never with the token.
func (f *FakeChannel) errorf(op, format string, args ...any) error {
	return fmt.Errorf("fake channel %q: %s: "+format, append([]any{f.info.ID, op}, args...)...)
}

// notFound is errorf for an ErrNotFound whose message ends in "not found".
func (f *FakeChannel) notFound(op, format string, args ...any) error {
	return cmkit.Errorf(cmkit.ErrNotFound, "fake channel %q: %s: "+format+" not found", append([]any{f.info.ID, op}, args...)...)
}

// Inject queues faults for the next write calls (Publish, PublishReply or
// Reply), one per call, in order; a zero Fault lets its call succeed.
// Queued faults come before random ones. Reads never take them (see
// InjectRead).
func (f *FakeChannel) Inject(faults ...Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, faults...)
}

// InjectRead queues faults for the next reads (ReadMentions or Search), one
// per read, in order; a zero Fault lets its read succeed. Queued faults come
// before FakeConfig.ReadCycle and FakeConfig.ReadRates. Write calls never
// take them.
func (f *FakeChannel) InjectRead(faults ...Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.readQueue = append(f.readQueue, faults...)
}

// Feed makes mentions arrive on the channel, in order, and returns them as
// stored: an empty ID gets a fresh one, ChannelID is set, an empty Kind
// becomes cmkit.KindComment, a zero CreatedAt becomes the clock's now, and
// every other field (ThreadID, Reactions, EditedAt, ...) is kept as given.
// A mention whose ID was fed before, or whose EditedAt is before its
// CreatedAt, is a *cmkit.ValidationError, and then nothing is fed.
func (f *FakeChannel) Feed(mentions ...cmkit.Mention) ([]cmkit.Mention, error) {
	return f.feed(&f.mentions, "-m", cmkit.KindComment, false, mentions)
}

// FeedPublic makes public posts by other accounts appear on the platform,
// in order, for Search to find; ReadMentions does not see them, and Reply,
// SetHidden and Delete do not reach them. It stores and returns them as
// Feed does, except that an empty Kind becomes cmkit.KindMention and any
// other Kind is a *cmkit.ValidationError. A post that both names the
// account and matches a search is fed to both, with one ID, as a platform
// delivers it through both routes.
func (f *FakeChannel) FeedPublic(posts ...cmkit.Mention) ([]cmkit.Mention, error) {
	return f.feed(&f.public, "-p", cmkit.KindMention, true, posts)
}

// feed appends ms to s as Feed and FeedPublic describe: a fresh ID is the
// channel's ID, idPrefix and a number; an empty Kind becomes kind, and
// when only is set every other Kind is refused.
func (f *FakeChannel) feed(s *stream, idPrefix string, kind cmkit.MentionKind, only bool, ms []cmkit.Mention) ([]cmkit.Mention, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	out := make([]cmkit.Mention, len(ms))
	seen := map[string]bool{}
	for i, m := range ms {
		if m.ID == "" {
			m.ID = f.info.ID + idPrefix + strconv.Itoa(len(s.byID)+i+1)
		}
		if _, dup := s.byID[m.ID]; dup || seen[m.ID] {
			return nil, cmkit.Invalid(fmt.Sprintf("mentions[%d].id", i), "unique", "%q was fed before", m.ID)
		}
		seen[m.ID] = true
		m.ChannelID = f.info.ID
		if m.Kind == "" {
			m.Kind = kind
		} else if only && m.Kind != kind {
			return nil, cmkit.Invalid(fmt.Sprintf("mentions[%d].kind", i), "value", "a public post is of kind %q, got %q", kind, m.Kind)
		}
		if m.CreatedAt.IsZero() {
			m.CreatedAt = now
		}
		if !m.EditedAt.IsZero() && m.EditedAt.Before(m.CreatedAt) {
			return nil, cmkit.Invalid(fmt.Sprintf("mentions[%d].edited_at", i), "after_created", "edited at %s, created at %s", m.EditedAt, m.CreatedAt)
		}
		out[i] = m
	}
	for _, m := range out {
		it := &fakeItem{m: m}
		s.byID[m.ID] = it
		s.log = append(s.log, delivery{item: it, m: m})
	}
	return slices.Clone(out), nil
}

// Edit changes the text of the fed mention or public post id to text, as
// its author does with the platform's edit feature, and returns it as
// edited: same ID, Text text and EditedAt at. The platform then delivers it
// again, at the end of each stream that holds it, as platforms deliver an
// update: ReadMentions for a mention, Search for a public post (found again
// when its new text matches the query). What was delivered before keeps the
// text it had, so a stored cursor replays what it replayed before.
//
// A zero at means the clock's now, or one millisecond after the item's last
// version (its EditedAt, else its CreatedAt) when the clock has not passed
// it, as a simulated clock standing still has not; so EditedAt always
// grows. An explicit at that is not after the last version is a
// *cmkit.ValidationError, and then nothing changes. An id never fed, or
// deleted, gives cmkit.ErrNotFound.
func (f *FakeChannel) Edit(id, text string, at time.Time) (cmkit.Mention, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var items []*fakeItem
	var streams []*stream
	var last time.Time
	for _, s := range []*stream{&f.mentions, &f.public} {
		if it, ok := s.live(id); ok {
			items, streams = append(items, it), append(streams, s)
			last = latest(last, it.m.CreatedAt, it.m.EditedAt)
		}
	}
	if len(items) == 0 {
		return cmkit.Mention{}, f.notFound("edit", "mention %q", id)
	}
	switch {
	case at.IsZero():
		at = f.clock.Now()
		if !at.After(last) {
			at = last.Add(time.Millisecond)
		}
	case !at.After(last):
		return cmkit.Mention{}, cmkit.Invalid("at", "after_last_version", "%s is not after the mention's last version, %s", at, last)
	}
	for i, it := range items {
		it.m.Text, it.m.EditedAt = text, at
		streams[i].log = append(streams[i].log, delivery{item: it, m: it.m})
	}
	return items[0].m, nil
}

// latest returns the latest of ts.
func latest(ts ...time.Time) time.Time {
	var l time.Time
	for _, t := range ts {
		if t.After(l) {
			l = t
		}
	}
	return l
}

// Posts returns every post the platform holds or held, in publish order,
// deleted ones marked. The caller owns the copy.
func (f *FakeChannel) Posts() []FakePost {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]FakePost, len(f.posts))
	for i, p := range f.posts {
		p.Post = p.Post.Clone()
		out[i] = p
	}
	return out
}

// Count returns how many live posts carry the cmkit post ID id: 0, 1, or
// more for a double post.
func (f *FakeChannel) Count(id uuid.UUID) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, i := range f.byPost[id] {
		if !f.posts[i].Deleted {
			n++
		}
	}
	return n
}

// Attempts returns how many write calls reached the platform, rate-limited
// and failed ones included.
func (f *FakeChannel) Attempts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.attempts
}

// ReadAttempts returns how many reads (ReadMentions and Search calls)
// reached the platform, rate-limited and failed ones included; a read
// refused before (a canceled context, a bad cursor or query, a capability
// switched off) does not count.
func (f *FakeChannel) ReadAttempts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.readAttempts
}

// Hidden reports whether the mention is hidden.
func (f *FakeChannel) Hidden(mentionID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	it, ok := f.mentions.byID[mentionID]
	return ok && it.hidden
}

// SetInsights sets the numbers Insights reports for a post.
func (f *FakeChannel) SetInsights(in cmkit.Insights) {
	f.mu.Lock()
	defer f.mu.Unlock()
	in.Missing = slices.Clone(in.Missing)
	f.insights[in.PlatformID] = in
}

// SetFollowers sets the number FollowerCount reports.
func (f *FakeChannel) SetFollowers(n int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.followers = n
}
