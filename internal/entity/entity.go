// Package entity finds the entities platforms treat specially in a post:
// links, hashtags, mentions and cashtags, with their byte offsets.
//
// # Concepts
//
// Extract appends the entities of a text to a caller's slice, in order and
// without overlaps, in one pass that allocates nothing once the slice has
// room. Offsets are byte offsets into the text.
//
// The rules are twitter-text's (github.com/twitter/twitter-text, v3: the
// regular expressions of js/src/regexp and extractUrlsWithIndices.js, the
// best published reference, used for every platform), read here by hand in
// one pass:
//
//   - URL: an optional "http://" or "https://", a host of labels (domain
//     characters, that is anything but ASCII punctuation, spaces and
//     directional marks, with inner "-"; subdomains may also hold "_") and
//     a top-level domain from twitter-text's lists (tlds.go, generated from
//     its tld_lib.yml) or a punycode one, followed by no ASCII letter,
//     digit, "@", "+" or "-"; then a port, a path (ASCII letters and
//     digits, Cyrillic and accented Latin letters, some punctuation and
//     balanced parentheses, ending with a letter, digit, "/", "+", "-",
//     "=", "_", "#" or ")") and a query. It follows no ASCII letter or
//     digit, "@", "$" or "#"; a link without a scheme follows no "-", "_",
//     "." or "/" either, and only its ASCII hosts are links ("example.com"
//     in "見てexample.com"), the last one keeping the path. Each label is
//     at most 63 characters once punycode-encoded, and a link, with its
//     scheme ("https://" when none is written) and its host
//     punycode-encoded, at most 4096 UTF-16 code units. A t.co link ends
//     after its slug of at most 40 characters. "john.doe.gov@mail.com" is
//     no link. With Rules.SchemeOnly (Mastodon), a link needs its scheme.
//   - Hashtag: "#" after a non-word character, then letters, digits, marks
//     and "_" of any script, with at least one letter ("#Promoción",
//     "#Zniżki2024"; not "#123").
//   - Mention: "@" after a non-word character, then a handle of ASCII
//     letters, digits and "_", with inner "." and "-" (Bluesky handles such
//     as "@alice.bsky.social"), optionally followed by "@" and a fediverse
//     domain as Mastodon reads it (word characters joined by "." and "-",
//     at most 253 characters); LocalEnd marks where the local part ends. A
//     handle followed by "@" and no such domain is no mention.
//   - Cashtag: "$" after a non-word character, then 1 to 6 ASCII letters,
//     optionally "." or "_" and 1 or 2 letters ("$TSLA", "$BRK.A"); not "$100".
//
// Entities do not overlap: the one that starts first wins, as in
// twitter-text's removeOverlappingEntities. Next reads links as the
// regular expression's scan does, so that a link match that yields no
// link (an invalid one, or the text around the ASCII hosts of one without
// a scheme) still hides what lies inside it.
package entity

import (
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/grapheme"
)

// Kind says what an entity is.
type Kind uint8

// The entity kinds.
const (
	URL Kind = iota + 1
	Hashtag
	Mention
	Cashtag
)

// String returns "url", "hashtag", "mention" or "cashtag".
func (k Kind) String() string {
	switch k {
	case URL:
		return "url"
	case Hashtag:
		return "hashtag"
	case Mention:
		return "mention"
	case Cashtag:
		return "cashtag"
	}
	return "unknown"
}

// Entity is one entity of a text: s[Start:End].
type Entity struct {
	Kind       Kind
	Start, End int
	// LocalEnd is where the local part of a fediverse mention ends
	// ("@user" in "@user@instance.social"); End for every other entity.
	LocalEnd int
}

// hasSpecial reports whether any byte of the word w is special: for each
// special byte c, (x - 0x01..01) &^ x & 0x80..80 with x = w ^ c*0x01..01 is
// nonzero exactly when some byte of w equals c.
func hasSpecial(w uint64) bool {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	x1, x2, x3, x4 := w^('#'*lo), w^('$'*lo), w^('@'*lo), w^('.'*lo)
	return ((x1-lo)&^x1|(x2-lo)&^x2|(x3-lo)&^x3|(x4-lo)&^x4)&hi != 0
}

// Rules are the variants of the rules that platforms apply. The zero
// Rules are twitter-text's, which the package-level Extract and Next use.
type Rules struct {
	// SchemeOnly makes only links written with a scheme ("https://...")
	// links, as Mastodon extracts them (extract_url_without_protocol:
	// false); "example.com/a" is then plain text. A link written without
	// one still ends where twitter-text would end it, so what follows is
	// read the same way.
	SchemeOnly bool
}

// Extract appends the entities of s to dst, in order, and returns it.
func Extract(dst []Entity, s string) []Entity { return Rules{}.Extract(dst, s) }

// Next returns the first entity of s that starts at or after from, as if s
// had been scanned by Extract from the start; ok is false when there is
// none. Calling Next again from the returned End walks all entities without
// allocating. from must be 0, the End of an entity Next returned, or the
// position of a space.
func Next(s string, from int) (e Entity, ok bool) { return Rules{}.Next(s, from) }

// Extract appends the entities of s under the rules r to dst, in order,
// and returns it.
func (r Rules) Extract(dst []Entity, s string) []Entity {
	for from := 0; ; {
		e, ok := r.Next(s, from)
		if !ok {
			return dst
		}
		dst = append(dst, e)
		from = e.End
	}
}

// maxResync bounds how far back Next looks for where twitter-text's link
// scan stood at from (see resync).
const (
	maxResync     = maxURLLength
	maxResyncDots = 16
)

// Next is the package-level Next under the rules r.
func (r Rules) Next(s string, from int) (e Entity, ok bool) {
	// scan is where twitter-text's link expression would try its next
	// match (its lastIndex): a link starts after scan, or at 0 when scan is
	// 0. Other entities start at from or later.
	scan := from
	if from > 0 && from < len(s) {
		if c, _ := runeAt(s, from); !barrier(c) {
			scan = resync(s, from)
		}
	}
	dead := -1 // dots up to here start no host
	for i := scan; i < len(s); i++ {
		// Skip eight bytes at a time while none of them is special.
		for i+8 <= len(s) && !hasSpecial(grapheme.Load64(s, i)) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if !special[c] {
			continue
		}
		switch {
		case c == '.':
			if i > dead {
				e, scan, dead = r.url(s, i, scan, from)
			}
		case i < from:
		case c == '#':
			e = hashtag(s, i, from)
		case c == '@':
			e = mention(s, i, from)
		case c == '$':
			e = cashtag(s, i, from)
		}
		if e.Kind != 0 {
			if e.LocalEnd == 0 {
				e.LocalEnd = e.End
			}
			return e, true
		}
	}
	return Entity{}, false
}

// resync returns where twitter-text's link scan stands when it reaches
// from: a link match never holds a space (or another barrier), so a scan
// started at the last one before from reads what the full scan reads. So
// that pathological text stays linear, it looks back at most maxResync
// bytes and over at most maxResyncDots dots; past that it starts the scan
// where it stopped, which can only matter for a link match that spans so
// much.
func resync(s string, from int) int {
	dots := 0
	for i := from; i > 0; {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		i -= n
		if barrier(r) {
			return i
		}
		if r == '.' {
			dots++
		}
		if i == 0 {
			return 0
		}
		if from-i >= maxResync || dots > maxResyncDots {
			return i
		}
	}
	return from
}

// special marks the bytes that can start or reveal an entity.
var special = [256]bool{'#': true, '@': true, '$': true, '.': true}

// prevRune returns the rune that ends s[:i], or -1 at the start.
func prevRune(s string, i int) rune {
	if i == 0 {
		return -1
	}
	if c := s[i-1]; c < utf8.RuneSelf {
		return rune(c)
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return r
}

func isWord(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

func isASCIIAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func hashtag(s string, i, last int) Entity {
	if i < last {
		return Entity{}
	}
	if p := prevRune(s, i); p >= 0 && (isWord(p) || p == '&' || p == '#') {
		return Entity{}
	}
	j := i + 1
	letter := false
	for j < len(s) {
		r, n := rune(s[j]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[j:])
		}
		if r == utf8.RuneError && n == 1 {
			break
		}
		if j == i+1 && unicode.IsMark(r) {
			break // "#️⃣" is a keycap, not a hashtag
		}
		if !isWord(r) {
			break
		}
		if unicode.IsLetter(r) || r == '_' {
			letter = true
		}
		j += n
	}
	if !letter {
		return Entity{}
	}
	return Entity{Kind: Hashtag, Start: i, End: j, LocalEnd: j}
}

// handle returns the end of a handle of ASCII letters, digits and "_", with
// inner "." and "-", that starts at j, or j when there is none.
func handle(s string, j int) int {
	k := j
	for k < len(s) {
		c := s[k]
		if isASCIIAlnum(c) || c == '_' {
			k++
			continue
		}
		if (c == '.' || c == '-') && k > j && k+1 < len(s) && (isASCIIAlnum(s[k+1]) || s[k+1] == '_') {
			k++
			continue
		}
		break
	}
	return k
}

func mention(s string, i, last int) Entity {
	if i < last {
		return Entity{}
	}
	if p := prevRune(s, i); p >= 0 && (isWord(p) || p == '@' || p == '.' || p == '!' || p == '#' || p == '$' || p == '%' || p == '&' || p == '*') {
		return Entity{}
	}
	end := handle(s, i+1)
	if end == i+1 {
		return Entity{}
	}
	e := Entity{Kind: Mention, Start: i, End: end, LocalEnd: end}
	if end < len(s) && s[end] == '@' {
		// A fediverse mention, as Mastodon reads it (Account::MENTION_RE,
		// lib/extractor.rb): the domain is word characters in groups
		// joined by runs of "." and "-", at most 253 characters. A mention
		// followed by "@" and no such domain is no mention at all (both
		// twitter-text's and Mastodon's end_mention_match).
		h := remoteDomain(s, end+1)
		if h == end+1 || utf8.RuneCountInString(s[end+1:h]) > maxDomainLength {
			return Entity{}
		}
		e.End = h
	}
	return e
}

// maxDomainLength is Mastodon's Extractor::MAX_DOMAIN_LENGTH.
const maxDomainLength = 253

// remoteDomain returns the end of a fediverse domain that starts at j
// ([[:word:]]+([.-]+[[:word:]]+)*), or j when there is none.
func remoteDomain(s string, j int) int {
	end := j
	for k := j; k < len(s); {
		r, n := runeAt(s, k)
		switch {
		case r == utf8.RuneError && n == 1:
			return end
		case isWord(r) || unicode.Is(unicode.Pc, r):
			k += n
			end = k
		case (r == '.' || r == '-') && end > j:
			k += n
		default:
			return end
		}
	}
	return end
}

func cashtag(s string, i, last int) Entity {
	if i < last {
		return Entity{}
	}
	if p := prevRune(s, i); p >= 0 && isWord(p) {
		return Entity{}
	}
	j := i + 1
	for j < len(s) && j-i <= 6 && isASCIILetter(s[j]) {
		j++
	}
	if j == i+1 || j-i > 7 || j < len(s) && isASCIILetter(s[j]) {
		return Entity{}
	}
	if j+1 < len(s) && (s[j] == '.' || s[j] == '_') && isASCIILetter(s[j+1]) {
		k := j + 1
		for k < len(s) && k-j <= 2 && isASCIILetter(s[k]) {
			k++
		}
		if k-j <= 3 && (k == len(s) || !isWord(nextRune(s, k))) {
			j = k
		}
	}
	if j < len(s) && isWord(nextRune(s, j)) {
		return Entity{}
	}
	return Entity{Kind: Cashtag, Start: i, End: j, LocalEnd: j}
}

func nextRune(s string, i int) rune {
	if s[i] < utf8.RuneSelf {
		return rune(s[i])
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return r
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i]|0x20 != b[i] {
			return false
		}
	}
	return true
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFold(s[:len(prefix)], prefix)
}
