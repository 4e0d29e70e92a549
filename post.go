package cmkit

import (
	"encoding/json"
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
	// Title is the headline of platforms that have one apart from the text:
	// a YouTube video's title, a Pinterest pin's title, a blog post's
	// heading, an e-mail's subject. Limits.MaxTitle caps it; a platform
	// without titles (MaxTitle zero) refuses a non-empty one.
	Title string `json:"title,omitempty"`
	// ContentWarning is shown before the text, which stays hidden until the
	// reader opens it (Mastodon's spoiler_text, "CW"). Only platforms whose
	// Limits set ContentWarning accept one; Mastodon counts it toward
	// MaxLength together with the text.
	ContentWarning string `json:"content_warning,omitempty"`
	// Sensitive marks the media as sensitive, hidden behind a warning until
	// the reader reveals them (Mastodon's sensitive flag; a Bluesky adapter
	// may map it to a self-label). A platform without the notion ignores it.
	Sensitive bool `json:"sensitive,omitempty"`
	// Visibility says who may see the post; empty means public. Only the
	// visibilities in Limits.Visibilities are accepted, so that a post meant
	// for followers is never published to everyone by a platform that
	// cannot restrict it.
	Visibility Visibility `json:"visibility,omitempty"`
}

// Visibility says who may see a post. The empty Visibility is public.
type Visibility string

// The visibilities, as Mastodon names its four levels (a "private" status
// there is VisibilityFollowers here).
const (
	// VisibilityPublic is seen by anyone and listed in public timelines.
	VisibilityPublic Visibility = "public"
	// VisibilityUnlisted is seen by anyone with the link, but left out of
	// public timelines, hashtags and search.
	VisibilityUnlisted Visibility = "unlisted"
	// VisibilityFollowers is seen by the account's followers only.
	VisibilityFollowers Visibility = "followers"
	// VisibilityDirect is seen by the accounts mentioned in the text only.
	VisibilityDirect Visibility = "direct"
)

var visibilities = [...]Visibility{VisibilityPublic, VisibilityUnlisted, VisibilityFollowers, VisibilityDirect}

// Known reports whether v is empty or one of the constants above.
func (v Visibility) Known() bool { return v == "" || v.bit() != 0 }

// bit returns v's bit in a Visibilities set, or 0 for an unknown value.
// The empty Visibility is public.
func (v Visibility) bit() Visibilities {
	if v == "" {
		v = VisibilityPublic
	}
	for i, w := range visibilities {
		if v == w {
			return 1 << i
		}
	}
	return 0
}

// Visibilities is a set of Visibility values: those a platform accepts, in
// Limits.Visibilities. Public is always accepted, so the zero set means
// "public only". In JSON it is a list of names, ["public","unlisted"].
type Visibilities uint8

// VisibilitiesOf returns the set of vs; an unknown value is left out.
func VisibilitiesOf(vs ...Visibility) Visibilities {
	var s Visibilities
	for _, v := range vs {
		s |= v.bit()
	}
	return s &^ VisibilityPublic.bit() // public goes without saying
}

// Has reports whether s accepts v. Every set accepts public (and the empty
// Visibility); no set accepts an unknown value.
func (s Visibilities) Has(v Visibility) bool {
	b := v.bit()
	return b != 0 && (b == VisibilityPublic.bit() || s&b != 0)
}

// List returns the visibilities s accepts, public first.
func (s Visibilities) List() []Visibility {
	out := []Visibility{VisibilityPublic}
	for _, v := range visibilities[1:] {
		if s&v.bit() != 0 {
			out = append(out, v)
		}
	}
	return out
}

// MarshalJSON writes s as the list of its names, public included.
func (s Visibilities) MarshalJSON() ([]byte, error) {
	return json.Marshal(s.List())
}

// UnmarshalJSON reads a list of names; an unknown name is a
// *ValidationError (field "limits.visibilities", rule "unknown").
func (s *Visibilities) UnmarshalJSON(b []byte) error {
	var names []Visibility
	if err := json.Unmarshal(b, &names); err != nil {
		return err
	}
	var set Visibilities
	for _, v := range names {
		if v == "" || !v.Known() {
			return Invalid("limits.visibilities", "unknown", "%q: want public, unlisted, followers or direct", string(v))
		}
		set |= v.bit()
	}
	*s = set &^ VisibilityPublic.bit()
	return nil
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
