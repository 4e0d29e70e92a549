// Package mastodon is a cmkit.Channel for one Mastodon account, written on
// net/http against Mastodon's documented REST API (docs.joinmastodon.org/methods).
//
// Open it from a Config or from the environment (MASTODON_SERVER,
// MASTODON_TOKEN):
//
//	ch, err := mastodon.New(mastodon.FromEnv())
//
// # Module
//
// The package is a nested module (github.com/cmkit/cmkit/adapters/mastodon),
// so that importing cmkit never pulls it in. In this repository its go.mod
// replaces github.com/cmkit/cmkit with ../..; a released version requires a
// tagged version of the root module instead.
//
// # Capabilities
//
// Publish, PublishReply (threads) and Reply post a status with text,
// content warning, sensitive flag, visibility, language, media already
// uploaded (MediaScheme) and reply target. cmkit schedules, so Mastodon's
// scheduled statuses are not used, and media bytes are not uploaded (an
// upload is asynchronous on Mastodon; the product uploads and passes IDs).
// FindPost, ReadMentions (mention notifications, resumable by cursor),
// Search (GET /api/v2/search), SetHidden, Report, Delete, Insights and
// FollowerCount complete the set. Every post is checked against
// Info().Limits, which count as Mastodon does (links 23, @user@domain as
// @user, content warning included), before any call.
//
// # Idempotency
//
// Publish sends the post's ID as Idempotency-Key. Mastodon keeps the key for
// one hour, per account: PostStatusService stores it with
// redis.setex(idempotency_key, 3_600, @status.id) under
// "idempotency:status:<account>:<key>" (mastodon/mastodon
// app/services/post_status_service.rb). It looks the key up before creating
// the status and stores it only after, so two overlapping requests can both
// post, and a retry after the hour posts again. The channel therefore
// declares cmkit.RetryAfterLookup, not RetryIdempotent: after an ambiguous
// failure the publisher calls FindPost, which recognises the post among the
// account's own statuses by what was sent (recorded in a Journal before
// sending; see FindPost for the rule and its limits), and retries only when
// it is absent. Within the hour the key protects the retry as well.
// net/http's own silent resend of a request with an Idempotency-Key is
// turned off (Request.GetBody is cleared): when a kept-alive connection
// breaks after the server created the status, the POST reaches the server
// once and Publish reports cmkit.ErrAmbiguous; a copy of it within the
// window would have returned the same status (TestNoNetHTTPResend, through
// cmkittest.ResendTrap). The fake server, mastodontest, models the window on an
// injected clock.
//
// # Errors
//
// HTTP statuses map to cmkit's classes through cmkit.ClassifyHTTP, network
// failures through cmkit.ClassifyTransport; a failed GET is transient,
// since it changed nothing. Mastodon's {"error": "..."} message is kept,
// with the token removed: no error or log record carries the token.
//
// # Rate limits
//
// A 429 becomes a *cmkit.RateLimitError whose RetryAfter is Retry-After
// when sent, else X-RateLimit-Reset (an ISO 8601 time) minus now, capped at
// cmkit.MaxRetryAfter.
//
// # Not supported
//
// Hiding a reply from the public: Mastodon has no such feature. SetHidden
// mutes (or blocks, Config.Hide) the author, which hides them from the
// account only; Report asks the server's moderators. Edits of mentions are
// not delivered again (Mastodon notifies edits only of boosted statuses).
// Full-text search works only on servers with search enabled.
package mastodon
