// Package webhook is a cmkit.Channel for every platform cmkit has no
// adapter for: it POSTs each post as signed JSON to an endpoint the company
// runs, which publishes it wherever the company already reaches from its
// own backend. Receiver is the other side's helper, and the webhooktest
// package runs both sides in memory.
//
// # Opening a channel
//
//	ch, err := webhook.New(webhook.FromEnv(cmkit.ChannelInfo{ID: "acme-intranet", Platform: "intranet"}))
//
// FromEnv reads WEBHOOK_URL, WEBHOOK_SECRET and, during a key rotation,
// WEBHOOK_SECRET_PREVIOUS. New checks the configuration and names the
// field at fault in a *cmkit.ValidationError, never quoting a secret or
// the URL.
//
// # Capabilities
//
// Channel publishes (cmkit.Channel) and, over the same endpoint, looks a
// post up by its ID (cmkit.PostFinder), deletes one (cmkit.Deleter),
// answers a mention (cmkit.Replier) and continues a thread
// (cmkit.ThreadPublisher). An endpoint implements the ones it can; the
// others answer as "Answers" says, and the channel reports
// cmkit.ErrUnsupported for them.
//
// # Requests
//
// Every request goes to the one URL and carries these headers:
//
//	Webhook-Timestamp   when it was signed, in Unix seconds
//	Webhook-Signature   "v1=" and the hex HMAC-SHA256 of TIMESTAMP "." SIGNED,
//	                    keyed with the secret; two of them, comma-separated,
//	                    during a key rotation
//	Idempotency-Key     the post's ID, on a publish to an idempotent endpoint
//	Content-Type        application/json, on a publish
//
// SIGNED is the body for a POST, and the method, a space and the raw query
// for a GET or a DELETE, which have no body ("GET idempotency_key=...");
// a signature thus covers everything the request asks for. Sign computes
// it, and ExampleSign shows a vector checked with openssl. A receiver
// ignores signatures of a version it does not know, so a future "v2=" can
// be sent next to "v1=" while receivers upgrade.
//
//	POST    publish: the body is a Payload (version 1), whose post.id is
//	        the idempotency key; its kind is "post", "reply" (to a
//	        mention) or "thread" (the next part of one of the account's
//	        posts), and post.in_reply_to then names what it answers
//	GET     ?idempotency_key=POST_ID: the post published with that ID
//	        (cmkit.PostFinder)
//	DELETE  ?platform_id=ID: delete that post (cmkit.Deleter)
//
// The query keeps what the URL already has (a token, say) and adds a
// delivery_id; the Payload has one as well. It is random and new for each
// attempt, so no two attempts share a signature, and a receiver's replay
// store refuses only true copies.
//
// # Answers
//
// The endpoint answers a publish with one of these; the channel reads
// them so:
//
//	2xx with {"platform_id", "url", "published_at"}
//	                      published: the receipt (url and published_at
//	                      are optional)
//	2xx without platform_id
//	                      ambiguous (cmkit.Unconfirmed): accepted, but
//	                      which post is unknown
//	409 with platform_id  already published with this key: the receipt
//	                      of that post, as a success
//	409 without it        ambiguous: the key or this very request was
//	                      seen ("replayed"), and the post may exist
//	400, 413, 422, other 4xx
//	                      permanent (cmkit.ErrPermanent): the post is
//	                      refused as it is
//	401, 403              cmkit.ErrForbidden: a bad signature, a stale
//	                      timestamp, or an account that may not post
//	404, 410              cmkit.ErrNotFound: in_reply_to names nothing
//	408                   ambiguous
//	429                   *cmkit.RateLimitError, RetryAfter read from
//	                      Retry-After (seconds or an HTTP date, at most
//	                      cmkit.MaxRetryAfter)
//	501                   permanent; for a reply or a thread's next
//	                      part, cmkit.ErrUnsupported
//	503                   transient: certainly not published; the
//	                      publisher backs off by its own schedule
//	500, 502, 504, 3xx    ambiguous: the request may have been applied
//	                      (redirects are not followed)
//	no answer             cmkit.ClassifyTransport: transient when the
//	                      connection was never made, ambiguous once the
//	                      request may have left (a reset, a timeout)
//
// which is cmkit.ClassifyHTTP apart from the 2xx and 409 rows, where the
// endpoint names (or fails to name) the post. A lookup answers 200 with
// the same JSON, or 404 with {"error": "not_found"} when no post has the
// key; a delete answers 2xx, or the same 404. Any other 404, a 405 or a
// 501 to a lookup or a delete means the endpoint does not serve it, and
// the method returns an error wrapping cmkit.ErrUnsupported. A bare 404
// cannot mean "not found" there: a router's "404 page not found" to an
// endpoint that only takes POSTs would tell the publisher that a post
// whose answer was lost does not exist, and it would publish it again.
//
// # Idempotency
//
// What a retry may do depends on what the endpoint promises (Promise):
//
//   - PromiseIdempotent, the default and the contract above: the
//     endpoint publishes each idempotency key once, also for requests
//     that overlap, and answers a repeat with 409 and the first post. The
//     channel declares cmkit.RetryIdempotent, and the publisher retries
//     after any ambiguous failure.
//   - PromiseLookup: the endpoint may publish a key twice but answers
//     lookups; the channel declares cmkit.RetryAfterLookup, and the
//     publisher looks before it retries.
//   - PromiseNone: after an ambiguous failure a person checks.
//
// The channel never lets net/http send a request a second time by itself
// (http.Transport resends some requests whose body it can rewind; see
// cmkit.ClassifyTransport): each attempt is the publisher's decision,
// signed anew. Had it done so, the receiver would have seen a byte-for-byte
// copy: the same Idempotency-Key, timestamp, delivery ID and signature.
// Receiver refuses it with 409 replayed when it has a SeenStore; without
// one the copy reaches the handler, which, keeping the contract above,
// answers the known key with 409 and the first post (TestNoNetHTTPResend,
// through cmkittest.ResendTrap).
//
// # Receiving
//
// Verify (or NewReceiver and Wrap) wraps the company's handler. It reads
// at most MaxBody bytes (413 past it), refuses a timestamp further than
// Tolerance (5 minutes) from its clock either way and any request whose
// signatures all fail, comparing MACs in constant time, with 401; with a
// SeenStore it refuses an exact copy of a request seen within the window
// with 409 "replayed". Only then does it decode the body and call the
// handler, which reads the verified request with DeliveryOf and answers
// with WritePublished and WriteError.
//
// # Rotating the secret
//
// A receiver takes two active secrets. To rotate: give the receiver the new
// secret next to the old one; give the channel the new one as Secret and
// the old one as PreviousSecret (each request then carries both
// signatures, so any receiver accepts it whichever it knows); once every
// receiver knows the new secret, drop the old one from both sides.
//
// # Rate limits and timeouts
//
// The channel does not throttle: the endpoint's 429 with Retry-After
// becomes a *cmkit.RateLimitError, and the publisher waits. Each request
// ends at the caller's context or after Config.Timeout (10 seconds),
// whichever comes first.
//
// # Secrets
//
// No error carries the secret, the previous secret, the URL's path or query
// (which may hold a token), or an endpoint's echo of any of them: errors
// name the endpoint by scheme and host, and replace each of them with
// [REDACTED], raw, escaped or quoted.
//
// # Not supported
//
// A webhook only pushes: reading mentions, searching, insights and follower
// counts need the platform to call cmkit, which this channel cannot do, so
// it does not implement MentionReader, Searcher, InsightsFetcher or
// FollowerCounter; nor Hider, which names a platform's moderation. Media
// travel by reference (Post.Media URLs); the endpoint fetches them.
//
// # Module
//
// The package is a nested module, github.com/cmkit/cmkit/adapters/webhook,
// although it needs nothing beyond the standard library: every adapter has
// one layout (adapters/NAME with its own go.mod), the root module keeps to
// its list of packages, and a company can vendor this one alone. In this
// repository its go.mod replaces the root with ../..; a released version
// requires a tagged root instead.
package webhook
