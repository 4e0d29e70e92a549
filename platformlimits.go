package cmkit

// PlatformLimits returns the limits of one post on a well-known platform,
// and false for any other platform (a product describes its own with a
// Limits value; see Limits). Blog, Forum and Email have no limits: the zero
// Limits with ok true.
//
// Each figure names its source and the date it was checked. Platforms change
// their limits; an account may also have larger ones (X Premium, a Mastodon
// server configured otherwise), which its channel adapter reports in
// ChannelInfo.Limits instead.
func PlatformLimits(p Platform) (l Limits, ok bool) {
	switch p {
	case X:
		// 280 weighted characters, every link 23 (t.co): twitter-text v3
		// configuration (maxWeightedTweetLength 280, scale 100,
		// defaultWeight 200, transformedURLLength 23, weight-1 ranges
		// 0-4351, 8192-8205, 8208-8223, 8242-8247, emoji parsing on) and
		// https://docs.x.com/resources/fundamentals/counting-characters;
		// 4 images per post: X API v2 POST /2/tweets media.media_ids
		// (maximum 4). Checked 2026-11-23. A text holding U+FFFE, U+FEFF
		// or U+FFFF is invalid: twitter-text's parseTweet (valid false
		// when the text contains invalid characters; the list
		// INVALID_CHARS in its regexp sources). No titles. Checked
		// 2026-12-02.
		return Limits{MaxLength: 280, Counting: CountWeighted, URLLength: 23, MaxMedia: 4,
			Forbidden: "\uFFFE\uFEFF\uFFFF", NoTitle: true}, true
	case Bluesky:
		// 300 grapheme clusters and 3000 bytes of UTF-8: lexicon
		// app.bsky.feed.post, text {"maxLength": 3000, "maxGraphemes": 300}
		// (bluesky-social/atproto lexicons/app/bsky/feed/post.json); 4 images:
		// app.bsky.embed.images maxLength 4. Links count as written.
		// Checked 2026-11-23.
		// A post has no title, no content warning (self-labels are not
		// text) and no restricted audience.
		return Limits{MaxLength: 300, Counting: CountGraphemes, MaxBytes: 3000, MaxMedia: 4, NoTitle: true}, true
	case Mastodon:
		// 500 characters by default (configurable per server, reported by
		// GET /api/v2/instance configuration.statuses.max_characters),
		// counted as grapheme clusters (mb_chars.grapheme_length) with every
		// link replaced by 23 "x" and a remote mention "@user@domain" by
		// "@user": mastodon/mastodon app/validators/status_length_validator.rb
		// and the content warning (spoiler_text) counted with the text;
		// 4 media (max_media_attachments): docs.joinmastodon.org/user/posting
		// and the instance API entity. Checked 2026-11-23. Only links
		// written with a scheme count 23: the validator extracts URLs with
		// extract_url_without_protocol false (status_length_validator.rb).
		// Visibilities public, unlisted, private (followers) and direct:
		// POST /api/v1/statuses, parameter visibility
		// (docs.joinmastodon.org/methods/statuses). Checked 2026-12-02.
		return Limits{MaxLength: 500, Counting: CountGraphemes, URLLength: 23, MentionLocalPart: true, LinksNeedScheme: true,
			MaxMedia: 4, ContentWarning: true, NoTitle: true,
			Visibilities: VisibilitiesOf(VisibilityUnlisted, VisibilityFollowers, VisibilityDirect)}, true
	case Threads:
		// 500 characters, emoji counted by their UTF-8 byte length:
		// developers.facebook.com/docs/threads/create-posts ("Text posts
		// are limited to 500 characters") and issue 4 for the emoji rule;
		// 1 hashtag (topic tag) per post: ayrshare.com Threads API docs;
		// at most 5 unique links since 2025-12-22, the same link repeated
		// counting once (THREADS_API__LINK_LIMIT_EXCEEDED,
		// developers.facebook.com/documentation/threads/create-posts/text-attachments);
		// carousels of up to 20 items: ayrshare.com Threads API docs.
		// Checked 2026-11-23.
		return Limits{MaxLength: 500, Counting: CountEmojiBytes, MaxHashtags: 1, MaxLinks: 5, MaxMedia: 20, NoTitle: true}, true
	case Instagram:
		// Captions of 2,200 characters (UTF-16 units, as Meta's APIs
		// count), 30 hashtags and 20 @ tags: Instagram Graph API reference,
		// IG User Media, parameter caption ("Maximum 2200 characters, 30
		// hashtags, and 20 @ tags",
		// developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media).
		// Third-party schedulers that apply 5 hashtags follow Instagram's
		// advice, not the API's limit. Carousels of 10 items (the same
		// reference, children). Checked 2026-12-02.
		return Limits{MaxLength: 2200, Counting: CountUTF16, MaxHashtags: 30, MaxMentions: 20, MaxMedia: 10, NoTitle: true}, true
	case LinkedIn:
		// 3,000 characters (UTF-16 units) per post: developers.buffer.com
		// /guides/character-limits.md; 20 images in a multi-image post:
		// LinkedIn Posts API MultiImage (2 to 20 images). Checked 2026-11-23.
		return Limits{MaxLength: 3000, Counting: CountUTF16, MaxMedia: 20, NoTitle: true}, true
	case TikTok:
		// 2,200 characters for a caption with a video (4,000 for photo and
		// text posts): developers.buffer.com/guides/character-limits.md;
		// the smaller figure, so that every post kind fits; 35 images in a
		// photo post: TikTok Content Posting API photo_images. Checked
		// 2026-11-23.
		return Limits{MaxLength: 2200, Counting: CountUTF16, MaxMedia: 35}, true
	case YouTube:
		// Video descriptions of 5,000 bytes of UTF-8 and titles of 100
		// characters, neither with "<" or ">": YouTube Data API, videos
		// resource, snippet.description ("maximum length of 5000 bytes and
		// may contain all valid UTF-8 characters except < and >") and
		// snippet.title ("maximum length of 100 characters ... except <
		// and >"), developers.google.com/youtube/v3/docs/videos. More than
		// 60 hashtags make YouTube ignore every hashtag of the video, so
		// MaxHashtags is 60 and a 61st is a finding, not a silent loss:
		// YouTube Help, "Use hashtags for YouTube videos",
		// support.google.com/youtube/answer/6390658 ("Don't over-tag"). The
		// visibilities of videos.insert's status.privacyStatus: public,
		// unlisted, private (private means invited people, not followers,
		// so it is not offered). One video per post. Checked 2026-12-02.
		return Limits{MaxLength: 5000, Counting: CountCodePoints, MaxBytes: 5000, MaxHashtags: 60, MaxMedia: 1,
			MaxTitle: 100, Forbidden: "<>", Visibilities: VisibilitiesOf(VisibilityUnlisted)}, true
	case Pinterest:
		// Pin descriptions of 800 characters and titles of 100: Pinterest
		// API v5 OpenAPI specification, PinCreate description maxLength
		// 800 and title maxLength 100 (developers.pinterest.com/docs/api/v5,
		// pins/create; github.com/pinterest/api-description). Buffer's 500
		// is the figure Pinterest's app shows, not the API's. Carousels of
		// up to 5 images. Checked 2026-12-02.
		return Limits{MaxLength: 800, Counting: CountUTF16, MaxMedia: 5, MaxTitle: 100}, true
	case Facebook:
		// Page posts of 63,206 characters (UTF-16 units), the figure Meta's
		// composer enforces; Buffer applies 5,000
		// (developers.buffer.com/guides/character-limits.md), which is a
		// Buffer choice, not Facebook's; 10 photos per API multi-photo
		// post is a common practice, not a documented cap, so media are
		// left unlimited. Checked 2026-11-23.
		return Limits{MaxLength: 63206, Counting: CountUTF16, NoTitle: true}, true
	case Blog, Forum, Email:
		return Limits{}, true
	}
	return Limits{}, false
}
