package cmkit

import (
	"strings"
	"unicode/utf8"
)

// Platform names a social platform or publishing medium. The well-known ones
// are constants; a product adds its own simply by naming it
// (Platform("intranet")), as long as the name passes ParsePlatform's rules.
// The zero Platform is not valid.
type Platform string

// The well-known platforms.
const (
	X         Platform = "x"
	Facebook  Platform = "facebook"
	Instagram Platform = "instagram"
	LinkedIn  Platform = "linkedin"
	TikTok    Platform = "tiktok"
	YouTube   Platform = "youtube"
	Threads   Platform = "threads"
	Mastodon  Platform = "mastodon"
	Bluesky   Platform = "bluesky"
	Pinterest Platform = "pinterest"
	Blog      Platform = "blog"
	Forum     Platform = "forum"
	Email     Platform = "email"
)

var wellKnown = []Platform{X, Facebook, Instagram, LinkedIn, TikTok, YouTube,
	Threads, Mastodon, Bluesky, Pinterest, Blog, Forum, Email}

// Platforms returns the well-known platforms, in a fixed order. The caller
// owns the returned slice.
func Platforms() []Platform {
	return append([]Platform(nil), wellKnown...)
}

// maxPlatformLen bounds a custom platform name.
const maxPlatformLen = 64

// ParsePlatform reads a platform name as a person writes it in a
// configuration file: case and surrounding space are ignored, "twitter" is
// read as X. A custom name must be 1 to 64 characters of lower-case ASCII
// letters, digits, '-', '_' or '.', starting with a letter. Anything else is
// a *ValidationError (field "platform", rule "format").
func ParsePlatform(s string) (Platform, error) {
	p := Platform(strings.ToLower(strings.TrimSpace(s)))
	if p == "twitter" {
		return X, nil
	}
	if err := p.Validate(); err != nil {
		return "", err
	}
	return p, nil
}

// Validate reports whether p is a usable platform name (see ParsePlatform);
// the error names the field "platform" and the rule "required" or "format".
func (p Platform) Validate() error {
	if p == "" {
		return Invalid("platform", "required", "")
	}
	if len(p) > maxPlatformLen {
		return Invalid("platform", "format", "longer than %d bytes", maxPlatformLen)
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c >= 'a' && c <= 'z':
		case i > 0 && (c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'):
		default:
			return Invalid("platform", "format",
				"%q: use lower-case letters, digits, '-', '_' or '.', starting with a letter", string(p))
		}
	}
	return nil
}

// WellKnown reports whether p is one of the constants of this package.
func (p Platform) WellKnown() bool {
	for _, w := range wellKnown {
		if p == w {
			return true
		}
	}
	return false
}

// String returns the platform's name.
func (p Platform) String() string { return string(p) }

// Counting names how a platform measures the length of a text. Platforms
// disagree, and counting the wrong way is the first reason scheduled posts
// are rejected: X weighs characters, Bluesky counts grapheme clusters,
// Threads counts UTF-8 bytes of emoji. The constants below are the methods
// cmkit knows; a product may name its own.
type Counting string

// The counting methods.
const (
	// CountCodePoints counts Unicode code points (runes).
	CountCodePoints Counting = "code-points"
	// CountGraphemes counts extended grapheme clusters (UAX #29), what a
	// person sees as one character: a flag or a family emoji counts 1.
	CountGraphemes Counting = "graphemes"
	// CountWeighted counts as X does: most Latin text weighs 1, CJK and
	// emoji 2, and the limit is expressed in those weights.
	CountWeighted Counting = "weighted"
	// CountUTF16 counts UTF-16 code units, as JavaScript's String.length.
	CountUTF16 Counting = "utf16"
	// CountBytes counts UTF-8 bytes.
	CountBytes Counting = "bytes"
	// CountEmojiBytes counts code points, except that an emoji (a whole
	// grapheme cluster) counts its UTF-8 length in bytes, as Threads does.
	CountEmojiBytes Counting = "emoji-bytes"
)

// Known reports whether c is one of the counting methods of this package.
// The empty Counting is known too: it counts code points.
func (c Counting) Known() bool {
	switch c {
	case "", CountCodePoints, CountGraphemes, CountWeighted, CountUTF16, CountBytes, CountEmojiBytes:
		return true
	}
	return false
}

// Limits describes what a channel accepts in one post. A zero number means
// "no limit". Limits are given in the platform's own units (see Counting).
//
// PlatformLimits returns the limits of each well-known platform. A product
// describes its own platform with a Limits value of its own, and when none of
// the Counting methods fits, sets Counter: there is no global registry.
//
// Count measures a text, CheckText and CheckPost report which limits a text
// or post breaks (by how much, and where to cut), Truncate shortens a text
// to fit and SplitThread breaks it into a numbered thread. All of them count
// the way the platform does: links count URLLength, a fediverse mention
// counts its local part where MentionLocalPart is set, and the rest is
// measured with Counting.
type Limits struct {
	// MaxLength is the longest text accepted, measured with Counting.
	MaxLength int `json:"max_length,omitempty"`
	// Counting says how the platform measures MaxLength.
	Counting Counting `json:"counting,omitempty"`
	// URLLength is the length every link counts as, whatever its real
	// length (23 on X and Mastodon). Zero means links count as written.
	URLLength int `json:"url_length,omitempty"`
	// MaxBytes caps the UTF-8 size of the text on platforms that also
	// limit bytes (Bluesky).
	MaxBytes int `json:"max_bytes,omitempty"`
	// MaxHashtags caps the number of hashtags.
	MaxHashtags int `json:"max_hashtags,omitempty"`
	// MaxMentions caps the number of @mentions.
	MaxMentions int `json:"max_mentions,omitempty"`
	// MaxMedia caps the number of attached media.
	MaxMedia int `json:"max_media,omitempty"`
	// MaxLinks caps the number of distinct links in the text: the same
	// link written twice counts once, as Threads counts its limit of 5.
	MaxLinks int `json:"max_links,omitempty"`
	// MaxTitle caps Post.Title, measured with Counting (links and mentions
	// count as written); zero means no limit.
	MaxTitle int `json:"max_title,omitempty"`
	// NoTitle says the platform shows no title apart from the text (X,
	// Mastodon, Instagram...): a post with a Title breaks the rule "title"
	// rather than lose it silently.
	NoTitle bool `json:"no_title,omitempty"`
	// Forbidden lists characters the platform refuses anywhere in a post's
	// text, title or content warning: "<>" on YouTube, the noncharacters
	// U+FFFE and U+FFFF and the byte-order mark U+FEFF on X.
	Forbidden string `json:"forbidden,omitempty"`
	// ContentWarning says the platform accepts Post.ContentWarning and
	// counts it toward MaxLength together with the text, as Mastodon does.
	// Without it a post with a content warning breaks the rule
	// "content_warning".
	ContentWarning bool `json:"content_warning,omitempty"`
	// Visibilities lists who a post may be restricted to (Mastodon:
	// unlisted, followers, direct). Public is always accepted; a post whose
	// Post.Visibility is not in the set breaks the rule "visibility".
	Visibilities Visibilities `json:"visibilities,omitempty"`
	// MentionLocalPart makes a fediverse mention ("@user@instance.social")
	// count as its local part ("@user"), as Mastodon does.
	MentionLocalPart bool `json:"mention_local_part,omitempty"`
	// LinksNeedScheme makes only links written with a scheme
	// ("https://…") count as links, as Mastodon does: "example.com/a"
	// then counts as written.
	LinksNeedScheme bool `json:"links_need_scheme,omitempty"`
	// Counter, when set, measures MaxLength instead of Counting, URLLength
	// and MentionLocalPart: the hook for a platform whose rule is none of
	// the Counting methods. It is not serialized. Limits (and ChannelInfo)
	// holding a CounterFunc must not be compared with ==, which panics on
	// func values; compare the other fields.
	Counter Counter `json:"-"`
}

// Validate reports a *ValidationError for a negative number (field
// "limits.FIELD", rule "non_negative"), for Forbidden characters that are
// not valid UTF-8 (field "limits.forbidden", rule "utf8"), for a
// Visibilities set with bits that name no visibility (field
// "limits.visibilities", rule "unknown"), or for a Counting that cmkit does
// not know while Counter is nil (field "limits.counting", rule "unknown").
func (l Limits) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{
		{"limits.max_length", l.MaxLength}, {"limits.url_length", l.URLLength},
		{"limits.max_bytes", l.MaxBytes}, {"limits.max_hashtags", l.MaxHashtags},
		{"limits.max_mentions", l.MaxMentions}, {"limits.max_media", l.MaxMedia},
		{"limits.max_links", l.MaxLinks}, {"limits.max_title", l.MaxTitle},
	} {
		if f.v < 0 {
			return Invalid(f.name, "non_negative", "got %d", f.v)
		}
	}
	if !utf8.ValidString(l.Forbidden) {
		return Invalid("limits.forbidden", "utf8", "%q is not valid UTF-8", l.Forbidden)
	}
	if l.Visibilities&^VisibilitiesOf(visibilities[:]...) != 0 {
		return Invalid("limits.visibilities", "unknown", "bits %#x name no visibility", uint8(l.Visibilities))
	}
	if l.Counter == nil && !l.Counting.Known() {
		return Invalid("limits.counting", "unknown",
			"%q is not a counting method of cmkit; set Limits.Counter to count it", string(l.Counting))
	}
	return nil
}
