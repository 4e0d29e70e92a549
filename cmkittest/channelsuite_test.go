package cmkittest_test

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
)

// Deliberately broken channels, each wrong in one way, to show that
// TestChannel fails them (testing the tester, as testing/fstest does).

// doublePoster claims idempotency but publishes every call.
type doublePoster struct{ *cmkittest.FakeChannel }

func (d doublePoster) Info() cmkit.ChannelInfo {
	info := d.FakeChannel.Info()
	info.RetrySafety = cmkit.RetryIdempotent
	return info
}

// blindFinder claims it can look posts up, but never finds any.
type blindFinder struct{ *cmkittest.FakeChannel }

func (b blindFinder) FindPost(context.Context, uuid.UUID) (cmkit.Receipt, error) {
	return cmkit.Receipt{}, cmkit.ErrNotFound
}

// unclassified loses the error class: every failure is a bare string.
type unclassified struct{ *cmkittest.FakeChannel }

func (u unclassified) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	rc, err := u.FakeChannel.Publish(ctx, p)
	if err != nil {
		return rc, errors.New("publish failed: " + err.Error())
	}
	return rc, nil
}

// ignoresCancel publishes whatever the context says.
type ignoresCancel struct{ *cmkittest.FakeChannel }

func (i ignoresCancel) Publish(_ context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	return i.FakeChannel.Publish(context.Background(), p)
}

// gappyCursor drops the last mention of every page but still moves past it.
type gappyCursor struct{ *cmkittest.FakeChannel }

func (g gappyCursor) ReadMentions(ctx context.Context, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	page, err := g.FakeChannel.ReadMentions(ctx, after, limit)
	if len(page.Mentions) > 1 {
		page.Mentions = page.Mentions[:len(page.Mentions)-1]
	}
	return page, err
}

// leaky puts its token into error messages.
type leaky struct{ *cmkittest.FakeChannel }

func (l leaky) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	rc, err := l.FakeChannel.Publish(ctx, p)
	if err != nil {
		err = errors.Join(err, errors.New("request with Authorization: Bearer "+l.Token()))
	}
	return rc, err
}

// obeysAnyWait passes on whatever wait the platform asks for, even a Unix
// time sent as seconds (54 years), instead of capping it.
type obeysAnyWait struct{ *cmkittest.FakeChannel }

func (o obeysAnyWait) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	rc, err := o.FakeChannel.Publish(ctx, p)
	if rl := (*cmkit.RateLimitError)(nil); errors.As(err, &rl) {
		return rc, &cmkit.RateLimitError{RetryAfter: 1700000000 * time.Second, Err: err}
	}
	return rc, err
}

// lookupThenCreate claims idempotency, but publishes in two steps: it looks
// the post up and creates it when it is absent (over a fake that publishes
// every call). Its gate holds each call that found nothing until a second
// one has looked too, and then stays open, so two overlapping calls both
// create every time: the race is certain by construction, not by timing. A
// lone call waits for a partner, so the tester runs only the subtest that
// overlaps calls (the wait gives up after gateTimeout, so a misuse is slow
// rather than stuck).
type lookupThenCreate struct {
	doublePoster
	gate *gate
}

func (l lookupThenCreate) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	rc, err := l.FindPost(ctx, p.ID)
	if !errors.Is(err, cmkit.ErrNotFound) {
		return rc, err
	}
	l.gate.pass()
	return l.FakeChannel.Publish(ctx, p)
}

const gateTimeout = 10 * time.Second

// gate opens for good once two callers have arrived.
type gate struct {
	mu      sync.Mutex
	arrived int
	open    chan struct{}
}

func newGate() *gate { return &gate{open: make(chan struct{})} }

func (g *gate) pass() {
	g.mu.Lock()
	g.arrived++
	if g.arrived == 2 {
		close(g.open)
	}
	g.mu.Unlock()
	select {
	case <-g.open:
	case <-time.After(gateTimeout):
	}
}

// leakToken is the credential of the channels that leak it; its quote and
// slash have other forms in %q output and in URLs.
const leakToken = `tok+en/"9f8e7d6c`

// leaksEverywhere puts its token into every error and loses the error
// class on Publish, so that the suite prints many of its errors.
type leaksEverywhere struct{ *cmkittest.FakeChannel }

func (l leaksEverywhere) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	rc, err := l.FakeChannel.Publish(ctx, p)
	if err != nil {
		return rc, errors.New("POST https://api.invalid/statuses?access_token=" + url.QueryEscape(l.Token()) +
			" with token " + l.Token() + " failed: " + err.Error())
	}
	return rc, nil
}

func (l leaksEverywhere) FindPost(ctx context.Context, id uuid.UUID) (cmkit.Receipt, error) {
	rc, err := l.FakeChannel.FindPost(ctx, id)
	if err != nil {
		return rc, fmt.Errorf("%w (token %q)", err, l.Token())
	}
	return rc, nil
}

// ignoresDeadline answers an injected timeout or lost response only after
// slowAnswer, whatever its context says, as an adapter does that relies on
// its HTTP client's Timeout alone.
type ignoresDeadline struct{ *cmkittest.FakeChannel }

const slowAnswer = 1500 * time.Millisecond

func (i ignoresDeadline) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	rc, err := i.FakeChannel.Publish(ctx, p)
	if err != nil && cmkit.Classify(err) == cmkit.Ambiguous {
		time.Sleep(slowAnswer)
	}
	return rc, err
}

// repeatsAcrossPages sets the cursor of each Search page one post short,
// so that the next page starts with the last post of this one again.
type repeatsAcrossPages struct{ *cmkittest.FakeChannel }

func (r repeatsAcrossPages) Search(ctx context.Context, q string, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	page, err := r.FakeChannel.Search(ctx, q, after, limit)
	if err == nil && len(page.Mentions) > 1 {
		short, err := r.FakeChannel.Search(ctx, q, after, len(page.Mentions)-1)
		if err != nil {
			return cmkit.MentionPage{}, err
		}
		page.Next = short.Next
	}
	return page, err
}

// searchIgnoresCursor searches from the start whatever the cursor says.
type searchIgnoresCursor struct{ *cmkittest.FakeChannel }

func (s searchIgnoresCursor) Search(ctx context.Context, q string, _ cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	return s.FakeChannel.Search(ctx, q, "", limit)
}

// losesEdits drops every edited item from ReadMentions and Search, as an
// adapter does that asks the platform only for items created after its
// cursor: an edit, created long before, never comes.
type losesEdits struct{ *cmkittest.FakeChannel }

func dropEdits(page cmkit.MentionPage, err error) (cmkit.MentionPage, error) {
	page.Mentions = slices.DeleteFunc(page.Mentions, func(m cmkit.Mention) bool { return !m.EditedAt.IsZero() })
	return page, err
}

func (l losesEdits) ReadMentions(ctx context.Context, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	return dropEdits(l.FakeChannel.ReadMentions(ctx, after, limit))
}

func (l losesEdits) Search(ctx context.Context, q string, after cmkit.Cursor, limit int) (cmkit.MentionPage, error) {
	return dropEdits(l.FakeChannel.Search(ctx, q, after, limit))
}

type brokenCase struct {
	token  string            // of the fake underneath, when not its default
	safety cmkit.RetrySafety // of the fake underneath
	wrap   func(*cmkittest.FakeChannel) cmkit.Channel
	fails  []string // subtests that must fail
	only   []string // when set, the only subtests run (besides Identity and passes)
	passes []string // subtests that must still pass, besides Identity
}

var brokenChannels = map[string]brokenCase{
	"double-poster": {"", cmkit.RetryUnsafe, func(f *cmkittest.FakeChannel) cmkit.Channel { return doublePoster{f} },
		[]string{"RetrySafety"}, nil, nil},
	"blind-finder": {"", cmkit.RetryAfterLookup, func(f *cmkittest.FakeChannel) cmkit.Channel { return blindFinder{f} },
		[]string{"RetrySafety", "FindPost"}, nil, nil},
	"unclassified": {"", cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return unclassified{f} },
		[]string{"ErrorsClassified/transient", "ErrorsClassified/permanent", "ErrorsClassified/rate-limit", "PublishCanceledContext"}, nil, nil},
	"ignores-cancel": {"", cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return ignoresCancel{f} },
		[]string{"PublishCanceledContext"}, nil, nil},
	"gappy-cursor": {"", cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return gappyCursor{f} },
		[]string{"ReadMentions"}, nil, nil},
	"leaky": {"", cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return leaky{f} },
		[]string{"NoSecretsInErrors", "ErrorsClassified/transient"}, nil, nil},
	"obeys-any-wait": {"", cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return obeysAnyWait{f} },
		[]string{"ErrorsClassified/rate-limit"}, nil, nil},
	"lookup-then-create": {"", cmkit.RetryAfterLookup, func(f *cmkittest.FakeChannel) cmkit.Channel {
		return lookupThenCreate{doublePoster{f}, newGate()}
	}, []string{"PublishOverlapping"}, []string{"PublishOverlapping"}, nil},
	"leaks-everywhere": {leakToken, cmkit.RetryAfterLookup, func(f *cmkittest.FakeChannel) cmkit.Channel { return leaksEverywhere{f} },
		[]string{"NoSecretsInErrors", "PublishCanceledContext", "Limits", "ErrorsClassified/transient", "FindPost"}, nil, nil},
	"ignores-deadline": {"", cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return ignoresDeadline{f} },
		[]string{"ErrorsClassified/timeout", "ErrorsClassified/lost-response"}, []string{"ErrorsClassified"}, nil},
	"search-repeats-across-pages": {"", cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return repeatsAcrossPages{f} },
		[]string{"Search"}, nil, []string{"ReadMentions", "SearchEdited"}},
	"search-ignores-cursor": {"", cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return searchIgnoresCursor{f} },
		[]string{"Search", "SearchEdited"}, nil, []string{"ReadMentions", "ReadMentionsEdited"}},
	"loses-edits": {"", cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return losesEdits{f} },
		[]string{"ReadMentionsEdited", "SearchEdited"}, nil, []string{"ReadMentions", "Search"}},
}

const brokenEnv = "CMKITTEST_BROKEN_CHANNEL"

// TestSuiteCatchesBrokenChannels runs TestChannel on each broken channel in
// a child process (a failing suite fails its test, which this test must
// observe rather than suffer) and checks that exactly the expected subtests
// fail while the honest ones still pass.
func TestSuiteCatchesBrokenChannels(t *testing.T) {
	if name := os.Getenv(brokenEnv); name != "" {
		bc := brokenChannels[name]
		cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
			f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "broken", RetrySafety: bc.safety}, Token: bc.token})
			return cmkittest.FakeHarness(f, bc.wrap(f))
		})
		return
	}
	for name, bc := range brokenChannels {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			out := expectSuiteFailures(t, "TestSuiteCatchesBrokenChannels", brokenEnv, name, bc.fails, append([]string{"Identity"}, bc.passes...), bc.only...)
			token := cmp.Or(bc.token, newFake(t, cmkittest.FakeConfig{}).Token())
			assertNoSecret(t, out, token)
		})
	}
}

// expectSuiteFailures re-runs the test named test in a child process with
// env=name, and checks that it fails, that each of the subtests fails, that
// each of passes still passes (the implementation is broken only in the
// intended way), and that nothing panicked or crashed. When only names
// subtests, the child runs just those and passes.
func expectSuiteFailures(t *testing.T, test, env, name string, fails, passes []string, only ...string) (output string) {
	t.Helper()
	run := "^" + test + "$"
	if len(only) > 0 {
		run += "/^(" + strings.Join(append(slices.Clone(passes), only...), "|") + ")$"
	}
	out, err := runChild(run, env, name)
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "the suite passed a broken implementation:\n%s", out)
	prefix := test + "/"
	for _, sub := range fails {
		assert.Contains(t, string(out), "--- FAIL: "+prefix+sub+" ", "subtest %s must fail", sub)
	}
	for _, sub := range passes {
		assert.Contains(t, string(out), "--- PASS: "+prefix+sub+" ", "subtest %s must still pass", sub)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, "panic:") || strings.HasPrefix(line, "fatal error:") {
			t.Errorf("the suite panicked or crashed: %s", line)
		}
	}
	return string(out)
}

// runChild runs the tests that match run in a child process with
// env=value, verbosely, and returns its output.
func runChild(run, env, value string) ([]byte, error) {
	cmd := exec.Command(os.Args[0], "-test.run="+run, "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+value)
	return cmd.CombinedOutput()
}

const plainEnv = "CMKITTEST_PLAIN_HARNESS"

// plainHarness is a ChannelHarness and nothing more: it hides the fake
// harness's SearchHarness and EditHarness.
type plainHarness struct{ cmkittest.ChannelHarness }

// A harness without the optional SearchHarness and EditHarness gets the
// subtests that need them skipped, with the reason, and the rest run.
func TestSuiteSkipsWhatTheHarnessCannotDo(t *testing.T) {
	const test = "TestSuiteSkipsWhatTheHarnessCannotDo"
	if os.Getenv(plainEnv) != "" {
		cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
			return plainHarness{cmkittest.FakeHarness(newFake(t, cmkittest.FakeConfig{}), nil)}
		})
		return
	}
	out, err := runChild("^"+test+"$", plainEnv, "1")
	require.NoError(t, err, "%s", out)
	for _, sub := range []string{"Search", "ReadMentionsEdited", "SearchEdited"} {
		assert.Contains(t, string(out), "--- SKIP: "+test+"/"+sub+" ")
	}
	assert.Contains(t, string(out), "the harness does not implement cmkittest.SearchHarness")
	assert.Contains(t, string(out), "the harness does not implement cmkittest.EditHarness")
	for _, sub := range []string{"ReadMentions", "Publish", "Reply"} {
		assert.Contains(t, string(out), "--- PASS: "+test+"/"+sub+" ")
	}
}

// assertNoSecret checks that out holds secret in none of the forms a
// message may carry it: as it is, quoted by %q, or escaped in a URL.
func assertNoSecret(t *testing.T, out, secret string) {
	t.Helper()
	q := strconv.Quote(secret)
	for _, form := range []string{secret, q[1 : len(q)-1], url.QueryEscape(secret), url.PathEscape(secret)} {
		if strings.Contains(out, form) {
			t.Errorf("the suite printed the credential (as %s)", form)
		}
	}
}

// A channel that puts its token into every error fails NoSecretsInErrors,
// and the suite's messages about that and every other failure show
// [REDACTED] where the token was.
func TestSuiteRedactsEveryMessage(t *testing.T) {
	out := expectSuiteFailures(t, "TestSuiteCatchesBrokenChannels", brokenEnv, "leaks-everywhere",
		[]string{"NoSecretsInErrors", "ErrorsClassified"}, []string{"Identity"})
	assertNoSecret(t, out, leakToken)
	leaked := "POST https://api.invalid/statuses?access_token=[REDACTED] with token [REDACTED] failed: "
	for _, msg := range []string{
		"the error message contains a credential: " + leaked, // NoSecretsInErrors
		"is false for " + leaked,                             // PublishCanceledContext
		"Classify = ambiguous, want permanent (" + leaked,    // Limits
		"ErrPermanent, ErrInvalid, ErrForbidden): " + leaked, // ErrorsClassified
		`not found (token "[REDACTED]")`,                     // FindPost, as %q prints it
	} {
		assert.Contains(t, out, msg)
	}
}

// slowOnFault answers an injected timeout or lost response the way an HTTP
// adapter with a 10 s client timeout does: it waits for that timeout, or
// until its context is done. It records how far each such call's deadline
// was.
type slowOnFault struct {
	*cmkittest.FakeChannel
	waits *deadlines
}

type deadlines struct {
	mu   sync.Mutex
	left []time.Duration // -1 when the call had no deadline
}

func (d *deadlines) add(ctx context.Context) {
	left := time.Duration(-1)
	if dl, ok := ctx.Deadline(); ok {
		left = time.Until(dl)
	}
	d.mu.Lock()
	d.left = append(d.left, left)
	d.mu.Unlock()
}

func (d *deadlines) all() []time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.left)
}

const adapterTimeout = 10 * time.Second

func (s slowOnFault) Publish(ctx context.Context, p cmkit.Post) (cmkit.Receipt, error) {
	rc, err := s.FakeChannel.Publish(ctx, p)
	if err == nil || cmkit.Classify(err) != cmkit.Ambiguous {
		return rc, err
	}
	s.waits.add(ctx)
	timer := time.NewTimer(adapterTimeout)
	defer timer.Stop()
	select {
	case <-timer.C:
		return rc, err
	case <-ctx.Done():
		return rc, fmt.Errorf("%w: %w", err, ctx.Err())
	}
}

// runSlowSuite runs TestChannel on channels that wait adapterTimeout for
// an answer after an injected timeout or lost response, and returns the
// time each such Publish had left, and how long the suite took.
func runSlowSuite(t *testing.T, opts ...cmkittest.ChannelSuiteOption) ([]time.Duration, time.Duration) {
	t.Helper()
	waits := &deadlines{}
	start := time.Now()
	cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
		f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "slow", RetrySafety: cmkit.RetryIdempotent}})
		return cmkittest.FakeHarness(f, slowOnFault{f, waits})
	}, opts...)
	return waits.all(), time.Since(start)
}

// After an injected timeout or lost response the suite publishes with a
// deadline DefaultFaultDeadline away, so an adapter that honours its
// context answers then and not after its own 10 s timeout: the whole suite
// takes a fraction of one adapter timeout, not five of them.
func TestSuiteGivesFaultsAShortDeadline(t *testing.T) {
	waits, took := runSlowSuite(t)
	t.Logf("the suite took %s on a channel with a %s timeout", took.Round(time.Millisecond), adapterTimeout)
	// RetrySafety's lost response, and a timeout and a lost response each
	// in ErrorsClassified and NoSecretsInErrors.
	assert.Len(t, waits, 5)
	for _, left := range waits {
		assert.Positive(t, left, "a Publish after an injected fault had no deadline")
		assert.LessOrEqual(t, left, cmkittest.DefaultFaultDeadline)
	}
	assert.Less(t, took, adapterTimeout, "the suite waited out the adapter's own timeout")
}

// FaultDeadline sets the deadline the suite gives a Publish after a fault
// that leaves the outcome unknown; a deadline that is not positive keeps
// the default.
func TestFaultDeadlineSetsTheDeadline(t *testing.T) {
	waits, _ := runSlowSuite(t, cmkittest.FaultDeadline(50*time.Millisecond))
	require.NotEmpty(t, waits)
	for _, left := range waits {
		assert.Positive(t, left)
		assert.LessOrEqual(t, left, 50*time.Millisecond)
	}
	waits, _ = runSlowSuite(t, cmkittest.FaultDeadline(0), nil)
	require.NotEmpty(t, waits)
	for _, left := range waits {
		assert.Greater(t, left, 50*time.Millisecond)
		assert.LessOrEqual(t, left, cmkittest.DefaultFaultDeadline)
	}
}

// The suite calls the harness maker from several goroutines at once, and
// returns only when every subtest has ended (its cleanups have run).
func TestSuiteRunsSubtestsConcurrently(t *testing.T) {
	var mu sync.Mutex
	made, cleaned := 0, 0
	second := make(chan struct{})
	cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
		mu.Lock()
		made++
		if made == 2 {
			close(second)
		}
		mu.Unlock()
		t.Cleanup(func() { mu.Lock(); cleaned++; mu.Unlock() })
		select {
		case <-second:
		case <-time.After(5 * time.Second):
			t.Error("no second subtest started while the first was being set up")
		}
		return cmkittest.FakeHarness(newFake(t, cmkittest.FakeConfig{}), nil)
	})
	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, 19, made)
	assert.Equal(t, made, cleaned, "TestChannel returned before its subtests ended")
}

// Serial runs one subtest at a time.
func TestSerialRunsOneSubtestAtATime(t *testing.T) {
	var mu sync.Mutex
	running, most := 0, 0
	cmkittest.TestChannel(t, func(t *testing.T) cmkittest.ChannelHarness {
		mu.Lock()
		running++
		most = max(most, running)
		mu.Unlock()
		t.Cleanup(func() { mu.Lock(); running--; mu.Unlock() })
		return cmkittest.FakeHarness(newFake(t, cmkittest.FakeConfig{}), nil)
	}, cmkittest.Serial())
	assert.Equal(t, 1, most)
}
