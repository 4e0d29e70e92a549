// Package kpi keeps a community team's key performance indicators: the
// KPIs and targets the social media manager defines per platform, the
// measures they are computed from (recorded by hand or collected from the
// platforms' insights), their aggregation by day, ISO week, month and
// quarter in the team's time zone, the KPI sheet the community managers
// fill in, and reports people would rather look at than read.
//
// # Measures and segments
//
// A Measure is a raw quantity: a count of events (posts, impressions,
// mentions, spend), a snapshot (followers) or a distribution (response
// times); its Kind says how values add up. Values are recorded per
// Segment (brand, platform, channel, country, campaign), usually the most
// specific one known, and rolled up to every wider segment that Covers
// it: channel → brand → all.
//
// # Aggregation
//
// An Aggregator adds values into one bucket per series (a measure of a
// segment) and calendar day in one time zone, in O(1) and without
// allocating; a Period (a day, an ISO week starting Monday, a month, a
// quarter) is read from whole days, so periods are exact in that zone
// across daylight-saving changes and ISO week 53. Memory grows with
// series × days, never with events. Distributions keep a quantile sketch
// (package kpi/sketch: relative error at most 1% for every quantile, see
// its documentation). Flush writes changed days to a Store and Load reads
// them back; MemoryStore is the default, and cmkittest.TestKPIStore checks
// any other.
//
// A Collector polls channels that implement cmkit.InsightsFetcher and
// cmkit.FollowerCounter on a schedule (Run), within per-channel rate
// limits and a platform's RetryAfter. Post insights are cumulative, so it
// records only what changed since the previous poll, on the day the post
// was published; NewAggregatorRecorder connects it to an Aggregator and a
// PostKeeper (the latest insights of each post, for top and bottom posts).
//
// # Formulas and definitions
//
// BuiltinFormulas lists the standard KPIs (engagement rates by reach,
// impressions and followers; amplification, applause and conversation
// rates; virality; click-through rate; follower growth; reach and
// impressions; video completion; response rate; first-response time mean,
// median and p90; share of voice; sentiment shares and net sentiment;
// costs per click, per mille and per engagement; conversion rate), each
// with its exact formula in its documentation. A formula has no value
// when a denominator is zero or nothing was recorded: a missing value is
// never shown as 0. A Definition names a built-in formula or a custom
// expression over measures (package kpi/expr: numbers, measures, + − × ÷,
// parentheses, sum, avg, min, max, ratio, pct, abs; division by zero has
// no value), its unit, which way is better (Goal) and its targets per
// segment and period; ParseDefinitions loads them from JSON, naming the
// entry at fault.
//
// # Reports
//
// BuildScorecard computes, for a segment and period, each KPI's value,
// target, attainment, change against the previous period and trend, share
// of voice against named competitors, channel engagement, top and bottom
// posts and opinion leaders (through a LeaderSource the product wires to
// its inbox), then runs Recommenders (built in: a KPI below target for N
// periods, a channel whose engagement fell by more than X%). A Scorecard
// is written as JSON, CSV, Markdown, or one self-contained HTML file with
// inline SVG charts that loads nothing from the network, in English,
// Spanish or Polish.
//
// The package imports neither moderation nor calendar nor crisis: what it
// reads from them (published posts, responses and their delays, sentiment
// and listening counts, opinion leaders) comes through small interfaces
// and recorded measures, which the examples wire.
package kpi
