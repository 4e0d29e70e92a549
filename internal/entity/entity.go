// Package entity finds the entities platforms treat specially in a post:
// links, hashtags, mentions and cashtags, with their byte offsets.
//
// # Concepts
//
// Extract appends the entities of a text to a caller's slice, in order and
// without overlaps, in one pass that allocates nothing once the slice has
// room. Offsets are byte offsets into the text.
//
// The rules follow what the platforms link, in the spirit of twitter-text:
//
//   - URL: "http://" or "https://" followed by a host, or a host alone
//     ("example.com/path", "zniżki.pl", "www.ejemplo.es") whose last label
//     is a known generic TLD, any two-letter country TLD, a punycode
//     ("xn--") label or a label of non-ASCII letters. Hosts may contain
//     Unicode letters. A path, query or fragment runs to the next space;
//     trailing punctuation (. , ; : ! ? ' ") is left out, and so is a closing
//     parenthesis or bracket without its opening one, as platforms do for
//     "(see example.com/a)". An address after "@" (an e-mail) is not a URL.
//   - Hashtag: "#" after a non-word character, then letters, digits, marks
//     and "_" of any script, with at least one letter ("#Promoción",
//     "#Zniżki2024"; not "#123").
//   - Mention: "@" after a non-word character, then a handle of ASCII
//     letters, digits and "_", with inner "." and "-" (Bluesky handles such
//     as "@alice.bsky.social"), optionally followed by "@instance.domain"
//     (the fediverse); LocalEnd marks where the local part ends.
//   - Cashtag: "$" after a non-word character, then 1 to 6 ASCII letters,
//     optionally "." or "_" and 1 or 2 letters ("$TSLA", "$BRK.A"); not "$100".
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
	x1, x2, x3, x4, x5 := w^('#'*lo), w^('$'*lo), w^('@'*lo), w^('.'*lo), w^(':'*lo)
	return ((x1-lo)&^x1|(x2-lo)&^x2|(x3-lo)&^x3|(x4-lo)&^x4|(x5-lo)&^x5)&hi != 0
}

// special marks the bytes that can start or reveal an entity.
var special = [256]bool{'#': true, '@': true, '$': true, '.': true, ':': true}

// Extract appends the entities of s to dst, in order, and returns it.
func Extract(dst []Entity, s string) []Entity {
	for from := 0; ; {
		e, ok := Next(s, from)
		if !ok {
			return dst
		}
		dst = append(dst, e)
		from = e.End
	}
}

// Next returns the first entity of s that starts at or after from, as if s
// had been scanned by Extract from the start; ok is false when there is
// none. Calling Next again from the returned End walks all entities without
// allocating. from must be 0 or the End of an entity Next returned.
func Next(s string, from int) (e Entity, ok bool) {
	last := from // nothing may start before the end of the last entity
	for i := from; i < len(s); i++ {
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
		switch c {
		case '#':
			e = hashtag(s, i, last)
		case '@':
			e = mention(s, i, last)
		case '$':
			e = cashtag(s, i, last)
		case ':':
			e = schemeURL(s, i, last)
		case '.':
			e = barURL(s, i, last)
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
		if h := handle(s, end+1); h > end+1 && dotIn(s[end+1:h]) {
			e.End = h
		}
	}
	return e
}

func dotIn(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return true
		}
	}
	return false
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

// isLabel reports whether r may appear in a host label.
func isLabel(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(byte(r)) || r == '-'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// hostEnd returns the end of a host (labels separated by single dots)
// starting at j, and the start of its last label.
func hostEnd(s string, j int) (end, lastLabel int) {
	end, lastLabel = j, j
	k := j
	for k < len(s) {
		r, n := rune(s[k]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[k:])
			if r == utf8.RuneError {
				break
			}
		}
		if isLabel(r) {
			k += n
			end = k
			continue
		}
		if r == '.' && k > j && k+1 < len(s) && s[k-1] != '.' && s[k-1] != '-' {
			if nr := nextRune(s, k+1); isLabel(nr) && nr != '-' {
				k++
				lastLabel = k
				continue
			}
		}
		break
	}
	return end, lastLabel
}

// schemeURL reads a URL whose "://" starts at i.
func schemeURL(s string, i, last int) Entity {
	if i+3 > len(s) || s[i+1] != '/' || s[i+2] != '/' {
		return Entity{}
	}
	start := -1
	switch {
	case i >= 5 && i-5 >= last && equalFold(s[i-5:i], "https"):
		start = i - 5
	case i >= 4 && i-4 >= last && equalFold(s[i-4:i], "http"):
		start = i - 4
	default:
		return Entity{}
	}
	if p := prevRune(s, start); p >= 0 && isWord(p) {
		return Entity{}
	}
	end, _ := hostEnd(s, i+3)
	if end == i+3 {
		return Entity{}
	}
	return Entity{Kind: URL, Start: start, End: rest(s, end)}
}

// barURL reads a URL without scheme around the dot at i.
func barURL(s string, i, last int) Entity {
	// Walk back over the first label.
	j := i
	for j > last {
		r, n := utf8.DecodeLastRuneInString(s[:j])
		if !isLabel(r) {
			break
		}
		j -= n
	}
	if j == i || s[j] == '-' {
		return Entity{}
	}
	if p := prevRune(s, j); p >= 0 && (isWord(p) || p == '@' || p == '.' || p == '/' || p == '#' || p == '$' || p == '&' || p == '~' || p == '-' || p == ':' || p == '+' || p == '=') {
		return Entity{}
	}
	end, lastLabel := hostEnd(s, j)
	if end <= i+1 || !validTLD(s[lastLabel:end], hasPrefixFold(s[j:], "www.")) {
		return Entity{}
	}
	return Entity{Kind: URL, Start: j, End: rest(s, end)}
}

// rest extends a URL whose host ends at end over its port, path, query and
// fragment, and drops trailing punctuation.
func rest(s string, end int) int {
	k := end
	if k+1 < len(s) && s[k] == ':' && s[k+1] >= '0' && s[k+1] <= '9' {
		k++
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		end = k
	}
	if k >= len(s) || s[k] != '/' && s[k] != '?' && s[k] != '#' {
		return end
	}
	open := 0 // unmatched '(' and '['
	for k < len(s) {
		r, n := rune(s[k]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[k:])
			if r == utf8.RuneError || unicode.IsSpace(r) || r == '«' || r == '»' || r == '“' || r == '”' || unicode.Is(unicode.Cf, r) {
				break
			}
		} else if r <= ' ' || r == '<' || r == '>' || r == '"' || r == 0x7f {
			break
		}
		switch r {
		case '(', '[':
			open++
		case ')', ']':
			if open == 0 {
				return trimTrailing(s, end, k)
			}
			open--
		}
		k += n
	}
	return trimTrailing(s, end, k)
}

func trimTrailing(s string, min, k int) int {
	for k > min {
		switch s[k-1] {
		case '.', ',', ';', ':', '!', '?', '\'', '"', '*':
			k--
			continue
		}
		break
	}
	return k
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

// validTLD reports whether label may end a host written without a scheme.
func validTLD(label string, www bool) bool {
	if len(label) < 2 {
		return false
	}
	ascii := true
	for i := 0; i < len(label); i++ {
		c := label[i]
		if c >= utf8.RuneSelf {
			ascii = false
		} else if !isASCIILetter(c) && !(i >= 2 && hasPrefixFold(label, "xn--")) {
			return false
		}
	}
	if !ascii {
		// An internationalized TLD: letters only.
		for _, r := range label {
			if !unicode.IsLetter(r) && !unicode.IsMark(r) {
				return false
			}
		}
		return true
	}
	if len(label) == 2 || www || hasPrefixFold(label, "xn--") {
		return true
	}
	var buf [24]byte
	if len(label) > len(buf) {
		return false
	}
	for i := 0; i < len(label); i++ {
		buf[i] = label[i] | 0x20
	}
	_, ok := genericTLDs[string(buf[:len(label)])]
	return ok
}

// genericTLDs are the generic top-level domains linked without a scheme.
// Every two-letter (country) TLD is accepted as well.
var genericTLDs = map[string]struct{}{
	"com": {}, "net": {}, "org": {}, "edu": {}, "gov": {}, "mil": {}, "int": {}, "info": {},
	"biz": {}, "name": {}, "pro": {}, "aero": {}, "asia": {}, "cat": {}, "coop": {}, "jobs": {},
	"mobi": {}, "museum": {}, "tel": {}, "travel": {}, "xxx": {}, "app": {}, "dev": {}, "page": {},
	"blog": {}, "shop": {}, "store": {}, "online": {}, "site": {}, "tech": {}, "xyz": {}, "club": {},
	"live": {}, "news": {}, "social": {}, "cloud": {}, "email": {}, "link": {}, "top": {}, "vip": {},
	"wiki": {}, "art": {}, "design": {}, "media": {}, "agency": {}, "digital": {}, "studio": {},
	"world": {}, "today": {}, "life": {}, "space": {}, "website": {}, "network": {}, "company": {},
	"group": {}, "global": {}, "solutions": {}, "services": {}, "eus": {}, "gal": {}, "barcelona": {},
	"madrid": {}, "berlin": {}, "london": {}, "nyc": {}, "paris": {}, "io": {}, "ai": {}, "co": {},
	"me": {}, "tv": {}, "fm": {}, "ly": {}, "gg": {}, "to": {},
}
