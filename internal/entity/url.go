package entity

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:generate go run gen.go -tlds ../../../twitter-text/conformance/tld_lib.yml -source " (github.com/twitter/twitter-text commit d066f7a, 2020-03-25)"

// Limits of twitter-text (js/src/extractUrlsWithIndices.js, lib/idna.js).
const (
	maxURLLength   = 4096 // MAX_URL_LENGTH, protocol and punycode host included
	maxLabelLength = 63   // MAX_DOMAIN_LABEL_LENGTH, once punycode-encoded
	maxTcoSlug     = 40   // MAX_TCO_SLUG_LENGTH
	defaultScheme  = len("https://")
)

// isSpace reports whether r is in twitter-text's spacesGroup.
func isSpace(r rune) bool {
	switch {
	case r >= 0x09 && r <= 0x0D, r == ' ', r == 0x85, r == 0xA0, r == 0x1680, r == 0x180E,
		r >= 0x2000 && r <= 0x200A, r == 0x2028, r == 0x2029, r == 0x202F, r == 0x205F, r == 0x3000:
		return true
	}
	return false
}

// isDirectional reports whether r is in twitter-text's
// directionalMarkersGroup.
func isDirectional(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r == 0x061C || r == 0x200E || r == 0x200F || r >= 0x2066 && r <= 0x2069
}

// isInvalid reports whether r is in twitter-text's invalidCharsGroup.
func isInvalid(r rune) bool { return r == 0xFFFE || r == 0xFEFF || r == 0xFFFF }

// isDomainChar reports whether r may be in a host label (twitter-text's
// validDomainChars): anything but ASCII punctuation, spaces, invalid
// characters and directional marks. Control characters and bytes that are
// not UTF-8 are left out too.
func isDomainChar(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(byte(r))
	}
	return r != utf8.RuneError && !isSpace(r) && !isDirectional(r) && !isInvalid(r) && !(r >= 0x80 && r < 0xA0)
}

// isLatinAccent reports whether r is in twitter-text's latinAccentChars.
func isLatinAccent(r rune) bool {
	switch {
	case r >= 0xC0 && r <= 0xD6, r >= 0xD8 && r <= 0xF6, r >= 0xF8 && r <= 0x24F,
		r == 0x253, r == 0x254, r == 0x256, r == 0x257, r == 0x259, r == 0x25B, r == 0x263,
		r == 0x268, r == 0x26F, r == 0x272, r == 0x289, r == 0x28B, r == 0x2BB,
		r >= 0x300 && r <= 0x36F, r >= 0x1E00 && r <= 0x1EFF:
		return true
	}
	return false
}

func isCyrillic(r rune) bool { return r >= 0x400 && r <= 0x4FF }

// Byte sets of the ASCII characters allowed in a path (validGeneralUrlPathChars),
// at its end (validUrlPathEndingChars), in a query (validUrlQueryChars) and
// at its end (validUrlQueryEndingChars), letters and digits aside.
var (
	pathChars  = asciiSet("!*';:=+,.$/%#[]-_~@|&")
	pathEnd    = asciiSet("+-=_#/")
	queryChars = asciiSet("!?*'@();:&=+$/%#[]-_.,~|")
	queryEnd   = asciiSet("-_&=#/")
)

func asciiSet(chars string) (set [128]bool) {
	for c := byte('0'); c <= 'z'; c++ {
		set[c] = isASCIIAlnum(c)
	}
	for i := 0; i < len(chars); i++ {
		set[chars[i]] = true
	}
	return set
}

func isPathChar(r rune) bool {
	if r < utf8.RuneSelf {
		return pathChars[r]
	}
	return isCyrillic(r) || isLatinAccent(r) || r == 0x2013
}

func isPathEnd(r rune) bool {
	if r < utf8.RuneSelf {
		return pathEnd[r]
	}
	return isCyrillic(r) || isLatinAccent(r)
}

// isASCIIDomainChar reports whether r may be in a label of a link written
// without a scheme (validAsciiDomain): ASCII letters and digits, "-" and
// Latin letters with accents.
func isASCIIDomainChar(r rune) bool {
	if r < utf8.RuneSelf {
		return isASCIIAlnum(byte(r)) || r == '-'
	}
	return isLatinAccent(r)
}

// urlPrecedes reports whether a link may start after r (validUrlPrecedingChars):
// anything but ASCII letters and digits, "@", "$", "#" (and their full-width
// forms) and invalid characters.
func urlPrecedes(r rune) bool {
	if r < utf8.RuneSelf {
		return !isASCIIAlnum(byte(r)) && r != '@' && r != '$' && r != '#'
	}
	return r != '＠' && r != '＃' && !isInvalid(r)
}

// barrier reports whether r can be in no part of a link: a space, a
// character no link rule allows, or a byte that is not UTF-8.
func barrier(r rune) bool {
	if r < utf8.RuneSelf {
		return r <= ' ' || r == 0x7f || !isASCIIAlnum(byte(r)) && !pathChars[r] && !queryChars[r]
	}
	return !isDomainChar(r) && r != 0x2013
}

// runeAt decodes the rune at s[i:].
func runeAt(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// tldEnd returns the end of the top-level domain that starts at s[i:]
// (validGTLD, validCCTLD or validPunycode, followed by a character that is
// not an ASCII letter, digit, "@", "+" or "-"), or -1. Matching ignores
// case.
func tldEnd(s string, i int) int {
	best := -1
	// An ASCII TLD is the whole run of letters and digits at i.
	j := i
	for j < len(s) && isASCIIAlnum(s[j]) {
		j++
	}
	if j > i && j-i <= maxASCIITLD && tldFollows(s, j) {
		var buf [maxASCIITLD]byte
		for k := i; k < j; k++ {
			buf[k-i] = s[k] | 0x20
		}
		if findASCII(buf[:j-i]) {
			best = j
		}
	}
	// Other TLDs start with their first code point; the few that start
	// with an ASCII letter come first.
	if i < len(s) {
		r, _ := runeAt(s, i)
		r = unicode.ToLower(r)
		lo, hi := 0, otherASCIIFirst
		if r >= utf8.RuneSelf {
			lo, hi = otherASCIIFirst, len(otherTLDs)
		}
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if f, _ := utf8.DecodeRuneInString(otherTLDs[m]); f < r {
				lo = m + 1
			} else {
				hi = m
			}
		}
		for ; lo < len(otherTLDs); lo++ {
			t := otherTLDs[lo]
			if f, _ := utf8.DecodeRuneInString(t); f != r {
				break
			}
			if e := foldPrefix(s, i, t); e > best && tldFollows(s, e) {
				best = e
				break // longest first
			}
		}
	}
	if best < 0 && hasPrefixFold(s[i:], "xn--") {
		j := i + 4
		for j < len(s) && (isASCIIAlnum(s[j]) || s[j] == '-') {
			j++
		}
		if j > i+4 && tldFollows(s, j) {
			best = j
		}
	}
	return best
}

// tldFollows is the lookahead after a TLD: (?=[^0-9a-zA-Z@+-]|$).
func tldFollows(s string, j int) bool {
	if j >= len(s) {
		return true
	}
	c := s[j]
	return !isASCIIAlnum(c) && c != '@' && c != '+' && c != '-'
}

// findASCII reports whether the lower-case label is in asciiTLDs.
func findASCII(label []byte) bool {
	lo, hi := 0, len(asciiTLDs)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if compare(asciiTLDs[m], label) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(asciiTLDs) && compare(asciiTLDs[lo], label) == 0
}

func compare(a string, b []byte) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return len(a) - len(b)
}

// foldPrefix returns the end of t in s[i:] when s continues with t, case
// ignored (t is lower case), or -1.
func foldPrefix(s string, i int, t string) int {
	for _, want := range t {
		if i >= len(s) {
			return -1
		}
		r, n := runeAt(s, i)
		if r != want && unicode.ToLower(r) != want {
			return -1
		}
		i += n
	}
	return i
}

// label reads the host label that starts at s[i:] (no dot in it) and
// returns its end, and whether it is a subdomain label (validSubdomain:
// domain characters with inner "-" and "_") and a domain name label
// (validDomainName: inner "-" only).
func label(s string, i int) (end int, sub, name bool) {
	end = i
	first, lastOK, underscore := true, false, false
	for end < len(s) {
		c := s[end]
		r, n := rune(c), 1
		if c >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[end:])
		}
		switch {
		case c < utf8.RuneSelf && isASCIIAlnum(c) || c >= utf8.RuneSelf && isDomainChar(r):
			lastOK = true
		case (c == '-' || c == '_') && !first:
			lastOK = false
			underscore = underscore || c == '_'
		default:
			return end, lastOK, lastOK && !underscore
		}
		first = false
		end += n
	}
	return end, lastOK, lastOK && !underscore
}

// urlMatch is one match of twitter-text's extractUrl regular expression:
// the link s[start:end] whose host is s[host:hostEnd] (after the scheme,
// when there is one) and whose path, if any, starts at path.
type urlMatch struct {
	start, host, hostEnd, path, end int
	scheme                          bool
}

// hostAfter reads the host (validDomain) whose first label starts at u and
// ends at the dot f, and returns its end, or -1. sub and name describe the
// first label, as label returns them. Subdomains are taken greedily and
// given back one at a time, as the regular expression backtracks. chain is
// the last dot of the run of subdomains: when no host ends here, none
// whose first dot lies in the run does either.
func hostAfter(s string, f int, sub, name bool) (end, chain int) {
	if !sub {
		return -1, f
	}
	// Count the labels after the first that are subdomains followed by a
	// dot; dots[k] is the dot after label k (dots[0] = f).
	var dots [64]int
	dots[0] = f
	m := 1
	shifted := false
	for d := f; ; {
		end, ok, _ := label(s, d+1)
		if !ok || end >= len(s) || s[end] != '.' || end == d+1 {
			break
		}
		if m == len(dots) {
			// A host of more than 64 labels: keep the last ones only (the
			// first label then never ends up as the domain name).
			copy(dots[:], dots[1:])
			m--
			shifted = true
		}
		dots[m] = end
		m++
		d = end
	}
	for k := m - 1; k >= 0; k-- {
		// Label k (0-based) is the domain name, the TLD starts after its dot.
		if k == 0 {
			if !name || shifted {
				continue
			}
		} else if _, _, ok := label(s, dots[k-1]+1); !ok {
			continue
		}
		if e := tldEnd(s, dots[k]+1); e >= 0 {
			return e, dots[m-1]
		}
	}
	return -1, dots[m-1]
}

// tail extends a match over its port, path and query, from the end of its
// host.
func tail(s string, m *urlMatch) {
	k := m.hostEnd
	if k+1 < len(s) && s[k] == ':' && s[k+1] >= '0' && s[k+1] <= '9' {
		k++
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
	}
	m.path = -1
	if k < len(s) && s[k] == '/' {
		m.path = k
		k = pathEnd_(s, k+1)
	}
	if k < len(s) && s[k] == '?' {
		if e := queryEnd_(s, k+1); e > k+1 {
			k = e
		}
	}
	m.end = k
}

// pathEnd_ returns the end of a path that starts at i (after its "/"): path
// characters and balanced parentheses (validUrlBalancedParens, one level
// of nesting), ending with a path ending character or a parenthesis.
func pathEnd_(s string, i int) int {
	end := i
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == '(' {
				e := parens(s, i)
				if e < 0 {
					break
				}
				i, end = e, e
				continue
			}
			if !pathChars[c] {
				break
			}
			i++
			if pathEnd[c] {
				end = i
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !isPathChar(r) {
			break
		}
		i += n
		if isPathEnd(r) {
			end = i
		}
	}
	return end
}

// parens returns the end of the balanced parentheses at s[i:] ("(" path
// characters ")", or one nested pair inside), or -1.
func parens(s string, i int) int {
	j := pathRun(s, i+1)
	if j < len(s) && s[j] == ')' && j > i+1 {
		return j + 1
	}
	if j < len(s) && s[j] == '(' {
		k := pathRun(s, j+1)
		if k > j+1 && k < len(s) && s[k] == ')' {
			k = pathRun(s, k+1)
			if k < len(s) && s[k] == ')' {
				return k + 1
			}
		}
	}
	return -1
}

func pathRun(s string, i int) int {
	for i < len(s) {
		r, n := runeAt(s, i)
		if !isPathChar(r) {
			break
		}
		i += n
	}
	return i
}

// queryEnd_ returns the end of a query that starts at i (after its "?"):
// query characters up to the last query ending character.
func queryEnd_(s string, i int) int {
	end := i
	for ; i < len(s) && s[i] < utf8.RuneSelf && queryChars[s[i]]; i++ {
		if queryEnd[s[i]] {
			end = i + 1
		}
	}
	return end
}

// tcoEnd returns the end of a t.co link at s[m.start:] with its slug and
// query (validTcoUrl), -1 when the slug is longer than twitter-text
// allows, and m.end when the link is not a t.co one.
func tcoEnd(s string, m urlMatch) int {
	if m.hostEnd-m.host != 4 || !equalFold(s[m.host:m.hostEnd], "t.co") || m.path != m.hostEnd {
		return m.end
	}
	j := m.path + 1
	for j < m.end && isASCIIAlnum(s[j]) {
		j++
	}
	if j == m.path+1 {
		return m.end
	}
	if j-(m.path+1) > maxTcoSlug {
		return -1
	}
	if j < m.end && s[j] == '?' {
		if e := queryEnd_(s[:m.end], j+1); e > j+1 {
			j = e
		}
	}
	return j
}

// valid reports whether the match passes twitter-text's isValidUrl: each
// label at most 63 characters once punycode-encoded (labels split at
// "." and, as punycode.toASCII does, at U+3002, U+FF0E and U+FF61), a
// host starting with "xn--" holds an ASCII host, and the link with its
// scheme ("https://" when it has none) and the encoded host is at most
// 4096 UTF-16 code units long (Java's Extractor.isValidHostAndLength).
func valid(s string, m urlMatch) bool {
	host := s[m.host:m.hostEnd]
	if m.end-m.start+defaultScheme <= maxURLLength && shortASCIILabels(host) {
		return !(len(host) >= 4 && host[:4] == "xn--") || func() bool { q, _ := asciiHost(host, 0); return q >= 0 }()
	}
	if len(host) >= 4 && host[:4] == "xn--" {
		if q, _ := asciiHost(host, 0); q < 0 {
			return false
		}
	}
	encoded := 0
	for i := 0; i <= len(host); {
		j := i
		for j < len(host) && host[j] != '.' {
			j++
		}
		n := labelLength(host[i:j])
		if n < 1 || n > maxLabelLength {
			return false
		}
		encoded += n + 1
		i = j + 1
	}
	encoded--
	length := utf16Len(s[m.start:m.end]) - utf16Len(host) + encoded
	if !m.scheme {
		length += defaultScheme
	}
	return length <= maxURLLength
}

// shortASCIILabels reports whether host is ASCII with labels of at most 63
// bytes: then it is its own punycode form, and no longer than it looks.
func shortASCIILabels(host string) bool {
	n := 0
	for i := 0; i < len(host); i++ {
		switch c := host[i]; {
		case c >= utf8.RuneSelf:
			return false
		case c == '.':
			n = 0
		default:
			if n++; n > maxLabelLength {
				return false
			}
		}
	}
	return true
}

func utf16Len(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c&0xC0 != 0x80 {
			n++
			if c >= 0xF0 {
				n++
			}
		}
	}
	return n
}

// labelLength returns the length of punycode.toASCII(label), or a number
// above 63 once it is known to be longer.
func labelLength(label string) int {
	n := 0
	for i := 0; i <= len(label); {
		j, sep := i, 0
		for j < len(label) {
			r, size := runeAt(label, j)
			if r == 0x3002 || r == 0xFF0E || r == 0xFF61 {
				sep = size
				break
			}
			j += size
		}
		if i > 0 {
			n++ // the separator, written "."
		}
		n += punycodeLength(label[i:j])
		if n > maxLabelLength {
			return n
		}
		if sep == 0 {
			break
		}
		i = j + sep
	}
	return n
}

// punycodeLength returns the length of the ASCII form of one label: itself
// when it is ASCII, else "xn--" and its RFC 3492 encoding; any number above
// 63 when it is longer than that.
func punycodeLength(label string) int {
	const (
		base, tmin, tmax = 36, 1, 26
		skew, damp       = 38, 700
	)
	var cps [maxLabelLength]rune
	total, basic := 0, 0
	ascii := true
	for _, r := range label {
		if total == len(cps) {
			return maxLabelLength + 1
		}
		cps[total] = r
		total++
		if r < 0x80 {
			basic++
		}
		if r > 0x7E {
			ascii = false
		}
	}
	if ascii {
		return len(label)
	}
	out := 4 + basic
	if basic > 0 {
		out++
	}
	adapt := func(delta, points int, first bool) int {
		if first {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / points
		k := 0
		for delta > (base-tmin)*tmax/2 {
			delta /= base - tmin
			k += base
		}
		return k + (base-tmin+1)*delta/(delta+skew)
	}
	n, delta, bias := rune(0x80), 0, 72
	for h := basic; h < total; {
		m := rune(utf8.MaxRune + 1)
		for _, c := range cps[:total] {
			if c >= n && c < m {
				m = c
			}
		}
		delta += int(m-n) * (h + 1)
		n = m
		for _, c := range cps[:total] {
			if c < n {
				delta++
			}
			if c == n {
				q := delta
				for k := base; ; k += base {
					t := k - bias
					if t < tmin {
						t = tmin
					} else if t > tmax {
						t = tmax
					}
					if q < t {
						break
					}
					out++
					q = (q - t) / (base - t)
				}
				out++
				if out > maxLabelLength {
					return out
				}
				bias = adapt(delta, h+1, h == basic)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return out
}

// asciiHost finds the first host of ASCII labels (validAsciiDomain: labels
// of ASCII letters, digits, "-" and Latin letters with accents, then a
// TLD) in host at or after i and returns its bounds, or -1, -1.
func asciiHost(host string, i int) (start, end int) {
	for i < len(host) {
		r, n := runeAt(host, i)
		if !isASCIIDomainChar(r) {
			i += n
			continue
		}
		// Labels followed by a dot, greedily, then a TLD; on failure, every
		// start inside this first label fails the same way.
		var dots [64]int
		m := 0
		j := i
		for {
			k := j
			for k < len(host) {
				r, n := runeAt(host, k)
				if !isASCIIDomainChar(r) {
					break
				}
				k += n
			}
			if k == j || k >= len(host) || host[k] != '.' {
				break
			}
			if m == len(dots) {
				copy(dots[:], dots[1:])
				m--
			}
			dots[m] = k
			m++
			j = k + 1
		}
		for k := m - 1; k >= 0; k-- {
			if e := tldEnd(host, dots[k]+1); e >= 0 {
				return i, e
			}
		}
		// Skip the rest of this label.
		for i < len(host) {
			r, n := runeAt(host, i)
			if !isASCIIDomainChar(r) {
				break
			}
			i += n
		}
	}
	return -1, -1
}

// url reads the link whose host has its first dot at f, as twitter-text's
// extractUrl expression finds it when its scan stands at scan, and returns
// its first entity that starts at or after from, if any, where the scan
// stands next, and the last dot known to start no host.
func (ru Rules) url(s string, f, scan, from int) (Entity, int, int) {
	lo := 0 // a link starts after the character the scan stands on, or at 0
	if scan > 0 {
		if f <= scan {
			return Entity{}, scan, f
		}
		_, n := runeAt(s, scan)
		lo = scan + n
	}
	// The first label: label characters back from the dot.
	a := f
	for a > lo {
		r, n := utf8.DecodeLastRuneInString(s[:a])
		if !isDomainChar(r) && r != '-' && r != '_' {
			break
		}
		a -= n
	}
	if a == f || f+1 >= len(s) {
		return Entity{}, scan, f
	}
	if r, _ := runeAt(s, f+1); !isDomainChar(r) {
		return Entity{}, scan, f // the next label or the TLD starts with a domain character
	}
	if r, _ := utf8.DecodeLastRuneInString(s[:f]); !isDomainChar(r) {
		return Entity{}, scan, f // a label ends with a domain character
	}
	m := urlMatch{start: -1}
	// With a scheme, the host starts at a.
	if u := schemeStart(s, a); u >= lo && (u == 0 || urlPrecedes(prevRune(s, u))) {
		if r, _ := runeAt(s, a); isDomainChar(r) {
			_, sub, name := label(s, a)
			if e, _ := hostAfter(s, f, sub, name); e >= 0 {
				m = urlMatch{start: u, host: a, hostEnd: e, scheme: true}
			}
		}
	}
	if m.start < 0 {
		// Without one, the host starts at the first u in [a, f) after a
		// character a link may follow (u = 1 is tried before u = 0: the
		// expression reads a preceding character before trying "^").
		any, chain := hostAfter(s, f, true, true)
		if any < 0 {
			return Entity{}, scan, chain
		}
		withName, _ := hostAfter(s, f, true, false) // the first label need not be the domain name
		underscore := -1
		for k := a; k < f; k++ {
			if s[k] == '_' {
				underscore = k
			}
		}
		ok := func(u int) bool {
			if u >= f {
				return false
			}
			if r, _ := runeAt(s, u); !isDomainChar(r) {
				return false
			}
			if u > 0 && !urlPrecedes(prevRune(s, u)) {
				return false
			}
			return withName >= 0 || u > underscore
		}
		u := -1
		if a == 0 {
			if _, n := runeAt(s, 0); ok(n) {
				u = n
			} else if ok(0) {
				u = 0
			}
		}
		for k := a; u < 0 && k < f; {
			if k > 0 && ok(k) {
				u = k
				break
			}
			_, n := runeAt(s, k)
			k += n
		}
		if u < 0 {
			return Entity{}, scan, f
		}
		m = urlMatch{start: u, host: u, hostEnd: any}
	}
	tail(s, &m)
	scan = m.end
	if m.scheme {
		end := tcoEnd(s, m)
		if end < 0 || !valid(s, m) || m.start < from {
			return Entity{}, scan, f
		}
		return Entity{Kind: URL, Start: m.start, End: end}, scan, f
	}
	if ru.SchemeOnly || m.start > 0 && strings.IndexByte("-_./", s[m.start-1]) >= 0 || !valid(s, m) {
		return Entity{}, scan, f
	}
	// Only the ASCII hosts inside the host are links; the last one takes
	// the path and query when there is a path.
	host := s[m.host:m.hostEnd]
	for q := 0; ; {
		start, end := asciiHost(host, q)
		if start < 0 {
			return Entity{}, scan, f
		}
		q = end
		if next, _ := asciiHost(host, q); next < 0 && m.path >= 0 {
			end = m.end - m.host
		}
		if m.host+start >= from {
			return Entity{Kind: URL, Start: m.host + start, End: m.host + end}, scan, f
		}
	}
}

// schemeStart returns where "http://" or "https://" (any case) ending at a
// starts, or -1.
func schemeStart(s string, a int) int {
	if a < 7 || s[a-3:a] != "://" {
		return -1
	}
	if a >= 8 && equalFold(s[a-8:a-3], "https") {
		return a - 8
	}
	if equalFold(s[a-7:a-3], "http") {
		return a - 7
	}
	return -1
}
