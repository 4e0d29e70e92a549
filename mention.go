package cmkit

import "time"

// MentionKind says how a Mention reached the account.
type MentionKind string

// The mention kinds.
const (
	// KindComment is a comment on one of the account's posts.
	KindComment MentionKind = "comment"
	// KindReply is a reply to one of the account's comments or replies.
	KindReply MentionKind = "reply"
	// KindMention is a post elsewhere that names the account (@handle).
	KindMention MentionKind = "mention"
	// KindDirectMessage is a private message to the account.
	KindDirectMessage MentionKind = "direct-message"
	// KindReview is a rating or review of the brand's page or product.
	KindReview MentionKind = "review"
)

// Mention is something a person said to or about an account: the item a
// community manager reads, answers, hides or routes.
type Mention struct {
	// ID is the platform's ID for the item, unique within its channel.
	ID string `json:"id"`
	// ChannelID is the channel it arrived on.
	ChannelID string `json:"channel_id"`
	// Kind says how it arrived.
	Kind MentionKind `json:"kind"`
	// Author is who wrote it.
	Author Author `json:"author"`
	// Text is what they wrote, as the platform delivered it.
	Text string `json:"text"`
	// Language is the BCP 47 tag of Text, as the platform detected it
	// (empty when it did not).
	Language string `json:"language,omitempty"`
	// URL is the item's public address, when it has one.
	URL string `json:"url,omitempty"`
	// InReplyTo is the platform ID of the post or mention it answers.
	InReplyTo string `json:"in_reply_to,omitempty"`
	// ThreadID is the platform's ID for the thread the item belongs to
	// (the top-level comment or post it hangs under), when the platform
	// reports one; the inbox groups items of one thread into one
	// conversation. Empty when unknown.
	ThreadID string `json:"thread_id,omitempty"`
	// Rating is a review's score on the platform's scale (0 when none).
	Rating float64 `json:"rating,omitempty"`
	// Reactions is how many reactions (likes, favourites, boosts) the
	// item had when it was read, when the platform reports them.
	Reactions int64 `json:"reactions,omitempty"`
	// CreatedAt is when the author posted it.
	CreatedAt time.Time `json:"created_at"`
	// EditedAt is when the author last edited it; zero when never. A
	// reader delivers an edited item again, with the same ID and a later
	// EditedAt, so that the edit can be judged like a new item.
	EditedAt time.Time `json:"edited_at,omitzero"`
}

// Author is the person or account behind a Mention. Moderation weighs new
// accounts and few followers; opinion-leader detection weighs the opposite.
type Author struct {
	// ID is the platform's ID for the account.
	ID string `json:"id"`
	// Handle is the account's public name, without "@".
	Handle string `json:"handle"`
	// DisplayName is the name the account shows.
	DisplayName string `json:"display_name,omitempty"`
	// Followers is how many accounts follow it, when known.
	Followers int64 `json:"followers,omitempty"`
	// Verified reports whether the platform marks it as verified.
	Verified bool `json:"verified,omitempty"`
	// CreatedAt is when the account was created, when known.
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// Cursor is an opaque position in a channel's stream of mentions, made by
// the adapter. Store it as is; the zero Cursor means "from the start".
type Cursor string

// MentionPage is one answer of MentionReader.ReadMentions.
type MentionPage struct {
	// Mentions are the new items, oldest first.
	Mentions []Mention `json:"mentions"`
	// Next is the cursor to resume after the last item of Mentions.
	Next Cursor `json:"next"`
}
