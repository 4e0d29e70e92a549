package cmkittest_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
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

type brokenCase struct {
	safety cmkit.RetrySafety // of the fake underneath
	wrap   func(*cmkittest.FakeChannel) cmkit.Channel
	fails  []string // subtests that must fail
	only   []string // when set, the only subtests run (besides Identity)
}

var brokenChannels = map[string]brokenCase{
	"double-poster": {cmkit.RetryUnsafe, func(f *cmkittest.FakeChannel) cmkit.Channel { return doublePoster{f} },
		[]string{"RetrySafety"}, nil},
	"blind-finder": {cmkit.RetryAfterLookup, func(f *cmkittest.FakeChannel) cmkit.Channel { return blindFinder{f} },
		[]string{"RetrySafety", "FindPost"}, nil},
	"unclassified": {cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return unclassified{f} },
		[]string{"ErrorsClassified/transient", "ErrorsClassified/permanent", "ErrorsClassified/rate-limit", "PublishCanceledContext"}, nil},
	"ignores-cancel": {cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return ignoresCancel{f} },
		[]string{"PublishCanceledContext"}, nil},
	"gappy-cursor": {cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return gappyCursor{f} },
		[]string{"ReadMentions"}, nil},
	"leaky": {cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return leaky{f} },
		[]string{"NoSecretsInErrors", "ErrorsClassified/transient"}, nil},
	"obeys-any-wait": {cmkit.RetryIdempotent, func(f *cmkittest.FakeChannel) cmkit.Channel { return obeysAnyWait{f} },
		[]string{"ErrorsClassified/rate-limit"}, nil},
	"lookup-then-create": {cmkit.RetryAfterLookup, func(f *cmkittest.FakeChannel) cmkit.Channel {
		return lookupThenCreate{doublePoster{f}, newGate()}
	}, []string{"PublishOverlapping"}, []string{"PublishOverlapping"}},
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
			f := newFake(t, cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: "broken", RetrySafety: bc.safety}})
			return cmkittest.FakeHarness(f, bc.wrap(f))
		})
		return
	}
	for name, bc := range brokenChannels {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			expectSuiteFailures(t, "TestSuiteCatchesBrokenChannels", brokenEnv, name, bc.fails, []string{"Identity"}, bc.only...)
		})
	}
}

// expectSuiteFailures re-runs the test named test in a child process with
// env=name, and checks that it fails, that each of the subtests fails, that
// each of passes still passes (the implementation is broken only in the
// intended way), and that nothing panicked or crashed. When only names
// subtests, the child runs just those and passes.
func expectSuiteFailures(t *testing.T, test, env, name string, fails, passes []string, only ...string) {
	t.Helper()
	run := "^" + test + "$"
	if len(only) > 0 {
		run += "/^(" + strings.Join(append(slices.Clone(passes), only...), "|") + ")$"
	}
	cmd := exec.Command(os.Args[0], "-test.run="+run, "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), env+"="+name)
	out, err := cmd.CombinedOutput()
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
}
