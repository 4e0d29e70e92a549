package bluesky

import (
	"context"
	"strings"
	"unicode/utf8"

	// The root module's internal packages: Go's internal rule is by import
	// path (github.com/cmkit/cmkit/adapters/bluesky is under
	// github.com/cmkit/cmkit), not by module, so this nested module may
	// import them, and facets use the very rules cmkit counts with.
	"github.com/cmkit/cmkit/internal/entity"
	"github.com/cmkit/cmkit/internal/grapheme"
)

// The facet feature types of app.bsky.richtext.facet
// (bluesky-social/atproto lexicons/app/bsky/richtext/facet.json).
const (
	featureLink    = "app.bsky.richtext.facet#link"
	featureMention = "app.bsky.richtext.facet#mention"
	featureTag     = "app.bsky.richtext.facet#tag"
)

// maxTagGraphemes is the longest tag a #tag feature takes: "maxGraphemes":
// 64 (and "maxLength": 640 bytes) in app.bsky.richtext.facet#tag.
const (
	maxTagGraphemes = 64
	maxTagBytes     = 640
)

// facet is one app.bsky.richtext.facet: a byte range of the text's UTF-8
// (byteStart inclusive, byteEnd exclusive) and what it means.
type facet struct {
	Index    byteSlice `json:"index"`
	Features []feature `json:"features"`
}

// byteSlice is app.bsky.richtext.facet#byteSlice.
type byteSlice struct {
	ByteStart int `json:"byteStart"`
	ByteEnd   int `json:"byteEnd"`
}

// feature is one facet feature: a link (URI), a mention (Did) or a tag.
type feature struct {
	Type string `json:"$type"`
	URI  string `json:"uri,omitempty"`
	DID  string `json:"did,omitempty"`
	Tag  string `json:"tag,omitempty"`
}

// resolver resolves a handle to a DID. It answers "" and no error for a
// handle that does not exist, and an error when it cannot tell.
type resolver func(ctx context.Context, handle string) (did string, err error)

// facets returns the facets of text, from cmkit's entity extraction
// (internal/entity, the rules cmkit counts and checks with), in text order:
//
//   - a link becomes #link with its URI, "https://" added when it was
//     written without a scheme;
//   - a mention "@handle" becomes #mention with the handle's DID, when
//     resolve finds one; a handle without a dot (no Bluesky handle), a
//     fediverse "@user@server" and a handle that does not resolve stay
//     plain text, as the Bluesky app leaves them;
//   - a hashtag becomes #tag with the tag without its "#" (or "＃"), when
//     it keeps the tag's 64-grapheme, 640-byte limit.
//
// Cashtags stay plain text: the facet lexicon has no feature for them.
// Offsets are byte offsets into text's UTF-8, which is what byteStart and
// byteEnd count, so they are entity's offsets unchanged.
func facets(ctx context.Context, text string, resolve resolver) ([]facet, error) {
	var out []facet
	for from := 0; ; {
		e, ok := entity.Next(text, from)
		if !ok {
			return out, nil
		}
		from = e.End
		s := text[e.Start:e.End]
		var f feature
		switch e.Kind {
		case entity.URL:
			uri := s
			if !hasScheme(s) {
				uri = "https://" + s
			}
			f = feature{Type: featureLink, URI: uri}
		case entity.Mention:
			_, n := utf8.DecodeRuneInString(s) // "@" or "＠"
			handle := s[n:]
			if e.LocalEnd != e.End || !strings.Contains(handle, ".") {
				continue
			}
			did, err := resolve(ctx, handle)
			if err != nil {
				return nil, err
			}
			if did == "" {
				continue
			}
			f = feature{Type: featureMention, DID: did}
		case entity.Hashtag:
			_, n := utf8.DecodeRuneInString(s)
			tag := s[n:]
			if len(tag) > maxTagBytes || grapheme.Count(tag) > maxTagGraphemes {
				continue
			}
			f = feature{Type: featureTag, Tag: tag}
		default:
			continue
		}
		out = append(out, facet{Index: byteSlice{ByteStart: e.Start, ByteEnd: e.End}, Features: []feature{f}})
	}
}

// hasScheme reports whether a link was written with "http://" or
// "https://", in any case.
func hasScheme(s string) bool {
	return len(s) >= 7 && strings.EqualFold(s[:7], "http://") || len(s) >= 8 && strings.EqualFold(s[:8], "https://")
}
