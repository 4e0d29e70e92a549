package cmkit

import "time"

// Metric names one number a platform reports about a post.
type Metric string

// The metrics Insights carries.
const (
	MetricImpressions Metric = "impressions"
	MetricReach       Metric = "reach"
	MetricReactions   Metric = "reactions"
	MetricComments    Metric = "comments"
	MetricShares      Metric = "shares"
	MetricSaves       Metric = "saves"
	MetricClicks      Metric = "clicks"
	MetricVideoViews  Metric = "video_views"
)

// Insights is how one published post performed, as its platform reports it
// at one moment. Platforms name these differently (X "engagements", Facebook
// "reactions", LinkedIn "clicks"); adapters map them onto these fields.
type Insights struct {
	// PlatformID is the post the numbers are about.
	PlatformID string `json:"platform_id"`
	// Impressions counts how often the post was shown.
	Impressions int64 `json:"impressions"`
	// Reach counts the distinct accounts it was shown to.
	Reach int64 `json:"reach"`
	// Reactions counts likes and other reactions.
	Reactions int64 `json:"reactions"`
	// Comments counts comments and replies.
	Comments int64 `json:"comments"`
	// Shares counts shares, reposts and retweets.
	Shares int64 `json:"shares"`
	// Saves counts saves and bookmarks.
	Saves int64 `json:"saves"`
	// Clicks counts link clicks.
	Clicks int64 `json:"clicks"`
	// VideoViews counts video views, by the platform's definition.
	VideoViews int64 `json:"video_views"`
	// Missing lists the metrics the platform does not report for this post;
	// their fields are zero and must not be read as zero.
	Missing []Metric `json:"missing,omitempty"`
	// FetchedAt is when the numbers were read.
	FetchedAt time.Time `json:"fetched_at"`
}
