package cmkittest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/cmkit/cmkit"
)

// ChannelHarness connects the conformance suite to one channel under test
// and to the sandbox behind it. The suite sees what was published through
// the harness, never only through the channel, so that a channel cannot
// vouch for itself.
//
// # What the harness should configure
//
// TestChannel runs its subtests concurrently, each on a harness of its own,
// so the function that makes harnesses may be called from several
// goroutines at once; a harness that shares one sandbox account or one
// server between subtests must be safe for that, or the suite is run with
// the Serial option.
//
// After injecting FaultTimeout or FaultLostResponse, the suite calls
// Publish with a context whose deadline is a short time away
// (DefaultFaultDeadline, or the FaultDeadline option), so that the fault
// costs that long and not the adapter's own timeout. The channel must
// honour the context (build its requests with http.NewRequestWithContext,
// or check ctx.Done while it waits): an adapter that only relies on its
// HTTP client's Timeout waits that whole timeout for each of these faults,
// and the suite reports a Publish that returns long after its deadline. A
// harness that injects these faults through a proxy in front of the
// sandbox lets the request reach the platform well within the deadline
// (after a lost response the suite expects the post to exist) and then
// withholds the answer; raise the deadline with FaultDeadline for a remote
// sandbox.
type ChannelHarness interface {
	// Channel returns the channel under test.
	Channel() cmkit.Channel
	// Published reports how many live posts (and replies) the sandbox
	// holds that were published with the cmkit post ID id: 0, 1, or more
	// for a double post.
	Published(ctx context.Context, id uuid.UUID) (int, error)
	// AddMentions makes n new mentions arrive on the channel's account, in
	// order, and returns their platform IDs. A sandbox that cannot returns
	// an error wrapping cmkit.ErrUnsupported, and the subtests that need
	// mentions are skipped.
	AddMentions(ctx context.Context, n int) ([]string, error)
	// InjectFault arranges for the next Publish to fail as f, with the
	// effect on the platform that f describes. A sandbox that cannot
	// returns an error wrapping cmkit.ErrUnsupported, and the subtest for
	// that fault is skipped.
	InjectFault(ctx context.Context, f Fault) error
	// Secrets returns the credentials the channel uses, which must never
	// appear in an error message. The suite reads them once per subtest,
	// and replaces each with [REDACTED] in everything it prints, also as
	// %q quotes it and as a URL escapes it.
	Secrets() []string
}

// SearchHarness is implemented by a ChannelHarness whose sandbox can make
// public posts by other accounts, for the subtests of a channel's
// cmkit.Searcher. The suite finds it with a type assertion on the harness;
// without it, those subtests are skipped.
type SearchHarness interface {
	// AddPublic makes n public posts by other accounts, in order, each
	// holding word (lowercase ASCII letters and digits, unique to the
	// call's subtest) as a whole word, and returns their platform IDs once
	// the channel's Search can find them (a platform that indexes posts
	// after a delay needs the harness to wait). A sandbox that cannot
	// returns an error wrapping cmkit.ErrUnsupported, and the subtests that
	// need public posts are skipped.
	AddPublic(ctx context.Context, n int, word string) ([]string, error)
}

// EditHarness is implemented by a ChannelHarness whose sandbox can edit
// what other accounts wrote, for the subtests that check that an edited
// item is delivered again (see cmkit.Mention.EditedAt). The suite finds it
// with a type assertion on the harness; without it, those subtests are
// skipped.
type EditHarness interface {
	// Edit makes the author of the item id, made by AddMentions or
	// AddPublic, change its text to text, as the platform's edit feature
	// does, and returns once the channel can read the edit. A sandbox
	// that cannot returns an error wrapping cmkit.ErrUnsupported, and the
	// subtests that need edits are skipped.
	Edit(ctx context.Context, id, text string) error
}

// DefaultFaultDeadline is how long TestChannel gives a Publish after it
// injects FaultTimeout or FaultLostResponse, unless the FaultDeadline
// option says otherwise.
const DefaultFaultDeadline = 200 * time.Millisecond

// deadlineGrace is how long after its context's deadline a Publish may
// return before the suite reports that it does not honour the context.
const deadlineGrace = time.Second

// A ChannelSuiteOption changes how TestChannel runs.
type ChannelSuiteOption func(*channelSuite)

// Serial makes TestChannel run its subtests one after another instead of
// concurrently: for a harness maker that must not be called from several
// goroutines at once, or a sandbox whose rate limit concurrent subtests
// would exhaust.
func Serial() ChannelSuiteOption {
	return func(s *channelSuite) { s.serial = true }
}

// FaultDeadline sets the deadline of a Publish that follows an injected
// FaultTimeout or FaultLostResponse (see ChannelHarness). A d that is not
// positive leaves DefaultFaultDeadline.
func FaultDeadline(d time.Duration) ChannelSuiteOption {
	return func(s *channelSuite) {
		if d > 0 {
			s.faultDeadline = d
		}
	}
}

// channelSuite is how TestChannel runs, as its options set it.
type channelSuite struct {
	serial        bool
	faultDeadline time.Duration
}

// TestChannel runs the conformance suite for channel adapters. newHarness is
// called once per subtest, so each starts from a fresh sandbox; it may
// register cleanups with t.Cleanup. The subtests run concurrently (see
// ChannelHarness; Serial runs them in order), and TestChannel returns when
// all of them have ended.
//
// The subtests are named by behaviour:
//
//	Identity                 Info is valid, stable and a copy
//	Publish                  a post is published once, with a full receipt
//	PublishCanceledContext   a canceled context publishes nothing
//	Limits                   a post at the declared MaxLength is accepted
//	RetrySafety              the declared RetrySafety holds, also after a
//	                         lost response
//	PublishOverlapping       overlapping publishes of one post make one post
//	                         on a RetryIdempotent channel, and FindPost finds
//	                         it on a RetryAfterLookup one
//	ErrorsClassified         each fault is classified as cmkit.Classify expects
//	NoSecretsInErrors        no error message carries a credential
//	FindPost, ReadMentions, Reply, PublishReply, Hide, Delete, Insights,
//	FollowerCount, Search    one per capability
//	ReadMentionsEdited       an edited mention is read again: same ID, new
//	                         text, later EditedAt (needs an EditHarness)
//	SearchEdited             an edited public post is found again, the
//	                         same way (needs a SearchHarness and an
//	                         EditHarness)
//
// Reading checks hold for ReadMentions and Search alike: pages no larger
// than the limit, oldest first, resuming from a stored cursor without gaps
// or duplicates (an item and its edit are two deliveries, told apart by
// EditedAt), an empty page that keeps the cursor, a page with items that
// moves it, the same answer from the same cursor, and an error wrapping
// context.Canceled for a canceled context. Search must find every post
// that holds its word and none that lacks one of the query's words.
//
// A capability subtest is skipped, with the reason, when the channel does
// not implement the interface or answers cmkit.ErrUnsupported; so is a
// subtest that needs something the harness cannot do (SearchHarness and
// EditHarness are optional). Problems are reported
// with t.Errorf, so one run lists all of them. Nothing the suite prints
// carries one of the harness's Secrets, even when the channel leaks one
// into an error.
func TestChannel(t *testing.T, newHarness func(t *testing.T) ChannelHarness, opts ...ChannelSuiteOption) {
	t.Helper()
	s := channelSuite{faultDeadline: DefaultFaultDeadline}
	for _, o := range opts {
		if o != nil {
			o(&s)
		}
	}
	s.run(t, newHarness, []channelSubtest{
		{"Identity", testIdentity},
		{"Publish", testPublish},
		{"PublishCanceledContext", testPublishCanceled},
		{"Limits", testLimits},
		{"RetrySafety", testRetrySafety},
		{"PublishOverlapping", testPublishOverlapping},
		{"ErrorsClassified", testErrorsClassified},
		{"NoSecretsInErrors", testNoSecrets},
		{"FindPost", testFindPost},
		{"ReadMentions", testReadMentions},
		{"Reply", testReply},
		{"PublishReply", testPublishReply},
		{"Hide", testHide},
		{"Delete", testDelete},
		{"Insights", testInsights},
		{"FollowerCount", testFollowerCount},
		{"Search", testSearch},
		{"ReadMentionsEdited", testReadMentionsEdited},
		{"SearchEdited", testSearchEdited},
	})
}

// run runs each subtest on a harness of its own, concurrently unless
// s.serial, and returns when all have ended. The subtests are not
// t.Parallel, which would return before they ran and so break a caller
// that defers closing a server its harnesses share.
func (s channelSuite) run(t *testing.T, newHarness func(*testing.T) ChannelHarness, tests []channelSubtest) {
	t.Helper()
	var wg sync.WaitGroup
	for _, tc := range tests {
		one := func() {
			t.Run(tc.name, func(tt *testing.T) {
				h := newHarness(tt)
				if h == nil {
					tt.Fatal("the suite's constructor returned nil")
				}
				tc.fn(&suiteT{T: tt, suite: s, secrets: secretForms(h.Secrets())}, h)
			})
		}
		if s.serial {
			one()
		} else {
			wg.Add(1)
			go func() {
				defer wg.Done()
				one()
			}()
		}
	}
	wg.Wait()
}

// subtest is one named check of a conformance suite.
type subtest[H any] struct {
	name string
	fn   func(*testing.T, H)
}

// channelSubtest is one named check of the channel suite, which reports
// through a suiteT.
type channelSubtest struct {
	name string
	fn   func(*suiteT, ChannelHarness)
}

// runSuite runs each subtest on a fresh value from make, as its own t.Run.
func runSuite[H any](t *testing.T, make func(*testing.T) H, tests []subtest[H]) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := make(t)
			if any(h) == nil {
				t.Fatal("the suite's constructor returned nil")
			}
			tc.fn(t, h)
		})
	}
}

// suiteT is the *testing.T of one subtest. Every message a suite prints
// goes through its reporting methods, which hide the harness's secrets: a
// channel that leaks its token into an error fails NoSecretsInErrors, and
// the token still appears nowhere in the test output.
type suiteT struct {
	*testing.T
	suite   channelSuite
	secrets []string // every form of every secret, longest first
}

// Run runs f as a subtest of t, with t's secrets and options.
func (t *suiteT) Run(name string, f func(t *suiteT)) bool {
	t.T.Helper()
	return t.T.Run(name, func(tt *testing.T) { f(&suiteT{T: tt, suite: t.suite, secrets: t.secrets}) })
}

// redacted is the one place suite messages pass through: it replaces each
// secret with [REDACTED].
func (t *suiteT) redacted(msg string) string {
	for _, s := range t.secrets {
		msg = strings.ReplaceAll(msg, s, "[REDACTED]")
	}
	return msg
}

// leaks reports whether msg carries a secret, in any of its forms.
func (t *suiteT) leaks(msg string) bool {
	return t.redacted(msg) != msg
}

// sprint formats args as the testing package does for Log and Error.
func sprint(args ...any) string { return strings.TrimSuffix(fmt.Sprintln(args...), "\n") }

// Errorf reports a failure, redacted, and goes on.
func (t *suiteT) Errorf(format string, args ...any) {
	t.T.Helper()
	t.T.Error(t.redacted(fmt.Sprintf(format, args...)))
}

// Error reports a failure, redacted, and goes on.
func (t *suiteT) Error(args ...any) { t.T.Helper(); t.T.Error(t.redacted(sprint(args...))) }

// Fatalf reports a failure, redacted, and stops the subtest.
func (t *suiteT) Fatalf(format string, args ...any) {
	t.T.Helper()
	t.T.Fatal(t.redacted(fmt.Sprintf(format, args...)))
}

// Fatal reports a failure, redacted, and stops the subtest.
func (t *suiteT) Fatal(args ...any) { t.T.Helper(); t.T.Fatal(t.redacted(sprint(args...))) }

// Logf logs, redacted.
func (t *suiteT) Logf(format string, args ...any) {
	t.T.Helper()
	t.T.Log(t.redacted(fmt.Sprintf(format, args...)))
}

// Log logs, redacted.
func (t *suiteT) Log(args ...any) { t.T.Helper(); t.T.Log(t.redacted(sprint(args...))) }

// Skipf skips the subtest with a redacted reason.
func (t *suiteT) Skipf(format string, args ...any) {
	t.T.Helper()
	t.T.Skip(t.redacted(fmt.Sprintf(format, args...)))
}

// Skip skips the subtest with a redacted reason.
func (t *suiteT) Skip(args ...any) { t.T.Helper(); t.T.Skip(t.redacted(sprint(args...))) }

// secretForms returns each non-empty secret as it is, Go-quoted (as %q
// prints it) and URL-escaped (as a query string carries it), longest
// first, so that a secret inside another is never half replaced.
func secretForms(secrets []string) []string {
	var out []string
	for _, s := range secrets {
		if s == "" {
			continue
		}
		q := strconv.Quote(s)
		out = append(out, s, q[1:len(q)-1], url.QueryEscape(s), url.PathEscape(s))
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return slices.Compact(out)
}

// collect reads a whole iterator, stopping the subtest on its first error.
func collect[V any](t *testing.T, what string, seq iter.Seq2[V, error]) []V {
	t.Helper()
	var out []V
	for v, err := range seq {
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		out = append(out, v)
	}
	return out
}

// suiteCtx is the context for suite calls: the test's own, canceled when
// the subtest ends.
func suiteCtx(t *suiteT) context.Context { return t.Context() }

func newPost(text string) cmkit.Post {
	return cmkit.Post{ID: cmkit.NewID(), Text: text}
}

func published(t *suiteT, h ChannelHarness, id uuid.UUID) int {
	t.Helper()
	n, err := h.Published(suiteCtx(t), id)
	if err != nil {
		t.Fatalf("harness Published(%s): %v", id, err)
	}
	return n
}

// noSecrets reports an error message that contains a credential.
func noSecrets(t *suiteT, h ChannelHarness, what string, err error) {
	t.Helper()
	if err != nil && t.leaks(err.Error()) {
		t.Errorf("%s: the error message contains a credential: %v", what, err)
	}
}

// ambiguous reports whether f leaves the outcome unknown, so that an
// adapter may wait for an answer that never comes.
func ambiguous(f Fault) bool { return f == FaultTimeout || f == FaultLostResponse }

// publishAfter injects f and publishes p, and reports whether the harness
// could inject it (when it answers ErrUnsupported, nothing is published).
// After a fault that leaves the outcome unknown, Publish gets a context
// whose deadline is the suite's fault deadline, and must return soon after
// it.
func publishAfter(t *suiteT, h ChannelHarness, f Fault, p cmkit.Post) (rc cmkit.Receipt, injected bool, err error) {
	t.Helper()
	err = h.InjectFault(suiteCtx(t), f)
	if errors.Is(err, cmkit.ErrUnsupported) {
		return cmkit.Receipt{}, false, err
	}
	if err != nil {
		t.Fatalf("harness InjectFault(%s): %v", f, err)
	}
	ctx := suiteCtx(t)
	if ambiguous(f) {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, t.suite.faultDeadline)
		defer cancel()
	}
	rc, err = h.Channel().Publish(ctx, p)
	noSecrets(t, h, "Publish", err)
	if d, ok := ctx.Deadline(); ok {
		if late := time.Since(d); late > deadlineGrace {
			t.Errorf("after an injected %s, Publish returned %s after its context's deadline: it must honour ctx", f, late.Round(time.Millisecond))
		}
	}
	return rc, true, err
}

// capability returns the channel under test as the capability interface T,
// or skips the subtest when the channel does not implement it.
func capability[T any](t *suiteT, h ChannelHarness) T {
	t.Helper()
	c, ok := h.Channel().(T)
	if !ok {
		t.Skipf("the channel does not implement %s", reflect.TypeFor[T]())
	}
	return c
}

// firstCall checks the first call to a capability: no credential in its
// error, a skip when it answers ErrUnsupported, and a stop on any other error.
func firstCall(t *suiteT, h ChannelHarness, c cmkit.Capability, err error) {
	t.Helper()
	noSecrets(t, h, string(c), err)
	skipUnsupported(t, c, err)
	if err != nil {
		t.Fatalf("%s: %v", c, err)
	}
}

// skipUnsupported skips the subtest when err says the capability is not
// available.
func skipUnsupported(t *suiteT, c cmkit.Capability, err error) {
	t.Helper()
	if errors.Is(err, cmkit.ErrUnsupported) {
		t.Skipf("the channel answers ErrUnsupported for %s: %v", c, err)
	}
}

func testIdentity(t *suiteT, h ChannelHarness) {
	ch := h.Channel()
	info := ch.Info()
	if err := info.Validate(); err != nil {
		t.Errorf("Info() is not valid: %v", err)
	}
	again := ch.Info()
	if fmt.Sprint(info) != fmt.Sprint(again) {
		t.Errorf("Info() changed between two calls:\n%+v\n%+v", info, again)
	}
	if len(info.Languages) > 0 {
		info.Languages[0] = "mutated-by-suite"
		if ch.Info().Languages[0] == "mutated-by-suite" {
			t.Errorf("Info() shares its Languages slice with the caller; return a copy")
		}
	}
}

func testPublish(t *suiteT, h ChannelHarness) {
	ch := h.Channel()
	p := newPost("cmkit conformance: publish")
	rc, err := ch.Publish(suiteCtx(t), p)
	noSecrets(t, h, "Publish", err)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	if rc.PostID != p.ID {
		t.Errorf("Receipt.PostID = %s, want the post's ID %s", rc.PostID, p.ID)
	}
	if rc.ChannelID != ch.Info().ID {
		t.Errorf("Receipt.ChannelID = %q, want %q", rc.ChannelID, ch.Info().ID)
	}
	if rc.PlatformID == "" {
		t.Errorf("Receipt.PlatformID is empty")
	}
	if rc.PublishedAt.IsZero() {
		t.Errorf("Receipt.PublishedAt is zero")
	}
	if n := published(t, h, p.ID); n != 1 {
		t.Errorf("after one Publish the platform holds %d posts with its ID, want 1", n)
	}
	q := newPost("cmkit conformance: a second post")
	rc2, err := ch.Publish(suiteCtx(t), q)
	if err != nil {
		t.Fatalf("second Publish: %v", err)
	}
	if rc2.PlatformID == rc.PlatformID {
		t.Errorf("two different posts got the same PlatformID %q", rc.PlatformID)
	}
}

func testPublishCanceled(t *suiteT, h ChannelHarness) {
	ctx, cancel := context.WithCancel(suiteCtx(t))
	cancel()
	p := newPost("cmkit conformance: canceled")
	_, err := h.Channel().Publish(ctx, p)
	noSecrets(t, h, "Publish", err)
	if err == nil {
		t.Errorf("Publish with a canceled context succeeded; it must return an error wrapping ctx.Err()")
	} else if !errors.Is(err, context.Canceled) {
		t.Errorf("Publish with a canceled context: errors.Is(err, context.Canceled) is false for %v", err)
	}
	if n := published(t, h, p.ID); n != 0 {
		t.Errorf("Publish with a canceled context published %d posts", n)
	}
}

func testLimits(t *suiteT, h ChannelHarness) {
	ch := h.Channel()
	l := ch.Info().Limits
	n := l.MaxLength
	if l.MaxBytes > 0 && (n == 0 || l.MaxBytes < n) {
		n = l.MaxBytes
	}
	if n == 0 {
		t.Skip("the channel declares no length limit")
	}
	// Plain ASCII letters count 1 each under every counting method.
	p := newPost(strings.Repeat("a", n))
	if _, err := ch.Publish(suiteCtx(t), p); err != nil {
		noSecrets(t, h, "Publish", err)
		t.Errorf("Publish of a text at the declared limit (%d ASCII letters) failed: %v", n, err)
	}
	over := newPost(strings.Repeat("b", n+1))
	_, err := ch.Publish(suiteCtx(t), over)
	noSecrets(t, h, "Publish", err)
	if err == nil {
		t.Logf("a text one over the declared limit was accepted: the declared limit is lower than the platform's")
		return
	}
	if c := cmkit.Classify(err); c != cmkit.Permanent {
		t.Errorf("Publish of an over-long text: Classify = %s, want permanent (%v)", c, err)
	}
	if got := published(t, h, over.ID); got != 0 {
		t.Errorf("a rejected over-long text was published %d times", got)
	}
}

func testRetrySafety(t *suiteT, h ChannelHarness) {
	ch := h.Channel()
	ctx := suiteCtx(t)
	switch rs := ch.Info().RetrySafety; rs {
	case cmkit.RetryUnsafe:
		t.Log("the channel declares RetryUnsafe: ambiguous failures go to a person; nothing more to check")
		return
	case cmkit.RetryIdempotent:
		p := newPost("cmkit conformance: idempotent")
		first, err := ch.Publish(ctx, p)
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
		second, err := ch.Publish(ctx, p)
		noSecrets(t, h, "Publish", err)
		if err == nil && second.PlatformID != first.PlatformID {
			t.Errorf("publishing the same Post.ID twice gave two PlatformIDs (%q, %q)", first.PlatformID, second.PlatformID)
		}
		if n := published(t, h, p.ID); n != 1 {
			t.Errorf("the channel declares RetryIdempotent, but publishing the same Post.ID twice left %d posts", n)
		}
		q := newPost("cmkit conformance: idempotent after a lost response")
		ok, err := publishLost(t, h, q)
		if !ok {
			return
		}
		if err == nil {
			t.Errorf("the injected lost response did not fail Publish")
		}
		if _, err := ch.Publish(ctx, q); err != nil {
			t.Errorf("retrying after a lost response: %v", err)
		}
		if n := published(t, h, q.ID); n != 1 {
			t.Errorf("the channel declares RetryIdempotent, but a retry after a lost response left %d posts", n)
		}
	case cmkit.RetryAfterLookup:
		f, ok := ch.(cmkit.PostFinder)
		if !ok {
			t.Fatalf("the channel declares RetryAfterLookup but does not implement cmkit.PostFinder")
		}
		p := newPost("cmkit conformance: lookup")
		_, err := f.FindPost(ctx, p.ID)
		noSecrets(t, h, "FindPost", err)
		if errors.Is(err, cmkit.ErrUnsupported) {
			t.Fatalf("the channel declares RetryAfterLookup but FindPost answers ErrUnsupported: %v", err)
		}
		if !errors.Is(err, cmkit.ErrNotFound) {
			t.Errorf("FindPost of an unpublished post: want ErrNotFound, got %v", err)
		}
		injected, err := publishLost(t, h, p)
		if !injected {
			return
		}
		if err == nil {
			t.Errorf("the injected lost response did not fail Publish")
		}
		rc, err := f.FindPost(ctx, p.ID)
		if err != nil {
			t.Fatalf("FindPost after a lost response (the post was published): %v", err)
		}
		if rc.PostID != p.ID || rc.PlatformID == "" {
			t.Errorf("FindPost returned %+v for post %s", rc, p.ID)
		}
		if n := published(t, h, p.ID); n != 1 {
			t.Errorf("after a lost response the platform holds %d posts, want 1", n)
		}
	default:
		t.Errorf("unknown RetrySafety %v", rs)
	}
}

// overlapping is how many calls testPublishOverlapping makes at once.
const overlapping = 8

// testPublishOverlapping publishes one post from several goroutines,
// released together through a barrier, as happens when a publisher's lease
// expires mid-send and another publisher retries while the first call is
// still in flight.
//
// RetryIdempotent promises that a second call with the same Post.ID never
// makes a second post, and an overlapping call is a second call: the
// platform must hold exactly one post, and every call that succeeds must
// return its receipt. An adapter that looks the ID up and then creates the
// post fails here, since every lookup can run before any create.
//
// RetryAfterLookup promises only that FindPost tells, afterwards, whether
// the post exists; a lookup cannot see a post another call is still
// creating, so the contract allows overlapping publishes to post twice
// there, and the subtest checks what the lookup promises: once the calls
// have returned, FindPost finds the post. RetryUnsafe promises nothing, and
// the subtest is skipped.
func testPublishOverlapping(t *suiteT, h ChannelHarness) {
	ch := h.Channel()
	rs := ch.Info().RetrySafety
	if rs == cmkit.RetryUnsafe {
		t.Skip("the channel declares RetryUnsafe: overlapping publishes may post twice")
	}
	ctx := suiteCtx(t)
	p := newPost("cmkit conformance: overlapping publishes")
	type result struct {
		rc  cmkit.Receipt
		err error
	}
	results := make([]result, overlapping)
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	for i := range results {
		post := p.Clone()
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			ready.Done()
			<-start
			results[i].rc, results[i].err = ch.Publish(ctx, post)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()

	var ok []cmkit.Receipt
	for _, r := range results {
		noSecrets(t, h, "Publish", r.err)
		if r.err != nil {
			t.Logf("an overlapping Publish failed: %v", r.err)
			continue
		}
		if r.rc.PostID != p.ID || r.rc.PlatformID == "" {
			t.Errorf("an overlapping Publish returned %+v for post %s", r.rc, p.ID)
		}
		ok = append(ok, r.rc)
	}
	if len(ok) == 0 {
		t.Fatalf("none of %d overlapping publishes of one post succeeded", overlapping)
	}
	n := published(t, h, p.ID)
	if rs == cmkit.RetryAfterLookup {
		t.Logf("%d overlapping publishes left %d posts (RetryAfterLookup allows more than one)", overlapping, n)
		f, isFinder := ch.(cmkit.PostFinder)
		if !isFinder {
			t.Fatalf("the channel declares RetryAfterLookup but does not implement cmkit.PostFinder")
		}
		rc, err := f.FindPost(ctx, p.ID)
		noSecrets(t, h, "FindPost", err)
		if err != nil {
			t.Errorf("FindPost after %d overlapping publishes: %v", overlapping, err)
		} else if rc.PostID != p.ID || rc.PlatformID == "" {
			t.Errorf("FindPost returned %+v for post %s", rc, p.ID)
		}
		return
	}
	if n != 1 {
		t.Errorf("the channel declares RetryIdempotent, but %d overlapping publishes of one post left %d posts", overlapping, n)
	}
	for _, rc := range ok[1:] {
		if rc.PlatformID != ok[0].PlatformID {
			t.Errorf("overlapping publishes of one post returned different PlatformIDs (%q, %q)", ok[0].PlatformID, rc.PlatformID)
			break
		}
	}
}

// publishLost publishes p after an injected lost response, or logs why
// the harness cannot inject one and returns false.
func publishLost(t *suiteT, h ChannelHarness, p cmkit.Post) (injected bool, err error) {
	t.Helper()
	_, injected, err = publishAfter(t, h, FaultLostResponse, p)
	if !injected {
		t.Logf("the harness cannot inject %s; that part is not checked", FaultLostResponse)
		return false, nil
	}
	return true, err
}

func testErrorsClassified(t *suiteT, h ChannelHarness) {
	want := map[Fault]cmkit.Failure{
		FaultTransient:    cmkit.Transient,
		FaultRateLimit:    cmkit.Transient,
		FaultPermanent:    cmkit.Permanent,
		FaultTimeout:      cmkit.Ambiguous,
		FaultLostResponse: cmkit.Ambiguous,
	}
	for _, fault := range Faults() {
		t.Run(fault.String(), func(t *suiteT) {
			p := newPost("cmkit conformance: " + fault.String())
			_, injected, err := publishAfter(t, h, fault, p)
			if !injected {
				t.Skipf("the harness cannot inject %s: %v", fault, err)
			}
			if err == nil {
				t.Fatalf("Publish succeeded despite the injected %s", fault)
			}
			if got := cmkit.Classify(err); got != want[fault] {
				t.Errorf("Classify = %s, want %s for %v", got, want[fault], err)
			}
			explicit := errors.Is(err, cmkit.ErrTransient) || errors.Is(err, cmkit.ErrAmbiguous) ||
				errors.Is(err, cmkit.ErrPermanent) || errors.Is(err, cmkit.ErrInvalid) || errors.Is(err, cmkit.ErrForbidden)
			if !explicit {
				t.Errorf("the error is not classified (it wraps none of ErrTransient, ErrAmbiguous, ErrPermanent, ErrInvalid, ErrForbidden): %v", err)
			}
			if fault == FaultRateLimit {
				var rl *cmkit.RateLimitError
				if !errors.As(err, &rl) {
					t.Errorf("a rate limit must be a *cmkit.RateLimitError, got %v", err)
				} else if rl.RetryAfter < 0 || rl.RetryAfter > cmkit.MaxRetryAfter {
					t.Errorf("RateLimitError.RetryAfter = %s, want within [0, cmkit.MaxRetryAfter]", rl.RetryAfter)
				}
			}
			if want[fault] != cmkit.Ambiguous {
				if n := published(t, h, p.ID); n != 0 {
					t.Errorf("a %s failure must not publish, but the platform holds %d posts", want[fault], n)
				}
			}
		})
	}
}

func testNoSecrets(t *suiteT, h ChannelHarness) {
	if len(t.secrets) == 0 {
		t.Skip("the harness names no credentials")
	}
	ch := h.Channel()
	ctx := suiteCtx(t)
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	var errs []error
	_, err := ch.Publish(canceled, newPost("x"))
	errs = append(errs, err)
	for _, f := range Faults() { // publishAfter checks each error
		publishAfter(t, h, f, newPost("cmkit conformance: secrets "+f.String()))
	}
	if pf, ok := ch.(cmkit.PostFinder); ok {
		_, err := pf.FindPost(ctx, cmkit.NewID())
		errs = append(errs, err)
	}
	if d, ok := ch.(cmkit.Deleter); ok {
		errs = append(errs, d.Delete(ctx, "cmkit-conformance-missing"))
	}
	if in, ok := ch.(cmkit.InsightsFetcher); ok {
		_, err := in.Insights(ctx, "cmkit-conformance-missing")
		errs = append(errs, err)
	}
	if sr, ok := ch.(cmkit.Searcher); ok {
		_, err := sr.Search(ctx, "cmkit", "cmkit-conformance-bogus-cursor", 1)
		errs = append(errs, err)
	}
	for _, err := range errs {
		noSecrets(t, h, "an error", err)
	}
}

func testFindPost(t *suiteT, h ChannelHarness) {
	ch := h.Channel()
	f := capability[cmkit.PostFinder](t, h)
	ctx := suiteCtx(t)
	p := newPost("cmkit conformance: find")
	_, err := f.FindPost(ctx, p.ID)
	noSecrets(t, h, "FindPost", err)
	skipUnsupported(t, cmkit.CapFindPost, err)
	if !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("FindPost before Publish: want ErrNotFound, got %v", err)
	}
	rc, err := ch.Publish(ctx, p)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	got, err := f.FindPost(ctx, p.ID)
	if err != nil {
		t.Fatalf("FindPost after Publish: %v", err)
	}
	if got.PlatformID != rc.PlatformID || got.PostID != rc.PostID {
		t.Errorf("FindPost = %+v, Publish returned %+v: the two routes disagree", got, rc)
	}
}

// pager reads one page of a stream: ReadMentions, or Search of a query.
type pager func(ctx context.Context, after cmkit.Cursor, limit int) (cmkit.MentionPage, error)

// readAll reads pages of size limit from cursor until an empty page, and
// returns the mentions and the final cursor. It stops the subtest when a
// page with items leaves the cursor where it was, since reading on would
// return the same items for ever.
func readAll(t *suiteT, what string, read pager, from cmkit.Cursor, limit int) ([]cmkit.Mention, cmkit.Cursor) {
	t.Helper()
	var all []cmkit.Mention
	cur := from
	for range 10000 {
		page, err := read(suiteCtx(t), cur, limit)
		if err != nil {
			t.Fatalf("%s(%q): %v", what, cur, err)
		}
		if limit > 0 && len(page.Mentions) > limit {
			t.Errorf("%s returned %d items, more than the limit %d", what, len(page.Mentions), limit)
		}
		if len(page.Mentions) == 0 {
			if page.Next != cur {
				t.Errorf("%s: an empty page moved the cursor from %q to %q", what, cur, page.Next)
			}
			return all, cur
		}
		if page.Next == cur {
			t.Fatalf("%s: a page with items left the cursor at %q, so reading on returns them again: %v", what, cur, ids(page.Mentions))
		}
		all = append(all, page.Mentions...)
		cur = page.Next
	}
	t.Fatalf("%s never returned an empty page", what)
	return nil, ""
}

func ids(ms []cmkit.Mention) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// checkStream reports an item of got delivered twice (the same ID and
// EditedAt; an edit is a new delivery), and any of want that is missing
// from got or out of order.
func checkStream(t *suiteT, what string, got []cmkit.Mention, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, m := range got {
		key := m.ID + "@" + m.EditedAt.UTC().Format(time.RFC3339Nano)
		seen[key]++
		if seen[key] == 2 && m.EditedAt.IsZero() {
			t.Errorf("%s: item %q was returned twice", what, m.ID)
		} else if seen[key] == 2 {
			t.Errorf("%s: item %q as edited at %v was returned twice", what, m.ID, m.EditedAt)
		}
	}
	i := 0
	for _, m := range got {
		if i < len(want) && m.ID == want[i] {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("%s: got %v, want %v in that order (missing from %q)", what, ids(got), want, want[i])
	}
}

func testReadMentions(t *suiteT, h ChannelHarness) {
	ch := h.Channel()
	r := capability[cmkit.MentionReader](t, h)
	ctx := suiteCtx(t)
	_, err := r.ReadMentions(ctx, "", 1)
	firstCall(t, h, cmkit.CapReadMentions, err)
	add := func(n int) ([]string, error) { return h.AddMentions(ctx, n) }
	checkPaging(t, "ReadMentions", r.ReadMentions, add, false, func(m cmkit.Mention) { checkItem(t, ch, m) })
}

// checkPaging adds items through add (5, then 3 more) and reads them back
// through read, in pages of 2 from a stored cursor: each item once, in
// order; when exact, nothing else either. Then it checks that rereading
// from the same cursor gives the same answer, and that a canceled context
// gives an error wrapping context.Canceled. check is called on each item.
func checkPaging(t *suiteT, what string, read pager, add func(n int) ([]string, error), exact bool, check func(cmkit.Mention)) {
	t.Helper()
	adding := func(n int) []string {
		t.Helper()
		got, err := add(n)
		if errors.Is(err, cmkit.ErrUnsupported) {
			t.Skipf("the harness cannot add items for %s: %v", what, err)
		}
		if err != nil {
			t.Fatalf("harness: adding %d items for %s: %v", n, what, err)
		}
		return got
	}
	_, start := readAll(t, what, read, "", 0) // skip what the sandbox already holds
	first := adding(5)
	got, end := readAll(t, what, read, start, 2)
	checkStream(t, what+": reading 5 new items in pages of 2", got, first)
	if exact && len(got) != len(first) {
		t.Errorf("%s returned %v, want exactly %v", what, ids(got), first)
	}
	for _, m := range got {
		check(m)
	}
	// Resume from a stored cursor: only what arrived since.
	more := adding(3)
	got, _ = readAll(t, what, read, end, 2)
	checkStream(t, what+": resuming after 3 more items", got, more)
	if len(got) != len(more) {
		t.Errorf("%s: resuming returned %v, want exactly %v", what, ids(got), more)
	}
	// Rereading from the same cursor gives the same answer.
	again, _ := readAll(t, what, read, end, 1)
	if fmt.Sprint(ids(again)) != fmt.Sprint(ids(got)) {
		t.Errorf("%s: rereading from the same cursor gave %v, then %v", what, ids(got), ids(again))
	}
	canceled, cancel := context.WithCancel(suiteCtx(t))
	cancel()
	_, err := read(canceled, end, 1)
	noSecrets(t, nil, what, err)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%s with a canceled context: want context.Canceled, got %v", what, err)
	}
}

// checkItem reports an item read from ch without its ID, ChannelID, Kind
// or CreatedAt.
func checkItem(t *suiteT, ch cmkit.Channel, m cmkit.Mention) {
	t.Helper()
	if m.ChannelID != ch.Info().ID || m.Kind == "" || m.CreatedAt.IsZero() || m.ID == "" {
		t.Errorf("item %+v: ID, ChannelID, Kind and CreatedAt must be set", m)
	}
}

// uniqueWord returns a word nobody else writes: "cmkit" and 12 hex digits.
func uniqueWord() string {
	u := uuid.New()
	return fmt.Sprintf("cmkit%x", u[10:])
}

// searchPager reads Search for q.
func searchPager(sr cmkit.Searcher, q string) pager {
	return func(ctx context.Context, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
		return sr.Search(ctx, q, after, limit)
	}
}

// optional returns the harness as the optional harness interface T, or
// skips the subtest.
func optional[T any](t *suiteT, h ChannelHarness) T {
	t.Helper()
	x, ok := h.(T)
	if !ok {
		t.Skipf("the harness does not implement cmkittest.%s", reflect.TypeFor[T]().Name())
	}
	return x
}

func testSearch(t *suiteT, h ChannelHarness) {
	ch := h.Channel()
	sr := capability[cmkit.Searcher](t, h)
	ctx := suiteCtx(t)
	word, other := uniqueWord(), uniqueWord()
	page, err := sr.Search(ctx, word, "", 1)
	firstCall(t, h, cmkit.CapSearch, err)
	if len(page.Mentions) > 0 {
		t.Errorf("Search(%q), a word nobody wrote, found %v", word, ids(page.Mentions))
	}
	sh := optional[SearchHarness](t, h)
	// Before each batch, a post with the other word only, which a search
	// for word must not find.
	add := func(n int) ([]string, error) {
		if _, err := sh.AddPublic(ctx, 1, other); err != nil {
			return nil, err
		}
		return sh.AddPublic(ctx, n, word)
	}
	checkPaging(t, "Search", searchPager(sr, word), add, true, func(m cmkit.Mention) {
		checkItem(t, ch, m)
		if m.Kind != cmkit.KindMention {
			t.Errorf("Search returned %q of kind %q, want %q", m.ID, m.Kind, cmkit.KindMention)
		}
		if !strings.Contains(strings.ToLower(m.Text), word) {
			t.Errorf("Search(%q) returned %q, whose text %q lacks the word", word, m.ID, m.Text)
		}
	})
	both := word + " " + other
	if got, _ := readAll(t, "Search", searchPager(sr, both), "", 0); len(got) > 0 {
		t.Errorf("Search(%q) found %v, but no post holds both words: every word of the query must appear", both, ids(got))
	}
}

func testReadMentionsEdited(t *suiteT, h ChannelHarness) {
	r := capability[cmkit.MentionReader](t, h)
	_, err := r.ReadMentions(suiteCtx(t), "", 1)
	firstCall(t, h, cmkit.CapReadMentions, err)
	eh := optional[EditHarness](t, h)
	_, start := readAll(t, "ReadMentions", r.ReadMentions, "", 0)
	id := oneMention(t, h)
	checkEdits(t, "ReadMentions", r.ReadMentions, eh, start, id, "cmkit conformance:")
}

func testSearchEdited(t *suiteT, h ChannelHarness) {
	sr := capability[cmkit.Searcher](t, h)
	word := uniqueWord()
	_, err := sr.Search(suiteCtx(t), word, "", 1)
	firstCall(t, h, cmkit.CapSearch, err)
	sh := optional[SearchHarness](t, h)
	eh := optional[EditHarness](t, h)
	got, err := sh.AddPublic(suiteCtx(t), 1, word)
	if errors.Is(err, cmkit.ErrUnsupported) {
		t.Skipf("the harness cannot add public posts: %v", err)
	}
	if err != nil || len(got) != 1 {
		t.Fatalf("harness AddPublic(1) = %v, %v", got, err)
	}
	checkEdits(t, "Search", searchPager(sr, word), eh, "", got[0], "cmkit conformance: "+word)
}

// checkEdits reads item id from the stream read, from start on, then has
// its author edit it twice, and checks that each edit is delivered once
// more: same ID and CreatedAt, the new text, a later EditedAt. Each new
// text begins with prefix.
func checkEdits(t *suiteT, what string, read pager, eh EditHarness, start cmkit.Cursor, id, prefix string) {
	t.Helper()
	delivered := func(ms []cmkit.Mention) []cmkit.Mention {
		var out []cmkit.Mention
		for _, m := range ms {
			if m.ID == id {
				out = append(out, m)
			}
		}
		return out
	}
	got, cur := readAll(t, what, read, start, 0)
	before := delivered(got)
	if len(before) != 1 {
		t.Fatalf("%s delivered %q %d times before any edit, want once: %v", what, id, len(before), ids(got))
	}
	prev := before[0]
	for i := range 2 {
		marker := uniqueWord()
		err := eh.Edit(suiteCtx(t), id, fmt.Sprintf("%s edited (%d) %s", prefix, i+1, marker))
		if errors.Is(err, cmkit.ErrUnsupported) {
			t.Skipf("the harness cannot edit: %v", err)
		}
		if err != nil {
			t.Fatalf("harness Edit(%q): %v", id, err)
		}
		got, next := readAll(t, what, read, cur, 0)
		edits := delivered(got)
		if len(edits) != 1 {
			t.Errorf("after edit %d of %q, %s delivered it %d times, want once more (same ID, later EditedAt): %v", i+1, id, what, len(edits), ids(got))
			if len(edits) == 0 {
				return
			}
		}
		e := edits[len(edits)-1]
		if !strings.Contains(e.Text, marker) {
			t.Errorf("%s delivered edit %d of %q with the text %q, want the new text (with %s)", what, i+1, id, e.Text, marker)
		}
		if !e.EditedAt.After(prev.EditedAt) || e.EditedAt.Before(prev.CreatedAt) {
			t.Errorf("%s delivered edit %d of %q with EditedAt %v, want one after the last version's (%v) and not before CreatedAt (%v)",
				what, i+1, id, e.EditedAt, prev.EditedAt, prev.CreatedAt)
		}
		if !e.CreatedAt.Equal(prev.CreatedAt) || e.ChannelID != prev.ChannelID || e.Kind != prev.Kind {
			t.Errorf("%s delivered edit %d of %q as %+v; CreatedAt, ChannelID and Kind must stay those of %+v", what, i+1, id, e, prev)
		}
		prev, cur = e, next
	}
}

// oneMention adds a mention through the harness, or skips.
func oneMention(t *suiteT, h ChannelHarness) string {
	t.Helper()
	got, err := h.AddMentions(suiteCtx(t), 1)
	if errors.Is(err, cmkit.ErrUnsupported) {
		t.Skipf("the harness cannot add mentions: %v", err)
	}
	if err != nil || len(got) != 1 {
		t.Fatalf("harness AddMentions(1) = %v, %v", got, err)
	}
	return got[0]
}

func testReply(t *suiteT, h ChannelHarness) {
	r := capability[cmkit.Replier](t, h)
	ctx := suiteCtx(t)
	m := oneMention(t, h)
	p := newPost("cmkit conformance: thanks for writing")
	rc, err := r.Reply(ctx, m, p)
	firstCall(t, h, cmkit.CapReply, err)
	if rc.PostID != p.ID || rc.PlatformID == "" {
		t.Errorf("Reply receipt %+v for post %s", rc, p.ID)
	}
	if n := published(t, h, p.ID); n != 1 {
		t.Errorf("after one Reply the platform holds %d posts with its ID, want 1", n)
	}
	q := newPost("cmkit conformance: reply to nothing")
	_, err = r.Reply(ctx, "cmkit-conformance-missing", q)
	noSecrets(t, h, "Reply", err)
	if err == nil {
		t.Errorf("Reply to a mention that does not exist succeeded")
	} else if c := cmkit.Classify(err); c != cmkit.Permanent {
		t.Errorf("Reply to a missing mention: Classify = %s, want permanent (%v)", c, err)
	}
}

func testPublishReply(t *suiteT, h ChannelHarness) {
	tp := capability[cmkit.ThreadPublisher](t, h)
	ctx := suiteCtx(t)
	first := newPost("cmkit conformance: a thread, 1/2")
	parent, err := h.Channel().Publish(ctx, first)
	if err != nil {
		t.Fatalf("Publish the thread's first post: %v", err)
	}
	p := newPost("cmkit conformance: a thread, 2/2")
	p.InReplyTo = parent.PlatformID
	rc, err := tp.PublishReply(ctx, parent, p)
	firstCall(t, h, cmkit.CapThread, err)
	if rc.PostID != p.ID || rc.PlatformID == "" || rc.PlatformID == parent.PlatformID {
		t.Errorf("PublishReply receipt %+v for post %s (parent %s)", rc, p.ID, parent.PlatformID)
	}
	if n := published(t, h, p.ID); n != 1 {
		t.Errorf("after one PublishReply the platform holds %d posts with its ID, want 1", n)
	}
	if h.Channel().Info().RetrySafety == cmkit.RetryIdempotent {
		again, err := tp.PublishReply(ctx, parent, p)
		noSecrets(t, h, "PublishReply", err)
		if err != nil || again.PlatformID != rc.PlatformID {
			t.Errorf("PublishReply again on a RetryIdempotent channel = %+v, %v; want the first receipt", again, err)
		}
		if n := published(t, h, p.ID); n != 1 {
			t.Errorf("after PublishReply twice with one ID the platform holds %d posts, want 1", n)
		}
	}
	q := newPost("cmkit conformance: reply to nothing")
	_, err = tp.PublishReply(ctx, cmkit.Receipt{ChannelID: parent.ChannelID, PlatformID: "cmkit-conformance-missing"}, q)
	noSecrets(t, h, "PublishReply", err)
	if err == nil {
		t.Errorf("PublishReply to a post that does not exist succeeded")
	} else if c := cmkit.Classify(err); c != cmkit.Permanent {
		t.Errorf("PublishReply to a missing post: Classify = %s, want permanent (%v)", c, err)
	}
}

func testHide(t *suiteT, h ChannelHarness) {
	hd := capability[cmkit.Hider](t, h)
	ctx := suiteCtx(t)
	m := oneMention(t, h)
	err := hd.SetHidden(ctx, m, true)
	firstCall(t, h, cmkit.CapHide, err)
	if err := hd.SetHidden(ctx, m, true); err != nil {
		t.Errorf("SetHidden(true) twice must be idempotent: %v", err)
	}
	if err := hd.SetHidden(ctx, m, false); err != nil {
		t.Errorf("SetHidden(false): %v", err)
	}
	err = hd.SetHidden(ctx, "cmkit-conformance-missing", true)
	noSecrets(t, h, "SetHidden", err)
	if !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("SetHidden of a missing mention: want ErrNotFound, got %v", err)
	}
}

func testDelete(t *suiteT, h ChannelHarness) {
	ch := h.Channel()
	d := capability[cmkit.Deleter](t, h)
	ctx := suiteCtx(t)
	p := newPost("cmkit conformance: delete me")
	rc, err := ch.Publish(ctx, p)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	err = d.Delete(ctx, rc.PlatformID)
	firstCall(t, h, cmkit.CapDelete, err)
	if n := published(t, h, p.ID); n != 0 {
		t.Errorf("after Delete the platform still holds %d posts", n)
	}
	if err := d.Delete(ctx, rc.PlatformID); !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("deleting twice: want ErrNotFound, got %v", err)
	}
	if f, ok := ch.(cmkit.PostFinder); ok {
		_, err := f.FindPost(ctx, p.ID)
		switch {
		case err == nil:
			t.Errorf("FindPost still finds a deleted post")
		case !errors.Is(err, cmkit.ErrNotFound) && !errors.Is(err, cmkit.ErrUnsupported):
			t.Errorf("FindPost of a deleted post: want ErrNotFound, got %v", err)
		}
	}
}

func testInsights(t *suiteT, h ChannelHarness) {
	ch := h.Channel()
	in := capability[cmkit.InsightsFetcher](t, h)
	ctx := suiteCtx(t)
	p := newPost("cmkit conformance: insights")
	rc, err := ch.Publish(ctx, p)
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	got, err := in.Insights(ctx, rc.PlatformID)
	firstCall(t, h, cmkit.CapInsights, err)
	if got.PlatformID != rc.PlatformID {
		t.Errorf("Insights.PlatformID = %q, want %q", got.PlatformID, rc.PlatformID)
	}
	for name, v := range map[string]int64{"Impressions": got.Impressions, "Reach": got.Reach,
		"Reactions": got.Reactions, "Comments": got.Comments, "Shares": got.Shares,
		"Saves": got.Saves, "Clicks": got.Clicks, "VideoViews": got.VideoViews} {
		if v < 0 {
			t.Errorf("Insights.%s = %d, want >= 0", name, v)
		}
	}
	_, err = in.Insights(ctx, "cmkit-conformance-missing")
	noSecrets(t, h, "Insights", err)
	if !errors.Is(err, cmkit.ErrNotFound) {
		t.Errorf("Insights of a missing post: want ErrNotFound, got %v", err)
	}
}

func testFollowerCount(t *suiteT, h ChannelHarness) {
	fc := capability[cmkit.FollowerCounter](t, h)
	n, err := fc.FollowerCount(suiteCtx(t))
	firstCall(t, h, cmkit.CapFollowerCount, err)
	if n < 0 {
		t.Errorf("FollowerCount = %d, want >= 0", n)
	}
}
