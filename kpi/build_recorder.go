package kpi

import (
	"sync"
	"time"

	"github.com/cmkit/cmkit"
)

// AggregatorRecorder is the Recorder a Collector writes through: counts
// and snapshot readings go into an Aggregator, posts' latest insights into
// a PostKeeper. It serializes every use of the Aggregator with a mutex,
// so a Collector can record while BuildScorecard reads its Totals (it is
// a TotalsSource), which a bare Aggregator does not allow.
type AggregatorRecorder struct {
	mu    sync.Mutex
	agg   *Aggregator
	posts *PostKeeper
}

var (
	_ Recorder     = (*AggregatorRecorder)(nil)
	_ TotalsSource = (*AggregatorRecorder)(nil)
	_ TotalsSource = (*Aggregator)(nil)
)

// NewAggregatorRecorder returns a Recorder over agg and posts. posts may
// be nil: post insights are then dropped. Once agg is given here, use it
// only through the recorder (Totals, Location, Do).
func NewAggregatorRecorder(agg *Aggregator, posts *PostKeeper) *AggregatorRecorder {
	return &AggregatorRecorder{agg: agg, posts: posts}
}

// AddCount adds delta to count measure m of seg at instant at. A measure
// that is not a count (Measure.Kind) is an error wrapping
// cmkit.ErrInvalid, as is what Aggregator.Add refuses; nothing is
// recorded then.
func (r *AggregatorRecorder) AddCount(seg Segment, m Measure, at time.Time, delta float64) error {
	return r.add(seg, m, MeasureCount, at, delta)
}

// RecordSnapshot records reading v of snapshot measure m of seg at
// instant at. A measure that is not a snapshot is an error wrapping
// cmkit.ErrInvalid, as is what Aggregator.Add refuses; nothing is
// recorded then.
func (r *AggregatorRecorder) RecordSnapshot(seg Segment, m Measure, at time.Time, v float64) error {
	return r.add(seg, m, MeasureSnapshot, at, v)
}

func (r *AggregatorRecorder) add(seg Segment, m Measure, kind MeasureKind, at time.Time, v float64) error {
	if err := m.Validate(); err != nil {
		return err
	}
	if m.Kind() != kind {
		return cmkit.Invalid("measure", "kind", "%s is a %s measure, not a %s", m, m.Kind(), kind)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	h, err := r.agg.Series(m, seg)
	if err != nil {
		return err
	}
	return r.agg.Add(h, at, v)
}

// KeepPostInsights keeps the post's latest numbers in the PostKeeper:
// engagements are reactions, comments, shares and saves, and the
// platform is the post's Segment's. The URL and excerpt known before are
// kept (PostKeeper.Keep). Without a PostKeeper it does nothing.
func (r *AggregatorRecorder) KeepPostInsights(post TrackedPost, in cmkit.Insights) error {
	if r.posts == nil {
		return nil
	}
	return r.posts.Keep(PostRecord{
		Channel: post.Channel, Platform: post.Segment.Platform, PlatformID: post.PlatformID,
		PublishedAt: post.PublishedAt, Segment: post.Segment,
		Engagements: in.Reactions + in.Comments + in.Shares + in.Saves,
		Impressions: in.Impressions, Reach: in.Reach,
	})
}

// Totals returns the Aggregator's totals of seg over p (Aggregator.Totals).
func (r *AggregatorRecorder) Totals(seg Segment, p Period) (Totals, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.agg.Totals(seg, p)
}

// Location returns the time zone of the Aggregator's days.
func (r *AggregatorRecorder) Location() *time.Location { return r.agg.Location() }

// Do calls f with the Aggregator while holding the recorder's lock, for
// what the recorder does not wrap (Flush, Load). f must not keep the
// Aggregator.
func (r *AggregatorRecorder) Do(f func(*Aggregator) error) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return f(r.agg)
}
