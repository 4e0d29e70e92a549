package kpi_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/cmkit/cmkit"
	"github.com/cmkit/cmkit/cmkittest"
	"github.com/cmkit/cmkit/kpi"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// memRecorder keeps what a Collector records: each AddCount call, the
// snapshot readings and the kept insights. fail makes the next n calls
// fail.
type memRecorder struct {
	mu        sync.Mutex
	adds      []recorded
	snapshots []recorded
	kept      map[string]cmkit.Insights
	fail      int
}

type recorded struct {
	seg kpi.Segment
	m   kpi.Measure
	at  time.Time
	v   float64
}

func (r *memRecorder) failing() error {
	if r.fail > 0 {
		r.fail--
		return errors.New("disk full")
	}
	return nil
}

func (r *memRecorder) AddCount(seg kpi.Segment, m kpi.Measure, at time.Time, delta float64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.failing(); err != nil {
		return err
	}
	r.adds = append(r.adds, recorded{seg, m, at, delta})
	return nil
}

func (r *memRecorder) RecordSnapshot(seg kpi.Segment, m kpi.Measure, at time.Time, v float64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.snapshots = append(r.snapshots, recorded{seg, m, at, v})
	return nil
}

func (r *memRecorder) KeepPostInsights(p kpi.TrackedPost, in cmkit.Insights) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.kept == nil {
		r.kept = map[string]cmkit.Insights{}
	}
	r.kept[p.PlatformID] = in
	return nil
}

// sum adds up what was recorded for m on channel ch.
func (r *memRecorder) sum(ch string, m kpi.Measure) float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var s float64
	for _, a := range r.adds {
		if a.m == m && a.seg.Channel == ch {
			s += a.v
		}
	}
	return s
}

func (r *memRecorder) followers() []float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []float64
	for _, s := range r.snapshots {
		out = append(out, s.v)
	}
	return out
}

// countingChannel is a fake channel that counts reads and fails them on
// demand.
type countingChannel struct {
	*cmkittest.FakeChannel
	mu                    sync.Mutex
	insights, follower    int
	insightErr, followErr []error // returned by the next calls, in order
}

func pop(q *[]error) error {
	if len(*q) == 0 {
		return nil
	}
	err := (*q)[0]
	*q = (*q)[1:]
	return err
}

func (c *countingChannel) Insights(ctx context.Context, id string) (cmkit.Insights, error) {
	c.mu.Lock()
	c.insights++
	err := pop(&c.insightErr)
	c.mu.Unlock()
	if err != nil {
		return cmkit.Insights{}, err
	}
	return c.FakeChannel.Insights(ctx, id)
}

func (c *countingChannel) FollowerCount(ctx context.Context) (int64, error) {
	c.mu.Lock()
	c.follower++
	err := pop(&c.followErr)
	c.mu.Unlock()
	if err != nil {
		return 0, err
	}
	return c.FakeChannel.FollowerCount(ctx)
}

func (c *countingChannel) calls() (insights, follower int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.insights, c.follower
}

// lister lists fixed posts, or fails with err.
type lister struct {
	mu    sync.Mutex
	posts []kpi.TrackedPost
	since []time.Time
	err   error
}

func (l *lister) PublishedSince(_ context.Context, since time.Time) ([]kpi.TrackedPost, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.since = append(l.since, since)
	if l.err != nil {
		return nil, l.err
	}
	return append([]kpi.TrackedPost(nil), l.posts...), nil
}

// newChannel returns a counting fake channel with n published posts, as
// tracked posts published on consecutive days from t0.
func newChannel(t *testing.T, clock cmkit.Clock, id string, n int) (*countingChannel, []kpi.TrackedPost) {
	t.Helper()
	fake, err := cmkittest.NewFakeChannel(cmkittest.FakeConfig{Info: cmkit.ChannelInfo{ID: id, Brand: "acme"}, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	ch := &countingChannel{FakeChannel: fake}
	var posts []kpi.TrackedPost
	for i := range n {
		r, err := fake.Publish(context.Background(), cmkit.Post{ID: cmkit.NewID(), Text: fmt.Sprintf("post %d", i)})
		if err != nil {
			t.Fatal(err)
		}
		seg := kpi.SegmentOf(ch.Info())
		seg.Campaign = "spring"
		posts = append(posts, kpi.TrackedPost{Channel: id, PlatformID: r.PlatformID, PublishedAt: t0.Add(time.Duration(i) * 24 * time.Hour), Segment: seg})
	}
	return ch, posts
}

// newCollector returns a Collector for cfg; without a Rate, its channels
// are not rate limited, so that polls need no clock advance.
func newCollector(t *testing.T, cfg kpi.CollectorConfig) *kpi.Collector {
	t.Helper()
	if cfg.Rate == 0 {
		cfg.Rate = rate.Inf
	}
	c, err := kpi.NewCollector(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCollectorRecordsDeltasNotTotals(t *testing.T) {
	clock := cmkittest.NewClock(t0)
	ch, posts := newChannel(t, clock, "ig", 2)
	rec := &memRecorder{}
	c := newCollector(t, kpi.CollectorConfig{Channels: []cmkit.Channel{ch}, Posts: &lister{posts: posts}, Recorder: rec, Clock: clock})
	ctx := context.Background()
	ch.SetFollowers(1000)
	ch.SetInsights(cmkit.Insights{PlatformID: posts[0].PlatformID, Impressions: 100, Reactions: 10})
	ch.SetInsights(cmkit.Insights{PlatformID: posts[1].PlatformID, Impressions: 50})
	if err := c.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	// first poll: 100 + 50 = 150 impressions, 10 reactions, 2 posts
	assertSums(t, rec, "ig", map[kpi.Measure]float64{kpi.Impressions: 150, kpi.Reactions: 10, kpi.Posts: 2})
	// the same numbers again: nothing more
	clock.Advance(time.Hour)
	if err := c.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	assertSums(t, rec, "ig", map[kpi.Measure]float64{kpi.Impressions: 150, kpi.Reactions: 10, kpi.Posts: 2})
	// post 0 grows to 180 impressions, 12 reactions: +80 and +2
	ch.SetInsights(cmkit.Insights{PlatformID: posts[0].PlatformID, Impressions: 180, Reactions: 12})
	ch.SetFollowers(1010)
	clock.Advance(time.Hour)
	if err := c.Poll(ctx); err != nil {
		t.Fatal(err)
	}
	// 180 + 50 = 230 impressions, 12 reactions
	assertSums(t, rec, "ig", map[kpi.Measure]float64{kpi.Impressions: 230, kpi.Reactions: 12, kpi.Posts: 2})
	if got := rec.followers(); fmt.Sprint(got) != "[1000 1000 1010]" {
		t.Errorf("follower readings %v, want [1000 1000 1010]", got)
	}
	// every count is recorded at its post's publish instant, on its segment
	for _, a := range rec.adds {
		if a.seg.Campaign != "spring" || (a.at != posts[0].PublishedAt && a.at != posts[1].PublishedAt) {
			t.Errorf("recorded %+v: want the post's segment and publish instant", a)
		}
	}
	if rec.kept[posts[0].PlatformID].Impressions != 180 {
		t.Errorf("kept insights %+v, want the latest", rec.kept[posts[0].PlatformID])
	}
}

func TestCollectorRecordsCorrectionsDown(t *testing.T) {
	clock := cmkittest.NewClock(t0)
	ch, posts := newChannel(t, clock, "ig", 1)
	rec := &memRecorder{}
	c := newCollector(t, kpi.CollectorConfig{Channels: []cmkit.Channel{ch}, Posts: &lister{posts: posts}, Recorder: rec, Clock: clock})
	id := posts[0].PlatformID
	ch.SetInsights(cmkit.Insights{PlatformID: id, Impressions: 100, Reach: 70})
	mustPoll(t, c)
	// the platform removes bot impressions: 100 → 80, so −20 is recorded
	ch.SetInsights(cmkit.Insights{PlatformID: id, Impressions: 80, Reach: 70})
	mustPoll(t, c)
	assertSums(t, rec, "ig", map[kpi.Measure]float64{kpi.Impressions: 80, kpi.Reach: 70})
	last := rec.adds[len(rec.adds)-1]
	if last.m != kpi.Impressions || last.v != -20 {
		t.Errorf("last change %+v, want impressions −20", last)
	}
	// reach goes missing, then comes back at 75: only +5 is added
	ch.SetInsights(cmkit.Insights{PlatformID: id, Impressions: 80, Missing: []cmkit.Metric{cmkit.MetricReach}})
	mustPoll(t, c)
	ch.SetInsights(cmkit.Insights{PlatformID: id, Impressions: 80, Reach: 75})
	mustPoll(t, c)
	assertSums(t, rec, "ig", map[kpi.Measure]float64{kpi.Impressions: 80, kpi.Reach: 75})
}

func TestCollectorRetriesWhatTheRecorderRefused(t *testing.T) {
	clock := cmkittest.NewClock(t0)
	ch, posts := newChannel(t, clock, "ig", 1)
	rec := &memRecorder{fail: 2} // the Posts count and the impressions
	c := newCollector(t, kpi.CollectorConfig{Channels: []cmkit.Channel{ch}, Posts: &lister{posts: posts}, Recorder: rec, Clock: clock})
	ch.SetInsights(cmkit.Insights{PlatformID: posts[0].PlatformID, Impressions: 100})
	if err := c.Poll(context.Background()); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("Poll = %v, want the recorder's error", err)
	}
	assertSums(t, rec, "ig", map[kpi.Measure]float64{kpi.Impressions: 0, kpi.Posts: 0})
	mustPoll(t, c)
	assertSums(t, rec, "ig", map[kpi.Measure]float64{kpi.Impressions: 100, kpi.Posts: 1})
}

func TestCollectorFailingChannelDoesNotStopOthers(t *testing.T) {
	clock := cmkittest.NewClock(t0)
	bad, badPosts := newChannel(t, clock, "bad", 2)
	good, goodPosts := newChannel(t, clock, "good", 1)
	bad.insightErr = []error{cmkit.Errorf(cmkit.ErrPermanent, "token revoked")}
	rec := &memRecorder{}
	l := &lister{posts: append(badPosts, goodPosts...)}
	c := newCollector(t, kpi.CollectorConfig{Channels: []cmkit.Channel{bad, good}, Posts: l, Recorder: rec, Clock: clock})
	good.SetInsights(cmkit.Insights{PlatformID: goodPosts[0].PlatformID, Impressions: 7})
	bad.SetInsights(cmkit.Insights{PlatformID: badPosts[1].PlatformID, Impressions: 9})
	err := c.Poll(context.Background())
	if !errors.Is(err, cmkit.ErrPermanent) || !strings.Contains(err.Error(), `channel "bad"`) {
		t.Fatalf("Poll = %v, want the bad channel's error, naming it", err)
	}
	assertSums(t, rec, "good", map[kpi.Measure]float64{kpi.Impressions: 7})
	// the failure ended bad's round: its second post was not fetched
	if n, _ := bad.calls(); n != 1 {
		t.Errorf("bad channel: %d insights calls, want 1", n)
	}
	// a post the platform no longer knows is skipped, not fatal
	l.posts = append(l.posts, kpi.TrackedPost{Channel: "good", PlatformID: "gone", PublishedAt: t0, Segment: goodPosts[0].Segment})
	mustPoll(t, c)
	assertSums(t, rec, "bad", map[kpi.Measure]float64{kpi.Impressions: 9})
}

func TestCollectorForgetsPostsNoLongerListed(t *testing.T) {
	clock := cmkittest.NewClock(t0)
	ch, posts := newChannel(t, clock, "ig", 1)
	rec := &memRecorder{}
	l := &lister{posts: posts}
	c := newCollector(t, kpi.CollectorConfig{Channels: []cmkit.Channel{ch}, Posts: l, Recorder: rec, Clock: clock})
	ch.SetInsights(cmkit.Insights{PlatformID: posts[0].PlatformID, Impressions: 10})
	mustPoll(t, c)
	l.posts = nil // the post left the window: forgotten
	mustPoll(t, c)
	l.posts = posts // listed again: it starts from zero, so it counts again
	mustPoll(t, c)
	assertSums(t, rec, "ig", map[kpi.Measure]float64{kpi.Impressions: 20, kpi.Posts: 2})
}

func TestCollectorListerFailureKeepsFollowersAndPosts(t *testing.T) {
	clock := cmkittest.NewClock(t0)
	ch, posts := newChannel(t, clock, "ig", 1)
	rec := &memRecorder{}
	l := &lister{posts: posts}
	c := newCollector(t, kpi.CollectorConfig{Channels: []cmkit.Channel{ch}, Posts: l, Recorder: rec, Clock: clock})
	ch.SetFollowers(500)
	ch.SetInsights(cmkit.Insights{PlatformID: posts[0].PlatformID, Impressions: 10})
	mustPoll(t, c)
	l.err = errors.New("calendar down")
	ch.SetFollowers(505)
	ch.SetInsights(cmkit.Insights{PlatformID: posts[0].PlatformID, Impressions: 30})
	if err := c.Poll(context.Background()); err == nil || !strings.Contains(err.Error(), "calendar down") {
		t.Fatalf("Poll = %v, want the lister's error", err)
	}
	if got := rec.followers(); fmt.Sprint(got) != "[500 505]" {
		t.Errorf("followers %v, want [500 505]: still polled", got)
	}
	// the post was not forgotten: once listed again, only +20 is added
	l.err = nil
	mustPoll(t, c)
	assertSums(t, rec, "ig", map[kpi.Measure]float64{kpi.Impressions: 30, kpi.Posts: 1})
}

func TestCollectorReportsPostsOnUnknownChannels(t *testing.T) {
	clock := cmkittest.NewClock(t0)
	ch, posts := newChannel(t, clock, "ig", 1)
	stray := kpi.TrackedPost{Channel: "tiktok", PlatformID: "t1", PublishedAt: t0}
	rec := &memRecorder{}
	c := newCollector(t, kpi.CollectorConfig{Channels: []cmkit.Channel{ch}, Posts: &lister{posts: append(posts, stray)}, Recorder: rec, Clock: clock})
	ch.SetInsights(cmkit.Insights{PlatformID: posts[0].PlatformID, Impressions: 10})
	if err := c.Poll(context.Background()); err == nil || !strings.Contains(err.Error(), `channel "tiktok"`) {
		t.Fatalf("Poll = %v, want an error naming the unknown channel", err)
	}
	assertSums(t, rec, "ig", map[kpi.Measure]float64{kpi.Impressions: 10})
}

func TestCollectorHonoursRateLimiter(t *testing.T) {
	clock := cmkittest.NewClock(t0)
	ch, posts := newChannel(t, clock, "ig", 3)
	rec := &memRecorder{}
	// one call per second, one at a time: followers at once, then each of
	// the 3 posts one second after the previous call
	c := newCollector(t, kpi.CollectorConfig{Channels: []cmkit.Channel{ch}, Posts: &lister{posts: posts}, Recorder: rec, Clock: clock,
		Rate: 1, Burst: 1})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- c.Poll(ctx) }()
	for want := 0; want < 3; want++ {
		if err := clock.WaitForTimers(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if ins, fol := ch.calls(); ins != want || fol != 1 {
			t.Fatalf("before second %d: %d insights, %d follower calls; want %d, 1", want+1, ins, fol, want)
		}
		clock.Advance(time.Second)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if ins, _ := ch.calls(); ins != 3 {
		t.Errorf("%d insights calls, want 3", ins)
	}
}

func TestCollectorRestsAfterRateLimitError(t *testing.T) {
	clock := cmkittest.NewClock(t0)
	ch, posts := newChannel(t, clock, "ig", 1)
	other, otherPosts := newChannel(t, clock, "x", 1)
	ch.followErr = []error{&cmkit.RateLimitError{RetryAfter: 10 * time.Minute}}
	rec := &memRecorder{}
	c := newCollector(t, kpi.CollectorConfig{Channels: []cmkit.Channel{ch, other}, Posts: &lister{posts: append(posts, otherPosts...)},
		Recorder: rec, Clock: clock})
	if err := c.Poll(context.Background()); !errors.Is(err, cmkit.ErrRateLimited) {
		t.Fatalf("Poll = %v, want the rate limit", err)
	}
	if ins, fol := ch.calls(); ins != 0 || fol != 1 {
		t.Fatalf("after the limit: %d insights, %d follower calls; want 0, 1", ins, fol)
	}
	clock.Advance(5 * time.Minute) // still resting: not called
	mustPoll(t, c)
	if ins, fol := ch.calls(); ins != 0 || fol != 1 {
		t.Fatalf("5 minutes later: %d insights, %d follower calls; want 0, 1", ins, fol)
	}
	if ins, _ := other.calls(); ins != 2 {
		t.Errorf("the other channel: %d insights calls, want 2 (one per poll)", ins)
	}
	clock.Advance(5 * time.Minute) // the 10 minutes are over
	mustPoll(t, c)
	if ins, fol := ch.calls(); ins != 1 || fol != 2 {
		t.Fatalf("10 minutes later: %d insights, %d follower calls; want 1, 2", ins, fol)
	}
}

func TestCollectorRunPollsOnSchedule(t *testing.T) {
	clock := cmkittest.NewClock(t0)
	ch, posts := newChannel(t, clock, "ig", 1)
	l := &lister{posts: posts}
	var mu sync.Mutex
	var pollErrs []error
	c := newCollector(t, kpi.CollectorConfig{Channels: []cmkit.Channel{ch}, Posts: l, Recorder: &memRecorder{}, Clock: clock,
		Interval: 15 * time.Minute, Window: 48 * time.Hour,
		OnError: func(err error) { mu.Lock(); pollErrs = append(pollErrs, err); mu.Unlock() }})
	ch.followErr = []error{nil, cmkit.Errorf(cmkit.ErrTransient, "503")}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	for poll := 1; poll <= 3; poll++ {
		if err := clock.WaitForTimers(ctx, 1); err != nil {
			t.Fatal(err)
		}
		if _, fol := ch.calls(); fol != poll {
			t.Fatalf("at %s: %d polls, want %d", clock.Now().Sub(t0), fol, poll)
		}
		if at, _ := clock.NextDeadline(); !at.Equal(t0.Add(time.Duration(poll) * 15 * time.Minute)) {
			t.Fatalf("next poll at %s, want every 15 minutes", at)
		}
		clock.Advance(15 * time.Minute)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(pollErrs) != 1 || !errors.Is(pollErrs[0], cmkit.ErrTransient) {
		t.Errorf("OnError got %v, want the second poll's failure", pollErrs)
	}
	if !l.since[0].Equal(t0.Add(-48 * time.Hour)) {
		t.Errorf("listed posts since %s, want the window before the poll", l.since[0])
	}
}

func TestNewCollectorRejectsBadConfig(t *testing.T) {
	clock := cmkittest.NewClock(t0)
	ch, _ := newChannel(t, clock, "ig", 0)
	rec := &memRecorder{}
	for _, c := range []struct {
		cfg   kpi.CollectorConfig
		field string
	}{
		{kpi.CollectorConfig{Channels: []cmkit.Channel{ch}}, "Recorder"},
		{kpi.CollectorConfig{Recorder: rec}, "Channels"},
		{kpi.CollectorConfig{Channels: []cmkit.Channel{ch, ch}, Recorder: rec}, "Channels[1]"},
		{kpi.CollectorConfig{Channels: []cmkit.Channel{nil}, Recorder: rec}, "Channels[0]"},
		{kpi.CollectorConfig{Channels: []cmkit.Channel{ch}, Recorder: rec, Interval: -time.Second}, "Interval"},
		{kpi.CollectorConfig{Channels: []cmkit.Channel{ch}, Recorder: rec, Rate: -1}, "Rate"},
	} {
		_, err := kpi.NewCollector(c.cfg)
		var ve *cmkit.ValidationError
		if !errors.As(err, &ve) || ve.Field != c.field {
			t.Errorf("NewCollector(%+v) = %v; want an error naming %s", c.cfg, err, c.field)
		}
	}
}

func mustPoll(t *testing.T, c *kpi.Collector) {
	t.Helper()
	if err := c.Poll(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func assertSums(t *testing.T, rec *memRecorder, ch string, want map[kpi.Measure]float64) {
	t.Helper()
	for m, v := range want {
		if got := rec.sum(ch, m); got != v {
			t.Errorf("channel %s: %s recorded %v, want %v", ch, m, got, v)
		}
	}
}
