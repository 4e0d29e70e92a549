package kpi

import (
	"fmt"
	"strings"

	"github.com/cmkit/cmkit"
)

// Measure names a raw quantity the team records: a count of events (posts,
// impressions, mentions), a snapshot (followers) or a distribution
// (response times). KPIs are computed from measures; custom KPIs name them
// in their expressions.
type Measure string

// The built-in measures. Custom measures are any other name of lower-case
// letters, digits and underscores, starting with a letter, recorded as
// counts (MeasureCount).
const (
	// Posts counts posts published.
	Posts Measure = "posts"
	// Impressions counts how often posts were shown (cmkit.Insights).
	Impressions Measure = "impressions"
	// Reach counts the accounts posts were shown to, summed over posts
	// (an upper bound of the distinct accounts reached).
	Reach Measure = "reach"
	// Reactions counts likes and other reactions.
	Reactions Measure = "reactions"
	// Comments counts comments and replies to posts.
	Comments Measure = "comments"
	// Shares counts shares, reposts and retweets.
	Shares Measure = "shares"
	// Saves counts saves and bookmarks.
	Saves Measure = "saves"
	// Clicks counts link clicks.
	Clicks Measure = "clicks"
	// VideoViews counts video views, by the platform's definition.
	VideoViews Measure = "video_views"
	// VideoCompletions counts views that reached the end of the video.
	VideoCompletions Measure = "video_completions"
	// Followers is the account's follower count (a snapshot).
	Followers Measure = "followers"
	// Mentions counts mentions of the segment's brand (of a competitor,
	// when the segment's Brand is the competitor).
	Mentions Measure = "mentions"
	// MentionsPositive counts mentions judged positive.
	MentionsPositive Measure = "mentions_positive"
	// MentionsNegative counts mentions judged negative.
	MentionsNegative Measure = "mentions_negative"
	// MentionsNeutral counts mentions judged neutral.
	MentionsNeutral Measure = "mentions_neutral"
	// Inbound counts items that called for an answer.
	Inbound Measure = "inbound"
	// Responses counts items answered.
	Responses Measure = "responses"
	// ResponseTime is the delay of first responses, in seconds (a
	// distribution).
	ResponseTime Measure = "response_time"
	// Spend is money spent on paid posts, in the segment's currency
	// units.
	Spend Measure = "spend"
	// PaidImpressions counts impressions of paid posts.
	PaidImpressions Measure = "paid_impressions"
	// PaidClicks counts clicks on paid posts.
	PaidClicks Measure = "paid_clicks"
	// PaidEngagements counts engagements (reactions, comments, shares,
	// saves) on paid posts.
	PaidEngagements Measure = "paid_engagements"
	// Conversions counts conversions attributed to social posts.
	Conversions Measure = "conversions"
)

// MeasureKind says how a measure's values add up.
type MeasureKind uint8

// The measure kinds.
const (
	// MeasureCount values are counts or amounts: a period's value is their
	// sum, and a segment's is the sum of its parts'.
	MeasureCount MeasureKind = iota
	// MeasureSnapshot values are readings of a level (followers): a
	// period's value is the last reading in it, its start the first, and a
	// segment's is the sum of its parts' readings.
	MeasureSnapshot
	// MeasureDistribution values are samples (response times): a period
	// keeps their count, sum and a quantile sketch.
	MeasureDistribution
)

// String returns "count", "snapshot" or "distribution".
func (k MeasureKind) String() string {
	switch k {
	case MeasureCount:
		return "count"
	case MeasureSnapshot:
		return "snapshot"
	case MeasureDistribution:
		return "distribution"
	}
	return fmt.Sprintf("MeasureKind(%d)", uint8(k))
}

// Kind returns how m adds up: Followers is a snapshot, ResponseTime a
// distribution, every other measure a count.
func (m Measure) Kind() MeasureKind {
	switch m {
	case Followers:
		return MeasureSnapshot
	case ResponseTime:
		return MeasureDistribution
	}
	return MeasureCount
}

// maxMeasureLen bounds a measure's name.
const maxMeasureLen = 64

// Validate returns nil for a well-formed measure name (a letter, then
// lower-case letters, digits and underscores, at most 64 bytes), and
// otherwise an error wrapping cmkit.ErrInvalid.
func (m Measure) Validate() error {
	s := string(m)
	if s == "" || len(s) > maxMeasureLen || s[0] < 'a' || s[0] > 'z' {
		return cmkit.Invalid("measure", "format", "%q: want a lower-case letter, then letters, digits or _ (at most %d bytes)", s, maxMeasureLen)
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return cmkit.Invalid("measure", "format", "%q: byte %d is %q; want lower-case letters, digits or _", s, i+1, c)
		}
	}
	return nil
}

// Segment is what a value is about: a brand, a platform, a channel, a
// country, a campaign, or a combination. An empty field means "all": the
// zero Segment is everything the team records. Values are recorded on
// the most specific segment known (usually a channel with its brand,
// platform and country) and rolled up to the wider ones.
type Segment struct {
	// Brand is the brand (or, for share of voice, a competitor).
	Brand string `json:"brand,omitempty"`
	// Platform is the platform.
	Platform cmkit.Platform `json:"platform,omitempty"`
	// Channel is the channel ID (cmkit.ChannelInfo.ID).
	Channel string `json:"channel,omitempty"`
	// Country is the country (ISO 3166-1 alpha-2).
	Country string `json:"country,omitempty"`
	// Campaign is the campaign.
	Campaign string `json:"campaign,omitempty"`
}

// SegmentOf returns the segment of a channel: its ID, brand, platform and
// country.
func SegmentOf(info cmkit.ChannelInfo) Segment {
	return Segment{Brand: info.Brand, Platform: info.Platform, Channel: info.ID, Country: info.Country}
}

// Covers reports whether s includes t: every field s sets, t sets to the
// same value. The zero Segment covers every segment.
func (s Segment) Covers(t Segment) bool {
	return (s.Brand == "" || s.Brand == t.Brand) && (s.Platform == "" || s.Platform == t.Platform) &&
		(s.Channel == "" || s.Channel == t.Channel) && (s.Country == "" || s.Country == t.Country) &&
		(s.Campaign == "" || s.Campaign == t.Campaign)
}

// String returns the fields set as "brand=acme platform=x", or "all".
func (s Segment) String() string {
	var b strings.Builder
	for _, f := range [...]struct{ k, v string }{{"brand", s.Brand}, {"platform", string(s.Platform)}, {"channel", s.Channel},
		{"country", s.Country}, {"campaign", s.Campaign}} {
		if f.v == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f.k + "=" + f.v)
	}
	if b.Len() == 0 {
		return "all"
	}
	return b.String()
}
