package crisis_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/crisis"
)

// parkedNotifier blocks every page until its context ends, as a pager
// call does when the process dies during it.
type parkedNotifier struct{ started chan crisis.Page }

func (n parkedNotifier) Page(ctx context.Context, p crisis.Page) error {
	n.started <- p
	<-ctx.Done()
	return ctx.Err()
}

// dies runs step with a context that ends once the notifier holds the
// first page, standing for a process that dies mid-call: nothing it does
// after is written.
func dies(t *testing.T, s *crisis.Service, n parkedNotifier) crisis.Page {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = s.Step(ctx)
	}()
	p := <-n.started
	cancel()
	for {
		select {
		case <-n.started: // later pages of the same step
			continue
		case <-done:
			return p
		}
	}
}

// TestPageLostInACrashIsSentAgain: a process dies while a page is out;
// the page was recorded, so it is not lost: once its lease has run out,
// another process sends it again with the same ID (and not before).
func TestPageLostInACrashIsSentAgain(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	inc, _, err := r.service(t).Open(ctx, storm)
	require.NoError(t, err)

	parked := parkedNotifier{started: make(chan crisis.Page, 8)}
	doomed, err := crisis.New(r.store, crisis.WithPlan(testPlan()), crisis.WithTeam(r.team), crisis.WithClock(r.clock),
		crisis.WithNotifier(parked), crisis.WithPublishing(r.pub), crisis.WithModeration(r.mod), crisis.WithStyleGuide(r.style))
	require.NoError(t, err)
	r.clock.Advance(10 * time.Minute) // the senior CMs' escalation is due
	lost := dies(t, doomed, parked)
	assert.Equal(t, senior, lost.To)
	assert.Equal(t, 1, lost.Attempt)

	survivor := r.service(t)
	before := r.note.count(senior)
	r.clock.Advance(crisis.PageLease - time.Second)
	_, err = survivor.Step(ctx)
	require.NoError(t, err)
	assert.Equal(t, before, r.note.count(senior), "not sent again while its lease lasts")

	r.clock.Advance(time.Second)
	n, err := survivor.Step(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	last := r.note.pages[len(r.note.pages)-1]
	assert.Equal(t, lost.ID, last.ID, "the same page")
	assert.Equal(t, 2, last.Attempt)
	got, err := r.store.Incident(ctx, inc.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Unsent, "confirmed")
	assert.Equal(t, []time.Time{t0.Add(10 * time.Minute)}, pagesOf(t, r.store, inc.ID, senior), "one page in the timeline")
}

// TestPageDeliveredBeforeACrashIsDeliveredOnce: the process dies after
// the pager took the page but before the service wrote so: the page goes
// out again with its ID, and a notifier that remembers IDs delivers it
// once.
func TestPageDeliveredBeforeACrashIsDeliveredOnce(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	_, _, err := r.service(t).Open(ctx, storm)
	require.NoError(t, err)
	delivered := map[uuid.UUID]int{}
	dying, cancel := context.WithCancel(ctx)
	s := r.service(t)
	r.clock.Advance(10 * time.Minute)
	// The store refuses writes once the page went out: a crash after the
	// send, before the confirmation.
	r.note.fail = func(p crisis.Page) error {
		delivered[p.ID]++
		cancel()
		return nil
	}
	_, err = s.Step(dying)
	require.Error(t, err, "the confirmation was not written")
	r.note.fail = func(p crisis.Page) error { delivered[p.ID]++; return nil }
	r.clock.Advance(crisis.PageLease)
	_, err = r.service(t).Step(ctx)
	require.NoError(t, err)
	var again []crisis.Page
	for _, p := range r.note.pages {
		if p.To == senior {
			again = append(again, p)
		}
	}
	require.Len(t, again, 2, "sent twice")
	assert.Equal(t, 2, delivered[again[0].ID])
	assert.Equal(t, again[0].ID, again[1].ID, "with one ID, for the notifier to deliver once")
	assert.Equal(t, []int{1, 2}, []int{again[0].Attempt, again[1].Attempt})
}

// TestFailedPageIsRetriedThenGivenUp: a page the notifier refuses is
// recorded as failed and sent again at the next step, with its ID, up to
// MaxPageAttempts; then it is given up, and the timeline says so.
func TestFailedPageIsRetriedThenGivenUp(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	refuse := errors.New("pager gateway down")
	r.note.fail = func(p crisis.Page) error {
		if p.To == boss {
			return refuse
		}
		return nil
	}
	s := r.service(t)
	inc, _, err := s.Open(ctx, storm)
	require.NoError(t, err)
	var ids []uuid.UUID
	r.note.fail = func(p crisis.Page) error {
		if p.To == boss {
			ids = append(ids, p.ID)
			return refuse
		}
		return nil
	}
	r.clock.Set(t0.Add(time.Hour))
	for range crisis.MaxPageAttempts + 2 {
		before := len(ids)
		_, err := s.Step(ctx)
		if len(ids) > before {
			assert.ErrorIs(t, err, refuse)
		} else {
			assert.NoError(t, err)
		}
		r.clock.Advance(time.Second)
	}
	require.Len(t, ids, crisis.MaxPageAttempts)
	for _, id := range ids {
		assert.Equal(t, ids[0], id)
	}
	tl, err := r.store.Timeline(ctx, inc.ID)
	require.NoError(t, err)
	failed := 0
	for _, e := range tl {
		if e.Kind == crisis.TimelinePageFailed && e.To != nil && *e.To == boss {
			failed++
		}
	}
	assert.Equal(t, crisis.MaxPageAttempts+1, failed, "each attempt, then giving up")
	assert.Contains(t, tl[len(tl)-1].Text, "given up")
	got, err := r.store.Incident(ctx, inc.ID)
	require.NoError(t, err)
	assert.Empty(t, got.Unsent)
}

// TestConcurrentResolvesUndoOnce: a second Resolve while the first is
// undoing is refused with ErrConflict, so the pause is resumed once; a
// level change in that window is refused too, and gives back what its
// own entry actions took.
func TestConcurrentResolvesUndoOnce(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	s := r.service(t)
	inc, _, err := s.Open(ctx, storm)
	require.NoError(t, err)
	inResume, release := make(chan struct{}), make(chan struct{})
	r.pub.before = func(ctx context.Context, id string) error {
		if id == "pause-1" {
			close(inResume)
			<-release
		}
		return nil
	}
	done := make(chan error)
	go func() {
		_, err := s.Resolve(as("sam"), inc.ID, "over")
		done <- err
	}()
	<-inResume
	_, err = s.Resolve(as("sam"), inc.ID, "over too")
	assert.ErrorIs(t, err, cmkit.ErrConflict)
	_, err = s.ChangeLevel(as("bea"), inc.ID, "critical", "worse")
	assert.ErrorIs(t, err, cmkit.ErrConflict)
	close(release)
	require.NoError(t, <-done)
	assert.Equal(t, 2, r.pub.resumes, "pause-1 by the resolution, and the refused level change's own pause")
	assert.Empty(t, r.pub.paused, "nothing left paused")
	got, err := r.store.Incident(ctx, inc.ID)
	require.NoError(t, err)
	assert.Equal(t, crisis.IncidentResolved, got.State)
	assert.Equal(t, "major", got.Level)
}

// TestResolveTakenOverAfterItsLease: the process resolving dies during
// the undo; another Resolve is refused while the lease lasts and takes
// over after it, undoing what is left.
func TestResolveTakenOverAfterItsLease(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	s := r.service(t)
	inc, _, err := s.Open(ctx, storm)
	require.NoError(t, err)
	inResume := make(chan struct{})
	r.pub.before = func(ctx context.Context, id string) error {
		close(inResume)
		<-ctx.Done()
		return ctx.Err()
	}
	dying, cancel := context.WithCancel(as("sam"))
	done := make(chan error)
	go func() {
		_, err := s.Resolve(dying, inc.ID, "over")
		done <- err
	}()
	<-inResume
	cancel()
	require.Error(t, <-done)
	r.pub.before = nil

	_, err = s.Resolve(as("sam"), inc.ID, "over")
	assert.ErrorIs(t, err, cmkit.ErrConflict, "while the lease lasts")
	r.clock.Advance(crisis.ResolveLease)
	got, err := s.Resolve(as("sam"), inc.ID, "over")
	require.NoError(t, err)
	assert.Equal(t, crisis.IncidentResolved, got.State)
	assert.Empty(t, r.pub.paused)
	assert.Equal(t, 1, r.pub.resumes)
}

// TestOneBreakoutTwoServicesOneIncident: two services given the same
// breakout at the same moment (both past the check for an open incident)
// open one incident; the one refused resumes the pause it took.
func TestOneBreakoutTwoServicesOneIncident(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	a, b := r.service(t), r.service(t)
	inPause, release := make(chan struct{}), make(chan struct{})
	first := true
	r.pub.beforePause = func(context.Context) {
		if first {
			first = false
			close(inPause)
			<-release
		}
	}
	type opened struct {
		inc crisis.Incident
		ok  bool
		err error
	}
	done := make(chan opened)
	go func() {
		inc, ok, err := a.Open(ctx, storm)
		done <- opened{inc, ok, err}
	}()
	<-inPause
	incB, okB, err := b.Open(ctx, storm)
	require.NoError(t, err)
	assert.True(t, okB)
	close(release)
	got := <-done
	require.NoError(t, got.err)
	assert.True(t, got.ok)
	assert.Equal(t, incB.ID, got.inc.ID, "one incident")
	all, err := r.store.Incidents(ctx, "acme")
	require.NoError(t, err)
	assert.Len(t, all, 1)
	assert.Len(t, r.pub.paused, 1, "the refused service gave its pause back")
	assert.Equal(t, 1, r.note.count(smm), "its responders paged once")
}
