package cmkit

import (
	"time"

	"github.com/google/uuid"
)

// NewID returns a new version 7 UUID. Version 7 IDs sort by creation time,
// so stores can index them as they come. Every cmkit type that cmkit itself
// creates (posts, calendar entries, incidents) is identified this way; IDs
// that a platform assigns (Receipt.PlatformID, Mention.ID) are kept as the
// platform's strings.
func NewID() uuid.UUID {
	// NewV7 fails only if the system's random source fails, which the Go
	// runtime treats as fatal since Go 1.24.
	return uuid.Must(uuid.NewV7())
}

// Post is one piece of content as sent to one channel. The calendar keeps
// one Post per channel an entry targets (a "variant"), since limits and tone
// differ between platforms.
type Post struct {
	// ID identifies this post on this channel. A channel that declares
	// RetryIdempotent publishes each ID at most once.
	ID uuid.UUID `json:"id"`
	// Text is the body, links and hashtags included, in the platform's
	// syntax.
	Text string `json:"text"`
	// Media lists attachments, in display order.
	Media []Media `json:"media,omitempty"`
	// Language is the BCP 47 tag of Text ("en", "es", "pl").
	Language string `json:"language,omitempty"`
	// InReplyTo is the platform ID of the post or mention this one answers,
	// for threads and replies; empty for a top-level post.
	InReplyTo string `json:"in_reply_to,omitempty"`
}

// Clone returns a copy of p that shares no memory with it.
func (p Post) Clone() Post {
	if p.Media != nil {
		p.Media = append([]Media(nil), p.Media...)
	}
	return p
}

// MediaKind says what a Media reference points at.
type MediaKind string

// The media kinds.
const (
	MediaImage    MediaKind = "image"
	MediaVideo    MediaKind = "video"
	MediaGIF      MediaKind = "gif"
	MediaAudio    MediaKind = "audio"
	MediaDocument MediaKind = "document"
)

// Media references an attachment kept elsewhere (a CDN, the product's asset
// library). cmkit never holds media bytes; adapters fetch or upload them.
type Media struct {
	// Kind is what the file is.
	Kind MediaKind `json:"kind"`
	// URL locates the file for the adapter.
	URL string `json:"url"`
	// AltText describes the media for people who cannot see it. Style
	// guides usually require it.
	AltText string `json:"alt_text,omitempty"`
	// MIMEType is the file's type ("image/png"), when known.
	MIMEType string `json:"mime_type,omitempty"`
	// Size is the file's size in bytes, when known.
	Size int64 `json:"size,omitempty"`
}

// Receipt is the platform's acknowledgement of a published post or reply.
type Receipt struct {
	// PostID is the cmkit Post.ID that was published.
	PostID uuid.UUID `json:"post_id"`
	// ChannelID is the channel that published it.
	ChannelID string `json:"channel_id"`
	// PlatformID is the platform's own ID for the post: what Deleter and
	// InsightsFetcher take.
	PlatformID string `json:"platform_id"`
	// URL is the post's public address, when the platform gives one.
	URL string `json:"url,omitempty"`
	// PublishedAt is when the platform says the post went out.
	PublishedAt time.Time `json:"published_at"`
}
