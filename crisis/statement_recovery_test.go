package crisis_test

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/crisis"
)

// gatedPosts is an idempotent publisher whose calls can be made to die
// with the process (runtime.Goexit: nothing after the call runs), to
// hang until released (a platform slower than the lease), or to fail.
type gatedPosts struct {
	posts
	mu2     sync.Mutex
	die     int           // calls that die before posting
	hold    chan struct{} // when set, the next call posts, then waits for it
	holding chan struct{} // closed when a call is held
	failAll bool
}

func (p *gatedPosts) Publish(ctx context.Context, brand, channel, language, text, id string) (string, error) {
	p.mu2.Lock()
	die := p.die > 0
	if die {
		p.die--
	}
	hold, holding, failAll := p.hold, p.holding, p.failAll
	p.hold = nil
	p.mu2.Unlock()
	if die {
		runtime.Goexit()
	}
	if failAll {
		p.mu.Lock()
		p.calls++
		p.mu.Unlock()
		return "", fmt.Errorf("platform down: %w", cmkit.ErrTransient)
	}
	receipt, err := p.posts.Publish(ctx, brand, channel, language, text, id)
	if hold != nil {
		close(holding)
		<-hold
	}
	return receipt, err
}

// inGoroutine runs f in a goroutine of its own and waits for it to end,
// by returning or by runtime.Goexit.
func inGoroutine(f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	<-done
}

func gatedRig(t *testing.T) (*stRig, *gatedPosts) {
	t.Helper()
	pub := &gatedPosts{posts: posts{byID: map[string]string{}}}
	r := newStatementRig(t, crisis.WithStatementPublisher(pub))
	return r, pub
}

// diesPublishing has bea publish st while the process dies during the
// publisher's call.
func (r *stRig) diesPublishing(pub *gatedPosts, inc crisis.Incident, st crisis.PublicStatement) {
	pub.die = 1
	inGoroutine(func() { _, _ = r.svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version) })
}

func (r *stRig) step(t *testing.T) {
	t.Helper()
	_, err := r.svc.Step(context.Background())
	require.NoError(t, err)
}

// TestStatementLostInACrashIsPublishedByStep: the process dies while
// the publisher is called. The statement stays publishing with a lease;
// Step leaves it alone until the lease ran out, then calls the
// publisher again with the same ID, and the member who asked stays
// PublishedBy.
func TestStatementLostInACrashIsPublishedByStep(t *testing.T) {
	r, pub := gatedRig(t)
	inc := r.declare(t, "minor")
	st := r.approve(t, inc, r.draft(t, inc, "ana", ""), "sam")
	r.diesPublishing(pub, inc, st)

	got, _ := r.stored(t, inc, st.ID)
	require.Equal(t, crisis.StatementPublishing, got.State)
	assert.Equal(t, 1, got.PublishAttempts)
	assert.Equal(t, t0.Add(crisis.StatementLease), got.PublishLease)
	stored, err := r.store.Incident(context.Background(), inc.ID)
	require.NoError(t, err)
	assert.False(t, stored.NextPage.After(got.PublishLease), "the store hands the incident to Step by the lease")

	r.clock.Advance(crisis.StatementLease - time.Second)
	r.step(t)
	assert.Zero(t, pub.calls, "not before the lease ran out")
	r.clock.Advance(time.Second)
	r.step(t)
	got, _ = r.stored(t, inc, st.ID)
	assert.Equal(t, crisis.StatementPublished, got.State)
	assert.Equal(t, 2, got.PublishAttempts)
	assert.Zero(t, got.PublishLease)
	assert.Equal(t, "bea", got.PublishedBy)
	assert.Equal(t, 1, pub.count())
	assert.Equal(t, pub.byID[st.ID.String()], got.Receipt)
	r.clock.Advance(crisis.StatementLease)
	r.step(t)
	assert.Equal(t, 1, pub.calls, "published: never called again")
}

// TestSlowPublishOvertakenByStepPostsOnce: the platform takes longer
// than the lease; Step on another service calls again with the same ID
// and records the publication; the slow call's answer then records
// nothing more.
func TestSlowPublishOvertakenByStepPostsOnce(t *testing.T) {
	r, pub := gatedRig(t)
	inc := r.declare(t, "minor")
	st := r.approve(t, inc, r.draft(t, inc, "ana", ""), "sam")
	release := make(chan struct{})
	pub.hold, pub.holding = release, make(chan struct{})
	holding := pub.holding
	slow := make(chan error, 1)
	go func() {
		got, err := r.svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version)
		if err == nil && got.State != crisis.StatementPublished {
			err = fmt.Errorf("state %s", got.State)
		}
		slow <- err
	}()
	<-holding
	r.clock.Advance(crisis.StatementLease)
	other, err := crisis.New(r.store, crisis.WithPlan(statementPlan()), crisis.WithTeam(r.team), crisis.WithClock(r.clock),
		crisis.WithNotifier(&notifier{}), crisis.WithStatementPublisher(pub))
	require.NoError(t, err)
	_, err = other.Step(context.Background())
	require.NoError(t, err)
	got, _ := r.stored(t, inc, st.ID)
	assert.Equal(t, crisis.StatementPublished, got.State)
	close(release)
	require.NoError(t, <-slow)

	got, _ = r.stored(t, inc, st.ID)
	assert.Equal(t, 1, pub.count())
	assert.Equal(t, 2, pub.calls)
	assert.Equal(t, pub.byID[st.ID.String()], got.Receipt)
	assert.Equal(t, []crisis.TimelineKind{crisis.TimelineStatementDrafted, crisis.TimelineStatementApproval,
		crisis.TimelineStatementApproved, crisis.TimelineStatementPublishing, crisis.TimelineStatementPublishing,
		crisis.TimelineStatementPublished}, r.kinds(t, inc, st.ID), "one publication recorded")
}

// TestLiveLeaseMakesNoNewClaim: a person who presses publish while the
// first call is still out makes no second claim; their call goes out
// under the first one, idempotent on the statement's ID.
func TestLiveLeaseMakesNoNewClaim(t *testing.T) {
	r, pub := gatedRig(t)
	inc := r.declare(t, "minor")
	st := r.approve(t, inc, r.draft(t, inc, "ana", ""), "sam")
	r.diesPublishing(pub, inc, st)
	r.clock.Advance(time.Minute)
	got, err := r.svc.PublishStatement(as("sam"), inc.ID, st.ID, st.Version)
	require.NoError(t, err)
	assert.Equal(t, crisis.StatementPublished, got.State)
	assert.Equal(t, 1, got.PublishAttempts, "no second claim inside the lease")
	assert.Equal(t, "sam", got.PublishedBy, "the member whose call published it")
	assert.Equal(t, 1, pub.count())
}

// barrierStore lets DuePages answer only once n callers asked, so that
// every service works from the same read.
type barrierStore struct {
	*crisis.MemoryStore
	wg *sync.WaitGroup
}

func (s barrierStore) DuePages(ctx context.Context, now time.Time) ([]crisis.Incident, error) {
	due, err := s.MemoryStore.DuePages(ctx, now)
	s.wg.Done()
	s.wg.Wait()
	return due, err
}

// TestTwoServicesTakeOverOnce: after a crash, two services that read the
// same due incident step at once past the lease; exactly one claims the
// next call, and the other, finding the claim live while the call is
// still out, leaves it alone.
func TestTwoServicesTakeOverOnce(t *testing.T) {
	for range 20 {
		r, pub := gatedRig(t)
		inc := r.declare(t, "minor")
		st := r.approve(t, inc, r.draft(t, inc, "ana", ""), "sam")
		r.diesPublishing(pub, inc, st)
		r.clock.Advance(crisis.StatementLease)
		var barrier sync.WaitGroup
		barrier.Add(2)
		shared := barrierStore{r.store, &barrier}
		release := make(chan struct{})
		pub.hold, pub.holding = release, make(chan struct{})
		stepped := make(chan struct{}, 2)
		var wg sync.WaitGroup
		for range 2 {
			s, err := crisis.New(shared, crisis.WithPlan(statementPlan()), crisis.WithTeam(r.team), crisis.WithClock(r.clock),
				crisis.WithNotifier(&notifier{}), crisis.WithStatementPublisher(pub))
			require.NoError(t, err)
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := s.Step(context.Background())
				assert.NoError(t, err)
				stepped <- struct{}{}
			}()
		}
		<-pub.holding
		<-stepped // the service without the claim is done while the call is out
		close(release)
		wg.Wait()
		got, _ := r.stored(t, inc, st.ID)
		require.Equal(t, crisis.StatementPublished, got.State)
		assert.Equal(t, 2, got.PublishAttempts)
		assert.Equal(t, 1, pub.calls, "one call after the crash")
	}
}

// TestStatementGivenUpAfterMaxAttempts: a publisher that keeps failing
// is called by Step once per lease until MaxPublishAttempts calls, then
// a TimelineStatementPublishFailed entry says it gave up and Step stops;
// a person's call tries again and publishes once the platform is back.
func TestStatementGivenUpAfterMaxAttempts(t *testing.T) {
	r, pub := gatedRig(t)
	inc := r.declare(t, "minor")
	st := r.approve(t, inc, r.draft(t, inc, "ana", ""), "sam")
	pub.failAll = true
	_, err := r.svc.PublishStatement(as("bea"), inc.ID, st.ID, st.Version)
	require.ErrorIs(t, err, cmkit.ErrTransient)
	for range 10 {
		r.clock.Advance(crisis.StatementLease)
		_, _ = r.svc.Step(context.Background())
	}
	got, _ := r.stored(t, inc, st.ID)
	assert.Equal(t, crisis.StatementPublishing, got.State)
	assert.Equal(t, crisis.MaxPublishAttempts, got.PublishAttempts)
	assert.Equal(t, crisis.MaxPublishAttempts, pub.calls)
	assert.Zero(t, got.PublishLease, "given up: nothing pending")
	kinds := r.kinds(t, inc, st.ID)
	assert.Equal(t, crisis.TimelineStatementPublishFailed, kinds[len(kinds)-1])

	pub.failAll = false
	got, err = r.svc.PublishStatement(as("sam"), inc.ID, st.ID, st.Version)
	require.NoError(t, err)
	assert.Equal(t, crisis.StatementPublished, got.State)
	assert.Equal(t, crisis.MaxPublishAttempts+1, got.PublishAttempts)
	assert.Equal(t, "sam", got.PublishedBy)
	assert.Equal(t, 1, pub.count())
}

// TestStatementFinishedAfterIncidentClosed: the process dies while the
// statement is out, the incident is resolved meanwhile; Step still
// finishes the publication.
func TestStatementFinishedAfterIncidentClosed(t *testing.T) {
	r, pub := gatedRig(t)
	inc := r.declare(t, "minor")
	st := r.approve(t, inc, r.draft(t, inc, "ana", ""), "sam")
	r.diesPublishing(pub, inc, st)
	_, err := r.svc.Resolve(as("sam"), inc.ID, "handled")
	require.NoError(t, err)
	r.clock.Advance(crisis.StatementLease)
	r.step(t)
	got, _ := r.stored(t, inc, st.ID)
	assert.Equal(t, crisis.StatementPublished, got.State)
	assert.Equal(t, 1, pub.count())
	stored, err := r.store.Incident(context.Background(), inc.ID)
	require.NoError(t, err)
	assert.Zero(t, stored.NextPage, "nothing left for Step")
}
