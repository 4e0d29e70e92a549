// Package bluesky is a cmkit.Channel for one Bluesky account, over XRPC
// with net/http alone (no SDK): it publishes app.bsky.feed.post records
// that can never be doubled by a retry, computes their facets with cmkit's
// own entity extraction, and reads mentions, insights and followers.
//
//	ch, err := bluesky.New(bluesky.FromEnv()) // BLUESKY_HANDLE, BLUESKY_APP_PASSWORD, BLUESKY_PDS
//
// It is a nested module (github.com/cmkit/cmkit/adapters/bluesky) so that
// importing cmkit pulls in nothing of it. In this repository its go.mod
// replaces github.com/cmkit/cmkit with the root (../..); a released version
// requires a tagged root version instead.
//
// # Capabilities
//
// Channel implements cmkit.Channel (Publish), cmkit.PostFinder (FindPost),
// cmkit.ThreadPublisher (PublishReply), cmkit.Replier (Reply),
// cmkit.MentionReader (ReadMentions: mentions, replies and quotes from
// app.bsky.notification.listNotifications), cmkit.Deleter (Delete,
// com.atproto.repo.deleteRecord), cmkit.InsightsFetcher (Insights: likes,
// replies, reposts plus quotes, bookmarks, from app.bsky.feed.getPosts) and
// cmkit.FollowerCounter (app.bsky.actor.getProfile followersCount).
//
// A post carries its text, its language (langs), facets and, for a reply or
// a thread, the reply's root and parent strong references (URI and CID,
// read with com.atproto.repo.getRecord). Post.Sensitive becomes the
// "graphic-media" self-label. Facets (app.bsky.richtext.facet) mark links
// (#link, "https://" added to a link written without a scheme), mentions
// (#mention, the handle resolved to a DID with
// com.atproto.identity.resolveHandle; a handle that does not resolve stays
// text) and hashtags (#tag, without "#"), with byteStart and byteEnd as
// byte offsets into the text's UTF-8: the offsets of cmkit's entity
// extraction, which the tests check by hand for emoji, ZWJ sequences,
// flags, skin tones, composed and decomposed accents, CJK text and
// multi-byte hashtags. The 300-grapheme and 3000-byte limits are checked
// with cmkit's counting (cmkit.PlatformLimits(cmkit.Bluesky)) before any
// call.
//
// # Idempotency
//
// Channel declares cmkit.RetryIdempotent. Every post is created with
// com.atproto.repo.createRecord under an explicit record key, a TID
// derived from the post's cmkit ID alone (RecordKey), which the post
// lexicon requires anyway ("key": "tid"). All attempts to publish one post
// therefore name one record: the PDS refuses a second record under a key
// that holds one (its repository's MST throws "There is already a value at
// key", which reaches the client as an HTTP 500 InternalServerError), and
// the channel then reads the record with getRecord: when it holds the
// post's text, the post is already published and Publish returns its
// receipt; when it holds another text (the post was edited between
// attempts), the error wraps cmkit.ErrConflict. A lost answer (the
// connection broke after the PDS made the record) is ambiguous; the retry
// meets the refusal and confirms. Overlapping calls for one post make one
// record, and each that succeeds returns its receipt. FindPost reads the same key.
//
// createdAt is stamped by each attempt, so it cannot tell two attempts
// apart; the text is what the confirmation compares.
//
// createRecord carries no Idempotency-Key, so net/http does not send it
// again by itself when a kept-alive connection breaks after the PDS made
// the record: Publish reports cmkit.ErrAmbiguous, and a copy of the
// request would be refused under the same record key
// (TestNoNetHTTPResend, through cmkittest.ResendTrap).
//
// # Sessions
//
// The channel logs in with the handle and an app password
// (com.atproto.server.createSession) on its first call, not in New. When
// the PDS answers a call with ExpiredToken, the channel refreshes the
// session (com.atproto.server.refreshSession, once for all the calls that
// met the same expired token; createSession again when the refresh token
// is refused) and makes the call again, renewing at most three times: the
// PDS checks the token before it does anything, so the call is neither
// lost nor doubled.
//
// # Errors
//
// Every error is classified for cmkit.Classify: transport errors with
// cmkit.ClassifyTransport, XRPC errors ({"error", "message"}) by their
// name where it says more than the status (RecordNotFound, HandleNotFound:
// cmkit.ErrNotFound; ExpiredToken, after the renewals a call makes:
// cmkit.ErrTransient, since the PDS refused the call before it did
// anything; InvalidToken, AuthMissing, AuthenticationRequired,
// AccountTakedown: cmkit.ErrForbidden) and
// otherwise by their status with cmkit.ClassifyHTTP (a 503 transient, other
// 5xx ambiguous, 400 permanent, ...). Validation failures are
// *cmkit.ValidationError (cmkit.ErrInvalid) and are returned before any
// call. No error and no log line carries the app password or a token: the
// channel removes every credential it knows from the messages it builds,
// including those a server or a proxy echoes back, and a transport error
// does not keep the net/http error it came from (whose text may quote a
// credential): it wraps only its class and, when the context ended the
// call, context.Canceled or context.DeadlineExceeded.
//
// # Rate limits
//
// The PDS limits calls per account and sends RateLimit-Limit,
// RateLimit-Remaining, RateLimit-Reset (Unix seconds) and RateLimit-Policy
// headers (packages/xrpc-server/src/rate-limiter-http.ts in
// bluesky-social/atproto). A 429 becomes a *cmkit.RateLimitError whose
// RetryAfter is Retry-After when the PDS sends one and otherwise the time
// until RateLimit-Reset, at most cmkit.MaxRetryAfter; it is transient, and
// the calendar's publisher waits that long.
//
// # Not supported
//
// Search (cmkit.Searcher) is not built: app.bsky.feed.searchPosts pages
// newest first with the AppView's cursor, and reading it oldest first from
// a stored cursor needs the walk ReadMentions does; left for later. Hiding
// (cmkit.Hider) is not built: Bluesky hides a reply through the thread
// root's app.bsky.feed.threadgate record (hiddenReplies), a
// read-modify-write of one record per thread that needs swapRecord to be
// safe; left for later. Deleting another account's post is impossible on
// Bluesky (*cmkit.UnsupportedError). Media: uploading blobs
// (com.atproto.repo.uploadBlob) and embedding them is not built, so a post
// with Media is refused with an error wrapping cmkit.ErrUnsupported before
// any call, never published without them. Impressions, reach, clicks and
// video views are not reported by Bluesky (Insights.Missing). Posts are not
// edited on Bluesky, so no mention is delivered twice.
//
// The blueskytest package is a fake PDS for tests and examples.
package bluesky
