package cmkittest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// Fault is a failure the fake platform can be told to answer with, the way
// real platforms fail. Each one is classified the way a correct adapter
// would classify it (see cmkit.Classify).
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

// FaultRates gives the probability, from 0 to 1, that a write call (Publish
// or Reply) fails with each fault when no injected fault is queued. The sum
// must not exceed 1.
type FaultRates struct {
	Transient    float64 // probability of FaultTransient
	RateLimit    float64 // probability of FaultRateLimit
	Permanent    float64 // probability of FaultPermanent
	Timeout      float64 // probability of FaultTimeout
	LostResponse float64 // probability of FaultLostResponse
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
	// RateWindow is the length of a rate-limit window, which starts with
	// the first call after the previous window ended; at most
	// cmkit.MaxRetryAfter.
	RateWindow time.Duration
	// Rates injects random faults.
	Rates FaultRates
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

type fakeMention struct {
	m       cmkit.Mention
	hidden  bool
	deleted bool
}

// FakeChannel is an in-memory platform account: a real cmkit.Channel that
// implements every optional capability, keeps what was published, takes
// mentions fed by the test, enforces its Limits (counted the way its
// platform counts, see cmkit.Limits.Count) and a rate limit, and fails on
// demand (Inject) or at random (FakeConfig.Rates).
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

	mu          sync.Mutex
	rng         *rand.Rand
	queue       []Fault
	posts       []FakePost
	byPlatform  map[string]int      // PlatformID -> index in posts
	byPost      map[uuid.UUID][]int // cmkit Post.ID -> indexes in posts
	mentions    []fakeMention
	mentionIdx  map[string]int
	insights    map[string]cmkit.Insights
	followers   int64
	windowStart time.Time
	windowCalls int
	attempts    int
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
	if cfg.RateLimit > 0 && (cfg.RateWindow <= 0 || cfg.RateWindow > cmkit.MaxRetryAfter) {
		return nil, cmkit.Invalid("RateWindow", "range", "a rate limit needs a window, at most cmkit.MaxRetryAfter (%s), as a correct adapter caps RetryAfter", cmkit.MaxRetryAfter)
	}
	r := cfg.Rates
	sum := 0.0
	for _, p := range []float64{r.Transient, r.RateLimit, r.Permanent, r.Timeout, r.LostResponse} {
		if !(p >= 0 && p <= 1) {
			return nil, cmkit.Invalid("Rates", "range", "each rate must be within [0, 1], got %v", p)
		}
		sum += p
	}
	if sum > 1 {
		return nil, cmkit.Invalid("Rates", "range", "rates add up to %v, more than 1", sum)
	}
	if cfg.Token == "" {
		cfg.Token = defaultFakeToken
	}
	f := &FakeChannel{
		cfg:        cfg,
		info:       info,
		clock:      cfg.Clock,
		count:      cfg.Count,
		rng:        rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		byPlatform: map[string]int{},
		byPost:     map[uuid.UUID][]int{},
		mentionIdx: map[string]int{},
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
	if err := f.rateLimitLocked(op, now); err != nil {
		return cmkit.Receipt{}, err
	}
	// Faults of the path to the platform come first; then, on an
	// idempotent platform, a key it has seen returns the first answer
	// before anything else can fail.
	fault := f.nextFaultLocked()
	switch fault {
	case FaultTransient:
		return cmkit.Receipt{}, f.errorf(op, "%w: 503 service unavailable", cmkit.ErrTransient)
	case FaultRateLimit:
		return cmkit.Receipt{}, f.errorf(op, "%w", &cmkit.RateLimitError{RetryAfter: time.Minute})
	case FaultTimeout:
		return cmkit.Receipt{}, f.errorf(op, "%w: %w", cmkit.ErrAmbiguous, context.DeadlineExceeded)
	}
	if f.info.RetrySafety == cmkit.RetryIdempotent {
		if i, ok := f.findLocked(post.ID); ok {
			return f.posts[i].Receipt, nil
		}
	}
	if fault == FaultPermanent {
		return cmkit.Receipt{}, f.errorf(op, "%w: 403 the account may not post", cmkit.ErrPermanent)
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
		i, ok := f.mentionIdx[replyTo]
		if !ok || f.mentions[i].deleted {
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
		return cmkit.Receipt{}, f.errorf(op, "%w: connection reset after the request was sent", cmkit.ErrAmbiguous)
	}
	return rc, nil
}

func (f *FakeChannel) rateLimitLocked(op string, now time.Time) error {
	if f.cfg.RateLimit == 0 {
		return nil
	}
	end := f.windowStart.Add(f.cfg.RateWindow)
	if f.windowStart.IsZero() || !now.Before(end) || now.Before(f.windowStart) {
		f.windowStart, f.windowCalls = now, 0
		end = now.Add(f.cfg.RateWindow)
	}
	if f.windowCalls >= f.cfg.RateLimit {
		return f.errorf(op, "%w", &cmkit.RateLimitError{RetryAfter: end.Sub(now)})
	}
	f.windowCalls++
	return nil
}

func (f *FakeChannel) nextFaultLocked() Fault {
	if len(f.queue) > 0 {
		fault := f.queue[0]
		f.queue = f.queue[1:]
		return fault
	}
	return f.cfg.Rates.pick(f.rng.Float64())
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

// ReadMentions returns the fed mentions after the cursor, oldest first,
// skipping deleted ones. The default page size is 50. A cursor this fake did
// not make is a *cmkit.ValidationError.
func (f *FakeChannel) ReadMentions(ctx context.Context, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	if err := f.read(ctx, cmkit.CapReadMentions); err != nil {
		return cmkit.MentionPage{}, err
	}
	pos := 0
	if after != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(string(after), "m"))
		if err != nil || n < 0 || !strings.HasPrefix(string(after), "m") {
			return cmkit.MentionPage{}, f.errorf("read mentions", "%w", cmkit.Invalid("cursor", "format", "%q is not a cursor of this channel", after))
		}
		pos = n
	}
	if limit <= 0 {
		limit = 50
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if pos > len(f.mentions) {
		pos = len(f.mentions)
	}
	page := cmkit.MentionPage{Mentions: []cmkit.Mention{}}
	for pos < len(f.mentions) && len(page.Mentions) < limit {
		if fm := f.mentions[pos]; !fm.deleted {
			page.Mentions = append(page.Mentions, fm.m)
		}
		pos++
	}
	page.Next = cmkit.Cursor("m" + strconv.Itoa(pos))
	if pos == 0 {
		page.Next = after
	}
	return page, nil
}

// SetHidden hides or shows a fed mention. An unknown mention gives
// cmkit.ErrNotFound.
func (f *FakeChannel) SetHidden(ctx context.Context, mentionID string, hidden bool) error {
	if err := f.read(ctx, cmkit.CapHide); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i, ok := f.mentionIdx[mentionID]
	if !ok || f.mentions[i].deleted {
		return f.notFound("hide", "mention %q", mentionID)
	}
	f.mentions[i].hidden = hidden
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
	if i, ok := f.mentionIdx[platformID]; ok && !f.mentions[i].deleted {
		f.mentions[i].deleted = true
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

// Inject queues faults for the next write calls (Publish or Reply), one per
// call, in order. Queued faults come before random ones.
func (f *FakeChannel) Inject(faults ...Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.queue = append(f.queue, faults...)
}

// Feed makes mentions arrive on the channel, in order, and returns them as
// stored: an empty ID gets a fresh one, ChannelID is set, an empty Kind
// becomes cmkit.KindComment, and a zero CreatedAt becomes the clock's now.
// A mention whose ID was fed before is a *cmkit.ValidationError, and then
// nothing is fed.
func (f *FakeChannel) Feed(mentions ...cmkit.Mention) ([]cmkit.Mention, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	out := make([]cmkit.Mention, len(mentions))
	seen := map[string]bool{}
	for i, m := range mentions {
		if m.ID == "" {
			m.ID = f.info.ID + "-m" + strconv.Itoa(len(f.mentions)+i+1)
		}
		if _, dup := f.mentionIdx[m.ID]; dup || seen[m.ID] {
			return nil, cmkit.Invalid(fmt.Sprintf("mentions[%d].id", i), "unique", "%q was fed before", m.ID)
		}
		seen[m.ID] = true
		m.ChannelID = f.info.ID
		if m.Kind == "" {
			m.Kind = cmkit.KindComment
		}
		if m.CreatedAt.IsZero() {
			m.CreatedAt = now
		}
		out[i] = m
	}
	for _, m := range out {
		f.mentionIdx[m.ID] = len(f.mentions)
		f.mentions = append(f.mentions, fakeMention{m: m})
	}
	return slices.Clone(out), nil
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

// Hidden reports whether the mention is hidden.
func (f *FakeChannel) Hidden(mentionID string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	i, ok := f.mentionIdx[mentionID]
	return ok && f.mentions[i].hidden
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
