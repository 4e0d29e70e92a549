package kpi

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/cmkit/cmkit"
)

// PostRecord is the latest insights of one published post, as a
// PostKeeper keeps them for a scorecard's top and bottom posts.
type PostRecord struct {
	// Channel is the channel ID (cmkit.ChannelInfo.ID); required.
	Channel string
	// Platform is the post's platform.
	Platform cmkit.Platform
	// PlatformID is the platform's ID of the post; required, and with
	// Channel it names the post.
	PlatformID string
	// URL links to the post.
	URL string
	// Excerpt is the beginning of the post's text; a PostKeeper keeps at
	// most MaxExcerptRunes runes of it.
	Excerpt string
	// PublishedAt is when the post was published; required.
	PublishedAt time.Time
	// Segment is what the post counts for (usually the channel's segment
	// with the post's campaign); rankings pick posts by it.
	Segment Segment
	// Engagements counts reactions, comments, shares and saves.
	Engagements int64
	// Impressions counts how often the post was shown.
	Impressions int64
	// Reach counts the accounts the post was shown to.
	Reach int64
}

// MaxExcerptRunes is how many runes of a post's Excerpt a PostKeeper
// keeps.
const MaxExcerptRunes = 140

// PostOrder says what ranks posts in PostKeeper.Rank.
type PostOrder uint8

// The post orders.
const (
	// ByEngagements ranks posts by their engagements.
	ByEngagements PostOrder = iota
	// ByEngagementRate ranks posts by engagements per impression; posts
	// without impressions are left out.
	ByEngagementRate
)

// PostKeeper keeps the latest insights of recent posts, for top and bottom
// post rankings. It is safe for concurrent use.
//
// Memory is bounded by the number of posts kept: at most MaxPosts
// records. Keeping a new post when full drops the post published
// earliest (possibly the new one), and Prune drops the posts published
// more than the horizon before an instant.
type PostKeeper struct {
	mu      sync.Mutex
	max     int
	horizon time.Duration
	posts   map[postKey]*PostRecord
}

type postKey struct{ channel, id string }

// NewPostKeeper returns an empty PostKeeper that keeps at most maxPosts
// posts (default 10,000 when maxPosts <= 0) and whose Prune drops posts
// published more than horizon ago (default 90 days when horizon <= 0).
func NewPostKeeper(maxPosts int, horizon time.Duration) *PostKeeper {
	if maxPosts <= 0 {
		maxPosts = 10000
	}
	if horizon <= 0 {
		horizon = 90 * 24 * time.Hour
	}
	return &PostKeeper{max: maxPosts, horizon: horizon, posts: map[postKey]*PostRecord{}}
}

// MaxPosts returns how many posts k keeps at most.
func (k *PostKeeper) MaxPosts() int { return k.max }

// Keep records r as its post's latest insights, replacing the numbers
// kept before; an empty URL or Excerpt keeps the one known before. A
// record without Channel, PlatformID or PublishedAt, or with a negative
// count, is an error wrapping cmkit.ErrInvalid, and changes nothing.
func (k *PostKeeper) Keep(r PostRecord) error {
	switch {
	case r.Channel == "":
		return cmkit.Invalid("post.channel", "required", "post %q has no channel", r.PlatformID)
	case r.PlatformID == "":
		return cmkit.Invalid("post.platform_id", "required", "a post on channel %q has no platform ID", r.Channel)
	case r.PublishedAt.IsZero():
		return cmkit.Invalid("post.published_at", "required", "post %q has no publish time", r.PlatformID)
	case r.Engagements < 0 || r.Impressions < 0 || r.Reach < 0:
		return cmkit.Invalid("post.engagements", "non_negative", "post %q: engagements %d, impressions %d, reach %d",
			r.PlatformID, r.Engagements, r.Impressions, r.Reach)
	}
	r.Excerpt = truncateRunes(r.Excerpt, MaxExcerptRunes)
	key := postKey{r.Channel, r.PlatformID}
	k.mu.Lock()
	defer k.mu.Unlock()
	if old, ok := k.posts[key]; ok {
		r.URL = cmp.Or(r.URL, old.URL)
		r.Excerpt = cmp.Or(r.Excerpt, old.Excerpt)
		*old = r
		return nil
	}
	if len(k.posts) >= k.max {
		var oldest postKey
		var oldestAt time.Time
		for key, p := range k.posts {
			if oldestAt.IsZero() || p.PublishedAt.Before(oldestAt) {
				oldest, oldestAt = key, p.PublishedAt
			}
		}
		if r.PublishedAt.Before(oldestAt) {
			return nil // the new post is the earliest: it is the one dropped
		}
		delete(k.posts, oldest)
	}
	kept := new(PostRecord) // r itself stays on the stack
	*kept = r
	k.posts[key] = kept
	return nil
}

// truncateRunes returns the first n runes of s.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// Prune drops the posts published more than the horizon before now and
// returns how many it dropped.
func (k *PostKeeper) Prune(now time.Time) int {
	cut := now.Add(-k.horizon)
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	for key, p := range k.posts {
		if p.PublishedAt.Before(cut) {
			delete(k.posts, key)
			n++
		}
	}
	return n
}

// Len returns how many posts k keeps.
func (k *PostKeeper) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.posts)
}

// Rank returns the n best posts (best first) and the n weakest (weakest
// first) among those whose Segment seg Covers, published in [from, to),
// by order. A post is in at most one list: with fewer than 2n posts, the
// bottom list holds those the top list left. Equal posts are ordered by
// publish time, then channel and platform ID.
func (k *PostKeeper) Rank(seg Segment, from, to time.Time, n int, order PostOrder) (top, bottom []RankedPost) {
	if n <= 0 {
		return nil, nil
	}
	k.mu.Lock()
	var picked []RankedPost
	for _, p := range k.posts {
		if !seg.Covers(p.Segment) || p.PublishedAt.Before(from) || !p.PublishedAt.Before(to) {
			continue
		}
		rp := RankedPost{Channel: p.Channel, Platform: p.Platform, PlatformID: p.PlatformID, URL: p.URL,
			Excerpt: p.Excerpt, PublishedAt: p.PublishedAt, Engagements: p.Engagements}
		if p.Impressions > 0 {
			rp.EngagementRate = FigureOf(float64(p.Engagements) / float64(p.Impressions))
		} else if order == ByEngagementRate {
			continue
		}
		picked = append(picked, rp)
	}
	k.mu.Unlock()
	score := func(p RankedPost) float64 {
		if order == ByEngagementRate {
			return p.EngagementRate.Value
		}
		return float64(p.Engagements)
	}
	slices.SortFunc(picked, func(a, b RankedPost) int {
		return cmp.Or(cmp.Compare(score(b), score(a)), a.PublishedAt.Compare(b.PublishedAt),
			cmp.Compare(a.Channel, b.Channel), cmp.Compare(a.PlatformID, b.PlatformID))
	})
	nt := min(n, len(picked))
	top = slices.Clone(picked[:nt])
	rest := picked[nt:]
	nb := min(n, len(rest))
	bottom = slices.Clone(rest[len(rest)-nb:])
	slices.Reverse(bottom)
	return top, bottom
}
