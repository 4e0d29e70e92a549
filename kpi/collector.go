package kpi

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/cmkit/cmkit"
)

// TrackedPost is a published post whose insights the Collector polls.
type TrackedPost struct {
	// Channel is the ID of the channel it was published on
	// (cmkit.ChannelInfo.ID).
	Channel string
	// PlatformID is the post's ID on the platform, as InsightsFetcher
	// takes it.
	PlatformID string
	// PublishedAt is when it went out; its numbers are recorded at this
	// instant, so they count on its publish day.
	PublishedAt time.Time
	// Segment is where its numbers are recorded: usually the channel's
	// segment (SegmentOf) with the post's campaign.
	Segment Segment
}

// PostLister lists the posts the Collector tracks. The calendar, or any
// record of published posts, implements it.
type PostLister interface {
	// PublishedSince returns the posts published at or after since.
	PublishedSince(ctx context.Context, since time.Time) ([]TrackedPost, error)
}

// Recorder is where the Collector writes what it reads. The Collector
// calls it from one goroutine at a time.
type Recorder interface {
	// AddCount adds delta to a count measure of seg at instant at. delta
	// is negative when a platform corrected a number down.
	AddCount(seg Segment, m Measure, at time.Time, delta float64) error
	// RecordSnapshot records a reading of a snapshot measure (followers)
	// of seg at instant at.
	RecordSnapshot(seg Segment, m Measure, at time.Time, v float64) error
	// KeepPostInsights keeps a post's latest insights, for top and bottom
	// posts.
	KeepPostInsights(post TrackedPost, in cmkit.Insights) error
}

// CollectorConfig configures a Collector. Channels and Recorder are
// required.
type CollectorConfig struct {
	// Channels are polled: FollowerCount for those that implement
	// cmkit.FollowerCounter, Insights of their tracked posts for those
	// that implement cmkit.InsightsFetcher. IDs must be unique.
	Channels []cmkit.Channel
	// Posts lists the posts to track; nil tracks none (followers only).
	Posts PostLister
	// Recorder receives the numbers.
	Recorder Recorder
	// Clock schedules the polls and the waits. Default
	// cmkit.SystemClock().
	Clock cmkit.Clock
	// Interval is the time between the starts of two polls. Default one
	// hour.
	Interval time.Duration
	// Window is how far back posts are tracked: a poll lists the posts
	// published in the Window before it. Default 30 days.
	Window time.Duration
	// Rate is how many calls per second each channel gets, and Burst how
	// many it may make at once. Default 1 per second, burst 5.
	Rate  rate.Limit
	Burst int
	// Backoff is how long a channel rests after a *cmkit.RateLimitError
	// that names no wait. Default Interval.
	Backoff time.Duration
	// OnError, when set, receives the error of each poll Run makes that
	// had one.
	OnError func(error)
}

// Collector polls channels' follower counts and the insights of tracked
// posts on a schedule, and writes them to a Recorder.
//
// # What it records
//
// Followers are recorded as a snapshot reading on the channel's segment
// (SegmentOf), at the poll's instant. A post counts once in Posts, on its
// Segment at its PublishedAt, the first time the PostLister lists it.
// Post insights are cumulative, so the Collector records only the change
// since the previous fetch of the same post, at the post's PublishedAt:
// polling again never counts twice. A metric the platform names in
// Insights.Missing is left alone. When a platform corrects a number down,
// the Collector records the negative change, so that the sum of what it
// recorded for a post always equals the platform's latest numbers. A
// change the Recorder refused is recorded again at the next poll.
//
// A Collector keeps the last numbers of each post in memory, and forgets
// a post once the PostLister stops listing it; a new Collector starts from
// zero, so it must not be run over posts another one already recorded.
//
// # Rate limits and failures
//
// Each channel's calls are spaced by its own rate.Limiter. After a
// *cmkit.RateLimitError the channel is left alone for its RetryAfter (or
// Backoff) and the rest of its round is skipped. A post the platform no
// longer knows (cmkit.ErrNotFound) is skipped; any other failure ends
// that channel's round. Channels are polled concurrently, and a failing
// channel does not stop the others. When the PostLister fails, follower
// counts are still polled, and no post is forgotten.
type Collector struct {
	cfg      CollectorConfig
	channels []*collected
	pollMu   sync.Mutex // one poll at a time
	recMu    sync.Mutex // one Recorder call at a time
}

// collected is one channel's polling state.
type collected struct {
	ch      cmkit.Channel
	info    cmkit.ChannelInfo
	limiter *rate.Limiter
	resting time.Time               // no call before this instant
	posts   map[string]*postNumbers // by platform ID
}

// postNumbers is what was recorded for a post.
type postNumbers struct {
	counted bool              // counted in Posts
	last    map[Measure]int64 // the numbers recorded so far
}

// insightMeasures maps Insights' fields to measures.
var insightMeasures = []struct {
	metric cmkit.Metric
	m      Measure
	get    func(*cmkit.Insights) int64
}{
	{cmkit.MetricImpressions, Impressions, func(in *cmkit.Insights) int64 { return in.Impressions }},
	{cmkit.MetricReach, Reach, func(in *cmkit.Insights) int64 { return in.Reach }},
	{cmkit.MetricReactions, Reactions, func(in *cmkit.Insights) int64 { return in.Reactions }},
	{cmkit.MetricComments, Comments, func(in *cmkit.Insights) int64 { return in.Comments }},
	{cmkit.MetricShares, Shares, func(in *cmkit.Insights) int64 { return in.Shares }},
	{cmkit.MetricSaves, Saves, func(in *cmkit.Insights) int64 { return in.Saves }},
	{cmkit.MetricClicks, Clicks, func(in *cmkit.Insights) int64 { return in.Clicks }},
	{cmkit.MetricVideoViews, VideoViews, func(in *cmkit.Insights) int64 { return in.VideoViews }},
}

// NewCollector returns a Collector for cfg, or an error wrapping
// cmkit.ErrInvalid naming the bad field.
func NewCollector(cfg CollectorConfig) (*Collector, error) {
	if cfg.Recorder == nil {
		return nil, cmkit.Invalid("Recorder", "required", "")
	}
	if len(cfg.Channels) == 0 {
		return nil, cmkit.Invalid("Channels", "required", "no channel to poll")
	}
	for _, f := range []struct {
		name string
		d    time.Duration
	}{{"Interval", cfg.Interval}, {"Window", cfg.Window}, {"Backoff", cfg.Backoff}} {
		if f.d < 0 {
			return nil, cmkit.Invalid(f.name, "range", "%s is negative", f.d)
		}
	}
	if cfg.Rate < 0 || cfg.Burst < 0 {
		return nil, cmkit.Invalid("Rate", "range", "rate %v, burst %d: want positive", cfg.Rate, cfg.Burst)
	}
	if cfg.Clock == nil {
		cfg.Clock = cmkit.SystemClock()
	}
	if cfg.Interval == 0 {
		cfg.Interval = time.Hour
	}
	if cfg.Window == 0 {
		cfg.Window = 30 * 24 * time.Hour
	}
	if cfg.Rate == 0 {
		cfg.Rate = 1
	}
	if cfg.Burst == 0 {
		cfg.Burst = 5
	}
	if cfg.Backoff == 0 {
		cfg.Backoff = cfg.Interval
	}
	c := &Collector{cfg: cfg}
	for i, ch := range cfg.Channels {
		if ch == nil {
			return nil, cmkit.Invalid(fmt.Sprintf("Channels[%d]", i), "required", "nil channel")
		}
		info := ch.Info()
		if slices.ContainsFunc(c.channels, func(o *collected) bool { return o.info.ID == info.ID }) {
			return nil, cmkit.Invalid(fmt.Sprintf("Channels[%d]", i), "duplicate", "channel %q is listed twice", info.ID)
		}
		c.channels = append(c.channels, &collected{ch: ch, info: info, limiter: rate.NewLimiter(cfg.Rate, cfg.Burst),
			posts: map[string]*postNumbers{}})
	}
	c.cfg.Channels = slices.Clone(cfg.Channels)
	return c, nil
}

// Run polls at once, then every Interval (from the start of one poll to
// the start of the next), until ctx is done; it then returns ctx.Err().
// A poll's error goes to OnError and does not stop Run.
func (c *Collector) Run(ctx context.Context) error {
	for {
		start := c.cfg.Clock.Now()
		if err := c.Poll(ctx); err != nil && ctx.Err() == nil && c.cfg.OnError != nil {
			c.cfg.OnError(err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := cmkit.Sleep(ctx, c.cfg.Clock, start.Add(c.cfg.Interval).Sub(c.cfg.Clock.Now())); err != nil {
			return err
		}
	}
}

// Poll makes one round: it lists the tracked posts, then polls every
// channel concurrently. It returns the failures joined (each names its
// channel), after every channel's round has ended.
func (c *Collector) Poll(ctx context.Context) error {
	c.pollMu.Lock()
	defer c.pollMu.Unlock()
	now := c.cfg.Clock.Now()
	var errs []error
	byChannel := map[string][]TrackedPost{}
	listed := c.cfg.Posts == nil
	if c.cfg.Posts != nil {
		posts, err := c.cfg.Posts.PublishedSince(ctx, now.Add(-c.cfg.Window))
		if err != nil {
			errs = append(errs, fmt.Errorf("kpi: listing tracked posts: %w", err))
		} else {
			listed = true
			for _, p := range posts {
				byChannel[p.Channel] = append(byChannel[p.Channel], p)
			}
		}
	}
	for id, posts := range byChannel {
		if !slices.ContainsFunc(c.channels, func(o *collected) bool { return o.info.ID == id }) {
			errs = append(errs, fmt.Errorf("kpi: post %q is on channel %q, which the collector does not poll", posts[0].PlatformID, id))
		}
	}
	chErrs := make([]error, len(c.channels))
	var wg sync.WaitGroup
	for i, ch := range c.channels {
		wg.Add(1)
		go func() {
			defer wg.Done()
			chErrs[i] = c.pollChannel(ctx, ch, now, byChannel[ch.info.ID], listed)
		}()
	}
	wg.Wait()
	return errors.Join(append(errs, chErrs...)...)
}

// pollChannel makes one channel's round. listed reports whether posts is
// the complete list (so posts missing from it are forgotten).
func (c *Collector) pollChannel(ctx context.Context, ch *collected, now time.Time, posts []TrackedPost, listed bool) error {
	var errs []error
	if listed {
		c.countNew(ch, posts, &errs)
	}
	if now.Before(ch.resting) {
		return errors.Join(errs...)
	}
	if fc, ok := ch.ch.(cmkit.FollowerCounter); ok {
		if err := c.wait(ctx, ch); err != nil {
			return errors.Join(append(errs, err)...)
		}
		n, err := fc.FollowerCount(ctx)
		if err != nil {
			return errors.Join(append(errs, c.failed(ch, "follower count", err))...)
		}
		c.record(&errs, func(r Recorder) error { return r.RecordSnapshot(SegmentOf(ch.info), Followers, now, float64(n)) })
	}
	if f, ok := ch.ch.(cmkit.InsightsFetcher); ok {
		for _, p := range posts {
			if err := c.wait(ctx, ch); err != nil {
				return errors.Join(append(errs, err)...)
			}
			in, err := f.Insights(ctx, p.PlatformID)
			if errors.Is(err, cmkit.ErrNotFound) {
				continue
			}
			if err != nil {
				return errors.Join(append(errs, c.failed(ch, "insights of "+p.PlatformID, err))...)
			}
			c.recordInsights(ch, p, &in, &errs)
		}
	}
	return errors.Join(errs...)
}

// countNew counts the posts seen for the first time, and forgets those no
// longer listed.
func (c *Collector) countNew(ch *collected, posts []TrackedPost, errs *[]error) {
	seen := make(map[string]bool, len(posts))
	for _, p := range posts {
		seen[p.PlatformID] = true
		n := ch.posts[p.PlatformID]
		if n == nil {
			n = &postNumbers{last: map[Measure]int64{}}
			ch.posts[p.PlatformID] = n
		}
		if !n.counted {
			n.counted = c.record(errs, func(r Recorder) error { return r.AddCount(p.Segment, Posts, p.PublishedAt, 1) })
		}
	}
	for id := range ch.posts {
		if !seen[id] {
			delete(ch.posts, id)
		}
	}
}

// recordInsights records the change in a post's numbers since the last
// fetch, and keeps its latest insights.
func (c *Collector) recordInsights(ch *collected, p TrackedPost, in *cmkit.Insights, errs *[]error) {
	n := ch.posts[p.PlatformID]
	for _, im := range insightMeasures {
		if slices.Contains(in.Missing, im.metric) {
			continue
		}
		v := im.get(in)
		delta := v - n.last[im.m]
		if delta == 0 {
			continue
		}
		if c.record(errs, func(r Recorder) error { return r.AddCount(p.Segment, im.m, p.PublishedAt, float64(delta)) }) {
			n.last[im.m] = v
		}
	}
	c.record(errs, func(r Recorder) error { return r.KeepPostInsights(p, *in) })
}

// record calls the Recorder under recMu and reports whether it succeeded.
func (c *Collector) record(errs *[]error, call func(Recorder) error) bool {
	c.recMu.Lock()
	defer c.recMu.Unlock()
	if err := call(c.cfg.Recorder); err != nil {
		*errs = append(*errs, fmt.Errorf("kpi: recording: %w", err))
		return false
	}
	return true
}

// wait waits for the channel's limiter on the Clock.
func (c *Collector) wait(ctx context.Context, ch *collected) error {
	now := c.cfg.Clock.Now()
	r := ch.limiter.ReserveN(now, 1)
	if err := cmkit.Sleep(ctx, c.cfg.Clock, r.DelayFrom(now)); err != nil {
		r.CancelAt(c.cfg.Clock.Now())
		return err
	}
	return nil
}

// failed names the channel in err and, for a rate limit, rests the
// channel.
func (c *Collector) failed(ch *collected, what string, err error) error {
	var rl *cmkit.RateLimitError
	if errors.As(err, &rl) {
		wait := rl.RetryAfter
		if wait <= 0 {
			wait = c.cfg.Backoff
		}
		ch.resting = c.cfg.Clock.Now().Add(wait)
	}
	return fmt.Errorf("kpi: channel %q: %s: %w", ch.info.ID, what, err)
}
