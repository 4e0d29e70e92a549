package cmkit

import (
	"context"
	"fmt"

	"github.com/google/uuid"
)

// Channel is one account on one platform that cmkit publishes to: the brand's
// X account for Spain, its Polish Facebook page, a Mastodon account. It is
// the one interface a platform adapter must implement; everything else a
// platform can do is an optional capability (see MentionReader, Searcher,
// Replier, ThreadPublisher, Hider, Deleter, PostFinder, InsightsFetcher,
// FollowerCounter), found with a type assertion.
//
// # Publishing and retries
//
// A failed Publish is often ambiguous: the request reached the platform, the
// post went out, and then the answer was lost to a timeout or a broken
// connection. Retrying blindly double-posts; never retrying loses posts.
// Every channel therefore declares, in ChannelInfo.RetrySafety, how a
// publish can be retried without double-posting:
//
//   - RetryIdempotent: Publish is idempotent on Post.ID. Calling it again
//     with the same ID never creates a second post; it returns the receipt
//     of the first (or an error), e.g. by sending Post.ID as Mastodon's
//     Idempotency-Key header, or creating a Bluesky record under a key
//     derived from Post.ID. This holds for calls that overlap in time,
//     too: "look the ID up, then create" is not idempotent, since two
//     calls may both look before either creates.
//   - RetryAfterLookup: the channel implements PostFinder and can tell,
//     after an ambiguous failure, whether a post with that ID exists. The
//     publisher looks first and retries only when FindPost answers
//     ErrNotFound; it never has two calls for one post in flight, since a
//     lookup cannot see a post another call is still creating.
//   - RetryUnsafe: neither. After an ambiguous failure the publisher does
//     not retry; it marks the post "unknown, verify" for a person.
//
// A channel must never declare more safety than the platform gives: a
// channel that declares RetryIdempotent and posts twice loses a brand's
// trust in one morning. cmkittest.TestChannel checks the declaration.
//
// # Contract
//
// Callers (the services of this module) guarantee that Post.ID is set and
// that the post was validated against Info().Limits. Publish must:
//
//   - honour ctx: return promptly once it is done, and report an error
//     that wraps ctx.Err() (see NotSent for a request that never left);
//   - classify every failure (see Classify): wrap ErrTransient only when
//     the post certainly was not published (a 429 or 503 answer, a request
//     never sent), return a *RateLimitError for rate limits (its
//     RetryAfter at most MaxRetryAfter; ClassifyHTTP caps it), wrap
//     ErrAmbiguous when the outcome is unknown, and ErrPermanent (or
//     ErrInvalid, ErrForbidden) when the platform refused the post;
//   - keep credentials out of every error message.
//
// Implementations must be safe for concurrent use.
type Channel interface {
	// Info describes the channel: who it is, its limits and its retry
	// safety. It must be cheap and must not call the platform.
	Info() ChannelInfo
	// Publish publishes post and returns the platform's receipt.
	Publish(ctx context.Context, post Post) (Receipt, error)
}

// ChannelInfo is what a Channel says about itself.
type ChannelInfo struct {
	// ID is the product's stable name for the channel ("acme-es-x"), unique
	// within the product. Roles scopes, calendars and reports refer to it.
	// It is a string, not a UUID, because people write it in configuration.
	ID string `json:"id"`
	// Platform is where the channel publishes.
	Platform Platform `json:"platform"`
	// Handle is the account's public name on the platform ("@acme_es").
	Handle string `json:"handle,omitempty"`
	// Brand is the brand the channel speaks for. Brand, Country and Product
	// are how teams split the work, and what roles scopes match on.
	Brand string `json:"brand,omitempty"`
	// Country is the market the channel serves (ISO 3166-1 alpha-2, "ES").
	Country string `json:"country,omitempty"`
	// Product is the product line the channel is about, if it has one.
	Product string `json:"product,omitempty"`
	// Languages lists the BCP 47 tags the channel publishes in ("es",
	// "pl"), most used first.
	Languages []string `json:"languages,omitempty"`
	// Limits is what one post may contain.
	Limits Limits `json:"limits"`
	// RetrySafety says how a publish can be retried without double-posting.
	RetrySafety RetrySafety `json:"retry_safety"`
}

// Validate reports the first problem with info as a *ValidationError: an
// empty ID, an invalid platform, negative limits or an unknown RetrySafety.
func (info ChannelInfo) Validate() error {
	if info.ID == "" {
		return Invalid("id", "required", "a channel needs an ID")
	}
	if err := info.Platform.Validate(); err != nil {
		return err
	}
	if err := info.Limits.Validate(); err != nil {
		return err
	}
	if !info.RetrySafety.valid() {
		return Invalid("retry_safety", "unknown", "%d", int(info.RetrySafety))
	}
	return nil
}

// RetrySafety says how a Channel makes a publish safe to retry after an
// ambiguous failure. See Channel for the contract. The zero value is
// RetryUnsafe, the only answer that can never double-post.
type RetrySafety int

// The retry safety levels.
const (
	// RetryUnsafe: after an ambiguous failure a person must check.
	RetryUnsafe RetrySafety = iota
	// RetryIdempotent: Publish is idempotent on Post.ID.
	RetryIdempotent
	// RetryAfterLookup: the channel implements PostFinder.
	RetryAfterLookup
)

func (r RetrySafety) valid() bool { return r >= RetryUnsafe && r <= RetryAfterLookup }

// String returns "unsafe", "idempotent" or "lookup".
func (r RetrySafety) String() string {
	switch r {
	case RetryUnsafe:
		return "unsafe"
	case RetryIdempotent:
		return "idempotent"
	case RetryAfterLookup:
		return "lookup"
	}
	return fmt.Sprintf("RetrySafety(%d)", int(r))
}

// MarshalText encodes r as its String form.
func (r RetrySafety) MarshalText() ([]byte, error) {
	if !r.valid() {
		return nil, Invalid("retry_safety", "unknown", "%d", int(r))
	}
	return []byte(r.String()), nil
}

// UnmarshalText reads "unsafe", "idempotent" or "lookup".
func (r *RetrySafety) UnmarshalText(b []byte) error {
	for _, v := range []RetrySafety{RetryUnsafe, RetryIdempotent, RetryAfterLookup} {
		if string(b) == v.String() {
			*r = v
			return nil
		}
	}
	return Invalid("retry_safety", "unknown", "%q: want unsafe, idempotent or lookup", string(b))
}

// PostFinder is implemented by a Channel that can tell whether a post it
// published exists, by the cmkit Post.ID it was published with (kept in the
// platform's metadata, in a marker, or in the adapter's own record).
//
// The publisher calls FindPost after an ambiguous Publish failure on a
// channel that declares RetryAfterLookup. FindPost returns the receipt when
// the post exists and an error wrapping ErrNotFound when it certainly does
// not; any other error means "cannot tell", and the publisher then treats
// the post as unknown. Without PostFinder (or when FindPost returns
// ErrUnsupported), the publisher cannot look up, and the channel must not
// declare RetryAfterLookup.
type PostFinder interface {
	FindPost(ctx context.Context, id uuid.UUID) (Receipt, error)
}

// MentionReader is implemented by a Channel that can read what people say to
// or about the account: comments, replies, mentions, direct messages and
// reviews. The moderation inbox and crisis monitoring call it.
//
// ReadMentions returns up to limit mentions (limit <= 0 means the adapter's
// page size) that arrived after the position after, oldest first, and the
// cursor to pass next time. The zero Cursor means "from the oldest mention
// the platform still returns". Cursors are opaque, may be stored and reused
// later (a reader that restarts resumes where it stopped), and must resume
// without gaps or duplicates. When nothing is new, the page is empty and
// Next equals after. Without MentionReader, services report ErrUnsupported.
type MentionReader interface {
	ReadMentions(ctx context.Context, after Cursor, limit int) (MentionPage, error)
}

// Searcher is implemented by a Channel that can search the platform's
// public posts beyond the account's own mentions: conversations about the
// brand and its competitors, for listening. query is the platform's plain
// keyword search (words, all of which must appear); the listening package
// refines results with its own query language. Search returns up to limit
// posts (limit <= 0 means the adapter's default) newer than after, oldest
// first, with the cursor to resume after them, and resumes without gaps or
// duplicates like ReadMentions. Results come back as Mentions of kind
// KindMention. Without Searcher, services report ErrUnsupported.
type Searcher interface {
	Search(ctx context.Context, query string, after Cursor, limit int) (MentionPage, error)
}

// Replier is implemented by a Channel that can answer a mention in public
// (or a direct message in private). Reply publishes post as an answer to the
// mention whose platform ID is mentionID; retries follow the channel's
// RetrySafety, like Publish. Without Replier, services report ErrUnsupported
// and a person answers on the platform.
type Replier interface {
	Reply(ctx context.Context, mentionID string, post Post) (Receipt, error)
}

// ThreadPublisher is implemented by a Channel that can continue one of the
// account's own posts with another, making a thread (X, Mastodon, Bluesky,
// Threads). The calendar's publisher calls PublishReply for each part of a
// thread after the first, with parent the receipt of the part before it;
// post.InReplyTo is then parent.PlatformID. Contract and retries are those
// of Publish: PublishReply is idempotent on post.ID on a RetryIdempotent
// channel, and FindPost finds what it published on a RetryAfterLookup one.
// A parent that does not exist gives an error wrapping ErrNotFound.
// Without ThreadPublisher, the calendar refuses to schedule a thread on the
// channel (ErrUnsupported).
type ThreadPublisher interface {
	PublishReply(ctx context.Context, parent Receipt, post Post) (Receipt, error)
}

// Hider is implemented by a Channel that can hide a comment from the public
// without deleting it (Facebook, Instagram, YouTube hold for review), and
// show it again. SetHidden is idempotent. Without Hider, moderation falls
// back to Deleter when its rule allows deleting, and otherwise reports
// ErrUnsupported.
type Hider interface {
	SetHidden(ctx context.Context, mentionID string, hidden bool) error
}

// Deleter is implemented by a Channel that can delete a comment on the
// account's posts, or one of its own posts, by platform ID. Deleting what is
// already gone returns an error wrapping ErrNotFound. Without Deleter,
// services report ErrUnsupported.
type Deleter interface {
	Delete(ctx context.Context, platformID string) error
}

// InsightsFetcher is implemented by a Channel that can report how one of its
// posts performed. The kpi package calls it to fill the KPI sheet. A post
// the platform does not know gives ErrNotFound; metrics the platform does
// not report are left zero and named in Insights.Missing. Without it, KPI
// values are entered by hand.
type InsightsFetcher interface {
	Insights(ctx context.Context, platformID string) (Insights, error)
}

// FollowerCounter is implemented by a Channel that can report how many
// followers (subscribers, page likes) the account has now. Without it, the
// count is entered by hand in the KPI sheet.
type FollowerCounter interface {
	FollowerCount(ctx context.Context) (int64, error)
}

// Capability names an optional ability of a Channel, for messages,
// UnsupportedError and capability listings.
type Capability string

// The capabilities, one per optional interface.
const (
	CapFindPost      Capability = "find-post"      // PostFinder
	CapReadMentions  Capability = "read-mentions"  // MentionReader
	CapReply         Capability = "reply"          // Replier
	CapThread        Capability = "thread"         // ThreadPublisher
	CapHide          Capability = "hide"           // Hider
	CapDelete        Capability = "delete"         // Deleter
	CapInsights      Capability = "insights"       // InsightsFetcher
	CapFollowerCount Capability = "follower-count" // FollowerCounter
	CapSearch        Capability = "search"         // Searcher
)

// Capabilities lists the optional interfaces ch implements, in the order of
// the constants above. A capability listed here may still answer
// ErrUnsupported for a given account or call.
func Capabilities(ch Channel) []Capability {
	var caps []Capability
	for _, c := range capabilities {
		if c.implemented(ch) {
			caps = append(caps, c.name)
		}
	}
	return caps
}

var capabilities = []struct {
	name        Capability
	implemented func(Channel) bool
}{
	{CapFindPost, implements[PostFinder]},
	{CapReadMentions, implements[MentionReader]},
	{CapReply, implements[Replier]},
	{CapThread, implements[ThreadPublisher]},
	{CapHide, implements[Hider]},
	{CapDelete, implements[Deleter]},
	{CapInsights, implements[InsightsFetcher]},
	{CapFollowerCount, implements[FollowerCounter]},
	{CapSearch, implements[Searcher]},
}

func implements[T any](ch Channel) bool {
	_, ok := ch.(T)
	return ok
}
