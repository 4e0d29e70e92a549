package webhook

import (
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/cmkit/cmkit"
)

// PayloadVersion is the version of the Payload this package sends. A
// change that a receiver written for one version could misread gets a new
// version; fields may be added within a version, and a receiver ignores
// fields it does not know.
const PayloadVersion = 1

// Payload is the JSON body of a publish: what the channel POSTs to the
// company's endpoint. In version 1 it reads
//
//	{
//	  "version": 1,
//	  "kind": "post",
//	  "channel_id": "acme-intranet",
//	  "platform": "intranet",
//	  "post": {"id": "0193...", "text": "...", "in_reply_to": "...", ...},
//	  "sent_at": "2026-11-23T08:00:00Z",
//	  "delivery_id": "9f86d081884c7d659a2feaa0c55ad015"
//	}
//
// where post is a cmkit.Post with its JSON field names (id, text, media,
// language, in_reply_to, title, content_warning, sensitive, visibility). A
// post that continues a thread or answers a mention has in_reply_to set to
// the platform ID of what it answers.
type Payload struct {
	// Version is PayloadVersion.
	Version int `json:"version"`
	// Kind says what the post is: PayloadPost, PayloadReply or PayloadThread.
	Kind string `json:"kind"`
	// ChannelID is the cmkit channel that publishes (ChannelInfo.ID).
	ChannelID string `json:"channel_id"`
	// Platform is the channel's platform name (ChannelInfo.Platform).
	Platform cmkit.Platform `json:"platform"`
	// Post is the post to publish. Post.ID is also the idempotency key.
	Post cmkit.Post `json:"post"`
	// SentAt is when this attempt was sent; each retry sends a new one.
	SentAt time.Time `json:"sent_at"`
	// DeliveryID is random and new for each attempt, so that two attempts
	// never have one signature and a replay store tells a copy of one
	// attempt (a replay) from a retry (which the endpoint deduplicates on
	// Post.ID).
	DeliveryID string `json:"delivery_id"`
}

// The kinds of Payload.
const (
	// PayloadPost is a post of its own (Publish).
	PayloadPost = "post"
	// PayloadReply answers a mention, named by post.in_reply_to (Reply).
	PayloadReply = "reply"
	// PayloadThread continues one of the account's posts, named by
	// post.in_reply_to, as the next part of a thread (PublishReply).
	PayloadThread = "thread"
)

// Published is the JSON body of the endpoint's answer to a publish (a 2xx,
// or a 409 for a post already published) and to a lookup (a 200):
//
//	{"platform_id": "1234", "url": "https://...", "published_at": "2026-11-23T08:00:01Z"}
//
// PlatformID is required; URL and PublishedAt may be left out (the channel
// then uses the time it got the answer).
type Published struct {
	// PlatformID is the platform's ID for the post: what Delete takes.
	PlatformID string `json:"platform_id"`
	// URL is the post's public address, if it has one.
	URL string `json:"url,omitempty"`
	// PublishedAt is when the post went out.
	PublishedAt time.Time `json:"published_at,omitzero"`
}

// Error codes of the JSON error body {"error": "code", "message": "..."}
// the receiver helper writes and the channel reads. A company's endpoint
// may send other codes; the channel reads only these.
const (
	// CodeNotFound, with a 404, says that the post asked for certainly does
	// not exist (FindPost, Delete). A 404 without it means the endpoint
	// does not serve that request (unsupported).
	CodeNotFound = "not_found"
	// CodeReplayed, with a 409, says that the receiver has seen this exact
	// signed request before.
	CodeReplayed = "replayed"
	// CodeBadSignature, with a 401, says that no signature matched.
	CodeBadSignature = "bad_signature"
	// CodeStaleTimestamp, with a 401, says that the timestamp is missing,
	// malformed or outside the tolerance window.
	CodeStaleTimestamp = "stale_timestamp"
	// CodeTooLarge, with a 413, says that the body is over the limit.
	CodeTooLarge = "too_large"
	// CodeBadRequest, with a 400, says that the request could not be read
	// (or, with a 405, that its method is not one of the contract's).
	CodeBadRequest = "bad_request"
	// CodeUnavailable, with a 503, says that the receiver could not check
	// the request (its SeenStore failed); nothing was applied.
	CodeUnavailable = "unavailable"
)

// ErrorBody is the JSON body of an error answer.
type ErrorBody struct {
	// Code is a short stable token, such as CodeNotFound.
	Code string `json:"error"`
	// Message explains the error to a person; it may be empty.
	Message string `json:"message,omitempty"`
}

// WritePublished answers a publish or a lookup: status (200 or 201 for a
// new post, 409 for one already published, 200 for a lookup) and p as JSON.
func WritePublished(w http.ResponseWriter, status int, p Published) {
	writeJSON(w, status, p)
}

// WriteError answers with status and the JSON error body {"error": code,
// "message": message}. Use CodeNotFound with 404 for "that post does not
// exist", and 501 for a request the endpoint does not support.
func WriteError(w http.ResponseWriter, status int, code, message string) {
	writeJSON(w, status, ErrorBody{Code: code, Message: message})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil { // the types above always marshal
		http.Error(w, "cannot encode the answer", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(b) //nolint:errcheck // the client sees a short body
}

// readLimited reads at most limit bytes of r, and reports whether r held
// more.
func readLimited(r io.Reader, limit int64) (b []byte, over bool, err error) {
	b, err = io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(b)) > limit {
		return b[:limit], true, err
	}
	return b, false, err
}
