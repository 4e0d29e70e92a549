package cmkit

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cmkit/cmkit/internal/entity"
	"github.com/cmkit/cmkit/internal/grapheme"
)

// Finding is one limit a text or post breaks: which, by how much and where
// the text would have to be cut. It is a value, not an error; Err turns it
// into one.
type Finding struct {
	// Field is the part of the post that breaks the limit: "post.text",
	// "post.title", "post.content_warning", "post.media" or
	// "post.visibility".
	Field string `json:"field"`
	// Rule names the broken limit: "max_length", "max_bytes",
	// "max_hashtags", "max_mentions", "max_links", "max_media" and
	// "max_title" (the Limits JSON names of the numbers); "forbidden" for a
	// character in Limits.Forbidden; "title", "content_warning" and
	// "visibility" for a post that uses what the platform does not have.
	Rule string `json:"rule"`
	// Limit is the limit, in the platform's units; 0 for the rules that
	// are not numbers.
	Limit int `json:"limit"`
	// Got is what the text or post has, in the same units; for "forbidden"
	// the number of forbidden characters, for "title" and
	// "content_warning" the length of what the platform does not take.
	Got int `json:"got"`
	// Cut is where the text would have to be cut to keep this limit: for
	// max_length, max_bytes and max_title the byte offset of the longest
	// prefix that fits, never inside a grapheme cluster, link, hashtag or
	// mention; for max_hashtags, max_mentions and max_links the byte offset
	// of the first entity over the limit; for forbidden the byte offset of
	// the first forbidden character; for max_media the index of the first
	// media item over the limit; 0 for the other rules.
	Cut int `json:"cut"`
}

// Over returns by how much the limit is broken: Got - Limit.
func (f Finding) Over() int { return f.Got - f.Limit }

// Err returns f as a *ValidationError wrapping ErrInvalid, with f.Field as
// the field ("post.text" when empty, "post.media" for max_media) and f.Rule
// as the rule.
func (f Finding) Err() error {
	field := f.Field
	if field == "" {
		field = "post.text"
		if f.Rule == "max_media" {
			field = "post.media"
		}
	}
	var detail string
	switch f.Rule {
	case "forbidden":
		detail = fmt.Sprintf("%d characters the platform refuses, the first at %d", f.Got, f.Cut)
	case "title", "content_warning":
		detail = "the platform does not take one"
	case "visibility":
		detail = "the platform cannot restrict a post to this audience"
	default:
		detail = fmt.Sprintf("%d, limit %d, %d over; cut at %d", f.Got, f.Limit, f.Over(), f.Cut)
	}
	return &ValidationError{Field: field, Rule: f.Rule, Detail: detail}
}

// CheckText appends to dst a Finding for each limit text breaks (length,
// bytes, hashtags, mentions, distinct links, forbidden characters) and
// returns it. With room in dst it allocates nothing (unless more than 16
// distinct links meet a MaxLinks), so a calendar can check every variant
// before scheduling and again before sending.
func (l Limits) CheckText(dst []Finding, text string) []Finding {
	return l.checkText(dst, text, 0)
}

// checkText is CheckText for a text shown after something that already
// counts used toward MaxLength (a content warning).
func (l Limits) checkText(dst []Finding, text string, used int) []Finding {
	if l.MaxLength > 0 {
		if n := used + l.Count(text); n > l.MaxLength {
			cut := 0
			if used < l.MaxLength {
				cut = l.fit(text, l.MaxLength-used, 0)
			}
			dst = append(dst, Finding{Field: "post.text", Rule: "max_length", Limit: l.MaxLength, Got: n, Cut: cut})
		}
	}
	if l.MaxBytes > 0 && len(text) > l.MaxBytes {
		dst = append(dst, Finding{Field: "post.text", Rule: "max_bytes", Limit: l.MaxBytes, Got: len(text),
			Cut: l.fit(text, 0, l.MaxBytes)})
	}
	dst = l.checkForbidden(dst, "post.text", text)
	if l.MaxHashtags == 0 && l.MaxMentions == 0 && l.MaxLinks == 0 {
		return dst
	}
	var tags, mentions, links [2]int // count, cut
	var seenBuf [16][2]int
	seen := seenBuf[:0] // the distinct links so far, as spans of text
	rules := l.entities()
	for from := 0; ; {
		e, ok := rules.Next(text, from)
		if !ok {
			break
		}
		from = e.End
		switch e.Kind {
		case entity.Hashtag:
			tally(&tags, l.MaxHashtags, e.Start)
		case entity.Mention:
			tally(&mentions, l.MaxMentions, e.Start)
		case entity.URL:
			if l.MaxLinks == 0 || seenLink(text, seen, e) {
				continue
			}
			seen = append(seen, [2]int{e.Start, e.End})
			tally(&links, l.MaxLinks, e.Start)
		}
	}
	for _, c := range []struct {
		rule  string
		limit int
		got   [2]int
	}{{"max_hashtags", l.MaxHashtags, tags}, {"max_mentions", l.MaxMentions, mentions}, {"max_links", l.MaxLinks, links}} {
		if c.limit > 0 && c.got[0] > c.limit {
			dst = append(dst, Finding{Field: "post.text", Rule: c.rule, Limit: c.limit, Got: c.got[0], Cut: c.got[1]})
		}
	}
	return dst
}

// seenLink reports whether the link e of text is written the same as one of
// the spans in seen.
func seenLink(text string, seen [][2]int, e entity.Entity) bool {
	link := text[e.Start:e.End]
	for _, sp := range seen {
		if text[sp[0]:sp[1]] == link {
			return true
		}
	}
	return false
}

// checkForbidden appends a "forbidden" Finding for field when s holds any
// character of l.Forbidden.
func (l Limits) checkForbidden(dst []Finding, field, s string) []Finding {
	if l.Forbidden == "" {
		return dst
	}
	first := strings.IndexAny(s, l.Forbidden)
	if first < 0 {
		return dst
	}
	n := 0
	for i := first; i >= 0; {
		_, size := utf8.DecodeRuneInString(s[i:])
		n++
		i += size
		if k := strings.IndexAny(s[i:], l.Forbidden); k >= 0 {
			i += k
		} else {
			i = -1
		}
	}
	return append(dst, Finding{Field: field, Rule: "forbidden", Got: n, Cut: first})
}

// tally counts one entity at offset start and remembers where the first
// one over limit starts.
func tally(t *[2]int, limit, start int) {
	t[0]++
	if t[0] == limit+1 {
		t[1] = start
	}
}

// CheckPost is CheckText for a whole post: its text, counted after its
// content warning where the platform counts both toward MaxLength
// (ContentWarning set), its title, its visibility and its media.
func (l Limits) CheckPost(dst []Finding, p Post) []Finding {
	used := 0
	if p.ContentWarning != "" {
		n := l.countRaw(p.ContentWarning)
		if !l.ContentWarning {
			dst = append(dst, Finding{Field: "post.content_warning", Rule: "content_warning", Got: n})
		} else {
			used = n
		}
		dst = l.checkForbidden(dst, "post.content_warning", p.ContentWarning)
	}
	dst = l.checkText(dst, p.Text, used)
	if p.Title != "" {
		switch n := l.countRaw(p.Title); {
		case l.NoTitle:
			dst = append(dst, Finding{Field: "post.title", Rule: "title", Got: n})
		case l.MaxTitle > 0 && n > l.MaxTitle:
			title := Limits{MaxLength: l.MaxTitle, Counting: l.Counting, Counter: l.Counter}
			dst = append(dst, Finding{Field: "post.title", Rule: "max_title", Limit: l.MaxTitle, Got: n,
				Cut: title.fit(p.Title, l.MaxTitle, 0)})
		}
		dst = l.checkForbidden(dst, "post.title", p.Title)
	}
	if !l.Visibilities.Has(p.Visibility) {
		dst = append(dst, Finding{Field: "post.visibility", Rule: "visibility"})
	}
	if l.MaxMedia > 0 && len(p.Media) > l.MaxMedia {
		dst = append(dst, Finding{Field: "post.media", Rule: "max_media", Limit: l.MaxMedia, Got: len(p.Media), Cut: l.MaxMedia})
	}
	return dst
}

// countRaw measures s with Counter or Counting, every link and mention as
// written: how platforms count a title or a content warning.
func (l Limits) countRaw(s string) int {
	if l.Counter != nil {
		return l.Counter.Count(s)
	}
	return countPlain(l.Counting, s)
}

// ValidateText returns nil when text keeps every limit, and otherwise the
// findings as *ValidationErrors (wrapping ErrInvalid) joined with
// errors.Join.
func (l Limits) ValidateText(text string) error {
	var buf [8]Finding
	return joinFindings(l.CheckText(buf[:0], text))
}

// ValidatePost is ValidateText for a post, media included.
func (l Limits) ValidatePost(p Post) error {
	var buf [8]Finding
	return joinFindings(l.CheckPost(buf[:0], p))
}

func joinFindings(fs []Finding) error {
	if len(fs) == 0 {
		return nil
	}
	errs := make([]error, len(fs))
	for i, f := range fs {
		errs[i] = f.Err()
	}
	return errors.Join(errs...)
}

// fit returns the end of the longest prefix of text that counts at most
// maxLen and takes at most maxBytes (a zero means no limit), cut between
// grapheme clusters and never inside an entity.
func (l Limits) fit(text string, maxLen, maxBytes int) int {
	if maxBytes == 0 && maxLen > 0 && l.additive() {
		if cut, ok := l.fitTail(text, maxLen); ok {
			return cut
		}
	}
	cut := l.fitOnce(text, maxLen, maxBytes)
	// A prefix may count more than its units did in text, when the cut
	// makes a link of it ("a.co" cut from "a.co0"): ask for one less.
	for m := maxLen; m > 1 && cut > 0 && l.Count(text[:cut]) > maxLen; {
		m--
		cut = l.fitOnce(text, m, maxBytes)
	}
	return cut
}

// additive reports whether l counts every code point on its own and every
// entity as written: then the count of a text is the sum of the counts of
// any pieces it is cut into, and the count fitOnce keeps while it walks a
// text is Count of what it has walked. (Counting graphemes, an entity that
// ends before a combining mark is one unit and the mark another, which
// Count counts as one cluster; a link counted as URLLength may stop being
// a link when cut.)
func (l Limits) additive() bool {
	switch l.Counting {
	case "", CountCodePoints, CountUTF16, CountBytes:
		return l.Counter == nil && l.URLLength == 0 && !l.MentionLocalPart
	}
	return false
}

// fitMargin is how many units short of the limit fitTail's split point
// aims for, so that the walk that remains is short.
const fitMargin = 64

// fitTail returns where fitOnce would cut text for maxLen (an additive l,
// no byte limit) without walking all of the text before the cut; ok is
// false when it cannot tell, or the text is short.
//
// It picks a split point s just after a space and before an ASCII byte,
// where text[:s] counts c0 < maxLen: a grapheme cluster ends there and no
// entity spans it (entities hold no space; walk relies on the same to look
// for entities a window at a time). So the units of text[s:] are those of
// text after s, and with an additive count the longest prefix of text
// that counts at most maxLen is text[:s] and the longest prefix of
// text[s:] that counts at most maxLen-c0. The cut is checked against
// Count, and TestFitTailMatchesTheWalk checks it against fitOnce.
func (l Limits) fitTail(text string, maxLen int) (cut int, ok bool) {
	if len(text) < 2*fitMargin {
		return 0, false
	}
	s, c0 := 0, 0
	for range 4 {
		// Each unit takes at least one byte: aim a margin short of the
		// limit, and again from there if that was far short.
		room := maxLen - c0 - fitMargin
		if room < fitMargin || s+room >= len(text) {
			break
		}
		k := splitBefore(text, s+room, s)
		if k <= s {
			break
		}
		c := l.Count(text[s:k])
		if c0+c >= maxLen {
			break
		}
		s, c0 = k, c0+c
	}
	if s == 0 {
		return 0, false
	}
	cut = s + l.fitOnce(text[s:], maxLen-c0, 0)
	if l.Count(text[:cut]) > maxLen {
		return 0, false
	}
	return cut, true
}

// splitBefore returns the last k in (lo, hi] with text[k-1] a space and
// text[k] an ASCII byte, or lo.
func splitBefore(text string, hi, lo int) int {
	for k := hi; k > lo; k-- {
		if text[k-1] == ' ' && text[k] < utf8.RuneSelf {
			return k
		}
	}
	return lo
}

func (l Limits) fitOnce(text string, maxLen, maxBytes int) int {
	if maxBytes > 0 && maxBytes < len(text) && maxLen == 0 {
		// Bytes alone: the last cluster or entity boundary at or before maxBytes.
		return l.walk(text, func(end, _ int) bool { return end <= maxBytes })
	}
	if l.Counter != nil {
		return l.walk(text, func(end, _ int) bool {
			return (maxBytes == 0 || end <= maxBytes) && (maxLen == 0 || l.Counter.Count(text[:end]) <= maxLen)
		})
	}
	n := 0
	return l.walk(text, func(end, w int) bool {
		if maxBytes > 0 && end > maxBytes || maxLen > 0 && n+w > maxLen {
			return false
		}
		n += w
		return true
	})
}

// walk calls take with the end offset and the count of each unit of text
// (an entity, or a grapheme cluster outside entities) until take returns
// false, and returns the end of the last unit taken.
//
// It looks for entities a window at a time (to a space at least 4 KiB
// ahead; entities never contain one), so that fitting the first part of a
// long text does not scan all of it.
func (l Limits) walk(text string, take func(end, w int) bool) int {
	pos, from := 0, 0
	rules := l.entities()
	for {
		limit := len(text)
		if pos+4096 < len(text) {
			if sp := strings.IndexByte(text[pos+4096:], ' '); sp >= 0 {
				limit = pos + 4096 + sp
			}
		}
		e, ok := rules.Next(text[:limit], from)
		if !ok {
			e = entity.Entity{Start: limit, End: limit, LocalEnd: limit}
		}
		for pos < e.Start {
			k := grapheme.Next(text[pos:e.Start])
			if !take(pos+k, countPlain(l.Counting, text[pos:pos+k])) {
				return pos
			}
			pos += k
		}
		if !ok {
			if limit == len(text) {
				return pos
			}
			from = limit
			continue
		}
		w, special := l.entityWeight(text, e)
		if !special {
			w = countPlain(l.Counting, text[e.Start:e.End])
		}
		if !take(e.End, w) {
			return pos
		}
		pos, from = e.End, e.End
	}
}

// fits reports whether text keeps the length and byte limits.
func (l Limits) fits(text string) bool {
	return (l.MaxBytes == 0 || len(text) <= l.MaxBytes) && (l.MaxLength == 0 || l.Count(text) <= l.MaxLength)
}

// Truncate returns text when it keeps the length and byte limits, and
// otherwise its longest prefix that, followed by ellipsis, does: cut
// between grapheme clusters, never inside a link, hashtag or mention, with
// trailing white space removed. An ellipsis that does not fit by itself is
// dropped. TruncateWords cuts between words instead.
func (l Limits) Truncate(text, ellipsis string) string {
	return l.truncate(text, ellipsis, false)
}

// TruncateWords is Truncate cut at a word boundary: the prefix ends before
// the white space that follows its last whole word, so no word is cut in
// two. Only when the first word alone does not fit is it cut, between
// grapheme clusters, as Truncate does.
func (l Limits) TruncateWords(text, ellipsis string) string {
	return l.truncate(text, ellipsis, true)
}

func (l Limits) truncate(text, ellipsis string, words bool) string {
	if l.fits(text) {
		return text
	}
	if !l.fits(ellipsis) {
		ellipsis = ""
	}
	maxLen, maxBytes := l.MaxLength, l.MaxBytes
	if maxLen > 0 {
		maxLen -= l.Count(ellipsis)
	}
	if maxBytes > 0 {
		maxBytes -= len(ellipsis)
	}
	for {
		cut := 0
		if (l.MaxLength == 0 || maxLen > 0) && (l.MaxBytes == 0 || maxBytes > 0) {
			cut = l.fit(text, maxLen, maxBytes)
		}
		if words {
			cut = wordCut(text, cut)
		}
		out := strings.TrimRightFunc(text[:cut], unicode.IsSpace) + ellipsis
		if l.fits(out) || cut == 0 {
			return out
		}
		// A custom Counter that does not add up: ask for one less.
		maxLen--
	}
}

// wordCut moves cut, the end of a prefix of text, back to the white space
// before the word it falls in, unless it already ends a word or the word
// is the first one.
func wordCut(text string, cut int) int {
	if cut >= len(text) {
		return cut
	}
	if r, _ := utf8.DecodeRuneInString(text[cut:]); unicode.IsSpace(r) {
		return cut
	}
	if ws := strings.LastIndexFunc(text[:cut], unicode.IsSpace); ws > 0 &&
		strings.TrimRightFunc(text[:ws], unicode.IsSpace) != "" {
		return ws
	}
	return cut
}

// SplitOptions changes how SplitThreadWith numbers the parts of a thread.
// The zero value numbers them as SplitThread does, " i/n" after the text.
type SplitOptions struct {
	// Numbering is the fmt format of a part's number, with two %d verbs
	// (flags and width allowed): the part's position from 1, then the
	// number of parts. Empty means " %d/%d". Include the space that
	// separates it from the text.
	Numbering string
	// NumberFirst puts the number before the part's text ("%d/%d " reads
	// "1/3 Nuestra..."); by default it comes after.
	NumberFirst bool
	// Unnumbered leaves the parts without numbers; Numbering is then
	// ignored.
	Unnumbered bool
}

// SplitThread splits text into the posts of a numbered thread, each of
// which keeps the length and byte limits with its " i/n" suffix. Parts break
// at white space, never inside a word, link, hashtag or mention; only a
// single word longer than a whole post is cut, between grapheme clusters.
// A text that fits is returned as is, unnumbered. Limits without MaxLength
// or MaxBytes never split.
//
// It fails with a *ValidationError (field "post.text", rule "max_length")
// when a link or other entity alone does not fit in a post, and reports
// the entity-count limits (hashtags, mentions, links) that a part still
// breaks. SplitThreadWith numbers the parts otherwise, or not at all.
func (l Limits) SplitThread(text string) ([]string, error) {
	return l.SplitThreadWith(text, SplitOptions{})
}

// SplitThreadWith is SplitThread with the numbering that opts asks for.
// A Numbering that is not a format with exactly two %d verbs is a
// *ValidationError with field "numbering" and rule "format".
func (l Limits) SplitThreadWith(text string, opts SplitOptions) ([]string, error) {
	format := opts.Numbering
	if format == "" {
		format = " %d/%d"
	}
	if !opts.Unnumbered && !twoNumbers(format) {
		return nil, Invalid("numbering", "format", "%q: want a format with exactly two %%d verbs, such as \" %%d/%%d\"", opts.Numbering)
	}
	text = strings.TrimSpace(text)
	if l.fits(text) {
		return []string{text}, nil
	}
	if opts.Unnumbered {
		parts, err := l.split(text, "")
		if err != nil {
			return nil, err
		}
		return l.checked(parts)
	}
	for digits := 1; digits < 7; digits++ {
		widest := strings.Repeat("9", digits)
		n, _ := strconv.Atoi(widest)
		parts, err := l.split(text, fmt.Sprintf(format, n, n))
		if err != nil {
			return nil, err
		}
		if len(strconv.Itoa(len(parts))) > digits {
			continue
		}
		for i := range parts {
			number := fmt.Sprintf(format, i+1, len(parts))
			if opts.NumberFirst {
				parts[i] = number + parts[i]
			} else {
				parts[i] += number
			}
		}
		return l.checked(parts)
	}
	return nil, Invalid("post.text", "max_length", "a thread of a million posts or more")
}

// checked returns parts, or the first limit a part breaks as an error.
func (l Limits) checked(parts []string) ([]string, error) {
	var fs [6]Finding
	for _, part := range parts {
		if found := l.CheckText(fs[:0], part); len(found) > 0 {
			return nil, found[0].Err()
		}
	}
	return parts, nil
}

// twoNumbers reports whether format has exactly two verbs, both %d with
// optional flags and width, besides literal %%.
func twoNumbers(format string) bool {
	n := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if i < len(format) && format[i] == '%' {
			continue
		}
		for i < len(format) && strings.IndexByte("+-# 0123456789", format[i]) >= 0 {
			i++
		}
		if i >= len(format) || format[i] != 'd' {
			return false
		}
		n++
	}
	return n == 2
}

// split packs text into parts that leave room for number, the widest
// numbering a part may get.
func (l Limits) split(text, number string) ([]string, error) {
	maxLen, maxBytes := l.MaxLength, l.MaxBytes
	if maxLen > 0 {
		maxLen -= l.Count(number)
		if maxLen <= 0 {
			return nil, Invalid("post.text", "max_length", "limit %d leaves no room for numbering", l.MaxLength)
		}
	}
	if maxBytes > 0 {
		maxBytes -= len(number)
		if maxBytes <= 0 {
			return nil, Invalid("post.text", "max_bytes", "limit %d leaves no room for numbering", l.MaxBytes)
		}
	}
	var parts []string
	for rest := text; rest != ""; {
		cut := l.fit(rest, maxLen, maxBytes)
		if cut < len(rest) {
			r, _ := utf8.DecodeRuneInString(rest[cut:])
			if !unicode.IsSpace(r) {
				if ws := strings.LastIndexFunc(rest[:cut], unicode.IsSpace); ws > 0 {
					cut = ws
				} else if cut == 0 {
					return nil, Invalid("post.text", "max_length",
						"%q does not fit in one post", firstWord(rest))
				}
			}
		}
		parts = append(parts, strings.TrimRightFunc(rest[:cut], unicode.IsSpace))
		rest = strings.TrimLeftFunc(rest[cut:], unicode.IsSpace)
	}
	return parts, nil
}

func firstWord(s string) string {
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i]
	}
	return s
}
